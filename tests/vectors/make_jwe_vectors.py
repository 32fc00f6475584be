#!/usr/bin/env python3
"""Make tests/vectors/jwe.json: JWE vectors that every face of hxjwt checks.

Run with the project's venv (joserfc and jwcrypto installed):

    .venv/bin/python tests/vectors/make_jwe_vectors.py > tests/vectors/jwe.json

What it writes (tokens are made afresh on each run; the file is committed, not remade in CI):

- RFC 7516 Appendix A.1 (RSA-OAEP, A256GCM) and A.3 (A128KW, A128CBC-HS256) as positive
  vectors; A.2 (RSA1_5) as a negative one (hxjwt never accepts RSA1_5).
- RFC 7518 Appendix C (ECDH-ES, P-256, apu "Alice", apv "Bob"): the RFC gives the keys and
  the header but no token, so this script encrypts a known plaintext under the RFC's header
  with the key the RFC derives (checked here against the RFC's value); decrypting it with
  Bob's key checks the whole derivation end to end. The KDF alone is in "kdf".
- RFC 7520 section 5 (the JOSE cookbook), as transcribed in jwcrypto's tests-cookbook.py and
  checked here by decrypting each with jwcrypto: 5.2-5.8 and 5.10-5.13 compact/general/
  flattened; 5.9 (zip DEF, needs allow_zip); 5.1 (RSA1_5) negative. 5.13 (general JSON to three
  recipients: RSA1_5, ECDH-ES+A256KW over P-384, A256GCMKW), which jwcrypto's transcription
  leaves out, is transcribed from the RFC below (RFC7520_5_13) and checked with jwcrypto: each
  of the two recipients hxjwt serves decrypts with its own key; the RSA1_5 recipient's key is
  refused (RSA1_5 is never accepted).
- Tokens made by joserfc and by jwcrypto for every alg x enc pair each supports (compact), a
  general JSON token with several recipients from each, and ECDH-1PU from joserfc (X25519 and
  P-256, direct and key-wrapped), all over the keys in "keys".
- Negative vectors: RSA1_5 from the libraries, an epk off the curve, a low-order X25519 epk,
  a huge p2c, truncated tags, a JWS where a JWE is expected, zip and crit not enabled, a wrong
  key, a flipped ciphertext bit.

Format (see also core/tests/jwe.rs, which checks every entry):

    {"keys": {name: private JWK},
     "kdf": [{"name", "z_b64url", "alg_id", "apu_b64url", "apv_b64url", "len", "key_b64url"}],
     "positive": [{"name", "source", "serialization": "compact" | "json", "token": str,
                   "key": name, "sender"?: name, "algorithms": [alg], "encryptions": [enc],
                   "plaintext_b64url", "aad_b64url"?, "allow_zip"?: int}],
     "negative": [{"name", "source", "serialization", "token", "key", "sender"?,
                   "algorithms", "encryptions", "error": ErrorKind name}]}

A positive vector: decrypting "token" with keys[key] (and keys[sender]'s public half for
ECDH-1PU), accepting exactly "algorithms" and "encryptions" (and zip up to allow_zip bytes when
present), gives plaintext_b64url (and aad_b64url for JSON tokens that carry one). A negative
vector: the same fails with "error".
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import sys
from pathlib import Path

import jwcrypto
import jwcrypto.jwa
import jwcrypto.jwe
import jwcrypto.jwk
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from joserfc import jwe as rjwe
from joserfc import jwk as rjwk
from joserfc.drafts.jwe_ecdh_1pu import register_ecdh_1pu

register_ecdh_1pu()
jwcrypto.jwa.default_max_pbkdf2_iterations = 1_000_000


def b64e(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def b64d(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


ALGS = [
    "dir", "A128KW", "A192KW", "A256KW", "A128GCMKW", "A192GCMKW", "A256GCMKW",
    "ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW",
    "RSA-OAEP", "RSA-OAEP-256",
    "PBES2-HS256+A128KW", "PBES2-HS384+A192KW", "PBES2-HS512+A256KW",
]
ENCS = ["A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512", "A128GCM", "A192GCM", "A256GCM"]
ENC_KEY_LEN = {"A128CBC-HS256": 32, "A192CBC-HS384": 48, "A256CBC-HS512": 64,
               "A128GCM": 16, "A192GCM": 24, "A256GCM": 32}
PLAINTEXT = "Encrypted for every face of hxjwt: ünïcödé and all.".encode()


def make_keys() -> dict:
    keys = {}
    rsa = jwcrypto.jwk.JWK.generate(kty="RSA", size=2048)
    keys["rsa2048"] = json.loads(rsa.export_private())
    for crv, name in [("P-256", "p256"), ("P-384", "p384"), ("P-521", "p521")]:
        keys[name] = json.loads(jwcrypto.jwk.JWK.generate(kty="EC", crv=crv).export_private())
        keys[name + "-sender"] = json.loads(
            jwcrypto.jwk.JWK.generate(kty="EC", crv=crv).export_private())
    keys["x25519"] = json.loads(jwcrypto.jwk.JWK.generate(kty="OKP", crv="X25519").export_private())
    keys["x25519-sender"] = json.loads(
        jwcrypto.jwk.JWK.generate(kty="OKP", crv="X25519").export_private())
    for n in (16, 24, 32, 48, 64):
        keys[f"oct{n}"] = {"kty": "oct", "k": b64e(os.urandom(n))}
    keys["password"] = {"kty": "oct", "k": b64e(b"Thus from my lips, by yours, my sin is purged.")}
    return keys


def key_names_for(alg: str, enc: str) -> list[str]:
    if alg == "dir":
        return [f"oct{ENC_KEY_LEN[enc]}"]
    if alg.startswith("A") and "KW" in alg:
        return [f"oct{int(alg[1:4]) // 8}"]
    if alg.startswith("ECDH"):
        return ["x25519", "p256", "p384", "p521"]
    if alg.startswith("RSA"):
        return ["rsa2048"]
    return ["password"]


def public_jwk(jwk: dict) -> dict:
    return {k: v for k, v in jwk.items() if k not in ("d", "p", "q", "dp", "dq", "qi")}


def jwcrypto_encrypt(header: dict, key: dict) -> str:
    k = jwcrypto.jwk.JWK(**(key if key["kty"] == "oct" else public_jwk(key)))
    e = jwcrypto.jwe.JWE(PLAINTEXT, protected=json.dumps(header))
    e.allowed_algs = ALGS + ENCS + ["RSA1_5"]
    e.add_recipient(k)
    return e.serialize(compact=True)


def jwcrypto_decrypt(token: str, key: dict) -> bytes:
    e = jwcrypto.jwe.JWE()
    e.allowed_algs = ALGS + ENCS + ["RSA1_5"]
    e.deserialize(token, key=jwcrypto.jwk.JWK(**key))
    return e.payload


def joserfc_encrypt(header: dict, key: dict, sender: dict | None = None) -> str:
    k = rjwk.import_key(key if key["kty"] == "oct" else public_jwk(key))
    s = rjwk.import_key(sender) if sender else None
    algs = [header["alg"], header["enc"]] + (["DEF"] if "zip" in header else [])
    return rjwe.encrypt_compact(header, PLAINTEXT, k, algorithms=algs, sender_key=s)


def joserfc_decrypt(token: str, key: dict, alg: str, enc: str, sender: dict | None = None) -> bytes:
    s = rjwk.import_key(public_jwk(sender)) if sender else None
    obj = rjwe.decrypt_compact(token, rjwk.import_key(key), algorithms=[alg, enc], sender_key=s)
    return obj.plaintext


def positive(name, source, token, key, alg, enc, plaintext=PLAINTEXT, serialization="compact",
             sender=None, aad=None, allow_zip=None, algorithms=None):
    v = {"name": name, "source": source, "serialization": serialization, "token": token,
         "key": key, "algorithms": algorithms or [alg], "encryptions": [enc],
         "plaintext_b64url": b64e(plaintext)}
    if sender:
        v["sender"] = sender
    if aad is not None:
        v["aad_b64url"] = b64e(aad)
    if allow_zip:
        v["allow_zip"] = allow_zip
    return v


def negative(name, source, token, key, algorithms, encryptions, error, serialization="compact",
             sender=None):
    v = {"name": name, "source": source, "serialization": serialization, "token": token,
         "key": key, "algorithms": algorithms, "encryptions": encryptions, "error": error}
    if sender:
        v["sender"] = sender
    return v


def library_vectors(keys: dict) -> tuple[list, list]:
    pos, neg = [], []
    for alg in ALGS:
        for enc in ENCS:
            for kname in key_names_for(alg, enc):
                header = {"alg": alg, "enc": enc}
                if alg.startswith("PBES2"):
                    header["p2c"] = 1000
                for lib, enc_fn in (("jwcrypto", jwcrypto_encrypt), ("joserfc", joserfc_encrypt)):
                    token = enc_fn(dict(header), keys[kname])
                    # Each library's token must decrypt in the other, or it is not a vector.
                    assert jwcrypto_decrypt(token, keys[kname]) == PLAINTEXT
                    assert joserfc_decrypt(token, keys[kname], alg, enc) == PLAINTEXT
                    pos.append(positive(f"{lib}-{alg}-{enc}-{kname}", lib, token, kname, alg, enc))
    # ECDH-1PU, from joserfc (jwcrypto has none).
    for kname in ("x25519", "p256", "p384", "p521"):
        for alg, enc in [("ECDH-1PU", "A256GCM"), ("ECDH-1PU", "A128CBC-HS256"),
                         ("ECDH-1PU+A128KW", "A128CBC-HS256"), ("ECDH-1PU+A256KW", "A256CBC-HS512"),
                         ("ECDH-1PU+A192KW", "A192CBC-HS384")]:
            header = {"alg": alg, "enc": enc, "apu": b64e(b"Alice"), "apv": b64e(b"Bob")}
            sender = kname + "-sender"
            token = joserfc_encrypt(header, keys[kname], keys[sender])
            assert joserfc_decrypt(token, keys[kname], alg, enc, keys[sender]) == PLAINTEXT
            pos.append(positive(f"joserfc-{alg}-{enc}-{kname}", "joserfc", token, kname, alg, enc,
                                sender=sender))
    # General JSON with several recipients.
    for lib in ("jwcrypto", "joserfc"):
        recips = [("RSA-OAEP-256", "rsa2048"), ("ECDH-ES+A256KW", "p256"),
                  ("ECDH-ES+A128KW", "x25519"), ("A256GCMKW", "oct32")]
        aad = b"additional data for every recipient"
        if lib == "jwcrypto":
            e = jwcrypto.jwe.JWE(PLAINTEXT, protected=json.dumps({"enc": "A256GCM"}), aad=aad)
            for alg, kname in recips:
                k = keys[kname]
                e.add_recipient(jwcrypto.jwk.JWK(**(k if k["kty"] == "oct" else public_jwk(k))),
                                header=json.dumps({"alg": alg, "kid": kname}))
            token = e.serialize()
        else:
            obj = rjwe.GeneralJSONEncryption({"enc": "A256GCM"}, PLAINTEXT, aad=aad)
            for alg, kname in recips:
                k = keys[kname]
                obj.add_recipient({"alg": alg, "kid": kname},
                                  rjwk.import_key(k if k["kty"] == "oct" else public_jwk(k)))
            token = json.dumps(rjwe.encrypt_json(
                obj, None, algorithms=[a for a, _ in recips] + ["A256GCM"]))
        for alg, kname in recips:
            e = jwcrypto.jwe.JWE()
            e.deserialize(token, key=jwcrypto.jwk.JWK(**keys[kname]))
            assert e.payload == PLAINTEXT
            pos.append(positive(f"{lib}-general-json-{alg}-{kname}", lib, token, kname, alg,
                                "A256GCM", serialization="json", aad=aad,
                                algorithms=[a for a, _ in recips]))
    # RSA1_5, made by both: never accepted.
    for lib, fn in (("jwcrypto", jwcrypto_encrypt),):
        token = fn({"alg": "RSA1_5", "enc": "A128CBC-HS256"}, keys["rsa2048"])
        neg.append(negative(f"{lib}-RSA1_5-refused", lib, token, "rsa2048",
                            ["RSA-OAEP", "RSA-OAEP-256"], ["A128CBC-HS256"], "UnsupportedAlgorithm"))
    return pos, neg


def load_cookbook():
    path = Path(jwcrypto.__file__).parent / "tests-cookbook.py"
    spec = importlib.util.spec_from_file_location("cookbook", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def rfc_vectors(keys: dict) -> tuple[list, list, list]:
    pos, neg, kdf = [], [], []
    t = load_cookbook()
    tests = importlib.util.spec_from_file_location(
        "jwtests", Path(jwcrypto.__file__).parent / "tests.py")
    tmod = importlib.util.module_from_spec(tests)
    tests.loader.exec_module(tmod)

    # RFC 7516 Appendix A.
    keys["rfc7516-a1"] = tmod.E_A1_key
    pos.append(positive("rfc7516-a1", "RFC 7516 A.1", tmod.E_A1_vector, "rfc7516-a1", "RSA-OAEP",
                        "A256GCM", plaintext=bytes(bytearray(tmod.E_A1_plaintext))))
    keys["rfc7516-a2"] = tmod.E_A2_key
    neg.append(negative("rfc7516-a2-RSA1_5-refused", "RFC 7516 A.2", tmod.E_A2_vector,
                        "rfc7516-a2", ["RSA-OAEP"], ["A128CBC-HS256"], "UnsupportedAlgorithm"))
    keys["rfc7516-a3"] = tmod.E_A3_key
    pos.append(positive("rfc7516-a3", "RFC 7516 A.3", tmod.E_A3_vector, "rfc7516-a3", "A128KW",
                        "A128CBC-HS256", plaintext=tmod.E_A3_plaintext.encode()))
    for name, v in [("a1", tmod.E_A1_vector), ("a3", tmod.E_A3_vector)]:
        assert jwcrypto_decrypt(v, keys[f"rfc7516-{name}"])

    # RFC 7518 Appendix C.
    z = bytes([158, 86, 217, 29, 129, 113, 53, 211, 114, 131, 66, 131, 191, 132, 38, 156, 251,
               49, 110, 163, 218, 128, 106, 72, 246, 218, 167, 121, 140, 254, 144, 196])
    kdf.append({"name": "rfc7518-appendix-c", "z_b64url": b64e(z), "alg_id": "A128GCM",
                "apu_b64url": b64e(b"Alice"), "apv_b64url": b64e(b"Bob"), "len": 16,
                "key_b64url": "VqqN6vgjbSBcIijNcacQGg"})
    keys["rfc7518-c-bob"] = {"kty": "EC", "crv": "P-256",
                             "x": "weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ",
                             "y": "e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck",
                             "d": "VEmDZpDXXK8p8N0Cndsxs924q6nS1RXFASRl6BfUqdw"}
    header = {"alg": "ECDH-ES", "enc": "A128GCM", "apu": "QWxpY2U", "apv": "Qm9i",
              "epk": {"kty": "EC", "crv": "P-256",
                      "x": "gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0",
                      "y": "SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps"}}
    protected = b64e(json.dumps(header, separators=(",", ":")).encode())
    iv = bytes(range(12))
    sealed = AESGCM(b64d("VqqN6vgjbSBcIijNcacQGg")).encrypt(iv, PLAINTEXT, protected.encode())
    token = ".".join([protected, "", b64e(iv), b64e(sealed[:-16]), b64e(sealed[-16:])])
    assert jwcrypto_decrypt(token, keys["rfc7518-c-bob"]) == PLAINTEXT
    pos.append(positive("rfc7518-appendix-c-ecdh-es-p256", "RFC 7518 C (keys, header, derived key)",
                        token, "rfc7518-c-bob", "ECDH-ES", "A128GCM"))

    # RFC 7520 section 5.
    cook = [
        ("5.2", "RSA-OAEP", "A256GCM", t.Payload_plaintext_5, t.RSA_key_5_2_1,
         ["JWE_compact_5_2_5", "JWE_general_5_2_5", "JWE_flattened_5_2_5"]),
        ("5.3", "PBES2-HS512+A256KW", "A128CBC-HS256", t.Payload_plaintext_5_3_1,
         {"kty": "oct", "k": b64e(t.Password_5_3_1)},
         ["JWE_compact_5_3_5", "JWE_general_5_3_5", "JWE_flattened_5_3_5"]),
        ("5.4", "ECDH-ES+A128KW", "A128GCM", t.Payload_plaintext_5, t.EC_key_5_4_1,
         ["JWE_compact_5_4_5", "JWE_general_5_4_5", "JWE_flattened_5_4_5"]),
        ("5.5", "ECDH-ES", "A128CBC-HS256", t.Payload_plaintext_5, t.EC_key_5_5_1,
         ["JWE_compact_5_5_5", "JWE_general_5_5_5"]),
        ("5.6", "dir", "A128GCM", t.Payload_plaintext_5, t.AES_key_5_6_1,
         ["JWE_compact_5_6_4", "JWE_general_5_6_4"]),
        ("5.7", "A256GCMKW", "A128CBC-HS256", t.Payload_plaintext_5, t.AES_key_5_7_1,
         ["JWE_compact_5_7_5", "JWE_general_5_7_5", "JWE_flattened_5_7_5"]),
        ("5.8", "A128KW", "A128GCM", t.Payload_plaintext_5, t.AES_key_5_8_1,
         ["JWE_compact_5_8_5", "JWE_general_5_8_5", "JWE_flattened_5_8_5"]),
        ("5.9", "A128KW", "A128GCM", t.Payload_plaintext_5, t.AES_key_5_8_1,
         ["JWE_compact_5_9_5", "JWE_general_5_9_5", "JWE_flattened_5_9_5"]),
        ("5.10", "A128KW", "A128GCM", t.Payload_plaintext_5, t.AES_key_5_8_1,
         ["JWE_general_5_10_5", "JWE_flattened_5_10_5"]),
        ("5.11", "A128KW", "A128GCM", t.Payload_plaintext_5, t.AES_key_5_8_1,
         ["JWE_general_5_11_5", "JWE_flattened_5_11_5"]),
        ("5.12", "A128KW", "A128GCM", t.Payload_plaintext_5, t.AES_key_5_8_1,
         ["JWE_general_5_12_5", "JWE_flattened_5_12_5"]),
    ]
    for section, alg, enc, plaintext, key, names in cook:
        kname = f"rfc7520-{section}"
        keys[kname] = dict(key)
        if isinstance(plaintext, str):
            plaintext = plaintext.encode()
        for name in names:
            if not hasattr(t, name):
                continue
            token = getattr(t, name)
            ser = "compact" if isinstance(token, str) else "json"
            if ser == "json":
                token = json.dumps(token)
            aad = None
            if ser == "json" and "aad" in json.loads(token):
                aad = b64d(json.loads(token)["aad"])
            e = jwcrypto.jwe.JWE()
            e.allowed_algs = ALGS + ENCS
            e.deserialize(token, key=jwcrypto.jwk.JWK(**keys[kname]))
            assert e.payload == plaintext, name
            pos.append(positive(f"rfc7520-{section}-{name.split('_')[1]}", f"RFC 7520 {section}",
                                token, kname, alg, enc, plaintext=plaintext, serialization=ser,
                                aad=aad, allow_zip=250_000 if section == "5.9" else None))
    keys["rfc7520-5.1"] = dict(t.RSA_key_5_1_1)
    neg.append(negative("rfc7520-5.1-RSA1_5-refused", "RFC 7520 5.1", t.JWE_compact_5_1_5,
                        "rfc7520-5.1", ["RSA-OAEP", "RSA-OAEP-256"], ["A128CBC-HS256"],
                        "UnsupportedAlgorithm"))
    return pos, neg, kdf


def hostile_vectors(keys: dict) -> list:
    neg = []

    def compact(header: dict, ek=b"", iv=bytes(12), ct=b"x", tag=bytes(16)) -> str:
        h = b64e(json.dumps(header, separators=(",", ":")).encode())
        return ".".join([h, b64e(ek), b64e(iv), b64e(ct), b64e(tag)])

    p256 = keys["p256"]
    # A point not on P-256: the real x with y + 1 (an invalid-curve attack would use a point
    # of small order on another curve; any point off the curve is refused the same way).
    y = int.from_bytes(b64d(p256["y"]), "big") + 1
    off = {"kty": "EC", "crv": "P-256", "x": p256["x"], "y": b64e(y.to_bytes(32, "big"))}
    neg.append(negative("epk-off-the-curve", "hxjwt", compact(
        {"alg": "ECDH-ES", "enc": "A128GCM", "epk": off}), "p256", ["ECDH-ES"], ["A128GCM"],
        "InvalidKey"))
    for i, u in enumerate([bytes(32), (1).to_bytes(32, "little"),
                           bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205"
                                         "165f49b800")]):
        neg.append(negative(f"epk-x25519-low-order-{i}", "hxjwt", compact(
            {"alg": "ECDH-ES+A128KW", "enc": "A128GCM",
             "epk": {"kty": "OKP", "crv": "X25519", "x": b64e(u)}}, ek=bytes(24)),
            "x25519", ["ECDH-ES+A128KW"], ["A128GCM"], "InvalidKey"))
    neg.append(negative("epk-wrong-curve", "hxjwt", compact(
        {"alg": "ECDH-ES", "enc": "A128GCM", "epk": public_jwk(keys["p384"])}), "p256",
        ["ECDH-ES"], ["A128GCM"], "InvalidKey"))
    neg.append(negative("pbes2-huge-p2c", "hxjwt", compact(
        {"alg": "PBES2-HS256+A128KW", "enc": "A128GCM", "p2s": b64e(bytes(16)),
         "p2c": 2_000_000_000}, ek=bytes(24)), "password", ["PBES2-HS256+A128KW"], ["A128GCM"],
        "Malformed"))
    neg.append(negative("pbes2-not-named", "hxjwt", compact(
        {"alg": "PBES2-HS256+A128KW", "enc": "A128GCM", "p2s": b64e(bytes(16)), "p2c": 1000},
        ek=bytes(24)), "password", ["A128KW"], ["A128GCM"], "UnsupportedAlgorithm"))
    good = joserfc_encrypt({"alg": "A128KW", "enc": "A128GCM"}, keys["oct16"])
    parts = good.split(".")
    neg.append(negative("truncated-tag", "hxjwt", ".".join(parts[:4] + [b64e(b64d(parts[4])[:15])]),
                        "oct16", ["A128KW"], ["A128GCM"], "Malformed"))
    neg.append(negative("short-iv", "hxjwt", ".".join(parts[:2] + [b64e(b64d(parts[2])[:8])] +
                        parts[3:]), "oct16", ["A128KW"], ["A128GCM"], "Malformed"))
    flipped = bytearray(b64d(parts[3]))
    flipped[0] ^= 1
    neg.append(negative("flipped-ciphertext", "hxjwt", ".".join(parts[:3] + [b64e(bytes(flipped))]
                        + parts[4:]), "oct16", ["A128KW"], ["A128GCM"], "DecryptionFailed"))
    neg.append(negative("wrong-key", "hxjwt", good, "oct16-other", ["A128KW"], ["A128GCM"],
                        "DecryptionFailed"))
    keys["oct16-other"] = {"kty": "oct", "k": b64e(bytes(range(16)))}
    neg.append(negative("alg-not-accepted", "hxjwt", good, "oct16", ["A256KW"], ["A128GCM"],
                        "UnsupportedAlgorithm"))
    neg.append(negative("enc-not-accepted", "hxjwt", good, "oct16", ["A128KW"], ["A256GCM"],
                        "UnsupportedAlgorithm"))
    neg.append(negative("jws-where-jwe-expected", "hxjwt",
                        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl", "oct16",
                        ["A128KW"], ["A128GCM"], "Malformed"))
    neg.append(negative("json-where-compact-expected", "hxjwt", json.dumps({"protected": parts[0]}),
                        "oct16", ["A128KW"], ["A128GCM"], "Malformed"))
    neg.append(negative("compact-where-json-expected", "hxjwt", good, "oct16", ["A128KW"],
                        ["A128GCM"], "Malformed", serialization="json"))
    zipped = joserfc_encrypt({"alg": "A128KW", "enc": "A128GCM", "zip": "DEF"}, keys["oct16"])
    neg.append(negative("zip-not-enabled", "hxjwt", zipped, "oct16", ["A128KW"], ["A128GCM"],
                        "UnknownHeader"))
    neg.append(negative("crit-not-understood", "hxjwt", compact(
        {"alg": "A128KW", "enc": "A128GCM", "crit": ["exp"], "exp": 1}, ek=bytes(24)), "oct16",
        ["A128KW"], ["A128GCM"], "UnknownHeader"))
    neg.append(negative("dir-with-encrypted-key", "hxjwt", compact(
        {"alg": "dir", "enc": "A128GCM"}, ek=bytes(16)), "oct16", ["dir"], ["A128GCM"],
        "Malformed"))
    return neg


# RFC 7520 section 5.13 (figures 221-226 ff.): the keys and the general JSON serialization.
RFC7520_5_13_KEYS = {
    "rfc7520-5.13-rsa": {
        "kty": "RSA", "kid": "frodo.baggins@hobbiton.example", "use": "enc",
        "n": "maxhbsmBtdQ3CNrKvprUE6n9lYcregDMLYNeTAWcLj8NnPU9XIYegTHVHQjxKDSHP2l-F5jS7sppG1wgdAqZyhnWvXhYNvcM7RfgKxqNx_xAHx6f3yy7s-M9PSNCwPC2lh6UAkR4I00EhV9lrypM9Pi4lBUop9t5fS9W5UNwaAllhrd-osQGPjIeI1deHTwx-ZTHu3C60Pu_LJIl6hKn9wbwaUmA4cR5Bd2pgbaY7ASgsjCUbtYJaNIHSoHXprUdJZKUMAzV0WOKPfA6OPI4oypBadjvMZ4ZAj3BnXaSYsEZhaueTXvZB4eZOAjIyh2e_VOIKVMsnDrJYAVotGlvMQ",
        "e": "AQAB",
        "d": "Kn9tgoHfiTVi8uPu5b9TnwyHwG5dK6RE0uFdlpCGnJN7ZEi963R7wybQ1PLAHmpIbNTztfrheoAniRV1NCIqXaW_qS461xiDTp4ntEPnqcKsyO5jMAji7-CL8vhpYYowNFvIesgMoVaPRYMYT9TW63hNM0aWs7USZ_hLg6Oe1mY0vHTI3FucjSM86Nff4oIENt43r2fspgEPGRrdE6fpLc9Oaq-qeP1GFULimrRdndm-P8q8kvN3KHlNAtEgrQAgTTgz80S-3VD0FgWfgnb1PNmiuPUxO8OpI9KDIfu_acc6fg14nsNaJqXe6RESvhGPH2afjHqSy_Fd2vpzj85bQQ",
        "p": "2DwQmZ43FoTnQ8IkUj3BmKRf5Eh2mizZA5xEJ2MinUE3sdTYKSLtaEoekX9vbBZuWxHdVhM6UnKCJ_2iNk8Z0ayLYHL0_G21aXf9-unynEpUsH7HHTklLpYAzOOx1ZgVljoxAdWNn3hiEFrjZLZGS7lOH-a3QQlDDQoJOJ2VFmU",
        "q": "te8LY4-W7IyaqH1ExujjMqkTAlTeRbv0VLQnfLY2xINnrWdwiQ93_VF099aP1ESeLja2nw-6iKIe-qT7mtCPozKfVtUYfz5HrJ_XY2kfexJINb9lhZHMv5p1skZpeIS-GPHCC6gRlKo1q-idn_qxyusfWv7WAxlSVfQfk8d6Et0",
        "dp": "UfYKcL_or492vVc0PzwLSplbg4L3-Z5wL48mwiswbpzOyIgd2xHTHQmjJpFAIZ8q-zf9RmgJXkDrFs9rkdxPtAsL1WYdeCT5c125Fkdg317JVRDo1inX7x2Kdh8ERCreW8_4zXItuTl_KiXZNU5lvMQjWbIw2eTx1lpsflo0rYU",
        "dq": "iEgcO-QfpepdH8FWd7mUFyrXdnOkXJBCogChY6YKuIHGc_p8Le9MbpFKESzEaLlN1Ehf3B6oGBl5Iz_ayUlZj2IoQZ82znoUrpa9fVYNot87ACfzIG7q9Mv7RiPAderZi03tkVXAdaBau_9vs5rS-7HMtxkVrxSUvJY14TkXlHE",
        "qi": "kC-lzZOqoFaZCr5l0tOVtREKoVqaAYhQiqIRGL-MzS4sCmRkxm5vZlXYx6RtE1n_AagjqajlkjieGlxTTThHD8Iga6foGBMaAr5uR1hGQpSc7Gl7CF1DZkBJMTQN6EshYzZfxW08mIO8M6Rzuh0beL6fG9mkDcIyPrBXx2bQ_mM",
    },
    "rfc7520-5.13-ec": {
        "kty": "EC", "kid": "peregrin.took@tuckborough.example", "use": "enc", "crv": "P-384",
        "x": "YU4rRUzdmVqmRtWOs2OpDE_T5fsNIodcG8G5FWPrTPMyxpzsSOGaQLpe2FpxBmu2",
        "y": "A8-yxCHxkfBz3hKZfI1jUYMjUhsEveZ9THuwFjH2sCNdtksRJU7D5-SkgaFL1ETP",
        "d": "iTx2pk7wW-GqJkHcEkFQb2EFyYcO7RugmaW3mRrQVAOUiPommT0IdnYK2xDlZh-j",
    },
    "rfc7520-5.13-oct": {
        "kty": "oct", "kid": "18ec08e1-bfa9-4d95-b205-2b4dd1d4321d", "use": "enc",
        "alg": "A256GCMKW", "k": "qC57l_uxcm7Nm3K-ct4GFjx8tM1U8CZ0NLBvdQstiS8",
    },
}

RFC7520_5_13 = {
    "recipients": [
        {"encrypted_key": "dYOD28kab0Vvf4ODgxVAJXgHcSZICSOp8M51zjwj4w6Y5G4XJQsNNIBiqyvUUAOcpL7S7-cFe7Pio7gV_Q06WmCSa-vhW6me4bWrBf7cHwEQJdXihidAYWVajJIaKMXMvFRMV6iDlRr076DFthg2_AV0_tSiV6xSEIFqt1xnYPpmP91tc5WJDOGb-wqjw0-b-S1laS11QVbuP78dQ7Fa0zAVzzjHX-xvyM2wxj_otxr9clN1LnZMbeYSrRicJK5xodvWgkpIdkMHo4LvdhRRvzoKzlic89jFWPlnBq_V4n5trGuExtp_-dbHcGlihqc_wGgho9fLMK8JOArYLcMDNQ",
         "header": {"alg": "RSA1_5", "kid": "frodo.baggins@hobbiton.example"}},
        {"encrypted_key": "ExInT0io9BqBMYF6-maw5tZlgoZXThD1zWKsHixJuw_elY4gSSId_w",
         "header": {"alg": "ECDH-ES+A256KW", "kid": "peregrin.took@tuckborough.example",
                    "epk": {"kty": "EC", "crv": "P-384",
                            "x": "Uzdvk3pi5wKCRc1izp5_r0OjeqT-I68i8g2b8mva8diRhsE2xAn2DtMRb25Ma2CX",
                            "y": "VDrRyFJh-Kwd1EjAgmj5Eo-CTHAZ53MC7PjjpLioy3ylEjI1pOMbw91fzZ84pbfm"}}},
        {"encrypted_key": "a7CclAejo_7JSuPB8zeagxXRam8dwCfmkt9-WyTpS1E",
         "header": {"alg": "A256GCMKW", "kid": "18ec08e1-bfa9-4d95-b205-2b4dd1d4321d",
                    "tag": "59Nqh1LlYtVIhfD3pgRGvw", "iv": "AvpeoPZ9Ncn9mkBn"}},
    ],
    "unprotected": {"cty": "text/plain"},
    "protected": "eyJlbmMiOiJBMTI4Q0JDLUhTMjU2In0",
    "iv": "VgEIHY20EnzUtZFl2RpB1g",
    "ciphertext": "ajm2Q-OpPXCr7-MHXicknb1lsxLdXxK_yLds0KuhJzfWK04SjdxQeSw2L9mu3a_k1C55kCQ_3xlkcVKC5yr__Is48VOoK0k63_QRM9tBURMFqLByJ8vOYQX0oJW4VUHJLmGhF-tVQWB7Kz8mr8zeE7txF0MSaP6ga7-siYxStR7_G07Thd1jh-zGT0wxM5g-VRORtq0K6AXpLlwEqRp7pkt2zRM0ZAXqSpe1O6FJ7FHLDyEFnD-zDIZukLpCbzhzMDLLw2-8I14FQrgi-iEuzHgIJFIJn2wh9Tj0cg_kOZy9BqMRZbmYXMY9YQjorZ_P_JYG3ARAIF3OjDNqpdYe-K_5Q5crGJSDNyij_ygEiItR5jssQVH2ofDQdLChtazE",
    "tag": "BESYyFN7T09KY7i8zKs5_g",
}


def rfc7520_5_13(keys: dict) -> tuple[list, list]:
    """RFC 7520 5.13, checked with jwcrypto (every recipient, RSA1_5 included, opens it there)."""
    plaintext = load_cookbook().Payload_plaintext_5
    plaintext = plaintext.encode() if isinstance(plaintext, str) else plaintext
    token = json.dumps(RFC7520_5_13)
    for name, key in RFC7520_5_13_KEYS.items():
        keys[name] = dict(key)
        e = jwcrypto.jwe.JWE()
        e.allowed_algs = ALGS + ENCS + ["RSA1_5"]
        e.deserialize(token, key=jwcrypto.jwk.JWK(**key))
        assert e.payload == plaintext, name
    pos = [positive("rfc7520-5.13-general-ecdh-es-a256kw", "RFC 7520 5.13", token,
                    "rfc7520-5.13-ec", "ECDH-ES+A256KW", "A128CBC-HS256", plaintext=plaintext,
                    serialization="json"),
           positive("rfc7520-5.13-general-a256gcmkw", "RFC 7520 5.13", token,
                    "rfc7520-5.13-oct", "A256GCMKW", "A128CBC-HS256", plaintext=plaintext,
                    serialization="json")]
    neg = [negative("rfc7520-5.13-general-RSA1_5-refused", "RFC 7520 5.13", token,
                    "rfc7520-5.13-rsa", ["RSA-OAEP", "RSA-OAEP-256"], ["A128CBC-HS256"],
                    "UnsupportedAlgorithm", serialization="json")]
    return pos, neg


def main() -> None:
    keys = make_keys()
    lpos, lneg = library_vectors(keys)
    rpos, rneg, kdf = rfc_vectors(keys)
    p13, n13 = rfc7520_5_13(keys)
    rpos, rneg = rpos + p13, rneg + n13
    hneg = hostile_vectors(keys)
    out = {"keys": keys, "kdf": kdf, "positive": rpos + lpos, "negative": rneg + lneg + hneg}
    json.dump(out, sys.stdout, indent=1, sort_keys=True, ensure_ascii=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
