/*
 * Inside the assessment: the loaded tables (rows, expression nodes, the
 * vocabulary of base facts, word lists, holiday calendars), the facts of
 * one record, and the helpers the files of src/assess share.
 */
#ifndef JKB_ASSESS_INTERNAL_H
#define JKB_ASSESS_INTERNAL_H

#include "jikenbo/assess.h"
#include "date.h"
#include "util.h"

/* ---- expressions ---- */

enum { EX_CONST, EX_FACT, EX_CMP, EX_ROW, EX_ANY, EX_NOT, EX_UNKQ, EX_AND, EX_OR };
enum { OP_GT, OP_GE, OP_LT, OP_LE, OP_EQ };

typedef struct ex_node {
    uint8_t type;
    uint8_t op;
    uint8_t lit_date; /* EX_CMP: the literal is a date (days since 1970) */
    uint8_t c;        /* EX_CONST: a jkb_tri */
    int32_t a, b;     /* NOT, UNKQ: a; AND, OR: a, b; ROW: row; ANY: first anyref, b count; FACT, CMP: fact */
    int64_t lit;
} ex_node;

/* ---- base facts (the vocabulary the C code fills) ---- */

enum { FT_TRI, FT_DATE, FT_COUNT };
enum { FS_CAT, FS_DATA, FS_VEC, FS_AUTH, FS_ORG, FS_LEAK, FS_WORD, FS_DATE, FS_COUNT };
/* date facts */
enum { DF_AWARE, DF_OCCURRED, DF_PUBLISHED, DF_REPORTED, DF_FINAL, DF_NOTIFIED, DF_OTHER };
/* count facts */
enum { CF_COUNT, CF_OTHER };

typedef struct fact_def {
    const char *name;
    uint8_t type;  /* FT_* */
    uint8_t src;   /* FS_* */
    int16_t arg;   /* the enum value, word class, DF_* or CF_* */
} fact_def;

/* ---- rows ---- */

enum { RK_FACT, RK_SCOPE, RK_TRIGGER, RK_FLAG, RK_DUTY };
enum { DL_NONE_GIVEN, DL_DAYS, DL_WINDOW, DL_HOURS, DL_BDAYS, DL_ASAP, DL_NONE };
enum { CM_NONE, CM_CIVIL, CM_INCLUSIVE, CM_CALENDAR, CM_ELAPSED, CM_US_FED };

typedef struct rule_row {
    const char *id, *regime, *when, *recipient, *obligation, *clock_s, *deadline, *count_s, *done_s, *basis, *cite,
        *note;
    int kind;        /* RK_* */
    int regime_idx;  /* -1: none ("-") */
    jkb_date from, to;
    int root;        /* expression node */
    int clock;       /* date fact (index into facts), -1: aware */
    int done;        /* date fact, -1: none */
    int dl, dl_a, dl_b;
    int count;       /* CM_* */
    const char *file;
    size_t line;
} rule_row;

/* ---- words and holidays ---- */

enum { SC_TEXT, SC_ORG, SC_TITLE, SC_FIELD };

typedef struct word_def {
    int cls;           /* index into word classes */
    int scope;         /* SC_* */
    int field, item;   /* SC_FIELD: the evidence to look in (item -1: all) */
    const char *w;
    size_t len;
} word_def;

typedef struct holiday_def {
    const char *calendar, *name;
    int month;
    int day;           /* fixed day (observed on Friday / Monday when it falls on a weekend), or 0 */
    int dow, nth;      /* dow 0 = Sunday; nth 1..5, -1 = last */
    int from_year, to_year; /* 0: open */
} holiday_def;

struct jkb_rules {
    jkb_arena arena;
    jkb_vec rows;     /* rule_row */
    jkb_vec nodes;    /* ex_node */
    jkb_vec anyrefs;  /* int32_t: rows of an any(glob) */
    jkb_vec facts;    /* fact_def */
    jkb_vec regimes;  /* const char * */
    jkb_vec wclasses; /* const char * */
    jkb_vec words;    /* word_def */
    jkb_vec holidays; /* holiday_def */
};

