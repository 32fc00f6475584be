"""The standard-JWT API itself: keys in every accepted form, PyJWK/PyJWKSet, options, hxjwt's
own keywords, `.kind`/`.claim`, wrong argument types (a clear TypeError/ValueError/PyJWTError,
never pyo3's PanicException), threads and the GIL."""

from __future__ import annotations

import itertools
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import hxjwt
from conftest import load

KEYS = Path(__file__).resolve().parent.parent / "vectors" / "keys"
JWS = load("jws.json")
SECRET = b"k" * 32
T = 1_767_225_600


def ec_key() -> dict[str, Any]:
    jwk: dict[str, Any] = JWS["keys"]["ec-p256"]
    return jwk


def test_keys_in_every_form() -> None:
    private_pem = (KEYS / "ec-P-256.pkcs8.pem").read_text()
    public_pem = (KEYS / "ec-P-256.spki.pem").read_text()
    key = hxjwt.Key.from_pem(private_pem)
    assert (key.key_type, key.is_private, key.kid, key.algorithm) == ("EC", True, None, None)
    assert key.algorithms == ["ES256"]
    public = key.to_public()
    assert not public.is_private and public.thumbprint() == key.thumbprint()
    assert "d" not in public.to_public_jwk() and "d" in key.to_private_jwk()
    assert key.to_private_jwk()["d"] not in repr(key)
    token = hxjwt.encode({"sub": "x"}, key, algorithm="ES256")
    signers = [private_pem, private_pem.encode(), ec_key(), json.dumps(ec_key()), hxjwt.PyJWK(ec_key())]
    verifiers = [
        public, public_pem, public_pem.encode(), bytearray(public_pem.encode()), public.to_public_jwk(),
        json.dumps(public.to_public_jwk()), hxjwt.PyJWK(public.to_public_jwk()),
        hxjwt.PyJWKSet([hxjwt.Key.from_jwk(ec_key()).to_public_jwk()]),
        hxjwt.Key.from_jwk(public.to_public_jwk()),
    ]  # fmt: skip
    for signer in signers:
        token = hxjwt.encode({"sub": "x"}, signer, algorithm="ES256")
        for verifier in verifiers:
            assert hxjwt.decode(token, verifier, algorithms=["ES256"]) == {"sub": "x"}, verifier


def test_a_public_jwk_text_is_never_an_hmac_secret() -> None:
    """Algorithm confusion through a JWK given as JSON text: it is parsed as a JWK, so HS256
    with it fails with InvalidKeyError instead of using the public JWK as a secret."""
    import base64
    import hashlib
    import hmac

    public_text = json.dumps(hxjwt.Key.from_jwk(ec_key()).to_public_jwk())

    def b64(b: bytes) -> str:
        return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

    signing_input = b64(b'{"alg":"HS256"}') + "." + b64(b'{"sub":"admin"}')
    sig = hmac.new(public_text.encode(), signing_input.encode(), hashlib.sha256).digest()
    forged = signing_input + "." + b64(sig)
    for key in (public_text, public_text.encode()):
        with pytest.raises(hxjwt.InvalidKeyError):
            hxjwt.decode(forged, key, algorithms=["HS256", "ES256"])


def test_hmac_keys() -> None:
    for key in (SECRET, SECRET.decode(), bytearray(SECRET), hxjwt.Key.from_secret(SECRET),
                {"kty": "oct", "k": "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s"}):  # fmt: skip
        token = hxjwt.encode({"a": 1}, key)
        assert hxjwt.decode(token, SECRET, algorithms=["HS256"]) == {"a": 1}
    with pytest.raises(hxjwt.InvalidKeyError) as caught:
        hxjwt.encode({"a": 1}, SECRET, algorithm="HS512")
    assert "HS512 needs at least 64" in str(caught.value)
    assert 'options={"enforce_minimum_key_length": False}' in str(caught.value)
    short = hxjwt.Key.from_secret(b"short", allow_short=True)
    assert hxjwt.decode(hxjwt.encode({"a": 1}, short), short, algorithms=["HS256"]) == {"a": 1}
    with pytest.raises(hxjwt.InvalidKeyError) as caught:
        hxjwt.encode({"a": 1}, hxjwt.PyJWK({"kty": "oct", "k": "c2hvcnQ"}))
    assert "enforce_minimum_key_length" in str(caught.value)
    with pytest.raises(hxjwt.InvalidKeyError):
        hxjwt.Key.from_secret(b"")
    with pytest.raises(hxjwt.InvalidKeyError):
        hxjwt.Key.from_secret((KEYS / "ec-P-256.spki.pem").read_bytes())
    with pytest.raises(hxjwt.InvalidKeyError):
        hxjwt.Key.from_secret(b"k" * 32).to_public()


