/* Leak-site claims (claims.h): name keys without legal forms, Hepburn
 * romaji and its fold, hosts and registrable domains, the readers (plain
 * lists, ransomwatch JSON, casebook records), the claims file, matching by
 * domain, name, romaji and the orgs table inside the date window, the report,
 * and the bar on the seed casebook (skipped without ../shared). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "jikenbo/claims.h"
#include "jikenbo/jikenbo.h"

/* ================================================================ helpers */

static jkb_linker *linker(int window)
{
    jkb_link_opts o;
    jkb_link_opts_init(&o);
    if (window)
        o.window_days = window;
    jkb_linker *l = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    assert_int_equal(jkb_linker_new(&o, &l, &err), JKB_OK);
    return l;
}

static jkb_date D(int y, int m, int d) { return (jkb_date){(int16_t)y, (int8_t)m, (int8_t)d}; }

static void add_notice(jkb_linker *l, int64_t id, const char *org, jkb_date pub, uint32_t cats, const char *text)
{
    jkb_link_notice n;
    memset(&n, 0, sizeof n);
    n.id = id;
    n.incident_id = id;
    n.org = org;
    n.published = pub;
    n.categories = cats ? cats : (1u << JKB_CAT_RANSOMWARE);
    n.text = text;
    n.len = text ? strlen(text) : 0;
    n.title = "ランサムウェア被害に関するお知らせ";
    jkb_err err;
    memset(&err, 0, sizeof err);
    assert_int_equal(jkb_linker_add_notice(l, &n, &err), JKB_OK);
}

typedef struct got {
    int n;
    int64_t notice[16];
    double score[16];
    char reason[16][1024];
    int has_delay[16];
    int delay[16];
} got;

static int collect(const jkb_claim_match *m, void *ud)
{
    got *g = ud;
    if (g->n < 16) {
        g->notice[g->n] = m->notice_id;
        g->score[g->n] = m->score;
        snprintf(g->reason[g->n], sizeof g->reason[g->n], "%s", m->reason ? m->reason : "");
        g->has_delay[g->n] = m->has_delay;
        g->delay[g->n] = m->delay_days;
    }
    g->n++;
    return 0;
}

static got match(jkb_linker *l, const char *victim, const char *domain, const char *group, jkb_date when)
{
    jkb_claim c;
    memset(&c, 0, sizeof c);
    c.victim = victim;
    c.domain = domain;
    c.group = group;
    c.claimed = when;
    got g;
    memset(&g, 0, sizeof g);
    jkb_err err;
    memset(&err, 0, sizeof err);
    assert_int_equal(jkb_linker_match(l, &c, collect, &g, &err), JKB_OK);
    return g;
}

static void key_is(jkb_linker *l, const char *name, const char *want)
{
    char out[256];
    jkb_linker_name_key(l, name, strlen(name), out, sizeof out);
    if (strcmp(out, want) != 0)
        fail_msg("key of %s: got '%s', want '%s'", name, out, want);
}

static void romaji_is(const char *key, const char *want)
{
    char out[256];
    size_t n = jkb_romanize(key, strlen(key), out, sizeof out);
    if (!want) {
        if (n)
            fail_msg("romaji of %s: got '%s', want none", key, out);
        return;
    }
    if (!n || strcmp(out, want) != 0)
        fail_msg("romaji of %s: got '%s', want '%s'", key, n ? out : "(none)", want);
}

/* ================================================================ names */

static void test_name_keys(void **state)
{
    (void)state;
    jkb_linker *l = linker(0);
    key_is(l, "株式会社タカミヤ", "タカミヤ");
    key_is(l, "タカミヤ株式会社", "タカミヤ");
    key_is(l, "(株)タカミヤ", "タカミヤ");
    key_is(l, "（株）タカミヤ", "タカミヤ");
    key_is(l, "㈱タカミヤ", "タカミヤ");
    key_is(l, "ﾀｶﾐﾔ", "タカミヤ"); /* half-width kana */
    key_is(l, "Takamiya Co., Ltd.", "takamiya");
    key_is(l, "TAKAMIYA CO.,LTD", "takamiya");
    key_is(l, "Takamiya Kabushiki Kaisha", "takamiya");
    key_is(l, "The Foo Group, Inc.", "foogroup");
    key_is(l, "住友ベークライト株式会社", "住友ベークライト");
    key_is(l, "医療法人社団清風会", "清風会");
    key_is(l, "一般社団法人日本木造住宅検査協会", "日本木造住宅検査協会");
    key_is(l, "有限会社タチバナ設計", "タチバナ設計");
    key_is(l, "株式会社 ABC・ホールディングス", "abcホールディングス");
    key_is(l, "Ｆｕｊｉｋｕｒａ　Ｌｔｄ．", "fujikura");
    key_is(l, "Co., Ltd.", "co"); /* a form alone is kept: something must remain */
    key_is(l, "株式会社", "");
    jkb_linker_free(l);
}

