/*
 * jikenbo extract: files (or stdin) → records as JSON, NDJSON, a table or
 * CSV. Each file is decoded (ingest), cut into notices, and the notices are
 * extracted in order; with --jobs N, blocks of notices are extracted by N
 * threads and written in order as they finish.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"
#include "jikenbo/ingest.h"

#define BLOCK_BYTES (1u << 20)
#define BLOCK_MAX_NOTICES 512

void help_extract(FILE *f)
{
    fprintf(f,
            "usage: jikenbo extract [options] FILE...\n"
            "\n"
            "Extract the incident record of every notice in each FILE (UTF-8, Shift_JIS, EUC-JP,\n"
            "ISO-2022-JP or UTF-16 text, or HTML; '-' reads stdin). A casebook file holding many\n"
            "notices gives one record per notice, in order.\n"
            "\n"
            "options:\n"
            "  -f, --format FMT   json (an array, the default), ndjson, table or csv\n"
            "      --lexicon FILE add the terms of a TSV lexicon (term, field, value, flags)\n"
            "      --single       read each file as one notice (no casebook segmentation)\n"
            "      --no-evidence  leave the evidence spans out of JSON output\n"
            "  -j, --jobs N       extract with N threads (default 1; 0 = one per core)\n"
            "      --max-size N   refuse inputs larger than N bytes (default 64M; K, M, G)\n"
            "  -h, --help         show this help\n"
            "\n"
            "Records go to stdout, messages to stderr. Exit status: 0 when every input was read,\n"
            "1 when any input failed (the others are still extracted), 2 on a usage error.\n");
}

typedef struct job {
    jkb_engine *eng;
    const char *text;
    size_t len;
    const char *file;
    cli_out *out;
    int flags;
    int64_t file_offset; /* where text starts in the file (a window of a big file) */
} job;

typedef struct sink {
    FILE *f;
    job *j;
    int first; /* no record written yet to f */
} sink;

static int write_file(const char *p, size_t n, void *ud) { return fwrite(p, 1, n, (FILE *)ud) != n; }

static int on_record(const jkb_record *r, const char *text, void *ud)
{
    sink *s = ud;
    job *j = s->j;
    jkb_source src = {j->file, NULL};
    switch (j->out->fmt) {
    case FMT_JSON:
        if (!s->first)
            fputs(",\n", s->f);
        jkb_record_write_json_at(r, text, -j->file_offset, &src, j->flags | JKB_JSON_PRETTY, write_file, s->f);
        break;
    case FMT_NDJSON:
        jkb_record_write_json_at(r, text, -j->file_offset, &src, j->flags, write_file, s->f);
        fputc('\n', s->f);
        break;
    case FMT_TABLE:
        cli_table_row(j->out, s->f, r);
        break;
    case FMT_CSV:
        cli_csv_row(s->f, r, j->file);
        break;
    }
    s->first = 0;
    return ferror(s->f) ? 1 : 0;
}

/* ---- parallel extraction of one document ---- */

typedef struct block {
    size_t first, n;      /* notices */
    char *buf;
    size_t buflen;
    int done, failed;
    jkb_err err;
} block;

typedef struct pool {
    job *j;
    size_t index_base;
    const jkb_span *spans;
    block *blocks;
    size_t nblocks, next, written;
    size_t window;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->next < p->nblocks && p->next >= p->written + p->window)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->next >= p->nblocks) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        block *b = &p->blocks[p->next++];
        pthread_mutex_unlock(&p->mu);
        FILE *f = open_memstream(&b->buf, &b->buflen);
        if (!f) {
            b->failed = 1;
            snprintf(b->err.msg, sizeof b->err.msg, "out of memory");
        } else {
            sink s = {f, p->j, 1};
            jkb_status rc = jkb_extract_spans(p->j->eng, p->j->text, p->j->len, p->spans + b->first, b->n,
                                              p->index_base + b->first, on_record, &s, &b->err);
            if (fclose(f) != 0 || rc)
                b->failed = 1;
        }
        pthread_mutex_lock(&p->mu);
        b->done = 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
}

