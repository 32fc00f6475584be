//! `hxjwt bench`: throughput of HX1 and HS256 on this machine, per operation and thread count.
//!
//! Each measurement shares one set of objects between its threads, as a service does: one
//! sending and one receiving HX1 endpoint (pairwise keys cached, warmed before timing), one
//! HS256 key and one `Validation`. Threads loop until the measurement's time is up; ops/s is
//! the operations completed over the wall time from start to the last thread's stop.

use std::fmt::Write as _;
use std::io::{IsTerminal as _, Write as _};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use clap::Args;
use hxjwt::jws::{self, Algorithm, Header, Key, Validation};
use hxjwt::{CreateOptions, Endpoint, Identity, MemoryDirectory};
use serde_json::{Value, json};

use crate::{Failure, usage};

#[derive(Args)]
pub(crate) struct BenchArgs {
    /// Total time to measure, split evenly between the measurements (each operation at each
    /// thread count): e.g. 5s, 500ms, 1m, or plain seconds.
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    duration: Duration,
    /// Thread counts to measure, comma-separated (e.g. 1,4). Defaults to the number of CPUs.
    #[arg(long, value_delimiter = ',', value_name = "N[,N…]")]
    threads: Vec<usize>,
    /// Size of the HX1 plaintext, in bytes.
    #[arg(long, default_value_t = 64, value_name = "BYTES")]
    payload_size: usize,
    /// Print the results as one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

/// The operations measured, in order.
const OPERATIONS: [&str; 4] = ["hx1-create", "hx1-validate", "hs256-encode", "hs256-decode"];
/// Tokens made before timing, which validate/decode go through in turn.
const POOL: usize = 64;
/// The progress bar's width, in characters.
const BAR_WIDTH: u32 = 30;
/// Below this per measurement, the numbers mean little.
const MIN_SLICE: Duration = Duration::from_millis(20);

fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let n: f64 = number
        .parse()
        .map_err(|_| format!("{s:?} is not a duration (e.g. 5s, 500ms, 1m)"))?;
    let seconds = match unit.trim() {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" | "min" => n * 60.0,
        _ => return Err(format!("unknown unit {unit:?} (use ms, s or m)")),
    };
    if !seconds.is_finite() || seconds <= 0.0 || seconds > 86_400.0 {
        return Err("the duration must be more than 0 and at most a day".to_owned());
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// What the threads of one measurement share.
struct Fixture {
    sender: Endpoint,
    receiver: Endpoint,
    payload: Vec<u8>,
    hx1_tokens: Vec<String>,
    key: Key,
    header: Header,
    claims: Value,
    validation: Validation,
    jws_tokens: Vec<String>,
}

impl Fixture {
    fn new(payload_size: usize) -> Result<Fixture, Failure> {
        let alice = Identity::generate("alice.bench")?;
        let bob = Identity::generate("bob.bench")?;
        let directory = Arc::new(MemoryDirectory::new());
        directory.insert(alice.machine_token());
        directory.insert(bob.machine_token());
        let sender = Endpoint::new(alice).with_shared_directory(directory.clone());
        let receiver = Endpoint::new(bob).with_shared_directory(directory);
        let payload: Vec<u8> = b"abcdefghijklmnopqrstuvwxyz"
            .iter()
            .copied()
            .cycle()
            .take(payload_size)
            .collect();
        // Also warms both pairwise-key caches.
        let hx1_tokens = (0..POOL)
            .map(|_| sender.create("bob.bench", &payload, &options()))
            .collect::<Result<Vec<_>, _>>()?;
        receiver.validate(hx1_tokens.first().map_or("", String::as_str))?;

        let key = Key::generate(Algorithm::HS256)?;
        let header = Header::new(Algorithm::HS256);
        let now = receiver.now();
        let claims = json!({
            "iss": "https://login.example", "sub": "user-7", "aud": "api",
            "iat": now, "exp": now + 86_400, "scope": "read write",
        });
        let validation = Validation::new(&[Algorithm::HS256])
            .audience(&["api"])
            .issuer(&["https://login.example"]);
        let jws_tokens = (0..POOL)
            .map(|_| jws::encode(&header, &claims, &key))
            .collect::<Result<Vec<_>, _>>()?;
        jws::decode_claims(
            jws_tokens.first().map_or("", String::as_str),
            &key,
            &validation,
        )?;
        Ok(Fixture {
            sender,
            receiver,
            payload,
            hx1_tokens,
            key,
            header,
            claims,
            validation,
            jws_tokens,
        })
    }

    /// One operation; `i` picks the token to validate or decode.
    fn run(&self, operation: &str, i: usize) -> Result<(), hxjwt::Error> {
        match operation {
            "hx1-create" => self
                .sender
                .create("bob.bench", &self.payload, &options())
                .map(drop),
            "hx1-validate" => {
                let token = self.hx1_tokens.get(i % POOL).map_or("", String::as_str);
                self.receiver.validate(token).map(drop)
            }
            "hs256-encode" => jws::encode(&self.header, &self.claims, &self.key).map(drop),
            _ => {
                let token = self.jws_tokens.get(i % POOL).map_or("", String::as_str);
                jws::decode_claims(token, &self.key, &self.validation).map(drop)
            }
        }
    }
}

fn options() -> CreateOptions {
    CreateOptions::with_ttl(86_400)
}

/// One row of the results.
struct Measured {
    operation: &'static str,
    threads: usize,
    ops: u64,
    seconds: f64,
}

impl Measured {
    fn ops_per_sec(&self) -> f64 {
        #[expect(clippy::cast_precision_loss, reason = "op counts stay far below 2^52")]
        let ops = self.ops as f64;
        ops / self.seconds.max(1e-9)
    }
}

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
struct Progress {
    on: bool,
    total: Duration,
    started: Instant,
}

impl Progress {
    fn new(total: Duration) -> Progress {
        Progress {
            on: std::io::stderr().is_terminal(),
            total,
            started: Instant::now(),
        }
    }

    fn draw(&self, label: &str) {
        if !self.on {
            return;
        }
        let done = (self.started.elapsed().as_secs_f64() / self.total.as_secs_f64()).min(1.0);
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "0 ≤ done ≤ 1"
        )]
        let filled = (done * f64::from(BAR_WIDTH)) as usize;
        let bar = format!(
            "{}{}",
            "#".repeat(filled),
            ".".repeat((BAR_WIDTH as usize).saturating_sub(filled))
        );
        let _ = write!(
            std::io::stderr(),
            "\r\x1b[2K[{bar}] {:3.0}% {label}",
            done * 100.0
        );
        let _ = std::io::stderr().flush();
    }

