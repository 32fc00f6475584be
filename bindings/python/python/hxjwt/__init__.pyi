"""hxjwt: HX1 sender-authenticated encrypted JWTs between services (type stubs)."""

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, final

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
    @staticmethod
    def from_url(
        url: str,
        *,
        ttl: int | None = None,
        timeout: float = 10.0,
        connect_timeout: float = 5.0,
        max_response_bytes: int = 1048576,
        min_ttl: int = 60,
        max_ttl: int = 86400,
        refresh_cooldown: int = 30,
        max_stale: int = 3600,
        allow_http: bool = False,
        ca_file: str | os.PathLike[str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Directory:
        """A read-only directory of the JWK Set at ``url`` (``https://``; ``http://`` only with
        ``allow_http=True``), fetched on first use with the GIL released (one fetch for all the
        threads that ask at once) and cached for the server's ``max-age`` within
        ``min_ttl``..``max_ttl`` seconds (``ttl`` without one; None: 300). A name not in the set
        refetches it at most once per ``refresh_cooldown``; after a failed fetch the last good
        set serves ``max_stale`` more seconds, then lookups raise ResolverError with the cause.
        ``ca_file``: a PEM file of the CAs to trust (replacing the built-in roots), read now;
        ``headers``: sent with every fetch (User-Agent ``hxjwt/<version>`` unless given); at
        most 3 redirects, never https to http. InvalidArgumentError (a ValueError) for a URL
        that is not allowed, a bad CA file or a bad header; TypeError for non-str headers."""
    def rotate_in(self, token: MachineToken) -> None:
        """Adds ``token`` in front of the keys of its name, keeping the others (at most 4 per
        name). In-memory directories only (TypeError otherwise)."""
    def retire(self, token: MachineToken) -> bool:
        """Removes this one key of its name; whether it was there. In-memory directories only."""
    def add(self, token: MachineToken) -> None:
        """Adds (or replaces) a machine token. TypeError on a ``from_callable`` directory."""
    def remove(self, name: str) -> MachineToken | None:
        """Removes and returns the machine token of ``name``, if any."""
    def get(self, name: str) -> MachineToken | None:
        """The machine token of ``name``, or None (a ``from_callable`` directory is asked)."""
    def cached(self, name: str) -> MachineToken | None:
        """The machine token of ``name`` if it can be answered at once (from memory, or a
        ``from_url`` directory's fresh cached set), else None: never fetches, never calls a
        ``from_callable`` directory (hxjwt.aio's fast path). hxjwt only."""
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
        replay_store: RedisReplayStore | MemoryReplayStore | None = None,
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
        protocol: Literal["HX1", "ECDH-1PU"] = "HX1",
    ) -> str:
        """Creates a token carrying ``payload`` for the peer ``to``, valid ``ttl`` seconds.

        ``protocol="ECDH-1PU"`` makes a standard compact JWE (joserfc reads it) instead of HX1.
        A token longer than this endpoint's ``max_token_length`` (64 KiB by default, what
        receivers accept by default) is not made: ``InvalidArgumentError`` (a ``ValueError``).
        """
    def validate(self, token: str | bytes, *, sender: MachineToken | None = None) -> Message:
        """Validates a token addressed to this endpoint; raises an InvalidTokenError subclass."""
    def explain(
        self, token: str | bytes, *, sender: MachineToken | None = None
    ) -> list[ExplainedCheck]:
        """Every check :meth:`validate` applies to ``token``, run to the end, as a list of dicts
        (as :func:`explain`), in validate's order: the first ``"failed"`` one is the error
        validate raises. **A diagnostic, never an acceptance**: no replay store is consulted or
        written, and the payload is never reported."""
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
    @property
    def previous_identities(self) -> list[MachineToken]:
        """The machine tokens of the previous identities still accepted for receiving, newest
        first (at most 2)."""
    def add_previous_identity(self, identity: Identity) -> None:
        """Also receives on ``identity``'s key (same name; ValueError otherwise); creates with
        the current one. In place, for every thread sharing the endpoint."""
    def rotate_identity(self, identity: Identity) -> None:
        """``identity`` (same name) becomes current; the old key keeps receiving. In place."""
    def clear_previous_identities(self) -> None:
        """Forgets the previous identities: tokens sealed to them no longer validate."""

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
    def protocol(self) -> Literal["HX1", "ECDH-1PU"]:
        """The token's mode: ``"HX1"`` or ``"ECDH-1PU"``."""
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

    claim: str | None
    """The claim (or header member) the error is about (``"exp"``, ...), or None."""

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

    claim: str
    """The missing claim (as in PyJWT)."""

    def __init__(self, claim: object = None, *args: object) -> None:
        """``MissingRequiredClaimError("exp")``: ``str()`` is 'Token is missing the "exp" claim'."""

class InvalidClaimError(InvalidTokenError):
    """InvalidClaim: a claim has the wrong type, or a value the validation does not accept."""

class KeyNotFoundError(InvalidTokenError):
    """KeyNotFound: no key of the key set matches the token's kid and algorithm."""

class RevokedTokenError(InvalidTokenError):
    """Revoked: the token was revoked."""

class StoreUnavailableError(InvalidTokenError):
    """StoreUnavailable: a shared replay or revocation store (Redis) did not answer in time.

    The token is refused, never accepted unchecked; answer 503 rather than 401 if you tell
    them apart."""

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
    "StoreUnavailableError",
    "UnknownHeaderError",
    "UnknownIssuerError",
    "__version__",
]

