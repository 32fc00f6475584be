"""PyJWT's ``PyJWT`` class (``jwt.api_jwt``): JWTs with instance ``options``.

``PyJWT.encode`` serializes the claims as PyJWT does and signs through ``PyJWS`` (the core
signs); ``decode_complete`` verifies the signature through ``PyJWS`` (the core verifies) and runs
the core's claim checks (``exp``, ``nbf``, ``iat``, ``aud``, ``iss``, ``sub``, ``jti``,
``require``) with PyJWT's options. Subclasses may override ``_encode_payload`` and
``_decode_payload`` as in PyJWT.

The module functions ``encode``, ``decode`` and ``decode_complete`` are hxjwt's own (one call
into the core); they take the same arguments.
"""

from __future__ import annotations

import json
import warnings
from calendar import timegm
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, Container

from ._native import _hxjwt
from .api_jws import _ALGORITHM_UNSET, PyJWS, _enforce_default
from .exceptions import DecodeError
from .warnings import RemovedInPyjwt3Warning

__all__ = ["PyJWT", "decode", "decode_complete", "encode"]

_VERIFY = (
    "verify_exp",
    "verify_nbf",
    "verify_iat",
    "verify_aud",
    "verify_iss",
    "verify_sub",
    "verify_jti",
)


class PyJWT:
    """PyJWT's JWT object; ``options`` are the defaults of every ``decode`` of this instance."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        self.options: dict[str, Any] = self._get_default_options()
        if options is not None:
            self.options = self._merge_options(options)
        self._jws = PyJWS(options=self._get_sig_options())

    @staticmethod
    def _get_default_options() -> dict[str, Any]:
        return {
            "verify_signature": True,
            "verify_exp": True,
            "verify_nbf": True,
            "verify_iat": True,
            "verify_aud": True,
            "verify_iss": True,
            "verify_sub": True,
            "verify_jti": True,
            "require": [],
            "strict_aud": False,
            "enforce_minimum_key_length": _enforce_default(),
        }

    def _get_sig_options(self) -> dict[str, Any]:
        return {
            "verify_signature": self.options["verify_signature"],
            "enforce_minimum_key_length": self.options.get(
                "enforce_minimum_key_length", _enforce_default()
            ),
        }

    def _merge_options(self, options: dict[str, Any] | None = None) -> dict[str, Any]:
        if options is None:
            return self.options
        if not options.get("verify_signature", True):
            options = dict(options)
            for name in _VERIFY:
                options[name] = options.get(name, False)
        return {**self.options, **options}

    def encode(
        self,
        payload: dict[str, Any],
        key: Any,
        algorithm: str | None = _ALGORITHM_UNSET,
        headers: dict[str, Any] | None = None,
        json_encoder: type[json.JSONEncoder] | None = None,
        sort_headers: bool = True,
    ) -> str:
        """Signs ``payload`` (a dict; ``exp``/``iat``/``nbf`` may be datetimes) as a JWT."""
        if not isinstance(payload, dict):
            raise TypeError(
                "Expecting a dict object, as JWT only supports JSON objects as payloads."
            )
        payload = payload.copy()
        for claim in ("exp", "iat", "nbf"):
            if isinstance(payload.get(claim), datetime):
                payload[claim] = timegm(payload[claim].utctimetuple())
        if "iss" in payload and not isinstance(payload["iss"], str):
            raise TypeError("Issuer (iss) must be a string.")
        body = self._encode_payload(payload, headers=headers, json_encoder=json_encoder)
        return self._jws.encode(
            body, key, algorithm, headers, json_encoder, sort_headers=sort_headers
        )

    def _encode_payload(
        self,
        payload: dict[str, Any],
        headers: dict[str, Any] | None = None,
        json_encoder: type[json.JSONEncoder] | None = None,
    ) -> bytes:
        """The bytes signed for ``payload`` (compact JSON); subclasses may compress."""
        return json.dumps(payload, separators=(",", ":"), cls=json_encoder).encode("utf-8")

    def decode_complete(
        self,
        jwt: str | bytes,
        key: Any = "",
        algorithms: Sequence[str] | None = None,
        options: dict[str, Any] | None = None,
        verify: bool | None = None,
        detached_payload: bytes | None = None,
        audience: str | Iterable[str] | None = None,
        issuer: str | Container[str] | None = None,
        subject: str | None = None,
        leeway: float | timedelta = 0,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Verifies a JWT; returns ``{"header": dict, "payload": dict, "signature": bytes}``."""
        if kwargs:
            warnings.warn(
                "passing additional kwargs to decode_complete() is deprecated and will be "
                f"removed in pyjwt version 3. Unsupported kwargs: {tuple(kwargs.keys())}",
                RemovedInPyjwt3Warning,
                stacklevel=2,
            )
        verify_signature = True if options is None else options.get("verify_signature", True)
        if verify is not None and verify != verify_signature:
            warnings.warn(
                "The `verify` argument to `decode` does nothing in PyJWT 2.0 and newer. "
                "The equivalent is setting `verify_signature` to False in the `options` "
                "dictionary. This invocation has a mismatch between the kwarg and the option "
                "entry.",
                category=DeprecationWarning,
                stacklevel=2,
            )
        merged = self._merge_options(options)
        decoded = self._jws.decode_complete(
            jwt,
            key=key,
            algorithms=algorithms,
            options={"verify_signature": verify_signature},
            detached_payload=detached_payload,
        )
        if type(self)._decode_payload is PyJWT._decode_payload:
            text = decoded["payload"]
        else:
            text = json.dumps(self._decode_payload(decoded)).encode("utf-8")
        if audience is not None and not isinstance(audience, (str, Iterable)):
            raise TypeError("audience must be a string, iterable or None")
        claim_options: dict[str, Any] = {name: bool(merged.get(name, True)) for name in _VERIFY}
        claim_options["verify_signature"] = False
        claim_options["require"] = merged.get("require") or []
        claim_options["strict_aud"] = bool(merged.get("strict_aud", False))
        decoded["payload"] = _hxjwt._check_claims(
            text, claim_options, audience, issuer, subject, leeway
        )
        return decoded

    def _validate_claims(
        self,
        payload: dict[str, Any],
        options: dict[str, Any],
        audience: str | Iterable[str] | None = None,
        issuer: str | Container[str] | None = None,
        subject: str | None = None,
        leeway: float | timedelta = 0,
    ) -> None:
        """The core's claim checks on ``payload`` (a dict) with ``options`` (PyJWT's)."""
        if audience is not None and not isinstance(audience, (str, Iterable)):
            raise TypeError("audience must be a string, iterable or None")
        claim_options: dict[str, Any] = {name: bool(options.get(name, True)) for name in _VERIFY}
        claim_options["verify_signature"] = False
        claim_options["require"] = options.get("require") or []
        claim_options["strict_aud"] = bool(options.get("strict_aud", False))
        _hxjwt._check_claims(
            json.dumps(payload).encode("utf-8"), claim_options, audience, issuer, subject, leeway
        )

    def _validate_iss(self, payload: dict[str, Any], issuer: Any) -> None:
        """The core's ``iss`` check alone (PyJWT's private method)."""
        only = {name: name == "verify_iss" for name in _VERIFY}
        self._validate_claims(payload, {**only, "require": []}, issuer=issuer)

    def _decode_payload(self, decoded: dict[str, Any]) -> dict[str, Any]:
        """The claims of a decoded JWS (compact JSON); subclasses may decompress."""
        try:
            payload = json.loads(decoded["payload"])
        except ValueError as e:
            raise DecodeError(f"Invalid payload string: {e}") from e
        if not isinstance(payload, dict):
            raise DecodeError("Invalid payload string: must be a json object")
        return payload

    def decode(
        self,
        jwt: str | bytes,
        key: Any = "",
        algorithms: Sequence[str] | None = None,
        options: dict[str, Any] | None = None,
        verify: bool | None = None,
        detached_payload: bytes | None = None,
        audience: str | Iterable[str] | None = None,
        subject: str | None = None,
        issuer: str | Container[str] | None = None,
        leeway: float | timedelta = 0,
        **kwargs: Any,
    ) -> Any:
        """``decode_complete(...)["payload"]``."""
        if kwargs:
            warnings.warn(
                "passing additional kwargs to decode() is deprecated and will be removed in "
                f"pyjwt version 3. Unsupported kwargs: {tuple(kwargs.keys())}",
                RemovedInPyjwt3Warning,
                stacklevel=2,
            )
        return self.decode_complete(
            jwt,
            key,
            algorithms,
            options,
            verify=verify,
            detached_payload=detached_payload,
            audience=audience,
            subject=subject,
            issuer=issuer,
            leeway=leeway,
        )["payload"]


encode = _hxjwt.encode
decode = _hxjwt.decode
decode_complete = _hxjwt.decode_complete
