#!/usr/bin/env python3
"""Interoperability of libhxjwt with an independent HX1 implementation (PROTOCOL.md sections 2-4).

The independent side is written here from the protocol text with pyca/cryptography only; the
library side is libhxjwt loaded through its C ABI (ctypes, as any runtime that loads a C library
would). Checks: a token made by libhxjwt validates independently (and its tampered form does
not); a token made independently validates in libhxjwt, and its tampered and expired forms fail
with HX_ERR_INVALID_SIGNATURE and HX_ERR_EXPIRED.

Usage: interop.py PATH/TO/libhxjwt.so   (prints "N passed, N failed"; exit 0 when all pass)
"""

import base64
import ctypes
import hashlib
import hmac
import json
import os
import struct
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap

T0 = 1767225600
CONTEXT = "HX1-X25519-A256KW-A256GCM"
HX_OK, HX_ERR_INVALID_SIGNATURE, HX_ERR_EXPIRED = 0, 107, 108


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def raw_public(key: X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def pairwise_key(z: bytes, s: str, a: bytes, r: str, b: bytes) -> bytes:
    sb, rb = s.encode(), r.encode()
    info = b"hxjwt/v1 wrap" + struct.pack(">H", len(sb)) + sb + struct.pack(">H", len(rb)) + rb + a + b
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"hxjwt/v1", info=info).derive(z)


def create(sender: str, sk: X25519PrivateKey, recipient: str, rpub: bytes, plaintext: bytes,
           iat: int, exp: int) -> str:
    a = raw_public(sk)
    z = sk.exchange(X25519PublicKey.from_public_bytes(rpub))
    k = pairwise_key(z, sender, a, recipient, rpub)
    m = os.urandom(64)
    header = {"alg": "HS256", "typ": "JWT", "kid": b64e(aes_key_wrap(k, m)), "iss": sender,
              "aud": recipient, "iat": iat, "exp": exp, "channelSecurityContext": CONTEXT}
    h = b64e(json.dumps(header, separators=(",", ":")).encode())
    iv = os.urandom(12)
    enc = iv + AESGCM(m[32:]).encrypt(iv, plaintext, h.encode())
    p = b64e(json.dumps({"enc": b64e(enc)}, separators=(",", ":")).encode())
    sig = hmac.new(m[:32], f"{h}.{p}".encode(), hashlib.sha256).digest()
    return f"{h}.{p}.{b64e(sig)}"


def validate(token: str, rk: X25519PrivateKey, recipient: str, sender: str, spub: bytes, now: int):
    h, p, s = token.split(".")
    header = json.loads(b64d(h))
    assert header["alg"] == "HS256" and header["channelSecurityContext"] == CONTEXT
    assert header["aud"] == recipient and header["iss"] == sender
    z = rk.exchange(X25519PublicKey.from_public_bytes(spub))
    k = pairwise_key(z, sender, spub, recipient, raw_public(rk))
    m = aes_key_unwrap(k, b64d(header["kid"]))  # raises InvalidUnwrap when forged
    want = hmac.new(m[:32], f"{h}.{p}".encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(want, b64d(s)):
        raise ValueError("bad signature")
    if not header["iat"] <= now < header["exp"]:
        raise ValueError("not valid now")
    enc = b64d(json.loads(b64d(p))["enc"])
    return AESGCM(m[32:]).decrypt(enc[:12], enc[12:], h.encode())


def public_jwk(name: str, key: X25519PrivateKey) -> str:
    return json.dumps({"kty": "OKP", "crv": "X25519", "kid": name, "use": "enc",
                       "x": b64e(raw_public(key))})


def private_jwk(name: str, key: X25519PrivateKey) -> str:
    d = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                          serialization.NoEncryption())
    return json.dumps({"kty": "OKP", "crv": "X25519", "kid": name, "x": b64e(raw_public(key)),
                       "d": b64e(d)})


