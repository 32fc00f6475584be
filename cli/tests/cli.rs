//! The `hxjwt` command line, driven as other tooling drives it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::many_single_char_names,
    clippy::too_many_arguments,
    clippy::cast_possible_truncation,
    clippy::items_after_statements,
    clippy::single_char_pattern,
    clippy::range_plus_one,
    clippy::unnecessary_to_owned,
    reason = "test code: a failure should panic loudly"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_hxjwt");

fn vectors(name: &str) -> Value {
    let path = format!("{}/../tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let p = std::env::temp_dir().join(format!("hxjwt-cli-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write as _;
        let mut pipe = child.stdin.take().unwrap();
        if let Some(bytes) = stdin {
            pipe.write_all(bytes).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn keygen_create_validate_round_trip_in_both_modes() {
    let d = Dir::new("rt");
    let a = run(
        &["keygen", "alice.service", "-o", p(&d.path("alice.jwk"))],
        None,
    );
    assert!(a.status.success(), "{}", text(&a.stderr));
    let alice_pub = d.write("alice.pub", &text(&a.stderr));
    let b = run(
        &[
            "keygen",
            "bob.service",
            "-o",
            p(&d.path("bob.jwk")),
            "--public",
        ],
        None,
    );
    assert!(b.status.success());
    let bob_pub = d.write("bob.pub", &text(&b.stdout));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(d.path("alice.jwk"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "private key files are private");
    }
    let private: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path("alice.jwk")).unwrap()).unwrap();
    assert!(private["d"].is_string());
    let public: Value =
        serde_json::from_str(&std::fs::read_to_string(&alice_pub).unwrap()).unwrap();
    assert!(public.get("d").is_none());
    assert_eq!(public["kid"], "alice.service");

    let jwks = format!(
        r#"{{"keys":[{},{}]}}"#,
        std::fs::read_to_string(&alice_pub).unwrap().trim(),
        std::fs::read_to_string(&bob_pub).unwrap().trim()
    );
    let dir = d.write("dir.jwks", &jwks);

    // Shared-key mode, plaintext as an argument.
    let c = run(
        &[
            "create",
            "--key",
            p(&d.path("alice.jwk")),
            "--to-token",
            p(&bob_pub),
            "hello bob",
        ],
        None,
    );
    assert!(c.status.success(), "{}", text(&c.stderr));
    let token = text(&c.stdout);
    let v = run(
        &[
            "validate",
            "--key",
            p(&d.path("bob.jwk")),
            "--from-token",
            p(&alice_pub),
            token.trim(),
        ],
        None,
    );
    assert!(v.status.success(), "{}", text(&v.stderr));
    assert_eq!(v.stdout, b"hello bob");

    // Directory mode, binary plaintext and token through stdin.
    let binary: Vec<u8> = (0..=255).collect();
    let c = run(
        &[
            "create",
            "--key",
            p(&d.path("alice.jwk")),
            "--to",
            "bob.service",
            "--directory",
            p(&dir),
            "-",
        ],
        Some(&binary),
    );
    assert!(c.status.success(), "{}", text(&c.stderr));
    let v = run(
        &[
            "validate",
            "--key",
            p(&d.path("bob.jwk")),
            "--directory",
            p(&dir),
            "-",
        ],
        Some(&c.stdout),
    );
    assert!(v.status.success(), "{}", text(&v.stderr));
    assert_eq!(v.stdout, binary);

    // --json shows the authenticated header fields.
    let c = run(
        &[
            "create",
            "--key",
            p(&d.path("alice.jwk")),
            "--to-token",
            p(&bob_pub),
            "--now",
            "1767225600",
            "--ttl",
            "60",
            "--jti",
            "j1",
            "{\"a\":1}",
        ],
        None,
    );
    let v = run(
        &[
            "validate",
            "--key",
            p(&d.path("bob.jwk")),
            "--directory",
            p(&dir),
            "--now",
            "1767225610",
            "--json",
            text(&c.stdout).trim(),
        ],
        None,
    );
    assert!(v.status.success(), "{}", text(&v.stderr));
    let out: Value = serde_json::from_slice(&v.stdout).unwrap();
    assert_eq!(out["iss"], "alice.service");
    assert_eq!(out["exp"], 1_767_225_660);
    assert_eq!(out["jti"], "j1");
    assert_eq!(out["plaintext"], "{\"a\":1}");
    assert_eq!(out["protocol"], "HX1");

    // The ECDH-1PU mode: a compact JWE (5 segments), by name or by machine token, and validate
    // takes it and says so.
    let alice_jwk = d.path("alice.jwk");
    for recipient in [
        vec!["--to", "bob.service", "--directory", p(&dir)],
        vec!["--to-token", p(&bob_pub)],
    ] {
        let mut args = vec!["create", "--key", p(&alice_jwk), "--protocol", "ECDH-1PU"];
        args.extend(recipient);
        args.push("sealed for bob");
        let c = run(&args, None);
        assert!(c.status.success(), "{}", text(&c.stderr));
        let token = text(&c.stdout);
        assert_eq!(token.trim().split('.').count(), 5);
        let v = run(
            &[
                "validate",
                "--key",
                p(&d.path("bob.jwk")),
                "--from-token",
                p(&alice_pub),
                "--json",
                token.trim(),
            ],
            None,
        );
        assert!(v.status.success(), "{}", text(&v.stderr));
        let out: Value = serde_json::from_slice(&v.stdout).unwrap();
        assert_eq!(out["protocol"], "ECDH-1PU");
        assert_eq!(out["plaintext"], "sealed for bob");
    }

    // Rejections exit 1 with the kind on stderr.
    let v = run(
        &[
            "validate",
            "--key",
            p(&d.path("bob.jwk")),
            "--directory",
            p(&dir),
            "--now",
            "1767225660",
            text(&c.stdout).trim(),
        ],
        None,
    );
    assert_eq!(v.status.code(), Some(1));
    assert!(
        text(&v.stderr).starts_with("error: Expired: "),
        "{}",
        text(&v.stderr)
    );
    assert!(v.stdout.is_empty());
}

#[test]
fn validates_the_independent_known_answer_tokens() {
    let kat = vectors("hx1-kat.json");
    let d = Dir::new("kat");
    let bob = d.write("bob.jwk", &kat["recipient"].to_string());
    let mut alice_pub = kat["sender"].clone();
    alice_pub.as_object_mut().unwrap().remove("d");
    let alice_pub = d.write("alice.pub", &alice_pub.to_string());
    for v in kat["vectors"].as_array().unwrap() {
        let iat = v["iat"].to_string();
        let out = run(
            &[
                "validate",
                "--key",
                p(&bob),
                "--from-token",
                p(&alice_pub),
                "--now",
                &iat,
                v["token"].as_str().unwrap(),
            ],
            None,
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let want = hxjwt::b64::decode(v["plaintext_b64url"].as_str().unwrap(), "pt").unwrap();
        assert_eq!(out.stdout, want);
    }
}

#[test]
fn create_reproduces_nothing_random_but_validates_every_vector() {
    let v = vectors("hx1.json");
    let d = Dir::new("vec");
    let jwks = d.write("dir.jwks", &v["directory"].to_string());
    for (name, jwk) in v["identities"].as_object().unwrap() {
        d.write(&format!("{name}.jwk"), &jwk.to_string());
    }
    for e in v["positive"].as_array().unwrap() {
        let key = d.path(&format!("{}.jwk", e["recipient"].as_str().unwrap()));
        let mut args = vec![
            "validate".to_owned(),
            "--key".into(),
            p(&key).into(),
            "--directory".into(),
            p(&jwks).into(),
            "--now".into(),
            e["iat"].to_string(),
        ];
        if let Some(max) = e["max_token_len"].as_u64() {
            args.extend(["--max-token-length".into(), max.to_string()]);
        }
        args.push("-".into());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&args, Some(e["token"].as_str().unwrap().as_bytes()));
        assert!(out.status.success(), "{}: {}", e["name"], text(&out.stderr));
        let want = hxjwt::b64::decode(e["plaintext_b64url"].as_str().unwrap(), "pt").unwrap();
        assert_eq!(out.stdout, want, "{}", e["name"]);
    }
    let mut checked = 0;
    for e in v["negative"].as_array().unwrap() {
        // The CLI validates one token per process: replay and failing directories need state
        // the CLI does not have; tokens with a trailing newline are trimmed like any argument.
        let name = e["name"].as_str().unwrap();
        if e["replay"].as_bool() == Some(true)
            || e["directory_fails"].as_bool() == Some(true)
            || name == "trailing-newline"
        {
            continue;
        }
        let key = d.path(&format!("{}.jwk", e["recipient"].as_str().unwrap()));
        let mut args = vec![
            "validate".to_owned(),
            "--key".into(),
            p(&key).into(),
            "--now".into(),
            e["now"].to_string(),
        ];
        if e["mode"] == "shared" {
            let sender = d.write(&format!("{name}.pub"), &e["sender_jwk"].to_string());
            args.extend(["--from-token".into(), p(&sender).into()]);
        } else {
            args.extend(["--directory".into(), p(&jwks).into()]);
        }
        let pol = &e["policy"];
        if let Some(x) = pol["leeway"].as_u64() {
            args.extend(["--leeway".into(), x.to_string()]);
        }
        if let Some(x) = pol["max_lifetime"].as_u64() {
            args.extend(["--max-lifetime".into(), x.to_string()]);
        }
        if let Some(x) = pol["max_token_len"].as_u64() {
            args.extend(["--max-token-length".into(), x.to_string()]);
        }
        args.push("-".into());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&args, Some(e["token"].as_str().unwrap().as_bytes()));
        let err = text(&out.stderr);
        let kind = e["error"].as_str().unwrap();
        if e["mode"] == "shared" && kind == "InvalidKey" {
            // A bad key file is an input error (2), reported with its kind.
            assert_eq!(out.status.code(), Some(2), "{name}: {err}");
            assert!(err.contains(&format!("{kind}: ")), "{name}: {err}");
        } else {
            assert_eq!(out.status.code(), Some(1), "{name}: {err}");
            assert!(
                err.starts_with(&format!("error: {kind}: ")),
                "{name}: {err}"
            );
        }
        checked += 1;
    }
    assert!(checked > 50);
}

