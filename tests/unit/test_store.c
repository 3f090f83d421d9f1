/* The casebook store through its public API: idempotent puts, case numbers,
 * follow-up linking, every search filter, full text of every length (the
 * one- and two-character fallback included), hostile query text, stats,
 * timing and schema versions.
 *
 * Each test opens a fresh casebook: a SQLite file in a temporary folder, or,
 * when JKB_TEST_STORE_URL is set, that URL with "{n}" replaced by the test's
 * number (the harness provides an empty database for each, e.g.
 * postgresql:///jkbtest{n}). The same cases then run against any backend. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <math.h>
#include <sqlite3.h>
#include <cmocka.h>

#include "jikenbo/jikenbo.h"
#include "jikenbo/store.h"

static char tmpdir[256];
static int test_no;

static int is_sqlite(void) { return getenv("JKB_TEST_STORE_URL") == NULL; }

static void store_url(char *buf, size_t cap)
{
    const char *t = getenv("JKB_TEST_STORE_URL");
    test_no++;
    if (!t) {
        snprintf(buf, cap, "%s/c%d.db", tmpdir, test_no);
        return;
    }
    const char *p = strstr(t, "{n}");
    if (!p)
        snprintf(buf, cap, "%s", t);
    else
        snprintf(buf, cap, "%.*s%d%s", (int)(p - t), t, test_no, p + 3);
}

static jkb_store *fresh(char *url, size_t cap)
{
    char local[512];
    if (!url) {
        url = local;
        cap = sizeof local;
    }
    store_url(url, cap);
    jkb_store *s = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_status rc = jkb_store_open(url, &s, &err);
    if (rc)
        fprintf(stderr, "open %s: %s\n", url, err.msg);
    assert_int_equal(rc, JKB_OK);
    return s;
}

/* ---- notices built by hand: full control of the derived fields ---- */

typedef struct spec {
    const char *text;
    const char *title, *org, *case_id;
    int y, m, d;
    int report_no;
    int org_kind;
    uint32_t cats, data, auth, vec;
    const char *actor;
    jkb_event ev[4];
    int nev;
    const char *source;
} spec;

typedef struct membuf {
    char *p;
    size_t len;
} membuf;

static int mem_write(const char *p, size_t n, void *ud)
{
    membuf *m = ud;
    char *q = realloc(m->p, m->len + n + 1);
    if (!q)
        return 1;
    memcpy(q + m->len, p, n);
    m->p = q;
    m->len += n;
    q[m->len] = 0;
    return 0;
}

static jkb_status put_spec(jkb_store *s, const spec *sp, jkb_put_outcome *o, int64_t *id)
{
    jkb_record r;
    memset(&r, 0, sizeof r);
    jkb_strv actor = {sp->actor, sp->actor ? strlen(sp->actor) : 0};
    if (sp->title)
        r.title = (jkb_strv){sp->title, strlen(sp->title)};
    if (sp->org)
        r.org = (jkb_strv){sp->org, strlen(sp->org)};
    if (sp->case_id)
        r.case_id = (jkb_strv){sp->case_id, strlen(sp->case_id)};
    r.org_kind = sp->org ? sp->org_kind : JKB_ORG_NONE;
    r.published = (jkb_date){(int16_t)sp->y, (int8_t)sp->m, (int8_t)sp->d};
    r.report_no = sp->report_no;
    r.categories = sp->cats;
    r.data_classes = sp->data;
    r.authorities = sp->auth;
    r.vectors = sp->vec;
    r.affected_qualifier = JKB_QUAL_NONE;
    r.leak_status = JKB_LEAK_UNKNOWN;
    r.secondary_damage = JKB_SEC_UNKNOWN;
    if (sp->actor) {
        r.actors = &actor;
        r.n_actors = 1;
    }
    r.timeline = sp->ev;
    r.n_timeline = (size_t)sp->nev;
    size_t len = strlen(sp->text);
    r.extent = (jkb_span){0, (uint32_t)len};
    membuf m = {NULL, 0};
    jkb_source src = {sp->source ? sp->source : "test.txt", NULL};
    assert_int_equal(jkb_record_write_json(&r, sp->text, &src, 0, mem_write, &m), JKB_OK);
    jkb_notice_in in = {sp->text, len, src.file, 0, &r, m.p, m.len, jkb_version(), NULL};
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_put_outcome oo;
    int64_t iid;
    jkb_status rc = jkb_store_put(s, &in, o ? o : &oo, id ? id : &iid, &err);
    if (rc)
        fprintf(stderr, "put: %s\n", err.msg);
    free(m.p);
    return rc;
}

static void begin(jkb_store *s) { assert_int_equal(jkb_store_begin(s, NULL), JKB_OK); }
static void commit(jkb_store *s) { assert_int_equal(jkb_store_commit(s, NULL), JKB_OK); }

/* ---- reading back ---- */

typedef struct hits {
    int n;
    int64_t id[64];
    int64_t incident[64];
    char case_id[64][16];
    char title[64][128];
} hits;

static int collect(const jkb_notice_row *r, void *ud)
{
    hits *h = ud;
    if (h->n < 64) {
        h->id[h->n] = r->id;
        h->incident[h->n] = r->incident_id;
        snprintf(h->case_id[h->n], 16, "%s", r->case_id ? r->case_id : "");
        snprintf(h->title[h->n], 128, "%s", r->title ? r->title : "");
    }
    h->n++;
    return 0;
}

static int search(jkb_store *s, const jkb_query *q, hits *h, size_t *total, jkb_status *st)
{
    memset(h, 0, sizeof *h);
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_status rc = jkb_store_search(s, q, collect, h, total, &err);
    if (st)
        *st = rc;
    else if (rc)
        fprintf(stderr, "search: %s\n", err.msg);
    if (!st)
        assert_int_equal(rc, JKB_OK);
    return h->n;
}

static int text_hits(jkb_store *s, const char *text)
{
    jkb_query q;
    jkb_query_init(&q);
    q.text = text;
    hits h;
    size_t total = 0;
    search(s, &q, &h, &total, NULL);
    assert_int_equal((size_t)h.n, total);
    return h.n;
}

typedef struct one {
    char case_id[32];
    int64_t incident;
    char text[256];
    char engine[32];
} one;

static int get_one(const jkb_notice_row *r, void *ud)
{
    one *o = ud;
    snprintf(o->case_id, sizeof o->case_id, "%s", r->case_id ? r->case_id : "");
    o->incident = r->incident_id;
    snprintf(o->text, sizeof o->text, "%.*s", (int)(r->text_len < 255 ? r->text_len : 255), r->text ? r->text : "");
    snprintf(o->engine, sizeof o->engine, "%s", r->engine_version ? r->engine_version : "");
    return 0;
}

static one get(jkb_store *s, int64_t id)
{
    one o;
    memset(&o, 0, sizeof o);
    assert_int_equal(jkb_store_get(s, id, get_one, &o, NULL), JKB_OK);
    return o;
}

/* ================================================================ tests */

static void fts_consistent(const char *url);

