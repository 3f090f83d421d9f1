/*
 * Loading the assessment tables: rule rows (id, regime, validity, when,
 * recipient, obligation, clock, deadline, count, done, basis, cite, note),
 * word lists and holiday calendars, all TSV, the compiled-in ones from
 * data/assess. Every name is resolved and every expression parsed here,
 * once, so that a typo in a table fails at load time, not in an answer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess_internal.h"

extern const struct jkb_embedded {
    const char *name;
    const char *data;
    size_t len;
} jkb_rule_files[];

#define MAX_COLS 16

/* The date facts the record fills; other date and count facts are
 * declared by the tables (obligation `date` / `count`) and set by callers. */
static const char *const record_dates[] = {"aware", "occurred", "published", "reported_on", "final_report_on",
                                           "notified_on"};

int jkb_parse_ymd(const char *s, size_t n, jkb_date *out)
{
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    int v[3] = {0, 0, 0}, pos[3][2] = {{0, 4}, {5, 2}, {8, 2}};
    for (int k = 0; k < 3; k++)
        for (int j = 0; j < pos[k][1]; j++) {
            unsigned char c = (unsigned char)s[pos[k][0] + j];
            if (!jkb_is_digit(c))
                return -1;
            v[k] = v[k] * 10 + (c - '0');
        }
    if (!jkb_date_valid(v[0], v[1], v[2]))
        return -1;
    out->y = (int16_t)v[0];
    out->m = (int8_t)v[1];
    out->d = (int8_t)v[2];
    return 0;
}

int jkb_rules_fact_find(const jkb_rules *r, const char *name, size_t len)
{
    for (size_t i = 0; i < r->facts.n; i++) {
        const char *f = FACTDEF(r, i)->name;
        if (strlen(f) == len && memcmp(f, name, len) == 0)
            return (int)i;
    }
    return -1;
}

int jkb_rules_row_find(const jkb_rules *r, const char *id, size_t len)
{
    for (size_t i = 0; i < r->rows.n; i++) {
        const char *f = ROW(r, i)->id;
        if (strlen(f) == len && memcmp(f, id, len) == 0)
            return (int)i;
    }
    return -1;
}

int jkb_rules_regime_find(const jkb_rules *r, const char *name)
{
    for (size_t i = 0; i < r->regimes.n; i++)
        if (strcmp(JKB_VEC_AT(&r->regimes, const char *, i), name) == 0)
            return (int)i;
    return -1;
}

static jkb_status add_fact(jkb_rules *r, const char *prefix, const char *name, int type, int src, int arg)
{
    size_t pl = strlen(prefix), nl = strlen(name);
    char *s = jkb_arena_alloc(&r->arena, pl + nl + 1);
    fact_def *f = s ? jkb_vec_push(&r->facts) : NULL;
    if (!f)
        return JKB_ENOMEM;
    memcpy(s, prefix, pl);
    memcpy(s + pl, name, nl + 1);
    f->name = s;
    f->type = (uint8_t)type;
    f->src = (uint8_t)src;
    f->arg = (int16_t)arg;
    return JKB_OK;
}

