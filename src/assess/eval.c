/*
 * Evaluating the rule table over a record's facts: each row's state in
 * Kleene logic (gated by its regime's coverage and its validity dates on
 * the row's clock), each obligation's deadline from the notice's own dates
 * (civil days, business days, hours) and its status, and the reasons: the
 * facts, words and rows that gave each state.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess_internal.h"

#define MAX_REASONS 32
#define MAX_EXPLAIN_DEPTH 48

typedef struct ev {
    const jkb_rules *r;
    const jkb_facts *f;
    jkb_assess_opts o;
    jkb_tri *rs;    /* row states */
    jkb_tri *valid; /* row validity */
    jkb_tri *regs;  /* regime coverage */
    int *over;      /* row → index of its override, or -1 */
    jkb_assessment *a;
    int aware, published, occurred;
} ev;

const char *jkb_tri_key(int v)
{
    static const char *const k[] = {"no", "unknown", "yes"};
    return v >= 0 && v <= 2 ? k[v] : NULL;
}

const char *jkb_deadline_status_key(int v)
{
    static const char *const k[] = {"not_applicable", "met",     "late",        "beyond_guideline",
                                    "bound_met",      "unknown", "no_deadline", "out_of_scope"};
    return v >= 0 && v < JKB_ST__COUNT ? k[v] : NULL;
}

static const char *keep(jkb_assessment *a, const char *s)
{
    return s ? jkb_arena_strndup(&a->arena, s, strlen(s)) : NULL;
}

static const char *keepf(jkb_assessment *a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static const char *keepf(jkb_assessment *a, const char *fmt, ...)
{
    char buf[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return keep(a, buf);
}

/* ---- evaluation ---- */

static jkb_tri eval(const ev *e, int ni)
{
    const ex_node *n = NODE(e->r, ni);
    jkb_tri t;
    switch (n->type) {
    case EX_CONST:
        return (jkb_tri)n->c;
    case EX_FACT:
        return e->f->v[n->a].tri;
    case EX_CMP: {
        const fact_val *v = &e->f->v[n->a];
        if (n->lit_date) {
            if (!v->has_date || v->bound)
                return JKB_UNK;
            int64_t d = jkb_date_days(v->date), l = n->lit;
            int ok = n->op == OP_GT ? d > l : n->op == OP_GE ? d >= l : n->op == OP_LT ? d < l : n->op == OP_LE ? d <= l : d == l;
            return ok ? JKB_YES : JKB_NO;
        }
        return v->tri == JKB_YES ? jkb_count_cmp(&v->count, n->op, n->lit) : JKB_UNK;
    }
    case EX_ROW:
        return e->rs[n->a];
    case EX_ANY:
        t = JKB_NO;
        for (int32_t k = 0; k < n->b; k++)
            t = tri_or(t, e->rs[JKB_VEC_AT(&e->r->anyrefs, int32_t, n->a + k)]);
        return t;
    case EX_NOT:
        return tri_not(eval(e, n->a));
    case EX_UNKQ:
        return eval(e, n->a) == JKB_UNK ? JKB_YES : JKB_NO;
    case EX_AND:
        t = eval(e, n->a);
        return t == JKB_NO ? JKB_NO : tri_and(t, eval(e, n->b));
    case EX_OR:
        t = eval(e, n->a);
        return t == JKB_YES ? JKB_YES : tri_or(t, eval(e, n->b));
    }
    return JKB_UNK;
}

/* The clock's date as an interval of days: exact when known; else
 * awareness comes after the start of the occurrence and before
 * publication, and the later clocks (materiality, determination) after
 * awareness (INT). */
static void clock_range(const ev *e, int cf, int64_t *lo, int64_t *hi)
{
    const fact_val *c = &e->f->v[cf];
    *lo = INT64_MIN;
    *hi = INT64_MAX;
    if (c->has_date && !c->bound) {
        *lo = *hi = jkb_date_days(c->date);
        return;
    }
    const fact_val *p = &e->f->v[e->published], *aw = &e->f->v[e->aware];
    if (cf == e->aware) {
        const fact_val *oc = e->occurred >= 0 ? &e->f->v[e->occurred] : NULL;
        if (p->has_date && !p->bound)
            *hi = jkb_date_days(p->date);
        if (oc && oc->has_date && !oc->bound)
            *lo = jkb_date_days(oc->date);
    } else if (aw->has_date && !aw->bound) {
        *lo = jkb_date_days(aw->date);
    }
}

static jkb_tri validity(const ev *e, const rule_row *row)
{
    if (row->kind == RK_FACT || (!row->from.y && !row->to.y))
        return JKB_YES;
    int64_t lo, hi;
    clock_range(e, row->clock >= 0 ? row->clock : e->aware, &lo, &hi);
    jkb_tri t = JKB_YES;
    if (row->from.y) {
        int64_t from = jkb_date_days(row->from);
        if (hi < from)
            return JKB_NO;
        if (lo < from)
            t = JKB_UNK;
    }
    if (row->to.y) {
        int64_t to = jkb_date_days(row->to);
        if (lo > to)
            return JKB_NO;
        if (hi > to)
            t = JKB_UNK;
    }
    return t;
}

/* ---- reasons ---- */

typedef struct rb {
    const ev *e;
    jkb_reason v[MAX_REASONS];
    size_t n;
} rb;

static void add(rb *b, const jkb_reason *r)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->v[i].is_rule == r->is_rule && strcmp(b->v[i].fact, r->fact) == 0 &&
            b->v[i].span.start == r->span.start && b->v[i].span.end == r->span.end)
            return;
    if (b->n < MAX_REASONS)
        b->v[b->n++] = *r;
}

