/*
 * Fuzz target: raw bytes on a connection of the running server. The same
 * libmicrohttpd daemon `jikenbo serve` starts (server.c: the request line and
 * header caps, Content-Length and the body cap, the request states, the
 * JSON refusals, then the routes) gets one end of a socket pair by
 * MHD_add_connection; the input is written to the other end, which is then
 * half-closed, and everything the server answers is read until it closes.
 * fuzz_http covers the routes and handlers without sockets; this target is
 * the part in front of them.
 *
 * Checks: every answer is a sequence of HTTP/1.x responses, each with a
 * three-digit status; every response of ours (it has a Content-Type)
 * carries the security headers, and one without (libmicrohttpd's own page
 * for a malformed request) is a refusal; no 500 (the casebook is sound).
 * libmicrohttpd keeps a connection whose client half-closed in the middle
 * of a request line or body until its timeout (the server's head deadline
 * and connection timeout bound that; tests/server/faults.py): so the answer
 * is read until the server closes or, once everything is written, until it
 * has been silent for IDLE_MS, and the harness's server times connections
 * out after a second so that those it leaves behind do not fill its slots.
 *
 * byte 0: bit 0 the server has a token (the Authorization the input may
 * carry is then checked), the rest is written as it is.
 */
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_casebook.h"
#include "server.h"

#define TOKEN "fuzz-token-0123456789"
#define MAX_INPUT (128u << 10)
#define MAX_ANSWER (4u << 20)
#define ANSWER_MS 10000 /* an answer still coming after this is a failure */
#define IDLE_MS 30
/* Stored POSTs stay in the casebook and make every later export and count
 * dearer (fuzz_http's bound, for the same reason): past this many the
 * server without a token answers every input. */
#define MAX_POSTED 64

static char db_path[64], token_path[80];
static jkb_server srv[2]; /* without and with a token */
static struct MHD_Daemon *daemons[2];
static pid_t opener;
static size_t posted;

static void cleanup(void)
{
    for (int i = 0; i < 2; i++)
        if (daemons[i]) {
            MHD_stop_daemon(daemons[i]);
            jkb_server_fini(&srv[i]);
            daemons[i] = NULL;
        }
    if (db_path[0] && opener == getpid()) {
        fz_casebook_remove(db_path);
        unlink(token_path);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_casebook_make(db_path);
    opener = getpid();
    snprintf(token_path, sizeof token_path, "%s.token", db_path);
    FILE *f = fopen(token_path, "w");
    CHECK(f != NULL);
    fputs(TOKEN "\n", f);
    fclose(f);
    chmod(token_path, 0600);
    atexit(cleanup);
    return 0;
}

/* The daemons start on first use: a replay forks after Initialize, and
 * threads and SQLite connections do not survive a fork. */
static struct MHD_Daemon *daemon_for(int with_token)
{
    if (!daemons[with_token]) {
        jkb_server_opts o;
        memset(&o, 0, sizeof o);
        o.db = db_path;
        o.token_file = with_token ? token_path : NULL;
        o.threads = 1;
        o.max_body = 64u << 10;
        o.quiet = 1;
        jkb_err err;
        memset(&err, 0, sizeof err);
        CHECK(jkb_server_init(&srv[with_token], &o, &err) == JKB_OK);
        srv[with_token].conn_timeout = 1;
        daemons[with_token] = jkb_server_start(&srv[with_token], -1);
        CHECK(daemons[with_token] != NULL);
    }
    return daemons[with_token];
}

static long ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static const char *find(const char *h, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(h + i, needle, k) == 0)
            return h + i;
    return NULL;
}

/* The responses in a[0..n): each a status line; one of ours (it has a
 * Content-Type) carries the security headers; one without is
 * libmicrohttpd's own refusal of a malformed request, never a success. */
