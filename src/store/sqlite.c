/*
 * The SQLite casebook backend: opens and migrates the file (WAL, foreign
 * keys), writes notices with their derived columns, incidents, actors and
 * the trigram full-text row, assigns case numbers at commit, and answers
 * searches (FTS5 MATCH; one- and two-character terms through the FTS5
 * vocabulary), stats and timelines with parameterized SQL only.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utf8proc.h>

#include "store_internal.h"

/* A one- or two-character term becomes an OR of the indexed trigrams that
 * begin with it; past this many it is checked with LIKE on the rows instead
 * (a one-character term over a large casebook). */
#define SHORT_TERM_MAX_TRIGRAMS 2000
/* Sort keys are day << DAY_SHIFT | the notice's number within its day. */
#define DAY_SHIFT 20
#define STR(x) #x
#define XSTR(x) STR(x)
#define SQL_MAX 6144
#define MAX_BINDS 96

enum {
    ST_FIND, ST_INSERT, ST_FTS_DELETE, ST_FTS_READD, ST_ACTOR_INSERT, ST_ACTOR_DELETE, ST_UPDATE,
    ST_FOLLOW, ST_INCIDENT_NEW, ST_ORPHANS, ST_ADOPT, ST_INCIDENT_DEL, ST_CASE_PENDING, ST_CASE_MAX, ST_CASE_SET,
    ST_BEGIN, ST_COMMIT, ST_ROLLBACK, ST_VOCAB, ST_GET, ST_INCIDENT_ROWS, ST_NEXT_TEXT, ST_NEXT_KEY, ST_FTS_BATCH, ST_ROW,
    ST_INCIDENT_LINKS, ST__COUNT
};

static const char *const SQL[ST__COUNT] = {
    [ST_FIND] = "SELECT id, record_json, title IS NOT ?2, sortkey FROM notices WHERE content_hash = ?1",
    [ST_INSERT] = "INSERT INTO notices(content_hash, published, year, org_kind, categories, data_classes, authorities,"
                  " vectors, measures, affected, report_no, followup, incident_id, case_id, leak_status, org, org_key,"
                  " title, source, idx, engine_version, ingested_at, record_json, text, sortkey)"
                  " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,"
                  " ?21, ?22, ?23, ?24, ?25)",
    [ST_FTS_DELETE] = "INSERT INTO notices_fts(notices_fts, rowid, title, text)"
                      " SELECT 'delete', id, title, text FROM notices_fts_src WHERE id = ?1",
    [ST_FTS_READD] = "INSERT INTO notices_fts(rowid, title, text) SELECT id, title, text FROM notices_fts_src WHERE id = ?1",
    [ST_ACTOR_INSERT] = "INSERT INTO actors(notice_id, name) VALUES(?1, ?2)",
    [ST_ACTOR_DELETE] = "DELETE FROM actors WHERE notice_id = ?1",
    [ST_UPDATE] = "UPDATE notices SET published = ?2, year = ?3, org_kind = ?4, categories = ?5, data_classes = ?6,"
                  " authorities = ?7, vectors = ?8, measures = ?9, affected = ?10, report_no = ?11, followup = ?12,"
                  " case_id = coalesce(?13, CASE WHEN case_auto THEN case_id END),"
                  " case_auto = CASE WHEN ?13 IS NULL THEN case_auto ELSE 0 END,"
                  " leak_status = ?14, org = ?15, org_key = ?16, title = ?17, source = ?18, idx = ?19,"
                  " engine_version = ?20, record_json = ?21, sortkey = ?22 WHERE id = ?1",
    [ST_FOLLOW] = "SELECT incident_id, categories, title, report_no FROM notices WHERE org_key = ?1 AND published <= ?2"
                  " AND published >= date(?2, '-" XSTR(STORE_FOLLOWUP_DAYS) " days') AND incident_id IS NOT NULL"
                  " ORDER BY published DESC, id DESC LIMIT " XSTR(STORE_FOLLOW_ROWS),
    [ST_INCIDENT_NEW] = "INSERT INTO incidents(org, org_key, first_published, has_first) VALUES(?1, ?2, ?3, ?4)",
    [ST_ORPHANS] = "SELECT id FROM incidents WHERE org_key = ?1 AND has_first = 0 AND first_published > ?2"
                   " AND first_published <= date(?2, '+" XSTR(STORE_FOLLOWUP_DAYS) " days') AND id <> ?3",
    [ST_ADOPT] = "UPDATE notices SET incident_id = ?1 WHERE incident_id = ?2",
    [ST_INCIDENT_DEL] = "DELETE FROM incidents WHERE id = ?1",
    [ST_CASE_PENDING] = "SELECT id, year FROM notices WHERE case_id IS NULL AND year IS NOT NULL ORDER BY published, id",
    [ST_CASE_MAX] = "SELECT max(CAST(substr(case_id, 6) AS INTEGER)) FROM notices"
                    " WHERE case_id >= ?1 AND case_id < ?2 AND substr(case_id, 6) NOT GLOB '*[^0-9]*'",
    [ST_CASE_SET] = "UPDATE notices SET case_id = ?2, case_auto = 1 WHERE id = ?1",
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_VOCAB] = "SELECT term FROM notices_vocab WHERE term >= ?1 AND term < ?2",
    [ST_GET] = NULL,           /* built from ROW_COLUMNS */
    [ST_INCIDENT_ROWS] = NULL, /* built from ROW_COLUMNS */
    [ST_ROW] = NULL,           /* built from ROW_COLUMNS */
    [ST_NEXT_TEXT] = "SELECT id, text, source, idx, engine_version FROM notices WHERE id > ?1 ORDER BY id LIMIT 1",
    /* the next key of a day (one writer at a time: BEGIN IMMEDIATE) */
    [ST_NEXT_KEY] = "SELECT coalesce(max(sortkey) + 1, ?1) FROM notices WHERE sortkey >= ?1 AND sortkey < ?2",
    /* the same values as the view notices_fts_src gives (see the schema) */
    [ST_FTS_BATCH] = "INSERT INTO notices_fts(rowid, title, text) SELECT sortkey, title || char(65535, 65535),"
                     " text || char(65535, 65535) FROM notices WHERE id >= ?1 ORDER BY +sortkey",
    /* every view of a notice asks for them (the server's incident view) */
    [ST_INCIDENT_LINKS] = "SELECT l.claim_id, l.claim_json, l.notice_id, l.score, l.reason, l.delay_days,"
                          " l.delay_approx, l.linked_at FROM claim_links l JOIN notices n ON n.id = l.notice_id"
                          " WHERE n.incident_id = ?1 ORDER BY l.score DESC, l.claim_id, l.notice_id",
};

/* The columns of a jkb_notice_row, in fill_row's order. */
#define ROW_COLUMNS                                                                                                    \
    "n.id, n.incident_id, n.case_id, n.title, n.org, n.org_kind, n.published, n.categories, n.data_classes,"           \
    " n.authorities, n.affected, n.source, n.idx, n.record_json, n.content_hash, n.engine_version"

typedef struct sq3 {
    sqlite3 *db;
    sqlite3_stmt *st[ST__COUNT];
    /* The first notice id written in the open transaction (0: none): the
     * notices from it on get their full-text rows at commit, in key order,
     * because FTS5 flushes its pending terms whenever a rowid comes lower
     * than the one before (and publication dates arrive in any order). */
    int64_t batch_first;
} sq3;

static jkb_status db_fail(sq3 *d, jkb_err *err, const char *what)
{
    int code = sqlite3_extended_errcode(d->db);
    if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
        return store_fail(err, JKB_ESTORE, "%s: the casebook is busy (another jikenbo is writing to it)", what);
    if ((code & 0xff) == SQLITE_FULL)
        return store_fail(err, JKB_ESTORE, "%s: the disk is full", what);
    if ((code & 0xff) == SQLITE_NOMEM)
        return store_fail(err, JKB_ENOMEM, "%s: out of memory", what);
    /* "disk I/O error" alone does not say what failed. A write refused for
     * a file size limit (EFBIG) or a partly full disk comes back as
     * IOERR_WRITE, and errno is often gone by then (sqlite3_system_errno
     * reads it late), so the reason is named by what was being done. */
    int sys = (code & 0xff) == SQLITE_IOERR ? sqlite3_system_errno(d->db) : 0;
    if (sys == ENOSPC || sys == EDQUOT || sys == EFBIG)
        return store_fail(err, JKB_ESTORE, "%s: the casebook cannot grow: %s", what, strerror(sys));
    if (code == SQLITE_IOERR_WRITE || code == SQLITE_IOERR_FSYNC || code == SQLITE_IOERR_TRUNCATE)
        return store_fail(err, JKB_ESTORE,
                          "%s: writing the casebook failed (a full disk, a file size limit or a disk error)", what);
    if (sys)
        return store_fail(err, JKB_ESTORE, "%s: %s (%s)", what, sqlite3_errmsg(d->db), strerror(sys));
    return store_fail(err, JKB_ESTORE, "%s: %s", what, sqlite3_errmsg(d->db));
}

