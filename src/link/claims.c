/*
 * Claims: the set (unique by a stable id), the readers (ransomwatch /
 * ransomware.live JSON posts, NDJSON, plain victim lists, the casebook's own
 * leak_claim records) and the claims file kept beside a casebook.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

#include "link_internal.h"

#define MAX_INPUT_DEFAULT ((size_t)256 << 20)
#define MAX_FIELD 2000 /* bytes kept of a description */

struct jkb_claims {
    jkb_vec items;   /* jkb_claim, strings in arena */
    jkb_arena arena;
    uint32_t *slots; /* open addressing: index + 1 by id hash, 0 empty */
    size_t cap;
};

static jkb_status fail(jkb_err *err, jkb_status code, const char *msg)
{
    jkb_err_set(err, code, 0, "%s", msg);
    return code;
}

/* ================================================================ the set */

jkb_status jkb_claims_new(jkb_claims **out, jkb_err *err)
{
    if (!out)
        return fail(err, JKB_EINVAL, "no place for the claims");
    jkb_claims *c = calloc(1, sizeof *c);
    if (!c)
        return fail(err, JKB_ENOMEM, "out of memory");
    jkb_vec_init(&c->items, sizeof(jkb_claim));
    jkb_arena_init(&c->arena);
    *out = c;
    return JKB_OK;
}

void jkb_claims_free(jkb_claims *c)
{
    if (!c)
        return;
    jkb_vec_free(&c->items);
    jkb_arena_free(&c->arena);
    free(c->slots);
    free(c);
}

size_t jkb_claims_count(const jkb_claims *c) { return c ? c->items.n : 0; }

const jkb_claim *jkb_claims_get(const jkb_claims *c, size_t i)
{
    return c && i < c->items.n ? &JKB_VEC_AT(&c->items, jkb_claim, i) : NULL;
}

static uint64_t fnv(uint64_t h, const char *s)
{
    for (; s && *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    h ^= 0x1f; /* a field separator, so that ("ab", "c") and ("a", "bc") differ */
    h *= 0x100000001b3ULL;
    return h;
}

void link_claim_id(const jkb_claim *cl, char *id)
{
    char date[11], group[LINK_KEY_MAX];
    size_t g = 0;
    /* "LockBit 3.0" and "lockbit3.0" are one group */
    for (const char *p = cl->group; p && *p && g + 1 < sizeof group; p++)
        if ((unsigned char)*p >= 0x80 || jkb_is_alnum((unsigned char)*p))
            group[g++] = (char)jkb_lower((unsigned char)*p);
    group[g] = 0;
    link_date_str(cl->claimed, date);
    uint64_t h = 0xcbf29ce484222325ULL;
    h = fnv(h, group);
    h = fnv(h, cl->victim);
    h = fnv(h, cl->domain);
    h = fnv(h, date);
    static const char hex[] = "0123456789abcdef";
    for (int k = 15; k >= 0; k--, h >>= 4)
        id[k] = hex[h & 15];
    id[16] = 0;
}

static uint64_t slot_hash(const char *id)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *id; id++) {
        h ^= (unsigned char)*id;
        h *= 0x100000001b3ULL;
    }
    return h;
}

static jkb_status grow(jkb_claims *c)
{
    size_t cap = c->cap ? c->cap * 2 : 64;
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return JKB_ENOMEM;
    for (size_t i = 0; i < c->items.n; i++) {
        size_t h = (size_t)slot_hash(JKB_VEC_AT(&c->items, jkb_claim, i).id) & (cap - 1);
        while (slots[h])
            h = (h + 1) & (cap - 1);
        slots[h] = (uint32_t)(i + 1);
    }
    free(c->slots);
    c->slots = slots;
    c->cap = cap;
    return JKB_OK;
}

static const char *adup(jkb_arena *a, const char *s)
{
    return s ? jkb_arena_strndup(a, s, strlen(s)) : NULL;
}

/* Valid UTF-8 of len bytes, without NUL. */
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

