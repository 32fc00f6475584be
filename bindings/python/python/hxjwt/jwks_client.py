"""PyJWT's JWKS client (``jwt.jwks_client``): ``PyJWKClient`` with PyJWT's arguments, caching and
exceptions, for the code that needs ``headers`` (a WAF wants a ``User-Agent``), an
``ssl_context`` (a private CA) or PyJWT's ``lifespan``/``cache_keys`` semantics.

It fetches with ``urllib.request`` as PyJWT does (so ``headers``, ``timeout`` and
``ssl_context`` mean what they mean there); the JWK Set is parsed and its keys checked by the
core (``PyJWKSet``), and a token's ``kid`` is read by the core. Unlike PyJWT it fetches only
``https://`` and ``http://`` URLs (never ``file://``), reads at most ``max_response_bytes``,
refuses a set whose ``https://`` URL was redirected to ``http://`` (urllib follows redirects,
up to its own limit of 10; the set fetched is then discarded, never used), sends
``User-Agent: hxjwt/<version>`` unless ``headers`` has one, and takes ``ca_file=`` (a PEM file
of the certificate authorities to trust, instead of the system's) as a shortcut for an
``ssl_context``. (``hxjwt.PyJWKClient``, fetched by the core, follows at most 3 redirects and
refuses https to http before connecting.)

``hxjwt.PyJWKClient`` (the top-level name) is hxjwt's own client, fetched by the core (rustls,
``Cache-Control``, a refetch cooldown, stale-while-error); ``hxjwt.compat.install()`` makes
``jwt.PyJWKClient`` this one, as code written for PyJWT expects.
"""

from __future__ import annotations

import json
import os
import ssl
import time
import urllib.request
from functools import lru_cache
from ssl import SSLContext
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit

from . import PyJWK, PyJWKSet, __version__, get_unverified_header
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


#: The ``User-Agent`` of every fetch unless ``headers`` gives one.
DEFAULT_USER_AGENT = f"hxjwt/{__version__}"

class PyJWKClient:
    """A JWKS endpoint's signing keys (PyJWT's ``PyJWKClient``).

    ``ca_file`` (hxjwt only): a PEM file of the certificate authorities to trust, made into the
    ``ssl_context`` (``ValueError`` if both are given)."""

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
        ca_file: str | os.PathLike[str] | None = None,
    ) -> None:
        scheme = urlsplit(uri).scheme.lower() if isinstance(uri, str) else ""
        if scheme not in ("https", "http"):
            raise ValueError(f"uri must be an https:// (or http://) URL, not {uri!r}")
        if ca_file is not None:
            if ssl_context is not None:
                raise ValueError("give ca_file or ssl_context, not both")
            try:
                ssl_context = ssl.create_default_context(cafile=ca_file)
            except (OSError, ssl.SSLError) as e:
                raise ValueError(f"cannot load the CA file {os.fspath(ca_file)!r}: {e}") from e
        self.uri = uri
        self.headers: dict[str, Any] = {} if headers is None else dict(headers)
        if not any(k.lower() == "user-agent" for k in self.headers if isinstance(k, str)):
            self.headers["User-Agent"] = DEFAULT_USER_AGENT
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
                final = getattr(response, "url", None)
                if (
                    isinstance(final, str)
                    and urlsplit(self.uri).scheme.lower() == "https"
                    and urlsplit(final).scheme.lower() != "https"
                ):
                    raise PyJWKClientConnectionError(
                        "Fail to fetch data from the url, err: redirect from https to http "
                        "refused"
                    )
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
