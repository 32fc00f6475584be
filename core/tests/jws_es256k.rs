//! Issue 15, item 5: ES256K (RFC 8812), the fully-specified `Ed25519` name (RFC 9864) and
//! OpenSSH public keys as verification keys. Run under both backends (`make pure-rust-test`).
//! The shared vectors (tests/vectors/jws.json) hold the tokens of other implementations; this
//! file tests the key handling around them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a failure should panic loudly"
)]

use hxjwt::jws::{self, Algorithm, Header, Key, KeyType, Validation};
use hxjwt::{ErrorKind, FixedClock, b64};
use serde_json::{Value, json};

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/keys");
const NOW: i64 = 1_767_225_600;

/// The public halves of tests/vectors/keys/*.pkcs8.pem as OpenSSH lines, made by `ssh-keygen -y`
/// (OpenSSH) and, for Ed25519, by pyca/cryptography.
const RSA2048_SSH: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCQHDBpRZVMG48fO1KbEK5lfISFlJRdrFfzuf/OWp8QMysXB4dwjo0DCeUEsTV6FcfSpuahD/r4joD49WKks1QcCULury7+H6UOdYfzI0fpbUk1LbMLFjALPesEH3fOkvFzdv7btAjPb6Z/P97WXHJZdGlS9/D7uywSnK379byxBZZUSFTOxXdILjSxRcnquRSUFK/FYiGUUrvbzANqGsIhY6skY8ASSO/UGWV7n4pdJFlmAolkR58Z/ViTi6pRYJqUdz1J6Moa/kmAFaSt6mqIM5XVP/FJQsBlnrvvm1HelKOcxE4540K+ZQZJVY/y5l+h4QJZE/K18/ykO4+MHQJP";
const P256_SSH: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKw6isKVbHzwsxVfNR+ejgYVbC3RHOCjKM9T9N29plFYtO2hVo2NbL/uZtPQhpRCWQFvAgMT6yAlbFeeqlXa7ns=";
const P384_SSH: &str = "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBOrdSFDahAraIkMOfFvzE25GG0QZN+SKvbE/YPruZgpksKUSCCbzRvbOZ/yj6pKvjGI5uNMDAlxVmsjOzuI/AueR+bjfr8IyNyg2eoKd8MtTc6zQ/nygbJ45Jt/7F4dgMA==";
const P521_SSH: &str = "ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBACBGGHzR5KeRESA3k04q6ZMUmHTA6e+Il0yBbbvXjjFb3MzWQjYgpkwVJPPq5XyZqcRp3MbOl8RSzPjf95XvCTF3gGfeGu/E2YasYAtkuFX4pkSHv0iIhbC3H5faQyJEj9ScDsNRcuVJgQabQTWwAmBcRwKqlpAPpa+xg34ut9qW2XGwA==";
const ED25519_SSH: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMWVmTRLure4Ggbu10A4aZizd617mHTpCrX7tN4CgZtG";
const RSA1024_SSH: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDsTbyUpSPuWBod6o9pc9ORedvriXGX4dCr2oKETF2YH5wr5uzAVs1EsY1k88pPfE98IEpT+AP0jEPczd1ZOABQjOASoNZ9r7wCZmisZHT2zXxMNfpX09RXPQ77LZ4WeBGgOqm7A17PcJ7e2GZ77pELY2krObeNPJuJg+iI9C32zw==";

fn pem(file: &str) -> Key {
    Key::from_pem(&std::fs::read_to_string(format!("{KEYS}/{file}")).unwrap()).unwrap()
}

fn v(algs: &[Algorithm]) -> Validation {
    Validation::new(algs).clock(FixedClock(NOW))
}

fn claims() -> Value {
    json!({"sub": "user-7", "exp": NOW + 300})
}

fn kind<T: std::fmt::Debug>(r: hxjwt::Result<T>) -> ErrorKind {
    r.unwrap_err().kind()
}

fn header_of(token: &str) -> Value {
    let h = token.split('.').next().unwrap();
    serde_json::from_slice(&b64::decode(h, "header").unwrap()).unwrap()
}