static int extract_parallel(job *j, const jkb_span *spans, size_t n, size_t index_base, int jobs, int *first)
{
    int failed = 0;
    pool p;
    memset(&p, 0, sizeof p);
    p.j = j;
    p.index_base = index_base;
    p.spans = spans;
    p.window = (size_t)jobs * 4;
    /* blocks of about a megabyte of text */
    p.blocks = calloc(n ? n : 1, sizeof(block));
    if (!p.blocks) {
        cli_error("%s: out of memory", j->file);
        return 1;
    }
    for (size_t i = 0; i < n;) {
        size_t k = i, bytes = 0;
        while (k < n && bytes < BLOCK_BYTES && k - i < BLOCK_MAX_NOTICES) {
            bytes += spans[k].end - spans[k].start;
            k++;
        }
        p.blocks[p.nblocks].first = i;
        p.blocks[p.nblocks].n = k - i;
        p.nblocks++;
        i = k;
    }
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    pthread_t tid[64];
    int nt = 0;
    for (; nt < jobs && nt < 64; nt++)
        if (pthread_create(&tid[nt], NULL, worker, &p) != 0)
            break;
    if (nt == 0) {
        cli_error("%s: cannot start threads", j->file);
        failed = 1;
        goto out;
    }
    for (size_t i = 0; i < p.nblocks; i++) {
        pthread_mutex_lock(&p.mu);
        while (!p.blocks[i].done)
            pthread_cond_wait(&p.cv, &p.mu);
        pthread_mutex_unlock(&p.mu);
        block *b = &p.blocks[i];
        if (b->buflen) {
            if (j->out->fmt == FMT_JSON && !*first)
                fputs(",\n", stdout);
            fwrite(b->buf, 1, b->buflen, stdout);
            *first = 0;
        }
        free(b->buf);
        b->buf = NULL;
        if (b->failed && !failed) {
            cli_error("%s: %s", j->file, b->err.msg[0] ? b->err.msg : "extraction failed");
            failed = 1;
        }
        pthread_mutex_lock(&p.mu);
        p.written = i + 1;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.mu);
    }
    for (int t = 0; t < nt; t++)
        pthread_join(tid[t], NULL);
out:
    for (size_t i = 0; i < p.nblocks; i++)
        free(p.blocks[i].buf);
    free(p.blocks);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv);
    return failed;
}

#define WINDOW (16u << 20)

/* The start of the first casebook header line (【…#…】) at or after at, or
 * len: where a window of a big file may end without cutting a notice. */
static size_t next_header(const char *s, size_t len, size_t at)
{
    for (size_t i = at; i + 4 <= len;) {
        const char *nl = memchr(s + i, '\n', len - i);
        if (!nl)
            return len;
        i = (size_t)(nl - s) + 1; /* the start of the next line */
        if (len - i < 3 || memcmp(s + i, "【", 3) != 0)
            continue;
        size_t lim = i + 120 < len ? i + 120 : len;
        for (size_t k = i + 3; k + 3 <= lim; k++) {
            if (s[k] == '#')
                return i;
            if (memcmp(s + k, "】", 3) == 0)
                break;
        }
    }
    return len;
}

/* Valid UTF-8 text that needs no decoding: no BOM, no CR, no NUL, not HTML
 * (name NULL: a later part of a file, whose start was checked already). */
static int plain_utf8(const char *s, size_t n, const char *name)
{
    if (name) {
        if (n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF)
            return 0;
        size_t nl = strlen(name);
        if ((nl > 5 && strcmp(name + nl - 5, ".html") == 0) || (nl > 4 && strcmp(name + nl - 4, ".htm") == 0) ||
            (nl > 4 && strcmp(name + nl - 4, ".pdf") == 0))
            return 0;
        size_t k = 0;
        /* sniff for markup or a PDF at the start */
        while (k < n && k < 64 && (s[k] == ' ' || s[k] == '\n' || s[k] == '\t'))
            k++;
        if (k < n && (s[k] == '<' || s[k] == '%'))
            return 0;
    }
    size_t i = 0;
    while (i < n) {
        /* skip 8 ASCII bytes at a time */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            /* NUL or CR among them? */
            uint64_t z = w ^ 0x0d0d0d0d0d0d0d0dull;
            if (((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull) ||
                ((z - 0x0101010101010101ull) & ~z & 0x8080808080808080ull))
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (c == 0 || c == '\r')
                return 0;
            i++;
            continue;
        }
        /* Japanese text is mostly three-byte sequences: check one at a time
         * with a single load (E1..EC, EE, EF leads need no range check) */
        while (i + 4 <= n) {
            uint32_t w;
            memcpy(&w, s + i, 4);
            if ((w & 0xC0C0F0u) != 0x8080E0u)
                break;
            unsigned char l = (unsigned char)w;
            if (l == 0xE0 || l == 0xED)
                break;
            i += 3;
        }
        if (i >= n)
            break;
        c = (unsigned char)s[i];
        if (c < 0x80)
            continue;
        size_t k;
        if (c >= 0xC2 && c <= 0xDF)
            k = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            k = 3;
        else if (c >= 0xF0 && c <= 0xF4)
            k = 4;
        else
            return 0;
        if (i + k > n)
            return 0;
        for (size_t q = 1; q < k; q++)
            if (((unsigned char)s[i + q] & 0xC0) != 0x80)
                return 0;
        if (k == 3) {
            unsigned char c1 = (unsigned char)s[i + 1];
            if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0))
                return 0;
        } else if (k == 4) {
            unsigned char c1 = (unsigned char)s[i + 1];
            if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90))
                return 0;
        }
        i += k;
    }
    return 1;
}

