/*
 * jikenbo claims: import leak-site claims (ransomwatch JSON, plain victim
 * lists, the casebook's own leak_claim records) into the casebook, link them
 * to its notices, list them, and report them against the casebook.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utf8proc.h>

#include "cli.h"
#include "jikenbo/claims.h"
#include "jikenbo/store.h"

#define MAX_CLAIMS_FILE ((size_t)256 << 20)
#define MAX_ORGS 16

typedef struct copts {
    const char *db, *claims_path;
    cli_format fmt;
    int fmt_given;
    /* import */
    int from_casebook;
    jkb_claims_format type;
    const char *group, *source;
    jkb_date date;
    /* list, report */
    int japan, no_casebook, all_notices;
    jkb_date since, until;
    jkb_link_opts link;
    const char *orgs[MAX_ORGS];
    size_t n_orgs;
    const char *files[256];
    size_t n_files;
} copts;

/* ================================================================ small parsers */

/* YYYY, YYYY-MM or YYYY-MM-DD */
static int parse_date(const char *s, jkb_date *d)
{
    int v[3] = {0, 0, 0}, k = 0;
    size_t i = 0, digits = 0;
    for (;; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            if (++digits > (k ? 2u : 4u))
                return -1;
            v[k] = v[k] * 10 + (c - '0');
        } else if ((c == '-' || c == 0) && digits == (k ? 2u : 4u)) {
            if (c == 0)
                break;
            if (++k > 2)
                return -1;
            digits = 0;
        } else {
            return -1;
        }
    }
    if (v[0] < 1900 || v[0] > 2999 || (k >= 1 && (v[1] < 1 || v[1] > 12)) || (k == 2 && (v[2] < 1 || v[2] > 31)))
        return -1;
    d->y = (int16_t)v[0];
    d->m = (int8_t)(k >= 1 ? v[1] : 0);
    d->d = (int8_t)(k == 2 ? v[2] : 0);
    return 0;
}

static int parse_uint(const char *s, int max, int *out)
{
    long v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
        if (v > max)
            return -1;
    }
    *out = (int)v;
    return 0;
}

/* 0, 1, 0.6, .75 */
static int parse_score(const char *s, double *out)
{
    double v = 0, scale = 0.1;
    int dot = 0, any = 0;
    for (; *s; s++) {
        if (*s == '.' && !dot) {
            dot = 1;
        } else if (*s >= '0' && *s <= '9') {
            any = 1;
            if (dot) {
                v += (*s - '0') * scale;
                scale /= 10;
            } else {
                v = v * 10 + (*s - '0');
            }
        } else {
            return -1;
        }
    }
    if (!any || v > 1)
        return -1;
    *out = v;
    return 0;
}

static void date_str(jkb_date d, char *buf)
{
    buf[0] = 0;
    if (!d.y)
        return;
    if (!d.m)
        snprintf(buf, 24, "%04d", d.y);
    else if (!d.d)
        snprintf(buf, 24, "%04d-%02d", d.y, d.m);
    else
        snprintf(buf, 24, "%04d-%02d-%02d", d.y, d.m, d.d);
}

static int date_cmp_lo(jkb_date a, jkb_date b) /* by the first day each may be */
{
    int x = a.y * 400 + a.m * 32 + a.d, y = b.y * 400 + b.m * 32 + b.d;
    return x < y ? -1 : x > y;
}

static int date_cmp_hi(jkb_date a, jkb_date b) /* by the last day each may be */
{
    int x = a.y * 400 + (a.m ? a.m : 12) * 32 + (a.d ? a.d : 31);
    int y = b.y * 400 + (b.m ? b.m : 12) * 32 + (b.d ? b.d : 31);
    return x < y ? -1 : x > y;
}

/* ================================================================ options */

static const char *default_db(void)
{
    const char *e = getenv("JIKENBO_DB");
    return e && *e ? e : "jikenbo.db";
}

/* --name VALUE or --name=VALUE; 1: taken (into *val), 0: not this option,
 * -1: missing value */
