//! Property tests of standard JWS, for every algorithm: arbitrary claims round-trip; every
//! single-bit flip and every truncation of a valid token is rejected with a precise kind (never
//! `Internal`, never a panic); claim validation is monotone in time and leeway.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure should panic loudly"
)]

use std::sync::Arc;

use once_cell::sync::OnceCell;

use hxjwt::jws::{self, Algorithm, Header, Key, Validation};
use hxjwt::{ErrorKind, FixedClock};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const NOW: i64 = 1_767_225_600;

/// One signing key per algorithm, made once (RSA key generation is slow).
fn keys() -> &'static Vec<(Algorithm, Key, Key)> {
    static KEYS: OnceCell<Vec<(Algorithm, Key, Key)>> = OnceCell::new();
    KEYS.get_or_init(|| {
        Algorithm::ALL
            .iter()
            .map(|&alg| {
                let key = Key::generate(alg).unwrap();
                let verifier = key.to_public().unwrap_or_else(|_| key.clone());
                (alg, key, verifier)
            })
            .collect()
    })
}

fn validation(alg: Algorithm, now: i64, leeway: u64) -> Validation {
    let mut v = Validation::new(&[alg]).audience(&["api"]).issuer(&["idp"]);
    v.leeway = leeway;
    v.clock = Arc::new(FixedClock(now));
    v
}

fn base_claims() -> Value {
    json!({"sub": "ada", "aud": "api", "iss": "idp", "iat": NOW - 10, "nbf": NOW - 10, "exp": NOW + 60})
}

#[test]
fn every_bit_flip_and_truncation_of_every_algorithms_token_is_rejected() {
    for (alg, key, verifier) in keys() {
        let token = jws::encode(&Header::new(*alg), &base_claims(), key).unwrap();
        let v = validation(*alg, NOW, 0);
        assert!(jws::decode_claims(&token, verifier, &v).is_ok(), "{alg}");
        let bytes = token.as_bytes();
        let mut checked = 0usize;
        for i in 0..bytes.len() {
            // Bits 0..=6: the token must stay text (a &str); the C and Python faces take the
            // non-UTF-8 flips (bit 7) as bytes and refuse them before the core.
            for bit in 0..7 {
                let mut changed = bytes.to_vec();
                changed[i] ^= 1 << bit;
                let changed = String::from_utf8(changed).unwrap();
                if let Ok(data) = jws::decode_claims(&changed, verifier, &v) {
                    // A flip in base64's unused trailing bits is refused as non-canonical, so
                    // nothing but the original token may pass.
                    panic!("{alg}: flipping bit {bit} of byte {i} was accepted: {data:?}");
                }
                let err = jws::decode_claims(&changed, verifier, &v).unwrap_err();
                assert_ne!(
                    err.kind(),
                    ErrorKind::Internal,
                    "{alg} byte {i} bit {bit}: {err}"
                );
                checked += 1;
            }
        }
        for len in 0..token.len() {
            let err = jws::decode_claims(&token[..len], verifier, &v).unwrap_err();
            assert_ne!(
                err.kind(),
                ErrorKind::Internal,
                "{alg} truncated to {len}: {err}"
            );
        }
        assert_eq!(checked, bytes.len() * 7);
    }
}

fn claim_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "\\PC{0,16}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_claims_round_trip_under_every_algorithm(
        extra in prop::collection::btree_map("x_[a-z]{1,8}", claim_value(), 0..6),
        pick in 0usize..13,
    ) {
        let (alg, key, verifier) = &keys()[pick];
        let mut claims: Map<String, Value> = base_claims().as_object().unwrap().clone();
        claims.extend(extra);
        let token = jws::encode(&Header::new(*alg), &claims, key).unwrap();
        let v = validation(*alg, NOW, 0);
        let back = jws::decode_claims(&token, verifier, &v).unwrap();
        prop_assert_eq!(&back.claims, &claims);
        let raw = jws::decode_bytes(&token, verifier, &v).unwrap();
        prop_assert_eq!(serde_json::from_slice::<Map<String, Value>>(&raw.claims).unwrap(), claims);
    }

    /// Accepted at time t with leeway l: also accepted with any larger leeway; and the set of
    /// accepted times is one interval (nbf/iat - l ..= exp + l - 1).
    #[test]
    fn claim_checks_are_monotone_in_time_and_leeway(
        iat in -100i64..100, life in 1i64..200, skew in -300i64..300, leeway in 0u64..50,
    ) {
        let (alg, key, verifier) = &keys()[0];
        let claims = json!({"aud": "api", "iss": "idp", "iat": NOW + iat, "nbf": NOW + iat, "exp": NOW + iat + life});
        let token = jws::encode(&Header::new(*alg), &claims, key).unwrap();
        let at = |now: i64, l: u64| jws::decode_claims(&token, verifier, &validation(*alg, now, l)).is_ok();
        let now = NOW + skew;
        if at(now, leeway) {
            prop_assert!(at(now, leeway + 1));
            prop_assert!(at(now, leeway + 1000));
        }
        let l = i64::try_from(leeway).unwrap();
        let expected = now >= NOW + iat - l && now < NOW + iat + life + l;
        prop_assert_eq!(at(now, leeway), expected);
    }
}
