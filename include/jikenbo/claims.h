/*
 * jikenbo claims: leak-site claims ("group G says it breached V") read from
 * tracker lists (the ransomwatch / ransomware.live JSON, plain victim lists,
 * the casebook's own leak_claim records), matched to the organizations of
 * the casebook by domain, name and date, and reported: claimed but never
 * disclosed, disclosed but never claimed, and the delay between the two.
 *
 * A claim set and a linker are single-threaded objects; every call returns a
 * jkb_status and fills the optional jkb_err. Nothing here prints.
 */
#ifndef JIKENBO_CLAIMS_H
#define JIKENBO_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "jikenbo/jikenbo.h"
#include "jikenbo/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- claims ---- */

/* jkb_claim, one claim, is declared in store.h (the casebook keeps them). */

/* A set of claims, unique by id, in the order they were first added. */
typedef struct jkb_claims jkb_claims;

jkb_status jkb_claims_new(jkb_claims **out, jkb_err *err);
void jkb_claims_free(jkb_claims *c);
size_t jkb_claims_count(const jkb_claims *c);
const jkb_claim *jkb_claims_get(const jkb_claims *c, size_t i); /* NULL when out of range */
/* Add a copy of cl. *added (may be NULL) is 0 when a claim with its id was
 * already there (the first one is kept). */
jkb_status jkb_claims_add(jkb_claims *c, const jkb_claim *cl, int *added, jkb_err *err);

typedef enum jkb_claims_format {
    JKB_CLAIMS_AUTO = 0,     /* JSON when it starts with [ or {, else a list */
    JKB_CLAIMS_RANSOMWATCH,  /* a JSON array of posts (post_title, group_name, discovered, website, …) */
    JKB_CLAIMS_LIST,         /* plain text: one victim a line, a name and/or a domain */
    JKB_CLAIMS_NDJSON        /* claims as written by jkb_claim_write_json, one a line */
} jkb_claims_format;

typedef struct jkb_claims_read_opts {
    jkb_claims_format format;
    const char *source;  /* recorded as the source of claims that have none */
    const char *group;   /* the group of a list's claims (NULL: none) */
    jkb_date claimed;    /* the date of a list's claims (y == 0: the first 年月 of the text, if any) */
    size_t max_input;    /* 0: 256 MiB */
} jkb_claims_read_opts;

/* Read claims from data (len bytes, UTF-8) into c. *n_read: claims found,
 * *n_added: those that were new (both may be NULL). JKB_EFORMAT: the JSON
 * is not a list of posts. */
jkb_status jkb_claims_read(jkb_claims *c, const char *data, size_t len, const jkb_claims_read_opts *o,
                           size_t *n_read, size_t *n_added, jkb_err *err);

/* The claims of one casebook record (record_json, its JSON; text: the
 * notice's text, may be NULL): nothing unless its categories hold
 * leak_claim. A report of a claim (a tracker's list, a casebook's "… を
 * ハッキングしたと主張") gives each of its victims, with the domain written
 * beside the name in the text, or else its org, with the domain named in its
 * title; its date is the record's published date, else the first 年月 of its
 * title or text, else the year of its case number. A victim's own notice that
 * tells of a leak-site post gives its org, dated by the year of the notice
 * (the post came before it, when exactly the notice seldom says). The group
 * is the record's first actor. */
jkb_status jkb_claims_from_record(jkb_claims *c, const char *record_json, size_t json_len, const char *text,
                                  size_t len, const char *source, size_t *n_read, size_t *n_added, jkb_err *err);

/* One claim as a JSON object (no newline): id, victim, victim_alt, domain,
 * group, claimed, source, description, country (nulls kept). */
jkb_status jkb_claim_write_json(const jkb_claim *cl, jkb_write_fn fn, void *ud);

/* The claims file that jikenbo before schema 2 kept beside a SQLite
 * casebook: "PATH.claims.ndjson" (path, sqlite:PATH, file:PATH?…); the
 * casebook holds its claims now, and such a file is imported into it once.
 * JKB_EINVAL for other casebooks. */
jkb_status jkb_claims_path(const char *db_url, char *buf, size_t cap, jkb_err *err);
/* Read a claims file (NDJSON, as jkb_claim_write_json writes) into c (a
 * missing file is an empty set). */
jkb_status jkb_claims_load(jkb_claims *c, const char *path, jkb_err *err);
/* Write c to path whole: a temporary file beside it, synced, renamed over. */
jkb_status jkb_claims_save(const jkb_claims *c, const char *path, jkb_err *err);

/* ---- matching claims to the casebook ---- */

typedef struct jkb_linker jkb_linker;

typedef struct jkb_link_opts {
    int window_days;   /* a claim and a notice more than this many days apart never match (365) */
    double min_score;  /* matches below are dropped (0.5) */
} jkb_link_opts;

void jkb_link_opts_init(jkb_link_opts *o);

jkb_status jkb_linker_new(const jkb_link_opts *o, jkb_linker **out, jkb_err *err);
void jkb_linker_free(jkb_linker *l);

/* A table of domain → organization name, one pair a line, separated by a
 * tab, a comma or spaces (either order); # starts a comment. */
jkb_status jkb_linker_add_orgs(jkb_linker *l, const char *data, size_t len, const char *name, jkb_err *err);

/* Domains that claims pair with a name the casebook knows ("・住友ベークライト
 * 株式会社(www.sumibe.co.jp)"): later claims that give only the domain (a
 * post "SUMITOMO BAKELITE USA", website sumibe.co.jp) match through it, a
 * little below the orgs table. Call after the notices are in. *learned (may
 * be NULL): pairs added. */
