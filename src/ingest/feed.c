/*
 * Feeds to items: RSS 2.0, RSS 1.0 (RDF) and Atom, read with libxml2's
 * streaming reader one item at a time (no entity expansion, no network, its
 * depth limits on). Each item's content, HTML escaped inside the XML, is
 * turned into document text by html.c, with the item's title as first line.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#include "jikenbo/ingest.h"
#include "ingest_internal.h"

#define DEFAULT_MAX_ITEMS ((size_t)100000)
/* The text of all items together: a feed is a list of notices, and the
 * caller holds them all at once. */
#define MAX_FEED_TEXT ((size_t)64 * 1024 * 1024)

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* ---- sniffing ---- */

/* Skip from p past the first occurrence of lit; NULL when it is not there. */
static const char *past(const char *p, const char *end, const char *lit)
{
    size_t m = strlen(lit);
    for (; (size_t)(end - p) >= m; p++)
        if (memcmp(p, lit, m) == 0)
            return p + m;
    return NULL;
}

/* The name of a root element at p is `name`, followed by a space, '>' or '/'. */
static bool root_is(const char *p, const char *end, const char *name)
{
    size_t m = strlen(name);
    if ((size_t)(end - p) <= m || memcmp(p, name, m) != 0)
        return false;
    return is_space(p[m]) || p[m] == '>' || p[m] == '/';
}

int jkb_feed_sniff(const char *bytes, size_t len)
{
    const char *p = bytes, *end;
    if (!bytes)
        return 0;
    end = bytes + (len < 1024 ? len : 1024);
    if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
        p += 3;
    /* The prolog: an XML declaration, processing instructions (a style
     * sheet), comments, a doctype (RSS 0.91's names Netscape's DTD). */
    while (p && p < end) {
        while (p < end && is_space(*p))
            p++;
        if (end - p < 2 || *p != '<')
            return 0;
        if (p[1] == '?')
            p = past(p + 2, end, "?>");
        else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0)
            p = past(p + 4, end, "-->");
        else if (p[1] == '!') {
            const char *q = p + 2;
            while (q < end && *q != '>' && *q != '[')
                q++;
            if (q < end && *q == '[')
                q = past(q, end, "]");
            p = q ? past(q, end, ">") : NULL;
        } else {
            p++;
            return root_is(p, end, "rss") || root_is(p, end, "feed") ||
                   root_is(p, end, "rdf:RDF") || root_is(p, end, "atom:feed");
        }
    }
    return 0;
}

/* ---- strings ---- */

struct sbuf {
    char *p;
    size_t len, cap;
    bool oom;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (n >= b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 256;
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
    b->p[b->len] = '\0';
}

/* The text of a subtree: text and CDATA only. An entity reference is not
 * followed: the predefined ones and character references are text already,
 * and any other is a DTD's, which a feed has no business with (billion
 * laughs). */
static void gather(struct sbuf *b, const xmlNode *top)
{
    const xmlNode *n = top->children;
    while (n && n != top) {
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content)
            sb_put(b, (const char *)n->content, strlen((const char *)n->content));
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        while (n != top && !n->next)
            n = n->parent;
        if (n != top)
            n = n->next;
    }
}

/* Runs of whitespace as one space, trimmed: titles, links, dates. */
static char *squeeze(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    size_t o = 0, i;
    bool gap = false;
    if (!d)
        return NULL;
    for (i = 0; i < n; i++) {
        if (is_space(s[i])) {
            gap = o > 0;
            continue;
        }
        if (gap)
            d[o++] = ' ';
        gap = false;
        d[o++] = s[i];
    }
    d[o] = '\0';
    return d;
}

/* ---- items ---- */

static bool named(const xmlNode *n, const char *local)
{
    return n->type == XML_ELEMENT_NODE && n->name && strcmp((const char *)n->name, local) == 0;
}

static const char *ns_of(const xmlNode *n)
{
    return n->ns && n->ns->href ? (const char *)n->ns->href : "";
}

/* An element of the item's own vocabulary: <media:title> inside an RSS
 * item is not the item's title. */
static bool own(const xmlNode *item, const xmlNode *n, const char *local)
{
    return named(n, local) && strcmp(ns_of(item), ns_of(n)) == 0;
}

static bool ns_is(const xmlNode *n, const char *local, const char *href)
{
    return named(n, local) && strcmp(ns_of(n), href) == 0;
}

/* The value of an attribute without namespace (or, with href, in that
 * namespace); NULL when absent. xmlGetProp would expand entities. */