static void test_put_idempotent(void **state)
{
    (void)state;
    char url[512];
    jkb_store *s = fresh(url, sizeof url);
    spec a = {.text = "株式会社テスト商事は不正アクセスを受けました。", .title = "不正アクセスについて",
              .org = "株式会社テスト商事", .y = 2024, .m = 5, .d = 1, .cats = 1u << JKB_CAT_UNAUTHORIZED_ACCESS};
    jkb_put_outcome o;
    int64_t id1, id2;
    begin(s);
    assert_int_equal(put_spec(s, &a, &o, &id1), JKB_OK);
    assert_int_equal(o, JKB_PUT_STORED);
    assert_int_equal(put_spec(s, &a, &o, &id2), JKB_OK);
    assert_int_equal(o, JKB_PUT_UNCHANGED);
    assert_int_equal(id1, id2);
    commit(s);
    /* the same text from another file is the same notice */
    spec b = a;
    b.source = "elsewhere/copy.txt";
    begin(s);
    assert_int_equal(put_spec(s, &b, &o, &id2), JKB_OK);
    assert_int_equal(o, JKB_PUT_UNCHANGED);
    assert_int_equal(id1, id2);
    /* a changed record (a newer engine) updates it in place */
    b.cats |= 1u << JKB_CAT_RANSOMWARE;
    b.title = "ランサムウェア被害について";
    assert_int_equal(put_spec(s, &b, &o, &id2), JKB_OK);
    assert_int_equal(o, JKB_PUT_UPDATED);
    assert_int_equal(id1, id2);
    commit(s);
    jkb_query q;
    jkb_query_init(&q);
    q.category = JKB_CAT_RANSOMWARE;
    hits h;
    assert_int_equal(search(s, &q, &h, NULL, NULL), 1);
    /* the full-text row followed the new title, the text is still found */
    assert_int_equal(text_hits(s, "ランサムウェア被害"), 1);
    assert_int_equal(text_hits(s, "不正アクセスについて"), 0);
    assert_int_equal(text_hits(s, "テスト商事"), 1);
    /* outside a transaction a put is refused */
    assert_int_equal(put_spec(s, &a, &o, &id2), JKB_EINVAL);
    fts_consistent(url);
    jkb_store_close(s);
}

static void test_case_ids(void **state)
{
    (void)state;
    jkb_store *s = fresh(NULL, 0);
    int64_t mar, jan, feb, kept, later, undated;
    spec n1 = {.text = "三月の通知です。", .org = "A社", .y = 2024, .m = 3, .d = 1};
    spec n2 = {.text = "一月の通知です。", .org = "B社", .y = 2024, .m = 1, .d = 15};
    spec n3 = {.text = "二月の通知です。", .org = "C社", .y = 2024, .m = 2, .d = 1};
    spec n4 = {.text = "番号つきの通知です。", .org = "D社", .y = 2024, .m = 6, .d = 1, .case_id = "2024-010"};
    spec n5 = {.text = "後から来た通知です。", .org = "E社", .y = 2024, .m = 7, .d = 1};
    spec n6 = {.text = "日付のない通知です。", .org = "F社"};
    /* one batch, out of order: numbered in order of publication */
    begin(s);
    assert_int_equal(put_spec(s, &n1, NULL, &mar), JKB_OK);
    assert_int_equal(put_spec(s, &n2, NULL, &jan), JKB_OK);
    assert_int_equal(put_spec(s, &n6, NULL, &undated), JKB_OK);
    commit(s);
    assert_string_equal(get(s, jan).case_id, "2024-001");
    assert_string_equal(get(s, mar).case_id, "2024-002");
    assert_string_equal(get(s, undated).case_id, "");
    /* a later batch gets the next numbers; the given ones never change */
    begin(s);
    assert_int_equal(put_spec(s, &n3, NULL, &feb), JKB_OK);
    commit(s);
    assert_string_equal(get(s, feb).case_id, "2024-003");
    assert_string_equal(get(s, jan).case_id, "2024-001");
    /* a source's own number is kept, and numbering continues past it */
    begin(s);
    assert_int_equal(put_spec(s, &n4, NULL, &kept), JKB_OK);
    assert_int_equal(put_spec(s, &n5, NULL, &later), JKB_OK);
    commit(s);
    assert_string_equal(get(s, kept).case_id, "2024-010");
    assert_string_equal(get(s, later).case_id, "2024-011");
    /* an update (reindex) keeps the assigned number */
    n1.cats = 1u << JKB_CAT_MALWARE;
    jkb_put_outcome o;
    begin(s);
    assert_int_equal(put_spec(s, &n1, &o, NULL), JKB_OK);
    assert_int_equal(o, JKB_PUT_UPDATED);
    commit(s);
    assert_string_equal(get(s, mar).case_id, "2024-002");
    /* rollback gives nothing */
    spec n7 = {.text = "取り消される通知です。", .y = 2024, .m = 8, .d = 1};
    begin(s);
    assert_int_equal(put_spec(s, &n7, NULL, NULL), JKB_OK);
    assert_int_equal(jkb_store_rollback(s, NULL), JKB_OK);
    assert_int_equal(text_hits(s, "取り消される"), 0);
    jkb_store_close(s);
}

static void test_followups(void **state)
{
    (void)state;
    jkb_store *s = fresh(NULL, 0);
    int64_t first, second, other, late, survey, chain_end;
    spec f1 = {.text = "第1報の本文。", .title = "システム障害について(第1報)", .org = "医療法人 翠嶺会", .y = 2025,
               .m = 1, .d = 20, .report_no = 1, .org_kind = JKB_ORG_MEDICAL};
    spec f2 = {.text = "第2報の本文。", .title = "システム障害について(第2報)", .org = "医療法人翠嶺会", .y = 2025,
               .m = 2, .d = 14, .report_no = 2, .org_kind = JKB_ORG_MEDICAL};
    spec o2 = {.text = "別の組織の第2報。", .title = "障害について(第2報)", .org = "株式会社ほかの会社", .y = 2025,
               .m = 2, .d = 15, .report_no = 2};
    spec l2 = {.text = "二年後の続報。", .title = "障害に関する続報", .org = "医療法人翠嶺会", .y = 2027, .m = 3,
               .d = 1, .org_kind = JKB_ORG_MEDICAL};
    spec sv = {.text = "調査結果の本文。", .title = "調査結果のご報告", .org = "医療法人翠嶺会", .y = 2025, .m = 6,
               .d = 30, .org_kind = JKB_ORG_MEDICAL};
    begin(s);
    assert_int_equal(put_spec(s, &f1, NULL, &first), JKB_OK);
    assert_int_equal(put_spec(s, &f2, NULL, &second), JKB_OK);
    assert_int_equal(put_spec(s, &o2, NULL, &other), JKB_OK);
    assert_int_equal(put_spec(s, &l2, NULL, &late), JKB_OK);
    assert_int_equal(put_spec(s, &sv, NULL, &survey), JKB_OK);
    commit(s);
    int64_t inc = get(s, first).incident;
    assert_true(inc > 0);
    assert_int_equal(get(s, second).incident, inc);
    assert_int_equal(get(s, survey).incident, inc);
    assert_true(get(s, other).incident != inc);
    assert_true(get(s, late).incident != inc);
    /* the chain in order of publication */
    hits h;
    memset(&h, 0, sizeof h);
    assert_int_equal(jkb_store_incident(s, inc, collect, &h, NULL), JKB_OK);
    assert_int_equal(h.n, 3);
    assert_int_equal(h.id[0], first);
    assert_int_equal(h.id[1], second);
    assert_int_equal(h.id[2], survey);
    assert_int_equal(jkb_store_incident(s, 999999, collect, &h, NULL), JKB_ENOTFOUND);
    /* a first report stored after its follow-up takes it in */
    spec g2 = {.text = "先に届いた第2報。", .title = "漏えいについて(第2報)", .org = "学校法人 青葉学園", .y = 2025,
               .m = 4, .d = 10, .report_no = 2};
    spec g1 = {.text = "後から届いた第1報。", .title = "漏えいについて", .org = "学校法人青葉学園", .y = 2025, .m = 4,
               .d = 1};
    begin(s);
    assert_int_equal(put_spec(s, &g2, NULL, &chain_end), JKB_OK);
    assert_int_equal(put_spec(s, &g1, NULL, &first), JKB_OK);
    commit(s);
    assert_int_equal(get(s, chain_end).incident, get(s, first).incident);
    /* stats count incidents unless asked for notices */
    int64_t n = 0;
    jkb_query q;
    jkb_query_init(&q);
    q.org_kind = JKB_ORG_MEDICAL;
    hits hh;
    assert_int_equal(search(s, &q, &hh, NULL, NULL), 4);
    (void)n;
    jkb_store_close(s);
}

/* An organization with several incidents in the window: a follow-up joins
 * the one it continues (shared categories and title words, the next report
 * number of a chain), not merely the latest; with nothing to tell them
 * apart, the latest. */
