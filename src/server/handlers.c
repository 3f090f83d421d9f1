/*
 * The JSON API: a page of notices, one notice with its text, evidence and
 * incident, counts and timing for the charts, exports (NDJSON, CSV, STIX,
 * MISP) and POST /api/notices, which reads a notice (text, HTML, PDF),
 * extracts its record and keeps it. docs/http-api.md describes each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jikenbo/assess.h"
#include "jikenbo/export.h"
#include "jikenbo/ingest.h"
#include "server.h"

#define PER_PAGE_DEFAULT 20
#define PER_PAGE_MAX 100
#define PAGE_MAX 100000

/* ------------------------------------------------------------ parameters */

static void put_record(jkb_wbuf *b, const char *json)
{
    if (json)
        jkb_wbuf_json_raw(b, json, strlen(json));
    else
        jkb_wbuf_puts(b, "null");
}

typedef struct params {
    jkb_query q;
    const char *const *extra; /* other parameter names this route takes */
    const char *vals[8];      /* their values, in the order of extra */
    size_t lens[8];
    char why[400];
    int bad;
} params;

static int take_arg(const char *key, const char *v, size_t n, void *ud)
{
    params *p = ud;
    int r = jkb_query_set(&p->q, key, v ? v : "", v ? n : 0, p->why, sizeof p->why);
    if (r < 0) {
        p->bad = 1;
        return 1;
    }
    if (r > 0)
        return 0;
    for (size_t i = 0; p->extra && p->extra[i]; i++)
        if (strcmp(key, p->extra[i]) == 0) {
            p->vals[i] = v ? v : "";
            p->lens[i] = v ? n : 0;
            return 0;
        }
    /* a misspelt filter must not quietly widen the result */
    snprintf(p->why, sizeof p->why, "unknown parameter '%.60s'", key);
    p->bad = 1;
    return 1;
}

/* Filters and the route's own parameters; 0, or -1 after a 400 reply. */
static int read_params(const jkb_req *rq, params *p, const char *const *extra, int filters, jkb_reply *out)
{
    memset(p, 0, sizeof *p);
    jkb_query_init(&p->q);
    p->extra = extra;
    jkb_req_each_arg(rq, take_arg, p);
    if (!p->bad && !filters) {
        /* routes without filters take only their own parameters */
        jkb_query none;
        jkb_query_init(&none);
        if (p->q.text || p->q.actor || p->q.category >= 0 || p->q.org_kind >= 0 || p->q.data_class >= 0 ||
            p->q.authority >= 0 || p->q.since.y || p->q.until.y) {
            snprintf(p->why, sizeof p->why, "this route takes no filters");
            p->bad = 1;
        }
    }
    if (p->bad) {
        reply_error(out, 400, "bad_parameter", "%s", p->why);
        return -1;
    }
    return 0;
}

static jkb_store *store_or_fail(const jkb_req *rq, jkb_reply *out)
{
    jkb_store *s = jkb_server_store(rq->srv);
    if (!s)
        reply_error(out, 500, "no_store", "no casebook connection");
    return s;
}

/* ------------------------------------------------------------ GET /api/incidents */

typedef struct page_out {
    jkb_wbuf *b;
    size_t n;
} page_out;

static int page_row(const jkb_notice_row *r, void *ud)
{
    page_out *o = ud;
    if (o->n++)
        jkb_wbuf_add(o->b, ",", 1);
    jkb_row_json(o->b, r);
    return o->b->failed;
}

