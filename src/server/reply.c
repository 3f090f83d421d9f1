/*
 * Output for the server and the report: a growable buffer with a cap, JSON
 * strings safe inside HTML, HTML escaping, and reply_error(), the one place
 * an error reply ({"error": {"code", "message"}}) is made.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

void jkb_wbuf_init(jkb_wbuf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max;
}

void jkb_wbuf_free(jkb_wbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

static int grow(jkb_wbuf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (extra > SIZE_MAX / 2 - b->len || (b->max && b->len + extra > b->max)) {
        b->failed = 2;
        return -1;
    }
    size_t need = b->len + extra + 1; /* always room for a NUL */
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void jkb_wbuf_add(jkb_wbuf *b, const void *p, size_t n)
{
    if (grow(b, n) != 0)
        return;
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = 0;
}

void jkb_wbuf_puts(jkb_wbuf *b, const char *s) { jkb_wbuf_add(b, s, strlen(s)); }

void jkb_wbuf_printf(jkb_wbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        jkb_wbuf_add(b, small, (size_t)n);
        return;
    }
    if (grow(b, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

int jkb_wbuf_write(const char *p, size_t n, void *ud)
{
    jkb_wbuf *b = ud;
    jkb_wbuf_add(b, p, n);
    return b->failed;
}

/* The length of the UTF-8 sequence at p (strict: no overlongs, surrogates or
 * values past U+10FFFF), or 0 when it is not one. */
static size_t utf8_seq(const unsigned char *p, size_t avail)
{
    unsigned c = p[0];
    size_t k = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (!k || avail < k)
        return 0;
    for (size_t i = 1; i < k; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) || (c == 0xf0 && p[1] < 0x90) ||
        (c == 0xf4 && p[1] > 0x8f))
        return 0;
    return k;
}

void jkb_wbuf_json_str(jkb_wbuf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (!s) {
        jkb_wbuf_puts(b, "null");
        return;
    }
    if (grow(b, n + 2) != 0)
        return;
    jkb_wbuf_add(b, "\"", 1);
    size_t run = 0; /* bytes copied as they are, flushed in one add */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[6];
        size_t skip = 1;
        if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c == '\n')
            esc = "\\n";
        else if (c == '\t')
            esc = "\\t";
        else if (c == '\r')
            esc = "\\r";
        else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7f) {
            u[0] = '\\', u[1] = 'u', u[2] = '0', u[3] = '0', u[4] = hex[c >> 4], u[5] = hex[c & 15];
            jkb_wbuf_add(b, s + i - run, run);
            run = 0;
            jkb_wbuf_add(b, u, 6);
            continue;
        } else if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                   ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
            /* U+2028 and U+2029 end a line in older JavaScript */
            esc = (unsigned char)s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
            skip = 3;
        } else if (c >= 0x80) {
            /* a byte that is not UTF-8 (a client's parameter name echoed in
             * an error, a message cut at its cap) would make the whole reply
             * invalid JSON: it stands as U+FFFD */
            size_t k = utf8_seq((const unsigned char *)s + i, n - i);
            if (!k) {
                esc = "\\ufffd";
            } else {
                run += k;
                i += k - 1;
                continue;
            }
        }
        if (esc) {
            jkb_wbuf_add(b, s + i - run, run);
            run = 0;
            jkb_wbuf_puts(b, esc);
            i += skip - 1;
        } else {
            run++;
        }
    }
    jkb_wbuf_add(b, s + n - run, run);
    jkb_wbuf_add(b, "\"", 1);
}

void jkb_wbuf_json_raw(jkb_wbuf *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *esc = s[i] == '<' ? "\\u003c" : s[i] == '>' ? "\\u003e" : s[i] == '&' ? "\\u0026" : NULL;
        if (!esc) {
            run++;
            continue;
        }
        jkb_wbuf_add(b, s + i - run, run);
        run = 0;
        jkb_wbuf_add(b, esc, 6);
    }
    jkb_wbuf_add(b, s + n - run, run);
}

void jkb_wbuf_json_cstr(jkb_wbuf *b, const char *s) { jkb_wbuf_json_str(b, s, s ? strlen(s) : 0); }