static sqlite3_stmt *stmt(sq3 *d, int which)
{
    if (!d->st[which]) {
        const char *sql = SQL[which];
        if (which == ST_GET)
            sql = "SELECT " ROW_COLUMNS ", n.text FROM notices n WHERE n.id = ?1";
        else if (which == ST_ROW)
            sql = "SELECT " ROW_COLUMNS " FROM notices n WHERE n.id = ?1";
        else if (which == ST_INCIDENT_ROWS)
            sql = "SELECT " ROW_COLUMNS " FROM notices n WHERE n.incident_id = ?1 ORDER BY n.published IS NULL,"
                  " n.published, n.id";
        if (sqlite3_prepare_v3(d->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &d->st[which], NULL) != SQLITE_OK)
            return NULL;
    }
    sqlite3_reset(d->st[which]);
    sqlite3_clear_bindings(d->st[which]);
    return d->st[which];
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

/* Run a statement that returns no rows (or whose rows are ignored). */
static int run(sqlite3_stmt *s)
{
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        ;
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* ------------------------------------------------------------ open */

static jkb_status exec(sq3 *d, const char *sql, jkb_err *err, const char *what)
{
    if (sqlite3_exec(d->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(d, err, what);
    return JKB_OK;
}

static int read_version(sq3 *d, int *v)
{
    sqlite3_stmt *s = NULL;
    *v = 0;
    /* a casebook without meta is new (or not a casebook: then the schema
     * fails on its tables) */
    if (sqlite3_prepare_v2(d->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &s, NULL) != SQLITE_OK)
        return 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(s, 0);
        int x = 0;
        for (; t && *t >= '0' && *t <= '9' && x < 100000; t++)
            x = x * 10 + (*t - '0');
        *v = x ? x : -1;
    }
    sqlite3_finalize(s);
    return 0;
}

static jkb_status migrate(sq3 *d, jkb_err *err)
{
    jkb_status rc = JKB_OK;
    int have = 0, know = 0;
    store_schema("sqlite-", 0, NULL, &know);
    /* a current casebook needs no lock: a search runs beside an ingest */
    read_version(d, &have);
    if (have == know)
        return JKB_OK;
    if (have > know)
        return store_fail(err, JKB_ESTORE,
                          "casebook schema version %d was created by a newer jikenbo (this one knows %d)", have, know);
    /* the write lock first, so two processes do not both migrate */
    if ((rc = exec(d, "BEGIN IMMEDIATE", err, "opening the casebook")))
        return rc;
    read_version(d, &have);
    if (have < 0) {
        rc = store_fail(err, JKB_ESTORE, "the casebook's schema version is not a number");
        goto out;
    }
    if (have > know) {
        rc = store_fail(err, JKB_ESTORE, "casebook schema version %d was created by a newer jikenbo (this one knows %d)",
                        have, know);
        goto out;
    }
    for (int v = have + 1; v <= know; v++) {
        size_t len;
        const char *sql = store_schema("sqlite-", v, &len, NULL);
        if (!sql) {
            rc = store_fail(err, JKB_ESTORE, "schema file sqlite-%03d.sql is missing from this build", v);
            goto out;
        }
        char *emsg = NULL;
        if (sqlite3_exec(d->db, sql, NULL, NULL, &emsg) != SQLITE_OK) {
            rc = store_fail(err, JKB_ESTORE, "upgrading the casebook to schema version %d: %s", v,
                            emsg ? emsg : sqlite3_errmsg(d->db));
            sqlite3_free(emsg);
            goto out;
        }
        sqlite3_stmt *s = NULL;
        char num[16];
        snprintf(num, sizeof num, "%d", v);
        if (sqlite3_prepare_v2(d->db, "INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', ?1)", -1, &s,
                               NULL) != SQLITE_OK) {
            rc = db_fail(d, err, "upgrading the casebook");
            goto out;
        }
        sqlite3_bind_text(s, 1, num, -1, SQLITE_TRANSIENT);
        int r = run(s);
        sqlite3_finalize(s);
        if (r != SQLITE_OK) {
            rc = db_fail(d, err, "upgrading the casebook");
            goto out;
        }
    }
out:
    if (rc)
        sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
    else
        rc = exec(d, "COMMIT", err, "upgrading the casebook");
    return rc;
}

static void sq_close(jkb_store *s)
{
    sq3 *d = s->impl;
    if (!d)
        return;
    for (int i = 0; i < ST__COUNT; i++)
        sqlite3_finalize(d->st[i]);
    sqlite3_close_v2(d->db);
    free(d);
    s->impl = NULL;
}

static jkb_status sq_open(jkb_store *s, const char *target, jkb_err *err)
{
    jkb_status rc = JKB_OK;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (strncmp(target, "sqlite://", 9) == 0)
        target += 9;
    else if (strncmp(target, "sqlite:", 7) == 0)
        target += 7;
    else if (strncmp(target, "file:", 5) == 0)
        flags |= SQLITE_OPEN_URI;
    if (!*target)
        return store_fail(err, JKB_EINVAL, "no casebook path");
    /* SQLite says only "unable to open database file" for a folder */
    struct stat sb;
    if (!(flags & SQLITE_OPEN_URI) && stat(target, &sb) == 0 && S_ISDIR(sb.st_mode))
        return store_fail(err, JKB_ESTORE, "cannot open the casebook %.120s: it is a directory, not a file", target);
    sq3 *d = calloc(1, sizeof *d);
    if (!d)
        return store_fail(err, JKB_ENOMEM, "out of memory");
    s->impl = d;
    if (sqlite3_open_v2(target, &d->db, flags, NULL) != SQLITE_OK) {
        rc = store_fail(err, JKB_ESTORE, "cannot open the casebook %.120s: %s", target,
                        d->db ? sqlite3_errmsg(d->db) : "out of memory");
        goto out;
    }
    sqlite3_extended_result_codes(d->db, 1);
    /* another writer (a second ingest) waits instead of failing at once */
    sqlite3_busy_timeout(d->db, 10000);
    char *emsg = NULL;
    if (sqlite3_exec(d->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", NULL,
                     NULL, &emsg) != SQLITE_OK) {
        int code = sqlite3_errcode(d->db);
        rc = store_fail(err, JKB_ESTORE, "cannot open the casebook %.120s: %s", target,
                        code == SQLITE_NOTADB ? "not a SQLite casebook" : emsg ? emsg : sqlite3_errmsg(d->db));
        sqlite3_free(emsg);
        goto out;
    }
    rc = migrate(d, err);
    /* A 64 MiB page cache and a checkpoint every 40 MB of WAL: measured on
     * 100,000 notices, a third less time per notice than the defaults (2
     * MB, 4 MB), as the FTS5 segments being merged stay in memory. */
    if (!rc && sqlite3_exec(d->db, "PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=10000;", NULL, NULL, NULL) !=
                   SQLITE_OK)
        rc = db_fail(d, err, "opening the casebook");
out:
    if (rc)
        sq_close(s);
    return rc;
}

/* ------------------------------------------------------------ transactions */

static jkb_status sq_begin(jkb_store *s, jkb_err *err)
{
    sq3 *d = s->impl;
    d->batch_first = 0;
    sqlite3_stmt *st = stmt(d, ST_BEGIN);
    if (!st || run(st) != SQLITE_OK)
        return db_fail(d, err, "starting a transaction");
    return JKB_OK;
}

static jkb_status sq_commit(jkb_store *s, jkb_err *err)
{
    sq3 *d = s->impl;
    d->batch_first = 0;
    sqlite3_stmt *st = stmt(d, ST_COMMIT);
    if (!st || run(st) != SQLITE_OK) {
        jkb_status rc = db_fail(d, err, "committing");
        sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return JKB_OK;
}

static jkb_status sq_rollback(jkb_store *s, jkb_err *err)
{
    sq3 *d = s->impl;
    d->batch_first = 0;
    sqlite3_stmt *st = stmt(d, ST_ROLLBACK);
    if (!st || run(st) != SQLITE_OK)
        return db_fail(d, err, "rolling back");
    return JKB_OK;
}

/* Case numbers per year, in order of publication, past the numbers given;
 * then the batch's full-text rows. */
static jkb_status sq_prepare_commit(jkb_store *s, jkb_err *err)
{
    sq3 *d = s->impl;
    struct {
        int year;
        int64_t next;
    } seen[64];
    int nseen = 0;
    int64_t *ids = NULL;
    int *years = NULL;
    size_t n = 0, cap = 0;
    jkb_status rc = JKB_OK;
    sqlite3_stmt *st = stmt(d, ST_CASE_PENDING);
    if (!st) {
        rc = db_fail(d, err, "numbering cases");
        goto out;
    }
    /* collect first: the updates below change the index being walked */
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            int64_t *ni = realloc(ids, cap * sizeof *ni);
            if (ni)
                ids = ni;
            int *ny = realloc(years, cap * sizeof *ny);
            if (ny)
                years = ny;
            if (!ni || !ny) {
                rc = store_fail(err, JKB_ENOMEM, "out of memory");
                goto out;
            }
        }
        ids[n] = sqlite3_column_int64(st, 0);
        years[n] = sqlite3_column_int(st, 1);
        n++;
    }
    sqlite3_reset(st);
    if (r != SQLITE_DONE) {
        rc = db_fail(d, err, "numbering cases");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        int y = years[i];
        if (y < 1 || y > 9999)
            continue;
        int k = 0;
        for (; k < nseen; k++)
            if (seen[k].year == y)
                break;
        if (k == nseen) {
            if (nseen == 64)
                nseen = 0; /* more than 64 years in one batch: look them up again */
            char lo[8], hi[8];
            snprintf(lo, sizeof lo, "%04d-", y);
            snprintf(hi, sizeof hi, "%04d.", y); /* '.' follows '-' */
            sqlite3_stmt *m = stmt(d, ST_CASE_MAX);
            if (!m) {
                rc = db_fail(d, err, "numbering cases");
                goto out;
            }
            sqlite3_bind_text(m, 1, lo, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(m, 2, hi, -1, SQLITE_TRANSIENT);
            int64_t mx = 0;
            if (sqlite3_step(m) == SQLITE_ROW)
                mx = sqlite3_column_int64(m, 0);
            sqlite3_reset(m);
            k = nseen++;
            seen[k].year = y;
            seen[k].next = mx + 1;
        }
        char cid[32];
        snprintf(cid, sizeof cid, "%04d-%03lld", y, (long long)seen[k].next++);
        sqlite3_stmt *u = stmt(d, ST_CASE_SET);
        if (!u) {
            rc = db_fail(d, err, "numbering cases");
            goto out;
        }
        sqlite3_bind_int64(u, 1, ids[i]);
        sqlite3_bind_text(u, 2, cid, -1, SQLITE_TRANSIENT);
        if (run(u) != SQLITE_OK) {
            rc = db_fail(d, err, "numbering cases");
            goto out;
        }
    }
    if (d->batch_first) {
        sqlite3_stmt *f = stmt(d, ST_FTS_BATCH);
        if (!f) {
            rc = db_fail(d, err, "indexing the notices");
            goto out;
        }
        sqlite3_bind_int64(f, 1, d->batch_first);
        if (run(f) != SQLITE_OK) {
            rc = db_fail(d, err, "indexing the notices");
            goto out;
        }
        d->batch_first = 0;
    }
out:
    free(ids);
    free(years);
    return rc;
}

/* ------------------------------------------------------------ put */

static void bind_derived(sqlite3_stmt *st, const store_put *p, int first)
{
    /* published … followup, in both INSERT and UPDATE order */
    int i = first;
    bind_text(st, i++, p->published[0] ? p->published : NULL);
    if (p->year)
        sqlite3_bind_int(st, i++, p->year);
    else
        sqlite3_bind_null(st, i++);
    if (p->org_kind >= 0)
        sqlite3_bind_int(st, i++, p->org_kind);
    else
        sqlite3_bind_null(st, i++);
    sqlite3_bind_int64(st, i++, p->categories);
    sqlite3_bind_int64(st, i++, p->data_classes);
    sqlite3_bind_int64(st, i++, p->authorities);
    sqlite3_bind_int64(st, i++, p->vectors);
    sqlite3_bind_int64(st, i++, p->measures);
    if (p->has_affected)
        sqlite3_bind_int64(st, i++, p->affected);
    else
        sqlite3_bind_null(st, i++);
    if (p->report_no)
        sqlite3_bind_int(st, i++, p->report_no);
    else
        sqlite3_bind_null(st, i++);
    sqlite3_bind_int(st, i++, p->followup);
}

static jkb_status put_actors(sq3 *d, int64_t id, const store_put *p, int replace, jkb_err *err)
{
    sqlite3_stmt *st;
    if (replace) {
        st = stmt(d, ST_ACTOR_DELETE);
        if (!st)
            return db_fail(d, err, "storing actors");
        sqlite3_bind_int64(st, 1, id);
        if (run(st) != SQLITE_OK)
            return db_fail(d, err, "storing actors");
    }
    for (size_t i = 0; i < p->n_actors; i++) {
        if (!p->actors[i].s)
            continue;
        st = stmt(d, ST_ACTOR_INSERT);
        if (!st)
            return db_fail(d, err, "storing actors");
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, p->actors[i].s, (int)p->actors[i].len, SQLITE_STATIC);
        if (run(st) != SQLITE_OK)
            return db_fail(d, err, "storing actors");
    }
    return JKB_OK;
}

/* The incident of a new notice (see store_ops.put). */
static jkb_status find_incident(sq3 *d, const store_put *p, int64_t *incident, jkb_err *err)
{
    sqlite3_stmt *st;
    *incident = 0;
    if (p->followup && p->org_key && p->published[0]) {
        st = stmt(d, ST_FOLLOW);
        if (!st)
            return db_fail(d, err, "linking follow-ups");
        sqlite3_bind_text(st, 1, p->org_key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, p->published, -1, SQLITE_STATIC);
        store_follow f;
        store_follow_init(&f, p);
        int r;
        while ((r = sqlite3_step(st)) == SQLITE_ROW)
            store_follow_add(&f, sqlite3_column_int64(st, 0), (uint32_t)sqlite3_column_int64(st, 1),
                             (const char *)sqlite3_column_text(st, 2), (size_t)sqlite3_column_bytes(st, 2),
                             sqlite3_column_int(st, 3));
        sqlite3_reset(st);
        if (r != SQLITE_DONE)
            return db_fail(d, err, "linking follow-ups");
        if ((*incident = store_follow_pick(&f)))
            return JKB_OK;
    }
    st = stmt(d, ST_INCIDENT_NEW);
    if (!st)
        return db_fail(d, err, "creating an incident");
    bind_text(st, 1, p->org);
    bind_text(st, 2, p->org_key);
    bind_text(st, 3, p->published[0] ? p->published : NULL);
    sqlite3_bind_int(st, 4, !p->followup);
    if (run(st) != SQLITE_OK)
        return db_fail(d, err, "creating an incident");
    *incident = sqlite3_last_insert_rowid(d->db);
    if (p->followup || !p->org_key || !p->published[0])
        return JKB_OK;
    /* a first report stored after its follow-ups takes them in */
    int64_t orphans[16];
    int no = 0, r;
    st = stmt(d, ST_ORPHANS);
    if (!st)
        return db_fail(d, err, "linking follow-ups");
    sqlite3_bind_text(st, 1, p->org_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, p->published, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, *incident);
    while ((r = sqlite3_step(st)) == SQLITE_ROW && no < 16)
        orphans[no++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    for (int i = 0; i < no; i++) {
        st = stmt(d, ST_ADOPT);
        if (!st)
            return db_fail(d, err, "linking follow-ups");
        sqlite3_bind_int64(st, 1, *incident);
        sqlite3_bind_int64(st, 2, orphans[i]);
        if (run(st) != SQLITE_OK)
            return db_fail(d, err, "linking follow-ups");
        st = stmt(d, ST_INCIDENT_DEL);
        if (!st)
            return db_fail(d, err, "linking follow-ups");
        sqlite3_bind_int64(st, 1, orphans[i]);
        if (run(st) != SQLITE_OK)
            return db_fail(d, err, "linking follow-ups");
    }
    return JKB_OK;
}

/* A new place in the casebook's order (see the schema): the day's next
 * key, after the notices of the same day stored before. */
static jkb_status new_key(sq3 *d, int64_t day, int64_t *key, jkb_err *err)
{
    sqlite3_stmt *st = stmt(d, ST_NEXT_KEY);
    if (!st)
        return db_fail(d, err, "storing the notice");
    sqlite3_bind_int64(st, 1, day << DAY_SHIFT);
    sqlite3_bind_int64(st, 2, (day + 1) << DAY_SHIFT);
    int r = sqlite3_step(st);
    *key = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    if (*key < 0)
        return db_fail(d, err, "storing the notice");
    if (*key >= (day + 1) << DAY_SHIFT)
        return store_fail(err, JKB_ETOOBIG, "more than %d notices of one publication day", (1 << DAY_SHIFT) - 1);
    return JKB_OK;
}

static jkb_status sq_put(jkb_store *s, const store_put *p, jkb_put_outcome *outcome, int64_t *id, jkb_err *err)
{
    sq3 *d = s->impl;
    const jkb_notice_in *in = p->in;
    sqlite3_stmt *st = stmt(d, ST_FIND);
    if (!st)
        return db_fail(d, err, "looking up the notice");
    sqlite3_bind_text(st, 1, p->hash, 64, SQLITE_STATIC);
    bind_text(st, 2, p->title);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        int64_t nid = sqlite3_column_int64(st, 0);
        const char *old = (const char *)sqlite3_column_text(st, 1);
        size_t oldlen = (size_t)sqlite3_column_bytes(st, 1);
        int title_changed = sqlite3_column_int(st, 2);
        int64_t oldkey = sqlite3_column_int64(st, 3);
        int64_t newkey = oldkey;
        size_t oc = old ? store_record_core(old, oldlen) : 0;
        int same = old && oc == p->record_core_len && memcmp(old, p->record_json, oc) == 0;
        sqlite3_reset(st);
        *id = nid;
        if (same) {
            *outcome = JKB_PUT_UNCHANGED;
            return JKB_OK;
        }
        if ((oldkey >> DAY_SHIFT) != p->day_key) {
            jkb_status krc = new_key(d, p->day_key, &newkey, err);
            if (krc)
                return krc;
        }
        /* the text is the same; its full-text row moves when the title or
         * the publication date (the row's key) changed */
        int reindex = (title_changed || newkey != oldkey) && !(d->batch_first && nid >= d->batch_first);
        if (reindex) {
            /* the old indexed values must be given back to delete them */
            st = stmt(d, ST_FTS_DELETE);
            if (!st)
                return db_fail(d, err, "updating the full-text index");
            sqlite3_bind_int64(st, 1, oldkey);
            if (run(st) != SQLITE_OK)
                return db_fail(d, err, "updating the full-text index");
        }
        st = stmt(d, ST_UPDATE);
        if (!st)
            return db_fail(d, err, "updating the notice");
        sqlite3_bind_int64(st, 1, nid);
        bind_derived(st, p, 2);
        bind_text(st, 13, p->case_id);
        bind_text(st, 14, p->leak_status);
        bind_text(st, 15, p->org);
        bind_text(st, 16, p->org_key);
        bind_text(st, 17, p->title);
        bind_text(st, 18, in->source);
        sqlite3_bind_int64(st, 19, (sqlite3_int64)in->index);
        bind_text(st, 20, in->engine_version);
        sqlite3_bind_text(st, 21, p->record_json, (int)p->record_len, SQLITE_STATIC);
        sqlite3_bind_int64(st, 22, newkey);
        if (run(st) != SQLITE_OK)
            return db_fail(d, err, "updating the notice");
        if (reindex) {
            st = stmt(d, ST_FTS_READD);
            if (!st)
                return db_fail(d, err, "updating the full-text index");
            sqlite3_bind_int64(st, 1, newkey);
            if (run(st) != SQLITE_OK)
                return db_fail(d, err, "updating the full-text index");
        }
        jkb_status rc = put_actors(d, nid, p, 1, err);
        if (rc)
            return rc;
        *outcome = JKB_PUT_UPDATED;
        return JKB_OK;
    }
    sqlite3_reset(st);
    if (r != SQLITE_DONE)
        return db_fail(d, err, "looking up the notice");
    if (in->len > 0x7fffffff || p->record_len > 0x7fffffff)
        return store_fail(err, JKB_ETOOBIG, "a notice of more than 2 GB");
    int64_t incident, key;
    jkb_status rc = find_incident(d, p, &incident, err);
    if (rc)
        return rc;
    rc = new_key(d, p->day_key, &key, err);
    if (rc)
        return rc;
    st = stmt(d, ST_INSERT);
    if (!st)
        return db_fail(d, err, "storing the notice");
    sqlite3_bind_text(st, 1, p->hash, 64, SQLITE_STATIC);
    bind_derived(st, p, 2);
    sqlite3_bind_int64(st, 13, incident);
    bind_text(st, 14, p->case_id);
    bind_text(st, 15, p->leak_status);
    bind_text(st, 16, p->org);
    bind_text(st, 17, p->org_key);
    bind_text(st, 18, p->title);
    bind_text(st, 19, in->source);
    sqlite3_bind_int64(st, 20, (sqlite3_int64)in->index);
    bind_text(st, 21, in->engine_version);
    bind_text(st, 22, p->ingested_at);
    sqlite3_bind_text(st, 23, p->record_json, (int)p->record_len, SQLITE_STATIC);
    sqlite3_bind_text(st, 24, in->text, (int)in->len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 25, key);
    if (run(st) != SQLITE_OK)
        return db_fail(d, err, "storing the notice");
    int64_t nid = sqlite3_last_insert_rowid(d->db);
    /* its full-text row comes at commit (sq_prepare_commit) */
    if (!d->batch_first)
        d->batch_first = nid;
    rc = put_actors(d, nid, p, 0, err);
    if (rc)
        return rc;
    *id = nid;
    *outcome = JKB_PUT_STORED;
    return JKB_OK;
}

/* ------------------------------------------------------------ queries */

/* SQL text with its bound values: the text is built from constant pieces
 * only; every value from the caller is a parameter. */
typedef struct qb {
    char sql[SQL_MAX];
    size_t len;
    struct {
        int is_text;
        int64_t i;
        const char *s;
        size_t n;
    } b[MAX_BINDS];
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

static void q_int(qb *q, int64_t v)
{
    if (q->nb == MAX_BINDS) {
        q->overflow = 1;
        return;
    }
    q->b[q->nb].is_text = 0;
    q->b[q->nb].i = v;
    q->nb++;
    q_sql(q, "?");
}

static void q_text(qb *q, const char *s, size_t n)
{
    if (q->nb == MAX_BINDS) {
        q->overflow = 1;
        return;
    }
    q->b[q->nb].is_text = 1;
    q->b[q->nb].s = s;
    q->b[q->nb].n = n;
    q->nb++;
    q_sql(q, "?");
}

static int q_prepare(sq3 *d, qb *q, sqlite3_stmt **out)
{
    *out = NULL;
    if (q->overflow || sqlite3_prepare_v2(d->db, q->sql, (int)q->len, out, NULL) != SQLITE_OK)
        return -1;
    for (int i = 0; i < q->nb; i++) {
        if (q->b[i].is_text)
            sqlite3_bind_text(*out, i + 1, q->b[i].s, (int)q->b[i].n, SQLITE_STATIC);
        else
            sqlite3_bind_int64(*out, i + 1, q->b[i].i);
    }
    return 0;
}

/* A growable string for the MATCH expression. */
typedef struct sbuf {
    char *p;
    size_t len, cap;
    int failed;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

/* An FTS5 string: the term in double quotes, its quotes doubled, so that
 * nothing in it is query syntax. */
static void sb_phrase(sbuf *b, const char *s, size_t n)
{
    sb_add(b, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '"') {
            sb_add(b, s + start, i + 1 - start);
            sb_add(b, "\"", 1);
            start = i + 1;
        }
    sb_add(b, s + start, n - start);
    sb_add(b, "\"", 1);
}

/* A term of three or more characters as MATCH text: its phrase, or the
 * phrases of both its widths ORed (USB, ＵＳＢ). */
static void sb_term(sbuf *m, const store_term *t)
{
    if (!t->alt) {
        sb_phrase(m, t->s, t->len);
        return;
    }
    sb_add(m, "(", 1);
    sb_phrase(m, t->s, t->len);
    sb_add(m, " OR ", 4);
    sb_phrase(m, t->alt, t->alt_len);
    sb_add(m, ")", 1);
}

/* What the filters of one query need beyond the SQL: owned strings. */
typedef struct qctx {
    sbuf match;
    char *like[STORE_MAX_TERMS]; /* LIKE patterns of long-list short terms */
    char *like_alt[STORE_MAX_TERMS]; /* the same in the other width, or NULL */
    int nlike;
    int none;                    /* a term no notice contains: nothing matches */
} qctx;

static void qctx_free(qctx *c)
{
    free(c->match.p);
    for (int i = 0; i < c->nlike; i++) {
        free(c->like[i]);
        free(c->like_alt[i]);
    }
}

/* The trigram tokenizer folds capitals to lower case, full-width Ａ and
 * Greek or Cyrillic ones included; the vocabulary holds folded trigrams, so
 * a term is looked up folded the same way. Returns the folded length (at
 * most cap - 1; a fold never grows a 1-2 character term past 8 bytes), and
 * sets *wide when the term holds a cased letter beyond ASCII. */
static size_t fold_term(char *dst, size_t cap, const char *s, size_t n, int *wide)
{
    size_t k = 0;
    *wide = 0;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (l <= 0) /* checked UTF-8 already; copy what is there */
            cp = (unsigned char)s[i], l = 1;
        utf8proc_int32_t lo = cp < 0x80 ? (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp) : utf8proc_tolower(cp);
        if (cp >= 0x80 && (lo != cp || utf8proc_toupper(cp) != cp))
            *wide = 1; /* a cased letter beyond ASCII, either case */
        utf8proc_uint8_t buf[4];
        utf8proc_ssize_t m = l == 1 && cp >= 0x80 ? (buf[0] = (utf8proc_uint8_t)cp, 1) : utf8proc_encode_char(lo, buf);
        if (k + (size_t)m >= cap)
            break;
        memcpy(dst + k, buf, (size_t)m);
        k += (size_t)m;
        i += (size_t)l;
    }
    dst[k] = 0;
    return k;
}

/* One short term: the OR of the trigrams that begin with it, as a
 * parenthesized group appended to the MATCH expression. Returns 1 when it
 * has no trigram (nothing matches), 2 when it has too many (use LIKE). */
static int short_term(sq3 *d, const char *s, size_t len, sbuf *m, jkb_status *rc, jkb_err *err)
{
    char lo[16], hi[24];
    int wide;
    size_t lo_len = fold_term(lo, sizeof lo, s, len, &wide);
    /* above every trigram that begins with the term: U+10FFFF's successor */
    memcpy(hi, lo, lo_len);
    memcpy(hi + lo_len, "\xF4\x90\x80\x80", 5);
    sqlite3_stmt *st = stmt(d, ST_VOCAB);
    if (!st) {
        *rc = db_fail(d, err, "searching");
        return -1;
    }
    sqlite3_bind_text(st, 1, lo, (int)lo_len, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hi, (int)lo_len + 4, SQLITE_STATIC);
    size_t mark = m->len;
    int n = 0, r;
    sb_add(m, "(", 1);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (++n > SHORT_TERM_MAX_TRIGRAMS)
            break;
        if (n > 1)
            sb_add(m, " OR ", 4);
        sb_phrase(m, (const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
    }
    sqlite3_reset(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE) {
        *rc = db_fail(d, err, "searching");
        return -1;
    }
    if (n == 0 || n > SHORT_TERM_MAX_TRIGRAMS) {
        m->len = mark;
        if (m->p)
            m->p[mark] = 0;
        return n == 0 ? 1 : 2;
    }
    sb_add(m, ")", 1);
    return 0;
}

/* LIKE pattern %term% with % _ and \ escaped. */
static char *like_pattern(const char *s, size_t len)
{
    char *p = malloc(len * 2 + 3);
    if (!p)
        return NULL;
    size_t k = 0;
    p[k++] = '%';
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
            p[k++] = '\\';
        p[k++] = s[i];
    }
    p[k++] = '%';
    p[k] = 0;
    return p;
}

/* The full text as one MATCH expression (c->match) and the terms that are
 * checked with LIKE instead (c->like); c->none when a term is in no notice. */
/* SQLite reads U+FFFF (the end mark of every indexed value) as U+FFFD: a
 * term with a U+FFFD would match the end of every value that ends the way
 * the term begins. Such a term is compared with LIKE, on the text itself. */
static int has_fffd(const char *s, size_t n)
{
    for (size_t i = 0; i + 3 <= n; i++)
        if ((unsigned char)s[i] == 0xEF && (unsigned char)s[i + 1] == 0xBF && (unsigned char)s[i + 2] == 0xBD)
            return 1;
    return 0;
}

static jkb_status text_terms(sq3 *d, const store_query *sq, qctx *c, jkb_err *err)
{
    jkb_status rc = JKB_OK;
    for (size_t i = 0; i < sq->n_terms; i++) {
        const store_term *t = &sq->terms[i];
        if (has_fffd(t->s, t->len))
            goto like;
        if (t->nchars >= 3) {
            if (c->match.len)
                sb_add(&c->match, " AND ", 5);
            sb_term(&c->match, t);
            continue;
        }
        /* (the trigrams of the term) OR (those of its other width) */
        size_t mark = c->match.len;
        if (c->match.len)
            sb_add(&c->match, " AND ", 5);
        sb_add(&c->match, "(", 1);
        int k = short_term(d, t->s, t->len, &c->match, &rc, err);
        if (k < 0)
            return rc;
        int ka = 1;
        if (t->alt && k != 2) {
            size_t before = c->match.len;
            if (k == 0)
                sb_add(&c->match, " OR ", 4);
            ka = short_term(d, t->alt, t->alt_len, &c->match, &rc, err);
            if (ka < 0)
                return rc;
            if (ka != 0) {
                c->match.len = before;
                if (c->match.p)
                    c->match.p[before] = 0;
            }
        }
        if (k != 2 && ka != 2 && (k == 0 || ka == 0)) {
            sb_add(&c->match, ")", 1);
            continue;
        }
        c->match.len = mark;
        if (c->match.p)
            c->match.p[mark] = 0;
        if (k == 1 && ka == 1) {
            c->none = 1;
            return JKB_OK;
        }
        /* too many trigrams (in either width): LIKE, in both widths */
    like:;
        char *pat = like_pattern(t->s, t->len);
        char *alt = t->alt ? like_pattern(t->alt, t->alt_len) : NULL;
        if (!pat || (t->alt && !alt)) {
            free(pat);
            free(alt);
            return store_fail(err, JKB_ENOMEM, "out of memory");
        }
        c->like_alt[c->nlike] = alt;
        c->like[c->nlike++] = pat;
    }
    if (c->match.failed)
        return store_fail(err, JKB_ENOMEM, "out of memory");
    return JKB_OK;
}

/* The conditions (after "WHERE …") on notices n; key is the column that
 * holds the sort key ("n.sortkey", or "f.rowid" when the full-text index
 * drives the query, so that FTS5 reads only the date range). With in_match,
 * the MATCH expression becomes an IN on the full-text index. */
static void filters(qb *q, const store_query *sq, const qctx *c, const char *key, int in_match)
{
    const jkb_query *qq = sq->q;
    for (int i = 0; i < c->nlike; i++) {
        q_sql(q, " AND (n.text LIKE ");
        q_text(q, c->like[i], strlen(c->like[i]));
        q_sql(q, " ESCAPE '\\' OR n.title LIKE ");
        q_text(q, c->like[i], strlen(c->like[i]));
        if (c->like_alt[i]) {
            q_sql(q, " ESCAPE '\\' OR n.text LIKE ");
            q_text(q, c->like_alt[i], strlen(c->like_alt[i]));
            q_sql(q, " ESCAPE '\\' OR n.title LIKE ");
            q_text(q, c->like_alt[i], strlen(c->like_alt[i]));
        }
        q_sql(q, " ESCAPE '\\')");
    }
    if (in_match && c->match.len) {
        q_sql(q, " AND n.sortkey IN (SELECT rowid FROM notices_fts WHERE notices_fts MATCH ");
        q_text(q, c->match.p, c->match.len);
        q_sql(q, ")");
    }
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
        q_text(q, qq->actor, strlen(qq->actor));
        q_sql(q, "))");
    }
    /* a date range is a key range; undated notices (day 0) are in none */
    if (sq->since_key || sq->until_key) {
        q_sql(q, " AND ");
        q_sql(q, key);
        q_sql(q, " >= ");
        q_int(q, (sq->since_key ? sq->since_key : 1) << DAY_SHIFT);
    }
    if (sq->until_key) {
        q_sql(q, " AND ");
        q_sql(q, key);
        q_sql(q, " < ");
        q_int(q, sq->until_key << DAY_SHIFT);
    }
}

/* The whole WHERE of a query on notices n (stats, timing). */
static jkb_status where(sq3 *d, const store_query *sq, qb *q, qctx *c, jkb_err *err)
{
    jkb_status rc = text_terms(d, sq, c, err);
    if (rc || c->none)
        return rc;
    filters(q, sq, c, "n.sortkey", 1);
    return JKB_OK;
}

/* A failed query step: a MATCH that FTS5 refuses is the user's text. */
static jkb_status query_fail(sq3 *d, jkb_err *err)
{
    const char *m = sqlite3_errmsg(d->db);
    if (strstr(m, "fts5") || strstr(m, "syntax error") || strstr(m, "MATCH"))
        return store_fail(err, JKB_EINVAL, "the search text cannot be searched");
    return db_fail(d, err, "searching");
}

static void fill_row(sqlite3_stmt *st, jkb_notice_row *row, int with_text)
{
    memset(row, 0, sizeof *row);
    row->id = sqlite3_column_int64(st, 0);
    row->incident_id = sqlite3_column_int64(st, 1);
    row->case_id = (const char *)sqlite3_column_text(st, 2);
    row->title = (const char *)sqlite3_column_text(st, 3);
    row->org = (const char *)sqlite3_column_text(st, 4);
    row->org_kind = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 5);
    row->published = store_parse_date((const char *)sqlite3_column_text(st, 6));
    row->categories = (uint32_t)sqlite3_column_int64(st, 7);
    row->data_classes = (uint32_t)sqlite3_column_int64(st, 8);
    row->authorities = (uint32_t)sqlite3_column_int64(st, 9);
    row->has_affected = sqlite3_column_type(st, 10) != SQLITE_NULL;
    row->affected = sqlite3_column_int64(st, 10);
    row->source = (const char *)sqlite3_column_text(st, 11);
    row->index = (size_t)sqlite3_column_int64(st, 12);
    row->record_json = (const char *)sqlite3_column_text(st, 13);
    row->content_hash = (const char *)sqlite3_column_text(st, 14);
    row->engine_version = (const char *)sqlite3_column_text(st, 15);
    if (with_text) {
        row->text = (const char *)sqlite3_column_text(st, 16);
        row->text_len = (size_t)sqlite3_column_bytes(st, 16);
    }
}

/* Step a statement of notice rows into fn. */
static jkb_status each_row(sq3 *d, sqlite3_stmt *st, int with_text, jkb_row_fn fn, void *ud, size_t *count,
                           jkb_err *err)
{
    int r;
    size_t n = 0;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        jkb_notice_row row;
        fill_row(st, &row, with_text);
        n++;
        if (fn && fn(&row, ud)) {
            if (count)
                *count = n;
            return JKB_ESTOP;
        }
    }
    if (count)
        *count = n;
    if (r != SQLITE_DONE)
        return query_fail(d, err);
    return JKB_OK;
}

