//! Standard JWE decryption of arbitrary bytes with every key of tests/vectors/jwe.json (AES key
//! wrap and GCM secrets, a PBES2 password, RSA, EC P-256/384/521, X25519), every algorithm
//! allowed; and, so that the fuzzer gets past key management and the tag, headers and plaintexts
//! of its own encrypted here with a `dir` key and an `A256KW` key.
//!
//! Input: a selector byte (bit 0: encrypt mode; bit 1: `zip` allowed; bit 2: the compact token
//! through the JSON-serialization entry point too), then the token, or (encrypt mode) extra
//! header members as JSON and the plaintext separated by 0xFF.
//! Invariants: no `Internal` error, no key material in a message, an over-long token is
//! `Malformed`; a decrypted token decrypts the same again, with the key that its `alg` and `kid`
//! select alone, and its header is what `decode_header` reads; a token encrypted here decrypts to
//! its plaintext, with the header members it was given.
#![no_main]

use std::sync::LazyLock;

use hxjwt::jwe::{self, ContentAlgorithm, Decryption, Header, Key, KeyAlgorithm, MIN_P2C};
use hxjwt::{ErrorKind, b64};
use hxjwt_fuzz::{PRIVATE_MEMBERS, check_error, split_selector, token_text};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

/// tests/vectors/jwe.json.
const JWE_VECTORS: &str = include_str!("../../tests/vectors/jwe.json");

struct World {
    /// Every key of the file, `kid` = its name (the password as a PBES2 key).
    keys: Vec<Key>,
    /// The `dir` A256GCM key and the A256KW key of encrypt mode.
    dir: Key,
    kw: Key,
    /// Private members of every key (base64url and hex).
    secrets: Vec<String>,
}

static WORLD: LazyLock<World> = LazyLock::new(|| {
    let file: Value = serde_json::from_str(JWE_VECTORS).expect("jwe.json");
    let mut keys = Vec::new();
    let mut secrets = Vec::new();
    for (name, jwk) in file["keys"].as_object().expect("keys") {
        for member in PRIVATE_MEMBERS {
            if let Some(text) = jwk[member].as_str() {
                secrets.push(text.to_owned());
                let bytes = b64::decode(text, member).expect("base64url in the vector file");
                secrets.push(bytes.iter().map(|b| format!("{b:02x}")).collect());
            }
        }
        let key = if name == "password" {
            let k = jwk["k"].as_str().expect("k");
            Key::from_password(b64::decode(k, "k").expect("k")).expect("the password")
        } else {
            Key::from_jwk(&jwk.to_string()).expect("a vector key")
        };
        keys.push(key.with_kid(name.clone()));
    }
    World {
        keys,
        dir: Key::from_secret([0x5A; 32]).expect("dir key"),
        kw: Key::from_secret([0xA5; 32]).expect("A256KW key"),
        secrets,
    }
});

fn decryption(selector: u8) -> Decryption {
    // PBES2 at the minimum count: a token may ask for up to max_p2c iterations per attempt.
    let d = Decryption::new(&KeyAlgorithm::ALL, &ContentAlgorithm::ALL).max_p2c(MIN_P2C);
    if selector & 2 != 0 { d.allow_zip(4096) } else { d }
}

fuzz_target!(|data: &[u8]| {
    let (selector, rest) = split_selector(data);
    let d = decryption(selector);
    if selector & 1 == 0 {
        decrypt(&String::from_utf8_lossy(rest), &d, selector & 4 != 0);
    } else {
        let mut parts = rest.splitn(2, |b| *b == 0xFF);
        let members = parts.next().unwrap_or_default();
        let plaintext = parts.next().unwrap_or_default();
        encrypted(members, plaintext, &d, selector);
    }
});

fn decrypt(token: &str, d: &Decryption, json_too: bool) -> Option<jwe::Decrypted> {
    let w = &*WORLD;
    if json_too {
        if let Err(err) = jwe::decrypt_json(token, &w.keys, d) {
            check_error(&err, &w.secrets, &token_text(token));
        }
    }
    match jwe::decrypt(token, &w.keys, d) {
        Err(err) => {
            check_error(&err, &w.secrets, &token_text(token));
            if token.len() > d.max_token_len {
                assert_eq!(err.kind(), ErrorKind::Malformed, "{err}");
            }
            None
        }
        Ok(out) => {
            assert_eq!(out.header()["alg"], out.alg.name());
            assert_eq!(out.header()["enc"], out.enc.name());
            assert_eq!(&jwe::decode_header(token).expect("header"), out.header());
            let again = jwe::decrypt(token, &w.keys, d).expect("decrypts again");
            assert_eq!(
                (&again.plaintext, again.alg, again.enc),
                (&out.plaintext, out.alg, out.enc)
            );
            // One key of the set decrypts it alone.
            assert!(
                w.keys.iter().any(|k| jwe::decrypt(token, k, d)
                    .is_ok_and(|alone| alone.plaintext == out.plaintext)),
                "no single key decrypts a decrypted token"
            );
            Some(out)
        }
    }
}

fn encrypted(members: &[u8], plaintext: &[u8], d: &Decryption, selector: u8) {
    let w = &*WORLD;
    let Ok(Value::Object(members)) = serde_json::from_slice::<Value>(members) else {
        return;
    };
    let (alg, key) = if selector & 8 == 0 {
        (KeyAlgorithm::Dir, &w.dir)
    } else {
        (KeyAlgorithm::A256KW, &w.kw)
    };
    let header = match Header::new(alg, ContentAlgorithm::A256GCM).with_members(members.clone()) {
        Ok(h) => h,
        Err(err) => {
            check_error(&err, &w.secrets, &format!("{members:?}"));
            return;
        }
    };
    let token = match jwe::encrypt(&header, plaintext, key) {
        Ok(t) => t,
        Err(err) => {
            check_error(&err, &w.secrets, &format!("{members:?}"));
            return;
        }
    };
    match jwe::decrypt(&token, key, d) {
        Ok(out) => {
            assert_eq!(out.plaintext.as_slice(), plaintext);
            assert_eq!(out.alg, alg);
            let header: &Map<String, Value> = out.header();
            for (name, value) in &members {
                assert_eq!(header.get(name), Some(value), "member {name} changed");
            }
        }
        // What encrypt accepts, decrypt may still refuse (e.g. a `crit` it does not
        // understand, a `zip` not allowed): with a precise error.
        Err(err) => check_error(&err, &w.secrets, &token_text(&token)),
    }
}
