/*
 * jkb_text_decode: a file's bytes to UTF-8 document text. Refuses binary
 * data, finds the encoding (BOM, ISO-2022-JP escapes, UTF-8 validation,
 * declared charset, uchardet, then CP932/EUC-JP by trial), converts with
 * iconv, turns CRLF/CR into LF and hands HTML on to html.c.
 */
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uchardet.h>

#include "jikenbo/ingest.h"
#include "ingest_internal.h"

/* Binary sniffing looks at this much: enough for any real text file to show
 * what it is, small enough to cost nothing on a 200 MB input. */
#define SNIFF_BYTES ((size_t)64 * 1024)
/* uchardet gets this much: its verdict settles within a few KiB of Japanese,
 * and feeding it a whole large file would be the slowest step by far. */
#define DETECT_BYTES ((size_t)1024 * 1024)
/* <meta charset> is searched in this head of an HTML page. HTML5 says 1 KiB,
 * but older Japanese pages put long comments and scripts before it. */
#define META_BYTES ((size_t)8 * 1024)

jkb_status jkb_ingest_fail(jkb_err *err, jkb_status code, size_t offset, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->code = code;
        err->offset = offset;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

int jkb_ascii_prefix(const char *p, size_t n, const char *lit)
{
    size_t i;
    for (i = 0; lit[i]; i++)
        if (i >= n || lower((unsigned char)p[i]) != lower((unsigned char)lit[i]))
            return 0;
    return 1;
}

static bool ascii_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (lower((unsigned char)*a) != lower((unsigned char)*b))
            return false;
    return *a == *b;
}

/* ---- binary sniffing ---- */

struct magic {
    const char *bytes;
    size_t len;
    const char *what;
};

static const struct magic magics[] = {
    {"PK\x03\x04", 4, "a ZIP archive, not a text notice"},
    {"PK\x05\x06", 4, "a ZIP archive, not a text notice"},
    {"\x89PNG\r\n\x1a\n", 8, "a PNG image, not a text notice"},
    {"\xff\xd8\xff", 3, "a JPEG image, not a text notice"},
    {"GIF87a", 6, "a GIF image, not a text notice"},
    {"GIF89a", 6, "a GIF image, not a text notice"},
    {"\x7f" "ELF", 4, "an ELF executable, not a text notice"},
    {"\x1f\x8b", 2, "gzip-compressed data, not a text notice"},
    {"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "an OLE2 file (old Word/Excel), not a text notice"},
    {"7z\xbc\xaf\x27\x1c", 6, "a 7-Zip archive, not a text notice"},
    {"\xfd" "7zXZ", 5, "xz-compressed data, not a text notice"},
};

static jkb_status sniff_magic(const unsigned char *in, size_t len, jkb_err *err)
{
    size_t i;
    /* Read as text or HTML on the caller's word, a PDF would be garbage:
     * JKB_FMT_AUTO and JKB_FMT_PDF send it to pdf.c before this. */
    if (len >= 5 && memcmp(in, "%PDF-", 5) == 0)
        return jkb_ingest_fail(err, JKB_EFORMAT, 0, "a PDF document, not text: read it as PDF");
    for (i = 0; i < sizeof magics / sizeof magics[0]; i++)
        if (len >= magics[i].len && memcmp(in, magics[i].bytes, magics[i].len) == 0)
            return jkb_ingest_fail(err, JKB_EFORMAT, 0, "%s", magics[i].what);
    return JKB_OK;
}

/* Is there an ISO-2022-JP shift into JIS X 0208 (ESC $ B, ESC $ @) or JIS
 * Roman (ESC ( J)? A bare ESC ( B is only a return to ASCII. */
static bool has_jis_escape(const unsigned char *in, size_t len)
{
    const unsigned char *p = in, *end = in + len;
    while ((p = memchr(p, 0x1b, (size_t)(end - p))) != NULL) {
        if (end - p >= 3 && ((p[1] == '$' && (p[2] == 'B' || p[2] == '@')) ||
                             (p[1] == '(' && p[2] == 'J')))
            return true;
        p++;
    }
    return false;
}

static bool is_binary_ctl(unsigned c, bool esc_ok)
{
    if (c >= 0x20)
        return false;
    return !(c == '\t' || c == '\n' || c == '\r' || c == '\f' || (c == 0x1b && esc_ok));
}

static jkb_status check_controls(const unsigned char *in, size_t len, bool esc_ok, jkb_err *err)
{
    size_t n = len < SNIFF_BYTES ? len : SNIFF_BYTES, i, bad = 0;
    for (i = 0; i < n; i++)
        bad += is_binary_ctl(in[i], esc_ok);
    /* A stray form feed or bell happens in text; one control byte in a
     * hundred does not. */
    if (bad * 100 > n)
        return jkb_ingest_fail(err, JKB_EFORMAT, 0,
                               "binary data (%zu control bytes in the first %zu bytes)", bad, n);
    return JKB_OK;
}

/* ---- UTF-8 ---- */

/* Length of the valid UTF-8 sequence of a non-ASCII lead byte at s[0], n
 * bytes available; 0 when invalid, and *trunc when it is only cut short by
 * the end of the input. Unicode's table 3-7: no overlongs, no surrogates. */
static size_t utf8_seq(const unsigned char *s, size_t n, bool *trunc)
{
    unsigned c = s[0], lo = 0x80, hi = 0xbf; /* range of the second byte */
    size_t need, k;
    if (c >= 0xc2 && c <= 0xdf)
        need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
    } else
        return 0;
    for (k = 1; k <= need; k++) {
        if (k >= n) {
            *trunc = true;
            return 0;
        }
        unsigned d = s[k];
        if (k == 1 ? (d < lo || d > hi) : (d < 0x80 || d > 0xbf))
            return 0;
    }
    return need + 1;
}

