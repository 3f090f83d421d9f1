/*
 * Fuzz target: feeds (jkb_feed_sniff, jkb_feed_parse). Checks that sniffing
 * looks at the first KiB only, that on success there are at most max_items
 * items (truncated only when full), that titles, links and dates are single
 * squeezed lines of UTF-8 and that each item's text is NUL-terminated UTF-8
 * starting with its title; on failure the feed is zeroed and the error has a
 * message.
 *
 * option byte: bits 0-1 max_items - 1 (1 to 4), bit 2 max_items 0 (the
 * default cap) instead.
 */
#include <string.h>

#include "fuzz.h"
#include "jikenbo/ingest.h"

/* NULL, or a non-empty line: UTF-8, no blank at either end, no line break. */
static void check_line(const char *s)
{
    if (!s)
        return;
    size_t n = strlen(s);
    CHECK(n > 0);
    CHECK(fz_utf8_bad((const unsigned char *)s, n) == n);
    CHECK(s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' && s[n - 1] != '\t');
    CHECK(strchr(s, '\n') == NULL && strchr(s, '\r') == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned opt = data[0];
    const char *bytes = (const char *)data + 1;
    size_t len = size - 1;
    size_t max_items = (opt & 4) ? 0 : (size_t)(opt & 3) + 1;

    int sniff = jkb_feed_sniff(bytes, len);
    CHECK(sniff == 0 || sniff == 1);
    /* only the first KiB counts */
    CHECK(sniff == jkb_feed_sniff(bytes, len < 1024 ? len : 1024));

    jkb_feed f;
    memset(&f, 0x5A, sizeof f);
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_status rc = jkb_feed_parse(bytes, len, max_items, &f, &err);
    if (rc != JKB_OK) {
        CHECK(f.items == NULL && f.n == 0 && f.title == NULL && f.truncated == 0);
        CHECK(err.code == rc);
        CHECK(err.msg[0] != '\0');
        CHECK(memchr(err.msg, 0, sizeof err.msg) != NULL);
        CHECK(err.offset <= len);
        jkb_feed_free(&f);
        return 0;
    }
    CHECK(err.code == JKB_OK);
    if (max_items)
        CHECK(f.n <= max_items);
    CHECK(f.truncated == 0 || f.truncated == 1);
    if (f.truncated)
        CHECK(f.n == max_items);
    CHECK(f.n == 0 || f.items != NULL);
    check_line(f.title);
    for (size_t i = 0; i < f.n; i++) {
        const jkb_feed_item *it = &f.items[i];
        check_line(it->title);
        check_line(it->link);
        check_line(it->published);
        CHECK(it->text != NULL);
        CHECK(it->text[it->text_len] == '\0');
        CHECK(strlen(it->text) == it->text_len);
        size_t bad = fz_utf8_bad((const unsigned char *)it->text, it->text_len);
        if (bad != it->text_len) {
            fprintf(stderr, "item %zu: invalid UTF-8 at %zu of %zu\n", i, bad, it->text_len);
            CHECK(!"an item's text is valid UTF-8");
        }
        /* the extractor takes the first line for the title */
        if (it->title) {
            const char *t = it->text;
            while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
                t++;
            CHECK(strncmp(t, it->title, strlen(it->title)) == 0);
        }
    }
    jkb_feed_free(&f);
    CHECK(f.items == NULL && f.n == 0 && f.title == NULL);
    jkb_feed_free(&f); /* twice: harmless */
    jkb_feed_free(NULL);
    return 0;
}