static void test_romaji(void **state)
{
    (void)state;
    romaji_is("タカミヤ", "takamiya");
    romaji_is("トーコー", "toko");
    romaji_is("シード", "shido");
    romaji_is("キャノン", "kyanon");
    romaji_is("チェック", "chekku");
    romaji_is("ジャパン", "japan");
    romaji_is("ファミリーマート", "famirimato");
    romaji_is("ヴァイオリン", "vaiorin");
    romaji_is("ウィンドウ", "windo");
    romaji_is("シンブン", "shinbun");
    romaji_is("さくら", "sakura");        /* hiragana */
    romaji_is("ぎんこう", "ginko");        /* ou: a long vowel */
    romaji_is("マッチ", "matchi");         /* ッ before ch */
    romaji_is("ハッピー", "happi");
    romaji_is("abcトーコー", "abctoko");   /* Latin letters kept */
    /* the fold on Latin spellings: long vowels, Kunrei, m before b/p */
    romaji_is("tohko", "toko");
    romaji_is("touko", "toko");
    romaji_is("shimbun", "shinbun");
    romaji_is("sizuoka", "shizuoka");
    romaji_is("tukuba", "tsukuba");
    romaji_is("takamiya", "takamiya");
    romaji_is("住友", NULL);                /* kanji have no reading here */
    romaji_is("タカミヤ住友", NULL);
}

static void reg_is(const char *host, const char *want)
{
    char out[256];
    jkb_domain_registrable(host, strlen(host), out, sizeof out);
    if (strcmp(out, want) != 0)
        fail_msg("registrable of %s: got '%s', want '%s'", host, out, want);
}

static void test_domains(void **state)
{
    (void)state;
    reg_is("www.seed.co.jp", "seed.co.jp");
    reg_is("seed.co.jp", "seed.co.jp");
    reg_is("k-toko.com", "k-toko.com");
    reg_is("mail.a.example.com", "example.com");
    reg_is("takamiya.co", "takamiya.co");
    reg_is("foo.co.uk", "foo.co.uk");
    reg_is("www.city.shibuya.tokyo.jp", "city.shibuya.tokyo.jp");
    reg_is("www.city.osaka.lg.jp", "city.osaka.lg.jp");
    reg_is("hyosung.jp", "hyosung.jp");
}

/* ================================================================ readers */

static const char *DARKTRACER =
    "ランサムウェアギャングが発表した被害組織リスト(2022年12月版)BY DARKTRACER\n\n \n\n"
    "Dark Tracerによると、2022年12月は日本企業3社がランサムウェアの被害にあっている模様。\n\n"
    "・株式会社シード(www.seed.co.jp)\n\n\n・住友ベークライト株式会社(www.sumibe.co.jp)\n\n"
    "・株式会社トーコー(k-toko.com)\n\n\n";

static void claim_is(const jkb_claim *c, const char *victim, const char *domain)
{
    assert_non_null(c);
    if (victim)
        assert_string_equal(c->victim, victim);
    else
        assert_null(c->victim);
    if (domain)
        assert_string_equal(c->domain, domain);
    else
        assert_null(c->domain);
}

static void test_read_list(void **state)
{
    (void)state;
    jkb_claims *c = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    assert_int_equal(jkb_claims_new(&c, &err), JKB_OK);
    size_t r = 0, a = 0;
    assert_int_equal(jkb_claims_read(c, DARKTRACER, strlen(DARKTRACER), NULL, &r, &a, &err), JKB_OK);
    assert_int_equal(r, 3);
    assert_int_equal(a, 3);
    claim_is(jkb_claims_get(c, 0), "株式会社シード", "www.seed.co.jp");
    claim_is(jkb_claims_get(c, 1), "住友ベークライト株式会社", "www.sumibe.co.jp");
    claim_is(jkb_claims_get(c, 2), "株式会社トーコー", "k-toko.com");
    assert_int_equal(jkb_claims_get(c, 0)->claimed.y, 2022); /* the list's 年月 */
    assert_int_equal(jkb_claims_get(c, 0)->claimed.m, 12);
    assert_int_equal(jkb_claims_get(c, 0)->claimed.d, 0);
    /* again: nothing new */
    assert_int_equal(jkb_claims_read(c, DARKTRACER, strlen(DARKTRACER), NULL, &r, &a, &err), JKB_OK);
    assert_int_equal(r, 3);
    assert_int_equal(a, 0);
    /* a list without bullets: every line; names, domains, both */
    const char *list = "takamiya.co\nSVA Jean Rozé - sva-jeanroze.fr\n株式会社ABC（abc.co.jp）\n"
                       "Acme Corp https://www.acme.com/\n\nMaple Lodge Farms\n";
    jkb_claims_read_opts o;
    memset(&o, 0, sizeof o);
    o.group = "lockbit3";
    o.claimed = D(2023, 1, 7);
    o.source = "list.txt";
    assert_int_equal(jkb_claims_read(c, list, strlen(list), &o, &r, &a, &err), JKB_OK);
    assert_int_equal(r, 5);
    claim_is(jkb_claims_get(c, 3), NULL, "takamiya.co");
    assert_string_equal(jkb_claims_get(c, 3)->group, "lockbit3");
    assert_string_equal(jkb_claims_get(c, 3)->source, "list.txt");
    assert_int_equal(jkb_claims_get(c, 3)->claimed.d, 7);
    claim_is(jkb_claims_get(c, 4), "SVA Jean Rozé", "sva-jeanroze.fr");
    claim_is(jkb_claims_get(c, 5), "株式会社ABC", "abc.co.jp");
    claim_is(jkb_claims_get(c, 6), "Acme Corp", "www.acme.com");
    claim_is(jkb_claims_get(c, 7), "Maple Lodge Farms", NULL);
    jkb_claims_free(c);
}