static const char *attr(const xmlNode *n, const char *name, const char *href)
{
    const xmlAttr *a;
    for (a = n->properties; a; a = a->next) {
        if (!a->name || strcmp((const char *)a->name, name) != 0)
            continue;
        if (href ? !(a->ns && a->ns->href && strcmp((const char *)a->ns->href, href) == 0)
                 : a->ns != NULL)
            continue;
        if (a->children && a->children->type == XML_TEXT_NODE && a->children->content)
            return (const char *)a->children->content;
        return "";
    }
    return NULL;
}

#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

enum body_kind { BODY_HTML, BODY_XHTML, BODY_TEXT };

struct parts {
    const xmlNode *title, *link_el, *date, *date2, *body, *body2;
    const char *link_attr; /* Atom's href, RSS 1.0's rdf:about */
    enum body_kind kind, kind2;
};

/* What an Atom text construct holds, by its type (text when none). */
static enum body_kind atom_kind(const xmlNode *n)
{
    const char *t = attr(n, "type", NULL);
    if (!t || strcmp(t, "text") == 0 || strcmp(t, "text/plain") == 0)
        return BODY_TEXT;
    if (strcmp(t, "xhtml") == 0)
        return BODY_XHTML;
    return BODY_HTML;
}

static void pick_parts(const xmlNode *item, bool atom, struct parts *pt)
{
    const xmlNode *c;
    memset(pt, 0, sizeof *pt);
    if (!atom)
        pt->link_attr = attr(item, "about", NS_RDF);
    for (c = item->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (own(item, c, "title")) {
            if (!pt->title)
                pt->title = c;
        } else if (atom && own(item, c, "link")) {
            const char *rel = attr(c, "rel", NULL), *href = attr(c, "href", NULL);
            /* Atom: no rel means alternate, the entry's page. */
            if (href && (!rel || strcmp(rel, "alternate") == 0) && !pt->link_el)
                pt->link_el = c, pt->link_attr = href;
        } else if (!atom && own(item, c, "link")) {
            if (!pt->link_el)
                pt->link_el = c;
        } else if (!atom && own(item, c, "guid")) {
            /* A permalink guid is the page when there is no <link>. */
            const char *perma = attr(c, "isPermaLink", NULL);
            if (!pt->link_el && !pt->link_attr && !(perma && strcmp(perma, "false") == 0))
                pt->link_el = c;
        } else if (own(item, c, atom ? "published" : "pubDate")) {
            if (!pt->date)
                pt->date = c;
        } else if ((atom && own(item, c, "updated")) || ns_is(c, "date", NS_DC)) {
            if (!pt->date2)
                pt->date2 = c;
        } else if (atom && own(item, c, "content")) {
            /* Content elsewhere (src=) is not fetched. */
            if (!pt->body && !attr(c, "src", NULL))
                pt->body = c, pt->kind = atom_kind(c);
        } else if (!atom && ns_is(c, "encoded", NS_CONTENT)) {
            if (!pt->body)
                pt->body = c, pt->kind = BODY_HTML;
        } else if (own(item, c, atom ? "summary" : "description")) {
            if (!pt->body2)
                pt->body2 = c, pt->kind2 = atom ? atom_kind(c) : BODY_HTML;
        }
    }
    if (!pt->body)
        pt->body = pt->body2, pt->kind = pt->kind2;
    if (!pt->date)
        pt->date = pt->date2;
}

/* Plain text kept as it is, less blank space around it, ending in a line
 * feed as html.c's text does. */
static jkb_status plain(const char *s, size_t n, char **out, size_t *out_len)
{
    while (n && is_space(*s))
        s++, n--;
    while (n && is_space(s[n - 1]))
        n--;
    *out = malloc(n + 2);
    if (!*out)
        return JKB_ENOMEM;
    memcpy(*out, s, n);
    if (n)
        (*out)[n++] = '\n';
    (*out)[n] = '\0';
    *out_len = n;
    return JKB_OK;
}

