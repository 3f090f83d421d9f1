/*
 * jkb_text_decode on PDF (poppler-glib): a Japanese notice whose paragraphs
 * wrap mid-word, an English one, pages in order, and what it must refuse
 * (a ZIP named .pdf, a cut-off file, an encrypted one, too many pages, too
 * much text). Fixtures: tests/unit/data/make-pdf.sh; small PDFs made here.
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

/* ---- a small PDF writer: n pages, each with "page N" in Helvetica ---- */

struct pdfw {
    char *p;
    size_t len, cap;
    size_t *off;
};

static void pw_put(struct pdfw *w, const char *s, size_t n)
{
    if (w->len + n + 1 > w->cap) {
        while (w->len + n + 1 > w->cap)
            w->cap = w->cap ? w->cap * 2 : 65536;
        w->p = realloc(w->p, w->cap);
        assert_non_null(w->p);
    }
    memcpy(w->p + w->len, s, n);
    w->len += n;
}

static void pw_obj(struct pdfw *w, size_t num, const char *body)
{
    char head[64];
    w->off[num] = w->len;
    int k = snprintf(head, sizeof head, "%zu 0 obj\n", num);
    pw_put(w, head, (size_t)k);
    pw_put(w, body, strlen(body));
    pw_put(w, "\nendobj\n", 8);
}

/* Objects: 1 catalog, 2 page tree, 3 font, then per page a page and its
 * content stream. with_text 0 leaves every page empty. */
static char *make_pdf(size_t pages, int with_text, size_t *len)
{
    struct pdfw w = {0};
    size_t n_obj = 3 + 2 * pages, i;
    char body[256];
    w.off = calloc(n_obj + 1, sizeof *w.off);
    assert_non_null(w.off);
    pw_put(&w, "%PDF-1.4\n", 9);
    pw_obj(&w, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    /* The Kids array of the page tree is written piece by piece. */
    w.off[2] = w.len;
    pw_put(&w, "2 0 obj\n<< /Type /Pages /Kids [", 31);
    for (i = 0; i < pages; i++) {
        int k = snprintf(body, sizeof body, "%zu 0 R ", 4 + 2 * i);
        pw_put(&w, body, (size_t)k);
    }
    int k = snprintf(body, sizeof body, "] /Count %zu >>\nendobj\n", pages);
    pw_put(&w, body, (size_t)k);
    pw_obj(&w, 3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    for (i = 0; i < pages; i++) {
        char content[128];
        int c = with_text ? snprintf(content, sizeof content, "BT /F1 12 Tf 72 720 Td (page %zu) Tj ET", i + 1)
                          : snprintf(content, sizeof content, "%% nothing");
        snprintf(body, sizeof body,
                 "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %zu 0 R"
                 " /Resources << /Font << /F1 3 0 R >> >> >>",
                 5 + 2 * i);
        pw_obj(&w, 4 + 2 * i, body);
        char stream[256];
        snprintf(stream, sizeof stream, "<< /Length %d >>\nstream\n%s\nendstream", c, content);
        pw_obj(&w, 5 + 2 * i, stream);
    }
    size_t xref = w.len;
    k = snprintf(body, sizeof body, "xref\n0 %zu\n0000000000 65535 f \n", n_obj + 1);
    pw_put(&w, body, (size_t)k);
    for (i = 1; i <= n_obj; i++) {
        k = snprintf(body, sizeof body, "%010zu 00000 n \n", w.off[i]);
        pw_put(&w, body, (size_t)k);
    }
    k = snprintf(body, sizeof body, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                 n_obj + 1, xref);
    pw_put(&w, body, (size_t)k);
    free(w.off);
    *len = w.len;
    return w.p;
}

/* ---- checks ---- */

static int valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
        if (!k || i + k > n)
            return 0;
        for (size_t j = 1; j < k; j++)
            if ((s[i + j] & 0xc0) != 0x80)
                return 0;
        i += k;
    }
    return 1;
}

