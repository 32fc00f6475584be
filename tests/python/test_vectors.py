"""The shared vectors: tests/vectors/hx1-kat.json (independent KATs) and tests/vectors/hx1.json."""

from __future__ import annotations

from typing import Any

import pytest

import hxjwt
import hxjwt.dangerous
from conftest import b64url_decode, load

KAT = load("hx1-kat.json")
HX1 = load("hx1.json")
IDENTITIES = {name: hxjwt.Identity.from_jwk(jwk) for name, jwk in HX1["identities"].items()}
DIRECTORY = hxjwt.Directory.from_jwks(HX1["directory"])

ALL_CORE_KINDS = {
    "Malformed", "UnsupportedAlgorithm", "UnknownHeader", "WrongAudience", "UnknownIssuer",
    "IssuerMismatch", "InvalidKey", "InvalidSignature", "Expired", "NotYetValid",
    "LifetimeTooLong", "DecryptionFailed", "Replayed", "ResolverFailed", "InvalidArgument",
    "Internal", "MissingClaim", "InvalidClaim", "KeyNotFound", "Revoked",
}  # fmt: skip


def test_vector_files_are_complete() -> None:
    assert len(KAT["vectors"]) >= 3
    assert len(HX1["positive"]) >= 5 and len(HX1["negative"]) >= 30
    assert set(IDENTITIES) == {"alice.service", "bob.service", "carol.service", "mallory.service"}
    assert "mallory.service" not in DIRECTORY and len(DIRECTORY) == 3
    assert {n["error"] for n in HX1["negative"]} <= ALL_CORE_KINDS
    names = [v["name"] for v in HX1["positive"] + HX1["negative"]]
    assert len(names) == len(set(names)), "vector names are unique (they are the test ids)"


# --- hx1-kat.json: made by an implementation independent of hxjwt -------------------------


@pytest.mark.parametrize("vector", KAT["vectors"], ids=lambda v: f"kat-iat-{v['iat']}")
def test_kat_validates_as_recipient(vector: dict[str, Any]) -> None:
    sender = hxjwt.MachineToken.from_jwk({k: v for k, v in KAT["sender"].items() if k != "d"})
    recipient = hxjwt.Identity.from_jwk(KAT["recipient"])
    endpoint = hxjwt.Endpoint(recipient, clock=vector["iat"])
    message = endpoint.validate(vector["token"], sender=sender)
    assert message.payload == b64url_decode(vector["plaintext_b64url"])
    assert (message.issuer, message.audience) == (sender.name, recipient.name)
    assert (message.issued_at, message.expires_at) == (vector["iat"], vector["exp"])
    # And through a directory.
    directory = hxjwt.Directory([sender])
    assert hxjwt.Endpoint(recipient, directory, clock=vector["iat"]).validate(
        vector["token"]
    ).payload == b64url_decode(vector["plaintext_b64url"])


@pytest.mark.parametrize("vector", KAT["vectors"], ids=lambda v: f"kat-iat-{v['iat']}")
def test_kat_is_reproduced_byte_for_byte(vector: dict[str, Any]) -> None:
    sender = hxjwt.Identity.from_jwk(KAT["sender"])
    recipient = hxjwt.Identity.from_jwk(KAT["recipient"]).machine_token
    token = hxjwt.dangerous.create_with_material(
        hxjwt.Endpoint(sender, clock=vector["iat"]),
        b64url_decode(vector["plaintext_b64url"]),
        to=recipient,
        material=bytes.fromhex(vector["M_hex"]),
        iv=bytes.fromhex(vector["iv_hex"]),
        ttl=vector["exp"] - vector["iat"],
    )
    assert token == vector["token"]


# --- hx1.json: positive -------------------------------------------------------------------


def _recipient_endpoint(
    recipient: str, now: int, directory: hxjwt.Directory | None, **policy: Any
) -> hxjwt.Endpoint:
    return hxjwt.Endpoint(IDENTITIES[recipient], directory, clock=now, **policy)


def _check_message(message: hxjwt.Message, v: dict[str, Any]) -> None:
    assert message.payload == b64url_decode(v["plaintext_b64url"])
    assert message.issuer == v["sender"]
    assert message.audience == v["recipient"]
    assert message.issued_at == v["iat"]
    assert message.expires_at == v["exp"]
    assert message.not_before == v.get("nbf")
    assert message.jti == v.get("jti")
    assert message.content_type == v.get("cty")