/* SELECT what FROM … WHERE … of a search: the full-text index drives the
 * query when there is a MATCH (its rowids are sort keys, read newest first
 * and stopped at the limit), else the notices' order index does. */
static void search_sql(qb *q, const store_query *sq, const qctx *c, const char *what, int ordered)
{
    const char *key = c->match.len ? "f.rowid" : "n.sortkey";
    q_sql(q, "SELECT ");
    q_sql(q, what);
    if (c->match.len) {
        q_sql(q, " FROM notices_fts f JOIN notices n ON n.sortkey = f.rowid WHERE f.notices_fts MATCH ");
        q_text(q, c->match.p, c->match.len);
    } else {
        q_sql(q, " FROM notices n WHERE 1");
    }
    filters(q, sq, c, key, 0);
    if (!ordered)
        return;
    /* newest first, then the later id; undated notices last */
    q_sql(q, " ORDER BY ");
    q_sql(q, key);
    q_sql(q, " DESC LIMIT ");
    q_int(q, sq->q->limit ? (int64_t)sq->q->limit : -1);
    q_sql(q, " OFFSET ");
    q_int(q, (int64_t)sq->q->offset);
}

/* ---- short terms, the newest notices first ----
 *
 * A one- or two-character term that is in most notices has trigrams with
 * long doclists: listing them from the vocabulary reads every posting (a
 * character like の: 250 ms on 100,000 notices). Its newest matches are
 * found faster among the newest candidates (the notices that pass the
 * filters and the long terms), reading their text: when enough of a
 * bounded window match, or the window holds every candidate, that is the
 * answer; otherwise the term is rare there, its trigrams are few, and the
 * exact FTS5 route runs. Matching is a substring test that folds ASCII
 * letters like the trigram tokenizer does. */

