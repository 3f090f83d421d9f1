/*
 * The casebook commands: ingest (files, folders, stdin, URLs, feeds → the
 * store, extraction on a worker thread while the main thread writes),
 * search, show (a record with its evidence marked in the notice text and
 * its incident chain), stats, export and reindex.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>

#include "cli.h"
#include "jikenbo/export.h"
#include "jikenbo/ingest.h"
#include "jikenbo/store.h"

#define BATCH_NOTICES 1000   /* notices per transaction */
#define CHUNK_ITEMS 64       /* notices per queue message */
#define QUEUE_CAP 32         /* messages in flight: bounds the memory */
#define SPANS_PER_CALL 256   /* notices per jkb_extract_spans call */
#define FEED_MAX_ITEMS 100000 /* items read from one feed (jkb_feed_parse's default) */

/* ================================================================ common */

static const char *default_db(void)
{
    const char *e = getenv("JIKENBO_DB");
    return e && *e ? e : "jikenbo.db";
}

/* create: ingest makes the casebook; every other command reads one. */
static int open_store(const char *db, jkb_store **s, int create)
{
    jkb_err err;
    memset(&err, 0, sizeof err);
    if (!create && !cli_casebook_exists(db))
        return -1;
    if (jkb_store_open(db, s, &err) != JKB_OK) {
        cli_error("%s", err.msg[0] ? err.msg : "cannot open the casebook");
        return -1;
    }
    return 0;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A decimal number (no sign) under a cap. */
static int parse_count(const char *s, size_t *out)
{
    size_t v = 0;
    if (!s || !*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (SIZE_MAX - 9) / 10)
            return -1;
        v = v * 10 + (size_t)(*s - '0');
    }
    *out = v;
    return 0;
}

/* 2023, 2023-01 or 2023-01-15 */
static int parse_when(const char *s, jkb_date *d)
{
    int v[3] = {0, 0, 0}, k = 0, digits = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '-' && digits && k < 2) {
            k++;
            digits = 0;
            continue;
        }
        if (*p < '0' || *p > '9' || ++digits > 4)
            return -1;
        v[k] = v[k] * 10 + (*p - '0');
    }
    if (!digits || v[0] < 1000 || v[0] > 9998 || (k >= 1 && (v[1] < 1 || v[1] > 12)) ||
        (k == 2 && (v[2] < 1 || v[2] > 31)))
        return -1;
    d->y = (int16_t)v[0];
    d->m = (int8_t)v[1];
    d->d = (int8_t)v[2];
    return 0;
}

static const char *key_list(const char *(*fn)(int), char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = 0;
    for (int i = 0; fn(i) && n + 2 < cap; i++) {
        int k = snprintf(buf + n, cap - n, "%s%s", i ? ", " : "", fn(i));
        if (k < 0 || (size_t)k >= cap - n)
            break;
        n += (size_t)k;
    }
    return buf;
}

/* The filter options shared by search, stats and export. Returns 1 when
 * argv[*i] was one (and consumed its value), 0 when not, -1 on error. */
static int filter_opt(int argc, char **argv, int *i, jkb_query *q, const char *cmd)
{
    static const struct {
        const char *opt;
        const char *(*keys)(int);
        size_t off;
    } enums[] = {
        {"--category", jkb_category_key, offsetof(jkb_query, category)},
        {"--org-kind", jkb_org_kind_key, offsetof(jkb_query, org_kind)},
        {"--data-class", jkb_data_class_key, offsetof(jkb_query, data_class)},
        {"--authority", jkb_authority_key, offsetof(jkb_query, authority)},
    };
    const char *a = argv[*i];
    int which = -1;
    for (size_t k = 0; k < sizeof enums / sizeof enums[0]; k++)
        if (strcmp(a, enums[k].opt) == 0)
            which = (int)k;
    int is_date = strcmp(a, "--since") == 0 || strcmp(a, "--until") == 0;
    if (which < 0 && !is_date && strcmp(a, "--actor") != 0)
        return 0;
    if (*i + 1 >= argc) {
        cli_error("%s needs a value (see 'jikenbo %s --help')", a, cmd);
        return -1;
    }
    const char *v = argv[++*i];
    if (which >= 0) {
        /* org-kind values are spelled local_gov; accept local-gov too */
        char key[64];
        size_t n = strlen(v);
        if (n >= sizeof key)
            n = sizeof key - 1;
        for (size_t k = 0; k < n; k++)
            key[k] = v[k] == '-' ? '_' : v[k];
        key[n] = 0;
        int e = jkb_key_lookup(enums[which].keys, key, n);
        if (e < 0) {
            char list[512];
            cli_error("unknown value '%s' for %s (one of: %s)", v, a, key_list(enums[which].keys, list, sizeof list));
            return -1;
        }
        *(int *)((char *)q + enums[which].off) = e;
        return 1;
    }
    if (is_date) {
        jkb_date d;
        if (parse_when(v, &d) != 0) {
            cli_error("%s takes a date such as 2023, 2023-01 or 2023-01-15, not '%s'", a, v);
            return -1;
        }
        if (a[2] == 's')
            q->since = d;
        else
            q->until = d;
        return 1;
    }
    if (!*v) {
        cli_error("--actor needs a name");
        return -1;
    }
    q->actor = v;
    return 1;
}

static void json_str(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            fputc('\\', f);
            fputc(*p, f);
        } else if (*p < 0x20) {
            fprintf(f, "\\u%04x", *p);
        } else {
            fputc(*p, f);
        }
    }
    fputc('"', f);
}

static void csv_str(FILE *f, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, "\",\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void set_keys(FILE *f, uint32_t mask, const char *(*fn)(int), const char *sep)
{
    int first = 1;
    for (int i = 0; fn(i); i++)
        if (mask & (1u << i)) {
            fprintf(f, "%s%s", first ? "" : sep, fn(i));
            first = 0;
        }
}

static void date_str(char out[11], jkb_date d)
{
    if (!d.y || d.y < 0 || d.m < 0 || d.d < 0) {
        memcpy(out, "-", 2);
        return;
    }
    const int v[3] = {d.y, d.m, d.d};
    char *p = out;
    for (int k = 0; k < 3; k++) {
        if (k)
            *p++ = '-';
        if (k == 0) {
            *p++ = (char)('0' + v[0] / 1000 % 10);
            *p++ = (char)('0' + v[0] / 100 % 10);
        }
        *p++ = (char)('0' + v[k] / 10 % 10);
        *p++ = (char)('0' + v[k] % 10);
    }
    *p = 0;
}

/* Print s in `width` terminal columns, cut with … when longer. */
static void cell(FILE *f, const char *s, int width)
{
    if (!s)
        s = "-";
    size_t n = strlen(s), i = 0;
    int used = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {
            i++;
            continue;
        }
        int w = cp < 0x20 ? 1 : utf8proc_charwidth(cp);
        if (w < 0)
            w = 0;
        if (used + w > width - 1 && i + (size_t)k < n) {
            fputs("…", f);
            used++;
            break;
        }
        if (cp < 0x20)
            fputc(' ', f);
        else
            fwrite(s + i, 1, (size_t)k, f);
        used += w;
        i += (size_t)k;
    }
    for (; used < width; used++)
        fputc(' ', f);
}

/* ---- rows out ---- */

typedef struct rows_out {
    cli_format fmt;
    size_t n;
    int color;
    FILE *f;
    /* export: each row's reporting obligations ("assessment" in JSON, an
     * "obligations" column in CSV); NULL for search */
    jkb_store *s;
    jkb_engine *eng;
    const jkb_rules *rules;
} rows_out;

static int write_file(const char *p, size_t n, void *ud) { return fwrite(p, 1, n, (FILE *)ud) == n ? 0 : 1; }

/* The stored notice's assessment (NULL: none); a casebook error stops the rows. */
static int row_assessment(const rows_out *o, const jkb_notice_row *r, jkb_assessment **a)
{
    jkb_err err;
    memset(&err, 0, sizeof err);
    *a = NULL;
    jkb_status st = jkb_export_assess_stored(o->s, r->id, o->eng, o->rules, a, &err);
    if (st != JKB_OK && st != JKB_ENOTFOUND) {
        cli_error("notice %lld: %s", (long long)r->id, err.msg[0] ? err.msg : jkb_status_str(st));
        return 1;
    }
    return 0;
}

static void row_envelope(FILE *f, const jkb_notice_row *r, const jkb_assessment *a, int with_a)
{
    char pub[11];
    date_str(pub, r->published);
    fprintf(f, "{\"id\":%lld,\"incident_id\":%lld,\"case_id\":", (long long)r->id, (long long)r->incident_id);
    json_str(f, r->case_id);
    fputs(",\"published\":", f);
    json_str(f, r->published.y ? pub : NULL);
    fputs(",\"source\":", f);
    json_str(f, r->source);
    fprintf(f, ",\"index\":%zu,\"content_hash\":", r->index);
    json_str(f, r->content_hash);
    fputs(",\"engine_version\":", f);
    json_str(f, r->engine_version);
    fputs(",\"record\":", f);
    fputs(r->record_json ? r->record_json : "null", f);
    if (with_a) {
        fputs(",\"assessment\":", f);
        if (!a || jkb_assessment_write_json(a, 0, write_file, f) != JKB_OK)
            fputs("null", f);
    }
    fputc('}', f);
}

static void rows_begin(rows_out *o)
{
    if (o->fmt == FMT_JSON)
        fputs("[", o->f);
    else if (o->fmt == FMT_CSV)
        fputs(o->eng ? "id,incident_id,case_id,published,org,org_kind,title,categories,data_classes,authorities,"
                       "affected,source,index,obligations\r\n"
                     : "id,incident_id,case_id,published,org,org_kind,title,categories,data_classes,authorities,"
                       "affected,source,index\r\n",
              o->f);
    else if (o->fmt == FMT_TABLE) {
        if (o->color)
            fputs("\033[1m", o->f);
        cell(o->f, "id", 7);
        fputc(' ', o->f);
        cell(o->f, "case_id", 9);
        fputc(' ', o->f);
        cell(o->f, "published", 10);
        fputc(' ', o->f);
        cell(o->f, "org", 24);
        fputc(' ', o->f);
        cell(o->f, "categories", 28);
        fputc(' ', o->f);
        fputs("title", o->f);
        if (o->color)
            fputs("\033[0m", o->f);
        fputc('\n', o->f);
    }
}

