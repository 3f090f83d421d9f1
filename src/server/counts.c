/*
 * The totals of result pages, remembered: counting every match of a common
 * term is nearly all the cost of a full-text page (the page itself stops
 * after its 20 rows), and paging asks the same count again and again. A
 * total is kept per filter set until this server writes or JKB_COUNT_TTL
 * seconds pass (other processes may write the casebook too).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

/* The filters of q (not its limit and offset) as one string. */
static size_t query_key(const jkb_query *q, char *buf, size_t cap)
{
    jkb_wbuf b;
    jkb_wbuf_init(&b, cap - 1);
    char since[11], until[11];
    jkb_date_str(since, q->since);
    jkb_date_str(until, q->until);
    jkb_wbuf_printf(&b, "%d,%d,%d,%d,%s,%s,%zu:", q->category, q->org_kind, q->data_class, q->authority, since, until,
                    q->actor ? strlen(q->actor) : (size_t)-1);
    if (q->actor)
        jkb_wbuf_puts(&b, q->actor);
    jkb_wbuf_add(&b, "|", 1);
    if (q->text)
        jkb_wbuf_puts(&b, q->text);
    size_t n = 0;
    if (!b.failed && b.len < cap) {
        memcpy(buf, b.p, b.len);
        n = b.len;
    }
    jkb_wbuf_free(&b);
    return n; /* 0: too long to remember */
}

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211u;
    }
    return h;
}

static int64_t now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec;
}

int jkb_counts_get(jkb_server *srv, const jkb_query *q, size_t *total)
{
    char key[JKB_COUNT_KEY];
    size_t n = query_key(q, key, sizeof key);
    if (!n)
        return 0;
    uint64_t h = fnv1a(key, n);
    int hit = 0;
    pthread_mutex_lock(&srv->counts_mu);
    const jkb_count_entry *e = &srv->counts[h % JKB_COUNT_SLOTS];
    if (e->hash == h && e->gen == srv->write_gen && now_s() - e->at < JKB_COUNT_TTL && e->key_len == n &&
        memcmp(e->key, key, n) == 0) {
        *total = e->total;
        hit = 1;
    }
    pthread_mutex_unlock(&srv->counts_mu);
    return hit;
}

void jkb_counts_put(jkb_server *srv, const jkb_query *q, size_t total, uint64_t gen)
{
    char key[JKB_COUNT_KEY];
    size_t n = query_key(q, key, sizeof key);
    if (!n)
        return;
    uint64_t h = fnv1a(key, n);
    pthread_mutex_lock(&srv->counts_mu);
    /* a write that landed while counting makes this total stale already */
    if (gen == srv->write_gen) {
        jkb_count_entry *e = &srv->counts[h % JKB_COUNT_SLOTS];
        e->hash = h;
        e->gen = gen;
        e->at = now_s();
        e->total = total;
        memcpy(e->key, key, n);
        e->key_len = n;
    }
    pthread_mutex_unlock(&srv->counts_mu);
}

uint64_t jkb_counts_gen(jkb_server *srv)
{
    pthread_mutex_lock(&srv->counts_mu);
    uint64_t g = srv->write_gen;
    pthread_mutex_unlock(&srv->counts_mu);
    return g;
}

void jkb_counts_forget(jkb_server *srv)
{
    pthread_mutex_lock(&srv->counts_mu);
    srv->write_gen++;
    pthread_mutex_unlock(&srv->counts_mu);
}
