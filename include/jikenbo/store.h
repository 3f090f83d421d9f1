/*
 * jikenbo store: the casebook. Notices (their document text, source, content
 * hash and the engine version that extracted them) and their records, kept in
 * SQLite (default) or PostgreSQL, searched in full text and counted.
 *
 * One jkb_store is one connection: use it from one thread at a time. Every
 * call returns a jkb_status and fills the optional jkb_err.
 */
#ifndef JIKENBO_STORE_H
#define JIKENBO_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "jikenbo/jikenbo.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct jkb_store jkb_store;

/* The schema version this library writes; an older library refuses a
 * casebook with a newer version (JKB_ESTORE, "created by a newer jikenbo"). */
#define JKB_STORE_SCHEMA 2

/* Open (creating and migrating when needed) the casebook named by url:
 * a path ("jikenbo.db", "sqlite:/path/x.db") or "postgresql://…" /
 * "postgres://…" (a libpq connection URI). */
jkb_status jkb_store_open(const char *url, jkb_store **out, jkb_err *err);
void jkb_store_close(jkb_store *s);
/* "sqlite" or "postgresql" */
const char *jkb_store_backend(const jkb_store *s);

/* Transactions: every ingest batch is one transaction. */
jkb_status jkb_store_begin(jkb_store *s, jkb_err *err);
jkb_status jkb_store_commit(jkb_store *s, jkb_err *err);
jkb_status jkb_store_rollback(jkb_store *s, jkb_err *err);

/* ---- putting notices ---- */

/* One extracted notice to keep. text/len: the notice's own document text
 * (the span of the record's extent, so offsets in record_json are relative
 * to the notice: the caller rebases them); source: path or URL; index: the
 * notice's index within its source; record_json: the record as written by
 * jkb_record_write_json (with evidence, offsets rebased to this text). */
typedef struct jkb_notice_in {
    const char *text;
    size_t len;
    const char *source;
    size_t index;
    const jkb_record *rec;
    const char *record_json;
    size_t record_json_len;
    const char *engine_version; /* jkb_version() */
    /* Optional: jkb_store_hash(text, len) computed beforehand (on another
     * thread, say); NULL: jkb_store_put computes it. */
    const char *content_hash;
} jkb_notice_in;

/* The content hash a notice is stored under: SHA-256 of its text as 64
 * lower-case hex digits and a NUL. */
void jkb_store_hash(const char *text, size_t len, char out[65]);

typedef enum jkb_put_outcome {
    JKB_PUT_STORED = 0,    /* a new notice */
    JKB_PUT_UNCHANGED,     /* the same text was already there, same record */
    JKB_PUT_UPDATED        /* the same text, its record changed (reindex) */
} jkb_put_outcome;

/* Store one notice (inside a transaction). The same text (by content hash)
 * is stored once: a second put gives UNCHANGED, or UPDATED when the record
 * differs (the "source" member of record_json aside). A case_id is kept when
 * the record has one, else one is assigned at commit per publication year
 * (YYYY-NNN, stable once given): each commit numbers its batch's notices in
 * order of publication (then of storing), after every number of that year
 * given before or kept from a source; so a notice that arrives after a
 * later-published one was numbered gets the next number, not an earlier
 * one, and an undated notice gets none. Follow-ups (第N報 with N >= 2, 続報,
 * 調査結果, 最終報) of the same organization (spaces aside) published within
 * 365 days after an earlier notice join that notice's incident; a first
 * report stored after its follow-ups takes them in. The full text of a
 * batch is searchable once it is committed. *id receives the notice's id. */
jkb_status jkb_store_put(jkb_store *s, const jkb_notice_in *n, jkb_put_outcome *outcome, int64_t *id, jkb_err *err);

/* ---- queries ---- */

typedef struct jkb_query {
    const char *text;        /* full text (any length, 1+ characters); NULL: none */
    int category;            /* jkb_category or -1 */
    int org_kind;            /* jkb_org_kind or -1 */
    int data_class;          /* jkb_data_class or -1 */
    int authority;           /* jkb_authority or -1 */
    const char *actor;       /* actor name (case-insensitive) or NULL */
    jkb_date since, until;   /* published range (y == 0: open); month precision allowed (d == 0) */
    size_t limit;            /* 0: no limit */
    size_t offset;
} jkb_query;

void jkb_query_init(jkb_query *q); /* everything open, -1 enums */

/* One notice as it comes out of the store. Strings are valid during the
 * callback only. */
typedef struct jkb_notice_row {
    int64_t id;
    int64_t incident_id;     /* the notices of one incident share it */
    const char *case_id;     /* may be NULL */
    const char *title, *org; /* may be NULL */
    int org_kind;
    jkb_date published;
    uint32_t categories, data_classes, authorities;
    int has_affected;
    int64_t affected;
    const char *source;
    size_t index;
    const char *record_json; /* the stored record (JSON object) */
    const char *text;        /* the notice's document text (jkb_store_get only; NULL in search) */
    size_t text_len;
    const char *content_hash;
    const char *engine_version;
} jkb_notice_row;

typedef int (*jkb_row_fn)(const jkb_notice_row *row, void *ud); /* non-zero: stop */

