#!/bin/sh
# The export bar of the issue: every STIX object of an export of the seed and
# dev corpus validates against the OASIS schemas, the MISP export of the same
# passes the template and taxonomy checks, and a second export (of the records
# in reverse order) is byte-identical. Follow-ups are linked the way the
# casebook links them (same organization within a year) to exercise incidents
# of several notices.
#
# usage: bar.sh JIKENBO EXPORT_MAIN SHARED_DIR   (exit 77: SHARED_DIR missing)
set -eu
cli=$1
drv=$2
shared=$3
here=$(cd "$(dirname "$0")" && pwd)

if [ ! -d "$shared/corpus/dev" ] || [ ! -d "$shared/data/stix2-json-schemas" ]; then
    echo "export/bar: $shared not found: skipped"
    exit 77
fi
if ! python3 -c 'import jsonschema' 2>/dev/null; then
    echo "export/bar: python3-jsonschema missing: skipped"
    exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in "$shared"/corpus/seed/*.txt "$shared"/corpus/dev/*.txt "$shared"/corpus/dev/*.html; do
    [ -e "$f" ] || continue
    "$cli" extract --format ndjson "$f" >>"$tmp/records.ndjson"
done

# Wrap each record with an incident key: one organization's notices within a
# year of the first are one incident.
python3 - "$tmp/records.ndjson" "$tmp/in.ndjson" "$tmp/rev.ndjson" <<'EOF'
import json, sys, datetime
recs = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8') if l.strip()]
def day(r):
    p = r.get('published')
    return datetime.date.fromisoformat(p) if p else None
first = {}
lines = []
for r in sorted(recs, key=lambda r: (r.get('org') or '', str(day(r)))):
    key = None
    org, d = r.get('org'), day(r)
    if org and d:
        f = first.get(org)
        if f is None or (d - f).days > 365:
            first[org] = f = d
        key = '%s|%s' % (org, f)
    lines.append(json.dumps({'record': r, 'incident_key': key}, ensure_ascii=False))
open(sys.argv[2], 'w', encoding='utf-8').write('\n'.join(lines) + '\n')
open(sys.argv[3], 'w', encoding='utf-8').write('\n'.join(reversed(lines)) + '\n')
print('export/bar: %d records, %d linked incidents of several notices' %
      (len(recs), sum(1 for o in first if sum(1 for r in recs if r.get('org') == o and day(r)) > 1)))
EOF

status=0
for fmt in stix misp; do
    "$drv" $fmt <"$tmp/in.ndjson" >"$tmp/$fmt.1.json"
    "$drv" $fmt <"$tmp/rev.ndjson" >"$tmp/$fmt.2.json"
    if ! cmp -s "$tmp/$fmt.1.json" "$tmp/$fmt.2.json"; then
        echo "export/bar: FAIL: a second $fmt export (records reversed) differs"
        status=1
    else
        echo "export/bar: $fmt: second export byte-identical ($(wc -c <"$tmp/$fmt.1.json") bytes)"
    fi
done

python3 "$here/validate_stix.py" "$shared" "$tmp/stix.1.json" || status=1
python3 "$here/validate_misp.py" "$shared" "$tmp/misp.1.json" || status=1

# The same notices through a casebook (`ingest`, then `export`): each notice's
# reporting obligations go with it, a STIX note on its incident and report
# and a MISP event report; the note's assessment is what `assess ID` says.
db="$tmp/casebook.db"
"$cli" ingest --db "$db" "$shared"/corpus/seed/*.txt "$shared"/corpus/dev/*.txt "$shared"/corpus/dev/*.html \
    2>"$tmp/ingest.err" || { cat "$tmp/ingest.err"; status=1; }
for fmt in stix misp; do
    "$cli" export --db "$db" --format $fmt >"$tmp/db-$fmt.1.json" || status=1
    "$cli" export --db "$db" --format $fmt >"$tmp/db-$fmt.2.json" || status=1
    cmp -s "$tmp/db-$fmt.1.json" "$tmp/db-$fmt.2.json" ||
        { echo "export/bar: FAIL: a second casebook $fmt export differs"; status=1; }
done
python3 "$here/validate_stix.py" "$shared" "$tmp/db-stix.1.json" || status=1
python3 "$here/validate_misp.py" "$shared" "$tmp/db-misp.1.json" || status=1
id=$("$cli" search --db "$db" --format ndjson --category ransomware | head -1 |
    python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
"$cli" assess --db "$db" --format json "$id" >"$tmp/assess.json" || status=1
python3 - "$tmp/db-stix.1.json" "$tmp/db-misp.1.json" "$tmp/assess.json" <<'EOF' || status=1
import json, sys
b = json.load(open(sys.argv[1], encoding='utf-8'))
m = json.load(open(sys.argv[2], encoding='utf-8'))
a = json.load(open(sys.argv[3], encoding='utf-8'))
a = (a[0] if isinstance(a, list) else a)['assessment']
objs = b['objects']
reports = {o['id'] for o in objs if o['type'] == 'report'}
noted = {r for o in objs if o['type'] == 'note' for r in o['object_refs'] if r.startswith('report--')}
bad = 0
if reports != noted:
    print('export/bar: FAIL: %d reports, %d with an assessment note' % (len(reports), len(noted)))
    bad = 1
nrep = sum(1 for ev in m['response'] for o in ev['Event']['Object'] if o['name'] == 'report')
nev = sum(len(ev['Event'].get('EventReport', [])) for ev in m['response'])
if nrep != nev:
    print('export/bar: FAIL: %d MISP report objects, %d event reports' % (nrep, nev))
    bad = 1
want = {o['id']: (o['applies'], o['status'], o.get('due'), o.get('due_to')) for o in a['obligations']}
if not want:
    print('export/bar: FAIL: `assess %s` lists no obligation to compare' % sys.argv[3])
    bad = 1
found = False
for o in objs:
    if o['type'] != 'note':
        continue
    ext = next(iter(o['extensions'].values()))
    got = {x['id']: (x['applies'], x['status'], x.get('due'), x.get('due_to')) for x in ext.get('obligations', [])}
    if got == want and ext.get('regime_jp') == a['regime_jp']:
        found = True
if not found:
    print('export/bar: FAIL: no note carries the obligations `assess ID` gives: %s' % want)
    bad = 1
if not bad:
    print('export/bar: casebook export: %d reports, each with its assessment note; %d MISP event reports'
          % (len(reports), nev))
sys.exit(bad)
EOF

# The checks must be able to fail: an incident without its name, a victim
# name typed as text.
python3 - "$tmp/stix.1.json" "$tmp/misp.1.json" "$tmp/bad-stix.json" "$tmp/bad-misp.json" <<'EOF'
import json, sys
b = json.load(open(sys.argv[1], encoding='utf-8'))
next(o for o in b['objects'] if o['type'] == 'incident').pop('name')
json.dump(b, open(sys.argv[3], 'w', encoding='utf-8'))
m = json.load(open(sys.argv[2], encoding='utf-8'))
for ev in m['response']:
    for o in ev['Event']['Object']:
        if o['name'] == 'victim':
            o['Attribute'][0]['type'] = 'text'
json.dump(m, open(sys.argv[4], 'w', encoding='utf-8'))
EOF
if python3 "$here/validate_stix.py" "$shared" "$tmp/bad-stix.json" >/dev/null; then
    echo "export/bar: FAIL: validate_stix.py accepted an incident without a name"
    status=1
fi
python3 - "$tmp/db-stix.1.json" "$tmp/bad-note.json" <<'EOF'
import json, sys
b = json.load(open(sys.argv[1], encoding='utf-8'))
n = next(o for o in b['objects'] if o['type'] == 'note' and next(iter(o['extensions'].values())).get('obligations'))
next(iter(n['extensions'].values()))['obligations'][0]['status'] = 'whenever'
json.dump(b, open(sys.argv[2], 'w', encoding='utf-8'))
EOF
if python3 "$here/validate_stix.py" "$shared" "$tmp/bad-note.json" >/dev/null; then
    echo "export/bar: FAIL: validate_stix.py accepted an obligation status outside the vocabulary"
    status=1
fi
if python3 "$here/validate_misp.py" "$shared" "$tmp/bad-misp.json" >/dev/null; then
    echo "export/bar: FAIL: validate_misp.py accepted a victim name typed as text"
    status=1
fi
exit $status
