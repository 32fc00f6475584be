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
        "HS256", "HS384", "HS512", "RS256", "PS384", "ES256", "ES384", "ES512", "ES256K", "EdDSA",
        "Ed25519",
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

/// The public half of tests/vectors/keys/ec-P-256.pkcs8.pem and ed25519.pkcs8.pem as OpenSSH
/// lines (`ssh-keygen -y`; pyca/cryptography for Ed25519).
const P256_SSH: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKw6isKVbHzwsxVfNR+ejgYVbC3RHOCjKM9T9N29plFYtO2hVo2NbL/uZtPQhpRCWQFvAgMT6yAlbFeeqlXa7ns= ops@example";
const ED25519_SSH: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMWVmTRLure4Ggbu10A4aZizd617mHTpCrX7tN4CgZtG";

#[test]
fn openssh_public_keys_verify_and_are_never_hmac_secrets() {
    let d = dir("ssh");
    let keys = format!("{}/../tests/vectors/keys", env!("CARGO_MANIFEST_DIR"));
    for (private, line, alg) in [
        ("ec-P-256.pkcs8.pem", P256_SSH, "ES256"),
        ("ed25519.pkcs8.pem", ED25519_SSH, "EdDSA"),
        ("ed25519.pkcs8.pem", ED25519_SSH, "Ed25519"),
    ] {
        let pubfile = d.join(format!("{alg}.pub"));
        std::fs::write(&pubfile, format!("{line}\n")).unwrap();
        let t = run(&[
            "sign",
            "--key",
            &format!("{keys}/{private}"),
            "--alg",
            alg,
            "--now",
            "1767225600",
            "--ttl",
            "300",
            r#"{"sub":"u1"}"#,
        ]);
        assert!(t.status.success(), "{alg}: {}", err(&t));
        let token = out(&t);
        let header: serde_json::Value = serde_json::from_slice(
            &hxjwt::b64::decode(token.split('.').next().unwrap(), "h").unwrap(),
        )
        .unwrap();
        assert_eq!(header["alg"], alg);
        let ok = run(&[
            "verify",
            "--key",
            s(&pubfile),
            "--alg",
            alg,
            "--now",
            "1767225700",
            &token,
        ]);
        assert!(ok.status.success(), "{alg}: {}", err(&ok));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&out(&ok)).unwrap()["sub"],
            "u1"
        );
        // An OpenSSH key cannot sign.
        let sign = run(&["sign", "--key", s(&pubfile), "--alg", alg, r#"{"a":1}"#]);
        assert_ne!(sign.status.code(), Some(0), "{alg}");
        assert!(err(&sign).contains("InvalidKey"), "{}", err(&sign));
        // As an HMAC secret: refused before any token is read, naming the option to use.
        let confused = run(&[
            "verify",
            "--secret-file",
            s(&pubfile),
            "--alg",
            "HS256",
            "--now",
            "1767225700",
            &token,
        ]);
        assert_eq!(confused.status.code(), Some(2), "{}", err(&confused));
        assert!(err(&confused).contains("InvalidKey"), "{}", err(&confused));
        assert!(err(&confused).contains("--key FILE"), "{}", err(&confused));
        // With an HS algorithm and the OpenSSH key as --key: a key of the wrong type.
        let hs = run(&[
            "verify",
            "--key",
            s(&pubfile),
            "--alg",
            "HS256",
            "--now",
            "1767225700",
            &token,
        ]);
        assert_ne!(hs.status.code(), Some(0));
    }
    // A DSA line and a 1024-bit RSA line are refused with InvalidKey.
    let dsa = d.join("dsa.pub");
    std::fs::write(&dsa, "ssh-dss AAAAB3NzaC1kc3M= old@host\n").unwrap();
    let v = run(&["verify", "--key", s(&dsa), "--alg", "ES256", "x.y.z"]);
    assert_ne!(v.status.code(), Some(0));
    assert!(
        err(&v).contains("InvalidKey") && err(&v).contains("DSA"),
        "{}",
        err(&v)
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn keygen_es256k_makes_a_secp256k1_jwk_that_openssl_keys_interoperate_with() {
    let d = dir("es256k");
    let k = run(&[
        "keygen",
        "--alg",
        "ES256K",
        "k1",
        "-o",
        s(&d.join("k1.jwk")),
        "--public",
        s(&d.join("k1.pub.jwk")),
    ]);
    assert!(k.status.success(), "{}", err(&k));
    let public: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("k1.pub.jwk")).unwrap()).unwrap();
    assert_eq!(public["crv"], "secp256k1");
    assert_eq!(public["alg"], "ES256K");
    // OpenSSL's secp256k1 PEM signs; ES256 with that key is refused.
    let keys = format!("{}/../tests/vectors/keys", env!("CARGO_MANIFEST_DIR"));
    let pem = format!("{keys}/ec-secp256k1.pkcs8.pem");
    let t = run(&["sign", "--key", &pem, "--alg", "ES256K", r#"{"a":1}"#]);
    assert!(t.status.success(), "{}", err(&t));
    let v = run(&[
        "verify",
        "--key",
        &pem,
        "--alg",
        "ES256K",
        "--no-exp-required",
        &out(&t),
    ]);
    assert!(v.status.success(), "{}", err(&v));
    let wrong = run(&["sign", "--key", &pem, "--alg", "ES256", r#"{"a":1}"#]);
    assert!(err(&wrong).contains("InvalidKey"), "{}", err(&wrong));
    let _ = std::fs::remove_dir_all(&d);
}
