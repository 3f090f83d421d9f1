/*
 * Date grammar over normalized text (see norm.h: NFKC, ASCII digits, '~' for
 * every wave dash, ASCII spaces and parentheses). Fills the dates of the
 * record: published and the timeline.
 */
#ifndef JKB_DATE_H
#define JKB_DATE_H

#include <stddef.h>
#include <stdint.h>
#include "jikenbo/jikenbo.h"

enum {
    JKB_DATE_HAS_YEAR = 1,    /* the year was written (2023年, 令和5年, R5., 2023/...) */
    JKB_DATE_RELATIVE = 2,    /* 同日, 翌日, 同月N日, 翌N日, 本日, 当日 ... */
    JKB_DATE_YEAR_ONLY = 4,   /* no day: 2023年12月 or 令和5年 (d == 0, maybe m == 0) */
    JKB_DATE_RANGE = 8,       /* a range: end holds the last day */
    JKB_DATE_APPROX = 16,     /* 頃, ごろ, 未明 are not approx; 頃/ごろ/上旬/中旬/下旬 are */
    JKB_DATE_HAS_TIME = 32,   /* a time of day followed or was part of it */
    JKB_DATE_TODAY = 64       /* 本日 / 今日: the reference date */
};

typedef struct jkb_date_ctx {
    jkb_date ref;   /* the notice's date; y == 0 when unknown */
    jkb_date last;  /* the last date mentioned before (for 同日, 翌日, 同月, 同年) */
} jkb_date_ctx;

typedef struct jkb_date_hit {
    size_t start, end;   /* bytes in the normalized text */
    jkb_date date;       /* resolved; y == 0 when no year could be inferred */
    jkb_date end_date;   /* for JKB_DATE_RANGE */
    int hour, minute;    /* -1 when not given */
    unsigned flags;
} jkb_date_hit;

/* Try to read a date at s[pos] (s is `len` bytes of normalized text). On a
 * match fill *out, update ctx->last and return the number of bytes consumed;
 * else return 0 and leave ctx alone. Years are resolved as documented in
 * date.c. Linear in the bytes it looks at; never reads outside [0, len). */
size_t jkb_date_parse(const char *s, size_t len, size_t pos, jkb_date_ctx *ctx, jkb_date_hit *out);

/* Days since 1970-01-01 (proleptic Gregorian); for comparisons and 翌日. */
int32_t jkb_date_days(jkb_date d);
jkb_date jkb_date_from_days(int32_t days);
/* Is y-m-d a real calendar day? */
int jkb_date_valid(int y, int m, int d);
/* Compare: <0, 0, >0 (unknown parts compare as 0). */
int jkb_date_cmp(jkb_date a, jkb_date b);

#endif
