/*
 * The base facts of one record (regulation.md 7.2), each three-valued and
 * with the span of the words it was read from: set members and enum values
 * (cat_*, data_*, vec_*, auth_*, org_*, leak_*), dates (aware = the
 * earliest detection, reports to the PPC, notices to the people), the
 * count with its unit and bound, and the word classes of the tables.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess_internal.h"

#define MAX_EVIDENCE_TEXT 240

typedef struct ctx {
    jkb_facts *f;
    const jkb_rules *r;
    const jkb_record *rec;
    const char *text;
    size_t len;
} ctx;

static void note(jkb_facts *f, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void note(jkb_facts *f, const char *fmt, ...)
{
    char buf[240];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *s = jkb_arena_strndup(&f->arena, buf, strlen(buf));
    const char **slot = s ? jkb_vec_push(&f->notes) : NULL;
    if (slot)
        *slot = s;
}

/* A span of the document, when it lies inside the text. */
static int span_ok(const ctx *c, jkb_span sp) { return c->text && sp.start <= sp.end && sp.end <= c->len; }

/* Copy the words of a span (cut at a character boundary). */
static const char *span_text(const ctx *c, jkb_span sp)
{
    if (!span_ok(c, sp))
        return NULL;
    size_t n = sp.end - sp.start;
    if (n > MAX_EVIDENCE_TEXT) {
        n = MAX_EVIDENCE_TEXT;
        while (n && ((unsigned char)c->text[sp.start + n] & 0xC0) == 0x80)
            n--;
    }
    return jkb_arena_strndup(&c->f->arena, c->text + sp.start, n);
}

static void evidence(const ctx *c, fact_val *v, int field, int item)
{
    v->field = field;
    v->item = item;
    if (!c->rec)
        return;
    for (size_t i = 0; i < c->rec->n_evidence; i++) {
        const jkb_evidence *e = &c->rec->evidence[i];
        if (e->field == field && (item < 0 || e->item == item)) {
            v->span = e->span;
            v->text = span_text(c, e->span);
            return;
        }
    }
}

static int full_date(jkb_date d) { return d.y > 0 && d.m > 0 && d.d > 0; }

/* A report to the PPC: named so, or naming no recipient in a notice that
 * says it told the PPC. */
static int to_ppc(const jkb_record *rec, const jkb_event *ev)
{
    if (ev->to)
        return (ev->to >> JKB_AUTH_PPC) & 1;
    return (rec->authorities >> JKB_AUTH_PPC) & 1;
}

/* The earliest event of a kind (for reports, to the PPC); returns its index
 * or -1, the distinct dates in *n and the index of the second in *second. */
static int earliest(const jkb_record *rec, int kind, int ppc, int *n, int *second)
{
    int best = -1, sec = -1;
    *n = 0;
    for (size_t i = 0; i < rec->n_timeline; i++) {
        const jkb_event *ev = &rec->timeline[i];
        if (ev->kind != kind || !full_date(ev->date))
            continue;
        if (ppc && !to_ppc(rec, ev))
            continue;
        int same = 0;
        for (size_t j = 0; j < i; j++) {
            const jkb_event *o = &rec->timeline[j];
            if (o->kind == kind && jkb_date_cmp(o->date, ev->date) == 0 && (!ppc || to_ppc(rec, o)))
                same = 1;
        }
        if (same)
            continue;
        (*n)++;
        if (best < 0 || jkb_date_cmp(ev->date, rec->timeline[best].date) < 0) {
            sec = best;
            best = (int)i;
        } else if (sec < 0 || jkb_date_cmp(ev->date, rec->timeline[sec].date) < 0) {
            sec = (int)i;
        }
    }
    if (second)
        *second = sec;
    return best;
}

static void set_event(const ctx *c, fact_val *v, int idx)
{
    v->has_date = true;
    v->date = c->rec->timeline[idx].date;
    v->tri = JKB_YES;
    evidence(c, v, JKB_F_TIMELINE, idx);
}

