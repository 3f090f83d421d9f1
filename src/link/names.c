/*
 * The forms of a name that claim matching compares: the key of a name (NFKC,
 * lower case, no legal form, no punctuation), Hepburn romaji of kana and its
 * fold, hosts and their registrable part, the hosts and English names a
 * notice writes, and the dates a claim carries.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "link_internal.h"

extern const struct jkb_embedded {
    const char *name;
    const char *data;
    size_t len;
} jkb_link_files[];

#define NAME_MAX_IN 1024 /* bytes of a name looked at: names are short, the rest is noise */

/* NFKC and case folding (malloc'd); NULL when s is not UTF-8. */
static char *nfkc_cf(const char *s, size_t len, size_t *outlen)
{
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &dst,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
    if (n < 0) {
        free(dst);
        return NULL;
    }
    *outlen = (size_t)n;
    return (char *)dst;
}

/* ================================================================ the name tables */

static jkb_status terms_push(jkb_arena *a, link_terms *t, const char *s, size_t n)
{
    const char **v = realloc(t->v, (t->n + 1) * sizeof *v);
    if (!v)
        return JKB_ENOMEM;
    t->v = v;
    char *c = jkb_arena_strndup(a, s, n);
    if (!c)
        return JKB_ENOMEM;
    t->v[t->n++] = c;
    return JKB_OK;
}

static int longer_first(const void *a, const void *b)
{
    size_t la = strlen(*(const char *const *)a), lb = strlen(*(const char *const *)b);
    return la < lb ? 1 : la > lb ? -1 : 0;
}

jkb_status link_lex_init(link_lex *x, jkb_err *err)
{
    jkb_status rc = JKB_OK;
    memset(x, 0, sizeof *x);
    jkb_arena_init(&x->arena);
    static const struct {
        const char *kind;
        size_t off;
    } kinds[] = {
        {"legal_ja", offsetof(link_lex, legal_ja)},   {"legal_en", offsetof(link_lex, legal_en)},
        {"lead_en", offsetof(link_lex, lead_en)},     {"en_marker", offsetof(link_lex, en_marker)},
        {"copyright", offsetof(link_lex, copyright)}, {"label_skip", offsetof(link_lex, label_skip)},
        {"claim_report", offsetof(link_lex, claim_report)},
    };
    for (const struct jkb_embedded *f = jkb_link_files; f->name; f++) {
        const char *p = f->data, *end = f->data + f->len;
        size_t lineno = 0;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *le = nl ? nl : end;
            lineno++;
            const char *tab = memchr(p, '\t', (size_t)(le - p));
            if (p < le && *p != '#') {
                if (!tab) {
                    jkb_err_set(err, JKB_EINVAL, 0, "%s:%zu: a term and a kind, separated by a tab", f->name, lineno);
                    rc = JKB_EINVAL;
                    goto out;
                }
                size_t kl = (size_t)(le - tab - 1);
                while (kl && (tab[kl] == '\r' || tab[kl] == ' '))
                    kl--;
                link_terms *t = NULL;
                for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
                    if (strlen(kinds[k].kind) == kl && memcmp(kinds[k].kind, tab + 1, kl) == 0)
                        t = (link_terms *)((char *)x + kinds[k].off);
                if (!t) {
                    jkb_err_set(err, JKB_EINVAL, 0, "%s:%zu: unknown kind", f->name, lineno);
                    rc = JKB_EINVAL;
                    goto out;
                }
                size_t n = 0;
                char *norm = nfkc_cf(p, (size_t)(tab - p), &n);
                if (!norm) {
                    jkb_err_set(err, JKB_EUTF8, 0, "%s:%zu: not UTF-8", f->name, lineno);
                    rc = JKB_EUTF8;
                    goto out;
                }
                rc = terms_push(&x->arena, t, norm, n);
                free(norm);
                if (rc)
                    goto out;
            }
            p = nl ? nl + 1 : end;
        }
    }
    /* the longest form first, so that 医療法人社団 goes before 医療法人 */
    if (x->legal_ja.n)
        qsort(x->legal_ja.v, x->legal_ja.n, sizeof *x->legal_ja.v, longer_first);
    if (x->en_marker.n)
        qsort(x->en_marker.v, x->en_marker.n, sizeof *x->en_marker.v, longer_first);
