/* The extractor through the public API: negation scope, counts and their
 * qualifiers, categories, dates resolved against the notice, evidence spans
 * that point at the words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "jikenbo/jikenbo.h"

typedef struct got {
    int n;
    char case_id[128];
    int has_case_id;
    char org[128];
    char title[256];
    jkb_date published;
    uint32_t categories, data_classes, authorities, measures, vectors;
    int has_affected;
    long long affected;
    int qual, leak, secondary, report_no;
    int n_timeline;
    jkb_event timeline[32];
    char actors[4][64];
    int n_actors;
    int spans_ok;
} got;

static int collect(const jkb_record *r, const char *text, void *ud)
{
    got *g = ud;
    g->n++;
    g->has_case_id = r->case_id.s != NULL;
    if (r->case_id.s)
        snprintf(g->case_id, sizeof g->case_id, "%s", r->case_id.s);
    if (r->org.s)
        snprintf(g->org, sizeof g->org, "%s", r->org.s);
    if (r->title.s)
        snprintf(g->title, sizeof g->title, "%s", r->title.s);
    g->published = r->published;
    g->categories = r->categories;
    g->data_classes = r->data_classes;
    g->authorities = r->authorities;
    g->measures = r->measures;
    g->vectors = r->vectors;
    g->has_affected = r->has_affected;
    g->affected = r->affected;
    g->qual = r->affected_qualifier;
    g->leak = r->leak_status;
    g->secondary = r->secondary_damage;
    g->report_no = r->report_no;
    g->n_timeline = (int)(r->n_timeline < 32 ? r->n_timeline : 32);
    if (g->n_timeline)
        memcpy(g->timeline, r->timeline, (size_t)g->n_timeline * sizeof(jkb_event));
    g->n_actors = 0;
    for (size_t i = 0; i < r->n_actors && i < 4; i++)
        snprintf(g->actors[g->n_actors++], 64, "%s", r->actors[i].s);
    /* every span lies in the notice and on character boundaries */
    g->spans_ok = 1;
    for (size_t i = 0; i < r->n_evidence; i++) {
        jkb_span sp = r->evidence[i].span;
        if (sp.start > sp.end || sp.end > r->extent.end || sp.start < r->extent.start)
            g->spans_ok = 0;
        if (((unsigned char)text[sp.start] & 0xC0) == 0x80)
            g->spans_ok = 0;
    }
    return 0;
}

static jkb_engine *eng;

