"""hxjwt.explain (issue 17 item 5): every failed check of a token at once, with the kinds of the
exceptions hxjwt.decode raises; never an acceptance; claims only after a verified signature."""

from __future__ import annotations

import os

import pytest

import hxjwt

KEY = b"a secret of at least thirty-two bytes!!"
OTHER = b"another secret, thirty-two bytes long"
NOW = 1_767_225_600


def failed(report: list[hxjwt.ExplainedCheck]) -> list[tuple[str, str | None]]:
    return [(c["check"], c["kind"]) for c in report if c["outcome"] == "failed"]


def check(report: list[hxjwt.ExplainedCheck], name: str) -> hxjwt.ExplainedCheck:
    return next(c for c in report if c["check"] == name)


def decode_kind(token: str | bytes, key: bytes, **kw: object) -> str | None:
    """The .kind of the exception decode raises, or None when it accepts."""
    try:
        hxjwt.decode(token, key, **kw)  # type: ignore[arg-type]
    except hxjwt.PyJWTError as e:
        return e.kind
    return None


def test_exp_aud_and_iss_failing_together() -> None:
    token = hxjwt.encode({"iss": "mallory", "aud": "elsewhere", "exp": 1000}, KEY, algorithm="HS256")
    kw: dict[str, object] = {"algorithms": ["HS256"], "audience": "api", "issuer": "login"}
    report = hxjwt.explain(token, KEY, ["HS256"], audience="api", issuer="login", now=NOW)
    assert failed(report) == [("exp", "Expired"), ("aud", "WrongAudience"), ("iss", "IssuerMismatch")]
    assert decode_kind(token, KEY, **kw) == "Expired"
    exp = check(report, "exp")
    assert exp["error"] is hxjwt.ExpiredSignatureError
    assert exp["error"] is hxjwt.ERROR_CLASSES["Expired"]
    assert "1000" in exp["message"]
    assert check(report, "signature")["outcome"] == "passed"
    assert check(report, "aud")["error"] is hxjwt.ERROR_CLASSES["WrongAudience"]


def test_bad_signature_checks_no_claim() -> None:
    token = hxjwt.encode({"exp": 1, "aud": "x"}, OTHER, algorithm="HS256")
    report = hxjwt.explain(token, KEY, "HS256", audience="api")
    assert failed(report) == [("signature", "InvalidSignature")]
    for name in ["claims", "exp", "aud", "replay"]:
        assert check(report, name)["outcome"] == "not_checked", name
    assert decode_kind(token, KEY, algorithms=["HS256"], audience="api") == "InvalidSignature"
    text = repr(report)
    assert "thirty-two" not in text and "another secret" not in text


def test_valid_token_passes_and_decode_still_decides() -> None:
    token = hxjwt.encode({"aud": "api", "exp": 4102444800}, KEY, algorithm="HS256")
    report = hxjwt.explain(token, KEY, ["HS256"], audience="api")
    assert failed(report) == []
    assert {c["outcome"] for c in report} <= {"passed", "not_checked"}
    assert check(report, "replay")["outcome"] == "not_checked"
    assert all(c["kind"] is None and c["error"] is None for c in report)
    assert hxjwt.decode(token, KEY, algorithms=["HS256"], audience="api")["aud"] == "api"


def test_options_and_required() -> None:
    token = hxjwt.encode({"aud": "api", "exp": 1}, KEY, algorithm="HS256")
    report = hxjwt.explain(
        token, KEY, ["HS256"], options={"verify_exp": False, "verify_aud": False},
        required=["exp", "sub"], subject="ada",
    )
    assert failed(report) == [("required", "MissingClaim"), ("sub", "MissingClaim")]
    assert check(report, "exp")["outcome"] == "not_checked"
    assert check(report, "aud")["outcome"] == "not_checked"


def test_alg_none_and_unaccepted_algorithm() -> None:
    token = hxjwt.encode({"exp": 4102444800}, KEY, algorithm="HS256")
    assert failed(hxjwt.explain(token, KEY, ["HS384"])) == [("algorithm", "UnsupportedAlgorithm")]
    assert decode_kind(token, KEY, algorithms=["HS384"]) == "UnsupportedAlgorithm"
    header = hxjwt.utils.base64url_encode(b'{"alg":"none"}').decode()
    claims = hxjwt.utils.base64url_encode(b'{"exp":4102444800}').decode()
    none = f"{header}.{claims}."
    report = hxjwt.explain(none, KEY, ["HS256"])
    assert failed(report) == [("algorithm", "UnsupportedAlgorithm")]
    assert check(report, "signature")["outcome"] == "not_checked"
    with pytest.raises(hxjwt.InvalidAlgorithmError):
        hxjwt.explain(token, KEY, ["none"])


