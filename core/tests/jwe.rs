//! JWE (RFC 7516/7518, ECDH-1PU): round trips of every alg × enc, the shared vectors
//! (tests/vectors/jwe.json: RFC examples, joserfc and jwcrypto tokens), every defence, and a
//! corpus of hostile tokens refused quickly.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure should panic loudly"
)]

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use hxjwt::ErrorKind;
use hxjwt::jwe::{
    self, ContentAlgorithm as Enc, Decryption, Header, JsonRecipient, Key, KeyAlgorithm as Alg,
};
use hxjwt::jws::Curve;
use serde_json::Value;

fn b64(bytes: &[u8]) -> String {
    hxjwt::b64::encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    hxjwt::b64::decode(text, "test").unwrap()
}

/// One RSA key for the whole file (generation is slow in debug builds).
fn rsa() -> &'static Key {
    static KEY: OnceLock<Key> = OnceLock::new();
    KEY.get_or_init(|| Key::generate_rsa(2048).unwrap())
}

/// A recipient key (private) for `alg`, sized for `enc` where that matters.
fn key_for(alg: Alg, enc: Enc, curve: Option<Curve>) -> Key {
    match alg {
        Alg::Dir => Key::from_secret(vec![0x42; enc.key_len()]).unwrap(),
        Alg::A128KW | Alg::A128GCMKW => Key::from_secret([1u8; 16]).unwrap(),
        Alg::A192KW | Alg::A192GCMKW => Key::from_secret([2u8; 24]).unwrap(),
        Alg::A256KW | Alg::A256GCMKW => Key::from_secret([3u8; 32]).unwrap(),
        Alg::RsaOaep | Alg::RsaOaep256 => rsa().clone(),
        Alg::Pbes2Hs256A128KW | Alg::Pbes2Hs384A192KW | Alg::Pbes2Hs512A256KW => {
            Key::from_password("correct horse battery staple").unwrap()
        }
        _ => match curve {
            Some(c) => Key::generate_ec(c).unwrap(),
            None => Key::generate_x25519().unwrap(),
        },
    }
}

fn public(key: &Key) -> Key {
    if key.kind() == hxjwt::jwe::KeyKind::Symmetric {
        key.clone()
    } else {
        key.to_public().unwrap()
    }
}

fn is_1pu(alg: Alg) -> bool {
    matches!(
        alg,
        Alg::Ecdh1Pu | Alg::Ecdh1PuA128KW | Alg::Ecdh1PuA192KW | Alg::Ecdh1PuA256KW
    )
}

fn pairs() -> Vec<(Alg, Enc)> {
    let mut out = Vec::new();
    for alg in Alg::ALL {
        for enc in Enc::ALL {
            if is_1pu(alg) && !alg.is_direct() && !enc.is_cbc_hmac() {
                continue;
            }
            out.push((alg, enc));
        }
    }
    out
}

fn curves(alg: Alg) -> Vec<Option<Curve>> {
    if alg.is_key_agreement() {
        vec![
            None,
            Some(Curve::P256),
            Some(Curve::P384),
            Some(Curve::P521),
        ]
    } else {
        vec![None]
    }
}

fn header(alg: Alg, enc: Enc) -> Header {
    let mut h = Header::new(alg, enc);
    h.p2c = Some(1000); // debug builds: keep PBKDF2 short
    h
}

