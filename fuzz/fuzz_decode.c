/*
 * Fuzz target: ingest (jkb_text_decode) as text, as HTML and by guess. Checks
 * that on success the text is NUL-terminated UTF-8 without CR (and, for valid
 * UTF-8 read as text, the input itself less its BOM and with CRLF/CR as LF),
 * and that on failure the output is zeroed and the error has a message.
 *
 * option byte: bits 0-1 the file name (none, .html, .txt, .xml), bits 2-4
 * the charset hint (none, Shift_JIS, EUC-JP, ISO-2022-JP, UTF-16, a bogus
 * one, utf-8, none).
 */
#include <string.h>

#include "fuzz.h"
#include "jikenbo/ingest.h"

static void one(const char *bytes, size_t len, const char *name, const char *hint, jkb_format fmt)
{
    jkb_text t;
    memset(&t, 0x5A, sizeof t);
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_status rc = jkb_text_decode(bytes, len, name, hint, fmt, &t, &err);
    if (rc != JKB_OK) {
        CHECK(t.text == NULL && t.len == 0);
        CHECK(err.code == rc);
        CHECK(err.msg[0] != '\0');
        CHECK(memchr(err.msg, 0, sizeof err.msg) != NULL);
        jkb_text_free(&t);
        return;
    }
    CHECK(t.text != NULL);
    CHECK(t.text[t.len] == '\0');
    size_t bad = fz_utf8_bad((const unsigned char *)t.text, t.len);
    if (bad != t.len) {
        fprintf(stderr, "invalid UTF-8 at %zu of %zu (format %d, charset %s)\n", bad, t.len, (int)fmt, t.charset);
        CHECK(!"the decoded text is valid UTF-8");
    }
    CHECK(memchr(t.charset, 0, sizeof t.charset) != NULL);
    CHECK(t.format == JKB_FMT_TEXT || t.format == JKB_FMT_HTML || t.format == JKB_FMT_PDF);
    if (fmt != JKB_FMT_AUTO)
        CHECK(t.format == fmt);
    if (t.format == JKB_FMT_TEXT)
        CHECK(memchr(t.text, '\r', t.len) == NULL);
    /* valid UTF-8 read as text: only the BOM goes and CRLF/CR become LF */
    if (t.format == JKB_FMT_TEXT && fz_utf8_bad((const unsigned char *)bytes, len) == len &&
        strcmp(t.charset, "UTF-8") == 0) {
        size_t i = len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0, o = 0;
        for (; i < len; i++) {
            char c = bytes[i];
            if (c == '\r') {
                if (i + 1 < len && bytes[i + 1] == '\n')
                    continue;
                c = '\n';
            }
            if (o >= t.len || t.text[o] != c) {
                fprintf(stderr, "decoded UTF-8 text differs from the input at input %zu, output %zu\n", i, o);
                CHECK(!"UTF-8 text is kept as it is");
            }
            o++;
        }
        CHECK(o == t.len);
    }
    jkb_text_free(&t);
    jkb_text_free(&t); /* NULL-safe twice */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char *names[4] = {NULL, "notice.html", "notice.txt", "feed.xml"};
    static const char *hints[8] = {NULL, "Shift_JIS", "EUC-JP", "ISO-2022-JP", "UTF-16", "x-bogus-42", "utf-8", NULL};
    unsigned opt = data[0];
    const char *bytes = (const char *)data + 1;
    size_t len = size - 1;
    const char *name = names[opt & 3];
    const char *hint = hints[(opt >> 2) & 7];
    one(bytes, len, name, hint, JKB_FMT_AUTO);
    one(bytes, len, name, hint, JKB_FMT_TEXT);
    one(bytes, len, name, hint, JKB_FMT_HTML);
    return 0;
}
