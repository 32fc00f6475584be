#!/usr/bin/env python3
"""Decrypt JWE tokens made by hxjwt with joserfc and jwcrypto (the other direction of
tests/vectors/jwe.json, whose tokens the libraries made and hxjwt decrypts).

    HXJWT_JWE_EXPORT=target/jwe-hxjwt.json \\
        cargo test -p hxjwt --test jwe export_tokens_for_the_interop_check
    .venv/bin/python tests/vectors/check_hxjwt_jwe.py target/jwe-hxjwt.json

The tokens are made with the keys of tests/vectors/jwe.json ("keys"), for every alg x enc pair
hxjwt has (ECDH over X25519, P-256, P-384, P-521), plus general and flattened JSON tokens and a
zip DEF one. Each token is decrypted by every library that supports its alg (jwcrypto has no
ECDH-1PU; joserfc reads ECDH-1PU with the sender's public key); the plaintext must match.
Prints one line per failure and ends with "N passed, N failed" (exit status 1 on a failure).
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import jwcrypto.jwa
import jwcrypto.jwe
import jwcrypto.jwk
from joserfc import jwe as rjwe
from joserfc import jwk as rjwk
from joserfc.drafts.jwe_ecdh_1pu import register_ecdh_1pu

register_ecdh_1pu()
# hxjwt's tests write p2c = 1000; jwcrypto's own bound (16384) is not what is tested here.
jwcrypto.jwa.default_max_pbkdf2_iterations = 1_000_000

VECTORS = Path(__file__).resolve().parent / "jwe.json"


def b64d(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def public_jwk(jwk: dict) -> dict:
    return {k: v for k, v in jwk.items() if k not in ("d", "p", "q", "dp", "dq", "qi")}


def with_joserfc(entry: dict, keys: dict) -> bytes:
    key = rjwk.import_key(keys[entry["key"]])
    algs = [entry["alg"], entry["enc"]] + (["DEF"] if entry.get("zip") else [])
    if entry["serialization"] == "json":
        # joserfc checks the alg of every recipient, not only the one it decrypts for.
        token = json.loads(entry["token"])
        algs += [r.get("header", {}).get("alg") for r in token.get("recipients", [])]
        algs = [a for a in algs if a]
    sender = rjwk.import_key(public_jwk(keys[entry["sender"]])) if "sender" in entry else None
    if entry["serialization"] == "compact":
        return rjwe.decrypt_compact(entry["token"], key, algorithms=algs,
                                    sender_key=sender).plaintext
    token = json.loads(entry["token"])
    kids = [r["header"]["kid"] for r in token.get("recipients", []) if "kid" in r.get("header", {})]
    if kids:
        # General JSON: joserfc decrypts for every recipient (its default), each key by kid.
        key = rjwk.KeySet.import_key_set({"keys": [dict(keys[k], kid=k) for k in kids]})
    obj = rjwe.decrypt_json(token, key, algorithms=algs, sender_key=sender)
    if "aad" in entry:
        assert obj.aad == b64d(entry["aad"]), "aad"
    return obj.plaintext


def with_jwcrypto(entry: dict, keys: dict) -> bytes:
    e = jwcrypto.jwe.JWE()
    e.allowed_algs = [entry["alg"], entry["enc"]]
    e.deserialize(entry["token"], key=jwcrypto.jwk.JWK(**keys[entry["key"]]))
    return e.payload


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    doc = json.loads(Path(sys.argv[1]).read_text())
    keys = json.loads(VECTORS.read_text())["keys"]
    want = b64d(doc["plaintext_b64url"])
    passed = failed = 0
    for entry in doc["tokens"]:
        libs = [("joserfc", with_joserfc)]
        if not entry["alg"].startswith("ECDH-1PU"):
            libs.append(("jwcrypto", with_jwcrypto))
        for name, fn in libs:
            label = f'{name} {entry["serialization"]} {entry["alg"]} {entry["enc"]} {entry["key"]}'
            try:
                got = fn(entry, keys)
                if got != want:
                    raise AssertionError("plaintext differs")
                passed += 1
            except Exception as exc:  # noqa: BLE001 - every failure is reported, none hidden
                failed += 1
                print(f"FAIL {label}: {type(exc).__name__}: {exc}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
