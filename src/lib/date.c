/*
 * Date grammar: reads one date expression (2023年1月5日, 令和5年1月3日, R6.3.5,
 * 2023/1/5, 12月5日(火), 同日, 翌 9 日, ranges, trailing times of day) from
 * normalized text and resolves its year from the notice date and the date
 * mentioned before. Feeds `published` and the `timeline` of the record.
 */
#include "date.h"

#include <string.h>

/* One expression is at most ~100 bytes even with weekdays, times and a range
 * end (kanji are 3 bytes each); reading no further than this keeps a scan
 * that calls us at every position linear. */
#define WINDOW 160

/* Unknown years are checked and shifted inside a stand-in year: a leap year
 * for reading (so 2月29日 is not refused before the year is known), a common
 * year for day arithmetic (the usual case). */
#define LEAP_STANDIN 2000
#define PLAIN_STANDIN 2001

#define YEAR_MIN 1900
#define YEAR_MAX 2100

/* ---- calendar ---- */

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && is_leap(y))
        return 29;
    return days[m - 1];
}

int jkb_date_valid(int y, int m, int d)
{
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
        return 0;
    return d <= month_days(y, m);
}

/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian
 * calendar without tables or loops. */
int32_t jkb_date_days(jkb_date dt)
{
    int64_t y = dt.y;
    int64_t m = dt.m > 0 ? dt.m : 1; /* unknown parts count as the first */
    int64_t d = dt.d > 0 ? dt.d : 1;
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

jkb_date jkb_date_from_days(int32_t days)
{
    jkb_date out = {0, 0, 0};
    int64_t z = (int64_t)days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    if (y < INT16_MIN || y > INT16_MAX)
        return out; /* does not fit jkb_date: unknown rather than wrapped */
    out.y = (int16_t)y;
    out.m = (int8_t)m;
    out.d = (int8_t)d;
    return out;
}

int jkb_date_cmp(jkb_date a, jkb_date b)
{
    if (a.y != b.y)
        return a.y < b.y ? -1 : 1;
    if (a.m != b.m)
        return a.m < b.m ? -1 : 1;
    if (a.d != b.d)
        return a.d < b.d ? -1 : 1;
    return 0;
}

static jkb_date mk(int y, int m, int d)
{
    jkb_date r;
    r.y = (int16_t)y;
    r.m = (int8_t)m;
    r.d = (int8_t)d;
    return r;
}

static const jkb_date NO_DATE = {0, 0, 0};

/* Day arithmetic on a date whose year may be unknown (翌日 after 12月5日 with
 * no year known is still 12月6日). A date without month or day gives none. */
static jkb_date shift_days(jkb_date dt, int n)
{
    if (dt.m == 0 || dt.d == 0)
        return NO_DATE;
    int y = dt.y != 0 ? dt.y : PLAIN_STANDIN;
    jkb_date r = jkb_date_from_days(jkb_date_days(mk(y, dt.m, dt.d)) + n);
    if (dt.y == 0)
        r.y = 0;
    return r;
}

/* 0 = Sunday, as the weekday characters are listed. */
static int weekday_of(jkb_date dt)
{
    int32_t n = jkb_date_days(dt); /* 1970-01-01 was a Thursday */
    return (int)((n % 7 + 7 + 4) % 7);
}

/* Is (m, d) later in the year than (rm, rd)? A 0 day compares as "any day
 * of the month", so it is never later within the same month. */
static int md_after(int m, int d, int rm, int rd)
{
    if (m != rm)
        return m > rm;
    return d != 0 && rd != 0 && d > rd;
}

/* ---- reading tokens ---- */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* What one call reads: s[0, lim) only; len is the whole text, used to look
 * one character back before the start. */
typedef struct env {
    const char *s;
    size_t lim;
    jkb_date ref;           /* the notice date */
    jkb_date last;          /* what 同日, 翌日, 同月 count from */
    const jkb_date *start;  /* when reading a range's end: the range's start */
} env;

/* One date expression without its range part. */
typedef struct part {
    jkb_date date;
    int hour, minute;
    unsigned flags;
    int is_day;     /* names a day (even when its date is unknown) */
    int yearless;   /* month-day whose year was inferred: weekday may fix it */
} part;

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum_ascii(unsigned char c)
{
    return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Length of w if the text at p starts with it, else 0. */
static size_t lit(const env *e, size_t p, const char *w)
{
    /* the first bytes reject almost every word without measuring it (a
     * Japanese word's first byte alone is shared by thousands) */
    if (p >= e->lim || e->s[p] != w[0] || (w[1] && (p + 1 >= e->lim || e->s[p + 1] != w[1])) ||
        (w[1] && w[2] && (p + 2 >= e->lim || e->s[p + 2] != w[2])))
        return 0;
    size_t n = strlen(w);
    if (p > e->lim || e->lim - p < n)
        return 0;
    return memcmp(e->s + p, w, n) == 0 ? n : 0;
}

/* Notices space their dates freely (2022 年 12月 21 日); never across lines. */
static size_t sp(const env *e, size_t p)
{
    while (p < e->lim && (e->s[p] == ' ' || e->s[p] == '\t'))
        p++;
    return p;
}

/* Returns the index in `words` of the first word found at p, -1 if none. */
static int word_at(const env *e, size_t p, const char *const *words, size_t n, size_t *end)
{
    for (size_t i = 0; i < n; i++) {
        size_t k = lit(e, p, words[i]);
        if (k) {
            *end = p + k;
            return (int)i;
        }
    }
    return -1;
}

/* Index = value; the last entry, ○, is a common stand-in for 〇. */
static const char *const KANJI_DIGITS[] = {
    "〇", "一", "二", "三", "四", "五", "六", "七", "八", "九", "○"
};
#define KANJI_TEN "十"

/* Value of the kanji digit at p, -1 if none. */
static int kanji_digit(const env *e, size_t p, size_t *end)
{
    int i = word_at(e, p, KANJI_DIGITS, COUNT(KANJI_DIGITS), end);
    return i == 10 ? 0 : i;
}

typedef struct num {
    int val;
    int ndig;   /* digits written positionally (2023 → 4, 二〇二四 → 4); 0 for 十 forms */
    size_t end;
} num;

/* A number of at most 4 ASCII digits, or kanji numerals: positional
 * (二〇二四) or with 十 (十二, 二十一, 三十). More than 4 digits is not part
 * of a date, so it fails rather than reading a tail. */
static int read_num(const env *e, size_t p, num *n)
{
    const char *s = e->s;
    if (p < e->lim && is_digit((unsigned char)s[p])) {
        int v = 0, k = 0;
        while (p < e->lim && is_digit((unsigned char)s[p])) {
            if (++k > 4)
                return 0;
            v = v * 10 + (s[p] - '0');
            p++;
        }
        n->val = v;
        n->ndig = k;
        n->end = p;
        return 1;
    }
    /* kanji: collect up to 4 characters, then check the shape */
    int vals[4];
    int k = 0, tens = 0;
    size_t q = p;
    while (k < 4) {
        size_t end;
        int v = kanji_digit(e, q, &end);
        if (v < 0) {
            size_t t = lit(e, q, KANJI_TEN);
            if (!t)
                break;
            v = 10;
            end = q + t;
            tens++;
        }
        vals[k++] = v;
        q = end;
    }
    if (k == 0)
        return 0;
    if (tens == 0) {
        int v = 0;
        for (int i = 0; i < k; i++)
            v = v * 10 + vals[i];
        n->val = v;
        n->ndig = k;
        n->end = q;
        return 1;
    }
    /* [a]十[b] with a, b in 1..9 */
    int i = 0, v = 1;
    if (vals[0] != 10) {
        if (vals[0] == 0)
            return 0;
        v = vals[0];
        i = 1;
    }
    if (i >= k || vals[i] != 10)
        return 0;
    v *= 10;
    i++;
    if (i < k) {
        if (vals[i] == 10 || vals[i] == 0)
            return 0;
        v += vals[i];
        i++;
    }
    if (i != k)
        return 0; /* 二十一二: not a number we know */
    n->val = v;
    n->ndig = 0;
    n->end = q;
    return 1;
}

/* A month or day number: 1 or 2 ASCII digits (01 allowed), or kanji. */
static int small_num_ok(const num *n)
{
    return n->ndig <= 2;
}

static int starts_kanji_num(const env *e, size_t p)
{
    size_t end;
    return kanji_digit(e, p, &end) >= 0 || lit(e, p, KANJI_TEN) != 0;
}

/* ---- the words of the grammar ---- */

#define W_YEAR "年"
#define W_MONTH "月"
#define W_DAY "日"
#define W_FY "度"       /* 令和5年度: a fiscal year */
#define W_ERA_FIRST "元" /* 令和元年 */

static const struct {
    const char *name;
    int base; /* the Gregorian year of the era's first year */
} ERAS[] = {
    {"明治", 1868}, {"大正", 1912}, {"昭和", 1926}, {"平成", 1989}, {"令和", 2019},
};

/* Parts of a month: all read as the month with no day, approximate. */
static const char *const PERIODS[] = {"上旬", "中旬", "下旬", "初旬", "末"};
static const char *const APPROX_WORDS[] = {"頃", "ごろ"};
/* Parts of a day that name no hour. */
static const char *const DAY_PARTS[] = {
    "早朝", "未明", "深夜", "午前中", "夕方", "夕刻", "夜間", "午前", "午後", "夜", "朝", "昼", "晩",
};
#define W_NOON "正午"
static const char *const WEEKDAYS[] = {"日", "月", "火", "水", "木", "金", "土", "祝", "休"};
static const char *const WEEKDAY_SEPS[] = {"・", ",", "、"};
static const char *const WEEKDAY_TAILS[] = {"曜日", "曜"};
static const char *const RANGE_SEPS[] = {"~", "-", "から"};
#define W_UNTIL "まで"

enum rel {
    R_TODAY, R_SAME, R_NEXT2, R_NEXTDAY, R_PREVDAY, R_SAMEMONTH, R_NEXTMONTH,
    R_Y_LAST, R_Y_LAST_NEXT, R_Y_REF, R_Y_REF_PREV, R_Y_REF_NEXT, R_NEXT
};

/* Longer words first: 翌 alone is tried after 翌日, 翌月, 翌年, 翌々日. */
static const struct {
    const char *w;
    enum rel kind;
} RELWORDS[] = {
    {"本日", R_TODAY}, {"今日", R_TODAY}, {"同日", R_SAME}, {"当日", R_SAME},
    {"翌々日", R_NEXT2}, {"翌日", R_NEXTDAY}, {"前日", R_PREVDAY},
    {"同月", R_SAMEMONTH}, {"翌月", R_NEXTMONTH},
    {"同年", R_Y_LAST}, {"翌年", R_Y_LAST_NEXT},
    {"本年", R_Y_REF}, {"今年", R_Y_REF},
    {"昨年", R_Y_REF_PREV}, {"去年", R_Y_REF_PREV}, {"前年", R_Y_REF_PREV},
    {"来年", R_Y_REF_NEXT},
    {"翌", R_NEXT},
};

/* ---- pieces of an expression ---- */

/* [sp] M [sp] 月 [[sp] D [sp] 日]. Returns 1 with *m, *d (d = 0 when there
 * is no day) and *end; 0 when there is no month here; -1 when a month or day
 * is written but impossible (13月, 2月30日): then the whole date is refused. */
static int read_md(const env *e, size_t p, int *m, int *d, size_t *end)
{
    num n;
    p = sp(e, p);
    if (!read_num(e, p, &n))
        return 0;
    size_t q = sp(e, n.end);
    size_t k = lit(e, q, W_MONTH);
    if (!k)
        return 0;
    if (!small_num_ok(&n) || n.val < 1 || n.val > 12)
        return -1;
    *m = n.val;
    *d = 0;
    *end = q + k;
    num dn;
    size_t r = sp(e, *end);
    if (read_num(e, r, &dn)) {
        size_t r2 = sp(e, dn.end);
        size_t kd = lit(e, r2, W_DAY);
        if (kd) {
            if (!small_num_ok(&dn) || !jkb_date_valid(LEAP_STANDIN, *m, dn.val))
                return -1;
            *d = dn.val;
            *end = r2 + kd;
        }
    }
    return 1;
}

/* The numeric forms after the year: M sep D (sep one of / - .), 1-2 digits
 * each. A third digit or another "sep digit" after it means a longer number
 * (version string, IP address), not a date; read_num refuses the former. */
static size_t read_sep_md(const env *e, size_t p, char sep, int *m, int *d)
{
    const char *s = e->s;
    num mn, dn;
    if (p >= e->lim || s[p] != sep)
        return 0;
    p++;
    if (p >= e->lim || !is_digit((unsigned char)s[p]) || !read_num(e, p, &mn) || mn.ndig > 2)
        return 0;
    p = mn.end;
    if (p >= e->lim || s[p] != sep)
        return 0;
    p++;
    if (p >= e->lim || !is_digit((unsigned char)s[p]) || !read_num(e, p, &dn) || dn.ndig > 2)
        return 0;
    p = dn.end;
    if (p + 1 < e->lim && s[p] == sep && is_digit((unsigned char)s[p + 1]))
        return 0;
    *m = mn.val;
    *d = dn.val;
    return p;
}

/* The year a month-day without a year belongs to. See jkb_date_parse(). */
static int resolve_year(const env *e, int m, int d)
{
    if (e->start) {
        /* a range's end: the start's year, or the next when it runs over
         * the year end (12月28日~1月5日) */
        const jkb_date *st = e->start;
        if (st->y == 0)
            return 0;
        return md_after(st->m, st->d, m, d) ? st->y + 1 : st->y;
    }
    if (e->ref.y != 0) {
        int y = e->ref.y;
        /* 2月29日 that the year before cannot have is this year's */
        if (md_after(m, d, e->ref.m, e->ref.d) && (d == 0 || jkb_date_valid(y - 1, m, d)))
            y--;
        return y;
    }
    if (e->last.y != 0) {
        /* no notice date: the year that puts it nearest the date told
         * before, since a narrative moves in small steps */
        if (e->last.m == 0)
            return e->last.y;
        int32_t lastn = jkb_date_days(e->last);
        int best = e->last.y;
        int64_t bestdist = -1;
        for (int y = e->last.y - 1; y <= e->last.y + 1; y++) {
            int dd = d;
            if (dd != 0 && !jkb_date_valid(y, m, dd))
                dd = 28; /* 2月29日 in a common year: near enough to compare */
            int64_t dist = (int64_t)jkb_date_days(mk(y, m, dd)) - lastn;
            if (dist < 0)
                dist = -dist;
            if (bestdist < 0 || dist < bestdist) {
                bestdist = dist;
                best = y;
            }
        }
        return best;
    }
    return 0;
}

/* Put a y-m-d into *pt, checking the day against its year when known. */
static int set_date(part *pt, int y, int m, int d)
{
    if (d != 0 && !jkb_date_valid(y != 0 ? y : LEAP_STANDIN, m, d))
        return 0;
    pt->date = mk(y, m, d);
    pt->is_day = d != 0;
    if (d == 0)
        pt->flags |= JKB_DATE_YEAR_ONLY;
    return 1;
}

/* After 年 of a known year: 度, a month, a month and day, or nothing. */
static size_t year_tail(const env *e, size_t q, int y, part *pt)
{
    size_t k = lit(e, q, W_FY);
    if (k) {
        pt->date = mk(y, 0, 0);
        pt->flags |= JKB_DATE_YEAR_ONLY;
        return q + k;
    }
    int m, d;
    size_t end;
    int r = read_md(e, q, &m, &d, &end);
    if (r < 0)
        return 0;
    if (r == 0) {
        pt->date = mk(y, 0, 0);
        pt->flags |= JKB_DATE_YEAR_ONLY;
        return q;
    }
    return set_date(pt, y, m, d) ? end : 0;
}

/* A word such as 上旬 or 末 right after a month without a day. */
static size_t period_at(const env *e, size_t p)
{
    size_t end;
    return word_at(e, sp(e, p), PERIODS, COUNT(PERIODS), &end) >= 0 ? end : 0;
}

/* (火), (月・祝), (金曜日). Returns the end and the weekday (0 = Sunday) when
 * exactly one real weekday is named, -1 otherwise. */
static size_t weekday_at(const env *e, size_t p, int *wd)
{
    *wd = -1;
    if (p >= e->lim || e->s[p] != '(')
        return 0;
    size_t q = sp(e, p + 1);
    int seen = -1, count = 0;
    for (;;) {
        size_t end;
        int i = word_at(e, q, WEEKDAYS, COUNT(WEEKDAYS), &end);
        if (i < 0 || count == 3)
            return 0;
        if (i < 7) {
            seen = i;
            count++;
        }
        q = end;
        word_at(e, q, WEEKDAY_TAILS, COUNT(WEEKDAY_TAILS), &q);
        q = sp(e, q);
        if (word_at(e, q, WEEKDAY_SEPS, COUNT(WEEKDAY_SEPS), &end) < 0)
            break;
        q = sp(e, end);
    }
    if (q >= e->lim || e->s[q] != ')')
        return 0;
    if (count == 1)
        *wd = seen;
    return q + 1;
}

/* A time of day: 午前11時, 午後 2 時, 9時20分, 10時半, 7:23(:05), 正午, or a
 * part of the day (早朝, 未明, 深夜 …) that names no hour. Fills hour and
 * minute when given. */
static size_t time_at(const env *e, size_t p, int *hour, int *minute)
{
    const char *s = e->s;
    int pm = -1; /* -1: 24h clock, 0: 午前, 1: 午後 */
    size_t q = p, k;
    if ((k = lit(e, q, "午前")) != 0)
        pm = 0;
    else if ((k = lit(e, q, "午後")) != 0)
        pm = 1;
    if (pm >= 0)
        q = sp(e, q + k);
    num h;
    if (read_num(e, q, &h) && h.ndig <= 2 && h.val <= (pm >= 0 ? 12 : 24)) {
        int hv = h.val, mv = 0;
        size_t r = h.end, end = 0;
        if (r + 2 < e->lim && s[r] == ':' && is_digit((unsigned char)s[r + 1])
            && is_digit((unsigned char)s[r + 2]) && h.ndig > 0 && is_digit((unsigned char)s[q])) {
            mv = (s[r + 1] - '0') * 10 + (s[r + 2] - '0');
            end = r + 3;
            if (mv > 59 || (end < e->lim && is_digit((unsigned char)s[end])))
                end = 0;
            else if (end + 2 < e->lim && s[end] == ':' && is_digit((unsigned char)s[end + 1])
                     && is_digit((unsigned char)s[end + 2]))
                end += 3; /* seconds */
        } else {
            size_t r2 = sp(e, r);
            size_t kh = lit(e, r2, "時");
            if (kh && !lit(e, r2 + kh, "間")) {
                end = r2 + kh;
                num mn;
                size_t r3 = sp(e, end), kk;
                if ((kk = lit(e, r3, "半")) != 0) {
                    mv = 30;
                    end = r3 + kk;
                } else if (read_num(e, r3, &mn) && mn.ndig <= 2 && mn.val <= 59) {
                    size_t r4 = sp(e, mn.end);
                    size_t km = lit(e, r4, "分");
                    if (km && !lit(e, r4 + km, "間")) {
                        mv = mn.val;
                        end = r4 + km;
                    }
                }
            }
        }
        if (end) {
            if (pm == 1 && hv < 12)
                hv += 12;
            else if (pm == 0 && hv == 12)
                hv = 0;
            *hour = hv;
            *minute = mv;
            return end;
        }
    }
    if ((k = lit(e, p, W_NOON)) != 0) {
        *hour = 12;
        *minute = 0;
        return p + k;
    }
    size_t end;
    if (word_at(e, p, DAY_PARTS, COUNT(DAY_PARTS), &end) >= 0)
        return end;
    return 0;
}

/* Among y-1, y, y+1, the year nearest y in which m/d falls on weekday wd;
 * y itself when none does (a wrong weekday in the text changes nothing). */
static int year_for_weekday(int y, int m, int d, int wd)
{
    static const int order[3] = {0, -1, 1};
    for (int i = 0; i < 3; i++) {
        int c = y + order[i];
        if (jkb_date_valid(c, m, d) && weekday_of(mk(c, m, d)) == wd)
            return c;
    }
    return y;
}

/* What may follow a date: 上旬/末 after a month, then (weekday), a time,
 * and 頃/ごろ. Each is taken only when it is there, spaces before it only
 * with it. */
static size_t suffixes(const env *e, size_t p, part *pt)
{
    size_t q = p, t, end;
    if (!pt->is_day && pt->date.m != 0 && (t = period_at(e, q)) != 0) {
        pt->flags |= JKB_DATE_APPROX;
        q = t;
    }
    if (pt->is_day) {
        int wd;
        if ((t = weekday_at(e, sp(e, q), &wd)) != 0) {
            q = t;
            /* the weekday can tell the year of a month-day: 12月5日(月) is 2022 */
            if (wd >= 0 && pt->yearless && pt->date.y != 0)
                pt->date.y = (int16_t)year_for_weekday(pt->date.y, pt->date.m, pt->date.d, wd);
        }
        int h = -1, mi = -1;
        if ((t = time_at(e, sp(e, q), &h, &mi)) != 0) {
            q = t;
            if (h >= 0) {
                pt->hour = h;
                pt->minute = mi;
                pt->flags |= JKB_DATE_HAS_TIME;
            }
        }
    }
    if (word_at(e, sp(e, q), APPROX_WORDS, COUNT(APPROX_WORDS), &end) >= 0) {
        pt->flags |= JKB_DATE_APPROX;
        q = end;
    }
    return q;
}

/* ---- the forms ---- */

/* Dates that start with a number: 2023年…, 2023/1/5, 二〇二四年…, 12月5日,
 * 十二月二十一日, 12/5(月), and (in a range's end) 9日. */
static size_t numeric_form(const env *e, size_t p, part *pt)
{
    const char *s = e->s;
    num n;
    if (!read_num(e, p, &n))
        return 0;
    int ascii = is_digit((unsigned char)s[p]);
    size_t q = n.end;

    if (ascii && n.ndig == 4 && q < e->lim && (s[q] == '/' || s[q] == '-' || s[q] == '.')) {
        int m, d;
        size_t end = read_sep_md(e, q, s[q], &m, &d);
        if (!end || n.val < YEAR_MIN || n.val > YEAR_MAX || !set_date(pt, n.val, m, d)
            || !pt->is_day)
            return 0;
        pt->flags |= JKB_DATE_HAS_YEAR;
        return end;
    }
    if (ascii && n.ndig <= 2 && q < e->lim && s[q] == '/') {
        /* M/D: only before a weekday (or as a range's end), else fractions
         * and ratios would read as dates */
        num dn;
        size_t r = q + 1;
        if (r >= e->lim || !is_digit((unsigned char)s[r]) || !read_num(e, r, &dn) || dn.ndig > 2)
            return 0;
        int m = n.val, d = dn.val, wd;
        if (m < 1 || m > 12 || !jkb_date_valid(LEAP_STANDIN, m, d))
            return 0;
        if (dn.end < e->lim && (s[dn.end] == '/' || s[dn.end] == '.'))
            return 0;
        if (!e->start && !weekday_at(e, sp(e, dn.end), &wd))
            return 0;
        if (!set_date(pt, resolve_year(e, m, d), m, d))
            return 0;
        pt->yearless = 1;
        return dn.end;
    }

    size_t q2 = sp(e, q), k;
    if ((k = lit(e, q2, W_YEAR)) != 0) {
        if (n.ndig != 4 || n.val < YEAR_MIN || n.val > YEAR_MAX)
            return 0;
        pt->flags |= JKB_DATE_HAS_YEAR;
        return year_tail(e, q2 + k, n.val, pt);
    }
    if (lit(e, q2, W_MONTH)) {
        int m, d;
        size_t end;
        if (read_md(e, p, &m, &d, &end) != 1)
            return 0;
        /* a month alone (12月) is too often not a date; 12月上旬 is */
        if (d == 0 && !period_at(e, end))
            return 0;
        if (!set_date(pt, resolve_year(e, m, d), m, d))
            return 0;
        pt->yearless = 1;
        return end;
    }
    if (e->start && (k = lit(e, q2, W_DAY)) != 0) {
        /* 7日~9日: the end takes the start's month, or the next month */
        const jkb_date *st = e->start;
        if (!small_num_ok(&n) || st->m == 0 || st->d == 0)
            return 0;
        int y = st->y, m = st->m;
        if (n.val < st->d) {
            if (++m > 12) {
                m = 1;
                y = y ? y + 1 : 0;
            }
        }
        return set_date(pt, y, m, n.val) ? q2 + k : 0;
    }
    return 0;
}

/* 令和5年…, 令和元年, 令和6.3.5, 令和 6 年. */
static size_t era_form(const env *e, size_t p, part *pt)
{
    for (size_t i = 0; i < COUNT(ERAS); i++) {
        size_t k = lit(e, p, ERAS[i].name);
        if (!k)
            continue;
        size_t q = sp(e, p + k), kk;
        int yv;
        size_t after;
        num n;
        if ((kk = lit(e, q, W_ERA_FIRST)) != 0) {
            yv = 1;
            after = q + kk;
        } else if (read_num(e, q, &n) && small_num_ok(&n) && n.val >= 1) {
            yv = n.val;
            after = n.end;
        } else {
            return 0;
        }
        int y = ERAS[i].base + yv - 1;
        pt->flags |= JKB_DATE_HAS_YEAR;
        size_t q2 = sp(e, after);
        if ((kk = lit(e, q2, W_YEAR)) != 0)
            return year_tail(e, q2 + kk, y, pt);
        if (after < e->lim && (e->s[after] == '.' || e->s[after] == '/')
            && is_digit((unsigned char)e->s[q])) {
            int m, d;
            size_t end = read_sep_md(e, after, e->s[after], &m, &d);
            return end && set_date(pt, y, m, d) && pt->is_day ? end : 0;
        }
        return 0;
    }
    return 0;
}

/* R6.3.5, R6/3/5, H31.4.1, R5年… (R = 令和, H = 平成). 昭和's S is left
 * out: S1.2.3 is far more often a version than 1926. */
static size_t abbr_form(const env *e, size_t p, part *pt)
{
    const char *s = e->s;
    int base = s[p] == 'R' ? 2019 : 1989;
    if (p > 0 && (is_alnum_ascii((unsigned char)s[p - 1]) || s[p - 1] == '.'))
        return 0;
    num n;
    if (p + 1 >= e->lim || !is_digit((unsigned char)s[p + 1]) || !read_num(e, p + 1, &n)
        || n.ndig > 2 || n.val < 1)
        return 0;
    int y = base + n.val - 1;
    size_t q = n.end, k;
    if (q < e->lim && (s[q] == '.' || s[q] == '/')) {
        int m, d;
        size_t end = read_sep_md(e, q, s[q], &m, &d);
        if (!end || !set_date(pt, y, m, d) || !pt->is_day)
            return 0;
        pt->flags |= JKB_DATE_HAS_YEAR;
        return end;
    }
    if ((k = lit(e, q, W_YEAR)) != 0) {
        pt->flags |= JKB_DATE_HAS_YEAR;
        return year_tail(e, q + k, y, pt);
    }
    return 0;
}

/* 本日, 同日, 翌日, 翌 9 日, 翌 11 月 1 日, 同月 2 日, 翌月5日, 同年/本年/昨年/
 * 翌年/来年 + M月[D日]. */
static size_t relative_form(const env *e, size_t p, part *pt)
{
    size_t i, k = 0;
    for (i = 0; i < COUNT(RELWORDS); i++)
        if ((k = lit(e, p, RELWORDS[i].w)) != 0)
            break;
    if (i == COUNT(RELWORDS))
        return 0;
    enum rel kind = RELWORDS[i].kind;
    size_t q = p + k;
    jkb_date last = e->last;
    pt->flags |= JKB_DATE_RELATIVE;

    switch (kind) {
    case R_TODAY:
        pt->flags |= JKB_DATE_TODAY;
        pt->date = e->ref;
        pt->is_day = 1;
        return q;
    case R_SAME:
        pt->date = last;
        pt->is_day = 1;
        return q;
    case R_NEXT2:
    case R_NEXTDAY:
    case R_PREVDAY:
        pt->date = shift_days(last, kind == R_NEXT2 ? 2 : kind == R_NEXTDAY ? 1 : -1);
        pt->is_day = 1;
        return q;
    case R_SAMEMONTH:
    case R_NEXTMONTH: {
        int y = last.y, m = last.m;
        if (kind == R_NEXTMONTH && m != 0 && ++m > 12) {
            m = 1;
            y = y ? y + 1 : 0;
        }
        num n;
        size_t r = sp(e, q);
        if (read_num(e, r, &n)) {
            size_t r2 = sp(e, n.end);
            size_t kd = lit(e, r2, W_DAY);
            if (kd) {
                if (!small_num_ok(&n) || n.val < 1 || n.val > 31)
                    return 0;
                if (m == 0) { /* no month to count from: a day all the same */
                    pt->date = NO_DATE;
                    pt->is_day = 1;
                    return r2 + kd;
                }
                return set_date(pt, y, m, n.val) ? r2 + kd : 0;
            }
        }
        /* 同月中旬, 同月末 */
        if (!period_at(e, q))
            return 0;
        pt->date = mk(m ? y : 0, m, 0);
        pt->flags |= JKB_DATE_YEAR_ONLY;
        return q;
    }
    case R_NEXT: {
        /* 翌 9 日: the next 9th after last; 翌 11 月 1 日: the next 11/1 */
        int m, d;
        size_t end;
        int r = read_md(e, q, &m, &d, &end);
        if (r < 0)
            return 0;
        if (r == 1) {
            int y = 0;
            if (last.y != 0)
                y = (last.m != 0 && !md_after(m, d, last.m, last.d)) ? last.y + 1 : last.y;
            if (d == 0 && !period_at(e, end))
                return 0;
            return set_date(pt, y, m, d) ? end : 0;
        }
        num n;
        size_t r1 = sp(e, q);
        if (!read_num(e, r1, &n))
            return 0;
        size_t r2 = sp(e, n.end);
        size_t kd = lit(e, r2, W_DAY);
        if (!kd || !small_num_ok(&n) || n.val < 1 || n.val > 31)
            return 0;
        if (last.m == 0 || last.d == 0) {
            pt->date = NO_DATE;
            pt->is_day = 1;
            return r2 + kd;
        }
        int y = last.y, mm = last.m;
        if (n.val <= last.d && ++mm > 12) {
            mm = 1;
            y = y ? y + 1 : 0;
        }
        return set_date(pt, y, mm, n.val) ? r2 + kd : 0;
    }
    default: {
        /* a year word: the month (and day) must follow */
        int base, delta;
        switch (kind) {
        case R_Y_LAST: base = last.y; delta = 0; break;
        case R_Y_LAST_NEXT: base = last.y; delta = 1; break;
        case R_Y_REF: base = e->ref.y ? e->ref.y : last.y; delta = 0; break;
        case R_Y_REF_PREV: base = e->ref.y ? e->ref.y : last.y; delta = -1; break;
        default: base = e->ref.y ? e->ref.y : last.y; delta = 1; break;
        }
        int y = base ? base + delta : 0;
        int m, d;
        size_t end;
        if (read_md(e, q, &m, &d, &end) != 1)
            return 0;
        return set_date(pt, y, m, d) ? end : 0;
    }
    }
}

/* One expression with its suffixes, no range. */
static size_t single(const env *e, size_t p, part *pt)
{
    const char *s = e->s;
    memset(pt, 0, sizeof *pt);
    pt->hour = pt->minute = -1;
    if (p >= e->lim)
        return 0;
    unsigned char c = (unsigned char)s[p];
    size_t end = 0;
    if (is_digit(c)) {
        /* not from the middle of a number: 12345年, 3,2023年, 1.2023 */
        if (p > 0 && is_digit((unsigned char)s[p - 1]))
            return 0;
        if (p > 1 && (s[p - 1] == ',' || s[p - 1] == '.') && is_digit((unsigned char)s[p - 2]))
            return 0;
        end = numeric_form(e, p, pt);
    } else if (c == 'R' || c == 'H') {
        end = abbr_form(e, p, pt);
    } else if (c >= 0xE0) {
        if (starts_kanji_num(e, p)) {
            /* not from inside 二〇二四 or 二十一 */
            if (p >= 3 && starts_kanji_num(e, p - 3))
                return 0;
            end = numeric_form(e, p, pt);
        } else {
            end = era_form(e, p, pt);
            if (!end)
                end = relative_form(e, p, pt);
        }
    }
    if (!end)
        return 0;
    return suffixes(e, end, pt);
}

/*
 * How years (and relative days) are resolved; docs/rules/dates.md has the
 * examples. ref = ctx->ref (the notice date), last = ctx->last.
 *
 * - Written years: 2023年, 2023/1/5, 令和5年 (元年 = 1), R6.3.5, H31.4.1,
 *   二〇二四年. A 4-digit year outside 1900..2100 is not a date.
 * - M月D日 (and M月上旬, M/D(曜)) without a year:
 *   ref known: ref's year, minus one when M/D is later in the year than
 *   ref's month/day (a 12月11日 in a January notice is last December). A
 *   2月29日 the year before cannot have stays in ref's year.
 *   ref unknown, last's year known: of last.y-1, last.y, last.y+1 the year
 *   that puts the date nearest to last (a story moves in small steps, so
 *   12月28日 … 1月5日 crosses into the next year); last's year when last
 *   has no month.
 *   neither: y = 0.
 *   Then a single weekday written after the day, (月), that does not fit
 *   the year but fits the year before or after moves it there: a weekday
 *   is stronger evidence than the roll-back (1月10日(金) in a 2025-01-06
 *   notice is 2025-01-10, a date still to come).
 * - 本日/今日 = ref. 同日/当日 = last. 翌日 = last+1, 翌々日 = last+2,
 *   前日 = last-1. 翌N日 = day N of last's month if N > last.d, else of the
 *   next month (翌 is strictly after). 翌M月D日 = the first M/D strictly
 *   after last. 同月N日 = last's year and month; 翌月N日 = the month after.
 *   同年 = last.y, 翌年 = last.y+1. 本年/今年 = ref.y, 昨年/去年/前年 =
 *   ref.y-1, 来年 = ref.y+1; these four count from last.y when ref is
 *   unknown. A year word must be followed by a month.
 *   Unknown bases give unknown parts (y = 0, or the whole date 0) but the
 *   words are still read, so that the scan goes on after them.
 * - A range's end without a year takes the start's year, or the next when
 *   it falls before the start (12月28日~1月5日); N日 alone takes the
 *   start's month, or the next. Relative ends (同月3日, 翌日) count from
 *   the start. An end equal to the start is no range (the words are still
 *   read); an end before the start is no range and is not read.
 * - ctx->last becomes the start date after every hit, except a hit that
 *   resolved to nothing and a hit without a day that lies before a last
 *   that has one (a look back: 前回(本年7月) … 同日 stays on the story's day).
 */
size_t jkb_date_parse(const char *s, size_t len, size_t pos, jkb_date_ctx *ctx, jkb_date_hit *out)
{
    jkb_date_ctx none = {{0, 0, 0}, {0, 0, 0}};
    jkb_date_hit scratch;
    if (!ctx)
        ctx = &none;
    if (!out)
        out = &scratch;
    if (!s || pos >= len)
        return 0;

    env e;
    e.s = s;
    e.lim = len - pos > WINDOW ? pos + WINDOW : len;
    e.ref = ctx->ref;
    e.last = ctx->last;
    e.start = NULL;

    part a;
    size_t end = single(&e, pos, &a);
    if (!end)
        return 0;
    unsigned flags = a.flags;
    jkb_date end_date = NO_DATE;

    /* a range: start ~ end, start から end (まで) */
    size_t q = sp(&e, end), k;
    int conn = word_at(&e, q, RANGE_SEPS, COUNT(RANGE_SEPS), &k);
    if (conn >= 0) {
        size_t r = sp(&e, k), bend;
        env e2 = e;
        e2.last = a.date;
        e2.start = &a.date;
        part b;
        size_t taken = 0;
        if ((bend = single(&e2, r, &b)) != 0) {
            int c = jkb_date_cmp(b.date, a.date);
            if (c > 0) {
                flags |= JKB_DATE_RANGE | (b.flags & JKB_DATE_APPROX);
                end_date = b.date;
                taken = bend;
            } else if (c == 0) {
                taken = bend; /* 2022年12月3日~2022年12月3日: one day */
            }
        } else if (a.hour >= 0) {
            /* 同日7:23~10:37: a span of hours in one day */
            int h = -1, mi = -1;
            size_t t = time_at(&e, r, &h, &mi);
            if (t && h >= 0) {
                taken = t;
                if (word_at(&e, sp(&e, taken), APPROX_WORDS, COUNT(APPROX_WORDS), &t) >= 0)
                    taken = t;
            }
        }
        if (taken) {
            end = taken;
            if ((k = lit(&e, sp(&e, end), W_UNTIL)) != 0)
                end = sp(&e, end) + k;
        }
    }

    memset(out, 0, sizeof *out);
    out->start = pos;
    out->end = end;
    out->date = a.date;
    out->end_date = end_date;
    out->hour = a.hour;
    out->minute = a.minute;
    out->flags = flags;
    /* What 同日 and 翌日 count from. Two hits do not move it: one that
     * resolved to nothing (同日 with nothing before), and one without a day
     * that lies before the day told last, a look back in the middle of a
     * story ("前回(本年7月)の研修会 … 同日10時40分頃" is still that day). */
    if (a.date.y != 0 || a.date.m != 0) {
        if (!(a.date.d == 0 && ctx->last.d != 0 && jkb_date_cmp(a.date, ctx->last) < 0))
            ctx->last = a.date;
    }
    return end - pos;
}
