/*
 * Number and count grammar over normalized text (NFKC: ASCII digits and
 * commas). Fills `affected` and `affected_qualifier`.
 */
#ifndef JKB_NUMBER_H
#define JKB_NUMBER_H

#include <stddef.h>
#include <stdint.h>

/* What a count counts, from the unit after it. */
typedef enum jkb_unit {
    JKB_UNIT_NONE = 0,   /* a bare number */
    JKB_UNIT_PEOPLE,     /* 名, 人, 名様, 名分, 人分, 名様分, 世帯 is not people (other) */
    JKB_UNIT_RECORDS,    /* 件, 件分 */
    JKB_UNIT_CARDS,      /* 枚 (cards, sheets) */
    JKB_UNIT_MAILS,      /* 通 */
    JKB_UNIT_ORGS,       /* 社, 組織, 団体, 校, 機関 */
    JKB_UNIT_OTHER       /* 台, 回, 個, 箇所, 世帯, GB, 日, 時間, 年, 月, ... anything else */
} jkb_unit;

/* Same numbering as jkb_qualifier in jikenbo.h. */
typedef enum jkb_count_qual {
    JKB_CQ_EXACT = 0, /* plain */
    JKB_CQ_APPROX,    /* 約, およそ, 概ね, 程度, 前後, ほど */
    JKB_CQ_UPPER,     /* 最大, 最大約, 最大で, 以下, 未満, まで */
    JKB_CQ_LOWER      /* 以上, 超, 超える, 余り, 強 */
} jkb_count_qual;

typedef struct jkb_count {
    size_t start, end;   /* the whole phrase, qualifiers included */
    size_t num_start;    /* where the digits (or kanji numerals) begin */
    int64_t value;
    jkb_unit unit;
    jkb_count_qual qual;
} jkb_count;

/* The longest numeral jkb_number_parse reads, in bytes; a longer run of
 * digits or kanji numerals is not a number. It keeps every call bounded, so
 * trying each position of a text stays linear. */
#define JKB_NUMBER_MAX_BYTES 40

/* Read a number at s[pos]: ASCII digits with optional ',' groups
 * ("3,325"), kanji numerals (三百, 一万二千), mixed forms (2万3千, 1.2万, 3万).
 * Returns bytes consumed (0: none) and the value in *value. A number that
 * overflows int64 is not a number. */
size_t jkb_number_parse(const char *s, size_t len, size_t pos, int64_t *value);

/* Read a count phrase whose number starts at s[pos] or whose qualifier
 * prefix (約, 最大, 最大約, 最大で, およそ, 概ね) starts at s[pos]:
 * [qualifier] number [space] unit [分] [suffix qualifier: 以上, 超, 以下,
 * 程度, 前後, 余り]. Returns bytes consumed (0: no count here). */
size_t jkb_count_parse(const char *s, size_t len, size_t pos, jkb_count *out);

#endif
