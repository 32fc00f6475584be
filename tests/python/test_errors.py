"""The exception tree: one class per core error kind, PyJWT's hierarchy, `.kind`, reachability."""

from __future__ import annotations

import inspect

import jwt  # PyJWT, for the differential checks
import pytest

import hxjwt
from hxjwt import _hxjwt

# The core's ErrorKind::ALL, in order. A new kind in the core makes this test fail until the
# binding gives it a class of its own.
CORE_KINDS = [
    "Malformed", "UnsupportedAlgorithm", "UnknownHeader", "WrongAudience", "UnknownIssuer",
    "IssuerMismatch", "InvalidKey", "InvalidSignature", "Expired", "NotYetValid",
    "LifetimeTooLong", "DecryptionFailed", "Replayed", "ResolverFailed", "InvalidArgument",
    "Internal", "MissingClaim", "InvalidClaim", "KeyNotFound", "Revoked",
    "StoreUnavailable",
]  # fmt: skip

EXPECTED = {
    "Malformed": hxjwt.DecodeError,
    "UnsupportedAlgorithm": hxjwt.InvalidAlgorithmError,
    "UnknownHeader": hxjwt.UnknownHeaderError,
    "WrongAudience": hxjwt.InvalidAudienceError,
    "UnknownIssuer": hxjwt.UnknownIssuerError,
    "IssuerMismatch": hxjwt.IssuerMismatchError,
    "InvalidKey": hxjwt.InvalidKeyError,
    "InvalidSignature": hxjwt.InvalidSignatureError,
    "Expired": hxjwt.ExpiredSignatureError,
    "NotYetValid": hxjwt.ImmatureSignatureError,
    "LifetimeTooLong": hxjwt.LifetimeTooLongError,
    "DecryptionFailed": hxjwt.DecryptionError,
    "Replayed": hxjwt.ReplayedTokenError,
    "ResolverFailed": hxjwt.ResolverError,
    "InvalidArgument": hxjwt.InvalidArgumentError,
    "Internal": hxjwt.InternalError,
    "MissingClaim": hxjwt.MissingRequiredClaimError,
    "InvalidClaim": hxjwt.InvalidClaimError,
    "KeyNotFound": hxjwt.KeyNotFoundError,
    "Revoked": hxjwt.RevokedTokenError,
    "StoreUnavailable": hxjwt.StoreUnavailableError,
}

# (class, its direct base classes)
TREE = [
    (hxjwt.PyJWTError, (Exception,)),
    (hxjwt.InvalidTokenError, (hxjwt.PyJWTError,)),
    (hxjwt.DecodeError, (hxjwt.InvalidTokenError,)),
    (hxjwt.InvalidSignatureError, (hxjwt.DecodeError,)),
    (hxjwt.InvalidAlgorithmError, (hxjwt.InvalidTokenError,)),
    (hxjwt.UnknownHeaderError, (hxjwt.InvalidTokenError,)),
    (hxjwt.InvalidAudienceError, (hxjwt.InvalidTokenError,)),
    (hxjwt.InvalidIssuerError, (hxjwt.InvalidTokenError,)),
    (hxjwt.UnknownIssuerError, (hxjwt.InvalidIssuerError,)),
    (hxjwt.IssuerMismatchError, (hxjwt.InvalidIssuerError,)),
    (hxjwt.ExpiredSignatureError, (hxjwt.InvalidTokenError,)),
    (hxjwt.ImmatureSignatureError, (hxjwt.InvalidTokenError,)),
    (hxjwt.LifetimeTooLongError, (hxjwt.InvalidTokenError,)),
    (hxjwt.DecryptionError, (hxjwt.InvalidTokenError,)),
    (hxjwt.ReplayedTokenError, (hxjwt.InvalidTokenError,)),
    (hxjwt.MissingRequiredClaimError, (hxjwt.InvalidTokenError,)),
    (hxjwt.InvalidClaimError, (hxjwt.InvalidTokenError,)),
    (hxjwt.KeyNotFoundError, (hxjwt.InvalidTokenError,)),
    (hxjwt.RevokedTokenError, (hxjwt.InvalidTokenError,)),
    (hxjwt.StoreUnavailableError, (hxjwt.InvalidTokenError,)),
    (hxjwt.InvalidKeyError, (hxjwt.PyJWTError,)),
    (hxjwt.ResolverError, (hxjwt.PyJWTError,)),
    (hxjwt.InvalidArgumentError, (hxjwt.PyJWTError, ValueError)),
    (hxjwt.InternalError, (hxjwt.PyJWTError,)),
    # PyJWT's classes for the standard-JWT functions (core kinds InvalidClaim and InvalidKey).
    (hxjwt.InvalidIssuedAtError, (hxjwt.InvalidTokenError,)),
    (hxjwt.InvalidSubjectError, (hxjwt.InvalidTokenError,)),
    (hxjwt.InvalidJTIError, (hxjwt.InvalidTokenError,)),
    (hxjwt.PyJWKError, (hxjwt.PyJWTError,)),
    (hxjwt.MissingCryptographyError, (hxjwt.PyJWKError,)),
    (hxjwt.PyJWKSetError, (hxjwt.PyJWTError,)),
    (hxjwt.PyJWKClientError, (hxjwt.PyJWTError,)),
    (hxjwt.PyJWKClientConnectionError, (hxjwt.PyJWKClientError,)),
]


