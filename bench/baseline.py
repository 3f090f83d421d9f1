#!/usr/bin/env python3
"""Straightforward Python 3 regex extractor: the comparison point of bench/run.sh.

usage: bench/baseline.py [--lexicon-dir DIR] [--no-actors] FILE > records.ndjson

Does work comparable to `jikenbo extract --format ndjson` with the standard
library only and no tricks either way: read the file, decode UTF-8, split it
into notices at casebook headers, NFKC-normalize each notice, scan it with one
alternation regex of every lexicon term (first column of data/lexicon/*.tsv,
re.escape'd, longest first) plus a date regex and a count regex, build one dict
per notice (case id and title from the header, counts, dates, keyword hits by
field) and print it as one JSON line. Single process, single thread.

--no-actors leaves out actors*.tsv (about 4,500 threat-actor names from the
MISP galaxy). Python's re tries the branches of an alternation one by one, so
the full lexicon (about 5,300 terms) makes the scan several times slower; the
variant without actors is closer to the 300-keyword script of the design notes
and gives the conservative ratio.
"""
import glob
import json
import os
import re
import sys
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))


def load_lexicon(lexdir, actors=True):
    terms = {}
    for path in sorted(glob.glob(os.path.join(lexdir, "*.tsv"))):
        if not actors and os.path.basename(path).startswith("actors"):
            continue
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if not line or line.startswith("#"):
                    continue
                cols = line.split("\t")
                term = unicodedata.normalize("NFKC", cols[0])
                field = cols[1] if len(cols) > 1 else ""
                value = cols[2] if len(cols) > 2 else term
                if term and term not in terms:
                    terms[term] = (field, value)
    return terms


# 【セキュリティ事件簿#2023-123】 at the start of a line
HEADER_RE = re.compile(r"^[ \t]*【[^】\n]{0,40}?[#＃][^】\n]*】", re.M)
CASE_RE = re.compile(r"【[^】#]*#([^】]+)】\s*(.*)")
DATE_RE = re.compile(
    r"(?:(\d{4})\s*年|(令和|平成)\s*(元|\d{1,2})\s*年)\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
    r"|同月\s*(\d{1,2})\s*日"
)
COUNT_RE = re.compile(r"(約|最大|計|合計|延べ)?\s*(\d[\d,]*)\s*(万)?\s*(件|名様|名|人|社)")
ERA = {"令和": 2018, "平成": 1988}


def parse_dates(text):
    out = []
    year = month = None
    for m in DATE_RE.finditer(text):
        if m.group(6):  # 同月D日
            if year is None:
                continue
            d = int(m.group(6))
        else:
            if m.group(1):
                year = int(m.group(1))
            else:
                ey = 1 if m.group(3) == "元" else int(m.group(3))
                year = ERA[m.group(2)] + ey
            month = int(m.group(4))
            d = int(m.group(5))
        out.append({"date": f"{year:04d}-{month:02d}-{d:02d}", "start": m.start()})
    return out


def parse_counts(text):
    out = []
    for m in COUNT_RE.finditer(text):
        n = int(m.group(2).replace(",", ""))
        if m.group(3):
            n *= 10000
        out.append({"n": n, "unit": m.group(4), "qualifier": m.group(1) or None, "start": m.start()})
    return out


def extract(notice, kw_re, terms):
    text = unicodedata.normalize("NFKC", notice)
    first, _, _ = text.partition("\n")
    rec = {"case_id": None, "title": None}
    m = CASE_RE.match(first.strip())
    if m:
        rec["case_id"] = m.group(1)
        rec["title"] = m.group(2).strip()
    hits = {}
    for km in kw_re.finditer(text):
        field, value = terms[km.group()]
        hits.setdefault(field, {}).setdefault(value, []).append(km.start())
    rec["counts"] = parse_counts(text)
    rec["dates"] = parse_dates(text)
    if rec["dates"] and rec["dates"][0]["start"] < len(first):
        rec["published"] = rec["dates"][0]["date"]
    rec["hits"] = hits
    return rec


def main(argv):
    lexdir = os.path.join(HERE, "..", "data", "lexicon")
    actors = True
    args = argv[1:]
    while args and args[0].startswith("--"):
        if len(args) >= 2 and args[0] == "--lexicon-dir":
            lexdir = args[1]
            args = args[2:]
        elif args[0] == "--no-actors":
            actors = False
            args = args[1:]
        else:
            break
    if len(args) != 1:
        sys.stderr.write(__doc__)
        return 2
    t0 = time.perf_counter()
    terms = load_lexicon(lexdir, actors)
    kw_re = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))
    t1 = time.perf_counter()

    with open(args[0], "rb") as f:
        data = f.read().decode("utf-8")
    starts = [m.start() for m in HEADER_RE.finditer(data)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    starts.append(len(data))
    out = sys.stdout
    n = 0
    for a, b in zip(starts, starts[1:]):
        notice = data[a:b]
        if not notice.strip():
            continue
        out.write(json.dumps(extract(notice, kw_re, terms), ensure_ascii=False))
        out.write("\n")
        n += 1
    out.flush()
    t2 = time.perf_counter()
    sys.stderr.write(f"baseline: {len(terms)} terms, compile {t1 - t0:.2f} s, {n} notices in {t2 - t1:.2f} s\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
