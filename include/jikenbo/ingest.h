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
    JKB_FMT_PDF       /* reserved: the casebook issue adds it */
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
void jkb_text_free(jkb_text *t);

#ifdef __cplusplus
}
#endif
#endif
