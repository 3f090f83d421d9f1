/*
 * Lexicon loading and the one-pass multi-pattern scan. Terms are bucketed by
 * their first two characters' bytes (a 64 Ki-bit prefilter on the first two
 * bytes, then a hash of the first six): at each character of the text one
 * bitmap test rejects almost every position, and the few candidates are
 * compared in place. Fills nothing itself; extract.c reads the hits.
 */
#include "lexicon.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "norm.h"

#define KEY_LONG 6

typedef struct jkb_lexcand {
    uint64_t head, mask;
    uint32_t term, pad;
} jkb_lexcand;
#define NBUCKET 8192
#define ACTOR_SLOTS 16384
#define LONG_BITS (1u << 18)

struct jkb_lexicon {
    jkb_vec terms;    /* jkb_term */
    jkb_vec actors;   /* char *: canonical actor names */
    int32_t actor_slot[ACTOR_SLOTS]; /* name hash → index + 1 */
    uint32_t actor_len[ACTOR_SLOTS / 2];
    jkb_arena strings;
    jkb_norm scratch; /* reused to normalize terms */
    /* compiled */
    int compiled;
    uint8_t prefilter[65536 / 8];     /* first two bytes of the short terms */
    uint8_t longfilter[LONG_BITS / 8]; /* hash of the first four bytes of the long terms */
    uint32_t *bucket_start; /* NBUCKET + 1 offsets into order */
    uint32_t *short_start;  /* 65536 + 1 offsets into short_order (terms shorter than KEY_LONG) */
    uint32_t *order, *short_order;
    /* the same lists with each term's first 8 bytes (folded as the text
     * is) and their mask: a candidate is turned down in a register, without
     * reading its term or its text */
    jkb_lexcand *order_c, *short_order_c;
};

static const char *const lex_fields[] = {"category", "data_class", "vector", "authority",
                                         "measure",  "org_kind",   "actor",  "cue"};
static const char *const cue_names[] = {
#define JKB_CUE_NAME(n) #n,
    JKB_CUES(JKB_CUE_NAME)
#undef JKB_CUE_NAME
};

jkb_status jkb_lexicon_new(jkb_lexicon **out)
{
    jkb_lexicon *lx = calloc(1, sizeof *lx);
    if (!lx)
        return JKB_ENOMEM;
    jkb_vec_init(&lx->terms, sizeof(jkb_term));
    jkb_vec_init(&lx->actors, sizeof(char *));
    jkb_arena_init(&lx->strings);
    jkb_norm_init(&lx->scratch);
    *out = lx;
    return JKB_OK;
}

void jkb_lexicon_free(jkb_lexicon *lx)
{
    if (!lx)
        return;
    jkb_vec_free(&lx->terms);
    jkb_vec_free(&lx->actors);
    jkb_arena_free(&lx->strings);
    jkb_norm_free(&lx->scratch);
    free(lx->bucket_start);
    free(lx->short_start);
    free(lx->order);
    free(lx->short_order);
    free(lx->order_c);
    free(lx->short_order_c);
    free(lx);
}

const jkb_term *jkb_lexicon_term(const jkb_lexicon *lx, uint32_t i) { return &JKB_VEC_AT(&lx->terms, jkb_term, i); }
const jkb_term *jkb_lexicon_terms(const jkb_lexicon *lx) { return lx->terms.p; }
const char *jkb_lexicon_actor(const jkb_lexicon *lx, int i)
{
    return i >= 0 && (size_t)i < lx->actors.n ? JKB_VEC_AT(&lx->actors, char *, i) : NULL;
}
size_t jkb_lexicon_size(const jkb_lexicon *lx) { return lx->terms.n; }

/* Normalize a term into the arena (the lexicon's strings). */
static char *normalize_into(jkb_norm *n, jkb_arena *arena, const char *s, size_t len, size_t *outlen)
{
    if (jkb_norm_run(n, s, 0, len) != JKB_OK)
        return NULL;
    char *r = jkb_arena_alloc(arena, n->len + 1);
    if (r) {
        for (size_t i = 0; i < n->len; i++)
            r[i] = (char)jkb_lower((unsigned char)n->s[i]);
        r[n->len] = 0;
        *outlen = n->len;
    }
    return r;
}

