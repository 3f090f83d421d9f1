/*
 * MISP events, one per incident, in the shape /events/restSearch returns and
 * the MISP JSON import reads: {"response": [{"Event": …}, …]}. Each event has
 * victim, incident, confidentiality-impact and report objects (misp-objects
 * templates), veris / rsit tags and the galaxy cluster of a named actor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "export_internal.h"

/* Name, uuid and version of the misp-objects templates used
 * (MISP/misp-objects @ 54538c631281, CC0 1.0 / BSD 2-Clause). */
typedef struct tmpl {
    const char *name, *uuid, *version, *meta, *desc;
} tmpl;

static const tmpl T_INCIDENT = {"incident", "38597424-f9bb-4865-9b4b-819172df0334", "1", "misc",
                                "Incident object template as described in STIX 2.1 Incident object and its core "
                                "extension."};
static const tmpl T_VICTIM = {"victim", "a8806e40-39ad-435f-be02-ac2a13d6fc7d", "10", "misc",
                              "Victim object describes the target of an attack or abuse."};
static const tmpl T_IMPACT = {"confidentiality-impact", "b0027f13-56e4-4c85-9632-3cf81208429b", "1", "misc",
                              "Confidentiality Impact object as described in STIX 2.1 Incident object extension."};
static const tmpl T_REPORT = {"report", "70a68471-df22-4e3f-aa1a-5a3be19f82df", "8", "misc",
                              "Report object to describe a report along with its metadata."};

typedef struct mctx {
    bool oom;
    char ts[24];  /* the event's timestamp, given to everything in it */
} mctx;

static json_t *S(const char *s) { return json_string(s); }

static void put(mctx *c, json_t *o, const char *k, json_t *v)
{
    if (json_object_set_new(o, k, v) != 0) /* frees v, NULL-safe */
        c->oom = true;
}

static void push(mctx *c, json_t *a, json_t *v)
{
    if (json_array_append_new(a, v) != 0)
        c->oom = true;
}

/* uuid5 of the parts joined by '|'. */
static void uuid_of(mctx *c, char out[JKB_UUID_LEN + 1], const char *a, const char *b, const char *d, const char *e)
{
    const char *p[4] = {a, b, d, e};
    size_t n = 0;
    for (int i = 0; i < 4; i++)
        n += p[i] ? strlen(p[i]) + 1 : 0;
    char *s = malloc(n + 1), *w = s;
    if (!s) {
        c->oom = true;
        out[0] = '\0';
        return;
    }
    for (int i = 0; i < 4; i++) {
        if (!p[i])
            continue;
        if (w != s)
            *w++ = '|';
        size_t l = strlen(p[i]);
        memcpy(w, p[i], l);
        w += l;
    }
    *w = '\0';
    jkb_uuid5(s, out);
    free(s);
}

static const char *category_of(const char *type)
{
    if (strcmp(type, "target-org") == 0)
        return "Targeting data";
    if (strcmp(type, "link") == 0 || strcmp(type, "vulnerability") == 0)
        return "External analysis";
    if (strcmp(type, "threat-actor") == 0)
        return "Attribution";
    return "Other";
}

/* An attribute: of an object (obj_uuid, relation) or of the event. */
static json_t *attribute(mctx *c, const char *owner_uuid, const char *relation, const char *type, const char *value,
                         bool no_correlation)
{
    char u[JKB_UUID_LEN + 1];
    uuid_of(c, u, "misp-attribute", owner_uuid, relation ? relation : type, value);
    json_t *a = json_object();
    put(c, a, "uuid", S(u));
    if (relation)
        put(c, a, "object_relation", S(relation));
    put(c, a, "type", S(type));
    put(c, a, "category", S(category_of(type)));
    put(c, a, "value", S(value));
    put(c, a, "to_ids", json_false());
    put(c, a, "disable_correlation", json_boolean(no_correlation));
    put(c, a, "distribution", S("5"));
    put(c, a, "timestamp", S(c->ts));
    put(c, a, "comment", S(""));
    return a;
}

