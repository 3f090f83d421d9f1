/*
 * Fuzz target: one HTTP request through the server's routes (jkb_route and
 * the handlers of src/server) without sockets: the request target is parsed
 * here as libmicrohttpd parses it (the path percent-decoded, a %00 ending
 * it; the query split at & and =, '+' a space, then percent-decoded), which
 * is what server.c hands the routes. Checks: the status is one the API
 * documents (a 500 is a failure: the casebook is sound); every error body
 * is {"error":{"code":…,"message":…}} and every JSON reply parses (jansson);
 * an embedded asset is served only for its own name, never for a path with
 * a dot segment or an encoded dot; a 405 says what is allowed, a 401 asks
 * for the token; the store connection goes back to the pool.
 *
 * byte 0: bits 0-2 the method (GET HEAD POST PUT DELETE OPTIONS get ""),
 * bit 3 the server has a token, bit 4 an Authorization header is sent,
 * bits 5-6 the Content-Type (none, text/plain; charset=shift_jis,
 * text/html, the bytes after the Authorization line up to a tab). Then the
 * request target up to a newline, the Authorization value up to a newline,
 * and the rest is the body.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "fuzz_casebook.h"
#include "jikenbo/assess.h"
#include "server.h"

#define TOKEN "fuzz-token-0123456789"
/* The casebook keeps every notice a POST stores, and an export reads (and
 * assesses) all of them: past this many, writing is off (POSTs get 403), so
 * that a run's late inputs cost what its early ones did. Without it a STIX
 * export took 11 s after 40,000 runs under ASan; with 64, a run slowed
 * from 2,000 to 240 runs a second; with 16, 6,000 to 13,000 throughout. */
#define MAX_POSTED 16

/* One casebook, engine and rule table for the process (the engine takes
 * long to compile and the routes only share it); made before the replay
 * forks, the store connection opened in each process as SQLite requires. */
static char db_path[64];
static jkb_engine *eng;
static jkb_rules *rules;
static jkb_store *store;
static pid_t opener;
static jkb_count_entry *counts;
static size_t posted;