char *jkb_lexicon_normalize(const char *s, size_t len, size_t *outlen)
{
    jkb_norm n;
    jkb_arena a;
    jkb_norm_init(&n);
    jkb_arena_init(&a);
    size_t nl = 0;
    char *t = normalize_into(&n, &a, s, len, &nl);
    char *r = t ? malloc(nl + 1) : NULL;
    if (r) {
        memcpy(r, t, nl + 1);
        *outlen = nl;
    }
    jkb_arena_free(&a);
    jkb_norm_free(&n);
    return r;
}

static int lookup(const char *const *names, int count, const char *s, size_t len, int fold_case)
{
    for (int i = 0; i < count; i++) {
        size_t n = strlen(names[i]);
        if (n != len)
            continue;
        size_t k = 0;
        for (; k < n; k++)
            if ((fold_case ? jkb_lower((unsigned char)s[k]) : (unsigned char)s[k]) !=
                (fold_case ? jkb_lower((unsigned char)names[i][k]) : (unsigned char)names[i][k]))
                break;
        if (k == n)
            return i;
    }
    return -1;
}

static uint32_t name_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* The index of a canonical actor name, added when new. An open-addressing
 * table keeps loading thousands of aliases linear. */
static int actor_index(jkb_lexicon *lx, const char *name, size_t len)
{
    if (lx->actors.n >= ACTOR_SLOTS / 2)
        return -1;
    uint32_t h = name_hash(name, len) & (ACTOR_SLOTS - 1);
    for (;;) {
        int32_t k = lx->actor_slot[h] - 1;
        if (k < 0)
            break;
        const char *a = JKB_VEC_AT(&lx->actors, char *, k);
        if (lx->actor_len[k] == len && memcmp(a, name, len) == 0)
            return k;
        h = (h + 1) & (ACTOR_SLOTS - 1);
    }
    char **slot = jkb_vec_push(&lx->actors);
    if (!slot)
        return -1;
    *slot = jkb_arena_strndup(&lx->strings, name, len);
    if (!*slot) {
        lx->actors.n--;
        return -1;
    }
    int idx = (int)(lx->actors.n - 1);
    lx->actor_slot[h] = idx + 1;
    lx->actor_len[idx] = (uint32_t)len;
    return idx;
}

static int value_of(jkb_lexicon *lx, int field, const char *v, size_t n)
{
    switch (field) {
    case JKB_LF_CATEGORY: return jkb_key_lookup(jkb_category_key, v, n);
    case JKB_LF_DATA_CLASS: return jkb_key_lookup(jkb_data_class_key, v, n);
    case JKB_LF_VECTOR: return jkb_key_lookup(jkb_vector_key, v, n);
    case JKB_LF_AUTHORITY: return jkb_key_lookup(jkb_authority_key, v, n);
    case JKB_LF_MEASURE: return jkb_key_lookup(jkb_measure_key, v, n);
    case JKB_LF_ORG_KIND: return jkb_key_lookup(jkb_org_kind_key, v, n);
    case JKB_LF_ACTOR: return actor_index(lx, v, n);
    case JKB_LF_CUE: return lookup(cue_names, JKB_CUE__COUNT, v, n, 1);
    default: return -1;
    }
}

/* Valid UTF-8 without NUL: a user's file may hold anything, and its
 * values (an actor's name) go into records and their JSON as they are. */
static int utf8_ok(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0 || cp == 0)
            return 0;
        i += (size_t)k;
    }
    return 1;
}

static int flags_of(const char *s, size_t n, int *bad)
{
    static const char *const names[] = {"word", "weak", "legal", "suffix", "strong", "noversion"};
    int flags = 0;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != ',')
            j++;
        int k = lookup(names, 6, s + i, j - i, 0);
        if (k < 0 && j > i)
            *bad = 1;
        else if (k >= 0)
            flags |= 1 << k;
        i = j + 1;
    }
    return flags;
}