/* Extract the notices of buf[0, n) (a whole file or a window of one). */
static int extract_text(job *j, size_t index_base, size_t *count, int jobs, int *first)
{
    jkb_span *spans = NULL;
    size_t n = 0;
    int failed = 0;
    jkb_err err;
    memset(&err, 0, sizeof err);
    if (jkb_notices(j->text, j->len, &spans, &n, &err) != JKB_OK) {
        cli_error("%s: %s", j->file, err.msg);
        return 1;
    }
    if (jobs > 1 && n > 1) {
        failed = extract_parallel(j, spans, n, index_base, jobs, first);
    } else if (n) {
        sink s = {stdout, j, *first};
        jkb_status rc = jkb_extract_spans(j->eng, j->text, j->len, spans, n, index_base, on_record, &s, &err);
        *first = s.first;
        if (rc) {
            cli_error("%s: %s", j->file, rc == JKB_ESTOP ? "writing the output failed" : err.msg);
            failed = 1;
        }
    }
    free(spans);
    *count = n;
    return failed;
}

/* A big UTF-8 file is read a window at a time, each window cut at a
 * casebook header, so memory stays flat however large the casebook.
 * *handled is 0 when the file is small or needs decoding: the caller reads
 * it whole. */
static int extract_stream(jkb_engine *eng, const char *path, size_t max, cli_out *out, int flags, int jobs, int *first,
                          int *handled)
{
    *handled = 0;
    if (out->single || strcmp(path, "-") == 0)
        return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0; /* the whole-file path reports it */
    struct stat st;
    int failed = 0;
    char *buf = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size <= 2 * (uint64_t)WINDOW ||
        (uint64_t)st.st_size > max)
        goto out;
    size_t cap = 2 * (size_t)WINDOW + 65536, filled = 0;
    buf = malloc(cap + 1);
    if (!buf)
        goto out;
    int eof = 0;
    int64_t off = 0;
    size_t index_base = 0;
    for (;;) {
        while (!eof && filled < cap) {
            ssize_t r = read(fd, buf + filled, cap - filled);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0) {
                cli_error("%s: %s", path, strerror(errno));
                failed = 1;
                *handled = 1;
                goto out;
            }
            if (r == 0)
                eof = 1;
            filled += (size_t)r;
        }
        if (off == 0 && !*handled) {
            /* the start decides: BOM, markup, encoding */
            size_t chk = filled;
            while (chk > 0 && chk < filled + 1 && ((unsigned char)buf[chk - 1] & 0xC0) == 0x80)
                chk--;
            if (chk > 0 && ((unsigned char)buf[chk - 1] & 0x80))
                chk--;
            if (!plain_utf8(buf, chk, path))
                goto out;
            *handled = 1;
        }
        size_t cut = eof ? filled : next_header(buf, filled, WINDOW);
        if (cut == 0)
            cut = filled; /* a notice bigger than the buffer: take it all */
        job j = {eng, buf, cut, path, out, flags, off};
        size_t n = 0;
        if (extract_text(&j, index_base, &n, jobs, first))
            failed = 1;
        index_base += n;
        off += (int64_t)cut;
        memmove(buf, buf + cut, filled - cut);
        filled -= cut;
        if (eof && filled == 0)
            break;
        if (failed)
            break;
    }
out:
    free(buf);
    close(fd);
    return failed;
}