static const char *date_str(jkb_assessment *a, jkb_date d)
{
    return keepf(a, "%04d-%02d-%02d", d.y, d.m, d.d);
}

static const char *count_str(jkb_assessment *a, const jkb_count *c)
{
    static const char *const units[] = {"unit unknown, read as people", "people", "records"};
    const char *q = jkb_qualifier_key(c->qualifier);
    const char *bound = c->qualifier == JKB_QUAL_LOWER
                            ? (c->bound == JKB_BOUND_EXCL ? " 超" : c->bound == JKB_BOUND_INCL ? " 以上" : " 以上 or 超")
                            : "";
    return keepf(a, "%lld (%s%s, %s)", (long long)c->n, q ? q : "exact", bound,
                 units[c->unit >= 0 && c->unit <= 2 ? c->unit : 0]);
}

static void fact_reason(rb *b, int fi, jkb_tri state, const char *extra)
{
    const ev *e = b->e;
    jkb_assessment *a = e->a;
    const fact_def *d = FACTDEF(e->r, fi);
    const fact_val *v = &e->f->v[fi];
    jkb_reason r;
    memset(&r, 0, sizeof r);
    r.fact = keep(a, d->name);
    r.state = state;
    r.field = v->field;
    r.item = v->item;
    r.span = v->span;
    r.text = keep(a, v->text);
    if (d->type == FT_DATE && v->has_date) {
        const char *ds = date_str(a, v->date);
        r.detail = v->bound ? keepf(a, "by %s (the notice's date; it says the report was made)", ds)
                   : v->minute >= 0 ? keepf(a, "%sT%02d:%02d%+03d:%02d", ds, v->minute / 60, v->minute % 60,
                                            v->off / 60, abs(v->off % 60))
                                    : ds;
    } else if (d->type == FT_COUNT && v->tri == JKB_YES) {
        r.detail = count_str(a, &v->count);
    }
    if (extra)
        r.detail = r.detail ? keepf(a, "%s: %s", extra, r.detail) : keep(a, extra);
    if (v->overridden && v->given)
        r.detail = r.detail ? keepf(a, "%s (%s)", r.detail, v->given) : keep(a, v->given);
    add(b, &r);
}