def test_unknown_kid_with_a_key_set() -> None:
    jwk = {"kty": "oct", "k": hxjwt.utils.base64url_encode(KEY).decode(), "kid": "k-2"}
    keys = hxjwt.PyJWKSet([jwk])
    token = hxjwt.encode({"exp": 4102444800}, KEY, algorithm="HS256", headers={"kid": "k-1"})
    report = hxjwt.explain(token, keys, ["HS256"])
    assert failed(report) == [("key", "KeyNotFound")]


@pytest.mark.parametrize(
    "token", ["", ".", "a.b", "a.b.c.d", "!!!.b.c", "e30.e30.", b"\xff\xfe.x.y", "x" * 70000]
)
def test_malformed_tokens_are_reported_not_raised(token: str | bytes) -> None:
    report = hxjwt.explain(token, KEY, ["HS256"])
    first = next(c for c in report if c["outcome"] == "failed")
    assert first["kind"] == "Malformed"
    assert decode_kind(token, KEY, algorithms=["HS256"]) == "Malformed"


def test_random_bytes_never_raise() -> None:
    for n in range(300):
        token = os.urandom(n % 90)
        report = hxjwt.explain(token, KEY, ["HS256"])
        assert any(c["outcome"] == "failed" for c in report)


def test_argument_errors() -> None:
    with pytest.raises(TypeError):
        hxjwt.explain(123, KEY, ["HS256"])  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        hxjwt.explain("a.b.c", KEY, [])


def test_defaults_are_decodes_nothing_required() -> None:
    # decode requires nothing unless options["require"] says so (PyJWT): explain agrees.
    token = hxjwt.encode({"sub": "ada"}, KEY, algorithm="HS256")
    assert hxjwt.decode(token, KEY, algorithms=["HS256"]) == {"sub": "ada"}
    assert failed(hxjwt.explain(token, KEY, ["HS256"])) == []
    report = hxjwt.explain(token, KEY, ["HS256"], options={"require": ["exp"]})
    assert failed(report) == [("required", "MissingClaim")]
    assert decode_kind(token, KEY, algorithms=["HS256"], options={"require": ["exp"]}) == "MissingClaim"
    # leeway and now take decode's types too (a timedelta, a datetime).
    import datetime

    expired = hxjwt.encode({"exp": NOW - 30}, KEY, algorithm="HS256")
    at = datetime.datetime.fromtimestamp(NOW, tz=datetime.timezone.utc)
    assert failed(hxjwt.explain(expired, KEY, ["HS256"], now=at)) == [("exp", "Expired")]
    assert failed(
        hxjwt.explain(expired, KEY, ["HS256"], now=at, leeway=datetime.timedelta(seconds=60))
    ) == []


def test_endpoint_explain_reports_every_failure_like_validate() -> None:
    alice, bob = hxjwt.Identity.generate("alice.service"), hxjwt.Identity.generate("bob.service")
    carol = hxjwt.Identity.generate("carol.service")
    sender = hxjwt.Endpoint(alice, clock=NOW)
    token = sender.create(b"secret payload", to=bob.machine_token, ttl=60)
    receiver = hxjwt.Endpoint(bob, hxjwt.Directory([alice.machine_token]), clock=NOW)
    report = receiver.explain(token)
    assert failed(report) == []
    assert receiver.validate(token).payload == b"secret payload"
    assert "secret payload" not in repr(report)
    # Expired and for someone else at once: both reported, validate raises the first.
    late = hxjwt.Endpoint(carol, hxjwt.Directory([alice.machine_token]), clock=NOW + 3600)
    report = late.explain(token)
    kinds = [k for _, k in failed(report)]
    assert "WrongAudience" in kinds and "Expired" in kinds
    with pytest.raises(hxjwt.PyJWTError) as caught:
        late.validate(token)
    assert caught.value.kind == kinds[0]
    # The sender given instead of the directory.
    alone = hxjwt.Endpoint(bob, clock=NOW)
    assert failed(alone.explain(token, sender=alice.machine_token)) == []
    assert failed(alone.explain(token, sender=carol.machine_token))[0][1] == decode_hx1_kind(
        alone, token, carol.machine_token
    )


def decode_hx1_kind(ep: hxjwt.Endpoint, token: str, sender: hxjwt.MachineToken) -> str | None:
    try:
        ep.validate(token, sender=sender)
    except hxjwt.PyJWTError as e:
        return e.kind
    return None