/* Offset of the first byte that is not part of a valid UTF-8 sequence, or len
 * when all is valid. *trunc says the bad part is only an incomplete sequence
 * cut off by the end of the input. Scalar, with an 8-byte ASCII skip: this is
 * the hot path for large UTF-8 inputs. */
static size_t utf8_check(const unsigned char *s, size_t len, bool *trunc)
{
    size_t i = 0;
    *trunc = false;
    while (i < len) {
        if (s[i] < 0x80) {
            uint64_t w;
            i++;
            while (i + 8 <= len) {
                memcpy(&w, s + i, 8);
                if (w & UINT64_C(0x8080808080808080))
                    break;
                i += 8;
            }
            continue;
        }
        size_t k = utf8_seq(s + i, len - i, trunc);
        if (k == 0)
            return i;
        i += k;
    }
    return len;
}

/* Is this UTF-8 with a few bad bytes rather than another encoding? Nine in
 * ten non-ASCII bytes inside valid UTF-8 sequences says so: Shift_JIS and
 * EUC-JP text reach a third at most, Latin-1 text next to none. */
static bool broken_utf8(const unsigned char *s, size_t len)
{
    size_t n = len < SNIFF_BYTES ? len : SNIFF_BYTES, i = 0, good = 0, high = 0;
    bool trunc;
    while (i < n) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = utf8_seq(s + i, n - i, &trunc);
        if (k) {
            good += k;
            high += k;
            i += k;
        } else {
            high++;
            i++;
        }
    }
    return good >= 16 && good * 10 >= high * 9;
}

/* Copy n bytes to dst turning CRLF and lone CR into LF; dst may equal src
 * (the result is never longer). Returns the new length. */
static size_t copy_lf(char *dst, const char *src, size_t n)
{
    size_t o = 0, i = 0;
    while (i < n) {
        const char *cr = memchr(src + i, '\r', n - i);
        size_t run = cr ? (size_t)(cr - (src + i)) : n - i;
        if (dst + o != src + i)
            memmove(dst + o, src + i, run);
        o += run;
        i += run;
        if (!cr)
            break;
        dst[o++] = '\n';
        i++;
        if (i < n && src[i] == '\n')
            i++;
    }
    return o;
}

/* ---- iconv ---- */

/* Convert all of in[0..n) from `from` to UTF-8, strictly: an invalid
 * sequence fails with JKB_EUTF8 and *bad at its offset. A sequence cut off
 * by the end of the input (a truncated download) becomes U+FFFD, as for
 * UTF-8. JKB_EINVAL: iconv does not know `from`. */