void h_incidents(const jkb_req *rq, const char *arg, jkb_reply *out)
{
    static const char *const extra[] = {"page", "per_page", NULL};
    (void)arg;
    params p;
    if (read_params(rq, &p, extra, 1, out) != 0)
        return;
    size_t page = 1, per = PER_PAGE_DEFAULT;
    if (p.vals[0] && jkb_parse_count(p.vals[0], p.lens[0], PAGE_MAX, &page) != 0) {
        reply_error(out, 400, "bad_parameter", "page takes a number from 1 to %d", PAGE_MAX);
        return;
    }
    if (p.vals[1] && jkb_parse_count(p.vals[1], p.lens[1], PER_PAGE_MAX, &per) != 0) {
        reply_error(out, 400, "bad_parameter", "per_page takes a number from 1 to %d", PER_PAGE_MAX);
        return;
    }
    if (page < 1 || per < 1) {
        reply_error(out, 400, "bad_parameter", "page and per_page start at 1");
        return;
    }
    p.q.limit = per;
    p.q.offset = (page - 1) * per;
    jkb_store *s = store_or_fail(rq, out);
    if (!s)
        return;
    jkb_wbuf items;
    jkb_wbuf_init(&items, 0);
    page_out o = {&items, 0};
    size_t total = 0;
    jkb_err err;
    memset(&err, 0, sizeof err);
    /* counting is most of a full-text page's cost: a remembered total spares it */
    uint64_t gen = jkb_counts_gen(rq->srv);
    int known = jkb_counts_get(rq->srv, &p.q, &total);
    jkb_status st = jkb_store_search(s, &p.q, page_row, &o, known ? NULL : &total, &err);
    jkb_server_release(rq->srv, s);
    if (st == JKB_OK && !known)
        jkb_counts_put(rq->srv, &p.q, total, gen);
    if (st == JKB_OK && known && o.n > 0 && o.n < per)
        total = p.q.offset + o.n; /* the last page tells the exact total */
    if (st != JKB_OK && !(st == JKB_ESTOP && items.failed)) {
        reply_status(out, st, &err);
        goto out;
    }
    jkb_wbuf *b = &out->body;
    jkb_wbuf_printf(b, "{\"total\":%zu,\"page\":%zu,\"per_page\":%zu,\"pages\":%zu,\"items\":[", total, page, per,
                    (total + per - 1) / per);
    jkb_wbuf_add(b, items.p, items.len);
    jkb_wbuf_puts(b, "]}\n");
    if (items.failed)
        b->failed = 1;
    reply_json_done(out);
out:
    jkb_wbuf_free(&items);
}

/* ------------------------------------------------------------ GET /api/incidents/{id} */

typedef struct one_out {
    const jkb_server *srv;
    jkb_wbuf notice, chain, follow_ups, claims;
    int64_t id, incident_id;
    size_t n_chain, n_follow, n_claims;
    int found;
} one_out;

/* The reporting obligations of a stored notice, from its text extracted by
 * this version's rules (as `jikenbo show` and `assess ID` do); null when it
 * cannot be assessed. */
static void put_assessment(jkb_wbuf *b, const jkb_server *srv, const jkb_notice_row *r)
{
    jkb_assessment *a = NULL;
    size_t mark = b->len;
    int done = 0;
    if (srv->eng && srv->rules && r->text && r->text_len &&
        jkb_assess_text(srv->eng, srv->rules, r->text, r->text_len, NULL, &a, NULL) == JKB_OK)
        done = jkb_assessment_write_json(a, 0, jkb_wbuf_write, b) == JKB_OK;
    jkb_assessment_free(a);
    if (!done) {
        b->len = mark;
        jkb_wbuf_puts(b, "null");
    }
}

static int one_row(const jkb_notice_row *r, void *ud)
{
    one_out *o = ud;
    jkb_wbuf *b = &o->notice;
    o->found = 1;
    o->incident_id = r->incident_id;
    jkb_row_json(b, r);
    b->len--; /* reopen the object to add the rest */
    jkb_wbuf_printf(b, ",\"index\":%zu,\"content_hash\":", r->index);
    jkb_wbuf_json_cstr(b, r->content_hash);
    jkb_wbuf_puts(b, ",\"engine_version\":");
    jkb_wbuf_json_cstr(b, r->engine_version);
    jkb_wbuf_puts(b, ",\"record\":");
    put_record(b, r->record_json);
    jkb_wbuf_puts(b, ",\"assessment\":");
    put_assessment(b, o->srv, r);
    jkb_wbuf_puts(b, ",\"text\":");
    jkb_wbuf_json_str(b, r->text ? r->text : "", r->text ? r->text_len : 0);
    jkb_wbuf_add(b, "}", 1);
    return b->failed;
}

/* The incident's notices: all of them in order, and the others again as its
 * follow-ups. */
static int chain_row(const jkb_notice_row *r, void *ud)
{
    one_out *o = ud;
    if (o->n_chain++)
        jkb_wbuf_add(&o->chain, ",", 1);
    jkb_row_json(&o->chain, r);
    if (r->id != o->id) {
        if (o->n_follow++)
            jkb_wbuf_add(&o->follow_ups, ",", 1);
        jkb_row_json(&o->follow_ups, r);
    }
    return o->chain.failed || o->follow_ups.failed;
}