static int opt_val(int argc, char **argv, int *i, const char *name, const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n])
        return 0;
    if (*i + 1 >= argc) {
        cli_error("%s needs a value", name);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

enum { SUB_IMPORT, SUB_LIST, SUB_REPORT, SUB_LINK };

/* Parse the options of a subcommand; returns CLI_OK or CLI_USAGE. */
static int parse_opts(int sub, int argc, char **argv, copts *o)
{
    memset(o, 0, sizeof *o);
    o->db = default_db();
    /* import reads only the files it is given */
    const char *e = sub == SUB_IMPORT ? NULL : getenv("JIKENBO_CLAIMS");
    o->claims_path = e && *e ? e : NULL;
    o->fmt = FMT_TABLE;
    jkb_link_opts_init(&o->link);
    int dashdash = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        int r;
        if (dashdash || a[0] != '-' || strcmp(a, "-") == 0) {
            if (sub != SUB_IMPORT) {
                cli_error("claims %s takes no files (%s)",
                          sub == SUB_LIST ? "list" : sub == SUB_LINK ? "link" : "report", a);
                return CLI_USAGE;
            }
            if (o->n_files == sizeof o->files / sizeof o->files[0]) {
                cli_error("too many files at once");
                return CLI_USAGE;
            }
            o->files[o->n_files++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            dashdash = 1;
        } else if ((r = opt_val(argc, argv, &i, "--db", &v)) != 0) {
            if (r < 0)
                return CLI_USAGE;
            o->db = v;
        } else if ((r = opt_val(argc, argv, &i, "--claims", &v)) != 0) {
            if (r < 0)
                return CLI_USAGE;
            o->claims_path = v;
        } else if (sub != SUB_IMPORT && sub != SUB_LINK && ((r = opt_val(argc, argv, &i, "--format", &v)) != 0 ||
                                         (r = opt_val(argc, argv, &i, "-f", &v)) != 0)) {
            if (r < 0)
                return CLI_USAGE;
            if (cli_parse_format(v, &o->fmt) != 0 || (sub == SUB_REPORT && o->fmt == FMT_NDJSON)) {
                cli_error("unknown format '%s' (%s)", v, sub == SUB_REPORT ? "table, json or csv" : "table, json, ndjson or csv");
                return CLI_USAGE;
            }
            o->fmt_given = 1;
        } else if (sub == SUB_IMPORT && strcmp(a, "--from-casebook") == 0) {
            o->from_casebook = 1;
        } else if (sub == SUB_IMPORT && (r = opt_val(argc, argv, &i, "--type", &v)) != 0) {
            if (r < 0)
                return CLI_USAGE;
            if (strcmp(v, "auto") == 0)
                o->type = JKB_CLAIMS_AUTO;
            else if (strcmp(v, "ransomwatch") == 0 || strcmp(v, "json") == 0)
                o->type = JKB_CLAIMS_RANSOMWATCH;
            else if (strcmp(v, "list") == 0 || strcmp(v, "text") == 0)
                o->type = JKB_CLAIMS_LIST;
            else if (strcmp(v, "ndjson") == 0)
                o->type = JKB_CLAIMS_NDJSON;
            else {
                cli_error("unknown --type '%s' (auto, ransomwatch, list or ndjson)", v);
                return CLI_USAGE;
            }
        } else if (sub == SUB_IMPORT && (r = opt_val(argc, argv, &i, "--group", &v)) != 0) {
            if (r < 0)
                return CLI_USAGE;
            o->group = v;
        } else if (sub == SUB_IMPORT && (r = opt_val(argc, argv, &i, "--source", &v)) != 0) {
            if (r < 0)
                return CLI_USAGE;
            o->source = v;
        } else if (sub == SUB_IMPORT && (r = opt_val(argc, argv, &i, "--date", &v)) != 0) {
            if (r < 0)
                return CLI_USAGE;
            if (parse_date(v, &o->date) != 0) {
                cli_error("--date takes 2023, 2023-01 or 2023-01-30, not '%s'", v);
                return CLI_USAGE;
            }
        } else if ((sub == SUB_LIST || sub == SUB_REPORT) && strcmp(a, "--japan") == 0) {
            o->japan = 1;
        } else if ((sub == SUB_LIST || sub == SUB_REPORT) && strcmp(a, "--no-casebook") == 0) {
            o->no_casebook = 1;
        } else if (sub == SUB_LIST && strcmp(a, "--with-casebook") == 0) {
            o->no_casebook = 0;
            o->from_casebook = 1;
        } else if (sub == SUB_REPORT && strcmp(a, "--all-notices") == 0) {
            o->all_notices = 1;
        } else if ((sub == SUB_LIST || sub == SUB_REPORT) && ((r = opt_val(argc, argv, &i, "--since", &v)) != 0 ||
                                         (r = opt_val(argc, argv, &i, "--until", &v)) != 0)) {
            if (r < 0)
                return CLI_USAGE;
            int since = strncmp(a, "--since", 7) == 0;
            if (parse_date(v, since ? &o->since : &o->until) != 0) {
                cli_error("%s takes 2023, 2023-01 or 2023-01-30, not '%s'", since ? "--since" : "--until", v);
                return CLI_USAGE;
            }
        } else if (sub != SUB_LIST && (r = opt_val(argc, argv, &i, "--window", &v)) != 0) {
            if (r < 0)
                return CLI_USAGE;
            if (parse_uint(v, 36500, &o->link.window_days) != 0 || o->link.window_days == 0) {
                cli_error("--window takes a number of days (1 to 36500), not '%s'", v);
                return CLI_USAGE;
            }
        } else if (sub != SUB_LIST && (r = opt_val(argc, argv, &i, "--min-score", &v)) != 0) {
            if (r < 0)
                return CLI_USAGE;
            if (parse_score(v, &o->link.min_score) != 0 || o->link.min_score <= 0) {
                cli_error("--min-score takes a number above 0 and at most 1, not '%s'", v);
                return CLI_USAGE;
            }
        } else if (sub == SUB_REPORT && (r = opt_val(argc, argv, &i, "--orgs", &v)) != 0) {
            if (r < 0)
                return CLI_USAGE;
            if (o->n_orgs == MAX_ORGS) {
                cli_error("at most %d --orgs tables", MAX_ORGS);
                return CLI_USAGE;
            }
            o->orgs[o->n_orgs++] = v;
        } else {
            cli_error("unknown option '%s' (see 'jikenbo claims --help')", a);
            return CLI_USAGE;
        }
    }
    return CLI_OK;
}

/* The claims of the casebook's leak_claim records. */
typedef struct cb_row {
    int64_t id;
    char *json;
} cb_row;

typedef struct cb_ctx {
    cb_row *rows;
    size_t n, cap;
    int failed;
} cb_ctx;

static int on_claim_row(const jkb_notice_row *row, void *ud)
{
    cb_ctx *c = ud;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        cb_row *r = realloc(c->rows, cap * sizeof *r);
        if (!r) {
            c->failed = 1;
            return 1;
        }
        c->rows = r;
        c->cap = cap;
    }
    c->rows[c->n].id = row->id;
    c->rows[c->n].json = strdup(row->record_json ? row->record_json : "{}");
    if (!c->rows[c->n].json) {
        c->failed = 1;
        return 1;
    }
    c->n++;
    return 0;
}