/* The body as document text. */
static jkb_status body_text(const xmlNode *body, enum body_kind kind, char **out, size_t *out_len,
                            jkb_err *err)
{
    jkb_status st = JKB_OK;
    struct sbuf b = {0};
    xmlBufferPtr xb = NULL;
    const char *html;
    size_t html_len;

    *out = NULL;
    *out_len = 0;
    if (!body)
        return plain("", 0, out, out_len);
    if (kind == BODY_XHTML) {
        /* Markup in the feed itself: written back out for html.c. */
        const xmlNode *c;
        xb = xmlBufferCreate();
        if (!xb)
            return jkb_ingest_fail(err, JKB_ENOMEM, 0, "out of memory");
        for (c = body->children; c; c = c->next)
            if (xmlNodeDump(xb, body->doc, (xmlNode *)c, 0, 0) < 0) {
                st = jkb_ingest_fail(err, JKB_ENOMEM, 0, "out of memory");
                goto out;
            }
        html = (const char *)xmlBufferContent(xb);
        html_len = (size_t)xmlBufferLength(xb);
    } else {
        gather(&b, body);
        if (b.oom) {
            st = jkb_ingest_fail(err, JKB_ENOMEM, 0, "out of memory");
            goto out;
        }
        html = b.p ? b.p : "";
        html_len = b.len;
        /* An RSS description without a single tag is plain text: read as
         * HTML, its line breaks would run together. */
        if (kind == BODY_TEXT || !memchr(html, '<', html_len)) {
            if (plain(html, html_len, out, out_len) != JKB_OK)
                st = jkb_ingest_fail(err, JKB_ENOMEM, 0, "out of memory");
            goto out;
        }
    }
    st = jkb_html_extract(html, html_len, out, out_len, err);
out:
    free(b.p);
    if (xb)
        xmlBufferFree(xb);
    return st;
}

/* Put the title first when the text does not start with it: the extractor
 * takes the first line for the title. */
static jkb_status title_first(const char *title, char **text, size_t *len)
{
    size_t tl = title ? strlen(title) : 0, skip = 0;
    if (!tl)
        return JKB_OK;
    while (skip < *len && is_space((*text)[skip]))
        skip++;
    if (*len - skip >= tl && memcmp(*text + skip, title, tl) == 0)
        return JKB_OK;
    size_t n = tl + (*len ? 2 : 1) + *len;
    char *t = malloc(n + 1);
    if (!t)
        return JKB_ENOMEM;
    memcpy(t, title, tl);
    memcpy(t + tl, "\n\n", *len ? 2 : 1);
    memcpy(t + tl + (*len ? 2 : 1), *text, *len);
    t[n] = '\0';
    free(*text);
    *text = t;
    *len = n;
    return JKB_OK;
}

/* A title, link or date element (or an attribute's value) as one squeezed
 * line; NULL when empty, or with *oom set. */
static char *line_of(const xmlNode *n, const char *attr_value, bool *oom)
{
    struct sbuf b = {0};
    char *s;
    if (attr_value) {
        s = squeeze(attr_value, strlen(attr_value));
    } else if (n) {
        gather(&b, n);
        s = b.oom ? NULL : squeeze(b.p ? b.p : "", b.len);
        free(b.p);
    } else
        return NULL;
    if (!s)
        *oom = true;
    else if (!*s) {
        free(s);
        s = NULL;
    }
    return s;
}

/* An Atom title of type html: its tags go (html.c), its text stays. */
static jkb_status html_title(const xmlNode *n, char **title, jkb_err *err)
{
    char *t = NULL;
    size_t tl;
    jkb_status st = body_text(n, BODY_HTML, &t, &tl, err);
    *title = NULL;
    if (st != JKB_OK)
        return st;
    *title = squeeze(t, tl);
    free(t);
    if (!*title)
        return jkb_ingest_fail(err, JKB_ENOMEM, 0, "out of memory");
    if (!**title) {
        free(*title);
        *title = NULL;
    }
    return JKB_OK;
}

static jkb_status make_item(const xmlNode *item, bool atom, jkb_feed_item *it, jkb_err *err)
{
    struct parts pt;
    bool oom = false;
    jkb_status st;
    pick_parts(item, atom, &pt);
    if (atom && pt.title && atom_kind(pt.title) != BODY_TEXT) {
        st = html_title(pt.title, &it->title, err);
        if (st != JKB_OK)
            return st;
    } else
        it->title = line_of(pt.title, NULL, &oom);
    it->link = line_of(pt.link_attr ? NULL : pt.link_el, pt.link_attr, &oom);
    it->published = line_of(pt.date, NULL, &oom);
    if (oom)
        return jkb_ingest_fail(err, JKB_ENOMEM, 0, "out of memory");
    st = body_text(pt.body, pt.kind, &it->text, &it->text_len, err);
    if (st != JKB_OK)
        return st;
    if (title_first(it->title, &it->text, &it->text_len) != JKB_OK)
        return jkb_ingest_fail(err, JKB_ENOMEM, 0, "out of memory");
    return JKB_OK;
}

