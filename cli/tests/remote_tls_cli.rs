//! `--ca-file` and `--header` (issue 17 item 4) wherever a JWK Set URL is accepted: `verify
//! --jwks`, `validate`/`create --directory`, `directory list`. Bad values are usage errors
//! (exit 2) naming the option; the headers and the default User-Agent reach the server (a
//! loopback http server here; TLS itself is tested in `core/tests/remote_tls.rs`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure should panic loudly"
)]

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hxjwt::jws::{Algorithm, Header, Key, encode};

const BIN: &str = env!("CARGO_BIN_EXE_hxjwt");
const NOW: &str = "1767225700";

fn dir(tag: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("hxjwt-tls-cli-{tag}-{}", std::process::id()));
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

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Serves `body` on 127.0.0.1 until the test process ends; each request's head is recorded.
fn serve(body: String) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    std::thread::spawn(move || {
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
            s.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&req).into_owned());
            let _ = conn.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n{body}",
                    body.len()
                )
                .as_bytes(),
            );
        }
    });
    (url, seen)
}

/// The values of header `name` (case-insensitive) in a request head.
fn header_values(head: &str, name: &str) -> Vec<String> {
    head.split("\r\n")
        .filter_map(|l| l.split_once(':'))
        .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim().to_owned())
        .collect()
}

#[test]
fn headers_and_user_agent_reach_the_server() {
    let signer = Key::generate(Algorithm::EdDSA).unwrap().with_kid("ed");
    let public = signer.to_public_jwk().unwrap();
    let (url, seen) = serve(format!(r#"{{"keys":[{public}]}}"#));
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some("ed".to_owned());
    let token = encode(
        &header,
        &serde_json::json!({"sub": "u", "exp": 1_767_229_200}),
        &signer,
    )
    .unwrap();

    let ok = run(&[
        "verify",
        "--jwks",
        &url,
        "--alg",
        "EdDSA",
        "--now",
        NOW,
        "--allow-http",
        "--header",
        "X-Api-Key: k-123",
        "--header",
        "Authorization: Bearer t0ken",
        &token,
    ]);
    assert!(ok.status.success(), "{}", err(&ok));
    let ok = run(&[
        "verify",
        "--jwks",
        &url,
        "--alg",
        "EdDSA",
        "--now",
        NOW,
        "--allow-http",
        "--header",
        "User-Agent: billing/2.1",
        &token,
    ]);
    assert!(ok.status.success(), "{}", err(&ok));
    let list = run(&[
        "directory",
        "list",
        &url,
        "--allow-http",
        "--header",
        "X-Tenant: t1",
    ]);
    assert!(list.status.success(), "{}", err(&list));

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3);
    let ua = format!("hxjwt/{}", env!("CARGO_PKG_VERSION"));
    assert_eq!(
        header_values(&seen[0], "user-agent"),
        std::slice::from_ref(&ua)
    );
    assert_eq!(header_values(&seen[0], "x-api-key"), ["k-123"]);
    assert_eq!(header_values(&seen[0], "authorization"), ["Bearer t0ken"]);
    assert_eq!(header_values(&seen[1], "user-agent"), ["billing/2.1"]);
    assert_eq!(header_values(&seen[2], "user-agent"), [ua]);
    assert_eq!(header_values(&seen[2], "x-tenant"), ["t1"]);
}

#[test]
fn bad_values_are_usage_errors() {
    let d = dir("bad");
    let empty = d.join("empty.pem");
    std::fs::write(&empty, "no certificate\n").unwrap();
    let empty = empty.to_str().unwrap().to_owned();
    let url = "https://keys.example.com/jwks.json";
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", "--jwks", url, "--alg", "ES256", "--now", NOW];
        args.extend_from_slice(extra);
        args.push("a.b.c");
        run(&args)
    };
    let cases: [(&[&str], &str); 6] = [
        (
            &["--ca-file", "/no/such/hxjwt-ca.pem"],
            "--ca-file: cannot read the CA file",
        ),
        (&["--ca-file", &empty], "no CERTIFICATE block"),
        (
            &["--header", "no colon"],
            "--header: a header must be given as 'Name: value'",
        ),
        (
            &["--header", "Host: evil.example"],
            "set by the HTTP client",
        ),
        (&["--header", "Bad Name: v4lue"], "not an HTTP token"),
        (&["--header", "X-A: s3cr3t\r\nHost: x"], "control character"),
    ];
    for (extra, why) in cases {
        let out = verify(extra);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {}", err(&out));
        assert!(err(&out).contains(why), "{extra:?}: {}", err(&out));
        assert!(!err(&out).contains("s3cr3t"), "{}", err(&out));
    }
    // The CA file's path is named.
    assert!(err(&verify(&["--ca-file", &empty])).contains(&empty));
    // The same checks for `directory list` (and, through load_directory, --directory).
    let out = run(&["directory", "list", url, "--header", "Host: x"]);
    assert_eq!(out.status.code(), Some(2), "{}", err(&out));
    assert!(err(&out).contains("--header"), "{}", err(&out));
}

#[test]
fn the_options_need_a_url() {
    let d = dir("file");
    let set = d.join("set.jwks");
    std::fs::write(&set, r#"{"keys":[]}"#).unwrap();
    let set = set.to_str().unwrap();
    let out = run(&["directory", "list", set, "--header", "X-A: 1"]);
    assert_eq!(out.status.code(), Some(2), "{}", err(&out));
    assert!(
        err(&out).contains("apply to a JWK Set URL"),
        "{}",
        err(&out)
    );
    let out = run(&[
        "verify",
        "--jwks",
        set,
        "--alg",
        "ES256",
        "--now",
        NOW,
        "--ca-file",
        "/x.pem",
        "a.b.c",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", err(&out));
    assert!(
        err(&out).contains("apply to a JWK Set URL"),
        "{}",
        err(&out)
    );
}
