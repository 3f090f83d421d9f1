/*
 * Unit tests of the date grammar (src/lib/date.c): every written form, year
 * resolution from the notice date and the date before, ranges, times, the
 * 同日/翌日 chain of the seed casebook, refusals, bounds and linear time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "date.h"

/* Parse txt at 0 from an exact-size heap copy, so that a read past the end
 * is caught by ASan. */
static size_t parse_at(const char *txt, size_t len, size_t pos, jkb_date_ctx *ctx, jkb_date_hit *h)
{
    char *buf = malloc(len ? len : 1);
    assert_non_null(buf);
    memcpy(buf, txt, len);
    size_t n = jkb_date_parse(buf, len, pos, ctx, h);
    free(buf);
    return n;
}

static size_t parse(const char *txt, jkb_date_ctx *ctx, jkb_date_hit *h)
{
    return parse_at(txt, strlen(txt), 0, ctx, h);
}

static jkb_date D(int y, int m, int d)
{
    jkb_date r;
    r.y = (int16_t)y;
    r.m = (int8_t)m;
    r.d = (int8_t)d;
    return r;
}

static jkb_date_ctx CTX(jkb_date ref, jkb_date last)
{
    jkb_date_ctx c;
    c.ref = ref;
    c.last = last;
    return c;
}

#define ASSERT_DATE(dt, yy, mm, dd)          \
    do {                                     \
        assert_int_equal((dt).y, (yy));      \
        assert_int_equal((dt).m, (mm));      \
        assert_int_equal((dt).d, (dd));      \
    } while (0)

/* txt must read as a date of `consumed` bytes (a prefix of txt), y-m-d,
 * with exactly `flags`. */
#define EXPECT(ctxp, txt, consumed, yy, mm, dd, fl)                      \
    do {                                                                 \
        jkb_date_hit h_;                                                 \
        size_t n_ = parse((txt), (ctxp), &h_);                           \
        assert_int_equal(n_, strlen(consumed));                          \
        assert_memory_equal((txt), (consumed), strlen(consumed));        \
        assert_int_equal(h_.start, 0);                                   \
        assert_int_equal(h_.end, n_);                                    \
        ASSERT_DATE(h_.date, (yy), (mm), (dd));                          \
        assert_int_equal(h_.flags, (unsigned)(fl));                      \
    } while (0)

#define EXPECT_NONE(ctxp, txt)                                           \
    do {                                                                 \
        jkb_date_hit h_;                                                 \
        assert_int_equal(parse((txt), (ctxp), &h_), 0);                  \
    } while (0)

enum {
    Y = JKB_DATE_HAS_YEAR, REL = JKB_DATE_RELATIVE, YO = JKB_DATE_YEAR_ONLY,
    RG = JKB_DATE_RANGE, AP = JKB_DATE_APPROX, TM = JKB_DATE_HAS_TIME, TD = JKB_DATE_TODAY
};

static void test_calendar(void **state)
{
    (void)state;
    assert_int_equal(jkb_date_days(D(1970, 1, 1)), 0);
    assert_int_equal(jkb_date_days(D(1970, 1, 2)), 1);
    assert_int_equal(jkb_date_days(D(1969, 12, 31)), -1);
    assert_int_equal(jkb_date_days(D(2000, 3, 1)) - jkb_date_days(D(2000, 2, 28)), 2);
    assert_int_equal(jkb_date_days(D(2023, 3, 1)) - jkb_date_days(D(2023, 2, 28)), 1);
    ASSERT_DATE(jkb_date_from_days(jkb_date_days(D(2024, 2, 29))), 2024, 2, 29);
    ASSERT_DATE(jkb_date_from_days(jkb_date_days(D(2022, 12, 31)) + 1), 2023, 1, 1);
    ASSERT_DATE(jkb_date_from_days(-1), 1969, 12, 31);
    /* every day of 1900..2100 round-trips */
    for (int32_t n = jkb_date_days(D(1900, 1, 1)); n <= jkb_date_days(D(2100, 12, 31)); n++) {
        jkb_date d = jkb_date_from_days(n);
        assert_true(jkb_date_valid(d.y, d.m, d.d));
        assert_int_equal(jkb_date_days(d), n);
    }
    ASSERT_DATE(jkb_date_from_days(INT32_MAX), 0, 0, 0); /* does not fit: unknown */

    assert_true(jkb_date_valid(2024, 2, 29));
    assert_false(jkb_date_valid(2023, 2, 29));
    assert_false(jkb_date_valid(1900, 2, 29));
    assert_true(jkb_date_valid(2000, 2, 29));
    assert_false(jkb_date_valid(2023, 2, 30));
    assert_false(jkb_date_valid(2023, 4, 31));
    assert_false(jkb_date_valid(2023, 13, 1));
    assert_false(jkb_date_valid(2023, 0, 1));
    assert_false(jkb_date_valid(2023, 1, 0));
    assert_true(jkb_date_valid(2023, 12, 31));

    assert_true(jkb_date_cmp(D(2023, 1, 5), D(2023, 1, 6)) < 0);
    assert_true(jkb_date_cmp(D(2023, 2, 1), D(2023, 1, 31)) > 0);
    assert_true(jkb_date_cmp(D(2022, 12, 31), D(2023, 1, 1)) < 0);
    assert_int_equal(jkb_date_cmp(D(2023, 1, 5), D(2023, 1, 5)), 0);
    assert_true(jkb_date_cmp(D(2023, 12, 0), D(2023, 12, 1)) < 0);
    assert_int_equal(jkb_date_cmp(D(0, 0, 0), D(0, 0, 0)), 0);
}