typedef struct get_ctx {
    jkb_claims *claims;
    const char *json;
    size_t read, added;
    jkb_status rc;
    jkb_err *err;
} get_ctx;

static int on_claim_text(const jkb_notice_row *row, void *ud)
{
    get_ctx *g = ud;
    char src[48];
    size_t r = 0, a = 0;
    snprintf(src, sizeof src, "casebook:%lld", (long long)row->id);
    g->rc = jkb_claims_from_record(g->claims, g->json, strlen(g->json), row->text, row->text_len, src, &r, &a, g->err);
    g->read += r;
    g->added += a;
    return g->rc != JKB_OK;
}

static int casebook_claims(jkb_store *s, jkb_claims *claims, size_t *read, size_t *added)
{
    jkb_err err;
    memset(&err, 0, sizeof err);
    cb_ctx c;
    memset(&c, 0, sizeof c);
    int rc = 0;
    jkb_query q;
    jkb_query_init(&q);
    q.category = JKB_CAT_LEAK_CLAIM;
    if (jkb_store_search(s, &q, on_claim_row, &c, NULL, &err) != JKB_OK || c.failed) {
        cli_error("reading the casebook's claims: %s", c.failed ? "out of memory" : err.msg);
        rc = -1;
        goto out;
    }
    /* a second statement after the search is done: the text of each */
    for (size_t i = 0; i < c.n; i++) {
        get_ctx g = {claims, c.rows[i].json, 0, 0, JKB_OK, &err};
        jkb_status st = jkb_store_get(s, c.rows[i].id, on_claim_text, &g, &err);
        if (st != JKB_OK || g.rc != JKB_OK) {
            cli_error("reading the claims of notice %lld: %s", (long long)c.rows[i].id, err.msg);
            rc = -1;
            goto out;
        }
        *read += g.read;
        *added += g.added;
    }
out:
    for (size_t i = 0; i < c.n; i++)
        free(c.rows[i].json);
    free(c.rows);
    return rc;
}

static int open_store(const char *db, jkb_store **s)
{
    jkb_err err;
    memset(&err, 0, sizeof err);
    if (jkb_store_open(db, s, &err) != JKB_OK) {
        cli_error("%s", err.msg[0] ? err.msg : "cannot open the casebook");
        return -1;
    }
    return 0;
}

static int load_claims(const char *path, jkb_claims *c)
{
    jkb_err err;
    memset(&err, 0, sizeof err);
    if (jkb_claims_load(c, path, &err) != JKB_OK) {
        cli_error("%s", err.msg);
        return -1;
    }
    return 0;
}

/* Keep every claim of c in the casebook, in one transaction. */
static int store_claims(jkb_store *s, const jkb_claims *c, size_t *added)
{
    jkb_err err;
    memset(&err, 0, sizeof err);
    if (jkb_store_begin(s, &err) != JKB_OK || jkb_claims_store(c, s, added, &err) != JKB_OK ||
        jkb_store_commit(s, &err) != JKB_OK) {
        jkb_store_rollback(s, NULL);
        cli_error("keeping the claims in the casebook: %s", err.msg);
        return -1;
    }
    return 0;
}

/* Before schema 2 the claims of a SQLite casebook lived in a file beside it
 * (PATH.claims.ndjson): the first claims command moves them in and renames
 * the file PATH.claims.ndjson.imported, so that nothing is lost or read
 * twice. */
static int adopt_claims_file(jkb_store *s, const char *db)
{
    char path[4096], done[4200];
    jkb_claims *c = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    if (strcmp(jkb_store_backend(s), "sqlite") != 0 || jkb_claims_path(db, path, sizeof path, &err) != JKB_OK ||
        access(path, F_OK) != 0)
        return 0;
    int rc = -1;
    size_t added = 0;
    if (jkb_claims_new(&c, &err) != JKB_OK || load_claims(path, c) != 0 || store_claims(s, c, &added) != 0)
        goto out;
    snprintf(done, sizeof done, "%s.imported", path);
    if (rename(path, done) != 0) {
        cli_error("%s: its claims are in the casebook now, but it could not be renamed: %s", path, strerror(errno));
        goto out;
    }
    fprintf(stderr, "%s: %zu claims moved into the casebook (%zu new); the file is now %s\n", path,
            jkb_claims_count(c), added, done);
    rc = 0;
out:
    jkb_claims_free(c);
    return rc;
}

/* The casebook, with the claims of an earlier version's file moved in. Only
 * import makes one where there is none (claims may come before notices). */
static int open_casebook(const char *db, jkb_store **s, int create)
{
    if (!create && !cli_casebook_exists(db))
        return -1;
    if (open_store(db, s) != 0)
        return -1;
    if (adopt_claims_file(*s, db) != 0) {
        jkb_store_close(*s);
        *s = NULL;
        return -1;
    }
    return 0;
}

/* Every claim there is to look at: the casebook's, those of --claims FILE,
 * and (with_casebook) those of its leak_claim records. */
