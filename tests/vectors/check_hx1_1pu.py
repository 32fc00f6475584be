#!/usr/bin/env python3
"""The ECDH-1PU mode of HX endpoints (docs/PROTOCOL.md, "ECDH-1PU mode") against joserfc, both
ways. Run by `make jwe-interop` (mk/jwe.mk):

    HXJWT_HX1_1PU_EXPORT=target/hx1-1pu-hxjwt.json \\
        cargo test -p hxjwt --test hx1_1pu export_tokens_for_the_joserfc_check
    .venv/bin/python tests/vectors/check_hx1_1pu.py target/hx1-1pu-hxjwt.json target/hx1-1pu-joserfc.json
    HXJWT_HX1_1PU_IMPORT=target/hx1-1pu-joserfc.json \\
        cargo test -p hxjwt --test hx1_1pu validate_tokens_made_by_joserfc

1. Every token an endpoint made (alice.service to bob.service) decrypts with joserfc given only
   the two X25519 keys (bob's private key, alice's public key), to the same plaintext, with the
   claims of the mapping in its protected header; with another sender key it does not decrypt.
2. joserfc makes tokens with the mapping (same keys), written to the second file, which the
   endpoint must validate (the last command).

Prints one line per failure and ends with "N passed, N failed" (exit status 1 on a failure).
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

from joserfc import jwe
from joserfc import jwk
from joserfc.drafts.jwe_ecdh_1pu import register_ecdh_1pu
from joserfc.registry import HeaderParameter

register_ecdh_1pu()
ALGS = ["ECDH-1PU", "A256GCM"]
# The claims the mapping replicates in the protected header (RFC 7519 section 5.3), declared to
# joserfc, which refuses header members it does not know.
CLAIMS = {"iss": "str", "aud": "str", "iat": "int", "exp": "int", "nbf": "int", "jti": "str"}
REGISTRY = jwe.JWERegistry(
    header_registry={k: HeaderParameter(f"HX claim {k}", v) for k, v in CLAIMS.items()},
    algorithms=ALGS,
)


def b64d(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def b64e(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def public(key: dict) -> dict:
    return {k: v for k, v in key.items() if k != "d"}


def check_one(entry: dict, doc: dict) -> None:
    bob = jwk.import_key(doc["recipient"]["jwk"])
    alice = jwk.import_key(public(doc["sender"]["jwk"]))
    obj = jwe.decrypt_compact(entry["token"], bob, registry=REGISTRY, sender_key=alice)
    assert obj.plaintext == b64d(entry["plaintext_b64url"]), "plaintext differs"
    h = obj.protected
    sender, recipient = doc["sender"]["name"], doc["recipient"]["name"]
    want = dict(entry["claims"], alg="ECDH-1PU", enc="A256GCM", typ="JWT", skid=sender,
                kid=recipient, apu=b64e(sender.encode()), apv=b64e(recipient.encode()))
    for name, value in want.items():
        assert h.get(name) == value, f"header {name}: {h.get(name)!r} != {value!r}"
    # Sender authentication: another sender key does not decrypt it.
    mallory = jwk.OKPKey.generate_key("X25519", private=False)
    try:
        jwe.decrypt_compact(entry["token"], bob, registry=REGISTRY, sender_key=mallory)
    except Exception:  # noqa: BLE001 - any refusal will do
        return
    raise AssertionError("decrypted with another sender key")


def make_tokens(doc: dict) -> list[dict]:
    """Tokens from joserfc with the mapping, for the endpoint to validate."""
    alice = jwk.import_key(doc["sender"]["jwk"])
    bob = jwk.import_key(public(doc["recipient"]["jwk"]))
    sender, recipient = doc["sender"]["name"], doc["recipient"]["name"]
    out = []
    for i, plaintext in enumerate([b"", b'{"from":"joserfc"}', "ünïcödé".encode() * 9]):
        claims = dict(doc["tokens"][0]["claims"])
        if i == 2:
            claims["jti"] = "joserfc-2"
        protected = dict(claims, alg="ECDH-1PU", enc="A256GCM", typ="JWT", skid=sender,
                         kid=recipient, apu=b64e(sender.encode()), apv=b64e(recipient.encode()))
        token = jwe.encrypt_compact(protected, plaintext, bob, registry=REGISTRY, sender_key=alice)
        out.append({"token": token, "plaintext_b64url": b64e(plaintext), "claims": claims})
    return out


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    doc = json.loads(Path(sys.argv[1]).read_text())
    passed = failed = 0
    for i, entry in enumerate(doc["tokens"]):
        try:
            check_one(entry, doc)
            passed += 1
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none hidden
            failed += 1
            print(f"FAIL joserfc decrypts hxjwt token {i}: {type(exc).__name__}: {exc}")
    try:
        made = make_tokens(doc)
        out = dict(doc, tokens=made)
        Path(sys.argv[2]).write_text(json.dumps(out, indent=2))
        passed += 1
    except Exception as exc:  # noqa: BLE001
        failed += 1
        print(f"FAIL joserfc makes tokens: {type(exc).__name__}: {exc}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
