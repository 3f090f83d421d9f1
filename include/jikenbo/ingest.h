/*
 * jikenbo ingest: bytes (a file's content, an HTTP body) to document text.
 * Detects the encoding (BOM, uchardet) and converts it with iconv to UTF-8;
 * turns HTML into the text of its main content (libxml2); refuses what is
 * not text. No file I/O here either: the caller reads the bytes.
 */
#ifndef JIKENBO_INGEST_H
#define JIKENBO_INGEST_H

#include <stddef.h>
#include "jikenbo/jikenbo.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum jkb_format {
    JKB_FMT_AUTO = 0, /* decide from the bytes (and the name's extension, if given) */
    JKB_FMT_TEXT,
    JKB_FMT_HTML,
    JKB_FMT_PDF       /* text of every page (poppler-glib); pages separated by a blank line */
} jkb_format;

typedef struct jkb_text {
    char *text;          /* UTF-8, NUL-terminated, owned: free with jkb_text_free */
    size_t len;          /* bytes, without the NUL */
    char charset[32];    /* what the input was decoded from: "UTF-8", "SHIFT_JIS", ... */
    jkb_format format;   /* what it was read as */
} jkb_text;

/* Decode `len` bytes into UTF-8 document text. `name` (may be NULL) is a
 * file name or URL whose extension helps pick the format; `charset_hint`
 * (may be NULL) is e.g. an HTTP Content-Type charset. On failure *out is
 * zeroed and err says why: JKB_EFORMAT for binary data ("binary data (NUL
 * byte at offset 12)", "a ZIP archive, not a text notice"), JKB_EUTF8 when
 * no encoding fits, JKB_ETOOBIG for HTML that libxml2 gives up on (nesting
 * deeper than 256, a text run over 10 MB). A UTF-8 BOM is dropped; CRLF and
 * CR become LF; a character cut off by the end of the input becomes U+FFFD;
 * nothing else changes. See docs/ingest.md. */
jkb_status jkb_text_decode(const char *bytes, size_t len, const char *name, const char *charset_hint,
                           jkb_format fmt, jkb_text *out, jkb_err *err);
/* The same with a cap on the decoded text: over max_text bytes, JKB_ETOOBIG.
 * 0: no cap for text and HTML (their text follows the input's size), 64 MiB
 * for PDF, whose compressed streams can hold far more text than their bytes.
 * PDF (JKB_FMT_PDF, or JKB_FMT_AUTO with bytes starting "%PDF-" or a name
 * ending ".pdf"): charset "PDF"; a file poppler cannot open (damaged,
 * encrypted, not a PDF) is JKB_EFORMAT "not a readable PDF: <reason>", one
 * without text is JKB_EFORMAT, one over 2,000 pages JKB_ETOOBIG.
 * jkb_text_decode is this with max_text 0. */
jkb_status jkb_text_decode_capped(const char *bytes, size_t len, const char *name,
                                  const char *charset_hint, jkb_format fmt, size_t max_text,
                                  jkb_text *out, jkb_err *err);
void jkb_text_free(jkb_text *t);

/* ---- feeds (RSS 2.0, Atom; casebook blogs, organizations' news) ---- */

typedef struct jkb_feed_item {
    char *title;        /* may be NULL */
    char *link;         /* the entry's page (Atom rel=alternate, RSS link); may be NULL */
    char *published;    /* as the feed gives it (RFC 822 or ISO 8601); may be NULL */
    char *text;         /* the entry's content as document text (HTML turned into text) */
    size_t text_len;
} jkb_feed_item;

typedef struct jkb_feed {
    jkb_feed_item *items;
    size_t n;
    char *title;        /* the feed's own title; may be NULL */
    int truncated;      /* 1: the feed has more than max_items items; the rest was not read */
} jkb_feed;

/* Does this look like an RSS or Atom feed (a <rss>, <feed> or <rdf:RDF>
 * root within the first KiB, after a BOM, the XML declaration, comments,
 * processing instructions and a doctype)? 1 or 0. */
int jkb_feed_sniff(const char *bytes, size_t len);
/* Parse a feed (RSS 2.0, RSS 1.0, Atom; any encoding its XML declaration
 * names, Japanese ones decoded as jkb_text_decode does) into items, at most
 * max_items (0: 100,000; more sets truncated). An item's text is its
 * content (content:encoded or Atom content, else description or summary),
 * HTML turned into text as jkb_text_decode does, with the item's title as
 * first line and a blank line after it when the text does not start with
 * it. Entities other than XML's own are not expanded. JKB_EFORMAT when it
 * is not a feed or not well-formed XML ("not a well-formed feed: <libxml2's
 * reason> (line N)"), JKB_ETOOBIG when the items' text passes 64 MiB. On
 * failure *out is zeroed. */
jkb_status jkb_feed_parse(const char *bytes, size_t len, size_t max_items, jkb_feed *out, jkb_err *err);
void jkb_feed_free(jkb_feed *f);

/* ---- fetching (http and https only) ---- */

typedef struct jkb_fetch_opts {
    long timeout_ms;     /* whole transfer; 0: 30,000 */
    size_t max_bytes;    /* body cap; 0: 64 MiB; over it: JKB_ETOOBIG */
    int max_redirects;   /* 0: 5; -1: none */
    const char *user_agent; /* NULL: "jikenbo/VERSION" */
} jkb_fetch_opts;

typedef struct jkb_fetched {
    char *body;          /* owned */
    size_t len;
    long status;         /* HTTP status */
    char content_type[128];
    char charset[48];    /* from Content-Type, or "" */
    char final_url[2048];/* after redirects: the source to keep */
} jkb_fetched;

/* Fetch url. Refuses schemes other than http(s) (JKB_EINVAL "only http and
 * https URLs are fetched", before any network access; redirects to another
 * scheme are not followed either), caps the size (JKB_ETOOBIG "larger than N
 * bytes", counted after Content-Encoding), the time and the redirects
 * (JKB_EIO), and fails on HTTP statuses >= 400 (JKB_EIO "HTTP 404 from
 * <url>"). The body is NUL-terminated (not counted in len). On failure *out
 * is zeroed. Thread-safe: libcurl's process-wide curl_global_init runs once,
 * on the first call of any thread (pthread_once); no init call is needed and
 * it is never undone. See docs/ingest.md. */
jkb_status jkb_fetch(const char *url, const jkb_fetch_opts *opts, jkb_fetched *out, jkb_err *err);
void jkb_fetched_free(jkb_fetched *f);

#ifdef __cplusplus
}
#endif
#endif
