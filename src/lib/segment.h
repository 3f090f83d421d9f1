/*
 * Segmentation: one input may hold one notice or a casebook of many. A
 * notice starts at a casebook header (【セキュリティ事件簿#2023-004】…), or,
 * in a file that has such headers, at a title line standing between blank
 * lines that ends in a date or a BY byline.
 */
#ifndef JKB_SEGMENT_H
#define JKB_SEGMENT_H

#include <stddef.h>
#include "jikenbo/jikenbo.h"
#include "util.h"

/* Append the notices of doc[0, len) to out (a jkb_vec of jkb_span), in order. */
jkb_status jkb_segment(const char *doc, size_t len, jkb_vec *out);

#endif
