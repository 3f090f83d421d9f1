/*
 * The exporter: reads stored records (JSON), keeps them as notices, groups
 * them into incidents by incident key and merges their facts, then hands the
 * incidents to the STIX or MISP writer. Everything is sorted first, so the
 * output depends on the set of notices only, never on their order.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "export_internal.h"

#define MAX_NOTICES 10000000u

struct jkb_exporter {
    jkb_export_format fmt;
    jkb_export_opts opts;
    char *fallback;      /* owned copy of opts.fallback_date */
    int fallback_day;
    jkb_xnotice **v;
    size_t n, cap;
    json_t *seen;        /* notice key → true: duplicates are dropped */
    bool finished;
};

static const char *const format_keys[] = {"stix", "misp"};

const char *jkb_export_format_key(int fmt)
{
    return fmt >= 0 && fmt < JKB_EXPORT__COUNT ? format_keys[fmt] : NULL;
}

void jkb_xerr(jkb_err *err, jkb_status code, const char *fmt, ...)
{
    if (!err)
        return;
    err->code = code;
    err->offset = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

/* ---- days ---- */

static int days_in_month(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

/* "YYYY", "YYYY-MM" or "YYYY-MM-DD" (what record.md's dates may hold) to
 * yyyymmdd with missing parts as 1; 0 when it is none of these. */
static int parse_day(const char *s)
{
    int part[3] = {0, 1, 1};
    const int width[3] = {4, 2, 2};
    size_t i = 0;
    for (int k = 0; k < 3; k++) {
        if (k > 0) {
            if (s[i] == '\0')
                break;
            if (s[i] != '-')
                return 0;
            i++;
        }
        int v = 0;
        for (int j = 0; j < width[k]; j++, i++) {
            if (s[i] < '0' || s[i] > '9')
                return 0;
            v = v * 10 + (s[i] - '0');
        }
        part[k] = v;
    }
    if (s[i] != '\0' || part[0] < 1 || part[1] < 1 || part[1] > 12 || part[2] < 1 ||
        part[2] > days_in_month(part[0], part[1]))
        return 0;
    return part[0] * 10000 + part[1] * 100 + part[2];
}

/* Unsigned parts bound the widths, so the compiler can see they fit. */
void jkb_xday_date(int day, char *buf)
{
    unsigned u = (unsigned)day;
    snprintf(buf, 11, "%04u-%02u-%02u", u / 10000 % 10000, u / 100 % 100, u % 100);
}

void jkb_xday_ts(int day, char *buf)
{
    unsigned u = (unsigned)day;
    snprintf(buf, 25, "%04u-%02u-%02uT00:00:00.000Z", u / 10000 % 10000, u / 100 % 100, u % 100);
}

/* Days from 1970-01-01 (Howard Hinnant's days_from_civil). */
int64_t jkb_xday_epoch(int day)
{
    int64_t y = day / 10000, m = day / 100 % 100, d = day % 100;
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (era * 146097 + doe - 719468) * 86400;
}

/* ---- reading a record ---- */

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* A string member or NULL; false when the member is there but not a string
 * or null. */
static bool get_str(json_t *o, const char *k, const char **out)
{
    json_t *v = json_object_get(o, k);
    *out = json_is_string(v) ? json_string_value(v) : NULL;
    return !v || json_is_null(v) || json_is_string(v);
}

/* A set field (array of keys) as a bitmask; unknown keys are skipped (a newer
 * schema may add some). */
static bool get_set(json_t *o, const char *k, const char *(*table)(int), uint32_t *out)
{
    json_t *a = json_object_get(o, k);
    *out = 0;
    if (!a || json_is_null(a))
        return true;
    if (!json_is_array(a))
        return false;
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e) {
        if (!json_is_string(e))
            return false;
        int b = jkb_key_lookup(table, json_string_value(e), json_string_length(e));
        if (b >= 0 && b < 32)
            *out |= 1u << b;
    }
    return true;
}

static int get_enum(json_t *o, const char *k, const char *(*table)(int), int dflt)
{
    json_t *v = json_object_get(o, k);
    if (!json_is_string(v))
        return dflt;
    int e = jkb_key_lookup(table, json_string_value(v), json_string_length(v));
    return e >= 0 ? e : dflt;
}

/* A list of strings, borrowed from the record; empty strings are skipped. */
static jkb_status get_list(json_t *o, const char *k, const char ***out, size_t *n)
{
    json_t *a = json_object_get(o, k);
    *out = NULL;
    *n = 0;
    if (!a || json_is_null(a))
        return JKB_OK;
    if (!json_is_array(a))
        return JKB_EINVAL;
    if (json_array_size(a) == 0)
        return JKB_OK;
    *out = calloc(json_array_size(a), sizeof **out);
    if (!*out)
        return JKB_ENOMEM;
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e) {
        if (!json_is_string(e))
            return JKB_EINVAL;
        if (json_string_length(e) > 0)
            (*out)[(*n)++] = json_string_value(e);
    }
    return JKB_OK;
}

