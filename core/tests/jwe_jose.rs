//! JWE interop with jose (panva's JOSE library for Node.js), the direction "jose encrypts,
//! hxjwt decrypts": tokens that jose made for every alg × enc pair both implement (ECDH-ES over
//! X25519, P-256, P-384 and P-521), with keys jose generated and wrote as JWKs.
//!
//! The tokens are read from tests/vectors/jwe-jose.json, committed, so that every `cargo test`
//! checks them offline and deterministically. `make jwe-jose-interop` (mk/jose.mk) makes a fresh
//! file with tests/jwe-interop/jose/make-tokens.mjs (new keys, new randomness, the pinned jose)
//! and runs these same tests on it through `HXJWT_JOSE_TOKENS=path`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure should panic loudly"
)]

use once_cell::sync::OnceCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use hxjwt::jwe::{self, ContentAlgorithm as Enc, Decryption, Key, KeyAlgorithm as Alg};
use hxjwt::{ErrorKind, jws};
use serde_json::Value;

/// The token file: `HXJWT_JOSE_TOKENS` when set (the live run of `make jwe-jose-interop`), else
/// the committed tests/vectors/jwe-jose.json.
fn tokens_path() -> PathBuf {
    match std::env::var_os("HXJWT_JOSE_TOKENS") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/jwe-jose.json"),
    }
}

fn doc() -> &'static Value {
    static DOC: OnceCell<Value> = OnceCell::new();
    DOC.get_or_init(|| {
        let path = tokens_path();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read jose's tokens from {} ({e}); make them with \
                 `node tests/jwe-interop/jose/make-tokens.mjs FILE` (or `make jwe-jose-interop`)",
                path.display()
            )
        });
        let doc: Value = serde_json::from_str(&text).unwrap();
        eprintln!(
            "jwe_jose: {} tokens from {} ({})",
            doc["tokens"].as_array().map_or(0, Vec::len),
            path.display(),
            doc["generator"].as_str().unwrap_or("?")
        );
        doc
    })
}

fn tokens() -> &'static [Value] {
    doc()["tokens"].as_array().unwrap()
}

fn key(name: &str) -> Key {
    let jwk = &doc()["keys"][name];
    assert!(jwk.is_object(), "no key {name} in the jose token file");
    Key::from_jwk(&jwk.to_string()).unwrap_or_else(|e| panic!("jose's JWK {name}: {e}"))
}

fn unb64(text: &str) -> Vec<u8> {
    hxjwt::b64::decode(text, "test").unwrap()
}

fn alg_of(entry: &Value) -> Alg {
    Alg::from_name(entry["alg"].as_str().unwrap()).unwrap()
}

fn enc_of(entry: &Value) -> Enc {
    Enc::from_name(entry["enc"].as_str().unwrap()).unwrap()
}

fn label(entry: &Value) -> String {
    if entry["serialization"].is_null() {
        return entry["name"].as_str().unwrap().to_owned();
    }
    format!(
        "{} ({})",
        entry["name"].as_str().unwrap(),
        entry["serialization"].as_str().unwrap()
    )
}

/// Accepts exactly the entry's alg and enc (and zip when the entry uses it).
fn decryption(entry: &Value) -> Decryption {
    let d = Decryption::new(&[alg_of(entry)], &[enc_of(entry)]);
    if entry["zip"].as_bool() == Some(true) {
        d.allow_zip(jwe::DEFAULT_MAX_INFLATED_LEN)
    } else {
        d
    }
}

fn decrypt_with(entry: &Value, keys: &impl jwe::DecryptionKeys) -> hxjwt::Result<jwe::Decrypted> {
    let token = entry["token"].as_str().unwrap();
    let d = decryption(entry);
    match entry["serialization"].as_str().unwrap() {
        "compact" => jwe::decrypt(token, keys, &d),
        "json" => jwe::decrypt_json(token, keys, &d),
        other => panic!("unknown serialization {other}"),
    }
}

