//! Concurrency stress tests (issue 7, item 5): several threads share one `Endpoint`, one replay
//! store, one directory and one JWS `KeySet`, and every result is checked — each valid token
//! validates with its own payload, each token is accepted exactly once under replay protection,
//! and the counts add up. The pairwise-key cache is kept smaller than the number of peers so
//! that it churns (evictions racing lookups), and keys rotate while tokens fly.
//!
//! These run in plain `cargo test`, and under `ThreadSanitizer` in `make tsan-test`
//! (mk/sanitize.mk). `HXJWT_STRESS=N` multiplies the rounds (default 1).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    reason = "test code: a failure should panic loudly"
)]

use std::collections::HashSet;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex, RwLock};
use std::thread;

use hxjwt::jws::{self, Algorithm, Header, Key, KeySet, Validation};
use hxjwt::{
    CreateOptions, Endpoint, ErrorKind, FixedClock, Identity, MachineToken, MemoryDirectory,
    MemoryReplayStore,
};
use serde_json::json;

const T0: i64 = 1_767_225_600;
const THREADS: usize = 4;

/// Rounds scaled by `HXJWT_STRESS` (a positive integer; default 1).
fn rounds(base: usize) -> usize {
    let scale = std::env::var("HXJWT_STRESS")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    base * scale
}

fn opts() -> CreateOptions {
    CreateOptions::with_ttl(600)
}