out:
    if (rc)
        link_lex_free(x);
    return rc;
}

void link_lex_free(link_lex *x)
{
    if (!x)
        return;
    link_terms *all[] = {&x->legal_ja,  &x->legal_en,   &x->lead_en,     &x->en_marker,
                         &x->copyright, &x->label_skip, &x->claim_report};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        free(all[i]->v);
        all[i]->v = NULL;
        all[i]->n = 0;
    }
    jkb_arena_free(&x->arena);
}

int link_terms_has(const link_terms *t, const char *s, size_t len)
{
    for (size_t i = 0; i < t->n; i++)
        if (strlen(t->v[i]) == len && memcmp(t->v[i], s, len) == 0)
            return 1;
    return 0;
}

int link_claim_only(const link_lex *x, const char *title, size_t n_victims)
{
    if (n_victims)
        return 1;
    for (size_t i = 0; title && i < x->claim_report.n; i++)
        if (strstr(title, x->claim_report.v[i]))
            return 1;
    return 0;
}

/* ================================================================ name keys */

static int is_word_cp(int32_t cp)
{
    if (cp < 0x80)
        return jkb_is_alnum((unsigned char)cp);
    utf8proc_category_t c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO); /* letters, marks, numbers */
}

static int all_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    return 1;
}

size_t link_name_key(const link_lex *x, const char *s, size_t len, char *out, size_t cap, char *spaced,
                     size_t spaced_cap)
{
    size_t n = 0, keylen = 0;
    char *nf = NULL, *b = NULL;
    if (cap)
        out[0] = 0;
    if (spaced && spaced_cap)
        spaced[0] = 0;
    if (!s || !cap)
        return 0;
    if (len > NAME_MAX_IN) {
        len = NAME_MAX_IN;
        while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    nf = nfkc_cf(s, len, &n);
    if (!nf)
        goto out;
    /* legal forms leave a space behind, so that ABC株式会社DEF stays two words */
    b = malloc(n + 1);
    if (!b)
        goto out;
    size_t bn = 0;
    for (size_t i = 0; i < n;) {
        size_t hit = 0;
        for (size_t k = 0; k < x->legal_ja.n && !hit; k++) {
            size_t tl = strlen(x->legal_ja.v[k]);
            if (tl <= n - i && memcmp(nf + i, x->legal_ja.v[k], tl) == 0)
                hit = tl;
        }
        if (hit) {
            b[bn++] = ' ';
            i += hit;
        } else {
            b[bn++] = nf[i++];
        }
    }
    /* words: runs of letters, marks and digits */
    enum { MAXW = 64 };
    size_t ws[MAXW], we[MAXW], nw = 0;
    size_t i = 0, start = 0;
    int inword = 0;
    while (i < bn) {
        int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)b + i, (utf8proc_ssize_t)(bn - i), &cp);
        if (k <= 0) {
            k = 1;
            cp = -1;
        }
        int w = cp >= 0 && is_word_cp(cp);
        if (w && !inword) {
            start = i;
            inword = 1;
        } else if (!w && inword) {
            if (nw < MAXW) {
                ws[nw] = start;
                we[nw++] = i;
            }
            inword = 0;
        }
        i += (size_t)k;
    }
    if (inword && nw < MAXW) {
        ws[nw] = start;
        we[nw++] = bn;
    }
    /* "Takamiya Co., Ltd." → takamiya; "The Foo Group" keeps group */
    size_t first = 0;
    while (nw - first > 1 && all_ascii(b + ws[nw - 1], we[nw - 1] - ws[nw - 1]) &&
           link_terms_has(&x->legal_en, b + ws[nw - 1], we[nw - 1] - ws[nw - 1]))
        nw--;
    while (nw - first > 1 && link_terms_has(&x->lead_en, b + ws[first], we[first] - ws[first]))
        first++;
    size_t on = 0, sn = 0;
    for (size_t w = first; w < nw; w++) {
        size_t wl = we[w] - ws[w];
        if (on + wl >= cap)
            break;
        memcpy(out + on, b + ws[w], wl);
        on += wl;
        if (spaced && sn + wl + 1 < spaced_cap) {
            if (sn)
                spaced[sn++] = ' ';
            memcpy(spaced + sn, b + ws[w], wl);
            sn += wl;
        }
    }
    out[on] = 0;
    if (spaced && spaced_cap)
        spaced[sn] = 0;
    keylen = on;
