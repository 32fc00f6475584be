"""Interop (issue 5, item 8): standard JWTs made by PyJWT, joserfc and jwcrypto verify in hxjwt,
and hxjwt's verify in them, for every algorithm; the RFC examples verify exactly; the outer
HS256 JWS of an HX1 token verifies in PyJWT once mac_key is known.

The keys are the shared ones of tests/vectors/jws.json (no key generation: fast, and the same
keys every face uses)."""

from __future__ import annotations

import json
import time
import warnings
from typing import Any

import jwt  # PyJWT
import pytest
from joserfc import jwt as joserfc_jwt
from joserfc.jwk import import_key
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jwt as jwcrypto_jwt

import hxjwt
import hxjwt.dangerous
from conftest import b64url_decode, load

VECTORS = load("jws.json")
KEYS: dict[str, dict[str, Any]] = VECTORS["keys"]
KAT = load("hx1-kat.json")

KEY_OF = {
    "HS256": "hmac", "HS384": "hmac", "HS512": "hmac",
    "RS256": "rsa-2048", "RS384": "rsa-2048", "RS512": "rsa-2048",
    "PS256": "rsa-2048", "PS384": "rsa-2048", "PS512": "rsa-2048",
    "ES256": "ec-p256", "ES384": "ec-p384", "ES512": "ec-p521",
    "EdDSA": "ed25519",
}  # fmt: skip
ALGORITHMS = list(KEY_OF)
PEERS = ["PyJWT", "joserfc", "jwcrypto"]


def private_jwk(alg: str) -> dict[str, Any]:
    return KEYS[KEY_OF[alg]]


def public_jwk(alg: str) -> dict[str, Any]:
    """What a verifier holds: the public JWK, or the secret itself for HMAC."""
    jwk = private_jwk(alg)
    if jwk["kty"] == "oct":
        return jwk
    public: dict[str, Any] = hxjwt.Key.from_jwk(jwk).to_public_jwk()
    return public


def claims() -> dict[str, Any]:
    now = int(time.time())
    return {
        "sub": "user-7",
        "iss": "https://login.example.com",
        "aud": ["api", "web"],
        "iat": now,
        "exp": now + 600,
        "name": "Ada Lovelace ✓",
        "roles": ["admin", {"scope": "read"}],
        "n": 2**53,
    }


def peer_sign(peer: str, alg: str, payload: dict[str, Any]) -> str:
    jwk = private_jwk(alg)
    if peer == "PyJWT":
        return jwt.encode(payload, jwt.PyJWK(jwk, algorithm=alg), algorithm=alg)
    if peer == "joserfc":
        with warnings.catch_warnings():
            # joserfc deprecates the name "EdDSA" (RFC 9864); hxjwt implements that name only.
            warnings.simplefilter("ignore")
            return joserfc_jwt.encode({"alg": alg}, payload, import_key(jwk), algorithms=[alg])
    token = jwcrypto_jwt.JWT(header={"alg": alg}, claims=payload)
    token.make_signed_token(jwcrypto_jwk.JWK(**jwk))
    serialized: str = token.serialize()
    return serialized


def peer_verify(peer: str, alg: str, token: str) -> dict[str, Any]:
    jwk = public_jwk(alg)
    if peer == "PyJWT":
        verified: dict[str, Any] = jwt.decode(
            token, jwt.PyJWK(jwk, algorithm=alg), algorithms=[alg], audience="api"
        )
        return verified
    if peer == "joserfc":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            decoded = joserfc_jwt.decode(token, import_key(jwk), algorithms=[alg])
        return dict(decoded.claims)
    parsed = jwcrypto_jwt.JWT(jwt=token, key=jwcrypto_jwk.JWK(**jwk), algs=[alg])
    result: dict[str, Any] = json.loads(parsed.claims)
    return result


