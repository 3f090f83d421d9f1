/*
 * The casebook store inside: what store.c (the backend-independent part)
 * hands to a backend, and the table of functions a backend provides.
 * SQLite is sqlite.c; a PostgreSQL backend (pg.c) fills the same table.
 */
#ifndef JKB_STORE_INTERNAL_H
#define JKB_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "jikenbo/store.h"

/* Follow-ups are linked to an earlier notice published at most this many
 * days before them. */
#define STORE_FOLLOWUP_DAYS 365
/* A follow-up weighs at most this many of its organization's latest notices
 * in that window (the query's LIMIT) and this many incidents among them. */
#define STORE_FOLLOW_ROWS 200
#define STORE_FOLLOW_INCIDENTS 32
/* Title characters compared when weighing them. */
#define STORE_FOLLOW_TITLE_CHARS 96
/* Full-text queries: at most this many whitespace-separated terms, each at
 * most this many bytes. */
#define STORE_MAX_TERMS 16
#define STORE_MAX_TERM_BYTES 256

/* One notice to put, with every derived column computed once by store.c, so
 * that backends only write them. Strings are NUL-terminated; NULL is SQL
 * NULL. */
typedef struct store_put {
    const jkb_notice_in *in;
    char hash[65];            /* SHA-256 of the text, lower-case hex */
    const char *record_json;
    size_t record_len;
    /* The record without its trailing "source" member: two records are the
     * same when these bytes are (the same text met in another file or at
     * another index is not a changed record). */
    size_t record_core_len;
    char published[11];       /* "YYYY-MM-DD", "" when unknown */
    int64_t day_key;          /* store_day_key(published), 0 when unknown */
    int year;                 /* 0 when unknown */
    char *title, *org, *case_id; /* owned copies, may be NULL */
    char *org_key;            /* org without spaces (ASCII and U+3000), NULL without org */
    int org_kind;             /* -1: none */
    int report_no;            /* 0: none */
    int followup;             /* a follow-up notice (第N報 N>=2, 続報, 調査結果, 最終報) */
    uint32_t categories, data_classes, authorities, vectors, measures;
    int has_affected;
    int64_t affected;
    const char *leak_status;  /* schema key or NULL */
    const jkb_strv *actors;
    size_t n_actors;
    char ingested_at[21];     /* UTC, "YYYY-MM-DDTHH:MM:SSZ" */
} store_put;

/* One whitespace-separated term of a full-text query. */
typedef struct store_term {
    const char *s;            /* into store_query.textbuf, NUL-terminated */
    size_t len;               /* bytes */
    size_t nchars;            /* Unicode characters */
    /* The term with its ASCII letters, digits and signs in the other width
     * (USB → ＵＳＢ, ＵＳＢ → USB; notices write both), into
     * store_query.altbuf, NUL-terminated, as many characters; NULL when it
     * has none. A term matches when either form does. */
    const char *alt;
    size_t alt_len;
} store_term;

/* A validated query: jkb_query's filters, date bounds as strings and the
 * full text split into terms. Every value goes to the database as a bound
 * parameter. */
typedef struct store_query {
    const jkb_query *q;
    char since[11];           /* published >= since; "" when open */
    char until[11];           /* published < until (exclusive); "" when open */
    int64_t since_key, until_key; /* the same as day keys; 0 when open */
    store_term terms[STORE_MAX_TERMS];
    size_t n_terms;
    char *textbuf;            /* owned */
    char *altbuf;             /* owned */
} store_query;

/* Stats dimensions. */
typedef enum store_dim {
    DIM_MONTH, DIM_YEAR, DIM_CATEGORY, DIM_ORG_KIND, DIM_VECTOR, DIM_ACTOR, DIM_DATA_CLASS, DIM_AUTHORITY
} store_dim;

/* A stats row from a backend: label (for bitmask and enum dimensions the
 * enum value as decimal text, "-1" for none; for month/year the period; for
 * actors the name; NULL for unknown). */
typedef int (*store_count_fn)(const char *label, int64_t count, void *ud);
/* One notice's timeline source: its incident and record JSON. */
typedef int (*store_record_fn)(int64_t incident_id, const char *published, const char *record_json, void *ud);

