"""The Python program of the cross-runtime interop matrix (tests/interop/README.md), and a worked
example of the ``hxjwt`` module's public API.

Usage (with the Python that has ``hxjwt`` installed, e.g. ``.venv/bin/python``)::

    interop_py.py hx1-create   IDENTITY_JWK_FILE RECIPIENT_MACHINE_TOKEN_FILE PAYLOAD_FILE
    interop_py.py hx1-validate IDENTITY_JWK_FILE SENDER_MACHINE_TOKEN_FILE TOKEN_FILE
    interop_py.py es256-sign   PRIVATE_JWK_FILE CLAIMS_JSON_FILE
    interop_py.py es256-verify PUBLIC_JWK_FILE TOKEN_FILE
    interop_py.py jwe-encrypt  ALG ENC RECIPIENT_JWK_FILE PAYLOAD_FILE
    interop_py.py jwe-decrypt  ALG ENC PRIVATE_JWK_FILE TOKEN_FILE

``hx1-create`` prints the HX1 token (TTL 300 s) for the recipient; ``hx1-validate`` validates a
token as from the given sender (no directory) and prints the payload bytes exactly;
``es256-sign`` prints a compact ES256 JWS of the claims; ``es256-verify`` verifies with the
algorithms ``["ES256"]``, no audience and ``exp`` required (the core's default), and prints the
claims as JSON. ``jwe-encrypt`` prints a compact JWE (through ``hxjwt.jwe``) of the payload bytes
with key management ``ALG`` and content encryption ``ENC`` for the recipient's public JWK (or the
secret ``oct`` JWK of ``dir``, ``A*KW``, ``A*GCMKW``); ``jwe-decrypt`` decrypts accepting only
``ALG`` and ``ENC`` with the private (or secret) JWK and prints the plaintext bytes exactly.

Exit status: 0 on success; 1 when hxjwt refuses something, with ``error: <Kind>: <message>`` on
stderr (``Kind`` is the exception's ``kind``, the core error kind's name); 2 for usage errors and
files that cannot be read. Every decision is the module's: this program reads files (a token
file may end with whitespace, which is dropped; a key file must be UTF-8 text and the claims a
JSON object, as the API takes them) and turns exceptions into the contract's error lines.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Callable, NoReturn

import hxjwt
import hxjwt.jwe

USAGE = """usage: interop_py.py hx1-create   IDENTITY_JWK_FILE RECIPIENT_MACHINE_TOKEN_FILE PAYLOAD_FILE
       interop_py.py hx1-validate IDENTITY_JWK_FILE SENDER_MACHINE_TOKEN_FILE TOKEN_FILE
       interop_py.py es256-sign   PRIVATE_JWK_FILE CLAIMS_JSON_FILE
       interop_py.py es256-verify PUBLIC_JWK_FILE TOKEN_FILE
       interop_py.py jwe-encrypt  ALG ENC RECIPIENT_JWK_FILE PAYLOAD_FILE
       interop_py.py jwe-decrypt  ALG ENC PRIVATE_JWK_FILE TOKEN_FILE
"""

#: The largest file read: far above any token or key, a bound on what a hostile file costs.
MAX_FILE_BYTES = 64 * 1024 * 1024

#: The TTL of the tokens hx1-create makes, in seconds (the contract's).
TTL = 300


class Refused(Exception):
    """A failure to report as ``error: <kind>: <message>`` with exit status 1."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class FileError(Exception):
    """A file that cannot be read or written: exit status 2."""


def read_bytes(path: str) -> bytes:
    """The file's bytes (at most MAX_FILE_BYTES)."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise FileError(f"cannot read {path}: {e.strerror or e}") from None
    if len(data) > MAX_FILE_BYTES:
        raise FileError(f"cannot read {path}: larger than {MAX_FILE_BYTES} bytes")
    return data


def read_text(path: str) -> str:
    """The file as text: the API takes JWKs and claims as str (or dict)."""
    try:
        return read_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("InvalidArgument", f"{path} is not UTF-8") from None


def read_token(path: str) -> bytes:
    """A token file's bytes without trailing whitespace; the API takes str or bytes."""
    return read_bytes(path).rstrip(b" \t\r\n\v\f")


def write_stdout(data: bytes) -> None:
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except OSError as e:
        raise FileError(f"cannot write stdout: {e.strerror or e}") from None


