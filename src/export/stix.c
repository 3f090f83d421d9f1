/*
 * STIX 2.1 bundle: an identity per victim organization, an incident per
 * incident (Incident Core extension), a confidentiality impact per kind of
 * data exposed (Impact extension), intrusion sets or threat actors for named
 * actors with their relationships, vulnerabilities for CVEs and a report per
 * notice. Ids are UUIDv5 of stable keys; created/modified are notice dates.
 */
#include <stdlib.h>
#include <string.h>
#include "export_internal.h"

#define EXT_CORE "extension-definition--ef765651-680c-498d-9894-99799f2fa126"
#define EXT_IMPACT "extension-definition--7cc33dd6-f6a1-489b-98ea-522d351d71b9"
/* jikenbo's own identity is timeless: a fixed date keeps its one version. */
#define SYSTEM_TS "2020-01-01T00:00:00.000Z"
#define IDLEN 96

enum rank { R_EXTDEF, R_SYSTEM, R_VICTIM, R_INCIDENT, R_IMPACT, R_ACTOR, R_VULN, R_REL, R_REPORT, R_NOTE };

/* jikenbo's own property extension, for the assessment on a note: its id is
 * the UUIDv5 of this key, so it stays the same from one export to the next. */
#define EXT_ASSESS_KEY "jikenbo-assessment-1"
#define EXT_ASSESS_TS "2026-11-28T00:00:00.000Z"

typedef struct sobj {
    char id[IDLEN];
    int rank;
    int created, modified; /* days; 0: fixed timestamp */
    bool dated;            /* created from a notice with a date of its own */
    const char *fixed;
    json_t *o;
} sobj;

/* Every object once, by id; a second sighting widens created..modified. */
typedef struct reg {
    sobj *v;
    size_t n, cap;
    json_t *index; /* id → position in v */
    char system_id[IDLEN];
    char ext_assess[IDLEN];
    bool oom;
} reg;

static json_t *S(const char *s) { return json_string(s); }

/* set + steal; any failure marks the registry so one check at the end
 * suffices (jansson returns -1 and drops the value on ENOMEM). */
static void put(reg *r, json_t *o, const char *k, json_t *v)
{
    if (json_object_set_new(o, k, v) != 0) /* frees v, NULL-safe */
        r->oom = true;
}

static void push(reg *r, json_t *a, json_t *v)
{
    if (json_array_append_new(a, v) != 0)
        r->oom = true;
}

static bool grow(reg *r)
{
    if (r->n < r->cap)
        return true;
    size_t cap = r->cap ? r->cap * 2 : 256;
    sobj *v = realloc(r->v, cap * sizeof *v);
    if (!v) {
        r->oom = true;
        return false;
    }
    r->v = v;
    r->cap = cap;
    return true;
}

static void make_id(const char *type, const char *key, char id[IDLEN])
{
    char u[JKB_UUID_LEN + 1];
    size_t lt = strlen(type), lk = strlen(key);
    char *name = malloc(lt + 1 + lk + 1);
    if (!name) {
        id[0] = '\0';
        return;
    }
    memcpy(name, type, lt);
    name[lt] = '|';
    memcpy(name + lt + 1, key, lk + 1);
    jkb_uuid5(name, u);
    free(name);
    size_t o = lt < IDLEN - JKB_UUID_LEN - 3 ? lt : IDLEN - JKB_UUID_LEN - 3;
    memcpy(id, type, o);
    memcpy(id + o, "--", 2);
    memcpy(id + o + 2, u, JKB_UUID_LEN + 1);
}

/* The object of (type, key), created with the common properties when new
 * (*fresh tells). created/modified are filled at the end. */