static void test_read_ransomwatch(void **state)
{
    (void)state;
    const char *posts =
        "[{\"post_title\": \"fujikura.co.jp\", \"group_name\": \"lockbit3\", \"discovered\": \"2023-01-30 07:24:22.871984\"},"
        " {\"post_title\": \"hancockassociat...\", \"group_name\": \"lockbit2\", \"discovered\": \"2021-09-09 23:46:53.997398\"},"
        " {\"post_title\": \"jockeyclub.org....\", \"group_name\": \"lockbit2\", \"discovered\": \"2021-09-09 23:46:53\"},"
        " {\"post_title\": \"SUMITOMO BAKELITE USA\", \"group_name\": \"alphv\", \"discovered\": \"2022-12-28 23:20:23\","
        "  \"description\": \"Sumitomo Bakelite Company Limited…\", \"website\": \"https://sumibe.co.jp\"},"
        " {\"post_title\": \"Acme\", \"group_name\": \"akira\", \"discovered\": \"2023-03-01 00:00:00\", \"published\": \"2023-02-20\"},"
        " {\"post_title\": \"\", \"group_name\": \"x\"},"
        " {\"post_title\": \"fujikura.co.jp\", \"group_name\": \"lockbit3\", \"discovered\": \"2023-01-30 09:00:00\"}]";
    jkb_claims *c = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    assert_int_equal(jkb_claims_new(&c, &err), JKB_OK);
    size_t r = 0, a = 0;
    assert_int_equal(jkb_claims_read(c, posts, strlen(posts), NULL, &r, &a, &err), JKB_OK);
    assert_int_equal(r, 6); /* the empty post is none */
    assert_int_equal(a, 5); /* the same post seen twice the same day is one claim */
    claim_is(jkb_claims_get(c, 0), NULL, "fujikura.co.jp");
    assert_string_equal(jkb_claims_get(c, 0)->group, "lockbit3");
    assert_int_equal(jkb_claims_get(c, 0)->claimed.d, 30);
    claim_is(jkb_claims_get(c, 1), "hancockassociat...", NULL); /* cut by the site */
    claim_is(jkb_claims_get(c, 2), NULL, "jockeyclub.org");
    claim_is(jkb_claims_get(c, 3), "SUMITOMO BAKELITE USA", "sumibe.co.jp");
    assert_non_null(jkb_claims_get(c, 3)->description);
    assert_int_equal(jkb_claims_get(c, 4)->claimed.d, 20); /* the site's date before the scraper's */
    /* not a list of posts */
    assert_int_equal(jkb_claims_read(c, "[1,", 3, NULL, &r, &a, &err), JKB_EFORMAT);
    jkb_claims_free(c);
}

