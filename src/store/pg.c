/*
 * The PostgreSQL casebook backend (libpq): the SQLite backend's tables and
 * rules (migrations, put, incidents, case numbers), full text through a
 * pg_trgm GIN index with text_bigrams for one- and two-character terms,
 * stats and timelines. Parameterized SQL only; one writer at a time.
 */
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

/* A one- or two-character term becomes an index search for the
 * three-character strings that can hold it (the term with each character
 * seen before or after it); past this many it is checked on the rows
 * instead (see short_term). Every candidate's text is matched once per
 * arm: on 10,000 notices a term in most of them costs about 2x a scan with 2
 * arms and 6x with 7, while a rare one costs next to nothing. */
#define SHORT_TERM_MAX_ARMS 8
/* Rows fetched per round trip from a search cursor, and notices per page
 * of each_text (as numbers and as SQL text). */
#define FETCH_N 256
#define FETCH_ROWS "256"
#define TEXT_PAGE_N 64
#define TEXT_PAGE "64"
/* Character pairs per INSERT into text_bigrams. */
#define GRAMS_PER_INSERT 4096
/* Pairs remembered as already stored, per connection (8 bytes each, at
 * most twice this many slots). */
#define KNOWN_MAX (1u << 20)
#define SQL_MAX 8192
#define MAX_BINDS 96
#define STR(x) #x
#define XSTR(x) STR(x)

/* The indexed full-text value, spelled exactly as in pg-001.sql's
 * notices_fts so that the planner matches it to the index. */
#define FTS_DOC "(E'\\n' || coalesce(n.title, '') || E'\\n' || n.text || E'\\n')"

/* The columns of a jkb_notice_row, in fill_row's order. */
#define ROW_COLUMNS                                                                                                    \
    "n.id, n.incident_id, n.case_id, n.title, n.org, n.org_kind, n.published, n.categories, n.data_classes,"           \
    " n.authorities, n.affected, n.source, n.idx, n.record_json, n.content_hash, n.engine_version"

/* Writers serialize on this advisory lock (as SQLite's BEGIN IMMEDIATE
 * does): case numbers are counted past the largest given, and two batches
 * counting at once would give the same number twice. Migrations take the
 * other key, so that readers never wait for a long ingest. */
#define LOCK_WRITE "1785422338"
#define LOCK_MIGRATE "1785422337"

enum {
    ST_FIND, ST_INSERT, ST_UPDATE, ST_ACTOR_INSERT, ST_ACTOR_DELETE, ST_FOLLOW, ST_INCIDENT_NEW, ST_ADOPT,
    ST_ORPHANS_DEL, ST_CASE_IDS, ST_GRAMS_ADD, ST_SHORT, ST_GET, ST_INCIDENT_ROWS, ST_NEXT_TEXTS,
    ST__COUNT
};

static const char *const SQL[ST__COUNT] = {
    [ST_FIND] = "SELECT id, record_json, (title IS DISTINCT FROM $2::text)::int FROM notices"
                " WHERE content_hash = $1::text",
    [ST_INSERT] = "INSERT INTO notices(content_hash, published, year, org_kind, categories, data_classes, authorities,"
                  " vectors, measures, affected, report_no, followup, incident_id, case_id, leak_status, org, org_key,"
                  " title, source, idx, engine_version, ingested_at, record_json, text)"
                  " VALUES($1::text, $2::text, $3::int, $4::int, $5::bigint, $6::bigint, $7::bigint, $8::bigint,"
                  " $9::bigint, $10::bigint, $11::int, $12::int, $13::bigint, $14::text, $15::text, $16::text,"
                  " $17::text, $18::text, $19::text, $20::bigint, $21::text, $22::text, $23::text, $24::text)"
                  " RETURNING id",
    [ST_UPDATE] = "UPDATE notices SET published = $2::text, year = $3::int, org_kind = $4::int,"
                  " categories = $5::bigint, data_classes = $6::bigint, authorities = $7::bigint,"
                  " vectors = $8::bigint, measures = $9::bigint, affected = $10::bigint, report_no = $11::int,"
                  " followup = $12::int,"
                  " case_id = coalesce($13::text, CASE WHEN case_auto = 1 THEN case_id END),"
                  " case_auto = CASE WHEN $13::text IS NULL THEN case_auto ELSE 0 END,"
                  " leak_status = $14::text, org = $15::text, org_key = $16::text, title = $17::text,"
                  " source = $18::text, idx = $19::bigint, engine_version = $20::text, record_json = $21::text"
                  " WHERE id = $1::bigint",
    [ST_ACTOR_INSERT] = "INSERT INTO actors(notice_id, name) VALUES($1::bigint, $2::text)",
    [ST_ACTOR_DELETE] = "DELETE FROM actors WHERE notice_id = $1::bigint",
    /* $3: $2 less STORE_FOLLOWUP_DAYS, computed by shift_date */
    [ST_FOLLOW] = "SELECT incident_id, categories, title, report_no FROM notices WHERE org_key = $1::text"
                  " AND published <= $2::text AND published >= $3::text AND incident_id IS NOT NULL"
                  " ORDER BY published DESC, id DESC LIMIT " XSTR(STORE_FOLLOW_ROWS),
    [ST_INCIDENT_NEW] = "INSERT INTO incidents(org, org_key, first_published, has_first)"
                        " VALUES($1::text, $2::text, $3::text, $4::int) RETURNING id",
    /* the incidents of the org without a first notice that began within
     * ($2, $3]: their notices move to $4, then the emptied ones go */
    [ST_ADOPT] = "UPDATE notices SET incident_id = $4::bigint WHERE incident_id IN (SELECT id FROM incidents"
                 " WHERE org_key = $1::text AND has_first = 0 AND first_published > $2::text"
                 " AND first_published <= $3::text AND id <> $4::bigint)",
    [ST_ORPHANS_DEL] = "DELETE FROM incidents i WHERE org_key = $1::text AND has_first = 0"
                       " AND first_published > $2::text AND first_published <= $3::text AND id <> $4::bigint"
                       " AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.incident_id = i.id)",
    /* the case numbers of store_ops.prepare_commit in one statement: per
     * year, in order of publication (undated within the year first, as
     * SQLite sorts NULL), past the largest YYYY-NNN given; at least three
     * digits. */
    [ST_CASE_IDS] =
        "WITH pending AS (SELECT id, year,"
        "   row_number() OVER (PARTITION BY year ORDER BY published NULLS FIRST, id) AS k"
        "   FROM notices WHERE case_id IS NULL AND year BETWEEN 1 AND 9999),"
        " base AS (SELECT y.year, coalesce((SELECT max(substr(c.case_id, 6)::bigint) FROM notices c"
        "   WHERE c.case_id >= lpad(y.year::text, 4, '0') || '-' AND c.case_id < lpad(y.year::text, 4, '0') || '.'"
        "   AND substr(c.case_id, 6) ~ '^[0-9]{1,15}$'), 0) AS mx"
        "   FROM (SELECT DISTINCT year FROM pending) y)"
        " UPDATE notices n SET case_auto = 1, case_id = lpad(p.year::text, 4, '0') || '-' ||"
        "   CASE WHEN b.mx + p.k >= 1000 THEN (b.mx + p.k)::text ELSE lpad((b.mx + p.k)::text, 3, '0') END"
        " FROM pending p JOIN base b ON b.year = p.year WHERE n.id = p.id",
    /* lower() as ILIKE does, so that a pair is found whatever case the
     * query term is typed in */
    [ST_GRAMS_ADD] = "INSERT INTO text_bigrams(c1, c2) SELECT DISTINCT ascii(lower(chr(u.a))), ascii(lower(chr(u.b)))"
                     " FROM unnest($1::int[], $2::int[]) AS u(a, b) ON CONFLICT DO NOTHING",
    /* a short term: how many trigrams pg_trgm makes of it (all its
     * characters are word characters when that is its length + 1), whether
     * it occurs at all, and the characters seen before its first and after
     * its last character ($3 at most) */
    [ST_SHORT] = "WITH k AS (SELECT ascii(lower($1::text)) AS a, ascii(lower(coalesce($2::text, $1::text))) AS b)"
                 " SELECT cardinality(show_trgm($1::text || coalesce($2::text, ''))),"
                 " EXISTS (SELECT 1 FROM text_bigrams g WHERE g.c1 = k.a AND ($2::text IS NULL OR g.c2 = k.b))::int,"
                 " ARRAY(SELECT g.c1 FROM text_bigrams g WHERE g.c2 = k.a LIMIT $3::int),"
                 " ARRAY(SELECT g.c2 FROM text_bigrams g WHERE g.c1 = k.b LIMIT $3::int)"
                 " FROM k",
    [ST_GET] = "SELECT " ROW_COLUMNS ", n.text FROM notices n WHERE n.id = $1::bigint",
    [ST_INCIDENT_ROWS] = "SELECT " ROW_COLUMNS " FROM notices n WHERE n.incident_id = $1::bigint"
                         " ORDER BY n.published IS NULL, n.published, n.id",
    [ST_NEXT_TEXTS] = "SELECT id, text, source, idx, engine_version FROM notices WHERE id > $1::bigint"
                      " ORDER BY id LIMIT " TEXT_PAGE,
};

/* ------------------------------------------------------------ pair sets */

/* A set of character pairs, (c1 << 21 | c2): open addressing, 0 is empty
 * (U+0000 never reaches a stored text). */
typedef struct gramset {
    uint64_t *slot;
    size_t cap, n;
} gramset;

static size_t gs_hash(uint64_t k, size_t cap)
{
    k ^= k >> 31;
    k *= 0x9e3779b97f4a7c15ull;
    k ^= k >> 29;
    return (size_t)k & (cap - 1);
}

static int gs_has(const gramset *g, uint64_t k)
{
    if (!g->n)
        return 0;
    for (size_t i = gs_hash(k, g->cap);; i = (i + 1) & (g->cap - 1)) {
        if (g->slot[i] == k)
            return 1;
        if (!g->slot[i])
            return 0;
    }
}