/* The day a notice speaks from: its published date, else the latest date it
 * gives (a notice is written after everything it dates), else January 1st of
 * its casebook number's year (2023-001), else the fallback. */
static int notice_day(json_t *rec, int fallback, bool *undated)
{
    *undated = false;
    const char *p = NULL;
    get_str(rec, "published", &p);
    int d = p ? parse_day(p) : 0;
    if (d)
        return d;
    json_t *tl = json_object_get(rec, "timeline"), *ev;
    size_t i;
    int best = 0;
    json_array_foreach(tl, i, ev) {
        const char *keys[2] = {"date", "date_end"};
        for (int k = 0; k < 2; k++) {
            const char *s = NULL;
            get_str(ev, keys[k], &s);
            int x = s ? parse_day(s) : 0;
            if (x > best)
                best = x;
        }
    }
    if (best)
        return best;
    *undated = true;
    const char *cid = NULL;
    get_str(rec, "case_id", &cid);
    if (cid && strlen(cid) > 5 && cid[4] == '-') {
        char y[11] = "YYYY-01-01";
        memcpy(y, cid, 4);
        int yd = parse_day(y);
        if (yd > 19000000)
            return yd;
    }
    return fallback;
}

/* The default notice key: SHA-1 of the record's values, keys sorted, without
 * the evidence (offsets move when a notice is rebased) and the source. */
static char *values_key(json_t *rec)
{
    json_t *c = json_copy(rec);
    if (!c)
        return NULL;
    json_object_del(c, "evidence");
    json_object_del(c, "source");
    char *s = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(c);
    if (!s)
        return NULL;
    jkb_sha1 h;
    unsigned char d[20];
    jkb_sha1_init(&h);
    jkb_sha1_update(&h, s, strlen(s));
    jkb_sha1_final(&h, d);
    free(s);
    char *out = malloc(6 + 41);
    if (out) {
        memcpy(out, "sha1:", 5);
        jkb_hex(d, 20, out + 5);
    }
    return out;
}

static void notice_free(jkb_xnotice *n)
{
    if (!n)
        return;
    json_decref(n->rec);
    json_decref(n->assessment);
    free(n->key);
    free(n->incident);
    free(n->source);
    free(n->actors);
    free(n->cves);
    free(n->victims);
    free(n);
}

