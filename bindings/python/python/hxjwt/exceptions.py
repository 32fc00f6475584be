"""Every hxjwt exception class, under the module name PyJWT uses (``jwt.exceptions``).

``import hxjwt as jwt`` then ``jwt.exceptions.ExpiredSignatureError`` names the same class as
``jwt.ExpiredSignatureError``. The classes themselves live in ``hxjwt``.
"""

from __future__ import annotations

from . import (
    DecodeError as DecodeError,
    DecryptionError as DecryptionError,
    ExpiredSignatureError as ExpiredSignatureError,
    HxJwtError as HxJwtError,
    ImmatureSignatureError as ImmatureSignatureError,
    InternalError as InternalError,
    InvalidAlgorithmError as InvalidAlgorithmError,
    InvalidArgumentError as InvalidArgumentError,
    InvalidAudienceError as InvalidAudienceError,
    InvalidClaimError as InvalidClaimError,
    InvalidIssuedAtError as InvalidIssuedAtError,
    InvalidIssuerError as InvalidIssuerError,
    InvalidJTIError as InvalidJTIError,
    InvalidKeyError as InvalidKeyError,
    InvalidSignatureError as InvalidSignatureError,
    InvalidSubjectError as InvalidSubjectError,
    InvalidTokenError as InvalidTokenError,
    IssuerMismatchError as IssuerMismatchError,
    KeyNotFoundError as KeyNotFoundError,
    LifetimeTooLongError as LifetimeTooLongError,
    MissingCryptographyError as MissingCryptographyError,
    MissingRequiredClaimError as MissingRequiredClaimError,
    PyJWKClientConnectionError as PyJWKClientConnectionError,
    PyJWKClientError as PyJWKClientError,
    PyJWKError as PyJWKError,
    PyJWKSetError as PyJWKSetError,
    PyJWTError as PyJWTError,
    ReplayedTokenError as ReplayedTokenError,
    ResolverError as ResolverError,
    RevokedTokenError as RevokedTokenError,
    StoreUnavailableError as StoreUnavailableError,
    UnknownHeaderError as UnknownHeaderError,
    UnknownIssuerError as UnknownIssuerError,
)

__all__ = [
    "DecodeError",
    "DecryptionError",
    "ExpiredSignatureError",
    "HxJwtError",
    "ImmatureSignatureError",
    "InternalError",
    "InvalidAlgorithmError",
    "InvalidArgumentError",
    "InvalidAudienceError",
    "InvalidClaimError",
    "InvalidIssuedAtError",
    "InvalidIssuerError",
    "InvalidJTIError",
    "InvalidKeyError",
    "InvalidSignatureError",
    "InvalidSubjectError",
    "InvalidTokenError",
    "IssuerMismatchError",
    "KeyNotFoundError",
    "LifetimeTooLongError",
    "MissingCryptographyError",
    "MissingRequiredClaimError",
    "PyJWKClientConnectionError",
    "PyJWKClientError",
    "PyJWKError",
    "PyJWKSetError",
    "PyJWTError",
    "ReplayedTokenError",
    "ResolverError",
    "RevokedTokenError",
    "StoreUnavailableError",
    "UnknownHeaderError",
    "UnknownIssuerError",
]


def _missing_claim_init(self: MissingRequiredClaimError, claim: object = None, *args: object) -> None:
    Exception.__init__(self, claim, *args)
    # PyJWT's MissingRequiredClaimError("exp") names a claim; hxjwt raises it with a message
    # (and sets .claim itself), which is told apart by its spaces.
    named = isinstance(claim, str) and claim != "" and not any(c.isspace() for c in claim)
    self.claim = claim if named else None  # type: ignore[assignment]


def _missing_claim_str(self: MissingRequiredClaimError) -> str:
    if self.claim is not None and (not self.args or self.args[0] == self.claim):
        return f'Token is missing the "{self.claim}" claim'
    return Exception.__str__(self)


# PyJWT's MissingRequiredClaimError(claim): `.claim` is the claim and str() names it.
MissingRequiredClaimError.__init__ = _missing_claim_init  # type: ignore[method-assign]
MissingRequiredClaimError.__str__ = _missing_claim_str  # type: ignore[method-assign,assignment]
