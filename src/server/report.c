/*
 * jikenbo report: one self-contained HTML file for a period, the way a
 * casebook keeper publishes a monthly round-up: counts by category, org kind
 * and data class, the page's charts (charts.js and report.js inlined, with
 * their figures as JSON), the timing figures and the period's incidents with
 * links to their sources. No external request: style, script, data inline.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

#define REPORT_MAX_ROWS 5000 /* incidents listed; the counts cover them all */

/* ------------------------------------------------------------ labels */

/* "ランサムウェア <span class="en">ransomware</span>", escaped. */
static void label_html(jkb_wbuf *b, json_t *labels, const char *table, const char *key)
{
    const char *ja = json_string_value(json_object_get(json_object_get(labels, table), key));
    char en[64];
    size_t n = 0;
    for (const char *p = key; *p && n + 1 < sizeof en; p++)
        en[n++] = *p == '_' ? ' ' : *p;
    en[n] = 0;
    if (ja && *ja) {
        jkb_wbuf_html(b, ja, strlen(ja));
        jkb_wbuf_puts(b, " <span class=\"en\">");
        jkb_wbuf_html(b, en, n);
        jkb_wbuf_puts(b, "</span>");
    } else {
        jkb_wbuf_html(b, en, n);
    }
}

static void ui_html(jkb_wbuf *b, json_t *labels, const char *key)
{
    const char *ja = json_string_value(json_object_get(json_object_get(labels, "ui"), key));
    const char *en = json_string_value(json_object_get(json_object_get(labels, "ui_en"), key));
    if (ja)
        jkb_wbuf_html(b, ja, strlen(ja));
    if (en) {
        jkb_wbuf_puts(b, " <span class=\"en\">");
        jkb_wbuf_html(b, en, strlen(en));
        jkb_wbuf_puts(b, "</span>");
    }
}

static void tags_html(jkb_wbuf *b, json_t *labels, const char *table, uint32_t mask, const char *(*keys)(int))
{
    int first = 1;
    for (int i = 0; i < 32; i++) {
        if (!(mask & (1u << i)) || !keys(i))
            continue;
        jkb_wbuf_puts(b, first ? "<span class=\"tag\">" : " <span class=\"tag\">");
        label_html(b, labels, table, keys(i));
        jkb_wbuf_puts(b, "</span>");
        first = 0;
    }
}

/* Inline an asset; a "</" in it would end the element early, so such a file is refused. */
static int inline_asset(jkb_wbuf *b, const char *name, const char *close, jkb_err *err)
{
    const struct jkb_embedded *e = jkb_web_asset(name);
    if (!e) {
        if (err)
            snprintf(err->msg, sizeof err->msg, "the report's asset %s is not compiled in", name);
        return -1;
    }
    for (size_t i = 0; i + 1 < e->len; i++)
        if (e->data[i] == '<' && e->data[i + 1] == '/' && i + 2 + strlen(close) <= e->len &&
            strncmp(e->data + i + 2, close, strlen(close)) == 0) {
            if (err)
                snprintf(err->msg, sizeof err->msg, "%s holds </%s and cannot be inlined", name, close);
            return -1;
        }
    jkb_wbuf_add(b, e->data, e->len);
    return 0;
}

/* ------------------------------------------------------------ counts */

typedef struct count_tab {
    jkb_wbuf *b;
    json_t *labels;
    const char *table;
    int64_t total;
    int n;
} count_tab;

static int count_row(const char *label, int64_t count, void *ud)
{
    count_tab *t = ud;
    jkb_wbuf_puts(t->b, "<tr><td>");
    if (label && strcmp(label, "unknown") != 0)
        label_html(t->b, t->labels, t->table, label);
    else
        jkb_wbuf_puts(t->b, "不明 <span class=\"en\">unknown</span>");
    jkb_wbuf_printf(t->b, "</td><td class=\"num\">%lld</td>", (long long)count);
    if (t->total > 0)
        jkb_wbuf_printf(t->b, "<td class=\"num\">%.1f%%</td>", 100.0 * (double)count / (double)t->total);
    else
        jkb_wbuf_puts(t->b, "<td></td>");
    jkb_wbuf_puts(t->b, "</tr>\n");
    t->n++;
    return t->b->failed;
}

static int sum_row(const char *label, int64_t count, void *ud)
{
    (void)label;
    *(int64_t *)ud += count;
    return 0;
}