out:
    free(nf);
    free(b);
    return keylen;
}

/* ================================================================ romaji */

/* U+30A1 ァ … U+30FA ヺ. Small kana are the plain vowel or y-syllable; the
 * romanizer tells them apart by code point. */
static const char *const KANA[] = {
    "a",  "a",  "i",  "i",   "u",  "u",  "e",  "e",  "o",  "o",                    /* ァ-オ */
    "ka", "ga", "ki", "gi",  "ku", "gu", "ke", "ge", "ko", "go",                   /* カ-ゴ */
    "sa", "za", "shi", "ji", "su", "zu", "se", "ze", "so", "zo",                   /* サ-ゾ */
    "ta", "da", "chi", "ji", "",   "tsu", "zu", "te", "de", "to", "do",            /* タ-ド (ッ empty) */
    "na", "ni", "nu", "ne",  "no",                                                 /* ナ-ノ */
    "ha", "ba", "pa", "hi",  "bi", "pi", "fu", "bu", "pu", "he", "be", "pe", "ho", "bo", "po", /* ハ-ポ */
    "ma", "mi", "mu", "me",  "mo",                                                 /* マ-モ */
    "ya", "ya", "yu", "yu",  "yo", "yo",                                           /* ャ-ヨ */
    "ra", "ri", "ru", "re",  "ro",                                                 /* ラ-ロ */
    "wa", "wa", "i",  "e",   "o",  "n",  "vu", "ka", "ke", "va", "vi", "ve", "vo", /* ヮ-ヺ */
};

static int is_vowel(char c) { return c == 'a' || c == 'i' || c == 'u' || c == 'e' || c == 'o'; }

size_t link_fold(char *s, size_t len, size_t cap)
{
    char a[LINK_KEY_MAX * 2];
    size_t n = 0;
    /* Kunrei and Nihon-shiki spellings (domains use them) to Hepburn */
    for (size_t i = 0; i < len && n + 3 < sizeof a;) {
        char c = s[i], d = i + 1 < len ? s[i + 1] : 0, e = i + 2 < len ? s[i + 2] : 0;
        if ((c == 's' || c == 't' || c == 'z' || c == 'j') && d == 'y' && (e == 'a' || e == 'u' || e == 'o' || e == 'e')) {
            if (c == 's') {
                a[n++] = 's';
                a[n++] = 'h';
            } else if (c == 't') {
                a[n++] = 'c';
                a[n++] = 'h';
            } else {
                a[n++] = 'j';
            }
            i += 2;
        } else if (c == 's' && d == 'i') {
            memcpy(a + n, "shi", 3), n += 3, i += 2;
        } else if (c == 'z' && d == 'i') {
            memcpy(a + n, "ji", 2), n += 2, i += 2;
        } else if (c == 't' && d == 'i') {
            memcpy(a + n, "chi", 3), n += 3, i += 2;
        } else if (c == 't' && d == 'u') {
            memcpy(a + n, "tsu", 3), n += 3, i += 2;
        } else if (c == 'h' && d == 'u' && !(n && (a[n - 1] == 's' || a[n - 1] == 'c'))) {
            memcpy(a + n, "fu", 2), n += 2, i += 2;
        } else {
            a[n++] = c;
            i++;
        }
    }
    /* long vowels written or not (トーコー, Tohko, Touko → toko), and the
     * traditional m before b, m, p (Shimbun → shinbun) */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        char c = a[i];
        char prev = m ? s[m - 1] : 0; /* what was written last */
        char next = i + 1 < n ? a[i + 1] : 0;
        if (is_vowel(c) && (c == prev || (c == 'u' && prev == 'o')))
            continue;
        if (c == 'h' && prev == 'o' && !is_vowel(next) && next != 'y')
            continue;
        if (c == 'm' && (next == 'b' || next == 'm' || next == 'p'))
            c = 'n';
        if (m + 1 >= cap)
            break;
        s[m++] = c;
    }
    if (cap)
        s[m] = 0;
    return m;
}

