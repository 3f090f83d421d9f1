/*
 * jkb_text_decode on plain text: every encoding it must read (fixtures made
 * by tests/unit/data/make-fixtures.sh from the *.utf8.txt sources), line
 * ends, and what it must refuse (binary data, bytes no encoding fits).
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

/* Decode fixture `enc` and compare it with fixture `utf8`, byte for byte. */
static void same_as(const char *enc, const char *utf8, const char *charset)
{
    size_t n, m;
    char *in = slurp(enc, &n), *want = slurp(utf8, &m);
    jkb_text t;
    jkb_err e;
    jkb_status st = jkb_text_decode(in, n, enc, NULL, JKB_FMT_AUTO, &t, &e);
    if (st != JKB_OK)
        fail_msg("%s: %s", enc, e.msg);
    assert_string_equal(t.charset, charset);
    assert_int_equal(t.format, JKB_FMT_TEXT);
    assert_int_equal(t.len, m);
    assert_memory_equal(t.text, want, m);
    assert_int_equal(t.text[t.len], '\0');
    jkb_text_free(&t);
    free(in);
    free(want);
}

/* Decode bytes expecting failure `code` with `msg_part` in the message. */
static void refused(const char *in, size_t n, jkb_status code, const char *msg_part)
{
    jkb_text t;
    jkb_err e;
    memset(&t, 0xaa, sizeof t);
    jkb_status st = jkb_text_decode(in, n, NULL, NULL, JKB_FMT_AUTO, &t, &e);
    if (st != code)
        fail_msg("status %d (%s), wanted %d", (int)st, e.msg, (int)code);
    assert_int_equal(e.code, code);
    if (!strstr(e.msg, msg_part))
        fail_msg("message \"%s\" lacks \"%s\"", e.msg, msg_part);
    /* A failed decode leaves nothing to free. */
    assert_null(t.text);
    assert_int_equal(t.len, 0);
}

static void utf8_plain(void **state)
{
    (void)state;
    same_as("notice.utf8.txt", "notice.utf8.txt", "UTF-8");
}

static void utf8_bom(void **state)
{
    (void)state;
    same_as("notice.bom.txt", "notice.utf8.txt", "UTF-8");
}

static void utf16(void **state)
{
    (void)state;
    same_as("notice.utf16le.txt", "notice.utf8.txt", "UTF-16LE");
    same_as("notice.utf16be.txt", "notice.utf8.txt", "UTF-16BE");
    /* Without a BOM, the NULs of its ASCII all on one side give it away. */
    same_as("notice.utf16le-nobom.txt", "notice.utf8.txt", "UTF-16LE");
}

static void shift_jis(void **state)
{
    (void)state;
    same_as("notice.sjis.txt", "notice.utf8.txt", "SHIFT_JIS");
}

static void euc_jp(void **state)
{
    (void)state;
    same_as("notice.eucjp.txt", "notice.utf8.txt", "EUC-JP");
}

static void iso_2022_jp(void **state)
{
    (void)state;
    same_as("notice.jis.txt", "notice.utf8.txt", "ISO-2022-JP");
}

static void cp932_extensions(void **state)
{
    (void)state;
    /* ①, ㈱, №, Ⅲ (NEC row 13), ⅱ, 髙, 﨑 (IBM): not in plain Shift_JIS. */
    same_as("cp932ext.cp932.txt", "cp932ext.utf8.txt", "SHIFT_JIS");
    same_as("cp932ext.eucjpms.txt", "cp932ext.utf8.txt", "EUC-JP");
    /* The same in Windows' ISO-2022-JP, with half-width kana. */
    same_as("cp50221.jis.txt", "cp50221.utf8.txt", "ISO-2022-JP");
}

static void line_ends(void **state)
{
    (void)state;
    same_as("notice.crlf.sjis.txt", "notice.utf8.txt", "SHIFT_JIS");
    same_as("notice.cr.txt", "notice.utf8.txt", "UTF-8");

    static const char in[] = "a\r\nb\rc\n\r\r\nd\r";
    jkb_text t;
    assert_int_equal(jkb_text_decode(in, sizeof in - 1, NULL, NULL, JKB_FMT_TEXT, &t, NULL), JKB_OK);
    assert_string_equal(t.text, "a\nb\nc\n\n\nd\n");
    jkb_text_free(&t);
}