def hx1_create(identity_file: str, recipient_file: str, payload_file: str) -> None:
    """Seals the payload for the recipient's machine token, from this identity (no directory)."""
    identity = hxjwt.Identity.from_jwk(read_text(identity_file))
    recipient = hxjwt.MachineToken.from_jwk(read_text(recipient_file))
    payload = read_bytes(payload_file)
    token = hxjwt.Endpoint(identity).create(payload, to=recipient, ttl=TTL)
    write_stdout(token.encode("ascii") + b"\n")


def hx1_validate(identity_file: str, sender_file: str, token_file: str) -> None:
    """Validates the token as sent by the sender whose machine token is given; prints the
    payload."""
    identity = hxjwt.Identity.from_jwk(read_text(identity_file))
    sender = hxjwt.MachineToken.from_jwk(read_text(sender_file))
    token = read_token(token_file)
    message = hxjwt.Endpoint(identity).validate(token, sender=sender)
    write_stdout(message.payload)


def es256_sign(private_jwk_file: str, claims_file: str) -> None:
    """Signs the claims (a JSON object) with ES256."""
    key = hxjwt.Key.from_jwk(read_text(private_jwk_file))
    text = read_text(claims_file)
    try:
        claims: Any = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise Refused("InvalidArgument", f"{claims_file} is not JSON: {e}") from None
    if not isinstance(claims, dict):
        raise Refused("InvalidArgument", f"{claims_file} is not a JSON object")
    token = hxjwt.encode(claims, key, algorithm="ES256")
    write_stdout(token.encode("ascii") + b"\n")


def es256_verify(public_jwk_file: str, token_file: str) -> None:
    """Verifies with the algorithms ["ES256"] and no audience, ``exp`` required; prints the
    claims."""
    key = hxjwt.Key.from_jwk(read_text(public_jwk_file))
    token = read_token(token_file)
    # decode() follows PyJWT, which requires no claim by default; the core's default (and every
    # other face's) requires exp, so that a token that never expires is refused alike everywhere.
    claims = hxjwt.decode(token, key, algorithms=["ES256"], options={"require": ["exp"]})
    write_stdout(json.dumps(claims, separators=(",", ":")).encode("ascii") + b"\n")


def jwe_encrypt(alg: str, enc: str, recipient_jwk_file: str, payload_file: str) -> None:
    """Encrypts the payload bytes, exactly as they are, for the recipient's JWE key (a public
    JWK, or a secret one) with key management ``alg`` and content encryption ``enc``."""
    key = hxjwt.jwe.Key.from_jwk(read_text(recipient_jwk_file))
    payload = read_bytes(payload_file)
    token = hxjwt.jwe.encrypt(payload, key, alg=alg, enc=enc)
    write_stdout(token.encode("ascii") + b"\n")


def jwe_decrypt(alg: str, enc: str, private_jwk_file: str, token_file: str) -> None:
    """Decrypts the compact JWE with the private (or secret) JWE key, accepting only ``alg``
    and ``enc`` (the token never chooses); prints the plaintext bytes exactly."""
    key = hxjwt.jwe.Key.from_jwk(read_text(private_jwk_file))
    token = read_token(token_file)
    decrypted = hxjwt.jwe.decrypt(token, key, algorithms=[alg], encryptions=[enc])
    write_stdout(decrypted.plaintext)


COMMANDS: dict[str, tuple[int, Callable[..., None]]] = {
    "hx1-create": (3, hx1_create),
    "hx1-validate": (3, hx1_validate),
    "es256-sign": (2, es256_sign),
    "es256-verify": (2, es256_verify),
    "jwe-encrypt": (4, jwe_encrypt),
    "jwe-decrypt": (4, jwe_decrypt),
}


def usage(problem: str) -> NoReturn:
    sys.stderr.write(f"interop_py.py: {problem}\n{USAGE}")
    sys.exit(2)


def main(argv: list[str]) -> int:
    if not argv:
        usage("no command")
    command = COMMANDS.get(argv[0])
    if command is None:
        usage(f'unknown command "{argv[0]}"')
    n_args, run = command
    if len(argv) - 1 != n_args:
        usage(f"{argv[0]} takes {n_args} arguments, not {len(argv) - 1}")
    try:
        run(*argv[1:])
    except hxjwt.PyJWTError as e:
        kind = e.kind if isinstance(e.kind, str) else "Internal"
        sys.stderr.write(f"error: {kind}: {e}\n")
        return 1
    except Refused as e:
        sys.stderr.write(f"error: {e.kind}: {e}\n")
        return 1
    except FileError as e:
        sys.stderr.write(f"error: {e}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