#[test]
fn es256k_signs_and_verifies_with_generated_jwk_and_pem_keys() {
    let key = Key::generate(Algorithm::ES256K).unwrap();
    assert_eq!(key.key_type(), KeyType::Ec);
    assert_eq!(key.crv(), Some("secp256k1"));
    assert_eq!(key.curve(), None, "secp256k1 is not a NIST jws::Curve");
    assert_eq!(key.algorithms(), [Algorithm::ES256K]);
    let jwk = key.to_public_jwk().unwrap();
    assert_eq!(jwk["crv"], "secp256k1");
    assert_eq!(jwk["kty"], "EC");
    assert_eq!(jwk["alg"], "ES256K");
    let token = jws::encode(&Header::new(Algorithm::ES256K), &claims(), &key).unwrap();
    assert_eq!(header_of(&token)["alg"], "ES256K");
    let sig = b64::decode(token.rsplit_once('.').unwrap().1, "sig").unwrap();
    assert_eq!(sig.len(), 64, "raw r || s");
    let public = Key::from_jwk(&jwk.to_string()).unwrap();
    let data = jws::decode::<Value>(&token, &public, &v(&[Algorithm::ES256K])).unwrap();
    assert_eq!(data.claims["sub"], "user-7");
    // The private JWK round-trips and signs.
    let again = Key::from_jwk(&key.to_private_jwk()).unwrap();
    assert!(again.is_private());
    let t2 = jws::encode(&Header::new(Algorithm::ES256K), &claims(), &again).unwrap();
    jws::decode::<Value>(&t2, &public, &v(&[Algorithm::ES256K])).unwrap();
}

#[test]
fn the_secp256k1_pem_key_of_openssl_signs_for_es256k_only() {
    let key = pem("ec-secp256k1.pkcs8.pem");
    assert_eq!(key.crv(), Some("secp256k1"));
    let token = jws::encode(&Header::new(Algorithm::ES256K), &claims(), &key).unwrap();
    let public = key.to_public().unwrap();
    jws::decode::<Value>(&token, &public, &v(&[Algorithm::ES256K])).unwrap();
    // Not ES256, whose curve is P-256, in either direction.
    assert_eq!(
        kind(jws::encode(&Header::new(Algorithm::ES256), &claims(), &key)),
        ErrorKind::InvalidKey
    );
    let p256 = pem("ec-P-256.pkcs8.pem");
    assert_eq!(
        kind(jws::encode(
            &Header::new(Algorithm::ES256K),
            &claims(),
            &p256
        )),
        ErrorKind::InvalidKey
    );
    // A token claiming ES256K verified with a P-256 key, and the reverse, are refused.
    assert_eq!(
        kind(jws::decode::<Value>(
            &token,
            &p256.to_public().unwrap(),
            &v(&[Algorithm::ES256K])
        )),
        ErrorKind::InvalidKey
    );
}

#[test]
fn es256k_jwk_with_a_point_off_the_curve_or_a_bad_d_is_refused() {
    let jwk: Value =
        serde_json::from_str(&Key::generate(Algorithm::ES256K).unwrap().to_private_jwk()).unwrap();
    let mut off = jwk.clone();
    let mut y = b64::decode(off["y"].as_str().unwrap(), "y").unwrap();
    y[31] ^= 1;
    off["y"] = b64::encode(&y).into();
    off.as_object_mut().unwrap().remove("d");
    assert_eq!(kind(Key::from_jwk(&off.to_string())), ErrorKind::InvalidKey);
    // d = n (the group order) is out of range.
    let mut big = jwk.clone();
    big["d"] = b64::encode(
        &hex::decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141").unwrap(),
    )
    .into();
    assert_eq!(kind(Key::from_jwk(&big.to_string())), ErrorKind::InvalidKey);
    // A d that is not the one of x, y.
    let mut other = jwk;
    let d2: Value =
        serde_json::from_str(&Key::generate(Algorithm::ES256K).unwrap().to_private_jwk()).unwrap();
    other["d"] = d2["d"].clone();
    assert_eq!(
        kind(Key::from_jwk(&other.to_string())),
        ErrorKind::InvalidKey
    );
    // An unknown curve still names the ones supported.
    let err = Key::from_jwk(r#"{"kty":"EC","crv":"P-256K","x":"AA","y":"AA"}"#).unwrap_err();
    assert!(err.to_string().contains("secp256k1"), "{err}");
}

#[test]
fn es256k_signatures_with_a_high_s_verify_too() {
    // n - s for a signature hxjwt made: RFC 8812 does not require low s (k256 does, so the
    // pure-Rust backend normalizes before verifying).
    const N: &str = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
    let key = Key::generate(Algorithm::ES256K).unwrap();
    let public = key.to_public().unwrap();
    let token = jws::encode(&Header::new(Algorithm::ES256K), &claims(), &key).unwrap();
    let (input, sig) = token.rsplit_once('.').unwrap();
    let sig = b64::decode(sig, "sig").unwrap();
    let n = hex::decode(N).unwrap();
    let mut neg = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(n[i]) - i16::from(sig[32 + i]) - borrow;
        borrow = i16::from(d < 0);
        neg[i] = u8::try_from(d.rem_euclid(256)).unwrap();
    }
    let flipped = format!("{input}.{}", b64::encode(&[&sig[..32], &neg[..]].concat()));
    jws::decode::<Value>(&token, &public, &v(&[Algorithm::ES256K])).unwrap();
    jws::decode::<Value>(&flipped, &public, &v(&[Algorithm::ES256K])).unwrap();
    // The pure-Rust backend signs low-S (k256 normalizes); aws-lc does not promise to.
    if jws::BACKEND == "RustCrypto" {
        assert!(sig[32..] <= neg[..], "k256 signs with a low s");
    }
}

