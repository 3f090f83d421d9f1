/*
 * Actor name → MISP galaxy cluster (ransomware, then threat-actor), from the
 * table generated out of misp-galaxy (galaxy_data.inc), so that the export
 * can tag misp-galaxy:ransomware="LockBit" without ../shared at run time.
 */
#include <stdlib.h>
#include <string.h>
#include "export_internal.h"
#include "galaxy_data.inc"

#define NKEYS (sizeof keys / sizeof keys[0])
#define MAXNAME 256

static int cmpkey(const void *a, const void *b)
{
    const char *k = a;
    const char *const *e = b; /* first member of a keys[] entry */
    return strcmp(k, *e);
}

static bool lookup(const char *k, jkb_xcluster *out)
{
    const void *hit = bsearch(k, keys, NKEYS, sizeof keys[0], cmpkey);
    if (!hit)
        return false;
    unsigned c = ((const struct galaxy_key *)hit)->cluster;
    out->galaxy = (jkb_galaxy)clusters[c].galaxy;
    out->value = clusters[c].value;
    return true;
}

static char fold(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

bool jkb_galaxy_find(const char *name, jkb_xcluster *out)
{
    char k[MAXNAME];
    size_t n = strlen(name);
    while (n > 0 && name[n - 1] == ' ')
        n--;
    while (n > 0 && *name == ' ')
        name++, n--;
    if (n == 0 || n >= MAXNAME)
        return false;
    for (size_t i = 0; i < n; i++)
        k[i] = fold(name[i]);
    k[n] = '\0';
    if (lookup(k, out))
        return true;
    /* A version after a separator ("LockBit 3.0", "LockBit-2", "Foo v4"):
     * the galaxy spells versions glued to the name ("Lockbit3"), and
     * otherwise has the family without a version. */
    size_t e = n;
    while (e > 0 && ((k[e - 1] >= '0' && k[e - 1] <= '9') || k[e - 1] == '.'))
        e--;
    if (e == n || e == 0 || !(k[e] >= '0' && k[e] <= '9'))
        return false;
    size_t major_end = e;
    while (major_end < n && k[major_end] != '.')
        major_end++;
    size_t b = e;
    if (k[b - 1] == 'v' && b >= 2 && (k[b - 2] == ' ' || k[b - 2] == '-'))
        b--;
    if (k[b - 1] != ' ' && k[b - 1] != '-')
        return false;
    size_t base = b - 1;
    while (base > 0 && (k[base - 1] == ' ' || k[base - 1] == '-'))
        base--;
    if (base == 0)
        return false;
    char g[MAXNAME];
    size_t o = 0;
    for (size_t i = 0; i < base; i++)
        if (k[i] != ' ')
            g[o++] = k[i];
    memcpy(g + o, k + e, major_end - e);
    g[o + (major_end - e)] = '\0';
    if (lookup(g, out))
        return true;
    k[base] = '\0';
    return lookup(k, out);
}

const char *jkb_galaxy_name(jkb_galaxy g) { return g == JKB_GALAXY_RANSOMWARE ? "ransomware" : "threat-actor"; }