static void test_full_dates(void **state)
{
    (void)state;
    jkb_date_ctx c = CTX(D(0, 0, 0), D(0, 0, 0));
    EXPECT(&c, "2023年1月5日", "2023年1月5日", 2023, 1, 5, Y);
    EXPECT(&c, "2023年1月5日に発生", "2023年1月5日", 2023, 1, 5, Y);
    EXPECT(&c, "2022 年 12月 21 日午前", "2022 年 12月 21 日午前", 2022, 12, 21, Y);
    EXPECT(&c, "2023 年 10 月 8 日、", "2023 年 10 月 8 日", 2023, 10, 8, Y);
    /* full-width digits and spaces as they look after NFKC */
    EXPECT(&c, "2024年5月20日", "2024年5月20日", 2024, 5, 20, Y);
    EXPECT(&c, "2023/1/5", "2023/1/5", 2023, 1, 5, Y);
    EXPECT(&c, "2023/01/05 発表", "2023/01/05", 2023, 1, 5, Y);
    EXPECT(&c, "2023-01-05", "2023-01-05", 2023, 1, 5, Y);
    EXPECT(&c, "2023.1.5。", "2023.1.5", 2023, 1, 5, Y);
    EXPECT(&c, "2024年2月29日", "2024年2月29日", 2024, 2, 29, Y);
    /* weekdays belong to the date */
    EXPECT(&c, "2024年3月5日(火)に", "2024年3月5日(火)", 2024, 3, 5, Y);
    EXPECT(&c, "2023年1月1日 (日)", "2023年1月1日 (日)", 2023, 1, 1, Y);
    EXPECT(&c, "2024年2月12日(月・祝)", "2024年2月12日(月・祝)", 2024, 2, 12, Y);
    EXPECT(&c, "2024年2月12日( 月 ・ 祝 )", "2024年2月12日( 月 ・ 祝 )", 2024, 2, 12, Y);
    EXPECT(&c, "2024年3月5日(火曜日)", "2024年3月5日(火曜日)", 2024, 3, 5, Y);
    EXPECT(&c, "2023/1/5(木)", "2023/1/5(木)", 2023, 1, 5, Y);
    /* a parenthesis that is not a weekday stays out */
    EXPECT(&c, "2023年1月5日(発表)", "2023年1月5日", 2023, 1, 5, Y);
    EXPECT(&c, "2023年1月5日 mediwel.net", "2023年1月5日", 2023, 1, 5, Y);
    /* positions other than 0 */
    {
        const char *t = "発表日:2023年1月5日";
        jkb_date_hit h;
        size_t pos = strlen("発表日:");
        size_t n = parse_at(t, strlen(t), pos, &c, &h);
        assert_int_equal(n, strlen("2023年1月5日"));
        assert_int_equal(h.start, pos);
        assert_int_equal(h.end, strlen(t));
        ASSERT_DATE(h.date, 2023, 1, 5);
        assert_int_equal(h.hour, -1);
        assert_int_equal(h.minute, -1);
        ASSERT_DATE(h.end_date, 0, 0, 0);
    }
    /* NULL ctx and NULL out are allowed */
    assert_int_equal(jkb_date_parse("2023/1/5", 8, 0, NULL, NULL), 8);
}

static void test_eras(void **state)
{
    (void)state;
    jkb_date_ctx c = CTX(D(0, 0, 0), D(0, 0, 0));
    EXPECT(&c, "令和5年1月3日以降", "令和5年1月3日", 2023, 1, 3, Y);
    EXPECT(&c, "令和元年5月1日", "令和元年5月1日", 2019, 5, 1, Y);
    EXPECT(&c, "令和 6 年 12 月 6 日発表", "令和 6 年 12 月 6 日", 2024, 12, 6, Y);
    EXPECT(&c, "平成31年4月30日", "平成31年4月30日", 2019, 4, 30, Y);
    EXPECT(&c, "昭和64年1月7日", "昭和64年1月7日", 1989, 1, 7, Y);
    EXPECT(&c, "大正元年", "大正元年", 1912, 0, 0, Y | YO);
    EXPECT(&c, "明治45年7月30日", "明治45年7月30日", 1912, 7, 30, Y);
    EXPECT(&c, "R6.3.5", "R6.3.5", 2024, 3, 5, Y);
    EXPECT(&c, "R6/3/5(火)", "R6/3/5(火)", 2024, 3, 5, Y);
    EXPECT(&c, "H31.4.1", "H31.4.1", 2019, 4, 1, Y);
    EXPECT(&c, "R5年1月3日", "R5年1月3日", 2023, 1, 3, Y);
    EXPECT(&c, "令和6.3.5", "令和6.3.5", 2024, 3, 5, Y);
    EXPECT(&c, "令和6/7/8", "令和6/7/8", 2024, 7, 8, Y);
    /* kanji numerals */
    EXPECT(&c, "令和六年八月九日", "令和六年八月九日", 2024, 8, 9, Y);
    EXPECT(&c, "令和元年十二月二十一日", "令和元年十二月二十一日", 2019, 12, 21, Y);
    EXPECT(&c, "二〇二四年五月二十日", "二〇二四年五月二十日", 2024, 5, 20, Y);
    EXPECT(&c, "二○二三年十月三十一日", "二○二三年十月三十一日", 2023, 10, 31, Y);
    EXPECT(&c, "令和5年12月", "令和5年12月", 2023, 12, 0, Y | YO);
    EXPECT(&c, "令和5年度", "令和5年度", 2023, 0, 0, Y | YO);
    /* not eras: letters around, versions */
    EXPECT_NONE(&c, "HR6.3.5");
    EXPECT_NONE(&c, "R6.3.5.1");
    EXPECT_NONE(&c, "H2O");
    EXPECT_NONE(&c, "R2-D2");
    EXPECT_NONE(&c, "令和");
    EXPECT_NONE(&c, "令和の時代");
    EXPECT_NONE(&c, "令和5年2月30日");
    {
        const char *t = "VER6.3.5";
        jkb_date_hit h;
        assert_int_equal(parse_at(t, strlen(t), 2, &c, &h), 0);
    }
}

