#!/usr/bin/env python3
"""Validate a STIX 2.1 bundle object by object against the OASIS JSON schemas.

usage: validate_stix.py SHARED_DIR BUNDLE.json [BUNDLE.json ...]

Each object is checked against its own schema (sdos/<type>.json,
sros/<type>.json, common/extension-definition.json), and an object of a type
the schemas do not define (the Impact extension's `impact`) against
common/core.json, the schema the bundle applies to custom objects. The bundle
schema itself is not used: it lists no `incident`, and a valid incident
matches both branches of its fallback oneOf (anchors.md 2.4). $refs resolve
from a local store of the schema files; nothing is fetched.

On top of the schemas, checks that copy stix2-validator MUSTs and the
extension drafts (anchors.md 2.2), which have no schema in the set: unique
ids whose prefix is the type, spec_version 2.1, modified >= created, every
*_ref(s) resolvable in the bundle, the Incident Core and Impact properties
and their vocabularies, the open vocabularies jikenbo uses, and relationship
types between the object types they join.

Exit status: 0 valid, 1 invalid, 77 when SHARED_DIR/data/stix2-json-schemas
is missing (the test is skipped).
"""
import glob
import json
import os
import re
import sys
from collections import Counter

try:
    from jsonschema import Draft202012Validator
except ImportError:  # the deps script installs python3-jsonschema
    print('validate_stix: python3-jsonschema is not installed', file=sys.stderr)
    sys.exit(77)

EXT_CORE = 'extension-definition--ef765651-680c-498d-9894-99799f2fa126'
EXT_IMPACT = 'extension-definition--7cc33dd6-f6a1-489b-98ea-522d351d71b9'

# Incident Core Extension v2.0 and Impact Extension v1.0 (OASIS drafts, as
# anchors.md 2.2 transcribes them).
DETERMINATION = {'blocked', 'successful-attempt', 'failed-attempt', 'false-positive', 'low-value', 'suspected'}
INVESTIGATION_STATUS = {'new', 'open', 'closed'}
INCIDENT_TYPES = {'compromised-system', 'denial-of-service', 'destruction', 'equipment-loss', 'equipment-theft',
                  'major', 'supply-chain-customer', 'supply-chain-vendor', 'unauthorized-access',
                  'unauthorized-equipment', 'unauthorized-release', 'unauthorized-use'}
DETECTION_METHODS = {'automated-tool', 'human-review', 'message-from-attacker', 'system-outage', 'user-reporting'}
IMPACT_CATEGORIES = {'availability', 'confidentiality', 'external', 'integrity', 'monetary', 'physical',
                     'traceability'}
INFORMATION_TYPES = {'classified-material', 'communication', 'credentials-admin', 'credentials-user', 'financial',
                     'legal', 'payment', 'phi', 'pii', 'proprietary'}
LOSS_TYPES = {'confirmed-loss', 'contained', 'exploited-loss', 'none', 'suspected-loss'}
INCIDENT_CORE_PROPS = {'extension_type', 'criticality', 'determination', 'detection_methods',
                       'impacted_entity_counts', 'incident_types', 'investigation_status', 'recoverability',
                       'scores', 'impact_refs', 'event_refs', 'task_refs', 'other_object_refs', 'sighting_refs'}

# (source type, relationship, target type) jikenbo may emit: STIX 2.1's own
# threat-actor/intrusion-set targets identity, and the Incident Core ones.
RELATIONSHIPS = {
    ('incident', 'targets', 'identity'), ('incident', 'impacts', 'identity'),
    ('incident', 'attributed-to', 'intrusion-set'), ('incident', 'attributed-to', 'threat-actor'),
    ('intrusion-set', 'targets', 'identity'), ('threat-actor', 'targets', 'identity'),
}

UUID_RE = re.compile(r'^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$')


def load_schemas(root):
    store = {}
    for path in glob.glob(os.path.join(root, '**', '*.json'), recursive=True):
        with open(path, encoding='utf-8') as f:
            s = json.load(f)
        store[s['$id']] = s
        store[os.path.relpath(path, root)] = s
    return store


def make_validator_factory(store):
    """A function schema -> validator that resolves $refs from the store
    only: referencing (jsonschema >= 4.18) or RefResolver (Debian's 4.10)."""
    ids = {k: v for k, v in store.items() if k.startswith('http')}
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012
        registry = Registry().with_resources(
            (k, Resource.from_contents(v, default_specification=DRAFT202012)) for k, v in ids.items())
        return lambda schema: Draft202012Validator(schema, registry=registry)
    except ImportError:
        from jsonschema import RefResolver
        return lambda schema: Draft202012Validator(
            schema, resolver=RefResolver(base_uri=schema['$id'], referrer=schema, store=ids))


