/*
 * Number and count grammar over normalized text: 3,325 / 2万3千 / 一万二千 /
 * 1.2万, and counts such as 約3万件, 最大で47,380件, 2,000件以上, 3,325名様分.
 * Supplies the value, unit and qualifier behind `affected` and
 * `affected_qualifier`; the caller chooses which count is the total.
 */
#include "number.h"

#include <string.h>

/* ---- small helpers ---- */

/* The text is not NUL-terminated: every read below checks its index
 * against len first, so nothing ever touches s[len]. */
static int at(const char *s, size_t len, size_t i, const char *lit, size_t n)
{
    return i <= len && len - i >= n && memcmp(s + i, lit, n) == 0;
}

static int is_digit_at(const char *s, size_t len, size_t i)
{
    return i < len && s[i] >= '0' && s[i] <= '9';
}

static int is_ascii_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Checked int64 arithmetic on non-negative values: an overflow makes the
 * whole number "not a number" rather than a wrapped value. */
static int mul_ok(int64_t a, int64_t b, int64_t *r)
{
    if (a != 0 && b > INT64_MAX / a)
        return 0;
    *r = a * b;
    return 1;
}

static int add_ok(int64_t a, int64_t b, int64_t *r)
{
    if (b > INT64_MAX - a)
        return 0;
    *r = a + b;
    return 1;
}

/* A word of a closed class (a unit, a prefix, a suffix) with the followers
 * that turn it into part of another word: 名 is the unit in 3名 but not in
 * 3名前 (the start of 名前, "name"). These are the grammar's own closed
 * vocabulary, so they live here beside the code that reads them. */
typedef struct word {
    const char *w;
    int tag;
    const char *const *not_before; /* NULL-terminated, or NULL */
} word;

/* Is s[i..] one of the excluded followers of a word? */
static int followed_by_any(const char *s, size_t len, size_t i, const char *const *list)
{
    if (list == NULL)
        return 0;
    for (size_t k = 0; list[k] != NULL; k++)
        if (at(s, len, i, list[k], strlen(list[k])))
            return 1;
    return 0;
}

/* Suffix qualifiers that begin with an excluded follower: 3名前後 is 名 and
 * 前後 (about 3 people), not the 名前 of "name". */
static const char *const QUALIFIER_FOLLOWERS[] = {"前後", NULL};

/* The first word of `tab` (ordered longest first where one is a prefix of
 * another) found at s[i] and not followed by one of its excluded words.
 * Returns its length, 0 when none matches. */
