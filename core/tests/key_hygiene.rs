//! Key hygiene (issue 17, item 3): RSA exponents, the ROCA fingerprint, and JWK Sets that mix
//! key kinds, repeat a `kid`, or carry keys hxjwt skips.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::items_after_statements,
    clippy::cast_possible_truncation,
    reason = "test code: a failure should panic loudly"
)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hxjwt::jws::{Algorithm, Key, KeySet};
use hxjwt::{ErrorKind, b64};
use serde_json::{Value, json};

fn keyfile(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../tests/vectors/keys/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn invalid_key<T: std::fmt::Debug>(r: hxjwt::Result<T>) -> String {
    let e = r.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidKey, "{e}");
    e.to_string()
}

/// The public JWK of the 2048-bit test key, as a map.
fn rsa_public_jwk() -> serde_json::Map<String, Value> {
    let key = Key::from_pem(&keyfile("rsa2048.spki.pem")).unwrap();
    match key.to_public_jwk().unwrap() {
        Value::Object(m) => m,
        other => panic!("{other}"),
    }
}

/// A DER length.
fn der_len(n: usize) -> Vec<u8> {
    match n {
        0..0x80 => vec![u8::try_from(n).unwrap()],
        0x80..0x100 => vec![0x81, u8::try_from(n).unwrap()],
        _ => vec![0x82, u8::try_from(n >> 8).unwrap(), (n & 0xff) as u8],
    }
}

/// A DER INTEGER of the unsigned big-endian `v`.
fn der_uint(v: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    if v.first().is_some_and(|b| b & 0x80 != 0) {
        body.push(0);
    }
    body.extend_from_slice(v);
    let mut out = vec![0x02];
    out.extend(der_len(body.len()));
    out.extend(body);
    out
}

/// A PKCS#1 `RSA PUBLIC KEY` PEM of `n` and `e`.
fn pkcs1_pem(n: &[u8], e: &[u8]) -> String {
    let mut body = der_uint(n);
    body.extend(der_uint(e));
    let mut der = vec![0x30];
    der.extend(der_len(body.len()));
    der.extend(body);
    let b64 = STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN RSA PUBLIC KEY-----\n{}\n-----END RSA PUBLIC KEY-----\n",
        lines.join("\n")
    )
}

/// An OpenSSH `ssh-rsa` public key line of `n` and `e`.
fn ssh_rsa(n: &[u8], e: &[u8]) -> String {
    fn string(out: &mut Vec<u8>, v: &[u8]) {
        out.extend(u32::try_from(v.len()).unwrap().to_be_bytes());
        out.extend_from_slice(v);
    }
    fn mpint(v: &[u8]) -> Vec<u8> {
        let mut m = Vec::new();
        if v.first().is_some_and(|b| b & 0x80 != 0) {
            m.push(0);
        }
        m.extend_from_slice(v);
        m
    }
    let mut blob = Vec::new();
    string(&mut blob, b"ssh-rsa");
    string(&mut blob, &mpint(e));
    string(&mut blob, &mpint(n));
    format!("ssh-rsa {} test", STANDARD.encode(blob))
}

fn modulus() -> Vec<u8> {
    let jwk = rsa_public_jwk();
    b64::decode(jwk["n"].as_str().unwrap(), "n").unwrap()
}

#[test]
fn the_rsa_exponent_must_be_odd_and_at_least_3_on_every_path() {
    let n = modulus();
    for (e, why) in [
        (&[1u8][..], "at least 3"),
        (&[2], "odd"),
        (&[0], "odd"),
        (&[1, 0, 0], "odd"),
        (&[1; 9], "64 bits"),
    ] {
        let mut jwk = rsa_public_jwk();
        jwk.insert("e".into(), b64::encode(e).into());
        let msg = invalid_key(Key::from_jwk(&Value::Object(jwk.clone()).to_string()));
        assert!(msg.contains(why), "e = {e:?}: {msg}");
        let msg = invalid_key(hxjwt::jwe::Key::from_jwk(&Value::Object(jwk).to_string()));
        assert!(msg.contains(why), "JWE, e = {e:?}: {msg}");
        if e != [0] {
            let msg = invalid_key(Key::from_pem(&pkcs1_pem(&n, e)));
            assert!(msg.contains(why), "PEM, e = {e:?}: {msg}");
            let msg = invalid_key(Key::from_openssh(&ssh_rsa(&n, e)));
            assert!(msg.contains(why), "OpenSSH, e = {e:?}: {msg}");
        }
    }
    // 3 and 65537 load, from every format.
    for e in [&[3u8][..], &[1, 0, 1]] {
        let mut jwk = rsa_public_jwk();
        jwk.insert("e".into(), b64::encode(e).into());
        Key::from_jwk(&Value::Object(jwk).to_string()).unwrap();
        Key::from_pem(&pkcs1_pem(&n, e)).unwrap();
        Key::from_openssh(&ssh_rsa(&n, e)).unwrap();
    }
}

