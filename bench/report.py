"""Assembles BENCH.md from the JSON results files of one `make bench` run (target/bench/results/).

    python3 bench/report.py RESULTS_DIR OUTPUT.md

Every number in BENCH.md comes from those files; BENCH.md is never edited by hand. A speed-up is
the peer's median divided by hxjwt's (above 1: hxjwt is faster); hxjwt/floor is hxjwt's median
divided by the floor's (1.0: no overhead over the primitives).
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def load(results: Path, name: str) -> dict[str, Any] | None:
    path = results / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def fmt_ns(ns: float) -> str:
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def cell(row: dict[str, Any] | None) -> str:
    """The median, with the 10th–90th percentile of the samples (or, for rows timed in
    interleaved rounds, the fastest and slowest round) in small print."""
    if row is None:
        return "–"
    lo, hi = (row["p10_ns"], row["p90_ns"]) if "p10_ns" in row else (row["min_ns"], row["max_ns"])
    return f"{fmt_ns(row['median_ns'])} <sub>({fmt_ns(lo)}–{fmt_ns(hi)})</sub>"


def verdict(value: float | None, goal: float, at_most: bool = False) -> str:
    if value is None:
        return "not measured"
    met = value <= goal if at_most else value >= goal
    return "met" if met else "**missed**"


def ratio(num: dict[str, Any] | None, den: dict[str, Any] | None) -> float | None:
    if num is None or den is None:
        return None
    return float(num["median_ns"]) / float(den["median_ns"])


def fx(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}×"


def index(doc: dict[str, Any] | None) -> dict[tuple[str, str, str], dict[str, Any]]:
    if doc is None:
        return {}
    return {(r["group"], r.get("op", ""), r.get("impl", "")): r for r in doc["rows"]}


def git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.rstrip("\n")  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "?"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def median(xs: list[float]) -> float:
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def fmt_bytes(n: float) -> str:
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n:.0f} B"


# The fleet table of the Redis section: tokens accepted per second across the fleet, token
# lifetimes, and the leeway added to each (a key lives until exp + leeway).
FLEET_RATES = (1_000, 10_000, 100_000)
FLEET_LIFETIMES = (60, 300, 3600)
FLEET_LEEWAY = 30
VARIANTS = (("none", "no replay store"), ("memory", "`MemoryReplayStore`"),
            ("redis", "`RedisReplayStore`, loopback"))  # fmt: skip


def redis_version(meta: dict[str, Any]) -> str:
    """`Redis server v=7.0.15 sha=… malloc=…` → `redis-server 7.0.15`."""
    return str(meta["version"]).split(" sha=")[0].replace("Redis server v=", "redis-server ")


JWE_CASES = ("ECDH-ES X25519 + A256GCM", "ECDH-ES+A256KW P-256 + A256GCM",
             "RSA-OAEP-256 2048 + A256GCM", "dir + A256GCM")  # fmt: skip
JWE_GOAL = 1.3


def jwe_section(rust: dict[str, Any], target: Any) -> list[str]:
    """"Rust: JWE against its floor" (bench/rust/harness/src/jwe.rs): hxjwt and the floor
    interleaved in rounds; the ratio is the median of the ratios taken within each round."""
    rows = [r for r in rust["rows"] if r["group"] == "jwe"]
    if not rows:
        return []  # a results file from before the JWE rows, or BENCH_ONLY without them
    meta = rust.get("meta", {})
    by = {(r["op"], r["impl"]): r for r in rows}

    def span(r: dict[str, Any] | None) -> str:
        if r is None:
            return "–"
        return f"{fmt_ns(r['median_ns'])} <sub>({fmt_ns(r['min_ns'])}–{fmt_ns(r['max_ns'])})</sub>"

    def rx(r: dict[str, Any] | None) -> str:
        if r is None or "ratio_median" not in r:
            return "–"
        return f"{r['ratio_median']:.2f}× <sub>({r['ratio_min']:.2f}–{r['ratio_max']:.2f})</sub>"

    out: list[str] = []
    o = out.append
    o("## Rust: JWE against its floor")
    o("")
    o(f"Compact JWE (`hxjwt::jwe::encrypt` / `decrypt`, the token's `alg` and `enc` the only "
      f"ones accepted) of the JWS rows' claims as JSON ({meta.get('jwe_plaintext_bytes', '?')} "
      f"bytes), against the floor: the summed cost of the primitives the operation cannot avoid, "
      f"called directly from the crates the core uses (x25519-dalek; aws-lc-rs agreement and "
      f"RSA-OAEP; sha2 for the Concat KDF, one SHA-256 pass; aes-kw; aes-gcm; getrandom), "
      f"**counting** the base64url of every segment and the header's JSON (serde_json, written "
      f"on encrypt, parsed with borrowed strings on decrypt), as the HX1 floor does. What is "
      f"fixed for a key is prepared once: the recipient's parsed public key (P-256, RSA), its "
      f"private key, and for dir the AES-GCM key schedule (the row *floor + GCM key setup* pays "
      f"it per call, as hxjwt does). The floor opens hxjwt's tokens and hxjwt the floor's. "
      f"hxjwt and the floor run interleaved in {meta.get('jwe_rounds', '?')} rounds of "
      f"~{meta.get('jwe_round_seconds', 0):.2f} s each (A B, B A, …, after an untimed warm-up "
      f"round) in one process: times are medians over rounds (slowest and fastest round in small "
      f"print); *hxjwt / floor* is the median of the ratios taken within each round, which holds "
      f"when the machine's speed drifts between rounds (bench/rust/harness/src/jwe.rs).")  # fmt: skip
    o("")
    o("| operation | hxjwt | floor | hxjwt / floor | allocs hxjwt | allocs floor | bytes allocated hxjwt |")
    o("|---|---|---|---|---|---|---|")
    for case in JWE_CASES:
        for verb in ("encrypt", "decrypt"):
            op = f"{case} {verb}"
            h, f = by.get((op, "hxjwt")), by.get((op, "floor"))
            if h is None:
                continue
            o(f"| {op} | {span(h)} | {span(f)} | {rx(h)} | {h['allocs_per_op']:.0f} | "
              f"{'–' if f is None else format(f['allocs_per_op'], '.0f')} | {h['bytes_per_op']:.0f} |")  # fmt: skip
            extra = [r for (k, i), r in by.items() if k == op and i not in ("hxjwt", "floor")]
            for r in extra:
                o(f"| {op}, {r['impl']} per call (not a target) | – | {span(r)} | {rx(r)} of the floor | – | "
                  f"{r['allocs_per_op']:.0f} | – |")  # fmt: skip
            target(f"Rust JWE {op} within {JWE_GOAL}× the floor", h.get("ratio_median"),
                   JWE_GOAL, "{:.2f}×", at_most=True)  # fmt: skip
    o("")
    return out


def fleet_section(rust: dict[str, Any]) -> list[str]:
    """"Across a fleet: replay protection on Redis" (bench/rust/harness/src/fleet.rs)."""
    meta = rust.get("meta", {}).get("redis")
    runs = [r for r in rust["rows"] if r["group"] == "fleet"]
    if meta is None and not runs:
        return []  # a results file from before the fleet rows, or BENCH_ONLY without them
    out: list[str] = []
    o = out.append
    o("## Across a fleet: replay protection on Redis")
    o("")
    if meta is None or "error" in meta:
        o(f"Not measured in this run: {(meta or {}).get('error', 'no redis-server')}.")
        o("")
        return out
    origin = meta["path"] + (f", Debian package {meta['package']}" if meta.get("package") else "")
    o(f"A private {redis_version(meta)} ({origin}) started by the harness on a free "
      f"loopback port, without persistence, and stopped at the end; the store's default options "
      f"(pool of up to 16 connections, 500 ms command time-out). Every validation opens a token "
      f"made beforehand that the store has never seen, so each Redis call is a real "
      f"`SET key 1 NX PX ttl` that creates a key. The variants run in {meta['rounds']} rounds of "
      f"~{meta['run_seconds']:.2f} s runs (A B C, B C A, C A B, …) in one process, after an "
      f"untimed warm-up round; the stores are emptied before each run.")  # fmt: skip
    o("")
    load = rust.get("meta", {}).get("fleet_load")
    if load:
        o(f"Load average before this section {load['before']}, after it {load['after']} "
          f"({load['seconds']:.0f} s).")  # fmt: skip
        o("")
    o("**How to read it.** Throughput is the median over rounds, with the slowest and fastest "
      "round in small print. A ratio is taken within each round (the variants of one round ran "
      "within seconds of each other) and the median of those is shown: it holds when the "
      "machine's speed drifts between rounds, the absolute rates do not. *Added per validation* "
      "is 1/rate(store) − 1/rate(baseline) on one thread: the time the store adds to one "
      "validation. *CPU per validation* is the harness process's CPU time / validations: it "
      "depends far less than the rates on how much of the machine the process got (`CPUs busy`, "
      "CPU time / wall time, says how much). The Redis server shares this machine's cores with "
      "the validating threads (its CPU is not in the process's; it is given apart), and "
      "its round trip is loopback's: across a real network each call adds the network round "
      "trip on top (typically 0.1–0.5 ms inside a data centre), so read the Redis rows as the "
      "best case of the client's and the server's own costs.")  # fmt: skip
    o("")

    def cpu_us(r: dict[str, Any]) -> float:
        """This process's CPU µs per validation in run `r`."""
        cpu = r.get("cpu_s", r["cpus_busy"] * r["seconds"])
        return 1e6 * cpu / max(r["validations"], 1)

    def pick(proto: str, variant: str, threads: int) -> list[dict[str, Any]]:
        return [r for r in runs if r["proto"] == proto and r["impl"] == variant and r["threads"] == threads]

    def rate_cell(rows: list[dict[str, Any]]) -> str:
        if not rows:
            return "–"
        xs = [r["ops_per_s"] for r in rows]
        return f"{median(xs):,.0f}/s <sub>({min(xs):,.0f}–{max(xs):,.0f})</sub>"

    def paired(proto: str, num: str, den: str, threads: int) -> list[float]:
        a = {r["round"]: r["ops_per_s"] for r in pick(proto, num, threads)}
        b_ = {r["round"]: r["ops_per_s"] for r in pick(proto, den, threads)}
        return [a[k] / b_[k] for k in sorted(a) if k in b_ and b_[k] > 0]

    def ratio_cell(xs: list[float]) -> str:
        if not xs:
            return "–"
        return f"{median(xs):.2f}× <sub>({min(xs):.2f}–{max(xs):.2f})</sub>"

    def added_us(proto: str, variant: str, base: str, cpu: bool = False) -> str:
        per = (lambda r: cpu_us(r)) if cpu else (lambda r: 1e6 / r["ops_per_s"] if r["ops_per_s"] else None)
        a = {r["round"]: per(r) for r in pick(proto, variant, 1)}
        b_ = {r["round"]: per(r) for r in pick(proto, base, 1)}
        xs = [a[k] - b_[k] for k in sorted(a) if b_.get(k) is not None and a[k] is not None]
        return "–" if not xs else f"{median(xs):.1f} µs <sub>({min(xs):.1f}–{max(xs):.1f})</sub>"

    problems: list[str] = []
    for r in runs:
        if r.get("errors"):
            problems.append(f"{r['proto']} {r['impl']} {r['threads']} thread(s), round {r['round']}: "
                            + ", ".join(f"{n} × {k}" for k, n in r["errors"].items()))  # fmt: skip
        if r["impl"] == "redis" and r.get("redis_keys") != r["validations"]:
            problems.append(f"{r['proto']} redis {r['threads']} thread(s), round {r['round']}: "
                            f"{r.get('redis_keys')} keys after {r['validations']} validations")  # fmt: skip

    for proto, title, threads_list in (("hx1", "HX1 `Endpoint::validate`, 1 KiB payload, warm pairwise-key cache", (1, 2)),
                                       ("jws", "Standard JWS: `jws::decode`, HS256, one-time tokens (`jti`, "
                                               "`Validation::replay_store`)", (1,))):  # fmt: skip
        if not any(r["proto"] == proto for r in runs):
            continue
        o(f"**{title}** — validations per second:")
        o("")
        if len(threads_list) == 2:
            o("| replay store | 1 thread | 2 threads | 2 threads / 1 | CPU per validation (1 / 2 threads) <sub>(CPUs busy)</sub> |")
            o("|---|---|---|---|---|")
        else:
            o("| replay store | 1 thread | CPU per validation <sub>(CPUs busy)</sub> |")
            o("|---|---|---|")
        for variant, label in VARIANTS:
            cols = [rate_cell(pick(proto, variant, t)) for t in threads_list]
            busy = " / ".join(f"{median([r['cpus_busy'] for r in pick(proto, variant, t)]):.2f}"
                              if pick(proto, variant, t) else "–" for t in threads_list)  # fmt: skip
            cpu = " / ".join(f"{median([cpu_us(r) for r in pick(proto, variant, t)]):.1f} µs"
                             if pick(proto, variant, t) else "–" for t in threads_list)  # fmt: skip
            busy = f"{cpu} <sub>({busy})</sub>"
            if len(threads_list) == 2:
                one = {r["round"]: r["ops_per_s"] for r in pick(proto, variant, 1)}
                scal = [r["ops_per_s"] / one[r["round"]] for r in pick(proto, variant, 2) if one.get(r["round"])]
                cols.append(ratio_cell(scal))
            o(f"| {label} | " + " | ".join(cols) + f" | {busy} |")
        o("")
        header = "| ratio of validations/s (median of per-round ratios) | " + " | ".join(
            f"{t} thread{'s' if t > 1 else ''}" for t in threads_list) + " |"  # fmt: skip
        o(header)
        o("|---|" + "---|" * len(threads_list))
        for num, den, label in (("memory", "none", "memory / no store"), ("redis", "memory", "**Redis / memory**"),
                                ("redis", "none", "Redis / no store")):  # fmt: skip
            o(f"| {label} | " + " | ".join(ratio_cell(paired(proto, num, den, t)) for t in threads_list) + " |")
        o("")
        o(f"Added per validation (1 thread), wall time: memory store {added_us(proto, 'memory', 'none')}, "
          f"Redis store {added_us(proto, 'redis', 'none')} (over the memory store: "
          f"{added_us(proto, 'redis', 'memory')}); this process's CPU time: memory store "
          f"{added_us(proto, 'memory', 'none', True)}, Redis store {added_us(proto, 'redis', 'none', True)}.")  # fmt: skip
        red = [r for r in runs if r["proto"] == proto and r["impl"] == "redis" and r.get("redis_set_calls")]
        if red:
            cpu = median([1e6 * r["redis_cpu_s"] / r["redis_set_calls"] for r in red])
            usec = median([r["redis_set_usec"] / r["redis_set_calls"] for r in red])
            keys_ok = all(r.get("redis_keys") == r["validations"] for r in red)
            sys_ = median([1e6 * r.get("redis_sys_s", 0.0) / r["redis_set_calls"] for r in red])
            client = [r for r in red if r["threads"] == 1 and "sys_s" in r]
            if client:
                c_all = median([cpu_us(r) for r in client])
                c_sys = median([1e6 * r["sys_s"] / max(r["validations"], 1) for r in client])
                base = [r for r in pick(proto, "none", 1) if "sys_s" in r]
                b_sys = median([1e6 * r["sys_s"] / max(r["validations"], 1) for r in base]) if base else 0.0
                o(f"This process, 1 thread, with Redis: {c_all:.1f} µs of CPU per validation, "
                  f"{c_sys:.1f} µs of it in the kernel (without a store: {b_sys:.1f} µs), i.e. the "
                  f"socket calls and, on loopback, the TCP stack.")  # fmt: skip
            o(f"The server spent {cpu:.1f} µs of CPU per `SET` ({sys_:.1f} µs of it in the kernel; "
              f"its whole process, network I/O included: one core of it would saturate near "
              f"{1e6 / cpu:,.0f} validations/s), {usec:.2f} µs of it executing the command "
              f"(`INFO commandstats`); "
              f"{'every' if keys_ok else '**not every**'} Redis run left exactly one key per "
              f"validation.")  # fmt: skip
        o("")

    calls = [r for r in rust["rows"] if r["group"] == "fleet-call"]
    if calls:
        o("**Where the time goes** — the pieces alone, one thread, in rounds as above (each "
          "round the mean time per call over ~0.3 s; the median of the rounds, fastest–slowest "
          "round in small print), with the time per call divided by a `PING`'s in the same round. "
          "Fresh ids throughout; the stores in a steady state of ~100 000 live ids (10 s TTL); "
          "each Redis piece on a connection of its own:")  # fmt: skip
        o("")
        o("| operation | by | time per call | ÷ `PING` (same round) | allocs |")
        o("|---|---|---|---|---|")
        ping = next((r for r in calls if r["op"] == "PING"), None)
        for r in calls:
            rel = "–"
            if ping and "rounds_ns" in r and r is not ping and (r["op"].startswith("SET") or "Redis" in r["impl"]):
                xs = [x / p for x, p in zip(r["rounds_ns"], ping["rounds_ns"]) if p > 0]
                rel = ratio_cell(xs)
            o(f"| {r['op']} | {r['impl']} | {cell(r)} | {rel} | {r['allocs_per_op']:.1f} |")
        o("")

    mem = {r["proto"]: r for r in rust["rows"] if r["group"] == "fleet-memory"}
    if mem:
        o("**Memory in Redis per accepted token** — tokens accepted through the store into an "
          "empty database, then `INFO memory` and `MEMORY USAGE <key> SAMPLES 0` of a random "
          "sample of keys:")  # fmt: skip
        o("")
        o("| tokens | accepted | keys (with a TTL) | key length | `MEMORY USAGE` per key | `used_memory` Δ / token | RSS Δ / token | TTL of a sampled key |")
        o("|---|---|---|---|---|---|---|---|")
        for proto, label in (("hx1", "HX1 (no `jti`: one key)"), ("jws", "JWS one-time (`jti`)")):
            m = mem.get(proto)
            if m is None:
                continue
            o(f"| {label} | {m['tokens']:,} | {m['keys']:,} ({m['expires']:,}) | {m['key_len_avg']:.0f} B | "
              f"{m['memory_usage_avg']:.0f} B | **{m['bytes_per_token']:.0f} B** | {m['rss_bytes_per_token']:.0f} B | "
              f"{m['sample_pttl_ms'] / 1000:,.0f} s |")  # fmt: skip
        o("")
        ref = mem.get("hx1") or next(iter(mem.values()))
        per = float(ref["bytes_per_token"])
        o(f"`MEMORY USAGE` counts the key's own allocations; `used_memory` Δ also counts the "
          f"main and the expiry hash tables' slots (each table doubles as it fills, so this "
          f"figure steps with N) and is the one to plan with. **Memory a fleet needs**: a key lives "
          f"until the token's `exp` + leeway, so a fleet accepting R tokens/s of lifetime L holds "
          f"R × (L + leeway) keys; at {per:.0f} B per key (the HX1 row), with a leeway of "
          f"{FLEET_LEEWAY} s:")  # fmt: skip
        o("")
        o("| tokens/s across the fleet | " + " | ".join(f"L = {lt} s" for lt in FLEET_LIFETIMES) + " |")
        o("|---|" + "---|" * len(FLEET_LIFETIMES))
        for rate in FLEET_RATES:
            cells = []
            for lt in FLEET_LIFETIMES:
                keys = rate * (lt + FLEET_LEEWAY)
                cells.append(f"{fmt_bytes(keys * per)} <sub>({keys / 1e6:,.2f} M keys)</sub>")
            o(f"| {rate:,} | " + " | ".join(cells) + " |")
        o("")
        o("An HX1 token that carries a `jti` is recorded under two keys (its own and its `jti`'s): "
          "twice the figure. A key is `hxjwt:` + the id; HX1 ids hold the recipient's and the "
          "issuer's names, so longer names cost about their length more per key (rounded up to the "
          "allocator's size classes); JWS ids hold the key's 43-character thumbprint. Plan "
          "headroom on top: fragmentation (`used_memory_rss` / `used_memory` of a long-running "
          "server), replication buffers, and, with persistence on, the copy-on-write of a fork "
          "during a snapshot or an AOF rewrite. The RSS column is only indicative: the allocator "
          "had pages reserved before the fill.")  # fmt: skip
        o("")
    if problems:
        o("**Irregularities in this run:** " + "; ".join(problems[:10]) + ("; …" if len(problems) > 10 else ""))
        o("")
    return out