def test_generated_keys_for_every_algorithm() -> None:
    for alg in ("HS256", "HS384", "HS512", "ES256", "ES384", "ES512", "EdDSA"):
        key = hxjwt.Key.generate(alg)
        assert key.algorithm == alg and key.kid == key.thumbprint()
        verifier = key if alg.startswith("HS") else key.to_public_jwk()
        token = hxjwt.encode({"n": 1}, key, algorithm=alg)
        assert hxjwt.get_unverified_header(token)["kid"] == key.kid
        assert hxjwt.decode(token, verifier, algorithms=[alg]) == {"n": 1}
    with pytest.raises(hxjwt.InvalidAlgorithmError):
        hxjwt.Key.generate("none")
    with pytest.raises(hxjwt.InvalidKeyError):
        hxjwt.encode({"n": 1}, hxjwt.Key.generate("ES256"), algorithm="ES384")


def test_pyjwk() -> None:
    jwk = hxjwt.PyJWK(ec_key())
    assert (jwk.key_type, jwk.key_id, jwk.algorithm_name, jwk.public_key_use) == ("EC", "ec-p256", "ES256", None)
    assert isinstance(jwk.key, hxjwt.Key) and "PyJWK(" in repr(jwk) and ec_key()["d"] not in repr(jwk)
    assert hxjwt.PyJWK.from_json(json.dumps(ec_key())).algorithm_name == "ES256"
    assert hxjwt.PyJWK.from_dict({"kty": "RSA", **JWS["keys"]["rsa-2048"]}).algorithm_name == "RS256"
    assert hxjwt.PyJWK(JWS["keys"]["rsa-2048"], algorithm="PS384").algorithm_name == "PS384"
    assert hxjwt.PyJWK(JWS["keys"]["ed25519"]).algorithm_name == "EdDSA"
    assert hxjwt.PyJWK(JWS["keys"]["hmac"]).algorithm_name == "HS256"
    # A PyJWK verifies only tokens of its algorithm, as in PyJWT.
    rsa = JWS["keys"]["rsa-2048"]
    token = hxjwt.encode({"a": 1}, rsa, algorithm="PS256")
    assert hxjwt.decode(token, hxjwt.PyJWK(rsa, algorithm="PS256")) == {"a": 1}
    with pytest.raises(hxjwt.InvalidAlgorithmError):
        hxjwt.decode(token, hxjwt.PyJWK(rsa))
    with pytest.raises(hxjwt.InvalidAlgorithmError):
        hxjwt.decode(token, hxjwt.PyJWK(rsa), algorithms=["PS256"])
    # ... and .key is not bound to it (as PyJWT's cryptography key is not).
    assert hxjwt.decode(token, hxjwt.PyJWK(rsa).key, algorithms=["PS256"]) == {"a": 1}
    for bad, cls in [
        ({}, hxjwt.InvalidKeyError),
        ({"kty": ""}, hxjwt.InvalidKeyError),
        ({"kty": "XYZ"}, hxjwt.InvalidKeyError),
        ({"kty": "OKP", "x": "abc"}, hxjwt.InvalidKeyError),
        ({"kty": "OKP", "crv": "X25519", "x": "abc"}, hxjwt.InvalidKeyError),
        ({"kty": "EC", "crv": "P-999"}, hxjwt.InvalidKeyError),
        # ES256K exists now (issue 15): a secp256k1 JWK without x is a bad key (as in PyJWT),
        # and a P-256 key bound to ES256K is refused (PyJWT accepts it; the curve is wrong).
        ({"kty": "EC", "crv": "secp256k1"}, hxjwt.InvalidKeyError),
        ({**ec_key(), "alg": "ES256K"}, hxjwt.InvalidKeyError),
        ({**ec_key(), "x": "AAAA"}, hxjwt.InvalidKeyError),
        ({"kty": "RSA", "n": "AQAB", "e": "AQAB"}, hxjwt.InvalidKeyError),
    ]:
        with pytest.raises(cls) as caught:
            hxjwt.PyJWK(bad)
        assert ec_key()["d"] not in str(caught.value)
    with pytest.raises(hxjwt.InvalidKeyError):
        hxjwt.PyJWK(ec_key(), algorithm="RS256")
    with pytest.raises(TypeError):
        hxjwt.PyJWK("not a dict")  # type: ignore[arg-type]


