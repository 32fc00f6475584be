//! `hxjwt verify --jwks` (issue 17 item 3): every key the JWK Set skips is a warning on stderr,
//! a set mixing HMAC secrets with asymmetric keys is refused unless `--allow-mixed-keys`, and
//! two different keys with one kid are refused naming it.

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
use std::time::Duration;

use hxjwt::jws::{Algorithm, Header, Key, encode};

const BIN: &str = env!("CARGO_BIN_EXE_hxjwt");
const NOW: &str = "1767225700";

fn dir(tag: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("hxjwt-jwks-cli-{tag}-{}", std::process::id()));
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

const SECRET_JWK: &str =
    r#"{"kty":"oct","kid":"hs","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}"#;

/// A token signed by `key` (with `kid`), for `alg`, that expires after NOW.
fn token(key: &Key, alg: Algorithm, kid: &str) -> String {
    let mut header = Header::new(alg);
    header.kid = Some(kid.to_owned());
    encode(
        &header,
        &serde_json::json!({"sub": "u", "exp": 1_767_229_200}),
        key,
    )
    .unwrap()
}

fn verify(set: &str, alg: &str, token: &str, extra: &[&str]) -> Output {
    let mut args = vec!["verify", "--jwks", set, "--alg", alg, "--now", NOW];
    args.extend_from_slice(extra);
    args.push(token);
    run(&args)
}

#[test]
fn skipped_keys_are_warnings_on_stderr() {
    let d = dir("skipped");
    let signer = Key::generate(Algorithm::ES256).unwrap().with_kid("good");
    let public = signer.to_public_jwk().unwrap();
    let set = d.join("set.jwks");
    std::fs::write(
        &set,
        format!(
            r#"{{"keys":[
              {{"kty":"OKP","crv":"X25519","kid":"hx1","x":"EU3wvSVXI4c0ZRTExhpx9aNxd9c0q7FRXnnxJtuCSEs"}},
              {public},
              {{"kty":"RSA","use":"enc","kid":"e\u001b[31m","n":"AQAB","e":"AQAB"}},
              {{"kty":"PQC"}}]}}"#
        ),
    )
    .unwrap();
    let set = set.to_str().unwrap();
    let ok = verify(set, "ES256", &token(&signer, Algorithm::ES256, "good"), &[]);
    assert!(ok.status.success(), "{}", err(&ok));
    let stderr = err(&ok);
    let warnings: Vec<&str> = stderr.lines().collect();
    assert_eq!(warnings.len(), 3, "{stderr}");
    assert!(
        warnings[0].starts_with("warning: key #0 (kid \"hx1\") skipped: ")
            && warnings[0].contains("X25519"),
        "{stderr}"
    );
    // The kid is escaped: no terminal control sequence from the document.
    assert!(
        warnings[1].starts_with(r#"warning: key #2 (kid "e\u{1b}[31m") skipped: its use is "enc""#),
        "{stderr}"
    );
    assert!(!stderr.contains('\u{1b}'));
    assert!(
        warnings[2].starts_with("warning: key #3 (no kid) skipped: ")
            && warnings[2].contains("PQC"),
        "{stderr}"
    );
    // The warnings come also when the token is refused (its key may be among the skipped).
    let stranger = Key::generate(Algorithm::ES256).unwrap();
    let refused = verify(
        set,
        "ES256",
        &token(&stranger, Algorithm::ES256, "hx1"),
        &[],
    );
    assert_eq!(refused.status.code(), Some(1), "{}", err(&refused));
    assert!(err(&refused).contains("warning: key #0 (kid \"hx1\") skipped"));
    assert!(err(&refused).contains("KeyNotFound"), "{}", err(&refused));
}