    fn clear(&self) {
        if self.on {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
            let _ = std::io::stderr().flush();
        }
    }
}

/// Runs `operation` on `threads` threads for `slice`.
fn measure(
    fixture: &Fixture,
    operation: &'static str,
    threads: usize,
    slice: Duration,
    progress: &Progress,
) -> Result<Measured, Failure> {
    let stop = AtomicBool::new(false);
    let ops = AtomicU64::new(0);
    let barrier = Barrier::new(threads + 1);
    let label = format!("{operation} × {threads}");
    let failure = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let (stop, ops, barrier) = (&stop, &ops, &barrier);
                s.spawn(move || -> Result<(), hxjwt::Error> {
                    barrier.wait();
                    let mut n: u64 = 0;
                    let mut i = t * 7;
                    while !stop.load(Ordering::Relaxed) {
                        fixture.run(operation, i)?;
                        n += 1;
                        i = i.wrapping_add(1);
                    }
                    ops.fetch_add(n, Ordering::Relaxed);
                    Ok(())
                })
            })
            .collect();
        barrier.wait();
        let started = Instant::now();
        while started.elapsed() < slice {
            progress.draw(&label);
            std::thread::sleep(
                (slice.saturating_sub(started.elapsed())).min(Duration::from_millis(100)),
            );
        }
        stop.store(true, Ordering::Relaxed);
        let mut failure = None;
        for w in workers {
            match w.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => failure = Some(e.to_string()),
                Err(_) => failure = Some("a benchmark thread panicked".to_owned()),
            }
        }
        Ok::<_, Failure>((failure, started.elapsed()))
    })?;
    let (failure, elapsed) = failure;
    if let Some(message) = failure {
        return Err(usage(format!("{operation} failed: {message}")));
    }
    Ok(Measured {
        operation,
        threads,
        ops: ops.into_inner(),
        seconds: elapsed.as_secs_f64(),
    })
}