static sobj *ensure(reg *r, const char *type, const char *key, int rank, int day, bool *fresh)
{
    /* A notice that dates nothing (its day is the fallback) dates an object
     * only until a dated notice comes: the fallback must not stretch an
     * actor or an organization back to 1970. Negative: undated. */
    bool dated = day >= 0;
    if (day < 0)
        day = -day;
    char id[IDLEN];
    *fresh = false;
    make_id(type, key, id);
    if (!id[0]) {
        r->oom = true;
        return NULL;
    }
    json_t *at = json_object_get(r->index, id);
    if (at) {
        sobj *s = &r->v[json_integer_value(at)];
        if (!day || (s->dated && !dated))
            return s;
        if (dated && !s->dated) {
            s->created = s->modified = day;
            s->dated = true;
        }
        if (day < s->created)
            s->created = day;
        if (day > s->modified)
            s->modified = day;
        return s;
    }
    if (!grow(r))
        return NULL;
    sobj *s = &r->v[r->n];
    memset(s, 0, sizeof *s);
    memcpy(s->id, id, sizeof id);
    s->rank = rank;
    s->created = s->modified = day;
    s->dated = dated;
    s->fixed = day ? NULL : SYSTEM_TS;
    s->o = json_object();
    if (!s->o || json_object_set_new(r->index, id, json_integer((json_int_t)r->n)) != 0) {
        json_decref(s->o);
        r->oom = true;
        return NULL;
    }
    r->n++;
    put(r, s->o, "type", S(type));
    put(r, s->o, "spec_version", S("2.1"));
    put(r, s->o, "id", S(id));
    if (rank != R_EXTDEF && rank != R_SYSTEM)
        put(r, s->o, "created_by_ref", S(r->system_id));
    /* Placeholders keep the usual key order; the values come at the end. */
    put(r, s->o, "created", json_null());
    put(r, s->o, "modified", json_null());
    *fresh = true;
    return s;
}

static void add_ref(reg *r, json_t *refs, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach(refs, i, e) {
        if (strcmp(json_string_value(e), id) == 0)
            return;
    }
    push(r, refs, S(id));
}

/* ---- fixed objects ---- */

static void extension_defs(reg *r, bool with_assess)
{
    static const struct {
        const char *id, *name, *desc, *schema, *version, *type, *date;
    } defs[] = {
        {EXT_CORE, "Incident Core Extension",
         "Copy made by jikenbo of the OASIS draft (Incident Mini Group, 2023-03-26): adds determination, "
         "investigation_status, incident_types, impacted_entity_counts and more to the incident object.",
         "https://github.com/oasis-open/cti-stix-common-objects/tree/main/extension-definition-specifications/"
         "incident-core",
         "2.0", "property-extension", "2023-03-26T00:00:00.000Z"},
        {EXT_IMPACT, "Impact Extension",
         "Copy made by jikenbo of the OASIS draft (2023-05-10): the impact object, here with its "
         "confidentiality details (information_type, loss_type, record_count).",
         "https://github.com/oasis-open/cti-stix-common-objects/tree/main/extension-definition-specifications/"
         "impact",
         "1.0", "new-sdo", "2023-05-10T00:00:00.000Z"},
        {NULL, "jikenbo Reporting-Obligation Assessment",
         "The breach-reporting obligations (APPI, My Number, GDPR, SEC...) that a notice's incident "
         "triggers, with their deadlines computed from the notice's own dates and their status, as "
         "`jikenbo assess` gives them.",
         "Properties of a note: the members of jikenbo's assessment object (regime_jp, rule_set, dates, "
         "count, facts, regimes, triggers, obligations, flags, notes), as documented in docs/export.md and "
         "docs/rules/assessment.md of jikenbo. Each obligation has id, regime, obligation, recipient, "
         "applies (yes, no, may_apply), basis, cite, clock, start, deadline, due or due_from/due_to, done, "
         "status (met, late, beyond_guideline, bound_met, unknown, no_deadline, not_applicable, "
         "out_of_scope) and because (the facts and the words of the notice they were read from).",
         "1.0", "property-extension", EXT_ASSESS_TS},
    };
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
        if (!defs[i].id && !with_assess)
            continue;
        if (!grow(r))
            return;
        sobj *s = &r->v[r->n++];
        memset(s, 0, sizeof *s);
        snprintf(s->id, sizeof s->id, "%s", defs[i].id ? defs[i].id : r->ext_assess);
        s->rank = R_EXTDEF;
        s->fixed = defs[i].date;
        s->o = json_object();
        put(r, s->o, "type", S("extension-definition"));
        put(r, s->o, "spec_version", S("2.1"));
        put(r, s->o, "id", S(s->id));
        /* STIX requires a creator; the OASIS identity's id is not known
         * here, so jikenbo signs its copy (docs/export.md). */
        put(r, s->o, "created_by_ref", S(r->system_id));
        put(r, s->o, "created", json_null());
        put(r, s->o, "modified", json_null());
        put(r, s->o, "name", S(defs[i].name));
        put(r, s->o, "description", S(defs[i].desc));
        put(r, s->o, "schema", S(defs[i].schema));
        put(r, s->o, "version", S(defs[i].version));
        json_t *t = json_array();
        push(r, t, S(defs[i].type));
        put(r, s->o, "extension_types", t);
    }
}

