/*
 * The buffered JSON writer shared by the record writer (json.c) and the
 * assessment writer (src/assess/output.c): output goes through a
 * jkb_write_fn in 4 KiB pieces; strings come out valid JSON whatever bytes
 * they hold (U+FFFD for what is not UTF-8).
 */
#ifndef JKB_JSONW_H
#define JKB_JSONW_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "jikenbo/jikenbo.h"

typedef struct jkb_jw {
    jkb_write_fn fn;
    void *ud;
    int failed;
    int pretty;
    int64_t base; /* the record writer: evidence offsets are written relative to it */
    char buf[4096];
    size_t n;
} jkb_jw;

void jkb_jw_flush(jkb_jw *o);
void jkb_jw_put_slow(jkb_jw *o, const char *p, size_t n);
/* Inline: a record is written in thousands of small pieces. */
static inline void jkb_jw_put(jkb_jw *o, const char *p, size_t n)
{
    if (n <= sizeof o->buf - o->n) {
        memcpy(o->buf + o->n, p, n);
        o->n += n;
        return;
    }
    jkb_jw_put_slow(o, p, n);
}
void jkb_jw_puts(jkb_jw *o, const char *s);
void jkb_jw_str(jkb_jw *o, const char *s, size_t n); /* a JSON string */
void jkb_jw_num(jkb_jw *o, long long v);
void jkb_jw_nl(jkb_jw *o, int depth); /* newline and indent when pretty */

#endif
