"""Tokens cross between the Python module, the CLI and the C library, in both directions
(issue 4's "done when"): HX1 tokens (`Endpoint.create`/`validate`, `hxjwt create`/`validate`,
`hx_create_jwt`/`hx_validate_jwt`) and standard JWS (`hxjwt.encode`/`decode`, `hxjwt sign`/
`verify`, `hx_jwt_encode`/`hx_jwt_decode`) for every algorithm.

The CLI (target/debug/hxjwt) and the C library (target/debug/libhxjwt.so) are those of
`cargo build`; when one is missing, the module's setup builds it (`cargo build -p hxjwt-cli
-p hxjwt-ffi`, a few minutes on a fresh machine)."""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import hxjwt
from conftest import load

ROOT = Path(__file__).resolve().parent.parent.parent
TARGET = ROOT / "target"
CLI = TARGET / "debug" / "hxjwt"
LIB = TARGET / "debug" / ("libhxjwt.dylib" if sys.platform == "darwin" else "libhxjwt.so")
NOW = 1_767_225_600
JWS = load("jws.json")
KEY_OF = {
    "HS256": "hmac", "HS384": "hmac", "HS512": "hmac",
    "RS256": "rsa-2048", "RS384": "rsa-2048", "RS512": "rsa-2048",
    "PS256": "rsa-2048", "PS384": "rsa-2048", "PS512": "rsa-2048",
    "ES256": "ec-p256", "ES384": "ec-p384", "ES512": "ec-p521",
    "EdDSA": "ed25519",
}  # fmt: skip


def build_if_missing() -> None:
    packages = [p for p, path in (("hxjwt-cli", CLI), ("hxjwt-ffi", LIB)) if not path.exists()]
    if not packages:
        return
    env = dict(os.environ, CARGO_TARGET_DIR=str(TARGET))  # `make py-test` points it elsewhere
    command = ["cargo", "build", "--locked"] + [arg for p in packages for arg in ("-p", p)]
    subprocess.run(command, cwd=ROOT, env=env, check=True)


@pytest.fixture(scope="module", autouse=True)
def built() -> None:
    build_if_missing()


def cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(CLI), *args], input=stdin, capture_output=True, timeout=120, check=False
    )


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value))
    return path


# --- the C library, through ctypes -------------------------------------------------------------

HX_OK = 0
HX_ERR_INVALID_SIGNATURE = 107
HX_ERR_EXPIRED = 108

P = ctypes.c_void_p


class C:
    """The few functions of include/hxjwt.h these tests call, with their C types."""

    def __init__(self) -> None:
        lib = ctypes.CDLL(str(LIB))
        sig: dict[str, tuple[Any, list[Any]]] = {
            "hx_last_error_message": (ctypes.c_char_p, []),
            "hx_string_free": (None, [P]),
            "hx_identity_from_jwk": (ctypes.c_int, [ctypes.c_char_p, ctypes.POINTER(P)]),
            "hx_identity_free": (None, [P]),
            "hx_endpoint_new": (ctypes.c_int, [P, P, ctypes.POINTER(P)]),
            "hx_endpoint_set_time": (ctypes.c_int, [P, ctypes.c_int64]),
            "hx_endpoint_free": (None, [P]),
            "hx_create_jwt": (
                ctypes.c_int,
                [P, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t,
                 ctypes.c_uint64, ctypes.POINTER(P)],
            ),
            "hx_validate_jwt": (ctypes.c_int, [P, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(P)]),
            "hx_message_payload": (P, [P, ctypes.POINTER(ctypes.c_size_t)]),
            "hx_message_issuer": (ctypes.c_char_p, [P]),
            "hx_message_free": (None, [P]),
            "hx_key_from_jwk": (ctypes.c_int, [ctypes.c_char_p, ctypes.POINTER(P)]),
            "hx_key_free": (None, [P]),
            "hx_jwt_encode": (
                ctypes.c_int,
                [P, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(P)],
            ),
            "hx_validation_new": (
                ctypes.c_int, [ctypes.POINTER(ctypes.c_char_p), ctypes.c_size_t, ctypes.POINTER(P)]
            ),
            "hx_validation_set_time": (ctypes.c_int, [P, ctypes.c_int64]),
            "hx_validation_free": (None, [P]),
            "hx_jwt_decode": (ctypes.c_int, [P, P, ctypes.c_char_p, P, ctypes.POINTER(P)]),
        }  # fmt: skip
        for name, (restype, argtypes) in sig.items():
            fn = getattr(lib, name)
            fn.restype, fn.argtypes = restype, argtypes
        self.lib = lib

    def check(self, status: int) -> None:
        if status != HX_OK:
            message = self.lib.hx_last_error_message().decode()
            raise AssertionError(f"status {status}: {message}")

    def take_string(self, ptr: P) -> str:
        text = ctypes.string_at(ptr.value).decode()
        self.lib.hx_string_free(ptr)
        return text

    def endpoint(self, identity: hxjwt.Identity) -> P:
        ident, ep = P(), P()
        self.check(self.lib.hx_identity_from_jwk(json.dumps(identity.to_jwk()).encode(), ctypes.byref(ident)))
        try:
            self.check(self.lib.hx_endpoint_new(ident, None, ctypes.byref(ep)))
        finally:
            self.lib.hx_identity_free(ident)
        self.check(self.lib.hx_endpoint_set_time(ep, NOW))
        return ep

    def key(self, jwk: dict[str, Any]) -> P:
        key = P()
        self.check(self.lib.hx_key_from_jwk(json.dumps(jwk).encode(), ctypes.byref(key)))
        return key


