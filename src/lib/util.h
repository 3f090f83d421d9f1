/*
 * Small memory helpers of the core: a growable byte buffer with a hard cap
 * (curl's dynbuf) and a bump arena that owns every string a record hands out.
 */
#ifndef JKB_UTIL_H
#define JKB_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "jikenbo/jikenbo.h"

typedef struct jkb_buf {
    char *p;
    size_t len, cap, max;
} jkb_buf;

void jkb_buf_init(jkb_buf *b, size_t max);
jkb_status jkb_buf_reserve(jkb_buf *b, size_t extra);
jkb_status jkb_buf_add(jkb_buf *b, const void *p, size_t n);
jkb_status jkb_buf_addc(jkb_buf *b, char c);
void jkb_buf_free(jkb_buf *b);

/* Arena: blocks of memory released all at once (or reset for reuse). */
typedef struct jkb_arena_block jkb_arena_block;
typedef struct jkb_arena {
    jkb_arena_block *head;
    size_t used, cap;
} jkb_arena;

void jkb_arena_init(jkb_arena *a);
void *jkb_arena_alloc(jkb_arena *a, size_t n);
char *jkb_arena_strndup(jkb_arena *a, const char *s, size_t n);
void jkb_arena_reset(jkb_arena *a); /* keeps the first block */
void jkb_arena_free(jkb_arena *a);

/* A growable array of fixed-size items, capped. */
typedef struct jkb_vec {
    void *p;
    size_t n, cap, size;
} jkb_vec;

void jkb_vec_init(jkb_vec *v, size_t item_size);
void *jkb_vec_grow(jkb_vec *v); /* jkb_vec_push when full */
/* Room for at least n items (n, not n more). */
jkb_status jkb_vec_reserve(jkb_vec *v, size_t n);
void jkb_vec_free(jkb_vec *v);

/* Append a zeroed item; NULL on ENOMEM. Inline: rules push in loops. */
static inline void *jkb_vec_push(jkb_vec *v)
{
    if (v->n == v->cap)
        return jkb_vec_grow(v);
    void *item = (char *)v->p + v->n * v->size;
    memset(item, 0, v->size);
    v->n++;
    return item;
}
#define JKB_VEC_AT(v, T, i) (((T *)(v)->p)[i])

void jkb_err_set(jkb_err *err, jkb_status code, size_t offset, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* UTF-8 helpers (no <ctype.h> on bytes). */
static inline int jkb_is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static inline int jkb_is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline unsigned char jkb_lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c; }
/* Length of the UTF-8 sequence starting with byte c (1 for invalid lead bytes). */
static inline size_t jkb_u8len(unsigned char c)
{
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF8 ? 4 : 1;
}
/* Does s[pos..len) start with the literal lit? */
static inline int jkb_at(const char *s, size_t len, size_t pos, const char *lit, size_t litlen)
{
    return pos <= len && len - pos >= litlen && memcmp(s + pos, lit, litlen) == 0;
}
/* The first occurrence of the 3-byte character w in s[0, n), or NULL
 * (memmem is not POSIX). A memchr on w[0] stops at nearly every character
 * of Japanese text (E3 leads all kana and punctuation): compare 16
 * positions at once instead (SSE2, the x86-64 baseline). */
static inline const char *jkb_find3(const char *s, size_t n, const char *w)
{
    const char *end = s + n;
#if defined(__SSE2__)
    if (n >= 18) {
        const __m128i a = _mm_set1_epi8(w[0]), b = _mm_set1_epi8(w[1]), c = _mm_set1_epi8(w[2]);
        for (; s + 18 <= end; s += 16) {
            __m128i x0 = _mm_loadu_si128((const __m128i *)(const void *)s);
            __m128i x1 = _mm_loadu_si128((const __m128i *)(const void *)(s + 1));
            __m128i x2 = _mm_loadu_si128((const __m128i *)(const void *)(s + 2));
            __m128i m = _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(x0, a), _mm_cmpeq_epi8(x1, b)),
                                      _mm_cmpeq_epi8(x2, c));
            unsigned bits = (unsigned)_mm_movemask_epi8(m);
            if (bits)
                return s + __builtin_ctz(bits);
        }
    }
#endif
    while (s + 3 <= end) {
        const char *p = memchr(s, (unsigned char)w[0], (size_t)(end - s) - 2);
        if (!p)
            return NULL;
        if (p[1] == w[1] && p[2] == w[2])
            return p;
        s = p + 1;
    }
    return NULL;
}

/* lit must be a string literal (the "" concatenation enforces it) */
#define JKB_AT(s, len, pos, lit) jkb_at((s), (len), (pos), "" lit "", sizeof(lit) - 1)

#endif
