//! Issue 17, items 1 and 2: fractional `NumericDate`s compared exactly (never floored) by every
//! time check, through each way of reading the claims (a map, `decode_bytes`'s view of the JSON
//! text, a caller's type); and the empty audience, never valid when configured and matching
//! nothing when claimed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure should panic loudly"
)]

use std::sync::Arc;

use hxjwt::jws::{self, Algorithm, Header, Key, Validation};
use hxjwt::store::MemoryReplayStore;
use hxjwt::{Error, ErrorKind, FixedClock};
use serde_json::{Map, Value};

const SECRET: &[u8] = b"a secret of at least thirty-two bytes!!";

fn key() -> Key {
    Key::from_secret(SECRET).unwrap()
}

fn token(claims: &str) -> String {
    jws::encode_json(&Header::new(Algorithm::HS256), claims, &key()).unwrap()
}

/// A validation at `now` with `leeway`, nothing required (so that each claim is tested alone).
fn at(now: i64, leeway: u64) -> Validation {
    Validation::new(&[Algorithm::HS256])
        .clock(FixedClock(now))
        .leeway(leeway)
        .require::<&str>(&[])
}

/// Decodes `claims` every way the core reads claims; all must agree. `Ok(())` or the error.
fn check(claims: &str, v: &Validation) -> Result<(), Error> {
    let tok = token(claims);
    let by_bytes = jws::decode_bytes(&tok, &key(), v).map(|_| ());
    let by_map = jws::decode_claims(&tok, &key(), v).map(|_| ());
    let typed = jws::decode::<Value>(&tok, &key(), v).map(|_| ());
    let map: Map<String, Value> = serde_json::from_str(claims).unwrap();
    let alone = v.check_claims(&map);
    for other in [&by_map, &typed, &alone] {
        assert_eq!(
            other.as_ref().err().map(Error::kind),
            by_bytes.as_ref().err().map(Error::kind),
            "{claims}: the ways of reading the claims disagree"
        );
    }
    by_bytes
}

fn kind(claims: &str, v: &Validation) -> Option<ErrorKind> {
    check(claims, v).err().map(|e| e.kind())
}

