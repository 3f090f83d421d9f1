#!/bin/sh
# Regenerates the encoded fixtures from the UTF-8 sources beside this script.
# The sources (*.utf8.txt, *.utf8.html, page.html, *.expected.txt) are written
# by hand; everything else here is made by this script with iconv and printf.
set -eu
cd "$(dirname "$0")"

printf '\357\273\277' | cat - notice.utf8.txt > notice.bom.txt
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE notice.utf8.txt; } > notice.utf16le.txt
{ printf '\376\377'; iconv -f UTF-8 -t UTF-16BE notice.utf8.txt; } > notice.utf16be.txt
iconv -f UTF-8 -t UTF-16LE notice.utf8.txt > notice.utf16le-nobom.txt
iconv -f UTF-8 -t SHIFT_JIS notice.utf8.txt > notice.sjis.txt
iconv -f UTF-8 -t EUC-JP notice.utf8.txt > notice.eucjp.txt
iconv -f UTF-8 -t ISO-2022-JP notice.utf8.txt > notice.jis.txt
sed 's/$/\r/' notice.utf8.txt | iconv -f UTF-8 -t SHIFT_JIS > notice.crlf.sjis.txt
tr '\n' '\r' < notice.utf8.txt > notice.cr.txt

# CP932-only characters: NEC row 13 (①, ㈱, №, Ⅲ), IBM extensions (ⅱ, 髙, 﨑).
iconv -f UTF-8 -t CP932 cp932ext.utf8.txt > cp932ext.cp932.txt
iconv -f UTF-8 -t EUC-JP-MS cp932ext.utf8.txt > cp932ext.eucjpms.txt

# cp50221.utf8.txt as Windows writes it in ISO-2022-JP: NEC row 13 and the
# NEC-selected IBM row 92 (髙) after ESC $ B, half-width kana after ESC ( I.
printf '%b' '\033$B-!Ho32$N>u67\033(B \033$B-j\045F\0459\045H>&;v\033(B \033$B-b\033(B12 \033(I6@6E\033(B \033$B|b66\033(B\n' > cp50221.jis.txt

iconv -f UTF-8 -t CP932 page-sjis.utf8.html > page-sjis.html
iconv -f UTF-8 -t EUC-JP page-eucjp.utf8.html > page-eucjp.html
