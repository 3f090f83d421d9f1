/*
 * jikenbo serve on libmicrohttpd: the listening socket (loopback unless told
 * otherwise), a pool of MHD threads with a pool of store connections, one
 * request's life (target and body under caps, then routes.c), the headers
 * every reply carries (CSP without inline script, nosniff, Referrer-Policy).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jikenbo/assess.h"
#include "server.h"

/* The page loads its script and style from itself and nothing else; no
 * inline script can run, whatever a notice's text holds. */
#define CSP                                                                                                       \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "         \
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

#define CONN_MEMORY (64u << 10) /* per connection: caps the request line and headers */
/* Headers over this get a JSON 431 of ours; over CONN_MEMORY, libmicrohttpd
 * answers with its own page before any handler runs. */
#define HEADER_CAP (16u << 10)
#define CONN_LIMIT 1024
#define CONN_TIMEOUT 30 /* seconds of silence before a connection is closed */
#define HEAD_DEADLINE CONN_TIMEOUT /* seconds for a request line and headers, however they trickle */

static void fail(jkb_err *err, jkb_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void fail(jkb_err *err, jkb_status code, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    err->code = code;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------ store pool */

jkb_store *jkb_server_store(jkb_server *srv)
{
    pthread_mutex_lock(&srv->mu);
    /* as many connections as MHD threads: a wait here is rare and short */
    while (srv->n_free == 0)
        pthread_cond_wait(&srv->cv, &srv->mu);
    jkb_store *s = srv->stores[srv->free_slots[--srv->n_free]];
    pthread_mutex_unlock(&srv->mu);
    return s;
}

void jkb_server_release(jkb_server *srv, jkb_store *s)
{
    pthread_mutex_lock(&srv->mu);
    for (size_t i = 0; i < srv->n_stores; i++)
        if (srv->stores[i] == s) {
            srv->free_slots[srv->n_free++] = (int)i;
            break;
        }
    pthread_cond_signal(&srv->cv);
    pthread_mutex_unlock(&srv->mu);
}

/* ------------------------------------------------------------ head deadline */

/* MHD's timeout counts silence only: a client that drips a byte a second
 * keeps its connection for ever, and CONN_LIMIT of them lock everyone out
 * (slow-loris; tests/server/faults.py). So every connection is listed here
 * with the time its current request began (connect, or the end of the one
 * before), and the main thread shuts down, once a second, those whose
 * headers are not in after HEAD_DEADLINE. shutdown() and not close(): MHD
 * sees end-of-file and closes the socket itself; the list's mutex is taken
 * by the CLOSED notification, which MHD sends before it closes the fd. */
typedef struct jkb_watched {
    struct jkb_watched *prev, *next;
    int fd;
    int in_request; /* headers in: the request is being read or answered */
    time_t since;
} watched;

static time_t now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode why)
{
    jkb_server *srv = cls;
    watched *w = *socket_ctx;
    pthread_mutex_lock(&srv->watch_mu);
    if (why == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        w = ci ? calloc(1, sizeof *w) : NULL;
        if (w) {
            w->fd = ci->connect_fd;
            w->since = now_s();
            w->next = srv->watch_list;
            if (srv->watch_list)
                srv->watch_list->prev = w;
            srv->watch_list = w;
        }
        *socket_ctx = w;
    } else if (w) {
        if (w->prev)
            w->prev->next = w->next;
        else
            srv->watch_list = w->next;
        if (w->next)
            w->next->prev = w->prev;
        free(w);
        *socket_ctx = NULL;
    }
    pthread_mutex_unlock(&srv->watch_mu);
}

/* headers in (in_request 1), or the request done and the next one's clock started (0) */
static void mark_request(jkb_server *srv, struct MHD_Connection *conn, int in_request)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    watched *w = ci ? ci->socket_context : NULL;
    if (!w)
        return;
    pthread_mutex_lock(&srv->watch_mu);
    w->in_request = in_request;
    w->since = now_s();
    pthread_mutex_unlock(&srv->watch_mu);
}

static void reap_slow_heads(jkb_server *srv)
{
    time_t now = now_s();
    pthread_mutex_lock(&srv->watch_mu);
    for (watched *w = srv->watch_list; w; w = w->next)
        if (!w->in_request && now - w->since >= HEAD_DEADLINE && w->fd >= 0) {
            shutdown(w->fd, SHUT_RDWR);
            w->fd = -1; /* once */
        }
    pthread_mutex_unlock(&srv->watch_mu);
}

/* ------------------------------------------------------------ one request */

typedef struct req_state {
    char *raw;          /* the request target as sent, up to the cap */
    int uri_too_long;
    int started;
    int body_over;
    jkb_wbuf body;
} req_state;