static jkb_status convert(const char *from, const unsigned char *in, size_t n, char **res,
                          size_t *res_len, size_t *bad)
{
    jkb_status st = JKB_OK;
    char *buf = NULL;
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return JKB_EINVAL;
    /* Room for 3 bytes of UTF-8 per input byte: what half-width kana and
     * JIS X 0213's two-character kana take, the most any Japanese or
     * single-byte decoder writes, so that E2BIG is rare (the pages not
     * written are never touched). 3 more bytes for a U+FFFD. */
    size_t cap = n > (SIZE_MAX - 64) / 3 ? SIZE_MAX - 1 : n * 3 + 64;
    buf = malloc(cap + 1);
    if (!buf) {
        st = JKB_ENOMEM;
        goto out;
    }
    char *ip = (char *)in, *op = buf;
    size_t il = n, ol = cap;
    bool flushing = false, torn = false;
    /* No decoder writes more than 16 bytes of UTF-8 for a byte (TSCII, the
     * most prolific, writes 4 characters). glibc's SHIFT_JISX0213 can,
     * after E2BIG with a character held back, fill every buffer it is given
     * without reading on: an output past this bound, or a second E2BIG
     * without input read, is a decoder that does not fit, not a reason to
     * grow the buffer to gigabytes. */
    size_t bound = n > (SIZE_MAX - 64) / 16 ? SIZE_MAX : n * 16 + 64;
    size_t il_at_e2big = SIZE_MAX;
    for (;;) {
        size_t r = flushing ? iconv(cd, NULL, NULL, &op, &ol) : iconv(cd, &ip, &il, &op, &ol);
        if (r != (size_t)-1) {
            if (flushing)
                break;
            flushing = true; /* stateful encodings may owe a last shift */
            continue;
        }
        if (errno == E2BIG) {
            size_t used = (size_t)(op - buf);
            if ((il == il_at_e2big && !flushing) || used >= bound) {
                *bad = (size_t)(ip - (char *)in);
                st = JKB_EUTF8;
                goto out;
            }
            il_at_e2big = il;
            if (cap > SIZE_MAX / 2 - 1) {
                st = JKB_ENOMEM;
                goto out;
            }
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                st = JKB_ENOMEM;
                goto out;
            }
            buf = nb;
            cap *= 2;
            op = buf + used;
            ol = cap - used;
            continue;
        }
        if (errno == EINVAL && !flushing) {
            torn = true; /* incomplete at the end: drop it, then U+FFFD */
            il = 0;
            continue;
        }
        *bad = (size_t)(ip - (char *)in);
        st = JKB_EUTF8;
        goto out;
    }
    if (torn) {
        if (ol < 3) {
            size_t used = (size_t)(op - buf);
            char *nb = realloc(buf, cap + 4);
            if (!nb) {
                st = JKB_ENOMEM;
                goto out;
            }
            buf = nb;
            op = buf + used;
        }
        memcpy(op, "\xef\xbf\xbd", 3);
        op += 3;
    }
    *res_len = (size_t)(op - buf);
    buf[*res_len] = '\0';
    *res = buf;
    buf = NULL;
out:
    free(buf);
    iconv_close(cd);
    return st;
}

/* Windows writes ISO-2022-JP with CP932's extras (NEC row 13: ①, ㈱; the
 * NEC-selected IBM kanji in rows 89-92) and half-width kana after ESC ( I:
 * "CP50221". glibc's ISO-2022-JP decoders refuse those, so do what Windows
 * does: map the JIS rows onto Shift_JIS bytes and decode them as CP932. */
static jkb_status convert_cp50221(const unsigned char *in, size_t n, char **res, size_t *res_len,
                                  size_t *bad)
{
    enum { ASCII, KANJI, KANA } mode = ASCII;
    jkb_status st = JKB_EUTF8;
    size_t i = 0, o = 0, dummy;
    unsigned char *sj = malloc(n + 1); /* never longer than the input */
    if (!sj)
        return JKB_ENOMEM;
    while (i < n) {
        unsigned c = in[i];
        if (c == 0x1b) {
            const unsigned char *e = in + i + 1;
            size_t left = n - i - 1;
            if (left >= 2 && e[0] == '(' && (e[1] == 'B' || e[1] == 'J'))
                mode = ASCII;
            else if (left >= 2 && e[0] == '(' && e[1] == 'I')
                mode = KANA;
            else if (left >= 2 && e[0] == '$' && (e[1] == 'B' || e[1] == '@'))
                mode = KANJI;
            else
                goto fail;
            i += 3;
            continue;
        }
        if (c >= 0x80)
            goto fail;
        if (c < 0x21 || c == 0x7f || mode == ASCII) {
            sj[o++] = (unsigned char)c;
            i++;
        } else if (mode == KANA) {
            if (c > 0x5f)
                goto fail;
            sj[o++] = (unsigned char)(c | 0x80);
            i++;
        } else {
            unsigned c2 = i + 1 < n ? in[i + 1] : 0;
            if (c2 < 0x21 || c2 > 0x7e)
                goto fail;
            /* JIS row/cell to Shift_JIS lead/trail. */
            sj[o++] = (unsigned char)(((c + 1) >> 1) + (c <= 0x5e ? 0x70 : 0xb0));
            sj[o++] = (unsigned char)(c2 + ((c & 1) ? (c2 >= 0x60 ? 0x20 : 0x1f) : 0x7e));
            i += 2;
        }
    }
    st = convert("CP932", sj, o, res, res_len, &dummy);
    if (st == JKB_EUTF8)
        *bad = 0; /* the Shift_JIS offset means nothing to the caller */
    free(sj);
    return st;
fail:
    *bad = i;
    free(sj);
    return st;
}