/// Runs `f(thread_index)` on `n` threads that start together; returns their results in order.
fn run<R: Send>(n: usize, f: impl Fn(usize) -> R + Sync) -> Vec<R> {
    let barrier = Barrier::new(n);
    thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let (f, barrier) = (&f, &barrier);
                s.spawn(move || {
                    barrier.wait();
                    f(i)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// A hub and `peers` senders in one directory; every endpoint's pairwise-key cache holds
/// `cache` peers.
struct Fleet {
    directory: Arc<MemoryDirectory>,
    hub: Endpoint,
    peers: Vec<Endpoint>,
}

fn fleet(peers: usize, cache: usize) -> Fleet {
    let directory = Arc::new(MemoryDirectory::new());
    let hub_id = Identity::generate("hub.service").unwrap();
    directory.insert(hub_id.machine_token());
    let hub = Endpoint::new(hub_id)
        .with_shared_directory(directory.clone())
        .with_clock(FixedClock(T0))
        .with_key_cache_capacity(cache);
    let peers = (0..peers)
        .map(|i| {
            let id = Identity::generate(&format!("peer-{i}.service")).unwrap();
            directory.insert(id.machine_token());
            Endpoint::new(id)
                .with_shared_directory(directory.clone())
                .with_clock(FixedClock(T0))
                .with_key_cache_capacity(cache)
        })
        .collect();
    Fleet {
        directory,
        hub,
        peers,
    }
}

/// Many senders, one shared receiving endpoint whose cache holds 3 of 24 peers: every token
/// validates with its own payload and issuer, in both directions, while entries are evicted
/// and re-derived on every thread. Impostors (same name, another key) and misaddressed tokens
/// keep failing with the right kind, so an evicted or racing cache entry never serves the wrong
/// key.
#[test]
fn shared_endpoint_with_a_cache_smaller_than_the_fleet() {
    let f = fleet(24, 3);
    let impostor = Endpoint::new(Identity::generate("peer-5.service").unwrap())
        .with_clock(FixedClock(T0))
        .with_key_cache_capacity(1);
    let hub_token = f.hub.identity().machine_token();
    let per_thread = rounds(30);
    let counts = run(THREADS, |t| {
        let (mut ok, mut refused) = (0usize, 0usize);
        for r in 0..per_thread {
            // Threads walk the fleet in different orders, so that they evict each other's keys.
            let p = (r * (t + 1) * 7 + t) % f.peers.len();
            let peer = &f.peers[p];
            let name = format!("peer-{p}.service");
            let payload = format!(r#"{{"t":{t},"r":{r},"p":{p}}}"#);

            // peer → hub, validated by the shared hub in directory mode.
            let token = peer
                .create("hub.service", payload.as_bytes(), &opts())
                .unwrap();
            let msg = f.hub.validate(&token).unwrap();
            assert_eq!((msg.issuer(), msg.payload()), (&*name, payload.as_bytes()));
            ok += 1;

            // hub → peer (the hub's outgoing cache entries churn too), validated by the peer,
            // which is itself shared by every thread.
            let back = f.hub.create(&name, payload.as_bytes(), &opts()).unwrap();
            let msg = peer
                .validate_from(&back, &f.hub.identity().machine_token())
                .unwrap();
            assert_eq!(msg.payload(), payload.as_bytes());
            ok += 1;

            // A token for the hub shown to another peer: wrong audience.
            let other = &f.peers[(p + 1) % f.peers.len()];
            assert_eq!(
                other.validate(&token).unwrap_err().kind(),
                ErrorKind::WrongAudience
            );
            refused += 1;

            // Somebody else calling itself peer-5 (not in the directory): the hub must use
            // peer-5's real key, cached or not, and refuse the token.
            let forged = impostor
                .create_for(&hub_token, payload.as_bytes(), &opts())
                .unwrap();
            assert_eq!(
                f.hub.validate(&forged).unwrap_err().kind(),
                ErrorKind::InvalidSignature
            );
            refused += 1;

            // The sender's machine token given explicitly, but someone else's.
            assert_eq!(
                f.hub
                    .validate_from(&token, &other.identity().machine_token())
                    .unwrap_err()
                    .kind(),
                ErrorKind::IssuerMismatch
            );
            refused += 1;
        }
        (ok, refused)
    });
    let ok: usize = counts.iter().map(|c| c.0).sum();
    let refused: usize = counts.iter().map(|c| c.1).sum();
    assert_eq!(ok, THREADS * per_thread * 2);
    assert_eq!(refused, THREADS * per_thread * 3);
    assert_eq!(f.directory.len(), 25);
}

/// The same with the cache off and with a cache of exactly one entry: the extreme sizes.
#[test]
fn cache_off_and_cache_of_one_under_contention() {
    for cache in [0, 1] {
        let f = fleet(6, cache);
        let per_thread = rounds(12);
        let ok = run(THREADS, |t| {
            let mut ok = 0usize;
            for r in 0..per_thread {
                let p = (r + t) % f.peers.len();
                let payload = [t as u8, r as u8, p as u8];
                let token = f.peers[p].create("hub.service", &payload, &opts()).unwrap();
                assert_eq!(f.hub.validate(&token).unwrap().payload(), payload);
                ok += 1;
            }
            ok
        });
        assert_eq!(
            ok.iter().sum::<usize>(),
            THREADS * per_thread,
            "cache {cache}"
        );
    }
}

/// Every thread validates every token of a batch at once, on two endpoints of the same
/// identity that share one replay store (a fleet behind a load balancer): each token is
/// accepted exactly once, every other attempt is `Replayed`, and the store holds the batch.
#[test]
fn shared_replay_store_accepts_each_token_exactly_once() {
    let f = fleet(4, 2);
    let store = Arc::new(MemoryReplayStore::new(10_000));
    let hub_id = Identity::from_jwk(&f.hub.identity().to_private_jwk()).unwrap();
    let replica = |id: Identity| {
        Endpoint::new(id)
            .with_shared_directory(f.directory.clone())
            .with_clock(FixedClock(T0))
            .with_key_cache_capacity(2)
            .with_replay_store(store.clone())
    };
    let hubs = [
        replica(hub_id),
        replica(Identity::from_jwk(&f.hub.identity().to_private_jwk()).unwrap()),
    ];
    let n = rounds(40);
    let tokens: Vec<String> = (0..n)
        .map(|i| {
            f.peers[i % 4]
                .create("hub.service", &i.to_be_bytes(), &opts())
                .unwrap()
        })
        .collect();
    let accepted: Vec<AtomicUsize> = (0..n).map(|_| AtomicUsize::new(0)).collect();
    let replayed = AtomicUsize::new(0);
    run(THREADS, |t| {
        for k in 0..n {
            // Thread t starts at a different token and walks the other way every other thread.
            let i = if t % 2 == 0 {
                (k + t) % n
            } else {
                (n - k + t) % n
            };
            match hubs[(k + t) % 2].validate(&tokens[i]) {
                Ok(msg) => {
                    assert_eq!(msg.payload(), i.to_be_bytes());
                    accepted[i].fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => {
                    assert_eq!(e.kind(), ErrorKind::Replayed, "{e}");
                    replayed.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    });
    for (i, a) in accepted.iter().enumerate() {
        assert_eq!(a.load(Ordering::Relaxed), 1, "token {i}");
    }
    assert_eq!(replayed.load(Ordering::Relaxed), n * (THREADS - 1));
    assert_eq!(store.len(), n);
}

/// Concurrent create and validate with replay protection on: each thread makes its own tokens
/// and validates each twice (the second time `Replayed`), and also races the other threads for
/// one shared token per round.
#[test]
fn create_and_validate_with_replay_protection_on_every_thread() {
    let f = fleet(THREADS, 2);
    let store = Arc::new(MemoryReplayStore::new(100_000));
    let hub = Endpoint::new(Identity::from_jwk(&f.hub.identity().to_private_jwk()).unwrap())
        .with_shared_directory(f.directory.clone())
        .with_clock(FixedClock(T0))
        .with_key_cache_capacity(1)
        .with_replay_store(store.clone());
    let per_thread = rounds(15);
    let shared: Vec<String> = (0..per_thread)
        .map(|r| {
            f.peers[r % THREADS]
                .create("hub.service", b"race", &opts())
                .unwrap()
        })
        .collect();
    let race_wins = AtomicUsize::new(0);
    let barrier = Barrier::new(THREADS);
    run(THREADS, |t| {
        for (r, race) in shared.iter().enumerate() {
            let token = f.peers[t]
                .create("hub.service", format!("{t}/{r}").as_bytes(), &opts())
                .unwrap();
            assert_eq!(
                hub.validate(&token).unwrap().payload(),
                format!("{t}/{r}").as_bytes()
            );
            assert_eq!(
                hub.validate(&token).unwrap_err().kind(),
                ErrorKind::Replayed
            );
            barrier.wait();
            match hub.validate(race) {
                Ok(_) => {
                    race_wins.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => assert_eq!(e.kind(), ErrorKind::Replayed),
            }
        }
    });
    assert_eq!(race_wins.load(Ordering::Relaxed), per_thread);
    assert_eq!(store.len(), per_thread * (THREADS + 1));
}

/// A replay store smaller than the traffic fails closed under contention: exactly `capacity`
/// tokens are accepted, every other one is refused, none twice.
#[test]
fn full_replay_store_fails_closed_under_contention() {
    let f = fleet(2, 2);
    let capacity = rounds(16);
    let store = Arc::new(MemoryReplayStore::new(capacity));
    let hub = Endpoint::new(Identity::from_jwk(&f.hub.identity().to_private_jwk()).unwrap())
        .with_shared_directory(f.directory.clone())
        .with_clock(FixedClock(T0))
        .with_replay_store(store.clone());
    let tokens: Vec<String> = (0..capacity * 2)
        .map(|i| {
            f.peers[i % 2]
                .create("hub.service", &i.to_be_bytes(), &opts())
                .unwrap()
        })
        .collect();
    let accepted = Mutex::new(Vec::new());
    let refused = AtomicUsize::new(0);
    run(THREADS, |t| {
        for i in (t..tokens.len()).step_by(THREADS / 2) {
            match hub.validate(&tokens[i]) {
                Ok(_) => accepted.lock().unwrap().push(i),
                Err(e) => {
                    assert_eq!(e.kind(), ErrorKind::Replayed);
                    refused.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    });
    let accepted = accepted.into_inner().unwrap();
    let distinct: HashSet<_> = accepted.iter().collect();
    assert_eq!(
        accepted.len(),
        capacity,
        "exactly as many as the store holds"
    );
    assert_eq!(distinct.len(), capacity, "none accepted twice");
    let attempts: usize = (0..THREADS)
        .map(|t| (t..tokens.len()).step_by(THREADS / 2).count())
        .sum();
    assert_eq!(accepted.len() + refused.load(Ordering::Relaxed), attempts);
    assert_eq!(store.len(), capacity);
}

/// Tokens expire while threads validate them: the store forgets expired entries while others
/// insert (the clock is shared and moves forward), and expired tokens fail `Expired`, never
/// `Replayed` nor accepted.
#[test]
fn replay_store_forgets_expired_tokens_while_threads_validate() {
    let f = fleet(2, 4);
    let now = Arc::new(AtomicI64::new(T0));
    let clock = {
        let now = now.clone();
        move || now.load(Ordering::SeqCst)
    };
    let store = Arc::new(MemoryReplayStore::new(100_000));
    let hub = Endpoint::new(Identity::from_jwk(&f.hub.identity().to_private_jwk()).unwrap())
        .with_shared_directory(f.directory.clone())
        .with_clock(clock)
        .with_replay_store(store.clone());
    let per_thread = rounds(20);
    // Token i lives from T0 to T0 + 1 + i.
    let tokens: Vec<Vec<String>> = (0..THREADS)
        .map(|t| {
            (0..per_thread)
                .map(|i| {
                    f.peers[t % 2]
                        .create("hub.service", b"x", &CreateOptions::with_ttl(1 + i as u64))
                        .unwrap()
                })
                .collect()
        })
        .collect();
    let barrier = Barrier::new(THREADS);
    run(THREADS, |t| {
        for (i, token) in tokens[t].iter().enumerate() {
            // Everyone validates at the same instant; thread 0 then moves the clock on.
            barrier.wait();
            let at = now.load(Ordering::SeqCst);
            // Token i expires at T0 + 1 + i, which is after `at` = T0 + i.
            assert_eq!(at, T0 + i as i64);
            hub.validate(token).unwrap();
            assert_eq!(hub.validate(token).unwrap_err().kind(), ErrorKind::Replayed);
            barrier.wait();
            if t == 0 {
                now.store(T0 + i as i64 + 2, Ordering::SeqCst);
            }
            barrier.wait();
            assert_eq!(hub.validate(token).unwrap_err().kind(), ErrorKind::Expired);
            barrier.wait();
            if t == 0 {
                now.store(T0 + i as i64 + 1, Ordering::SeqCst);
            }
        }
    });
    // The last inserts forgot every token that had expired by then: only the last two rounds'
    // are left.
    assert!(
        store.len() <= 2 * THREADS,
        "store kept {} entries",
        store.len()
    );
}

/// Keys rotate while tokens fly: the senders' keys rotate in the shared directory
/// (`rotate_in`, then `retire` two generations later) and the hub rotates its own key
/// (`rotate_identity`, keeping the previous ones for receiving), each under a write lock that
/// the workers hold for reading across one create + validate — the way the C ABI and the
/// Python module share an endpoint. Every token validates, and at the end a token sealed to a
/// retired key is refused.
#[test]
fn rotation_while_threads_create_and_validate() {
    struct State {
        sender: Endpoint,
        retiring: Vec<MachineToken>,
    }
    let directory = Arc::new(MemoryDirectory::new());
    let new_sender = || {
        let id = Identity::generate("rot.service").unwrap();
        directory.rotate_in(id.machine_token());
        Endpoint::new(id)
            .with_shared_directory(directory.clone())
            .with_clock(FixedClock(T0))
            .with_key_cache_capacity(2)
    };
    let hub_id = Identity::generate("hub.service").unwrap();
    let first_hub_token = hub_id.machine_token();
    directory.insert(hub_id.machine_token());
    let hub = RwLock::new(
        Endpoint::new(hub_id)
            .with_shared_directory(directory.clone())
            .with_clock(FixedClock(T0))
            .with_key_cache_capacity(2),
    );
    let first = new_sender();
    let old_token = first.create_for(&first_hub_token, b"old", &opts()).unwrap();
    let state = RwLock::new(State {
        retiring: vec![first.identity().machine_token()],
        sender: first,
    });
    let per_thread = rounds(20);
    let rotations = AtomicUsize::new(0);
    let validated = AtomicUsize::new(0);
    run(THREADS, |t| {
        for r in 0..per_thread {
            if t == 0 && r % 4 == 3 {
                // The rotator: a new sender key (the old ones stay until retired) and a new
                // hub key (the hub keeps two previous ones).
                let mut s = state.write().unwrap();
                s.sender = new_sender();
                let fresh = s.sender.identity().machine_token();
                s.retiring.insert(0, fresh);
                if s.retiring.len() > 3 {
                    let gone = s.retiring.pop().unwrap();
                    assert!(directory.retire(&gone));
                }
                let next = Identity::generate("hub.service").unwrap();
                directory.insert(next.machine_token());
                hub.write().unwrap().rotate_identity(next);
                rotations.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            let s = state.read().unwrap();
            let payload = format!("{t}/{r}");
            let token = s
                .sender
                .create("hub.service", payload.as_bytes(), &opts())
                .unwrap();
            let hub = hub.read().unwrap();
            assert_eq!(hub.validate(&token).unwrap().payload(), payload.as_bytes());
            validated.fetch_add(1, Ordering::Relaxed);
        }
    });
    let rotations = rotations.into_inner();
    assert_eq!(rotations, per_thread / 4);
    assert_eq!(
        validated.into_inner(),
        THREADS * per_thread - rotations,
        "every token validated"
    );
    // The first hub key is long gone (the hub keeps two previous ones), as is the first sender
    // key: the first token is refused.
    let hub = hub.into_inner().unwrap();
    assert!(hub.previous_identities().len() <= 2);
    assert!(hub.validate(&old_token).is_err());
}

/// One `KeySet` (several HS256 keys, selected by `kid`) and one `Validation` shared by every
/// thread: tokens signed by any key of the set verify with their own claims; tokens signed by
/// a key outside the set, or carrying a `kid` of the set but another key's signature, fail.
#[test]
fn shared_keyset_under_concurrent_encode_and_decode() {
    let keys: Vec<Key> = (0..5u8)
        .map(|i| {
            Key::from_secret([i + 1; 32])
                .unwrap()
                .with_kid(format!("k{i}"))
        })
        .collect();
    let set = Arc::new(KeySet::from_keys(keys.clone()));
    let stranger = Key::from_secret([99u8; 32]).unwrap().with_kid("k9");
    let liar = Key::from_secret([98u8; 32]).unwrap().with_kid("k2");
    let v = Validation::new(&[Algorithm::HS256])
        .audience(&["api"])
        .clock(FixedClock(T0));
    let per_thread = rounds(100);
    let counts = run(THREADS, |t| {
        let (mut ok, mut refused) = (0usize, 0usize);
        for r in 0..per_thread {
            let k = &keys[(r + t) % keys.len()];
            let mut header = Header::new(Algorithm::HS256);
            header.kid = k.kid().map(str::to_owned);
            let claims = json!({"sub": format!("{t}/{r}"), "aud": "api", "exp": T0 + 60});
            let token = jws::encode(&header, &claims, k).unwrap();
            let got = jws::decode::<serde_json::Value>(&token, &set, &v).unwrap();
            assert_eq!(got.claims, claims);
            ok += 1;
            for bad in [&stranger, &liar] {
                let mut header = Header::new(Algorithm::HS256);
                header.kid = bad.kid().map(str::to_owned);
                let token = jws::encode(&header, &claims, bad).unwrap();
                let e = jws::decode::<serde_json::Value>(&token, &set, &v).unwrap_err();
                assert!(
                    matches!(
                        e.kind(),
                        ErrorKind::KeyNotFound | ErrorKind::InvalidSignature
                    ),
                    "{e}"
                );
                refused += 1;
            }
        }
        (ok, refused)
    });
    assert_eq!(
        counts.iter().map(|c| c.0).sum::<usize>(),
        THREADS * per_thread
    );
    assert_eq!(
        counts.iter().map(|c| c.1).sum::<usize>(),
        THREADS * per_thread * 2
    );
}

/// Every key computes something on first use and keeps it (an HMAC key its keyed hash states, an
/// RSA key its parsed form per algorithm, a JWS key its replay namespace, an endpoint its
/// ECDH-1PU keys). Here that first use happens on every thread at once, on fresh keys, round after
/// round: each thread must get the right answer, and under `ThreadSanitizer` the one-time
/// initialization must be seen to happen before every use (the cells are `once_cell`'s, whose
/// synchronization is compiled with our code; std's `OnceLock` publishes its value inside
/// uninstrumented std, and `ThreadSanitizer` reported the readers of a fresh HMAC state as racing).
#[test]
fn first_use_of_fresh_keys_on_every_thread_at_once() {
    let rsa = Key::from_pem(include_str!("../../tests/vectors/keys/rsa2048.pkcs8.pem")).unwrap();
    let rsa_public_jwk = rsa.to_public_jwk().unwrap().to_string();
    let claims = json!({"sub": "first-use", "aud": "api", "exp": T0 + 60, "jti": "j1"});
    let ps = jws::encode(&Header::new(Algorithm::PS384), &claims, &rsa).unwrap();
    let rsa_validation = Validation::new(&[Algorithm::PS384])
        .audience(&["api"])
        .clock(FixedClock(T0));
    let hmac_validation = Validation::new(&[Algorithm::HS512])
        .audience(&["api"])
        .clock(FixedClock(T0));
    for round in 0..rounds(20) {
        let secret = [round as u8 + 1; 64];
        let hs_token = jws::encode(
            &Header::new(Algorithm::HS512),
            &claims,
            &Key::from_secret(secret).unwrap(),
        )
        .unwrap();
        // Fresh keys: nothing computed yet.
        let hs = Key::from_secret(secret).unwrap();
        let public = Key::from_jwk(&rsa_public_jwk).unwrap();
        let results = run(THREADS, |_| {
            let a = jws::decode::<serde_json::Value>(&hs_token, &hs, &hmac_validation).unwrap();
            let b = jws::decode::<serde_json::Value>(&ps, &public, &rsa_validation).unwrap();
            let v = hmac_validation
                .clone()
                .replay_store(Arc::new(MemoryReplayStore::new(16)));
            let c = jws::decode::<serde_json::Value>(&hs_token, &hs, &v).unwrap();
            (a.claims, b.claims, c.claims)
        });
        for (a, b, c) in results {
            assert_eq!((a, b, c), (claims.clone(), claims.clone(), claims.clone()));
        }
    }
    // An endpoint's ECDH-1PU keys, made on its first 1PU token.
    let directory = Arc::new(MemoryDirectory::new());
    let hub_id = Identity::generate("hub.service").unwrap();
    directory.insert(hub_id.machine_token());
    for _ in 0..rounds(10) {
        let sender_id = Identity::generate("peer.service").unwrap();
        directory.insert(sender_id.machine_token());
        let sender = Endpoint::new(sender_id)
            .with_shared_directory(directory.clone())
            .with_clock(FixedClock(T0));
        // The sender's keys are made by the first of four concurrent `create_1pu`s, the hub's by
        // the first of four concurrent `validate`s.
        let tokens = run(THREADS, |t| {
            sender
                .create_1pu("hub.service", format!("{t}").as_bytes(), &opts())
                .unwrap()
        });
        let hub = Endpoint::new(hub_id.clone())
            .with_shared_directory(directory.clone())
            .with_clock(FixedClock(T0));
        let payloads = run(THREADS, |t| hub.validate(&tokens[t]).unwrap());
        for (t, m) in payloads.iter().enumerate() {
            assert_eq!(m.protocol(), "ECDH-1PU");
            assert_eq!(m.payload(), format!("{t}").as_bytes());
        }
    }
}

/// A revocation list that answers slowly, as one shared over the network does.
struct SlowRevocations(hxjwt::jws::helpers::MemoryRevocationList);

impl hxjwt::jws::helpers::RevocationStore for SlowRevocations {
    fn revoke(&self, jti: &str, until: i64, now: i64) -> hxjwt::Result<bool> {
        thread::sleep(std::time::Duration::from_millis(2));
        self.0.revoke(jti, until, now)
    }
    fn is_revoked(&self, jti: &str, now: i64) -> hxjwt::Result<bool> {
        thread::sleep(std::time::Duration::from_millis(2));
        self.0.is_revoked(jti, now)
    }
}

/// A refresh token works once, also when several threads present it at the same instant (a
/// thief racing the owner): exactly one refresh succeeds, the others fail `Revoked`.
/// (`TokenIssuer::refresh` once checked `is_revoked` and then revoked, two steps: with a store
/// that answers in milliseconds most races were lost. `RevocationStore::revoke` now says
/// whether it revoked, atomically.)
#[test]
fn refresh_token_is_single_use_under_a_race() {
    use hxjwt::jws::helpers::{MemoryRevocationList, TokenIssuer};
    let issuer = TokenIssuer::new(
        Key::from_secret([5u8; 32]).unwrap(),
        "https://login.example",
    )
    .unwrap()
    .with_clock(FixedClock(T0))
    .with_revocations(Arc::new(SlowRevocations(MemoryRevocationList::new(1000))));
    let pairs: Vec<_> = (0..rounds(10))
        .map(|i| {
            issuer
                .issue(&format!("user-{i}"), &serde_json::Map::new())
                .unwrap()
        })
        .collect();
    let barrier = Barrier::new(THREADS);
    let wins = run(THREADS, |_| {
        let mut wins = Vec::new();
        for pair in &pairs {
            barrier.wait();
            match issuer.refresh(&pair.refresh_token) {
                Ok(_) => wins.push(1usize),
                Err(e) => {
                    assert_eq!(e.kind(), ErrorKind::Revoked, "{e}");
                    wins.push(0);
                }
            }
        }
        wins
    });
    for (i, _) in pairs.iter().enumerate() {
        let n: usize = wins.iter().map(|w| w[i]).sum();
        assert_eq!(n, 1, "refresh token {i} was used {n} times");
    }
}
