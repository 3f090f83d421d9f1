/*
 * The casebook store, backend-independent part: picks the backend from the
 * URL, hashes notice texts (SHA-256), derives the indexed columns of a
 * record once, validates queries (dates, enums, the full text split into
 * terms), sorts stats rows and computes the timing figures from the stored
 * records' timelines. The backends (sqlite.c, pg.c) only talk to databases.
 */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_internal.h"

/* ------------------------------------------------------------ errors */

jkb_status store_fail(jkb_err *err, jkb_status code, const char *fmt, ...)
{
    if (err) {
        err->code = code;
        err->offset = 0;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* ------------------------------------------------------------ SHA-256 */

/* FIPS 180-4, written for this file: the content hash must not depend on a
 * crypto library, and 5 KB notices cost about 20 µs each. */
typedef struct sha256 {
    uint32_t h[8];
    uint64_t len;
    unsigned char buf[64];
    size_t n;
} sha256;

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(sha256 *c, const unsigned char *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3], e = c->h[4], f = c->h[5], g = c->h[6],
             h = c->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = cc;
        cc = b;
        b = a;
        a = t1 + t2;
    }
    c->h[0] += a;
    c->h[1] += b;
    c->h[2] += cc;
    c->h[3] += d;
    c->h[4] += e;
    c->h[5] += f;
    c->h[6] += g;
    c->h[7] += h;
}

static void sha_init(sha256 *c)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, iv, sizeof iv);
    c->len = 0;
    c->n = 0;
}

static void sha_update(sha256 *c, const unsigned char *p, size_t n)
{
    c->len += n;
    if (c->n) {
        size_t k = 64 - c->n < n ? 64 - c->n : n;
        memcpy(c->buf + c->n, p, k);
        c->n += k;
        p += k;
        n -= k;
        if (c->n < 64)
            return;
        sha_block(c, c->buf);
        c->n = 0;
    }
    for (; n >= 64; p += 64, n -= 64)
        sha_block(c, p);
    memcpy(c->buf, p, n);
    c->n = n;
}

static void sha_hex(sha256 *c, char out[65])
{
    uint64_t bits = c->len * 8;
    unsigned char pad[72] = {0x80};
    size_t padn = c->n < 56 ? 56 - c->n : 120 - c->n;
    for (int i = 0; i < 8; i++)
        pad[padn + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
    sha_update(c, pad, padn + 8);
    static const char hx[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++)
        for (int k = 0; k < 4; k++) {
            unsigned char b = (unsigned char)(c->h[i] >> (24 - 8 * k));
            out[8 * i + 2 * k] = hx[b >> 4];
            out[8 * i + 2 * k + 1] = hx[b & 15];
        }
    out[64] = 0;
}

void jkb_store_hash(const char *text, size_t len, char out[65])
{
    sha256 c;
    sha_init(&c);
    sha_update(&c, (const unsigned char *)text, len);
    sha_hex(&c, out);
}

/* ------------------------------------------------------------ schema files */

extern const struct jkb_embedded {
    const char *name;
    const char *data;
    size_t len;
} jkb_schema_files[];

/* Files are "<prefix>NNN.sql" (e.g. sqlite-001.sql): NNN is the version the
 * file brings the casebook to. */
static int schema_version_of(const char *name, const char *prefix)
{
    size_t pl = strlen(prefix);
    if (strncmp(name, prefix, pl) != 0)
        return 0;
    int v = 0;
    const char *p = name + pl;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > 9999)
            return 0;
        v = v * 10 + (*p - '0');
    }
    return strcmp(p, ".sql") == 0 ? v : 0;
}

const char *store_schema(const char *prefix, int v, size_t *len, int *max)
{
    const char *found = NULL;
    int hi = 0;
    for (const struct jkb_embedded *f = jkb_schema_files; f->name; f++) {
        int fv = schema_version_of(f->name, prefix);
        if (fv > hi)
            hi = fv;
        if (fv == v && v > 0) {
            found = f->data;
            if (len)
                *len = f->len;
        }
    }
    if (max)
        *max = hi;
    return found;
}

/* ------------------------------------------------------------ dates */

jkb_date store_parse_date(const char *s)
{
    jkb_date d = {0, 0, 0};
    if (!s)
        return d;
    int v[3] = {0, 0, 0}, k = 0;
    for (const char *p = s; *p && k < 3; p++) {
        if (*p == '-') {
            k++;
            continue;
        }
        if (*p < '0' || *p > '9' || v[k] > 9999)
            return (jkb_date){0, 0, 0};
        v[k] = v[k] * 10 + (*p - '0');
    }
    if (v[0] < 1 || v[0] > 9999 || v[1] > 12 || v[2] > 31)
        return d;
    d.y = (int16_t)v[0];
    d.m = (int8_t)v[1];
    d.d = (int8_t)v[2];
    return d;
}