jkb_status jkb_claims_add(jkb_claims *c, const jkb_claim *cl, int *added, jkb_err *err)
{
    char id[17];
    if (added)
        *added = 0;
    if (!c || !cl)
        return fail(err, JKB_EINVAL, "no claim");
    if (!(cl->victim && *cl->victim) && !(cl->domain && *cl->domain))
        return fail(err, JKB_EINVAL, "a claim names a victim or a domain");
    if (c->items.n >= UINT32_MAX - 1)
        return fail(err, JKB_ETOOBIG, "too many claims");
    /* every string is printed and written as JSON later */
    const char *strs[] = {cl->victim, cl->victim_alt, cl->domain, cl->group, cl->source, cl->description, cl->country};
    for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++)
        if (strs[k] && !utf8_ok(strs[k], strlen(strs[k])))
            return fail(err, JKB_EUTF8, "a claim's text is not UTF-8");
    if (cl->id && strlen(cl->id) == 16) {
        memcpy(id, cl->id, 17);
    } else {
        link_claim_id(cl, id);
    }
    if ((c->items.n + 1) * 2 > c->cap && grow(c))
        return fail(err, JKB_ENOMEM, "out of memory");
    size_t h = (size_t)slot_hash(id) & (c->cap - 1);
    while (c->slots[h]) {
        if (strcmp(JKB_VEC_AT(&c->items, jkb_claim, c->slots[h] - 1).id, id) == 0)
            return JKB_OK;
        h = (h + 1) & (c->cap - 1);
    }
    jkb_claim *n = jkb_vec_push(&c->items);
    if (!n)
        return fail(err, JKB_ENOMEM, "out of memory");
    n->id = adup(&c->arena, id);
    n->victim = cl->victim && *cl->victim ? adup(&c->arena, cl->victim) : NULL;
    n->victim_alt = cl->victim_alt && *cl->victim_alt ? adup(&c->arena, cl->victim_alt) : NULL;
    n->domain = cl->domain && *cl->domain ? adup(&c->arena, cl->domain) : NULL;
    n->group = cl->group && *cl->group ? adup(&c->arena, cl->group) : NULL;
    n->claimed = cl->claimed;
    n->source = adup(&c->arena, cl->source);
    n->description = cl->description && *cl->description ? adup(&c->arena, cl->description) : NULL;
    n->country = cl->country && *cl->country ? adup(&c->arena, cl->country) : NULL;
    if (!n->id || (cl->victim && *cl->victim && !n->victim) || (cl->domain && *cl->domain && !n->domain)) {
        c->items.n--;
        return fail(err, JKB_ENOMEM, "out of memory");
    }
    c->slots[h] = (uint32_t)c->items.n;
    if (added)
        *added = 1;
    return JKB_OK;
}

/* ================================================================ one victim, as written */

/* Trim ASCII blanks, U+3000 and NBSP. */
static void trim(const char **s, size_t *len)
{
    for (;;) {
        if (*len && ((*s)[0] == ' ' || (*s)[0] == '\t' || (*s)[0] == '\r' || (*s)[0] == '"'))
            (*s)++, (*len)--;
        else if (JKB_AT(*s, *len, 0, "\u3000"))
            *s += 3, *len -= 3;
        else if (JKB_AT(*s, *len, 0, "\u00a0"))
            *s += 2, *len -= 2;
        else
            break;
    }
    for (;;) {
        size_t n = *len;
        if (n && ((*s)[n - 1] == ' ' || (*s)[n - 1] == '\t' || (*s)[n - 1] == '\r' || (*s)[n - 1] == '"'))
            (*len)--;
        else if (n >= 3 && memcmp(*s + n - 3, "\u3000", 3) == 0)
            *len -= 3;
        else if (n >= 2 && memcmp(*s + n - 2, "\u00a0", 2) == 0)
            *len -= 2;
        else
            break;
    }
}