RUST_PEERS = ("jsonwebtoken/aws_lc_rs", "oxitoken", "jwt-simple")


def starved(r: dict[str, Any], goal: float) -> str:
    """A note when the 2-thread runs got fewer CPUs than the scaling target needs: the verdict
    then says what this machine's load allowed, not what the library does."""
    busy = float(r.get("cpus_busy_2", 2.0))
    if busy < max(goal, 1.5):
        return (f" (the 2-thread runs got {busy:.2f} CPUs: the threads seldom ran at once, so "
                f"this run cannot judge it)")  # fmt: skip
    return ""


def within(row: dict[str, Any] | None) -> str:
    """A side's time / hxjwt's, the median of the ratios taken within each round (range)."""
    if row is None or "ratio_to_hxjwt" not in row:
        return "–"
    return (f"{row['ratio_to_hxjwt']:.2f}× <sub>({row['ratio_to_hxjwt_min']:.2f}–"
            f"{row['ratio_to_hxjwt_max']:.2f})</sub>")  # fmt: skip


def rust_peers_section(doc: dict[str, Any], target: Any) -> list[str]:
    """"Rust: hxjwt vs the Rust peers, interleaved" (bench/rust/peers): issue 16's targets."""
    rows = [r for r in doc["rows"] if r["group"] == "peers"]
    meta = doc.get("meta", {})
    by = {(r["op"], r["impl"]): r for r in rows}
    out: list[str] = []
    o = out.append
    o("## Rust: hxjwt vs jsonwebtoken, oxitoken, jwt-simple — one process, interleaved rounds")
    o("")
    o(f"One binary (bench/rust/peers) times every side of an operation in "
      f"{meta.get('rounds', '?')} rounds of ~{meta.get('round_seconds', 0):.2f} s each, after "
      f"an untimed warm-up round that fixes each side's batch; round r runs the sides in the "
      f"order r, r+1, … (A B C D, B C D A, …). A time is the median over rounds (fastest and "
      f"slowest round in small print); *time / hxjwt's* is the median of the ratios taken "
      f"within each round (above 1: hxjwt is faster), which holds when the machine's speed "
      f"drifts between rounds. Same claims (sub, name, iat, exp, aud, iss) and the same checks "
      f"for every side, keys parsed once; every library decodes every other's token before "
      f"timing, and each refuses an expired one. *aws-lc verify alone* is "
      f"`ParsedPublicKey::verify_sig` (HS256: `hmac::verify`) of the signing input with the "
      f"decoded signature: no base64 of the token, no JSON, no checks — the bound of a decode. "
      f"*hxjwt, borrowed claims* is `jws::decode_bytes` then `serde_json` into a struct of "
      f"`&str` (the claims' strings not copied). jwt-simple's `sign`/`authenticate` take the "
      f"claims by value, so its encode rows include a clone of them (four short strings).")  # fmt: skip
    o("")
    for c in meta.get("checks", []):
        o(f"- **{c['impl']}** checks: {c['checks']}")
    o("- **jwt-simple** is built with `pure-rust` (its default `optimal` builds BoringSSL, which "
      "needs cmake, absent here): RSA through superboring's pure-Rust path; ECDSA (p256) and "
      "Ed25519 (ed25519-compact) are the same in both configurations.")  # fmt: skip
    o("- **oxitoken** 0.1.0 is built with its default features off: its own `aws-lc-rs` backend "
      "does not compile against aws-lc-rs 1.19 (`cargo check -p peers --features "
      "oxitoken/aws-lc-rs,oxitoken/postquantum`: 22 × `error[E0745]: cannot take address of a "
      "temporary` at `&raw const ECDSA_P256_SHA256_FIXED_SIGNING` and the like in "
      "src/crypto/aws_lc/{sign,verify}.rs — it compares algorithm descriptors by address, and "
      "aws-lc-rs 1.19 declares them as `const` items, not `static`s); bench/rust/peers/src/ox.rs "
      "implements its public `Signer` and `VerificationKey` traits over aws-lc-rs as its "
      "backend does (one aws-lc call, the signature appended with `Signer::append_sig`).")  # fmt: skip
    o("")
    o("| operation | side | time | time / hxjwt's | allocs / bytes per call | target | measured | verdict |")
    o("|---|---|---|---|---|---|---|---|")
    for alg in ("HS256", "ES256", "EdDSA", "RS256"):
        for verb in ("decode", "encode"):
            op = f"{alg} {verb}"
            h = by.get((op, "hxjwt"))
            if h is None:
                continue
            peers = [by.get((op, p)) for p in RUST_PEERS]
            fastest = min((r for r in peers if r is not None), key=lambda r: r["ratio_to_hxjwt"], default=None)
            aws = by.get((op, "aws-lc verify alone"))
            sides = [("hxjwt", h)] + [(p, by.get((op, p))) for p in RUST_PEERS]
            sides += [(i, r) for (k, i), r in by.items() if k == op and i not in ("hxjwt", *RUST_PEERS)]
            for imp, r in sides:
                if r is None:
                    continue
                goal_text, measured, ok = "none in issue 16 (shown for comparison)", "–", ""
                if imp == "hxjwt" and alg == "HS256" and fastest is not None:
                    v = fastest["ratio_to_hxjwt"]
                    goal_text = f"≥ 1.3× the fastest Rust peer ({fastest['impl']})"
                    measured, ok = f"{v:.2f}×", verdict(v, 1.3)
                    target(f"Rust HS256 {verb} ≥ 1.3× the fastest Rust peer ({fastest['impl']}), interleaved", v, 1.3)
                elif imp == "hxjwt" and verb == "decode" and aws is not None:
                    v = 1.0 / aws["ratio_to_hxjwt"]
                    goal_text = "within 1.1× aws-lc's own verify (hxjwt / aws-lc)"
                    measured, ok = f"{v:.2f}×", verdict(v, 1.1, at_most=True)
                    target(f"Rust {op}: within 1.1× of aws-lc's own verify", v, 1.1, at_most=True)
                elif imp == "hxjwt, borrowed claims":
                    v = r["allocs_per_op"]
                    goal_text = "≤ 4 heap allocations per decode into a borrowed claims type"
                    measured, ok = f"{v:.1f} allocs", verdict(v, 4, at_most=True)
                    target("Rust HS256 decode into borrowed claims: ≤ 4 heap allocations", v, 4, "{:.1f}", at_most=True)
                elif imp == "hxjwt" and verb == "decode" and alg == "HS256":
                    pass
                elif imp in RUST_PEERS and alg == "HS256":
                    goal_text = "the hxjwt row's (≥ 1.3× the fastest of these)"
                elif imp == "aws-lc verify alone" and alg != "HS256":
                    goal_text = "the bound (hxjwt within 1.1× of it)"
                o(f"| {op} | {imp} | {cell(r)} | {within(r)} | {r['allocs_per_op']:.1f} / "
                  f"{r['bytes_per_op']:.0f} | {goal_text} | {measured} | {ok} |")  # fmt: skip
    o("")
    bd = [r for r in doc["rows"] if r["group"] == "breakdown"]
    if bd:
        o("### Rust: where an hxjwt HS256 decode spends its time")
        o("")
        o("From the public API only, interleaved in rounds like the rows above: each `jws::` "
          "step does the ones before it too (decode_header ⊂ verify ⊂ decode_bytes ⊂ decode). "
          "*of the whole* is the step's time / the whole `decode::<Claims>`'s, within each round. "
          "No target: this is where to look when the HS256 targets are missed.")  # fmt: skip
        o("")
        o("| step | time | of the whole | allocs / bytes per call |")
        o("|---|---|---|---|")
        for r in bd:
            o(f"| {r['impl']} | {cell(r)} | {r['ratio_to_whole']:.2f}× | {r['allocs_per_op']:.1f} / {r['bytes_per_op']:.0f} |")
        o("")
    thr = [r for r in doc["rows"] if r["group"] == "peers-threads"]
    if thr:
        o("### Rust: hxjwt decode on 1 and 2 threads")
        o("")
        o("One shared key and `Validation`; each run counts the decodes all threads finish in "
          "~0.3 s; 1- and 2-thread runs alternate, 3 of each; the scaling is the median of the "
          "3 pairs' ratios (range). *CPUs busy* is the process's CPU time / wall time: when other "
          "processes hold the cores it stays below the thread count, and so does the scaling.")  # fmt: skip
        o("")
        o("| operation | token | 1 thread | 2 threads | scaling | CPUs busy (1 / 2) | target | verdict |")
        o("|---|---|---|---|---|---|---|---|")
        for r in thr:
            small = r["payload_bytes"] == 0
            if small:
                goal, goal_text = 0.95, "small token: 2 threads ≥ 0.95× one"
            elif r["alg"] != "HS256":
                goal, goal_text = 1.7, "asymmetric, 16 KiB: 2 threads ≥ 1.7× one"
            else:
                goal, goal_text = None, "none (HMAC, 16 KiB)"
            ok = "" if goal is None else verdict(r["scaling"], goal) + starved(r, goal)
            if goal is not None:
                target(f"Rust threads, {r['op']}: {goal_text}{starved(r, goal)}", r["scaling"], goal)
            o(f"| {r['op']} | {r['token_bytes']:,} B | {r['ops_per_s_1']:,.0f}/s | {r['ops_per_s_2']:,.0f}/s | "
              f"{r['scaling']:.2f}× <sub>({r['scaling_min']:.2f}–{r['scaling_max']:.2f})</sub> | "
              f"{r['cpus_busy_1']:.2f} / {r['cpus_busy_2']:.2f} | {goal_text} | {ok} |")  # fmt: skip
        o("")
    return out


