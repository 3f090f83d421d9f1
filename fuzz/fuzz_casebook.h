/*
 * A small casebook for the targets that search one (fuzz_query, fuzz_http):
 * a dozen notices put through the store API into a temporary SQLite file,
 * with records built by hand (as tests/unit/test_store.c does) so that the
 * dates, categories and words are known: same-day notices, a month-precision
 * date, an undated one, one-, two- and three-character words, full-width
 * letters, quotes and FTS5 operator characters in the text.
 */
#ifndef JKB_FUZZ_CASEBOOK_H
#define JKB_FUZZ_CASEBOOK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "jikenbo/jikenbo.h"
#include "jikenbo/store.h"

typedef struct fz_membuf {
    char *p;
    size_t len;
} fz_membuf;

static int fz_mem_write(const char *p, size_t n, void *ud)
{
    fz_membuf *m = ud;
    char *q = realloc(m->p, m->len + n + 1);
    if (!q)
        return 1;
    memcpy(q + m->len, p, n);
    m->p = q;
    m->len += n;
    q[m->len] = 0;
    return 0;
}

static const struct fz_spec {
    const char *title, *org, *actor, *text;
    int y, m, d;
    uint32_t cats, data, auth;
} FZ_NOTICES[] = {
    {"USBメモリ紛失のお知らせ", "テスト商事株式会社", NULL,
     "当社従業員がUSBメモリを紛失しました。氏名と住所が含まれていました。", 2024, 3, 5, 1u << JKB_CAT_LOSS_THEFT,
     1u << JKB_DATA_NAME | 1u << JKB_DATA_ADDRESS, 1u << JKB_AUTH_PPC},
    {"メール誤送信について", "〇〇市", NULL, "職員がメールを誤送信し、メールアドレスが漏えいしました。", 2024, 3, 5,
     1u << JKB_CAT_MISDELIVERY, 1u << JKB_DATA_EMAIL, 1u << JKB_AUTH_PPC | 1u << JKB_AUTH_LOCAL_GOV},
    {"ランサムウェア被害", "サンプル病院", "LockBit", "ランサムウェア LockBit による暗号化。警察に相談しました。",
     2023, 11, 20, 1u << JKB_CAT_RANSOMWARE, 1u << JKB_DATA_MEDICAL, 1u << JKB_AUTH_POLICE},
    {"不正アクセスの発生", "ＡＢ株式会社", NULL, "ＡＢ社のサーバーに不正アクセス。AB \"quoted\" text OR NOT.", 2023,
     11, 0, 1u << JKB_CAT_UNAUTHORIZED_ACCESS, 1u << JKB_DATA_LOGIN_ID | 1u << JKB_DATA_PASSWORD, 0},
    {"フィッシング", "例大学", NULL, "フィッシングメールでアカウントが乗っ取られた。NEAR(a b) col:val ^x *", 2022, 1,
     1, 1u << JKB_CAT_PHISHING | 1u << JKB_CAT_ACCOUNT_COMPROMISE, 1u << JKB_DATA_EMAIL, 1u << JKB_AUTH_IPA},
    {NULL, NULL, NULL, "日付のない通知。紛失。", 0, 0, 0, 1u << JKB_CAT_OTHER, 0, 0},
    {"カード情報流出", "ショップ", NULL, "クレジットカード情報が流出した可能性。誤送ではない。", 2024, 12, 31,
     1u << JKB_CAT_CARD_SKIMMING, 1u << JKB_DATA_CREDIT_CARD, 1u << JKB_AUTH_PPC | 1u << JKB_AUTH_FOREIGN},
    {"リーク主張", "某社", "Akira", "Akira がリークサイトに掲載。", 2024, 1, 9, 1u << JKB_CAT_LEAK_CLAIM, 0,
     1u << JKB_AUTH_JPCERT},
    {"設定不備", "公益財団", NULL, "設定不備で個人情報が閲覧可能だった。あ", 2024, 3, 5,
     1u << JKB_CAT_MISCONFIGURATION, 1u << JKB_DATA_NAME | 1u << JKB_DATA_PHONE, 1u << JKB_AUTH_MINISTRY},
    {"DDoS", "国の機関", NULL, "DDoS 攻撃でサイトが停止。。。", 2021, 6, 15, 1u << JKB_CAT_DDOS, 0, 0},
    {"マルウェア感染", "学校法人", "Emotet", "Emotet 感染 ab AB Ab aB", 2020, 2, 29, 1u << JKB_CAT_MALWARE,
     1u << JKB_DATA_EMAIL, 1u << JKB_AUTH_JPCERT},
    {"内部不正", "テスト商事株式会社", NULL, "元従業員が顧客情報を持ち出し。紛失ではない。%_\\", 2024, 3, 0,
     1u << JKB_CAT_INSIDER_MISUSE, 1u << JKB_DATA_CUSTOMER_ID, 1u << JKB_AUTH_POLICE},
};
#define FZ_N_NOTICES (sizeof FZ_NOTICES / sizeof FZ_NOTICES[0])