#[test]
fn inspect_shows_without_verifying() {
    let v = vectors("hx1-kat.json");
    let token = v["vectors"][0]["token"].as_str().unwrap();
    let out = run(&["inspect", token], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("NOT VERIFIED"));
    assert!(s.contains("\"iss\": \"alice.service\""));
    assert!(s.contains("2026-01-01 00:00:00 UTC"));
    assert!(s.contains("expired"));
    assert!(s.contains("HX1: encrypted"));
    // A plain JWT shows its claims.
    let plain = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    let out = run(&["inspect", "-"], Some(plain.as_bytes()));
    assert!(text(&out.stdout).contains("\"name\": \"John Doe\""));
    let out = run(&["inspect", "not-a-token"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("Malformed"));
}

#[test]
fn demo_runs_and_every_check_behaves() {
    let out = run(&["demo"], None);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let s = text(&out.stdout);
    assert!(s.contains("✓ accepted from alice.service"));
    for kind in [
        "InvalidSignature",
        "Expired",
        "Replayed",
        "WrongAudience",
        "UnknownIssuer",
    ] {
        assert!(s.contains("✓ rejected") && s.contains(kind), "{kind}");
    }
    assert!(
        !s.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
}

#[test]
fn usage_errors_exit_2_and_name_the_problem() {
    let d = Dir::new("usage");
    let out = run(
        &[
            "create",
            "--key",
            p(&d.path("missing.jwk")),
            "--to-token",
            "x",
            "hi",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("missing.jwk"));
    let public = d.write("pub.jwk", r#"{"kty":"OKP","crv":"X25519","kid":"a","x":"EU3wvSVXI4c0ZRTExhpx9aNxd9c0q7FRXnnxJtuCSEs"}"#);
    let out = run(
        &[
            "create",
            "--key",
            p(&public),
            "--to-token",
            p(&public),
            "hi",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("InvalidKey"),
        "{}",
        text(&out.stderr)
    );
    let out = run(&["keygen", ""], None);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["keygen", "x", "--public"], None);
    assert_eq!(out.status.code(), Some(2));
}
