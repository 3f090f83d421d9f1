/*
 * Fuzz target: the date grammar (jkb_date_parse) tried at every position of
 * the input, the way the extractor does, with one context carried along.
 * Checks the hit lies where the parser says and inside the input, and that
 * resolved dates are calendar dates.
 *
 * option byte: bit 0 normalize the text first (jkb_norm_run), bits 1-2 the
 * reference date, bit 3 a fresh context at every position, bit 4 NULL ctx.
 */
#include <string.h>

#include "date.h"
#include "fuzz.h"
#include "norm.h"

static void check_date(jkb_date d)
{
    CHECK(d.m >= 0 && d.m <= 12);
    CHECK(d.d >= 0 && d.d <= 31);
    if (d.y && d.m && d.d)
        CHECK(jkb_date_valid(d.y, d.m, d.d));
}

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
    static const jkb_date refs[4] = {{0, 0, 0}, {2024, 5, 10}, {2019, 4, 30}, {1989, 1, 7}};
    jkb_date_ctx ctx0;
    memset(&ctx0, 0, sizeof ctx0);
    ctx0.ref = refs[(opt >> 1) & 3];
    jkb_date_ctx ctx = ctx0;
    for (size_t pos = 0; pos <= len; pos++) {
        if (opt & 8)
            ctx = ctx0;
        jkb_date_hit h;
        memset(&h, 0xA5, sizeof h);
        jkb_date_ctx before = ctx;
        size_t used = jkb_date_parse(s, len, pos, (opt & 16) ? NULL : &ctx, &h);
        if (!used) {
            CHECK(memcmp(&before, &ctx, sizeof ctx) == 0);
            continue;
        }
        CHECK(pos < len);
        CHECK(used <= len - pos);
        CHECK(h.start == pos);
        CHECK(h.end == pos + used);
        CHECK(h.hour >= -1 && h.hour <= 48);
        CHECK(h.minute >= -1 && h.minute <= 59);
        check_date(h.date);
        if (h.flags & JKB_DATE_RANGE)
            check_date(h.end_date);
        CHECK(jkb_date_cmp(h.date, h.date) == 0);
        if (h.date.y && h.date.m && h.date.d)
            CHECK(jkb_date_cmp(jkb_date_from_days(jkb_date_days(h.date)), h.date) == 0);
    }
out:
    jkb_norm_free(&nm);
    return 0;
}
