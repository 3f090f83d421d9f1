/*
 * Export the notices of a store that match a query (jkb_export_store): the
 * one place that turns a casebook into a STIX bundle or MISP events, for the
 * CLI and the server alike.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

/* STIX and MISP group notices into incidents by a key that must not change:
 * the content hash of the incident's first notice, as export.h advises. The
 * store gives incident ids, which are local to one casebook; the hash is not. */
typedef struct first_notice {
    int64_t incident, published, id;
    char hash[72];
} first_notice;

typedef struct firsts {
    first_notice *v;
    size_t n, cap;
    int failed;
} firsts;

static int64_t date_key(jkb_date d)
{
    /* undated notices sort last, as the store orders an incident */
    return d.y ? (int64_t)d.y * 10000 + (d.m > 0 ? d.m : 0) * 100 + (d.d > 0 ? d.d : 0) : INT64_MAX;
}

static int first_row(const jkb_notice_row *r, void *ud)
{
    firsts *f = ud;
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 256;
        first_notice *v = realloc(f->v, cap * sizeof *v);
        if (!v) {
            f->failed = 1;
            return 1;
        }
        f->v = v;
        f->cap = cap;
    }
    first_notice *x = &f->v[f->n++];
    x->incident = r->incident_id;
    x->published = date_key(r->published);
    x->id = r->id;
    snprintf(x->hash, sizeof x->hash, "%s", r->content_hash ? r->content_hash : "");
    return 0;
}

static int cmp_first(const void *a, const void *b)
{
    const first_notice *x = a, *y = b;
    if (x->incident != y->incident)
        return x->incident < y->incident ? -1 : 1;
    if (x->published != y->published)
        return x->published < y->published ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static const char *incident_key(const firsts *f, int64_t incident)
{
    size_t lo = 0, hi = f->n;
    while (lo < hi) { /* the first entry of an incident is its first notice */
        size_t mid = lo + (hi - lo) / 2;
        if (f->v[mid].incident < incident)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < f->n && f->v[lo].incident == incident && f->v[lo].hash[0] ? f->v[lo].hash : NULL;
}

/* A growing buffer for one assessment's JSON. */
typedef struct abuf {
    char *p;
    size_t len, cap;
} abuf;

static int abuf_write(const char *p, size_t n, void *ud)
{
    abuf *b = ud;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 16384;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q)
            return 1;
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
    return 0;
}

typedef struct xport {
    jkb_exporter *x;
    const firsts *f;
    jkb_store *s;
    const jkb_export_opts *opts;
    abuf a;       /* the assessment of the notice at hand */
    int assessed; /* a holds it */
    jkb_err err;
    size_t skipped;
    int failed;
} xport;

typedef struct stored_ctx {
    jkb_engine *eng;
    const jkb_rules *rules;
    jkb_assessment *a;
} stored_ctx;

static int stored_row(const jkb_notice_row *r, void *ud)
{
    stored_ctx *c = ud;
    /* a text that cannot be assessed leaves the notice without one */
    if (r->text && r->text_len)
        jkb_assess_text(c->eng, c->rules, r->text, r->text_len, NULL, &c->a, NULL);
    return 0;
}

jkb_status jkb_export_assess_stored(jkb_store *s, int64_t id, jkb_engine *eng, const jkb_rules *rules,
                                    jkb_assessment **out, jkb_err *err)
{
    if (!out)
        return JKB_EINVAL;
    *out = NULL;
    if (!s || !eng || !rules) {
        jkb_xerr(err, JKB_EINVAL, "jkb_export_assess_stored: no casebook, engine or rules");
        return JKB_EINVAL;
    }
    stored_ctx c = {eng, rules, NULL};
    jkb_status st = jkb_store_get(s, id, stored_row, &c, err);
    if (st != JKB_OK) {
        jkb_assessment_free(c.a);
        return st;
    }
    *out = c.a;
    return JKB_OK;
}

/* The notice's assessment as JSON into e->a. */
static jkb_status assess_notice(xport *e, int64_t id)
{
    jkb_assessment *as = NULL;
    e->a.len = 0;
    jkb_status st = jkb_export_assess_stored(e->s, id, e->opts->engine, e->opts->rules, &as, &e->err);
    if (st == JKB_OK && as)
        e->assessed = jkb_assessment_write_json(as, 0, abuf_write, &e->a) == JKB_OK;
    jkb_assessment_free(as);
    return st;
}

static int xport_row(const jkb_notice_row *r, void *ud)
{
    xport *e = ud;
    if (!r->record_json)
        return 0;
    jkb_export_item it = {r->record_json, strlen(r->record_json), r->content_hash, incident_key(e->f, r->incident_id),
                          r->source, NULL, 0};
    e->assessed = 0;
    if (e->opts && e->opts->engine && e->opts->rules) {
        /* search rows carry no text: the notice is read again by its id */
        jkb_status gs = assess_notice(e, r->id);
        if (gs != JKB_OK && gs != JKB_ENOTFOUND) {
            e->failed = 1;
            return 1;
        }
        if (e->assessed) {
            it.assessment_json = e->a.p;
            it.assessment_len = e->a.len;
        }
    }
    jkb_status st = jkb_export_add(e->x, &it, &e->err);
    if (st == JKB_EINVAL) {
        e->skipped++; /* a record the exporter cannot read is left out, not the whole export */
        return 0;
    }
    if (st != JKB_OK) {
        e->failed = 1;
        return 1;
    }
    return 0;
}

jkb_status jkb_export_store(jkb_store *s, const jkb_query *q, jkb_export_format fmt, const jkb_export_opts *opts,
                            jkb_write_fn fn, void *ud, size_t *skipped, jkb_err *err)
{
    firsts f = {NULL, 0, 0, 0};
    xport e;
    memset(&e, 0, sizeof e);
    jkb_status st = jkb_store_search(s, q, first_row, &f, NULL, err);
    if (st == JKB_OK && f.failed) {
        jkb_xerr(err, JKB_ENOMEM, "export: out of memory listing %zu notices", f.n);
        st = JKB_ENOMEM;
    }
    if (st != JKB_OK)
        goto cleanup;
    if (f.n)
        qsort(f.v, f.n, sizeof *f.v, cmp_first);
    e.f = &f;
    e.s = s;
    e.opts = opts;
    if ((st = jkb_export_new(fmt, opts, &e.x, err)) != JKB_OK)
        goto cleanup;
    st = jkb_store_search(s, q, xport_row, &e, NULL, err);
    if (e.failed) {
        *err = e.err;
        st = e.err.code ? e.err.code : JKB_ENOMEM;
    }
    if (st != JKB_OK)
        goto cleanup;
    st = jkb_export_finish(e.x, fn, ud, err);
    if (skipped)
        *skipped = e.skipped;
cleanup:
    jkb_export_free(e.x);
    free(e.a.p);
    free(f.v);
    return st;
}