static void test_followup_choice(void **state)
{
    (void)state;
    jkb_store *s = fresh(NULL, 0);
    const char *org = "医療法人翠嶺会 翠嶺中央病院";
    int64_t r1, mis, r2, rz, mz;
    spec ransom1 = {.text = "ランサムウェア第1報。", .title = "当院における電子カルテシステムの障害について(第1報)",
                    .org = org, .y = 2025, .m = 1, .d = 20, .report_no = 1, .cats = 1u << JKB_CAT_RANSOMWARE};
    spec misdel = {.text = "メールの誤送信。", .title = "当院におけるメール誤送信についてのお詫び", .org = org,
                   .y = 2025, .m = 2, .d = 1, .cats = 1u << JKB_CAT_MISDELIVERY};
    spec ransom2 = {.text = "ランサムウェア第2報。", .title = "当院における電子カルテシステムの障害について(第2報)",
                    .org = org, .y = 2025, .m = 2, .d = 14, .report_no = 2, .cats = 1u << JKB_CAT_RANSOMWARE};
    /* 続報 within the year, each after the other incident's latest notice */
    spec ransom_z = {.text = "障害の続報。", .title = "電子カルテシステムの障害に関する続報", .org = org, .y = 2025,
                     .m = 3, .d = 1, .cats = 1u << JKB_CAT_RANSOMWARE};
    spec mis_z = {.text = "誤送信の続報。", .title = "メール誤送信に関する続報", .org = org, .y = 2025, .m = 3,
                  .d = 2, .cats = 1u << JKB_CAT_MISDELIVERY};
    begin(s);
    assert_int_equal(put_spec(s, &ransom1, NULL, &r1), JKB_OK);
    assert_int_equal(put_spec(s, &misdel, NULL, &mis), JKB_OK);
    assert_int_equal(put_spec(s, &ransom2, NULL, &r2), JKB_OK);
    commit(s);
    int64_t ri = get(s, r1).incident, mi = get(s, mis).incident;
    assert_true(ri != mi);
    assert_int_equal(get(s, r2).incident, ri);
    begin(s);
    assert_int_equal(put_spec(s, &ransom_z, NULL, &rz), JKB_OK);
    assert_int_equal(put_spec(s, &mis_z, NULL, &mz), JKB_OK);
    commit(s);
    assert_int_equal(get(s, rz).incident, ri);
    assert_int_equal(get(s, mz).incident, mi);

    /* the same title and categories twice: the 第3報 follows the chain that
     * reached 第2報, though the other incident began later */
    const char *org2 = "株式会社みどり商事";
    int64_t a1, a2, b1, a3, tie;
    uint32_t ua = 1u << JKB_CAT_UNAUTHORIZED_ACCESS;
    spec sa1 = {.text = "A第1報。", .title = "不正アクセスについて(第1報)", .org = org2, .y = 2025, .m = 5, .d = 1,
                .report_no = 1, .cats = ua};
    spec sa2 = {.text = "A第2報。", .title = "不正アクセスについて(第2報)", .org = org2, .y = 2025, .m = 6, .d = 1,
                .report_no = 2, .cats = ua};
    spec sb1 = {.text = "B第1報。", .title = "不正アクセスについて(第1報)", .org = org2, .y = 2025, .m = 7, .d = 1,
                .report_no = 1, .cats = ua};
    spec sa3 = {.text = "A第3報。", .title = "不正アクセスについて(第3報)", .org = org2, .y = 2025, .m = 8, .d = 1,
                .report_no = 3, .cats = ua};
    /* nothing to tell them apart: the latest */
    spec st = {.text = "どちらとも言えない続報。", .title = "続報", .org = org2, .y = 2025, .m = 7, .d = 15};
    begin(s);
    assert_int_equal(put_spec(s, &sa1, NULL, &a1), JKB_OK);
    assert_int_equal(put_spec(s, &sa2, NULL, &a2), JKB_OK);
    assert_int_equal(put_spec(s, &sb1, NULL, &b1), JKB_OK);
    assert_int_equal(put_spec(s, &sa3, NULL, &a3), JKB_OK);
    assert_int_equal(put_spec(s, &st, NULL, &tie), JKB_OK);
    commit(s);
    int64_t ai = get(s, a1).incident, bi = get(s, b1).incident;
    assert_true(ai != bi);
    assert_int_equal(get(s, a2).incident, ai);
    assert_int_equal(get(s, a3).incident, ai);
    assert_int_equal(get(s, tie).incident, bi); /* b1 is the latest notice before it */
    jkb_store_close(s);
}

/* A small casebook for the filters. */
static void seed(jkb_store *s, int64_t ids[8])
{
    spec v[8] = {
        {.text = "ランサムウェアLockBitによる暗号化被害。患者の氏名が流出した可能性。", .title = "ランサムウェア被害",
         .org = "医療法人あおば会", .org_kind = JKB_ORG_MEDICAL, .y = 2023, .m = 1, .d = 10,
         .cats = 1u << JKB_CAT_RANSOMWARE, .data = 1u << JKB_DATA_NAME, .auth = 1u << JKB_AUTH_PPC, .actor = "LockBit",
         .vec = 1u << JKB_VEC_VPN,
         .ev = {{.kind = JKB_EV_OCCURRED, .date = {2023, 1, 1}}, {.kind = JKB_EV_DETECTED, .date = {2023, 1, 3}},
                {.kind = JKB_EV_REPORTED, .date = {2023, 1, 5}}},
         .nev = 3},
        {.text = "メールの誤送信により、メールアドレスが他の受信者に表示されました。", .title = "メール誤送信",
         .org = "朝凪市", .org_kind = JKB_ORG_LOCAL_GOV, .y = 2023, .m = 6, .d = 30,
         .cats = 1u << JKB_CAT_MISDELIVERY, .data = 1u << JKB_DATA_EMAIL,
         .ev = {{.kind = JKB_EV_OCCURRED, .date = {2023, 6, 20}}, {.kind = JKB_EV_DETECTED, .date = {2023, 6, 21}}},
         .nev = 2},
        {.text = "USBメモリを紛失", .title = "USBメモリの所在不明", .org = "瑠璃ヶ丘大学",
         .org_kind = JKB_ORG_EDUCATION, .y = 2023, .m = 12, .d = 31, .cats = 1u << JKB_CAT_LOSS_THEFT,
         .data = 1u << JKB_DATA_NAME, .auth = 1u << JKB_AUTH_MINISTRY,
         .ev = {{.kind = JKB_EV_DETECTED, .date = {2023, 12, 1}}, {.kind = JKB_EV_REPORTED, .date = {2023, 12, 11}}},
         .nev = 2},
        {.text = "パスワードリスト攻撃で不正ログイン。パスワードを初期化しました。", .title = "不正ログインについて",
         .org = "株式会社ミツバチ物流", .org_kind = JKB_ORG_COMPANY, .y = 2024, .m = 1, .d = 1,
         .cats = 1u << JKB_CAT_ACCOUNT_COMPROMISE, .data = 1u << JKB_DATA_PASSWORD,
         .auth = (1u << JKB_AUTH_PPC) | (1u << JKB_AUTH_POLICE), .vec = 1u << JKB_VEC_CREDENTIAL_STUFFING},
        {.text = "lockbit を名乗る集団が犯行声明。Quote \" and 'single' and NEAR(x) and a*b.",
         .title = "リークサイトへの掲載", .org = "株式会社クロガネ部品", .org_kind = JKB_ORG_COMPANY, .y = 2024,
         .m = 3, .d = 15, .cats = (1u << JKB_CAT_LEAK_CLAIM) | (1u << JKB_CAT_RANSOMWARE), .actor = "lockbit"},
        {.text = "日付のない通知。書類を紛失しました。", .title = "書類の紛失", .org = "しらかば生活協同組合",
         .org_kind = JKB_ORG_OTHER, .cats = 1u << JKB_CAT_LOSS_THEFT},
        {.text = "誤送付のお詫び。資料を誤送", .title = "資料の誤送付", .org = "北星市", .org_kind = JKB_ORG_LOCAL_GOV,
         .y = 2024, .m = 2, .d = 29, .cats = 1u << JKB_CAT_MISDELIVERY},
        {.text = "弊社サイトで不正アクセスを確認。カード情報が流出。", .title = "カード情報流出",
         .org = "株式会社ハナミズキ", .org_kind = JKB_ORG_COMPANY, .y = 2022, .m = 7, .d = 7,
         .cats = (1u << JKB_CAT_UNAUTHORIZED_ACCESS) | (1u << JKB_CAT_CARD_SKIMMING),
         .data = 1u << JKB_DATA_CREDIT_CARD, .auth = 1u << JKB_AUTH_PPC, .vec = 1u << JKB_VEC_WEB_VULN,
         .ev = {{.kind = JKB_EV_OCCURRED, .date = {2022, 6, 1}}, {.kind = JKB_EV_DETECTED, .date = {2022, 6, 11}},
                {.kind = JKB_EV_REPORTED, .date = {2022, 6, 12}}},
         .nev = 3},
    };
    begin(s);
    for (int i = 0; i < 8; i++)
        assert_int_equal(put_spec(s, &v[i], NULL, &ids[i]), JKB_OK);
    commit(s);
}

