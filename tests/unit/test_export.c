/* The export library: SHA-1 and UUIDv5 against published vectors, the galaxy
 * lookup, and STIX / MISP exports of small records (facts mapped, follow-ups
 * merged, output independent of input order, errors that leave the exporter
 * usable). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "jikenbo/export.h"
#include "export_internal.h"

typedef struct out {
    char *p;
    size_t n;
    int fail; /* make the writer fail */
} out;

static int collect(const char *p, size_t n, void *ud)
{
    out *o = ud;
    if (o->fail)
        return -1;
    char *q = realloc(o->p, o->n + n + 1);
    if (!q)
        return -1;
    memcpy(q + o->n, p, n);
    o->p = q;
    o->n += n;
    o->p[o->n] = '\0';
    return 0;
}

static const char *REC_A =
    "{\"case_id\":\"2023-004\",\"title\":\"不正アクセスによる個人情報流出に関するお詫びとお知らせ\","
    "\"org\":\"株式会社メディウェル\",\"org_kind\":\"company\",\"published\":\"2023-01-05\",\"report_no\":null,"
    "\"categories\":[\"ransomware\",\"unauthorized_access\"],\"affected\":3325,\"affected_qualifier\":\"exact\","
    "\"data_classes\":[\"name\",\"address\",\"credit_card\"],\"leak_status\":\"possible\",\"actors\":[\"LockBit 3.0\"],"
    "\"vectors\":[\"vpn\"],\"cves\":[\"CVE-2023-27997\",\"CVE-12\"],\"authorities\":[\"ppc\"],\"timeline\":[],"
    "\"victims\":[],\"secondary_damage\":\"unknown\",\"measures\":[],\"evidence\":{},"
    "\"source\":{\"file\":\"/some/where/casebook.txt\",\"index\":1}}";
/* Its follow-up: a later date, a final count, the leak confirmed. */
static const char *REC_B =
    "{\"case_id\":null,\"title\":\"第2報\",\"org\":\"株式会社メディウェル\",\"org_kind\":\"company\","
    "\"published\":\"2023-02-10\",\"report_no\":2,\"categories\":[\"ransomware\"],\"affected\":4000,"
    "\"affected_qualifier\":\"approx\",\"data_classes\":[\"email\"],\"leak_status\":\"confirmed\","
    "\"actors\":[],\"vectors\":[],\"cves\":[],\"timeline\":[],\"victims\":[],\"secondary_damage\":\"unknown\","
    "\"source\":{\"url\":\"https://example.jp/news/2\"}}";
static const char *REC_C =
    "{\"case_id\":null,\"title\":\"誤送信について\",\"org\":\"渋谷区\",\"org_kind\":\"local_gov\","
    "\"published\":null,\"categories\":[\"misdelivery\"],\"affected\":12,\"data_classes\":[\"name\"],"
    "\"leak_status\":\"confirmed\",\"timeline\":[{\"event\":\"occurred\",\"date\":\"2024-03-01\"}]}";

static json_t *run(jkb_export_format fmt, const char *const *recs, const char *const *incident, size_t n, int flags)
{
    jkb_exporter *x = NULL;
    jkb_err err = {0};
    jkb_export_opts o = {0};
    o.flags = flags;
    assert_int_equal(jkb_export_new(fmt, &o, &x, &err), JKB_OK);
    for (size_t i = 0; i < n; i++) {
        jkb_export_item it = {recs[i], strlen(recs[i]), NULL, incident ? incident[i] : NULL, NULL};
        assert_int_equal(jkb_export_add(x, &it, &err), JKB_OK);
    }
    out w = {0};
    assert_int_equal(jkb_export_finish(x, collect, &w, &err), JKB_OK);
    jkb_export_free(x);
    assert_non_null(w.p);
    assert_int_equal(w.p[w.n - 1], '\n');
    json_error_t je;
    json_t *j = json_loads(w.p, 0, &je);
    free(w.p);
    assert_non_null(j);
    return j;
}

static char *dump(jkb_export_format fmt, const char *const *recs, const char *const *incident, size_t n)
{
    json_t *j = run(fmt, recs, incident, n, 0);
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return s;
}

