/*
 * The expression language of the rule table's `when` column: a recursive
 * descent parser over `|`, `&`, `!`, `?` (is unknown), parentheses, the
 * constants yes/no/unknown, fact names, rows added before (by id, or a glob
 * `appi.r7.*` / `any(appi.r7.*)`), and comparisons `count>1000`,
 * `aware>=2024-04-01`. Parsed once, when the table is loaded.
 */
#include <string.h>

#include "assess_internal.h"

#define MAX_DEPTH 64

typedef struct parser {
    jkb_rules *r;
    const char *s;
    size_t n, i;
    int depth;
    jkb_err *err;
    int failed;
} parser;

static void fail(parser *p, const char *what)
{
    if (!p->failed)
        jkb_err_set(p->err, JKB_EINVAL, p->i, "%s at column %zu of '%.*s'", what, p->i + 1, (int)(p->n > 120 ? 120 : p->n),
                    p->s);
    p->failed = 1;
}

static void skip_ws(parser *p)
{
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t'))
        p->i++;
}

static int name_char(unsigned char c) { return jkb_is_alnum(c) || c == '_' || c == '.'; }

static int push(parser *p, int type, int32_t a, int32_t b)
{
    ex_node *nd = jkb_vec_push(&p->r->nodes);
    if (!nd) {
        jkb_err_set(p->err, JKB_ENOMEM, 0, "out of memory");
        p->failed = 1;
        return -1;
    }
    nd->type = (uint8_t)type;
    nd->a = a;
    nd->b = b;
    return (int)(p->r->nodes.n - 1);
}

static int parse_or(parser *p);

/* The rows whose id starts with prefix: an any(). */
static int glob(parser *p, const char *pre, size_t len)
{
    jkb_rules *r = p->r;
    size_t first = r->anyrefs.n;
    for (size_t i = 0; i < r->rows.n; i++) {
        const char *id = ROW(r, i)->id;
        if (strlen(id) >= len && memcmp(id, pre, len) == 0) {
            int32_t *x = jkb_vec_push(&r->anyrefs);
            if (!x) {
                jkb_err_set(p->err, JKB_ENOMEM, 0, "out of memory");
                p->failed = 1;
                return -1;
            }
            *x = (int32_t)i;
        }
    }
    if (r->anyrefs.n == first) {
        fail(p, "a glob that matches no row added before");
        return -1;
    }
    return push(p, EX_ANY, (int32_t)first, (int32_t)(r->anyrefs.n - first));
}

/* A literal after a comparison: an integer, or YYYY-MM-DD. */
static int literal(parser *p, int64_t *v, int *is_date)
{
    skip_ws(p);
    size_t st = p->i;
    while (p->i < p->n && (jkb_is_digit((unsigned char)p->s[p->i]) || p->s[p->i] == '-'))
        p->i++;
    size_t len = p->i - st;
    if (len == 10 && p->s[st + 4] == '-') {
        jkb_date d;
        if (jkb_parse_ymd(p->s + st, len, &d) != 0)
            return -1;
        *v = jkb_date_days(d);
        *is_date = 1;
        return 0;
    }
    if (len == 0 || len > 15)
        return -1;
    int64_t x = 0;
    for (size_t k = st; k < p->i; k++) {
        if (!jkb_is_digit((unsigned char)p->s[k]))
            return -1;
        x = x * 10 + (p->s[k] - '0');
    }
    *v = x;
    *is_date = 0;
    return 0;
}

static int primary(parser *p)
{
    skip_ws(p);
    if (p->i >= p->n) {
        fail(p, "an expression ends early");
        return -1;
    }
    char c = p->s[p->i];
    if (c == '(') {
        p->i++;
        int e = parse_or(p);
        skip_ws(p);
        if (e < 0)
            return -1;
        if (p->i >= p->n || p->s[p->i] != ')') {
            fail(p, "a ')' is missing");
            return -1;
        }
        p->i++;
        return e;
    }
    size_t st = p->i;
    while (p->i < p->n && name_char((unsigned char)p->s[p->i]))
        p->i++;
    size_t len = p->i - st;
    const char *nm = p->s + st;
    if (!len) {
        fail(p, "a name is expected");
        return -1;
    }
    if (p->i < p->n && p->s[p->i] == '*') {
        p->i++;
        return glob(p, nm, len);
    }
    if (len == 3 && memcmp(nm, "any", 3) == 0) {
        skip_ws(p);
        if (p->i < p->n && p->s[p->i] == '(') {
            p->i++;
            skip_ws(p);
            size_t gs = p->i;
            while (p->i < p->n && name_char((unsigned char)p->s[p->i]))
                p->i++;
            size_t gl = p->i - gs;
            if (p->i < p->n && p->s[p->i] == '*')
                p->i++;
            skip_ws(p);
            if (p->i >= p->n || p->s[p->i] != ')') {
                fail(p, "any( needs a glob and a ')'");
                return -1;
            }
            p->i++;
            return glob(p, p->s + gs, gl);
        }
    }
    static const char *consts[] = {"no", "unknown", "yes"};
    for (int k = 0; k < 3; k++)
        if (strlen(consts[k]) == len && memcmp(nm, consts[k], len) == 0) {
            int e = push(p, EX_CONST, 0, 0);
            if (e >= 0)
                NODE(p->r, e)->c = (uint8_t)k;
            return e;
        }
    int row = jkb_rules_row_find(p->r, nm, len);
    int fact = row < 0 ? jkb_rules_fact_find(p->r, nm, len) : -1;
    if (row < 0 && fact < 0) {
        p->i = st;
        fail(p, "an unknown fact or row");
        return -1;
    }
    skip_ws(p);
    int op = -1;
    if (p->i < p->n) {
        char o = p->s[p->i], o2 = p->i + 1 < p->n ? p->s[p->i + 1] : 0;
        if (o == '>' && o2 == '=')
            op = OP_GE;
        else if (o == '<' && o2 == '=')
            op = OP_LE;
        else if (o == '>')
            op = OP_GT;
        else if (o == '<')
            op = OP_LT;
        else if (o == '=')
            op = OP_EQ;
        if (op == OP_GE || op == OP_LE)
            p->i += 2;
        else if (op >= 0)
            p->i++;
    }
    if (op < 0) {
        if (row >= 0)
            return push(p, EX_ROW, row, 0);
        return push(p, EX_FACT, fact, 0);
    }
    int64_t v;
    int is_date;
    if (fact < 0 || FACTDEF(p->r, fact)->type == FT_TRI) {
        fail(p, "only dates and counts compare");
        return -1;
    }
    if (literal(p, &v, &is_date) != 0) {
        fail(p, "a number or YYYY-MM-DD is expected");
        return -1;
    }
    if (is_date != (FACTDEF(p->r, fact)->type == FT_DATE)) {
        fail(p, is_date ? "a count compared with a date" : "a date compared with a number");
        return -1;
    }
    int e = push(p, EX_CMP, fact, 0);
    if (e >= 0) {
        ex_node *nd = NODE(p->r, e);
        nd->op = (uint8_t)op;
        nd->lit = v;
        nd->lit_date = (uint8_t)is_date;
    }
    return e;
}

