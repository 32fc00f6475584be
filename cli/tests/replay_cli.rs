//! `hxjwt validate --replay-store` and `hxjwt verify --replay-store`: two CLI processes sharing
//! one private `redis-server` accept a token once; a server that is down refuses it
//! (`StoreUnavailable`, exit 1); a bad URL is a usage error (exit 2).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure should panic loudly"
)]

#[path = "../../core/tests/redis_support/mod.rs"]
#[allow(
    dead_code,
    reason = "shared with the core's tests; not every helper is used here"
)]
mod redis_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use redis_support::RedisServer;

const BIN: &str = env!("CARGO_BIN_EXE_hxjwt");

fn dir(tag: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("hxjwt-replay-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    p
}

fn run(args: &[&str], stdin: &str) -> Output {
    use std::io::Write as _;
    let mut child = Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn validate_and_verify_accept_a_token_once_across_processes() {
    let mut server = RedisServer::start(&[]);
    let url = server.url();
    let d = dir("ok");
    let (alice, bob) = (d.join("alice.jwk"), d.join("bob.jwk"));
    let (alice_pub, bob_pub) = (d.join("alice.pub"), d.join("bob.pub"));
    for (name, k, p) in [
        ("alice.service", &alice, &alice_pub),
        ("bob.service", &bob, &bob_pub),
    ] {
        let o = run(&["keygen", name, "-o", s(k), "--public", s(p)], "");
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let o = run(
        &[
            "create",
            "--key",
            s(&alice),
            "--to-token",
            s(&bob_pub),
            "hello",
        ],
        "",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let token = String::from_utf8(o.stdout).unwrap();
    let validate = [
        "validate",
        "--key",
        s(&bob),
        "--from-token",
        s(&alice_pub),
        "--replay-store",
        &url,
        "-",
    ];
    let first = run(&validate, &token);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(first.stdout, b"hello");
    let second = run(&validate, &token);
    assert_eq!(second.status.code(), Some(1));
    assert!(
        stderr(&second).contains("error: Replayed:"),
        "{}",
        stderr(&second)
    );
    // Without the store, each process remembers nothing: accepted again.
    let no_store = run(
        &validate[..5]
            .iter()
            .copied()
            .chain(["-"])
            .collect::<Vec<_>>(),
        &token,
    );
    assert!(no_store.status.success(), "{}", stderr(&no_store));

    // verify: a one-time JWT (jti) once; one without jti refused.
    let (signing, verifying) = (d.join("es.jwk"), d.join("es.pub"));
    let o = run(
        &[
            "keygen",
            "--alg",
            "ES256",
            "-o",
            s(&signing),
            "--public",
            s(&verifying),
        ],
        "",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let sign = |claims: &str| {
        let o = run(
            &[
                "sign",
                "--key",
                s(&signing),
                "--alg",
                "ES256",
                "--ttl",
                "600",
                claims,
            ],
            "",
        );
        assert!(o.status.success(), "{}", stderr(&o));
        String::from_utf8(o.stdout).unwrap()
    };
    let once = sign(r#"{"sub":"u","jti":"cli-once-1"}"#);
    let verify = [
        "verify",
        "--key",
        s(&verifying),
        "--alg",
        "ES256",
        "--replay-store",
        &url,
        "-",
    ];
    assert!(run(&verify, &once).status.success());
    let again = run(&verify, &once);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("error: Replayed:"),
        "{}",
        stderr(&again)
    );
    let no_jti = run(&verify, &sign(r#"{"sub":"u"}"#));
    assert_eq!(no_jti.status.code(), Some(1));
    assert!(
        stderr(&no_jti).contains("error: MissingClaim:"),
        "{}",
        stderr(&no_jti)
    );

    // The server down: refused, exit 1, StoreUnavailable.
    let fresh = run(
        &["create", "--key", s(&alice), "--to-token", s(&bob_pub), "x"],
        "",
    );
    server.stop();
    let down = run(&validate, &String::from_utf8(fresh.stdout).unwrap());
    assert_eq!(down.status.code(), Some(1));
    assert!(
        stderr(&down).contains("error: StoreUnavailable:"),
        "{}",
        stderr(&down)
    );

    // A URL that is not usable: a usage error, and no password echoed.
    let bad = run(
        &[
            "verify",
            "--key",
            s(&verifying),
            "--alg",
            "ES256",
            "--replay-store",
            "redis://u:pw-9z@h?nope=1",
            "-",
        ],
        &once,
    );
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(!stderr(&bad).contains("pw-9z"), "{}", stderr(&bad));
    let _ = std::fs::remove_dir_all(d);
}