static void rule_reason(rb *b, const char *id, jkb_tri state, const char *detail)
{
    jkb_reason r;
    memset(&r, 0, sizeof r);
    r.fact = keep(b->e->a, id);
    r.is_rule = true;
    r.state = state;
    r.detail = detail;
    r.field = r.item = -1;
    add(b, &r);
}

/* in_fact: inside a derived fact, where a NOT that holds (an exception that
 * does not apply) is no reason worth showing. */
static void explain(rb *b, int ni, int depth, int in_fact)
{
    const ev *e = b->e;
    if (depth > MAX_EXPLAIN_DEPTH || b->n >= MAX_REASONS)
        return;
    const ex_node *n = NODE(e->r, ni);
    jkb_tri s = eval(e, ni);
    switch (n->type) {
    case EX_FACT:
        fact_reason(b, n->a, s, NULL);
        break;
    case EX_CMP: {
        static const char *const ops[] = {">", ">=", "<", "<=", "="};
        char lit[24];
        if (n->lit_date) {
            jkb_date d = jkb_date_from_days((int32_t)n->lit);
            snprintf(lit, sizeof lit, "%04d-%02d-%02d", d.y, d.m, d.d);
        } else {
            snprintf(lit, sizeof lit, "%lld", (long long)n->lit);
        }
        char what[96];
        snprintf(what, sizeof what, "%s%s%s", FACTDEF(e->r, n->a)->name, ops[n->op], lit);
        fact_reason(b, n->a, s, what);
        break;
    }
    case EX_ROW: {
        const rule_row *row = ROW(e->r, n->a);
        if (e->over[n->a] >= 0)
            rule_reason(b, row->id, s, JKB_VEC_AT(&e->f->over, row_override, e->over[n->a]).given);
        else if (row->kind == RK_FACT)
            explain(b, row->root, depth + 1, 1);
        else
            rule_reason(b, row->id, s, NULL);
        break;
    }
    case EX_ANY:
        if (s == JKB_NO)
            break;
        for (int32_t k = 0; k < n->b; k++) {
            int32_t ri = JKB_VEC_AT(&e->r->anyrefs, int32_t, n->a + k);
            if (e->rs[ri] == s)
                rule_reason(b, ROW(e->r, ri)->id, s, NULL);
        }
        break;
    case EX_NOT:
        if (in_fact && s == JKB_YES)
            break;
        explain(b, n->a, depth + 1, in_fact);
        break;
    case EX_UNKQ:
        explain(b, n->a, depth + 1, in_fact);
        break;
    case EX_AND:
    case EX_OR: {
        /* all operands when they all agree (a YES and, a NO or); else the
         * ones that decided */
        jkb_tri all = n->type == EX_AND ? JKB_YES : JKB_NO;
        if (s == all || eval(e, n->a) == s)
            explain(b, n->a, depth + 1, in_fact);
        if (s == all || eval(e, n->b) == s)
            explain(b, n->b, depth + 1, in_fact);
        break;
    }
    default:
        break;
    }
}

static const char *validity_detail(const ev *e, const rule_row *row)
{
    jkb_assessment *a = e->a;
    const char *from = row->from.y ? date_str(a, row->from) : "-";
    const char *to = row->to.y ? date_str(a, row->to) : "-";
    int cf = row->clock >= 0 ? row->clock : e->aware;
    return keepf(a, "in force %s..%s, by %s", from, to, FACTDEF(e->r, cf)->name);
}

static void gate_reasons(rb *b, const rule_row *row, size_t i)
{
    const ev *e = b->e;
    if (row->regime_idx >= 0 && e->regs[row->regime_idx] != JKB_YES && row->kind != RK_SCOPE)
        rule_reason(b, row->regime, e->regs[row->regime_idx], "the regime's coverage");
    if (e->valid[i] != JKB_YES)
        rule_reason(b, "in_force", e->valid[i], validity_detail(e, row));
}

