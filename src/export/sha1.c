/*
 * SHA-1 (FIPS 180-4) and name-based UUIDs (RFC 9562 version 5), for the
 * deterministic ids of the exports. SHA-1 serves here as a naming function,
 * as UUIDv5 prescribes, not for security.
 */
#include <string.h>
#include "export_internal.h"

static uint32_t rol(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

static void block(uint32_t h[5], const unsigned char *p)
{
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
               (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 80; i++)
        w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) {
            f = (b & c) | (~b & d);
            k = 0x5A827999u;
        } else if (i < 40) {
            f = b ^ c ^ d;
            k = 0x6ED9EBA1u;
        } else if (i < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8F1BBCDCu;
        } else {
            f = b ^ c ^ d;
            k = 0xCA62C1D6u;
        }
        uint32_t t = rol(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rol(b, 30);
        b = a;
        a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

void jkb_sha1_init(jkb_sha1 *s)
{
    static const uint32_t iv[5] = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u};
    memcpy(s->h, iv, sizeof iv);
    s->len = 0;
    s->n = 0;
}

void jkb_sha1_update(jkb_sha1 *s, const void *data, size_t len)
{
    const unsigned char *p = data;
    s->len += len;
    while (len > 0) {
        size_t take = 64 - s->n < len ? 64 - s->n : len;
        memcpy(s->buf + s->n, p, take);
        s->n += take;
        p += take;
        len -= take;
        if (s->n == 64) {
            block(s->h, s->buf);
            s->n = 0;
        }
    }
}

void jkb_sha1_final(jkb_sha1 *s, unsigned char out[20])
{
    static const unsigned char pad[64] = {0x80};
    uint64_t bits = s->len * 8;
    jkb_sha1_update(s, pad, s->n < 56 ? 56 - s->n : 120 - s->n);
    unsigned char lenb[8];
    for (int i = 0; i < 8; i++)
        lenb[i] = (unsigned char)(bits >> (56 - 8 * i));
    jkb_sha1_update(s, lenb, 8);
    for (int i = 0; i < 5; i++) {
        out[4 * i] = (unsigned char)(s->h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
        out[4 * i + 3] = (unsigned char)s->h[i];
    }
}

static const char hexd[] = "0123456789abcdef";

void jkb_hex(const unsigned char *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hexd[p[i] >> 4];
        out[2 * i + 1] = hexd[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* uuid5(0e2af947-86bb-5821-8e47-cedfb9907007 = uuid5(URL namespace,
 * "urn:jikenbo:export:v1"), name): the namespace never changes, or every id
 * of every export ever made would change with it. */
static const unsigned char jkb_ns[16] = {0x0e, 0x2a, 0xf9, 0x47, 0x86, 0xbb, 0x58, 0x21,
                                         0x8e, 0x47, 0xce, 0xdf, 0xb9, 0x90, 0x70, 0x07};

void jkb_uuid5_ns(const unsigned char ns[16], const char *name, size_t len, char out[JKB_UUID_LEN + 1])
{
    jkb_sha1 s;
    unsigned char d[20];
    jkb_sha1_init(&s);
    jkb_sha1_update(&s, ns, 16);
    jkb_sha1_update(&s, name, len);
    jkb_sha1_final(&s, d);
    d[6] = (unsigned char)((d[6] & 0x0F) | 0x50); /* version 5 */
    d[8] = (unsigned char)((d[8] & 0x3F) | 0x80); /* RFC 4122 variant */
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hexd[d[i] >> 4];
        out[o++] = hexd[d[i] & 15];
    }
    out[o] = '\0';
}

void jkb_uuid5(const char *name, char out[JKB_UUID_LEN + 1]) { jkb_uuid5_ns(jkb_ns, name, strlen(name), out); }
