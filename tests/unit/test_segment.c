/* Segmentation: one notice or a casebook of many. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "segment.h"

static size_t seg(const char *text, jkb_span *out, size_t max)
{
    jkb_vec v;
    jkb_vec_init(&v, sizeof(jkb_span));
    assert_int_equal(jkb_segment(text, strlen(text), &v), JKB_OK);
    size_t n = v.n;
    for (size_t i = 0; i < n && i < max; i++)
        out[i] = JKB_VEC_AT(&v, jkb_span, i);
    jkb_vec_free(&v);
    return n;
}

static void test_single(void **state)
{
    (void)state;
    jkb_span sp[4];
    const char *t = "2024年3月5日\n株式会社テスト\n\n不正アクセスに関するお知らせ\n\n本文です。\n";
    assert_int_equal(seg(t, sp, 4), 1);
    assert_int_equal(sp[0].start, 0);
    assert_int_equal(sp[0].end, strlen(t));
}

static void test_blank(void **state)
{
    (void)state;
    jkb_span sp[4];
    assert_int_equal(seg("", sp, 4), 0);
    assert_int_equal(seg(" \n\n　\n", sp, 4), 0);
}

static void test_casebook_headers(void **state)
{
    (void)state;
    jkb_span sp[4];
    const char *t = "【セキュリティ事件簿#2024-001】株式会社A お知らせ 2024年1月5日\n\n本文A。\n\n"
                    "【セキュリティ事件簿#2024-002】B市 お詫び 2024年1月6日\n\n本文B。\n";
    assert_int_equal(seg(t, sp, 4), 2);
    assert_int_equal(sp[0].start, 0);
    const char *second = strstr(t, "【セキュリティ事件簿#2024-002】");
    assert_int_equal(sp[0].end, (size_t)(second - t));
    assert_int_equal(sp[1].start, (size_t)(second - t));
    assert_int_equal(sp[1].end, strlen(t));
}

/* In a casebook, a dated title line between blank lines starts an entry,
 * and so does a list title with a BY byline. */
static void test_casebook_titles(void **state)
{
    (void)state;
    jkb_span sp[4];
    const char *t = "【セキュリティ事件簿#2023-005】株式会社A お知らせ 2023年1月5日\n\n本文A。\n\n"
                    "社会医療法人B サイバー攻撃のお知らせ(第 2 報) 2022年12月27日\n\n本文B。\n\n"
                    "ランサムウェアギャングが発表した被害組織リスト(2022年12月版)BY DARKTRACER\n\n・株式会社C\n";
    assert_int_equal(seg(t, sp, 4), 3);
    assert_true(strncmp(t + sp[1].start, "社会医療法人B", strlen("社会医療法人B")) == 0);
    assert_true(strncmp(t + sp[2].start, "ランサムウェア", strlen("ランサムウェア")) == 0);
}

/* Without any casebook header, a dated title line in the body does not
 * split the notice. */
static void test_no_split_without_header(void **state)
{
    (void)state;
    jkb_span sp[4];
    const char *t = "株式会社A お知らせ 2023年1月5日\n\n本文A。\n\n参考 株式会社B お知らせ 2022年12月27日\n\n本文B。\n";
    assert_int_equal(seg(t, sp, 4), 1);
}

/* Text before the first header that holds words is a notice of its own. */
static void test_preamble(void **state)
{
    (void)state;
    jkb_span sp[4];
    const char *t = "前書きの文章です。\n\n【セキュリティ事件簿#2024-001】株式会社A お知らせ 2024年1月5日\n\n本文。\n";
    assert_int_equal(seg(t, sp, 4), 2);
    assert_int_equal(sp[0].start, 0);
}

/* 100,000 '【' in a row: linear, one notice. */
static void test_patho(void **state)
{
    (void)state;
    size_t n = 100000;
    char *t = malloc(n * 3 + 1);
    assert_non_null(t);
    for (size_t i = 0; i < n; i++)
        memcpy(t + i * 3, "【", 3);
    t[n * 3] = 0;
    jkb_span sp[2];
    assert_int_equal(seg(t, sp, 2), 1);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single),          cmocka_unit_test(test_blank),
        cmocka_unit_test(test_casebook_headers), cmocka_unit_test(test_casebook_titles),
        cmocka_unit_test(test_no_split_without_header), cmocka_unit_test(test_preamble),
        cmocka_unit_test(test_patho),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
