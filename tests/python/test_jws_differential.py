"""Differential tests against PyJWT, as orjson tests against `json`: for the same token and the
same arguments, hxjwt.decode returns the same claims as jwt.decode, or raises an exception of
the same PyJWT class (hxjwt may raise a subclass: IssuerMismatchError is an InvalidIssuerError).

Tokens are made by PyJWT (and, for the good ones, by hxjwt too). The cases where hxjwt is
stricter than PyJWT on purpose are listed in KNOWN_DIFFERENCES and checked as such."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt  # PyJWT
import pytest

import hxjwt

KEYS = Path(__file__).resolve().parent.parent / "vectors" / "keys"
SECRET = b"0123456789abcdef0123456789abcdef"
NOW = int(time.time())
HOUR = 3600

# alg -> (signing key, verifying key), in the forms PyJWT's users pass them.
KEY_PAIRS: dict[str, tuple[Any, Any]] = {
    "HS256": (SECRET, SECRET),
    "RS256": ((KEYS / "rsa2048.pkcs8.pem").read_bytes(), (KEYS / "rsa2048.spki.pem").read_bytes()),
    "PS256": ((KEYS / "rsa2048.pkcs1.pem").read_text(), (KEYS / "rsa2048.spki.pem").read_text()),
    "ES256": ((KEYS / "ec-P-256.pkcs8.pem").read_bytes(), (KEYS / "ec-P-256.spki.pem").read_bytes()),
    "EdDSA": ((KEYS / "ed25519.pkcs8.pem").read_bytes(), (KEYS / "ed25519.spki.pem").read_bytes()),
}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def raw_token(header: dict[str, Any], claims: dict[str, Any] | bytes, key: bytes = SECRET) -> str:
    """An HS256 token with any header (PyJWT and hxjwt refuse to write some of them)."""
    body = claims if isinstance(claims, bytes) else json.dumps(claims).encode()
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(body)}"
    sig = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(sig)}"


def outcome(module: Any, token: Any, key: Any, kwargs: dict[str, Any]) -> Any:
    """The claims, or the exception raised (as the exception object)."""
    try:
        return module.decode(token, key, **kwargs)
    except Exception as e:  # noqa: BLE001 - the differential compares whatever is raised
        return e


def assert_same(token: Any, key: Any, kwargs: dict[str, Any]) -> Any:
    theirs = outcome(jwt, token, key, kwargs)
    ours = outcome(hxjwt, token, key, kwargs)
    if isinstance(theirs, Exception):
        assert isinstance(ours, Exception), f"PyJWT raised {theirs!r}, hxjwt returned {ours!r}"
        if isinstance(theirs, jwt.PyJWTError):
            expected = getattr(hxjwt, type(theirs).__name__)
        else:
            expected = type(theirs)  # TypeError, ValueError
        assert isinstance(ours, expected), f"PyJWT raised {theirs!r}, hxjwt {ours!r}"
        if isinstance(theirs, jwt.MissingRequiredClaimError):
            assert isinstance(ours, hxjwt.MissingRequiredClaimError)
            assert ours.claim == theirs.claim and str(ours) == str(theirs)
    else:
        assert not isinstance(ours, Exception), f"PyJWT returned {theirs!r}, hxjwt raised {ours!r}"
        assert ours == theirs
        assert list(ours) == list(theirs), "same member order"
    return ours


HS = {"algorithms": ["HS256"]}

# (id, claims, decode keyword arguments)
CLAIM_CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("plain", {"sub": "u", "exp": NOW + HOUR}, {}),
    ("no-exp", {"sub": "u"}, {}),
    ("types", {"n": 2**60, "f": 1.5, "neg": -3, "t": True, "z": None, "s": "é ✓ \u2028", "o": {"a": [1, {"b": []}]}}, {}),
    ("exp-float", {"exp": NOW + HOUR + 0.5}, {}),
    ("expired", {"exp": NOW - 100}, {}),
    ("expired-leeway-int", {"exp": NOW - 5}, {"leeway": 60}),
    ("expired-leeway-timedelta", {"exp": NOW - 5}, {"leeway": timedelta(minutes=1)}),
    ("expired-leeway-too-small", {"exp": NOW - 100}, {"leeway": 10}),
    ("expired-unchecked", {"exp": NOW - 100}, {"options": {"verify_exp": False}}),
    ("exp-not-a-number", {"exp": "tomorrow"}, {}),
    ("nbf-past", {"nbf": NOW - 10}, {}),
    ("nbf-future", {"nbf": NOW + HOUR}, {}),
    ("nbf-future-leeway", {"nbf": NOW + 30}, {"leeway": 120}),
    ("nbf-future-unchecked", {"nbf": NOW + HOUR}, {"options": {"verify_nbf": False}}),
    ("nbf-not-a-number", {"nbf": [1]}, {}),
    ("iat-past", {"iat": NOW - 10}, {}),
    ("iat-future", {"iat": NOW + HOUR}, {}),
    ("iat-future-unchecked", {"iat": NOW + HOUR}, {"options": {"verify_iat": False}}),
    ("iat-not-a-number", {"iat": "yesterday"}, {}),
    ("aud-str", {"aud": "api"}, {"audience": "api"}),
    ("aud-list", {"aud": ["web", "api"]}, {"audience": "api"}),
    ("aud-audience-list", {"aud": "api"}, {"audience": ["x", "api"]}),
    ("aud-audience-tuple", {"aud": "api"}, {"audience": ("x", "api")}),
    ("aud-mismatch", {"aud": ["web"]}, {"audience": "api"}),
    ("aud-unexpected", {"aud": "api"}, {}),
    ("aud-unexpected-unchecked", {"aud": "api"}, {"options": {"verify_aud": False}}),
    ("aud-missing", {"sub": "u"}, {"audience": "api"}),
    ("aud-wrong-type", {"aud": 5}, {"audience": "api"}),
    ("aud-list-wrong-type", {"aud": ["api", 5]}, {"audience": "api"}),
    ("audience-not-iterable", {"aud": "api"}, {"audience": 5}),
    ("strict-aud", {"aud": "api"}, {"audience": "api", "options": {"strict_aud": True}}),
    ("strict-aud-list-claim", {"aud": ["api"]}, {"audience": "api", "options": {"strict_aud": True}}),
    ("strict-aud-list-audience", {"aud": "api"}, {"audience": ["api"], "options": {"strict_aud": True}}),
    ("iss", {"iss": "urn:a"}, {"issuer": "urn:a"}),
    ("iss-list", {"iss": "urn:a"}, {"issuer": ["urn:b", "urn:a"]}),
    ("iss-mismatch", {"iss": "urn:a"}, {"issuer": "urn:b"}),
    ("iss-missing", {"sub": "u"}, {"issuer": "urn:a"}),
    ("iss-wrong-type", {"iss": 5}, {"issuer": "urn:a"}),
    ("iss-mismatch-unchecked", {"iss": "urn:a"}, {"issuer": "urn:b", "options": {"verify_iss": False}}),
    ("sub", {"sub": "u"}, {"subject": "u"}),
    ("sub-mismatch", {"sub": "u"}, {"subject": "v"}),
    ("sub-wrong-type", {"sub": 5}, {}),
    ("sub-mismatch-unchecked", {"sub": "u"}, {"subject": "v", "options": {"verify_sub": False}}),
    ("jti", {"jti": "j-1"}, {}),
    ("jti-wrong-type", {"jti": 5}, {}),
    ("require-present", {"exp": NOW + HOUR, "iat": NOW, "sub": "u"}, {"options": {"require": ["exp", "iat", "sub"]}}),
    ("require-missing", {"exp": NOW + HOUR}, {"options": {"require": ["exp", "iat"]}}),
    ("unverified", {"exp": NOW - 100, "aud": "x"}, {"options": {"verify_signature": False}}),
    ("unverified-but-exp", {"exp": NOW - 100}, {"options": {"verify_signature": False, "verify_exp": True}}),
    ("unverified-but-require", {"sub": "u"}, {"options": {"verify_signature": False, "require": ["exp"]}}),
]  # fmt: skip


@pytest.mark.parametrize(("claims", "kwargs"), [c[1:] for c in CLAIM_CASES], ids=[c[0] for c in CLAIM_CASES])
def test_claims_hs256(claims: dict[str, Any], kwargs: dict[str, Any]) -> None:
    kwargs = {**HS, **kwargs}
    try:
        token = jwt.encode(claims, SECRET)
    except TypeError:  # PyJWT (and hxjwt) refuse to write a non-string iss
        with pytest.raises(TypeError):
            hxjwt.encode(claims, SECRET)
        token = raw_token({"alg": "HS256", "typ": "JWT"}, claims)
    else:
        assert hxjwt.encode(claims, SECRET) == token, "the same bytes as PyJWT"
    assert_same(token, SECRET, kwargs)


ASYMMETRIC_CASES = ["plain", "expired", "aud-list", "aud-mismatch", "iss-missing", "require-missing"]


@pytest.mark.parametrize("alg", [a for a in KEY_PAIRS if a != "HS256"])
@pytest.mark.parametrize("case", ASYMMETRIC_CASES)
def test_claims_asymmetric(alg: str, case: str) -> None:
    _, claims, kwargs = next(c for c in CLAIM_CASES if c[0] == case)
    signing, verifying = KEY_PAIRS[alg]
    kwargs = {"algorithms": [alg], **kwargs}
    assert_same(jwt.encode(claims, signing, algorithm=alg), verifying, kwargs)
    assert_same(hxjwt.encode(claims, signing, algorithm=alg), verifying, kwargs)


def short_secret_token() -> str:
    """A token PyJWT signs with a 5-byte secret (it warns; the tests expect that)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jwt.encode({"sub": "u"}, b"short")