jkb_status jkb_lexicon_add_tsv(jkb_lexicon *lx, const char *tsv, size_t len, const char *name, jkb_err *err)
{
    if (lx->compiled) {
        jkb_err_set(err, JKB_EINVAL, 0, "%s: the lexicon is already compiled", name);
        return JKB_EINVAL;
    }
    size_t i = 0, line = 0;
    while (i < len) {
        size_t eol = i;
        while (eol < len && tsv[eol] != '\n')
            eol++;
        line++;
        size_t e = eol;
        if (e > i && tsv[e - 1] == '\r')
            e--;
        const char *col[4] = {0};
        size_t clen[4] = {0};
        int ncol = 0;
        if (e > i && tsv[i] != '#') {
            if (!utf8_ok(tsv + i, e - i)) {
                jkb_err_set(err, JKB_EUTF8, i, "%s:%zu: not valid UTF-8", name, line);
                return JKB_EUTF8;
            }
            size_t a = i;
            while (ncol < 4) {
                size_t b = a;
                while (b < e && tsv[b] != '\t')
                    b++;
                col[ncol] = tsv + a;
                clen[ncol] = b - a;
                ncol++;
                if (b >= e)
                    break;
                a = b + 1;
            }
            if (ncol < 3 || clen[0] == 0) {
                jkb_err_set(err, JKB_EINVAL, i, "%s:%zu: expected term<TAB>field<TAB>value[<TAB>flags]", name, line);
                return JKB_EINVAL;
            }
            int field = lookup(lex_fields, JKB_LF__COUNT, col[1], clen[1], 0);
            if (field < 0) {
                jkb_err_set(err, JKB_EINVAL, i, "%s:%zu: unknown field '%.*s'", name, line, (int)(clen[1] > 40 ? 40 : clen[1]), col[1]);
                return JKB_EINVAL;
            }
            int value = value_of(lx, field, col[2], clen[2]);
            if (value < 0) {
                jkb_err_set(err, JKB_EINVAL, i, "%s:%zu: unknown %s value '%.*s'", name, line, lex_fields[field],
                            (int)(clen[2] > 40 ? 40 : clen[2]), col[2]);
                return JKB_EINVAL;
            }
            int bad = 0;
            int flags = ncol > 3 ? flags_of(col[3], clen[3], &bad) : 0;
            if (bad) {
                jkb_err_set(err, JKB_EINVAL, i, "%s:%zu: unknown flag in '%.*s'", name, line, (int)(clen[3] > 40 ? 40 : clen[3]), col[3]);
                return JKB_EINVAL;
            }
            size_t nlen = 0;
            char *kept = normalize_into(&lx->scratch, &lx->strings, col[0], clen[0], &nlen);
            if (!kept) {
                jkb_err_set(err, JKB_ENOMEM, i, "%s:%zu: out of memory", name, line);
                return JKB_ENOMEM;
            }
            if (nlen) {
                jkb_term *t = jkb_vec_push(&lx->terms);
                if (!t) {
                    jkb_err_set(err, JKB_ENOMEM, i, "%s:%zu: out of memory", name, line);
                    return JKB_ENOMEM;
                }
                t->text = kept;
                t->len = (uint32_t)nlen;
                t->field = (uint8_t)field;
                t->value = (int16_t)value;
                t->flags = (uint8_t)flags;
                if (jkb_is_alnum((unsigned char)kept[0]) || jkb_is_alnum((unsigned char)kept[nlen - 1]))
                    t->flags |= JKB_LX_WORD;
                for (size_t q = 0; q < nlen; q++)
                    if ((kept[q] >= 'a' && kept[q] <= 'z'))
                        t->flags |= JKB_LX_FOLD;
            }
        }
        i = eol + 1;
    }
    return JKB_OK;
}

static inline uint64_t first6(const unsigned char *p);
static inline uint32_t bucket_of(uint64_t k);
static inline uint32_t hash6(const unsigned char *p) { return bucket_of(first6(p)); }

static inline uint32_t key2(const unsigned char *p) { return ((uint32_t)jkb_lower(p[0]) << 8) | jkb_lower(p[1]); }

/* ASCII letters of x lower-cased, all bytes at once (SWAR): A-Z found and
 * flipped instead of one test per byte. */
static inline uint64_t fold8(uint64_t x)
{
    uint64_t h = x & 0x7F7F7F7F7F7F7F7Full;
    uint64_t ge_a = h + 0x3F3F3F3F3F3F3F3Full; /* high bit set where byte >= 'A' (0x41) */
    uint64_t gt_z = h + 0x2525252525252525ull; /* high bit set where byte > 'Z' (0x5A) */
    uint64_t upper = (ge_a ^ gt_z) & ~x & 0x8080808080808080ull;
    return x | (upper >> 2);
}

/* The first six bytes, ASCII letters lower-cased, as one word. */
static inline uint64_t first6(const unsigned char *p)
{
    uint64_t x = 0;
    memcpy(&x, p, 6);
    uint64_t h = x & 0x7F7F7F7F7F7F7F7Full;
    uint64_t ge_a = h + 0x3F3F3F3F3F3F3F3Full; /* high bit set where byte >= 'A' (0x41) */
    uint64_t gt_z = h + 0x2525252525252525ull; /* high bit set where byte > 'Z' (0x5A) */
    uint64_t upper = (ge_a ^ gt_z) & ~x & 0x8080808080808080ull;
    return (x | (upper >> 2)) & 0x0000FFFFFFFFFFFFull;
}

