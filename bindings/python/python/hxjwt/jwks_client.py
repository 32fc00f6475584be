"""PyJWT's JWKS client (``jwt.jwks_client``): ``PyJWKClient`` with PyJWT's arguments, caching and
exceptions, for the code that needs ``headers`` (a WAF wants a ``User-Agent``), an
``ssl_context`` (a private CA) or PyJWT's ``lifespan``/``cache_keys`` semantics.

It fetches with ``urllib.request`` as PyJWT does (so ``headers``, ``timeout`` and
``ssl_context`` mean what they mean there); the JWK Set is parsed and its keys checked by the
core (``PyJWKSet``), and a token's ``kid`` is read by the core. Unlike PyJWT it fetches only
``https://`` and ``http://`` URLs (never ``file://``), and reads at most ``max_response_bytes``.

``hxjwt.PyJWKClient`` (the top-level name) is hxjwt's own client, fetched by the core (rustls,
``Cache-Control``, a refetch cooldown, stale-while-error); ``hxjwt.compat.install()`` makes
``jwt.PyJWKClient`` this one, as code written for PyJWT expects.
"""

from __future__ import annotations

import json
import time
import urllib.request
from functools import lru_cache
from ssl import SSLContext
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit

from . import PyJWK, PyJWKSet, get_unverified_header
from .exceptions import PyJWKClientConnectionError, PyJWKClientError

__all__ = ["JWKSetCache", "PyJWKClient"]


class JWKSetCache:
    """The fetched JWK Set (the parsed JSON) and when it was fetched; expires after
    ``lifespan`` seconds (PyJWT's ``jwt.jwk_set_cache.JWKSetCache``)."""

    def __init__(self, lifespan: float) -> None:
        self.lifespan = lifespan
        self._value: Any = None
        self._timestamp = 0.0

    def put(self, jwk_set: Any) -> None:
        """Stores ``jwk_set`` (``None`` clears the cache)."""
        self._value = jwk_set
        self._timestamp = time.monotonic()

    def get(self) -> Any:
        """The stored set, or ``None`` if there is none or it expired."""
        if self._value is None or self.is_expired():
            return None
        return self._value

    def is_expired(self) -> bool:
        """Whether the stored set is older than ``lifespan``."""
        return (
            self._value is not None
            and self.lifespan > -1
            and time.monotonic() > self._timestamp + self.lifespan
        )


class PyJWKClient:
    """A JWKS endpoint's signing keys (PyJWT's ``PyJWKClient``)."""

    def __init__(
        self,
        uri: str,
        cache_keys: bool = False,
        max_cached_keys: int = 16,
        cache_jwk_set: bool = True,
        lifespan: float = 300,
        headers: dict[str, Any] | None = None,
        timeout: float = 30,
        ssl_context: SSLContext | None = None,
        *,
        max_response_bytes: int = 1 << 20,
    ) -> None:
        scheme = urlsplit(uri).scheme.lower() if isinstance(uri, str) else ""
        if scheme not in ("https", "http"):
            raise ValueError(f"uri must be an https:// (or http://) URL, not {uri!r}")
        self.uri = uri
        self.headers: dict[str, Any] = {} if headers is None else headers
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.max_response_bytes = max_response_bytes
        self.jwk_set_cache: JWKSetCache | None = None
        if cache_jwk_set:
            if lifespan <= 0:
                raise PyJWKClientError(
                    f'Lifespan must be greater than 0, the input is "{lifespan}"'
                )
            self.jwk_set_cache = JWKSetCache(lifespan)
        if cache_keys:
            cached = lru_cache(maxsize=max_cached_keys)(self.get_signing_key)
            self.get_signing_key = cached  # type: ignore[method-assign]

    def fetch_data(self) -> Any:
        """Fetches the JWK Set (parsed JSON); ``PyJWKClientConnectionError`` if it fails."""
        jwk_set: Any = None
        try:
            request = urllib.request.Request(url=self.uri, headers=self.headers)
            with urllib.request.urlopen(
                request, timeout=self.timeout, context=self.ssl_context
            ) as response:
                body = response.read(self.max_response_bytes + 1)
                if len(body) > self.max_response_bytes:
                    raise PyJWKClientConnectionError(
                        f"Fail to fetch data from the url, err: the JWK Set is larger than "
                        f"{self.max_response_bytes} bytes"
                    )
                jwk_set = json.loads(body)
        except (URLError, TimeoutError) as e:
            if isinstance(e, HTTPError):
                e.close()
            raise PyJWKClientConnectionError(
                f'Fail to fetch data from the url, err: "{e}"'
            ) from e
        except ValueError as e:
            raise PyJWKClientConnectionError(
                f'Fail to fetch data from the url, err: "{e}"'
            ) from e
        else:
            return jwk_set
        finally:
            if self.jwk_set_cache is not None:
                self.jwk_set_cache.put(jwk_set)

    def get_jwk_set(self, refresh: bool = False) -> PyJWKSet:
        """The JWK Set (cached for ``lifespan`` seconds unless ``refresh``)."""
        data = None
        if self.jwk_set_cache is not None and not refresh:
            data = self.jwk_set_cache.get()
        if data is None:
            data = self.fetch_data()
        if not isinstance(data, dict):
            raise PyJWKClientError("The JWKS endpoint did not return a JSON object")
        return PyJWKSet.from_dict(data)

    def get_signing_keys(self, refresh: bool = False) -> list[PyJWK]:
        """The keys with ``use`` ``sig`` (or none) and a ``kid``."""
        keys = [
            k
            for k in self.get_jwk_set(refresh).keys
            if k.public_key_use in ("sig", None) and k.key_id
        ]
        if not keys:
            raise PyJWKClientError("The JWKS endpoint did not contain any signing keys")
        return keys

    def get_signing_key(self, kid: str) -> PyJWK:
        """The signing key of ``kid``; the set is refetched once if it has none."""
        key = self.match_kid(self.get_signing_keys(), kid)
        if key is None:
            key = self.match_kid(self.get_signing_keys(refresh=True), kid)
            if key is None:
                raise PyJWKClientError(f'Unable to find a signing key that matches: "{kid}"')
        return key

    def get_signing_key_from_jwt(self, token: str | bytes) -> PyJWK:
        """The signing key of the token's ``kid`` (the header is read, not verified)."""
        kid: Any = get_unverified_header(token).get("kid")
        return self.get_signing_key(kid)

    @staticmethod
    def match_kid(signing_keys: list[PyJWK], kid: str) -> PyJWK | None:
        """The key of ``signing_keys`` whose ``kid`` is ``kid``, or ``None``."""
        for key in signing_keys:
            if key.key_id == kid:
                return key
        return None
