//! hxjwt's Rust face, timed: standard JWS (the same work as the jsonwebtoken peers), HX1 create
//! and validate (warm and cold pairwise-key cache, three payload sizes) next to the floor of the
//! primitives each operation cannot avoid, throughput on 1 and 2 threads sharing one Endpoint,
//! heap allocations per operation, the peak memory of 1 000 000 validations, and the cost of
//! replay protection across a fleet on Redis (`fleet.rs`), and JWE encrypt and decrypt against
//! the floor of their primitives (`jwe.rs`).
//!
//! `hxbench [results.json]`; `BENCH_SCALE=0.1` for a quick run. See bench/README.md.

mod fleet;
mod floor;
mod jwe;

use std::hint::black_box;
use std::sync::Arc;

use benchkit::{Counting, Results, key_path, max_rss_bytes, unix_now};
use hxjwt::jws::{self, Algorithm, Header, Key, KeyType, Validation};
use hxjwt::{CreateOptions, Endpoint, Identity, MemoryDirectory, Policy};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[global_allocator]
static ALLOC: Counting = Counting;

#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    name: String,
    iat: i64,
    exp: i64,
    aud: String,
    iss: String,
}

fn pem(file: &str) -> Key {
    Key::from_pem(&std::fs::read_to_string(key_path(file)).expect("test key")).expect("pem key")
}

fn jws_rows(results: &mut Results) {
    let now = unix_now();
    let claims = Claims {
        sub: "user-7".into(),
        name: "Ada Lovelace".into(),
        iat: now - 60,
        exp: now + 3600,
        aud: "api.example.com".into(),
        iss: "https://login.example.com".into(),
    };
    let cases = [
        (Algorithm::HS256, Key::from_secret([0x5a; 32]).expect("secret")),
        (Algorithm::ES256, pem("ec-P-256.pkcs8.pem")),
        (Algorithm::EdDSA, pem("ed25519.pkcs8.pem")),
        (Algorithm::RS256, pem("rsa2048.pkcs8.pem")),
    ];
    for (alg, key) in cases {
        let verifier = if key.key_type() == KeyType::Hmac {
            key.clone()
        } else {
            key.to_public().expect("public half")
        };
        let header = Header::new(alg);
        // The system clock, as jsonwebtoken's (which cannot be fixed); leeway 0 on both sides.
        let mut validation = Validation::new(&[alg])
            .audience(&["api.example.com"])
            .issuer(&["https://login.example.com"]);
        validation.leeway = 0;
        let name = format!("{alg}");
        results.time("jws", &format!("{name} encode"), "hxjwt", || {
            jws::encode(black_box(&header), black_box(&claims), &key).expect("encode")
        });
        let token = jws::encode(&header, &claims, &key).expect("encode");
        let checked = jws::decode::<Claims>(&token, &verifier, &validation).expect("decode");
        assert_eq!(checked.claims.sub, "user-7");
        results.time("jws", &format!("{name} decode"), "hxjwt", || {
            jws::decode::<Claims>(black_box(&token), &verifier, &validation).expect("decode")
        });
    }
}

/// Alice (sender) and Bob (recipient) endpoints on the system clock with a key cache of
/// `cache` peers (0: every call derives the pairwise key: X25519 + HKDF + AES key schedule).
fn endpoints(cache: usize) -> (Identity, Identity, Endpoint, Endpoint) {
    let (a, b) = (
        Identity::generate("alice.service").expect("identity"),
        Identity::generate("bob.service").expect("identity"),
    );
    let dir = Arc::new(MemoryDirectory::new());
    dir.insert(a.machine_token());
    dir.insert(b.machine_token());
    let policy = Policy {
        max_token_len: 1 << 20,
        ..Policy::default()
    };
    let ea = Endpoint::new(a.clone())
        .with_shared_directory(dir.clone())
        .with_key_cache_capacity(cache);
    let eb = Endpoint::new(b.clone())
        .with_shared_directory(dir)
        .with_policy(policy)
        .with_key_cache_capacity(cache);
    (a, b, ea, eb)
}

fn size_label(size: usize) -> String {
    if size >= 1024 {
        format!("{} KiB", size / 1024)
    } else {
        format!("{size} B")
    }
}

const SIZES: [usize; 3] = [100, 1024, 16 * 1024];

