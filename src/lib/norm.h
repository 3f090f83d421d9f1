/*
 * Normalization for matching: NFKC (utf8proc) plus the folds Japanese notices
 * need (every wave dash to '~', dashes to '-', U+3000 to ' ', CR to LF), with
 * an offset map so that every span found in the normalized text points back
 * into the document text.
 */
#ifndef JKB_NORM_H
#define JKB_NORM_H

#include <stddef.h>
#include <stdint.h>
#include "jikenbo/jikenbo.h"

typedef struct jkb_norm {
    char *s;        /* normalized text (NUL-terminated) */
    size_t len;
    uint32_t *map;  /* map[i]: document offset of the character that produced s[i]; map[len] = end */
    size_t cap;
} jkb_norm;

void jkb_norm_init(jkb_norm *n);
/* Normalize doc[start, end) into n (reusing its buffers). */
jkb_status jkb_norm_run(jkb_norm *n, const char *doc, size_t start, size_t end);
/* The document span of normalized bytes [a, b). */
jkb_span jkb_norm_span(const jkb_norm *n, const char *doc, size_t a, size_t b);
void jkb_norm_free(jkb_norm *n);

/* Decode one code point at s[*i] (advancing *i); invalid bytes give -1 and
 * advance by one. */
int32_t jkb_utf8_next(const char *s, size_t len, size_t *i);

#endif