/* ---- charset names ---- */

typedef enum cs_kind {
    CS_UNKNOWN,  /* no name, or nothing we can use */
    CS_UTF8,
    CS_SJIS,
    CS_EUCJP,
    CS_JIS,      /* ISO-2022-JP */
    CS_UTF16,    /* any UTF-16/32 spelling */
    CS_CJK,      /* Chinese/Korean multibyte: their byte ranges overlap EUC-JP's */
    CS_OTHER     /* a name we pass to iconv as it is (Latin-1, windows-1252...) */
} cs_kind;

static bool starts_ci(const char *s, const char *lit)
{
    return jkb_ascii_prefix(s, strlen(s), lit);
}

/* Classify a charset name; for CS_OTHER/CS_CJK, canon receives the name in
 * upper case for iconv. Names with odd bytes are refused outright: they go
 * to iconv_open. */
static cs_kind classify(const char *name, char canon[32])
{
    static const char *const sjis[] = {"shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji",
                                       "csshiftjis", "windows-31j", "cp932", "ms932",
                                       "x-ms-cp932", "shift_jisx0213", NULL};
    static const char *const euc[] = {"euc-jp", "eucjp", "x-euc-jp", "euc-jp-ms", "eucjp-ms",
                                      "eucjp-win", "cseucpkdfmtjapanese", "euc-jisx0213", NULL};
    static const char *const cjk[] = {"gb", "big5", "euc-kr", "euc-tw", "uhc", "cp949",
                                      "cp936", "hz", "iso-2022-kr", "iso-2022-cn", "johab",
                                      "x-euc-tw", "ks_c", NULL};
    size_t i, n = strlen(name);
    canon[0] = '\0';
    if (n == 0 || n >= 32)
        return CS_UNKNOWN;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.' || c == ':';
        if (!ok)
            return CS_UNKNOWN;
        canon[i] = (char)((c >= 'a' && c <= 'z') ? c - 32 : c);
    }
    canon[n] = '\0';
    if (ascii_ieq(name, "utf-8") || ascii_ieq(name, "utf8"))
        return CS_UTF8;
    for (i = 0; sjis[i]; i++)
        if (ascii_ieq(name, sjis[i]))
            return CS_SJIS;
    for (i = 0; euc[i]; i++)
        if (ascii_ieq(name, euc[i]))
            return CS_EUCJP;
    if (starts_ci(name, "iso-2022-jp") || ascii_ieq(name, "csiso2022jp"))
        return CS_JIS;
    if (starts_ci(name, "utf-16") || starts_ci(name, "utf-32") || starts_ci(name, "ucs-2"))
        return CS_UTF16;
    if (ascii_ieq(name, "ascii") || ascii_ieq(name, "us-ascii"))
        return CS_UNKNOWN; /* the input is not ASCII, or we would not be here */
    for (i = 0; cjk[i]; i++)
        if (starts_ci(name, cjk[i]))
            return CS_CJK;
    return CS_OTHER;
}

/* Decoders to try for each Japanese family, most likely first. The label is
 * what jkb_text.charset says. */
static const char *const sjis_chain[] = {"CP932", "SHIFT_JISX0213", NULL};
static const char *const euc_chain[] = {"EUC-JP-MS", "EUC-JP", "EUC-JISX0213", NULL};
static const char *const jis_chain[] = {"ISO-2022-JP-2", "ISO-2022-JP-3", "ISO-2022-JP", NULL};

struct conv {
    const unsigned char *in; /* the bytes to decode (after any BOM) */
    size_t n;
    size_t skip;             /* bytes before `in` in the caller's input */
    char **res;
    size_t *res_len;
    char *label;             /* jkb_text.charset, 32 bytes */
};

/* Try one decoder; JKB_OK when it converts cleanly, JKB_EUTF8 when it does
 * not (or iconv lacks it), JKB_ENOMEM. */
static jkb_status try_one(struct conv *cv, const char *iconv_name, const char *label)
{
    size_t bad;
    jkb_status st = convert(iconv_name, cv->in, cv->n, cv->res, cv->res_len, &bad);
    if (st == JKB_EINVAL)
        return JKB_EUTF8;
    if (st == JKB_OK)
        snprintf(cv->label, 32, "%s", label);
    return st;
}

static jkb_status try_chain(struct conv *cv, const char *const *chain, const char *label)
{
    for (; *chain; chain++) {
        jkb_status st = try_one(cv, *chain, label);
        if (st != JKB_EUTF8)
            return st;
    }
    return JKB_EUTF8;
}