static void test_yearless(void **state)
{
    (void)state;
    /* a December date in a January notice is last year's */
    jkb_date_ctx c = CTX(D(2023, 1, 5), D(0, 0, 0));
    EXPECT(&c, "12月5日", "12月5日", 2022, 12, 5, 0);
    EXPECT(&c, "12 月 16 日)", "12 月 16 日", 2022, 12, 16, 0);
    EXPECT(&c, "1月5日", "1月5日", 2023, 1, 5, 0);
    EXPECT(&c, "1月6日", "1月6日", 2022, 1, 6, 0);
    EXPECT(&c, "1月4日", "1月4日", 2023, 1, 4, 0);
    EXPECT(&c, "十二月二十一日", "十二月二十一日", 2022, 12, 21, 0);
    c = CTX(D(2024, 2, 16), D(0, 0, 0));
    EXPECT(&c, "2月13日(火)", "2月13日(火)", 2024, 2, 13, 0);
    EXPECT(&c, "3月5日(火)", "3月5日(火)", 2024, 3, 5, 0);  /* weekday: 2024-03-05 is a Tuesday */
    EXPECT(&c, "3月5日", "3月5日", 2023, 3, 5, 0);          /* no weekday: rolled back */
    EXPECT(&c, "2月29日", "2月29日", 2024, 2, 29, 0);
    /* a weekday that fits the rolled-back year keeps it */
    c = CTX(D(2023, 1, 5), D(0, 0, 0));
    EXPECT(&c, "12月5日(月)", "12月5日(月)", 2022, 12, 5, 0);
    /* a weekday beats the roll-back: a date still to come */
    c = CTX(D(2025, 1, 6), D(0, 0, 0));
    EXPECT(&c, "1月10日(金)10時", "1月10日(金)10時", 2025, 1, 10, TM);
    EXPECT(&c, "1月10日", "1月10日", 2024, 1, 10, 0);
    c = CTX(D(2023, 1, 5), D(0, 0, 0));
    /* a weekday that fits no nearby year changes nothing */
    EXPECT(&c, "12月5日(水)", "12月5日(水)", 2022, 12, 5, 0);
    /* M/D needs a weekday */
    EXPECT(&c, "12/5(月)", "12/5(月)", 2022, 12, 5, 0);
    EXPECT_NONE(&c, "12/5");
    EXPECT_NONE(&c, "1/2");

    /* no notice date: the year that puts it nearest the date before */
    c = CTX(D(0, 0, 0), D(2022, 12, 28));
    EXPECT(&c, "1月5日", "1月5日", 2023, 1, 5, 0);
    c = CTX(D(0, 0, 0), D(2022, 12, 5));
    EXPECT(&c, "12月3日", "12月3日", 2022, 12, 3, 0);
    c = CTX(D(0, 0, 0), D(2023, 1, 10));
    EXPECT(&c, "12月20日", "12月20日", 2022, 12, 20, 0);
    c = CTX(D(0, 0, 0), D(2023, 0, 0));
    EXPECT(&c, "6月1日", "6月1日", 2023, 6, 1, 0);
    /* nothing known */
    c = CTX(D(0, 0, 0), D(0, 0, 0));
    EXPECT(&c, "12月5日", "12月5日", 0, 12, 5, 0);
    EXPECT(&c, "2月29日", "2月29日", 0, 2, 29, 0);
    /* a notice date known only to the month */
    c = CTX(D(2023, 1, 0), D(0, 0, 0));
    EXPECT(&c, "1月20日", "1月20日", 2023, 1, 20, 0);
    EXPECT(&c, "2月1日", "2月1日", 2022, 2, 1, 0);
    /* 2月29日 that the notice's year cannot have */
    c = CTX(D(2023, 3, 1), D(0, 0, 0));
    EXPECT_NONE(&c, "2月29日");
}

