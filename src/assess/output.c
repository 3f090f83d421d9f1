/*
 * The assessment as JSON (regulation.md 7.4, extended): the regime, the
 * rule set, the notice's dates, the derived facts, then the regimes,
 * triggers, obligations and flags, each with the reasons (facts, words with
 * their spans, rows) that gave its state. Streams through the caller's
 * write callback.
 */
#include <stdio.h>
#include <string.h>

#include "assess_internal.h"
#include "jsonw.h"

typedef jkb_jw w;

/* A JSON string, or null for NULL. */
static void str(w *o, const char *s)
{
    if (!s)
        jkb_jw_puts(o, "null");
    else
        jkb_jw_str(o, s, strlen(s));
}

static void date(w *o, jkb_date d)
{
    char b[16];
    int k = snprintf(b, sizeof b, "\"%04d-%02d-%02d\"", d.y, d.m, d.d);
    jkb_jw_put(o, b, (size_t)k);
}

static void key(w *o, int *first, const char *k)
{
    if (!*first)
        jkb_jw_put(o, ",", 1);
    *first = 0;
    str(o, k);
    jkb_jw_put(o, ":", 1);
}


static const char *item_key(int field, int item)
{
    switch (field) {
    case JKB_F_CATEGORIES:
        return jkb_category_key(item);
    case JKB_F_DATA_CLASSES:
        return jkb_data_class_key(item);
    case JKB_F_VECTORS:
        return jkb_vector_key(item);
    case JKB_F_AUTHORITIES:
        return jkb_authority_key(item);
    case JKB_F_MEASURES:
        return jkb_measure_key(item);
    default:
        return NULL;
    }
}

static void reasons(w *o, const jkb_verdict *v)
{
    jkb_jw_put(o, "[", 1);
    for (size_t i = 0; i < v->n_because; i++) {
        const jkb_reason *r = &v->because[i];
        int first = 1;
        if (i)
            jkb_jw_put(o, ",", 1);
        jkb_jw_put(o, "{", 1);
        key(o, &first, r->is_rule ? "rule" : "fact");
        str(o, r->fact);
        key(o, &first, "state");
        str(o, jkb_tri_key(r->state));
        if (r->detail) {
            key(o, &first, "detail");
            str(o, r->detail);
        }
        if (r->field >= 0 && jkb_field_key(r->field)) {
            key(o, &first, "field");
            str(o, jkb_field_key(r->field));
            if (r->item >= 0) {
                key(o, &first, "item");
                const char *ik = item_key(r->field, r->item);
                if (ik)
                    str(o, ik);
                else
                    jkb_jw_num(o, r->item);
            }
        }
        if (r->span.end > r->span.start) {
            key(o, &first, "start");
            jkb_jw_num(o, r->span.start);
            key(o, &first, "end");
            jkb_jw_num(o, r->span.end);
        }
        if (r->text) {
            key(o, &first, "text");
            str(o, r->text);
        }
        jkb_jw_put(o, "}", 1);
    }
    jkb_jw_put(o, "]", 1);
}

static const char *applies_key(jkb_tri t) { return t == JKB_YES ? "yes" : t == JKB_NO ? "no" : "may_apply"; }

