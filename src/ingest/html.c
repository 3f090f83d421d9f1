/*
 * HTML to notice text: parses UTF-8 HTML with libxml2, picks the main content
 * (the article, else <main>, else the body), drops navigation, scripts and
 * page furniture, and writes its text with block elements as line breaks and
 * the title (<h1>) first. Also the <meta charset> prescan used by decode.c.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "ingest_internal.h"

/* ---- <meta charset> prescan ---- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Find lit (lower-case ASCII) in p[0..n), ignoring ASCII case. */
static const char *ci_find(const char *p, size_t n, const char *lit)
{
    size_t m = strlen(lit), i;
    for (i = 0; i + m <= n; i++)
        if (jkb_ascii_prefix(p + i, n - i, lit))
            return p + i;
    return NULL;
}

int jkb_html_meta_charset(const char *p, size_t n, char *buf, size_t cap)
{
    const char *end = p + n;
    if (cap == 0)
        return 0;
    buf[0] = '\0';
    while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        if (jkb_ascii_prefix(p, (size_t)(end - p), "<!--")) {
            /* A commented-out <meta> declares nothing. */
            const char *c = ci_find(p + 4, (size_t)(end - p - 4), "-->");
            if (!c)
                return 0;
            p = c + 3;
            continue;
        }
        if (!jkb_ascii_prefix(p, (size_t)(end - p), "<meta") || end - p < 6 ||
            !(is_space(p[5]) || p[5] == '/')) {
            p++;
            continue;
        }
        const char *gt = memchr(p, '>', (size_t)(end - p));
        const char *tag_end = gt ? gt : end;
        /* Both spellings carry "charset": the attribute, or inside the
         * http-equiv content value "text/html; charset=EUC-JP". */
        const char *cs = ci_find(p, (size_t)(tag_end - p), "charset");
        if (cs) {
            const char *q = cs + 7;
            while (q < tag_end && is_space(*q))
                q++;
            if (q < tag_end && *q == '=') {
                q++;
                while (q < tag_end && (is_space(*q) || *q == '"' || *q == '\''))
                    q++;
                size_t i = 0;
                while (q + i < tag_end && i + 1 < cap && !is_space(q[i]) && q[i] != '"' &&
                       q[i] != '\'' && q[i] != ';' && q[i] != '/' && q[i] != '>')
                    i++;
                if (i > 0) {
                    memcpy(buf, q, i);
                    buf[i] = '\0';
                    return 1;
                }
            }
        }
        if (!gt)
            return 0;
        p = gt + 1;
    }
    return 0;
}

/* ---- element classes ---- */

enum {
    E_BLOCK = 1,  /* a line break before and after */
    E_PARA = 2,   /* a blank line before and after */
    E_DROP = 4,   /* never text of a notice */
    E_CELL = 8,   /* td/th: separated from the previous cell by a tab */
    E_BR = 16,
    E_PRE = 32,
    E_HEADER = 64 /* page furniture, except in an article or <main> */
};

struct elem {
    const char *name;
    int flags;
};

static const struct elem elems[] = {
    {"p", E_PARA}, {"h1", E_PARA}, {"h2", E_PARA}, {"h3", E_PARA}, {"h4", E_PARA},
    {"h5", E_PARA}, {"h6", E_PARA}, {"table", E_PARA}, {"ul", E_PARA}, {"ol", E_PARA},
    {"dl", E_PARA}, {"blockquote", E_PARA}, {"pre", E_PARA | E_PRE}, {"hr", E_PARA},
    {"figure", E_PARA}, {"address", E_PARA},
    {"div", E_BLOCK}, {"section", E_BLOCK}, {"article", E_BLOCK}, {"main", E_BLOCK},
    {"li", E_BLOCK}, {"tr", E_BLOCK}, {"dt", E_BLOCK}, {"dd", E_BLOCK}, {"caption", E_BLOCK},
    {"figcaption", E_BLOCK}, {"details", E_BLOCK}, {"summary", E_BLOCK},
    {"fieldset", E_BLOCK}, {"legend", E_BLOCK}, {"center", E_BLOCK}, {"body", E_BLOCK},
    {"html", E_BLOCK}, {"thead", E_BLOCK}, {"tbody", E_BLOCK}, {"tfoot", E_BLOCK},
    {"td", E_CELL}, {"th", E_CELL}, {"br", E_BR},
    {"header", E_BLOCK | E_HEADER}, {"footer", E_DROP},
    {"script", E_DROP}, {"style", E_DROP}, {"noscript", E_DROP}, {"template", E_DROP},
    {"nav", E_DROP}, {"aside", E_DROP}, {"form", E_DROP}, {"button", E_DROP},
    {"select", E_DROP}, {"iframe", E_DROP}, {"svg", E_DROP}, {"object", E_DROP},
    {"embed", E_DROP}, {"canvas", E_DROP}, {"textarea", E_DROP}, {"head", E_DROP},
    {"title", E_DROP}, {"menu", E_DROP}, {"dialog", E_DROP}, {"math", E_DROP},
    {"audio", E_DROP}, {"video", E_DROP}, {"map", E_DROP},
};

