/*
 * Claims in the casebook: reading and keeping them (schema 2), and linking
 * them to its notices — the claims report's matched pairs, kept so that a
 * notice's view (the server's /api/incidents/{id}, `show`) lists the claims
 * about it without matching the whole casebook on every request.
 */
#include <stdlib.h>
#include <string.h>

#include "jikenbo/claims.h"
#include "util.h"

typedef struct load_ctx {
    jkb_claims *c;
    size_t added;
    jkb_status rc;
    jkb_err *err;
} load_ctx;

static int on_stored(const jkb_claim *cl, void *ud)
{
    load_ctx *x = ud;
    int a = 0;
    x->rc = jkb_claims_add(x->c, cl, &a, x->err);
    x->added += a != 0;
    return x->rc != JKB_OK;
}

jkb_status jkb_claims_load_store(jkb_claims *c, jkb_store *s, size_t *n_added, jkb_err *err)
{
    load_ctx x = {c, 0, JKB_OK, err};
    jkb_status rc = jkb_store_claims(s, on_stored, &x, err);
    if (rc == JKB_ESTOP)
        rc = x.rc;
    if (n_added)
        *n_added = x.added;
    return rc;
}

jkb_status jkb_claims_store(const jkb_claims *c, jkb_store *s, size_t *n_added, jkb_err *err)
{
    size_t added = 0;
    for (size_t i = 0; i < jkb_claims_count(c); i++) {
        int a = 0;
        jkb_status rc = jkb_store_claim_put(s, jkb_claims_get(c, i), &a, err);
        if (rc)
            return rc;
        added += a != 0;
    }
    if (n_added)
        *n_added = added;
    return JKB_OK;
}

/* The matched pairs, copied out of the report's callback (its strings live
 * only that long) and written after it, in one transaction. */
typedef struct pending {
    char *claim_id, *claim_json, *reason;
    int64_t notice_id;
    double score;
    int has_delay, delay_approx;
    int32_t delay_days;
} pending;

typedef struct link_ctx {
    pending *p;
    size_t n, cap;
    int oom;
} link_ctx;

typedef struct sbuf {
    char *p;
    size_t n, cap;
    int oom;
} sbuf;

static int sbuf_write(const char *p, size_t n, void *ud)
{
    sbuf *b = ud;
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->n + n + 1) * 2;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->oom = 1;
            return 1;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
    b->p[b->n] = 0;
    return 0;
}

static int on_match(const jkb_claim_match *m, void *ud)
{
    link_ctx *x = ud;
    if (m->status != JKB_CLAIM_MATCHED || !m->claim || m->notice_id <= 0)
        return 0;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        pending *p = realloc(x->p, cap * sizeof *p);
        if (!p) {
            x->oom = 1;
            return 1;
        }
        x->p = p;
        x->cap = cap;
    }
    pending *e = &x->p[x->n];
    memset(e, 0, sizeof *e);
    sbuf js = {0};
    if (jkb_claim_write_json(m->claim, sbuf_write, &js) != JKB_OK || js.oom || !m->claim->id) {
        free(js.p);
        x->oom = 1;
        return 1;
    }
    e->claim_json = js.p;
    e->claim_id = strdup(m->claim->id);
    e->reason = m->reason ? strdup(m->reason) : NULL;
    if (!e->claim_id || (m->reason && !e->reason)) {
        free(e->claim_id);
        free(e->claim_json);
        free(e->reason);
        x->oom = 1;
        return 1;
    }
    e->notice_id = m->notice_id;
    e->score = m->score < 0 ? 0 : m->score > 1 ? 1 : m->score;
    e->has_delay = m->has_delay;
    e->delay_days = m->delay_days;
    e->delay_approx = m->delay_approx;
    x->n++;
    return 0;
}

jkb_status jkb_claims_link_store(jkb_store *s, const jkb_link_opts *o, size_t *n_claims, size_t *n_links,
                                 jkb_err *err)
{
    jkb_claims *all = NULL;
    jkb_linker *l = NULL;
    link_ctx x;
    memset(&x, 0, sizeof x);
    int in_tx = 0;
    jkb_status rc = jkb_claims_new(&all, err);
    if (rc)
        goto out;
    if ((rc = jkb_linker_new(o, &l, err)) || (rc = jkb_claims_load_store(all, s, NULL, err)))
        goto out;
    /* the casebook's own leak_claim records are claims too, as in the report */
    if ((rc = jkb_linker_load_store(l, s, all, err)) || (rc = jkb_linker_learn_domains(l, all, NULL, err)))
        goto out;
    jkb_report_opts ro;
    memset(&ro, 0, sizeof ro);
    rc = jkb_claims_report(l, all, &ro, on_match, &x, err);
    if (x.oom) {
        jkb_err_set(err, JKB_ENOMEM, 0, "linking the claims: out of memory");
        rc = JKB_ENOMEM;
        goto out;
    }
    if (rc)
        goto out;
    if ((rc = jkb_store_begin(s, err)))
        goto out;
    in_tx = 1;
    if ((rc = jkb_store_links_clear(s, err)))
        goto out;
    for (size_t i = 0; i < x.n; i++) {
        jkb_claim_link k = {x.p[i].claim_id, x.p[i].claim_json, x.p[i].notice_id, x.p[i].score, x.p[i].reason,
                            x.p[i].has_delay, x.p[i].delay_days, x.p[i].delay_approx, NULL};
        if ((rc = jkb_store_link_put(s, &k, err)))
            goto out;
    }
    rc = jkb_store_commit(s, err);
    in_tx = 0;
    if (!rc) {
        if (n_claims)
            *n_claims = jkb_claims_count(all);
        if (n_links)
            *n_links = x.n;
    }
out:
    if (in_tx)
        jkb_store_rollback(s, NULL);
    for (size_t i = 0; i < x.n; i++) {
        free(x.p[i].claim_id);
        free(x.p[i].claim_json);
        free(x.p[i].reason);
    }
    free(x.p);
    jkb_linker_free(l);
    jkb_claims_free(all);
    return rc;
}
