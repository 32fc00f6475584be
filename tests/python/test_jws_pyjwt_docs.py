"""The examples of PyJWT's documentation ("Usage Examples"), run against hxjwt after
`import hxjwt as jwt`: the calls are PyJWT's, unchanged. Two things differ, both on purpose
(DESIGN.md): PyJWT's examples sign with the 6-byte secret "secret", which hxjwt refuses unless
`options={"enforce_minimum_key_length": False}` (so the examples here use a 32-byte secret, and
one test shows the refusal and the opt-out); and `time.sleep(32)` becomes a token that expired
two seconds ago. PyJWKClient (which fetches over HTTP) is not part of hxjwt: the JWK examples
use PyJWK and PyJWKSet directly."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import hxjwt as jwt

KEYS = Path(__file__).resolve().parent.parent / "vectors" / "keys"
SECRET = "a secret of 32 bytes or more ...."  # PyJWT's examples: "secret"


def pem(name: str) -> bytes:
    return (KEYS / name).read_bytes()


# Encoding & Decoding Tokens with HS256


def test_hs256() -> None:
    key = SECRET
    encoded = jwt.encode({"some": "payload"}, key, algorithm="HS256")
    assert jwt.decode(encoded, key, algorithms="HS256") == {"some": "payload"}
    assert jwt.decode(encoded, key, algorithms=["HS256"]) == {"some": "payload"}


def test_hs256_with_pyjwts_short_secret() -> None:
    """PyJWT's own example token, byte for byte, once the short secret is accepted explicitly;
    without the opt-out, the error says how to opt out."""
    documented = (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzb21lIjoicGF5bG9hZCJ9"
        ".4twFt5NiznN84AWoo1d7KO1T_yoc0Z6XOpOVswacPZg"
    )
    with pytest.raises(jwt.InvalidKeyError) as caught:
        jwt.encode({"some": "payload"}, "secret", algorithm="HS256")
    assert 'options={"enforce_minimum_key_length": False}' in str(caught.value)
    with pytest.raises(jwt.InvalidKeyError):
        jwt.decode(documented, "secret", algorithms=["HS256"])
    relaxed = {"enforce_minimum_key_length": False}
    assert jwt.encode({"some": "payload"}, "secret", algorithm="HS256", options=relaxed) == documented
    assert jwt.decode(documented, "secret", algorithms=["HS256"], options=relaxed) == {
        "some": "payload"
    }


# Encoding & Decoding Tokens with RS256 (RSA), PS256, ES256, EdDSA


@pytest.mark.parametrize(
    ("alg", "private", "public"),
    [
        ("RS256", "rsa2048.pkcs1.pem", "rsa2048.spki.pem"),  # PyJWT's example: PKCS#1 + SPKI
        ("RS256", "rsa2048.pkcs8.pem", "rsa2048.pkcs1.pub.pem"),
        ("PS256", "rsa2048.pkcs8.pem", "rsa2048.spki.pem"),
        ("ES256", "ec-P-256.sec1.pem", "ec-P-256.spki.pem"),
        ("ES384", "ec-P-384.pkcs8.pem", "ec-P-384.spki.pem"),
        ("ES512", "ec-P-521.sec1.pem", "ec-P-521.spki.pem"),
        ("EdDSA", "ed25519.pkcs8.pem", "ed25519.spki.pem"),
    ],
)
def test_asymmetric_pem(alg: str, private: str, public: str) -> None:
    private_key = pem(private)
    public_key = pem(public)
    encoded = jwt.encode({"some": "payload"}, private_key, algorithm=alg)
    assert jwt.decode(encoded, public_key, algorithms=[alg]) == {"some": "payload"}
    assert jwt.decode(encoded, public_key.decode(), algorithms=alg) == {"some": "payload"}


def test_private_key_with_a_passphrase() -> None:
    """PyJWT's example loads an encrypted PEM with cryptography and passes the key object."""
    from cryptography.hazmat.primitives import serialization

    original = serialization.load_pem_private_key(pem("rsa2048.pkcs8.pem"), password=None)
    encrypted = original.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"passphrase"),
    )
    private_key = serialization.load_pem_private_key(encrypted, password=b"passphrase")
    encoded = jwt.encode({"some": "payload"}, private_key, algorithm="RS256")
    assert jwt.decode(encoded, private_key.public_key(), algorithms=["RS256"]) == {
        "some": "payload"
    }
    with pytest.raises(jwt.InvalidKeyError):
        jwt.encode({"some": "payload"}, encrypted, algorithm="RS256")


# Specifying Additional Headers, Reading the Claimset / Headers without Validation


def test_additional_headers_and_unverified_reads() -> None:
    encoded = jwt.encode(
        {"some": "payload"},
        SECRET,
        algorithm="HS256",
        headers={"kid": "230498151c214b788dd97f22b85410a5"},
    )
    assert jwt.get_unverified_header(encoded) == {
        "alg": "HS256",
        "kid": "230498151c214b788dd97f22b85410a5",
        "typ": "JWT",
    }
    assert jwt.decode(encoded, options={"verify_signature": False}) == {"some": "payload"}


# Registered Claim Names


def test_exp() -> None:
    jwt.encode({"exp": 1371720939}, SECRET)
    token = jwt.encode({"exp": datetime.now(tz=timezone.utc)}, SECRET)
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(token, SECRET, algorithms=["HS256"])
    try:
        jwt.decode(jwt.encode({"exp": 1371720939}, SECRET), SECRET, algorithms=["HS256"])
        raise AssertionError("an expired token was accepted")
    except jwt.ExpiredSignatureError:
        pass  # Signature has expired
    assert jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_exp": False})