/* The long terms' filter key: the first six bytes (two Japanese
 * characters), so that a frequent first character (の, お) does not open
 * the buckets at every position. */
static inline uint32_t longkey_of(uint64_t k) { return (uint32_t)((k * 0x9E3779B97F4A7C15ull) >> (64 - 18)); }
static inline uint32_t longkey(const unsigned char *p) { return longkey_of(first6(p)); }
static inline uint32_t bucket_of(uint64_t k) { return (uint32_t)((k * 0xC2B2AE3D27D4EB4Full) >> (64 - 13)); }

jkb_status jkb_lexicon_compile(jkb_lexicon *lx, jkb_err *err)
{
    (void)err;
    if (lx->compiled)
        return JKB_OK;
    size_t n = lx->terms.n;
    lx->bucket_start = calloc(NBUCKET + 1, sizeof(uint32_t));
    lx->short_start = calloc(65536 + 1, sizeof(uint32_t));
    lx->order = malloc((n + 1) * sizeof(uint32_t));
    lx->short_order = malloc((n + 1) * sizeof(uint32_t));
    lx->order_c = malloc((n + 1) * sizeof(jkb_lexcand));
    lx->short_order_c = malloc((n + 1) * sizeof(jkb_lexcand));
    if (!lx->bucket_start || !lx->short_start || !lx->order || !lx->short_order || !lx->order_c ||
        !lx->short_order_c)
        return JKB_ENOMEM;
    memset(lx->prefilter, 0, sizeof lx->prefilter);
    memset(lx->longfilter, 0, sizeof lx->longfilter);
    /* counting sort of terms into buckets */
    for (size_t i = 0; i < n; i++) {
        jkb_term *t = &JKB_VEC_AT(&lx->terms, jkb_term, i);
        const unsigned char *p = (const unsigned char *)t->text;
        if (t->len >= KEY_LONG) {
            lx->bucket_start[hash6(p) + 1]++;
            uint32_t lk = longkey(p);
            lx->longfilter[lk >> 3] |= (uint8_t)(1u << (lk & 7));
            continue;
        }
        lx->short_start[(t->len >= 2 ? key2(p) : ((uint32_t)jkb_lower(p[0]) << 8)) + 1]++;
        if (t->len >= 2)
            lx->prefilter[key2(p) >> 3] |= (uint8_t)(1u << (key2(p) & 7));
        else
            for (uint32_t b = 0; b < 256; b++) { /* one-byte term: any following byte */
                uint32_t k = ((uint32_t)jkb_lower(p[0]) << 8) | b;
                lx->prefilter[k >> 3] |= (uint8_t)(1u << (k & 7));
            }
    }
    for (size_t b = 0; b < NBUCKET; b++)
        lx->bucket_start[b + 1] += lx->bucket_start[b];
    for (size_t b = 0; b < 65536; b++)
        lx->short_start[b + 1] += lx->short_start[b];
    uint32_t *fill = calloc(NBUCKET, sizeof(uint32_t));
    uint32_t *sfill = calloc(65536, sizeof(uint32_t));
    if (!fill || !sfill) {
        free(fill);
        free(sfill);
        return JKB_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        jkb_term *t = &JKB_VEC_AT(&lx->terms, jkb_term, i);
        const unsigned char *p = (const unsigned char *)t->text;
        if (t->len >= KEY_LONG) {
            uint32_t h = hash6(p);
            lx->order[lx->bucket_start[h] + fill[h]++] = (uint32_t)i;
        } else {
            uint32_t k = t->len >= 2 ? key2(p) : ((uint32_t)jkb_lower(p[0]) << 8);
            lx->short_order[lx->short_start[k] + sfill[k]++] = (uint32_t)i;
        }
    }
    free(fill);
    free(sfill);
    size_t nl = lx->bucket_start[NBUCKET], ns = lx->short_start[65536];
    for (size_t j = 0; j < nl + ns; j++) {
        uint32_t ti = j < nl ? lx->order[j] : lx->short_order[j - nl];
        const jkb_term *t = &JKB_VEC_AT(&lx->terms, jkb_term, ti);
        jkb_lexcand *k = j < nl ? &lx->order_c[j] : &lx->short_order_c[j - nl];
        uint32_t hl = t->len < 8 ? t->len : 8;
        uint64_t head = 0;
        memcpy(&head, t->text, hl); /* lower-cased already */
        k->head = head;
        k->mask = hl == 8 ? ~(uint64_t)0 : (((uint64_t)1 << (8 * hl)) - 1);
        k->term = ti;
        k->pad = 0;
    }
    lx->compiled = 1;
    return JKB_OK;
}

