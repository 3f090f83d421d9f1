/*
 * Fuzz target: the user lexicon loader (jkb_engine_add_lexicon, the TSV of
 * `jikenbo extract --lexicon FILE`; src/lib/lexicon.c). The whole input is
 * the TSV. When it loads, the engine compiles and extracts a short fixed
 * notice and then the TSV itself read as text (so that the new terms are
 * certain to match). Checks that a refused file fails with its name, line and
 * offset in the message; that extraction succeeds with every span in the text
 * and every record's JSON valid.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "jikenbo/jikenbo.h"

#define NAME "fuzz.tsv"

static const char NOTICE[] =
    "不正アクセスによる個人情報漏えいに関するお知らせ\n"
    "株式会社サンプル商事\n"
    "2024年5月10日\n"
    "当社のサーバーがランサムウェア「LockBit」による攻撃を受け、顧客の氏名、住所、電話番号、"
    "クレジットカード情報など約1,200件が流出した可能性があることが判明いたしました。\n"
    "2024年5月1日に不審な通信を検知し、ネットワークから遮断いたしました。"
    "個人情報保護委員会および警察に報告済みです。\n"
    "VPN機器の脆弱性(CVE-2023-46805)を悪用されたものと考えております。\n";

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
    size_t len;
    size_t records;
    outbuf out;
} state;

static void check_span(const state *st, jkb_span sp)
{
    CHECK(sp.start <= sp.end);
    CHECK(sp.end <= st->len);
}

static int on_record(const jkb_record *r, const char *text, void *ud)
{
    state *st = ud;
    check_span(st, r->extent);
    CHECK(r->categories < (1u << JKB_CAT__COUNT));
    CHECK(r->data_classes < (1u << JKB_DATA__COUNT));
    CHECK(r->vectors < (1u << JKB_VEC__COUNT));
    CHECK(r->authorities < (1u << JKB_AUTH__COUNT));
    CHECK(r->measures < (1u << JKB_MEAS__COUNT));
    CHECK(r->org_kind >= JKB_ORG_NONE && r->org_kind < JKB_ORG__COUNT);
    for (size_t i = 0; i < r->n_actors; i++) {
        CHECK(r->actors[i].s && r->actors[i].s[r->actors[i].len] == '\0');
        CHECK(fz_utf8_bad((const unsigned char *)r->actors[i].s, r->actors[i].len) == r->actors[i].len);
    }
    for (size_t i = 0; i < r->n_evidence; i++) {
        CHECK(r->evidence[i].field < JKB_F__COUNT);
        check_span(st, r->evidence[i].span);
    }
    st->out.n = 0;
    jkb_source src = {NAME, NULL};
    CHECK(jkb_record_write_json(r, text, &src, 0, sink, &st->out) == JKB_OK);
    if (!fz_json_valid(st->out.p, st->out.n)) {
        fprintf(stderr, "invalid JSON:\n%.*s\n", (int)(st->out.n > 4000 ? 4000 : st->out.n), st->out.p);
        CHECK(!"the record's JSON is valid");
    }
    st->records++;
    return 0;
}

static size_t extract(jkb_engine *eng, const char *text, size_t len)
{
    state st;
    memset(&st, 0, sizeof st);
    st.len = len;
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_opts o = {0, true};
    jkb_status rc = jkb_extract(eng, text, len, &o, on_record, &st, &err);
    if (rc != JKB_OK)
        fprintf(stderr, "extract: %s: %s\n", jkb_status_name(rc), err.msg);
    CHECK(rc == JKB_OK);
    free(st.out.p);
    return st.records;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a lexicon is small; the engine is rebuilt for every input */
    if (size > 16384)
        return 0;
    const char *tsv = (const char *)data;
    jkb_engine *eng = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_status rc = jkb_engine_new(&eng, &err);
    CHECK(rc == JKB_OK);
    memset(&err, 0, sizeof err);
    rc = jkb_engine_add_lexicon(eng, tsv, size, NAME, &err);
    if (rc != JKB_OK) {
        CHECK(err.code == rc);
        CHECK(err.msg[0] != '\0');
        CHECK(memchr(err.msg, 0, sizeof err.msg) != NULL);
        /* "fuzz.tsv:3: unknown field 'x'": the file and the line */
        CHECK(strncmp(err.msg, NAME ":", sizeof NAME) == 0);
        CHECK(err.offset < size);
        jkb_engine_free(eng);
        return 0;
    }
    rc = jkb_engine_compile(eng, &err);
    CHECK(rc == JKB_OK);
    CHECK(extract(eng, NOTICE, sizeof NOTICE - 1) == 1);
    CHECK(extract(eng, tsv, size) <= 1);
    jkb_engine_free(eng);
    return 0;
}