def test_exp_with_leeway() -> None:
    jwt_payload = jwt.encode(
        {"exp": datetime.now(tz=timezone.utc) + timedelta(seconds=30)}, SECRET
    )
    assert jwt.decode(jwt_payload, SECRET, leeway=10, algorithms=["HS256"])
    # time.sleep(32): here, a token that expired two seconds ago.
    jwt_payload = jwt.encode({"exp": datetime.now(tz=timezone.utc) - timedelta(seconds=2)}, SECRET)
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(jwt_payload, SECRET, algorithms=["HS256"])
    assert jwt.decode(jwt_payload, SECRET, leeway=10, algorithms=["HS256"])
    assert jwt.decode(
        jwt_payload, SECRET, leeway=timedelta(seconds=10), algorithms=["HS256"]
    )


def test_nbf() -> None:
    jwt.encode({"nbf": 1371720939}, SECRET)
    now = jwt.encode({"nbf": datetime.now(tz=timezone.utc)}, SECRET)
    assert jwt.decode(now, SECRET, algorithms=["HS256"])
    later = jwt.encode({"nbf": datetime.now(tz=timezone.utc) + timedelta(minutes=5)}, SECRET)
    with pytest.raises(jwt.ImmatureSignatureError):
        jwt.decode(later, SECRET, algorithms=["HS256"])


def test_iss() -> None:
    payload = {"some": "payload", "iss": "urn:foo"}
    token = jwt.encode(payload, SECRET)
    assert jwt.decode(token, SECRET, issuer="urn:foo", algorithms=["HS256"]) == payload
    assert jwt.decode(token, SECRET, issuer=["urn:foo", "urn:bar"], algorithms=["HS256"])
    with pytest.raises(jwt.InvalidIssuerError):
        jwt.decode(token, SECRET, issuer="urn:baz", algorithms=["HS256"])


def test_aud() -> None:
    token = jwt.encode({"some": "payload", "aud": ["urn:foo", "urn:bar"]}, SECRET)
    assert jwt.decode(token, SECRET, audience="urn:foo", algorithms=["HS256"])
    token = jwt.encode({"some": "payload", "aud": "urn:foo"}, SECRET)
    assert jwt.decode(token, SECRET, audience="urn:foo", algorithms=["HS256"])
    assert jwt.decode(token, SECRET, audience=["urn:foo", "urn:bar"], algorithms=["HS256"])
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(token, SECRET, audience="urn:baz", algorithms=["HS256"])
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(token, SECRET, algorithms=["HS256"])


def test_iat() -> None:
    jwt.encode({"iat": 1371720939}, SECRET)
    token = jwt.encode({"iat": datetime.now(tz=timezone.utc)}, SECRET)
    assert jwt.decode(token, SECRET, algorithms=["HS256"])
    bad = jwt.encode({"iat": "yesterday"}, SECRET)
    with pytest.raises(jwt.InvalidIssuedAtError):
        jwt.decode(bad, SECRET, algorithms=["HS256"])


def test_naive_utc_datetimes_as_older_examples_write_them() -> None:
    """PyJWT's older examples use datetime.utcnow() (naive, UTC): the same Unix time."""
    aware = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    naive = aware.replace(tzinfo=None)
    a = jwt.decode_complete(
        jwt.encode({"exp": aware}, SECRET), SECRET, algorithms=["HS256"]
    )["payload"]
    b = jwt.decode(jwt.encode({"exp": naive}, SECRET), SECRET, algorithms=["HS256"])
    assert a == b == {"exp": int(aware.timestamp())}


# Requiring Presence of Claims


def test_require() -> None:
    full = jwt.encode({"exp": 4102444800, "iss": "urn:foo", "sub": "25c37522"}, SECRET)
    assert jwt.decode(full, SECRET, options={"require": ["exp", "iss", "sub"]}, algorithms=["HS256"])
    partial = jwt.encode({"exp": 4102444800, "iss": "urn:foo"}, SECRET)
    with pytest.raises(jwt.MissingRequiredClaimError) as caught:
        jwt.decode(partial, SECRET, options={"require": ["exp", "iss", "sub"]}, algorithms=["HS256"])
    assert caught.value.claim == "sub"
    assert str(caught.value) == 'Token is missing the "sub" claim'


# JWKs (what PyJWKClient.get_signing_key_from_jwt returns, without the HTTP fetch)


def test_jwk_and_jwk_set() -> None:
    signer = jwt.Key.generate("RS256")
    public_jwk = signer.to_public_jwk()
    token = jwt.encode(
        {"sub": "user-7", "aud": "api"}, signer, algorithm="RS256", headers={"kid": signer.kid}
    )
    jwks = jwt.PyJWKSet.from_json(json.dumps({"keys": [public_jwk]}))
    signing_key = jwks[jwt.get_unverified_header(token)["kid"]]
    assert signing_key.algorithm_name == "RS256" and signing_key.key_type == "RSA"
    data = jwt.decode(token, signing_key.key, audience="api", algorithms=["RS256"])
    assert data == {"sub": "user-7", "aud": "api"}
    assert jwt.decode(token, signing_key, audience="api") == data
    assert jwt.decode(token, jwt.PyJWK.from_dict(public_jwk), audience="api") == data
    with pytest.raises(KeyError):
        jwks["no-such-kid"]


def test_decode_complete() -> None:
    """As PyJWT's OIDC example reads the header and the payload of one verified token."""
    token = jwt.encode({"sub": "user-7", "nonce": "n-0S6"}, SECRET, headers={"kid": "k1"})
    data = jwt.decode_complete(token, key=SECRET, algorithms=["HS256"])
    assert data["header"] == {"alg": "HS256", "kid": "k1", "typ": "JWT"}
    assert data["payload"] == {"sub": "user-7", "nonce": "n-0S6"}
    assert isinstance(data["signature"], bytes) and len(data["signature"]) == 32
