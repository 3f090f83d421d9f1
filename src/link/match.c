/*
 * The linker: the casebook's notices indexed by the forms of their
 * organization (name key, romaji, English names, hosts of their text and
 * source), and a claim matched against them with a score and its reasons,
 * inside a date window. Fills jkb_claim_match.
 */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link_internal.h"

/* How much each kind of evidence is worth on its own; kinds combine as a
 * noisy-OR (independent witnesses), the actor only boosts. */
#define S_DOM_SOURCE 0.95  /* the claim's domain is the host the notice was published on */
#define S_DOM_EMAIL 0.95   /* … the domain of an address the notice gives */
#define S_DOM_URL 0.90     /* … the host of a link in the notice */
#define S_DOM_TEXT 0.85    /* … written in the notice */
#define S_DOM_ORGS 0.90    /* the orgs table names the notice's org for the domain */
#define S_DOM_PAIRED 0.80  /* another claim pairs the domain with the org's name */
#define S_DOM_LABEL 0.70   /* same name under another suffix (takamiya.co, takamiya.co.jp) */
#define S_ROM_LABEL 0.70   /* the domain's name reads as the org in romaji */
#define S_ROM_LABEL_EN 0.75 /* … as the English name the notice gives */
#define S_ROM_PART 0.55    /* a hyphenated part of the domain's name does */
#define S_NAME 0.90        /* the same name, legal forms aside */
#define S_ROM_NAME 0.75    /* the claim's name reads as the org in romaji */
#define S_ROM_NAME_EN 0.80 /* … is the notice's English name */
#define S_ROM_NAME_ASCII 0.85 /* … is the org's own Latin-letter name */
#define S_PREFIX 0.60      /* a name the site cut short, or the org's name and a suffix (… USA) */
#define S_ACTOR 0.30       /* the claim's group is an actor the notice names: a booster only */
#define DF_MAX 2           /* a host written in notices of more organizations names none of them */

/* ================================================================ maps */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* The head of key's postings (index + 1, 0: none); created when create. */
static uint32_t *smap_slot(smap *m, jkb_arena *a, const char *key, int create)
{
    if (!m->cap) {
        if (!create)
            return NULL;
        m->cap = 256;
        m->keys = calloc(m->cap, sizeof *m->keys);
        m->head = calloc(m->cap, sizeof *m->head);
        if (!m->keys || !m->head)
            return NULL;
    }
    if (create && (m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap * 2;
        const char **keys = calloc(cap, sizeof *keys);
        uint32_t *head = calloc(cap, sizeof *head);
        if (!keys || !head) {
            free(keys);
            free(head);
            return NULL;
        }
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i]) {
                size_t h = (size_t)hash_str(m->keys[i]) & (cap - 1);
                while (keys[h])
                    h = (h + 1) & (cap - 1);
                keys[h] = m->keys[i];
                head[h] = m->head[i];
            }
        free(m->keys);
        free(m->head);
        m->keys = keys;
        m->head = head;
        m->cap = cap;
    }
    size_t h = (size_t)hash_str(key) & (m->cap - 1);
    while (m->keys[h]) {
        if (strcmp(m->keys[h], key) == 0)
            return &m->head[h];
        h = (h + 1) & (m->cap - 1);
    }
    if (!create)
        return NULL;
    m->keys[h] = jkb_arena_strndup(a, key, strlen(key));
    if (!m->keys[h])
        return NULL;
    m->n++;
    return &m->head[h];
}

static void smap_free(smap *m)
{
    free(m->keys);
    free(m->head);
    memset(m, 0, sizeof *m);
}

static posting *post_at(jkb_linker *l, uint32_t i) { return &JKB_VEC_AT(&l->postings, posting, i - 1); }

/* Add (notice, kind, detail) under key once; a stronger kind (lower
 * number) replaces a weaker one of the same notice. */
static jkb_status post(jkb_linker *l, smap *m, const char *key, uint32_t notice, int kind, const char *detail)
{
    uint32_t *head = smap_slot(m, &l->arena, key, 1);
    if (!head)
        return JKB_ENOMEM;
    for (uint32_t i = *head; i; i = post_at(l, i)->next) {
        posting *p = post_at(l, i);
        if (p->notice == notice && (notice != UINT32_MAX || strcmp(p->detail, detail) == 0)) {
            if (kind < p->kind) {
                p->kind = (uint8_t)kind;
                p->detail = jkb_arena_strndup(&l->arena, detail, strlen(detail));
            }
            return p->detail ? JKB_OK : JKB_ENOMEM;
        }
    }
    posting *p = jkb_vec_push(&l->postings);
    if (!p)
        return JKB_ENOMEM;
    p->notice = notice;
    p->kind = (uint8_t)kind;
    p->detail = jkb_arena_strndup(&l->arena, detail, strlen(detail));
    p->next = *head;
    *head = (uint32_t)l->postings.n;
    return p->detail ? JKB_OK : JKB_ENOMEM;
}

