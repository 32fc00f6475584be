"""One Endpoint shared by threads: correct results, shared replay store, GIL released."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import hxjwt


def test_threads_share_one_endpoint(alice: hxjwt.Identity, bob: hxjwt.Identity, directory: hxjwt.Directory) -> None:
    sender = hxjwt.Endpoint(alice, directory)
    receiver = hxjwt.Endpoint(bob, directory)
    n = 400

    def roundtrip(i: int) -> bytes:
        token = sender.create({"i": i}, to="bob.service")
        return receiver.validate(token).payload

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(roundtrip, range(n)))
    assert results == [b'{"i":%d}' % i for i in range(n)]


def test_replay_store_is_shared_by_threads(alice: hxjwt.Identity, bob: hxjwt.Identity, directory: hxjwt.Directory) -> None:
    """The same token validated concurrently by 8 threads is accepted exactly once."""
    token = hxjwt.Endpoint(alice, directory).create(b"once", to="bob.service")
    receiver = hxjwt.Endpoint(bob, directory, replay_protection=True)
    barrier = threading.Barrier(8)

    def attempt(_: int) -> str:
        barrier.wait()
        try:
            receiver.validate(token)
            return "ok"
        except hxjwt.ReplayedTokenError:
            return "replayed"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, range(8)))
    assert sorted(outcomes) == ["ok"] + ["replayed"] * 7


def test_validation_releases_the_gil(alice: hxjwt.Identity, bob: hxjwt.Identity, directory: hxjwt.Directory) -> None:
    """While a thread validates big tokens in a loop, the main thread keeps running Python.

    With the GIL held during crypto, the main thread would only run at switch intervals; this
    checks it makes progress, not a speed-up (which tests/python/bench_threads.py measures)."""
    sender = hxjwt.Endpoint(alice, directory)
    receiver = hxjwt.Endpoint(bob, directory, max_token_length=1 << 22)
    token = sender.create(b"x" * (1 << 20), to="bob.service")
    stop = threading.Event()
    done = 0

    def validate_loop() -> None:
        nonlocal done
        while not stop.is_set():
            receiver.validate(token)
            done += 1

    worker = threading.Thread(target=validate_loop)
    worker.start()
    try:
        spins = 0
        deadline = time.perf_counter() + 0.5
        while time.perf_counter() < deadline:
            spins += 1
    finally:
        stop.set()
        worker.join()
    assert done >= 1 and spins > 1000


@pytest.mark.parametrize("workers", [2])
def test_callable_directory_under_threads_does_not_deadlock(
    workers: int, alice: hxjwt.Identity, bob: hxjwt.Identity
) -> None:
    lock = threading.Lock()  # a Python lock taken inside the callable, as real code would

    def lookup(name: str) -> hxjwt.MachineToken | None:
        with lock:
            return alice.machine_token if name == "alice.service" else None

    receiver = hxjwt.Endpoint(bob, hxjwt.Directory.from_callable(lookup))
    token = hxjwt.Endpoint(alice).create(b"x", to=bob.machine_token)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        assert all(m.payload == b"x" for m in pool.map(lambda _: receiver.validate(token), range(200)))