static void put(char *dst, const char *s, size_t len)
{
    if (len > LINK_KEY_MAX - 1) { /* cut at a character boundary */
        len = LINK_KEY_MAX - 1;
        while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(dst, s, len);
    dst[len] = 0;
}

/* A host in s[0, len), allowing a trailing cut ("jockeyclub.org...."). */
static size_t host_in(const char *s, size_t len, char *out)
{
    while (len && (s[len - 1] == '.' || s[len - 1] == ' '))
        len--;
    for (size_t i = 0; i < len; i++)
        if (s[i] == ' ' || (unsigned char)s[i] >= 0x80)
            return 0;
    return link_host(s, len, out, LINK_KEY_MAX);
}

static const char *const SEPS[] = {" - ", " – ", " — ", " | ", "\t", " / ", ", "};

/* name and domain out of "NAME (host)", "NAME - host", "host", "NAME host"
 * or "NAME". */
static int split_victim(const char *s, size_t len, char *victim, char *domain)
{
    victim[0] = domain[0] = 0;
    trim(&s, &len);
    if (!len)
        return 0;
    if (host_in(s, len, domain))
        return 1;
    /* NAME(host) or NAME（host） */
    const char *open = NULL;
    size_t ol = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '(')
            open = s + i, ol = 1;
        else if (JKB_AT(s, len, i, "（"))
            open = s + i, ol = 3;
    }
    if (open) {
        const char *in = open + ol, *end = s + len;
        size_t il = (size_t)(end - in);
        if (il && in[il - 1] == ')')
            il--;
        else if (il >= 3 && memcmp(in + il - 3, "）", 3) == 0)
            il -= 3;
        const char *v = s;
        size_t vl = (size_t)(open - s);
        trim(&v, &vl);
        if (vl && host_in(in, il, domain)) {
            put(victim, v, vl);
            return 1;
        }
    }
    for (size_t k = 0; k < sizeof SEPS / sizeof SEPS[0]; k++) {
        size_t sl = strlen(SEPS[k]);
        for (size_t i = 0; i + sl <= len; i++) {
            if (memcmp(s + i, SEPS[k], sl) != 0)
                continue;
            const char *a = s, *b = s + i + sl;
            size_t al = i, bl = len - i - sl;
            trim(&a, &al);
            trim(&b, &bl);
            if (al && bl && host_in(b, bl, domain)) {
                put(victim, a, al);
                return 1;
            }
            if (al && bl && host_in(a, al, domain)) {
                put(victim, b, bl);
                return 1;
            }
        }
    }
    /* "NAME host" */
    for (size_t i = len; i > 0; i--)
        if (s[i - 1] == ' ') {
            const char *v = s;
            size_t vl = i - 1;
            trim(&v, &vl);
            if (vl && host_in(s + i, len - i, domain)) {
                put(victim, v, vl);
                return 1;
            }
            break;
        }
    put(victim, s, len);
    return 1;
}

/* A bullet or a number that starts a list line; its length, or 0. */
static size_t bullet_at(const char *s, size_t len)
{
    static const char *const B[] = {"・", "•", "●", "○", "◆", "◇", "■", "□", "▪", "▶", "►", "‣", "·",
                                     "-",  "*",  ">",  "－", "※", "〇", "◎", "★", "☆"};
    for (size_t k = 0; k < sizeof B / sizeof B[0]; k++) {
        size_t bl = strlen(B[k]);
        if (bl <= len && memcmp(s, B[k], bl) == 0)
            return bl;
    }
    /* ①-⑳ */
    if (len >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x91 && (unsigned char)s[2] >= 0xA0 &&
        (unsigned char)s[2] <= 0xB3)
        return 3;
    /* 1. 1) 1、 (1) */
    size_t i = 0;
    int paren = len && s[0] == '(';
    i += (size_t)paren;
    size_t d = i;
    while (i < len && jkb_is_digit((unsigned char)s[i]) && i - d < 4)
        i++;
    if (i == d)
        return 0;
    if (paren)
        return i < len && s[i] == ')' ? i + 1 : 0;
    if (i < len && (s[i] == '.' || s[i] == ')'))
        return i + 1;
    if (JKB_AT(s, len, i, "、") || JKB_AT(s, len, i, "．"))
        return i + 3;
    return 0;
}

/* Strip bullets; *bulleted: one was there. */
static void strip_bullets(const char **s, size_t *len, int *bulleted)
{
    *bulleted = 0;
    trim(s, len);
    size_t b;
    while (*len && (b = bullet_at(*s, *len)) != 0) {
        /* "-" glued to a word is part of it ("-foo"? rare; "k-toko.com" never starts a line) */
        *s += b;
        *len -= b;
        *bulleted = 1;
        trim(s, len);
    }
}

/* Prose, not a list item: a sentence, or too long to be a name. */
static int is_prose(const char *s, size_t len)
{
    if (len > 200)
        return 1;
    for (size_t i = 0; i + 3 <= len; i++)
        if (JKB_AT(s, len, i, "。") || JKB_AT(s, len, i, "、") || JKB_AT(s, len, i, "によると") ||
            JKB_AT(s, len, i, "模様"))
            return 1;
    return 0;
}

int link_parse_line(const char *line, size_t len, char *victim, char *domain)
{
    int bulleted;
    victim[0] = domain[0] = 0;
    strip_bullets(&line, &len, &bulleted);
    if (!len || is_prose(line, len))
        return 0;
    return split_victim(line, len, victim, domain);
}

/* ================================================================ JSON posts */

static const char *jstr(json_t *o, const char *const *keys)
{
    for (; *keys; keys++) {
        const char *v = json_string_value(json_object_get(o, *keys));
        if (v && *v)
            return v;
    }
    return NULL;
}