static void test_from_record(void **state)
{
    (void)state;
    jkb_claims *c = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    assert_int_equal(jkb_claims_new(&c, &err), JKB_OK);
    size_t r = 0, a = 0;
    const char *list_rec = "{\"title\":\"ランサムウェアギャングが発表した被害組織リスト(2022年12月版)\",\"org\":\"DARKTRACER\","
                           "\"published\":null,\"categories\":[\"leak_claim\"],\"actors\":[],"
                           "\"victims\":[\"株式会社シード\",\"住友ベークライト株式会社\",\"株式会社トーコー\"]}";
    assert_int_equal(jkb_claims_from_record(c, list_rec, strlen(list_rec), DARKTRACER, strlen(DARKTRACER),
                                            "casebook:7", &r, &a, &err),
                     JKB_OK);
    assert_int_equal(r, 3);
    claim_is(jkb_claims_get(c, 1), "住友ベークライト株式会社", "www.sumibe.co.jp");
    assert_int_equal(jkb_claims_get(c, 1)->claimed.m, 12);
    const char *taka_text = "株式会社タカミヤ(英: Takamiya Co., Ltd.)は、日本の企業。";
    const char *taka_rec = "{\"case_id\":\"2023-001\",\"title\":\"LockBit 3.0ランサムウエアギャングは、“takamiya.co”をハッキング"
                           "したと主張\",\"org\":\"株式会社タカミヤ\",\"published\":null,\"categories\":[\"leak_claim\"],"
                           "\"actors\":[\"LockBit 3.0\"],\"victims\":[]}";
    assert_int_equal(jkb_claims_from_record(c, taka_rec, strlen(taka_rec), taka_text, strlen(taka_text), "casebook:8",
                                            &r, &a, &err),
                     JKB_OK);
    assert_int_equal(r, 1);
    const jkb_claim *t = jkb_claims_get(c, 3);
    claim_is(t, "株式会社タカミヤ", "takamiya.co");
    assert_string_equal(t->victim_alt, "Takamiya Co., Ltd.");
    assert_string_equal(t->group, "LockBit 3.0");
    assert_int_equal(t->claimed.y, 2023); /* from the casebook number */
    assert_int_equal(t->claimed.m, 0);
    /* the victim's own notice of a leak-site post: its org, the notice's year */
    const char *own = "{\"title\":\"ダークウェブ上の当社に関する情報掲載について\",\"org\":\"株式会社ナギサ技研\","
                      "\"published\":\"2024-02-22\",\"categories\":[\"leak_claim\"],\"actors\":[\"8Base\"],\"victims\":[]}";
    assert_int_equal(jkb_claims_from_record(c, own, strlen(own), NULL, 0, "casebook:14", &r, &a, &err), JKB_OK);
    assert_int_equal(r, 1);
    claim_is(jkb_claims_get(c, 4), "株式会社ナギサ技研", NULL);
    assert_int_equal(jkb_claims_get(c, 4)->claimed.y, 2024);
    assert_int_equal(jkb_claims_get(c, 4)->claimed.m, 0);
    /* no leak_claim: no claim */
    const char *plain = "{\"title\":\"x\",\"org\":\"株式会社X\",\"categories\":[\"ransomware\"],\"victims\":[]}";
    assert_int_equal(jkb_claims_from_record(c, plain, strlen(plain), NULL, 0, NULL, &r, &a, &err), JKB_OK);
    assert_int_equal(r, 0);
    assert_int_equal(jkb_claims_count(c), 5);
    jkb_claims_free(c);
}

static void test_claims_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/jkb-claims-XXXXXX", path[512];
    assert_non_null(mkdtemp(dir));
    jkb_err err;
    memset(&err, 0, sizeof err);
    assert_int_equal(jkb_claims_path("c.db", path, sizeof path, &err), JKB_OK);
    assert_string_equal(path, "c.db.claims.ndjson");
    assert_int_equal(jkb_claims_path("sqlite:/x/c.db", path, sizeof path, &err), JKB_OK);
    assert_string_equal(path, "/x/c.db.claims.ndjson");
    assert_int_equal(jkb_claims_path("file:/x/c.db?mode=ro", path, sizeof path, &err), JKB_OK);
    assert_string_equal(path, "/x/c.db.claims.ndjson");
    assert_int_equal(jkb_claims_path("postgresql://h/db", path, sizeof path, &err), JKB_EINVAL);
    snprintf(path, sizeof path, "%s/c.db.claims.ndjson", dir);
    jkb_claims *c = NULL, *d = NULL;
    assert_int_equal(jkb_claims_new(&c, &err), JKB_OK);
    assert_int_equal(jkb_claims_load(c, path, &err), JKB_OK); /* missing: empty */
    assert_int_equal(jkb_claims_count(c), 0);
    jkb_claim cl;
    memset(&cl, 0, sizeof cl);
    cl.victim = "株式会社シード";
    cl.domain = "www.seed.co.jp";
    cl.claimed = D(2022, 12, 0);
    cl.source = "casebook:7";
    cl.description = "a \"quoted\"\nline";
    assert_int_equal(jkb_claims_add(c, &cl, NULL, &err), JKB_OK);
    cl.victim = NULL;
    cl.domain = "takamiya.co";
    cl.group = "lockbit3";
    cl.claimed = D(2023, 1, 7);
    assert_int_equal(jkb_claims_add(c, &cl, NULL, &err), JKB_OK);
    cl.domain = NULL;
    assert_int_equal(jkb_claims_add(c, &cl, NULL, &err), JKB_EINVAL); /* names no one */
    assert_int_equal(jkb_claims_save(c, path, &err), JKB_OK);
    assert_int_equal(jkb_claims_new(&d, &err), JKB_OK);
    assert_int_equal(jkb_claims_load(d, path, &err), JKB_OK);
    assert_int_equal(jkb_claims_count(d), 2);
    for (size_t i = 0; i < 2; i++) {
        const jkb_claim *x = jkb_claims_get(c, i), *y = jkb_claims_get(d, i);
        assert_string_equal(x->id, y->id);
        assert_int_equal(x->claimed.y, y->claimed.y);
        assert_int_equal(x->claimed.m, y->claimed.m);
        assert_int_equal(x->claimed.d, y->claimed.d);
    }
    assert_string_equal(jkb_claims_get(d, 0)->description, "a \"quoted\"\nline");
    assert_string_equal(jkb_claims_get(d, 1)->group, "lockbit3");
    jkb_claims_free(c);
    jkb_claims_free(d);
    unlink(path);
    rmdir(dir);
}

