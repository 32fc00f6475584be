"""Validation throughput of one shared Endpoint on 1 thread vs 2 threads (a measurement, not a
test). Run it on a release build: `make py-bench` (or `python tests/python/bench_threads.py`).

Each thread validates the same list of tokens through the one endpoint; the GIL is released
during the crypto, so with 2 free cores 2 threads should do close to twice the work.
"""

from __future__ import annotations

import os
import sys
import threading
import time

import hxjwt


def run(
    receiver: hxjwt.Endpoint, tokens: list[str], threads: int, seconds: float
) -> tuple[float, float]:
    """Validations per second, all threads together, over about `seconds`; and the CPUs this
    process kept busy meanwhile (CPU time / wall time: below the thread count when other
    processes took the cores, at it when the threads only waited on each other)."""
    counts = [0] * threads
    start = threading.Barrier(threads + 1)
    stop = threading.Event()

    def work(i: int) -> None:
        start.wait()
        n = 0
        while not stop.is_set():
            for t in tokens:
                receiver.validate(t)
            n += len(tokens)
        counts[i] = n

    pool = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    start.wait()
    t0, c0 = time.perf_counter(), time.process_time()
    time.sleep(seconds)
    stop.set()
    for t in pool:
        t.join()
    wall = time.perf_counter() - t0
    return sum(counts) / wall, (time.process_time() - c0) / wall


def main() -> None:
    seconds = float(os.environ.get("BENCH_SECONDS", "2"))
    alice = hxjwt.Identity.generate("alice.service")
    bob = hxjwt.Identity.generate("bob.service")
    directory = hxjwt.Directory([alice.machine_token, bob.machine_token])
    sender = hxjwt.Endpoint(alice, directory)
    receiver = hxjwt.Endpoint(bob, directory)
    print(f"hxjwt {hxjwt.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"{seconds:g} s per run, best of 3")  # fmt: skip
    for size in (64, 1024, 16384):
        tokens = [sender.create(os.urandom(size), to="bob.service", ttl=3600) for _ in range(64)]
        best = {n: max(run(receiver, tokens, n, seconds) for _ in range(3)) for n in (1, 2)}
        (one, cpu1), (two, cpu2) = best[1], best[2]
        print(f"payload {size:>6} B: 1 thread {one:>9,.0f}/s (CPUs busy {cpu1:.2f})   "
              f"2 threads {two:>9,.0f}/s (CPUs busy {cpu2:.2f})   speed-up x{two / one:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