#define ROW(r, i) (&JKB_VEC_AT(&(r)->rows, rule_row, i))
#define NODE(r, i) (&JKB_VEC_AT(&(r)->nodes, ex_node, i))
#define FACTDEF(r, i) (&JKB_VEC_AT(&(r)->facts, fact_def, i))

/* The value of one base fact for one record. */
typedef struct fact_val {
    jkb_tri tri;
    bool has_date;       /* FT_DATE */
    bool bound;          /* the date is an upper bound only */
    jkb_date date;
    int minute;          /* minutes after local midnight; -1: date only */
    int off;             /* UTC offset of the local time, minutes */
    bool has_off;
    jkb_count count;     /* FT_COUNT; tri YES when known */
    int field, item;     /* evidence; field -1: none */
    jkb_span span;
    const char *text;    /* the evidence words (arena) */
    const char *given;   /* an override's why */
    bool overridden;
} fact_val;

typedef struct row_override {
    int row;
    jkb_tri v;
    const char *given;
} row_override;

struct jkb_facts {
    const jkb_rules *rules;
    jkb_arena arena;
    fact_val *v;      /* one per fact_def */
    size_t nv;
    jkb_vec over;     /* row_override */
    jkb_vec notes;    /* const char * */
};

/* The result of one assessment (eval.c fills it, output.c writes it). */
typedef struct fact_state {
    const char *name;
    jkb_tri tri;
} fact_state;

typedef struct date_out {
    const char *name;
    jkb_date d;
    bool bound;
    int minute, off;
} date_out;

struct jkb_assessment {
    jkb_arena arena;
    jkb_vec verdicts; /* jkb_verdict */
    jkb_vec facts;    /* fact_state: the derived facts */
    jkb_vec dates;    /* date_out */
    jkb_vec notes;    /* const char * */
    const char *regime_jp;
    jkb_date rule_set;
    bool has_count;
    jkb_count count;
    int paa;          /* published after aware, days */
    bool has_paa;
};

/* rules.c */
int jkb_rules_fact_find(const jkb_rules *r, const char *name, size_t len);
int jkb_rules_row_find(const jkb_rules *r, const char *id, size_t len);
int jkb_rules_regime_find(const jkb_rules *r, const char *name);

/* expr.c: parse `s` into nodes of r; names resolve to rows already in r
 * or to base facts. Returns the root node or -1 with err set. */
int jkb_expr_parse(jkb_rules *r, const char *s, size_t len, jkb_err *err);
/* Kleene helpers */
static inline jkb_tri tri_and(jkb_tri a, jkb_tri b) { return a < b ? a : b; }
static inline jkb_tri tri_or(jkb_tri a, jkb_tri b) { return a > b ? a : b; }
static inline jkb_tri tri_not(jkb_tri a) { return (jkb_tri)(2 - a); }

/* Compare a count with a number: YES/NO/UNK by the interval the count
 * stands for (regulation.md 1.5). */
jkb_tri jkb_count_cmp(const jkb_count *c, int op, int64_t n);
/* The interval [lo, hi] of people (or records) the count stands for. */
void jkb_count_interval(const jkb_count *c, int64_t *lo, int64_t *hi);

/* calendar.c */
/* Is days (since 1970) a holiday of `calendar` in r? */
int jkb_is_holiday(const jkb_rules *r, const char *calendar, int32_t days);
/* Business days: the n-th weekday after start that is not a holiday. */
int32_t jkb_add_bdays(const jkb_rules *r, const char *calendar, int32_t start, int n);
/* Business days from a (exclusive) to b (inclusive); negative when b < a. */
int jkb_bdays_between(const jkb_rules *r, const char *calendar, int32_t a, int32_t b);
int jkb_weekday(int32_t days); /* 0 = Sunday */

/* Parse YYYY-MM-DD (exactly 10 bytes); 0 on success. */
int jkb_parse_ymd(const char *s, size_t n, jkb_date *out);

#endif