/* ================================================================ matching */

static void test_match_domain(void **state)
{
    (void)state;
    jkb_linker *l = linker(0);
    add_notice(l, 1, "株式会社シード", D(2023, 1, 10), 0, "お問い合わせ窓口: info@seed.co.jp までご連絡ください。");
    add_notice(l, 2, "株式会社アルファ", D(2023, 1, 10), 0, "詳しくは https://www.alpha-example.com/news/1.html をご覧ください。");
    add_notice(l, 3, "株式会社ベータ", D(2023, 1, 10), 0, "当社サイト beta-example.co.jp に掲載しました。Co.,Ltd. report.pdf e.g.");
    got g = match(l, NULL, "www.seed.co.jp", NULL, D(2022, 12, 0));
    assert_int_equal(g.n, 1);
    assert_int_equal(g.notice[0], 1);
    assert_true(g.score[0] >= 0.9);
    assert_non_null(strstr(g.reason[0], "address"));
    g = match(l, NULL, "alpha-example.com", NULL, D(2023, 1, 1));
    assert_int_equal(g.n, 1);
    assert_int_equal(g.notice[0], 2);
    assert_non_null(strstr(g.reason[0], "link"));
    g = match(l, NULL, "beta-example.co.jp", NULL, D(2023, 1, 1));
    assert_int_equal(g.n, 1);
    assert_int_equal(g.notice[0], 3);
    /* a host that many organizations write names none of them */
    add_notice(l, 4, "株式会社ガンマ", D(2023, 1, 10), 0, "個人情報保護委員会 (www.ppc.go.jp) に報告しました。");
    add_notice(l, 5, "株式会社デルタ", D(2023, 1, 10), 0, "個人情報保護委員会 (www.ppc.go.jp) に報告しました。");
    add_notice(l, 6, "株式会社イプシロン", D(2023, 1, 10), 0, "個人情報保護委員会 www.ppc.go.jp に報告しました。");
    g = match(l, NULL, "ppc.go.jp", NULL, D(2023, 1, 1));
    assert_int_equal(g.n, 0);
    /* the orgs table: a domain no notice writes */
    add_notice(l, 7, "住友ベークライト株式会社", D(2022, 12, 21), 0, "当社の米国グループ会社がサイバー攻撃を受けました。");
    g = match(l, "SUMITOMO BAKELITE USA", "sumibe.co.jp", "alphv", D(2022, 12, 28));
    assert_int_equal(g.n, 0);
    const char *orgs = "# domain → name\nsumibe.co.jp\t住友ベークライト株式会社\n";
    jkb_err err;
    memset(&err, 0, sizeof err);
    assert_int_equal(jkb_linker_add_orgs(l, orgs, strlen(orgs), "orgs.tsv", &err), JKB_OK);
    g = match(l, "SUMITOMO BAKELITE USA", "sumibe.co.jp", "alphv", D(2022, 12, 28));
    assert_int_equal(g.n, 1);
    assert_int_equal(g.notice[0], 7);
    assert_non_null(strstr(g.reason[0], "orgs table"));
    assert_true(g.has_delay[0]);
    assert_int_equal(g.delay[0], -7); /* disclosed a week before the post */
    assert_int_equal(jkb_linker_add_orgs(l, "nonsense\n", 9, "bad.tsv", &err), JKB_EINVAL);
    jkb_linker_free(l);
}