def refs_of(obj, path=''):
    """Every (path, id) held by a *_ref or *_refs property, at any depth."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k.endswith('_ref') and isinstance(v, str):
                yield path + k, v
            elif k.endswith('_refs') and isinstance(v, list):
                for i, x in enumerate(v):
                    if isinstance(x, str):
                        yield '%s%s[%d]' % (path, k, i), x
            else:
                yield from refs_of(v, path + k + '.')
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from refs_of(v, '%s[%d].' % (path, i))


def check_incident_core(ext, err):
    for k in ext:
        if k not in INCIDENT_CORE_PROPS:
            err('Incident Core: unknown property %s' % k)
    if ext.get('extension_type') != 'property-extension':
        err('Incident Core: extension_type must be property-extension')
    if ext.get('determination') not in DETERMINATION:
        err('Incident Core: determination %r not in the enumeration' % ext.get('determination'))
    if ext.get('investigation_status') not in INVESTIGATION_STATUS:
        err('Incident Core: investigation_status %r not in the vocabulary' % ext.get('investigation_status'))
    types = ext.get('incident_types', [])
    if not isinstance(types, list) or ('incident_types' in ext and not types):
        err('Incident Core: incident_types must be a non-empty list')
    else:
        for t in types:
            if t not in INCIDENT_TYPES:
                err('Incident Core: incident type %r not in incident-type-ov' % t)
        if len(set(types)) != len(types):
            err('Incident Core: incident_types repeats a value')
    for m in ext.get('detection_methods', []):
        if m not in DETECTION_METHODS:
            err('Incident Core: detection method %r not in the vocabulary' % m)
    counts = ext.get('impacted_entity_counts')
    if counts is not None:
        if not isinstance(counts, dict) or not counts:
            err('Incident Core: impacted_entity_counts must be a non-empty dictionary')
        else:
            for k, v in counts.items():
                if k not in IDENTITY_CLASSES and k not in ('infrastructure',):
                    err('Incident Core: impacted_entity_counts key %r is no entity type' % k)
                if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                    err('Incident Core: impacted_entity_counts[%s] must be a non-negative integer' % k)
    c = ext.get('criticality')
    if c is not None and (not isinstance(c, int) or not 0 <= c <= 100):
        err('Incident Core: criticality must be an integer 0..100')


def check_impact(o, byid, err):
    exts = o.get('extensions', {})
    if exts.get(EXT_IMPACT, {}).get('extension_type') != 'new-sdo':
        err('impact: needs the Impact extension-definition with extension_type new-sdo')
    cat = o.get('impact_category')
    if cat not in IMPACT_CATEGORIES:
        err('impact: impact_category %r not an Impact category' % cat)
    conf = exts.get('confidentiality-ext')
    if cat == 'confidentiality':
        if not isinstance(conf, dict):
            err('impact: a confidentiality impact needs its confidentiality-ext properties')
        else:
            for k in conf:
                if k not in ('information_type', 'loss_type', 'record_count', 'record_size'):
                    err('impact: unknown confidentiality property %s' % k)
            if conf.get('information_type') not in INFORMATION_TYPES:
                err('impact: information_type %r not in the vocabulary' % conf.get('information_type'))
            if conf.get('loss_type') not in LOSS_TYPES:
                err('impact: loss_type %r not in the enumeration' % conf.get('loss_type'))
            for k in ('record_count', 'record_size'):
                v = conf.get(k)
                if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
                    err('impact: %s must be a non-negative integer' % k)
    ref = o.get('incident_ref')
    if ref is not None and not ref.startswith('incident--'):
        err('impact: incident_ref must name an incident')


# jikenbo's assessment extension on a note (docs/export.md): its obligations
# with the keys and vocabularies of `jikenbo assess --format json`.
ASSESS_STATUS = {'met', 'late', 'beyond_guideline', 'bound_met', 'unknown', 'no_deadline', 'not_applicable',
                 'out_of_scope'}
ASSESS_APPLIES = {'yes', 'no', 'may_apply'}
DATE_RE = re.compile(r'^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}Z)?$')


def check_note(o, byid, err):
    refs = o.get('object_refs', [])
    kinds = sorted(r.split('--')[0] for r in refs)
    if kinds != ['incident', 'report']:
        err('note: object_refs must be its incident and its report, not %s' % kinds)
    exts = o.get('extensions', {})
    if len(exts) != 1:
        err('note: one extension (the assessment) expected')
        return
    ext_id, a = next(iter(exts.items()))
    d = byid.get(ext_id)
    if d is not None and 'property-extension' not in d.get('extension_types', []):
        err('note: %s is not a property extension' % ext_id)
    if a.get('extension_type') != 'property-extension':
        err('note: the assessment extension needs extension_type property-extension')
    if not isinstance(a.get('regime_jp'), str):
        err('note: the assessment has no regime_jp')
    # no obligations at all (a regime that covers nothing) is left out, as
    # STIX has no empty lists
    obl = a.get('obligations', [])
    if not isinstance(obl, list):
        err('note: obligations is not a list')
        return
    for ob in obl:
        for k in ('id', 'regime', 'obligation', 'recipient', 'applies', 'status', 'deadline'):
            if not isinstance(ob.get(k), str):
                err('note: obligation %s lacks %s' % (ob.get('id'), k))
        if ob.get('applies') not in ASSESS_APPLIES:
            err('note: obligation %s: applies %r' % (ob.get('id'), ob.get('applies')))
        if ob.get('status') not in ASSESS_STATUS:
            err('note: obligation %s: status %r' % (ob.get('id'), ob.get('status')))
        for k in ('start', 'due', 'due_from', 'due_to', 'done'):
            if k in ob and not DATE_RE.match(str(ob[k])):
                err('note: obligation %s: %s %r is no date' % (ob.get('id'), k, ob[k]))
        if ob.get('applies') != 'no' and ob.get('id') not in o.get('content', ''):
            err('note: obligation %s applies but the content does not name it' % ob.get('id'))


IDENTITY_CLASSES = set()


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    schema_root = os.path.join(sys.argv[1], 'data', 'stix2-json-schemas', 'schemas')
    if not os.path.isdir(schema_root):
        print('validate_stix: no schemas at %s: skipped' % schema_root)
        return 77
    store = load_schemas(schema_root)
    factory = make_validator_factory(store)
    validators = {}
    ident = store['sdos/identity.json']['definitions']
    IDENTITY_CLASSES.update(ident['identity-class-ov']['enum'])
    sectors = set(ident['industry-sector-ov']['enum'])
    report_types = set(store['sdos/report.json']['definitions']['report-type-ov']['enum'])
    ta_types = set(store['sdos/threat-actor.json']['definitions']['threat-actor-type-ov']['enum'])

    def schema_for(t):
        for rel in ('sdos/%s.json' % t, 'sros/%s.json' % t, 'common/%s.json' % t):
            if rel in store and t not in ('core', 'bundle', 'properties'):
                return rel
        return 'common/core.json'

    errors = 0
    total = Counter()
    for path in sys.argv[2:]:
        with open(path, encoding='utf-8') as f:
            bundle = json.load(f)
        problems = []

        def err(msg, where=''):
            problems.append('%s: %s%s' % (path, where + ': ' if where else '', msg))

        if bundle.get('type') != 'bundle' or not UUID_RE.match(bundle.get('id', '')) \
                or not bundle['id'].startswith('bundle--'):
            err('not a bundle with a bundle-- id')
        objs = bundle.get('objects', [])
        byid = {}
        for o in objs:
            oid = o.get('id', '?')
            if oid in byid:
                err('duplicate id', oid)
            byid[oid] = o
        for o in objs:
            oid, t = o.get('id', '?'), o.get('type', '?')
            where = oid

            def e(msg, where=where):
                err(msg, where)

            rel = schema_for(t)
            v = validators.get(rel)
            if v is None:
                v = validators[rel] = factory(store[rel])
            for ve in sorted(v.iter_errors(o), key=lambda x: list(x.path)):
                e('schema %s: %s at %s' % (rel, ve.message[:300], '/'.join(map(str, ve.path))))
            if not UUID_RE.match(oid) or not oid.startswith(t + '--'):
                e('id is not <type>--<UUID>')
            if o.get('spec_version') != '2.1':
                e('spec_version must be 2.1')
            if o.get('created', '') > o.get('modified', ''):
                e('modified is before created')
            for p, r in refs_of(o):
                if r not in byid:
                    e('%s points outside the bundle: %s' % (p, r))
            for k in o.get('extensions', {}):
                if k.startswith('extension-definition--') and k not in byid and \
                        any(x.get('type') == 'extension-definition' for x in objs):
                    e('extension %s has no extension-definition in the bundle' % k)
            if t == 'identity':
                if o.get('identity_class') not in IDENTITY_CLASSES:
                    e('identity_class %r not in identity-class-ov' % o.get('identity_class'))
                for s in o.get('sectors', []):
                    if s not in sectors:
                        e('sector %r not in industry-sector-ov' % s)
            elif t == 'report':
                for rt in o.get('report_types', []):
                    if rt not in report_types:
                        e('report type %r not in report-type-ov' % rt)
            elif t == 'threat-actor':
                for tt in o.get('threat_actor_types', []):
                    if tt not in ta_types:
                        e('threat actor type %r not in threat-actor-type-ov' % tt)
            elif t == 'incident':
                core = o.get('extensions', {}).get(EXT_CORE)
                if core is None:
                    e('incident without the Incident Core extension')
                else:
                    check_incident_core(core, e)
            elif t == 'impact':
                check_impact(o, byid, e)
            elif t == 'note':
                check_note(o, byid, e)
            elif t == 'relationship':
                s, g = o.get('source_ref', ''), o.get('target_ref', '')
                triple = (s.split('--')[0], o.get('relationship_type'), g.split('--')[0])
                if triple not in RELATIONSHIPS:
                    e('relationship %s %s %s is not one jikenbo means to emit' % triple)
            total[t] += 1
        for p in problems[:50]:
            print(p)
        if len(problems) > 50:
            print('... and %d more' % (len(problems) - 50))
        errors += len(problems)
    n = sum(total.values())
    print('validate_stix: %d objects checked (%s): %d problems' %
          (n, ', '.join('%s %d' % kv for kv in sorted(total.items())), errors))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
