//! JWK Set parsing, both ways: a JWS key set (`KeySet::from_jwks`) and an HX1 directory
//! (`MemoryDirectory::from_jwks`).
//!
//! Input: the JWK Set text (read lossily when not UTF-8).
//! Invariants: no `Internal` error, no private member of the input in an error message; at most
//! `MAX_KEYS` keys; a set that parses writes back (public JWK Set / `to_jwks`) to a set of the same
//! keys (thumbprints, machine tokens), which parses again to the same text.
#![no_main]

use hxjwt::MemoryDirectory;
use hxjwt::jws::{KeySet, KeyType, MAX_KEYS};
use hxjwt_fuzz::check_error;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();

    match KeySet::from_jwks(text) {
        Err(err) => check_error(&err, &[], text),
        Ok(set) => {
            assert!(set.len() <= MAX_KEYS);
            // HMAC secrets are left out of the public set; everything else writes back.
            let public: Vec<_> = set
                .keys()
                .iter()
                .filter(|k| k.key_type() != KeyType::Hmac)
                .collect();
            let jwks = set
                .to_public_jwks()
                .expect("a key set always has a public JWK Set");
            let back = KeySet::from_jwks(&jwks).expect("the public JWK Set parses");
            assert_eq!(back.len(), public.len());
            for (a, b) in public.iter().zip(back.keys()) {
                assert_eq!(a.thumbprint(), b.thumbprint());
                assert_eq!(a.kid(), b.kid());
                assert!(!b.is_private());
            }
            assert_eq!(back.to_public_jwks().expect("again"), jwks);
        }
    }

    match MemoryDirectory::from_jwks(text) {
        Err(err) => check_error(&err, &[], text),
        Ok(dir) => {
            assert!(dir.len() <= MAX_KEYS);
            let jwks = dir.to_jwks();
            let back = MemoryDirectory::from_jwks(&jwks).expect("to_jwks parses");
            assert_eq!(back.len(), dir.len());
            let mut a = dir.tokens();
            let mut b = back.tokens();
            a.sort_by(|x, y| (x.name(), x.public_key()).cmp(&(y.name(), y.public_key())));
            b.sort_by(|x, y| (x.name(), x.public_key()).cmp(&(y.name(), y.public_key())));
            assert!(a == b, "the directory did not write back to itself");
            assert_eq!(back.to_jwks(), jwks);
        }
    }
});