/// The ROCA detector's own 2048-bit test key (crocs-muni/roca, roca/tests/data/pubkey03.pem),
/// an Infineon-made public key.
const ROCA_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEBqcWmh9uPsqMPgt/43aFU
wpHvJ7BLJeGFuKsgxMal9gSFn+We3lSgr3wOcoiACtcZO7cxpb8eEXDXocZpMNQe
o+sh3t97ivXUKpHDT3IEW5bv1XyxgjAd3MJpZ+VQjpq4iZhtV+g33+cPmfw3xJj0
PBfDubBkz3BEQ9egM+A6ghaXqr8w+ynufTOzdnllqJBY47OXVL06HAB9KKI7DPp5
+dcRrG5MS093sGNLHs1oWRrwPH1TtipfLZEWPU70+PJoMa5GHthexfeIxRI//BLI
dCD9z+odG0pSw1IYJPs5mDSHObYqmG2OdrIom8Lri8BtE4FHhRuDoHGD0hBVn5Bj
IQIDAQAB
-----END PUBLIC KEY-----
";

/// The same modulus as an OpenSSH line (roca/tests/data/ssh06.pub).
const ROCA_SSH: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQGpxaaH24+yow+C3/jdoVTCke8nsEsl4YW4qyDExqX2BIWf5Z7eVKCvfA5yiIAK1xk7tzGlvx4RcNehxmkw1B6j6yHe33uK9dQqkcNPcgRblu/VfLGCMB3cwmln5VCOmriJmG1X6Dff5w+Z/DfEmPQ8F8O5sGTPcERD16Az4DqCFpeqvzD7Ke59M7N2eWWokFjjs5dUvTocAH0oojsM+nn51xGsbkxLT3ewY0sezWhZGvA8fVO2Kl8tkRY9TvT48mgxrkYe2F7F94jFEj/8Esh0IP3P6h0bSlLDUhgk+zmYNIc5tiqYbY52siibwuuLwG0TgUeFG4OgcYPSEFWfkGMh";

/// Another ROCA modulus of the detector's tests (roca/tests/data/mod03.txt), 2048 bits.
const ROCA_MOD03: &str = "9dcd7420e420c270a68060eb8b5aa7457a9f6648f86fafed2775cc1f79ae962f1e63f1b9e51c55f9ea6fdc7332e9b0058c9ff2eb1fc89855029cf6aafe21e689feb38ac9ffb12f1ce371bb5d0e9aae64161abce74b4244bf68f1edb4411f756a097c8929c14740245ea355f8332d1aa36bb50c7dcb4505da8de02e4e53d38f8df06097da7524df0df93db48eac8cc4af2d3a16257eb2b2adca6ba464e5974fa92550d31b1babf161e7692d00b86e3dd886ecab4abfbe1a8f8cc263ff4af55cdb45f4249a5193925f5e983d762f0b6800943eb0267b08f42ed311ce1f5c86eacbc8ce4d3cb7a2fee1ef5641423a1cf4114e5ecf50034a60a412523af9e6f4aa11";

fn says_roca(msg: &str) {
    assert!(
        msg.contains("ROCA") && msg.contains("CVE-2017-15361"),
        "{msg}"
    );
}

