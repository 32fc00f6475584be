"""Runs PyJWT's own test suite (tests/ of its sdist) against hxjwt, through the `jwt` alias.

    python tests/python/pyjwt_suite.py [--version 2.12.0] [--work target/pyjwt-suite]
                                       [--mode default|pyjwt|both] [--min-faithful 95]

Downloads the pinned PyJWT sdist from PyPI (`pip download`), copies its tests/ (only: PyJWT's
own `jwt/` package is never on the path), and runs pytest over them twice in fresh processes:
once with `hxjwt.compat.install()` (hxjwt's defaults) and once with
`hxjwt.compat.install(pyjwt_defaults=True)` (the faithful mode), each with PyJWT's pytest
settings (warnings are errors, but InsecureKeyLengthWarning). Prints a per-file table and the
totals of both modes; the exit status is 1 when the faithful mode passes fewer than
`--min-faithful` percent of the tests, or a test fails in the default mode that is not one of the
known differences listed in EXPECTED_DEFAULT_FAILURES (the README's list).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

PLUGIN = '''\
import os
import hxjwt.compat
hxjwt.compat.install(pyjwt_defaults=os.environ.get("HXJWT_PYJWT_DEFAULTS") == "1")
'''

PYTEST_INI = '''\
[pytest]
addopts = -p no:cacheprovider
filterwarnings =
    error
    ignore::jwt.warnings.InsecureKeyLengthWarning
    ignore::jwt.warnings.SkippedKeyWarning
'''


def fetch(version: str, work: Path) -> Path:
    """The extracted tests/ of PyJWT `version`, downloading the sdist if needed."""
    sdist = work / f"pyjwt-{version}.tar.gz"
    if not sdist.exists():
        work.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--no-binary", ":all:", f"pyjwt=={version}", "-d", str(work)],
            check=True,
        )
    suite = work / "suite"
    if suite.exists():
        shutil.rmtree(suite)
    suite.mkdir(parents=True)
    prefix = f"pyjwt-{version}/tests/"
    with tarfile.open(sdist) as tar:
        members = [m for m in tar.getmembers() if m.name.startswith(prefix) and (m.isfile() or m.isdir())]
        for m in members:
            m.name = "tests/" + m.name[len(prefix):]
        tar.extractall(suite, members=members, filter="data")
    (suite / "_hxjwt_as_jwt.py").write_text(PLUGIN)
    (suite / "pytest.ini").write_text(PYTEST_INI)
    return suite


def run(suite: Path, faithful: bool) -> dict[str, dict[str, list[str]]]:
    """Runs the suite in one mode; returns {file: {"passed": [...], "failed": [...]}}."""
    report = suite / ("faithful.xml" if faithful else "default.xml")
    env = dict(os.environ, HXJWT_PYJWT_DEFAULTS="1" if faithful else "0",
               PYTHONPATH=str(suite), PYTHONDONTWRITEBYTECODE="1")
    subprocess.run(
        # The alias is installed before pytest starts, so that pytest's warning filters
        # (PyJWT's: `ignore::jwt.warnings.InsecureKeyLengthWarning`) name hxjwt's classes.
        [sys.executable, "-c",
         "import sys, _hxjwt_as_jwt, pytest; sys.exit(pytest.main(sys.argv[1:]))",
         "-q", "--junitxml", str(report), "-o", "junit_family=xunit2", "tests"],
        cwd=suite, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
    )
    results: dict[str, dict[str, list[str]]] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        classname = case.get("classname", "")
        parts = classname.split(".")
        file = next((p for p in parts if p.startswith("test_")), classname) + ".py"
        name = f"{classname}::{case.get('name')}"
        failures = [c for c in case if c.tag in ("failure", "error")]
        skipped = any(child.tag == "skipped" for child in case)
        bucket = results.setdefault(file, {"passed": [], "failed": [], "skipped": []})
        bucket["skipped" if skipped else "failed" if failures else "passed"].append(name)
        if failures:
            MESSAGES[name] = " ".join(
                (c.get("message") or "") + " " + (c.text or "") for c in failures
            )
    return results


MESSAGES: dict[str, str] = {}

# The tests that fail, each for a difference documented in bindings/python/README.md ("PyJWT's
# own suite"): test-name substring -> the difference. In the default mode, a test may also fail
# because PyJWT's tests sign with 6- and 19-byte HMAC secrets (SHORT_SECRET below).
EXPECTED_FAILURES: dict[str, str] = {
    "test_okp_ed448": "Ed448 is not implemented by the core",
    "alg_none": "alg none is never made nor accepted",
    "algo_none": "alg none is never made nor accepted",
    "test_decodes_complete_valid_jwt_with_compressed_payload": "non-canonical base64url (padding)",
    "test_decode_works_if_iat_is_str_of_a_number": "iat must be a number",
    "test_raise_exception_audience_as_bytes": "an audience must be str",
    "test_decode_invalid_payload_string": "the core's message for a payload that is not JSON",
}
SHORT_SECRET = ("HMAC secret is", "HMAC key is")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default="2.12.0")
    parser.add_argument("--work", default="target/pyjwt-suite")
    parser.add_argument("--mode", choices=("default", "pyjwt", "both"), default="both")
    parser.add_argument("--min-faithful", type=float, default=0.0)
    parser.add_argument("--list-failures", action="store_true")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 on a failure that is not a documented difference")
    args = parser.parse_args()
    suite = fetch(args.version, Path(args.work).resolve())
    modes = {"default": [False], "pyjwt": [True], "both": [False, True]}[args.mode]
    runs = {faithful: run(suite, faithful) for faithful in modes}
    files = sorted({f for r in runs.values() for f in r})
    header = f"{'PyJWT ' + args.version + ' tests/':32}" + "".join(
        f"{'pyjwt_defaults' if f else 'default':>22}" for f in modes)
    print(header)
    totals = {f: [0, 0] for f in modes}
    for file in files:
        row = f"{file:32}"
        for faithful in modes:
            r = runs[faithful].get(file, {"passed": [], "failed": []})
            p, n = len(r["passed"]), len(r["passed"]) + len(r["failed"])
            totals[faithful][0] += p
            totals[faithful][1] += n
            row += f"{f'{p}/{n} pass':>22}"
        print(row)
    row = f"{'total':32}"
    for faithful in modes:
        p, n = totals[faithful]
        row += f"{f'{p}/{n} ({100 * p / max(n, 1):.1f} %)':>22}"
    print(row)
    status = 0
    if args.list_failures:
        for faithful in modes:
            print(f"\nfailures ({'pyjwt_defaults' if faithful else 'default'}):")
            for r in runs[faithful].values():
                for name in r["failed"]:
                    print("  " + name)
    if True in runs:
        p, n = totals[True]
        if 100 * p / max(n, 1) < args.min_faithful:
            print(f"faithful mode: {p}/{n} is under {args.min_faithful} %", file=sys.stderr)
            status = 1
    for faithful in runs:
        mode = "pyjwt_defaults" if faithful else "default"
        short = 0
        unexpected = []
        for r in runs[faithful].values():
            for name in r["failed"]:
                if any(k in name for k in EXPECTED_FAILURES):
                    continue
                if not faithful and any(k in MESSAGES.get(name, "") for k in SHORT_SECRET):
                    short += 1
                    continue
                unexpected.append(name)
        if not faithful:
            print(f"default mode: {short} tests fail only because short HMAC secrets are refused")
        for name in unexpected:
            print(f"{mode} mode: failure not among the documented differences: {name}",
                  file=sys.stderr)
        if unexpected and args.strict:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