static int row_out(const jkb_notice_row *r, void *ud)
{
    rows_out *o = ud;
    FILE *f = o->f;
    char buf[512];
    jkb_assessment *a = NULL;
    if (o->eng && o->fmt != FMT_TABLE && row_assessment(o, r, &a))
        return 1;
    switch (o->fmt) {
    case FMT_JSON:
        fputs(o->n ? ",\n" : "\n", f);
        row_envelope(f, r, a, o->eng != NULL);
        break;
    case FMT_NDJSON:
        row_envelope(f, r, a, o->eng != NULL);
        fputc('\n', f);
        break;
    case FMT_CSV: {
        char pub[11];
        date_str(pub, r->published);
        fprintf(f, "%lld,%lld,", (long long)r->id, (long long)r->incident_id);
        csv_str(f, r->case_id);
        fprintf(f, ",%s,", r->published.y ? pub : "");
        csv_str(f, r->org);
        fprintf(f, ",%s,", jkb_org_kind_key(r->org_kind) ? jkb_org_kind_key(r->org_kind) : "");
        csv_str(f, r->title);
        fputc(',', f);
        fputc('"', f);
        set_keys(f, r->categories, jkb_category_key, ",");
        fputs("\",\"", f);
        set_keys(f, r->data_classes, jkb_data_class_key, ",");
        fputs("\",\"", f);
        set_keys(f, r->authorities, jkb_authority_key, ",");
        fputs("\",", f);
        if (r->has_affected)
            fprintf(f, "%lld", (long long)r->affected);
        fputc(',', f);
        csv_str(f, r->source);
        fprintf(f, ",%zu", r->index);
        if (o->eng) {
            char brief[2048];
            jkb_assessment_brief(a, brief, sizeof brief);
            fputc(',', f);
            csv_str(f, brief);
        }
        fputs("\r\n", f);
        break;
    }
    case FMT_TABLE: {
        snprintf(buf, sizeof buf, "%lld", (long long)r->id);
        cell(f, buf, 7);
        fputc(' ', f);
        cell(f, r->case_id, 9);
        fputc(' ', f);
        date_str(buf, r->published);
        cell(f, buf, 10);
        fputc(' ', f);
        cell(f, r->org, 24);
        fputc(' ', f);
        FILE *m = fmemopen(buf, sizeof buf - 1, "w");
        if (m) {
            set_keys(m, r->categories, jkb_category_key, ",");
            fputc(0, m);
            fclose(m);
            buf[sizeof buf - 1] = 0;
        } else {
            buf[0] = 0;
        }
        cell(f, buf[0] ? buf : "-", 28);
        fputc(' ', f);
        fputs(r->title ? r->title : "-", f);
        fputc('\n', f);
        break;
    }
    }
    jkb_assessment_free(a);
    o->n++;
    return ferror(f) ? 1 : 0;
}

static void rows_end(rows_out *o)
{
    if (o->fmt == FMT_JSON)
        fputs(o->n ? "\n]\n" : "]\n", o->f);
}

static int is_help(const char *a) { return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0; }

/* --db PATH, --db=PATH. Returns 1 when consumed. */
static int db_opt(int argc, char **argv, int *i, const char **db, int *rc)
{
    const char *a = argv[*i];
    if (strncmp(a, "--db=", 5) == 0) {
        *db = a + 5;
        return 1;
    }
    if (strcmp(a, "--db") != 0)
        return 0;
    if (*i + 1 >= argc) {
        cli_error("--db needs a path or URL");
        *rc = CLI_USAGE;
        return -1;
    }
    *db = argv[++*i];
    return 1;
}

static int format_opt(int argc, char **argv, int *i, cli_format *fmt, int *given, const char *cmd)
{
    const char *a = argv[*i];
    const char *v;
    if (strncmp(a, "--format=", 9) == 0)
        v = a + 9;
    else if (strcmp(a, "--format") == 0 || strcmp(a, "-f") == 0) {
        if (*i + 1 >= argc) {
            cli_error("%s needs a value (see 'jikenbo %s --help')", a, cmd);
            return -1;
        }
        v = argv[++*i];
    } else
        return 0;
    if (cli_parse_format(v, fmt) != 0) {
        cli_error("unknown format '%s' (table, json, ndjson or csv)", v);
        return -1;
    }
    *given = 1;
    return 1;
}

/* ================================================================ ingest */

void help_ingest(FILE *f)
{
    fprintf(f, "usage: jikenbo ingest [options] PATH...\n"
               "\n"
               "Read notices into the casebook: files (text, HTML, PDF), folders (recursively; hidden\n"
               "files, casebooks, exports, notes (.md), images and archives in them are passed\n"
               "over), '-' for stdin, http(s) URLs, and RSS/Atom feeds (a file or URL\n"
               "that is a feed: each item's http(s) link is fetched as a URL is, and the page is\n"
               "stored with the link as its source; when the fetch fails, a warning names the\n"
               "link and the reason and the item's own text is stored instead). Each notice is\n"
               "extracted and stored once: the same text again is 'unchanged', or 'updated' when its\n"
               "record changed. A file that cannot be read, is not text or is over the cap is\n"
               "reported and skipped.\n"
               "\n"
               "options:\n"
               "      --db PATH|URL  the casebook (default ./jikenbo.db, or $JIKENBO_DB)\n"
               "      --max-size N   skip inputs larger than N bytes (default 64M; K, M, G)\n"
               "      --lexicon FILE add the terms of a TSV lexicon\n"
               "      --no-fetch     store feed items' own text; fetch no item links\n"
               "  -q, --quiet        no progress bar\n"
               "  -h, --help         show this help\n"
               "\n"
               "A progress bar goes to stderr when it is a terminal; the last line on stderr is\n"
               "\"N stored, N unchanged, N updated, N skipped\". Exit status: 0 when every input went\n"
               "in, 1 when any was skipped or failed, 2 on a usage error.\n");
}

/* One input: a path, '-', or a URL; its size when known. */
typedef struct input {
    char *path;
    uint64_t size;
    int is_url;
} input;

typedef struct inputs {
    input *v;
    size_t n, cap;
    uint64_t bytes;
} inputs;

static int add_input(inputs *in, const char *path, uint64_t size, int is_url)
{
    if (in->n == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 64;
        input *v = realloc(in->v, cap * sizeof *v);
        if (!v)
            return -1;
        in->v = v;
        in->cap = cap;
    }
    in->v[in->n].path = strdup(path);
    if (!in->v[in->n].path)
        return -1;
    in->v[in->n].size = size;
    in->v[in->n].is_url = is_url;
    in->n++;
    in->bytes += size;
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The directories on the way down, so that a symlink loop is walked once. */
typedef struct visited {
    dev_t dev[64];
    ino_t ino[64];
    int n;
} visited;

/* Folders recursively, in name order, hidden entries skipped. */
/* A folder of downloaded notices also holds the casebook itself, notes,
 * exports, images and page assets. Those are passed over in a folder walk
 * (a file named on the command line is always read): reading them as notices
 * would store junk records or fail the run on files nobody meant to give. */
static int not_a_notice(const char *name)
{
    static const char *const skip[] = {".md", ".markdown", ".json", ".ndjson", ".csv", ".tsv", ".db", ".db-wal",
                                       ".db-shm", ".db-journal", ".sqlite", ".sqlite3", ".png", ".jpg", ".jpeg",
                                       ".gif", ".webp", ".svg", ".ico", ".css", ".js", ".zip", ".gz", ".xz",
                                       ".bz2", ".zst", ".tar", ".7z", ".exe", ".so", ".o", ".a"};
    const char *dot = strrchr(name, '.');
    if (!dot || strchr(dot, '/'))
        return 0;
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
        if (strcasecmp(dot, skip[i]) == 0)
            return 1;
    return 0;
}

static int walk(inputs *in, const char *dir, visited *vs, int *errors)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return 0;
    for (int k = 0; k < vs->n; k++)
        if (vs->dev[k] == st.st_dev && vs->ino[k] == st.st_ino) {
            cli_error("%s: skipped (a symbolic link back into a folder being read)", dir);
            return 0;
        }
    if (vs->n == 64) {
        cli_error("%s: skipped (folders nested deeper than 64)", dir);
        (*errors)++;
        return 0;
    }
    DIR *d = opendir(dir);
    if (!d) {
        cli_error("%s: %s", dir, strerror(errno));
        (*errors)++;
        return 0;
    }
    vs->dev[vs->n] = st.st_dev;
    vs->ino[vs->n] = st.st_ino;
    vs->n++;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nv = realloc(names, cap * sizeof *nv);
            if (!nv) {
                rc = -1;
                break;
            }
            names = nv;
        }
        size_t l = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = malloc(l);
        if (!names[n]) {
            rc = -1;
            break;
        }
        snprintf(names[n], l, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
        n++;
    }
    closedir(d);
    if (rc == 0)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (stat(names[i], &st) != 0) {
            cli_error("%s: %s", names[i], strerror(errno));
            (*errors)++;
            continue;
        }
        if (S_ISDIR(st.st_mode))
            rc = walk(in, names[i], vs, errors);
        else if (S_ISREG(st.st_mode) && !not_a_notice(names[i]))
            rc = add_input(in, names[i], (uint64_t)st.st_size, 0);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    vs->n--;
    return rc;
}

/* One notice ready to store: its own text, its record JSON and a copy of
 * the record fields the store derives columns from (the extractor's record
 * lives only during its callback; this crosses threads). */
typedef struct item {
    char *text;
    size_t len;
    char *json;
    size_t json_len;
    jkb_record rec;
    char *strs;        /* owns rec's strings and actor array */
    const char *source;
    size_t index;
    char hash[65];     /* jkb_store_hash of text, computed on the worker */
} item;

enum { MSG_ITEMS, MSG_SKIP, MSG_WARN, MSG_FILE_DONE, MSG_END };

typedef struct msg {
    int kind;
    item *items;
    size_t n;
    char *text;        /* MSG_SKIP: the reason; MSG_WARN: the warning */
    uint64_t bytes;    /* MSG_FILE_DONE */
} msg;

typedef struct ingest {
    jkb_engine *eng;
    inputs *in;
    size_t max;
    int no_fetch;      /* feed items keep their own text: no network */
    char **sources;    /* feed item links and URLs, kept until the end */
    size_t nsources, capsources;
    pthread_mutex_t mu;
    pthread_cond_t not_full, not_empty;
    msg q[QUEUE_CAP];
    size_t head, count;
    int stop;          /* the main thread gave up */
    /* worker-side building chunk */
    item *chunk;
    size_t nchunk;
} ingest;

static void item_free(item *it)
{
    free(it->text);
    free(it->json);
    free(it->strs);
}