jkb_status jkb_linker_learn_domains(jkb_linker *l, const jkb_claims *c, size_t *learned, jkb_err *err);

/* One notice of the casebook. Strings are copied. */
typedef struct jkb_link_notice {
    int64_t id, incident_id;     /* incident_id 0: its own incident */
    const char *org;             /* may be NULL */
    const char *case_id, *title; /* may be NULL */
    jkb_date published;
    uint32_t categories;         /* bits (1u << jkb_category) */
    const char *source;          /* path or URL; may be NULL */
    const char *text;            /* the notice's text (len bytes); may be NULL */
    size_t len;
    const char *const *actors;
    size_t n_actors;
    size_t n_victims;            /* the record's victims (a tracker's list has some) */
} jkb_link_notice;

/* Add a notice (after a failure the linker only refuses: free it). A
 * leak_claim record that only reports a claim (it lists
 * victims, or its title is a casebook's "… と主張") is no disclosure and is
 * left out: read it with jkb_claims_from_record. A victim's own notice that
 * tells of a leak-site post is a disclosure like any other. */
jkb_status jkb_linker_add_notice(jkb_linker *l, const jkb_link_notice *n, jkb_err *err);

/* Every notice of a casebook; the claims of its leak_claim records go into
 * claims as well when it is not NULL. */
jkb_status jkb_linker_load_store(jkb_linker *l, jkb_store *s, jkb_claims *claims, jkb_err *err);

typedef enum jkb_claim_status {
    JKB_CLAIM_MATCHED = 0,   /* a claim and the incident it names */
    JKB_CLAIM_UNDISCLOSED,   /* a claim that names no incident of the casebook */
    JKB_CLAIM_UNCLAIMED      /* an incident that no claim names */
} jkb_claim_status;

/* A claim and an incident. Strings are valid during the callback only. */
typedef struct jkb_claim_match {
    jkb_claim_status status;
    const jkb_claim *claim;        /* NULL for UNCLAIMED */
    int64_t notice_id, incident_id; /* 0 for UNDISCLOSED */
    const char *org, *case_id, *title;
    jkb_date published;            /* the matched notice's */
    jkb_date disclosed;            /* the incident's first published notice */
    uint32_t categories;
    double score;                  /* 0..1 */
    const char *reason;            /* "name 住友ベークライト = 住友ベークライト株式会社; date 20 days apart" */
    bool has_delay;
    int32_t delay_days;            /* disclosed − claimed: negative when disclosed first */
    bool delay_approx;             /* a date of month or year precision took part */
} jkb_claim_match;

typedef int (*jkb_match_fn)(const jkb_claim_match *m, void *ud); /* non-zero: stop (JKB_ESTOP) */

/* The incidents a claim may name, best first, each at min_score or more. */
jkb_status jkb_linker_match(jkb_linker *l, const jkb_claim *c, jkb_match_fn fn, void *ud, jkb_err *err);

enum {
    JKB_REPORT_ALL_NOTICES = 1 /* unclaimed: every incident, not only attacks (ransomware, unauthorized_access, malware) */
};

typedef struct jkb_report_opts {
    unsigned flags;
    jkb_date since, until; /* unclaimed incidents: first published in range (y == 0: open) */
} jkb_report_opts;

/* The report: every MATCHED pair (a claim's best incidents) in order of
 * claim date, then every UNDISCLOSED claim, then every UNCLAIMED incident
 * (in order of disclosure). */
jkb_status jkb_claims_report(jkb_linker *l, const jkb_claims *c, const jkb_report_opts *o, jkb_match_fn fn, void *ud,
                             jkb_err *err);

/* ---- claims in the casebook ---- */

/* Add the casebook's kept claims to c. *n_added (may be NULL): new to c. */
jkb_status jkb_claims_load_store(jkb_claims *c, jkb_store *s, size_t *n_added, jkb_err *err);
/* Keep every claim of c in the casebook (inside the caller's transaction).
 * *n_added (may be NULL): those it did not hold yet. */
jkb_status jkb_claims_store(const jkb_claims *c, jkb_store *s, size_t *n_added, jkb_err *err);
/* Match every claim the casebook holds (kept ones and those of its
 * leak_claim records) to its notices as the claims report does (o: window
 * and minimum score, NULL: the defaults) and replace the casebook's links
 * with the matched pairs, in one transaction of its own. It reads the whole
 * casebook. *n_claims, *n_links (may be NULL): claims matched, links kept. */
jkb_status jkb_claims_link_store(jkb_store *s, const jkb_link_opts *o, size_t *n_claims, size_t *n_links,
                                 jkb_err *err);

/* ---- the name forms matching uses (for tests and tools) ---- */

/* The comparison key of a name into out (cap bytes, NUL-terminated): NFKC,
 * lower case, legal forms (株式会社, (株), Co., Ltd., Inc. …) and
 * punctuation left out. Returns its length (0: nothing left). */
size_t jkb_linker_name_key(const jkb_linker *l, const char *s, size_t len, char *out, size_t cap);
/* Hepburn romaji of a key made of kana and ASCII (タカミヤ → takamiya,
 * トーコー → toko), folded for comparison (long vowels, Kunrei spellings).
 * 0 when the key holds anything else (kanji). */
size_t jkb_romanize(const char *key, size_t len, char *out, size_t cap);
/* The registrable part of a host (www.seed.co.jp → seed.co.jp). */
size_t jkb_domain_registrable(const char *host, size_t len, char *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
