/*
 * PDF to document text with poppler-glib: the text of every page in order,
 * pages separated by a blank line. A line that a layout engine broke in the
 * middle of a Japanese word (it reaches both margins, the next line starts at
 * the left one) is joined again; the rest of the lines stay as poppler gives.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <poppler.h>

#include "ingest_internal.h"

/* A notice is a few pages; a PDF of thousands is a report or an attack, and
 * poppler's layout work is per page. */
#define MAX_PAGES 2000

struct buf {
    char *p;
    size_t len, cap, max;
    bool oom, over;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->oom || b->over)
        return;
    /* One byte is kept for the NUL. */
    if (n > b->max - b->len) {
        b->over = true;
        return;
    }
    if (n >= b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 8192;
        while (n >= cap - b->len) {
            if (cap > SIZE_MAX / 2) {
                b->oom = true;
                return;
            }
            cap *= 2;
        }
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

/* ---- line joining ---- */

/* After these a line break is the writer's: a sentence or a heading ends. */
static bool ends_clause(gunichar c)
{
    static const gunichar stop[] = {0x3002, 0xff61, 0xff0e, 0xff01, 0xff1f, 0xff1a, 0xff1b,
                                    0x300d, 0x300f, 0xff09, 0x3011, 0x3015, 0x3009, 0x300b,
                                    0xff3d, 0xff5d, 0x3017, 0x3019, 0x2026};
    for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++)
        if (c == stop[i])
            return true;
    return false;
}

/* A line that starts with a bullet or a circled number is a new item even
 * when the line before it is full. */
static bool starts_item(gunichar c)
{
    static const gunichar mark[] = {0x30fb, 0x25cf, 0x25cb, 0x25ce, 0x25a0, 0x25a1, 0x25c6,
                                    0x25c7, 0x203b, 0x2605, 0x2606, 0x25b6, 0x25ba, 0x25bc,
                                    0x25b2, 0x3007, 0x2192};
    if (c >= 0x2460 && c <= 0x2473)
        return true;
    for (size_t i = 0; i < sizeof mark / sizeof mark[0]; i++)
        if (c == mark[i])
            return true;
    return false;
}

static bool blank(gunichar c)
{
    return c == ' ' || c == '\t' || c == 0x3000 || c == 0xa0;
}

struct line {
    size_t b0, b1;       /* bytes of the line in the page text, trailing blanks trimmed */
    gunichar first, last; /* first and last characters (0 for a blank line) */
    double x1, x2, h;    /* left edge of the first, right edge of the last, its height */
    bool placed;         /* x1/x2 are known */
};

/* Split a page's text into lines and place them with poppler's layout: one
 * rectangle per character of the text, newlines included. */
static struct line *split_lines(const char *t, size_t len, const PopplerRectangle *rect,
                                guint n_rect, size_t *n_lines)
{
    size_t n = 1, i;
    for (i = 0; i < len; i++)
        n += t[i] == '\n';
    struct line *ln = calloc(n, sizeof *ln);
    if (!ln)
        return NULL;
    size_t li = 0, ci = 0; /* line, character index */
    const char *p = t, *end = t + len;
    bool first_seen = false;
    ln[0].b0 = 0;
    while (p < end) {
        gunichar c = g_utf8_get_char(p);
        const char *next = g_utf8_next_char(p);
        if (c == '\n') {
            li++;
            ln[li].b0 = (size_t)(next - t);
            ln[li].b1 = ln[li].b0;
            first_seen = false;
        } else if (!blank(c)) {
            struct line *l = &ln[li];
            bool has_rect = rect && ci < n_rect;
            if (!first_seen) {
                l->first = c;
                l->x1 = has_rect ? rect[ci].x1 : 0;
                l->placed = has_rect;
                first_seen = true;
            }
            l->last = c;
            l->b1 = (size_t)(next - t);
            if (has_rect) {
                l->x2 = rect[ci].x2;
                l->h = rect[ci].y2 - rect[ci].y1;
            } else
                l->placed = false;
        }
        p = next;
        ci++;
    }
    *n_lines = li + 1;
    return ln;
}

/* Was the break after line a made by the layout rather than the writer? Both
 * sides Japanese (as html.c joins a wrapped source line), the line full from
 * the left margin to the right one, and the next one back at the left margin:
 * a centered title, a right-aligned date or name, an indented new paragraph
 * or a short last line keep their breaks. */
static bool joins(const struct line *a, const struct line *b, double left, double right)
{
    if (!a->first || !b->first || !a->placed || !b->placed)
        return false;
    if (!g_unichar_iswide(a->last) || !g_unichar_iswide(b->first))
        return false;
    if (ends_clause(a->last) || starts_item(b->first))
        return false;
    double tol = a->h > 0 ? a->h * 1.5 : 12;
    return a->x1 <= left + tol && a->x2 >= right - tol && b->x1 <= left + b->h * 0.5;
}

/* Append one page's text: lines as poppler lays them out, joined where
 * joins() says, trailing blanks trimmed, control characters as spaces. */