GOOD = jwt.encode({"sub": "u"}, SECRET)
GOOD_RS256 = jwt.encode({"sub": "u"}, KEY_PAIRS["RS256"][0], algorithm="RS256")
RSA_PUBLIC = KEY_PAIRS["RS256"][1]

# (id, token, key, decode keyword arguments)
TOKEN_CASES: list[tuple[str, Any, Any, dict[str, Any]]] = [
    ("wrong-secret", GOOD, SECRET[::-1], HS),
    ("tampered-payload", GOOD.split(".")[0] + "." + b64(b'{"sub":"root"}') + "." + GOOD.split(".")[2], SECRET, HS),
    ("alg-not-allowed", GOOD, SECRET, {"algorithms": ["HS512"]}),
    ("no-algorithms", GOOD, SECRET, {}),
    ("empty-algorithms", GOOD, SECRET, {"algorithms": []}),
    ("algorithms-str", GOOD, SECRET, {"algorithms": "HS256"}),
    ("unknown-alg-listed", GOOD, SECRET, {"algorithms": ["HS1"]}),
    ("alg-none", raw_token({"alg": "none"}, {"sub": "u"}).rsplit(".", 1)[0] + ".", SECRET, HS),
    ("crit", raw_token({"alg": "HS256", "crit": ["exp"], "exp": 1}, {"sub": "u"}), SECRET, HS),
    ("kid-not-a-string", raw_token({"alg": "HS256", "kid": 5}, {"sub": "u"}), SECRET, HS),
    ("payload-not-json", raw_token({"alg": "HS256"}, b"hello"), SECRET, HS),
    ("payload-not-object", raw_token({"alg": "HS256"}, b"[1,2]"), SECRET, HS),
    ("header-not-object", b64(b"[1]") + "." + GOOD.split(".", 1)[1], SECRET, HS),
    ("empty", "", SECRET, HS),
    ("one-segment", "abc", SECRET, HS),
    ("two-segments", "abc.def", SECRET, HS),
    ("garbage", "!!!.???.###", SECRET, HS),
    ("not-a-token-type", 12345, SECRET, HS),
    ("bytes-token", GOOD.encode(), SECRET, HS),
    ("confusion-pem-as-hmac", raw_token({"alg": "HS256"}, {"sub": "u"}, RSA_PUBLIC), RSA_PUBLIC, {"algorithms": ["HS256", "RS256"]}),
    ("rs256-with-secret", GOOD_RS256, SECRET, {"algorithms": ["RS256"]}),
    ("rs256-good", GOOD_RS256, RSA_PUBLIC, {"algorithms": ["RS256"]}),
    ("rs256-wrong-key", GOOD_RS256, KEY_PAIRS["ES256"][1], {"algorithms": ["RS256"]}),
    ("short-secret-enforced", short_secret_token(), b"short", {"algorithms": ["HS256"], "options": {"enforce_minimum_key_length": True}}),
]  # fmt: skip