static lincident *incident_of(jkb_linker *l, int64_t id, int create)
{
    if (!l->icap) {
        if (!create)
            return NULL;
        l->icap = 256;
        l->ikeys = calloc(l->icap, sizeof *l->ikeys);
        l->ivals = calloc(l->icap, sizeof *l->ivals);
        if (!l->ikeys || !l->ivals)
            return NULL;
    }
    if (create && (l->incidents.n + 1) * 2 > l->icap) {
        size_t cap = l->icap * 2;
        int64_t *keys = calloc(cap, sizeof *keys);
        uint32_t *vals = calloc(cap, sizeof *vals);
        if (!keys || !vals) {
            free(keys);
            free(vals);
            return NULL;
        }
        for (size_t i = 0; i < l->icap; i++)
            if (l->ivals[i]) {
                size_t h = (size_t)((uint64_t)l->ikeys[i] * 0x9E3779B97F4A7C15ULL >> 20) & (cap - 1);
                while (vals[h])
                    h = (h + 1) & (cap - 1);
                keys[h] = l->ikeys[i];
                vals[h] = l->ivals[i];
            }
        free(l->ikeys);
        free(l->ivals);
        l->ikeys = keys;
        l->ivals = vals;
        l->icap = cap;
    }
    size_t h = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ULL >> 20) & (l->icap - 1);
    while (l->ivals[h]) {
        if (l->ikeys[h] == id)
            return &JKB_VEC_AT(&l->incidents, lincident, l->ivals[h] - 1);
        h = (h + 1) & (l->icap - 1);
    }
    if (!create)
        return NULL;
    lincident *in = jkb_vec_push(&l->incidents);
    if (!in)
        return NULL;
    in->id = id;
    in->first_notice = UINT32_MAX;
    l->ikeys[h] = id;
    l->ivals[h] = (uint32_t)l->incidents.n;
    return in;
}

/* ================================================================ the linker */

void jkb_link_opts_init(jkb_link_opts *o)
{
    o->window_days = 365;
    o->min_score = 0.5;
}

jkb_status jkb_linker_new(const jkb_link_opts *o, jkb_linker **out, jkb_err *err)
{
    if (!out) {
        jkb_err_set(err, JKB_EINVAL, 0, "no place for the linker");
        return JKB_EINVAL;
    }
    *out = NULL;
    jkb_linker *l = calloc(1, sizeof *l);
    if (!l) {
        jkb_err_set(err, JKB_ENOMEM, 0, "out of memory");
        return JKB_ENOMEM;
    }
    jkb_link_opts_init(&l->o);
    if (o) {
        if (o->window_days > 0)
            l->o.window_days = o->window_days;
        if (o->min_score > 0)
            l->o.min_score = o->min_score;
    }
    jkb_arena_init(&l->arena);
    jkb_vec_init(&l->notices, sizeof(lnotice));
    jkb_vec_init(&l->incidents, sizeof(lincident));
    jkb_vec_init(&l->postings, sizeof(posting));
    jkb_status rc = link_lex_init(&l->lex, err);
    if (rc) {
        free(l);
        return rc;
    }
    *out = l;
    return JKB_OK;
}

void jkb_linker_free(jkb_linker *l)
{
    if (!l)
        return;
    link_lex_free(&l->lex);
    smap_free(&l->names);
    smap_free(&l->romans);
    smap_free(&l->domains);
    smap_free(&l->labels);
    smap_free(&l->orgs);
    free(l->ikeys);
    free(l->ivals);
    jkb_vec_free(&l->notices);
    jkb_vec_free(&l->incidents);
    jkb_vec_free(&l->postings);
    jkb_arena_free(&l->arena);
    free(l);
}

size_t jkb_linker_name_key(const jkb_linker *l, const char *s, size_t len, char *out, size_t cap)
{
    return l ? link_name_key(&l->lex, s, len, out, cap, NULL, 0) : 0;
}

/* Is a name key long enough to mean someone (2 characters, 3 letters)? */
static int key_ok(const char *k, size_t n)
{
    size_t chars = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)k[i] & 0xC0) != 0x80)
            chars++;
    return all_ascii_key(k, n) ? n >= 3 : chars >= 2;
}

int all_ascii_key(const char *k, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)k[i] >= 0x80)
            return 0;
    return 1;
}

jkb_status jkb_linker_add_orgs(jkb_linker *l, const char *data, size_t len, const char *name, jkb_err *err)
{
    size_t lineno = 0;
    if (!l || (!data && len)) {
        jkb_err_set(err, JKB_EINVAL, 0, "no linker or no table");
        return JKB_EINVAL;
    }
    for (size_t p = 0; p < len;) {
        const char *nl = memchr(data + p, '\n', len - p);
        size_t e = nl ? (size_t)(nl - data) : len;
        const char *s = data + p;
        size_t n = e - p;
        lineno++;
        p = e + 1;
        while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        while (n && (s[0] == ' ' || s[0] == '\t'))
            s++, n--;
        if (!n || s[0] == '#')
            continue;
        /* the first tab, comma or space splits the pair */
        size_t cut = 0;
        while (cut < n && s[cut] != '\t' && s[cut] != ',')
            cut++;
        if (cut == n) {
            cut = 0;
            while (cut < n && s[cut] != ' ')
                cut++;
        }
        const char *a = s, *b = s + cut + 1;
        size_t al = cut, bl = cut < n ? n - cut - 1 : 0;
        while (bl && (b[0] == ' ' || b[0] == '\t'))
            b++, bl--;
        while (al && (a[al - 1] == ' ' || a[al - 1] == '\t'))
            al--;
        char host[LINK_KEY_MAX], reg[LINK_KEY_MAX], org[LINK_KEY_MAX];
        const char *o;
        size_t ol;
        if (link_host(a, al, host, sizeof host)) {
            o = b, ol = bl;
        } else if (link_host(b, bl, host, sizeof host)) {
            o = a, ol = al;
        } else {
            jkb_err_set(err, JKB_EINVAL, 0, "%.100s:%zu: a domain and a name", name ? name : "orgs", lineno);
            return JKB_EINVAL;
        }
        if (!ol || ol >= sizeof org) {
            jkb_err_set(err, JKB_EINVAL, 0, "%.100s:%zu: a domain and a name", name ? name : "orgs", lineno);
            return JKB_EINVAL;
        }
        memcpy(org, o, ol);
        org[ol] = 0;
        if (!jkb_domain_registrable(host, strlen(host), reg, sizeof reg))
            continue;
        if (post(l, &l->orgs, reg, UINT32_MAX, K_ORG_TABLE, org)) {
            jkb_err_set(err, JKB_ENOMEM, 0, "out of memory");
            return JKB_ENOMEM;
        }
    }
    return JKB_OK;
}

