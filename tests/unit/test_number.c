/*
 * Unit tests of the number and count grammar (src/lib/number.c): values,
 * units, qualifiers and spans of the forms in docs/rules/counts.md, the words
 * that look like units but are not, overflow, reads that stay inside len, and
 * megabyte runs scanned at every position.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "number.h"

/* The parser must not rely on a terminator: every input is copied into a
 * buffer of exactly its length, so ASan reports any read of s[len]. */
static char *exact(const char *txt, size_t n)
{
    char *b = malloc(n ? n : 1);
    assert_non_null(b);
    if (n > 0)
        memcpy(b, txt, n);
    return b;
}

/* ---- numbers ---- */

typedef struct num_case {
    const char *txt;
    int64_t value;
    const char *eaten; /* the part read as the number; NULL: not a number */
} num_case;

static void check_numbers(const num_case *c, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        size_t len = strlen(c[k].txt);
        size_t want = c[k].eaten ? strlen(c[k].eaten) : 0;
        char *b = exact(c[k].txt, len);
        int64_t v = -1;
        size_t got = jkb_number_parse(b, len, 0, &v);
        if (got != want)
            fail_msg("%s: consumed %zu, want %zu", c[k].txt, got, want);
        if (got > 0 && v != c[k].value)
            fail_msg("%s: value %lld, want %lld", c[k].txt, (long long)v,
                     (long long)c[k].value);
        free(b);
    }
}

static void test_ascii_numbers(void **state)
{
    (void)state;
    static const num_case c[] = {
        {"3,325", 3325, "3,325"},
        {"6184", 6184, "6184"},
        {"1052", 1052, "1052"},
        {"0", 0, "0"},
        {"47,380件", 47380, "47,380"},
        {"1,234,567", 1234567, "1,234,567"},
        {"1,2", 1, "1"},            /* a comma needs exactly three digits */
        {"1,2345", 1, "1"},
        {"1,23", 1, "1"},
        {"1234,567", 1234, "1234"}, /* groups follow a run of 1 to 3 digits */
        {"12,345,", 12345, "12,345"},
        {"1.対象", 1, "1"},         /* a list number, not a fraction */
        {"2.5GB", 0, NULL},         /* a fraction that never becomes whole */
        {"1.2.3", 0, NULL},
        {"192.168.1.1", 0, NULL},
        {"9223372036854775807", INT64_MAX, "9223372036854775807"},
    };
    check_numbers(c, sizeof c / sizeof c[0]);
}

static void test_kanji_numbers(void **state)
{
    (void)state;
    static const num_case c[] = {
        {"三百", 300, "三百"},
        {"一万二千", 12000, "一万二千"},
        {"二千五百", 2500, "二千五百"},
        {"十", 10, "十"},
        {"〇", 0, "〇"},
        {"零", 0, "零"},
        {"十二", 12, "十二"},
        {"二十", 20, "二十"},
        {"二百十四名", 214, "二百十四"},
        {"百五十", 150, "百五十"},
        {"三百二十一", 321, "三百二十一"},
        {"百万", 1000000, "百万"},
        {"一千万", 10000000, "一千万"},
        {"二万五千", 25000, "二万五千"},
        {"十一万", 110000, "十一万"},
        {"一億", 100000000, "一億"},
        {"九千九百九十九兆", 9999000000000000, "九千九百九十九兆"},
        {"二〇二三年", 2023, "二〇二三"}, /* digits in a row are positional */
        {"千葉", 1000, "千"},             /* parse only; a count needs a unit */
        {"万が一", 0, NULL},              /* 万 with nothing before it */
        {"〇万", 0, "〇"},
        {"十十", 10, "十"},               /* multipliers must fall */
        {"千百", 1100, "千百"},
        {"百千", 100, "百"},
        {"二三千", 23, "二三"},           /* only a single digit multiplies */
        {"二3", 2, "二"},                 /* kanji then ASCII: two numbers */
    };
    check_numbers(c, sizeof c / sizeof c[0]);
}

