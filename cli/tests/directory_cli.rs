//! `hxjwt directory`, and `--directory URL` / `--jwks URL` against a loopback server that the
//! test starts itself.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::format_push_string,
    reason = "test code: a failure should panic loudly"
)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_hxjwt");

fn dir(tag: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("hxjwt-dircli-{tag}-{}", std::process::id()));
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

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Serves `body` (changeable) on 127.0.0.1 with `Connection: close`; counts requests. The
/// listener thread ends with the test process; each request is read with a 5 s time-out.
fn serve(body: String) -> (String, Arc<Mutex<String>>, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    let body = Arc::new(Mutex::new(body));
    let hits = Arc::new(AtomicUsize::new(0));
    let (b, h) = (body.clone(), hits.clone());
    thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
            let mut req = Vec::new();
            let mut buf = [0u8; 1024];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") && req.len() < 8192 {
                match conn.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            h.fetch_add(1, Ordering::SeqCst);
            let text = b.lock().unwrap().clone();
            let _ = conn.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                    text.len()
                )
                .as_bytes(),
            );
        }
    });
    (url, body, hits)
}

#[test]
fn build_add_list_and_use_a_served_directory() {
    let d = dir("hx1");
    let (a_key, a_pub, b_key, b_pub) = (
        d.join("alice.jwk"),
        d.join("alice.pub"),
        d.join("bob.jwk"),
        d.join("bob.pub"),
    );
    for (name, key, public) in [("alice", &a_key, &a_pub), ("bob", &b_key, &b_pub)] {
        let o = run(&["keygen", name, "-o", s(key), "--public", s(public)]);
        assert!(o.status.success(), "{}", err(&o));
    }
    let o = run(&["directory", "build", s(&a_pub), s(&b_pub)]);
    assert!(o.status.success(), "{}", err(&o));
    let jwks = out(&o);
    let v: serde_json::Value = serde_json::from_str(&jwks).unwrap();
    assert_eq!(v["keys"].as_array().unwrap().len(), 2);

    // Private keys are refused.
    let o = run(&["directory", "build", s(&a_key)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("private"), "{}", err(&o));

    // Serve it; alice creates for bob and bob validates, both with only the URL.
    let (url, body, hits) = serve(jwks.trim().to_owned());
    let o = run(&[
        "create",
        "--key",
        s(&a_key),
        "--to",
        "bob",
        "--directory",
        &url,
        "hi",
    ]);
    assert_eq!(o.status.code(), Some(2), "http:// needs --allow-http");
    assert!(err(&o).contains("http"), "{}", err(&o));
    let o = run(&[
        "create",
        "--key",
        s(&a_key),
        "--to",
        "bob",
        "--directory",
        &url,
        "--allow-http",
        "hi",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let token = out(&o).trim().to_owned();
    let o = run(&[
        "validate",
        "--key",
        s(&b_key),
        "--directory",
        &url,
        "--allow-http",
        &token,
    ]);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(out(&o).trim(), "hi");
    assert_eq!(hits.load(Ordering::SeqCst), 2);

    // Rotation: alice gets a new key; `add` puts it in front of the old one.
    let (new_key, new_pub, set) = (
        d.join("alice2.jwk"),
        d.join("alice2.pub"),
        d.join("set.json"),
    );
    assert!(
        run(&[
            "keygen",
            "alice",
            "-o",
            s(&new_key),
            "--public",
            s(&new_pub)
        ])
        .status
        .success()
    );
    std::fs::write(&set, &jwks).unwrap();
    let o = run(&["directory", "add", s(&set), s(&new_pub)]);
    assert!(o.status.success(), "{}", err(&o));
    let rotated = out(&o);
    std::fs::write(&set, &rotated).unwrap();
    let o = run(&["directory", "list", s(&set)]);
    assert!(o.status.success(), "{}", err(&o));
    let listing = out(&o);
    assert_eq!(
        listing.matches("hx1\talice\tcurrent").count(),
        1,
        "{listing}"
    );
    assert_eq!(
        listing.matches("hx1\talice\tprevious").count(),
        1,
        "{listing}"
    );
    *body.lock().unwrap() = rotated.trim().to_owned();
    // A token from the old key (in flight) and one from the new key both validate.
    let o = run(&[
        "create",
        "--key",
        s(&new_key),
        "--to-token",
        s(&b_pub),
        "new",
    ]);
    let token2 = out(&o).trim().to_owned();
    for (t, want) in [(&token, "hi"), (&token2, "new")] {
        let o = run(&[
            "validate",
            "--key",
            s(&b_key),
            "--directory",
            &url,
            "--allow-http",
            t,
        ]);
        assert!(o.status.success(), "{}", err(&o));
        assert_eq!(out(&o).trim(), want);
    }
    let o = run(&["directory", "list", &url, "--allow-http"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("hx1\tbob\tcurrent"));

    // A directory that is down: the token is rejected with ResolverFailed (exit 1).
    let down = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/jwks.json", l.local_addr().unwrap())
    };
    let o = run(&[
        "validate",
        "--key",
        s(&b_key),
        "--directory",
        &down,
        "--allow-http",
        &token,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o).contains("ResolverFailed"), "{}", err(&o));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn verify_with_a_jwks_url() {
    let d = dir("jws");
    let (key, public) = (d.join("k.jwk"), d.join("k.pub"));
    let o = run(&[
        "keygen",
        "k1",
        "--alg",
        "ES256",
        "-o",
        s(&key),
        "--public",
        s(&public),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let o = run(&["directory", "build", s(&public)]);
    assert!(o.status.success(), "{}", err(&o));
    let (url, _body, hits) = serve(out(&o).trim().to_owned());
    let o = run(&[
        "sign",
        "--alg",
        "ES256",
        "--key",
        s(&key),
        r#"{"sub":"x","exp":9999999999}"#,
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let token = out(&o).trim().to_owned();
    let o = run(&[
        "verify",
        "--jwks",
        &url,
        "--allow-http",
        "--alg",
        "ES256",
        &token,
    ]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("\"sub\":\"x\""), "{}", out(&o));
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    let o = run(&["verify", "--jwks", &url, "--alg", "ES256", &token]);
    assert_eq!(o.status.code(), Some(2), "http:// without --allow-http");
    let _ = std::fs::remove_dir_all(&d);
}