# ---------------------------------------------------------------------------------------------
# Standard JWTs: PyJWT's everyday surface (`import hxjwt as jwt`).
# ---------------------------------------------------------------------------------------------

import json as _json
from collections.abc import Iterator as _Iterator
from collections.abc import Sequence as _Sequence
from datetime import datetime as _datetime
from datetime import timedelta as _timedelta
from typing import Protocol as _Protocol
from typing import TypedDict as _TypedDict

from . import exceptions as exceptions

class _CryptographyPrivateKey(_Protocol):
    """A ``cryptography`` private key object (RSA, EC or Ed25519)."""

    def private_bytes(self, encoding: Any, format: Any, encryption_algorithm: Any) -> bytes: ...

class _CryptographyPublicKey(_Protocol):
    """A ``cryptography`` public key object (RSA, EC or Ed25519)."""

    def public_bytes(self, encoding: Any, format: Any) -> bytes: ...

_KeyArg = (
    str
    | bytes
    | bytearray
    | Mapping[str, Any]
    | Key
    | PyJWK
    | PyJWKSet
    | _CryptographyPrivateKey
    | _CryptographyPublicKey
)
"""A key for ``encode``/``decode``: an HMAC secret (str/bytes), PEM text (str/bytes), a JWK (dict
or JSON text), a Key, PyJWK, PyJWKSet (decode only: the token's kid selects), or a
``cryptography`` key object."""

class _Options(_TypedDict, total=False):
    """PyJWT's ``options`` for ``decode``/``decode_complete`` (``encode`` reads only
    ``enforce_minimum_key_length``). Unknown keys are ignored."""

    verify_signature: bool
    """Default True. False: no signature check, and every ``verify_*`` defaults to False."""
    verify_exp: bool
    verify_nbf: bool
    verify_iat: bool
    verify_aud: bool
    verify_iss: bool
    verify_sub: bool
    verify_jti: bool
    require: list[str]
    """Claims that must be present. Default ``[]`` (PyJWT's default, not the core's ``["exp"]``)."""
    strict_aud: bool
    """``aud`` must be one string equal to ``audience`` (a str)."""
    enforce_minimum_key_length: bool
    """Default **True** (PyJWT: False, a warning): HMAC secrets shorter than the hash output raise
    InvalidKeyError. False accepts them."""

_Seconds = int | float | _timedelta