@pytest.mark.parametrize("peer", PEERS)
@pytest.mark.parametrize("alg", ALGORITHMS)
def test_peer_token_verifies_in_hxjwt(peer: str, alg: str) -> None:
    payload = claims()
    token = peer_sign(peer, alg, payload)
    got = hxjwt.decode(token, public_jwk(alg), algorithms=[alg], audience="api")
    assert got == payload
    complete = hxjwt.decode_complete(
        token, hxjwt.PyJWK(public_jwk(alg), algorithm=alg), audience=["web", "x"]
    )
    assert complete["header"]["alg"] == alg and complete["payload"] == payload
    # And a changed payload does not.
    header, body, sig = token.split(".")
    tampered = hxjwt.encode(dict(payload, sub="mallory"), private_jwk(alg), algorithm=alg)
    forged = ".".join([header, tampered.split(".")[1], sig])
    with pytest.raises(hxjwt.InvalidSignatureError):
        hxjwt.decode(forged, public_jwk(alg), algorithms=[alg], audience="api")


@pytest.mark.parametrize("peer", PEERS)
@pytest.mark.parametrize("alg", ALGORITHMS)
def test_hxjwt_token_verifies_in_peer(peer: str, alg: str) -> None:
    payload = claims()
    for key in (private_jwk(alg), hxjwt.Key.from_jwk(private_jwk(alg))):
        token = hxjwt.encode(payload, key, algorithm=alg)
        assert peer_verify(peer, alg, token) == payload


@pytest.mark.parametrize("alg", [a for a in ALGORITHMS if not a.startswith("HS")])
def test_pem_keys_interoperate_with_pyjwt(alg: str) -> None:
    """The PEM forms (what PyJWT's documentation passes) work in both directions (HMAC keys
    have no PEM form)."""
    from cryptography.hazmat.primitives import serialization

    crypto_key = jwt.PyJWK(private_jwk(alg), algorithm=alg).key
    private_pem = crypto_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = crypto_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    payload = claims()
    ours = hxjwt.encode(payload, private_pem, algorithm=alg)
    assert jwt.decode(ours, public_pem, algorithms=[alg], audience="api") == payload
    theirs = jwt.encode(payload, private_pem, algorithm=alg)
    assert hxjwt.decode(theirs, public_pem, algorithms=[alg], audience="api") == payload
    assert hxjwt.decode(theirs, public_pem.decode(), algorithms=[alg], audience="api") == payload
    # cryptography key objects are keys too (PyJWT's documentation uses them).
    assert hxjwt.decode(ours, crypto_key.public_key(), algorithms=[alg], audience="api") == payload
    assert jwt.decode(
        hxjwt.encode(payload, crypto_key, algorithm=alg),
        public_pem,
        algorithms=[alg],
        audience="api",
    ) == payload


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "EdDSA"])
def test_deterministic_signatures_are_byte_identical_to_pyjwt(alg: str) -> None:
    """HMAC, RSASSA-PKCS1-v1_5 and Ed25519 are deterministic: for the same header and payload,
    hxjwt and PyJWT must write the same token, byte for byte."""
    payload = {"sub": "user-7", "exp": 1767229200, "name": "Ada"}
    key = private_jwk(alg)
    ours = hxjwt.encode(payload, hxjwt.PyJWK(key, algorithm=alg), headers={"kid": key["kid"]})
    theirs = jwt.encode(payload, jwt.PyJWK(key, algorithm=alg), headers={"kid": key["kid"]})
    assert ours == theirs


RFC7515_A1_KEY = {
    "kty": "oct",
    "k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
}
RFC7515_A1_TOKEN = (
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)