static void test_match_names(void **state)
{
    (void)state;
    jkb_linker *l = linker(0);
    add_notice(l, 1, "株式会社タカミヤ", D(2023, 1, 20), 0, "当社サーバーがランサムウェアの攻撃を受けました。");
    add_notice(l, 2, "株式会社トーコー", D(2023, 1, 12), 0, "当社サーバーが不正アクセスを受けました。");
    add_notice(l, 3, "株式会社ミドリ化成", D(2023, 2, 1), 0, "株式会社ミドリ化成(英文社名: Midori Kasei Co., Ltd.)は…");
    add_notice(l, 4, "Hancock Associates LLC", D(2021, 9, 20), 0, "We were attacked.");
    add_notice(l, 5, "株式会社オオルリ旅行", D(2023, 1, 20), 0, "Copyright © 2023 OORURI TRAVEL Co., Ltd. All Rights Reserved.");
    /* takamiya.co ↔ 株式会社タカミヤ through romaji */
    got g = match(l, NULL, "takamiya.co", "lockbit3", D(2023, 1, 7));
    assert_int_equal(g.n, 1);
    assert_int_equal(g.notice[0], 1);
    assert_non_null(strstr(g.reason[0], "romaji"));
    assert_true(g.score[0] >= 0.65 && g.score[0] < 0.9);
    assert_int_equal(g.delay[0], 13);
    /* legal forms aside */
    g = match(l, "タカミヤ株式会社", NULL, NULL, D(2023, 1, 7));
    assert_int_equal(g.n, 1);
    assert_true(g.score[0] >= 0.85);
    g = match(l, "TAKAMIYA CO., LTD.", NULL, NULL, D(2023, 1, 7));
    assert_int_equal(g.n, 1);
    assert_int_equal(g.notice[0], 1);
    /* k-toko.com: a hyphenated part reads as トーコー */
    g = match(l, NULL, "k-toko.com", NULL, D(2022, 12, 0));
    assert_int_equal(g.n, 1);
    assert_int_equal(g.notice[0], 2);
    /* the English name the notice gives */
    g = match(l, "Midori Kasei", NULL, NULL, D(2023, 1, 15));
    assert_int_equal(g.n, 1);
    assert_int_equal(g.notice[0], 3);
    assert_non_null(strstr(g.reason[0], "English name"));
    g = match(l, "ORURI TRAVEL", NULL, NULL, D(2023, 1, 15)); /* the copyright line, long vowels folded */
    assert_int_equal(g.n, 1);
    assert_int_equal(g.notice[0], 5);
    /* a name the site cut short */
    g = match(l, "hancockassociat...", NULL, "lockbit2", D(2021, 9, 9));
    assert_int_equal(g.n, 1);
    assert_int_equal(g.notice[0], 4);
    /* nothing alike */
    g = match(l, "Maple Lodge Farms", "maplelodgefarms.com", NULL, D(2023, 1, 7));
    assert_int_equal(g.n, 0);
    jkb_linker_free(l);
}

static void test_date_window(void **state)
{
    (void)state;
    jkb_linker *l = linker(0);
    add_notice(l, 1, "株式会社シード", D(2023, 1, 10), 0, NULL);
    got g = match(l, "株式会社シード", NULL, NULL, D(2022, 12, 0));
    assert_int_equal(g.n, 1);
    assert_true(g.has_delay[0]);
    assert_int_equal(g.delay[0], 25); /* from the middle of December, approximate */
    g = match(l, "株式会社シード", NULL, NULL, D(2025, 3, 1)); /* two years on: another incident */
    assert_int_equal(g.n, 0);
    g = match(l, "株式会社シード", NULL, NULL, D(2023, 12, 20)); /* 344 days: inside */
    assert_int_equal(g.n, 1);
    double far = g.score[0];
    g = match(l, "株式会社シード", NULL, NULL, D(2023, 1, 3));
    assert_true(g.score[0] > far); /* nearer scores higher */
    g = match(l, "株式会社シード", NULL, NULL, D(0, 0, 0)); /* unknown: no window, a lower score, no delay */
    assert_int_equal(g.n, 1);
    assert_false(g.has_delay[0]);
    assert_non_null(strstr(g.reason[0], "date unknown"));
    jkb_linker_free(l);
    l = linker(1000);
    add_notice(l, 1, "株式会社シード", D(2023, 1, 10), 0, NULL);
    g = match(l, "株式会社シード", NULL, NULL, D(2025, 3, 1));
    assert_int_equal(g.n, 1);
    jkb_linker_free(l);
}

/* ================================================================ report */

typedef struct rows {
    int n[3];
    char line[32][512];
    int count;
} rows;

static int on_row(const jkb_claim_match *m, void *ud)
{
    rows *r = ud;
    r->n[m->status]++;
    if (r->count < 32) {
        const char *v = m->claim ? (m->claim->victim ? m->claim->victim : m->claim->domain) : "-";
        snprintf(r->line[r->count++], 512, "%d|%s|%s|%s", (int)m->status, v, m->org ? m->org : "-",
                 m->has_delay ? "delay" : "");
    }
    return 0;
}

