/*
 * jikenbo assess: files → the reporting-deadline assessment of each notice
 * (regulation.md §7; docs/rules/assessment.md) as JSON, NDJSON or a table.
 * Each notice is extracted as `extract` does and assessed against the
 * compiled-in rule table; cli_assess_print serves any record, stored or new.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "jikenbo/assess.h"
#include "jikenbo/ingest.h"
#include "jikenbo/store.h"

void help_assess(FILE *f)
{
    fprintf(f,
            "usage: jikenbo assess [options] FILE|ID...\n"
            "\n"
            "Extract the incident record of every notice in each FILE (or of the stored notice\n"
            "ID of the casebook, a number as search prints it) and assess it against the\n"
            "breach-reporting rules (APPI private and public sector, My Number, medical, GDPR\n"
            "Art. 33/34, SEC Form 8-K Item 1.05, some US states): which obligations apply and why\n"
            "(the facts and the words), their deadlines from the notice's own dates, and whether\n"
            "the dates show them met. See docs/rules/assessment.md.\n"
            "\n"
            "options:\n"
            "  -f, --format FMT   json (an array, the default), ndjson or table\n"
            "      --db PATH|URL  the casebook of IDs (default ./jikenbo.db, or $JIKENBO_DB)\n"
            "      --single       read each file as one notice (no casebook segmentation)\n"
            "      --conservative count the day of knowing as day 1 (deadlines a day earlier)\n"
            "      --all          also list the rows of regimes that do not cover the organization\n"
            "      --max-size N   refuse inputs larger than N bytes (default 64M; K, M, G)\n"
            "  -h, --help         show this help\n"
            "\n"
            "Each JSON object holds the record's case_id, org, title and published, its source,\n"
            "and \"assessment\". Exit status: 0 when every input was read, 1 when any failed,\n"
            "2 on a usage error.\n");
}

static int write_stdout(const char *p, size_t n, void *ud)
{
    (void)ud;
    return fwrite(p, 1, n, stdout) != n;
}

/* A JSON string of extracted text (valid UTF-8 by construction; control
 * characters escaped). */
