/*
 * The claims library inside: the name tables (data/link/names.tsv), name
 * keys and romaji, domains, and the small string map the linker indexes
 * notices with.
 */
#ifndef JKB_LINK_INTERNAL_H
#define JKB_LINK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "jikenbo/claims.h"
#include "util.h"

#define LINK_KEY_MAX 256   /* bytes of a name key, a host, a romanized form */

/* ---- names.c ---- */

typedef struct link_terms {
    const char **v;
    size_t n;
} link_terms;

/* The parsed names.tsv, owned by a linker (no global state). */
typedef struct link_lex {
    link_terms legal_ja, legal_en, lead_en, en_marker, copyright, label_skip, claim_report;
    jkb_arena arena;
} link_lex;

jkb_status link_lex_init(link_lex *x, jkb_err *err);
void link_lex_free(link_lex *x);
int link_terms_has(const link_terms *t, const char *s, size_t len);
/* Is a leak_claim record only a report of a claim (a tracker's list of
 * victims, a casebook's "… をハッキングしたと主張"), not the victim's own
 * notice? */
int link_claim_only(const link_lex *x, const char *title, size_t n_victims);

/* The key of a name (see jkb_linker_name_key); spaced (may be NULL)
 * receives the same words with a space between words. */
size_t link_name_key(const link_lex *x, const char *s, size_t len, char *out, size_t cap, char *spaced,
                     size_t spaced_cap);
/* The fold applied to every romanized form (long vowels, Kunrei → Hepburn,
 * m before b/m/p → n), in place in s (cap bytes); returns the new length. */
size_t link_fold(char *s, size_t len, size_t cap);
/* Is s[0, len) a host name (labels of [a-z0-9-], a known kind of TLD)?
 * any_case: upper case allowed (a post title); else only lower case. */
int link_is_host(const char *s, size_t len, int any_case);
/* The host of a URL or a bare host ("https://www.Seed.co.jp/x" →
 * "www.seed.co.jp"), or 0. */
size_t link_host(const char *s, size_t len, char *out, size_t cap);
/* The label that names the owner of a registrable domain (seed.co.jp →
 * seed; city.shibuya.tokyo.jp → shibuya), or 0. */
size_t link_domain_label(const link_lex *x, const char *reg, size_t len, char *out, size_t cap);

/* Every host written in text: after "://" (URL), after "@" (EMAIL) or bare
 * in lower case (TEXT). */
enum { LINK_HOST_URL = 1, LINK_HOST_EMAIL, LINK_HOST_TEXT };
typedef int (*link_host_fn)(int kind, const char *host, size_t len, void *ud); /* non-zero: stop */
void link_scan_hosts(const char *text, size_t len, link_host_fn fn, void *ud);

/* English names a notice gives itself ("(英: Takamiya Co., Ltd.)",
 * "Copyright © Takamiya Co., Ltd."). */
typedef int (*link_name_fn)(const char *name, size_t len, void *ud);
void link_scan_english(const link_lex *x, const char *text, size_t len, link_name_fn fn, void *ud);

/* The first "YYYY年M月(D日)" of text, as a date of month or day precision;
 * y == 0 when none. */
jkb_date link_find_nengetsu(const char *text, size_t len);
/* "2023-01-30 07:24:22", "2023-01", "2023" → a date (y == 0 when not one). */
jkb_date link_parse_date(const char *s, size_t len);
/* Days since 1970-01-01 of the first and last day a date may be. */
void link_date_range(jkb_date d, int32_t *lo, int32_t *hi);
/* "2023-01-30", "2023-01", "2023" into buf (11 bytes), "" when unknown. */
void link_date_str(jkb_date d, char *buf);

/* ---- claims.c ---- */

/* The stable id of a claim into id (17 bytes). */
void link_claim_id(const jkb_claim *cl, char *id);
/* Read one plain list line ("・株式会社シード(www.seed.co.jp)") into a
 * claim's victim and domain (pointers into buffers of LINK_KEY_MAX bytes);
 * 0 when the line holds no victim. */
int link_parse_line(const char *line, size_t len, char *victim, char *domain);

/* ---- match.c ---- */

/* Kinds of postings; within one map a lower number is stronger. */
enum {
    K_DOM_SOURCE = 0, K_DOM_EMAIL, K_DOM_URL, K_DOM_TEXT, /* domains, labels */
    K_NAME = 0,                                           /* names */
    K_ROM_ASCII = 0, K_ROM_ENGLISH, K_ROM_TRANSLIT,       /* romans */
    K_ORG_TABLE = 0, K_ORG_PAIRED                         /* orgs */
};
/* Evidence slots of a candidate: independent kinds, combined as a noisy-OR. */
enum { SLOT_DOM = 0, SLOT_NAME, SLOT_ROM, SLOT__COUNT };

typedef struct posting {
    uint32_t notice;    /* index in notices; UINT32_MAX in the orgs table */
    uint8_t kind;
    const char *detail; /* the host, name or form it came from */
    uint32_t next;      /* index + 1 of the next posting of the key, 0: none */
} posting;

/* key → postings (open addressing; keys in the linker's arena) */
typedef struct smap {
    const char **keys;
    uint32_t *head;
    size_t cap, n;
} smap;

typedef struct lnotice {
    int64_t id, incident_id;
    const char *org, *case_id, *title, *org_key;
    jkb_date published;
    uint32_t categories;
    const char **actors, **actor_keys;
    size_t n_actors;
    uint32_t incident; /* index in incidents */
} lnotice;

typedef struct lincident {
    int64_t id;
    jkb_date first;        /* the earliest published notice's date */
    uint32_t categories;   /* of all its notices */
    uint32_t first_notice; /* that notice */
    int claimed;           /* report: some claim names it */
} lincident;

struct jkb_linker {
    jkb_link_opts o;
    link_lex lex;
    jkb_arena arena;
    jkb_vec notices;   /* lnotice */
    jkb_vec incidents; /* lincident */
    int64_t *ikeys;    /* incident id → index + 1 */
    uint32_t *ivals;
    size_t icap;
    jkb_vec postings;  /* posting */
    smap names;   /* name key → notices */
    smap romans;  /* folded romaji (of the org, of its English names) → notices */
    smap domains; /* registrable domain → notices (detail: the host) */
    smap labels;  /* the name part of a domain → notices (detail: the registrable domain) */
    smap orgs;    /* the orgs table: registrable domain → names */
    jkb_status broken; /* a failed add left a notice half made: refuse to match */
};

#define LINK_WHY_MAX 1024

/* One incident a claim names: its best notice. */
typedef struct res {
    uint32_t notice;
    double score;
    char why[LINK_WHY_MAX];
} res;

/* The incidents cl names into out (res), best first. */
jkb_status link_match(jkb_linker *l, const jkb_claim *cl, jkb_vec *out);
void link_fill_match(jkb_linker *l, const jkb_claim *cl, const res *r, jkb_claim_match *mt);
int link_date_before(jkb_date a, jkb_date b);
int all_ascii_key(const char *k, size_t n);

#endif
