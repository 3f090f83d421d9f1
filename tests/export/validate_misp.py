#!/usr/bin/env python3
"""Check a MISP export against the misp-objects templates and the taxonomies.

usage: validate_misp.py SHARED_DIR EXPORT.json [EXPORT.json ...]

EXPORT is {"response": [{"Event": ...}, ...]} (what jikenbo writes), a list
of {"Event": ...}, or one {"Event": ...}. For every object: the template
exists (SHARED_DIR/data/misp-objects/objects/<name>/definition.json), its
uuid, version and meta-category match, every attribute's object_relation is
one of the template's, its type is the template's misp-attribute, its
category is one the template allows, a relation that is not "multiple"
appears once, a value with sane_default (or values) is one of them, required
and requiredOneOf hold; object references point inside the event. For every
tag: it exists in the veris or rsit taxonomy (misp-taxonomies), or names a
cluster of the ransomware or threat-actor galaxy (misp-galaxy). Uuids are
well formed and unique.

Exit status: 0 valid, 1 invalid, 77 when SHARED_DIR/data is missing.
"""
import glob
import json
import os
import re
import sys
from collections import Counter

UUID_RE = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$')
DATE_RE = re.compile(r'^\d{4}-\d{2}-\d{2}$')
TAXONOMIES = ('veris', 'rsit')
GALAXIES = ('ransomware', 'threat-actor')
# MISP's categories for the event-level attribute types jikenbo writes
# (MISP app/Model/Attribute.php typeDefinitions / categoryDefinitions).
EVENT_ATTRIBUTE_CATEGORIES = {
    'vulnerability': {'Payload delivery', 'Artifacts dropped', 'Network activity', 'External analysis'},
    'threat-actor': {'Attribution'},
}
# The default categories of the types the templates use, when a template
# names none.
DEFAULT_CATEGORY = {'text': {'Other'}, 'counter': {'Other'}, 'datetime': {'Other'},
                    'target-org': {'Targeting data'}, 'link': {'External analysis'}}


def load(shared):
    templates = {}
    for p in glob.glob(os.path.join(shared, 'data', 'misp-objects', 'objects', '*', 'definition.json')):
        with open(p, encoding='utf-8') as f:
            t = json.load(f)
        templates[t['name']] = t
    tags = set()
    for ns in TAXONOMIES:
        with open(os.path.join(shared, 'data', 'misp-taxonomies', ns, 'machinetag.json'), encoding='utf-8') as f:
            tx = json.load(f)
        with_values = set()
        for v in tx.get('values', []):
            with_values.add(v['predicate'])
            for e in v['entry']:
                tags.add('%s:%s="%s"' % (tx['namespace'], v['predicate'], e['value']))
        for p in tx['predicates']:
            if p['value'] not in with_values:
                tags.add('%s:%s' % (tx['namespace'], p['value']))
    for g in GALAXIES:
        with open(os.path.join(shared, 'data', 'misp-galaxy', 'clusters', g + '.json'), encoding='utf-8') as f:
            cl = json.load(f)
        for v in cl['values']:
            tags.add('misp-galaxy:%s="%s"' % (cl['type'], v['value']))
    return templates, tags