size_t jkb_romanize(const char *key, size_t len, char *out, size_t cap)
{
    char b[LINK_KEY_MAX * 2];
    size_t n = 0, last = (size_t)-1;
    int sokuon = 0;
    if (!cap)
        return 0;
    out[0] = 0;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)key + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0)
            return 0;
        i += (size_t)k;
        if (n + 8 >= sizeof b)
            return 0;
        if (cp < 0x80) {
            if (jkb_is_alnum((unsigned char)cp))
                b[n++] = (char)jkb_lower((unsigned char)cp);
            last = (size_t)-1;
            sokuon = 0;
            continue;
        }
        if (cp >= 0x3041 && cp <= 0x3096)
            cp += 0x60; /* hiragana → katakana */
        else if (cp == 0x309D || cp == 0x309E)
            cp += 0x60;
        if (cp == 0x30FC) /* ー: the fold drops long vowels anyway */
            continue;
        if (cp == 0x30C3) { /* ッ doubles what follows */
            sokuon = 1;
            continue;
        }
        if (cp == 0x30FD || cp == 0x30FE) { /* ヽ: the syllable again */
            if (last == (size_t)-1)
                return 0;
            size_t sl = n - last;
            memmove(b + n, b + last, sl);
            last = n;
            n += sl;
            continue;
        }
        if (cp < 0x30A1 || cp > 0x30FA)
            return 0;
        const char *r = KANA[cp - 0x30A1];
        int small_y = cp == 0x30E3 || cp == 0x30E5 || cp == 0x30E7;
        int small_v = cp == 0x30A1 || cp == 0x30A3 || cp == 0x30A5 || cp == 0x30A7 || cp == 0x30A9;
        if (small_y && last != (size_t)-1 && n - last >= 2) {
            char v = r[1];
            n--; /* キ ki + ャ → kya; シ shi + ャ → sha; テ te + ュ → tyu */
            int palatal = (n >= 2 && ((b[n - 2] == 's' && b[n - 1] == 'h') || (b[n - 2] == 'c' && b[n - 1] == 'h'))) ||
                          (n >= 1 && b[n - 1] == 'j');
            if (!palatal)
                b[n++] = 'y';
            b[n++] = v;
            continue;
        }
        if (small_v && last != (size_t)-1) {
            char v = r[0];
            size_t sl = n - last;
            if (sl == 1 && b[last] == 'u') { /* ウィ → wi */
                b[last] = 'w';
            } else if (sl == 1 && b[last] == 'i' && v == 'e') { /* イェ → ye */
                b[last] = 'y';
            } else if (sl >= 2) { /* ファ → fa, ティ → ti, チェ → che */
                n--;
            }
            b[n++] = v;
            continue;
        }
        last = n;
        if (sokuon && r[0] && !is_vowel(r[0]) && r[0] != 'n') {
            b[n++] = r[0] == 'c' ? 't' : r[0];
            last = n;
        }
        sokuon = 0;
        size_t rl = strlen(r);
        memcpy(b + n, r, rl);
        n += rl;
    }
    b[n] = 0;
    n = link_fold(b, n, sizeof b);
    if (n + 1 > cap)
        return 0;
    memcpy(out, b, n + 1);
    return n;
}

/* ================================================================ hosts */

