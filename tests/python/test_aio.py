"""hxjwt.aio: remote JWK Sets for asyncio, whose fetches never block the event loop.

Each test runs its coroutines with ``asyncio.run`` and serves JWK Sets from a loopback HTTP
server in a thread (http.server on 127.0.0.1, port 0) that counts requests and can be told to
hang (``delay``). Nothing leaves the machine. The executors given to the clients count the
calls submitted to them, so that the single flight is asserted, not only the server's count
(the core shares one fetch between threads too).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import pytest

import hxjwt
from hxjwt import aio

_T = TypeVar("_T")


class JwksServer:
    """What the loopback server serves, changed by the tests; counts the requests."""

    def __init__(self) -> None:
        self.body = b'{"keys":[]}'
        self.status = 200
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
                time.sleep(state.delay)  # the server hangs; the client must not
            body = state.body
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.httpd = httpd
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


class CountingExecutor(concurrent.futures.ThreadPoolExecutor):
    """A thread pool that counts the calls submitted to it."""

    def __init__(self) -> None:
        super().__init__(max_workers=4, thread_name_prefix="test-aio")
        self.submitted = 0

    def submit(self, fn: Callable[..., _T], /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[_T]:
        self.submitted += 1
        return super().submit(fn, *args, **kwargs)


@pytest.fixture
def executor() -> Iterator[CountingExecutor]:
    pool = CountingExecutor()
    try:
        yield pool
    finally:
        pool.shutdown(wait=True)


def es_key(kid: str) -> tuple[hxjwt.Key, dict[str, Any]]:
    key = hxjwt.Key.generate("ES256")
    return key, dict(key.to_public_jwk(), kid=kid, use="sig")


def token_for(key: hxjwt.Key, kid: str, **claims: Any) -> str:
    return hxjwt.encode(claims, key, algorithm="ES256", headers={"kid": kid})


def client_of(server: JwksServer, executor: concurrent.futures.Executor | None = None, **kw: Any) -> aio.PyJWKClient:
    kw.setdefault("timeout", 5)
    return aio.PyJWKClient(server.url, allow_http=True, executor=executor, **kw)


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


async def ticking_while(work: Awaitable[_T]) -> tuple[_T, int]:
    """``await work`` while a ticker coroutine ticks every 10 ms; the result and the ticks."""
    ticks = 0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0.01)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)  # the ticker's first tick
    try:
        result = await work
    finally:
        stop.set()
        await task
    return result, ticks


# --- one fetch for many coroutines -----------------------------------------------------------


def test_thousand_decodes_with_an_unseen_kid_make_one_fetch(server: JwksServer, executor: CountingExecutor) -> None:
    old_key, old_public = es_key("old")
    new_key, new_public = es_key("new")
    server.publish({"keys": [old_public]})
    client = client_of(server, executor, refresh_cooldown=0)
    tokens = [token_for(new_key, "new", sub="user", n=n) for n in range(1000)]

    async def main() -> list[dict[str, Any]]:
        # The client knows the set without "new" ...
        assert await aio.decode(token_for(old_key, "old", n=-1), client, algorithms=["ES256"]) == {"n": -1}
        assert (server.requests, executor.submitted) == (1, 1)
        # ... then the issuer publishes its new key, and 1 000 tokens signed by it arrive at once.
        server.publish({"keys": [old_public, new_public]})
        server.delay = 0.2
        return await asyncio.gather(*(aio.decode(t, client, algorithms=["ES256"]) for t in tokens))

    results = asyncio.run(main())
    assert [r["n"] for r in results] == list(range(1000))
    assert server.requests == 2 and client.fetch_count == 2  # exactly one fetch for the new kid
    assert executor.submitted == 2  # and one thread call shared by the 1 000 coroutines
    assert len(vars(aio)["_FLIGHTS"]) == 0  # nothing left in flight


def test_thousand_decodes_on_a_cold_client_make_one_fetch(server: JwksServer, executor: CountingExecutor) -> None:
    key, public = es_key("k1")
    server.publish({"keys": [public]})
    server.delay = 0.1
    client = client_of(server, executor)
    tokens = [token_for(key, "k1", n=n) for n in range(1000)]

    async def main() -> list[dict[str, Any]]:
        return await asyncio.gather(*(aio.decode(t, client, algorithms=["ES256"]) for t in tokens))

    assert [r["n"] for r in asyncio.run(main())] == list(range(1000))
    assert (server.requests, executor.submitted) == (1, 1)


# --- the event loop stays responsive ---------------------------------------------------------


def test_loop_keeps_ticking_while_the_server_hangs(server: JwksServer) -> None:
    key, public = es_key("k1")
    server.publish({"keys": [public]})
    server.delay = 0.5
    client = client_of(server)

    async def main() -> tuple[hxjwt.PyJWK, int]:
        return await ticking_while(client.get_signing_key("k1"))

    jwk, ticks = asyncio.run(main())
    assert jwk.key_id == "k1"
    assert ticks >= 5  # ~50 ticks of 10 ms during a 0.5 s hang
    assert server.requests == 1


def test_the_sync_client_on_the_loop_would_block_it(server: JwksServer) -> None:
    """What the previous test guards against: the sync call stops the ticker (1 tick only)."""
    _, public = es_key("k1")
    server.publish({"keys": [public]})
    server.delay = 0.5
    client = client_of(server)

    async def blocking() -> hxjwt.PyJWK:
        return client.sync.get_signing_key("k1")

    async def main() -> tuple[hxjwt.PyJWK, int]:
        return await ticking_while(blocking())

    jwk, ticks = asyncio.run(main())
    assert jwk.key_id == "k1" and ticks == 1


def test_hx1_validation_keeps_the_loop_ticking(
    server: JwksServer, alice: hxjwt.Identity, bob: hxjwt.Identity, executor: CountingExecutor
) -> None:
    server.publish(hxjwt.Directory([alice.machine_token, bob.machine_token]).to_jwks())
    server.delay = 0.5
    directory = aio.Directory.from_url(server.url, allow_http=True, timeout=5.0, executor=executor)
    receiver = hxjwt.Endpoint(bob, directory.sync)
    sender = hxjwt.Endpoint(alice)
    tokens = [sender.create({"n": n}, to=bob.machine_token) for n in range(200)]

    async def main() -> tuple[list[hxjwt.Message], int]:
        validations = asyncio.gather(*(aio.validate(receiver, t, executor=executor) for t in tokens))
        return await ticking_while(validations)

    messages, ticks = asyncio.run(main())
    assert [m.json()["n"] for m in messages] == list(range(200))
    assert ticks >= 5
    assert server.requests == 1
    # One shared lookup of alice.service, then the 200 validations (which fetch nothing).
    assert executor.submitted == 1 + 200


# --- cool-down and stale-if-error, as in the sync API ----------------------------------------


def test_unknown_kid_within_the_cooldown_does_not_refetch(server: JwksServer) -> None:
    key, public = es_key("k1")
    server.publish({"keys": [public]})
    client = client_of(server)  # refresh_cooldown=30
    sync_client = hxjwt.PyJWKClient(server.url, allow_http=True, timeout=5)

    async def main() -> None:
        assert (await client.get_signing_key("k1")).key_id == "k1"
        for kid in ("nope", "other", "nope"):
            with pytest.raises(hxjwt.PyJWKClientError, match=f'Unable to find a signing key that matches: "{kid}"'):
                await client.get_signing_key(kid)

    asyncio.run(main())
    assert server.requests == 1 and client.fetch_count == 1
    # The sync client behaves the same way.
    sync_client.get_signing_key("k1")
    with pytest.raises(hxjwt.PyJWKClientError, match='matches: "nope"'):
        sync_client.get_signing_key("nope")
    assert sync_client.fetch_count == 1 and server.requests == 2
    unpublished = hxjwt.encode({"a": 1}, key, algorithm="ES256", headers={"kid": "gone"})

    async def decode_unpublished() -> None:
        await aio.decode(unpublished, client, algorithms=["ES256"])

    with pytest.raises(hxjwt.PyJWKClientError, match='matches: "gone"'):
        asyncio.run(decode_unpublished())
    assert server.requests == 2


def test_unknown_kid_after_the_cooldown_refetches_once(server: JwksServer) -> None:
    _, public = es_key("k1")
    server.publish({"keys": [public]})
    client = client_of(server, refresh_cooldown=0)

    async def main() -> None:
        await client.get_signing_key("k1")
        with pytest.raises(hxjwt.PyJWKClientError, match='matches: "nope"'):
            await client.get_signing_key("nope")

    asyncio.run(main())
    assert server.requests == 2  # one refetch for the unknown kid, as the sync client


def test_last_good_set_serves_while_the_server_fails(server: JwksServer) -> None:
    key, public = es_key("k1")
    server.publish({"keys": [public]})
    token = token_for(key, "k1", sub="s")
    client = client_of(server, cache_jwk_set=False)  # stale at once: every call fetches
    strict = client_of(server, cache_jwk_set=False, max_stale=0)

    async def main() -> None:
        assert await aio.decode(token, client, algorithms=["ES256"]) == {"sub": "s"}
        assert await aio.decode(token, strict, algorithms=["ES256"]) == {"sub": "s"}
        server.status = 500
        assert await aio.decode(token, client, algorithms=["ES256"]) == {"sub": "s"}
        with pytest.raises(hxjwt.PyJWKClientConnectionError, match="500") as caught:
            await aio.decode(token, strict, algorithms=["ES256"])
        assert isinstance(caught.value.__cause__, hxjwt.ResolverError)

    asyncio.run(main())
    assert client.fetch_count == 2 and strict.fetch_count == 2


def test_remote_directory_serves_the_last_good_set(
    server: JwksServer, alice: hxjwt.Identity, bob: hxjwt.Identity
) -> None:
    server.publish(hxjwt.Directory([alice.machine_token, bob.machine_token]).to_jwks())
    directory = aio.Directory.from_url(server.url, allow_http=True, min_ttl=0, ttl=0, refresh_cooldown=0)
    receiver = hxjwt.Endpoint(bob, directory.sync)
    sender = hxjwt.Endpoint(alice)

    async def main() -> None:
        assert (await aio.validate(receiver, sender.create(b"1", to=bob.machine_token))).payload == b"1"
        server.status = 500
        assert (await aio.validate(receiver, sender.create(b"2", to=bob.machine_token))).payload == b"2"
        assert await directory.contains("alice.service")

    asyncio.run(main())
    assert server.requests >= 2  # it did try again


# --- cancellation ----------------------------------------------------------------------------


def test_cancelling_one_awaiter_does_not_fail_the_others(server: JwksServer, executor: CountingExecutor) -> None:
    key, public = es_key("k1")
    server.publish({"keys": [public]})
    server.delay = 0.3
    client = client_of(server, executor)
    tokens = [token_for(key, "k1", n=n) for n in range(20)]

    async def main() -> list[Any]:
        tasks = [asyncio.create_task(aio.decode(t, client, algorithms=["ES256"])) for t in tokens]
        while server.requests == 0:  # the shared fetch is in flight
            await asyncio.sleep(0.005)
        tasks[0].cancel()  # the task that started the shared call
        tasks[7].cancel()
        results: list[Any] = await asyncio.gather(*tasks, return_exceptions=True)
        return results

    results = asyncio.run(main())
    assert isinstance(results[0], asyncio.CancelledError)
    assert isinstance(results[7], asyncio.CancelledError)
    others = [r for i, r in enumerate(results) if i not in (0, 7)]
    assert [r["n"] for r in others] == [n for n in range(20) if n not in (0, 7)]
    assert (server.requests, executor.submitted) == (1, 1)


def test_a_cancelled_lone_awaiter_still_warms_the_cache(server: JwksServer) -> None:
    _, public = es_key("k1")
    server.publish({"keys": [public]})
    server.delay = 0.3
    client = client_of(server)

    async def main() -> hxjwt.PyJWK:
        task = asyncio.create_task(client.get_signing_key("k1"))
        while server.requests == 0:
            await asyncio.sleep(0.005)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return await client.get_signing_key("k1")  # joins the fetch still in flight

    assert asyncio.run(main()).key_id == "k1"
    assert server.requests == 1


# --- the sync API's errors -------------------------------------------------------------------


def test_errors_are_the_sync_classes(server: JwksServer) -> None:
    down = aio.PyJWKClient(f"http://127.0.0.1:{free_loopback_port()}/jwks.json", allow_http=True, timeout=2)

    async def main() -> None:
        with pytest.raises(hxjwt.PyJWKClientConnectionError, match="Fail to fetch data from the url") as caught:
            await down.get_signing_key("x")
        assert isinstance(caught.value.__cause__, hxjwt.ResolverError)
        with pytest.raises(hxjwt.DecodeError):
            await down.get_signing_key_from_jwt("not a token")
        server.status, server.body = 500, b"no"
        with pytest.raises(hxjwt.PyJWKClientConnectionError, match="500"):
            await client_of(server).get_jwk_set()
        server.status = 200
        server.publish({"keys": [{"kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA", "use": "enc"}]})
        with pytest.raises(hxjwt.PyJWKClientError, match="did not contain any signing keys"):
            await client_of(server).get_signing_keys()

    asyncio.run(main())
    with pytest.raises(hxjwt.InvalidArgumentError, match="http"):
        aio.PyJWKClient(server.url)
    with pytest.raises(hxjwt.PyJWKClientError, match="Lifespan must be greater than 0"):
        aio.PyJWKClient(server.url, allow_http=True, lifespan=0)
    with pytest.raises(hxjwt.InvalidArgumentError, match="http"):
        aio.Directory.from_url(server.url)
    with pytest.raises(TypeError, match="hxjwt.Directory"):
        aio.Directory("https://keys.example.com/")  # type: ignore[arg-type]


def test_token_errors_are_the_sync_classes(server: JwksServer, alice: hxjwt.Identity, bob: hxjwt.Identity) -> None:
    key, public = es_key("k1")
    server.publish({"keys": [public]})
    client = client_of(server)
    token = token_for(key, "k1", aud="api")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    server_dir = aio.Directory.from_url(server.url, allow_http=True)  # publishes no X25519 key
    stranger = hxjwt.Endpoint(hxjwt.Identity.generate("mallory.service")).create(b"x", to=bob.machine_token)

    async def main() -> None:
        with pytest.raises(hxjwt.InvalidSignatureError):
            await aio.decode(tampered, client, algorithms=["ES256"], audience="api")
        with pytest.raises(hxjwt.InvalidAudienceError):
            await aio.decode(token, client, algorithms=["ES256"], audience="other")
        complete = await aio.decode_complete(token, client, algorithms=["ES256"], audience="api")
        assert complete["header"]["kid"] == "k1" and complete["payload"] == {"aud": "api"}
        with pytest.raises(hxjwt.UnknownIssuerError):
            await aio.validate(hxjwt.Endpoint(bob, server_dir.sync), stranger)
        with pytest.raises(hxjwt.DecodeError):
            await aio.validate(hxjwt.Endpoint(bob, server_dir.sync), "x.y")
        with pytest.raises(TypeError):
            await aio.validate(hxjwt.Endpoint(bob, server_dir.sync), None)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="hxjwt.Endpoint"):
            await aio.validate(server_dir, stranger)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="aio.PyJWKClient"):
            await aio.decode(token, client.sync, algorithms=["ES256"])  # type: ignore[arg-type]

    asyncio.run(main())
    with pytest.raises(hxjwt.InvalidSignatureError):
        hxjwt.decode(tampered, client.sync.get_signing_key("k1"), algorithms=["ES256"], audience="api")


# --- the rest of the surface -----------------------------------------------------------------


def test_client_methods_and_a_second_event_loop(server: JwksServer) -> None:
    key, public = es_key("k1")
    other = dict(hxjwt.Key.generate("ES256").to_public_jwk(), kid="k0")
    server.publish({"keys": [other, public]})
    client = client_of(server)
    assert client.uri == server.url and "PyJWKClient" in repr(client)

    async def main() -> None:
        data = await client.fetch_data()
        assert data == {"keys": [other, public]}
        data["keys"].clear()  # each caller's own copy
        assert (await client.fetch_data())["keys"]
        assert isinstance(await client.get_jwk_set(), hxjwt.PyJWKSet)
        keys = await client.get_signing_keys()
        assert [k.key_id for k in keys] == ["k0", "k1"]
        assert aio.PyJWKClient.match_kid(keys, "k1") is not None
        assert aio.PyJWKClient.match_kid(keys, "k9") is None
        assert (await client.get_signing_key_from_jwt(token_for(key, "k1"))).key_id == "k1"

    asyncio.run(main())
    asyncio.run(main())  # the same client on a new event loop
    assert server.requests == 1


def test_directory_lookups(server: JwksServer, alice: hxjwt.Identity, bob: hxjwt.Identity) -> None:
    published = hxjwt.Directory([alice.machine_token, bob.machine_token]).to_jwks()
    server.publish(published)
    directory = aio.Directory.from_url(server.url, allow_http=True)
    assert "Directory.from_url" in repr(directory)

    async def main() -> None:
        assert await directory.get("alice.service") == alice.machine_token
        assert await directory.get("carol.service") is None  # within the cool-down: no refetch
        assert await directory.contains("bob.service")
        assert [t.name for t in await directory.tokens()] == ["alice.service", "bob.service"]
        assert await directory.to_jwks() == published

    asyncio.run(main())
    assert server.requests == 1
    in_memory = aio.Directory(hxjwt.Directory([alice.machine_token]))

    async def lookup() -> hxjwt.MachineToken | None:
        return await in_memory.get("alice.service")

    assert asyncio.run(lookup()) == alice.machine_token


def test_decode_with_a_replay_store_and_a_plain_key() -> None:
    key = hxjwt.Key.generate("ES256")
    token = hxjwt.encode({"jti": "once", "exp": int(time.time()) + 60}, key, algorithm="ES256")
    store = hxjwt.MemoryReplayStore()

    async def main() -> None:
        public = key.to_public_jwk()
        assert (await aio.decode(token, public, algorithms=["ES256"], replay_store=store))["jti"] == "once"
        with pytest.raises(hxjwt.ReplayedTokenError):
            await aio.decode(token, public, algorithms=["ES256"], replay_store=store)

    asyncio.run(main())


# --- the fast path: a key in the fresh cache never leaves the event loop ---------------------


def test_cached_keys_never_leave_the_loop(server: JwksServer, executor: CountingExecutor) -> None:
    key, public = es_key("k1")
    server.publish({"keys": [public]})
    client = client_of(server, executor)
    tokens = [token_for(key, "k1", n=n) for n in range(1000)]
    assert client.sync.cached_signing_key("k1") is None  # nothing fetched yet

    async def main() -> list[dict[str, Any]]:
        await client.get_signing_key("k1")  # one hop: the fetch
        return await asyncio.gather(*(aio.decode(t, client, algorithms=["ES256"]) for t in tokens))

    assert [r["n"] for r in asyncio.run(main())] == list(range(1000))
    assert (server.requests, executor.submitted) == (1, 1)
    cached = client.sync.cached_signing_key("k1")
    assert cached is not None and cached.key_id == "k1"
    assert client.sync.cached_signing_key("k2") is None  # unknown: the pool refreshes it


def test_a_stale_set_is_not_served_by_the_fast_path(server: JwksServer, executor: CountingExecutor) -> None:
    _, public = es_key("k1")
    server.publish({"keys": [public]})
    client = client_of(server, executor, cache_jwk_set=False)  # never fresh

    async def main() -> None:
        for _ in range(3):
            await client.get_signing_key("k1")

    asyncio.run(main())
    assert client.sync.cached_signing_key("k1") is None
    assert (server.requests, executor.submitted) == (3, 3)  # every call fetched, in the pool


def test_directory_cached_lookups(server: JwksServer, alice: hxjwt.Identity, bob: hxjwt.Identity, executor: CountingExecutor) -> None:
    server.publish(hxjwt.Directory([alice.machine_token, bob.machine_token]).to_jwks())
    directory = aio.Directory.from_url(server.url, allow_http=True, executor=executor)
    assert directory.sync.cached("alice.service") is None

    async def main() -> None:
        assert await directory.get("alice.service") == alice.machine_token  # fetched in the pool
        assert await directory.get("alice.service") == alice.machine_token  # from the cache
        assert await directory.contains("bob.service")

    asyncio.run(main())
    assert (server.requests, executor.submitted) == (1, 1)
    assert directory.sync.cached("bob.service") == bob.machine_token
    assert directory.sync.cached("carol.service") is None
    assert hxjwt.Directory([alice.machine_token]).cached("alice.service") == alice.machine_token
    assert hxjwt.Directory.from_callable(lambda name: None).cached("alice.service") is None
