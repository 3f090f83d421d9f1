/*
 * Fuzz target: the STIX and MISP exports (src/export). The bytes are one
 * record's JSON, added with jkb_export_add (twice: the second is the same
 * notice and is dropped) and written by jkb_export_finish. Checks that a
 * refused record fails with err.code the status and a message and leaves the
 * exporter usable; that the export is one valid JSON value in UTF-8 ending in
 * a newline; and that exporting the same notice again gives the same bytes.
 *
 * option byte: bit 0 the format (STIX, MISP), bit 1 pretty, bit 2 no STIX
 * extension definitions, bit 3 a fallback date, bits 4-5 the MISP
 * distribution, bit 6 a notice key, bit 7 an incident key and a source.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "jikenbo/export.h"

typedef struct outbuf {
    char *p;
    size_t n, cap;
} outbuf;

static int sink(const char *p, size_t n, void *ud)
{
    outbuf *o = ud;
    if (o->n + n > o->cap) {
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

/* One export of the record; *out gets the bytes. Returns the status of
 * jkb_export_add. */
static jkb_status run(unsigned opt, const char *json, size_t len, outbuf *out)
{
    jkb_export_opts o;
    memset(&o, 0, sizeof o);
    o.flags = ((opt & 2) ? JKB_EXPORT_PRETTY : 0) | ((opt & 4) ? JKB_EXPORT_NO_EXTDEFS : 0);
    o.fallback_date = (opt & 8) ? "2024-02-29" : NULL;
    o.misp_distribution = (int)((opt >> 4) & 3);
    jkb_export_format fmt = (opt & 1) ? JKB_EXPORT_MISP : JKB_EXPORT_STIX;
    jkb_exporter *x = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    CHECK(jkb_export_new(fmt, &o, &x, &err) == JKB_OK);
    jkb_export_item it;
    memset(&it, 0, sizeof it);
    it.record_json = json;
    it.len = len;
    it.notice_key = (opt & 0x40) ? "sha256:0123456789abcdef" : NULL;
    it.incident_key = (opt & 0x80) ? "incident-1" : NULL;
    it.source = (opt & 0x80) ? "/home/someone/notices/2024-001.html" : NULL;
    jkb_status rc = jkb_export_add(x, &it, &err);
    if (rc != JKB_OK) {
        check_fail(rc, &err);
        CHECK(jkb_export_count(x) == 0);
    } else {
        CHECK(jkb_export_count(x) == 1);
        /* the same notice again is dropped */
        CHECK(jkb_export_add(x, &it, &err) == JKB_OK);
        CHECK(jkb_export_count(x) == 1);
    }
    /* refused or not, the exporter still writes (an empty bundle) */
    memset(&err, 0, sizeof err);
    jkb_status fr = jkb_export_finish(x, sink, out, &err);
    if (fr != JKB_OK)
        fprintf(stderr, "finish: %s: %s\n", jkb_status_name(fr), err.msg);
    CHECK(fr == JKB_OK);
    CHECK(out->n > 0 && out->p[out->n - 1] == '\n');
    if (!fz_json_valid(out->p, out->n)) {
        fprintf(stderr, "invalid export:\n%.*s\n", (int)(out->n > 4000 ? 4000 : out->n), out->p);
        CHECK(!"the export is valid JSON");
    }
    /* finish is called once */
    outbuf again = {0};
    memset(&err, 0, sizeof err);
    fr = jkb_export_finish(x, sink, &again, &err);
    CHECK(fr == JKB_EINVAL);
    check_fail(fr, &err);
    free(again.p);
    jkb_export_free(x);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned opt = data[0];
    const char *json = (const char *)data + 1;
    size_t len = size - 1;
    outbuf a = {0}, b = {0};
    jkb_status rc = run(opt, json, len, &a);
    if (rc == JKB_OK) {
        /* output depends on the notices only */
        CHECK(run(opt, json, len, &b) == JKB_OK);
        CHECK(a.n == b.n && memcmp(a.p, b.p, a.n) == 0);
    }
    free(a.p);
    free(b.p);
    return 0;
}