def encode(
    payload: dict[str, Any],
    key: _KeyArg,
    algorithm: str | None = "HS256",
    headers: dict[str, Any] | None = None,
    json_encoder: type[_json.JSONEncoder] | None = None,
    sort_headers: bool = True,
    *,
    options: _Options | None = None,
) -> str:
    """Signs ``payload`` as a JWT (compact JWS), as PyJWT's ``jwt.encode``.

    ``exp``, ``nbf`` and ``iat`` may be datetimes (naive = UTC), written as Unix seconds. The
    claims are ``json.dumps(payload, separators=(",", ":"), cls=json_encoder)``, signed exactly;
    the header is ``{"alg", "typ": "JWT"}`` plus ``headers`` (whose ``alg`` wins over
    ``algorithm``; a falsy ``typ`` removes it) plus the key's ``kid`` when it has one.
    Differences from PyJWT: header members are always written sorted (``sort_headers`` is
    accepted and ignored); ``alg`` ``"none"`` is refused (InvalidAlgorithmError); an HMAC
    secret shorter than the hash raises InvalidKeyError unless
    ``options={"enforce_minimum_key_length": False}``; ``crit`` and ``b64`` headers are refused
    (InvalidArgumentError). Signing runs with the GIL released, but for an HMAC key and claims
    under 12 KiB (a few microseconds: releasing the GIL would cost more).
    """

def decode(
    jwt: str | bytes,
    key: _KeyArg = "",
    algorithms: str | _Sequence[str] | None = None,
    options: _Options | None = None,
    verify: bool | None = None,
    detached_payload: bytes | None = None,
    audience: str | Iterable[str] | None = None,
    subject: str | None = None,
    issuer: str | _Sequence[str] | None = None,
    leeway: _Seconds = 0,
    *,
    now: int | float | _datetime | None = None,
    typ: str | None = None,
    max_age: _Seconds | None = None,
    replay_store: RedisReplayStore | MemoryReplayStore | None = None,
) -> dict[str, Any]:
    """Verifies a JWT and returns its claims, as PyJWT's ``jwt.decode``.

    ``algorithms`` is required when verifying (DecodeError otherwise), except with a PyJWK key
    (its algorithm). ``audience``: the token's ``aud`` must contain one of them (and a token
    with an ``aud`` is refused when no audience is given). ``issuer``: ``iss`` must be one of
    them. ``subject``: ``sub`` must equal it. ``leeway``: seconds (or a timedelta) of clock skew
    for ``exp``, ``nbf``, ``iat``, rounded up to whole seconds (a negative one is a ValueError).

    hxjwt's own keywords: ``now`` (validate at this Unix time or datetime, for tests and
    replays), ``typ`` (the required header ``typ``, case-insensitive), ``max_age`` (the oldest
    ``iat`` accepted, in seconds or a timedelta), ``replay_store`` (each token, which must then
    carry a ``jti`` and an ``exp``, is accepted once by every caller sharing the store; a
    second one raises ReplayedTokenError, and StoreUnavailableError when the store cannot
    answer).

    Raises PyJWT's classes (see ``hxjwt.exceptions``); every exception has ``.kind`` (the core
    error kind) and ``.claim``. Differences from PyJWT: the checks run in the core's order
    (required claims, exp, nbf, iat, aud, iss, sub, jti); ``exp``/``nbf``/``iat``/``iss``/
    ``sub``/``jti`` of the wrong type are refused even when their check is off; a ``subject``
    requires ``sub``; tokens are limited to 64 KiB; base64url must be canonical; JSON must
    have no duplicate members. Verification runs with the GIL released, but for HMAC keys in
    memory, a token under 16 KiB and no replay store on a server (a few microseconds).
    """

class ExplainedCheck(_TypedDict):
    """One check of :func:`explain`'s report."""

    check: str
    """The check's stable name: ``format``, ``algorithm``, ``crit``, ``header``, ``typ``,
    ``payload``, ``key``, ``signature``, ``claims``, ``required``, ``exp``, ``nbf``, ``iat``,
    ``max_age``, ``aud``, ``iss``, ``sub``, ``jti``, ``replay``."""
    outcome: Literal["passed", "failed", "not_checked"]
    """``not_checked``: an earlier failure made it impossible, it is not configured or switched
    off, or explain never runs it (the replay store)."""
    kind: str | None
    """The core error kind of a failed check (``"Expired"``, ...), the ``.kind`` of the
    exception decode raises for it (and the C ``HX_ERR_*`` of the same name); else None."""
    error: type[PyJWTError] | None
    """The exception class of that kind (``ERROR_CLASSES[kind]``), or None."""
    message: str
    """For people: why it failed or was not checked. Never key material."""