static void test_year_month(void **state)
{
    (void)state;
    jkb_date_ctx c = CTX(D(2022, 12, 27), D(0, 0, 0));
    EXPECT(&c, "2023年12月", "2023年12月", 2023, 12, 0, Y | YO);
    EXPECT(&c, "2022年12月版", "2022年12月", 2022, 12, 0, Y | YO);
    EXPECT(&c, "2022年12月は日本企業", "2022年12月", 2022, 12, 0, Y | YO);
    EXPECT(&c, "2023年 3件", "2023年", 2023, 0, 0, Y | YO);
    EXPECT(&c, "2023年以降", "2023年", 2023, 0, 0, Y | YO);
    EXPECT(&c, "2023年度", "2023年度", 2023, 0, 0, Y | YO);
    EXPECT(&c, "2023年12月上旬", "2023年12月上旬", 2023, 12, 0, Y | YO | AP);
    EXPECT(&c, "2023年12月 下旬頃", "2023年12月 下旬頃", 2023, 12, 0, Y | YO | AP);
    EXPECT(&c, "2023年12月末", "2023年12月末", 2023, 12, 0, Y | YO | AP);
    EXPECT(&c, "12月中旬", "12月中旬", 2022, 12, 0, YO | AP);
    EXPECT(&c, "来年 1 月中旬頃まで", "来年 1 月中旬頃", 2023, 1, 0, REL | YO | AP);
    EXPECT(&c, "本年 10 月", "本年 10 月", 2022, 10, 0, REL | YO);
    /* a month alone, without year or period, is not a date */
    EXPECT_NONE(&c, "12月は");
    EXPECT_NONE(&c, "3か月");
}

static void test_relative(void **state)
{
    (void)state;
    jkb_date_ctx c = CTX(D(2023, 1, 5), D(2022, 12, 21));
    EXPECT(&c, "本日", "本日", 2023, 1, 5, TD | REL);
    EXPECT(&c, "今日現在", "今日", 2023, 1, 5, TD | REL);
    ASSERT_DATE(c.last, 2023, 1, 5);

    c = CTX(D(2023, 1, 5), D(2022, 12, 21));
    EXPECT(&c, "同日", "同日", 2022, 12, 21, REL);
    c.last = D(2022, 12, 21);
    EXPECT(&c, "当日", "当日", 2022, 12, 21, REL);
    c.last = D(2022, 12, 31);
    EXPECT(&c, "翌日", "翌日", 2023, 1, 1, REL);
    ASSERT_DATE(c.last, 2023, 1, 1);
    EXPECT(&c, "前日", "前日", 2022, 12, 31, REL);
    EXPECT(&c, "翌々日", "翌々日", 2023, 1, 2, REL);

    c.last = D(2022, 12, 5);
    EXPECT(&c, "翌 9 日", "翌 9 日", 2022, 12, 9, REL);
    c.last = D(2022, 12, 20);
    EXPECT(&c, "翌14日", "翌14日", 2023, 1, 14, REL);
    c.last = D(2022, 10, 31);
    EXPECT(&c, "翌 11 月 1 日", "翌 11 月 1 日", 2022, 11, 1, REL);
    c.last = D(2022, 12, 28);
    EXPECT(&c, "翌1月5日", "翌1月5日", 2023, 1, 5, REL);

    c.last = D(2022, 11, 1);
    EXPECT(&c, "同月 2 日", "同月 2 日", 2022, 11, 2, REL);
    EXPECT(&c, "同月16日", "同月16日", 2022, 11, 16, REL);
    EXPECT(&c, "同月下旬", "同月下旬", 2022, 11, 0, REL | YO | AP);
    c.last = D(2022, 12, 15);
    EXPECT(&c, "翌月5日", "翌月5日", 2023, 1, 5, REL);
    c.last = D(2022, 3, 1);
    EXPECT(&c, "同年4月1日", "同年4月1日", 2022, 4, 1, REL);
    EXPECT(&c, "翌年1月10日", "翌年1月10日", 2023, 1, 10, REL);

    c = CTX(D(2022, 12, 27), D(2020, 1, 1));
    EXPECT(&c, "本年 11 月 7 日付", "本年 11 月 7 日", 2022, 11, 7, REL);
    EXPECT(&c, "今年3月1日", "今年3月1日", 2022, 3, 1, REL);
    EXPECT(&c, "昨年12月11日", "昨年12月11日", 2021, 12, 11, REL);
    EXPECT(&c, "去年5月", "去年5月", 2021, 5, 0, REL | YO);
    EXPECT(&c, "前年4月1日", "前年4月1日", 2021, 4, 1, REL);
    EXPECT(&c, "来年1月5日", "来年1月5日", 2023, 1, 5, REL);
    /* no notice date: the year words count from the date before */
    c = CTX(D(0, 0, 0), D(2022, 6, 1));
    EXPECT(&c, "本年7月1日", "本年7月1日", 2022, 7, 1, REL);
    EXPECT(&c, "本日", "本日", 0, 0, 0, TD | REL);

    /* nothing to count from: still read (and consumed), date unknown */
    c = CTX(D(0, 0, 0), D(0, 0, 0));
    EXPECT(&c, "同日", "同日", 0, 0, 0, REL);
    EXPECT(&c, "翌日", "翌日", 0, 0, 0, REL);
    EXPECT(&c, "同月5日", "同月5日", 0, 0, 0, REL);
    /* a year word alone is not a date */
    EXPECT_NONE(&c, "昨年");
    EXPECT_NONE(&c, "同年の");
    EXPECT_NONE(&c, "翌営業日");
    EXPECT_NONE(&c, "翌月");
    /* 翌 is strictly after: 翌5日 on the 5th is next month's 5th */
    c = CTX(D(0, 0, 0), D(2022, 12, 5));
    EXPECT(&c, "翌5日", "翌5日", 2023, 1, 5, REL);

    /* a day-less look back does not move last; a day-less step forward does */
    c = CTX(D(2023, 11, 24), D(2023, 11, 21));
    EXPECT(&c, "本年7月", "本年7月", 2023, 7, 0, REL | YO);
    ASSERT_DATE(c.last, 2023, 11, 21);
    EXPECT(&c, "同日10時40分頃", "同日10時40分頃", 2023, 11, 21, REL | TM | AP);
    EXPECT(&c, "令和5年度", "令和5年度", 2023, 0, 0, Y | YO);
    ASSERT_DATE(c.last, 2023, 11, 21);
    EXPECT(&c, "2023年12月上旬", "2023年12月上旬", 2023, 12, 0, Y | YO | AP);
    ASSERT_DATE(c.last, 2023, 12, 0);
    EXPECT(&c, "同月15日", "同月15日", 2023, 12, 15, REL);
    /* a hit that resolves to nothing leaves last alone */
    c = CTX(D(0, 0, 0), D(0, 0, 0));
    EXPECT(&c, "12月5日", "12月5日", 0, 12, 5, 0);
    c.ref = D(0, 0, 0);
    EXPECT(&c, "本日", "本日", 0, 0, 0, TD | REL);
    ASSERT_DATE(c.last, 0, 12, 5);
    EXPECT(&c, "翌日", "翌日", 0, 12, 6, REL);

    /* a year-less last: day arithmetic in the month-day */
    c = CTX(D(0, 0, 0), D(0, 12, 31));
    EXPECT(&c, "翌日", "翌日", 0, 1, 1, REL);
}

