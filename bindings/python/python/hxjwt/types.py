"""PyJWT's typing names (``jwt.types``): the shapes of JWKs and of ``options``."""

from __future__ import annotations

from typing import Any, Callable, TypedDict

__all__ = ["FullOptions", "HashlibHash", "JWKDict", "Options", "SigOptions"]

#: A JWK as a dict.
JWKDict = dict[str, Any]

#: A hashlib constructor (``hashlib.sha256``).
HashlibHash = Callable[..., Any]


class SigOptions(TypedDict, total=False):
    """``PyJWS`` options."""

    verify_signature: bool
    enforce_minimum_key_length: bool


class Options(TypedDict, total=False):
    """``decode`` options (every key optional)."""

    verify_signature: bool
    verify_exp: bool
    verify_nbf: bool
    verify_iat: bool
    verify_aud: bool
    verify_iss: bool
    verify_sub: bool
    verify_jti: bool
    require: list[str]
    strict_aud: bool
    enforce_minimum_key_length: bool


class FullOptions(TypedDict):
    """``decode`` options, all present (a ``PyJWT`` instance's ``options``)."""

    verify_signature: bool
    verify_exp: bool
    verify_nbf: bool
    verify_iat: bool
    verify_aud: bool
    verify_iss: bool
    verify_sub: bool
    verify_jti: bool
    require: list[str]
    strict_aud: bool
    enforce_minimum_key_length: bool