def main() -> int:
    lib = ctypes.CDLL(sys.argv[1])
    vp, cp = ctypes.c_void_p, ctypes.c_char_p
    lib.hx_identity_from_jwk.argtypes = [cp, ctypes.POINTER(vp)]
    lib.hx_endpoint_new.argtypes = [vp, vp, ctypes.POINTER(vp)]
    lib.hx_endpoint_set_time.argtypes = [vp, ctypes.c_int64]
    lib.hx_create_jwt.argtypes = [vp, cp, cp, cp, ctypes.c_size_t, ctypes.c_uint64, ctypes.POINTER(vp)]
    lib.hx_validate_jwt.argtypes = [vp, cp, cp, ctypes.POINTER(vp)]
    lib.hx_message_payload.argtypes = [vp, ctypes.POINTER(ctypes.c_size_t)]
    lib.hx_message_payload.restype = vp
    lib.hx_last_error_message.restype = cp
    for f in ("hx_identity_free", "hx_endpoint_free", "hx_message_free", "hx_string_free"):
        getattr(lib, f).argtypes = [vp]

    passed = failed = 0

    def check(ok: bool, what: str) -> None:
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"interop: FAILED: {what}: {lib.hx_last_error_message().decode()}", file=sys.stderr)

    alice, bob = X25519PrivateKey.generate(), X25519PrivateKey.generate()
    apub, bpub = raw_public(alice), raw_public(bob)
    ids, eps = {}, {}
    for name, key in (("alice.service", alice), ("bob.service", bob)):
        ids[name], eps[name] = vp(), vp()
        check(lib.hx_identity_from_jwk(private_jwk(name, key).encode(), ctypes.byref(ids[name])) == HX_OK, "load " + name)
        check(lib.hx_endpoint_new(ids[name], None, ctypes.byref(eps[name])) == HX_OK, "endpoint " + name)
        check(lib.hx_endpoint_set_time(eps[name], T0) == HX_OK, "set time")

    # libhxjwt creates (alice -> bob); the independent code validates.
    plaintext = b'{"from":"libhxjwt","n":1}'
    out = vp()
    check(lib.hx_create_jwt(eps["alice.service"], None, public_jwk("bob.service", bob).encode(),
                            plaintext, len(plaintext), 300, ctypes.byref(out)) == HX_OK, "create")
    token = ctypes.string_at(out.value).decode()
    lib.hx_string_free(out)
    check(validate(token, bob, "bob.service", "alice.service", apub, T0) == plaintext,
          "independent validation of a libhxjwt token")
    tampered = token[:-5] + ("B" if token[-5] == "A" else "A") + token[-4:]
    try:
        validate(tampered, bob, "bob.service", "alice.service", apub, T0)
        check(False, "independent validation refuses a tampered libhxjwt token")
    except Exception:  # noqa: BLE001 - any refusal will do
        check(True, "")

    # The independent code creates (alice -> bob); libhxjwt validates, tampered and expired too.
    plaintext = b'{"from":"independent","n":2}'
    token = create("alice.service", alice, "bob.service", bpub, plaintext, T0, T0 + 60)
    sender = public_jwk("alice.service", alice).encode()

    def lib_validate(tok: str) -> tuple[int, bytes]:
        msg = vp()
        status = lib.hx_validate_jwt(eps["bob.service"], tok.encode(), sender, ctypes.byref(msg))
        body = b""
        if status == HX_OK:
            n = ctypes.c_size_t()
            ptr = lib.hx_message_payload(msg, ctypes.byref(n))
            body = ctypes.string_at(ptr, n.value)
            lib.hx_message_free(msg)
        return status, body

    check(lib_validate(token) == (HX_OK, plaintext), "libhxjwt validates an independent token")
    tampered = token[:-5] + ("B" if token[-5] == "A" else "A") + token[-4:]
    check(lib_validate(tampered)[0] == HX_ERR_INVALID_SIGNATURE, "tampered independent token")
    check(lib.hx_endpoint_set_time(eps["bob.service"], T0 + 60) == HX_OK, "set time")
    check(lib_validate(token)[0] == HX_ERR_EXPIRED, "expired independent token")

    for name in ids:
        lib.hx_endpoint_free(eps[name])
        lib.hx_identity_free(ids[name])
    print(f"{passed} passed, {failed} failed")
    return failed != 0


if __name__ == "__main__":
    sys.exit(main())
