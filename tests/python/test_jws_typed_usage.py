"""Typed use of the standard-JWT API as PyJWT code writes it (`import hxjwt as jwt`): `mypy
--strict` checks this file against the stubs (`make py-types`), and pytest runs it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import hxjwt as jwt

SECRET = "a secret of at least thirty-two bytes"


def issue(user: str, ttl: timedelta) -> str:
    payload: dict[str, Any] = {
        "sub": user,
        "iss": "urn:login",
        "aud": ["urn:api"],
        "iat": datetime.now(tz=timezone.utc),
        "exp": datetime.now(tz=timezone.utc) + ttl,
    }
    token: str = jwt.encode(payload, SECRET, algorithm="HS256", headers={"kid": "k1"})
    return token


def verify(token: str) -> dict[str, Any] | None:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            SECRET,
            algorithms=["HS256"],
            audience="urn:api",
            issuer="urn:login",
            leeway=timedelta(seconds=5),
            options={"require": ["exp", "iat", "sub"], "verify_aud": True},
        )
    except jwt.ExpiredSignatureError:
        return None
    except jwt.MissingRequiredClaimError as e:
        missing: str = e.claim
        raise AssertionError(missing) from e
    except jwt.InvalidTokenError as e:
        kind: str | None = e.kind
        raise AssertionError(kind) from e
    return claims


def test_typed_hs256() -> None:
    token = issue("user-7", timedelta(minutes=5))
    claims = verify(token)
    assert claims is not None and claims["sub"] == "user-7"
    assert verify(issue("user-7", timedelta(seconds=-60))) is None
    header: dict[str, Any] = jwt.get_unverified_header(token)
    assert header["kid"] == "k1"
    complete: dict[str, Any] = jwt.decode_complete(token, SECRET, algorithms="HS256", audience="urn:api")
    signature: bytes = complete["signature"]
    assert len(signature) == 32


def test_typed_keys() -> None:
    key: jwt.Key = jwt.Key.generate("ES256")
    public: jwt.Key = key.to_public()
    jwk: dict[str, Any] = public.to_public_jwk()
    token = jwt.encode({"sub": "x"}, key, algorithm="ES256")
    assert jwt.decode(token, jwk, algorithms=["ES256"])["sub"] == "x"
    pyjwk = jwt.PyJWK(jwk)
    name: str = pyjwk.algorithm_name
    kid: str | None = pyjwk.key_id
    assert name == "ES256" and kid == key.kid
    assert jwt.decode(token, pyjwk)["sub"] == "x"
    jwks = jwt.PyJWKSet.from_dict({"keys": [jwk]})
    assert kid is not None
    found: jwt.PyJWK = jwks[kid]
    assert jwt.decode(token, found.key, algorithms=["ES256"])["sub"] == "x"
    assert [k.key_type for k in jwks] == ["EC"] and len(jwks.keys) == 1
    unverified = jwt.decode(token, options={"verify_signature": False})
    assert unverified == {"sub": "x"}
    short = jwt.encode({"sub": "x"}, "short", options={"enforce_minimum_key_length": False})
    try:
        jwt.decode(short, "short", algorithms=["HS256"])
        raise AssertionError("a 5-byte HMAC secret was accepted")
    except jwt.exceptions.InvalidKeyError as e:
        assert 'options={"enforce_minimum_key_length": False}' in str(e) and e.kind == "InvalidKey"
    relaxed = jwt.decode(
        short, "short", algorithms=["HS256"], options={"enforce_minimum_key_length": False}
    )
    assert relaxed == {"sub": "x"}