/* Decode fixture `pdf` (under `name`, format fmt) and compare with `want`. */
static void reads_as(const char *pdf, const char *name, jkb_format fmt, const char *want_file)
{
    size_t n, m;
    char *in = slurp(pdf, &n), *want = slurp(want_file, &m);
    jkb_text t;
    jkb_err e;
    jkb_status st = jkb_text_decode(in, n, name, NULL, fmt, &t, &e);
    if (st != JKB_OK)
        fail_msg("%s: %s", pdf, e.msg);
    assert_int_equal(t.format, JKB_FMT_PDF);
    assert_string_equal(t.charset, "PDF");
    if (t.len != m || memcmp(t.text, want, m) != 0)
        fail_msg("%s reads as\n[%s]\nwanted\n[%.*s]", pdf, t.text, (int)m, want);
    assert_int_equal(t.text[t.len], '\0');
    assert_true(valid_utf8((const unsigned char *)t.text, t.len));
    assert_null(memchr(t.text, '\r', t.len));
    jkb_text_free(&t);
    jkb_text_free(&t);
    free(in);
    free(want);
}

static void refused(const char *in, size_t n, const char *name, jkb_format fmt, jkb_status code,
                    const char *msg_part)
{
    jkb_text t;
    jkb_err e;
    memset(&t, 0xaa, sizeof t);
    jkb_status st = jkb_text_decode(in, n, name, NULL, fmt, &t, &e);
    if (st != code)
        fail_msg("status %d (%s), wanted %d", (int)st, e.msg, (int)code);
    assert_int_equal(e.code, code);
    if (!strstr(e.msg, msg_part))
        fail_msg("message \"%s\" lacks \"%s\"", e.msg, msg_part);
    assert_null(t.text);
    assert_int_equal(t.len, 0);
}

static void refused_file(const char *file, const char *name, jkb_format fmt, jkb_status code,
                         const char *msg_part)
{
    size_t n;
    char *in = slurp(file, &n);
    refused(in, n, name, fmt, code, msg_part);
    free(in);
}

/* ---- tests ---- */

static void japanese(void **state)
{
    (void)state;
    /* By its bytes, by its name, and on the caller's word. */
    reads_as("notice-ja.pdf", NULL, JKB_FMT_AUTO, "notice-ja.expected.txt");
    reads_as("notice-ja.pdf", "https://example.org/news/notice.PDF?x=1", JKB_FMT_AUTO,
             "notice-ja.expected.txt");
    reads_as("notice-ja.pdf", "notice.txt", JKB_FMT_PDF, "notice-ja.expected.txt");
}

static void english(void **state)
{
    (void)state;
    /* Latin lines are never joined: a wrapped English line keeps its break. */
    reads_as("notice-en.pdf", "notice.pdf", JKB_FMT_AUTO, "notice-en.expected.txt");
}

static void pages_in_order(void **state)
{
    (void)state;
    size_t n;
    char *pdf = make_pdf(3, 1, &n);
    jkb_text t;
    jkb_err e;
    assert_int_equal(jkb_text_decode(pdf, n, NULL, NULL, JKB_FMT_AUTO, &t, &e), JKB_OK);
    assert_string_equal(t.text, "page 1\n\npage 2\n\npage 3\n");
    assert_int_equal(t.len, strlen("page 1\n\npage 2\n\npage 3\n"));
    jkb_text_free(&t);
    free(pdf);
}