static void nothing_else_changes(void **state)
{
    (void)state;
    /* No Unicode normalization: full-width digits, U+3000, a combining mark,
     * a tab and a form feed come out as they went in. */
    static const char in[] = "\xef\xbc\x91\xef\xbc\x92\xe3\x80\x80\x41\xcc\x8a\t\f\xe2\x91\xa0";
    jkb_text t;
    assert_int_equal(jkb_text_decode(in, sizeof in - 1, NULL, NULL, JKB_FMT_AUTO, &t, NULL), JKB_OK);
    assert_int_equal(t.len, sizeof in - 1);
    assert_memory_equal(t.text, in, sizeof in - 1);
    jkb_text_free(&t);
}

static void empty(void **state)
{
    (void)state;
    jkb_text t;
    jkb_err e;
    assert_int_equal(jkb_text_decode("", 0, NULL, NULL, JKB_FMT_AUTO, &t, &e), JKB_OK);
    assert_non_null(t.text);
    assert_int_equal(t.len, 0);
    assert_string_equal(t.text, "");
    jkb_text_free(&t);
    assert_int_equal(jkb_text_decode(NULL, 0, "x.html", NULL, JKB_FMT_AUTO, &t, &e), JKB_OK);
    assert_int_equal(t.len, 0);
    jkb_text_free(&t);
}

static void nul_bytes(void **state)
{
    (void)state;
    static const char in[] = "abcdefghijkl\0mnop";
    refused(in, sizeof in - 1, JKB_EFORMAT, "NUL byte at offset 12");
    jkb_err e;
    jkb_text t;
    assert_int_equal(jkb_text_decode(in, sizeof in - 1, NULL, NULL, JKB_FMT_AUTO, &t, &e), JKB_EFORMAT);
    assert_int_equal(e.offset, 12);
}

