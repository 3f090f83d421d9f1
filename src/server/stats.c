/*
 * What the charts draw, as JSON, for the page (/api/stats, /api/stats/timing)
 * and the report alike: counts by a dimension, optionally split by another
 * (months stacked by category), the timing figures and the histogram of days
 * from detection to publication. Also the short form of a notice row.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

void jkb_row_json(jkb_wbuf *b, const jkb_notice_row *r)
{
    char pub[11];
    jkb_date_str(pub, r->published);
    jkb_wbuf_printf(b, "{\"id\":%lld,\"incident_id\":%lld,\"case_id\":", (long long)r->id, (long long)r->incident_id);
    jkb_wbuf_json_cstr(b, r->case_id);
    jkb_wbuf_puts(b, ",\"published\":");
    jkb_wbuf_json_cstr(b, pub[0] ? pub : NULL);
    jkb_wbuf_puts(b, ",\"title\":");
    jkb_wbuf_json_cstr(b, r->title);
    jkb_wbuf_puts(b, ",\"org\":");
    jkb_wbuf_json_cstr(b, r->org);
    jkb_wbuf_puts(b, ",\"org_kind\":");
    jkb_wbuf_json_cstr(b, jkb_org_kind_key(r->org_kind));
    jkb_wbuf_puts(b, ",\"categories\":");
    jkb_wbuf_json_keys(b, r->categories, jkb_category_key);
    jkb_wbuf_puts(b, ",\"data_classes\":");
    jkb_wbuf_json_keys(b, r->data_classes, jkb_data_class_key);
    jkb_wbuf_puts(b, ",\"authorities\":");
    jkb_wbuf_json_keys(b, r->authorities, jkb_authority_key);
    if (r->has_affected)
        jkb_wbuf_printf(b, ",\"affected\":%lld", (long long)r->affected);
    else
        jkb_wbuf_puts(b, ",\"affected\":null");
    jkb_wbuf_puts(b, ",\"source\":");
    jkb_wbuf_json_cstr(b, r->source);
    jkb_wbuf_add(b, "}", 1);
}

/* ------------------------------------------------------------ counts */

typedef struct stat_row {
    char *label;
    int64_t count;
} stat_row;

typedef struct stat_acc {
    stat_row *v;
    size_t n, cap;
    int64_t *split; /* n rows × n_vals, filled per split value */
    size_t n_vals, val;
    int failed;
} stat_acc;

static int collect(const char *label, int64_t count, void *ud)
{
    stat_acc *a = ud;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        stat_row *v = realloc(a->v, cap * sizeof *v);
        if (!v)
            goto fail;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n].label = strdup(label ? label : "");
    if (!a->v[a->n].label)
        goto fail;
    a->v[a->n++].count = count;
    return 0;
fail:
    a->failed = 1;
    return 1;
}

static int collect_split(const char *label, int64_t count, void *ud)
{
    stat_acc *a = ud;
    const char *l = label ? label : "";
    /* the rows of one value are a subset of the unsplit rows, in the same
     * order for months; a linear search is enough for the few hundred there are */
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i].label, l) == 0) {
            a->split[i * a->n_vals + a->val] = count;
            break;
        }
    return 0;
}

typedef struct present {
    char seen[32];
    const char *(*keys)(int);
} present;

static int note_present(const char *label, int64_t count, void *ud)
{
    present *p = ud;
    int v = label ? jkb_key_lookup(p->keys, label, strlen(label)) : -1;
    if (v >= 0 && v < 32 && count > 0)
        p->seen[v] = 1;
    return 0;
}

static const struct {
    const char *name;
    const char *(*keys)(int);
    int count;
    size_t off;
} SPLITS[] = {
    {"category", jkb_category_key, JKB_CAT__COUNT, offsetof(jkb_query, category)},
    {"org_kind", jkb_org_kind_key, JKB_ORG__COUNT, offsetof(jkb_query, org_kind)},
    {"data_class", jkb_data_class_key, JKB_DATA__COUNT, offsetof(jkb_query, data_class)},
    {"authority", jkb_authority_key, JKB_AUTH__COUNT, offsetof(jkb_query, authority)},
};

