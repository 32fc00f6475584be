#!/usr/bin/env python3
"""The cross-runtime interop matrix of hxjwt: every runtime's face against every other's.

Each runtime (Rust, C, Python, Node.js, Java, Go) has a small program implementing one contract
(tests/interop/README.md):

    <prog> hx1-create   IDENTITY_JWK_FILE RECIPIENT_MACHINE_TOKEN_FILE PAYLOAD_FILE
    <prog> hx1-validate IDENTITY_JWK_FILE SENDER_MACHINE_TOKEN_FILE TOKEN_FILE
    <prog> es256-sign   PRIVATE_JWK_FILE CLAIMS_JSON_FILE
    <prog> es256-verify PUBLIC_JWK_FILE TOKEN_FILE
    <prog> jwe-encrypt  ALG ENC RECIPIENT_JWK_FILE PAYLOAD_FILE
    <prog> jwe-decrypt  ALG ENC PRIVATE_JWK_FILE TOKEN_FILE

The Rust face is the `hxjwt` CLI, mapped onto the contract by `rust_argv` below. This driver makes
fresh identities, ES256 keys and JWE keys in a temporary directory, then checks:

- HX1: every runtime creates a token, with a payload of its own (text, UTF-8, NUL and non-UTF-8
  bytes, trailing whitespace), for every runtime, which validates it and must print exactly the
  payload; each recipient refuses a token altered in one character (exit 1,
  `error: InvalidSignature:` or `error: Malformed:`), a token validated as from a third party
  (IssuerMismatch) and one made for a third party (WrongAudience); empty and 30 KB payloads.
- ES256: every runtime signs claims of its own; every runtime verifies every token and must print
  claims equal to them as JSON; each verifier refuses an altered token, as above, and tokens
  expired, with an `aud`, or without `exp` (Expired, WrongAudience, MissingClaim); integers past
  64 bits survive signing and verifying exactly.
- JWE: for ECDH-ES/A256GCM (X25519), ECDH-ES+A256KW/A128CBC-HS256 (P-256), RSA-OAEP-256/A256GCM,
  dir/A256GCM and A256KW/A256CBC-HS512 (a 32-byte secret), every runtime encrypts a payload of
  its own (not UTF-8) for the one recipient key; every runtime decrypts every token and must
  print exactly the payload; each refuses a token with one ciphertext character changed
  (DecryptionFailed, or Malformed), a token whose alg is not the one it allows
  (UnsupportedAlgorithm) and a JWS (Malformed).
- Input: each program refuses hostile input with its own error, never a crash: usage errors
  (exit 2), tokens that are not UTF-8, hold a NUL byte (a C string would cut them short and
  accept them), are empty or 1 MiB long, keys that are not JSON, hold a NUL byte or are not
  UTF-8 (a lossy decoding would accept them), a missing file.

It prints one table per part and ends with a line `N passed, N failed`; the exit status is 1 if
anything failed. A runtime whose program is missing fails every check it is part of. Standard
library only; runs with any python3 >= 3.8.

    python3 tests/interop/matrix.py                       # all six runtimes
    python3 tests/interop/matrix.py --runtimes c,go       # one pair (and each with itself)
    python3 tests/interop/matrix.py --runtimes rust,c,python   # the faces without a package
    python3 tests/interop/matrix.py --cmd go=/tmp/my-go-tool --lib target/c/lib/libhxjwt.so.0
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Set, Tuple

ROOT = Path(__file__).resolve().parents[2]

RUNTIMES = ["rust", "c", "python", "node", "java", "go"]

#: Each runtime's program, relative to the repository root (the working directory of every run).
DEFAULT_COMMANDS = {
    "rust": "target/debug/hxjwt",
    "c": "target/interop/interop",
    "python": ".venv/bin/python tests/interop/interop_py.py",
    "node": "node bindings/node/bin/hxjwt-interop.js",
    "java": "target/java/hxjwt-interop",
    "go": "target/go/hxjwt-interop",
}

#: The error kinds' stable names (tests/vectors/README.md), which `error: <Kind>:` must use.
KINDS = {
    "Malformed", "UnsupportedAlgorithm", "UnknownHeader", "WrongAudience", "UnknownIssuer",
    "IssuerMismatch", "InvalidKey", "InvalidSignature", "Expired", "NotYetValid",
    "LifetimeTooLong", "DecryptionFailed", "Replayed", "ResolverFailed", "InvalidArgument",
    "Internal", "MissingClaim", "InvalidClaim", "KeyNotFound", "Revoked", "StoreUnavailable",
}

ERROR_LINE = re.compile(r"^error: ([A-Za-z]+): ")
#: What a crash leaves on stderr in one runtime or another: never acceptable as an error report.
CRASH = re.compile(
    r"Traceback \(most recent call last\)|^\s+at \S|Exception in thread|^goroutine \d+ |"
    r"^panic: |panicked at|Segmentation fault|SIGSEGV|AddressSanitizer|LeakSanitizer|"
    r"core dumped|FATAL ERROR|Aborted",
    re.MULTILINE,
)

TTL_SLACK = 600  # seconds of validity of the ES256 claims
STRANGER = "stranger"  # an identity (and ES256 key) of no runtime: a third party


#: The JWE cases: key management, content encryption, and the recipient key (JWE_KEYS) they use.
JWE_CASES = [
    ("ECDH-ES", "A256GCM", "x25519"),
    ("ECDH-ES+A256KW", "A128CBC-HS256", "p256"),
    ("RSA-OAEP-256", "A256GCM", "rsa"),
    ("dir", "A256GCM", "oct"),
    ("A256KW", "A256CBC-HS512", "oct"),
]
#: The JWE recipient keys, made fresh on each run: name -> the kind `hxjwt keygen --jwe` takes.
#: A secret ("oct") has no public half: its one JWK file serves both sides.
JWE_KEYS = {"x25519": "X25519", "p256": "P-256", "rsa": "RSA", "oct": "oct-32"}

#: Key generation through the Python module: KIND (id, es256, or jwe), NAME (for jwe: the kind
#: `hxjwt keygen --jwe` takes), PRIVATE_FILE, PUBLIC_FILE (for a secret, the private file).
PY_KEYGEN = """
import json, os, sys
import hxjwt, hxjwt.jwe
kind, name, private, public = sys.argv[1:]
if kind == "id":
    i = hxjwt.Identity.generate(name)
    pair = (i.to_jwk(), i.machine_token.to_jwk())
elif kind == "jwe":
    K = hxjwt.jwe.Key
    k = {"X25519": K.generate_x25519, "P-256": lambda: K.generate_ec("P-256"),
         "RSA": lambda: K.generate_rsa(2048), "oct-32": lambda: K.generate_secret(32)}[name]()
    pair = (k.to_private_jwk(), None if k.kind == "oct" else k.to_public_jwk())