/* Days since 1970-01-01 of a full date (H. Hinnant's days_from_civil). */
static int64_t civil_days(jkb_date d)
{
    int64_t y = d.y - (d.m <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = (d.m + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + d.d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t store_day_key(jkb_date d) { return civil_days(d) + 719468 + 1; }

static int full_date(jkb_date d) { return d.y > 0 && d.m >= 1 && d.m <= 12 && d.d >= 1 && d.d <= 31; }

/* "YYYY-MM-DD" of a checked date (y 1..9999, m 1..12, d 1..32). */
static void fmt_date(char out[11], jkb_date d)
{
    int y = d.y, m = d.m, dd = d.d;
    out[0] = (char)('0' + y / 1000 % 10);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10 % 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + dd / 10 % 10);
    out[9] = (char)('0' + dd % 10);
    out[10] = 0;
}

/* ------------------------------------------------------------ open */

jkb_status jkb_store_open(const char *url, jkb_store **out, jkb_err *err)
{
    if (!url || !out)
        return store_fail(err, JKB_EINVAL, "no casebook given");
    *out = NULL;
    const store_ops *ops = NULL;
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
#ifdef JKB_WITH_PG
        ops = &jkb_store_pg_ops;
#else
        return store_fail(err, JKB_ESTORE, "this jikenbo was built without the PostgreSQL casebook backend");
#endif
    } else if (strstr(url, "://") && strncmp(url, "sqlite:", 7) != 0 && strncmp(url, "file:", 5) != 0) {
        return store_fail(err, JKB_EINVAL, "unknown casebook URL scheme in '%.80s' (a path, sqlite:PATH or postgresql://…)",
                          url);
    } else {
        ops = &jkb_store_sqlite_ops;
    }
    jkb_store *s = calloc(1, sizeof *s);
    if (!s)
        return store_fail(err, JKB_ENOMEM, "out of memory");
    s->ops = ops;
    jkb_status rc = ops->open(s, url, err);
    if (rc) {
        free(s);
        return rc;
    }
    *out = s;
    return JKB_OK;
}

void jkb_store_close(jkb_store *s)
{
    if (!s)
        return;
    if (s->in_tx)
        s->ops->rollback(s, NULL);
    s->ops->close(s);
    free(s);
}

const char *jkb_store_backend(const jkb_store *s) { return s ? s->ops->name : NULL; }

jkb_status jkb_store_begin(jkb_store *s, jkb_err *err)
{
    if (!s)
        return store_fail(err, JKB_EINVAL, "no casebook");
    if (s->in_tx)
        return store_fail(err, JKB_EINVAL, "a transaction is already open");
    jkb_status rc = s->ops->begin(s, err);
    if (!rc)
        s->in_tx = 1;
    return rc;
}

jkb_status jkb_store_commit(jkb_store *s, jkb_err *err)
{
    if (!s || !s->in_tx)
        return store_fail(err, JKB_EINVAL, "no transaction is open");
    jkb_status rc = s->ops->prepare_commit(s, err);
    if (rc) {
        s->ops->rollback(s, NULL);
        s->in_tx = 0;
        return rc;
    }
    rc = s->ops->commit(s, err);
    s->in_tx = 0;
    return rc;
}

jkb_status jkb_store_rollback(jkb_store *s, jkb_err *err)
{
    if (!s || !s->in_tx)
        return store_fail(err, JKB_EINVAL, "no transaction is open");
    s->in_tx = 0;
    return s->ops->rollback(s, err);
}

/* ------------------------------------------------------------ put */

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

/* The org without ASCII spaces, tabs and U+3000, so that "医療法人 翠嶺会"
 * and "医療法人翠嶺会" are one organization. */
static char *org_key_of(const char *s, size_t n)
{
    char *k = malloc(n + 1);
    if (!k)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')
            continue;
        if (i + 2 < n && (unsigned char)s[i] == 0xE3 && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0x80) {
            i += 2;
            continue;
        }
        k[j++] = s[i];
    }
    k[j] = 0;
    return k;
}

/* Title words of a follow-up notice besides 第N報 (which report_no gives).
 * Kept here rather than in the lexicon: they decide casebook linking, not a
 * record field. */
static const char *const FOLLOWUP_WORDS[] = {"続報", "調査結果", "最終報", "第二報", "第三報", "第四報", "第五報"};

static int is_followup(const jkb_record *r)
{
    if (r->report_no >= 2)
        return 1;
    if (!r->title.s)
        return 0;
    for (size_t i = 0; i < sizeof FOLLOWUP_WORDS / sizeof FOLLOWUP_WORDS[0]; i++)
        if (strstr(r->title.s, FOLLOWUP_WORDS[i]))
            return 1;
    return 0;
}

/* ------------------------------------------------------------ follow-up choice */

/* Title words that say what kind of report a notice is, not what happened:
 * two notices of one incident differ in them, two incidents share them.
 * (第N報 is matched apart.) Linking words, kept here like FOLLOWUP_WORDS. */
static const char *const REPORT_MARKERS[] = {
    "続報",     "最終報",   "調査結果", "ご報告", "報告",   "お詫び", "おわび", "お知らせ", "のお知らせ",
    "について", "に関する", "ご連絡",   "ご案内", "ご迷惑", "発生",   "件",     "のご",     "及び",
};