static void item_free(jkb_feed_item *it)
{
    free(it->title);
    free(it->link);
    free(it->published);
    free(it->text);
    memset(it, 0, sizeof *it);
}

/* ---- the reader ---- */

struct xerr {
    bool seen, fatal;
    int line;
    char msg[120];
};

/* libxml2 reports here instead of printing. The first fatal error is kept
 * (else the first error): a namespace error, say an undeclared dc: prefix in
 * a sloppy feed, is an error that the parser goes on from. */
static void on_error(void *ud, xmlErrorPtr e)
{
    struct xerr *x = ud;
    size_t n;
    if (!e || e->level < XML_ERR_ERROR || x->fatal || (x->seen && e->level != XML_ERR_FATAL))
        return;
    x->seen = true;
    x->fatal = e->level == XML_ERR_FATAL;
    x->line = e->line;
    snprintf(x->msg, sizeof x->msg, "%s", e->message ? e->message : "error");
    n = strlen(x->msg);
    while (n && is_space(x->msg[n - 1]))
        x->msg[--n] = '\0';
}

/* The encoding named by an XML declaration at the start of p, into buf. */
static void decl_encoding(const char *p, size_t n, char *buf, size_t cap)
{
    const char *end = p + (n < 256 ? n : 256), *q, *stop;
    buf[0] = '\0';
    if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
        p += 3;
    if (end - p < 5 || memcmp(p, "<?xml", 5) != 0)
        return;
    stop = past(p, end, "?>");
    if (!stop)
        return;
    q = past(p, stop, "encoding");
    if (!q)
        return;
    while (q < stop && (is_space(*q) || *q == '='))
        q++;
    if (q >= stop || (*q != '"' && *q != '\''))
        return;
    char quote = *q++;
    size_t i = 0;
    while (q + i < stop && q[i] != quote && i + 1 < cap)
        i++;
    memcpy(buf, q, i);
    buf[i] = '\0';
}

enum feed_kind { K_NONE, K_RSS, K_RDF, K_ATOM };

static jkb_status add_item(jkb_feed *f, size_t *cap, const xmlNode *node, bool atom, size_t *total,
                           jkb_err *err)
{
    jkb_status st;
    if (f->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        jkb_feed_item *ni = realloc(f->items, ncap * sizeof *ni);
        if (!ni)
            return jkb_ingest_fail(err, JKB_ENOMEM, 0, "out of memory");
        f->items = ni;
        *cap = ncap;
    }
    jkb_feed_item *it = &f->items[f->n];
    memset(it, 0, sizeof *it);
    f->n++; /* counted at once, so jkb_feed_free frees what it has */
    st = make_item(node, atom, it, err);
    if (st != JKB_OK) {
        /* html.c's reason, with the item it was about. */
        if (err) {
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err->msg);
            snprintf(err->msg, sizeof err->msg, "item %zu: %.170s", f->n, why);
        }
        return st;
    }
    *total += it->text_len;
    if (*total > MAX_FEED_TEXT)
        return jkb_ingest_fail(err, JKB_ETOOBIG, 0, "feed text larger than %zu bytes (at item %zu)",
                               MAX_FEED_TEXT, f->n);
    return JKB_OK;
}

