/*
 * JSON output of a record: the fields in record.md's order with plain values,
 * then the "evidence" object (by field, and by item for sets and lists) with
 * byte spans into the document text, then "source". Streams through the
 * caller's write callback; no allocation.
 */
#include <stdio.h>
#include <string.h>

#include "jsonw.h"
#include "jikenbo/jikenbo.h"
#include "util.h"

typedef jkb_jw w;

void jkb_jw_flush(w *o)
{
    if (o->n && !o->failed && o->fn(o->buf, o->n, o->ud))
        o->failed = 1;
    o->n = 0;
}

void jkb_jw_put_slow(w *o, const char *p, size_t n)
{
    while (n) {
        if (o->n == sizeof o->buf)
            jkb_jw_flush(o);
        size_t k = sizeof o->buf - o->n;
        if (k > n)
            k = n;
        memcpy(o->buf + o->n, p, k);
        o->n += k;
        p += k;
        n -= k;
    }
}

void jkb_jw_puts(w *o, const char *s) { jkb_jw_put(o, s, strlen(s)); }

/* Length of the valid UTF-8 sequence at s[i] (RFC 3629), or 0. */
static size_t u8valid(const char *s, size_t n, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    size_t k = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (!k || i + k > n)
        return 0;
    for (size_t j = 1; j < k; j++)
        if (((unsigned char)s[i + j] & 0xC0) != 0x80)
            return 0;
    unsigned char c1 = (unsigned char)s[i + 1];
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90))
        return 0;
    return k;
}

/* A JSON string: escapes, and U+FFFD for bytes that are not UTF-8, so the
 * output stays valid JSON whatever the document held. */
void jkb_jw_str(w *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    jkb_jw_put(o, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            size_t k = u8valid(s, n, i);
            if (k) {
                i += k - 1;
                continue;
            }
            jkb_jw_put(o, s + run, i - run);
            jkb_jw_put(o, "\xEF\xBF\xBD", 3);
            run = i + 1;
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7F)
            continue;
        jkb_jw_put(o, s + run, i - run);
        run = i + 1;
        char e[8];
        switch (c) {
        case '"': jkb_jw_put(o, "\\\"", 2); break;
        case '\\': jkb_jw_put(o, "\\\\", 2); break;
        case '\n': jkb_jw_put(o, "\\n", 2); break;
        case '\t': jkb_jw_put(o, "\\t", 2); break;
        case '\r': jkb_jw_put(o, "\\r", 2); break;
        default:
            e[0] = '\\'; e[1] = 'u'; e[2] = '0'; e[3] = '0';
            e[4] = hex[c >> 4]; e[5] = hex[c & 15];
            jkb_jw_put(o, e, 6);
        }
    }
    jkb_jw_put(o, s + run, n - run);
    jkb_jw_put(o, "\"", 1);
}

/* Text of the document between two offsets (jkb_jw_str() keeps it valid). */
static void doc_str(w *o, const char *doc, jkb_span sp) { jkb_jw_str(o, doc + sp.start, sp.end - sp.start); }

void jkb_jw_num(w *o, long long v)
{
    char b[24];
    size_t k = sizeof b;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        b[--k] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        b[--k] = '-';
    jkb_jw_put(o, b + k, sizeof b - k);
}

void jkb_jw_nl(w *o, int depth)
{
    if (!o->pretty)
        return;
    jkb_jw_put(o, "\n", 1);
    for (int i = 0; i < depth; i++)
        jkb_jw_put(o, "  ", 2);
}

static void key(w *o, int *first, int depth, const char *k)
{
    if (!*first)
        jkb_jw_put(o, ",", 1);
    *first = 0;
    jkb_jw_nl(o, depth);
    jkb_jw_put(o, "\"", 1);
    jkb_jw_puts(o, k);
    jkb_jw_put(o, o->pretty ? "\": " : "\":", o->pretty ? 3 : 2);
}

static void date(w *o, jkb_date d)
{
    if (!d.y || d.y < 0 || d.y > 9999 || d.m < 0 || d.m > 99 || d.d < 0 || d.d > 99) {
        jkb_jw_puts(o, "null");
        return;
    }
    char b[12] = {'"', (char)('0' + d.y / 1000), (char)('0' + d.y / 100 % 10), (char)('0' + d.y / 10 % 10),
                  (char)('0' + d.y % 10), '-', (char)('0' + d.m / 10), (char)('0' + d.m % 10), '-',
                  (char)('0' + d.d / 10), (char)('0' + d.d % 10), '"'};
    jkb_jw_put(o, b, sizeof b);
}

static void strv(w *o, jkb_strv v)
{
    if (!v.s)
        jkb_jw_puts(o, "null");
    else
        jkb_jw_str(o, v.s, v.len);
}

static void set(w *o, uint32_t mask, const char *(*keyfn)(int))
{
    jkb_jw_put(o, "[", 1);
    int first = 1;
    for (int i = 0; keyfn(i); i++) {
        if (!(mask & (1u << i)))
            continue;
        if (!first)
            jkb_jw_put(o, o->pretty ? ", " : ",", o->pretty ? 2 : 1);
        first = 0;
        jkb_jw_puts(o, "\"");
        jkb_jw_puts(o, keyfn(i));
        jkb_jw_puts(o, "\"");
    }
    jkb_jw_put(o, "]", 1);
}