/* 0 added or present, -1 out of memory */
static int gs_add(gramset *g, uint64_t k)
{
    if ((g->n + 1) * 2 > g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 1024;
        uint64_t *s = calloc(cap, sizeof *s);
        if (!s)
            return -1;
        for (size_t i = 0; i < g->cap; i++)
            if (g->slot[i]) {
                size_t j = gs_hash(g->slot[i], cap);
                while (s[j])
                    j = (j + 1) & (cap - 1);
                s[j] = g->slot[i];
            }
        free(g->slot);
        g->slot = s;
        g->cap = cap;
    }
    size_t i = gs_hash(k, g->cap);
    for (; g->slot[i]; i = (i + 1) & (g->cap - 1))
        if (g->slot[i] == k)
            return 0;
    g->slot[i] = k;
    g->n++;
    return 0;
}

static void gs_clear(gramset *g)
{
    if (g->n)
        memset(g->slot, 0, g->cap * sizeof *g->slot);
    g->n = 0;
}

static void gs_free(gramset *g)
{
    free(g->slot);
    memset(g, 0, sizeof *g);
}

/* ------------------------------------------------------------ connection */

typedef struct pgc {
    PGconn *conn;
    uint32_t prepared;   /* bit per statement of SQL[] */
    unsigned cursors;    /* for unique cursor names */
    /* text_bigrams: pairs of this transaction not yet sent, pairs sent in
     * this transaction, pairs known to be committed */
    gramset pend, sent, known;
    int oom;             /* a pair could not be remembered: the batch fails */
} pgc;

static void no_notices(void *arg, const char *message)
{
    /* the library never prints (NOTICEs such as "extension already exists") */
    (void)arg;
    (void)message;
}

/* libpq's message on one line: its first (the rest are hints such as
 * "This probably means the server terminated abnormally"), without the
 * severity words. */
static void one_line(const char *m, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; m[i] && m[i] != '\n' && k + 1 < cap;) {
        if (strncmp(m + i, "FATAL:  ", 8) == 0 || strncmp(m + i, "ERROR:  ", 8) == 0) {
            i += 8;
            continue;
        }
        out[k++] = m[i++];
    }
    while (k && out[k - 1] == ' ')
        k--;
    out[k] = 0;
}

/* The server's message for a failed call. */
static jkb_status pg_fail(pgc *d, const PGresult *r, jkb_err *err, const char *what)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char line[200];
    if (!msg || !*msg)
        msg = PQerrorMessage(d->conn);
    one_line(msg && *msg ? msg : "unknown PostgreSQL error", line, sizeof line);
    if (state && strcmp(state, "55P03") == 0)
        return store_fail(err, JKB_ESTORE, "%s: the casebook is busy (another jikenbo is writing to it)", what);
    if (state && strcmp(state, "53100") == 0)
        return store_fail(err, JKB_ESTORE, "%s: the PostgreSQL server's disk is full", what);
    if (PQstatus(d->conn) == CONNECTION_BAD)
        return store_fail(err, JKB_ESTORE, "%s: the connection to the PostgreSQL casebook was lost: %s", what, line);
    return store_fail(err, JKB_ESTORE, "%s: %s", what, line);
}

static int res_ok(const PGresult *r)
{
    ExecStatusType t = PQresultStatus(r);
    return r && (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK);
}

/* Constant SQL without parameters (transaction control, the schema). */
static jkb_status exec_plain(pgc *d, const char *sql, jkb_err *err, const char *what)
{
    PGresult *r = PQexec(d->conn, sql);
    jkb_status rc = res_ok(r) ? JKB_OK : pg_fail(d, r, err, what);
    PQclear(r);
    return rc;
}

/* A statement of SQL[], prepared on first use (per connection). The caller
 * checks and clears the result. */
static PGresult *exec_st(pgc *d, int which, int n, const char *const *v, const int *len, const int *fmt)
{
    char name[16];
    snprintf(name, sizeof name, "jkb_%d", which);
    if (!(d->prepared & (1u << which))) {
        PGresult *r = PQprepare(d->conn, name, SQL[which], 0, NULL);
        if (!res_ok(r))
            return r;
        PQclear(r);
        d->prepared |= 1u << which;
    }
    return PQexecPrepared(d->conn, name, n, v, len, fmt, 0);
}

/* ------------------------------------------------------------ values */

static int64_t p_i64(const char *s)
{
    int64_t v = 0;
    int neg = 0;
    if (!s)
        return 0;
    if (*s == '-') {
        neg = 1;
        s++;
    }
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (INT64_MAX - 9) / 10)
            break;
        v = v * 10 + (*s - '0');
    }
    return neg ? -v : v;
}

static const char *fmt_i64(char buf[24], int64_t v)
{
    snprintf(buf, 24, "%lld", (long long)v);
    return buf;
}

static const char *val(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

/* One code point of valid UTF-8 (the server checks every stored text);
 * a stray byte is taken as U+FFFD. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t k = c < 0x80 ? 1 : c >= 0xC2 && c < 0xE0 ? 2 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xF0 && c < 0xF5 ? 4 : 0;
    if (k == 0 || k > n) {
        *cp = 0xFFFD;
        return 1;
    }
    uint32_t v = k == 1 ? c : k == 2 ? c & 0x1Fu : k == 3 ? c & 0x0Fu : c & 0x07u;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = v << 6 | (s[i] & 0x3Fu);
    }
    *cp = v;
    return k;
}

static size_t utf8_put(char *out, uint32_t c)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | c >> 6);
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | c >> 12);
        out[1] = (char)(0x80 | (c >> 6 & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | c >> 18);
    out[1] = (char)(0x80 | (c >> 12 & 0x3F));
    out[2] = (char)(0x80 | (c >> 6 & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* Characters that have no other case: a term made of them is matched with
 * LIKE, which compares bytes, instead of ILIKE, which lower-cases every
 * candidate text first (about twice the time). Anything not listed counts
 * as cased, which is never wrong, only slower. */
static int caseless(uint32_t c)
{
    if (c < 0x80)
        return !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
    if ((c >= 0x3000 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) || (c >= 0x3400 && c <= 0x4DBF) ||
        (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF))
        return 1; /* CJK punctuation, kana, ideographs */
    if (c >= 0xFF00 && c <= 0xFFEF)
        return !((c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A)); /* full-width, but Ａ-Ｚ ａ-ｚ */
    return 0;
}

static int caseless_str(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t c;
        i += utf8_next((const unsigned char *)s + i, n - i, &c);
        if (!caseless(c))
            return 0;
    }
    return 1;
}

/* ------------------------------------------------------------ dates */

/* Days since 1970-01-01 and back (H. Hinnant's algorithms). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* "YYYY-MM-DD" shifted by days, as SQLite's date(x, '+N days') (a day past
 * the month's end rolls over). 0 when ymd is not such a date: SQLite gives
 * NULL then, and the comparisons that use it match nothing. */
static int shift_date(const char *ymd, int days, char out[11])
{
    int v[3] = {0, 0, 0};
    if (strlen(ymd) != 10 || ymd[4] != '-' || ymd[7] != '-')
        return 0;
    for (int k = 0, i = 0; k < 3; k++, i++)
        for (int w = k == 0 ? 4 : 2; w > 0; w--, i++) {
            if (ymd[i] < '0' || ymd[i] > '9')
                return 0;
            v[k] = v[k] * 10 + (ymd[i] - '0');
        }
    if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31)
        return 0;
    int64_t y;
    int m, d;
    civil_from_days(days_from_civil(v[0], v[1], v[2]) + days, &y, &m, &d);
    if (y < 0)
        y = m = d = 0;
    if (y > 9999)
        y = 9999;
    snprintf(out, 11, "%04d-%02d-%02d", (int)y, m, d);
    return 1;
}

/* ------------------------------------------------------------ text_bigrams */

static void note_pair(pgc *d, uint32_t *prev, uint32_t c)
{
    uint64_t key = (uint64_t)*prev << 21 | c;
    *prev = c;
    if (!gs_has(&d->known, key) && !gs_has(&d->sent, key) && gs_add(&d->pend, key) != 0)
        d->oom = 1;
}

/* Remember every pair of neighbouring characters of one indexed value
 * (FTS_DOC: newline, title, newline, text, newline). */