static unsigned char fold(unsigned char c) { return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c; }

/* Does h hold n (ASCII letters folded)? memchr finds the candidates. */
static int has_folded(const char *h, size_t hn, const char *n, size_t nn)
{
    if (nn == 0)
        return 1;
    if (nn > hn)
        return 0;
    unsigned char c0 = fold((unsigned char)n[0]);
    int letter = c0 >= 'a' && c0 <= 'z';
    const char *end = h + hn - nn + 1;
    for (const char *p = h; p < end;) {
        const char *a = memchr(p, c0, (size_t)(end - p));
        if (letter) {
            const char *b = memchr(p, c0 - 32, (size_t)((a ? a : end) - p));
            if (b)
                a = b;
        }
        if (!a)
            return 0;
        size_t k = 1;
        while (k < nn && fold((unsigned char)a[k]) == fold((unsigned char)n[k]))
            k++;
        if (k == nn)
            return 1;
        p = a + 1;
    }
    return 0;
}

#define WINDOW_MIN 400
#define WINDOW_PER_ROW 10

/* 1: answered (rows given to fn); 0: use the exact route; -1: error (rc). */
static int short_window(sq3 *d, const store_query *sq, jkb_row_fn fn, void *ud, size_t *total, jkb_status *rc,
                        jkb_err *err)
{
    const jkb_query *qq = sq->q;
    size_t want = qq->offset + qq->limit;
    size_t window = WINDOW_MIN + WINDOW_PER_ROW * want;
    int result = 0;
    qctx c;
    memset(&c, 0, sizeof c);
    qb *q = calloc(1, sizeof *q);
    sqlite3_stmt *st = NULL;
    int64_t *ids = calloc(want ? want : 1, sizeof *ids);
    const store_term *shorts[STORE_MAX_TERMS];
    size_t nshort = 0, nids = 0, seen = 0;
    if (!q || !ids) {
        *rc = store_fail(err, JKB_ENOMEM, "out of memory");
        result = -1;
        goto out;
    }
    for (size_t i = 0; i < sq->n_terms; i++) {
        const store_term *t = &sq->terms[i];
        if (has_fffd(t->s, t->len))
            goto out; /* compared with LIKE: the exact route */
        if (t->nchars >= 3) {
            if (c.match.len)
                sb_add(&c.match, " AND ", 5);
            sb_term(&c.match, t);
        } else {
            char tmp[16];
            int wide, wide_alt = 0;
            fold_term(tmp, sizeof tmp, t->s, t->len, &wide);
            if (t->alt)
                fold_term(tmp, sizeof tmp, t->alt, t->alt_len, &wide_alt);
            if (wide || wide_alt)
                goto out; /* the substring test folds ASCII only: the exact route */
            shorts[nshort++] = t;
        }
    }
    if (c.match.failed) {
        *rc = store_fail(err, JKB_ENOMEM, "out of memory");
        result = -1;
        goto out;
    }
    search_sql(q, sq, &c, "n.id, n.title, n.text", 0);
    q_sql(q, c.match.len ? " ORDER BY f.rowid DESC LIMIT " : " ORDER BY n.sortkey DESC LIMIT ");
    q_int(q, (int64_t)window);
    if (q_prepare(d, q, &st) != 0) {
        if (q->overflow)
            goto out; /* the exact route says why */
        *rc = query_fail(d, err);
        result = -1;
        goto out;
    }
    int r;
    while (nids < want && (r = sqlite3_step(st)) == SQLITE_ROW) {
        seen++;
        const char *title = (const char *)sqlite3_column_text(st, 1);
        size_t tl = (size_t)sqlite3_column_bytes(st, 1);
        const char *text = (const char *)sqlite3_column_text(st, 2);
        size_t xl = (size_t)sqlite3_column_bytes(st, 2);
        size_t k = 0;
        for (; k < nshort; k++) {
            const store_term *sk = shorts[k];
            if (!(text && has_folded(text, xl, sk->s, sk->len)) && !(title && has_folded(title, tl, sk->s, sk->len)) &&
                !(sk->alt && ((text && has_folded(text, xl, sk->alt, sk->alt_len)) ||
                              (title && has_folded(title, tl, sk->alt, sk->alt_len)))))
                break;
        }
        if (k == nshort)
            ids[nids++] = sqlite3_column_int64(st, 0);
    }
    int exhausted = nids < want && seen < window;
    if (nids < want && !exhausted)
        goto out; /* rare among the candidates: the exact route */
    sqlite3_finalize(st);
    st = NULL;
    if (total) {
        if (!exhausted)
            goto out; /* a total needs every match: the exact route */
        *total = nids;
    }
    result = 1;
    for (size_t i = qq->offset; i < nids; i++) {
        sqlite3_stmt *g = stmt(d, ST_ROW);
        if (!g) {
            *rc = db_fail(d, err, "searching");
            result = -1;
            goto out;
        }
        sqlite3_bind_int64(g, 1, ids[i]);
        *rc = each_row(d, g, 0, fn, ud, NULL, err);
        sqlite3_reset(g);
        if (*rc) {
            result = -1;
            goto out;
        }
    }
out:
    sqlite3_finalize(st);
    qctx_free(&c);
    free(q);
    free(ids);
    return result;
}