static const char *const GTLDS[] = {
    "com",    "net",   "org",   "info",    "biz",    "edu",   "gov",  "mil",   "int",  "name",  "pro",
    "asia",   "tokyo", "osaka", "nagoya",  "kyoto",  "yokohama", "okinawa", "jobs", "app", "dev", "online",
    "site",   "shop",  "store", "tech",    "xyz",    "cloud", "group", "global", "world", "blog", "news",
    "media",  "life",  "live",  "club",    "design", "link",  "work", "email", "space", "website", "top",
    "travel", "museum", "coop", "aero",    "health", "bank",  "insurance", "law", "school", "ltd", "inc",
};

/* Second-level labels under which the registrable name is one more label. */
static const char *const SLDS[] = {"co", "ne", "or", "ac", "go", "lg", "gr", "ed", "ad", "com", "net",
                                   "org", "edu", "gov", "mil", "nic", "ltd", "plc", "sch", "gob", "gouv"};

/* Japan's geographic names (city.shibuya.tokyo.jp is one registrant). */
static const char *const PREFS[] = {
    "hokkaido", "aomori",    "iwate",    "miyagi",   "akita",    "yamagata", "fukushima", "ibaraki",
    "tochigi",  "gunma",     "saitama",  "chiba",    "tokyo",    "kanagawa", "niigata",   "toyama",
    "ishikawa", "fukui",     "yamanashi", "nagano",  "gifu",     "shizuoka", "aichi",     "mie",
    "shiga",    "kyoto",     "osaka",    "hyogo",    "nara",     "wakayama", "tottori",   "shimane",
    "okayama",  "hiroshima", "yamaguchi", "tokushima", "kagawa", "ehime",    "kochi",     "fukuoka",
    "saga",     "nagasaki",  "kumamoto", "oita",     "miyazaki", "kagoshima", "okinawa",
};

static int in_list(const char *const *v, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(v[i]) == len && memcmp(v[i], s, len) == 0)
            return 1;
    return 0;
}
#define IN(arr, s, len) in_list(arr, sizeof arr / sizeof arr[0], s, len)

int link_is_host(const char *s, size_t len, int any_case)
{
    if (len < 4 || len > 253)
        return 0;
    size_t labels = 0, ls = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == '.') {
            size_t ll = i - ls;
            if (ll == 0 || ll > 63 || s[ls] == '-' || s[i - 1] == '-')
                return 0;
            labels++;
            if (i == len) {
                char tld[64];
                for (size_t k = 0; k < ll; k++) {
                    unsigned char c = (unsigned char)s[ls + k];
                    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
                        return 0;
                    tld[k] = (char)jkb_lower(c);
                }
                if (ll != 2 && !IN(GTLDS, tld, ll))
                    return 0;
            }
            ls = i + 1;
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || (any_case && c >= 'A' && c <= 'Z')))
            return 0;
    }
    return labels >= 2;
}