jkb_status jkb_linker_learn_domains(jkb_linker *l, const jkb_claims *c, size_t *learned, jkb_err *err)
{
    char key[LINK_KEY_MAX], host[LINK_KEY_MAX], reg[LINK_KEY_MAX];
    size_t n = 0;
    if (learned)
        *learned = 0;
    if (!l || !c) {
        jkb_err_set(err, JKB_EINVAL, 0, "no linker or no claims");
        return JKB_EINVAL;
    }
    for (size_t i = 0; i < jkb_claims_count(c); i++) {
        const jkb_claim *cl = jkb_claims_get(c, i);
        if (!cl->victim || !cl->domain)
            continue;
        size_t k = link_name_key(&l->lex, cl->victim, strlen(cl->victim), key, sizeof key, NULL, 0);
        if (!k || !key_ok(key, k) || !smap_slot(&l->names, &l->arena, key, 0))
            continue;
        if (!link_host(cl->domain, strlen(cl->domain), host, sizeof host) ||
            !jkb_domain_registrable(host, strlen(host), reg, sizeof reg))
            continue;
        size_t before = l->postings.n;
        if (post(l, &l->orgs, reg, UINT32_MAX, K_ORG_PAIRED, cl->victim)) {
            jkb_err_set(err, JKB_ENOMEM, 0, "out of memory");
            return JKB_ENOMEM;
        }
        n += l->postings.n > before;
    }
    if (learned)
        *learned = n;
    return JKB_OK;
}

/* "LockBit 3.0", "lockbit3" → lockbit: the letters of a group's name. */
static size_t actor_key(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; s && *s && n + 1 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80)
            out[n++] = (char)jkb_lower(c);
    }
    out[n] = 0;
    return n;
}

typedef struct add_ctx {
    jkb_linker *l;
    uint32_t notice;
    jkb_status rc;
} add_ctx;

static jkb_status add_host(jkb_linker *l, uint32_t notice, int kind, const char *host)
{
    char reg[LINK_KEY_MAX], label[LINK_KEY_MAX];
    if (!jkb_domain_registrable(host, strlen(host), reg, sizeof reg))
        return JKB_OK;
    jkb_status rc = post(l, &l->domains, reg, notice, kind, host);
    if (!rc && link_domain_label(&l->lex, reg, strlen(reg), label, sizeof label) >= 4)
        rc = post(l, &l->labels, label, notice, kind, reg);
    return rc;
}

static int on_host(int kind, const char *host, size_t len, void *ud)
{
    (void)len;
    add_ctx *c = ud;
    c->rc = add_host(c->l, c->notice, kind == LINK_HOST_EMAIL ? K_DOM_EMAIL : kind == LINK_HOST_URL ? K_DOM_URL : K_DOM_TEXT,
                     host);
    return c->rc != JKB_OK;
}

static int on_english(const char *name, size_t len, void *ud)
{
    add_ctx *c = ud;
    char key[LINK_KEY_MAX], rom[LINK_KEY_MAX], nm[LINK_KEY_MAX];
    size_t k = link_name_key(&c->l->lex, name, len, key, sizeof key, NULL, 0);
    if (!k || !all_ascii_key(key, k))
        return 0;
    size_t r = jkb_romanize(key, k, rom, sizeof rom);
    if (r < 3 || len >= sizeof nm)
        return 0;
    memcpy(nm, name, len);
    nm[len] = 0;
    c->rc = post(c->l, &c->l->romans, rom, c->notice, K_ROM_ENGLISH, nm);
    return c->rc != JKB_OK;
}

