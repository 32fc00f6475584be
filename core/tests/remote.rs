//! Remote JWK Sets against a real HTTP server on loopback, started by each test.
#![cfg(feature = "remote")]
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::format_push_string,
    reason = "test code: a panic is a test failure"
)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use hxjwt::jws::{self, Algorithm, Header, Key, KeySet, Validation};
use hxjwt::remote::{RemoteDirectory, RemoteKeySet, RemoteOptions};
use hxjwt::{
    CreateOptions, Directory, Endpoint, ErrorKind, Identity, MachineToken, MemoryDirectory,
};

/// What the server answers, changeable while it runs.
#[derive(Clone)]
struct Reply {
    status: u16,
    body: String,
    cache_control: Option<String>,
    delay: Duration,
}

impl Reply {
    fn ok(body: String) -> Self {
        Reply {
            status: 200,
            body,
            cache_control: None,
            delay: Duration::ZERO,
        }
    }
}

/// A tiny HTTP/1.1 server on 127.0.0.1: one thread per connection, `Connection: close`,
/// requests of at most 8 KiB read with a 5 s time-out. Stops when dropped.
struct Server {
    url: String,
    reply: Arc<Mutex<Reply>>,
    hits: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    addr: std::net::SocketAddr,
}

impl Server {
    fn start(reply: Reply) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let reply = Arc::new(Mutex::new(reply));
        let hits = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (r, h, s) = (reply.clone(), hits.clone(), stop.clone());
        thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (r, h) = (r.clone(), h.clone());
                thread::spawn(move || serve(conn, &r, &h));
            }
        });
        Server {
            url: format!("http://{addr}/jwks.json"),
            reply,
            hits,
            stop,
            addr,
        }
    }

    fn set(&self, f: impl FnOnce(&mut Reply)) {
        f(&mut self.reply.lock().unwrap());
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
    }
}