static int setup(void **state)
{
    (void)state;
    jkb_err err;
    if (jkb_engine_new(&eng, &err) != JKB_OK || jkb_engine_compile(eng, &err) != JKB_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    jkb_engine_free(eng);
    return 0;
}

static got run(const char *text)
{
    got g;
    memset(&g, 0, sizeof g);
    jkb_err err;
    jkb_opts o = {0, true};
    assert_int_equal(jkb_extract(eng, text, strlen(text), &o, collect, &g, &err), JKB_OK);
    assert_int_equal(g.n, 1);
    assert_true(g.spans_ok);
    return g;
}

#define BIT(x) (1u << (x))

static void test_negated_card(void **state)
{
    (void)state;
    got g = run("2024年3月1日\n株式会社テスト商事\n\n不正アクセスによる個人情報流出に関するお知らせ\n\n"
                "当社サーバが不正アクセスを受け、お客様の氏名、住所、電話番号が流出したことを確認いたしました。"
                "なお、クレジットカード情報は保有しておらず、クレジットカード情報の流出はございません。\n");
    assert_true(g.data_classes & BIT(JKB_DATA_NAME));
    assert_true(g.data_classes & BIT(JKB_DATA_ADDRESS));
    assert_true(g.data_classes & BIT(JKB_DATA_PHONE));
    assert_false(g.data_classes & BIT(JKB_DATA_CREDIT_CARD));
    assert_false(g.categories & BIT(JKB_CAT_CARD_SKIMMING));
    assert_int_equal(g.leak, JKB_LEAK_CONFIRMED);
    assert_string_equal(g.org, "株式会社テスト商事");
    assert_string_equal(g.title, "不正アクセスによる個人情報流出に関するお知らせ");
    assert_int_equal(g.published.y, 2024);
}

static void test_leak_none(void **state)
{
    (void)state;
    got g = run("株式会社テスト お知らせ\n\n当社従業員による不正利用について、第三者への個人情報の流出は確認されておりません。\n");
    assert_int_equal(g.leak, JKB_LEAK_NONE);
}

static void test_leak_possible(void **state)
{
    (void)state;
    got g = run("株式会社テスト お知らせ\n\n個人情報の流出は確認されておりませんが、流出の可能性を否定できません。\n");
    assert_int_equal(g.leak, JKB_LEAK_POSSIBLE);
}

/* Words in a list of what was not affected do not count. */
static void test_not_affected_list(void **state)
{
    (void)state;
    got g = run("学校法人テスト学園 書類の紛失について\n\n教員が書類を紛失しました。書類には生徒の氏名が記載されていました。"
                "※書類は紙のみであり、パソコンやUSBメモリ等の記録媒体は含まれておりません。\n");
    assert_true(g.categories & BIT(JKB_CAT_LOSS_THEFT));
    assert_false(g.vectors & BIT(JKB_VEC_USB_MEDIA));
    assert_true(g.data_classes & BIT(JKB_DATA_NAME));
}

static void test_total(void **state)
{
    (void)state;
    got g = run("株式会社テスト お知らせ 2023年1月5日\n\n流出した個人情報\n"
                "①の期間小計 7名様分\n②の期間小計 384名様分\n③の期間小計 2,934名様分\n対象者数 全期間合計 3,325名様分\n");
    assert_true(g.has_affected);
    assert_int_equal(g.affected, 3325);
    assert_int_equal(g.qual, JKB_QUAL_EXACT);
}

static void test_approx_upper(void **state)
{
    (void)state;
    got g = run("株式会社テスト お知らせ\n\n最大12,000件の個人情報が閲覧可能な状態となっていました。\n");
    assert_int_equal(g.affected, 12000);
    assert_int_equal(g.qual, JKB_QUAL_UPPER);
    g = run("医療法人テスト会 お知らせ\n\n約3万件の患者情報が流出した可能性があります。\n");
    assert_int_equal(g.affected, 30000);
    assert_int_equal(g.qual, JKB_QUAL_APPROX);
    assert_int_equal(g.leak, JKB_LEAK_POSSIBLE);
}

/* People over records: 2,417名 of cards 2,538件. */
static void test_people_over_records(void **state)
{
    (void)state;
    got g = run("株式会社テスト お知らせ\n\nお客様2,417名のカード情報2,538件が漏えいいたしました。\n");
    assert_int_equal(g.affected, 2417);
}

static void test_ransomware_actor(void **state)
{
    (void)state;
    got g = run("2023年10月12日\nテスト工業株式会社\n\n当社サーバへのランサムウェア攻撃について(第1報)\n\n"
                "2023年10月8日未明、ファイルが暗号化される事象が発生しました。ランサムウェア「LockBit」による攻撃であると判断いたしました。"
                "同日中に、被害を受けたサーバを外部から遮断しました。\n翌9日、個人情報保護委員会へ報告を行いました。\n");
    assert_true(g.categories & BIT(JKB_CAT_RANSOMWARE));
    assert_int_equal(g.report_no, 1);
    assert_int_equal(g.n_actors, 1);
    assert_string_equal(g.actors[0], "LockBit");
    assert_true(g.authorities & BIT(JKB_AUTH_PPC));
    int occurred = 0, contained = 0, reported = 0;
    for (int i = 0; i < g.n_timeline; i++) {
        jkb_event e = g.timeline[i];
        if (e.kind == JKB_EV_OCCURRED && e.date.y == 2023 && e.date.m == 10 && e.date.d == 8)
            occurred = 1;
        if (e.kind == JKB_EV_CONTAINED && e.date.d == 8)
            contained = 1;
        if (e.kind == JKB_EV_REPORTED && e.date.d == 9 && (e.to & BIT(JKB_AUTH_PPC)))
            reported = 1;
    }
    assert_true(occurred);
    assert_true(contained);
    assert_true(reported);
}

static void test_version_actor(void **state)
{
    (void)state;
    got g = run("【セキュリティ事件簿#2023-001】LockBit 3.0ランサムウエアギャングは、“example.co”をハッキングしたと主張\n\n\n株式会社テスト(英: Test Co., Ltd.)は、日本の企業。\n");
    assert_int_equal(g.n_actors, 1);
    assert_string_equal(g.actors[0], "LockBit 3.0");
    assert_int_equal(g.categories, BIT(JKB_CAT_LEAK_CLAIM));
    assert_string_equal(g.org, "株式会社テスト");
}

/* The galaxy's table maps "Hunters International" to its slug "hunters",
 * the curated one to "Hunters International": one span, one actor, the name
 * as the notice writes it. */
static void test_actor_one_name_per_span(void **state)
{
    (void)state;
    got g = run("2024年7月20日\nテスト商事株式会社\n\n不正アクセスに関するお知らせ\n\n"
                "7月12日、攻撃グループ「Hunters International」が、リークサイトに当社から窃取したとするデータを"
                "掲載していることを確認いたしました。\n");
    assert_int_equal(g.n_actors, 1);
    assert_string_equal(g.actors[0], "Hunters International");
}

static void test_nothing(void **state)
{
    (void)state;
    got g = run("こんにちは。\n");
    assert_int_equal(g.categories, BIT(JKB_CAT_OTHER));
    assert_false(g.has_affected);
    assert_int_equal(g.leak, JKB_LEAK_UNKNOWN);
    assert_int_equal(g.secondary, JKB_SEC_UNKNOWN);
    assert_int_equal(g.published.y, 0);
}

/* A casebook number is short (2023-004): up to 32 bytes it is the case_id,
 * past that the bracket holds something else and the case_id is null
 * (647879d; fuzz/corpus/fuzz_extract/regress-casebook-number-over-32-bytes). */
static void test_case_id_length(void **state)
{
    (void)state;
    got g = run("【セキュリティ事件簿#2023-004】株式会社テスト 不正アクセスのお知らせ 2024年4月12日\n\n"
                "当社サーバーが不正アクセスを受けました。\n");
    assert_true(g.has_case_id);
    assert_string_equal(g.case_id, "2023-004");
    /* 32 bytes: kept */
    g = run("【セキュリティ事件簿#2023-012345678901234567890123456】株式会社テスト 不正アクセスのお知らせ 2024年4月12日\n\n"
            "当社サーバーが不正アクセスを受けました。\n");
    assert_true(g.has_case_id);
    assert_int_equal(strlen(g.case_id), 32);
    /* 33 bytes: no id */
    g = run("【セキュリティ事件簿#2023-0123456789012345678901234567】株式会社テスト 不正アクセスのお知らせ 2024年4月12日\n\n"
            "当社サーバーが不正アクセスを受けました。\n");
    assert_false(g.has_case_id);
    /* the rest of the header is still read */
    assert_string_equal(g.org, "株式会社テスト");
    assert_int_equal(g.published.y, 2024);
}

/* A user lexicon adds terms without a rebuild. */
static void test_user_lexicon(void **state)
{
    (void)state;
    jkb_engine *e2 = NULL;
    jkb_err err;
    assert_int_equal(jkb_engine_new(&e2, &err), JKB_OK);
    const char *tsv = "# mine\nテスト障害語\tcategory\tddos\n";
    assert_int_equal(jkb_engine_add_lexicon(e2, tsv, strlen(tsv), "mine.tsv", &err), JKB_OK);
    const char *bad = "語\tcategory\tno_such_category\n";
    assert_int_equal(jkb_engine_add_lexicon(e2, bad, strlen(bad), "bad.tsv", &err), JKB_EINVAL);
    assert_non_null(strstr(err.msg, "bad.tsv:1"));
    assert_int_equal(jkb_engine_compile(e2, &err), JKB_OK);
    got g;
    memset(&g, 0, sizeof g);
    const char *text = "テスト お知らせ\n\nテスト障害語が発生しました。\n";
    jkb_opts o = {0, true};
    assert_int_equal(jkb_extract(e2, text, strlen(text), &o, collect, &g, &err), JKB_OK);
    assert_true(g.categories & BIT(JKB_CAT_DDOS));
    jkb_engine_free(e2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_negated_card),   cmocka_unit_test(test_leak_none),
        cmocka_unit_test(test_leak_possible),  cmocka_unit_test(test_not_affected_list),
        cmocka_unit_test(test_total),          cmocka_unit_test(test_approx_upper),
        cmocka_unit_test(test_people_over_records), cmocka_unit_test(test_ransomware_actor),
        cmocka_unit_test(test_version_actor),  cmocka_unit_test(test_actor_one_name_per_span),
        cmocka_unit_test(test_nothing),       cmocka_unit_test(test_case_id_length),
        cmocka_unit_test(test_user_lexicon),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
