#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets, fuzz/corpus/<target>/, from tests/vectors.

Usage: python3 fuzz/seed.py [OUT_DIR]   (default: fuzz/corpus next to this script)

Each seed is named by the SHA-1 of its bytes, as libFuzzer names what it finds, so running this
again adds nothing twice and leaves the fuzzers' own finds alone. Standard library only.
"""

import base64
import hashlib
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
VECTORS = HERE.parent / "tests" / "vectors"
PRIVATE = ("d", "p", "q", "dp", "dq", "qi", "k")


def load(name):
    return json.loads((VECTORS / name).read_text())


def b64d(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def compact(value):
    return json.dumps(value, separators=(",", ":")).encode()


def public(jwk):
    return {k: v for k, v in jwk.items() if k not in PRIVATE}


def main():
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "corpus"
    kat, hx1, jws = load("hx1-kat.json"), load("hx1.json"), load("jws.json")
    jwe = load("jwe.json")
    seeds = {name: set() for name in
             ("hx1_validate", "jws_decode", "jwe_decrypt", "explain", "jwk_parse", "jwks_parse", "key_import",
              "ffi_strings")}

    def add(target, data):
        seeds[target].add(data if isinstance(data, bytes) else data.encode())

    # HX1: every token of both vector files, validated through the directory and from the sender.
    hx1_tokens = [v["token"] for v in kat["vectors"]]
    hx1_tokens += [v["token"] for v in hx1["positive"] + hx1["negative"]]
    for token in hx1_tokens:
        for mode in (0, 1):
            add("hx1_validate", bytes([mode]) + token.encode())
        for selector in (1, 9):
            add("explain", bytes([selector]) + token.encode())
        add("ffi_strings", b"\x00" + token.encode())
        add("ffi_strings", b"\x01" + token.encode() + b"\x00" + compact(public(kat["sender"])))
    # Round trips: ttl 300, flags (nbf, jti, cty), nbf offset, jti 0xFF cty 0xFF plaintext.
    for flags, plaintext in ((0, b'{"order":42}'), (7, b"\x00\x01binary\xff"), (2, b"")):
        add("hx1_validate", bytes([2, 0x2C, 0x01, flags, 0x00, 0x00]) + b"req-1\xffjson\xff" + plaintext)
    for payload in (b'{"order":42}', b"a\x00b\x00", b""):
        add("ffi_strings", bytes([15, 60]) + b"bob.service\x00" + payload)

    # JWS: every token under each validation, and its header and payload for the sign mode.
    for v in jws["valid"] + jws["invalid"]:
        token = v.get("token")
        if not token:
            continue
        for selector in range(4):
            add("jws_decode", bytes([selector]) + token.encode())
            add("explain", bytes([selector << 1]) + token.encode())
        segments = token.split(".")
        if len(segments) == 3:
            try:
                header, payload = b64d(segments[0]), b64d(segments[1])
            except ValueError:
                pass
            else:
                add("jws_decode", bytes([4 + (len(token) % 4)]) + header + b"\xff" + payload)
        for op in (2, 3, 4):
            add("ffi_strings", bytes([op]) + token.encode())
    add("ffi_strings", b"\x0e" + b"HS256\x00{\"kid\":\"a\"}\x00{\"sub\":\"x\",\"exp\":1}")
    add("ffi_strings", b"\x0d" + b"HS256\x00EdDSA\x00ES256")

    # JWE: every token (compact, and the JSON serializations through their entry point), and
    # encrypt-mode seeds: header members and a plaintext, with dir and with A256KW.
    for v in jwe["positive"] + jwe["negative"]:
        token = v["token"] if isinstance(v["token"], str) else compact(v["token"]).decode()
        for selector in (0, 2, 4):
            add("jwe_decrypt", bytes([selector]) + token.encode())
    for members, plaintext in ((b"{}", b"hello"), (b'{"kid":"k1","cty":"JWT"}', b"\x00\xff\x01"),
                               (b'{"zip":"DEF"}', b"a" * 200), (b'{"crit":["b64"],"b64":false}', b"")):
        for selector in (1, 3, 9, 11):
            add("jwe_decrypt", bytes([selector]) + members + b"\xff" + plaintext)

    # JWKs and JWK Sets: the JWS keys (private and public), the HX1 identities and tokens.
    jwks = [jwk for jwk in jws["keys"].values()]
    hx1_jwks = list(hx1["identities"].values()) + hx1["directory"]["keys"]
    hx1_jwks += [kat["sender"], kat["recipient"]]
    for jwk in jwks + hx1_jwks:
        for form in (jwk, public(jwk)):
            add("jwk_parse", compact(form))
            for op in (5, 7, 8):
                add("ffi_strings", bytes([op]) + compact(form))
    for keys in (jwks, [public(k) for k in jwks], hx1["directory"]["keys"], hx1_jwks, []):
        add("jwks_parse", compact({"keys": keys}))
        for op in (6, 12):
            add("ffi_strings", bytes([op]) + compact({"keys": keys}))

    # PEM and DER: the key files, and the DER inside them.
    for pem in sorted((VECTORS / "keys").glob("*.pem")):
        text = pem.read_text()
        add("key_import", b"\x00" + text.encode())
        add("ffi_strings", b"\x09" + text.encode())
        body = "".join(l for l in text.splitlines() if l and not l.startswith("-----"))
        der = base64.b64decode(body)
        add("key_import", b"\x01" + der)
        add("ffi_strings", b"\x0a" + der)
    add("ffi_strings", b"\x0b" + b"0123456789abcdef0123456789abcdef")

    total = 0
    for target, items in seeds.items():
        directory = out / target
        directory.mkdir(parents=True, exist_ok=True)
        for data in items:
            (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)
        total += len(items)
    print(f"seed.py: {total} seeds in {out}/ ({', '.join(f'{t} {len(s)}' for t, s in seeds.items())})")


if __name__ == "__main__":
    main()