static int gather_claims(const copts *o, jkb_store *s, jkb_claims *c, int with_casebook)
{
    jkb_err err;
    memset(&err, 0, sizeof err);
    if (jkb_claims_load_store(c, s, NULL, &err) != JKB_OK) {
        cli_error("reading the casebook's claims: %s", err.msg);
        return -1;
    }
    if (o->claims_path && load_claims(o->claims_path, c) != 0)
        return -1;
    size_t nr = 0, na = 0;
    if (with_casebook && casebook_claims(s, c, &nr, &na) != 0)
        return -1;
    return 0;
}

/* Link every claim to the casebook's notices again; 0 or -1. */
static int relink(const copts *o, jkb_store *s)
{
    jkb_err err;
    memset(&err, 0, sizeof err);
    size_t nc = 0, nl = 0;
    if (jkb_claims_link_store(s, &o->link, &nc, &nl, &err) != JKB_OK) {
        cli_error("linking the claims to the casebook: %s", err.msg);
        return -1;
    }
    fprintf(stderr, "linked: %zu claims, %zu links to the casebook's notices\n", nc, nl);
    return 0;
}

/* ================================================================ import */

static int claims_import(int argc, char **argv)
{
    copts o;
    int rc = parse_opts(SUB_IMPORT, argc, argv, &o);
    jkb_claims *c = NULL;
    jkb_store *s = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    if (rc)
        return rc;
    if (!o.n_files && !o.from_casebook && !o.claims_path) {
        cli_error("claims import needs a FILE (or - for stdin) or --from-casebook");
        return CLI_USAGE;
    }
    if (jkb_claims_new(&c, &err) != JKB_OK) {
        rc = CLI_FAILED;
        goto out;
    }
    size_t total_read = 0;
    for (size_t i = 0; i < o.n_files; i++) {
        cli_input in;
        char why[256];
        const char *f = o.files[i];
        if (cli_read(f, MAX_CLAIMS_FILE, &in, why, sizeof why) != 0) {
            cli_error("%s: %s", f, why);
            rc = CLI_FAILED;
            continue;
        }
        jkb_claims_read_opts ro;
        memset(&ro, 0, sizeof ro);
        ro.format = o.type;
        ro.group = o.group;
        ro.claimed = o.date;
        ro.source = o.source ? o.source : strcmp(f, "-") == 0 ? "stdin" : f;
        ro.max_input = MAX_CLAIMS_FILE;
        size_t nr = 0, na = 0;
        jkb_status st = jkb_claims_read(c, in.data ? in.data : "", in.len, &ro, &nr, &na, &err);
        cli_input_free(&in);
        if (st != JKB_OK) {
            cli_error("%s: %s", f, err.msg);
            rc = CLI_FAILED;
            continue;
        }
        fprintf(stderr, "%s: %zu claims\n", f, nr);
        total_read += nr;
    }
    if (o.claims_path) {
        size_t before = jkb_claims_count(c);
        if (load_claims(o.claims_path, c) != 0) {
            rc = CLI_FAILED;
        } else {
            fprintf(stderr, "%s: %zu claims\n", o.claims_path, jkb_claims_count(c) - before);
            total_read += jkb_claims_count(c) - before;
        }
    }
    if (open_casebook(o.db, &s, 1) != 0) {
        rc = CLI_FAILED;
        goto out;
    }
    if (o.from_casebook) {
        size_t nr = 0, na = 0;
        if (casebook_claims(s, c, &nr, &na) != 0) {
            rc = CLI_FAILED;
        } else {
            fprintf(stderr, "casebook %s: %zu claims in its leak_claim records\n", o.db, nr);
            total_read += nr;
        }
    }
    size_t added = 0;
    int64_t held = 0;
    if (store_claims(s, c, &added) != 0) {
        rc = CLI_FAILED;
        goto out;
    }
    if (jkb_store_claims_count(s, &held, &err) != JKB_OK) {
        cli_error("counting the casebook's claims: %s", err.msg);
        rc = CLI_FAILED;
        goto out;
    }
    fprintf(stderr, "%zu claims read, %zu new; the casebook holds %lld\n", total_read, added, (long long)held);
    if (relink(&o, s) != 0)
        rc = CLI_FAILED;
out:
    jkb_store_close(s);
    jkb_claims_free(c);
    return rc;
}

/* ================================================================ link */

static int claims_link(int argc, char **argv)
{
    copts o;
    int rc = parse_opts(SUB_LINK, argc, argv, &o);
    jkb_store *s = NULL;
    if (rc)
        return rc;
    if (open_casebook(o.db, &s, 0) != 0)
        return CLI_FAILED;
    rc = relink(&o, s) != 0 ? CLI_FAILED : CLI_OK;
    jkb_store_close(s);
    return rc;
}

/* ================================================================ shared output */

/* Does a claim concern Japan: a .jp domain, a name in Japanese, the country? */
static int japanese(const jkb_claim *cl)
{
    if (cl->domain) {
        size_t n = strlen(cl->domain);
        if (n > 3 && strcmp(cl->domain + n - 3, ".jp") == 0)
            return 1;
    }
    if (cl->country && (strcmp(cl->country, "JP") == 0 || strcmp(cl->country, "jp") == 0 ||
                        strcmp(cl->country, "Japan") == 0 || strcmp(cl->country, "日本") == 0))
        return 1;
    const char *names[2] = {cl->victim, cl->victim_alt};
    for (int k = 0; k < 2; k++) {
        const char *v = names[k];
        if (!v)
            continue;
        for (size_t i = 0; v[i];) {
            utf8proc_int32_t cp;
            utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)v + i, -1, &cp);
            if (l <= 0)
                break;
            if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x4E00 && cp <= 0x9FFF))
                return 1;
            i += (size_t)l;
        }
        char low[64];
        size_t n = 0;
        for (; v[n] && n + 1 < sizeof low; n++)
            low[n] = (char)(v[n] >= 'A' && v[n] <= 'Z' ? v[n] + 32 : v[n]);
        low[n] = 0;
        if (strstr(low, "japan") || strstr(low, "nippon"))
            return 1;
    }
    return 0;
}

