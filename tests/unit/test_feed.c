/*
 * jkb_feed_sniff and jkb_feed_parse: a Blogger-like Atom feed, RSS 2.0 with
 * content:encoded, RSS 1.0, a Shift_JIS RSS (fixtures feed-*.xml), and what
 * must fail or stay bounded: broken XML, other roots, entity expansion
 * (billion laughs, an external entity), 100,000 items, max_items.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "jikenbo/ingest.h"

#ifndef JKB_TEST_DATA
#error "JKB_TEST_DATA must name the tests/ folder"
#endif

static char *slurp(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/unit/data/%s", JKB_TEST_DATA, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    char *buf = NULL;
    size_t n = 0, cap = 0, r;
    do {
        if (cap - n < 4096) {
            cap = cap ? cap * 2 : 8192;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    *len = n;
    return buf;
}

static void parse_file(const char *name, jkb_feed *fd)
{
    size_t n;
    char *in = slurp(name, &n);
    jkb_err e;
    assert_true(jkb_feed_sniff(in, n));
    if (jkb_feed_parse(in, n, 0, fd, &e) != JKB_OK)
        fail_msg("%s: %s", name, e.msg);
    free(in);
}

static void item_is(const jkb_feed_item *it, const char *title, const char *link,
                    const char *published, const char *text)
{
    if (title)
        assert_string_equal(it->title, title);
    else
        assert_null(it->title);
    if (link)
        assert_string_equal(it->link, link);
    else
        assert_null(it->link);
    if (published)
        assert_string_equal(it->published, published);
    else
        assert_null(it->published);
    if (strcmp(it->text, text) != 0)
        fail_msg("item text\n[%s]\nwanted\n[%s]", it->text, text);
    assert_int_equal(it->text_len, strlen(text));
}

static void refused(const char *in, size_t n, jkb_status code, const char *msg_part)
{
    jkb_feed fd;
    jkb_err e;
    memset(&fd, 0xaa, sizeof fd);
    jkb_status st = jkb_feed_parse(in, n, 0, &fd, &e);
    if (st != code)
        fail_msg("status %d (%s), wanted %d", (int)st, e.msg, (int)code);
    assert_int_equal(e.code, code);
    if (!strstr(e.msg, msg_part))
        fail_msg("message \"%s\" lacks \"%s\"", e.msg, msg_part);
    assert_null(fd.items);
    assert_int_equal(fd.n, 0);
    assert_null(fd.title);
    jkb_feed_free(&fd);
}

static void atom(void **state)
{
    (void)state;
    jkb_feed fd;
    parse_file("feed-atom.xml", &fd);
    assert_string_equal(fd.title, "セキュリティ事件簿（テスト）");
    assert_int_equal(fd.n, 3);
    assert_int_equal(fd.truncated, 0);
    /* Escaped HTML turned into text; the title put first, as the text does
     * not start with it; rel="alternate" chosen over replies and edit. */
    item_is(&fd.items[0], "株式会社さくら工房への不正アクセス",
            "https://casebook.example.org/2024/06/sakura.html", "2024-06-10T09:00:00.000+09:00",
            "株式会社さくら工房への不正アクセス\n\n"
            "2024年6月3日、株式会社さくら工房は会員サイトへの不正アクセスを公表した。\n\n"
            "流出した可能性がある情報：\n氏名\nメールアドレス\n");
    /* A casebook page of several notices: the text starts with the title,
     * so it is not repeated; the caller segments the rest. */
    item_is(&fd.items[1], "まとめ：6月第1週の事例", "https://casebook.example.org/2024/06/week1.html",
            "2024-06-08T12:00:00.000+09:00",
            "まとめ：6月第1週の事例\n\n1. 北町病院\n\n"
            "北町病院は6月4日、電子カルテシステムがランサムウェアに感染したと発表した。\n\n"
            "2. 南市役所\n\n南市は6月5日、住民120人分の通知書を\n誤って別の住民に送付したと発表した。\n");
    /* type="text" stays as it is; no <published>: <updated>; a link
     * without rel is the alternate one. */
    item_is(&fd.items[2], "メモ", "https://casebook.example.org/2024/06/memo.html",
            "2024-06-01T08:00:00.000+09:00", "メモ\n\n東浜商事のサイトが改ざんされた。\n詳細は調査中。\n");
    jkb_feed_free(&fd);
    jkb_feed_free(&fd); /* NULL-safe twice */
    jkb_feed_free(NULL);
}