/* A leak-site claim linked to a notice of the incident (`claims link`): the
 * claim's own members, then the link's. */
static int link_row(const jkb_claim_link *l, void *ud)
{
    one_out *o = ud;
    jkb_wbuf *b = &o->claims;
    size_t n = l->claim_json ? strlen(l->claim_json) : 0;
    if (n < 2 || l->claim_json[0] != '{' || l->claim_json[n - 1] != '}')
        return 0; /* not written by this program: left out */
    if (o->n_claims++)
        jkb_wbuf_add(b, ",", 1);
    jkb_wbuf_add(b, l->claim_json, n - 1);
    jkb_wbuf_printf(b, "%s\"notice_id\":%lld,\"score\":%.3f,\"reason\":", n > 2 ? "," : "", (long long)l->notice_id,
                    l->score);
    jkb_wbuf_json_cstr(b, l->reason);
    if (l->has_delay)
        jkb_wbuf_printf(b, ",\"delay_days\":%d", (int)l->delay_days);
    else
        jkb_wbuf_puts(b, ",\"delay_days\":null");
    jkb_wbuf_printf(b, ",\"delay_approx\":%s,\"linked_at\":", l->delay_approx ? "true" : "false");
    jkb_wbuf_json_cstr(b, l->linked_at);
    jkb_wbuf_add(b, "}", 1);
    return b->failed;
}

void h_incident(const jkb_req *rq, const char *arg, jkb_reply *out)
{
    params p;
    if (read_params(rq, &p, NULL, 0, out) != 0)
        return;
    size_t id;
    if (jkb_parse_count(arg, strlen(arg), (size_t)INT64_MAX, &id) != 0 || id == 0) {
        reply_error(out, 404, "not_found", "no notice '%.40s' (ids are positive numbers)", arg);
        return;
    }
    one_out o;
    memset(&o, 0, sizeof o);
    o.srv = rq->srv;
    jkb_wbuf_init(&o.notice, 0);
    o.id = (int64_t)id;
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_store *s = store_or_fail(rq, out);
    if (!s)
        return;
    jkb_status st = jkb_store_get(s, o.id, one_row, &o, &err);
    if (st == JKB_OK && o.found)
        st = jkb_store_incident(s, o.incident_id, chain_row, &o, &err);
    if (st == JKB_OK && o.found)
        st = jkb_store_incident_links(s, o.incident_id, link_row, &o, &err);
    jkb_server_release(rq->srv, s);
    if (st == JKB_ENOTFOUND && !o.found) {
        reply_error(out, 404, "not_found", "no notice %lld in the casebook", (long long)o.id);
        goto out;
    }
    if (st != JKB_OK && st != JKB_ESTOP) {
        reply_status(out, st, &err);
        goto out;
    }
    jkb_wbuf *b = &out->body;
    jkb_wbuf_puts(b, "{\"notice\":");
    jkb_wbuf_add(b, o.notice.p, o.notice.len);
    jkb_wbuf_printf(b, ",\"incident\":{\"id\":%lld,\"notices\":[", (long long)o.incident_id);
    jkb_wbuf_add(b, o.chain.p, o.chain.len);
    jkb_wbuf_puts(b, "]},\"follow_ups\":[");
    jkb_wbuf_add(b, o.follow_ups.p, o.follow_ups.len);
    jkb_wbuf_puts(b, "],\"claims\":[");
    jkb_wbuf_add(b, o.claims.p, o.claims.len);
    jkb_wbuf_puts(b, "]}\n");
    if (o.notice.failed || o.chain.failed || o.follow_ups.failed || o.claims.failed)
        b->failed = 1;
    reply_json_done(out);
out:
    jkb_wbuf_free(&o.notice);
    jkb_wbuf_free(&o.chain);
    jkb_wbuf_free(&o.follow_ups);
    jkb_wbuf_free(&o.claims);
}

/* ------------------------------------------------------------ GET /api/stats */

static const char *const STAT_DIMS[] = {"month", "year", "category", "org_kind", "vector", "actor",
                                        "data_class", "authority", NULL};

