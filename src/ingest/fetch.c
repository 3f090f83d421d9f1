/*
 * jkb_fetch: one GET over http or https with libcurl's easy interface, one
 * handle per call, under caps on time, size and redirects. Keeps the body,
 * the status, the Content-Type with its charset, and the URL after the
 * redirects (the source to record).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "jikenbo/ingest.h"
#include "ingest_internal.h"

#define DEFAULT_TIMEOUT_MS 30000L
#define DEFAULT_MAX_BYTES ((size_t)64 * 1024 * 1024)
#define DEFAULT_MAX_REDIRECTS 5
/* A server that does not answer the handshake in this time will not send a
 * notice in the rest of it. */
#define MAX_CONNECT_MS 10000L

/* ---- libcurl's process-wide setup ---- */

/* curl_global_init must run once per process before any handle, and is not
 * thread-safe on every libcurl build: pthread_once makes the first
 * jkb_fetch of any thread run it, so callers need no init call of their own.
 * It is never undone (curl_global_cleanup at exit would race with other
 * users of libcurl in the process); this is the ingest layer's only global. */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* ---- the body ---- */

struct sink {
    char *p;
    size_t len, cap, max;
    bool over, oom;
};

/* Over the cap the transfer is aborted (a short write is an error to
 * libcurl): a server that lies about or omits Content-Length, or a
 * compressed body that inflates past the cap, stops here. */
static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    struct sink *s = ud;
    size_t n = size * nmemb;
    if (n > s->max - s->len) {
        s->over = true;
        return 0;
    }
    if (n >= s->cap - s->len) {
        size_t cap = s->cap ? s->cap : 16384;
        while (n >= cap - s->len)
            cap *= 2; /* under twice max: max <= SIZE_MAX / 4 */
        char *p = realloc(s->p, cap);
        if (!p) {
            s->oom = true;
            return 0;
        }
        s->p = p;
        s->cap = cap;
    }
    memcpy(s->p + s->len, data, n);
    s->len += n;
    return n;
}

/* ---- Content-Type ---- */

/* The charset parameter of a Content-Type value, unquoted, into buf. */
static void content_charset(const char *ct, char *buf, size_t cap)
{
    size_t n = strlen(ct), i, k = 0;
    buf[0] = '\0';
    for (i = 0; i + 8 <= n; i++) {
        if (!jkb_ascii_prefix(ct + i, n - i, "charset="))
            continue;
        const char *p = ct + i + 8;
        while (*p == ' ' || *p == '"' || *p == '\'')
            p++;
        while (p[k] && p[k] != '"' && p[k] != '\'' && p[k] != ';' && p[k] != ' ' &&
               p[k] != '\t' && p[k] != ',' && k + 1 < cap)
            k++;
        memcpy(buf, p, k);
        buf[k] = '\0';
        return;
    }
}

/* ---- the transfer ---- */

static jkb_status curl_fail(jkb_err *err, CURLcode rc, const struct sink *s, const char *errbuf,
                            long timeout_ms, int max_redirects)
{
    const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    switch (rc) {
    case CURLE_WRITE_ERROR:
        if (s->over)
            return jkb_ingest_fail(err, JKB_ETOOBIG, 0, "larger than %zu bytes", s->max);
        if (s->oom)
            return jkb_ingest_fail(err, JKB_ENOMEM, 0, "out of memory");
        break;
    case CURLE_FILESIZE_EXCEEDED:
        /* Content-Length said so before the body came. */
        return jkb_ingest_fail(err, JKB_ETOOBIG, 0, "larger than %zu bytes", s->max);
    case CURLE_OPERATION_TIMEDOUT:
        return jkb_ingest_fail(err, JKB_EIO, 0, "timed out after %ld ms: %.140s", timeout_ms, why);
    case CURLE_TOO_MANY_REDIRECTS:
        return jkb_ingest_fail(err, JKB_EIO, 0, "more than %d redirects", max_redirects);
    case CURLE_UNSUPPORTED_PROTOCOL:
        /* The URL was checked: a redirect led elsewhere (file:, ftp:...). */
        return jkb_ingest_fail(err, JKB_EIO, 0,
                               "redirected to a URL that is not http or https: %.120s", why);
    case CURLE_URL_MALFORMAT:
        return jkb_ingest_fail(err, JKB_EINVAL, 0, "malformed URL: %.160s", why);
    case CURLE_OUT_OF_MEMORY:
        return jkb_ingest_fail(err, JKB_ENOMEM, 0, "out of memory");
    default:
        break;
    }
    return jkb_ingest_fail(err, JKB_EIO, 0, "%.180s", why);
}

static bool http_url(const char *url)
{
    size_t n = strlen(url);
    return jkb_ascii_prefix(url, n, "http://") || jkb_ascii_prefix(url, n, "https://");
}

