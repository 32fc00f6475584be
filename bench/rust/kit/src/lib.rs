//! What every bench binary shares: a counting global allocator (allocations per operation, peak
//! live bytes), a plain timing loop (warm-up, then samples of batched calls; median, p10, p90),
//! a multi-thread throughput loop, and the JSON results file that `bench/report.py` reads.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The system allocator, counting while [`Counting::on`] is set. Off, it costs one relaxed load
/// of a read-only flag (no shared writes), so it does not disturb timings or thread scaling.
pub struct Counting;

static ON: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);
static LIVE: AtomicI64 = AtomicI64::new(0);
static PEAK: AtomicI64 = AtomicI64::new(0);

impl Counting {
    fn add(size: usize) {
        if ON.load(Relaxed) {
            ALLOCS.fetch_add(1, Relaxed);
            BYTES.fetch_add(size as u64, Relaxed);
            let live = LIVE.fetch_add(size as i64, Relaxed) + size as i64;
            PEAK.fetch_max(live, Relaxed);
        }
    }
    fn sub(size: usize) {
        if ON.load(Relaxed) {
            LIVE.fetch_sub(size as i64, Relaxed);
        }
    }
    /// Starts counting from zero (allocations, bytes, live and peak live bytes).
    pub fn start() {
        ALLOCS.store(0, Relaxed);
        BYTES.store(0, Relaxed);
        LIVE.store(0, Relaxed);
        PEAK.store(0, Relaxed);
        ON.store(true, Relaxed);
    }
    /// Stops counting; returns (allocations, bytes allocated, peak live bytes since `start`).
    pub fn stop() -> (u64, u64, i64) {
        ON.store(false, Relaxed);
        (
            ALLOCS.load(Relaxed),
            BYTES.load(Relaxed),
            PEAK.load(Relaxed),
        )
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Self::add(layout.size());
        // SAFETY: the caller's contract is System's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Self::add(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        Self::sub(layout.size());
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A realloc counts as one allocation of the new size (and a free of the old).
        Self::sub(layout.size());
        Self::add(new_size);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// How long to measure: `BENCH_SCALE` (default 1.0) multiplies every duration and count; 0.1
/// gives a quick smoke run.
pub fn scale() -> f64 {
    std::env::var("BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0)
}

/// One timed operation.
#[derive(Clone, Debug)]
pub struct Stats {
    pub median_ns: f64,
    pub p10_ns: f64,
    pub p90_ns: f64,
    pub samples: usize,
    pub batch: u64,
    pub allocs_per_op: f64,
    pub bytes_per_op: f64,
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

/// Times `f`: warm-up (~100 ms), a batch size making one sample ~2 ms, then samples for ~0.6 s
/// (at least 15, at most 200). Each sample is the mean time per call over its batch; the result
/// gives the median and the 10th/90th percentiles of the samples. Then counts the heap
/// allocations of 200 more calls.
pub fn measure<R>(mut f: impl FnMut() -> R) -> Stats {
    let s = scale();
    let warm = Duration::from_secs_f64(0.1 * s);
    let t0 = Instant::now();
    let mut n = 0u64;
    while t0.elapsed() < warm || n < 3 {
        black_box(f());
        n += 1;
    }
    let per_call = t0.elapsed().as_secs_f64() / n as f64;
    let batch = ((0.002 / per_call) as u64).max(1);
    let budget = Duration::from_secs_f64(0.6 * s);
    let mut samples = Vec::new();
    let t1 = Instant::now();
    while (t1.elapsed() < budget || samples.len() < 15) && samples.len() < 200 {
        let t = Instant::now();
        for _ in 0..batch {
            black_box(f());
        }
        samples.push(t.elapsed().as_nanos() as f64 / batch as f64);
    }
    samples.sort_by(f64::total_cmp);
    let calls = 200u64;
    Counting::start();
    for _ in 0..calls {
        black_box(f());
    }
    let (allocs, bytes, _) = Counting::stop();
    Stats {
        median_ns: pct(&samples, 0.5),
        p10_ns: pct(&samples, 0.1),
        p90_ns: pct(&samples, 0.9),
        samples: samples.len(),
        batch,
        allocs_per_op: allocs as f64 / calls as f64,
        bytes_per_op: bytes as f64 / calls as f64,
    }
}

/// Calls per second of `f` on `threads` threads together, over ~`seconds` each run; the median
/// of 3 runs, and the CPUs the process kept busy (CPU time / wall time) in that run.
pub fn throughput<R>(threads: usize, seconds: f64, f: impl Fn() -> R + Sync) -> (f64, f64) {
    let mut runs = Vec::new();
    for _ in 0..3 {
        let stop = AtomicBool::new(false);
        let total = AtomicU64::new(0);
        let (c0, t0) = (cpu_seconds(), Instant::now());
        std::thread::scope(|sc| {
            for _ in 0..threads {
                sc.spawn(|| {
                    let mut n = 0u64;
                    while !stop.load(Relaxed) {
                        for _ in 0..16 {
                            black_box(f());
                        }
                        n += 16;
                    }
                    total.fetch_add(n, Relaxed);
                });
            }
            std::thread::sleep(Duration::from_secs_f64(seconds * scale()));
            stop.store(true, Relaxed);
        });
        let wall = t0.elapsed().as_secs_f64();
        runs.push((
            total.load(Relaxed) as f64 / wall,
            (cpu_seconds() - c0) / wall,
        ));
    }
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    runs[1]
}

/// User + system CPU seconds of this process so far.
pub fn cpu_seconds() -> f64 {
    let u = rusage();
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(u.ru_utime) + tv(u.ru_stime)
}

/// (user, system) CPU seconds of this process so far: the system part is the kernel's work on
/// the process's behalf (syscalls, and for loopback sockets most of the TCP stack).
pub fn cpu_user_system() -> (f64, f64) {
    let u = rusage();
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (tv(u.ru_utime), tv(u.ru_stime))
}

/// The process's peak resident set size so far, in bytes.
pub fn max_rss_bytes() -> u64 {
    rusage().ru_maxrss as u64 * 1024
}

fn rusage() -> libc::rusage {
    // SAFETY: getrusage only writes the struct it is given; all-zero is a valid rusage.
    unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut u);
        u
    }
}

/// The rows a binary measured, written as one JSON file for `bench/report.py`.
pub struct Results {
    face: String,
    meta: serde_json::Map<String, Value>,
    rows: Vec<Value>,
}

impl Results {
    pub fn new(face: &str) -> Self {
        Results {
            face: face.into(),
            meta: serde_json::Map::new(),
            rows: Vec::new(),
        }
    }
    pub fn meta(&mut self, key: &str, value: impl Into<Value>) {
        self.meta.insert(key.into(), value.into());
    }
    /// Times `f` as operation `op` of group `group`, done by `imp` (hxjwt, a peer, or "floor").
    pub fn time<R>(&mut self, group: &str, op: &str, imp: &str, f: impl FnMut() -> R) -> Stats {
        let s = measure(f);
        eprintln!(
            "  {group:10} {op:28} {imp:24} {:>12.0} ns  (p10 {:.0}, p90 {:.0}; {:.1} allocs)",
            s.median_ns, s.p10_ns, s.p90_ns, s.allocs_per_op
        );
        self.rows.push(json!({
            "group": group, "op": op, "impl": imp,
            "median_ns": s.median_ns, "p10_ns": s.p10_ns, "p90_ns": s.p90_ns,
            "samples": s.samples, "batch": s.batch,
            "allocs_per_op": s.allocs_per_op, "bytes_per_op": s.bytes_per_op,
        }));
        s
    }
    /// Adds a row that is not a timing (throughput, memory): free-form fields.
    pub fn extra(&mut self, row: Value) {
        eprintln!("  {row}");
        self.rows.push(row);
    }
    /// Writes the results to the path given as the binary's first argument (or stdout).
    pub fn write(self) {
        let doc = json!({ "face": self.face, "meta": self.meta, "rows": self.rows });
        let text = serde_json::to_string_pretty(&doc).expect("results serialize");
        match std::env::args().nth(1) {
            Some(path) => std::fs::write(&path, text).expect("write results file"),
            None => println!("{text}"),
        }
    }
}

/// The directory of the repository's test keys (tests/vectors/keys), from the bench's manifest.
pub fn key_path(file: &str) -> String {
    format!(
        "{}/../../../tests/vectors/keys/{file}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// The Unix time now, in seconds.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// One side of an interleaved comparison: its name and one call.
pub type Side<'a> = (String, Box<dyn FnMut() + 'a>);

/// Times `sides` in interleaved rounds in this process: one untimed warm-up round (which also
/// fixes each side's batch, ~`secs` of calls), then `rounds` timed rounds; in round r the sides
/// run in the order r, r+1, … (rotated: A B C, B C A, …), each one batch timed as a whole, so the
/// machine's drift over the run falls on every side alike. Returns, per side, the mean time per
/// call (ns) of each timed round.
pub fn interleave(sides: &mut [Side<'_>], rounds: usize, secs: f64) -> Vec<Vec<f64>> {
    let n = sides.len();
    let mut batch = vec![1u64; n];
    for (i, (_, f)) in sides.iter_mut().enumerate() {
        let (t, mut calls) = (Instant::now(), 0u64);
        while t.elapsed().as_secs_f64() < secs || calls < 3 {
            f();
            calls += 1;
        }
        let per_call = t.elapsed().as_secs_f64() / calls as f64;
        batch[i] = ((secs / per_call) as u64).max(1);
    }
    let mut per_round = vec![Vec::with_capacity(rounds); n];
    for round in 0..rounds {
        for k in 0..n {
            let i = (round + k) % n;
            let f = &mut sides[i].1;
            let t = Instant::now();
            for _ in 0..batch[i] {
                f();
            }
            per_round[i].push(t.elapsed().as_nanos() as f64 / batch[i] as f64);
        }
    }
    per_round
}

/// Heap allocations and bytes allocated per call of `f`, over `calls` calls.
pub fn allocs_per_call(calls: u64, mut f: impl FnMut()) -> (f64, f64) {
    Counting::start();
    for _ in 0..calls {
        f();
    }
    let (allocs, bytes, _) = Counting::stop();
    (allocs as f64 / calls as f64, bytes as f64 / calls as f64)
}

/// The median, smallest and largest of `v` (zeros when empty).
pub fn spread(v: &[f64]) -> (f64, f64, f64) {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    match (s.get(s.len() / 2), s.first(), s.last()) {
        (Some(m), Some(lo), Some(hi)) => (*m, *lo, *hi),
        _ => (0.0, 0.0, 0.0),
    }
}

/// One run of [`throughput`]: calls per second of `f` on `threads` threads over ~`seconds`
/// (scaled), and the CPUs the process kept busy.
pub fn throughput_once<R>(threads: usize, seconds: f64, f: impl Fn() -> R + Sync) -> (f64, f64) {
    let stop = AtomicBool::new(false);
    let total = AtomicU64::new(0);
    let (c0, t0) = (cpu_seconds(), Instant::now());
    std::thread::scope(|sc| {
        for _ in 0..threads {
            sc.spawn(|| {
                let mut n = 0u64;
                while !stop.load(Relaxed) {
                    for _ in 0..16 {
                        black_box(f());
                    }
                    n += 16;
                }
                total.fetch_add(n, Relaxed);
            });
        }
        std::thread::sleep(Duration::from_secs_f64(seconds * scale()));
        stop.store(true, Relaxed);
    });
    let wall = t0.elapsed().as_secs_f64();
    (
        total.load(Relaxed) as f64 / wall,
        (cpu_seconds() - c0) / wall,
    )
}
