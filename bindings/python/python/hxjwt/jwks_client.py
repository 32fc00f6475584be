"""PyJWT's JWKS client module (``jwt.jwks_client``)."""

from __future__ import annotations

from ._hxjwt import PyJWKClient

__all__ = ["PyJWKClient"]