def test_every_core_kind_has_its_own_class() -> None:
    assert list(hxjwt.ERROR_CLASSES) == CORE_KINDS
    assert dict(hxjwt.ERROR_CLASSES) == EXPECTED
    assert len(set(hxjwt.ERROR_CLASSES.values())) == len(CORE_KINDS), "one class per kind"
    for kind, cls in hxjwt.ERROR_CLASSES.items():
        assert cls.kind == kind
    with pytest.raises(TypeError):
        hxjwt.ERROR_CLASSES["Expired"] = hxjwt.PyJWTError  # type: ignore[index]


def test_issubclass_tree() -> None:
    for cls, bases in TREE:
        assert cls.__bases__ == bases, cls
        assert cls.__module__ == "hxjwt"
        assert issubclass(cls, hxjwt.PyJWTError)
        assert cls.__doc__, f"{cls.__name__} has a docstring"
    exported = {
        obj
        for obj in vars(hxjwt).values()
        if inspect.isclass(obj) and issubclass(obj, BaseException)
        # PyJWT's warning classes (InsecureKeyLengthWarning, ...) are exported too.
        and not issubclass(obj, Warning)
    }
    assert exported == {cls for cls, _ in TREE}, "every exception class is in the tree above"
    assert hxjwt.HxJwtError is hxjwt.PyJWTError
    for base in (hxjwt.PyJWTError, hxjwt.InvalidTokenError, hxjwt.InvalidIssuerError):
        assert base.kind is None


def test_tree_mirrors_pyjwt() -> None:
    """Every class PyJWT also has sits under the same PyJWT-named ancestors, so that
    `import hxjwt as jwt` keeps existing except clauses working."""
    shared = [name for name in dir(jwt.exceptions) if name in dir(hxjwt) and name.endswith("Error")]
    assert len(shared) >= 9
    for name in shared:
        ours = getattr(hxjwt, name)
        theirs = getattr(jwt.exceptions, name)
        their_ancestors = [c.__name__ for c in theirs.__mro__ if c.__module__.startswith("jwt")]
        our_ancestors = [c.__name__ for c in ours.__mro__ if c.__module__ == "hxjwt"]
        assert our_ancestors == their_ancestors, name


@pytest.mark.parametrize("kind", CORE_KINDS)
def test_every_kind_maps_through_to_py_err(kind: str) -> None:
    with pytest.raises(hxjwt.PyJWTError) as caught:
        _hxjwt._raise_error_kind(kind, f"detail of {kind}")
    assert type(caught.value) is EXPECTED[kind]
    assert caught.value.kind == kind
    assert str(caught.value) == f"detail of {kind}"
    with pytest.raises(ValueError):
        _hxjwt._raise_error_kind("NoSuchKind", "x")