static jkb_status read_notice(const jkb_exporter *x, const jkb_export_item *it, jkb_xnotice **out, jkb_err *err)
{
    jkb_status st = JKB_OK;
    json_error_t je;
    jkb_xnotice *n = calloc(1, sizeof *n);
    if (!n) {
        st = JKB_ENOMEM;
        goto out;
    }
    n->rec = json_loadb(it->record_json, it->len, JSON_REJECT_DUPLICATES, &je);
    if (!n->rec || !json_is_object(n->rec)) {
        st = JKB_EINVAL;
        if (n->rec)
            jkb_xerr(err, st, "a record must be a JSON object");
        else
            jkb_xerr(err, st, "record JSON: %s (at byte %d)", je.text, je.position);
        if (err && !n->rec)
            err->offset = (size_t)(je.position < 0 ? 0 : je.position);
        goto out;
    }
    json_t *r = n->rec;
    const char *pub = NULL;
    if (!get_str(r, "org", &n->org) || !get_str(r, "title", &n->title) || !get_str(r, "case_id", &n->case_id) ||
        !get_str(r, "published", &pub) || !get_set(r, "categories", jkb_category_key, &n->categories) ||
        !get_set(r, "data_classes", jkb_data_class_key, &n->data_classes) ||
        !get_set(r, "vectors", jkb_vector_key, &n->vectors)) {
        st = JKB_EINVAL;
        jkb_xerr(err, st, "record: a field has the wrong JSON type");
        goto out;
    }
    json_t *tl = json_object_get(r, "timeline");
    if (tl && !json_is_null(tl) && !json_is_array(tl)) {
        st = JKB_EINVAL;
        jkb_xerr(err, st, "record: timeline is not a list");
        goto out;
    }
    if ((st = get_list(r, "actors", &n->actors, &n->n_actors)) != JKB_OK ||
        (st = get_list(r, "cves", &n->cves, &n->n_cves)) != JKB_OK ||
        (st = get_list(r, "victims", &n->victims, &n->n_victims)) != JKB_OK) {
        if (st == JKB_EINVAL)
            jkb_xerr(err, st, "record: actors, cves and victims must be lists of strings");
        goto out;
    }
    if (n->org && n->org[0] == '\0')
        n->org = NULL;
    if (n->title && n->title[0] == '\0')
        n->title = NULL;
    if (n->case_id && n->case_id[0] == '\0')
        n->case_id = NULL;
    n->org_kind = get_enum(r, "org_kind", jkb_org_kind_key, JKB_ORG_NONE);
    n->leak = get_enum(r, "leak_status", jkb_leak_key, JKB_LEAK_UNKNOWN);
    n->secondary = get_enum(r, "secondary_damage", jkb_secondary_key, JKB_SEC_UNKNOWN);
    n->qualifier = get_enum(r, "affected_qualifier", jkb_qualifier_key, JKB_QUAL_NONE);
    json_t *a = json_object_get(r, "affected");
    if (json_is_integer(a) && json_integer_value(a) >= 0) {
        n->has_affected = true;
        n->affected = json_integer_value(a);
    }
    json_t *rn = json_object_get(r, "report_no");
    n->report_no = json_is_integer(rn) && json_integer_value(rn) > 0 && json_integer_value(rn) < 1000
                       ? (int)json_integer_value(rn) : 0;
    n->day = notice_day(r, x->fallback_day, &n->undated);
    if (it->assessment_json) {
        n->assessment = json_loadb(it->assessment_json, it->assessment_len, JSON_REJECT_DUPLICATES, &je);
        if (!n->assessment || !json_is_object(n->assessment) || !json_is_array(json_object_get(n->assessment, "obligations"))) {
            st = JKB_EINVAL;
            jkb_xerr(err, st, "assessment JSON: %s", n->assessment ? "not an assessment object" : je.text);
            goto out;
        }
    }

    n->key = it->notice_key && it->notice_key[0] ? xstrdup(it->notice_key) : values_key(r);
    if (!n->key) {
        st = JKB_ENOMEM;
        goto out;
    }
    n->incident = xstrdup(it->incident_key && it->incident_key[0] ? it->incident_key : n->key);
    if (!n->incident) {
        st = JKB_ENOMEM;
        goto out;
    }
    const char *src = it->source;
    if (!src) {
        json_t *so = json_object_get(r, "source");
        get_str(so, "url", &src);
        if (!src)
            get_str(so, "file", &src);
    }
    if (src && src[0] && !(n->source = xstrdup(src))) {
        st = JKB_ENOMEM;
        goto out;
    }
out:
    if (st != JKB_OK) {
        if (st == JKB_ENOMEM)
            jkb_xerr(err, st, "out of memory");
        notice_free(n);
        n = NULL;
    }
    *out = n;
    return st;
}

/* ---- names and sources ---- */

/* a, then sep, then b[0, lb): malloc'd. */
static char *join(const char *a, const char *sep, const char *b, size_t lb)
{
    size_t la = strlen(a), ls = strlen(sep);
    char *s = malloc(la + ls + lb + 1);
    if (!s)
        return NULL;
    memcpy(s, a, la);
    memcpy(s + la, sep, ls);
    memcpy(s + la + ls, b, lb);
    s[la + ls + lb] = '\0';
    return s;
}