static void msg_free(msg *m)
{
    for (size_t i = 0; i < m->n; i++)
        item_free(&m->items[i]);
    free(m->items);
    free(m->text);
}

static int push(ingest *g, msg m)
{
    pthread_mutex_lock(&g->mu);
    /* after a failure the main thread drains the queue until MSG_END: the end
     * must still get through, or it waits for ever */
    while (g->count == QUEUE_CAP && (!g->stop || m.kind == MSG_END))
        pthread_cond_wait(&g->not_full, &g->mu);
    if (g->stop && m.kind != MSG_END) {
        pthread_mutex_unlock(&g->mu);
        msg_free(&m);
        return -1;
    }
    g->q[(g->head + g->count) % QUEUE_CAP] = m;
    g->count++;
    pthread_cond_signal(&g->not_empty);
    pthread_mutex_unlock(&g->mu);
    return 0;
}

static msg pop(ingest *g)
{
    pthread_mutex_lock(&g->mu);
    while (g->count == 0)
        pthread_cond_wait(&g->not_empty, &g->mu);
    msg m = g->q[g->head];
    g->head = (g->head + 1) % QUEUE_CAP;
    g->count--;
    pthread_cond_signal(&g->not_full);
    pthread_mutex_unlock(&g->mu);
    return m;
}

static int flush_chunk(ingest *g)
{
    if (!g->nchunk)
        return 0;
    msg m = {MSG_ITEMS, g->chunk, g->nchunk, NULL, 0};
    g->chunk = NULL;
    g->nchunk = 0;
    return push(g, m);
}

static void skip(ingest *g, const char *name, const char *why)
{
    if (flush_chunk(g) != 0)
        return;
    size_t l = strlen(name) + strlen(why) + 4;
    char *t = malloc(l);
    if (t)
        snprintf(t, l, "%s: %s", name, why);
    msg m = {MSG_SKIP, NULL, 0, t, 0};
    push(g, m);
}

/* A warning for the main thread to print (it owns stderr's progress bar). */
static void warn(ingest *g, const char *name, const char *what)
{
    if (flush_chunk(g) != 0)
        return;
    size_t l = strlen(name) + strlen(what) + 4;
    char *t = malloc(l);
    if (!t)
        return;
    snprintf(t, l, "%s: %s", name, what);
    msg m = {MSG_WARN, NULL, 0, t, 0};
    push(g, m);
}

static const char *keep_source(ingest *g, const char *s)
{
    if (g->nsources == g->capsources) {
        size_t cap = g->capsources ? g->capsources * 2 : 64;
        char **v = realloc(g->sources, cap * sizeof *v);
        if (!v)
            return NULL;
        g->sources = v;
        g->capsources = cap;
    }
    char *c = strdup(s);
    if (!c)
        return NULL;
    g->sources[g->nsources++] = c;
    return c;
}

/* Copy the fields of r that the store derives columns from. */
static int copy_record(item *it, const jkb_record *r)
{
    size_t need = r->case_id.len + r->title.len + r->org.len + 3 + r->n_actors * sizeof(jkb_strv);
    for (size_t i = 0; i < r->n_actors; i++)
        need += r->actors[i].len + 1;
    it->strs = malloc(need + sizeof(jkb_strv));
    if (!it->strs)
        return -1;
    it->rec = *r;
    jkb_strv *actors = (jkb_strv *)(void *)it->strs;
    char *p = it->strs + r->n_actors * sizeof(jkb_strv);
    const jkb_strv *src[3] = {&r->case_id, &r->title, &r->org};
    jkb_strv *dst[3] = {&it->rec.case_id, &it->rec.title, &it->rec.org};
    for (int k = 0; k < 3; k++) {
        if (!src[k]->s) {
            dst[k]->s = NULL;
            dst[k]->len = 0;
            continue;
        }
        memcpy(p, src[k]->s, src[k]->len);
        p[src[k]->len] = 0;
        dst[k]->s = p;
        dst[k]->len = src[k]->len;
        p += src[k]->len + 1;
    }
    for (size_t i = 0; i < r->n_actors; i++) {
        memcpy(p, r->actors[i].s, r->actors[i].len);
        p[r->actors[i].len] = 0;
        actors[i].s = p;
        actors[i].len = r->actors[i].len;
        p += r->actors[i].len + 1;
    }
    it->rec.actors = r->n_actors ? actors : NULL;
    /* the store reads these from the JSON, not from here */
    it->rec.cves = it->rec.victims = NULL;
    it->rec.n_cves = it->rec.n_victims = 0;
    it->rec.timeline = NULL;
    it->rec.n_timeline = 0;
    it->rec.evidence = NULL;
    it->rec.n_evidence = 0;
    return 0;
}

typedef struct membuf {
    char *p;
    size_t len, cap;
} membuf;

static int mem_write(const char *p, size_t n, void *ud)
{
    membuf *m = ud;
    if (m->len + n + 1 > m->cap) {
        size_t cap = m->cap ? m->cap : 4096;
        while (cap < m->len + n + 1)
            cap *= 2;
        char *q = realloc(m->p, cap);
        if (!q)
            return 1;
        m->p = q;
        m->cap = cap;
    }
    memcpy(m->p + m->len, p, n);
    m->len += n;
    m->p[m->len] = 0;
    return 0;
}

typedef struct doc_ctx {
    ingest *g;
    const char *source;
    int is_url;
    int failed;
} doc_ctx;

/* The record JSON of r with offsets relative to its own text. */
static int record_json(const jkb_record *r, const char *text, size_t base, const char *source, int is_url,
                       membuf *m)
{
    jkb_source src = {is_url ? NULL : source, is_url ? source : NULL};
    m->len = 0;
    return jkb_record_write_json_at(r, text, base, &src, 0, mem_write, m) != JKB_OK ? -1 : 0;
}

static int on_notice(const jkb_record *r, const char *text, void *ud)
{
    doc_ctx *c = ud;
    ingest *g = c->g;
    if (!g->chunk) {
        g->chunk = calloc(CHUNK_ITEMS, sizeof *g->chunk);
        if (!g->chunk)
            return 1;
    }
    item *it = &g->chunk[g->nchunk];
    memset(it, 0, sizeof *it);
    size_t s = r->extent.start, e = r->extent.end;
    membuf m = {NULL, 0, 0};
    if (e <= s || record_json(r, text, s, c->source, c->is_url, &m) != 0 || copy_record(it, r) != 0) {
        free(m.p);
        item_free(it);
        return e <= s ? 0 : 1;
    }
    it->json = m.p;
    it->json_len = m.len;
    it->len = e - s;
    it->text = malloc(it->len + 1);
    if (!it->text) {
        item_free(it);
        return 1;
    }
    memcpy(it->text, text + s, it->len);
    it->text[it->len] = 0;
    jkb_store_hash(it->text, it->len, it->hash);
    it->source = c->source;
    it->index = r->index;
    /* the record keeps no pointer into the document */
    g->nchunk++;
    if (g->nchunk == CHUNK_ITEMS && flush_chunk(g) != 0)
        return 1;
    return 0;
}

/* Segment and extract one document's text. */
static int ingest_text(ingest *g, const char *text, size_t len, const char *name, const char *source, int is_url)
{
    jkb_span *spans = NULL;
    size_t n = 0;
    jkb_err err;
    memset(&err, 0, sizeof err);
    if (jkb_notices(text, len, &spans, &n, &err) != JKB_OK) {
        skip(g, name, err.msg[0] ? err.msg : "cannot be cut into notices");
        return 1;
    }
    if (n == 0) {
        free(spans);
        skip(g, name, "no notice text found (empty or blank)");
        return 1;
    }
    doc_ctx c = {g, source, is_url, 0};
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i += SPANS_PER_CALL) {
        size_t k = n - i < SPANS_PER_CALL ? n - i : SPANS_PER_CALL;
        jkb_status st = jkb_extract_spans(g->eng, text, len, spans + i, k, i, on_notice, &c, &err);
        if (st == JKB_ESTOP) {
            rc = -1; /* the queue was closed, or out of memory */
        } else if (st) {
            skip(g, name, err.msg[0] ? err.msg : jkb_status_str(st));
            rc = 1;
        }
    }
    free(spans);
    return rc;
}

static int is_url(const char *p) { return strncmp(p, "http://", 7) == 0 || strncmp(p, "https://", 8) == 0; }

/* Fetch url under the ingest's size cap: 0, or -1 with the reason in why. */
static int fetch_capped(const ingest *g, const char *url, jkb_fetched *f, char *why, size_t cap)
{
    jkb_fetch_opts fo;
    memset(&fo, 0, sizeof fo);
    fo.max_bytes = g->max;
    jkb_err err;
    memset(&err, 0, sizeof err);
    if (jkb_fetch(url, &fo, f, &err) == JKB_OK)
        return 0;
    snprintf(why, cap, "%s", err.msg[0] ? err.msg : "cannot be fetched");
    return -1;
}

/* A feed item's page, fetched and decoded as a URL given on the command
 * line is, stored with the link as its source. Returns 0 when the page was
 * read (its notices, or its skip, are queued), 1 when it could not be
 * fetched or decoded (why says why: the caller falls back to the item's own
 * text), -1 when the queue was closed. */
static int ingest_item_page(ingest *g, const char *link, char *why, size_t cap)
{
    jkb_fetched f;
    jkb_err err;
    memset(&err, 0, sizeof err);
    if (fetch_capped(g, link, &f, why, cap) != 0)
        return 1;
    jkb_text t;
    int rc;
    if (jkb_text_decode_capped(f.body, f.len, link, f.charset[0] ? f.charset : NULL, JKB_FMT_AUTO, g->max, &t,
                               &err) != JKB_OK) {
        snprintf(why, cap, "%s", err.msg[0] ? err.msg : "not a text notice");
        rc = 1;
    } else {
        rc = ingest_text(g, t.text, t.len, link, link, 1) < 0 ? -1 : 0;
        jkb_text_free(&t);
    }
    jkb_fetched_free(&f);
    return rc;
}