static void date_fact(ctx *c, const fact_def *d, fact_val *v)
{
    const jkb_record *rec = c->rec;
    int n = 0, second = -1, i;
    int told_ppc = (rec->authorities >> JKB_AUTH_PPC) & 1;
    switch (d->arg) {
    case DF_AWARE:
        i = earliest(rec, JKB_EV_DETECTED, 0, &n, NULL);
        if (i >= 0) {
            set_event(c, v, i);
            if (n > 1)
                note(c->f, "aware: the earliest of %d detection dates (regulation.md 1.3 keeps the earliest)", n);
        }
        break;
    case DF_OCCURRED:
        i = earliest(rec, JKB_EV_OCCURRED, 0, &n, NULL);
        if (i >= 0)
            set_event(c, v, i);
        break;
    case DF_NOTIFIED:
        i = earliest(rec, JKB_EV_NOTIFIED, 0, &n, NULL);
        if (i >= 0)
            set_event(c, v, i);
        break;
    case DF_PUBLISHED:
        if (full_date(rec->published)) {
            v->has_date = true;
            v->date = rec->published;
            v->tri = JKB_YES;
            evidence(c, v, JKB_F_PUBLISHED, -1);
        }
        break;
    case DF_REPORTED:
    case DF_FINAL:
        /* A dated report to the PPC (or to no named recipient) is the first
         * report; a second date is the final one (INT: a notice that dates
         * two reports names the 速報 and then the 確報). A notice that only
         * says 報告済み bounds both by its own date. */
        i = earliest(rec, JKB_EV_REPORTED, 1, &n, &second);
        if (d->arg == DF_FINAL)
            i = second;
        if (i >= 0) {
            set_event(c, v, i);
            if (!rec->timeline[i].to && d->arg == DF_REPORTED)
                note(c->f, "reported_on: the report of %04d-%02d-%02d names no recipient; read as the PPC",
                     rec->timeline[i].date.y, rec->timeline[i].date.m, rec->timeline[i].date.d);
        } else if (n == 0 && told_ppc && full_date(rec->published)) {
            v->has_date = true;
            v->bound = true;
            v->date = rec->published;
            v->tri = JKB_UNK;
            evidence(c, v, JKB_F_AUTHORITIES, JKB_AUTH_PPC);
        }
        break;
    default:
        break;
    }
}

/* ---- words ---- */

static int boundary_ok(const char *s, size_t n, size_t at, const word_def *w)
{
    unsigned char first = (unsigned char)w->w[0], last = (unsigned char)w->w[w->len - 1];
    if (jkb_is_alnum(first) && at > 0 && jkb_is_alnum((unsigned char)s[at - 1]))
        return 0;
    if (jkb_is_alnum(last) && at + w->len < n && jkb_is_alnum((unsigned char)s[at + w->len]))
        return 0;
    return 1;
}

/* The first place of w in s[0, n), or -1. ASCII words must stand alone
 * ("EU" is not in "EUR", "SEC" not in "SECURITY"). */
static long find_word(const char *s, size_t n, const word_def *w)
{
    if (!w->len || w->len > n)
        return -1;
    size_t i = 0;
    while (i + w->len <= n) {
        const char *p = memchr(s + i, w->w[0], n - w->len + 1 - i);
        if (!p)
            return -1;
        size_t at = (size_t)(p - s);
        if (memcmp(p, w->w, w->len) == 0 && boundary_ok(s, n, at, w))
            return (long)at;
        i = at + 1;
    }
    return -1;
}

typedef struct region {
    const char *s;
    size_t n;
    size_t base;   /* offset of s in the document text, when doc */
    int doc;
} region;