#[test]
fn ed25519_is_an_algorithm_name_over_the_eddsa_keys() {
    assert_eq!("Ed25519".parse::<Algorithm>().unwrap(), Algorithm::Ed25519);
    assert_eq!(Algorithm::Ed25519.key_type(), KeyType::Ed25519);
    let key = pem("ed25519.pkcs8.pem");
    assert_eq!(key.algorithms(), [Algorithm::EdDSA, Algorithm::Ed25519]);
    let public = key.to_public().unwrap();
    let t_ed = jws::encode(&Header::new(Algorithm::Ed25519), &claims(), &key).unwrap();
    let t_eddsa = jws::encode(&Header::new(Algorithm::EdDSA), &claims(), &key).unwrap();
    assert_eq!(header_of(&t_ed)["alg"], "Ed25519");
    assert_eq!(header_of(&t_eddsa)["alg"], "EdDSA");
    // The same signature bytes: Ed25519 is deterministic and the header is not signed twice.
    let input_ed = t_ed.rsplit_once('.').unwrap().0;
    let sig_ed = jws_sign_eddsa(&key, input_ed);
    assert_eq!(sig_ed, t_ed.rsplit_once('.').unwrap().1);
    // A key without alg serves both when the allow-list names them, each only by its name.
    let both = v(&[Algorithm::EdDSA, Algorithm::Ed25519]);
    assert_eq!(
        jws::decode::<Value>(&t_ed, &public, &both).unwrap().alg,
        Algorithm::Ed25519
    );
    assert_eq!(
        jws::decode::<Value>(&t_eddsa, &public, &both).unwrap().alg,
        Algorithm::EdDSA
    );
    assert_eq!(
        kind(jws::decode::<Value>(
            &t_ed,
            &public,
            &v(&[Algorithm::EdDSA])
        )),
        ErrorKind::UnsupportedAlgorithm
    );
    assert_eq!(
        kind(jws::decode::<Value>(
            &t_eddsa,
            &public,
            &v(&[Algorithm::Ed25519])
        )),
        ErrorKind::UnsupportedAlgorithm
    );
    // A JWK that says alg EdDSA verifies EdDSA only; one that says Ed25519, Ed25519 only.
    let mut jwk = public.to_public_jwk().unwrap();
    jwk["alg"] = "EdDSA".into();
    let eddsa_only = Key::from_jwk(&jwk.to_string()).unwrap();
    jws::decode::<Value>(&t_eddsa, &eddsa_only, &both).unwrap();
    assert_eq!(
        kind(jws::decode::<Value>(&t_ed, &eddsa_only, &both)),
        ErrorKind::InvalidKey
    );
    jwk["alg"] = "Ed25519".into();
    let ed_only = Key::from_jwk(&jwk.to_string()).unwrap();
    jws::decode::<Value>(&t_ed, &ed_only, &both).unwrap();
    assert_eq!(
        kind(jws::decode::<Value>(&t_eddsa, &ed_only, &both)),
        ErrorKind::InvalidKey
    );
    // Generated for Ed25519: restricted to it, published with alg Ed25519.
    let g = Key::generate(Algorithm::Ed25519).unwrap();
    assert_eq!(g.algorithms(), [Algorithm::Ed25519]);
    assert_eq!(g.to_public_jwk().unwrap()["alg"], "Ed25519");
    assert_eq!(g.to_public_jwk().unwrap()["crv"], "Ed25519");
}

