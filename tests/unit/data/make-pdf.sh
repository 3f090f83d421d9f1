#!/bin/sh
# Regenerates the PDF fixtures of test_pdf.c: notice-ja.pdf and notice-en.pdf
# by make-pdf.c (cairo; the Japanese one needs the IPAGothic font of Debian's
# fonts-ipafont-gothic), notice-encrypted.pdf by make-pdf-encrypted.py, a ZIP
# archive named .pdf and a PDF cut short. The results are committed, so the
# tests need neither cairo nor the font.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc make-pdf.c $(pkg-config --cflags --libs cairo) -o "$tmp/make-pdf"
"$tmp/make-pdf" .
python3 make-pdf-encrypted.py
python3 -c '
import zipfile
with zipfile.ZipFile("notice-fake.pdf", "w") as z:
    z.writestr("notice.txt", "This is a ZIP archive, not a PDF.\n")
'
head -c 5000 notice-ja.pdf > notice-truncated.pdf
