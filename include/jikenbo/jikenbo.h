/*
 * jikenbo core: UTF-8 notice text in, incident records (record.md, schema v1)
 * out, every value with the byte span of the words it came from.
 *
 * The core does no I/O and keeps no global state. An engine (compiled
 * lexicon) is built once, is immutable afterwards and may be shared by
 * threads; each jkb_extract() call uses its own scratch memory.
 */
#ifndef JIKENBO_H
#define JIKENBO_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

#define JKB_VERSION "0.1.0"
#define JKB_SCHEMA_VERSION 1

/* Append only: never renumber or remove. */
typedef enum jkb_status {
    JKB_OK = 0,
    JKB_ENOMEM,    /* out of memory */
    JKB_EINVAL,    /* misuse or bad argument */
    JKB_EUTF8,     /* bytes that are not valid UTF-8 text */
    JKB_ETOOBIG,   /* input over a cap */
    JKB_EIO,       /* read or write failed */
    JKB_ESTORE,    /* storage backend failed */
    JKB_ENOTFOUND, /* no such item */
    JKB_EFORMAT,   /* not a text, HTML or PDF document */
    JKB_ESTOP      /* a callback asked to stop */
} jkb_status;

typedef struct jkb_err {
    jkb_status code;
    size_t offset;  /* byte offset into the caller's input, when it applies */
    char msg[200];
} jkb_err;

const char *jkb_status_name(jkb_status s); /* "EUTF8" */
const char *jkb_status_str(jkb_status s);  /* "invalid UTF-8" */
const char *jkb_version(void);

/* ---- record vocabulary: enum constants spelled as record.md's keys ---- */

typedef enum jkb_org_kind {
    JKB_ORG_NONE = -1,
    JKB_ORG_COMPANY = 0, JKB_ORG_MEDICAL, JKB_ORG_LOCAL_GOV, JKB_ORG_NATIONAL_GOV,
    JKB_ORG_EDUCATION, JKB_ORG_NONPROFIT, JKB_ORG_OTHER,
    JKB_ORG__COUNT
} jkb_org_kind;

/* Set fields are bitmasks: bit (1u << JKB_CAT_X). Order is record.md's. */
typedef enum jkb_category {
    JKB_CAT_RANSOMWARE = 0, JKB_CAT_UNAUTHORIZED_ACCESS, JKB_CAT_ACCOUNT_COMPROMISE,
    JKB_CAT_MALWARE, JKB_CAT_PHISHING, JKB_CAT_CARD_SKIMMING, JKB_CAT_DDOS,
    JKB_CAT_INSIDER_MISUSE, JKB_CAT_MISDELIVERY, JKB_CAT_MISCONFIGURATION,
    JKB_CAT_LOSS_THEFT, JKB_CAT_LEAK_CLAIM, JKB_CAT_OTHER,
    JKB_CAT__COUNT
} jkb_category;

typedef enum jkb_data_class {
    JKB_DATA_NAME = 0, JKB_DATA_ADDRESS, JKB_DATA_PHONE, JKB_DATA_EMAIL, JKB_DATA_BIRTH_DATE,
    JKB_DATA_GENDER, JKB_DATA_PASSWORD, JKB_DATA_LOGIN_ID, JKB_DATA_CREDIT_CARD,
    JKB_DATA_BANK_ACCOUNT, JKB_DATA_EMPLOYER, JKB_DATA_MEDICAL, JKB_DATA_MY_NUMBER,
    JKB_DATA_CUSTOMER_ID, JKB_DATA_OTHER,
    JKB_DATA__COUNT
} jkb_data_class;

typedef enum jkb_vector {
    JKB_VEC_VPN = 0, JKB_VEC_RDP, JKB_VEC_WEB_VULN, JKB_VEC_SQLI, JKB_VEC_PHISHING_MAIL,
    JKB_VEC_CREDENTIAL_STUFFING, JKB_VEC_CLOUD_SHARING, JKB_VEC_EMAIL_ACCOUNT,
    JKB_VEC_USB_MEDIA, JKB_VEC_CONTRACTOR, JKB_VEC_OTHER,
    JKB_VEC__COUNT
} jkb_vector;

