/*
 * jikenbo: parse the subcommand, run it, turn its result into the exit
 * status, and make sure stdout was really written.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

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
               "  help [COMMAND]    show help for a command\n"
               "\n"
               "options:\n"
               "  -h, --help        show this help\n"
               "  -V, --version     print the version\n"
               "\n"
               "Exit status: 0 success, 1 some input failed, 2 usage error.\n"
               "See jikenbo(1).\n");
}

static int help(int argc, char **argv)
{
    if (argc < 2) {
        usage(stdout);
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

int main(int argc, char **argv)
{
    int rc;
    signal(SIGPIPE, SIG_IGN);
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
        cli_error("no such command: %s (see 'jikenbo --help')", cmd);
        rc = CLI_USAGE;
    }
    /* a full disk or a closed pipe must not pass silently */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (errno != EPIPE)
            cli_error("writing the output: %s", strerror(errno));
        rc = CLI_FAILED;
    }
    if (fclose(stdout) != 0 && rc == CLI_OK) {
        cli_error("writing the output: %s", strerror(errno));
        rc = CLI_FAILED;
    }
    return rc;
}
