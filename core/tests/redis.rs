//! The Redis stores against a real `redis-server` (issue 12): one token accepted once across
//! threads *and processes*, single-use refresh tokens under a race, the server stopped, restarted
//! and paused, TTLs as Redis itself reports them, namespacing, credentials, unix sockets.
//!
//! A test binary of its own (`harness = false`): it re-executes itself as the worker processes
//! of the multi-process tests (`HXJWT_FLEET_WORKER` set), and each test starts a private
//! `redis-server` on a free loopback port (tests/redis_support). Needs `redis-server` on PATH
//! (`make test` installs it) and the `redis` feature.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::many_single_char_names,
    clippy::doc_markdown,
    clippy::field_reassign_with_default,
    reason = "test code: a failure should panic loudly"
)]

mod redis_support;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use hxjwt::jws::helpers::TokenIssuer;
use hxjwt::jws::{self, Algorithm, Header, Key, Validation};
use hxjwt::store::redis::{RedisOptions, RedisReplayStore, RedisRevocationStore};
use hxjwt::store::{ReplayStore, RevocationStore};
use hxjwt::{CreateOptions, Endpoint, ErrorKind, Identity, MachineToken, Policy};
use redis_support::RedisServer;

const THREADS: usize = 8;
const PROCESSES: usize = 2;

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn fast_options() -> RedisOptions {
    let mut o = RedisOptions::default();
    o.connect_timeout = Duration::from_millis(300);
    o.command_timeout = Duration::from_millis(300);
    o
}

/// The bound on one call with `fast_options`: connect + command, with one retry on a fresh
/// connection inside the same deadline, plus generous scheduling slack for a loaded CI machine.
const CALL_BOUND: Duration = Duration::from_secs(3);

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hxjwt-fleet-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

// ---------------------------------------------------------------------------------------------
// Worker processes: `HXJWT_FLEET_WORKER=<mode>` and `HXJWT_FLEET_DIR=<dir>`; each prints one
// line per success: `ok <index>`, and `err <index> <Kind>` per failure.

