//! `TokenIssuer::revoke` remembers a token exactly as long as it could still be accepted: until
//! its `exp`, rounded up to the next whole second when `exp` has a fraction (RFC 7519 allows
//! `1700000000.5`), never forever and never not at all.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure should panic loudly"
)]

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use hxjwt::ErrorKind;
use hxjwt::jws::helpers::{RevocationStore, TokenIssuer};
use hxjwt::jws::{Algorithm, Header, Key, encode_json};

const T0: i64 = 1_767_225_600;

/// A revocation store that records what it is asked to remember, and until when.
#[derive(Default)]
struct Recording {
    revoked: Mutex<Vec<(String, i64)>>,
}

impl RevocationStore for Recording {
    fn revoke(&self, jti: &str, until: i64, now: i64) -> hxjwt::Result<bool> {
        let mut revoked = self.revoked.lock().unwrap_or_else(PoisonError::into_inner);
        if revoked.iter().any(|(j, u)| j == jti && *u >= now) {
            return Ok(false);
        }
        revoked.push((jti.to_owned(), until));
        Ok(true)
    }

    fn is_revoked(&self, jti: &str, now: i64) -> hxjwt::Result<bool> {
        let revoked = self.revoked.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(revoked.iter().any(|(j, u)| j == jti && *u >= now))
    }
}

/// An access token of `issuer`'s shape, signed with `key`, with this exact `exp` text.
fn access_token(key: &Key, jti: &str, exp: &str) -> String {
    let mut header = Header::new(Algorithm::HS256);
    header.typ = Some("at+jwt".to_owned());
    let claims =
        format!(r#"{{"iss":"https://login","sub":"u","iat":{T0},"jti":"{jti}","exp":{exp}}}"#);
    encode_json(&header, &claims, key).unwrap()
}

fn setup() -> (Key, Arc<Recording>, Arc<AtomicI64>, TokenIssuer) {
    let key = Key::from_secret([7u8; 32]).unwrap();
    let store = Arc::new(Recording::default());
    let now = Arc::new(AtomicI64::new(T0));
    let clock = Arc::clone(&now);
    let issuer = TokenIssuer::new(key.clone(), "https://login")
        .unwrap()
        .with_revocations(Arc::clone(&store) as Arc<dyn RevocationStore>)
        .with_clock(move || clock.load(Ordering::SeqCst));
    (key, store, now, issuer)
}

#[test]
fn a_fractional_exp_is_remembered_until_the_next_whole_second() {
    let (key, store, now, issuer) = setup();
    let token = access_token(&key, "frac", &format!("{}.5", T0 + 100));
    assert!(issuer.verify_access(&token).is_ok());
    issuer.revoke(&token).unwrap();
    let revoked = store.revoked.lock().unwrap().clone();
    assert_eq!(revoked, [("frac".to_owned(), T0 + 101)]);
    // Revoked while it could still be accepted, including the second in which it expires.
    now.store(T0 + 100, Ordering::SeqCst);
    let err = issuer.verify_access(&token).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Revoked);
}

#[test]
fn a_negative_fractional_exp_rounds_up_too() {
    let (key, store, now, issuer) = setup();
    now.store(-100, Ordering::SeqCst);
    let mut header = Header::new(Algorithm::HS256);
    header.typ = Some("at+jwt".to_owned());
    let claims = r#"{"iss":"https://login","sub":"u","iat":-100,"jti":"neg","exp":-9.25}"#;
    let token = encode_json(&header, claims, &key).unwrap();
    issuer.revoke(&token).unwrap();
    assert_eq!(*store.revoked.lock().unwrap(), [("neg".to_owned(), -9)]);
}

#[test]
fn a_whole_exp_is_remembered_until_exp() {
    let (key, store, _now, issuer) = setup();
    let token = access_token(&key, "whole", &(T0 + 100).to_string());
    issuer.revoke(&token).unwrap();
    assert_eq!(
        *store.revoked.lock().unwrap(),
        [("whole".to_owned(), T0 + 100)]
    );
    // A whole number written with a zero fraction is the same date.
    let token = access_token(&key, "zero", &format!("{}.0", T0 + 100));
    issuer.revoke(&token).unwrap();
    assert_eq!(
        store.revoked.lock().unwrap()[1],
        ("zero".to_owned(), T0 + 100)
    );
}

#[test]
fn refresh_tokens_of_the_issuer_are_remembered_until_their_exp() {
    let (_key, store, _now, issuer) = setup();
    let pair = issuer.issue("u", &serde_json::Map::new()).unwrap();
    issuer.refresh(&pair.refresh_token).unwrap();
    let revoked = store.revoked.lock().unwrap().clone();
    assert_eq!(revoked.len(), 1);
    assert_eq!(
        revoked[0].1,
        T0 + i64::try_from(issuer.refresh_ttl).unwrap()
    );
}