char *jkb_xnotice_name(const jkb_xnotice *n)
{
    char day[11], buf[32];
    const char *a = n->org, *b = n->title;
    /* Whole strings, never a fixed buffer: a cut through a UTF-8 character
     * is a string jansson refuses, and the export would fail as out of
     * memory. */
    if (!a && !b) {
        if (n->case_id)
            return join("notice ", "", n->case_id, strlen(n->case_id));
        /* 12 bytes of the key, less a character they would cut */
        size_t lk = strlen(n->key);
        if (lk > 12) {
            lk = 12;
            while (lk && ((unsigned char)n->key[lk] & 0xC0) == 0x80)
                lk--;
        }
        return join("notice ", "", n->key, lk);
    }
    if (!b) {
        jkb_xday_date(n->day, day);
        snprintf(buf, sizeof buf, "notice of %s", day);
        b = buf;
    }
    if (!a)
        return xstrdup(b);
    return join(a, ": ", b, strlen(b));
}

char *jkb_xorg_key(const char *org)
{
    size_t n = strlen(org), o = 0;
    char *s = malloc(n + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (org[i] == ' ' || org[i] == '\t')
            continue;
        if (i + 2 < n && (unsigned char)org[i] == 0xE3 && (unsigned char)org[i + 1] == 0x80 &&
            (unsigned char)org[i + 2] == 0x80) { /* U+3000 */
            i += 2;
            continue;
        }
        s[o++] = org[i];
    }
    s[o] = '\0';
    return s;
}

const char *jkb_xsource(const jkb_xnotice *n, bool *is_url)
{
    const char *s = n->source;
    *is_url = false;
    if (!s)
        return NULL;
    if (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0) {
        *is_url = true;
        return s;
    }
    /* A local path says nothing outside this machine, and would make the
     * export differ between checkouts: only the base name goes out. */
    const char *slash = strrchr(s, '/');
    return slash && slash[1] ? slash + 1 : s;
}

/* ---- incidents ---- */

static int cmp_notice(const void *a, const void *b)
{
    const jkb_xnotice *x = *(jkb_xnotice *const *)a, *y = *(jkb_xnotice *const *)b;
    int c = strcmp(x->incident, y->incident);
    if (c)
        return c;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    if (x->report_no != y->report_no)
        return x->report_no < y->report_no ? -1 : 1;
    return strcmp(x->key, y->key);
}

static int cmp_incident(const void *a, const void *b)
{
    const jkb_xincident *x = a, *y = b;
    if (x->first_day != y->first_day)
        return x->first_day < y->first_day ? -1 : 1;
    return strcmp(x->key, y->key);
}

static bool has_str(const char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}

static jkb_status merge(jkb_xincident *inc)
{
    size_t na = 0, nc = 0, nv = 1;
    for (size_t i = 0; i < inc->n; i++) {
        na += inc->v[i]->n_actors;
        nc += inc->v[i]->n_cves;
        nv += inc->v[i]->n_victims;
    }
    if ((na && !(inc->actors = calloc(na, sizeof *inc->actors))) ||
        (nc && !(inc->cves = calloc(nc, sizeof *inc->cves))) || !(inc->victims = calloc(nv, sizeof *inc->victims)))
        return JKB_ENOMEM;
    inc->key = inc->v[0]->incident;
    inc->org_kind = JKB_ORG_NONE;
    inc->leak = JKB_LEAK_UNKNOWN;
    inc->secondary = JKB_SEC_UNKNOWN;
    inc->qualifier = JKB_QUAL_NONE;
    inc->first_day = inc->v[0]->day;
    inc->last_day = inc->v[inc->n - 1]->day;
    for (size_t i = 0; i < inc->n; i++) {
        const jkb_xnotice *n = inc->v[i];
        if (!inc->org && n->org) {
            inc->org = n->org;
            inc->org_kind = n->org_kind;
        }
        if (inc->org_kind == JKB_ORG_NONE && n->org_kind != JKB_ORG_NONE && (!n->org || n->org == inc->org))
            inc->org_kind = n->org_kind;
        inc->categories |= n->categories;
        inc->data_classes |= n->data_classes;
        inc->vectors |= n->vectors;
        /* Later notices correct earlier ones: the latest that knows wins. */
        if (n->leak != JKB_LEAK_UNKNOWN)
            inc->leak = n->leak;
        if (n->secondary != JKB_SEC_UNKNOWN)
            inc->secondary = n->secondary;
        if (n->has_affected) {
            inc->has_affected = true;
            inc->affected = n->affected;
            inc->qualifier = n->qualifier;
        }
        for (size_t k = 0; k < n->n_actors; k++)
            if (!has_str(inc->actors, inc->n_actors, n->actors[k]))
                inc->actors[inc->n_actors++] = n->actors[k];
        for (size_t k = 0; k < n->n_cves; k++)
            if (!has_str(inc->cves, inc->n_cves, n->cves[k]))
                inc->cves[inc->n_cves++] = n->cves[k];
        for (size_t k = 0; k < n->n_victims; k++)
            if (!has_str(inc->victims, inc->n_victims, n->victims[k]))
                inc->victims[inc->n_victims++] = n->victims[k];
    }
    inc->listed = inc->n_victims > 0;
    if (!inc->listed && inc->org)
        inc->victims[inc->n_victims++] = inc->org;
    uint32_t claim_only = 1u << JKB_CAT_LEAK_CLAIM | 1u << JKB_CAT_OTHER;
    inc->suspected = (inc->categories & (1u << JKB_CAT_LEAK_CLAIM)) && !(inc->categories & ~claim_only);
    /* Settled when the notices give both the count and whether data left. */
    inc->closed = inc->has_affected && (inc->leak == JKB_LEAK_CONFIRMED || inc->leak == JKB_LEAK_NONE);
    return JKB_OK;
}