#[test]
fn a_mixed_set_needs_allow_mixed_keys() {
    let d = dir("mixed");
    let signer = Key::generate(Algorithm::EdDSA).unwrap().with_kid("ed");
    let public = signer.to_public_jwk().unwrap();
    let path = d.join("mixed.jwks");
    std::fs::write(&path, format!(r#"{{"keys":[{public},{SECRET_JWK}]}}"#)).unwrap();
    let set = path.to_str().unwrap();
    let secret = Key::from_jwk(SECRET_JWK).unwrap();
    let hs = token(&secret, Algorithm::HS256, "hs");

    let refused = verify(set, "HS256", &hs, &[]);
    assert_eq!(refused.status.code(), Some(2), "{}", err(&refused));
    let e = err(&refused);
    assert!(e.contains("InvalidKey"), "{e}");
    assert!(
        e.contains("keys[1] is an HMAC secret and keys[0] an asymmetric key"),
        "{e}"
    );
    assert!(e.contains("--allow-mixed-keys accepts such a set"), "{e}");

    let ok = verify(set, "HS256", &hs, &["--allow-mixed-keys"]);
    assert!(ok.status.success(), "{}", err(&ok));
    let ok = verify(
        set,
        "EdDSA",
        &token(&signer, Algorithm::EdDSA, "ed"),
        &["--allow-mixed-keys"],
    );
    assert!(ok.status.success(), "{}", err(&ok));

    // The flag is for --jwks only.
    let key = d.join("secret.jwk");
    std::fs::write(&key, SECRET_JWK).unwrap();
    let misuse = run(&[
        "verify",
        "--key",
        key.to_str().unwrap(),
        "--alg",
        "HS256",
        "--allow-mixed-keys",
        "--now",
        NOW,
        &hs,
    ]);
    assert_eq!(misuse.status.code(), Some(2), "{}", err(&misuse));
}

#[test]
fn two_keys_with_one_kid_are_refused_naming_it() {
    let d = dir("dup");
    let a = Key::generate(Algorithm::ES256).unwrap().with_kid("dup");
    let b = Key::generate(Algorithm::ES256).unwrap().with_kid("dup");
    let path = d.join("dup.jwks");
    std::fs::write(
        &path,
        format!(
            r#"{{"keys":[{},{}]}}"#,
            a.to_public_jwk().unwrap(),
            b.to_public_jwk().unwrap()
        ),
    )
    .unwrap();
    let set = path.to_str().unwrap();
    for extra in [&[][..], &["--allow-mixed-keys"][..]] {
        let refused = verify(set, "ES256", &token(&a, Algorithm::ES256, "dup"), extra);
        assert_eq!(refused.status.code(), Some(2), "{}", err(&refused));
        let e = err(&refused);
        assert!(
            e.contains(r#"different keys with the same kid "dup""#),
            "{e}"
        );
        assert!(!e.contains("--allow-mixed-keys accepts"), "{e}");
    }
}

/// Serves `body` on 127.0.0.1 (`Connection: close`) until the test process ends.
fn serve(body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
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
            let _ = conn.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
                .as_bytes(),
            );
        }
    });
    url
}

#[test]
fn a_served_set_warns_of_its_skipped_keys_and_takes_allow_mixed_keys() {
    let signer = Key::generate(Algorithm::EdDSA).unwrap().with_kid("ed");
    let public = signer.to_public_jwk().unwrap();
    let url = serve(format!(
        r#"{{"keys":[{public},{{"kty":"RSA","use":"enc","kid":"e1","n":"AQAB","e":"AQAB"}},{SECRET_JWK}]}}"#
    ));
    let ed = token(&signer, Algorithm::EdDSA, "ed");

    let refused = verify(&url, "EdDSA", &ed, &["--allow-http"]);
    assert_eq!(refused.status.code(), Some(1), "{}", err(&refused));
    assert!(err(&refused).contains("HMAC secret"), "{}", err(&refused));

    let ok = verify(&url, "EdDSA", &ed, &["--allow-http", "--allow-mixed-keys"]);
    assert!(ok.status.success(), "{}", err(&ok));
    assert_eq!(
        err(&ok).trim(),
        r#"warning: key #1 (kid "e1") skipped: its use is "enc", not "sig""#
    );
}