jkb_status jkb_fetch(const char *url, const jkb_fetch_opts *opts, jkb_fetched *out, jkb_err *err)
{
    jkb_status st = JKB_OK;
    CURL *h = NULL;
    CURLcode rc;
    struct sink s = {0};
    char errbuf[CURL_ERROR_SIZE];
    char ua[64];
    long timeout_ms = DEFAULT_TIMEOUT_MS;
    int max_redirects = DEFAULT_MAX_REDIRECTS;
    long status = 0;
    char *ct = NULL, *eff = NULL;

    if (err) {
        err->code = JKB_OK;
        err->offset = 0;
        err->msg[0] = '\0';
    }
    if (!out)
        return jkb_ingest_fail(err, JKB_EINVAL, 0, "jkb_fetch: out is NULL");
    memset(out, 0, sizeof *out);
    if (!url || !*url)
        return jkb_ingest_fail(err, JKB_EINVAL, 0, "jkb_fetch: no URL");
    /* Before libcurl, which knows file:, ftp:, dict:, gopher:... */
    if (!http_url(url))
        return jkb_ingest_fail(err, JKB_EINVAL, 0, "only http and https URLs are fetched");
    if (strlen(url) >= sizeof out->final_url)
        return jkb_ingest_fail(err, JKB_EINVAL, 0, "URL longer than %zu bytes",
                               sizeof out->final_url - 1);
    s.max = DEFAULT_MAX_BYTES;
    if (opts) {
        if (opts->timeout_ms < 0 || opts->max_redirects < -1)
            return jkb_ingest_fail(err, JKB_EINVAL, 0, "jkb_fetch: negative timeout or redirects");
        if (opts->timeout_ms)
            timeout_ms = opts->timeout_ms;
        if (opts->max_bytes)
            s.max = opts->max_bytes;
        if (opts->max_redirects)
            max_redirects = opts->max_redirects;
    }
    if (s.max > SIZE_MAX / 4)
        s.max = SIZE_MAX / 4; /* the buffer doubling in on_body stays in range */
    snprintf(ua, sizeof ua, "jikenbo/%s", JKB_VERSION);

    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK)
        return jkb_ingest_fail(err, JKB_EIO, 0, "libcurl could not be set up: %s",
                               curl_easy_strerror(curl_init_rc));
    h = curl_easy_init();
    if (!h)
        return jkb_ingest_fail(err, JKB_ENOMEM, 0, "out of memory");
    errbuf[0] = '\0';

    /* Each setopt can only fail for want of memory or an unknown option;
     * the protocol limits must hold, so their failure is checked. */
    rc = curl_easy_setopt(h, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85: the _STR forms */
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    if (rc != CURLE_OK) {
        st = curl_fail(err, rc, &s, errbuf, timeout_ms, max_redirects);
        goto out;
    }
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    /* No signals: libcurl's resolver timeout would otherwise use SIGALRM,
     * which is neither thread-safe nor ours to take. */
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, max_redirects > 0 ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, (long)(max_redirects > 0 ? max_redirects : 0));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     timeout_ms < MAX_CONNECT_MS ? timeout_ms : MAX_CONNECT_MS);
    /* Every encoding this libcurl can decode; the cap counts decoded bytes. */
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)s.max);
    curl_easy_setopt(h, CURLOPT_USERAGENT, opts && opts->user_agent ? opts->user_agent : ua);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);

    rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        st = curl_fail(err, rc, &s, errbuf, timeout_ms, max_redirects);
        goto out;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff);
    curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct);
    if (!eff)
        eff = (char *)url;
    if (status >= 400) {
        st = jkb_ingest_fail(err, JKB_EIO, 0, "HTTP %ld from %.160s", status, eff);
        goto out;
    }
    if (status >= 300 && status < 400) {
        /* Redirects off, or one without a Location: no notice in it. */
        st = jkb_ingest_fail(err, JKB_EIO, 0, "HTTP %ld, a redirect that was not followed", status);
        goto out;
    }
    if (strlen(eff) >= sizeof out->final_url) {
        st = jkb_ingest_fail(err, JKB_EIO, 0, "redirected to a URL longer than %zu bytes",
                             sizeof out->final_url - 1);
        goto out;
    }
    /* The body is NUL-terminated for callers that print it; len excludes it. */
    if (!s.p) {
        s.p = malloc(1);
        if (!s.p) {
            st = jkb_ingest_fail(err, JKB_ENOMEM, 0, "out of memory");
            goto out;
        }
    }
    s.p[s.len] = '\0';
    out->body = s.p;
    out->len = s.len;
    s.p = NULL;
    out->status = status;
    snprintf(out->final_url, sizeof out->final_url, "%s", eff);
    if (ct) {
        snprintf(out->content_type, sizeof out->content_type, "%s", ct);
        content_charset(ct, out->charset, sizeof out->charset);
    }
out:
    free(s.p);
    if (h)
        curl_easy_cleanup(h);
    return st;
}

void jkb_fetched_free(jkb_fetched *f)
{
    if (!f)
        return;
    free(f->body);
    memset(f, 0, sizeof *f);
}