static void test_times(void **state)
{
    (void)state;
    jkb_date_ctx c = CTX(D(0, 0, 0), D(0, 0, 0));
    jkb_date_hit h;
    const char *t;

    t = "2022 年 12月 21 日午前11時頃に";
    assert_int_equal(parse(t, &c, &h), strlen("2022 年 12月 21 日午前11時頃"));
    ASSERT_DATE(h.date, 2022, 12, 21);
    assert_int_equal(h.hour, 11);
    assert_int_equal(h.minute, 0);
    assert_int_equal(h.flags, Y | TM | AP);

    t = "2023年1月5日午後2時";
    assert_int_equal(parse(t, &c, &h), strlen(t));
    assert_int_equal(h.hour, 14);
    t = "2023年1月5日 午後 2 時 30 分";
    assert_int_equal(parse(t, &c, &h), strlen(t));
    assert_int_equal(h.hour, 14);
    assert_int_equal(h.minute, 30);
    t = "2023年1月5日午前12時";
    assert_int_equal(parse(t, &c, &h), strlen(t));
    assert_int_equal(h.hour, 0);
    t = "2023年1月5日午後12時";
    assert_int_equal(parse(t, &c, &h), strlen(t));
    assert_int_equal(h.hour, 12);
    t = "2023年1月5日9時20分";
    assert_int_equal(parse(t, &c, &h), strlen(t));
    assert_int_equal(h.hour, 9);
    assert_int_equal(h.minute, 20);
    t = "2023年1月5日10時半";
    assert_int_equal(parse(t, &c, &h), strlen(t));
    assert_int_equal(h.minute, 30);
    t = "2023/1/5 7:23";
    assert_int_equal(parse(t, &c, &h), strlen(t));
    assert_int_equal(h.hour, 7);
    assert_int_equal(h.minute, 23);
    assert_int_equal(h.flags, Y | TM);
    t = "2023/1/5 17:23:05";
    assert_int_equal(parse(t, &c, &h), strlen(t));
    assert_int_equal(h.hour, 17);
    t = "2023年1月5日(木)正午";
    assert_int_equal(parse(t, &c, &h), strlen(t));
    assert_int_equal(h.hour, 12);
    t = "2023年1月5日午後二時";
    assert_int_equal(parse(t, &c, &h), strlen(t));
    assert_int_equal(h.hour, 14);

    /* parts of the day: consumed, no hour */
    EXPECT(&c, "2022 年 10 月 31 日早朝、", "2022 年 10 月 31 日早朝", 2022, 10, 31, Y);
    EXPECT(&c, "2023年1月5日未明", "2023年1月5日未明", 2023, 1, 5, Y);
    EXPECT(&c, "2023年1月5日 深夜に", "2023年1月5日 深夜", 2023, 1, 5, Y);
    t = "2023年1月5日深夜";
    parse(t, &c, &h);
    assert_int_equal(h.hour, -1);
    /* not times: durations, counts, a bad hour */
    EXPECT(&c, "2023年1月5日 3時間", "2023年1月5日", 2023, 1, 5, Y);
    EXPECT(&c, "2023年1月5日 3,325名", "2023年1月5日", 2023, 1, 5, Y);
    EXPECT(&c, "2023年1月5日 25時", "2023年1月5日", 2023, 1, 5, Y);
    EXPECT(&c, "2023年1月5日 7:61", "2023年1月5日", 2023, 1, 5, Y);
    t = "2023年1月5日 9時20分間";
    assert_int_equal(parse(t, &c, &h), strlen("2023年1月5日 9時"));
    assert_int_equal(h.minute, 0);
    /* 頃 after the day itself */
    EXPECT(&c, "2023年1月5日頃", "2023年1月5日頃", 2023, 1, 5, Y | AP);
    EXPECT(&c, "2023年1月5日ごろ", "2023年1月5日ごろ", 2023, 1, 5, Y | AP);
}

