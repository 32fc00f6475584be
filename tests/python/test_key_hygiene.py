"""Key hygiene (issue 17, item 3): RSA exponents and ROCA moduli refused at load, and JWK Sets
that mix key kinds, repeat a kid, or carry keys that are skipped (each with a warning)."""

from __future__ import annotations

import base64
import json
import warnings
from pathlib import Path
from typing import Any

import pytest

import hxjwt
from hxjwt.warnings import SkippedKeyWarning

KEYS = Path(__file__).resolve().parents[1] / "vectors" / "keys"

# The ROCA detector's own test key (crocs-muni/roca, roca/tests/data/pubkey03.pem): an
# Infineon-made RSA public key (CVE-2017-15361).
ROCA_PEM = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEBqcWmh9uPsqMPgt/43aFU
wpHvJ7BLJeGFuKsgxMal9gSFn+We3lSgr3wOcoiACtcZO7cxpb8eEXDXocZpMNQe
o+sh3t97ivXUKpHDT3IEW5bv1XyxgjAd3MJpZ+VQjpq4iZhtV+g33+cPmfw3xJj0
PBfDubBkz3BEQ9egM+A6ghaXqr8w+ynufTOzdnllqJBY47OXVL06HAB9KKI7DPp5
+dcRrG5MS093sGNLHs1oWRrwPH1TtipfLZEWPU70+PJoMa5GHthexfeIxRI//BLI
dCD9z+odG0pSw1IYJPs5mDSHObYqmG2OdrIom8Lri8BtE4FHhRuDoHGD0hBVn5Bj
IQIDAQAB
-----END PUBLIC KEY-----
"""

SECRET_JWK: dict[str, Any] = {
    "kty": "oct",
    "kid": "hs",
    "k": base64.urlsafe_b64encode(b"s" * 32).rstrip(b"=").decode(),
}
X25519_JWK: dict[str, Any] = {
    "kty": "OKP",
    "crv": "X25519",
    "kid": "hx1",
    "x": "EU3wvSVXI4c0ZRTExhpx9aNxd9c0q7FRXnnxJtuCSEs",
}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def rsa_public_jwk() -> dict[str, Any]:
    key = hxjwt.Key.from_pem((KEYS / "rsa2048.spki.pem").read_text())
    jwk: dict[str, Any] = key.to_public_jwk()
    return jwk


def ed25519_jwk(kid: str) -> dict[str, Any]:
    jwk: dict[str, Any] = hxjwt.Key.generate("EdDSA").to_public_jwk()
    jwk["kid"] = kid
    return jwk


def test_a_roca_key_is_refused_naming_the_reason() -> None:
    with pytest.raises(hxjwt.InvalidKeyError, match="ROCA.*CVE-2017-15361"):
        hxjwt.Key.from_pem(ROCA_PEM)
    # The repository's RSA test keys still load.
    for name in ["rsa2048.pkcs1.pem", "rsa2048.pkcs8.pem", "rsa2048.spki.pem"]:
        hxjwt.Key.from_pem((KEYS / name).read_text())


@pytest.mark.parametrize(
    ("e", "why"), [(b"\x01", "at least 3"), (b"\x02", "odd"), (b"\x01\x00\x00", "odd")]
)
def test_an_rsa_exponent_must_be_odd_and_at_least_3(e: bytes, why: str) -> None:
    jwk = rsa_public_jwk()
    jwk["e"] = b64(e)
    with pytest.raises(hxjwt.InvalidKeyError, match=why):
        hxjwt.Key.from_jwk(jwk)
    jwk["e"] = b64(b"\x03")
    assert hxjwt.Key.from_jwk(jwk).key_type == "RSA"


def test_each_skipped_key_warns_with_its_index_kid_and_reason() -> None:
    keys: list[Any] = [ed25519_jwk("used"), X25519_JWK, "not a dict", {"kid": "no-kty"}]
    with pytest.warns(SkippedKeyWarning) as record:
        jwks = hxjwt.PyJWKSet(keys)
    assert all(w.category is SkippedKeyWarning for w in record)
    assert issubclass(SkippedKeyWarning, UserWarning)
    assert len(jwks) == 1
    messages = [str(w.message) for w in record]
    assert len(messages) == 3, messages
    assert messages[0].startswith("PyJWKSet skipped keys[1] (kid 'hx1'): ")
    assert messages[1] == "PyJWKSet skipped keys[2]: not a JWK object: its type is str"
    assert messages[2].startswith("PyJWKSet skipped keys[3] (kid 'no-kty'): ")
    assert "kty" in messages[2]
    # A set with nothing to skip warns nothing.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(hxjwt.PyJWKSet([ed25519_jwk("a"), ed25519_jwk("b")])) == 2


def test_a_roca_key_in_a_set_is_skipped_with_a_warning() -> None:
    roca: dict[str, Any] = hxjwt.Key.from_pem((KEYS / "rsa2048.spki.pem").read_text()).to_public_jwk()
    # The ROCA modulus, from the PEM's DER (its INTEGER n follows the 0x02 0x82 0x01 0x01 tag).
    der = base64.b64decode("".join(ROCA_PEM.strip().splitlines()[1:-1]))
    start = der.index(b"\x02\x82\x01\x01") + 4
    roca["n"] = b64(der[start : start + 257])
    roca["kid"] = "infineon"
    with pytest.warns(SkippedKeyWarning, match=r"keys\[1\] \(kid 'infineon'\): .*ROCA"):
        jwks = hxjwt.PyJWKSet([ed25519_jwk("ok"), roca])
    assert len(jwks) == 1


def test_two_different_keys_with_one_kid_are_refused_naming_the_kid() -> None:
    with pytest.raises(hxjwt.PyJWKSetError, match=r"keys\[0\] and keys\[2\].*\"dup\""):
        hxjwt.PyJWKSet([ed25519_jwk("dup"), ed25519_jwk("x"), ed25519_jwk("dup")])
    with pytest.raises(hxjwt.PyJWKSetError, match="dup"):
        hxjwt.PyJWKSet.from_json(json.dumps({"keys": [ed25519_jwk("dup"), ed25519_jwk("dup")]}))
    # The same key twice is kept.
    same = ed25519_jwk("same")
    assert len(hxjwt.PyJWKSet([same, dict(same)])) == 2


def test_a_mixed_set_needs_allow_mixed() -> None:
    keys = [SECRET_JWK, ed25519_jwk("ed")]
    with pytest.raises(hxjwt.PyJWKSetError, match="HMAC"):
        hxjwt.PyJWKSet(keys)
    with pytest.raises(hxjwt.PyJWKSetError, match="HMAC"):
        hxjwt.PyJWKSet.from_dict({"keys": keys})
    jwks = hxjwt.PyJWKSet(keys, allow_mixed=True)
    assert len(jwks) == 2
    assert len(hxjwt.PyJWKSet.from_dict({"keys": keys}, allow_mixed=True)) == 2
    assert len(hxjwt.PyJWKSet.from_json(json.dumps({"keys": keys}), allow_mixed=True)) == 2
    token = hxjwt.encode({"sub": "x"}, b"s" * 32, algorithm="HS256", headers={"kid": "hs"})
    assert hxjwt.decode(token, jwks, algorithms=["HS256"])["sub"] == "x"
    # Secrets alone need no opt-in.
    assert len(hxjwt.PyJWKSet([SECRET_JWK])) == 1


def test_a_private_jwk_passed_as_a_peer_name_is_not_repeated_in_the_error() -> None:
    """A caller's mistake must not carry a private key into a log: a peer "name" that is JSON
    text (a JWK passed where the name belongs) is not quoted back (the fuzz campaign's finding,
    core `quote_name`)."""
    alice = hxjwt.Identity.generate("alice.service")
    directory = hxjwt.Directory([alice.machine_token])
    sender = hxjwt.Endpoint(alice, directory)
    private = json.dumps(hxjwt.Identity.generate("bob.service").to_jwk())
    secret = json.loads(private)["d"]
    with pytest.raises(hxjwt.InvalidTokenError) as caught:
        sender.create(b"hi", to=private)
    message = str(caught.value)
    assert secret not in message and '"d"' not in message, message
    assert "JSON text" in message
    # An ordinary unknown name is still named.
    with pytest.raises(hxjwt.InvalidTokenError, match="carol.service"):
        sender.create(b"hi", to="carol.service")
