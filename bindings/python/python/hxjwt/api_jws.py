"""PyJWT's ``PyJWS`` (``jwt.api_jws``): JWS of any bytes payload, with PyJWT's registry of
algorithms, RFC 7797 detached and unencoded (``b64: false``) payloads and ``crit`` checks.

The core decodes every token (strict base64url and JSON: ``_hxjwt._jws_parts``) and makes and
checks every signature (through the ``hxjwt.algorithms`` classes); this class arranges the
segments as PyJWT does. Registered algorithms of the application's own are called as PyJWT calls
them. ``alg: none`` is listed (PyJWT lists it) but hxjwt never signs nor accepts it.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from typing import Any

from ._native import _hxjwt
from .algorithms import Algorithm, get_default_algorithms, has_crypto, requires_cryptography
from .exceptions import (
    DecodeError,
    InvalidAlgorithmError,
    InvalidKeyError,
    InvalidSignatureError,
    InvalidTokenError,
)
from .utils import base64url_encode
from .warnings import InsecureKeyLengthWarning, RemovedInPyjwt3Warning

__all__ = [
    "PyJWS",
    "decode",
    "decode_complete",
    "encode",
    "get_algorithm_by_name",
    "get_unverified_header",
    "register_algorithm",
    "unregister_algorithm",
]

_ALGORITHM_UNSET: Any = object()


def _enforce_default() -> bool:
    from . import compat

    return not compat.pyjwt_defaults_enabled()


class PyJWS:
    """PyJWT's JWS object: ``encode``/``decode``/``decode_complete`` of bytes payloads."""

    header_typ = "JWT"
    _supported_crit: set[str] = {"b64"}

    def __init__(
        self,
        algorithms: Sequence[str] | None = None,
        options: dict[str, Any] | None = None,
    ) -> None:
        self._algorithms = get_default_algorithms()
        self._valid_algs = set(algorithms) if algorithms is not None else set(self._algorithms)
        for name in list(self._algorithms):
            if name not in self._valid_algs:
                del self._algorithms[name]
        self.options: dict[str, Any] = self._get_default_options()
        if options is not None:
            self.options = {**self.options, **options}

    @staticmethod
    def _get_default_options() -> dict[str, Any]:
        """``verify_signature`` True; ``enforce_minimum_key_length`` True unless PyJWT's
        defaults were asked for (``compat.install(pyjwt_defaults=True)``)."""
        return {"verify_signature": True, "enforce_minimum_key_length": _enforce_default()}

    def register_algorithm(self, alg_id: str, alg_obj: Algorithm) -> None:
        """Adds an algorithm (``ValueError`` if the name has one, ``TypeError`` if not an
        ``Algorithm``)."""
        if alg_id in self._algorithms:
            raise ValueError("Algorithm already has a handler.")
        if not isinstance(alg_obj, Algorithm):
            raise TypeError("Object is not of type `Algorithm`")
        self._algorithms[alg_id] = alg_obj
        self._valid_algs.add(alg_id)

    def unregister_algorithm(self, alg_id: str) -> None:
        """Removes an algorithm (``KeyError`` if it is not registered)."""
        if alg_id not in self._algorithms:
            raise KeyError(
                "The specified algorithm could not be removed because it is not registered."
            )
        del self._algorithms[alg_id]
        self._valid_algs.remove(alg_id)

    def get_algorithms(self) -> list[str]:
        """The names usable as ``alg``."""
        return list(self._valid_algs)

    def get_algorithm_by_name(self, alg_name: str) -> Algorithm:
        """The ``Algorithm`` of a name (``NotImplementedError`` if none)."""
        try:
            return self._algorithms[alg_name]
        except KeyError as e:
            if not has_crypto and alg_name in requires_cryptography:
                raise NotImplementedError(
                    f"Algorithm '{alg_name}' could not be found. Do you have cryptography "
                    "installed?"
                ) from e
            raise NotImplementedError("Algorithm not supported") from e

    def _check_key_length(self, alg_obj: Algorithm, key: Any, stacklevel: int) -> Any:
        """PyJWT's key-length check: raises if enforced, else warns and returns the key as the
        core takes it when short (an HMAC secret explicitly allowed to be short)."""
        message = alg_obj.check_key_length(key)
        if not message:
            return key
        if self.options.get("enforce_minimum_key_length", _enforce_default()):
            raise InvalidKeyError(message)
        warnings.warn(message, InsecureKeyLengthWarning, stacklevel=stacklevel)
        if isinstance(key, bytes) and key:
            return _hxjwt.Key.from_secret(key, allow_short=True)
        return key

    def encode(
        self,
        payload: bytes,
        key: Any,
        algorithm: str | None = _ALGORITHM_UNSET,
        headers: dict[str, Any] | None = None,
        json_encoder: type[json.JSONEncoder] | None = None,
        is_payload_detached: bool = False,
        sort_headers: bool = True,
    ) -> str:
        """Signs ``payload`` (bytes) as a compact JWS; ``headers`` are added to the header."""
        if algorithm is _ALGORITHM_UNSET or algorithm is None:
            if isinstance(key, _hxjwt.PyJWK):
                alg = key.algorithm_name
            else:
                alg = "HS256" if algorithm is _ALGORITHM_UNSET else "none"
        else:
            alg = algorithm
        if headers:
            if headers.get("alg"):
                alg = headers["alg"]
            if headers.get("b64") is False:
                is_payload_detached = True
        header: dict[str, Any] = {"typ": self.header_typ, "alg": alg}
        if headers:
            self._validate_headers(headers, encoding=True)
            header.update(headers)
        if not header["typ"]:
            del header["typ"]
        if is_payload_detached:
            header["b64"] = False
        elif "b64" in header:
            del header["b64"]
        json_header = json.dumps(
            header, separators=(",", ":"), cls=json_encoder, sort_keys=sort_headers
        ).encode()
        payload_bytes = payload if isinstance(payload, bytes) else bytes(payload)
        header_segment = base64url_encode(json_header)
        body = payload_bytes if is_payload_detached else base64url_encode(payload_bytes)
        signing_input = header_segment + b"." + body
        alg_obj = self.get_algorithm_by_name(alg)
        if isinstance(key, _hxjwt.PyJWK):
            key = key.key
        key = self._check_key_length(alg_obj, alg_obj.prepare_key(key), stacklevel=3)
        signature = alg_obj.sign(signing_input, key)
        middle = b"" if is_payload_detached else body
        return b".".join([header_segment, middle, base64url_encode(signature)]).decode("utf-8")

    def decode_complete(
        self,
        jwt: str | bytes,
        key: Any = "",
        algorithms: Sequence[str] | None = None,
        options: dict[str, Any] | None = None,
        detached_payload: bytes | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Verifies a compact JWS; returns ``{"payload": bytes, "header": dict,
        "signature": bytes}``."""
        if kwargs:
            warnings.warn(
                "passing additional kwargs to decode_complete() is deprecated and will be "
                f"removed in pyjwt version 3. Unsupported kwargs: {tuple(kwargs.keys())}",
                RemovedInPyjwt3Warning,
                stacklevel=2,
            )
        merged = self.options if options is None else {**self.options, **options}
        verify_signature = merged.get("verify_signature", True)
        if verify_signature and not algorithms and not isinstance(key, _hxjwt.PyJWK):
            raise DecodeError(
                'It is required that you pass in a value for the "algorithms" argument when '
                "calling decode()."
            )
        payload, signing_input, header, signature = self._load(jwt)
        self._validate_headers(header)
        if header.get("b64", True) is False:
            if detached_payload is None:
                raise DecodeError(
                    'It is required that you pass in a value for the "detached_payload" '
                    "argument to decode a message having the b64 header set to false."
                )
            payload = detached_payload
            signing_input = signing_input.rsplit(b".", 1)[0] + b"." + payload
        elif detached_payload is not None and payload == b"":
            payload = detached_payload
            signing_input = signing_input.rsplit(b".", 1)[0] + b"." + base64url_encode(payload)
        if verify_signature:
            self._verify_signature(signing_input, header, signature, key, algorithms)
        return {"payload": payload, "header": header, "signature": signature}

    def decode(
        self,
        jwt: str | bytes,
        key: Any = "",
        algorithms: Sequence[str] | None = None,
        options: dict[str, Any] | None = None,
        detached_payload: bytes | None = None,
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
            jwt, key, algorithms, options, detached_payload=detached_payload
        )["payload"]

    def get_unverified_header(self, jwt: str | bytes) -> dict[str, Any]:
        """The header, decoded but **not verified**."""
        header = self._load(jwt)[2]
        self._validate_headers(header)
        return header

    def _load(self, jwt: str | bytes) -> tuple[bytes, bytes, dict[str, Any], bytes]:
        """The core's decoding of the token: payload, signing input, header, signature."""
        if isinstance(jwt, str):
            jwt = jwt.encode("utf-8")
        if not isinstance(jwt, bytes):
            raise DecodeError(f"Invalid token type. Token must be a {bytes}")
        if jwt.count(b".") < 2:
            raise DecodeError("Not enough segments")
        header, payload, signature = _hxjwt._jws_parts(jwt)
        return bytes(payload), jwt.strip().rsplit(b".", 1)[0], header, bytes(signature)

    def _verify_signature(
        self,
        signing_input: bytes,
        header: dict[str, Any],
        signature: bytes,
        key: Any = "",
        algorithms: Sequence[str] | None = None,
    ) -> None:
        if algorithms is None and isinstance(key, _hxjwt.PyJWK):
            algorithms = [key.algorithm_name]
        try:
            alg = header["alg"]
        except KeyError:
            raise InvalidAlgorithmError("Algorithm not specified") from None
        if not alg or (algorithms is not None and alg not in algorithms):
            raise InvalidAlgorithmError("The specified alg value is not allowed")
        if isinstance(key, _hxjwt.PyJWK):
            if key.algorithm_name != alg:
                raise InvalidAlgorithmError("The specified alg value is not allowed")
            alg_obj = self.get_algorithm_by_name(alg)
            prepared = key.key
        else:
            try:
                alg_obj = self.get_algorithm_by_name(alg)
            except NotImplementedError as e:
                raise InvalidAlgorithmError("Algorithm not supported") from e
            prepared = alg_obj.prepare_key(key)
        prepared = self._check_key_length(alg_obj, prepared, stacklevel=5)
        if not alg_obj.verify(signing_input, prepared, signature):
            raise InvalidSignatureError("Signature verification failed")

    def _validate_headers(self, headers: dict[str, Any], *, encoding: bool = False) -> None:
        if "kid" in headers:
            self._validate_kid(headers["kid"])
        if not encoding and "crit" in headers:
            self._validate_crit(headers)

    def _validate_kid(self, kid: Any) -> None:
        if not isinstance(kid, str):
            raise InvalidTokenError("Key ID header parameter must be a string")

    def _validate_crit(self, headers: dict[str, Any]) -> None:
        crit = headers["crit"]
        if not isinstance(crit, list) or len(crit) == 0:
            raise InvalidTokenError("Invalid 'crit' header: must be a non-empty list")
        for ext in crit:
            if not isinstance(ext, str):
                raise InvalidTokenError("Invalid 'crit' header: values must be strings")
            if ext not in self._supported_crit:
                raise InvalidTokenError(f"Unsupported critical extension: {ext}")
            if ext not in headers:
                raise InvalidTokenError(f"Critical extension '{ext}' is missing from headers")


_jws_global_obj = PyJWS()
encode = _jws_global_obj.encode
decode_complete = _jws_global_obj.decode_complete
decode = _jws_global_obj.decode
register_algorithm = _jws_global_obj.register_algorithm
unregister_algorithm = _jws_global_obj.unregister_algorithm
get_algorithm_by_name = _jws_global_obj.get_algorithm_by_name
get_unverified_header = _jws_global_obj.get_unverified_header