static void test_mixed_numbers(void **state)
{
    (void)state;
    static const num_case c[] = {
        {"2万3千", 23000, "2万3千"},
        {"3万", 30000, "3万"},
        {"1.2万", 12000, "1.2万"},
        {"12万3,456", 123456, "12万3,456"},
        {"1億", 100000000, "1億"},
        {"1万9,237名", 19237, "1万9,237"},
        {"2万1,804件", 21804, "2万1,804"},
        {"1万8千人", 18000, "1万8千"},
        {"1,000万円", 10000000, "1,000万"},
        {"380万円", 3800000, "380万"},
        {"1.5千", 1500, "1.5千"},
        {"2千5百", 2500, "2千5百"},
        {"2千500", 2500, "2千500"},
        {"2千5000", 2000, "2千"},          /* the tail must fit under 千 */
        {"3万12345", 30000, "3万"},        /* and under 万 */
        {"1億20000万", 100020000, "1億20000"}, /* 万 cannot follow; 20000 stands */
        {"1億2万", 100020000, "1億2万"},
        {"1,000千円", 1000, "1,000"},      /* 千円 is the unit, not a multiplier */
        {"1.23456万", 0, NULL},            /* not a whole number */
        {"1.2345万", 12345, "1.2345万"},
        {"0.5万", 5000, "0.5万"},
        {"3万2.5", 30000, "3万"},
        {"1兆", 1000000000000, "1兆"},
        {"1000000億", 100000000000000, "1000000億"},
    };
    check_numbers(c, sizeof c / sizeof c[0]);
}

static void test_number_overflow_and_cap(void **state)
{
    (void)state;
    static const num_case c[] = {
        {"99999999999999999999", 0, NULL},
        {"9223372036854775808", 0, NULL},
        {"99999999999999999999件", 0, NULL},
        {"100000000000兆", 0, NULL},
        {"9999999999999999万", 0, NULL},
        {"1,000,000,000,000,000,000,000", 0, NULL},
        {"0.0000000000000000000001万", 0, NULL},
        /* exactly JKB_NUMBER_MAX_BYTES bytes is a number, one more is not */
        {"0000000000000000000000000000000000000001", 1,
         "0000000000000000000000000000000000000001"},
        {"00000000000000000000000000000000000000001", 0, NULL},
        {"〇〇〇〇〇〇〇〇〇〇〇〇〇〇", 0, NULL}, /* 42 bytes */
    };
    check_numbers(c, sizeof c / sizeof c[0]);
}

static void test_number_bad_calls(void **state)
{
    (void)state;
    int64_t v = 7;
    assert_int_equal(jkb_number_parse(NULL, 3, 0, &v), 0);
    assert_int_equal(jkb_number_parse("123", 3, 3, &v), 0);
    assert_int_equal(jkb_number_parse("123", 3, 9, &v), 0);
    assert_int_equal(jkb_number_parse("123", 0, 0, &v), 0);
    assert_int_equal(v, 7);
    assert_int_equal(jkb_number_parse("123", 3, 1, NULL), 2); /* value optional */
    assert_int_equal(jkb_number_parse("x12", 3, 1, &v), 2);
    assert_int_equal(v, 12);
}

/* ---- counts ---- */

typedef struct count_case {
    const char *txt;    /* surrounding text */
    const char *phrase; /* the whole expected phrase; parsing starts at its
                         * first occurrence in txt */
    const char *num;    /* where the number begins inside the phrase */
    int64_t value;
    jkb_unit unit;
    jkb_count_qual qual;
} count_case;

static void check_counts(const count_case *c, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const char *p = strstr(c[k].txt, c[k].phrase);
        assert_non_null(p);
        size_t pos = (size_t)(p - c[k].txt);
        size_t want_end = pos + strlen(c[k].phrase);
        const char *q = strstr(p, c[k].num);
        assert_non_null(q);
        size_t want_num = (size_t)(q - c[k].txt);

        size_t len = strlen(c[k].txt);
        char *b = exact(c[k].txt, len);
        jkb_count out;
        memset(&out, 0xAB, sizeof out);
        size_t got = jkb_count_parse(b, len, pos, &out);
        if (got == 0)
            fail_msg("%s: no count at %zu", c[k].txt, pos);
        if (out.start != pos || out.end != want_end || got != want_end - pos)
            fail_msg("%s: span [%zu,%zu) len %zu, want [%zu,%zu)", c[k].txt, out.start,
                     out.end, got, pos, want_end);
        if (out.num_start != want_num)
            fail_msg("%s: num_start %zu, want %zu", c[k].txt, out.num_start, want_num);
        if (out.value != c[k].value)
            fail_msg("%s: value %lld, want %lld", c[k].txt, (long long)out.value,
                     (long long)c[k].value);
        if (out.unit != c[k].unit)
            fail_msg("%s: unit %d, want %d", c[k].txt, (int)out.unit, (int)c[k].unit);
        if (out.qual != c[k].qual)
            fail_msg("%s: qual %d, want %d", c[k].txt, (int)out.qual, (int)c[k].qual);
        free(b);
    }
}

