/*
 * NFKC + Japanese folds with an offset map (see norm.h). Most characters of a
 * notice are already normal (kana, kanji, ASCII): they are copied after a
 * range check; the common full-width forms are folded by table; only the rest
 * goes through utf8proc, one small run at a time.
 */
#include "norm.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "util.h"

void jkb_norm_init(jkb_norm *n) { memset(n, 0, sizeof *n); }

void jkb_norm_free(jkb_norm *n)
{
    free(n->s);
    free(n->map);
    memset(n, 0, sizeof *n);
}

int32_t jkb_utf8_next(const char *s, size_t len, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s + *i;
    size_t left = len - *i;
    unsigned char c = p[0];
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    int32_t cp;
    size_t n;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        (*i)++;
        return -1;
    }
    if (left < n) {
        (*i)++;
        return -1;
    }
    for (size_t k = 1; k < n; k++) {
        if ((p[k] & 0xC0) != 0x80) {
            (*i)++;
            return -1;
        }
        cp = (cp << 6) | (p[k] & 0x3F);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
        (*i)++;
        return -1;
    }
    *i += n;
    return cp;
}

static size_t put_utf8(char *o, int32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Our folds on top of NFKC: one code point in, one out (or -1: none). */
static int32_t fold(int32_t cp)
{
    if (cp >= 0xFF01 && cp <= 0xFF5E) /* full-width ASCII: what NFKC gives */
        return cp == 0xFF5E ? '~' : cp - 0xFEE0;
    switch (cp) {
    case 0x3000: return ' ';
    case 0x301C: case 0x223C: case 0x301D: case 0x2053: return '~';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212:
    case 0xFE63: return '-';
    case 0x00A0: return ' ';
    default: return -1;
    }
}

/* Already NFKC-normal and not combining with a neighbour? */
static int clean(int32_t cp)
{
    if (cp < 0x80)
        return 1;
    if ((cp >= 0x3041 && cp <= 0x3096) || (cp >= 0x30A1 && cp <= 0x30FA) || cp == 0x30FC ||
        cp == 0x30FB || cp == 0x309D || cp == 0x309E || cp == 0x30FD || cp == 0x30FE)
        return 1;
    if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3001 && cp <= 0x3011) || (cp >= 0x3013 && cp <= 0x301B))
        return 1;
    if (cp >= 0x1100 && cp <= 0x11FF) /* Hangul jamo compose without a combining class */
        return 0;
    const utf8proc_property_t *pr = utf8proc_get_property(cp);
    return pr->decomp_seqindex == UINT16_MAX && pr->combining_class == 0 && pr->comp_exclusion == 0;
}

static jkb_status grow(jkb_norm *n, size_t need)
{
    if (need <= n->cap)
        return JKB_OK;
    size_t cap = n->cap ? n->cap : 4096;
    while (cap < need)
        cap *= 2;
    char *s = realloc(n->s, cap);
    if (!s)
        return JKB_ENOMEM;
    n->s = s;
    uint32_t *m = realloc(n->map, cap * sizeof *m);
    if (!m)
        return JKB_ENOMEM;
    n->map = m;
    n->cap = cap;
    return JKB_OK;
}