static void test_ranges(void **state)
{
    (void)state;
    jkb_date_ctx c = CTX(D(2023, 1, 5), D(0, 0, 0));
    jkb_date_hit h;
    const char *t;

    t = "2022年12月3日~2022年12月4日にかけて";
    assert_int_equal(parse(t, &c, &h), strlen("2022年12月3日~2022年12月4日"));
    ASSERT_DATE(h.date, 2022, 12, 3);
    ASSERT_DATE(h.end_date, 2022, 12, 4);
    assert_int_equal(h.flags, Y | RG);
    ASSERT_DATE(c.last, 2022, 12, 3); /* last is the start */

    t = "2022年8月29日 ~ 2022年9月2日 (発覚日:12月16日)";
    assert_int_equal(parse(t, &c, &h), strlen("2022年8月29日 ~ 2022年9月2日"));
    ASSERT_DATE(h.date, 2022, 8, 29);
    ASSERT_DATE(h.end_date, 2022, 9, 2);

    t = "12月5日~12月7日にかけて";
    assert_int_equal(parse(t, &c, &h), strlen("12月5日~12月7日"));
    ASSERT_DATE(h.date, 2022, 12, 5);
    ASSERT_DATE(h.end_date, 2022, 12, 7);
    assert_int_equal(h.flags, RG);

    t = "12月7日~12月21日まで再度";
    assert_int_equal(parse(t, &c, &h), strlen("12月7日~12月21日まで"));
    ASSERT_DATE(h.end_date, 2022, 12, 21);

    t = "2022年4月1日から2023年11月14日まで";
    assert_int_equal(parse(t, &c, &h), strlen(t));
    ASSERT_DATE(h.date, 2022, 4, 1);
    ASSERT_DATE(h.end_date, 2023, 11, 14);
    assert_int_equal(h.flags, Y | RG);

    t = "2023年1月7日~9日";
    assert_int_equal(parse(t, &c, &h), strlen(t));
    ASSERT_DATE(h.end_date, 2023, 1, 9);
    t = "2022年12月28日~3日";
    assert_int_equal(parse(t, &c, &h), strlen(t));
    ASSERT_DATE(h.end_date, 2023, 1, 3);
    /* the end's month-day takes the start's year, over the year end */
    t = "2022年12月28日~1月5日";
    assert_int_equal(parse(t, &c, &h), strlen(t));
    ASSERT_DATE(h.end_date, 2023, 1, 5);

    t = "2024年6月1日から同月3日";
    assert_int_equal(parse(t, &c, &h), strlen(t));
    ASSERT_DATE(h.date, 2024, 6, 1);
    ASSERT_DATE(h.end_date, 2024, 6, 3);
    t = "2024年6月1日から翌日にかけて";
    assert_int_equal(parse(t, &c, &h), strlen("2024年6月1日から翌日"));
    ASSERT_DATE(h.end_date, 2024, 6, 2);
    t = "2024年6月1日(土)10時~6月3日(月)午後5時頃";
    assert_int_equal(parse(t, &c, &h), strlen(t));
    ASSERT_DATE(h.end_date, 2024, 6, 3);
    assert_int_equal(h.hour, 10);
    assert_int_equal(h.flags, Y | TM | RG | AP);
    t = "2023/1/5-2023/1/7";
    assert_int_equal(parse(t, &c, &h), strlen(t));
    ASSERT_DATE(h.end_date, 2023, 1, 7);
    t = "来年 1 月下旬から 2 月上旬頃になる";
    c = CTX(D(2022, 12, 27), D(0, 0, 0));
    assert_int_equal(parse(t, &c, &h), strlen("来年 1 月下旬から 2 月上旬頃"));
    ASSERT_DATE(h.date, 2023, 1, 0);
    ASSERT_DATE(h.end_date, 2023, 2, 0);
    assert_int_equal(h.flags, REL | YO | AP | RG);

    /* a span of hours in one day is not a range */
    c = CTX(D(2023, 1, 5), D(2022, 12, 1));
    t = "同日7:23~10:37に";
    assert_int_equal(parse(t, &c, &h), strlen("同日7:23~10:37"));
    ASSERT_DATE(h.date, 2022, 12, 1);
    ASSERT_DATE(h.end_date, 0, 0, 0);
    assert_int_equal(h.hour, 7);
    assert_int_equal(h.flags, REL | TM);
    t = "2023年1月5日 9時~17時まで";
    assert_int_equal(parse(t, &c, &h), strlen(t));
    assert_int_equal(h.flags, Y | TM);
    /* an end equal to the start is one day */
    t = "2022年12月3日~2022年12月3日";
    assert_int_equal(parse(t, &c, &h), strlen(t));
    assert_int_equal(h.flags, Y);
    ASSERT_DATE(h.end_date, 0, 0, 0);
    /* an end before the start is no range: the start alone */
    t = "2022年12月5日~2022年12月3日";
    assert_int_equal(parse(t, &c, &h), strlen("2022年12月5日"));
    assert_int_equal(h.flags, Y);
    /* から not followed by a date stays out */
    t = "2022年12月5日から調査";
    assert_int_equal(parse(t, &c, &h), strlen("2022年12月5日"));
    t = "2022年12月5日 - 株式会社";
    assert_int_equal(parse(t, &c, &h), strlen("2022年12月5日"));
    /* each element of a list reads on its own */
    t = " ① 2022年8月29日 ~ 2022年9月2日";
    assert_int_equal(parse_at(t, strlen(t), strlen(" ① "), &c, &h), strlen("2022年8月29日 ~ 2022年9月2日"));
    assert_int_equal(h.flags, Y | RG);
}