/// Decrypts every entry with `keys_for(entry)`; checks plaintext, alg, enc and aad; panics
/// with every failure listed.
fn check_all<K: jwe::DecryptionKeys>(keys_for: impl Fn(&Value) -> K) -> usize {
    let mut failures = Vec::new();
    for entry in tokens() {
        let result = decrypt_with(entry, &keys_for(entry)).and_then(|msg| {
            let want = unb64(entry["plaintext_b64url"].as_str().unwrap());
            let aad = entry["aad_b64url"].as_str().map(unb64);
            if *msg.plaintext != want {
                Err(hxjwt::Error::new(
                    ErrorKind::Internal,
                    "the plaintext differs",
                ))
            } else if (msg.alg, msg.enc) != (alg_of(entry), enc_of(entry)) {
                Err(hxjwt::Error::new(
                    ErrorKind::Internal,
                    format!("decrypted as {} {}", msg.alg, msg.enc),
                ))
            } else if msg.aad != aad {
                Err(hxjwt::Error::new(ErrorKind::Internal, "the aad differs"))
            } else {
                Ok(())
            }
        });
        if let Err(e) = result {
            failures.push(format!("{}: {e}", label(entry)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} jose tokens failed:\n{}",
        failures.len(),
        tokens().len(),
        failures.join("\n")
    );
    tokens().len()
}

#[test]
fn every_jose_token_decrypts_with_its_key() {
    let n = check_all(|entry| key(entry["key"].as_str().unwrap()));
    eprintln!("jwe_jose: {n} passed, 0 failed");
}

#[test]
fn every_jose_token_decrypts_with_the_whole_key_set_selecting_by_kid() {
    // jose wrote each key's kid into its JWK and each token's header; hxjwt picks by it.
    let names: Vec<&String> = doc()["keys"].as_object().unwrap().keys().collect();
    let set: Vec<Key> = names.iter().map(|n| key(n)).collect();
    assert!(
        set.iter().all(|k| k.kid().is_some()),
        "every jose JWK has a kid"
    );
    check_all(|_| set.clone());
}

/// The jose tokens cover every pair hxjwt and jose share: all of hxjwt's algorithms but
/// ECDH-1PU (not in jose), × every enc, ECDH-ES over every curve. A file that lost a pair
/// fails here rather than passing with less.
#[test]
fn jose_tokens_cover_every_pair_both_implement() {
    let made: BTreeSet<(String, String, String)> = tokens()
        .iter()
        .filter(|e| e["serialization"] == "compact")
        .map(|e| {
            let s = |m: &str| e[m].as_str().unwrap().to_owned();
            (s("alg"), s("enc"), s("key"))
        })
        .collect();
    let mut missing = Vec::new();
    let mut per_alg: BTreeMap<&str, usize> = BTreeMap::new();
    for alg in Alg::ALL {
        if alg.name().starts_with("ECDH-1PU") {
            continue; // jose has no ECDH-1PU
        }
        for enc in Enc::ALL {
            let keys: Vec<String> = match alg {
                Alg::Dir => vec![format!("oct{}", enc.key_len())],
                Alg::RsaOaep | Alg::RsaOaep256 => vec!["rsa2048".into()],
                a if a.name().starts_with("PBES2") => vec!["password".into()],
                a if a.is_key_agreement() => ["x25519", "p256", "p384", "p521"]
                    .map(String::from)
                    .to_vec(),
                a => vec![format!(
                    "oct{}",
                    a.name()[1..4].parse::<usize>().unwrap() / 8
                )],
            };
            for k in keys {
                if made.contains(&(alg.name().into(), enc.name().into(), k.clone())) {
                    *per_alg.entry(alg.name()).or_default() += 1;
                } else {
                    missing.push(format!("{alg} {enc} {k}"));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "no jose token for: {}",
        missing.join(", ")
    );
    assert_eq!(per_alg.len(), 16, "{per_alg:?}");
    // And the JSON serializations: general (five recipients) and flattened.
    let json = tokens()
        .iter()
        .filter(|e| e["serialization"] == "json")
        .count();
    assert!(json >= 6, "{json} JSON entries");
}

#[test]
fn jose_tokens_are_refused_outside_the_callers_lists() {
    // Another alg or enc only: refused on the header, before any cryptography.
    for entry in tokens() {
        let (alg, enc) = (alg_of(entry), enc_of(entry));
        let other_alg = if alg == Alg::A128KW {
            Alg::A256KW
        } else {
            Alg::A128KW
        };
        let other_enc = if enc == Enc::A128GCM {
            Enc::A256GCM
        } else {
            Enc::A128GCM
        };
        let k = key(entry["key"].as_str().unwrap());
        let token = entry["token"].as_str().unwrap();
        for d in [
            Decryption::new(&[other_alg], &[enc]),
            Decryption::new(&[alg], &[other_enc]),
        ] {
            let e = match entry["serialization"].as_str().unwrap() {
                "compact" => jwe::decrypt(token, &k, &d),
                _ => jwe::decrypt_json(token, &k, &d),
            }
            .unwrap_err();
            assert_eq!(
                e.kind(),
                ErrorKind::UnsupportedAlgorithm,
                "{}: {e}",
                label(entry)
            );
        }
        // zip DEF is refused unless enabled.
        if entry["zip"].as_bool() == Some(true) {
            let e = jwe::decrypt(token, &k, &Decryption::new(&[alg], &[enc])).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::UnknownHeader, "{}: {e}", label(entry));
        }
    }
}

#[test]
fn jose_nested_jwts_decrypt_and_verify() {
    // jose signed a JWT (ES256, EdDSA, RS256), then encrypted it with cty "JWT".
    let nested = doc()["nested"].as_array().unwrap();
    assert!(nested.len() >= 3, "{} nested tokens", nested.len());
    for entry in nested {
        let signer = &doc()["signing_keys"][entry["signer"].as_str().unwrap()];
        let verifying = jws::Key::from_jwk(&signer.to_string()).unwrap();
        let jws_alg: jws::Algorithm = entry["jws_alg"].as_str().unwrap().parse().unwrap();
        let v = jws::Validation::new(&[jws_alg])
            .audience(&["hxjwt"])
            .issuer(&["jose"]);
        let token = entry["token"].as_str().unwrap();
        let k = key(entry["key"].as_str().unwrap());
        let d = Decryption::new(&[alg_of(entry)], &[enc_of(entry)]);
        let data = jwe::decrypt_nested::<Value>(token, &k, &d, &verifying, &v)
            .unwrap_or_else(|e| panic!("{}: {e}", label(entry)));
        assert_eq!(data.claims, entry["claims"], "{}", label(entry));
        // Another signer's key: the signature check inside fails.
        let other = if jws_alg == jws::Algorithm::ES256 {
            "eddsa"
        } else {
            "es256"
        };
        let wrong = jws::Key::from_jwk(&doc()["signing_keys"][other].to_string()).unwrap();
        let any = jws::Validation::new(&[jws::Algorithm::ES256, jws::Algorithm::EdDSA, jws_alg])
            .audience(&["hxjwt"]);
        assert!(
            jwe::decrypt_nested::<Value>(token, &k, &d, &wrong, &any).is_err(),
            "{}",
            label(entry)
        );
        // Audience not ours.
        let e =
            jwe::decrypt_nested::<Value>(token, &k, &d, &verifying, &v.clone().audience(&["api"]))
                .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::WrongAudience, "{}: {e}", label(entry));
    }
}