static json_t *find(json_t *bundle, const char *type, int nth)
{
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(bundle, "objects"), i, o) {
        if (strcmp(json_string_value(json_object_get(o, "type")), type) == 0 && nth-- == 0)
            return o;
    }
    return NULL;
}

static int count(json_t *bundle, const char *type)
{
    int n = 0;
    while (find(bundle, type, n))
        n++;
    return n;
}

static void test_sha1(void **state)
{
    (void)state;
    static const struct {
        const char *in, *hex;
    } v[] = {
        {"", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
        {"abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        jkb_sha1 s;
        unsigned char d[20];
        char hex[41];
        jkb_sha1_init(&s);
        jkb_sha1_update(&s, v[i].in, strlen(v[i].in));
        jkb_sha1_final(&s, d);
        jkb_hex(d, 20, hex);
        assert_string_equal(hex, v[i].hex);
    }
    /* A million 'a', fed unevenly across block boundaries. */
    jkb_sha1 s;
    unsigned char d[20];
    char hex[41], a[1000];
    memset(a, 'a', sizeof a);
    jkb_sha1_init(&s);
    for (size_t done = 0, step = 1; done < 1000000; done += step, step = step % 997 + 1) {
        if (done + step > 1000000)
            step = 1000000 - done;
        jkb_sha1_update(&s, a, step);
    }
    jkb_sha1_final(&s, d);
    jkb_hex(d, 20, hex);
    assert_string_equal(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

static void test_uuid5(void **state)
{
    (void)state;
    /* RFC 9562's DNS namespace; Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org"). */
    static const unsigned char dns[16] = {0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
                                          0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
    char u[JKB_UUID_LEN + 1];
    jkb_uuid5_ns(dns, "python.org", 10, u);
    assert_string_equal(u, "886313e1-3b8a-5372-9b90-0c9aee199e5d");
    /* jikenbo's namespace is fixed for good (docs/export.md). */
    jkb_uuid5("identity|jikenbo", u);
    assert_string_equal(u, "5e4be493-bc8d-53e4-842d-9b2d30a52157");
}

static void test_galaxy(void **state)
{
    (void)state;
    jkb_xcluster c;
    assert_true(jkb_galaxy_find("LockBit 3.0", &c));
    assert_string_equal(c.value, "Lockbit3");
    assert_int_equal(c.galaxy, JKB_GALAXY_RANSOMWARE);
    assert_true(jkb_galaxy_find("LockBit", &c));
    assert_string_equal(c.value, "LockBit");
    assert_true(jkb_galaxy_find("LockBit Black", &c));
    assert_string_equal(c.value, "Lockbit3");
    assert_true(jkb_galaxy_find("ALPHV", &c));
    assert_string_equal(c.value, "BlackCat");
    assert_true(jkb_galaxy_find(" Hunters International ", &c));
    assert_string_equal(c.value, "hunters");
    assert_true(jkb_galaxy_find("Akira", &c)); /* a ransomware value beats a threat-actor synonym */
    assert_int_equal(c.galaxy, JKB_GALAXY_RANSOMWARE);
    assert_true(jkb_galaxy_find("NoName057(16)", &c));
    assert_int_equal(c.galaxy, JKB_GALAXY_THREAT_ACTOR);
    assert_true(jkb_galaxy_find("Akira v2", &c)); /* a version falls back to the family */
    assert_string_equal(c.value, "Akira");
    assert_false(jkb_galaxy_find("Anonymous", &c));
    assert_false(jkb_galaxy_find("", &c));
    assert_false(jkb_galaxy_find("3.0", &c));
    assert_false(jkb_galaxy_find("No Such Gang 4", &c));
}

static void test_stix_objects(void **state)
{
    (void)state;
    const char *recs[] = {REC_A};
    json_t *b = run(JKB_EXPORT_STIX, recs, NULL, 1, 0);
    assert_string_equal(json_string_value(json_object_get(b, "type")), "bundle");
    assert_int_equal(count(b, "extension-definition"), 2);
    assert_int_equal(count(b, "identity"), 2); /* jikenbo and the victim */
    assert_int_equal(count(b, "incident"), 1);
    assert_int_equal(count(b, "impact"), 2); /* pii, payment */
    assert_int_equal(count(b, "intrusion-set"), 1);
    assert_int_equal(count(b, "vulnerability"), 1); /* CVE-12 is no CVE id */
    assert_int_equal(count(b, "report"), 1);
    assert_int_equal(count(b, "relationship"), 3); /* targets ×2, attributed-to */

    json_t *inc = find(b, "incident", 0);
    assert_string_equal(json_string_value(json_object_get(inc, "created")), "2023-01-05T00:00:00.000Z");
    json_t *ext = json_object_get(json_object_get(inc, "extensions"),
                                  "extension-definition--ef765651-680c-498d-9894-99799f2fa126");
    assert_non_null(ext);
    assert_string_equal(json_string_value(json_object_get(ext, "extension_type")), "property-extension");
    assert_string_equal(json_string_value(json_object_get(ext, "determination")), "successful-attempt");
    assert_string_equal(json_string_value(json_object_get(ext, "investigation_status")), "open");
    json_t *types = json_object_get(ext, "incident_types");
    assert_int_equal(json_array_size(types), 2);
    assert_string_equal(json_string_value(json_array_get(types, 0)), "compromised-system");
    assert_string_equal(json_string_value(json_array_get(types, 1)), "unauthorized-access");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(ext, "impacted_entity_counts"), "individual")),
                     3325);

    json_t *imp = find(b, "impact", 0);
    json_t *conf = json_object_get(json_object_get(imp, "extensions"), "confidentiality-ext");
    assert_non_null(conf);
    assert_string_equal(json_string_value(json_object_get(conf, "loss_type")), "suspected-loss");
    assert_int_equal(json_integer_value(json_object_get(conf, "record_count")), 3325);
    assert_string_equal(json_string_value(json_object_get(imp, "incident_ref")),
                        json_string_value(json_object_get(inc, "id")));

    json_t *is = find(b, "intrusion-set", 0);
    assert_string_equal(json_string_value(json_object_get(is, "name")), "LockBit 3.0");
    assert_string_equal(json_string_value(json_array_get(json_object_get(is, "aliases"), 0)), "Lockbit3");

    json_t *victim = find(b, "identity", 1);
    if (strcmp(json_string_value(json_object_get(victim, "identity_class")), "system") == 0)
        victim = find(b, "identity", 0);
    assert_string_equal(json_string_value(json_object_get(victim, "name")), "株式会社メディウェル");
    assert_null(json_object_get(victim, "sectors")); /* a company has no sector of its own */

    json_t *rep = find(b, "report", 0);
    assert_string_equal(json_string_value(json_object_get(rep, "published")), "2023-01-05T00:00:00.000Z");
    assert_int_equal(json_array_size(json_object_get(rep, "object_refs")), 9);
    json_t *ref = json_array_get(json_object_get(rep, "external_references"), 0);
    assert_string_equal(json_string_value(json_object_get(ref, "external_id")), "2023-004");
    assert_string_equal(json_string_value(json_object_get(ref, "description")), "casebook.txt");
    json_decref(b);
}

static void test_followup_merged(void **state)
{
    (void)state;
    const char *recs[] = {REC_A, REC_B};
    const char *keys[] = {"inc-1", "inc-1"};
    json_t *b = run(JKB_EXPORT_STIX, recs, keys, 2, JKB_EXPORT_NO_EXTDEFS);
    assert_int_equal(count(b, "extension-definition"), 0);
    assert_int_equal(count(b, "incident"), 1);
    assert_int_equal(count(b, "report"), 2);
    json_t *inc = find(b, "incident", 0);
    assert_string_equal(json_string_value(json_object_get(inc, "created")), "2023-01-05T00:00:00.000Z");
    assert_string_equal(json_string_value(json_object_get(inc, "modified")), "2023-02-10T00:00:00.000Z");
    json_t *ext = json_object_get(json_object_get(inc, "extensions"),
                                  "extension-definition--ef765651-680c-498d-9894-99799f2fa126");
    /* The later notice's count and leak status win; both are known now. */
    assert_int_equal(json_integer_value(json_object_get(json_object_get(ext, "impacted_entity_counts"), "individual")),
                     4000);
    assert_string_equal(json_string_value(json_object_get(ext, "investigation_status")), "closed");
    json_t *imp = find(b, "impact", 0);
    json_t *conf = json_object_get(json_object_get(imp, "extensions"), "confidentiality-ext");
    assert_string_equal(json_string_value(json_object_get(conf, "loss_type")), "confirmed-loss");
    /* The follow-up's URL is its reference. */
    int urls = 0;
    for (int i = 0; i < 2; i++) {
        json_t *ref = json_array_get(json_object_get(find(b, "report", i), "external_references"), 0);
        urls += json_object_get(ref, "url") != NULL;
    }
    assert_int_equal(urls, 1);
    json_decref(b);
}

static void test_deterministic(void **state)
{
    (void)state;
    const char *fwd[] = {REC_A, REC_B, REC_C}, *rev[] = {REC_C, REC_B, REC_A};
    const char *kf[] = {"i", "i", NULL}, *kr[] = {NULL, "i", "i"};
    for (int f = 0; f < JKB_EXPORT__COUNT; f++) {
        char *a = dump((jkb_export_format)f, fwd, kf, 3);
        char *b = dump((jkb_export_format)f, rev, kr, 3);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
}

static void test_undated(void **state)
{
    (void)state;
    /* REC_C has no published date: its timeline dates it. */
    const char *recs[] = {REC_C};
    json_t *b = run(JKB_EXPORT_STIX, recs, NULL, 1, 0);
    json_t *rep = find(b, "report", 0);
    assert_string_equal(json_string_value(json_object_get(rep, "published")), "2024-03-01T00:00:00.000Z");
    json_t *victim = find(b, "identity", 0);
    if (strcmp(json_string_value(json_object_get(victim, "name")), "jikenbo") == 0)
        victim = find(b, "identity", 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(victim, "sectors"), 0)), "government-local");
    json_decref(b);
    /* Nothing dated at all: the fallback, never the clock. */
    const char *bare = "{\"org\":\"X社\",\"categories\":[\"other\"]}";
    jkb_exporter *x = NULL;
    jkb_err err = {0};
    jkb_export_opts o = {0};
    o.fallback_date = "2001-02-03";
    assert_int_equal(jkb_export_new(JKB_EXPORT_MISP, &o, &x, &err), JKB_OK);
    jkb_export_item it = {bare, strlen(bare), NULL, NULL, NULL};
    assert_int_equal(jkb_export_add(x, &it, &err), JKB_OK);
    out w = {0};
    assert_int_equal(jkb_export_finish(x, collect, &w, &err), JKB_OK);
    assert_non_null(strstr(w.p, "\"date\":\"2001-02-03\""));
    free(w.p);
    jkb_export_free(x);
}

static bool has_tag(json_t *ev, const char *name)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(ev, "Tag"), i, t) {
        if (strcmp(json_string_value(json_object_get(t, "name")), name) == 0)
            return true;
    }
    return false;
}