fn serve(mut conn: TcpStream, reply: &Mutex<Reply>, hits: &AtomicUsize) {
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 8192 {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    hits.fetch_add(1, Ordering::SeqCst);
    let r = reply.lock().unwrap().clone();
    thread::sleep(r.delay);
    let mut head = format!(
        "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        r.status,
        r.body.len()
    );
    if let Some(cc) = &r.cache_control {
        head.push_str(&format!("Cache-Control: {cc}\r\n"));
    }
    head.push_str("\r\n");
    let _ = conn.write_all(head.as_bytes());
    let _ = conn.write_all(r.body.as_bytes());
}

/// A clock the test moves by hand.
fn manual_clock(start: i64) -> (Arc<AtomicI64>, impl Fn() -> i64 + Send + Sync + 'static) {
    let t = Arc::new(AtomicI64::new(start));
    let c = t.clone();
    (t, move || c.load(Ordering::SeqCst))
}

fn opts() -> RemoteOptions {
    RemoteOptions {
        allow_http: true,
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_secs(3),
        ..RemoteOptions::default()
    }
}

fn jwks(tokens: &[MachineToken]) -> String {
    let keys: Vec<String> = tokens.iter().map(MachineToken::to_jwk).collect();
    format!(r#"{{"keys":[{}]}}"#, keys.join(","))
}

fn id(name: &str) -> Identity {
    Identity::generate(name).unwrap()
}

#[test]
fn happy_path_and_cache_hit() {
    let alice = id("alice").machine_token();
    let server = Server::start(Reply::ok(jwks(std::slice::from_ref(&alice))));
    let dir = RemoteDirectory::new(&server.url, opts()).unwrap();
    assert_eq!(dir.resolve("alice").unwrap(), Some(alice.clone()));
    for _ in 0..20 {
        assert_eq!(dir.resolve("alice").unwrap(), Some(alice.clone()));
    }
    assert_eq!(server.hits(), 1, "a fresh set is served from the cache");
    assert_eq!(dir.jwks().fetch_count(), 1);
}

#[test]
fn plain_http_needs_permission() {
    let e =
        RemoteDirectory::new("http://127.0.0.1:9/jwks.json", RemoteOptions::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.detail().contains("http"), "{e}");
    assert!(RemoteKeySet::new("file:///etc/passwd", opts()).is_err());
}

#[test]
fn max_age_is_honoured_within_bounds() {
    let alice = id("alice").machine_token();
    let mut reply = Reply::ok(jwks(std::slice::from_ref(&alice)));
    reply.cache_control = Some("public, max-age=120".into());
    let server = Server::start(reply);
    let (t, clock) = manual_clock(1_000_000);
    let o = RemoteOptions {
        min_ttl: Duration::from_secs(10),
        max_ttl: Duration::from_secs(1000),
        ..opts()
    };
    let dir = RemoteDirectory::new(&server.url, o)
        .unwrap()
        .with_clock(clock);
    dir.resolve("alice").unwrap();
    t.store(1_000_119, Ordering::SeqCst);
    dir.resolve("alice").unwrap();
    assert_eq!(server.hits(), 1, "fresh for max-age=120 s");
    t.store(1_000_120, Ordering::SeqCst);
    dir.resolve("alice").unwrap();
    assert_eq!(server.hits(), 2, "stale after 120 s: refetched");

    // max-age below min_ttl is raised to min_ttl; above max_ttl lowered to it.
    server.set(|r| r.cache_control = Some("max-age=1".into()));
    t.store(1_000_240, Ordering::SeqCst);
    dir.resolve("alice").unwrap();
    assert_eq!(server.hits(), 3);
    t.store(1_000_249, Ordering::SeqCst);
    dir.resolve("alice").unwrap();
    assert_eq!(server.hits(), 3, "min_ttl 10 s wins over max-age=1");
    server.set(|r| r.cache_control = Some("max-age=999999".into()));
    t.store(1_000_250, Ordering::SeqCst);
    dir.resolve("alice").unwrap();
    assert_eq!(server.hits(), 4);
    t.store(1_001_250, Ordering::SeqCst);
    dir.resolve("alice").unwrap();
    assert_eq!(server.hits(), 5, "max_ttl 1000 s wins over a huge max-age");
}

#[test]
fn unknown_name_refreshes_once_per_cooldown() {
    let alice = id("alice").machine_token();
    let bob = id("bob").machine_token();
    let server = Server::start(Reply::ok(jwks(std::slice::from_ref(&alice))));
    let (t, clock) = manual_clock(2_000_000);
    let o = RemoteOptions {
        refresh_cooldown: Duration::from_secs(30),
        ..opts()
    };
    let dir = RemoteDirectory::new(&server.url, o)
        .unwrap()
        .with_clock(clock);
    assert_eq!(dir.resolve("bob").unwrap(), None);
    assert_eq!(server.hits(), 1, "the first fetch; bob is not in it");

    // bob is published; asking for him within the cool-down does not fetch.
    server.set(|r| r.body = jwks(&[alice.clone(), bob.clone()]));
    t.store(2_000_010, Ordering::SeqCst);
    for _ in 0..100 {
        assert_eq!(dir.resolve("bob").unwrap(), None);
        assert_eq!(dir.resolve("eve").unwrap(), None);
    }
    assert_eq!(
        server.hits(),
        1,
        "a flood of unknown names within the cool-down: no fetch"
    );

    // After the cool-down, one unknown name costs one fetch, which finds bob.
    t.store(2_000_030, Ordering::SeqCst);
    assert_eq!(dir.resolve("bob").unwrap(), Some(bob.clone()));
    assert_eq!(server.hits(), 2);
    for i in 0..100 {
        assert_eq!(dir.resolve(&format!("eve{i}")).unwrap(), None);
    }
    assert_eq!(server.hits(), 2, "still cooling down");
    t.store(2_000_061, Ordering::SeqCst);
    for i in 0..100 {
        assert_eq!(dir.resolve(&format!("mallory{i}")).unwrap(), None);
    }
    assert_eq!(
        server.hits(),
        3,
        "one fetch per cool-down, however many names"
    );
}

#[test]
fn server_down_is_resolver_failed() {
    let addr = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    }; // closed again: nothing listens there
    let dir = RemoteDirectory::new(&format!("http://{addr}/jwks.json"), opts()).unwrap();
    let e = dir.resolve("alice").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ResolverFailed);
    assert!(e.detail().contains("jwks.json"), "{e}");
    // Through an endpoint, too.
    let alice = Endpoint::new(id("alice"));
    let token = alice
        .create_for(&id("bob").machine_token(), b"x", &CreateOptions::default())
        .unwrap();
    let bob = Endpoint::new(id("bob")).with_directory(dir);
    assert_eq!(
        bob.validate(&token).unwrap_err().kind(),
        ErrorKind::ResolverFailed
    );
}