static int elem_flags(const xmlNode *n)
{
    const char *name = (const char *)n->name;
    size_t i;
    if (!name)
        return 0;
    for (i = 0; i < sizeof elems / sizeof elems[0]; i++)
        if (strcmp(name, elems[i].name) == 0)
            return elems[i].flags;
    return 0;
}

static bool is_elem(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->name && strcmp((const char *)n->name, name) == 0;
}

/* The value of attribute `name` ("" when it has no value), or NULL. */
static const char *attr(const xmlNode *n, const char *name)
{
    const xmlAttr *a;
    for (a = n->properties; a; a = a->next)
        if (a->name && strcmp((const char *)a->name, name) == 0) {
            if (a->children && a->children->type == XML_TEXT_NODE && a->children->content)
                return (const char *)a->children->content;
            return "";
        }
    return NULL;
}

static bool attr_has(const xmlNode *n, const char *name, const char *lit)
{
    const char *v = attr(n, name);
    return v && ci_find(v, strlen(v), lit) != NULL;
}

/* Class and id words of page furniture. Japanese sites name breadcrumbs
 * "topicpath" or "pankuzu". */
static const char *const furniture[] = {"breadcrumb", "topicpath", "pankuzu", "sidebar",
                                        "menu", "nav", "footer", NULL};

/* Is n outside the notice text? keep_header: we are inside an article or
 * <main>, whose <header> holds the title and date, not the site's logo. */
static bool dropped(const xmlNode *n, bool keep_header)
{
    int f = elem_flags(n);
    size_t i;
    if (f & E_DROP)
        return true;
    if ((f & E_HEADER) && !keep_header)
        return true;
    if (attr(n, "hidden"))
        return true;
    const char *aria = attr(n, "aria-hidden");
    if (aria && strcmp(aria, "true") == 0)
        return true;
    for (i = 0; furniture[i]; i++)
        if (attr_has(n, "class", furniture[i]) || attr_has(n, "id", furniture[i]))
            return true;
    if (!keep_header && (attr_has(n, "class", "header") || attr_has(n, "id", "header")))
        return true;
    return false;
}

/* ---- iterative traversal: nesting depth costs no stack ---- */

static xmlNode *after(xmlNode *n, const xmlNode *top)
{
    while (n != top && !n->next)
        n = n->parent;
    return n == top ? NULL : n->next;
}

static xmlNode *step(xmlNode *n, const xmlNode *top, bool descend)
{
    if (descend && n->children)
        return n->children;
    return after(n, top);
}

static bool inside(const xmlNode *n, const xmlNode *root)
{
    for (; n; n = n->parent)
        if (n == root)
            return true;
    return false;
}

struct page {
    xmlNode *article; /* the first of... */
    size_t n_articles; /* ...the articles not inside another one */
    xmlNode *main, *role_main, *body, *h1;
};

static void scan_page(xmlNode *top, struct page *pg)
{
    xmlNode *n;
    bool descend;
    memset(pg, 0, sizeof *pg);
    for (n = top; n; n = step(n, top, descend)) {
        descend = false;
        if (n->type != XML_ELEMENT_NODE || (n != top && dropped(n, false)))
            continue;
        if (is_elem(n, "article")) {
            if (pg->n_articles++ == 0)
                pg->article = n;
            continue;
        }
        if (is_elem(n, "h1")) {
            if (!pg->h1)
                pg->h1 = n;
            continue;
        }
        if (!pg->main && is_elem(n, "main"))
            pg->main = n;
        if (!pg->role_main && attr_has(n, "role", "main"))
            pg->role_main = n;
        if (!pg->body && is_elem(n, "body"))
            pg->body = n;
        descend = true;
    }
}

static xmlNode *find_h1(xmlNode *root, bool keep_header)
{
    xmlNode *n;
    bool descend;
    for (n = root; n; n = step(n, root, descend)) {
        descend = false;
        if (n->type != XML_ELEMENT_NODE || (n != root && dropped(n, keep_header)))
            continue;
        if (is_elem(n, "h1"))
            return n;
        descend = true;
    }
    return NULL;
}

/* ---- text output ---- */

