"""hxjwt: HX1 sender-authenticated encrypted JWTs between services.

The token logic is the Rust core (the extension module ``hxjwt._hxjwt``); this package
re-exports it. Start with :class:`Identity`, :class:`Directory` and :class:`Endpoint`::

    alice = hxjwt.Identity.generate("alice.service")
    bob = hxjwt.Identity.generate("bob.service")
    directory = hxjwt.Directory([alice.machine_token, bob.machine_token])
    token = hxjwt.Endpoint(alice, directory).create({"order": 42}, to="bob.service")
    message = hxjwt.Endpoint(bob, directory).validate(token)   # message.json() == {"order": 42}

Errors are raised as exceptions in PyJWT's hierarchy (``InvalidTokenError`` and below), one
class per core error kind (see ``ERROR_CLASSES``), each with ``.kind``, the kind's name.
"""

from ._hxjwt import (
    CORE_VERSION,
    DecodeError,
    DecryptionError,
    Directory,
    ERROR_CLASSES,
    Endpoint,
    ExpiredSignatureError,
    Identity,
    ImmatureSignatureError,
    InternalError,
    InvalidAlgorithmError,
    InvalidArgumentError,
    InvalidAudienceError,
    InvalidClaimError,
    InvalidIssuerError,
    InvalidKeyError,
    InvalidSignatureError,
    InvalidTokenError,
    IssuerMismatchError,
    KeyNotFoundError,
    LifetimeTooLongError,
    MachineToken,
    Message,
    MissingRequiredClaimError,
    PyJWTError,
    ReplayedTokenError,
    ResolverError,
    RevokedTokenError,
    StoreUnavailableError,
    UnknownHeaderError,
    UnknownIssuerError,
    __version__,
)

#: Another name for :class:`PyJWTError`, the base class of every hxjwt error.
HxJwtError = PyJWTError

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

# Standard JWTs, PyJWT's everyday surface: `import hxjwt as jwt` keeps common PyJWT code working.
from ._hxjwt import (  # noqa: E402
    InvalidIssuedAtError,
    InvalidJTIError,
    InvalidSubjectError,
    Key,
    MissingCryptographyError,
    PyJWK,
    PyJWKClientConnectionError,
    PyJWKClientError,
    PyJWKError,
    PyJWKSet,
    PyJWKSetError,
    decode,
    decode_complete,
    encode,
    get_unverified_header,
)
from . import exceptions  # noqa: E402

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

# Remote JWK Sets: PyJWT's JWKS client on the core's fetcher and cache (Directory.from_url is the
# HX1 side).
from ._hxjwt import PyJWKClient  # noqa: E402

__all__ += ["PyJWKClient"]

# Across a fleet: replay protection and revocations on Redis, and access/refresh token pairs.
from ._hxjwt import (  # noqa: E402
    MemoryReplayStore,
    RedisReplayStore,
    RedisRevocationStore,
    TokenIssuer,
)

__all__ += ["MemoryReplayStore", "RedisReplayStore", "RedisRevocationStore", "TokenIssuer"]

# Standard encrypted JWTs (JWE, RFC 7516/7518, and ECDH-1PU): the submodule hxjwt.jwe.
from . import jwe  # noqa: E402

__all__ += ["jwe"]

# PyJWT's module layout (jwt.algorithms, jwt.api_jws, ...), its classes and warnings; and
# hxjwt.compat, which registers hxjwt under the name `jwt` for code that imports PyJWT.
from . import (  # noqa: E402
    algorithms,
    api_jwk,
    api_jws,
    api_jwt,
    compat,
    jwks_client,
    types,
    utils,
    warnings,
)
from .api_jws import PyJWS  # noqa: E402
from .api_jwt import PyJWT  # noqa: E402
from .api_jws import (  # noqa: E402
    get_algorithm_by_name,
    register_algorithm,
    unregister_algorithm,
)
from .warnings import InsecureKeyLengthWarning, RemovedInPyjwt3Warning  # noqa: E402

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

# Every check of a token reported at once (issue 17 item 5): a diagnostic beside decode.
import typing as _typing  # noqa: E402

from ._hxjwt import explain  # noqa: E402


class ExplainedCheck(_typing.TypedDict):
    """One check of :func:`explain`'s report (see the stubs for each member)."""

    check: str
    outcome: _typing.Literal["passed", "failed", "not_checked"]
    kind: _typing.Optional[str]
    error: _typing.Optional[_typing.Type[PyJWTError]]
    message: str


__all__ += ["ExplainedCheck", "explain"]
