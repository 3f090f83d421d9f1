/*
 * jikenbo report: the command line of the period report (src/server/
 * report.c): which casebook, the period and filters, and where the HTML
 * goes; written beside the target and renamed over it, so that a failed run
 * never leaves half a report.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "server.h"

void help_report(FILE *f)
{
    fprintf(f, "usage: jikenbo report [options]\n"
               "\n"
               "Write a self-contained HTML report of a period of the casebook: counts by category,\n"
               "org kind and data class, the charts of the web page, the timing figures and a table\n"
               "of the period's incidents with links to their sources. Style, script and figures are\n"
               "inline: the file makes no request when it is opened.\n"
               "\n"
               "options:\n"
               "      --db PATH|URL      the casebook (default ./jikenbo.db, or $JIKENBO_DB)\n"
               "      --since WHEN       first day, month or year of the period (2023-01)\n"
               "      --until WHEN       last day, month or year of the period (2023-12)\n"
               "      --category K, --org-kind K, --data-class K, --authority K, --actor NAME\n"
               "                         only the incidents that match, as in search\n"
               "      --title TEXT       the report's title (default 事件簿レポート Casebook report)\n"
               "  -o, --out FILE         where to write (default report.html; - for stdout)\n"
               "  -h, --help             show this help\n"
               "\n"
               "Exit status: 0, 1 when the casebook or the file fails, 2 on a usage error.\n");
}

static int opt_value(int argc, char **argv, int *i, const char *name, const char **v)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0 || (a[n] && a[n] != '='))
        return 0;
    if (a[n] == '=') {
        *v = a + n + 1;
        return 1;
    }
    if (*i + 1 >= argc) {
        cli_error("%s needs a value (see 'jikenbo report --help')", name);
        return -1;
    }
    *v = argv[++*i];
    return 1;
}

static int write_file(const char *path, const jkb_wbuf *b)
{
    if (strcmp(path, "-") == 0)
        return fwrite(b->p, 1, b->len, stdout) == b->len ? 0 : -1;
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp)
        return -1;
    snprintf(tmp, n + 16, "%s.tmp%ld", path, (long)getpid());
    int rc = -1;
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        cli_error("cannot write %s: %s", tmp, strerror(errno));
        goto out;
    }
    int bad = fwrite(b->p, 1, b->len, f) != b->len;
    bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        cli_error("cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    free(tmp);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    static const struct {
        const char *opt, *name;
    } filters[] = {{"--category", "category"},     {"--org-kind", "org_kind"}, {"--data-class", "data_class"},
                   {"--authority", "authority"},   {"--actor", "actor"},       {"--since", "since"},
                   {"--until", "until"}};
    const char *env = getenv("JIKENBO_DB");
    const char *db = env && *env ? env : "jikenbo.db", *out = "report.html", *title = NULL, *v = NULL;
    jkb_query q;
    jkb_query_init(&q);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r, done = 0;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            help_report(stdout);
            return CLI_OK;
        }
        if ((r = opt_value(argc, argv, &i, "--db", &db)) != 0 || (r = opt_value(argc, argv, &i, "--out", &out)) != 0 ||
            (r = opt_value(argc, argv, &i, "-o", &out)) != 0 || (r = opt_value(argc, argv, &i, "--title", &title)) != 0) {
            if (r < 0)
                return CLI_USAGE;
            continue;
        }
        for (size_t k = 0; k < sizeof filters / sizeof filters[0] && !done; k++) {
            if ((r = opt_value(argc, argv, &i, filters[k].opt, &v)) == 0)
                continue;
            if (r < 0)
                return CLI_USAGE;
            char why[300];
            if (jkb_query_set(&q, filters[k].name, v, strlen(v), why, sizeof why) < 0) {
                cli_error("%s: %s", filters[k].opt, why);
                return CLI_USAGE;
            }
            done = 1;
        }
        if (done)
            continue;
        cli_error("unknown %s '%s' (see 'jikenbo report --help')", a[0] == '-' ? "option" : "argument", a);
        return CLI_USAGE;
    }
    jkb_html_report_opts o = {q.since, q.until, &q, title};
    jkb_store *s = NULL;
    jkb_wbuf b;
    jkb_wbuf_init(&b, 0);
    jkb_err err;
    memset(&err, 0, sizeof err);
    int rc = CLI_OK;
    if (!cli_casebook_exists(db)) {
        rc = CLI_FAILED;
    } else if (jkb_store_open(db, &s, &err) != JKB_OK || jkb_report_html(s, &o, &b, &err) != JKB_OK) {
        cli_error("report: %s", err.msg[0] ? err.msg : "failed");
        rc = err.code == JKB_EINVAL ? CLI_USAGE : CLI_FAILED;
    } else if (write_file(out, &b) != 0) {
        rc = CLI_FAILED;
    } else if (strcmp(out, "-") != 0) {
        fprintf(stderr, "jikenbo: report written to %s (%zu bytes)\n", out, b.len);
    }
    jkb_wbuf_free(&b);
    jkb_store_close(s);
    return rc;
}
