//! `hxjwt keygen --jwe`, `encrypt`, `decrypt` and `inspect` of standard JWEs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::similar_names,
    clippy::many_single_char_names,
    reason = "test code: a failure should panic loudly; short names for keys"
)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_hxjwt");

fn dir(tag: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("hxjwt-jwe-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    p
}

fn run(args: &[&str]) -> Output {
    run_stdin(args, b"")
}

fn run_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A child that fails on its arguments may exit before reading stdin (a broken pipe here).
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A private and a public key file made by `keygen --jwe kind`.
fn keygen(d: &Path, kind: &str, kid: &str) -> (PathBuf, PathBuf) {
    let private = d.join(format!("{kid}.jwk"));
    let public = d.join(format!("{kid}.pub"));
    let k = run(&[
        "keygen",
        "--jwe",
        kind,
        kid,
        "-o",
        s(&private),
        "--public",
        s(&public),
    ]);
    assert!(k.status.success(), "{kind}: {}", err(&k));
    (private, public)
}

/// A secret key file made by `keygen --jwe oct-N`.
fn secret(d: &Path, kind: &str, kid: &str) -> PathBuf {
    let private = d.join(format!("{kid}.jwk"));
    let k = run(&["keygen", "--jwe", kind, kid, "-o", s(&private)]);
    assert!(k.status.success(), "{kind}: {}", err(&k));
    private
}

fn encrypt(key: &Path, alg: &str, enc: &str, extra: &[&str], plaintext: &str) -> String {
    let mut args = vec!["encrypt", "--key", s(key), "--alg", alg, "--enc", enc];
    args.extend_from_slice(extra);
    args.push(plaintext);
    let o = run(&args);
    assert!(o.status.success(), "encrypt {alg} {enc}: {}", err(&o));
    out(&o)
}

fn decrypt(keys: &[&Path], algs: &[&str], encs: &[&str], extra: &[&str], token: &str) -> Output {
    let mut args = vec!["decrypt"];
    for k in keys {
        args.extend_from_slice(&["--key", s(k)]);
    }
    for a in algs {
        args.extend_from_slice(&["--alg", a]);
    }
    for e in encs {
        args.extend_from_slice(&["--enc", e]);
    }
    args.extend_from_slice(extra);
    args.push("-");
    run_stdin(&args, token.as_bytes())
}

/// Exit 1 with `error: <kind>: ...` on stderr.
fn assert_rejected(o: &Output, kind: &str) {
    assert_eq!(o.status.code(), Some(1), "{}", err(o));
    assert!(
        err(o).contains(&format!("error: {kind}: ")),
        "expected {kind}: {}",
        err(o)
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn round_trips_for_each_key_type() {
    let d = dir("rt");
    let (x, x_pub) = keygen(&d, "X25519", "x");
    let (p, p_pub) = keygen(&d, "P-256", "p");
    let (r, r_pub) = keygen(&d, "RSA", "r");
    let oct16 = secret(&d, "oct-16", "o16");
    let oct32 = secret(&d, "oct-32", "o32");
    for (private, public, alg, enc) in [
        (&x, &x_pub, "ECDH-ES+A256KW", "A256GCM"),
        (&x, &x_pub, "ECDH-ES", "A128CBC-HS256"),
        (&p, &p_pub, "ECDH-ES+A128KW", "A256CBC-HS512"),
        (&r, &r_pub, "RSA-OAEP-256", "A256GCM"),
        (&r, &r_pub, "RSA-OAEP", "A128GCM"),
        (&oct16, &oct16, "A128KW", "A128GCM"),
        (&oct16, &oct16, "A128GCMKW", "A192GCM"),
        (&oct32, &oct32, "dir", "A256GCM"),
        (&oct32, &oct32, "PBES2-HS256+A128KW", "A128GCM"),
    ] {
        let extra: &[&str] = if alg.starts_with("PBES2") {
            &["--header", r#"{"p2c":1000}"#]
        } else {
            &[]
        };
        let token = encrypt(public, alg, enc, extra, "hello");
        assert_eq!(token.split('.').count(), 5, "{alg}");
        let o = decrypt(&[private], &[alg], &[enc], &[], &token);
        assert!(o.status.success(), "{alg} {enc}: {}", err(&o));
        assert_eq!(o.stdout, b"hello", "{alg} {enc}");
    }
    // A public key cannot decrypt.
    let token = encrypt(&x_pub, "ECDH-ES", "A256GCM", &[], "x");
    let o = decrypt(&[&x_pub], &["ECDH-ES"], &["A256GCM"], &[], &token);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
}

#[test]
fn binary_plaintext_from_stdin_and_json_output() {
    let d = dir("bin");
    let (x, x_pub) = keygen(&d, "X25519", "x");
    let bytes: Vec<u8> = (0u8..=255).collect();
    let o = run_stdin(
        &[
            "encrypt",
            "--key",
            s(&x_pub),
            "--alg",
            "ECDH-ES",
            "--enc",
            "A256GCM",
            "--kid",
            "x",
            "--header",
            r#"{"typ":"JWT","cty":"bytes","x-tenant":"acme"}"#,
            "-",
        ],
        &bytes,
    );
    assert!(o.status.success(), "{}", err(&o));
    let token = out(&o);
    let o = decrypt(&[&x], &["ECDH-ES"], &["A256GCM"], &[], &token);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(o.stdout, bytes);
    let o = decrypt(
        &[&x],
        &["ECDH-ES"],
        &["A256GCM"],
        &["--json", "--typ", "jwt"],
        &token,
    );
    assert!(o.status.success(), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["header"]["kid"], "x");
    assert_eq!(v["header"]["x-tenant"], "acme");
    assert_eq!(v["header"]["cty"], "bytes");
    assert!(v["plaintext_b64url"].is_string());
    // typ required and absent or different: refused.
    let o = decrypt(
        &[&x],
        &["ECDH-ES"],
        &["A256GCM"],
        &["--typ", "secevent+jwt"],
        &token,
    );
    assert_rejected(&o, "InvalidClaim");
}

#[test]
fn json_serialization_round_trip() {
    let d = dir("json");
    let (p, p_pub) = keygen(&d, "P-256", "p");
    let token = encrypt(&p_pub, "ECDH-ES+A256KW", "A256GCM", &["--json"], "flat");
    assert!(token.starts_with('{'), "{token}");
    let o = decrypt(&[&p], &["ECDH-ES+A256KW"], &["A256GCM"], &[], &token);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(o.stdout, b"flat");
}

#[test]
fn ecdh_1pu_needs_the_right_sender() {
    let d = dir("1pu");
    let (bob, bob_pub) = keygen(&d, "X25519", "bob");
    let (alice, alice_pub) = keygen(&d, "X25519", "alice");
    let (_, mallory_pub) = keygen(&d, "X25519", "mallory");
    let token = encrypt(
        &bob_pub,
        "ECDH-1PU+A256KW",
        "A256CBC-HS512",
        &["--sender-key", s(&alice)],
        "from alice",
    );
    let algs = ["ECDH-1PU+A256KW"];
    let encs = ["A256CBC-HS512"];
    let o = decrypt(
        &[&bob],
        &algs,
        &encs,
        &["--sender-key", s(&alice_pub)],
        &token,
    );
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(o.stdout, b"from alice");
    // The token's skid is "alice": mallory's key does not match it.
    let o = decrypt(
        &[&bob],
        &algs,
        &encs,
        &["--sender-key", s(&mallory_pub)],
        &token,
    );
    assert_rejected(&o, "KeyNotFound");
    let o = decrypt(&[&bob], &algs, &encs, &[], &token);
    assert_rejected(&o, "UnsupportedAlgorithm");
}

#[test]
fn jwks_selects_by_kid() {
    let d = dir("jwks");
    let (a, a_pub) = keygen(&d, "X25519", "key-a");
    let (b, _) = keygen(&d, "P-256", "key-b");
    let set = d.join("set.json");
    let jwk = |p: &Path| std::fs::read_to_string(p).unwrap().trim().to_owned();
    // A signing key in the set is skipped.
    let sig = r#"{"kty":"oct","k":"c2lnbmluZyBrZXkgb2YgMzIgYnl0ZXMgZm9yIEhTMjU2","use":"sig"}"#;
    std::fs::write(
        &set,
        format!(r#"{{"keys":[{},{sig},{}]}}"#, jwk(&b), jwk(&a)),
    )
    .unwrap();
    let token = encrypt(&a_pub, "ECDH-ES+A128KW", "A128GCM", &[], "picked");
    let o = run_stdin(
        &[
            "decrypt",
            "--jwks",
            s(&set),
            "--alg",
            "ECDH-ES+A128KW",
            "--enc",
            "A128GCM",
            "-",
        ],
        token.as_bytes(),
    );
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(o.stdout, b"picked");
}

#[test]
fn refusals_exit_1_with_the_kind() {
    let d = dir("refuse");
    let (x, x_pub) = keygen(&d, "X25519", "x");
    let (other, _) = keygen(&d, "X25519", "x2");
    let token = encrypt(&x_pub, "ECDH-ES+A128KW", "A128GCM", &[], "secret");
    let alg = ["ECDH-ES+A128KW"];
    let enc = ["A128GCM"];
    assert_rejected(
        &decrypt(&[&x], &["ECDH-ES+A256KW"], &enc, &[], &token),
        "UnsupportedAlgorithm",
    );
    assert_rejected(
        &decrypt(&[&x], &alg, &["A256GCM"], &[], &token),
        "UnsupportedAlgorithm",
    );
    // kid "x2" is not the token's "x": not tried.
    assert_rejected(&decrypt(&[&other], &alg, &enc, &[], &token), "KeyNotFound");
    // A truncated tag, a flipped ciphertext, a JWS, the wrong serialization.
    let truncated = &token[..token.len() - 3];
    assert_rejected(&decrypt(&[&x], &alg, &enc, &[], truncated), "Malformed");
    let mut segments: Vec<String> = token.split('.').map(str::to_owned).collect();
    let ct = segments[3].clone().into_bytes();
    let flipped: Vec<u8> = ct
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                if *c == b'A' { b'B' } else { b'A' }
            } else {
                *c
            }
        })
        .collect();
    segments[3] = String::from_utf8(flipped).unwrap();
    assert_rejected(
        &decrypt(&[&x], &alg, &enc, &[], &segments.join(".")),
        "DecryptionFailed",
    );
    let jws = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl";
    assert_rejected(&decrypt(&[&x], &alg, &enc, &[], jws), "Malformed");
    assert_rejected(
        &decrypt(&[&x], &alg, &enc, &["--max-token-length", "50"], &token),
        "Malformed",
    );
    // Usage: no --alg, RSA1_5 named, a missing key file.
    let o = run_stdin(
        &["decrypt", "--key", s(&x), "--enc", "A128GCM", "-"],
        token.as_bytes(),
    );
    assert_eq!(o.status.code(), Some(2));
    let o = decrypt(&[&x], &["RSA1_5"], &enc, &[], &token);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("RSA1_5"), "{}", err(&o));
    let o = decrypt(&[&d.join("missing.jwk")], &alg, &enc, &[], &token);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let o = run(&[
        "encrypt",
        "--key",
        s(&x_pub),
        "--alg",
        "A128KW",
        "--enc",
        "A128GCM",
        "x",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let o = run(&["keygen", "--jwe", "Ed25519", "-o", s(&d.join("e.jwk"))]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
}

#[test]
fn zip_and_p2c_are_bounded() {
    let d = dir("bounds");
    let oct = secret(&d, "oct-16", "o");
    let big = "a".repeat(100_000);
    let token = encrypt(
        &oct,
        "A128KW",
        "A128GCM",
        &["--header", r#"{"zip":"DEF"}"#],
        &big,
    );
    assert!(token.len() < 5_000, "{}", token.len());
    let alg = ["A128KW"];
    let enc = ["A128GCM"];
    assert_rejected(&decrypt(&[&oct], &alg, &enc, &[], &token), "UnknownHeader");
    assert_rejected(
        &decrypt(&[&oct], &alg, &enc, &["--allow-zip", "1000"], &token),
        "Malformed",
    );
    let o = decrypt(&[&oct], &alg, &enc, &["--allow-zip", "250000"], &token);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(o.stdout.len(), 100_000);

    let pbes = ["PBES2-HS256+A128KW"];
    let token = encrypt(
        &oct,
        pbes[0],
        "A128GCM",
        &["--header", r#"{"p2c":2000}"#],
        "pw",
    );
    assert_rejected(
        &decrypt(&[&oct], &pbes, &enc, &["--max-p2c", "1999"], &token),
        "Malformed",
    );
    let o = decrypt(&[&oct], &pbes, &enc, &["--max-p2c", "2000"], &token);
    assert!(o.status.success(), "{}", err(&o));
    // PBES2 only when named.
    assert_rejected(
        &decrypt(&[&oct], &alg, &enc, &[], &token),
        "UnsupportedAlgorithm",
    );
}

#[test]
fn inspect_shows_the_header_not_decrypted() {
    let d = dir("inspect");
    let (_, x_pub) = keygen(&d, "X25519", "inspected");
    let token = encrypt(&x_pub, "ECDH-ES+A256KW", "A256GCM", &[], "hidden payload");
    let o = run_stdin(&["inspect", "-"], token.as_bytes());
    assert!(o.status.success(), "{}", err(&o));
    let text = out(&o);
    assert!(text.contains("NOT DECRYPTED"), "{text}");
    assert!(text.contains("\"alg\": \"ECDH-ES+A256KW\""), "{text}");
    assert!(text.contains("\"kid\": \"inspected\""), "{text}");
    assert!(!text.contains("hidden payload"), "{text}");
    // The JSON serialization: the protected and the recipient headers.
    let json = encrypt(
        &x_pub,
        "ECDH-ES+A256KW",
        "A256GCM",
        &["--json"],
        "hidden payload",
    );
    let o = run_stdin(&["inspect", "-"], json.as_bytes());
    assert!(o.status.success(), "{}", err(&o));
    let text = out(&o);
    assert!(text.contains("NOT DECRYPTED"), "{text}");
    assert!(text.contains("Protected header"), "{text}");
    assert!(text.contains("\"enc\": \"A256GCM\""), "{text}");
    let o = run(&["inspect", r#"{"protected":"e30"}"#]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    // A JWS is still shown as one.
    let o = run(&[
        "inspect",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("NOT VERIFIED"));
}

#[test]
fn keygen_writes_enc_keys() {
    let d = dir("keygen");
    let (private, public) = keygen(&d, "P-256", "enc-key");
    let private: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(private).unwrap()).unwrap();
    let public: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(public).unwrap()).unwrap();
    assert_eq!(private["kid"], "enc-key");
    assert!(private["d"].is_string());
    assert!(public.get("d").is_none());
    assert_eq!(public["crv"], "P-256");
    // Without a name, the kid is the thumbprint; a secret has no public half.
    let o = run(&[
        "keygen",
        "--jwe",
        "oct-32",
        "--public",
        "-",
        "-o",
        s(&d.join("s.jwk")),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let o = run(&["keygen", "--jwe", "X25519"]);
    assert!(o.status.success(), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["kid"].as_str().unwrap().len(), 43);
}