/* The next code point of s[*i..n) (advancing *i); malformed bytes are 0. */
static uint32_t next_cp(const char *s, size_t n, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s + *i;
    size_t left = n - *i;
    uint32_t c = u[0];
    size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (!k || k > left) {
        *i += 1;
        return 0;
    }
    if (k > 1) {
        c &= 0x3f >> (k - 1);
        for (size_t j = 1; j < k; j++) {
            if ((u[j] & 0xc0) != 0x80) {
                *i += 1;
                return 0;
            }
            c = c << 6 | (u[j] & 0x3f);
        }
    }
    *i += k;
    return c;
}

static int is_numeral(uint32_t c)
{
    static const uint32_t kanji[] = {0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D, 0x5341};
    if ((c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19))
        return 1;
    for (size_t i = 0; i < sizeof kanji / sizeof kanji[0]; i++)
        if (c == kanji[i])
            return 1;
    return 0;
}

/* Brackets, punctuation and spaces: they separate words. */
static int is_separator(uint32_t c)
{
    return c == 0 || c < 0x30 || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7F) ||
           (c >= 0x3000 && c <= 0x303F) || c == 0x30FB || (c >= 0xFF01 && c <= 0xFF0F) ||
           (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65);
}

/* The distinct pairs of adjacent characters of a title, report markers and
 * separators removed (a pair never spans one). Returns how many. */
static size_t title_pairs(const char *s, size_t n, uint32_t out[][2])
{
    uint32_t prev = 0;
    size_t np = 0, chars = 0, i = 0;
    while (i < n && chars < STORE_FOLLOW_TITLE_CHARS) {
        size_t m = 0;
        for (size_t k = 0; k < sizeof REPORT_MARKERS / sizeof REPORT_MARKERS[0] && !m; k++) {
            size_t ml = strlen(REPORT_MARKERS[k]);
            if (ml <= n - i && memcmp(s + i, REPORT_MARKERS[k], ml) == 0)
                m = ml;
        }
        if (!m && n - i >= 3 && memcmp(s + i, "第", 3) == 0) {
            /* 第N報 */
            size_t j = i + 3, digits = 0;
            uint32_t c = 0;
            while (j < n && (c = next_cp(s, n, &j)) && is_numeral(c))
                digits++;
            if (digits && c == 0x5831 /* 報 */)
                m = j - i;
        }
        if (m) {
            i += m;
            prev = 0;
            continue;
        }
        uint32_t c = next_cp(s, n, &i);
        chars++;
        if (is_separator(c)) {
            prev = 0;
            continue;
        }
        if (prev) {
            size_t k = 0;
            while (k < np && !(out[k][0] == prev && out[k][1] == c))
                k++;
            if (k == np && np < STORE_FOLLOW_TITLE_CHARS) {
                out[np][0] = prev;
                out[np][1] = c;
                np++;
            }
        }
        prev = c;
    }
    return np;
}

void store_follow_init(store_follow *f, const store_put *p)
{
    memset(f, 0, sizeof *f);
    f->p = p;
    if (p->title)
        f->n_pairs = title_pairs(p->title, strlen(p->title), f->pairs);
}

void store_follow_add(store_follow *f, int64_t incident, uint32_t categories, const char *title, size_t title_len,
                      int report_no)
{
    size_t i = 0;
    while (i < f->n && f->c[i].incident != incident)
        i++;
    if (i == f->n) {
        /* the latest incidents are the likelier: later ones are not weighed */
        if (f->n == STORE_FOLLOW_INCIDENTS)
            return;
        memset(&f->c[i], 0, sizeof f->c[i]);
        f->c[i].incident = incident;
        f->n++;
    }
    store_follow_cand *c = &f->c[i];
    c->categories |= categories;
    if (report_no > c->max_report)
        c->max_report = report_no;
    if (title && f->n_pairs) {
        uint32_t theirs[STORE_FOLLOW_TITLE_CHARS][2];
        size_t nt = title_pairs(title, title_len, theirs), shared = 0;
        for (size_t a = 0; a < f->n_pairs; a++)
            for (size_t b = 0; b < nt; b++)
                if (f->pairs[a][0] == theirs[b][0] && f->pairs[a][1] == theirs[b][1]) {
                    shared++;
                    break;
                }
        if ((int)shared > c->title_pairs)
            c->title_pairs = (int)shared;
    }
}

/* A shared category weighs as much as a few shared title pairs (a word or
 * two); a report that comes next in a chain's numbering, as much as a
 * category and a word. */
#define WEIGHT_CATEGORY 3
#define WEIGHT_CHAIN 5

int64_t store_follow_pick(const store_follow *f)
{
    int64_t best = 0;
    long best_score = -1;
    for (size_t i = 0; i < f->n; i++) {
        const store_follow_cand *c = &f->c[i];
        long score = c->title_pairs;
        for (uint32_t shared = c->categories & f->p->categories; shared; shared &= shared - 1)
            score += WEIGHT_CATEGORY;
        if (f->p->report_no >= 2 && c->max_report == f->p->report_no - 1)
            score += WEIGHT_CHAIN;
        if (score > best_score) { /* strictly: a tie stays with the latest */
            best_score = score;
            best = c->incident;
        }
    }
    return best;
}

