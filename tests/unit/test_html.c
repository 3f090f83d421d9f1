/*
 * jkb_text_decode on HTML: the main content's text with its title first,
 * page furniture left out, declared charsets honoured, hostile nesting and
 * escaped markup handled. Also the <meta charset> prescan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jikenbo/ingest.h"
#include "ingest_internal.h"

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

/* The text of an HTML string (read as HTML whatever it looks like). */
static void html_is(const char *html, const char *want)
{
    jkb_text t;
    jkb_err e;
    jkb_status st = jkb_text_decode(html, strlen(html), NULL, NULL, JKB_FMT_HTML, &t, &e);
    if (st != JKB_OK)
        fail_msg("status %d: %s", (int)st, e.msg);
    assert_int_equal(t.format, JKB_FMT_HTML);
    assert_string_equal(t.text, want);
    assert_int_equal(strlen(t.text), t.len);
    jkb_text_free(&t);
}

static void full_page(void **state)
{
    (void)state;
    size_t n;
    char *in = slurp("page.html", &n);
    jkb_text t;
    jkb_err e;
    assert_int_equal(jkb_text_decode(in, n, "page.html", NULL, JKB_FMT_AUTO, &t, &e), JKB_OK);
    assert_int_equal(t.format, JKB_FMT_HTML);
    assert_string_equal(t.charset, "UTF-8");
    /* The article's <h1> first (before the date that precedes it in the
     * article's <header>); the site logo's <h1>, <nav>, breadcrumb, sidebar,
     * share menu, <footer>, <title>, <style> and <script> are gone; a line
     * break inside a Japanese sentence joins it; entities are decoded
     * (&nbsp; is U+00A0); table cells are tab-separated. */
    assert_string_equal(t.text,
                        "不正アクセスに関する お詫びとお知らせ\n"
                        "\n"
                        "2024年3月5日\n"
                        "\n"
                        "このたび、当社の通販サイトが第三者による不正アクセスを受けました。\n"
                        "\n"
                        "A & B <社内> あ\xc2\xa0終わり\n"
                        "\n"
                        "1. 流出した可能性のある情報\n"
                        "\n"
                        "項目\t件数\n"
                        "氏名、住所\t1,234名\n"
                        "\n"
                        "クレジットカード番号\n"
                        "有効期限\n"
                        "\n"
                        "お問い合わせ：\n"
                        "お客様窓口\n"
                        "電話 0120-000-000\n");
    assert_null(strstr(t.text, "スクリプト"));
    assert_null(strstr(t.text, "スタイル"));
    jkb_text_free(&t);
    free(in);
}

static void page_in(const char *file, const char *charset, const char *want)
{
    size_t n;
    char *in = slurp(file, &n);
    jkb_text t;
    jkb_err e;
    jkb_status st = jkb_text_decode(in, n, file, NULL, JKB_FMT_AUTO, &t, &e);
    if (st != JKB_OK)
        fail_msg("%s: %s", file, e.msg);
    assert_int_equal(t.format, JKB_FMT_HTML);
    assert_string_equal(t.charset, charset);
    assert_string_equal(t.text, want);
    jkb_text_free(&t);
    free(in);
}

static void shift_jis_page(void **state)
{
    (void)state;
    page_in("page-sjis.html", "SHIFT_JIS",
            "個人情報漏えいのお知らせ\n"
            "\n"
            "①当社従業員のパソコンがマルウェアに感染し、㈱テスト物流の取引先情報が外部に送信されました。\n"
            "\n"
            "対象：約500件\n");
}

static void euc_jp_page(void **state)
{
    (void)state;
    page_in("page-eucjp.html", "EUC-JP",
            "メール誤送信についてのお詫び\n"
            "\n"
            "令和6年4月1日、会員様あてのメールを誤って他の会員様へ送信いたしました。\n");
}

static void meta_does_not_decode_twice(void **state)
{
    (void)state;
    /* Valid UTF-8 that says Shift_JIS: the bytes win, once. */
    html_is("<html><head><meta charset=\"Shift_JIS\"></head><body><p>漏えい</p></body></html>",
            "漏えい\n");
}

static void meta_prescan(void **state)
{
    (void)state;
    char cs[32];
    static const char a[] = "<html><head><META HTTP-EQUIV='Content-Type' "
                            "CONTENT='text/html;charset=x-sjis'></head>";
    assert_int_equal(jkb_html_meta_charset(a, sizeof a - 1, cs, sizeof cs), 1);
    assert_string_equal(cs, "x-sjis");
    static const char b[] = "<meta name=viewport content=\"width=device-width\">"
                            "<meta charset = EUC-JP >";
    assert_int_equal(jkb_html_meta_charset(b, sizeof b - 1, cs, sizeof cs), 1);
    assert_string_equal(cs, "EUC-JP");
    static const char c[] = "<!-- <meta charset=\"EUC-JP\"> --><metadata charset=x><p>";
    assert_int_equal(jkb_html_meta_charset(c, sizeof c - 1, cs, sizeof cs), 0);
    static const char d[] = "<meta charset=\"";
    assert_int_equal(jkb_html_meta_charset(d, sizeof d - 1, cs, sizeof cs), 0);
}

