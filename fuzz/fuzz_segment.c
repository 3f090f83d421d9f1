/*
 * Fuzz target: notice segmentation (jkb_segment, and jkb_notices on top of
 * it). Checks the notices are ordered, non-empty, non-overlapping and inside
 * the input, and that both functions agree.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "segment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *doc = (const char *)data;
    jkb_vec v;
    jkb_vec_init(&v, sizeof(jkb_span));
    jkb_status rc = jkb_segment(doc, size, &v);
    CHECK(rc == JKB_OK);
    const jkb_span *sp = v.p;
    for (size_t i = 0; i < v.n; i++) {
        CHECK(sp[i].start < sp[i].end);
        CHECK(sp[i].end <= size);
        if (i)
            CHECK(sp[i - 1].end <= sp[i].start);
    }
    jkb_span *sp2 = NULL;
    size_t n2 = 0;
    jkb_err err;
    rc = jkb_notices(doc, size, &sp2, &n2, &err);
    CHECK(rc == JKB_OK);
    CHECK(n2 == v.n);
    if (n2)
        CHECK(memcmp(sp2, sp, n2 * sizeof *sp2) == 0);
    free(sp2);
    jkb_vec_free(&v);
    return 0;
}