/* No count at the first occurrence of `from` in txt. */
static void check_no_count(const char *const *txt, const char *const *from, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const char *p = strstr(txt[k], from[k]);
        assert_non_null(p);
        size_t len = strlen(txt[k]);
        char *b = exact(txt[k], len);
        jkb_count out;
        size_t got = jkb_count_parse(b, len, (size_t)(p - txt[k]), &out);
        if (got != 0)
            fail_msg("%s: unexpected count of %zu bytes (unit %d)", txt[k], got,
                     (int)out.unit);
        free(b);
    }
}

#define P JKB_UNIT_PEOPLE
#define R JKB_UNIT_RECORDS
#define CARDS JKB_UNIT_CARDS
#define M JKB_UNIT_MAILS
#define O JKB_UNIT_ORGS
#define X JKB_UNIT_OTHER
#define EX JKB_CQ_EXACT
#define AP JKB_CQ_APPROX
#define UP JKB_CQ_UPPER
#define LO JKB_CQ_LOWER

static void test_counts_plain(void **state)
{
    (void)state;
    static const count_case c[] = {
        {"決済を行われたお客様2,417名", "2,417名", "2", 2417, P, EX},
        {"のカード情報2,538件が", "2,538件", "2", 2538, R, EX},
        {"全期間合計 3,325名様分", "3,325名様分", "3", 3325, P, EX},
        {"対象は7名様分です", "7名様分", "7", 7, P, EX},
        {"クレジットカード情報1,987件(1,842名様分)", "1,987件", "1", 1987, R, EX},
        {"クレジットカード情報1,987件(1,842名様分)", "1,842名様分", "1,842", 1842, P, EX},
        {"2年生の1クラス分 38名", "38名", "38", 38, P, EX},
        {"記載された日本の組織は4組織", "4組織", "4", 4, O, EX},
        {"迷惑メール500通を送信", "500通", "500", 500, M, EX},
        {"業務用パソコン3台", "3台", "3", 3, X, EX},
        {"入園申込者 681人分の", "681人分", "681", 681, P, EX},
        {"メールアドレス 1052名", "1052名", "1052", 1052, P, EX},
        {"対象件数 6184件", "6184件", "6184", 6184, R, EX},
        {"誤送信した書類5枚", "5枚", "5", 5, CARDS, EX},
        {"お客様3社", "3社", "3", 3, O, EX},
        {"対象 1,806件分", "1,806件分", "1", 1806, R, EX},
        {"お一人様", "一人様", "一", 1, P, EX},
        {"一部", "一部", "一", 1, X, EX},
        {"約45GBのデータ", "45GB", "45", 45, X, EX},
        {"2023年", "2023年", "2", 2023, X, EX},
        {"第2報", "2報", "2", 2, X, EX},
        {"10日間", "10日間", "1", 10, X, EX},
        {"3時間", "3時間", "3", 3, X, EX},
        {"40%", "40%", "4", 40, X, EX},
        {"3ヶ月", "3ヶ月", "3", 3, X, EX},
        {"12世帯", "12世帯", "1", 12, X, EX},
        {"1,000千円", "1,000千円", "1", 1000, X, EX},
        {"3名分かれて", "3名", "3", 3, P, EX},   /* 分かれ is a verb */
        {"1,000件分析した", "1,000件", "1", 1000, R, EX},
        {"三百円玉", "三百円", "三", 300, X, EX},
    };
    check_counts(c, sizeof c / sizeof c[0]);
    /* ordinals are not counts */
    static const char *const t[] = {"3人目", "2件目", "5枚目"};
    static const char *const f[] = {"3", "2", "5"};
    check_no_count(t, f, 3);
}