static int unary(parser *p)
{
    skip_ws(p);
    if (p->i < p->n && (p->s[p->i] == '!' || p->s[p->i] == '?')) {
        int type = p->s[p->i] == '!' ? EX_NOT : EX_UNKQ;
        p->i++;
        if (++p->depth > MAX_DEPTH) {
            fail(p, "an expression nests too deep");
            return -1;
        }
        int e = unary(p);
        p->depth--;
        return e < 0 ? -1 : push(p, type, e, 0);
    }
    return primary(p);
}

static int parse_and(parser *p)
{
    int a = unary(p);
    for (;;) {
        if (a < 0)
            return -1;
        skip_ws(p);
        if (p->i >= p->n || p->s[p->i] != '&')
            return a;
        p->i++;
        int b = unary(p);
        if (b < 0)
            return -1;
        a = push(p, EX_AND, a, b);
    }
}

static int parse_or(parser *p)
{
    if (++p->depth > MAX_DEPTH) {
        fail(p, "an expression nests too deep");
        return -1;
    }
    int a = parse_and(p);
    for (;;) {
        if (a < 0)
            return -1;
        skip_ws(p);
        if (p->i >= p->n || p->s[p->i] != '|')
            break;
        p->i++;
        int b = parse_and(p);
        if (b < 0)
            return -1;
        a = push(p, EX_OR, a, b);
    }
    p->depth--;
    return a;
}

int jkb_expr_parse(jkb_rules *r, const char *s, size_t len, jkb_err *err)
{
    parser p = {r, s, len, 0, 0, err, 0};
    int e = parse_or(&p);
    if (e < 0 || p.failed)
        return -1;
    skip_ws(&p);
    if (p.i != p.n) {
        fail(&p, "unexpected text");
        return -1;
    }
    return e;
}

/* ---- counts ---- */

/* The people a count can stand for (regulation.md 1.5; INT): approximate
 * counts ±20 %, records are an upper bound on people (one person may have
 * several), 以上 includes its number, 超 does not. */
void jkb_count_interval(const jkb_count *c, int64_t *lo, int64_t *hi)
{
    int64_t n = c->n < 0 ? 0 : c->n;
    int records = c->unit == JKB_UNIT_RECORDS;
    int64_t l = n, h = n;
    switch (c->qualifier) {
    case JKB_QUAL_APPROX:
        l = n - n / 5;
        h = n + n / 5;
        break;
    case JKB_QUAL_UPPER:
        l = n ? 1 : 0;
        break;
    case JKB_QUAL_LOWER:
        l = c->bound == JKB_BOUND_EXCL ? n + 1 : n;
        h = INT64_MAX;
        break;
    default:
        break;
    }
    if (records && l > 1)
        l = 1;
    *lo = l;
    *hi = h;
}

jkb_tri jkb_count_cmp(const jkb_count *c, int op, int64_t n)
{
    int64_t lo, hi;
    jkb_count_interval(c, &lo, &hi);
    switch (op) {
    case OP_GT:
        return lo > n ? JKB_YES : hi <= n ? JKB_NO : JKB_UNK;
    case OP_GE:
        return lo >= n ? JKB_YES : hi < n ? JKB_NO : JKB_UNK;
    case OP_LT:
        return hi < n ? JKB_YES : lo >= n ? JKB_NO : JKB_UNK;
    case OP_LE:
        return hi <= n ? JKB_YES : lo > n ? JKB_NO : JKB_UNK;
    default:
        return lo == n && hi == n ? JKB_YES : (n < lo || n > hi) ? JKB_NO : JKB_UNK;
    }
}
