/*
 * Unit tests of the reporting-deadline assessment (src/assess, data/assess):
 * the ten worked cases of shared/spec/regulation.md 7.5 on records built by
 * hand, Kleene logic, the expression parser and its refusals, validity
 * dates, counts, business days, the JSON output, and the seed casebook's
 * メディウェル notice extracted and assessed end to end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "assess_internal.h"

/* ---- a record built by hand ---- */

typedef struct tb {
    jkb_record rec;
    jkb_event ev[8];
    jkb_evidence evd[8];
    char text[1024];
    size_t tlen;
} tb;

static jkb_date D(int y, int m, int d)
{
    jkb_date r;
    r.y = (int16_t)y;
    r.m = (int8_t)m;
    r.d = (int8_t)d;
    return r;
}

static void tb_init(tb *b, int org_kind, const char *org)
{
    memset(b, 0, sizeof *b);
    b->rec.org_kind = org_kind;
    b->rec.org.s = org;
    b->rec.org.len = org ? strlen(org) : 0;
    b->rec.affected_qualifier = JKB_QUAL_NONE;
    b->rec.leak_status = JKB_LEAK_UNKNOWN;
    b->rec.secondary_damage = JKB_SEC_UNKNOWN;
    b->rec.timeline = b->ev;
    b->rec.evidence = b->evd;
}

/* Append words to the notice text; with field >= 0 they are that field's evidence. */
static void tb_words(tb *b, int field, int item, const char *w)
{
    size_t n = strlen(w);
    assert_true(b->tlen + n + 1 < sizeof b->text);
    if (field >= 0) {
        assert_true(b->rec.n_evidence < 8);
        jkb_evidence *e = &b->evd[b->rec.n_evidence++];
        e->field = (uint16_t)field;
        e->item = (uint16_t)(item < 0 ? 0 : item);
        e->span.start = (uint32_t)b->tlen;
        e->span.end = (uint32_t)(b->tlen + n);
    }
    memcpy(b->text + b->tlen, w, n);
    b->tlen += n;
    b->text[b->tlen++] = '\n';
}

static void tb_event(tb *b, int kind, jkb_date d, uint32_t to)
{
    assert_true(b->rec.n_timeline < 8);
    jkb_event *e = &b->ev[b->rec.n_timeline++];
    e->kind = (uint8_t)kind;
    e->date = d;
    e->to = to;
}

static void tb_count(tb *b, int64_t n, int qual, const char *words)
{
    b->rec.has_affected = true;
    b->rec.affected = n;
    b->rec.affected_qualifier = qual;
    if (words)
        tb_words(b, JKB_F_AFFECTED, -1, words);
}

#define CAT(x) (1u << JKB_CAT_##x)
#define DATA(x) (1u << JKB_DATA_##x)

/* ---- fixtures ---- */

static int setup(void **state)
{
    jkb_rules *r = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    if (jkb_rules_new(&r, &err) != JKB_OK) {
        fprintf(stderr, "rules: %s\n", err.msg);
        return -1;
    }
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    jkb_rules_free(*state);
    return 0;
}

static jkb_facts *facts_of(void **state, tb *b)
{
    jkb_facts *f = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    assert_int_equal(jkb_facts_new(*state, &b->rec, b->tlen ? b->text : NULL, b->tlen, &f, &err), JKB_OK);
    return f;
}

static jkb_assessment *run_opts(void **state, jkb_facts *f, const jkb_assess_opts *o)
{
    jkb_assessment *a = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    assert_int_equal(jkb_assess_facts(*state, f, o, &a, &err), JKB_OK);
    return a;
}

static jkb_assessment *run(void **state, jkb_facts *f) { return run_opts(state, f, NULL); }

static const jkb_verdict *get(const jkb_assessment *a, const char *id)
{
    const jkb_verdict *v = jkb_assessment_find(a, id);
    if (!v)
        fail_msg("no verdict %s", id);
    return v;
}

static void assert_date(jkb_date d, int y, int m, int dd)
{
    if (d.y != y || d.m != m || d.d != dd)
        fail_msg("date %04d-%02d-%02d, want %04d-%02d-%02d", d.y, d.m, d.d, y, m, dd);
}

/* A row's state, and for obligations the status. */
static void expect(const jkb_assessment *a, const char *id, jkb_tri state, int status)
{
    const jkb_verdict *v = get(a, id);
    if (v->state != state)
        fail_msg("%s: state %s, want %s", id, jkb_tri_key(v->state), jkb_tri_key(state));
    if (status >= 0 && v->status != status)
        fail_msg("%s: status %s, want %s", id, jkb_deadline_status_key(v->status), jkb_deadline_status_key(status));
}

/* The reasons of a verdict mention fact (and, if text, those words). */
static int has_reason(const jkb_verdict *v, const char *fact, const char *text)
{
    for (size_t i = 0; i < v->n_because; i++)
        if (strcmp(v->because[i].fact, fact) == 0 && (!text || (v->because[i].text && strstr(v->because[i].text, text))))
            return 1;
    return 0;
}

/* ---- 7.5 case 1: unauthorized access, 2,934 people ---- */

static void case1_record(tb *b)
{
    tb_init(b, JKB_ORG_COMPANY, "株式会社テスト商事");
    b->rec.categories = CAT(UNAUTHORIZED_ACCESS);
    tb_words(b, JKB_F_CATEGORIES, JKB_CAT_UNAUTHORIZED_ACCESS, "不正アクセス");
    b->rec.data_classes = DATA(NAME) | DATA(ADDRESS) | DATA(EMAIL);
    b->rec.leak_status = JKB_LEAK_POSSIBLE;
    tb_count(b, 2934, JKB_QUAL_EXACT, "2,934人");
    tb_event(b, JKB_EV_DETECTED, D(2022, 12, 5), 0);
    b->rec.published = D(2023, 1, 5);
}

static void test_case1_unauthorized_access(void **state)
{
    tb b;
    case1_record(&b);
    jkb_facts *f = facts_of(state, &b);
    jkb_assessment *a = run(state, f);
    assert_string_equal(jkb_assessment_regime_jp(a), "appi_private");
    jkb_date rs = jkb_assessment_rule_set(a);
    assert_date(rs, 2022, 4, 1);
    expect(a, "appi.r7.1", JKB_NO, -1);
    expect(a, "appi.r7.2", JKB_NO, -1);
    expect(a, "appi.r7.3", JKB_YES, -1);
    expect(a, "appi.r7.3b", JKB_NO, -1); /* not yet in force */
    expect(a, "appi.r7.4", JKB_YES, -1);
    const jkb_verdict *v = get(a, "appi.r7.4");
    assert_true(has_reason(v, "count", "2,934人"));
    assert_true(has_reason(get(a, "appi.r7.3"), "cat_unauthorized_access", "不正アクセス"));
    expect(a, "appi.sokuhou", JKB_YES, JKB_ST_UNKNOWN);
    v = get(a, "appi.sokuhou");
    assert_date(v->due_from, 2022, 12, 8);
    assert_date(v->due_to, 2022, 12, 10);
    expect(a, "appi.kakuhou", JKB_NO, JKB_ST_NOT_APPLICABLE);
    expect(a, "appi.kakuhou60", JKB_YES, JKB_ST_UNKNOWN);
    assert_date(get(a, "appi.kakuhou60")->due, 2023, 2, 3);
    expect(a, "appi.notice", JKB_YES, JKB_ST_NO_DEADLINE);
    assert_true(a->has_paa);
    assert_int_equal(a->paa, 31);
    jkb_assessment_free(a);

    /* conservative mode: the day of knowing is day 1 */
    jkb_assess_opts o = {true, false};
    a = run_opts(state, f, &o);
    assert_date(get(a, "appi.kakuhou60")->due, 2023, 2, 2);
    jkb_assessment_free(a);
    jkb_facts_free(f);

    /* 「個人情報保護委員会へ報告済み」: a report existed by the notice's date */
    b.rec.authorities = 1u << JKB_AUTH_PPC;
    tb_words(&b, JKB_F_AUTHORITIES, JKB_AUTH_PPC, "個人情報保護委員会");
    f = facts_of(state, &b);
    a = run(state, f);
    expect(a, "appi.kakuhou60", JKB_YES, JKB_ST_BOUND_MET);
    v = get(a, "appi.kakuhou60");
    assert_true(v->done_bound);
    assert_date(v->done, 2023, 1, 5);
    expect(a, "appi.sokuhou", JKB_YES, JKB_ST_UNKNOWN);
    jkb_assessment_free(a);
    jkb_facts_free(f);
}