static void cleanup(void)
{
    jkb_store_close(store);
    store = NULL;
    jkb_engine_free(eng);
    jkb_rules_free(rules);
    free(counts);
    fz_casebook_remove(db_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_casebook_make(db_path);
    CHECK(jkb_engine_new(&eng, NULL) == JKB_OK && jkb_engine_compile(eng, NULL) == JKB_OK);
    CHECK(jkb_rules_new(&rules, NULL) == JKB_OK);
    counts = calloc(JKB_COUNT_SLOTS, sizeof *counts);
    CHECK(counts != NULL);
    atexit(cleanup);
    return 0;
}

/* ---- the request as libmicrohttpd would hand it over (server.c's part) ---- */

typedef struct fake_arg {
    char *key, *val; /* val NULL: a key without '=' */
    size_t klen, vlen;
} fake_arg;

typedef struct fake_conn {
    fake_arg args[64];
    size_t n_args;
    const char *auth, *ctype;
} fake_conn;

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* MHD_http_unescape: %XX decoded in place, a bad escape kept as is */
static size_t unescape(char *s, size_t n)
{
    size_t w = 0;
    for (size_t r = 0; r < n; r++) {
        int a, b;
        if (s[r] == '%' && r + 2 < n && (a = hexval((unsigned char)s[r + 1])) >= 0 &&
            (b = hexval((unsigned char)s[r + 2])) >= 0) {
            s[w++] = (char)(a * 16 + b);
            r += 2;
        } else {
            s[w++] = s[r];
        }
    }
    s[w] = 0;
    return w;
}

static void parse_query(fake_conn *c, char *q, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (q[i] == '+')
            q[i] = ' ';
    size_t i = 0;
    while (i < n && c->n_args < sizeof c->args / sizeof c->args[0]) {
        size_t e = i;
        while (e < n && q[e] != '&')
            e++;
        q[e] = 0;
        if (e > i) {
            fake_arg *a = &c->args[c->n_args++];
            char *eq = memchr(q + i, '=', e - i);
            a->key = q + i;
            if (eq) {
                *eq = 0;
                a->val = eq + 1;
                a->vlen = unescape(a->val, (size_t)(q + e - a->val));
            }
            a->klen = unescape(a->key, strlen(a->key));
        }
        i = e + 1;
    }
}

const char *jkb_req_arg(const jkb_req *rq, const char *name, size_t *len)
{
    const fake_conn *c = (const fake_conn *)rq->conn;
    for (size_t i = 0; i < c->n_args; i++)
        if (strcmp(c->args[i].key, name) == 0) {
            if (len)
                *len = c->args[i].vlen;
            return c->args[i].val ? c->args[i].val : "";
        }
    return NULL;
}

void jkb_req_each_arg(const jkb_req *rq, jkb_arg_fn fn, void *ud)
{
    const fake_conn *c = (const fake_conn *)rq->conn;
    for (size_t i = 0; i < c->n_args; i++)
        if (fn(c->args[i].key, c->args[i].val, c->args[i].vlen, ud))
            return;
}

const char *jkb_req_header(const jkb_req *rq, const char *name)
{
    const fake_conn *c = (const fake_conn *)rq->conn;
    if (strcasecmp(name, "Authorization") == 0)
        return c->auth;
    if (strcasecmp(name, "Content-Type") == 0)
        return c->ctype;
    return NULL;
}

/* the pool of server.c, one connection deep */
jkb_store *jkb_server_store(jkb_server *srv)
{
    pthread_mutex_lock(&srv->mu);
    CHECK(srv->n_free == 1); /* a handler takes one connection at a time */
    jkb_store *s = srv->stores[srv->free_slots[--srv->n_free]];
    pthread_mutex_unlock(&srv->mu);
    return s;
}

void jkb_server_release(jkb_server *srv, jkb_store *s)
{
    pthread_mutex_lock(&srv->mu);
    CHECK(srv->n_free == 0 && s == srv->stores[0]);
    srv->free_slots[srv->n_free++] = 0;
    pthread_mutex_unlock(&srv->mu);
}

/* ---- the checks ---- */

static void check_error_body(const jkb_reply *r)
{
    json_error_t je;
    json_t *j = json_loadb(r->body.p ? r->body.p : "", r->body.len, 0, &je);
    if (!j)
        fprintf(stderr, "status %u, body not JSON (%s): %.*s\n", r->status, je.text, (int)r->body.len, r->body.p);
    CHECK(j != NULL);
    json_t *e = json_object_get(j, "error");
    CHECK(json_is_object(e) && json_object_size(j) == 1);
    CHECK(json_is_string(json_object_get(e, "code")) && json_string_length(json_object_get(e, "code")) > 0);
    CHECK(json_is_string(json_object_get(e, "message")) && json_string_length(json_object_get(e, "message")) > 0);
    json_decref(j);
}

/* "..", or an encoded dot, anywhere in the path as sent */
static int dotty(const char *raw)
{
    for (const char *p = raw; *p && *p != '?'; p++) {
        if (p[0] == '.' && p[1] == '.')
            return 1;
        if (p[0] == '%' && p[1] == '2' && (p[2] == 'e' || p[2] == 'E'))
            return 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[8] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "get", ""};
    if (size < 1)
        return 0;
    if (!store || getpid() != opener) {
        jkb_err err;
        memset(&err, 0, sizeof err);
        store = NULL;
        CHECK(jkb_store_open(db_path, &store, &err) == JKB_OK);
        opener = getpid();
    }
    unsigned opt = data[0];
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t tlen = nl ? (size_t)(nl - p) : (size_t)(end - p);
    /* server.c answers a longer target with 414 before any route sees it */
    if (tlen > JKB_SRV_MAX_URI)
        return 0;
    /* a NUL in the target ends it, as it would in MHD's C strings */
    char *raw = malloc(tlen + 1), *work = malloc(tlen + 1);
    CHECK(raw && work);
    memcpy(raw, p, tlen);
    raw[tlen] = 0;
    memcpy(work, raw, tlen + 1);
    p = nl ? nl + 1 : end;
    nl = memchr(p, '\n', (size_t)(end - p));
    size_t alen = nl ? (size_t)(nl - p) : (size_t)(end - p);
    char *auth = strndup(p, alen);
    CHECK(auth != NULL);
    p = nl ? nl + 1 : end;
    const char *body = p;
    size_t blen = (size_t)(end - p);
    char ctype_buf[128] = "";
    const char *ctypes[4] = {NULL, "text/plain; charset=shift_jis", "text/html", ctype_buf};
    if (((opt >> 5) & 3) == 3) {
        const char *tab = memchr(body, '\t', blen);
        size_t cl = tab ? (size_t)(tab - body) : 0;
        if (cl >= sizeof ctype_buf)
            cl = sizeof ctype_buf - 1;
        memcpy(ctype_buf, body, cl);
        ctype_buf[cl] = 0;
    }

    fake_conn conn;
    memset(&conn, 0, sizeof conn);
    conn.auth = opt & 16 ? auth : NULL;
    conn.ctype = ctypes[(opt >> 5) & 3];
    /* MHD: the path decoded (a %00 ends it), the query parsed apart */
    char *q = strchr(work, '?');
    if (q) {
        *q++ = 0;
        parse_query(&conn, q, strlen(q));
    }
    unescape(work, strlen(work));

    jkb_server srv;
    memset(&srv, 0, sizeof srv);
    pthread_mutex_init(&srv.mu, NULL);
    pthread_cond_init(&srv.cv, NULL);
    pthread_mutex_init(&srv.write_mu, NULL);
    pthread_mutex_init(&srv.counts_mu, NULL);
    jkb_store *stores[1] = {store};
    int slots[1] = {0};
    srv.stores = stores;
    srv.free_slots = slots;
    srv.n_stores = srv.n_free = 1;
    srv.eng = eng;
    srv.rules = rules;
    srv.counts = counts;
    srv.max_body = 64u << 10;
    srv.quiet = 1;
    if ((opt & 8) && posted < MAX_POSTED) {
        memcpy(srv.token, TOKEN, sizeof TOKEN - 1);
        srv.token_len = sizeof TOKEN - 1;
    }
    const char *method = methods[opt & 7];
    jkb_req rq = {&srv, (struct MHD_Connection *)(void *)&conn, method, work, raw, blen ? body : "", blen};
    jkb_reply r;
    memset(&r, 0, sizeof r);
    jkb_route(&rq, &r);

    CHECK(srv.n_free == 1); /* the connection went back */
    unsigned st = r.status;
    posted += st == 201;
    if (st == 500)
        fprintf(stderr, "500 for %s %s: %.*s\n", method, raw, (int)r.body.len, r.body.p);
    CHECK(st == 200 || st == 201 || st == 400 || st == 401 || st == 403 || st == 404 || st == 405 || st == 413 ||
          st == 415);
    if (st >= 400) {
        CHECK(r.static_body == NULL);
        check_error_body(&r);
    }
    if (st == 405)
        CHECK(r.allow && *r.allow);
    if (st == 401)
        CHECK(r.auth_challenge);
    if (st == 401 || st == 403)
        CHECK(strcmp(method, "POST") == 0);
    if (r.static_body) {
        /* an asset, served for its own name only */
        CHECK(st == 200 && !dotty(raw));
        const char *name = work[1] ? work + 1 : "index.html";
        const struct jkb_embedded *e = jkb_web_asset(name);
        CHECK(e && e->data == r.static_body && e->len == r.static_len);
    } else if (st < 300 && (!r.type || strncmp(r.type, "application/json", 16) == 0)) {
        json_error_t je;
        json_t *j = json_loadb(r.body.p ? r.body.p : "", r.body.len, 0, &je);
        if (!j)
            fprintf(stderr, "%s %s: the reply is not JSON (%s)\n", method, raw, je.text);
        CHECK(j != NULL);
        json_decref(j);
    }
    jkb_wbuf_free(&r.body);
    pthread_mutex_destroy(&srv.mu);
    pthread_cond_destroy(&srv.cv);
    pthread_mutex_destroy(&srv.write_mu);
    pthread_mutex_destroy(&srv.counts_mu);
    free(raw);
    free(work);
    free(auth);
    return 0;
}