void h_stats(const jkb_req *rq, const char *arg, jkb_reply *out)
{
    static const char *const extra[] = {"by", "split", "count", NULL};
    (void)arg;
    params p;
    if (read_params(rq, &p, extra, 1, out) != 0)
        return;
    const char *by = NULL;
    for (size_t i = 0; p.vals[0] && STAT_DIMS[i]; i++)
        if (strlen(STAT_DIMS[i]) == p.lens[0] && memcmp(STAT_DIMS[i], p.vals[0], p.lens[0]) == 0)
            by = STAT_DIMS[i];
    if (!by) {
        reply_error(out, 400, "bad_parameter",
                    "by takes month, year, category, org_kind, vector, actor, data_class or authority");
        return;
    }
    int notices = 0;
    if (p.vals[2]) {
        if (p.lens[2] == 7 && memcmp(p.vals[2], "notices", 7) == 0)
            notices = 1;
        else if (!(p.lens[2] == 9 && memcmp(p.vals[2], "incidents", 9) == 0)) {
            reply_error(out, 400, "bad_parameter", "count takes incidents (the default) or notices");
            return;
        }
    }
    char split[16] = "";
    if (p.vals[1] && p.lens[1]) {
        if (p.lens[1] >= sizeof split) {
            reply_error(out, 400, "bad_parameter", "split takes category, org_kind, data_class or authority");
            return;
        }
        memcpy(split, p.vals[1], p.lens[1]);
        split[p.lens[1]] = 0;
    }
    jkb_store *s = store_or_fail(rq, out);
    if (!s)
        return;
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_status st = jkb_stats_json(s, &p.q, by, split[0] ? split : NULL, notices, &out->body, &err);
    jkb_server_release(rq->srv, s);
    if (st != JKB_OK) {
        reply_status(out, st, &err);
        return;
    }
    jkb_wbuf_add(&out->body, "\n", 1);
    reply_json_done(out);
}

void h_timing(const jkb_req *rq, const char *arg, jkb_reply *out)
{
    (void)arg;
    params p;
    if (read_params(rq, &p, NULL, 1, out) != 0)
        return;
    jkb_store *s = store_or_fail(rq, out);
    if (!s)
        return;
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_status st = jkb_timing_json(s, &p.q, &out->body, &err);
    jkb_server_release(rq->srv, s);
    if (st != JKB_OK) {
        reply_status(out, st, &err);
        return;
    }
    jkb_wbuf_add(&out->body, "\n", 1);
    reply_json_done(out);
}

void h_version(const jkb_req *rq, const char *arg, jkb_reply *out)
{
    (void)arg;
    params p;
    if (read_params(rq, &p, NULL, 0, out) != 0)
        return;
    jkb_wbuf_printf(&out->body, "{\"version\":\"%s\",\"schema\":%d,\"writable\":%s}\n", jkb_version(),
                    JKB_SCHEMA_VERSION, rq->srv->token_len ? "true" : "false");
    reply_json_done(out);
}

/* ------------------------------------------------------------ GET /api/export */

static void csv_field(jkb_wbuf *b, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, "\",\r\n")) {
        jkb_wbuf_puts(b, s);
        return;
    }
    jkb_wbuf_add(b, "\"", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            jkb_wbuf_add(b, "\"", 1);
        jkb_wbuf_add(b, p, 1);
    }
    jkb_wbuf_add(b, "\"", 1);
}

static void csv_keys(jkb_wbuf *b, uint32_t mask, const char *(*keys)(int))
{
    jkb_wbuf_add(b, "\"", 1);
    int first = 1;
    for (int i = 0; i < 32; i++)
        if ((mask & (1u << i)) && keys(i)) {
            if (!first)
                jkb_wbuf_add(b, ",", 1);
            jkb_wbuf_puts(b, keys(i));
            first = 0;
        }
    jkb_wbuf_add(b, "\"", 1);
}

/* The same lines and columns as `jikenbo export`, so that a file fetched
 * from the server and one written by the command compare equal. */
typedef struct rows_ctx {
    jkb_wbuf *b;
    int ndjson;
    /* each row's reporting obligations, as `jikenbo export` gives them */
    jkb_store *s;
    jkb_engine *eng;
    const jkb_rules *rules;
} rows_ctx;