#[test]
fn slow_server_times_out() {
    let mut reply = Reply::ok(jwks(&[id("alice").machine_token()]));
    reply.delay = Duration::from_secs(3);
    let server = Server::start(reply);
    let o = RemoteOptions {
        timeout: Duration::from_millis(300),
        ..opts()
    };
    let dir = RemoteDirectory::new(&server.url, o).unwrap();
    let started = Instant::now();
    let e = dir.resolve("alice").unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(e.kind(), ErrorKind::ResolverFailed);
    assert!(
        e.detail().to_lowercase().contains("timeout") || e.detail().contains("timed out"),
        "{e}"
    );
}

#[test]
fn http_500_is_resolver_failed() {
    let mut reply = Reply::ok("oops".into());
    reply.status = 500;
    let server = Server::start(reply);
    let e = RemoteDirectory::new(&server.url, opts())
        .unwrap()
        .resolve("alice")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ResolverFailed);
    assert!(e.detail().contains("500"), "{e}");
}

#[test]
fn oversize_body_is_refused() {
    let alice = id("alice").machine_token();
    let mut body = jwks(&[alice]);
    body.push_str(&" ".repeat(2000));
    let server = Server::start(Reply::ok(body));
    let o = RemoteOptions {
        max_response_bytes: 1024,
        ..opts()
    };
    let e = RemoteDirectory::new(&server.url, o)
        .unwrap()
        .resolve("alice")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ResolverFailed);
    assert!(e.detail().contains("larger than 1024 bytes"), "{e}");
}

#[test]
fn malformed_json_is_refused() {
    for body in ["{not json", r#"{"keys":{}}"#, "[]", ""] {
        let server = Server::start(Reply::ok(body.into()));
        let e = RemoteDirectory::new(&server.url, opts())
            .unwrap()
            .resolve("alice")
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ResolverFailed, "{body}");
        assert!(e.detail().contains("not a valid JWK Set"), "{body}: {e}");
        let e = RemoteKeySet::new(&server.url, opts())
            .unwrap()
            .key_set()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ResolverFailed, "{body}");
    }
}

#[test]
fn a_changed_set_is_picked_up_when_the_cache_expires() {
    let old = id("alice").machine_token();
    let new = id("alice").machine_token();
    let server = Server::start(Reply::ok(jwks(std::slice::from_ref(&old))));
    let (t, clock) = manual_clock(3_000_000);
    let dir = RemoteDirectory::new(&server.url, opts())
        .unwrap()
        .with_clock(clock);
    assert_eq!(dir.resolve("alice").unwrap(), Some(old.clone()));
    server.set(|r| r.body = jwks(&[new.clone(), old.clone()]));
    assert_eq!(
        dir.resolve("alice").unwrap(),
        Some(old.clone()),
        "still cached"
    );
    t.store(3_000_300, Ordering::SeqCst); // default_ttl 300 s
    assert_eq!(dir.resolve("alice").unwrap(), Some(new.clone()));
    assert_eq!(dir.resolve_all("alice").unwrap(), vec![new, old]);
    assert_eq!(server.hits(), 2);
}