@pytest.mark.parametrize(("token", "key", "kwargs"), [c[1:] for c in TOKEN_CASES], ids=[c[0] for c in TOKEN_CASES])
def test_tokens(token: Any, key: Any, kwargs: dict[str, Any]) -> None:
    assert_same(token, key, kwargs)


def test_decode_complete_and_unverified_header_agree() -> None:
    token = jwt.encode({"sub": "u", "n": 1}, SECRET, headers={"kid": "k1", "x-tenant": "acme"})
    ours = hxjwt.decode_complete(token, SECRET, algorithms=["HS256"])
    theirs = jwt.decode_complete(token, SECRET, algorithms=["HS256"])
    assert ours == theirs
    assert hxjwt.get_unverified_header(token) == jwt.get_unverified_header(token)
    for bad in ("abc", "!!!.x.y", b64(b"[1]") + ".e30.", 5):
        with pytest.raises(jwt.DecodeError):
            jwt.get_unverified_header(bad)  # type: ignore[arg-type]
        with pytest.raises(hxjwt.DecodeError):
            hxjwt.get_unverified_header(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("alg", list(KEY_PAIRS))
def test_encode_agrees(alg: str) -> None:
    """hxjwt.encode writes what PyJWT writes (byte for byte for the deterministic algorithms),
    with headers, datetimes, a JSON encoder, and the algorithm taken from headers["alg"]."""
    from datetime import datetime, timezone

    class Encoder(json.JSONEncoder):
        def default(self, o: Any) -> Any:
            if isinstance(o, set):
                return sorted(o)
            return super().default(o)

    signing, verifying = KEY_PAIRS[alg]
    payload = {"exp": datetime(2040, 1, 1, tzinfo=timezone.utc), "roles": {"b", "a"}, "sub": "u"}
    args: dict[str, Any] = {"headers": {"kid": "k1", "alg": alg}, "json_encoder": Encoder}
    ours = hxjwt.encode(payload, signing, algorithm="HS512", **args)
    theirs = jwt.encode(payload, signing, algorithm="HS512", **args)
    if alg in ("HS256", "RS256", "EdDSA"):
        assert ours == theirs
    else:
        assert ours.split(".")[:2] == theirs.split(".")[:2]
    for token in (ours, theirs):
        assert_same(token, verifying, {"algorithms": [alg]})
    with pytest.raises(TypeError):
        hxjwt.encode(["not", "a", "dict"], signing, algorithm=alg)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        hxjwt.encode({"iss": 5}, signing, algorithm=alg)


# hxjwt is stricter than PyJWT on purpose in these cases (documented in the stubs):
# (id, token, key, decode keyword arguments, PyJWT's class or None for success, hxjwt's class)
KNOWN_DIFFERENCES: list[tuple[str, str, bytes, dict[str, Any], Any, type[Exception]]] = [
    # A short HMAC secret: PyJWT warns (InsecureKeyLengthWarning), hxjwt refuses by default.
    ("short-secret", short_secret_token(), b"short", {"algorithms": ["HS256"]}, None, hxjwt.InvalidKeyError),
    # PyJWT skips the sub check when the token has no sub; hxjwt requires it once asked for.
    ("subject-without-sub", jwt.encode({"x": 1}, SECRET), SECRET, {**HS, "subject": "u"}, None, hxjwt.MissingRequiredClaimError),
    # PyJWT's int() accepts a numeric string; a NumericDate is a JSON number (RFC 7519).
    ("iat-numeric-string", jwt.encode({"iat": "1"}, SECRET), SECRET, HS, None, hxjwt.InvalidIssuedAtError),
    # The core checks the types of registered claims even when their check is off.
    ("exp-wrong-type-unchecked", jwt.encode({"exp": "x"}, SECRET), SECRET, {**HS, "options": {"verify_exp": False}}, None, hxjwt.DecodeError),
    # An empty aud is an aud: refused when no audience is expected.
    ("empty-aud", jwt.encode({"aud": ""}, SECRET), SECRET, HS, None, hxjwt.InvalidAudienceError),
    # Several failures: PyJWT checks nbf before exp, the core exp before nbf.
    ("expired-and-immature", jwt.encode({"exp": NOW - 10, "nbf": NOW + HOUR}, SECRET), SECRET, HS, jwt.ImmatureSignatureError, hxjwt.ExpiredSignatureError),
    # No alg in the header: a malformed header for the core, an algorithm error for PyJWT.
    ("alg-missing", raw_token({"typ": "JWT"}, {"sub": "u"}), SECRET, HS, jwt.InvalidAlgorithmError, hxjwt.DecodeError),
    # A b64: false token (RFC 7797): unsupported.
    ("b64-false", raw_token({"alg": "HS256", "b64": False, "crit": ["b64"]}, b""), SECRET, HS, jwt.DecodeError, hxjwt.UnknownHeaderError),
]  # fmt: skip


@pytest.mark.parametrize(
    ("token", "key", "kwargs", "pyjwt", "ours"),
    [c[1:] for c in KNOWN_DIFFERENCES],
    ids=[c[0] for c in KNOWN_DIFFERENCES],
)
@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_known_differences(
    token: str, key: bytes, kwargs: dict[str, Any], pyjwt: Any, ours: type[Exception]
) -> None:
    theirs = outcome(jwt, token, key, kwargs)
    if pyjwt is None:
        assert not isinstance(theirs, Exception), theirs
    else:
        assert type(theirs) is pyjwt, theirs
    with pytest.raises(ours):
        hxjwt.decode(token, key, **kwargs)