/* ---- case 2: thresholds, misdelivery ---- */

static void case2_run(void **state, int64_t n, int qual, const char *words, jkb_tri want)
{
    tb b;
    tb_init(&b, JKB_ORG_COMPANY, "株式会社テスト");
    b.rec.categories = CAT(MISDELIVERY);
    b.rec.data_classes = DATA(NAME) | DATA(EMAIL);
    b.rec.leak_status = JKB_LEAK_CONFIRMED;
    tb_count(&b, n, qual, words);
    tb_event(&b, JKB_EV_DETECTED, D(2023, 3, 1), 0);
    jkb_facts *f = facts_of(state, &b);
    jkb_assessment *a = run(state, f);
    const jkb_verdict *v = get(a, "appi.r7.4");
    if (v->state != want)
        fail_msg("%s: 4号 %s, want %s", words, jkb_tri_key(v->state), jkb_tri_key(want));
    expect(a, "appi.r7.1", JKB_NO, -1);
    expect(a, "appi.r7.2", JKB_NO, -1);
    expect(a, "appi.r7.3", JKB_NO, -1);
    /* the 確報 follows 4号 alone */
    expect(a, "appi.kakuhou", want,
           want == JKB_NO ? JKB_ST_NOT_APPLICABLE : JKB_ST_UNKNOWN);
    assert_date(get(a, "appi.kakuhou")->due, 2023, 3, 31);
    expect(a, "appi.kakuhou60", JKB_NO, JKB_ST_NOT_APPLICABLE);
    jkb_assessment_free(a);
    jkb_facts_free(f);
}

static void test_case2_thresholds(void **state)
{
    case2_run(state, 1000, JKB_QUAL_EXACT, "1,000人", JKB_NO);
    case2_run(state, 1001, JKB_QUAL_EXACT, "1,001人", JKB_YES);
    case2_run(state, 1000, JKB_QUAL_APPROX, "約1,000人", JKB_UNK);
    case2_run(state, 1000, JKB_QUAL_LOWER, "1,000人以上", JKB_UNK);
    case2_run(state, 1000, JKB_QUAL_UPPER, "最大1,000件", JKB_NO);
    case2_run(state, 1000, JKB_QUAL_LOWER, "1,000人超", JKB_YES);
    /* records are an upper bound on people (1.5) */
    case2_run(state, 2934, JKB_QUAL_EXACT, "2,934件", JKB_UNK);
    case2_run(state, 900, JKB_QUAL_EXACT, "900件", JKB_NO);
}

/* ---- case 3: a private clinic, one patient ---- */

static void test_case3_clinic(void **state)
{
    tb b;
    tb_init(&b, JKB_ORG_MEDICAL, "さくら内科クリニック");
    b.rec.categories = CAT(MISDELIVERY);
    b.rec.data_classes = DATA(NAME) | DATA(MEDICAL);
    tb_words(&b, JKB_F_DATA_CLASSES, JKB_DATA_MEDICAL, "診療明細書");
    b.rec.leak_status = JKB_LEAK_CONFIRMED;
    tb_count(&b, 1, JKB_QUAL_EXACT, "1名");
    tb_event(&b, JKB_EV_DETECTED, D(2023, 6, 1), 0);
    tb_event(&b, JKB_EV_REPORTED, D(2023, 6, 2), 1u << JKB_AUTH_PPC);
    b.rec.authorities = 1u << JKB_AUTH_PPC;
    jkb_facts *f = facts_of(state, &b);
    jkb_assessment *a = run(state, f);
    assert_string_equal(jkb_assessment_regime_jp(a), "appi_private");
    expect(a, "appi.r7.1", JKB_YES, -1);
    assert_true(has_reason(get(a, "appi.r7.1"), "data_medical", "診療明細書"));
    expect(a, "appi.r7.2", JKB_NO, -1);
    expect(a, "appi.r7.3", JKB_NO, -1);
    expect(a, "appi.r7.4", JKB_NO, -1);
    expect(a, "appi.sokuhou", JKB_YES, JKB_ST_MET);
    const jkb_verdict *v = get(a, "appi.sokuhou");
    assert_date(v->due_from, 2023, 6, 4);
    assert_date(v->due_to, 2023, 6, 6);
    assert_date(v->done, 2023, 6, 2);
    /* the one report may or may not have been the 確報 */
    expect(a, "appi.kakuhou", JKB_YES, JKB_ST_UNKNOWN);
    assert_date(get(a, "appi.kakuhou")->due, 2023, 7, 1);
    expect(a, "appi.kakuhou60", JKB_NO, JKB_ST_NOT_APPLICABLE);
    /* a medical body: the MHLW contact is for cyber attacks only */
    expect(a, "mhlw.contact", JKB_NO, JKB_ST_NOT_APPLICABLE);
    jkb_assessment_free(a);
    jkb_facts_free(f);
}

/* ---- case 4: web skimming before and after 2024-04-01 ---- */

static void case4_record(tb *b, jkb_date detected, const char *how)
{
    tb_init(b, JKB_ORG_COMPANY, "株式会社テストショップ");
    b->rec.categories = CAT(CARD_SKIMMING);
    b->rec.data_classes = DATA(NAME) | DATA(CREDIT_CARD);
    b->rec.leak_status = JKB_LEAK_CONFIRMED;
    tb_words(b, -1, -1, how);
    tb_count(b, 3200, JKB_QUAL_EXACT, "3,200名");
    tb_event(b, JKB_EV_DETECTED, detected, 0);
}

