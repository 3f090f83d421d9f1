/*
 * Fuzz target: the casebook search (jkb_store_search: store.c checks the
 * query, sqlite.c picks the FTS5 MATCH, LIKE or short-term route and the
 * fast window or the exact count). The bytes up to a NUL are the query text;
 * the bytes after it set the filters. Checks: JKB_OK or JKB_EINVAL with a
 * message, never a database error, whatever the text; rows newest first; no
 * more rows than the limit; the limited rows are the first of the unlimited
 * rows at the same offset, which are the tail of all rows (the window route
 * and the exact route agree); *total is the number of all rows.
 *
 * after the NUL: flags (bit 0 category, 1 org_kind, 2 data_class,
 * 3 authority, 4 actor, 5 since, 6 until, 7 an empty text is "" not none),
 * then the four enum values (two past each end included), since as year
 * (2 bytes, 0-9999), month (0-15), day (0-39), until the same, limit (0-31),
 * offset (0-15); the rest is the actor name.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_casebook.h"
#include "jikenbo/store.h"

/* One casebook for the process: building it per input would spend the run
 * writing SQLite files, and the search only reads it. Made before the
 * replay forks (LLVMFuzzerInitialize); each process opens its own
 * connection, since an SQLite connection must not cross a fork. */
static char db_path[64];
static jkb_store *store;

static void remove_db(void)
{
    jkb_store_close(store);
    store = NULL;
    fz_casebook_remove(db_path);
}

static pid_t maker;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_casebook_make(db_path);
    maker = getpid();
    atexit(remove_db);
    return 0;
}

#define MAX_ROWS 64

typedef struct hits {
    int64_t id[MAX_ROWS];
    long key[MAX_ROWS];
    size_t n;
} hits;

static int on_row(const jkb_notice_row *r, void *ud)
{
    hits *h = ud;
    CHECK(h->n < MAX_ROWS);
    h->id[h->n] = r->id;
    h->key[h->n] = r->published.y ? (long)r->published.y * 10000 + r->published.m * 100 + r->published.d : -1;
    h->n++;
    return 0;
}

static jkb_status run(const jkb_query *q, hits *h, size_t *total)
{
    jkb_err err;
    memset(&err, 0, sizeof err);
    memset(h, 0, sizeof *h);
    jkb_status rc = jkb_store_search(store, q, on_row, h, total, &err);
    if (rc != JKB_OK && rc != JKB_EINVAL)
        fprintf(stderr, "search: %s: %s\n", jkb_status_name(rc), err.msg);
    CHECK(rc == JKB_OK || rc == JKB_EINVAL);
    if (rc != JKB_OK) {
        CHECK(err.code == rc);
        CHECK(err.msg[0] != '\0');
        CHECK(memchr(err.msg, 0, sizeof err.msg) != NULL);
        CHECK(h->n == 0);
    }
    for (size_t i = 1; i < h->n; i++) {
        /* newest first, undated last */
        if (h->key[i - 1] >= 0 && h->key[i] >= 0)
            CHECK(h->key[i - 1] >= h->key[i]);
        else
            CHECK(h->key[i] < 0);
    }
    return rc;
}

static int enum_val(unsigned char b, int count) { return (int)(b % (unsigned)(count + 4)) - 2; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!store || getpid() != maker) {
        /* a replay child: its own connection */
        jkb_err err;
        memset(&err, 0, sizeof err);
        store = NULL;
        CHECK(jkb_store_open(db_path, &store, &err) == JKB_OK);
        maker = getpid();
    }
    const unsigned char *nul = memchr(data, 0, size);
    size_t tlen = nul ? (size_t)(nul - data) : size;
    unsigned char opt[16];
    memset(opt, 0, sizeof opt);
    size_t rest = nul ? size - tlen - 1 : 0;
    memcpy(opt, data + tlen + (nul ? 1 : 0), rest < sizeof opt ? rest : sizeof opt);
    char *text = malloc(tlen + 1);
    CHECK(text != NULL);
    memcpy(text, data, tlen);
    text[tlen] = 0;
    size_t alen = rest > sizeof opt ? rest - sizeof opt : 0;
    char *actor = malloc(alen + 1);
    CHECK(actor != NULL);
    if (alen)
        memcpy(actor, data + tlen + 1 + sizeof opt, alen);
    actor[alen] = 0;

    jkb_query q;
    jkb_query_init(&q);
    unsigned f = opt[0];
    /* a NUL inside the text ends it here as it would in C */
    q.text = tlen || (f & 0x80) ? text : NULL;
    if (f & 1)
        q.category = enum_val(opt[1], JKB_CAT__COUNT);
    if (f & 2)
        q.org_kind = enum_val(opt[2], JKB_ORG__COUNT);
    if (f & 4)
        q.data_class = enum_val(opt[3], JKB_DATA__COUNT);
    if (f & 8)
        q.authority = enum_val(opt[4], JKB_AUTH__COUNT);
    if (f & 16)
        q.actor = actor;
    if (f & 32)
        q.since = (jkb_date){(int16_t)(((unsigned)opt[5] << 8 | opt[6]) % 10000), (int8_t)(opt[7] % 16),
                             (int8_t)(opt[8] % 40)};
    if (f & 64)
        q.until = (jkb_date){(int16_t)(((unsigned)opt[9] << 8 | opt[10]) % 10000), (int8_t)(opt[11] % 16),
                             (int8_t)(opt[12] % 40)};
    size_t limit = opt[13] % 32, offset = opt[14] % 16;

    /* every match, counted */
    hits all, tail, lim, lim2;
    size_t total_all = 12345, total = 12345;
    jkb_status rc = run(&q, &all, &total_all);
    if (rc == JKB_OK)
        CHECK(total_all == all.n);
    /* the unlimited rows from offset: the tail of every match */
    q.offset = offset;
    CHECK(run(&q, &tail, NULL) == rc);
    if (rc == JKB_OK) {
        CHECK(tail.n == (offset < all.n ? all.n - offset : 0));
        for (size_t i = 0; i < tail.n; i++)
            CHECK(tail.id[i] == all.id[offset + i]);
    }
    /* with a limit, with and without the total: a prefix of the tail */
    q.limit = limit;
    CHECK(run(&q, &lim, &total) == rc);
    CHECK(run(&q, &lim2, NULL) == rc);
    if (rc == JKB_OK) {
        if (total != all.n)
            fprintf(stderr, "total %zu with limit %zu offset %zu, %zu matches\n", total, limit, offset, all.n);
        CHECK(total == all.n);
        if (limit)
            CHECK(lim.n <= limit);
        size_t want = limit && limit < tail.n ? limit : tail.n;
        if (lim.n != want || lim2.n != want)
            fprintf(stderr, "limit %zu offset %zu: %zu and %zu rows, want %zu\n", limit, offset, lim.n, lim2.n, want);
        CHECK(lim.n == want && lim2.n == want);
        for (size_t i = 0; i < want; i++)
            CHECK(lim.id[i] == tail.id[i] && lim2.id[i] == tail.id[i]);
    }
    free(text);
    free(actor);
    return 0;
}