static void verdict(w *o, const jkb_verdict *v)
{
    int first = 1;
    jkb_jw_put(o, "{", 1);
    key(o, &first, "id");
    str(o, v->id);
    if (v->kind != JKB_VK_REGIME && v->regime) {
        key(o, &first, "regime");
        str(o, v->regime);
    }
    if (v->kind == JKB_VK_DUTY) {
        key(o, &first, "obligation");
        str(o, v->obligation);
        key(o, &first, "recipient");
        str(o, v->recipient);
        key(o, &first, "applies");
        str(o, applies_key(v->state));
    } else {
        key(o, &first, "state");
        str(o, jkb_tri_key(v->state));
    }
    if (v->kind != JKB_VK_REGIME) {
        key(o, &first, "basis");
        str(o, v->basis);
        key(o, &first, "cite");
        str(o, v->cite);
    }
    if (v->kind == JKB_VK_DUTY) {
        key(o, &first, "clock");
        str(o, v->clock);
        key(o, &first, "start");
        if (v->start.y)
            date(o, v->start);
        else
            jkb_jw_puts(o, "null");
        key(o, &first, "deadline");
        str(o, v->deadline);
        if (v->due_from.y) {
            key(o, &first, "due_from");
            date(o, v->due_from);
            key(o, &first, "due_to");
            date(o, v->due_to);
        } else {
            key(o, &first, "due");
            if (v->due.y && v->due_minute >= 0) {
                char b[32];
                int k = snprintf(b, sizeof b, "\"%04d-%02d-%02dT%02d:%02dZ\"", v->due.y, v->due.m, v->due.d,
                                 v->due_minute / 60, v->due_minute % 60);
                jkb_jw_put(o, b, (size_t)k);
            } else if (v->due.y) {
                date(o, v->due);
            } else {
                jkb_jw_puts(o, "null");
            }
        }
        key(o, &first, "done");
        if (v->done.y)
            date(o, v->done);
        else
            jkb_jw_puts(o, "null");
        if (v->done_bound) {
            key(o, &first, "done_bound");
            jkb_jw_puts(o, "true");
        }
        key(o, &first, "status");
        str(o, jkb_deadline_status_key(v->status));
        if (v->state == JKB_UNK && v->if_applies != v->status) {
            key(o, &first, "if_applies");
            str(o, jkb_deadline_status_key(v->if_applies));
        }
        if (v->late_by) {
            key(o, &first, "late_by");
            jkb_jw_num(o, v->late_by);
            key(o, &first, "late_unit");
            str(o, v->deadline && strncmp(v->deadline, "bdays", 5) == 0   ? "business_days"
                   : v->deadline && strncmp(v->deadline, "hours", 5) == 0 ? "hours"
                                                                          : "days");
        }
    }
    if (v->note) {
        key(o, &first, "note");
        str(o, v->note);
    }
    key(o, &first, "because");
    reasons(o, v);
    jkb_jw_put(o, "}", 1);
}

static void section(w *o, const jkb_assessment *a, int *first, const char *name, int kind)
{
    key(o, first, name);
    jkb_jw_put(o, "[", 1);
    int n = 0;
    for (size_t i = 0; i < a->verdicts.n; i++) {
        const jkb_verdict *v = &JKB_VEC_AT(&a->verdicts, jkb_verdict, i);
        if (v->kind != kind && !(kind == JKB_VK_TRIGGER && v->kind == JKB_VK_SCOPE))
            continue;
        if (n++)
            jkb_jw_put(o, ",", 1);
        jkb_jw_nl(o, 2);
        verdict(o, v);
    }
    if (n)
        jkb_jw_nl(o, 1);
    jkb_jw_put(o, "]", 1);
}

size_t jkb_assessment_brief(const jkb_assessment *a, char *buf, size_t cap)
{
    size_t n = 0;
    if (!buf || !cap)
        return 0;
    buf[0] = '\0';
    for (size_t i = 0; a && i < a->verdicts.n; i++) {
        const jkb_verdict *v = &JKB_VEC_AT(&a->verdicts, jkb_verdict, i);
        if (v->kind != JKB_VK_DUTY || v->state == JKB_NO)
            continue;
        char item[160];
        int k = snprintf(item, sizeof item, "%s%s:%s:%s", n ? ";" : "", v->id, applies_key(v->state),
                         jkb_deadline_status_key(v->status));
        if (k < 0 || (size_t)k >= sizeof item || n + (size_t)k + 1 > cap)
            break;
        memcpy(buf + n, item, (size_t)k + 1);
        n += (size_t)k;
    }
    return n;
}