/* Where the "source" member begins: the writer puts it last. */
size_t store_record_core(const char *j, size_t n)
{
    static const char key[] = ",\"source\":";
    size_t kl = sizeof key - 1;
    for (size_t i = n >= kl ? n - kl + 1 : 0; i-- > 0;)
        if (memcmp(j + i, key, kl) == 0)
            return i;
    return n;
}

static void put_free(store_put *p)
{
    free(p->title);
    free(p->org);
    free(p->org_key);
    free(p->case_id);
}

jkb_status jkb_store_put(jkb_store *s, const jkb_notice_in *n, jkb_put_outcome *outcome, int64_t *id, jkb_err *err)
{
    jkb_status rc = JKB_OK;
    store_put p;
    memset(&p, 0, sizeof p);
    if (!s || !n || !n->rec || !n->text || !n->record_json || !n->record_json_len) {
        rc = store_fail(err, JKB_EINVAL, "a notice needs its text, record and record JSON");
        goto out;
    }
    if (!s->in_tx) {
        rc = store_fail(err, JKB_EINVAL, "jkb_store_put needs an open transaction (jkb_store_begin)");
        goto out;
    }
    const jkb_record *r = n->rec;
    p.in = n;
    if (n->content_hash && strlen(n->content_hash) == 64)
        memcpy(p.hash, n->content_hash, 65);
    else
        jkb_store_hash(n->text, n->len, p.hash);
    p.record_json = n->record_json;
    p.record_len = n->record_json_len;
    p.record_core_len = store_record_core(n->record_json, n->record_json_len);
    if (full_date(r->published) || (r->published.y > 0 && r->published.m >= 1)) {
        jkb_date d = r->published;
        if (d.d < 1)
            d.d = 1; /* month precision: the first of the month keeps the order */
        if (d.m < 1)
            d.m = 1;
        fmt_date(p.published, d);
        p.day_key = store_day_key(d);
        p.year = d.y;
    } else if (r->published.y > 0) {
        p.year = r->published.y;
    }
    if ((r->title.s && !(p.title = dup_n(r->title.s, r->title.len))) ||
        (r->org.s && !(p.org = dup_n(r->org.s, r->org.len))) ||
        (r->org.s && !(p.org_key = org_key_of(r->org.s, r->org.len))) ||
        (r->case_id.s && !(p.case_id = dup_n(r->case_id.s, r->case_id.len)))) {
        rc = store_fail(err, JKB_ENOMEM, "out of memory");
        goto out;
    }
    if (p.org_key && !p.org_key[0]) {
        free(p.org_key);
        p.org_key = NULL;
    }
    p.org_kind = r->org_kind >= 0 && r->org_kind < JKB_ORG__COUNT ? r->org_kind : -1;
    p.report_no = r->report_no > 0 ? r->report_no : 0;
    p.followup = is_followup(r);
    p.categories = r->categories;
    p.data_classes = r->data_classes;
    p.authorities = r->authorities;
    p.vectors = r->vectors;
    p.measures = r->measures;
    p.has_affected = r->has_affected;
    p.affected = r->affected;
    p.leak_status = jkb_leak_key(r->leak_status);
    p.actors = r->actors;
    p.n_actors = r->n_actors;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(p.ingested_at, sizeof p.ingested_at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    jkb_put_outcome o = JKB_PUT_STORED;
    int64_t nid = 0;
    rc = s->ops->put(s, &p, &o, &nid, err);
    if (!rc) {
        if (outcome)
            *outcome = o;
        if (id)
            *id = nid;
    }
out:
    put_free(&p);
    return rc;
}

/* ------------------------------------------------------------ queries */

void jkb_query_init(jkb_query *q)
{
    memset(q, 0, sizeof *q);
    q->category = q->org_kind = q->data_class = q->authority = -1;
}

static int is_space_at(const char *s, size_t i, size_t n, size_t *w)
{
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        *w = 1;
        return 1;
    }
    if (c == 0xE3 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x80) {
        *w = 3; /* U+3000 */
        return 1;
    }
    return 0;
}

static void query_free(store_query *sq)
{
    free(sq->textbuf);
    free(sq->altbuf);
    sq->textbuf = sq->altbuf = NULL;
}

/* The other width of a term into out (room for 3 bytes a byte and a NUL):
 * full-width ASCII (U+FF01..U+FF5E) narrowed when the term has any, else
 * ASCII 0x21..0x7E widened. 0 when the term has neither. */
static size_t other_width(const char *t, size_t n, char *out)
{
    int narrow = 0, wide = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c > 0x20 && c < 0x7F)
            wide = 1;
        /* EF BC 81..EF BD 9E: U+FF01..U+FF5E */
        if (c == 0xEF && i + 2 < n &&
            (((unsigned char)t[i + 1] == 0xBC && (unsigned char)t[i + 2] >= 0x81) ||
             ((unsigned char)t[i + 1] == 0xBD && (unsigned char)t[i + 2] <= 0x9E)))
            narrow = 1;
    }
    if (!narrow && !wide)
        return 0;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)t[i];
        if (narrow && c == 0xEF && i + 2 < n &&
            (((unsigned char)t[i + 1] == 0xBC && (unsigned char)t[i + 2] >= 0x81) ||
             ((unsigned char)t[i + 1] == 0xBD && (unsigned char)t[i + 2] <= 0x9E))) {
            unsigned cp = 0xF000u | (((unsigned char)t[i + 1] & 0x3Fu) << 6) | ((unsigned char)t[i + 2] & 0x3Fu);
            out[o++] = (char)(cp - 0xFEE0u);
            i += 3;
        } else if (!narrow && c > 0x20 && c < 0x7F) {
            unsigned cp = c + 0xFEE0u;
            out[o++] = (char)(0xE0 | (cp >> 12));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
            i++;
        } else {
            out[o++] = (char)c;
            i++;
        }
    }
    out[o] = 0;
    return o;
}

