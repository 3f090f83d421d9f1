/*
 * Filters from the outside: query parameters (category=ransomware,
 * since=2023-01, year=2023, q=…) and the report's --since/--until become a
 * jkb_query, with a message that names the bad value when one is wrong.
 */
#include <stdio.h>
#include <string.h>

#include "server.h"

int jkb_parse_when(const char *s, size_t n, jkb_date *d)
{
    int v[3] = {0, 0, 0}, k = 0, digits = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '-' && digits && k < 2) {
            /* year four digits, month and day one or two */
            if ((k == 0 && digits != 4) || (k > 0 && digits > 2))
                return -1;
            k++;
            digits = 0;
            continue;
        }
        if (c < '0' || c > '9' || ++digits > 4)
            return -1;
        v[k] = v[k] * 10 + (c - '0');
    }
    if (!digits || (k == 0 && digits != 4) || (k > 0 && digits > 2))
        return -1;
    if (v[0] < 1000 || v[0] > 9998 || (k >= 1 && (v[1] < 1 || v[1] > 12)) || (k == 2 && (v[2] < 1 || v[2] > 31)))
        return -1;
    d->y = (int16_t)v[0];
    d->m = (int8_t)v[1];
    d->d = (int8_t)v[2];
    return 0;
}

int jkb_parse_count(const char *s, size_t n, size_t max, size_t *out)
{
    size_t v = 0;
    if (!s || n == 0 || n > 19)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (size_t)(s[i] - '0');
    }
    if (v > max)
        return -1;
    *out = v;
    return 0;
}

static const struct {
    const char *name;
    const char *(*keys)(int);
    size_t off;
} ENUMS[] = {
    {"category", jkb_category_key, offsetof(jkb_query, category)},
    {"org_kind", jkb_org_kind_key, offsetof(jkb_query, org_kind)},
    {"data_class", jkb_data_class_key, offsetof(jkb_query, data_class)},
    {"authority", jkb_authority_key, offsetof(jkb_query, authority)},
};

static void key_list(const char *(*keys)(int), char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = 0;
    for (int i = 0; keys(i); i++) {
        int k = snprintf(buf + n, cap - n, "%s%s", i ? ", " : "", keys(i));
        if (k < 0 || (size_t)k >= cap - n)
            break;
        n += (size_t)k;
    }
}

int jkb_query_set(jkb_query *q, const char *name, const char *v, size_t n, char *why, size_t whylen)
{
    for (size_t k = 0; k < sizeof ENUMS / sizeof ENUMS[0]; k++) {
        if (strcmp(name, ENUMS[k].name) != 0)
            continue;
        /* local-gov and local_gov both name the key local_gov */
        char key[32];
        if (n == 0 || n >= sizeof key)
            goto bad_enum;
        for (size_t i = 0; i < n; i++)
            key[i] = v[i] == '-' ? '_' : v[i];
        key[n] = 0;
        int e = jkb_key_lookup(ENUMS[k].keys, key, n);
        if (e < 0)
            goto bad_enum;
        *(int *)(void *)((char *)q + ENUMS[k].off) = e;
        return 1;
    bad_enum:;
        char list[400];
        key_list(ENUMS[k].keys, list, sizeof list);
        snprintf(why, whylen, "unknown %s '%.*s' (one of: %s)", name, n < 40 ? (int)n : 40, v, list);
        return -1;
    }
    if (strcmp(name, "q") == 0 || strcmp(name, "actor") == 0) {
        if (n == 0)
            return 1; /* an empty search box is no filter */
        if (n > 256) {
            snprintf(why, whylen, "%s is longer than 256 bytes", name);
            return -1;
        }
        if (!jkb_utf8_ok(v, n)) {
            snprintf(why, whylen, "%s is not valid UTF-8 text", name);
            return -1;
        }
        if (name[0] == 'q')
            q->text = v;
        else
            q->actor = v;
        return 1;
    }
    int since = strcmp(name, "since") == 0, until = strcmp(name, "until") == 0, year = strcmp(name, "year") == 0;
    if (since || until || year) {
        if (n == 0)
            return 1;
        jkb_date d;
        if (jkb_parse_when(v, n, &d) != 0 || (year && d.m)) {
            snprintf(why, whylen, "%s takes %s, not '%.*s'", name,
                     year ? "a year such as 2023" : "a date such as 2023, 2023-01 or 2023-01-15", n < 40 ? (int)n : 40,
                     v);
            return -1;
        }
        if (since || year)
            q->since = d;
        if (until || year)
            q->until = d;
        return 1;
    }
    return 0;
}