static jkb_status store_reasons(jkb_assessment *a, rb *b, jkb_verdict *v)
{
    v->n_because = b->n;
    v->because = NULL;
    if (!b->n)
        return JKB_OK;
    jkb_reason *arr = jkb_arena_alloc(&a->arena, b->n * sizeof *arr);
    if (!arr)
        return JKB_ENOMEM;
    memcpy(arr, b->v, b->n * sizeof *arr);
    v->because = arr;
    return JKB_OK;
}

/* ---- deadlines ---- */

static int32_t days_of(jkb_date d) { return jkb_date_days(d); }

/* Minutes since 1970 UTC. */
static int64_t utc_min(int32_t day, int minute, int off) { return (int64_t)day * 1440 + minute - off; }

static void deadline(const ev *e, const rule_row *row, jkb_verdict *v)
{
    const fact_val *ck = &e->f->v[row->clock >= 0 ? row->clock : e->aware];
    const fact_val *dn = row->done >= 0 ? &e->f->v[row->done] : NULL;
    int st = JKB_ST_UNKNOWN;
    v->due_minute = -1;
    if (ck->has_date && !ck->bound)
        v->start = ck->date;
    if (dn && dn->has_date) {
        v->done = dn->date;
        v->done_bound = dn->bound;
    }
    if (row->dl == DL_ASAP || row->dl == DL_NONE) {
        v->if_applies = JKB_ST_NO_DEADLINE;
        return;
    }
    if (!v->start.y) {
        v->if_applies = JKB_ST_UNKNOWN;
        return;
    }
    int32_t s = days_of(v->start);
    /* 初日不算入 (civil): due = start + N; conservative/inclusive: N - 1 */
    int shift = row->count == CM_INCLUSIVE || (row->count == CM_CIVIL && e->o.conservative) ? 1 : 0;
    int has_done = v->done.y != 0;
    int32_t done = has_done ? days_of(v->done) : 0;
    switch (row->dl) {
    case DL_DAYS:
    case DL_BDAYS: {
        int32_t due = row->dl == DL_DAYS ? s + row->dl_a - shift : jkb_add_bdays(e->r, row->count_s, s, row->dl_a);
        v->due = jkb_date_from_days(due);
        if (!has_done)
            break;
        if (done <= due) {
            st = v->done_bound ? JKB_ST_BOUND_MET : JKB_ST_MET;
        } else if (!v->done_bound) {
            st = JKB_ST_LATE;
            v->late_by = row->dl == DL_DAYS ? done - due : jkb_bdays_between(e->r, row->count_s, due, done);
        }
        break;
    }
    case DL_WINDOW: {
        int32_t from = s + row->dl_a - shift, to = s + row->dl_b - shift;
        v->due_from = jkb_date_from_days(from);
        v->due_to = jkb_date_from_days(to);
        if (!has_done)
            break;
        if (done <= to) {
            st = v->done_bound ? JKB_ST_BOUND_MET : JKB_ST_MET;
        } else if (!v->done_bound) {
            st = JKB_ST_BEYOND_GUIDELINE;
            v->late_by = done - to;
        }
        break;
    }
    case DL_HOURS: {
        /* elapsed time on UTC instants; a date without a time is the whole
         * day, so a deadline or a done date may straddle (unknown) */
        int off = ck->has_off ? ck->off : 0;
        int64_t dlo, dhi;
        if (ck->minute >= 0) {
            dlo = utc_min(s, ck->minute, off) + (int64_t)row->dl_a * 60;
            dhi = dlo + 1;
            v->due = jkb_date_from_days((int32_t)(dlo >= 0 ? dlo / 1440 : (dlo - 1439) / 1440));
            v->due_minute = (int)(dlo - (int64_t)days_of(v->due) * 1440);
        } else {
            dlo = utc_min(s, 0, off) + (int64_t)row->dl_a * 60;
            dhi = dlo + 1440;
            v->due = jkb_date_from_days(s + row->dl_a / 24);
        }
        if (!has_done)
            break;
        int doff = dn->has_off ? dn->off : off;
        int64_t nlo = utc_min(done, dn->minute >= 0 ? dn->minute : 0, doff);
        int64_t nhi = dn->minute >= 0 ? nlo + 1 : nlo + 1440;
        if (nhi <= dlo + 1) {
            st = v->done_bound ? JKB_ST_BOUND_MET : JKB_ST_MET;
        } else if (nlo > dhi - 1 && !v->done_bound) {
            st = JKB_ST_LATE;
            v->late_by = (int)((nlo - dlo + 59) / 60); /* hours */
        }
        break;
    }
    default:
        break;
    }
    v->if_applies = st;
}

