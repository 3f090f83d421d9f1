/*
 * Test driver of the export API (the CLI's `export` command calls the same):
 * NDJSON records on stdin, the STIX bundle or the MISP events on stdout.
 * A line is a record, or {"record": {…}, "notice_key": …, "incident_key": …,
 * "source": …, "assessment": {…}} to pass the keys and the assessment a
 * casebook would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "jikenbo/export.h"

static int write_stdout(const char *p, size_t n, void *ud)
{
    (void)ud;
    return fwrite(p, 1, n, stdout) == n ? 0 : -1;
}

static const char *member(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int usage(void)
{
    fputs("usage: export_main (stix|misp) [--pretty] [--no-extdefs] [--fallback-date YYYY-MM-DD] "
          "[--distribution N] < records.ndjson\n",
          stderr);
    return 2;
}

int main(int argc, char **argv)
{
    int rc = 1;
    jkb_exporter *x = NULL;
    jkb_err err = {0};
    jkb_export_opts opts = {0};
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    if (argc < 2)
        return usage();
    int fmt = jkb_key_lookup(jkb_export_format_key, argv[1], strlen(argv[1]));
    if (fmt < 0)
        return usage();
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--pretty") == 0)
            opts.flags |= JKB_EXPORT_PRETTY;
        else if (strcmp(argv[i], "--no-extdefs") == 0)
            opts.flags |= JKB_EXPORT_NO_EXTDEFS;
        else if (strcmp(argv[i], "--fallback-date") == 0 && i + 1 < argc)
            opts.fallback_date = argv[++i];
        else if (strcmp(argv[i], "--distribution") == 0 && i + 1 < argc && strlen(argv[i + 1]) == 1)
            opts.misp_distribution = argv[++i][0] - '0';
        else
            return usage();
    }
    if (jkb_export_new((jkb_export_format)fmt, &opts, &x, &err) != JKB_OK) {
        fprintf(stderr, "export_main: %s\n", err.msg);
        return 2;
    }
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0)
            continue;
        jkb_export_item it = {line, (size_t)n, NULL, NULL, NULL, NULL, 0};
        json_t *wrap = NULL;
        char *inner = NULL, *assessment = NULL;
        if (strstr(line, "\"record\"")) {
            wrap = json_loadb(line, (size_t)n, 0, NULL);
            json_t *rec = json_object_get(wrap, "record");
            if (json_is_object(rec)) {
                inner = json_dumps(rec, JSON_COMPACT);
                if (!inner) {
                    json_decref(wrap);
                    goto out;
                }
                it.record_json = inner;
                it.len = strlen(inner);
                it.notice_key = member(wrap, "notice_key");
                it.incident_key = member(wrap, "incident_key");
                it.source = member(wrap, "source");
                json_t *a = json_object_get(wrap, "assessment");
                if (a && !(assessment = json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY))) {
                    free(inner);
                    json_decref(wrap);
                    goto out;
                }
                if (assessment) {
                    it.assessment_json = assessment;
                    it.assessment_len = strlen(assessment);
                }
            }
        }
        jkb_status st = jkb_export_add(x, &it, &err);
        free(inner);
        free(assessment);
        json_decref(wrap);
        if (st != JKB_OK) {
            fprintf(stderr, "export_main: line %zu: %s\n", lineno, err.msg);
            goto out;
        }
    }
    if (jkb_export_finish(x, write_stdout, NULL, &err) != JKB_OK) {
        fprintf(stderr, "export_main: %s\n", err.msg);
        goto out;
    }
    if (fflush(stdout) != 0)
        goto out;
    rc = 0;
out:
    free(line);
    jkb_export_free(x);
    return rc;
}
