/*
 * Names of statuses and the schema keys of every enum of record.md. The key
 * tables are the single place where C constants meet record.md's spelling;
 * tests/unit/test_keys.c round-trips them.
 */
#include <string.h>
#include "jikenbo/jikenbo.h"

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define KEYFN(fn, arr)                                                                             \
    const char *fn(int v) { return v >= 0 && v < COUNT(arr) ? arr[v] : NULL; }

static const char *const status_names[] = {"OK", "ENOMEM", "EINVAL", "EUTF8", "ETOOBIG",
                                           "EIO", "ESTORE", "ENOTFOUND", "EFORMAT", "ESTOP"};
static const char *const status_strs[] = {"success",
                                          "out of memory",
                                          "invalid argument",
                                          "invalid UTF-8",
                                          "input too large",
                                          "input/output error",
                                          "storage error",
                                          "not found",
                                          "unsupported format",
                                          "stopped by the caller"};

const char *jkb_status_name(jkb_status s)
{
    return (int)s >= 0 && (int)s < COUNT(status_names) ? status_names[s] : "EUNKNOWN";
}
const char *jkb_status_str(jkb_status s)
{
    return (int)s >= 0 && (int)s < COUNT(status_strs) ? status_strs[s] : "unknown error";
}
const char *jkb_version(void) { return JKB_VERSION; }

static const char *const org_kinds[] = {"company",   "medical",   "local_gov", "national_gov",
                                        "education", "nonprofit", "other"};
static const char *const categories[] = {
    "ransomware",   "unauthorized_access", "account_compromise", "malware",    "phishing",
    "card_skimming", "ddos",               "insider_misuse",     "misdelivery", "misconfiguration",
    "loss_theft",   "leak_claim",          "other"};
static const char *const data_classes[] = {
    "name",        "address",      "phone",    "email",    "birth_date",
    "gender",      "password",     "login_id", "credit_card", "bank_account",
    "employer",    "medical",      "my_number", "customer_id", "other"};
static const char *const vectors[] = {"vpn",           "rdp",           "web_vuln",
                                      "sqli",          "phishing_mail", "credential_stuffing",
                                      "cloud_sharing", "email_account", "usb_media",
                                      "contractor",    "other"};
static const char *const authorities[] = {"ppc",    "police",  "ministry", "ipa",
                                          "jpcert", "foreign", "local_gov"};
static const char *const measures[] = {"waf",       "mfa",         "password_reset", "isolation",
                                       "forensics", "site_closed", "training",       "monitoring"};
static const char *const leaks[] = {"confirmed", "possible", "none", "unknown"};
static const char *const secondaries[] = {"confirmed", "not_confirmed", "unknown"};
static const char *const qualifiers[] = {"exact", "approx", "upper", "lower"};
static const char *const events[] = {"occurred", "detected",  "contained", "reported",
                                     "notified", "published", "restored"};
static const char *const fields[] = {
    "case_id",  "title",       "org",         "org_kind",    "published",        "report_no",
    "categories", "affected",  "affected_qualifier", "data_classes", "leak_status", "actors",
    "vectors",  "cves",        "authorities", "timeline",    "victims",          "secondary_damage",
    "measures"};

_Static_assert(COUNT(org_kinds) == JKB_ORG__COUNT, "org kinds");
_Static_assert(COUNT(categories) == JKB_CAT__COUNT, "categories");
_Static_assert(COUNT(data_classes) == JKB_DATA__COUNT, "data classes");
_Static_assert(COUNT(vectors) == JKB_VEC__COUNT, "vectors");
_Static_assert(COUNT(authorities) == JKB_AUTH__COUNT, "authorities");
_Static_assert(COUNT(measures) == JKB_MEAS__COUNT, "measures");
_Static_assert(COUNT(leaks) == JKB_LEAK__COUNT, "leaks");
_Static_assert(COUNT(secondaries) == JKB_SEC__COUNT, "secondary");
_Static_assert(COUNT(qualifiers) == JKB_QUAL__COUNT, "qualifiers");
_Static_assert(COUNT(events) == JKB_EV__COUNT, "events");
_Static_assert(COUNT(fields) == JKB_F__COUNT, "fields");

KEYFN(jkb_org_kind_key, org_kinds)
KEYFN(jkb_category_key, categories)
KEYFN(jkb_data_class_key, data_classes)
KEYFN(jkb_vector_key, vectors)
KEYFN(jkb_authority_key, authorities)
KEYFN(jkb_measure_key, measures)
KEYFN(jkb_leak_key, leaks)
KEYFN(jkb_secondary_key, secondaries)
KEYFN(jkb_qualifier_key, qualifiers)
KEYFN(jkb_event_key, events)
KEYFN(jkb_field_key, fields)

int jkb_key_lookup(const char *(*table)(int), const char *key, size_t len)
{
    for (int i = 0;; i++) {
        const char *k = table(i);
        if (!k)
            return -1;
        if (strlen(k) == len && memcmp(k, key, len) == 0)
            return i;
    }
}
