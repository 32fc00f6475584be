//! `hxjwt verify --explain` and `hxjwt validate --explain`: every check as a table (or JSON),
//! exit 1 unless every check passed, nothing accepted.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::many_single_char_names,
    reason = "test code: a failure should panic loudly"
)]

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_hxjwt");
const SECRET: &str = "a secret of at least thirty-two bytes!!";

fn dir(tag: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("hxjwt-explain-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    p
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

fn sign(secret: &str, claims: &str) -> String {
    let r = run(&["sign", "--secret-file", secret, "--alg", "HS256", claims]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    out(&r).trim().to_owned()
}

#[test]
fn verify_explain_lists_every_failure() {
    let d = dir("verify");
    let secret = d.join("secret");
    std::fs::write(&secret, SECRET).unwrap();
    let token = sign(
        s(&secret),
        r#"{"iss":"mallory","aud":"elsewhere","exp":1000}"#,
    );
    let base = [
        "verify",
        "--secret-file",
        s(&secret),
        "--alg",
        "HS256",
        "--aud",
        "api",
        "--iss",
        "login",
        "--now",
        "1767225600",
        "--explain",
    ];
    let r = run(&[&base[..], &[token.as_str()]].concat());
    assert_eq!(r.status.code(), Some(1), "{}", out(&r));
    let table = out(&r);
    for (check, kind) in [
        ("exp", "Expired"),
        ("aud", "WrongAudience"),
        ("iss", "IssuerMismatch"),
    ] {
        let line = table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(check))
            .unwrap_or_else(|| panic!("no {check} row in\n{table}"));
        assert!(line.contains("FAILED") && line.contains(kind), "{line}");
    }
    assert!(table.lines().next().unwrap().starts_with("CHECK"));
    assert!(table.contains("claims (signature verified)"));
    assert!(!table.contains(SECRET));
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(stderr.contains("3 of"), "{stderr}");

    // --json: the report as JSON.
    let r = run(&[&base[..], &["--json", token.as_str()]].concat());
    assert_eq!(r.status.code(), Some(1));
    let v: Value = serde_json::from_str(out(&r).trim()).unwrap();
    assert_eq!(v["passed"], false);
    let failed: Vec<(&str, &str)> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["outcome"] == "failed")
        .map(|c| (c["check"].as_str().unwrap(), c["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        failed,
        [
            ("exp", "Expired"),
            ("aud", "WrongAudience"),
            ("iss", "IssuerMismatch")
        ]
    );

    // A valid token: exit 0, every check passed; a bad signature hides the claims.
    let good = sign(
        s(&secret),
        r#"{"iss":"login","aud":"api","exp":4102444800}"#,
    );
    let r = run(&[&base[..], &[good.as_str()]].concat());
    assert_eq!(r.status.code(), Some(0), "{}", out(&r));
    assert!(out(&r).contains("every check passed"));
    let other = d.join("other");
    std::fs::write(&other, "another secret, thirty-two bytes long").unwrap();
    let forged = sign(s(&other), r#"{"iss":"login","aud":"api","exp":4102444800}"#);
    let r = run(&[&base[..], &[forged.as_str()]].concat());
    assert_eq!(r.status.code(), Some(1));
    assert!(out(&r).contains("InvalidSignature"));
    assert!(!out(&r).contains("claims (signature verified)"));

    // Garbage: a table, no panic.
    let r = run(&[&base[..], &["\u{1b}[31m.x.y"]].concat());
    assert_eq!(r.status.code(), Some(1));
    assert!(out(&r).contains("Malformed"));
    assert!(!out(&r).contains('\u{1b}'));

    // --json needs --explain.
    let r = run(&[
        "verify",
        "--secret-file",
        s(&secret),
        "--alg",
        "HS256",
        "--json",
        &good,
    ]);
    assert_eq!(r.status.code(), Some(2));
}

#[test]
fn validate_explain_reports_hx1_checks() {
    let d = dir("validate");
    let (alice, bob) = (d.join("alice.jwk"), d.join("bob.jwk"));
    let a = run(&["keygen", "alice", "-o", s(&alice)]);
    assert!(a.status.success());
    let alice_pub = d.join("alice.pub");
    std::fs::write(&alice_pub, String::from_utf8_lossy(&a.stderr).as_bytes()).unwrap();
    let b = run(&["keygen", "bob", "-o", s(&bob), "--public"]);
    assert!(b.status.success());
    let bob_pub = d.join("bob.pub");
    std::fs::write(&bob_pub, out(&b)).unwrap();
    let c = run(&[
        "create",
        "--key",
        s(&alice),
        "--to-token",
        s(&bob_pub),
        "--ttl",
        "60",
        "hi",
    ]);
    assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
    let token = out(&c).trim().to_owned();

    let ok = run(&[
        "validate",
        "--key",
        s(&bob),
        "--from-token",
        s(&alice_pub),
        "--explain",
        &token,
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", out(&ok));
    assert!(out(&ok).contains("payload: 2 bytes (not shown)"));
    assert!(!out(&ok).contains("\nhi"));

    // Far in the future: expired; from the wrong sender (bob's own token): issuer mismatch.
    let r = run(&[
        "validate",
        "--key",
        s(&bob),
        "--from-token",
        s(&bob_pub),
        "--now",
        "99999999999",
        "--explain",
        "--json",
        &token,
    ]);
    assert_eq!(r.status.code(), Some(1), "{}", out(&r));
    let v: Value = serde_json::from_str(out(&r).trim()).unwrap();
    let failed: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["outcome"] == "failed")
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["IssuerMismatch", "Expired"]);
    assert_eq!(v["claims"], Value::Null);
}