static int any_match(const jkb_claim_match *m, void *ud)
{
    (void)m;
    *(int *)ud = 1;
    return 1;
}

/* l (may be NULL): a claim that names an organization of the casebook
 * concerns Japan too (takamiya.co). */
static int claim_selected(const copts *o, const jkb_claim *cl, jkb_linker *l)
{
    if (o->japan && !japanese(cl)) {
        int hit = 0;
        if (l)
            jkb_linker_match(l, cl, any_match, &hit, NULL);
        if (!hit)
            return 0;
    }
    if (o->since.y && (!cl->claimed.y || date_cmp_hi(cl->claimed, o->since) < 0))
        return 0;
    if (o->until.y && (!cl->claimed.y || date_cmp_lo(cl->claimed, o->until) > 0))
        return 0;
    return 1;
}

/* Print s padded or cut to width terminal columns. */
static void cell(FILE *f, const char *s, int width)
{
    int used = 0;
    size_t n = s ? strlen(s) : 0, i = 0;
    if (!s || !*s)
        s = "-", n = 1;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {
            i++;
            continue;
        }
        int w = utf8proc_charwidth(cp);
        if (w < 0 || cp == '\n' || cp == '\t')
            w = 1;
        if (used + w > width - 1 && i + (size_t)k < n) {
            fputs("…", f);
            used++;
            break;
        }
        if (cp == '\n' || cp == '\t')
            fputc(' ', f);
        else
            fwrite(s + i, 1, (size_t)k, f);
        used += w;
        i += (size_t)k;
    }
    for (; used < width; used++)
        fputc(' ', f);
}

static void csv_field(FILE *f, const char *s, int last)
{
    if (s) {
        if (strpbrk(s, ",\"\r\n")) {
            fputc('"', f);
            for (; *s; s++) {
                if (*s == '"')
                    fputc('"', f);
                fputc(*s, f);
            }
            fputc('"', f);
        } else {
            fputs(s, f);
        }
    }
    fputc(last ? '\n' : ',', f);
}

static json_t *jstr_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *claim_json(const jkb_claim *cl)
{
    char d[24];
    date_str(cl->claimed, d);
    json_t *o = json_object();
    json_object_set_new(o, "id", jstr_or_null(cl->id));
    json_object_set_new(o, "victim", jstr_or_null(cl->victim));
    json_object_set_new(o, "victim_alt", jstr_or_null(cl->victim_alt));
    json_object_set_new(o, "domain", jstr_or_null(cl->domain));
    json_object_set_new(o, "group", jstr_or_null(cl->group));
    json_object_set_new(o, "claimed", d[0] ? json_string(d) : json_null());
    json_object_set_new(o, "source", jstr_or_null(cl->source));
    json_object_set_new(o, "description", jstr_or_null(cl->description));
    json_object_set_new(o, "country", jstr_or_null(cl->country));
    return o;
}

/* ================================================================ list */

static int claims_list(int argc, char **argv)
{
    copts o;
    int rc = parse_opts(SUB_LIST, argc, argv, &o);
    jkb_claims *c = NULL;
    jkb_store *s = NULL;
    json_t *arr = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    if (rc)
        return rc;
    if (jkb_claims_new(&c, &err) != JKB_OK || open_casebook(o.db, &s, 0) != 0 ||
        gather_claims(&o, s, c, o.from_casebook) != 0) {
        rc = CLI_FAILED;
        goto out;
    }
    if (o.fmt == FMT_JSON)
        arr = json_array();
    else if (o.fmt == FMT_TABLE)
        printf("%-16s  %-10s  %-12s  %-32s  %-24s  %s\n", "id", "claimed", "group", "victim", "domain", "source");
    else if (o.fmt == FMT_CSV)
        fputs("id,claimed,group,victim,victim_alt,domain,source,country\n", stdout);
    for (size_t i = 0; i < jkb_claims_count(c); i++) {
        const jkb_claim *cl = jkb_claims_get(c, i);
        char d[24];
        if (!claim_selected(&o, cl, NULL))
            continue;
        date_str(cl->claimed, d);
        if (o.fmt == FMT_JSON) {
            json_array_append_new(arr, claim_json(cl));
        } else if (o.fmt == FMT_NDJSON) {
            jkb_claim_write_json(cl, cli_write_stdout, NULL);
            fputc('\n', stdout);
        } else if (o.fmt == FMT_CSV) {
            csv_field(stdout, cl->id, 0);
            csv_field(stdout, d, 0);
            csv_field(stdout, cl->group, 0);
            csv_field(stdout, cl->victim, 0);
            csv_field(stdout, cl->victim_alt, 0);
            csv_field(stdout, cl->domain, 0);
            csv_field(stdout, cl->source, 0);
            csv_field(stdout, cl->country, 1);
        } else {
            cell(stdout, cl->id, 18);
            cell(stdout, d, 12);
            cell(stdout, cl->group, 14);
            cell(stdout, cl->victim, 34);
            cell(stdout, cl->domain, 26);
            fputs(cl->source ? cl->source : "-", stdout);
            fputc('\n', stdout);
        }
    }
    if (arr) {
        if (json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)) != 0)
            rc = CLI_FAILED;
        fputc('\n', stdout);
    }