jkb_status jkb_rules_new_empty(jkb_rules **out, jkb_err *err)
{
    jkb_status rc = JKB_ENOMEM;
    jkb_rules *r = calloc(1, sizeof *r);
    if (!r)
        goto out;
    jkb_arena_init(&r->arena);
    jkb_vec_init(&r->rows, sizeof(rule_row));
    jkb_vec_init(&r->nodes, sizeof(ex_node));
    jkb_vec_init(&r->anyrefs, sizeof(int32_t));
    jkb_vec_init(&r->facts, sizeof(fact_def));
    jkb_vec_init(&r->regimes, sizeof(const char *));
    jkb_vec_init(&r->wclasses, sizeof(const char *));
    jkb_vec_init(&r->words, sizeof(word_def));
    jkb_vec_init(&r->holidays, sizeof(holiday_def));
    /* the vocabulary of the record: one fact per set member and enum value */
    static const struct {
        const char *prefix;
        const char *(*key)(int);
        int src;
    } sets[] = {{"cat_", jkb_category_key, FS_CAT},  {"data_", jkb_data_class_key, FS_DATA},
                {"vec_", jkb_vector_key, FS_VEC},    {"auth_", jkb_authority_key, FS_AUTH},
                {"org_", jkb_org_kind_key, FS_ORG}, {"leak_", jkb_leak_key, FS_LEAK}};
    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++)
        for (int i = 0; sets[s].key(i); i++)
            if ((rc = add_fact(r, sets[s].prefix, sets[s].key(i), FT_TRI, sets[s].src, i)) != JKB_OK)
                goto out;
    for (int i = 0; i < (int)(sizeof record_dates / sizeof record_dates[0]); i++)
        if ((rc = add_fact(r, "", record_dates[i], FT_DATE, FS_DATE, i)) != JKB_OK)
            goto out;
    if ((rc = add_fact(r, "", "count", FT_COUNT, FS_COUNT, CF_COUNT)) != JKB_OK)
        goto out;
    *out = r;
    return JKB_OK;
out:
    jkb_err_set(err, rc, 0, "out of memory");
    jkb_rules_free(r);
    return rc;
}

void jkb_rules_free(jkb_rules *r)
{
    if (!r)
        return;
    jkb_vec_free(&r->rows);
    jkb_vec_free(&r->nodes);
    jkb_vec_free(&r->anyrefs);
    jkb_vec_free(&r->facts);
    jkb_vec_free(&r->regimes);
    jkb_vec_free(&r->wclasses);
    jkb_vec_free(&r->words);
    jkb_vec_free(&r->holidays);
    jkb_arena_free(&r->arena);
    free(r);
}

size_t jkb_rules_count(const jkb_rules *r) { return r ? r->rows.n : 0; }

/* ---- TSV lines ---- */

typedef struct cols {
    const char *p[MAX_COLS];
    size_t n[MAX_COLS];
    int count;
} cols;

/* Split a line on runs of tabs (columns may be aligned with several). */
static void split(const char *s, size_t len, cols *c)
{
    c->count = 0;
    size_t i = 0;
    while (i < len && c->count < MAX_COLS) {
        while (i < len && s[i] == '\t')
            i++;
        if (i >= len)
            break;
        size_t st = i;
        while (i < len && s[i] != '\t')
            i++;
        size_t e = i;
        while (e > st && (s[e - 1] == ' ' || s[e - 1] == '\r'))
            e--;
        c->p[c->count] = s + st;
        c->n[c->count] = e - st;
        c->count++;
    }
}

static int is(const cols *c, int k, const char *w) { return c->n[k] == strlen(w) && memcmp(c->p[k], w, c->n[k]) == 0; }
static int dash(const cols *c, int k) { return is(c, k, "-"); }

static const char *dup(jkb_rules *r, const cols *c, int k)
{
    if (k >= c->count || dash(c, k))
        return NULL;
    return jkb_arena_strndup(&r->arena, c->p[k], c->n[k]);
}

typedef struct loader {
    jkb_rules *r;
    const char *file;
    size_t line;
    jkb_err *err;
} loader;