/* ---- API ---- */

jkb_status jkb_export_new(jkb_export_format fmt, const jkb_export_opts *opts, jkb_exporter **out, jkb_err *err)
{
    jkb_status st = JKB_OK;
    jkb_exporter *x = NULL;
    if (!out || (int)fmt < 0 || fmt >= JKB_EXPORT__COUNT) {
        st = JKB_EINVAL;
        jkb_xerr(err, st, "export: unknown format");
        goto out;
    }
    x = calloc(1, sizeof *x);
    if (!x || !(x->seen = json_object())) {
        st = JKB_ENOMEM;
        jkb_xerr(err, st, "out of memory");
        goto out;
    }
    x->fmt = fmt;
    if (opts)
        x->opts = *opts;
    x->fallback_day = 19700101;
    if (x->opts.fallback_date) {
        x->fallback_day = parse_day(x->opts.fallback_date);
        if (!x->fallback_day || strlen(x->opts.fallback_date) != 10) {
            st = JKB_EINVAL;
            jkb_xerr(err, st, "export: fallback date must be YYYY-MM-DD: %.40s", x->opts.fallback_date);
            goto out;
        }
        if (!(x->fallback = xstrdup(x->opts.fallback_date))) {
            st = JKB_ENOMEM;
            jkb_xerr(err, st, "out of memory");
            goto out;
        }
        x->opts.fallback_date = x->fallback;
    }
    int d = x->opts.misp_distribution;
    if (d < 0 || d > 3) {
        st = JKB_EINVAL;
        jkb_xerr(err, st, "export: MISP distribution must be 0 to 3, not %d", d);
        goto out;
    }
out:
    if (st != JKB_OK) {
        jkb_export_free(x);
        x = NULL;
    }
    if (out)
        *out = x;
    return st;
}

jkb_status jkb_export_add(jkb_exporter *x, const jkb_export_item *item, jkb_err *err)
{
    jkb_status st = JKB_OK;
    jkb_xnotice *n = NULL;
    if (!x || !item || !item->record_json || x->finished) {
        st = JKB_EINVAL;
        jkb_xerr(err, st, x && x->finished ? "export: already finished" : "export: no record");
        goto out;
    }
    if (x->n >= MAX_NOTICES) {
        st = JKB_ETOOBIG;
        jkb_xerr(err, st, "export: more than %u notices", MAX_NOTICES);
        goto out;
    }
    if ((st = read_notice(x, item, &n, err)) != JKB_OK)
        goto out;
    if (json_object_get(x->seen, n->key))
        goto out; /* the same notice again */
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        jkb_xnotice **v = realloc(x->v, cap * sizeof *v);
        if (!v) {
            st = JKB_ENOMEM;
            jkb_xerr(err, st, "out of memory");
            goto out;
        }
        x->v = v;
        x->cap = cap;
    }
    if (json_object_set_new(x->seen, n->key, json_true()) != 0) {
        st = JKB_ENOMEM;
        jkb_xerr(err, st, "out of memory");
        goto out;
    }
    x->v[x->n++] = n;
    n = NULL;
