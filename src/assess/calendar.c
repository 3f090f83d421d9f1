/*
 * Calendars for deadlines counted in business days (SEC Form 8-K: four
 * business days, weekends and US federal holidays skipped). The holidays
 * themselves are data (data/assess/holidays.tsv): a fixed day observed on
 * the nearest weekday, or the n-th (or last) weekday of a month.
 */
#include <string.h>

#include "assess_internal.h"

int jkb_weekday(int32_t days)
{
    /* 1970-01-01 was a Thursday */
    int w = (int)((days + 4) % 7);
    return w < 0 ? w + 7 : w;
}

static int month_len(int y, int m)
{
    static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return len[m - 1];
}

/* The day (since 1970) a holiday falls on, observed, in year y. */
static int32_t holiday_in(const holiday_def *h, int y)
{
    jkb_date d = {(int16_t)y, (int8_t)h->month, 1};
    if (h->day) {
        d.d = (int8_t)h->day;
        int32_t x = jkb_date_days(d);
        int w = jkb_weekday(x);
        /* Saturday → the Friday before, Sunday → the Monday after */
        return w == 6 ? x - 1 : w == 0 ? x + 1 : x;
    }
    if (h->nth > 0) {
        int32_t first = jkb_date_days(d);
        int shift = (h->dow - jkb_weekday(first) + 7) % 7;
        return first + shift + 7 * (h->nth - 1);
    }
    d.d = (int8_t)month_len(y, h->month);
    int32_t last = jkb_date_days(d);
    return last - (jkb_weekday(last) - h->dow + 7) % 7;
}

int jkb_is_holiday(const jkb_rules *r, const char *calendar, int32_t days)
{
    jkb_date d = jkb_date_from_days(days);
    for (size_t i = 0; i < r->holidays.n; i++) {
        const holiday_def *h = &JKB_VEC_AT(&r->holidays, holiday_def, i);
        if (strcmp(h->calendar, calendar) != 0)
            continue;
        /* a Saturday 1 January is observed on 31 December of the year before */
        for (int y = d.y; y <= d.y + 1; y++) {
            if ((h->from_year && y < h->from_year) || (h->to_year && y > h->to_year))
                continue;
            if (holiday_in(h, y) == days)
                return 1;
        }
    }
    return 0;
}

static int business_day(const jkb_rules *r, const char *calendar, int32_t days)
{
    int w = jkb_weekday(days);
    return w != 0 && w != 6 && !jkb_is_holiday(r, calendar, days);
}

int32_t jkb_add_bdays(const jkb_rules *r, const char *calendar, int32_t start, int n)
{
    int32_t d = start;
    /* the day of the determination does not count */
    while (n > 0) {
        d++;
        if (business_day(r, calendar, d))
            n--;
    }
    return d;
}

int jkb_bdays_between(const jkb_rules *r, const char *calendar, int32_t a, int32_t b)
{
    int sign = 1;
    if (b < a) {
        int32_t t = a;
        a = b;
        b = t;
        sign = -1;
    }
    int n = 0;
    /* bounded by the callers: a deadline and a date of the same notice */
    for (int32_t d = a + 1; d <= b && d - a < 40000; d++)
        n += business_day(r, calendar, d);
    return sign * n;
}