typedef enum jkb_authority {
    JKB_AUTH_PPC = 0, JKB_AUTH_POLICE, JKB_AUTH_MINISTRY, JKB_AUTH_IPA, JKB_AUTH_JPCERT,
    JKB_AUTH_FOREIGN, JKB_AUTH_LOCAL_GOV,
    JKB_AUTH__COUNT
} jkb_authority;

typedef enum jkb_measure {
    JKB_MEAS_WAF = 0, JKB_MEAS_MFA, JKB_MEAS_PASSWORD_RESET, JKB_MEAS_ISOLATION,
    JKB_MEAS_FORENSICS, JKB_MEAS_SITE_CLOSED, JKB_MEAS_TRAINING, JKB_MEAS_MONITORING,
    JKB_MEAS__COUNT
} jkb_measure;

typedef enum jkb_leak {
    JKB_LEAK_CONFIRMED = 0, JKB_LEAK_POSSIBLE, JKB_LEAK_NONE, JKB_LEAK_UNKNOWN,
    JKB_LEAK__COUNT
} jkb_leak;

typedef enum jkb_secondary {
    JKB_SEC_CONFIRMED = 0, JKB_SEC_NOT_CONFIRMED, JKB_SEC_UNKNOWN,
    JKB_SEC__COUNT
} jkb_secondary;

typedef enum jkb_qualifier {
    JKB_QUAL_NONE = -1,
    JKB_QUAL_EXACT = 0, JKB_QUAL_APPROX, JKB_QUAL_UPPER, JKB_QUAL_LOWER,
    JKB_QUAL__COUNT
} jkb_qualifier;

typedef enum jkb_event_kind {
    JKB_EV_OCCURRED = 0, JKB_EV_DETECTED, JKB_EV_CONTAINED, JKB_EV_REPORTED,
    JKB_EV_NOTIFIED, JKB_EV_PUBLISHED, JKB_EV_RESTORED,
    JKB_EV__COUNT
} jkb_event_kind;

/* Fields, in record.md's order; used to key evidence. */
typedef enum jkb_field {
    JKB_F_CASE_ID = 0, JKB_F_TITLE, JKB_F_ORG, JKB_F_ORG_KIND, JKB_F_PUBLISHED,
    JKB_F_REPORT_NO, JKB_F_CATEGORIES, JKB_F_AFFECTED, JKB_F_AFFECTED_QUALIFIER,
    JKB_F_DATA_CLASSES, JKB_F_LEAK_STATUS, JKB_F_ACTORS, JKB_F_VECTORS, JKB_F_CVES,
    JKB_F_AUTHORITIES, JKB_F_TIMELINE, JKB_F_VICTIMS, JKB_F_SECONDARY_DAMAGE,
    JKB_F_MEASURES,
    JKB_F__COUNT
} jkb_field;

/* The schema key of an enum value, or NULL when out of range. */
const char *jkb_org_kind_key(int v);
const char *jkb_category_key(int v);
const char *jkb_data_class_key(int v);
const char *jkb_vector_key(int v);
const char *jkb_authority_key(int v);
const char *jkb_measure_key(int v);
const char *jkb_leak_key(int v);
const char *jkb_secondary_key(int v);
const char *jkb_qualifier_key(int v);
const char *jkb_event_key(int v);
const char *jkb_field_key(int v);
/* The enum value of a schema key (len bytes), or -1. `table` is one of the
 * *_key functions above; e.g. jkb_key_lookup(jkb_category_key, "ddos", 4). */
int jkb_key_lookup(const char *(*table)(int), const char *key, size_t len);

/* ---- the record ---- */

typedef struct jkb_date {
    int16_t y; /* 0: unknown */
    int8_t m, d;
} jkb_date;

typedef struct jkb_span {
    uint32_t start, end; /* byte offsets into the document text */
} jkb_span;

/* One piece of evidence: which field (and for set/list fields which item:
 * the enum value, or the index in the list) came from which bytes. */
typedef struct jkb_evidence {
    uint16_t field;
    uint16_t item;
    jkb_span span;
} jkb_evidence;

typedef struct jkb_event {
    uint8_t kind;        /* jkb_event_kind */
    uint32_t to;         /* authorities told, bitmask (reported only) */
    jkb_date date;
    jkb_date date_end;   /* y == 0: none */
} jkb_event;

