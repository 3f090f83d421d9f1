/*
 * The web casebook, inside: the server's state, one request, one reply, the
 * output buffer the handlers write JSON and HTML into, and the routes. Used by
 * the files of src/server and by the serve and report commands.
 */
#ifndef JKB_SERVER_H
#define JKB_SERVER_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "jikenbo/jikenbo.h"
#include "jikenbo/store.h"

/* ---- reply.c: an output buffer with a cap and a sticky failure ---- */

/* Every add is checked once, at the end (failed), so that writing JSON reads
 * as the JSON it writes instead of a wall of error checks. */
typedef struct jkb_wbuf {
    char *p;
    size_t len, cap;
    size_t max;  /* 0: no cap */
    int failed;  /* 1: out of memory, 2: over max */
} jkb_wbuf;

void jkb_wbuf_init(jkb_wbuf *b, size_t max);
void jkb_wbuf_free(jkb_wbuf *b);
void jkb_wbuf_add(jkb_wbuf *b, const void *p, size_t n);
void jkb_wbuf_puts(jkb_wbuf *b, const char *s);
void jkb_wbuf_printf(jkb_wbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A JSON string ("null" for NULL). '<', '>', '&' and U+2028/9 are escaped
 * too, so that the JSON can sit inside an HTML <script> block; a byte that
 * is not UTF-8 becomes U+FFFD, so the JSON stays JSON. */
void jkb_wbuf_json_str(jkb_wbuf *b, const char *s, size_t n);
void jkb_wbuf_json_cstr(jkb_wbuf *b, const char *s);
/* A JSON text of our own writers (a stored record) copied with '<', '>'
 * and '&' as \u003c…: those bytes stand only inside its strings, where the
 * escape means the same, and the JSON stays inert inside HTML. NULL: null. */
void jkb_wbuf_json_raw(jkb_wbuf *b, const char *s, size_t n);
/* Text as HTML character data or a quoted attribute value. */
void jkb_wbuf_html(jkb_wbuf *b, const char *s, size_t n);
/* The keys of a bitmask as a JSON array. */
void jkb_wbuf_json_keys(jkb_wbuf *b, uint32_t mask, const char *(*keys)(int));
/* A jkb_write_fn that appends to the jkb_wbuf in ud. */
int jkb_wbuf_write(const char *p, size_t n, void *ud);

/* "2023-01-05", "2023-01", "2023" or "" (y == 0) into out[11]. */
void jkb_date_str(char out[11], jkb_date d);

/* Does s hold valid UTF-8 without NUL bytes or C0 controls other than tab
 * and newline? */
int jkb_utf8_ok(const char *s, size_t n);

/* ---- the reply a handler fills ---- */

typedef struct jkb_reply {
    unsigned status;
    const char *type;        /* Content-Type */
    jkb_wbuf body;
    const char *static_body; /* an embedded asset, sent without copying */
    size_t static_len;
    const char *allow;       /* Allow header of a 405 */
    const char *disposition; /* Content-Disposition of a download */
    int auth_challenge;      /* WWW-Authenticate: Bearer on a 401 */
} jkb_reply;

/* The one way to fail a request: {"error": {"code": code, "message": …}}
 * with status. Anything written to the body before is dropped. */
void reply_error(jkb_reply *r, unsigned status, const char *code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Turn a store or library status into the right error reply. */
void reply_status(jkb_reply *r, jkb_status st, const jkb_err *err);
/* A JSON body the handler has written into r->body: 200, or 500 when the
 * buffer failed. */
void reply_json_done(jkb_reply *r);

/* ---- server.c: the running server ---- */

#define JKB_SRV_MAX_URI 4096            /* request line target, query string included */
#define JKB_SRV_DEFAULT_BODY (8u << 20) /* POST /api/notices */
#define JKB_SRV_MAX_REPLY (512u << 20)  /* an export is built in memory */

/* counts.c: remembered totals of result pages */
#define JKB_COUNT_SLOTS 512
#define JKB_COUNT_KEY 640 /* the filters as a string: q and actor are at most 256 bytes each */
#define JKB_COUNT_TTL 10  /* seconds: other processes may write the casebook */

typedef struct jkb_count_entry {
    uint64_t hash, gen;
    int64_t at;
    size_t total, key_len;
    char key[JKB_COUNT_KEY];
} jkb_count_entry;

typedef struct jkb_server {
    jkb_store **stores;   /* one connection per pool thread */
    int *free_slots;
    size_t n_stores, n_free;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_mutex_t write_mu; /* SQLite takes one writer at a time: queue them here, not in busy retries */
    jkb_engine *eng;          /* extraction for POST and for the assessment of a notice */
    struct jkb_rules *rules;  /* the reporting rules (assess.h), read-only once built */
    pthread_mutex_t counts_mu;
    jkb_count_entry *counts;  /* JKB_COUNT_SLOTS, direct-mapped by hash */
    uint64_t write_gen;       /* bumped by every write: older totals are void */
    char token[256];
    size_t token_len;         /* 0: writing is off */
    size_t max_body;
    int quiet;
    unsigned threads;
    unsigned conn_timeout;    /* seconds of silence before a connection closes; 0: 30 */
    /* every open connection and when its current request began, for the
     * head deadline (server.c) */
    pthread_mutex_t watch_mu;
    struct jkb_watched *watch_list;
} jkb_server;


jkb_store *jkb_server_store(jkb_server *srv);
void jkb_server_release(jkb_server *srv, jkb_store *s);

/* The remembered total of q's filters: 1 and *total, or 0. */
int jkb_counts_get(jkb_server *srv, const jkb_query *q, size_t *total);
/* Remember a total counted when the write generation was gen. */
void jkb_counts_put(jkb_server *srv, const jkb_query *q, size_t total, uint64_t gen);
uint64_t jkb_counts_gen(jkb_server *srv);
/* After a write: every remembered total is void. */
void jkb_counts_forget(jkb_server *srv);

/* One request as the handlers see it. */
typedef struct jkb_req {
    jkb_server *srv;
    struct MHD_Connection *conn;
    const char *method;
    const char *path;     /* decoded path, no query */
    const char *raw;      /* the request target as sent */
    const char *body;     /* POST body (may hold NUL bytes) */
    size_t body_len;
} jkb_req;

/* A query parameter (NULL when absent); *len its decoded length. */
const char *jkb_req_arg(const jkb_req *rq, const char *name, size_t *len);
/* Every query parameter in order; fn returns non-zero to stop. */
typedef int (*jkb_arg_fn)(const char *key, const char *v, size_t n, void *ud);
void jkb_req_each_arg(const jkb_req *rq, jkb_arg_fn fn, void *ud);
/* A request header (NULL when absent). */
const char *jkb_req_header(const jkb_req *rq, const char *name);

/* ---- routes.c ---- */

/* Find the handler of method + path and run it. */
void jkb_route(const jkb_req *rq, jkb_reply *out);

/* ---- handlers.c ---- */

void h_incidents(const jkb_req *rq, const char *arg, jkb_reply *out);
void h_incident(const jkb_req *rq, const char *arg, jkb_reply *out);
void h_stats(const jkb_req *rq, const char *arg, jkb_reply *out);
void h_timing(const jkb_req *rq, const char *arg, jkb_reply *out);
void h_export(const jkb_req *rq, const char *arg, jkb_reply *out);
void h_post_notice(const jkb_req *rq, const char *arg, jkb_reply *out);
void h_version(const jkb_req *rq, const char *arg, jkb_reply *out);

/* ---- query.c: filters from query parameters or command-line options ---- */

/* 2023, 2023-01 or 2023-01-15 (n bytes). 0 or -1. */
int jkb_parse_when(const char *s, size_t n, jkb_date *d);
/* A decimal count under max. 0 or -1. */
int jkb_parse_count(const char *s, size_t n, size_t max, size_t *out);

/* A named filter value into q: "category", "org_kind", "data_class",
 * "authority", "actor", "q", "since", "until", "year". Returns 1 when name is a
 * filter (and the value was good), 0 when name is no filter, -1 with a
 * message in why when the value is bad. Strings stay borrowed. */
int jkb_query_set(jkb_query *q, const char *name, const char *v, size_t n, char *why, size_t whylen);

/* ---- stats.c: what the page's charts and the report draw ---- */

/* Counts by dim (jkb_store_stats' names) as {"label":…,"count":…} rows;
 * split: "category" (or another enum dimension) adds each row's counts per
 * value of it; NULL: none. Writes a JSON object into b. */
jkb_status jkb_stats_json(jkb_store *s, const jkb_query *q, const char *by, const char *split, int notices,
                          jkb_wbuf *b, jkb_err *err);
/* Timing figures and the detected→published histogram as a JSON object. */
jkb_status jkb_timing_json(jkb_store *s, const jkb_query *q, jkb_wbuf *b, jkb_err *err);
/* A notice row in short, as the results table shows it. */
void jkb_row_json(jkb_wbuf *b, const jkb_notice_row *r);

/* ---- assets (the files of web/, compiled in by cmake/embed.cmake) ---- */

struct jkb_embedded {
    const char *name;
    const char *data;
    size_t len;
};
extern const struct jkb_embedded jkb_web_files[];
const struct jkb_embedded *jkb_web_asset(const char *name);

/* ---- the two commands ---- */

typedef struct jkb_server_opts {
    const char *db;
    const char *listen;     /* host:port; "127.0.0.1:8080" */
    const char *token_file; /* NULL: writing is off */
    unsigned threads;       /* 0: the number of cores */
    size_t max_body;        /* 0: JKB_SRV_DEFAULT_BODY */
    int quiet;
} jkb_server_opts;

/* Run until SIGINT or SIGTERM. Prints "listening on http://HOST:PORT/" on
 * stdout once it accepts connections. */
jkb_status jkb_server_run(const jkb_server_opts *o, jkb_err *err);

/* The server without its socket, for jkb_server_run and the harness of
 * fuzz/fuzz_serve.c: init reads the token, builds the engine and rules and
 * opens a casebook connection per thread; start runs libmicrohttpd's thread
 * pool on listen_fd (-1: none, connections come by MHD_add_connection); fini
 * frees what init made (after MHD_stop_daemon). */
jkb_status jkb_server_init(jkb_server *srv, const jkb_server_opts *o, jkb_err *err);
struct MHD_Daemon *jkb_server_start(jkb_server *srv, int listen_fd);
void jkb_server_fini(jkb_server *srv);

typedef struct jkb_html_report_opts {
    jkb_date since, until; /* y == 0: open */
    const jkb_query *query; /* other filters (category, …); NULL: none */
    const char *title;     /* NULL: "Casebook report" with the period */
} jkb_html_report_opts;

/* The self-contained HTML report of the period into b. */
jkb_status jkb_report_html(jkb_store *s, const jkb_html_report_opts *o, jkb_wbuf *b, jkb_err *err);

#endif