def test_pyjwkset() -> None:
    keys = [JWS["keys"][n] for n in ("ec-p256", "rsa-2048", "ed25519")]
    jwks = hxjwt.PyJWKSet.from_dict(
        {"keys": [*keys, "junk", {"kty": "XYZ"}, {"kty": "OKP", "crv": "X25519", "x": "AAAA"}]}
    )
    assert [k.key_id for k in jwks] == ["ec-p256", "rsa-2048", "ed25519"] and len(jwks) == 3
    assert jwks["rsa-2048"].algorithm_name == "RS256" and len(jwks.keys) == 3
    with pytest.raises(KeyError, match="keyset has no key for kid: nope"):
        jwks["nope"]
    assert hxjwt.PyJWKSet.from_json(json.dumps({"keys": keys}))["ed25519"].key_type == "OKP"
    for bad in ([], None, {"keys": "x"}):
        with pytest.raises(hxjwt.PyJWKSetError):
            hxjwt.PyJWKSet(bad)  # type: ignore[arg-type]
    with pytest.raises(hxjwt.PyJWKSetError):
        hxjwt.PyJWKSet.from_dict({})
    with pytest.raises(hxjwt.PyJWKSetError):
        hxjwt.PyJWKSet.from_dict({"keys": [{"kty": "XYZ"}]})
    # As a decode key (hxjwt only): the token's kid selects.
    public = hxjwt.PyJWKSet([hxjwt.Key.from_jwk(k).to_public_jwk() for k in keys])
    token = hxjwt.encode({"a": 1}, JWS["keys"]["ed25519"], algorithm="EdDSA")
    assert hxjwt.decode(token, public, algorithms=["EdDSA", "ES256"]) == {"a": 1}
    orphan = hxjwt.encode({"a": 1}, JWS["keys"]["ed25519"], algorithm="EdDSA", headers={"kid": "gone"})
    with pytest.raises(hxjwt.KeyNotFoundError):
        hxjwt.decode(orphan, public, algorithms=["EdDSA"])
    with pytest.raises(TypeError):
        hxjwt.encode({"a": 1}, public)


def test_hxjwt_keywords_now_typ_max_age() -> None:
    token = hxjwt.encode({"iat": T - 100, "exp": T + 100}, SECRET, headers={"typ": "at+jwt"})
    assert hxjwt.decode(token, SECRET, algorithms=["HS256"], now=T, typ="AT+JWT", max_age=200)
    assert hxjwt.decode(token, SECRET, algorithms=["HS256"], now=float(T) + 0.9)
    aware = datetime.fromtimestamp(T, tz=timezone.utc)
    assert hxjwt.decode(token, SECRET, algorithms=["HS256"], now=aware, max_age=timedelta(minutes=2))
    assert hxjwt.decode(token, SECRET, algorithms=["HS256"], now=aware.replace(tzinfo=None))
    with pytest.raises(hxjwt.ExpiredSignatureError) as caught:
        hxjwt.decode(token, SECRET, algorithms=["HS256"], now=T, max_age=50)
    assert caught.value.claim == "iat"
    with pytest.raises(hxjwt.ExpiredSignatureError) as caught:
        hxjwt.decode(token, SECRET, algorithms=["HS256"], now=T + 100)
    assert (caught.value.kind, caught.value.claim, str(caught.value)) == ("Expired", "exp", "Signature has expired")
    with pytest.raises(hxjwt.InvalidClaimError) as caught:
        hxjwt.decode(token, SECRET, algorithms=["HS256"], now=T, typ="JWT")
    assert caught.value.claim == "typ"
    assert hxjwt.decode(token, SECRET, algorithms=["HS256"], now=T + 105, leeway=5.5)
    with pytest.raises(hxjwt.ImmatureSignatureError) as caught:
        hxjwt.decode(token, SECRET, algorithms=["HS256"], now=T - 200)
    assert str(caught.value) == "The token is not yet valid (iat)"


