#!/usr/bin/env python3
# Writes notice-encrypted.pdf: a one-page PDF encrypted with the standard
# security handler (RC4 40-bit, revision 2) under the user password "secret",
# so a reader without the password cannot open it. Python's standard library
# only; run from this folder.
import hashlib

PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")
USER, OWNER = b"secret", b"owner"
DOC_ID = bytes(range(16))
P = -44  # print and copy allowed; the value does not matter here


def rc4(key, data):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out, i, j = bytearray(), 0, 0
    for c in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(c ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def padded(pw):
    return (pw + PAD)[:32]


o_value = rc4(hashlib.md5(padded(OWNER)).digest()[:5], padded(USER))
file_key = hashlib.md5(padded(USER) + o_value + (P & 0xFFFFFFFF).to_bytes(4, "little") + DOC_ID).digest()[:5]
u_value = rc4(file_key, PAD)


def obj_key(num):
    return hashlib.md5(file_key + num.to_bytes(3, "little") + (0).to_bytes(2, "little")).digest()[:10]


content = b"BT /F1 18 Tf 72 720 Td (Encrypted notice) Tj ET"
objs = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
    b" /Resources << /Font << /F1 5 0 R >> >> >>",
    None,  # the content stream, encrypted below
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    b"<< /Filter /Standard /V 1 /R 2 /O <" + o_value.hex().encode() + b"> /U <"
    + u_value.hex().encode() + b"> /P " + str(P).encode() + b" >>",
]
enc = rc4(obj_key(4), content)
objs[3] = b"<< /Length " + str(len(enc)).encode() + b" >>\nstream\n" + enc + b"\nendstream"

out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
offsets = []
for i, body in enumerate(objs, 1):
    offsets.append(len(out))
    out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for off in offsets:
    out += b"%010d 00000 n \n" % off
out += (b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 6 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objs) + 1, DOC_ID.hex().encode(), DOC_ID.hex().encode(), xref))
with open("notice-encrypted.pdf", "wb") as f:
    f.write(out)
