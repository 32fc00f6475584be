"""Stress (issue 7, item 5): threads share one Endpoint, one replay store, one Directory and one
PyJWKSet while keys rotate; every result is checked and the counts add up. The module releases
the GIL in create/validate/encode/decode, so the threads really run the core at the same time.
"""

from __future__ import annotations

import base64
import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

import hxjwt

T0 = 1_767_225_600
THREADS = 4


def fleet(n: int, *, replay: bool = False) -> tuple[hxjwt.Directory, hxjwt.Endpoint, list[hxjwt.Endpoint]]:
    hub_id = hxjwt.Identity.generate("hub.service")
    ids = [hxjwt.Identity.generate(f"peer-{i}.service") for i in range(n)]
    directory = hxjwt.Directory([hub_id.machine_token, *(i.machine_token for i in ids)])
    hub = hxjwt.Endpoint(hub_id, directory, clock=T0, replay_protection=replay)
    peers = [hxjwt.Endpoint(i, directory, clock=T0) for i in ids]
    return directory, hub, peers


def test_shared_hub_many_senders_replay_and_refusals() -> None:
    """Each token from 16 senders validates once at the shared hub with its own payload and
    issuer, is then refused as replayed, is refused by a peer it is not for, and the hub's
    answers validate at the sender."""
    _, hub, peers = fleet(16, replay=True)
    rounds = 60
    accepted, refused = Counter[int](), Counter[int]()

    def work(t: int) -> None:
        for r in range(rounds):
            p = (r * (t + 1) * 5 + t) % len(peers)
            peer, other = peers[p], peers[(p + 1) % len(peers)]
            payload = {"t": t, "r": r, "p": p}
            token = peer.create(payload, to="hub.service", ttl=600)
            msg = hub.validate(token)
            assert (msg.issuer, msg.json()) == (f"peer-{p}.service", payload)
            accepted[t] += 1
            with pytest.raises(hxjwt.ReplayedTokenError):
                hub.validate(token)
            with pytest.raises(hxjwt.InvalidAudienceError):
                other.validate(token)
            with pytest.raises(hxjwt.IssuerMismatchError):
                hub.validate(token, sender=other.machine_token)
            refused[t] += 3
            back = hub.create(payload, to=f"peer-{p}.service", ttl=600)
            assert peer.validate(back, sender=hub.machine_token).json() == payload
            accepted[t] += 1

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(work, range(THREADS)))
    assert sum(accepted.values()) == THREADS * rounds * 2
    assert sum(refused.values()) == THREADS * rounds * 3


def test_each_token_accepted_exactly_once_across_threads() -> None:
    """Every thread validates every token of a batch, each in its own order: each token is
    accepted by exactly one thread, every other attempt raises ReplayedTokenError."""
    _, hub, peers = fleet(4, replay=True)
    tokens = [peers[i % 4].create({"i": i}, to="hub.service", ttl=600) for i in range(200)]
    lock = threading.Lock()
    wins: Counter[int] = Counter()
    replays = 0
    barrier = threading.Barrier(THREADS)

    def work(t: int) -> None:
        nonlocal replays
        order = list(range(len(tokens)))
        random.Random(t).shuffle(order)
        barrier.wait()
        for i in order:
            try:
                assert hub.validate(tokens[i]).json() == {"i": i}
                with lock:
                    wins[i] += 1
            except hxjwt.ReplayedTokenError:
                with lock:
                    replays += 1

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(work, range(THREADS)))
    assert wins == Counter(range(len(tokens)))
    assert replays == len(tokens) * (THREADS - 1)


def test_keys_rotate_while_threads_create_and_validate() -> None:
    """A sender rotates its key into the shared directory (old keys stay listed) and the hub
    rotates its own (old ones kept for receiving) while the other threads exchange tokens:
    every token validates, whichever keys it was made with."""
    directory, hub, peers = fleet(3)
    sender = [peers[0]]  # replaced by the rotating thread
    stop = threading.Event()
    done = Counter[int]()

    def rotate() -> None:
        # 3 sender rotations keep every key listed (4 per name); 2 hub rotations keep every hub
        # key usable for receiving (2 previous).
        for k in range(3):
            ident = hxjwt.Identity.generate("peer-0.service")
            directory.rotate_in(ident.machine_token)
            sender[0] = hxjwt.Endpoint(ident, directory, clock=T0)
            if k < 2:
                new_hub = hxjwt.Identity.generate("hub.service")
                hub.rotate_identity(new_hub)
                directory.add(new_hub.machine_token)
        stop.set()

    def work(t: int) -> None:
        r = 0
        while not stop.is_set() or r < 20:
            peer = sender[0] if t % 2 == 0 else peers[1 + t % 2]
            token = peer.create(f"{t}/{r}".encode(), to="hub.service", ttl=600)
            assert hub.validate(token).payload == f"{t}/{r}".encode()
            done[t] += 1
            r += 1

    with ThreadPoolExecutor(max_workers=THREADS + 1) as pool:
        futures = [pool.submit(work, t) for t in range(THREADS)] + [pool.submit(rotate)]
        for f in futures:
            f.result()
    assert len(hub.previous_identities) == 2
    assert len([m for m in directory.tokens() if m.name == "peer-0.service"]) == 4
    assert all(done[t] >= 20 for t in range(THREADS))


def test_shared_jwk_set_under_concurrent_encode_and_decode() -> None:
    """One PyJWKSet (three HS256 keys, selected by kid) shared by the threads: tokens signed by
    any of them decode with their own claims; a token with a kid of the set but another key's
    signature, or a kid outside it, is refused."""
    secrets = [bytes([65 + i]) * 32 for i in range(3)]
    jwks = hxjwt.PyJWKSet(
        [{"kty": "oct", "kid": f"k{i}", "alg": "HS256", "k": _b64url(s)} for i, s in enumerate(secrets)]
    )
    rounds = 150
    ok, bad = Counter[int](), Counter[int]()

    def work(t: int) -> None:
        for r in range(rounds):
            i = (r + t) % 3
            claims = {"sub": f"{t}/{r}", "aud": "api", "exp": T0 + 60}
            token = hxjwt.encode(claims, secrets[i], headers={"kid": f"k{i}"})
            assert hxjwt.decode(token, jwks, algorithms=["HS256"], audience="api", now=T0) == claims
            ok[t] += 1
            liar = hxjwt.encode(claims, b"Z" * 32, headers={"kid": f"k{i}"})
            with pytest.raises(hxjwt.InvalidSignatureError):
                hxjwt.decode(liar, jwks, algorithms=["HS256"], audience="api", now=T0)
            stranger = hxjwt.encode(claims, b"Z" * 32, headers={"kid": "k9"})
            with pytest.raises(hxjwt.InvalidTokenError):
                hxjwt.decode(stranger, jwks, algorithms=["HS256"], audience="api", now=T0)
            bad[t] += 2

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(work, range(THREADS)))
    assert sum(ok.values()) == THREADS * rounds
    assert sum(bad.values()) == THREADS * rounds * 2


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