struct out {
    char *p;
    size_t len, cap;
    bool oom;
    int nl;          /* line breaks owed before the next text (at most 2) */
    bool line_empty; /* nothing written on the current line yet */
    /* Whitespace seen since the last text: written only if text follows on
     * the same line, which trims every line. Kept at a line's start only for
     * <pre> indentation. */
    char pend[64];
    size_t npend;
    bool pend_keep;
    bool pend_seg;   /* the pending space came from a line break */
    int pre;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->oom)
        return;
    if (n > o->cap - o->len) {
        size_t cap = o->cap ? o->cap : 4096;
        while (n > cap - o->len) {
            if (cap > SIZE_MAX / 2) {
                o->oom = true;
                return;
            }
            cap *= 2;
        }
        char *p = realloc(o->p, cap);
        if (!p) {
            o->oom = true;
            return;
        }
        o->p = p;
        o->cap = cap;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
}

/* Code point of the UTF-8 character that starts at s (or 0). */
static uint32_t cp_at(const unsigned char *s, size_t n)
{
    if (n >= 3 && (s[0] & 0xf0) == 0xe0)
        return (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
    if (n >= 4 && (s[0] & 0xf8) == 0xf0)
        return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
               (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
    return 0; /* ASCII and two-byte characters are never wide */
}

/* Code point of the last character written. */
static uint32_t last_cp(const struct out *o)
{
    size_t i = o->len, k = 0;
    while (i > 0 && k < 4 && ((unsigned char)o->p[i - 1] & 0xc0) == 0x80)
        i--, k++;
    return i > 0 ? cp_at((const unsigned char *)o->p + i - 1, o->len - i + 1) : 0;
}

/* East Asian wide (CJK, kana, full-width forms), Hangul aside: CSS drops a
 * line break between two of them instead of making it a space, which keeps
 * a Japanese sentence wrapped in the HTML source in one piece. */
static bool wide(uint32_t c)
{
    return (c >= 0x2e80 && c <= 0xa4cf && c != 0x303f && !(c >= 0x3130 && c <= 0x318f)) ||
           (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) ||
           (c >= 0xff00 && c <= 0xffef) || (c >= 0x20000 && c <= 0x3fffd);
}

static void put_text(struct out *o, const char *s, size_t n)
{
    if (o->nl && o->len) {
        put(o, "\n\n", (size_t)o->nl);
        o->line_empty = true;
    }
    o->nl = 0;
    bool joined = o->pend_seg && o->npend == 1 && o->pend[0] == ' ' && !o->line_empty &&
                  wide(last_cp(o)) && wide(cp_at((const unsigned char *)s, n));
    if (o->npend && (!o->line_empty || o->pend_keep) && !joined)
        put(o, o->pend, o->npend);
    o->npend = 0;
    o->pend_keep = false;
    o->pend_seg = false;
    put(o, s, n);
    o->line_empty = false;
}

static void pend(struct out *o, const char *s, size_t n, bool keep)
{
    if (n > sizeof o->pend - o->npend)
        return; /* a wider gap says nothing more (and no character is split) */
    memcpy(o->pend + o->npend, s, n);
    o->npend += n;
    o->pend_keep = o->pend_keep || keep;
}

/* A block boundary: k = 1 ends the line, k = 2 leaves a blank line. */
static void brk(struct out *o, int k)
{
    if (o->len && k > o->nl)
        o->nl = k;
    o->npend = 0;
    o->pend_keep = false;
    o->pend_seg = false;
}

static void br(struct out *o)
{
    if (o->len && o->nl < 2)
        o->nl++;
    o->npend = 0;
    o->pend_keep = false;
    o->pend_seg = false;
}

static void cell(struct out *o)
{
    if (!o->line_empty && !o->nl) {
        o->npend = 0;
        o->pend_seg = false;
        pend(o, "\t", 1, false);
    }
}

/* Length of a no-break (U+00A0) or ideographic (U+3000) space at s[i]. */
static size_t hard_space(const char *s, size_t i, size_t n)
{
    const unsigned char *u = (const unsigned char *)s + i;
    if (u[0] == 0xc2 && i + 1 < n && u[1] == 0xa0)
        return 2;
    if (u[0] == 0xe3 && i + 2 < n && u[1] == 0x80 && u[2] == 0x80)
        return 3;
    return 0;
}

/* Inline text: runs of HTML whitespace become one space; no-break and
 * ideographic spaces are kept inside a line but trimmed at its ends. */
static void text(struct out *o, const char *s)
{
    size_t i = 0, n = strlen(s), h;
    while (i < n) {
        char c = s[i];
        if (o->pre && c == '\n') {
            br(o);
            i++;
        } else if (o->pre && c == '\r') {
            i++;
        } else if (o->pre && (c == ' ' || c == '\t')) {
            /* <pre> keeps its indentation. */
            pend(o, s + i, 1, o->line_empty || o->nl);
            i++;
        } else if (is_space(c)) {
            if (c == '\n' || c == '\r')
                o->pend_seg = true;
            if (o->npend == 0 || (o->pend[o->npend - 1] != ' ' && o->pend[o->npend - 1] != '\t'))
                pend(o, " ", 1, false);
            i++;
        } else if ((h = hard_space(s, i, n)) != 0) {
            pend(o, s + i, h, false);
            i += h;
        } else {
            size_t j = i + 1;
            while (j < n && !is_space(s[j]) && !hard_space(s, j, n))
                j++;
            put_text(o, s + i, j - i);
            i = j;
        }
    }
}

static void enter(struct out *o, const xmlNode *n)
{
    int f = elem_flags(n);
    if (f & E_BR)
        br(o);
    else if (f & E_PARA)
        brk(o, 2);
    else if (f & E_BLOCK)
        brk(o, 1);
    else if (f & E_CELL)
        cell(o);
    if (f & E_PRE)
        o->pre++;
}

static void leave(struct out *o, const xmlNode *n)
{
    int f = elem_flags(n);
    if (f & E_PARA)
        brk(o, 2);
    else if (f & E_BLOCK)
        brk(o, 1);
    if ((f & E_PRE) && o->pre > 0)
        o->pre--;
}

/* Write the text of top's subtree, leaving out `skip`'s. */
static void walk(struct out *o, xmlNode *top, const xmlNode *skip, bool keep_header)
{
    xmlNode *n = top;
    while (n) {
        bool entered = false;
        if (n == skip) {
            /* written already */
        } else if (n->type == XML_ELEMENT_NODE) {
            if (n == top || !dropped(n, keep_header)) {
                enter(o, n);
                entered = true;
            }
        } else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content) {
            text(o, (const char *)n->content);
        }
        if (entered && n->children) {
            n = n->children;
            continue;
        }
        if (entered)
            leave(o, n);
        while (n != top && !n->next) {
            n = n->parent;
            leave(o, n);
        }
        n = n == top ? NULL : n->next;
    }
}

jkb_status jkb_html_extract(const char *utf8, size_t len, char **out, size_t *out_len, jkb_err *err)
{
    jkb_status st = JKB_OK;
    htmlParserCtxtPtr ctxt = NULL;
    htmlDocPtr doc = NULL;
    struct out o = {.line_empty = true};
    struct page pg;

    *out = NULL;
    *out_len = 0;
    if (len > INT_MAX) {
        st = jkb_ingest_fail(err, JKB_ETOOBIG, 0, "HTML over %d bytes", INT_MAX);
        goto out;
    }
    ctxt = htmlNewParserCtxt();
    if (!ctxt) {
        st = jkb_ingest_fail(err, JKB_ENOMEM, 0, "out of memory");
        goto out;
    }
    /* The bytes are UTF-8 already (decode.c converted them): IGNORE_ENC
     * keeps a <meta charset=Shift_JIS> from decoding them a second time.
     * No HUGE: libxml2's depth and text-size limits stay on. */
    doc = htmlCtxtReadMemory(ctxt, utf8, (int)len, NULL, "UTF-8",
                             HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                 HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT);
    /* libxml2 halts (disableSAX) rather than fail when a document nests
     * deeper than 256 or has a text run over 10 MB; what it built so far
     * is a fragment, so say so instead of returning part of the page. */
    if (ctxt->disableSAX) {
        st = jkb_ingest_fail(err, JKB_ETOOBIG, 0,
                             ctxt->errNo == XML_ERR_NO_MEMORY
                                 ? "HTML parser gave up: a text run over 10 MB, or out of memory"
                                 : "HTML parser gave up: elements nested deeper than 256");
        goto out;
    }
    xmlNode *top = doc ? xmlDocGetRootElement(doc) : NULL;
    if (top) {
        scan_page(top, &pg);
        xmlNode *root = pg.n_articles == 1 ? pg.article
                        : pg.main          ? pg.main
                        : pg.role_main     ? pg.role_main
                        : pg.body          ? pg.body
                                           : top;
        bool keep_header = root == pg.article || root == pg.main || root == pg.role_main;
        /* The extractor takes the first line for the title: the article's
         * <h1>, or the page's when the article has none. */
        xmlNode *h1 = find_h1(root, keep_header);
        if (!h1 && pg.h1 && !inside(pg.h1, root))
            h1 = pg.h1;
        if (h1) {
            walk(&o, h1, NULL, keep_header);
            brk(&o, 2);
        }
        walk(&o, root, h1, keep_header);
    }
    if (o.len)
        put(&o, "\n", 1);
    put(&o, "", 1);
    if (o.oom) {
        st = jkb_ingest_fail(err, JKB_ENOMEM, 0, "out of memory");
        goto out;
    }
    *out = o.p;
    *out_len = o.len - 1;
    o.p = NULL;
out:
    free(o.p);
    if (doc)
        xmlFreeDoc(doc);
    if (ctxt)
        htmlFreeParserCtxt(ctxt);
    return st;
}
