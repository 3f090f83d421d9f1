/*
 * Shared helpers of the fuzz targets: a CHECK that aborts even under NDEBUG
 * (the replay build is a release build), a strict UTF-8 validator and a small
 * JSON syntax checker for what the writers produce.
 */
#ifndef JKB_FUZZ_H
#define JKB_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                                   \
            abort();                                                                                                   \
        }                                                                                                              \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. Returns
 * the offset of the first bad byte, or len when all is well. */
static inline size_t fz_utf8_bad(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            n = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            if (c == 0xE0)
                lo = 0xA0;
            if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            if (c == 0xF0)
                lo = 0x90;
            if (c == 0xF4)
                hi = 0x8F;
        } else
            return i;
        if (len - i < n)
            return i;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k < n; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
        i += n;
    }
    return len;
}

/* ---- a JSON syntax checker (RFC 8259), iterative depth bounded ---- */

typedef struct fz_json {
    const unsigned char *s;
    size_t n, i;
    int depth;
} fz_json;

static inline void fz_ws(fz_json *j)
{
    while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\n' || j->s[j->i] == '\t' || j->s[j->i] == '\r'))
        j->i++;
}

static inline int fz_lit(fz_json *j, const char *w)
{
    size_t k = 0;
    while (w[k]) {
        if (j->i + k >= j->n || j->s[j->i + k] != (unsigned char)w[k])
            return 0;
        k++;
    }
    j->i += k;
    return 1;
}

static inline int fz_string(fz_json *j)
{
    if (j->i >= j->n || j->s[j->i] != '"')
        return 0;
    j->i++;
    while (j->i < j->n) {
        unsigned char c = j->s[j->i];
        if (c == '"') {
            j->i++;
            return 1;
        }
        if (c < 0x20)
            return 0;
        if (c == '\\') {
            j->i++;
            if (j->i >= j->n)
                return 0;
            c = j->s[j->i];
            if (c == 'u') {
                for (int k = 1; k <= 4; k++) {
                    if (j->i + (size_t)k >= j->n)
                        return 0;
                    unsigned char h = j->s[j->i + (size_t)k];
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
                        return 0;
                }
                j->i += 5;
                continue;
            }
            if (c != '"' && c != '\\' && c != '/' && c != 'b' && c != 'f' && c != 'n' && c != 'r' && c != 't')
                return 0;
        }
        j->i++;
    }
    return 0;
}

static inline int fz_number(fz_json *j)
{
    size_t st = j->i;
    if (j->i < j->n && j->s[j->i] == '-')
        j->i++;
    if (j->i >= j->n)
        return 0;
    if (j->s[j->i] == '0')
        j->i++;
    else if (j->s[j->i] >= '1' && j->s[j->i] <= '9')
        while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
            j->i++;
    else
        return 0;
    if (j->i < j->n && j->s[j->i] == '.') {
        j->i++;
        size_t d = j->i;
        while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
            j->i++;
        if (j->i == d)
            return 0;
    }
    if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
        j->i++;
        if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-'))
            j->i++;
        size_t d = j->i;
        while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
            j->i++;
        if (j->i == d)
            return 0;
    }
    return j->i > st;
}

static inline int fz_value(fz_json *j)
{
    fz_ws(j);
    if (j->i >= j->n)
        return 0;
    unsigned char c = j->s[j->i];
    if (c == '"')
        return fz_string(j);
    if (c == '{' || c == '[') {
        if (++j->depth > 64)
            return 0;
        unsigned char close = c == '{' ? '}' : ']';
        j->i++;
        fz_ws(j);
        if (j->i < j->n && j->s[j->i] == close) {
            j->i++;
            j->depth--;
            return 1;
        }
        for (;;) {
            if (c == '{') {
                fz_ws(j);
                if (!fz_string(j))
                    return 0;
                fz_ws(j);
                if (j->i >= j->n || j->s[j->i] != ':')
                    return 0;
                j->i++;
            }
            if (!fz_value(j))
                return 0;
            fz_ws(j);
            if (j->i >= j->n)
                return 0;
            if (j->s[j->i] == ',') {
                j->i++;
                continue;
            }
            if (j->s[j->i] != close)
                return 0;
            j->i++;
            j->depth--;
            return 1;
        }
    }
    if (c == 't')
        return fz_lit(j, "true");
    if (c == 'f')
        return fz_lit(j, "false");
    if (c == 'n')
        return fz_lit(j, "null");
    return fz_number(j);
}

/* Is s[0, n) one JSON value (surrounding white space allowed) in UTF-8? */
static inline int fz_json_valid(const char *s, size_t n)
{
    if (fz_utf8_bad((const unsigned char *)s, n) != n)
        return 0;
    fz_json j = {(const unsigned char *)s, n, 0, 0};
    if (!fz_value(&j))
        return 0;
    fz_ws(&j);
    return j.i == n;
}

#endif