static void test_case4_skimming(void **state)
{
    tb b;
    /* (a) after the amendment */
    case4_record(&b, D(2024, 5, 10), "当社サーバーに保存されていたクレジットカード情報が漏えいした可能性があります。");
    jkb_facts *f = facts_of(state, &b);
    jkb_assessment *a = run(state, f);
    assert_date(jkb_assessment_rule_set(a), 2024, 4, 1);
    expect(a, "appi.r7.2", JKB_YES, -1);
    expect(a, "appi.r7.3", JKB_NO, -1);
    expect(a, "appi.r7.3b", JKB_YES, -1);
    expect(a, "appi.r7.4", JKB_YES, -1);
    const jkb_verdict *v = get(a, "appi.sokuhou");
    assert_date(v->due_from, 2024, 5, 13);
    assert_date(v->due_to, 2024, 5, 15);
    expect(a, "appi.kakuhou60", JKB_YES, JKB_ST_UNKNOWN);
    assert_date(get(a, "appi.kakuhou60")->due, 2024, 7, 9);
    assert_null(jkb_assessment_find(a, "flag.pre_amendment_skimming"));
    jkb_assessment_free(a);
    jkb_facts_free(f);

    /* (b) before it, data captured at the form and never stored */
    case4_record(&b, D(2024, 2, 1),
                 "決済画面が改ざんされ、入力されたカード情報が窃取されました。当社はカード情報を保持しておりません。");
    f = facts_of(state, &b);
    a = run(state, f);
    assert_date(jkb_assessment_rule_set(a), 2022, 4, 1);
    expect(a, "appi.r7.2", JKB_UNK, -1);
    expect(a, "appi.r7.3", JKB_UNK, -1);
    expect(a, "appi.r7.3b", JKB_NO, -1);
    expect(a, "appi.r7.4", JKB_UNK, -1);
    expect(a, "appi.kakuhou60", JKB_UNK, JKB_ST_UNKNOWN);
    expect(a, "flag.pre_amendment_skimming", JKB_YES, -1);
    jkb_assessment_free(a);
    jkb_facts_free(f);

    /* (b) before it, card data stored on the server */
    case4_record(&b, D(2024, 2, 1), "当社サーバーに保存されていたクレジットカード情報が漏えいした可能性があります。");
    f = facts_of(state, &b);
    a = run(state, f);
    expect(a, "appi.r7.2", JKB_YES, -1);
    expect(a, "appi.r7.3", JKB_YES, -1);
    expect(a, "appi.r7.4", JKB_YES, -1);
    expect(a, "appi.kakuhou60", JKB_YES, JKB_ST_UNKNOWN);
    assert_date(get(a, "appi.kakuhou60")->due, 2024, 4, 1);
    jkb_assessment_free(a);
    jkb_facts_free(f);

    /* the override says what the text does not */
    case4_record(&b, D(2024, 2, 1), "カード情報が漏えいしました。");
    f = facts_of(state, &b);
    assert_int_equal(jkb_facts_set(f, "personal_data", JKB_UNK, "captured at the input form"), JKB_OK);
    a = run(state, f);
    expect(a, "appi.r7.2", JKB_UNK, -1);
    expect(a, "flag.pre_amendment_skimming", JKB_YES, -1);
    jkb_assessment_free(a);
    jkb_facts_free(f);
}

/* ---- case 5: a local government, 150 residents ---- */

static void case5_record(tb *b, int kind, const char *org, jkb_date detected)
{
    tb_init(b, kind, org);
    b->rec.categories = CAT(MISDELIVERY);
    b->rec.data_classes = DATA(NAME) | DATA(ADDRESS);
    b->rec.leak_status = JKB_LEAK_CONFIRMED;
    tb_count(b, 150, JKB_QUAL_EXACT, "150名");
    tb_event(b, JKB_EV_DETECTED, detected, 0);
}

static void test_case5_local_government(void **state)
{
    tb b;
    case5_record(&b, JKB_ORG_LOCAL_GOV, "テスト市", D(2023, 5, 10));
    jkb_facts *f = facts_of(state, &b);
    jkb_assessment *a = run(state, f);
    assert_string_equal(jkb_assessment_regime_jp(a), "appi_public");
    expect(a, "appi_public", JKB_YES, -1);
    expect(a, "appi_private", JKB_NO, JKB_ST_OUT_OF_SCOPE);
    expect(a, "pub.r43.4", JKB_YES, -1);
    expect(a, "pub.r43.3", JKB_NO, -1);
    const jkb_verdict *v = get(a, "pub.sokuhou");
    assert_date(v->due_from, 2023, 5, 13);
    assert_date(v->due_to, 2023, 5, 15);
    expect(a, "pub.kakuhou", JKB_YES, JKB_ST_UNKNOWN);
    assert_date(get(a, "pub.kakuhou")->due, 2023, 6, 9);
    expect(a, "pub.kakuhou60", JKB_NO, JKB_ST_NOT_APPLICABLE);
    assert_null(jkb_assessment_find(a, "appi.r7.4"));
    jkb_assessment_free(a);
    jkb_facts_free(f);

    /* the same facts at a company: 150 ≤ 1000, not reportable */
    case5_record(&b, JKB_ORG_COMPANY, "株式会社テスト", D(2023, 5, 10));
    f = facts_of(state, &b);
    a = run(state, f);
    assert_string_equal(jkb_assessment_regime_jp(a), "appi_private");
    expect(a, "appi.r7.4", JKB_NO, -1);
    expect(a, "appi.kakuhou", JKB_NO, JKB_ST_NOT_APPLICABLE);
    assert_null(jkb_assessment_find(a, "pub.r43.4"));
    jkb_assessment_free(a);
    jkb_facts_free(f);

    /* (b) before the 2023-04-01 integration: the local 条例, no APPI duty */
    case5_record(&b, JKB_ORG_LOCAL_GOV, "テスト市", D(2023, 3, 10));
    f = facts_of(state, &b);
    a = run(state, f);
    assert_string_equal(jkb_assessment_regime_jp(a), "out_of_scope");
    expect(a, "appi_public", JKB_NO, JKB_ST_OUT_OF_SCOPE);
    for (size_t i = 0; i < jkb_assessment_count(a); i++) {
        const jkb_verdict *x = jkb_assessment_get(a, i);
        if (x->kind == JKB_VK_DUTY && x->regime && strncmp(x->regime, "appi", 4) == 0)
            fail_msg("an APPI obligation out of scope: %s", x->id);
    }
    jkb_assessment_free(a);
    jkb_facts_free(f);
}

/* ---- case 6: ransomware at a private hospital ---- */

static void case6_record(tb *b, const char *org, jkb_date detected)
{
    tb_init(b, JKB_ORG_MEDICAL, org);
    b->rec.categories = CAT(RANSOMWARE) | CAT(UNAUTHORIZED_ACCESS);
    tb_words(b, JKB_F_CATEGORIES, JKB_CAT_RANSOMWARE, "ランサムウェア");
    b->rec.data_classes = DATA(NAME) | DATA(MEDICAL);
    b->rec.leak_status = JKB_LEAK_POSSIBLE;
    tb_count(b, 10000, JKB_QUAL_APPROX, "約10,000人");
    tb_event(b, JKB_EV_DETECTED, detected, 0);
    b->rec.published = detected;
}

static void test_case6_hospital_ransomware(void **state)
{
    tb b;
    case6_record(&b, "医療法人社団テスト会", D(2022, 10, 31));
    jkb_facts *f = facts_of(state, &b);
    jkb_assessment *a = run(state, f);
    assert_string_equal(jkb_assessment_regime_jp(a), "appi_private");
    expect(a, "appi.r7.1", JKB_YES, -1);
    expect(a, "appi.r7.3", JKB_YES, -1);
    expect(a, "appi.r7.4", JKB_YES, -1); /* approx 10,000 is clearly > 1,000 */
    const jkb_verdict *v = get(a, "appi.sokuhou");
    assert_date(v->due_from, 2022, 11, 3);
    assert_date(v->due_to, 2022, 11, 5);
    expect(a, "appi.kakuhou60", JKB_YES, JKB_ST_UNKNOWN);
    assert_date(get(a, "appi.kakuhou60")->due, 2022, 12, 30);
    expect(a, "appi.kakuhou", JKB_NO, JKB_ST_NOT_APPLICABLE);
    expect(a, "mhlw.contact", JKB_YES, JKB_ST_NO_DEADLINE);
    assert_string_equal(get(a, "mhlw.contact")->basis, "GL");
    assert_true(a->has_paa);
    assert_int_equal(a->paa, 0);
    jkb_assessment_free(a);
    jkb_facts_free(f);

    /* a 地方独立行政法人 hospital after 2023-04-01: 規律移行法人, the private rules */
    case6_record(&b, "地方独立行政法人テスト市立病院機構", D(2023, 6, 1));
    f = facts_of(state, &b);
    a = run(state, f);
    assert_string_equal(jkb_assessment_regime_jp(a), "appi_private");
    expect(a, "appi_public", JKB_NO, JKB_ST_OUT_OF_SCOPE);
    expect(a, "appi.kakuhou60", JKB_YES, JKB_ST_UNKNOWN);
    assert_null(jkb_assessment_find(a, "pub.r43.4"));
    jkb_assessment_free(a);
    jkb_facts_free(f);
}

