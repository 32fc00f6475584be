//! Standard JWS decoding of arbitrary bytes with the key set of tests/vectors/jws.json (HMAC,
//! RSA, EC P-256/384/521, Ed25519) under one of four validations; and, so that the fuzzer gets
//! past the signature, header and payload bytes of its own signed with the HMAC key.
//!
//! Input: a selector byte (bits 0-1: the validation; bit 2: sign mode), then the token, or (sign
//! mode) the header JSON and the payload separated by 0xFF.
//! Invariants: no `Internal` error, no key material in a message, an over-long token is
//! `Malformed`; an accepted token has an accepted `alg`, decodes the same again, with one key of
//! the set alone, and through `verify`; its header is what `decode_header` reads; a token signed
//! here with HS256 is accepted only as HS256, with the header and claims signed.
#![no_main]

use hxjwt::jws::{self, Algorithm, Key, Validation};
use hxjwt::{ErrorKind, b64, dangerous, json};
use hxjwt_fuzz::{JWS, check_error, split_selector, token_text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (selector, rest) = split_selector(data);
    let v = JWS.validation(selector);
    if selector & 4 == 0 {
        decode(&String::from_utf8_lossy(rest), &v);
    } else {
        let mut parts = rest.splitn(2, |b| *b == 0xFF);
        let header = parts.next().unwrap_or_default();
        let payload = parts.next().unwrap_or_default();
        signed(header, payload, &v);
    }
});

fn decode(
    token: &str,
    v: &Validation,
) -> Option<jws::TokenData<serde_json::Map<String, serde_json::Value>>> {
    let w = &*JWS;
    match jws::decode_claims(token, &w.keyset, v) {
        Err(err) => {
            check_error(&err, &w.secrets, &token_text(token));
            if token.len() > v.max_token_len {
                assert_eq!(err.kind(), ErrorKind::Malformed, "{err}");
            }
            None
        }
        Ok(data) => {
            assert!(v.algorithms.contains(&data.alg));
            let header = data.header.to_map();
            assert_eq!(header["alg"], data.alg.name());
            assert!(!header.contains_key("crit"));
            assert_eq!(jws::decode_header(token).expect("header"), header);
            // The members at hand are the map's.
            for (name, at_hand) in [
                ("kid", data.header.kid()),
                ("typ", data.header.typ()),
                ("cty", data.header.cty()),
            ] {
                assert_eq!(
                    header.get(name).and_then(serde_json::Value::as_str),
                    at_hand,
                    "{name}"
                );
            }
            let again = jws::decode_claims(token, &w.keyset, v).expect("decodes again");
            assert_eq!(
                (&again.header, again.alg, &again.claims),
                (&data.header, data.alg, &data.claims)
            );
            v.check_claims(&data.claims).expect("the claims pass again");
            // One key of the set verifies it alone.
            let kid = data.header.kid();
            let candidates = w.keyset.select(kid, data.alg).expect("a key was selected");
            assert!(
                candidates
                    .iter()
                    .any(|k: &&Key| jws::decode_claims(token, *k, v).is_ok()),
                "no single key verifies an accepted token"
            );
            let verified = jws::verify(token, &w.keyset, v).expect("verify agrees");
            assert_eq!(verified.header, data.header);
            assert_eq!(
                serde_json::from_slice::<serde_json::Value>(&verified.claims).ok(),
                Some(serde_json::Value::Object(data.claims.clone()))
            );
            Some(data)
        }
    }
}

fn signed(header: &[u8], payload: &[u8], v: &Validation) {
    let w = &*JWS;
    let signing_input = format!("{}.{}", b64::encode(header), b64::encode(payload));
    let signature = dangerous::jws_sign(w.key("hmac"), Algorithm::HS256, signing_input.as_bytes())
        .expect("HS256 signs");
    let token = format!("{signing_input}.{}", b64::encode(&signature));
    if let Some(data) = decode(&token, v) {
        assert_eq!(
            data.alg,
            Algorithm::HS256,
            "a token signed with HS256 accepted as another alg"
        );
        assert_eq!(
            json::parse_object(header, 64, "header").ok(),
            Some(data.header.to_map())
        );
        assert_eq!(data.header.json().as_bytes(), header);
        assert_eq!(
            json::parse_object(payload, 64, "claims").ok().as_ref(),
            Some(&data.claims)
        );
    }
}