jkb_status jkb_linker_add_notice(jkb_linker *l, const jkb_link_notice *n, jkb_err *err)
{
    jkb_status rc = JKB_OK;
    char key[LINK_KEY_MAX], rom[LINK_KEY_MAX], host[LINK_KEY_MAX];
    if (!l || !n) {
        jkb_err_set(err, JKB_EINVAL, 0, "no linker or no notice");
        return JKB_EINVAL;
    }
    /* a report of someone's claim is no disclosure */
    if ((n->categories & (1u << JKB_CAT_LEAK_CLAIM)) && link_claim_only(&l->lex, n->title, n->n_victims))
        return JKB_OK;
    if (l->notices.n >= UINT32_MAX - 1) {
        jkb_err_set(err, JKB_ETOOBIG, 0, "too many notices");
        return JKB_ETOOBIG;
    }
    lnotice *ln = jkb_vec_push(&l->notices);
    if (!ln)
        goto nomem;
    uint32_t idx = (uint32_t)(l->notices.n - 1);
    jkb_arena *a = &l->arena;
    ln->id = n->id;
    ln->incident_id = n->incident_id ? n->incident_id : -n->id - 1; /* its own, apart from real ids */
    ln->org = n->org ? jkb_arena_strndup(a, n->org, strlen(n->org)) : NULL;
    ln->case_id = n->case_id ? jkb_arena_strndup(a, n->case_id, strlen(n->case_id)) : NULL;
    ln->title = n->title ? jkb_arena_strndup(a, n->title, strlen(n->title)) : NULL;
    ln->published = n->published;
    ln->categories = n->categories;
    if ((n->org && !ln->org) || (n->case_id && !ln->case_id) || (n->title && !ln->title))
        goto nomem;
    if (n->n_actors) {
        ln->actors = jkb_arena_alloc(a, n->n_actors * sizeof *ln->actors);
        ln->actor_keys = jkb_arena_alloc(a, n->n_actors * sizeof *ln->actor_keys);
        if (!ln->actors || !ln->actor_keys)
            goto nomem;
        for (size_t i = 0; i < n->n_actors; i++) {
            char ak[LINK_KEY_MAX];
            const char *s = n->actors[i] ? n->actors[i] : "";
            actor_key(s, ak, sizeof ak);
            ln->actors[i] = jkb_arena_strndup(a, s, strlen(s));
            ln->actor_keys[i] = jkb_arena_strndup(a, ak, strlen(ak));
            if (!ln->actors[i] || !ln->actor_keys[i])
                goto nomem;
        }
        ln->n_actors = n->n_actors;
    }
    /* the organization's name, as written and in romaji */
    size_t k = n->org ? link_name_key(&l->lex, n->org, strlen(n->org), key, sizeof key, NULL, 0) : 0;
    ln->org_key = jkb_arena_strndup(a, key, k);
    if (!ln->org_key)
        goto nomem;
    if (k && key_ok(key, k)) {
        if ((rc = post(l, &l->names, key, idx, K_NAME, n->org)) != JKB_OK)
            goto fail;
        size_t r = jkb_romanize(key, k, rom, sizeof rom);
        if (r >= 3 && (rc = post(l, &l->romans, rom, idx, all_ascii_key(key, k) ? K_ROM_ASCII : K_ROM_TRANSLIT, key)))
            goto fail;
    }
    /* the hosts of its source, its links, its addresses */
    add_ctx c = {l, idx, JKB_OK};
    if (n->source && (strncmp(n->source, "http://", 7) == 0 || strncmp(n->source, "https://", 8) == 0) &&
        link_host(n->source, strlen(n->source), host, sizeof host)) {
        if ((rc = add_host(l, idx, K_DOM_SOURCE, host)) != JKB_OK)
            goto fail;
    }
    if (n->text && n->len) {
        link_scan_hosts(n->text, n->len, on_host, &c);
        if (c.rc == JKB_OK)
            link_scan_english(&l->lex, n->text, n->len, on_english, &c);
        if ((rc = c.rc) != JKB_OK)
            goto fail;
    }
    /* the incident: its first disclosure */
    lincident *in = incident_of(l, ln->incident_id, 1);
    if (!in)
        goto nomem;
    in->categories |= n->categories;
    if (in->first_notice == UINT32_MAX ||
        (n->published.y && (!in->first.y || link_date_before(n->published, in->first)))) {
        in->first_notice = idx;
        if (n->published.y)
            in->first = n->published;
    }
    ln->incident = (uint32_t)(in - &JKB_VEC_AT(&l->incidents, lincident, 0));
    return JKB_OK;
nomem:
    rc = JKB_ENOMEM;
fail:
    l->broken = rc;
    jkb_err_set(err, rc, 0, "%s", rc == JKB_ENOMEM ? "out of memory" : "indexing a notice");
    return rc;
}

int link_date_before(jkb_date a, jkb_date b)
{
    int32_t alo, ahi, blo, bhi;
    link_date_range(a, &alo, &ahi);
    link_date_range(b, &blo, &bhi);
    return alo < blo;
}

/* ================================================================ the casebook */

typedef struct meta {
    int64_t id, incident_id;
    char *org, *case_id, *title, *source, *record_json;
    jkb_date published;
    uint32_t categories;
    char **actors;
    size_t n_actors, n_victims;
} meta;

typedef struct load_ctx {
    jkb_linker *l;
    jkb_claims *claims;
    jkb_vec metas; /* meta */
    int64_t *ids;  /* open addressing: id → index + 1 in vals */
    uint32_t *vals;
    size_t cap;
    jkb_status rc;
    jkb_err *err;
} load_ctx;

static char *sdup(const char *s) { return s ? strdup(s) : NULL; }

static void meta_free(meta *m)
{
    free(m->org);
    free(m->case_id);
    free(m->title);
    free(m->source);
    free(m->record_json);
    for (size_t i = 0; i < m->n_actors; i++)
        free(m->actors[i]);
    free(m->actors);
}

static int on_row(const jkb_notice_row *row, void *ud)
{
    load_ctx *c = ud;
    meta *m = jkb_vec_push(&c->metas);
    if (!m)
        goto nomem;
    m->id = row->id;
    m->incident_id = row->incident_id;
    m->published = row->published;
    m->categories = row->categories;
    m->org = sdup(row->org);
    m->case_id = sdup(row->case_id);
    m->title = sdup(row->title);
    m->source = sdup(row->source);
    if ((row->org && !m->org) || (row->case_id && !m->case_id) || (row->title && !m->title) ||
        (row->source && !m->source))
        goto nomem;
    if (row->categories & (1u << JKB_CAT_LEAK_CLAIM)) {
        m->record_json = sdup(row->record_json);
        if (row->record_json && !m->record_json)
            goto nomem;
    }
    if (row->record_json) {
        json_t *rec = json_loads(row->record_json, 0, NULL);
        m->n_victims = json_array_size(json_object_get(rec, "victims"));
        json_t *act = json_object_get(rec, "actors");
        size_t n = json_array_size(act);
        if (n) {
            m->actors = calloc(n, sizeof *m->actors);
            if (!m->actors) {
                json_decref(rec);
                goto nomem;
            }
            for (size_t i = 0; i < n; i++) {
                const char *s = json_string_value(json_array_get(act, i));
                m->actors[m->n_actors] = sdup(s ? s : "");
                if (!m->actors[m->n_actors]) {
                    json_decref(rec);
                    goto nomem;
                }
                m->n_actors++;
            }
        }
        json_decref(rec);
    }
    return 0;
nomem:
    c->rc = JKB_ENOMEM;
    jkb_err_set(c->err, JKB_ENOMEM, 0, "out of memory");
    return 1;
}