/* ---- case 7: My Number cards lost (or stolen) ---- */

static void case7_record(tb *b, const char *how)
{
    tb_init(b, JKB_ORG_COMPANY, "株式会社テスト人材");
    b->rec.categories = CAT(LOSS_THEFT);
    tb_words(b, JKB_F_CATEGORIES, JKB_CAT_LOSS_THEFT, how);
    b->rec.data_classes = DATA(NAME) | DATA(ADDRESS) | DATA(BIRTH_DATE) | DATA(MY_NUMBER);
    b->rec.leak_status = JKB_LEAK_POSSIBLE;
    tb_count(b, 120, JKB_QUAL_EXACT, "120名");
    tb_event(b, JKB_EV_DETECTED, D(2023, 1, 16), 0);
}

static void test_case7_my_number(void **state)
{
    tb b;
    case7_record(&b, "紛失");
    jkb_facts *f = facts_of(state, &b);
    jkb_assessment *a = run(state, f);
    expect(a, "appi.r7.1", JKB_NO, -1);
    expect(a, "appi.r7.2", JKB_NO, -1);
    expect(a, "appi.r7.3", JKB_NO, -1);
    expect(a, "appi.r7.4", JKB_NO, -1);
    expect(a, "appi.sokuhou", JKB_NO, JKB_ST_NOT_APPLICABLE);
    expect(a, "appi.kakuhou", JKB_NO, JKB_ST_NOT_APPLICABLE);
    expect(a, "mynumber", JKB_YES, -1);
    expect(a, "mn.r2.4", JKB_YES, -1);
    expect(a, "mn.kakuhou", JKB_YES, JKB_ST_UNKNOWN);
    assert_date(get(a, "mn.kakuhou")->due, 2023, 2, 15);
    expect(a, "mn.kakuhou60", JKB_NO, JKB_ST_NOT_APPLICABLE);
    assert_null(jkb_assessment_find(a, "flag.mn_theft_purpose"));
    jkb_assessment_free(a);
    jkb_facts_free(f);

    /* theft: 3号 under APPI; My Number stays 30 days, flagged */
    case7_record(&b, "盗難");
    f = facts_of(state, &b);
    a = run(state, f);
    expect(a, "appi.r7.3", JKB_YES, -1);
    assert_true(has_reason(get(a, "appi.r7.3"), "word_theft", "盗難"));
    expect(a, "appi.kakuhou60", JKB_YES, JKB_ST_UNKNOWN);
    assert_date(get(a, "appi.kakuhou60")->due, 2023, 3, 17);
    expect(a, "mn.r2.4", JKB_YES, -1);
    expect(a, "mn.kakuhou", JKB_YES, JKB_ST_UNKNOWN);
    assert_date(get(a, "mn.kakuhou")->due, 2023, 2, 15);
    expect(a, "flag.mn_theft_purpose", JKB_YES, -1);
    jkb_assessment_free(a);
    jkb_facts_free(f);

    /* neither word: 紛失 or 盗難 is unknown, and so is 3号 */
    case7_record(&b, "所在確認中");
    f = facts_of(state, &b);
    a = run(state, f);
    expect(a, "appi.r7.3", JKB_UNK, -1);
    expect(a, "flag.loss_or_theft", JKB_YES, -1);
    /* a caller who knows better */
    jkb_assessment_free(a);
    assert_int_equal(jkb_facts_set(f, "theft", JKB_NO, "subtype loss"), JKB_OK);
    a = run(state, f);
    expect(a, "appi.r7.3", JKB_NO, -1);
    jkb_assessment_free(a);
    jkb_facts_free(f);
}

/* ---- case 8: GDPR over Easter and a DST change ---- */

static void case8(void **state, int hour, jkb_date done, int status)
{
    tb b;
    tb_init(&b, JKB_ORG_COMPANY, "Test GmbH");
    b.rec.categories = CAT(UNAUTHORIZED_ACCESS);
    b.rec.data_classes = DATA(EMAIL) | DATA(PASSWORD);
    b.rec.leak_status = JKB_LEAK_CONFIRMED;
    /* a text that says nothing of encryption: no Art. 34(3) exception */
    tb_words(&b, -1, -1, "Customer e-mail addresses and passwords were exposed.");
    jkb_facts *f = facts_of(state, &b);
    assert_int_equal(jkb_facts_set(f, "juris_eu", JKB_YES, "an EU-established controller"), JKB_OK);
    assert_int_equal(jkb_facts_set_date(f, "aware", D(2024, 3, 29), hour, 0, 60, "Good Friday, CET"), JKB_OK);
    assert_int_equal(jkb_facts_set_date(f, "reported_sa", done, -1, 0, 0, NULL), JKB_OK);
    jkb_assessment *a = run(state, f);
    expect(a, "eu", JKB_YES, -1);
    expect(a, "gdpr.33", JKB_YES, status);
    const jkb_verdict *v = get(a, "gdpr.33");
    if (hour >= 0) {
        /* 10:00 CET = 09:00Z; + 72 h = 2024-04-01T09:00Z (11:00 CEST) */
        assert_date(v->due, 2024, 4, 1);
        assert_int_equal(v->due_minute, 9 * 60);
    } else {
        assert_date(v->due, 2024, 4, 1);
        assert_int_equal(v->due_minute, -1);
    }
    expect(a, "gdpr.34", JKB_YES, JKB_ST_NO_DEADLINE);
    jkb_assessment_free(a);
    jkb_facts_free(f);
}

static void test_case8_gdpr(void **state)
{
    case8(state, 10, D(2024, 4, 2), JKB_ST_LATE);
    case8(state, 10, D(2024, 3, 31), JKB_ST_MET);
    /* the date only */
    case8(state, -1, D(2024, 3, 31), JKB_ST_MET);
    case8(state, -1, D(2024, 4, 1), JKB_ST_UNKNOWN);
    case8(state, -1, D(2024, 4, 2), JKB_ST_LATE);
}

/* ---- case 9: SEC Form 8-K across Christmas ---- */