def explain(
    jwt: str | bytes,
    key: _KeyArg,
    algorithms: str | _Sequence[str],
    *,
    audience: str | Iterable[str] | None = None,
    issuer: str | _Sequence[str] | None = None,
    subject: str | None = None,
    leeway: _Seconds | None = None,
    options: _Options | None = None,
    now: int | float | _datetime | None = None,
    typ: str | None = None,
    max_age: _Seconds | None = None,
    required: str | _Sequence[str] | None = None,
) -> list[ExplainedCheck]:
    """Every check :func:`decode` applies to ``jwt``, run to the end: a list of dicts, one per
    check, in the order decode runs them, so the first ``"failed"`` one is the error decode
    raises. **A diagnostic, never an acceptance**: its result decides nothing, and no replay
    store is consulted or written.

    The arguments are decode's, read by decode's own code (``options`` as in decode: nothing is
    required unless ``options["require"]`` names it, as in PyJWT); ``required``, if given,
    replaces the required claims. The claim checks run only when the signature
    verified (otherwise they are ``"not_checked"``). Runs with the GIL released.

    >>> import hxjwt
    >>> key = b"a secret of at least thirty-two bytes!!"
    >>> token = hxjwt.encode({"exp": 1, "aud": "x"}, key, algorithm="HS256")
    >>> [(c["check"], c["kind"]) for c in hxjwt.explain(token, key, ["HS256"], audience="api")
    ...  if c["outcome"] == "failed"]
    [('exp', 'Expired'), ('aud', 'WrongAudience')]
    """

def decode_complete(
    jwt: str | bytes,
    key: _KeyArg = "",
    algorithms: str | _Sequence[str] | None = None,
    options: _Options | None = None,
    verify: bool | None = None,
    detached_payload: bytes | None = None,
    audience: str | Iterable[str] | None = None,
    issuer: str | _Sequence[str] | None = None,
    subject: str | None = None,
    leeway: _Seconds = 0,
    *,
    now: int | float | _datetime | None = None,
    typ: str | None = None,
    max_age: _Seconds | None = None,
    replay_store: RedisReplayStore | MemoryReplayStore | None = None,
) -> dict[str, Any]:
    """Like ``decode``; returns ``{"header": dict, "payload": dict, "signature": bytes}``."""

def get_unverified_header(jwt: str | bytes) -> dict[str, Any]:
    """The token's header, decoded strictly but **not verified** (to pick a key by ``kid``)."""

@final
class Key:
    """A key for standard JWTs, parsed once: an HMAC secret, or an RSA, EC (P-256/384/521,
    secp256k1) or Ed25519 key, private or public. Pass it to ``encode``/``decode`` to skip
    parsing on every call. ``repr()`` never shows key material."""

    @staticmethod
    def from_pem(pem: str | bytes) -> Key:
        """PKCS#8, SPKI, PKCS#1 (RSA) or SEC1 (EC) PEM; RSA keys of 2048 to 8192 bits. An
        OpenSSH public key line is taken too, as by ``from_openssh``."""
    @staticmethod
    def from_openssh(line: str | bytes) -> Key:
        """A verification key from an OpenSSH public key line (``ssh-ed25519``,
        ``ecdsa-sha2-nistp256/384/521``, ``ssh-rsa``); never signs, never an HMAC secret."""
    @staticmethod
    def from_jwk(jwk: str | Mapping[str, Any]) -> Key:
        """A private or public JWK; its ``kid``, ``alg``, ``use``, ``key_ops`` are enforced."""
    @staticmethod
    def from_secret(secret: str | bytes, *, allow_short: bool = False) -> Key:
        """An HMAC secret; one shorter than the hash output is refused when used, unless
        ``allow_short``."""
    @staticmethod
    def generate(algorithm: str) -> Key:
        """A new key for ``algorithm``, bound to it, with its thumbprint as ``kid``."""
    def to_public(self) -> Key:
        """The public half (InvalidKeyError for an HMAC secret)."""
    def to_public_jwk(self) -> dict[str, Any]:
        """The public JWK (InvalidKeyError for an HMAC secret)."""
    def to_private_jwk(self) -> dict[str, Any]:
        """The JWK **with its private members**: store it like a password."""
    def thumbprint(self) -> str:
        """The RFC 7638 thumbprint (over the secret for an HMAC key: sensitive)."""
    @property
    def kid(self) -> str | None:
        """The key id, or None."""
    @property
    def algorithm(self) -> str | None:
        """The one algorithm the key is bound to, or None."""
    @property
    def algorithms(self) -> list[str]:
        """Every algorithm the key can be used with."""
    @property
    def key_type(self) -> str:
        """The JWK ``kty``: ``"oct"``, ``"RSA"``, ``"EC"`` or ``"OKP"``."""
    @property
    def is_private(self) -> bool:
        """Whether the key can sign."""

