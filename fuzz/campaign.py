#!/usr/bin/env python3
"""A long fuzzing campaign with a CPU-time budget per target (outside CI; see fuzz/README.md).

Usage: python3 fuzz/campaign.py [--cpu-seconds N] [--max-wall W] [--parallel P] [--nice K]
                                [TARGET ...]

Runs each target (default: every target of fuzz/Cargo.toml) on its corpus, fuzz/corpus/<target>/,
with the JOSE dictionary, until its process has used N CPU-seconds (default 3600: one
CPU-hour), P targets at a time (default 1), at nice level K (default 19, so that a campaign on a
shared machine takes only idle CPU). A budget of CPU time, not wall time, is what makes runs on
a busy machine comparable: libFuzzer's -max_total_time counts wall time. When the budget is
spent the target gets SIGINT, prints its final statistics and exits (libFuzzer's exit code 72
for an interrupted run, which is a clean end here). --max-wall W (seconds, default none) also
ends a run after W seconds of wall time, so that a campaign on a machine that is busier than
expected still reaches every target; the CPU column says what each really got.

Prints one Markdown row per target: CPU time, executions, execs per CPU-second, coverage
(`cov`: edges, `ft`: features), corpus size, peak RSS, and the outcome. Any other exit is a
finding: its input is in fuzz/artifacts/<target>/ and the log's last lines are printed, and the
script exits 1. The targets must be built first (`make fuzz-build`). Standard library only.
"""

import argparse
import os
import pathlib
import re
import signal
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = ROOT / "target" / "fuzz" / "x86_64-unknown-linux-gnu" / "release"
INTERRUPTED = 72
TICKS = os.sysconf("SC_CLK_TCK")


def targets_of_manifest():
    text = (HERE / "Cargo.toml").read_text()
    return re.findall(r'\[\[bin\]\]\s*name = "([^"]+)"', text)


def cpu_seconds(pid):
    """utime + stime of a live process (and its reaped threads), from /proc."""
    try:
        fields = (pathlib.Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # After the command: state(0) ppid pgrp session tty tpgid flags minflt cminflt majflt
    # cmajflt utime(11) stime(12).
    return (int(fields[11]) + int(fields[12])) / TICKS


class Run:
    def __init__(self, target, budget, max_wall, nice):
        self.target = target
        self.budget = budget
        self.max_wall = max_wall
        corpus = HERE / "corpus" / target
        artifacts = HERE / "artifacts" / target
        corpus.mkdir(parents=True, exist_ok=True)
        artifacts.mkdir(parents=True, exist_ok=True)
        self.log_path = ROOT / "target" / "fuzz" / f"{target}.campaign.log"
        self.log = open(self.log_path, "w")
        cmd = [
            str(BIN / target),
            "-timeout=30",
            "-print_final_stats=1",
            f"-dict={HERE / 'dicts' / 'jose.dict'}",
            f"-artifact_prefix={artifacts}/",
            str(corpus),
        ]
        self.start = time.monotonic()
        self.proc = subprocess.Popen(
            cmd, stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT,
            preexec_fn=lambda: os.nice(nice),
        )
        self.cpu = 0.0
        self.interrupted = False

    def poll(self):
        """True when the run has ended."""
        if self.proc.poll() is not None:
            return True
        cpu = cpu_seconds(self.proc.pid)
        if cpu is not None:
            self.cpu = cpu
        over_wall = self.max_wall is not None and time.monotonic() - self.start >= self.max_wall
        if (self.cpu >= self.budget or over_wall) and not self.interrupted:
            self.interrupted = True
            self.proc.send_signal(signal.SIGINT)
        return False

    def row(self):
        self.log.close()
        text = self.log_path.read_text(errors="replace")
        stats = dict(re.findall(r"^stat::(\w+):\s+(\d+)", text, re.M))
        progress = re.findall(r"cov: (\d+) ft: (\d+) corp: (\d+)", text)
        cov, ft, corp = progress[-1] if progress else ("?", "?", "?")
        execs = int(stats.get("number_of_executed_units", 0))
        code = self.proc.returncode
        clean = code == 0 or (code == INTERRUPTED and self.interrupted)
        outcome = "clean" if clean else f"FINDING (exit {code}; log {self.log_path})"
        per_cpu = execs / self.cpu if self.cpu else 0
        wall = time.monotonic() - self.start
        return clean, (
            f"| `{self.target}` | {self.cpu / 60:.1f} min | {wall / 60:.0f} min | {execs:,} | "
            f"{per_cpu:,.0f} | {cov} | {ft} | {corp} | {stats.get('peak_rss_mb', '?')} MB | "
            f"{outcome} |"
        ), text


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cpu-seconds", type=float, default=3600)
    ap.add_argument("--max-wall", type=float, default=None)
    ap.add_argument("--parallel", type=int, default=1)
    ap.add_argument("--nice", type=int, default=19)
    ap.add_argument("targets", nargs="*")
    args = ap.parse_args()
    targets = args.targets or targets_of_manifest()
    missing = [t for t in targets if not (BIN / t).exists()]
    if missing:
        sys.exit(f"campaign: not built: {', '.join(missing)} (run `make fuzz-build`)")
    print("| target | CPU | wall | executions | execs/CPU-s | cov | ft | corpus | peak RSS | outcome |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    pending, running, failed = list(targets), [], False
    while pending or running:
        while pending and len(running) < args.parallel:
            running.append(Run(pending.pop(0), args.cpu_seconds, args.max_wall, args.nice))
        time.sleep(2)
        for run in [r for r in running if r.poll()]:
            running.remove(run)
            clean, row, text = run.row()
            print(row, flush=True)
            if not clean:
                failed = True
                print("\n".join(text.splitlines()[-40:]), file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