static char *cut_copy(const char *s, size_t max)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    if (n > max) {
        n = max;
        while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, s, n);
        c[n] = 0;
    }
    return c;
}

/* Written by jkb_claim_write_json: an "id" of 16 hex digits, which no
 * tracker's post has. */
static int is_own_claim(json_t *o)
{
    const char *id = json_string_value(json_object_get(o, "id"));
    if (!id || strlen(id) != 16)
        return 0;
    for (size_t i = 0; i < 16; i++)
        if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
            return 0;
    return 1;
}

/* One post (ransomwatch, ransomware.live) or one of our claims. */
static jkb_status read_object(jkb_claims *c, json_t *o, const jkb_claims_read_opts *opts, size_t *n_read,
                              size_t *n_added, jkb_err *err)
{
    static const char *const K_VICTIM[] = {"victim", "post_title", "name", NULL};
    static const char *const K_DOMAIN[] = {"domain", "website", "url", NULL};
    static const char *const K_GROUP[] = {"group", "group_name", "gang", "actor", NULL};
    static const char *const K_DATES[] = {"claimed", "published", "attackdate", "discovered", "date", NULL};
    static const char *const K_DESC[] = {"description", NULL};
    static const char *const K_COUNTRY[] = {"country", NULL};
    static const char *const K_ALT[] = {"victim_alt", NULL};
    static const char *const K_SOURCE[] = {"source", NULL};
    char victim[LINK_KEY_MAX], domain[LINK_KEY_MAX];
    jkb_status rc = JKB_OK;
    char *desc = NULL;
    if (!json_is_object(o))
        return JKB_OK;
    victim[0] = domain[0] = 0;
    const char *t = jstr(o, K_VICTIM);
    if (is_own_claim(o)) {
        /* A claim as jkb_claim_write_json wrote it (the claims file beside
         * a casebook): its victim and domain were split already. Split
         * again, a victim "foo.co.jp" that a list gave beside "2.com" would
         * come back as a domain, a different claim under a different id. */
        t = json_string_value(json_object_get(o, "victim"));
        if (t)
            put(victim, t, strlen(t));
        const char *w = json_string_value(json_object_get(o, "domain"));
        if (w)
            link_host(w, strlen(w), domain, sizeof domain);
    } else {
        if (t)
            split_victim(t, strlen(t), victim, domain);
        const char *w = jstr(o, K_DOMAIN);
        if (w && !domain[0])
            link_host(w, strlen(w), domain, sizeof domain);
    }
    if (!victim[0] && !domain[0])
        return JKB_OK; /* a post with neither: nothing to match */
    jkb_claim cl;
    memset(&cl, 0, sizeof cl);
    cl.victim = victim[0] ? victim : NULL;
    cl.domain = domain[0] ? domain : NULL;
    cl.victim_alt = jstr(o, K_ALT);
    cl.group = jstr(o, K_GROUP);
    if (!cl.group)
        cl.group = opts->group;
    /* the leak site's own date ("published") before the scraper's ("discovered") */
    for (const char *const *k = K_DATES; *k && !cl.claimed.y; k++) {
        const char *d = json_string_value(json_object_get(o, *k));
        if (d)
            cl.claimed = link_parse_date(d, strlen(d));
    }
    if (!cl.claimed.y)
        cl.claimed = opts->claimed;
    desc = cut_copy(jstr(o, K_DESC), MAX_FIELD);
    cl.description = desc;
    cl.country = jstr(o, K_COUNTRY);
    cl.source = jstr(o, K_SOURCE);
    if (!cl.source)
        cl.source = opts->source;
    int added = 0;
    rc = jkb_claims_add(c, &cl, &added, err);
    if (!rc) {
        (*n_read)++;
        *n_added += (size_t)added;
    }
    free(desc);
    return rc;
}

