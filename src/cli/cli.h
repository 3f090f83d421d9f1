/*
 * The command-line front end: shared helpers of the subcommands (file
 * reading under a cap, output formats, messages).
 */
#ifndef JKB_CLI_H
#define JKB_CLI_H

#include <stddef.h>
#include <stdio.h>
#include "jikenbo/jikenbo.h"
#include "jikenbo/assess.h"

enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

typedef enum cli_format { FMT_JSON, FMT_NDJSON, FMT_TABLE, FMT_CSV } cli_format;

int cli_parse_format(const char *s, cli_format *out);
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* A file's bytes: mapped when it is a regular file, read when it is a pipe. */
typedef struct cli_input {
    char *data;
    size_t len;
    int mapped;
} cli_input;

/* Read path ("-" is stdin) under max bytes. On failure returns non-zero and
 * writes the reason to why. */
int cli_read(const char *path, size_t max, cli_input *in, char *why, size_t whylen);
void cli_input_free(cli_input *in);

/* Whether the casebook db names one that exists. A SQLite path (plain,
 * sqlite:PATH or a file: URI) that does not exist is refused with a message
 * naming it: opening it would create an empty casebook, and a mistyped
 * --db would then search nothing and say nothing. Other URLs (PostgreSQL)
 * are left to the store. Only ingest creates casebooks. */
int cli_casebook_exists(const char *db);

/* Parse a size such as 64M, 1G, 4096. */
int cli_parse_size(const char *s, size_t *out);

int cli_write_stdout(const char *p, size_t n, void *ud);

/* Output writers for records. */
typedef struct cli_out {
    cli_format fmt;
    int count;        /* records written */
    int color;        /* table header emphasis */
    int evidence;
    int single;       /* each file is one notice */
} cli_out;

void cli_table_header(cli_out *o, FILE *f);
void cli_table_row(cli_out *o, FILE *f, const jkb_record *r);
void cli_csv_header(FILE *f);
void cli_csv_row(FILE *f, const jkb_record *r, const char *file);

int cmd_extract(int argc, char **argv);
void help_extract(FILE *f);
int cmd_text(int argc, char **argv);
void help_text(FILE *f);
int cmd_assess(int argc, char **argv);
void help_assess(FILE *f);
/* Assess one record (text: the document its spans point into, len bytes;
 * may be NULL) and print it in fmt, after a ",\n" unless *first (json).
 * rules NULL: the compiled-in table. Returns non-zero on failure. */
/* The assessment of one stored notice's text: the table rows, or (json) the
 * assessment object alone. Non-zero on failure. */
int cli_assess_notice(const char *text, size_t len, const char *source, int json);
int cli_assess_print(const jkb_rules *rules, const jkb_record *rec, const char *text, size_t len, const char *file,
                     cli_format fmt, const jkb_assess_opts *opts, int *first);

/* The casebook commands (cmd_store.c). */
int cmd_ingest(int argc, char **argv);
void help_ingest(FILE *f);
int cmd_search(int argc, char **argv);
void help_search(FILE *f);
int cmd_show(int argc, char **argv);
void help_show(FILE *f);
int cmd_stats(int argc, char **argv);
void help_stats(FILE *f);
int cmd_export(int argc, char **argv);
void help_export(FILE *f);
int cmd_reindex(int argc, char **argv);
void help_reindex(FILE *f);

/* The web casebook (cmd_serve.c, cmd_report.c; src/server). */
int cmd_serve(int argc, char **argv);
void help_serve(FILE *f);
int cmd_report(int argc, char **argv);
void help_report(FILE *f);

/* Leak-site claims (cmd_claims.c; src/link). */
int cmd_claims(int argc, char **argv);
void help_claims(FILE *f);

#endif
