"""PyJWT's JWKS client module (``jwt.jwks_client``)."""

from __future__ import annotations

from . import PyJWKClient

__all__ = ["PyJWKClient"]