def test_errors_carry_kind_and_claim() -> None:
    token = hxjwt.encode({"exp": "soon", "sub": 5}, SECRET)
    with pytest.raises(hxjwt.DecodeError) as caught:
        hxjwt.decode(token, SECRET, algorithms=["HS256"])
    assert (caught.value.kind, caught.value.claim) == ("InvalidClaim", "exp")
    with pytest.raises(hxjwt.InvalidSignatureError) as sig:
        hxjwt.decode(token, SECRET[::-1] + b"!", algorithms=["HS256"])
    assert (sig.value.kind, sig.value.claim, str(sig.value)) == (
        "InvalidSignature", None, "Signature verification failed",
    )
    with pytest.raises(hxjwt.DecodeError) as caught:
        hxjwt.decode("x.y", SECRET, algorithms=["HS256"])
    assert caught.value.kind == "Malformed" and caught.value.claim is None


def test_encode_headers() -> None:
    def header(**kw: Any) -> dict[str, Any]:
        return hxjwt.get_unverified_header(hxjwt.encode({"a": 1}, SECRET, **kw))

    assert header() == {"alg": "HS256", "typ": "JWT"}
    assert header(headers={"typ": None}) == {"alg": "HS256"}
    assert header(headers={"typ": ""}) == {"alg": "HS256"}
    assert header(headers={"typ": "at+jwt", "cty": "x", "x5t": "abc"}) == {
        "alg": "HS256", "typ": "at+jwt", "cty": "x", "x5t": "abc",
    }
    assert header(headers={"b64": True}) == {"alg": "HS256", "typ": "JWT"}
    assert header(headers={"alg": "HS384"}, options={"enforce_minimum_key_length": False})["alg"] == "HS384"
    assert header(sort_headers=False) == {"alg": "HS256", "typ": "JWT"}
    for bad in ({"crit": ["x"]}, {"b64": False}):
        with pytest.raises(hxjwt.InvalidArgumentError):
            hxjwt.encode({"a": 1}, SECRET, headers=bad)
    for alg in (None, "none", "NONE", "HS1", "Ed448"):  # ES256K exists now (issue 15)
        with pytest.raises(hxjwt.InvalidAlgorithmError):
            hxjwt.encode({"a": 1}, SECRET, algorithm=alg)
    assert hxjwt.encode({"a": 1}, hxjwt.PyJWK(JWS["keys"]["ed25519"]), algorithm=None).count(".") == 2
    with pytest.raises(ValueError):
        hxjwt.encode({"a": float("nan")}, SECRET)  # PyJWT writes NaN, which is not JSON
    with pytest.raises(TypeError):
        hxjwt.encode({"a": object()}, SECRET)


ODD: list[Any] = [
    None, 0, -1, 2**70, 1.5, float("nan"), float("inf"), "", "x", "\udcff", b"", b"\xff\xfe",
    [], [None], ["HS256", 5], {}, {"kty": None}, object(), True, timedelta(days=-1),
]  # fmt: skip