static void rss2(void **state)
{
    (void)state;
    jkb_feed fd;
    parse_file("feed-rss2.xml", &fd);
    /* The channel's title, not the image's. */
    assert_string_equal(fd.title, "北町信用金庫 お知らせ");
    assert_int_equal(fd.n, 3);
    /* content:encoded over description; <h1> first; media:title is not
     * the item's title. */
    item_is(&fd.items[0], "不正ログインによるお客様情報の閲覧について",
            "https://kitamachi-shinkin.example.jp/news/2024/0612.html", "Wed, 12 Jun 2024 15:00:00 +0900",
            "不正ログインによるお客様情報の閲覧について\n\n"
            "当金庫のインターネットバンキングにおいて、第三者による不正ログインが確認されました。\n\n"
            "発生日：2024年6月10日\n対象：お客様32名\n");
    item_is(&fd.items[1], "システムメンテナンスのお知らせ",
            "https://kitamachi-shinkin.example.jp/news/2024/0605.html", "Wed, 05 Jun 2024 10:00:00 +0900",
            "システムメンテナンスのお知らせ\n\n"
            "6月9日（日）午前0時から6時まで、インターネットバンキングを停止します。\n");
    /* A description without tags keeps its lines; a permalink guid is the
     * link; dc:date the date. */
    item_is(&fd.items[2], "窓口営業時間の変更", "https://kitamachi-shinkin.example.jp/news/2024/0601.html",
            "2024-06-01T09:00:00+09:00",
            "窓口営業時間の変更\n\n7月1日から窓口の営業時間を変更します。\n詳しくは店頭でお尋ねください。\n");
    jkb_feed_free(&fd);
}

static void rss1(void **state)
{
    (void)state;
    jkb_feed fd;
    parse_file("feed-rss1.xml", &fd);
    assert_string_equal(fd.title, "南市 新着情報");
    assert_int_equal(fd.n, 2);
    item_is(&fd.items[0], "通知書の誤送付について", "https://minami-city.example.lg.jp/news/1001.html",
            "2024-06-05T17:00:00+09:00", "通知書の誤送付について\n\n市民税の通知書120通を誤った宛先に送付しました。\n");
    /* No link and no description: rdf:about is the page, the title the text. */
    item_is(&fd.items[1], "図書館の臨時休館", "https://minami-city.example.lg.jp/news/1002.html",
            "2024-06-03T09:00:00+09:00", "図書館の臨時休館\n");
    jkb_feed_free(&fd);
}

static void shift_jis(void **state)
{
    (void)state;
    jkb_feed fd;
    parse_file("feed-sjis.xml", &fd);
    assert_string_equal(fd.title, "東浜商事 ニュース");
    assert_int_equal(fd.n, 1);
    /* CP932's ㈱, ① and ～ (U+FF5E), as Windows wrote them. */
    item_is(&fd.items[0], "ウェブサイト改ざんに関するお知らせ",
            "https://higashihama.example.co.jp/news/20240607.html", "Fri, 07 Jun 2024 18:00:00 +0900",
            "ウェブサイト改ざんに関するお知らせ\n\n㈱東浜商事のウェブサイトが第三者により改ざんされました。\n\n"
            "①発生日時：6月6日～6月7日\n");
    jkb_feed_free(&fd);
}