/* Scan like the extractor: try every position, skip what a hit consumed. */
static size_t scan_all(const char *t, jkb_date_ctx *c, jkb_date_hit *hits, size_t max)
{
    size_t len = strlen(t), n = 0;
    char *buf = malloc(len);
    assert_non_null(buf);
    memcpy(buf, t, len);
    for (size_t p = 0; p < len;) {
        jkb_date_hit h;
        size_t k = jkb_date_parse(buf, len, p, c, &h);
        if (k) {
            assert_true(n < max);
            hits[n++] = h;
            p += k;
        } else {
            p++;
        }
    }
    free(buf);
    return n;
}

static void test_seed_chain(void **state)
{
    (void)state;
    /* casebook-2023-01, 社会医療法人生長会 (notice of 2022-12-27) */
    const char *t =
        "本年 11 月 7 日付でお知らせ(第 2 報)しました。\n"
        "2022 年 10 月 31 日早朝、ベルキッチンにおいて給食システムの不具合を確認しました。"
        "周辺状況から直ぐにサイバー攻撃を疑い、同日 7 時 20 分頃、ベルキッチンから委託元病院"
        "(当法人外の 4 病院、当法人内の 4 病院)のサテライト職員に対し指示をしました。\n"
        "また、同日 9 時 20 分には、一部のサーバに保存しているファイルが暗号化されていることを"
        "確認しました。なお、同日より、配食については実施しました。\n"
        "翌 11 月 1 日には、委託元 4 病院に対し現状報告を行うと共に、大阪府警察に対しても報告を"
        "行ないました。また、同月 2 日には、厚生労働省に対しても報告を行いました。その後、"
        "同月 7 日には独立行政法人情報処理推進機構に支援要請を行いました。\n"
        "さらに、同月 8 日には IT セキュリティ専門企業にフォレンジック調査を依頼し、12 月 6 日"
        "に調査結果の最終報告を受けました。30 分から 3 時間程度の遅れ、3~5 日間にわたり。"
        "本年 10 月 31 日午前 3 時 32 分に侵入。本年 12 月 12 日に受理。";
    static const int want[][3] = {
        {2022, 11, 7}, {2022, 10, 31}, {2022, 10, 31}, {2022, 10, 31}, {2022, 10, 31},
        {2022, 11, 1}, {2022, 11, 2}, {2022, 11, 7}, {2022, 11, 8}, {2022, 12, 6},
        {2022, 10, 31}, {2022, 12, 12},
    };
    jkb_date_ctx c = CTX(D(2022, 12, 27), D(0, 0, 0));
    jkb_date_hit hits[32];
    size_t n = scan_all(t, &c, hits, 32);
    assert_int_equal(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++)
        ASSERT_DATE(hits[i].date, want[i][0], want[i][1], want[i][2]);
    assert_int_equal(hits[2].hour, 7);
    assert_int_equal(hits[2].minute, 20);
    assert_int_equal(hits[10].hour, 3);
    assert_int_equal(hits[10].minute, 32);

    /* casebook-2023-01, 株式会社メディウェル (notice of 2023-01-05) */
    const char *t2 =
        "2022年12月5日、弊社が運営する「病院事務職転職ドットコム(以下、当サイト)」の委託先より、"
        "2022年12月3日~2022年12月4日にかけて大量に不正なアクセスがあった旨の報告がありました。\n"
        "12月5日~12月7日にかけて調査をいたしました。\n"
        "これを受けて、12月7日~12月21日まで再度調査を実施したところ、下記①~③の期間にわたり\n"
        " ① 2022年8月29日 ~ 2022年9月2日 (発覚日:12月16日)\n"
        " ③ 2022年12月3日 ~ 2022年12月4日 (発覚日:12月5日) \n"
        "対象者数 全期間合計 3,325名様分、③の期間小計 2,934名様分、第2報\n"
        "2014年4月6日以前に、(2022年12月7日完了済み)";
    static const int want2[][6] = {
        {2022, 12, 5, 0, 0, 0}, {2022, 12, 3, 2022, 12, 4}, {2022, 12, 5, 2022, 12, 7},
        {2022, 12, 7, 2022, 12, 21}, {2022, 8, 29, 2022, 9, 2}, {2022, 12, 16, 0, 0, 0},
        {2022, 12, 3, 2022, 12, 4}, {2022, 12, 5, 0, 0, 0}, {2014, 4, 6, 0, 0, 0},
        {2022, 12, 7, 0, 0, 0},
    };
    c = CTX(D(2023, 1, 5), D(0, 0, 0));
    n = scan_all(t2, &c, hits, 32);
    assert_int_equal(n, sizeof want2 / sizeof want2[0]);
    for (size_t i = 0; i < n; i++) {
        ASSERT_DATE(hits[i].date, want2[i][0], want2[i][1], want2[i][2]);
        ASSERT_DATE(hits[i].end_date, want2[i][3], want2[i][4], want2[i][5]);
    }

    /* 令和5年1月3日 in a 2023-01-04 notice */
    c = CTX(D(2023, 1, 4), D(0, 0, 0));
    n = scan_all("令和5年1月3日以降、国際ハッカー集団", &c, hits, 32);
    assert_int_equal(n, 1);
    ASSERT_DATE(hits[0].date, 2023, 1, 3);
}