/* The regions a word's scope looks in; returns how many (0: not available). */
static int regions(const ctx *c, const word_def *w, region *out, int max)
{
    const jkb_record *rec = c->rec;
    int k = 0;
    if (w->scope == SC_TEXT) {
        if (!c->text)
            return 0;
        size_t a = 0, b = c->len;
        if (rec && rec->extent.end > rec->extent.start && rec->extent.end <= c->len) {
            a = rec->extent.start;
            b = rec->extent.end;
        }
        out[0] = (region){c->text + a, b - a, a, 1};
        return 1;
    }
    if (!rec)
        return 0;
    if (w->scope == SC_ORG || w->scope == SC_TITLE) {
        const jkb_strv *sv = w->scope == SC_ORG ? &rec->org : &rec->title;
        if (!sv->s)
            return 0;
        out[0] = (region){sv->s, sv->len, 0, 0};
        return 1;
    }
    if (!c->text)
        return 0;
    for (size_t i = 0; i < rec->n_evidence && k < max; i++) {
        const jkb_evidence *e = &rec->evidence[i];
        if (e->field != w->field || (w->item >= 0 && e->item != w->item) || !span_ok(c, e->span))
            continue;
        out[k++] = (region){c->text + e->span.start, e->span.end - e->span.start, e->span.start, 1};
    }
    return k;
}

static void word_facts(ctx *c)
{
    const jkb_rules *r = c->r;
    size_t ncls = r->wclasses.n;
    if (!ncls)
        return;
    /* per class: 0 nothing looked at yet, 1 some scope missing, 2 all looked at */
    int *seen = calloc(ncls, sizeof *seen);
    int *fact_of = calloc(ncls, sizeof *fact_of);
    if (!seen || !fact_of)
        goto out;
    for (size_t i = 0; i < r->facts.n; i++)
        if (FACTDEF(r, i)->src == FS_WORD)
            fact_of[FACTDEF(r, i)->arg] = (int)i;
    for (size_t i = 0; i < ncls; i++)
        seen[i] = 2;
    for (size_t wi = 0; wi < r->words.n; wi++) {
        const word_def *w = &JKB_VEC_AT(&r->words, word_def, wi);
        fact_val *v = &c->f->v[fact_of[w->cls]];
        if (v->tri == JKB_YES)
            continue;
        region rg[8];
        int nr = regions(c, w, rg, 8);
        if (!nr) {
            seen[w->cls] = 1;
            continue;
        }
        for (int k = 0; k < nr; k++) {
            long at = find_word(rg[k].s, rg[k].n, w);
            if (at < 0)
                continue;
            v->tri = JKB_YES;
            if (rg[k].doc) {
                v->span.start = (uint32_t)(rg[k].base + (size_t)at);
                v->span.end = (uint32_t)(v->span.start + w->len);
                v->field = -1;
            }
            v->text = w->w;
            break;
        }
    }
    for (size_t i = 0; i < ncls; i++) {
        fact_val *v = &c->f->v[fact_of[i]];
        if (v->tri != JKB_YES)
            v->tri = seen[i] == 2 ? JKB_NO : JKB_UNK;
    }
out:
    free(seen);
    free(fact_of);
}

static int word_class_yes(const ctx *c, const char *cls)
{
    char name[64];
    snprintf(name, sizeof name, "word_%s", cls);
    int i = jkb_rules_fact_find(c->r, name, strlen(name));
    return i >= 0 && c->f->v[i].tri == JKB_YES;
}