static int has_row(const rows *r, const char *want)
{
    for (int i = 0; i < r->count; i++)
        if (strcmp(r->line[i], want) == 0)
            return 1;
    return 0;
}

static void test_report(void **state)
{
    (void)state;
    jkb_linker *l = linker(0);
    add_notice(l, 1, "株式会社タカミヤ", D(2023, 1, 20), 0, NULL);
    add_notice(l, 2, "ナッシュ株式会社", D(2023, 1, 4), (1u << JKB_CAT_UNAUTHORIZED_ACCESS), NULL);
    add_notice(l, 3, "佐川急便株式会社", D(2023, 1, 5), (1u << JKB_CAT_INSIDER_MISUSE), NULL);
    jkb_claims *c = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    assert_int_equal(jkb_claims_new(&c, &err), JKB_OK);
    jkb_claim cl;
    memset(&cl, 0, sizeof cl);
    cl.domain = "takamiya.co";
    cl.group = "lockbit3";
    cl.claimed = D(2023, 1, 7);
    assert_int_equal(jkb_claims_add(c, &cl, NULL, &err), JKB_OK);
    memset(&cl, 0, sizeof cl);
    cl.victim = "株式会社シード";
    cl.domain = "www.seed.co.jp";
    cl.claimed = D(2022, 12, 0);
    assert_int_equal(jkb_claims_add(c, &cl, NULL, &err), JKB_OK);
    rows r;
    memset(&r, 0, sizeof r);
    assert_int_equal(jkb_claims_report(l, c, NULL, on_row, &r, &err), JKB_OK);
    assert_int_equal(r.n[JKB_CLAIM_MATCHED], 1);
    assert_int_equal(r.n[JKB_CLAIM_UNDISCLOSED], 1);
    assert_int_equal(r.n[JKB_CLAIM_UNCLAIMED], 1); /* ナッシュ; 佐川 is no attack */
    assert_true(has_row(&r, "0|takamiya.co|株式会社タカミヤ|delay"));
    assert_true(has_row(&r, "1|株式会社シード|-|"));
    assert_true(has_row(&r, "2|-|ナッシュ株式会社|"));
    /* every incident, and a period */
    jkb_report_opts o;
    memset(&o, 0, sizeof o);
    o.flags = JKB_REPORT_ALL_NOTICES;
    memset(&r, 0, sizeof r);
    assert_int_equal(jkb_claims_report(l, c, &o, on_row, &r, &err), JKB_OK);
    assert_int_equal(r.n[JKB_CLAIM_UNCLAIMED], 2);
    o.since = D(2023, 1, 5);
    memset(&r, 0, sizeof r);
    assert_int_equal(jkb_claims_report(l, c, &o, on_row, &r, &err), JKB_OK);
    assert_int_equal(r.n[JKB_CLAIM_UNCLAIMED], 1);
    assert_true(has_row(&r, "2|-|佐川急便株式会社|"));
    jkb_claims_free(c);
    jkb_linker_free(l);
}

/* ================================================================ the bar on the seed */

#ifndef JKB_SHARED_DIR
#define JKB_SHARED_DIR "../shared"
#endif

typedef struct seed_ctx {
    jkb_linker *l;
    jkb_claims *c;
    int64_t next;
} seed_ctx;

typedef struct jbuf {
    char *p;
    size_t n;
} jbuf;

static int jwrite(const char *p, size_t n, void *ud)
{
    jbuf *b = ud;
    char *q = realloc(b->p, b->n + n + 1);
    if (!q)
        return 1;
    memcpy(q + b->n, p, n);
    b->p = q;
    b->n += n;
    b->p[b->n] = 0;
    return 0;
}