static int on_text(int64_t id, const char *text, size_t len, const char *source, size_t index,
                   const char *engine_version, void *ud)
{
    (void)index;
    (void)engine_version;
    (void)source;
    load_ctx *c = ud;
    size_t h = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ULL >> 20) & (c->cap - 1);
    while (c->vals[h] && c->ids[h] != id)
        h = (h + 1) & (c->cap - 1);
    if (!c->vals[h]) /* stored after the first pass */
        return 0;
    meta *m = &JKB_VEC_AT(&c->metas, meta, c->vals[h] - 1);
    if ((m->categories & (1u << JKB_CAT_LEAK_CLAIM)) && c->claims && m->record_json) {
        char src[64];
        snprintf(src, sizeof src, "casebook:%lld", (long long)m->id);
        c->rc = jkb_claims_from_record(c->claims, m->record_json, strlen(m->record_json), text, len, src, NULL, NULL,
                                       c->err);
        if (c->rc)
            return 1;
    }
    jkb_link_notice n;
    memset(&n, 0, sizeof n);
    n.id = m->id;
    n.incident_id = m->incident_id;
    n.org = m->org;
    n.case_id = m->case_id;
    n.title = m->title;
    n.published = m->published;
    n.categories = m->categories;
    n.source = m->source;
    n.text = text;
    n.len = len;
    n.actors = (const char *const *)m->actors;
    n.n_actors = m->n_actors;
    n.n_victims = m->n_victims;
    c->rc = jkb_linker_add_notice(c->l, &n, c->err); /* leaves a mere claim report out */
    return c->rc != JKB_OK;
}

jkb_status jkb_linker_load_store(jkb_linker *l, jkb_store *s, jkb_claims *claims, jkb_err *err)
{
    load_ctx c;
    memset(&c, 0, sizeof c);
    c.l = l;
    c.claims = claims;
    c.err = err;
    jkb_vec_init(&c.metas, sizeof(meta));
    jkb_status rc;
    if (!l || !s) {
        jkb_err_set(err, JKB_EINVAL, 0, "no linker or no casebook");
        return JKB_EINVAL;
    }
    /* two passes: the small columns of every notice, then the texts one at
     * a time, so that memory holds no more than one text */
    jkb_query q;
    jkb_query_init(&q);
    rc = jkb_store_search(s, &q, on_row, &c, NULL, err);
    if (c.rc)
        rc = c.rc;
    if (rc)
        goto out;
    c.cap = 16;
    while (c.cap < c.metas.n * 2 + 2)
        c.cap *= 2;
    c.ids = calloc(c.cap, sizeof *c.ids);
    c.vals = calloc(c.cap, sizeof *c.vals);
    if (!c.ids || !c.vals) {
        rc = JKB_ENOMEM;
        jkb_err_set(err, rc, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < c.metas.n; i++) {
        int64_t id = JKB_VEC_AT(&c.metas, meta, i).id;
        size_t h = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ULL >> 20) & (c.cap - 1);
        while (c.vals[h])
            h = (h + 1) & (c.cap - 1);
        c.ids[h] = id;
        c.vals[h] = (uint32_t)(i + 1);
    }
    rc = jkb_store_each_text(s, on_text, &c, err);
    if (c.rc)
        rc = c.rc;
out:
    for (size_t i = 0; i < c.metas.n; i++)
        meta_free(&JKB_VEC_AT(&c.metas, meta, i));
    jkb_vec_free(&c.metas);
    free(c.ids);
    free(c.vals);
    return rc;
}

/* ================================================================ matching one claim */

typedef struct cand {
    uint32_t notice;
    double s[SLOT__COUNT];
    char why[SLOT__COUNT][240];
    int actor;
    char actor_why[120];
} cand;

typedef struct mctx {
    jkb_linker *l;
    jkb_vec cands; /* cand */
    jkb_status rc;
} mctx;

static void evidence(mctx *m, uint32_t notice, int slot, double s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static void evidence(mctx *m, uint32_t notice, int slot, double s, const char *fmt, ...)
{
    cand *c = NULL;
    for (size_t i = 0; i < m->cands.n && !c; i++)
        if (JKB_VEC_AT(&m->cands, cand, i).notice == notice)
            c = &JKB_VEC_AT(&m->cands, cand, i);
    if (!c) {
        c = jkb_vec_push(&m->cands);
        if (!c) {
            m->rc = JKB_ENOMEM;
            return;
        }
        c->notice = notice;
    }
    if (s <= c->s[slot])
        return;
    c->s[slot] = s;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->why[slot], sizeof c->why[slot], fmt, ap);
    va_end(ap);
}

static lnotice *notice_at(jkb_linker *l, uint32_t i) { return &JKB_VEC_AT(&l->notices, lnotice, i); }

/* How many organizations write this host: beyond DF_MAX it is a portal, a
 * regulator, a casebook blog, and names none of them. */
static int too_common(jkb_linker *l, uint32_t head)
{
    const char *seen[DF_MAX + 1];
    size_t n = 0;
    for (uint32_t i = head; i; i = post_at(l, i)->next) {
        const char *k = notice_at(l, post_at(l, i)->notice)->org_key;
        int dup = 0;
        for (size_t j = 0; j < n; j++)
            if (strcmp(seen[j], k) == 0)
                dup = 1;
        if (dup)
            continue;
        if (n == DF_MAX)
            return 1;
        seen[n++] = k;
    }
    return 0;
}

