/*
 * Fuzz target: the whole extractor (jkb_extract / jkb_notices +
 * jkb_extract_spans) and the JSON writer. The first byte picks the options;
 * the rest is the document text. Checks that every span lies in the text,
 * that enum values are in range, that records come in order and that the JSON
 * of each record is valid JSON in UTF-8.
 *
 * option byte: bit 0 single notice, bit 1 jkb_notices + jkb_extract_spans,
 * bit 2 pretty JSON, bit 3 no evidence, bit 6 a cap below the input size,
 * bit 7 stop after the first record (JKB_ESTOP).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "jikenbo/jikenbo.h"

static jkb_engine *engine(void)
{
    static jkb_engine *eng;
    if (!eng) {
        jkb_err err;
        if (jkb_engine_new(&eng, &err) != JKB_OK || jkb_engine_compile(eng, &err) != JKB_OK) {
            fprintf(stderr, "fuzz_extract: engine: %s\n", err.msg);
            abort();
        }
    }
    return eng;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    engine();
    return 0;
}

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

typedef struct state {
    const char *text;
    size_t len;
    int flags;
    int stop;
    size_t next_index;
    uint32_t last_start;
    size_t records;
    outbuf out;
} state;

static void check_str(jkb_strv v)
{
    if (!v.s) {
        CHECK(v.len == 0);
        return;
    }
    CHECK(v.s[v.len] == '\0');
}

static void check_span(const state *st, jkb_span sp)
{
    CHECK(sp.start <= sp.end);
    CHECK(sp.end <= st->len);
}

static int on_record(const jkb_record *r, const char *text, void *ud)
{
    state *st = ud;
    CHECK(text == st->text);
    CHECK(r->index == st->next_index);
    st->next_index++;
    check_span(st, r->extent);
    CHECK(r->extent.start >= st->last_start);
    st->last_start = r->extent.start;
    check_str(r->case_id);
    check_str(r->title);
    check_str(r->org);
    CHECK(r->org_kind >= JKB_ORG_NONE && r->org_kind < JKB_ORG__COUNT);
    CHECK(r->report_no >= 0);
    CHECK(r->categories < (1u << JKB_CAT__COUNT));
    CHECK(r->data_classes < (1u << JKB_DATA__COUNT));
    CHECK(r->vectors < (1u << JKB_VEC__COUNT));
    CHECK(r->authorities < (1u << JKB_AUTH__COUNT));
    CHECK(r->measures < (1u << JKB_MEAS__COUNT));
    CHECK(r->affected_qualifier >= JKB_QUAL_NONE && r->affected_qualifier < JKB_QUAL__COUNT);
    CHECK(r->leak_status >= 0 && r->leak_status < JKB_LEAK__COUNT);
    CHECK(r->secondary_damage >= 0 && r->secondary_damage < JKB_SEC__COUNT);
    CHECK(r->n_actors == 0 || r->actors);
    for (size_t i = 0; i < r->n_actors; i++) {
        CHECK(r->actors[i].s);
        check_str(r->actors[i]);
    }
    for (size_t i = 0; i < r->n_cves; i++) {
        CHECK(r->cves[i].s);
        check_str(r->cves[i]);
    }
    for (size_t i = 0; i < r->n_victims; i++) {
        CHECK(r->victims[i].s);
        check_str(r->victims[i]);
    }
    for (size_t i = 0; i < r->n_timeline; i++) {
        CHECK(r->timeline[i].kind < JKB_EV__COUNT);
        CHECK(r->timeline[i].to < (1u << JKB_AUTH__COUNT));
    }
    for (size_t i = 0; i < r->n_evidence; i++) {
        const jkb_evidence *e = &r->evidence[i];
        CHECK(e->field < JKB_F__COUNT);
        if (e->span.start > e->span.end || e->span.end > st->len)
            fprintf(stderr, "evidence %zu: field %s item %u span %u..%u, text length %zu\n", i,
                    jkb_field_key(e->field), e->item, e->span.start, e->span.end, st->len);
        check_span(st, e->span);
    }
    st->out.n = 0;
    jkb_source src = {"fuzz.txt", (st->records & 1) ? "https://example.jp/a?b=\"c\"" : NULL};
    jkb_status rc = jkb_record_write_json(r, text, &src, st->flags, sink, &st->out);
    CHECK(rc == JKB_OK);
    if (!fz_json_valid(st->out.p, st->out.n)) {
        fprintf(stderr, "invalid JSON:\n%.*s\n", (int)(st->out.n > 4000 ? 4000 : st->out.n), st->out.p);
        CHECK(!"the record's JSON is valid");
    }
    st->records++;
    return st->stop;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned opt = data[0];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    jkb_engine *eng = engine();
    state st;
    memset(&st, 0, sizeof st);
    st.text = text;
    st.len = len;
    st.flags = ((opt & 4) ? JKB_JSON_PRETTY : 0) | ((opt & 8) ? JKB_JSON_NO_EVIDENCE : 0);
    st.stop = (opt & 0x80) ? 1 : 0;
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_status rc;
    if (opt & 2) {
        jkb_span *spans = NULL;
        size_t n = 0;
        rc = jkb_notices(text, len, &spans, &n, &err);
        CHECK(rc == JKB_OK);
        for (size_t i = 0; i < n; i++) {
            check_span(&st, spans[i]);
            CHECK(spans[i].start < spans[i].end);
            if (i)
                CHECK(spans[i - 1].end <= spans[i].start);
        }
        rc = jkb_extract_spans(eng, text, len, spans, n, 0, on_record, &st, &err);
        CHECK(rc == JKB_OK || (st.stop && rc == JKB_ESTOP));
        if (rc == JKB_OK)
            CHECK(st.records == n);
        free(spans);
    } else {
        jkb_opts o = {0, (opt & 1) != 0};
        if ((opt & 0x40) && len > 1)
            o.max_input = len / 2;
        rc = jkb_extract(eng, text, len, &o, on_record, &st, &err);
        if ((opt & 0x40) && len > 1)
            CHECK(rc == JKB_ETOOBIG && st.records == 0);
        else
            CHECK(rc == JKB_OK || (st.stop && rc == JKB_ESTOP));
        if (rc == JKB_ESTOP)
            CHECK(st.records == 1);
    }
    free(st.out.p);
    return 0;
}