jkb_status jkb_stats_json(jkb_store *s, const jkb_query *q, const char *by, const char *split, int notices,
                          jkb_wbuf *b, jkb_err *err)
{
    stat_acc a;
    memset(&a, 0, sizeof a);
    int sp = -1;
    jkb_status st = JKB_OK;
    if (split) {
        for (size_t k = 0; k < sizeof SPLITS / sizeof SPLITS[0]; k++)
            if (strcmp(split, SPLITS[k].name) == 0)
                sp = (int)k;
        if (sp < 0 || strcmp(split, by) == 0) {
            if (err) {
                err->code = JKB_EINVAL;
                snprintf(err->msg, sizeof err->msg,
                         "split takes category, org_kind, data_class or authority, other than by");
            }
            return JKB_EINVAL;
        }
    }
    st = jkb_store_stats(s, by, q, notices, collect, &a, err);
    if (st == JKB_OK && a.failed)
        st = JKB_ENOMEM;
    if (st != JKB_OK)
        goto out;
    if (sp >= 0 && a.n) {
        a.n_vals = (size_t)SPLITS[sp].count;
        a.split = calloc(a.n * a.n_vals, sizeof *a.split);
        if (!a.split) {
            st = JKB_ENOMEM;
            goto out;
        }
        /* count by the split dimension first and ask again only for the
         * values that occur: most months hold a few of the categories */
        present p = {{0}, SPLITS[sp].keys};
        st = jkb_store_stats(s, SPLITS[sp].name, q, notices, note_present, &p, err);
        if (st != JKB_OK)
            goto out;
        for (size_t v = 0; v < a.n_vals; v++) {
            if (!p.seen[v])
                continue;
            jkb_query qv = *q;
            *(int *)(void *)((char *)&qv + SPLITS[sp].off) = (int)v;
            a.val = v;
            st = jkb_store_stats(s, by, &qv, notices, collect_split, &a, err);
            if (st != JKB_OK)
                goto out;
        }
    }
    jkb_wbuf_puts(b, "{\"by\":");
    jkb_wbuf_json_cstr(b, by);
    jkb_wbuf_puts(b, ",\"split\":");
    jkb_wbuf_json_cstr(b, sp >= 0 ? SPLITS[sp].name : NULL);
    jkb_wbuf_printf(b, ",\"counting\":\"%s\",\"rows\":[", notices ? "notices" : "incidents");
    for (size_t i = 0; i < a.n; i++) {
        jkb_wbuf_puts(b, i ? ",{\"label\":" : "{\"label\":");
        jkb_wbuf_json_cstr(b, a.v[i].label);
        jkb_wbuf_printf(b, ",\"count\":%lld", (long long)a.v[i].count);
        if (a.split) {
            jkb_wbuf_puts(b, ",\"split\":{");
            int first = 1;
            for (size_t v = 0; v < a.n_vals; v++) {
                int64_t c = a.split[i * a.n_vals + v];
                if (!c)
                    continue;
                if (!first)
                    jkb_wbuf_add(b, ",", 1);
                jkb_wbuf_json_cstr(b, SPLITS[sp].keys((int)v));
                jkb_wbuf_printf(b, ":%lld", (long long)c);
                first = 0;
            }
            jkb_wbuf_add(b, "}", 1);
        }
        jkb_wbuf_add(b, "}", 1);
    }
    jkb_wbuf_puts(b, "]}");
out:
    if (st == JKB_ENOMEM && err) {
        err->code = st;
        snprintf(err->msg, sizeof err->msg, "out of memory while counting");
    }
    for (size_t i = 0; i < a.n; i++)
        free(a.v[i].label);
    free(a.v);
    free(a.split);
    return st;
}

/* ------------------------------------------------------------ timing */