static void system_identity(reg *r)
{
    bool fresh;
    sobj *s = ensure(r, "identity", "jikenbo", R_SYSTEM, 0, &fresh);
    if (!s)
        return;
    put(r, s->o, "name", S("jikenbo"));
    put(r, s->o, "description", S("Incident records extracted from Japanese security-incident notices by jikenbo."));
    put(r, s->o, "identity_class", S("system"));
}

/* ---- per incident ---- */

/* kind: jkb_org_kind of the organization, JKB_ORG_NONE for a listed name. */
static const char *victim(reg *r, const char *name, int kind, int day)
{
    char *k = jkb_xorg_key(name);
    if (!k) {
        r->oom = true;
        return NULL;
    }
    bool fresh;
    sobj *s = ensure(r, "identity", k, R_VICTIM, day, &fresh);
    free(k);
    if (!s)
        return NULL;
    if (fresh) {
        put(r, s->o, "name", S(name));
        put(r, s->o, "identity_class", S("organization"));
        const char *sec = jkb_xsector_stix(kind);
        if (sec) {
            json_t *a = json_array();
            push(r, a, S(sec));
            put(r, s->o, "sectors", a);
        }
        put(r, s->o, "lang", S("ja"));
    }
    return s->id;
}

static void incident_body(reg *r, json_t *o, const jkb_xincident *inc)
{
    char *name = jkb_xnotice_name(inc->v[0]);
    char *desc = jkb_xincident_summary(inc);
    if (!name || !desc)
        r->oom = true;
    put(r, o, "name", S(name ? name : ""));
    put(r, o, "description", S(desc ? desc : ""));
    free(name);
    free(desc);
    json_t *labels = json_array();
    for (int c = 0; c < JKB_CAT__COUNT; c++)
        if (inc->categories & (1u << c))
            push(r, labels, S(jkb_category_key(c)));
    if (json_array_size(labels))
        put(r, o, "labels", labels);
    else
        json_decref(labels);
    put(r, o, "lang", S("ja"));

    json_t *ext = json_object();
    put(r, ext, "extension_type", S("property-extension"));
    put(r, ext, "determination", S(inc->suspected ? "suspected" : "successful-attempt"));
    put(r, ext, "investigation_status", S(inc->closed ? "closed" : "open"));
    json_t *types = json_array();
    for (int c = 0; c < JKB_CAT__COUNT; c++) {
        if (!(inc->categories & (1u << c)))
            continue;
        for (int k = 0; k < JKB_XMAX && jkb_xcat[c].stix_types[k]; k++) {
            const char *t = jkb_xcat[c].stix_types[k];
            size_t i;
            json_t *e;
            bool dup = false;
            json_array_foreach(types, i, e) dup = dup || strcmp(json_string_value(e), t) == 0;
            if (!dup)
                push(r, types, S(t));
        }
    }
    if (json_array_size(types))
        put(r, ext, "incident_types", types);
    else
        json_decref(types);
    if (inc->has_affected) {
        /* The count is of people (or their records): record.md's affected. */
        json_t *cnt = json_object();
        put(r, cnt, "individual", json_integer((json_int_t)inc->affected));
        put(r, ext, "impacted_entity_counts", cnt);
    }
    json_t *exts = json_object();
    put(r, exts, EXT_CORE, ext);
    put(r, o, "extensions", exts);
}

/* One impact per information type; the count is the notice's total, since
 * notices rarely count each kind of data apart. */