#[test]
fn every_alg_and_enc_round_trips_in_both_serializations() {
    let plaintext = b"The true sign of intelligence is not knowledge but imagination.";
    for (alg, enc) in pairs() {
        for curve in curves(alg) {
            let key = key_for(alg, enc, curve);
            let sender = is_1pu(alg).then(|| key_for(alg, enc, curve));
            let h = header(alg, enc);
            let d = Decryption::new(&[alg], &[enc]);
            let token = match &sender {
                Some(s) => jwe::encrypt_1pu(&h, plaintext, &public(&key), s).unwrap(),
                None => jwe::encrypt(&h, plaintext, &public(&key)).unwrap(),
            };
            let msg = match &sender {
                Some(s) => jwe::decrypt_1pu(&token, &key, &public(s), &d),
                None => jwe::decrypt(&token, &key, &d),
            }
            .unwrap_or_else(|e| panic!("{alg} {enc} {curve:?}: {e}"));
            assert_eq!(&*msg.plaintext, plaintext, "{alg} {enc}");
            assert_eq!((msg.alg, msg.enc), (alg, enc));

            // JSON, flattened.
            let r = [JsonRecipient::new(alg, &public(&key))];
            let json = match &sender {
                Some(s) => jwe::encrypt_json_1pu(&h, &r, s, plaintext, Some(b"aad"), false),
                None => jwe::encrypt_json(&h, &r, plaintext, Some(b"aad"), false),
            }
            .unwrap();
            let msg = match &sender {
                Some(s) => jwe::decrypt_json_1pu(&json, &key, &public(s), &d),
                None => jwe::decrypt_json(&json, &key, &d),
            }
            .unwrap_or_else(|e| panic!("JSON {alg} {enc} {curve:?}: {e}"));
            assert_eq!(&*msg.plaintext, plaintext);
            assert_eq!(msg.aad.as_deref(), Some(&b"aad"[..]));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The shared vectors (tests/vectors/jwe.json, made by tests/vectors/make_jwe_vectors.py)
// ---------------------------------------------------------------------------------------------

fn vectors() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/jwe.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    })
}

fn vector_key(name: &str) -> Key {
    let jwk = &vectors()["keys"][name];
    assert!(jwk.is_object(), "no key {name}");
    Key::from_jwk(&jwk.to_string()).unwrap_or_else(|e| panic!("key {name}: {e}"))
}

fn names<T>(v: &Value, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
    v.as_array()
        .unwrap()
        .iter()
        .filter_map(|n| parse(n.as_str().unwrap()))
        .collect()
}

fn run_vector(v: &Value) -> hxjwt::Result<jwe::Decrypted> {
    let key = vector_key(v["key"].as_str().unwrap());
    let mut d = Decryption::new(
        &names(&v["algorithms"], Alg::from_name),
        &names(&v["encryptions"], Enc::from_name),
    );
    if let Some(max) = v["allow_zip"].as_u64() {
        d = d.allow_zip(usize::try_from(max).unwrap());
    }
    let token = v["token"].as_str().unwrap();
    let sender = v["sender"]
        .as_str()
        .map(|s| vector_key(s).to_public().unwrap());
    match (v["serialization"].as_str().unwrap(), &sender) {
        ("compact", None) => jwe::decrypt(token, &key, &d),
        ("compact", Some(s)) => jwe::decrypt_1pu(token, &key, s, &d),
        ("json", None) => jwe::decrypt_json(token, &key, &d),
        ("json", Some(s)) => jwe::decrypt_json_1pu(token, &key, s, &d),
        (other, _) => panic!("serialization {other}"),
    }
}

#[test]
fn every_positive_vector_decrypts() {
    let positive = vectors()["positive"].as_array().unwrap();
    assert!(positive.len() > 300, "{}", positive.len());
    for v in positive {
        let name = v["name"].as_str().unwrap();
        let msg = run_vector(v).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            b64(&msg.plaintext),
            v["plaintext_b64url"].as_str().unwrap(),
            "{name}"
        );
        if let Some(aad) = v["aad_b64url"].as_str() {
            assert_eq!(msg.aad.as_deref().map(b64).as_deref(), Some(aad), "{name}");
        }
    }
}

#[test]
fn every_negative_vector_fails_with_its_kind() {
    for v in vectors()["negative"].as_array().unwrap() {
        let name = v["name"].as_str().unwrap();
        let want = ErrorKind::from_name(v["error"].as_str().unwrap()).unwrap();
        let started = Instant::now();
        match run_vector(v) {
            Ok(_) => panic!("{name}: decrypted"),
            Err(e) => assert_eq!(e.kind(), want, "{name}: {e}"),
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{name} took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn the_concat_kdf_vectors() {
    // The KDF is internal; its vectors are checked through a token whose header carries the
    // RFC's epk, apu and apv (rfc7518-appendix-c-ecdh-es-p256 among the positives), and here
    // by the count, so that a vector added to "kdf" without a token is noticed.
    assert_eq!(vectors()["kdf"].as_array().unwrap().len(), 1);
    let v = &vectors()["positive"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "rfc7518-appendix-c-ecdh-es-p256")
        .unwrap();
    run_vector(v).unwrap();
    let _ = unb64(v["plaintext_b64url"].as_str().unwrap());
}