out:
    json_decref(arr);
    jkb_store_close(s);
    jkb_claims_free(c);
    return rc;
}

/* ================================================================ report */

typedef struct rep {
    const copts *o;
    int section; /* the status printed last, -1 none */
    size_t n[3];
    json_t *j[3];
    int32_t *delays;
    size_t n_delays, cap_delays;
    int failed;
} rep;

static const char *const SECTION_NAMES[] = {"matched", "claimed_undisclosed", "disclosed_unclaimed"};

static void table_section(rep *r, int st)
{
    static const char *const TITLES[] = {
        "Claimed and disclosed: the claim, the incident it names, the days from claim to disclosure",
        "Claimed, never disclosed: claims that name no organization of the casebook",
        "Disclosed, never claimed: attacks in the casebook that no claim names"};
    if (r->section >= 0)
        fputc('\n', stdout);
    printf("%s\n", TITLES[st]);
    if (st == JKB_CLAIM_MATCHED)
        printf("%-10s  %-12s  %-30s  %-6s  %-26s  %-10s  %6s  %s\n", "claimed", "group", "victim", "notice", "org",
               "disclosed", "delay", "score");
    else if (st == JKB_CLAIM_UNDISCLOSED)
        printf("%-10s  %-12s  %-30s  %-24s  %s\n", "claimed", "group", "victim", "domain", "source");
    else
        printf("%-6s  %-9s  %-10s  %-26s  %s\n", "notice", "case", "disclosed", "org", "title");
    r->section = st;
}

static int on_report(const jkb_claim_match *m, void *ud)
{
    rep *r = ud;
    const jkb_claim *cl = m->claim;
    char cd[24] = "", dd[24] = "", delay[16] = "", score[8] = "", nid[24] = "", iid[24] = "";
    if (cl)
        date_str(cl->claimed, cd);
    date_str(m->disclosed, dd);
    if (m->has_delay)
        snprintf(delay, sizeof delay, "%s%d", m->delay_approx ? "~" : "", (int)m->delay_days);
    if (m->status == JKB_CLAIM_MATCHED)
        snprintf(score, sizeof score, "%.2f", m->score);
    if (m->notice_id)
        snprintf(nid, sizeof nid, "%lld", (long long)m->notice_id);
    if (m->incident_id)
        snprintf(iid, sizeof iid, "%lld", (long long)m->incident_id);
    r->n[m->status]++;
    if (m->status == JKB_CLAIM_MATCHED && m->has_delay) {
        if (r->n_delays == r->cap_delays) {
            size_t cap = r->cap_delays ? r->cap_delays * 2 : 64;
            int32_t *d = realloc(r->delays, cap * sizeof *d);
            if (!d) {
                r->failed = 1;
                return 1;
            }
            r->delays = d;
            r->cap_delays = cap;
        }
        r->delays[r->n_delays++] = m->delay_days;
    }
    const char *victim = cl ? (cl->victim ? cl->victim : cl->domain) : NULL;
    switch (r->o->fmt) {
    case FMT_JSON: {
        json_t *o = json_object();
        if (cl)
            json_object_set_new(o, "claim", claim_json(cl));
        if (m->status != JKB_CLAIM_UNDISCLOSED) {
            char pd[24];
            date_str(m->published, pd);
            json_object_set_new(o, "notice_id", json_integer(m->notice_id));
            json_object_set_new(o, "incident_id", json_integer(m->incident_id));
            json_object_set_new(o, "case_id", jstr_or_null(m->case_id));
            json_object_set_new(o, "org", jstr_or_null(m->org));
            json_object_set_new(o, "title", jstr_or_null(m->title));
            json_object_set_new(o, "published", pd[0] ? json_string(pd) : json_null());
            json_object_set_new(o, "disclosed", dd[0] ? json_string(dd) : json_null());
            json_t *cats = json_array();
            for (int i = 0; jkb_category_key(i); i++)
                if (m->categories & (1u << i))
                    json_array_append_new(cats, json_string(jkb_category_key(i)));
            json_object_set_new(o, "categories", cats);
        }
        if (m->status == JKB_CLAIM_MATCHED) {
            json_object_set_new(o, "delay_days", m->has_delay ? json_integer(m->delay_days) : json_null());
            json_object_set_new(o, "delay_approx", json_boolean(m->delay_approx));
            json_object_set_new(o, "score", json_real(m->score));
            json_object_set_new(o, "reason", jstr_or_null(m->reason));
        }
        if (!o || json_array_append_new(r->j[m->status], o) != 0) {
            r->failed = 1;
            return 1;
        }
        break;
    }
    case FMT_CSV:
        csv_field(stdout, SECTION_NAMES[m->status], 0);
        csv_field(stdout, cl ? cl->id : NULL, 0);
        csv_field(stdout, cd, 0);
        csv_field(stdout, cl ? cl->group : NULL, 0);
        csv_field(stdout, cl ? cl->victim : NULL, 0);
        csv_field(stdout, cl ? cl->domain : NULL, 0);
        csv_field(stdout, cl ? cl->source : NULL, 0);
        csv_field(stdout, nid, 0);
        csv_field(stdout, iid, 0);
        csv_field(stdout, m->case_id, 0);
        csv_field(stdout, m->org, 0);
        csv_field(stdout, dd, 0);
        csv_field(stdout, delay[0] == '~' ? delay + 1 : delay, 0);
        csv_field(stdout, m->has_delay ? (m->delay_approx ? "true" : "false") : NULL, 0);
        csv_field(stdout, score, 0);
        csv_field(stdout, m->status == JKB_CLAIM_MATCHED ? m->reason : NULL, 1);
        break;
    default:
        if ((int)m->status != r->section)
            table_section(r, (int)m->status);
        if (m->status == JKB_CLAIM_MATCHED) {
            cell(stdout, cd, 12);
            cell(stdout, cl->group, 14);
            cell(stdout, victim, 32);
            cell(stdout, nid, 8);
            cell(stdout, m->org, 28);
            cell(stdout, dd, 12);
            printf("%6s  %s\n", delay[0] ? delay : "-", score);
            printf("    why: %s\n", m->reason);
        } else if (m->status == JKB_CLAIM_UNDISCLOSED) {
            cell(stdout, cd, 12);
            cell(stdout, cl->group, 14);
            cell(stdout, cl->victim ? cl->victim : "-", 32);
            cell(stdout, cl->domain, 26);
            fputs(cl->source ? cl->source : "-", stdout);
            fputc('\n', stdout);
        } else {
            cell(stdout, nid, 8);
            cell(stdout, m->case_id, 11);
            cell(stdout, dd, 12);
            cell(stdout, m->org, 28);
            fputs(m->title ? m->title : "-", stdout);
            fputc('\n', stdout);
        }
    }
    return 0;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return x < y ? -1 : x > y;
}

