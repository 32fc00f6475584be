"""Remote JWK Sets over real TLS (issue 17 item 4): ca_file=, headers= and allow_mixed_keys= of
hxjwt.PyJWKClient and Directory.from_url, and of hxjwt.jwks_client.PyJWKClient (urllib).

A certificate authority and leaf certificates are made in the test with ``cryptography``; a
loopback HTTPS server (http.server in daemon threads, wrapped by Python's ssl module, on
127.0.0.1 port 0) serves the JWK Set and records each request's headers. Nothing leaves the
machine; every request is bounded by the client's time-out.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import hxjwt
from hxjwt import jwks_client

EC_JWK = {
    "kty": "EC",
    "crv": "P-256",
    "kid": "ec-p256",
    "x": "rDqKwpVsfPCzFV81H56OBhVsLdEc4KMoz1P03b2mUVg",
    "y": "tO2hVo2NbL_uZtPQhpRCWQFvAgMT6yAlbFeeqlXa7ns",
}
OCT_JWK = {
    "kty": "oct",
    "kid": "hs",
    "k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
}
NOW = datetime.datetime.now(datetime.timezone.utc)


class Ca:
    """A certificate authority of the test."""

    def __init__(self, name: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        self.name = subject
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - datetime.timedelta(days=1))
            .not_valid_after(NOW + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(self.key, hashes.SHA256())
        )

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def leaf(self, tmp: Path, tag: str) -> tuple[Path, Path]:
        """A certificate for 127.0.0.1 and localhost, and its key, as PEM files."""
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(self.name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - datetime.timedelta(days=1))
            .not_valid_after(NOW + datetime.timedelta(days=30))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
            .sign(self.key, hashes.SHA256())
        )
        cert_path = tmp / f"{tag}-cert.pem"
        key_path = tmp / f"{tag}-key.pem"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return cert_path, key_path


class TlsServer:
    """A loopback HTTPS server: ``/jwks`` (the set), ``/mixed`` (an HMAC secret beside it),
    ``/to-http`` (a redirect to a plain http:// URL); records each request's headers."""

    def __init__(self, cert: Path, key: Path) -> None:
        self.seen: list[dict[str, list[str]]] = []
        self.lock = threading.Lock()
        self.redirect_to = "http://127.0.0.1:9/jwks"
        state = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                headers: dict[str, list[str]] = {}
                for name, value in self.headers.items():
                    headers.setdefault(name.lower(), []).append(value)
                with state.lock:
                    state.seen.append(headers)
                if self.path == "/to-http":
                    self.send_response(302)
                    self.send_header("Location", state.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                keys = [EC_JWK, OCT_JWK] if self.path == "/mixed" else [EC_JWK]
                body = json.dumps({"keys": keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/jwks") -> str:
        host, port = self.httpd.server_address[:2]
        return f"https://{host!s}:{port}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class PlainServer:
    """A loopback http:// server of the JWK Set (the target of an https -> http redirect)."""

    def __init__(self) -> None:
        self.hits = 0
        state = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                state.hits += 1
                body = json.dumps({"keys": [EC_JWK]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        host, port = self.httpd.server_address[:2]
        self.url = f"http://{host!s}:{port}/jwks"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def ca() -> Ca:
    return Ca("hxjwt Python test CA")


@pytest.fixture
def ca_file(ca: Ca, tmp_path: Path) -> Path:
    path = tmp_path / "ca.pem"
    path.write_bytes(ca.pem())
    return path


@pytest.fixture
def server(ca: Ca, tmp_path: Path) -> Iterator[TlsServer]:
    cert, key = ca.leaf(tmp_path, "leaf")
    s = TlsServer(cert, key)
    yield s
    s.close()


def test_success_with_ca_file(server: TlsServer, ca_file: Path) -> None:
    client = hxjwt.PyJWKClient(server.url(), ca_file=ca_file, timeout=10)
    assert client.get_signing_key("ec-p256").key_id == "ec-p256"
    # A str path works as a PathLike does.
    client = hxjwt.PyJWKClient(server.url(), ca_file=str(ca_file), timeout=10)
    assert [k.key_id for k in client.get_signing_keys()] == ["ec-p256"]


def test_unknown_ca_is_refused(server: TlsServer, tmp_path: Path) -> None:
    # The built-in roots do not know the test's CA.
    client = hxjwt.PyJWKClient(server.url(), timeout=10)
    with pytest.raises(hxjwt.PyJWKClientConnectionError, match=r"certificate not trusted \(unknown CA\)"):
        client.get_signing_key("ec-p256")
    # Nor does another CA's file.
    other = tmp_path / "other.pem"
    other.write_bytes(Ca("another CA").pem())
    client = hxjwt.PyJWKClient(server.url(), ca_file=other, timeout=10)
    with pytest.raises(hxjwt.PyJWKClientConnectionError, match=r"unknown CA"):
        client.get_signing_keys()
    assert server.seen == [], "no request got through a refused handshake"


def test_user_agent_and_headers_are_received(server: TlsServer, ca_file: Path) -> None:
    hxjwt.PyJWKClient(server.url(), ca_file=ca_file).get_signing_keys()
    hxjwt.PyJWKClient(
        server.url(), ca_file=ca_file, headers={"X-Api-Key": "k-123", "Authorization": "Bearer t"}
    ).get_signing_keys()
    hxjwt.PyJWKClient(
        server.url(), ca_file=ca_file, headers={"User-Agent": "billing/2.1"}
    ).get_signing_keys()
    first, second, third = server.seen
    assert first["user-agent"] == [f"hxjwt/{hxjwt.__version__}"]
    assert "x-api-key" not in first
    assert second["user-agent"] == [f"hxjwt/{hxjwt.__version__}"]
    assert second["x-api-key"] == ["k-123"]
    assert second["authorization"] == ["Bearer t"]
    assert third["user-agent"] == ["billing/2.1"]


def test_directory_from_url_takes_ca_file_and_headers(ca_file: Path, tmp_path: Path) -> None:
    d = hxjwt.Directory.from_url(
        "https://keys.example.com/hx1.json", ca_file=ca_file, headers={"X-Tenant": "t1"}
    )
    assert "from_url" in repr(d)
    with pytest.raises(hxjwt.InvalidArgumentError, match="CA file"):
        hxjwt.Directory.from_url("https://keys.example.com/hx1.json", ca_file=tmp_path / "none.pem")
    with pytest.raises(hxjwt.InvalidArgumentError, match="set by the HTTP client"):
        hxjwt.Directory.from_url("https://keys.example.com/hx1.json", headers={"Host": "x"})


def test_bad_options_are_refused_at_construction(tmp_path: Path) -> None:
    url = "https://keys.example.com/jwks.json"
    empty = tmp_path / "empty.pem"
    empty.write_text("no certificate here\n")
    with pytest.raises(hxjwt.InvalidArgumentError, match="no CERTIFICATE block") as info:
        hxjwt.PyJWKClient(url, ca_file=empty)
    assert str(empty) in str(info.value)
    assert isinstance(info.value, ValueError)
    with pytest.raises(hxjwt.InvalidArgumentError, match="cannot read the CA file"):
        hxjwt.PyJWKClient(url, ca_file=tmp_path / "missing.pem")
    for bad, why in [
        ({"Bad Name": "v"}, "not an HTTP token"),
        ({"Host": "evil.example"}, "set by the HTTP client"),
        ({"Transfer-Encoding": "chunked"}, "set by the HTTP client"),
        ({"X-A": "s3cr3t\r\nHost: evil"}, "control character"),
        ({"X-A": "s3cr3t\x00"}, "control character"),
    ]:
        with pytest.raises(hxjwt.InvalidArgumentError, match=why) as info:
            hxjwt.PyJWKClient(url, headers=bad)
        assert "s3cr3t" not in str(info.value)
    with pytest.raises(TypeError, match="must be a str"):
        hxjwt.PyJWKClient(url, headers={"X-A": 1})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="mapping"):
        hxjwt.PyJWKClient(url, headers=[("X-A", "1")])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="pass ca_file="):
        hxjwt.PyJWKClient(url, ssl_context=ssl.create_default_context())


def test_mixed_sets_need_the_opt_in(server: TlsServer, ca_file: Path) -> None:
    client = hxjwt.PyJWKClient(server.url("/mixed"), ca_file=ca_file)
    with pytest.raises(hxjwt.PyJWKClientConnectionError, match="not a valid JWK Set"):
        client.get_jwk_set()
    client = hxjwt.PyJWKClient(server.url("/mixed"), ca_file=ca_file, allow_mixed_keys=True)
    assert sorted(str(k.key_id) for k in client.get_jwk_set().keys) == ["ec-p256", "hs"]


def test_https_to_http_redirect_is_refused(server: TlsServer, ca_file: Path) -> None:
    plain = PlainServer()
    try:
        server.redirect_to = plain.url
        client = hxjwt.PyJWKClient(server.url("/to-http"), ca_file=ca_file, allow_http=True)
        with pytest.raises(hxjwt.PyJWKClientConnectionError, match="redirect from https to http refused"):
            client.get_signing_keys()
        assert plain.hits == 0, "the core refuses before connecting"
    finally:
        plain.close()


def test_urllib_client_ca_file_user_agent_and_redirects(server: TlsServer, ca_file: Path) -> None:
    client = jwks_client.PyJWKClient(server.url(), ca_file=ca_file, timeout=10)
    assert client.get_signing_key("ec-p256").key_id == "ec-p256"
    assert server.seen[-1]["user-agent"] == [f"hxjwt/{hxjwt.__version__}"]
    client = jwks_client.PyJWKClient(
        server.url(), ca_file=ca_file, headers={"user-agent": "svc/1", "X-A": "b"}
    )
    client.fetch_data()
    assert server.seen[-1]["user-agent"] == ["svc/1"]
    assert server.seen[-1]["x-a"] == ["b"]
    # urllib follows the redirect; the set it fetched over http is refused, never used.
    plain = PlainServer()
    try:
        server.redirect_to = plain.url
        client = jwks_client.PyJWKClient(server.url("/to-http"), ca_file=ca_file, cache_jwk_set=False)
        with pytest.raises(hxjwt.PyJWKClientConnectionError, match="redirect from https to http refused"):
            client.get_signing_keys()
        assert plain.hits == 1
    finally:
        plain.close()
    with pytest.raises(hxjwt.PyJWKClientConnectionError):
        jwks_client.PyJWKClient(server.url(), timeout=10).fetch_data()  # unknown CA
    with pytest.raises(ValueError, match="not both"):
        jwks_client.PyJWKClient(server.url(), ca_file=ca_file, ssl_context=ssl.create_default_context())