static jkb_status try_jis(struct conv *cv)
{
    size_t bad;
    jkb_status st = try_chain(cv, jis_chain, "ISO-2022-JP");
    if (st != JKB_EUTF8)
        return st;
    st = convert_cp50221(cv->in, cv->n, cv->res, cv->res_len, &bad);
    if (st == JKB_OK)
        snprintf(cv->label, 32, "ISO-2022-JP");
    return st;
}

/* Try a classified name. UTF-16 without a BOM is left to the NUL-byte path. */
static jkb_status try_kind(struct conv *cv, cs_kind k, const char *canon)
{
    switch (k) {
    case CS_SJIS:
        return try_chain(cv, sjis_chain, "SHIFT_JIS");
    case CS_EUCJP:
        return try_chain(cv, euc_chain, "EUC-JP");
    case CS_JIS:
        return try_jis(cv);
    case CS_CJK:
    case CS_OTHER:
        return try_one(cv, canon, canon);
    case CS_UNKNOWN:
    case CS_UTF8:
    case CS_UTF16:
        break;
    }
    return JKB_EUTF8;
}

/* The charset of a hint: either a bare name ("Shift_JIS") or a Content-Type
 * value ("text/html; charset=\"Shift_JIS\""). */
static void hint_charset(const char *hint, char buf[32])
{
    const char *p = hint, *cs = NULL;
    size_t n = strlen(hint), i;
    buf[0] = '\0';
    for (i = 0; i + 8 <= n; i++)
        if (jkb_ascii_prefix(hint + i, n - i, "charset=")) {
            cs = hint + i + 8;
            break;
        }
    if (cs)
        p = cs;
    else if (memchr(hint, '/', n) || memchr(hint, ';', n))
        return; /* a media type without a charset */
    while (*p == ' ' || *p == '\t' || *p == '"' || *p == '\'')
        p++;
    for (i = 0; i < 31 && p[i] && p[i] != '"' && p[i] != '\'' && p[i] != ';' && p[i] != ' ' &&
                p[i] != '\t' && p[i] != ',';
         i++)
        buf[i] = p[i];
    buf[i] = '\0';
}

/* ---- uchardet ---- */

static cs_kind detect(const unsigned char *in, size_t n, char canon[32])
{
    cs_kind k = CS_UNKNOWN;
    uchardet_t ud = uchardet_new();
    canon[0] = '\0';
    if (!ud)
        return CS_UNKNOWN;
    if (uchardet_handle_data(ud, (const char *)in, n < DETECT_BYTES ? n : DETECT_BYTES) == 0) {
        uchardet_data_end(ud);
        const char *name = uchardet_get_charset(ud);
        if (name && *name)
            k = classify(name, canon);
    }
    uchardet_delete(ud);
    return k;
}

/* ---- UTF-16/32 ---- */

struct wide {
    const char *iconv_name;
    unsigned unit; /* 2 or 4 */
    bool be;
};