fn hx1_rows(results: &mut Results) {
    let opts = CreateOptions::with_ttl(24 * 3600);
    for (label, cache) in [("warm", hxjwt::hx1::DEFAULT_KEY_CACHE_CAPACITY), ("cold", 0)] {
        let (a, b, ea, eb) = endpoints(cache);
        let floor = floor::Floor::new(&a, &b);
        for size in SIZES {
            let payload = vec![b'x'; size];
            let op = format!("create {} {label}", size_label(size));
            results.time("hx1", &op, "hxjwt", || {
                ea.create(black_box("bob.service"), black_box(&payload), &opts)
                    .expect("create")
            });
            let cold = cache == 0;
            results.time("hx1", &op, "floor", || floor.create(black_box(&payload), cold));
            let token = ea.create("bob.service", &payload, &opts).expect("create");
            assert_eq!(eb.validate(&token).expect("validate").payload(), &payload[..]);
            assert_eq!(floor.validate(&token, false), payload, "the floor opens hxjwt's token");
            let op = format!("validate {} {label}", size_label(size));
            results.time("hx1", &op, "hxjwt", || {
                eb.validate(black_box(&token)).expect("validate")
            });
            results.time("hx1", &op, "floor", || floor.validate(black_box(&token), cold));
        }
    }
}

fn thread_rows(results: &mut Results) {
    let opts = CreateOptions::with_ttl(24 * 3600);
    let (_, _, ea, eb) = endpoints(hxjwt::hx1::DEFAULT_KEY_CACHE_CAPACITY);
    let payload = vec![b'x'; 1024];
    let tokens: Vec<String> = (0..64)
        .map(|_| ea.create("bob.service", &payload, &opts).expect("create"))
        .collect();
    let i = std::sync::atomic::AtomicUsize::new(0);
    let next = || &tokens[i.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % tokens.len()];
    for (op, threads) in [("validate 1 KiB warm", 1), ("validate 1 KiB warm", 2)] {
        let (ops, cpus) = benchkit::throughput(threads, 1.0, || eb.validate(next()).expect("validate"));
        results.extra(json!({"group": "threads", "op": op, "impl": "hxjwt", "threads": threads,
                             "ops_per_s": ops, "cpus_busy": cpus}));
    }
    for (op, threads) in [("create 1 KiB warm", 1), ("create 1 KiB warm", 2)] {
        let (ops, cpus) = benchkit::throughput(threads, 1.0, || {
            ea.create("bob.service", &payload, &opts).expect("create")
        });
        results.extra(json!({"group": "threads", "op": op, "impl": "hxjwt", "threads": threads,
                             "ops_per_s": ops, "cpus_busy": cpus}));
    }
}

fn memory_rows(results: &mut Results) {
    let opts = CreateOptions::with_ttl(24 * 3600);
    let (_, _, ea, eb) = endpoints(hxjwt::hx1::DEFAULT_KEY_CACHE_CAPACITY);
    let token = ea.create("bob.service", &vec![b'x'; 1024], &opts).expect("create");
    let n = ((1_000_000.0 * benchkit::scale()) as u64).clamp(1000, 1_000_000);
    let rss0 = max_rss_bytes();
    let t = std::time::Instant::now();
    Counting::start();
    for _ in 0..n {
        black_box(eb.validate(black_box(&token)).expect("validate"));
    }
    let (allocs, bytes, peak) = Counting::stop();
    let secs = t.elapsed().as_secs_f64();
    results.extra(json!({"group": "memory", "op": format!("{n} validations, 1 KiB warm"),
        "impl": "hxjwt", "validations": n, "seconds": secs,
        "peak_live_bytes": peak, "allocs_per_op": allocs as f64 / n as f64,
        "bytes_per_op": bytes as f64 / n as f64,
        "max_rss_before": rss0, "max_rss_after": max_rss_bytes()}));
}

fn main() {
    let mut results = Results::new("rust-hxjwt");
    results.meta("hxjwt", hxjwt::VERSION);
    results.meta("jws_backend", jws::BACKEND);
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let want = |s: &str| only.is_empty() || only.split(',').any(|o| o == s);
    if want("jws") {
        eprintln!("rust: hxjwt JWS");
        jws_rows(&mut results);
    }
    if want("hx1") {
        eprintln!("rust: hxjwt HX1 and its floor");
        hx1_rows(&mut results);
    }
    if want("threads") {
        eprintln!("rust: HX1 throughput, 1 and 2 threads");
        thread_rows(&mut results);
    }
    if want("memory") {
        eprintln!("rust: HX1 memory");
        memory_rows(&mut results);
    }
    if want("jwe") {
        eprintln!("rust: JWE (compact) encrypt and decrypt against the floor of their primitives");
        jwe::rows(&mut results);
    }
    if want("fleet") {
        eprintln!("rust: replay protection across a fleet (no store, memory, Redis on loopback)");
        fleet::rows(&mut results);
    }
    results.write();
}