static void test_filters(void **state)
{
    (void)state;
    jkb_store *s = fresh(NULL, 0);
    int64_t ids[8];
    seed(s, ids);
    jkb_query q;
    hits h;
    size_t total;
    /* everything, newest first, the undated last */
    jkb_query_init(&q);
    assert_int_equal(search(s, &q, &h, &total, NULL), 8);
    assert_int_equal(total, 8);
    assert_int_equal(h.id[0], ids[4]);
    assert_int_equal(h.id[1], ids[6]);
    assert_int_equal(h.id[6], ids[7]);
    assert_int_equal(h.id[7], ids[5]);
    /* limit and offset, total without them */
    q.limit = 3;
    q.offset = 2;
    assert_int_equal(search(s, &q, &h, &total, NULL), 3);
    assert_int_equal(total, 8);
    assert_int_equal(h.id[0], ids[3]);
    q.offset = 7;
    assert_int_equal(search(s, &q, &h, &total, NULL), 1);
    assert_int_equal(total, 8);
    q.offset = 20;
    assert_int_equal(search(s, &q, &h, &total, NULL), 0);
    assert_int_equal(total, 8);
    /* an offset past the end without a limit: the total is still the matches' */
    q.limit = 0;
    assert_int_equal(search(s, &q, &h, &total, NULL), 0);
    assert_int_equal(total, 8);
    q.offset = 3;
    assert_int_equal(search(s, &q, &h, &total, NULL), 5);
    assert_int_equal(total, 8);
    jkb_query_init(&q);
    q.category = JKB_CAT_RANSOMWARE;
    assert_int_equal(search(s, &q, &h, NULL, NULL), 2);
    jkb_query_init(&q);
    q.org_kind = JKB_ORG_LOCAL_GOV;
    assert_int_equal(search(s, &q, &h, NULL, NULL), 2);
    jkb_query_init(&q);
    q.data_class = JKB_DATA_NAME;
    assert_int_equal(search(s, &q, &h, NULL, NULL), 2);
    jkb_query_init(&q);
    q.authority = JKB_AUTH_PPC;
    assert_int_equal(search(s, &q, &h, NULL, NULL), 3);
    jkb_query_init(&q);
    q.actor = "LOCKBIT";
    assert_int_equal(search(s, &q, &h, NULL, NULL), 2);
    q.actor = "Medusa";
    assert_int_equal(search(s, &q, &h, NULL, NULL), 0);
    /* month precision: 2023-06 through 2023-12 */
    jkb_query_init(&q);
    q.since = (jkb_date){2023, 6, 0};
    q.until = (jkb_date){2023, 12, 0};
    assert_int_equal(search(s, &q, &h, NULL, NULL), 2);
    q.until = (jkb_date){2023, 12, 30};
    assert_int_equal(search(s, &q, &h, NULL, NULL), 1);
    q.since = (jkb_date){2024, 0, 0};
    q.until = (jkb_date){2024, 0, 0};
    assert_int_equal(search(s, &q, &h, NULL, NULL), 3);
    q.since = (jkb_date){2024, 2, 29};
    q.until = (jkb_date){2024, 2, 29};
    assert_int_equal(search(s, &q, &h, NULL, NULL), 1);
    /* filters together, with text */
    jkb_query_init(&q);
    q.category = JKB_CAT_RANSOMWARE;
    q.since = (jkb_date){2024, 1, 0};
    q.text = "犯行声明";
    assert_int_equal(search(s, &q, &h, NULL, NULL), 1);
    assert_int_equal(h.id[0], ids[4]);
    /* an empty range and bad values are the caller's mistakes */
    jkb_status st;
    jkb_query_init(&q);
    q.since = (jkb_date){2024, 5, 0};
    q.until = (jkb_date){2024, 1, 0};
    search(s, &q, &h, NULL, &st);
    assert_int_equal(st, JKB_EINVAL);
    jkb_query_init(&q);
    q.category = 99;
    search(s, &q, &h, NULL, &st);
    assert_int_equal(st, JKB_EINVAL);
    jkb_store_close(s);
}

static void test_fulltext(void **state)
{
    (void)state;
    jkb_store *s = fresh(NULL, 0);
    int64_t ids[8];
    seed(s, ids);
    assert_int_equal(text_hits(s, "ランサムウェア"), 1);
    assert_int_equal(text_hits(s, "不正アクセス"), 1);
    assert_int_equal(text_hits(s, "メールアドレス"), 1);
    assert_int_equal(text_hits(s, "USBメモリ"), 1);
    assert_int_equal(text_hits(s, "usbメモリ"), 1); /* ASCII case folds */
    assert_int_equal(text_hits(s, "所在不明"), 1);  /* in the title only */
    assert_int_equal(text_hits(s, "第三者委員会"), 0);
    /* several words: all of them */
    assert_int_equal(text_hits(s, "流出 カード"), 1);
    assert_int_equal(text_hits(s, "流出　可能性"), 1); /* U+3000 separates too */
    assert_int_equal(text_hits(s, "流出 誤送信"), 0);
    assert_int_equal(text_hits(s, "lockbit"), 2);
    jkb_store_close(s);
}

