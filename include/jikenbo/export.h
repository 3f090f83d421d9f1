/*
 * jikenbo export: stored records (JSON, record.md) out as a STIX 2.1 bundle
 * or as MISP events. docs/export.md has the mappings and the id scheme.
 *
 * An exporter collects notices (jkb_export_add), groups them into incidents
 * by their incident key and writes everything at jkb_export_finish. Output
 * depends only on the set of notices added, not on the order or the clock:
 * ids are UUIDv5 of stable keys, timestamps come from the notices' dates,
 * objects come out sorted. Exporting the same notices twice gives the same
 * bytes.
 */
#ifndef JIKENBO_EXPORT_H
#define JIKENBO_EXPORT_H

#include <stddef.h>
#include "jikenbo/jikenbo.h"
#include "jikenbo/store.h"
#include "jikenbo/assess.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum jkb_export_format {
    JKB_EXPORT_STIX = 0, /* one STIX 2.1 bundle */
    JKB_EXPORT_MISP,     /* {"response": [{"Event": …}, …]}, one event per incident */
    JKB_EXPORT__COUNT
} jkb_export_format;

/* "stix", "misp"; NULL when out of range. jkb_key_lookup(jkb_export_format_key,
 * name, len) gives the format of a name, or -1. */
const char *jkb_export_format_key(int fmt);

enum {
    JKB_EXPORT_PRETTY = 1,     /* indented output (2 spaces) instead of one line */
    JKB_EXPORT_NO_EXTDEFS = 2, /* STIX: leave out the two extension-definition objects */
};

typedef struct jkb_export_opts {
    int flags;                 /* JKB_EXPORT_* */
    /* MISP distribution of every event: 0 your organisation only (the
     * default), 1 this community, 2 connected communities, 3 all. */
    int misp_distribution;
    /* "YYYY-MM-DD": the date of a notice that dates nothing (no published
     * date and no timeline); NULL: 1970-01-01. Never the clock, so that
     * output stays reproducible. */
    const char *fallback_date;
    /* jkb_export_store: with both, each notice's reporting obligations
     * (jkb_assess_text of its stored text) go with it, as a STIX note and a
     * MISP event report. NULL: no assessment. */
    jkb_engine *engine;
    const jkb_rules *rules;
} jkb_export_opts;

/* One notice to export. Only record_json is required. */
typedef struct jkb_export_item {
    const char *record_json; /* one record (record.md), as stored or as `extract --format ndjson` prints it */
    size_t len;
    /* The notice's stable key: the store's content hash is the best. NULL:
     * the SHA-1 of the record's values (the record without "evidence" and
     * "source", keys sorted). A second item with the same key is ignored. */
    const char *notice_key;
    /* Notices that share an incident key are one incident (a first notice
     * and its follow-ups). NULL: the notice is an incident by itself (its key
     * is the notice key). The store's key for this is the content hash of
     * the incident's first notice; any string that does not change works. */
    const char *incident_key;
    /* Where the notice came from: a URL or a file path (only the file's base
     * name is written). NULL: the record's "source" (url, else file). */
    const char *source;
    /* The notice's assessment as jkb_assessment_write_json writes it; NULL:
     * none. A STIX export gives it a note (with jikenbo's assessment
     * extension) referring to the incident and the notice's report; a MISP
     * export an EventReport in the incident's event. */
    const char *assessment_json;
    size_t assessment_len;
} jkb_export_item;

typedef struct jkb_exporter jkb_exporter;

jkb_status jkb_export_new(jkb_export_format fmt, const jkb_export_opts *opts, jkb_exporter **out, jkb_err *err);
/* Parse and keep one notice. JKB_EINVAL (with err->msg) when record_json is
 * not a JSON object or a field has the wrong type; the exporter stays usable. */
jkb_status jkb_export_add(jkb_exporter *x, const jkb_export_item *item, jkb_err *err);
/* Write the whole export through fn (JKB_EIO when fn fails), ending with a
 * newline. An exporter with no notices writes an empty bundle or an empty
 * response list. Call once. */
jkb_status jkb_export_finish(jkb_exporter *x, jkb_write_fn fn, void *ud, jkb_err *err);
/* Notices kept so far (duplicates not counted). */
size_t jkb_export_count(const jkb_exporter *x);
void jkb_export_free(jkb_exporter *x);

/* The assessment of stored notice id: its text extracted by eng and
 * assessed by rules (jkb_assess_text), as show, the API and the exports
 * give it. *out NULL (and JKB_OK) when the notice has no text or yields no
 * record; JKB_ENOTFOUND when there is no such notice. */
jkb_status jkb_export_assess_stored(jkb_store *s, int64_t id, jkb_engine *eng, const jkb_rules *rules,
                                    jkb_assessment **out, jkb_err *err);

/* Export the notices of s that match q (every notice for an empty query) in
 * fmt through fn. A first notice and its follow-ups are one incident, keyed
 * by the content hash of the incident's first notice, so the same casebook
 * exports to the same bytes. A stored record the exporter cannot read is
 * left out and counted in *skipped (may be NULL). */
jkb_status jkb_export_store(jkb_store *s, const jkb_query *q, jkb_export_format fmt, const jkb_export_opts *opts,
                            jkb_write_fn fn, void *ud, size_t *skipped, jkb_err *err);

#ifdef __cplusplus
}
#endif
#endif
