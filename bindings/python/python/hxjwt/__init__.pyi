"""hxjwt: HX1 sender-authenticated encrypted JWTs between services (type stubs)."""

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, final

__version__: str
"""The version of the hxjwt Python package."""
CORE_VERSION: str
"""The version of the Rust core it wraps."""

_Payload = bytes | bytearray | str | dict[str, Any]
"""What a token carries: bytes, a str (sent as UTF-8) or a dict (sent as compact JSON)."""
_ResolverAnswer = MachineToken | dict[str, Any] | str | None
"""What a directory callable returns for a name: a machine token, a public JWK, or None."""

@final
class Identity:
    """A service's identity: a name and a static X25519 key pair. Keep it secret."""

    @staticmethod
    def generate(name: str) -> Identity:
        """A new identity named ``name`` with a fresh key pair.

        Raises InvalidArgumentError for an empty, too long (> 255 bytes) or control-character
        name.
        """
    @staticmethod
    def from_jwk(jwk: str | dict[str, Any]) -> Identity:
        """An identity from a private OKP X25519 JWK (with ``d``); InvalidKeyError if not one."""
    @property
    def name(self) -> str:
        """The identity's name (the JWK's ``kid``)."""
    @property
    def machine_token(self) -> MachineToken:
        """The public half, to give to peers or to put in a directory."""
    def to_jwk(self) -> dict[str, str]:
        """The private OKP JWK, **including the private key ``d``**: store it like a password."""

@final
class MachineToken:
    """A service's public machine token (name + X25519 public key); a public OKP JWK."""

    @staticmethod
    def from_jwk(jwk: str | dict[str, Any]) -> MachineToken:
        """A machine token from a public OKP X25519 JWK; InvalidKeyError if not one."""
    @property
    def name(self) -> str:
        """The identity name (the JWK's ``kid``)."""
    @property
    def public_key(self) -> bytes:
        """The raw 32-byte X25519 public key."""
    def to_jwk(self) -> dict[str, str]:
        """The public OKP JWK as a dict (``kty``, ``crv``, ``kid``, ``use``, ``x``)."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Directory:
    """Resolves identity names to machine tokens: the peers an Endpoint may talk to."""

    def __new__(cls, tokens: Iterable[MachineToken] | None = None) -> Directory:
        """A directory held in memory, with the given machine tokens."""
    @staticmethod
    def from_jwks(jwks: str | dict[str, Any]) -> Directory:
        """A directory from a JWK Set (``{"keys": [...]}``), as JSON text or a dict."""
    @staticmethod
    def from_file(path: str | os.PathLike[str]) -> Directory:
        """A directory from a JWK Set file; ResolverError if it cannot be read."""
    @staticmethod
    def from_callable(callable: Callable[[str], _ResolverAnswer]) -> Directory:
        """A directory that asks ``callable(name)``; if it raises or returns anything else than
        a MachineToken, a JWK (dict or str) or None, validation raises ResolverError."""
    def add(self, token: MachineToken) -> None:
        """Adds (or replaces) a machine token. TypeError on a ``from_callable`` directory."""
    def remove(self, name: str) -> MachineToken | None:
        """Removes and returns the machine token of ``name``, if any."""
    def get(self, name: str) -> MachineToken | None:
        """The machine token of ``name``, or None (a ``from_callable`` directory is asked)."""
    def tokens(self) -> list[MachineToken]:
        """Every machine token, sorted by name."""
    def to_jwks(self) -> dict[str, list[dict[str, str]]]:
        """The directory as a JWK Set dict, sorted by name: what a web server publishes."""
    def __len__(self) -> int:
        """The number of names (TypeError on a ``from_callable`` directory)."""
    def __contains__(self, name: object, /) -> bool:
        """Whether ``name`` is known."""

@final
class Endpoint:
    """One service's end of HX1: its identity, a directory of peers, a validation policy.

    ``clock`` is None for the system clock, or a Unix time at which the endpoint's clock
    stands still (tests, vectors, replaying recorded traffic).
    """

    def __new__(
        cls,
        identity: Identity,
        directory: Directory | None = None,
        *,
        leeway: int = 0,
        max_lifetime: int | None = None,
        audiences: Iterable[str] | None = None,
        replay_protection: bool = False,
        max_token_length: int = 65536,
        clock: int | None = None,
    ) -> Endpoint:
        """An endpoint for ``identity``; see the class docstring for the keywords."""
    def create(
        self,
        payload: _Payload,
        *,
        to: str | MachineToken,
        ttl: int = 300,
        jti: str | None = None,
        not_before: int | None = None,
        content_type: str | None = None,
    ) -> str:
        """Creates a token carrying ``payload`` for the peer ``to``, valid ``ttl`` seconds."""
    def validate(self, token: str | bytes, *, sender: MachineToken | None = None) -> Message:
        """Validates a token addressed to this endpoint; raises an InvalidTokenError subclass."""
    @property
    def name(self) -> str:
        """The name of this endpoint's identity."""
    @property
    def machine_token(self) -> MachineToken:
        """This endpoint's machine token."""
    @property
    def directory(self) -> Directory | None:
        """The directory given to the constructor, or None."""
    @property
    def replay_protection(self) -> bool:
        """Whether replay protection is on."""
    @property
    def clock(self) -> int | None:
        """The fixed Unix time of this endpoint's clock, or None for the system clock."""
    def now(self) -> int:
        """The time now by this endpoint's clock, in Unix seconds."""