void jkb_wbuf_html(jkb_wbuf *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *esc = NULL;
        switch (s[i]) {
        case '<': esc = "&lt;"; break;
        case '>': esc = "&gt;"; break;
        case '&': esc = "&amp;"; break;
        case '"': esc = "&quot;"; break;
        case '\'': esc = "&#39;"; break;
        default: break;
        }
        if (!esc) {
            run++;
            continue;
        }
        jkb_wbuf_add(b, s + i - run, run);
        run = 0;
        jkb_wbuf_puts(b, esc);
    }
    jkb_wbuf_add(b, s + n - run, run);
}

void jkb_wbuf_json_keys(jkb_wbuf *b, uint32_t mask, const char *(*keys)(int))
{
    jkb_wbuf_add(b, "[", 1);
    int first = 1;
    for (int i = 0; i < 32; i++) {
        if (!(mask & (1u << i)) || !keys(i))
            continue;
        if (!first)
            jkb_wbuf_add(b, ",", 1);
        jkb_wbuf_json_cstr(b, keys(i));
        first = 0;
    }
    jkb_wbuf_add(b, "]", 1);
}

void jkb_date_str(char out[11], jkb_date d)
{
    /* by hand: the ranges are checked, and snprintf cannot prove they fit */
    out[0] = 0;
    if (d.y < 1000 || d.y > 9999)
        return;
    int y = d.y, k = 4;
    for (int i = 3; i >= 0; i--, y /= 10)
        out[i] = (char)('0' + y % 10);
    if (d.m >= 1 && d.m <= 12) {
        out[k++] = '-';
        out[k++] = (char)('0' + d.m / 10);
        out[k++] = (char)('0' + d.m % 10);
        if (d.d >= 1 && d.d <= 31) {
            out[k++] = '-';
            out[k++] = (char)('0' + d.d / 10);
            out[k++] = (char)('0' + d.d % 10);
        }
    }
    out[k] = 0;
}

int jkb_utf8_ok(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        unsigned c = *p;
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
                return 0;
            p++;
            continue;
        }
        size_t k = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
        if (!k || (size_t)(end - p) < k)
            return 0;
        for (size_t i = 1; i < k; i++)
            if ((p[i] & 0xc0) != 0x80)
                return 0;
        /* overlong forms, surrogates and values past U+10FFFF */
        if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) || (c == 0xf0 && p[1] < 0x90) ||
            (c == 0xf4 && p[1] > 0x8f))
            return 0;
        p += k;
    }
    return 1;
}

void reply_error(jkb_reply *r, unsigned status, const char *code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        msg[0] = 0;
    jkb_wbuf_free(&r->body);
    jkb_wbuf_init(&r->body, 0);
    r->static_body = NULL;
    r->static_len = 0;
    r->disposition = NULL;
    r->status = status;
    r->type = "application/json; charset=utf-8";
    jkb_wbuf_puts(&r->body, "{\"error\":{\"code\":");
    jkb_wbuf_json_cstr(&r->body, code);
    jkb_wbuf_puts(&r->body, ",\"message\":");
    jkb_wbuf_json_cstr(&r->body, msg);
    jkb_wbuf_puts(&r->body, "}}\n");
}

void reply_status(jkb_reply *r, jkb_status st, const jkb_err *err)
{
    const char *msg = err && err->msg[0] ? err->msg : jkb_status_str(st);
    switch (st) {
    case JKB_OK:
        return;
    case JKB_ENOTFOUND:
        reply_error(r, 404, "not_found", "%s", msg);
        break;
    case JKB_EINVAL:
        reply_error(r, 400, "bad_parameter", "%s", msg);
        break;
    case JKB_EUTF8:
    case JKB_EFORMAT:
        /* what was sent is not a notice we can read */
        reply_error(r, 415, "unsupported_body", "%s", msg);
        break;
    case JKB_ETOOBIG:
        reply_error(r, 413, "too_large", "%s", msg);
        break;
    case JKB_ESTORE:
        reply_error(r, 500, "store_failed", "%s", msg);
        break;
    default:
        reply_error(r, 500, "internal", "%s", msg);
        break;
    }
}

void reply_json_done(jkb_reply *r)
{
    if (r->body.failed) {
        if (r->body.failed == 2)
            reply_error(r, 500, "reply_too_large", "the reply would pass %zu bytes: narrow the filters",
                        r->body.max);
        else
            reply_error(r, 500, "out_of_memory", "out of memory while writing the reply");
        return;
    }
    r->status = 200;
    r->type = "application/json; charset=utf-8";
}
