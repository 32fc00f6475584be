//! `hxjwt keygen --alg`, `sign`, `verify` for standard JWTs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure should panic loudly"
)]

use std::path::PathBuf;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_hxjwt");

fn dir(tag: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("hxjwt-jws-cli-{tag}-{}", std::process::id()));
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

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn keygen_sign_verify_for_every_algorithm() {
    let d = dir("all");
    for alg in [
        "HS256", "HS384", "HS512", "RS256", "PS384", "ES256", "ES384", "ES512", "EdDSA",
    ] {
        let private = d.join(format!("{alg}.jwk"));
        let public = d.join(format!("{alg}.pub"));
        let hmac = alg.starts_with("HS");
        let k = if hmac {
            run(&["keygen", "--alg", alg, "-o", s(&private)])
        } else {
            run(&[
                "keygen",
                "--alg",
                alg,
                "mykid",
                "-o",
                s(&private),
                "--public",
                s(&public),
            ])
        };
        assert!(k.status.success(), "{alg}: {}", err(&k));
        let token = run(&[
            "sign",
            "--key",
            s(&private),
            "--alg",
            alg,
            "--ttl",
            "60",
            r#"{"sub":"u1","iss":"me"}"#,
        ]);
        assert!(token.status.success(), "{alg}: {}", err(&token));
        let token = out(&token);
        let verifier = if hmac { &private } else { &public };
        let v = run(&[
            "verify",
            "--key",
            s(verifier),
            "--alg",
            alg,
            "--iss",
            "me",
            "--sub",
            "u1",
            &token,
        ]);
        assert!(v.status.success(), "{alg}: {}", err(&v));
        let claims: serde_json::Value = serde_json::from_str(&out(&v)).unwrap();
        assert_eq!(claims["sub"], "u1");
        let wrong = run(&[
            "verify",
            "--key",
            s(verifier),
            "--alg",
            alg,
            "--iss",
            "someone-else",
            &token,
        ]);
        assert_eq!(wrong.status.code(), Some(1), "{alg}");
        assert!(
            err(&wrong).starts_with("error: IssuerMismatch: "),
            "{}",
            err(&wrong)
        );
        if !hmac {
            assert!(!std::fs::read_to_string(&public).unwrap().contains("\"d\""));
            let jwk: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&public).unwrap()).unwrap();
            assert_eq!(jwk["kid"], "mykid");
        }
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn verify_with_a_jwks_and_pem_keys_and_reject_with_kinds() {
    let d = dir("set");
    let keys = format!("{}/../tests/vectors/keys", env!("CARGO_MANIFEST_DIR"));
    let t = run(&[
        "sign",
        "--key",
        &format!("{keys}/ec-P-256.pkcs8.pem"),
        "--alg",
        "ES256",
        "--kid",
        "k1",
        "--now",
        "1767225600",
        "--ttl",
        "300",
        r#"{"aud":["a","b"]}"#,
    ]);
    assert!(t.status.success(), "{}", err(&t));
    let token = out(&t);
    let pem = format!("{keys}/ec-P-256.spki.pem");
    let ok = run(&[
        "verify",
        "--key",
        &pem,
        "--alg",
        "ES256",
        "--aud",
        "b",
        "--now",
        "1767225700",
        &token,
    ]);
    assert!(ok.status.success(), "{}", err(&ok));
    let expired = run(&[
        "verify",
        "--key",
        &pem,
        "--alg",
        "ES256",
        "--aud",
        "b",
        "--now",
        "1767225900",
        &token,
    ]);
    assert!(
        err(&expired).starts_with("error: Expired: "),
        "{}",
        err(&expired)
    );
    let leeway = run(&[
        "verify",
        "--key",
        &pem,
        "--alg",
        "ES256",
        "--aud",
        "b",
        "--now",
        "1767225900",
        "--leeway",
        "1",
        &token,
    ]);
    assert!(leeway.status.success());
    // The public key in a JWK Set, selected by kid.
    let k = run(&[
        "keygen",
        "--alg",
        "ES256",
        "other",
        "-o",
        s(&d.join("o.jwk")),
        "--public",
    ]);
    let other_pub = out(&k);
    let pem_jwk = {
        let key = hxjwt::jws::Key::from_pem(&std::fs::read_to_string(&pem).unwrap())
            .unwrap()
            .with_kid("k1");
        key.to_public_jwk().unwrap().to_string()
    };
    let set = d.join("set.jwks");
    std::fs::write(&set, format!(r#"{{"keys":[{other_pub},{pem_jwk}]}}"#)).unwrap();
    let ok = run(&[
        "verify",
        "--jwks",
        s(&set),
        "--alg",
        "ES256",
        "--aud",
        "a",
        "--now",
        "1767225700",
        &token,
    ]);
    assert!(ok.status.success(), "{}", err(&ok));
    // A public PEM key is not an HMAC secret, whatever the token's alg.
    let confused = run(&[
        "verify",
        "--secret-file",
        &pem,
        "--alg",
        "HS256",
        "--now",
        "1767225700",
        &token,
    ]);
    assert_eq!(confused.status.code(), Some(2));
    assert!(err(&confused).contains("InvalidKey"), "{}", err(&confused));
    let none = run(&["verify", "--key", &pem, "--alg", "none", &token]);
    assert_eq!(none.status.code(), Some(2));
    assert!(err(&none).contains("UnsupportedAlgorithm"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn claims_are_signed_and_printed_exactly_as_given() {
    let d = dir("exact");
    let (private, public) = (d.join("k.jwk"), d.join("k.pub"));
    let k = run(&[
        "keygen",
        "--alg",
        "ES256",
        "-o",
        s(&private),
        "--public",
        s(&public),
    ]);
    assert!(k.status.success(), "{}", err(&k));
    // Member order, and an integer past 64 bits: kept byte for byte both ways.
    let claims = r#"{"z":1,"n":123456789012345678901234567890,"exp":4102444800}"#;
    let t = run(&["sign", "--key", s(&private), "--alg", "ES256", claims]);
    assert!(t.status.success(), "{}", err(&t));
    let token = out(&t);
    let v = run(&["verify", "--key", s(&public), "--alg", "ES256", &token]);
    assert!(v.status.success(), "{}", err(&v));
    assert_eq!(out(&v), claims);
    // --ttl adds iat and exp in front, and keeps the rest as given.
    let t = run(&[
        "sign",
        "--key",
        s(&private),
        "--alg",
        "ES256",
        "--ttl",
        "60",
        "--now",
        "1000",
        r#"{"n":123456789012345678901234567890}"#,
    ]);
    let v = run(&[
        "verify",
        "--key",
        s(&public),
        "--alg",
        "ES256",
        "--now",
        "1010",
        &out(&t),
    ]);
    assert_eq!(
        out(&v),
        r#"{"iat":1000,"exp":1060,"n":123456789012345678901234567890}"#
    );
    let t = run(&[
        "sign",
        "--key",
        s(&private),
        "--alg",
        "ES256",
        "--ttl",
        "60",
        "--now",
        "1000",
        "{}",
    ]);
    let v = run(&[
        "verify",
        "--key",
        s(&public),
        "--alg",
        "ES256",
        "--now",
        "1010",
        &out(&t),
    ]);
    assert_eq!(out(&v), r#"{"iat":1000,"exp":1060}"#);
}

#[test]
fn key_files_are_read_with_a_bound() {
    // /dev/zero never ends: refused once past the bound, without filling memory.
    let o = run(&["verify", "--key", "/dev/zero", "--alg", "ES256", "x.y.z"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("larger than"), "{}", err(&o));
    let o = run(&[
        "verify",
        "--secret-file",
        "/dev/zero",
        "--alg",
        "HS256",
        "x.y.z",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
}
