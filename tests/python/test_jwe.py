"""hxjwt.jwe, the Python face of the core's JWE: the shared vectors (tests/vectors/jwe.json),
round trips for every alg x enc, interop both ways with joserfc and jwcrypto (ECDH-1PU with
joserfc), hostile inputs, nested JWTs, keys, and the GIL released during decryption."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
import zlib
from pathlib import Path
from typing import Any

import jwcrypto.jwa  # type: ignore[import-untyped]
import jwcrypto.jwe  # type: ignore[import-untyped]
import jwcrypto.jwk  # type: ignore[import-untyped]
import pytest
from joserfc import jwe as rjwe
from joserfc import jwk as rjwk
from joserfc.drafts.jwe_ecdh_1pu import register_ecdh_1pu

import hxjwt
from hxjwt import jwe

from conftest import b64url_decode, load

register_ecdh_1pu()

VECTORS = load("jwe.json")
PLAINTEXT = "Encrypted in Python: ünïcödé and all.".encode()

KW_ALGS = ["A128KW", "A192KW", "A256KW", "A128GCMKW", "A192GCMKW", "A256GCMKW"]
ECDH_ES = ["ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW"]
ECDH_1PU = ["ECDH-1PU", "ECDH-1PU+A128KW", "ECDH-1PU+A192KW", "ECDH-1PU+A256KW"]
RSA = ["RSA-OAEP", "RSA-OAEP-256"]
PBES2 = ["PBES2-HS256+A128KW", "PBES2-HS384+A192KW", "PBES2-HS512+A256KW"]
ALGS = ["dir", *KW_ALGS, *ECDH_ES, *RSA, *PBES2]
CBC = ["A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512"]
ENCS = [*CBC, "A128GCM", "A192GCM", "A256GCM"]
ENC_KEY_LEN = {"A128CBC-HS256": 32, "A192CBC-HS384": 48, "A256CBC-HS512": 64,
               "A128GCM": 16, "A192GCM": 24, "A256GCM": 32}
CURVES = ["X25519", "P-256", "P-384", "P-521"]
PRIVATE = ("d", "p", "q", "dp", "dq", "qi")


def b64e(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


# ---------------------------------------------------------------------------------------------
# Keys shared by the tests: made by hxjwt, exported as JWKs for the other libraries.
# ---------------------------------------------------------------------------------------------

class Keys:
    def __init__(self) -> None:
        self.rsa = jwe.Key.generate_rsa(2048)
        self.ec = {c: jwe.Key.generate_x25519() if c == "X25519" else jwe.Key.generate_ec(c)  # type: ignore[arg-type]
                   for c in CURVES}
        self.sender = {c: jwe.Key.generate_x25519() if c == "X25519" else jwe.Key.generate_ec(c)  # type: ignore[arg-type]
                       for c in CURVES}
        self.secret = {n: jwe.Key.generate_secret(n) for n in (16, 24, 32, 48, 64)}
        self.password = jwe.Key.from_password(b"correct horse battery staple")

    def for_alg(self, alg: str, enc: str, curve: str = "P-256") -> jwe.Key:
        if alg == "dir":
            return self.secret[ENC_KEY_LEN[enc]]
        if alg in KW_ALGS:
            return self.secret[int(alg[1:4]) // 8]
        if alg.startswith("ECDH"):
            return self.ec[curve]
        if alg.startswith("RSA"):
            return self.rsa
        return self.password


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys()


def pairs() -> list[tuple[str, str, str]]:
    """Every (alg, enc, curve) hxjwt supports without a sender key (curve only for ECDH)."""
    out = []
    for alg in ALGS:
        for enc in ENCS:
            for curve in (CURVES if alg.startswith("ECDH") else ["-"]):
                out.append((alg, enc, curve))
    return out


def pairs_1pu() -> list[tuple[str, str, str]]:
    """ECDH-1PU: direct with every enc, key-wrapped only with the CBC-HMAC encs (the draft)."""
    return [(alg, enc, curve) for alg in ECDH_1PU for enc in ENCS for curve in CURVES
            if alg == "ECDH-1PU" or enc in CBC]


def extra_for(alg: str) -> dict[str, Any]:
    return {"p2c": 1000} if alg.startswith("PBES2") else {}


def public(key: jwe.Key) -> jwe.Key:
    return key if key.kind == "oct" else key.to_public()


def jwk_of(key: jwe.Key, private: bool = True) -> dict[str, Any]:
    if key.kind == "oct" or private:
        return key.to_private_jwk()
    return key.to_public_jwk()


# ---------------------------------------------------------------------------------------------
# The shared vectors
# ---------------------------------------------------------------------------------------------

def vector_key(name: str) -> jwe.Key:
    return jwe.Key.from_jwk(VECTORS["keys"][name])


def run_vector(v: dict[str, Any]) -> jwe.Decrypted:
    sender = vector_key(v["sender"]).to_public() if "sender" in v else None
    fn = jwe.decrypt if v["serialization"] == "compact" else jwe.decrypt_json
    return fn(v["token"], vector_key(v["key"]), algorithms=v["algorithms"],
              encryptions=v["encryptions"], allow_zip=v.get("allow_zip"), sender_key=sender)


@pytest.mark.parametrize("v", VECTORS["positive"], ids=lambda v: v["name"])
def test_positive_vector(v: dict[str, Any]) -> None:
    msg = run_vector(v)
    assert msg.plaintext == b64url_decode(v["plaintext_b64url"])
    if "aad_b64url" in v:
        assert msg.aad == b64url_decode(v["aad_b64url"])
    assert msg.enc in v["encryptions"] and msg.alg in v["algorithms"]


@pytest.mark.parametrize("v", VECTORS["negative"], ids=lambda v: v["name"])
def test_negative_vector(v: dict[str, Any]) -> None:
    started = time.monotonic()
    with pytest.raises(hxjwt.PyJWTError) as e:
        run_vector(v)
    assert type(e.value) is hxjwt.ERROR_CLASSES[v["error"]], (v["name"], e.value)
    assert e.value.kind == v["error"]
    assert time.monotonic() - started < 1.0, "refused quickly"


def test_vector_counts() -> None:
    assert len(VECTORS["positive"]) > 300 and len(VECTORS["negative"]) >= 20


# ---------------------------------------------------------------------------------------------
# Round trips through hxjwt alone
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("alg", "enc", "curve"), pairs())
def test_round_trip(keys: Keys, alg: str, enc: str, curve: str) -> None:
    key = keys.for_alg(alg, enc, curve)
    token = jwe.encrypt({"sub": "ada", "n": 1}, public(key), alg=alg, enc=enc, typ="JWT",
                        **extra_for(alg))
    header = jwe.get_unverified_header(token)
    assert (header["alg"], header["enc"], header["typ"]) == (alg, enc, "JWT")
    msg = jwe.decrypt(token, key, algorithms=[alg], encryptions=[enc])
    assert msg.json() == {"sub": "ada", "n": 1}
    assert (msg.alg, msg.enc) == (alg, enc)
    assert msg.header == header


@pytest.mark.parametrize(("alg", "enc", "curve"), pairs_1pu())
def test_round_trip_1pu(keys: Keys, alg: str, enc: str, curve: str) -> None:
    sender, recipient = keys.sender[curve], keys.ec[curve]
    token = jwe.encrypt(PLAINTEXT, recipient.to_public(), alg=alg, enc=enc, sender_key=sender,
                        apu=b"Alice", apv=b"Bob")
    msg = jwe.decrypt(token, recipient, algorithms=[alg], encryptions=[enc],
                      sender_key=sender.to_public())
    assert msg.plaintext == PLAINTEXT
    assert msg.header["skid"] == sender.kid
    # Another sender's public key does not authenticate it.
    with pytest.raises(hxjwt.DecryptionError):
        jwe.decrypt(token, recipient, algorithms=[alg], encryptions=[enc],
                    sender_key=keys.ec[curve].to_public().with_kid(sender.kid or ""))


def test_1pu_needs_the_sender_key(keys: Keys) -> None:
    r, s = keys.ec["X25519"], keys.sender["X25519"]
    with pytest.raises(hxjwt.InvalidArgumentError):
        jwe.encrypt(b"x", r.to_public(), alg="ECDH-1PU", enc="A256GCM")
    with pytest.raises(hxjwt.InvalidArgumentError):
        jwe.encrypt(b"x", r.to_public(), alg="ECDH-ES", enc="A256GCM", sender_key=s)
    token = jwe.encrypt(b"x", r.to_public(), alg="ECDH-1PU", enc="A256GCM", sender_key=s)
    with pytest.raises(hxjwt.InvalidAlgorithmError):
        jwe.decrypt(token, r, algorithms=["ECDH-1PU"], encryptions=["A256GCM"])
    with pytest.raises(hxjwt.InvalidArgumentError):
        jwe.encrypt(b"x", r.to_public(), alg="ECDH-1PU+A128KW", enc="A128GCM", sender_key=s)


def test_plaintext_types(keys: Keys) -> None:
    k = keys.secret[32]
    cases: list[tuple[bytes | bytearray | str | dict[str, Any], bytes]] = [
        (b"\x00\xff", b"\x00\xff"), ("é", "é".encode()), (bytearray(b"ba"), b"ba"),
        ({"a": [1]}, b'{"a":[1]}')]
    for value, want in cases:
        token = jwe.encrypt(value, k, alg="A256KW", enc="A256GCM")
        msg = jwe.decrypt(token.encode(), k, algorithms="A256KW", encryptions="A256GCM")
        assert msg.plaintext == want
    assert jwe.decrypt(jwe.encrypt("é", k, alg="A256KW", enc="A256GCM"), k,
                       algorithms=["A256KW"], encryptions=["A256GCM"]).text() == "é"
    with pytest.raises(ValueError):
        jwe.decrypt(jwe.encrypt(b"\xff", k, alg="A256KW", enc="A256GCM"), k,
                    algorithms=["A256KW"], encryptions=["A256GCM"]).text()


def test_header_members(keys: Keys) -> None:
    k = keys.secret[16]
    token = jwe.encrypt(b"x", k, alg="A128KW", enc="A128GCM", kid="k1", typ="JWT", cty="text",
                        headers={"x-tenant": "acme", "n": [1, 2]})
    h = jwe.get_unverified_header(token)
    assert h == {"alg": "A128KW", "enc": "A128GCM", "kid": "k1", "typ": "JWT", "cty": "text",
                 "x-tenant": "acme", "n": [1, 2]}
    with pytest.raises(hxjwt.InvalidArgumentError):
        jwe.encrypt(b"x", k, alg="A128KW", enc="A128GCM", headers={"epk": {}})
    with pytest.raises(hxjwt.InvalidArgumentError):
        jwe.encrypt(b"x", k, alg="A128KW", enc="A128GCM", headers={"crit": ["x"]})
    with pytest.raises(TypeError):
        jwe.encrypt(b"x", k, alg="A128KW", enc="A128GCM", headers=[("a", 1)])  # type: ignore[arg-type]
    # typ required on decryption
    d = {"algorithms": ["A128KW"], "encryptions": ["A128GCM"]}
    assert jwe.decrypt(token, k, typ="jwt", **d).plaintext == b"x"  # type: ignore[arg-type]
    with pytest.raises(hxjwt.InvalidClaimError):
        jwe.decrypt(token, k, typ="other", **d)  # type: ignore[arg-type]


def test_json_serialization(keys: Keys) -> None:
    a, b, c = keys.ec["P-256"], keys.secret[32], keys.rsa
    recipients: list[tuple[jwe.Key, str] | tuple[jwe.Key, str, str | None]] = [
        (a.to_public(), "ECDH-ES+A256KW"), (b, "A256GCMKW", "team-b"),
        (c.to_public(), "RSA-OAEP-256")]
    token = jwe.encrypt_json({"m": 1}, recipients, enc="A256GCM", aad=b"context", typ="x")
    doc = json.loads(token)
    assert len(doc["recipients"]) == 3
    d = {"algorithms": ["ECDH-ES+A256KW", "A256GCMKW", "RSA-OAEP-256"], "encryptions": ["A256GCM"]}
    for key in (a, b.with_kid("team-b"), c):
        msg = jwe.decrypt_json(token, key, **d)  # type: ignore[arg-type]
        assert msg.json() == {"m": 1} and msg.aad == b"context" and msg.header["typ"] == "x"
    assert jwe.decrypt_json(doc, c, **d).plaintext == b'{"m":1}'  # type: ignore[arg-type]
    # Only the algorithms named: the RSA recipient is not tried.
    with pytest.raises(hxjwt.PyJWTError):
        jwe.decrypt_json(token, c, algorithms=["A256GCMKW"], encryptions=["A256GCM"])
    flat = jwe.encrypt_json(b"f", [(b, "A256KW")], enc="A128CBC-HS256", general=False)
    assert "recipients" not in json.loads(flat)
    assert jwe.decrypt_json(flat.encode(), b, algorithms=["A256KW"],
                            encryptions=["A128CBC-HS256"]).plaintext == b"f"
    s = keys.sender["X25519"]
    pu = jwe.encrypt_json(b"p", [(keys.ec["X25519"].to_public(), "ECDH-1PU+A128KW")],
                          enc="A128CBC-HS256", sender_key=s)
    assert jwe.decrypt_json(pu, keys.ec["X25519"], algorithms=["ECDH-1PU+A128KW"],
                            encryptions=["A128CBC-HS256"], sender_key=[s.to_public()]).plaintext == b"p"
    for bad in ([], [b], [(b,)], [(b, 1)], "x", None):
        with pytest.raises((TypeError, ValueError)):
            jwe.encrypt_json(b"x", bad, enc="A256GCM")  # type: ignore[arg-type]


def test_key_lists_select_by_kid(keys: Keys) -> None:
    k1, k2 = jwe.Key.generate_x25519(), jwe.Key.generate_x25519()
    token = jwe.encrypt(b"two", k2.to_public(), alg="ECDH-ES", enc="A256GCM")
    assert jwe.get_unverified_header(token)["kid"] == k2.kid
    d = {"algorithms": ["ECDH-ES"], "encryptions": ["A256GCM"]}
    assert jwe.decrypt(token, [k1, k2], **d).plaintext == b"two"  # type: ignore[arg-type]
    assert jwe.decrypt(token, (k2, k1), **d).plaintext == b"two"  # type: ignore[arg-type]
    assert jwe.decrypt(token, {"keys": [k1.to_private_jwk(), k2.to_private_jwk()]},
                       **d).plaintext == b"two"  # type: ignore[arg-type]
    assert jwe.decrypt(token, k2.to_private_jwk(), **d).plaintext == b"two"  # type: ignore[arg-type]
    with pytest.raises(hxjwt.KeyNotFoundError):
        jwe.decrypt(token, [k1], **d)  # type: ignore[arg-type]
    with pytest.raises(hxjwt.DecryptionError):
        jwe.decrypt(token, k1, **d)  # type: ignore[arg-type]


def test_zip(keys: Keys) -> None:
    k = keys.secret[32]
    big = b"a" * 100_000
    token = jwe.encrypt(big, k, alg="A256KW", enc="A256GCM", zip=True)
    assert len(token) < 2000
    d = {"algorithms": ["A256KW"], "encryptions": ["A256GCM"]}
    with pytest.raises(hxjwt.UnknownHeaderError):
        jwe.decrypt(token, k, **d)  # type: ignore[arg-type]
    assert jwe.decrypt(token, k, allow_zip=jwe.DEFAULT_MAX_INFLATED_LENGTH,
                       **d).plaintext == big  # type: ignore[arg-type]
    with pytest.raises(hxjwt.DecodeError):
        jwe.decrypt(token, k, allow_zip=50_000, **d)  # type: ignore[arg-type]


def test_crit(keys: Keys) -> None:
    # A crit header can only come from another library: jwcrypto writes one.
    k = keys.secret[16]
    e = jwcrypto.jwe.JWE(b"c", protected=json.dumps(
        {"alg": "A128KW", "enc": "A128GCM", "crit": ["exp"], "exp": 1}))
    e.add_recipient(jwcrypto.jwk.JWK(**k.to_private_jwk()))
    token = e.serialize(compact=True)
    d = {"algorithms": ["A128KW"], "encryptions": ["A128GCM"]}
    with pytest.raises(hxjwt.UnknownHeaderError):
        jwe.decrypt(token, k, **d)  # type: ignore[arg-type]
    assert jwe.decrypt(token, k, critical=["exp"], **d).header["exp"] == 1  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Interop, both directions, in the test: joserfc and jwcrypto
# ---------------------------------------------------------------------------------------------

jwcrypto.jwa.default_max_pbkdf2_iterations = 1_000_000


def jwcrypto_key(key: jwe.Key, private: bool) -> jwcrypto.jwk.JWK:
    return jwcrypto.jwk.JWK(**jwk_of(key, private))


def joserfc_key(key: jwe.Key, private: bool) -> Any:
    return rjwk.import_key(jwk_of(key, private))


def jwcrypto_encrypt(header: dict[str, Any], key: jwe.Key) -> str:
    e = jwcrypto.jwe.JWE(PLAINTEXT, protected=json.dumps(header))
    e.allowed_algs = [header["alg"], header["enc"]]
    e.add_recipient(jwcrypto_key(key, private=False))
    return str(e.serialize(compact=True))


def jwcrypto_decrypt(token: str, key: jwe.Key, alg: str, enc: str) -> bytes:
    e = jwcrypto.jwe.JWE()
    e.allowed_algs = [alg, enc]
    e.deserialize(token, key=jwcrypto_key(key, private=True))
    return bytes(e.payload)


@pytest.mark.parametrize(("alg", "enc", "curve"), pairs())
def test_interop_jwcrypto(keys: Keys, alg: str, enc: str, curve: str) -> None:
    key = keys.for_alg(alg, enc, curve)
    theirs = jwcrypto_encrypt({"alg": alg, "enc": enc, **extra_for(alg)}, key)
    assert jwe.decrypt(theirs, key, algorithms=[alg], encryptions=[enc]).plaintext == PLAINTEXT
    ours = jwe.encrypt(PLAINTEXT, public(key), alg=alg, enc=enc, **extra_for(alg))
    assert jwcrypto_decrypt(ours, key, alg, enc) == PLAINTEXT


@pytest.mark.parametrize(("alg", "enc", "curve"), pairs())
def test_interop_joserfc(keys: Keys, alg: str, enc: str, curve: str) -> None:
    key = keys.for_alg(alg, enc, curve)
    header = {"alg": alg, "enc": enc, **extra_for(alg)}
    theirs = rjwe.encrypt_compact(header, PLAINTEXT, joserfc_key(key, private=False),
                                  algorithms=[alg, enc])
    assert jwe.decrypt(theirs, key, algorithms=[alg], encryptions=[enc]).plaintext == PLAINTEXT
    ours = jwe.encrypt(PLAINTEXT, public(key), alg=alg, enc=enc, **extra_for(alg))
    got = rjwe.decrypt_compact(ours, joserfc_key(key, private=True), algorithms=[alg, enc])
    assert got.plaintext == PLAINTEXT


@pytest.mark.parametrize(("alg", "enc", "curve"), pairs_1pu())
def test_interop_joserfc_1pu(keys: Keys, alg: str, enc: str, curve: str) -> None:
    recipient, sender = keys.ec[curve], keys.sender[curve]
    header = {"alg": alg, "enc": enc, "apu": b64e(b"Alice"), "apv": b64e(b"Bob")}
    theirs = rjwe.encrypt_compact(header, PLAINTEXT, joserfc_key(recipient, private=False),
                                  algorithms=[alg, enc], sender_key=joserfc_key(sender, True))
    msg = jwe.decrypt(theirs, recipient, algorithms=[alg], encryptions=[enc],
                      sender_key=sender.to_public())
    assert msg.plaintext == PLAINTEXT
    ours = jwe.encrypt(PLAINTEXT, recipient.to_public(), alg=alg, enc=enc, sender_key=sender,
                       apu=b"Alice", apv=b"Bob")
    got = rjwe.decrypt_compact(ours, joserfc_key(recipient, True), algorithms=[alg, enc],
                               sender_key=joserfc_key(sender, private=False))
    assert got.plaintext == PLAINTEXT


def test_interop_general_json(keys: Keys) -> None:
    recips = [("RSA-OAEP-256", keys.rsa), ("ECDH-ES+A256KW", keys.ec["P-256"]),
              ("ECDH-ES+A128KW", keys.ec["X25519"]), ("A256GCMKW", keys.secret[32])]
    algs = [a for a, _ in recips]
    aad = b"for every recipient"
    # hxjwt -> jwcrypto and joserfc
    ours = jwe.encrypt_json(PLAINTEXT, [(public(k), a) for a, k in recips], enc="A256GCM", aad=aad)
    for alg, k in recips:
        e = jwcrypto.jwe.JWE()
        e.allowed_algs = [*algs, "A256GCM"]
        e.deserialize(ours, key=jwcrypto_key(k, True))
        assert e.payload == PLAINTEXT
    ks = rjwk.KeySet.import_key_set({"keys": [jwk_of(k) for _, k in recips]})
    obj = rjwe.decrypt_json(json.loads(ours), ks, algorithms=[*algs, "A256GCM"])
    assert obj.plaintext == PLAINTEXT and obj.aad == aad
    # jwcrypto and joserfc -> hxjwt
    e = jwcrypto.jwe.JWE(PLAINTEXT, protected=json.dumps({"enc": "A256GCM"}), aad=aad)
    e.allowed_algs = [*algs, "A256GCM"]
    for alg, k in recips:
        e.add_recipient(jwcrypto_key(k, False), header=json.dumps({"alg": alg, "kid": k.kid}))
    g = rjwe.GeneralJSONEncryption({"enc": "A256GCM"}, PLAINTEXT, aad=aad)
    for alg, k in recips:
        g.add_recipient({"alg": alg, "kid": k.kid}, joserfc_key(k, False))
    for token in (e.serialize(), json.dumps(rjwe.encrypt_json(g, None, algorithms=[*algs, "A256GCM"]))):
        for _, k in recips:
            msg = jwe.decrypt_json(token, k, algorithms=algs, encryptions=["A256GCM"])
            assert msg.plaintext == PLAINTEXT and msg.aad == aad
        both = jwe.decrypt_json(token, [k for _, k in recips], algorithms=algs,
                                encryptions=["A256GCM"])
        assert both.plaintext == PLAINTEXT


@pytest.mark.parametrize("lib", ["jwcrypto", "joserfc"])
def test_interop_zip(keys: Keys, lib: str) -> None:
    k = keys.secret[32]
    text = b"compressible " * 1000
    d: dict[str, Any] = {"algorithms": ["A256KW"], "encryptions": ["A256GCM"],
                         "allow_zip": jwe.DEFAULT_MAX_INFLATED_LENGTH}
    header = {"alg": "A256KW", "enc": "A256GCM", "zip": "DEF"}
    ours = jwe.encrypt(text, k, alg="A256KW", enc="A256GCM", zip=True)
    if lib == "jwcrypto":
        e = jwcrypto.jwe.JWE(text, protected=json.dumps(header))
        e.add_recipient(jwcrypto_key(k, False))
        theirs = str(e.serialize(compact=True))
        assert jwcrypto_decrypt(ours, k, "A256KW", "A256GCM") == text
    else:
        algs = ["A256KW", "A256GCM", "DEF"]
        theirs = rjwe.encrypt_compact(header, text, joserfc_key(k, False), algorithms=algs)
        assert rjwe.decrypt_compact(ours, joserfc_key(k, True), algorithms=algs).plaintext == text
    assert jwe.decrypt(theirs, k, **d).plaintext == text


def test_interop_flattened_and_1pu_json(keys: Keys) -> None:
    k, r, s = keys.secret[16], keys.ec["P-256"], keys.sender["P-256"]
    aad = b"flat"
    # Flattened, both ways.
    ours = jwe.encrypt_json(PLAINTEXT, [(k, "A128KW")], enc="A128GCM", aad=aad, general=False)
    e = jwcrypto.jwe.JWE()
    e.deserialize(ours, key=jwcrypto_key(k, True))
    assert e.payload == PLAINTEXT
    obj = rjwe.decrypt_json(json.loads(ours), joserfc_key(k, True), algorithms=["A128KW", "A128GCM"])
    assert obj.plaintext == PLAINTEXT and obj.aad == aad
    f = rjwe.FlattenedJSONEncryption({"alg": "A128KW", "enc": "A128GCM"}, PLAINTEXT, aad=aad)
    f.add_recipient(None, joserfc_key(k, False))
    theirs = rjwe.encrypt_json(f, None, algorithms=["A128KW", "A128GCM"])
    msg = jwe.decrypt_json(theirs, k, algorithms=["A128KW"], encryptions=["A128GCM"])
    assert msg.plaintext == PLAINTEXT and msg.aad == aad
    # ECDH-1PU in the general JSON serialization, both ways with joserfc.
    algs = ["ECDH-1PU+A128KW", "A128CBC-HS256"]
    ours = jwe.encrypt_json(PLAINTEXT, [(r.to_public(), "ECDH-1PU+A128KW")], enc="A128CBC-HS256",
                            sender_key=s)
    obj = rjwe.decrypt_json(json.loads(ours), joserfc_key(r, True), algorithms=algs,
                            sender_key=joserfc_key(s, False))
    assert obj.plaintext == PLAINTEXT
    g = rjwe.GeneralJSONEncryption({"enc": "A128CBC-HS256"}, PLAINTEXT)
    g.add_recipient({"alg": "ECDH-1PU+A128KW", "kid": r.kid}, joserfc_key(r, False))
    theirs_general = rjwe.encrypt_json(g, None, algorithms=algs, sender_key=joserfc_key(s, True))
    msg = jwe.decrypt_json(theirs_general, r, algorithms=["ECDH-1PU+A128KW"], encryptions=["A128CBC-HS256"],
                           sender_key=s.to_public())
    assert msg.plaintext == PLAINTEXT


def test_interop_keys(keys: Keys) -> None:
    for key in [keys.rsa, *keys.ec.values(), keys.secret[32]]:
        theirs = jwcrypto.jwk.JWK(**key.to_private_jwk())
        assert theirs.thumbprint() == key.thumbprint()
        assert jwe.Key.from_jwk(theirs.export(private_key=True)).thumbprint() == key.thumbprint()
        if key.kind != "oct":
            assert "d" not in key.to_public_jwk()
            assert key.to_public().thumbprint() == key.thumbprint()
            assert not key.to_public().is_private


# ---------------------------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------------------------

def test_key_api(keys: Keys) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    k = jwe.Key.generate_ec("P-384")
    assert (k.kind, k.curve, k.is_private, k.algorithm) == ("EC", "P-384", True, None)
    assert k.kid == k.thumbprint()
    assert "d" in k.to_private_jwk() and "d" not in k.to_public_jwk()
    secret = jwe.Key.from_secret(b"\x01" * 16, kid="s1")
    assert (secret.kind, secret.curve, secret.kid) == ("oct", None, "s1")
    assert "AQEB" not in repr(secret) and repr(secret).startswith("Key(kind='oct'")
    x = keys.ec["X25519"]
    assert x.to_private_jwk()["d"] not in repr(x)
    assert (keys.rsa.kind, x.kind, x.curve) == ("RSA", "OKP", "X25519")
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    for p in (pem, pem.decode()):
        pk = jwe.Key.from_pem(p, kid="pem")
        assert (pk.kind, pk.curve, pk.kid, pk.is_private) == ("EC", "P-256", "pem", True)
    assert jwe.Key.from_jwk(json.dumps(x.to_public_jwk())).thumbprint() == x.thumbprint()
    restricted = jwe.Key.from_jwk({**keys.secret[16].to_private_jwk(), "alg": "A128KW"})
    assert restricted.algorithm == "A128KW"
    with pytest.raises(hxjwt.InvalidKeyError):
        jwe.encrypt(b"x", restricted, alg="A128GCMKW", enc="A128GCM")
    with pytest.raises(hxjwt.InvalidKeyError):
        jwe.Key.from_jwk({**keys.secret[16].to_private_jwk(), "use": "sig"})
    with pytest.raises(hxjwt.InvalidKeyError):
        jwe.Key.from_jwk({"kty": "OKP", "crv": "X25519", "x": b64e(bytes(32))})  # low order
    with pytest.raises(hxjwt.InvalidKeyError):
        keys.secret[16].to_public()
    with pytest.raises(ValueError):
        jwe.Key.generate_ec("P-192")  # type: ignore[arg-type]
    with pytest.raises(hxjwt.InvalidArgumentError):
        jwe.Key.generate_secret(20)
    with pytest.raises(hxjwt.PyJWTError):
        jwe.Key.generate_rsa(1024)
    with pytest.raises(TypeError):
        jwe.Key.from_secret(16)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        jwe.Key.from_jwk(42)  # type: ignore[arg-type]
    with pytest.raises(hxjwt.InvalidKeyError):
        jwe.Key.from_secret(b"")
    with pytest.raises(hxjwt.InvalidKeyError):
        jwe.Key.from_jwk("{not json")


PEM_DIR = Path(__file__).resolve().parents[1] / "vectors" / "keys"


@pytest.mark.parametrize("name", sorted(p.name for p in PEM_DIR.glob("*.pem")))
def test_pem_files(name: str) -> None:
    pem = (PEM_DIR / name).read_text()
    if name.startswith(("rsa1024", "ec-secp256k1", "ed25519")):
        with pytest.raises(hxjwt.InvalidKeyError):
            jwe.Key.from_pem(pem)
        return
    key = jwe.Key.from_pem(pem)
    private = not name.endswith(("spki.pem", "pub.pem"))
    assert key.is_private == private and key.kind == ("RSA" if name.startswith("rsa") else "EC")
    alg = "RSA-OAEP-256" if key.kind == "RSA" else "ECDH-ES+A128KW"
    token = jwe.encrypt(b"pem", key if not private else key.to_public(), alg=alg, enc="A128GCM")
    if private:
        assert jwe.decrypt(token, key, algorithms=[alg], encryptions=["A128GCM"]).plaintext == b"pem"


# ---------------------------------------------------------------------------------------------
# Hostile inputs
# ---------------------------------------------------------------------------------------------

def test_wrong_python_types(keys: Keys) -> None:
    k = keys.secret[16]
    token = jwe.encrypt(b"x", k, alg="A128KW", enc="A128GCM")
    d: dict[str, Any] = {"algorithms": ["A128KW"], "encryptions": ["A128GCM"]}
    with pytest.raises(TypeError):
        jwe.decrypt(token, k)  # type: ignore[call-arg]  # no default allow-lists
    with pytest.raises(TypeError):
        jwe.decrypt(token, k, algorithms=["A128KW"])  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        jwe.decrypt(42, k, **d)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        jwe.decrypt(token, "secret", **d)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        jwe.decrypt(token, [k, [k]], **d)  # type: ignore[list-item]
    with pytest.raises(ValueError):
        jwe.decrypt(token, [], **d)
    with pytest.raises(TypeError):
        jwe.decrypt(token, k, algorithms=[1], encryptions=["A128GCM"])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        jwe.decrypt(token, k, algorithms=None, encryptions=["A128GCM"])  # type: ignore[arg-type]
    # Counts out of range are ValueErrors (never OverflowError), non-integers TypeErrors.
    bad_counts: list[dict[str, Any]] = [{"max_p2c": -1}, {"max_p2c": 2**40}, {"allow_zip": -5},
                                        {"max_token_length": 2**70}]
    for bad_count in bad_counts:
        with pytest.raises(ValueError):
            jwe.decrypt(token, k, **bad_count, **d)
    with pytest.raises(ValueError):
        jwe.encrypt(b"x", keys.password, alg="PBES2-HS256+A128KW", enc="A128GCM", p2c=-1)
    with pytest.raises(TypeError):
        jwe.decrypt(token, k, allow_zip="1000", **d)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        jwe.Key.generate_rsa(True)
    with pytest.raises(ValueError):
        jwe.Key.generate_secret(-16)
    with pytest.raises(TypeError):
        jwe.encrypt(42, k, alg="A128KW", enc="A128GCM")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        jwe.encrypt(b"x", k, alg=None, enc="A128GCM")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        jwe.encrypt(b"x", [k, k], alg="A128KW", enc="A128GCM")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        jwe.encrypt(b"x", k, alg="A128KW", enc="A128GCM", apu=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        jwe.get_unverified_header(None)  # type: ignore[arg-type]
    # Names hxjwt does not implement are refused in the allow-list itself.
    for bad in (["RSA1_5"], ["none"], ["HS256"]):
        with pytest.raises(hxjwt.InvalidAlgorithmError):
            jwe.decrypt(token, k, algorithms=bad, encryptions=["A128GCM"])
    with pytest.raises(hxjwt.InvalidAlgorithmError):
        jwe.decrypt(token, k, algorithms=["A128KW"], encryptions=["A128CBC"])
    with pytest.raises(hxjwt.InvalidAlgorithmError):
        jwe.encrypt(b"x", k, alg="RSA1_5", enc="A128GCM")
    # An empty allow-list accepts nothing.
    with pytest.raises(hxjwt.InvalidAlgorithmError):
        jwe.decrypt(token, k, algorithms=[], encryptions=["A128GCM"])


def test_huge_p2c_is_refused_before_pbkdf2(keys: Keys) -> None:
    pw = keys.password
    header = b64e(json.dumps({"alg": "PBES2-HS512+A256KW", "enc": "A256GCM",
                              "p2s": b64e(bytes(16)), "p2c": 2_000_000_000}).encode())
    token = ".".join([header, b64e(bytes(40)), b64e(bytes(12)), b64e(b"c"), b64e(bytes(16))])
    started = time.monotonic()
    with pytest.raises(hxjwt.PyJWTError) as e:
        jwe.decrypt(token, pw, algorithms=["PBES2-HS512+A256KW"], encryptions=["A256GCM"])
    assert time.monotonic() - started < 0.5  # PBKDF2 at 2e9 iterations would take hours
    assert "p2c" in str(e.value)
    # Our own p2c, above a lower bound of the caller's: refused as well.
    ok = jwe.encrypt(b"x", pw, alg="PBES2-HS256+A128KW", enc="A128GCM", p2c=5000)
    with pytest.raises(hxjwt.PyJWTError):
        jwe.decrypt(ok, pw, algorithms=["PBES2-HS256+A128KW"], encryptions=["A128GCM"],
                    max_p2c=4999)
    assert jwe.decrypt(ok, pw, algorithms=["PBES2-HS256+A128KW"], encryptions=["A128GCM"],
                       max_p2c=5000).plaintext == b"x"


def test_zip_bomb_is_refused_quickly(keys: Keys) -> None:
    k = keys.secret[32]
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    bomb = c.compress(bytes(50_000_000)) + c.flush()
    assert len(bomb) < 100_000
    e = jwcrypto.jwe.JWE(b"", protected=json.dumps({"alg": "A256KW", "enc": "A256GCM", "zip": "DEF"}))
    # jwcrypto compresses itself; build the token by hand with AES-GCM over the raw bomb.
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.keywrap import aes_key_wrap

    del e
    cek = bytes(range(32))
    protected = b64e(json.dumps({"alg": "A256KW", "enc": "A256GCM", "zip": "DEF"}).encode())
    iv = bytes(12)
    sealed = AESGCM(cek).encrypt(iv, bomb, protected.encode())
    kek = b64url_decode(k.to_private_jwk()["k"])
    token = ".".join([protected, b64e(aes_key_wrap(kek, cek)), b64e(iv), b64e(sealed[:-16]),
                      b64e(sealed[-16:])])
    d = {"algorithms": ["A256KW"], "encryptions": ["A256GCM"]}
    with pytest.raises(hxjwt.UnknownHeaderError):
        jwe.decrypt(token, k, **d)  # type: ignore[arg-type]
    started = time.monotonic()
    with pytest.raises(hxjwt.DecodeError):
        jwe.decrypt(token, k, allow_zip=jwe.DEFAULT_MAX_INFLATED_LENGTH, **d)  # type: ignore[arg-type]
    assert time.monotonic() - started < 1.0


def test_swapped_serializations(keys: Keys) -> None:
    k = keys.secret[16]
    d: dict[str, Any] = {"algorithms": ["A128KW"], "encryptions": ["A128GCM"]}
    compact = jwe.encrypt(b"x", k, alg="A128KW", enc="A128GCM")
    as_json = jwe.encrypt_json(b"x", [(k, "A128KW")], enc="A128GCM")
    with pytest.raises(hxjwt.DecodeError):
        jwe.decrypt(as_json, k, **d)
    with pytest.raises(hxjwt.DecodeError):
        jwe.decrypt_json(compact, k, **d)
    # A JWS where a JWE is expected, and the other way round.
    signer = hxjwt.Key.generate("HS256")
    jws = hxjwt.encode({"sub": "x"}, signer, algorithm="HS256")
    with pytest.raises(hxjwt.DecodeError):
        jwe.decrypt(jws, k, **d)
    with pytest.raises(hxjwt.DecodeError):
        hxjwt.decode(compact, signer, algorithms=["HS256"])
    # Truncated tag, flipped bit, wrong key: one class, one message.
    parts = compact.split(".")
    truncated = ".".join([*parts[:4], parts[4][:-2]])
    with pytest.raises(hxjwt.DecodeError):
        jwe.decrypt(truncated, k, **d)
    messages = set()
    ct = bytearray(b64url_decode(parts[3]))
    ct[0] ^= 1
    flipped = ".".join([*parts[:3], b64e(bytes(ct)), parts[4]])
    for token, key in [(flipped, k), (compact, jwe.Key.generate_secret(16)),
                       (compact, jwe.Key.from_secret(bytes(16)))]:
        with pytest.raises(hxjwt.DecryptionError) as e:
            jwe.decrypt(token, key, **d)
        messages.add(str(e.value))
    assert len(messages) == 1
    garbage_tokens: list[str | bytes] = ["", ".", "....", "a.b.c.d.e", "é" * 10, "x" * 300_000,
                                         b"\xff\xfe"]
    for garbage in garbage_tokens:
        with pytest.raises(hxjwt.DecodeError):
            jwe.decrypt(garbage, k, **d)
    with pytest.raises(hxjwt.DecodeError):
        jwe.decrypt(compact, k, max_token_length=len(compact) - 1, **d)
    with pytest.raises(hxjwt.DecodeError):
        jwe.get_unverified_header("not-a-token")


def test_hostile_epk(keys: Keys) -> None:
    p = keys.ec["P-256"]
    token = jwe.encrypt(b"x", p.to_public(), alg="ECDH-ES", enc="A128GCM")
    h, *rest = token.split(".")
    header = json.loads(b64url_decode(h))
    header["epk"]["y"] = b64e(bytes(31) + b"\x01")  # off the curve
    forged = ".".join([b64e(json.dumps(header).encode()), *rest])
    with pytest.raises(hxjwt.InvalidKeyError, match="not a point on P-256"):
        jwe.decrypt(forged, p, algorithms=["ECDH-ES"], encryptions=["A128GCM"])
    x = keys.ec["X25519"]
    token = jwe.encrypt(b"x", x.to_public(), alg="ECDH-ES", enc="A128GCM")
    h, *rest = token.split(".")
    header = json.loads(b64url_decode(h))
    header["epk"]["x"] = b64e(bytes(32))  # low order
    forged = ".".join([b64e(json.dumps(header).encode()), *rest])
    with pytest.raises(hxjwt.InvalidKeyError):
        jwe.decrypt(forged, x, algorithms=["ECDH-ES"], encryptions=["A128GCM"])


# ---------------------------------------------------------------------------------------------
# Nested JWTs
# ---------------------------------------------------------------------------------------------

def test_nested(keys: Keys) -> None:
    signer = hxjwt.Key.generate("ES256")
    r = keys.ec["X25519"]
    now = int(time.time())
    claims = {"sub": "ada", "aud": "api", "iss": "idp", "exp": now + 60}
    token = jwe.encrypt_nested(claims, signer, algorithm="ES256", encryption_key=r.to_public(),
                               alg="ECDH-ES+A256KW", enc="A256GCM")
    h = jwe.get_unverified_header(token)
    assert h["cty"] == "JWT"
    d: dict[str, Any] = {"algorithms": ["ES256"], "key_algorithms": ["ECDH-ES+A256KW"],
                         "encryptions": ["A256GCM"]}
    assert jwe.decrypt_nested(token, r, signer.to_public(), audience="api", issuer="idp",
                              **d) == claims
    # The same through joserfc's reading of the outer layer: a signed JWT inside.
    inner = jwe.decrypt(token, r, algorithms=["ECDH-ES+A256KW"], encryptions=["A256GCM"])
    assert hxjwt.decode(inner.text(), signer.to_public(), algorithms=["ES256"],
                        audience="api") == claims
    with pytest.raises(hxjwt.InvalidAudienceError):
        jwe.decrypt_nested(token, r, signer.to_public(), audience="other", **d)
    with pytest.raises(hxjwt.InvalidIssuerError):
        jwe.decrypt_nested(token, r, signer.to_public(), audience="api", issuer="x", **d)
    with pytest.raises(hxjwt.InvalidSignatureError):
        jwe.decrypt_nested(token, r, hxjwt.Key.generate("ES256").to_public(), audience="api", **d)
    with pytest.raises(hxjwt.InvalidAlgorithmError):
        jwe.decrypt_nested(token, r, signer.to_public(), audience="api",
                           **{**d, "algorithms": ["RS256"]})
    with pytest.raises(hxjwt.ExpiredSignatureError):
        jwe.decrypt_nested(token, r, signer.to_public(), audience="api", now=now + 120, **d)
    assert jwe.decrypt_nested(token, r, signer.to_public(), audience="api", now=now + 120,
                              leeway=120, **d) == claims
    with pytest.raises(ValueError):
        jwe.decrypt_nested(token, r, signer.to_public(), options={"verify_signature": False}, **d)
    with pytest.raises(hxjwt.DecryptionError):
        jwe.decrypt_nested(token, jwe.Key.generate_x25519(), signer.to_public(), **d)
    # A JWE without cty JWT is not a nested token, even if it holds one.
    plain = jwe.encrypt(hxjwt.encode(claims, signer, algorithm="ES256"), r.to_public(),
                        alg="ECDH-ES+A256KW", enc="A256GCM")
    with pytest.raises(hxjwt.InvalidClaimError):
        jwe.decrypt_nested(plain, r, signer.to_public(), audience="api", **d)
    # An HMAC signer and a PyJWT-style str secret.
    secret = "s" * 32
    t2 = jwe.encrypt_nested({"n": 1}, secret, algorithm="HS256", encryption_key=keys.secret[32],
                            alg="A256KW", enc="A256GCM", headers={"kid": "h1"})
    assert jwe.decrypt_nested(t2, keys.secret[32], secret, algorithms="HS256",
                              key_algorithms="A256KW", encryptions="A256GCM") == {"n": 1}


def test_nested_claims_are_what_decode_returns(keys: Keys) -> None:
    # The same dict as hxjwt.decode (json.loads): member order, nesting, unicode, numbers.
    signer = hxjwt.Key.generate("EdDSA")
    r = keys.ec["X25519"]
    claims: dict[str, Any] = {"z": 1, "a": {"y": [1, 2.5, None, True, {"b": "é\u2028\"q"}], "x": {}},
                              "m": -7, "big": 2**63 + 5, "f": 1e300, "e": [], "s": "\u0000\\",
                              "huge": 123456789012345678901234567890, "neg": -(2**70)}
    token = jwe.encrypt_nested(claims, signer, algorithm="EdDSA", encryption_key=r.to_public(),
                               alg="ECDH-ES", enc="A128GCM")
    got = jwe.decrypt_nested(token, r, signer.to_public(), algorithms=["EdDSA"],
                             key_algorithms=["ECDH-ES"], encryptions=["A128GCM"])
    inner = jwe.decrypt(token, r, algorithms=["ECDH-ES"], encryptions=["A128GCM"]).text()
    want = hxjwt.decode(inner, signer.to_public(), algorithms=["EdDSA"])
    assert got == want == claims
    assert list(got) == list(want) == list(claims)
    assert list(got["a"]) == ["y", "x"]
    assert json.dumps(got) == json.dumps(claims)
    # Integers past 64 bits come back as int, exactly (not rounded through a float).
    assert type(got["huge"]) is int and got["huge"] == 123456789012345678901234567890
    assert type(got["neg"]) is int and got["neg"] == -(2**70)


def test_nested_joserfc_reads_it(keys: Keys) -> None:
    signer = hxjwt.Key.generate("ES256")
    r = keys.ec["P-256"]
    token = jwe.encrypt_nested({"sub": "ada"}, signer, algorithm="ES256",
                               encryption_key=r.to_public(), alg="ECDH-ES", enc="A256GCM")
    obj = rjwe.decrypt_compact(token, joserfc_key(r, True), algorithms=["ECDH-ES", "A256GCM"])
    assert obj.protected["cty"] == "JWT"
    from joserfc import jwt as rjwt

    assert obj.plaintext is not None
    inner = rjwt.decode(obj.plaintext, rjwk.import_key(signer.to_public_jwk()),
                        algorithms=["ES256"])
    assert inner.claims == {"sub": "ada"}


# ---------------------------------------------------------------------------------------------
# The GIL is released while the core decrypts
# ---------------------------------------------------------------------------------------------

def test_gil_released_during_rsa_decrypts() -> None:
    # Each call tries 16 RSA-4096 keys (a token without kid, a list of keys without kid: 15
    # OAEP failures, then the right one), so one call is long against the ticker's 1 ms.
    def no_kid(k: jwe.Key) -> jwe.Key:
        return jwe.Key.from_jwk({m: v for m, v in k.to_private_jwk().items() if m != "kid"})

    right, wrong = no_kid(jwe.Key.generate_rsa(4096)), no_kid(jwe.Key.generate_rsa(4096))
    token = jwe.encrypt(PLAINTEXT, right.to_public(), alg="RSA-OAEP-256", enc="A256GCM")
    assert "kid" not in jwe.get_unverified_header(token)
    candidates = [wrong] * 15 + [right]
    d = {"algorithms": ["RSA-OAEP-256"], "encryptions": ["A256GCM"]}
    calls = 0
    ticks = 0
    stop = threading.Event()

    def tick() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    try:
        started = time.monotonic()
        while calls < 3 or time.monotonic() - started < 1.0:
            assert jwe.decrypt(token, candidates, **d).plaintext == PLAINTEXT  # type: ignore[arg-type]
            calls += 1
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        ticker.join()
    # With the GIL held through each call, the ticker would tick about once per call (it gets
    # the GIL only between calls); released, it ticks about once per millisecond of the run,
    # however long a call takes. Counts of one run, compared: no duration is asserted.
    assert ticks > calls + 0.25 * elapsed * 1000, (ticks, calls, elapsed)


def test_gil_released_for_large_symmetric_tokens() -> None:
    # A dir token under 16 KiB is decrypted with the GIL held (cheaper than releasing it); a
    # large one releases it like the asymmetric algorithms: the ticker runs during the calls.
    key = jwe.Key.from_secret(bytes(range(32)))
    big = os.urandom(24 << 20)
    token = jwe.encrypt(big, key, alg="dir", enc="A256GCM")
    d: dict[str, Any] = {"algorithms": ["dir"], "encryptions": ["A256GCM"],
                         "max_token_length": len(token)}
    ticks = 0
    stop = threading.Event()

    def tick() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    try:
        for _ in range(3):
            assert jwe.decrypt(token, key, **d).plaintext == big
    finally:
        stop.set()
        ticker.join()
    assert ticks > 3 * 3, ticks
    # Small tokens decrypt the same either way.
    small = jwe.encrypt(b"hi", key, alg="dir", enc="A256GCM")
    assert jwe.decrypt(small, key, algorithms=["dir"], encryptions=["A256GCM"]).plaintext == b"hi"


def test_threads_decrypt_in_parallel(keys: Keys) -> None:
    key = keys.ec["P-256"]
    tokens = [jwe.encrypt(str(i), key.to_public(), alg="ECDH-ES+A256KW", enc="A256GCM")
              for i in range(40)]
    errors: list[BaseException] = []

    def work(chunk: list[str]) -> None:
        try:
            for t in chunk:
                jwe.decrypt(t, key, algorithms=["ECDH-ES+A256KW"], encryptions=["A256GCM"])
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(tokens[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


# ---------------------------------------------------------------------------------------------
# The README's example runs as written
# ---------------------------------------------------------------------------------------------

def test_readme_example(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (Path(__file__).resolve().parents[2] / "bindings" / "python" / "README.md").read_text()
    section = readme.split("## Encrypted JWTs (JWE)", 1)[1].split("\n## ", 1)[0]
    (code,) = section.split("```py\n")[1:2]
    namespace: dict[str, Any] = {"__name__": "readme"}
    exec(compile(code.split("```", 1)[0], "README.md", "exec"), namespace)
    assert namespace["claims"] == {"sub": "user-7", "aud": "api"}
    assert capsys.readouterr().out.startswith("DecryptionFailed the token does not decrypt")
    assert hxjwt.jwe is jwe


# ---------------------------------------------------------------------------------------------
# Bounded memory over many good and hostile tokens
# ---------------------------------------------------------------------------------------------

def test_memory_is_stable_over_hostile_tokens(keys: Keys) -> None:
    import resource

    corpus = list(VECTORS["negative"])
    k = keys.ec["X25519"]
    good = jwe.encrypt({"pad": "x" * 500}, k.to_public(), alg="ECDH-ES", enc="A256GCM")

    def round_of(n: int) -> None:
        for _ in range(n):
            for v in corpus:
                with pytest.raises(hxjwt.PyJWTError):
                    run_vector(v)
            assert jwe.decrypt(good, k, algorithms=["ECDH-ES"], encryptions=["A256GCM"]).json()

    round_of(20)  # warm-up: caches, allocator arenas
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    round_of(200)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown < 8 * 1024, f"peak RSS grew by {grown} KiB over 200 rounds of the hostile corpus"


# ---------------------------------------------------------------------------------------------
# HX endpoints in the ECDH-1PU mode: Endpoint.create(protocol="ECDH-1PU")
# ---------------------------------------------------------------------------------------------

def test_endpoint_ecdh_1pu_mode_round_trips_and_joserfc_reads_it() -> None:
    from joserfc.errors import DecodeError
    from joserfc.registry import HeaderParameter

    alice, bob = hxjwt.Identity.generate("alice.svc"), hxjwt.Identity.generate("bob.svc")
    directory = hxjwt.Directory([alice.machine_token, bob.machine_token])
    a = hxjwt.Endpoint(alice, directory=directory)
    b = hxjwt.Endpoint(bob, directory=directory)
    token = a.create(b'{"order":42}', to="bob.svc", ttl=60, jti="req-1", protocol="ECDH-1PU")
    assert token.count(".") == 4
    header = jwe.get_unverified_header(token)
    assert (header["alg"], header["enc"], header["iss"], header["aud"]) == (
        "ECDH-1PU", "A256GCM", "alice.svc", "bob.svc")
    msg = b.validate(token)
    assert (msg.protocol, msg.issuer, msg.payload, msg.jti) == (
        "ECDH-1PU", "alice.svc", b'{"order":42}', "req-1")
    assert msg.expires_at - msg.issued_at == 60
    # The default mode is HX1, and validate says so.
    assert b.validate(a.create(b"x", to="bob.svc")).protocol == "HX1"
    # A standard JWE: joserfc decrypts it with bob's private key and alice's public key ...
    claims = {"iss": "str", "aud": "str", "iat": "int", "exp": "int", "nbf": "int", "jti": "str"}
    registry = rjwe.JWERegistry(
        header_registry={k: HeaderParameter(k, v) for k, v in claims.items()},
        algorithms=["ECDH-1PU", "A256GCM"])
    def okp(jwk: dict[str, str]) -> rjwk.OKPKey:
        members: dict[str, str | list[str]] = dict(jwk)
        return rjwk.OKPKey.import_key(members)

    obj = rjwe.decrypt_compact(token, okp(bob.to_jwk()), registry=registry,
                               sender_key=okp(alice.machine_token.to_jwk()))
    assert obj.plaintext == b'{"order":42}'
    # ... and not with another sender's key (sender authentication).
    mallory = hxjwt.Identity.generate("mallory.svc")
    with pytest.raises(DecodeError):
        rjwe.decrypt_compact(token, okp(bob.to_jwk()), registry=registry,
                             sender_key=okp(mallory.machine_token.to_jwk()))
    # To a machine token instead of a name.
    t2 = a.create(b"y", to=bob.machine_token, protocol="ECDH-1PU")
    assert b.validate(t2, sender=alice.machine_token).protocol == "ECDH-1PU"


def test_endpoint_protocol_names_are_checked() -> None:
    alice = hxjwt.Identity.generate("alice.svc")
    a = hxjwt.Endpoint(alice)
    with pytest.raises(ValueError, match="protocol"):
        a.create(b"x", to=alice.machine_token, protocol="ecdh-1pu")  # type: ignore[arg-type]
