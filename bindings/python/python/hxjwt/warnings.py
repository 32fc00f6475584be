"""PyJWT's warning classes (``jwt.warnings``)."""

from __future__ import annotations


class RemovedInPyjwt3Warning(DeprecationWarning):
    """A PyJWT argument or behaviour that PyJWT 3 removes (unknown keywords of ``decode``)."""


#: The spelling the issue tracker uses; the same class.
RemovedInPyJWT3Warning = RemovedInPyjwt3Warning


class InsecureKeyLengthWarning(UserWarning):
    """A key shorter than its algorithm needs, accepted because short keys were allowed.

    hxjwt refuses such keys by default (``InvalidKeyError``); it warns only with
    ``options={"enforce_minimum_key_length": False}`` under ``compat.install(pyjwt_defaults=True)``.
    """


class SkippedKeyWarning(UserWarning):
    """A key of a JWK Set that ``PyJWKSet`` left out: not a JWK object, or a key ``PyJWK``
    refuses (an unsupported type, curve or algorithm, or an unsafe key such as an RSA modulus
    with the ROCA fingerprint). The message names its index in ``keys``, its ``kid`` and the
    reason. hxjwt-only: PyJWT skips such keys silently.
    """


__all__ = [
    "InsecureKeyLengthWarning",
    "RemovedInPyJWT3Warning",
    "RemovedInPyjwt3Warning",
    "SkippedKeyWarning",
]