static void test_case9_sec(void **state)
{
    tb b;
    tb_init(&b, JKB_ORG_COMPANY, "Test Corp.");
    b.rec.categories = CAT(RANSOMWARE);
    b.rec.leak_status = JKB_LEAK_POSSIBLE;
    tb_event(&b, JKB_EV_DETECTED, D(2023, 12, 11), 0);
    jkb_facts *f = facts_of(state, &b);
    assert_int_equal(jkb_facts_set(f, "us_registrant", JKB_YES, NULL), JKB_OK);
    assert_int_equal(jkb_facts_set_date(f, "filed_8k", D(2023, 12, 28), -1, 0, 0, NULL), JKB_OK);
    /* no determination date: unknown, the detection only as context */
    jkb_assessment *a = run(state, f);
    expect(a, "sec.8k.105", JKB_UNK, JKB_ST_UNKNOWN);
    assert_int_equal(get(a, "sec.8k.105")->start.y, 0);
    jkb_assessment_free(a);

    assert_int_equal(jkb_facts_set_date(f, "material", D(2023, 12, 20), -1, 0, 0, NULL), JKB_OK);
    a = run(state, f);
    expect(a, "sec.8k.105", JKB_YES, JKB_ST_LATE);
    const jkb_verdict *v = get(a, "sec.8k.105");
    assert_date(v->due, 2023, 12, 27); /* Mon 12-25 is a federal holiday */
    assert_int_equal(v->late_by, 1);
    jkb_assessment_free(a);

    /* determined before the rule's effective date */
    assert_int_equal(jkb_facts_set_date(f, "material", D(2023, 12, 15), -1, 0, 0, NULL), JKB_OK);
    a = run(state, f);
    expect(a, "sec.8k.105", JKB_NO, JKB_ST_NOT_APPLICABLE);
    jkb_assessment_free(a);
    jkb_facts_free(f);
}

/* ---- case 10: US state fan-out ---- */

static void test_case10_us_states(void **state)
{
    tb b;
    tb_init(&b, JKB_ORG_COMPANY, "Test Inc.");
    b.rec.categories = CAT(UNAUTHORIZED_ACCESS);
    b.rec.data_classes = DATA(NAME) | DATA(BANK_ACCOUNT);
    b.rec.leak_status = JKB_LEAK_CONFIRMED;
    tb_event(&b, JKB_EV_DETECTED, D(2024, 1, 10), 0);
    tb_event(&b, JKB_EV_NOTIFIED, D(2024, 2, 20), 0);
    tb_words(&b, -1, -1, "Notice to Colorado residents, Washington residents and Texas residents.");
    jkb_facts *f = facts_of(state, &b);
    jkb_count tx = {300, JKB_QUAL_EXACT, JKB_UNIT_PEOPLE, 0};
    assert_int_equal(jkb_facts_set_count(f, "tx_count", tx, NULL), JKB_OK);
    assert_int_equal(jkb_facts_set_date(f, "determine", D(2024, 1, 10), -1, 0, 0, NULL), JKB_OK);
    jkb_assessment *a = run(state, f);
    expect(a, "us.co", JKB_YES, JKB_ST_LATE);
    assert_date(get(a, "us.co")->due, 2024, 2, 9);
    expect(a, "us.wa", JKB_YES, JKB_ST_LATE);
    assert_date(get(a, "us.wa")->due, 2024, 2, 9);
    expect(a, "us.tx.ind", JKB_YES, JKB_ST_MET);
    assert_date(get(a, "us.tx.ind")->due, 2024, 3, 10); /* 2024 is a leap year */
    expect(a, "us.tx.ag", JKB_YES, JKB_ST_UNKNOWN);
    assert_date(get(a, "us.tx.ag")->due, 2024, 2, 9);
    /* the CO attorney general: the count of residents is not known */
    expect(a, "us.co.ag", JKB_UNK, JKB_ST_UNKNOWN);
    jkb_assessment_free(a);
    jkb_facts_free(f);
}

/* ---- the expression language ---- */

static jkb_rules *small_rules(const char *tsv, jkb_err *err)
{
    jkb_rules *r = NULL;
    assert_int_equal(jkb_rules_new_empty(&r, err), JKB_OK);
    jkb_status rc = jkb_rules_add_tsv(r, tsv, strlen(tsv), "test.tsv", err);
    if (rc) {
        jkb_rules_free(r);
        return NULL;
    }
    return r;
}

#define ROWT(id, when) id "\t-\t-\t-\t" when "\t-\ttrigger\t-\t-\t-\t-\tINT\ttest\n"

static void test_kleene(void **state)
{
    (void)state;
    static const char *const names[] = {"no", "unknown", "yes"};
    char tsv[8192];
    size_t n = 0;
    /* every pair under & and |, and ! and ? */
    for (int x = 0; x < 3; x++) {
        for (int y = 0; y < 3; y++) {
            n += (size_t)snprintf(tsv + n, sizeof tsv - n, "and_%d_%d\t-\t-\t-\t%s & %s\t-\ttrigger\t-\t-\t-\t-\tINT\tt\n", x,
                                  y, names[x], names[y]);
            n += (size_t)snprintf(tsv + n, sizeof tsv - n, "or_%d_%d\t-\t-\t-\t%s | %s\t-\ttrigger\t-\t-\t-\t-\tINT\tt\n", x,
                                  y, names[x], names[y]);
        }
        n += (size_t)snprintf(tsv + n, sizeof tsv - n, "not_%d\t-\t-\t-\t!%s\t-\ttrigger\t-\t-\t-\t-\tINT\tt\n", x, names[x]);
        n += (size_t)snprintf(tsv + n, sizeof tsv - n, "unk_%d\t-\t-\t-\t?%s\t-\ttrigger\t-\t-\t-\t-\tINT\tt\n", x, names[x]);
    }
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_rules *r = small_rules(tsv, &err);
    if (!r)
        fail_msg("%s", err.msg);
    jkb_facts *f = NULL;
    assert_int_equal(jkb_facts_new(r, NULL, NULL, 0, &f, &err), JKB_OK);
    jkb_assessment *a = NULL;
    assert_int_equal(jkb_assess_facts(r, f, NULL, &a, &err), JKB_OK);
    char id[32];
    for (int x = 0; x < 3; x++) {
        for (int y = 0; y < 3; y++) {
            snprintf(id, sizeof id, "and_%d_%d", x, y);
            assert_int_equal(jkb_assessment_find(a, id)->state, x < y ? x : y);
            snprintf(id, sizeof id, "or_%d_%d", x, y);
            assert_int_equal(jkb_assessment_find(a, id)->state, x > y ? x : y);
        }
        snprintf(id, sizeof id, "not_%d", x);
        assert_int_equal(jkb_assessment_find(a, id)->state, 2 - x);
        snprintf(id, sizeof id, "unk_%d", x);
        assert_int_equal(jkb_assessment_find(a, id)->state, x == 1 ? JKB_YES : JKB_NO);
    }
    jkb_assessment_free(a);
    jkb_facts_free(f);
    jkb_rules_free(r);
}