static void test_short_terms(void **state)
{
    (void)state;
    jkb_store *s = fresh(NULL, 0);
    int64_t ids[8];
    seed(s, ids);
    /* 紛失 ends one text ("USBメモリを紛失") and is inside another */
    assert_int_equal(text_hits(s, "紛失"), 2);
    /* 誤送 ends one text, starts a title word in another, and is in 誤送信 */
    assert_int_equal(text_hits(s, "誤送"), 2);
    assert_int_equal(text_hits(s, "漏洩"), 0);
    /* one character, at the very end of a text too */
    assert_int_equal(text_hits(s, "失"), 2);
    assert_int_equal(text_hits(s, "鯨"), 0);
    assert_int_equal(text_hits(s, "。"), 7); /* every text but "USBメモリを紛失" */
    /* ASCII */
    assert_int_equal(text_hits(s, "US"), 1);
    assert_int_equal(text_hits(s, "us"), 1);
    /* short and long terms together */
    assert_int_equal(text_hits(s, "紛失 書類"), 1);
    assert_int_equal(text_hits(s, "紛失 USBメモリ"), 1);
    assert_int_equal(text_hits(s, "失 誤"), 0);
    /* the newest-first window (a limit) and the exact route (none) agree */
    static const char *const shorts[] = {"紛失", "誤送", "失", "。", "US", "us", "紛失 書類", "鯖", "\"", "*"};
    for (size_t i = 0; i < sizeof shorts / sizeof shorts[0]; i++) {
        jkb_query w;
        jkb_query_init(&w);
        w.text = shorts[i];
        hits all, lim;
        size_t t1 = 0, t2 = 0;
        search(s, &w, &all, &t1, NULL);
        for (size_t lim_n = 1; lim_n <= 3; lim_n++) {
            w.limit = lim_n;
            search(s, &w, &lim, &t2, NULL);
            assert_int_equal(t1, t2);
            assert_int_equal(lim.n, all.n < (int)lim_n ? all.n : (int)lim_n);
            for (int k = 0; k < lim.n; k++)
                assert_int_equal(lim.id[k], all.id[k]);
            w.offset = 1;
            search(s, &w, &lim, NULL, NULL);
            for (int k = 0; k < lim.n; k++)
                assert_int_equal(lim.id[k], all.id[k + 1]);
            w.offset = 0;
        }
    }
    /* full-width letters fold as the trigram tokenizer folds them (Ｚ, ｚ),
     * whichever route the query takes (no other notice has a z, in either
     * width, or ab or bc) */
    begin(s);
    spec fw = {.text = "ＡＢＣシステム(Ｚ系)の障害", .title = "障害のお知らせ", .org = "株式会社ＡＢＣ",
               .org_kind = JKB_ORG_COMPANY, .y = 2024, .m = 5, .d = 1};
    assert_int_equal(put_spec(s, &fw, NULL, NULL), JKB_OK);
    commit(s);
    static const char *const wide[] = {"Ｚ", "ｚ", "ＡＢ", "ａｂ", "ｂＣ"};
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++) {
        jkb_query w;
        jkb_query_init(&w);
        w.text = wide[i];
        hits hw;
        size_t tw = 0;
        assert_int_equal(search(s, &w, &hw, &tw, NULL), 1);
        assert_int_equal(tw, 1);
        w.limit = 2;
        assert_int_equal(search(s, &w, &hw, &tw, NULL), 1);
        assert_int_equal(tw, 1);
    }
    /* either width of ASCII finds the other (notices write ＵＳＢ and USB,
     * ＩＤ and ID alike), on every route: long terms, short ones, with a
     * limit (the newest-first window) and without */
    begin(s);
    spec w1 = {.text = "ＵＳＢメモリとＩＤカードの所在不明", .title = "ＰＣの盗難", .org = "株式会社ヨコハバ",
               .org_kind = JKB_ORG_COMPANY, .y = 2024, .m = 6, .d = 1};
    assert_int_equal(put_spec(s, &w1, NULL, NULL), JKB_OK);
    commit(s);
    static const struct {
        const char *q;
        int n;
    } widths[] = {{"USBメモリ", 2},  {"ＵＳＢメモリ", 2}, {"usb", 2}, {"ＵＳＢ", 2}, {"ID", 1}, {"ＩＤ", 1},
                  {"id", 1},         {"PC", 1},         {"ＰＣ", 1}, {"ＵＳ", 2}, {"US", 2}, {"ＵＳＢ 所在", 2},
                  {"ＩＤカード", 1}, {"IDカード", 1},    {"XYZ", 0}, {"ＸＹ", 0}};
    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
        jkb_query w;
        jkb_query_init(&w);
        w.text = widths[i].q;
        hits hw;
        size_t tw = 0;
        search(s, &w, &hw, &tw, NULL);
        if ((int)tw != widths[i].n || hw.n != widths[i].n)
            fprintf(stderr, "width: '%s' found %zu (%d rows), want %d\n", widths[i].q, tw, hw.n, widths[i].n);
        assert_int_equal(tw, widths[i].n);
        assert_int_equal(hw.n, widths[i].n);
        w.limit = 1;
        search(s, &w, &hw, &tw, NULL);
        assert_int_equal(tw, widths[i].n);
        assert_int_equal(hw.n, widths[i].n ? 1 : 0);
    }
    /* SQLite reads the U+FFFF that ends every indexed value as U+FFFD: a
     * U+FFFD after the last characters of a text is no match (found by
     * fuzz_query: the window and the exact route disagreed) */
    static const char *const fffd[] = {"。\xEF\xBF\xBD", "失\xEF\xBF\xBD", "可能性。\xEF\xBF\xBD", "\xEF\xBF\xBD"};
    for (size_t i = 0; i < sizeof fffd / sizeof fffd[0]; i++) {
        jkb_query w;
        jkb_query_init(&w);
        w.text = fffd[i];
        hits hw;
        size_t tw = 1;
        search(s, &w, &hw, &tw, NULL);
        assert_int_equal(tw, 0);
        w.limit = 3;
        search(s, &w, &hw, &tw, NULL);
        assert_int_equal(tw, 0);
        assert_int_equal(hw.n, 0);
    }
    /* with a filter */
    jkb_query q;
    jkb_query_init(&q);
    q.text = "紛失";
    q.since = (jkb_date){2023, 0, 0};
    hits h;
    assert_int_equal(search(s, &q, &h, NULL, NULL), 1);
    assert_int_equal(h.id[0], ids[2]);
    jkb_store_close(s);
}

static void test_hostile_text(void **state)
{
    (void)state;
    jkb_store *s = fresh(NULL, 0);
    int64_t ids[8];
    seed(s, ids);
    static const char *const qs[] = {
        "AND", "OR", "NOT", "NEAR(", "NEAR(x)", "*", "\"", "\"\"", "a\"b", "(", ")", "^", "-", ":", "title:",
        "{title text}", "a OR b", "\" OR 1=1 --", "'", "' OR '1'='1", "'); DROP TABLE notices; --", "%", "_", "\\",
        "%%%", "NEAR(x", "x*", "紛\"", "\"紛失\"", "text : 紛失", "\x01\x02", "\xe3\x80\x80\xe3\x80\x80" "a",
    };
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        jkb_query q;
        jkb_query_init(&q);
        q.text = qs[i];
        hits h;
        jkb_status st;
        search(s, &q, &h, NULL, &st);
        if (st != JKB_OK && st != JKB_EINVAL)
            fail_msg("query '%s': status %d", qs[i], st);
    }
    /* what the text holds is found literally */
    assert_int_equal(text_hits(s, "NEAR(x)"), 1);
    assert_int_equal(text_hits(s, "Quote \""), 1);
    assert_int_equal(text_hits(s, "a*b"), 1);
    assert_int_equal(text_hits(s, "'single'"), 1);
    assert_int_equal(text_hits(s, "\""), 1);
    assert_int_equal(text_hits(s, "*"), 1);
    assert_int_equal(text_hits(s, "%"), 0);
    assert_int_equal(text_hits(s, "_"), 0);
    /* payloads in every filter find nothing and harm nothing */
    static const char *const payloads[] = {"' OR 1=1 --", "\"); DROP TABLE notices; --", "%", "lockbit' --",
                                           "x\") OR (\"1\"=\"1"};
    for (size_t i = 0; i < sizeof payloads / sizeof payloads[0]; i++) {
        jkb_query q;
        jkb_query_init(&q);
        q.actor = payloads[i];
        hits h;
        assert_int_equal(search(s, &q, &h, NULL, NULL), 0);
        q.actor = NULL;
        q.text = payloads[i];
        jkb_status st;
        search(s, &q, &h, NULL, &st);
        assert_true(st == JKB_OK || st == JKB_EINVAL);
        assert_int_equal(h.n, 0);
    }
    /* blank, U+FFFF and invalid UTF-8 are refused cleanly */
    static const char *const bad[] = {"", "   ", "\xef\xbf\xbf", "\xff\xfe", "\xe3\x81"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        jkb_query q;
        jkb_query_init(&q);
        q.text = bad[i];
        hits h;
        jkb_status st;
        search(s, &q, &h, NULL, &st);
        assert_int_equal(st, JKB_EINVAL);
    }
    jkb_query q;
    jkb_query_init(&q);
    hits h;
    assert_int_equal(search(s, &q, &h, NULL, NULL), 8);
    jkb_store_close(s);
}

typedef struct counts {
    int n;
    char label[32][48];
    int64_t count[32];
} counts;

static int on_count(const char *label, int64_t count, void *ud)
{
    counts *c = ud;
    if (c->n < 32) {
        snprintf(c->label[c->n], 48, "%s", label);
        c->count[c->n] = count;
    }
    c->n++;
    return 0;
}

static int64_t count_of(const counts *c, const char *label)
{
    for (int i = 0; i < c->n && i < 32; i++)
        if (strcmp(c->label[i], label) == 0)
            return c->count[i];
    return 0;
}