/* MHD calls this first, with the target before any parsing: the one place
 * to see its length and its encoded form. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    (void)conn;
    req_state *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    size_t n = strlen(uri);
    st->uri_too_long = n > JKB_SRV_MAX_URI;
    st->raw = strndup(uri, st->uri_too_long ? 0 : n);
    return st;
}

static void on_done(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode why)
{
    (void)why;
    mark_request(cls, conn, 0);
    req_state *st = *con_cls;
    if (!st)
        return;
    jkb_wbuf_free(&st->body);
    free(st->raw);
    free(st);
    *con_cls = NULL;
}

const char *jkb_req_arg(const jkb_req *rq, const char *name, size_t *len)
{
    const char *v = NULL;
    size_t n = 0;
    if (MHD_lookup_connection_value_n(rq->conn, MHD_GET_ARGUMENT_KIND, name, strlen(name), &v, &n) != MHD_YES)
        return NULL;
    if (len)
        *len = n;
    return v ? v : "";
}

const char *jkb_req_header(const jkb_req *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

typedef struct arg_iter {
    jkb_arg_fn fn;
    void *ud;
} arg_iter;

static enum MHD_Result each_arg(void *cls, enum MHD_ValueKind kind, const char *key, size_t klen, const char *v,
                                size_t vlen)
{
    arg_iter *it = cls;
    (void)kind;
    (void)klen;
    return it->fn(key, v, vlen, it->ud) ? MHD_NO : MHD_YES;
}

void jkb_req_each_arg(const jkb_req *rq, jkb_arg_fn fn, void *ud)
{
    arg_iter it = {fn, ud};
    MHD_get_connection_values_n(rq->conn, MHD_GET_ARGUMENT_KIND, each_arg, &it);
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, jkb_reply *r)
{
    struct MHD_Response *resp;
    int api = r->static_body == NULL;
    if (r->static_body) {
        resp = MHD_create_response_from_buffer(r->static_len, (void *)(uintptr_t)r->static_body,
                                               MHD_RESPMEM_PERSISTENT);
    } else {
        resp = MHD_create_response_from_buffer_with_free_callback(r->body.len, r->body.p, free);
        if (resp)
            r->body.p = NULL; /* MHD owns it now */
    }
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->type ? r->type : "application/json");
    MHD_add_response_header(resp, "Content-Security-Policy", CSP);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, api ? "no-store" : "no-cache");
    if (r->allow)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
    if (r->disposition)
        MHD_add_response_header(resp, "Content-Disposition", r->disposition);
    if (r->auth_challenge)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"jikenbo\"");
    enum MHD_Result ok = MHD_queue_response(conn, r->status ? r->status : 500, resp);
    MHD_destroy_response(resp);
    return ok;
}

static enum MHD_Result error_now(struct MHD_Connection *conn, unsigned status, const char *code, const char *msg)
{
    jkb_reply r;
    memset(&r, 0, sizeof r);
    reply_error(&r, status, code, "%s", msg);
    enum MHD_Result ok = send_reply(conn, &r);
    jkb_wbuf_free(&r.body);
    return ok;
}

static enum MHD_Result add_header_bytes(void *cls, enum MHD_ValueKind kind, const char *key, size_t klen,
                                        const char *v, size_t vlen)
{
    (void)kind;
    (void)key;
    (void)v;
    *(size_t *)cls += klen + vlen + 4; /* "K: V\r\n" */
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    jkb_server *srv = cls;
    req_state *st = *con_cls;
    (void)version;
    if (!st)
        return error_now(conn, 500, "out_of_memory", "out of memory");
    if (!st->started) {
        st->started = 1;
        mark_request(srv, conn, 1);
        if (st->uri_too_long)
            return error_now(conn, 414, "uri_too_long", "the request target (path and query) is over 4096 bytes");
        size_t head = 0;
        MHD_get_connection_values_n(conn, MHD_HEADER_KIND, add_header_bytes, &head);
        if (head > HEADER_CAP)
            return error_now(conn, 431, "headers_too_large", "the request headers are over 16 KiB");
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        size_t n = 0;
        /* refuse a declared oversize body before reading any of it */
        if (cl && (jkb_parse_count(cl, strlen(cl), SIZE_MAX / 2, &n) != 0 || n > srv->max_body))
            return error_now(conn, 413, "body_too_large", "the request body is over the server's cap (--max-body)");
        jkb_wbuf_init(&st->body, srv->max_body);
        return MHD_YES;
    }
    if (*upload_size) {
        if (!st->body_over) {
            jkb_wbuf_add(&st->body, upload, *upload_size);
            st->body_over = st->body.failed;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (st->body_over)
        return error_now(conn, st->body_over == 2 ? 413 : 500, st->body_over == 2 ? "body_too_large" : "out_of_memory",
                         st->body_over == 2 ? "the request body is over the server's cap (--max-body)"
                                            : "out of memory while reading the body");
    jkb_req rq = {srv, conn, method, url, st->raw ? st->raw : url, st->body.p ? st->body.p : "", st->body.len};
    jkb_reply r;
    memset(&r, 0, sizeof r);
    jkb_route(&rq, &r);
    enum MHD_Result ok = send_reply(conn, &r);
    jkb_wbuf_free(&r.body);
    return ok;
}

/* ------------------------------------------------------------ setup */

static int is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6)
        return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr);
    return 0;
}

