#!/usr/bin/env python3
"""Generate one pathological input for tests/patho/run.sh.

usage: gen.py CASE OUT [N]
Every case is deterministic (fixed seeds). N scales the big cases (bytes or
repetitions, see CASES); without N the case's default is used.
"""
import random
import sys

NOTICE = (
    "【セキュリティ事件簿#2024-077】有限会社かもめ運輸 不正アクセスに関するお知らせ 2024年4月12日\n"
    "\n"
    "有限会社かもめ運輸は、2024年4月8日に配送管理システムへの不正アクセスを確認しました。\n"
    "お客様の氏名と電話番号、約830件が外部に流出した可能性がございます。\n"
    "翌日、警察および個人情報保護委員会へ報告いたしました。\n"
)

# One line without any line break: sentences end with 。 but no newline ever comes.
RUN = "当社のサーバーに不正アクセスがあり、約1,200件の個人情報が流出した可能性がございます。2024年5月1日、"


def repeat_to(unit: bytes, size: int) -> bytes:
    """`unit` repeated to exactly `size` bytes, cut at a character boundary."""
    data = (unit * (size // len(unit) + 1))[:size]
    # do not end inside a UTF-8 sequence
    return data.decode("utf-8", "ignore").encode("utf-8")

def gen(case: str, n):
    rnd = random.Random(1234)
    if case == "empty":
        return b""
    if case == "blank":
        return b"\n\n   \n\t\n" + "\u3000\n".encode() * 10
    if case == "random":
        return bytes(rnd.getrandbits(8) for _ in range(n or 65536))
    if case == "random-high":  # random bytes without NUL: looks like some legacy charset
        return bytes(rnd.randrange(0x80, 0x100) for _ in range(n or 65536))
    if case == "png":
        return (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
                + bytes(rnd.getrandbits(8) for _ in range(4096)))
    if case == "zip":
        return b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(rnd.getrandbits(8) for _ in range(4096))
    if case == "invalid-utf8":
        bad = [b"\xff", b"\xfe", b"\x80", b"\xbf\xbf", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80",
               b"\xf8\x88\x80\x80\x80", b"\xf4\x90\x80\x80", b"\xe3\x81", b"\xc3"]
        text = NOTICE.encode()
        out = bytearray()
        i = 0
        k = 0
        # insert a bad sequence every few characters, at character boundaries
        for ch in NOTICE:
            out += ch.encode()
            i += 1
            if i % 7 == 0:
                out += bad[k % len(bad)]
                k += 1
        return bytes(out) + text
    if case == "truncated":
        return NOTICE.encode() + "約".encode()[:2]
    if case == "truncated-4":
        return NOTICE.encode() + "𠮷".encode()[:3]
    if case == "nul":
        text = NOTICE.encode()
        return text[:120] + b"\x00" + text[120:240] + b"\x00\x00\x00" + text[240:] + b"\x00"
    if case == "nolf":
        return repeat_to(RUN.encode(), n or 50 * 1024 * 1024)
    if case == "lbracket":
        return "【".encode() * (n or 100000)
    if case == "yaku":
        return repeat_to("約".encode(), n or 1024 * 1024)
    if case == "digits":
        return repeat_to(b"1234567890", n or 1024 * 1024)
    if case == "headers":
        return "【セキュリティ事件簿#".encode() * (n or 100000)
    if case == "headers-valid":  # many well-formed one-line notices
        return "".join("【セキュリティ事件簿#2024-%03d】株式会社テスト 不正アクセスのお知らせ\n" % (i % 1000)
                       for i in range(n or 20000)).encode()
    if case == "div":
        k = n or 100000
        return (b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>" + b"<div>" * k
                + "不正アクセスに関するお知らせ".encode() + b"</div>" * k + b"</body></html>\n")
    if case == "div-unclosed":
        return b"<html><body>" + b"<div><p><span>" * (n or 50000)
    if case == "div-many":  # nested as deep as the parser takes (200 < 256), n times over
        block = b"<div>" * 200 + "不正アクセスに関するお知らせ".encode() + b"</div>" * 200 + b"\n"
        return (b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>" + block * (n or 1000)
                + b"</body></html>\n")
    if case == "invalid-run":  # a notice, then n bytes that are never valid UTF-8
        bad = b"\xff\xfe\x80\xbf\xc0\xaf\xe0\x80\xaf\xed\xa0\x80\xf8\x88\x80\x80\x80\xf4\x90\x80\x80\xc3"
        return NOTICE.encode() + (bad * ((n or 1048576) // len(bad) + 1))[:n or 1048576]
    if case == "mixed":  # the notice in Shift_JIS and in UTF-8 by turns, to n bytes
        pair = NOTICE.encode("cp932") + NOTICE.encode()
        size = n or 1048576
        return (pair * (size // len(pair) + 1))[:size]
    if case == "feed":  # an RSS 2.0 feed of n items, each a short notice
        items = "".join(
            "<item><title>不正アクセスに関するお知らせ %d</title><link>https://example.jp/news/%d</link>"
            "<pubDate>Fri, 12 Apr 2024 09:00:00 +0900</pubDate><description>株式会社テスト%dは%d年4月8日に"
            "不正アクセスを確認しました。お客様の氏名約%d件が流出した可能性があります。</description></item>\n"
            % (i, i, i, 2000 + i % 25, i % 5000 + 1) for i in range(n or 5000))
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>t</title>\n"
                + items + "</channel></rss>\n").encode()
    if case == "sjis":
        return NOTICE.replace("\n", "\r\n").encode("cp932")
    if case == "eucjp":
        return NOTICE.encode("euc_jp")
    if case == "utf16":
        return NOTICE.encode("utf-16")  # with BOM
    raise SystemExit("gen.py: unknown case " + case)


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    case, out = sys.argv[1], sys.argv[2]
    n = int(float(sys.argv[3])) if len(sys.argv) > 3 else None
    data = gen(case, n)
    with open(out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
