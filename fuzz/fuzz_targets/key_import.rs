//! PEM and DER key import (`Key::from_pem`, `Key::from_der`): PKCS#8, SEC1, PKCS#1 and SPKI of
//! RSA, EC and Ed25519 keys.
//!
//! Input: a selector byte (even: PEM text, read lossily; odd: DER bytes), then the key.
//! Invariants: no `Internal` error; no line of the PEM body (16 characters or more) in an error
//! message; a key that imports writes back to JWKs (private and public) that parse to the same
//! key (thumbprint, type, privacy), and its PEM body's secret is not in `Debug`.
#![no_main]

use hxjwt::jws::Key;
use hxjwt_fuzz::{check_error, leaks, split_selector};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (selector, rest) = split_selector(data);
    let (result, text) = if selector & 1 == 0 {
        let text = String::from_utf8_lossy(rest).into_owned();
        (Key::from_pem(&text), text)
    } else {
        (Key::from_der(rest), String::new())
    };
    // PEM body lines, as secrets: an error must not quote the key it refused. A body line is
    // base64 and nothing else; any other line (an OpenSSH key line, which is public, or text
    // sharing words with the messages' list of key types, as `rrsa-sha2-…ecdsa-sha2-nistp256`
    // did) is not a secret.
    let body: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| {
            l.len() >= 16
                && l
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        })
        .map(str::to_owned)
        .collect();
    match result {
        Err(err) => {
            check_error(&err, &[], &text);
            let message = err.to_string();
            for line in &body {
                assert!(
                    !leaks(&message, line, &text, 1),
                    "the message quotes the key: {message}"
                );
            }
        }
        Ok(key) => {
            let debug = format!("{key:?}");
            for line in &body {
                assert!(
                    !debug.contains(line.as_str()),
                    "Debug shows the PEM body: {debug}"
                );
            }
            let private = key.to_private_jwk();
            let back = Key::from_jwk(&private).expect("the private JWK of an imported key parses");
            assert_eq!(back.thumbprint(), key.thumbprint());
            assert_eq!(back.key_type(), key.key_type());
            assert_eq!(back.is_private(), key.is_private());
            let public = Key::from_jwk(&key.to_public_jwk().expect("public JWK").to_string())
                .expect("the public JWK parses");
            assert_eq!(public.thumbprint(), key.thumbprint());
            assert!(!public.is_private());
        }
    }
});