typedef struct store_ops {
    const char *name;     /* "sqlite", "postgresql" */
    /* target: the URL or path as given (the backend strips its prefix). */
    jkb_status (*open)(jkb_store *s, const char *target, jkb_err *err);
    void (*close)(jkb_store *s);
    jkb_status (*begin)(jkb_store *s, jkb_err *err);
    /* Called inside the transaction before commit: give every notice that
     * has no case_id and a publication year the next number of its year
     * ("YYYY-NNN", at least three digits), in order of publication (then
     * id), counting past the numbers already given and past the YYYY-NNN
     * case ids kept from sources; set case_auto = 1. A backend that defers
     * index work to the end of a batch does it here too (SQLite adds the
     * batch's full-text rows in key order). */
    jkb_status (*prepare_commit)(jkb_store *s, jkb_err *err);
    jkb_status (*commit)(jkb_store *s, jkb_err *err);
    jkb_status (*rollback)(jkb_store *s, jkb_err *err);
    /* Store or update one notice (see store.h for the outcomes). A new
     * notice gets an incident: a follow-up joins the incident it continues
     * among those of the same org_key with a notice published within
     * STORE_FOLLOWUP_DAYS before it (the backend hands the candidate notices,
     * latest first, to store_follow_add and takes store_follow_pick's
     * choice); otherwise a new incident, which also takes in the incidents of the
     * same org_key that have no first notice and began within
     * STORE_FOLLOWUP_DAYS after it (a first report stored after its
     * follow-ups). An updated notice keeps its incident and case_id (unless
     * the record now has one); its full-text row changes only when the title
     * did. */
    jkb_status (*put)(jkb_store *s, const store_put *p, jkb_put_outcome *outcome, int64_t *id, jkb_err *err);
    /* Notices matching every filter and every term (a term of 3+ characters
     * anywhere in the title or text, case folded as the trigram tokenizer
     * folds; one of 1-2 characters likewise, exactly, not only where a
     * trigram index happens to hold it), newest published first, undated
     * last, the later stored first among notices of one day; limit 0: all.
     * *total (when not NULL) is the exact number of matches. Text that the
     * engine cannot search is JKB_EINVAL, never a database message. */
    jkb_status (*search)(jkb_store *s, const store_query *sq, jkb_row_fn fn, void *ud, size_t *total, jkb_err *err);
    jkb_status (*get)(jkb_store *s, int64_t id, jkb_row_fn fn, void *ud, jkb_err *err);
    jkb_status (*incident)(jkb_store *s, int64_t incident_id, jkb_row_fn fn, void *ud, jkb_err *err);
    /* Counts per label in any order; store.c sorts them. */
    jkb_status (*stats)(jkb_store *s, store_dim dim, const store_query *sq, int notices, store_count_fn fn, void *ud,
                        jkb_err *err);
    /* Every notice matching sq with its incident, for the timing. */
    jkb_status (*each_record)(jkb_store *s, const store_query *sq, store_record_fn fn, void *ud, jkb_err *err);
    jkb_status (*each_text)(jkb_store *s, jkb_text_fn fn, void *ud, jkb_err *err);
    /* Claims (schema 2). claimed: "YYYY", "YYYY-MM", "YYYY-MM-DD" or NULL;
     * now: the import time. *added: 0 when the id was there. */
    jkb_status (*claim_put)(jkb_store *s, const jkb_claim *c, const char *claimed, const char *now, int *added,
                            jkb_err *err);
    /* In order of import; the backend reads claimed with store_parse_date. */
    jkb_status (*claims)(jkb_store *s, jkb_claim_fn fn, void *ud, jkb_err *err);
    jkb_status (*claims_count)(jkb_store *s, int64_t *n, jkb_err *err);
    jkb_status (*links_clear)(jkb_store *s, jkb_err *err);
    /* l->linked_at is set; a missing notice is JKB_ENOTFOUND. */
    jkb_status (*link_put)(jkb_store *s, const jkb_claim_link *l, jkb_err *err);
    jkb_status (*incident_links)(jkb_store *s, int64_t incident_id, jkb_link_fn fn, void *ud, jkb_err *err);
} store_ops;

struct jkb_store {
    const store_ops *ops;
    void *impl;           /* the backend's connection state */
    int in_tx;
};

extern const store_ops jkb_store_sqlite_ops;
#ifdef JKB_WITH_PG
extern const store_ops jkb_store_pg_ops;
#endif

/* Helpers of store.c for backends. */
jkb_status store_fail(jkb_err *err, jkb_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* The schema files of one backend ("sqlite-", "pg-"), by version: data of
 * version v (1-based) or NULL; *max receives the highest version. */
const char *store_schema(const char *prefix, int v, size_t *len, int *max);
/* The length of a record's JSON without its trailing "source" member. */
size_t store_record_core(const char *json, size_t len);
/* Days from 0000-03-01 to a date, plus one (so 0 can mean "no date"): the
 * publication order as a number. */
int64_t store_day_key(jkb_date d);
/* Parse "YYYY-MM-DD" (or a prefix) into a jkb_date; returns 0 when it is none. */
jkb_date store_parse_date(const char *s);

/* Choosing the incident a follow-up continues when its organization has
 * several in the window. Each candidate incident is scored by the record
 * categories it shares with the follow-up, the title character pairs it
 * shares once report markers (第N報, 続報, お知らせ…) are removed, and, for a
 * 第N報, whether its highest report number is N-1; the best wins, a tie goes
 * to the incident of the latest notice. */
typedef struct store_follow_cand {
    int64_t incident;
    uint32_t categories;      /* of all its candidate notices */
    int max_report;           /* the highest 第N報 among them, 0: none */
    int title_pairs;          /* the most title pairs one of them shares */
} store_follow_cand;

typedef struct store_follow {
    const store_put *p;
    uint32_t pairs[STORE_FOLLOW_TITLE_CHARS][2]; /* the follow-up's title pairs, distinct */
    size_t n_pairs;
    store_follow_cand c[STORE_FOLLOW_INCIDENTS]; /* in order of their latest notice */
    size_t n;
} store_follow;

void store_follow_init(store_follow *f, const store_put *p);
/* One candidate notice; call them latest first. title may be NULL. */
void store_follow_add(store_follow *f, int64_t incident, uint32_t categories, const char *title, size_t title_len,
                      int report_no);
/* The chosen incident, 0 when there was no candidate. */
int64_t store_follow_pick(const store_follow *f);

#endif
