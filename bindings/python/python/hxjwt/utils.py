"""PyJWT's helpers (``jwt.utils``): base64url, big-endian integers, key-format sniffing, and
ECDSA signature conversion between DER and the raw ``r || s`` of JWS.

They convert bytes only; no token is parsed and nothing is signed here.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

__all__ = [
    "base64url_decode",
    "base64url_encode",
    "bytes_from_int",
    "bytes_to_number",
    "der_to_raw_signature",
    "force_bytes",
    "from_base64url_uint",
    "is_pem_format",
    "is_ssh_key",
    "number_to_bytes",
    "raw_to_der_signature",
    "to_base64url_uint",
]


def force_bytes(value: str | bytes) -> bytes:
    """``value`` as bytes (a ``str`` is UTF-8 encoded); ``TypeError`` for anything else."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bytes):
        return value
    raise TypeError("Expected a string value")


def base64url_decode(input: str | bytes) -> bytes:  # noqa: A002 - PyJWT's name
    """Decodes base64url with or without padding (lenient, as PyJWT's)."""
    data = force_bytes(input)
    data += b"=" * (-len(data) % 4)
    try:
        return base64.urlsafe_b64decode(data)
    except binascii.Error as e:
        raise binascii.Error(str(e)) from None


def base64url_encode(input: bytes) -> bytes:  # noqa: A002 - PyJWT's name
    """base64url without padding."""
    return base64.urlsafe_b64encode(input).replace(b"=", b"")


def bytes_from_int(val: int, *, bit_length: int | None = None) -> bytes:
    """``val`` big-endian, in ``ceil(bit_length / 8)`` bytes (at least one byte)."""
    if bit_length is None:
        bit_length = val.bit_length()
    return val.to_bytes(max((bit_length + 7) // 8, 1), "big")


def to_base64url_uint(val: int, *, bit_length: int | None = None) -> bytes:
    """A non-negative integer as base64url of its big-endian bytes (``ValueError`` if < 0)."""
    if val < 0:
        raise ValueError("Must be a positive integer")
    return base64url_encode(bytes_from_int(val, bit_length=bit_length))


def from_base64url_uint(val: str | bytes) -> int:
    """The integer of base64url big-endian bytes."""
    return int.from_bytes(base64url_decode(force_bytes(val)), "big")


def number_to_bytes(num: int, num_bytes: int) -> bytes:
    """``num`` big-endian in exactly ``num_bytes`` bytes."""
    return num.to_bytes(num_bytes, "big")


def bytes_to_number(string: bytes) -> int:
    """The integer of big-endian bytes."""
    return int.from_bytes(string, "big")


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _der_int(n: int) -> bytes:
    body = n.to_bytes(n.bit_length() // 8 + 1, "big")
    return b"\x02" + _der_length(len(body)) + body


def _read_der(data: bytes, pos: int, tag: int) -> tuple[bytes, int]:
    if pos + 2 > len(data) or data[pos] != tag:
        raise ValueError("Invalid signature")
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise ValueError("Invalid signature")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise ValueError("Invalid signature")
    return data[pos : pos + length], pos + length


def der_to_raw_signature(der_sig: bytes, curve: Any) -> bytes:
    """An ECDSA signature in DER as JWS's ``r || s`` for ``curve`` (a ``cryptography`` curve)."""
    num_bytes = (curve.key_size + 7) // 8
    seq, end = _read_der(der_sig, 0, 0x30)
    if end != len(der_sig):
        raise ValueError("Invalid signature")
    r, pos = _read_der(seq, 0, 0x02)
    s, pos = _read_der(seq, pos, 0x02)
    if pos != len(seq):
        raise ValueError("Invalid signature")
    return number_to_bytes(bytes_to_number(r), num_bytes) + number_to_bytes(
        bytes_to_number(s), num_bytes
    )


def raw_to_der_signature(raw_sig: bytes, curve: Any) -> bytes:
    """JWS's ``r || s`` for ``curve`` as a DER ECDSA signature (``ValueError`` if mis-sized)."""
    num_bytes = (curve.key_size + 7) // 8
    if len(raw_sig) != 2 * num_bytes:
        raise ValueError("Invalid signature")
    r = bytes_to_number(raw_sig[:num_bytes])
    s = bytes_to_number(raw_sig[num_bytes:])
    body = _der_int(r) + _der_int(s)
    return b"\x30" + _der_length(len(body)) + body


_PEM_TYPES = (
    b"CERTIFICATE",
    b"TRUSTED CERTIFICATE",
    b"PRIVATE KEY",
    b"PUBLIC KEY",
    b"ENCRYPTED PRIVATE KEY",
    b"OPENSSH PRIVATE KEY",
    b"DSA PRIVATE KEY",
    b"RSA PRIVATE KEY",
    b"RSA PUBLIC KEY",
    b"EC PRIVATE KEY",
    b"DH PARAMETERS",
    b"NEW CERTIFICATE REQUEST",
    b"CERTIFICATE REQUEST",
    b"SSH2 PUBLIC KEY",
    b"SSH2 ENCRYPTED PRIVATE KEY",
    b"X509 CRL",
)
_PEM_RE = re.compile(
    b"----[- ]BEGIN (" + b"|".join(re.escape(t) for t in _PEM_TYPES) + b")[- ]----\r?\n"
)
_SSH_KEY_FORMATS = (
    b"ssh-ed25519",
    b"ssh-rsa",
    b"ssh-dss",
    b"ecdsa-sha2-nistp256",
    b"ecdsa-sha2-nistp384",
    b"ecdsa-sha2-nistp521",
)


def is_pem_format(key: bytes) -> bool:
    """Whether ``key`` holds a PEM block of a key or certificate type."""
    return bool(_PEM_RE.search(key))


def is_ssh_key(key: bytes) -> bool:
    """Whether ``key`` starts as an OpenSSH public key line."""
    return key.startswith(_SSH_KEY_FORMATS)