/* Bytes of one input (a feed, a document) into the queue. */
static void ingest_bytes(ingest *g, const char *bytes, size_t len, const char *name, const char *source, int url,
                         const char *charset)
{
    jkb_err err;
    memset(&err, 0, sizeof err);
    if (len && jkb_feed_sniff(bytes, len)) {
        jkb_feed feed;
        if (jkb_feed_parse(bytes, len, FEED_MAX_ITEMS, &feed, &err) != JKB_OK) {
            skip(g, name, err.msg[0] ? err.msg : "not a readable feed");
            return;
        }
        for (size_t i = 0; i < feed.n; i++) {
            const jkb_feed_item *it = &feed.items[i];
            char buf[64];
            const char *src = it->link;
            char *own = NULL;
            if (!src) {
                snprintf(buf, sizeof buf, "#%zu", i);
                size_t l = strlen(source) + strlen(buf) + 1;
                own = malloc(l);
                if (own)
                    snprintf(own, l, "%s%s", source, buf);
                src = own;
            }
            const char *kept = src ? keep_source(g, src) : NULL;
            free(own);
            if (!kept)
                continue;
            if (!g->no_fetch && it->link && is_url(kept)) {
                char why[256];
                int r = ingest_item_page(g, kept, why, sizeof why);
                if (r < 0)
                    break;
                if (r == 0)
                    continue;
                char what[400];
                snprintf(what, sizeof what, "%s; the feed item's own text is stored instead", why);
                warn(g, kept, what);
            }
            if (!it->text || !it->text_len)
                continue;
            if (ingest_text(g, it->text, it->text_len, kept, kept, is_url(kept)) < 0)
                break;
        }
        /* the items past the cap were never read: say so, as for any input
         * not taken in whole */
        if (feed.truncated) {
            char why[128];
            snprintf(why, sizeof why, "a feed of more than %zu items: the first %zu were read, the rest was not",
                     (size_t)FEED_MAX_ITEMS, (size_t)FEED_MAX_ITEMS);
            skip(g, name, why);
        }
        jkb_feed_free(&feed);
        return;
    }
    jkb_text t;
    if (jkb_text_decode_capped(bytes, len, name, charset, JKB_FMT_AUTO, g->max, &t, &err) != JKB_OK) {
        skip(g, name, err.msg[0] ? err.msg : "not a text notice");
        return;
    }
    ingest_text(g, t.text, t.len, name, source, url);
    jkb_text_free(&t);
}

static void ingest_one(ingest *g, const input *in)
{
    if (in->is_url) {
        jkb_fetched f;
        char why[256];
        if (fetch_capped(g, in->path, &f, why, sizeof why) != 0) {
            skip(g, in->path, why);
            return;
        }
        const char *src = keep_source(g, f.final_url[0] ? f.final_url : in->path);
        if (src)
            ingest_bytes(g, f.body, f.len, src, src, 1, f.charset[0] ? f.charset : NULL);
        jkb_fetched_free(&f);
        return;
    }
    cli_input ci;
    char why[256];
    const char *name = strcmp(in->path, "-") == 0 ? "(stdin)" : in->path;
    if (cli_read(in->path, g->max, &ci, why, sizeof why) != 0) {
        skip(g, name, why);
        return;
    }
    if (ci.len == 0)
        skip(g, name, "empty");
    else
        ingest_bytes(g, ci.data, ci.len, name, strcmp(in->path, "-") == 0 ? "-" : in->path, 0, NULL);
    cli_input_free(&ci);
}

static void *ingest_worker(void *arg)
{
    ingest *g = arg;
    for (size_t i = 0; i < g->in->n; i++) {
        ingest_one(g, &g->in->v[i]);
        if (flush_chunk(g) != 0)
            break;
        msg m = {MSG_FILE_DONE, NULL, 0, NULL, g->in->v[i].size};
        if (push(g, m) != 0)
            break;
    }
    free(g->chunk);
    g->chunk = NULL;
    msg end = {MSG_END, NULL, 0, NULL, 0};
    push(g, end);
    return NULL;
}

/* ---- progress (stderr, a terminal only) ---- */

typedef struct progress {
    int on;
    uint64_t start, last;
    size_t files, nfiles, notices;
    uint64_t bytes, total;
    uint64_t partial; /* notice text stored from the file being read: a
                       * large casebook file moves the bar before it ends */
} progress;

static void progress_draw(progress *p, int final)
{
    if (!p->on)
        return;
    uint64_t t = now_ns();
    if (!final && t - p->last < 100000000u)
        return;
    p->last = t;
    double secs = (double)(t - p->start) / 1e9;
    uint64_t done = p->bytes + p->partial;
    double mbs = secs > 0 ? (double)done / 1e6 / secs : 0;
    double frac = p->total ? (double)done / (double)p->total : (p->nfiles ? (double)p->files / (double)p->nfiles : 0);
    if (frac > 1)
        frac = 1;
    char bar[32];
    int w = 24, fill = (int)(frac * w);
    for (int i = 0; i < w; i++)
        bar[i] = i < fill ? '=' : i == fill ? '>' : ' ';
    bar[w] = 0;
    char eta[32] = "--:--";
    if (frac > 0.01 && mbs > 0) {
        long rem = (long)(secs / frac - secs);
        snprintf(eta, sizeof eta, "%ld:%02ld", rem / 60, rem % 60);
    }
    fprintf(stderr, "\r[%s] %zu/%zu files  %zu notices  %.1f MB/s  ETA %s \033[K", bar, p->files, p->nfiles,
            p->notices, mbs, eta);
    if (final)
        fputs("\r\033[K", stderr);
}

/* ---- the command ---- */

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

static int new_engine(const char **lexicons, int nlex, jkb_engine **eng)
{
    jkb_err err;
    memset(&err, 0, sizeof err);
    if (jkb_engine_new(eng, &err) != JKB_OK) {
        cli_error("building the lexicon: %s", err.msg);
        return CLI_FAILED;
    }
    for (int k = 0; k < nlex; k++)
        if (load_lexicon(*eng, lexicons[k]) != 0)
            return CLI_USAGE;
    if (jkb_engine_compile(*eng, &err) != JKB_OK) {
        cli_error("compiling the lexicon: %s", err.msg);
        return CLI_FAILED;
    }
    return CLI_OK;
}

int cmd_ingest(int argc, char **argv)
{
    const char *db = default_db();
    size_t max = 64u << 20;
    int rc = CLI_OK, quiet = 0, nlex = 0;
    const char **lexicons = calloc((size_t)argc + 1, sizeof *lexicons);
    inputs in = {NULL, 0, 0, 0};
    jkb_engine *eng = NULL;
    jkb_store *s = NULL;
    ingest g;
    memset(&g, 0, sizeof g);
    int started = 0, walk_errors = 0;
    size_t stored = 0, unchanged = 0, updated = 0, skipped = 0;
    char **paths = calloc((size_t)argc + 1, sizeof *paths);
    int npaths = 0;
    if (!lexicons || !paths) {
        cli_error("out of memory");
        rc = CLI_FAILED;
        goto out;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r;
        if (is_help(a)) {
            help_ingest(stdout);
            goto out;
        } else if ((r = db_opt(argc, argv, &i, &db, &rc)) != 0) {
            if (r < 0)
                goto out;
        } else if (strcmp(a, "--max-size") == 0) {
            if (i + 1 >= argc || cli_parse_size(argv[i + 1], &max) != 0 || max == 0) {
                cli_error("--max-size takes a size such as 64M");
                rc = CLI_USAGE;
                goto out;
            }
            i++;
        } else if (strcmp(a, "--lexicon") == 0) {
            if (i + 1 >= argc) {
                cli_error("--lexicon needs a file");
                rc = CLI_USAGE;
                goto out;
            }
            lexicons[nlex++] = argv[++i];
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = 1;
        } else if (strcmp(a, "--no-fetch") == 0) {
            g.no_fetch = 1;
        } else if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++)
                paths[npaths++] = argv[i];
        } else if (a[0] == '-' && a[1]) {
            cli_error("unknown option '%s' (see 'jikenbo ingest --help')", a);
            rc = CLI_USAGE;
            goto out;
        } else {
            paths[npaths++] = argv[i];
        }
    }
    if (!npaths) {
        cli_error("no input: give files, folders, URLs or - for stdin (see 'jikenbo ingest --help')");
        rc = CLI_USAGE;
        goto out;
    }
    for (int k = 0; k < npaths; k++) {
        const char *p = paths[k];
        struct stat st;
        int r = 0;
        if (is_url(p) || strcmp(p, "-") == 0) {
            r = add_input(&in, p, 0, is_url(p));
        } else if (stat(p, &st) != 0) {
            cli_error("%s: %s", p, strerror(errno));
            skipped++;
        } else if (S_ISDIR(st.st_mode)) {
            visited vs;
            vs.n = 0;
            r = walk(&in, p, &vs, &walk_errors);
        } else {
            r = add_input(&in, p, S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0, 0);
        }
        if (r != 0) {
            cli_error("out of memory");
            rc = CLI_FAILED;
            goto out;
        }
    }
    skipped += (size_t)walk_errors;
    if ((rc = new_engine(lexicons, nlex, &eng)) != CLI_OK)
        goto out;
    if (open_store(db, &s, 1) != 0) {
        rc = CLI_FAILED;
        goto out;
    }
    g.eng = eng;
    g.in = &in;
    g.max = max;
    pthread_mutex_init(&g.mu, NULL);
    pthread_cond_init(&g.not_full, NULL);
    pthread_cond_init(&g.not_empty, NULL);
    pthread_t tid;
    if (pthread_create(&tid, NULL, ingest_worker, &g) != 0) {
        cli_error("cannot start a thread");
        rc = CLI_FAILED;
        goto out;
    }
    started = 1;
    progress pr = {!quiet && isatty(STDERR_FILENO), now_ns(), 0, 0, in.n, 0, 0, in.bytes, 0};
    jkb_err err;
    memset(&err, 0, sizeof err);
    size_t in_batch = 0;
    /* this batch's outcomes count once it is committed: a batch rolled back
     * (a full disk) stored nothing, and the summary must not say otherwise */
    size_t b_stored = 0, b_unchanged = 0, b_updated = 0;
    int in_tx = 0, failed = 0;
    const char *ver = jkb_version();
    for (;;) {
        msg m = pop(&g);
        if (m.kind == MSG_END)
            break;
        if (m.kind == MSG_SKIP) {
            if (pr.on)
                fputs("\r\033[K", stderr);
            cli_error("%s (skipped)", m.text ? m.text : "an input was skipped");
            skipped++;
        } else if (m.kind == MSG_WARN) {
            if (pr.on)
                fputs("\r\033[K", stderr);
            cli_error("warning: %s", m.text ? m.text : "a feed item's page could not be fetched");
        } else if (m.kind == MSG_FILE_DONE) {
            pr.files++;
            pr.bytes += m.bytes;
            pr.partial = 0;
        } else if (!failed) {
            for (size_t i = 0; i < m.n && !failed; i++) {
                item *it = &m.items[i];
                if (!in_tx) {
                    if (jkb_store_begin(s, &err) != JKB_OK) {
                        failed = 1;
                        break;
                    }
                    in_tx = 1;
                }
                jkb_notice_in ni = {it->text, it->len, it->source, it->index, &it->rec, it->json, it->json_len, ver, it->hash};
                jkb_put_outcome o;
                int64_t id;
                if (jkb_store_put(s, &ni, &o, &id, &err) != JKB_OK) {
                    failed = 1;
                    break;
                }
                if (o == JKB_PUT_STORED)
                    b_stored++;
                else if (o == JKB_PUT_UPDATED)
                    b_updated++;
                else
                    b_unchanged++;
                pr.notices++;
                pr.partial += it->len;
                if (++in_batch >= BATCH_NOTICES) {
                    if (jkb_store_commit(s, &err) != JKB_OK) {
                        failed = 1;
                        in_tx = 0; /* a failed commit rolls back */
                        break;
                    }
                    stored += b_stored, unchanged += b_unchanged, updated += b_updated;
                    b_stored = b_unchanged = b_updated = 0;
                    in_tx = 0;
                    in_batch = 0;
                }
            }
            if (failed) {
                /* tell the worker to stop; keep draining to MSG_END */
                pthread_mutex_lock(&g.mu);
                g.stop = 1;
                pthread_cond_broadcast(&g.not_full);
                pthread_mutex_unlock(&g.mu);
            }
        }
        msg_free(&m);
        progress_draw(&pr, 0);
    }
    if (in_tx && !failed && jkb_store_commit(s, &err) != JKB_OK)
        failed = 1;
    else if (in_tx && failed)
        jkb_store_rollback(s, NULL);
    if (!failed)
        stored += b_stored, unchanged += b_unchanged, updated += b_updated;
    progress_draw(&pr, 1);
    if (failed) {
        /* what was committed before stays; the open batch is rolled back.
         * A URL may carry a password: only a path is named. */
        cli_error("%s%s: %s; the last batch of notices was not stored", strstr(db, "://") ? "" : "casebook ",
                  strstr(db, "://") ? "the casebook" : db, err.msg[0] ? err.msg : "storing failed");
        rc = CLI_FAILED;
    }
    if (skipped && rc == CLI_OK)
        rc = CLI_FAILED;
    fprintf(stderr, "%zu stored, %zu unchanged, %zu updated, %zu skipped\n", stored, unchanged, updated, skipped);
    int64_t n_claims = 0;
    /* linking reads the whole casebook, too much to do at every ingest */
    if ((stored || updated) && jkb_store_claims_count(s, &n_claims, NULL) == JKB_OK && n_claims > 0)
        fprintf(stderr, "the casebook holds %lld leak-site claims: 'jikenbo claims link' matches them to the new "
                        "notices\n", (long long)n_claims);