@pytest.fixture(scope="module")
def c() -> Iterator[C]:
    yield C()


@pytest.fixture(scope="module")
def alice() -> hxjwt.Identity:
    return hxjwt.Identity.generate("alice.service")


@pytest.fixture(scope="module")
def bob() -> hxjwt.Identity:
    return hxjwt.Identity.generate("bob.service")


# --- HX1 ---------------------------------------------------------------------------------------


def test_hx1_python_to_cli_and_back(tmp_path: Path, alice: hxjwt.Identity, bob: hxjwt.Identity) -> None:
    alice_key = write_json(tmp_path / "alice.jwk", alice.to_jwk())
    alice_pub = write_json(tmp_path / "alice.pub.jwk", alice.machine_token.to_jwk())
    bob_key = write_json(tmp_path / "bob.jwk", bob.to_jwk())
    bob_pub = write_json(tmp_path / "bob.pub.jwk", bob.machine_token.to_jwk())

    # Python creates, the CLI validates.
    token = hxjwt.Endpoint(alice, clock=NOW).create({"order": 42}, to=bob.machine_token)
    done = cli("validate", "--key", str(bob_key), "--from-token", str(alice_pub), "--now", str(NOW), "-",
               stdin=token.encode())  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"order": 42}
    # ... and refuses it tampered, or too late.
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    done = cli("validate", "--key", str(bob_key), "--from-token", str(alice_pub), "--now", str(NOW), tampered)
    assert done.returncode == 1 and b"InvalidSignature" in done.stderr
    done = cli("validate", "--key", str(bob_key), "--from-token", str(alice_pub), "--now", str(NOW + 10_000), token)
    assert done.returncode == 1 and b"Expired" in done.stderr

    # The CLI creates, Python validates.
    done = cli("create", "--key", str(alice_key), "--to-token", str(bob_pub), "--now", str(NOW), "--jti", "j-1",
               "hello from the CLI")  # fmt: skip
    assert done.returncode == 0, done.stderr
    message = hxjwt.Endpoint(bob, clock=NOW).validate(done.stdout.decode().strip(), sender=alice.machine_token)
    assert message.payload == b"hello from the CLI"
    assert (message.issuer, message.audience, message.jti) == ("alice.service", "bob.service", "j-1")


def test_hx1_python_to_c_and_back(c: C, alice: hxjwt.Identity, bob: hxjwt.Identity) -> None:
    alice_ep, bob_ep = c.endpoint(alice), c.endpoint(bob)
    alice_public = json.dumps(alice.machine_token.to_jwk()).encode()
    bob_public = json.dumps(bob.machine_token.to_jwk()).encode()
    try:
        # Python creates, C validates.
        token = hxjwt.Endpoint(alice, clock=NOW).create(b"\x00binary\xff", to=bob.machine_token)
        msg = P()
        c.check(c.lib.hx_validate_jwt(bob_ep, token.encode(), alice_public, ctypes.byref(msg)))
        length = ctypes.c_size_t()
        data = c.lib.hx_message_payload(msg, ctypes.byref(length))
        assert ctypes.string_at(data, length.value) == b"\x00binary\xff"
        assert c.lib.hx_message_issuer(msg) == b"alice.service"
        c.lib.hx_message_free(msg)
        bad = P()
        forged = token[:-2] + ("AA" if not token.endswith("AA") else "BA")
        assert c.lib.hx_validate_jwt(bob_ep, forged.encode(), alice_public, ctypes.byref(bad)) in (
            HX_ERR_INVALID_SIGNATURE, 100,
        )
        assert bad.value is None

        # C creates, Python validates.
        out = P()
        payload = b'{"from":"C"}'
        c.check(c.lib.hx_create_jwt(alice_ep, None, bob_public, payload, len(payload), 300, ctypes.byref(out)))
        token = c.take_string(out)
        message = hxjwt.Endpoint(bob, clock=NOW).validate(token, sender=alice.machine_token)
        assert message.json() == {"from": "C"} and message.expires_at == NOW + 300
    finally:
        c.lib.hx_endpoint_free(alice_ep)
        c.lib.hx_endpoint_free(bob_ep)