static inline int match_at(const jkb_term *t, const unsigned char *s, size_t len, size_t i)
{
    if (len - i < t->len)
        return 0;
    const unsigned char *p = (const unsigned char *)t->text;
    /* the last byte rejects most candidates that share a prefix */
    if (!(t->flags & JKB_LX_FOLD) && s[i + t->len - 1] != p[t->len - 1])
        return 0;
    if (t->flags & JKB_LX_FOLD) {
        for (uint32_t k = 0; k < t->len; k++)
            if (jkb_lower(s[i + k]) != p[k])
                return 0;
    } else if (memcmp(s + i, p, t->len) != 0) {
        return 0;
    }
    if (t->flags & JKB_LX_WORD) {
        if (jkb_is_alnum(p[0]) && i > 0 && jkb_is_alnum(s[i - 1]))
            return 0;
        if (jkb_is_alnum(p[t->len - 1]) && i + t->len < len && jkb_is_alnum(s[i + t->len]))
            return 0;
    }
    return 1;
}

static jkb_status emit(jkb_vec *hits, size_t i, const jkb_term *t, uint32_t idx)
{
    jkb_hit *h = jkb_vec_push(hits);
    if (!h)
        return JKB_ENOMEM;
    h->start = (uint32_t)i;
    h->end = (uint32_t)(i + t->len);
    h->term = idx;
    h->field = t->field;
    h->flags = t->flags;
    h->value = t->value;
    return JKB_OK;
}

jkb_status jkb_lexicon_scan(const jkb_lexicon *lx, const char *text, size_t len, jkb_vec *hits)
{
    const unsigned char *s = (const unsigned char *)text;
    const jkb_term *terms = lx->terms.p;
    if (!lx->compiled)
        return JKB_EINVAL;
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        size_t step = c < 0x80 ? 1 : jkb_u8len(c);
        /* where 8 bytes can be read: the text's next 8 bytes, folded as
         * the terms are, give the 6-byte key and turn down candidates by
         * their heads. One load: first6's 6-byte copy into a zeroed word
         * stalls the load that reads it back (store forwarding), which at
         * every character cost a tenth of the whole extraction. */
        int wide = len - i >= 8;
        uint64_t w8 = 0;
        if (wide) {
            memcpy(&w8, s + i, 8);
            w8 = fold8(w8);
        }
        if (len - i >= KEY_LONG) {
            uint64_t w6 = wide ? w8 & 0x0000FFFFFFFFFFFFull : first6(s + i);
            uint32_t k4 = longkey_of(w6);
            if (lx->longfilter[k4 >> 3] & (1u << (k4 & 7))) {
                uint32_t h = bucket_of(w6);
                for (uint32_t j = lx->bucket_start[h]; j < lx->bucket_start[h + 1]; j++) {
                    const jkb_lexcand *k = &lx->order_c[j];
                    if (wide && (w8 & k->mask) != k->head)
                        continue;
                    uint32_t ti = k->term;
                    if (match_at(&terms[ti], s, len, i) && emit(hits, i, &terms[ti], ti))
                        return JKB_ENOMEM;
                }
            }
        }
        if (i + 1 < len) {
            uint32_t k = key2(s + i);
            if (lx->prefilter[k >> 3] & (1u << (k & 7))) {
                for (uint32_t j = lx->short_start[k]; j < lx->short_start[k + 1]; j++) {
                    const jkb_lexcand *q = &lx->short_order_c[j];
                    if (wide && (w8 & q->mask) != q->head)
                        continue;
                    uint32_t ti = q->term;
                    if (match_at(&terms[ti], s, len, i) && emit(hits, i, &terms[ti], ti))
                        return JKB_ENOMEM;
                }
                uint32_t k1 = (uint32_t)jkb_lower(c) << 8; /* one-byte terms */
                for (uint32_t j = lx->short_start[k1]; j < lx->short_start[k1 + 1]; j++) {
                    uint32_t ti = lx->short_order[j];
                    if (terms[ti].len == 1 && k1 != k && match_at(&terms[ti], s, len, i) && emit(hits, i, &terms[ti], ti))
                        return JKB_ENOMEM;
                }
            }
        }
        i += step;
    }
    return JKB_OK;
}