static void test_counts_spaces(void **state)
{
    (void)state;
    static const count_case c[] = {
        {"対象 2,934 名様分", "2,934 名様分", "2", 2934, P, EX},
        {"3 台", "3 台", "3", 3, X, EX},
        {"3  件", "3  件", "3", 3, R, EX},
        {"最大 12,000件", "最大 12,000件", "12", 12000, R, UP},
        {"約 1,200名", "約 1,200名", "1", 1200, P, AP},
        {"5名 以上", "5名 以上", "5", 5, P, LO},
        {"5名  程度", "5名  程度", "5", 5, P, AP},
        {"5名   以上", "5名", "5", 5, P, EX},   /* three spaces: not a suffix */
    };
    check_counts(c, sizeof c / sizeof c[0]);
    static const char *const t[] = {"3   名", "3\t名", "3\n件"};
    static const char *const f[] = {"3", "3", "3"};
    check_no_count(t, f, 3);
}

static void test_counts_kanji_and_mixed(void **state)
{
    (void)state;
    static const count_case c[] = {
        {"お客様の担当者情報 2万3千件", "2万3千件", "2", 23000, R, EX},
        {"受診者に関する情報 三百件", "三百件", "三", 300, R, EX},
        {"講座申込者 一万二千人分の", "一万二千人分", "一", 12000, P, EX},
        {"までに応募された方 二百十四名", "二百十四名", "二", 214, P, EX},
        {"皆様(約1万8千人)に", "約1万8千人", "1", 18000, P, AP},
        {"約1万2千人分の", "約1万2千人分", "1", 12000, P, AP},
        {"お客さま1万9,237名", "1万9,237名", "1", 19237, P, EX},
        {"2万1,804件(", "2万1,804件", "2", 21804, R, EX},
        {"12万3,456件", "12万3,456件", "1", 123456, R, EX},
        {"1.2万件", "1.2万件", "1", 12000, R, EX},
        {"3万件", "3万件", "3", 30000, R, EX},
        {"1億件", "1億件", "1", 100000000, R, EX},
        {"約380万円が", "約380万円", "3", 3800000, X, AP},
        {"千人", "千人", "千", 1000, P, EX},
    };
    check_counts(c, sizeof c / sizeof c[0]);
}

static void test_counts_prefix(void **state)
{
    (void)state;
    static const count_case c[] = {
        {"患者様の情報約3万件が", "約3万件", "3", 30000, R, AP},
        {"学生等約1,200名分の", "約1,200名分", "1", 1200, P, AP},
        {"送信された情報 最大12,000件", "最大12,000件", "12", 12000, R, UP},
        {"配送先情報 最大で47,380件", "最大で47,380件", "47", 47380, R, UP},
        {"最大約4,600件", "最大約4,600件", "4", 4600, R, UP},
        {"最大で約4,600件", "最大で約4,600件", "4", 4600, R, UP},
        {"最大 約4,600件", "最大 約4,600件", "4", 4600, R, UP},
        {"最大で 約1,000名", "最大で 約1,000名", "1", 1000, P, UP},
        {"受診者様:最大217名", "最大217名", "2", 217, P, UP},
        {"およそ500名", "およそ500名", "5", 500, P, AP},
        {"おおよそ3千人", "おおよそ3千人", "3", 3000, P, AP},
        {"概ね200件", "概ね200件", "2", 200, R, AP},
        {"おおむね200件", "おおむね200件", "2", 200, R, AP},
        {"少なくとも30名", "少なくとも30名", "3", 30, P, LO},
    };
    check_counts(c, sizeof c / sizeof c[0]);
    /* a prefix that leads to no count: 約束, 最大の, 約 alone */
    static const char *const t[] = {"約束", "最大の課題", "約", "最大で", "約 ", "約数件"};
    static const char *const f[] = {"約", "最大", "約", "最大", "約", "約"};
    check_no_count(t, f, 6);
}

