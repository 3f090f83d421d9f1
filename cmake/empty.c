/* An empty translation unit: a library target needs one source even before its
 * sources exist. */
typedef int jkb_empty_unit;