jkb_status jkb_feed_parse(const char *bytes, size_t len, size_t max_items, jkb_feed *out, jkb_err *err)
{
    jkb_status st = JKB_OK;
    jkb_text t = {0};
    xmlTextReaderPtr rd = NULL;
    struct xerr xe = {0};
    enum feed_kind kind = K_NONE;
    bool in_channel = false;
    size_t cap = 0, total = 0;
    char enc[40];
    int r;

    if (err) {
        err->code = JKB_OK;
        err->offset = 0;
        err->msg[0] = '\0';
    }
    if (!out)
        return jkb_ingest_fail(err, JKB_EINVAL, 0, "jkb_feed_parse: out is NULL");
    memset(out, 0, sizeof *out);
    if (!bytes && len)
        return jkb_ingest_fail(err, JKB_EINVAL, 0, "jkb_feed_parse: bytes is NULL");
    if (max_items == 0)
        max_items = DEFAULT_MAX_ITEMS;

    /* decode.c knows Japanese encodings better than libxml2's iconv (CP932
     * for Shift_JIS, CP50221...): it decodes, with the declared encoding as
     * its hint, and libxml2 reads UTF-8 whatever the declaration says. */
    decl_encoding(bytes ? bytes : "", len, enc, sizeof enc);
    st = jkb_text_decode(bytes, len, NULL, enc[0] ? enc : NULL, JKB_FMT_TEXT, &t, err);
    if (st != JKB_OK)
        goto out;
    if (t.len == 0) {
        st = jkb_ingest_fail(err, JKB_EFORMAT, 0, "not an RSS or Atom feed (empty input)");
        goto out;
    }
    if (t.len > INT_MAX) {
        st = jkb_ingest_fail(err, JKB_ETOOBIG, 0, "a feed over %d bytes", INT_MAX);
        goto out;
    }
    /* No NOENT and no DTDLOAD: entities stay references, nothing is
     * loaded; no HUGE: libxml2 keeps its depth (256) and size limits and
     * its entity amplification checks. No RECOVER: a broken feed fails. */
    rd = xmlReaderForMemory(t.text, (int)t.len, NULL, "UTF-8",
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                XML_PARSE_IGNORE_ENC | XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
    if (!rd) {
        st = jkb_ingest_fail(err, JKB_ENOMEM, 0, "out of memory");
        goto out;
    }
    xmlTextReaderSetStructuredErrorHandler(rd, on_error, &xe);

    r = xmlTextReaderRead(rd);
    while (r == 1) {
        if (xmlTextReaderNodeType(rd) != XML_READER_TYPE_ELEMENT) {
            r = xmlTextReaderRead(rd);
            continue;
        }
        int depth = xmlTextReaderDepth(rd);
        const char *name = (const char *)xmlTextReaderConstLocalName(rd);
        if (!name)
            name = "";
        if (kind == K_NONE) {
            kind = strcmp(name, "rss") == 0    ? K_RSS
                   : strcmp(name, "RDF") == 0  ? K_RDF
                   : strcmp(name, "feed") == 0 ? K_ATOM
                                               : K_NONE;
            if (kind == K_NONE) {
                st = jkb_ingest_fail(err, JKB_EFORMAT, 0,
                                     "not an RSS or Atom feed (the root element is <%.60s>)", name);
                goto out;
            }
            r = xmlTextReaderRead(rd);
            continue;
        }
        if (depth == 1)
            in_channel = kind != K_ATOM && strcmp(name, "channel") == 0;
        bool is_item = kind == K_ATOM ? depth == 1 && strcmp(name, "entry") == 0
                                      : depth <= 2 && strcmp(name, "item") == 0;
        bool is_title = !out->title && strcmp(name, "title") == 0 &&
                        (kind == K_ATOM ? depth == 1 : depth == 2 && in_channel);
        if (!is_item && !is_title) {
            r = xmlTextReaderRead(rd);
            continue;
        }
        if (is_item && out->n == max_items) {
            out->truncated = 1;
            break;
        }
        xmlNode *node = xmlTextReaderExpand(rd);
        if (!node) {
            r = -1; /* an error inside the subtree: xe has it */
            break;
        }
        if (is_title) {
            bool oom = false;
            out->title = line_of(node, NULL, &oom);
            if (oom) {
                st = jkb_ingest_fail(err, JKB_ENOMEM, 0, "out of memory");
                goto out;
            }
        } else {
            st = add_item(out, &cap, node, kind == K_ATOM, &total, err);
            if (st != JKB_OK)
                goto out;
        }
        /* Past the subtree, which the reader then frees; this may land on
         * the next item's start tag, so no Read before looking at it. */
        r = xmlTextReaderNext(rd);
    }
    if (xe.fatal || r == -1) {
        /* The reader counts bytes of the decoded text: they are the
         * caller's only when decoding changed nothing (UTF-8, LF, no BOM). */
        long at = xmlTextReaderByteConsumed(rd);
        bool same = t.len == len && memcmp(t.text, bytes, len) == 0;
        st = jkb_ingest_fail(err, JKB_EFORMAT, same && at > 0 && (size_t)at <= len ? (size_t)at : 0,
                             "not a well-formed feed: %s (line %d)",
                             xe.seen ? xe.msg : "XML error", xe.line);
        goto out;
    }
    if (kind == K_NONE) {
        st = jkb_ingest_fail(err, JKB_EFORMAT, 0, "not an RSS or Atom feed (no root element)");
        goto out;
    }
out:
    if (rd)
        xmlFreeTextReader(rd);
    jkb_text_free(&t);
    if (st != JKB_OK)
        jkb_feed_free(out);
    return st;
}

void jkb_feed_free(jkb_feed *f)
{
    size_t i;
    if (!f)
        return;
    for (i = 0; i < f->n; i++)
        item_free(&f->items[i]);
    free(f->items);
    free(f->title);
    memset(f, 0, sizeof *f);
}