def cache_section(doc: dict[str, Any]) -> list[str]:
    """"Rust: the optional verified-token cache" (bench/rust/peers, `BENCH_ONLY=cache`): issue 16
    item 3's bench row. No target: the rows say when the cache pays."""
    rows = [r for r in doc["rows"] if r["group"] == "cache"]
    mem = [r for r in doc["rows"] if r["group"] == "cache-memory"]
    if not rows and not mem:
        return []
    out: list[str] = []
    o = out.append
    o("## Rust: the optional verified-token cache (`jws::CachedVerifier`)")
    o("")
    o("A plain `jws::decode::<Claims>` against the same decode through a `CachedVerifier` (same key, "
      "same checks: alg, signature, exp, aud, iss), interleaved in rounds like the peers' rows. "
      "*hit*: one token decoded again and again (the SHA-256 of the token, a lock, the claim "
      "checks again, copies of header and claims; no signature); *miss*: 64 tokens in turn "
      "through a cache of 32, so that every call verifies in full and inserts an entry. *time / "
      "decode's* is the median of the ratios within each round; *speed-up* its inverse. What a "
      "hit checks and when the cache pays: [docs/verified-cache.md](docs/verified-cache.md).")  # fmt: skip
    o("")
    if rows:
        o("| operation | side | time | time / decode's | speed-up | allocs / bytes per call |")
        o("|---|---|---|---|---|---|")
        for r in rows:
            rr = r["ratio_to_decode"]
            span = f"<sub>({r['ratio_to_decode_min']:.2f}–{r['ratio_to_decode_max']:.2f})</sub>"
            o(f"| {r['op']} | {r['impl']} | {cell(r)} | {rr:.2f}× {span} | {1.0 / rr:.2f}× | "
              f"{r['allocs_per_op']:.1f} / {r['bytes_per_op']:.0f} |")  # fmt: skip
        o("")
    if mem:
        o("Memory: the peak live heap (counting allocator) while 1,000 distinct tokens fill a "
          "cache of 1,000, divided by 1,000 — an upper bound per entry (it includes the map's "
          "last growth, when old and new tables coexist). An entry holds the header and claims, "
          "not the signature.")  # fmt: skip
        o("")
        o("| tokens | entries | token | claims | peak live heap | per entry |")
        o("|---|---|---|---|---|---|")
        for r in mem:
            o(f"| {r['op']} | {r['entries']:,} | {r['token_bytes']:,} B | {r['claims_bytes']:,} B | "
              f"{fmt_bytes(r['peak_live_bytes'])} | {r['bytes_per_entry']:,.0f} B |")  # fmt: skip
        o("")
    return out


