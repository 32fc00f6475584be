"""Standard encrypted JWTs: JWE (RFC 7516/7518), compact and JSON serializations, and
sender-authenticated ECDH-1PU (draft-madden-jose-ecdh-1pu-04), over the Rust core."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final, Literal, final

from . import _KeyArg, _Options, _Seconds

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

DEFAULT_MAX_TOKEN_LENGTH: Final[int]
"""The longest token ``decrypt`` accepts unless ``max_token_length`` says otherwise (256 KiB)."""
DEFAULT_MAX_P2C: Final[int]
"""The largest PBES2 ``p2c`` accepted unless ``max_p2c`` says otherwise, checked before PBKDF2."""
DEFAULT_MAX_INFLATED_LENGTH: Final[int]
"""A sensible ``allow_zip`` value (250 KB): ``zip`` is refused unless ``allow_zip`` is given."""

_Bytes = bytes | bytearray | str
_Plaintext = bytes | bytearray | str | dict[str, Any]
_Jwk = str | Mapping[str, Any]
_Keys = Key | Mapping[str, Any] | Sequence[Key | Mapping[str, Any]]
_Names = str | Sequence[str]

@final
class Key:
    """A JWE key: a symmetric secret (``dir``, ``A*KW``, ``A*GCMKW``, a PBES2 password), an RSA
    key (RSA-OAEP), an EC key on P-256/P-384/P-521 or an X25519 key (ECDH-ES, ECDH-1PU). A
    JWK's ``alg``, ``use`` and ``key_ops`` are kept and enforced. ``repr()`` never shows key
    material."""

    @staticmethod
    def from_jwk(jwk: _Jwk) -> Key:
        """A private or public JWK (dict or JSON text): ``oct``, ``RSA``, ``EC``, ``OKP``
        (X25519). InvalidKeyError for one that is not a JWE key (``use`` not ``"enc"``, a JWS
        ``alg``, a point off its curve, a low-order X25519 key, ...)."""
    @staticmethod
    def from_pem(pem: str | bytes, *, kid: str | None = None) -> Key:
        """An RSA or EC PEM key (PKCS#8, SPKI, PKCS#1 or SEC1)."""
    @staticmethod
    def from_secret(secret: _Bytes, *, kid: str | None = None) -> Key:
        """A symmetric secret: the content key of ``dir`` or the key-wrap key of ``A*KW`` and
        ``A*GCMKW`` (16, 24 or 32 bytes)."""
    @staticmethod
    def from_password(password: _Bytes, *, kid: str | None = None) -> Key:
        """A PBES2 password (decrypting also needs the PBES2 ``alg`` in ``algorithms``)."""
    @staticmethod
    def generate_x25519() -> Key:
        """A new X25519 key pair, its RFC 7638 thumbprint as ``kid``."""
    @staticmethod
    def generate_ec(curve: Literal["P-256", "P-384", "P-521"] = "P-256") -> Key:
        """A new EC key pair on ``curve``, its thumbprint as ``kid``."""
    @staticmethod
    def generate_rsa(bits: int = 2048) -> Key:
        """A new RSA key (2048, 3072, 4096 or 8192 bits) for RSA-OAEP, its thumbprint as ``kid``."""
    @staticmethod
    def generate_secret(length: int) -> Key:
        """A new random secret of 16, 24, 32, 48 or 64 bytes, its thumbprint as ``kid``."""
    def with_kid(self, kid: str) -> Key:
        """The same key with ``kid`` set."""
    def to_public(self) -> Key:
        """The public half (InvalidKeyError for a symmetric key)."""
    def to_public_jwk(self) -> dict[str, Any]:
        """The public JWK (InvalidKeyError for a symmetric key)."""
    def to_private_jwk(self) -> dict[str, Any]:
        """The JWK **with its private or secret members**: store it like a password."""
    def thumbprint(self) -> str:
        """The RFC 7638 thumbprint (base64url SHA-256)."""
    @property
    def kid(self) -> str | None:
        """The key id, or None."""
    @property
    def kind(self) -> Literal["oct", "RSA", "EC", "OKP"]:
        """The JWK ``kty``."""
    @property
    def curve(self) -> Literal["P-256", "P-384", "P-521", "X25519"] | None:
        """The curve of an EC or X25519 key, else None."""
    @property
    def algorithm(self) -> str | None:
        """The JWK ``alg`` the key is restricted to, or None."""
    @property
    def is_private(self) -> bool:
        """Whether the key holds private or secret material."""

@final
class Decrypted:
    """A decrypted token."""

    @property
    def header(self) -> dict[str, Any]:
        """The JOSE header (for the JSON serialization, the union of the protected, shared and
        recipient headers), a new dict on each access."""
    @property
    def alg(self) -> str:
        """The key management algorithm that decrypted it."""
    @property
    def enc(self) -> str:
        """The content encryption algorithm."""
    @property
    def plaintext(self) -> bytes:
        """The plaintext (inflated when ``zip`` was used)."""
    @property
    def aad(self) -> bytes | None:
        """The JSON serialization's ``aad``, decoded, or None."""
    def text(self) -> str:
        """The plaintext as UTF-8 text (ValueError otherwise)."""
    def json(self) -> Any:
        """The plaintext parsed as JSON."""

def encrypt(
    plaintext: _Plaintext,
    key: Key | Mapping[str, Any],
    *,
    alg: str,
    enc: str,
    kid: str | None = None,
    typ: str | None = None,
    cty: str | None = None,
    headers: Mapping[str, Any] | None = None,
    zip: bool = False,
    p2c: int | None = None,
    apu: _Bytes | None = None,
    apv: _Bytes | None = None,
    sender_key: Key | Mapping[str, Any] | None = None,
) -> str:
    """Encrypts ``plaintext`` (bytes, str as UTF-8, a dict as compact JSON) for ``key`` (the
    recipient's public key, or the shared secret) as a compact JWE.

    ``kid`` defaults to the key's own; ``headers`` adds protected members (not those hxjwt
    writes: ``alg``, ``enc``, ``zip``, ``epk``, ``p2s``, ``p2c``, ``apu``, ``apv``, ``crit``,
    ``skid``: InvalidArgumentError). ``zip`` compresses with DEFLATE. ``p2c``: the PBES2
    iteration count. ``apu``/``apv``: ECDH party info (raw bytes). ``sender_key``: the
    sender's private key, for ECDH-1PU (required there, refused elsewhere).
    """

def encrypt_json(
    plaintext: _Plaintext,
    recipients: Sequence[tuple[Key | Mapping[str, Any], str] | tuple[Key | Mapping[str, Any], str, str | None]],
    *,
    enc: str,
    aad: _Bytes | None = None,
    general: bool = True,
    sender_key: Key | Mapping[str, Any] | None = None,
    typ: str | None = None,
    cty: str | None = None,
    headers: Mapping[str, Any] | None = None,
    zip: bool = False,
    p2c: int | None = None,
    apu: _Bytes | None = None,
    apv: _Bytes | None = None,
) -> str:
    """Encrypts ``plaintext`` for every ``(key, alg)`` (or ``(key, alg, kid)``) of
    ``recipients`` in the JSON serialization: general, or flattened when there is one
    recipient and ``general=False``. ``aad`` is authenticated, not encrypted."""

def decrypt(
    token: str | bytes,
    key_or_keys: _Keys,
    *,
    algorithms: _Names,
    encryptions: _Names,
    max_token_length: int | None = None,
    max_p2c: int | None = None,
    allow_zip: int | None = None,
    critical: Sequence[str] | None = None,
    typ: str | None = None,
    sender_key: _Keys | None = None,
) -> Decrypted:
    """Decrypts a compact JWE with one of ``key_or_keys`` (a Key, a JWK dict, a JWK Set dict,
    or a list of keys, selected by the token's ``kid``).

    ``algorithms`` and ``encryptions`` are the accepted ``alg`` and ``enc`` values (required;
    a name hxjwt does not implement, ``RSA1_5`` among them, raises InvalidAlgorithmError).
    ``max_token_length`` (bytes) defaults to DEFAULT_MAX_TOKEN_LENGTH, ``max_p2c`` to
    DEFAULT_MAX_P2C. ``allow_zip``: accept ``zip: "DEF"``, inflating to at most that many
    bytes (refused by default). ``critical``: the ``crit`` names the caller understands and
    checks itself. ``typ``: the required ``typ`` (case-insensitive). ``sender_key``: the
    sender's public key(s), selected by ``skid``, for ECDH-1PU.

    Raises DecryptionError for every failure of the cryptography (one message), DecodeError
    for a malformed token (a JWS, a JSON token, a bad segment, over a limit),
    InvalidAlgorithmError for an ``alg``/``enc`` not accepted, UnknownHeaderError for ``crit``
    or ``zip`` not enabled, KeyNotFoundError when no key fits, InvalidKeyError for a key that
    may not be used so (its JWK ``alg``/``use``/``key_ops``, an ``epk`` off its curve).
    """

def decrypt_json(
    token: str | bytes | Mapping[str, Any],
    key_or_keys: _Keys,
    *,
    algorithms: _Names,
    encryptions: _Names,
    max_token_length: int | None = None,
    max_p2c: int | None = None,
    allow_zip: int | None = None,
    critical: Sequence[str] | None = None,
    typ: str | None = None,
    sender_key: _Keys | None = None,
) -> Decrypted:
    """``decrypt`` for the JSON serialization (general or flattened), given as text or a dict."""

def get_unverified_header(token: str | bytes) -> dict[str, Any]:
    """The protected header of a compact JWE, decoded strictly but **not decrypted or checked**
    (to pick a key by ``kid``)."""

def encrypt_nested(
    claims: dict[str, Any],
    signing_key: _KeyArg,
    *,
    algorithm: str,
    encryption_key: Key | Mapping[str, Any],
    alg: str,
    enc: str,
    headers: dict[str, Any] | None = None,
    options: _Options | None = None,
    kid: str | None = None,
    typ: str | None = None,
    zip: bool = False,
    p2c: int | None = None,
    apu: _Bytes | None = None,
    apv: _Bytes | None = None,
    sender_key: Key | Mapping[str, Any] | None = None,
) -> str:
    """A nested JWT: signs ``claims`` as ``hxjwt.encode(claims, signing_key, algorithm,
    headers, options=options)`` does, then encrypts the signed token for ``encryption_key``
    with ``alg``/``enc`` and ``cty: "JWT"``."""

def decrypt_nested(
    token: str | bytes,
    decryption_key: _Keys,
    verifying_key: _KeyArg,
    *,
    algorithms: _Names,
    key_algorithms: _Names,
    encryptions: _Names,
    audience: str | Sequence[str] | None = None,
    issuer: str | Sequence[str] | None = None,
    subject: str | None = None,
    leeway: _Seconds | None = None,
    options: _Options | None = None,
    now: int | float | datetime | None = None,
    max_age: _Seconds | None = None,
    max_token_length: int | None = None,
    allow_zip: int | None = None,
    typ: str | None = None,
) -> dict[str, Any]:
    """Decrypts a nested JWT (accepting ``key_algorithms`` and ``encryptions``; the JWE must
    say ``cty: "JWT"``), then verifies the signed token inside with ``verifying_key`` as
    ``hxjwt.decode`` does (``algorithms``: the JWS algorithms; ``audience``, ``issuer``,
    ``subject``, ``leeway``, ``options``, ``now``, ``max_age``) and returns its claims. The
    claims are never returned unless the signature and the claims pass;
    ``options={"verify_signature": False}`` is a ValueError. ``typ`` is the JWE's."""