static void main_content_choice(void **state)
{
    (void)state;
    /* No <article>: <main>. */
    html_is("<body><div>外</div><main><p>本文</p></main><div>外2</div></body>", "本文\n");
    /* No <main>: role=main. */
    html_is("<body><div>外</div><div role=\"main\"><p>本文</p></div></body>", "本文\n");
    /* Neither: the body, less its furniture. */
    html_is("<body><div id=\"globalNav\">ナビ</div><div id=\"header\">ロゴ</div>"
            "<h1>題</h1><p>本文</p><div class=\"Footer\">著作権</div></body>",
            "題\n\n本文\n");
    /* Several articles (a list of notices): all of <main>. */
    html_is("<body><main><article><h2>一</h2></article><article><h2>二</h2></article></main></body>",
            "一\n\n二\n");
    /* The title outside the article still comes first. */
    html_is("<body><header><h1>サイト名</h1></header><main><h1>お詫び</h1>"
            "<article><p>本文</p></article></main></body>",
            "お詫び\n\n本文\n");
}

static void escaped_markup_is_text(void **state)
{
    (void)state;
    html_is("<article><h1>攻撃の例</h1><p>&lt;script&gt;alert(1)&lt;/script&gt; が挿入されました</p>"
            "<script>alert(2)</script></article>",
            "攻撃の例\n\n<script>alert(1)</script> が挿入されました\n");
}

static void entities(void **state)
{
    (void)state;
    html_is("<p>&amp;&lt;&gt;&quot;&#x3042;&#12354;&nbsp;&copy;</p>",
            "&<>\"ああ\xc2\xa0\xc2\xa9\n");
    /* A no-break space alone is a blank line, not a line of spaces. */
    html_is("<p>上</p><p>&nbsp;</p><p>　</p><p>下</p>", "上\n\n下\n");
}

static void blocks_and_spaces(void **state)
{
    (void)state;
    html_is("<div>一行目<br>二行目<br><br>四行目</div><div>  次の   div  </div>",
            "一行目\n二行目\n\n四行目\n次の div\n");
    /* A line break between Latin words stays a space. */
    html_is("<p>Remote\nDesktop 経由\nで侵入</p>", "Remote Desktop 経由で侵入\n");
    html_is("<ul><li>氏名</li><li>住所</li></ul><ol><li>一</li></ol>", "氏名\n住所\n\n一\n");
    html_is("<dl><dt>発生日</dt><dd>3月5日</dd></dl>", "発生日\n3月5日\n");
    html_is("<table><tr><td></td><td>空欄の後</td></tr><tr><td>a</td><td>b</td><td>c</td></tr></table>",
            "空欄の後\na\tb\tc\n");
    html_is("<pre>  字下げ\n\n\n  二段目  \n</pre><p>後</p>", "  字下げ\n\n  二段目\n\n後\n");
    html_is("<p>前<span hidden>隠し</span>後<span aria-hidden=\"true\">アイコン</span></p>", "前後\n");
    html_is("<p>a<!-- コメント -->b</p>", "ab\n");
    html_is("<p>x</p>\r\n<p>y\r\nz</p>", "x\n\ny z\n");
}

static void title_is_not_text(void **state)
{
    (void)state;
    html_is("<html><head><title>タイトル</title></head><body><p>本文</p></body></html>", "本文\n");
    html_is("<html><head><title>タイトル</title></head></html>", "");
    html_is("<html></html>", "");
}

static void deep_nesting(void **state)
{
    (void)state;
    /* 100,000 nested <div>: libxml2 stops at depth 256 and we say so. */
    size_t depth = 100000, n = depth * 11 + 64, o = 0;
    char *in = malloc(n);
    assert_non_null(in);
    for (size_t i = 0; i < depth; i++)
        memcpy(in + o, "<div>", 5), o += 5;
    memcpy(in + o, "deep", 4), o += 4;
    for (size_t i = 0; i < depth; i++)
        memcpy(in + o, "</div>", 6), o += 6;
    jkb_text t;
    jkb_err e;
    assert_int_equal(jkb_text_decode(in, o, "deep.html", NULL, JKB_FMT_AUTO, &t, &e), JKB_ETOOBIG);
    assert_non_null(strstr(e.msg, "nested deeper than 256"));
    assert_null(t.text);
    /* 200 deep is fine, and walked without recursion. */
    o = 0;
    for (size_t i = 0; i < 200; i++)
        memcpy(in + o, "<span>", 6), o += 6;
    memcpy(in + o, "deep", 4), o += 4;
    in[o] = '\0';
    html_is(in, "deep\n");
    free(in);
}

static void huge_text_run(void **state)
{
    (void)state;
    /* One 12 MB text node: over libxml2's 10 MB limit (no HTML_PARSE_HUGE). */
    size_t n = (size_t)12 * 1024 * 1024;
    char *in = malloc(n + 16);
    assert_non_null(in);
    memcpy(in, "<p>", 3);
    memset(in + 3, 'a', n);
    memcpy(in + 3 + n, "</p>", 4);
    jkb_text t;
    jkb_err e;
    assert_int_equal(jkb_text_decode(in, n + 7, NULL, NULL, JKB_FMT_HTML, &t, &e), JKB_ETOOBIG);
    assert_non_null(strstr(e.msg, "10 MB"));
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_page),
        cmocka_unit_test(shift_jis_page),
        cmocka_unit_test(euc_jp_page),
        cmocka_unit_test(meta_does_not_decode_twice),
        cmocka_unit_test(meta_prescan),
        cmocka_unit_test(main_content_choice),
        cmocka_unit_test(escaped_markup_is_text),
        cmocka_unit_test(entities),
        cmocka_unit_test(blocks_and_spaces),
        cmocka_unit_test(title_is_not_text),
        cmocka_unit_test(deep_nesting),
        cmocka_unit_test(huge_text_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
