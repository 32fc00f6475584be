"""The Python face, timed: the release-built hxjwt module against PyJWT (standard JWTs) and
against joserfc and jwcrypto JWE (HX1). Writes a JSON results file for bench/report.py.

    python bench/python/bench_py.py results.json      (BENCH_SCALE=0.1 for a quick run)

Standard JWTs: the same claims (sub, name, iat, exp, aud, iss) and the same checks (algorithm
list, signature, exp, aud, iss), keys parsed once (cryptography key objects for PyJWT,
hxjwt.Key for hxjwt). HX1: Endpoint.create/validate with a warm key cache against compact JWE
ECDH-ES (X25519, A256GCM) encrypt/decrypt, and joserfc's ECDH-1PU (X25519, A256GCM, direct key
agreement, the sender-authenticated draft). The JWE peers do less than HX1 validate does (no
iss/aud/exp checks): their numbers are a lower bound on what an equivalent would cost.
The timing loop is benchkit's: ~100 ms warm-up, batches of ~2 ms, samples for ~0.6 s.
"""

from __future__ import annotations

import json
import os
import sys
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

import hxjwt

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
KEYS = Path(__file__).resolve().parents[2] / "tests" / "vectors" / "keys"
ROWS: list[dict[str, Any]] = []


def measure(group: str, op: str, impl: str, fn: Callable[[], Any]) -> None:
    clock = time.perf_counter
    t0, n = clock(), 0
    while clock() - t0 < 0.1 * SCALE or n < 3:
        fn()
        n += 1
    batch = max(1, int(0.002 / ((clock() - t0) / n)))
    samples: list[float] = []
    t1 = clock()
    while (clock() - t1 < 0.6 * SCALE or len(samples) < 15) and len(samples) < 200:
        s = clock()
        for _ in range(batch):
            fn()
        samples.append((clock() - s) * 1e9 / batch)
    samples.sort()

    def pct(p: float) -> float:
        return samples[round((len(samples) - 1) * p)]

    print(f"  python     {op:28} {impl:24} {pct(0.5):12.0f} ns  (p10 {pct(0.1):.0f}, "
          f"p90 {pct(0.9):.0f})", file=sys.stderr)  # fmt: skip
    ROWS.append({"group": group, "op": op, "impl": impl, "median_ns": pct(0.5),
                 "p10_ns": pct(0.1), "p90_ns": pct(0.9), "samples": len(samples),
                 "batch": batch})  # fmt: skip


def jws_rows() -> None:
    now = int(time.time())
    claims = {"sub": "user-7", "name": "Ada Lovelace", "iat": now - 60, "exp": now + 3600,
              "aud": "api.example.com", "iss": "https://login.example.com"}  # fmt: skip
    checks: dict[str, Any] = {"audience": "api.example.com", "issuer": "https://login.example.com"}
    secret = bytes([0x5A]) * 32
    pems = {"ES256": "ec-P-256", "EdDSA": "ed25519", "RS256": "rsa2048"}
    for alg in ("HS256", "ES256", "EdDSA", "RS256"):
        if alg == "HS256":
            theirs_sign: Any = secret
            theirs_verify: Any = secret
            ours_sign = ours_verify = hxjwt.Key.from_secret(secret)
        else:
            private = (KEYS / f"{pems[alg]}.pkcs8.pem").read_bytes()
            public = (KEYS / f"{pems[alg]}.spki.pem").read_bytes()
            theirs_sign = load_pem_private_key(private, None)
            theirs_verify = load_pem_public_key(public)
            ours_sign = hxjwt.Key.from_pem(private)
            ours_verify = hxjwt.Key.from_pem(public)
        kwargs = {"algorithms": [alg], **checks}
        token = jwt.encode(claims, theirs_sign, algorithm=alg)
        ours_token = hxjwt.encode(claims, ours_sign, algorithm=alg)
        assert jwt.decode(ours_token, theirs_verify, **kwargs) == claims
        assert hxjwt.decode(token, ours_verify, **kwargs) == claims
        measure("jws", f"{alg} encode", "hxjwt", lambda: hxjwt.encode(claims, ours_sign, algorithm=alg))
        measure("jws", f"{alg} encode", "PyJWT", lambda: jwt.encode(claims, theirs_sign, algorithm=alg))
        measure("jws", f"{alg} decode", "hxjwt", lambda: hxjwt.decode(token, ours_verify, **kwargs))
        measure("jws", f"{alg} decode", "PyJWT", lambda: jwt.decode(token, theirs_verify, **kwargs))


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

        op = f"create {label} warm"
        measure("hx1", op, "hxjwt", lambda: sender.create(payload, to="bob.service", ttl=86400))
        measure("hx1", op, "joserfc ECDH-ES", lambda: jf_jwe.encrypt_compact(es, payload, jf_bob_public))
        measure("hx1", op, "jwcrypto ECDH-ES", lambda: jc_encrypt(payload))
        measure("hx1", op, "joserfc ECDH-1PU", lambda: jf_jwe.encrypt_compact(
            pu, payload, jf_bob_public, algorithms=pu_algs, sender_key=jf_alice))  # fmt: skip
        op = f"validate {label} warm"
        measure("hx1", op, "hxjwt", lambda: receiver.validate(token))
        measure("hx1", op, "joserfc ECDH-ES", lambda: jf_jwe.decrypt_compact(es_token, jf_bob))
        measure("hx1", op, "jwcrypto ECDH-ES", lambda: jc_decrypt(jc_token))
        measure("hx1", op, "joserfc ECDH-1PU", lambda: jf_jwe.decrypt_compact(
            pu_token, jf_bob, algorithms=pu_algs, sender_key=jf_alice_public))  # fmt: skip


def main() -> None:
    only = os.environ.get("BENCH_ONLY", "")
    if not only or "jws" in only.split(","):
        print("python: hxjwt.encode/decode vs PyJWT", file=sys.stderr)
        jws_rows()
    if not only or "hx1" in only.split(","):
        print("python: HX1 vs JWE ECDH-ES / ECDH-1PU", file=sys.stderr)
        hx1_rows()
    meta = {"python": sys.version.split()[0], "hxjwt": hxjwt.__version__}
    for pkg in ("PyJWT", "cryptography", "joserfc", "jwcrypto"):
        meta[pkg] = version(pkg)
    doc = json.dumps({"face": "python", "meta": meta, "rows": ROWS}, indent=1)
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(doc)
    else:
        print(doc)


if __name__ == "__main__":
    main()