/// The `EdDSA` signature of `input` (what an Ed25519 token's signature must equal).
fn jws_sign_eddsa(key: &Key, input: &str) -> String {
    b64::encode(&hxjwt::dangerous::jws_sign(key, Algorithm::EdDSA, input.as_bytes()).unwrap())
}

#[test]
fn openssh_public_keys_verify_what_their_private_keys_sign() {
    for (file, line, alg) in [
        ("rsa2048.pkcs8.pem", RSA2048_SSH, Algorithm::RS256),
        ("rsa2048.pkcs8.pem", RSA2048_SSH, Algorithm::PS512),
        ("ec-P-256.pkcs8.pem", P256_SSH, Algorithm::ES256),
        ("ec-P-384.pkcs8.pem", P384_SSH, Algorithm::ES384),
        ("ec-P-521.pkcs8.pem", P521_SSH, Algorithm::ES512),
        ("ed25519.pkcs8.pem", ED25519_SSH, Algorithm::EdDSA),
        ("ed25519.pkcs8.pem", ED25519_SSH, Algorithm::Ed25519),
    ] {
        let private = pem(file);
        let with_comment = format!("{line} alice@laptop\n");
        for text in [line, with_comment.as_str()] {
            let public = Key::from_openssh(text).unwrap();
            assert!(!public.is_private(), "{file}");
            assert_eq!(public.thumbprint(), private.thumbprint(), "{file}");
            // from_pem takes the same line (the any-format loader).
            assert_eq!(
                Key::from_pem(text).unwrap().thumbprint(),
                private.thumbprint()
            );
            let token = jws::encode(&Header::new(alg), &claims(), &private).unwrap();
            jws::decode::<Value>(&token, &public, &v(&[alg])).unwrap();
            // A public key cannot sign.
            assert_eq!(
                kind(jws::encode(&Header::new(alg), &claims(), &public)),
                ErrorKind::InvalidKey
            );
        }
    }
}

#[test]
fn openssh_keys_are_never_hmac_secrets() {
    let hs = Algorithm::HS256;
    for line in [RSA2048_SSH, P256_SSH, ED25519_SSH] {
        // As a key: it serves no HS algorithm (signing or verifying).
        let key = Key::from_openssh(line).unwrap();
        assert!(!key.algorithms().contains(&hs));
        let forged = {
            let secret = Key::from_secret(b"0123456789abcdef0123456789abcdef").unwrap();
            jws::encode(&Header::new(hs), &claims(), &secret).unwrap()
        };
        assert_eq!(
            kind(jws::decode::<Value>(&forged, &key, &v(&[hs]))),
            ErrorKind::InvalidKey
        );
        // As secret bytes, raw or in an oct JWK: refused, whatever the leading space.
        for text in [line.to_owned(), format!("  {line}\n")] {
            let err = Key::from_secret(text.as_bytes()).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidKey);
            assert!(err.to_string().contains("from_openssh"), "{err}");
            assert!(Key::looks_like_public_key(text.as_bytes()));
            let jwk = json!({"kty": "oct", "k": b64::encode(text.as_bytes())}).to_string();
            assert_eq!(kind(Key::from_jwk(&jwk)), ErrorKind::InvalidKey);
        }
    }
    // PEM text in an oct JWK is refused the same way.
    let spki = std::fs::read_to_string(format!("{KEYS}/ec-P-256.spki.pem")).unwrap();
    let jwk = json!({"kty": "oct", "k": b64::encode(spki.as_bytes())}).to_string();
    assert_eq!(kind(Key::from_jwk(&jwk)), ErrorKind::InvalidKey);
    // An ordinary secret is still one.
    let ok = json!({"kty": "oct", "k": b64::encode(b"ssh is a fine word inside a secret!!")});
    Key::from_jwk(&ok.to_string()).unwrap();
}