static jkb_status sq_search(jkb_store *s, const store_query *sq, jkb_row_fn fn, void *ud, size_t *total, jkb_err *err)
{
    sq3 *d = s->impl;
    qb *q = calloc(1, sizeof *q);
    qctx c;
    memset(&c, 0, sizeof c);
    sqlite3_stmt *st = NULL;
    jkb_status rc;
    if (!q)
        return store_fail(err, JKB_ENOMEM, "out of memory");
    if (total)
        *total = 0;
    int has_short = 0;
    for (size_t i = 0; i < sq->n_terms; i++)
        if (sq->terms[i].nchars < 3)
            has_short = 1;
    if (has_short && sq->q->limit) {
        int w = short_window(d, sq, fn, ud, total, &rc, err);
        if (w != 0) {
            if (w > 0)
                rc = JKB_OK;
            goto out;
        }
    }
    rc = text_terms(d, sq, &c, err);
    if (rc || c.none)
        goto out;
    search_sql(q, sq, &c, ROW_COLUMNS, 1);
    if (q_prepare(d, q, &st) != 0) {
        rc = q->overflow ? store_fail(err, JKB_EINVAL, "the query is too long") : query_fail(d, err);
        goto out;
    }
    size_t n = 0;
    rc = each_row(d, st, 0, fn, ud, &n, err);
    sqlite3_finalize(st);
    st = NULL;
    if (rc || !total)
        goto out;
    if ((n > 0 || sq->q->offset == 0) && (!sq->q->limit || n < sq->q->limit)) {
        /* every match was seen */
        *total = sq->q->offset + n;
        goto out;
    }
    /* the same conditions, counted: this reads every match */
    memset(q, 0, sizeof *q);
    search_sql(q, sq, &c, "count(*)", 0);
    if (q_prepare(d, q, &st) != 0) {
        rc = q->overflow ? store_fail(err, JKB_EINVAL, "the query is too long") : query_fail(d, err);
    } else if (sqlite3_step(st) == SQLITE_ROW) {
        *total = (size_t)sqlite3_column_int64(st, 0);
    } else {
        rc = query_fail(d, err);
    }
out:
    sqlite3_finalize(st);
    qctx_free(&c);
    free(q);
    return rc;
}

