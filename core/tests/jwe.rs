//! JWE (RFC 7516/7518, ECDH-1PU): round trips of every alg × enc, the shared vectors
//! (tests/vectors/jwe.json: RFC examples, joserfc and jwcrypto tokens), every defence, and a
//! corpus of hostile tokens refused quickly.

#![allow(clippy::indexing_slicing, reason = "test code")]

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use hxjwt::ErrorKind;
use hxjwt::jwe::{
    self, ContentAlgorithm as Enc, Decryption, Header, JsonRecipient, Key, KeyAlgorithm as Alg,
};
use hxjwt::jws::Curve;
use serde_json::{Value, json};

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
        vec![None, Some(Curve::P256), Some(Curve::P384), Some(Curve::P521)]
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
