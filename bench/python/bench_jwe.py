"""JWE in Python, timed: hxjwt.jwe against joserfc and jwcrypto, decrypt (and encrypt) of
compact tokens for ECDH-ES X25519 + A256GCM, ECDH-ES+A256KW P-256 + A256GCM, RSA-OAEP-256
(2048) + A256GCM and dir + A256GCM.

    python bench/python/bench_jwe.py [results.json]     (BENCH_SCALE=0.1 for a quick run)

Every library decrypts the same token (made by hxjwt, checked to decrypt in all three) with a
key parsed once, accepting only the token's alg and enc. The libraries are measured in
interleaved rounds in one process (round 1: hxjwt, joserfc, jwcrypto; round 2: the same; ...),
so a machine shared with other work slows all three alike; each round is a batch of ~20 ms,
and a row is the median per call over the rounds, with the 10th and 90th percentiles. Prints
the rows and the ratios (peer / hxjwt); writes the rows as bench/report.py's JSON rows when
given a path. Use a release build of the module (`maturin develop --release`) for numbers that
mean anything.
"""

from __future__ import annotations

import json
import os
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any, Callable

from joserfc import jwe as jf_jwe
from joserfc import jwk as jf_jwk
from jwcrypto import jwe as jc_jwe
from jwcrypto import jwk as jc_jwk

from hxjwt import jwe

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
ROUNDS = max(5, int(30 * SCALE))
ROUND_SECONDS = 0.02
ROWS: list[dict[str, Any]] = []
PLAINTEXT = json.dumps({"sub": "user-7", "name": "Ada Lovelace", "iat": 1_780_000_000,
                        "exp": 1_780_003_600, "aud": "api.example.com",
                        "iss": "https://login.example.com"}).encode()

Impl = tuple[str, Callable[[], Any]]


def batch_size(fn: Callable[[], Any]) -> int:
    clock = time.perf_counter
    t0, n = clock(), 0
    while clock() - t0 < 0.05 * SCALE or n < 3:
        fn()
        n += 1
    return max(1, int(ROUND_SECONDS / ((clock() - t0) / n)))


def interleaved(group: str, op: str, impls: list[Impl]) -> dict[str, float]:
    """Times each implementation in turn, round after round; the median ns per call of each."""
    batches = {name: batch_size(fn) for name, fn in impls}
    samples: dict[str, list[float]] = {name: [] for name, _ in impls}
    for _ in range(ROUNDS):
        for name, fn in impls:
            n = batches[name]
            s = time.perf_counter()
            for _ in range(n):
                fn()
            samples[name].append((time.perf_counter() - s) * 1e9 / n)
    medians = {}
    for name, _ in impls:
        xs = sorted(samples[name])

        def pct(p: float) -> float:
            return xs[round((len(xs) - 1) * p)]

        medians[name] = pct(0.5)
        print(f"  {op:44} {name:9} {pct(0.5):11.0f} ns  (p10 {pct(0.1):.0f}, p90 {pct(0.9):.0f})",
              file=sys.stderr)
        ROWS.append({"group": group, "op": op, "impl": name, "median_ns": pct(0.5),
                     "p10_ns": pct(0.1), "p90_ns": pct(0.9), "samples": len(xs),
                     "batch": batches[name]})
    base = medians["hxjwt"]
    ratios = ", ".join(f"{name} {medians[name] / base:.1f}x" for name, _ in impls if name != "hxjwt")
    print(f"  {'':44} {'ratio':9} {ratios}", file=sys.stderr)
    return medians


def case(label: str, key: jwe.Key, alg: str, enc: str) -> None:
    public = key if key.kind == "oct" else key.to_public()
    jwk = key.to_private_jwk()
    public_jwk = jwk if key.kind == "oct" else key.to_public_jwk()
    token = jwe.encrypt(PLAINTEXT, public, alg=alg, enc=enc)

    jf_key, jf_public = jf_jwk.import_key(jwk), jf_jwk.import_key(public_jwk)
    jc_key, jc_public = jc_jwk.JWK(**jwk), jc_jwk.JWK(**public_jwk)
    header = {"alg": alg, "enc": enc}
    jc_header = json.dumps(header)

    def hx_decrypt() -> bytes:
        return jwe.decrypt(token, key, algorithms=[alg], encryptions=[enc]).plaintext

    def jf_decrypt() -> bytes:
        return jf_jwe.decrypt_compact(token, jf_key, algorithms=[alg, enc]).plaintext  # type: ignore[return-value]

    def jc_decrypt() -> bytes:
        d = jc_jwe.JWE()
        d.allowed_algs = [alg, enc]
        d.deserialize(token, key=jc_key)
        return bytes(d.payload)

    for fn in (hx_decrypt, jf_decrypt, jc_decrypt):
        assert fn() == PLAINTEXT, fn.__name__

    def hx_encrypt() -> str:
        return jwe.encrypt(PLAINTEXT, public, alg=alg, enc=enc)

    def jf_encrypt() -> str:
        return jf_jwe.encrypt_compact(header, PLAINTEXT, jf_public, algorithms=[alg, enc])

    def jc_encrypt() -> str:
        e = jc_jwe.JWE(PLAINTEXT, protected=jc_header)
        e.allowed_algs = [alg, enc]
        e.add_recipient(jc_public)
        return str(e.serialize(compact=True))

    for fn in (hx_encrypt, jf_encrypt, jc_encrypt):
        assert jwe.decrypt(fn(), key, algorithms=[alg], encryptions=[enc]).plaintext == PLAINTEXT

    interleaved("jwe", f"{label} decrypt", [("hxjwt", hx_decrypt), ("joserfc", jf_decrypt),
                                            ("jwcrypto", jc_decrypt)])
    interleaved("jwe", f"{label} encrypt", [("hxjwt", hx_encrypt), ("joserfc", jf_encrypt),
                                            ("jwcrypto", jc_encrypt)])


def main() -> int:
    print(f"hxjwt.jwe vs joserfc {version('joserfc')}, jwcrypto {version('jwcrypto')}; "
          f"{ROUNDS} interleaved rounds of ~{ROUND_SECONDS * 1000:.0f} ms", file=sys.stderr)
    case("ECDH-ES X25519 A256GCM", jwe.Key.generate_x25519(), "ECDH-ES", "A256GCM")
    case("ECDH-ES+A256KW P-256 A256GCM", jwe.Key.generate_ec("P-256"), "ECDH-ES+A256KW", "A256GCM")
    case("RSA-OAEP-256 2048 A256GCM", jwe.Key.generate_rsa(2048), "RSA-OAEP-256", "A256GCM")
    case("dir A256GCM", jwe.Key.generate_secret(32), "dir", "A256GCM")
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(json.dumps({"face": "python-jwe", "rows": ROWS}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