static json_t *object(mctx *c, const tmpl *t, const char *event_uuid, const char *discr, char uuid[JKB_UUID_LEN + 1])
{
    uuid_of(c, uuid, "misp-object", event_uuid, t->name, discr);
    json_t *o = json_object();
    put(c, o, "name", S(t->name));
    put(c, o, "meta-category", S(t->meta));
    put(c, o, "description", S(t->desc));
    put(c, o, "template_uuid", S(t->uuid));
    put(c, o, "template_version", S(t->version));
    put(c, o, "uuid", S(uuid));
    put(c, o, "timestamp", S(c->ts));
    put(c, o, "distribution", S("5"));
    put(c, o, "sharing_group_id", S("0"));
    put(c, o, "comment", S(""));
    put(c, o, "deleted", json_false());
    put(c, o, "Attribute", json_array());
    return o;
}

static void attr(mctx *c, json_t *obj, const char *relation, const char *type, const char *value, bool no_corr)
{
    const char *ou = json_string_value(json_object_get(obj, "uuid"));
    push(c, json_object_get(obj, "Attribute"), attribute(c, ou ? ou : "", relation, type, value, no_corr));
}

static void reference(mctx *c, json_t *obj, const char *src_uuid, const char *tgt_uuid, const char *type)
{
    char u[JKB_UUID_LEN + 1];
    uuid_of(c, u, "misp-reference", src_uuid, type, tgt_uuid);
    json_t *refs = json_object_get(obj, "ObjectReference");
    if (!refs) {
        refs = json_array();
        put(c, obj, "ObjectReference", refs);
    }
    json_t *r = json_object();
    put(c, r, "uuid", S(u));
    put(c, r, "object_uuid", S(src_uuid));
    put(c, r, "referenced_uuid", S(tgt_uuid));
    put(c, r, "relationship_type", S(type));
    put(c, r, "comment", S(""));
    push(c, refs, r);
}

/* ---- tags ---- */

typedef struct tagv {
    char *v[96];
    size_t n;
} tagv;

static void tag_add(mctx *c, tagv *t, const char *ns, const char *body)
{
    size_t ln = strlen(ns), lb = strlen(body);
    char *s = malloc(ln + 1 + lb + 1);
    if (!s) {
        c->oom = true;
        return;
    }
    memcpy(s, ns, ln);
    s[ln] = ':';
    memcpy(s + ln + 1, body, lb + 1);
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i], s) == 0) {
            free(s);
            return;
        }
    if (t->n == sizeof t->v / sizeof t->v[0]) {
        free(s);
        return;
    }
    t->v[t->n++] = s;
}

/* veris:P="Unknown" says less than a known value for P: drop it then. */
static bool superseded(const tagv *t, size_t i)
{
    const char *s = t->v[i], *eq = strstr(s, "=\"Unknown\"");
    if (!eq || eq[10] != '\0')
        return false;
    size_t plen = (size_t)(eq - s) + 1; /* through '=' */
    for (size_t k = 0; k < t->n; k++)
        if (k != i && strncmp(t->v[k], s, plen) == 0)
            return true;
    return false;
}

static void tags(mctx *c, const jkb_xincident *inc, json_t *ev)
{
    tagv t = {0};
    char buf[128];
    tag_add(c, &t, "veris", inc->suspected ? "security_incident=\"Suspected\"" : "security_incident=\"Confirmed\"");
    for (int k = 0; k < JKB_CAT__COUNT; k++)
        if (inc->categories & (1u << k))
            for (int j = 0; j < JKB_XMAX && jkb_xcat[k].veris[j]; j++)
                tag_add(c, &t, "veris", jkb_xcat[k].veris[j]);
    for (int k = 0; k < JKB_VEC__COUNT; k++) {
        if (!(inc->vectors & (1u << k)) || (jkb_xvec[k].hacking && !(inc->categories & jkb_xhacking_cats)))
            continue;
        for (int j = 0; j < JKB_XMAX && jkb_xvec[k].veris[j]; j++)
            tag_add(c, &t, "veris", jkb_xvec[k].veris[j]);
    }
    snprintf(buf, sizeof buf, "attribute:confidentiality:data_disclosure=\"%s\"", jkb_xdisclosure(inc->leak));
    tag_add(c, &t, "veris", buf);
    for (int k = 0; k < JKB_DATA__COUNT; k++)
        if (inc->data_classes & (1u << k)) {
            snprintf(buf, sizeof buf, "attribute:confidentiality:data:variety=\"%s\"", jkb_xveris_data(k));
            tag_add(c, &t, "veris", buf);
        }
    jkb_xcluster cl;
    for (size_t k = 0; k < inc->n_actors; k++)
        if (jkb_galaxy_find(inc->actors[k], &cl) && cl.galaxy == JKB_GALAXY_RANSOMWARE)
            tag_add(c, &t, "veris", "actor:external:variety=\"Organized crime\"");
    for (int k = 0; k < JKB_CAT__COUNT; k++)
        if (inc->categories & (1u << k))
            for (int j = 0; j < JKB_XMAX && jkb_xcat[k].rsit[j]; j++)
                tag_add(c, &t, "rsit", jkb_xcat[k].rsit[j]);
    for (size_t k = 0; k < inc->n_actors; k++) {
        if (!jkb_galaxy_find(inc->actors[k], &cl))
            continue;
        size_t lv = strlen(cl.value);
        char *g = malloc(lv + 32);
        if (!g) {
            c->oom = true;
            break;
        }
        snprintf(g, lv + 32, "%s=\"%s\"", jkb_galaxy_name(cl.galaxy), cl.value);
        tag_add(c, &t, "misp-galaxy", g);
        free(g);
    }
    json_t *a = json_array();
    for (size_t i = 0; i < t.n; i++) {
        if (superseded(&t, i))
            continue;
        json_t *o = json_object();
        put(c, o, "name", S(t.v[i]));
        push(c, a, o);
    }
    for (size_t i = 0; i < t.n; i++)
        free(t.v[i]);
    put(c, ev, "Tag", a);
}