static void list(w *o, const jkb_strv *v, size_t n)
{
    jkb_jw_put(o, "[", 1);
    for (size_t i = 0; i < n; i++) {
        if (i)
            jkb_jw_put(o, o->pretty ? ", " : ",", o->pretty ? 2 : 1);
        jkb_jw_str(o, v[i].s, v[i].len);
    }
    jkb_jw_put(o, "]", 1);
}

static void enum_or_null(w *o, const char *k)
{
    if (!k) {
        jkb_jw_puts(o, "null");
        return;
    }
    jkb_jw_put(o, "\"", 1);
    jkb_jw_puts(o, k);
    jkb_jw_put(o, "\"", 1);
}

static void span(w *o, const char *doc, jkb_span sp)
{
    jkb_jw_put(o, "{\"start\":", 9);
    jkb_jw_num(o, (long long)sp.start - (long long)o->base);
    jkb_jw_put(o, ",\"end\":", 7);
    jkb_jw_num(o, (long long)sp.end - (long long)o->base);
    jkb_jw_put(o, ",\"text\":", 8);
    doc_str(o, doc, sp);
    jkb_jw_put(o, "}", 1);
}

/* The spans of one field (and one item), as a JSON array. */
static void spans(w *o, const jkb_record *r, const char *doc, int field, int item)
{
    jkb_jw_put(o, "[", 1);
    int first = 1;
    for (size_t i = 0; i < r->n_evidence; i++) {
        const jkb_evidence *e = &r->evidence[i];
        if (e->field != field || (item >= 0 && e->item != item))
            continue;
        if (!first)
            jkb_jw_put(o, ",", 1);
        first = 0;
        span(o, doc, e->span);
    }
    jkb_jw_put(o, "]", 1);
}

static int has_ev(const jkb_record *r, int field)
{
    for (size_t i = 0; i < r->n_evidence; i++)
        if (r->evidence[i].field == field)
            return 1;
    return 0;
}

static void evidence(w *o, const jkb_record *r, const char *doc, int depth)
{
    jkb_jw_put(o, "{", 1);
    int first = 1;
    for (int f = 0; f < JKB_F__COUNT; f++) {
        if (!has_ev(r, f))
            continue;
        key(o, &first, depth + 1, jkb_field_key(f));
        const char *(*keyfn)(int) = NULL;
        switch (f) {
        case JKB_F_CATEGORIES: keyfn = jkb_category_key; break;
        case JKB_F_DATA_CLASSES: keyfn = jkb_data_class_key; break;
        case JKB_F_VECTORS: keyfn = jkb_vector_key; break;
        case JKB_F_AUTHORITIES: keyfn = jkb_authority_key; break;
        case JKB_F_MEASURES: keyfn = jkb_measure_key; break;
        default: break;
        }
        if (keyfn) {
            uint32_t mask = f == JKB_F_CATEGORIES ? r->categories : f == JKB_F_DATA_CLASSES ? r->data_classes
                          : f == JKB_F_VECTORS ? r->vectors : f == JKB_F_AUTHORITIES ? r->authorities : r->measures;
            jkb_jw_put(o, "{", 1);
            int f2 = 1;
            for (int v = 0; keyfn(v); v++) {
                if (!(mask & (1u << v)))
                    continue;
                key(o, &f2, depth + 2, keyfn(v));
                spans(o, r, doc, f, v);
            }
            jkb_jw_nl(o, depth + 1);
            jkb_jw_put(o, "}", 1);
        } else if (f == JKB_F_ACTORS || f == JKB_F_CVES || f == JKB_F_VICTIMS) {
            const jkb_strv *v = f == JKB_F_ACTORS ? r->actors : f == JKB_F_CVES ? r->cves : r->victims;
            size_t n = f == JKB_F_ACTORS ? r->n_actors : f == JKB_F_CVES ? r->n_cves : r->n_victims;
            jkb_jw_put(o, "{", 1);
            int f2 = 1;
            for (size_t k = 0; k < n; k++) {
                if (!f2)
                    jkb_jw_put(o, ",", 1);
                f2 = 0;
                jkb_jw_nl(o, depth + 2);
                jkb_jw_str(o, v[k].s, v[k].len);
                jkb_jw_put(o, o->pretty ? ": " : ":", o->pretty ? 2 : 1);
                spans(o, r, doc, f, (int)k);
            }
            jkb_jw_nl(o, depth + 1);
            jkb_jw_put(o, "}", 1);
        } else if (f == JKB_F_TIMELINE) {
            jkb_jw_put(o, "[", 1);
            for (size_t k = 0; k < r->n_timeline; k++) {
                if (k)
                    jkb_jw_put(o, ",", 1);
                jkb_jw_nl(o, depth + 2);
                spans(o, r, doc, f, (int)k);
            }
            jkb_jw_nl(o, depth + 1);
            jkb_jw_put(o, "]", 1);
        } else {
            spans(o, r, doc, f, -1);
        }
    }
    jkb_jw_nl(o, depth);
    jkb_jw_put(o, "}", 1);
}