static void json_str(const char *s, size_t n)
{
    if (!s) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void table_row(const jkb_record *rec, const jkb_assessment *a)
{
    printf("%-9.*s %.*s [%s]\n", rec->case_id.s ? (int)rec->case_id.len : 1, rec->case_id.s ? rec->case_id.s : "-",
           rec->org.s ? (int)rec->org.len : 1, rec->org.s ? rec->org.s : "-", jkb_assessment_regime_jp(a));
    for (size_t i = 0; i < jkb_assessment_count(a); i++) {
        const jkb_verdict *v = jkb_assessment_get(a, i);
        if ((v->kind != JKB_VK_DUTY && v->kind != JKB_VK_FLAG) || v->state == JKB_NO)
            continue;
        if (v->kind == JKB_VK_FLAG) {
            printf("    ! %-26s %s\n", v->id, v->note ? v->note : "");
            continue;
        }
        char due[48] = "-", done[24] = "-";
        if (v->due_from.y)
            snprintf(due, sizeof due, "%04d-%02d-%02d..%02d-%02d", v->due_from.y, v->due_from.m, v->due_from.d,
                     v->due_to.m, v->due_to.d);
        else if (v->due.y)
            snprintf(due, sizeof due, "%04d-%02d-%02d", v->due.y, v->due.m, v->due.d);
        if (v->done.y)
            snprintf(done, sizeof done, "%s%04d-%02d-%02d", v->done_bound ? "<=" : "", v->done.y, v->done.m,
                     v->done.d);
        printf("    %-28s %-9s %-22s %-13s %s\n", v->id, v->state == JKB_YES ? "yes" : "may_apply", due, done,
               jkb_deadline_status_key(v->status));
    }
}

int cli_assess_print(const jkb_rules *rules, const jkb_record *rec, const char *text, size_t len, const char *file,
                     cli_format fmt, const jkb_assess_opts *opts, int *first)
{
    jkb_assessment *a = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_status rc = jkb_assess(rules, rec, text, len, opts, &a, &err);
    if (rc) {
        cli_error("%s: assessing notice %zu: %s", file ? file : "-", rec->index + 1,
                  err.msg[0] ? err.msg : jkb_status_str(rc));
        return 1;
    }
    if (fmt == FMT_TABLE) {
        table_row(rec, a);
    } else {
        int pretty = fmt == FMT_JSON;
        if (pretty && !*first)
            fputs(",\n", stdout);
        fputs("{\"case_id\":", stdout);
        json_str(rec->case_id.s, rec->case_id.len);
        fputs(",\"org\":", stdout);
        json_str(rec->org.s, rec->org.len);
        fputs(",\"title\":", stdout);
        json_str(rec->title.s, rec->title.len);
        fputs(",\"published\":", stdout);
        if (rec->published.y)
            printf("\"%04d-%02d-%02d\"", rec->published.y, rec->published.m, rec->published.d);
        else
            fputs("null", stdout);
        fputs(",\"source\":{\"file\":", stdout);
        json_str(file, file ? strlen(file) : 0);
        printf(",\"index\":%zu},%s\"assessment\":", rec->index, pretty ? "\n " : "");
        rc = jkb_assessment_write_json(a, pretty ? JKB_JSON_PRETTY : 0, write_stdout, NULL);
        fputs(pretty ? "}" : "}\n", stdout);
    }
    *first = 0;
    jkb_assessment_free(a);
    return rc || ferror(stdout) ? 1 : 0;
}

typedef struct run {
    const jkb_rules *rules;
    const char *file;
    size_t len; /* of the document text */
    cli_format fmt;
    const jkb_assess_opts *opts;
    int *first;
    int failed;
    int bare; /* the assessment object alone (show --json) */
} run;

static int on_record(const jkb_record *rec, const char *text, void *ud)
{
    run *r = ud;
    if (r->bare) {
        jkb_assessment *a = NULL;
        jkb_err err;
        memset(&err, 0, sizeof err);
        if (jkb_assess(r->rules, rec, text, r->len, r->opts, &a, &err) != JKB_OK ||
            jkb_assessment_write_json(a, 0, write_stdout, NULL) != JKB_OK)
            r->failed = 1;
        jkb_assessment_free(a);
        return 0;
    }
    /* the record's spans point into the whole document text */
    if (cli_assess_print(r->rules, rec, text, r->len, r->file, r->fmt, r->opts, r->first) != 0)
        r->failed = 1;
    return ferror(stdout) ? 1 : 0;
}

static int assess_file(jkb_engine *eng, const jkb_rules *rules, const char *path, size_t max, int single,
                       cli_format fmt, const jkb_assess_opts *opts, int *first)
{
    const char *name = strcmp(path, "-") == 0 ? "(stdin)" : path;
    cli_input in;
    char why[256];
    if (cli_read(path, max, &in, why, sizeof why) != 0) {
        cli_error("%s: %s", name, why);
        return 1;
    }
    int failed = 0;
    jkb_text t;
    memset(&t, 0, sizeof t);
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_span *spans = NULL;
    size_t n = 0;
    if (!in.len) {
        cli_error("%s: no notice text found (empty or blank input)", name);
        goto out;
    }
    jkb_status rc = jkb_text_decode(in.data, in.len, name, NULL, JKB_FMT_AUTO, &t, &err);
    if (rc) {
        cli_error("%s: %s", name, err.msg[0] ? err.msg : jkb_status_str(rc));
        failed = 1;
        goto out;
    }
    if (single) {
        spans = malloc(sizeof *spans);
        if (!spans) {
            cli_error("%s: out of memory", name);
            failed = 1;
            goto out;
        }
        spans[0].start = 0;
        spans[0].end = (uint32_t)t.len;
        n = 1;
    } else if (jkb_notices(t.text, t.len, &spans, &n, &err) != JKB_OK) {
        cli_error("%s: %s", name, err.msg);
        failed = 1;
        goto out;
    }
    if (n == 0) {
        cli_error("%s: no notice text found (empty or blank input)", name);
        goto out;
    }
    run r = {rules, strcmp(path, "-") == 0 ? "-" : path, t.len, fmt, opts, first, 0, 0};
    rc = jkb_extract_spans(eng, t.text, t.len, spans, n, 0, on_record, &r, &err);
    if (rc) {
        cli_error("%s: %s", name, rc == JKB_ESTOP ? "writing the output failed" : err.msg);
        failed = 1;
    }
    failed |= r.failed;
out:
    free(spans);
    jkb_text_free(&t);
    cli_input_free(&in);
    return failed;
}

int cli_assess_notice(const char *text, size_t len, const char *source, int json)
{
    jkb_engine *eng = NULL;
    jkb_rules *rules = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_assess_opts opts;
    memset(&opts, 0, sizeof opts);
    int first = 1, failed = 1;
    if (jkb_engine_new(&eng, &err) != JKB_OK || jkb_engine_compile(eng, &err) != JKB_OK ||
        jkb_rules_new(&rules, &err) != JKB_OK)
        goto cleanup;
    jkb_span span = {0, (uint32_t)len};
    run r = {rules, source, len, FMT_TABLE, &opts, &first, 0, json};
    if (jkb_extract_spans(eng, text, len, &span, 1, 0, on_record, &r, &err) != JKB_OK)
        goto cleanup;
    failed = r.failed;
cleanup:
    jkb_rules_free(rules);
    jkb_engine_free(eng);
    return failed;
}

/* An argument that names no file and is a number is a stored notice. */
static int is_id(const char *a, int64_t *id)
{
    if (!*a || strlen(a) > 18 || access(a, F_OK) == 0)
        return 0;
    int64_t v = 0;
    for (const char *p = a; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        v = v * 10 + (*p - '0');
    }
    *id = v;
    return v > 0;
}

typedef struct stored {
    char *text, *source;
    size_t len;
} stored;

static int on_stored(const jkb_notice_row *row, void *ud)
{
    stored *st = ud;
    st->text = malloc(row->text_len + 1);
    st->source = strdup(row->source ? row->source : "");
    if (!st->text || !st->source)
        return 1;
    memcpy(st->text, row->text, row->text_len);
    st->text[row->text_len] = 0;
    st->len = row->text_len;
    return 0;
}

/* A stored notice is one notice: its text is assessed whole. */
static int assess_stored(jkb_engine *eng, const jkb_rules *rules, const char *db, jkb_store **s, int64_t id,
                         cli_format fmt, const jkb_assess_opts *opts, int *first)
{
    jkb_err err;
    memset(&err, 0, sizeof err);
    stored st = {NULL, NULL, 0};
    int failed = 1;
    if (!*s && !cli_casebook_exists(db))
        goto cleanup;
    if (!*s && jkb_store_open(db, s, &err) != JKB_OK) {
        cli_error("%s", err.msg[0] ? err.msg : "cannot open the casebook");
        goto cleanup;
    }
    jkb_status rc = jkb_store_get(*s, id, on_stored, &st, &err);
    if (rc == JKB_ENOTFOUND || (rc == JKB_OK && !st.text)) {
        cli_error("no notice %lld in %s (and no such file)", (long long)id, db);
        goto cleanup;
    }
    if (rc != JKB_OK) {
        cli_error("notice %lld: %s", (long long)id, err.msg[0] ? err.msg : jkb_status_str(rc));
        goto cleanup;
    }
    jkb_span span = {0, (uint32_t)st.len};
    run r = {rules, st.source, st.len, fmt, opts, first, 0, 0};
    rc = jkb_extract_spans(eng, st.text, st.len, &span, 1, 0, on_record, &r, &err);
    if (rc) {
        cli_error("notice %lld: %s", (long long)id, rc == JKB_ESTOP ? "writing the output failed" : err.msg);
        goto cleanup;
    }
    failed = r.failed;
cleanup:
    free(st.text);
    free(st.source);
    return failed;
}

int cmd_assess(int argc, char **argv)
{
    jkb_store *store = NULL;
    const char *db = getenv("JIKENBO_DB");
    if (!db || !*db)
        db = "jikenbo.db";
    cli_format fmt = FMT_JSON;
    size_t max = 64u << 20;
    int single = 0, rc = CLI_OK, nfiles = 0;
    jkb_assess_opts opts;
    memset(&opts, 0, sizeof opts);
    jkb_engine *eng = NULL;
    jkb_rules *rules = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    if (!files) {
        cli_error("out of memory");
        return CLI_FAILED;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            help_assess(stdout);
            goto out;
        } else if (strcmp(a, "-f") == 0 || strcmp(a, "--format") == 0 || strncmp(a, "--format=", 9) == 0) {
            const char *val = strncmp(a, "--format=", 9) == 0 ? a + 9 : i + 1 < argc ? argv[++i] : NULL;
            if (!val) {
                cli_error("%s needs a value (see 'jikenbo assess --help')", a);
                rc = CLI_USAGE;
                goto out;
            }
            if (cli_parse_format(val, &fmt) != 0 || fmt == FMT_CSV) {
                cli_error("unknown format '%s' (json, ndjson or table)", val);
                rc = CLI_USAGE;
                goto out;
            }
        } else if (strcmp(a, "--db") == 0 || strncmp(a, "--db=", 5) == 0) {
            db = a[4] == '=' ? a + 5 : i + 1 < argc ? argv[++i] : NULL;
            if (!db) {
                cli_error("--db needs a path or URL");
                rc = CLI_USAGE;
                goto out;
            }
        } else if (strcmp(a, "--single") == 0) {
            single = 1;
        } else if (strcmp(a, "--conservative") == 0) {
            opts.conservative = true;
        } else if (strcmp(a, "--all") == 0) {
            opts.all = true;
        } else if (strcmp(a, "--max-size") == 0) {
            if (i + 1 >= argc || cli_parse_size(argv[i + 1], &max) != 0 || max == 0) {
                cli_error("--max-size takes a size such as 64M");
                rc = CLI_USAGE;
                goto out;
            }
            i++;
        } else if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++)
                files[nfiles++] = argv[i];
        } else if (a[0] == '-' && a[1]) {
            cli_error("unknown option '%s' (see 'jikenbo assess --help')", a);
            rc = CLI_USAGE;
            goto out;
        } else {
            files[nfiles++] = a;
        }
    }
    if (!nfiles) {
        cli_error("no input: give files, or - for stdin (see 'jikenbo assess --help')");
        rc = CLI_USAGE;
        goto out;
    }
    if (jkb_engine_new(&eng, &err) != JKB_OK || jkb_engine_compile(eng, &err) != JKB_OK) {
        cli_error("building the lexicon: %s", err.msg);
        rc = CLI_FAILED;
        goto out;
    }
    if (jkb_rules_new(&rules, &err) != JKB_OK) {
        cli_error("loading the rule table: %s", err.msg);
        rc = CLI_FAILED;
        goto out;
    }
    if (fmt == FMT_JSON)
        fputs("[\n", stdout);
    int first = 1;
    for (int k = 0; k < nfiles; k++) {
        int64_t id;
        int bad = is_id(files[k], &id) ? assess_stored(eng, rules, db, &store, id, fmt, &opts, &first)
                                       : assess_file(eng, rules, files[k], max, single, fmt, &opts, &first);
        if (bad)
            rc = CLI_FAILED;
    }
    if (fmt == FMT_JSON)
        fputs(first ? "]\n" : "\n]\n", stdout);
out:
    jkb_store_close(store);
    jkb_rules_free(rules);
    jkb_engine_free(eng);
    free(files);
    return rc;
}