static jkb_status read_json(jkb_claims *c, const char *data, size_t len, const jkb_claims_read_opts *o, size_t *n_read,
                            size_t *n_added, jkb_err *err)
{
    json_error_t je;
    jkb_status rc = JKB_OK;
    json_t *root = json_loadb(data, len, 0, &je);
    if (!root) {
        jkb_err_set(err, JKB_EFORMAT, (size_t)(je.position > 0 ? je.position : 0),
                    "not JSON (line %d: %.100s)", je.line, je.text);
        return JKB_EFORMAT;
    }
    json_t *arr = root;
    if (json_is_object(root)) { /* {"posts": [...]}, {"data": [...]} or one post */
        static const char *const K[] = {"posts", "data", "victims", "items", NULL};
        for (const char *const *k = K; *k; k++)
            if (json_is_array(json_object_get(root, *k))) {
                arr = json_object_get(root, *k);
                break;
            }
    }
    if (json_is_array(arr)) {
        size_t i;
        json_t *v;
        json_array_foreach(arr, i, v)
        {
            rc = read_object(c, v, o, n_read, n_added, err);
            if (rc)
                goto out;
        }
    } else if (json_is_object(arr)) {
        rc = read_object(c, arr, o, n_read, n_added, err);
    } else {
        rc = fail(err, JKB_EFORMAT, "JSON that is neither a list of posts nor a post");
    }
out:
    json_decref(root);
    return rc;
}

static jkb_status read_ndjson(jkb_claims *c, const char *data, size_t len, const jkb_claims_read_opts *o,
                              size_t *n_read, size_t *n_added, jkb_err *err)
{
    size_t p = 0, lineno = 0;
    while (p < len) {
        const char *nl = memchr(data + p, '\n', len - p);
        size_t e = nl ? (size_t)(nl - data) : len;
        lineno++;
        const char *s = data + p;
        size_t l = e - p;
        trim(&s, &l);
        if (l) {
            json_error_t je;
            json_t *v = json_loadb(s, l, 0, &je);
            if (!v) {
                jkb_err_set(err, JKB_EFORMAT, p, "line %zu: not JSON (%.100s)", lineno, je.text);
                return JKB_EFORMAT;
            }
            jkb_status rc = read_object(c, v, o, n_read, n_added, err);
            json_decref(v);
            if (rc)
                return rc;
        }
        p = e + 1;
    }
    return JKB_OK;
}

/* ================================================================ plain lists */

static jkb_status read_list(jkb_claims *c, const char *data, size_t len, const jkb_claims_read_opts *o, size_t *n_read,
                            size_t *n_added, jkb_err *err)
{
    char victim[LINK_KEY_MAX], domain[LINK_KEY_MAX];
    /* a list inside prose (the DarkTracer entry): when some lines carry a
     * bullet, only those are victims */
    int any_bullet = 0;
    for (size_t p = 0; p < len;) {
        const char *nl = memchr(data + p, '\n', len - p);
        size_t e = nl ? (size_t)(nl - data) : len;
        const char *s = data + p;
        size_t l = e - p;
        int b;
        strip_bullets(&s, &l, &b);
        if (b && l)
            any_bullet = 1;
        p = e + 1;
    }
    jkb_claim base;
    memset(&base, 0, sizeof base);
    base.group = o->group;
    base.claimed = o->claimed.y ? o->claimed : link_find_nengetsu(data, len);
    base.source = o->source;
    for (size_t p = 0; p < len;) {
        const char *nl = memchr(data + p, '\n', len - p);
        size_t e = nl ? (size_t)(nl - data) : len;
        const char *s = data + p;
        size_t l = e - p;
        int b;
        strip_bullets(&s, &l, &b);
        /* a line that is not text names no one we could print */
        if (l && utf8_ok(s, l) && (b || !any_bullet) && s[0] != '#' && !is_prose(s, l) &&
            split_victim(s, l, victim, domain)) {
            jkb_claim cl = base;
            cl.victim = victim[0] ? victim : NULL;
            cl.domain = domain[0] ? domain : NULL;
            int added = 0;
            jkb_status rc = jkb_claims_add(c, &cl, &added, err);
            if (rc)
                return rc;
            (*n_read)++;
            *n_added += (size_t)added;
        }
        p = e + 1;
    }
    return JKB_OK;
}