PY_PEERS = ("PyJWT", "oxyjwt", "pyjwt-rs")


def python_jws_section(py: dict[str, Any], target: Any) -> list[str]:
    """"Python: hxjwt vs PyJWT, oxyjwt, pyjwt-rs", interleaved rounds (bench/python/bench_py.py)."""
    rows = [r for r in py["rows"] if r["group"] == "jws"]
    meta = py.get("meta", {})
    by = {(r["op"], r["impl"]): r for r in rows}
    present = [p for p in PY_PEERS if any(i == p for (_, i) in by)]
    out: list[str] = []
    o = out.append
    o("## Python: hxjwt vs PyJWT, oxyjwt, pyjwt-rs — interleaved rounds")
    o("")
    o(f"The release wheel in the harness's venv. The sides of an operation run in "
      f"{meta.get('rounds', '?')} rounds of ~{meta.get('round_seconds', 0):.2f} s each in one "
      f"process (A B C D, B C D A, …, after an untimed warm-up round that fixes each side's "
      f"batch); times are medians over rounds (fastest and slowest in small print), and a "
      f"speed-up is the median of the ratios peer / hxjwt taken within each round. Same claims "
      f"and keyword arguments for all (`algorithms=[alg]`, `audience`, `issuer`, exp, leeway 0); "
      f"each library decodes every other's token first and refuses an expired one. Keys: "
      f"`hxjwt.Key`; PyJWT: `cryptography` key objects (bytes for HMAC); oxyjwt: its "
      f"`EncodingKey`/`DecodingKey` (it refuses raw PEM for asymmetric keys); pyjwt-rs: PEM "
      f"bytes (its fastest input here: with `cryptography` objects ES256 decode was ~5× "
      f"slower).")  # fmt: skip
    for p, err in (("oxyjwt", meta.get("oxyjwt_error")), ("pyjwt-rs", meta.get("pyjwt_rs_error"))):
        if err:
            o("")
            o(f"**{p} could not be imported on this Python**: {err}")
    o("")
    head = "| operation | hxjwt | " + " | ".join(f"{p} | speed-up" for p in present)
    o(head + " | vs fastest peer | targets | verdict |")
    o("|---|---|" + "---|---|" * len(present) + "---|---|---|")
    for alg in ("HS256", "ES256", "EdDSA", "RS256"):
        for verb in ("encode", "decode"):
            op = f"{alg} {verb}"
            h = by.get((op, "hxjwt"))
            if h is None:
                continue
            cols, ratios = [], {}
            for p in present:
                r = by.get((op, p))
                cols.append(f"{cell(r)} | {within(r)}")
                if r is not None:
                    ratios[p] = r["ratio_to_hxjwt"]
            fastest = min(ratios.values(), default=None)
            pyjwt = ratios.get("PyJWT")
            goals: list[tuple[str, float | None, float]] = []
            if alg == "HS256":
                goals.append((f"≥ 1.5× the fastest peer", fastest, 1.5))
                goals.append((f"≥ 20× PyJWT", pyjwt, 20.0))
            else:
                goals.append(("not slower than any peer (≥ 1.0× the fastest)", fastest, 1.0))
            # issue 8's targets against PyJWT, still checked
            old = {("HS256", "decode"): 20.0, ("HS256", "encode"): 10.0}.get((alg, verb))
            if old is None:
                old = 2.0 if verb == "decode" else 1.0
            if not (alg == "HS256" and old >= 20.0):
                goals.append((f"≥ {old:g}× PyJWT (issue 8)", pyjwt, old))
            texts, oks = [], []
            for text, v, g in goals:
                texts.append(text)
                oks.append(f"{'–' if v is None else format(v, '.2f') + '×'} {verdict(v, g)}")
                target(f"Python {op}: {text}", v, g)
            fx_fast = "–" if fastest is None else f"{fastest:.2f}×"
            o(f"| {op} | {cell(h)} | " + " | ".join(cols) +
              f" | {fx_fast} | {'; '.join(texts)} | {'; '.join(oks)} |")  # fmt: skip
    o("")
    thr = [r for r in py["rows"] if r["group"] == "threads"]
    if thr:
        o("### Python: hxjwt on 1 and 2 threads")
        o("")
        o("Python threads calling hxjwt; each run counts the calls all threads finish in ~0.3 s; "
          "1- and 2-thread runs alternate, 3 of each; the scaling is the median of the pairs' "
          "ratios (range). A scaling above 1 needs the GIL released during the call; *CPUs busy* "
          "is the process's CPU time / wall time (below 2 when other processes hold a core, "
          "which caps what this run can show). The face decides per call (the core's "
          "`Endpoint::is_cheap` / `Validation::is_cheap`): a small HX1 or HS256 call with "
          "everything in memory is a few microseconds and keeps the GIL, so two threads take "
          "turns (about 1 CPU busy, scaling about 1: the target is that they lose nothing to "
          "contention); asymmetric keys and big tokens release it and scale.")  # fmt: skip
        o("")
        o("| operation | 1 thread | 2 threads | scaling | CPUs busy (1 / 2) | target | verdict |")
        o("|---|---|---|---|---|---|---|")
        for r in thr:
            kept = r["size"] == "small" and (r["op"].startswith("HX1") or r["op"].startswith("HS"))
            if r["size"] == "small":
                goal, text = 0.95, "small token: 2 threads ≥ 0.95× one"
            elif not r["op"].startswith("HS256"):
                goal, text = 1.7, "asymmetric, 16 KiB: 2 threads ≥ 1.7× one"
            else:
                goal, text = None, "none"
            # A call that keeps the GIL runs on one CPU by design: the 1-CPU note does not apply.
            note = " (the GIL is kept: one CPU by design)" if kept else starved(r, goal or 1.0)
            if goal is not None:
                target(f"Python threads, {r['op']}: {text}{note}", r["scaling"], goal)
            o(f"| {r['op']} | {r['ops_per_s_1']:,.0f}/s | {r['ops_per_s_2']:,.0f}/s | "
              f"{r['scaling']:.2f}× <sub>({r['scaling_min']:.2f}–{r['scaling_max']:.2f})</sub> | "
              f"{r['cpus_busy_1']:.2f} / {r['cpus_busy_2']:.2f} | {text} | "
              f"{'' if goal is None else verdict(r['scaling'], goal) + note} |")  # fmt: skip
        o("")
    return out