fn worker(mode: &str, dir: &Path) {
    let url = std::fs::read_to_string(dir.join("url")).unwrap();
    let go_at: u64 = std::fs::read_to_string(dir.join("start"))
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    let lines: Vec<String> = std::fs::read_to_string(dir.join("tokens"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let results: Vec<(usize, Result<(), ErrorKind>)> = match mode {
        "hx1" => {
            let bob =
                Identity::from_jwk(&std::fs::read_to_string(dir.join("bob.jwk")).unwrap()).unwrap();
            let alice =
                MachineToken::from_jwk(&std::fs::read_to_string(dir.join("alice.pub")).unwrap())
                    .unwrap();
            let store = Arc::new(RedisReplayStore::with_options(&url, fast_options()).unwrap());
            let ep = Endpoint::new(bob).with_replay_store(store);
            race(&lines, go_at, |_, t| {
                ep.validate_from(t, &alice).map(drop).map_err(|e| e.kind())
            })
        }
        "jws" => {
            let key =
                Key::from_jwk(&std::fs::read_to_string(dir.join("verify.jwk")).unwrap()).unwrap();
            let store = Arc::new(RedisReplayStore::with_options(&url, fast_options()).unwrap());
            let v = Validation::new(&[Algorithm::ES256]).replay_store(store);
            race(&lines, go_at, |_, t| {
                jws::decode_bytes(t, &key, &v)
                    .map(drop)
                    .map_err(|e| e.kind())
            })
        }
        "refresh" => {
            let key =
                Key::from_jwk(&std::fs::read_to_string(dir.join("issuer.jwk")).unwrap()).unwrap();
            let store = Arc::new(RedisRevocationStore::with_options(&url, fast_options()).unwrap());
            let issuer = TokenIssuer::new(key, "https://login.example")
                .unwrap()
                .with_revocations(store);
            race(&lines, go_at, |_, t| {
                issuer.refresh(t).map(drop).map_err(|e| e.kind())
            })
        }
        other => panic!("unknown worker mode {other}"),
    };
    let mut out = std::io::stdout().lock();
    for (i, r) in results {
        match r {
            Ok(()) => writeln!(out, "ok {i}").unwrap(),
            Err(k) => writeln!(out, "err {i} {k}").unwrap(),
        }
    }
}

/// `THREADS` threads each try every item, starting at different offsets, all released at
/// once (at the wall-clock millisecond `go_at`, shared by the processes, when given).
fn race(
    items: &[String],
    go_at: u64,
    f: impl Fn(usize, &str) -> Result<(), ErrorKind> + Sync,
) -> Vec<(usize, Result<(), ErrorKind>)> {
    let barrier = Barrier::new(THREADS);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (f, barrier) = (&f, &barrier);
                s.spawn(move || {
                    barrier.wait();
                    let now_ms = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap()
                        .as_millis() as u64;
                    if go_at > now_ms {
                        std::thread::sleep(Duration::from_millis(go_at - now_ms));
                    }
                    let n = items.len();
                    (0..n)
                        .map(|k| {
                            let i = (k + t * n / THREADS) % n;
                            (i, f(i, &items[i]))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

/// Runs `PROCESSES` workers on `dir`; returns, per item, the successes and the failure kinds.
fn run_workers(mode: &str, dir: &Path, items: usize) -> (Vec<usize>, BTreeMap<String, usize>) {
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
        + 1500;
    std::fs::write(dir.join("start"), start.to_string()).unwrap();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            Command::new(&exe)
                .env("HXJWT_FLEET_WORKER", mode)
                .env("HXJWT_FLEET_DIR", dir)
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut successes = vec![0usize; items];
    let mut failures = BTreeMap::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "a worker failed: {:?}", out.status);
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            let parts: Vec<&str> = line.split(' ').collect();
            match parts.as_slice() {
                ["ok", i] => successes[i.parse::<usize>().unwrap()] += 1,
                ["err", _, kind] => *failures.entry((*kind).to_owned()).or_insert(0) += 1,
                _ => panic!("bad worker line {line}"),
            }
        }
    }
    (successes, failures)
}

// ---------------------------------------------------------------------------------------------
// The tests.

fn two_processes_accept_each_hx1_token_exactly_once() {
    let server = RedisServer::start(&[]);
    let dir = tmpdir("hx1");
    let alice = Identity::generate("alice.service").unwrap();
    let bob = Identity::generate("bob.service").unwrap();
    let a = Endpoint::new(alice.clone());
    let mut tokens = String::new();
    let n = 300;
    for i in 0..n {
        let mut opts = CreateOptions::with_ttl(600);
        // Every third token also carries a jti; two tokens share one jti, so only one of the
        // pair may be accepted.
        if i % 3 == 0 {
            opts.jti = Some(format!("req-{}", i / 6));
        }
        tokens.push_str(
            &a.create_for(&bob.machine_token(), format!("#{i}").as_bytes(), &opts)
                .unwrap(),
        );
        tokens.push('\n');
    }
    std::fs::write(dir.join("tokens"), tokens).unwrap();
    std::fs::write(dir.join("url"), server.url()).unwrap();
    std::fs::write(dir.join("bob.jwk"), bob.to_private_jwk().as_bytes()).unwrap();
    std::fs::write(dir.join("alice.pub"), alice.machine_token().to_jwk()).unwrap();
    let (successes, failures) = run_workers("hx1", &dir, n);
    for (i, s) in successes.iter().enumerate() {
        match i % 6 {
            // Tokens i and i + 3 share a jti: exactly one of the two is accepted, once.
            0 => assert_eq!(s + successes[i + 3], 1, "tokens {i} and {}", i + 3),
            3 => {}
            _ => assert_eq!(
                *s, 1,
                "token {i} accepted {s} times over {PROCESSES} processes"
            ),
        }
    }
    let accepted: usize = successes.iter().sum();
    assert_eq!(
        failures.keys().collect::<Vec<_>>(),
        vec!["Replayed"],
        "{failures:?}"
    );
    assert_eq!(
        accepted + failures["Replayed"],
        n * THREADS * PROCESSES,
        "every attempt either accepted or Replayed"
    );
    // The keys in Redis: namespaced by recipient and issuer, one per token and per jti.
    let mut c = server.connection();
    let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut c).unwrap();
    let tokens = keys
        .iter()
        .filter(|k| k.starts_with("hxjwt:hx1:bob.service:alice.service:t:"))
        .count();
    let jtis = keys
        .iter()
        .filter(|k| k.starts_with("hxjwt:hx1:bob.service:alice.service:j:"))
        .count();
    assert_eq!(
        (tokens, jtis, keys.len()),
        (n, n / 6, n + n / 6),
        "{keys:?}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

fn two_processes_accept_each_one_time_jws_exactly_once() {
    let server = RedisServer::start(&[]);
    let dir = tmpdir("jws");
    let key = Key::generate(Algorithm::ES256).unwrap();
    let n = 200;
    let exp = now() + 600;
    let mut tokens = String::new();
    for i in 0..n {
        let claims = format!(r#"{{"sub":"user-{i}","jti":"one-time-{i}","exp":{exp}}}"#);
        tokens.push_str(&jws::encode_json(&Header::new(Algorithm::ES256), &claims, &key).unwrap());
        tokens.push('\n');
    }
    std::fs::write(dir.join("tokens"), tokens).unwrap();
    std::fs::write(dir.join("url"), server.url()).unwrap();
    std::fs::write(
        dir.join("verify.jwk"),
        key.to_public_jwk().unwrap().to_string(),
    )
    .unwrap();
    let (successes, failures) = run_workers("jws", &dir, n);
    assert!(successes.iter().all(|s| *s == 1), "{successes:?}");
    assert_eq!(
        failures.get("Replayed"),
        Some(&(n * (THREADS * PROCESSES - 1)))
    );
    let mut c = server.connection();
    let thumb = key.thumbprint();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("hxjwt:jws:{thumb}:j:*"))
        .query(&mut c)
        .unwrap();
    assert_eq!(keys.len(), n);
    std::fs::remove_dir_all(dir).unwrap();
}

fn refresh_tokens_are_single_use_across_processes() {
    let server = RedisServer::start(&[]);
    let dir = tmpdir("refresh");
    let key = Key::generate(Algorithm::EdDSA).unwrap();
    let issuer = TokenIssuer::new(key.clone(), "https://login.example").unwrap();
    let n = 40;
    let mut tokens = String::new();
    for i in 0..n {
        tokens.push_str(
            &issuer
                .issue(&format!("user-{i}"), &serde_json::Map::new())
                .unwrap()
                .refresh_token,
        );
        tokens.push('\n');
    }
    std::fs::write(dir.join("tokens"), tokens).unwrap();
    std::fs::write(dir.join("url"), server.url()).unwrap();
    std::fs::write(dir.join("issuer.jwk"), key.to_private_jwk().as_bytes()).unwrap();
    let (successes, failures) = run_workers("refresh", &dir, n);
    assert!(
        successes.iter().all(|s| *s == 1),
        "each refresh token yields exactly one new pair over {} racers: {successes:?}",
        THREADS * PROCESSES
    );
    assert_eq!(
        failures.keys().collect::<Vec<_>>(),
        vec!["Revoked"],
        "{failures:?}"
    );
}

fn stopped_server_fails_closed_and_service_resumes_after_restart() {
    let mut server = RedisServer::start(&[]);
    let alice = Identity::generate("alice.service").unwrap();
    let bob = Identity::generate("bob.service").unwrap();
    let a = Endpoint::new(alice.clone());
    let store = Arc::new(RedisReplayStore::with_options(&server.url(), fast_options()).unwrap());
    let b = Endpoint::new(bob.clone()).with_replay_store(store.clone());
    let make = || {
        a.create_for(&bob.machine_token(), b"x", &CreateOptions::with_ttl(600))
            .unwrap()
    };
    let from = alice.machine_token();
    // Warm: several pooled connections.
    for _ in 0..5 {
        b.validate_from(&make(), &from).unwrap();
    }
    server.stop();
    for _ in 0..5 {
        let t = make();
        let started = Instant::now();
        let e = b.validate_from(&t, &from).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::StoreUnavailable, "{e}");
        assert!(started.elapsed() < CALL_BOUND, "{:?}", started.elapsed());
        assert!(
            e.to_string()
                .contains(&format!("127.0.0.1:{}", server.port)),
            "{e}"
        );
    }
    assert_eq!(
        store.ping().unwrap_err().kind(),
        ErrorKind::StoreUnavailable
    );
    server.restart();
    // The same store, without being told: the next call reconnects.
    let t = make();
    b.validate_from(&t, &from).unwrap();
    assert_eq!(
        b.validate_from(&t, &from).unwrap_err().kind(),
        ErrorKind::Replayed
    );
    store.ping().unwrap();
}

fn paused_server_bounds_every_call_then_recovers() {
    let server = RedisServer::start(&[]);
    let store = RedisReplayStore::with_options(&server.url(), fast_options()).unwrap();
    let t = now();
    assert!(store.check_and_insert(b"before", t + 60, t).unwrap());
    server.pause();
    // Calls on the pooled connection and on new ones (the kernel still accepts the TCP
    // connection of a stopped process; the reply never comes).
    let results: Vec<_> = std::thread::scope(|s| {
        (0..4)
            .map(|i| {
                let store = &store;
                s.spawn(move || {
                    let started = Instant::now();
                    let r = store.check_and_insert(format!("during-{i}").as_bytes(), t + 60, t);
                    (r, started.elapsed())
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect()
    });
    for (r, elapsed) in results {
        assert_eq!(r.unwrap_err().kind(), ErrorKind::StoreUnavailable);
        assert!(elapsed < CALL_BOUND, "{elapsed:?}");
    }
    server.resume();
    // The late replies went to connections that were dropped: the pool reads no stale answer.
    assert!(store.check_and_insert(b"after", t + 60, t).unwrap());
    assert!(!store.check_and_insert(b"before", t + 60, t).unwrap());
    assert!(!store.check_and_insert(b"after", t + 60, t).unwrap());
}

fn ttl_is_the_tokens_life_plus_leeway() {
    let server = RedisServer::start(&[]);
    let alice = Identity::generate("alice.service").unwrap();
    let bob = Identity::generate("bob.service").unwrap();
    let store = Arc::new(RedisReplayStore::new(&server.url()).unwrap());
    let mut policy = Policy::default();
    policy.leeway = 30;
    let b = Endpoint::new(bob.clone())
        .with_policy(policy)
        .with_replay_store(store.clone());
    let a = Endpoint::new(alice.clone());
    let t = a
        .create_for(&bob.machine_token(), b"x", &CreateOptions::with_ttl(60))
        .unwrap();
    let m = b.validate_from(&t, &alice.machine_token()).unwrap();
    let mut c = server.connection();
    let keys: Vec<String> = redis::cmd("KEYS").arg("hxjwt:*").query(&mut c).unwrap();
    assert_eq!(keys.len(), 1);
    let pttl: i64 = redis::cmd("PTTL").arg(&keys[0]).query(&mut c).unwrap();
    let expected = (m.expires_at() + 30 - now()) * 1000;
    assert!(
        pttl <= expected + 1000 && pttl > expected - 5000,
        "PTTL {pttl} ms, expected about {expected} ms (exp + leeway - now)"
    );
    // A token that expires in 1 s (no leeway): its key is gone from Redis once it has expired.
    let quick = Endpoint::new(bob.clone()).with_replay_store(store);
    let t = a
        .create_for(&bob.machine_token(), b"y", &CreateOptions::with_ttl(1))
        .unwrap();
    quick.validate_from(&t, &alice.machine_token()).unwrap();
    let keys: Vec<String> = redis::cmd("KEYS").arg("hxjwt:*").query(&mut c).unwrap();
    assert_eq!(keys.len(), 2);
    std::thread::sleep(Duration::from_millis(2500));
    let keys: Vec<String> = redis::cmd("KEYS").arg("hxjwt:*").query(&mut c).unwrap();
    assert_eq!(
        keys.len(),
        1,
        "the 1-second token's key expired in Redis: {keys:?}"
    );
}

fn prefixes_and_namespaces_keep_services_apart() {
    let server = RedisServer::start(&[]);
    let t = now();
    let one = RedisReplayStore::new(&format!("{}?prefix=billing:", server.url())).unwrap();
    let two = RedisReplayStore::new(&format!("{}/0?prefix=orders:", server.url())).unwrap();
    assert!(one.check_and_insert(b"id", t + 60, t).unwrap());
    assert!(
        two.check_and_insert(b"id", t + 60, t).unwrap(),
        "another prefix, another key"
    );
    assert!(!one.check_and_insert(b"id", t + 60, t).unwrap());
    assert_eq!(one.key_of(b"id"), b"billing:id");
    // Another database number is another keyspace.
    let db3 = RedisReplayStore::new(&format!("{}/3", server.url())).unwrap();
    let db4 = RedisReplayStore::new(&format!("{}/4", server.url())).unwrap();
    assert!(db3.check_and_insert(b"id", t + 60, t).unwrap());
    assert!(db4.check_and_insert(b"id", t + 60, t).unwrap());
    // check_and_insert_all: one round trip, every id recorded, the first seen reported.
    assert_eq!(
        one.check_and_insert_all(&[b"a", b"b"], t + 60, t).unwrap(),
        None
    );
    assert_eq!(
        one.check_and_insert_all(&[b"c", b"a"], t + 60, t).unwrap(),
        Some(1)
    );
    assert!(!one.check_and_insert(b"c", t + 60, t).unwrap());
    // Revocations: atomic, and visible to another client.
    let r1 = RedisRevocationStore::new(&server.url()).unwrap();
    let r2 = RedisRevocationStore::new(&server.url()).unwrap();
    assert!(!r2.is_revoked("jti-1", t).unwrap());
    assert!(r1.revoke("jti-1", t + 60, t).unwrap());
    assert!(
        !r2.revoke("jti-1", t + 60, t).unwrap(),
        "already revoked elsewhere"
    );
    assert!(r2.is_revoked("jti-1", t).unwrap());
}

fn credentials_acl_users_and_unix_sockets() {
    let dir = tmpdir("acl");
    let sock = dir.join("redis.sock");
    let acl = dir.join("users.acl");
    // Least privilege: the application's user may only SET/EXISTS/PING keys under its prefix.
    std::fs::write(
        &acl,
        "user default off\nuser app on >app-password ~hxjwt:* +set +exists +ping\nuser probe on >probe-pw ~* +@all\n",
    )
    .unwrap();
    let server = RedisServer::start(&[
        "--aclfile",
        acl.to_str().unwrap(),
        "--unixsocket",
        sock.to_str().unwrap(),
        "--unixsocketperm",
        "700",
    ]);
    let t = now();
    let good = RedisReplayStore::new(&format!(
        "redis://app:app-password@127.0.0.1:{}",
        server.port
    ))
    .unwrap();
    assert!(good.check_and_insert(b"x", t + 60, t).unwrap());
    assert!(!good.check_and_insert(b"x", t + 60, t).unwrap());
    let bad = RedisReplayStore::new(&format!(
        "redis://app:wrong-pw-zz@127.0.0.1:{}",
        server.port
    ))
    .unwrap();
    let e = bad.check_and_insert(b"y", t + 60, t).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::StoreUnavailable, "{e}");
    assert!(!e.to_string().contains("wrong-pw-zz"), "{e}");
    let anonymous = RedisReplayStore::new(&server.url()).unwrap();
    assert_eq!(
        anonymous
            .check_and_insert(b"z", t + 60, t)
            .unwrap_err()
            .kind(),
        ErrorKind::StoreUnavailable
    );
    // A prefix outside the user's key pattern: refused by the server, so the token is refused.
    let outside = RedisReplayStore::new(&format!(
        "redis://app:app-password@127.0.0.1:{}?prefix=other:",
        server.port
    ))
    .unwrap();
    assert_eq!(
        outside
            .check_and_insert(b"w", t + 60, t)
            .unwrap_err()
            .kind(),
        ErrorKind::StoreUnavailable
    );
    // The same keyspace over the unix socket.
    let unix = RedisReplayStore::new(&format!(
        "unix://{}?user=app&pass=app-password",
        sock.display()
    ))
    .unwrap();
    assert!(
        !unix.check_and_insert(b"x", t + 60, t).unwrap(),
        "seen over TCP, refused over the socket"
    );
    assert!(unix.check_and_insert(b"v", t + 60, t).unwrap());
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

fn pool_bounds_connections_and_waits() {
    // 16 threads on a pool of 2: callers beyond the pool wait for a connection (within the
    // time-out) rather than failing or opening more. (A child after fork() never reusing the
    // parent's sockets is tested from Python, whose multiprocessing forks: test_redis.py.)
    let server = RedisServer::start(&[]);
    let mut o = fast_options();
    o.max_connections = 2;
    o.command_timeout = Duration::from_secs(2);
    let store = RedisReplayStore::with_options(&server.url(), o).unwrap();
    let t = now();
    let ok = std::thread::scope(|s| {
        (0..16)
            .map(|i| {
                let store = &store;
                s.spawn(move || {
                    (0..50).all(|k| {
                        store
                            .check_and_insert(format!("{i}-{k}").as_bytes(), t + 60, t)
                            .unwrap()
                    })
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .all(|h| h.join().unwrap())
    });
    assert!(ok);
    let mut c = server.connection();
    let clients: String = redis::cmd("CLIENT").arg("LIST").query(&mut c).unwrap();
    assert!(
        clients.lines().count() <= 3,
        "at most 2 pooled + this one:\n{clients}"
    );
}

/// A CA and a server certificate for `localhost`, made by the openssl command-line tool.
fn test_pki(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=hxjwt test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign",
    ]);
    run(&[
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    (
        dir.join("ca.pem"),
        dir.join("server.pem"),
        dir.join("server.key"),
    )
}

fn rediss_with_a_private_ca() {
    let dir = tmpdir("tls");
    let (ca, cert, key) = test_pki(&dir);
    let server = RedisServer::start_tls(&cert, &key, &ca);
    let t = now();
    let url = format!("rediss://localhost:{}", server.port);
    let trusted =
        RedisReplayStore::with_options(&url, fast_options().with_ca_file(&ca).unwrap()).unwrap();
    trusted.ping().unwrap();
    assert!(trusted.check_and_insert(b"tls", t + 60, t).unwrap());
    assert!(!trusted.check_and_insert(b"tls", t + 60, t).unwrap());
    // The Web PKI roots do not know this CA: refused, fail closed.
    let untrusted = RedisReplayStore::with_options(&url, fast_options()).unwrap();
    let e = untrusted.check_and_insert(b"tls-2", t + 60, t).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::StoreUnavailable, "{e}");
    // The certificate names localhost, not 127.0.0.1: refused.
    let wrong_host = RedisReplayStore::with_options(
        &format!("rediss://127.0.0.1:{}", server.port),
        fast_options().with_ca_file(&ca).unwrap(),
    )
    .unwrap();
    assert_eq!(
        wrong_host.ping().unwrap_err().kind(),
        ErrorKind::StoreUnavailable
    );
    // Plain redis:// to a TLS port: refused too.
    let plain = RedisReplayStore::with_options(
        &format!("redis://127.0.0.1:{}", server.port),
        fast_options(),
    )
    .unwrap();
    assert_eq!(
        plain.ping().unwrap_err().kind(),
        ErrorKind::StoreUnavailable
    );
    // A CA file that holds no certificate is an argument error.
    let e = fast_options().with_ca_file(&key).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

fn main() {
    if let Ok(mode) = std::env::var("HXJWT_FLEET_WORKER") {
        let dir = PathBuf::from(std::env::var("HXJWT_FLEET_DIR").unwrap());
        worker(&mode, &dir);
        return;
    }
    let tests: &[(&str, fn())] = &[
        (
            "two_processes_accept_each_hx1_token_exactly_once",
            two_processes_accept_each_hx1_token_exactly_once,
        ),
        (
            "two_processes_accept_each_one_time_jws_exactly_once",
            two_processes_accept_each_one_time_jws_exactly_once,
        ),
        (
            "refresh_tokens_are_single_use_across_processes",
            refresh_tokens_are_single_use_across_processes,
        ),
        (
            "stopped_server_fails_closed_and_service_resumes_after_restart",
            stopped_server_fails_closed_and_service_resumes_after_restart,
        ),
        (
            "paused_server_bounds_every_call_then_recovers",
            paused_server_bounds_every_call_then_recovers,
        ),
        (
            "ttl_is_the_tokens_life_plus_leeway",
            ttl_is_the_tokens_life_plus_leeway,
        ),
        (
            "prefixes_and_namespaces_keep_services_apart",
            prefixes_and_namespaces_keep_services_apart,
        ),
        (
            "credentials_acl_users_and_unix_sockets",
            credentials_acl_users_and_unix_sockets,
        ),
        (
            "pool_bounds_connections_and_waits",
            pool_bounds_connections_and_waits,
        ),
        ("rediss_with_a_private_ca", rediss_with_a_private_ca),
    ];
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let (mut passed, mut failed) = (0, 0);
    for (name, f) in tests {
        if !filter.is_empty() && !filter.iter().any(|p| name.contains(p.as_str())) {
            continue;
        }
        let started = Instant::now();
        match std::panic::catch_unwind(f) {
            Ok(()) => {
                passed += 1;
                println!(
                    "test {name} ... ok ({:.1} s)",
                    started.elapsed().as_secs_f64()
                );
            }
            Err(_) => {
                failed += 1;
                println!("test {name} ... FAILED");
            }
        }
    }
    println!("\nredis: {passed} passed, {failed} failed");
    if failed > 0 {
        std::process::exit(1);
    }
}
