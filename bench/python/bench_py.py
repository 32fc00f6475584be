"""The Python face, timed: the release-built hxjwt module against PyJWT, oxyjwt and pyjwt-rs
(standard JWTs) and against joserfc and jwcrypto JWE (HX1), and hxjwt on 1 vs 2 threads.
Writes a JSON results file for bench/report.py.

    python bench/python/bench_py.py results.json      (BENCH_SCALE=0.1 for a quick run)

Standard JWTs: the same claims (sub, name, iat, exp, aud, iss) and the same checks (algorithm
list, signature, exp, aud, iss), keys parsed once (cryptography key objects for PyJWT,
hxjwt.Key for hxjwt). HX1: Endpoint.create/validate with a warm key cache against compact JWE
ECDH-ES (X25519, A256GCM) encrypt/decrypt, and joserfc's ECDH-1PU (X25519, A256GCM, direct key
agreement, the sender-authenticated draft). The JWE peers do less than HX1 validate does (no
iss/aud/exp checks): their numbers are a lower bound on what an equivalent would cost.
Every comparison runs interleaved in rounds in this process (`interleave`, as the Rust
harness's benchkit::interleave): one untimed warm-up round fixes each side's batch (~0.12 s of
calls), then 7 timed rounds in rotated order (A B C D, B C D A, ...); a row gives the median over
rounds and each peer's time / hxjwt's taken within each round, so the machine's drift falls on
all sides alike. Keys are each library's fastest form: hxjwt.Key, cryptography key objects
(PyJWT), oxyjwt.EncodingKey/DecodingKey, PEM bytes (pyjwt-rs: its cryptography-object path was
5x slower here).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any, Callable

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from joserfc import jwe as jf_jwe
from joserfc.drafts.jwe_ecdh_1pu import register_ecdh_1pu
from joserfc.jwk import OKPKey
from jwcrypto import jwe as jc_jwe
from jwcrypto import jwk as jc_jwk

try:
    import oxyjwt
except ImportError as e:  # recorded in the results (and BENCH.md), the rest goes on
    oxyjwt = None
    OXYJWT_ERROR = str(e)
try:
    import jwt_rs
except ImportError as e:
    jwt_rs = None
    JWT_RS_ERROR = str(e)

import hxjwt

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
KEYS = Path(__file__).resolve().parents[2] / "tests" / "vectors" / "keys"
ROWS: list[dict[str, Any]] = []


ROUNDS = 7
ROUND_SECONDS = 0.12 * SCALE


def interleave(group: str, op: str, sides: list[tuple[str, Callable[[], Any]]]) -> None:
    """Times `sides` (hxjwt first) in interleaved rounds; one row per side."""
    clock = time.perf_counter
    batch = []
    for _, fn in sides:
        t0, n = clock(), 0
        while clock() - t0 < ROUND_SECONDS or n < 3:
            fn()
            n += 1
        batch.append(max(1, int(ROUND_SECONDS / ((clock() - t0) / n))))
    rounds: list[list[float]] = [[] for _ in sides]
    for r in range(ROUNDS):
        for k in range(len(sides)):
            i = (r + k) % len(sides)
            fn, b = sides[i][1], batch[i]
            s = clock()
            for _ in range(b):
                fn()
            rounds[i].append((clock() - s) * 1e9 / b)

    def spread(v: list[float]) -> tuple[float, float, float]:
        o = sorted(v)
        return o[len(o) // 2], o[0], o[-1]

    for i, (impl, _) in enumerate(sides):
        med, lo, hi = spread(rounds[i])
        ratio, rlo, rhi = spread([a / b for a, b in zip(rounds[i], rounds[0])])
        print(f"  python     {op:28} {impl:24} {med:12.0f} ns  (x{ratio:.2f} hxjwt's)",
              file=sys.stderr)  # fmt: skip
        ROWS.append({"group": group, "op": op, "impl": impl, "median_ns": med, "min_ns": lo,
                     "max_ns": hi, "rounds_ns": rounds[i], "batch": batch[i],
                     "ratio_to_hxjwt": ratio, "ratio_to_hxjwt_min": rlo,
                     "ratio_to_hxjwt_max": rhi})  # fmt: skip


def claims_now(extra: int = 0) -> dict[str, Any]:
    now = int(time.time())
    c: dict[str, Any] = {"sub": "user-7", "name": "Ada Lovelace", "iat": now - 60,
                         "exp": now + 3600, "aud": "api.example.com",
                         "iss": "https://login.example.com"}  # fmt: skip
    if extra:
        c["data"] = "x" * extra
    return c


CHECKS: dict[str, Any] = {"audience": "api.example.com", "issuer": "https://login.example.com"}
SECRET = bytes([0x5A]) * 32
PEMS = {"ES256": "ec-P-256", "EdDSA": "ed25519", "RS256": "rsa2048"}


def hx_keys(alg: str) -> tuple[Any, Any]:
    if alg == "HS256":
        k = hxjwt.Key.from_secret(SECRET)
        return k, k
    private = (KEYS / f"{PEMS[alg]}.pkcs8.pem").read_bytes()
    public = (KEYS / f"{PEMS[alg]}.spki.pem").read_bytes()
    return hxjwt.Key.from_pem(private), hxjwt.Key.from_pem(public)


def jws_rows() -> None:
    claims = claims_now()
    for alg in ("HS256", "ES256", "EdDSA", "RS256"):
        kwargs = {"algorithms": [alg], **CHECKS}
        ours_sign, ours_verify = hx_keys(alg)
        # each peer: (name, sign key, verify key, module)
        peers: list[tuple[str, Any, Any, Any]] = []
        if alg == "HS256":
            peers.append(("PyJWT", SECRET, SECRET, jwt))
            if oxyjwt is not None:
                peers.append(("oxyjwt", oxyjwt.EncodingKey.from_secret(SECRET),
                              oxyjwt.DecodingKey.from_secret(SECRET), oxyjwt))  # fmt: skip
            if jwt_rs is not None:
                peers.append(("pyjwt-rs", SECRET, SECRET, jwt_rs))
        else:
            private = (KEYS / f"{PEMS[alg]}.pkcs8.pem").read_bytes()
            public = (KEYS / f"{PEMS[alg]}.spki.pem").read_bytes()
            peers.append(("PyJWT", load_pem_private_key(private, None), load_pem_public_key(public), jwt))
            if oxyjwt is not None:
                load = {"ES256": "ec", "EdDSA": "ed", "RS256": "rsa"}[alg]
                peers.append(("oxyjwt", getattr(oxyjwt.EncodingKey, f"from_{load}_pem")(private),
                              getattr(oxyjwt.DecodingKey, f"from_{load}_pem")(public), oxyjwt))  # fmt: skip
            if jwt_rs is not None:
                peers.append(("pyjwt-rs", private, public, jwt_rs))
        # Every library decodes every other's token before timing; the checks bite (expired).
        tokens = [hxjwt.encode(claims, ours_sign, algorithm=alg)]
        tokens += [m.encode(claims, sk, algorithm=alg) for _, sk, _, m in peers]
        for t in tokens:
            assert hxjwt.decode(t, ours_verify, **kwargs) == claims
            for name, _, vk, m in peers:
                assert m.decode(t, vk, **kwargs) == claims, name
        expired = dict(claims, exp=int(time.time()) - 10)
        t = hxjwt.encode(expired, ours_sign, algorithm=alg)
        for name, _, vk, m in peers:
            try:
                m.decode(t, vk, **kwargs)
                raise AssertionError(f"{name} accepted an expired token")
            except AssertionError:
                raise
            except Exception:
                pass
        token = tokens[0]
        sides: list[tuple[str, Callable[[], Any]]] = [
            ("hxjwt", lambda: hxjwt.encode(claims, ours_sign, algorithm=alg))]
        for name, sk, _, m in peers:
            sides.append((name, lambda sk=sk, m=m: m.encode(claims, sk, algorithm=alg)))
        interleave("jws", f"{alg} encode", sides)
        sides = [("hxjwt", lambda: hxjwt.decode(token, ours_verify, **kwargs))]
        for name, _, vk, m in peers:
            sides.append((name, lambda vk=vk, m=m: m.decode(token, vk, **kwargs)))
        interleave("jws", f"{alg} decode", sides)


def hx1_rows() -> None:
    register_ecdh_1pu()
    alice, bob = hxjwt.Identity.generate("alice.service"), hxjwt.Identity.generate("bob.service")
    directory = hxjwt.Directory([alice.machine_token, bob.machine_token])
    sender, receiver = hxjwt.Endpoint(alice, directory), hxjwt.Endpoint(bob, directory)

    jf_alice, jf_bob = OKPKey.generate_key("X25519"), OKPKey.generate_key("X25519")
    jf_bob_public = OKPKey.import_key(jf_bob.as_dict(private=False))
    jf_alice_public = OKPKey.import_key(jf_alice.as_dict(private=False))
    es = {"alg": "ECDH-ES", "enc": "A256GCM"}
    pu = {"alg": "ECDH-1PU", "enc": "A256GCM"}
    pu_algs = ["ECDH-1PU", "A256GCM"]

    jc_bob = jc_jwk.JWK.generate(kty="OKP", crv="X25519")
    jc_bob_public = jc_jwk.JWK.from_json(jc_bob.export_public())
    jc_header = json.dumps(es)

    def jc_encrypt(payload: bytes) -> str:
        e = jc_jwe.JWE(payload, protected=jc_header)
        e.add_recipient(jc_bob_public)
        return str(e.serialize(compact=True))

    def jc_decrypt(token: str) -> bytes:
        d = jc_jwe.JWE()
        d.deserialize(token, key=jc_bob)
        return bytes(d.payload)

    for size, label in ((100, "100 B"), (1024, "1 KiB")):
        payload = os.urandom(size)
        token = sender.create(payload, to="bob.service", ttl=86400)
        assert receiver.validate(token).payload == payload
        es_token = jf_jwe.encrypt_compact(es, payload, jf_bob_public)
        assert jf_jwe.decrypt_compact(es_token, jf_bob).plaintext == payload
        pu_token = jf_jwe.encrypt_compact(pu, payload, jf_bob_public, algorithms=pu_algs,
                                          sender_key=jf_alice)  # fmt: skip
        assert jf_jwe.decrypt_compact(pu_token, jf_bob, algorithms=pu_algs,
                                      sender_key=jf_alice_public).plaintext == payload  # fmt: skip
        jc_token = jc_encrypt(payload)
        assert jc_decrypt(jc_token) == payload

        interleave("hx1", f"create {label} warm", [
            ("hxjwt", lambda: sender.create(payload, to="bob.service", ttl=86400)),
            ("joserfc ECDH-ES", lambda: jf_jwe.encrypt_compact(es, payload, jf_bob_public)),
            ("jwcrypto ECDH-ES", lambda: jc_encrypt(payload)),
            ("joserfc ECDH-1PU", lambda: jf_jwe.encrypt_compact(
                pu, payload, jf_bob_public, algorithms=pu_algs, sender_key=jf_alice)),
        ])  # fmt: skip
        interleave("hx1", f"validate {label} warm", [
            ("hxjwt", lambda: receiver.validate(token)),
            ("joserfc ECDH-ES", lambda: jf_jwe.decrypt_compact(es_token, jf_bob)),
            ("jwcrypto ECDH-ES", lambda: jc_decrypt(jc_token)),
            ("joserfc ECDH-1PU", lambda: jf_jwe.decrypt_compact(
                pu_token, jf_bob, algorithms=pu_algs, sender_key=jf_alice_public)),
        ])  # fmt: skip




def calls_per_second(threads: int, seconds: float, fn: Callable[[], Any]) -> tuple[float, float]:
    """Calls per second of `fn` on `threads` threads together over ~`seconds`, and the CPUs the
    process kept busy (CPU time / wall time)."""
    stop = threading.Event()
    counts = [0] * threads
    start = threading.Barrier(threads + 1)

    def work(i: int) -> None:
        start.wait()
        n = 0
        while not stop.is_set():
            for _ in range(8):
                fn()
            n += 8
        counts[i] = n

    ts = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    start.wait()
    c0, t0 = time.process_time(), time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in ts:
        t.join()
    wall = time.perf_counter() - t0
    return sum(counts) / wall, (time.process_time() - c0) / wall


def thread_rows() -> None:
    """hxjwt on 1 and 2 threads (alternating runs, median of 3 each): small HS256 and HX1 tokens,
    and ES256/EdDSA/RS256 with 16 KiB of claims."""
    alice, bob = hxjwt.Identity.generate("alice.service"), hxjwt.Identity.generate("bob.service")
    directory = hxjwt.Directory([alice.machine_token, bob.machine_token])
    sender, receiver = hxjwt.Endpoint(alice, directory), hxjwt.Endpoint(bob, directory)
    hx1_token = sender.create(b"x" * 100, to="bob.service", ttl=86400)
    cases: list[tuple[str, str, int, Callable[[], Any]]] = [
        ("HX1 validate 100 B", "small", 100, lambda: receiver.validate(hx1_token)),
        ("HX1 create 100 B", "small", 100,
         lambda: sender.create(b"x" * 100, to="bob.service", ttl=86400)),
    ]  # fmt: skip
    for alg, size in (("HS256", 0), ("ES256", 16384), ("EdDSA", 16384), ("RS256", 16384)):
        sk, vk = hx_keys(alg)
        claims = claims_now(size)
        token = hxjwt.encode(claims, sk, algorithm=alg)
        kwargs = {"algorithms": [alg], **CHECKS}
        assert hxjwt.decode(token, vk, **kwargs) == claims
        label = "small" if size == 0 else "16 KiB"
        cases.append((f"{alg} decode {label}", label, size,
                      lambda token=token, vk=vk, kwargs=kwargs: hxjwt.decode(token, vk, **kwargs)))  # fmt: skip
        cases.append((f"{alg} encode {label}", label, size,
                      lambda claims=claims, sk=sk, alg=alg: hxjwt.encode(claims, sk, algorithm=alg)))  # fmt: skip
    for op, label, size, fn in cases:
        runs: list[list[tuple[float, float]]] = [[], []]
        for _ in range(3):
            for i, n in enumerate((1, 2)):
                runs[i].append(calls_per_second(n, 0.3 * SCALE, fn))
        one = sorted(runs[0])[1]
        two = sorted(runs[1])[1]
        ratios = sorted(b[0] / a[0] for a, b in zip(runs[0], runs[1]))
        print(f"  python     threads {op:28} 1: {one[0]:9.0f}/s  2: {two[0]:9.0f}/s  x{ratios[1]:.2f}",
              file=sys.stderr)  # fmt: skip
        ROWS.append({"group": "threads", "op": op, "impl": "hxjwt", "size": label,
                     "payload_bytes": size, "ops_per_s_1": one[0], "cpus_busy_1": one[1],
                     "ops_per_s_2": two[0], "cpus_busy_2": two[1], "scaling": ratios[1],
                     "scaling_min": ratios[0], "scaling_max": ratios[2]})  # fmt: skip


def main() -> None:
    only = os.environ.get("BENCH_ONLY", "")
    if not only or "jws" in only.split(","):
        print("python: hxjwt.encode/decode vs PyJWT", file=sys.stderr)
        jws_rows()
    if not only or "hx1" in only.split(","):
        print("python: HX1 vs JWE ECDH-ES / ECDH-1PU", file=sys.stderr)
        hx1_rows()
    if not only or "threads" in only.split(","):
        print("python: hxjwt on 1 and 2 threads", file=sys.stderr)
        thread_rows()
    meta: dict[str, Any] = {"python": sys.version.split()[0], "hxjwt": hxjwt.__version__,
                            "rounds": ROUNDS, "round_seconds": ROUND_SECONDS}  # fmt: skip
    for pkg in ("PyJWT", "cryptography", "joserfc", "jwcrypto", "oxyjwt", "pyjwt-rs"):
        try:
            meta[pkg] = version(pkg)
        except Exception as e:
            meta[pkg] = f"not installed: {e}"
    if oxyjwt is None:
        meta["oxyjwt_error"] = OXYJWT_ERROR
    if jwt_rs is None:
        meta["pyjwt_rs_error"] = JWT_RS_ERROR
    doc = json.dumps({"face": "python", "meta": meta, "rows": ROWS}, indent=1)
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(doc)
    else:
        print(doc)


if __name__ == "__main__":
    main()