static size_t match_word(const char *s, size_t len, size_t i, const word *tab, size_t n, int *tag)
{
    for (size_t k = 0; k < n; k++) {
        /* cheap reject before strlen: a Japanese word's first byte (E3..E9)
         * is shared by thousands of characters, its first three are not */
        const char *w = tab[k].w;
        if (i >= len || s[i] != w[0] || (w[1] && (i + 1 >= len || s[i + 1] != w[1])) ||
            (w[1] && w[2] && (i + 2 >= len || s[i + 2] != w[2])))
            continue;
        size_t wl = strlen(tab[k].w);
        if (!at(s, len, i, tab[k].w, wl))
            continue;
        if (followed_by_any(s, len, i + wl, tab[k].not_before) &&
            !followed_by_any(s, len, i + wl, QUALIFIER_FOLLOWERS))
            continue;
        /* ASCII units (GB, PV, ID) must end the word: 3GBytes is not 3GB. */
        if (is_ascii_alpha((unsigned char)tab[k].w[wl - 1]) && i + wl < len &&
            is_ascii_alpha((unsigned char)s[i + wl]))
            continue;
        *tag = tab[k].tag;
        return wl;
    }
    return 0;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Up to `max` ASCII spaces at s[i]; returns how many. */
static size_t spaces(const char *s, size_t len, size_t i, size_t max)
{
    size_t n = 0;
    while (n < max && i + n < len && s[i + n] == ' ')
        n++;
    return n;
}

/* ---- numbers ---- */

enum { TOK_NONE, TOK_DIGIT, TOK_SMALL, TOK_LARGE };

typedef struct kanji_num {
    const char *w;
    int kind;  /* TOK_DIGIT, TOK_SMALL (十百千) or TOK_LARGE (万億兆) */
    int64_t v;
} kanji_num;

static const kanji_num KANJI[] = {
    {"〇", TOK_DIGIT, 0}, {"零", TOK_DIGIT, 0}, {"一", TOK_DIGIT, 1},
    {"二", TOK_DIGIT, 2}, {"三", TOK_DIGIT, 3}, {"四", TOK_DIGIT, 4},
    {"五", TOK_DIGIT, 5}, {"六", TOK_DIGIT, 6}, {"七", TOK_DIGIT, 7},
    {"八", TOK_DIGIT, 8}, {"九", TOK_DIGIT, 9},
    {"十", TOK_SMALL, 10}, {"百", TOK_SMALL, 100}, {"千", TOK_SMALL, 1000},
    {"万", TOK_LARGE, 10000}, {"億", TOK_LARGE, 100000000},
    {"兆", TOK_LARGE, 1000000000000},
};

/* The kanji numeral at s[i]: 3 bytes (all of them are), kind and value. */
static int kanji_at(const char *s, size_t len, size_t i, int64_t *v)
{
    for (size_t k = 0; k < NELEM(KANJI); k++)
        if (at(s, len, i, KANJI[k].w, 3)) {
            *v = KANJI[k].v;
            return KANJI[k].kind;
        }
    return TOK_NONE;
}

/* An ASCII numeral: digits, ',' groups, an optional '.' fraction. */
typedef struct ascii_num {
    size_t end;
    int64_t mant;  /* all digits, integer and fraction, as one integer */
    int scale;     /* fraction digits: value = mant / 10^scale */
    int bad;       /* overflow or longer than the cap */
} ascii_num;

/* Read digits into *a from s[i]; the number started at `start` and may not
 * run past `start + JKB_NUMBER_MAX_BYTES`. Fraction digits are capped at 18
 * so that 10^scale always fits in int64. */
static size_t read_digits(const char *s, size_t len, size_t i, size_t start, ascii_num *a,
                          int frac)
{
    while (is_digit_at(s, len, i)) {
        if (i - start >= JKB_NUMBER_MAX_BYTES || (frac && a->scale >= 18) ||
            !mul_ok(a->mant, 10, &a->mant) ||
            !add_ok(a->mant, s[i] - '0', &a->mant)) {
            a->bad = 1;
            return i;
        }
        if (frac)
            a->scale++;
        i++;
    }
    return i;
}

/* "3,325": a comma is a group separator only when exactly three digits
 * follow it; "1,2" and "1,2345" are the number 1 and then other text. The
 * first run may have 1 to 3 digits for the same reason (1234,567 is not
 * written). */
static void read_ascii(const char *s, size_t len, size_t i, size_t start, ascii_num *a)
{
    a->mant = 0;
    a->scale = 0;
    a->bad = 0;
    size_t run_start = i;
    i = read_digits(s, len, i, start, a, 0);
    if (a->bad)
        return;
    if (i - run_start <= 3) {
        while (i < len && s[i] == ',' && is_digit_at(s, len, i + 1) &&
               is_digit_at(s, len, i + 2) && is_digit_at(s, len, i + 3) &&
               !is_digit_at(s, len, i + 4)) {
            i = read_digits(s, len, i + 1, start, a, 0);
            if (a->bad)
                return;
        }
    }
    /* A '.' is a decimal point only between digits: "1." ending a list
     * item is not a fraction. */
    if (i < len && s[i] == '.' && is_digit_at(s, len, i + 1)) {
        i = read_digits(s, len, i + 1, start, a, 1);
        if (a->bad)
            return;
    }
    a->end = i;
}

static int64_t pow10i(int n)
{
    int64_t p = 1;
    while (n-- > 0)
        p *= 10;
    return p;
}

enum { SC_OVERFLOW = -1, SC_FRACTION = 0, SC_OK = 1 };

/* mant / 10^scale * m as a whole number: SC_OK, SC_FRACTION when it is not
 * whole (1.23456万), SC_OVERFLOW when it does not fit. */
static int scaled(int64_t mant, int scale, int64_t m, int64_t *out)
{
    int64_t p;
    if (!mul_ok(mant, m, &p))
        return SC_OVERFLOW;
    int64_t d = pow10i(scale);
    if (p % d != 0)
        return SC_FRACTION;
    *out = p / d;
    return SC_OK;
}

/*
 * The numeral is read as tokens (an ASCII numeral, a kanji digit, a small
 * multiplier 十百千, a large one 万億兆) with the usual Japanese structure:
 * total = Σ section × large, section = Σ digit × small + digit. After each
 * token the value so far is recorded when it is a complete number, and the
 * last such value is returned: "3万12345" stops after 3万, "2.5GB" (a
 * fraction never scaled to a whole number) is no number at all. An
 * overflow anywhere makes the whole numeral no number.
 */
size_t jkb_number_parse(const char *s, size_t len, size_t pos, int64_t *value)
{
    if (s == NULL || pos >= len)
        return 0;

    const int64_t NONE = INT64_MAX;   /* no multiplier yet */
    int64_t total = 0, section = 0;
    int64_t last_small = NONE, last_large = NONE;
    /* The pending digits: read, not yet multiplied or added. */
    int has_pend = 0, pend_kanji = 0, pend_digits = 0, pend_scale = 0;
    int64_t pend = 0;
    size_t i = pos, best_end = pos;
    int64_t best = 0;

    for (;;) {
        int64_t kv = 0;
        int kind, ascii = 0;
        size_t tok_end;
        ascii_num a = {0, 0, 0, 0};

        if (is_digit_at(s, len, i)) {
            if (has_pend)
                break;  /* 二3 is not one number */
            read_ascii(s, len, i, pos, &a);
            if (a.bad)
                return 0;
            kind = TOK_DIGIT;
            ascii = 1;
            tok_end = a.end;
        } else {
            kind = kanji_at(s, len, i, &kv);
            if (kind == TOK_NONE)
                break;
            tok_end = i + 3;
        }
        /* Bounded work per call: a numeral longer than the cap (a run of
         * 〇 or of digits) is not a number. */
        if (tok_end - pos > JKB_NUMBER_MAX_BYTES)
            return 0;

        if (ascii) {
            has_pend = 1;
            pend_kanji = 0;
            pend = a.mant;
            pend_scale = a.scale;
        } else if (kind == TOK_DIGIT) {
            /* Kanji digits in a row are positional: 二〇二三 is 2023. */
            if (has_pend && !pend_kanji)
                break;
            int64_t p = has_pend ? pend : 0;
            if (!mul_ok(p, 10, &p) || !add_ok(p, kv, &p))
                return 0;
            pend_digits = has_pend ? pend_digits + 1 : 1;
            pend = p;
            pend_scale = 0;
            has_pend = 1;
            pend_kanji = 1;
        } else if (kind == TOK_SMALL) {
            /* 二千五百: small multipliers fall, and what stands before one
             * is a single digit (so 1,000千円 is 1000 and the unit 千円). */
            if (kv >= last_small)
                break;
            int64_t mult = kv;
            if (has_pend) {
                int64_t ip = pend / pow10i(pend_scale);
                if (ip == 0 || ip > 9 || (pend_kanji && pend_digits > 1))
                    break;
                int r = scaled(pend, pend_scale, kv, &mult);
                if (r == SC_OVERFLOW)
                    return 0;
                if (r == SC_FRACTION)
                    break;
            }
            if (!add_ok(section, mult, &section))
                return 0;
            last_small = kv;
            has_pend = 0;
        } else { /* TOK_LARGE */
            if (kv >= last_large)
                break;
            /* The digits before 万 fit under the last small multiplier:
             * 2千5百万, not 2千5000万. */
            if (has_pend && last_small != NONE && (pend_scale != 0 || pend >= last_small))
                break;
            int64_t sec;
            if (!mul_ok(section, kv, &sec))
                return 0;
            if (has_pend) {
                int64_t pm = 0;
                int r = scaled(pend, pend_scale, kv, &pm); /* 1.2万 */
                if (r == SC_OVERFLOW)
                    return 0;
                if (r == SC_FRACTION)
                    break;
                if (!add_ok(sec, pm, &sec))
                    return 0;
            }
            if (sec == 0)
                break;  /* 万 alone (万が一), 〇万 */
            if (last_large != NONE && sec >= last_large)
                break;  /* 1億20000万 */
            if (!add_ok(total, sec, &total))
                return 0;
            last_large = kv;
            last_small = NONE;
            section = 0;
            has_pend = 0;
        }
        i = tok_end;

        /* Record the value when what has been read is a complete number:
         * whole, and each tail under the multiplier before it. */
        int64_t tail = section;
        int ok = 1;
        if (has_pend) {
            ok = pend_scale == 0 && (last_small == NONE || pend < last_small);
            if (ok && !add_ok(tail, pend, &tail))
                return 0;
        }
        if (ok && last_large != NONE && tail >= last_large)
            ok = 0;  /* 3万12345: the tail must fit under the 万 */
        if (ok) {
            if (!add_ok(total, tail, &best))
                return 0;
            best_end = i;
        }
    }
    if (best_end == pos)
        return 0;
    if (value != NULL)
        *value = best;
    return best_end - pos;
}

/* ---- counts ---- */

/* Followers that make the unit part of another word (see `word`). */
static const char *const NOT_AFTER_MEI[] = {
    "前", "義", "簿", "称", "刺", "乗", "字", "目", "物", "所", "産", "誉", "声",
    "鑑", "門", "古屋", "宛", NULL};
static const char *const NOT_AFTER_NIN[] = {
    "材", "事", "員", "間", "物", "口", "格", "気", "権", "工", "件", "的", "種",
    "柄", "道", "質", "形", "目", NULL};
static const char *const NOT_AFTER_KEN[] = {"名", "目", NULL};
static const char *const NOT_AFTER_TSUU[] = {
    "知", "報", "信", "常", "販", "帳", "り", "じ", "話", "院", "学", "勤", "行",
    "算", "貨", "称", "過", "所", "路", "達", "訳", "関", "用", "例", "年", "る",
    "す", "っ", "し", "わ", "夜", "風", "目", NULL};
static const char *const NOT_AFTER_SHA[] = {
    "員", "内", "外", "会", "長", "名", "屋", "債", "是", "宅", "章", "寺", "殿",
    "説", "交", "用", "印", "製", "有", "団", "史", "風", "歴", "務", "則", "判",
    "食", "労", "保", "規", "葬", "旗", "協", "福", "目", NULL};
static const char *const NOT_AFTER_SOSHIKI[] = {"的", "図", "化", "内", "改", "変", "再", "運", NULL};
static const char *const NOT_AFTER_KOU[] = {
    "長", "舎", "内", "外", "庭", "則", "門", "医", "正", "了", "閲", "訂", "歌",
    "風", "務", "目", NULL};
static const char *const NOT_AFTER_KIKAN[] = {"誌", "紙", "車", "銃", NULL};
static const char *const NOT_AFTER_HOUJIN[] = {"税", "番", "格", "化", "名", NULL};
static const char *const NOT_AFTER_MAI[] = {"目", NULL};

/* Longest first wherever one word begins another (名様 before 名). The
 * optional 様 and 分 after a people unit are read separately. */
static const word UNITS[] = {
    /* people */
    {"名", JKB_UNIT_PEOPLE, NOT_AFTER_MEI},
    {"人", JKB_UNIT_PEOPLE, NOT_AFTER_NIN},
    /* records, cards, mails */
    {"件", JKB_UNIT_RECORDS, NOT_AFTER_KEN},
    {"枚", JKB_UNIT_CARDS, NOT_AFTER_MAI},
    {"通", JKB_UNIT_MAILS, NOT_AFTER_TSUU},
    /* organizations */
    {"社", JKB_UNIT_ORGS, NOT_AFTER_SHA},
    {"組織", JKB_UNIT_ORGS, NOT_AFTER_SOSHIKI},
    {"団体", JKB_UNIT_ORGS, NULL},
    {"校", JKB_UNIT_ORGS, NOT_AFTER_KOU},
    {"機関", JKB_UNIT_ORGS, NOT_AFTER_KIKAN},
    {"法人", JKB_UNIT_ORGS, NOT_AFTER_HOUJIN},
    {"自治体", JKB_UNIT_ORGS, NULL},
    {"企業", JKB_UNIT_ORGS, NULL},
    {"事業者", JKB_UNIT_ORGS, NULL},
    /* other things: returned so the caller can see it is not a count of
     * people or records and reject it */
    {"台", JKB_UNIT_OTHER, NULL},
    {"回", JKB_UNIT_OTHER, NULL},
    {"個", JKB_UNIT_OTHER, NULL},
    {"箇所", JKB_UNIT_OTHER, NULL},
    {"ヶ所", JKB_UNIT_OTHER, NULL},
    {"か所", JKB_UNIT_OTHER, NULL},
    {"カ所", JKB_UNIT_OTHER, NULL},
    {"世帯", JKB_UNIT_OTHER, NULL},
    {"日間", JKB_UNIT_OTHER, NULL},
    {"日", JKB_UNIT_OTHER, NULL},
    {"時間", JKB_UNIT_OTHER, NULL},
    {"時", JKB_UNIT_OTHER, NULL},
    {"分間", JKB_UNIT_OTHER, NULL},
    {"分", JKB_UNIT_OTHER, NULL},
    {"秒", JKB_UNIT_OTHER, NULL},
    {"週間", JKB_UNIT_OTHER, NULL},
    {"年間", JKB_UNIT_OTHER, NULL},
    {"年度", JKB_UNIT_OTHER, NULL},
    {"年生", JKB_UNIT_OTHER, NULL},
    {"年", JKB_UNIT_OTHER, NULL},
    {"か月", JKB_UNIT_OTHER, NULL},
    {"ヶ月", JKB_UNIT_OTHER, NULL},
    {"カ月", JKB_UNIT_OTHER, NULL},
    {"ケ月", JKB_UNIT_OTHER, NULL},
    {"箇月", JKB_UNIT_OTHER, NULL},
    {"月", JKB_UNIT_OTHER, NULL},
    {"歳", JKB_UNIT_OTHER, NULL},
    {"才", JKB_UNIT_OTHER, NULL},
    {"万円", JKB_UNIT_OTHER, NULL},
    {"千円", JKB_UNIT_OTHER, NULL},
    {"円", JKB_UNIT_OTHER, NULL},
    {"ドル", JKB_UNIT_OTHER, NULL},
    {"TB", JKB_UNIT_OTHER, NULL},
    {"GB", JKB_UNIT_OTHER, NULL},
    {"MB", JKB_UNIT_OTHER, NULL},
    {"KB", JKB_UNIT_OTHER, NULL},
    {"バイト", JKB_UNIT_OTHER, NULL},
    {"%", JKB_UNIT_OTHER, NULL},
    {"倍", JKB_UNIT_OTHER, NULL},
    {"階", JKB_UNIT_OTHER, NULL},
    {"号", JKB_UNIT_OTHER, NULL},
    {"報", JKB_UNIT_OTHER, NULL},
    {"ページ", JKB_UNIT_OTHER, NULL},
    {"頁", JKB_UNIT_OTHER, NULL},
    {"PV", JKB_UNIT_OTHER, NULL},
    {"行", JKB_UNIT_OTHER, NULL},
    {"列", JKB_UNIT_OTHER, NULL},
    {"項目", JKB_UNIT_OTHER, NULL},
    {"種類", JKB_UNIT_OTHER, NULL},
    {"点", JKB_UNIT_OTHER, NULL},
    {"部", JKB_UNIT_OTHER, NULL},
    {"冊", JKB_UNIT_OTHER, NULL},
    {"本", JKB_UNIT_OTHER, NULL},
    {"拠点", JKB_UNIT_OTHER, NULL},
    {"店舗", JKB_UNIT_OTHER, NULL},
    {"施設", JKB_UNIT_OTHER, NULL},
    {"事業所", JKB_UNIT_OTHER, NULL},
    {"口座", JKB_UNIT_OTHER, NULL},
    {"ポイント", JKB_UNIT_OTHER, NULL},
    {"アカウント", JKB_UNIT_OTHER, NULL},
    {"ID", JKB_UNIT_OTHER, NULL},
    {"クラス", JKB_UNIT_OTHER, NULL},
    {"学年", JKB_UNIT_OTHER, NULL},
    {"次", JKB_UNIT_OTHER, NULL},
    {"度", JKB_UNIT_OTHER, NULL},
    {"位", JKB_UNIT_OTHER, NULL},
    {"番", JKB_UNIT_OTHER, NULL},
    {"条", JKB_UNIT_OTHER, NULL},
    {"章", JKB_UNIT_OTHER, NULL},
};

/* 分 after a unit is "worth of" (681人分) unless it begins a word. */
static const char *const NOT_AFTER_BUN[] = {
    "析", "野", "類", "散", "離", "割", "布", "担", "岐", "配", "別", "解", "娩",
    "館", "室", "院", "か", "け", "母", "子", "量", "際", "身", "権", "立", NULL};

enum { P_APPROX = 1, P_UPPER, P_LOWER };

/* Prefixes other than the 最大 family, which read_prefix handles. */
static const word PREFIXES[] = {
    {"おおよそ", P_APPROX, NULL},
    {"およそ", P_APPROX, NULL},
    {"おおむね", P_APPROX, NULL},
    {"概ね", P_APPROX, NULL},
    {"約", P_APPROX, NULL},
    {"少なくとも", P_LOWER, NULL},
};

/* A qualifier prefix at s[i]: 最大, 最大で, 最大約, 最大で約, 最大 約 (all
 * upper: the bound is what the notice commits to), 約, およそ, 概ね (approx),
 * 少なくとも (lower). Returns its length with the spaces after it. */
static size_t read_prefix(const char *s, size_t len, size_t i, int *p)
{
    size_t j = i;
    if (at(s, len, j, "最大", 6)) {
        j += 6;
        if (at(s, len, j, "で", 3))
            j += 3;
        size_t sp = spaces(s, len, j, 2);
        if (at(s, len, j + sp, "約", 3))
            j += sp + 3;
        *p = P_UPPER;
    } else {
        size_t n = match_word(s, len, j, PREFIXES, NELEM(PREFIXES), p);
        if (n == 0)
            return 0;
        j += n;
    }
    return j + spaces(s, len, j, 2) - i;
}

static const char *const NOT_AFTER_IKA[] = {"のとおり", "の通り", "のように", "同様", "省略", "参照", NULL};
static const char *const NOT_AFTER_AMARI[] = {"裕", "計", "地", "談", "波", "暇", "白", "剰", "生", "興", "分", NULL};
static const char *const NOT_AFTER_KYOU[] = {"化", "制", "調", "い", "く", "固", "度", "盗", "要", "力", "烈", NULL};
static const char *const NOT_AFTER_JAKU[] = {"点", "い", "く", "体", "者", "小", "め", "化", "性", NULL};

static const word SUFFIXES[] = {
    {"を超える", P_LOWER, NULL},
    {"を超え", P_LOWER, NULL},
    {"超え", P_LOWER, NULL},
    {"超", P_LOWER, NULL},
    {"以上", P_LOWER, NULL},
    {"余り", P_LOWER, NULL},
    {"あまり", P_LOWER, NULL},
    {"余", P_LOWER, NOT_AFTER_AMARI},
    {"強", P_LOWER, NOT_AFTER_KYOU},
    {"以下", P_UPPER, NOT_AFTER_IKA},
    {"未満", P_UPPER, NULL},
    {"弱", P_UPPER, NOT_AFTER_JAKU},
    {"まで", P_UPPER, NULL},
    {"程度", P_APPROX, NULL},
    {"前後", P_APPROX, NULL},
    {"ほど", P_APPROX, NULL},
    {"くらい", P_APPROX, NULL},
    {"ぐらい", P_APPROX, NULL},
    {"相当", P_APPROX, NULL},
};

/* Is the character ending just before s[i] part of a numeral? Then s[i]
 * is inside a number (the 234 of 1,234, the 3 of 2万3千) and no count may
 * start there. */
static int inside_number(const char *s, size_t i)
{
    if (i == 0)
        return 0;
    unsigned char c = (unsigned char)s[i - 1];
    if (c >= '0' && c <= '9')
        return 1;
    if ((c == ',' || c == '.') && i >= 2 && s[i - 2] >= '0' && s[i - 2] <= '9')
        return 1;
    int64_t v;
    return i >= 3 && kanji_at(s, i, i - 3, &v) != TOK_NONE;
}

static jkb_count_qual to_qual(int p)
{
    switch (p) {
    case P_APPROX: return JKB_CQ_APPROX;
    case P_UPPER: return JKB_CQ_UPPER;
    case P_LOWER: return JKB_CQ_LOWER;
    default: return JKB_CQ_EXACT;
    }
}

/* 最大 bounds the count from above whatever follows; a written bound after
 * the count (以上, 以下) is firmer than 少なくとも or a vague 約/程度; 約 and
 * 程度 both say approx. */
static jkb_count_qual combine(int prefix, int suffix)
{
    if (prefix == P_UPPER)
        return JKB_CQ_UPPER;
    if (suffix == P_LOWER || suffix == P_UPPER)
        return to_qual(suffix);
    if (prefix != 0)
        return to_qual(prefix);
    return to_qual(suffix);
}

size_t jkb_count_parse(const char *s, size_t len, size_t pos, jkb_count *out)
{
    if (s == NULL || pos >= len)
        return 0;

    size_t i = pos;
    int prefix = 0;
    size_t pl = read_prefix(s, len, i, &prefix);
    if (pl > 0) {
        i += pl;
    } else if (inside_number(s, pos)) {
        return 0;
    }

    size_t num_start = i;
    int64_t value = 0;
    size_t nl = jkb_number_parse(s, len, i, &value);
    if (nl == 0)
        return 0;
    i += nl;

    /* 2,934 名様分: up to two spaces before the unit, none inside it. */
    i += spaces(s, len, i, 2);
    int unit = JKB_UNIT_NONE;
    size_t ul = match_word(s, len, i, UNITS, NELEM(UNITS), &unit);
    if (ul == 0)
        return 0;  /* a bare number is not a count */
    i += ul;
    if (unit == JKB_UNIT_PEOPLE && at(s, len, i, "様", 3))
        i += 3;
    if (unit != JKB_UNIT_OTHER && at(s, len, i, "分", 3) &&
        !followed_by_any(s, len, i + 3, NOT_AFTER_BUN))
        i += 3;

    int suffix = 0;
    size_t sp = spaces(s, len, i, 2);
    size_t sl = match_word(s, len, i + sp, SUFFIXES, NELEM(SUFFIXES), &suffix);
    if (sl > 0)
        i += sp + sl;

    if (out != NULL) {
        out->start = pos;
        out->end = i;
        out->num_start = num_start;
        out->value = value;
        out->unit = (jkb_unit)unit;
        out->qual = combine(prefix, suffix);
    }
    return i - pos;
}