static uint32_t unit_at(const unsigned char *p, const struct wide *w)
{
    if (w->unit == 2)
        return w->be ? (uint32_t)p[0] << 8 | p[1] : (uint32_t)p[1] << 8 | p[0];
    return w->be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
                 : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* The code-unit version of the NUL and control-byte checks. */
static jkb_status check_wide(const unsigned char *in, size_t n, size_t skip, const struct wide *w,
                             jkb_err *err)
{
    size_t i, bad = 0, units = 0;
    for (i = 0; i + w->unit <= n; i += w->unit) {
        uint32_t u = unit_at(in + i, w);
        if (u == 0)
            return jkb_ingest_fail(err, JKB_EFORMAT, skip + i,
                                   "binary data (NUL character at offset %zu)", skip + i);
        if (units < SNIFF_BYTES / 2) {
            units++;
            bad += is_binary_ctl(u, false);
        }
    }
    if (bad * 100 > units)
        return jkb_ingest_fail(err, JKB_EFORMAT, 0,
                               "binary data (%zu control characters in the first %zu)", bad, units);
    return JKB_OK;
}

static jkb_status decode_wide(struct conv *cv, const struct wide *w, jkb_err *err)
{
    size_t bad = 0;
    jkb_status st = check_wide(cv->in, cv->n, cv->skip, w, err);
    if (st != JKB_OK)
        return st;
    st = convert(w->iconv_name, cv->in, cv->n, cv->res, cv->res_len, &bad);
    if (st == JKB_ENOMEM)
        return jkb_ingest_fail(err, st, 0, "out of memory");
    if (st != JKB_OK)
        return jkb_ingest_fail(err, JKB_EUTF8, cv->skip + bad,
                               "not valid %s (bad sequence at byte %zu)", w->iconv_name,
                               cv->skip + bad);
    snprintf(cv->label, 32, "%s", w->iconv_name);
    return JKB_OK;
}

/* A NUL byte in input without a BOM: binary, unless it is UTF-16 whose
 * ASCII characters put every NUL on the same side of the code unit. */
static jkb_status nul_bytes(struct conv *cv, size_t nul_at, const char *hint_cs, jkb_err *err)
{
    static const struct wide le = {"UTF-16LE", 2, false}, be = {"UTF-16BE", 2, true};
    const struct wide *w = NULL;
    size_t i, n = cv->n < SNIFF_BYTES ? cv->n : SNIFF_BYTES, even = 0, odd = 0;
    for (i = 0; i < n; i++)
        if (cv->in[i] == 0)
            (i & 1) ? odd++ : even++;
    if (cv->n % 2 == 0 && odd && !even)
        w = &le;
    else if (cv->n % 2 == 0 && even && !odd)
        w = &be;
    /* Random binary puts NULs on both sides within a few KiB; text that is
     * not UTF-16 has none. decode_wide then insists on clean UTF-16 with
     * no NUL character and few controls. */
    if (w && (odd + even >= 2 || starts_ci(hint_cs, "utf-16"))) {
        jkb_err quiet;
        jkb_status st = decode_wide(cv, w, &quiet);
        if (st != JKB_EFORMAT && st != JKB_EUTF8)
            return st;
    }
    return jkb_ingest_fail(err, JKB_EFORMAT, nul_at, "binary data (NUL byte at offset %zu)",
                           nul_at);
}

/* ---- the decoder ---- */

static jkb_status decode_bytes(const unsigned char *in, size_t len, const char *hint,
                               bool html_possible, char **res, size_t *res_len, char label[32],
                               jkb_err *err)
{
    static const struct wide u32le = {"UTF-32LE", 4, false}, u32be = {"UTF-32BE", 4, true},
                             u16le = {"UTF-16LE", 2, false}, u16be = {"UTF-16BE", 2, true};
    struct conv cv = {in, len, 0, res, res_len, label};
    char hint_cs[32] = "", meta_cs[32] = "", canon[32];
    jkb_status st;
    bool trunc, bom8 = false;
    size_t bad;
    const unsigned char *nul;

    if (hint)
        hint_charset(hint, hint_cs);

    /* 1. A byte order mark settles it (UTF-32LE's starts like UTF-16LE's). */
    const struct wide *w = NULL;
    size_t bom = 0;
    if (len >= 4 && memcmp(in, "\xff\xfe\0\0", 4) == 0)
        w = &u32le, bom = 4;
    else if (len >= 4 && memcmp(in, "\0\0\xfe\xff", 4) == 0)
        w = &u32be, bom = 4;
    else if (len >= 2 && memcmp(in, "\xff\xfe", 2) == 0)
        w = &u16le, bom = 2;
    else if (len >= 2 && memcmp(in, "\xfe\xff", 2) == 0)
        w = &u16be, bom = 2;
    if (w) {
        cv.in += bom, cv.n -= bom, cv.skip = bom;
        st = decode_wide(&cv, w, err);
        goto done;
    }

    /* 2. Binary data. */
    nul = memchr(in, 0, len);
    if (nul) {
        st = nul_bytes(&cv, (size_t)(nul - in), hint_cs, err);
        goto done;
    }
    bool jis = has_jis_escape(in, len);
    st = check_controls(in, len, jis, err);
    if (st != JKB_OK)
        return st;

    if (len >= 3 && memcmp(in, "\xef\xbb\xbf", 3) == 0) {
        bom8 = true;
        cv.in += 3, cv.n -= 3, cv.skip = 3;
    }

    /* 3. ISO-2022-JP is 7-bit, so it would pass for UTF-8: look first. */
    if (jis && !bom8) {
        st = try_jis(&cv);
        if (st != JKB_EUTF8)
            goto done;
    }

    /* 4. UTF-8, the common case: one pass, no detector. */
    bad = utf8_check(cv.in, cv.n, &trunc);
    if (bad == cv.n || trunc) {
        /* A file cut off inside its last character (a truncated download,
         * `head -c`) is still UTF-8: the torn character becomes U+FFFD. */
        char *buf = malloc(bad + 4);
        if (!buf)
            return jkb_ingest_fail(err, JKB_ENOMEM, 0, "out of memory");
        *res_len = copy_lf(buf, (const char *)cv.in, bad);
        if (trunc) {
            memcpy(buf + *res_len, "\xef\xbf\xbd", 3);
            *res_len += 3;
        }
        buf[*res_len] = '\0';
        *res = buf;
        snprintf(label, 32, "UTF-8");
        return JKB_OK;
    }
    if (bom8)
        return jkb_ingest_fail(err, JKB_EUTF8, cv.skip + bad,
                               "not valid UTF-8 despite its BOM (first bad byte at %zu)",
                               cv.skip + bad);

    /* A file of UTF-8 Japanese with a stray byte would otherwise come out as
     * Latin-1, or as CP932 mojibake. */
    if (broken_utf8(cv.in, cv.n))
        return jkb_ingest_fail(err, JKB_EUTF8, cv.skip + bad,
                               "not valid UTF-8 and no Japanese encoding fits (first bad byte at %zu)",
                               cv.skip + bad);

    /* 5. A declared charset: the caller's (HTTP) first, then <meta>. A
     * declared Japanese or CJK encoding is checked by converting strictly;
     * a single-byte one converts anything, so it waits until the Japanese
     * encodings have had their try (old servers say ISO-8859-1 by default). */
    if (html_possible)
        jkb_html_meta_charset((const char *)in, len < META_BYTES ? len : META_BYTES, meta_cs,
                              sizeof meta_cs);
    const char *declared[2] = {hint_cs, meta_cs};
    const char *weak = NULL;
    char weak_canon[32] = "";
    for (int i = 0; i < 2; i++) {
        cs_kind k = classify(declared[i], canon);
        if (k == CS_OTHER) {
            if (!weak) {
                weak = declared[i];
                memcpy(weak_canon, canon, sizeof canon);
            }
            continue;
        }
        st = try_kind(&cv, k, canon);
        if (st != JKB_EUTF8)
            goto done;
    }

    /* 6. uchardet, if it names a Japanese encoding. */
    cs_kind k = detect(cv.in, cv.n, canon);
    if (k == CS_SJIS || k == CS_EUCJP || k == CS_JIS) {
        st = try_kind(&cv, k, canon);
        if (st != JKB_EUTF8)
            goto done;
    }

    /* 7. Japanese by trial, strictly, before anything that is not: uchardet
     * often calls short Shift_JIS "ISO-8859-1" and EUC-JP "EUC-KR", and
     * Latin-1 text seldom survives a strict CP932 decode (an accented
     * letter before a space or a full stop is invalid there). */
    st = try_chain(&cv, sjis_chain, "SHIFT_JIS");
    if (st == JKB_EUTF8)
        st = try_chain(&cv, euc_chain, "EUC-JP");
    if (st != JKB_EUTF8)
        goto done;

    /* 8. Not Japanese: a declared single-byte charset, then uchardet's. */
    if (weak) {
        st = try_kind(&cv, CS_OTHER, weak_canon);
        if (st != JKB_EUTF8)
            goto done;
    }
    if (k == CS_OTHER || k == CS_CJK) {
        st = try_kind(&cv, k, canon);
        if (st != JKB_EUTF8)
            goto done;
    }
    return jkb_ingest_fail(err, JKB_EUTF8, cv.skip + bad,
                           "not valid UTF-8 and no Japanese encoding fits (first bad byte at %zu)",
                           cv.skip + bad);
done:
    if (st == JKB_ENOMEM)
        return jkb_ingest_fail(err, st, 0, "out of memory");
    /* Conversion output is ours, so line ends are fixed in place. */
    if (st == JKB_OK)
        *res_len = copy_lf(*res, *res, *res_len), (*res)[*res_len] = '\0';
    return st;
}

/* ---- format ---- */

/* The extension of a file name or URL path, lower-cased into ext. */
static void name_ext(const char *name, char ext[8])
{
    size_t n = strcspn(name, "?#"), i, dot = n;
    ext[0] = '\0';
    for (i = n; i > 0; i--) {
        if (name[i - 1] == '/' || name[i - 1] == '\\')
            break;
        if (name[i - 1] == '.') {
            dot = i - 1;
            break;
        }
    }
    if (dot == n || n - dot - 1 >= 8)
        return;
    for (i = 0; i < n - dot - 1; i++)
        ext[i] = (char)lower((unsigned char)name[dot + 1 + i]);
    ext[i] = '\0';
}

static bool looks_html(const char *t, size_t n)
{
    size_t i = 0, lim = n < 1024 ? n : 1024;
    while (i < lim && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\f'))
        i++;
    if (jkb_ascii_prefix(t + i, n - i, "<!doctype html") || jkb_ascii_prefix(t + i, n - i, "<html") ||
        jkb_ascii_prefix(t + i, n - i, "<head"))
        return true;
    for (i = 0; i < lim; i++)
        if (t[i] == '<' && (jkb_ascii_prefix(t + i, n - i, "<body") ||
                            jkb_ascii_prefix(t + i, n - i, "<article")))
            return true;
    return false;
}

static jkb_format pick_format(jkb_format fmt, const char *name, const char *t, size_t n)
{
    static const char *const html_ext[] = {"html", "htm", "xhtml", "shtml", NULL};
    static const char *const text_ext[] = {"txt", "text", "md", "csv", "tsv", "log", NULL};
    char ext[8];
    if (fmt != JKB_FMT_AUTO)
        return fmt;
    if (name) {
        name_ext(name, ext);
        for (int i = 0; html_ext[i]; i++)
            if (strcmp(ext, html_ext[i]) == 0)
                return JKB_FMT_HTML;
        for (int i = 0; text_ext[i]; i++)
            if (strcmp(ext, text_ext[i]) == 0)
                return JKB_FMT_TEXT;
    }
    return looks_html(t, n) ? JKB_FMT_HTML : JKB_FMT_TEXT;
}

/* A PDF by its first bytes, or, when the caller leaves the format open, by
 * its name: a .pdf that poppler cannot open then says so, rather than being
 * called a ZIP archive or binary data. */
static bool is_pdf(jkb_format fmt, const char *name, const unsigned char *in, size_t len)
{
    char ext[8];
    if (fmt == JKB_FMT_PDF)
        return true;
    if (fmt != JKB_FMT_AUTO)
        return false;
    if (len >= 5 && memcmp(in, "%PDF-", 5) == 0)
        return true;
    if (!name)
        return false;
    name_ext(name, ext);
    return strcmp(ext, "pdf") == 0;
}

/* ---- API ---- */

jkb_status jkb_text_decode(const char *bytes, size_t len, const char *name, const char *charset_hint,
                           jkb_format fmt, jkb_text *out, jkb_err *err)
{
    return jkb_text_decode_capped(bytes, len, name, charset_hint, fmt, 0, out, err);
}

jkb_status jkb_text_decode_capped(const char *bytes, size_t len, const char *name,
                                  const char *charset_hint, jkb_format fmt, size_t max_text,
                                  jkb_text *out, jkb_err *err)
{
    jkb_status st;
    char *text = NULL, *html = NULL;
    size_t text_len = 0, html_len = 0;
    char label[32] = "UTF-8";
    const unsigned char *in = (const unsigned char *)bytes;

    if (err) {
        err->code = JKB_OK;
        err->offset = 0;
        err->msg[0] = '\0';
    }
    if (!out)
        return jkb_ingest_fail(err, JKB_EINVAL, 0, "jkb_text_decode: out is NULL");
    memset(out, 0, sizeof *out);
    if (!bytes && len)
        return jkb_ingest_fail(err, JKB_EINVAL, 0, "jkb_text_decode: bytes is NULL");
    if (fmt < JKB_FMT_AUTO || fmt > JKB_FMT_PDF)
        return jkb_ingest_fail(err, JKB_EINVAL, 0, "jkb_text_decode: unknown format %d", (int)fmt);

    if (is_pdf(fmt, name, in, len)) {
        /* pdf.c writes UTF-8 with LF line ends itself, under the cap. */
        st = jkb_pdf_extract(bytes, len, max_text ? max_text : JKB_PDF_TEXT_MAX, &text, &text_len,
                             err);
        if (st != JKB_OK)
            goto out;
        snprintf(label, sizeof label, "PDF");
        fmt = JKB_FMT_PDF;
    } else {
        st = sniff_magic(in, len, err);
        if (st != JKB_OK)
            goto out;
        if (len == 0) {
            text = calloc(1, 1);
            if (!text) {
                st = jkb_ingest_fail(err, JKB_ENOMEM, 0, "out of memory");
                goto out;
            }
        } else {
            st = decode_bytes(in, len, charset_hint, fmt != JKB_FMT_TEXT, &text, &text_len, label,
                              err);
            if (st != JKB_OK)
                goto out;
        }

        fmt = pick_format(fmt, name, text, text_len);
        if (fmt == JKB_FMT_HTML && text_len > 0) {
            st = jkb_html_extract(text, text_len, &html, &html_len, err);
            if (st != JKB_OK)
                goto out;
            free(text);
            text = html;
            text_len = html_len;
            html = NULL;
        }
        if (max_text && text_len > max_text) {
            st = jkb_ingest_fail(err, JKB_ETOOBIG, 0, "decoded text larger than %zu bytes",
                                 max_text);
            goto out;
        }
    }

    out->text = text;
    out->len = text_len;
    memcpy(out->charset, label, sizeof out->charset);
    out->format = fmt;
    text = NULL;
out:
    free(text);
    free(html);
    return st;
}

void jkb_text_free(jkb_text *t)
{
    if (!t)
        return;
    free(t->text);
    memset(t, 0, sizeof *t);
}
