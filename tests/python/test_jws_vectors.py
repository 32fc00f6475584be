"""tests/vectors/jws.json through hxjwt.decode (format in tests/vectors/README.md): every valid
entry gives its claims, every invalid one raises the exception class its core error kind
becomes in the standard-JWT functions (PyJWT's class for the claim), with `.kind` the kind."""

from __future__ import annotations

from typing import Any

import pytest

import hxjwt
from conftest import load

VECTORS = load("jws.json")
KEYS: dict[str, dict[str, Any]] = VECTORS["keys"]
PRIVATE_MEMBERS = ("d", "p", "q", "k")

# Core kind -> the class hxjwt.decode raises (exactly); for claim kinds, by claim.
CLASS_OF_KIND: dict[str, type[hxjwt.PyJWTError]] = {
    "Malformed": hxjwt.DecodeError,
    "UnsupportedAlgorithm": hxjwt.InvalidAlgorithmError,
    "UnknownHeader": hxjwt.UnknownHeaderError,
    "InvalidKey": hxjwt.InvalidKeyError,
    "InvalidSignature": hxjwt.InvalidSignatureError,
    "Expired": hxjwt.ExpiredSignatureError,
    "NotYetValid": hxjwt.ImmatureSignatureError,
    "WrongAudience": hxjwt.InvalidAudienceError,
    "IssuerMismatch": hxjwt.IssuerMismatchError,  # an InvalidIssuerError
    "MissingClaim": hxjwt.MissingRequiredClaimError,
}
CLASS_OF_INVALID_CLAIM: dict[str, type[hxjwt.PyJWTError]] = {
    "iat": hxjwt.InvalidIssuedAtError,
    "exp": hxjwt.DecodeError,
    "nbf": hxjwt.DecodeError,
    "aud": hxjwt.InvalidAudienceError,
    "iss": hxjwt.InvalidIssuerError,
    "sub": hxjwt.InvalidSubjectError,
    "jti": hxjwt.InvalidJTIError,
    "typ": hxjwt.InvalidClaimError,
}


def verifier(name: str) -> dict[str, Any]:
    """The public JWK of a key of the file (for an `oct` key, the secret itself)."""
    jwk = KEYS[name]
    if jwk["kty"] == "oct":
        return jwk
    public: dict[str, Any] = hxjwt.Key.from_jwk(jwk).to_public_jwk()
    return public


def decode_kwargs(entry: dict[str, Any]) -> dict[str, Any]:
    """hxjwt.decode's arguments for an entry's `validation`. `required` defaults to ["exp"] in
    the file (the core's default) and to [] in PyJWT's options: it is always passed."""
    v = entry["validation"]
    options: dict[str, Any] = {"require": v.get("required", ["exp"])}
    for name in ("verify_exp", "verify_nbf", "verify_iat", "verify_aud"):
        if name in v:
            options[name] = v[name]
    kwargs: dict[str, Any] = {
        "algorithms": v["algorithms"],
        "options": options,
        "leeway": v.get("leeway", 0),
        "now": entry["now"],
    }
    for name in ("audience", "issuer", "subject", "typ", "max_age"):
        if name in v:
            kwargs[name] = v[name]
    return kwargs


def test_the_file_is_what_the_readme_describes() -> None:
    assert len(VECTORS["valid"]) >= 38 and len(VECTORS["invalid"]) >= 174
    kinds = {e["error"] for e in VECTORS["invalid"]}
    assert kinds <= set(CLASS_OF_KIND) | {"InvalidClaim"}, kinds


@pytest.mark.parametrize("entry", VECTORS["valid"], ids=lambda e: e["name"])
def test_valid(entry: dict[str, Any]) -> None:
    complete = hxjwt.decode_complete(entry["token"], verifier(entry["key"]), **decode_kwargs(entry))
    assert complete["payload"] == entry["claims"]
    assert complete["header"]["alg"] == entry["alg"]
    assert hxjwt.decode(entry["token"], verifier(entry["key"]), **decode_kwargs(entry)) == entry[
        "claims"
    ]


@pytest.mark.parametrize("entry", VECTORS["invalid"], ids=lambda e: e["name"])
def test_invalid(entry: dict[str, Any]) -> None:
    with pytest.raises(hxjwt.PyJWTError) as caught:
        hxjwt.decode(entry["token"], verifier(entry["key"]), **decode_kwargs(entry))
    e = caught.value
    assert e.kind == entry["error"], str(e)
    if entry["error"] == "InvalidClaim":
        assert e.claim in CLASS_OF_INVALID_CLAIM, e.claim
        expected = CLASS_OF_INVALID_CLAIM[e.claim]
    else:
        expected = CLASS_OF_KIND[entry["error"]]
    assert type(e) is expected, (type(e), str(e))
    if entry["error"] in ("MissingClaim", "InvalidClaim"):
        assert isinstance(e.claim, str) and e.claim
    if isinstance(e, hxjwt.MissingRequiredClaimError):
        assert str(e) == f'Token is missing the "{e.claim}" claim'
    message = str(e) + repr(e)
    for jwk in KEYS.values():
        for member in PRIVATE_MEMBERS:
            if member in jwk:
                assert jwk[member] not in message, f"{member} of {jwk.get('kid')} in the message"