static void test_misp(void **state)
{
    (void)state;
    const char *recs[] = {REC_A};
    json_t *m = run(JKB_EXPORT_MISP, recs, NULL, 1, JKB_EXPORT_PRETTY);
    json_t *list = json_object_get(m, "response");
    assert_int_equal(json_array_size(list), 1);
    json_t *ev = json_object_get(json_array_get(list, 0), "Event");
    assert_string_equal(json_string_value(json_object_get(ev, "date")), "2023-01-05");
    assert_string_equal(json_string_value(json_object_get(ev, "distribution")), "0");
    assert_true(has_tag(ev, "misp-galaxy:ransomware=\"Lockbit3\""));
    assert_true(has_tag(ev, "veris:action:malware:variety=\"Ransomware\""));
    assert_true(has_tag(ev, "veris:action:hacking:vector=\"VPN\""));
    assert_true(has_tag(ev, "veris:attribute:confidentiality:data:variety=\"Payment\""));
    assert_true(has_tag(ev, "veris:attribute:confidentiality:data_disclosure=\"Potentially\""));
    assert_true(has_tag(ev, "rsit:intrusions=\"system-compromise\""));
    /* "Unknown" gives way to a known value of the same predicate. */
    assert_false(has_tag(ev, "veris:action:hacking:variety=\"Unknown\"") &&
                 has_tag(ev, "veris:action:hacking:variety=\"SQLi\""));
    json_t *objs = json_object_get(ev, "Object");
    assert_string_equal(json_string_value(json_object_get(json_array_get(objs, 0), "name")), "incident");
    int impacts = 0, victims = 0, reports = 0;
    size_t i;
    json_t *o;
    json_array_foreach(objs, i, o) {
        const char *n = json_string_value(json_object_get(o, "name"));
        impacts += strcmp(n, "confidentiality-impact") == 0;
        victims += strcmp(n, "victim") == 0;
        reports += strcmp(n, "report") == 0;
    }
    assert_int_equal(impacts, 2);
    assert_int_equal(victims, 1);
    assert_int_equal(reports, 1);
    json_decref(m);
}