static void sniff(void **state)
{
    (void)state;
#define S(lit) jkb_feed_sniff(lit, sizeof lit - 1)
    assert_true(S("<rss version=\"2.0\"><channel/></rss>"));
    assert_true(S("\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- a comment -->\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
    assert_true(S("<?xml version=\"1.0\"?><!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" "
                  "\"http://my.netscape.com/publish/formats/rss-0.91.dtd\">\n<rss version=\"0.91\">"));
    assert_true(S("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><rdf:RDF xmlns:rdf=\"x\">"));
    assert_false(S("<!DOCTYPE html><html><body>rss</body></html>"));
    assert_false(S("<rsshtml>"));
    assert_false(S("<?xml version=\"1.0\"?><opml version=\"2.0\"/>"));
    assert_false(S("plain text <rss>"));
    assert_false(S(""));
    assert_false(jkb_feed_sniff(NULL, 0));
#undef S
    /* Only the first KiB is looked at. */
    char buf[2048];
    memset(buf, ' ', sizeof buf);
    memcpy(buf + 1500, "<rss>", 5);
    assert_false(jkb_feed_sniff(buf, sizeof buf));
    memcpy(buf + 10, "<rss>", 5);
    assert_true(jkb_feed_sniff(buf, sizeof buf));
}

static void broken(void **state)
{
    (void)state;
    static const char unclosed[] = "<?xml version=\"1.0\"?>\n<rss><channel>\n<item><title>x</title>\n</channel></rss>";
    refused(unclosed, sizeof unclosed - 1, JKB_EFORMAT, "not a well-formed feed: ");
    refused(unclosed, sizeof unclosed - 1, JKB_EFORMAT, "(line 4)");
    static const char html[] = "<html><body><p>not a feed</p></body></html>";
    refused(html, sizeof html - 1, JKB_EFORMAT, "the root element is <html>");
    refused("", 0, JKB_EFORMAT, "empty input");
    refused("plain text", 10, JKB_EFORMAT, "not a well-formed feed");
    refused("<rss><channel><item>&undefined;</item></channel></rss>", 54, JKB_EFORMAT,
            "not a well-formed feed");
    refused("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, JKB_EFORMAT, "PNG");
    jkb_feed fd;
    jkb_err e;
    assert_int_equal(jkb_feed_parse("<rss/>", 6, 0, NULL, &e), JKB_EINVAL);
    assert_int_equal(jkb_feed_parse(NULL, 6, 0, &fd, &e), JKB_EINVAL);
    /* An undeclared prefix is a namespace error libxml2 goes on from: a
     * sloppy feed is still read. */
    static const char sloppy[] = "<rss><channel><item><title>t</title><dc:creator>x</dc:creator>"
                                 "<description>d</description></item></channel></rss>";
    assert_int_equal(jkb_feed_parse(sloppy, sizeof sloppy - 1, 0, &fd, &e), JKB_OK);
    assert_int_equal(fd.n, 1);
    assert_string_equal(fd.items[0].text, "t\n\nd\n");
    jkb_feed_free(&fd);
    /* An empty feed is a feed. */
    assert_int_equal(jkb_feed_parse("<rss><channel/></rss>", 21, 0, &fd, &e), JKB_OK);
    assert_int_equal(fd.n, 0);
    assert_null(fd.title);
    jkb_feed_free(&fd);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void billion_laughs(void **state)
{
    (void)state;
    /* Ten levels of ten: 10^10 "lol"s if expanded. */
    char doc[4096];
    size_t n = 0;
    n += (size_t)snprintf(doc + n, sizeof doc - n,
                          "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY lol0 \"lol\">\n");
    for (int i = 1; i <= 9; i++) {
        n += (size_t)snprintf(doc + n, sizeof doc - n, "<!ENTITY lol%d \"", i);
        for (int j = 0; j < 10; j++)
            n += (size_t)snprintf(doc + n, sizeof doc - n, "&lol%d;", i - 1);
        n += (size_t)snprintf(doc + n, sizeof doc - n, "\">\n");
    }
    n += (size_t)snprintf(doc + n, sizeof doc - n,
                          "]>\n<rss><channel><title>&lol9;</title><item><title>t</title>"
                          "<description>&lol9;</description></item></channel></rss>\n");
    jkb_feed fd;
    jkb_err e;
    double t0 = now();
    jkb_status st = jkb_feed_parse(doc, n, 0, &fd, &e);
    double dt = now() - t0;
    /* Either libxml2 refuses the amplification or the references stay
     * unexpanded: in no case gigabytes, and quickly. */
    if (st == JKB_OK) {
        assert_int_equal(fd.n, 1);
        assert_true(fd.items[0].text_len < 1000);
        assert_true(fd.title == NULL || strlen(fd.title) < 1000);
        jkb_feed_free(&fd);
    } else {
        assert_int_equal(st, JKB_EFORMAT);
    }
    assert_true(dt < 2.0);

    /* An external entity is neither loaded nor expanded. */
    static const char xxe[] = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
                              "<rss><channel><item><title>t</title><description>&x;</description></item></channel></rss>";
    st = jkb_feed_parse(xxe, sizeof xxe - 1, 0, &fd, &e);
    if (st == JKB_OK) {
        assert_int_equal(fd.n, 1);
        assert_null(strstr(fd.items[0].text, "root:"));
        jkb_feed_free(&fd);
    }
}

/* A feed of n RSS items, item i titled "事例 i". */
static char *many_items(size_t n, size_t *len)
{
    size_t cap = 128 + n * 160, o = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    o += (size_t)snprintf(buf + o, cap - o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>多数</title>\n");
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(buf + o, cap - o,
                              "<item><title>事例 %zu</title><link>https://example.org/%zu</link>"
                              "<description>&lt;p&gt;第%zu報&lt;/p&gt;</description></item>\n",
                              i, i, i);
    o += (size_t)snprintf(buf + o, cap - o, "</channel></rss>\n");
    *len = o;
    return buf;
}

static void hundred_thousand(void **state)
{
    (void)state;
    size_t n;
    char *in = many_items(100000, &n);
    jkb_feed fd;
    jkb_err e;
    double t0 = now();
    if (jkb_feed_parse(in, n, 0, &fd, &e) != JKB_OK)
        fail_msg("%s", e.msg);
    double dt = now() - t0;
    assert_int_equal(fd.n, 100000);
    assert_int_equal(fd.truncated, 0);
    assert_string_equal(fd.items[99999].title, "事例 99999");
    assert_string_equal(fd.items[99999].link, "https://example.org/99999");
    assert_string_equal(fd.items[99999].text, "事例 99999\n\n第99999報\n");
    jkb_feed_free(&fd);
    /* Seconds at most, even under the sanitizers. */
    if (dt > 30.0)
        fail_msg("100,000 items took %.1f s", dt);
    print_message("100,000 items in %.2f s\n", dt);

    /* One more than the default cap: the first 100,000, and the flag. */
    free(in);
    in = many_items(100001, &n);
    assert_int_equal(jkb_feed_parse(in, n, 0, &fd, &e), JKB_OK);
    assert_int_equal(fd.n, 100000);
    assert_int_equal(fd.truncated, 1);
    jkb_feed_free(&fd);
    free(in);
}

static void max_items(void **state)
{
    (void)state;
    size_t n;
    char *in = many_items(10, &n);
    jkb_feed fd;
    jkb_err e;
    assert_int_equal(jkb_feed_parse(in, n, 3, &fd, &e), JKB_OK);
    assert_int_equal(fd.n, 3);
    assert_int_equal(fd.truncated, 1);
    assert_string_equal(fd.items[2].title, "事例 2");
    jkb_feed_free(&fd);
    assert_int_equal(jkb_feed_parse(in, n, 10, &fd, &e), JKB_OK);
    assert_int_equal(fd.n, 10);
    assert_int_equal(fd.truncated, 0);
    jkb_feed_free(&fd);
    free(in);
}

static void deep_nesting(void **state)
{
    (void)state;
    /* Deeper than libxml2's 256 levels inside an item: refused, no stack. */
    size_t depth = 5000, cap = depth * 8 + 256, o = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    o += (size_t)snprintf(buf + o, cap - o, "<rss><channel><item><description>");
    for (size_t i = 0; i < depth; i++)
        o += (size_t)snprintf(buf + o, cap - o, "<a>");
    for (size_t i = 0; i < depth; i++)
        o += (size_t)snprintf(buf + o, cap - o, "</a>");
    o += (size_t)snprintf(buf + o, cap - o, "</description></item></channel></rss>");
    refused(buf, o, JKB_EFORMAT, "not a well-formed feed");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(atom),
        cmocka_unit_test(rss2),
        cmocka_unit_test(rss1),
        cmocka_unit_test(shift_jis),
        cmocka_unit_test(sniff),
        cmocka_unit_test(broken),
        cmocka_unit_test(billion_laughs),
        cmocka_unit_test(hundred_thousand),
        cmocka_unit_test(max_items),
        cmocka_unit_test(deep_nesting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