out:
    notice_free(n);
    return st;
}

size_t jkb_export_count(const jkb_exporter *x) { return x ? x->n : 0; }

jkb_status jkb_export_finish(jkb_exporter *x, jkb_write_fn fn, void *ud, jkb_err *err)
{
    jkb_status st = JKB_OK;
    jkb_xset set = {0};
    if (!x || !fn || x->finished) {
        st = JKB_EINVAL;
        jkb_xerr(err, st, "export: finish called twice or without a writer");
        goto out;
    }
    x->finished = true;
    if (x->n)
        qsort(x->v, x->n, sizeof *x->v, cmp_notice);
    size_t ninc = 0;
    for (size_t i = 0; i < x->n; i++)
        if (i == 0 || strcmp(x->v[i]->incident, x->v[i - 1]->incident) != 0)
            ninc++;
    if (ninc && !(set.inc = calloc(ninc, sizeof *set.inc))) {
        st = JKB_ENOMEM;
        jkb_xerr(err, st, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < x->n; i++) {
        if (i == 0 || strcmp(x->v[i]->incident, x->v[i - 1]->incident) != 0)
            set.inc[set.n++].v = &x->v[i];
        set.inc[set.n - 1].n++;
    }
    for (size_t i = 0; i < set.n; i++)
        if ((st = merge(&set.inc[i])) != JKB_OK) {
            jkb_xerr(err, st, "out of memory");
            goto out;
        }
    if (set.n)
        qsort(set.inc, set.n, sizeof *set.inc, cmp_incident);
    set.opts = &x->opts;
    st = x->fmt == JKB_EXPORT_STIX ? jkb_stix_write(&set, fn, ud, err) : jkb_misp_write(&set, fn, ud, err);
out:
    for (size_t i = 0; i < set.n; i++) {
        free(set.inc[i].actors);
        free(set.inc[i].cves);
        free(set.inc[i].victims);
    }
    free(set.inc);
    return st;
}

void jkb_export_free(jkb_exporter *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->n; i++)
        notice_free(x->v[i]);
    free(x->v);
    json_decref(x->seen);
    free(x->fallback);
    free(x);
}

/* ---- output ---- */

typedef struct dump_ctx {
    jkb_write_fn fn;
    void *ud;
    bool failed;
} dump_ctx;

static int dump_cb(const char *buf, size_t size, void *data)
{
    dump_ctx *c = data;
    if (c->fn(buf, size, c->ud) != 0) {
        c->failed = true;
        return -1;
    }
    return 0;
}

jkb_status jkb_xdump(json_t *root, int flags, jkb_write_fn fn, void *ud, jkb_err *err)
{
    dump_ctx c = {fn, ud, false};
    size_t jf = (flags & JKB_EXPORT_PRETTY) ? JSON_INDENT(2) : JSON_COMPACT;
    if (json_dump_callback(root, dump_cb, &c, jf) != 0) {
        jkb_status st = c.failed ? JKB_EIO : JKB_ENOMEM;
        jkb_xerr(err, st, c.failed ? "export: writing the output failed" : "out of memory");
        return st;
    }
    if (fn("\n", 1, ud) != 0) {
        jkb_xerr(err, JKB_EIO, "export: writing the output failed");
        return JKB_EIO;
    }
    return JKB_OK;
}

/* ---- summaries ---- */