#[test]
fn hostile_or_unsupported_openssh_lines_are_refused_precisely() {
    let (kind_of, blob) = ED25519_SSH.split_once(' ').unwrap();
    let raw = base64_std_decode(blob);
    let reencode = |bytes: &[u8]| format!("{kind_of} {}", base64_std_encode(bytes));
    let cases: Vec<(String, &str)> = vec![
        (RSA1024_SSH.to_owned(), "1024 bits"),
        (String::new(), "not supported"),
        ("ssh-ed25519".to_owned(), "no base64"),
        ("ssh-ed25519 !!!!".to_owned(), "not base64"),
        ("ssh-dss AAAAB3NzaC1kc3M=".to_owned(), "DSA"),
        (
            "ssh-ed25519-cert-v01@openssh.com AAAA".to_owned(),
            "certificates",
        ),
        ("sk-ssh-ed25519@openssh.com AAAA".to_owned(), "FIDO"),
        (format!("command=\"ls\" {ED25519_SSH}"), "not supported"),
        // The type named before the blob is not the one inside it.
        (format!("ssh-rsa {blob}"), "not the one named"),
        // Truncated: the 32-byte key cut short, or the length prefix itself cut.
        (reencode(&raw[..raw.len() - 1]), "truncated"),
        (reencode(&raw[..2]), "truncated"),
        // A length prefix of 4 GiB.
        (reencode(&[0xff, 0xff, 0xff, 0xff]), "truncated"),
        // Trailing bytes after the fields.
        (reencode(&[raw.as_slice(), &[0]].concat()), "follow"),
        // Two lines.
        (format!("{ED25519_SSH}\n{P256_SSH}"), "one key line"),
        // Over the size bound.
        (format!("ssh-rsa {}", "A".repeat(20_000)), "longer than"),
    ];
    for (text, says) in cases {
        let err = Key::from_openssh(&text).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidKey, "{text:.60}: {err}");
        assert!(err.to_string().contains(says), "{text:.60}: {err}");
    }
    // ECDSA: the curve inside must be the type's; the point must be on it.
    let (_, p) = P256_SSH.split_once(' ').unwrap();
    let mut raw = base64_std_decode(p);
    let text = format!("ecdsa-sha2-nistp384 {}", base64_std_encode(&raw));
    assert_eq!(kind(Key::from_openssh(&text)), ErrorKind::InvalidKey);
    let last = raw.len() - 1;
    raw[last] ^= 1;
    let text = format!("ecdsa-sha2-nistp256 {}", base64_std_encode(&raw));
    assert_eq!(kind(Key::from_openssh(&text)), ErrorKind::InvalidKey);
    // An OpenSSH private key in PEM armour says what to do instead.
    let err = Key::from_pem(
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidKey);
    assert!(err.to_string().contains(".pub"), "{err}");
    // A negative RSA modulus (mpint with the high bit set) is refused, not wrapped.
    let (_, r) = RSA2048_SSH.split_once(' ').unwrap();
    let mut raw = base64_std_decode(r);
    // ssh-rsa blob: string "ssh-rsa" (4+7), mpint e (4+3), mpint n (4+257, leading 0x00).
    assert_eq!(raw[4 + 7 + 4 + 3 + 4], 0);
    raw.remove(4 + 7 + 4 + 3 + 4);
    raw[4 + 7 + 4 + 3 + 3] -= 1;
    let text = format!("ssh-rsa {}", base64_std_encode(&raw));
    let err = Key::from_openssh(&text).unwrap_err();
    assert!(err.to_string().contains("negative"), "{err}");
}

fn base64_std_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

fn base64_std_encode(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// Sign and verify costs of ES256K beside ES256 and `EdDSA`, on this machine (prints only; no
/// assertion on time): `cargo test --release -p hxjwt --test jws_es256k measure -- --ignored
/// --nocapture` (add `--no-default-features --features pure-rust,std-fs` for the other backend).
#[test]
#[ignore = "a measurement, not a test: run it by name"]
fn measure_es256k_beside_es256_and_eddsa() {
    const ROUNDS: u32 = 2000;
    for alg in [Algorithm::ES256, Algorithm::ES256K, Algorithm::EdDSA] {
        let key = Key::generate(alg).unwrap();
        let public = key.to_public().unwrap();
        let val = v(&[alg]);
        let start = std::time::Instant::now();
        let mut token = String::new();
        for _ in 0..ROUNDS {
            token = jws::encode(&Header::new(alg), &claims(), &key).unwrap();
        }
        let sign = start.elapsed() / ROUNDS;
        let start = std::time::Instant::now();
        for _ in 0..ROUNDS {
            jws::decode::<Value>(&token, &public, &val).unwrap();
        }
        let verify = start.elapsed() / ROUNDS;
        println!(
            "{} {alg}: encode {:.1} µs, decode {:.1} µs",
            jws::BACKEND,
            sign.as_secs_f64() * 1e6,
            verify.as_secs_f64() * 1e6
        );
    }
}