/* Notices that match q, newest published first (undated last; among one
 * day's notices the later stored first). The text is split at spaces; each
 * word must occur (literally: quotes and operators are text) in the title
 * or the text, ASCII letters case-folded, in either width: USB finds ＵＳＢ
 * and ＩＤ finds ID, as notices write both. *total (may be NULL) receives the
 * number of matches without limit/offset: it reads every match, which costs
 * far more than the newest few for a common word. A query text that cannot
 * be searched (blank, not UTF-8, U+FFFF) gives JKB_EINVAL with a clear
 * message, never a database error dump. */
jkb_status jkb_store_search(jkb_store *s, const jkb_query *q, jkb_row_fn fn, void *ud, size_t *total, jkb_err *err);

/* One notice with its text. JKB_ENOTFOUND when there is none. */
jkb_status jkb_store_get(jkb_store *s, int64_t id, jkb_row_fn fn, void *ud, jkb_err *err);

/* The notices of one incident, in order of publication. */
jkb_status jkb_store_incident(jkb_store *s, int64_t incident_id, jkb_row_fn fn, void *ud, jkb_err *err);

/* Counting. by: "month", "year", "category", "org_kind", "vector", "actor",
 * "data_class", "authority". Counts incidents (one per incident) unless
 * notices is non-zero. Rows come in a stable order (month ascending, or
 * count descending then label). */
typedef int (*jkb_count_fn)(const char *label, int64_t count, void *ud);
jkb_status jkb_store_stats(jkb_store *s, const char *by, const jkb_query *q, int notices, jkb_count_fn fn, void *ud,
                           jkb_err *err);

/* Timing: days from occurred→detected, detected→published, detected→reported
 * over the incidents that give both dates. */
typedef struct jkb_timing {
    const char *name;        /* "occurred_to_detected", … */
    size_t n;
    double median, p90;      /* days; NaN when n == 0 */
} jkb_timing;
typedef int (*jkb_timing_fn)(const jkb_timing *t, void *ud);
jkb_status jkb_store_timing(jkb_store *s, const jkb_query *q, jkb_timing_fn fn, void *ud, jkb_err *err);

/* Every stored notice's id and text, for reindex: the callback re-extracts
 * and calls jkb_store_put again. */
typedef int (*jkb_text_fn)(int64_t id, const char *text, size_t len, const char *source, size_t index,
                           const char *engine_version, void *ud);
jkb_status jkb_store_each_text(jkb_store *s, jkb_text_fn fn, void *ud, jkb_err *err);

/* ---- leak-site claims (schema 2; matching is claims.h's) ---- */

typedef struct jkb_claim {
    const char *id;          /* 16 hex digits from (group, victim, domain, date); computed when NULL */
    const char *victim;      /* the name as posted ("…" or "..." at the end: cut by the site); may be NULL */
    const char *victim_alt;  /* another form of the name (an English name); may be NULL */
    const char *domain;      /* a host, lower case, no scheme or path; may be NULL (not both with victim) */
    const char *group;       /* the gang as written ("lockbit3", "LockBit 3.0"); may be NULL */
    jkb_date claimed;        /* y == 0: unknown; m == 0 or d == 0: year or month precision */
    const char *source;      /* the file, URL or "casebook:ID" it came from; may be NULL */
    const char *description; /* may be NULL */
    const char *country;     /* may be NULL */
} jkb_claim;

/* Keep a claim (inside a transaction). Its id must be set; *added (may be
 * NULL) is 0 when a claim with that id is already there (the first is kept).
 * JKB_EINVAL: no id, or neither victim nor domain. */
jkb_status jkb_store_claim_put(jkb_store *s, const jkb_claim *c, int *added, jkb_err *err);

typedef int (*jkb_claim_fn)(const jkb_claim *c, void *ud); /* non-zero: stop */
/* Every kept claim, in order of import. Strings are valid during the
 * callback only. */
jkb_status jkb_store_claims(jkb_store *s, jkb_claim_fn fn, void *ud, jkb_err *err);
/* The number of kept claims. */
jkb_status jkb_store_claims_count(jkb_store *s, int64_t *n, jkb_err *err);

/* A claim matched to a notice (claims.h's jkb_claim_match, kept). */
typedef struct jkb_claim_link {
    const char *claim_id;
    const char *claim_json;  /* the claim as jkb_claim_write_json writes it (a JSON object) */
    int64_t notice_id;
    double score;            /* 0..1 */
    const char *reason;      /* may be NULL */
    int has_delay;
    int32_t delay_days;      /* disclosed − claimed */
    int delay_approx;
    const char *linked_at;   /* UTC, "YYYY-MM-DDTHH:MM:SSZ"; set by the store on put */
} jkb_claim_link;

/* Replacing the links (inside a transaction): clear them all, then put each.
 * A link to a notice that is not in the casebook is JKB_ENOTFOUND. */
jkb_status jkb_store_links_clear(jkb_store *s, jkb_err *err);
jkb_status jkb_store_link_put(jkb_store *s, const jkb_claim_link *l, jkb_err *err);

typedef int (*jkb_link_fn)(const jkb_claim_link *l, void *ud); /* non-zero: stop */
/* The links of every notice of an incident, best score first (then claim
 * id). Strings are valid during the callback only. */
jkb_status jkb_store_incident_links(jkb_store *s, int64_t incident_id, jkb_link_fn fn, void *ud, jkb_err *err);

#ifdef __cplusplus
}
#endif
#endif
