//! Standard JWS: every algorithm, key formats, RFC examples, and each defence of the issue with
//! a test that would catch its absence.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::items_after_statements,
    clippy::cast_precision_loss,
    reason = "test code: a failure should panic loudly"
)]

use hxjwt::jws::{self, Algorithm, Header, Key, KeySet, KeyType, Validation};
use hxjwt::{ErrorKind, FixedClock, b64};
use serde_json::{Value, json};

const NOW: i64 = 1_767_225_600;

fn keyfile(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../tests/vectors/keys/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn v(algs: &[Algorithm]) -> Validation {
    Validation::new(algs).clock(FixedClock(NOW))
}

fn claims() -> Value {
    json!({"sub": "user-7", "iat": NOW, "exp": NOW + 300, "name": "Ada"})
}

fn kind<T: std::fmt::Debug>(r: hxjwt::Result<T>) -> ErrorKind {
    r.unwrap_err().kind()
}

/// Builds a token from raw header/payload JSON text, signed by `key` with `alg`.
fn forge(header: &str, payload: &str, key: &Key, alg: Algorithm) -> String {
    let h = b64::encode(header.as_bytes());
    let p = b64::encode(payload.as_bytes());
    let sig = sign_raw(&format!("{h}.{p}"), key, alg);
    format!("{h}.{p}.{sig}")
}

fn sign_raw(input: &str, key: &Key, alg: Algorithm) -> String {
    hxjwt::dangerous::jws_sign(key, alg, input.as_bytes())
        .map(|s| b64::encode(&s))
        .unwrap()
}

#[test]
fn every_algorithm_round_trips_with_generated_keys() {
    for alg in Algorithm::ALL {
        let key = Key::generate(alg).unwrap();
        assert_eq!(key.algorithm(), Some(alg));
        let token = jws::encode(&Header::new(alg), &claims(), &key).unwrap();
        let verifier = if alg.key_type() == KeyType::Hmac {
            key.clone()
        } else {
            key.to_public().unwrap()
        };
        let data = jws::decode::<Value>(&token, &verifier, &v(&[alg])).unwrap();
        assert_eq!(data.claims["name"], "Ada", "{alg}");
        assert_eq!(data.alg, alg);
        assert_eq!(data.header.kid(), key.kid());
        // Any other key of the same type fails.
        let other = Key::generate(alg).unwrap();
        assert_eq!(
            kind(jws::decode::<Value>(&token, &other, &v(&[alg]))),
            ErrorKind::InvalidSignature,
            "{alg}"
        );
        // The JWK round trip keeps the key usable.
        let again = Key::from_jwk(&key.to_private_jwk()).unwrap();
        assert!(
            jws::decode::<Value>(
                &jws::encode(&Header::new(alg), &claims(), &again).unwrap(),
                &verifier,
                &v(&[alg])
            )
            .is_ok()
        );
        if alg.key_type() != KeyType::Hmac {
            let public = key.to_public_jwk().unwrap();
            assert!(
                public.get("d").is_none() && public.get("p").is_none(),
                "{alg}: {public}"
            );
            assert_eq!(
                Key::from_jwk(&public.to_string()).unwrap().thumbprint(),
                key.thumbprint()
            );
        }
    }
}

#[test]
fn rfc7515_a1_hs256_example_verifies() {
    let key = Key::from_jwk(r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#).unwrap();
    let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let val = Validation::new(&[Algorithm::HS256]).clock(FixedClock(1_300_819_000));
    let data = jws::decode::<Value>(token, &key, &val).unwrap();
    assert_eq!(data.claims["iss"], "joe");
    assert_eq!(data.claims["http://example.com/is_root"], true);
    let later = Validation::new(&[Algorithm::HS256]).clock(FixedClock(1_300_819_380));
    assert_eq!(
        kind(jws::decode::<Value>(token, &key, &later)),
        ErrorKind::Expired
    );
}

#[test]
fn rfc8037_a4_ed25519_example_signs_and_verifies_exactly() {
    let key = Key::from_jwk(r#"{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#).unwrap();
    assert_eq!(
        key.thumbprint(),
        "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    );
    let expected = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
    let input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
    assert_eq!(
        format!("{input}.{}", sign_raw(input, &key, Algorithm::EdDSA)),
        expected
    );
    let data = jws::verify(expected, &key.to_public().unwrap(), &v(&[Algorithm::EdDSA])).unwrap();
    assert_eq!(data.claims, b"Example of Ed25519 signing");
}

#[test]
fn pem_formats_load_and_agree_with_their_public_halves() {
    let cases = [
        ("rsa2048.pkcs8.pem", "rsa2048.spki.pem", Algorithm::RS256),
        (
            "rsa2048.pkcs1.pem",
            "rsa2048.pkcs1.pub.pem",
            Algorithm::PS384,
        ),
        ("ec-P-256.pkcs8.pem", "ec-P-256.spki.pem", Algorithm::ES256),
        ("ec-P-384.sec1.pem", "ec-P-384.spki.pem", Algorithm::ES384),
        ("ec-P-521.pkcs8.pem", "ec-P-521.spki.pem", Algorithm::ES512),
        ("ec-P-521.sec1.pem", "ec-P-521.spki.pem", Algorithm::ES512),
        ("ed25519.pkcs8.pem", "ed25519.spki.pem", Algorithm::EdDSA),
    ];
    for (private, public, alg) in cases {
        let sk = Key::from_pem(&keyfile(private)).unwrap();
        let pk = Key::from_pem(&keyfile(public)).unwrap();
        assert!(sk.is_private() && !pk.is_private(), "{private}");
        assert_eq!(sk.thumbprint(), pk.thumbprint(), "{private}");
        let token = jws::encode(&Header::new(alg), &claims(), &sk).unwrap();
        jws::decode::<Value>(&token, &pk, &v(&[alg])).unwrap();
    }
    assert_eq!(
        kind(Key::from_pem(&keyfile("rsa1024.pkcs8.pem"))),
        ErrorKind::InvalidKey
    );
    // secp256k1 is ES256K's curve (RFC 8812): it loads, for ES256K only.
    assert_eq!(
        Key::from_pem(&keyfile("ec-secp256k1.pkcs8.pem"))
            .unwrap()
            .algorithms(),
        [Algorithm::ES256K]
    );
    assert_eq!(
        kind(Key::from_pem(
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
        )),
        ErrorKind::InvalidKey
    );
    assert_eq!(kind(Key::from_pem("not pem")), ErrorKind::InvalidKey);
}

#[test]
fn alg_none_in_any_spelling_is_rejected() {
    let key = Key::from_secret([7u8; 32]).unwrap();
    for alg in ["none", "None", "NONE", "nOnE", "", "hs256", "HS256 ", "RS1"] {
        let h = b64::encode(json!({"alg": alg, "typ": "JWT"}).to_string().as_bytes());
        let p = b64::encode(claims().to_string().as_bytes());
        for token in [format!("{h}.{p}."), format!("{h}.{p}.AAAA")] {
            assert_eq!(
                kind(jws::decode::<Value>(&token, &key, &v(&[Algorithm::HS256]))),
                ErrorKind::UnsupportedAlgorithm,
                "{alg}"
            );
        }
    }
}

#[test]
fn the_caller_not_the_header_chooses_the_algorithm() {
    let key = Key::generate(Algorithm::HS512).unwrap();
    let token = jws::encode(&Header::new(Algorithm::HS512), &claims(), &key).unwrap();
    assert_eq!(
        kind(jws::decode::<Value>(&token, &key, &v(&[Algorithm::HS256]))),
        ErrorKind::UnsupportedAlgorithm
    );
    assert_eq!(
        kind(jws::decode::<Value>(&token, &key, &v(&[]))),
        ErrorKind::InvalidArgument
    );
}

#[test]
fn a_public_key_is_never_an_hmac_secret() {
    // The classic confusion: sign HS256 with the bytes of the server's RSA public key.
    let pem = keyfile("rsa2048.spki.pem");
    assert_eq!(
        kind(Key::from_secret(pem.as_bytes())),
        ErrorKind::InvalidKey
    );
    assert_eq!(
        kind(Key::from_secret(b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5")),
        ErrorKind::InvalidKey
    );
    let public = Key::from_pem(&pem).unwrap();
    let attacker = Key::from_secret(pem.as_bytes().get(30..100).unwrap()).unwrap();
    let token = forge(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &claims().to_string(),
        &attacker,
        Algorithm::HS256,
    );
    // Even if the application accepts both families, the RSA key refuses HS256.
    assert_eq!(
        kind(jws::decode::<Value>(
            &token,
            &public,
            &v(&[Algorithm::HS256, Algorithm::RS256])
        )),
        ErrorKind::InvalidKey
    );
    // Same for JWKs: an RSA JWK cannot be an HMAC key, and an EC key does not serve another curve.
    let ec = Key::generate(Algorithm::ES256).unwrap();
    let es384 = jws::encode(
        &Header::new(Algorithm::ES384),
        &claims(),
        &Key::generate(Algorithm::ES384).unwrap(),
    )
    .unwrap();
    assert_eq!(
        kind(jws::decode::<Value>(
            &es384,
            &ec.to_public().unwrap(),
            &v(&[Algorithm::ES384])
        )),
        ErrorKind::InvalidKey
    );
    assert_eq!(
        kind(jws::encode(&Header::new(Algorithm::HS256), &claims(), &ec)),
        ErrorKind::InvalidKey
    );
}

#[test]
fn header_supplied_keys_are_never_trusted() {
    let server = Key::generate(Algorithm::ES256)
        .unwrap()
        .to_public()
        .unwrap();
    let attacker = Key::generate(Algorithm::ES256).unwrap();
    let jwk = attacker.to_public_jwk().unwrap();
    for member in [
        json!({"jwk": jwk}),
        json!({"jku": "https://evil.example/jwks"}),
        json!({"x5u": "https://evil.example/c"}),
        json!({"x5c": ["MIIB"]}),
    ] {
        let mut header = json!({"alg": "ES256", "typ": "JWT"});
        header
            .as_object_mut()
            .unwrap()
            .extend(member.as_object().unwrap().clone());
        let token = forge(
            &header.to_string(),
            &claims().to_string(),
            &attacker,
            Algorithm::ES256,
        );
        assert_eq!(
            kind(jws::decode::<Value>(
                &token,
                &server,
                &v(&[Algorithm::ES256])
            )),
            ErrorKind::InvalidSignature
        );
    }
}

#[test]
fn crit_b64_duplicates_and_non_canonical_base64_are_rejected() {
    let key = Key::from_secret([9u8; 32]).unwrap();
    let val = v(&[Algorithm::HS256]);
    let c = claims().to_string();
    let t = |h: &str, p: &str| forge(h, p, &key, Algorithm::HS256);
    assert_eq!(
        kind(jws::decode::<Value>(
            &t(r#"{"alg":"HS256","crit":["exp"],"exp":1}"#, &c),
            &key,
            &val
        )),
        ErrorKind::UnknownHeader
    );
    assert_eq!(
        kind(jws::decode::<Value>(
            &t(r#"{"alg":"HS256","b64":false,"crit":["b64"]}"#, &c),
            &key,
            &val
        )),
        ErrorKind::UnknownHeader
    );
    assert_eq!(
        kind(jws::decode::<Value>(
            &t(r#"{"alg":"HS256","b64":false}"#, &c),
            &key,
            &val
        )),
        ErrorKind::UnknownHeader
    );
    assert_eq!(
        kind(jws::decode::<Value>(
            &t(r#"{"alg":"HS256","alg":"none"}"#, &c),
            &key,
            &val
        )),
        ErrorKind::Malformed
    );
    let dup = r#"{"sub":"a","sub":"admin","exp":4000000000}"#;
    assert_eq!(
        kind(jws::decode::<Value>(
            &t(r#"{"alg":"HS256"}"#, dup),
            &key,
            &val
        )),
        ErrorKind::Malformed
    );
    let good = t(r#"{"alg":"HS256"}"#, &c);
    assert!(jws::decode::<Value>(&good, &key, &val).is_ok());
    assert_eq!(
        kind(jws::decode::<Value>(&format!("{good}="), &key, &val)),
        ErrorKind::Malformed
    );
    assert_eq!(
        kind(jws::decode::<Value>(
            &good.replacen('.', "=.", 1),
            &key,
            &val
        )),
        ErrorKind::Malformed
    );
    assert_eq!(
        kind(jws::decode::<Value>(&format!(" {good}"), &key, &val)),
        ErrorKind::Malformed
    );
    let deep = format!(r#"{{"x":{}1{}}}"#, "[".repeat(100), "]".repeat(100));
    assert_eq!(
        kind(jws::decode::<Value>(
            &t(r#"{"alg":"HS256"}"#, &deep),
            &key,
            &val
        )),
        ErrorKind::Malformed
    );
    let mut small = val.clone();
    small.max_token_len = 50;
    assert_eq!(
        kind(jws::decode::<Value>(&good, &key, &small)),
        ErrorKind::Malformed
    );
}

#[test]
fn ecdsa_signatures_must_be_raw_fixed_size_and_in_range() {
    let key = Key::generate(Algorithm::ES256).unwrap();
    let pk = key.to_public().unwrap();
    let token = jws::encode(&Header::new(Algorithm::ES256), &claims(), &key).unwrap();
    let (signed, sig) = token.rsplit_once('.').unwrap();
    let raw = b64::decode(sig, "sig").unwrap();
    assert_eq!(raw.len(), 64);
    let with_sig = |s: &[u8]| format!("{signed}.{}", b64::encode(s));
    let val = v(&[Algorithm::ES256]);
    // DER encoding of the same (r, s): the wrong format.
    let mut der = vec![0x30, 0x44, 0x02, 0x20];
    der.extend_from_slice(&raw[..32]);
    der.extend_from_slice(&[0x02, 0x20]);
    der.extend_from_slice(&raw[32..]);
    for bad in [
        der,
        vec![0u8; 64],
        raw[..63].to_vec(),
        [raw.clone(), vec![0]].concat(),
        {
            let mut n = vec![0xffu8; 64];
            n[..32].copy_from_slice(&raw[..32]);
            n
        },
    ] {
        assert_eq!(
            kind(jws::decode::<Value>(&with_sig(&bad), &pk, &val)),
            ErrorKind::InvalidSignature
        );
    }
    assert!(jws::decode::<Value>(&with_sig(&raw), &pk, &val).is_ok());
}

#[test]
fn ed25519_rejects_non_canonical_s_and_small_order_keys() {
    let key = Key::generate(Algorithm::EdDSA).unwrap();
    let token = jws::encode(&Header::new(Algorithm::EdDSA), &claims(), &key).unwrap();
    let (signed, sig) = token.rsplit_once('.').unwrap();
    let mut raw = b64::decode(sig, "sig").unwrap();
    // S + L is the same scalar mod L: accepted by lax verifiers, rejected here.
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(raw[32 + i]) + u16::from(L[i]) + carry;
        raw[32 + i] = (sum & 0xff) as u8;
        carry = sum >> 8;
    }
    if carry == 0 {
        let forged = format!("{signed}.{}", b64::encode(&raw));
        assert_eq!(
            kind(jws::decode::<Value>(
                &forged,
                &key.to_public().unwrap(),
                &v(&[Algorithm::EdDSA])
            )),
            ErrorKind::InvalidSignature
        );
    }
    // The identity point (small order) as a public key.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let jwk = json!({"kty":"OKP","crv":"Ed25519","x": b64::encode(&identity)}).to_string();
    assert_eq!(kind(Key::from_jwk(&jwk)), ErrorKind::InvalidKey);
    let x25519 = json!({"kty":"OKP","crv":"X25519","x": b64::encode(&[9u8; 32])}).to_string();
    assert_eq!(kind(Key::from_jwk(&x25519)), ErrorKind::InvalidKey);
}

#[test]
fn claims_are_checked_strictly() {
    let key = Key::from_secret([1u8; 32]).unwrap();
    let make = |c: Value| jws::encode(&Header::new(Algorithm::HS256), &c, &key).unwrap();
    let base = v(&[Algorithm::HS256]);
    let check = |c: Value, val: &Validation| jws::decode::<Value>(&make(c), &key, val).map(|_| ());
    assert!(check(json!({"exp": NOW + 1}), &base).is_ok());
    assert_eq!(
        check(json!({"exp": NOW}), &base).unwrap_err().kind(),
        ErrorKind::Expired
    );
    assert!(check(json!({"exp": NOW}), &base.clone().leeway(1)).is_ok());
    assert!(check(json!({"exp": NOW as f64 + 1.5}), &base).is_ok());
    // A fractional exp is compared exactly (issue 17): NOW < NOW + 0.5, NOW - 0.5 < NOW.
    assert!(check(json!({"exp": NOW as f64 + 0.5}), &base).is_ok());
    assert_eq!(
        check(json!({"exp": NOW as f64 - 0.5}), &base)
            .unwrap_err()
            .kind(),
        ErrorKind::Expired
    );
    let e = check(json!({"sub": "x"}), &base).unwrap_err();
    assert_eq!(
        (e.kind(), e.claim()),
        (ErrorKind::MissingClaim, Some("exp"))
    );
    assert!(check(json!({"sub": "x"}), &base.clone().require::<&str>(&[])).is_ok());
    let e = check(json!({"exp": "tomorrow"}), &base).unwrap_err();
    assert_eq!(
        (e.kind(), e.claim()),
        (ErrorKind::InvalidClaim, Some("exp"))
    );
    assert_eq!(
        check(json!({"exp": NOW + 9, "nbf": NOW + 5}), &base)
            .unwrap_err()
            .kind(),
        ErrorKind::NotYetValid
    );
    assert!(
        check(
            json!({"exp": NOW + 9, "nbf": NOW + 5}),
            &base.clone().leeway(5)
        )
        .is_ok()
    );
    let e = check(json!({"exp": NOW + 9, "iat": NOW + 5}), &base).unwrap_err();
    assert_eq!((e.kind(), e.claim()), (ErrorKind::NotYetValid, Some("iat")));
    assert_eq!(
        check(json!({"exp": NOW + 9, "iat": "x"}), &base)
            .unwrap_err()
            .claim(),
        Some("iat")
    );
    // Maximum age.
    assert_eq!(
        check(
            json!({"exp": NOW + 9, "iat": NOW - 100}),
            &base.clone().max_age(60)
        )
        .unwrap_err()
        .kind(),
        ErrorKind::Expired
    );
    assert!(
        check(
            json!({"exp": NOW + 9, "iat": NOW - 10}),
            &base.clone().max_age(60)
        )
        .is_ok()
    );
    // Audience: string or array, any-of; present but unexpected is refused.
    let aud = base.clone().audience(&["api", "admin"]);
    assert!(check(json!({"exp": NOW + 9, "aud": "api"}), &aud).is_ok());
    assert!(check(json!({"exp": NOW + 9, "aud": ["x", "admin"]}), &aud).is_ok());
    assert_eq!(
        check(json!({"exp": NOW + 9, "aud": ["x", "y"]}), &aud)
            .unwrap_err()
            .kind(),
        ErrorKind::WrongAudience
    );
    assert_eq!(
        check(json!({"exp": NOW + 9}), &aud).unwrap_err().kind(),
        ErrorKind::MissingClaim
    );
    assert_eq!(
        check(json!({"exp": NOW + 9, "aud": 5}), &aud)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidClaim
    );
    assert_eq!(
        check(json!({"exp": NOW + 9, "aud": "api"}), &base)
            .unwrap_err()
            .kind(),
        ErrorKind::WrongAudience
    );
    // Issuer, subject, jti, typ.
    let iss = base.clone().issuer(&["https://a", "https://b"]);
    assert!(check(json!({"exp": NOW + 9, "iss": "https://b"}), &iss).is_ok());
    assert_eq!(
        check(json!({"exp": NOW + 9, "iss": "https://c"}), &iss)
            .unwrap_err()
            .kind(),
        ErrorKind::IssuerMismatch
    );
    assert_eq!(
        check(json!({"exp": NOW + 9}), &iss).unwrap_err().kind(),
        ErrorKind::MissingClaim
    );
    let sub = base.clone().subject("user-7");
    assert!(check(json!({"exp": NOW + 9, "sub": "user-7"}), &sub).is_ok());
    assert_eq!(
        check(json!({"exp": NOW + 9, "sub": "user-8"}), &sub)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidClaim
    );
    assert_eq!(
        check(json!({"exp": NOW + 9, "sub": 7}), &base)
            .unwrap_err()
            .claim(),
        Some("sub")
    );
    assert_eq!(
        check(json!({"exp": NOW + 9, "jti": 7}), &base)
            .unwrap_err()
            .claim(),
        Some("jti")
    );
    assert!(check(json!({"exp": NOW + 9}), &base.clone().typ("jwt")).is_ok());
    assert_eq!(
        check(json!({"exp": NOW + 9}), &base.clone().typ("at+jwt"))
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidClaim
    );
}

#[test]
fn serde_claims_come_back_typed() {
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Claims {
        sub: String,
        exp: i64,
        admin: bool,
    }
    let key = Key::generate(Algorithm::HS384).unwrap();
    let c = Claims {
        sub: "u".into(),
        exp: NOW + 60,
        admin: true,
    };
    let token = jws::encode(&Header::new(Algorithm::HS384), &c, &key).unwrap();
    let back = jws::decode::<Claims>(&token, &key, &v(&[Algorithm::HS384])).unwrap();
    assert_eq!(back.claims, c);
    assert_eq!(
        kind(jws::encode(&Header::new(Algorithm::HS384), &[1, 2], &key)),
        ErrorKind::InvalidArgument
    );
}

#[test]
fn hmac_secrets_shorter_than_the_hash_need_an_explicit_opt_out() {
    let short = Key::from_secret(b"secret").unwrap();
    let e = jws::encode(&Header::new(Algorithm::HS256), &claims(), &short).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidKey);
    assert!(e.detail().contains("at least 32"), "{e}");
    let allowed = short.allow_short_secret();
    let token = jws::encode(&Header::new(Algorithm::HS256), &claims(), &allowed).unwrap();
    assert!(jws::decode::<Value>(&token, &allowed, &v(&[Algorithm::HS256])).is_ok());
    let thirty_two = Key::from_secret([3u8; 32]).unwrap();
    assert_eq!(
        kind(jws::encode(
            &Header::new(Algorithm::HS512),
            &claims(),
            &thirty_two
        )),
        ErrorKind::InvalidKey
    );
}

#[test]
fn key_sets_select_by_kid_and_publish_only_public_keys() {
    let a = Key::generate(Algorithm::RS256).unwrap().with_kid("a");
    let b = Key::generate(Algorithm::ES256).unwrap().with_kid("b");
    let set = KeySet::from_keys(vec![a.clone(), b.clone()]);
    let published = set.to_public_jwks().unwrap();
    assert!(!published.contains("\"d\""), "{published}");
    let with_foreign = published.replacen(
        "\"keys\":[",
        r#""keys":[{"kty":"OKP","crv":"X25519","kid":"hx1","x":"EU3wvSVXI4c0ZRTExhpx9aNxd9c0q7FRXnnxJtuCSEs"},{"kty":"RSA","use":"enc","n":"x","e":"AQAB"},"#,
        1,
    );
    let verifiers = KeySet::from_jwks(&with_foreign).unwrap();
    assert_eq!(verifiers.len(), 2);
    let tb = jws::encode(&Header::new(Algorithm::ES256), &claims(), &b).unwrap();
    assert!(
        jws::decode::<Value>(&tb, &verifiers, &v(&[Algorithm::ES256, Algorithm::RS256])).is_ok()
    );
    let mut h = Header::new(Algorithm::ES256);
    h.kid = Some("zzz".into());
    let unknown = jws::encode(&h, &claims(), &b).unwrap();
    assert_eq!(
        kind(jws::decode::<Value>(
            &unknown,
            &verifiers,
            &v(&[Algorithm::ES256])
        )),
        ErrorKind::KeyNotFound
    );
    // kid "a" is an RSA key: a token claiming kid "a" with ES256 finds no fitting key.
    h.kid = Some("a".into());
    let mismatched = jws::encode(&h, &claims(), &b).unwrap();
    assert_eq!(
        kind(jws::decode::<Value>(
            &mismatched,
            &verifiers,
            &v(&[Algorithm::ES256])
        )),
        ErrorKind::KeyNotFound
    );
    assert_eq!(
        kind(KeySet::from_jwks(
            r#"{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}]}"#
        )),
        ErrorKind::InvalidKey
    );
    assert_eq!(
        kind(KeySet::from_jwks(r#"{"nokeys":[]}"#)),
        ErrorKind::Malformed
    );
}

#[test]
fn jwk_metadata_is_enforced() {
    let key = Key::generate(Algorithm::ES256).unwrap();
    let mut jwk: Value = serde_json::from_str(&key.to_private_jwk()).unwrap();
    jwk["use"] = "enc".into();
    let enc = Key::from_jwk(&jwk.to_string()).unwrap();
    assert_eq!(
        kind(jws::encode(&Header::new(Algorithm::ES256), &claims(), &enc)),
        ErrorKind::InvalidKey
    );
    jwk["use"] = "sig".into();
    jwk["key_ops"] = json!(["verify"]);
    let verify_only = Key::from_jwk(&jwk.to_string()).unwrap();
    assert_eq!(
        kind(jws::encode(
            &Header::new(Algorithm::ES256),
            &claims(),
            &verify_only
        )),
        ErrorKind::InvalidKey
    );
    jwk["alg"] = "ES384".into();
    assert_eq!(kind(Key::from_jwk(&jwk.to_string())), ErrorKind::InvalidKey);
    let hmac = Key::generate(Algorithm::HS256).unwrap();
    assert_eq!(kind(hmac.to_public_jwk()), ErrorKind::InvalidKey);
}

#[test]
fn debug_never_shows_key_material() {
    for alg in [
        Algorithm::HS256,
        Algorithm::RS256,
        Algorithm::ES256,
        Algorithm::EdDSA,
    ] {
        let key = Key::generate(alg).unwrap();
        let jwk: Value = serde_json::from_str(&key.to_private_jwk()).unwrap();
        let secret = jwk
            .get("d")
            .or(jwk.get("k"))
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned();
        let shown = format!("{key:?}");
        assert!(!shown.contains(&secret[..16]), "{shown}");
    }
}

#[test]
fn body_hash_and_token_pairs() {
    use hxjwt::jws::helpers::{TokenIssuer, body_hash, check_body_hash};
    let key = Key::generate(Algorithm::HS256).unwrap();
    let body = br#"{"amount":42}"#;
    let token = jws::encode(
        &Header::new(Algorithm::HS256),
        &json!({"exp": NOW + 9, "bdy": body_hash(body)}),
        &key,
    )
    .unwrap();
    let data = jws::decode_claims(&token, &key, &v(&[Algorithm::HS256])).unwrap();
    assert!(check_body_hash(&data.claims, body).is_ok());
    assert_eq!(
        check_body_hash(&data.claims, b"{}").unwrap_err().claim(),
        Some("bdy")
    );

    let issuer = TokenIssuer::new(Key::generate(Algorithm::ES256).unwrap(), "https://login")
        .unwrap()
        .with_clock(FixedClock(NOW));
    let mut extra = serde_json::Map::new();
    extra.insert("scope".into(), "read".into());
    let pair = issuer.issue("user-7", &extra).unwrap();
    assert_eq!(
        issuer.verify_access(&pair.access_token).unwrap()["scope"],
        "read"
    );
    // A refresh token is not an access token and the other way round.
    assert_eq!(
        kind(issuer.verify_access(&pair.refresh_token)),
        ErrorKind::InvalidClaim
    );
    assert_eq!(
        kind(issuer.refresh(&pair.access_token)),
        ErrorKind::InvalidClaim
    );
    let next = issuer.refresh(&pair.refresh_token).unwrap();
    assert_eq!(
        kind(issuer.refresh(&pair.refresh_token)),
        ErrorKind::Revoked
    );
    issuer.revoke(&next.access_token).unwrap();
    assert_eq!(
        kind(issuer.verify_access(&next.access_token)),
        ErrorKind::Revoked
    );
    assert!(issuer.refresh(&next.refresh_token).is_ok());
}

/// The decoded header: its exact JSON text as signed, `kid`/`typ`/`cty` whether their values
/// are escaped or not (escaped ones are unescaped), any other member by `get`/`to_map`, and the
/// plain encoder writes the same text `serde_json` writes for the same members.
#[test]
fn the_decoded_header_is_the_signed_text_and_its_members_at_hand() {
    let key = Key::from_secret([3u8; 32]).unwrap();
    let validation = v(&[Algorithm::HS256]);
    // Written by hand, with escapes in kid and cty, a member of another type and one unknown.
    let header =
        r#"{"alg":"HS256","kid":"a\"b\u0063","cty":"JW\u0054","typ":"JWT","x":[1,{"y":null}]}"#;
    let token = forge(header, r#"{"exp":4102444800}"#, &key, Algorithm::HS256);
    let data = jws::decode_bytes(&token, &key, &validation).unwrap();
    assert_eq!(data.header.json(), header);
    assert_eq!(data.header.kid(), Some("a\"bc"));
    assert_eq!(data.header.cty(), Some("JWT"));
    assert_eq!(data.header.typ(), Some("JWT"));
    assert_eq!(data.header.get("x"), Some(json!([1, {"y": null}])));
    assert_eq!(data.header.get("nope"), None);
    assert!(data.header.contains("x") && !data.header.contains("nope"));
    assert_eq!(data.header.to_map(), jws::decode_header(&token).unwrap());
    assert_eq!(data.header, jws::decode_header(&token).unwrap());
    // Absent members are None; the text is exactly what was signed.
    let bare = forge(
        r#"{"alg":"HS256"}"#,
        r#"{"exp":4102444800}"#,
        &key,
        Algorithm::HS256,
    );
    let data = jws::decode_bytes(&bare, &key, &validation).unwrap();
    assert_eq!(
        (data.header.kid(), data.header.typ(), data.header.cty()),
        (None, None, None)
    );
    assert_eq!(data.header.json(), r#"{"alg":"HS256"}"#);
    // The encoder's fast path (no extra members) writes what the map path writes.
    for (kid, cty, typ) in [
        (None, None, Some("JWT")),
        (Some("k-1"), Some("json"), None),
        (Some("quote\" back\\slash \u{1} é"), None, Some("at+jwt")),
    ] {
        let mut h = Header::new(Algorithm::HS256);
        h.kid = kid.map(str::to_owned);
        h.cty = cty.map(str::to_owned);
        h.typ = typ.map(str::to_owned);
        let fast = jws::encode_json(&h, "{}", &key).unwrap();
        let mut expected = serde_json::Map::new();
        expected.insert("alg".into(), "HS256".into());
        for (name, value) in [("kid", kid), ("cty", cty), ("typ", typ)] {
            if let Some(value) = value {
                expected.insert(name.into(), value.into());
            }
        }
        let head = fast.split('.').next().unwrap();
        assert_eq!(
            b64::decode(head, "header").unwrap(),
            serde_json::to_vec(&expected).unwrap(),
            "{kid:?} {cty:?} {typ:?}"
        );
        let decoded =
            jws::decode_bytes(&fast, &key, &v(&[Algorithm::HS256]).require(&[] as &[&str]))
                .unwrap();
        assert_eq!(
            (
                decoded.header.kid(),
                decoded.header.cty(),
                decoded.header.typ()
            ),
            (kid, cty, typ)
        );
    }
}