jkb_status jkb_assessment_write_json(const jkb_assessment *a, int flags, jkb_write_fn fn, void *ud)
{
    if (!a || !fn)
        return JKB_EINVAL;
    w o;
    memset(&o, 0, sizeof o);
    o.fn = fn;
    o.ud = ud;
    o.pretty = (flags & JKB_JSON_PRETTY) != 0;
    int first = 1;
    jkb_jw_put(&o, "{", 1);
    jkb_jw_nl(&o, 1);
    key(&o, &first, "regime_jp");
    str(&o, a->regime_jp);
    key(&o, &first, "rule_set");
    if (a->rule_set.y)
        date(&o, a->rule_set);
    else
        jkb_jw_puts(&o, "null");
    jkb_jw_nl(&o, 1);
    key(&o, &first, "dates");
    jkb_jw_put(&o, "{", 1);
    int f2 = 1;
    for (size_t i = 0; i < a->dates.n; i++) {
        const date_out *d = &JKB_VEC_AT(&a->dates, date_out, i);
        if (d->bound)
            continue;
        key(&o, &f2, d->name);
        if (d->minute >= 0) {
            char b[48];
            int k = snprintf(b, sizeof b, "\"%04d-%02d-%02dT%02d:%02d%+03d:%02d\"", d->d.y, d->d.m, d->d.d, d->minute / 60,
                             d->minute % 60, d->off / 60, (d->off < 0 ? -d->off : d->off) % 60);
            jkb_jw_put(&o, b, (size_t)k);
        } else {
            date(&o, d->d);
        }
    }
    jkb_jw_put(&o, "}", 1);
    key(&o, &first, "bounds");
    jkb_jw_put(&o, "{", 1);
    f2 = 1;
    for (size_t i = 0; i < a->dates.n; i++) {
        const date_out *d = &JKB_VEC_AT(&a->dates, date_out, i);
        if (!d->bound)
            continue;
        key(&o, &f2, d->name);
        date(&o, d->d);
    }
    jkb_jw_put(&o, "}", 1);
    key(&o, &first, "published_after_aware_days");
    if (a->has_paa)
        jkb_jw_num(&o, a->paa);
    else
        jkb_jw_puts(&o, "null");
    jkb_jw_nl(&o, 1);
    key(&o, &first, "count");
    if (a->has_count) {
        static const char *const units[] = {"unknown", "people", "records"};
        static const char *const bounds[] = {"unknown", "incl", "excl"};
        int f3 = 1;
        jkb_jw_put(&o, "{", 1);
        key(&o, &f3, "n");
        jkb_jw_num(&o, a->count.n);
        key(&o, &f3, "qualifier");
        str(&o, jkb_qualifier_key(a->count.qualifier));
        key(&o, &f3, "unit");
        str(&o, units[a->count.unit >= 0 && a->count.unit <= 2 ? a->count.unit : 0]);
        if (a->count.qualifier == JKB_QUAL_LOWER) {
            key(&o, &f3, "bound");
            str(&o, bounds[a->count.bound >= 0 && a->count.bound <= 2 ? a->count.bound : 0]);
        }
        jkb_jw_put(&o, "}", 1);
    } else {
        jkb_jw_puts(&o, "null");
    }
    jkb_jw_nl(&o, 1);
    key(&o, &first, "facts");
    jkb_jw_put(&o, "{", 1);
    f2 = 1;
    for (size_t i = 0; i < a->facts.n; i++) {
        const fact_state *fs = &JKB_VEC_AT(&a->facts, fact_state, i);
        key(&o, &f2, fs->name);
        str(&o, jkb_tri_key(fs->tri));
    }
    jkb_jw_put(&o, "}", 1);
    jkb_jw_nl(&o, 1);
    section(&o, a, &first, "regimes", JKB_VK_REGIME);
    jkb_jw_nl(&o, 1);
    section(&o, a, &first, "triggers", JKB_VK_TRIGGER);
    jkb_jw_nl(&o, 1);
    section(&o, a, &first, "obligations", JKB_VK_DUTY);
    jkb_jw_nl(&o, 1);
    section(&o, a, &first, "flags", JKB_VK_FLAG);
    jkb_jw_nl(&o, 1);
    key(&o, &first, "notes");
    jkb_jw_put(&o, "[", 1);
    for (size_t i = 0; i < a->notes.n; i++) {
        if (i)
            jkb_jw_put(&o, ",", 1);
        str(&o, JKB_VEC_AT(&a->notes, const char *, i));
    }
    jkb_jw_put(&o, "]", 1);
    jkb_jw_nl(&o, 0);
    jkb_jw_put(&o, "}", 1);
    jkb_jw_flush(&o);
    return o.failed ? JKB_EIO : JKB_OK;
}