/* ---- the assessment ---- */

static jkb_status add_verdict(ev *e, const rule_row *row, size_t i, jkb_verdict **out)
{
    jkb_assessment *a = e->a;
    jkb_verdict *v = jkb_vec_push(&a->verdicts);
    if (!v)
        return JKB_ENOMEM;
    static const int kinds[] = {JKB_VK_FACT, JKB_VK_SCOPE, JKB_VK_TRIGGER, JKB_VK_FLAG, JKB_VK_DUTY};
    v->id = keep(a, row->id);
    v->regime = keep(a, row->regime);
    v->kind = kinds[row->kind];
    v->obligation = keep(a, row->obligation);
    v->recipient = keep(a, row->recipient);
    v->basis = keep(a, row->basis);
    v->cite = keep(a, row->cite);
    v->deadline = keep(a, row->deadline);
    v->note = keep(a, row->note);
    v->clock = row->kind == RK_DUTY ? keep(a, row->clock_s ? row->clock_s : "aware") : NULL;
    v->state = e->rs[i];
    v->valid_from = row->from;
    v->valid_to = row->to;
    v->due_minute = -1;
    v->status = v->if_applies = JKB_ST_NOT_APPLICABLE;
    *out = v;
    return v->id ? JKB_OK : JKB_ENOMEM;
}