static int export_row(const jkb_notice_row *r, void *ud)
{
    const rows_ctx *x = ud;
    jkb_wbuf *b = x->b;
    char pub[11];
    jkb_date_str(pub, r->published);
    jkb_assessment *a = NULL;
    if (x->eng && x->rules) {
        jkb_status st = jkb_export_assess_stored(x->s, r->id, x->eng, x->rules, &a, NULL);
        if (st != JKB_OK && st != JKB_ENOTFOUND)
            return 1;
    }
    if (x->ndjson) {
        jkb_wbuf_printf(b, "{\"id\":%lld,\"incident_id\":%lld,\"case_id\":", (long long)r->id,
                        (long long)r->incident_id);
        jkb_wbuf_json_cstr(b, r->case_id);
        jkb_wbuf_puts(b, ",\"published\":");
        jkb_wbuf_json_cstr(b, pub[0] ? pub : NULL);
        jkb_wbuf_puts(b, ",\"source\":");
        jkb_wbuf_json_cstr(b, r->source);
        jkb_wbuf_printf(b, ",\"index\":%zu,\"content_hash\":", r->index);
        jkb_wbuf_json_cstr(b, r->content_hash);
        jkb_wbuf_puts(b, ",\"engine_version\":");
        jkb_wbuf_json_cstr(b, r->engine_version);
        jkb_wbuf_puts(b, ",\"record\":");
        put_record(b, r->record_json);
        if (x->eng && x->rules) {
            jkb_wbuf_puts(b, ",\"assessment\":");
            size_t mark = b->len;
            if (!a || jkb_assessment_write_json(a, 0, jkb_wbuf_write, b) != JKB_OK) {
                b->len = mark;
                jkb_wbuf_puts(b, "null");
            }
        }
        jkb_wbuf_puts(b, "}\n");
    } else {
        jkb_wbuf_printf(b, "%lld,%lld,", (long long)r->id, (long long)r->incident_id);
        csv_field(b, r->case_id);
        jkb_wbuf_printf(b, ",%s,", pub);
        csv_field(b, r->org);
        jkb_wbuf_printf(b, ",%s,", jkb_org_kind_key(r->org_kind) ? jkb_org_kind_key(r->org_kind) : "");
        csv_field(b, r->title);
        jkb_wbuf_add(b, ",", 1);
        csv_keys(b, r->categories, jkb_category_key);
        jkb_wbuf_add(b, ",", 1);
        csv_keys(b, r->data_classes, jkb_data_class_key);
        jkb_wbuf_add(b, ",", 1);
        csv_keys(b, r->authorities, jkb_authority_key);
        jkb_wbuf_add(b, ",", 1);
        if (r->has_affected)
            jkb_wbuf_printf(b, "%lld", (long long)r->affected);
        jkb_wbuf_add(b, ",", 1);
        csv_field(b, r->source);
        jkb_wbuf_printf(b, ",%zu", r->index);
        if (x->eng && x->rules) {
            char brief[2048];
            jkb_assessment_brief(a, brief, sizeof brief);
            jkb_wbuf_add(b, ",", 1);
            csv_field(b, brief);
        }
        jkb_wbuf_puts(b, "\r\n");
    }
    jkb_assessment_free(a);
    return b->failed;
}

