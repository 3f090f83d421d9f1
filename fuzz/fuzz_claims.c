/*
 * Fuzz target: leak-site claims (src/link/claims.c). jkb_claims_read over
 * the bytes in the format the option byte picks, then jkb_claims_from_record
 * over the bytes as a casebook record's JSON (up to a form feed; what follows
 * it is the notice's text). Checks that on failure err.code is the status and
 * the message is set; that every claim kept has a 16-hex-digit id, a victim
 * or a domain, UTF-8 strings and valid JSON; that the counts add up; and that
 * the claims written as NDJSON (the claims file beside a casebook) read back
 * as the same claims.
 *
 * option byte: bits 0-1 the format (auto, ransomwatch, list, ndjson), bit 2
 * a group for a list's claims, bit 3 a date for them.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "jikenbo/claims.h"

typedef struct outbuf {
    char *p;
    size_t n, cap;
} outbuf;

static int sink(const char *p, size_t n, void *ud)
{
    outbuf *o = ud;
    if (o->n + n + 1 > o->cap) {
        size_t cap = (o->n + n) * 2 + 256;
        char *q = realloc(o->p, cap);
        if (!q)
            return 1;
        o->p = q;
        o->cap = cap;
    }
    memcpy(o->p + o->n, p, n);
    o->n += n;
    return 0;
}

static void check_fail(jkb_status rc, const jkb_err *err)
{
    CHECK(err->code == rc);
    CHECK(err->msg[0] != '\0');
    CHECK(memchr(err->msg, 0, sizeof err->msg) != NULL);
}

static void check_str(const char *s, int may_be_null)
{
    if (!s) {
        CHECK(may_be_null);
        return;
    }
    size_t n = strlen(s);
    CHECK(fz_utf8_bad((const unsigned char *)s, n) == n);
}

static int same(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

/* Every claim well formed; then written out as the claims file is and read
 * back: the same claims, in the same order. */
static void check_set(const jkb_claims *c)
{
    outbuf out = {0};
    size_t n = jkb_claims_count(c);
    CHECK(jkb_claims_get(c, n) == NULL);
    for (size_t i = 0; i < n; i++) {
        const jkb_claim *cl = jkb_claims_get(c, i);
        CHECK(cl != NULL);
        CHECK(cl->id && strlen(cl->id) == 16);
        for (size_t k = 0; k < 16; k++)
            CHECK((cl->id[k] >= '0' && cl->id[k] <= '9') || (cl->id[k] >= 'a' && cl->id[k] <= 'f'));
        CHECK((cl->victim && *cl->victim) || (cl->domain && *cl->domain));
        check_str(cl->victim, 1);
        check_str(cl->victim_alt, 1);
        check_str(cl->domain, 1);
        check_str(cl->group, 1);
        check_str(cl->source, 1);
        check_str(cl->description, 1);
        check_str(cl->country, 1);
        size_t at = out.n;
        CHECK(jkb_claim_write_json(cl, sink, &out) == JKB_OK);
        if (!fz_json_valid(out.p + at, out.n - at)) {
            fprintf(stderr, "invalid JSON: %.*s\n", (int)(out.n - at), out.p + at);
            CHECK(!"a claim's JSON is valid");
        }
        CHECK(sink("\n", 1, &out) == 0);
    }
    jkb_claims *back = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    CHECK(jkb_claims_new(&back, &err) == JKB_OK);
    jkb_claims_read_opts o;
    memset(&o, 0, sizeof o);
    o.format = JKB_CLAIMS_NDJSON;
    size_t r = 0, a = 0;
    jkb_status rc = jkb_claims_read(back, out.p ? out.p : "", out.n, &o, &r, &a, &err);
    if (rc != JKB_OK)
        fprintf(stderr, "reading the claims back: %s: %s\n%.*s", jkb_status_name(rc), err.msg, (int)out.n, out.p);
    CHECK(rc == JKB_OK);
    if (jkb_claims_count(back) != n)
        fprintf(stderr, "%zu claims written, %zu read back:\n%.*s", n, jkb_claims_count(back), (int)out.n, out.p);
    CHECK(jkb_claims_count(back) == n);
    for (size_t i = 0; i < n; i++) {
        const jkb_claim *x = jkb_claims_get(c, i), *y = jkb_claims_get(back, i);
        if (!same(x->id, y->id) || !same(x->victim, y->victim) || !same(x->domain, y->domain) ||
            !same(x->group, y->group) || !same(x->victim_alt, y->victim_alt) || x->claimed.y != y->claimed.y ||
            x->claimed.m != y->claimed.m || x->claimed.d != y->claimed.d) {
            fprintf(stderr, "claim %zu changed on the way back:\n%.*s", i, (int)out.n, out.p);
            CHECK(!"a claim reads back as written");
        }
    }
    jkb_claims_free(back);
    free(out.p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned opt = data[0];
    const char *bytes = (const char *)data + 1;
    size_t len = size - 1;
    static const jkb_claims_format fmts[4] = {JKB_CLAIMS_AUTO, JKB_CLAIMS_RANSOMWATCH, JKB_CLAIMS_LIST,
                                              JKB_CLAIMS_NDJSON};
    jkb_claims *c = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    CHECK(jkb_claims_new(&c, &err) == JKB_OK);

    jkb_claims_read_opts o;
    memset(&o, 0, sizeof o);
    o.format = fmts[opt & 3];
    o.source = "fuzz";
    if (opt & 4)
        o.group = "LockBit 3.0";
    if (opt & 8)
        o.claimed = (jkb_date){2024, 5, 0};
    size_t r = 99, a = 99;
    jkb_status rc = jkb_claims_read(c, bytes, len, &o, &r, &a, &err);
    CHECK(a <= r);
    if (rc != JKB_OK) {
        check_fail(rc, &err);
    } else {
        CHECK(jkb_claims_count(c) == a);
        check_set(c);
    }
    jkb_claims_free(c);

    /* the record, up to a form feed; the notice's text after it */
    const char *ff = memchr(bytes, '\f', len);
    size_t jlen = ff ? (size_t)(ff - bytes) : len;
    const char *text = ff ? ff + 1 : NULL;
    size_t tlen = ff ? len - jlen - 1 : 0;
    CHECK(jkb_claims_new(&c, &err) == JKB_OK);
    memset(&err, 0, sizeof err);
    r = a = 99;
    rc = jkb_claims_from_record(c, bytes, jlen, text, tlen, "casebook:1", &r, &a, &err);
    CHECK(a <= r);
    if (rc != JKB_OK) {
        check_fail(rc, &err);
    } else {
        CHECK(jkb_claims_count(c) == a);
        check_set(c);
    }
    jkb_claims_free(c);
    return 0;
}
