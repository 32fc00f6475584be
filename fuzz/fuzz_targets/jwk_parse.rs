//! JWK parsing, as each kind of key: a JWS key (`Key::from_jwk`), an HX1 machine token and an
//! HX1 identity.
//!
//! Input: the JWK text (read lossily when not UTF-8).
//! Invariants: no `Internal` error, no private member of the input (`d`, `k`, …) in an error
//! message, and none of the members secret for the parsed key's type in `Debug` beyond what its
//! public members account for (`hxjwt_fuzz::debug_shows_secret`); a key that parses writes back (public and private JWK) to a key with the
//! same thumbprint, type and privacy; a machine token or identity writes back to an equal one.
#![no_main]

use hxjwt::jws::{Key, KeyType};
use hxjwt::{ErrorKind, Identity, MachineToken};
use hxjwt_fuzz::{check_error, debug_shows_secret};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    // Only the members secret for the type the input parsed as, and only beyond what the
    // key's public members (a `kid` that repeats the text) account for.
    let hidden = |debug: String, kty: &str| {
        if let Some(secret) = debug_shows_secret(&debug, text, kty) {
            panic!("Debug shows a secret ({secret}): {debug}");
        }
    };

    match Key::from_jwk(text) {
        Err(err) => check_error(&err, &[], text),
        Ok(key) => {
            hidden(format!("{key:?}"), key.key_type().kty());
            if key.key_type() == KeyType::Hmac {
                // A secret has no public half, and says so without showing it.
                for err in [key.to_public().err(), key.to_public_jwk().err()] {
                    let err = err.expect("an HMAC secret has no public form");
                    assert_eq!(err.kind(), ErrorKind::InvalidKey);
                    check_error(&err, &[], text);
                }
            } else {
                let public = key.to_public().expect("a public half");
                assert!(!public.is_private());
                assert_eq!(public.thumbprint(), key.thumbprint());
                let jwk = key.to_public_jwk().expect("public JWK").to_string();
                let back = Key::from_jwk(&jwk).expect("the public JWK parses");
                assert_eq!(back.thumbprint(), key.thumbprint());
                assert_eq!(back.key_type(), key.key_type());
                assert!(!back.is_private());
            }
            let private = key.to_private_jwk();
            let back = Key::from_jwk(&private).expect("the private JWK parses");
            assert_eq!(back.thumbprint(), key.thumbprint());
            assert_eq!(back.is_private(), key.is_private());
            assert_eq!((back.kid(), back.algorithm()), (key.kid(), key.algorithm()));
        }
    }

    match MachineToken::from_jwk(text) {
        Err(err) => check_error(&err, &[], text),
        Ok(token) => {
            hidden(format!("{token:?}"), "OKP");
            let back = MachineToken::from_jwk(&token.to_jwk()).expect("written back");
            assert!(back == token);
        }
    }

    match Identity::from_jwk(text) {
        Err(err) => check_error(&err, &[], text),
        Ok(id) => {
            hidden(format!("{id:?}"), "OKP");
            let back = Identity::from_jwk(&id.to_private_jwk()).expect("written back");
            assert_eq!(back.name(), id.name());
            assert!(back.machine_token() == id.machine_token());
            let public = MachineToken::from_jwk(&id.machine_token().to_jwk()).expect("public");
            assert!(public == id.machine_token());
        }
    }
});