static jkb_status bad(loader *L, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static jkb_status bad(loader *L, const char *fmt, ...)
{
    char m[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    jkb_err_set(L->err, JKB_EINVAL, 0, "%s:%zu: %s", L->file, L->line, m);
    return JKB_EINVAL;
}

/* A column for a message. */
static const char *col(const cols *c, int k, char *buf, size_t cap)
{
    size_t n = c->n[k] < cap - 1 ? c->n[k] : cap - 1;
    memcpy(buf, c->p[k], n);
    buf[n] = 0;
    return buf;
}

/* A number of at most 6 digits at s[0, n). */
static int small_num(const char *s, size_t n, int *v)
{
    if (!n || n > 6)
        return -1;
    int x = 0;
    for (size_t i = 0; i < n; i++) {
        if (!jkb_is_digit((unsigned char)s[i]))
            return -1;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return 0;
}

static int parse_deadline(const char *s, size_t n, rule_row *row)
{
    size_t colon = 0;
    while (colon < n && s[colon] != ':')
        colon++;
    if (n == 4 && memcmp(s, "asap", 4) == 0) {
        row->dl = DL_ASAP;
        return 0;
    }
    if (n == 4 && memcmp(s, "none", 4) == 0) {
        row->dl = DL_NONE;
        return 0;
    }
    if (colon == n)
        return -1;
    const char *v = s + colon + 1;
    size_t vn = n - colon - 1;
    if (colon == 6 && memcmp(s, "window", 6) == 0) {
        /* window:A..Bd */
        size_t dots = 0;
        while (dots + 1 < vn && !(v[dots] == '.' && v[dots + 1] == '.'))
            dots++;
        if (dots + 1 >= vn || v[vn - 1] != 'd')
            return -1;
        if (small_num(v, dots, &row->dl_a) || small_num(v + dots + 2, vn - dots - 3, &row->dl_b) ||
            row->dl_a > row->dl_b)
            return -1;
        row->dl = DL_WINDOW;
        return 0;
    }
    if (small_num(v, vn, &row->dl_a))
        return -1;
    if (colon == 4 && memcmp(s, "days", 4) == 0)
        row->dl = DL_DAYS;
    else if (colon == 5 && memcmp(s, "hours", 5) == 0)
        row->dl = DL_HOURS;
    else if (colon == 5 && memcmp(s, "bdays", 5) == 0)
        row->dl = DL_BDAYS;
    else
        return -1;
    return 0;
}

static int date_col(const cols *c, int k, jkb_date *d)
{
    memset(d, 0, sizeof *d);
    if (dash(c, k))
        return 0;
    return jkb_parse_ymd(c->p[k], c->n[k], d);
}

/* A date fact named in a column ("-": none). */
static int date_fact(loader *L, const cols *c, int k, int *out)
{
    *out = -1;
    if (dash(c, k))
        return 0;
    int f = jkb_rules_fact_find(L->r, c->p[k], c->n[k]);
    if (f < 0 || FACTDEF(L->r, f)->type != FT_DATE)
        return -1;
    *out = f;
    return 0;
}

static jkb_status rule_line(loader *L, const cols *c)
{
    static const char *const colnames[] = {"id",     "regime",   "valid_from", "valid_to", "when",
                                           "recipient", "obligation", "clock", "deadline", "count",
                                           "done",   "basis",    "cite"};
    jkb_rules *r = L->r;
    char mb[64];
    if (c->count < 13)
        return bad(L, "a rule row needs 13 columns (%s), see docs/rules/assessment.md",
                   "id regime valid_from valid_to when recipient obligation clock deadline count done basis cite");
    for (int k = 0; k < 13; k++)
        if (!c->n[k])
            return bad(L, "empty column %s", colnames[k]);
    for (size_t i = 0; i < c->n[0]; i++) {
        unsigned char ch = (unsigned char)c->p[0][i];
        if (!jkb_is_alnum(ch) && ch != '_' && ch != '.')
            return bad(L, "%s: an id is letters, digits, '_' and '.'", "id");
    }
    if (jkb_rules_row_find(r, c->p[0], c->n[0]) >= 0 || jkb_rules_fact_find(r, c->p[0], c->n[0]) >= 0)
        return bad(L, "%s is defined twice", col(c, 0, mb, sizeof mb));
    /* input declarations: a date or count the caller may give */
    if (is(c, 6, "date") || is(c, 6, "count")) {
        const char *name = dup(r, c, 0);
        if (!name)
            return JKB_ENOMEM;
        int isdate = is(c, 6, "date");
        return add_fact(r, "", name, isdate ? FT_DATE : FT_COUNT, isdate ? FS_DATE : FS_COUNT,
                        isdate ? DF_OTHER : CF_OTHER);
    }
    rule_row row;
    memset(&row, 0, sizeof row);
    row.file = L->file;
    row.line = L->line;
    if (is(c, 6, "fact"))
        row.kind = RK_FACT;
    else if (is(c, 6, "scope"))
        row.kind = RK_SCOPE;
    else if (is(c, 6, "trigger"))
        row.kind = RK_TRIGGER;
    else if (is(c, 6, "flag"))
        row.kind = RK_FLAG;
    else if (is(c, 6, "report") || is(c, 6, "notify") || is(c, 6, "file") || is(c, 6, "contact") ||
             is(c, 6, "recommend"))
        row.kind = RK_DUTY;
    else
        return bad(L, "obligation '%s' is not one of fact scope trigger flag report notify file contact recommend "
                      "date count",
                   col(c, 6, mb, sizeof mb));
    row.id = dup(r, c, 0);
    row.regime = dup(r, c, 1);
    row.when = dup(r, c, 4);
    row.recipient = dup(r, c, 5);
    row.obligation = dup(r, c, 6);
    row.clock_s = dup(r, c, 7);
    row.deadline = dup(r, c, 8);
    row.count_s = dup(r, c, 9);
    row.done_s = dup(r, c, 10);
    row.basis = dup(r, c, 11);
    row.cite = dup(r, c, 12);
    row.note = c->count > 13 ? dup(r, c, 13) : NULL;
    if (!row.id || !row.when)
        return row.id ? bad(L, "%s: a row needs a `when` expression", row.id) : JKB_ENOMEM;
    if (date_col(c, 2, &row.from) || date_col(c, 3, &row.to))
        return bad(L, "%s: valid_from and valid_to are YYYY-MM-DD or -", row.id);
    if (row.from.y && row.to.y && jkb_date_cmp(row.from, row.to) > 0)
        return bad(L, "%s: valid_to is before valid_from", row.id);
    /* regimes: declared by their scope rows, before their other rows */
    row.regime_idx = -1;
    if (row.regime) {
        if (row.kind == RK_FACT)
            return bad(L, "%s: a fact row belongs to no regime (-)", row.id);
        row.regime_idx = jkb_rules_regime_find(r, row.regime);
        if (row.regime_idx < 0) {
            if (row.kind != RK_SCOPE)
                return bad(L, "regime %s has no scope row before this one", row.regime);
            const char **slot = jkb_vec_push(&r->regimes);
            if (!slot)
                return JKB_ENOMEM;
            *slot = row.regime;
            row.regime_idx = (int)(r->regimes.n - 1);
        }
        /* a regime's coverage is settled before any of its rows is evaluated */
        for (size_t i = 0; row.kind == RK_SCOPE && i < r->rows.n; i++)
            if (ROW(r, i)->regime_idx == row.regime_idx && ROW(r, i)->kind != RK_SCOPE)
                return bad(L, "scope rows of %s come before its other rows", row.regime);
    } else if (row.kind == RK_SCOPE) {
        return bad(L, "%s: a scope row names its regime", row.id);
    }
    if (date_fact(L, c, 7, &row.clock) != 0)
        return bad(L, "%s: clock is a date fact or -", row.id);
    if (date_fact(L, c, 10, &row.done) != 0)
        return bad(L, "%s: done is a date fact or -", row.id);
    row.dl = DL_NONE_GIVEN;
    if (!dash(c, 8) && parse_deadline(c->p[8], c->n[8], &row) != 0)
        return bad(L, "%s: deadline is days:N, window:A..Bd, hours:N, bdays:N, asap, none or -", row.id);
    if (row.kind == RK_DUTY && row.dl == DL_NONE_GIVEN)
        return bad(L, "%s: an obligation needs a deadline (asap or none when there is no number)", row.id);
    row.count = CM_NONE;
    if (is(c, 9, "civil"))
        row.count = CM_CIVIL;
    else if (is(c, 9, "inclusive"))
        row.count = CM_INCLUSIVE;
    else if (is(c, 9, "calendar"))
        row.count = CM_CALENDAR;
    else if (is(c, 9, "elapsed"))
        row.count = CM_ELAPSED;
    else if (!dash(c, 9))
        row.count = CM_US_FED; /* a holiday calendar's name: checked below */
    if ((row.dl == DL_DAYS || row.dl == DL_WINDOW) && row.count != CM_CIVIL && row.count != CM_INCLUSIVE &&
        row.count != CM_CALENDAR)
        return bad(L, "%s: days and windows count civil, inclusive or calendar", row.id);
    if (row.dl == DL_HOURS && row.count != CM_ELAPSED)
        return bad(L, "%s: hours count elapsed", row.id);
    if (row.dl == DL_BDAYS) {
        int found = 0;
        for (size_t i = 0; i < r->holidays.n && !found; i++)
            found = strcmp(JKB_VEC_AT(&r->holidays, holiday_def, i).calendar, row.count_s) == 0;
        if (row.count != CM_US_FED || !found)
            return bad(L, "%s: bdays count on a holiday calendar loaded before (holidays*.tsv)", row.id);
    }
    row.root = jkb_expr_parse(r, row.when, strlen(row.when), L->err);
    if (row.root < 0) {
        char m[200];
        snprintf(m, sizeof m, "%s", L->err ? L->err->msg : "bad expression");
        jkb_err_set(L->err, JKB_EINVAL, 0, "%s:%zu: %s: %s", L->file, L->line, row.id, m);
        return JKB_EINVAL;
    }
    rule_row *slot = jkb_vec_push(&r->rows);
    if (!slot)
        return JKB_ENOMEM;
    *slot = row;
    return JKB_OK;
}

static jkb_status word_line(loader *L, const cols *c)
{
    jkb_rules *r = L->r;
    char mb[64];
    if (c->count < 3)
        return bad(L, "a word row is %s", "class, scope, word");
    word_def w;
    memset(&w, 0, sizeof w);
    w.item = -1;
    if (is(c, 1, "text"))
        w.scope = SC_TEXT;
    else if (is(c, 1, "org"))
        w.scope = SC_ORG;
    else if (is(c, 1, "title"))
        w.scope = SC_TITLE;
    else {
        /* a record field's evidence: field or field.item */
        size_t dot = 0;
        while (dot < c->n[1] && c->p[1][dot] != '.')
            dot++;
        w.scope = SC_FIELD;
        w.field = jkb_key_lookup(jkb_field_key, c->p[1], dot);
        if (w.field < 0)
            return bad(L, "scope %s is text, org, title, a field or field.item", col(c, 1, mb, sizeof mb));
        if (dot < c->n[1]) {
            const char *(*keys)(int) = w.field == JKB_F_CATEGORIES     ? jkb_category_key
                                       : w.field == JKB_F_DATA_CLASSES ? jkb_data_class_key
                                       : w.field == JKB_F_VECTORS      ? jkb_vector_key
                                       : w.field == JKB_F_AUTHORITIES  ? jkb_authority_key
                                       : w.field == JKB_F_MEASURES     ? jkb_measure_key
                                                                       : NULL;
            w.item = keys ? jkb_key_lookup(keys, c->p[1] + dot + 1, c->n[1] - dot - 1) : -1;
            if (w.item < 0)
                return bad(L, "no such item in scope %s", col(c, 1, mb, sizeof mb));
        }
    }
    const char *cls = dup(r, c, 0);
    w.w = dup(r, c, 2);
    if (!cls || !w.w)
        return JKB_ENOMEM;
    w.len = c->n[2];
    w.cls = -1;
    for (size_t i = 0; i < r->wclasses.n; i++)
        if (strcmp(JKB_VEC_AT(&r->wclasses, const char *, i), cls) == 0)
            w.cls = (int)i;
    if (w.cls < 0) {
        const char **slot = jkb_vec_push(&r->wclasses);
        if (!slot)
            return JKB_ENOMEM;
        *slot = cls;
        w.cls = (int)(r->wclasses.n - 1);
        jkb_status rc = add_fact(r, "word_", cls, FT_TRI, FS_WORD, w.cls);
        if (rc)
            return rc;
    }
    word_def *slot = jkb_vec_push(&r->words);
    if (!slot)
        return JKB_ENOMEM;
    *slot = w;
    return JKB_OK;
}

static jkb_status holiday_line(loader *L, const cols *c)
{
    static const char *const dows[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    jkb_rules *r = L->r;
    char mb[64];
    if (c->count < 6)
        return bad(L, "a holiday row is %s", "calendar, name, month, day or dow#n, from_year, to_year");
    holiday_def h;
    memset(&h, 0, sizeof h);
    h.calendar = dup(r, c, 0);
    h.name = dup(r, c, 1);
    if (!h.calendar || !h.name)
        return JKB_ENOMEM;
    if (small_num(c->p[2], c->n[2], &h.month) || h.month < 1 || h.month > 12)
        return bad(L, "month '%s' is 1..12", col(c, 2, mb, sizeof mb));
    if (c->n[3] > 4 && c->p[3][3] == '#') {
        h.dow = -1;
        for (int k = 0; k < 7; k++)
            if (memcmp(c->p[3], dows[k], 3) == 0)
                h.dow = k;
        if (c->n[3] == 8 && memcmp(c->p[3] + 4, "last", 4) == 0)
            h.nth = -1;
        else if (small_num(c->p[3] + 4, c->n[3] - 4, &h.nth) || h.nth < 1 || h.nth > 5)
            h.dow = -1;
        if (h.dow < 0)
            return bad(L, "rule '%s' is a day or mon#3, thu#4, mon#last", col(c, 3, mb, sizeof mb));
    } else if (small_num(c->p[3], c->n[3], &h.day) || h.day < 1 || h.day > 31) {
        return bad(L, "rule '%s' is a day or mon#3, thu#4, mon#last", col(c, 3, mb, sizeof mb));
    }
    if ((!dash(c, 4) && small_num(c->p[4], c->n[4], &h.from_year)) ||
        (!dash(c, 5) && small_num(c->p[5], c->n[5], &h.to_year)))
        return bad(L, "%s: years are YYYY or -", h.name);
    holiday_def *slot = jkb_vec_push(&r->holidays);
    if (!slot)
        return JKB_ENOMEM;
    *slot = h;
    return JKB_OK;
}

static int starts(const char *s, const char *pre) { return strncmp(s, pre, strlen(pre)) == 0; }

jkb_status jkb_rules_add_tsv(jkb_rules *r, const char *tsv, size_t len, const char *name, jkb_err *err)
{
    if (!r || (!tsv && len))
        return JKB_EINVAL;
    const char *base = name ? name : "rules";
    for (const char *p = base; *p; p++)
        if (*p == '/')
            base = p + 1;
    loader L = {r, NULL, 0, err};
    L.file = jkb_arena_strndup(&r->arena, base, strlen(base));
    if (!L.file)
        return JKB_ENOMEM;
    jkb_status (*line_fn)(loader *, const cols *) = starts(base, "words")      ? word_line
                                                   : starts(base, "holidays") ? holiday_line
                                                                              : rule_line;
    size_t i = 0;
    while (i < len) {
        size_t e = i;
        while (e < len && tsv[e] != '\n')
            e++;
        L.line++;
        if (e > i && tsv[i] != '#') {
            cols c;
            split(tsv + i, e - i, &c);
            if (c.count > 0) {
                jkb_status rc = line_fn(&L, &c);
                if (rc) {
                    if (rc == JKB_ENOMEM)
                        jkb_err_set(err, rc, 0, "out of memory");
                    return rc;
                }
            }
        }
        i = e + 1;
    }
    return JKB_OK;
}

jkb_status jkb_rules_new(jkb_rules **out, jkb_err *err)
{
    jkb_rules *r = NULL;
    jkb_status rc = jkb_rules_new_empty(&r, err);
    if (rc)
        return rc;
    /* words and holidays first: rules refer to them */
    for (int pass = 0; pass < 2; pass++)
        for (const struct jkb_embedded *f = jkb_rule_files; f->name; f++) {
            int lists = starts(f->name, "words") || starts(f->name, "holidays");
            if (lists != (pass == 0))
                continue;
            rc = jkb_rules_add_tsv(r, f->data, f->len, f->name, err);
            if (rc)
                goto out;
        }
    *out = r;
    return JKB_OK;
out:
    jkb_rules_free(r);
    return rc;
}