#[test]
fn fractional_exp_is_compared_exactly() {
    let exp = r#"{"exp":100.5}"#;
    // 100 < 100.5: valid (flooring made it expire half a second early).
    assert_eq!(kind(exp, &at(100, 0)), None);
    assert_eq!(kind(exp, &at(101, 0)), Some(ErrorKind::Expired));
    // Leeway L moves the bound by exactly L.
    assert_eq!(kind(exp, &at(102, 2)), None);
    assert_eq!(kind(exp, &at(103, 2)), Some(ErrorKind::Expired));
    // The message shows the claim as sent.
    let e = check(exp, &at(101, 0)).unwrap_err();
    assert!(e.to_string().contains("100.5"), "{e}");
    // Negative and just-below-whole fractions.
    assert_eq!(kind(r#"{"exp":-0.5}"#, &at(-1, 0)), None);
    assert_eq!(kind(r#"{"exp":-0.5}"#, &at(0, 0)), Some(ErrorKind::Expired));
    assert_eq!(kind(r#"{"exp":100.999}"#, &at(100, 0)), None);
    assert_eq!(
        kind(r#"{"exp":100.001}"#, &at(101, 0)),
        Some(ErrorKind::Expired)
    );
}

#[test]
fn fractional_nbf_and_iat_are_compared_exactly() {
    for claim in ["nbf", "iat"] {
        let c = format!(r#"{{"{claim}":100.5}}"#);
        // 100.5 > 100: not yet valid (flooring accepted it half a second too soon).
        assert_eq!(
            kind(&c, &at(100, 0)),
            Some(ErrorKind::NotYetValid),
            "{claim}"
        );
        assert_eq!(kind(&c, &at(101, 0)), None, "{claim}");
        assert_eq!(
            kind(&c, &at(98, 2)),
            Some(ErrorKind::NotYetValid),
            "{claim}"
        );
        assert_eq!(kind(&c, &at(99, 2)), None, "{claim}");
        let e = check(&c, &at(100, 0)).unwrap_err();
        assert_eq!(e.claim(), Some(claim));
        assert!(e.to_string().contains("100.5"), "{e}");
    }
    // Switched off, nothing is compared.
    let mut v = at(100, 0);
    v.validate_nbf = false;
    assert_eq!(kind(r#"{"nbf":100.5}"#, &v), None);
}

#[test]
fn fractional_iat_and_max_age_are_compared_exactly() {
    let v = |now, leeway| {
        let mut v = at(now, leeway).max_age(10);
        v.validate_iat = false;
        v
    };
    let iat = r#"{"iat":100.5}"#;
    // Age 9.5, 10.5: within, then beyond 10 s.
    assert_eq!(kind(iat, &v(110, 0)), None);
    assert_eq!(kind(iat, &v(111, 0)), Some(ErrorKind::Expired));
    assert_eq!(kind(iat, &v(112, 2)), None);
    assert_eq!(kind(iat, &v(113, 2)), Some(ErrorKind::Expired));
    // Whole numbers keep their exact boundary.
    assert_eq!(kind(r#"{"iat":100}"#, &v(110, 0)), None);
    assert_eq!(kind(r#"{"iat":100}"#, &v(111, 0)), Some(ErrorKind::Expired));
}

#[test]
fn whole_numbers_written_with_a_fraction_are_whole() {
    assert_eq!(kind(r#"{"exp":100.0}"#, &at(99, 0)), None);
    assert_eq!(
        kind(r#"{"exp":100.0}"#, &at(100, 0)),
        Some(ErrorKind::Expired)
    );
    assert_eq!(kind(r#"{"nbf":1e2}"#, &at(100, 0)), None);
    assert_eq!(
        kind(r#"{"nbf":1e2}"#, &at(99, 0)),
        Some(ErrorKind::NotYetValid)
    );
    // Beyond ±2^53 is still refused, fraction or not.
    assert_eq!(
        kind(r#"{"exp":9007199254740993.5}"#, &at(0, 0)),
        Some(ErrorKind::InvalidClaim)
    );
}

#[test]
fn a_fractional_exp_keeps_its_jti_until_the_last_accepted_second() {
    // exp 100.5 is accepted at 100 (floored, it was refused as expired), and its jti is
    // remembered: the same token a second time at 100 is a replay.
    let store = Arc::new(MemoryReplayStore::default());
    let v = at(100, 0).replay_store(store);
    let tok = token(r#"{"jti":"once","exp":100.5}"#);
    jws::decode_bytes(&tok, &key(), &v).unwrap();
    let again = jws::decode_bytes(&tok, &key(), &v).unwrap_err();
    assert_eq!(again.kind(), ErrorKind::Replayed);
}

#[test]
fn an_empty_expected_audience_is_a_configuration_error() {
    let tok = token(r#"{"aud":"","exp":4102444800}"#);
    for audiences in [vec![""], vec!["api", ""]] {
        let v = Validation::new(&[Algorithm::HS256])
            .clock(FixedClock(0))
            .audience(&audiences);
        let e = jws::decode_bytes(&tok, &key(), &v).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
        assert!(e.to_string().contains("empty string"), "{e}");
        // Every way to decode, and the claim checks alone, say the same.
        let by_map = jws::decode_claims(&tok, &key(), &v).unwrap_err();
        assert_eq!(by_map.kind(), ErrorKind::InvalidArgument);
        let map: Map<String, Value> = serde_json::from_str(r#"{"aud":""}"#).unwrap();
        assert_eq!(
            v.check_claims(&map).unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        // Reported before the token is looked at: a token without `aud` gets it too.
        let plain = token(r#"{"exp":4102444800}"#);
        let e = jws::decode_bytes(&plain, &key(), &v).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    }
}

/// The same for issuers: an empty expected issuer would accept a token whose `iss` is empty.
#[test]
fn an_empty_expected_issuer_is_a_configuration_error() {
    let tok = token(r#"{"iss":"","exp":4102444800}"#);
    for issuers in [vec![""], vec!["https://login.example.com", ""]] {
        let v = Validation::new(&[Algorithm::HS256])
            .clock(FixedClock(0))
            .issuer(&issuers);
        for e in [
            jws::decode_bytes(&tok, &key(), &v).unwrap_err(),
            jws::decode_claims(&tok, &key(), &v).unwrap_err(),
        ] {
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
            assert!(e.to_string().contains("empty string"), "{e}");
        }
    }
    // A non-empty issuer list still refuses an empty `iss`.
    let v = Validation::new(&[Algorithm::HS256])
        .clock(FixedClock(0))
        .issuer(&["https://login.example.com"]);
    assert_eq!(
        jws::decode_bytes(&tok, &key(), &v).unwrap_err().kind(),
        ErrorKind::IssuerMismatch
    );
}

#[test]
fn an_empty_aud_claim_matches_nothing() {
    let with_api = at(0, 0).audience(&["api"]);
    let without = at(0, 0);
    for aud in [r#""""#, r#"[""]"#, r#"["",""]"#] {
        let claims = format!(r#"{{"aud":{aud}}}"#);
        assert_eq!(
            kind(&claims, &with_api),
            Some(ErrorKind::WrongAudience),
            "{aud}"
        );
        assert_eq!(
            kind(&claims, &without),
            Some(ErrorKind::WrongAudience),
            "{aud}"
        );
    }
    // An empty entry does not hide a good one beside it.
    assert_eq!(kind(r#"{"aud":["","api"]}"#, &with_api), None);
}
