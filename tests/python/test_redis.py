"""Fleet-wide replay protection and revocation on Redis, from Python (issue 12).

Each test talks to a private ``redis-server`` started on a free loopback port (no persistence),
stopped at the end; ``make test`` installs the binary (mk/redis.mk). Two *processes* (forked by
multiprocessing after the store has pooled connections) and threads race on the same tokens;
the server is stopped, restarted and paused.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

import hxjwt

REDIS = os.environ.get("HXJWT_REDIS_SERVER", "redis-server")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    def __init__(self) -> None:
        self.port = _free_port()
        self.dir = tempfile.mkdtemp(prefix="hxjwt-redis-")
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        if shutil.which(REDIS) is None:
            raise RuntimeError("redis-server not found: `apt-get install redis-server` (make test does)")
        self.proc = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir, "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def cli(self, *args: str) -> str:
        return subprocess.run(
            ["redis-cli", "-p", str(self.port), *args], check=True, capture_output=True, text=True
        ).stdout.strip()


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.stop()
    shutil.rmtree(s.dir, ignore_errors=True)


def fast_store(url: str) -> hxjwt.RedisReplayStore:
    return hxjwt.RedisReplayStore(url, connect_timeout=0.3, timeout=0.3)


@pytest.fixture
def pair() -> tuple[hxjwt.Identity, hxjwt.Identity]:
    return hxjwt.Identity.generate("alice.service"), hxjwt.Identity.generate("bob.service")


def test_two_instances_accept_each_token_once(server: Server, pair: Any) -> None:
    alice, bob = pair
    a = hxjwt.Endpoint(alice)
    b1 = hxjwt.Endpoint(bob, replay_store=fast_store(server.url))
    b2 = hxjwt.Endpoint(bob, replay_store=fast_store(server.url))
    assert b1.replay_protection and b2.replay_protection
    for i in range(10):
        token = a.create({"n": i}, to=bob.machine_token, jti=f"req-{i}")
        first, second = (b1, b2) if i % 2 else (b2, b1)
        assert first.validate(token, sender=alice.machine_token).json() == {"n": i}
        with pytest.raises(hxjwt.ReplayedTokenError) as e:
            second.validate(token, sender=alice.machine_token)
        assert e.value.kind == "Replayed"
    keys = server.cli("KEYS", "hxjwt:hx1:bob.service:alice.service:*").split()
    assert len(keys) == 20  # one per token, one per jti


def _validate_all(args: tuple[str, str, str, list[str], Any]) -> list[int]:
    """In a worker process: 4 threads each try every token; returns the indices accepted."""
    url, bob_jwk, alice_jwk, tokens, store = args
    bob = hxjwt.Identity.from_jwk(bob_jwk)
    alice = hxjwt.MachineToken.from_jwk(alice_jwk)
    endpoint = hxjwt.Endpoint(bob, replay_store=store if store is not None else fast_store(url))
    accepted: list[int] = []
    lock = threading.Lock()
    failures: list[str] = []

    def run(offset: int) -> None:
        n = len(tokens)
        for k in range(n):
            i = (k + offset) % n
            try:
                endpoint.validate(tokens[i], sender=alice)
                with lock:
                    accepted.append(i)
            except hxjwt.ReplayedTokenError:
                pass
            except Exception as e:  # noqa: BLE001 - reported to the parent
                failures.append(repr(e))

    threads = [threading.Thread(target=run, args=(t * len(tokens) // 4,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise AssertionError(failures[:3])
    return accepted


_INHERITED: dict[str, Any] = {}


def _forked_worker(_: int) -> list[int]:
    """Uses the store object made by the parent *before* the fork (with pooled connections)."""
    return _validate_all(_INHERITED["args"])


def test_two_forked_processes_accept_each_token_once(server: Server, pair: Any) -> None:
    alice, bob = pair
    store = fast_store(server.url)
    a = hxjwt.Endpoint(alice)
    # Warm the pool in the parent, so that the children inherit open connections.
    warm = hxjwt.Endpoint(bob, replay_store=store)
    warm.validate(a.create(b"warm", to=bob.machine_token), sender=alice.machine_token)
    tokens = [a.create({"i": i}, to=bob.machine_token) for i in range(120)]
    _INHERITED["args"] = (server.url, _jwk(bob.to_jwk()), _jwk(alice.machine_token.to_jwk()), tokens, store)
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        results = pool.map(_forked_worker, [0, 1])
    counts = [0] * len(tokens)
    for accepted in results:
        for i in accepted:
            counts[i] += 1
    assert counts == [1] * len(tokens), "each token accepted exactly once over 2 processes x 4 threads"
    # The parent's own pool still works (the children closed only their copies).
    with pytest.raises(hxjwt.ReplayedTokenError):
        warm.validate(tokens[0], sender=alice.machine_token)


def _jwk(d: dict[str, str]) -> str:
    import json

    return json.dumps(d)


def test_one_time_jws(server: Server) -> None:
    key = hxjwt.Key.generate("ES256")
    store = fast_store(server.url)
    exp = int(time.time()) + 600
    token = hxjwt.encode({"sub": "u", "jti": "one-time-1", "exp": exp}, key, algorithm="ES256")
    public = key.to_public()
    assert hxjwt.decode(token, public, algorithms=["ES256"], replay_store=store)["sub"] == "u"
    with pytest.raises(hxjwt.ReplayedTokenError) as e:
        hxjwt.decode_complete(token, public, algorithms=["ES256"], replay_store=fast_store(server.url))
    assert e.value.claim == "jti"
    # Without the store, nothing is remembered.
    assert hxjwt.decode(token, public, algorithms=["ES256"])["sub"] == "u"
    no_jti = hxjwt.encode({"sub": "u", "exp": exp}, key, algorithm="ES256")
    with pytest.raises(hxjwt.MissingRequiredClaimError):
        hxjwt.decode(no_jti, public, algorithms=["ES256"], replay_store=store)
    with pytest.raises(ValueError):
        hxjwt.decode(token, options={"verify_signature": False}, replay_store=store)
    with pytest.raises(TypeError):
        hxjwt.decode(token, public, algorithms=["ES256"], replay_store="redis://x")  # type: ignore[arg-type]
    # The key in Redis: namespaced by the verifying key's thumbprint.
    assert server.cli("KEYS", f"hxjwt:jws:{public.thumbprint()}:j:*") != ""


def test_memory_store_shared_in_process(pair: Any) -> None:
    alice, bob = pair
    store = hxjwt.MemoryReplayStore(capacity=10)
    b1, b2 = hxjwt.Endpoint(bob, replay_store=store), hxjwt.Endpoint(bob, replay_store=store)
    token = hxjwt.Endpoint(alice).create(b"x", to=bob.machine_token)
    b1.validate(token, sender=alice.machine_token)
    with pytest.raises(hxjwt.ReplayedTokenError):
        b2.validate(token, sender=alice.machine_token)
    assert len(store) == 1


def _refresh_race(args: tuple[str, str, list[str]]) -> tuple[list[int], list[str]]:
    url, jwk, tokens = args
    issuer = hxjwt.TokenIssuer(
        hxjwt.Key.from_jwk(jwk), "https://login.example",
        revocations=hxjwt.RedisRevocationStore(url, timeout=1),
    )
    ok: list[int] = []
    kinds: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        for i, t in enumerate(tokens):
            try:
                issuer.refresh(t)
                with lock:
                    ok.append(i)
            except hxjwt.PyJWTError as e:
                with lock:
                    kinds.append(str(e.kind))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return ok, kinds


def test_refresh_tokens_single_use_across_processes(server: Server) -> None:
    key = hxjwt.Key.generate("EdDSA")
    issuer = hxjwt.TokenIssuer(key, "https://login.example", revocations=hxjwt.RedisRevocationStore(server.url))
    pairs = [issuer.issue(f"user-{i}", {"scope": "read"}) for i in range(20)]
    assert issuer.verify_access(pairs[0]["access_token"])["scope"] == "read"
    tokens = [p["refresh_token"] for p in pairs]
    import json

    args = (server.url, json.dumps(key.to_private_jwk()), tokens)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.map(_refresh_race, [args, args])
    counts = [0] * len(tokens)
    for ok, kinds in results:
        for i in ok:
            counts[i] += 1
        assert set(kinds) == {"Revoked"}
    assert counts == [1] * len(tokens)
    # Revocation is visible to another issuer instance sharing the store.
    other = hxjwt.TokenIssuer(key, "https://login.example", revocations=hxjwt.RedisRevocationStore(server.url))
    fresh = issuer.issue("user-x")
    other.revoke(fresh["access_token"])
    with pytest.raises(hxjwt.RevokedTokenError):
        issuer.verify_access(fresh["access_token"])


def test_server_down_fails_closed_then_recovers(server: Server, pair: Any) -> None:
    alice, bob = pair
    store = fast_store(server.url)
    a, b = hxjwt.Endpoint(alice), hxjwt.Endpoint(bob, replay_store=store)
    b.validate(a.create(b"1", to=bob.machine_token), sender=alice.machine_token)
    store.ping()
    server.stop()
    token = a.create(b"2", to=bob.machine_token)
    with pytest.raises(hxjwt.StoreUnavailableError) as e:
        b.validate(token, sender=alice.machine_token)
    assert isinstance(e.value, hxjwt.InvalidTokenError), "existing except clauses refuse it"
    assert e.value.kind == "StoreUnavailable"
    assert f"127.0.0.1:{server.port}" in str(e.value)
    with pytest.raises(hxjwt.StoreUnavailableError):
        store.ping()
    server.start()
    assert b.validate(token, sender=alice.machine_token).payload == b"2"
    # Paused: refused within the time-out, and the GIL is free meanwhile (a ticker keeps ticking).
    server.proc.send_signal(signal.SIGSTOP)  # type: ignore[union-attr]
    ticks = 0
    stop = threading.Event()

    def tick() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.005)

    ticker = threading.Thread(target=tick)
    ticker.start()
    try:
        with pytest.raises(hxjwt.StoreUnavailableError):
            b.validate(a.create(b"3", to=bob.machine_token), sender=alice.machine_token)
    finally:
        stop.set()
        ticker.join()
        server.proc.send_signal(signal.SIGCONT)  # type: ignore[union-attr]
    assert ticks > 5, "the Python thread ran while the call waited on Redis"
    b.validate(a.create(b"4", to=bob.machine_token), sender=alice.machine_token)


def test_ttl_in_redis_is_exp_plus_leeway(server: Server, pair: Any) -> None:
    alice, bob = pair
    b = hxjwt.Endpoint(bob, leeway=30, replay_store=hxjwt.RedisReplayStore(server.url, key_prefix="svc:"))
    m = b.validate(hxjwt.Endpoint(alice).create(b"x", to=bob.machine_token, ttl=60), sender=alice.machine_token)
    (key,) = server.cli("KEYS", "svc:*").split()
    pttl = int(server.cli("PTTL", key))
    expected = (m.expires_at + 30 - int(time.time())) * 1000
    assert expected - 5000 < pttl <= expected + 1000


def test_arguments_and_messages() -> None:
    with pytest.raises(ValueError) as e:
        hxjwt.RedisReplayStore("redis://user:pw-zz7@127.0.0.1:1?nope=1")
    assert "pw-zz7" not in str(e.value)
    with pytest.raises(ValueError):
        hxjwt.RedisReplayStore("http://127.0.0.1:1")
    with pytest.raises(ValueError):
        hxjwt.RedisReplayStore("redis://127.0.0.1:1", timeout=0)
    with pytest.raises(ValueError):
        hxjwt.RedisReplayStore("rediss://127.0.0.1:1", ca_file="/nonexistent.pem")
    with pytest.raises(TypeError):
        hxjwt.Endpoint(hxjwt.Identity.generate("x"), replay_store=object())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        hxjwt.TokenIssuer(hxjwt.Key.generate("ES256"), "i", revocations=object())  # type: ignore[arg-type]
    store = hxjwt.RedisReplayStore("redis://:pw-zz8@127.0.0.1:1/0")
    assert "pw-zz8" not in repr(store)
    with pytest.raises(hxjwt.StoreUnavailableError) as e2:
        store.ping()
    assert "pw-zz8" not in str(e2.value)
    assert hxjwt.ERROR_CLASSES["StoreUnavailable"] is hxjwt.StoreUnavailableError
    assert hxjwt.exceptions.StoreUnavailableError is hxjwt.StoreUnavailableError
