/*
 * The extractor: one notice of normalized text in, one record with evidence
 * out. Reads the lexicon hits, the dates and the counts of the notice and
 * applies the labeling rules of record.md: header (case_id, title, org,
 * published, report_no), categories, counts, data classes, leak status,
 * actors, vectors, CVEs, authorities, timeline, victims, secondary damage
 * and measures. Words live in data/lexicon; this file holds the rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "lexicon.h"
#include "norm.h"
#include "number.h"
#include "segment.h"
#include "util.h"

typedef struct range {
    uint32_t a, b;
} range;

struct jkb_engine {
    jkb_lexicon *lx;
    int compiled;
};

typedef struct nctx {
    const jkb_lexicon *lx;
    const jkb_term *terms; /* the lexicon's, by hit->term */
    const char *doc;
    jkb_norm nm;
    const char *s;
    size_t n;
    jkb_vec hits;  /* jkb_hit */
    jkb_vec flags; /* uint8_t per hit */
    jkb_vec cue_mask; /* uint64_t per sentence: the cues of its live hits */
    int masks_ready;
    jkb_vec lines; /* range */
    jkb_vec sents; /* range */
    /* uint32_t per 64 bytes of text: the first line, sentence, hit at or
     * after the block's start, so that finding one is a step or two, not a
     * binary search (rules ask millions of times per 100 MB) */
    jkb_vec line_blk, sent_blk, hit_blk;
    jkb_vec dates; /* jkb_date_hit */
    jkb_vec counts; /* jkb_count */
    jkb_vec evid;  /* jkb_evidence */
    jkb_vec events; /* jkb_event */
    jkb_vec event_src; /* range: the date of each event */
    jkb_vec actors, cves, victims; /* jkb_strv */
    jkb_vec actor_src, cve_src, victim_src; /* range */
    jkb_arena arena;
    jkb_record rec;
    /* header analysis */
    range head;      /* the header line, if any */
    range title;     /* title in normalized text */
    range org;       /* org name in normalized text */
    int org_from_doc;
    int is_claim, is_list;
    size_t body_start; /* first byte of the body (after header lines) */
    jkb_status rc;
} nctx;

enum { HF_DEAD = 1, HF_NEG = 2 };

/* Bounds on what one record holds, so that hostile input cannot make the
 * work or the output grow faster than the text. */
#define JKB_MAX_EVENTS 200
#define JKB_MAX_LIST 64

#define HIT(c, i) (&JKB_VEC_AT(&(c)->hits, jkb_hit, i))
#define HFLAGS(c, i) (JKB_VEC_AT(&(c)->flags, uint8_t, i))

/* What may start at s[i]: a date, a count (scan_dates_counts). */
enum { LEAD_DATE = 1, LEAD_COUNT = 2 };
static inline int lead_of(const char *s, size_t n, size_t i);

static inline const jkb_term *term_of(const nctx *c, size_t i) { return &c->terms[HIT(c, i)->term]; }

static inline int is_cue(const nctx *c, size_t i, int cue)
{
    const jkb_hit *h = HIT(c, i);
    return h->field == JKB_LF_CUE && h->value == cue;
}

/* ---------------------------------------------------------------- engine */

extern const struct jkb_embedded {
    const char *name;
    const char *data;
    size_t len;
} jkb_lexicon_files[];

jkb_status jkb_engine_new(jkb_engine **out, jkb_err *err)
{
    jkb_status rc;
    jkb_engine *e = calloc(1, sizeof *e);
    if (!e)
        return JKB_ENOMEM;
    rc = jkb_lexicon_new(&e->lx);
    if (rc)
        goto out;
    for (const struct jkb_embedded *f = jkb_lexicon_files; f->name; f++) {
        rc = jkb_lexicon_add_tsv(e->lx, f->data, f->len, f->name, err);
        if (rc)
            goto out;
    }
    *out = e;
    return JKB_OK;
out:
    jkb_engine_free(e);
    return rc;
}

jkb_status jkb_engine_add_lexicon(jkb_engine *eng, const char *tsv, size_t len, const char *name, jkb_err *err)
{
    if (!eng || (!tsv && len))
        return JKB_EINVAL;
    return jkb_lexicon_add_tsv(eng->lx, tsv, len, name ? name : "lexicon", err);
}

jkb_status jkb_engine_compile(jkb_engine *eng, jkb_err *err)
{
    if (!eng)
        return JKB_EINVAL;
    if (eng->compiled)
        return JKB_OK;
    jkb_status rc = jkb_lexicon_compile(eng->lx, err);
    if (!rc)
        eng->compiled = 1;
    return rc;
}

void jkb_engine_free(jkb_engine *eng)
{
    if (!eng)
        return;
    jkb_lexicon_free(eng->lx);
    free(eng);
}

/* ------------------------------------------------------------ utilities */

static int is_hira_at(const char *s, size_t i)
{
    /* U+3041..U+3096: E3 81 81 .. E3 82 96 */
    const unsigned char *p = (const unsigned char *)s + i;
    return p[0] == 0xE3 && ((p[1] == 0x81 && p[2] >= 0x81) || (p[1] == 0x82 && p[2] <= 0x96));
}

static int is_kata_at(const char *s, size_t n, size_t i)
{
    if (n - i < 3)
        return 0;
    const unsigned char *p = (const unsigned char *)s + i;
    /* U+30A1..U+30FA, U+30FC: E3 82 A1 .. E3 83 BA, E3 83 BC */
    return p[0] == 0xE3 && ((p[1] == 0x82 && p[2] >= 0xA1) || (p[1] == 0x83 && (p[2] <= 0xBA || p[2] == 0xBC)));
}

static int is_kanji_at(const char *s, size_t n, size_t i)
{
    if (n - i < 3)
        return 0;
    const unsigned char *p = (const unsigned char *)s + i;
    /* U+4E00..U+9FFF: E4 B8 80 .. E9 BF BF; 々 U+3005: E3 80 85; ヶ U+30F6 */
    if (p[0] >= 0xE4 && p[0] <= 0xE9)
        return p[0] > 0xE4 || p[1] >= 0xB8;
    return (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x85) || (p[0] == 0xE3 && p[1] == 0x83 && p[2] == 0xB6);
}