static void put_page(struct buf *b, const char *t, size_t len, const PopplerRectangle *rect,
                     guint n_rect, bool placed)
{
    size_t n_lines = 0, i;
    struct line *ln = split_lines(t, len, placed ? rect : NULL, placed ? n_rect : 0, &n_lines);
    if (!ln) {
        b->oom = true;
        return;
    }
    double left = 0, right = 0;
    bool any = false;
    for (i = 0; i < n_lines; i++) {
        if (!ln[i].first || !ln[i].placed)
            continue;
        if (!any || ln[i].x1 < left)
            left = ln[i].x1;
        if (!any || ln[i].x2 > right)
            right = ln[i].x2;
        any = true;
    }
    for (i = 0; i < n_lines; i++) {
        const char *s = t + ln[i].b0;
        size_t n = ln[i].first ? ln[i].b1 - ln[i].b0 : 0, j = 0;
        while (j < n) {
            size_t k = j;
            while (k < n && ((unsigned char)s[k] >= 0x20 || s[k] == '\t') && s[k] != 0x7f)
                k++;
            put(b, s + j, k - j);
            if (k < n) {
                put(b, " ", 1);
                k++;
            }
            j = k;
        }
        if (i + 1 < n_lines && !joins(&ln[i], &ln[i + 1], left, right))
            put(b, "\n", 1);
    }
    free(ln);
}

/* ---- the document ---- */

static bool has_text(const char *t)
{
    for (; *t; t++)
        if (*t != ' ' && *t != '\n' && *t != '\r' && *t != '\t')
            return true;
    return false;
}

jkb_status jkb_pdf_extract(const char *bytes, size_t len, size_t max_text, char **out,
                           size_t *out_len, jkb_err *err)
{
    jkb_status st = JKB_OK;
    GBytes *gb = NULL;
    GError *gerr = NULL;
    PopplerDocument *doc = NULL;
    PopplerPage *page = NULL;
    PopplerRectangle *rect = NULL;
    char *text = NULL, *valid = NULL;
    struct buf b = {.max = max_text};
    int n_pages, i, with_text = 0;

    *out = NULL;
    *out_len = 0;
    /* The caller's bytes outlive the document: no copy. */
    gb = g_bytes_new_static(bytes, len);
    doc = poppler_document_new_from_bytes(gb, NULL, &gerr);
    if (!doc) {
        st = jkb_ingest_fail(err, JKB_EFORMAT, 0, "not a readable PDF: %s",
                             gerr && gerr->message ? gerr->message : "poppler gave no reason");
        goto out;
    }
    n_pages = poppler_document_get_n_pages(doc);
    if (n_pages > MAX_PAGES) {
        st = jkb_ingest_fail(err, JKB_ETOOBIG, 0, "a PDF of %d pages, more than %d", n_pages,
                             MAX_PAGES);
        goto out;
    }
    for (i = 0; i < n_pages; i++) {
        guint n_rect = 0;
        page = poppler_document_get_page(doc, i);
        if (!page)
            continue;
        text = poppler_page_get_text(page);
        if (text && has_text(text)) {
            size_t tlen;
            /* poppler writes UTF-8, but a broken font map can still make a
             * bad sequence; made valid, the text no longer matches the
             * layout, so it keeps poppler's line breaks. */
            if (!g_utf8_validate(text, -1, NULL)) {
                valid = g_utf8_make_valid(text, -1);
                g_free(text);
                text = valid;
                valid = NULL;
            } else if (!poppler_page_get_text_layout(page, &rect, &n_rect)) {
                rect = NULL;
                n_rect = 0;
            }
            tlen = strlen(text);
            /* Without one rectangle per character the lines cannot be
             * placed, and nothing is joined. */
            bool placed = rect && (glong)n_rect == g_utf8_strlen(text, (gssize)tlen);
            if (with_text++)
                put(&b, "\n\n", 2);
            put_page(&b, text, tlen, rect, n_rect, placed);
        }
        g_free(rect);
        rect = NULL;
        g_free(text);
        text = NULL;
        g_object_unref(page);
        page = NULL;
        if (b.oom) {
            st = jkb_ingest_fail(err, JKB_ENOMEM, 0, "out of memory");
            goto out;
        }
        if (b.over) {
            st = jkb_ingest_fail(err, JKB_ETOOBIG, 0,
                                 "PDF text larger than %zu bytes (at page %d of %d)", max_text,
                                 i + 1, n_pages);
            goto out;
        }
    }
    if (!with_text) {
        st = jkb_ingest_fail(err, JKB_EFORMAT, 0,
                             "a PDF of %d page%s without text (scanned images?)", n_pages,
                             n_pages == 1 ? "" : "s");
        goto out;
    }
    put(&b, "\n", 1);
    if (b.oom || b.over) {
        st = b.oom ? jkb_ingest_fail(err, JKB_ENOMEM, 0, "out of memory")
                   : jkb_ingest_fail(err, JKB_ETOOBIG, 0, "PDF text larger than %zu bytes",
                                     max_text);
        goto out;
    }
    b.p[b.len] = '\0';
    *out = b.p;
    *out_len = b.len;
    b.p = NULL;
out:
    free(b.p);
    g_free(rect);
    g_free(text);
    if (page)
        g_object_unref(page);
    if (doc)
        g_object_unref(doc);
    if (gerr)
        g_error_free(gerr);
    if (gb)
        g_bytes_unref(gb);
    return st;
}
