"""Issue 15, item 5, from Python: ES256K (RFC 8812), the fully-specified ``Ed25519`` name (RFC
9864) and OpenSSH public keys as verification keys (never as HMAC secrets), checked against
PyJWT and jwcrypto; error messages name the Python call to make."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from jwcrypto import jwk as jc_jwk  # type: ignore[import-untyped]
from jwcrypto import jws as jc_jws

import hxjwt
from conftest import load

KEYS = Path(__file__).resolve().parent.parent / "vectors" / "keys"
JWS = load("jws.json")
T = 1_767_225_600
CLAIMS = {"sub": "user-7", "exp": T + 300}


def pem(name: str) -> str:
    return (KEYS / name).read_text()


def openssh_line(private_pem: str, comment: str = "") -> str:
    """The OpenSSH public key line of a PEM private key, made by pyca/cryptography."""
    key: Any = serialization.load_pem_private_key(private_pem.encode(), None)
    line: str = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    ).decode()
    return f"{line} {comment}".rstrip()


def header(token: str) -> dict[str, Any]:
    h = token.split(".")[0]
    value: dict[str, Any] = json.loads(base64.urlsafe_b64decode(h + "=" * (-len(h) % 4)))
    return value


# ---------------------------------------------------------------------------------------------
# ES256K
# ---------------------------------------------------------------------------------------------


def test_es256k_round_trip_with_generated_and_pem_keys() -> None:
    key = hxjwt.Key.generate("ES256K")
    assert key.algorithms == ["ES256K"] and key.key_type == "EC"
    assert key.to_public_jwk()["crv"] == "secp256k1"
    token = hxjwt.encode(CLAIMS, key, algorithm="ES256K")
    assert header(token)["alg"] == "ES256K"
    assert hxjwt.decode(token, key.to_public(), algorithms=["ES256K"], now=T) == CLAIMS
    openssl = hxjwt.Key.from_pem(pem("ec-secp256k1.pkcs8.pem"))
    assert openssl.algorithms == ["ES256K"]
    with pytest.raises(hxjwt.InvalidKeyError):
        hxjwt.encode(CLAIMS, openssl, algorithm="ES256")
    with pytest.raises(hxjwt.InvalidKeyError):
        hxjwt.encode(CLAIMS, hxjwt.Key.from_pem(pem("ec-P-256.pkcs8.pem")), algorithm="ES256K")


def test_es256k_tokens_go_both_ways_with_pyjwt_and_jwcrypto() -> None:
    private_pem = pem("ec-secp256k1.pkcs8.pem")
    key = hxjwt.Key.from_pem(private_pem)
    public_jwk = key.to_public_jwk()
    ours = hxjwt.encode(CLAIMS, key, algorithm="ES256K")
    # PyJWT and jwcrypto verify hxjwt's token...
    crypto_key: Any = serialization.load_pem_private_key(private_pem.encode(), None)
    assert pyjwt.decode(
        ours, crypto_key.public_key(), algorithms=["ES256K"], options={"verify_exp": False}
    ) == CLAIMS
    verifier = jc_jws.JWS()
    verifier.deserialize(ours)
    verifier.verify(jc_jwk.JWK(**public_jwk), alg="ES256K")
    assert json.loads(verifier.payload) == CLAIMS
    # ... and hxjwt verifies PyJWT's, with the public JWK or the PEM as the key.
    theirs = pyjwt.encode(CLAIMS, crypto_key, algorithm="ES256K")
    assert hxjwt.decode(theirs, key.to_public(), algorithms=["ES256K"], now=T) == CLAIMS
    assert hxjwt.decode(theirs, private_pem, algorithms=["ES256K"], now=T) == CLAIMS
    assert hxjwt.decode(theirs, hxjwt.PyJWK(public_jwk), now=T) == CLAIMS


def test_the_jwcrypto_es256k_vectors_are_in_the_shared_file() -> None:
    names = {v["name"] for v in JWS["valid"] if v["alg"] == "ES256K"}
    assert {"es256k-valid", "es256k-jwcrypto-low-s", "es256k-jwcrypto-high-s"} <= names
    key = hxjwt.Key.from_jwk(JWS["keys"]["ec-secp256k1"]).to_public()
    for v in JWS["valid"]:
        if v["name"].startswith("es256k-jwcrypto"):
            claims = hxjwt.decode(
                v["token"], key, algorithms=["ES256K"], audience="api.example.com", now=v["now"]
            )
            assert claims == v["claims"]


# ---------------------------------------------------------------------------------------------
# Ed25519 (RFC 9864) beside EdDSA
# ---------------------------------------------------------------------------------------------


def test_ed25519_and_eddsa_each_by_its_own_name() -> None:
    key = hxjwt.Key.from_pem(pem("ed25519.pkcs8.pem"))
    assert key.algorithms == ["EdDSA", "Ed25519"]
    public = key.to_public()
    t_ed = hxjwt.encode(CLAIMS, key, algorithm="Ed25519")
    t_eddsa = hxjwt.encode(CLAIMS, key, algorithm="EdDSA")
    assert header(t_ed)["alg"] == "Ed25519" and header(t_eddsa)["alg"] == "EdDSA"
    assert t_ed.rsplit(".", 1)[1] != t_eddsa.rsplit(".", 1)[1]  # different headers signed
    both = ["EdDSA", "Ed25519"]
    assert hxjwt.decode(t_ed, public, algorithms=both, now=T) == CLAIMS
    assert hxjwt.decode(t_eddsa, public, algorithms=both, now=T) == CLAIMS
    with pytest.raises(hxjwt.InvalidAlgorithmError):
        hxjwt.decode(t_ed, public, algorithms=["EdDSA"], now=T)
    with pytest.raises(hxjwt.InvalidAlgorithmError):
        hxjwt.decode(t_eddsa, public, algorithms=["Ed25519"], now=T)
    # A JWK's alg binds the key to that name only.
    jwk = public.to_public_jwk()
    eddsa_only = hxjwt.Key.from_jwk({**jwk, "alg": "EdDSA"})
    ed_only = hxjwt.Key.from_jwk({**jwk, "alg": "Ed25519"})
    assert hxjwt.decode(t_eddsa, eddsa_only, algorithms=both, now=T) == CLAIMS
    assert hxjwt.decode(t_ed, ed_only, algorithms=both, now=T) == CLAIMS
    with pytest.raises(hxjwt.InvalidKeyError):
        hxjwt.decode(t_ed, eddsa_only, algorithms=both, now=T)
    with pytest.raises(hxjwt.InvalidKeyError):
        hxjwt.decode(t_eddsa, ed_only, algorithms=both, now=T)
    generated = hxjwt.Key.generate("Ed25519")
    assert generated.algorithm == "Ed25519" and generated.to_public_jwk()["alg"] == "Ed25519"


# ---------------------------------------------------------------------------------------------
# OpenSSH public keys
# ---------------------------------------------------------------------------------------------

SSH_CASES = [
    ("rsa2048.pkcs8.pem", "RS256"),
    ("rsa2048.pkcs8.pem", "PS384"),
    ("ec-P-256.pkcs8.pem", "ES256"),
    ("ec-P-384.pkcs8.pem", "ES384"),
    ("ec-P-521.pkcs8.pem", "ES512"),
    ("ed25519.pkcs8.pem", "EdDSA"),
    ("ed25519.pkcs8.pem", "Ed25519"),
]


@pytest.mark.parametrize(("file", "alg"), SSH_CASES)
def test_openssh_public_keys_verify(file: str, alg: str) -> None:
    private = hxjwt.Key.from_pem(pem(file))
    line = openssh_line(pem(file), "alice@laptop")
    token = hxjwt.encode(CLAIMS, private, algorithm=alg)
    for form in (line, line.encode(), line + "\n"):
        key = hxjwt.Key.from_openssh(form)
        assert not key.is_private and key.thumbprint() == private.thumbprint()
        assert hxjwt.decode(token, key, algorithms=[alg], now=T) == CLAIMS
        assert hxjwt.Key.from_pem(form).thumbprint() == private.thumbprint()
        with pytest.raises(hxjwt.InvalidKeyError):
            hxjwt.encode(CLAIMS, key, algorithm=alg)
    # The line as a plain decode key (str or bytes), as PyJWT takes it.
    assert hxjwt.decode(token, line, algorithms=[alg], now=T) == CLAIMS
    assert hxjwt.decode(token, line.encode(), algorithms=[alg], now=T) == CLAIMS


def test_pyjwt_tokens_verify_with_the_openssh_line() -> None:
    private_pem = pem("ec-P-256.pkcs8.pem")
    crypto_key: Any = serialization.load_pem_private_key(private_pem.encode(), None)
    token = pyjwt.encode(CLAIMS, crypto_key, algorithm="ES256")
    line = openssh_line(private_pem)
    assert hxjwt.decode(token, hxjwt.Key.from_openssh(line), algorithms=["ES256"], now=T) == CLAIMS
    # PyJWT reads the same line as the same key.
    assert pyjwt.decode(token, line, algorithms=["ES256"], options={"verify_exp": False}) == CLAIMS


def test_openssh_keys_are_never_hmac_secrets_and_the_message_names_the_python_call() -> None:
    line = openssh_line(pem("ed25519.pkcs8.pem"))
    # HS256 "signed" with the line's bytes, the algorithm-confusion attack.
    import hashlib
    import hmac

    def b64(b: bytes) -> str:
        return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

    signing_input = b64(b'{"alg":"HS256","typ":"JWT"}') + "." + b64(json.dumps(CLAIMS).encode())
    forged = (
        signing_input
        + "."
        + b64(hmac.new(line.encode(), signing_input.encode(), hashlib.sha256).digest())
    )
    for key in (line, line.encode(), hxjwt.Key.from_openssh(line)):
        with pytest.raises(hxjwt.InvalidKeyError):
            hxjwt.decode(forged, key, algorithms=["HS256"], now=T)
    with pytest.raises(hxjwt.InvalidKeyError) as caught:
        hxjwt.Key.from_secret(line)
    message = str(caught.value)
    assert "hxjwt.Key.from_openssh" in message and "hxjwt.Key.from_pem" in message
    assert "Key::" not in message
    with pytest.raises(hxjwt.InvalidKeyError) as caught:
        hxjwt.Key.from_secret(pem("ec-P-256.spki.pem").encode())
    assert "hxjwt.Key.from_pem" in str(caught.value)
    oct_jwk = {"kty": "oct", "k": b64(line.encode())}
    with pytest.raises(hxjwt.InvalidKeyError):
        hxjwt.Key.from_jwk(oct_jwk)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("ssh-dss AAAAB3NzaC1kc3M=", "DSA"),
        ("sk-ssh-ed25519@openssh.com AAAA", "FIDO"),
        ("ssh-ed25519-cert-v01@openssh.com AAAA", "certificates"),
        ("ssh-ed25519", "no base64"),
        ("ssh-ed25519 AAAA", "truncated"),
        ("ssh-rsa " + "A" * 20_000, "longer than"),
    ],
)
def test_bad_openssh_lines_raise_invalid_key(text: str, says: str) -> None:
    with pytest.raises(hxjwt.InvalidKeyError) as caught:
        hxjwt.Key.from_openssh(text)
    assert says in str(caught.value)


def test_a_1024_bit_ssh_rsa_key_is_refused() -> None:
    line = openssh_line(pem("rsa1024.pkcs8.pem"))
    with pytest.raises(hxjwt.InvalidKeyError) as caught:
        hxjwt.Key.from_openssh(line)
    assert "1024 bits" in str(caught.value)


def test_from_openssh_takes_only_text() -> None:
    with pytest.raises(TypeError):
        hxjwt.Key.from_openssh(42)  # type: ignore[arg-type]
