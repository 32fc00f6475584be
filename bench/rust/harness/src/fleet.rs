//! Replay protection across a fleet (issue 12): what the Redis replay store costs a validation,
//! next to no store and the in-memory store, and how much memory Redis spends per token.
//!
//! - Throughput: HX1 validations (1 KiB payload, warm pairwise-key cache) with no replay store,
//!   `MemoryReplayStore` and `RedisReplayStore` on a private loopback `redis-server`, on 1 and 2
//!   threads; HS256 JWS decodes of one-time tokens (`jti`) with the same three, on 1 thread.
//!   Every validation opens a token made beforehand and never seen by that store, so every Redis
//!   call is a real `SET key 1 NX PX ttl` that creates a key. The variants run in rounds
//!   (A B C, B C A, C A B, …) in this one process, so that the machine's drift over minutes
//!   falls on all of them alike; the report takes medians over rounds and ratios within a round.
//!   Before each run the stores are emptied (a fresh `MemoryReplayStore`, `FLUSHDB` on Redis), so
//!   the same tokens serve every round.
//! - Where the time goes: the store calls alone (`check_and_insert` on each store, a bare
//!   `SET NX PX` and a `PING` on one connection of the redis crate), the ids' hashing, the key
//!   thumbprint that a JWS decode with a store computes, and the server's own CPU per `SET`.
//! - Memory: `N` tokens accepted through the Redis store into an empty database, then `INFO
//!   memory` (`used_memory` after − before, / N) and `MEMORY USAGE` of a sample of keys.
//!
//! The server is started here on a free loopback port, without persistence, under coreutils'
//! `timeout` (so that it cannot outlive a harness that was killed), and shut down at the end.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use benchkit::{Counting, Results, cpu_seconds, cpu_user_system, scale, unix_now};
use hxjwt::jws::{self, Algorithm, Header, Key, Validation};
use hxjwt::store::redis::{RedisOptions, RedisReplayStore};
use hxjwt::store::{self, MemoryReplayStore, ReplayStore};
use hxjwt::{CreateOptions, Endpoint, Identity, MemoryDirectory};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The longest the server may live: it is killed by `timeout` after this, whatever the harness.
const SERVER_BOUND: Duration = Duration::from_secs(1800);
/// Lifetime of the tokens (the Redis keys live as long: `exp` + leeway 0 − now).
const TOKEN_TTL: u64 = 3600;
/// Timed rounds (after one untimed warm-up round).
const ROUNDS: usize = 5;
/// Tokens a worker thread claims at once.
const CHUNK: usize = 16;

// ---------------------------------------------------------------------------------------------
// The server

/// Where the `redis-server` binary came from.
#[derive(Clone, Debug)]
struct Origin {
    path: PathBuf,
    version: String,
    package: Option<String>,
}

fn output(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// `BENCH_REDIS_SERVER` (a path or a name) or `redis-server`, looked up on `PATH`; its
/// `--version`, and the Debian package that installed it (when dpkg knows the file).
fn locate() -> Result<Origin, String> {
    let name = std::env::var("BENCH_REDIS_SERVER").unwrap_or_else(|_| "redis-server".to_owned());
    let path = if name.contains('/') {
        Some(PathBuf::from(&name)).filter(|p| p.is_file())
    } else {
        std::env::var_os("PATH").and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(&name))
                .find(|f| f.is_file())
        })
    }
    .ok_or_else(|| {
        format!("{name} not found (`make bench-tools` installs Debian's redis-server)")
    })?;
    let version = output(&path.to_string_lossy(), &["--version"])
        .ok_or_else(|| format!("{} --version failed", path.display()))?;
    let real = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
    let package = [&path, &real].iter().find_map(|p| {
        let owner = output("dpkg", &["-S", &p.to_string_lossy()])?;
        let pkg = owner.split(':').next()?.trim().to_owned();
        let v = output("dpkg-query", &["-W", "-f", "${Version}", &pkg])?;
        Some(format!("{pkg} {v}"))
    });
    Ok(Origin {
        path,
        version,
        package,
    })
}

/// A private `redis-server`: a free loopback port, no persistence, at most [`SERVER_BOUND`].
struct Server {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
    origin: Origin,
    /// The server's own pid (the child is `timeout`).
    pid: Option<u32>,
}