static int on_seed(const jkb_record *rec, const char *text, void *ud)
{
    seed_ctx *s = ud;
    const char *t = text + rec->extent.start;
    size_t len = rec->extent.end - rec->extent.start;
    jbuf b = {NULL, 0};
    jkb_err err;
    memset(&err, 0, sizeof err);
    assert_int_equal(jkb_record_write_json_at(rec, text, rec->extent.start, NULL, JKB_JSON_NO_EVIDENCE, jwrite, &b),
                     JKB_OK);
    assert_int_equal(jkb_claims_from_record(s->c, b.p, b.n, t, len, "seed", NULL, NULL, &err), JKB_OK);
    free(b.p);
    const char *actors[8];
    for (size_t i = 0; i < rec->n_actors && i < 8; i++)
        actors[i] = rec->actors[i].s;
    jkb_link_notice n;
    memset(&n, 0, sizeof n);
    n.id = n.incident_id = ++s->next;
    n.org = rec->org.s;
    n.title = rec->title.s;
    n.case_id = rec->case_id.s;
    n.published = rec->published;
    n.categories = rec->categories;
    n.text = t;
    n.len = len;
    n.actors = actors;
    n.n_actors = rec->n_actors < 8 ? rec->n_actors : 8;
    n.n_victims = rec->n_victims;
    assert_int_equal(jkb_linker_add_notice(s->l, &n, &err), JKB_OK);
    return 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *p = NULL;
    size_t n = 0, cap = 0, k;
    char buf[65536];
    while ((k = fread(buf, 1, sizeof buf, f)) > 0) {
        if (n + k + 1 > cap) {
            cap = (n + k + 1) * 2;
            p = realloc(p, cap);
            assert_non_null(p);
        }
        memcpy(p + n, buf, k);
        n += k;
    }
    fclose(f);
    *len = n;
    return p;
}

static void seed_report(jkb_linker *l, jkb_claims *c, rows *r)
{
    jkb_err err;
    memset(&err, 0, sizeof err);
    memset(r, 0, sizeof *r);
    assert_int_equal(jkb_linker_learn_domains(l, c, NULL, &err), JKB_OK);
    assert_int_equal(jkb_claims_report(l, c, NULL, on_row, r, &err), JKB_OK);
}

static void test_seed_bar(void **state)
{
    (void)state;
    size_t len = 0;
    char *text = slurp(JKB_SHARED_DIR "/corpus/seed/casebook-2023-01.txt", &len);
    if (!text)
        skip();
    jkb_engine *eng = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    assert_int_equal(jkb_engine_new(&eng, &err), JKB_OK);
    seed_ctx s = {linker(0), NULL, 0};
    assert_int_equal(jkb_claims_new(&s.c, &err), JKB_OK);
    assert_int_equal(jkb_extract(eng, text, len, NULL, on_seed, &s, &err), JKB_OK);
    /* the DarkTracer list and the タカミヤ entry are claims: four of them */
    assert_int_equal(jkb_claims_count(s.c), 4);
    rows r;
    seed_report(s.l, s.c, &r);
    /* 住友ベークライト's notice is in the seed; シード, トーコー, タカミヤ are not */
    assert_true(has_row(&r, "0|住友ベークライト株式会社|住友ベークライト株式会社|delay"));
    assert_true(has_row(&r, "1|株式会社シード|-|"));
    assert_true(has_row(&r, "1|株式会社トーコー|-|"));
    assert_true(has_row(&r, "1|株式会社タカミヤ|-|"));
    assert_int_equal(r.n[JKB_CLAIM_MATCHED], 1);
    assert_int_equal(r.n[JKB_CLAIM_UNDISCLOSED], 3);
    /* once their notices are in the casebook, each claim names its org (test
     * stand-ins, not the organizations' real notices) */
    add_notice(s.l, 101, "株式会社シード", D(2023, 1, 10), 0, "お問い合わせ: info@seed.co.jp");
    add_notice(s.l, 102, "株式会社トーコー", D(2023, 1, 12), 0, "当社サーバーが不正アクセスを受けました。");
    add_notice(s.l, 103, "株式会社タカミヤ", D(2023, 1, 20), 0, "当社サーバーがランサムウェアの攻撃を受けました。");
    seed_report(s.l, s.c, &r);
    assert_int_equal(r.n[JKB_CLAIM_MATCHED], 4);
    assert_int_equal(r.n[JKB_CLAIM_UNDISCLOSED], 0);
    assert_true(has_row(&r, "0|株式会社シード|株式会社シード|delay"));
    assert_true(has_row(&r, "0|株式会社トーコー|株式会社トーコー|delay"));
    assert_true(has_row(&r, "0|株式会社タカミヤ|株式会社タカミヤ|"));
    /* and the tracker's own post "takamiya.co" finds タカミヤ by its romaji */
    got g = match(s.l, NULL, "takamiya.co", "lockbit3", D(2023, 1, 7));
    assert_int_equal(g.n, 1);
    assert_int_equal(g.notice[0], 103);
    jkb_claims_free(s.c);
    jkb_linker_free(s.l);
    jkb_engine_free(eng);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_keys),     cmocka_unit_test(test_romaji),
        cmocka_unit_test(test_domains),       cmocka_unit_test(test_read_list),
        cmocka_unit_test(test_read_ransomwatch), cmocka_unit_test(test_from_record),
        cmocka_unit_test(test_claims_file),   cmocka_unit_test(test_match_domain),
        cmocka_unit_test(test_match_names),   cmocka_unit_test(test_date_window),
        cmocka_unit_test(test_report),        cmocka_unit_test(test_seed_bar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