static void test_errors(void **state)
{
    (void)state;
    jkb_exporter *x = NULL;
    jkb_err err = {0};
    jkb_export_opts o = {0};
    o.fallback_date = "2023-02-30";
    assert_int_equal(jkb_export_new(JKB_EXPORT_STIX, &o, &x, &err), JKB_EINVAL);
    assert_null(x);
    o.fallback_date = NULL;
    o.misp_distribution = 5;
    assert_int_equal(jkb_export_new(JKB_EXPORT_MISP, &o, &x, &err), JKB_EINVAL);
    o.misp_distribution = 0;
    assert_int_equal(jkb_export_new((jkb_export_format)7, &o, &x, &err), JKB_EINVAL);
    assert_int_equal(jkb_export_new(JKB_EXPORT_STIX, NULL, &x, &err), JKB_OK);

    const char *bad[] = {"{\"org\":", "[1,2]", "{\"categories\":\"ddos\"}", "{\"actors\":[1]}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        jkb_export_item it = {bad[i], strlen(bad[i]), NULL, NULL, NULL};
        assert_int_equal(jkb_export_add(x, &it, &err), JKB_EINVAL);
        assert_true(err.msg[0] != '\0');
    }
    /* Still usable; the same notice twice counts once. */
    jkb_export_item it = {REC_A, strlen(REC_A), "k1", NULL, NULL};
    assert_int_equal(jkb_export_add(x, &it, &err), JKB_OK);
    assert_int_equal(jkb_export_add(x, &it, &err), JKB_OK);
    assert_int_equal(jkb_export_count(x), 1);
    out w = {0, 0, 1};
    assert_int_equal(jkb_export_finish(x, collect, &w, &err), JKB_EIO);
    assert_int_equal(jkb_export_finish(x, collect, &w, &err), JKB_EINVAL); /* once */
    assert_int_equal(jkb_export_add(x, &it, &err), JKB_EINVAL);
    jkb_export_free(x);
    jkb_export_free(NULL);

    assert_string_equal(jkb_export_format_key(JKB_EXPORT_MISP), "misp");
    assert_int_equal(jkb_key_lookup(jkb_export_format_key, "stix", 4), JKB_EXPORT_STIX);
    assert_null(jkb_export_format_key(JKB_EXPORT__COUNT));
}

static void test_empty(void **state)
{
    (void)state;
    json_t *b = run(JKB_EXPORT_STIX, NULL, NULL, 0, 0);
    assert_int_equal(count(b, "identity"), 1);
    json_decref(b);
    json_t *m = run(JKB_EXPORT_MISP, NULL, NULL, 0, 0);
    assert_int_equal(json_array_size(json_object_get(m, "response")), 0);
    json_decref(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha1),         cmocka_unit_test(test_uuid5),
        cmocka_unit_test(test_galaxy),       cmocka_unit_test(test_stix_objects),
        cmocka_unit_test(test_followup_merged), cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_undated),      cmocka_unit_test(test_misp),
        cmocka_unit_test(test_errors),       cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