/* Check the query and turn it into what backends bind. */
static jkb_status query_prepare(const jkb_query *q, store_query *sq, jkb_err *err)
{
    memset(sq, 0, sizeof *sq);
    sq->q = q;
    if (!q)
        return store_fail(err, JKB_EINVAL, "no query");
    if (q->category < -1 || q->category >= JKB_CAT__COUNT)
        return store_fail(err, JKB_EINVAL, "unknown category %d", q->category);
    if (q->org_kind < -1 || q->org_kind >= JKB_ORG__COUNT)
        return store_fail(err, JKB_EINVAL, "unknown org kind %d", q->org_kind);
    if (q->data_class < -1 || q->data_class >= JKB_DATA__COUNT)
        return store_fail(err, JKB_EINVAL, "unknown data class %d", q->data_class);
    if (q->authority < -1 || q->authority >= JKB_AUTH__COUNT)
        return store_fail(err, JKB_EINVAL, "unknown authority %d", q->authority);
    if (q->since.y) {
        if (q->since.y < 1 || q->since.m < 0 || q->since.m > 12 || q->since.d < 0 || q->since.d > 31)
            return store_fail(err, JKB_EINVAL, "the start date is not a date");
        jkb_date d = q->since;
        if (d.m == 0)
            d.m = 1;
        if (d.d == 0)
            d.d = 1;
        fmt_date(sq->since, d);
        sq->since_key = store_day_key(d);
    }
    if (q->until.y) {
        if (q->until.y < 1 || q->until.y > 9998 || q->until.m < 0 || q->until.m > 12 || q->until.d < 0 ||
            q->until.d > 31)
            return store_fail(err, JKB_EINVAL, "the end date is not a date");
        /* inclusive in the caller's precision: until 2023-12 means before 2024-01-01 */
        jkb_date d = q->until;
        if (d.m == 0) {
            d.y++;
            d.m = 1;
            d.d = 1;
        } else if (d.d == 0) {
            d.m++;
            d.d = 1;
            if (d.m > 12) {
                d.m = 1;
                d.y++;
            }
        } else {
            /* the next day; a day past the month's end compares right as text */
            d.d++;
        }
        fmt_date(sq->until, d);
        sq->until_key = store_day_key(d);
    }
    if (sq->since[0] && sq->until[0] && strcmp(sq->since, sq->until) >= 0)
        return store_fail(err, JKB_EINVAL, "the date range is empty (--since is after --until)");
    if (q->actor && !q->actor[0])
        return store_fail(err, JKB_EINVAL, "an empty actor name");
    if (!q->text)
        return JKB_OK;
    size_t n = strlen(q->text);
    if (n > 4096)
        return store_fail(err, JKB_EINVAL, "the search text is longer than 4096 bytes");
    sq->textbuf = malloc(n + 1);
    if (!sq->textbuf)
        return store_fail(err, JKB_ENOMEM, "out of memory");
    memcpy(sq->textbuf, q->text, n + 1);
    char *t = sq->textbuf;
    size_t i = 0;
    while (i < n) {
        size_t w;
        if (is_space_at(t, i, n, &w)) {
            memset(t + i, 0, w);
            i += w;
            continue;
        }
        size_t start = i, chars = 0;
        while (i < n && !is_space_at(t, i, n, &w)) {
            unsigned char c = (unsigned char)t[i];
            size_t k = c < 0x80 ? 1 : c >= 0xC2 && c < 0xE0 ? 2 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xF0 && c < 0xF5 ? 4 : 0;
            if (k == 0 || i + k > n) {
                query_free(sq);
                return store_fail(err, JKB_EINVAL, "the search text is not valid UTF-8");
            }
            for (size_t j = 1; j < k; j++)
                if (((unsigned char)t[i + j] & 0xC0) != 0x80) {
                    query_free(sq);
                    return store_fail(err, JKB_EINVAL, "the search text is not valid UTF-8");
                }
            if (c == 0 || (k == 3 && c == 0xEF && (unsigned char)t[i + 1] == 0xBF && (unsigned char)t[i + 2] >= 0xBE)) {
                /* U+FFFE/U+FFFF: U+FFFF ends every indexed value (see the schema) */
                query_free(sq);
                return store_fail(err, JKB_EINVAL, "the search text contains U+FFFF or U+FFFE, which is never in a notice");
            }
            i += k;
            chars++;
        }
        if (i - start > STORE_MAX_TERM_BYTES) {
            query_free(sq);
            return store_fail(err, JKB_EINVAL, "a search term is longer than %d bytes", STORE_MAX_TERM_BYTES);
        }
        if (sq->n_terms == STORE_MAX_TERMS) {
            query_free(sq);
            return store_fail(err, JKB_EINVAL, "more than %d search terms", STORE_MAX_TERMS);
        }
        sq->terms[sq->n_terms].s = t + start;
        sq->terms[sq->n_terms].len = i - start;
        sq->terms[sq->n_terms].nchars = chars;
        sq->n_terms++;
        if (i < n && is_space_at(t, i, n, &w)) {
            memset(t + i, 0, w);
            i += w;
        }
    }
    if (sq->n_terms == 0) {
        query_free(sq);
        return store_fail(err, JKB_EINVAL, "the search text is blank");
    }
    /* each term's other width, all in one buffer (3 bytes a byte at most) */
    sq->altbuf = malloc(3 * n + sq->n_terms + 1);
    if (!sq->altbuf) {
        query_free(sq);
        return store_fail(err, JKB_ENOMEM, "out of memory");
    }
    size_t at = 0;
    for (size_t k = 0; k < sq->n_terms; k++) {
        store_term *tm = &sq->terms[k];
        size_t al = other_width(tm->s, tm->len, sq->altbuf + at);
        tm->alt = al && (al != tm->len || memcmp(sq->altbuf + at, tm->s, al) != 0) ? sq->altbuf + at : NULL;
        tm->alt_len = tm->alt ? al : 0;
        at += tm->alt ? al + 1 : 0;
    }
    return JKB_OK;
}