static void test_parser(void **state)
{
    (void)state;
    jkb_err err;
    memset(&err, 0, sizeof err);
    /* precedence: & binds tighter than |; ! tighter than &; parentheses;
     * rows by id, by glob and by any(); comparisons */
    const char *ok = ROWT("a.1", "yes | no & no")        /* yes */
        ROWT("a.2", "(yes | no) & no")                    /* no */
        ROWT("a.3", "!no & !!yes")                        /* yes */
        ROWT("b.1", "a.2 | a.3")                          /* yes */
        ROWT("b.2", "any(a.*) & !a.2")                    /* yes */
        ROWT("b.3", "a.* & ?unknown")                     /* yes */
        ROWT("c.1", "count>1000 | aware>=2024-04-01")     /* unknown: no record */
        ROWT("c.2", "  ( yes )  ");                       /* yes */
    jkb_rules *r = small_rules(ok, &err);
    if (!r)
        fail_msg("%s", err.msg);
    jkb_facts *f = NULL;
    assert_int_equal(jkb_facts_new(r, NULL, NULL, 0, &f, &err), JKB_OK);
    jkb_assessment *a = NULL;
    assert_int_equal(jkb_assess_facts(r, f, NULL, &a, &err), JKB_OK);
    expect(a, "a.1", JKB_YES, -1);
    expect(a, "a.2", JKB_NO, -1);
    expect(a, "a.3", JKB_YES, -1);
    expect(a, "b.1", JKB_YES, -1);
    expect(a, "b.2", JKB_YES, -1);
    expect(a, "b.3", JKB_YES, -1);
    expect(a, "c.1", JKB_UNK, -1);
    expect(a, "c.2", JKB_YES, -1);
    jkb_assessment_free(a);
    /* counts and dates given by the caller */
    jkb_count c = {1500, JKB_QUAL_EXACT, JKB_UNIT_PEOPLE, 0};
    assert_int_equal(jkb_facts_set_count(f, "count", c, NULL), JKB_OK);
    assert_int_equal(jkb_facts_set_date(f, "aware", D(2024, 3, 31), -1, 0, 0, NULL), JKB_OK);
    assert_int_equal(jkb_assess_facts(r, f, NULL, &a, &err), JKB_OK);
    expect(a, "c.1", JKB_YES, -1);
    jkb_assessment_free(a);
    /* wrong names and types are refused */
    assert_int_equal(jkb_facts_set(f, "no_such_fact", JKB_YES, NULL), JKB_ENOTFOUND);
    assert_int_equal(jkb_facts_set(f, "aware", JKB_YES, NULL), JKB_EINVAL);
    assert_int_equal(jkb_facts_set_date(f, "count", D(2024, 1, 1), -1, 0, 0, NULL), JKB_EINVAL);
    assert_int_equal(jkb_facts_set_date(f, "aware", D(2024, 2, 30), -1, 0, 0, NULL), JKB_EINVAL);
    jkb_facts_free(f);
    jkb_rules_free(r);

    /* refusals, each naming the file and line */
    static const char *const bad[] = {
        ROWT("x", "yes &"),                      /* ends early */
        ROWT("x", "(yes | no"),                  /* ')' missing */
        ROWT("x", "yes no"),                     /* unexpected text */
        ROWT("x", "leek"),                       /* unknown fact */
        ROWT("x", "later.1") ROWT("later.1", "yes"), /* a row below */
        ROWT("x", "appi.*"),                     /* glob matching nothing */
        ROWT("x", "count>2024-01-01"),           /* count vs date */
        ROWT("x", "aware>1000"),                 /* date vs number */
        ROWT("x", "cat_ddos>1"),                 /* a yes/no fact does not compare */
        ROWT("x", "yes") ROWT("x", "no"),        /* defined twice */
        "x\t-\t-\t-\tyes\t-\ttrigger\n",         /* too few columns */
        "x\t-\t2024-13-01\t-\tyes\t-\ttrigger\t-\t-\t-\t-\tINT\tt\n",   /* bad date */
        "x\t-\t2024-01-01\t2023-01-01\tyes\t-\ttrigger\t-\t-\t-\t-\tINT\tt\n", /* to < from */
        "x\tnone\t-\t-\tyes\t-\ttrigger\t-\t-\t-\t-\tINT\tt\n",          /* regime without a scope row */
        "x\t-\t-\t-\tyes\t-\treport\t-\t-\t-\t-\tINT\tt\n",              /* a duty without a deadline */
        "x\t-\t-\t-\tyes\t-\treport\t-\tdays:30\tus_fed\t-\tINT\tt\n",   /* days counted on a calendar */
        "x\t-\t-\t-\tyes\t-\treport\t-\tbdays:4\tus_fed\t-\tINT\tt\n",   /* no such calendar loaded */
        "x\t-\t-\t-\tyes\t-\treport\t-\twindow:5..3d\tcivil\t-\tINT\tt\n", /* a window backwards */
        "x\t-\t-\t-\tyes\t-\tpromise\t-\tasap\t-\t-\tINT\tt\n",          /* unknown obligation */
        "x\t-\t-\t-\tyes\t-\treport\tpublishd\tasap\t-\t-\tINT\tt\n",    /* unknown clock */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        r = small_rules(bad[i], &err);
        if (r)
            fail_msg("accepted: %s", bad[i]);
        assert_int_equal(err.code, JKB_EINVAL);
        if (!strstr(err.msg, "test.tsv:"))
            fail_msg("message without file:line: %s", err.msg);
    }
    /* nesting is bounded */
    char deep[600];
    size_t k = 0;
    k += (size_t)snprintf(deep, sizeof deep, "x\t-\t-\t-\t");
    for (int i = 0; i < 200; i++)
        deep[k++] = '(';
    k += (size_t)snprintf(deep + k, sizeof deep - k, "yes\t-\ttrigger\t-\t-\t-\t-\tINT\tt\n");
    memset(&err, 0, sizeof err);
    assert_null(small_rules(deep, &err));
    assert_non_null(strstr(err.msg, "deep"));
}

/* ---- validity dates ---- */

static void test_validity(void **state)
{
    (void)state;
    const char *tsv = "s\tr\t-\t-\tyes\t-\tscope\t-\t-\t-\t-\tINT\tt\n"
                      "future\tr\t2030-01-01\t-\tyes\tppc\treport\taware\tdays:30\tcivil\t-\tINT\tnot yet in force\n"
                      "expired\tr\t-\t2020-12-31\tyes\tppc\treport\taware\tdays:30\tcivil\t-\tINT\texpired\n"
                      "current\tr\t2022-04-01\t-\tyes\tppc\treport\taware\tdays:30\tcivil\t-\tINT\tin force\n";
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_rules *r = small_rules(tsv, &err);
    if (!r)
        fail_msg("%s", err.msg);
    jkb_facts *f = NULL;
    assert_int_equal(jkb_facts_new(r, NULL, NULL, 0, &f, &err), JKB_OK);
    assert_int_equal(jkb_facts_set_date(f, "aware", D(2024, 5, 1), -1, 0, 0, NULL), JKB_OK);
    jkb_assessment *a = NULL;
    assert_int_equal(jkb_assess_facts(r, f, NULL, &a, &err), JKB_OK);
    expect(a, "future", JKB_NO, JKB_ST_NOT_APPLICABLE);
    expect(a, "expired", JKB_NO, JKB_ST_NOT_APPLICABLE);
    expect(a, "current", JKB_YES, JKB_ST_UNKNOWN);
    assert_date(get(a, "current")->due, 2024, 5, 31);
    assert_true(has_reason(get(a, "future"), "in_force", NULL));
    assert_date(jkb_assessment_rule_set(a), 2022, 4, 1);
    jkb_assessment_free(a);
    jkb_facts_free(f);

    /* no aware date: a publication in 2025 bounds it above, so only the
     * row not yet in force in 2025 is known not to apply */
    tb b;
    tb_init(&b, JKB_ORG_COMPANY, "株式会社テスト");
    b.rec.published = D(2025, 1, 10);
    assert_int_equal(jkb_facts_new(r, &b.rec, NULL, 0, &f, &err), JKB_OK);
    assert_int_equal(jkb_assess_facts(r, f, NULL, &a, &err), JKB_OK);
    expect(a, "future", JKB_NO, JKB_ST_NOT_APPLICABLE);
    expect(a, "expired", JKB_UNK, JKB_ST_UNKNOWN);
    expect(a, "current", JKB_UNK, JKB_ST_UNKNOWN);
    jkb_assessment_free(a);
    jkb_facts_free(f);
    /* ... and an occurrence in 2023 bounds it below */
    tb_event(&b, JKB_EV_OCCURRED, D(2023, 2, 1), 0);
    assert_int_equal(jkb_facts_new(r, &b.rec, NULL, 0, &f, &err), JKB_OK);
    assert_int_equal(jkb_assess_facts(r, f, NULL, &a, &err), JKB_OK);
    expect(a, "expired", JKB_NO, JKB_ST_NOT_APPLICABLE);
    expect(a, "current", JKB_YES, JKB_ST_UNKNOWN);
    jkb_assessment_free(a);
    jkb_facts_free(f);
    jkb_rules_free(r);
}