static void magic_numbers(void **state)
{
    (void)state;
    refused("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, JKB_EFORMAT, "PNG image");
    refused("PK\x03\x04\x14\0\0\0", 8, JKB_EFORMAT, "a ZIP archive, not a text notice");
    refused("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 15, JKB_EFORMAT, "not a readable PDF");
    refused("\x1f\x8b\x08\0", 4, JKB_EFORMAT, "gzip");
    refused("\x7f" "ELF\x02\x01\x01", 7, JKB_EFORMAT, "ELF");
    refused("\xff\xd8\xff\xe0", 4, JKB_EFORMAT, "JPEG");
    refused("GIF89a\x01\0", 8, JKB_EFORMAT, "GIF");

    jkb_text t;
    jkb_err e;
    assert_int_equal(jkb_text_decode("abc", 3, "x.pdf", NULL, JKB_FMT_PDF, &t, &e), JKB_EFORMAT);
    assert_non_null(strstr(e.msg, "not a readable PDF"));
}

static void random_bytes(void **state)
{
    (void)state;
    char buf[4096];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (char)(x >> 16);
    }
    refused(buf, sizeof buf, JKB_EFORMAT, "binary data");
    /* No NUL, but control bytes all over. */
    for (size_t i = 0; i < sizeof buf; i++)
        if (buf[i] == 0)
            buf[i] = 1;
    refused(buf, sizeof buf, JKB_EFORMAT, "control bytes");
}

static void few_controls_are_text(void **state)
{
    (void)state;
    /* One bell in 200 bytes is a typo, not binary data. */
    char buf[200];
    memset(buf, 'a', sizeof buf);
    buf[50] = '\a';
    jkb_text t;
    assert_int_equal(jkb_text_decode(buf, sizeof buf, NULL, NULL, JKB_FMT_AUTO, &t, NULL), JKB_OK);
    assert_int_equal(t.len, sizeof buf);
    jkb_text_free(&t);
    buf[60] = buf[70] = '\x01';
    refused(buf, sizeof buf, JKB_EFORMAT, "3 control bytes in the first 200 bytes");
}

static void wide_trouble(void **state)
{
    (void)state;
    /* A UTF-16 text holding U+0000 is binary; a lone surrogate is bad
     * UTF-16; half a code unit at the end is a torn character. */
    refused("\xff\xfe" "a\0b\0\0\0c\0", 10, JKB_EFORMAT, "NUL character at offset 6");
    refused("\xff\xfe\x00\xdc" "a\0", 6, JKB_EUTF8, "not valid UTF-16LE (bad sequence at byte 2)");
    jkb_text t;
    assert_int_equal(jkb_text_decode("\xfe\xff\0a\0", 5, NULL, NULL, JKB_FMT_AUTO, &t, NULL), JKB_OK);
    assert_string_equal(t.text, "a\xef\xbf\xbd");
    jkb_text_free(&t);
}

static void broken_utf8(void **state)
{
    (void)state;
    /* UTF-8 Japanese with one stray byte: no encoding fits, and Latin-1 or
     * CP932 mojibake would be worse than saying so. */
    size_t n;
    char *src = slurp("notice.utf8.txt", &n);
    char *in = malloc(n + 1);
    assert_non_null(in);
    memcpy(in, src, 100);
    in[100] = '\xff';
    memcpy(in + 101, src + 100, n - 100);
    jkb_text t;
    jkb_err e;
    assert_int_equal(jkb_text_decode(in, n + 1, NULL, NULL, JKB_FMT_AUTO, &t, &e), JKB_EUTF8);
    assert_int_equal(e.offset, 100);
    assert_string_equal(e.msg,
                        "not valid UTF-8 and no Japanese encoding fits (first bad byte at 100)");
    assert_null(t.text);
    /* With a BOM it claims to be UTF-8, so that is the only try. */
    char bom[] = "\xef\xbb\xbf\xe6\xa0\xaa\xff";
    assert_int_equal(jkb_text_decode(bom, sizeof bom - 1, NULL, NULL, JKB_FMT_AUTO, &t, &e), JKB_EUTF8);
    assert_int_equal(e.offset, 6);
    free(in);
    free(src);
}

static void truncated_at_end(void **state)
{
    (void)state;
    /* "株式" with the last byte of 式 cut off: U+FFFD marks the tear. */
    static const char in[] = "\xe6\xa0\xaa\xe5\xbc";
    jkb_text t;
    assert_int_equal(jkb_text_decode(in, sizeof in - 1, NULL, NULL, JKB_FMT_AUTO, &t, NULL), JKB_OK);
    assert_string_equal(t.text, "\xe6\xa0\xaa\xef\xbf\xbd");
    assert_string_equal(t.charset, "UTF-8");
    jkb_text_free(&t);

    /* The same for Shift_JIS cut after a lead byte. */
    size_t n, sn;
    char *sj = slurp("notice.sjis.txt", &sn);
    char *want = slurp("notice.utf8.txt", &n);
    /* The file ends in "す。\n": drop the newline and the trail byte of 。 */
    assert_int_equal(jkb_text_decode(sj, sn - 2, NULL, NULL, JKB_FMT_AUTO, &t, NULL), JKB_OK);
    assert_string_equal(t.charset, "SHIFT_JIS");
    assert_int_equal(t.len, n - 4 + 3);
    assert_memory_equal(t.text, want, n - 4);
    assert_memory_equal(t.text + n - 4, "\xef\xbf\xbd", 3);
    jkb_text_free(&t);
    free(sj);
    free(want);
}

/* JIS X 0213 has kana that are two characters (か゚ = U+304B U+309A).
 * glibc's SHIFT_JISX0213 decoder, stopped by E2BIG between the two, fills
 * every larger buffer it is then given without reading on: a fuzzer found
 * decoding grow its buffer to 2.5 GB. 42 half-width kana (3 bytes each)
 * put the pair exactly at the end of a buffer of 1.5 times the input plus
 * 64, the size decoding used to start with. The text is Shift_JISX0213
 * (CP932 has no 82 F5), decoded whole, with no runaway buffer. */
static void sjisx0213_pair_at_buffer_end(void **state)
{
    (void)state;
    char in[64], want[256];
    size_t n = 0, w = 0;
    for (int i = 0; i < 42; i++) {
        in[n++] = '\xb1';
        memcpy(want + w, "\xef\xbd\xb1", 3); /* ｱ */
        w += 3;
    }
    in[n++] = '\x82';
    in[n++] = '\xf5';
    memcpy(want + w, "\xe3\x81\x8b\xe3\x82\x9a", 6); /* か゚ */
    w += 6;
    in[n++] = 'a';
    want[w++] = 'a';
    jkb_text t;
    jkb_err err;
    assert_int_equal(jkb_text_decode(in, n, NULL, "Shift_JIS", JKB_FMT_TEXT, &t, &err), JKB_OK);
    assert_string_equal(t.charset, "SHIFT_JIS");
    assert_int_equal(t.len, w);
    assert_memory_equal(t.text, want, w);
    jkb_text_free(&t);
}

static void charset_hint(void **state)
{
    (void)state;
    /* A4 A2 A4 A4 is あい in EUC-JP and four half-width kana in CP932: the
     * declared charset decides. */
    static const char in[] = "\xa4\xa2\xa4\xa4";
    jkb_text t;
    assert_int_equal(jkb_text_decode(in, 4, NULL, "EUC-JP", JKB_FMT_AUTO, &t, NULL), JKB_OK);
    assert_string_equal(t.text, "あい");
    assert_string_equal(t.charset, "EUC-JP");
    jkb_text_free(&t);
    assert_int_equal(jkb_text_decode(in, 4, NULL, "text/plain; charset=\"Shift_JIS\"", JKB_FMT_AUTO,
                                     &t, NULL),
                     JKB_OK);
    assert_string_equal(t.text, "\xef\xbd\xa4\xef\xbd\xa2\xef\xbd\xa4\xef\xbd\xa4");
    assert_string_equal(t.charset, "SHIFT_JIS");
    jkb_text_free(&t);

    /* A hint that does not fit is passed over. */
    size_t n, m;
    char *sj = slurp("notice.sjis.txt", &n), *want = slurp("notice.utf8.txt", &m);
    assert_int_equal(jkb_text_decode(sj, n, NULL, "text/html; charset=UTF-8", JKB_FMT_AUTO, &t, NULL),
                     JKB_OK);
    assert_string_equal(t.charset, "SHIFT_JIS");
    assert_memory_equal(t.text, want, m);
    jkb_text_free(&t);
    /* A valid UTF-8 input is UTF-8 whatever the hint says. */
    assert_int_equal(jkb_text_decode(want, m, NULL, "Shift_JIS", JKB_FMT_AUTO, &t, NULL), JKB_OK);
    assert_string_equal(t.charset, "UTF-8");
    jkb_text_free(&t);
    /* A declared Latin-1 waits until the Japanese encodings had their try
     * (servers said ISO-8859-1 by default), then is used. */
    assert_int_equal(jkb_text_decode(sj, n, NULL, "text/html; charset=ISO-8859-1", JKB_FMT_AUTO,
                                     &t, NULL),
                     JKB_OK);
    assert_string_equal(t.charset, "SHIFT_JIS");
    jkb_text_free(&t);
    static const char latin[] = "caf\xe9 au lait, na\xefve r\xe9sum\xe9.";
    assert_int_equal(jkb_text_decode(latin, sizeof latin - 1, NULL, "ISO-8859-1", JKB_FMT_AUTO, &t,
                                     NULL),
                     JKB_OK);
    assert_string_equal(t.charset, "ISO-8859-1");
    assert_string_equal(t.text, "caf\xc3\xa9 au lait, na\xc3\xafve r\xc3\xa9sum\xc3\xa9.");
    jkb_text_free(&t);
    free(sj);
    free(want);
}

static void escape_in_utf8(void **state)
{
    (void)state;
    /* An ISO-2022-JP escape followed by what ISO-2022-JP cannot hold: the
     * input is UTF-8 after all. */
    static const char in[] = "\x1b$B\xe6\xa0\xaa";
    jkb_text t;
    assert_int_equal(jkb_text_decode(in, sizeof in - 1, NULL, NULL, JKB_FMT_AUTO, &t, NULL), JKB_OK);
    assert_string_equal(t.charset, "UTF-8");
    assert_int_equal(t.len, sizeof in - 1);
    jkb_text_free(&t);
}

static void format_choice(void **state)
{
    (void)state;
    static const char page[] = "  <!doctype HTML><title>t</title><p>本文</p>";
    jkb_text t;
    assert_int_equal(jkb_text_decode(page, sizeof page - 1, NULL, NULL, JKB_FMT_AUTO, &t, NULL), JKB_OK);
    assert_int_equal(t.format, JKB_FMT_HTML);
    assert_string_equal(t.text, "本文\n");
    jkb_text_free(&t);
    /* Asked for text, it stays text. So does a .txt file. */
    assert_int_equal(jkb_text_decode(page, sizeof page - 1, NULL, NULL, JKB_FMT_TEXT, &t, NULL), JKB_OK);
    assert_int_equal(t.format, JKB_FMT_TEXT);
    assert_string_equal(t.text, page);
    jkb_text_free(&t);
    assert_int_equal(jkb_text_decode(page, sizeof page - 1, "dir/a.TXT", NULL, JKB_FMT_AUTO, &t, NULL),
                     JKB_OK);
    assert_int_equal(t.format, JKB_FMT_TEXT);
    jkb_text_free(&t);
    /* A name or URL ending in .html makes HTML of anything. */
    static const char frag[] = "<b>太字</b> と &amp;";
    assert_int_equal(jkb_text_decode(frag, sizeof frag - 1, "https://example.jp/news/1.html?x=1#top",
                                     NULL, JKB_FMT_AUTO, &t, NULL),
                     JKB_OK);
    assert_int_equal(t.format, JKB_FMT_HTML);
    assert_string_equal(t.text, "太字 と &\n");
    jkb_text_free(&t);
    /* <body> or <article> in the first KiB. */
    static const char body[] = "<!-- saved page -->\n<meta charset=utf-8><BODY><p>x</p>";
    assert_int_equal(jkb_text_decode(body, sizeof body - 1, NULL, NULL, JKB_FMT_AUTO, &t, NULL), JKB_OK);
    assert_int_equal(t.format, JKB_FMT_HTML);
    jkb_text_free(&t);
    /* A notice that mentions HTML is still text. */
    static const char text[] = "メール本文に <b> タグが表示される不具合";
    assert_int_equal(jkb_text_decode(text, sizeof text - 1, NULL, NULL, JKB_FMT_AUTO, &t, NULL), JKB_OK);
    assert_int_equal(t.format, JKB_FMT_TEXT);
    jkb_text_free(&t);
}

static void long_line(void **state)
{
    (void)state;
    /* 50 MB without a line end. */
    size_t n = (size_t)50 * 1024 * 1024 / 3 * 3;
    char *in = malloc(n);
    assert_non_null(in);
    for (size_t i = 0; i < n; i += 3)
        memcpy(in + i, "\xe3\x81\x82", 3);
    jkb_text t;
    assert_int_equal(jkb_text_decode(in, n, NULL, NULL, JKB_FMT_AUTO, &t, NULL), JKB_OK);
    assert_int_equal(t.len, n);
    assert_memory_equal(t.text, in, n);
    jkb_text_free(&t);
    free(in);
}

static void misuse(void **state)
{
    (void)state;
    jkb_text t;
    jkb_err e;
    assert_int_equal(jkb_text_decode("a", 1, NULL, NULL, JKB_FMT_AUTO, NULL, &e), JKB_EINVAL);
    assert_int_equal(jkb_text_decode(NULL, 1, NULL, NULL, JKB_FMT_AUTO, &t, &e), JKB_EINVAL);
    assert_int_equal(jkb_text_decode("a", 1, NULL, NULL, (jkb_format)42, &t, &e), JKB_EINVAL);
    /* err is optional. */
    assert_int_equal(jkb_text_decode("\0", 1, NULL, NULL, JKB_FMT_AUTO, &t, NULL), JKB_EFORMAT);
    jkb_text_free(NULL);
    memset(&t, 0, sizeof t);
    jkb_text_free(&t);
    jkb_text_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_plain),
        cmocka_unit_test(utf8_bom),
        cmocka_unit_test(utf16),
        cmocka_unit_test(shift_jis),
        cmocka_unit_test(euc_jp),
        cmocka_unit_test(iso_2022_jp),
        cmocka_unit_test(cp932_extensions),
        cmocka_unit_test(line_ends),
        cmocka_unit_test(nothing_else_changes),
        cmocka_unit_test(empty),
        cmocka_unit_test(nul_bytes),
        cmocka_unit_test(magic_numbers),
        cmocka_unit_test(random_bytes),
        cmocka_unit_test(few_controls_are_text),
        cmocka_unit_test(wide_trouble),
        cmocka_unit_test(broken_utf8),
        cmocka_unit_test(truncated_at_end),
        cmocka_unit_test(charset_hint),
        cmocka_unit_test(sjisx0213_pair_at_buffer_end),
        cmocka_unit_test(escape_in_utf8),
        cmocka_unit_test(format_choice),
        cmocka_unit_test(long_line),
        cmocka_unit_test(misuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