static jkb_status verdicts(ev *e)
{
    jkb_status rc;
    const jkb_rules *r = e->r;
    jkb_assessment *a = e->a;
    jkb_verdict *v;
    rb *b = malloc(sizeof *b);
    if (!b)
        return JKB_ENOMEM;
    b->e = e;
    /* the regimes, with the scope rows that decided them */
    for (size_t g = 0; g < r->regimes.n; g++) {
        v = jkb_vec_push(&a->verdicts);
        if (!v) {
            rc = JKB_ENOMEM;
            goto out;
        }
        v->id = v->regime = keep(a, JKB_VEC_AT(&r->regimes, const char *, g));
        v->kind = JKB_VK_REGIME;
        v->obligation = "scope";
        v->state = e->regs[g];
        v->due_minute = -1;
        v->status = v->if_applies = e->regs[g] == JKB_NO ? JKB_ST_OUT_OF_SCOPE : JKB_ST_NOT_APPLICABLE;
        b->n = 0;
        for (size_t i = 0; i < r->rows.n; i++) {
            const rule_row *row = ROW(r, i);
            if (row->kind != RK_SCOPE || row->regime_idx != (int)g)
                continue;
            if (e->regs[g] != JKB_NO && e->rs[i] != e->regs[g])
                continue;
            if (e->over[i] >= 0)
                rule_reason(b, row->id, e->rs[i], JKB_VEC_AT(&e->f->over, row_override, e->over[i]).given);
            else if (e->valid[i] == JKB_NO)
                rule_reason(b, "in_force", JKB_NO, validity_detail(e, row));
            else {
                explain(b, row->root, 0, 0);
                gate_reasons(b, row, i);
            }
        }
        if ((rc = store_reasons(a, b, v)) != JKB_OK)
            goto out;
    }
    for (size_t i = 0; i < r->rows.n; i++) {
        const rule_row *row = ROW(r, i);
        if (row->kind == RK_FACT) {
            fact_state *fs = jkb_vec_push(&a->facts);
            if (!fs || !(fs->name = keep(a, row->id))) {
                rc = JKB_ENOMEM;
                goto out;
            }
            fs->tri = e->rs[i];
            continue;
        }
        int covered = row->regime_idx < 0 || e->regs[row->regime_idx] != JKB_NO;
        if (!e->o.all && (row->kind == RK_SCOPE || !covered || (row->kind == RK_FLAG && e->rs[i] != JKB_YES)))
            continue;
        if ((rc = add_verdict(e, row, i, &v)) != JKB_OK)
            goto out;
        b->n = 0;
        if (e->over[i] >= 0) {
            rule_reason(b, row->id, e->rs[i], JKB_VEC_AT(&e->f->over, row_override, e->over[i]).given);
        } else {
            explain(b, row->root, 0, 0);
            gate_reasons(b, row, i);
        }
        if (row->kind == RK_DUTY) {
            deadline(e, row, v);
            v->status = !covered                                             ? JKB_ST_OUT_OF_SCOPE
                        : v->state == JKB_NO                                 ? JKB_ST_NOT_APPLICABLE
                        : v->state == JKB_UNK && v->if_applies != JKB_ST_NO_DEADLINE ? JKB_ST_UNKNOWN
                                                                             : v->if_applies;
            /* the dates the deadline was read from */
            if (v->state != JKB_NO) {
                fact_reason(b, row->clock >= 0 ? row->clock : e->aware, e->f->v[row->clock >= 0 ? row->clock : e->aware].tri,
                            "clock");
                if (row->done >= 0 && e->f->v[row->done].has_date)
                    fact_reason(b, row->done, e->f->v[row->done].tri, "done");
            }
        }
        if ((rc = store_reasons(a, b, v)) != JKB_OK)
            goto out;
    }
    rc = JKB_OK;
out:
    free(b);
    return rc;
}

static void summary(ev *e)
{
    const jkb_rules *r = e->r;
    jkb_assessment *a = e->a;
    int priv = jkb_rules_regime_find(r, "appi_private"), pub = jkb_rules_regime_find(r, "appi_public");
    jkb_tri tp = priv >= 0 ? e->regs[priv] : JKB_NO, tq = pub >= 0 ? e->regs[pub] : JKB_NO;
    a->regime_jp = priv < 0 && pub < 0 ? "unknown"
                   : tp == JKB_YES     ? "appi_private"
                   : tq == JKB_YES     ? "appi_public"
                   : tp == JKB_NO && tq == JKB_NO ? "out_of_scope"
                                                  : "unknown";
    for (size_t i = 0; i < r->rows.n; i++) {
        const rule_row *row = ROW(r, i);
        if ((row->kind != RK_TRIGGER && row->kind != RK_DUTY) || e->valid[i] != JKB_YES || !row->from.y)
            continue;
        if (row->regime_idx >= 0 && e->regs[row->regime_idx] == JKB_NO)
            continue;
        if (!a->rule_set.y || jkb_date_cmp(row->from, a->rule_set) > 0)
            a->rule_set = row->from;
    }
    for (size_t i = 0; i < r->facts.n; i++) {
        const fact_def *d = FACTDEF(r, i);
        const fact_val *v = &e->f->v[i];
        if (d->type == FT_COUNT && d->arg == CF_COUNT && v->tri == JKB_YES) {
            a->has_count = true;
            a->count = v->count;
        }
        if (d->type != FT_DATE || !v->has_date)
            continue;
        date_out *o = jkb_vec_push(&a->dates);
        if (!o)
            return;
        o->name = keep(a, d->name);
        o->d = v->date;
        o->bound = v->bound;
        o->minute = v->minute;
        o->off = v->off;
    }
    const fact_val *aw = &e->f->v[e->aware], *p = &e->f->v[e->published];
    if (aw->has_date && !aw->bound && p->has_date && !p->bound) {
        a->has_paa = true;
        a->paa = (int)(jkb_date_days(p->date) - jkb_date_days(aw->date));
    }
    for (size_t i = 0; i < e->f->notes.n; i++) {
        const char **slot = jkb_vec_push(&a->notes);
        if (slot)
            *slot = keep(a, JKB_VEC_AT(&e->f->notes, const char *, i));
    }
}