out:
    if (started) {
        /* the worker has pushed MSG_END and returned */
        pthread_join(tid, NULL);
        pthread_mutex_lock(&g.mu);
        while (g.count) {
            msg_free(&g.q[g.head]);
            g.head = (g.head + 1) % QUEUE_CAP;
            g.count--;
        }
        pthread_mutex_unlock(&g.mu);
        pthread_mutex_destroy(&g.mu);
        pthread_cond_destroy(&g.not_full);
        pthread_cond_destroy(&g.not_empty);
    }
    for (size_t i = 0; i < g.nsources; i++)
        free(g.sources[i]);
    free(g.sources);
    jkb_store_close(s);
    jkb_engine_free(eng);
    for (size_t i = 0; i < in.n; i++)
        free(in.v[i].path);
    free(in.v);
    free(lexicons);
    free(paths);
    return rc;
}

/* ================================================================ search */

void help_search(FILE *f)
{
    fprintf(f, "usage: jikenbo search [options] [QUERY]\n"
               "\n"
               "Find notices in the casebook, newest published first. QUERY is full text over titles\n"
               "and texts (any length; words separated by spaces must all occur; it is matched\n"
               "literally, quotes and operators included, but ASCII letters, digits and signs\n"
               "in either width: USB finds ＵＳＢ).\n"
               "\n"
               "options:\n"
               "      --db PATH|URL      the casebook (default ./jikenbo.db, or $JIKENBO_DB)\n"
               "      --category C       ransomware, unauthorized_access, misdelivery, …\n"
               "      --org-kind K       company, medical, local_gov, national_gov, education, …\n"
               "      --data-class D     name, address, password, credit_card, my_number, …\n"
               "      --actor A          a threat actor (case-insensitive), e.g. LockBit\n"
               "      --authority A      ppc, police, ministry, ipa, jpcert, foreign, local_gov\n"
               "      --since DATE       published on or after 2023, 2023-01 or 2023-01-15\n"
               "      --until DATE       published on or before (2023-12 means through December)\n"
               "  -f, --format FMT       table (default), json, ndjson or csv\n"
               "  -n, --limit N          at most N notices (default 20 for table, all otherwise; 0: all)\n"
               "      --offset N         skip the first N\n"
               "  -h, --help             show this help\n"
               "\n"
               "json, ndjson and csv give each notice's id, incident, case_id, source and record.\n"
               "Exit status: 0 (also when nothing matched), 1 on a casebook error, 2 on a usage\n"
               "error or a query that cannot be searched.\n");
}

/* Hidden: --bench FILE runs each line as a query (text TAB key=value …)
 * and prints latency percentiles; for bench/store.sh. */
static int search_bench(jkb_store *s, const char *path, int with_total);

int cmd_search(int argc, char **argv)
{
    const char *db = default_db();
    jkb_query q;
    jkb_query_init(&q);
    cli_format fmt = FMT_TABLE;
    int fmt_given = 0, limit_given = 0, rc = CLI_OK, bench_total = 0;
    size_t limit = 20, offset = 0;
    const char *text = NULL, *bench = NULL;
    jkb_store *s = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r;
        if (is_help(a)) {
            help_search(stdout);
            return CLI_OK;
        }
        if ((r = db_opt(argc, argv, &i, &db, &rc)) != 0) {
            if (r < 0)
                return rc;
            continue;
        }
        if ((r = filter_opt(argc, argv, &i, &q, "search")) != 0) {
            if (r < 0)
                return CLI_USAGE;
            continue;
        }
        if ((r = format_opt(argc, argv, &i, &fmt, &fmt_given, "search")) != 0) {
            if (r < 0)
                return CLI_USAGE;
            continue;
        }
        if (strcmp(a, "-n") == 0 || strcmp(a, "--limit") == 0 || strcmp(a, "--offset") == 0) {
            size_t v;
            if (i + 1 >= argc || parse_count(argv[i + 1], &v) != 0) {
                cli_error("%s takes a number", a);
                return CLI_USAGE;
            }
            i++;
            if (strcmp(a, "--offset") == 0)
                offset = v;
            else {
                limit = v;
                limit_given = 1;
            }
            continue;
        }
        if ((strcmp(a, "--bench") == 0 || strcmp(a, "--bench-total") == 0) && i + 1 < argc) {
            bench = argv[++i];
            bench_total = a[7] == '-';
            continue;
        }
        if (strcmp(a, "--") == 0 && i + 1 < argc) {
            if (text || i + 2 < argc) {
                cli_error("give one QUERY (quote words that go together)");
                return CLI_USAGE;
            }
            text = argv[++i];
            continue;
        }
        if (a[0] == '-' && a[1]) {
            cli_error("unknown option '%s' (see 'jikenbo search --help')", a);
            return CLI_USAGE;
        }
        if (text) {
            cli_error("give one QUERY (quote words that go together: jikenbo search '不正 アクセス')");
            return CLI_USAGE;
        }
        text = a;
    }
    (void)fmt_given;
    if (!limit_given && fmt != FMT_TABLE)
        limit = 0;
    q.text = text;
    q.limit = limit;
    q.offset = offset;
    if (open_store(db, &s, 0) != 0)
        return CLI_FAILED;
    if (bench) {
        rc = search_bench(s, bench, bench_total);
        jkb_store_close(s);
        return rc;
    }
    rows_out o = {fmt, 0, fmt == FMT_TABLE && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"), stdout, NULL, NULL, NULL};
    jkb_err err;
    memset(&err, 0, sizeof err);
    rows_begin(&o);
    /* no total: counting every match of a common word costs more than
     * finding the newest twenty */
    jkb_status st = jkb_store_search(s, &q, row_out, &o, NULL, &err);
    if (st == JKB_OK || st == JKB_ESTOP)
        rows_end(&o);
    if (st == JKB_EINVAL) {
        cli_error("%s", err.msg);
        rc = CLI_USAGE;
    } else if (st != JKB_OK && st != JKB_ESTOP) {
        cli_error("%s", err.msg[0] ? err.msg : jkb_status_str(st));
        rc = CLI_FAILED;
    } else if (fmt == FMT_TABLE) {
        if (limit && o.n == limit)
            fprintf(stderr, "the newest %zu shown: --offset %zu for more, --limit 0 for all\n", o.n, offset + o.n);
        else if (!o.n)
            fprintf(stderr, "no notice matched\n");
    }
    jkb_store_close(s);
    return rc;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int count_row(const jkb_notice_row *r, void *ud)
{
    (void)r;
    ++*(size_t *)ud;
    return 0;
}

static int search_bench(jkb_store *s, const char *path, int with_total)
{
    cli_input in;
    char why[256];
    if (cli_read(path, 16u << 20, &in, why, sizeof why) != 0) {
        cli_error("%s: %s", path, why);
        return CLI_FAILED;
    }
    char *buf = malloc(in.len + 1);
    uint64_t *lat = malloc((in.len / 2 + 1) * sizeof *lat);
    size_t n = 0;
    int rc = CLI_OK;
    if (!buf || !lat) {
        rc = CLI_FAILED;
        goto out;
    }
    memcpy(buf, in.data ? in.data : "", in.len);
    buf[in.len] = 0;
    for (char *line = buf; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        jkb_query q;
        jkb_query_init(&q);
        q.limit = 20;
        /* text TAB key=value TAB … */
        char *fields[8];
        int nf = 0;
        for (char *p = line; p && nf < 8;) {
            fields[nf++] = p;
            char *t = strchr(p, '\t');
            if (t)
                *t++ = 0;
            p = t;
        }
        if (nf && fields[0][0])
            q.text = fields[0];
        for (int k = 1; k < nf; k++) {
            char *eq = strchr(fields[k], '=');
            if (!eq)
                continue;
            *eq = 0;
            char opt[64];
            snprintf(opt, sizeof opt, "--%s", fields[k]);
            char *av[3] = {opt, opt, eq + 1};
            int i = 1;
            if (filter_opt(3, av, &i, &q, "search") < 0) {
                rc = CLI_USAGE;
                goto out;
            }
        }
        size_t rows = 0, total = 0;
        jkb_err err;
        memset(&err, 0, sizeof err);
        uint64_t t0 = now_ns();
        jkb_status st = jkb_store_search(s, &q, count_row, &rows, with_total ? &total : NULL, &err);
        uint64_t t1 = now_ns();
        if (st != JKB_OK) {
            cli_error("query '%s': %s", line, err.msg);
            rc = CLI_FAILED;
            goto out;
        }
        lat[n++] = t1 - t0;
        printf("%.3f ms\t%zu\t%zu\t%s\n", (double)(t1 - t0) / 1e6, rows, total, fields[0]);
        line = nl ? nl + 1 : NULL;
    }
    qsort(lat, n, sizeof *lat, cmp_u64);
    if (n) {
        size_t i50 = (n - 1) / 2, i99 = (99 * n + 99) / 100 - 1; /* nearest rank */
        printf("queries %zu p50 %.3f ms p99 %.3f ms max %.3f ms\n", n, (double)lat[i50] / 1e6, (double)lat[i99] / 1e6,
               (double)lat[n - 1] / 1e6);
    }
out:
    free(buf);
    free(lat);
    cli_input_free(&in);
    return rc;
}

/* ================================================================ show */

void help_show(FILE *f)
{
    fprintf(f, "usage: jikenbo show [--db PATH|URL] [--json] ID\n"
               "\n"
               "Print a stored notice: its record, its reporting-obligation assessment (as 'jikenbo\n"
               "assess ID'), its text with each value's evidence marked in it («…»[field]; colored\n"
               "on a terminal unless NO_COLOR is set), its incident chain (the first report and\n"
               "its follow-ups), and the leak-site claims linked to the incident ('jikenbo claims\n"
               "link'). ID is the number search prints.\n"
               "\n"
               "options:\n"
               "      --db PATH|URL  the casebook (default ./jikenbo.db, or $JIKENBO_DB)\n"
               "      --json         the stored row (id, incident, case_id, record), the assessment\n"
               "                     and the text as one JSON object\n"
               "  -h, --help         show this help\n"
               "\n"
               "Exit status: 0, 1 when there is no such notice or on a casebook error, 2 on a usage error.\n");
}

typedef struct mark {
    size_t start, end;
    char label[64];
} mark;

typedef struct marks {
    mark *v;
    size_t n, cap;
} marks;

static void add_mark(marks *m, json_t *span, const char *label, size_t len)
{
    json_t *s = json_object_get(span, "start"), *e = json_object_get(span, "end");
    if (!json_is_integer(s) || !json_is_integer(e))
        return;
    json_int_t a = json_integer_value(s), b = json_integer_value(e);
    if (a < 0 || b <= a || (size_t)b > len)
        return;
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 32;
        mark *v = realloc(m->v, cap * sizeof *v);
        if (!v)
            return;
        m->v = v;
        m->cap = cap;
    }
    m->v[m->n].start = (size_t)a;
    m->v[m->n].end = (size_t)b;
    snprintf(m->v[m->n].label, sizeof m->v[m->n].label, "%s", label);
    m->n++;
}

