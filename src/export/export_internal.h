/*
 * Shared by the exporters: SHA-1 and UUIDv5, the notices and incidents read
 * from records, the vocabulary maps and the galaxy lookup.
 */
#ifndef JKB_EXPORT_INTERNAL_H
#define JKB_EXPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "jikenbo/export.h"

/* ---- sha1.c ---- */

typedef struct jkb_sha1 {
    uint32_t h[5];
    uint64_t len;
    unsigned char buf[64];
    size_t n;
} jkb_sha1;

void jkb_sha1_init(jkb_sha1 *s);
void jkb_sha1_update(jkb_sha1 *s, const void *data, size_t len);
void jkb_sha1_final(jkb_sha1 *s, unsigned char out[20]);
void jkb_hex(const unsigned char *p, size_t n, char *out); /* out: 2n + 1 bytes */

#define JKB_UUID_LEN 36
void jkb_uuid5_ns(const unsigned char ns[16], const char *name, size_t len, char out[JKB_UUID_LEN + 1]);
/* Under jikenbo's fixed export namespace. */
void jkb_uuid5(const char *name, char out[JKB_UUID_LEN + 1]);

/* ---- export.c: the model both formats are written from ---- */

/* Days are yyyymmdd integers: they sort as dates and print without a table. */
typedef struct jkb_xnotice {
    json_t *rec;                  /* owned; the strings below point into it */
    char *key, *incident, *source; /* owned */
    const char *org, *title, *case_id;
    int org_kind, report_no;      /* -1 / 0: null */
    int day;                      /* published, else the latest date of its timeline, else the fallback */
    bool undated;                 /* day is the fallback */
    uint32_t categories, data_classes, vectors;
    int leak, secondary;          /* jkb_leak, jkb_secondary */
    bool has_affected;
    int64_t affected;
    int qualifier;                /* jkb_qualifier */
    const char **actors;          /* owned array of borrowed strings */
    size_t n_actors;
    const char **cves;
    size_t n_cves;
    const char **victims;         /* a leak-claim list's names */
    size_t n_victims;
    json_t *assessment;           /* owned; NULL: none */
} jkb_xnotice;

/* A notice and its follow-ups. Facts are merged: sets are unions, counts and
 * leak status come from the latest notice that gives them. */
typedef struct jkb_xincident {
    const char *key;
    jkb_xnotice **v; /* sorted by day, report number, key */
    size_t n;
    const char *org;
    int org_kind;
    uint32_t categories, data_classes, vectors;
    int leak, secondary;
    bool has_affected;
    int64_t affected;
    int qualifier;
    const char **actors; /* union, in order of first mention */
    size_t n_actors;
    const char **cves;
    size_t n_cves;
    /* The victims: the organization that published, or, for a tracker's
     * list of a gang's claims (record.md "victims"), the names it lists;
     * the tracker is no victim. */
    const char **victims;
    size_t n_victims;
    bool listed; /* victims come from a list: no org_kind applies */
    int first_day, last_day;
    bool suspected; /* determination "suspected": only a claim, nothing the victim confirmed */
    bool closed;    /* investigation_status "closed" */
} jkb_xincident;

typedef struct jkb_xset {
    jkb_xincident *inc;
    size_t n;
    const jkb_export_opts *opts;
} jkb_xset;

/* Dump root through fn with the exporter's flags, then a newline. */
jkb_status jkb_xdump(json_t *root, int flags, jkb_write_fn fn, void *ud, jkb_err *err);
void jkb_xerr(jkb_err *err, jkb_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* "YYYY-MM-DDT00:00:00.000Z" of a day (buf: 25 bytes), "YYYY-MM-DD" (11),
 * seconds since the epoch at 00:00 UTC. */
void jkb_xday_ts(int day, char *buf);
void jkb_xday_date(int day, char *buf);
int64_t jkb_xday_epoch(int day);
/* The name of a notice: "org: title", or what there is of it. Caller frees. */
char *jkb_xnotice_name(const jkb_xnotice *n);
/* A one-paragraph English summary of an incident's facts, in record.md's
 * keys (categories, affected, data, leak status, actors, notices). Caller
 * frees. */
char *jkb_xincident_summary(const jkb_xincident *inc);
/* The reporting obligations of a notice's assessment as Markdown, one
 * item per obligation that applies or may apply, for a STIX note and a MISP
 * event report. Caller frees; NULL when out of memory. */
char *jkb_xassessment_text(const jkb_xnotice *n);
/* Is s a CVE id as STIX's external-reference schema spells it? */
bool jkb_xis_cve(const char *s);
/* Identity key of an organization name: spaces (ASCII, U+3000) removed.
 * Caller frees. */
char *jkb_xorg_key(const char *org);
/* Where a notice came from, for a reference: an http(s) URL, else the base
 * name of a file; *is_url tells which. NULL when nothing is known. */
const char *jkb_xsource(const jkb_xnotice *n, bool *is_url);

/* ---- stix.c, misp.c ---- */

jkb_status jkb_stix_write(const jkb_xset *s, jkb_write_fn fn, void *ud, jkb_err *err);
jkb_status jkb_misp_write(const jkb_xset *s, jkb_write_fn fn, void *ud, jkb_err *err);

/* ---- maps.c: record vocabulary → STIX, MISP, VERIS, RSIT ---- */

#define JKB_XMAX 3
typedef struct jkb_xcat_map {
    const char *stix_types[JKB_XMAX]; /* incident-type-ov (Incident Core) */
    const char *misp_types[JKB_XMAX]; /* the incident object's incident_type defaults */
    const char *veris[JKB_XMAX];      /* predicate="value" under veris: */
    const char *rsit[JKB_XMAX];       /* predicate="value" under rsit: */
} jkb_xcat_map;

typedef struct jkb_xvec_map {
    const char *veris[JKB_XMAX];
    bool hacking; /* only when the incident is an intrusion of some kind */
} jkb_xvec_map;

extern const jkb_xcat_map jkb_xcat[JKB_CAT__COUNT];
extern const jkb_xvec_map jkb_xvec[JKB_VEC__COUNT];
extern const uint32_t jkb_xhacking_cats; /* categories that make an intrusion */
const char *jkb_xinfo_type(int data_class);   /* Impact information_type */
const char *jkb_xveris_data(int data_class);  /* attribute.confidentiality.data.variety */
const char *jkb_xsector_stix(int org_kind);   /* industry-sector-ov, or NULL */
const char *jkb_xsector_misp(int org_kind);   /* victim object sectors default, or NULL */
const char *jkb_xloss_type(int leak, int secondary);
const char *jkb_xdisclosure(int leak);        /* VERIS data_disclosure */

/* ---- galaxy.c ---- */

typedef enum jkb_galaxy { JKB_GALAXY_RANSOMWARE = 0, JKB_GALAXY_THREAT_ACTOR } jkb_galaxy;
typedef struct jkb_xcluster {
    jkb_galaxy galaxy;
    const char *value; /* the cluster's value, as the galaxy spells it */
} jkb_xcluster;

/* The MISP galaxy cluster of an actor name (value or synonym, ASCII case
 * folded; "LockBit 3.0" tries "lockbit3" then "lockbit"). false: none. */
bool jkb_galaxy_find(const char *name, jkb_xcluster *out);
const char *jkb_galaxy_name(jkb_galaxy g); /* "ransomware", "threat-actor" */

#endif