static void count_fact(ctx *c, fact_val *v)
{
    const jkb_record *rec = c->rec;
    if (!rec->has_affected)
        return;
    v->tri = JKB_YES;
    v->count.n = rec->affected;
    v->count.qualifier = rec->affected_qualifier < 0 ? JKB_QUAL_EXACT : rec->affected_qualifier;
    /* the unit and 以上/超 are in the words the count was read from */
    if (word_class_yes(c, "unit_people"))
        v->count.unit = JKB_UNIT_PEOPLE;
    else if (word_class_yes(c, "unit_records"))
        v->count.unit = JKB_UNIT_RECORDS;
    if (word_class_yes(c, "count_incl"))
        v->count.bound = JKB_BOUND_INCL;
    else if (word_class_yes(c, "count_excl"))
        v->count.bound = JKB_BOUND_EXCL;
    evidence(c, v, JKB_F_AFFECTED, -1);
    if (v->count.unit == JKB_UNIT_UNKNOWN)
        note(c->f, "count: %lld read as people (the notice's unit is not known)", (long long)v->count.n);
    else if (v->count.unit == JKB_UNIT_RECORDS)
        note(c->f, "count: %lld records (件), an upper bound on the people (regulation.md 1.5)",
             (long long)v->count.n);
}

jkb_status jkb_facts_new(const jkb_rules *rules, const jkb_record *rec, const char *text, size_t len,
                         jkb_facts **out, jkb_err *err)
{
    if (!rules || !out)
        return JKB_EINVAL;
    jkb_facts *f = calloc(1, sizeof *f);
    if (!f)
        goto nomem;
    jkb_arena_init(&f->arena);
    jkb_vec_init(&f->over, sizeof(row_override));
    jkb_vec_init(&f->notes, sizeof(const char *));
    f->rules = rules;
    f->nv = rules->facts.n;
    f->v = calloc(f->nv ? f->nv : 1, sizeof *f->v);
    if (!f->v)
        goto nomem;
    for (size_t i = 0; i < f->nv; i++) {
        f->v[i].tri = JKB_UNK;
        f->v[i].field = -1;
        f->v[i].item = -1;
        f->v[i].minute = -1;
    }
    ctx c = {f, rules, rec, text, len};
    if (rec) {
        for (size_t i = 0; i < f->nv; i++) {
            const fact_def *d = FACTDEF(rules, i);
            fact_val *v = &f->v[i];
            uint32_t mask = 0;
            int field = -1;
            switch (d->src) {
            case FS_CAT:
                mask = rec->categories, field = JKB_F_CATEGORIES;
                break;
            case FS_DATA:
                mask = rec->data_classes, field = JKB_F_DATA_CLASSES;
                break;
            case FS_VEC:
                mask = rec->vectors, field = JKB_F_VECTORS;
                break;
            case FS_AUTH:
                mask = rec->authorities, field = JKB_F_AUTHORITIES;
                break;
            case FS_ORG:
                if (rec->org_kind >= 0) {
                    v->tri = rec->org_kind == d->arg ? JKB_YES : JKB_NO;
                    if (v->tri == JKB_YES)
                        evidence(&c, v, JKB_F_ORG_KIND, -1);
                }
                continue;
            case FS_LEAK:
                if (rec->leak_status >= 0) {
                    v->tri = rec->leak_status == d->arg ? JKB_YES : JKB_NO;
                    if (v->tri == JKB_YES)
                        evidence(&c, v, JKB_F_LEAK_STATUS, -1);
                }
                continue;
            case FS_DATE:
                date_fact(&c, d, v);
                continue;
            default:
                continue;
            }
            /* an empty set says nothing; a set given is read as complete */
            if (mask) {
                v->tri = (mask >> d->arg) & 1 ? JKB_YES : JKB_NO;
                if (v->tri == JKB_YES)
                    evidence(&c, v, field, d->arg);
            }
        }
    }
    word_facts(&c);
    if (rec) {
        int ci = jkb_rules_fact_find(rules, "count", 5);
        if (ci >= 0)
            count_fact(&c, &f->v[ci]);
    }
    *out = f;
    return JKB_OK;
nomem:
    jkb_facts_free(f);
    jkb_err_set(err, JKB_ENOMEM, 0, "out of memory");
    return JKB_ENOMEM;
}

void jkb_facts_free(jkb_facts *f)
{
    if (!f)
        return;
    free(f->v);
    jkb_vec_free(&f->over);
    jkb_vec_free(&f->notes);
    jkb_arena_free(&f->arena);
    free(f);
}