static int read_orgs(jkb_linker *l, const char *path)
{
    cli_input in;
    char why[256];
    jkb_err err;
    memset(&err, 0, sizeof err);
    if (cli_read(path, MAX_CLAIMS_FILE, &in, why, sizeof why) != 0) {
        cli_error("--orgs %s: %s", path, why);
        return -1;
    }
    jkb_status st = jkb_linker_add_orgs(l, in.data ? in.data : "", in.len, path, &err);
    cli_input_free(&in);
    if (st != JKB_OK) {
        cli_error("%s", err.msg);
        return -1;
    }
    return 0;
}

static int claims_report(int argc, char **argv)
{
    copts o;
    int rc = parse_opts(SUB_REPORT, argc, argv, &o);
    jkb_claims *all = NULL, *sel = NULL;
    jkb_store *s = NULL;
    jkb_linker *l = NULL;
    jkb_err err;
    rep r;
    memset(&r, 0, sizeof r);
    memset(&err, 0, sizeof err);
    if (rc)
        return rc;
    r.o = &o;
    r.section = -1;
    if (jkb_claims_new(&all, &err) != JKB_OK || jkb_claims_new(&sel, &err) != JKB_OK ||
        jkb_linker_new(&o.link, &l, &err) != JKB_OK) {
        cli_error("%s", err.msg);
        rc = CLI_FAILED;
        goto out;
    }
    if (open_casebook(o.db, &s, 0) != 0 || gather_claims(&o, s, all, 0) != 0) {
        rc = CLI_FAILED;
        goto out;
    }
    for (size_t i = 0; i < o.n_orgs; i++)
        if (read_orgs(l, o.orgs[i]) != 0) {
            rc = CLI_FAILED;
            goto out;
        }
    /* the casebook's own leak_claim records are claims too */
    if (jkb_linker_load_store(l, s, o.no_casebook ? NULL : all, &err) != JKB_OK) {
        cli_error("reading the casebook: %s", err.msg);
        rc = CLI_FAILED;
        goto out;
    }
    /* "・住友ベークライト株式会社(www.sumibe.co.jp)" teaches that sumibe.co.jp
     * is that company, for the posts that give only the domain */
    if (jkb_linker_learn_domains(l, all, NULL, &err) != JKB_OK) {
        cli_error("%s", err.msg);
        rc = CLI_FAILED;
        goto out;
    }
    for (size_t i = 0; i < jkb_claims_count(all); i++)
        if (claim_selected(&o, jkb_claims_get(all, i), l) && jkb_claims_add(sel, jkb_claims_get(all, i), NULL, &err)) {
            cli_error("%s", err.msg);
            rc = CLI_FAILED;
            goto out;
        }
    if (o.fmt == FMT_JSON)
        for (int k = 0; k < 3; k++)
            if (!(r.j[k] = json_array())) {
                rc = CLI_FAILED;
                goto out;
            }
    if (o.fmt == FMT_CSV)
        fputs("status,claim_id,claimed,group,victim,domain,claim_source,notice_id,incident_id,case_id,org,disclosed,"
              "delay_days,delay_approx,score,reason\n",
              stdout);
    jkb_report_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.flags = o.all_notices ? JKB_REPORT_ALL_NOTICES : 0;
    ro.since = o.since;
    ro.until = o.until;
    if (jkb_claims_report(l, sel, &ro, on_report, &r, &err) != JKB_OK || r.failed) {
        cli_error("the claims report: %s", r.failed ? "out of memory" : err.msg);
        rc = CLI_FAILED;
        goto out;
    }
    double median = 0;
    if (r.n_delays) {
        qsort(r.delays, r.n_delays, sizeof *r.delays, cmp_i32);
        median = r.n_delays % 2 ? r.delays[r.n_delays / 2]
                                : (r.delays[r.n_delays / 2 - 1] + r.delays[r.n_delays / 2]) / 2.0;
    }
    if (o.fmt == FMT_JSON) {
        json_t *root = json_object(), *sum = json_object();
        json_object_set_new(sum, "claims", json_integer((json_int_t)jkb_claims_count(sel)));
        json_object_set_new(sum, "matched", json_integer((json_int_t)r.n[0]));
        json_object_set_new(sum, "claimed_undisclosed", json_integer((json_int_t)r.n[1]));
        json_object_set_new(sum, "disclosed_unclaimed", json_integer((json_int_t)r.n[2]));
        json_object_set_new(sum, "median_delay_days", r.n_delays ? json_real(median) : json_null());
        json_object_set_new(sum, "window_days", json_integer(o.link.window_days));
        json_object_set_new(sum, "min_score", json_real(o.link.min_score));
        json_object_set_new(root, "summary", sum);
        for (int k = 0; k < 3; k++) {
            json_object_set(root, SECTION_NAMES[k], r.j[k]);
        }
        if (json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)) != 0)
            rc = CLI_FAILED;
        fputc('\n', stdout);
        json_decref(root);
    } else if (o.fmt == FMT_TABLE) {
        if (r.section >= 0)
            fputc('\n', stdout);
        printf("%zu claims: %zu matched, %zu claimed but not disclosed; %zu attacks disclosed but not claimed",
               jkb_claims_count(sel), r.n[0], r.n[1], r.n[2]);
        if (r.n_delays)
            printf("; median claim-to-disclosure delay %.1f days", median);
        fputc('\n', stdout);
    }