static void test_counts_suffix(void **state)
{
    (void)state;
    static const count_case c[] = {
        {"2,000件以上が", "2,000件以上", "2", 2000, R, LO},
        {"1,000件を超える", "1,000件を超える", "1", 1000, R, LO},
        {"1,000件を超え、", "1,000件を超え", "1", 1000, R, LO},
        {"100名超の", "100名超", "1", 100, P, LO},
        {"1万件超え", "1万件超え", "1", 10000, R, LO},
        {"500名余りの", "500名余り", "5", 500, P, LO},
        {"1,000件余の", "1,000件余", "1", 1000, R, LO},
        {"3万件強", "3万件強", "3", 30000, R, LO},
        {"100件以下", "100件以下", "1", 100, R, UP},
        {"50名未満", "50名未満", "5", 50, P, UP},
        {"1万件弱", "1万件弱", "1", 10000, R, UP},
        {"30名程度", "30名程度", "3", 30, P, AP},
        {"100名前後", "100名前後", "1", 100, P, AP},  /* 前後, not 名前 */
        {"100名ほど", "100名ほど", "1", 100, P, AP},
        {"1万件相当", "1万件相当", "1", 10000, R, AP},
        {"681人分程度", "681人分程度", "6", 681, P, AP},
        {"3,325名様分以上", "3,325名様分以上", "3", 3325, P, LO},
        /* 以下 introducing a list is not a bound */
        {"100件以下のとおり", "100件", "1", 100, R, EX},
        {"3件強化", "3件", "3", 3, R, EX},
    };
    check_counts(c, sizeof c / sizeof c[0]);
}

/* Precedence: 最大 wins, then a written bound after the count (以上, 超,
 * 以下), then 少なくとも, then 約/程度. */
static void test_counts_precedence(void **state)
{
    (void)state;
    static const count_case c[] = {
        {"約1,000件以上", "約1,000件以上", "1", 1000, R, LO},
        {"約1,000件超", "約1,000件超", "1", 1000, R, LO},
        {"約1,000件以下", "約1,000件以下", "1", 1000, R, UP},
        {"約1,000件程度", "約1,000件程度", "1", 1000, R, AP},
        {"最大1万件以上", "最大1万件以上", "1", 10000, R, UP},
        {"最大約1万件程度", "最大約1万件程度", "1", 10000, R, UP},
        {"最大1万件以下", "最大1万件以下", "1", 10000, R, UP},
        {"少なくとも30名程度", "少なくとも30名程度", "3", 30, P, LO},
        {"少なくとも30名以下", "少なくとも30名以下", "3", 30, P, UP},
    };
    check_counts(c, sizeof c / sizeof c[0]);
}

static void test_not_units(void **state)
{
    (void)state;
    static const char *const t[] = {
        "3名前", "2名義", "1名簿", "1名称", "2名刺", "5名乗", "2人材", "3人事",
        "4人員", "2人間", "1件名", "2通知", "3通報", "1通信", "2通常", "1通り",
        "3社員", "4社内", "2社外", "1社会", "2社長", "1組織的", "2校長",
        "3機関誌", "1法人税", "2.5GB", "3GBytes", "12", "12 ", "3万",
        "千葉", "一覧", "十数件", "数百名", "5   名",
    };
    static const char *const f[] = {
        "3", "2", "1", "1", "2", "5", "2", "3",
        "4", "2", "1", "2", "3", "1", "2", "1",
        "3", "4", "2", "1", "2", "1", "2",
        "3", "1", "2", "3", "1", "1", "3",
        "千", "一", "十", "数", "5",
    };
    _Static_assert(sizeof t == sizeof f, "rows");
    check_no_count(t, f, sizeof t / sizeof t[0]);
}

static void test_inside_number(void **state)
{
    (void)state;
    /* A count may not start inside a numeral: callers may try every
     * position and must not get 234件 out of 1,234件. */
    static const char *const t[] = {"1,234件", "12件", "2万3千件", "一万二千人", "3.5件",
                                    "1,234件"};
    static const char *const f[] = {"234", "2件", "3千", "二千", "5件", "34"};
    check_no_count(t, f, 6);
}

static void test_count_overflow(void **state)
{
    (void)state;
    static const char *const t[] = {"99999999999999999999件", "約99999999999999999999件",
                                    "9999999999999999万件", "00000000000000000000000000000000000000001件"};
    static const char *const f[] = {"9", "約", "9", "0"};
    check_no_count(t, f, 4);
}

static void test_count_bad_calls(void **state)
{
    (void)state;
    jkb_count out;
    assert_int_equal(jkb_count_parse(NULL, 4, 0, &out), 0);
    assert_int_equal(jkb_count_parse("3名", 4, 4, &out), 0);
    assert_int_equal(jkb_count_parse("3名", 4, 99, &out), 0);
    assert_int_equal(jkb_count_parse("3名", 4, 0, NULL), 4); /* out optional */
}

