"""hxjwt.decode against PyJWT's jwt.decode, same token, same checks (signature, exp, aud, iss),
for HS256, RS256 and ES256 (and EdDSA): microseconds per call, best of 7 runs.

Two ways to pass the key: as PEM/secret bytes on every call (what PyJWT's documentation does;
PyJWT then parses the PEM on each call, hxjwt keeps parsed public keys in a small cache), and
pre-parsed (a cryptography key object for PyJWT, an hxjwt.Key for hxjwt).

    make py-bench     (release build), or: .venv/bin/python tests/python/bench_jws.py
"""

from __future__ import annotations

import platform
import time
import timeit
from pathlib import Path
from typing import Any, Callable

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key

import hxjwt

KEYS = Path(__file__).resolve().parent.parent / "vectors" / "keys"
SECRET = b"0123456789abcdef0123456789abcdef"
CASES = [
    ("HS256", SECRET, SECRET),
    ("RS256", (KEYS / "rsa2048.pkcs8.pem").read_bytes(), (KEYS / "rsa2048.spki.pem").read_bytes()),
    ("ES256", (KEYS / "ec-P-256.pkcs8.pem").read_bytes(), (KEYS / "ec-P-256.spki.pem").read_bytes()),
    ("EdDSA", (KEYS / "ed25519.pkcs8.pem").read_bytes(), (KEYS / "ed25519.spki.pem").read_bytes()),
]


def per_call_us(fn: Callable[[], Any]) -> float:
    number, elapsed = 1, 0.0
    while elapsed < 0.2:  # calibrate: at least 0.2 s per run
        number *= 2
        elapsed = timeit.timeit(fn, number=number)
    best = min(timeit.repeat(fn, number=number, repeat=7))
    return best / number * 1e6


def main() -> None:
    now = int(time.time())
    claims = {
        "sub": "user-7",
        "name": "Ada Lovelace",
        "aud": "api.example.com",
        "iss": "https://login.example.com",
        "iat": now,
        "exp": now + 3600,
    }
    checks: dict[str, Any] = {"audience": "api.example.com", "issuer": "https://login.example.com"}
    print(f"hxjwt {hxjwt.__version__}, PyJWT {jwt.__version__}, Python {platform.python_version()}")
    print(f"{'alg':6} {'key passed as':14} {'PyJWT us':>9} {'hxjwt us':>9} {'speed-up':>9}")
    for alg, private, public in CASES:
        token = jwt.encode(claims, private, algorithm=alg)
        assert hxjwt.encode(claims, private, algorithm=alg).count(".") == 2
        parsed_theirs: Any = public if alg.startswith("HS") else load_pem_public_key(public)
        parsed_ours = hxjwt.Key.from_secret(public) if alg.startswith("HS") else hxjwt.Key.from_pem(public)
        for label, theirs_key, ours_key in (
            ("bytes/PEM", public, public),
            ("parsed key", parsed_theirs, parsed_ours),
        ):
            kwargs = {"algorithms": [alg], **checks}
            assert jwt.decode(token, theirs_key, **kwargs) == hxjwt.decode(token, ours_key, **kwargs)
            theirs = per_call_us(lambda: jwt.decode(token, theirs_key, **kwargs))
            ours = per_call_us(lambda: hxjwt.decode(token, ours_key, **kwargs))
            print(f"{alg:6} {label:14} {theirs:9.1f} {ours:9.1f} {theirs / ours:8.1f}x")


if __name__ == "__main__":
    main()