void h_export(const jkb_req *rq, const char *arg, jkb_reply *out)
{
    static const char *const extra[] = {"format", NULL};
    (void)arg;
    params p;
    if (read_params(rq, &p, extra, 1, out) != 0)
        return;
    char fmt[8] = "";
    if (p.vals[0] && p.lens[0] < sizeof fmt) {
        memcpy(fmt, p.vals[0], p.lens[0]);
        fmt[p.lens[0]] = 0;
    }
    int xfmt = jkb_key_lookup(jkb_export_format_key, fmt, strlen(fmt));
    if (strcmp(fmt, "ndjson") != 0 && strcmp(fmt, "csv") != 0 && xfmt < 0) {
        reply_error(out, 400, "bad_parameter", "format takes ndjson, csv, stix or misp");
        return;
    }
    jkb_store *s = store_or_fail(rq, out);
    if (!s)
        return;
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_status st;
    out->body.max = JKB_SRV_MAX_REPLY;
    if (xfmt < 0) {
        int nd = fmt[0] == 'n';
        rows_ctx x = {&out->body, nd, s, rq->srv->eng, rq->srv->rules};
        out->type = nd ? "application/x-ndjson; charset=utf-8" : "text/csv; charset=utf-8";
        out->disposition = nd ? "attachment; filename=\"jikenbo.ndjson\"" : "attachment; filename=\"jikenbo.csv\"";
        if (!nd)
            jkb_wbuf_puts(&out->body, x.eng && x.rules
                                          ? "id,incident_id,case_id,published,org,org_kind,title,categories,"
                                            "data_classes,authorities,affected,source,index,obligations\r\n"
                                          : "id,incident_id,case_id,published,org,org_kind,title,categories,"
                                            "data_classes,authorities,affected,source,index\r\n");
        st = jkb_store_search(s, &p.q, export_row, &x, NULL, &err);
        jkb_server_release(rq->srv, s);
        if (st != JKB_OK && !(st == JKB_ESTOP && out->body.failed)) {
            reply_status(out, st, &err);
            return;
        }
        const char *type = out->type, *disp = out->disposition;
        reply_json_done(out);
        if (out->status == 200) {
            out->type = type;
            out->disposition = disp;
        }
        return;
    }
    jkb_export_opts xo = {0, 0, NULL, rq->srv->eng, rq->srv->rules};
    st = jkb_export_store(s, &p.q, (jkb_export_format)xfmt, &xo, jkb_wbuf_write, &out->body, NULL, &err);
    jkb_server_release(rq->srv, s);
    if (st != JKB_OK && !(st == JKB_EIO && out->body.failed)) {
        reply_status(out, st, &err);
    } else {
        reply_json_done(out);
        if (out->status == 200)
            out->disposition =
                xfmt == JKB_EXPORT_STIX ? "attachment; filename=\"jikenbo-stix.json\"" : "attachment; filename=\"jikenbo-misp.json\"";
    }
}

/* ------------------------------------------------------------ POST /api/notices */

typedef struct post_ctx {
    jkb_server *srv;
    jkb_store *s;
    const char *source;
    int is_url;
    int64_t ids[64];
    jkb_put_outcome outcomes[64];
    size_t n;
    size_t skipped; /* notices past the 64 a request may hold */
    jkb_err err;
    jkb_status st;
} post_ctx;

static int post_record(const jkb_record *r, const char *text, void *ud)
{
    post_ctx *c = ud;
    size_t s = r->extent.start, e = r->extent.end;
    if (e <= s)
        return 0;
    if (c->n == sizeof c->ids / sizeof c->ids[0]) {
        c->skipped++;
        return 0;
    }
    jkb_wbuf js;
    jkb_wbuf_init(&js, 0);
    jkb_source src = {c->is_url ? NULL : c->source, c->is_url ? c->source : NULL};
    /* offsets in the kept record point into the notice's own text */
    c->st = jkb_record_write_json_at(r, text, (int64_t)s, &src, 0, jkb_wbuf_write, &js);
    if (c->st == JKB_OK && js.failed)
        c->st = JKB_ENOMEM;
    if (c->st == JKB_OK) {
        jkb_notice_in ni = {.text = text + s,
                            .len = e - s,
                            .source = c->source,
                            .index = r->index,
                            .rec = r,
                            .record_json = js.p,
                            .record_json_len = js.len,
                            .engine_version = jkb_version()};
        c->st = jkb_store_put(c->s, &ni, &c->outcomes[c->n], &c->ids[c->n], &c->err);
        if (c->st == JKB_OK)
            c->n++;
    }
    jkb_wbuf_free(&js);
    return c->st != JKB_OK;
}

/* The format a Content-Type names; the charset it gives into cs. */
static jkb_format body_format(const char *ct, char *cs, size_t cslen)
{
    cs[0] = 0;
    if (!ct)
        return JKB_FMT_AUTO;
    const char *p = strstr(ct, "charset=");
    if (p) {
        p += 8;
        size_t n = 0;
        while (p[n] && p[n] != ';' && p[n] != ' ' && p[n] != '"' && n + 1 < cslen)
            n++;
        memcpy(cs, p, n);
        cs[n] = 0;
    }
    if (strncmp(ct, "text/plain", 10) == 0)
        return JKB_FMT_TEXT;
    if (strncmp(ct, "text/html", 9) == 0 || strncmp(ct, "application/xhtml+xml", 21) == 0)
        return JKB_FMT_HTML;
    if (strncmp(ct, "application/pdf", 15) == 0)
        return JKB_FMT_PDF;
    return JKB_FMT_AUTO;
}

typedef struct stored_out {
    jkb_wbuf *b;
    jkb_put_outcome outcome;
} stored_out;