static void impacts(reg *r, const jkb_xincident *inc, const char *incident_id, char (*vids)[IDLEN], size_t nv,
                    int day, json_t *refs)
{
    const char *done[JKB_DATA__COUNT];
    size_t nd = 0;
    for (int dc = 0; dc < JKB_DATA__COUNT; dc++) {
        if (!(inc->data_classes & (1u << dc)))
            continue;
        const char *it = jkb_xinfo_type(dc);
        bool dup = false;
        for (size_t i = 0; i < nd; i++)
            dup = dup || strcmp(done[i], it) == 0;
        if (dup)
            continue;
        done[nd++] = it;
        size_t lk = strlen(inc->key), li = strlen(it);
        char *key = malloc(lk + 1 + li + 1);
        if (!key) {
            r->oom = true;
            return;
        }
        memcpy(key, inc->key, lk);
        key[lk] = '|';
        memcpy(key + lk + 1, it, li + 1);
        bool fresh;
        sobj *s = ensure(r, "impact", key, R_IMPACT, day, &fresh);
        free(key);
        if (!s)
            return;
        if (fresh) {
            put(r, s->o, "impact_category", S("confidentiality"));
            put(r, s->o, "incident_ref", S(incident_id));
            if (nv) {
                json_t *a = json_array();
                for (size_t v = 0; v < nv; v++)
                    push(r, a, S(vids[v]));
                put(r, s->o, "impacted_refs", a);
            }
            json_t *conf = json_object();
            put(r, conf, "information_type", S(it));
            put(r, conf, "loss_type", S(jkb_xloss_type(inc->leak, inc->secondary)));
            if (inc->has_affected)
                put(r, conf, "record_count", json_integer((json_int_t)inc->affected));
            json_t *exts = json_object();
            json_t *def = json_object();
            put(r, def, "extension_type", S("new-sdo"));
            put(r, exts, EXT_IMPACT, def);
            /* The draft keys this by the category name; core.json allows
             * only "…-ext" or an extension-definition id as a key
             * (docs/export.md), so "-ext" is added. */
            put(r, exts, "confidentiality-ext", conf);
            put(r, s->o, "extensions", exts);
        }
        add_ref(r, refs, s->id);
    }
}

static const char *relationship(reg *r, const char *type, const char *src, const char *tgt, int day)
{
    size_t lt = strlen(type), ls = strlen(src), lg = strlen(tgt);
    char *key = malloc(lt + ls + lg + 3);
    if (!key) {
        r->oom = true;
        return NULL;
    }
    memcpy(key, type, lt);
    key[lt] = '|';
    memcpy(key + lt + 1, src, ls);
    key[lt + 1 + ls] = '|';
    memcpy(key + lt + 2 + ls, tgt, lg + 1);
    bool fresh;
    sobj *s = ensure(r, "relationship", key, R_REL, day, &fresh);
    free(key);
    if (!s)
        return NULL;
    if (fresh) {
        put(r, s->o, "relationship_type", S(type));
        put(r, s->o, "source_ref", S(src));
        put(r, s->o, "target_ref", S(tgt));
    }
    return s->id;
}

/* Ransomware families are intrusion sets (as OpenCTI and its ransomware.live
 * connector model them); other named actors are threat actors. */
static const char *actor(reg *r, const char *name, int day)
{
    jkb_xcluster cl;
    bool known = jkb_galaxy_find(name, &cl);
    const char *type = known && cl.galaxy == JKB_GALAXY_RANSOMWARE ? "intrusion-set" : "threat-actor";
    const char *base = known ? cl.value : name;
    size_t n = strlen(base);
    char *key = malloc(n + 1);
    if (!key) {
        r->oom = true;
        return NULL;
    }
    for (size_t i = 0; i <= n; i++)
        key[i] = base[i] >= 'A' && base[i] <= 'Z' ? (char)(base[i] + 32) : base[i];
    bool fresh;
    sobj *s = ensure(r, type, key, R_ACTOR, day, &fresh);
    free(key);
    if (!s)
        return NULL;
    if (fresh)
        put(r, s->o, "name", S(name));
    /* Other spellings met, and the galaxy's name, are aliases. */
    const char *cand[2] = {name, known ? cl.value : NULL};
    const char *own = json_string_value(json_object_get(s->o, "name"));
    for (int c = 0; c < 2; c++) {
        if (!cand[c] || (own && strcmp(cand[c], own) == 0))
            continue;
        json_t *al = json_object_get(s->o, "aliases");
        if (!al) {
            al = json_array();
            put(r, s->o, "aliases", al);
        }
        add_ref(r, al, cand[c]);
    }
    return s->id;
}

static const char *vulnerability(reg *r, const char *cve, int day)
{
    bool fresh;
    sobj *s = ensure(r, "vulnerability", cve, R_VULN, day, &fresh);
    if (!s)
        return NULL;
    if (fresh) {
        put(r, s->o, "name", S(cve));
        json_t *ref = json_object();
        put(r, ref, "source_name", S("cve"));
        put(r, ref, "external_id", S(cve));
        json_t *a = json_array();
        push(r, a, ref);
        put(r, s->o, "external_references", a);
    }
    return s->id;
}