jkb_status jkb_store_search(jkb_store *s, const jkb_query *q, jkb_row_fn fn, void *ud, size_t *total, jkb_err *err)
{
    jkb_query all;
    if (!s)
        return store_fail(err, JKB_EINVAL, "no casebook");
    if (!q) {
        jkb_query_init(&all);
        q = &all;
    }
    store_query sq;
    jkb_status rc = query_prepare(q, &sq, err);
    if (rc)
        return rc;
    rc = s->ops->search(s, &sq, fn, ud, total, err);
    query_free(&sq);
    return rc;
}

jkb_status jkb_store_get(jkb_store *s, int64_t id, jkb_row_fn fn, void *ud, jkb_err *err)
{
    if (!s || !fn)
        return store_fail(err, JKB_EINVAL, "no casebook or callback");
    return s->ops->get(s, id, fn, ud, err);
}

jkb_status jkb_store_incident(jkb_store *s, int64_t incident_id, jkb_row_fn fn, void *ud, jkb_err *err)
{
    if (!s || !fn)
        return store_fail(err, JKB_EINVAL, "no casebook or callback");
    return s->ops->incident(s, incident_id, fn, ud, err);
}

jkb_status jkb_store_each_text(jkb_store *s, jkb_text_fn fn, void *ud, jkb_err *err)
{
    if (!s || !fn)
        return store_fail(err, JKB_EINVAL, "no casebook or callback");
    return s->ops->each_text(s, fn, ud, err);
}

/* ------------------------------------------------------------ stats */

static const struct {
    const char *name;
    store_dim dim;
    const char *(*key)(int);
} DIMS[] = {
    {"month", DIM_MONTH, NULL},
    {"year", DIM_YEAR, NULL},
    {"category", DIM_CATEGORY, jkb_category_key},
    {"org_kind", DIM_ORG_KIND, jkb_org_kind_key},
    {"vector", DIM_VECTOR, jkb_vector_key},
    {"actor", DIM_ACTOR, NULL},
    {"data_class", DIM_DATA_CLASS, jkb_data_class_key},
    {"authority", DIM_AUTHORITY, jkb_authority_key},
};

typedef struct stat_row {
    char *label;
    int64_t count;
} stat_row;

typedef struct stat_acc {
    stat_row *rows;
    size_t n, cap;
    const char *(*key)(int);
    int failed;
} stat_acc;

static int stat_collect(const char *label, int64_t count, void *ud)
{
    stat_acc *a = ud;
    const char *l = label ? label : "unknown";
    if (a->key && label) {
        /* enum value as decimal text */
        int v = 0, neg = 0;
        const char *p = label;
        if (*p == '-') {
            neg = 1;
            p++;
        }
        for (; *p >= '0' && *p <= '9' && v < 1000; p++)
            v = v * 10 + (*p - '0');
        const char *k = neg ? NULL : a->key(v);
        l = k ? k : "unknown";
    }
    if (count <= 0)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->rows[i].label, l) == 0) {
            a->rows[i].count += count;
            return 0;
        }
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 32;
        stat_row *r = realloc(a->rows, cap * sizeof *r);
        if (!r) {
            a->failed = 1;
            return 1;
        }
        a->rows = r;
        a->cap = cap;
    }
    a->rows[a->n].label = dup_n(l, strlen(l));
    if (!a->rows[a->n].label) {
        a->failed = 1;
        return 1;
    }
    a->rows[a->n++].count = count;
    return 0;
}

static int by_period(const void *x, const void *y)
{
    const stat_row *a = x, *b = y;
    /* "unknown" (no date) last */
    int ua = strcmp(a->label, "unknown") == 0, ub = strcmp(b->label, "unknown") == 0;
    if (ua != ub)
        return ua - ub;
    return strcmp(a->label, b->label);
}

