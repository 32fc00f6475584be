"""Issue 17 through the Python face: fractional NumericDates are compared exactly (never
floored) by hxjwt.decode, and an empty audience is never valid: configured, it is an
InvalidArgumentError; claimed, it matches nothing. The claims come back as sent."""

from __future__ import annotations

from typing import Any

import pytest

import hxjwt

SECRET = b"a secret of at least thirty-two bytes!!"
HS = ["HS256"]


def token(claims: dict[str, Any]) -> str:
    return hxjwt.encode(claims, SECRET, algorithm="HS256")


def decode(claims: dict[str, Any], now: int, leeway: int = 0, **kwargs: Any) -> dict[str, Any]:
    result: dict[str, Any] = hxjwt.decode(
        token(claims),
        SECRET,
        algorithms=HS,
        now=now,
        leeway=leeway,
        options={"require": []},
        **kwargs,
    )
    return result


def test_fractional_exp_is_valid_until_it_passes() -> None:
    claims = {"exp": 100.5}
    # 100 < 100.5: valid (flooring refused it half a second early); the claim comes back as is.
    assert decode(claims, now=100) == {"exp": 100.5}
    with pytest.raises(hxjwt.ExpiredSignatureError):
        decode(claims, now=101)
    # A leeway moves the bound by exactly its value.
    assert decode(claims, now=102, leeway=2) == claims
    with pytest.raises(hxjwt.ExpiredSignatureError):
        decode(claims, now=103, leeway=2)


@pytest.mark.parametrize("claim", ["nbf", "iat"])
def test_fractional_nbf_and_iat_are_not_accepted_early(claim: str) -> None:
    claims = {claim: 100.5}
    # 100.5 is after 100: not yet valid (flooring accepted it half a second too soon).
    with pytest.raises(hxjwt.ImmatureSignatureError):
        decode(claims, now=100)
    assert decode(claims, now=101) == claims
    with pytest.raises(hxjwt.ImmatureSignatureError):
        decode(claims, now=98, leeway=2)
    assert decode(claims, now=99, leeway=2) == claims


def test_fractional_iat_and_max_age() -> None:
    claims = {"iat": 100.5}
    assert decode(claims, now=110, max_age=10) == claims  # 9.5 s old
    with pytest.raises(hxjwt.ExpiredSignatureError):
        decode(claims, now=111, max_age=10)  # 10.5 s old
    assert decode(claims, now=112, leeway=2, max_age=10) == claims
    with pytest.raises(hxjwt.ExpiredSignatureError):
        decode(claims, now=113, leeway=2, max_age=10)


@pytest.mark.parametrize("audience", ["", [""], ["api", ""]])
def test_an_empty_expected_audience_is_a_configuration_error(audience: str | list[str]) -> None:
    for claims in ({"aud": ""}, {"aud": "api"}, {}):
        with pytest.raises(hxjwt.InvalidArgumentError) as caught:
            decode(claims, now=0, audience=audience)
        assert isinstance(caught.value, ValueError)
        assert caught.value.kind == "InvalidArgument"
        assert "empty string" in str(caught.value)


def test_an_empty_expected_audience_is_ignored_when_aud_is_not_verified() -> None:
    # verify_aud False: the audience is not used at all (as in PyJWT), so not refused either.
    result = hxjwt.decode(
        token({"aud": ""}),
        SECRET,
        algorithms=HS,
        now=0,
        audience="",
        options={"require": [], "verify_aud": False},
    )
    assert result == {"aud": ""}


@pytest.mark.parametrize("issuer", ["", ["https://login.example.com", ""]])
def test_an_empty_expected_issuer_is_a_configuration_error(issuer: str | list[str]) -> None:
    for claims in ({"iss": ""}, {"iss": "https://login.example.com"}, {}):
        with pytest.raises(hxjwt.InvalidArgumentError) as caught:
            decode(claims, now=0, issuer=issuer)
        assert "empty string" in str(caught.value)


@pytest.mark.parametrize("aud", ["", [""], ["", ""]])
def test_an_empty_aud_claim_matches_nothing(aud: str | list[str]) -> None:
    with pytest.raises(hxjwt.InvalidAudienceError):
        decode({"aud": aud}, now=0, audience="api")
    with pytest.raises(hxjwt.InvalidAudienceError):
        decode({"aud": aud}, now=0)
    # Beside a good audience, an empty one hides nothing.
    assert decode({"aud": ["", "api"]}, now=0, audience="api") == {"aud": ["", "api"]}
