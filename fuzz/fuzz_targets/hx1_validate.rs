//! HX1 validation of arbitrary bytes, as bob.service (fixed clock, a directory holding
//! alice.service's machine token), and a create-then-validate round trip of arbitrary contents.
//!
//! Input: a selector byte, then the token (modes 0 and 1) or the contents (mode 2).
//! Invariants: no `Internal` error, no key material in a message, an over-long token is
//! `Malformed`; an accepted token is accepted the same by both ways of validating (directory and
//! explicit sender), comes from alice.service to bob.service and is within its lifetime; a token
//! made by alice.service validates to exactly what was put in.
#![no_main]

use hxjwt::{CreateOptions, ErrorKind, Message, dangerous};
use hxjwt_fuzz::{HX1, check_error, hx1_policy, split_selector, token_text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (selector, rest) = split_selector(data);
    match selector % 3 {
        2 => round_trip(rest),
        mode => {
            // Not UTF-8 cannot be a &str: such bytes are read lossily, which also fuzzes U+FFFD.
            let token = String::from_utf8_lossy(rest);
            validate(&token, mode == 1);
        }
    }
});

fn validate(token: &str, explicit_sender: bool) {
    let w = &*HX1;
    let result = if explicit_sender {
        w.bob_endpoint.validate_from(token, &w.alice_token)
    } else {
        w.bob_endpoint.validate(token)
    };
    match result {
        Err(err) => {
            check_error(&err, &w.secrets, &token_text(token));
            if token.len() > hx1_policy().max_token_len {
                assert_eq!(err.kind(), ErrorKind::Malformed, "{err}");
            }
        }
        Ok(msg) => accepted(token, &msg),
    }
}

/// The invariants of an accepted token.
fn accepted(token: &str, msg: &Message) {
    let w = &*HX1;
    let policy = hx1_policy();
    assert_eq!(msg.issuer(), "alice.service");
    assert_eq!(msg.audience(), "bob.service");
    assert!(token.len() <= policy.max_token_len);
    let leeway = i64::try_from(policy.leeway).expect("small leeway");
    assert!(
        msg.issued_at() <= w.now + leeway,
        "accepted a token from the future"
    );
    assert!(
        msg.expires_at() + leeway >= w.now,
        "accepted an expired token"
    );
    if let Some(nbf) = msg.not_before() {
        assert!(nbf <= w.now + leeway, "accepted a token before its nbf");
    }
    // Both ways of validating agree, and validating again (no replay store) gives the same.
    let by_directory = w
        .bob_endpoint
        .validate(token)
        .expect("accepted through the directory");
    let by_sender = w
        .bob_endpoint
        .validate_from(token, &w.alice_token)
        .expect("accepted from the explicit sender");
    assert!(&by_directory == msg && &by_sender == msg);
    // The header is readable unverified, and says what the message says.
    let unverified = dangerous::decode_unverified(token).expect("an accepted token parses");
    assert_eq!(unverified.header["iss"], "alice.service");
    assert_eq!(unverified.header["aud"], "bob.service");
    assert_eq!(unverified.header["iat"], msg.issued_at());
    assert_eq!(unverified.header["exp"], msg.expires_at());
}

/// Token contents from the fuzzer: ttl (2 bytes), flags, nbf offset (2 bytes), then jti, cty and
/// the plaintext separated by 0xFF.
fn round_trip(data: &[u8]) {
    let w = &*HX1;
    let [t0, t1, flags, n0, n1, rest @ ..] = data else {
        return;
    };
    let ttl = u64::from(u16::from_le_bytes([*t0, *t1]));
    let nbf_offset = i64::from(i16::from_le_bytes([*n0, *n1]));
    let mut parts = rest.splitn(3, |b| *b == 0xFF);
    let jti = parts.next().unwrap_or_default();
    let cty = parts.next().unwrap_or_default();
    let plaintext = parts.next().unwrap_or_default();
    let opts = CreateOptions {
        ttl,
        not_before: (flags & 1 != 0).then_some(w.now + nbf_offset),
        jti: (flags & 2 != 0).then(|| String::from_utf8_lossy(jti).into_owned()),
        cty: (flags & 4 != 0).then(|| String::from_utf8_lossy(cty).into_owned()),
    };
    let input = String::from_utf8_lossy(rest).into_owned();
    let (m, iv) = &w.material;
    let recipient = w.bob.machine_token();
    let token = match dangerous::hx1_create_with_material(
        &w.alice_endpoint,
        &recipient,
        plaintext,
        &opts,
        m,
        iv,
    ) {
        Ok(token) => token,
        Err(err) => {
            check_error(&err, &w.secrets, &input);
            assert!(
                matches!(
                    err.kind(),
                    ErrorKind::InvalidArgument | ErrorKind::Malformed
                ),
                "creating failed with an unexpected kind: {err}"
            );
            return;
        }
    };
    match w.bob_endpoint.validate(&token) {
        Ok(msg) => {
            accepted(&token, &msg);
            assert_eq!(msg.payload(), plaintext);
            assert_eq!(msg.issued_at(), w.now);
            assert_eq!(
                u64::try_from(msg.expires_at() - msg.issued_at()).ok(),
                Some(ttl)
            );
            assert_eq!(msg.not_before(), opts.not_before);
            assert_eq!(msg.jti(), opts.jti.as_deref());
            assert_eq!(msg.content_type(), opts.cty.as_deref());
        }
        Err(err) => {
            check_error(&err, &w.secrets, &input);
            // The only reasons a fresh token of alice's can be refused: its nbf is in the
            // future, or it is larger than the recipient accepts.
            let future_nbf = opts.not_before.is_some_and(|nbf| nbf > w.now);
            let too_long = token.len() > hx1_policy().max_token_len;
            assert!(
                (future_nbf && err.kind() == ErrorKind::NotYetValid)
                    || (too_long && err.kind() == ErrorKind::Malformed),
                "a fresh token was refused: {err}"
            );
        }
    }
}
