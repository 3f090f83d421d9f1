/* A program built against an installed jikenbo with nothing but
 * `pkg-config --cflags --libs jikenbo`: it decodes a notice (ingest) and
 * extracts it (core), and names an export format (the export library, which
 * pulls in the store), so every installed library must link. Prints the
 * organization it found. */
#include <stdio.h>
#include <string.h>

#include <jikenbo/export.h>
#include <jikenbo/ingest.h>
#include <jikenbo/jikenbo.h>
#include <jikenbo/store.h>

static int print_org(const jkb_record *rec, const char *text, void *ud)
{
    (void)text;
    (void)ud;
    printf("org=%.*s\n", (int)rec->org.len, rec->org.s ? rec->org.s : "");
    return 0;
}

int main(void)
{
    static const char notice[] = "2025年3月3日\n\n株式会社テスト物産\n\n不正アクセスに関するお詫びとお知らせ\n\n"
                                 "当社サーバーが不正アクセスを受け、お客様の氏名が流出しました。\n";
    jkb_err err;
    memset(&err, 0, sizeof err);
    jkb_text t;
    memset(&t, 0, sizeof t);
    jkb_engine *eng = NULL;
    if (jkb_text_decode(notice, sizeof notice - 1, "n.txt", NULL, JKB_FMT_AUTO, &t, &err) != JKB_OK ||
        jkb_engine_new(&eng, &err) != JKB_OK || jkb_extract(eng, t.text, t.len, NULL, print_org, NULL, &err) != JKB_OK) {
        fprintf(stderr, "consumer: %s\n", err.msg);
        return 1;
    }
    printf("exporter: %s\n", jkb_export_format_key(JKB_EXPORT_STIX));
    jkb_engine_free(eng);
    jkb_text_free(&t);
    return 0;
}