/* ---- one event ---- */

static json_t *event(mctx *c, const jkb_xincident *inc, int distribution)
{
    char eu[JKB_UUID_LEN + 1], day[11], dist[4];
    snprintf(c->ts, sizeof c->ts, "%lld", (long long)jkb_xday_epoch(inc->last_day));
    snprintf(dist, sizeof dist, "%d", distribution);
    uuid_of(c, eu, "misp-event", inc->key, NULL, NULL);
    jkb_xday_date(inc->first_day, day);
    json_t *ev = json_object();
    char *name = jkb_xnotice_name(inc->v[0]);
    char *desc = jkb_xincident_summary(inc);
    if (!name || !desc)
        c->oom = true;
    put(c, ev, "uuid", S(eu));
    put(c, ev, "info", S(name ? name : ""));
    put(c, ev, "date", S(day));
    put(c, ev, "threat_level_id", S("4")); /* undefined: a notice does not rate the threat */
    put(c, ev, "analysis", S(inc->closed ? "2" : "1"));
    put(c, ev, "distribution", S(dist));
    put(c, ev, "published", json_false());
    put(c, ev, "timestamp", S(c->ts));
    tags(c, inc, ev);

    json_t *attrs = json_array();
    for (size_t k = 0; k < inc->n_actors; k++)
        push(c, attrs, attribute(c, eu, NULL, "threat-actor", inc->actors[k], false));
    for (size_t k = 0; k < inc->n_cves; k++)
        if (jkb_xis_cve(inc->cves[k]))
            push(c, attrs, attribute(c, eu, NULL, "vulnerability", inc->cves[k], false));
    put(c, ev, "Attribute", attrs);

    json_t *objs = json_array();
    char vu[JKB_UUID_LEN + 1], iu[JKB_UUID_LEN + 1], u[JKB_UUID_LEN + 1];
    json_t *io = object(c, &T_INCIDENT, eu, NULL, iu);
    attr(c, io, "name", "text", name ? name : "", false);
    attr(c, io, "description", "text", desc ? desc : "", false);
    attr(c, io, "determination", "text", inc->suspected ? "suspected" : "successful-attempt", true);
    attr(c, io, "investigation_status", "text", inc->closed ? "closed" : "open", true);
    const char *seen[JKB_CAT__COUNT * JKB_XMAX];
    size_t ns = 0;
    for (int k = 0; k < JKB_CAT__COUNT; k++) {
        if (!(inc->categories & (1u << k)))
            continue;
        for (int j = 0; j < JKB_XMAX && jkb_xcat[k].misp_types[j]; j++) {
            const char *ty = jkb_xcat[k].misp_types[j];
            bool dup = false;
            for (size_t q = 0; q < ns; q++)
                dup = dup || strcmp(seen[q], ty) == 0;
            if (!dup) {
                seen[ns++] = ty;
                attr(c, io, "incident_type", "text", ty, true);
            }
        }
    }
    free(name);
    free(desc);

    for (size_t k = 0; k < inc->n_victims; k++) {
        json_t *vo = object(c, &T_VICTIM, eu, inc->victims[k], vu);
        attr(c, vo, "name", "target-org", inc->victims[k], false);
        attr(c, vo, "classification", "text", "organization", true);
        const char *sec = inc->listed ? NULL : jkb_xsector_misp(inc->org_kind);
        if (sec)
            attr(c, vo, "sectors", "text", sec, false);
        push(c, objs, vo);
        reference(c, io, iu, vu, "targets");
    }

    const char *done[JKB_DATA__COUNT];
    size_t nd = 0;
    char count[32];
    snprintf(count, sizeof count, "%lld", (long long)inc->affected);
    for (int dc = 0; dc < JKB_DATA__COUNT; dc++) {
        if (!(inc->data_classes & (1u << dc)))
            continue;
        const char *it = jkb_xinfo_type(dc);
        bool dup = false;
        for (size_t q = 0; q < nd; q++)
            dup = dup || strcmp(done[q], it) == 0;
        if (dup)
            continue;
        done[nd++] = it;
        json_t *co = object(c, &T_IMPACT, eu, it, u);
        attr(c, co, "loss_type", "text", jkb_xloss_type(inc->leak, inc->secondary), true);
        attr(c, co, "information_type", "text", it, true);
        if (inc->has_affected)
            attr(c, co, "record_count", "counter", count, true);
        push(c, objs, co);
        reference(c, io, iu, u, "includes");
    }

    for (size_t k = 0; k < inc->n; k++) {
        const jkb_xnotice *n = inc->v[k];
        json_t *ro = object(c, &T_REPORT, eu, n->key, u);
        char *title = jkb_xnotice_name(n);
        if (!title)
            c->oom = true;
        attr(c, ro, "title", "text", title ? title : "", false);
        free(title);
        if (n->case_id)
            attr(c, ro, "case-number", "text", n->case_id, false);
        bool is_url;
        const char *src = jkb_xsource(n, &is_url);
        if (src && is_url)
            attr(c, ro, "link", "link", src, false);
        attr(c, ro, "type", "text", "Press", true); /* the organization's own announcement */
        reference(c, ro, u, iu, "describes");
        push(c, objs, ro);
    }
    /* Each notice's reporting obligations: an event report (Markdown), the
     * MISP place for a narrative about the event. */
    json_t *reports = json_array();
    for (size_t k = 0; k < inc->n; k++) {
        const jkb_xnotice *n = inc->v[k];
        if (!n->assessment)
            continue;
        char *text = jkb_xassessment_text(n), *title = jkb_xnotice_name(n);
        if (!text || !title)
            c->oom = true;
        char ts[24];
        snprintf(ts, sizeof ts, "%lld", (long long)jkb_xday_epoch(n->day));
        uuid_of(c, u, "misp-event-report", eu, n->key, NULL);
        json_t *er = json_object();
        put(c, er, "uuid", S(u));
        size_t tl = title ? strlen(title) : 0;
        char *rname = malloc(tl + 32);
        if (rname)
            snprintf(rname, tl + 32, "Reporting obligations: %s", title ? title : "");
        else
            c->oom = true;
        put(c, er, "name", S(rname ? rname : ""));
        put(c, er, "content", S(text ? text : ""));
        put(c, er, "distribution", S("5")); /* inherit the event's */
        put(c, er, "timestamp", S(ts));
        put(c, er, "deleted", json_false());
        push(c, reports, er);
        free(rname);
        free(text);
        free(title);
    }
    if (json_array_size(reports))
        put(c, ev, "EventReport", reports);
    else
        json_decref(reports);

    /* The incident first: it is what the event is about. */
    if (json_array_insert_new(objs, 0, io) != 0)
        c->oom = true;
    put(c, ev, "Object", objs);
    json_t *wrap = json_object();
    put(c, wrap, "Event", ev);
    return wrap;
}

jkb_status jkb_misp_write(const jkb_xset *set, jkb_write_fn fn, void *ud, jkb_err *err)
{
    jkb_status st = JKB_OK;
    mctx c = {0};
    json_t *root = json_object(), *list = json_array();
    if (!root || !list || json_object_set(root, "response", list) != 0)
        c.oom = true;
    json_decref(list); /* root holds it */
    for (size_t i = 0; i < set->n && !c.oom; i++)
        push(&c, list, event(&c, &set->inc[i], set->opts->misp_distribution));
    if (c.oom) {
        st = JKB_ENOMEM;
        jkb_xerr(err, st, "out of memory");
        goto out;
    }
    st = jkb_xdump(root, set->opts->flags, fn, ud, err);
out:
    json_decref(root);
    return st;
}