def test_every_class_is_reachable_through_the_api(tmp_path: object) -> None:
    """Each kind that the API can produce, produced by the API (the vectors do the token
    kinds too; this also covers keys, arguments, directories and create)."""
    alice = hxjwt.Identity.generate("alice")
    bob = hxjwt.Identity.generate("bob")
    carol = hxjwt.Identity.generate("carol")
    directory = hxjwt.Directory([alice.machine_token, bob.machine_token])
    a = hxjwt.Endpoint(alice, directory, clock=1_000_000)
    token = a.create(b"x", to="bob", ttl=100, not_before=1_000_050, jti="j")
    hit: set[type[BaseException]] = set()

    def expect(cls: type[hxjwt.PyJWTError], fn: object, *args: object, **kw: object) -> None:
        with pytest.raises(cls) as caught:
            fn(*args, **kw)  # type: ignore[operator]
        assert type(caught.value) is cls, caught.value
        hit.add(cls)

    def bob_at(now: int, **kw: object) -> hxjwt.Endpoint:
        return hxjwt.Endpoint(bob, directory, clock=now, **kw)  # type: ignore[arg-type]

    expect(hxjwt.DecodeError, bob_at(1_000_060).validate, "a.b")
    expect(hxjwt.InvalidSignatureError, bob_at(1_000_060).validate, token[:-2] + "AA")
    expect(hxjwt.InvalidAudienceError, hxjwt.Endpoint(carol, directory, clock=1_000_060).validate, token)
    expect(hxjwt.UnknownIssuerError, hxjwt.Endpoint(bob, hxjwt.Directory([]), clock=1_000_060).validate, token)
    expect(hxjwt.UnknownIssuerError, a.create, b"x", to="nobody")
    expect(hxjwt.IssuerMismatchError, bob_at(1_000_060).validate, token, sender=carol.machine_token)
    expect(hxjwt.ExpiredSignatureError, bob_at(1_000_100).validate, token)
    expect(hxjwt.ImmatureSignatureError, bob_at(1_000_049).validate, token)
    expect(hxjwt.LifetimeTooLongError, bob_at(1_000_060, max_lifetime=99).validate, token)
    replaying = bob_at(1_000_060, replay_protection=True)
    replaying.validate(token)
    expect(hxjwt.ReplayedTokenError, replaying.validate, token)
    expect(hxjwt.InvalidKeyError, hxjwt.MachineToken.from_jwk, alice.to_jwk())
    expect(hxjwt.InvalidKeyError, hxjwt.Identity.from_jwk, alice.machine_token.to_jwk())
    expect(hxjwt.InvalidArgumentError, hxjwt.Identity.generate, "")
    expect(hxjwt.InvalidArgumentError, hxjwt.Endpoint(alice).create, b"x", to="bob")
    expect(hxjwt.ResolverError, hxjwt.Directory.from_file, str(tmp_path) + "/missing.json")
    # UnsupportedAlgorithm, UnknownHeader and DecryptionFailed need forged tokens: the vectors
    # (test_vectors.py) have them. Internal cannot be provoked (it means a bug), and the
    # standard-JWS kinds (MissingClaim, InvalidClaim, KeyNotFound, Revoked) have no Python API
    # yet: their mapping is checked by test_every_kind_maps_through_to_py_err.
    assert {hxjwt.InvalidArgumentError} <= hit
    assert isinstance(hxjwt.InvalidArgumentError("x"), ValueError)


@pytest.mark.parametrize(
    "garbage",
    ["", "abc", "a.b", "a.b.c.d", "!!!.???.***", "eyJhbGciOiJIUzI1NiJ9.e30"],
)
def test_bad_tokens_raise_decode_error_like_pyjwt(garbage: str) -> None:
    """Differential: what PyJWT rejects as a DecodeError, hxjwt does too."""
    with pytest.raises(jwt.DecodeError):
        jwt.decode(garbage, "k" * 32, algorithms=["HS256"])
    bob = hxjwt.Identity.generate("bob")
    with pytest.raises(hxjwt.DecodeError):
        hxjwt.Endpoint(bob, hxjwt.Directory()).validate(garbage)


def test_pyjwt_token_is_not_an_hx1_token() -> None:
    """A standard HS256 JWT (made by PyJWT) is refused as HX1, as a DecodeError."""
    token = jwt.encode({"iss": "alice", "aud": "bob"}, "s" * 32, algorithm="HS256")
    bob = hxjwt.Identity.generate("bob")
    with pytest.raises(hxjwt.InvalidTokenError) as caught:
        hxjwt.Endpoint(bob, hxjwt.Directory()).validate(token)
    assert isinstance(caught.value, hxjwt.DecodeError)