def events_of(doc):
    if isinstance(doc, dict) and 'response' in doc:
        doc = doc['response']
    if isinstance(doc, dict):
        doc = [doc]
    return [d.get('Event', d) for d in doc]


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    shared = sys.argv[1]
    if not os.path.isdir(os.path.join(shared, 'data', 'misp-objects')):
        print('validate_misp: no MISP data under %s: skipped' % shared)
        return 77
    templates, known_tags = load(shared)
    problems = []
    counts = Counter()
    seen_uuids = set()

    for path in sys.argv[2:]:
        with open(path, encoding='utf-8') as f:
            doc = json.load(f)
        for ev in events_of(doc):
            eu = ev.get('uuid', '?')

            def err(msg, where=eu):
                problems.append('%s: %s: %s' % (path, where, msg))

            def uuid_ok(u, where):
                if not isinstance(u, str) or not UUID_RE.match(u):
                    err('bad uuid %r' % u, where)
                elif u in seen_uuids:
                    err('uuid used twice: %s' % u, where)
                else:
                    seen_uuids.add(u)

            counts['event'] += 1
            uuid_ok(eu, 'event')
            if not isinstance(ev.get('info'), str) or not ev['info']:
                err('event without info')
            if not DATE_RE.match(str(ev.get('date', ''))):
                err('event date %r is not YYYY-MM-DD' % ev.get('date'))
            if str(ev.get('threat_level_id')) not in ('1', '2', '3', '4'):
                err('threat_level_id must be 1..4')
            if str(ev.get('analysis')) not in ('0', '1', '2'):
                err('analysis must be 0..2')
            if str(ev.get('distribution')) not in ('0', '1', '2', '3', '4', '5'):
                err('distribution must be 0..5')
            if not str(ev.get('timestamp', '')).isdigit():
                err('timestamp must be seconds since the epoch')
            names = [t.get('name') for t in ev.get('Tag', [])]
            if len(set(names)) != len(names):
                err('a tag appears twice')
            for n in names:
                counts['tag'] += 1
                if n not in known_tags:
                    err('tag %r is in no taxonomy or galaxy here' % n)
            for a in ev.get('Attribute', []):
                counts['event attribute'] += 1
                uuid_ok(a.get('uuid'), 'attribute')
                cats = EVENT_ATTRIBUTE_CATEGORIES.get(a.get('type'))
                if cats is None:
                    err('event attribute type %r not checked by this script' % a.get('type'))
                elif a.get('category') not in cats:
                    err('category %r not allowed for %s' % (a.get('category'), a.get('type')))
                if not isinstance(a.get('value'), str) or not a['value']:
                    err('attribute without a value')
            # event reports (jikenbo: a notice's reporting obligations, Markdown)
            for r in ev.get('EventReport', []):
                counts['event report'] += 1
                uuid_ok(r.get('uuid'), 'event report')
                if not isinstance(r.get('name'), str) or not r['name']:
                    err('event report without a name')
                if not isinstance(r.get('content'), str) or 'Reporting obligations' not in r['content']:
                    err('event report without its obligations')
                if str(r.get('distribution')) not in ('0', '1', '2', '3', '4', '5'):
                    err('event report distribution must be 0..5')
                if not str(r.get('timestamp', '')).isdigit():
                    err('event report timestamp must be seconds since the epoch')
                if r.get('deleted') is not False:
                    err('event report must say deleted: false')
            objs = ev.get('Object', [])
            ouuids = {o.get('uuid') for o in objs}
            for o in objs:
                name = o.get('name')
                where = '%s/%s' % (name, o.get('uuid'))
                counts['object ' + str(name)] += 1
                uuid_ok(o.get('uuid'), where)
                t = templates.get(name)
                if t is None:
                    err('no template %r' % name, where)
                    continue
                if o.get('template_uuid') != t['uuid']:
                    err('template_uuid %r is not the template\'s %s' % (o.get('template_uuid'), t['uuid']), where)
                if str(o.get('template_version')) != str(t['version']):
                    err('template_version %r is not %s' % (o.get('template_version'), t['version']), where)
                if o.get('meta-category') != t['meta-category']:
                    err('meta-category %r is not %s' % (o.get('meta-category'), t['meta-category']), where)
                rels = Counter()
                for a in o.get('Attribute', []):
                    counts['object attribute'] += 1
                    rel = a.get('object_relation')
                    uuid_ok(a.get('uuid'), where)
                    spec = t['attributes'].get(rel)
                    if spec is None:
                        err('relation %r not in the template' % rel, where)
                        continue
                    rels[rel] += 1
                    if a.get('type') != spec['misp-attribute']:
                        err('%s has type %r, the template says %r' % (rel, a.get('type'), spec['misp-attribute']),
                            where)
                    allowed = set(spec.get('categories', [])) or DEFAULT_CATEGORY.get(spec['misp-attribute'])
                    if allowed and a.get('category') not in allowed:
                        err('%s has category %r, allowed %s' % (rel, a.get('category'), sorted(allowed)), where)
                    v = a.get('value')
                    if not isinstance(v, str) or v == '':
                        err('%s has no value' % rel, where)
                        continue
                    vocab = spec.get('values') or spec.get('sane_default')
                    if vocab and v not in vocab:
                        err('%s value %r not among the template\'s values' % (rel, v), where)
                    if spec['misp-attribute'] == 'counter' and not v.isdigit():
                        err('%s is a counter, not %r' % (rel, v), where)
                for rel, n in rels.items():
                    if n > 1 and not t['attributes'][rel].get('multiple'):
                        err('%s appears %d times but is not multiple' % (rel, n), where)
                for rel in t.get('required', []):
                    if rel not in rels:
                        err('required %s missing' % rel, where)
                one = t.get('requiredOneOf', [])
                if one and not any(r in rels for r in one):
                    err('none of %s present' % one, where)
                for r in o.get('ObjectReference', []):
                    counts['object reference'] += 1
                    uuid_ok(r.get('uuid'), where)
                    if r.get('object_uuid') != o.get('uuid'):
                        err('reference does not start at its object', where)
                    if r.get('referenced_uuid') not in ouuids:
                        err('reference to %r outside the event' % r.get('referenced_uuid'), where)
                    if not r.get('relationship_type'):
                        err('reference without a relationship type', where)
    for p in problems[:50]:
        print(p)
    if len(problems) > 50:
        print('... and %d more' % (len(problems) - 50))
    print('validate_misp: %s: %d problems' % (', '.join('%s %d' % kv for kv in sorted(counts.items())),
                                             len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