impl Server {
    fn start() -> Result<Server, String> {
        let origin = locate()?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .map_err(|e| format!("no free loopback port: {e}"))?;
        let dir = std::env::temp_dir().join(format!("hxbench-redis-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let child = Command::new("timeout")
            .args(["--kill-after=5", &SERVER_BOUND.as_secs().to_string()])
            .arg(&origin.path)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .arg("--dir")
            .arg(&dir)
            .args(["--loglevel", "warning", "--logfile"])
            .arg(dir.join("redis.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start timeout {}: {e}", origin.path.display()))?;
        let mut server = Server {
            child: Some(child),
            port,
            dir,
            origin,
            pid: None,
        };
        let t = Instant::now();
        loop {
            if let Ok(mut c) = server.connection() {
                if let Ok(info) = redis::cmd("INFO").arg("server").query::<String>(&mut c) {
                    server.pid = field(&info, "process_id").and_then(|p| p.parse().ok());
                    break;
                }
            }
            let exited = server
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten());
            if exited.is_some() || t.elapsed() > Duration::from_secs(10) {
                let log = std::fs::read_to_string(server.dir.join("redis.log")).unwrap_or_default();
                return Err(format!(
                    "redis-server did not start on port {port} ({exited:?}): {log}"
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(server)
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// A direct connection of the redis crate, for what the store does not expose.
    fn connection(&self) -> redis::RedisResult<redis::Connection> {
        redis::Client::open(self.url().as_str())?.get_connection()
    }

    fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        if let Ok(mut c) = self.connection() {
            let _ = redis::cmd("SHUTDOWN")
                .arg("NOSAVE")
                .query::<redis::Value>(&mut c);
        }
        // `timeout` exits with the server; if not, TERM to `timeout` (it forwards it), then
        // KILL to the server itself (never to `timeout`: the server would then be unbounded).
        for signal in [
            None,
            Some(("-TERM", child.id())),
            self.pid.map(|p| ("-KILL", p)),
        ] {
            if let Some((sig, pid)) = signal {
                let _ = Command::new("kill").args([sig, &pid.to_string()]).status();
            }
            let t = Instant::now();
            while t.elapsed() < Duration::from_secs(3) {
                if matches!(child.try_wait(), Ok(Some(_))) {
                    let _ = std::fs::remove_dir_all(&self.dir);
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        eprintln!("  warning: redis-server (pid {:?}) did not stop", self.pid);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `name:value` from an `INFO` reply.
fn field<'a>(info: &'a str, name: &str) -> Option<&'a str> {
    info.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
        .map(str::trim)
}

fn info_f64(c: &mut redis::Connection, section: &str, name: &str) -> f64 {
    redis::cmd("INFO")
        .arg(section)
        .query::<String>(c)
        .ok()
        .and_then(|i| field(&i, name).and_then(|v| v.parse().ok()))
        .unwrap_or(f64::NAN)
}

/// The server's CPU seconds so far: (user + system, system).
fn server_cpu(c: &mut redis::Connection) -> (f64, f64) {
    let sys = info_f64(c, "cpu", "used_cpu_sys");
    (info_f64(c, "cpu", "used_cpu_user") + sys, sys)
}

/// (calls, µs) of `SET` so far, from `INFO commandstats`.
fn set_stats(c: &mut redis::Connection) -> (f64, f64) {
    let info = redis::cmd("INFO")
        .arg("commandstats")
        .query::<String>(c)
        .unwrap_or_default();
    let line = field(&info, "cmdstat_set").unwrap_or("");
    let get = |k: &str| {
        line.split(',')
            .find_map(|kv| kv.strip_prefix(k)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    (get("calls"), get("usec"))
}

fn flush(c: &mut redis::Connection) {
    redis::cmd("FLUSHDB")
        .arg("SYNC")
        .query::<()>(c)
        .expect("FLUSHDB");
}

fn dbsize(c: &mut redis::Connection) -> i64 {
    redis::cmd("DBSIZE").query(c).expect("DBSIZE")
}

// ---------------------------------------------------------------------------------------------
// The timed runs

/// One timed run: validations that succeeded, failures by kind, wall seconds, CPUs busy.
struct Run {
    ok: u64,
    errors: BTreeMap<String, u64>,
    seconds: f64,
    cpus: f64,
    /// CPU seconds of this process during the run.
    cpu: f64,
    /// Of which in the kernel.
    sys: f64,
}

/// `threads` threads call `f` on `items` (each item once, claimed in chunks) until the items run
/// out or `secs` have passed. The wall time ends when the last thread stops.
fn run<T: Sync>(
    threads: usize,
    secs: f64,
    items: &[T],
    f: impl Fn(&T) -> hxjwt::Result<()> + Sync,
) -> Run {
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let finished = AtomicUsize::new(0);
    let (c0, s0, t0) = (cpu_seconds(), cpu_user_system().1, Instant::now());
    let per_thread: Vec<(u64, BTreeMap<String, u64>, Instant)> = std::thread::scope(|sc| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                sc.spawn(|| {
                    let (mut ok, mut errors) = (0u64, BTreeMap::new());
                    while !stop.load(Relaxed) {
                        let start = next.fetch_add(CHUNK, Relaxed);
                        if start >= items.len() {
                            break;
                        }
                        for item in &items[start..(start + CHUNK).min(items.len())] {
                            match f(item) {
                                Ok(()) => ok += 1,
                                Err(e) => {
                                    *errors.entry(format!("{:?}", e.kind())).or_insert(0) += 1
                                }
                            }
                        }
                    }
                    finished.fetch_add(1, Relaxed);
                    (ok, errors, Instant::now())
                })
            })
            .collect();
        let deadline = t0 + Duration::from_secs_f64(secs);
        while finished.load(Relaxed) < threads && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
        stop.store(true, Relaxed);
        handles
            .into_iter()
            .map(|h| h.join().expect("worker"))
            .collect()
    });
    let cpu = cpu_seconds() - c0;
    let end = per_thread.iter().map(|p| p.2).max().unwrap_or(t0);
    let seconds = (end - t0).as_secs_f64();
    let mut errors = BTreeMap::new();
    for (_, e, _) in &per_thread {
        for (k, n) in e {
            *errors.entry(k.clone()).or_insert(0) += n;
        }
    }
    Run {
        ok: per_thread.iter().map(|p| p.0).sum(),
        errors,
        seconds,
        cpus: cpu / t0.elapsed().as_secs_f64(),
        cpu,
        sys: cpu_user_system().1 - s0,
    }
}

/// `n` items made by `make(i)` on 2 threads (token creation is not what is measured).
fn make<T: Send>(n: usize, make: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let make = &make;
    std::thread::scope(|sc| {
        let halves: Vec<_> = [0..n / 2, n / 2..n]
            .into_iter()
            .map(|r| sc.spawn(move || r.map(make).collect::<Vec<T>>()))
            .collect();
        halves
            .into_iter()
            .flat_map(|h| h.join().expect("maker"))
            .collect()
    })
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Variant {
    None,
    Memory,
    Redis,
}

impl Variant {
    const ALL: [Variant; 3] = [Variant::None, Variant::Memory, Variant::Redis];
    fn name(self) -> &'static str {
        match self {
            Variant::None => "none",
            Variant::Memory => "memory",
            Variant::Redis => "redis",
        }
    }
}

/// Rounds of the three variants, rotated each round, at each thread count; `one(variant,
/// threads, secs)` empties the variant's store, runs, and returns the run. Returns the rows.
fn rounds(
    results: &mut Results,
    conn: &mut redis::Connection,
    proto: &str,
    op: &str,
    thread_counts: &[usize],
    secs: f64,
    mut one: impl FnMut(Variant, usize, f64, &mut redis::Connection) -> Run,
) {
    for round in 0..=ROUNDS {
        for &threads in thread_counts {
            for k in 0..3 {
                let variant = Variant::ALL[(round + k) % 3];
                if variant == Variant::Redis {
                    flush(conn);
                }
                // Round 0 is the warm-up (connections opened, key caches filled): not recorded.
                let secs = if round == 0 { secs / 4.0 } else { secs };
                let (cpu0, set0) = (server_cpu(conn), set_stats(conn));
                let r = one(variant, threads, secs, conn);
                if round == 0 {
                    continue;
                }
                let mut row = json!({"group": "fleet", "proto": proto, "op": op,
                    "impl": variant.name(), "threads": threads, "round": round,
                    "ops_per_s": r.ok as f64 / r.seconds, "validations": r.ok,
                    "seconds": r.seconds, "cpus_busy": r.cpus, "cpu_s": r.cpu, "sys_s": r.sys, "errors": r.errors});
                if variant == Variant::Redis {
                    let set1 = set_stats(conn);
                    row["redis_keys"] = dbsize(conn).into();
                    let cpu1 = server_cpu(conn);
                    row["redis_cpu_s"] = (cpu1.0 - cpu0.0).into();
                    row["redis_sys_s"] = (cpu1.1 - cpu0.1).into();
                    row["redis_set_calls"] = (set1.0 - set0.0).into();
                    row["redis_set_usec"] = (set1.1 - set0.1).into();
                }
                results.extra(row);
            }
        }
    }
}

fn redis_store(server: &Server) -> Arc<RedisReplayStore> {
    let store = RedisReplayStore::with_options(&server.url(), RedisOptions::default())
        .expect("a Redis store");
    store.ping().expect("the store reaches the server");
    Arc::new(store)
}

/// The HX1 rows; returns the tokens and Bob's endpoint on the Redis store.
fn hx1_throughput(
    results: &mut Results,
    server: &Server,
    conn: &mut redis::Connection,
    pool: usize,
    secs: f64,
) -> (Vec<String>, Endpoint) {
    let (a, b) = (
        Identity::generate("alice.service").expect("identity"),
        Identity::generate("bob.service").expect("identity"),
    );
    let dir = Arc::new(MemoryDirectory::new());
    dir.insert(a.machine_token());
    dir.insert(b.machine_token());
    let alice = Endpoint::new(a).with_shared_directory(dir.clone());
    let bob = |store: Option<Arc<dyn ReplayStore>>| {
        let mut e = Endpoint::new(b.clone()).with_shared_directory(dir.clone());
        e.set_replay_store(store);
        e
    };
    let none = bob(None);
    let mut memory = bob(Some(Arc::new(MemoryReplayStore::default())));
    let redis = bob(Some(redis_store(server)));
    let payload = vec![b'x'; 1024];
    let opts = CreateOptions::with_ttl(TOKEN_TTL);
    let t = Instant::now();
    let tokens = make(pool, |_| {
        alice
            .create("bob.service", &payload, &opts)
            .expect("create")
    });
    eprintln!(
        "  {pool} HX1 tokens made in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    rounds(
        results,
        conn,
        "hx1",
        "validate 1 KiB warm",
        &[1, 2],
        secs,
        |v, threads, secs, _| {
            let endpoint = match v {
                Variant::None => &none,
                Variant::Memory => {
                    memory.set_replay_store(Some(Arc::new(MemoryReplayStore::default())));
                    &memory
                }
                Variant::Redis => &redis,
            };
            run(threads, secs, &tokens, |t: &String| {
                black_box(endpoint.validate(t)?);
                Ok(())
            })
        },
    );
    (tokens, redis)
}

#[derive(Serialize, Deserialize)]
struct OneTime {
    sub: String,
    name: String,
    iat: i64,
    exp: i64,
    aud: String,
    iss: String,
    jti: String,
}

fn jws_validation() -> Validation {
    let mut v = Validation::new(&[Algorithm::HS256])
        .audience(&["api.example.com"])
        .issuer(&["https://login.example.com"]);
    v.leeway = 0;
    v
}

fn jws_throughput(
    results: &mut Results,
    server: &Server,
    conn: &mut redis::Connection,
    pool: usize,
    secs: f64,
) -> (Key, Vec<String>) {
    let key = Key::from_secret([0x5a; 32]).expect("secret");
    let header = Header::new(Algorithm::HS256);
    let now = unix_now();
    let seed = now as u64 ^ u64::from(std::process::id()) << 32;
    let tokens = make(pool, |i| {
        let claims = OneTime {
            sub: "user-7".into(),
            name: "Ada Lovelace".into(),
            iat: now - 60,
            exp: now + TOKEN_TTL as i64,
            aud: "api.example.com".into(),
            iss: "https://login.example.com".into(),
            // UUID-shaped, unique in this run.
            jti: format!(
                "{:08x}-{:04x}-4{:03x}-8000-{:012x}",
                seed >> 32,
                seed & 0xffff,
                (seed >> 16) & 0xfff,
                i
            ),
        };
        jws::encode(&header, &claims, &key).expect("encode")
    });
    let redis = redis_store(server);
    let plain = jws_validation();
    let with_redis = jws_validation().replay_store(redis);
    rounds(
        results,
        conn,
        "jws",
        "HS256 decode, one-time (jti)",
        &[1],
        secs,
        |v, threads, secs, _| {
            let validation = match v {
                Variant::None => plain.clone(),
                Variant::Memory => {
                    jws_validation().replay_store(Arc::new(MemoryReplayStore::default()))
                }
                Variant::Redis => with_redis.clone(),
            };
            run(threads, secs, &tokens, |t: &String| {
                black_box(jws::decode::<OneTime>(t, &key, &validation)?);
                Ok(())
            })
        },
    );
    (key, tokens)
}

// ---------------------------------------------------------------------------------------------
// Where the time goes

/// A fresh id per call, shaped like an HX1 token id (same length), without hashing.
struct Ids {
    buf: String,
    prefix: usize,
    n: u64,
}

impl Ids {
    fn new() -> Ids {
        let buf = String::from("hx1:bob.service:alice.service:t:");
        Ids {
            prefix: buf.len(),
            buf,
            n: 0,
        }
    }
    fn next(&mut self) -> &[u8] {
        self.n += 1;
        self.buf.truncate(self.prefix);
        let _ = write!(self.buf, "{:022}", self.n);
        self.buf.as_bytes()
    }
}

/// One piece timed alone: its name, who does it, and one call.
type Piece<'a> = (&'static str, &'static str, Box<dyn FnMut() + 'a>);

/// Times each piece in rounds (rotated, one untimed warm-up round), ~`secs` per piece per
/// round: the mean time per call of each round, then the allocations of 200 more calls.
fn interleaved(results: &mut Results, secs: f64, mut pieces: Vec<Piece<'_>>) {
    let n = pieces.len();
    let mut per_round: Vec<Vec<f64>> = vec![Vec::new(); n];
    for round in 0..=ROUNDS {
        for k in 0..n {
            let i = (round + k) % n;
            let f = &mut pieces[i].2;
            let budget = if round == 0 { secs / 4.0 } else { secs };
            let (t, mut calls) = (Instant::now(), 0u64);
            while t.elapsed().as_secs_f64() < budget {
                for _ in 0..16 {
                    f();
                }
                calls += 16;
            }
            if round > 0 {
                per_round[i].push(t.elapsed().as_nanos() as f64 / calls as f64);
            }
        }
    }
    for (i, (op, imp, f)) in pieces.iter_mut().enumerate() {
        Counting::start();
        for _ in 0..200 {
            f();
        }
        let (allocs, bytes, _) = Counting::stop();
        let rounds = &per_round[i];
        let mut sorted = rounds.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted[sorted.len() / 2];
        results.extra(json!({"group": "fleet-call", "op": op, "impl": imp,
            "median_ns": median, "p10_ns": sorted[0], "p90_ns": sorted[sorted.len() - 1],
            "rounds_ns": rounds, "allocs_per_op": allocs as f64 / 200.0,
            "bytes_per_op": bytes as f64 / 200.0}));
    }
}

fn call_rows(results: &mut Results, server: &Server, conn: &mut redis::Connection, key: &Key) {
    // Steady state rather than growth: 10 000 ids per simulated second, each expiring 10
    // simulated seconds later, so the stores hold ~100 000 live ids (Redis: 10 s real TTL).
    let clock = |n: u64| (n / 10_000) as i64;
    flush(conn);
    let memory = MemoryReplayStore::default();
    let redis = redis_store(server);
    let es = Key::generate(Algorithm::ES256).expect("an ES256 key");
    let timeout = Some(RedisOptions::default().command_timeout);
    let conns: Vec<std::cell::RefCell<redis::Connection>> = (0..4)
        .map(|_| server.connection().expect("a connection").into())
        .collect();
    let set = |key: &[u8]| {
        let mut cmd = redis::cmd("SET");
        cmd.arg(b"hxjwt:".iter().chain(key).copied().collect::<Vec<u8>>())
            .arg(1)
            .arg("NX")
            .arg("PX")
            .arg(10_000);
        cmd
    };
    let (mut m, mut r, mut s1, mut s2, mut s3) =
        (Ids::new(), Ids::new(), Ids::new(), Ids::new(), Ids::new());
    let pieces: Vec<Piece<'_>> = vec![
        (
            "check_and_insert (fresh id)",
            "MemoryReplayStore",
            Box::new(|| {
                let now = clock(m.n);
                memory
                    .check_and_insert(m.next(), now + 10, now)
                    .expect("memory store");
            }),
        ),
        (
            "check_and_insert (fresh id)",
            "RedisReplayStore",
            Box::new(|| {
                let now = clock(r.n);
                redis
                    .check_and_insert(r.next(), now + 10, now)
                    .expect("redis store");
            }),
        ),
        (
            "SET key 1 NX PX (fresh key)",
            "redis crate, 1 connection",
            Box::new(|| {
                let c = &mut *conns[0].borrow_mut();
                set(s1.next()).query::<redis::Value>(c).expect("SET");
            }),
        ),
        (
            "SET key 1 NX PX (fresh key)",
            "… + set_read/write_timeout",
            Box::new(|| {
                let c = &mut *conns[1].borrow_mut();
                c.set_read_timeout(timeout).expect("timeout");
                c.set_write_timeout(timeout).expect("timeout");
                set(s2.next()).query::<redis::Value>(c).expect("SET");
            }),
        ),
        (
            "SET key 1 NX PX (fresh key)",
            "… + as a pipeline of one",
            Box::new(|| {
                let c = &mut *conns[2].borrow_mut();
                c.set_read_timeout(timeout).expect("timeout");
                c.set_write_timeout(timeout).expect("timeout");
                let mut pipe = redis::pipe();
                pipe.add_command(set(s3.next()));
                pipe.query::<Vec<redis::Value>>(c).expect("SET");
            }),
        ),
        (
            "PING",
            "redis crate, 1 connection",
            Box::new(|| {
                let c = &mut *conns[3].borrow_mut();
                redis::cmd("PING").query::<redis::Value>(c).expect("PING");
            }),
        ),
        (
            "hx1_token_id (SHA-256 of the kid)",
            "hxjwt",
            Box::new(|| {
                black_box(store::hx1_token_id(
                    black_box("bob.service"),
                    black_box("alice.service"),
                    black_box(
                        "bW9yZSB0aGFuIDcyIGJ5dGVzIG9mIHdyYXBwZWQga2V5IG1hdGVyaWFsLCBiYXNlNjR1cmwtZW5jb2RlZCBoZXJlLi4u",
                    ),
                ));
            }),
        ),
        (
            "key thumbprint (each JWS decode with a store)",
            "HS256 key",
            Box::new(|| {
                black_box(black_box(key).thumbprint());
            }),
        ),
        (
            "key thumbprint (each JWS decode with a store)",
            "ES256 key",
            Box::new(|| {
                black_box(black_box(&es).thumbprint());
            }),
        ),
    ];
    interleaved(results, 0.3 * scale(), pieces);
    flush(conn);
}

// ---------------------------------------------------------------------------------------------
// Memory per token

fn memory_row(
    results: &mut Results,
    conn: &mut redis::Connection,
    proto: &str,
    n: usize,
    accept: impl FnOnce() -> Run,
) {
    flush(conn);
    std::thread::sleep(Duration::from_millis(100));
    let before = info_f64(conn, "memory", "used_memory");
    let rss_before = info_f64(conn, "memory", "used_memory_rss");
    let r = accept();
    let after = info_f64(conn, "memory", "used_memory");
    let rss_after = info_f64(conn, "memory", "used_memory_rss");
    let frag = info_f64(conn, "memory", "mem_fragmentation_ratio");
    let keys = dbsize(conn);
    let expires = redis::cmd("INFO")
        .arg("keyspace")
        .query::<String>(conn)
        .ok()
        .and_then(|i| {
            let db0 = field(&i, "db0")?.to_owned();
            db0.split(',')
                .find_map(|kv| kv.strip_prefix("expires=")?.parse::<i64>().ok())
        })
        .unwrap_or(-1);
    let sample = 1000.min(n);
    let (mut usage, mut key_len, mut counted) = (0i64, 0usize, 0usize);
    let mut ttl_ms = -1i64;
    for _ in 0..sample {
        let Ok(Some(key)) = redis::cmd("RANDOMKEY").query::<Option<Vec<u8>>>(conn) else {
            continue;
        };
        if let Ok(Some(bytes)) = redis::cmd("MEMORY")
            .arg("USAGE")
            .arg(&key)
            .arg("SAMPLES")
            .arg(0)
            .query::<Option<i64>>(conn)
        {
            usage += bytes;
            key_len += key.len();
            counted += 1;
        }
        if ttl_ms < 0 {
            ttl_ms = redis::cmd("PTTL").arg(&key).query(conn).unwrap_or(-1);
        }
    }
    let per = |x: f64| x / r.ok.max(1) as f64;
    results.extra(json!({"group": "fleet-memory", "proto": proto,
        "op": "Redis memory per accepted token", "impl": "RedisReplayStore", "tokens": r.ok,
        "errors": r.errors, "seconds": r.seconds, "keys": keys, "expires": expires,
        "used_memory_before": before, "used_memory_after": after,
        "bytes_per_token": per(after - before),
        "rss_bytes_per_token": per(rss_after - rss_before),
        "mem_fragmentation_ratio": frag,
        "sampled_keys": counted,
        "memory_usage_avg": usage as f64 / counted.max(1) as f64,
        "key_len_avg": key_len as f64 / counted.max(1) as f64,
        "sample_pttl_ms": ttl_ms, "token_ttl_s": TOKEN_TTL, "leeway_s": 0}));
    flush(conn);
}

// ---------------------------------------------------------------------------------------------

/// The fleet rows: throughput with each store, the store calls alone, and Redis's memory per
/// token. Without a `redis-server`, records why in the results' meta and measures nothing.
pub fn rows(results: &mut Results) {
    let s = scale();
    let secs = 0.5 * s;
    let hx1_pool = ((200_000.0 * s) as usize).clamp(20_000, 200_000);
    let jws_pool = ((500_000.0 * s) as usize).clamp(50_000, 500_000);
    let memory_n = ((100_000.0 * s) as usize).clamp(10_000, 100_000);
    let mut server = match Server::start() {
        Ok(server) => server,
        Err(e) => {
            eprintln!("  fleet rows skipped: {e}");
            results.meta("redis", json!({"error": e}));
            return;
        }
    };
    eprintln!(
        "  {} ({}{}) on 127.0.0.1:{}",
        server.origin.version,
        server.origin.path.display(),
        server
            .origin
            .package
            .as_deref()
            .map(|p| format!(", Debian package {p}"))
            .unwrap_or_default(),
        server.port
    );
    results.meta(
        "redis",
        json!({"version": server.origin.version,
        "path": server.origin.path.to_string_lossy(), "package": server.origin.package,
        "url": server.url(), "options": format!("{:?}", RedisOptions::default()),
        "transport": "TCP over loopback, same host", "rounds": ROUNDS, "run_seconds": secs,
        "hx1_tokens": hx1_pool, "jws_tokens": jws_pool, "token_ttl_s": TOKEN_TTL}),
    );
    let loadavg = || {
        std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split(' ').take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    };
    let load_before = loadavg();
    let mut conn = server.connection().expect("a connection to the server");
    let t = Instant::now();
    let (hx1_tokens, bob) = hx1_throughput(results, &server, &mut conn, hx1_pool, secs);
    let (key, jws_tokens) = jws_throughput(results, &server, &mut conn, jws_pool, secs);
    call_rows(results, &server, &mut conn, &key);
    // Memory: N tokens accepted into an empty database, on 2 threads (not timed).
    let n = memory_n.min(hx1_tokens.len());
    let redis = redis_store(&server);
    memory_row(results, &mut conn, "hx1", n, || {
        run(2, 600.0, &hx1_tokens[..n], |t: &String| {
            bob.validate(t).map(drop)
        })
    });
    let n = memory_n.min(jws_tokens.len());
    let v = jws_validation().replay_store(redis);
    memory_row(results, &mut conn, "jws", n, || {
        run(2, 600.0, &jws_tokens[..n], |t: &String| {
            jws::decode::<OneTime>(t, &key, &v).map(drop)
        })
    });
    drop(conn);
    server.stop();
    results.meta(
        "fleet_load",
        json!({"before": load_before, "after": loadavg(), "seconds": t.elapsed().as_secs_f64()}),
    );
    eprintln!("  fleet rows: {:.0} s", t.elapsed().as_secs_f64());
}