size_t link_host(const char *s, size_t len, char *out, size_t cap)
{
    while (len && (s[0] == ' ' || s[0] == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
        len--;
    for (size_t i = 0; i + 2 < len && i < 12; i++)
        if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/') {
            s += i + 3;
            len -= i + 3;
            break;
        }
    size_t end = 0;
    while (end < len && s[end] != '/' && s[end] != '?' && s[end] != '#')
        end++;
    for (size_t i = 0; i < end; i++)
        if (s[i] == '@') { /* user@host */
            s += i + 1;
            end -= i + 1;
            i = (size_t)-1;
        }
    for (size_t i = 0; i < end; i++)
        if (s[i] == ':')
            end = i;
    while (end && s[end - 1] == '.')
        end--;
    if (!end || end + 1 > cap || !link_is_host(s, end, 1))
        return 0;
    for (size_t i = 0; i < end; i++)
        out[i] = (char)jkb_lower((unsigned char)s[i]);
    out[end] = 0;
    return end;
}

size_t jkb_domain_registrable(const char *host, size_t len, char *out, size_t cap)
{
    size_t dots[128], nd = 0;
    if (!cap)
        return 0;
    out[0] = 0;
    if (len >= 4 && memcmp(host, "www.", 4) == 0)
        host += 4, len -= 4;
    for (size_t i = 0; i < len && nd < 128; i++)
        if (host[i] == '.')
            dots[nd++] = i;
    size_t labels = nd + 1, keep = 2;
    if (labels >= 2) {
        size_t tld_s = dots[nd - 1] + 1, tld_l = len - tld_s;
        size_t sld_s = nd >= 2 ? dots[nd - 2] + 1 : 0, sld_l = dots[nd - 1] - sld_s;
        if (labels >= 3 && tld_l == 2 && IN(SLDS, host + sld_s, sld_l))
            keep = (sld_l == 2 && memcmp(host + sld_s, "lg", 2) == 0 && labels >= 4) ? 4 : 3;
        else if (labels >= 3 && tld_l == 2 && memcmp(host + tld_s, "jp", 2) == 0 && IN(PREFS, host + sld_s, sld_l))
            keep = labels >= 4 ? 4 : 3;
    }
    size_t from = labels <= keep ? 0 : dots[nd - keep] + 1;
    size_t n = len - from;
    if (n + 1 > cap)
        return 0;
    memcpy(out, host + from, n);
    out[n] = 0;
    return n;
}

size_t link_domain_label(const link_lex *x, const char *reg, size_t len, char *out, size_t cap)
{
    size_t ls = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && reg[i] != '.')
            continue;
        size_t ll = i - ls;
        if (i == len) /* the TLD names no one */
            break;
        if (!link_terms_has(&x->label_skip, reg + ls, ll) && !IN(SLDS, reg + ls, ll) && !IN(PREFS, reg + ls, ll)) {
            if (ll + 1 > cap)
                return 0;
            memcpy(out, reg + ls, ll);
            out[ll] = 0;
            return ll;
        }
        ls = i + 1;
    }
    return 0;
}

static int host_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

void link_scan_hosts(const char *text, size_t len, link_host_fn fn, void *ud)
{
    size_t i = 0;
    while (i < len) {
        if (!host_byte((unsigned char)text[i])) {
            i++;
            continue;
        }
        size_t s = i;
        while (i < len && host_byte((unsigned char)text[i]))
            i++;
        size_t e = i;
        /* the local part of an address is no host */
        if (e < len && text[e] == '@')
            continue;
        int kind = LINK_HOST_TEXT;
        if (s >= 3 && memcmp(text + s - 3, "://", 3) == 0)
            kind = LINK_HOST_URL;
        else if (s >= 2 && text[s - 1] == '@' && host_byte((unsigned char)text[s - 2]))
            kind = LINK_HOST_EMAIL;
        else if (s >= 1 && (text[s - 1] == '/' || text[s - 1] == '_')) /* a file in a path */
            continue;
        while (s < e && (text[s] == '.' || text[s] == '-'))
            s++;
        while (e > s && (text[e - 1] == '.' || text[e - 1] == '-'))
            e--;
        if (!link_is_host(text + s, e - s, kind != LINK_HOST_TEXT))
            continue;
        char h[LINK_KEY_MAX];
        if (e - s + 1 > sizeof h)
            continue;
        for (size_t k = s; k < e; k++)
            h[k - s] = (char)jkb_lower((unsigned char)text[k]);
        h[e - s] = 0;
        if (fn(kind, h, e - s, ud))
            return;
    }
}

/* ================================================================ English names in a notice */

static size_t skip_blank(const char *t, size_t n, size_t i)
{
    while (i < n && (t[i] == ' ' || t[i] == '\t'))
        i++;
    return i;
}

/* The same ASCII letters in the original text, in their own case, or NULL. */
static const char *find_ci(const char *text, size_t len, const char *s, size_t n)
{
    for (size_t i = 0; n && i + n <= len; i++) {
        size_t k = 0;
        while (k < n && jkb_lower((unsigned char)text[i + k]) == (unsigned char)s[k])
            k++;
        if (k == n)
            return text + i;
    }
    return NULL;
}