jkb_status jkb_claims_read(jkb_claims *c, const char *data, size_t len, const jkb_claims_read_opts *o,
                           size_t *n_read, size_t *n_added, jkb_err *err)
{
    jkb_claims_read_opts def;
    size_t r = 0, a = 0;
    if (!o) {
        memset(&def, 0, sizeof def);
        o = &def;
    }
    if (!c || (!data && len))
        return fail(err, JKB_EINVAL, "no claims or no data");
    if (len > (o->max_input ? o->max_input : MAX_INPUT_DEFAULT))
        return fail(err, JKB_ETOOBIG, "the claims input is over the size cap");
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        data += 3, len -= 3;
    jkb_claims_format f = o->format;
    if (f == JKB_CLAIMS_AUTO) {
        size_t i = 0;
        while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
            i++;
        f = JKB_CLAIMS_LIST;
        if (i < len && data[i] == '[')
            f = JKB_CLAIMS_RANSOMWATCH;
        else if (i < len && data[i] == '{') {
            /* one object per line, or one document */
            const char *nl = memchr(data + i, '\n', len - i);
            size_t j = nl ? (size_t)(nl - data) : len;
            while (j > i && (data[j - 1] == ' ' || data[j - 1] == '\r'))
                j--;
            f = (j > i && data[j - 1] == '}' && nl) ? JKB_CLAIMS_NDJSON : JKB_CLAIMS_RANSOMWATCH;
        }
    }
    jkb_status rc;
    switch (f) {
    case JKB_CLAIMS_RANSOMWATCH:
        rc = read_json(c, data, len, o, &r, &a, err);
        break;
    case JKB_CLAIMS_NDJSON:
        rc = read_ndjson(c, data, len, o, &r, &a, err);
        break;
    case JKB_CLAIMS_LIST:
        rc = read_list(c, data, len, o, &r, &a, err);
        break;
    default:
        rc = fail(err, JKB_EINVAL, "unknown claims format");
    }
    if (n_read)
        *n_read = r;
    if (n_added)
        *n_added = a;
    return rc;
}

/* ================================================================ the casebook's own claims */

typedef struct first_host {
    char *out;
} first_host;

static int take_first(int kind, const char *host, size_t len, void *ud)
{
    (void)kind;
    first_host *f = ud;
    if (len + 1 <= LINK_KEY_MAX) {
        memcpy(f->out, host, len + 1);
        return 1;
    }
    return 0;
}

static int take_english(const char *name, size_t len, void *ud)
{
    char *out = ud;
    if (!out[0])
        put(out, name, len);
    return 1;
}

/* The line of text that holds name (the victim's own list line). */
static int line_of(const char *text, size_t len, const char *name, const char **ls, size_t *ll)
{
    size_t nl = strlen(name);
    if (!text || !nl)
        return 0;
    for (size_t i = 0; i + nl <= len; i++) {
        if (memcmp(text + i, name, nl) != 0)
            continue;
        size_t s = i, e = i + nl;
        while (s > 0 && text[s - 1] != '\n')
            s--;
        while (e < len && text[e] != '\n')
            e++;
        *ls = text + s;
        *ll = e - s;
        return 1;
    }
    return 0;
}