static jkb_status sq_get(jkb_store *s, int64_t id, jkb_row_fn fn, void *ud, jkb_err *err)
{
    sq3 *d = s->impl;
    sqlite3_stmt *st = stmt(d, ST_GET);
    if (!st)
        return db_fail(d, err, "reading the notice");
    sqlite3_bind_int64(st, 1, id);
    size_t n = 0;
    jkb_status rc = each_row(d, st, 1, fn, ud, &n, err);
    sqlite3_reset(st);
    if (!rc && n == 0)
        return store_fail(err, JKB_ENOTFOUND, "no notice %lld in the casebook", (long long)id);
    return rc;
}

static jkb_status sq_incident(jkb_store *s, int64_t incident_id, jkb_row_fn fn, void *ud, jkb_err *err)
{
    sq3 *d = s->impl;
    sqlite3_stmt *st = stmt(d, ST_INCIDENT_ROWS);
    if (!st)
        return db_fail(d, err, "reading the incident");
    sqlite3_bind_int64(st, 1, incident_id);
    size_t n = 0;
    jkb_status rc = each_row(d, st, 0, fn, ud, &n, err);
    sqlite3_reset(st);
    if (!rc && n == 0)
        return store_fail(err, JKB_ENOTFOUND, "no incident %lld in the casebook", (long long)incident_id);
    return rc;
}

