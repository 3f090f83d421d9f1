/* Normalization: NFKC plus the Japanese folds, and the offset map that
 * takes every normalized byte back to the document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "norm.h"

static void check(const char *in, const char *want)
{
    jkb_norm n;
    jkb_norm_init(&n);
    assert_int_equal(jkb_norm_run(&n, in, 0, strlen(in)), JKB_OK);
    assert_string_equal(n.s, want);
    assert_int_equal(n.len, strlen(want));
    /* the map is monotonic and inside the input */
    for (size_t i = 0; i < n.len; i++) {
        assert_true(n.map[i] < strlen(in));
        if (i)
            assert_true(n.map[i] >= n.map[i - 1]);
    }
    assert_int_equal(n.map[n.len], strlen(in));
    jkb_norm_free(&n);
}

static void test_fullwidth(void **state)
{
    (void)state;
    check("２０２４年５月２０日", "2024年5月20日");
    check("ＣＶＥ－２０２３－２７９９７", "CVE-2023-27997");
    check("（株）", "(株)");
    check("３，３２５名", "3,325名");
}

static void test_folds(void **state)
{
    (void)state;
    check("12月3日〜12月4日", "12月3日~12月4日");
    check("12月3日～12月4日", "12月3日~12月4日");
    check("①②③", "123");
    check("令和5年　1月", "令和5年 1月");
    check("A\r\nB\rC", "A\nB\nC");
    check("ｶﾞｲﾄﾞ", "ガイド");
    check("㈱メディ", "(株)メディ");
    check("2022 年 12月 21 日", "2022 年 12月 21 日"); /* spaces stay; the date grammar skips them */
}

static void test_span(void **state)
{
    (void)state;
    const char *in = "ＡＢ不正アクセス①";
    jkb_norm n;
    jkb_norm_init(&n);
    assert_int_equal(jkb_norm_run(&n, in, 0, strlen(in)), JKB_OK);
    /* "AB" is 2 bytes normalized, 6 in the document */
    assert_memory_equal(n.s, "AB", 2);
    jkb_span sp = jkb_norm_span(&n, in, 0, 2);
    assert_int_equal(sp.start, 0);
    assert_int_equal(sp.end, 6);
    /* 不正アクセス */
    sp = jkb_norm_span(&n, in, 2, 2 + 18);
    assert_int_equal(sp.start, 6);
    assert_int_equal(sp.end, 24);
    assert_memory_equal(in + sp.start, "不正アクセス", 18);
    /* ① → 1: one byte back to three */
    sp = jkb_norm_span(&n, in, 20, 21);
    assert_int_equal(sp.start, 24);
    assert_int_equal(sp.end, 27);
    jkb_norm_free(&n);
}

static void test_invalid(void **state)
{
    (void)state;
    const char bad[] = "a\xff\xfe" "b\xe3\x81"; /* invalid bytes and a truncated sequence */
    jkb_norm n;
    jkb_norm_init(&n);
    assert_int_equal(jkb_norm_run(&n, bad, 0, sizeof bad - 1), JKB_OK);
    assert_string_equal(n.s, "a  b  ");
    jkb_norm_free(&n);
}

static void test_sub_range(void **state)
{
    (void)state;
    const char *in = "前置き【事件簿】本文";
    size_t a = strlen("前置き");
    jkb_norm n;
    jkb_norm_init(&n);
    assert_int_equal(jkb_norm_run(&n, in, a, strlen(in)), JKB_OK);
    assert_string_equal(n.s, "【事件簿】本文");
    assert_int_equal(n.map[0], a);
    jkb_norm_free(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fullwidth), cmocka_unit_test(test_folds), cmocka_unit_test(test_span),
        cmocka_unit_test(test_invalid), cmocka_unit_test(test_sub_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