/* previous character start */
static size_t prev_char(const char *s, size_t i)
{
    if (i == 0)
        return 0;
    i--;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

#define BLK_SHIFT 6

/* The index of the range of v (sorted, disjoint) that holds pos, or the
 * first one after it, or the last one. */
static size_t find_range(const jkb_vec *v, const jkb_vec *blk, uint32_t pos)
{
    size_t lo;
    if ((pos >> BLK_SHIFT) < blk->n) {
        lo = JKB_VEC_AT(blk, uint32_t, pos >> BLK_SHIFT);
        while (lo < v->n && JKB_VEC_AT(v, range, lo).b <= pos)
            lo++;
    } else {
        size_t hi = v->n;
        lo = 0;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (JKB_VEC_AT(v, range, mid).b <= pos)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    return lo < v->n ? lo : (v->n ? v->n - 1 : 0);
}

/* blk[k]: the first range of v that ends after k * 64 (find_range's
 * answer for the block's first byte), for the n bytes of the text. */
static jkb_status build_range_blocks(const jkb_vec *v, jkb_vec *blk, size_t n)
{
    size_t nb = (n >> BLK_SHIFT) + 1;
    blk->n = 0;
    if (jkb_vec_reserve(blk, nb) != JKB_OK)
        return JKB_ENOMEM;
    uint32_t *b = blk->p;
    size_t i = 0;
    for (size_t k = 0; k < nb; k++) {
        uint32_t pos = (uint32_t)(k << BLK_SHIFT);
        while (i < v->n && JKB_VEC_AT(v, range, i).b <= pos)
            i++;
        b[k] = (uint32_t)i;
    }
    blk->n = nb;
    return JKB_OK;
}

static range sent_of(const nctx *c, uint32_t pos)
{
    range r = {0, 0};
    if (!c->sents.n)
        return r;
    return JKB_VEC_AT(&c->sents, range, find_range(&c->sents, &c->sent_blk, pos));
}

static range line_of(const nctx *c, uint32_t pos)
{
    range r = {0, 0};
    if (!c->lines.n)
        return r;
    return JKB_VEC_AT(&c->lines, range, find_range(&c->lines, &c->line_blk, pos));
}

/* first hit index with start >= a */
static size_t hit_lower(const nctx *c, uint32_t a)
{
    size_t lo;
    if ((a >> BLK_SHIFT) < c->hit_blk.n) {
        lo = JKB_VEC_AT(&c->hit_blk, uint32_t, a >> BLK_SHIFT);
        while (lo < c->hits.n && HIT(c, lo)->start < a)
            lo++;
        return lo;
    }
    size_t hi = c->hits.n;
    lo = 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (HIT(c, mid)->start < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* hit_blk[k]: the first hit that starts at or after k * 64. */
static jkb_status build_hit_blocks(nctx *c)
{
    size_t nb = (c->n >> BLK_SHIFT) + 1;
    c->hit_blk.n = 0;
    if (jkb_vec_reserve(&c->hit_blk, nb) != JKB_OK)
        return JKB_ENOMEM;
    uint32_t *b = c->hit_blk.p;
    size_t i = 0;
    for (size_t k = 0; k < nb; k++) {
        uint32_t pos = (uint32_t)(k << BLK_SHIFT);
        while (i < c->hits.n && HIT(c, i)->start < pos)
            i++;
        b[k] = (uint32_t)i;
    }
    c->hit_blk.n = nb;
    return JKB_OK;
}

/* Index of the first live cue hit inside [a, b), or -1. With skip_neg,
 * negated hits do not count. */

static long cue_in(const nctx *c, int cue, uint32_t a, uint32_t b, int skip_neg)
{
    /* most questions are about one sentence: its cue mask answers "no" */
    if (c->masks_ready && c->sents.n) {
        size_t si = find_range(&c->sents, &c->sent_blk, a);
        const range *sr = &JKB_VEC_AT(&c->sents, range, si);
        if (a >= sr->a && b <= sr->b) {
            uint64_t m = JKB_VEC_AT(&c->cue_mask, uint64_t, si);
            if (!(m & ((uint64_t)1 << cue)))
                return -1;
        }
    }
    for (size_t i = hit_lower(c, a); i < c->hits.n && HIT(c, i)->start < b; i++) {
        if (HFLAGS(c, i) & HF_DEAD)
            continue;
        if (skip_neg && (HFLAGS(c, i) & HF_NEG))
            continue;
        if (HIT(c, i)->end <= b && is_cue(c, i, cue))
            return (long)i;
    }
    return -1;
}

static long cue_in_sent(const nctx *c, int cue, uint32_t pos, int skip_neg)
{
    range s = sent_of(c, pos);
    return cue_in(c, cue, s.a, s.b, skip_neg);
}

static void add_ev(nctx *c, int field, int item, uint32_t a, uint32_t b)
{
    if (c->rc)
        return;
    jkb_evidence *e = jkb_vec_push(&c->evid);
    if (!e) {
        c->rc = JKB_ENOMEM;
        return;
    }
    e->field = (uint16_t)field;
    e->item = (uint16_t)item;
    e->span = jkb_norm_span(&c->nm, c->doc, a, b);
}

static jkb_strv doc_str(nctx *c, uint32_t a, uint32_t b)
{
    jkb_strv v = {NULL, 0};
    jkb_span sp = jkb_norm_span(&c->nm, c->doc, a, b);
    /* trim spaces on both ends (ASCII and U+3000) */
    while (sp.start < sp.end && (c->doc[sp.start] == ' ' || c->doc[sp.start] == '\t'))
        sp.start++;
    while (sp.end > sp.start && (c->doc[sp.end - 1] == ' ' || c->doc[sp.end - 1] == '\t'))
        sp.end--;
    v.s = jkb_arena_strndup(&c->arena, c->doc + sp.start, sp.end - sp.start);
    if (!v.s)
        c->rc = JKB_ENOMEM;
    else
        v.len = sp.end - sp.start;
    return v;
}

static int is_space(char ch) { return ch == ' ' || ch == '\t'; }

/* A title printed over two lines is one title: drop the line break and the
 * spaces around it (in place; the string is the arena's). */
static jkb_strv one_line(nctx *c, jkb_strv v)
{
    (void)c;
    if (!v.s)
        return v;
    char *p = (char *)v.s;
    size_t o = 0;
    for (size_t i = 0; i < v.len; i++) {
        if (p[i] == '\n' || p[i] == '\r') {
            while (o > 0 && (p[o - 1] == ' ' || p[o - 1] == '\t'))
                o--;
            while (i + 1 < v.len && (p[i + 1] == ' ' || p[i + 1] == '\t'))
                i++;
            continue;
        }
        p[o++] = p[i];
    }
    p[o] = 0;
    v.len = o;
    return v;
}

static range trim(const nctx *c, range r)
{
    while (r.a < r.b && is_space(c->s[r.a]))
        r.a++;
    while (r.b > r.a && is_space(c->s[r.b - 1]))
        r.b--;
    return r;
}

/* ----------------------------------------------------------- structure */

static void build_lines(nctx *c)
{
    uint32_t a = 0;
    for (;;) {
        const char *nl = a < c->n ? memchr(c->s + a, '\n', c->n - a) : NULL;
        uint32_t i = nl ? (uint32_t)(nl - c->s) : (uint32_t)c->n;
        range *r = jkb_vec_push(&c->lines);
        if (!r) {
            c->rc = JKB_ENOMEM;
            return;
        }
        r->a = a;
        r->b = i;
        if (!nl)
            break;
        a = i + 1;
    }
    /* sentences: split at 。 and line ends; a run-on text is cut at a 、
     * after 1 KB (or anywhere after 2 KB), so that the work per sentence
     * stays bounded whatever the input */
    for (size_t li = 0; li < c->lines.n; li++) {
        range ln = JKB_VEC_AT(&c->lines, range, li);
        uint32_t sa = ln.a;
        while (sa <= ln.b) {
            uint32_t lim = ln.b - sa > 2048 ? sa + 2048 : ln.b;
            const char *dot = lim > sa ? jkb_find3(c->s + sa, lim - sa, "。") : NULL;
            uint32_t sb;
            if (dot) {
                sb = (uint32_t)(dot - c->s) + 3;
            } else if (lim == ln.b) {
                sb = ln.b;
            } else {
                /* run-on: cut after a 、 past 1 KB, else at a character start */
                const char *comma = jkb_find3(c->s + sa + 1024, lim - sa - 1024, "、");
                sb = comma ? (uint32_t)(comma - c->s) + 3 : lim;
                while (sb > sa + 1 && ((unsigned char)c->s[sb] & 0xC0) == 0x80)
                    sb--;
            }
            /* the line end belongs to the last sentence of the line */
            uint32_t se = sb == ln.b && ln.b < c->n ? ln.b + 1 : sb;
            range *r = jkb_vec_push(&c->sents);
            if (!r) {
                c->rc = JKB_ENOMEM;
                return;
            }
            r->a = sa;
            r->b = se > c->n ? (uint32_t)c->n : se;
            if (sb >= ln.b)
                break;
            sa = sb;
        }
    }
}

static int line_blank(const nctx *c, range r)
{
    r = trim(c, r);
    return r.a >= r.b;
}

/* Hits inside a longer hit of the same field (or of a name field) are
 * dead: 教育 in 教育委員会, ハッキング in ハッキングしたと主張. */
static void suppress_overlaps(nctx *c)
{
    size_t n = c->hits.n;
    uint32_t maxend = 0; /* the furthest end of the hits before i */
    for (size_t i = 0; i < n; i++) {
        const jkb_hit *h = HIT(c, i);
        const jkb_term *t = term_of(c, i);
        uint32_t prev_end = maxend;
        if (h->end > maxend)
            maxend = h->end;
        if (t->field == JKB_LF_CUE) {
            /* an event word inside a longer one (報告 in 報告を受け) */
            if (t->value < JKB_CUE_EV_OCCURRED || t->value > JKB_CUE_NOT_EVENT)
                continue;
            for (size_t j = i >= 8 ? i - 8 : 0; j < n && j < i + 8; j++) {
                const jkb_hit *g = HIT(c, j);
                const jkb_term *u = term_of(c, j);
                if (j == i || u->field != JKB_LF_CUE || u->value < JKB_CUE_EV_OCCURRED || u->value > JKB_CUE_NOT_EVENT)
                    continue;
                if (g->start <= h->start && g->end >= h->end && g->end - g->start > h->end - h->start && u->value != t->value) {
                    HFLAGS(c, i) |= HF_DEAD;
                    break;
                }
            }
            continue;
        }
        /* look at hits that start at or before h and may contain it (none
         * does when none before it reaches its end) */
        size_t j = prev_end >= h->end ? i : 0;
        size_t steps = 0;
        while (j > 0 && steps < 64) {
            j--;
            steps++;
            const jkb_hit *g = HIT(c, j);
            if (h->start - g->start > 120)
                break;
            if (g->end < h->end || g->end - g->start <= h->end - h->start)
                continue;
            const jkb_term *u = term_of(c, j);
            if (u->field == t->field || u->field == JKB_LF_ORG_KIND || u->field == JKB_LF_AUTHORITY) {
                HFLAGS(c, i) |= HF_DEAD;
                break;
            }
        }
        for (size_t k = i + 1; k < n && HIT(c, k)->start == h->start; k++) {
            const jkb_hit *g = HIT(c, k);
            const jkb_term *u = term_of(c, k);
            if (g->end > h->end && (u->field == t->field || u->field == JKB_LF_ORG_KIND || u->field == JKB_LF_AUTHORITY)) {
                HFLAGS(c, i) |= HF_DEAD;
                break;
            }
        }
    }
    /* a denial inside a possibility (否定できない) is not a denial */
    for (size_t i = 0; i < n; i++) {
        if (!is_cue(c, i, JKB_CUE_NEG))
            continue;
        for (size_t j = i; j-- > 0;) {
            if (HIT(c, i)->start - HIT(c, j)->start > 60)
                break;
            if (is_cue(c, j, JKB_CUE_POSSIBLE) && HIT(c, j)->end > HIT(c, i)->start) {
                HFLAGS(c, i) |= HF_DEAD;
                break;
            }
        }
    }
}

/* Words inside quoted speech (「ウイルスに感染しました」との偽の警告,
 * 「…が見られる」とのご連絡) are someone's words, not the notice's facts. */
static void suppress_quotes(nctx *c)
{
    for (uint32_t i = 0; i + 3 <= c->n; i++) {
        const char *q = jkb_find3(c->s + i, c->n - i, "「");
        if (!q)
            break;
        i = (uint32_t)(q - c->s);
        uint32_t j = i + 3;
        while (j + 3 <= c->n && j - i < 400 && !JKB_AT(c->s, c->n, j, "」") && !JKB_AT(c->s, c->n, j, "「") && c->s[j] != '\n')
            j++;
        if (!JKB_AT(c->s, c->n, j, "」"))
            continue;
        /* 「…」との連絡, 「…」など, 「…」にてお知らせ (an earlier notice's title) */
        if (JKB_AT(c->s, c->n, j + 3, "と") || JKB_AT(c->s, c->n, j + 3, "など") || JKB_AT(c->s, c->n, j + 3, "にて")) {
            for (size_t k = hit_lower(c, i); k < c->hits.n && HIT(c, k)->start < j; k++) {
                const jkb_term *t = term_of(c, k);
                int quoted = t->field == JKB_LF_CATEGORY || t->field == JKB_LF_VECTOR || t->field == JKB_LF_MEASURE ||
                             (t->field == JKB_LF_CUE && (t->value == JKB_CUE_LEAK || t->value == JKB_CUE_EXPOSE ||
                                                         t->value == JKB_CUE_VIEW ||
                                                         (t->value >= JKB_CUE_EV_OCCURRED && t->value <= JKB_CUE_NOT_EVENT)));
                if (quoted)
                    HFLAGS(c, k) |= HF_DEAD;
            }
        }
        i = j;
    }
}

/* Where the clause that ends at pos begins: the sentence start, or a 、
 * after a verb form (…おり、 …ず、), or a clause conjunction (が、). */
static uint32_t clause_start(const nctx *c, uint32_t pos)
{
    range s = sent_of(c, pos);
    uint32_t i = pos;
    while (i > s.a) {
        uint32_t p = (uint32_t)prev_char(c->s, i);
        if (p < s.a)
            break;
        if (JKB_AT(c->s, c->n, p, "、") && p >= s.a + 3) {
            uint32_t q = (uint32_t)prev_char(c->s, p);
            /* a list particle (や、 と、 か、) joins nouns, not clauses */
            if (is_hira_at(c->s, q) && !JKB_AT(c->s, c->n, q, "や") && !JKB_AT(c->s, c->n, q, "と") &&
                !JKB_AT(c->s, c->n, q, "か") && !JKB_AT(c->s, c->n, q, "も") && !JKB_AT(c->s, c->n, q, "の"))
                return i;
        }
        if (c->s[p] == ':' || JKB_AT(c->s, c->n, p, "「") || JKB_AT(c->s, c->n, p, "」"))
            return i;
        i = p;
    }
    return s.a;
}

/* Is a topic (…は, …も) closed by a denial later in its sentence, with no
 * contrast (が、, ものの) between? 口座の情報は、別のシステムで管理しており、
 * 影響はございません. */
static int topic_denied(const nctx *c, const jkb_hit *h)
{
    uint32_t e = h->end;
    static const char *const skip[] = {"の情報", "情報", "等", "など", "の", "データ"};
    for (size_t k = 0; k < sizeof skip / sizeof skip[0]; k++) {
        size_t n = strlen(skip[k]);
        if (jkb_at(c->s, c->n, e, skip[k], n)) {
            e += (uint32_t)n;
            break;
        }
    }
    if (!JKB_AT(c->s, c->n, e, "は") && !JKB_AT(c->s, c->n, e, "も") && !JKB_AT(c->s, c->n, e, "につきまして"))
        return 0;
    range s = sent_of(c, h->start);
    for (uint32_t i = e; i + 3 <= s.b; i++)
        if (JKB_AT(c->s, s.b, i, "が、") || JKB_AT(c->s, s.b, i, "ものの") || JKB_AT(c->s, s.b, i, "けれど") ||
            JKB_AT(c->s, s.b, i, "一方"))
            return 0;
        else if (((unsigned char)c->s[i] & 0xC0) != 0x80) {
            /* a denial in the rest of the sentence */
        }
    return cue_in(c, JKB_CUE_NEG, e, s.b, 0) >= 0;
}

/* Where the clause that holds pos ends: the sentence end or a 、 after a
 * verb form. */
static uint32_t clause_end(const nctx *c, uint32_t pos)
{
    range s = sent_of(c, pos);
    for (uint32_t i = pos; i + 3 <= s.b; i++) {
        if (JKB_AT(c->s, c->n, i, "、") && i >= 3) {
            uint32_t q = (uint32_t)prev_char(c->s, i);
            if (is_hira_at(c->s, q) && !JKB_AT(c->s, c->n, q, "や") && !JKB_AT(c->s, c->n, q, "と") &&
                !JKB_AT(c->s, c->n, q, "か") && !JKB_AT(c->s, c->n, q, "も") && !JKB_AT(c->s, c->n, q, "の"))
                return i;
        }
    }
    return s.b;
}

/* Mark every hit in the clause before a denial as negated. */
static void apply_negation(nctx *c)
{
    for (size_t i = 0; i < c->hits.n; i++) {
        if ((HFLAGS(c, i) & HF_DEAD) || !is_cue(c, i, JKB_CUE_NEG))
            continue;
        uint32_t cs = clause_start(c, HIT(c, i)->start);
        for (size_t j = hit_lower(c, cs); j < i; j++)
            if (HIT(c, j)->end <= HIT(c, i)->start + 3)
                HFLAGS(c, j) |= HF_NEG;
    }
    for (size_t j = 0; j < c->hits.n; j++) {
        const jkb_term *t = term_of(c, j);
        if (t->field == JKB_LF_DATA_CLASS && !(HFLAGS(c, j) & HF_NEG) && topic_denied(c, HIT(c, j)))
            HFLAGS(c, j) |= HF_NEG;
    }
}

/* The cues of each sentence's live hits, so that asking whether a sentence
 * holds a cue costs one load. */
static void build_cue_masks(nctx *c)
{
    c->cue_mask.n = 0;
    for (size_t k = 0; k < c->sents.n; k++) {
        uint64_t *m = jkb_vec_push(&c->cue_mask);
        if (!m) {
            c->rc = JKB_ENOMEM;
            return;
        }
    }
    size_t si = 0;
    for (size_t i = 0; i < c->hits.n; i++) {
        const jkb_hit *h = HIT(c, i);
        if (h->field != JKB_LF_CUE || (HFLAGS(c, i) & HF_DEAD))
            continue;
        while (si < c->sents.n && JKB_VEC_AT(&c->sents, range, si).b <= h->start)
            si++;
        if (si >= c->sents.n)
            break;
        JKB_VEC_AT(&c->cue_mask, uint64_t, si) |= (uint64_t)1 << h->value;
    }
    c->masks_ready = 1;
}

/* ------------------------------------------------------------- header */

static int is_date_line(nctx *c, range r, jkb_date *out)
{
    r = trim(c, r);
    if (r.a >= r.b || r.b - r.a > 120)
        return 0;
    jkb_date_ctx dc;
    memset(&dc, 0, sizeof dc);
    uint32_t i = r.a;
    /* labels before the date: 発表日:, 公表日 */
    long lab = cue_in(c, JKB_CUE_PUBLISHED_AT, r.a, r.b, 0);
    if (lab < 0)
        lab = cue_in(c, JKB_CUE_UPDATED_AT, r.a, r.b, 0);
    if (lab >= 0 && HIT(c, lab)->start < r.a + 12) {
        i = HIT(c, lab)->end;
        while (i < r.b && (c->s[i] == ':' || c->s[i] == ' '))
            i++;
    }
    jkb_date_hit h;
    size_t used = jkb_date_parse(c->s, r.b, i, &dc, &h);
    if (!used || !(h.flags & JKB_DATE_HAS_YEAR) || (h.flags & JKB_DATE_YEAR_ONLY))
        return 0;
    uint32_t e = i + (uint32_t)used;
    while (e < r.b && is_space(c->s[e]))
        e++;
    /* (発表), 発表, 公表 may follow */
    if (e < r.b) {
        if (c->s[e] == '(')
            e++;
        while (e < r.b && c->s[e] != ')' && e - i < 60)
            e++;
        if (e < r.b && c->s[e] == ')')
            e++;
        while (e < r.b && is_space(c->s[e]))
            e++;
        if (e < r.b)
            return 0;
    }
    if (out)
        *out = h.date;
    return 1;
}

/* Does [a, b) look like an organization name? Returns the org_kind or -1.
 * The legal form anywhere decides; else a suffix at the very end. */
static int org_kind_of(const nctx *c, uint32_t a, uint32_t b, long *which)
{
    int kind = -1;
    long best = -1;
    for (size_t i = hit_lower(c, a); i < c->hits.n && HIT(c, i)->start < b; i++) {
        const jkb_term *t = term_of(c, i);
        const jkb_hit *h = HIT(c, i);
        if (t->field != JKB_LF_ORG_KIND || h->end > b)
            continue;
        if (t->flags & JKB_LX_LEGAL) {
            if (best < 0 || !(term_of(c, best)->flags & JKB_LX_LEGAL) ||
                h->end - h->start > HIT(c, best)->end - HIT(c, best)->start) {
                best = (long)i;
                kind = t->value;
            }
        } else if ((t->flags & JKB_LX_SUFFIX) && h->end == b) {
            if (best < 0 || (!(term_of(c, best)->flags & JKB_LX_LEGAL) &&
                             h->end - h->start > HIT(c, best)->end - HIT(c, best)->start)) {
                best = (long)i;
                kind = t->value;
            }
        }
    }
    if (which)
        *which = best;
    return kind;
}

/* Characters an organization name can hold. */
static int name_char_at(const nctx *c, uint32_t i)
{
    unsigned char ch = (unsigned char)c->s[i];
    if (jkb_is_alnum(ch) || ch == '&' || ch == '.' || ch == '-' || ch == '(' || ch == ')')
        return 1;
    if (ch < 0x80)
        return 0;
    return is_kanji_at(c->s, c->n, i) || is_kata_at(c->s, c->n, i) || is_hira_at(c->s, i) ||
           JKB_AT(c->s, c->n, i, "・") || JKB_AT(c->s, c->n, i, "ヶ");
}

/* A line that is an organization's name (a signature or letterhead line):
 * after an optional label (担当, (お問い合わせ), 【お問い合わせ先】), its first
 * space-separated token is a name with a legal form or an org suffix, or a
 * head's title (桐ノ沢町長). Returns the kind, and the name's range. */
static int org_line(nctx *c, range r, range *name)
{
    r = trim(c, r);
    if (r.a >= r.b || r.b - r.a > 120)
        return -1;
    for (uint32_t i = r.a; i < r.b; i++)
        if (JKB_AT(c->s, r.b, i, "。") || JKB_AT(c->s, r.b, i, "、") || c->s[i] == '@')
            return -1;
    /* labels before the name */
    static const char *const labels[] = {"担当:", "担当", "発行:", "発行", "発信者:", "(お問い合わせ)", "(問い合わせ先)", "(問合せ先)"};
    for (size_t k = 0; k < sizeof labels / sizeof labels[0]; k++) {
        size_t ln = strlen(labels[k]);
        if (jkb_at(c->s, r.b, r.a, labels[k], ln)) {
            r.a += (uint32_t)ln;
            r = trim(c, r);
            break;
        }
    }
    if (JKB_AT(c->s, r.b, r.a, "【")) { /* 【お問い合わせ先】 name … */
        uint32_t k = r.a;
        while (k < r.b && !JKB_AT(c->s, r.b, k, "】"))
            k++;
        if (k < r.b)
            r = trim(c, (range){k + 3, r.b});
    }
    if (r.a >= r.b)
        return -1;
    uint32_t e = r.a;
    while (e < r.b && !is_space(c->s[e]) && c->s[e] != ':')
        e++;
    if (cue_in(c, JKB_CUE_TITLE_END, r.a, e, 0) >= 0)
        return -1;
    int kind = org_kind_of(c, r.a, e, NULL);
    /* 桐ノ沢町長, 瑞穂県知事: the head of a body names the body */
    if (kind < 0 && e - r.a > 6) {
        uint32_t last = (uint32_t)prev_char(c->s, e);
        if (JKB_AT(c->s, e, last, "長"))
            kind = org_kind_of(c, r.a, last, NULL), e = kind >= 0 ? last : e;
        else if (e - r.a > 9 && JKB_AT(c->s, e, e - 6, "知事"))
            kind = org_kind_of(c, r.a, e - 6, NULL), e = kind >= 0 ? e - 6 : e;
    }
    if (kind < 0)
        return -1;
    /* a legal form alone (株式会社) or a bare suffix is not a name */
    uint32_t chars = 0;
    for (uint32_t i = r.a; i < e; i += (uint32_t)jkb_u8len((unsigned char)c->s[i]))
        chars++;
    if (chars < 2)
        return -1;
    long w = -1;
    org_kind_of(c, r.a, e, &w);
    if (w >= 0 && HIT(c, w)->start == r.a && HIT(c, w)->end == e)
        return -1;
    /* the self words (当社) are no names */
    if (cue_in(c, JKB_CUE_SELF, r.a, e, 0) >= 0)
        return -1;
    name->a = r.a;
    name->b = e;
    return kind;
}

/* Is the org candidate a legal entity (a legal form in its name)? */
static int legal_name(const nctx *c, range r)
{
    long w = -1;
    org_kind_of(c, r.a, r.b, &w);
    return w >= 0 && (term_of(c, w)->flags & JKB_LX_LEGAL);
}

/* A title-like line: no sentence end, a title ending cue. */
static int title_line(const nctx *c, range r)
{
    r = trim(c, r);
    if (r.a >= r.b || r.b - r.a > 400)
        return 0;
    if (r.b - r.a >= 3 && JKB_AT(c->s, c->n, r.b - 3, "。"))
        return 0;
    long t = cue_in(c, JKB_CUE_TITLE_END, r.a, r.b, 0);
    return t >= 0;
}

static void parse_report_no(nctx *c, range r)
{
    for (uint32_t i = r.a; i + 3 <= r.b; i++) {
        if (!JKB_AT(c->s, r.b, i, "第"))
            continue;
        uint32_t j = i + 3;
        while (j < r.b && c->s[j] == ' ')
            j++;
        int64_t v = 0;
        size_t used = jkb_number_parse(c->s, r.b, j, &v);
        if (!used || v <= 0 || v > 99)
            continue;
        uint32_t k = j + (uint32_t)used;
        while (k < r.b && c->s[k] == ' ')
            k++;
        if (JKB_AT(c->s, r.b, k, "報")) {
            c->rec.report_no = (int)v;
            add_ev(c, JKB_F_REPORT_NO, 0, i, k + 3);
            return;
        }
    }
}

/* A name ending in 都道府県市区町村 at e (whatever follows it). */
static int place_at_name(const nctx *c, uint32_t e, uint32_t *st)
{
    uint32_t last = (uint32_t)prev_char(c->s, e);
    static const char *const suf[] = {"都", "道", "府", "県", "市", "区", "町", "村"};
    int ok = 0;
    for (size_t k = 0; k < 8; k++)
        if (jkb_at(c->s, c->n, last, suf[k], 3))
            ok = 1;
    if (!ok)
        return 0;
    uint32_t a = last;
    int chars = 0;
    while (a > 0 && chars < 6) {
        uint32_t p = (uint32_t)prev_char(c->s, a);
        if (!(is_kanji_at(c->s, c->n, p) || is_kata_at(c->s, c->n, p)))
            break;
        a = p;
        chars++;
    }
    if (chars < 1)
        return 0;
    *st = a;
    return 1;
}

/* Header of a casebook entry: 【…#ID】 org title date [url] */
static void header_casebook(nctx *c, range h)
{
    uint32_t i = h.a;
    while (i < h.b && is_space(c->s[i]))
        i++;
    if (JKB_AT(c->s, h.b, i, "【")) {
        uint32_t close = i;
        while (close < h.b && !JKB_AT(c->s, h.b, close, "】"))
            close++;
        uint32_t hash = i;
        while (hash < close && c->s[hash] != '#')
            hash++;
        if (hash < close) {
            range id = trim(c, (range){hash + 1, close});
            /* a casebook number is short (2023-004); anything longer is no id */
            if (id.b > id.a && id.b - id.a <= 32) {
                c->rec.case_id = doc_str(c, id.a, id.b);
                add_ev(c, JKB_F_CASE_ID, 0, i, close + 3);
            }
        }
        i = close < h.b ? close + 3 : h.b;
    }
    range rest = trim(c, (range){i, h.b});
    /* the trailing date (and whatever follows it, such as a URL) */
    jkb_date_ctx dc;
    memset(&dc, 0, sizeof dc);
    uint32_t cut = rest.b;
    for (uint32_t k = rest.a; k < rest.b;) {
        jkb_date_hit dh;
        /* the date grammar is asked only where a date can start, as in the body */
        size_t used = (lead_of(c->s, rest.b, k) & LEAD_DATE) ? jkb_date_parse(c->s, rest.b, k, &dc, &dh) : 0;
        if (used && (dh.flags & JKB_DATE_HAS_YEAR) && !(dh.flags & JKB_DATE_YEAR_ONLY) && k > rest.a + 6) {
            uint32_t e = k + (uint32_t)used;
            uint32_t q = e;
            while (q < rest.b && is_space(c->s[q]))
                q++;
            int tail_ok = 1;
            for (uint32_t z = q; z < rest.b; z++)
                if (is_space(c->s[z]))
                    tail_ok = 0;
            if (q == rest.b || tail_ok) {
                c->rec.published = dh.date;
                add_ev(c, JKB_F_PUBLISHED, 0, k, e);
                cut = k;
                break;
            }
            k = e;
            continue;
        }
        k += used ? (uint32_t)used : (uint32_t)jkb_u8len((unsigned char)c->s[k]);
    }
    rest = trim(c, (range){rest.a, cut});
    /* a byline: "…リスト(2022年12月版)BY DARKTRACER" */
    for (uint32_t k = rest.a; k + 3 < rest.b; k++) {
        if ((c->s[k] == ')' || c->s[k] == ' ') && c->s[k + 1] == 'B' && c->s[k + 2] == 'Y' && c->s[k + 3] == ' ') {
            range org = trim(c, (range){k + 4, rest.b});
            if (org.b > org.a) {
                c->org = org;
                c->org_from_doc = 1;
            }
            rest.b = c->s[k] == ')' ? k + 1 : k;
            rest = trim(c, rest);
            break;
        }
    }
    /* "org title": the first token is the org when it is a name */
    uint32_t sp = rest.a;
    while (sp < rest.b && !is_space(c->s[sp]))
        sp++;
    if (!c->org_from_doc && sp < rest.b && org_kind_of(c, rest.a, sp, NULL) >= 0) {
        c->org = (range){rest.a, sp};
        c->org_from_doc = 1;
        rest = trim(c, (range){sp, rest.b});
    }
    c->title = rest;
    /* a title that opens with a place or body name (渋谷区公式ウェブサイトの
     * …): the name, when the notice repeats it */
    if (!c->org_from_doc) {
        for (uint32_t k = rest.a; k < rest.b && k < rest.a + 30;) {
            uint32_t e = k + (uint32_t)jkb_u8len((unsigned char)c->s[k]);
            uint32_t st;
            if (e - rest.a >= 6 && place_at_name(c, e, &st) && st == rest.a) {
                size_t ln = e - st, count = 0;
                for (uint32_t q = rest.b; q + ln <= c->n && count < 2; q++)
                    if (memcmp(c->s + q, c->s + st, ln) == 0)
                        count++;
                if (count >= 1) {
                    c->org = (range){st, e};
                    c->org_from_doc = 1;
                }
                break;
            }
            k = e;
        }
    }
}

/* A plain notice: date line, addressees, org lines, title, body; or title
 * then date. Looks at the lines before the first paragraph. */
static void header_plain(nctx *c)
{
    size_t nl = c->lines.n;
    long title_line_i = -1;
    size_t limit = nl < 25 ? nl : 25;
    range top_org = {0, 0}, bottom_org = {0, 0};
    int top_legal = 0, bottom_legal = 0;
    for (size_t li = 0; li < limit; li++) {
        range r = trim(c, JKB_VEC_AT(&c->lines, range, li));
        if (r.a >= r.b)
            continue;
        /* a paragraph ends the header area */
        if (r.b - r.a > 150 || (r.b - r.a > 3 && JKB_AT(c->s, c->n, r.b - 3, "。")))
            break;
        jkb_date d;
        if (is_date_line(c, r, &d)) {
            if (!c->rec.published.y) {
                c->rec.published = d;
                add_ev(c, JKB_F_PUBLISHED, 0, r.a, r.b);
            }
            continue;
        }
        range name;
        if (org_line(c, r, &name) >= 0) {
            int legal = legal_name(c, name);
            /* the legal entity before the facility */
            if (top_org.b <= top_org.a || (legal && !top_legal)) {
                top_org = name;
                top_legal = legal;
            }
            continue;
        }
        if (title_line_i < 0 && title_line(c, r)) {
            /* a page label alone (お知らせ) is not the title */
            long t = cue_in(c, JKB_CUE_TITLE_END, r.a, r.b, 0);
            if (t >= 0 && HIT(c, t)->start == r.a && HIT(c, t)->end == r.b)
                continue;
            title_line_i = (long)li;
            c->title = r;
            /* a title over two lines is one title: the line above … */
            if (li > 0) {
                range r0 = trim(c, JKB_VEC_AT(&c->lines, range, li - 1));
                if (r0.b > r0.a && r0.b - r0.a < 150 && !is_date_line(c, r0, NULL) &&
                    !(r0.b - r0.a > 3 && JKB_AT(c->s, c->n, r0.b - 3, "。")) && org_line(c, r0, &name) < 0 &&
                    !JKB_AT(c->s, c->n, r0.b - 3, "位") && !JKB_AT(c->s, c->n, r0.b - 3, "様") && !title_line(c, r0))
                    c->title.a = r0.a;
            }
            /* … or the line below (or a subtitle in parentheses) */
            if (li + 1 < nl) {
                range r2 = trim(c, JKB_VEC_AT(&c->lines, range, li + 1));
                int paren = r2.b > r2.a + 2 && c->s[r2.a] == '(' && c->s[r2.b - 1] == ')';
                if (r2.b > r2.a && r2.b - r2.a < 120 && !is_date_line(c, r2, NULL) &&
                    !(r2.b - r2.a > 3 && JKB_AT(c->s, c->n, r2.b - 3, "。")) && (title_line(c, r2) || paren) &&
                    org_line(c, r2, &name) < 0) {
                    c->title.b = r2.b;
                    li++;
                }
            }
            c->body_start = JKB_VEC_AT(&c->lines, range, li).b;
            continue;
        }
    }
    if (title_line_i < 0) {
        /* the first non-empty line that is not a date, an org or an addressee */
        for (size_t li = 0; li < limit; li++) {
            range r = trim(c, JKB_VEC_AT(&c->lines, range, li));
            if (r.a >= r.b || is_date_line(c, r, NULL))
                continue;
            range name;
            if (org_line(c, r, &name) >= 0)
                continue;
            if (r.b - r.a > 3 && JKB_AT(c->s, c->n, r.b - 3, "。"))
                break;
            if (JKB_AT(c->s, c->n, r.b - 3, "位") || JKB_AT(c->s, c->n, r.b - 3, "様"))
                continue;
            if (r.b - r.a > 300) /* a run-on paragraph is no title */
                break;
            c->title = r;
            break;
        }
    }
    /* a date printed at the end ((令和6年12月6日発表), a signature date) */
    if (!c->rec.published.y) {
        for (size_t li = nl; li-- > 0 && nl - li <= 15;) {
            range r = trim(c, JKB_VEC_AT(&c->lines, range, li));
            jkb_date d;
            if (r.b > r.a && is_date_line(c, r, &d)) {
                c->rec.published = d;
                add_ev(c, JKB_F_PUBLISHED, 0, r.a, r.b);
                break;
            }
        }
    }
    /* a signature or a contact block at the end */
    for (size_t li = nl; li-- > 0 && nl - li <= 15;) {
        range r = JKB_VEC_AT(&c->lines, range, li);
        range name;
        if (r.b - r.a > 150)
            break;
        if (org_line(c, r, &name) >= 0) {
            int legal = legal_name(c, name);
            if (bottom_org.b <= bottom_org.a || (legal && !bottom_legal)) {
                bottom_org = name;
                bottom_legal = legal;
            } else if (legal == bottom_legal) {
                bottom_org = name; /* the upper line of a signature block */
            }
        }
    }
    if (!c->org_from_doc) {
        range pick = top_org;
        if (pick.b <= pick.a || (bottom_legal && !top_legal))
            pick = bottom_org.b > bottom_org.a ? bottom_org : pick;
        if (pick.b > pick.a) {
            c->org = pick;
            c->org_from_doc = 1;
        }
    }
}

/* An org named in the body: a legal form with its name (株式会社タカミヤ,
 * ナッシュ株式会社) or a name with an org suffix repeated in the text. */
static void org_from_body(nctx *c)
{
    for (size_t i = 0; i < c->hits.n; i++) {
        const jkb_term *t = term_of(c, i);
        if (t->field != JKB_LF_ORG_KIND || !(t->flags & JKB_LX_LEGAL) || (HFLAGS(c, i) & HF_DEAD))
            continue;
        const jkb_hit *h = HIT(c, i);
        uint32_t a = h->start, b = h->end;
        uint32_t k = b;
        int chars = 0;
        while (k < c->n && name_char_at(c, k) && c->s[k] != '(' && chars < 20) {
            if (chars >= 2 && is_hira_at(c->s, k) &&
                (JKB_AT(c->s, c->n, k, "は") || JKB_AT(c->s, c->n, k, "が") || JKB_AT(c->s, c->n, k, "の") ||
                 JKB_AT(c->s, c->n, k, "を") || JKB_AT(c->s, c->n, k, "に") || JKB_AT(c->s, c->n, k, "で") ||
                 JKB_AT(c->s, c->n, k, "と")))
                break;
            k += (uint32_t)jkb_u8len((unsigned char)c->s[k]);
            chars++;
        }
        if (chars >= 2) {
            c->org = (range){a, k};
            c->org_from_doc = 1;
            return;
        }
        /* name before the legal form: ナッシュ株式会社 */
        uint32_t j = a;
        chars = 0;
        while (j > 0 && chars < 20) {
            uint32_t p = (uint32_t)prev_char(c->s, j);
            if (!(is_kanji_at(c->s, c->n, p) || is_kata_at(c->s, c->n, p) || jkb_is_alnum((unsigned char)c->s[p])))
                break;
            j = p;
            chars++;
        }
        if (chars >= 2) {
            c->org = (range){j, b};
            c->org_from_doc = 1;
            return;
        }
    }
}

static void analyze_header(nctx *c)
{
    /* the first non-empty line */
    size_t li = 0;
    while (li < c->lines.n && line_blank(c, JKB_VEC_AT(&c->lines, range, li)))
        li++;
    if (li >= c->lines.n)
        return;
    range first = trim(c, JKB_VEC_AT(&c->lines, range, li));
    int casebook = JKB_AT(c->s, c->n, first.a, "【");
    if (casebook) {
        uint32_t k = first.a;
        casebook = 0;
        while (k < first.b && k < first.a + 120 && !JKB_AT(c->s, c->n, k, "】")) {
            if (c->s[k] == '#')
                casebook = 1;
            k++;
        }
    }
    /* a dated title line standing alone ("org title 2022年12月27日") */
    int dated = 0;
    if (!casebook && li + 1 < c->lines.n && line_blank(c, JKB_VEC_AT(&c->lines, range, li + 1)) &&
        title_line(c, first) && !is_date_line(c, first, NULL)) {
        jkb_date_ctx dc;
        memset(&dc, 0, sizeof dc);
        for (uint32_t k = first.a; k < first.b;) {
            jkb_date_hit dh;
            size_t used = (lead_of(c->s, first.b, k) & LEAD_DATE) ? jkb_date_parse(c->s, first.b, k, &dc, &dh) : 0;
            if (used && (dh.flags & JKB_DATE_HAS_YEAR) && !(dh.flags & JKB_DATE_YEAR_ONLY)) {
                uint32_t q = k + (uint32_t)used;
                while (q < first.b && is_space(c->s[q]))
                    q++;
                if (q == first.b)
                    dated = 1;
                k += (uint32_t)used;
                continue;
            }
            k += used ? (uint32_t)used : (uint32_t)jkb_u8len((unsigned char)c->s[k]);
        }
    }
    /* a byline list title */
    int byline = 0;
    for (uint32_t k = first.a; k + 3 < first.b; k++)
        if ((c->s[k] == ')' || c->s[k] == ' ') && c->s[k + 1] == 'B' && c->s[k + 2] == 'Y' && c->s[k + 3] == ' ')
            byline = 1;
    if (casebook || dated || byline) {
        c->head = first;
        header_casebook(c, first);
        c->body_start = first.b;
    } else {
        header_plain(c);
    }
    if (c->title.b > c->title.a) {
        c->is_claim = cue_in(c, JKB_CUE_CLAIM, c->title.a, c->title.b, 0) >= 0;
        c->is_list = cue_in(c, JKB_CUE_VICTIM_LIST, c->title.a, c->title.b, 0) >= 0;
        parse_report_no(c, c->title);
    }
    /* an entry about a gang's claim names its victim in the body */
    if (!c->org_from_doc && c->is_claim)
        org_from_body(c);
}

/* ---------------------------------------------------------- the scans */

/* lead_of for a kanji or kana that passed its filter. */
static int lead_cjk(const char *s, size_t n, size_t i, uint32_t cp)
{
    switch (cp) {
    case 0x4EE4: case 0x5E73: case 0x662D: case 0x5927: case 0x660E: /* 令 平 昭 大 明 */
    case 0x540C: case 0x7FCC: case 0x672C: case 0x4ECA: case 0x6628: /* 同 翌 本 今 昨 */
    case 0x53BB: case 0x524D: case 0x6765: case 0x5F53: case 0x5143: { /* 去 前 来 当 元 */
        /* the next character decides: 令和, 本日, 同月, 翌9日 … (同様, 本件,
         * 大量 are no dates) */
        if (n - i < 6)
            return 0;
        unsigned char d0 = (unsigned char)s[i + 3];
        if (jkb_is_digit(d0) || d0 == ' ')
            return LEAD_DATE;
        if ((d0 & 0xF0) != 0xE0)
            return 0;
        uint32_t nx = ((uint32_t)(d0 & 0x0F) << 12) | ((uint32_t)(s[i + 4] & 0x3F) << 6) | (uint32_t)(s[i + 5] & 0x3F);
        switch (nx) {
        case 0x5E74: case 0x65E5: case 0x6708: case 0x548C: case 0x6210: /* 年 日 月 和 成 */
        case 0x6CBB: case 0x6B63: case 0x3005: case 0x6642: case 0x671D: /* 治 正 々 時 朝 */
        case 0x4E00: case 0x4E8C: case 0x4E09: case 0x56DB: case 0x4E94: /* 一 二 三 四 五 (翌十日) */
        case 0x516D: case 0x4E03: case 0x516B: case 0x4E5D: case 0x5341:
            return LEAD_DATE;
        default:
            return 0;
        }
    }
    case 0x7D04: case 0x6700: case 0x6982: case 0x5C11: case 0x304A: /* 約 最 概 少 お */
        return LEAD_COUNT;
    case 0x4E00: case 0x4E8C: case 0x4E09: case 0x56DB: case 0x4E94: /* 一 二 三 四 五 */
    case 0x516D: case 0x4E03: case 0x516B: case 0x4E5D: case 0x5341: /* 六 七 八 九 十 */
    case 0x3007:                                                     /* 〇 */
        return LEAD_DATE | LEAD_COUNT;
    case 0x767E: case 0x5343: /* 百 千 */
        return LEAD_COUNT;
    default:
        return 0;
    }
}

/* Can a date (1) or a count (2) start at s[i]? Decided from the character
 * there: a digit run's first digit, an era or relative word's first kanji
 * (令 平 昭 大 明 同 翌 本 今 昨 去 前 来 当 元), a kanji numeral, or a
 * qualifier (約 最 概 少 お). Inline and cheap for the characters that
 * lead nothing (nearly all); the candidates go to lead_cjk's switch. */
static inline int lead_of(const char *s, size_t n, size_t i)
{
    unsigned char ch = (unsigned char)s[i];
    if (jkb_is_digit(ch)) {
        if (i > 0 && (jkb_is_digit((unsigned char)s[i - 1]) || s[i - 1] == ',' || s[i - 1] == '.'))
            return 0; /* inside a number */
        return LEAD_DATE | LEAD_COUNT;
    }
    if (ch == 'R' || ch == 'H' || ch == 'r' || ch == 'h')
        return i > 0 && jkb_is_alnum((unsigned char)s[i - 1]) ? 0 : LEAD_DATE;
    if (ch < 0xE0 || ch > 0xEF || n - i < 3)
        return 0;
    uint32_t cp = ((uint32_t)(ch & 0x0F) << 12) | ((uint32_t)(s[i + 1] & 0x3F) << 6) | (uint32_t)(s[i + 2] & 0x3F);
    /* kana and CJK punctuation, most of a notice: only お and 〇 lead */
    if (ch == 0xE3 && cp != 0x304A && cp != 0x3007)
        return 0;
    /* a kanji: one bit test rejects all but the leads of lead_cjk's switch
     * (and the few that share their low 12 bits), sparing the branches of
     * its decision tree at every character */
#define LB(x, w) ((((x) & 0xFFFu) >> 6) == (w) ? (uint64_t)1 << ((x) & 63u) : 0)
#define LEADS(w)                                                                                        \
    (LB(0x4EE4, w) | LB(0x5E73, w) | LB(0x662D, w) | LB(0x5927, w) | LB(0x660E, w) | LB(0x540C, w) |      \
     LB(0x7FCC, w) | LB(0x672C, w) | LB(0x4ECA, w) | LB(0x6628, w) | LB(0x53BB, w) | LB(0x524D, w) |      \
     LB(0x6765, w) | LB(0x5F53, w) | LB(0x5143, w) | LB(0x7D04, w) | LB(0x6700, w) | LB(0x6982, w) |      \
     LB(0x5C11, w) | LB(0x4E00, w) | LB(0x4E8C, w) | LB(0x4E09, w) | LB(0x56DB, w) | LB(0x4E94, w) |      \
     LB(0x516D, w) | LB(0x4E03, w) | LB(0x516B, w) | LB(0x4E5D, w) | LB(0x5341, w) | LB(0x767E, w) |      \
     LB(0x5343, w))
#define LEADS8(w) LEADS(w), LEADS(w + 1), LEADS(w + 2), LEADS(w + 3), LEADS(w + 4), LEADS(w + 5), LEADS(w + 6), LEADS(w + 7)
    static const uint64_t kanji_leads[64] = {LEADS8(0),  LEADS8(8),  LEADS8(16), LEADS8(24),
                                             LEADS8(32), LEADS8(40), LEADS8(48), LEADS8(56)};
#undef LEADS8
#undef LEADS
#undef LB
    if (ch != 0xE3 && !((kanji_leads[(cp & 0xFFFu) >> 6] >> (cp & 63u)) & 1u))
        return 0;
    return lead_cjk(s, n, i, cp);
}

static void scan_dates_counts(nctx *c)
{
    jkb_date_ctx dc;
    memset(&dc, 0, sizeof dc);
    dc.ref = c->rec.published;
    int64_t last_count_end = -1;
    for (size_t i = 0; i < c->n && !c->rc;) {
        size_t step = jkb_u8len((unsigned char)c->s[i]);
        int lead = lead_of(c->s, c->n, i);
        if (!lead) {
            i += step;
            continue;
        }
        /* a digit run starts a date only when 年, 月, 日, a separator or
         * a colon follows it: the date grammar is not asked about 3,325名 */
        if ((lead & LEAD_DATE) && jkb_is_digit((unsigned char)c->s[i])) {
            size_t e = i;
            while (e < c->n && e - i < 8 && jkb_is_digit((unsigned char)c->s[e]))
                e++;
            while (e < c->n && c->s[e] == ' ')
                e++;
            int datey = e < c->n && (c->s[e] == '/' || c->s[e] == '.' || c->s[e] == '-' || c->s[e] == ':' ||
                                     JKB_AT(c->s, c->n, e, "年") || JKB_AT(c->s, c->n, e, "月") || JKB_AT(c->s, c->n, e, "日") ||
                                     JKB_AT(c->s, c->n, e, "時"));
            if (!datey)
                lead &= ~LEAD_DATE;
        }
        if (lead & LEAD_DATE) {
            jkb_date_hit h;
            jkb_date prev_last = dc.last;
            size_t used = jkb_date_parse(c->s, c->n, i, &dc, &h);
            if (used) {
                /* 同日 refers to the narrative's last date, not to a date
                 * that only qualified a noun (…2022年11月1日のリニューアル時) */
                if (JKB_AT(c->s, c->n, h.end, "の") && !JKB_AT(c->s, c->n, h.end, "の間") && prev_last.y)
                    dc.last = prev_last;
                jkb_date_hit *p = jkb_vec_push(&c->dates);
                if (!p) {
                    c->rc = JKB_ENOMEM;
                    return;
                }
                *p = h;
                i += used;
                continue;
            }
        }
        if ((int64_t)i >= last_count_end && (lead & LEAD_COUNT)) {
            jkb_count k;
            size_t used = jkb_count_parse(c->s, c->n, i, &k);
            if (used) {
                jkb_count *p = jkb_vec_push(&c->counts);
                if (!p) {
                    c->rc = JKB_ENOMEM;
                    return;
                }
                *p = k;
                last_count_end = (int64_t)(i + used);
            }
        }
        i += step;
    }
}

/* ------------------------------------------------------------- fields */

static int in_header(const nctx *c, uint32_t pos) { return c->head.b > c->head.a && pos >= c->head.a && pos < c->head.b; }

/* Sentences of advice to readers or plans do not state facts. */
static int advice_sent(const nctx *c, uint32_t pos) { return cue_in_sent(c, JKB_CUE_ADVICE, pos, 0) >= 0; }

static void set_bit(nctx *c, uint32_t *mask, int field, int v, const jkb_hit *h)
{
    *mask |= 1u << v;
    add_ev(c, field, v, h->start, h->end);
}

static int sent_has_vector(const nctx *c, range s, int v)
{
    for (size_t i = hit_lower(c, s.a); i < c->hits.n && HIT(c, i)->start < s.b; i++) {
        const jkb_term *t = term_of(c, i);
        if (t->field == JKB_LF_VECTOR && t->value == v && !(HFLAGS(c, i) & (HF_DEAD | HF_NEG)))
            return 1;
    }
    return 0;
}

static void do_categories(nctx *c)
{
    uint32_t strong = 0, weak = 0, ua_strong = 0;
    const jkb_hit *first[JKB_CAT__COUNT] = {0};
    const jkb_hit *firstw[JKB_CAT__COUNT] = {0};
    for (size_t i = 0; i < c->hits.n; i++) {
        const jkb_term *t = term_of(c, i);
        if (t->field != JKB_LF_CATEGORY || (HFLAGS(c, i) & (HF_DEAD | HF_NEG)))
            continue;
        const jkb_hit *h = HIT(c, i);
        if (t->flags & JKB_LX_WEAK) {
            weak |= 1u << t->value;
            if (!firstw[t->value])
                firstw[t->value] = h;
        } else {
            strong |= 1u << t->value;
            if (!first[t->value])
                first[t->value] = h;
            if (t->value == JKB_CAT_UNAUTHORIZED_ACCESS && (t->flags & JKB_LX_STRONG))
                ua_strong = 1;
        }
    }
    uint32_t cats = strong;
    /* weak words count when nothing stronger describes the incident, and a
     * bare 不正アクセス counts beside a ransomware or card case */
    for (int v = 0; v < JKB_CAT__COUNT; v++) {
        if (!(weak & (1u << v)) || (cats & (1u << v)))
            continue;
        int take = 0;
        if (v == JKB_CAT_UNAUTHORIZED_ACCESS)
            take = !(strong & ((1u << JKB_CAT_ACCOUNT_COMPROMISE) | (1u << JKB_CAT_DDOS) | (1u << JKB_CAT_MISCONFIGURATION) |
                               (1u << JKB_CAT_MISDELIVERY) | (1u << JKB_CAT_LOSS_THEFT) | (1u << JKB_CAT_INSIDER_MISUSE) |
                               (1u << JKB_CAT_PHISHING))) ||
                   (strong & ((1u << JKB_CAT_RANSOMWARE) | (1u << JKB_CAT_CARD_SKIMMING)));
        else if (v == JKB_CAT_ACCOUNT_COMPROMISE)
            take = !(strong & ~(1u << JKB_CAT_PHISHING));
        else if (v == JKB_CAT_MALWARE)
            take = !(cats & (1u << JKB_CAT_RANSOMWARE)) && !(weak & (1u << JKB_CAT_RANSOMWARE));
        else
            take = strong == 0;
        if (take) {
            cats |= 1u << v;
            first[v] = firstw[v];
        }
    }
    /* a login with a stolen account into a VPN or a network is an
     * intrusion, not an account takeover */
    if ((cats & (1u << JKB_CAT_ACCOUNT_COMPROMISE)) && ua_strong) {
        int other_acct = 0;
        for (size_t i = 0; i < c->hits.n; i++) {
            const jkb_term *t = term_of(c, i);
            if (t->field != JKB_LF_CATEGORY || t->value != JKB_CAT_ACCOUNT_COMPROMISE || (HFLAGS(c, i) & (HF_DEAD | HF_NEG)))
                continue;
            range s = sent_of(c, HIT(c, i)->start);
            if (!sent_has_vector(c, s, JKB_VEC_VPN) && !sent_has_vector(c, s, JKB_VEC_RDP))
                other_acct = 1;
        }
        if (!other_acct)
            cats &= ~(1u << JKB_CAT_ACCOUNT_COMPROMISE);
    }
    /* an account taken over is account_compromise alone unless a system
     * intrusion is described too */
    if ((cats & (1u << JKB_CAT_ACCOUNT_COMPROMISE)) && !ua_strong)
        cats &= ~(1u << JKB_CAT_UNAUTHORIZED_ACCESS);
    /* ransomware is infection enough: no separate malware */
    if ((cats & (1u << JKB_CAT_RANSOMWARE)) && first[JKB_CAT_MALWARE]) {
        cats &= ~(1u << JKB_CAT_MALWARE);
    }
    /* an entry about a gang's claim: leak_claim alone */
    if (c->is_claim || c->is_list)
        cats &= (1u << JKB_CAT_LEAK_CLAIM);
    if (c->is_claim || c->is_list) {
        cats |= 1u << JKB_CAT_LEAK_CLAIM;
        if (!first[JKB_CAT_LEAK_CLAIM])
            first[JKB_CAT_LEAK_CLAIM] = NULL;
    }
    if (!cats)
        cats = 1u << JKB_CAT_OTHER;
    for (int v = 0; v < JKB_CAT__COUNT; v++) {
        if (!(cats & (1u << v)))
            continue;
        c->rec.categories |= 1u << v;
        if (first[v])
            add_ev(c, JKB_F_CATEGORIES, v, first[v]->start, first[v]->end);
        else if (c->title.b > c->title.a)
            add_ev(c, JKB_F_CATEGORIES, v, c->title.a, c->title.b);
        else
            add_ev(c, JKB_F_CATEGORIES, v, 0, (uint32_t)(c->n < 3 ? c->n : 3));
    }
}

/* A heading or title line: short, no sentence end. Facts are stated in
 * sentences; "3.情報流出の有無" only names a topic. */
static int heading_at(const nctx *c, uint32_t pos)
{
    range ln = trim(c, line_of(c, pos));
    if (ln.b - ln.a > 150)
        return 0;
    for (uint32_t i = ln.a; i + 3 <= ln.b; i++)
        if (JKB_AT(c->s, ln.b, i, "。"))
            return 0;
    return 1;
}

/* Is hit i inside a live cue hit of the given kind? */
static int covered_by(const nctx *c, size_t i, int cue)
{
    const jkb_hit *h = HIT(c, i);
    size_t j = hit_lower(c, h->start > 40 ? h->start - 40 : 0);
    for (; j < c->hits.n && HIT(c, j)->start <= h->start; j++)
        if (j != i && is_cue(c, j, cue) && HIT(c, j)->end >= h->end)
            return 1;
    return 0;
}

/* A section heading: a short line without a sentence end that opens with a
 * section mark (1., (2), 【, ■, 《, ①) or is a topic (…について). */
static int section_heading(const nctx *c, range r)
{
    r = trim(c, r);
    if (r.a >= r.b || r.b - r.a > 150)
        return 0;
    for (uint32_t i = r.a; i + 3 <= r.b; i++)
        if (JKB_AT(c->s, r.b, i, "。"))
            return 0;
    unsigned char ch = (unsigned char)c->s[r.a];
    uint32_t q = r.a;
    if (ch == '(')
        q++;
    uint32_t d0 = q;
    while (q < r.b && jkb_is_digit((unsigned char)c->s[q]))
        q++;
    /* 1. / 2 / (3) / 4、 : a numbered section, not a count (2,417名) */
    if (q > d0 && q - d0 <= 2 && q < r.b &&
        (c->s[q] == '.' || c->s[q] == ' ' || c->s[q] == ')' || JKB_AT(c->s, r.b, q, "、") || JKB_AT(c->s, r.b, q, "．")))
        return 1;
    if (ch == '<' || JKB_AT(c->s, c->n, r.a, "【") || JKB_AT(c->s, c->n, r.a, "■") ||
        JKB_AT(c->s, c->n, r.a, "●") || JKB_AT(c->s, c->n, r.a, "◆") || JKB_AT(c->s, c->n, r.a, "《") ||
        JKB_AT(c->s, c->n, r.a, "〈") || JKB_AT(c->s, c->n, r.a, "□"))
        return 1;
    /* 二 閲覧可能となっていた情報: a kanji numeral and a space */
    static const char *const kn[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
    for (size_t k = 0; k < 10; k++)
        if (jkb_at(c->s, r.b, r.a, kn[k], 3) && r.a + 3 < r.b && (c->s[r.a + 3] == ' ' || JKB_AT(c->s, r.b, r.a + 3, "、")))
            return 1;
    return cue_in(c, JKB_CUE_TITLE_END, r.a, r.b, 0) >= 0;
}

/* A heading over a list of data: 2.流出した情報, 【個人情報の内容】,
 * 2 USBメモリに保存されていた情報, (2)対象となるお客様. */
static int data_heading(const nctx *c, range r)
{
    if (cue_in(c, JKB_CUE_DATA_HEAD, r.a, r.b, 1) >= 0)
        return 1;
    /* …された情報, …個人情報, …データ: the heading ends with what was held */
    long dw = cue_in(c, JKB_CUE_DATA_WORD, r.a, r.b, 0);
    if (dw >= 0 && cue_in(c, JKB_CUE_TITLE_END, r.a, r.b, 0) < 0 && cue_in(c, JKB_CUE_NOT_LEAK, r.a, r.b, 0) < 0) {
        for (size_t i = (size_t)dw; i < c->hits.n && HIT(c, i)->start < r.b; i++)
            if (is_cue(c, i, JKB_CUE_DATA_WORD) && HIT(c, i)->end == r.b)
                return 1;
    }
    for (uint32_t i = r.a; i + 6 <= r.b; i++)
        if (JKB_AT(c->s, r.b, i, "対象"))
            return 1;
    return 0;
}

/* The lines of a data list: from a heading that names the exposed data to
 * the next section heading. */
static int in_data_region(const nctx *c, uint32_t pos)
{
    size_t li = find_range(&c->lines, &c->line_blk, pos);
    range here = trim(c, JKB_VEC_AT(&c->lines, range, li));
    if (section_heading(c, here) && (c->s[here.a] != '(' || data_heading(c, here)))
        return data_heading(c, here);
    for (size_t k = li, steps = 0; k-- > 0 && steps < 14; steps++) {
        range r = trim(c, JKB_VEC_AT(&c->lines, range, k));
        if (r.a >= r.b)
            continue;
        if (section_heading(c, r)) {
            /* a sub-heading ((1)要介護認定を受けている方 312名分,
             * 《上記1.③の期間》) sits inside the list */
            if ((c->s[r.a] == '(' || JKB_AT(c->s, c->n, r.a, "《") || c->s[r.a] == '<') && !data_heading(c, r))
                continue;
            return data_heading(c, r);
        }
        /* a long paragraph between: not a list any more */
        if (r.b - r.a > 200)
            return 0;
        /* a sentence that introduces the list (漏えいした情報は以下のとおりです。) */
        if (cue_in(c, JKB_CUE_DATA_HEAD, r.a, r.b, 1) >= 0)
            return 1;
    }
    return 0;
}

/* first count / date starting at or after a (both are in text order) */
static size_t count_lower(const nctx *c, uint32_t a)
{
    size_t lo = 0, hi = c->counts.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (JKB_VEC_AT(&c->counts, jkb_count, mid).start < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t date_lower(const nctx *c, uint32_t a)
{
    size_t lo = 0, hi = c->dates.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (JKB_VEC_AT(&c->dates, jkb_date_hit, mid).start < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int data_context(const nctx *c, uint32_t pos)
{
    range s = sent_of(c, pos);
    if (cue_in(c, JKB_CUE_ADVICE, s.a, s.b, 0) >= 0)
        return 0;
    if (in_data_region(c, pos))
        return 1;
    long lk = cue_in(c, JKB_CUE_LEAK, s.a, s.b, 1);
    if (lk >= 0 && covered_by(c, (size_t)lk, JKB_CUE_NOT_LEAK))
        lk = -1;
    if (lk >= 0 || cue_in(c, JKB_CUE_EXPOSE, s.a, s.b, 1) >= 0 ||
        cue_in(c, JKB_CUE_POSSIBLE, s.a, s.b, 1) >= 0 || cue_in(c, JKB_CUE_DATA_HEAD, s.a, s.b, 0) >= 0 ||
        cue_in(c, JKB_CUE_VIEW, s.a, s.b, 0) >= 0 || cue_in(c, JKB_CUE_DATA_VERB, s.a, s.b, 0) >= 0)
        return 1;
    /* a line listing data with a count (氏名、住所…:2,934名様分) */
    range ln = line_of(c, pos);
    if (ln.b - ln.a <= 400) {
        for (size_t k = count_lower(c, ln.a); k < c->counts.n; k++) {
            const jkb_count *ct = &JKB_VEC_AT(&c->counts, jkb_count, k);
            if (ct->start >= ln.b)
                break;
            if (ct->end <= ln.b && (ct->unit == JKB_UNIT_PEOPLE || ct->unit == JKB_UNIT_RECORDS))
                return 1;
        }
    }
    return 0;
}

static void do_data_classes(nctx *c)
{
    for (size_t i = 0; i < c->hits.n; i++) {
        const jkb_term *t = term_of(c, i);
        if (t->field != JKB_LF_DATA_CLASS || (HFLAGS(c, i) & (HF_DEAD | HF_NEG)))
            continue;
        const jkb_hit *h = HIT(c, i);
        if (in_header(c, h->start) || h->start < c->title.b)
            continue;
        if (t->flags & JKB_LX_WEAK) {
            if (!in_data_region(c, h->start))
                continue;
        } else if (!data_context(c, h->start))
            continue;
        if (!(c->rec.data_classes & (1u << t->value)))
            set_bit(c, &c->rec.data_classes, JKB_F_DATA_CLASSES, t->value, h);
    }
}

static int sent_has_field(const nctx *c, range s, int field)
{
    for (size_t i = hit_lower(c, s.a); i < c->hits.n && HIT(c, i)->start < s.b; i++)
        if (term_of(c, i)->field == field && !(HFLAGS(c, i) & HF_DEAD))
            return 1;
    return 0;
}

/* The leak word ending at pos is the topic of a noun phrase (流出の状況, 漏えいの経緯,
 * 流出の概要): it names what a section is about, not what happened. */
static int topic_after(const nctx *c, uint32_t pos)
{
    static const char *const topics[] = {"の状況", "の経緯", "の概要", "の内容", "の詳細", "の原因", "の範囲", "に関する"};
    for (size_t k = 0; k < sizeof topics / sizeof *topics; k++)
        if (jkb_at(c->s, c->n, pos, topics[k], strlen(topics[k])))
            return 1;
    return 0;
}

static void do_leak_status(nctx *c)
{
    int best = JKB_LEAK_UNKNOWN;
    const jkb_hit *why = NULL;
    static const int rank[] = {3, 2, 1, 0}; /* confirmed > possible > none > unknown */
    for (size_t i = 0; i < c->hits.n; i++) {
        if (HFLAGS(c, i) & HF_DEAD)
            continue;
        if (!is_cue(c, i, JKB_CUE_LEAK) && !is_cue(c, i, JKB_CUE_EXPOSE) && !is_cue(c, i, JKB_CUE_VIEW))
            continue;
        const jkb_hit *h = HIT(c, i);
        range s = sent_of(c, h->start);
        if (in_header(c, h->start) || (h->start >= c->title.a && h->end <= c->title.b) || covered_by(c, i, JKB_CUE_NOT_LEAK))
            continue;
        /* a heading that only names a topic (3.外部への流出について, 4 情報流出の状況) */
        if (heading_at(c, h->start) && (cue_in(c, JKB_CUE_TITLE_END, s.a, s.b, 0) >= 0 || topic_after(c, h->end)))
            continue;
        if (cue_in(c, JKB_CUE_ADVICE, s.a, s.b, 0) >= 0 || cue_in(c, JKB_CUE_PLAN, s.a, s.b, 0) >= 0 ||
            cue_in(c, JKB_CUE_INVESTIGATING, s.a, s.b, 0) >= 0)
            continue;
        /* viewing or showing is about data only when the sentence names data */
        if (is_cue(c, i, JKB_CUE_VIEW) && cue_in(c, JKB_CUE_DATA_WORD, s.a, s.b, 0) < 0 && !sent_has_field(c, s, JKB_LF_DATA_CLASS))
            continue;
        /* 情報漏えい防止 and the like are about prevention */
        if (JKB_AT(c->s, c->n, h->end, "防止") || JKB_AT(c->s, c->n, h->end, "対策") ||
            JKB_AT(c->s, c->n, h->end, "の防止"))
            continue;
        int v;
        long pos = cue_in(c, JKB_CUE_POSSIBLE, s.a, s.b, 0);
        if (HFLAGS(c, i) & HF_NEG) {
            v = JKB_LEAK_NONE;
            if (pos >= 0 && !(HFLAGS(c, pos) & HF_NEG))
                v = JKB_LEAK_POSSIBLE;
        } else if (pos >= 0) {
            v = (HFLAGS(c, pos) & HF_NEG) ? JKB_LEAK_NONE : JKB_LEAK_POSSIBLE;
        } else if (term_of(c, i)->flags & JKB_LX_WEAK) {
            v = JKB_LEAK_POSSIBLE; /* a state (閲覧可能) is a possibility */
        } else {
            v = JKB_LEAK_CONFIRMED;
        }
        if (rank[v] > rank[best]) {
            best = v;
            why = h;
        }
    }
    /* mail, fax or parcels that reached the wrong party: the data reached
     * someone it should not have */
    if (c->rec.categories & (1u << JKB_CAT_MISDELIVERY))
        best = JKB_LEAK_CONFIRMED;
    /* data misused by an insider reached someone with no business to see
     * it, unless the notice denies it */
    if ((c->rec.categories & (1u << JKB_CAT_INSIDER_MISUSE)) && best != JKB_LEAK_NONE)
        best = JKB_LEAK_CONFIRMED;
    /* an entry about a gang's claim: the victim has said nothing */
    if (c->is_claim || c->is_list) {
        best = JKB_LEAK_UNKNOWN;
        why = NULL;
    }
    c->rec.leak_status = best;
    if (why)
        add_ev(c, JKB_F_LEAK_STATUS, best, why->start, why->end);
}

static void do_secondary(nctx *c)
{
    int best = JKB_SEC_UNKNOWN;
    const jkb_hit *why = NULL;
    for (size_t i = 0; i < c->hits.n; i++) {
        if ((HFLAGS(c, i) & HF_DEAD) || !is_cue(c, i, JKB_CUE_SECONDARY))
            continue;
        const jkb_hit *h = HIT(c, i);
        range s = sent_of(c, h->start);
        if (heading_at(c, h->start))
            continue;
        int v;
        /* a denial stands even when advice follows it in the sentence
         * (…確認されておりませんが、ご注意ください) */
        if (HFLAGS(c, i) & HF_NEG)
            v = JKB_SEC_NOT_CONFIRMED;
        else if (advice_sent(c, h->start))
            continue;
        else if (cue_in(c, JKB_CUE_CONFIRMED, s.a, s.b, 1) >= 0 && cue_in(c, JKB_CUE_POSSIBLE, s.a, s.b, 0) < 0 &&
                 cue_in(c, JKB_CUE_PLAN, s.a, s.b, 0) < 0 && cue_in(c, JKB_CUE_INVESTIGATING, s.a, s.b, 0) < 0)
            v = JKB_SEC_CONFIRMED;
        else
            continue;
        if (best == JKB_SEC_UNKNOWN || (v == JKB_SEC_CONFIRMED && best != JKB_SEC_CONFIRMED)) {
            best = v;
            why = h;
        }
    }
    c->rec.secondary_damage = best;
    if (why)
        add_ev(c, JKB_F_SECONDARY_DAMAGE, best, why->start, why->end);
}

/* Does the count at pos count people or records whose data was involved?
 * It sits in a data list, or its sentence says data leaked, was exposed,
 * held or targeted (対象). */
static int count_context(const nctx *c, uint32_t pos)
{
    range s = sent_of(c, pos);
    if (in_data_region(c, pos))
        return 1;
    static const int cues[] = {JKB_CUE_LEAK, JKB_CUE_EXPOSE, JKB_CUE_VIEW, JKB_CUE_POSSIBLE, JKB_CUE_DATA_HEAD,
                               JKB_CUE_DATA_VERB, JKB_CUE_TARGET};
    for (size_t k = 0; k < sizeof cues / sizeof cues[0]; k++) {
        long h = cue_in(c, cues[k], s.a, s.b, 0);
        if (h >= 0 && !covered_by(c, (size_t)h, JKB_CUE_NOT_LEAK))
            return 1;
    }
    return sent_has_field(c, s, JKB_LF_DATA_CLASS) || sent_has_field(c, s, JKB_LF_CATEGORY);
}

/* A count on a list item line ((1)…312名分, ・…約4,300名の氏名): one of
 * several subtotals unless the text gives a total. */
static int list_item_count(const nctx *c, uint32_t pos)
{
    range ln = trim(c, line_of(c, pos));
    if (ln.a >= ln.b)
        return 0;
    unsigned char ch = (unsigned char)c->s[ln.a];
    if (JKB_AT(c->s, c->n, ln.a, "・") || JKB_AT(c->s, c->n, ln.a, "●") || JKB_AT(c->s, c->n, ln.a, "◆"))
        return 1;
    if (ch == '(' && ln.a + 1 < ln.b && jkb_is_digit((unsigned char)c->s[ln.a + 1]))
        return 1;
    /* ① normalized: a digit followed by a space or text, or 1. */
    return 0;
}

static void do_affected(nctx *c)
{
    const jkb_count *best = NULL;
    int best_score = -1000;
    int subtotals = 0, totals = 0, items = 0;
    for (size_t k = 0; k < c->counts.n; k++) {
        const jkb_count *ct = &JKB_VEC_AT(&c->counts, jkb_count, k);
        if (ct->unit != JKB_UNIT_PEOPLE && ct->unit != JKB_UNIT_RECORDS && ct->unit != JKB_UNIT_CARDS)
            continue;
        if (in_header(c, (uint32_t)ct->start) || ct->start < c->title.b)
            continue;
        range s = sent_of(c, (uint32_t)ct->start);
        range ln = line_of(c, (uint32_t)ct->start);
        if (cue_in(c, JKB_CUE_NOT_PEOPLE, s.a, s.b, 0) >= 0 || cue_in(c, JKB_CUE_INVESTIGATING, s.a, s.b, 0) >= 0)
            continue;
        /* 合計 / 小計 before the count on its line (a label is short) */
        uint32_t la = (uint32_t)ct->start > ln.a + 120 ? (uint32_t)ct->start - 120 : ln.a;
        long tot = cue_in(c, JKB_CUE_TOTAL, la, (uint32_t)ct->start, 0);
        /* the total line of a list needs no words of its own */
        if (tot < 0 && !count_context(c, (uint32_t)ct->start))
            continue;
        if (list_item_count(c, (uint32_t)ct->start) && ct->unit == JKB_UNIT_PEOPLE)
            items++;
        /* 従業員1名, 職員2名: the staff involved, not the people affected */
        long st = cue_in(c, JKB_CUE_STAFF, ct->start > 12 ? (uint32_t)ct->start - 12 : 0, (uint32_t)ct->start, 0);
        if (st >= 0 && ct->start - HIT(c, st)->end <= 3 && ct->value <= 5)
            continue;
        long rc = cue_in(c, JKB_CUE_RECIPIENTS, ct->start > 12 ? (uint32_t)ct->start - 12 : 0, (uint32_t)ct->start, 0);
        if (rc >= 0 && ct->start - HIT(c, rc)->end <= 3)
            continue;
        int score = 0;
        long sub = cue_in(c, JKB_CUE_SUBTOTAL, la, (uint32_t)ct->start, 0);
        if (tot >= 0 && !(term_of(c, tot)->flags & JKB_LX_WEAK)) {
            score += 100;
            totals++;
        } else if (tot >= 0 && ct->unit != JKB_UNIT_CARDS) {
            score += 20;
            totals++;
        }
        if (sub >= 0 && !(term_of(c, sub)->flags & JKB_LX_WEAK)) {
            score -= 100;
            subtotals++;
        } else if (sub >= 0)
            score -= 30;
        score += ct->unit == JKB_UNIT_PEOPLE ? 10 : ct->unit == JKB_UNIT_CARDS ? -5 : 0;
        if (score > best_score || (score == best_score && best && ct->value > best->value)) {
            best = ct;
            best_score = score;
        }
    }
    if (!best || (subtotals && !totals && best_score < 0))
        return;
    /* several list items with counts and no total: no affected */
    if (!totals && items >= 2 && list_item_count(c, (uint32_t)best->start))
        return;
    c->rec.has_affected = true;
    c->rec.affected = best->value;
    c->rec.affected_qualifier = (int)best->qual;
    add_ev(c, JKB_F_AFFECTED, 0, (uint32_t)best->start, (uint32_t)best->end);
    add_ev(c, JKB_F_AFFECTED_QUALIFIER, (int)best->qual, (uint32_t)best->start, (uint32_t)best->end);
}

static jkb_strv *push_str(nctx *c, jkb_vec *v, jkb_vec *src, const char *s, size_t n, uint32_t a, uint32_t b)
{
    if (v->n >= JKB_MAX_LIST)
        return NULL;
    for (size_t k = 0; k < v->n; k++) {
        jkb_strv *x = &JKB_VEC_AT(v, jkb_strv, k);
        if (x->len == n && strncmp(x->s, s, n) == 0)
            return NULL;
    }
    jkb_strv *x = jkb_vec_push(v);
    range *r = jkb_vec_push(src);
    char *p = jkb_arena_strndup(&c->arena, s, n);
    if (!x || !r || !p) {
        c->rc = JKB_ENOMEM;
        return NULL;
    }
    x->s = p;
    x->len = n;
    r->a = a;
    r->b = b;
    return x;
}

/* How well an actor's canonical name fits the words it was found in: the
 * name as written (ASCII case aside) first, then the longer name. */
static size_t actor_fit(const nctx *c, const jkb_hit *h, const char *canon)
{
    size_t cl = strlen(canon), n = h->end - h->start;
    int same = cl == n;
    for (size_t k = 0; same && k < n; k++)
        same = jkb_lower((unsigned char)c->s[h->start + k]) == jkb_lower((unsigned char)canon[k]);
    return (same ? (size_t)1 << 20 : 0) + cl;
}

static void do_actors(nctx *c)
{
    for (size_t i = 0; i < c->hits.n; i++) {
        const jkb_term *t = term_of(c, i);
        if (t->field != JKB_LF_ACTOR || (HFLAGS(c, i) & (HF_DEAD | HF_NEG)))
            continue;
        const jkb_hit *h = HIT(c, i);
        /* a longer actor name over the same words wins */
        int shadowed = 0;
        for (size_t j = i + 1; j < c->hits.n && HIT(c, j)->start < h->end; j++)
            if (term_of(c, j)->field == JKB_LF_ACTOR && HIT(c, j)->end > h->end)
                shadowed = 1;
        /* one span names one actor: where two lexicons map the same words
         * to two canonical names (a galaxy's slug, a curated name), the
         * name that fits the words best stands for them */
        const char *mine = jkb_lexicon_actor(c->lx, t->value);
        for (size_t j = hit_lower(c, h->start); !shadowed && mine && j < c->hits.n && HIT(c, j)->start == h->start; j++) {
            const jkb_hit *g = HIT(c, j);
            const jkb_term *u = term_of(c, j);
            if (j == i || u->field != JKB_LF_ACTOR || g->end != h->end || (HFLAGS(c, j) & (HF_DEAD | HF_NEG)))
                continue;
            const char *other = jkb_lexicon_actor(c->lx, u->value);
            if (!other || strcmp(other, mine) == 0)
                continue;
            size_t fo = actor_fit(c, g, other), fm = actor_fit(c, h, mine);
            if (fo > fm || (fo == fm && j < i))
                shadowed = 1;
        }
        if (shadowed)
            continue;
        /* names count beside the words of an attack or a gang */
        range s = sent_of(c, h->start);
        if (cue_in(c, JKB_CUE_ACTOR_CTX, s.a, s.b, 0) < 0 && !(c->title.b > c->title.a && h->start >= c->title.a && h->end <= c->title.b))
            continue;
        const char *canon = jkb_lexicon_actor(c->lx, t->value);
        if (!canon)
            continue;
        char buf[160];
        size_t cl = strlen(canon);
        const char *name = canon;
        size_t nlen = cl;
        /* a slug-like canonical name (lower case) is written as the text has it */
        int lower = 1;
        for (size_t k = 0; k < cl; k++)
            if (canon[k] >= 'A' && canon[k] <= 'Z')
                lower = 0;
        if (lower && h->end - h->start == cl) {
            jkb_strv w = doc_str(c, h->start, h->end);
            if (w.s && w.len == cl) {
                name = w.s;
                nlen = w.len;
            }
        }
        /* a version after the name: LockBit 3.0 */
        uint32_t e = h->end;
        if (!(t->flags & JKB_LX_NOVERSION)) {
            uint32_t k = e;
            if (k < c->n && c->s[k] == ' ')
                k++;
            uint32_t d = k;
            while (d < c->n && (jkb_is_digit((unsigned char)c->s[d]) || (c->s[d] == '.' && d > k && d + 1 < c->n && jkb_is_digit((unsigned char)c->s[d + 1]))))
                d++;
            if (d > k && d - k <= 6 && nlen + 1 + (d - k) < sizeof buf && !jkb_is_digit((unsigned char)name[nlen - 1])) {
                memcpy(buf, name, nlen);
                buf[nlen] = ' ';
                memcpy(buf + nlen + 1, c->s + k, d - k);
                nlen = nlen + 1 + (d - k);
                name = buf;
                e = d;
            }
        }
        push_str(c, &c->actors, &c->actor_src, name, nlen, h->start, e);
    }
}

static void do_cves(nctx *c)
{
    /* the lexicon's CVE- cue marks where an identifier may start */
    for (size_t hi = 0; hi < c->hits.n; hi++) {
        if (!is_cue(c, hi, JKB_CUE_CVE))
            continue;
        uint32_t i = HIT(c, hi)->start;
        if (i + 13 > c->n)
            continue;
        if (i > 0 && jkb_is_alnum((unsigned char)c->s[i - 1]))
            continue;
        uint32_t k = i + 4, y = 0;
        while (k < c->n && jkb_is_digit((unsigned char)c->s[k]) && y < 5)
            k++, y++;
        if (y != 4 || k >= c->n || c->s[k] != '-')
            continue;
        uint32_t d0 = ++k;
        while (k < c->n && jkb_is_digit((unsigned char)c->s[k]) && k - d0 < 8)
            k++;
        if (k - d0 < 4)
            continue;
        char buf[24];
        size_t n = k - i;
        if (n >= sizeof buf)
            continue;
        for (size_t z = 0; z < n; z++) {
            unsigned char ch = (unsigned char)c->s[i + z];
            buf[z] = (char)((ch >= 'a' && ch <= 'z') ? ch - 32 : ch);
        }
        push_str(c, &c->cves, &c->cve_src, buf, n, i, k);
    }
}

/* A place or ministry named in running text: a run of kanji/kana ending in
 * 都道府県市区町村 (local_gov) or 省庁 (ministry). Returns the authority or
 * -1 and the run's start. */
static int place_at(const nctx *c, uint32_t end, uint32_t *start)
{
    if (end < 3)
        return -1;
    uint32_t last = (uint32_t)prev_char(c->s, end);
    static const char *const local_suffix[] = {"都", "道", "府", "県", "市", "区", "町", "村"};
    int kind = -1;
    for (size_t k = 0; k < 8; k++)
        if (jkb_at(c->s, c->n, last, local_suffix[k], 3))
            kind = JKB_AUTH_LOCAL_GOV;
    if (JKB_AT(c->s, c->n, last, "省") || JKB_AT(c->s, c->n, last, "庁"))
        kind = JKB_AUTH_MINISTRY;
    if (kind < 0)
        return -1;
    /* the next character must not continue the word (市民, 県警, 府内),
     * but 及び, 並びに, 等 join names */
    if (end < c->n && (is_kanji_at(c->s, c->n, end) || is_kata_at(c->s, c->n, end)) && !JKB_AT(c->s, c->n, end, "及") &&
        !JKB_AT(c->s, c->n, end, "並") && !JKB_AT(c->s, c->n, end, "等"))
        return -1;
    uint32_t a = last;
    int chars = 0;
    while (a > 0 && chars < 8) {
        uint32_t p = (uint32_t)prev_char(c->s, a);
        if (!(is_kanji_at(c->s, c->n, p) || is_kata_at(c->s, c->n, p)))
            break;
        a = p;
        chars++;
    }
    /* a bare 県 or 市 (県に報告, 県の高齢福祉課) is the prefecture or city */
    if (chars < 1 && kind != JKB_AUTH_LOCAL_GOV)
        return -1;
    /* 本市, 当県, 各省, 同市 are not names */
    if (JKB_AT(c->s, c->n, a, "本") || JKB_AT(c->s, c->n, a, "当") || JKB_AT(c->s, c->n, a, "各") ||
        JKB_AT(c->s, c->n, a, "同") || JKB_AT(c->s, c->n, a, "全") || JKB_AT(c->s, c->n, a, "他") ||
        JKB_AT(c->s, c->n, a, "地") || JKB_AT(c->s, c->n, a, "都"))
        return -1;
    *start = a;
    return kind;
}

static int inside_org_name(const nctx *c, uint32_t a, uint32_t b)
{
    if (c->org.b <= c->org.a)
        return 0;
    size_t on = c->org.b - c->org.a;
    if (b - a > on)
        return 0;
    /* the same words as the org's name */
    for (uint32_t k = a >= on ? a - (uint32_t)on + (b - a) : 0; k <= a && k + on <= c->n; k++)
        if (memcmp(c->s + k, c->s + c->org.a, on) == 0 && k <= a && k + on >= b)
            return 1;
    return 0;
}

/* The authorities reported to in [a, b): hits and named places. */
static uint32_t authorities_in(nctx *c, uint32_t a, uint32_t b, int add_evidence)
{
    uint32_t mask = 0;
    for (size_t i = hit_lower(c, a); i < c->hits.n && HIT(c, i)->start < b; i++) {
        const jkb_term *t = term_of(c, i);
        if (t->field != JKB_LF_AUTHORITY || (HFLAGS(c, i) & (HF_DEAD | HF_NEG)) || (t->flags & JKB_LX_WEAK))
            continue;
        const jkb_hit *h = HIT(c, i);
        if (inside_org_name(c, h->start, h->end))
            continue;
        if (!(mask & (1u << t->value)) && add_evidence && !(c->rec.authorities & (1u << t->value)))
            add_ev(c, JKB_F_AUTHORITIES, t->value, h->start, h->end);
        mask |= 1u << t->value;
    }
    /* places and ministries by rule */
    for (uint32_t k = a; k < b;) {
        size_t step = jkb_u8len((unsigned char)c->s[k]);
        uint32_t e = k + (uint32_t)step;
        if (step == 3) {
            uint32_t st;
            int kind = place_at(c, e, &st);
            /* 区では, 市として: a bare suffix that is the org's own is the org */
            if (kind >= 0 && e - st == 3 && c->org.b > c->org.a && c->org.b - c->org.a >= 3 &&
                memcmp(c->s + c->org.b - 3, c->s + st, 3) == 0)
                kind = -1;
            if (kind >= 0 && st >= a && !inside_org_name(c, st, e)) {
                /* 警視庁 and 警察庁 are police, and a police force is no place */
                int police = 0;
                for (size_t i = hit_lower(c, st); i < c->hits.n && HIT(c, i)->start < e; i++)
                    if (term_of(c, i)->field == JKB_LF_AUTHORITY && HIT(c, i)->end >= e)
                        police = 1;
                if (!police) {
                    if (!(mask & (1u << kind)) && add_evidence && !(c->rec.authorities & (1u << kind)))
                        add_ev(c, JKB_F_AUTHORITIES, kind, st, e);
                    mask |= 1u << kind;
                }
            }
        }
        k = e;
    }
    return mask;
}

static int report_sentence(const nctx *c, range s)
{
    long r = cue_in(c, JKB_CUE_EV_REPORTED, s.a, s.b, 1);
    return r >= 0;
}

static void do_authorities(nctx *c)
{
    for (size_t si = 0; si < c->sents.n; si++) {
        range s = JKB_VEC_AT(&c->sents, range, si);
        if (in_header(c, s.a) || !report_sentence(c, s))
            continue;
        if (cue_in(c, JKB_CUE_ADVICE, s.a, s.b, 0) >= 0)
            continue;
        /* 報告を受け (told by someone) is not a report to */
        uint32_t m = authorities_in(c, s.a, s.b, 1);
        c->rec.authorities |= m;
    }
}

static void do_measures(nctx *c)
{
    for (size_t i = 0; i < c->hits.n; i++) {
        const jkb_term *t = term_of(c, i);
        /* weak measure words name what is no measure (監視により…検知: the
         * monitoring that caught the attack was already there) */
        if (t->field != JKB_LF_MEASURE || (HFLAGS(c, i) & (HF_DEAD | HF_NEG)) || (t->flags & JKB_LX_WEAK))
            continue;
        const jkb_hit *h = HIT(c, i);
        if (in_header(c, h->start) || (h->start >= c->title.a && h->end <= c->title.b))
            continue;
        range s = sent_of(c, h->start);
        /* advice to readers in the same clause (…変更してください), not in a
         * later one (…を無効化し、再設定をお願いしております) */
        if (cue_in(c, JKB_CUE_ADVICE, clause_start(c, h->start), clause_end(c, h->end), 0) >= 0)
            continue;
        /* a control in place long before the incident does not count */
        int old = 0;
        for (size_t k = date_lower(c, s.a); k < c->dates.n; k++) {
            const jkb_date_hit *d = &JKB_VEC_AT(&c->dates, jkb_date_hit, k);
            if (d->start >= s.b)
                break;
            if (d->end <= s.b && d->date.y && c->rec.published.y && d->date.y < c->rec.published.y - 1)
                old = 1;
        }
        if (old)
            continue;
        if (!(c->rec.measures & (1u << t->value)))
            set_bit(c, &c->rec.measures, JKB_F_MEASURES, t->value, h);
    }
}

static int sent_has_measure(const nctx *c, range s, uint32_t mask)
{
    for (size_t i = hit_lower(c, s.a); i < c->hits.n && HIT(c, i)->start < s.b; i++) {
        const jkb_term *t = term_of(c, i);
        if (t->field == JKB_LF_MEASURE && (mask & (1u << t->value)) && !(HFLAGS(c, i) & (HF_DEAD | HF_NEG)) &&
            !(t->flags & JKB_LX_WEAK))
            return 1;
    }
    return 0;
}

static void do_vectors(nctx *c)
{
    /* a gang's usual methods, told in an entry about its claim, are no
     * route of this incident */
    if (c->is_claim || c->is_list)
        return;
    uint32_t cats = c->rec.categories;
    for (size_t i = 0; i < c->hits.n; i++) {
        const jkb_term *t = term_of(c, i);
        if (t->field != JKB_LF_VECTOR || (HFLAGS(c, i) & (HF_DEAD | HF_NEG)))
            continue;
        const jkb_hit *h = HIT(c, i);
        range s = sent_of(c, h->start);
        if (cue_in(c, JKB_CUE_ADVICE, s.a, s.b, 0) >= 0 || cue_in(c, JKB_CUE_PLAN, s.a, s.b, 0) >= 0)
            continue;
        /* a route named in a countermeasure (VPN経由の接続に多要素認証を導入) */
        if (sent_has_measure(c, s, (1u << JKB_MEAS_MFA) | (1u << JKB_MEAS_WAF) | (1u << JKB_MEAS_TRAINING) |
                                       (1u << JKB_MEAS_MONITORING)))
            continue;
        if (t->flags & JKB_LX_WEAK) {
            int ok = 0;
            if (t->value == JKB_VEC_CONTRACTOR) {
                /* the incident came through or happened at the contractor,
                 * not a contractor that reported it (委託先(以下…)より),
                 * received a misdirected mail (…事業者に送付) or was
                 * impersonated (委託先を装った) */
                uint32_t e = h->end;
                if (e < c->n && c->s[e] == '(') {
                    uint32_t q = e;
                    while (q < c->n && q - e < 60 && c->s[q] != ')')
                        q++;
                    if (q < c->n && c->s[q] == ')')
                        e = q + 1;
                }
                /* (以下、委託先): a name being defined, not a route */
                int defined = h->start >= 9 && JKB_AT(c->s, c->n, h->start - 9, "以下、");
                /* what happened may be told in the next sentence, when it
                 * goes on from this one (…事業者が行いました。その際、…誤りにより) */
                int occurred = cue_in(c, JKB_CUE_EV_OCCURRED, s.a, s.b, 0) >= 0;
                if (!occurred && JKB_AT(c->s, c->n, e, "が")) {
                    range nx = sent_of(c, s.b + 1);
                    uint32_t a = nx.a;
                    while (a < nx.b && is_space(c->s[a]))
                        a++;
                    if (nx.a > s.a && (JKB_AT(c->s, c->n, a, "その際") || JKB_AT(c->s, c->n, a, "その結果")))
                        occurred = cue_in(c, JKB_CUE_EV_OCCURRED, nx.a, nx.b, 0) >= 0;
                }
                ok = !defined && occurred && !JKB_AT(c->s, c->n, e, "より") &&
                     !JKB_AT(c->s, c->n, e, "から") && !JKB_AT(c->s, c->n, e, "に") && !JKB_AT(c->s, c->n, e, "へ") &&
                     !JKB_AT(c->s, c->n, e, "を装");
            }
            else if (t->value == JKB_VEC_PHISHING_MAIL)
                ok = (cats & ((1u << JKB_CAT_PHISHING) | (1u << JKB_CAT_ACCOUNT_COMPROMISE) | (1u << JKB_CAT_MALWARE))) != 0 &&
                     cue_in(c, JKB_CUE_EV_OCCURRED, s.a, s.b, 0) >= 0 &&
                     (cue_in(c, JKB_CUE_INBOUND, s.a, s.b, 0) >= 0 ||
                      (cats & ((1u << JKB_CAT_ACCOUNT_COMPROMISE) | (1u << JKB_CAT_MALWARE))) == 0);
            else if (t->value == JKB_VEC_WEB_VULN)
                /* a hole in a site, a system or its software */
                ok = (cats & ((1u << JKB_CAT_UNAUTHORIZED_ACCESS) | (1u << JKB_CAT_CARD_SKIMMING))) != 0 &&
                     cue_in(c, JKB_CUE_SERVER, s.a, s.b, 0) >= 0 && !sent_has_vector(c, s, JKB_VEC_VPN) &&
                     !sent_has_vector(c, s, JKB_VEC_RDP);
            else if (t->value == JKB_VEC_CLOUD_SHARING)
                ok = (cats & (1u << JKB_CAT_MISCONFIGURATION)) != 0;
            else if (t->value == JKB_VEC_EMAIL_ACCOUNT)
                ok = (cats & (1u << JKB_CAT_ACCOUNT_COMPROMISE)) != 0;
            else if (t->value == JKB_VEC_USB_MEDIA)
                ok = (cats & (1u << JKB_CAT_LOSS_THEFT)) != 0;
            if (!ok)
                continue;
        }
        if (!(c->rec.vectors & (1u << t->value)))
            set_bit(c, &c->rec.vectors, JKB_F_VECTORS, t->value, h);
    }
    if (c->rec.vectors & (1u << JKB_VEC_SQLI))
        c->rec.vectors &= ~(1u << JKB_VEC_WEB_VULN);

}

/* ------------------------------------------------------------ timeline */

static void push_event(nctx *c, int kind, jkb_date d, jkb_date end, uint32_t to, uint32_t a, uint32_t b)
{
    for (size_t k = 0; k < c->events.n; k++) {
        jkb_event *e = &JKB_VEC_AT(&c->events, jkb_event, k);
        if (e->kind == kind && jkb_date_cmp(e->date, d) == 0) {
            e->to |= to;
            if (end.y && !e->date_end.y)
                e->date_end = end;
            return;
        }
    }
    /* a notice tells tens of events; thousands are a broken input */
    if (c->events.n >= JKB_MAX_EVENTS)
        return;
    jkb_event *e = jkb_vec_push(&c->events);
    range *r = jkb_vec_push(&c->event_src);
    if (!e || !r) {
        c->rc = JKB_ENOMEM;
        return;
    }
    e->kind = (uint8_t)kind;
    e->date = d;
    e->date_end = end;
    e->to = to;
    r->a = a;
    r->b = b;
}

/* Is [a, b) only label glue (spaces, ':', '(', 日, は, に) between a cue and
 * the date it labels (発覚日:12月16日, 修正(2022年12月7日完了))? */
static int label_glue(const nctx *c, uint32_t a, uint32_t b)
{
    if (b < a || b - a > 9)
        return 0;
    for (uint32_t i = a; i < b;) {
        if (c->s[i] == ' ' || c->s[i] == ':' || c->s[i] == '(') {
            i++;
            continue;
        }
        if (JKB_AT(c->s, b, i, "日") || JKB_AT(c->s, b, i, "は") || JKB_AT(c->s, b, i, "に") || JKB_AT(c->s, b, i, "の")) {
            i += 3;
            continue;
        }
        return 0;
    }
    return 1;
}

/* A date that opens its sentence ("2022年12月5日、…報告がありました") owns
 * the sentence's closing verb; dates inside it describe what was reported. */
static int leading_date(const nctx *c, const jkb_date_hit *d, range s)
{
    uint32_t i = s.a;
    /* a few words of setting with no cue of their own (年明けの1月6日,
     * 調査の結果、8月9日) */
    if (d->start - s.a <= 18 && hit_lower(c, s.a) >= hit_lower(c, (uint32_t)d->start))
        return 1;
    while (i < d->start) {
        unsigned char ch = (unsigned char)c->s[i];
        if (ch == ' ' || ch == '\t' || ch == '(' || ch == ')' || jkb_is_digit(ch) || ch == '.') {
            i++;
            continue;
        }
        if (JKB_AT(c->s, c->n, i, "・") || JKB_AT(c->s, c->n, i, "、") || JKB_AT(c->s, c->n, i, "また") ||
            JKB_AT(c->s, c->n, i, "その後") || JKB_AT(c->s, c->n, i, "なお") || JKB_AT(c->s, c->n, i, "さらに")) {
            i += JKB_AT(c->s, c->n, i, "その後") || JKB_AT(c->s, c->n, i, "さらに") ? 9 : JKB_AT(c->s, c->n, i, "・") || JKB_AT(c->s, c->n, i, "、") ? 3 : 6;
            continue;
        }
        return 0;
    }
    return 1;
}

/* 2022年11月1日の…, 3月5日(火)10時頃の…: the date modifies a noun. */
static int attributive_date(const nctx *c, const jkb_date_hit *d)
{
    if (JKB_AT(c->s, c->n, d->end, "の") && !JKB_AT(c->s, c->n, d->end, "のうち"))
        return 2;
    /* 同日以降, 9時頃から: the start of a period */
    uint32_t e = (uint32_t)d->end;
    while (e < c->n && c->s[e] == ' ')
        e++;
    if (JKB_AT(c->s, c->n, e, "から") && !(d->flags & JKB_DATE_RANGE))
        return 1;
    return JKB_AT(c->s, c->n, e, "以降") || JKB_AT(c->s, c->n, e, "以来") || JKB_AT(c->s, c->n, e, "より");
}

typedef struct dscore {
    int kinds[JKB_EV__COUNT];
    int not_event;
    uint32_t to;
    uint32_t seg_end; /* where the date's words end */
    uint32_t report_a, report_b; /* undated sentences after it that report */
    uint32_t occ_pos, det_pos;   /* first occurrence and detection words after it */
    int nominal_det;             /* …ことが判明 */
} dscore;

static void score_cues(nctx *c, uint32_t a, uint32_t b, dscore *sc, int weight)
{
    for (size_t i = hit_lower(c, a); i < c->hits.n && HIT(c, i)->start < b; i++) {
        const jkb_term *t = term_of(c, i);
        if (t->field != JKB_LF_CUE || (HFLAGS(c, i) & (HF_DEAD | HF_NEG)) || HIT(c, i)->end > b)
            continue;
        if (t->value == JKB_CUE_NOT_EVENT && !(t->flags & JKB_LX_WEAK))
            sc->not_event = 1;
        if (t->value >= JKB_CUE_EV_OCCURRED && t->value <= JKB_CUE_EV_RESTORED)
            sc->kinds[t->value - JKB_CUE_EV_OCCURRED] += (t->flags & JKB_LX_WEAK) ? weight : 2 * weight;
    }
}

/* The timeline: each dated clause gives the events its words name. */
static void do_timeline(nctx *c)
{
    size_t nd = c->dates.n;
    dscore *sc = calloc(nd ? nd : 1, sizeof *sc);
    if (!sc) {
        c->rc = JKB_ENOMEM;
        return;
    }
    for (size_t k = 0; k < nd; k++) {
        const jkb_date_hit *d = &JKB_VEC_AT(&c->dates, jkb_date_hit, k);
        range s = sent_of(c, (uint32_t)d->start);
        uint32_t seg_a = (uint32_t)d->end, seg_b = s.b;
        const jkb_date_hit *nx = k + 1 < nd ? &JKB_VEC_AT(&c->dates, jkb_date_hit, k + 1) : NULL;
        /* a date standing alone on its line (・2024年7月29日(月)15時10分頃) is
         * described by the line(s) under it */
        if (!nx || nx->start >= s.b) {
            range ln = line_of(c, (uint32_t)d->start);
            int rest_blank = 1;
            for (uint32_t q = (uint32_t)d->end; q < ln.b; q++)
                if (!is_space(c->s[q]))
                    rest_blank = 0, q = ln.b;
            if (rest_blank) {
                size_t li = find_range(&c->lines, &c->line_blk, (uint32_t)d->start);
                if (li + 1 < c->lines.n) {
                    range nl = JKB_VEC_AT(&c->lines, range, li + 1);
                    if (!line_blank(c, nl))
                        seg_b = nl.b;
                }
            } else {
                /* the undated sentences after it in the same paragraph tell
                 * what else happened that day (…置き忘れました。降車直後に気付き) */
                uint32_t pe = ln.b < seg_b + 600 ? ln.b : seg_b + 600;
                if (nx && nx->start < pe) {
                    range ns = sent_of(c, (uint32_t)nx->start);
                    pe = ns.a;
                }
                if (pe > seg_b) {
                    dscore in;
                    memset(&in, 0, sizeof in);
                    score_cues(c, seg_b, pe, &in, 1);
                    sc[k].kinds[JKB_EV_DETECTED] += in.kinds[JKB_EV_DETECTED] >= 2 ? 1 : 0;
                    sc[k].kinds[JKB_EV_CONTAINED] += in.kinds[JKB_EV_CONTAINED] ? 2 : 0;
                    /* 従業員は直ちに神奈川県警察に被害を届け出ております */
                    if (in.kinds[JKB_EV_REPORTED] && authorities_in(c, seg_b, pe, 0)) {
                        sc[k].kinds[JKB_EV_REPORTED] += 2;
                        sc[k].report_a = seg_b;
                        sc[k].report_b = pe;
                    }
                }
            }
        }
        if (nx && nx->start < seg_b)
            seg_b = (uint32_t)nx->start;
        sc[k].seg_end = seg_b;
        /* the words after the date, but not a label of the next date */
        for (size_t i = hit_lower(c, seg_a); i < c->hits.n && HIT(c, i)->start < seg_b; i++) {
            const jkb_term *t = term_of(c, i);
            if (t->field != JKB_LF_CUE || (HFLAGS(c, i) & (HF_DEAD | HF_NEG)) || HIT(c, i)->end > seg_b)
                continue;
            if (nx && seg_b == nx->start && label_glue(c, HIT(c, i)->end, seg_b))
                continue;
            if (t->value == JKB_CUE_NOT_EVENT && !(t->flags & JKB_LX_WEAK))
                sc[k].not_event = 1;
            if (t->value >= JKB_CUE_EV_OCCURRED && t->value <= JKB_CUE_EV_RESTORED)
                sc[k].kinds[t->value - JKB_CUE_EV_OCCURRED] += (t->flags & JKB_LX_WEAK) ? 1 : 2;
            if (t->value == JKB_CUE_EV_OCCURRED && !(t->flags & JKB_LX_WEAK) && !sc[k].occ_pos)
                sc[k].occ_pos = HIT(c, i)->start;
            if (t->value == JKB_CUE_EV_DETECTED && !sc[k].det_pos)
                sc[k].det_pos = HIT(c, i)->start;
            /* …に感染し、…送信されたことが判明: a finding reported after what
             * happened on the date */
            if (t->value == JKB_CUE_EV_DETECTED && !(t->flags & JKB_LX_WEAK) && HIT(c, i)->start >= 9 && sc[k].occ_pos &&
                sc[k].occ_pos < clause_start(c, HIT(c, i)->start) &&
                (JKB_AT(c->s, c->n, HIT(c, i)->start - 9, "ことが") || JKB_AT(c->s, c->n, HIT(c, i)->start - 9, "ことを") ||
                 JKB_AT(c->s, c->n, HIT(c, i)->start - 9, "ものと")))
                sc[k].nominal_det = 1;
        }
        /* 9月6日(金)深夜に改ざんが行われたものと判明: inside a sentence, a
         * date followed by what happened and then 判明 is when it happened;
         * the finding belongs to the sentence */
        if (sc[k].occ_pos && sc[k].det_pos > sc[k].occ_pos && (!leading_date(c, d, s) || sc[k].nominal_det))
            sc[k].kinds[JKB_EV_DETECTED] = 0;
        /* a period (…の期間中に) is when something went on */
        if ((d->flags & JKB_DATE_RANGE) && sc[k].kinds[JKB_EV_OCCURRED] == 1)
            sc[k].kinds[JKB_EV_OCCURRED] = 2;
        /* a label before the date */
        uint32_t lab_a = (uint32_t)d->start > s.a + 30 ? (uint32_t)d->start - 30 : s.a;
        for (size_t i = hit_lower(c, lab_a); i < c->hits.n && HIT(c, i)->start < d->start; i++) {
            const jkb_term *t = term_of(c, i);
            if (t->field != JKB_LF_CUE || (HFLAGS(c, i) & HF_DEAD) || HIT(c, i)->end > d->start)
                continue;
            if (!label_glue(c, HIT(c, i)->end, (uint32_t)d->start))
                continue;
            if (t->value == JKB_CUE_NOT_EVENT && !(t->flags & JKB_LX_WEAK))
                sc[k].not_event = 2; /* 開設日の2021年10月1日: the label decides */
            if (t->value >= JKB_CUE_EV_OCCURRED && t->value <= JKB_CUE_EV_RESTORED)
                sc[k].kinds[t->value - JKB_CUE_EV_OCCURRED] += 3;
        }
    }
    /* inside a sentence opened by a date, the later dates keep only what
     * happened (occurred, restored); the rest is the opening date's */
    for (size_t k = 0; k < nd;) {
        const jkb_date_hit *d = &JKB_VEC_AT(&c->dates, jkb_date_hit, k);
        range s = sent_of(c, (uint32_t)d->start);
        size_t e = k + 1;
        while (e < nd && JKB_VEC_AT(&c->dates, jkb_date_hit, e).start < s.b)
            e++;
        if (e - k > 1 && leading_date(c, d, s)) {
            for (size_t j = k + 1; j < e; j++)
                for (int ev = 0; ev < JKB_EV__COUNT; ev++) {
                    if (ev == JKB_EV_OCCURRED || ev == JKB_EV_RESTORED || ev == JKB_EV_PUBLISHED)
                        continue;
                    /* a date that carries its own label keeps it */
                    if (sc[j].kinds[ev] >= 3)
                        continue;
                    sc[k].kinds[ev] += sc[j].kinds[ev];
                    sc[j].kinds[ev] = 0;
                }
        }
        k = e;
    }
    /* a date that qualifies a noun (2022年11月1日のリニューアル時), and a
     * period inside a sentence (…2023年12月11日から同月20日にかけて持ち出し
     * ていたことが判明), tell when something happened, not when the
     * sentence's verb did */
    for (size_t k = 0; k < nd; k++) {
        const jkb_date_hit *d = &JKB_VEC_AT(&c->dates, jkb_date_hit, k);
        range s = sent_of(c, (uint32_t)d->start);
        /* 令和6年12月1日現在: the date of a list, not an event */
        if (JKB_AT(c->s, c->n, d->end, "現在") || JKB_AT(c->s, c->n, d->end, "時点")) {
            sc[k].not_event = 2;
            continue;
        }
        int attr = attributive_date(c, d);
        if (attr == 2 || ((d->flags & JKB_DATE_RANGE) && !leading_date(c, d, s)))
            for (int ev = 0; ev < JKB_EV__COUNT; ev++)
                if (ev != JKB_EV_OCCURRED && ev != JKB_EV_RESTORED && sc[k].kinds[ev] < 3)
                    sc[k].kinds[ev] = 0;
        /* 同日以降, 12月18日から: a start; what was found or reported is the
         * sentence's, what began (notices, containment) is the date's */
        if (attr == 1) {
            if (sc[k].kinds[JKB_EV_DETECTED] < 3)
                sc[k].kinds[JKB_EV_DETECTED] = 0;
            if (sc[k].kinds[JKB_EV_REPORTED] < 3)
                sc[k].kinds[JKB_EV_REPORTED] = 0;
        }
    }
    /* Xには3月11日に、Yには翌12日に報告: one verb for a list of dates */
    for (size_t k = nd; k-- > 1;) {
        const jkb_date_hit *d = &JKB_VEC_AT(&c->dates, jkb_date_hit, k - 1);
        const jkb_date_hit *nx = &JKB_VEC_AT(&c->dates, jkb_date_hit, k);
        range s = sent_of(c, (uint32_t)d->start);
        int any = 0;
        for (int ev = 0; ev < JKB_EV__COUNT; ev++)
            any |= sc[k - 1].kinds[ev] != 0;
        if (any || sc[k - 1].not_event || nx->start >= s.b || !JKB_AT(c->s, c->n, d->end, "に、"))
            continue;
        for (int ev = 0; ev < JKB_EV__COUNT; ev++)
            sc[k - 1].kinds[ev] = sc[k].kinds[ev];
    }
    for (size_t k = 0; k < nd; k++) {
        const jkb_date_hit *d = &JKB_VEC_AT(&c->dates, jkb_date_hit, k);
        int *kinds = sc[k].kinds;
        if (!d->date.y || !d->date.d || (d->flags & JKB_DATE_YEAR_ONLY))
            continue;
        /* 調査を開始, 報告書を受領: not an event, unless the same clause names
         * one (同日、…切り離し、…調査を開始) */
        if (sc[k].not_event == 2)
            continue;
        if (sc[k].not_event) {
            int strong = 0;
            for (int ev = 0; ev < JKB_EV__COUNT; ev++)
                strong |= kinds[ev] >= 2 && ev != JKB_EV_PUBLISHED;
            if (!strong)
                continue;
        }
        /* 2023年10月12日にお知らせいたしました…: the date of an earlier notice */
        if (kinds[JKB_EV_PUBLISHED] >= 2)
            for (int ev = 0; ev < JKB_EV__COUNT; ev++)
                if (ev != JKB_EV_PUBLISHED)
                    kinds[ev] = 0;
        if (in_header(c, (uint32_t)d->start))
            continue;
        /* the notice's own date line, at the top or the bottom; a date line
         * under a heading (1 発生日時) is an event */
        size_t dli = find_range(&c->lines, &c->line_blk, (uint32_t)d->start);
        range ln = JKB_VEC_AT(&c->lines, range, dli);
        if (is_date_line(c, ln, NULL)) {
            int under_heading = 0;
            for (size_t b = dli; b-- > 0;) {
                range pl = trim(c, JKB_VEC_AT(&c->lines, range, b));
                if (pl.a >= pl.b)
                    continue;
                under_heading = section_heading(c, pl) && cue_in(c, JKB_CUE_TITLE_END, pl.a, pl.b, 0) < 0;
                break;
            }
            if (!under_heading)
                continue;
        }
        /* a future date (a plan, a deadline) is not an event */
        if (c->rec.published.y && jkb_date_cmp(d->date, c->rec.published) > 0)
            continue;
        range s = sent_of(c, (uint32_t)d->start);
        int any = 0;
        for (int ev = 0; ev < JKB_EV__COUNT; ev++)
            any |= kinds[ev] > 0;
        if (!any) {
            /* a list under a heading (《不正アクセスの発生日》) */
            size_t li = find_range(&c->lines, &c->line_blk, (uint32_t)d->start);
            for (size_t back = 1; back <= 4 && back <= li; back++) {
                range h = trim(c, JKB_VEC_AT(&c->lines, range, li - back));
                if (h.a >= h.b)
                    continue;
                if (h.b - h.a <= 200 && (JKB_AT(c->s, c->n, h.a, "《") || JKB_AT(c->s, c->n, h.a, "【") ||
                                         JKB_AT(c->s, c->n, h.a, "<") || JKB_AT(c->s, c->n, h.a, "■") || section_heading(c, h))) {
                    dscore hs;
                    memset(&hs, 0, sizeof hs);
                    score_cues(c, h.a, h.b, &hs, 1);
                    if (hs.kinds[JKB_EV_OCCURRED]) {
                        kinds[JKB_EV_OCCURRED] = 2;
                        any = 1;
                    }
                    break;
                }
                if (h.b - h.a > 120)
                    break;
            }
        }
        if (!any)
            continue;
#ifdef JKB_TRACE
        fprintf(stderr, "date %04d-%02d-%02d [%.*s] occ=%d det=%d con=%d rep=%d not=%d pub=%d res=%d\n", d->date.y, d->date.m,
                d->date.d, (int)(d->end - d->start), c->s + d->start, kinds[0], kinds[1], kinds[2], kinds[3], kinds[4], kinds[5],
                kinds[6]);
#endif
        jkb_date none = {0, 0, 0};
        jkb_date end = (d->flags & JKB_DATE_RANGE) ? d->end_date : none;
        if (kinds[JKB_EV_REPORTED]) {
            const jkb_date_hit *pv = k > 0 ? &JKB_VEC_AT(&c->dates, jkb_date_hit, k - 1) : NULL;
            uint32_t ra = pv && pv->end > s.a ? (uint32_t)pv->end : s.a;
            const jkb_date_hit *nx = k + 1 < nd ? &JKB_VEC_AT(&c->dates, jkb_date_hit, k + 1) : NULL;
            uint32_t rb = nx && nx->start < s.b ? (uint32_t)nx->start : s.b;
            if (sc[k].seg_end > rb && (!nx || nx->start >= sc[k].seg_end))
                rb = sc[k].seg_end;
            /* 個人情報保護委員会には3月11日に、所轄の警察署には翌12日に報告: the
             * body named before a date is the one told that day */
            uint32_t to = ra < d->start ? authorities_in(c, ra, (uint32_t)d->start, 0) : 0;
            if (!to)
                to = authorities_in(c, (uint32_t)d->end, rb, 0);
            if (sc[k].report_b > sc[k].report_a)
                to |= authorities_in(c, sc[k].report_a, sc[k].report_b, 0);
            if (to) {
                push_event(c, JKB_EV_REPORTED, d->date, none, to, (uint32_t)d->start, (uint32_t)d->end);
                /* 報告 to an authority is not a detection */
                if (kinds[JKB_EV_DETECTED] < 2)
                    kinds[JKB_EV_DETECTED] = 0;
                if (kinds[JKB_EV_NOTIFIED] < 2)
                    kinds[JKB_EV_NOTIFIED] = 0;
            }
            kinds[JKB_EV_REPORTED] = 0;
        }
        for (int ev = 0; ev < JKB_EV__COUNT; ev++) {
            if (kinds[ev] <= 0)
                continue;
            /* a weak word alone (期間, 個別に) says little */
            if (kinds[ev] == 1 && (ev == JKB_EV_OCCURRED || ev == JKB_EV_NOTIFIED))
                continue;
            push_event(c, ev, d->date, ev == JKB_EV_OCCURRED ? end : none, 0, (uint32_t)d->start, (uint32_t)d->end);
        }
    }
    free(sc);
}

static int event_cmp(const void *pa, const void *pb)
{
    const jkb_event *a = pa, *b = pb;
    int d = jkb_date_cmp(a->date, b->date);
    if (d)
        return d;
    return (int)a->kind - (int)b->kind;
}

/* ------------------------------------------------------------- victims */

static void do_victims(nctx *c)
{
    if (!c->is_list)
        return;
    for (size_t li = 0; li < c->lines.n; li++) {
        range r = trim(c, JKB_VEC_AT(&c->lines, range, li));
        if (!JKB_AT(c->s, c->n, r.a, "・"))
            continue;
        uint32_t a = r.a + 3, b = a;
        while (b < r.b && c->s[b] != '(')
            b++;
        range nm = trim(c, (range){a, b});
        if (nm.b <= nm.a) { /* only a domain */
            nm = trim(c, (range){b < r.b ? b + 1 : a, r.b});
            if (nm.b > nm.a && c->s[nm.b - 1] == ')')
                nm.b--;
        }
        if (nm.b > nm.a) {
            jkb_strv v = doc_str(c, nm.a, nm.b);
            if (v.s)
                push_str(c, &c->victims, &c->victim_src, v.s, v.len, nm.a, nm.b);
        }
    }
}

/* ------------------------------------------------------------- org kind */

static void do_org(nctx *c)
{
    if (c->org_from_doc && c->org.b > c->org.a) {
        c->rec.org = doc_str(c, c->org.a, c->org.b);
        add_ev(c, JKB_F_ORG, 0, c->org.a, c->org.b);
        long w = -1;
        int kind = org_kind_of(c, c->org.a, c->org.b, &w);
        if (c->is_list)
            kind = JKB_ORG_OTHER;
        if (kind >= 0) {
            c->rec.org_kind = kind;
            if (w >= 0)
                add_ev(c, JKB_F_ORG_KIND, kind, HIT(c, w)->start, HIT(c, w)->end);
            else
                add_ev(c, JKB_F_ORG_KIND, kind, c->org.a, c->org.b);
            return;
        }
    }
    /* the notice's words for itself (当社, 本学, 当院) */
    int votes[JKB_ORG__COUNT] = {0};
    const jkb_hit *first[JKB_ORG__COUNT] = {0};
    for (size_t i = 0; i < c->hits.n; i++) {
        const jkb_term *t = term_of(c, i);
        if (t->field != JKB_LF_ORG_KIND || (t->flags & (JKB_LX_LEGAL | JKB_LX_SUFFIX)))
            continue;
        votes[t->value] += (t->flags & JKB_LX_WEAK) ? 1 : 3;
        if (!first[t->value])
            first[t->value] = HIT(c, i);
    }
    int best = JKB_ORG_COMPANY;
    for (int k = 0; k < JKB_ORG__COUNT; k++)
        if (votes[k] > votes[best])
            best = k;
    c->rec.org_kind = best;
    if (first[best])
        add_ev(c, JKB_F_ORG_KIND, best, first[best]->start, first[best]->end);
    else
        add_ev(c, JKB_F_ORG_KIND, best, 0, (uint32_t)(c->n < 3 ? c->n : 3));
}

/* -------------------------------------------------------------- driver */

static void reset(nctx *c)
{
    c->hits.n = c->flags.n = c->lines.n = c->sents.n = c->dates.n = c->counts.n = 0;
    c->line_blk.n = c->sent_blk.n = c->hit_blk.n = 0;
    c->cue_mask.n = 0;
    c->masks_ready = 0;
    c->evid.n = c->events.n = c->event_src.n = 0;
    c->actors.n = c->cves.n = c->victims.n = c->actor_src.n = c->cve_src.n = c->victim_src.n = 0;
    jkb_arena_reset(&c->arena);
    memset(&c->rec, 0, sizeof c->rec);
    c->rec.org_kind = JKB_ORG_NONE;
    c->rec.affected_qualifier = JKB_QUAL_NONE;
    c->rec.leak_status = JKB_LEAK_UNKNOWN;
    c->rec.secondary_damage = JKB_SEC_UNKNOWN;
    c->head = c->title = c->org = (range){0, 0};
    c->org_from_doc = c->is_claim = c->is_list = 0;
    c->body_start = 0;
}

static jkb_status extract_one(nctx *c, size_t a, size_t b)
{
    jkb_status rc;
    reset(c);
    rc = jkb_norm_run(&c->nm, c->doc, a, b);
    if (rc)
        return rc;
    c->s = c->nm.s;
    c->n = c->nm.len;
    rc = jkb_lexicon_scan(c->lx, c->s, c->n, &c->hits);
    if (rc)
        return rc;
    if (jkb_vec_reserve(&c->flags, c->hits.n) != JKB_OK)
        return JKB_ENOMEM;
    if (c->hits.n) /* no vector yet when nothing matched */
        memset(c->flags.p, 0, c->hits.n);
    c->flags.n = c->hits.n;
    if (build_hit_blocks(c) != JKB_OK)
        return JKB_ENOMEM;
    build_lines(c);
    if (c->rc)
        return c->rc;
    if (build_range_blocks(&c->lines, &c->line_blk, c->n) != JKB_OK ||
        build_range_blocks(&c->sents, &c->sent_blk, c->n) != JKB_OK)
        return JKB_ENOMEM;
    suppress_overlaps(c);
    suppress_quotes(c);
    apply_negation(c);
    build_cue_masks(c);
    if (c->rc)
        return c->rc;
    analyze_header(c);
    scan_dates_counts(c);
    if (c->rc)
        return c->rc;
    if (c->title.b > c->title.a) {
        c->rec.title = one_line(c, doc_str(c, c->title.a, c->title.b));
        add_ev(c, JKB_F_TITLE, 0, c->title.a, c->title.b);
    }
    do_org(c);
    do_categories(c);
    do_data_classes(c);
    do_affected(c);
    do_leak_status(c);
    do_secondary(c);
    do_actors(c);
    do_cves(c);
    do_authorities(c);
    do_measures(c);
    do_vectors(c);
    do_timeline(c);
    do_victims(c);
    if (c->rc)
        return c->rc;
    /* timeline sorted by date, then the spec's order of kinds */
    size_t ne = c->events.n;
    if (ne > 1) {
        /* sort events with their sources together */
        for (size_t i = 1; i < ne; i++) {
            jkb_event e = JKB_VEC_AT(&c->events, jkb_event, i);
            range r = JKB_VEC_AT(&c->event_src, range, i);
            size_t j = i;
            while (j > 0 && event_cmp(&JKB_VEC_AT(&c->events, jkb_event, j - 1), &e) > 0) {
                JKB_VEC_AT(&c->events, jkb_event, j) = JKB_VEC_AT(&c->events, jkb_event, j - 1);
                JKB_VEC_AT(&c->event_src, range, j) = JKB_VEC_AT(&c->event_src, range, j - 1);
                j--;
            }
            JKB_VEC_AT(&c->events, jkb_event, j) = e;
            JKB_VEC_AT(&c->event_src, range, j) = r;
        }
    }
    for (size_t i = 0; i < ne; i++) {
        range r = JKB_VEC_AT(&c->event_src, range, i);
        add_ev(c, JKB_F_TIMELINE, (int)i, r.a, r.b);
    }
    for (size_t i = 0; i < c->actors.n; i++) {
        range r = JKB_VEC_AT(&c->actor_src, range, i);
        add_ev(c, JKB_F_ACTORS, (int)i, r.a, r.b);
    }
    for (size_t i = 0; i < c->cves.n; i++) {
        range r = JKB_VEC_AT(&c->cve_src, range, i);
        add_ev(c, JKB_F_CVES, (int)i, r.a, r.b);
    }
    for (size_t i = 0; i < c->victims.n; i++) {
        range r = JKB_VEC_AT(&c->victim_src, range, i);
        add_ev(c, JKB_F_VICTIMS, (int)i, r.a, r.b);
    }
    if (c->rc)
        return c->rc;
    c->rec.actors = c->actors.p;
    c->rec.n_actors = c->actors.n;
    c->rec.cves = c->cves.p;
    c->rec.n_cves = c->cves.n;
    c->rec.victims = c->victims.p;
    c->rec.n_victims = c->victims.n;
    c->rec.timeline = c->events.p;
    c->rec.n_timeline = c->events.n;
    c->rec.evidence = c->evid.p;
    c->rec.n_evidence = c->evid.n;
    c->rec.extent.start = (uint32_t)a;
    c->rec.extent.end = (uint32_t)b;
    return JKB_OK;
}

jkb_status jkb_notices(const char *text, size_t len, jkb_span **out, size_t *n, jkb_err *err)
{
    jkb_vec v;
    jkb_vec_init(&v, sizeof(jkb_span));
    if (!out || !n || (!text && len)) {
        jkb_err_set(err, JKB_EINVAL, 0, "invalid argument");
        return JKB_EINVAL;
    }
    if (len >= UINT32_MAX) {
        jkb_err_set(err, JKB_ETOOBIG, 0, "input of %zu bytes is too large", len);
        return JKB_ETOOBIG;
    }
    jkb_status rc = jkb_segment(text, len, &v);
    if (rc) {
        jkb_vec_free(&v);
        jkb_err_set(err, rc, 0, "%s", jkb_status_str(rc));
        return rc;
    }
    *out = v.p;
    *n = v.n;
    return JKB_OK;
}

static void ctx_init(nctx *c, jkb_engine *eng, const char *text)
{
    memset(c, 0, sizeof *c);
    c->lx = eng->lx;
    c->terms = jkb_lexicon_terms(eng->lx);
    c->doc = text;
    jkb_norm_init(&c->nm);
    jkb_vec_init(&c->hits, sizeof(jkb_hit));
    jkb_vec_init(&c->flags, sizeof(uint8_t));
    jkb_vec_init(&c->cue_mask, sizeof(uint64_t));
    jkb_vec_init(&c->lines, sizeof(range));
    jkb_vec_init(&c->sents, sizeof(range));
    jkb_vec_init(&c->line_blk, sizeof(uint32_t));
    jkb_vec_init(&c->sent_blk, sizeof(uint32_t));
    jkb_vec_init(&c->hit_blk, sizeof(uint32_t));
    jkb_vec_init(&c->dates, sizeof(jkb_date_hit));
    jkb_vec_init(&c->counts, sizeof(jkb_count));
    jkb_vec_init(&c->evid, sizeof(jkb_evidence));
    jkb_vec_init(&c->events, sizeof(jkb_event));
    jkb_vec_init(&c->event_src, sizeof(range));
    jkb_vec_init(&c->actors, sizeof(jkb_strv));
    jkb_vec_init(&c->cves, sizeof(jkb_strv));
    jkb_vec_init(&c->victims, sizeof(jkb_strv));
    jkb_vec_init(&c->actor_src, sizeof(range));
    jkb_vec_init(&c->cve_src, sizeof(range));
    jkb_vec_init(&c->victim_src, sizeof(range));
    jkb_arena_init(&c->arena);
}

static void ctx_free(nctx *c)
{
    jkb_norm_free(&c->nm);
    jkb_vec_free(&c->hits);
    jkb_vec_free(&c->flags);
    jkb_vec_free(&c->cue_mask);
    jkb_vec_free(&c->lines);
    jkb_vec_free(&c->sents);
    jkb_vec_free(&c->line_blk);
    jkb_vec_free(&c->sent_blk);
    jkb_vec_free(&c->hit_blk);
    jkb_vec_free(&c->dates);
    jkb_vec_free(&c->counts);
    jkb_vec_free(&c->evid);
    jkb_vec_free(&c->events);
    jkb_vec_free(&c->event_src);
    jkb_vec_free(&c->actors);
    jkb_vec_free(&c->cves);
    jkb_vec_free(&c->victims);
    jkb_vec_free(&c->actor_src);
    jkb_vec_free(&c->cve_src);
    jkb_vec_free(&c->victim_src);
    jkb_arena_free(&c->arena);
}

jkb_status jkb_extract_spans(jkb_engine *eng, const char *text, size_t len, const jkb_span *spans, size_t n,
                             size_t first_index, jkb_record_fn fn, void *ud, jkb_err *err)
{
    jkb_status rc = JKB_OK;
    nctx c;
    if (!eng || (!text && len) || !fn || (!spans && n)) {
        jkb_err_set(err, JKB_EINVAL, 0, "invalid argument");
        return JKB_EINVAL;
    }
    if (!eng->compiled) {
        jkb_err_set(err, JKB_EINVAL, 0, "the engine is not compiled");
        return JKB_EINVAL;
    }
    ctx_init(&c, eng, text);
    for (size_t k = 0; k < n; k++) {
        jkb_span sp = spans[k];
        if (sp.end > len || sp.start > sp.end) {
            rc = JKB_EINVAL;
            jkb_err_set(err, rc, sp.start, "notice %zu: span outside the text", first_index + k + 1);
            goto out;
        }
        rc = extract_one(&c, sp.start, sp.end);
        if (rc) {
            jkb_err_set(err, rc, sp.start, "notice %zu: %s", first_index + k + 1, jkb_status_str(rc));
            goto out;
        }
        c.rec.index = first_index + k;
        if (fn(&c.rec, text, ud)) {
            rc = JKB_ESTOP;
            jkb_err_set(err, rc, sp.end, "stopped");
            goto out;
        }
    }
out:
    ctx_free(&c);
    return rc;
}

jkb_status jkb_extract(jkb_engine *eng, const char *text, size_t len, const jkb_opts *opts, jkb_record_fn fn, void *ud,
                       jkb_err *err)
{
    jkb_status rc = JKB_OK;
    jkb_vec notices;
    size_t max = opts && opts->max_input ? opts->max_input : ((size_t)1 << 30);
    jkb_vec_init(&notices, sizeof(jkb_span));
    if (!eng || (!text && len) || !fn) {
        jkb_err_set(err, JKB_EINVAL, 0, "invalid argument");
        return JKB_EINVAL;
    }
    if (len > max || len >= UINT32_MAX) {
        jkb_err_set(err, JKB_ETOOBIG, max, "input of %zu bytes is over the cap of %zu bytes", len, max);
        return JKB_ETOOBIG;
    }
    rc = jkb_engine_compile(eng, err);
    if (rc)
        return rc;
    if (opts && opts->single) {
        jkb_span *sp = jkb_vec_push(&notices);
        if (!sp) {
            rc = JKB_ENOMEM;
            goto out;
        }
        sp->start = 0;
        sp->end = (uint32_t)len;
    } else {
        rc = jkb_segment(text, len, &notices);
        if (rc)
            goto out;
    }
    rc = jkb_extract_spans(eng, text, len, notices.p, notices.n, 0, fn, ud, err);
out:
    jkb_vec_free(&notices);
    return rc;
}