@final
class Message:
    """A validated token: sender, recipient, times (Unix seconds) and decrypted payload."""

    @property
    def issuer(self) -> str:
        """The sender's name (``iss``), authenticated."""
    @property
    def audience(self) -> str:
        """The recipient's name (``aud``)."""
    @property
    def issued_at(self) -> int:
        """``iat``, in Unix seconds."""
    @property
    def expires_at(self) -> int:
        """``exp``, in Unix seconds."""
    @property
    def not_before(self) -> int | None:
        """``nbf``, in Unix seconds, or None."""
    @property
    def jti(self) -> str | None:
        """The token's ``jti``, or None."""
    @property
    def content_type(self) -> str | None:
        """The token's ``cty``, or None."""
    @property
    def payload(self) -> bytes:
        """The decrypted payload."""
    def json(self) -> Any:
        """The payload parsed as JSON; DecodeError if it is not JSON."""

class PyJWTError(Exception):
    """Base class of every hxjwt error (alias: HxJwtError)."""

    kind: str | None
    """The core error kind's name (``"Expired"``, ...); None only on the pure base classes."""

HxJwtError = PyJWTError

class InvalidTokenError(PyJWTError):
    """The token is not acceptable: base class of every validation failure."""

class DecodeError(InvalidTokenError):
    """Malformed: not three canonical base64url segments, not the JSON expected, too large."""

class InvalidSignatureError(DecodeError):
    """InvalidSignature: the MAC is wrong, or the wrapped key did not unwrap."""

class InvalidAlgorithmError(InvalidTokenError):
    """UnsupportedAlgorithm: the alg or channelSecurityContext is not the HX1 one."""

class UnknownHeaderError(InvalidTokenError):
    """UnknownHeader: the header has a member HX1 does not know, or a crit member."""

class InvalidAudienceError(InvalidTokenError):
    """WrongAudience: the token's aud is not a name this endpoint accepts."""

class InvalidIssuerError(InvalidTokenError):
    """The token's iss cannot be accepted (base of UnknownIssuerError, IssuerMismatchError)."""

class UnknownIssuerError(InvalidIssuerError):
    """UnknownIssuer: the directory has no machine token for the name."""

class IssuerMismatchError(InvalidIssuerError):
    """IssuerMismatch: the sender machine token passed is not the one of the token's iss."""

class ExpiredSignatureError(InvalidTokenError):
    """Expired: the token's exp has passed (beyond the leeway)."""

class ImmatureSignatureError(InvalidTokenError):
    """NotYetValid: the token's iat or nbf is in the future (beyond the leeway)."""

class LifetimeTooLongError(InvalidTokenError):
    """LifetimeTooLong: exp - iat is longer than the endpoint's max_lifetime."""

class DecryptionError(InvalidTokenError):
    """DecryptionFailed: the payload did not decrypt although the signature was valid."""

class ReplayedTokenError(InvalidTokenError):
    """Replayed: the token was already accepted and replay protection is on."""

class MissingRequiredClaimError(InvalidTokenError):
    """MissingClaim: a claim the validation requires is absent."""

class InvalidClaimError(InvalidTokenError):
    """InvalidClaim: a claim has the wrong type, or a value the validation does not accept."""

class KeyNotFoundError(InvalidTokenError):
    """KeyNotFound: no key of the key set matches the token's kid and algorithm."""

class RevokedTokenError(InvalidTokenError):
    """Revoked: the token was revoked."""

class InvalidKeyError(PyJWTError):
    """InvalidKey: a JWK is malformed, of the wrong type or size, private, or of low order."""

class ResolverError(PyJWTError):
    """ResolverFailed: the directory could not answer."""

class InvalidArgumentError(PyJWTError, ValueError):
    """InvalidArgument: an argument is unusable (empty name, ttl 0, no directory, ...)."""

class InternalError(PyJWTError):
    """Internal: a bug in hxjwt. Never expected; please report it."""

ERROR_CLASSES: Mapping[str, type[PyJWTError]]
"""Every core error kind's name mapped to its exception class."""

__all__ = [
    "CORE_VERSION",
    "DecodeError",
    "DecryptionError",
    "Directory",
    "ERROR_CLASSES",
    "Endpoint",
    "ExpiredSignatureError",
    "HxJwtError",
    "Identity",
    "ImmatureSignatureError",
    "InternalError",
    "InvalidAlgorithmError",
    "InvalidArgumentError",
    "InvalidAudienceError",
    "InvalidClaimError",
    "InvalidIssuerError",
    "InvalidKeyError",
    "InvalidSignatureError",
    "InvalidTokenError",
    "IssuerMismatchError",
    "KeyNotFoundError",
    "LifetimeTooLongError",
    "MachineToken",
    "Message",
    "MissingRequiredClaimError",
    "PyJWTError",
    "ReplayedTokenError",
    "ResolverError",
    "RevokedTokenError",
    "UnknownHeaderError",
    "UnknownIssuerError",
    "__version__",
]
