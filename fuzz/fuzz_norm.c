/*
 * Fuzz target: normalization (jkb_norm_run) and its offset map. Checks the
 * output is NUL-terminated UTF-8, that the map is monotonic and stays in the
 * range normalized, and that jkb_norm_span gives spans inside the document.
 *
 * option byte: bit 0 normalize a sub-range chosen by the next two bytes (at
 * any byte, not only character boundaries), bit 1 run twice on one jkb_norm
 * (buffer reuse, the second time on a different range).
 */
#include <string.h>

#include "fuzz.h"
#include "norm.h"

static void run_one(jkb_norm *nm, const char *doc, size_t len, size_t a, size_t b)
{
    jkb_status rc = jkb_norm_run(nm, doc, a, b);
    CHECK(rc == JKB_OK);
    CHECK(nm->s && nm->map);
    CHECK(nm->s[nm->len] == '\0');
    CHECK(fz_utf8_bad((const unsigned char *)nm->s, nm->len) == nm->len);
    CHECK(nm->map[nm->len] == b);
    for (size_t i = 0; i < nm->len; i++) {
        CHECK(nm->map[i] >= a && nm->map[i] < b);
        if (i)
            CHECK(nm->map[i - 1] <= nm->map[i]);
    }
    /* spans of a few ranges of the normalized text */
    size_t n = nm->len;
    size_t pts[6] = {0, n / 3, n / 2, (2 * n) / 3, n ? n - 1 : 0, n};
    for (int x = 0; x < 6; x++)
        for (int y = x; y < 6; y++) {
            jkb_span sp = jkb_norm_span(nm, doc, pts[x], pts[y]);
            CHECK(sp.start <= sp.end);
            CHECK(sp.start >= a);
            CHECK(sp.end <= len);
            if (sp.end > b) {
                fprintf(stderr, "span %u..%u of normalized %zu..%zu ends past the range %zu..%zu\n", sp.start, sp.end,
                        pts[x], pts[y], a, b);
                CHECK(sp.end <= b);
            }
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned opt = data[0];
    const char *doc = (const char *)data + 1;
    size_t len = size - 1;
    size_t a = 0, b = len;
    if ((opt & 1) && len >= 2) {
        a = (size_t)(unsigned char)doc[0] % (len + 1);
        b = (size_t)(unsigned char)doc[1] % (len + 1);
        if (a > b) {
            size_t t = a;
            a = b;
            b = t;
        }
    }
    jkb_norm nm;
    jkb_norm_init(&nm);
    run_one(&nm, doc, len, a, b);
    if (opt & 2) {
        run_one(&nm, doc, len, b / 2, len);
        run_one(&nm, doc, len, 0, 0);
    }
    jkb_norm_free(&nm);
    jkb_norm_free(&nm); /* NULL-safe twice */
    return 0;
}