jkb_status jkb_assess_facts(const jkb_rules *r, const jkb_facts *f, const jkb_assess_opts *opts, jkb_assessment **out,
                            jkb_err *err)
{
    if (!r || !f || !out || f->rules != r)
        return JKB_EINVAL;
    jkb_status rc = JKB_ENOMEM;
    ev e;
    memset(&e, 0, sizeof e);
    e.r = r;
    e.f = f;
    if (opts)
        e.o = *opts;
    e.aware = jkb_rules_fact_find(r, "aware", 5);
    e.published = jkb_rules_fact_find(r, "published", 9);
    e.occurred = jkb_rules_fact_find(r, "occurred", 8);
    size_t nr = r->rows.n;
    e.rs = calloc(nr + 1, sizeof *e.rs);
    e.valid = calloc(nr + 1, sizeof *e.valid);
    e.over = calloc(nr + 1, sizeof *e.over);
    e.regs = calloc(r->regimes.n + 1, sizeof *e.regs);
    jkb_assessment *a = calloc(1, sizeof *a);
    if (!e.rs || !e.valid || !e.over || !e.regs || !a)
        goto out;
    jkb_arena_init(&a->arena);
    jkb_vec_init(&a->verdicts, sizeof(jkb_verdict));
    jkb_vec_init(&a->facts, sizeof(fact_state));
    jkb_vec_init(&a->dates, sizeof(date_out));
    jkb_vec_init(&a->notes, sizeof(const char *));
    e.a = a;
    for (size_t i = 0; i < nr; i++)
        e.over[i] = -1;
    for (size_t k = 0; k < f->over.n; k++)
        e.over[JKB_VEC_AT(&f->over, row_override, k).row] = (int)k;
    /* rows refer only to rows before them: one pass in table order */
    for (size_t i = 0; i < nr; i++) {
        const rule_row *row = ROW(r, i);
        e.valid[i] = validity(&e, row);
        jkb_tri t;
        if (e.over[i] >= 0)
            t = JKB_VEC_AT(&f->over, row_override, e.over[i]).v;
        else if (row->kind == RK_FACT)
            t = eval(&e, row->root);
        else {
            t = e.valid[i] == JKB_NO ? JKB_NO : tri_and(e.valid[i], eval(&e, row->root));
            if (row->kind != RK_SCOPE && row->regime_idx >= 0)
                t = tri_and(t, e.regs[row->regime_idx]);
        }
        e.rs[i] = t;
        if (row->kind == RK_SCOPE)
            e.regs[row->regime_idx] = tri_or(e.regs[row->regime_idx], t);
    }
    if ((rc = verdicts(&e)) != JKB_OK)
        goto out;
    summary(&e);
    *out = a;
    a = NULL;
    rc = JKB_OK;
out:
    if (rc)
        jkb_err_set(err, rc, 0, "%s", rc == JKB_ENOMEM ? "out of memory" : "assessment failed");
    jkb_assessment_free(a);
    free(e.rs);
    free(e.valid);
    free(e.over);
    free(e.regs);
    return rc;
}

