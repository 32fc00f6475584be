"""Remote JWK Sets and key rotation: Directory.from_url, PyJWKClient, Endpoint/Directory rotation.

Every test talks to a loopback HTTP server it starts itself (http.server in a thread, on
127.0.0.1, port 0): nothing leaves the machine. Each request is bounded by the client's
time-outs, and the server's threads are daemons, shut down by the fixture.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

import hxjwt


class JwksServer:
    """What the loopback server serves, changed by the tests; counts the requests."""

    def __init__(self) -> None:
        self.body = b'{"keys":[]}'
        self.status = 200
        self.cache_control: str | None = None
        self.delay = 0.0
        self.requests = 0
        self.lock = threading.Lock()
        self.httpd: ThreadingHTTPServer | None = None

    def publish(self, jwks: Any) -> None:
        self.body = json.dumps(jwks).encode()

    @property
    def url(self) -> str:
        assert self.httpd is not None
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/jwks.json"


@pytest.fixture
def server() -> Iterator[JwksServer]:
    state = JwksServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            with state.lock:
                state.requests += 1
            if state.delay:
                time.sleep(state.delay)
            body = state.body
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            if state.cache_control is not None:
                self.send_header("Cache-Control", state.cache_control)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.timeout = 5
    state.httpd = httpd
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def remote(server: JwksServer, **kwargs: Any) -> hxjwt.Directory:
    kwargs.setdefault("timeout", 5.0)
    kwargs.setdefault("connect_timeout", 2.0)
    return hxjwt.Directory.from_url(server.url, allow_http=True, **kwargs)


def published(*tokens: hxjwt.MachineToken) -> dict[str, Any]:
    return hxjwt.Directory(tokens).to_jwks()


def free_loopback_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


# --- Directory.from_url ----------------------------------------------------------------------


def test_hx1_validation_through_a_remote_directory(
    server: JwksServer, alice: hxjwt.Identity, bob: hxjwt.Identity
) -> None:
    server.publish(published(alice.machine_token, bob.machine_token))
    directory = remote(server)
    assert repr(directory) == f"Directory.from_url({server.url!r})"
    assert server.requests == 0  # nothing fetched before the first lookup
    sender = hxjwt.Endpoint(alice, directory)
    receiver = hxjwt.Endpoint(bob, directory)
    token = sender.create({"order": 42}, to="bob.service")
    message = receiver.validate(token)
    assert (message.issuer, message.json()) == ("alice.service", {"order": 42})
    assert "alice.service" in directory and len(directory) == 2
    assert [t.name for t in directory.tokens()] == ["alice.service", "bob.service"]
    assert directory.to_jwks() == published(alice.machine_token, bob.machine_token)
    assert directory.get("alice.service") == alice.machine_token


def test_cache_hit_makes_no_second_fetch(server: JwksServer, alice: hxjwt.Identity, bob: hxjwt.Identity) -> None:
    server.publish(published(alice.machine_token, bob.machine_token))
    server.cache_control = "public, max-age=600"
    directory = remote(server)
    sender, receiver = hxjwt.Endpoint(alice, directory), hxjwt.Endpoint(bob, directory)
    for i in range(5):
        assert receiver.validate(sender.create({"i": i}, to="bob.service")).json() == {"i": i}
    assert server.requests == 1


def test_unknown_name_refreshes_the_set(server: JwksServer, alice: hxjwt.Identity, bob: hxjwt.Identity) -> None:
    carol = hxjwt.Identity.generate("carol.service")
    server.publish(published(alice.machine_token, bob.machine_token))
    directory = remote(server, refresh_cooldown=0)
    receiver = hxjwt.Endpoint(bob, directory)
    assert len(directory) == 2 and server.requests == 1
    # carol joins the fleet: the set changes between fetches.
    server.publish(published(alice.machine_token, bob.machine_token, carol.machine_token))
    token = hxjwt.Endpoint(carol).create(b"hi", to=bob.machine_token)
    assert receiver.validate(token).issuer == "carol.service"
    assert server.requests == 2
    # A name nobody publishes: one refetch, then UnknownIssuerError.
    stranger = hxjwt.Endpoint(hxjwt.Identity.generate("mallory.service"))
    with pytest.raises(hxjwt.UnknownIssuerError):
        receiver.validate(stranger.create(b"x", to=bob.machine_token))
    assert server.requests == 3


def test_unknown_names_within_the_cooldown_cost_no_fetch(
    server: JwksServer, alice: hxjwt.Identity, bob: hxjwt.Identity
) -> None:
    server.publish(published(alice.machine_token, bob.machine_token))
    directory = remote(server)  # refresh_cooldown=30
    receiver = hxjwt.Endpoint(bob, directory)
    for i in range(20):
        stranger = hxjwt.Endpoint(hxjwt.Identity.generate(f"unknown-{i}"))
        with pytest.raises(hxjwt.UnknownIssuerError):
            receiver.validate(stranger.create(b"x", to=bob.machine_token))
    assert server.requests == 1


def test_server_down_raises_resolver_error(alice: hxjwt.Identity, bob: hxjwt.Identity) -> None:
    url = f"http://127.0.0.1:{free_loopback_port()}/jwks.json"
    directory = hxjwt.Directory.from_url(url, allow_http=True, timeout=3.0, connect_timeout=1.0)
    token = hxjwt.Endpoint(alice).create(b"x", to=bob.machine_token)
    with pytest.raises(hxjwt.ResolverError, match="127.0.0.1"):
        hxjwt.Endpoint(bob, directory).validate(token)
    with pytest.raises(hxjwt.ResolverError):
        len(directory)


@pytest.mark.parametrize(
    ("status", "body", "options", "match"),
    [
        (500, b"oops", {}, "500"),
        (404, b"", {}, "404"),
        (200, b'{"keys": [', {}, "not a valid JWK Set"),
        (200, b"[1, 2]", {}, "not a valid JWK Set"),
        (200, b'{"keys":[]}' + b" " * 4096, {"max_response_bytes": 1024}, "larger than 1024 bytes"),
    ],
    ids=["500", "404", "malformed-json", "not-a-set", "oversize"],
)
def test_bad_responses_raise_resolver_error(
    server: JwksServer,
    alice: hxjwt.Identity,
    bob: hxjwt.Identity,
    status: int,
    body: bytes,
    options: dict[str, Any],
    match: str,
) -> None:
    server.status, server.body = status, body
    directory = remote(server, **options)
    token = hxjwt.Endpoint(alice).create(b"x", to=bob.machine_token)
    with pytest.raises(hxjwt.ResolverError, match=match) as caught:
        hxjwt.Endpoint(bob, directory).validate(token)
    assert caught.value.kind == "ResolverFailed"
    assert isinstance(caught.value, hxjwt.PyJWTError)


def test_last_good_set_serves_while_the_server_fails(
    server: JwksServer, alice: hxjwt.Identity, bob: hxjwt.Identity
) -> None:
    server.publish(published(alice.machine_token, bob.machine_token))
    directory = remote(server, min_ttl=0, ttl=0, refresh_cooldown=0)  # stale at once
    sender, receiver = hxjwt.Endpoint(alice, directory), hxjwt.Endpoint(bob, directory)
    assert receiver.validate(sender.create(b"1", to="bob.service")).payload == b"1"
    server.status = 500
    assert receiver.validate(sender.create(b"2", to="bob.service")).payload == b"2"
    assert server.requests >= 2  # it did try again


def test_http_needs_allow_http(server: JwksServer) -> None:
    with pytest.raises(hxjwt.InvalidArgumentError, match="http"):
        hxjwt.Directory.from_url(server.url)
    with pytest.raises(ValueError):
        hxjwt.Directory.from_url("ftp://127.0.0.1/jwks.json", allow_http=True)
    with pytest.raises(ValueError):
        hxjwt.Directory.from_url(server.url, allow_http=True, min_ttl=10, max_ttl=5)
    with pytest.raises(ValueError):
        hxjwt.Directory.from_url(server.url, allow_http=True, timeout=0)
    assert server.requests == 0


def test_remote_directory_is_read_only(server: JwksServer, alice: hxjwt.Identity) -> None:
    directory = remote(server)
    for call in (
        lambda: directory.add(alice.machine_token),
        lambda: directory.remove("alice.service"),
        lambda: directory.rotate_in(alice.machine_token),
        lambda: directory.retire(alice.machine_token),
    ):
        with pytest.raises(TypeError, match="read-only"):
            call()
    assert server.requests == 0


def test_threads_asking_at_once_share_one_fetch(
    server: JwksServer, alice: hxjwt.Identity, bob: hxjwt.Identity
) -> None:
    server.publish(published(alice.machine_token, bob.machine_token))
    server.delay = 0.3  # long enough for every thread to arrive while the fetch is in flight
    directory = remote(server)
    sender = hxjwt.Endpoint(alice, hxjwt.Directory([alice.machine_token, bob.machine_token]))
    receiver = hxjwt.Endpoint(bob, directory)
    tokens = [sender.create({"n": n}, to="bob.service") for n in range(6)]
    barrier = threading.Barrier(len(tokens))
    results: list[Any] = []
    errors: list[BaseException] = []

    def work(token: str) -> None:
        try:
            barrier.wait(timeout=5)
            results.append(receiver.validate(token).json()["n"])
        except BaseException as e:  # noqa: BLE001 (reported by the main thread)
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert not errors and sorted(results) == list(range(6))
    assert server.requests == 1


# --- rotation ---------------------------------------------------------------------------------


def test_rotate_identity_keeps_tokens_in_flight_valid(alice: hxjwt.Identity) -> None:
    bob_old = hxjwt.Identity.generate("bob.service")
    bob_new = hxjwt.Identity.generate("bob.service")
    published_dir = hxjwt.Directory([alice.machine_token, bob_old.machine_token])
    sender = hxjwt.Endpoint(alice, published_dir)
    receiver = hxjwt.Endpoint(bob_old, hxjwt.Directory([alice.machine_token]))
    in_flight = sender.create(b"sealed to the old key", to="bob.service")

    # 1. receive on the new key; 2. publish it, newest first.
    receiver.add_previous_identity(bob_new)
    assert receiver.previous_identities == [bob_new.machine_token]
    published_dir.rotate_in(bob_new.machine_token)
    assert published_dir.get("bob.service") == bob_new.machine_token
    early = sender.create(b"sealed to the new key", to="bob.service")
    assert receiver.validate(early).payload == b"sealed to the new key"

    # 3. switch: the endpoint (shared by every thread) now creates with the new key.
    receiver.rotate_identity(bob_new)
    assert receiver.machine_token == bob_new.machine_token
    # Newest first; the core keeps the earlier-added new key there too (harmless, max 2).
    assert receiver.previous_identities[0] == bob_old.machine_token
    assert receiver.validate(in_flight).payload == b"sealed to the old key"
    assert receiver.validate(early).payload == b"sealed to the new key"

    # 4. retire the old key.
    receiver.clear_previous_identities()
    assert receiver.previous_identities == []
    assert published_dir.retire(bob_old.machine_token) is True
    assert published_dir.retire(bob_old.machine_token) is False
    with pytest.raises(hxjwt.InvalidTokenError):
        receiver.validate(in_flight)
    assert receiver.validate(sender.create(b"new", to="bob.service")).payload == b"new"


def test_rotation_needs_the_same_name(bob: hxjwt.Identity) -> None:
    endpoint = hxjwt.Endpoint(bob)
    other = hxjwt.Identity.generate("someone.else")
    with pytest.raises(ValueError, match="someone.else"):
        endpoint.rotate_identity(other)
    with pytest.raises(ValueError):
        endpoint.add_previous_identity(other)
    assert endpoint.machine_token == bob.machine_token


def test_sender_rotation_through_the_remote_directory(server: JwksServer, bob: hxjwt.Identity) -> None:
    """The sender rotates; the receiver follows the published set (several keys per name)."""
    alice_old = hxjwt.Identity.generate("alice.service")
    alice_new = hxjwt.Identity.generate("alice.service")
    fleet = hxjwt.Directory([alice_old.machine_token, bob.machine_token])
    server.publish(fleet.to_jwks())
    receiver = hxjwt.Endpoint(bob, remote(server, refresh_cooldown=0, ttl=0, min_ttl=0))
    sender = hxjwt.Endpoint(alice_old)
    in_flight = sender.create(b"old", to=bob.machine_token)
    assert receiver.validate(in_flight).payload == b"old"

    fleet.rotate_in(alice_new.machine_token)
    server.publish(fleet.to_jwks())
    sender.rotate_identity(alice_new)
    assert receiver.validate(sender.create(b"new", to=bob.machine_token)).payload == b"new"
    assert receiver.validate(in_flight).payload == b"old"  # both keys are published

    fleet.retire(alice_old.machine_token)
    server.publish(fleet.to_jwks())
    with pytest.raises(hxjwt.InvalidTokenError):
        receiver.validate(in_flight)


def test_rotation_while_threads_validate(alice: hxjwt.Identity) -> None:
    bob_old = hxjwt.Identity.generate("bob.service")
    bob_new = hxjwt.Identity.generate("bob.service")
    receiver = hxjwt.Endpoint(bob_old, hxjwt.Directory([alice.machine_token]))
    sender = hxjwt.Endpoint(alice)
    old_tokens = [sender.create({"n": n}, to=bob_old.machine_token) for n in range(50)]
    errors: list[BaseException] = []
    stop = threading.Event()

    def validate_all() -> None:
        try:
            while not stop.is_set():
                for t in old_tokens:
                    receiver.validate(t)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=validate_all) for _ in range(3)]
    for t in threads:
        t.start()
    for _ in range(20):
        receiver.rotate_identity(bob_new)
        receiver.rotate_identity(bob_old)
    stop.set()
    for t in threads:
        t.join(timeout=20)
    assert not errors


# --- PyJWKClient ------------------------------------------------------------------------------


@pytest.fixture
def es256() -> tuple[hxjwt.Key, dict[str, Any]]:
    key = hxjwt.Key.generate("ES256")
    public = dict(key.to_public_jwk(), kid="es-1", use="sig")
    return key, public


def test_jwk_client_finds_the_key_of_an_hxjwt_token(
    server: JwksServer, es256: tuple[hxjwt.Key, dict[str, Any]]
) -> None:
    key, public = es256
    other = dict(hxjwt.Key.generate("ES256").to_public_jwk(), kid="es-0")
    server.publish({"keys": [other, public]})
    token = hxjwt.encode({"sub": "svc", "n": 1}, key, algorithm="ES256", headers={"kid": "es-1"})
    client = hxjwt.PyJWKClient(server.url, allow_http=True, timeout=5)
    signing_key = client.get_signing_key_from_jwt(token)
    assert isinstance(signing_key, hxjwt.PyJWK)
    assert (signing_key.key_id, signing_key.algorithm_name) == ("es-1", "ES256")
    assert hxjwt.decode(token, signing_key, algorithms=["ES256"]) == {"sub": "svc", "n": 1}
    assert hxjwt.decode(token, signing_key.key, algorithms=["ES256"])["n"] == 1
    assert client.get_signing_key("es-0").key_id == "es-0"
    assert [k.key_id for k in client.get_signing_keys()] == ["es-0", "es-1"]
    assert isinstance(client.get_jwk_set(), hxjwt.PyJWKSet)
    assert client.fetch_data() == {"keys": [other, public]}
    assert server.requests == 1 and client.fetch_count == 1  # cached for lifespan


def test_jwk_client_with_a_pyjwt_token(server: JwksServer, es256: tuple[hxjwt.Key, dict[str, Any]]) -> None:
    jwt = pytest.importorskip("jwt")
    pytest.importorskip("cryptography")
    key, public = es256
    server.publish({"keys": [public]})
    private = jwt.PyJWK(dict(key.to_private_jwk(), kid="es-1"))
    token = jwt.encode({"sub": "pyjwt"}, private.key, algorithm="ES256", headers={"kid": "es-1"})
    client = hxjwt.PyJWKClient(server.url, allow_http=True)
    signing_key = client.get_signing_key_from_jwt(token)
    assert hxjwt.decode(token, signing_key, algorithms=["ES256"]) == {"sub": "pyjwt"}


def test_jwk_client_unknown_kid(server: JwksServer, es256: tuple[hxjwt.Key, dict[str, Any]]) -> None:
    key, public = es256
    server.publish({"keys": [public]})
    client = hxjwt.PyJWKClient(server.url, allow_http=True, refresh_cooldown=0)
    with pytest.raises(hxjwt.PyJWKClientError, match='Unable to find a signing key that matches: "nope"'):
        client.get_signing_key("nope")
    assert server.requests == 2  # one refetch for the unknown kid
    # A new kid published later is found by that refetch.
    new = dict(hxjwt.Key.generate("ES256").to_public_jwk(), kid="es-2")
    server.publish({"keys": [public, new]})
    assert client.get_signing_key("es-2").key_id == "es-2"
    unpublished = hxjwt.encode({"a": 1}, key, algorithm="ES256")  # kid: the key's thumbprint
    with pytest.raises(hxjwt.PyJWKClientError, match=f'matches: "{key.kid}"'):
        client.get_signing_key_from_jwt(unpublished)


def test_jwk_client_errors(server: JwksServer) -> None:
    down = f"http://127.0.0.1:{free_loopback_port()}/jwks.json"
    client = hxjwt.PyJWKClient(down, allow_http=True, timeout=2)
    with pytest.raises(hxjwt.PyJWKClientConnectionError, match="Fail to fetch data from the url") as caught:
        client.get_signing_key("x")
    assert isinstance(caught.value.__cause__, hxjwt.ResolverError)

    server.status, server.body = 500, b"no"
    with pytest.raises(hxjwt.PyJWKClientConnectionError, match="500"):
        hxjwt.PyJWKClient(server.url, allow_http=True).get_jwk_set()

    server.status = 200
    server.publish({"keys": [{"kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA", "use": "enc"}]})
    with pytest.raises(hxjwt.PyJWKClientError, match="did not contain any signing keys"):
        hxjwt.PyJWKClient(server.url, allow_http=True).get_signing_keys()

    with pytest.raises(hxjwt.InvalidArgumentError, match="http"):
        hxjwt.PyJWKClient(server.url)
    with pytest.raises(hxjwt.PyJWKClientError, match="Lifespan must be greater than 0"):
        hxjwt.PyJWKClient(server.url, allow_http=True, lifespan=0)
    # Headers are sent (tests/python/test_remote_tls.py); those the client owns are refused.
    with pytest.raises(hxjwt.InvalidArgumentError, match="Host"):
        hxjwt.PyJWKClient(server.url, allow_http=True, headers={"Host": "x"})
    with pytest.raises(ValueError, match="ssl_context"):
        hxjwt.PyJWKClient(server.url, allow_http=True, ssl_context=object())
    assert issubclass(hxjwt.PyJWKClientConnectionError, hxjwt.PyJWKClientError)
    assert issubclass(hxjwt.PyJWKClientError, hxjwt.PyJWTError)


def test_jwk_client_without_set_cache_fetches_every_time(
    server: JwksServer, es256: tuple[hxjwt.Key, dict[str, Any]]
) -> None:
    _, public = es256
    server.publish({"keys": [public]})
    client = hxjwt.PyJWKClient(server.url, cache_jwk_set=False, allow_http=True)
    for _ in range(3):
        client.get_signing_key("es-1")
    assert server.requests == 3
