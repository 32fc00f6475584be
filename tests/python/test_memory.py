"""Memory stays bounded over many calls, good and bad: no leak in the binding or the core."""

from __future__ import annotations

import resource
import sys

import pytest

import hxjwt

NOW = 1_767_225_600


def rss_kib() -> int:
    """Peak resident set size of this process, in KiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss units differ off Linux")
def test_rss_is_stable_over_100k_calls_good_and_bad() -> None:
    alice = hxjwt.Identity.generate("alice")
    bob = hxjwt.Identity.generate("bob")
    directory = hxjwt.Directory([alice.machine_token, bob.machine_token])
    a = hxjwt.Endpoint(alice, directory, clock=NOW)
    b = hxjwt.Endpoint(bob, directory, clock=NOW)
    token = a.create({"n": 1, "pad": "x" * 200}, to="bob")
    bad = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    key = hxjwt.Key.generate("HS256")
    jws = hxjwt.encode({"sub": "u", "exp": NOW + 60}, key, algorithm="HS256")

    def round_of(n: int) -> None:
        for _ in range(n):
            b.validate(token)
            try:
                b.validate(bad)
            except hxjwt.InvalidSignatureError:
                pass
            try:
                b.validate("x" * 10_000)
            except hxjwt.DecodeError:
                pass
            hxjwt.decode(jws, key, algorithms=["HS256"], now=NOW)
            try:
                hxjwt.decode(jws, key, algorithms=["HS512"])
            except hxjwt.InvalidAlgorithmError:
                pass

    round_of(5_000)  # warm up: caches, allocator arenas
    before = rss_kib()
    round_of(20_000)  # 100 000 calls
    grown = rss_kib() - before
    # A leak of even 32 bytes per call would add ~3 MiB; allocator noise stays far below 2 MiB.
    assert grown < 2048, f"peak RSS grew by {grown} KiB over 100 000 calls"