static jkb_status count_table(jkb_store *s, const jkb_query *q, json_t *labels, const char *by, const char *table,
                              int64_t incidents, jkb_wbuf *b, jkb_err *err)
{
    const char *dim = json_string_value(json_array_get(json_object_get(json_object_get(labels, "dimension"), by), 0));
    const char *dim_en = json_string_value(json_array_get(json_object_get(json_object_get(labels, "dimension"), by), 1));
    jkb_wbuf_puts(b, "<div class=\"count-box\"><h3>");
    jkb_wbuf_html(b, dim ? dim : by, strlen(dim ? dim : by));
    jkb_wbuf_puts(b, " <span class=\"en\">");
    jkb_wbuf_html(b, dim_en ? dim_en : by, strlen(dim_en ? dim_en : by));
    jkb_wbuf_puts(b, "</span></h3>\n<table class=\"counts\"><thead><tr><th></th><th class=\"num\">事案 <span "
                     "class=\"en\">incidents</span></th><th class=\"num\">%</th></tr></thead><tbody>\n");
    count_tab t = {b, labels, table, incidents, 0};
    jkb_status st = jkb_store_stats(s, by, q, 0, count_row, &t, err);
    if (st == JKB_OK && t.n == 0)
        jkb_wbuf_puts(b, "<tr><td colspan=\"3\">—</td></tr>\n");
    jkb_wbuf_puts(b, "</tbody></table></div>\n");
    return st;
}

/* ------------------------------------------------------------ timing */

typedef struct timing_tab {
    jkb_wbuf *b;
    json_t *labels;
} timing_tab;

static int timing_row(const jkb_timing *tm, void *ud)
{
    timing_tab *t = ud;
    jkb_wbuf_puts(t->b, "<tr><td>");
    label_html(t->b, t->labels, "timing", tm->name);
    if (tm->n == 0 || isnan(tm->median))
        jkb_wbuf_puts(t->b, "</td><td class=\"num\">0</td><td class=\"num\">—</td><td class=\"num\">—</td></tr>\n");
    else
        jkb_wbuf_printf(t->b, "</td><td class=\"num\">%zu</td><td class=\"num\">%.1f</td><td class=\"num\">%.1f</td></tr>\n",
                        tm->n, tm->median, tm->p90);
    return t->b->failed;
}

/* ------------------------------------------------------------ incidents */

typedef struct inc_tab {
    jkb_wbuf *b;
    json_t *labels;
    size_t n;
} inc_tab;

static int is_url(const char *s)
{
    return s && (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0);
}

static int incident_row(const jkb_notice_row *r, void *ud)
{
    inc_tab *t = ud;
    jkb_wbuf *b = t->b;
    char pub[11];
    jkb_date_str(pub, r->published);
    jkb_wbuf_puts(b, "<tr><td class=\"date\">");
    jkb_wbuf_puts(b, pub[0] ? pub : "—");
    jkb_wbuf_puts(b, "</td><td>");
    if (r->case_id)
        jkb_wbuf_html(b, r->case_id, strlen(r->case_id));
    jkb_wbuf_puts(b, "</td><td>");
    if (r->org)
        jkb_wbuf_html(b, r->org, strlen(r->org));
    if (r->title) {
        jkb_wbuf_puts(b, "<div class=\"en\">");
        jkb_wbuf_html(b, r->title, strlen(r->title));
        jkb_wbuf_puts(b, "</div>");
    }
    jkb_wbuf_puts(b, "</td><td>");
    tags_html(b, t->labels, "category", r->categories, jkb_category_key);
    jkb_wbuf_puts(b, "</td><td class=\"num\">");
    if (r->has_affected)
        jkb_wbuf_printf(b, "%lld", (long long)r->affected);
    else
        jkb_wbuf_puts(b, "—");
    jkb_wbuf_puts(b, "</td><td>");
    tags_html(b, t->labels, "data_class", r->data_classes, jkb_data_class_key);
    jkb_wbuf_puts(b, "</td><td class=\"src\">");
    if (is_url(r->source)) {
        /* only http(s): a javascript: source must not become a link */
        jkb_wbuf_puts(b, "<a rel=\"noopener noreferrer\" href=\"");
        jkb_wbuf_html(b, r->source, strlen(r->source));
        jkb_wbuf_puts(b, "\">");
        jkb_wbuf_html(b, r->source, strlen(r->source));
        jkb_wbuf_puts(b, "</a>");
    } else if (r->source) {
        jkb_wbuf_html(b, r->source, strlen(r->source));
    }
    jkb_wbuf_puts(b, "</td></tr>\n");
    t->n++;
    return b->failed;
}