out:
    for (int k = 0; k < 3; k++)
        json_decref(r.j[k]);
    free(r.delays);
    jkb_linker_free(l);
    jkb_store_close(s);
    jkb_claims_free(sel);
    jkb_claims_free(all);
    return rc;
}

/* ================================================================ the command */

void help_claims(FILE *f)
{
    fprintf(f,
            "usage: jikenbo claims import [options] FILE...    read leak-site claims (- for stdin)\n"
            "       jikenbo claims import --from-casebook      the casebook's own leak_claim records\n"
            "       jikenbo claims link [options]              match the claims to the notices again\n"
            "       jikenbo claims list [options]\n"
            "       jikenbo claims report [options]\n"
            "\n"
            "A claim is a gang's post that it breached someone: a victim's name and/or domain,\n"
            "the group, the date. import reads ransomwatch / ransomware.live JSON (post_title,\n"
            "group_name, discovered, website…), NDJSON, or a plain list (one victim a line:\n"
            "'・株式会社シード(www.seed.co.jp)', 'takamiya.co', 'Name - domain'). report matches\n"
            "every claim to the casebook's organizations by domain, name (Japanese and romanized,\n"
            "legal forms aside) and date, with a score and the reasons, and lists what was\n"
            "claimed but never disclosed, disclosed but never claimed, and the days between\n"
            "claim and disclosure. The casebook's own leak_claim records count as claims.\n"
            "\n"
            "The casebook keeps the claims, and the pairs the report matches as links that\n"
            "each notice's view shows (show, the web page). import links them; after an\n"
            "ingest, claims link matches them to the new notices (it reads the whole casebook).\n"
            "\n"
            "options:\n"
            "      --db PATH|URL      the casebook (default ./jikenbo.db, or $JIKENBO_DB)\n"
            "      --claims PATH      also the claims of this NDJSON file (or $JIKENBO_CLAIMS);\n"
            "                         import keeps them in the casebook\n"
            "import:\n"
            "      --type T           auto (default), ransomwatch, list or ndjson\n"
            "      --group G          the group of a list's claims\n"
            "      --date DATE        the date of a list's claims (else its first 年月)\n"
            "      --source S         where the claims come from (default: the file name)\n"
            "      --from-casebook    also the claims of the casebook's leak_claim records\n"
            "list and report:\n"
            "  -f, --format FMT       table (default), json or csv (list: also ndjson)\n"
            "      --japan            only claims on Japan: a .jp domain, a Japanese name, country\n"
            "                         JP, or (report) naming an organization of the casebook\n"
            "      --since DATE       claims (and unclaimed disclosures) from DATE\n"
            "      --until DATE       … up to DATE (2023, 2023-01 or 2023-01-30)\n"
            "      --with-casebook    list: also the casebook's own claims\n"
            "      --no-casebook      report: leave the casebook's leak_claim records out\n"
            "import, link and report:\n"
            "      --window DAYS      a claim and a notice further apart never match (365)\n"
            "      --min-score S      drop matches below S (0.5)\n"
            "report:\n"
            "      --orgs FILE        a table of domain → organization name (tab, comma or\n"
            "                         space between), repeatable\n"
            "      --all-notices      disclosed-unclaimed lists every incident, not only\n"
            "                         ransomware, unauthorized_access and malware\n"
            "  -h, --help             show this help\n"
            "\n"
            "Exit status: 0 success, 1 a file or the casebook failed, 2 usage error.\n");
}

int cmd_claims(int argc, char **argv)
{
    if (argc < 2) {
        help_claims(stderr);
        return CLI_USAGE;
    }
    const char *sub = argv[1];
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            help_claims(stdout);
            return CLI_OK;
        }
    if (strcmp(sub, "import") == 0)
        return claims_import(argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0)
        return claims_list(argc - 1, argv + 1);
    if (strcmp(sub, "report") == 0)
        return claims_report(argc - 1, argv + 1);
    if (strcmp(sub, "link") == 0)
        return claims_link(argc - 1, argv + 1);
    cli_error("no such claims command: %s (import, link, list or report)", sub);
    return CLI_USAGE;
}
