/*
 * Fuzz target: the number and count grammars (jkb_number_parse,
 * jkb_count_parse) tried at every position of the input. Checks that what
 * they consume lies inside the input and inside the bound they promise.
 *
 * option byte: bit 0 normalize the text first (jkb_norm_run).
 */
#include <string.h>

#include "fuzz.h"
#include "norm.h"
#include "number.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned opt = data[0];
    const char *s = (const char *)data + 1;
    size_t len = size - 1;
    jkb_norm nm;
    jkb_norm_init(&nm);
    if (opt & 1) {
        if (jkb_norm_run(&nm, s, 0, len) != JKB_OK)
            goto out;
        s = nm.s;
        len = nm.len;
    }
    for (size_t pos = 0; pos <= len; pos++) {
        int64_t v = -12345;
        size_t used = jkb_number_parse(s, len, pos, &v);
        if (used) {
            CHECK(pos < len);
            CHECK(used <= len - pos);
            CHECK(used <= JKB_NUMBER_MAX_BYTES);
            CHECK(v >= 0);
        }
        jkb_count c;
        memset(&c, 0xA5, sizeof c);
        used = jkb_count_parse(s, len, pos, &c);
        if (used) {
            CHECK(pos < len);
            CHECK(used <= len - pos);
            CHECK(c.start == pos);
            CHECK(c.end == pos + used);
            CHECK(c.num_start >= c.start && c.num_start < c.end);
            CHECK(c.value >= 0);
            CHECK(c.unit >= JKB_UNIT_NONE && c.unit <= JKB_UNIT_OTHER);
            CHECK(c.qual >= JKB_CQ_EXACT && c.qual <= JKB_CQ_LOWER);
            /* the number inside the phrase reads the same on its own */
            int64_t v2 = -1;
            size_t n2 = jkb_number_parse(s, len, c.num_start, &v2);
            CHECK(n2 > 0 && c.num_start + n2 <= c.end);
        }
    }
out:
    jkb_norm_free(&nm);
    return 0;
}