static int by_count(const void *x, const void *y)
{
    const stat_row *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->label, b->label);
}

jkb_status jkb_store_stats(jkb_store *s, const char *by, const jkb_query *q, int notices, jkb_count_fn fn, void *ud,
                           jkb_err *err)
{
    if (!s || !by || !fn)
        return store_fail(err, JKB_EINVAL, "no casebook, dimension or callback");
    size_t d = 0;
    for (; d < sizeof DIMS / sizeof DIMS[0]; d++)
        if (strcmp(DIMS[d].name, by) == 0)
            break;
    if (d == sizeof DIMS / sizeof DIMS[0])
        return store_fail(err, JKB_EINVAL,
                          "cannot count by '%.40s' (month, year, category, org_kind, vector, actor, data_class, authority)",
                          by);
    jkb_query all;
    if (!q) {
        jkb_query_init(&all);
        q = &all;
    }
    store_query sq;
    jkb_status rc = query_prepare(q, &sq, err);
    if (rc)
        return rc;
    stat_acc acc = {NULL, 0, 0, DIMS[d].key, 0};
    rc = s->ops->stats(s, DIMS[d].dim, &sq, notices, stat_collect, &acc, err);
    if (!rc && acc.failed)
        rc = store_fail(err, JKB_ENOMEM, "out of memory");
    if (!rc) {
        if (acc.n) /* qsort of NULL is undefined even for no rows */
            qsort(acc.rows, acc.n, sizeof *acc.rows,
                  DIMS[d].dim == DIM_MONTH || DIMS[d].dim == DIM_YEAR ? by_period : by_count);
        for (size_t i = 0; i < acc.n; i++)
            if (fn(acc.rows[i].label, acc.rows[i].count, ud)) {
                rc = JKB_ESTOP;
                break;
            }
    }
    for (size_t i = 0; i < acc.n; i++)
        free(acc.rows[i].label);
    free(acc.rows);
    query_free(&sq);
    return rc;
}

/* ------------------------------------------------------------ timing */

/* The earliest date of each kind over the notices of one incident. */
typedef struct inc_dates {
    int64_t incident;
    int64_t occurred, detected, published, reported; /* civil days; INT64_MIN: none */
} inc_dates;

typedef struct timing_acc {
    inc_dates *v;
    size_t n, cap;
    int failed;
} timing_acc;

#define NO_DAY INT64_MIN

static void keep_min(int64_t *slot, int64_t d)
{
    if (*slot == NO_DAY || d < *slot)
        *slot = d;
}

