"""Standard encrypted JWTs: JWE (RFC 7516/7518), compact and JSON serializations, and
sender-authenticated ECDH-1PU, over the Rust core (``hxjwt::jwe``).

    recipient = jwe.Key.generate_x25519()                  # keep private; publish to_public_jwk()
    token = jwe.encrypt({"sub": "ada"}, recipient.to_public(), alg="ECDH-ES", enc="A256GCM")
    msg = jwe.decrypt(token, recipient, algorithms=["ECDH-ES"], encryptions=["A256GCM"])
    msg.json()                                             # {"sub": "ada"}

The caller, never the token, names the accepted ``alg`` and ``enc`` (``algorithms`` and
``encryptions`` have no default). ``RSA1_5`` is never accepted; PBES2 only when named, with
``p2c`` bounded; ``zip`` only with ``allow_zip`` (the most bytes it may inflate to); ``crit``
only for the names in ``critical``. Every failure of the cryptography is one
``DecryptionError`` with one message. Crypto runs with the GIL released.
"""

from __future__ import annotations

from ._hxjwt import jwe as _native

Key = _native.Key
Decrypted = _native.Decrypted
encrypt = _native.encrypt
encrypt_json = _native.encrypt_json
decrypt = _native.decrypt
decrypt_json = _native.decrypt_json
get_unverified_header = _native.get_unverified_header
encrypt_nested = _native.encrypt_nested
decrypt_nested = _native.decrypt_nested
DEFAULT_MAX_TOKEN_LENGTH: int = _native.DEFAULT_MAX_TOKEN_LENGTH
DEFAULT_MAX_P2C: int = _native.DEFAULT_MAX_P2C
DEFAULT_MAX_INFLATED_LENGTH: int = _native.DEFAULT_MAX_INFLATED_LENGTH

__all__ = [
    "DEFAULT_MAX_INFLATED_LENGTH",
    "DEFAULT_MAX_P2C",
    "DEFAULT_MAX_TOKEN_LENGTH",
    "Decrypted",
    "Key",
    "decrypt",
    "decrypt_json",
    "decrypt_nested",
    "encrypt",
    "encrypt_json",
    "encrypt_nested",
    "get_unverified_header",
]