jkb_status jkb_norm_run(jkb_norm *n, const char *doc, size_t start, size_t end)
{
    /* NFKC never grows a run by more than 18x (utf8proc's bound); we only
     * use it on small runs, so reserve 2x + room and grow when needed. */
    jkb_status rc = grow(n, (end - start) + 64);
    if (rc)
        return rc;
    size_t o = 0, i = start;
    size_t last_start_o = (size_t)-1, last_start_src = 0; /* last clean starter, for composition */
    while (i < end) {
        unsigned char c = (unsigned char)doc[i];
        /* Invariant: cap >= o + (end - i) + 64. Every path but the NFKC
         * runs writes at most as many bytes as it reads, so only those
         * check for room. */
        if (c < 0x80) {
            if (c == '\r') {
                if (i + 1 < end && doc[i + 1] == '\n') {
                    i++;
                    continue;
                }
                c = '\n';
            }
            last_start_o = o;
            last_start_src = i;
            n->map[o] = (uint32_t)i;
            n->s[o++] = (char)c;
            i++;
            continue;
        }
        /* fast path: a kanji (U+4E00..U+9FFF) or a kana / CJK punctuation
         * character that is already normal is copied as its three bytes */
        if (c >= 0xE3 && c <= 0xE9 && i + 3 <= end && ((unsigned char)doc[i + 1] & 0xC0) == 0x80 &&
            ((unsigned char)doc[i + 2] & 0xC0) == 0x80) {
            unsigned char c1 = (unsigned char)doc[i + 1];
            int fast;
            if (c == 0xE3) {
                uint32_t cp3 = ((uint32_t)(c1 & 0x3F) << 6) | ((unsigned char)doc[i + 2] & 0x3F); /* low 12 bits */
                cp3 |= 0x3000;
                fast = (cp3 >= 0x3041 && cp3 <= 0x3096) || cp3 == 0x309D || cp3 == 0x309E ||
                       (cp3 >= 0x30A1 && cp3 <= 0x30FE) || (cp3 >= 0x3001 && cp3 <= 0x3011) ||
                       (cp3 >= 0x3013 && cp3 <= 0x301B);
            } else {
                fast = c > 0xE4 || c1 >= 0xB8;
            }
            if (fast) {
                n->s[o] = (char)c;
                n->s[o + 1] = doc[i + 1];
                n->s[o + 2] = doc[i + 2];
                n->map[o] = n->map[o + 1] = n->map[o + 2] = (uint32_t)i;
                last_start_o = o;
                last_start_src = i;
                o += 3;
                i += 3;
                continue;
            }
        }
        size_t at = i;
        int32_t cp = jkb_utf8_next(doc, end, &i);
        if (cp < 0) { /* invalid byte: a space that matches nothing */
            n->map[o] = (uint32_t)at;
            n->s[o++] = ' ';
            last_start_o = (size_t)-1;
            continue;
        }
        int32_t f = fold(cp);
        if (f >= 0) {
            n->map[o] = (uint32_t)at;
            n->s[o++] = (char)f;
            last_start_o = (size_t)-1;
            continue;
        }
        if (clean(cp)) {
            last_start_o = o;
            last_start_src = at;
            size_t k = put_utf8(n->s + o, cp);
            for (size_t j = 0; j < k; j++)
                n->map[o + j] = (uint32_t)at;
            o += k;
            continue;
        }
        /* A dirty run: from the last starter (it may compose with what
         * follows) through every following character that is not clean. */
        size_t run_src = at;
        /* only a combining character can change the starter before it */
        const utf8proc_property_t *pr = utf8proc_get_property(cp);
        int combines = pr->combining_class != 0 || cp == 0xFF9E || cp == 0xFF9F || (cp >= 0x1160 && cp <= 0x11FF);
        if (combines && last_start_o != (size_t)-1) {
            o = last_start_o;
            run_src = last_start_src;
        }
        size_t j = i;
        while (j < end) {
            size_t k = j;
            int32_t c2 = jkb_utf8_next(doc, end, &k);
            if (c2 < 0 || clean(c2) || fold(c2) >= 0)
                break;
            j = k;
        }
        utf8proc_uint8_t *out = NULL;
        utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)doc + run_src, (utf8proc_ssize_t)(j - run_src), &out,
                                          UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
        if (r < 0) {
            free(out);
            n->map[o] = (uint32_t)run_src;
            n->s[o++] = ' ';
        } else {
            if ((rc = grow(n, o + (size_t)r * 2 + 64))) {
                free(out);
                return rc;
            }
            /* re-apply our folds on NFKC's output (e.g. a wave dash inside) */
            size_t q = 0;
            while (q < (size_t)r) {
                int32_t c3 = jkb_utf8_next((const char *)out, (size_t)r, &q);
                if (c3 < 0)
                    continue;
                int32_t f3 = fold(c3);
                size_t k = f3 >= 0 ? (n->s[o] = (char)f3, 1) : put_utf8(n->s + o, c3);
                for (size_t z = 0; z < k; z++)
                    n->map[o + z] = (uint32_t)run_src;
                o += k;
            }
            free(out);
        }
        last_start_o = (size_t)-1;
        i = j;
        if (o + (end - i) + 64 > n->cap && (rc = grow(n, o + (end - i) + 64)))
            return rc;
    }
    n->map[o] = (uint32_t)end;
    n->s[o] = 0;
    n->len = o;
    return JKB_OK;
}

jkb_span jkb_norm_span(const jkb_norm *n, const char *doc, size_t a, size_t b)
{
    jkb_span sp;
    if (a > n->len)
        a = n->len;
    if (b > n->len)
        b = n->len;
    if (b < a)
        b = a;
    sp.start = n->map[a];
    if (b == a) {
        sp.end = sp.start;
        return sp;
    }
    /* end at the end of the source character that produced the last byte */
    uint32_t last = n->map[b - 1];
    sp.end = last + (uint32_t)jkb_u8len((unsigned char)doc[last]);
    /* a character cut off by the end of the text ends with the text */
    if (sp.end > n->map[n->len])
        sp.end = n->map[n->len];
    if (sp.end < sp.start)
        sp.end = sp.start;
    return sp;
}
