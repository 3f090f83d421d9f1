/*
 * The record's vocabulary (record.md) in the words of STIX 2.1 (Incident Core
 * incident-type-ov, industry-sector-ov, Impact information_type), the MISP
 * object templates and the veris / rsit taxonomies. docs/export.md shows these
 * tables; tests/export/validate_misp.py checks every tag against the taxonomies.
 */
#include "export_internal.h"

/* Indexed by jkb_category. VERIS tags whose value is "Unknown" are dropped
 * when the incident gets a known value for the same predicate. */
const jkb_xcat_map jkb_xcat[JKB_CAT__COUNT] = {
    [JKB_CAT_RANSOMWARE] = {{"compromised-system"},
                            {"ransomware", "compromised-system"},
                            {"action:malware:variety=\"Ransomware\"", "attribute:availability:variety=\"Obscuration\""},
                            {"malicious-code=\"infected-system\""}},
    [JKB_CAT_UNAUTHORIZED_ACCESS] = {{"unauthorized-access"},
                                     {"unauthorized-access-system"},
                                     {"action:hacking:variety=\"Unknown\""},
                                     {"intrusions=\"system-compromise\""}},
    [JKB_CAT_ACCOUNT_COMPROMISE] = {{"unauthorized-access", "unauthorized-use"},
                                    {"theft-access-credentials", "unauthorized-use"},
                                    {"action:hacking:variety=\"Use of stolen creds\""},
                                    {"intrusions=\"unprivileged-account-compromise\""}},
    [JKB_CAT_MALWARE] = {{"compromised-system"},
                         {"compromised-system"},
                         {"action:malware:variety=\"Unknown\""},
                         {"malicious-code=\"infected-system\""}},
    /* Phishing sent in the organization's name or at its customers says
     * nothing about its own systems: no STIX incident type fits. */
    [JKB_CAT_PHISHING] = {{NULL},
                          {"dissemination-phishing-emails"},
                          {"action:social:variety=\"Phishing\""},
                          {"fraud=\"phishing\""}},
    [JKB_CAT_CARD_SKIMMING] = {{"compromised-system", "unauthorized-release"},
                               {"compromised-system", "data-exfiltration"},
                               {"action:malware:variety=\"Capture app data\""},
                               {"intrusions=\"application-compromise\""}},
    [JKB_CAT_DDOS] = {{"denial-of-service"},
                      {"denial-of-service"},
                      {"action:hacking:variety=\"DoS\"", "attribute:availability:variety=\"Interruption\""},
                      {"availability=\"ddos\""}},
    [JKB_CAT_INSIDER_MISUSE] = {{"unauthorized-use"},
                                {"unauthorized-use"},
                                {"action:misuse:variety=\"Privilege abuse\""},
                                {"information-content-security=\"unauthorised-information-access\""}},
    [JKB_CAT_MISDELIVERY] = {{"unauthorized-release"},
                             {"unauthorized-release"},
                             {"action:error:variety=\"Misdelivery\""},
                             {"information-content-security=\"data-leak\""}},
    [JKB_CAT_MISCONFIGURATION] = {{"unauthorized-release"},
                                  {"misconfiguration", "unauthorized-release"},
                                  {"action:error:variety=\"Misconfiguration\""},
                                  {"information-content-security=\"data-leak\""}},
    /* record.md folds loss, theft and wrong disposal into one key; VERIS
     * "Loss" is the most frequent of them and claims no theft. */
    [JKB_CAT_LOSS_THEFT] = {{"equipment-loss"},
                            {"equipment-loss"},
                            {"action:error:variety=\"Loss\""},
                            {"information-content-security=\"data-loss\""}},
    [JKB_CAT_LEAK_CLAIM] = {{"unauthorized-release"},
                            {"data-exfiltration"},
                            {"discovery_method=\"Ext - actor disclosure\""},
                            {"information-content-security=\"data-leak\""}},
    [JKB_CAT_OTHER] = {{NULL}, {NULL}, {NULL}, {"other=\"other\""}},
};

/* Indexed by jkb_vector. Hacking vectors are tagged only on intrusions: a
 * contractor who misdelivers mail is no hacking vector. */