@final
class PyJWK:
    """PyJWT's PyJWK: a JWK and the one algorithm it is used with (``algorithm``, else the
    JWK's ``alg``, else inferred from ``kty``/``crv``). As a ``decode`` key it verifies only
    tokens of that algorithm."""

    def __new__(cls, jwk_data: Mapping[str, Any], algorithm: str | None = None) -> PyJWK: ...
    @staticmethod
    def from_dict(obj: Mapping[str, Any], algorithm: str | None = None) -> PyJWK:
        """``PyJWK(obj, algorithm)``."""
    @staticmethod
    def from_json(data: str | bytes, algorithm: str | None = None) -> PyJWK:
        """``PyJWK(json.loads(data), algorithm)``."""
    @property
    def key_type(self) -> str:
        """The JWK ``kty``."""
    @property
    def key_id(self) -> str | None:
        """The JWK ``kid``, or None."""
    @property
    def public_key_use(self) -> str | None:
        """The JWK ``use``, or None."""
    @property
    def algorithm_name(self) -> str:
        """The algorithm this key is used with."""
    @property
    def Algorithm(self) -> Any:
        """PyJWT's ``Algorithm`` object of ``algorithm_name`` (``hxjwt.algorithms``)."""
    @property
    def key(self) -> Key:
        """The key, not bound to ``algorithm_name``."""

@final
class PyJWKSet:
    """PyJWT's PyJWKSet: the usable keys of a JWK Set (others are skipped, each with a
    ``hxjwt.warnings.SkippedKeyWarning`` naming its index, kid and the reason). ``jwks[kid]`` is the key with that
    ``kid`` (KeyError if none). hxjwt also takes it as a ``decode`` key. Raises
    ``PyJWKSetError`` when two different keys share a ``kid``, or when HMAC secrets sit beside
    asymmetric keys and ``allow_mixed`` is not True."""

    def __new__(cls, keys: list[dict[str, Any]], *, allow_mixed: bool = False) -> PyJWKSet: ...
    @staticmethod
    def from_dict(obj: Mapping[str, Any], *, allow_mixed: bool = False) -> PyJWKSet:
        """``PyJWKSet(obj.get("keys", []), allow_mixed=allow_mixed)``."""
    @staticmethod
    def from_json(data: str | bytes, *, allow_mixed: bool = False) -> PyJWKSet:
        """``PyJWKSet.from_dict(json.loads(data), allow_mixed=allow_mixed)``."""
    @property
    def keys(self) -> list[PyJWK]:
        """The usable keys (a new list on every access)."""
    def __getitem__(self, kid: str, /) -> PyJWK: ...
    def __iter__(self) -> _Iterator[PyJWK]: ...
    def __len__(self) -> int: ...

class InvalidIssuedAtError(InvalidTokenError):
    """The token's ``iat`` is not a number (PyJWT's name)."""

class InvalidSubjectError(InvalidTokenError):
    """The token's ``sub`` is not a string, or not the subject required (PyJWT's name)."""

class InvalidJTIError(InvalidTokenError):
    """The token's ``jti`` is not a string (PyJWT's name)."""

class PyJWKError(PyJWTError):
    """PyJWK has no algorithm for the JWK (one hxjwt does not implement)."""

class MissingCryptographyError(PyJWKError):
    """PyJWT's class; never raised (hxjwt needs no other package)."""

class PyJWKSetError(PyJWTError):
    """A JWK Set is empty, not a list, or has no usable key."""