static void report(reg *r, const jkb_xnotice *n, json_t *refs)
{
    bool fresh;
    sobj *s = ensure(r, "report", n->key, R_REPORT, n->undated ? -n->day : n->day, &fresh);
    if (!s || !fresh) {
        json_decref(refs);
        return;
    }
    char *name = jkb_xnotice_name(n);
    if (!name)
        r->oom = true;
    put(r, s->o, "name", S(name ? name : ""));
    free(name);
    put(r, s->o, "lang", S("ja"));
    json_t *types = json_array();
    push(r, types, S("threat-report"));
    put(r, s->o, "report_types", types);
    char ts[25];
    jkb_xday_ts(n->day, ts);
    put(r, s->o, "published", S(ts));
    put(r, s->o, "object_refs", refs);
    json_t *ref = json_object();
    put(r, ref, "source_name", S("jikenbo"));
    bool is_url;
    const char *src = jkb_xsource(n, &is_url);
    put(r, ref, "external_id", S(n->case_id ? n->case_id : n->key));
    if (src)
        put(r, ref, is_url ? "url" : "description", S(src));
    json_t *a = json_array();
    push(r, a, ref);
    put(r, s->o, "external_references", a);
}

/* STIX has no null and no empty list or dictionary: leave such members out,
 * at any depth (an absent value says the same as null in the assessment). */
static void strip_empty(json_t *v)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *m;
        void *tmp;
        json_object_foreach_safe(v, tmp, k, m) {
            strip_empty(m);
            if (json_is_null(m) || (json_is_array(m) && json_array_size(m) == 0) ||
                (json_is_object(m) && json_object_size(m) == 0))
                json_object_del(v, k);
        }
    } else if (json_is_array(v)) {
        for (size_t i = json_array_size(v); i > 0; i--) {
            json_t *m = json_array_get(v, i - 1);
            strip_empty(m);
            if (json_is_null(m) || (json_is_array(m) && json_array_size(m) == 0) ||
                (json_is_object(m) && json_object_size(m) == 0))
                json_array_remove(v, i - 1);
        }
    }
}

/* The notice's reporting obligations: a note on its incident and its
 * report, the text for people and the assessment itself in jikenbo's
 * property extension for programs. */
static void note(reg *r, const jkb_xnotice *n, const char *incident_id, int day)
{
    bool fresh;
    char report_id[IDLEN];
    make_id("report", n->key, report_id);
    json_t *ext = json_deep_copy(n->assessment);
    sobj *s = ensure(r, "note", n->key, R_NOTE, day, &fresh);
    if (!s || !fresh || !ext || !report_id[0]) {
        r->oom = r->oom || !ext || !report_id[0];
        json_decref(ext);
        return;
    }
    char *text = jkb_xassessment_text(n);
    if (!text)
        r->oom = true;
    put(r, s->o, "abstract", S("Reporting obligations (jikenbo assessment)"));
    put(r, s->o, "content", S(text ? text : ""));
    free(text);
    json_t *refs = json_array();
    push(r, refs, S(incident_id));
    push(r, refs, S(report_id));
    put(r, s->o, "object_refs", refs);
    json_t *exts = json_object();
    strip_empty(ext);
    put(r, ext, "extension_type", S("property-extension"));
    put(r, exts, r->ext_assess, ext);
    put(r, s->o, "extensions", exts);
}