/* ---- counts, calendars, facts of a record ---- */

static void test_counts(void **state)
{
    (void)state;
    jkb_count c = {1000, JKB_QUAL_EXACT, JKB_UNIT_PEOPLE, 0};
    assert_int_equal(jkb_count_cmp(&c, OP_GT, 1000), JKB_NO);
    assert_int_equal(jkb_count_cmp(&c, OP_GE, 1000), JKB_YES);
    c.unit = JKB_UNIT_UNKNOWN; /* read as people */
    assert_int_equal(jkb_count_cmp(&c, OP_GT, 999), JKB_YES);
    c.unit = JKB_UNIT_RECORDS;
    assert_int_equal(jkb_count_cmp(&c, OP_GT, 999), JKB_UNK);
    assert_int_equal(jkb_count_cmp(&c, OP_GT, 1000), JKB_NO);
    c.unit = JKB_UNIT_PEOPLE;
    c.qualifier = JKB_QUAL_APPROX;
    assert_int_equal(jkb_count_cmp(&c, OP_GT, 1000), JKB_UNK);
    assert_int_equal(jkb_count_cmp(&c, OP_GT, 100), JKB_YES);
    assert_int_equal(jkb_count_cmp(&c, OP_GT, 5000), JKB_NO);
    c.qualifier = JKB_QUAL_LOWER;
    c.bound = JKB_BOUND_EXCL;
    assert_int_equal(jkb_count_cmp(&c, OP_GT, 1000), JKB_YES);
    c.bound = JKB_BOUND_INCL;
    assert_int_equal(jkb_count_cmp(&c, OP_GT, 1000), JKB_UNK);
    assert_int_equal(jkb_count_cmp(&c, OP_GE, 250), JKB_YES);
    c.qualifier = JKB_QUAL_UPPER;
    assert_int_equal(jkb_count_cmp(&c, OP_GT, 1000), JKB_NO);
    assert_int_equal(jkb_count_cmp(&c, OP_GT, 100), JKB_UNK);
}

static void test_business_days(void **state)
{
    const jkb_rules *r = *state;
#define DAYS(y, m, d) jkb_date_days(D(y, m, d))
    assert_true(jkb_is_holiday(r, "us_fed", DAYS(2023, 12, 25)));
    assert_true(jkb_is_holiday(r, "us_fed", DAYS(2023, 11, 23)));    /* Thanksgiving */
    assert_true(jkb_is_holiday(r, "us_fed", DAYS(2024, 1, 15)));     /* MLK day */
    assert_true(jkb_is_holiday(r, "us_fed", DAYS(2024, 5, 27)));     /* Memorial Day, the last Monday */
    assert_true(jkb_is_holiday(r, "us_fed", DAYS(2021, 12, 31)));    /* 2022-01-01 was a Saturday */
    assert_true(jkb_is_holiday(r, "us_fed", DAYS(2021, 6, 18)));     /* Juneteenth 2021, a Saturday */
    assert_false(jkb_is_holiday(r, "us_fed", DAYS(2020, 6, 19)));    /* before 2021 */
    assert_true(jkb_is_holiday(r, "us_fed", DAYS(2023, 7, 4)));
    assert_false(jkb_is_holiday(r, "us_fed", DAYS(2023, 12, 26)));
    assert_false(jkb_is_holiday(r, "jp", DAYS(2023, 12, 25)));
    assert_int_equal(jkb_weekday(DAYS(2023, 12, 20)), 3);
    assert_int_equal(jkb_add_bdays(r, "us_fed", DAYS(2023, 12, 20), 4), DAYS(2023, 12, 27));
    assert_int_equal(jkb_add_bdays(r, "us_fed", DAYS(2023, 11, 21), 4), DAYS(2023, 11, 28));
    assert_int_equal(jkb_bdays_between(r, "us_fed", DAYS(2023, 12, 27), DAYS(2023, 12, 28)), 1);
    assert_int_equal(jkb_bdays_between(r, "us_fed", DAYS(2023, 12, 22), DAYS(2023, 12, 26)), 1);
#undef DAYS
}

static void test_record_facts(void **state)
{
    tb b;
    tb_init(&b, JKB_ORG_COMPANY, "株式会社テスト");
    b.rec.categories = CAT(UNAUTHORIZED_ACCESS);
    b.rec.leak_status = JKB_LEAK_NONE;
    /* several detections: the earliest; reports to the police are no PPC report */
    tb_event(&b, JKB_EV_DETECTED, D(2023, 5, 9), 0);
    tb_event(&b, JKB_EV_DETECTED, D(2023, 5, 2), 0);
    tb_event(&b, JKB_EV_REPORTED, D(2023, 5, 3), 1u << JKB_AUTH_POLICE);
    tb_event(&b, JKB_EV_REPORTED, D(2023, 5, 12), 1u << JKB_AUTH_PPC);
    tb_event(&b, JKB_EV_REPORTED, D(2023, 6, 1), 1u << JKB_AUTH_PPC);
    jkb_facts *f = facts_of(state, &b);
    assert_int_equal(jkb_facts_get(f, "cat_unauthorized_access"), JKB_YES);
    assert_int_equal(jkb_facts_get(f, "cat_ddos"), JKB_NO);
    assert_int_equal(jkb_facts_get(f, "data_medical"), JKB_UNK); /* no data classes named */
    assert_int_equal(jkb_facts_get(f, "leak_none"), JKB_YES);
    assert_int_equal(jkb_facts_get(f, "org_company"), JKB_YES);
    assert_int_equal(jkb_facts_get(f, "word_eu"), JKB_UNK); /* no text */
    jkb_assessment *a = run(state, f);
    /* 流出なし keeps the おそれ: unknown, not no */
    assert_string_equal(JKB_VEC_AT(&a->facts, fact_state, 1).name, "leak");
    assert_int_equal(JKB_VEC_AT(&a->facts, fact_state, 1).tri, JKB_UNK);
    const jkb_verdict *v = get(a, "appi.sokuhou");
    assert_date(v->start, 2023, 5, 2);
    assert_date(v->done, 2023, 5, 12);
    expect(a, "appi.sokuhou", JKB_UNK, JKB_ST_UNKNOWN);
    assert_int_equal(v->if_applies, JKB_ST_BEYOND_GUIDELINE);
    assert_int_equal(v->late_by, 5);
    /* the second dated report to the PPC is read as the 確報 */
    v = get(a, "appi.kakuhou60");
    assert_date(v->done, 2023, 6, 1);
    assert_int_equal(v->if_applies, JKB_ST_MET);
    assert_true(a->notes.n >= 1);
    jkb_assessment_free(a);
    jkb_facts_free(f);
}

/* ---- JSON ---- */

static int to_buf(const char *p, size_t n, void *ud)
{
    jkb_buf *b = ud;
    return jkb_buf_add(b, p, n) != JKB_OK;
}