static counts stats(jkb_store *s, const char *by, const jkb_query *q, int notices)
{
    counts c;
    memset(&c, 0, sizeof c);
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_status rc = jkb_store_stats(s, by, q, notices, on_count, &c, &err);
    if (rc)
        fprintf(stderr, "stats %s: %s\n", by, err.msg);
    assert_int_equal(rc, JKB_OK);
    return c;
}

static void test_stats(void **state)
{
    (void)state;
    jkb_store *s = fresh(NULL, 0);
    int64_t ids[8];
    seed(s, ids);
    counts c = stats(s, "month", NULL, 0);
    assert_int_equal(count_of(&c, "2023-01"), 1);
    assert_int_equal(count_of(&c, "2024-02"), 1);
    assert_int_equal(count_of(&c, "unknown"), 1);
    assert_string_equal(c.label[0], "2022-07"); /* months ascending, unknown last */
    assert_string_equal(c.label[c.n - 1], "unknown");
    c = stats(s, "year", NULL, 0);
    assert_int_equal(count_of(&c, "2023"), 3);
    assert_int_equal(count_of(&c, "2024"), 3);
    c = stats(s, "category", NULL, 0);
    assert_int_equal(count_of(&c, "ransomware"), 2);
    assert_int_equal(count_of(&c, "misdelivery"), 2);
    assert_int_equal(count_of(&c, "ddos"), 0);
    assert_true(c.count[0] >= c.count[c.n - 1]); /* count descending */
    c = stats(s, "org_kind", NULL, 0);
    assert_int_equal(count_of(&c, "company"), 3);
    assert_int_equal(count_of(&c, "local_gov"), 2);
    c = stats(s, "vector", NULL, 0);
    assert_int_equal(count_of(&c, "vpn"), 1);
    assert_int_equal(count_of(&c, "web_vuln"), 1);
    c = stats(s, "actor", NULL, 0);
    assert_int_equal(c.n, 1); /* LockBit and lockbit are one actor */
    assert_int_equal(c.count[0], 2);
    c = stats(s, "data_class", NULL, 0);
    assert_int_equal(count_of(&c, "name"), 2);
    c = stats(s, "authority", NULL, 0);
    assert_int_equal(count_of(&c, "ppc"), 3);
    /* filters apply */
    jkb_query q;
    jkb_query_init(&q);
    q.since = (jkb_date){2024, 0, 0};
    c = stats(s, "category", &q, 0);
    assert_int_equal(count_of(&c, "ransomware"), 1);
    q.text = "紛失";
    jkb_query_init(&q);
    q.text = "紛失";
    c = stats(s, "category", &q, 1);
    assert_int_equal(count_of(&c, "loss_theft"), 2);
    /* incidents versus notices: a follow-up of the same incident */
    spec f = {.text = "ランサムウェア被害の続報です。", .title = "ランサムウェア被害(第2報)", .org = "医療法人あおば会",
              .org_kind = JKB_ORG_MEDICAL, .y = 2023, .m = 2, .d = 10, .report_no = 2,
              .cats = 1u << JKB_CAT_RANSOMWARE};
    begin(s);
    assert_int_equal(put_spec(s, &f, NULL, NULL), JKB_OK);
    commit(s);
    c = stats(s, "category", NULL, 0);
    assert_int_equal(count_of(&c, "ransomware"), 2);
    c = stats(s, "category", NULL, 1);
    assert_int_equal(count_of(&c, "ransomware"), 3);
    c = stats(s, "month", NULL, 0);
    assert_int_equal(count_of(&c, "2023-02"), 0); /* the incident counts in its first month */
    c = stats(s, "month", NULL, 1);
    assert_int_equal(count_of(&c, "2023-02"), 1);
    assert_int_equal(jkb_store_stats(s, "colour", NULL, 0, on_count, &c, NULL), JKB_EINVAL);
    assert_int_equal(jkb_store_stats(s, "org_kind'; --", NULL, 0, on_count, &c, NULL), JKB_EINVAL);
    jkb_store_close(s);
}

typedef struct timings {
    int n;
    jkb_timing t[3];
} timings;

static int on_timing(const jkb_timing *t, void *ud)
{
    timings *x = ud;
    if (x->n < 3)
        x->t[x->n] = *t;
    x->n++;
    return 0;
}

static void test_timing(void **state)
{
    (void)state;
    jkb_store *s = fresh(NULL, 0);
    int64_t ids[8];
    seed(s, ids);
    timings t;
    memset(&t, 0, sizeof t);
    assert_int_equal(jkb_store_timing(s, NULL, on_timing, &t, NULL), JKB_OK);
    assert_int_equal(t.n, 3);
    /* occurred→detected: 2 (ransomware), 1 (misdelivery), 10 (card) */
    assert_string_equal(t.t[0].name, "occurred_to_detected");
    assert_int_equal(t.t[0].n, 3);
    assert_true(fabs(t.t[0].median - 2.0) < 1e-9);
    assert_true(fabs(t.t[0].p90 - 8.4) < 1e-9);
    /* detected→published: 7, 9, 30, 26 */
    assert_string_equal(t.t[1].name, "detected_to_published");
    assert_int_equal(t.t[1].n, 4);
    assert_true(fabs(t.t[1].median - 17.5) < 1e-9);
    /* detected→reported: 2, 10, 1 */
    assert_string_equal(t.t[2].name, "detected_to_reported");
    assert_int_equal(t.t[2].n, 3);
    assert_true(fabs(t.t[2].median - 2.0) < 1e-9);
    /* filtered to nothing: n 0, NaN */
    jkb_query q;
    jkb_query_init(&q);
    q.actor = "Medusa";
    memset(&t, 0, sizeof t);
    assert_int_equal(jkb_store_timing(s, &q, on_timing, &t, NULL), JKB_OK);
    assert_int_equal(t.t[0].n, 0);
    assert_true(isnan(t.t[0].median));
    jkb_store_close(s);
}

typedef struct texts {
    int n;
    size_t bytes;
} texts;

static int on_text(int64_t id, const char *text, size_t len, const char *source, size_t index, const char *ev,
                   void *ud)
{
    (void)id;
    (void)source;
    (void)index;
    (void)ev;
    texts *t = ud;
    t->n++;
    t->bytes += len;
    assert_true(text[len] == 0);
    assert_int_equal(strlen(text), len);
    assert_true(len > 10 && strstr(text, "。") || strstr(text, "紛失"));
    return 0;
}

static void test_get_and_texts(void **state)
{
    (void)state;
    jkb_store *s = fresh(NULL, 0);
    int64_t ids[8];
    seed(s, ids);
    one o = get(s, ids[2]);
    assert_string_equal(o.text, "USBメモリを紛失");
    assert_string_equal(o.engine, jkb_version());
    hits h;
    assert_int_equal(jkb_store_get(s, 424242, collect, &h, NULL), JKB_ENOTFOUND);
    texts t = {0, 0};
    assert_int_equal(jkb_store_each_text(s, on_text, &t, NULL), JKB_OK);
    assert_int_equal(t.n, 8);
    assert_string_equal(jkb_store_backend(s), is_sqlite() ? "sqlite" : "postgresql");
    jkb_store_close(s);
}

/* The real extractor's output goes in and is found again. */
typedef struct ex {
    jkb_store *s;
    const char *text;
    int n;
} ex;

static int put_extracted(const jkb_record *r, const char *text, void *ud)
{
    ex *e = ud;
    membuf m = {NULL, 0};
    jkb_source src = {"sample.txt", NULL};
    assert_int_equal(jkb_record_write_json_at(r, text, r->extent.start, &src, 0, mem_write, &m), JKB_OK);
    jkb_notice_in in = {text + r->extent.start, r->extent.end - r->extent.start, "sample.txt", r->index, r, m.p,
                        m.len, jkb_version(), NULL};
    jkb_put_outcome o;
    int64_t id;
    assert_int_equal(jkb_store_put(e->s, &in, &o, &id, NULL), JKB_OK);
    free(m.p);
    e->n++;
    return 0;
}