jkb_status jkb_record_write_json(const jkb_record *r, const char *doc, const jkb_source *src, int flags,
                                 jkb_write_fn fn, void *ud)
{
    return jkb_record_write_json_at(r, doc, 0, src, flags, fn, ud);
}

jkb_status jkb_record_write_json_at(const jkb_record *r, const char *doc, int64_t base, const jkb_source *src, int flags,
                                    jkb_write_fn fn, void *ud)
{
    if (!r || !fn || (base > 0 && (uint64_t)base > r->extent.start))
        return JKB_EINVAL;
    w o;
    o.base = base;
    o.fn = fn;
    o.ud = ud;
    o.failed = 0;
    o.pretty = (flags & JKB_JSON_PRETTY) != 0;
    o.n = 0;
    int first = 1;
    int d = 1;
    jkb_jw_put(&o, "{", 1);
    key(&o, &first, d, "case_id");
    strv(&o, r->case_id);
    key(&o, &first, d, "title");
    strv(&o, r->title);
    key(&o, &first, d, "org");
    strv(&o, r->org);
    key(&o, &first, d, "org_kind");
    enum_or_null(&o, jkb_org_kind_key(r->org_kind));
    key(&o, &first, d, "published");
    date(&o, r->published);
    key(&o, &first, d, "report_no");
    if (r->report_no)
        jkb_jw_num(&o, r->report_no);
    else
        jkb_jw_puts(&o, "null");
    key(&o, &first, d, "categories");
    set(&o, r->categories, jkb_category_key);
    key(&o, &first, d, "affected");
    if (r->has_affected)
        jkb_jw_num(&o, r->affected);
    else
        jkb_jw_puts(&o, "null");
    key(&o, &first, d, "affected_qualifier");
    enum_or_null(&o, r->has_affected ? jkb_qualifier_key(r->affected_qualifier) : NULL);
    key(&o, &first, d, "data_classes");
    set(&o, r->data_classes, jkb_data_class_key);
    key(&o, &first, d, "leak_status");
    enum_or_null(&o, jkb_leak_key(r->leak_status));
    key(&o, &first, d, "actors");
    list(&o, r->actors, r->n_actors);
    key(&o, &first, d, "vectors");
    set(&o, r->vectors, jkb_vector_key);
    key(&o, &first, d, "cves");
    list(&o, r->cves, r->n_cves);
    key(&o, &first, d, "authorities");
    set(&o, r->authorities, jkb_authority_key);
    key(&o, &first, d, "timeline");
    jkb_jw_put(&o, "[", 1);
    for (size_t i = 0; i < r->n_timeline; i++) {
        const jkb_event *e = &r->timeline[i];
        if (i)
            jkb_jw_put(&o, ",", 1);
        jkb_jw_nl(&o, d + 1);
        jkb_jw_put(&o, "{\"event\":", 9);
        enum_or_null(&o, jkb_event_key(e->kind));
        jkb_jw_put(&o, ",\"date\":", 8);
        date(&o, e->date);
        if (e->date_end.y) {
            jkb_jw_put(&o, ",\"date_end\":", 12);
            date(&o, e->date_end);
        }
        if (e->kind == JKB_EV_REPORTED && e->to) {
            jkb_jw_put(&o, ",\"to\":", 6);
            o.pretty = 0;
            set(&o, e->to, jkb_authority_key);
            o.pretty = (flags & JKB_JSON_PRETTY) != 0;
        }
        jkb_jw_put(&o, "}", 1);
    }
    if (r->n_timeline)
        jkb_jw_nl(&o, d);
    jkb_jw_put(&o, "]", 1);
    key(&o, &first, d, "victims");
    list(&o, r->victims, r->n_victims);
    key(&o, &first, d, "secondary_damage");
    enum_or_null(&o, jkb_secondary_key(r->secondary_damage));
    key(&o, &first, d, "measures");
    set(&o, r->measures, jkb_measure_key);
    if (!(flags & JKB_JSON_NO_EVIDENCE)) {
        key(&o, &first, d, "evidence");
        evidence(&o, r, doc, d);
    }
    key(&o, &first, d, "source");
    o.pretty = 0;
    jkb_jw_put(&o, "{", 1);
    int f2 = 1;
    if (src && src->file) {
        key(&o, &f2, 0, "file");
        jkb_jw_str(&o, src->file, strlen(src->file));
    }
    if (src && src->url) {
        key(&o, &f2, 0, "url");
        jkb_jw_str(&o, src->url, strlen(src->url));
    }
    key(&o, &f2, 0, "index");
    jkb_jw_num(&o, (long long)r->index);
    jkb_jw_put(&o, "}", 1);
    o.pretty = (flags & JKB_JSON_PRETTY) != 0;
    jkb_jw_nl(&o, 0);
    jkb_jw_put(&o, "}", 1);
    jkb_jw_flush(&o);
    return o.failed ? JKB_EIO : JKB_OK;
}