static int extract_file(jkb_engine *eng, const char *path, size_t max, cli_out *out, int flags, int jobs, int *first)
{
    int handled = 0;
    int sfail = extract_stream(eng, path, max, out, flags, jobs, first, &handled);
    if (handled)
        return sfail;
    cli_input in;
    char why[256];
    const char *name = strcmp(path, "-") == 0 ? "(stdin)" : path;
    if (cli_read(path, max, &in, why, sizeof why) != 0) {
        cli_error("%s: %s", name, why);
        return 1;
    }
    int failed = 0;
    jkb_text t;
    memset(&t, 0, sizeof t);
    const char *text = in.data;
    size_t len = in.len;
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_span *spans = NULL;
    size_t n = 0;
    if (len && !plain_utf8(in.data, in.len, name)) {
        jkb_status rc = jkb_text_decode(in.data, in.len, name, NULL, JKB_FMT_AUTO, &t, &err);
        if (rc) {
            cli_error("%s: %s", name, err.msg[0] ? err.msg : jkb_status_str(rc));
            failed = 1;
            goto out;
        }
        text = t.text;
        len = t.len;
    }
    job j = {eng, text, len, strcmp(path, "-") == 0 ? "-" : path, out, flags, 0};
    if (out->single) {
        spans = malloc(sizeof *spans);
        if (!spans) {
            cli_error("%s: out of memory", name);
            failed = 1;
            goto out;
        }
        spans[0].start = 0;
        spans[0].end = (uint32_t)len;
        n = len ? 1 : 0;
        if (n && jobs <= 1) {
            sink s = {stdout, &j, *first};
            jkb_status rc = jkb_extract_spans(eng, text, len, spans, n, 0, on_record, &s, &err);
            *first = s.first;
            if (rc) {
                cli_error("%s: %s", name, rc == JKB_ESTOP ? "writing the output failed" : err.msg);
                failed = 1;
            }
        } else if (n) {
            failed = extract_parallel(&j, spans, n, 0, jobs, first);
        }
    } else {
        failed = extract_text(&j, 0, &n, jobs, first);
    }
    if (n == 0 && !failed)
        cli_error("%s: no notice text found (empty or blank input)", name);
out:
    free(spans);
    jkb_text_free(&t);
    cli_input_free(&in);
    return failed;
}

void help_text(FILE *f)
{
    fprintf(f, "usage: jikenbo text [--max-size N] FILE...\n"
               "\n"
               "Print the document text of each FILE: the decoded UTF-8 text (the main content\n"
               "of an HTML page) that every evidence offset points into.\n"
               "\n"
               "options:\n"
               "      --max-size N   refuse inputs larger than N bytes (default 64M)\n"
               "  -h, --help         show this help\n");
}

int cmd_text(int argc, char **argv)
{
    size_t max = 64u << 20;
    int rc = CLI_OK, nfiles = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            help_text(stdout);
            return CLI_OK;
        }
        if (strcmp(argv[i], "--max-size") == 0) {
            if (i + 1 >= argc || cli_parse_size(argv[i + 1], &max) != 0 || max == 0) {
                cli_error("--max-size takes a size such as 64M");
                return CLI_USAGE;
            }
            i++;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1]) {
            cli_error("unknown option '%s' (see 'jikenbo text --help')", argv[i]);
            return CLI_USAGE;
        }
        nfiles++;
    }
    if (!nfiles) {
        cli_error("no input: give files, or - for stdin (see 'jikenbo text --help')");
        return CLI_USAGE;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--max-size") == 0) {
            i++;
            continue;
        }
        const char *path = argv[i];
        const char *name = strcmp(path, "-") == 0 ? "(stdin)" : path;
        cli_input in;
        char why[256];
        if (cli_read(path, max, &in, why, sizeof why) != 0) {
            cli_error("%s: %s", name, why);
            rc = CLI_FAILED;
            continue;
        }
        if (in.len && !plain_utf8(in.data, in.len, name)) {
            jkb_text t;
            jkb_err err;
            memset(&err, 0, sizeof err);
            if (jkb_text_decode(in.data, in.len, name, NULL, JKB_FMT_AUTO, &t, &err) != JKB_OK) {
                cli_error("%s: %s", name, err.msg);
                rc = CLI_FAILED;
            } else {
                fwrite(t.text, 1, t.len, stdout);
                jkb_text_free(&t);
            }
        } else if (in.len) {
            fwrite(in.data, 1, in.len, stdout);
        }
        cli_input_free(&in);
    }
    return rc;
}

static int load_lexicon(jkb_engine *eng, const char *path)
{
    cli_input in;
    char why[256];
    if (cli_read(path, 64u << 20, &in, why, sizeof why) != 0) {
        cli_error("%s: %s", path, why);
        return -1;
    }
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_status rc = jkb_engine_add_lexicon(eng, in.data ? in.data : "", in.len, path, &err);
    cli_input_free(&in);
    if (rc) {
        cli_error("%s", err.msg[0] ? err.msg : jkb_status_str(rc));
        return -1;
    }
    return 0;
}