else:
    k = hxjwt.Key.generate("ES256")
    pair = (k.to_private_jwk(), k.to_public_jwk())
with os.fdopen(os.open(private, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
    f.write(json.dumps(pair[0]) + "\\n")
if pair[1] is not None:
    with open(public, "w") as f:
        f.write(json.dumps(pair[1]) + "\\n")
"""


class Run(NamedTuple):
    """One program run: exit status (None on a time-out), output, the command shown in reports."""

    code: Optional[int]
    stdout: bytes
    stderr: bytes
    shown: str
    seconds: float = 0.0


class Runtime:
    """A runtime's program: its command, and how a contract call becomes a process."""

    def __init__(self, name: str, command: str) -> None:
        self.name = name
        self.argv0 = shlex.split(command)
        self.missing = self._missing()

    def _missing(self) -> Optional[str]:
        if not self.argv0:
            return "no command given"
        exe = self.argv0[0]
        if "/" in exe:
            path = exe if os.path.isabs(exe) else str(ROOT / exe)
            if not os.access(path, os.X_OK):
                return f"{exe} not found (or not executable)"
        elif shutil.which(exe) is None:
            return f"{exe} not found on PATH"
        for arg in self.argv0[1:]:
            if re.search(r"\.(py|js|mjs|cjs|jar)$", arg) and not (ROOT / arg).exists():
                return f"{arg} not found"
        return None

    def call(self, args: Sequence[str], timeout: float, env: Dict[str, str]) -> Run:
        """Runs `<prog> args...` (the Rust CLI through its adapter)."""
        stdin_path = None
        if self.name == "rust" and args and args[0] in RUST_COMMANDS and \
                len(args) == RUST_COMMANDS[args[0]][0] + 1:
            argv, stdin_path = rust_argv(self.argv0, args)
        else:
            argv = self.argv0 + list(args)
        shown = " ".join(shlex.quote(a) for a in argv)
        if stdin_path is not None:
            shown += f" < {shlex.quote(stdin_path)}"
        if self.missing:
            return Run(None, b"", f"program missing: {self.missing}".encode(), shown)
        try:
            stdin = open(stdin_path, "rb") if stdin_path is not None else subprocess.DEVNULL
        except OSError as e:  # the adapter's own redirection, as a shell would report it
            return Run(2, b"", f"error: cannot read {stdin_path}: {e.strerror}\n".encode(), shown)
        started = time.monotonic()
        try:
            p = subprocess.run(argv, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               cwd=ROOT, env=env, timeout=timeout)
            return Run(p.returncode, p.stdout, p.stderr, shown, time.monotonic() - started)
        except subprocess.TimeoutExpired:
            return Run(None, b"", f"timed out after {timeout:g} s".encode(), shown)
        except OSError as e:
            return Run(None, b"", f"cannot run: {e}".encode(), shown)
        finally:
            if stdin_path is not None:
                stdin.close()  # type: ignore[union-attr]


# The Rust face: the contract's commands as `hxjwt` CLI commands (cli/src/main.rs, cli/src/jws.rs).
# The CLI reads the payload, the claims and the token from stdin with "-", and trims the token.
RUST_COMMANDS: Dict[str, Tuple[int, Callable[[Sequence[str]], Tuple[List[str], str]]]] = {
    "hx1-create": (3, lambda a: (["create", "--key", a[0], "--to-token", a[1], "--ttl", "300", "-"],
                                 a[2])),
    "hx1-validate": (3, lambda a: (["validate", "--key", a[0], "--from-token", a[1], "-"], a[2])),
    "es256-sign": (2, lambda a: (["sign", "--key", a[0], "--alg", "ES256", "-"], a[1])),
    "es256-verify": (2, lambda a: (["verify", "--key", a[0], "--alg", "ES256", "-"], a[1])),
    "jwe-encrypt": (4, lambda a: (["encrypt", "--key", a[2], "--alg", a[0], "--enc", a[1], "-"],
                                  a[3])),
    "jwe-decrypt": (4, lambda a: (["decrypt", "--key", a[2], "--alg", a[0], "--enc", a[1], "-"],
                                  a[3])),
}


def rust_argv(argv0: List[str], args: Sequence[str]) -> Tuple[List[str], str]:
    """The CLI's argv for a contract call, and the file to give it as stdin."""
    cli_args, stdin_path = RUST_COMMANDS[args[0]][1](args[1:])
    return argv0 + cli_args, stdin_path


class Check(NamedTuple):
    """One assertion's outcome."""

    ok: bool
    detail: str  # why it failed (empty when ok)


#: An input check for one runtime: the program's arguments, and how to judge its run.
Plan = Tuple[List[str], Callable[[Run], Check]]


def describe(run: Run, limit: int = 600) -> str:
    """A run, for a failure report."""
    code = "did not run to its end" if run.code is None else f"exit {run.code}"
    err = run.stderr.decode("utf-8", "replace").strip()
    out = run.stdout[:200]
    text = f"$ {run.shown}\n  {code}"
    if err:
        text += "\n  stderr: " + err[:limit].replace("\n", "\n          ")
    if out and (run.code != 0 or not err):
        text += f"\n  stdout: {out!r}"
    return text


def error_kind(run: Run) -> Optional[str]:
    """The Kind of an `error: <Kind>: <message>` first line of stderr, if it has one."""
    first = run.stderr.decode("utf-8", "replace").split("\n", 1)[0]
    m = ERROR_LINE.match(first)
    return m.group(1) if m else None


def check_refused(run: Run, kinds: Optional[Set[str]] = None, allow_input_error: bool = False,
                  note: bool = True) -> Check:
    """Refused by the contract: exit 1 and `error: <Kind>: ...` (a Kind of `kinds` if given), no
    crash. With allow_input_error, exit 2 and an `error:` line (a file the program cannot use,
    before the library sees it) is accepted too, and noted unless `note` is false."""
    text = run.stderr.decode("utf-8", "replace")
    if run.code is None:
        return Check(False, describe(run))
    if CRASH.search(text):
        return Check(False, "crashed\n" + describe(run))
    if run.code == 1:
        kind = error_kind(run)
        if kind is None or kind not in KINDS:
            return Check(False, "exit 1 without an `error: <Kind>: ` line of a known kind\n"
                         + describe(run))
        if kinds is not None and kind not in kinds:
            return Check(False, f"refused as {kind}, expected {' or '.join(sorted(kinds))}\n"
                         + describe(run))
        return Check(True, "")
    if run.code == 2 and allow_input_error and text.startswith("error:"):
        if note:
            NOTES.append(f"exit 2 (input error) where the contract asks for exit 1 and a Kind:\n"
                         + describe(run))
        return Check(True, "")
    return Check(False, f"expected exit 1{' (or 2)' if allow_input_error else ''}\n"
                 + describe(run))


def check_usage(run: Run) -> Check:
    text = run.stderr.decode("utf-8", "replace")
    if run.code == 2 and text.strip() and not CRASH.search(text):
        return Check(True, "")
    return Check(False, "expected exit 2 and a message on stderr\n" + describe(run))


NOTES: List[str] = []


# --- JSON as JSON: bool is not a number, objects have no duplicate members ---------------------

def no_duplicates(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate member {k!r}")
        out[k] = v
    return out


def json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) or isinstance(b, (int, float)):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and a == b
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys()
                and all(json_equal(a[k], b[k]) for k in a))
    if isinstance(a, list) or isinstance(b, list):
        return (isinstance(a, list) and isinstance(b, list) and len(a) == len(b)
                and all(json_equal(x, y) for x, y in zip(a, b)))
    return type(a) is type(b) and a == b


def unverified_header(token: bytes) -> Dict[str, Any]:
    """The JSON header of a compact token, NOT verified (to check what a program made)."""
    head = token.strip().split(b".", 1)[0]
    value = json.loads(base64.urlsafe_b64decode(head + b"=" * (-len(head) % 4)))
    if not isinstance(value, dict):
        raise ValueError("the header is not a JSON object")
    return value


def check_made(run: Run, what: str, header_ok: Callable[[Dict[str, Any]], Optional[str]]) -> Check:
    """A program made a token: exit 0, and a header that header_ok finds nothing wrong with."""
    if run.code != 0 or not run.stdout.strip():
        return Check(False, f"{what} failed\n" + describe(run))
    try:
        problem = header_ok(unverified_header(run.stdout))
    except ValueError as e:
        problem = f"no JSON header: {e}"
    if problem:
        return Check(False, f"{what} made a token {problem}\n" + describe(run))
    return Check(True, "")


def hx1_header_ok(h: Dict[str, Any]) -> Optional[str]:
    iat, exp = h.get("iat"), h.get("exp")
    if not isinstance(iat, int) or not isinstance(exp, int) or exp - iat != 300:
        return f"whose lifetime is not 300 s (iat {iat!r}, exp {exp!r})"
    return None


def es256_header_ok(h: Dict[str, Any]) -> Optional[str]:
    return None if h.get("alg") == "ES256" else f"whose alg is {h.get('alg')!r}, not ES256"


def jwe_made(run: Run, alg: str, enc: str) -> Check:
    """jwe-encrypt made a compact JWE (five segments) whose header says `alg` and `enc`."""
    def header_ok(h: Dict[str, Any]) -> Optional[str]:
        if h.get("alg") != alg or h.get("enc") != enc:
            return f"whose alg/enc are {h.get('alg')!r}/{h.get('enc')!r}, not {alg}/{enc}"
        return None
    made = check_made(run, "jwe-encrypt", header_ok)
    if made.ok and run.stdout.strip().count(b".") != 4:
        return Check(False, "jwe-encrypt made a token that is not a compact JWE (5 segments)\n"
                     + describe(run))
    return made


# --- the matrix --------------------------------------------------------------------------------

class Matrix:
    def __init__(self, runtimes: List[Runtime], work: Path, jobs: int, timeout: float,
                 env: Dict[str, str], keygen: List[str]) -> None:
        self.runtimes = runtimes
        self.names = [r.name for r in runtimes]
        self.work = work
        self.jobs = jobs
        self.timeout = timeout
        self.env = env
        self.keygen = keygen
        self.passed = 0
        self.failed = 0
        self.failures: List[str] = []
        self.missing: Dict[str, int] = {}  # "program missing: ..." -> checks failed for it
        self.times: Dict[str, List[float]] = {}  # runtime -> seconds of each run (for the record)
        self.hx1_tokens: Dict[Tuple[str, str], str] = {}  # (sender, recipient) -> token file
        self.es_tokens: Dict[str, str] = {}  # signer -> token file

    def record(self, label: str, check: Check) -> str:
        if check.ok:
            self.passed += 1
            return "ok"
        self.failed += 1
        missing = re.search(r"program missing: .*", check.detail)
        if missing:  # one line for all the checks a missing program fails
            self.missing[missing.group(0)] = self.missing.get(missing.group(0), 0) + 1
        else:
            self.failures.append(f"[{label}] {check.detail}")
        return "FAIL"

    def call_all(self, calls: List[Tuple[Runtime, List[str]]]) -> List[Run]:
        with concurrent.futures.ThreadPoolExecutor(max_workers=self.jobs) as pool:
            futures = [pool.submit(rt.call, args, self.timeout, self.env) for rt, args in calls]
            runs = [f.result() for f in futures]
        for (rt, _), run in zip(calls, runs):
            if run.code is not None:
                self.times.setdefault(rt.name, []).append(run.seconds)
        return runs

    def path(self, *parts: str) -> str:
        return str(self.work.joinpath(*parts))

    # Keys: one identity and one ES256 key per runtime, made by the CLI (or the Python module).
    def make_keys(self, python: List[str]) -> Optional[str]:
        """Writes the keys; returns why it could not (None on success). The CLI makes them; when
        it cannot (missing, failing), the Python module does, through `python`."""
        (self.work / "keys").mkdir()
        jobs = []
        for name in self.names + [STRANGER]:
            jobs.append(("id", f"{name}.interop.test", self.id_jwk(name), self.id_pub(name)))
            jobs.append(("es256", "", self.es_jwk(name), self.es_pub(name)))
        for key, kind in JWE_KEYS.items():
            jobs.append(("jwe", kind, self.jwe_jwk(key), self.jwe_pub(key)))
        problems = []
        for maker in (self.keygen_cli, lambda job: self.keygen_python(python, job)):
            problems = [p for p in (maker(job) for job in jobs) if p]
            if not problems:
                return None
        return "key generation failed, by the CLI and by the Python module: " + problems[0]

    def keygen_cli(self, job: Tuple[str, str, str, str]) -> Optional[str]:
        kind, name, private, public = job
        what = {"id": [name], "es256": ["--alg", "ES256"], "jwe": ["--jwe", name]}[kind]
        argv = self.keygen + ["keygen"] + what + ["-o", private] + (
            ["--public", public] if public != private else [])
        try:
            p = subprocess.run(argv, cwd=ROOT, env=self.env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=self.timeout)
        except (OSError, subprocess.TimeoutExpired) as e:
            return f"{shlex.join(argv)}: {e}"
        if p.returncode != 0:
            return f"{shlex.join(argv)}: {p.stderr.decode(errors='replace').strip()}"
        return None

    def keygen_python(self, python: List[str], job: Tuple[str, str, str, str]) -> Optional[str]:
        argv = python + ["-c", PY_KEYGEN] + list(job)
        try:
            p = subprocess.run(argv, cwd=ROOT, env=self.env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=self.timeout)
        except (OSError, subprocess.TimeoutExpired) as e:
            return f"{python[0]} -c ...: {e}"
        if p.returncode != 0:
            return f"{python[0]} -c ...: {p.stderr.decode(errors='replace').strip()[-300:]}"
        return None

    def id_jwk(self, name: str) -> str:
        return self.path("keys", f"{name}.id.jwk")

    def id_pub(self, name: str) -> str:
        return self.path("keys", f"{name}.id.pub")

    def es_jwk(self, name: str) -> str:
        return self.path("keys", f"{name}.es256.jwk")

    def es_pub(self, name: str) -> str:
        return self.path("keys", f"{name}.es256.pub")

    def jwe_jwk(self, key: str) -> str:
        """The private JWK of a JWE key (JWE_KEYS), or the secret."""
        return self.path("keys", f"jwe.{key}.jwk")

    def jwe_pub(self, key: str) -> str:
        """The JWK to encrypt to: the public JWK, or for a secret its one JWK."""
        return self.jwe_jwk(key) if JWE_KEYS[key].startswith("oct") else self.path(
            "keys", f"jwe.{key}.pub")

    def tamper(self, token_file: str, out_name: str, segment: int = -1) -> str:
        """A copy of the token with one character of a segment changed, by default the last (the
        signature); in the middle, so that the base64url stays canonical."""
        parts = Path(token_file).read_bytes().strip().split(b".")
        seg = parts[segment]
        i = len(seg) // 2
        parts[segment] = seg[:i] + (b"B" if seg[i:i + 1] == b"A" else b"A") + seg[i + 1:]
        out = self.path(out_name)
        Path(out).write_bytes(b".".join(parts) + b"\n")
        return out

    def table(self, title: str, corner: str, rows: List[Tuple[str, List[str]]],
              legend: Sequence[str] = ()) -> None:
        width = max(14, max(len(n) for n in self.names) + 2)
        label_w = max(len(corner), max(len(r[0]) for r in rows)) + 2
        print(f"\n{title}")
        print(corner.ljust(label_w) + "".join(n.ljust(width) for n in self.names).rstrip())
        for label, cells in rows:
            print(label.ljust(label_w) + "".join(c.ljust(width) for c in cells).rstrip())
        for line in legend:
            print("  " + line)

    # HX1 -------------------------------------------------------------------------------------
    def hx1(self) -> None:
        (self.work / "hx1").mkdir()
        pairs = [(sender, to) for sender in self.runtimes for to in self.runtimes]
        payloads = {}
        calls = []
        for k, (sender, to) in enumerate(pairs):
            head = f'{{"from":"{sender.name}","to":"{to.name}","n":{k}}}'
            payload = (f"{head} héllo ✓ 😀 ".encode()
                       + bytes([0, 1, 0x7F, 0x80, 0xFE, 0xFF]) + f" #{k}\r\n \n".encode())
            payloads[(sender.name, to.name)] = payload
            p = self.path("hx1", f"{sender.name}-to-{to.name}.payload")
            Path(p).write_bytes(payload)
            calls.append((sender, ["hx1-create", self.id_jwk(sender.name), self.id_pub(to.name),
                                   p]))
        created = dict(zip([(a.name, b.name) for a, b in pairs], self.call_all(calls)))

        token_files: Dict[Tuple[str, str], str] = {}
        create_failed: Dict[Tuple[str, str], Check] = {}
        for key, run in created.items():
            made = check_made(run, "hx1-create", hx1_header_ok)
            if made.ok:
                f = self.path("hx1", f"{key[0]}-to-{key[1]}.token")
                Path(f).write_bytes(run.stdout)
                token_files[key] = f
            else:
                create_failed[key] = made

        self.hx1_tokens = token_files
        keys = [k for k in created if k in token_files]
        runs = self.call_all([
            (self.rt(r), ["hx1-validate", self.id_jwk(r), self.id_pub(s), token_files[(s, r)]])
            for s, r in keys])
        validated = dict(zip(keys, runs))

        # One altered token per recipient: from the next runtime (or any that managed to create).
        neg_calls, neg_keys = [], []
        for i, r in enumerate(self.names):
            order = self.names[i + 1:] + self.names[:i + 1]
            src = next((s for s in order if (s, r) in token_files), None)
            if src is not None:
                bad = self.tamper(token_files[(src, r)], f"hx1/{src}-to-{r}.tampered")
                neg_calls.append((self.rt(r), ["hx1-validate", self.id_jwk(r), self.id_pub(src),
                                               bad]))
                neg_keys.append(r)
        negative = dict(zip(neg_keys, self.call_all(neg_calls)))

        rows = []
        for s in self.names:
            cells = []
            for r in self.names:
                label = f"HX1 {s} -> {r}"
                if (s, r) in create_failed:
                    cells.append(self.record(label, create_failed[(s, r)]) + "(create)")
                    continue
                run = validated[(s, r)]
                want = payloads[(s, r)]
                if run.code == 0 and run.stdout == want:
                    check = Check(True, "")
                elif run.code == 0:
                    check = Check(False, f"the payload printed differs\n  expected {want!r}\n"
                                  f"  got      {run.stdout[:300]!r}\n" + describe(run))
                else:
                    check = Check(False, "hx1-validate refused a good token\n" + describe(run))
                cells.append(self.record(label, check))
            rows.append((s, cells))
        cells = []
        for r in self.names:
            if r not in negative:
                cells.append(self.record(f"HX1 tampered -> {r}",
                                         Check(False, "no token to alter (every create failed)")))
            else:
                cells.append(self.record(f"HX1 tampered -> {r}", check_refused(
                    negative[r], {"InvalidSignature", "Malformed"})))
        rows.append(("tampered", cells))
        rows += self.hx1_refusals()
        rows += self.hx1_sizes()
        self.table("HX1: the row's runtime creates a token for the column's, which validates it",
                   "sender\\recipient", rows, [
                       "tampered: the column refuses a token for it altered in one character",
                       "wrong sender: the column validates the next runtime's token as from a "
                       "third party: IssuerMismatch",
                       "for another: the next runtime's token for a third party: WrongAudience",
                       "empty, 30 KB payload: from the next runtime to the column's"])

    def refusal_row(self, label: str, tag: str, kinds: Set[str],
                    calls: Dict[str, Tuple[Runtime, List[str]]],
                    skipped: Dict[str, Check]) -> Tuple[str, List[str]]:
        """One row of refusals: calls[column] must be refused with one of `kinds`; a column
        without a call fails with skipped[column] (the token it needed could not be made)."""
        keys = [r for r in self.names if r in calls]
        runs = dict(zip(keys, self.call_all([calls[r] for r in keys])))
        cells = []
        for r in self.names:
            name = f"{tag} -> {r}"
            check = check_refused(runs[r], kinds) if r in runs else skipped[r]
            cells.append(self.record(name, check))
        return (label, cells)

    def hx1_refusals(self) -> List[Tuple[str, List[str]]]:
        """Each runtime refuses, with the kind the library gives, a token from the next runtime
        validated as from a third party (IssuerMismatch), and one the next runtime made for a
        third party (WrongAudience): the kinds cross every face unchanged."""
        src = {r: self.names[(i + 1) % len(self.names)] for i, r in enumerate(self.names)}
        for_stranger = self.call_all([(self.rt(src[r]), [
            "hx1-create", self.id_jwk(src[r]), self.id_pub(STRANGER),
            self.path("hx1", f"{src[r]}-to-{r}.payload")]) for r in self.names])
        made = {r: check_made(run, "hx1-create", hx1_header_ok)
                for r, run in zip(self.names, for_stranger)}
        calls_aud: Dict[str, Tuple[Runtime, List[str]]] = {}
        for r, run in zip(self.names, for_stranger):
            if made[r].ok:
                f = self.path("hx1", f"{src[r]}-to-{STRANGER}.for-{r}.token")
                Path(f).write_bytes(run.stdout)
                calls_aud[r] = (self.rt(r), ["hx1-validate", self.id_jwk(r), self.id_pub(src[r]),
                                             f])
        calls_iss: Dict[str, Tuple[Runtime, List[str]]] = {}
        no_token: Dict[str, Check] = {}
        for r in self.names:
            token = self.hx1_tokens.get((src[r], r))
            if token is None:
                no_token[r] = Check(False, f"no token from {src[r]} to {r} (hx1-create failed)")
            else:
                calls_iss[r] = (self.rt(r), ["hx1-validate", self.id_jwk(r),
                                             self.id_pub(STRANGER), token])
        return [
            self.refusal_row("wrong sender", "HX1 wrong sender", {"IssuerMismatch"}, calls_iss,
                             no_token),
            self.refusal_row("for another", "HX1 for another", {"WrongAudience"}, calls_aud,
                             made),
        ]

    def hx1_sizes(self) -> List[Tuple[str, List[str]]]:
        """An empty payload and a 30 KB one (a token of about 54 KB, under the 64 KiB that a
        recipient accepts by default), from the next runtime to each: both printed exactly."""
        rows = []
        for label, payload in (("empty payload", b""),
                               ("30 KB payload", bytes(range(256)) * 117 + b"\n" * 48)):
            src = {r: self.names[(i + 1) % len(self.names)] for i, r in enumerate(self.names)}
            tag = label.split()[0]
            files = {}
            for r in self.names:
                files[r] = self.path("hx1", f"{src[r]}-to-{r}.{tag}.payload")
                Path(files[r]).write_bytes(payload)
            created = self.call_all([(self.rt(src[r]), ["hx1-create", self.id_jwk(src[r]),
                                                        self.id_pub(r), files[r]])
                                     for r in self.names])
            made = {r: check_made(run, "hx1-create", hx1_header_ok)
                    for r, run in zip(self.names, created)}
            ok = [r for r in self.names if made[r].ok]
            for r, run in zip(self.names, created):
                if made[r].ok:
                    Path(files[r] + ".token").write_bytes(run.stdout)
            runs = dict(zip(ok, self.call_all([
                (self.rt(r), ["hx1-validate", self.id_jwk(r), self.id_pub(src[r]),
                              files[r] + ".token"]) for r in ok])))
            cells = []
            for r in self.names:
                name = f"HX1 {label} {src[r]} -> {r}"
                if not made[r].ok:
                    cells.append(self.record(name, made[r]) + "(create)")
                    continue
                run = runs[r]
                if run.code == 0 and run.stdout == payload:
                    check = Check(True, "")
                elif run.code == 0:
                    check = Check(False, f"the payload printed differs: {len(run.stdout)} bytes, "
                                  f"expected {len(payload)}\n" + describe(run))
                else:
                    check = Check(False, "hx1-validate refused a good token\n" + describe(run))
                cells.append(self.record(name, check))
            rows.append((label, cells))
        return rows

    # ES256 -----------------------------------------------------------------------------------
    def es256(self) -> None:
        (self.work / "jws").mkdir()
        now = int(time.time())
        claims: Dict[str, Dict[str, Any]] = {}
        calls = []
        for k, s in enumerate(self.names):
            claims[s] = {
                "iss": f"{s}.interop.test", "sub": f"user-{k}", "iat": now,
                "exp": now + TTL_SLACK, "jti": f"interop-{s}-{now}-{k}", "signer": s,
                "text": "héllo ✓ 😀 \"quoted\" back\\slash \u0001 tab\tline\nbreak",
                "n": -42 - k, "max_safe": 9007199254740991, "half": 0.5, "yes": True,
                "no": False, "nothing": None, "list": [1, "two", [3], {"four": 4}, []],
                "nested": {"a": {"b": [True, None]}, "empty": {}},
            }
            f = self.path("jws", f"{s}.claims.json")
            Path(f).write_bytes(json.dumps(claims[s], ensure_ascii=False,
                                           separators=(",", ":")).encode())
            calls.append((self.rt(s), ["es256-sign", self.es_jwk(s), f]))
        signed = dict(zip(self.names, self.call_all(calls)))
        token_files: Dict[str, str] = {}
        sign_failed: Dict[str, Check] = {}
        for s, run in signed.items():
            made = check_made(run, "es256-sign", es256_header_ok)
            if made.ok:
                # Saved with other trailing whitespace than the newline printed (HX1 tokens are
                # saved as printed): the verifier strips it.
                token_files[s] = self.path("jws", f"{s}.token")
                Path(token_files[s]).write_bytes(run.stdout.rstrip() + b" \t\r\n")
            else:
                sign_failed[s] = made

        self.es_tokens = token_files
        keys = [(s, v) for s in self.names if s in token_files for v in self.names]
        runs = self.call_all([(self.rt(v), ["es256-verify", self.es_pub(s), token_files[s]])
                              for s, v in keys])
        verified = dict(zip(keys, runs))

        neg_calls, neg_keys = [], []
        for i, v in enumerate(self.names):
            order = self.names[i + 1:] + self.names[:i + 1]
            src = next((s for s in order if s in token_files), None)
            if src is not None:
                bad = self.tamper(token_files[src], f"jws/{src}-for-{v}.tampered")
                neg_calls.append((self.rt(v), ["es256-verify", self.es_pub(src), bad]))
                neg_keys.append(v)
        negative = dict(zip(neg_keys, self.call_all(neg_calls)))

        rows = []
        for s in self.names:
            cells = []
            for v in self.names:
                label = f"ES256 {s} -> {v}"
                if s in sign_failed:
                    cells.append(self.record(label, sign_failed[s]) + "(sign)")
                    continue
                cells.append(self.record(label, self.verified_claims(verified[(s, v)],
                                                                     claims[s])))
            rows.append((s, cells))
        cells = []
        for v in self.names:
            if v not in negative:
                cells.append(self.record(f"ES256 tampered -> {v}",
                                         Check(False, "no token to alter (every sign failed)")))
            else:
                cells.append(self.record(f"ES256 tampered -> {v}", check_refused(
                    negative[v], {"InvalidSignature", "Malformed"})))
        rows.append(("tampered", cells))
        rows += self.es256_refusals(now)
        rows += self.exact_numbers(now)
        self.table("ES256: the row's runtime signs, the column's verifies", "signer\\verifier",
                   rows, [
                       "tampered: the column refuses a token altered in one character",
                       "expired, with aud, no exp: the reference runtime's tokens, refused as "
                       "Expired, WrongAudience, MissingClaim",
                       "big ints: integers past 64 bits kept exactly when the column signs (the "
                       "reference verifies) and verifies (the reference signs)"])

    def es256_refusals(self, now: int) -> List[Tuple[str, List[str]]]:
        """Tokens the reference runtime signs that every runtime must refuse with the library's
        kind: expired an hour ago (Expired), with an `aud` where no audience is configured
        (WrongAudience), without `exp` (MissingClaim: the core's default requires it)."""
        ref = "c" if "c" in self.names else self.names[0]
        cases = [
            ("expired", "ES256 expired", {"Expired"},
             {"sub": "expired", "iat": now - 7200, "exp": now - 3600}),
            ("with aud", "ES256 with aud", {"WrongAudience"},
             {"sub": "aud", "aud": "some-api", "iat": now, "exp": now + TTL_SLACK}),
            ("no exp", "ES256 no exp", {"MissingClaim"}, {"sub": "no-exp", "iat": now}),
        ]
        calls = []
        for label, _, _, claims in cases:
            f = self.path("jws", f"{ref}.{label.replace(' ', '-')}.claims.json")
            Path(f).write_bytes(json.dumps(claims).encode())
            calls.append((self.rt(ref), ["es256-sign", self.es_jwk(ref), f]))
        signed = self.call_all(calls)
        rows = []
        for (label, tag, kinds, _), run in zip(cases, signed):
            made = check_made(run, "es256-sign", es256_header_ok)
            verify_calls: Dict[str, Tuple[Runtime, List[str]]] = {}
            if made.ok:
                f = self.path("jws", f"{ref}.{label.replace(' ', '-')}.token")
                Path(f).write_bytes(run.stdout)
                verify_calls = {v: (self.rt(v), ["es256-verify", self.es_pub(ref), f])
                                for v in self.names}
            rows.append(self.refusal_row(label, tag, kinds, verify_calls,
                                         {v: made for v in self.names}))
        return rows

    def verified_claims(self, run: Run, want: Dict[str, Any]) -> Check:
        """es256-verify printed claims equal to `want` as JSON."""
        if run.code != 0:
            return Check(False, "es256-verify refused a good token\n" + describe(run))
        try:
            got = json.loads(run.stdout.decode("utf-8"), object_pairs_hook=no_duplicates)
        except ValueError as e:
            return Check(False, f"the output is not one JSON value: {e}\n" + describe(run))
        if not json_equal(got, want):
            return Check(False, f"the claims printed differ\n  expected {want!r}\n"
                         f"  got      {got!r}\n" + describe(run))
        return Check(True, "")

    def exact_numbers(self, now: int) -> List[Tuple[str, List[str]]]:
        """Claims with integers past 64 bits: each runtime signs them and the reference runtime
        (C, which prints the claims exactly as signed) verifies; the reference signs and each
        runtime verifies. Both must keep the numbers exactly."""
        ref = "c" if "c" in self.names else self.names[0]
        claims = {"big": 123456789012345678901234567890, "neg": -98765432109876543210987654321,
                  "iat": now, "exp": now + TTL_SLACK}
        f = self.path("jws", "big-ints.claims.json")
        Path(f).write_bytes(json.dumps(claims, separators=(",", ":")).encode())
        signed = dict(zip(self.names, self.call_all(
            [(self.rt(s), ["es256-sign", self.es_jwk(s), f]) for s in self.names])))
        tokens: Dict[str, str] = {}
        made: Dict[str, Check] = {}
        for s, run in signed.items():
            made[s] = check_made(run, "es256-sign", es256_header_ok)
            if made[s].ok:
                tokens[s] = self.path("jws", f"{s}.big-ints.token")
                Path(tokens[s]).write_bytes(run.stdout)
        sign_keys = [s for s in self.names if s in tokens]
        by_ref = self.call_all([(self.rt(ref), ["es256-verify", self.es_pub(s), tokens[s]])
                                for s in sign_keys])
        verify_keys = self.names if ref in tokens else []
        by_each = self.call_all([(self.rt(v), ["es256-verify", self.es_pub(ref), tokens[ref]])
                                 for v in verify_keys])
        sign_row, verify_row = [], []
        for s in self.names:
            label = f"ES256 big ints signed by {s}, verified by {ref}"
            check = (self.verified_claims(by_ref[sign_keys.index(s)], claims) if s in tokens
                     else made[s])
            sign_row.append(self.record(label, check))
        for v in self.names:
            label = f"ES256 big ints signed by {ref}, verified by {v}"
            check = (self.verified_claims(by_each[verify_keys.index(v)], claims)
                     if v in verify_keys else made[ref])
            verify_row.append(self.record(label, check))
        return [("big ints: signs", sign_row), ("big ints: verifies", verify_row)]

    # JWE -------------------------------------------------------------------------------------
    def jwe(self) -> None:
        """Standard JWE: for each case of JWE_CASES every runtime (row) encrypts a payload of its
        own for the case's recipient key and every runtime (column) decrypts every token,
        accepting only the case's alg and enc; then the refusals. All the decryptions run at
        once (one pool), after all the encryptions (another)."""
        (self.work / "jwe").mkdir()
        payloads: Dict[Tuple[int, str], bytes] = {}
        calls = []
        keys = [(c, s) for c in range(len(JWE_CASES)) for s in self.names]
        for c, s in keys:
            alg, enc, key = JWE_CASES[c]
            # Not UTF-8 (a lone continuation byte, a bad sequence, FE FF), a NUL byte, and
            # trailing whitespace that a runtime treating the plaintext as text would lose.
            payloads[(c, s)] = (f'{{"jwe":"{alg}/{enc}","from":"{s}"}} héllo 😀 '.encode()
                                + bytes([0, 1, 0x7F, 0x80, 0xC3, 0x28, 0xFE, 0xFF])
                                + f" #{c}\r\n \n".encode())
            p = self.path("jwe", f"{c}.{s}.payload")
            Path(p).write_bytes(payloads[(c, s)])
            calls.append((self.rt(s), ["jwe-encrypt", alg, enc, self.jwe_pub(key), p]))
        made: Dict[Tuple[int, str], Check] = {}
        tokens: Dict[Tuple[int, str], str] = {}
        for (c, s), encrypted in zip(keys, self.call_all(calls)):
            made[(c, s)] = jwe_made(encrypted, JWE_CASES[c][0], JWE_CASES[c][1])
            if made[(c, s)].ok:
                tokens[(c, s)] = self.path("jwe", f"{c}.{s}.token")
                Path(tokens[(c, s)]).write_bytes(encrypted.stdout)

        # The decryptions, and the refusals: each column gets its altered token from the next
        # runtime, of the case its index names (so that six runtimes cover every case).
        plan: List[Tuple[str, str, Optional[Tuple[Runtime, List[str]]], Check]] = []
        for c, (alg, enc, key) in enumerate(JWE_CASES):
            for s in self.names:
                for v in self.names:
                    call = (self.rt(v), ["jwe-decrypt", alg, enc, self.jwe_jwk(key),
                                         tokens[(c, s)]]) if (c, s) in tokens else None
                    plan.append((f"{c} {s}", v, call, made[(c, s)]))
        no_token = Check(False, "no token to start from (every jwe-encrypt failed)")
        for i, v in enumerate(self.names):
            order = self.names[i + 1:] + self.names[:i + 1]
            c = i % len(JWE_CASES)
            alg, enc, key = JWE_CASES[c]
            src = next((s for s in order if (c, s) in tokens), None)
            call = None
            if src is not None:
                bad = self.tamper(tokens[(c, src)], f"jwe/{c}.{src}-for-{v}.tampered", 3)
                call = (self.rt(v), ["jwe-decrypt", alg, enc, self.jwe_jwk(key), bad])
            plan.append(("tampered", v, call, no_token))
            # The ECDH-ES token, decrypted by one who allows ECDH-ES+A256KW only.
            alg, enc, key = JWE_CASES[0]
            src = next((s for s in order if (0, s) in tokens), None)
            call = None if src is None else (self.rt(v), [
                "jwe-decrypt", "ECDH-ES+A256KW", enc, self.jwe_jwk(key), tokens[(0, src)]])
            plan.append(("alg not allowed", v, call, no_token))
            src = next((s for s in order if s in self.es_tokens), None)
            call = None if src is None else (self.rt(v), [
                "jwe-decrypt", "dir", "A256GCM", self.jwe_jwk("oct"), self.es_tokens[src]])
            plan.append(("a JWS", v, call,
                         Check(False, "no JWS to give (every es256-sign failed)")))
        runs = iter(self.call_all([call for _, _, call, _ in plan if call is not None]))
        results: Dict[Tuple[str, str], Tuple[Optional[Run], Check]] = {
            (row, v): ((next(runs), failed) if call is not None else (None, failed))
            for row, v, call, failed in plan}

        rows = []
        for c, (alg, enc, _) in enumerate(JWE_CASES):
            for s in self.names:
                cells = []
                for v in self.names:
                    label = f"JWE {alg}/{enc} {s} -> {v}"
                    run, failed = results[(f"{c} {s}", v)]
                    if run is None:
                        cells.append(self.record(label, failed) + "(encrypt)")
                        continue
                    want = payloads[(c, s)]
                    if run.code == 0 and run.stdout == want:
                        check = Check(True, "")
                    elif run.code == 0:
                        check = Check(False, f"the plaintext printed differs\n  expected {want!r}"
                                      f"\n  got      {run.stdout[:300]!r}\n" + describe(run))
                    else:
                        check = Check(False, "jwe-decrypt refused a good token\n" + describe(run))
                    cells.append(self.record(label, check))
                rows.append((f"{alg}/{enc} {s}", cells))
        for row, kinds in (("tampered", {"DecryptionFailed", "Malformed"}),
                           ("alg not allowed", {"UnsupportedAlgorithm"}), ("a JWS", {"Malformed"})):
            cells = []
            for v in self.names:
                run, failed = results[(row, v)]
                check = failed if run is None else check_refused(run, kinds)
                cells.append(self.record(f"JWE {row} -> {v}", check))
            rows.append((row, cells))
        cases = ", ".join(f"{a}/{e}" for a, e, _ in JWE_CASES)
        self.table("JWE: the row's runtime encrypts (alg/enc), the column's decrypts",
                   "encrypter\\decrypter", rows, [
                       "keys: X25519, P-256, RSA 2048, a 32-byte secret (dir and A256KW)",
                       f"tampered: one ciphertext character changed, in the column's token of "
                       f"the cases in turn ({cases}): DecryptionFailed (or Malformed)",
                       "alg not allowed: an ECDH-ES token, the column allowing ECDH-ES+A256KW "
                       "only: UnsupportedAlgorithm",
                       "a JWS: an ES256 token given to jwe-decrypt: Malformed"])

    # Hostile input ---------------------------------------------------------------------------
    def hostile(self) -> None:
        d = self.work / "input"
        d.mkdir()
        ref = self.names[0]
        # A good token for each runtime, from the HX1 part (from any sender that managed): what
        # must still be refused once a NUL byte and more follow it (or follow the runtime's key).
        good: Dict[str, Optional[Tuple[str, str]]] = {}
        for r in self.names:
            src = next((s for s in self.names if (s, r) in self.hx1_tokens), None)
            good[r] = None if src is None else (src, self.hx1_tokens[(src, r)])

        files = {
            "not-utf8.token": b"\xff\xfe\xfd.\xc3\x28.\x80",
            "empty.token": b"",
            "huge.token": b"A" * (1024 * 1024),
            "not-json.jwk": b"this is not JSON {",
            "missing": None,
        }
        for name, data in files.items():
            if data is not None:
                (d / name).write_bytes(data)

        def f(name: str) -> str:
            return str(d / name)

        checks: List[Tuple[str, Callable[[str], Optional[Plan]]]] = []

        def add(label: str, make: Callable[[str], Optional[Plan]]) -> None:
            checks.append((label, make))

        add("no arguments", lambda r: ([], check_usage))
        add("unknown command", lambda r: (["hx1-frobnicate", f("empty.token")], check_usage))
        add("missing argument", lambda r: (["hx1-validate", self.id_jwk(r)], check_usage))
        add("token not UTF-8", lambda r: (
            ["hx1-validate", self.id_jwk(r), self.id_pub(ref), f("not-utf8.token")],
            lambda run: check_refused(run, allow_input_error=True)))

        def nul_token(r: str) -> Optional[Plan]:
            if good[r] is None:
                return None
            src, token = good[r]  # type: ignore[misc]
            p = d / f"nul-for-{r}.token"
            p.write_bytes(Path(token).read_bytes().strip() + b"\x00garbage")
            return (["hx1-validate", self.id_jwk(r), self.id_pub(src), str(p)],
                    lambda run: check_refused(run, allow_input_error=True))
        add("good token + NUL + more", nul_token)

        def nul_jwk(r: str) -> Optional[Plan]:
            if good[r] is None:
                return None
            src, token = good[r]  # type: ignore[misc]
            p = d / f"nul-{r}.id.jwk"
            p.write_bytes(Path(self.id_jwk(r)).read_bytes().strip() + b"\x00{")
            return (["hx1-validate", str(p), self.id_pub(src), token],
                    lambda run: check_refused(run, allow_input_error=True))
        add("own JWK + NUL + more", nul_jwk)

        def non_utf8_jwk(r: str) -> Optional[Plan]:
            src = next((s for s in self.names if s in self.es_tokens), None)
            if src is None:
                return None
            p = d / f"not-utf8-{src}.es256.pub"
            jwk = Path(self.es_pub(src)).read_bytes().strip()
            p.write_bytes(b'{"x-note":"\xff\xfe",' + jwk[1:])  # a member verification ignores
            return (["es256-verify", str(p), self.es_tokens[src]],
                    lambda run: check_refused(run, allow_input_error=True))
        add("public JWK not UTF-8", non_utf8_jwk)
        add("empty token", lambda r: (["es256-verify", self.es_pub(ref), f("empty.token")],
                                      lambda run: check_refused(run, allow_input_error=True)))
        add("1 MiB token", lambda r: (
            ["hx1-validate", self.id_jwk(r), self.id_pub(ref), f("huge.token")],
            lambda run: check_refused(run, {"Malformed", "InvalidArgument"},
                                      allow_input_error=True)))
        add("key not JSON", lambda r: (["es256-verify", f("not-json.jwk"), f("empty.token")],
                                       lambda run: check_refused(run, allow_input_error=True)))
        # A path that names no file is a usage error: exit 2 is the contract's answer too.
        add("missing file", lambda r: (["es256-verify", self.es_pub(ref), f("missing")],
                                       lambda run: check_refused(run, allow_input_error=True,
                                                                 note=False)))

        plan = []
        for label, make in checks:
            for r in self.names:
                plan.append((label, r, make(r)))
        runs = self.call_all([(self.rt(r), spec[0]) for _, r, spec in plan if spec is not None])
        it = iter(runs)
        results: Dict[Tuple[str, str], str] = {}
        for label, r, spec in plan:
            tag = f"input {label} -> {r}"
            if spec is None:
                results[(label, r)] = self.record(tag, Check(
                    False, "no good token to start from (every create or sign failed)"))
            else:
                results[(label, r)] = self.record(tag, spec[1](next(it)))
        self.table("Input: each runtime refuses hostile input with its own error, no crash",
                   "check", [(label, [results[(label, r)] for r in self.names])
                             for label, _ in checks],
                   ["usage errors exit 2; the others exit 1 with `error: <Kind>:` (see Notes)"])

    def rt(self, name: str) -> Runtime:
        return next(r for r in self.runtimes if r.name == name)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runtimes", default=",".join(RUNTIMES),
                    help="comma-separated subset of " + ",".join(RUNTIMES) + " (default: all)")
    ap.add_argument("--cmd", action="append", default=[], metavar="NAME=COMMAND",
                    help="the program of a runtime (repeatable), relative to the repository root;"
                         " defaults: " + "; ".join(f"{k}={v}" for k, v in DEFAULT_COMMANDS.items()))
    ap.add_argument("--keygen", metavar="COMMAND",
                    help="the hxjwt CLI that makes the keys (default: the rust command, else "
                         "target/debug/hxjwt)")
    ap.add_argument("--lib", metavar="PATH",
                    help="libhxjwt.so.0 for the programs: sets HXJWT_LIB and LD_LIBRARY_PATH")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2,
                    help="programs run at once (default: the number of CPUs)")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="seconds before one program run counts as failed (default 120)")
    ap.add_argument("--keep", metavar="DIR", help="write keys and tokens to DIR (kept)")
    opts = ap.parse_args()

    names = [n.strip() for n in opts.runtimes.split(",") if n.strip()]
    unknown = [n for n in names if n not in RUNTIMES]
    if unknown or not names or len(set(names)) != len(names):
        ap.error(f"--runtimes: give distinct names among {','.join(RUNTIMES)}")
    commands = dict(DEFAULT_COMMANDS)
    for spec in opts.cmd:
        name, sep, command = spec.partition("=")
        if not sep or name not in RUNTIMES:
            ap.error(f"--cmd {spec!r}: expected NAME=COMMAND with NAME in {','.join(RUNTIMES)}")
        commands[name] = command

    env = dict(os.environ)
    if opts.lib:
        lib = os.path.abspath(opts.lib)
        env["HXJWT_LIB"] = lib
        env["LD_LIBRARY_PATH"] = os.path.dirname(lib) + (
            ":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    keygen = shlex.split(opts.keygen or commands["rust"])
    if "/" in keygen[0] and not os.path.isabs(keygen[0]):
        keygen[0] = str(ROOT / keygen[0])

    runtimes = [Runtime(n, commands[n]) for n in names]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hxjwt-interop-") as tmp:
        work = Path(opts.keep) if opts.keep else Path(tmp)
        if opts.keep:
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
        print(f"interop matrix over {', '.join(names)} ({opts.jobs} at once); files in {work}")
        for r in runtimes:
            shown = " ".join(shlex.quote(a) for a in r.argv0)
            print(f"  {r.name:<7} {shown}" + (f"   MISSING: {r.missing}" if r.missing else ""))
        m = Matrix(runtimes, work, max(1, opts.jobs), opts.timeout, env, keygen)
        python = shlex.split(commands["python"])[:1]
        if python and "/" in python[0] and not os.path.isabs(python[0]):
            python[0] = str(ROOT / python[0])
        problem = m.make_keys(python)
        if problem is not None:
            print(f"\n{problem}\n0 passed, 1 failed")
            return 1
        m.hx1()
        m.es256()
        m.jwe()
        m.hostile()
    elapsed = time.monotonic() - started

    if NOTES:
        print(f"\nNotes ({len(NOTES)}): accepted, but outside the contract's letter")
        for note in NOTES:
            print("- " + note.replace("\n", "\n  "))
    if m.failures or m.missing:
        print(f"\nFailures ({m.failed}):")
        for message, count in m.missing.items():
            print(f"- {count} checks failed: {message}")
        for failure in m.failures:
            print("- " + failure.replace("\n", "\n  "))
    print(f"\n{len(names)} runtimes, {elapsed:.1f} s; mean time of one program run: " + ", ".join(
        f"{n} {sum(m.times[n]) / len(m.times[n]):.2f} s" for n in names if m.times.get(n)))
    print(f"{m.passed} passed, {m.failed} failed")
    return 0 if m.failed == 0 and m.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
