/*
 * Notice boundaries in a casebook (fills source.index and each record's
 * extent). Works on the document text line by line; only candidate title
 * lines are normalized, so the pass is linear and cheap.
 */
#include "segment.h"

#include "date.h"
#include "norm.h"

/* 【 ... # ... 】 at the start of a line: a casebook header. */
static int is_case_header(const char *s, size_t a, size_t b)
{
    while (a < b && (s[a] == ' ' || s[a] == '\t'))
        a++;
    if (!JKB_AT(s, b, a, "【"))
        return 0;
    size_t lim = a + 120 < b ? a + 120 : b;
    for (size_t i = a + 3; i + 2 < lim; i++) {
        if (s[i] == '#' || JKB_AT(s, lim, i, "＃"))
            return 1;
        if (JKB_AT(s, lim, i, "】"))
            return 0;
    }
    return 0;
}

static int blank(const char *s, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\r')
            continue;
        if (JKB_AT(s, b, i, "　")) {
            i += 2;
            continue;
        }
        return 0;
    }
    return 1;
}

/* A title line between blank lines that ends with a dated header
 * ("org title 2022年12月27日") or a byline ("…)BY DARKTRACER"). */
static int is_title_line(const char *s, size_t a, size_t b, jkb_norm *nm)
{
    if (b - a < 12 || b - a > 600)
        return 0;
    /* cheap tests on the raw bytes first: a sentence ends in 。, and a
     * dated title has 日 near its end or a BY byline */
    size_t e = b;
    while (e > a && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r'))
        e--;
    if (e - a >= 3 && memcmp(s + e - 3, "。", 3) == 0)
        return 0;
    int hint = 0;
    for (size_t k = e > a + 120 ? e - 120 : a; k + 3 <= e && !hint; k++)
        if (memcmp(s + k, "日", 3) == 0 || (s[k] == 'B' && s[k + 1] == 'Y' && s[k + 2] == ' '))
            hint = 1;
    if (!hint)
        return 0;
    if (jkb_norm_run(nm, s, a, b) != JKB_OK)
        return 0;
    const char *t = nm->s;
    size_t n = nm->len;
    while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
        n--;
    /* a sentence or a list item is not a title */
    if (n >= 3 && memcmp(t + n - 3, "。", 3) == 0)
        return 0;
    size_t i = 0;
    while (i < n && t[i] == ' ')
        i++;
    if (i < n && (jkb_is_digit((unsigned char)t[i]) || t[i] == '(' || t[i] == '-' || JKB_AT(t, n, i, "・") ||
                  JKB_AT(t, n, i, "【") || JKB_AT(t, n, i, "《") || JKB_AT(t, n, i, "※")))
        return 0;
    /* byline */
    for (size_t k = i; k + 4 < n; k++)
        if ((t[k] == ')' || t[k] == ' ') && t[k + 1] == 'B' && t[k + 2] == 'Y' && t[k + 3] == ' ')
            return 1;
    /* a date with a year at the end of the line (a URL may follow) */
    jkb_date_ctx dc = {{0, 0, 0}, {0, 0, 0}};
    size_t last_end = 0;
    int found = 0;
    for (size_t k = i; k < n;) {
        jkb_date_hit h;
        size_t used = jkb_date_parse(t, n, k, &dc, &h);
        if (used && (h.flags & JKB_DATE_HAS_YEAR) && !(h.flags & JKB_DATE_YEAR_ONLY) && h.start > i + 6) {
            found = 1;
            last_end = k + used;
            k += used;
            continue;
        }
        k += used ? used : jkb_u8len((unsigned char)t[k]);
    }
    if (!found)
        return 0;
    size_t k = last_end;
    while (k < n && t[k] == ' ')
        k++;
    if (k == n)
        return 1;
    /* a trailing URL or domain path */
    for (size_t q = k; q < n; q++)
        if (t[q] == ' ')
            return 0;
    for (size_t q = k; q < n; q++)
        if (t[q] == '.' || t[q] == '/')
            return 1;
    return 0;
}

jkb_status jkb_segment(const char *doc, size_t len, jkb_vec *out)
{
    jkb_status rc = JKB_OK;
    jkb_norm nm;
    jkb_norm_init(&nm);
    jkb_vec starts;
    jkb_vec_init(&starts, sizeof(size_t));
    int have_header = 0;
    /* First pass: casebook headers. */
    for (size_t a = 0; a < len;) {
        size_t b = a;
        while (b < len && doc[b] != '\n')
            b++;
        if (is_case_header(doc, a, b)) {
            have_header = 1;
            break;
        }
        a = b + 1;
    }
    size_t prev_a = 0, prev_b = 0;
    int prev_blank = 1;
    for (size_t a = 0; a < len;) {
        const char *nl = memchr(doc + a, '\n', len - a);
        size_t b = nl ? (size_t)(nl - doc) : len;
        int start = 0;
        if (is_case_header(doc, a, b))
            start = 1;
        else if (have_header && prev_blank && !blank(doc, a, b)) {
            size_t nb = b + 1, ne = nb;
            while (ne < len && doc[ne] != '\n')
                ne++;
            int next_blank = nb >= len || blank(doc, nb, ne);
            if (next_blank && is_title_line(doc, a, b, &nm))
                start = 1;
        }
        if (start) {
            size_t *p = jkb_vec_push(&starts);
            if (!p) {
                rc = JKB_ENOMEM;
                goto out;
            }
            *p = a;
        }
        prev_blank = blank(doc, a, b);
        prev_a = a;
        prev_b = b;
        a = b + 1;
    }
    (void)prev_a;
    (void)prev_b;
    size_t ns = starts.n;
    size_t first = ns ? JKB_VEC_AT(&starts, size_t, 0) : len;
    /* text before the first header counts as a notice when it has words */
    if (ns == 0 || !blank(doc, 0, first)) {
        int words = 0;
        for (size_t a = 0; a < first && !words;) {
            size_t b = a;
            while (b < first && doc[b] != '\n')
                b++;
            words = !blank(doc, a, b);
            a = b + 1;
        }
        if (words) {
            jkb_span *sp = jkb_vec_push(out);
            if (!sp) {
                rc = JKB_ENOMEM;
                goto out;
            }
            sp->start = 0;
            sp->end = (uint32_t)first;
        }
    }
    for (size_t k = 0; k < ns; k++) {
        jkb_span *sp = jkb_vec_push(out);
        if (!sp) {
            rc = JKB_ENOMEM;
            goto out;
        }
        sp->start = (uint32_t)JKB_VEC_AT(&starts, size_t, k);
        sp->end = (uint32_t)(k + 1 < ns ? JKB_VEC_AT(&starts, size_t, k + 1) : len);
    }
out:
    jkb_vec_free(&starts);
    jkb_norm_free(&nm);
    return rc;
}