/* ensure() may move the registry: ids are copied out before the next call. */
static void one_incident(reg *r, const jkb_xincident *inc)
{
    char (*vids)[IDLEN] = calloc(inc->n_victims + 1, IDLEN);
    if (!vids) {
        r->oom = true;
        return;
    }
    for (size_t i = 0; i < inc->n && !r->oom; i++) {
        const jkb_xnotice *n = inc->v[i];
        int day = n->undated ? -n->day : n->day; /* ensure() reads the sign */
        json_t *refs = json_array();
        if (!refs) {
            r->oom = true;
            break;
        }
        bool fresh;
        sobj *is = ensure(r, "incident", inc->key, R_INCIDENT, day, &fresh);
        if (!is) {
            json_decref(refs);
            break;
        }
        char incident_id[IDLEN];
        memcpy(incident_id, is->id, IDLEN);
        if (fresh)
            incident_body(r, is->o, inc);
        add_ref(r, refs, incident_id);
        size_t nv = 0;
        for (size_t k = 0; k < inc->n_victims; k++) {
            const char *vp = victim(r, inc->victims[k], inc->listed ? JKB_ORG_NONE : inc->org_kind, day);
            if (!vp)
                continue;
            memcpy(vids[nv], vp, IDLEN);
            add_ref(r, refs, vids[nv]);
            const char *rel = relationship(r, "targets", incident_id, vids[nv], day);
            if (rel)
                add_ref(r, refs, rel);
            nv++;
        }
        impacts(r, inc, incident_id, vids, nv, day, refs);
        for (size_t k = 0; k < n->n_actors; k++) {
            const char *ap = actor(r, n->actors[k], day);
            if (!ap)
                continue;
            char actor_id[IDLEN];
            memcpy(actor_id, ap, IDLEN);
            add_ref(r, refs, actor_id);
            const char *rel = relationship(r, "attributed-to", incident_id, actor_id, day);
            if (rel)
                add_ref(r, refs, rel);
            for (size_t v = 0; v < nv; v++)
                if ((rel = relationship(r, "targets", actor_id, vids[v], day)))
                    add_ref(r, refs, rel);
        }
        for (size_t k = 0; k < n->n_cves; k++) {
            if (!jkb_xis_cve(n->cves[k]))
                continue;
            const char *vid = vulnerability(r, n->cves[k], day);
            if (vid)
                add_ref(r, refs, vid);
        }
        report(r, n, refs);
        if (n->assessment && !r->oom)
            note(r, n, incident_id, day);
    }
    free(vids);
}

static int cmp_sobj(const void *a, const void *b)
{
    const sobj *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return strcmp(x->id, y->id);
}

jkb_status jkb_stix_write(const jkb_xset *set, jkb_write_fn fn, void *ud, jkb_err *err)
{
    jkb_status st = JKB_OK;
    reg r = {0};
    json_t *root = NULL;
    if (!(r.index = json_object())) {
        st = JKB_ENOMEM;
        goto out;
    }
    make_id("identity", "jikenbo", r.system_id);
    make_id("extension-definition", EXT_ASSESS_KEY, r.ext_assess);
    bool with_assess = false;
    for (size_t i = 0; i < set->n && !with_assess; i++)
        for (size_t k = 0; k < set->inc[i].n; k++)
            with_assess = with_assess || set->inc[i].v[k]->assessment;
    if (!(set->opts->flags & JKB_EXPORT_NO_EXTDEFS))
        extension_defs(&r, with_assess);
    system_identity(&r);
    for (size_t i = 0; i < set->n && !r.oom; i++)
        one_incident(&r, &set->inc[i]);
    if (r.oom) {
        st = JKB_ENOMEM;
        goto out;
    }
    if (r.n)
        qsort(r.v, r.n, sizeof *r.v, cmp_sobj);
    /* The bundle's id is the name of its contents. */
    jkb_sha1 h;
    unsigned char d[20];
    char hex[41], bid[IDLEN];
    jkb_sha1_init(&h);
    for (size_t i = 0; i < r.n; i++)
        jkb_sha1_update(&h, r.v[i].id, strlen(r.v[i].id) + 1);
    jkb_sha1_final(&h, d);
    jkb_hex(d, 20, hex);
    make_id("bundle", hex, bid);
    root = json_object();
    json_t *objs = json_array();
    put(&r, root, "type", S("bundle"));
    put(&r, root, "id", S(bid));
    put(&r, root, "objects", objs);
    for (size_t i = 0; i < r.n; i++) {
        sobj *s = &r.v[i];
        char c[25], m[25];
        if (s->fixed) {
            snprintf(c, sizeof c, "%s", s->fixed);
            snprintf(m, sizeof m, "%s", s->fixed);
        } else {
            jkb_xday_ts(s->created, c);
            jkb_xday_ts(s->modified, m);
        }
        put(&r, s->o, "created", S(c));
        put(&r, s->o, "modified", S(m));
        push(&r, objs, s->o);
        s->o = NULL; /* the bundle owns it now */
    }
    if (r.oom) {
        st = JKB_ENOMEM;
        goto out;
    }
    st = jkb_xdump(root, set->opts->flags, fn, ud, err);
out:
    if (st == JKB_ENOMEM)
        jkb_xerr(err, st, "out of memory");
    for (size_t i = 0; i < r.n; i++)
        json_decref(r.v[i].o);
    free(r.v);
    json_decref(r.index);
    json_decref(root);
    return st;
}