static void not_readable(void **state)
{
    (void)state;
    /* A ZIP archive named .pdf: poppler's word, not the ZIP sniffer's. */
    refused_file("notice-fake.pdf", "notice-fake.pdf", JKB_FMT_AUTO, JKB_EFORMAT,
                 "not a readable PDF: ");
    /* Without the name it is only a ZIP archive. */
    refused_file("notice-fake.pdf", NULL, JKB_FMT_AUTO, JKB_EFORMAT, "a ZIP archive");
    refused_file("notice-truncated.pdf", "notice-truncated.pdf", JKB_FMT_AUTO, JKB_EFORMAT,
                 "not a readable PDF: ");
    refused_file("notice-encrypted.pdf", NULL, JKB_FMT_AUTO, JKB_EFORMAT,
                 "not a readable PDF: Document is encrypted");
    refused("", 0, NULL, JKB_FMT_PDF, JKB_EFORMAT, "not a readable PDF: ");
    refused("%PDF-1.7\n", 9, NULL, JKB_FMT_AUTO, JKB_EFORMAT, "not a readable PDF: ");
}

static void pdf_as_text(void **state)
{
    (void)state;
    /* The caller says text or HTML: a PDF is refused, not read as bytes. */
    refused_file("notice-ja.pdf", NULL, JKB_FMT_TEXT, JKB_EFORMAT, "a PDF document, not text");
    refused_file("notice-ja.pdf", NULL, JKB_FMT_HTML, JKB_EFORMAT, "a PDF document, not text");
}

static void no_text(void **state)
{
    (void)state;
    size_t n;
    char *pdf = make_pdf(2, 0, &n);
    refused(pdf, n, NULL, JKB_FMT_AUTO, JKB_EFORMAT, "a PDF of 2 pages without text");
    free(pdf);
}

static void too_many_pages(void **state)
{
    (void)state;
    size_t n;
    char *pdf = make_pdf(2001, 1, &n);
    refused(pdf, n, NULL, JKB_FMT_AUTO, JKB_ETOOBIG, "a PDF of 2001 pages, more than 2000");
    free(pdf);
    /* 2,000 is still read. */
    pdf = make_pdf(2000, 1, &n);
    jkb_text t;
    jkb_err e;
    assert_int_equal(jkb_text_decode(pdf, n, NULL, NULL, JKB_FMT_AUTO, &t, &e), JKB_OK);
    assert_non_null(strstr(t.text, "page 2000\n"));
    jkb_text_free(&t);
    free(pdf);
}

static void text_cap(void **state)
{
    (void)state;
    size_t n, m;
    char *in = slurp("notice-ja.pdf", &n), *want = slurp("notice-ja.expected.txt", &m);
    jkb_text t;
    jkb_err e;
    assert_int_equal(jkb_text_decode_capped(in, n, NULL, NULL, JKB_FMT_AUTO, m, &t, &e), JKB_OK);
    assert_int_equal(t.len, m);
    jkb_text_free(&t);
    assert_int_equal(jkb_text_decode_capped(in, n, NULL, NULL, JKB_FMT_AUTO, m - 1, &t, &e),
                     JKB_ETOOBIG);
    assert_null(t.text);
    assert_non_null(strstr(e.msg, "PDF text larger than"));
    assert_int_equal(jkb_text_decode_capped(in, n, NULL, NULL, JKB_FMT_AUTO, 100, &t, &e),
                     JKB_ETOOBIG);
    assert_non_null(strstr(e.msg, "at page 1 of 2"));
    /* The cap holds for text too, when the caller gives one. */
    assert_int_equal(jkb_text_decode_capped(want, m, NULL, NULL, JKB_FMT_TEXT, m - 1, &t, &e),
                     JKB_ETOOBIG);
    assert_int_equal(jkb_text_decode_capped(want, m, NULL, NULL, JKB_FMT_TEXT, m, &t, &e), JKB_OK);
    jkb_text_free(&t);
    free(in);
    free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(japanese),
        cmocka_unit_test(english),
        cmocka_unit_test(pages_in_order),
        cmocka_unit_test(not_readable),
        cmocka_unit_test(pdf_as_text),
        cmocka_unit_test(no_text),
        cmocka_unit_test(too_many_pages),
        cmocka_unit_test(text_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