static const char *keep(jkb_facts *f, const char *why)
{
    return why ? jkb_arena_strndup(&f->arena, why, strlen(why)) : "given";
}

/* A base fact of the given type, for an override. */
static jkb_status base_of(jkb_facts *f, const char *name, int type, fact_val **out)
{
    if (!f || !name)
        return JKB_EINVAL;
    int i = jkb_rules_fact_find(f->rules, name, strlen(name));
    if (i < 0)
        return JKB_ENOTFOUND;
    if (FACTDEF(f->rules, i)->type != type)
        return JKB_EINVAL;
    *out = &f->v[i];
    return JKB_OK;
}

jkb_status jkb_facts_set(jkb_facts *f, const char *name, jkb_tri v, const char *why)
{
    if (!f || !name || v > JKB_YES)
        return JKB_EINVAL;
    fact_val *fv;
    jkb_status rc = base_of(f, name, FT_TRI, &fv);
    if (rc == JKB_OK) {
        fv->tri = v;
        fv->overridden = true;
        fv->given = keep(f, why);
        fv->field = -1;
        fv->span.start = fv->span.end = 0;
        fv->text = NULL;
        return JKB_OK;
    }
    if (rc != JKB_ENOTFOUND)
        return rc;
    int row = jkb_rules_row_find(f->rules, name, strlen(name));
    if (row < 0)
        return JKB_ENOTFOUND;
    for (size_t i = 0; i < f->over.n; i++) {
        row_override *o = &JKB_VEC_AT(&f->over, row_override, i);
        if (o->row == row) {
            o->v = v;
            o->given = keep(f, why);
            return JKB_OK;
        }
    }
    row_override *o = jkb_vec_push(&f->over);
    if (!o)
        return JKB_ENOMEM;
    o->row = row;
    o->v = v;
    o->given = keep(f, why);
    return o->given ? JKB_OK : JKB_ENOMEM;
}

jkb_status jkb_facts_set_date(jkb_facts *f, const char *name, jkb_date d, int hour, int minute, int utc_offset_min,
                              const char *why)
{
    fact_val *fv;
    jkb_status rc = base_of(f, name, FT_DATE, &fv);
    if (rc)
        return rc;
    if (!jkb_date_valid(d.y, d.m, d.d) || hour > 23 || minute < 0 || minute > 59 || utc_offset_min < -16 * 60 ||
        utc_offset_min > 16 * 60)
        return JKB_EINVAL;
    memset(fv, 0, sizeof *fv);
    fv->tri = JKB_YES;
    fv->has_date = true;
    fv->date = d;
    fv->minute = hour < 0 ? -1 : hour * 60 + minute;
    fv->off = utc_offset_min;
    fv->has_off = hour >= 0;
    fv->field = fv->item = -1;
    fv->overridden = true;
    fv->given = keep(f, why);
    return JKB_OK;
}

jkb_status jkb_facts_set_count(jkb_facts *f, const char *name, jkb_count cnt, const char *why)
{
    fact_val *fv;
    jkb_status rc = base_of(f, name, FT_COUNT, &fv);
    if (rc)
        return rc;
    if (cnt.n < 0)
        return JKB_EINVAL;
    memset(fv, 0, sizeof *fv);
    fv->tri = JKB_YES;
    fv->count = cnt;
    if (fv->count.qualifier < 0)
        fv->count.qualifier = JKB_QUAL_EXACT;
    fv->field = fv->item = -1;
    fv->minute = -1;
    fv->overridden = true;
    fv->given = keep(f, why);
    return JKB_OK;
}

jkb_tri jkb_facts_get(const jkb_facts *f, const char *name)
{
    if (!f || !name)
        return JKB_UNK;
    int i = jkb_rules_fact_find(f->rules, name, strlen(name));
    return i < 0 ? JKB_UNK : f->v[i].tri;
}