jkb_status jkb_claims_from_record(jkb_claims *c, const char *record_json, size_t json_len, const char *text,
                                  size_t len, const char *source, size_t *n_read, size_t *n_added, jkb_err *err)
{
    jkb_status rc = JKB_OK;
    json_error_t je;
    link_lex lex;
    int have_lex = 0;
    size_t r = 0, a = 0;
    char victim[LINK_KEY_MAX], domain[LINK_KEY_MAX], alt[LINK_KEY_MAX], group[LINK_KEY_MAX];
    json_t *rec = NULL;
    if (!c || !record_json)
        return fail(err, JKB_EINVAL, "no claims or no record");
    if (!text)
        len = 0;
    rec = json_loadb(record_json, json_len, 0, &je);
    if (!json_is_object(rec)) {
        rc = fail(err, JKB_EFORMAT, "the record is not a JSON object");
        goto out;
    }
    int leak = 0;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(rec, "categories"), i, v)
    {
        const char *k = json_string_value(v);
        if (k && strcmp(k, "leak_claim") == 0)
            leak = 1;
    }
    if (!leak)
        goto out;
    jkb_claim base;
    memset(&base, 0, sizeof base);
    base.source = source;
    group[0] = 0;
    const char *g = json_string_value(json_array_get(json_object_get(rec, "actors"), 0));
    if (g)
        put(group, g, strlen(g));
    base.group = group[0] ? group : NULL;
    const char *title = json_string_value(json_object_get(rec, "title"));
    const char *pub = json_string_value(json_object_get(rec, "published"));
    if (pub)
        base.claimed = link_parse_date(pub, strlen(pub));
    if (!base.claimed.y && title)
        base.claimed = link_find_nengetsu(title, strlen(title));
    if (!base.claimed.y && text)
        base.claimed = link_find_nengetsu(text, len);
    const char *case_id = json_string_value(json_object_get(rec, "case_id"));
    if (!base.claimed.y && case_id && strlen(case_id) > 5 && case_id[4] == '-') { /* the casebook's year */
        jkb_date y = link_parse_date(case_id, 4);
        base.claimed.y = y.y;
    }
    rc = link_lex_init(&lex, err);
    if (rc)
        goto out;
    have_lex = 1;
    json_t *victims = json_object_get(rec, "victims");
    if (!link_claim_only(&lex, title, json_array_size(victims))) {
        /* the victim's own notice: the post came before it, by days or months */
        const char *org = json_string_value(json_object_get(rec, "org"));
        if (!org || !*org)
            goto out;
        jkb_claim cl = base;
        jkb_date p = pub ? link_parse_date(pub, strlen(pub)) : (jkb_date){0, 0, 0};
        cl.claimed = (jkb_date){p.y, 0, 0};
        put(victim, org, strlen(org));
        cl.victim = victim;
        int added = 0;
        rc = jkb_claims_add(c, &cl, &added, err);
        if (!rc) {
            r++;
            a += (size_t)added;
        }
        goto out;
    }
    if (json_array_size(victims) > 0) {
        json_array_foreach(victims, i, v)
        {
            const char *name = json_string_value(v);
            if (!name || !*name)
                continue;
            jkb_claim cl = base;
            const char *ls;
            size_t ll;
            char lv[LINK_KEY_MAX];
            domain[0] = 0;
            /* the domain is written beside the name: ・住友ベークライト株式会社(www.sumibe.co.jp) */
            if (line_of(text, len, name, &ls, &ll))
                link_parse_line(ls, ll, lv, domain);
            put(victim, name, strlen(name));
            cl.victim = victim;
            cl.domain = domain[0] ? domain : NULL;
            int added = 0;
            rc = jkb_claims_add(c, &cl, &added, err);
            if (rc)
                goto out;
            r++;
            a += (size_t)added;
        }
        goto out;
    }
    /* a claim on the record's own org: "LockBit … “takamiya.co” をハッキングしたと主張" */
    jkb_claim cl = base;
    const char *org = json_string_value(json_object_get(rec, "org"));
    victim[0] = domain[0] = alt[0] = 0;
    if (org)
        put(victim, org, strlen(org));
    if (title) {
        first_host f = {domain};
        link_scan_hosts(title, strlen(title), take_first, &f);
    }
    if (text && len)
        link_scan_english(&lex, text, len, take_english, alt);
    cl.victim = victim[0] ? victim : NULL;
    cl.domain = domain[0] ? domain : NULL;
    cl.victim_alt = alt[0] ? alt : NULL;
    if (!cl.victim && !cl.domain)
        goto out;
    int added = 0;
    rc = jkb_claims_add(c, &cl, &added, err);
    if (!rc) {
        r++;
        a += (size_t)added;
    }
out:
    if (have_lex)
        link_lex_free(&lex);
    json_decref(rec);
    if (n_read)
        *n_read = r;
    if (n_added)
        *n_added = a;
    return rc;
}

/* ================================================================ JSON out, the claims file */

static int set_str(json_t *o, const char *k, const char *v)
{
    return json_object_set_new(o, k, v ? json_string(v) : json_null());
}

jkb_status jkb_claim_write_json(const jkb_claim *cl, jkb_write_fn fn, void *ud)
{
    char date[11];
    jkb_status rc = JKB_OK;
    json_t *o = json_object();
    char *s = NULL;
    if (!o)
        return JKB_ENOMEM;
    link_date_str(cl->claimed, date);
    if (set_str(o, "id", cl->id) || set_str(o, "victim", cl->victim) || set_str(o, "victim_alt", cl->victim_alt) ||
        set_str(o, "domain", cl->domain) || set_str(o, "group", cl->group) ||
        set_str(o, "claimed", date[0] ? date : NULL) || set_str(o, "source", cl->source) ||
        set_str(o, "description", cl->description) || set_str(o, "country", cl->country)) {
        rc = JKB_ENOMEM;
        goto out;
    }
    s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!s) {
        rc = JKB_ENOMEM;
        goto out;
    }
    if (fn(s, strlen(s), ud))
        rc = JKB_EIO;
out:
    free(s);
    json_decref(o);
    return rc;
}