static void test_extracted(void **state)
{
    (void)state;
    jkb_store *s = fresh(NULL, 0);
    jkb_engine *eng = NULL;
    assert_int_equal(jkb_engine_new(&eng, NULL), JKB_OK);
    const char *text = "令和7年1月20日\n\n医療法人翠嶺会\n\n当院における電子カルテシステムの障害について(第1報)\n\n"
                       "当院のサーバがランサムウェアに感染しました。患者様の氏名、住所が流出した可能性があります。\n"
                       "1月17日に個人情報保護委員会へ報告しました。\n";
    ex e = {s, text, 0};
    begin(s);
    assert_int_equal(jkb_extract(eng, text, strlen(text), NULL, put_extracted, &e, NULL), JKB_OK);
    commit(s);
    assert_int_equal(e.n, 1);
    jkb_query q;
    jkb_query_init(&q);
    q.category = JKB_CAT_RANSOMWARE;
    q.org_kind = JKB_ORG_MEDICAL;
    q.text = "電子カルテ";
    hits h;
    assert_int_equal(search(s, &q, &h, NULL, NULL), 1);
    assert_string_equal(h.case_id[0], "2025-001");
    jkb_engine_free(eng);
    jkb_store_close(s);
}

/* The FTS5 index agrees with the table (SQLite only). */
static void fts_consistent(const char *url)
{
    if (!is_sqlite())
        return;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(url, &db), SQLITE_OK);
    int rc = sqlite3_exec(db, "INSERT INTO notices_fts(notices_fts) VALUES('integrity-check')", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        fprintf(stderr, "integrity-check: %s\n", sqlite3_errmsg(db));
    sqlite3_close(db);
    assert_int_equal(rc, SQLITE_OK);
}

static void test_update_moves(void **state)
{
    (void)state;
    char url[512];
    jkb_store *s = fresh(url, sizeof url);
    spec a = {.text = "日付と題が変わる通知。漏えいの可能性。", .title = "旧い題", .org = "X社", .y = 2024, .m = 1, .d = 5};
    spec other = {.text = "動かない通知。", .title = "動かない", .org = "Y社", .y = 2023, .m = 6, .d = 1};
    jkb_put_outcome o;
    int64_t id, id2, oid;
    jkb_query q;
    hits h;
    begin(s);
    assert_int_equal(put_spec(s, &a, &o, &id), JKB_OK);
    assert_int_equal(put_spec(s, &other, &o, &oid), JKB_OK);
    /* changed within the batch that stored it */
    spec b = a;
    b.m = 2;
    b.title = "新しい題";
    assert_int_equal(put_spec(s, &b, &o, &id2), JKB_OK);
    assert_int_equal(o, JKB_PUT_UPDATED);
    assert_int_equal(id, id2);
    commit(s);
    assert_int_equal(text_hits(s, "新しい題"), 1);
    assert_int_equal(text_hits(s, "旧い題"), 0);
    assert_int_equal(text_hits(s, "漏えい"), 1);
    jkb_query_init(&q);
    q.since = (jkb_date){2024, 2, 0};
    q.until = (jkb_date){2024, 2, 0};
    assert_int_equal(search(s, &q, &h, NULL, NULL), 1);
    fts_consistent(url);
    /* changed in a later batch: moved to another year */
    spec c = a;
    c.y = 2022;
    c.title = "三番目の題";
    begin(s);
    assert_int_equal(put_spec(s, &c, &o, &id2), JKB_OK);
    assert_int_equal(o, JKB_PUT_UPDATED);
    commit(s);
    assert_int_equal(text_hits(s, "三番目の題"), 1);
    assert_int_equal(text_hits(s, "新しい題"), 0);
    assert_int_equal(text_hits(s, "通知"), 2);
    jkb_query_init(&q);
    q.since = (jkb_date){2024, 0, 0};
    assert_int_equal(search(s, &q, &h, NULL, NULL), 0);
    jkb_query_init(&q);
    q.text = "通知";
    assert_int_equal(search(s, &q, &h, NULL, NULL), 2);
    assert_int_equal(h.id[0], oid); /* 2023 before 2022 */
    assert_int_equal(h.id[1], id);
    fts_consistent(url);
    jkb_store_close(s);
}