static void test_not_dates(void **state)
{
    (void)state;
    jkb_date_ctx c = CTX(D(2023, 1, 5), D(2022, 12, 1));
    static const char *const none[] = {
        "2023年2月30日", "2023年13月", "2023年13月5日", "13月5日", "12月32日", "2023年0月1日",
        "2023/2/30", "2023/13/1", "2023/1/0", "2023-1234-5", "2023.1", "2023/1", "2023.1.5.3", "2023/1/5/6",
        "2023.12.31.1", "1899年1月1日", "2101年1月1日", "1899/1/1", "0120-123-456",
        "192.168.1.1", "3,325名", "第2報", "2.934", "12345年", "3年", "23年", "三年",
        "十年", "12月", "5日", "9時", "7:23", "~", "年", "月日", "翌", "同", "本", "二十一二月",
        "令和年", "R", "R6", "R6.3", "H31.13.1", "",
    };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        jkb_date_ctx before = c;
        jkb_date_hit h;
        size_t n = parse(none[i], &c, &h);
        if (n != 0)
            fail_msg("read as a date: \"%s\" (%zu bytes)", none[i], n);
        /* a miss leaves the context alone */
        assert_int_equal(jkb_date_cmp(c.last, before.last), 0);
    }
    /* not from the middle of a number */
    const char *t = "12023年1月5日";
    jkb_date_hit h;
    assert_int_equal(parse_at(t, strlen(t), 1, &c, &h), 0);
    t = "3,2023年";
    assert_int_equal(parse_at(t, strlen(t), 2, &c, &h), 0);
    t = "二〇二四年";
    assert_int_equal(parse_at(t, strlen(t), 3, &c, &h), 0);
    /* pos at or past len */
    assert_int_equal(jkb_date_parse("2023/1/5", 8, 8, &c, &h), 0);
    assert_int_equal(jkb_date_parse("2023/1/5", 8, 100, &c, &h), 0);
    assert_int_equal(jkb_date_parse(NULL, 0, 0, &c, &h), 0);
}

static void test_bounds(void **state)
{
    (void)state;
    jkb_date_ctx c = CTX(D(0, 0, 0), D(0, 0, 0));
    jkb_date_hit h;
    const char *full = "2023年1月5日(木)午前11時頃~2023年1月7日";
    size_t flen = strlen(full);
    /* every cut of the text: never reads past len (ASan) and never consumes
     * past it */
    for (size_t cut = 0; cut <= flen; cut++) {
        size_t n = parse_at(full, cut, 0, &c, &h);
        assert_true(n <= cut);
    }
    /* cut right after 月: a year-month */
    size_t cut = strlen("2023年1月");
    assert_int_equal(parse_at(full, cut, 0, &c, &h), cut);
    ASSERT_DATE(h.date, 2023, 1, 0);
    assert_int_equal(h.flags, Y | YO);
    /* cut inside 日: the day is not there */
    assert_int_equal(parse_at(full, cut + 2, 0, &c, &h), cut);
    /* cut inside 年 */
    assert_int_equal(parse_at(full, 5, 0, &c, &h), 0);
    /* a text ending in a partial UTF-8 sequence */
    const char partial[] = "令和5年1月3日\xe5\x8d";
    assert_int_equal(parse_at(partial, sizeof partial - 1, 0, &c, &h), strlen("令和5年1月3日"));
    const char partial2[] = "同\xe6";
    c.last = D(2022, 1, 1);
    assert_int_equal(parse_at(partial2, sizeof partial2 - 1, 0, &c, &h), 0);
    const char partial3[] = "2023年1月5日 \xe5";
    assert_int_equal(parse_at(partial3, sizeof partial3 - 1, 0, &c, &h), strlen("2023年1月5日"));
    const char partial4[] = "12月5日(\xe6\x9c";
    c = CTX(D(2023, 1, 5), D(0, 0, 0));
    assert_int_equal(parse_at(partial4, sizeof partial4 - 1, 0, &c, &h), strlen("12月5日"));
    /* the text may stop before a NUL byte in the buffer: len is the limit */
    assert_int_equal(jkb_date_parse("2023/1/5/6", 8, 0, &c, &h), 8);
}

/* Fill n bytes with copies of unit (a last partial copy is cut). */
static char *repeat(const char *unit, size_t n)
{
    size_t u = strlen(unit);
    char *b = malloc(n);
    assert_non_null(b);
    for (size_t i = 0; i < n; i++)
        b[i] = unit[i % u];
    return b;
}

static void test_pathological(void **state)
{
    (void)state;
    static const char *const units[] = {
        "1", "年", "2023年", "2023年1月", "12月5日~", "翌", "同月", "令和", "十二",
        "二〇", " ", "2023 ", "(月・", "~", "2023/1/5-", "12:00~", "1月1日から",
        "R6.", "午前", "\xe5",
    };
    const size_t n = 1u << 20;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        char *b = repeat(units[i], n);
        jkb_date_ctx c = CTX(D(2023, 1, 5), D(2022, 12, 1));
        size_t hits = 0;
        for (size_t p = 0; p < n; p++) {
            jkb_date_hit h;
            size_t k = jkb_date_parse(b, n, p, &c, &h);
            assert_true(k <= n - p);
            hits += k != 0;
        }
        (void)hits;
        free(b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calendar),
        cmocka_unit_test(test_full_dates),
        cmocka_unit_test(test_eras),
        cmocka_unit_test(test_yearless),
        cmocka_unit_test(test_year_month),
        cmocka_unit_test(test_relative),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_seed_chain),
        cmocka_unit_test(test_not_dates),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_pathological),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