pub(crate) fn run(args: &BenchArgs) -> Result<(), Failure> {
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let thread_counts = if args.threads.is_empty() {
        vec![cpus]
    } else {
        args.threads.clone()
    };
    if thread_counts.iter().any(|&t| t == 0 || t > 1024) {
        return Err(usage("--threads: each count must be 1 to 1024"));
    }
    if args.payload_size > 1 << 20 {
        return Err(usage("--payload-size: at most 1 MiB"));
    }
    let measurements = u32::try_from(OPERATIONS.len() * thread_counts.len()).unwrap_or(u32::MAX);
    let slice = args.duration / measurements;
    if slice < MIN_SLICE {
        return Err(usage(format!(
            "--duration: at least {} ms for {measurements} measurements",
            MIN_SLICE.as_millis() * u128::from(measurements)
        )));
    }
    if cfg!(debug_assertions) && !args.json {
        eprintln!(
            "note: a debug build; for real numbers use a release build (cargo run --release)"
        );
    }

    let fixture = Fixture::new(args.payload_size)?;
    let progress = Progress::new(args.duration);
    let mut results = Vec::new();
    for &threads in &thread_counts {
        for operation in OPERATIONS {
            results.push(measure(&fixture, operation, threads, slice, &progress)?);
        }
    }
    progress.clear();

    let out = if args.json {
        json_report(args, cpus, &results)
    } else {
        table(args, cpus, &results)
    };
    println!("{out}");
    Ok(())
}

fn json_report(args: &BenchArgs, cpus: usize, results: &[Measured]) -> String {
    let rows: Vec<Value> = results
        .iter()
        .map(|m| {
            #[expect(clippy::cast_precision_loss, reason = "thread counts are small")]
            let per_thread = m.ops_per_sec() / m.threads as f64;
            json!({
                "operation": m.operation,
                "threads": m.threads,
                "ops": m.ops,
                "seconds": m.seconds,
                "ops_per_sec": m.ops_per_sec(),
                "ops_per_sec_per_thread": per_thread,
            })
        })
        .collect();
    json!({
        "version": hxjwt::VERSION,
        "debug_build": cfg!(debug_assertions),
        "cpus": cpus,
        "duration_seconds": args.duration.as_secs_f64(),
        "hx1_payload_bytes": args.payload_size,
        "results": rows,
    })
    .to_string()
}

fn table(args: &BenchArgs, cpus: usize, results: &[Measured]) -> String {
    let mut out = format!(
        "hxjwt {} bench: {cpus} CPUs, {:.1} s, HX1 payload {} bytes\n",
        hxjwt::VERSION,
        args.duration.as_secs_f64(),
        args.payload_size
    );
    let _ = writeln!(
        out,
        "{:<14} {:>7} {:>12} {:>12}",
        "operation", "threads", "ops/s", "ops/s/thread"
    );
    for m in results {
        #[expect(clippy::cast_precision_loss, reason = "thread counts are small")]
        let per_thread = m.ops_per_sec() / m.threads as f64;
        let _ = writeln!(
            out,
            "{:<14} {:>7} {:>12.0} {:>12.0}",
            m.operation,
            m.threads,
            m.ops_per_sec(),
            per_thread
        );
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        for bad in ["", "0s", "-1s", "5h", "s", "1e9"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
