/*
 * The claims report: each claim with the incidents it names best (and the
 * days from claim to disclosure), the claims that name no incident of the
 * casebook, and the attacks the casebook holds that no claim names.
 */
#include <stdlib.h>
#include <string.h>

#include "link_internal.h"

typedef struct pair {
    size_t claim;
    res r;
} pair;

/* qsort has no user data: the pairs carry what they are sorted by */
typedef struct keyed {
    int32_t key; /* a date in days; INT32_MAX: unknown (last) */
    size_t order;
    size_t idx;
} keyed;

static int by_key(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order ? 1 : 0;
}

static int32_t day_key(jkb_date d)
{
    int32_t lo, hi;
    if (!d.y)
        return INT32_MAX;
    link_date_range(d, &lo, &hi);
    return lo;
}

static int in_range(jkb_date d, const jkb_report_opts *o)
{
    if (!o->since.y && !o->until.y)
        return 1;
    if (!d.y)
        return 0;
    int32_t lo, hi, a, b;
    link_date_range(d, &lo, &hi);
    if (o->since.y) {
        link_date_range(o->since, &a, &b);
        if (hi < a)
            return 0;
    }
    if (o->until.y) {
        link_date_range(o->until, &a, &b);
        if (lo > b)
            return 0;
    }
    return 1;
}

jkb_status jkb_claims_report(jkb_linker *l, const jkb_claims *c, const jkb_report_opts *o, jkb_match_fn fn, void *ud,
                             jkb_err *err)
{
    jkb_status rc = JKB_OK;
    jkb_report_opts def;
    jkb_vec pairs, out, undisclosed;
    keyed *ks = NULL;
    if (!o) {
        memset(&def, 0, sizeof def);
        o = &def;
    }
    jkb_vec_init(&pairs, sizeof(pair));
    jkb_vec_init(&out, sizeof(res));
    jkb_vec_init(&undisclosed, sizeof(size_t));
    if (!l || !c || !fn) {
        jkb_err_set(err, JKB_EINVAL, 0, "no linker, claims or callback");
        return JKB_EINVAL;
    }
    for (size_t i = 0; i < l->incidents.n; i++)
        JKB_VEC_AT(&l->incidents, lincident, i).claimed = 0;
    for (size_t i = 0; i < jkb_claims_count(c); i++) {
        const jkb_claim *cl = jkb_claims_get(c, i);
        if ((rc = link_match(l, cl, &out)) != JKB_OK) {
            jkb_err_set(err, rc, 0, "%s", l->broken ? "a notice failed to be indexed" : "out of memory");
            goto out;
        }
        if (!out.n) {
            size_t *u = jkb_vec_push(&undisclosed);
            if (!u)
                goto nomem;
            *u = i;
            continue;
        }
        /* the best incidents only: one claim does not claim every incident of an org */
        double best = JKB_VEC_AT(&out, res, 0).score;
        for (size_t j = 0; j < out.n; j++) {
            res *r = &JKB_VEC_AT(&out, res, j);
            if (r->score < best - 1e-9)
                break;
            pair *p = jkb_vec_push(&pairs);
            if (!p)
                goto nomem;
            p->claim = i;
            p->r = *r;
            lnotice *n = &JKB_VEC_AT(&l->notices, lnotice, r->notice);
            JKB_VEC_AT(&l->incidents, lincident, n->incident).claimed = 1;
        }
    }
    /* matched, in order of claim date */
    size_t nk = pairs.n > undisclosed.n ? pairs.n : undisclosed.n;
    if (l->incidents.n > nk)
        nk = l->incidents.n;
    ks = malloc((nk ? nk : 1) * sizeof *ks);
    if (!ks)
        goto nomem;
    for (size_t i = 0; i < pairs.n; i++) {
        pair *p = &JKB_VEC_AT(&pairs, pair, i);
        ks[i] = (keyed){day_key(jkb_claims_get(c, p->claim)->claimed), i, i};
    }
    qsort(ks, pairs.n, sizeof *ks, by_key);
    for (size_t i = 0; i < pairs.n; i++) {
        pair *p = &JKB_VEC_AT(&pairs, pair, ks[i].idx);
        jkb_claim_match mt;
        link_fill_match(l, jkb_claims_get(c, p->claim), &p->r, &mt);
        if (fn(&mt, ud))
            goto stop;
    }
    for (size_t i = 0; i < undisclosed.n; i++) {
        size_t ci = JKB_VEC_AT(&undisclosed, size_t, i);
        ks[i] = (keyed){day_key(jkb_claims_get(c, ci)->claimed), i, ci};
    }
    qsort(ks, undisclosed.n, sizeof *ks, by_key);
    for (size_t i = 0; i < undisclosed.n; i++) {
        jkb_claim_match mt;
        memset(&mt, 0, sizeof mt);
        mt.status = JKB_CLAIM_UNDISCLOSED;
        mt.claim = jkb_claims_get(c, ks[i].idx);
        mt.reason = "no notice of the casebook names this victim";
        if (fn(&mt, ud))
            goto stop;
    }
    /* attacks no claim names, in order of disclosure */
    uint32_t attacks = (1u << JKB_CAT_RANSOMWARE) | (1u << JKB_CAT_UNAUTHORIZED_ACCESS) | (1u << JKB_CAT_MALWARE);
    size_t nu = 0;
    for (size_t i = 0; i < l->incidents.n; i++) {
        lincident *in = &JKB_VEC_AT(&l->incidents, lincident, i);
        if (in->claimed || in->first_notice == UINT32_MAX)
            continue;
        if (!(o->flags & JKB_REPORT_ALL_NOTICES) && !(in->categories & attacks))
            continue;
        if (!in_range(in->first, o))
            continue;
        ks[nu] = (keyed){day_key(in->first), i, i};
        nu++;
    }
    qsort(ks, nu, sizeof *ks, by_key);
    for (size_t i = 0; i < nu; i++) {
        lincident *in = &JKB_VEC_AT(&l->incidents, lincident, ks[i].idx);
        lnotice *n = &JKB_VEC_AT(&l->notices, lnotice, in->first_notice);
        jkb_claim_match mt;
        memset(&mt, 0, sizeof mt);
        mt.status = JKB_CLAIM_UNCLAIMED;
        mt.notice_id = n->id;
        mt.incident_id = n->incident_id > 0 ? n->incident_id : n->id;
        mt.org = n->org;
        mt.case_id = n->case_id;
        mt.title = n->title;
        mt.published = n->published;
        mt.disclosed = in->first;
        mt.categories = in->categories;
        mt.reason = "no claim names this organization";
        if (fn(&mt, ud))
            goto stop;
    }
    goto out;
nomem:
    rc = JKB_ENOMEM;
    jkb_err_set(err, rc, 0, "out of memory");
    goto out;
stop:
    rc = JKB_ESTOP;
    jkb_err_set(err, rc, 0, "stopped by the caller");
out:
    free(ks);
    jkb_vec_free(&pairs);
    jkb_vec_free(&out);
    jkb_vec_free(&undisclosed);
    return rc;
}
