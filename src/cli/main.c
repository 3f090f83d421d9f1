/*
 * jikenbo: parse the subcommand, run it, turn its result into the exit
 * status, and make sure stdout was really written.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: jikenbo <command> [options] [args]\n"
               "\n"
               "Reads Japanese security-incident notices and turns each into an incident record\n"
               "in which every value points at the words it came from.\n"
               "\n"
               "commands:\n"
               "  extract FILE...   extract the records of notices (text, HTML; - for stdin)\n"
               "  text FILE...      print the document text that evidence offsets point into\n"
               "  assess FILE...    reporting obligations of notices (APPI, My Number, GDPR, SEC):\n"
               "                    which apply and why, their deadlines, met or late\n"
               "  ingest PATH...    read notices into the casebook (files, folders, URLs, feeds, -)\n"
               "  search [QUERY]    find notices in the casebook (full text and filters)\n"
               "  show ID           a stored notice: record, evidence marked in its text, incident\n"
               "  stats --by DIM    count incidents by month, category, org_kind, actor, …; --timing\n"
               "  export            write stored records as ndjson, json or csv\n"
               "  reindex           extract every stored notice again with this engine\n"
               "  serve             the casebook on the web: a JSON API and a page (loopback)\n"
               "  report            a self-contained HTML report of a period (counts, charts, incidents)\n"
               "  claims CMD        leak-site claims: import (ransomwatch JSON, lists), list, report\n"
               "                    (matched to the casebook; claimed but undisclosed, and the reverse)\n"
               "  help [COMMAND]    show help for a command\n"
               "\n"
               "options:\n"
               "  -h, --help        show this help\n"
               "  -V, --version     print the version\n"
               "\n"
               "The casebook is ./jikenbo.db unless --db PATH|URL or $JIKENBO_DB names another.\n"
               "Exit status: 0 success, 1 some input failed, 2 usage error.\n"
               "See jikenbo(1).\n");
}

static const struct {
    const char *name;
    int (*run)(int, char **);
    void (*help)(FILE *);
} COMMANDS[] = {
    {"ingest", cmd_ingest, help_ingest}, {"search", cmd_search, help_search},
    {"show", cmd_show, help_show},       {"stats", cmd_stats, help_stats},
    {"export", cmd_export, help_export}, {"reindex", cmd_reindex, help_reindex},
    {"serve", cmd_serve, help_serve},     {"report", cmd_report, help_report},
    {"claims", cmd_claims, help_claims},
};

static void help_help(FILE *f)
{
    fprintf(f, "usage: jikenbo help [COMMAND]\n"
               "\n"
               "Show the help of COMMAND (the same as 'jikenbo COMMAND --help'), or without one\n"
               "the list of commands.\n"
               "\n"
               "options:\n"
               "  -h, --help        show this help\n");
}

static int help(int argc, char **argv)
{
    if (argc < 2) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        help_help(stdout);
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        if (strcmp(argv[1], COMMANDS[i].name) == 0) {
            COMMANDS[i].help(stdout);
            return CLI_OK;
        }
    if (strcmp(argv[1], "extract") == 0) {
        help_extract(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "text") == 0) {
        help_text(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "assess") == 0) {
        help_assess(stdout);
        return CLI_OK;
    }
    cli_error("no such command: %s (see 'jikenbo --help')", argv[1]);
    return CLI_USAGE;
}

/* A reader of stdout that went away (`jikenbo export | head -1`) ends the
 * command at once, quietly and with status 0, as SIGPIPE ends other tools:
 * nobody wants the rest, and "writing the output failed" would be noise. A
 * broken pipe elsewhere (a socket of libcurl or libpq) is ignored as before:
 * its write fails with EPIPE and is handled where it happens. poll and _exit
 * are async-signal-safe. */
static void on_sigpipe(int sig)
{
    (void)sig;
    struct pollfd p = {STDOUT_FILENO, 0, 0};
    if (poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)))
        _exit(CLI_OK);
}

int main(int argc, char **argv)
{
    int rc;
    /* serve writes only to its clients' sockets: a closed stdout must not
     * stop it */
    if (argc >= 2 && strcmp(argv[1], "serve") != 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_sigpipe;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        sigaction(SIGPIPE, &sa, NULL);
    } else {
        signal(SIGPIPE, SIG_IGN);
    }
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        usage(stdout);
        rc = CLI_OK;
    } else if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("jikenbo %s (record schema v%d)\n", jkb_version(), JKB_SCHEMA_VERSION);
        rc = CLI_OK;
    } else if (strcmp(cmd, "help") == 0) {
        rc = help(argc - 1, argv + 1);
    } else if (strcmp(cmd, "extract") == 0) {
        rc = cmd_extract(argc - 1, argv + 1);
    } else if (strcmp(cmd, "text") == 0) {
        rc = cmd_text(argc - 1, argv + 1);
    } else if (strcmp(cmd, "assess") == 0) {
        rc = cmd_assess(argc - 1, argv + 1);
    } else {
        rc = -1;
        for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
            if (strcmp(cmd, COMMANDS[i].name) == 0)
                rc = COMMANDS[i].run(argc - 1, argv + 1);
        if (rc < 0) {
            cli_error("no such command: %s (see 'jikenbo --help')", cmd);
            rc = CLI_USAGE;
        }
    }
    /* a full disk must not pass silently (a reader gone away ended the
     * command in on_sigpipe) */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (errno != EPIPE) {
            cli_error("writing the output: %s", strerror(errno));
            rc = CLI_FAILED;
        }
    }
    if (fclose(stdout) != 0 && rc == CLI_OK) {
        cli_error("writing the output: %s", strerror(errno));
        rc = CLI_FAILED;
    }
    return rc;
}