#[test]
fn roca_moduli_are_refused_on_every_path() {
    says_roca(&invalid_key(Key::from_pem(ROCA_PEM)));
    says_roca(&invalid_key(Key::from_openssh(ROCA_SSH)));
    says_roca(&invalid_key(hxjwt::jwe::Key::from_pem(ROCA_PEM)));
    let n = hex::decode(ROCA_MOD03).unwrap();
    let jwk = json!({"kty": "RSA", "n": b64::encode(&n), "e": "AQAB"}).to_string();
    says_roca(&invalid_key(Key::from_jwk(&jwk)));
    says_roca(&invalid_key(hxjwt::jwe::Key::from_jwk(&jwk)));
    says_roca(&invalid_key(Key::from_pem(&pkcs1_pem(&n, &[1, 0, 1]))));
    // In a set, the message names the key.
    let set =
        json!({"keys": [{"kty": "RSA", "kid": "infineon", "n": b64::encode(&n), "e": "AQAB"}]});
    let msg = invalid_key(KeySet::from_jwks(&set.to_string()));
    says_roca(&msg);
    assert!(msg.contains("keys[0]"), "{msg}");
}

#[test]
fn ordinary_rsa_keys_are_not_roca_keys() {
    // The repository's test keys, and fresh keys of every size hxjwt generates.
    for f in [
        "rsa2048.pkcs1.pem",
        "rsa2048.pkcs1.pub.pem",
        "rsa2048.pkcs8.pem",
        "rsa2048.spki.pem",
    ] {
        Key::from_pem(&keyfile(f)).unwrap();
    }
    for _ in 0..4 {
        let key = Key::generate(Algorithm::RS256).unwrap();
        Key::from_jwk(&key.to_private_jwk()).unwrap();
    }
    // Flipping the ROCA modulus's low bits breaks the fingerprint: the modulus then loads.
    let mut n = hex::decode(ROCA_MOD03).unwrap();
    if let Some(last) = n.last_mut() {
        *last ^= 0x02;
    }
    let jwk = json!({"kty": "RSA", "n": b64::encode(&n), "e": "AQAB"}).to_string();
    Key::from_jwk(&jwk).unwrap();
}

fn ed25519_jwk(kid: &str) -> Value {
    let key = Key::generate(Algorithm::EdDSA).unwrap().with_kid(kid);
    key.to_public_jwk().unwrap()
}

#[test]
fn every_skipped_key_is_reported_with_its_index_kid_and_reason() {
    let set = json!({"keys": [
        ed25519_jwk("used"),
        {"kty": "OKP", "crv": "X25519", "kid": "hx1", "x": "EU3wvSVXI4c0ZRTExhpx9aNxd9c0q7FRXnnxJtuCSEs"},
        {"kty": "RSA", "use": "enc", "kid": "enc", "n": "x", "e": "AQAB"},
        {"kty": "RSA", "alg": "RSA-OAEP-256", "n": "x", "e": "AQAB"},
        {"kty": "foo", "kid": 7},
        {"kid": "no-kty"},
        {"kty": "EC", "crv": "P-192", "kid": "p192", "x": "AA", "y": "AA"},
    ]});
    let set = KeySet::from_jwks(&set.to_string()).unwrap();
    assert_eq!(set.len(), 1);
    let got: Vec<(usize, Option<&str>)> = set
        .skipped()
        .iter()
        .map(|s| (s.index, s.kid.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (1, Some("hx1")),
            (2, Some("enc")),
            (3, None),
            (4, None),
            (5, Some("no-kty")),
            (6, Some("p192"))
        ]
    );
    let reasons: Vec<&str> = set.skipped().iter().map(|s| s.reason.as_str()).collect();
    for (reason, word) in reasons.iter().zip([
        "X25519",
        "\"enc\"",
        "RSA-OAEP-256",
        "\"foo\"",
        "kty",
        "P-192",
    ]) {
        assert!(reason.contains(word), "{reason} should name {word}");
    }
    // A set built by hand, or read without anything to skip, skipped nothing.
    assert!(
        KeySet::from_keys(vec![Key::generate(Algorithm::ES256).unwrap()])
            .skipped()
            .is_empty()
    );
    let clean = json!({"keys": [ed25519_jwk("a"), ed25519_jwk("b")]}).to_string();
    assert!(KeySet::from_jwks(&clean).unwrap().skipped().is_empty());
}