/* Create the casebook at a fresh temporary path (written into path[64]) and
 * put the notices in one batch. */
static void fz_casebook_make(char path[64])
{
    snprintf(path, 64, "%s", "/tmp/jkb-fuzz-XXXXXX");
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    jkb_store *s = NULL;
    jkb_err err;
    memset(&err, 0, sizeof err);
    if (jkb_store_open(path, &s, &err) != JKB_OK) {
        fprintf(stderr, "fuzz casebook %s: %s\n", path, err.msg);
        CHECK(!"the casebook opens");
    }
    CHECK(jkb_store_begin(s, &err) == JKB_OK);
    for (size_t i = 0; i < FZ_N_NOTICES; i++) {
        const struct fz_spec *sp = &FZ_NOTICES[i];
        jkb_record r;
        memset(&r, 0, sizeof r);
        jkb_strv actor = {sp->actor, sp->actor ? strlen(sp->actor) : 0};
        if (sp->title)
            r.title = (jkb_strv){sp->title, strlen(sp->title)};
        if (sp->org)
            r.org = (jkb_strv){sp->org, strlen(sp->org)};
        r.org_kind = sp->org ? (int)(i % JKB_ORG__COUNT) : JKB_ORG_NONE;
        r.published = (jkb_date){(int16_t)sp->y, (int8_t)sp->m, (int8_t)sp->d};
        r.categories = sp->cats;
        r.data_classes = sp->data;
        r.authorities = sp->auth;
        r.affected_qualifier = JKB_QUAL_NONE;
        r.leak_status = JKB_LEAK_UNKNOWN;
        r.secondary_damage = JKB_SEC_UNKNOWN;
        if (sp->actor) {
            r.actors = &actor;
            r.n_actors = 1;
        }
        size_t len = strlen(sp->text);
        r.extent = (jkb_span){0, (uint32_t)len};
        fz_membuf m = {NULL, 0};
        jkb_source src = {"fuzz.txt", NULL};
        CHECK(jkb_record_write_json(&r, sp->text, &src, 0, fz_mem_write, &m) == JKB_OK);
        jkb_notice_in in = {sp->text, len, src.file, i, &r, m.p, m.len, jkb_version(), NULL};
        jkb_put_outcome o;
        int64_t id;
        if (jkb_store_put(s, &in, &o, &id, &err) != JKB_OK) {
            fprintf(stderr, "fuzz casebook put: %s\n", err.msg);
            CHECK(!"a notice is stored");
        }
        free(m.p);
    }
    CHECK(jkb_store_commit(s, &err) == JKB_OK);
    jkb_store_close(s);
}

/* Remove the casebook at path with its WAL files (path "" : nothing). */
static void fz_casebook_remove(const char *path)
{
    if (!path[0])
        return;
    char p[80];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

#endif