/* evidence: field → [span…] | {item → [span…]} | [[span…]…] (timeline) */
static void collect_marks(json_t *ev, size_t len, marks *m)
{
    const char *field;
    json_t *v;
    json_object_foreach(ev, field, v)
    {
        char label[64];
        if (json_is_array(v)) {
            size_t i;
            json_t *x;
            json_array_foreach(v, i, x)
            {
                if (json_is_array(x)) {
                    snprintf(label, sizeof label, "%s[%zu]", field, i);
                    size_t k;
                    json_t *y;
                    json_array_foreach(x, k, y) add_mark(m, y, label, len);
                } else {
                    add_mark(m, x, field, len);
                }
            }
        } else if (json_is_object(v)) {
            const char *key;
            json_t *x;
            json_object_foreach(v, key, x)
            {
                snprintf(label, sizeof label, "%s:%s", field, key);
                size_t k;
                json_t *y;
                json_array_foreach(x, k, y) add_mark(m, y, label, len);
            }
        }
    }
}

static int by_start(const void *a, const void *b)
{
    const mark *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end > y->end ? -1 : x->end < y->end;
}

/* The text with marks: an opening « (or color) where a span begins, »[label]
 * where it ends; spans that cross are closed and reopened in order. */
static void print_marked(FILE *f, const char *text, size_t len, marks *m, int color)
{
    qsort(m->v, m->n, sizeof *m->v, by_start);
    size_t *open = calloc(m->n ? m->n : 1, sizeof *open);
    size_t nopen = 0, next = 0;
    if (!open) {
        fwrite(text, 1, len, f);
        return;
    }
    for (size_t i = 0; i <= len; i++) {
        /* close the spans that end here, innermost first */
        for (size_t k = nopen; k-- > 0;) {
            mark *x = &m->v[open[k]];
            if (x->end != i)
                continue;
            if (color)
                fprintf(f, "\033[0m\033[2;36m[%s]\033[0m", x->label);
            else
                fprintf(f, "»[%s]", x->label);
            memmove(open + k, open + k + 1, (nopen - k - 1) * sizeof *open);
            nopen--;
            if (color && nopen)
                fputs("\033[1;33m", f);
        }
        while (next < m->n && m->v[next].start == i) {
            /* a span that starts inside a UTF-8 character would cut it */
            if (i < len && ((unsigned char)text[i] & 0xC0) == 0x80) {
                next++;
                continue;
            }
            fputs(color ? "\033[1;33m" : "«", f);
            open[nopen++] = next++;
        }
        while (next < m->n && m->v[next].start < i)
            next++;
        if (i < len)
            fputc(text[i], f);
    }
    if (color)
        fputs("\033[0m", f);
    if (len && text[len - 1] != '\n')
        fputc('\n', f);
    free(open);
}

/* One line per field: lists joined by commas, timeline events one a line,
 * null as "-". */
static void print_value(FILE *f, json_t *v)
{
    if (json_is_null(v)) {
        fputs("-", f);
    } else if (json_is_string(v)) {
        fputs(json_string_value(v), f);
    } else if (json_is_array(v) && json_array_size(v) == 0) {
        fputs("-", f);
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            if (i)
                fputs(", ", f);
            print_value(f, x);
        }
    } else {
        json_dumpf(v, f, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
    }
}

static void print_record(FILE *f, json_t *rec)
{
    const char *key;
    json_t *v;
    json_object_foreach(rec, key, v)
    {
        if (strcmp(key, "source") == 0)
            continue;
        fprintf(f, "  %-18s ", key);
        if (strcmp(key, "timeline") == 0 && json_array_size(v)) {
            size_t i;
            json_t *ev;
            json_array_foreach(v, i, ev)
            {
                const char *k;
                json_t *x;
                if (i)
                    fprintf(f, "  %-18s ", "");
                json_object_foreach(ev, k, x)
                {
                    if (strcmp(k, "event") != 0)
                        fprintf(f, " %s=", k);
                    print_value(f, x);
                }
                fputc('\n', f);
            }
            continue;
        }
        print_value(f, v);
        fputc('\n', f);
    }
}

typedef struct show_ctx {
    int json, color;
    int64_t incident;
    int found;
} show_ctx;

static int show_row(const jkb_notice_row *r, void *ud)
{
    show_ctx *c = ud;
    FILE *f = stdout;
    c->found = 1;
    c->incident = r->incident_id;
    char pub[11];
    date_str(pub, r->published);
    const char *b = c->color ? "\033[1m" : "", *e = c->color ? "\033[0m" : "";
    fprintf(f, "%snotice %lld%s  case %s  incident %lld  published %s\n", b, (long long)r->id, e,
            r->case_id ? r->case_id : "-", (long long)r->incident_id, pub);
    fprintf(f, "title   %s\norg     %s\nsource  %s #%zu\nengine  %s  sha256 %s\n\n", r->title ? r->title : "-",
            r->org ? r->org : "-", r->source ? r->source : "-", r->index, r->engine_version ? r->engine_version : "-",
            r->content_hash ? r->content_hash : "-");
    json_error_t je;
    json_t *rec = r->record_json ? json_loads(r->record_json, 0, &je) : NULL;
    marks m = {NULL, 0, 0};
    if (rec) {
        json_t *ev = json_object_get(rec, "evidence");
        if (ev) {
            json_incref(ev);
            json_object_del(rec, "evidence");
        }
        fprintf(f, "%srecord%s\n", b, e);
        print_record(f, rec);
        fputc('\n', f);
        if (ev) {
            collect_marks(ev, r->text_len, &m);
            json_decref(ev);
        }
        json_decref(rec);
    } else {
        fprintf(f, "record  (not readable JSON)\n\n");
    }
    /* re-extracted from the stored text, so the rules of this version apply */
    if (r->text) {
        fprintf(f, "%sassessment%s (reporting obligations; see 'jikenbo assess')\n", b, e);
        if (cli_assess_notice(r->text, r->text_len, r->source, 0) != 0)
            fputs("  (could not be assessed)\n", f);
        fputc('\n', f);
    }
    fprintf(f, "%stext%s (%zu evidence spans marked)\n", b, e, m.n);
    print_marked(f, r->text ? r->text : "", r->text_len, &m, c->color);
    free(m.v);
    return 0;
}

typedef struct chain_ctx {
    int64_t self;
    size_t n;
    int color;
} chain_ctx;

static int chain_row(const jkb_notice_row *r, void *ud)
{
    chain_ctx *c = ud;
    char pub[11];
    date_str(pub, r->published);
    fprintf(stdout, "  %s %-7lld %-9s %s %s\n", r->id == c->self ? "▶" : " ", (long long)r->id,
            r->case_id ? r->case_id : "-", pub, r->title ? r->title : "-");
    c->n++;
    return 0;
}