typedef struct sbuf {
    char *p;
    size_t len, cap;
    bool oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_keys(sbuf *b, const char *label, uint32_t mask, const char *(*table)(int))
{
    if (!mask)
        return;
    sb_str(b, label);
    const char *sep = "";
    for (int i = 0; i < 32; i++)
        if (mask & (1u << i) && table(i)) {
            sb_str(b, sep);
            sb_str(b, table(i));
            sep = ", ";
        }
    sb_str(b, ". ");
}

char *jkb_xincident_summary(const jkb_xincident *inc)
{
    sbuf b = {0};
    char num[64], d1[11], d2[11];
    sb_keys(&b, "Categories: ", inc->categories, jkb_category_key);
    if (inc->has_affected) {
        const char *q = jkb_qualifier_key(inc->qualifier);
        snprintf(num, sizeof num, "Affected: %lld%s%s%s. ", (long long)inc->affected, q ? " (" : "", q ? q : "",
                 q ? ")" : "");
        sb_str(&b, num);
    }
    sb_keys(&b, "Data: ", inc->data_classes, jkb_data_class_key);
    sb_str(&b, "Leak status: ");
    sb_str(&b, jkb_leak_key(inc->leak));
    sb_str(&b, ". ");
    if (inc->n_actors) {
        sb_str(&b, "Actors: ");
        for (size_t i = 0; i < inc->n_actors; i++) {
            sb_str(&b, i ? ", " : "");
            sb_str(&b, inc->actors[i]);
        }
        sb_str(&b, ". ");
    }
    jkb_xday_date(inc->first_day, d1);
    jkb_xday_date(inc->last_day, d2);
    if (inc->n == 1)
        snprintf(num, sizeof num, "Notices: 1, %s.", d1);
    else
        snprintf(num, sizeof num, "Notices: %zu, %s to %s.", inc->n, d1, d2);
    sb_str(&b, num);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

static const char *ostr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* " label value" when the member is a string. */
static void sb_field(sbuf *b, json_t *o, const char *label, const char *k)
{
    const char *v = ostr(o, k);
    if (v) {
        sb_str(b, label);
        sb_str(b, v);
    }
}

char *jkb_xassessment_text(const jkb_xnotice *n)
{
    sbuf b = {0};
    json_t *a = n->assessment;
    sb_str(&b, "**Reporting obligations** (jikenbo assessment of the notice's own words and dates; "
               "an unknown fact makes an obligation \"may_apply\", never \"no\")");
    sb_field(&b, a, ". Japanese regime: ", "regime_jp");
    sb_field(&b, a, ". Rules in force from ", "rule_set");
    sb_str(&b, ".\n\n");
    size_t i, shown = 0;
    json_t *o;
    json_array_foreach(json_object_get(a, "obligations"), i, o) {
        const char *applies = ostr(o, "applies");
        if (!json_is_object(o) || !applies || strcmp(applies, "no") == 0)
            continue;
        shown++;
        sb_str(&b, "- ");
        sb_str(&b, ostr(o, "id") ? ostr(o, "id") : "?");
        sb_field(&b, o, " (", "regime");
        sb_str(&b, ostr(o, "regime") ? "):" : ":");
        sb_field(&b, o, " ", "obligation");
        sb_field(&b, o, " to ", "recipient");
        sb_field(&b, o, " [", "cite");
        sb_str(&b, ostr(o, "cite") ? "]" : "");
        sb_str(&b, "; applies: ");
        sb_str(&b, applies);
        const char *dl = ostr(o, "deadline");
        if (dl && strcmp(dl, "none") != 0) {
            sb_field(&b, o, "; deadline ", "deadline");
            sb_field(&b, o, " from ", "clock");
            sb_field(&b, o, " ", "start");
        }
        sb_field(&b, o, "; due ", "due");
        sb_field(&b, o, "; due from ", "due_from");
        sb_field(&b, o, " to ", "due_to");
        sb_field(&b, o, "; done ", "done");
        sb_field(&b, o, "; status ", "status");
        sb_field(&b, o, " (were it to apply: ", "if_applies");
        sb_str(&b, ostr(o, "if_applies") ? ")" : "");
        sb_field(&b, o, ". ", "note");
        sb_str(&b, "\n");
    }
    if (!shown)
        sb_str(&b, "- none applies on what the notice says\n");
    json_array_foreach(json_object_get(a, "notes"), i, o) {
        if (json_is_string(o)) {
            sb_str(&b, i ? "" : "\nNotes:\n");
            sb_str(&b, "- ");
            sb_str(&b, json_string_value(o));
            sb_str(&b, "\n");
        }
    }
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

bool jkb_xis_cve(const char *s)
{
    if (strncmp(s, "CVE-", 4) != 0)
        return false;
    s += 4;
    for (int i = 0; i < 4; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    if (s[4] != '-')
        return false;
    s += 5;
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9')
        n++;
    return s[n] == '\0' && n >= 4 && (s[0] != '0' || n == 4);
}