class PyJWKClientError(PyJWTError):
    """PyJWKClient failed: no signing key matches, none at all, or a bad lifespan."""

class PyJWKClientConnectionError(PyJWKClientError):
    """PyJWKClient could not fetch the JWK Set (``__cause__``: the core's ResolverError)."""

__all__ += [
    "InvalidIssuedAtError",
    "InvalidJTIError",
    "InvalidSubjectError",
    "Key",
    "MissingCryptographyError",
    "PyJWK",
    "PyJWKClientConnectionError",
    "PyJWKClientError",
    "PyJWKError",
    "PyJWKSet",
    "PyJWKSetError",
    "decode",
    "decode_complete",
    "encode",
    "exceptions",
    "get_unverified_header",
]

@final
class PyJWKClient:
    """PyJWT's PyJWKClient: the signing keys of the JWK Set at ``uri``, fetched with the GIL
    released and cached for ``lifespan`` seconds (``cache_jwk_set=False``: every call). An
    unknown ``kid`` refetches at most once per ``refresh_cooldown``. Only ``https://`` unless
    ``allow_http=True`` (hxjwt only). ``headers`` are sent with every fetch (User-Agent
    ``hxjwt/<version>`` unless given; InvalidArgumentError for a bad name or value);
    ``ca_file`` (hxjwt only) is a PEM file of the CAs to trust, replacing the built-in roots;
    an ``ssl_context`` raises ValueError (use ``ca_file``). At most 3 redirects, never https to
    http. A set mixing HMAC secrets with public keys needs ``allow_mixed_keys=True``.
    ``cache_keys``/``max_cached_keys`` have no effect (keys live with the set)."""

    def __new__(
        cls,
        uri: str,
        cache_keys: bool = True,
        max_cached_keys: int = 16,
        cache_jwk_set: bool = True,
        lifespan: float = 300,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30,
        ssl_context: Any = None,
        *,
        allow_http: bool = False,
        refresh_cooldown: int = 30,
        max_stale: int = 3600,
        max_response_bytes: int = 1048576,
        ca_file: str | os.PathLike[str] | None = None,
        allow_mixed_keys: bool = False,
    ) -> PyJWKClient: ...
    @property
    def uri(self) -> str:
        """The URL of the JWK Set."""
    @property
    def fetch_count(self) -> int:
        """How many fetches were made so far (hxjwt only)."""
    def fetch_data(self) -> Any:
        """The JWK Set document as a dict (cached while fresh)."""
    def get_jwk_set(self, refresh: bool = False) -> PyJWKSet:
        """The JWK Set; ``refresh=True`` refetches (within the cool-down)."""
    def get_signing_keys(self, refresh: bool = False) -> list[PyJWK]:
        """Keys with a ``kid`` and ``use`` "sig" or none; PyJWKClientError if there is none."""
    def get_signing_key(self, kid: str) -> PyJWK:
        """The signing key with this ``kid``, refetching once if unknown; PyJWKClientError
        ("Unable to find a signing key that matches: ...") otherwise."""
    def get_signing_key_from_jwt(self, token: str | bytes) -> PyJWK:
        """``get_signing_key`` of the ``kid`` in the token's (unverified) header."""
    def cached_signing_key(self, kid: str) -> PyJWK | None:
        """The signing key with this ``kid`` if the cached set is fresh and has it, else None:
        never fetches nor waits for a fetch (hxjwt.aio's fast path). hxjwt only."""
    @staticmethod
    def match_kid(signing_keys: Iterable[PyJWK], kid: str) -> PyJWK | None:
        """The key of ``signing_keys`` whose ``key_id`` is ``kid``, or None."""

__all__ += ["PyJWKClient"]

