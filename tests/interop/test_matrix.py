#!/usr/bin/env python3
"""Checks that the interop matrix catches what it is meant to catch.

Runs tests/interop/matrix.py over the C program and a fake runtime: the same C program behind a
wrapper that misbehaves in one way (it drops the payload's last newline, accepts what it should
refuse, reports every refusal as Malformed, cuts files at a NUL byte, decodes them (and the
plaintext it decrypts) lossily, prints booleans as numbers, rounds big integers through a double,
decrypts with the alg the JWE names instead of the one given, or crashes with a traceback),
and checks that exactly the cells that misbehaviour breaks fail. A faithful wrapper must pass
everything. Standard library only; prints `N passed, N failed`.

    python3 tests/interop/test_matrix.py [--c target/interop/interop] [--lib .../libhxjwt.so.0]

The script is also the fake runtime: `test_matrix.py --fake MODE COMMAND FILES...`.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Set

sys.path.insert(0, str(Path(__file__).resolve().parent))
from matrix import JWE_CASES, unverified_header  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve()

INPUT_REFUSED = [  # the input checks whose answer is exit 1 from the C program
    "token not UTF-8", "good token + NUL + more", "own JWK + NUL + more",
    "public JWK not UTF-8", "empty token", "1 MiB token", "key not JSON",
]

#: The refusals whose kind is checked (besides tampered tokens: InvalidSignature or Malformed,
#: DecryptionFailed or Malformed; and a JWS given to jwe-decrypt: Malformed).
KIND_CHECKED = ["HX1 wrong sender -> go", "HX1 for another -> go", "ES256 expired -> go",
                "ES256 with aud -> go", "ES256 no exp -> go", "JWE alg not allowed -> go"]
REFUSED_TOKENS = {"HX1 tampered -> go", "ES256 tampered -> go", "JWE tampered -> go",
                  "JWE a JWS -> go"} | set(KIND_CHECKED)
#: The JWE decryptions by the fake runtime ("go") of every token, the C program's and its own.
JWE_BY_GO = {f"JWE {alg}/{enc} {s} -> go" for alg, enc, _ in JWE_CASES for s in ("c", "go")}

#: For each misbehaviour, the labels of the checks that must fail (the fake runtime is "go").
EXPECTED: Dict[str, Set[str]] = {
    "faithful": set(),
    "drop-newline": {"HX1 c -> go", "HX1 go -> go", "HX1 30 KB payload c -> go"} | JWE_BY_GO,
    "bool-as-int": {"ES256 c -> go", "ES256 go -> go"},
    "round-ints": {"ES256 big ints signed by go, verified by c",
                   "ES256 big ints signed by c, verified by go"},
    "cut-at-nul": {"input good token + NUL + more -> go", "input own JWK + NUL + more -> go"},
    "lossy-utf8": {"input public JWK not UTF-8 -> go"} | JWE_BY_GO,
    "token-alg": {"JWE alg not allowed -> go"},
    "one-kind": set(KIND_CHECKED),
    "accept-all": REFUSED_TOKENS | {f"input {label} -> go" for label in INPUT_REFUSED},
    "traceback": REFUSED_TOKENS | {f"input {label} -> go" for label in INPUT_REFUSED},
}


def round_ints(data: bytes) -> bytes:
    """Integers past 64 bits as a double would give them (1.2345678901234568e+29)."""
    return re.sub(rb"-?\d{20,}", lambda m: repr(float(m.group())).encode(), data)


def fake(mode: str, real: str, args: List[str]) -> int:
    """The C program, misbehaving as `mode` says."""
    command = args[0] if args else ""
    if mode == "token-alg" and command == "jwe-decrypt" and len(args) == 5:
        # The alg the token's header names, not the one given (for a JWE: five segments).
        token = Path(args[4]).read_bytes().strip()
        if token.count(b".") == 4:
            args = args[:1] + [str(unverified_header(token).get("alg"))] + args[2:]
    with tempfile.TemporaryDirectory(prefix="hxjwt-fake-") as tmp:
        files = list(args[1:])
        for i, path in enumerate(files):
            if (command == "hx1-create" and i == 2) or (command == "jwe-encrypt" and i == 3):
                continue  # the payload: bytes, passed as they are
            if command.startswith("jwe-") and i < 2:
                continue  # ALG and ENC: names, not files
            rounds = mode == "round-ints" and command == "es256-sign" and i == 1
            if (mode in ("cut-at-nul", "lossy-utf8") or rounds) and os.path.isfile(path):
                data = Path(path).read_bytes()
                if mode == "cut-at-nul":
                    data = data.split(b"\0", 1)[0]
                elif rounds:
                    data = round_ints(data)
                else:
                    data = data.decode("utf-8", "replace").encode("utf-8")
                files[i] = os.path.join(tmp, f"arg{i}")
                Path(files[i]).write_bytes(data)
        p = subprocess.run([real] + args[:1] + files, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    code, out, err = p.returncode, p.stdout, p.stderr
    if mode == "drop-newline" and command in ("hx1-validate", "jwe-decrypt") and \
            out.endswith(b"\n"):
        out = out[:-1]
    elif mode == "lossy-utf8" and command == "jwe-decrypt":
        out = out.decode("utf-8", "replace").encode("utf-8")
    elif mode == "round-ints" and command == "es256-verify":
        out = round_ints(out)
    elif mode == "bool-as-int" and command == "es256-verify":
        out = out.replace(b"true", b"1")
    elif mode == "one-kind" and code == 1:
        err = re.sub(rb"^error: [A-Za-z]+: ", b"error: Malformed: ", err)
    elif mode == "accept-all" and code == 1:
        code, err = 0, b""
    elif mode == "traceback" and code == 1:
        err += b'Traceback (most recent call last):\n  File "fake", line 1\nValueError: boom\n'
    sys.stdout.buffer.write(out)
    sys.stderr.buffer.write(err)
    return code


def failed_labels(output: str) -> Set[str]:
    return set(re.findall(r"^- \[([^\]]+)\]", output, re.MULTILINE))


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--fake":
        real = os.environ.get("HXJWT_FAKE_REAL", str(ROOT / "target/interop/interop"))
        return fake(sys.argv[2], real, sys.argv[3:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--c", default="target/interop/interop",
                    help="the C interop program (default: target/interop/interop)")
    ap.add_argument("--lib", help="libhxjwt.so.0, passed on to matrix.py")
    ap.add_argument("--keygen", help="the hxjwt CLI, passed on to matrix.py")
    opts = ap.parse_args()
    real = opts.c if os.path.isabs(opts.c) else str(ROOT / opts.c)
    env = dict(os.environ, HXJWT_FAKE_REAL=real)
    passed = failed = 0
    for mode, expected in EXPECTED.items():
        argv = [sys.executable, str(ROOT / "tests/interop/matrix.py"), "--runtimes", "c,go",
                "--cmd", f"c={real}",
                "--cmd", f"go={sys.executable} {HERE} --fake {mode}"]
        if opts.lib:
            argv += ["--lib", opts.lib]
        if opts.keygen:
            argv += ["--keygen", opts.keygen]
        p = subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=600)
        output = p.stdout.decode("utf-8", "replace")
        got = failed_labels(output)
        counts = re.search(r"^(\d+) passed, (\d+) failed$", output, re.MULTILINE)
        problems = []
        if got != expected:
            problems.append(f"failed cells {sorted(got)}, expected {sorted(expected)}")
        if counts is None or int(counts.group(2)) != len(expected):
            problems.append("the closing count does not say "
                            f"{len(expected)} failed")
        if (p.returncode == 0) != (not expected):
            problems.append(f"exit status {p.returncode}")
        if problems:
            failed += 1
            print(f"FAIL {mode}: " + "; ".join(problems) + "\n" + output)
        else:
            passed += 1
            print(f"ok   {mode}: {len(expected)} cells fail, as they must")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
