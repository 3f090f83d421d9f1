/*
 * jikenbo assessment: which breach-reporting obligations a notice's incident
 * triggers (APPI private and public sector, My Number, medical, GDPR, SEC,
 * a few US states), why, their deadlines computed from the notice's own
 * dates, and whether the dates show them met (shared/spec/regulation.md §7).
 *
 * The legal knowledge is a declarative table (the TSV files of data/assess, compiled
 * in; docs/rules/assessment.md). The code derives three-valued facts from a
 * record, evaluates the table's expressions in Kleene logic and does the
 * date arithmetic. No I/O, no global state: a jkb_rules is built once,
 * immutable afterwards and may be shared by threads.
 */
#ifndef JIKENBO_ASSESS_H
#define JIKENBO_ASSESS_H

#include "jikenbo/jikenbo.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Three-valued facts. The order makes Kleene logic arithmetic: and = min,
 * or = max, not = 2 - x. */
typedef enum jkb_tri { JKB_NO = 0, JKB_UNK = 1, JKB_YES = 2 } jkb_tri;
const char *jkb_tri_key(int v); /* "no", "unknown", "yes" */

/* The status of an obligation's deadline. */
typedef enum jkb_deadline_status {
    JKB_ST_NOT_APPLICABLE = 0, /* the obligation does not apply (or is not in force) */
    JKB_ST_MET,                /* done on or before the deadline */
    JKB_ST_LATE,               /* done after the rule's deadline */
    JKB_ST_BEYOND_GUIDELINE,   /* done after a guideline window (目安), no hard deadline */
    JKB_ST_BOUND_MET,          /* only an upper bound on the done date, within the deadline */
    JKB_ST_UNKNOWN,            /* a needed date is missing, or whether it applies is unknown */
    JKB_ST_NO_DEADLINE,        /* "without delay" (速やかに) or none: no number to check */
    JKB_ST_OUT_OF_SCOPE,       /* its regime does not cover the organization */
    JKB_ST__COUNT
} jkb_deadline_status;
const char *jkb_deadline_status_key(int v); /* "met", "bound_met", "no_deadline" ... */

/* ---- the rule table ---- */

typedef struct jkb_rules jkb_rules;

/* The compiled-in tables (the TSV files of data/assess). */
jkb_status jkb_rules_new(jkb_rules **out, jkb_err *err);
/* A rule set without any table, to be filled with jkb_rules_add_tsv. */
jkb_status jkb_rules_new_empty(jkb_rules **out, jkb_err *err);
/* Add a table. `name` picks its kind: a name starting with "words" is a
 * word list (class, scope, word), "holidays" a holiday calendar, anything
 * else rule rows (docs/rules/assessment.md). Rows may refer only to rows
 * added before them, so add words first. On a bad row: JKB_EINVAL with
 * err->msg naming the file and line. */
jkb_status jkb_rules_add_tsv(jkb_rules *r, const char *tsv, size_t len, const char *name, jkb_err *err);
void jkb_rules_free(jkb_rules *r);
size_t jkb_rules_count(const jkb_rules *r); /* rows */

/* ---- facts ---- */

typedef enum jkb_count_unit { JKB_UNIT_UNKNOWN = 0, JKB_UNIT_PEOPLE, JKB_UNIT_RECORDS } jkb_count_unit;
typedef enum jkb_count_bound { JKB_BOUND_UNKNOWN = 0, JKB_BOUND_INCL, JKB_BOUND_EXCL } jkb_count_bound;

/* A count as a notice gives it: 3,325名 (exact, people), 約1万件 (approx,
 * records), 1,000人超 (lower, exclusive). */
typedef struct jkb_count {
    int64_t n;
    int qualifier; /* jkb_qualifier; JKB_QUAL_NONE reads as exact */
    int unit;      /* jkb_count_unit */
    int bound;     /* jkb_count_bound, for JKB_QUAL_LOWER: 以上 (incl) or 超 (excl) */
} jkb_count;

typedef struct jkb_facts jkb_facts;

/* Derive the base facts of a record (regulation.md 7.2): its sets as
 * cat_*, data_*, vec_*, auth_*, org_*, leak_*; its dates (aware, occurred,
 * published, reported_on, final_report_on, notified_on); its count; and
 * the word classes of the rules' word lists found in the notice. `text`
 * (len bytes) is the document text the record's evidence points into; it
 * may be NULL, and then every word fact is unknown. `rec` may be NULL (all
 * record facts unknown). Nothing is kept of rec or text after the call. */
jkb_status jkb_facts_new(const jkb_rules *rules, const jkb_record *rec, const char *text, size_t len,
                         jkb_facts **out, jkb_err *err);
void jkb_facts_free(jkb_facts *f);

/* What the record cannot say (schema v1 gaps, regulation.md 7.6) or what a
 * reader knows better, set by name over the derived value: any base fact or
 * any row of the rules (e.g. "theft", "juris_eu", "personal_data"). `why`
 * (may be NULL) is shown as the reason. JKB_ENOTFOUND for an unknown name,
 * JKB_EINVAL for a value of the wrong type (a date for a count...). */
jkb_status jkb_facts_set(jkb_facts *f, const char *name, jkb_tri v, const char *why);
/* A date fact; hour < 0: the date only. utc_offset_min is the local time's
 * offset from UTC in minutes (+60 for CET), used when hour >= 0. */
jkb_status jkb_facts_set_date(jkb_facts *f, const char *name, jkb_date d, int hour, int minute, int utc_offset_min,
                              const char *why);