def test_wrong_types_never_panic() -> None:
    """Every argument of every function, given odd values: a TypeError, ValueError, KeyError,
    OverflowError or hxjwt error with a message, never PanicException."""
    token = hxjwt.encode({"exp": T + 10}, SECRET)
    calls = [
        lambda v: hxjwt.decode(v, SECRET, algorithms=["HS256"]),
        lambda v: hxjwt.decode(token, v, algorithms=["HS256"]),
        lambda v: hxjwt.decode(token, SECRET, algorithms=v),
        lambda v: hxjwt.decode(token, SECRET, algorithms=["HS256"], options=v),
        lambda v: hxjwt.decode(token, SECRET, algorithms=["HS256"], options={"require": v}),
        lambda v: hxjwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_signature": v}),
        lambda v: hxjwt.decode(token, SECRET, algorithms=["HS256"], audience=v),
        lambda v: hxjwt.decode(token, SECRET, algorithms=["HS256"], issuer=v),
        lambda v: hxjwt.decode(token, SECRET, algorithms=["HS256"], subject=v),
        lambda v: hxjwt.decode(token, SECRET, algorithms=["HS256"], leeway=v),
        lambda v: hxjwt.decode(token, SECRET, algorithms=["HS256"], now=v),
        lambda v: hxjwt.decode(token, SECRET, algorithms=["HS256"], typ=v),
        lambda v: hxjwt.decode(token, SECRET, algorithms=["HS256"], max_age=v),
        lambda v: hxjwt.decode(token, SECRET, algorithms=["HS256"], detached_payload=v),
        lambda v: hxjwt.decode_complete(v, options={"verify_signature": False}),
        lambda v: hxjwt.get_unverified_header(v),
        lambda v: hxjwt.encode(v, SECRET),
        lambda v: hxjwt.encode({"exp": v}, SECRET),
        lambda v: hxjwt.encode({"a": 1}, v),
        lambda v: hxjwt.encode({"a": 1}, SECRET, algorithm=v),
        lambda v: hxjwt.encode({"a": 1}, SECRET, headers=v),
        lambda v: hxjwt.encode({"a": 1}, SECRET, headers={"kid": v}),
        lambda v: hxjwt.encode({"a": 1}, SECRET, json_encoder=v),
        lambda v: hxjwt.encode({"a": 1}, SECRET, options=v),
        lambda v: hxjwt.Key.from_pem(v),
        lambda v: hxjwt.Key.from_jwk(v),
        lambda v: hxjwt.Key.from_secret(v),
        lambda v: hxjwt.Key.generate(v),
        lambda v: hxjwt.PyJWK(v),
        lambda v: hxjwt.PyJWK({"kty": "oct", "k": v}),
        lambda v: hxjwt.PyJWK(ec_key(), algorithm=v),
        lambda v: hxjwt.PyJWK.from_json(v),
        lambda v: hxjwt.PyJWKSet(v),
        lambda v: hxjwt.PyJWKSet.from_json(v),
        lambda v: hxjwt.PyJWKSet([ec_key()])[v],
    ]
    expected = (TypeError, ValueError, KeyError, OverflowError, hxjwt.PyJWTError)
    for call, value in itertools.product(calls, ODD):
        try:
            call(value)
        except expected as e:
            assert type(e).__name__ != "PanicException"
            assert str(e) or isinstance(e, KeyError), (call, value)
        except BaseException as e:  # noqa: BLE001
            raise AssertionError(f"{type(e).__name__}: {e} for {value!r}") from e


def test_threads_share_keys() -> None:
    key = hxjwt.Key.from_jwk(ec_key())
    public = key.to_public()
    tokens = [hxjwt.encode({"i": i}, key, algorithm="ES256") for i in range(200)]

    def check(i: int) -> Any:
        return hxjwt.decode(tokens[i], public, algorithms=["ES256"])["i"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(check, range(200))) == list(range(200))


def test_key_generation_releases_the_gil() -> None:
    """Key parsing, generation, signing and verifying share one helper that releases the GIL;
    RSA key generation is the one call slow enough to show it: while another thread generates
    keys, this thread keeps running Python (a held GIL would stop it for a whole generation)."""
    t0 = time.perf_counter()
    hxjwt.Key.generate("RS256")
    duration = time.perf_counter() - t0
    if duration < 0.05:
        pytest.skip("RSA key generation is too fast here to measure a pause against it")
    pauses = []
    for _ in range(3):
        worker = threading.Thread(target=lambda: [hxjwt.Key.generate("RS256") for _ in range(2)])
        longest, last = 0.0, time.perf_counter()
        worker.start()
        while worker.is_alive():
            now = time.perf_counter()
            longest, last = max(longest, now - last), now
        worker.join()
        pauses.append(longest)
        if longest < duration / 2:
            break
    assert min(pauses) < duration / 2, (pauses, duration)