def test_rfc7515_a1_hs256_verifies_exactly() -> None:
    complete = hxjwt.decode_complete(
        RFC7515_A1_TOKEN, RFC7515_A1_KEY, algorithms=["HS256"], now=1300819000
    )
    assert complete["header"] == {"typ": "JWT", "alg": "HS256"}
    assert complete["payload"] == {
        "iss": "joe",
        "exp": 1300819380,
        "http://example.com/is_root": True,
    }
    assert complete["signature"] == b64url_decode("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
    # The same secret as raw bytes, as PyJWT users pass it.
    secret = b64url_decode(RFC7515_A1_KEY["k"])
    assert hxjwt.decode(RFC7515_A1_TOKEN, secret, algorithms=["HS256"], now=1300819379)["iss"] == "joe"
    with pytest.raises(hxjwt.ExpiredSignatureError):
        hxjwt.decode(RFC7515_A1_TOKEN, secret, algorithms=["HS256"], now=1300819380)
    with pytest.raises(hxjwt.InvalidSignatureError):
        hxjwt.decode(RFC7515_A1_TOKEN, secret[:-1] + b"\0", algorithms=["HS256"], now=1300819000)
    # PyJWT agrees on the signature (its clock makes the token expired: skip that check).
    assert jwt.decode(
        RFC7515_A1_TOKEN, secret, algorithms=["HS256"], options={"verify_exp": False}
    )["iss"] == "joe"


RFC8037_A4_KEY = {
    "kty": "OKP",
    "crv": "Ed25519",
    "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
    "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
}
RFC8037_A4_TOKEN = (
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
    ".hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
)


def test_rfc8037_a4_ed25519_verifies_exactly() -> None:
    """RFC 8037 A.4 signs the text "Example of Ed25519 signing", not JWT claims. The core checks
    the signature before it parses the claims, so its token fails only on its payload (a
    DecodeError about the claims), while any change to its signature is an
    InvalidSignatureError: the signature verifies. A.3's thumbprint is the key's."""
    key = hxjwt.Key.from_jwk(RFC8037_A4_KEY)
    assert key.thumbprint() == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    public = key.to_public()
    with pytest.raises(hxjwt.DecodeError) as caught:
        hxjwt.decode(RFC8037_A4_TOKEN, public, algorithms=["EdDSA"])
    assert type(caught.value) is hxjwt.DecodeError and caught.value.kind == "Malformed"
    assert "claims" in str(caught.value)
    header, payload, signature = RFC8037_A4_TOKEN.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    with pytest.raises(hxjwt.InvalidSignatureError):
        hxjwt.decode(".".join([header, payload, flipped]), public, algorithms=["EdDSA"])
    # Ed25519 is deterministic: with A.4's key and header ({"alg":"EdDSA"}, no typ), hxjwt
    # signs JWT claims exactly as PyJWT and jwcrypto do.
    payload_claims = {"msg": "Example of Ed25519 signing"}
    ours = hxjwt.encode(payload_claims, RFC8037_A4_KEY, algorithm="EdDSA", headers={"typ": None})
    assert ours.split(".")[0] == header
    assert ours == jwt.encode(
        payload_claims, jwt.PyJWK(RFC8037_A4_KEY), algorithm="EdDSA", headers={"typ": None}
    )
    assert hxjwt.decode(ours, public, algorithms=["EdDSA"]) == payload_claims


@pytest.mark.parametrize("vector", KAT["vectors"], ids=lambda v: str(v["iat"]))
def test_hx1_outer_jws_verifies_in_pyjwt_with_mac_key(vector: dict[str, Any]) -> None:
    """An HX1 token made by hxjwt.Endpoint (here with the KAT's M, so that mac_key = M[:32] is
    known) is an ordinary HS256 JWS: PyJWT verifies it with mac_key, and so does hxjwt.decode;
    neither accepts another key."""
    sender = hxjwt.Identity.from_jwk(KAT["sender"])
    recipient = hxjwt.Identity.from_jwk(KAT["recipient"])
    token = hxjwt.dangerous.create_with_material(
        hxjwt.Endpoint(sender, clock=vector["iat"]),
        b64url_decode(vector["plaintext_b64url"]),
        to=recipient.machine_token,
        material=bytes.fromhex(vector["M_hex"]),
        iv=bytes.fromhex(vector["iv_hex"]),
        ttl=vector["exp"] - vector["iat"],
    )
    assert token == vector["token"]
    mac_key = bytes.fromhex(vector["M_hex"])[:32]
    theirs = jwt.api_jws.decode_complete(token, mac_key, algorithms=["HS256"])
    ours = hxjwt.decode_complete(token, mac_key, algorithms=["HS256"])
    assert ours["header"] == theirs["header"]
    assert ours["header"]["iss"] == "alice.service" and ours["header"]["aud"] == "bob.service"
    assert json.loads(theirs["payload"]) == ours["payload"] and list(ours["payload"]) == ["enc"]
    assert ours["signature"] == theirs["signature"]
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.api_jws.decode_complete(token, bytes(32), algorithms=["HS256"])
    with pytest.raises(hxjwt.InvalidSignatureError):
        hxjwt.decode(token, bytes(32), algorithms=["HS256"])
    # The recipient still reads it as HX1.
    message = hxjwt.Endpoint(recipient, clock=vector["iat"]).validate(
        token, sender=sender.machine_token
    )
    assert message.payload == b64url_decode(vector["plaintext_b64url"])