/* Every prefix of each phrase, parsed at every position, from a buffer of
 * exactly that size: cut mid-number and mid-UTF-8, nothing is read past len
 * (ASan checks), and every span stays inside. */
static void test_cut_inputs(void **state)
{
    (void)state;
    static const char *const phr[] = {
        "最大で約47,380件以上", "全期間合計 3,325名様分程度", "一万二千人分を超える",
        "12万3,456件", "1.2万件強", "約 2,934  名様分", "3名前後", "1,2345", "0.5万人",
    };
    for (size_t k = 0; k < sizeof phr / sizeof phr[0]; k++) {
        size_t n = strlen(phr[k]);
        for (size_t cut = 0; cut <= n; cut++) {
            char *b = exact(phr[k], cut);
            for (size_t pos = 0; pos <= cut; pos++) {
                int64_t v;
                size_t got = jkb_number_parse(b, cut, pos, &v);
                assert_true(pos + got <= cut);
                jkb_count out;
                got = jkb_count_parse(b, cut, pos, &out);
                if (got > 0) {
                    assert_int_equal(out.start, pos);
                    assert_true(out.end <= cut);
                    assert_true(out.num_start >= pos && out.num_start < out.end);
                }
            }
            free(b);
        }
    }
    /* and what the cuts mean */
    static const num_case c[] = {
        {"3,32", 3, "3"},
        {"2,417", 2417, "2,417"},
        {"2,41", 2, "2"},
        {"1.", 1, "1"},
        {"一万二\xe5\x8d", 10002, "一万二"},
        {"一\xe4", 1, "一"},
    };
    check_numbers(c, sizeof c / sizeof c[0]);
    static const char *const t[] = {"2,417\xe5", "約\xe7", "最大\xe3", "2,4"};
    static const char *const f[] = {"2", "約", "最大", "2"};
    check_no_count(t, f, 4);
    /* a cut 様 or 分 leaves the count at 名 */
    static const count_case cc[] = {
        {"3,325名\xe6", "3,325名", "3", 3325, P, EX},
        {"3,325名\xe6\xa7", "3,325名", "3", 3325, P, EX},
        {"3,325名様\xe5\x88", "3,325名様", "3", 3325, P, EX},
    };
    check_counts(cc, 3);
}

/* Call both parsers at every byte of a 1 MB run. Each call reads a bounded
 * number of bytes, so this finishes quickly; a quadratic parser would not. */
static void scan_all(const char *unit, size_t ulen)
{
    size_t n = (1u << 20) / ulen * ulen;
    char *b = malloc(n);
    assert_non_null(b);
    for (size_t i = 0; i < n; i += ulen)
        memcpy(b + i, unit, ulen);
    size_t hits = 0;
    for (size_t pos = 0; pos < n; pos++) {
        int64_t v;
        jkb_count out;
        hits += jkb_number_parse(b, n, pos, &v) > 0;
        hits += jkb_count_parse(b, n, pos, &out) > 0;
    }
    (void)hits;
    free(b);
}

static void test_megabyte_runs(void **state)
{
    (void)state;
    scan_all("約", 3);
    scan_all("1", 1);
    scan_all("0", 1);
    scan_all("〇", 3);
    scan_all("一", 3);
    scan_all("0,000", 5);
    scan_all("最大で約", 12);
    scan_all("1名", 4);
    scan_all("1 ", 2);
    scan_all("1.", 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_numbers),
        cmocka_unit_test(test_kanji_numbers),
        cmocka_unit_test(test_mixed_numbers),
        cmocka_unit_test(test_number_overflow_and_cap),
        cmocka_unit_test(test_number_bad_calls),
        cmocka_unit_test(test_counts_plain),
        cmocka_unit_test(test_counts_spaces),
        cmocka_unit_test(test_counts_kanji_and_mixed),
        cmocka_unit_test(test_counts_prefix),
        cmocka_unit_test(test_counts_suffix),
        cmocka_unit_test(test_counts_precedence),
        cmocka_unit_test(test_not_units),
        cmocka_unit_test(test_inside_number),
        cmocka_unit_test(test_count_overflow),
        cmocka_unit_test(test_count_bad_calls),
        cmocka_unit_test(test_cut_inputs),
        cmocka_unit_test(test_megabyte_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