static int stored_row(const jkb_notice_row *r, void *ud)
{
    stored_out *o = ud;
    static const char *const names[] = {"stored", "unchanged", "updated"};
    jkb_wbuf_printf(o->b, "{\"id\":%lld,\"outcome\":\"%s\",\"notice\":", (long long)r->id,
                    names[o->outcome <= JKB_PUT_UPDATED ? o->outcome : 0]);
    jkb_row_json(o->b, r);
    jkb_wbuf_puts(o->b, ",\"record\":");
    put_record(o->b, r->record_json);
    jkb_wbuf_puts(o->b, "}");
    return o->b->failed;
}

void h_post_notice(const jkb_req *rq, const char *arg, jkb_reply *out)
{
    static const char *const extra[] = {"source", NULL};
    (void)arg;
    params p;
    if (read_params(rq, &p, extra, 0, out) != 0)
        return;
    jkb_server *srv = rq->srv;
    char source[1024] = "posted";
    if (p.vals[0] && p.lens[0]) {
        if (p.lens[0] >= sizeof source || !jkb_utf8_ok(p.vals[0], p.lens[0])) {
            reply_error(out, 400, "bad_parameter", "source must be UTF-8 text under %zu bytes", sizeof source);
            return;
        }
        memcpy(source, p.vals[0], p.lens[0]);
        source[p.lens[0]] = 0;
    }
    if (!rq->body_len) {
        reply_error(out, 400, "empty_body", "send the notice (text, HTML or PDF) as the request body");
        return;
    }
    char charset[48];
    jkb_format fmt = body_format(jkb_req_header(rq, "Content-Type"), charset, sizeof charset);
    jkb_text t;
    jkb_err err;
    memset(&err, 0, sizeof err);
    memset(&t, 0, sizeof t);
    /* a PDF's text can pass its bytes many times: cap it at 8 times the body cap */
    jkb_status st = jkb_text_decode_capped(rq->body, rq->body_len, source, charset[0] ? charset : NULL, fmt,
                                           srv->max_body * 8, &t, &err);
    if (st != JKB_OK) {
        reply_status(out, st, &err);
        return;
    }
    jkb_span *spans = NULL;
    size_t n = 0;
    post_ctx c;
    memset(&c, 0, sizeof c);
    c.srv = srv;
    c.source = source;
    c.is_url = strncmp(source, "http://", 7) == 0 || strncmp(source, "https://", 8) == 0;
    st = jkb_notices(t.text, t.len, &spans, &n, &err);
    if (st != JKB_OK) {
        reply_status(out, st, &err);
        goto out;
    }
    if (n == 0) {
        reply_error(out, 400, "no_notice", "no notice text found in the body (empty or blank)");
        goto out;
    }
    c.s = store_or_fail(rq, out);
    if (!c.s)
        goto out;
    pthread_mutex_lock(&srv->write_mu);
    st = jkb_store_begin(c.s, &err);
    if (st == JKB_OK) {
        st = jkb_extract_spans(srv->eng, t.text, t.len, spans, n, 0, post_record, &c, &err);
        if (st == JKB_ESTOP)
            st = c.st, err = c.err;
        if (st == JKB_OK)
            st = jkb_store_commit(c.s, &err);
        else
            jkb_store_rollback(c.s, NULL);
    }
    jkb_counts_forget(srv);
    pthread_mutex_unlock(&srv->write_mu);
    if (st != JKB_OK) {
        jkb_server_release(srv, c.s);
        reply_status(out, st, &err);
        goto out;
    }
    jkb_wbuf *b = &out->body;
    size_t stored = 0;
    jkb_wbuf_puts(b, "{\"notices\":[");
    for (size_t i = 0; i < c.n && st == JKB_OK; i++) {
        if (i)
            jkb_wbuf_add(b, ",", 1);
        stored_out so = {b, c.outcomes[i]};
        stored += c.outcomes[i] == JKB_PUT_STORED;
        st = jkb_store_get(c.s, c.ids[i], stored_row, &so, &err);
    }
    jkb_server_release(srv, c.s);
    if (st != JKB_OK && st != JKB_ESTOP) {
        reply_status(out, st, &err);
        goto out;
    }
    jkb_wbuf_printf(b, "],\"stored\":%zu,\"skipped\":%zu}\n", stored, c.skipped);
    reply_json_done(out);
    if (out->status == 200 && stored)
        out->status = 201;
out:
    free(spans);
    jkb_text_free(&t);
}