def node_section(node: dict[str, Any]) -> list[str]:
    """"Node.js: hxjwt vs fast-jwt and jose" (bindings/node/bench/peers.js)."""
    meta = node.get("meta", {})
    by = {(r["op"], r["impl"]): r for r in node["rows"]}
    out: list[str] = []
    o = out.append
    o("## Node.js: hxjwt vs fast-jwt and jose — interleaved rounds")
    o("")
    o(f"The hxjwt package over the release libhxjwt ({meta.get('hxjwt_library', '?')}, koffi "
      f"{meta.get('koffi', '?')}), node {meta.get('node', '?')}, fast-jwt "
      f"{meta.get('fast-jwt', '?')} and jose {meta.get('jose', '?')} from a bench-only "
      f"node_modules (target/bench/node, bench/node/package.json). Sides interleaved in "
      f"{meta.get('rounds', '?')} rounds of ~{meta.get('round_seconds', 0):.2f} s each in one "
      f"process, as in Python. Same claims and checks (algorithm list, exp with no leeway, aud, "
      f"iss); `hxjwt.sign(claims object, key, {{ algorithm }})`, `hxjwt.verify` (claims parsed into an object, as "
      f"the peers return) and `verifyRaw` (the claims' JSON text); fast-jwt `createSigner` / "
      f"`createVerifier` (PEM keys, which it caches parsed); jose `SignJWT` / `jwtVerify` with "
      f"`KeyObject`s, asynchronous (each call's Promise awaited before the next). Issue 16 "
      f"sets no number for Node: the face is compared on the same footing.")  # fmt: skip
    o("")
    o("| operation | side | time | time / hxjwt's | target |")
    o("|---|---|---|---|---|")
    for alg in ("HS256", "ES256"):
        for verb in ("sign", "verify"):
            op = f"{alg} {verb}"
            for (k, imp), r in by.items():
                if k == op:
                    o(f"| {op} | {imp} | {cell(r)} | {within(r)} | none in issue 16 (comparison) |")
    o("")
    return out