const jkb_xvec_map jkb_xvec[JKB_VEC__COUNT] = {
    [JKB_VEC_VPN] = {{"action:hacking:vector=\"VPN\""}, true},
    [JKB_VEC_RDP] = {{"action:hacking:vector=\"Desktop sharing\""}, true},
    [JKB_VEC_WEB_VULN] = {{"action:hacking:vector=\"Web application\""}, true},
    [JKB_VEC_SQLI] = {{"action:hacking:variety=\"SQLi\"", "action:hacking:vector=\"Web application\""}, true},
    [JKB_VEC_PHISHING_MAIL] = {{"action:social:variety=\"Phishing\"", "action:social:vector=\"Email\""}, false},
    [JKB_VEC_CREDENTIAL_STUFFING] = {{"action:hacking:variety=\"Brute force\""}, true},
    [JKB_VEC_CLOUD_SHARING] = {{NULL}, false},
    [JKB_VEC_EMAIL_ACCOUNT] = {{"asset:assets:variety=\"S - Mail\""}, false},
    [JKB_VEC_USB_MEDIA] = {{"asset:assets:variety=\"M - Flash drive\""}, false},
    [JKB_VEC_CONTRACTOR] = {{"action:hacking:vector=\"Partner\""}, true},
    [JKB_VEC_OTHER] = {{NULL}, false},
};

const uint32_t jkb_xhacking_cats = 1u << JKB_CAT_RANSOMWARE | 1u << JKB_CAT_UNAUTHORIZED_ACCESS |
                                   1u << JKB_CAT_ACCOUNT_COMPROMISE | 1u << JKB_CAT_MALWARE |
                                   1u << JKB_CAT_CARD_SKIMMING;

const char *jkb_xinfo_type(int dc)
{
    switch (dc) {
    case JKB_DATA_PASSWORD:
    case JKB_DATA_LOGIN_ID:
        return "credentials-user";
    case JKB_DATA_CREDIT_CARD:
        return "payment";
    case JKB_DATA_BANK_ACCOUNT:
        return "financial";
    case JKB_DATA_MEDICAL:
        return "phi";
    default: /* every other class of record.md is personal data */
        return dc >= 0 && dc < JKB_DATA__COUNT ? "pii" : NULL;
    }
}

const char *jkb_xveris_data(int dc)
{
    switch (dc) {
    case JKB_DATA_PASSWORD:
    case JKB_DATA_LOGIN_ID:
        return "Credentials";
    case JKB_DATA_CREDIT_CARD:
        return "Payment";
    case JKB_DATA_BANK_ACCOUNT:
        return "Bank";
    case JKB_DATA_MEDICAL:
        return "Medical";
    case JKB_DATA_OTHER:
        return "Other";
    default: /* my_number too: the taxonomy has no "Sensitive Personal" */
        return dc >= 0 && dc < JKB_DATA__COUNT ? "Personal" : NULL;
    }
}

/* A company or an "other" body can be in any sector: none is claimed. */
const char *jkb_xsector_stix(int kind)
{
    switch (kind) {
    case JKB_ORG_MEDICAL: return "healthcare";
    case JKB_ORG_LOCAL_GOV: return "government-local";
    case JKB_ORG_NATIONAL_GOV: return "government-national";
    case JKB_ORG_EDUCATION: return "education";
    case JKB_ORG_NONPROFIT: return "non-profit";
    default: return NULL;
    }
}

const char *jkb_xsector_misp(int kind)
{
    switch (kind) {
    case JKB_ORG_MEDICAL: return "healthcare";
    case JKB_ORG_LOCAL_GOV: return "government local";
    case JKB_ORG_NATIONAL_GOV: return "government national";
    case JKB_ORG_EDUCATION: return "education";
    case JKB_ORG_NONPROFIT: return "non profit";
    default: return NULL;
    }
}

/* Data named as exposed is at least a suspected loss, even when the notice
 * does not say whether it left; misuse seen (二次被害) makes it exploited. */
const char *jkb_xloss_type(int leak, int secondary)
{
    if (secondary == JKB_SEC_CONFIRMED && leak != JKB_LEAK_NONE)
        return "exploited-loss";
    switch (leak) {
    case JKB_LEAK_CONFIRMED: return "confirmed-loss";
    case JKB_LEAK_NONE: return "none";
    default: return "suspected-loss";
    }
}

const char *jkb_xdisclosure(int leak)
{
    switch (leak) {
    case JKB_LEAK_CONFIRMED: return "Yes";
    case JKB_LEAK_POSSIBLE: return "Potentially";
    case JKB_LEAK_NONE: return "No";
    default: return "Unknown";
    }
}