static void check_answer(const char *a, size_t n)
{
    size_t i = 0;
    while (i < n) {
        CHECK(n - i >= 12 && memcmp(a + i, "HTTP/1.", 7) == 0);
        CHECK(a[i + 8] == ' ' && a[i + 9] >= '1' && a[i + 9] <= '5' && a[i + 10] >= '0' && a[i + 10] <= '9' &&
              a[i + 11] >= '0' && a[i + 11] <= '9');
        int status = (a[i + 9] - '0') * 100 + (a[i + 10] - '0') * 10 + (a[i + 11] - '0');
        CHECK(status != 500);
        const char *end = find(a + i, n - i, "\r\n\r\n");
        if (!end)
            return; /* cut short: the server closed mid-answer */
        size_t head_len = (size_t)(end - (a + i)) + 4;
        const char *head = a + i;
        if (find(head, head_len, "\r\nContent-Type: "))
            CHECK(find(head, head_len, "\r\nX-Content-Type-Options: nosniff\r\n") != NULL &&
                  find(head, head_len, "\r\nContent-Security-Policy: default-src 'none'") != NULL);
        else
            CHECK(status >= 400);
        const char *cl = find(head, head_len, "\r\nContent-Length: ");
        if (!cl)
            return; /* chunked or up to the close: the last response */
        size_t body = 0;
        for (cl += 18; *cl >= '0' && *cl <= '9' && body < MAX_ANSWER; cl++)
            body = body * 10 + (size_t)(*cl - '0');
        i += head_len + body;
        /* a HEAD reply has a Content-Length and no body, and the method is
         * not in the answer: stop where no status line follows */
        if (i < n && (n - i < 7 || memcmp(a + i, "HTTP/1.", 7) != 0))
            return;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > MAX_INPUT)
        return 0;
    struct MHD_Daemon *d = daemon_for((data[0] & 1) && posted < MAX_POSTED);
    const char *in = (const char *)data + 1;
    size_t len = size - 1;
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    struct sockaddr_in peer;
    memset(&peer, 0, sizeof peer);
    peer.sin_family = AF_INET;
    peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    peer.sin_port = htons(40000);
    if (MHD_add_connection(d, sv[0], (const struct sockaddr *)&peer, sizeof peer) != MHD_YES) {
        close(sv[0]);
        close(sv[1]);
        return 0; /* the connection limit: nothing of ours ran */
    }
    char *answer = malloc(MAX_ANSWER);
    CHECK(answer != NULL);
    size_t got = 0, sent = 0;
    int wrote_all = len == 0;
    if (wrote_all)
        shutdown(sv[1], SHUT_WR);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct pollfd p = {sv[1], (short)(POLLIN | (wrote_all ? 0 : POLLOUT)), 0};
        long left = ANSWER_MS - ms_since(&t0);
        CHECK(left > 0); /* still answering after ANSWER_MS */
        int r = poll(&p, 1, wrote_all ? IDLE_MS : (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        CHECK(r >= 0);
        if (r == 0 && wrote_all)
            break; /* silent: waiting for the rest of a request */
        if (p.revents & POLLOUT) {
            ssize_t w = send(sv[1], in + sent, len - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (w > 0)
                sent += (size_t)w;
            if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                wrote_all = 1; /* the server closed: it read what it wanted */
            if (sent == len)
                wrote_all = 1;
            if (wrote_all)
                shutdown(sv[1], SHUT_WR);
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t k = recv(sv[1], answer + got, MAX_ANSWER - got, MSG_DONTWAIT);
            if (k == 0 || (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
                break;
            if (k > 0)
                got += (size_t)k;
            CHECK(got < MAX_ANSWER);
        }
    }
    close(sv[1]);
    for (const char *p = answer; (p = find(p, got - (size_t)(p - answer), "HTTP/1.1 201 ")) != NULL; p++)
        posted++;
    if (getenv("JKB_FUZZ_SERVE_SHOW"))
        fprintf(stderr, "%.*s\n----\n", (int)(got < 600 ? got : 600), answer);
    check_answer(answer, got);
    free(answer);
    return 0;
}
