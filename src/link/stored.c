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
    jkb_vec pend; /* of pending */
    int oom;
} link_ctx;

static int buf_write(const char *p, size_t n, void *ud) { return jkb_buf_add(ud, p, n) != JKB_OK; }

static int on_match(const jkb_claim_match *m, void *ud)
{
    link_ctx *x = ud;
    if (m->status != JKB_CLAIM_MATCHED || !m->claim || m->notice_id <= 0)
        return 0;
    jkb_buf js;
    jkb_buf_init(&js, 0);
    if (!m->claim->id || jkb_claim_write_json(m->claim, buf_write, &js) != JKB_OK || !js.p) {
        jkb_buf_free(&js);
        x->oom = 1;
        return 1;
    }
    pending *e = jkb_vec_push(&x->pend);
    if (!e) {
        jkb_buf_free(&js);
        x->oom = 1;
        return 1;
    }
    e->claim_json = js.p;
    e->claim_id = strdup(m->claim->id);
    e->reason = m->reason ? strdup(m->reason) : NULL;
    if (!e->claim_id || (m->reason && !e->reason)) {
        x->oom = 1; /* the strings are freed with the others */
        return 1;
    }
    e->notice_id = m->notice_id;
    e->score = m->score < 0 ? 0 : m->score > 1 ? 1 : m->score;
    e->has_delay = m->has_delay;
    e->delay_days = m->delay_days;
    e->delay_approx = m->delay_approx;
    return 0;
}

jkb_status jkb_claims_link_store(jkb_store *s, const jkb_link_opts *o, size_t *n_claims, size_t *n_links,
                                 jkb_err *err)
{
    jkb_claims *all = NULL;
    jkb_linker *l = NULL;
    link_ctx x;
    memset(&x, 0, sizeof x);
    jkb_vec_init(&x.pend, sizeof(pending));
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
    for (size_t i = 0; i < x.pend.n; i++) {
        const pending *e = &JKB_VEC_AT(&x.pend, pending, i);
        jkb_claim_link k = {e->claim_id,  e->claim_json, e->notice_id,    e->score, e->reason,
                            e->has_delay, e->delay_days, e->delay_approx, NULL};
        if ((rc = jkb_store_link_put(s, &k, err)))
            goto out;
    }
    rc = jkb_store_commit(s, err);
    in_tx = 0;
    if (!rc) {
        if (n_claims)
            *n_claims = jkb_claims_count(all);
        if (n_links)
            *n_links = x.pend.n;
    }
out:
    if (in_tx)
        jkb_store_rollback(s, NULL);
    for (size_t i = 0; i < x.pend.n; i++) {
        pending *e = &JKB_VEC_AT(&x.pend, pending, i);
        free(e->claim_id);
        free(e->claim_json);
        free(e->reason);
    }
    jkb_vec_free(&x.pend);
    jkb_linker_free(l);
    jkb_claims_free(all);
    return rc;
}