static void note_pairs(pgc *d, const char *title, const char *text, size_t len)
{
    uint32_t prev = '\n', c;
    size_t tl = title ? strlen(title) : 0;
    for (size_t i = 0; i < tl;) {
        i += utf8_next((const unsigned char *)title + i, tl - i, &c);
        note_pair(d, &prev, c);
    }
    note_pair(d, &prev, '\n');
    for (size_t i = 0; i < len;) {
        i += utf8_next((const unsigned char *)text + i, len - i, &c);
        note_pair(d, &prev, c);
    }
    note_pair(d, &prev, '\n');
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Send the pairs this transaction added (in key order, for the index's
 * sake) before a query reads text_bigrams or the transaction commits. */
static jkb_status flush_pairs(pgc *d, jkb_err *err)
{
    if (d->oom)
        return store_fail(err, JKB_ENOMEM, "out of memory");
    if (!d->pend.n)
        return JKB_OK;
    jkb_status rc = JKB_OK;
    size_t n = 0;
    uint64_t *keys = malloc(d->pend.n * sizeof *keys);
    /* two arrays of up to 7 digits and a comma per pair */
    char *a = malloc(GRAMS_PER_INSERT * 8 + 3), *b = malloc(GRAMS_PER_INSERT * 8 + 3);
    if (!keys || !a || !b) {
        rc = store_fail(err, JKB_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < d->pend.cap; i++)
        if (d->pend.slot[i])
            keys[n++] = d->pend.slot[i];
    qsort(keys, n, sizeof *keys, cmp_u64);
    for (size_t at = 0; at < n; at += GRAMS_PER_INSERT) {
        size_t end = at + GRAMS_PER_INSERT < n ? at + GRAMS_PER_INSERT : n, la = 0, lb = 0;
        a[la++] = '{';
        b[lb++] = '{';
        for (size_t i = at; i < end; i++) {
            char num[24];
            size_t k;
            if (i > at) {
                a[la++] = ',';
                b[lb++] = ',';
            }
            fmt_i64(num, (int64_t)(keys[i] >> 21));
            k = strlen(num);
            memcpy(a + la, num, k);
            la += k;
            fmt_i64(num, (int64_t)(keys[i] & 0x1FFFFF));
            k = strlen(num);
            memcpy(b + lb, num, k);
            lb += k;
        }
        a[la++] = '}';
        b[lb++] = '}';
        a[la] = b[lb] = 0;
        const char *v[2] = {a, b};
        PGresult *r = exec_st(d, ST_GRAMS_ADD, 2, v, NULL, NULL);
        if (!res_ok(r)) {
            rc = pg_fail(d, r, err, "indexing the notices");
            PQclear(r);
            goto out;
        }
        PQclear(r);
    }
    for (size_t i = 0; i < n; i++)
        if (gs_add(&d->sent, keys[i]) != 0) {
            rc = store_fail(err, JKB_ENOMEM, "out of memory");
            goto out;
        }
    gs_clear(&d->pend);
out:
    free(keys);
    free(a);
    free(b);
    return rc;
}

/* After COMMIT: what was sent is stored for good. */
static void pairs_committed(pgc *d)
{
    for (size_t i = 0; i < d->sent.cap && d->known.n < KNOWN_MAX; i++)
        if (d->sent.slot[i] && gs_add(&d->known, d->sent.slot[i]) != 0)
            break; /* only a cache: a pair left out is sent again, harmlessly */
    gs_clear(&d->sent);
    gs_clear(&d->pend);
    d->oom = 0;
}

static void pairs_dropped(pgc *d)
{
    gs_clear(&d->sent);
    gs_clear(&d->pend);
    d->oom = 0;
}

/* ------------------------------------------------------------ open */

/* The casebook's schema version: 0 when it has none yet, -1 when it is not
 * a number. */
static jkb_status read_version(pgc *d, int *v, jkb_err *err)
{
    *v = 0;
    /* pg_class itself, not to_regclass(): that takes no lock, so a backend
     * that looked before another jikenbo migrated keeps its cached "no such
     * table" even after waiting for that migration's lock */
    PGresult *r = PQexec(d->conn, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.relname = 'meta'"
                                  " AND c.relkind IN ('r', 'p') AND pg_catalog.pg_table_is_visible(c.oid))");
    if (!res_ok(r) || PQntuples(r) != 1) {
        jkb_status rc = pg_fail(d, r, err, "opening the casebook");
        PQclear(r);
        return rc;
    }
    int has_meta = PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    if (!has_meta)
        return JKB_OK;
    r = PQexec(d->conn, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (!res_ok(r)) {
        jkb_status rc = pg_fail(d, r, err, "opening the casebook (is it a jikenbo casebook?)");
        PQclear(r);
        return rc;
    }
    if (PQntuples(r) == 1) {
        const char *t = PQgetvalue(r, 0, 0);
        int x = 0;
        for (; *t >= '0' && *t <= '9' && x < 100000; t++)
            x = x * 10 + (*t - '0');
        *v = x && !*t ? x : -1;
    }
    PQclear(r);
    return JKB_OK;
}

static jkb_status check_version(int have, int know, jkb_err *err)
{
    if (have < 0)
        return store_fail(err, JKB_ESTORE, "the casebook's schema version is not a number");
    if (have > know)
        return store_fail(err, JKB_ESTORE,
                          "casebook schema version %d was created by a newer jikenbo (this one knows %d)", have, know);
    return JKB_OK;
}

static jkb_status migrate(pgc *d, jkb_err *err)
{
    int have = 0, know = 0;
    store_schema("pg-", 0, NULL, &know);
    /* the common case, a current casebook, takes no lock */
    jkb_status rc = read_version(d, &have, err);
    if (rc || (rc = check_version(have, know, err)) || have == know)
        return rc;
    if ((rc = exec_plain(d, "BEGIN; SELECT pg_advisory_xact_lock(" LOCK_MIGRATE ")", err, "opening the casebook")))
        goto out;
    /* another jikenbo may have migrated it while this one waited */
    if ((rc = read_version(d, &have, err)) || (rc = check_version(have, know, err)))
        goto out;
    for (int v = have + 1; v <= know; v++) {
        const char *sql = store_schema("pg-", v, NULL, NULL);
        if (!sql) {
            rc = store_fail(err, JKB_ESTORE, "schema file pg-%03d.sql is missing from this build", v);
            goto out;
        }
        PGresult *r = PQexec(d->conn, sql);
        if (!res_ok(r)) {
            char what[64];
            snprintf(what, sizeof what, "upgrading the casebook to schema version %d", v);
            rc = pg_fail(d, r, err, what);
            PQclear(r);
            goto out;
        }
        PQclear(r);
        char num[24];
        const char *p[1] = {fmt_i64(num, v)};
        r = PQexecParams(d->conn,
                         "INSERT INTO meta(key, value) VALUES('schema_version', $1::text)"
                         " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                         1, NULL, p, NULL, NULL, 0);
        if (!res_ok(r)) {
            rc = pg_fail(d, r, err, "upgrading the casebook");
            PQclear(r);
            goto out;
        }
        PQclear(r);
    }
    rc = exec_plain(d, "COMMIT", err, "upgrading the casebook");
    return rc;
out:
    exec_plain(d, "ROLLBACK", NULL, "");
    return rc;
}

static void pg_close(jkb_store *s)
{
    pgc *d = s->impl;
    if (!d)
        return;
    PQfinish(d->conn);
    gs_free(&d->pend);
    gs_free(&d->sent);
    gs_free(&d->known);
    free(d);
    s->impl = NULL;
}

static jkb_status pg_open(jkb_store *s, const char *target, jkb_err *err)
{
    jkb_status rc = JKB_OK;
    pgc *d = calloc(1, sizeof *d);
    if (!d)
        return store_fail(err, JKB_ENOMEM, "out of memory");
    s->impl = d;
    /* libpq reads postgresql:// and postgres:// URIs itself */
    d->conn = PQconnectdb(target);
    if (!d->conn) {
        rc = store_fail(err, JKB_ENOMEM, "out of memory");
        goto out;
    }
    if (PQstatus(d->conn) != CONNECTION_OK) {
        /* libpq's message names the server, never the password */
        char line[200];
        one_line(PQerrorMessage(d->conn), line, sizeof line);
        rc = store_fail(err, JKB_ESTORE, "cannot connect to the PostgreSQL casebook: %s", line);
        goto out;
    }
    PQsetNoticeProcessor(d->conn, no_notices, NULL);
    if (PQsetClientEncoding(d->conn, "UTF8") != 0) {
        rc = pg_fail(d, NULL, err, "opening the casebook");
        goto out;
    }
    const char *enc = PQparameterStatus(d->conn, "server_encoding");
    if (!enc || strcmp(enc, "UTF8") != 0) {
        rc = store_fail(err, JKB_ESTORE,
                        "the PostgreSQL database's encoding is %s; a casebook needs UTF8 (createdb -E UTF8)",
                        enc ? enc : "unknown");
        goto out;
    }
    rc = migrate(d, err);
out:
    if (rc)
        pg_close(s);
    return rc;
}

/* ------------------------------------------------------------ transactions */

static jkb_status pg_begin(jkb_store *s, jkb_err *err)
{
    pgc *d = s->impl;
    pairs_dropped(d);
    /* wait for another writer as SQLite does (10 s), then say it is busy */
    jkb_status rc = exec_plain(d,
                               "BEGIN; SET LOCAL lock_timeout = '10s';"
                               " SELECT pg_advisory_xact_lock(" LOCK_WRITE "); SET LOCAL lock_timeout = 0",
                               err, "starting a transaction");
    if (rc)
        exec_plain(d, "ROLLBACK", NULL, "");
    return rc;
}

static jkb_status pg_commit(jkb_store *s, jkb_err *err)
{
    pgc *d = s->impl;
    jkb_status rc = flush_pairs(d, err);
    if (rc) {
        exec_plain(d, "ROLLBACK", NULL, "");
        pairs_dropped(d);
        return rc;
    }
    PGresult *r = PQexec(d->conn, "COMMIT");
    if (!res_ok(r)) {
        rc = pg_fail(d, r, err, "committing");
    } else if (strcmp(PQcmdStatus(r), "COMMIT") != 0) {
        /* the server ends a failed transaction with ROLLBACK, not an error */
        rc = store_fail(err, JKB_ESTORE, "committing: an earlier error rolled the transaction back");
    }
    PQclear(r);
    if (rc)
        pairs_dropped(d);
    else
        pairs_committed(d);
    return rc;
}

static jkb_status pg_rollback(jkb_store *s, jkb_err *err)
{
    pgc *d = s->impl;
    pairs_dropped(d);
    return exec_plain(d, "ROLLBACK", err, "rolling back");
}

/* The batch's character pairs, then its case numbers. */
static jkb_status pg_prepare_commit(jkb_store *s, jkb_err *err)
{
    pgc *d = s->impl;
    jkb_status frc = flush_pairs(d, err);
    if (frc)
        return frc;
    PGresult *r = exec_st(d, ST_CASE_IDS, 0, NULL, NULL, NULL);
    jkb_status rc = res_ok(r) ? JKB_OK : pg_fail(d, r, err, "numbering cases");
    PQclear(r);
    return rc;
}

/* ------------------------------------------------------------ put */

/* published … followup as text parameters, in the order of both ST_INSERT
 * ($2..$12) and ST_UPDATE ($2..$12). */
typedef struct derived {
    char num[10][24];
    const char *v[11];
} derived;

static void derive(const store_put *p, derived *x)
{
    x->v[0] = p->published[0] ? p->published : NULL;
    x->v[1] = p->year ? fmt_i64(x->num[0], p->year) : NULL;
    x->v[2] = p->org_kind >= 0 ? fmt_i64(x->num[1], p->org_kind) : NULL;
    x->v[3] = fmt_i64(x->num[2], p->categories);
    x->v[4] = fmt_i64(x->num[3], p->data_classes);
    x->v[5] = fmt_i64(x->num[4], p->authorities);
    x->v[6] = fmt_i64(x->num[5], p->vectors);
    x->v[7] = fmt_i64(x->num[6], p->measures);
    x->v[8] = p->has_affected ? fmt_i64(x->num[7], p->affected) : NULL;
    x->v[9] = p->report_no ? fmt_i64(x->num[8], p->report_no) : NULL;
    x->v[10] = fmt_i64(x->num[9], p->followup);
}

static jkb_status put_actors(pgc *d, int64_t id, const store_put *p, int replace, jkb_err *err)
{
    char num[24];
    const char *v[2] = {fmt_i64(num, id), NULL};
    PGresult *r;
    if (replace) {
        r = exec_st(d, ST_ACTOR_DELETE, 1, v, NULL, NULL);
        if (!res_ok(r)) {
            jkb_status rc = pg_fail(d, r, err, "storing actors");
            PQclear(r);
            return rc;
        }
        PQclear(r);
    }
    for (size_t i = 0; i < p->n_actors; i++) {
        if (!p->actors[i].s)
            continue;
        /* the name is a (pointer, length) view: sent in binary format, which
         * for text is its bytes */
        v[1] = p->actors[i].s;
        int len[2] = {0, (int)p->actors[i].len}, fmt[2] = {0, 1};
        r = exec_st(d, ST_ACTOR_INSERT, 2, v, len, fmt);
        if (!res_ok(r)) {
            jkb_status rc = pg_fail(d, r, err, "storing actors");
            PQclear(r);
            return rc;
        }
        PQclear(r);
    }
    return JKB_OK;
}

static jkb_status one_id(pgc *d, PGresult *r, int64_t *id, jkb_err *err, const char *what)
{
    jkb_status rc = JKB_OK;
    if (!res_ok(r))
        rc = pg_fail(d, r, err, what);
    else if (PQntuples(r) == 1)
        *id = p_i64(PQgetvalue(r, 0, 0));
    PQclear(r);
    return rc;
}

/* The incident of a new notice (see store_ops.put). */
static jkb_status find_incident(pgc *d, const store_put *p, int64_t *incident, jkb_err *err)
{
    char lo[11], hi[11], num[24];
    int dated = p->org_key && p->published[0];
    int has_lo = dated && shift_date(p->published, -STORE_FOLLOWUP_DAYS, lo);
    int has_hi = dated && shift_date(p->published, STORE_FOLLOWUP_DAYS, hi);
    jkb_status rc;
    *incident = 0;
    if (p->followup && has_lo) {
        const char *v[3] = {p->org_key, p->published, lo};
        PGresult *r = exec_st(d, ST_FOLLOW, 3, v, NULL, NULL);
        if (!res_ok(r)) {
            rc = pg_fail(d, r, err, "linking follow-ups");
            PQclear(r);
            return rc;
        }
        store_follow f;
        store_follow_init(&f, p);
        for (int i = 0; i < PQntuples(r); i++)
            store_follow_add(&f, p_i64(PQgetvalue(r, i, 0)), (uint32_t)p_i64(PQgetvalue(r, i, 1)),
                             PQgetisnull(r, i, 2) ? NULL : PQgetvalue(r, i, 2), (size_t)PQgetlength(r, i, 2),
                             PQgetisnull(r, i, 3) ? 0 : (int)p_i64(PQgetvalue(r, i, 3)));
        PQclear(r);
        if ((*incident = store_follow_pick(&f)))
            return JKB_OK;
    }
    const char *v[4] = {p->org, p->org_key, p->published[0] ? p->published : NULL, p->followup ? "0" : "1"};
    if ((rc = one_id(d, exec_st(d, ST_INCIDENT_NEW, 4, v, NULL, NULL), incident, err, "creating an incident")))
        return rc;
    if (p->followup || !has_hi)
        return JKB_OK;
    /* a first report stored after its follow-ups takes them in */
    const char *w[4] = {p->org_key, p->published, hi, fmt_i64(num, *incident)};
    for (int st = ST_ADOPT; st <= ST_ORPHANS_DEL; st++) {
        PGresult *r = exec_st(d, st, 4, w, NULL, NULL);
        if (!res_ok(r)) {
            rc = pg_fail(d, r, err, "linking follow-ups");
            PQclear(r);
            return rc;
        }
        PQclear(r);
    }
    return JKB_OK;
}

static jkb_status pg_put(jkb_store *s, const store_put *p, jkb_put_outcome *outcome, int64_t *id, jkb_err *err)
{
    pgc *d = s->impl;
    const jkb_notice_in *in = p->in;
    jkb_status rc;
    PGresult *r;
    char num[3][24];
    if (in->len > 0x3fffffff || p->record_len > 0x3fffffff)
        return store_fail(err, JKB_ETOOBIG, "a notice of more than 1 GB (PostgreSQL's limit for a value)");
    if (memchr(in->text, 0, in->len))
        return store_fail(err, JKB_EINVAL, "a notice text holding a NUL byte cannot be stored in PostgreSQL");
    const char *fv[2] = {p->hash, p->title};
    r = exec_st(d, ST_FIND, 2, fv, NULL, NULL);
    if (!res_ok(r)) {
        rc = pg_fail(d, r, err, "looking up the notice");
        PQclear(r);
        return rc;
    }
    derived x;
    derive(p, &x);
    if (PQntuples(r) == 1) {
        int64_t nid = p_i64(PQgetvalue(r, 0, 0));
        const char *old = PQgetvalue(r, 0, 1);
        size_t oldlen = (size_t)PQgetlength(r, 0, 1);
        int title_changed = PQgetvalue(r, 0, 2)[0] == '1';
        size_t oc = store_record_core(old, oldlen);
        int same = oc == p->record_core_len && memcmp(old, p->record_json, oc) == 0;
        PQclear(r);
        *id = nid;
        if (same) {
            *outcome = JKB_PUT_UNCHANGED;
            return JKB_OK;
        }
        const char *v[21] = {fmt_i64(num[0], nid)};
        memcpy(v + 1, x.v, sizeof x.v);
        v[12] = p->case_id;
        v[13] = p->leak_status;
        v[14] = p->org;
        v[15] = p->org_key;
        v[16] = p->title;
        v[17] = in->source;
        v[18] = fmt_i64(num[1], (int64_t)in->index);
        v[19] = in->engine_version;
        v[20] = p->record_json;
        int len[21] = {0}, fmt[21] = {0};
        len[20] = (int)p->record_len; /* binary: the bytes as they are, no NUL needed */
        fmt[20] = 1;
        r = exec_st(d, ST_UPDATE, 21, v, len, fmt);
        if (!res_ok(r)) {
            rc = pg_fail(d, r, err, "updating the notice");
            PQclear(r);
            return rc;
        }
        PQclear(r);
        if ((rc = put_actors(d, nid, p, 1, err)))
            return rc;
        if (title_changed)
            note_pairs(d, p->title, in->text, in->len);
        *outcome = JKB_PUT_UPDATED;
        return JKB_OK;
    }
    PQclear(r);
    int64_t incident;
    if ((rc = find_incident(d, p, &incident, err)))
        return rc;
    const char *v[24] = {p->hash};
    memcpy(v + 1, x.v, sizeof x.v);
    v[12] = fmt_i64(num[0], incident);
    v[13] = p->case_id;
    v[14] = p->leak_status;
    v[15] = p->org;
    v[16] = p->org_key;
    v[17] = p->title;
    v[18] = in->source;
    v[19] = fmt_i64(num[1], (int64_t)in->index);
    v[20] = in->engine_version;
    v[21] = p->ingested_at;
    v[22] = p->record_json;
    v[23] = in->text; /* a view into the caller's document: binary, by length */
    int len[24] = {0}, fmt[24] = {0};
    len[22] = (int)p->record_len;
    len[23] = (int)in->len;
    fmt[22] = fmt[23] = 1;
    int64_t nid = 0;
    if ((rc = one_id(d, exec_st(d, ST_INSERT, 24, v, len, fmt), &nid, err, "storing the notice")))
        return rc;
    if ((rc = put_actors(d, nid, p, 0, err)))
        return rc;
    note_pairs(d, p->title, in->text, in->len);
    if (d->oom)
        return store_fail(err, JKB_ENOMEM, "out of memory");
    *id = nid;
    *outcome = JKB_PUT_STORED;
    return JKB_OK;
}

/* ------------------------------------------------------------ queries */

/* SQL text with its bound values: the text is built from constant pieces
 * only; every value from the caller is a parameter ($N), typed in the text. */
typedef struct qb {
    char sql[SQL_MAX];
    size_t len;
    const char *v[MAX_BINDS];
    char num[MAX_BINDS][24];
    int nb;
    int overflow;
} qb;

static void q_sql(qb *q, const char *frag)
{
    size_t n = strlen(frag);
    if (q->len + n >= sizeof q->sql) {
        q->overflow = 1;
        return;
    }
    memcpy(q->sql + q->len, frag, n + 1);
    q->len += n;
}

/* A parameter: "$N::type". */
static void q_param(qb *q, const char *v, const char *type)
{
    char ref[40];
    if (q->nb == MAX_BINDS) {
        q->overflow = 1;
        return;
    }
    q->v[q->nb++] = v;
    snprintf(ref, sizeof ref, "$%d::%s", q->nb, type);
    q_sql(q, ref);
}

static void q_int(qb *q, int64_t v)
{
    if (q->nb == MAX_BINDS) {
        q->overflow = 1;
        return;
    }
    q_param(q, fmt_i64(q->num[q->nb], v), "bigint");
}

static void q_text(qb *q, const char *s) { q_param(q, s, "text"); }

/* What the filters of one query own beyond the builder. */
typedef struct qctx {
    char *own[2 * STORE_MAX_TERMS];
    int nown;
    int none; /* a term no notice contains: nothing matches */
} qctx;

static void qctx_free(qctx *c)
{
    for (int i = 0; i < c->nown; i++)
        free(c->own[i]);
}

static char *keep(qctx *c, char *p)
{
    if (p)
        c->own[c->nown++] = p;
    return p;
}

/* %term% for LIKE, with % _ and \ escaped (backslash is LIKE's default
 * escape character). */
static char *like_pattern(const char *s, size_t n)
{
    char *p = malloc(n * 2 + 3);
    if (!p)
        return NULL;
    size_t k = 0;
    p[k++] = '%';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
            p[k++] = '\\';
        p[k++] = s[i];
    }
    p[k++] = '%';
    p[k] = 0;
    return p;
}

/* The operator and pattern of a term of three or more characters, all
 * searched through the trigram index:
 *   - no character with another case (Japanese): LIKE '%term%', bytes;
 *   - cased, every character below U+0800 (Latin, Greek, Cyrillic): the
 *     case-insensitive regex ~* '***=term' (***= makes the rest a literal
 *     string), twice as fast as ILIKE, which lower-cases every candidate
 *     text first; pg_trgm reads trigrams out of such a regex, but not out
 *     of characters from U+0800 up (its regex analysis gives them up);
 *   - otherwise ILIKE '%term%'. */
static char *long_pattern(const char *s, size_t n, const char **op)
{
    int cased = 0, low = 1;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        i += utf8_next((const unsigned char *)s + i, n - i, &c);
        cased |= !caseless(c);
        low &= c < 0x800;
    }
    if (cased && low) {
        char *p = malloc(n + 5);
        if (p) {
            memcpy(p, "***=", 4);
            memcpy(p + 4, s, n);
            p[n + 4] = 0;
        }
        *op = " ~* ";
        return p;
    }
    *op = cased ? " ILIKE " : " LIKE ";
    return like_pattern(s, n);
}

/* A text[] literal of LIKE patterns %arm%: each arm is before + term +
 * after (code points, 0: none). */
static char *arms_literal(const char *t, size_t tlen, const uint32_t *before, size_t nb, const uint32_t *after,
                          size_t na)
{
    /* per arm: quotes, %%, a comma, the term and two characters, each byte
     * escaped at most twice over (LIKE, then the array literal) */
    size_t per = 8 + 4 * (tlen + 8);
    size_t n = (nb ? nb : 1) * (na ? na : 1);
    char *out = malloc(2 + n * per);
    if (!out)
        return NULL;
    size_t k = 0;
    out[k++] = '{';
    for (size_t i = 0; i < (nb ? nb : 1); i++)
        for (size_t j = 0; j < (na ? na : 1); j++) {
            char arm[STORE_MAX_TERM_BYTES + 8];
            size_t al = 0;
            if (nb)
                al += utf8_put(arm + al, before[i]);
            memcpy(arm + al, t, tlen);
            al += tlen;
            if (na)
                al += utf8_put(arm + al, after[j]);
            if (k > 1)
                out[k++] = ',';
            out[k++] = '"';
            out[k++] = '%';
            for (size_t b = 0; b < al; b++) {
                char c = arm[b];
                if (c == '%' || c == '_' || c == '\\') {
                    /* LIKE's escape, itself escaped for the array literal */
                    out[k++] = '\\';
                    out[k++] = '\\';
                }
                if (c == '"' || c == '\\')
                    out[k++] = '\\';
                out[k++] = c;
            }
            out[k++] = '%';
            out[k++] = '"';
        }
    out[k++] = '}';
    out[k] = 0;
    return out;
}

/* "{1,2,3}" → code points; returns how many (at most cap). */
static size_t parse_int_array(const char *s, uint32_t *out, size_t cap)
{
    size_t n = 0;
    for (; s && *s; s++) {
        if (*s < '0' || *s > '9')
            continue;
        uint32_t v = 0;
        for (; *s >= '0' && *s <= '9'; s++)
            if (v < 0x200000)
                v = v * 10 + (uint32_t)(*s - '0');
        if (n < cap)
            out[n++] = v;
        if (!*s)
            break;
    }
    return n;
}

/* A term of one or two characters. pg_trgm needs three characters to use
 * its index: a LIKE of '%紛失%' would read every notice. text_bigrams holds
 * every pair of neighbouring characters ever indexed, newlines at both ends
 * of the title and the text included, so every occurrence of the term has
 * some character x before it with (x, first) in text_bigrams, and some y
 * after it with (last, y) there. The search is then an index search for
 * any of x+term (or term+y, whichever list is shorter; x+term+y for one
 * character), which finds exactly the notices that hold the term:
 *   - a term that no pair holds is in no notice: nothing matches, at once;
 *   - a term with few neighbours (the rare ones, which a scan would pay
 *     the most for) becomes LIKE ANY('{%x紛失%, …}'), each arm using the
 *     index, with one pass over each candidate's text;
 *   - a term with many neighbours, or with a character that pg_trgm does
 *     not index (punctuation: no trigram), is checked with strpos on the
 *     rows; such terms are common, so the newest-first walk with a limit
 *     stops early.
 * This is the same idea as the SQLite backend's (FTS5's vocabulary of
 * trigrams), kept by hand: a few hundred thousand pairs, where a table of
 * pairs per notice would hold tens of millions of rows. */
typedef struct short_probe {
    int exists;
    int64_t ntrgm;
    uint32_t before[SHORT_TERM_MAX_ARMS + 1], after[SHORT_TERM_MAX_ARMS + 1];
    size_t nb, na;
} short_probe;

/* What text_bigrams knows of a short term (s, len bytes, nchars). */
static jkb_status short_probe_run(pgc *d, const char *s, size_t len, size_t nchars, short_probe *p, jkb_err *err)
{
    char ch[2][5];
    size_t cl[2] = {0, 0}, at = 0;
    for (size_t i = 0; i < nchars && i < 2; i++) {
        uint32_t cp;
        cl[i] = utf8_next((const unsigned char *)s + at, len - at, &cp);
        memcpy(ch[i], s + at, cl[i]);
        ch[i][cl[i]] = 0;
        at += cl[i];
    }
    char cap[24];
    const char *v[3] = {ch[0], nchars == 2 ? ch[1] : NULL, fmt_i64(cap, SHORT_TERM_MAX_ARMS + 1)};
    PGresult *r = exec_st(d, ST_SHORT, 3, v, NULL, NULL);
    if (!res_ok(r) || PQntuples(r) != 1) {
        jkb_status rc = pg_fail(d, r, err, "searching");
        PQclear(r);
        return rc;
    }
    p->ntrgm = p_i64(PQgetvalue(r, 0, 0));
    p->exists = PQgetvalue(r, 0, 1)[0] == '1';
    p->nb = parse_int_array(PQgetvalue(r, 0, 2), p->before, SHORT_TERM_MAX_ARMS + 1);
    p->na = parse_int_array(PQgetvalue(r, 0, 3), p->after, SHORT_TERM_MAX_ARMS + 1);
    PQclear(r);
    return JKB_OK;
}

/* The condition of a short term that exists, after lead (" AND ", ""). */
static jkb_status short_emit(const short_probe *p, const char *s, size_t len, size_t nchars, qb *q, qctx *c,
                             const char *lead, jkb_err *err)
{
    int cased = !caseless_str(s, len);
    /* every character a word character for pg_trgm: "ab" gives "  a",
     * " ab", "ab " */
    int indexed = p->ntrgm == (int64_t)nchars + 1;
    size_t nb = p->nb, na = p->na, arms = 0;
    if (nchars == 2) {
        /* one side only: the shorter list */
        if (nb <= na)
            na = 0;
        else
            nb = 0;
        arms = nb + na;
    } else {
        arms = nb * na;
    }
    if (indexed && arms >= 1 && arms <= SHORT_TERM_MAX_ARMS) {
        for (size_t i = 0; i < nb; i++)
            cased |= !caseless(p->before[i]);
        for (size_t i = 0; i < na; i++)
            cased |= !caseless(p->after[i]);
        char *lit = keep(c, arms_literal(s, len, p->before, nb, p->after, na));
        if (!lit)
            return store_fail(err, JKB_ENOMEM, "out of memory");
        q_sql(q, lead);
        q_sql(q, FTS_DOC);
        q_sql(q, cased ? " ILIKE ANY(" : " LIKE ANY(");
        q_param(q, lit, "text[]");
        q_sql(q, ")");
        return JKB_OK;
    }
    /* strpos: never an index condition, so the planner cannot pick a
     * whole-index GIN scan for it; lower() on both sides is what ILIKE
     * does */
    q_sql(q, lead); /* s is a term or its other width: NUL-terminated, kept by the query */
    q_sql(q, cased ? "(strpos(lower(n.title), lower(" : "(strpos(n.title, ");
    q_text(q, s);
    q_sql(q, cased ? ")) > 0 OR strpos(lower(n.text), lower(" : ") > 0 OR strpos(n.text, ");
    q_text(q, s);
    q_sql(q, cased ? ")) > 0)" : ") > 0)");
    return JKB_OK;
}

/* A short term, or its other width (USB, ＵＳＢ): the one that occurs, or
 * either of them. */
static jkb_status short_term(pgc *d, const store_term *t, qb *q, qctx *c, jkb_err *err)
{
    short_probe p1, p2;
    jkb_status rc = short_probe_run(d, t->s, t->len, t->nchars, &p1, err);
    if (rc)
        return rc;
    p2.exists = 0;
    if (t->alt && (rc = short_probe_run(d, t->alt, t->alt_len, t->nchars, &p2, err)) != JKB_OK)
        return rc;
    if (!p1.exists && !p2.exists) {
        c->none = 1;
        return JKB_OK;
    }
    if (p1.exists && p2.exists) {
        q_sql(q, " AND (");
        if ((rc = short_emit(&p1, t->s, t->len, t->nchars, q, c, "", err)) != JKB_OK)
            return rc;
        q_sql(q, " OR ");
        if ((rc = short_emit(&p2, t->alt, t->alt_len, t->nchars, q, c, "", err)) != JKB_OK)
            return rc;
        q_sql(q, ")");
        return JKB_OK;
    }
    return p1.exists ? short_emit(&p1, t->s, t->len, t->nchars, q, c, " AND ", err)
                     : short_emit(&p2, t->alt, t->alt_len, t->nchars, q, c, " AND ", err);
}

/* The full-text conditions of sq (after "WHERE true"); c->none when a
 * term is in no notice. */
static jkb_status where_terms(pgc *d, const store_query *sq, qb *q, qctx *c, jkb_err *err)
{
    const char *op;
    for (size_t i = 0; i < sq->n_terms; i++) {
        const store_term *t = &sq->terms[i];
        if (t->nchars < 3) {
            jkb_status rc = short_term(d, t, q, c, err);
            if (rc || c->none)
                return rc;
            continue;
        }
        char *pat = keep(c, long_pattern(t->s, t->len, &op));
        if (!pat)
            return store_fail(err, JKB_ENOMEM, "out of memory");
        if (!t->alt) {
            q_sql(q, " AND " FTS_DOC);
            q_sql(q, op);
            q_text(q, pat);
            continue;
        }
        /* the term or its other width (USBメモリ, ＵＳＢメモリ) */
        const char *op2;
        char *pat2 = keep(c, long_pattern(t->alt, t->alt_len, &op2));
        if (!pat2)
            return store_fail(err, JKB_ENOMEM, "out of memory");
        q_sql(q, " AND (" FTS_DOC);
        q_sql(q, op);
        q_text(q, pat);
        q_sql(q, " OR " FTS_DOC);
        q_sql(q, op2);
        q_text(q, pat2);
        q_sql(q, ")");
    }
    return JKB_OK;
}

/* The other conditions of sq: filters the order index holds, dates. */
static void where_filters(const store_query *sq, qb *q)
{
    const jkb_query *qq = sq->q;
    if (qq->category >= 0) {
        q_sql(q, " AND (n.categories & ");
        q_int(q, (int64_t)1 << qq->category);
        q_sql(q, ") <> 0");
    }
    if (qq->data_class >= 0) {
        q_sql(q, " AND (n.data_classes & ");
        q_int(q, (int64_t)1 << qq->data_class);
        q_sql(q, ") <> 0");
    }
    if (qq->authority >= 0) {
        q_sql(q, " AND (n.authorities & ");
        q_int(q, (int64_t)1 << qq->authority);
        q_sql(q, ") <> 0");
    }
    if (qq->org_kind >= 0) {
        q_sql(q, " AND n.org_kind = ");
        q_int(q, qq->org_kind);
    }
    if (qq->actor) {
        q_sql(q, " AND n.id IN (SELECT notice_id FROM actors WHERE lower(name) = lower(");
        q_text(q, qq->actor);
        q_sql(q, "))");
    }
    if (sq->since[0]) {
        q_sql(q, " AND n.published >= ");
        q_text(q, sq->since);
    }
    if (sq->until[0]) {
        q_sql(q, " AND n.published < ");
        q_text(q, sq->until);
    }
}

/* The WHERE clause (after "WHERE true") of a query on notices n. */
static jkb_status where(pgc *d, const store_query *sq, qb *q, qctx *c, jkb_err *err)
{
    jkb_status rc = where_terms(d, sq, q, c, err);
    if (rc || c->none)
        return rc;
    where_filters(sq, q);
    return JKB_OK;
}

/* A query about to read text_bigrams inside a transaction sees this
 * transaction's notices too. */
static jkb_status before_query(jkb_store *s, jkb_err *err)
{
    pgc *d = s->impl;
    return s->in_tx ? flush_pairs(d, err) : JKB_OK;
}

static jkb_status q_exec(pgc *d, const qb *q, PGresult **out, jkb_err *err, const char *what)
{
    *out = NULL;
    if (q->overflow)
        return store_fail(err, JKB_EINVAL, "the query is too long");
    PGresult *r = PQexecParams(d->conn, q->sql, q->nb, NULL, q->v, NULL, NULL, 0);
    if (!res_ok(r)) {
        jkb_status rc = pg_fail(d, r, err, what);
        PQclear(r);
        return rc;
    }
    *out = r;
    return JKB_OK;
}

typedef int (*res_row_fn)(const PGresult *r, int row, void *ud); /* non-zero: stop */

/* The rows of q through a cursor, FETCH_ROWS at a time: an export of the
 * whole casebook never sits in memory at once, and between fetches the
 * connection is free for whatever the callback asks of the store. Outside
 * a transaction the cursor gets its own (read only). */
static jkb_status each_cursor(pgc *d, int in_tx, const qb *q, res_row_fn fn, void *ud, size_t *count, jkb_err *err,
                              const char *what)
{
    char name[32], cmd[80];
    jkb_status rc = JKB_OK;
    size_t n = 0;
    int declared = 0;
    char *decl = NULL;
    if (count)
        *count = 0;
    if (q->overflow)
        return store_fail(err, JKB_EINVAL, "the query is too long");
    snprintf(name, sizeof name, "jkb_rows_%u", ++d->cursors);
    if (!in_tx && (rc = exec_plain(d, "BEGIN READ ONLY", err, what)))
        return rc;
    size_t dl = q->len + 64;
    decl = malloc(dl);
    if (!decl) {
        rc = store_fail(err, JKB_ENOMEM, "out of memory");
        goto out;
    }
    snprintf(decl, dl, "DECLARE %s NO SCROLL CURSOR FOR %s", name, q->sql);
    PGresult *r = PQexecParams(d->conn, decl, q->nb, NULL, q->v, NULL, NULL, 0);
    if (!res_ok(r)) {
        rc = pg_fail(d, r, err, what);
        PQclear(r);
        goto out;
    }
    PQclear(r);
    declared = 1;
    snprintf(cmd, sizeof cmd, "FETCH " FETCH_ROWS " FROM %s", name);
    for (;;) {
        r = PQexec(d->conn, cmd);
        if (!res_ok(r)) {
            rc = pg_fail(d, r, err, what);
            PQclear(r);
            goto out;
        }
        int rows = PQntuples(r);
        for (int i = 0; i < rows; i++) {
            n++;
            if (fn && fn(r, i, ud)) {
                rc = JKB_ESTOP;
                break;
            }
        }
        PQclear(r);
        if (rc || rows < FETCH_N)
            break;
    }
out:
    if (declared && rc != JKB_ESTOP && rc != JKB_OK)
        declared = 0; /* the failed transaction took the cursor with it */
    if (declared) {
        snprintf(cmd, sizeof cmd, "CLOSE %s", name);
        jkb_status cr = exec_plain(d, cmd, rc ? NULL : err, what);
        if (!rc)
            rc = cr;
    }
    if (!in_tx) {
        if (rc == JKB_OK || rc == JKB_ESTOP) {
            jkb_status cr = exec_plain(d, "COMMIT", rc ? NULL : err, what);
            if (!rc)
                rc = cr;
        } else {
            exec_plain(d, "ROLLBACK", NULL, what);
        }
    }
    free(decl);
    if (count)
        *count = n;
    return rc;
}

static void fill_row(const PGresult *r, int i, jkb_notice_row *row, int with_text)
{
    memset(row, 0, sizeof *row);
    row->id = p_i64(PQgetvalue(r, i, 0));
    row->incident_id = p_i64(PQgetvalue(r, i, 1));
    row->case_id = val(r, i, 2);
    row->title = val(r, i, 3);
    row->org = val(r, i, 4);
    row->org_kind = PQgetisnull(r, i, 5) ? -1 : (int)p_i64(PQgetvalue(r, i, 5));
    row->published = store_parse_date(val(r, i, 6));
    row->categories = (uint32_t)p_i64(PQgetvalue(r, i, 7));
    row->data_classes = (uint32_t)p_i64(PQgetvalue(r, i, 8));
    row->authorities = (uint32_t)p_i64(PQgetvalue(r, i, 9));
    row->has_affected = !PQgetisnull(r, i, 10);
    row->affected = p_i64(PQgetvalue(r, i, 10));
    row->source = val(r, i, 11);
    row->index = (size_t)p_i64(PQgetvalue(r, i, 12));
    row->record_json = val(r, i, 13);
    row->content_hash = val(r, i, 14);
    row->engine_version = val(r, i, 15);
    if (with_text) {
        row->text = PQgetvalue(r, i, 16);
        row->text_len = (size_t)PQgetlength(r, i, 16);
    }
}

typedef struct row_cb {
    jkb_row_fn fn;
    void *ud;
    size_t total;       /* the combined query's count column, when asked */
    int total_col;      /* 0: none */
} row_cb;

static int notice_row(const PGresult *r, int i, void *ud)
{
    row_cb *c = ud;
    jkb_notice_row row;
    if (c->total_col)
        c->total = (size_t)p_i64(PQgetvalue(r, i, c->total_col));
    fill_row(r, i, &row, 0);
    return c->fn ? c->fn(&row, c->ud) : 0;
}

/* out = prefix + the clause built in w (its parameters, the same $N) +
 * suffix. */
static void q_compose(qb *out, const char *prefix, const qb *w, const char *suffix)
{
    q_sql(out, prefix);
    q_sql(out, w->sql);
    q_sql(out, suffix);
    memcpy(out->v, w->v, sizeof w->v[0] * (size_t)w->nb);
    memcpy(out->num, w->num, sizeof w->num[0] * (size_t)w->nb);
    for (int i = 0; i < w->nb; i++)
        if (w->v[i] == w->num[i])
            out->v[i] = out->num[i];
    out->nb = w->nb;
    out->overflow |= w->overflow;
}

static void q_limit(qb *q, const jkb_query *qq)
{
    if (qq->limit) {
        q_sql(q, " LIMIT ");
        q_int(q, (int64_t)qq->limit);
    }
    if (qq->offset) {
        q_sql(q, " OFFSET ");
        q_int(q, (int64_t)qq->offset);
    }
}

#define NEWEST_FIRST " ORDER BY n.published DESC NULLS LAST, n.id DESC"

#define WINDOW_MIN 400
#define WINDOW_PER_ROW 10

/* The page of sq among the newest `window` notices that pass its filters
 * (which the order index holds: the window is a walk of that index), the
 * full text checked on those only. 1: the page filled there and went to
 * cb; -1: failed (*rc); 0: it did not fill, nothing went to cb. */
static int window_page(pgc *d, const store_query *sq, size_t window, row_cb *cb, jkb_status *rc, jkb_err *err)
{
    qb *q = calloc(1, sizeof *q);
    qctx c;
    memset(&c, 0, sizeof c);
    PGresult *r = NULL;
    int result = 0;
    if (!q) {
        *rc = store_fail(err, JKB_ENOMEM, "out of memory");
        return -1;
    }
    q_sql(q, "SELECT " ROW_COLUMNS " FROM (SELECT * FROM notices n WHERE true");
    where_filters(sq, q);
    q_sql(q, NEWEST_FIRST " LIMIT ");
    q_int(q, (int64_t)window);
    q_sql(q, ") n WHERE true");
    if ((*rc = where_terms(d, sq, q, &c, err)) != JKB_OK) {
        result = -1;
        goto out;
    }
    if (c.none)
        goto out; /* the exact route says so as well */
    q_sql(q, NEWEST_FIRST);
    q_limit(q, sq->q);
    if ((*rc = q_exec(d, q, &r, err, "searching")) != JKB_OK) {
        result = -1;
        goto out;
    }
    if ((size_t)PQntuples(r) < sq->q->limit)
        goto out;
    result = 1;
    for (int i = 0; i < PQntuples(r); i++)
        if (notice_row(r, i, cb)) {
            *rc = JKB_ESTOP;
            break;
        }
out:
    PQclear(r);
    qctx_free(&c);
    free(q);
    return result;
}

static jkb_status pg_search(jkb_store *s, const store_query *sq, jkb_row_fn fn, void *ud, size_t *total, jkb_err *err)
{
    pgc *d = s->impl;
    qb *w = calloc(1, sizeof *w), *q = calloc(1, sizeof *q), *cq = NULL;
    qctx c;
    memset(&c, 0, sizeof c);
    PGresult *r = NULL;
    jkb_status rc;
    if (!w || !q) {
        rc = store_fail(err, JKB_ENOMEM, "out of memory");
        goto out;
    }
    if (total)
        *total = 0;
    if ((rc = before_query(s, err)))
        goto out;
    rc = where(d, sq, w, &c, err);
    if (rc || c.none)
        goto out;
    row_cb cb = {fn, ud, 0, 0};
    size_t n = 0;
    if (total && sq->q->limit && sq->n_terms) {
        /* Newest first needs every match of a full-text search (each one's
         * text read back), and so does its count: both from one pass. The
         * matches keep only (id, published); the page's rows are read
         * after. */
        q_compose(q, "WITH m AS MATERIALIZED (SELECT n.id, n.published FROM notices n WHERE true", w,
                  "), t AS (SELECT id FROM m ORDER BY published DESC NULLS LAST, id DESC");
        q_limit(q, sq->q);
        q_sql(q, ") SELECT " ROW_COLUMNS ", (SELECT count(*) FROM m) FROM notices n JOIN t ON t.id = n.id"
                 NEWEST_FIRST);
        cb.total_col = 16;
        rc = each_cursor(d, s->in_tx, q, notice_row, &cb, &n, err, "searching");
        if (rc || n > 0 || sq->q->offset == 0) {
            if (!rc)
                *total = n ? cb.total : 0;
            goto out;
        }
        /* a page past the end: counted below */
    } else {
        if (!total && sq->q->limit && sq->n_terms) {
            /* A page of a full-text search: first among the newest notices
             * only. A common word fills the page there, and the GIN index
             * would have read every match and sorted them (hundreds of ms
             * at 100,000 notices). Exact when the page fills: every notice
             * outside the window is older than every one in it. A rarer
             * word falls through to the index. */
            size_t want = sq->q->offset + sq->q->limit;
            int w_rc = window_page(d, sq, WINDOW_MIN + WINDOW_PER_ROW * want, &cb, &rc, err);
            if (w_rc != 0)
                goto out;
        }
        /* Without a count, or without full text (the filters are checked
         * in the order index), the newest-first walk stops at the limit. */
        q_compose(q, "SELECT " ROW_COLUMNS " FROM notices n WHERE true", w, NEWEST_FIRST);
        q_limit(q, sq->q);
        rc = each_cursor(d, s->in_tx, q, notice_row, &cb, &n, err, "searching");
        if (rc || !total)
            goto out;
        if ((!sq->q->limit || n < sq->q->limit) && (n > 0 || sq->q->offset == 0)) {
            /* every match was seen (a page past the end says nothing) */
            *total = sq->q->offset + n;
            goto out;
        }
    }
    cq = calloc(1, sizeof *cq);
    if (!cq) {
        rc = store_fail(err, JKB_ENOMEM, "out of memory");
        goto out;
    }
    q_compose(cq, "SELECT count(*) FROM notices n WHERE true", w, "");
    if ((rc = q_exec(d, cq, &r, err, "searching")))
        goto out;
    *total = (size_t)p_i64(PQgetvalue(r, 0, 0));
out:
    PQclear(r);
    qctx_free(&c);
    free(w);
    free(q);
    free(cq);
    return rc;
}

/* Rows of a one-shot statement into fn; ENOTFOUND (with msg) when none. */
static jkb_status rows_of(pgc *d, int st, int64_t key, int with_text, jkb_row_fn fn, void *ud, jkb_err *err,
                          const char *what, const char *missing)
{
    char num[24];
    const char *v[1] = {fmt_i64(num, key)};
    PGresult *r = exec_st(d, st, 1, v, NULL, NULL);
    jkb_status rc = JKB_OK;
    if (!res_ok(r)) {
        rc = pg_fail(d, r, err, what);
    } else if (PQntuples(r) == 0) {
        rc = store_fail(err, JKB_ENOTFOUND, "no %s %lld in the casebook", missing, (long long)key);
    } else {
        for (int i = 0; i < PQntuples(r); i++) {
            jkb_notice_row row;
            fill_row(r, i, &row, with_text);
            if (fn(&row, ud)) {
                rc = JKB_ESTOP;
                break;
            }
        }
    }
    PQclear(r);
    return rc;
}

static jkb_status pg_get(jkb_store *s, int64_t id, jkb_row_fn fn, void *ud, jkb_err *err)
{
    return rows_of(s->impl, ST_GET, id, 1, fn, ud, err, "reading the notice", "notice");
}

static jkb_status pg_incident(jkb_store *s, int64_t incident_id, jkb_row_fn fn, void *ud, jkb_err *err)
{
    return rows_of(s->impl, ST_INCIDENT_ROWS, incident_id, 0, fn, ud, err, "reading the incident", "incident");
}

/* ------------------------------------------------------------ stats */

static const char *const BIT_COLUMNS[] = {
    [DIM_CATEGORY] = "n.categories", [DIM_VECTOR] = "n.vectors", [DIM_DATA_CLASS] = "n.data_classes",
    [DIM_AUTHORITY] = "n.authorities"};

static jkb_status pg_stats(jkb_store *s, store_dim dim, const store_query *sq, int notices, store_count_fn fn,
                           void *ud, jkb_err *err)
{
    pgc *d = s->impl;
    qb *q = calloc(1, sizeof *q);
    qctx c;
    memset(&c, 0, sizeof c);
    PGresult *r = NULL;
    jkb_status rc;
    int nbits = 0;
    if (!q)
        return store_fail(err, JKB_ENOMEM, "out of memory");
    if ((rc = before_query(s, err)))
        goto out;
    /* every fragment below is a constant of this file */
    static const char *const digits[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13",
                                         "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25",
                                         "26", "27", "28", "29", "30", "31"};
    const char *cnt = notices ? "count(*)" : "count(DISTINCT n.incident_id)";
    switch (dim) {
    case DIM_MONTH:
    case DIM_YEAR: {
        const char *period = dim == DIM_MONTH ? "substr(n.published, 1, 7)" : "n.year::text";
        if (notices) {
            q_sql(q, "SELECT ");
            q_sql(q, period);
            q_sql(q, ", count(*) FROM notices n WHERE true");
        } else {
            /* an incident counts in the period of its first notice */
            q_sql(q, "SELECT p, count(*) FROM (SELECT min(");
            q_sql(q, period);
            q_sql(q, ") AS p FROM notices n WHERE true");
        }
        break;
    }
    case DIM_ORG_KIND:
        q_sql(q, "SELECT n.org_kind::text, ");
        q_sql(q, cnt);
        q_sql(q, " FROM notices n WHERE true");
        break;
    case DIM_ACTOR:
        /* one label per spelling group, the same one SQLite picks (bytes) */
        q_sql(q, "SELECT min(a.name COLLATE \"C\"), ");
        q_sql(q, cnt);
        q_sql(q, " FROM actors a JOIN notices n ON n.id = a.notice_id WHERE true");
        break;
    default:
        nbits = dim == DIM_CATEGORY ? JKB_CAT__COUNT : dim == DIM_VECTOR ? JKB_VEC__COUNT :
                dim == DIM_DATA_CLASS ? JKB_DATA__COUNT : JKB_AUTH__COUNT;
        if (nbits > 32)
            nbits = 32;
        q_sql(q, "SELECT ");
        for (int b = 0; b < nbits; b++) {
            if (b)
                q_sql(q, ", ");
            /* one pass: a column per bit */
            q_sql(q, notices ? "sum((" : "count(DISTINCT CASE WHEN ((");
            q_sql(q, BIT_COLUMNS[dim]);
            q_sql(q, " >> ");
            q_sql(q, digits[b]);
            q_sql(q, notices ? ") & 1)" : ") & 1) = 1 THEN n.incident_id END)");
        }
        q_sql(q, " FROM notices n WHERE true");
        break;
    }
    rc = where(d, sq, q, &c, err);
    if (rc || c.none)
        goto out;
    if (dim == DIM_MONTH || dim == DIM_YEAR)
        q_sql(q, notices ? " GROUP BY 1" : " GROUP BY n.incident_id) x GROUP BY p");
    else if (dim == DIM_ORG_KIND)
        q_sql(q, " GROUP BY n.org_kind");
    else if (dim == DIM_ACTOR)
        q_sql(q, " GROUP BY lower(a.name)");
    if ((rc = q_exec(d, q, &r, err, "counting")))
        goto out;
    for (int i = 0; i < PQntuples(r); i++) {
        if (nbits) {
            for (int b = 0; b < nbits; b++)
                if (fn(digits[b], p_i64(PQgetvalue(r, i, b)), ud)) {
                    rc = JKB_ESTOP;
                    goto out;
                }
            continue;
        }
        if (fn(val(r, i, 0), p_i64(PQgetvalue(r, i, 1)), ud)) {
            rc = JKB_ESTOP;
            goto out;
        }
    }
out:
    PQclear(r);
    qctx_free(&c);
    free(q);
    return rc;
}

typedef struct rec_cb {
    store_record_fn fn;
    void *ud;
} rec_cb;

static int record_row(const PGresult *r, int i, void *ud)
{
    rec_cb *c = ud;
    return c->fn(p_i64(PQgetvalue(r, i, 0)), val(r, i, 1), val(r, i, 2), c->ud);
}

static jkb_status pg_each_record(jkb_store *s, const store_query *sq, store_record_fn fn, void *ud, jkb_err *err)
{
    pgc *d = s->impl;
    qb *q = calloc(1, sizeof *q);
    qctx c;
    memset(&c, 0, sizeof c);
    jkb_status rc;
    if (!q)
        return store_fail(err, JKB_ENOMEM, "out of memory");
    if ((rc = before_query(s, err)))
        goto out;
    q_sql(q, "SELECT n.incident_id, n.published, n.record_json FROM notices n WHERE true");
    rc = where(d, sq, q, &c, err);
    if (rc || c.none)
        goto out;
    q_sql(q, " ORDER BY n.incident_id");
    rec_cb cb = {fn, ud};
    rc = each_cursor(d, s->in_tx, q, record_row, &cb, NULL, err, "reading the records");
out:
    qctx_free(&c);
    free(q);
    return rc;
}

/* A page of notices at a time by id: the callback may write, even commit
 * (reindex updates the rows being walked), between pages as within one. */
static jkb_status pg_each_text(jkb_store *s, jkb_text_fn fn, void *ud, jkb_err *err)
{
    pgc *d = s->impl;
    int64_t last = 0;
    for (;;) {
        char num[24];
        const char *v[1] = {fmt_i64(num, last)};
        PGresult *r = exec_st(d, ST_NEXT_TEXTS, 1, v, NULL, NULL);
        if (!res_ok(r)) {
            jkb_status rc = pg_fail(d, r, err, "reading the notices");
            PQclear(r);
            return rc;
        }
        int rows = PQntuples(r);
        for (int i = 0; i < rows; i++) {
            last = p_i64(PQgetvalue(r, i, 0));
            if (fn(last, PQgetvalue(r, i, 1), (size_t)PQgetlength(r, i, 1), val(r, i, 2),
                   (size_t)p_i64(PQgetvalue(r, i, 3)), val(r, i, 4), ud)) {
                PQclear(r);
                return JKB_ESTOP;
            }
        }
        PQclear(r);
        if (rows < TEXT_PAGE_N)
            return JKB_OK;
    }
}

/* ------------------------------------------------------------ claims */

/* Claims are imported and linked now and then: plain parameterized
 * statements, not prepared ones. */
static jkb_status pg_params(pgc *d, const char *sql, int n, const char *const *v, PGresult **out, jkb_err *err,
                            const char *what)
{
    PGresult *r = PQexecParams(d->conn, sql, n, NULL, v, NULL, NULL, 0);
    if (!res_ok(r)) {
        jkb_status rc = pg_fail(d, r, err, what);
        PQclear(r);
        *out = NULL;
        return rc;
    }
    *out = r;
    return JKB_OK;
}

static jkb_status pg_claim_put(jkb_store *s, const jkb_claim *c, const char *claimed, const char *now, int *added,
                               jkb_err *err)
{
    const char *v[10] = {c->id,     claimed,   c->victim,      c->victim_alt, c->domain,
                         c->group,  c->source, c->description, c->country,    now};
    for (int i = 0; i < 10; i++)
        if (v[i] && !*v[i])
            v[i] = NULL;
    PGresult *r;
    jkb_status rc = pg_params(s->impl,
                              "INSERT INTO claims(id, claimed, victim, victim_alt, domain, grp, source, description,"
                              " country, imported_at) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                              " ON CONFLICT(id) DO NOTHING",
                              10, v, &r, err, "keeping a claim");
    if (!rc) {
        *added = strcmp(PQcmdTuples(r), "0") != 0;
        PQclear(r);
    }
    return rc;
}

static jkb_status pg_claims(jkb_store *s, jkb_claim_fn fn, void *ud, jkb_err *err)
{
    PGresult *r;
    jkb_status rc = pg_params(s->impl,
                              "SELECT id, claimed, victim, victim_alt, domain, grp, source, description, country"
                              " FROM claims ORDER BY seq",
                              0, NULL, &r, err, "reading the claims");
    if (rc)
        return rc;
    for (int i = 0; i < PQntuples(r); i++) {
        jkb_claim c = {val(r, i, 0), val(r, i, 2), val(r, i, 3), val(r, i, 4), val(r, i, 5),
                       store_parse_date(val(r, i, 1)), val(r, i, 6), val(r, i, 7), val(r, i, 8)};
        if (fn(&c, ud)) {
            rc = JKB_ESTOP;
            break;
        }
    }
    PQclear(r);
    return rc;
}

static jkb_status pg_claims_count(jkb_store *s, int64_t *n, jkb_err *err)
{
    PGresult *r;
    jkb_status rc = pg_params(s->impl, "SELECT count(*) FROM claims", 0, NULL, &r, err, "counting the claims");
    if (!rc) {
        *n = p_i64(val(r, 0, 0));
        PQclear(r);
    }
    return rc;
}

static jkb_status pg_links_clear(jkb_store *s, jkb_err *err)
{
    return exec_plain(s->impl, "DELETE FROM claim_links", err, "clearing the claim links");
}

static jkb_status pg_link_put(jkb_store *s, const jkb_claim_link *l, jkb_err *err)
{
    char id[24], score[32], delay[24];
    snprintf(score, sizeof score, "%.17g", l->score);
    const char *v[8] = {l->claim_id, fmt_i64(id, l->notice_id), score, l->reason,
                        l->has_delay ? fmt_i64(delay, l->delay_days) : NULL, l->delay_approx ? "1" : "0",
                        l->claim_json, l->linked_at};
    PGresult *r;
    jkb_status rc = pg_params(s->impl,
                              "INSERT INTO claim_links(claim_id, notice_id, score, reason, delay_days, delay_approx,"
                              " claim_json, linked_at) SELECT $1, id, $3::float8, $4, $5::integer, $6::integer, $7, $8"
                              " FROM notices WHERE id = $2::bigint ON CONFLICT (notice_id, claim_id) DO UPDATE SET"
                              " score = excluded.score, reason = excluded.reason, delay_days = excluded.delay_days,"
                              " delay_approx = excluded.delay_approx, claim_json = excluded.claim_json,"
                              " linked_at = excluded.linked_at",
                              8, v, &r, err, "keeping a claim link");
    if (rc)
        return rc;
    if (strcmp(PQcmdTuples(r), "0") == 0)
        rc = store_fail(err, JKB_ENOTFOUND, "no notice %lld in the casebook", (long long)l->notice_id);
    PQclear(r);
    return rc;
}

static jkb_status pg_incident_links(jkb_store *s, int64_t incident_id, jkb_link_fn fn, void *ud, jkb_err *err)
{
    char id[24];
    const char *v[1] = {fmt_i64(id, incident_id)};
    PGresult *r;
    jkb_status rc = pg_params(s->impl,
                              "SELECT l.claim_id, l.claim_json, l.notice_id, l.score, l.reason, l.delay_days,"
                              " l.delay_approx, l.linked_at FROM claim_links l JOIN notices n ON n.id = l.notice_id"
                              " WHERE n.incident_id = $1::bigint ORDER BY l.score DESC, l.claim_id, l.notice_id",
                              1, v, &r, err, "reading the claim links");
    if (rc)
        return rc;
    for (int i = 0; i < PQntuples(r); i++) {
        jkb_claim_link l = {val(r, i, 0),
                            val(r, i, 1),
                            p_i64(val(r, i, 2)),
                            strtod(PQgetvalue(r, i, 3), NULL),
                            val(r, i, 4),
                            !PQgetisnull(r, i, 5),
                            (int32_t)p_i64(val(r, i, 5)),
                            (int)p_i64(val(r, i, 6)),
                            val(r, i, 7)};
        if (fn(&l, ud)) {
            rc = JKB_ESTOP;
            break;
        }
    }
    PQclear(r);
    return rc;
}

const store_ops jkb_store_pg_ops = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .begin = pg_begin,
    .prepare_commit = pg_prepare_commit,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .put = pg_put,
    .search = pg_search,
    .get = pg_get,
    .incident = pg_incident,
    .stats = pg_stats,
    .each_record = pg_each_record,
    .each_text = pg_each_text,
    .claim_put = pg_claim_put,
    .claims = pg_claims,
    .claims_count = pg_claims_count,
    .links_clear = pg_links_clear,
    .link_put = pg_link_put,
    .incident_links = pg_incident_links,
};
