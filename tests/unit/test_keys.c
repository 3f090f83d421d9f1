/* Every enum of the record round-trips through its record.md key, so the C
 * constants and the schema cannot drift apart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "jikenbo/jikenbo.h"

static void roundtrip(const char *(*fn)(int), int count)
{
    for (int i = 0; i < count; i++) {
        const char *k = fn(i);
        assert_non_null(k);
        assert_int_equal(jkb_key_lookup(fn, k, strlen(k)), i);
    }
    assert_null(fn(count));
    assert_null(fn(-1));
    assert_int_equal(jkb_key_lookup(fn, "no-such-key", 11), -1);
}

static void test_roundtrip(void **state)
{
    (void)state;
    roundtrip(jkb_org_kind_key, JKB_ORG__COUNT);
    roundtrip(jkb_category_key, JKB_CAT__COUNT);
    roundtrip(jkb_data_class_key, JKB_DATA__COUNT);
    roundtrip(jkb_vector_key, JKB_VEC__COUNT);
    roundtrip(jkb_authority_key, JKB_AUTH__COUNT);
    roundtrip(jkb_measure_key, JKB_MEAS__COUNT);
    roundtrip(jkb_leak_key, JKB_LEAK__COUNT);
    roundtrip(jkb_secondary_key, JKB_SEC__COUNT);
    roundtrip(jkb_qualifier_key, JKB_QUAL__COUNT);
    roundtrip(jkb_event_key, JKB_EV__COUNT);
    roundtrip(jkb_field_key, JKB_F__COUNT);
}

/* Spot checks against record.md's spelling. */
static void test_spelling(void **state)
{
    (void)state;
    assert_string_equal(jkb_category_key(JKB_CAT_UNAUTHORIZED_ACCESS), "unauthorized_access");
    assert_string_equal(jkb_category_key(JKB_CAT_LEAK_CLAIM), "leak_claim");
    assert_string_equal(jkb_data_class_key(JKB_DATA_MY_NUMBER), "my_number");
    assert_string_equal(jkb_vector_key(JKB_VEC_CREDENTIAL_STUFFING), "credential_stuffing");
    assert_string_equal(jkb_authority_key(JKB_AUTH_PPC), "ppc");
    assert_string_equal(jkb_measure_key(JKB_MEAS_PASSWORD_RESET), "password_reset");
    assert_string_equal(jkb_org_kind_key(JKB_ORG_NATIONAL_GOV), "national_gov");
    assert_string_equal(jkb_secondary_key(JKB_SEC_NOT_CONFIRMED), "not_confirmed");
    assert_string_equal(jkb_event_key(JKB_EV_RESTORED), "restored");
    assert_string_equal(jkb_field_key(JKB_F_SECONDARY_DAMAGE), "secondary_damage");
    assert_string_equal(jkb_status_name(JKB_EUTF8), "EUTF8");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_spelling),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