typedef struct orig_case {
    const char *text;
    size_t len;
    link_name_fn fn;
    void *ud;
} orig_case;

static int give_original(const char *name, size_t len, void *ud)
{
    orig_case *o = ud;
    const char *p = find_ci(o->text, o->len, name, len);
    return o->fn(p ? p : name, len, o->ud);
}

/* An English name at t[i]: printable ASCII up to a bracket, a line end or
 * "all rights". */
static void english_at(const char *t, size_t n, size_t i, link_name_fn fn, void *ud)
{
    size_t s = skip_blank(t, n, i), e = s;
    int letters = 0;
    while (e < n && (unsigned char)t[e] >= 0x20 && (unsigned char)t[e] < 0x7F && t[e] != ')' && t[e] != ']' &&
           t[e] != ';' && t[e] != '|' && e - s < 120) {
        if (JKB_AT(t, n, e, "all rights"))
            break;
        if ((t[e] >= 'a' && t[e] <= 'z'))
            letters++;
        e++;
    }
    while (e > s && (t[e - 1] == ' ' || t[e - 1] == ',' || t[e - 1] == '-'))
        e--;
    if (letters >= 2)
        fn(t + s, e - s, ud);
}

void link_scan_english(const link_lex *x, const char *text, size_t len, link_name_fn fn, void *ud)
{
    size_t n = 0;
    if (!text || !len)
        return;
    char *t = nfkc_cf(text, len, &n); /* case folded: "English:" and "ENGLISH:" alike */
    if (!t)
        return;
    orig_case oc = {text, len, fn, ud};
    fn = give_original;
    ud = &oc;
    for (size_t m = 0; m < x->en_marker.n; m++) {
        const char *mk = x->en_marker.v[m];
        size_t ml = strlen(mk);
        for (size_t i = 0; i + ml <= n; i++) {
            if (memcmp(t + i, mk, ml) != 0)
                continue;
            /* 英語 inside 英語表記 is found as the longer marker */
            size_t j = skip_blank(t, n, i + ml);
            if (j < n && t[j] == ':')
                english_at(t, n, j + 1, fn, ud);
        }
    }
    for (size_t m = 0; m < x->copyright.n; m++) {
        const char *mk = x->copyright.v[m];
        size_t ml = strlen(mk);
        for (size_t i = 0; i + ml <= n; i++) {
            if (memcmp(t + i, mk, ml) != 0)
                continue;
            size_t j = i + ml;
            for (;;) { /* ©, (c), years, commas between them */
                size_t k = skip_blank(t, n, j);
                if (JKB_AT(t, n, k, "©"))
                    k += 2;
                else if (JKB_AT(t, n, k, "(c)"))
                    k += 3;
                else if (k < n && ((t[k] >= '0' && t[k] <= '9') || t[k] == '-' || t[k] == ','))
                    k++;
                if (k == j)
                    break;
                j = k;
            }
            english_at(t, n, j, fn, ud);
        }
    }
    free(t);
}

/* ================================================================ dates */

static int32_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int32_t era = (y >= 0 ? y : y - 399) / 400;
    int32_t yoe = y - era * 400;
    int32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int month_days(int y, int m)
{
    static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return md[m - 1];
}

void link_date_range(jkb_date d, int32_t *lo, int32_t *hi)
{
    if (!d.y) {
        *lo = *hi = 0;
        return;
    }
    if (!d.m) {
        *lo = days_from_civil(d.y, 1, 1);
        *hi = days_from_civil(d.y, 12, 31);
    } else if (!d.d) {
        *lo = days_from_civil(d.y, d.m, 1);
        *hi = days_from_civil(d.y, d.m, month_days(d.y, d.m));
    } else {
        *lo = *hi = days_from_civil(d.y, d.m, d.d);
    }
}