/* ------------------------------------------------------------ stats */

static const char *const BIT_COLUMNS[] = {
    [DIM_CATEGORY] = "n.categories", [DIM_VECTOR] = "n.vectors", [DIM_DATA_CLASS] = "n.data_classes",
    [DIM_AUTHORITY] = "n.authorities"};

static jkb_status sq_stats(jkb_store *s, store_dim dim, const store_query *sq, int notices, store_count_fn fn,
                           void *ud, jkb_err *err)
{
    sq3 *d = s->impl;
    qb *q = calloc(1, sizeof *q);
    qctx c;
    memset(&c, 0, sizeof c);
    sqlite3_stmt *st = NULL;
    jkb_status rc = JKB_OK;
    int nbits = 0;
    if (!q)
        return store_fail(err, JKB_ENOMEM, "out of memory");
    /* every fragment below is a constant of this file */
    static const char *const digits[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13",
                                         "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25",
                                         "26", "27", "28", "29", "30", "31"};
    const char *cnt = notices ? "count(*)" : "count(DISTINCT n.incident_id)";
    switch (dim) {
    case DIM_MONTH:
    case DIM_YEAR: {
        const char *period = dim == DIM_MONTH ? "substr(n.published, 1, 7)" : "CAST(n.year AS TEXT)";
        if (notices) {
            q_sql(q, "SELECT ");
            q_sql(q, period);
            q_sql(q, ", count(*) FROM notices n WHERE 1");
        } else {
            /* an incident counts in the period of its first notice */
            q_sql(q, "SELECT p, count(*) FROM (SELECT min(");
            q_sql(q, period);
            q_sql(q, ") AS p FROM notices n WHERE 1");
        }
        break;
    }
    case DIM_ORG_KIND:
        q_sql(q, "SELECT CAST(n.org_kind AS TEXT), ");
        q_sql(q, cnt);
        q_sql(q, " FROM notices n WHERE 1");
        break;
    case DIM_ACTOR:
        q_sql(q, "SELECT min(a.name), ");
        q_sql(q, cnt);
        q_sql(q, " FROM actors a JOIN notices n ON n.id = a.notice_id WHERE 1");
        break;
    default:
        nbits = dim == DIM_CATEGORY ? JKB_CAT__COUNT : dim == DIM_VECTOR ? JKB_VEC__COUNT :
                dim == DIM_DATA_CLASS ? JKB_DATA__COUNT : JKB_AUTH__COUNT;
        q_sql(q, "SELECT ");
        for (int b = 0; b < nbits; b++) {
            if (b)
                q_sql(q, ", ");
            /* one pass: a column per bit */
            q_sql(q, notices ? "sum((" : "count(DISTINCT CASE WHEN (");
            q_sql(q, BIT_COLUMNS[dim]);
            q_sql(q, " >> ");
            q_sql(q, digits[b]);
            q_sql(q, notices ? ") & 1)" : ") & 1 THEN n.incident_id END)");
        }
        q_sql(q, " FROM notices n WHERE 1");
        break;
    }
    rc = where(d, sq, q, &c, err);
    if (rc || c.none)
        goto out;
    if (dim == DIM_MONTH || dim == DIM_YEAR)
        q_sql(q, notices ? " GROUP BY 1" : " GROUP BY n.incident_id) GROUP BY p");
    else if (dim == DIM_ORG_KIND)
        q_sql(q, " GROUP BY n.org_kind");
    else if (dim == DIM_ACTOR)
        q_sql(q, " GROUP BY lower(a.name)");
    if (q_prepare(d, q, &st) != 0) {
        rc = q->overflow ? store_fail(err, JKB_EINVAL, "the query is too long") : query_fail(d, err);
        goto out;
    }
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (nbits) {
            for (int b = 0; b < nbits; b++)
                if (fn(digits[b], sqlite3_column_int64(st, b), ud)) {
                    rc = JKB_ESTOP;
                    goto out;
                }
            continue;
        }
        if (fn((const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1), ud)) {
            rc = JKB_ESTOP;
            goto out;
        }
    }
    if (r != SQLITE_DONE)
        rc = query_fail(d, err);
out:
    sqlite3_finalize(st);
    qctx_free(&c);
    free(q);
    return rc;
}