/* ------------------------------------------------------------ the report */

static void period_str(char *out, size_t cap, const jkb_html_report_opts *o)
{
    char a[11], z[11];
    jkb_date_str(a, o->since);
    jkb_date_str(z, o->until);
    if (!a[0] && !z[0])
        snprintf(out, cap, "全期間 all time");
    else
        snprintf(out, cap, "%s〜%s", a, z);
}

static const char REPORT_CSS[] =
    ".report main{max-width:1100px}.report header.top{display:block;padding-left:max(1rem,calc(50% - 534px))}.report .period{font-size:1.1rem;margin:0}"
    ".summary{display:flex;flex-wrap:wrap;gap:1rem;margin:.8rem 0}.summary div{background:var(--card);"
    "border:1px solid var(--line);border-radius:6px;padding:.5rem 1rem}.summary b{font-size:1.5rem;display:block}"
    ".counts-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,20rem),1fr));gap:1rem}"
    ".count-box h3{font-size:1rem;margin:.3rem 0}table.counts td,table.counts th{padding:.2rem .5rem}"
    "th.num{text-align:right}td.src{word-break:break-all;font-size:.85rem}"
    "@media print{.chart-box{break-inside:avoid}}\n";

jkb_status jkb_report_html(jkb_store *s, const jkb_html_report_opts *o, jkb_wbuf *b, jkb_err *err)
{
    jkb_status st = JKB_OK;
    json_t *labels = NULL;
    jkb_wbuf monthly, timing, data;
    jkb_wbuf_init(&monthly, 0);
    jkb_wbuf_init(&timing, 0);
    jkb_wbuf_init(&data, 0);
    jkb_query q;
    if (o->query)
        q = *o->query;
    else
        jkb_query_init(&q);
    q.since = o->since;
    q.until = o->until;
    q.limit = 0;
    q.offset = 0;

    const struct jkb_embedded *lab = jkb_web_asset("labels.json");
    json_error_t je;
    labels = lab ? json_loadb(lab->data, lab->len, 0, &je) : NULL;
    if (!labels) {
        st = JKB_EINVAL;
        if (err)
            snprintf(err->msg, sizeof err->msg, "the compiled-in labels.json does not parse");
        goto out;
    }
    /* figures first: a casebook error leaves no half-written report */
    int64_t incidents = 0, notices = 0;
    if ((st = jkb_store_stats(s, "year", &q, 0, sum_row, &incidents, err)) != JKB_OK ||
        (st = jkb_store_stats(s, "year", &q, 1, sum_row, &notices, err)) != JKB_OK ||
        (st = jkb_stats_json(s, &q, "month", "category", 0, &monthly, err)) != JKB_OK ||
        (st = jkb_timing_json(s, &q, &timing, err)) != JKB_OK ||
        (st = jkb_stats_json(s, &q, "data_class", NULL, 0, &data, err)) != JKB_OK)
        goto out;

    char period[64];
    period_str(period, sizeof period, o);
    jkb_wbuf_puts(b, "<!doctype html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<meta name=\"generator\" content=\"jikenbo ");
    jkb_wbuf_puts(b, jkb_version());
    jkb_wbuf_puts(b, "\">\n<title>");
    const char *title = o->title ? o->title : "事件簿レポート Casebook report";
    jkb_wbuf_html(b, title, strlen(title));
    jkb_wbuf_puts(b, " — ");
    jkb_wbuf_html(b, period, strlen(period));
    jkb_wbuf_puts(b, "</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>\n");
    if (inline_asset(b, "style.css", "style", err) != 0) {
        st = JKB_EINVAL;
        goto out;
    }
    jkb_wbuf_puts(b, REPORT_CSS);
    jkb_wbuf_puts(b, "</style>\n</head>\n<body class=\"report\">\n<header class=\"top\">\n<h1>");
    jkb_wbuf_html(b, title, strlen(title));
    jkb_wbuf_puts(b, "</h1>\n<p class=\"period\">");
    jkb_wbuf_html(b, period, strlen(period));
    jkb_wbuf_puts(b, "</p>\n</header>\n<main>\n<section class=\"summary\">\n");
    jkb_wbuf_printf(b, "<div><b>%lld</b>事案 <span class=\"en\">incidents</span></div>\n", (long long)incidents);
    jkb_wbuf_printf(b, "<div><b>%lld</b>通知 <span class=\"en\">notices</span></div>\n", (long long)notices);
    jkb_wbuf_puts(b, "</section>\n\n<h2>");
    ui_html(b, labels, "counts");
    jkb_wbuf_puts(b, "</h2>\n<section class=\"counts-grid\">\n");
    if ((st = count_table(s, &q, labels, "category", "category", incidents, b, err)) != JKB_OK ||
        (st = count_table(s, &q, labels, "org_kind", "org_kind", incidents, b, err)) != JKB_OK ||
        (st = count_table(s, &q, labels, "data_class", "data_class", incidents, b, err)) != JKB_OK)
        goto out;
    jkb_wbuf_puts(b, "</section>\n\n<section class=\"charts\">\n<div class=\"chart-box\"><h2>");
    ui_html(b, labels, "monthly");
    jkb_wbuf_puts(b, "</h2><div id=\"chart-monthly\"><noscript>charts need JavaScript</noscript></div></div>\n"
                     "<div class=\"chart-box\"><h2>");
    ui_html(b, labels, "timing_hist");
    jkb_wbuf_puts(b, "</h2><div id=\"chart-timing\"></div></div>\n<div class=\"chart-box\"><h2>");
    ui_html(b, labels, "top_data");
    jkb_wbuf_puts(b, "</h2><div id=\"chart-data\"></div></div>\n</section>\n\n<h2>");
    ui_html(b, labels, "timing");
    jkb_wbuf_puts(b, "</h2>\n<table class=\"counts timing\"><thead><tr><th></th><th class=\"num\">n</th>"
                     "<th class=\"num\">中央値 <span class=\"en\">median</span></th><th class=\"num\">90% "
                     "<span class=\"en\">p90</span></th></tr></thead><tbody>\n");
    timing_tab tt = {b, labels};
    if ((st = jkb_store_timing(s, &q, timing_row, &tt, err)) != JKB_OK)
        goto out;
    jkb_wbuf_puts(b, "</tbody></table>\n<p class=\"figures\">日数 <span class=\"en\">days</span></p>\n\n<h2>");
    ui_html(b, labels, "results");
    jkb_wbuf_puts(b, "</h2>\n<div class=\"table-wrap\"><table id=\"results\"><thead><tr><th>公表日 <span "
                     "class=\"en\">Published</span></th><th>事件簿番号 <span class=\"en\">case id</span></th>"
                     "<th>組織 <span class=\"en\">Organization</span></th><th>分類 <span "
                     "class=\"en\">Categories</span></th><th>件数 <span class=\"en\">Affected</span></th>"
                     "<th>情報 <span class=\"en\">Data</span></th><th>出典 <span class=\"en\">Source</span></th>"
                     "</tr></thead><tbody>\n");
    inc_tab it = {b, labels, 0};
    size_t total = 0;
    q.limit = REPORT_MAX_ROWS;
    if ((st = jkb_store_search(s, &q, incident_row, &it, &total, err)) != JKB_OK)
        goto out;
    jkb_wbuf_puts(b, "</tbody></table></div>\n");
    if (total > it.n)
        jkb_wbuf_printf(b, "<p class=\"figures\">%zu / %zu</p>\n", it.n, total);
    jkb_wbuf_puts(b, "</main>\n<footer class=\"foot\"><p>jikenbo ");
    jkb_wbuf_puts(b, jkb_version());
    jkb_wbuf_puts(b, "</p></footer>\n<script type=\"application/json\" id=\"jkb-data\">{\"labels\":");
    jkb_wbuf_json_raw(b, lab->data, lab->len);
    jkb_wbuf_puts(b, ",\"monthly\":");
    jkb_wbuf_json_raw(b, monthly.p, monthly.len);
    jkb_wbuf_puts(b, ",\"timing\":");
    jkb_wbuf_json_raw(b, timing.p, timing.len);
    jkb_wbuf_puts(b, ",\"data_classes\":");
    jkb_wbuf_json_raw(b, data.p, data.len);
    jkb_wbuf_puts(b, "}</script>\n<script>\n");
    if (inline_asset(b, "charts.js", "script", err) != 0 || inline_asset(b, "report.js", "script", err) != 0) {
        st = JKB_EINVAL;
        goto out;
    }
    jkb_wbuf_puts(b, "</script>\n</body>\n</html>\n");
    if (b->failed) {
        st = JKB_ENOMEM;
        if (err)
            snprintf(err->msg, sizeof err->msg, "out of memory while writing the report");
    }
out:
    if (st != JKB_OK && err)
        err->code = st;
    json_decref(labels);
    jkb_wbuf_free(&monthly);
    jkb_wbuf_free(&timing);
    jkb_wbuf_free(&data);
    return st;
}