static const char *dom_where(int kind)
{
    switch (kind) {
    case K_DOM_SOURCE: return "is where the notice was published";
    case K_DOM_EMAIL: return "is the domain of an address in the notice";
    case K_DOM_URL: return "is the host of a link in the notice";
    default: return "is written in the notice";
    }
}

static double dom_score(int kind)
{
    return kind == K_DOM_SOURCE ? S_DOM_SOURCE : kind == K_DOM_EMAIL ? S_DOM_EMAIL : kind == K_DOM_URL ? S_DOM_URL : S_DOM_TEXT;
}

/* Romanized rom against the romaji of the notices: what the claim's words
 * read as. what: "name X" or "domain X". */
static void roman_hits(mctx *m, const char *rom, const char *what, const char *key, double s_translit, double s_en,
                       double s_ascii)
{
    jkb_linker *l = m->l;
    uint32_t *head = smap_slot(&l->romans, &l->arena, rom, 0);
    for (uint32_t i = head ? *head : 0; i; i = post_at(l, i)->next) {
        posting *p = post_at(l, i);
        lnotice *n = notice_at(l, p->notice);
        /* the romaji of the very name the claim gives is no second witness */
        if (key && p->kind != K_ROM_ENGLISH && strcmp(p->detail, key) == 0)
            continue;
        if (p->kind == K_ROM_ENGLISH)
            evidence(m, p->notice, SLOT_ROM, s_en, "%s reads as %s, the English name \"%s\" the notice gives", what, rom,
                     p->detail);
        else if (p->kind == K_ROM_ASCII)
            evidence(m, p->notice, SLOT_ROM, s_ascii, "%s = %s (%s)", what, n->org ? n->org : "?", rom);
        else
            evidence(m, p->notice, SLOT_ROM, s_translit, "%s reads as %s = %s in romaji (%s)", what, rom,
                     n->org ? n->org : "?", p->detail);
    }
}

static void match_domain(mctx *m, const char *domain, const char *victim)
{
    jkb_linker *l = m->l;
    char host[LINK_KEY_MAX], reg[LINK_KEY_MAX], label[LINK_KEY_MAX], rom[LINK_KEY_MAX];
    if (!link_host(domain, strlen(domain), host, sizeof host) ||
        !jkb_domain_registrable(host, strlen(host), reg, sizeof reg))
        return;
    uint32_t *head = smap_slot(&l->domains, &l->arena, reg, 0);
    if (head && !too_common(l, *head))
        for (uint32_t i = *head; i; i = post_at(l, i)->next) {
            posting *p = post_at(l, i);
            evidence(m, p->notice, SLOT_DOM, dom_score(p->kind), "domain %s %s (%s)", reg, dom_where(p->kind), p->detail);
        }
    /* the orgs table: domain → name → the notices of that name */
    head = smap_slot(&l->orgs, &l->arena, reg, 0);
    for (uint32_t i = head ? *head : 0; i; i = post_at(l, i)->next) {
        const char *org = post_at(l, i)->detail;
        char key[LINK_KEY_MAX];
        size_t k = link_name_key(&l->lex, org, strlen(org), key, sizeof key, NULL, 0);
        uint32_t *nh = k ? smap_slot(&l->names, &l->arena, key, 0) : NULL;
        /* a claim does not witness for itself */
        if (post_at(l, i)->kind == K_ORG_PAIRED && victim && strcmp(victim, org) == 0)
            continue;
        for (uint32_t j = nh ? *nh : 0; j; j = post_at(l, j)->next) {
            if (post_at(l, i)->kind == K_ORG_TABLE)
                evidence(m, post_at(l, j)->notice, SLOT_DOM, S_DOM_ORGS, "domain %s is %s (orgs table)", reg, org);
            else
                evidence(m, post_at(l, j)->notice, SLOT_DOM, S_DOM_PAIRED, "domain %s is %s (a claim pairs them)", reg, org);
        }
    }
    size_t ll = link_domain_label(&l->lex, reg, strlen(reg), label, sizeof label);
    if (ll < 3)
        return;
    if (ll >= 4) {
        head = smap_slot(&l->labels, &l->arena, label, 0);
        for (uint32_t i = head && !too_common(l, *head) ? *head : 0; i; i = post_at(l, i)->next) {
            posting *p = post_at(l, i);
            if (strcmp(p->detail, reg) != 0)
                evidence(m, p->notice, SLOT_DOM, S_DOM_LABEL, "domain %s and %s (in the notice) share the name %s", reg,
                         p->detail, label);
        }
    }
    /* the domain's name in romaji: takamiya.co ↔ タカミヤ */
    char what[LINK_KEY_MAX + 16];
    snprintf(what, sizeof what, "domain %s", reg);
    int hit = 0;
    if (jkb_romanize(label, ll, rom, sizeof rom) >= 3) {
        uint32_t *rh = smap_slot(&l->romans, &l->arena, rom, 0);
        hit = rh && *rh;
        roman_hits(m, rom, what, NULL, S_ROM_LABEL, S_ROM_LABEL_EN, S_ROM_LABEL_EN);
    }
    if (hit || !memchr(label, '-', ll))
        return;
    /* k-toko.com: the longest hyphenated part */
    size_t bs = 0, bl = 0;
    for (size_t s = 0, i = 0; i <= ll; i++)
        if (i == ll || label[i] == '-') {
            if (i - s > bl)
                bs = s, bl = i - s;
            s = i + 1;
        }
    if (bl >= 4 && jkb_romanize(label + bs, bl, rom, sizeof rom) >= 4)
        roman_hits(m, rom, what, NULL, S_ROM_PART, S_ROM_PART, S_ROM_PART);
}