/* host:port or [v6]:port → a listening socket; the bound address in url. */
static int listen_on(const char *spec, char *url, size_t urlcap, int *loopback, jkb_err *err)
{
    char host[256], port[16];
    const char *colon = strrchr(spec, ':');
    if (!colon || colon == spec || strlen(colon + 1) == 0 || strlen(colon + 1) >= sizeof port ||
        (size_t)(colon - spec) >= sizeof host) {
        fail(err, JKB_EINVAL, "--listen takes HOST:PORT (127.0.0.1:8080, [::1]:8080), not '%s'", spec);
        return -1;
    }
    size_t hl = (size_t)(colon - spec);
    const char *h = spec;
    if (h[0] == '[' && hl >= 2 && h[hl - 1] == ']')
        h++, hl -= 2;
    memcpy(host, h, hl);
    host[hl] = 0;
    memcpy(port, colon + 1, strlen(colon + 1) + 1);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai != 0) {
        fail(err, JKB_EINVAL, "cannot listen on '%s': %s", spec, gai_strerror(gai));
        return -1;
    }
    int fd = -1;
    const char *why = "no address";
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            why = strerror(errno);
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1024) == 0) {
            *loopback = is_loopback(ai->ai_addr);
            break;
        }
        why = strerror(errno);
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        fail(err, JKB_EIO, "cannot listen on %s: %s", spec, why);
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char addr[INET6_ADDRSTRLEN] = "?";
    unsigned p = 0;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET6) {
            struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
            inet_ntop(AF_INET6, &s6->sin6_addr, addr, sizeof addr);
            p = ntohs(s6->sin6_port);
            snprintf(url, urlcap, "http://[%s]:%u/", addr, p);
        } else {
            struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
            inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof addr);
            p = ntohs(s4->sin_port);
            snprintf(url, urlcap, "http://%s:%u/", addr, p);
        }
    }
    return fd;
}

/* The token: the file's first line, which must be 16 to 255 printable bytes. */
static int read_token(const char *path, jkb_server *srv, jkb_err *err)
{
    int rc = -1;
    FILE *f = fopen(path, "r");
    if (!f) {
        fail(err, JKB_EIO, "cannot read the token file %s: %s", path, strerror(errno));
        return -1;
    }
    char line[512];
    if (!fgets(line, sizeof line, f)) {
        fail(err, JKB_EINVAL, "the token file %s is empty", path);
        goto out;
    }
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
        n--;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)line[i] <= 0x20 || (unsigned char)line[i] >= 0x7f) {
            fail(err, JKB_EINVAL, "the token in %s must be printable ASCII without spaces", path);
            goto out;
        }
    if (n < 16 || n >= sizeof srv->token) {
        fail(err, JKB_EINVAL, "the token in %s must be 16 to 255 characters long", path);
        goto out;
    }
    memcpy(srv->token, line, n);
    srv->token[n] = 0;
    srv->token_len = n;
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 077))
        fprintf(stderr, "jikenbo serve: warning: %s can be read by others (chmod 600 it)\n", path);
    rc = 0;
out:
    memset(line, 0, sizeof line);
    fclose(f);
    return rc;
}

void jkb_server_fini(jkb_server *srv)
{
    for (size_t i = 0; i < srv->n_stores; i++)
        jkb_store_close(srv->stores[i]);
    free(srv->stores);
    free(srv->free_slots);
    free(srv->counts);
    jkb_engine_free(srv->eng);
    jkb_rules_free(srv->rules);
    memset(srv->token, 0, sizeof srv->token);
    pthread_mutex_destroy(&srv->mu);
    pthread_cond_destroy(&srv->cv);
    pthread_mutex_destroy(&srv->write_mu);
    pthread_mutex_destroy(&srv->counts_mu);
    pthread_mutex_destroy(&srv->watch_mu);
}