/* A leak-site claim linked to the incident (`claims link`). */
static int claim_link_row(const jkb_claim_link *l, void *ud)
{
    size_t *n = ud;
    json_t *c = json_loads(l->claim_json ? l->claim_json : "", 0, NULL);
    const char *g = json_string_value(json_object_get(c, "group"));
    const char *d = json_string_value(json_object_get(c, "claimed"));
    const char *v = json_string_value(json_object_get(c, "victim"));
    const char *dom = json_string_value(json_object_get(c, "domain"));
    if (!(*n)++)
        printf("\nclaims (leak-site posts matched to this incident)\n");
    printf("  %-7lld %-10s %-16s %s%s%s%s  score %.2f\n", (long long)l->notice_id, d ? d : "-", g ? g : "-",
           v ? v : "", v && dom ? " " : "", dom ? dom : "", !v && !dom ? "-" : "", l->score);
    if (l->reason)
        printf("          %s\n", l->reason);
    json_decref(c);
    return 0;
}

static int show_json_text(const jkb_notice_row *r, void *ud)
{
    (void)ud;
    /* {"notice": envelope, "text": "..."} */
    fputs("{\"notice\":", stdout);
    row_envelope(stdout, r, NULL, 0);
    fputs(",\"assessment\":", stdout);
    fflush(stdout);
    if (!r->text || cli_assess_notice(r->text, r->text_len, r->source, 1) != 0)
        fputs("null", stdout);
    fputs(",\"text\":", stdout);
    json_t *t = json_stringn(r->text ? r->text : "", r->text_len);
    if (t) {
        json_dumpf(t, stdout, JSON_ENCODE_ANY);
        json_decref(t);
    } else {
        fputs("null", stdout);
    }
    fputs("}\n", stdout);
    return 0;
}

int cmd_show(int argc, char **argv)
{
    const char *db = default_db();
    const char *ids = NULL;
    int json = 0, rc = CLI_OK;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r;
        if (is_help(a)) {
            help_show(stdout);
            return CLI_OK;
        }
        if ((r = db_opt(argc, argv, &i, &db, &rc)) != 0) {
            if (r < 0)
                return rc;
            continue;
        }
        if (strcmp(a, "--json") == 0) {
            json = 1;
            continue;
        }
        if (a[0] == '-' && a[1]) {
            cli_error("unknown option '%s' (see 'jikenbo show --help')", a);
            return CLI_USAGE;
        }
        if (ids) {
            cli_error("show takes one ID");
            return CLI_USAGE;
        }
        ids = a;
    }
    size_t id;
    if (!ids || parse_count(ids, &id) != 0 || id == 0 || id > INT64_MAX) {
        cli_error("show needs a notice ID (a number, as search prints it)");
        return CLI_USAGE;
    }
    jkb_store *s = NULL;
    if (open_store(db, &s, 0) != 0)
        return CLI_FAILED;
    jkb_err err;
    memset(&err, 0, sizeof err);
    show_ctx c = {json, isatty(STDOUT_FILENO) && !getenv("NO_COLOR"), 0, 0};
    jkb_status st = jkb_store_get(s, (int64_t)id, json ? show_json_text : show_row, &c, &err);
    if (st != JKB_OK) {
        cli_error("%s", err.msg[0] ? err.msg : jkb_status_str(st));
        rc = CLI_FAILED;
        goto out;
    }
    if (!json) {
        chain_ctx cc = {(int64_t)id, 0, c.color};
        printf("\n%sincident %lld%s\n", c.color ? "\033[1m" : "", (long long)c.incident, c.color ? "\033[0m" : "");
        st = jkb_store_incident(s, c.incident, chain_row, &cc, &err);
        size_t n_claims = 0;
        if (st == JKB_OK)
            st = jkb_store_incident_links(s, c.incident, claim_link_row, &n_claims, &err);
        if (st != JKB_OK) {
            cli_error("%s", err.msg[0] ? err.msg : jkb_status_str(st));
            rc = CLI_FAILED;
        }
    }
out:
    jkb_store_close(s);
    return rc;
}

/* ================================================================ stats */

void help_stats(FILE *f)
{
    fprintf(f, "usage: jikenbo stats --by DIM [options]\n"
               "       jikenbo stats --timing [options]\n"
               "\n"
               "Count the casebook's incidents (a first notice and its follow-ups count once) by\n"
               "month, year, category, org_kind, vector, actor, data_class or authority; or, with\n"
               "--timing, the days from occurred to detected, detected to published and detected\n"
               "to reported (n, median, p90) over the incidents that give both dates.\n"
               "\n"
               "options:\n"
               "      --db PATH|URL      the casebook (default ./jikenbo.db, or $JIKENBO_DB)\n"
               "      --by DIM           month, year, category, org_kind, vector, actor, data_class,\n"
               "                         authority\n"
               "      --notices          count notices instead of incidents (with --by)\n"
               "      --timing           the timing figures (per incident: not with --notices)\n"
               "  -f, --format FMT       table (default), json, ndjson or csv\n"
               "      --since, --until, --category, --org-kind, --data-class, --actor, --authority\n"
               "                         count only the notices that match (as in search), and a QUERY\n"
               "  -h, --help             show this help\n"
               "\n"
               "Exit status: 0, 1 on a casebook error, 2 on a usage error.\n");
}

typedef struct stat_out {
    cli_format fmt;
    size_t n;
    const char *unit;
    const char *by;    /* NULL: timing */
    int started;       /* the header (or JSON's '[') is out */
} stat_out;

/* The header goes out with the first row, or once the store said yes: a
 * dimension or query the store refuses leaves stdout empty. */
static void stat_begin(stat_out *o)
{
    if (o->started)
        return;
    o->started = 1;
    if (o->fmt == FMT_JSON)
        fputs("[", stdout);
    if (!o->by) {
        if (o->fmt == FMT_TABLE)
            printf("%-24s %8s %10s %10s\n", "interval (days)", "n", "median", "p90");
        else if (o->fmt == FMT_CSV)
            fputs("interval,n,median_days,p90_days\r\n", stdout);
    } else if (o->fmt == FMT_TABLE) {
        cell(stdout, o->by, 28);
        printf(" %10s\n", o->unit);
    } else if (o->fmt == FMT_CSV) {
        printf("%s,%s\r\n", o->by, o->unit);
    }
}

static int stat_row(const char *label, int64_t count, void *ud)
{
    stat_out *o = ud;
    stat_begin(o);
    switch (o->fmt) {
    case FMT_TABLE:
        cell(stdout, label, 28);
        printf(" %10lld\n", (long long)count);
        break;
    case FMT_CSV:
        csv_str(stdout, label);
        printf(",%lld\r\n", (long long)count);
        break;
    case FMT_JSON:
    case FMT_NDJSON:
        if (o->fmt == FMT_JSON)
            fputs(o->n ? ",\n" : "\n", stdout);
        fputs("{\"label\":", stdout);
        json_str(stdout, label);
        printf(",\"%s\":%lld}", o->unit, (long long)count);
        if (o->fmt == FMT_NDJSON)
            fputc('\n', stdout);
        break;
    }
    o->n++;
    return 0;
}

static void num_or_null(char *buf, size_t cap, double v)
{
    if (isnan(v))
        snprintf(buf, cap, "null");
    else
        snprintf(buf, cap, "%.1f", v);
}

static int timing_row(const jkb_timing *t, void *ud)
{
    stat_out *o = ud;
    char med[32], p90[32];
    stat_begin(o);
    num_or_null(med, sizeof med, t->median);
    num_or_null(p90, sizeof p90, t->p90);
    switch (o->fmt) {
    case FMT_TABLE:
        printf("%-24s %8zu %10s %10s\n", t->name, t->n, isnan(t->median) ? "-" : med, isnan(t->p90) ? "-" : p90);
        break;
    case FMT_CSV:
        printf("%s,%zu,%s,%s\r\n", t->name, t->n, isnan(t->median) ? "" : med, isnan(t->p90) ? "" : p90);
        break;
    case FMT_JSON:
    case FMT_NDJSON:
        if (o->fmt == FMT_JSON)
            fputs(o->n ? ",\n" : "\n", stdout);
        printf("{\"interval\":\"%s\",\"n\":%zu,\"median_days\":%s,\"p90_days\":%s}", t->name, t->n, med, p90);
        if (o->fmt == FMT_NDJSON)
            fputc('\n', stdout);
        break;
    }
    o->n++;
    return 0;
}

int cmd_stats(int argc, char **argv)
{
    const char *db = default_db();
    const char *by = NULL, *text = NULL;
    int notices = 0, timing = 0, fmt_given = 0, rc = CLI_OK;
    cli_format fmt = FMT_TABLE;
    jkb_query q;
    jkb_query_init(&q);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r;
        if (is_help(a)) {
            help_stats(stdout);
            return CLI_OK;
        }
        if ((r = db_opt(argc, argv, &i, &db, &rc)) != 0) {
            if (r < 0)
                return rc;
            continue;
        }
        if ((r = filter_opt(argc, argv, &i, &q, "stats")) != 0) {
            if (r < 0)
                return CLI_USAGE;
            continue;
        }
        if ((r = format_opt(argc, argv, &i, &fmt, &fmt_given, "stats")) != 0) {
            if (r < 0)
                return CLI_USAGE;
            continue;
        }
        if (strcmp(a, "--by") == 0 || strncmp(a, "--by=", 5) == 0) {
            if (a[4] == '=')
                by = a + 5;
            else if (i + 1 < argc)
                by = argv[++i];
            else {
                cli_error("--by needs a dimension (month, year, category, org_kind, vector, actor, data_class, "
                          "authority)");
                return CLI_USAGE;
            }
            continue;
        }
        if (strcmp(a, "--notices") == 0) {
            notices = 1;
            continue;
        }
        if (strcmp(a, "--timing") == 0) {
            timing = 1;
            continue;
        }
        if (a[0] == '-' && a[1]) {
            cli_error("unknown option '%s' (see 'jikenbo stats --help')", a);
            return CLI_USAGE;
        }
        if (text) {
            cli_error("give one QUERY");
            return CLI_USAGE;
        }
        text = a;
    }
    if (!by && !timing) {
        cli_error("give --by DIM or --timing (see 'jikenbo stats --help')");
        return CLI_USAGE;
    }
    if (by && timing) {
        cli_error("--by and --timing go in separate runs");
        return CLI_USAGE;
    }
    if (timing && notices) {
        cli_error("--timing is counted per incident; --notices goes with --by");
        return CLI_USAGE;
    }
    q.text = text;
    jkb_store *s = NULL;
    if (open_store(db, &s, 0) != 0)
        return CLI_FAILED;
    jkb_err err;
    memset(&err, 0, sizeof err);
    stat_out o = {fmt, 0, notices ? "notices" : "incidents", by, 0};
    jkb_status st;
    if (timing)
        st = jkb_store_timing(s, &q, timing_row, &o, &err);
    else
        st = jkb_store_stats(s, by, &q, notices, stat_row, &o, &err);
    if (st == JKB_OK)
        stat_begin(&o);
    if (fmt == FMT_JSON && o.started)
        fputs(o.n ? "\n]\n" : "]\n", stdout);
    if (st == JKB_EINVAL) {
        cli_error("%s", err.msg);
        rc = CLI_USAGE;
    } else if (st != JKB_OK) {
        cli_error("%s", err.msg[0] ? err.msg : jkb_status_str(st));
        rc = CLI_FAILED;
    }
    jkb_store_close(s);
    return rc;
}