# --- standard JWS ------------------------------------------------------------------------------


def keys_for(alg: str) -> tuple[dict[str, Any], dict[str, Any]]:
    private = JWS["keys"][KEY_OF[alg]]
    public = private if private["kty"] == "oct" else hxjwt.Key.from_jwk(private).to_public_jwk()
    return private, public


CLAIMS = {"sub": "user-7", "aud": "api", "iat": NOW, "exp": NOW + 600, "name": "Ada ✓"}


@pytest.mark.parametrize("alg", list(KEY_OF))
def test_jws_python_to_cli_and_back(tmp_path: Path, alg: str) -> None:
    private, public = keys_for(alg)
    private_file = write_json(tmp_path / "private.jwk", private)
    public_file = write_json(tmp_path / "public.jwk", public)

    token = hxjwt.encode(CLAIMS, private, algorithm=alg)
    done = cli("verify", "--key", str(public_file), "--alg", alg, "--aud", "api", "--now", str(NOW), token)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == CLAIMS
    done = cli("verify", "--key", str(public_file), "--alg", alg, "--now", str(NOW), token)
    assert done.returncode == 1 and b"WrongAudience" in done.stderr

    done = cli("sign", "--key", str(private_file), "--alg", alg, json.dumps(CLAIMS))
    assert done.returncode == 0, done.stderr
    token = done.stdout.decode().strip()
    assert hxjwt.decode(token, public, algorithms=[alg], audience="api", now=NOW) == CLAIMS
    with pytest.raises(hxjwt.ExpiredSignatureError):
        hxjwt.decode(token, public, algorithms=[alg], audience="api", now=NOW + 600)


def test_jws_hmac_secret_file(tmp_path: Path) -> None:
    secret = os.urandom(32)
    (tmp_path / "secret").write_bytes(secret)
    done = cli("sign", "--secret-file", str(tmp_path / "secret"), "--alg", "HS256", json.dumps(CLAIMS))
    assert done.returncode == 0, done.stderr
    assert hxjwt.decode(done.stdout.decode().strip(), secret, algorithms=["HS256"], audience="api", now=NOW) == CLAIMS
    token = hxjwt.encode(CLAIMS, secret)
    done = cli("verify", "--secret-file", str(tmp_path / "secret"), "--alg", "HS256", "--aud", "api",
               "--now", str(NOW), token)  # fmt: skip
    assert done.returncode == 0 and json.loads(done.stdout) == CLAIMS


@pytest.mark.parametrize("alg", list(KEY_OF))
def test_jws_python_to_c_and_back(c: C, alg: str) -> None:
    private, public = keys_for(alg)
    signer, verifier = c.key(private), c.key(public)
    algs = (ctypes.c_char_p * 1)(alg.encode())
    v = P()
    c.check(c.lib.hx_validation_new(algs, 1, ctypes.byref(v)))
    try:
        c.check(c.lib.hx_validation_set_time(v, NOW))
        # Python signs, C verifies (no audience configured: the token must have none).
        claims = {k: val for k, val in CLAIMS.items() if k != "aud"}
        token = hxjwt.encode(claims, private, algorithm=alg, headers={"kid": "k-1"})
        out = P()
        c.check(c.lib.hx_jwt_decode(verifier, None, token.encode(), v, ctypes.byref(out)))
        assert json.loads(c.take_string(out)) == claims
        assert c.lib.hx_jwt_decode(verifier, None, token[:-3].encode() + b"AAA", v, ctypes.byref(out)) != HX_OK
        # C signs, Python verifies.
        c.check(c.lib.hx_jwt_encode(signer, alg.encode(), b'{"kid":"k-2"}', json.dumps(claims).encode(),
                                    ctypes.byref(out)))  # fmt: skip
        token = c.take_string(out)
        complete = hxjwt.decode_complete(token, public, algorithms=[alg], now=NOW)
        assert complete["payload"] == claims and complete["header"]["kid"] == "k-2"
    finally:
        c.lib.hx_validation_free(v)
        c.lib.hx_key_free(signer)
        c.lib.hx_key_free(verifier)
