/*
 * Which handler answers a request: the routes table, the token check of the
 * routes that write, and the page's assets, which are only the files of web/
 * compiled in (no file system behind any path, so no path can leave them).
 */
#include <string.h>

#include "server.h"

enum { EXACT = 0, WITH_ID = 1 };  /* WITH_ID: the pattern, then one segment */
enum { READS = 0, WRITES = 1 };

typedef void (*handler_fn)(const jkb_req *rq, const char *arg, jkb_reply *out);

static const struct route {
    const char *method;
    const char *path;
    int match;
    int access;
    handler_fn fn;
} ROUTES[] = {
    {"GET", "/api/incidents", EXACT, READS, h_incidents},
    {"GET", "/api/incidents/", WITH_ID, READS, h_incident},
    {"GET", "/api/stats", EXACT, READS, h_stats},
    {"GET", "/api/stats/timing", EXACT, READS, h_timing},
    {"GET", "/api/export", EXACT, READS, h_export},
    {"GET", "/api/version", EXACT, READS, h_version},
    {"POST", "/api/notices", EXACT, WRITES, h_post_notice},
};

static const struct {
    const char *ext;
    const char *type;
} TYPES[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
};

const struct jkb_embedded *jkb_web_asset(const char *name)
{
    for (const struct jkb_embedded *e = jkb_web_files; e->name; e++)
        if (strcmp(e->name, name) == 0)
            return e;
    return NULL;
}

static const char *type_of(const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++) {
        size_t k = strlen(TYPES[i].ext);
        if (n > k && strcmp(name + n - k, TYPES[i].ext) == 0)
            return TYPES[i].type;
    }
    return "application/octet-stream";
}

/* A dot segment, a backslash or a control byte: no route has one, and a
 * client that sends one is probing, so it gets a clear 400 rather than a 404. */
static int suspicious(const char *path, const char *raw)
{
    for (const char *p = path; *p; p++) {
        if (*p == '\\' || (unsigned char)*p < 0x20)
            return 1;
        if (*p == '/' && p[1] == '.' && (p[2] == '/' || !p[2] || (p[2] == '.' && (p[3] == '/' || !p[3]))))
            return 1;
    }
    /* MHD decodes the path before we see it (and a %00 would end it there):
     * look at what was sent for encoded dots, slashes, backslashes and controls */
    for (const char *p = raw; p && *p && *p != '?'; p++) {
        if (*p != '%')
            continue;
        char a = p[1], b = (char)(p[1] ? p[2] : 0);
        int lo = b == 'e' || b == 'E' || b == 'f' || b == 'F' || b == 'c' || b == 'C';
        if (a == '0' || a == '1' || (a == '2' && (b == 'e' || b == 'E' || b == 'f' || b == 'F')) ||
            (a == '5' && (b == 'c' || b == 'C')) || (a == '7' && lo))
            return 1;
    }
    return 0;
}

/* Bearer token, compared in time that does not depend on where it differs. */
static int token_ok(const jkb_server *srv, const char *auth)
{
    if (!auth || strncmp(auth, "Bearer ", 7) != 0)
        return 0;
    const unsigned char *given = (const unsigned char *)auth + 7;
    size_t n = strlen((const char *)given);
    unsigned diff = n != srv->token_len;
    for (size_t i = 0; i < srv->token_len; i++)
        diff |= (unsigned)((const unsigned char *)srv->token)[i] ^ (i < n ? given[i] : 0u);
    return diff == 0;
}

static int id_segment(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s == '/')
            return 0;
    return 1;
}

static void asset(const jkb_req *rq, jkb_reply *out)
{
    const char *name = rq->path[1] ? rq->path + 1 : "index.html";
    const struct jkb_embedded *e = strchr(name, '/') ? NULL : jkb_web_asset(name);
    if (!e) {
        reply_error(out, 404, "not_found", "no such page");
        return;
    }
    if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0) {
        reply_error(out, 405, "method_not_allowed", "%s is not allowed here", rq->method);
        out->allow = "GET, HEAD";
        return;
    }
    out->status = 200;
    out->type = type_of(e->name);
    out->static_body = e->data;
    out->static_len = e->len;
}

void jkb_route(const jkb_req *rq, jkb_reply *out)
{
    if (rq->path[0] != '/' || suspicious(rq->path, rq->raw)) {
        reply_error(out, 400, "bad_path", "the path has a dot segment, an encoded dot or slash, or a control byte");
        return;
    }
    /* HEAD is GET without the body; MHD leaves the body out */
    const char *method = strcmp(rq->method, "HEAD") == 0 ? "GET" : rq->method;
    const char *allow = NULL;
    for (size_t i = 0; i < sizeof ROUTES / sizeof ROUTES[0]; i++) {
        const struct route *r = &ROUTES[i];
        const char *arg = "";
        if (r->match == EXACT) {
            if (strcmp(rq->path, r->path) != 0)
                continue;
        } else {
            size_t k = strlen(r->path);
            if (strncmp(rq->path, r->path, k) != 0 || !id_segment(rq->path + k))
                continue;
            arg = rq->path + k;
        }
        if (strcmp(method, r->method) != 0) {
            allow = strcmp(r->method, "GET") == 0 ? "GET, HEAD" : r->method;
            continue;
        }
        if (r->access == WRITES) {
            if (!rq->srv->token_len) {
                reply_error(out, 403, "writing_disabled", "this server is read-only (start it with --token-file)");
                return;
            }
            if (!token_ok(rq->srv, jkb_req_header(rq, "Authorization"))) {
                reply_error(out, 401, "unauthorized", "send the server's token as Authorization: Bearer TOKEN");
                out->auth_challenge = 1;
                return;
            }
        }
        r->fn(rq, arg, out);
        return;
    }
    if (allow) {
        reply_error(out, 405, "method_not_allowed", "%s is not allowed on %s", rq->method, rq->path);
        out->allow = allow;
        return;
    }
    if (strncmp(rq->path, "/api/", 5) == 0 || strcmp(rq->path, "/api") == 0) {
        reply_error(out, 404, "not_found", "no such API route");
        return;
    }
    asset(rq, out);
}