jkb_status jkb_facts_set_count(jkb_facts *f, const char *name, jkb_count c, const char *why);
/* The value of a base fact as a tri (a date or count: known or not);
 * JKB_UNK for an unknown name. */
jkb_tri jkb_facts_get(const jkb_facts *f, const char *name);

/* ---- assessment ---- */

typedef struct jkb_assess_opts {
    /* Count the day of knowing as day 1 (deadlines of count=civil one day
     * earlier: regulation.md 1.6, open question Q1). */
    bool conservative;
    /* Also list the rows of regimes that do not cover the organization. */
    bool all;
} jkb_assess_opts;

/* Why a row has its state: a fact (with the words it was read from) or
 * another row. */
typedef struct jkb_reason {
    const char *fact;   /* fact name, or a row id when is_rule */
    bool is_rule;
    jkb_tri state;
    const char *detail; /* "3325 exact, people", an override's why, "in force 2024-04-01..": or NULL */
    int field;          /* jkb_field of the evidence, -1: none */
    int item;           /* the item (enum value or list index), -1: none */
    jkb_span span;      /* into the document text; start == end: none */
    const char *text;   /* the words of span, copied; NULL: none */
} jkb_reason;

typedef enum jkb_verdict_kind {
    JKB_VK_REGIME = 0, /* id = a regime; state = does it cover the organization */
    JKB_VK_FACT,       /* a derived fact row */
    JKB_VK_SCOPE,      /* a row of a regime's coverage */
    JKB_VK_TRIGGER,    /* a trigger row (e.g. 規則7条3号) */
    JKB_VK_FLAG,       /* a caveat for a reader */
    JKB_VK_DUTY        /* an obligation: report, notify, file, contact, recommend */
} jkb_verdict_kind;

typedef struct jkb_verdict {
    const char *id, *regime;
    int kind;              /* jkb_verdict_kind */
    const char *obligation; /* the table's word: "report", "notify", "trigger", ... */
    const char *recipient, *basis, *cite, *deadline, *note; /* "-" in the table: NULL */
    const char *clock;     /* the date fact the deadline runs from (duties) */
    jkb_tri state;         /* applies: yes / no / may apply */
    int status;            /* jkb_deadline_status (duties; others NOT_APPLICABLE) */
    int if_applies;        /* the status were it to apply (for state UNK) */
    jkb_date start;        /* the clock's date; y == 0: unknown */
    jkb_date due;          /* days, bdays, hours: the last day (the instant's UTC date with hours) */
    int due_minute;        /* hours with a known time: minutes after 00:00 UTC on `due`; else -1 */
    jkb_date due_from, due_to; /* window */
    jkb_date done;         /* y == 0: not known */
    bool done_bound;       /* done is only an upper bound (報告済み as of the notice's date) */
    int late_by;           /* days (business days for bdays) after the deadline, when late */
    jkb_date valid_from, valid_to; /* y == 0: open */
    const jkb_reason *because;
    size_t n_because;
} jkb_verdict;

typedef struct jkb_assessment jkb_assessment;

/* Evaluate every row of `rules` over `facts`. */
jkb_status jkb_assess_facts(const jkb_rules *rules, const jkb_facts *facts, const jkb_assess_opts *opts,
                            jkb_assessment **out, jkb_err *err);
/* Derive the facts of a record and evaluate them. rules NULL: the
 * compiled-in tables, built for this call (build them once with
 * jkb_rules_new to assess many records). text as for jkb_facts_new. */
jkb_status jkb_assess(const jkb_rules *rules, const jkb_record *rec, const char *text, size_t len,
                      const jkb_assess_opts *opts, jkb_assessment **out, jkb_err *err);
/* Extract `text` as one notice with eng and assess its record, as `assess
 * ID`, `show`, the API and the exports do with a stored notice: the
 * obligations follow this version's engine and rules, not the record that
 * was stored. JKB_ENOTFOUND when the text yields no record. */
jkb_status jkb_assess_text(jkb_engine *eng, const jkb_rules *rules, const char *text, size_t len,
                           const jkb_assess_opts *opts, jkb_assessment **out, jkb_err *err);
void jkb_assessment_free(jkb_assessment *a);

/* The verdicts in table order: regimes first, then the rows of the
 * regimes that cover the organization (all rows with opts.all). */
size_t jkb_assessment_count(const jkb_assessment *a);
const jkb_verdict *jkb_assessment_get(const jkb_assessment *a, size_t i);
/* By row id or regime name; NULL when absent. */
const jkb_verdict *jkb_assessment_find(const jkb_assessment *a, const char *id);
/* "appi_private", "appi_public", "out_of_scope" or "unknown". */
const char *jkb_assessment_regime_jp(const jkb_assessment *a);
/* The latest valid_from among the rows in force (the rule set), y == 0 if none. */
jkb_date jkb_assessment_rule_set(const jkb_assessment *a);

/* The obligations that apply or may apply, "id:applies:status" joined by
 * ';' ("appi.sokuhou:yes:met;appi.notice:may_apply:no_deadline"): one CSV
 * cell. Writes at most cap bytes with the NUL, whole items only; returns
 * the length written. */
size_t jkb_assessment_brief(const jkb_assessment *a, char *buf, size_t cap);

/* The assessment as a JSON object (no trailing newline); flags as for
 * records (JKB_JSON_PRETTY). */
jkb_status jkb_assessment_write_json(const jkb_assessment *a, int flags, jkb_write_fn fn, void *ud);

#ifdef __cplusplus
}
#endif
#endif
