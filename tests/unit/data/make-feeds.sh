#!/bin/sh
# Regenerates feed-sjis.xml (test_feed.c) from its UTF-8 source: CP932, so
# that ㈱, ① and ～ come out as Windows writes them in Shift_JIS.
set -eu
cd "$(dirname "$0")"
iconv -f UTF-8 -t CP932 feed-sjis.utf8.xml > feed-sjis.xml