def main() -> None:
    results, out = Path(sys.argv[1]), Path(sys.argv[2])
    rust = load(results, "rust-hxjwt")
    aws = load(results, "rust-jwt-aws")
    rc = load(results, "rust-jwt-rc")
    py = load(results, "python")
    pyjwe = load(results, "python-jwe")
    c = load(results, "c")
    peers = load(results, "rust-peers")
    node = load(results, "node")
    env = json.loads((results / "env.json").read_text()) if (results / "env.json").exists() else {}
    R, A, RC, P, C = index(rust), index(aws), index(rc), index(py), index(c)
    PJ = index(pyjwe)
    targets: list[tuple[str, str, bool | None]] = []

    def target(name: str, value: float | None, goal: float, fmt: str = "{:.2f}×",
               at_most: bool = False) -> None:  # fmt: skip
        if value is None:
            targets.append((name, "not measured", None))
            return
        met = value <= goal if at_most else value >= goal
        targets.append((name, fmt.format(value), met))

    lines: list[str] = []
    w = lines.append
    commit = git("rev-parse", "--short", "HEAD")
    dirty = [ln[3:] for ln in git("status", "--porcelain", "--", "core", "ffi", "bindings",
                                      "Cargo.lock").splitlines() if ln.strip()]  # fmt: skip
    w("# BENCH.md — hxjwt against its peers, same machine, same run")
    w("")
    w("Generated by `make bench` (mk/bench.mk → bench/report.py) — **do not edit by hand**. "
      "How to run and what each row measures: [bench/README.md](bench/README.md).")  # fmt: skip
    w("")
    w(f"- **Date:** {env.get('date') or datetime.datetime.now(datetime.UTC).strftime('%Y-%m-%d %H:%M UTC')}")
    w(f"- **Commit:** `{commit}`" + (f" plus uncommitted changes in {len(dirty)} file(s) of the "
      f"library ({', '.join(dirty[:6])}{', …' if len(dirty) > 6 else ''})" if dirty else ""))  # fmt: skip
    w(f"- **CPU:** {cpu_model()}, {os.cpu_count()} logical CPUs; load average before the run: "
      f"{env.get('loadavg', '?')}")  # fmt: skip
    w(f"- **Toolchain:** {env.get('rustc', '?')}; {env.get('cc', '?')}; Python "
      f"{(py or {}).get('meta', {}).get('python', '?')}")  # fmt: skip
    versions = [f"hxjwt {(rust or {}).get('meta', {}).get('hxjwt', '?')} "
                f"(JWS backend {(rust or {}).get('meta', {}).get('jws_backend', '?')})"]  # fmt: skip
    if aws:
        versions.append(f"jsonwebtoken {aws['meta']['jsonwebtoken']} (aws_lc_rs and rust_crypto)")
    if peers:
        versions.append("oxitoken 0.1.0, jwt-simple 0.15.0 (bench/rust/Cargo.lock)")
    if py:
        versions += [f"{k} {py['meta'][k]}" for k in ("PyJWT", "cryptography", "joserfc", "jwcrypto",
                                                       "oxyjwt", "pyjwt-rs") if k in py["meta"]]  # fmt: skip
    if node:
        versions += [f"{k} {node['meta'][k]}" for k in ("fast-jwt", "jose") if k in node["meta"]]
    if c:
        versions.append(f"libjwt {c['meta']['libjwt']}")
    redis_meta = (rust or {}).get("meta", {}).get("redis") or {}
    if "version" in redis_meta:
        versions.append(redis_version(redis_meta))
    w(f"- **Versions:** {'; '.join(versions)}")
    w(f"- **Run time:** {env.get('seconds', '?')} s of measuring (`BENCH_SCALE={env.get('scale', '1')}`)")
    if env.get("loadavg_after"):
        w(f"- **Load average after the run:** {env['loadavg_after']}")
    w("")
    w("Times are medians of the samples, with the 10th–90th percentile range in small print. A "
      "speed-up is the peer's median / hxjwt's (above 1: hxjwt is faster). The machine may be "
      "shared with other builds: compare rows of the same run, and read a wide p10–p90 range as "
      "noise.")  # fmt: skip
    w("")
    w("**How rounds are interleaved (issue 16).** The headline comparisons — Rust hxjwt vs "
      "jsonwebtoken (aws_lc_rs), oxitoken and jwt-simple (bench/rust/peers), Python hxjwt vs "
      "PyJWT, oxyjwt and pyjwt-rs and HX1 vs the JWE peers (bench/python/bench_py.py), Node "
      "hxjwt vs fast-jwt and jose (bindings/node/bench/peers.js), JWE against its floor and the "
      "fleet rows — time all sides of one operation in the same process, in rounds: an untimed "
      "warm-up round fixes each side's batch (a fixed number of calls, ~0.12 s), then in round r "
      "the sides run in the order r, r+1, … (A B C, B C A, C A B, …), one timed batch each. A "
      "side's time is the median over rounds (fastest and slowest round in small print), and a "
      "ratio is the median of the ratios taken within each round, so a slow-down of the machine "
      "during the run (other builds) falls on every side alike. The earlier per-process rows "
      "(jsonwebtoken's two backends as separate binaries, the C face) are timed one after the "
      "other, not interleaved. Targets are ratios; absolute times depend on the load.")  # fmt: skip
    w("")

    body: list[str] = []
    b = body.append

    if peers:
        body.extend(rust_peers_section(peers, target))
        body.extend(cache_section(peers))

    # Rust JWS
    if rust:
        b("## Rust: standard JWS, hxjwt vs jsonwebtoken")
        b("")
        b("Same claims (sub, name, iat, exp, aud, iss), same checks (alg, signature, exp, aud, "
          "iss; system clock, leeway 0), keys parsed once. Allocations are heap allocations per call.")  # fmt: skip
        b("")
        b("| operation | hxjwt | jsonwebtoken aws_lc_rs | speed-up | jsonwebtoken rust_crypto | speed-up | allocs hxjwt / aws_lc_rs / rust_crypto |")
        b("|---|---|---|---|---|---|---|")
        aws_imp, rc_imp = "jsonwebtoken/aws_lc_rs", "jsonwebtoken/rust_crypto"
        for alg in ("HS256", "ES256", "EdDSA", "RS256"):
            for verb in ("encode", "decode"):
                op = f"{alg} {verb}"
                h, a, r = R.get(("jws", op, "hxjwt")), A.get(("jws", op, aws_imp)), RC.get(("jws", op, rc_imp))
                allocs = " / ".join("–" if x is None else f"{x['allocs_per_op']:.0f}" for x in (h, a, r))
                b(f"| {op} | {cell(h)} | {cell(a)} | {fx(ratio(a, h))} | {cell(r)} | {fx(ratio(r, h))} | {allocs} |")
                if alg == "HS256":
                    goal = 1.5 if verb == "decode" else 1.3
                    worst = min((x for x in (ratio(a, h), ratio(r, h)) if x is not None), default=None)
                    target(f"Rust HS256 {verb} ≥ {goal}× jsonwebtoken (the faster backend)", worst, goal)
                else:
                    target(f"Rust {op} not slower than jsonwebtoken aws_lc_rs", ratio(a, h), 1.0)
        b("")

        b("## Rust: HX1 against its floor")
        b("")
        b("`warm`: the endpoints' pairwise-key cache holds the peer (a service's steady state); "
          "`cold`: cache capacity 0, so every call derives the key (X25519 + HKDF + AES key "
          "schedule). The floor is the summed cost of the primitives the operation cannot avoid, "
          "called directly from the same crates (bench/rust/harness/src/floor.rs; bench/README.md).")  # fmt: skip
        b("")
        b("| operation | hxjwt | floor | hxjwt / floor | allocs hxjwt | allocs floor | bytes allocated hxjwt |")
        b("|---|---|---|---|---|---|---|")
        max_val_allocs = None
        for cache in ("warm", "cold"):
            for verb in ("create", "validate"):
                for size in ("100 B", "1 KiB", "16 KiB"):
                    op = f"{verb} {size} {cache}"
                    h, f = R.get(("hx1", op, "hxjwt")), R.get(("hx1", op, "floor"))
                    if h is None:
                        continue
                    b(f"| {op} | {cell(h)} | {cell(f)} | {fx(ratio(h, f))} | {h['allocs_per_op']:.1f} | "
                      f"{'–' if f is None else format(f['allocs_per_op'], '.1f')} | {h['bytes_per_op']:.0f} |")  # fmt: skip
                    if cache == "warm":
                        target(f"HX1 {op} within 1.5× the floor", ratio(h, f), 1.5, "{:.2f}×", at_most=True)
                    if verb == "validate":
                        a = h["allocs_per_op"]
                        max_val_allocs = a if max_val_allocs is None else max(max_val_allocs, a)
        b("")
        target("≤ 8 heap allocations per HX1 validation (the most of any size, warm or cold)",
               max_val_allocs, 8, "{:.1f}", at_most=True)  # fmt: skip

        body.extend(jwe_section(rust, target))

        thr = [r for r in rust["rows"] if r["group"] == "threads"]
        if thr:
            b("## Rust: HX1 throughput, threads sharing one Endpoint")
            b("")
            b("Each run counts the calls all threads finish in ~1 s; the median of 3 runs. `CPUs "
              "busy` is the process's CPU time / wall time: below the thread count when other "
              "processes took cores, which caps the scaling this run can show.")  # fmt: skip
            b("")
            b("| operation | 1 thread | 2 threads | scaling | CPUs busy (1 / 2 threads) |")
            b("|---|---|---|---|---|")
            for op in dict.fromkeys(r["op"] for r in thr):
                one = next((r for r in thr if r["op"] == op and r["threads"] == 1), None)
                two = next((r for r in thr if r["op"] == op and r["threads"] == 2), None)
                if one and two:
                    s = two["ops_per_s"] / one["ops_per_s"]
                    b(f"| {op} | {one['ops_per_s']:,.0f}/s | {two['ops_per_s']:,.0f}/s | {s:.2f}× | "
                      f"{one['cpus_busy']:.2f} / {two['cpus_busy']:.2f} |")  # fmt: skip
                    target(f"HX1 {op}: 2 threads ≥ 1.8× one thread", s, 1.8)
            b("")
        mem = [r for r in rust["rows"] if r["group"] == "memory"]
        for m in mem:
            b("## Rust: memory")
            b("")
            b(f"{m['validations']:,} validations of one 1 KiB token (warm) in {m['seconds']:.2f} s: "
              f"peak live heap during the loop **{m['peak_live_bytes']:,} bytes** (counting "
              f"allocator, above what was live before), {m['allocs_per_op']:.2f} allocations and "
              f"{m['bytes_per_op']:.0f} bytes allocated per validation; process max RSS "
              f"{m['max_rss_before'] / 2**20:.1f} MiB before, {m['max_rss_after'] / 2**20:.1f} MiB after.")  # fmt: skip
            b("")

        body.extend(fleet_section(rust))

    if py:
        body.extend(python_jws_section(py, target))
        b("## Python: HX1 vs JWE (X25519 key agreement, A256GCM)")
        b("")
        b("hxjwt `Endpoint.create/validate` (warm key cache; validate also checks iss, aud, exp "
          "and the sender's MAC) against compact JWE encrypt/decrypt: ECDH-ES (anonymous sender) "
          "with joserfc and jwcrypto, and joserfc's ECDH-1PU (direct key agreement, "
          "sender-authenticated, draft-madden-jose-ecdh-1pu-04).")  # fmt: skip
        b("")
        peers = ("joserfc ECDH-ES", "jwcrypto ECDH-ES", "joserfc ECDH-1PU")
        b("| operation | hxjwt | " + " | ".join(f"{p} | speed-up" for p in peers) + " | target | measured |")
        b("|---|---|" + "---|---|" * len(peers) + "---|---|")
        for verb in ("create", "validate"):
            for size in ("100 B", "1 KiB"):
                op = f"{verb} {size} warm"
                h = P.get(("hx1", op, "hxjwt"))
                if h is None:
                    continue
                cols = []
                for p in peers:
                    r = P.get(("hx1", op, p))
                    cols.append(f"{cell(r)} | {within(r) if r and 'ratio_to_hxjwt' in r else fx(ratio(r, h))}")
                jf = P.get(("hx1", op, "joserfc ECDH-ES"))
                v = None if jf is None else jf.get("ratio_to_hxjwt", ratio(jf, h))
                b(f"| {op} | {cell(h)} | " + " | ".join(cols) + f" | ≥ 30× joserfc ECDH-ES | "
                  f"{'–' if v is None else format(v, '.2f') + '×'} {verdict(v, 30.0)} |")  # fmt: skip
                target(f"Python HX1 {op} ≥ 30× joserfc ECDH-ES", v, 30.0)
        b("")
    if pyjwe:
        b("## Python: JWE, hxjwt.jwe vs joserfc and jwcrypto")
        b("")
        b("The same compact token (made by hxjwt, checked to decrypt in all three) decrypted by "
          "each library with a key parsed once and only the token's alg and enc accepted; "
          "encrypt makes a new token each call. Rounds interleaved in one process "
          "(bench/python/bench_jwe.py).")  # fmt: skip
        b("")
        b("| operation | hxjwt | joserfc | speed-up | jwcrypto | speed-up |")
        b("|---|---|---|---|---|---|")
        cases = sorted({op.rsplit(" ", 1)[0] for (g, op, _) in PJ if g == "jwe"})
        for case in cases:
            for verb in ("decrypt", "encrypt"):
                op = f"{case} {verb}"
                h, jf, jc = (PJ.get(("jwe", op, i)) for i in ("hxjwt", "joserfc", "jwcrypto"))
                if h is None:
                    continue
                b(f"| {op} | {cell(h)} | {cell(jf)} | {fx(ratio(jf, h))} | {cell(jc)} | {fx(ratio(jc, h))} |")
                if verb == "decrypt":
                    target(f"Python JWE {op} ≥ 20× joserfc", ratio(jf, h), 20.0)
        b("")
    if c:
        b("## C: libhxjwt vs libjwt")
        b("")
        b("libhxjwt (release) `hx_jwt_encode`/`hx_jwt_decode` against libjwt's `jwt_encode_str` and "
          "`jwt_decode` plus the checks libjwt 1.10 leaves to the caller (alg, exp, aud, iss); "
          "encode builds the claims each call (snprintf of the JSON for hxjwt, `jwt_add_grant*` "
          "for libjwt).")  # fmt: skip
        b("")
        b("| operation | hxjwt | libjwt | speed-up |")
        b("|---|---|---|---|")
        for op in ("HS256 encode", "HS256 decode"):
            h, l = C.get(("jws", op, "hxjwt")), C.get(("jws", op, "libjwt"))
            b(f"| {op} | {cell(h)} | {cell(l)} | {fx(ratio(l, h))} |")
        target("C HS256 decode ≥ 4× libjwt", ratio(C.get(("jws", "HS256 decode", "libjwt")),
                                                   C.get(("jws", "HS256 decode", "hxjwt"))), 4.0)  # fmt: skip
        b("")

    if node:
        body.extend(node_section(node))

    met = sum(1 for t in targets if t[2])
    w(f"## Targets ({met} of {len(targets)} met)")
    w("")
    w("| target | measured | met |")
    w("|---|---|---|")
    for name, value, ok in targets:
        w(f"| {name} | {value} | {'yes' if ok else ('**no**' if ok is False else '–')} |")
    w("")
    missing = [n for n, d in (("rust-hxjwt", rust), ("rust-peers", peers), ("rust-jwt-aws", aws),
                              ("rust-jwt-rc", rc), ("python", py), ("c", c), ("node", node))
               if d is None]  # fmt: skip
    if missing:
        w(f"Not measured in this run: {', '.join(missing)}.")
        w("")
    out.write_text("\n".join(lines + body).rstrip() + "\n")
    print(f"report: {out} ({met} of {len(targets)} targets met)", file=sys.stderr)


if __name__ == "__main__":
    main()