#[test]
fn concurrent_lookups_share_one_fetch() {
    let alice = id("alice").machine_token();
    let mut reply = Reply::ok(jwks(std::slice::from_ref(&alice)));
    reply.delay = Duration::from_millis(300);
    let server = Server::start(reply);
    let dir = Arc::new(RemoteDirectory::new(&server.url, opts()).unwrap());
    let barrier = Arc::new(Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let (dir, barrier, alice) = (dir.clone(), barrier.clone(), alice.clone());
            thread::spawn(move || {
                barrier.wait();
                // Half ask for a known name, half for an unknown one: still one fetch.
                let name = if i % 2 == 0 { "alice" } else { "nobody" };
                let got = dir.resolve(name).unwrap();
                assert_eq!(got, (i % 2 == 0).then_some(alice));
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(server.hits(), 1, "8 threads at once, one fetch");
}

#[test]
fn an_outage_shorter_than_the_staleness_limit_is_survived() {
    let alice_id = id("alice");
    let alice = Endpoint::new(alice_id.clone());
    let mut reply = Reply::ok(jwks(&[alice_id.machine_token()]));
    reply.cache_control = Some("max-age=60".into());
    let server = Server::start(reply);
    let (t, clock) = manual_clock(4_000_000);
    let o = RemoteOptions {
        min_ttl: Duration::from_secs(60),
        refresh_cooldown: Duration::from_secs(30),
        max_stale: Duration::from_secs(600),
        ..opts()
    };
    let dir = RemoteDirectory::new(&server.url, o)
        .unwrap()
        .with_clock(clock);
    let bob = Endpoint::new(id("bob")).with_directory(dir.clone());
    let send = || {
        alice
            .create_for(
                &bob.identity().machine_token(),
                b"hi",
                &CreateOptions::default(),
            )
            .unwrap()
    };
    assert_eq!(bob.validate(&send()).unwrap().issuer(), "alice");

    // The directory goes down (500s, then nothing at all).
    server.set(|r| r.status = 500);
    t.store(4_000_061, Ordering::SeqCst);
    assert_eq!(
        bob.validate(&send()).unwrap().issuer(),
        "alice",
        "stale but within the limit"
    );
    assert_eq!(server.hits(), 2);
    t.store(4_000_080, Ordering::SeqCst);
    bob.validate(&send()).unwrap();
    assert_eq!(server.hits(), 2, "no retry within the cool-down");
    server.set(|r| r.delay = Duration::from_secs(10));
    let o2 = dir.jwks().options().clone();
    assert!(o2.timeout < Duration::from_secs(10));
    t.store(4_000_500, Ordering::SeqCst);
    bob.validate(&send()).unwrap(); // times out, serves stale
    assert_eq!(server.hits(), 3);

    // Past fresh_until + max_stale: lookups fail, naming the cause.
    t.store(4_000_060 + 600, Ordering::SeqCst);
    let e = bob.validate(&send()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ResolverFailed);
    assert!(e.detail().contains("staleness limit"), "{e}");

    // The directory comes back: after the cool-down the next lookup fetches and succeeds.
    server.set(|r| {
        r.status = 200;
        r.delay = Duration::ZERO;
    });
    t.store(4_000_060 + 600 + 30, Ordering::SeqCst);
    assert_eq!(bob.validate(&send()).unwrap().issuer(), "alice");
}

#[test]
fn hx1_rotation_while_tokens_are_in_flight() {
    // alice (sender) and bob (receiver) both rotate; tokens sealed before each step stay valid.
    let alice_old = id("alice");
    let alice_new = id("alice");
    let bob_old = id("bob");
    let bob_new = id("bob");
    let server = Server::start(Reply::ok(jwks(&[
        alice_old.machine_token(),
        bob_old.machine_token(),
    ])));
    let (t, clock) = manual_clock(5_000_000);
    let o = RemoteOptions {
        default_ttl: Duration::from_secs(60),
        ..opts()
    };
    let dir = RemoteDirectory::new(&server.url, o)
        .unwrap()
        .with_clock(clock);
    let advance = |by: i64| {
        t.fetch_add(by, Ordering::SeqCst);
    };

    let alice1 = Endpoint::new(alice_old.clone()).with_directory(dir.clone());
    let mut bob = Endpoint::new(bob_old.clone()).with_directory(dir.clone());
    let in_flight_1 = alice1
        .create("bob", b"1", &CreateOptions::default())
        .unwrap();
    bob.validate(&in_flight_1).unwrap();

    // Step 1: alice publishes her new key next to the old one, then switches to it.
    server.set(|r| {
        r.body = jwks(&[
            alice_new.machine_token(),
            alice_old.machine_token(),
            bob_old.machine_token(),
        ]);
    });
    let alice2 = Endpoint::new(alice_new.clone()).with_directory(dir.clone());
    let in_flight_2 = alice2
        .create("bob", b"2", &CreateOptions::default())
        .unwrap();
    // bob's cached set does not list alice_new yet: the old entry for "alice" does not unwrap
    // it, so it fails until the cache is refreshed…
    assert_eq!(
        bob.validate(&in_flight_2).unwrap_err().kind(),
        ErrorKind::InvalidSignature
    );
    // …which is why the procedure publishes first and switches after one max TTL.
    advance(61);
    assert_eq!(bob.validate(&in_flight_2).unwrap().payload(), b"2");
    assert_eq!(
        bob.validate(&in_flight_1).unwrap().payload(),
        b"1",
        "old sender key still listed"
    );

    // Step 2: bob rotates. He keeps the old key for receiving; the directory lists both.
    let to_bob_old = alice2
        .create("bob", b"3", &CreateOptions::default())
        .unwrap();
    bob.rotate_identity(bob_new.clone());
    server.set(|r| {
        r.body = jwks(&[
            alice_new.machine_token(),
            alice_old.machine_token(),
            bob_new.machine_token(),
            bob_old.machine_token(),
        ]);
    });
    advance(61);
    let to_bob_new = alice2
        .create("bob", b"4", &CreateOptions::default())
        .unwrap();
    assert_eq!(
        bob.validate(&to_bob_old).unwrap().payload(),
        b"3",
        "in flight to the old key"
    );
    assert_eq!(bob.validate(&to_bob_new).unwrap().payload(), b"4");

    // Step 3: the window closes: old keys retired everywhere; tokens to them fail.
    server.set(|r| r.body = jwks(&[alice_new.machine_token(), bob_new.machine_token()]));
    advance(61);
    bob.clear_previous_identities();
    assert_eq!(
        bob.validate(&to_bob_old).unwrap_err().kind(),
        ErrorKind::InvalidSignature
    );
    assert_eq!(
        bob.validate(&in_flight_1).unwrap_err().kind(),
        ErrorKind::InvalidSignature
    );
    assert_eq!(bob.validate(&to_bob_new).unwrap().payload(), b"4");
}

#[test]
fn rotation_under_concurrent_traffic() {
    // Senders keep sealing with whatever key they hold while alice rotates; the receiver
    // validates everything in flight.
    let alice_old = id("alice");
    let alice_new = id("alice");
    let bob = id("bob");
    let dir = Arc::new(MemoryDirectory::new());
    dir.insert(alice_old.machine_token());
    dir.insert(bob.machine_token());
    let receiver = Arc::new(Endpoint::new(bob.clone()).with_directory(dir.clone()));
    let rotated = Arc::new(AtomicBool::new(false));
    let (tx, rx) = std::sync::mpsc::channel::<(String, bool)>();
    let sender = {
        let (rotated, old, new) = (rotated.clone(), alice_old.clone(), alice_new.clone());
        let to = bob.machine_token();
        thread::spawn(move || {
            for i in 0..200 {
                let use_new = rotated.load(Ordering::SeqCst) && i % 2 == 0;
                let me = Endpoint::new(if use_new { new.clone() } else { old.clone() });
                let tok = me.create_for(&to, b"x", &CreateOptions::default()).unwrap();
                tx.send((tok, use_new)).unwrap();
            }
        })
    };
    let validator = {
        let receiver = receiver.clone();
        thread::spawn(move || {
            let mut n = 0;
            for (tok, _) in rx {
                receiver.validate(&tok).unwrap();
                n += 1;
            }
            n
        })
    };
    thread::sleep(Duration::from_millis(5));
    dir.rotate_in(alice_new.machine_token()); // publish first…
    rotated.store(true, Ordering::SeqCst); // …then switch
    sender.join().unwrap();
    assert_eq!(validator.join().unwrap(), 200);
}

#[test]
fn jws_kid_selection_and_new_kid_refresh() {
    let k1 = Key::generate(Algorithm::ES256).unwrap().with_kid("k1");
    let k2 = Key::generate(Algorithm::ES256).unwrap().with_kid("k2");
    let published = |keys: Vec<Key>| KeySet::from_keys(keys).to_public_jwks().unwrap();
    let server = Server::start(Reply::ok(published(vec![k1.clone()])));
    let (t, clock) = manual_clock(6_000_000);
    let keys = RemoteKeySet::new(&server.url, opts())
        .unwrap()
        .with_clock(clock);
    let v = Validation::new(&[Algorithm::ES256]);
    let claims = serde_json::json!({"sub": "x", "exp": 9_999_999_999_i64});
    let sign = |k: &Key| jws::encode(&Header::new(Algorithm::ES256), &claims, k).unwrap();
    jws::decode_claims(&sign(&k1), &keys, &v).unwrap();
    assert_eq!(server.hits(), 1);
    // The issuer starts signing with k2 and publishes it: the first token with kid k2 triggers
    // one refresh (the cool-down allows it: 30 s have passed).
    server.set(|r| r.body = published(vec![k2.clone(), k1.clone()]));
    t.store(6_000_031, Ordering::SeqCst);
    jws::decode_claims(&sign(&k2), &keys, &v).unwrap();
    assert_eq!(server.hits(), 2);
    jws::decode_claims(&sign(&k1), &keys, &v).unwrap();
    // An unknown kid: one refresh at most per cool-down, then KeyNotFound.
    let k3 = Key::generate(Algorithm::ES256).unwrap().with_kid("k3");
    for _ in 0..50 {
        let e = jws::decode_claims(&sign(&k3), &keys, &v).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::KeyNotFound);
    }
    assert_eq!(server.hits(), 2);
}

#[test]
fn cached_never_fetches_nor_waits() {
    let alice = id("alice").machine_token();
    let mut reply = Reply::ok(jwks(std::slice::from_ref(&alice)));
    reply.cache_control = Some("max-age=120".into());
    let server = Server::start(reply);
    let (t, clock) = manual_clock(3_000_000);
    let o = RemoteOptions {
        min_ttl: Duration::from_secs(10),
        ..opts()
    };
    let dir = RemoteDirectory::new(&server.url, o)
        .unwrap()
        .with_clock(clock);
    assert!(dir.jwks().cached().is_none(), "nothing fetched yet");
    assert_eq!(server.hits(), 0);
    let got = dir.jwks().get().unwrap();
    let cached = dir.jwks().cached().unwrap();
    assert!(Arc::ptr_eq(&got, &cached));
    t.store(3_000_119, Ordering::SeqCst);
    assert!(dir.jwks().cached().is_some(), "fresh for max-age=120 s");
    t.store(3_000_120, Ordering::SeqCst);
    assert!(
        dir.jwks().cached().is_none(),
        "stale: not served by cached()"
    );
    assert_eq!(server.hits(), 1, "cached() never fetches");

    // While a slow fetch is in flight, cached() answers at once.
    server.set(|r| r.delay = Duration::from_millis(600));
    let fetcher = {
        let dir = dir.clone();
        thread::spawn(move || dir.jwks().get().map(|_| ()))
    };
    while server.hits() < 2 {
        thread::sleep(Duration::from_millis(5));
    }
    // Had it waited for the fetch, it would return the set that fetch brings.
    assert!(
        dir.jwks().cached().is_none(),
        "did not wait for the fetch in flight"
    );
    fetcher.join().unwrap().unwrap();
    assert!(dir.jwks().cached().is_some());
    assert_eq!(server.hits(), 2);
}
