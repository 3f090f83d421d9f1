/*
 * Buffers, arenas and vectors of the core. Every allocation fails soft
 * (JKB_ENOMEM / NULL) so that a caller can report and go on.
 */
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void jkb_buf_init(jkb_buf *b, size_t max)
{
    b->p = NULL;
    b->len = b->cap = 0;
    b->max = max ? max : ((size_t)1 << 31);
}

jkb_status jkb_buf_reserve(jkb_buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra)
        return JKB_ETOOBIG;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return JKB_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
        return JKB_ENOMEM;
    b->p = p;
    b->cap = cap;
    return JKB_OK;
}

jkb_status jkb_buf_add(jkb_buf *b, const void *p, size_t n)
{
    jkb_status rc = jkb_buf_reserve(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = 0;
    return JKB_OK;
}

jkb_status jkb_buf_addc(jkb_buf *b, char c) { return jkb_buf_add(b, &c, 1); }

void jkb_buf_free(jkb_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

struct jkb_arena_block {
    jkb_arena_block *next;
    size_t cap;
    _Alignas(16) unsigned char data[];
};

void jkb_arena_init(jkb_arena *a)
{
    a->head = NULL;
    a->used = a->cap = 0;
}

void *jkb_arena_alloc(jkb_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!a->head || a->cap - a->used < n) {
        size_t cap = n > 16384 ? n : 16384;
        jkb_arena_block *blk = malloc(sizeof *blk + cap);
        if (!blk)
            return NULL;
        blk->next = a->head;
        blk->cap = cap;
        a->head = blk;
        a->used = 0;
        a->cap = cap;
    }
    void *p = a->head->data + a->used;
    a->used += n;
    return p;
}

char *jkb_arena_strndup(jkb_arena *a, const char *s, size_t n)
{
    char *p = jkb_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void jkb_arena_reset(jkb_arena *a)
{
    if (!a->head)
        return;
    /* keep the oldest block (the last in the list), free the others */
    jkb_arena_block *b = a->head;
    while (b->next) {
        jkb_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = b;
    a->used = 0;
    a->cap = b->cap;
}

void jkb_arena_free(jkb_arena *a)
{
    jkb_arena_block *b = a->head;
    while (b) {
        jkb_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used = a->cap = 0;
}

void jkb_vec_init(jkb_vec *v, size_t item_size)
{
    v->p = NULL;
    v->n = v->cap = 0;
    v->size = item_size;
}

jkb_status jkb_vec_reserve(jkb_vec *v, size_t n)
{
    if (n <= v->cap)
        return JKB_OK;
    size_t cap = v->cap ? v->cap : 16;
    while (cap < n)
        cap *= 2;
    if (cap > ((size_t)1 << 40) / v->size)
        return JKB_ENOMEM;
    void *p = realloc(v->p, cap * v->size);
    if (!p)
        return JKB_ENOMEM;
    v->p = p;
    v->cap = cap;
    return JKB_OK;
}

void *jkb_vec_grow(jkb_vec *v)
{
    if (v->n == v->cap && jkb_vec_reserve(v, v->cap ? v->cap * 2 : 16) != JKB_OK)
        return NULL;
    void *item = (char *)v->p + v->n * v->size;
    memset(item, 0, v->size);
    v->n++;
    return item;
}

void jkb_vec_free(jkb_vec *v)
{
    free(v->p);
    v->p = NULL;
    v->n = v->cap = 0;
}

void jkb_err_set(jkb_err *err, jkb_status code, size_t offset, const char *fmt, ...)
{
    if (!err)
        return;
    err->code = code;
    err->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}