static int is_cut(const char *s, size_t *len)
{
    size_t n = *len;
    if (n >= 3 && memcmp(s + n - 3, "...", 3) == 0) {
        while (n && s[n - 1] == '.')
            n--;
        *len = n;
        return 1;
    }
    if (n >= 3 && memcmp(s + n - 3, "…", 3) == 0) {
        *len = n - 3;
        return 1;
    }
    return 0;
}

static void match_name(mctx *m, const char *victim)
{
    jkb_linker *l = m->l;
    char key[LINK_KEY_MAX], spaced[LINK_KEY_MAX], rom[LINK_KEY_MAX];
    size_t vl = strlen(victim);
    int cut = is_cut(victim, &vl);
    size_t k = link_name_key(&l->lex, victim, vl, key, sizeof key, spaced, sizeof spaced);
    if (!k || !key_ok(key, k))
        return;
    if (cut) {
        /* the site cut the name: the start is all there is */
        if (k < 6)
            return;
        size_t r = jkb_romanize(key, k, rom, sizeof rom);
        for (size_t i = 0; i < l->names.cap; i++)
            if (l->names.keys[i] && strncmp(l->names.keys[i], key, k) == 0)
                for (uint32_t j = l->names.head[i]; j; j = post_at(l, j)->next)
                    evidence(m, post_at(l, j)->notice, SLOT_NAME, S_PREFIX, "name %s (cut short) begins %s", victim,
                             post_at(l, j)->detail);
        for (size_t i = 0; r >= 6 && i < l->romans.cap; i++)
            if (l->romans.keys[i] && strncmp(l->romans.keys[i], rom, r) == 0)
                for (uint32_t j = l->romans.head[i]; j; j = post_at(l, j)->next)
                    evidence(m, post_at(l, j)->notice, SLOT_NAME, S_PREFIX, "name %s (cut short) begins %s", victim,
                             notice_at(l, post_at(l, j)->notice)->org ? notice_at(l, post_at(l, j)->notice)->org
                                                                       : l->romans.keys[i]);
        return;
    }
    uint32_t *head = smap_slot(&l->names, &l->arena, key, 0);
    for (uint32_t i = head ? *head : 0; i; i = post_at(l, i)->next)
        evidence(m, post_at(l, i)->notice, SLOT_NAME, S_NAME, "name %s = %s", victim, post_at(l, i)->detail);
    char what[LINK_KEY_MAX + 16];
    snprintf(what, sizeof what, "name %s", victim);
    size_t r = jkb_romanize(key, k, rom, sizeof rom);
    if (r >= 3)
        roman_hits(m, rom, what, key, S_ROM_NAME, S_ROM_NAME_EN, S_ROM_NAME_ASCII);
    /* SUMITOMO BAKELITE USA: the org's name and a word more */
    if (!all_ascii_key(spaced, strlen(spaced)))
        return;
    size_t ends[32], nw = 0;
    for (size_t i = 0; spaced[i] && nw < 32; i++)
        if (spaced[i + 1] == ' ' || spaced[i + 1] == 0)
            ends[nw++] = i + 1;
    for (size_t w = nw; w-- > 1;) {
        char pre[LINK_KEY_MAX];
        size_t pn = 0;
        for (size_t i = 0; i < ends[w - 1]; i++)
            if (spaced[i] != ' ')
                pre[pn++] = spaced[i];
        pre[pn] = 0;
        if (pn < 6)
            break;
        size_t pr = jkb_romanize(pre, pn, rom, sizeof rom);
        uint32_t *ph = pr >= 6 ? smap_slot(&l->romans, &l->arena, rom, 0) : NULL;
        if (!ph || !*ph)
            continue;
        for (uint32_t i = *ph; i; i = post_at(l, i)->next) {
            lnotice *n = notice_at(l, post_at(l, i)->notice);
            evidence(m, post_at(l, i)->notice, SLOT_NAME, S_PREFIX, "name %s begins with %s (%s)", victim, pre,
                     n->org ? n->org : "?");
        }
        break;
    }
}

