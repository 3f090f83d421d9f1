/*
 * Fuzz target: PDF (jkb_text_decode through poppler-glib, src/ingest/pdf.c).
 * The input is the PDF itself, so that the seeds stay real PDFs. Checks that
 * on success the text is NUL-terminated UTF-8 ending in a line feed, without
 * CR or control characters other than tab and line feed, under the cap when
 * one is given; on failure the output is zeroed and the error has a message.
 *
 * Which call is made depends on len % 4 (no option byte: a PDF's first bytes
 * matter): 0 JKB_FMT_PDF, 1 JKB_FMT_AUTO with a .pdf name, 2 JKB_FMT_AUTO with
 * no name (sniffed by "%PDF-"), 3 JKB_FMT_PDF capped at 200 bytes of text.
 */
#include <string.h>

#include "fuzz.h"
#include "jikenbo/ingest.h"

/* poppler is not instrumented and its work grows with the input: larger
 * inputs only slow the search down. */
#define MAX_INPUT ((size_t)64 * 1024)
#define SMALL_CAP ((size_t)200)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        return 0;
    const char *bytes = (const char *)data;
    jkb_text t;
    memset(&t, 0x5A, sizeof t);
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_status rc;
    size_t cap = 0;
    switch (size % 4) {
    case 0:
        rc = jkb_text_decode(bytes, size, NULL, NULL, JKB_FMT_PDF, &t, &err);
        break;
    case 1:
        rc = jkb_text_decode(bytes, size, "notice.pdf", NULL, JKB_FMT_AUTO, &t, &err);
        break;
    case 2:
        rc = jkb_text_decode(bytes, size, NULL, NULL, JKB_FMT_AUTO, &t, &err);
        break;
    default:
        cap = SMALL_CAP;
        rc = jkb_text_decode_capped(bytes, size, NULL, NULL, JKB_FMT_PDF, cap, &t, &err);
        break;
    }
    if (rc != JKB_OK) {
        CHECK(t.text == NULL && t.len == 0);
        CHECK(err.code == rc);
        CHECK(err.msg[0] != '\0');
        CHECK(memchr(err.msg, 0, sizeof err.msg) != NULL);
        jkb_text_free(&t);
        return 0;
    }
    CHECK(t.text != NULL);
    CHECK(t.text[t.len] == '\0');
    size_t bad = fz_utf8_bad((const unsigned char *)t.text, t.len);
    if (bad != t.len) {
        fprintf(stderr, "invalid UTF-8 at %zu of %zu (format %d, charset %s)\n", bad, t.len, (int)t.format,
                t.charset);
        CHECK(!"the decoded text is valid UTF-8");
    }
    CHECK(memchr(t.charset, 0, sizeof t.charset) != NULL);
    if (cap)
        CHECK(t.len <= cap);
    if (t.format == JKB_FMT_PDF) {
        CHECK(strcmp(t.charset, "PDF") == 0);
        CHECK(t.len > 0 && t.text[t.len - 1] == '\n');
        for (size_t i = 0; i < t.len; i++) {
            unsigned char c = (unsigned char)t.text[i];
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
                fprintf(stderr, "control character 0x%02x at %zu of %zu\n", c, i, t.len);
                CHECK(!"PDF text has no control characters");
            }
        }
    } else {
        /* only the sniffing call reads a non-PDF as something else */
        CHECK(size % 4 == 2);
        CHECK(size < 5 || memcmp(bytes, "%PDF-", 5) != 0);
    }
    jkb_text_free(&t);
    jkb_text_free(&t);
    return 0;
}