static jkb_status sq_each_record(jkb_store *s, const store_query *sq, store_record_fn fn, void *ud, jkb_err *err)
{
    sq3 *d = s->impl;
    qb *q = calloc(1, sizeof *q);
    qctx c;
    memset(&c, 0, sizeof c);
    sqlite3_stmt *st = NULL;
    jkb_status rc;
    if (!q)
        return store_fail(err, JKB_ENOMEM, "out of memory");
    q_sql(q, "SELECT n.incident_id, n.published, n.record_json FROM notices n WHERE 1");
    rc = where(d, sq, q, &c, err);
    if (rc || c.none)
        goto out;
    q_sql(q, " ORDER BY n.incident_id");
    if (q_prepare(d, q, &st) != 0) {
        rc = q->overflow ? store_fail(err, JKB_EINVAL, "the query is too long") : query_fail(d, err);
        goto out;
    }
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
               (const char *)sqlite3_column_text(st, 2), ud)) {
            rc = JKB_ESTOP;
            goto out;
        }
    if (r != SQLITE_DONE)
        rc = query_fail(d, err);
out:
    sqlite3_finalize(st);
    qctx_free(&c);
    free(q);
    return rc;
}

/* One notice at a time by id, so that the callback may write (reindex
 * updates the rows being walked). */
static jkb_status sq_each_text(jkb_store *s, jkb_text_fn fn, void *ud, jkb_err *err)
{
    sq3 *d = s->impl;
    int64_t last = 0;
    for (;;) {
        sqlite3_stmt *st = stmt(d, ST_NEXT_TEXT);
        if (!st)
            return db_fail(d, err, "reading the notices");
        sqlite3_bind_int64(st, 1, last);
        int r = sqlite3_step(st);
        if (r == SQLITE_DONE) {
            sqlite3_reset(st);
            return JKB_OK;
        }
        if (r != SQLITE_ROW) {
            sqlite3_reset(st);
            return db_fail(d, err, "reading the notices");
        }
        last = sqlite3_column_int64(st, 0);
        /* copy: the callback's writes may move the row's pages */
        size_t len = (size_t)sqlite3_column_bytes(st, 1);
        const char *t = (const char *)sqlite3_column_text(st, 1);
        const char *src0 = (const char *)sqlite3_column_text(st, 2);
        const char *ev0 = (const char *)sqlite3_column_text(st, 4);
        char *text = malloc(len + 1);
        char *src = src0 ? strdup(src0) : NULL;
        char *ev = ev0 ? strdup(ev0) : NULL;
        size_t idx = (size_t)sqlite3_column_int64(st, 3);
        if (text) {
            memcpy(text, t ? t : "", len);
            text[len] = 0;
        }
        sqlite3_reset(st);
        if (!text || (src0 && !src) || (ev0 && !ev)) {
            free(text);
            free(src);
            free(ev);
            return store_fail(err, JKB_ENOMEM, "out of memory");
        }
        int stop = fn(last, text, len, src, idx, ev, ud);
        free(text);
        free(src);
        free(ev);
        if (stop)
            return JKB_ESTOP;
    }
}

/* ------------------------------------------------------------ claims */

/* Claims are imported and linked now and then, a few thousand at a time:
 * their statements are prepared per call rather than kept. */
static jkb_status sq_claim_put(jkb_store *s, const jkb_claim *c, const char *claimed, const char *now, int *added,
                               jkb_err *err)
{
    sq3 *d = s->impl;
    sqlite3_stmt *st = NULL;
    jkb_status rc = JKB_OK;
    if (sqlite3_prepare_v2(d->db,
                           "INSERT INTO claims(id, claimed, victim, victim_alt, domain, grp, source, description,"
                           " country, imported_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                           " ON CONFLICT(id) DO NOTHING",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(d, err, "keeping a claim");
    const char *v[10] = {c->id,     claimed,   c->victim,      c->victim_alt, c->domain,
                         c->group,  c->source, c->description, c->country,    now};
    for (int i = 0; i < 10; i++)
        bind_text(st, i + 1, v[i] && *v[i] ? v[i] : NULL);
    if (run(st) != SQLITE_OK)
        rc = db_fail(d, err, "keeping a claim");
    else
        *added = sqlite3_changes(d->db) > 0;
    sqlite3_finalize(st);
    return rc;
}

static const char *col_text(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

static jkb_status sq_claims(jkb_store *s, jkb_claim_fn fn, void *ud, jkb_err *err)
{
    sq3 *d = s->impl;
    sqlite3_stmt *st = NULL;
    jkb_status rc = JKB_OK;
    if (sqlite3_prepare_v2(d->db,
                           "SELECT id, claimed, victim, victim_alt, domain, grp, source, description, country"
                           " FROM claims ORDER BY seq",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(d, err, "reading the claims");
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        jkb_claim c = {col_text(st, 0), col_text(st, 2), col_text(st, 3), col_text(st, 4), col_text(st, 5),
                       store_parse_date(col_text(st, 1)), col_text(st, 6), col_text(st, 7), col_text(st, 8)};
        if (fn(&c, ud)) {
            rc = JKB_ESTOP;
            break;
        }
    }
    if (!rc && r != SQLITE_DONE)
        rc = db_fail(d, err, "reading the claims");
    sqlite3_finalize(st);
    return rc;
}

static jkb_status sq_claims_count(jkb_store *s, int64_t *n, jkb_err *err)
{
    sq3 *d = s->impl;
    sqlite3_stmt *st = NULL;
    jkb_status rc = JKB_OK;
    if (sqlite3_prepare_v2(d->db, "SELECT count(*) FROM claims", -1, &st, NULL) != SQLITE_OK)
        return db_fail(d, err, "counting the claims");
    if (sqlite3_step(st) == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    else
        rc = db_fail(d, err, "counting the claims");
    sqlite3_finalize(st);
    return rc;
}

static jkb_status sq_links_clear(jkb_store *s, jkb_err *err)
{
    return exec(s->impl, "DELETE FROM claim_links", err, "clearing the claim links");
}

static jkb_status sq_link_put(jkb_store *s, const jkb_claim_link *l, jkb_err *err)
{
    sq3 *d = s->impl;
    sqlite3_stmt *st = NULL;
    jkb_status rc = JKB_OK;
    if (sqlite3_prepare_v2(d->db,
                           "INSERT OR REPLACE INTO claim_links(claim_id, notice_id, score, reason, delay_days,"
                           " delay_approx, claim_json, linked_at)"
                           " SELECT ?1, id, ?3, ?4, ?5, ?6, ?7, ?8 FROM notices WHERE id = ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(d, err, "keeping a claim link");
    bind_text(st, 1, l->claim_id);
    sqlite3_bind_int64(st, 2, l->notice_id);
    sqlite3_bind_double(st, 3, l->score);
    bind_text(st, 4, l->reason);
    if (l->has_delay)
        sqlite3_bind_int(st, 5, l->delay_days);
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_int(st, 6, l->delay_approx != 0);
    bind_text(st, 7, l->claim_json);
    bind_text(st, 8, l->linked_at);
    if (run(st) != SQLITE_OK)
        rc = db_fail(d, err, "keeping a claim link");
    else if (sqlite3_changes(d->db) == 0)
        rc = store_fail(err, JKB_ENOTFOUND, "no notice %lld in the casebook", (long long)l->notice_id);
    sqlite3_finalize(st);
    return rc;
}

static jkb_status sq_incident_links(jkb_store *s, int64_t incident_id, jkb_link_fn fn, void *ud, jkb_err *err)
{
    sq3 *d = s->impl;
    sqlite3_stmt *st = stmt(d, ST_INCIDENT_LINKS);
    jkb_status rc = JKB_OK;
    if (!st)
        return db_fail(d, err, "reading the claim links");
    sqlite3_bind_int64(st, 1, incident_id);
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        jkb_claim_link l = {col_text(st, 0),
                            col_text(st, 1),
                            sqlite3_column_int64(st, 2),
                            sqlite3_column_double(st, 3),
                            col_text(st, 4),
                            sqlite3_column_type(st, 5) != SQLITE_NULL,
                            (int32_t)sqlite3_column_int(st, 5),
                            sqlite3_column_int(st, 6),
                            col_text(st, 7)};
        if (fn(&l, ud)) {
            rc = JKB_ESTOP;
            break;
        }
    }
    if (!rc && r != SQLITE_DONE)
        rc = db_fail(d, err, "reading the claim links");
    sqlite3_reset(st);
    return rc;
}

const store_ops jkb_store_sqlite_ops = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .begin = sq_begin,
    .prepare_commit = sq_prepare_commit,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .put = sq_put,
    .search = sq_search,
    .get = sq_get,
    .incident = sq_incident,
    .stats = sq_stats,
    .each_record = sq_each_record,
    .each_text = sq_each_text,
    .claim_put = sq_claim_put,
    .claims = sq_claims,
    .claims_count = sq_claims_count,
    .links_clear = sq_links_clear,
    .link_put = sq_link_put,
    .incident_links = sq_incident_links,
};
