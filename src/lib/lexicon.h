/*
 * The lexicon: words that signal categories, data classes, vectors,
 * authorities, measures, actors, org kinds and the cues the extractor reads
 * (negation, possibility, events ...). Loaded from TSV (the files of data/lexicon,
 * compiled in, plus users' files), scanned in one multi-pattern pass over the
 * normalized text.
 */
#ifndef JKB_LEXICON_H
#define JKB_LEXICON_H

#include <stddef.h>
#include <stdint.h>
#include "jikenbo/jikenbo.h"
#include "util.h"

typedef enum jkb_lex_field {
    JKB_LF_CATEGORY = 0, JKB_LF_DATA_CLASS, JKB_LF_VECTOR, JKB_LF_AUTHORITY, JKB_LF_MEASURE,
    JKB_LF_ORG_KIND, JKB_LF_ACTOR, JKB_LF_CUE,
    JKB_LF__COUNT
} jkb_lex_field;

/* Cues: the words the extractor's rules read. Spelled in the TSV as the
 * lower-case name after JKB_CUE_. */
#define JKB_CUES(X)                                                                                \
    X(NEG)          /* ございません, おりません, ない: a denial that ends a clause */               \
    X(POSSIBLE)     /* 可能性, おそれ, 否定できない */                                               \
    X(LEAK)         /* 流出, 漏えい: data reached others */                                          \
    X(EXPOSE)       /* 閲覧可能, 誤送信, 紛失: data reached or may reach others */                    \
    X(VIEW)         /* 閲覧された, 閲覧可能: seen, when the sentence is about data */            \
    X(CONFIRMED)    /* 確認, 判明 after a leak word */                                              \
    X(SECONDARY)    /* 二次被害, 不正利用 */                                                        \
    X(ADVICE)       /* お願い, ご注意ください: advice to readers */                                  \
    X(TOTAL)        /* 合計, 全期間合計, 計 */                                                       \
    X(SUBTOTAL)     /* 小計, 内訳 */                                                                \
    X(INVESTIGATING) /* 調査中 */                                                                   \
    X(EV_OCCURRED)                                                                                  \
    X(EV_DETECTED)                                                                                  \
    X(EV_CONTAINED)                                                                                 \
    X(EV_REPORTED)                                                                                  \
    X(EV_NOTIFIED)                                                                                  \
    X(EV_PUBLISHED)                                                                                 \
    X(EV_RESTORED)                                                                                  \
    X(NOT_EVENT)    /* 調査開始, 予定, 期限: a date that is not an event */                          \
    X(CLAIM)        /* ハッキングしたと主張, リークサイト */                                         \
    X(VICTIM_LIST)  /* 被害組織リスト */                                                            \
    X(SELF)         /* 当社, 弊社, 本学 */                                                          \
    X(DATA_HEAD)    /* 個人情報の内容, 流出した情報: a heading over a list of data */                \
    X(TITLE_END)    /* について, お知らせ, お詫び: how titles end */                                \
    X(PUBLISHED_AT) /* 発表日, 公表日, 掲載日 */                                                    \
    X(UPDATED_AT)   /* 更新日 */                                                                   \
    X(PAST)         /* 以前, 既に: a pre-existing state */                                          \
    X(PLAN)         /* 予定, 今後, 検討 */                                                          \
    X(NOT_PEOPLE)   /* 送信, 閲覧数, アクセス数: a count of other things */                          \
    X(CONTRACTOR)   /* 委託先, 委託業者 */                                                          \
    X(SERVER)       /* サーバ, システム, ネットワーク: a system (not an account) */                  \
    X(ORG_STOP)     /* words that end an organization name */                                      \
    X(NOT_LEAK)     /* から流出 (leaked elsewhere), 流出の有無: a leak word that states no leak */ \
    X(DATA_WORD)    /* 情報, データ, ファイル: the sentence is about data */                      \
    X(DATA_VERB)    /* 記載, 含まれ: the sentence says what data was held */                     \
    X(TARGET)       /* 対象, 該当: the people a notice is about */                                   \
    X(STAFF)        /* 従業員, 職員: a count right after these counts staff, not victims */        \
    X(RECIPIENTS)   /* 宛先約4,500件: a count of addressees, not of victims */                     \
    X(INBOUND)      /* 受信, リンク, 開いた: a message that came in (a lure, not spam sent out) */ \
    X(CVE)          /* CVE- : where a CVE identifier may start */                                 \
    X(ACTOR_CTX)    /* ランサムウェア, グループ, 攻撃者: an actor name counts only beside these */

typedef enum jkb_cue {
#define JKB_CUE_ENUM(n) JKB_CUE_##n,
    JKB_CUES(JKB_CUE_ENUM)
#undef JKB_CUE_ENUM
    JKB_CUE__COUNT
} jkb_cue;

/* Term flags (TSV 4th column, comma-separated names). */
enum {
    JKB_LX_WORD = 1,      /* ASCII term: needs non-alphanumeric neighbours (set automatically) */
    JKB_LX_WEAK = 2,      /* a weak signal: counts only with support (see extract.c) */
    JKB_LX_LEGAL = 4,     /* org_kind: a legal form (株式会社), decides over suffixes */
    JKB_LX_SUFFIX = 8,    /* org_kind: counts only at the end of a name */
    JKB_LX_STRONG = 16,   /* a strong signal */
    JKB_LX_NOVERSION = 32, /* actor: do not take a version number after it */
    JKB_LX_FOLD = 64       /* (set automatically) has ASCII letters: compare case-blind */
};

typedef struct jkb_term {
    const char *text;  /* normalized, ASCII lower-cased */
    uint32_t len;
    uint8_t field;     /* jkb_lex_field */
    uint8_t flags;
    int16_t value;     /* enum value, cue, or actor name index */
} jkb_term;

typedef struct jkb_hit {
    uint32_t start, end; /* normalized text */
    uint32_t term;
    uint8_t field, flags; /* copies of the term's, read on every rule */
    int16_t value;
} jkb_hit;

typedef struct jkb_lexicon jkb_lexicon;

jkb_status jkb_lexicon_new(jkb_lexicon **out);
/* Add the terms of a TSV text. Lines: term<TAB>field<TAB>value[<TAB>flags];
 * '#' starts a comment line. Errors name the line. */
jkb_status jkb_lexicon_add_tsv(jkb_lexicon *lx, const char *tsv, size_t len, const char *name, jkb_err *err);
jkb_status jkb_lexicon_compile(jkb_lexicon *lx, jkb_err *err);
void jkb_lexicon_free(jkb_lexicon *lx);

const jkb_term *jkb_lexicon_term(const jkb_lexicon *lx, uint32_t i);
const jkb_term *jkb_lexicon_terms(const jkb_lexicon *lx); /* all, by index; NULL when none */
const char *jkb_lexicon_actor(const jkb_lexicon *lx, int i);
size_t jkb_lexicon_size(const jkb_lexicon *lx);

/* Every occurrence of every term in s[0, len), overlaps included, appended to
 * hits (a jkb_vec of jkb_hit) in order of start. */
jkb_status jkb_lexicon_scan(const jkb_lexicon *lx, const char *s, size_t len, jkb_vec *hits);

/* Normalize a short string the way the document is (for terms). Returns a
 * malloc'd string. */
char *jkb_lexicon_normalize(const char *s, size_t len, size_t *outlen);

#endif
