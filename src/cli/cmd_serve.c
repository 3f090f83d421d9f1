/*
 * jikenbo serve: the command line of the web casebook (src/server): which
 * casebook, where to listen, the write token, the thread count and the body
 * cap; then the server runs until SIGINT or SIGTERM.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "server.h"

void help_serve(FILE *f)
{
    fprintf(f, "usage: jikenbo serve [options]\n"
               "\n"
               "Serve the casebook: a JSON API (docs/http-api.md) and a web page to search it,\n"
               "open a notice with its evidence marked, and see the trend.\n"
               "\n"
               "options:\n"
               "      --db PATH|URL      the casebook (default ./jikenbo.db, or $JIKENBO_DB)\n"
               "      --listen HOST:PORT where to listen (default 127.0.0.1:8080; port 0: any free port)\n"
               "      --token-file F     allow POST /api/notices with 'Authorization: Bearer TOKEN',\n"
               "                         TOKEN the first line of F (16 to 255 characters); without it\n"
               "                         the server is read-only\n"
               "      --threads N        HTTP threads, one casebook connection each (default: cores)\n"
               "      --max-body N       cap on a POST body (default 8M; K, M, G)\n"
               "  -q, --quiet            no messages but errors\n"
               "  -h, --help             show this help\n"
               "\n"
               "Prints 'listening on http://HOST:PORT/ …' when ready. Listening beyond loopback is\n"
               "allowed and warned about. Exit status: 0 after SIGINT/SIGTERM, 1 when the server\n"
               "cannot start, 2 on a usage error.\n");
}

/* --name VALUE or --name=VALUE; 1 when argv[*i] is it, -1 when the value is missing. */
static int opt_value(int argc, char **argv, int *i, const char *name, const char **v)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *v = a + n + 1;
        return 1;
    }
    if (a[n])
        return 0;
    if (*i + 1 >= argc) {
        cli_error("%s needs a value (see 'jikenbo serve --help')", name);
        return -1;
    }
    *v = argv[++*i];
    return 1;
}

int cmd_serve(int argc, char **argv)
{
    const char *env = getenv("JIKENBO_DB");
    jkb_server_opts o = {env && *env ? env : "jikenbo.db", "127.0.0.1:8080", NULL, 0, 0, 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        int r;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            help_serve(stdout);
            return CLI_OK;
        }
        if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o.quiet = 1;
            continue;
        }
        if ((r = opt_value(argc, argv, &i, "--db", &o.db)) != 0 ||
            (r = opt_value(argc, argv, &i, "--listen", &o.listen)) != 0 ||
            (r = opt_value(argc, argv, &i, "--token-file", &o.token_file)) != 0) {
            if (r < 0)
                return CLI_USAGE;
            continue;
        }
        if ((r = opt_value(argc, argv, &i, "--threads", &v)) != 0) {
            size_t n;
            if (r < 0)
                return CLI_USAGE;
            if (jkb_parse_count(v, strlen(v), 64, &n) != 0 || n == 0) {
                cli_error("--threads takes a number from 1 to 64, not '%s'", v);
                return CLI_USAGE;
            }
            o.threads = (unsigned)n;
            continue;
        }
        if ((r = opt_value(argc, argv, &i, "--max-body", &v)) != 0) {
            if (r < 0)
                return CLI_USAGE;
            if (cli_parse_size(v, &o.max_body) != 0 || o.max_body == 0 || o.max_body > (1u << 30)) {
                cli_error("--max-body takes a size from 1 to 1G (4096, 8M), not '%s'", v);
                return CLI_USAGE;
            }
            continue;
        }
        cli_error("unknown %s '%s' (see 'jikenbo serve --help')", a[0] == '-' ? "option" : "argument", a);
        return CLI_USAGE;
    }
    if (!cli_casebook_exists(o.db))
        return CLI_FAILED;
    jkb_err err;
    memset(&err, 0, sizeof err);
    if (jkb_server_run(&o, &err) != JKB_OK) {
        cli_error("serve: %s", err.msg[0] ? err.msg : "the server failed");
        return CLI_FAILED;
    }
    return CLI_OK;
}
