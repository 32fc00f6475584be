"""hxjwt.compat and PyJWT's module layout: the `jwt` alias, both modes, and issue 15's small
incompatibilities ({"aud": None}, a non-string kid, unknown keywords, messages)."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator

import pytest

import hxjwt
from hxjwt import compat

SHORT = "secret"  # 6 bytes: PyJWT's test secret
LONG = "k" * 32


@pytest.fixture
def alias() -> Iterator[object]:
    saved = {k: v for k, v in sys.modules.items() if k == "jwt" or k.startswith("jwt.")}
    yield compat.install()
    compat.uninstall()
    sys.modules.update(saved)


@pytest.fixture
def faithful() -> Iterator[object]:
    saved = {k: v for k, v in sys.modules.items() if k == "jwt" or k.startswith("jwt.")}
    yield compat.install(pyjwt_defaults=True)
    compat.uninstall()
    sys.modules.update(saved)


def test_install_registers_hxjwt_and_its_submodules_as_jwt(alias: object) -> None:
    import importlib
    from typing import Any

    jwt: Any = importlib.import_module("jwt")
    algorithms: Any = importlib.import_module("jwt.algorithms")
    api_jws: Any = importlib.import_module("jwt.api_jws")

    assert jwt.encode is hxjwt.encode and jwt.PyJWT is hxjwt.PyJWT
    assert jwt.PyJWKClient is hxjwt.jwks_client.PyJWKClient
    assert algorithms.RSAAlgorithm is hxjwt.algorithms.RSAAlgorithm
    assert api_jws.PyJWS is hxjwt.PyJWS
    assert sys.modules["jwt.exceptions"] is hxjwt.exceptions
    assert compat.installed()


def test_uninstall_removes_the_alias_and_the_switch(faithful: object) -> None:
    compat.uninstall()
    assert not compat.installed()
    assert not compat.pyjwt_defaults_enabled()
    with pytest.raises(hxjwt.InvalidKeyError):
        hxjwt.encode({"a": 1}, SHORT, algorithm="HS256")


def test_default_mode_refuses_short_hmac_secrets_everywhere(alias: object) -> None:
    with pytest.raises(hxjwt.InvalidKeyError):
        hxjwt.encode({"a": 1}, SHORT, algorithm="HS256")
    with pytest.raises(hxjwt.InvalidKeyError):
        hxjwt.PyJWT().encode({"a": 1}, SHORT, algorithm="HS256")
    with pytest.raises(hxjwt.InvalidKeyError):
        hxjwt.PyJWS().encode(b"x", SHORT, algorithm="HS256")
    with pytest.raises(hxjwt.InvalidKeyError):
        hxjwt.algorithms.HMACAlgorithm(hxjwt.algorithms.HMACAlgorithm.SHA256).sign(b"m", b"short")


def test_faithful_mode_warns_where_pyjwt_warns_and_round_trips(faithful: object) -> None:
    with pytest.warns(hxjwt.InsecureKeyLengthWarning, match="6 bytes long"):
        token = hxjwt.PyJWT().encode({"a": 1}, SHORT, algorithm="HS256")
    with pytest.warns(hxjwt.InsecureKeyLengthWarning):
        assert hxjwt.PyJWT().decode(token, SHORT, algorithms=["HS256"]) == {"a": 1}
    with pytest.warns(hxjwt.InsecureKeyLengthWarning):
        top = hxjwt.encode({"a": 1}, SHORT, algorithm="HS256")
    assert top == token
    # enforce_minimum_key_length still refuses, as in PyJWT
    with pytest.raises(hxjwt.InvalidKeyError):
        hxjwt.PyJWT(options={"enforce_minimum_key_length": True}).encode({"a": 1}, SHORT)


def test_faithful_mode_keeps_alg_none_refused(faithful: object) -> None:
    with pytest.raises(hxjwt.InvalidAlgorithmError):
        hxjwt.PyJWS().encode(b"x", None, algorithm="none")


def test_aud_none_decodes_as_in_pyjwt() -> None:
    token = hxjwt.encode({"aud": None, "sub": "x"}, LONG, algorithm="HS256")
    assert hxjwt.decode(token, LONG, algorithms=["HS256"]) == {"aud": None, "sub": "x"}
    assert hxjwt.PyJWT().decode(token, LONG, algorithms=["HS256"])["aud"] is None
    with pytest.raises(hxjwt.MissingRequiredClaimError) as e:
        hxjwt.decode(token, LONG, algorithms=["HS256"], audience="api")
    assert e.value.claim == "aud" and str(e.value) == 'Token is missing the "aud" claim'


def test_non_string_kid_is_an_invalid_token() -> None:
    with pytest.raises(hxjwt.InvalidTokenError, match="Key ID header parameter must be a string"):
        hxjwt.PyJWS().encode(b"x", LONG, headers={"kid": 7})
    b64 = hxjwt.utils.base64url_encode
    signing_input = b64(b'{"alg":"HS256","kid":7}') + b"." + b64(b'{"a":1}')
    hmac = hxjwt.algorithms.HMACAlgorithm(hxjwt.algorithms.HMACAlgorithm.SHA256)
    token = (signing_input + b"." + b64(hmac.sign(signing_input, LONG.encode()))).decode()
    with pytest.raises(hxjwt.InvalidTokenError, match="Key ID header parameter must be a string"):
        hxjwt.PyJWS().decode(token, LONG, algorithms=["HS256"])
    with pytest.raises(hxjwt.InvalidTokenError, match="Key ID header parameter must be a string"):
        hxjwt.decode(token, LONG, algorithms=["HS256"])


def test_unknown_keywords_and_verify_warn() -> None:
    token = hxjwt.PyJWT().encode({"a": 1}, LONG)
    with pytest.warns(hxjwt.RemovedInPyjwt3Warning, match="Unsupported kwargs"):
        hxjwt.PyJWT().decode(token, LONG, algorithms=["HS256"], foo=1)
    with pytest.warns(DeprecationWarning, match="`verify` argument"):
        hxjwt.PyJWT().decode(token, LONG, algorithms=["HS256"], verify=False)


def test_pyjwt_messages() -> None:
    jwt = hxjwt.PyJWT()
    token = jwt.encode({"aud": "urn:a", "iss": "me", "sub": "s"}, LONG)
    with pytest.raises(hxjwt.InvalidAudienceError, match="^Audience doesn't match$"):
        jwt.decode(token, LONG, algorithms=["HS256"], audience="urn:b")
    with pytest.raises(hxjwt.InvalidAudienceError, match="^Invalid audience$"):
        jwt.decode(token, LONG, algorithms=["HS256"])
    with pytest.raises(hxjwt.InvalidIssuerError, match="^Invalid issuer$"):
        jwt.decode(token, LONG, algorithms=["HS256"], audience="urn:a", issuer="you")
    with pytest.raises(hxjwt.InvalidSubjectError, match="^Invalid subject$"):
        jwt.decode(token, LONG, algorithms=["HS256"], audience="urn:a", subject="t")
    with pytest.raises(hxjwt.DecodeError, match="^Not enough segments$"):
        jwt.decode("a.b", LONG, algorithms=["HS256"])


def test_algorithms_sign_in_the_core_and_take_cryptography_keys() -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    from hxjwt.algorithms import ECAlgorithm

    algo = ECAlgorithm(ECAlgorithm.SHA256)
    private = ec.generate_private_key(ec.SECP256R1())
    sig = algo.sign(b"hello", private)
    assert len(sig) == 64
    assert algo.verify(b"hello", private.public_key(), sig)
    assert not algo.verify(b"hellO", private.public_key(), sig)
    jwk = algo.to_jwk(private.public_key(), as_dict=True)
    assert jwk["crv"] == "P-256"
    token = hxjwt.encode({"a": 1}, private, algorithm="ES256")
    assert hxjwt.decode(token, jwk, algorithms=["ES256"]) == {"a": 1}


def test_pyjws_detached_and_unencoded_payloads() -> None:
    jws = hxjwt.PyJWS()
    detached = jws.encode(b"body", LONG, is_payload_detached=True)
    assert detached.split(".")[1] == ""
    assert jws.decode(detached, LONG, algorithms=["HS256"], detached_payload=b"body") == b"body"
    with pytest.raises(hxjwt.InvalidSignatureError):
        jws.decode(detached, LONG, algorithms=["HS256"], detached_payload=b"other")
    unencoded = jws.encode(b"body", LONG, headers={"b64": False, "crit": ["b64"]})
    assert jws.get_unverified_header(unencoded)["b64"] is False
    assert jws.decode(unencoded, LONG, algorithms=["HS256"], detached_payload=b"body") == b"body"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(hxjwt.InvalidTokenError, match="Unsupported critical extension"):
            jws.decode(
                jws.encode(b"x", LONG, headers={"crit": ["exp"], "exp": 1}),
                LONG,
                algorithms=["HS256"],
            )


def test_pyjwt_jwks_client_sends_headers_and_caches_for_lifespan() -> None:
    import http.server
    import json
    import threading

    from hxjwt.jwks_client import PyJWKClient

    key = hxjwt.Key.generate("ES256")
    jwks = {"keys": [{**key.to_public_jwk(), "use": "sig"}]}
    seen: list[str | None] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            seen.append(self.headers.get("User-Agent"))
            body = json.dumps(jwks).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
        client = PyJWKClient(url, headers={"User-Agent": "waf-friendly/1.0"}, timeout=5)
        token = hxjwt.encode({"sub": "x"}, key, algorithm="ES256")
        signing = client.get_signing_key_from_jwt(token)
        assert hxjwt.decode(token, signing, algorithms=["ES256"]) == {"sub": "x"}
        client.get_signing_key(key.kid or "")
        assert seen == ["waf-friendly/1.0"]  # one fetch: the set is cached for `lifespan`
        assert client.jwk_set_cache is not None
        with pytest.raises(hxjwt.PyJWKClientError, match="Unable to find a signing key"):
            client.get_signing_key("no-such-kid")
        assert len(seen) == 2  # an unknown kid refetches once
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(ValueError):
        PyJWKClient("file:///etc/passwd")
    with pytest.raises(hxjwt.PyJWKClientError, match="Lifespan must be greater than 0"):
        PyJWKClient("https://example.com/jwks.json", lifespan=0)


def test_short_secret_allowed_explicitly_in_the_default_mode_warns_and_works() -> None:
    jws = hxjwt.PyJWS(options={"enforce_minimum_key_length": False})
    with pytest.warns(hxjwt.InsecureKeyLengthWarning):
        token = jws.encode(b"x", SHORT)
    with pytest.warns(hxjwt.InsecureKeyLengthWarning):
        assert jws.decode(token, SHORT, algorithms=["HS256"]) == b"x"
    with pytest.raises(hxjwt.InvalidKeyError, match="6 bytes long"):
        hxjwt.PyJWS().decode(token, SHORT, algorithms=["HS256"])
