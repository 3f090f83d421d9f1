/*
 * jkb_fetch against a small HTTP server on 127.0.0.1 (port 0) run by this
 * test in a thread: a Shift_JIS notice with its charset in Content-Type, a
 * 404, redirect chains and loops, bodies over the cap, a response slower than
 * the timeout; and URLs refused before any network access.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "jikenbo/ingest.h"

#ifndef JKB_TEST_DATA
#error "JKB_TEST_DATA must name the tests/ folder"
#endif

static char *slurp(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/unit/data/%s", JKB_TEST_DATA, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    char *buf = NULL;
    size_t n = 0, cap = 0, r;
    do {
        if (cap - n < 4096) {
            cap = cap ? cap * 2 : 8192;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    *len = n;
    return buf;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the server ---- */

#define BIG_BODY ((size_t)2 * 1024 * 1024)

struct server {
    int fd, port;
    pthread_t thread;
    atomic_int stop;
    atomic_int requests;
    char *sjis;
    size_t sjis_len;
};

static struct server srv;

static int send_all(int c, const char *p, size_t n)
{
    while (n) {
        ssize_t k = send(c, p, n, MSG_NOSIGNAL);
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static void reply(int c, const char *status, const char *headers, const char *body, size_t n)
{
    char head[512];
    int k = snprintf(head, sizeof head, "HTTP/1.1 %s\r\n%sContent-Length: %zu\r\nConnection: close\r\n\r\n",
                     status, headers, n);
    if (send_all(c, head, (size_t)k) == 0)
        send_all(c, body, n);
}

static void redirect(int c, const char *to)
{
    char h[256];
    snprintf(h, sizeof h, "Location: %s\r\n", to);
    reply(c, "302 Found", h, "moved", 5);
}

/* Has the client hung up? Waits up to ms for it to. */
static int client_gone(int c, int ms)
{
    struct pollfd p = {c, POLLIN, 0};
    char b[64];
    return poll(&p, 1, ms) > 0 && recv(c, b, sizeof b, 0) <= 0;
}

static void big(int c, int with_length)
{
    static char chunk[65536];
    char head[256];
    memset(chunk, 'a', sizeof chunk);
    int k = with_length ? snprintf(head, sizeof head,
                                   "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
                                   "Connection: close\r\n\r\n", BIG_BODY)
                        : snprintf(head, sizeof head,
                                   "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n");
    if (send_all(c, head, (size_t)k))
        return;
    for (size_t sent = 0; sent < BIG_BODY; sent += sizeof chunk)
        if (send_all(c, chunk, sizeof chunk))
            return; /* the client stopped reading at its cap */
}

/* The number after prefix in path, or -1. */
static int num_after(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    int v = 0;
    if (strncmp(path, prefix, n) != 0 || !path[n])
        return -1;
    for (const char *p = path + n; *p; p++) {
        if (*p < '0' || *p > '9' || v > 1000)
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v;
}

static void serve(int c)
{
    char req[8192];
    size_t n = 0;
    struct timeval tv = {2, 0};
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (n < sizeof req - 1) {
        ssize_t k = recv(c, req + n, sizeof req - 1 - n, 0);
        if (k <= 0)
            return;
        n += (size_t)k;
        req[n] = '\0';
        if (strstr(req, "\r\n\r\n"))
            break;
    }
    atomic_fetch_add(&srv.requests, 1);
    char path[256] = "";
    if (strncmp(req, "GET ", 4) == 0) {
        size_t i = 0;
        while (i + 1 < sizeof path && req[4 + i] && req[4 + i] != ' ')
            path[i] = req[4 + i], i++;
        path[i] = '\0';
    }
    int num = 0;
    char to[128];
    if (strcmp(path, "/sjis") == 0) {
        reply(c, "200 OK", "Content-Type: text/plain; charset=Shift_JIS\r\n", srv.sjis, srv.sjis_len);
    } else if (strcmp(path, "/quoted") == 0) {
        reply(c, "200 OK", "Content-Type: text/html;charset=\"EUC-JP\"\r\n", "<p>x</p>", 8);
    } else if (strcmp(path, "/404") == 0) {
        reply(c, "404 Not Found", "Content-Type: text/html\r\n", "<h1>Not Found</h1>", 18);
    } else if ((num = num_after(path, "/chain/")) >= 0) {
        /* /chain/3 -> /chain/2 -> /chain/1 -> /chain/0 */
        if (num > 0) {
            snprintf(to, sizeof to, "/chain/%d", num - 1);
            redirect(c, to);
        } else
            reply(c, "200 OK", "Content-Type: text/plain; charset=utf-8\r\n", "end of chain", 12);
    } else if ((num = num_after(path, "/loop/")) >= 0) {
        /* Ten redirects before an answer. */
        if (num < 10) {
            snprintf(to, sizeof to, "http://127.0.0.1:%d/loop/%d", srv.port, num + 1);
            redirect(c, to);
        } else
            reply(c, "200 OK", "", "out of the loop", 15);
    } else if (strcmp(path, "/tofile") == 0) {
        redirect(c, "file:///etc/passwd");
    } else if (strcmp(path, "/big") == 0) {
        big(c, 1);
    } else if (strcmp(path, "/big-nolength") == 0) {
        big(c, 0);
    } else if (strcmp(path, "/slow") == 0) {
        static const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\n";
        if (send_all(c, head, sizeof head - 1))
            return;
        /* The body comes after 5 s, or never if the client gives up. */
        for (int i = 0; i < 100 && !atomic_load(&srv.stop); i++)
            if (client_gone(c, 50))
                return;
        send_all(c, "late", 4);
    } else {
        reply(c, "404 Not Found", "", "no", 2);
    }
}

static void *server_main(void *arg)
{
    (void)arg;
    /* Bounded: wakes every 50 ms to see whether the tests are done. */
    while (!atomic_load(&srv.stop)) {
        struct pollfd p = {srv.fd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0)
            continue;
        int c = accept(srv.fd, NULL, NULL);
        if (c < 0)
            continue;
        serve(c);
        close(c);
    }
    return NULL;
}

static int server_up(void **state)
{
    (void)state;
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    memset(&srv, 0, sizeof srv);
    srv.sjis = slurp("notice.sjis.txt", &srv.sjis_len);
    srv.fd = socket(AF_INET, SOCK_STREAM, 0);
    if (srv.fd < 0)
        return -1;
    int one = 1;
    setsockopt(srv.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (bind(srv.fd, (struct sockaddr *)&a, sizeof a) || listen(srv.fd, 16) ||
        getsockname(srv.fd, (struct sockaddr *)&a, &al))
        return -1;
    srv.port = ntohs(a.sin_port);
    return pthread_create(&srv.thread, NULL, server_main, NULL) ? -1 : 0;
}

static int server_down(void **state)
{
    (void)state;
    atomic_store(&srv.stop, 1);
    pthread_join(srv.thread, NULL);
    close(srv.fd);
    free(srv.sjis);
    return 0;
}

static const char *url(const char *path)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "http://127.0.0.1:%d%s", srv.port, path);
    return buf;
}

static void fails(const char *u, const jkb_fetch_opts *o, jkb_status code, const char *msg_part)
{
    jkb_fetched f;
    jkb_err e;
    memset(&f, 0xaa, sizeof f);
    jkb_status st = jkb_fetch(u, o, &f, &e);
    if (st != code)
        fail_msg("%s: status %d (%s), wanted %d", u, (int)st, e.msg, (int)code);
    assert_int_equal(e.code, code);
    if (!strstr(e.msg, msg_part))
        fail_msg("%s: message \"%s\" lacks \"%s\"", u, e.msg, msg_part);
    assert_null(f.body);
    assert_int_equal(f.len, 0);
    jkb_fetched_free(&f);
}

/* ---- tests ---- */

static void shift_jis_notice(void **state)
{
    (void)state;
    jkb_fetched f;
    jkb_err e;
    if (jkb_fetch(url("/sjis"), NULL, &f, &e) != JKB_OK)
        fail_msg("%s", e.msg);
    assert_int_equal(f.status, 200);
    assert_int_equal(f.len, srv.sjis_len);
    assert_memory_equal(f.body, srv.sjis, f.len);
    assert_int_equal(f.body[f.len], '\0');
    assert_string_equal(f.content_type, "text/plain; charset=Shift_JIS");
    assert_string_equal(f.charset, "Shift_JIS");
    assert_string_equal(f.final_url, url("/sjis"));

    /* What the CLI does next: decode with the header's charset. */
    size_t m;
    char *want = slurp("notice.utf8.txt", &m);
    jkb_text t;
    assert_int_equal(jkb_text_decode(f.body, f.len, f.final_url, f.charset, JKB_FMT_AUTO, &t, &e), JKB_OK);
    assert_string_equal(t.charset, "SHIFT_JIS");
    assert_int_equal(t.len, m);
    assert_memory_equal(t.text, want, m);
    jkb_text_free(&t);
    free(want);
    jkb_fetched_free(&f);
    jkb_fetched_free(&f);
    jkb_fetched_free(NULL);

    /* A quoted charset, no space after the semicolon. */
    assert_int_equal(jkb_fetch(url("/quoted"), NULL, &f, &e), JKB_OK);
    assert_string_equal(f.charset, "EUC-JP");
    jkb_fetched_free(&f);

    /* The cap is inclusive. */
    jkb_fetch_opts o = {.max_bytes = srv.sjis_len};
    assert_int_equal(jkb_fetch(url("/sjis"), &o, &f, &e), JKB_OK);
    jkb_fetched_free(&f);
    o.max_bytes = srv.sjis_len - 1;
    fails(url("/sjis"), &o, JKB_ETOOBIG, "larger than");
}

static void not_found(void **state)
{
    (void)state;
    fails(url("/404"), NULL, JKB_EIO, "HTTP 404 from http://127.0.0.1:");
}

static void redirects(void **state)
{
    (void)state;
    jkb_fetched f;
    jkb_err e;
    /* A chain of 3: followed, the final URL kept. */
    assert_int_equal(jkb_fetch(url("/chain/3"), NULL, &f, &e), JKB_OK);
    assert_int_equal(f.status, 200);
    assert_string_equal(f.body, "end of chain");
    assert_string_equal(f.final_url, url("/chain/0"));
    jkb_fetched_free(&f);

    /* Ten is more than the default five: stopped after six requests. */
    int before = atomic_load(&srv.requests);
    fails(url("/loop/0"), NULL, JKB_EIO, "more than 5 redirects");
    assert_int_equal(atomic_load(&srv.requests) - before, 6);

    /* Allowed ten, it gets out. */
    jkb_fetch_opts o = {.max_redirects = 10};
    assert_int_equal(jkb_fetch(url("/loop/0"), &o, &f, &e), JKB_OK);
    assert_string_equal(f.body, "out of the loop");
    assert_string_equal(f.final_url, url("/loop/10"));
    jkb_fetched_free(&f);

    /* Redirects off. */
    o.max_redirects = -1;
    fails(url("/chain/1"), &o, JKB_EIO, "HTTP 302");
    o.max_redirects = 2;
    fails(url("/chain/3"), &o, JKB_EIO, "more than 2 redirects");

    /* A redirect to another scheme is not followed. */
    fails(url("/tofile"), NULL, JKB_EIO, "not http or https");
}

static void too_big(void **state)
{
    (void)state;
    jkb_fetch_opts o = {.max_bytes = 1024 * 1024};
    /* Content-Length says so at once; without it the body is cut at the cap. */
    fails(url("/big"), &o, JKB_ETOOBIG, "larger than 1048576 bytes");
    fails(url("/big-nolength"), &o, JKB_ETOOBIG, "larger than 1048576 bytes");
    /* Under a larger cap it comes whole. */
    jkb_fetched f;
    jkb_err e;
    o.max_bytes = BIG_BODY;
    assert_int_equal(jkb_fetch(url("/big-nolength"), &o, &f, &e), JKB_OK);
    assert_int_equal(f.len, BIG_BODY);
    jkb_fetched_free(&f);
}

static void slow(void **state)
{
    (void)state;
    jkb_fetch_opts o = {.timeout_ms = 300};
    double t0 = now();
    fails(url("/slow"), &o, JKB_EIO, "timed out after 300 ms");
    double dt = now() - t0;
    if (dt > 3.0)
        fail_msg("a 300 ms timeout took %.1f s", dt);
}

static void refused_schemes(void **state)
{
    (void)state;
    /* No network: these never reach libcurl. */
    fails("file:///etc/passwd", NULL, JKB_EINVAL, "only http and https URLs are fetched");
    fails("ftp://127.0.0.1/notice.txt", NULL, JKB_EINVAL, "only http and https URLs are fetched");
    fails("gopher://127.0.0.1/", NULL, JKB_EINVAL, "only http and https");
    fails("dict://127.0.0.1/", NULL, JKB_EINVAL, "only http and https");
    fails("/etc/passwd", NULL, JKB_EINVAL, "only http and https");
    fails("httpx://127.0.0.1/", NULL, JKB_EINVAL, "only http and https");
    fails("", NULL, JKB_EINVAL, "no URL");
    fails(NULL, NULL, JKB_EINVAL, "no URL");
    jkb_err e;
    assert_int_equal(jkb_fetch(url("/sjis"), NULL, NULL, &e), JKB_EINVAL);
    jkb_fetch_opts o = {.timeout_ms = -1};
    fails(url("/sjis"), &o, JKB_EINVAL, "negative");
    char longu[3000];
    memset(longu, 'a', sizeof longu);
    memcpy(longu, "http://", 7);
    longu[sizeof longu - 1] = '\0';
    fails(longu, NULL, JKB_EINVAL, "longer than 2047 bytes");
    /* The scheme is case-insensitive. */
    char up[256];
    snprintf(up, sizeof up, "HTTP://127.0.0.1:%d/chain/0", srv.port);
    jkb_fetched f;
    assert_int_equal(jkb_fetch(up, NULL, &f, &e), JKB_OK);
    jkb_fetched_free(&f);
}

int main(void)
{
    /* The server is on loopback: no proxy from the environment. */
    setenv("no_proxy", "*", 1);
    setenv("NO_PROXY", "*", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shift_jis_notice),
        cmocka_unit_test(not_found),
        cmocka_unit_test(redirects),
        cmocka_unit_test(too_big),
        cmocka_unit_test(slow),
        cmocka_unit_test(refused_schemes),
    };
    return cmocka_run_group_tests(tests, server_up, server_down);
}