/* Append to a reason; a reason cut at the buffer's end is still a reason. */
static void why_add(char *why, size_t *wn, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void why_add(char *why, size_t *wn, const char *fmt, ...)
{
    if (*wn + 1 >= LINK_WHY_MAX)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(why + *wn, LINK_WHY_MAX - *wn, fmt, ap);
    va_end(ap);
    if (w > 0)
        *wn += (size_t)w < LINK_WHY_MAX - *wn ? (size_t)w : LINK_WHY_MAX - *wn - 1;
}

/* Score, date and reasons of each candidate; the best notice of each
 * incident into out (res), best first. */
static jkb_status finish(mctx *m, const jkb_claim *cl, jkb_vec *out)
{
    jkb_linker *l = m->l;
    char gkey[LINK_KEY_MAX];
    size_t gk = actor_key(cl->group, gkey, sizeof gkey);
    int32_t clo, chi;
    link_date_range(cl->claimed, &clo, &chi);
    for (size_t i = 0; i < m->cands.n; i++) {
        cand *c = &JKB_VEC_AT(&m->cands, cand, i);
        lnotice *n = notice_at(l, c->notice);
        double keep = 1;
        for (int s = 0; s < SLOT__COUNT; s++)
            keep *= 1 - c->s[s];
        double score = 1 - keep;
        if (score <= 0)
            continue;
        char why[LINK_WHY_MAX];
        size_t wn = 0;
        why[0] = 0;
        for (int s = 0; s < SLOT__COUNT; s++)
            if (c->s[s] > 0)
                why_add(why, &wn, "%s%s", wn ? "; " : "", c->why[s]);
        /* the group the claim names is an actor the notice names */
        for (size_t a = 0; gk >= 3 && a < n->n_actors; a++)
            if (strcmp(n->actor_keys[a], gkey) == 0) {
                score = 1 - (1 - score) * (1 - S_ACTOR);
                why_add(why, &wn, "; group %s = actor %s", cl->group, n->actors[a]);
                break;
            }
        if (score > 0.99)
            score = 0.99;
        /* the window: a claim and a notice years apart are two incidents */
        char cd[11], pd[11];
        link_date_str(cl->claimed, cd);
        link_date_str(n->published, pd);
        if (cl->claimed.y && n->published.y) {
            int32_t plo, phi;
            link_date_range(n->published, &plo, &phi);
            int32_t gap = clo > phi ? clo - phi : plo > chi ? plo - chi : 0;
            if (gap > l->o.window_days)
                continue;
            /* within the window, nearer is likelier, a little */
            score *= 1 - 0.1 * (double)gap / (double)l->o.window_days;
            if (gap == 0)
                why_add(why, &wn, "; claimed %s, published %s", cd, pd);
            else
                why_add(why, &wn, "; claimed %s, published %s: %ld days apart", cd, pd, (long)gap);
        } else {
            score *= 0.9; /* no window could be applied */
            why_add(why, &wn, "; %s date unknown", cl->claimed.y ? "notice" : "claim");
        }
        if (score < l->o.min_score)
            continue;
        /* one result per incident: its best notice */
        res *r = NULL;
        for (size_t j = 0; j < out->n && !r; j++)
            if (notice_at(l, JKB_VEC_AT(out, res, j).notice)->incident == n->incident)
                r = &JKB_VEC_AT(out, res, j);
        if (r && r->score >= score)
            continue;
        if (!r && !(r = jkb_vec_push(out)))
            return JKB_ENOMEM;
        r->notice = c->notice;
        r->score = score;
        memcpy(r->why, why, sizeof why);
    }
    /* best first, then the older incident */
    for (size_t i = 1; i < out->n; i++)
        for (size_t j = i; j > 0; j--) {
            res *a = &JKB_VEC_AT(out, res, j - 1), *b = &JKB_VEC_AT(out, res, j);
            if (a->score > b->score || (a->score == b->score && notice_at(l, a->notice)->id <= notice_at(l, b->notice)->id))
                break;
            res t = *a;
            *a = *b;
            *b = t;
        }
    return JKB_OK;
}

jkb_status link_match(jkb_linker *l, const jkb_claim *cl, jkb_vec *out)
{
    if (l->broken)
        return l->broken;
    mctx m;
    memset(&m, 0, sizeof m);
    m.l = l;
    jkb_vec_init(&m.cands, sizeof(cand));
    out->n = 0;
    if (cl->domain)
        match_domain(&m, cl->domain, cl->victim);
    if (cl->victim)
        match_name(&m, cl->victim);
    if (cl->victim_alt)
        match_name(&m, cl->victim_alt);
    jkb_status rc = m.rc ? m.rc : finish(&m, cl, out);
    jkb_vec_free(&m.cands);
    return rc;
}

void link_fill_match(jkb_linker *l, const jkb_claim *cl, const res *r, jkb_claim_match *mt)
{
    lnotice *n = notice_at(l, r->notice);
    lincident *in = &JKB_VEC_AT(&l->incidents, lincident, n->incident);
    memset(mt, 0, sizeof *mt);
    mt->status = JKB_CLAIM_MATCHED;
    mt->claim = cl;
    mt->notice_id = n->id;
    mt->incident_id = n->incident_id > 0 ? n->incident_id : n->id;
    mt->org = n->org;
    mt->case_id = n->case_id;
    mt->title = n->title;
    mt->published = n->published;
    mt->disclosed = in->first;
    mt->categories = in->categories;
    mt->score = floor(r->score * 100 + 0.5) / 100;
    mt->reason = r->why;
    /* a year says too little for a delay; a month gives one to about two weeks,
     * from its middle */
    if (cl->claimed.m && in->first.m) {
        int32_t clo, chi, plo, phi;
        link_date_range(cl->claimed, &clo, &chi);
        link_date_range(in->first, &plo, &phi);
        mt->has_delay = true;
        mt->delay_days = (plo + phi) / 2 - (clo + chi) / 2;
        mt->delay_approx = clo != chi || plo != phi;
    }
}

jkb_status jkb_linker_match(jkb_linker *l, const jkb_claim *c, jkb_match_fn fn, void *ud, jkb_err *err)
{
    jkb_vec out;
    jkb_vec_init(&out, sizeof(res));
    if (!l || !c || !fn) {
        jkb_err_set(err, JKB_EINVAL, 0, "no linker, claim or callback");
        return JKB_EINVAL;
    }
    jkb_status rc = link_match(l, c, &out);
    if (rc)
        jkb_err_set(err, rc, 0, "%s", l->broken ? "a notice failed to be indexed" : "out of memory");
    for (size_t i = 0; !rc && i < out.n; i++) {
        jkb_claim_match mt;
        link_fill_match(l, c, &JKB_VEC_AT(&out, res, i), &mt);
        if (fn(&mt, ud)) {
            rc = JKB_ESTOP;
            jkb_err_set(err, rc, 0, "stopped by the caller");
        }
    }
    jkb_vec_free(&out);
    return rc;
}