static void test_schema_versions(void **state)
{
    (void)state;
    if (!is_sqlite())
        skip();
    char url[512];
    jkb_store *s = fresh(url, sizeof url);
    jkb_store_close(s);
    /* reopening a current casebook is fine */
    jkb_err err;
    memset(&err, 0, sizeof err);
    assert_int_equal(jkb_store_open(url, &s, &err), JKB_OK);
    jkb_store_close(s);
    /* a casebook from a newer jikenbo is refused, untouched */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(url, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE meta SET value = '99' WHERE key = 'schema_version'", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    s = NULL;
    assert_int_equal(jkb_store_open(url, &s, &err), JKB_ESTORE);
    assert_null(s);
    char want[128];
    snprintf(want, sizeof want, "casebook schema version 99 was created by a newer jikenbo (this one knows %d)",
             JKB_STORE_SCHEMA);
    assert_string_equal(err.msg, want);
    /* not a casebook at all */
    char path[512];
    snprintf(path, sizeof path, "%s/not-a-db.txt", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("this is not a database, just some text that is long enough to have a header\n", f);
    fclose(f);
    assert_int_equal(jkb_store_open(path, &s, &err), JKB_ESTORE);
    assert_int_equal(jkb_store_open("mysql://x", &s, &err), JKB_EINVAL);
}

/* ---- leak-site claims (schema 2) ---- */

typedef struct claim_rows {
    int n;
    char id[8][20];
    char claimed[8][12];
    char victim[8][64];
} claim_rows;

static int on_claim(const jkb_claim *c, void *ud)
{
    claim_rows *r = ud;
    if (r->n < 8) {
        snprintf(r->id[r->n], 20, "%s", c->id ? c->id : "");
        if (c->claimed.y)
            snprintf(r->claimed[r->n], 12, "%04d-%02d-%02d", c->claimed.y, c->claimed.m, c->claimed.d);
        snprintf(r->victim[r->n], 64, "%s", c->victim ? c->victim : "");
    }
    r->n++;
    return 0;
}

typedef struct link_rows {
    int n;
    int64_t notice[8];
    double score[8];
    char claim_id[8][20];
    int has_delay[8];
    int32_t delay[8];
    char reason[8][64];
    int json_ok;
} link_rows;

static int on_link(const jkb_claim_link *l, void *ud)
{
    link_rows *r = ud;
    if (r->n < 8) {
        r->notice[r->n] = l->notice_id;
        r->score[r->n] = l->score;
        snprintf(r->claim_id[r->n], 20, "%s", l->claim_id);
        r->has_delay[r->n] = l->has_delay;
        r->delay[r->n] = l->delay_days;
        snprintf(r->reason[r->n], 64, "%s", l->reason ? l->reason : "");
        r->json_ok += l->claim_json && l->claim_json[0] == '{' && l->linked_at && strlen(l->linked_at) == 20;
    }
    r->n++;
    return 0;
}

static void test_claims_kept(void **state)
{
    (void)state;
    jkb_store *s = fresh(NULL, 0);
    jkb_err err;
    memset(&err, 0, sizeof err);
    int64_t a, b, c;
    begin(s);
    spec first = {.text = "第1報 ランサムウェア被害", .title = "ランサムウェア被害について(第1報)", .org = "株式会社ツバキ",
                  .y = 2023, .m = 3, .d = 1, .report_no = 1};
    spec follow = {.text = "第2報 ランサムウェア被害", .title = "ランサムウェア被害について(第2報)", .org = "株式会社ツバキ",
                   .y = 2023, .m = 3, .d = 20, .report_no = 2};
    spec other = {.text = "誤送信について", .title = "メール誤送信について", .org = "株式会社カエデ", .y = 2023, .m = 5, .d = 2};
    assert_int_equal(put_spec(s, &first, NULL, &a), JKB_OK);
    assert_int_equal(put_spec(s, &follow, NULL, &b), JKB_OK);
    assert_int_equal(put_spec(s, &other, NULL, &c), JKB_OK);
    /* claims: a day, a month, a year of precision; one without a victim */
    jkb_claim k1 = {"00000000000000a1", "株式会社ツバキ", NULL, NULL, "LockBit", {2023, 2, 27}, "t1", NULL, "JP"};
    jkb_claim k2 = {"00000000000000a2", NULL, NULL, "tsubaki.example.jp", "akira", {2023, 2, 0}, "t2", NULL, NULL};
    jkb_claim k3 = {"00000000000000a3", "O'Brien \"Ltd\"; DROP TABLE claims;--", NULL, NULL, NULL, {2022, 0, 0},
                    NULL, NULL, NULL};
    int added = -1;
    assert_int_equal(jkb_store_claim_put(s, &k1, &added, &err), JKB_OK);
    assert_int_equal(added, 1);
    assert_int_equal(jkb_store_claim_put(s, &k2, &added, &err), JKB_OK);
    assert_int_equal(jkb_store_claim_put(s, &k3, &added, &err), JKB_OK);
    assert_int_equal(jkb_store_claim_put(s, &k1, &added, &err), JKB_OK);
    assert_int_equal(added, 0); /* the same id again: kept once */
    jkb_claim bad = {"00000000000000a4", NULL, NULL, NULL, "x", {0, 0, 0}, NULL, NULL, NULL};
    assert_int_equal(jkb_store_claim_put(s, &bad, &added, &err), JKB_EINVAL);
    jkb_claim noid = k1;
    noid.id = NULL;
    assert_int_equal(jkb_store_claim_put(s, &noid, &added, &err), JKB_EINVAL);
    /* links: to a notice of the incident (the follow-up) and to the other */
    jkb_claim_link l1 = {"00000000000000a1", "{\"id\":\"00000000000000a1\"}", b, 0.93, "name = name", 1, 21, 0, NULL};
    jkb_claim_link l2 = {"00000000000000a2", "{\"id\":\"00000000000000a2\"}", a, 0.6, NULL, 0, 0, 0, NULL};
    jkb_claim_link l3 = {"00000000000000a3", "{\"id\":\"00000000000000a3\"}", c, 0.7, "x", 1, -3, 1, NULL};
    jkb_claim_link gone = {"00000000000000a3", "{}", c + 1000, 0.7, NULL, 0, 0, 0, NULL};
    assert_int_equal(jkb_store_link_put(s, &l1, &err), JKB_OK);
    assert_int_equal(jkb_store_link_put(s, &l2, &err), JKB_OK);
    assert_int_equal(jkb_store_link_put(s, &l3, &err), JKB_OK);
    assert_int_equal(jkb_store_link_put(s, &gone, &err), JKB_ENOTFOUND);
    jkb_claim_link wild = l1;
    wild.score = 1.5;
    assert_int_equal(jkb_store_link_put(s, &wild, &err), JKB_EINVAL);
    commit(s);
    /* outside a transaction, writes are refused */
    assert_int_equal(jkb_store_claim_put(s, &k1, &added, &err), JKB_EINVAL);
    assert_int_equal(jkb_store_link_put(s, &l1, &err), JKB_EINVAL);
    assert_int_equal(jkb_store_links_clear(s, &err), JKB_EINVAL);

    int64_t n = 0;
    assert_int_equal(jkb_store_claims_count(s, &n, &err), JKB_OK);
    assert_int_equal(n, 3);
    claim_rows cr;
    memset(&cr, 0, sizeof cr);
    assert_int_equal(jkb_store_claims(s, on_claim, &cr, &err), JKB_OK);
    assert_int_equal(cr.n, 3);
    assert_string_equal(cr.id[0], "00000000000000a1"); /* in order of import */
    assert_string_equal(cr.claimed[0], "2023-02-27");
    assert_string_equal(cr.claimed[1], "2023-02-00"); /* month precision kept */
    assert_string_equal(cr.claimed[2], "2022-00-00");
    assert_string_equal(cr.victim[2], "O'Brien \"Ltd\"; DROP TABLE claims;--");

    /* the incident of the first report: both links of its notices, best first */
    hits h;
    jkb_query q;
    jkb_query_init(&q);
    q.text = "ランサムウェア";
    assert_int_equal(search(s, &q, &h, NULL, NULL), 2);
    assert_int_equal(h.incident[0], h.incident[1]);
    link_rows lr;
    memset(&lr, 0, sizeof lr);
    assert_int_equal(jkb_store_incident_links(s, h.incident[0], on_link, &lr, &err), JKB_OK);
    assert_int_equal(lr.n, 2);
    assert_int_equal(lr.json_ok, 2);
    assert_int_equal(lr.notice[0], b);
    assert_true(lr.score[0] > 0.92 && lr.score[0] < 0.94);
    assert_int_equal(lr.has_delay[0], 1);
    assert_int_equal(lr.delay[0], 21);
    assert_string_equal(lr.reason[0], "name = name");
    assert_int_equal(lr.notice[1], a);
    assert_int_equal(lr.has_delay[1], 0);
    assert_string_equal(lr.reason[1], "");
    /* cleared in a transaction: none left */
    begin(s);
    assert_int_equal(jkb_store_links_clear(s, &err), JKB_OK);
    commit(s);
    memset(&lr, 0, sizeof lr);
    assert_int_equal(jkb_store_incident_links(s, h.incident[0], on_link, &lr, &err), JKB_OK);
    assert_int_equal(lr.n, 0);
    /* a rolled-back link is not there either */
    begin(s);
    assert_int_equal(jkb_store_link_put(s, &l1, &err), JKB_OK);
    assert_int_equal(jkb_store_rollback(s, &err), JKB_OK);
    assert_int_equal(jkb_store_incident_links(s, h.incident[0], on_link, &lr, &err), JKB_OK);
    assert_int_equal(lr.n, 0);
    jkb_store_close(s);
}

/* A casebook of schema 1 (before claims) is upgraded in place when it is
 * opened, its notices untouched. */
static void test_upgrade_from_1(void **state)
{
    (void)state;
    if (!is_sqlite())
        skip(); /* tests/store/pg.sh upgrades a PostgreSQL casebook */
    char url[512];
    jkb_store *s = fresh(url, sizeof url);
    begin(s);
    spec sp = {.text = "不正アクセスについて", .title = "不正アクセスについて", .org = "株式会社ナデシコ", .y = 2023,
                .m = 4, .d = 1};
    int64_t id;
    assert_int_equal(put_spec(s, &sp, NULL, &id), JKB_OK);
    commit(s);
    jkb_store_close(s);
    /* what version 1 had: no claims tables */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(url, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "DROP TABLE claim_links; DROP TABLE claims;"
                                  " UPDATE meta SET value = '1' WHERE key = 'schema_version'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    jkb_err err;
    memset(&err, 0, sizeof err);
    s = NULL;
    assert_int_equal(jkb_store_open(url, &s, &err), JKB_OK);
    int64_t n = -1;
    assert_int_equal(jkb_store_claims_count(s, &n, &err), JKB_OK);
    assert_int_equal(n, 0);
    assert_int_equal(text_hits(s, "不正アクセス"), 1);
    one g = get(s, id);
    assert_string_equal(g.text, "不正アクセスについて");
    jkb_store_close(s);
    assert_int_equal(sqlite3_open(url, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), JKB_STORE_SCHEMA);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "%s/jkb-store-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_idempotent), cmocka_unit_test(test_case_ids),
        cmocka_unit_test(test_followups),      cmocka_unit_test(test_followup_choice),      cmocka_unit_test(test_filters),
        cmocka_unit_test(test_fulltext),       cmocka_unit_test(test_short_terms),
        cmocka_unit_test(test_hostile_text),   cmocka_unit_test(test_stats),
        cmocka_unit_test(test_timing),         cmocka_unit_test(test_get_and_texts),
        cmocka_unit_test(test_extracted),      cmocka_unit_test(test_update_moves),
        cmocka_unit_test(test_schema_versions),
        cmocka_unit_test(test_claims_kept),    cmocka_unit_test(test_upgrade_from_1),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
