"""PyJWT's JWK classes (``jwt.api_jwk``): ``PyJWK`` and ``PyJWKSet``, parsed by the core.

``PyJWK.key`` is an ``hxjwt.Key`` (PyJWT: a ``cryptography`` object); ``PyJWK.Algorithm`` is
the ``hxjwt.algorithms`` object of its algorithm, as in PyJWT.
"""

from __future__ import annotations

import time

from . import PyJWK, PyJWKSet

__all__ = ["PyJWK", "PyJWKSet", "PyJWTSetWithTimestamp"]


class PyJWTSetWithTimestamp:
    """A ``PyJWKSet`` and the monotonic time it was fetched (PyJWT's cache entry)."""

    def __init__(self, jwk_set: PyJWKSet) -> None:
        self.jwk_set = jwk_set
        self.timestamp = time.monotonic()

    def get_jwk_set(self) -> PyJWKSet:
        """The set."""
        return self.jwk_set

    def get_timestamp(self) -> float:
        """When it was stored (``time.monotonic()``)."""
        return self.timestamp
