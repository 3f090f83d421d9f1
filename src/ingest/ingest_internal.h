/*
 * Private to src/ingest: what decode.c, html.c, pdf.c and feed.c share.
 */
#ifndef JKB_INGEST_INTERNAL_H
#define JKB_INGEST_INTERNAL_H

#include <stddef.h>
#include "jikenbo/jikenbo.h"

#if defined(__GNUC__) || defined(__clang__)
#define JKB_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define JKB_PRINTF(f, a)
#endif

/* Fill *err (may be NULL) and return code. */
jkb_status jkb_ingest_fail(jkb_err *err, jkb_status code, size_t offset, const char *fmt, ...)
    JKB_PRINTF(4, 5);

/* Case-insensitive (ASCII only) prefix test: does p[0..n) start with lit? */
int jkb_ascii_prefix(const char *p, size_t n, const char *lit);

/* The charset declared by an HTML <meta charset=...> or <meta http-equiv=
 * "Content-Type" content="...; charset=..."> in the first bytes of p, as a
 * NUL-terminated token in buf (cap bytes). Returns 1 when found, else 0.
 * Works on the raw bytes, so only for ASCII-compatible encodings. */
int jkb_html_meta_charset(const char *p, size_t n, char *buf, size_t cap);

/* Text of the main content of an HTML document given as UTF-8 without NUL
 * bytes. On success *out is malloc'd, NUL-terminated, *out_len bytes. */
jkb_status jkb_html_extract(const char *utf8, size_t len, char **out, size_t *out_len, jkb_err *err);

/* ---- PDF (pdf.c) ---- */

/* The PDF text cap when the caller gives none: a notice is a few pages. */
#define JKB_PDF_TEXT_MAX ((size_t)64 * 1024 * 1024)

/* Text of every page of a PDF (poppler-glib), pages separated by a blank
 * line, lines broken mid-word by the layout joined again; at most max_text
 * bytes (else JKB_ETOOBIG) and 2,000 pages. JKB_EFORMAT: poppler cannot open
 * it ("not a readable PDF: ..."), or it has no text. On success *out is
 * malloc'd, NUL-terminated, valid UTF-8 ending in a line feed. */
jkb_status jkb_pdf_extract(const char *bytes, size_t len, size_t max_text, char **out,
                           size_t *out_len, jkb_err *err);

#endif