# Fleet-wide replay protection and revocation (Redis), and access/refresh token pairs.
@final
class RedisReplayStore:
    """Replay protection shared by every process using one Redis server (or Valkey).

    ``url``: ``redis://[user[:password]@]host[:port][/db]``, ``rediss://...`` (TLS) or
    ``unix:///path.sock[?db=N]``; its query may set ``prefix``, ``timeout``,
    ``connect_timeout`` and ``max_connections`` too. No connection is opened here; when the
    server cannot answer within the time-outs, tokens are refused with StoreUnavailableError,
    and service resumes by itself once it is back. A bad URL or option is a ValueError.
    """

    def __new__(
        cls,
        url: str,
        *,
        connect_timeout: float | None = None,
        timeout: float | None = None,
        key_prefix: str | None = None,
        max_connections: int | None = None,
        ca_file: str | os.PathLike[str] | None = None,
    ) -> RedisReplayStore: ...
    def ping(self) -> None:
        """Raises StoreUnavailableError unless the server answers PING in time."""
    @property
    def key_prefix(self) -> str:
        """The prefix of every key this store writes (default ``"hxjwt:"``)."""

@final
class MemoryReplayStore:
    """Replay protection in this process's memory, shared by several endpoints and decodes."""

    def __new__(cls, capacity: int | None = None) -> MemoryReplayStore: ...
    def __len__(self) -> int: ...

@final
class RedisRevocationStore:
    """Revocations by ``jti`` shared by every process using one Redis server."""

    def __new__(
        cls,
        url: str,
        *,
        connect_timeout: float | None = None,
        timeout: float | None = None,
        key_prefix: str | None = None,
        max_connections: int | None = None,
        ca_file: str | os.PathLike[str] | None = None,
    ) -> RedisRevocationStore: ...
    def revoke(self, jti: str, until: int) -> bool:
        """Revokes ``jti`` until the Unix time ``until``; False if it already was (atomic)."""
    def is_revoked(self, jti: str) -> bool:
        """Whether ``jti`` is revoked."""
    def ping(self) -> None:
        """Raises StoreUnavailableError unless the server answers PING in time."""

class _TokenPair(_TypedDict):
    access_token: str
    refresh_token: str
    expires_in: int

@final
class TokenIssuer:
    """Access/refresh token pairs signed with a private ``Key``; refresh tokens work once."""

    def __new__(
        cls,
        key: Key,
        issuer: str,
        *,
        access_ttl: int = 900,
        refresh_ttl: int = 2592000,
        revocations: RedisRevocationStore | None = None,
    ) -> TokenIssuer: ...
    def issue(self, subject: str, claims: Mapping[str, Any] | None = None) -> _TokenPair:
        """A new pair for ``subject``; ``claims`` go into the access token."""
    def refresh(self, refresh_token: str) -> _TokenPair:
        """A new pair for a refresh token, which is revoked (RevokedTokenError the second time)."""
    def verify_access(self, access_token: str) -> dict[str, Any]:
        """The claims of a valid, unrevoked access token of this issuer."""
    def revoke(self, token: str) -> None:
        """Revokes a token of this issuer until it expires."""

__all__ += ["MemoryReplayStore", "RedisReplayStore", "RedisRevocationStore", "TokenIssuer"]

from . import jwe as jwe

__all__ += ["jwe"]

# PyJWT's module layout (jwt.algorithms, jwt.api_jws, ...) and hxjwt.compat (registers hxjwt as
# `jwt` for code that imports PyJWT).
from . import algorithms as algorithms
from . import api_jwk as api_jwk
from . import api_jws as api_jws
from . import api_jwt as api_jwt
from . import compat as compat
from . import jwks_client as jwks_client
from . import types as types
from . import utils as utils
from . import warnings as warnings
from .api_jws import PyJWS as PyJWS
from .api_jws import get_algorithm_by_name as get_algorithm_by_name
from .api_jws import register_algorithm as register_algorithm
from .api_jws import unregister_algorithm as unregister_algorithm
from .api_jwt import PyJWT as PyJWT
from .warnings import InsecureKeyLengthWarning as InsecureKeyLengthWarning
from .warnings import RemovedInPyjwt3Warning as RemovedInPyjwt3Warning

__all__ += [
    "InsecureKeyLengthWarning",
    "PyJWS",
    "PyJWT",
    "RemovedInPyjwt3Warning",
    "algorithms",
    "api_jwk",
    "api_jws",
    "api_jwt",
    "compat",
    "get_algorithm_by_name",
    "jwks_client",
    "register_algorithm",
    "types",
    "unregister_algorithm",
    "utils",
    "warnings",
]

__all__ += ["ExplainedCheck", "explain"]