jkb_status jkb_server_init(jkb_server *srv, const jkb_server_opts *o, jkb_err *err)
{
    memset(srv, 0, sizeof *srv);
    pthread_mutex_init(&srv->mu, NULL);
    pthread_cond_init(&srv->cv, NULL);
    pthread_mutex_init(&srv->write_mu, NULL);
    pthread_mutex_init(&srv->counts_mu, NULL);
    pthread_mutex_init(&srv->watch_mu, NULL);
    srv->max_body = o->max_body ? o->max_body : JKB_SRV_DEFAULT_BODY;
    srv->quiet = o->quiet;
    jkb_status st = JKB_OK;
    unsigned threads = o->threads;
    if (!threads) {
        long nc = sysconf(_SC_NPROCESSORS_ONLN);
        threads = nc > 0 ? (unsigned)nc : 2;
    }
    if (threads > 64)
        threads = 64;
    srv->threads = threads;
    if (o->token_file && read_token(o->token_file, srv, err) != 0)
        return err ? err->code : JKB_EINVAL;
    /* built once and shared: extraction is thread-safe on a compiled engine,
     * assessment on a built rule table */
    if ((st = jkb_engine_new(&srv->eng, err)) != JKB_OK || (st = jkb_engine_compile(srv->eng, err)) != JKB_OK ||
        (st = jkb_rules_new(&srv->rules, err)) != JKB_OK)
        return st;
    srv->stores = calloc(threads, sizeof *srv->stores);
    srv->free_slots = calloc(threads, sizeof *srv->free_slots);
    srv->counts = calloc(JKB_COUNT_SLOTS, sizeof *srv->counts);
    if (!srv->stores || !srv->free_slots || !srv->counts) {
        fail(err, JKB_ENOMEM, "out of memory");
        return JKB_ENOMEM;
    }
    for (unsigned i = 0; i < threads; i++) {
        if ((st = jkb_store_open(o->db, &srv->stores[i], err)) != JKB_OK)
            return st;
        srv->free_slots[srv->n_free++] = (int)i;
        srv->n_stores++;
    }
    return JKB_OK;
}

struct MHD_Daemon *jkb_server_start(jkb_server *srv, int listen_fd)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | (srv->quiet ? 0 : MHD_USE_ERROR_LOG);
    if (listen_fd < 0)
        flags |= MHD_USE_NO_LISTEN_SOCKET;
    /* without a socket, the option pair names the connection limit a second
     * time: the argument lists stay one */
    return MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
                            listen_fd >= 0 ? MHD_OPTION_LISTEN_SOCKET : MHD_OPTION_CONNECTION_LIMIT,
                            listen_fd >= 0 ? listen_fd : CONN_LIMIT, MHD_OPTION_THREAD_POOL_SIZE, srv->threads, MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
                            MHD_OPTION_NOTIFY_COMPLETED, on_done, srv, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                            (size_t)CONN_MEMORY, MHD_OPTION_CONNECTION_LIMIT, CONN_LIMIT,
                            MHD_OPTION_CONNECTION_TIMEOUT, srv->conn_timeout ? srv->conn_timeout : CONN_TIMEOUT, MHD_OPTION_NOTIFY_CONNECTION, on_connection,
                            srv, MHD_OPTION_END);
}

jkb_status jkb_server_run(const jkb_server_opts *o, jkb_err *err)
{
    jkb_server srv;
    struct MHD_Daemon *d = NULL;
    int fd = -1;
    jkb_status st = jkb_server_init(&srv, o, err);
    if (st != JKB_OK)
        goto out;
    char url[128] = "";
    int loopback = 0;
    fd = listen_on(o->listen ? o->listen : "127.0.0.1:8080", url, sizeof url, &loopback, err);
    if (fd < 0) {
        st = err ? err->code : JKB_EIO;
        goto out;
    }
    if (!loopback)
        fprintf(stderr, "jikenbo serve: warning: listening beyond loopback: whoever reaches %s reads the casebook\n",
                url);
    /* the MHD threads inherit this mask, so the signals come to sigwait below */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    d = jkb_server_start(&srv, fd);
    if (!d) {
        st = JKB_EIO;
        fail(err, st, "cannot start the HTTP server on %s", url);
        goto out;
    }
    fd = -1; /* the daemon closes it */
    printf("listening on %s (%u threads, %s)\n", url, srv.threads, srv.token_len ? "writes with the token" : "read-only");
    fflush(stdout);
    int sig;
    struct timespec tick = {1, 0};
    while ((sig = sigtimedwait(&sigs, NULL, &tick)) < 0)
        reap_slow_heads(&srv);
    if (!o->quiet)
        fprintf(stderr, "jikenbo serve: %s, stopping\n", sig == SIGINT ? "interrupted" : "terminated");
out:
    if (d)
        MHD_stop_daemon(d);
    if (fd >= 0)
        close(fd);
    jkb_server_fini(&srv);
    return st;
}