@pytest.mark.parametrize("v", HX1["positive"], ids=lambda v: v["name"])
@pytest.mark.parametrize("mode", ["directory", "shared"])
def test_positive_validates(v: dict[str, Any], mode: str) -> None:
    policy = {"max_token_length": v["max_token_len"]} if "max_token_len" in v else {}
    if mode == "directory":
        endpoint = _recipient_endpoint(v["recipient"], v["iat"], DIRECTORY, **policy)
        message = endpoint.validate(v["token"])
    else:
        endpoint = _recipient_endpoint(v["recipient"], v["iat"], None, **policy)
        message = endpoint.validate(v["token"], sender=IDENTITIES[v["sender"]].machine_token)
    _check_message(message, v)
    # bytes are accepted as well as str.
    assert endpoint.validate(
        v["token"].encode(),
        sender=IDENTITIES[v["sender"]].machine_token,
    ).payload == b64url_decode(v["plaintext_b64url"])


@pytest.mark.parametrize("v", HX1["positive"], ids=lambda v: v["name"])
def test_positive_is_reproduced_byte_for_byte(v: dict[str, Any]) -> None:
    # The sender applies the vector's limit too: create makes no token over its own.
    policy = {"max_token_length": v["max_token_len"]} if "max_token_len" in v else {}
    token = hxjwt.dangerous.create_with_material(
        hxjwt.Endpoint(IDENTITIES[v["sender"]], clock=v["iat"], **policy),
        b64url_decode(v["plaintext_b64url"]),
        to=IDENTITIES[v["recipient"]].machine_token,
        material=bytes.fromhex(v["M_hex"]),
        iv=bytes.fromhex(v["iv_hex"]),
        ttl=v["exp"] - v["iat"],
        not_before=v.get("nbf"),
        jti=v.get("jti"),
        content_type=v.get("cty"),
    )
    assert token == v["token"]


# --- hx1.json: negative -------------------------------------------------------------------


def _failing_lookup(name: str) -> hxjwt.MachineToken | None:
    raise ConnectionError(f"directory unreachable while looking up {name}")


def _negative_endpoint(v: dict[str, Any]) -> hxjwt.Endpoint:
    policy = v.get("policy", {})
    kwargs: dict[str, Any] = {
        "leeway": policy.get("leeway", 0),
        "max_lifetime": policy.get("max_lifetime"),
        "audiences": policy.get("audiences"),
        "max_token_length": policy.get("max_token_len", 65536),
        "replay_protection": bool(v.get("replay", False)),
    }
    directory = (
        hxjwt.Directory.from_callable(_failing_lookup) if v.get("directory_fails") else DIRECTORY
    )
    return hxjwt.Endpoint(IDENTITIES[v["recipient"]], directory, clock=v["now"], **kwargs)


@pytest.mark.parametrize("v", HX1["negative"], ids=lambda v: v["name"])
def test_negative_raises_its_class(v: dict[str, Any]) -> None:
    expected = hxjwt.ERROR_CLASSES[v["error"]]
    endpoint = _negative_endpoint(v)
    with pytest.raises(hxjwt.PyJWTError) as caught:
        if v["mode"] == "shared":
            sender = hxjwt.MachineToken.from_jwk(v["sender_jwk"])
            endpoint.validate(v["token"], sender=sender)
        else:
            assert v["mode"] == "directory"
            if v.get("replay"):
                endpoint.validate(v["token"])  # the first time it is accepted
            endpoint.validate(v["token"])
    assert type(caught.value) is expected, caught.value
    assert caught.value.kind == v["error"]
    message = str(caught.value)
    assert message, "every error says why"
    for jwk in HX1["identities"].values():
        assert jwk["d"] not in message and jwk["d"] not in repr(caught.value)
    if v.get("directory_fails"):
        assert "ConnectionError" in message and "directory unreachable" in message
        assert isinstance(caught.value.__cause__, ConnectionError)


@pytest.mark.parametrize("v", HX1["positive"], ids=lambda v: v["name"])
def test_positive_is_an_hs256_jws_that_pyjwt_verifies(v: dict[str, Any]) -> None:
    """Differential: after unwrapping, an HX1 token is an ordinary HS256 JWS keyed by
    mac_key = M[:32], so PyJWT (an independent implementation) verifies it and reads the same
    header that hxjwt authenticated; with another key PyJWT refuses it, as hxjwt does."""
    import jwt

    mac_key = bytes.fromhex(v["M_hex"])[:32]
    decoded = jwt.api_jws.decode_complete(v["token"], mac_key, algorithms=["HS256"])
    header = decoded["header"]
    assert (header["alg"], header["typ"]) == ("HS256", "JWT")
    assert (header["iss"], header["aud"]) == (v["sender"], v["recipient"])
    assert (header["iat"], header["exp"]) == (v["iat"], v["exp"])
    assert header.get("nbf") == v.get("nbf") and header.get("jti") == v.get("jti")
    assert decoded["payload"].startswith(b'{"enc":"')
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.api_jws.decode_complete(v["token"], bytes(32), algorithms=["HS256"])