typedef struct jkb_strv {
    const char *s;  /* NUL-terminated, owned by the extraction call */
    size_t len;
} jkb_strv;

typedef struct jkb_record {
    jkb_strv case_id, title, org; /* s == NULL: null */
    int org_kind;                 /* jkb_org_kind */
    jkb_date published;           /* y == 0: null */
    int report_no;                /* 0: null */
    uint32_t categories, data_classes, vectors, authorities, measures;
    bool has_affected;
    int64_t affected;
    int affected_qualifier;       /* jkb_qualifier */
    int leak_status;              /* jkb_leak */
    int secondary_damage;         /* jkb_secondary */
    const jkb_strv *actors; size_t n_actors;
    const jkb_strv *cves; size_t n_cves;
    const jkb_strv *victims; size_t n_victims;
    const jkb_event *timeline; size_t n_timeline;
    const jkb_evidence *evidence; size_t n_evidence;
    /* Where the notice lies in the document text, and its index (0-based)
     * among the notices of the document. */
    jkb_span extent;
    size_t index;
} jkb_record;

/* ---- engine and extraction ---- */

typedef struct jkb_engine jkb_engine;

/* Build the engine from the compiled-in lexicon. */
jkb_status jkb_engine_new(jkb_engine **out, jkb_err *err);
/* Add a user lexicon (TSV, same format as the files in data/lexicon; see
 * docs/lexicon.md) before the first extraction. `name` is used in messages. */
jkb_status jkb_engine_add_lexicon(jkb_engine *eng, const char *tsv, size_t len,
                                  const char *name, jkb_err *err);
/* Compile what was added. Called implicitly by the first jkb_extract. */
jkb_status jkb_engine_compile(jkb_engine *eng, jkb_err *err);
void jkb_engine_free(jkb_engine *eng);

typedef struct jkb_opts {
    size_t max_input;      /* 0: default (1 GiB) */
    bool single;           /* treat the whole text as one notice */
} jkb_opts;

/* The notices of a document: their spans, in order, into *out (malloc'd,
 * free with free()). A blank document has none. */
jkb_status jkb_notices(const char *text, size_t len, jkb_span **out, size_t *n, jkb_err *err);

/* Called once per notice, in order. The record and everything it points to
 * are valid only during the call. A non-zero return stops the extraction
 * with JKB_ESTOP. */
typedef int (*jkb_record_fn)(const jkb_record *rec, const char *text, void *ud);

/* Extract every notice of `text` (UTF-8, `len` bytes; need not be
 * NUL-terminated). Invalid UTF-8 sequences are tolerated (they never match
 * anything). Thread-safe for distinct calls on one engine once compiled. */
jkb_status jkb_extract(jkb_engine *eng, const char *text, size_t len, const jkb_opts *opts,
                       jkb_record_fn fn, void *ud, jkb_err *err);

/* Extract the given notices only (spans from jkb_notices), numbering them
 * from first_index. For splitting one document among threads. */
jkb_status jkb_extract_spans(jkb_engine *eng, const char *text, size_t len, const jkb_span *spans, size_t n,
                             size_t first_index, jkb_record_fn fn, void *ud, jkb_err *err);

/* ---- JSON output ---- */

typedef int (*jkb_write_fn)(const char *p, size_t n, void *ud); /* non-zero: failed */

enum {
    JKB_JSON_PRETTY = 1,      /* indented, as in the json array output */
    JKB_JSON_NO_EVIDENCE = 2, /* leave out "evidence" */
};

typedef struct jkb_source {
    const char *file; /* may be NULL */
    const char *url;  /* may be NULL */
} jkb_source;

/* Write one record as a JSON object (no trailing newline). */
jkb_status jkb_record_write_json(const jkb_record *rec, const char *text, const jkb_source *src,
                                 int flags, jkb_write_fn fn, void *ud);
/* The same with base subtracted from every evidence offset: the record's
 * extent.start when the notice's own text is kept apart from its file, or a
 * negative file offset when text is a window read from the middle of a
 * file. */
jkb_status jkb_record_write_json_at(const jkb_record *rec, const char *text, int64_t base, const jkb_source *src,
                                    int flags, jkb_write_fn fn, void *ud);

#ifdef __cplusplus
}
#endif
#endif