static json_t *as_json(const jkb_assessment *a, int flags)
{
    jkb_buf b;
    jkb_buf_init(&b, 0);
    assert_int_equal(jkb_assessment_write_json(a, flags, to_buf, &b), JKB_OK);
    json_error_t je;
    json_t *j = json_loadb(b.p, b.len, 0, &je);
    if (!j)
        fail_msg("not JSON (%s): %.300s", je.text, b.p);
    jkb_buf_free(&b);
    return j;
}

static json_t *find_id(json_t *arr, const char *id)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        if (strcmp(json_string_value(json_object_get(x, "id")), id) == 0)
            return x;
    }
    fail_msg("no %s in the JSON", id);
    return NULL;
}

static void test_json(void **state)
{
    tb b;
    case1_record(&b);
    jkb_facts *f = facts_of(state, &b);
    jkb_assessment *a = run(state, f);
    for (int flags = 0; flags <= JKB_JSON_PRETTY; flags += JKB_JSON_PRETTY) {
        json_t *j = as_json(a, flags);
        assert_string_equal(json_string_value(json_object_get(j, "regime_jp")), "appi_private");
        assert_string_equal(json_string_value(json_object_get(j, "rule_set")), "2022-04-01");
        assert_int_equal(json_integer_value(json_object_get(j, "published_after_aware_days")), 31);
        json_t *o = find_id(json_object_get(j, "obligations"), "appi.kakuhou60");
        assert_string_equal(json_string_value(json_object_get(o, "applies")), "yes");
        assert_string_equal(json_string_value(json_object_get(o, "due")), "2023-02-03");
        assert_string_equal(json_string_value(json_object_get(o, "status")), "unknown");
        assert_string_equal(json_string_value(json_object_get(o, "basis")), "REG");
        o = find_id(json_object_get(j, "obligations"), "appi.sokuhou");
        assert_string_equal(json_string_value(json_object_get(o, "due_from")), "2022-12-08");
        json_t *t = find_id(json_object_get(j, "triggers"), "appi.r7.4");
        json_t *because = json_object_get(t, "because");
        int found = 0;
        size_t i;
        json_t *x;
        json_array_foreach(because, i, x)
        {
            const char *txt = json_string_value(json_object_get(x, "text"));
            if (txt && strcmp(txt, "2,934人") == 0 && json_integer_value(json_object_get(x, "start")) >= 0)
                found = 1;
        }
        assert_true(found);
        assert_string_equal(json_string_value(json_object_get(json_object_get(j, "facts"), "malicious")), "yes");
        json_decref(j);
    }
    jkb_assessment_free(a);
    jkb_facts_free(f);

    /* GDPR instants come out in UTC */
    tb_init(&b, JKB_ORG_COMPANY, "Test GmbH");
    b.rec.leak_status = JKB_LEAK_CONFIRMED;
    f = facts_of(state, &b);
    assert_int_equal(jkb_facts_set(f, "juris_eu", JKB_YES, NULL), JKB_OK);
    assert_int_equal(jkb_facts_set_date(f, "aware", D(2024, 3, 29), 10, 0, 60, NULL), JKB_OK);
    a = run(state, f);
    json_t *j = as_json(a, 0);
    json_t *o = find_id(json_object_get(j, "obligations"), "gdpr.33");
    assert_string_equal(json_string_value(json_object_get(o, "due")), "2024-04-01T09:00Z");
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "dates"), "aware")), "2024-03-29T10:00+01:00");
    json_decref(j);
    jkb_assessment_free(a);
    jkb_facts_free(f);
}

/* The compiled-in table: every row loads, and jkb_assess builds it itself
 * when given none. */
static void test_table(void **state)
{
    const jkb_rules *r = *state;
    assert_true(jkb_rules_count(r) > 40);
    for (size_t i = 0; i < r->rows.n; i++) {
        const rule_row *row = ROW(r, i);
        if (!row->cite || !row->basis)
            fail_msg("%s: no citation or basis", row->id);
    }
    tb b;
    case1_record(&b);
    jkb_assessment *a = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    assert_int_equal(jkb_assess(NULL, &b.rec, b.text, b.tlen, NULL, &a, &err), JKB_OK);
    /* the assessment outlives the rules it was built from */
    assert_string_equal(get(a, "appi.kakuhou60")->cite, "規則8条2項括弧書");
    jkb_assessment_free(a);
    assert_int_equal(jkb_assess(NULL, NULL, NULL, 0, NULL, &a, &err), JKB_OK);
    assert_string_equal(jkb_assessment_regime_jp(a), "unknown");
    jkb_assessment_free(a);
}

/* ---- the seed casebook, end to end ---- */

typedef struct seed_ctx {
    const jkb_rules *r;
    size_t len;
    int found;
} seed_ctx;

static int on_seed(const jkb_record *rec, const char *text, void *ud)
{
    seed_ctx *s = ud;
    if (!rec->org.s || !strstr(rec->org.s, "メディウェル"))
        return 0;
    s->found = 1;
    jkb_assessment *a = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    assert_int_equal(jkb_assess(s->r, rec, text, s->len, NULL, &a, &err), JKB_OK);
    assert_string_equal(jkb_assessment_regime_jp(a), "appi_private");
    /* reportable: 不正の目的 (3号) and more than 1,000 people (4号) */
    expect(a, "appi.r7.3", JKB_YES, -1);
    expect(a, "appi.r7.4", JKB_YES, -1);
    assert_true(has_reason(get(a, "appi.r7.4"), "count", "3,325"));
    /* 確報: aware 2022-12-05 + 60 days (3号) = 2023-02-03 */
    const jkb_verdict *v = get(a, "appi.kakuhou60");
    assert_int_equal(v->state, JKB_YES);
    assert_date(v->start, 2022, 12, 5);
    assert_date(v->due, 2023, 2, 3);
    assert_int_equal(v->status, JKB_ST_BOUND_MET); /* 個人情報保護委員会 told, as of 2023-01-05 */
    expect(a, "appi.kakuhou", JKB_NO, JKB_ST_NOT_APPLICABLE);
    jkb_assessment_free(a);
    return 0;
}

static void test_seed_mediwel(void **state)
{
    const char *path = JKB_TEST_DATA "/../../shared/corpus/seed/casebook-2023-01.txt";
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        skip();
        return;
    }
    char *buf = malloc(1u << 20);
    assert_non_null(buf);
    size_t n = fread(buf, 1, 1u << 20, fp);
    fclose(fp);
    jkb_engine *eng = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    assert_int_equal(jkb_engine_new(&eng, &err), JKB_OK);
    seed_ctx s = {*state, n, 0};
    assert_int_equal(jkb_extract(eng, buf, n, NULL, on_seed, &s, &err), JKB_OK);
    assert_true(s.found);
    jkb_engine_free(eng);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case1_unauthorized_access),
        cmocka_unit_test(test_case2_thresholds),
        cmocka_unit_test(test_case3_clinic),
        cmocka_unit_test(test_case4_skimming),
        cmocka_unit_test(test_case5_local_government),
        cmocka_unit_test(test_case6_hospital_ransomware),
        cmocka_unit_test(test_case7_my_number),
        cmocka_unit_test(test_case8_gdpr),
        cmocka_unit_test(test_case9_sec),
        cmocka_unit_test(test_case10_us_states),
        cmocka_unit_test(test_kleene),
        cmocka_unit_test(test_parser),
        cmocka_unit_test(test_validity),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_business_days),
        cmocka_unit_test(test_record_facts),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_seed_mediwel),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