#[test]
fn two_different_keys_with_one_kid_are_refused_naming_the_kid() {
    let set = json!({"keys": [ed25519_jwk("k1"), ed25519_jwk("other"), ed25519_jwk("k1")]});
    let msg = invalid_key(KeySet::from_jwks(&set.to_string()));
    assert!(
        msg.contains("\"k1\"") && msg.contains("keys[0]") && msg.contains("keys[2]"),
        "{msg}"
    );
    // The mixed opt-in does not lift it.
    invalid_key(KeySet::from_jwks_mixed(&set.to_string()));
    // Different kinds of key under one kid: refused too.
    let rsa = {
        let mut m = rsa_public_jwk();
        m.insert("kid".into(), "k1".into());
        Value::Object(m)
    };
    let set = json!({"keys": [ed25519_jwk("k1"), rsa]});
    assert!(invalid_key(KeySet::from_jwks(&set.to_string())).contains("\"k1\""));
    // The same key twice under one kid (here once per RSA algorithm) is kept, both entries.
    let mut rs = rsa_public_jwk();
    rs.insert("kid".into(), "r".into());
    let mut ps = rs.clone();
    rs.insert("alg".into(), "RS256".into());
    ps.insert("alg".into(), "PS256".into());
    let set = json!({"keys": [rs, ps]});
    assert_eq!(KeySet::from_jwks(&set.to_string()).unwrap().len(), 2);
    // A skipped key does not count: an encryption key may share the signing key's kid.
    let set = json!({"keys": [
        ed25519_jwk("k1"),
        {"kty": "OKP", "crv": "X25519", "kid": "k1", "x": "EU3wvSVXI4c0ZRTExhpx9aNxd9c0q7FRXnnxJtuCSEs"},
    ]});
    let set = KeySet::from_jwks(&set.to_string()).unwrap();
    assert_eq!((set.len(), set.skipped().len()), (1, 1));
    // Keys without kid are never in conflict.
    let set = json!({"keys": [
        Key::generate(Algorithm::ES256).unwrap().to_public_jwk().unwrap(),
        Key::generate(Algorithm::ES256).unwrap().to_public_jwk().unwrap(),
    ]});
    let text = set.to_string().replace("\"kid\"", "\"x-kid\"");
    assert_eq!(KeySet::from_jwks(&text).unwrap().len(), 2);
}

#[test]
fn a_set_mixing_secrets_and_public_keys_needs_the_opt_in() {
    let secret = Key::from_secret(b"a secret of at least thirty-two bytes!!")
        .unwrap()
        .with_kid("hs");
    let secret_jwk: Value = serde_json::from_str(&secret.to_private_jwk()).unwrap();
    let ed = Key::generate(Algorithm::EdDSA).unwrap().with_kid("ed");
    let mixed = json!({"keys": [secret_jwk.clone(), ed.to_public_jwk().unwrap()]}).to_string();
    let msg = invalid_key(KeySet::from_jwks(&mixed));
    assert!(
        msg.contains("HMAC") && msg.contains("keys[0]") && msg.contains("keys[1]"),
        "{msg}"
    );
    let set = KeySet::from_jwks_mixed(&mixed).unwrap();
    assert_eq!(set.len(), 2);
    // Both kinds verify from the opted-in set.
    let v = hxjwt::jws::Validation::new(&[Algorithm::HS256, Algorithm::EdDSA]).require::<&str>(&[]);
    for (key, alg) in [(&secret, Algorithm::HS256), (&ed, Algorithm::EdDSA)] {
        let mut h = hxjwt::jws::Header::new(alg);
        h.kid = key.kid().map(str::to_owned);
        let token = hxjwt::jws::encode(&h, &json!({"sub": "x"}), key).unwrap();
        hxjwt::jws::decode::<Value>(&token, &set, &v).unwrap();
    }
    // Only secrets, or only public keys: no opt-in needed.
    let secrets = json!({"keys": [secret_jwk]}).to_string();
    assert_eq!(KeySet::from_jwks(&secrets).unwrap().len(), 1);
    // A skipped secret-like key does not make a set mixed.
    let with_enc = json!({"keys": [
        ed.to_public_jwk().unwrap(),
        {"kty": "oct", "use": "enc", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"},
    ]});
    assert_eq!(KeySet::from_jwks(&with_enc.to_string()).unwrap().len(), 1);
    // A set built by hand is the caller's choice.
    assert_eq!(KeySet::from_keys(vec![secret, ed]).len(), 2);
}