int cmd_extract(int argc, char **argv)
{
    cli_out out = {FMT_JSON, 0, 0, 1, 0};
    size_t max = 64u << 20;
    int flags = 0, jobs = 1, single = 0;
    int rc = CLI_OK;
    jkb_engine *eng = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    const char **lexicons = calloc((size_t)argc + 1, sizeof *lexicons);
    int nfiles = 0, nlex = 0;
    if (!files || !lexicons) {
        cli_error("out of memory");
        rc = CLI_FAILED;
        goto out;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
#define NEEDS_VALUE(opt)                                                                                                 \
    do {                                                                                                               \
        if (i + 1 >= argc) {                                                                                           \
            cli_error("%s needs a value (see 'jikenbo extract --help')", opt);                                         \
            rc = CLI_USAGE;                                                                                            \
            goto out;                                                                                                  \
        }                                                                                                              \
        val = argv[++i];                                                                                               \
    } while (0)
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            help_extract(stdout);
            goto out;
        } else if (strcmp(a, "-f") == 0 || strcmp(a, "--format") == 0 || strncmp(a, "--format=", 9) == 0) {
            if (a[1] == '-' && a[8] == '=')
                val = a + 9;
            else
                NEEDS_VALUE(a);
            if (cli_parse_format(val, &out.fmt) != 0) {
                cli_error("unknown format '%s' (json, ndjson, table or csv)", val);
                rc = CLI_USAGE;
                goto out;
            }
        } else if (strcmp(a, "--lexicon") == 0) {
            NEEDS_VALUE(a);
            lexicons[nlex++] = val;
        } else if (strcmp(a, "--single") == 0) {
            single = 1;
        } else if (strcmp(a, "--no-evidence") == 0) {
            flags |= JKB_JSON_NO_EVIDENCE;
        } else if (strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0) {
            NEEDS_VALUE(a);
            size_t v;
            if (cli_parse_size(val, &v) != 0 || v > 64) {
                cli_error("--jobs takes a number from 0 to 64, not '%s'", val);
                rc = CLI_USAGE;
                goto out;
            }
            jobs = v == 0 ? (int)sysconf(_SC_NPROCESSORS_ONLN) : (int)v;
            if (jobs < 1)
                jobs = 1;
        } else if (strcmp(a, "--max-size") == 0) {
            NEEDS_VALUE(a);
            if (cli_parse_size(val, &max) != 0 || max == 0) {
                cli_error("--max-size takes a size such as 64M, not '%s'", val);
                rc = CLI_USAGE;
                goto out;
            }
        } else if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++)
                files[nfiles++] = argv[i];
        } else if (a[0] == '-' && a[1]) {
            cli_error("unknown option '%s' (see 'jikenbo extract --help')", a);
            rc = CLI_USAGE;
            goto out;
        } else {
            files[nfiles++] = a;
        }
#undef NEEDS_VALUE
    }
    if (nfiles == 0) {
        cli_error("no input: give files, or - for stdin (see 'jikenbo extract --help')");
        rc = CLI_USAGE;
        goto out;
    }
    out.single = single;
    if (jkb_engine_new(&eng, &err) != JKB_OK) {
        cli_error("building the lexicon: %s", err.msg);
        rc = CLI_FAILED;
        goto out;
    }
    for (int k = 0; k < nlex; k++)
        if (load_lexicon(eng, lexicons[k]) != 0) {
            rc = CLI_USAGE;
            goto out;
        }
    if (jkb_engine_compile(eng, &err) != JKB_OK) {
        cli_error("compiling the lexicon: %s", err.msg);
        rc = CLI_FAILED;
        goto out;
    }
    out.color = out.fmt == FMT_TABLE && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    if (out.fmt == FMT_JSON)
        fputs("[\n", stdout);
    else if (out.fmt == FMT_TABLE)
        cli_table_header(&out, stdout);
    else if (out.fmt == FMT_CSV)
        cli_csv_header(stdout);
    int first = 1;
    for (int k = 0; k < nfiles; k++)
        if (extract_file(eng, files[k], max, &out, flags, jobs, &first) != 0)
            rc = CLI_FAILED;
    if (out.fmt == FMT_JSON)
        fputs(first ? "]\n" : "\n]\n", stdout);
out:
    jkb_engine_free(eng);
    free(files);
    free(lexicons);
    return rc;
}