jkb_status jkb_assess(const jkb_rules *rules, const jkb_record *rec, const char *text, size_t len,
                      const jkb_assess_opts *opts, jkb_assessment **out, jkb_err *err)
{
    jkb_rules *own = NULL;
    jkb_facts *f = NULL;
    jkb_status rc;
    if (!out)
        return JKB_EINVAL;
    if (!rules) {
        if ((rc = jkb_rules_new(&own, err)) != JKB_OK)
            goto out;
        rules = own;
    }
    if ((rc = jkb_facts_new(rules, rec, text, len, &f, err)) != JKB_OK)
        goto out;
    rc = jkb_assess_facts(rules, f, opts, out, err);
out:
    jkb_facts_free(f);
    jkb_rules_free(own);
    return rc;
}

typedef struct text_run {
    const jkb_rules *rules;
    const jkb_assess_opts *opts;
    size_t len;
    jkb_assessment *a;
    jkb_status st;
    jkb_err *err;
} text_run;

static int text_record(const jkb_record *rec, const char *text, void *ud)
{
    text_run *t = ud;
    if (t->a || t->st != JKB_ENOTFOUND)
        return 0; /* one span gives one record */
    t->st = jkb_assess(t->rules, rec, text, t->len, t->opts, &t->a, t->err);
    return 0;
}

jkb_status jkb_assess_text(jkb_engine *eng, const jkb_rules *rules, const char *text, size_t len,
                           const jkb_assess_opts *opts, jkb_assessment **out, jkb_err *err)
{
    if (!out)
        return JKB_EINVAL;
    *out = NULL;
    if (!eng || (!text && len) || len > UINT32_MAX) {
        if (err) {
            err->code = JKB_EINVAL;
            err->offset = 0;
            snprintf(err->msg, sizeof err->msg, "jkb_assess_text: no engine, or no text");
        }
        return JKB_EINVAL;
    }
    text_run t = {rules, opts, len, NULL, JKB_ENOTFOUND, err};
    jkb_span span = {0, (uint32_t)len};
    jkb_status rc = jkb_extract_spans(eng, text ? text : "", len, &span, 1, 0, text_record, &t, err);
    if (rc != JKB_OK) {
        jkb_assessment_free(t.a);
        return rc;
    }
    if (t.st == JKB_ENOTFOUND && err) {
        err->code = JKB_ENOTFOUND;
        err->offset = 0;
        snprintf(err->msg, sizeof err->msg, "the text holds no notice to assess");
    }
    if (t.st != JKB_OK) {
        jkb_assessment_free(t.a);
        return t.st;
    }
    *out = t.a;
    return JKB_OK;
}

void jkb_assessment_free(jkb_assessment *a)
{
    if (!a)
        return;
    jkb_vec_free(&a->verdicts);
    jkb_vec_free(&a->facts);
    jkb_vec_free(&a->dates);
    jkb_vec_free(&a->notes);
    jkb_arena_free(&a->arena);
    free(a);
}

size_t jkb_assessment_count(const jkb_assessment *a) { return a ? a->verdicts.n : 0; }

const jkb_verdict *jkb_assessment_get(const jkb_assessment *a, size_t i)
{
    return a && i < a->verdicts.n ? &JKB_VEC_AT(&a->verdicts, jkb_verdict, i) : NULL;
}

const jkb_verdict *jkb_assessment_find(const jkb_assessment *a, const char *id)
{
    for (size_t i = 0; a && id && i < a->verdicts.n; i++)
        if (strcmp(JKB_VEC_AT(&a->verdicts, jkb_verdict, i).id, id) == 0)
            return &JKB_VEC_AT(&a->verdicts, jkb_verdict, i);
    return NULL;
}

const char *jkb_assessment_regime_jp(const jkb_assessment *a) { return a ? a->regime_jp : NULL; }

jkb_date jkb_assessment_rule_set(const jkb_assessment *a)
{
    jkb_date z = {0, 0, 0};
    return a ? a->rule_set : z;
}