/* Days since 1970-01-01 (H. Hinnant's days_from_civil); full dates only. */
static int64_t civil_days(jkb_date d)
{
    int64_t y = d.y - (d.m <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = (d.m + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + d.d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* "2023-04-05" → a full date, or y == 0. */
static jkb_date parse_day(const char *s)
{
    jkb_date d = {0, 0, 0};
    if (!s || strlen(s) != 10 || jkb_parse_when(s, 10, &d) != 0 || !d.d)
        d.y = 0;
    return d;
}

#define NO_DAY INT64_MIN

typedef struct inc_days {
    int64_t incident, detected, published;
} inc_days;

typedef struct hist_acc {
    inc_days *v;
    size_t n, cap;
    int failed;
} hist_acc;

static void keep_min(int64_t *slot, int64_t d)
{
    if (*slot == NO_DAY || d < *slot)
        *slot = d;
}

/* The record's top-level timeline: the writer puts it before "evidence",
 * whose own "timeline" key comes later, so the first one is the list of
 * events. Parsing that array alone skips the evidence, most of the record. */
static json_t *timeline_of(const char *rec)
{
    const char *p = rec ? strstr(rec, "\"timeline\":") : NULL;
    if (!p)
        return NULL;
    p += 11;
    json_error_t je;
    json_t *tl = json_loadb(p, strlen(p), JSON_DISABLE_EOF_CHECK, &je);
    if (tl && !json_is_array(tl)) {
        json_decref(tl);
        tl = NULL;
    }
    return tl;
}

/* Both dates are the earliest over the incident's notices, as
 * jkb_store_timing counts them, so the histogram and the medians agree. */
static int hist_row(const jkb_notice_row *r, void *ud)
{
    hist_acc *a = ud;
    int64_t det = NO_DAY, pub = NO_DAY;
    if (r->published.y && r->published.m && r->published.d)
        pub = civil_days(r->published);
    json_t *tl = timeline_of(r->record_json);
    size_t i;
    json_t *ev;
    json_array_foreach(tl, i, ev)
    {
        const char *kind = json_string_value(json_object_get(ev, "event"));
        jkb_date d = parse_day(json_string_value(json_object_get(ev, "date")));
        if (!kind || !d.y)
            continue;
        if (strcmp(kind, "detected") == 0)
            keep_min(&det, civil_days(d));
        else if (strcmp(kind, "published") == 0)
            keep_min(&pub, civil_days(d));
    }
    json_decref(tl);
    if (det == NO_DAY && pub == NO_DAY)
        return 0;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 1024;
        inc_days *v = realloc(a->v, cap * sizeof *v);
        if (!v) {
            a->failed = 1;
            return 1;
        }
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = (inc_days){r->incident_id, det, pub};
    return 0;
}

static int by_incident(const void *x, const void *y)
{
    const inc_days *a = x, *b = y;
    return a->incident < b->incident ? -1 : a->incident > b->incident;
}

static const struct {
    const char *label;
    int64_t lo, hi;
} BINS[] = {
    {"0", 0, 0},         {"1-3", 1, 3},       {"4-7", 4, 7},         {"8-14", 8, 14},   {"15-30", 15, 30},
    {"31-60", 31, 60},   {"61-90", 61, 90},   {"91-180", 91, 180},   {"181-365", 181, 365},
    {"366+", 366, INT64_MAX},
};

typedef struct timing_out {
    jkb_wbuf *b;
    int n;
} timing_out;

static int timing_row(const jkb_timing *t, void *ud)
{
    timing_out *o = ud;
    jkb_wbuf *b = o->b;
    jkb_wbuf_puts(b, o->n++ ? ",{\"name\":" : "{\"name\":");
    jkb_wbuf_json_cstr(b, t->name);
    jkb_wbuf_printf(b, ",\"n\":%zu", t->n);
    if (isnan(t->median))
        jkb_wbuf_puts(b, ",\"median\":null,\"p90\":null}");
    else
        jkb_wbuf_printf(b, ",\"median\":%.1f,\"p90\":%.1f}", t->median, t->p90);
    return 0;
}

jkb_status jkb_timing_json(jkb_store *s, const jkb_query *q, jkb_wbuf *b, jkb_err *err)
{
    hist_acc a = {NULL, 0, 0, 0};
    jkb_query all = *q;
    all.limit = 0;
    all.offset = 0;
    jkb_wbuf_puts(b, "{\"timing\":[");
    timing_out o = {b, 0};
    jkb_status st = jkb_store_timing(s, q, timing_row, &o, err);
    if (st != JKB_OK)
        goto out;
    st = jkb_store_search(s, &all, hist_row, &a, NULL, err);
    if (st == JKB_OK && a.failed)
        st = JKB_ENOMEM;
    if (st != JKB_OK)
        goto out;
    if (a.n) /* qsort wants a pointer even for nothing */
        qsort(a.v, a.n, sizeof *a.v, by_incident);
    size_t counts[sizeof BINS / sizeof BINS[0]] = {0};
    size_t total = 0;
    for (size_t i = 0; i < a.n;) {
        int64_t det = NO_DAY, pub = NO_DAY;
        size_t j = i;
        for (; j < a.n && a.v[j].incident == a.v[i].incident; j++) {
            if (a.v[j].detected != NO_DAY)
                keep_min(&det, a.v[j].detected);
            if (a.v[j].published != NO_DAY)
                keep_min(&pub, a.v[j].published);
        }
        i = j;
        /* an interval that runs backwards is an extraction slip: left out, as the store does */
        if (det == NO_DAY || pub == NO_DAY || pub < det)
            continue;
        for (size_t k = 0; k < sizeof BINS / sizeof BINS[0]; k++)
            if (pub - det >= BINS[k].lo && pub - det <= BINS[k].hi) {
                counts[k]++;
                break;
            }
        total++;
    }
    jkb_wbuf_printf(b, "],\"histogram\":{\"name\":\"detected_to_published\",\"n\":%zu,\"bins\":[", total);
    for (size_t k = 0; k < sizeof BINS / sizeof BINS[0]; k++) {
        jkb_wbuf_puts(b, k ? ",{\"label\":" : "{\"label\":");
        jkb_wbuf_json_cstr(b, BINS[k].label);
        jkb_wbuf_printf(b, ",\"count\":%zu}", counts[k]);
    }
    jkb_wbuf_puts(b, "]}}");
out:
    if (st == JKB_ENOMEM && err) {
        err->code = st;
        snprintf(err->msg, sizeof err->msg, "out of memory while timing");
    }
    free(a.v);
    return st;
}