jkb_status jkb_claims_path(const char *db_url, char *buf, size_t cap, jkb_err *err)
{
    static const char SUFFIX[] = ".claims.ndjson";
    if (!db_url || !*db_url)
        return fail(err, JKB_EINVAL, "no casebook");
    const char *p = db_url;
    size_t n;
    if (strncmp(p, "postgresql://", 13) == 0 || strncmp(p, "postgres://", 11) == 0) {
        jkb_err_set(err, JKB_EINVAL, 0, "a PostgreSQL casebook keeps no claims file beside it: name one with --claims");
        return JKB_EINVAL;
    }
    if (strncmp(p, "sqlite://", 9) == 0)
        p += 9;
    else if (strncmp(p, "sqlite:", 7) == 0)
        p += 7;
    else if (strncmp(p, "file:", 5) == 0)
        p += 5;
    n = strcspn(p, "?#");
    if (strncmp(db_url, "file:", 5) != 0)
        n = strlen(p);
    if (!n || n + sizeof SUFFIX > cap) {
        jkb_err_set(err, JKB_EINVAL, 0, "no claims file for the casebook '%.100s'", db_url);
        return JKB_EINVAL;
    }
    memcpy(buf, p, n);
    memcpy(buf + n, SUFFIX, sizeof SUFFIX);
    return JKB_OK;
}

jkb_status jkb_claims_load(jkb_claims *c, const char *path, jkb_err *err)
{
    jkb_status rc = JKB_OK;
    char *data = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return JKB_OK;
        jkb_err_set(err, JKB_EIO, 0, "%.150s: %s", path, strerror(errno));
        return JKB_EIO;
    }
    jkb_buf b;
    jkb_buf_init(&b, MAX_INPUT_DEFAULT * 4);
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        rc = jkb_buf_add(&b, chunk, k);
        if (rc) {
            jkb_err_set(err, rc, 0, "%.150s: %s", path, rc == JKB_ETOOBIG ? "too big" : "out of memory");
            goto out;
        }
    }
    if (ferror(f)) {
        rc = JKB_EIO;
        jkb_err_set(err, rc, 0, "%.150s: read error", path);
        goto out;
    }
    data = b.p;
    jkb_claims_read_opts o;
    memset(&o, 0, sizeof o);
    o.format = JKB_CLAIMS_NDJSON;
    o.max_input = MAX_INPUT_DEFAULT * 4;
    rc = jkb_claims_read(c, data ? data : "", b.len, &o, NULL, NULL, err);
    if (rc && err) { /* say which file */
        char m[sizeof err->msg];
        memcpy(m, err->msg, sizeof m);
        jkb_err_set(err, rc, err->offset, "%.80s: %.110s", path, m);
    }
out:
    jkb_buf_free(&b);
    fclose(f);
    return rc;
}

static int write_file(const char *p, size_t n, void *ud) { return fwrite(p, 1, n, ud) == n ? 0 : -1; }

jkb_status jkb_claims_save(const jkb_claims *c, const char *path, jkb_err *err)
{
    jkb_status rc = JKB_OK;
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 16);
    FILE *f = NULL;
    int fd = -1;
    if (!tmp)
        return fail(err, JKB_ENOMEM, "out of memory");
    memcpy(tmp, path, pl);
    memcpy(tmp + pl, ".tmp.XXXXXX", 12);
    fd = mkstemp(tmp);
    if (fd < 0) {
        jkb_err_set(err, JKB_EIO, 0, "%.150s: %s", tmp, strerror(errno));
        rc = JKB_EIO;
        goto out;
    }
    f = fdopen(fd, "wb");
    if (!f) {
        rc = JKB_EIO;
        jkb_err_set(err, rc, 0, "%.150s: %s", tmp, strerror(errno));
        goto out;
    }
    fd = -1;
    for (size_t i = 0; i < jkb_claims_count(c); i++) {
        rc = jkb_claim_write_json(jkb_claims_get(c, i), write_file, f);
        if (!rc && fputc('\n', f) == EOF)
            rc = JKB_EIO;
        if (rc) {
            jkb_err_set(err, rc, 0, "%.150s: %s", tmp, rc == JKB_EIO ? strerror(errno) : "out of memory");
            goto out;
        }
    }
    if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
        rc = JKB_EIO;
        jkb_err_set(err, rc, 0, "%.150s: %s", tmp, strerror(errno));
        goto out;
    }
    if (fclose(f) != 0) {
        f = NULL;
        rc = JKB_EIO;
        jkb_err_set(err, rc, 0, "%.150s: %s", tmp, strerror(errno));
        goto out;
    }
    f = NULL;
    if (rename(tmp, path) != 0) {
        rc = JKB_EIO;
        jkb_err_set(err, rc, 0, "%.150s: %s", path, strerror(errno));
        goto out;
    }
out:
    if (f)
        fclose(f);
    if (fd >= 0)
        close(fd);
    if (rc && tmp)
        unlink(tmp);
    free(tmp);
    return rc;
}