/* ================================================================ export */

void help_export(FILE *f)
{
    fprintf(f, "usage: jikenbo export --format FMT [options] [QUERY]\n"
               "\n"
               "Write every stored notice that matches (all of them without filters). ndjson, json\n"
               "and csv: newest first, its id, incident, case_id, source and record, and its\n"
               "reporting obligations (as 'jikenbo assess ID'): the \"assessment\" object in JSON,\n"
               "an \"obligations\" column in CSV (id:applies:status;...). stix: one STIX\n"
               "2.1 bundle (identity, incident with the Incident Core and Impact extensions, threat\n"
               "actors, vulnerabilities, relationships, reports) with a note per notice holding its\n"
               "reporting obligations (as 'jikenbo assess ID'). misp: MISP events, one per incident,\n"
               "each notice's obligations as an event report.\n"
               "A casebook exports to the same bytes every time (docs/export.md).\n"
               "\n"
               "options:\n"
               "      --db PATH|URL      the casebook (default ./jikenbo.db, or $JIKENBO_DB)\n"
               "  -f, --format FMT       ndjson (default), json, csv, stix or misp\n"
               "      --pretty           stix, misp: indented\n"
               "      --since, --until, --category, --org-kind, --data-class, --actor, --authority\n"
               "                         as in search\n"
               "  -h, --help             show this help\n"
               "\n"
               "Exit status: 0, 1 on a casebook error, 2 on a usage error.\n");
}

int cmd_export(int argc, char **argv)
{
    const char *db = default_db();
    const char *text = NULL;
    cli_format fmt = FMT_NDJSON;
    int xfmt = -1, pretty = 0; /* a jkb_export_format, or -1 for fmt */
    int rc = CLI_OK;
    jkb_query q;
    jkb_query_init(&q);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r;
        if (strcmp(a, "--pretty") == 0) {
            pretty = 1;
            continue;
        }
        if (is_help(a)) {
            help_export(stdout);
            return CLI_OK;
        }
        if ((r = db_opt(argc, argv, &i, &db, &rc)) != 0) {
            if (r < 0)
                return rc;
            continue;
        }
        if ((r = filter_opt(argc, argv, &i, &q, "export")) != 0) {
            if (r < 0)
                return CLI_USAGE;
            continue;
        }
        if (strcmp(a, "--format") == 0 || strcmp(a, "-f") == 0 || strncmp(a, "--format=", 9) == 0) {
            const char *v = a[1] == '-' && a[8] == '=' ? a + 9 : i + 1 < argc ? argv[++i] : NULL;
            if (!v) {
                cli_error("--format needs a value (ndjson, json, csv, stix or misp)");
                return CLI_USAGE;
            }
            xfmt = jkb_key_lookup(jkb_export_format_key, v, strlen(v));
            if (xfmt < 0 && (cli_parse_format(v, &fmt) != 0 || fmt == FMT_TABLE)) {
                cli_error("unknown export format '%s' (ndjson, json, csv, stix or misp)", v);
                return CLI_USAGE;
            }
            continue;
        }
        if (a[0] == '-' && a[1]) {
            cli_error("unknown option '%s' (see 'jikenbo export --help')", a);
            return CLI_USAGE;
        }
        if (text) {
            cli_error("give one QUERY");
            return CLI_USAGE;
        }
        text = a;
    }
    q.text = text;
    jkb_store *s = NULL;
    if (open_store(db, &s, 0) != 0)
        return CLI_FAILED;
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_status st;
    /* every format carries each notice's reporting obligations (a STIX
     * note, a MISP event report, an "assessment" member, a CSV column) */
    jkb_engine *eng = NULL;
    jkb_rules *rules = NULL;
    if ((st = jkb_engine_new(&eng, &err)) == JKB_OK && (st = jkb_engine_compile(eng, &err)) == JKB_OK &&
        (st = jkb_rules_new(&rules, &err)) == JKB_OK) {
        if (xfmt >= 0) {
            jkb_export_opts xo = {pretty ? JKB_EXPORT_PRETTY : 0, 0, NULL, eng, rules};
            size_t skipped = 0;
            st = jkb_export_store(s, &q, (jkb_export_format)xfmt, &xo, cli_write_stdout, NULL, &skipped, &err);
            if (skipped)
                fprintf(stderr, "jikenbo: %zu stored records could not be read and were left out\n", skipped);
        } else {
            rows_out o = {fmt, 0, 0, stdout, s, eng, rules};
            rows_begin(&o);
            st = jkb_store_search(s, &q, row_out, &o, NULL, &err);
            if (st == JKB_OK || st == JKB_ESTOP)
                rows_end(&o);
        }
    }
    jkb_rules_free(rules);
    jkb_engine_free(eng);
    if (st == JKB_EINVAL) {
        cli_error("%s", err.msg);
        rc = CLI_USAGE;
    } else if (st != JKB_OK) {
        cli_error("%s", err.msg[0] ? err.msg : jkb_status_str(st));
        rc = CLI_FAILED;
    }
    jkb_store_close(s);
    return rc;
}

/* ================================================================ reindex */

void help_reindex(FILE *f)
{
    fprintf(f, "usage: jikenbo reindex [--db PATH|URL] [--lexicon FILE]\n"
               "\n"
               "Extract every stored notice again with this jikenbo's engine (after an upgrade, or\n"
               "with a user lexicon) and update the records that changed, in place. Ends with\n"
               "\"N notices, N updated, N unchanged\" on stderr.\n"
               "\n"
               "options:\n"
               "      --db PATH|URL  the casebook (default ./jikenbo.db, or $JIKENBO_DB)\n"
               "      --lexicon FILE add the terms of a TSV lexicon\n"
               "  -h, --help         show this help\n"
               "\n"
               "Exit status: 0, 1 on a casebook error, 2 on a usage error.\n");
}

typedef struct reindex_ctx {
    jkb_engine *eng;
    jkb_store *s;
    size_t n, updated, unchanged, in_batch;
    const char *source;
    size_t index;
    jkb_status st;
    jkb_err err;
} reindex_ctx;

typedef struct one_rec {
    reindex_ctx *c;
    const char *text;
    size_t len;
    int done;
} one_rec;

static int reindex_one(const jkb_record *r, const char *text, void *ud)
{
    one_rec *o = ud;
    reindex_ctx *c = o->c;
    membuf m = {NULL, 0, 0};
    jkb_record rr = *r;
    rr.index = c->index;
    if (record_json(&rr, text, 0, c->source, c->source && is_url(c->source), &m) != 0) {
        free(m.p);
        c->st = JKB_ENOMEM;
        snprintf(c->err.msg, sizeof c->err.msg, "out of memory");
        return 1;
    }
    /* the stored text stays the notice's text (same hash) */
    jkb_notice_in ni = {o->text, o->len, c->source, c->index, &rr, m.p, m.len, jkb_version(), NULL};
    jkb_put_outcome out;
    int64_t id;
    c->st = jkb_store_put(c->s, &ni, &out, &id, &c->err);
    free(m.p);
    if (c->st)
        return 1;
    if (out == JKB_PUT_UPDATED)
        c->updated++;
    else
        c->unchanged++;
    o->done = 1;
    return 0;
}

static int reindex_text(int64_t id, const char *text, size_t len, const char *source, size_t index,
                        const char *engine_version, void *ud)
{
    reindex_ctx *c = ud;
    (void)id;
    (void)engine_version;
    c->source = source;
    c->index = index;
    c->n++;
    if (!c->in_batch) {
        c->st = jkb_store_begin(c->s, &c->err);
        if (c->st)
            return 1;
    }
    jkb_span sp = {0, (uint32_t)len};
    one_rec o = {c, text, len, 0};
    jkb_status st = jkb_extract_spans(c->eng, text, len, &sp, 1, index, reindex_one, &o, &c->err);
    if (st && !c->st)
        c->st = st;
    if (c->st)
        return 1;
    if (++c->in_batch >= BATCH_NOTICES) {
        c->in_batch = 0;
        c->st = jkb_store_commit(c->s, &c->err);
        if (c->st)
            return 1;
    }
    return 0;
}

int cmd_reindex(int argc, char **argv)
{
    const char *db = default_db();
    int rc = CLI_OK, nlex = 0;
    const char **lexicons = calloc((size_t)argc + 1, sizeof *lexicons);
    jkb_engine *eng = NULL;
    jkb_store *s = NULL;
    if (!lexicons) {
        cli_error("out of memory");
        return CLI_FAILED;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r;
        if (is_help(a)) {
            help_reindex(stdout);
            goto out;
        }
        if ((r = db_opt(argc, argv, &i, &db, &rc)) != 0) {
            if (r < 0)
                goto out;
            continue;
        }
        if (strcmp(a, "--lexicon") == 0 && i + 1 < argc) {
            lexicons[nlex++] = argv[++i];
            continue;
        }
        cli_error("unknown argument '%s' (see 'jikenbo reindex --help')", a);
        rc = CLI_USAGE;
        goto out;
    }
    if ((rc = new_engine(lexicons, nlex, &eng)) != CLI_OK)
        goto out;
    if (open_store(db, &s, 0) != 0) {
        rc = CLI_FAILED;
        goto out;
    }
    reindex_ctx c;
    memset(&c, 0, sizeof c);
    c.eng = eng;
    c.s = s;
    jkb_status st = jkb_store_each_text(s, reindex_text, &c, &c.err);
    if (st == JKB_OK && c.in_batch)
        st = c.st = jkb_store_commit(s, &c.err);
    if (st != JKB_OK) {
        if (c.in_batch)
            jkb_store_rollback(s, NULL);
        cli_error("%s", c.err.msg[0] ? c.err.msg : jkb_status_str(c.st ? c.st : st));
        rc = CLI_FAILED;
    }
    fprintf(stderr, "%zu notices, %zu updated, %zu unchanged\n", c.n, c.updated, c.unchanged);
out:
    jkb_store_close(s);
    jkb_engine_free(eng);
    free(lexicons);
    return rc;
}