void link_date_str(jkb_date d, char *buf)
{
    buf[0] = 0;
    if (d.y < 1 || d.y > 9999)
        return;
    int y = d.y;
    for (int k = 3; k >= 0; k--, y /= 10)
        buf[k] = (char)('0' + y % 10);
    size_t n = 4;
    if (d.m >= 1 && d.m <= 12) {
        buf[n++] = '-';
        buf[n++] = (char)('0' + d.m / 10);
        buf[n++] = (char)('0' + d.m % 10);
        if (d.d >= 1 && d.d <= 31) {
            buf[n++] = '-';
            buf[n++] = (char)('0' + d.d / 10);
            buf[n++] = (char)('0' + d.d % 10);
        }
    }
    buf[n] = 0;
}

static int digits(const char *s, size_t len, size_t i, size_t n, int *v)
{
    int x = 0;
    if (i + n > len)
        return 0;
    for (size_t k = 0; k < n; k++) {
        if (!jkb_is_digit((unsigned char)s[i + k]))
            return 0;
        x = x * 10 + (s[i + k] - '0');
    }
    *v = x;
    return 1;
}

jkb_date link_parse_date(const char *s, size_t len)
{
    jkb_date d = {0, 0, 0};
    int y, m, dd;
    while (len && (*s == ' ' || *s == '"'))
        s++, len--;
    if (!digits(s, len, 0, 4, &y) || y < 1900 || y > 2999)
        return d;
    if (len > 4 && jkb_is_digit((unsigned char)s[4]))
        return d;
    d.y = (int16_t)y;
    if (len >= 7 && (s[4] == '-' || s[4] == '/' || s[4] == '.') && digits(s, len, 5, 2, &m) && m >= 1 && m <= 12) {
        d.m = (int8_t)m;
        if (len >= 10 && s[7] == s[4] && digits(s, len, 8, 2, &dd) && dd >= 1 && dd <= month_days(y, m))
            d.d = (int8_t)dd;
    }
    return d;
}

/* An ASCII or full-width digit at s[i]: its value and byte length. */
static int digit_at(const char *s, size_t len, size_t i, int *v, size_t *k)
{
    if (i < len && jkb_is_digit((unsigned char)s[i])) {
        *v = s[i] - '0';
        *k = 1;
        return 1;
    }
    if (i + 3 <= len && (unsigned char)s[i] == 0xEF && (unsigned char)s[i + 1] == 0xBC &&
        (unsigned char)s[i + 2] >= 0x90 && (unsigned char)s[i + 2] <= 0x99) {
        *v = (unsigned char)s[i + 2] - 0x90;
        *k = 3;
        return 1;
    }
    return 0;
}

/* Up to max digits at s[*i]: their value, *i past them; 0 digits → 0. */
static int number_at(const char *s, size_t len, size_t *i, int max, int *v)
{
    int x = 0, n = 0, dv;
    size_t k;
    while (n < max && digit_at(s, len, *i, &dv, &k)) {
        x = x * 10 + dv;
        *i += k;
        n++;
    }
    *v = x;
    return n;
}

jkb_date link_find_nengetsu(const char *text, size_t len)
{
    jkb_date d = {0, 0, 0};
    for (size_t i = 0; i < len; i++) {
        int dv;
        size_t k;
        if (!digit_at(text, len, i, &dv, &k))
            continue;
        if (i > 0 && jkb_is_digit((unsigned char)text[i - 1]))
            continue;
        size_t j = i;
        int y, m, dd;
        if (number_at(text, len, &j, 4, &y) != 4 || y < 1990 || y > 2999 || !JKB_AT(text, len, j, "年"))
            continue;
        j += 3;
        if (number_at(text, len, &j, 2, &m) == 0 || m < 1 || m > 12 || !JKB_AT(text, len, j, "月"))
            continue;
        j += 3;
        d.y = (int16_t)y;
        d.m = (int8_t)m;
        if (number_at(text, len, &j, 2, &dd) > 0 && dd >= 1 && dd <= month_days(y, m) && JKB_AT(text, len, j, "日"))
            d.d = (int8_t)dd;
        return d;
    }
    return d;
}