static int timing_collect(int64_t incident, const char *published, const char *record_json, void *ud)
{
    timing_acc *a = ud;
    inc_dates *x = NULL;
    /* rows come grouped by incident */
    if (a->n && a->v[a->n - 1].incident == incident) {
        x = &a->v[a->n - 1];
    } else {
        if (a->n == a->cap) {
            size_t cap = a->cap ? a->cap * 2 : 256;
            inc_dates *v = realloc(a->v, cap * sizeof *v);
            if (!v) {
                a->failed = 1;
                return 1;
            }
            a->v = v;
            a->cap = cap;
        }
        x = &a->v[a->n++];
        x->incident = incident;
        x->occurred = x->detected = x->published = x->reported = NO_DAY;
    }
    jkb_date pd = store_parse_date(published);
    if (full_date(pd))
        keep_min(&x->published, civil_days(pd));
    json_error_t je;
    json_t *root = json_loads(record_json, 0, &je);
    if (!root)
        return 0; /* a record that does not parse has no timeline to give */
    json_t *tl = json_object_get(root, "timeline");
    size_t i;
    json_t *ev;
    json_array_foreach(tl, i, ev)
    {
        const char *kind = json_string_value(json_object_get(ev, "event"));
        jkb_date d = store_parse_date(json_string_value(json_object_get(ev, "date")));
        if (!kind || !full_date(d))
            continue;
        int64_t days = civil_days(d);
        if (strcmp(kind, "occurred") == 0)
            keep_min(&x->occurred, days);
        else if (strcmp(kind, "detected") == 0)
            keep_min(&x->detected, days);
        else if (strcmp(kind, "reported") == 0)
            keep_min(&x->reported, days);
        else if (strcmp(kind, "published") == 0)
            keep_min(&x->published, days);
    }
    json_decref(root);
    return 0;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* Linear interpolation between the closest ranks. */
static double quantile(const double *v, size_t n, double p)
{
    if (n == 0)
        return NAN;
    double pos = p * (double)(n - 1);
    size_t lo = (size_t)pos;
    if (lo + 1 >= n)
        return v[n - 1];
    return v[lo] + (v[lo + 1] - v[lo]) * (pos - (double)lo);
}

jkb_status jkb_store_timing(jkb_store *s, const jkb_query *q, jkb_timing_fn fn, void *ud, jkb_err *err)
{
    if (!s || !fn)
        return store_fail(err, JKB_EINVAL, "no casebook or callback");
    jkb_query all;
    if (!q) {
        jkb_query_init(&all);
        q = &all;
    }
    store_query sq;
    jkb_status rc = query_prepare(q, &sq, err);
    if (rc)
        return rc;
    timing_acc acc = {NULL, 0, 0, 0};
    double *vals = NULL;
    rc = s->ops->each_record(s, &sq, timing_collect, &acc, err);
    if (rc)
        goto out;
    if (acc.failed) {
        rc = store_fail(err, JKB_ENOMEM, "out of memory");
        goto out;
    }
    vals = malloc((acc.n ? acc.n : 1) * sizeof *vals);
    if (!vals) {
        rc = store_fail(err, JKB_ENOMEM, "out of memory");
        goto out;
    }
    static const char *const names[3] = {"occurred_to_detected", "detected_to_published", "detected_to_reported"};
    for (int k = 0; k < 3; k++) {
        size_t n = 0;
        for (size_t i = 0; i < acc.n; i++) {
            const inc_dates *x = &acc.v[i];
            int64_t a = k == 0 ? x->occurred : x->detected;
            int64_t b = k == 0 ? x->detected : k == 1 ? x->published : x->reported;
            /* an interval that runs backwards is an extraction slip: left out */
            if (a == NO_DAY || b == NO_DAY || b < a)
                continue;
            vals[n++] = (double)(b - a);
        }
        qsort(vals, n, sizeof *vals, cmp_double);
        jkb_timing t = {names[k], n, quantile(vals, n, 0.5), quantile(vals, n, 0.9)};
        if (fn(&t, ud)) {
            rc = JKB_ESTOP;
            break;
        }
    }
out:
    free(vals);
    free(acc.v);
    query_free(&sq);
    return rc;
}

/* ------------------------------------------------------------ claims */

static void utc_now(char out[21])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

jkb_status jkb_store_claim_put(jkb_store *s, const jkb_claim *c, int *added, jkb_err *err)
{
    if (!s || !c)
        return store_fail(err, JKB_EINVAL, "no casebook or claim");
    if (!c->id || !*c->id)
        return store_fail(err, JKB_EINVAL, "a claim to keep needs its id");
    if ((!c->victim || !*c->victim) && (!c->domain || !*c->domain))
        return store_fail(err, JKB_EINVAL, "a claim needs a victim or a domain");
    if (!s->in_tx)
        return store_fail(err, JKB_EINVAL, "jkb_store_claim_put needs an open transaction (jkb_store_begin)");
    /* as precise as it was posted: a year, a month or a day */
    char claimed[11];
    const char *cp = NULL;
    jkb_date d = c->claimed;
    if (d.y >= 1 && d.y <= 9999) {
        jkb_date f = {d.y, d.m >= 1 && d.m <= 12 ? d.m : 1, d.m >= 1 && d.m <= 12 && d.d >= 1 && d.d <= 31 ? d.d : 1};
        fmt_date(claimed, f);
        claimed[d.m < 1 || d.m > 12 ? 4 : d.d < 1 || d.d > 31 ? 7 : 10] = 0;
        cp = claimed;
    }
    char now[21];
    utc_now(now);
    int a = 0;
    jkb_status rc = s->ops->claim_put(s, c, cp, now, &a, err);
    if (!rc && added)
        *added = a;
    return rc;
}

jkb_status jkb_store_claims(jkb_store *s, jkb_claim_fn fn, void *ud, jkb_err *err)
{
    if (!s || !fn)
        return store_fail(err, JKB_EINVAL, "no casebook or callback");
    return s->ops->claims(s, fn, ud, err);
}

jkb_status jkb_store_claims_count(jkb_store *s, int64_t *n, jkb_err *err)
{
    if (!s || !n)
        return store_fail(err, JKB_EINVAL, "no casebook");
    return s->ops->claims_count(s, n, err);
}

jkb_status jkb_store_links_clear(jkb_store *s, jkb_err *err)
{
    if (!s)
        return store_fail(err, JKB_EINVAL, "no casebook");
    if (!s->in_tx)
        return store_fail(err, JKB_EINVAL, "jkb_store_links_clear needs an open transaction (jkb_store_begin)");
    return s->ops->links_clear(s, err);
}

jkb_status jkb_store_link_put(jkb_store *s, const jkb_claim_link *l, jkb_err *err)
{
    if (!s || !l || !l->claim_id || !*l->claim_id || !l->claim_json)
        return store_fail(err, JKB_EINVAL, "a link needs its claim's id and JSON");
    if (!s->in_tx)
        return store_fail(err, JKB_EINVAL, "jkb_store_link_put needs an open transaction (jkb_store_begin)");
    if (!(l->score >= 0.0 && l->score <= 1.0))
        return store_fail(err, JKB_EINVAL, "a link's score is between 0 and 1");
    jkb_claim_link k = *l;
    char now[21];
    utc_now(now);
    k.linked_at = now;
    return s->ops->link_put(s, &k, err);
}

jkb_status jkb_store_incident_links(jkb_store *s, int64_t incident_id, jkb_link_fn fn, void *ud, jkb_err *err)
{
    if (!s || !fn)
        return store_fail(err, JKB_EINVAL, "no casebook or callback");
    return s->ops->incident_links(s, incident_id, fn, ud, err);
}
