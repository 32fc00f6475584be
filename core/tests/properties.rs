//! Property tests of HX1: round trips for arbitrary payloads and names, and no change to a valid
//! token survives validation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::many_single_char_names,
    clippy::too_many_arguments,
    clippy::cast_possible_truncation,
    clippy::items_after_statements,
    clippy::single_char_pattern,
    clippy::range_plus_one,
    clippy::unnecessary_to_owned,
    reason = "test code: a failure should panic loudly"
)]

use std::sync::Arc;

use hxjwt::{CreateOptions, Endpoint, ErrorKind, FixedClock, Identity, MemoryDirectory, Policy};
use proptest::prelude::*;

const NOW: i64 = 1_767_225_600;

fn pair(a: &str, b: &str) -> (Endpoint, Endpoint) {
    let (ia, ib) = (
        Identity::generate(a).unwrap(),
        Identity::generate(b).unwrap(),
    );
    let dir = Arc::new(MemoryDirectory::new());
    dir.insert(ia.machine_token());
    dir.insert(ib.machine_token());
    (
        Endpoint::new(ia)
            .with_clock(FixedClock(NOW))
            .with_shared_directory(dir.clone()),
        Endpoint::new(ib)
            .with_clock(FixedClock(NOW))
            .with_shared_directory(dir),
    )
}

fn name() -> impl Strategy<Value = String> {
    // 1..=255 bytes, no control characters, any script.
    proptest::string::string_regex("[^\\p{Cc}]{1,60}")
        .unwrap()
        .prop_filter("at most 255 bytes", |s| !s.is_empty() && s.len() <= 255)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn round_trip_arbitrary_payloads_and_names(
        a in name(),
        b in name(),
        payload in proptest::collection::vec(any::<u8>(), 0..4096),
        ttl in 1u64..=100_000,
    ) {
        prop_assume!(a != b);
        let (ea, eb) = pair(&a, &b);
        let token = ea.create(&b, &payload, &CreateOptions::with_ttl(ttl)).unwrap();
        let msg = eb.validate(&token).unwrap();
        prop_assert_eq!(msg.payload(), &payload[..]);
        prop_assert_eq!(msg.issuer(), a.as_str());
        prop_assert_eq!(msg.audience(), b.as_str());
        prop_assert_eq!(msg.expires_at() - msg.issued_at(), i64::try_from(ttl).unwrap());
        let msg = eb.validate_from(&token, &ea.identity().machine_token()).unwrap();
        prop_assert_eq!(msg.payload(), &payload[..]);
        // The token cannot be reflected back to its sender.
        prop_assert_eq!(ea.validate(&token).unwrap_err().kind(), ErrorKind::WrongAudience);
    }

    #[test]
    fn random_single_byte_changes_are_rejected(
        payload in proptest::collection::vec(any::<u8>(), 0..256),
        at in any::<prop::sample::Index>(),
        byte in 0x20u8..0x7f,
    ) {
        let (ea, eb) = pair("a", "b");
        let token = ea.create("b", &payload, &CreateOptions::default()).unwrap();
        let i = at.index(token.len());
        prop_assume!(token.as_bytes()[i] != byte);
        let mut bytes = token.into_bytes();
        bytes[i] = byte;
        let changed = String::from_utf8(bytes).unwrap();
        let e = eb.validate(&changed).unwrap_err();
        prop_assert_ne!(e.kind(), ErrorKind::Internal);
    }
}

#[test]
fn every_single_character_change_is_rejected() {
    let (ea, eb) = pair("alice", "bob");
    let token = ea
        .create("bob", br#"{"sub":"x","n":1}"#, &CreateOptions::default())
        .unwrap();
    let mut checked = 0;
    for i in 0..token.len() {
        for replacement in [b'A', b'B', b'_', b'-', b'.', b'=', b' ', b'a', b'0'] {
            if token.as_bytes()[i] == replacement {
                continue;
            }
            let mut bytes = token.clone().into_bytes();
            bytes[i] = replacement;
            let changed = String::from_utf8(bytes).unwrap();
            let e = eb
                .validate(&changed)
                .expect_err("a changed token was accepted");
            assert_ne!(e.kind(), ErrorKind::Internal);
            checked += 1;
        }
    }
    assert!(checked > token.len() * 7);
    eb.validate(&token).unwrap();
}

#[test]
fn every_truncation_and_extension_is_rejected() {
    let (ea, eb) = pair("alice", "bob");
    let token = ea
        .create("bob", b"payload", &CreateOptions::default())
        .unwrap();
    for n in 0..token.len() {
        let e = eb.validate(&token[..n]).unwrap_err();
        assert_ne!(e.kind(), ErrorKind::Internal);
    }
    for tail in ["A", "AA", "AAA", "AAAA", ".", "=", "\n"] {
        assert!(eb.validate(&format!("{token}{tail}")).is_err(), "{tail:?}");
    }
}

#[test]
fn time_checks_are_monotone() {
    let (ea, _) = pair("alice", "bob");
    let bob_id = Identity::generate("bob").unwrap();
    let dir = Arc::new(MemoryDirectory::new());
    dir.insert(ea.identity().machine_token());
    dir.insert(bob_id.machine_token());
    let a = Endpoint::new(ea.identity().clone())
        .with_clock(FixedClock(NOW))
        .with_shared_directory(dir.clone());
    let token = a
        .create("bob", b"x", &CreateOptions::with_ttl(300))
        .unwrap();
    let accepted = |now: i64, leeway: u64| {
        let p = Policy {
            leeway,
            ..Policy::default()
        };
        Endpoint::new(bob_id.clone())
            .with_clock(FixedClock(now))
            .with_policy(p)
            .with_shared_directory(dir.clone())
            .validate(&token)
            .is_ok()
    };
    for leeway in [0u64, 1, 30, 299, 1000] {
        let l = i64::try_from(leeway).unwrap();
        let mut previous = None;
        for now in (NOW - 1100..NOW + 1400).step_by(7) {
            let ok = accepted(now, leeway);
            assert_eq!(
                ok,
                now >= NOW - l && now < NOW + 300 + l,
                "now {now} leeway {leeway}"
            );
            // More leeway never turns an acceptance into a rejection.
            if ok {
                assert!(accepted(now, leeway + 17));
            }
            previous = Some(ok);
        }
        assert!(previous.is_some());
    }
}

#[test]
fn one_endpoint_serves_many_threads() {
    let (ea, eb) = pair("alice", "bob");
    let (ea, eb) = (Arc::new(ea), Arc::new(eb.with_replay_protection()));
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let (ea, eb) = (Arc::clone(&ea), Arc::clone(&eb));
            std::thread::spawn(move || {
                for i in 0..200u32 {
                    let body = format!("{t}:{i}");
                    let token = ea
                        .create("bob", body.as_bytes(), &CreateOptions::default())
                        .unwrap();
                    assert_eq!(eb.validate(&token).unwrap().payload(), body.as_bytes());
                    assert_eq!(eb.validate(&token).unwrap_err().kind(), ErrorKind::Replayed);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn pairwise_key_cache_survives_churn_of_many_peers() {
    let bob = Identity::generate("bob").unwrap();
    let dir = Arc::new(MemoryDirectory::new());
    dir.insert(bob.machine_token());
    let senders: Vec<Endpoint> = (0..64)
        .map(|i| {
            let id = Identity::generate(&format!("peer-{i}")).unwrap();
            dir.insert(id.machine_token());
            Endpoint::new(id)
                .with_clock(FixedClock(NOW))
                .with_shared_directory(dir.clone())
        })
        .collect();
    let eb = Arc::new(
        Endpoint::new(bob)
            .with_clock(FixedClock(NOW))
            .with_shared_directory(dir)
            .with_key_cache_capacity(8),
    );
    let tokens: Vec<(String, String)> = senders
        .iter()
        .flat_map(|s| {
            (0..3).map(move |_| {
                (
                    s.identity().name().to_owned(),
                    s.create(
                        "bob",
                        s.identity().name().as_bytes(),
                        &CreateOptions::default(),
                    )
                    .unwrap(),
                )
            })
        })
        .collect();
    let tokens = Arc::new(tokens);
    let handles: Vec<_> = (0..2)
        .map(|t| {
            let (eb, tokens) = (Arc::clone(&eb), Arc::clone(&tokens));
            std::thread::spawn(move || {
                for (i, (from, token)) in tokens.iter().enumerate() {
                    if i % 2 == t {
                        let m = eb.validate(token).unwrap();
                        assert_eq!(m.issuer(), from);
                        assert_eq!(m.payload(), from.as_bytes());
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn huge_and_deep_inputs_are_rejected_with_bounded_work() {
    let (ea, eb) = pair("alice", "bob");
    let huge = "A".repeat(10 * 1024 * 1024);
    let e = eb.validate(&huge).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Malformed);
    assert!(e.detail().contains("limit"), "{e}");

    // With the size limit raised, a deeply nested 10 MB header still fails cleanly.
    let mut big = Endpoint::new(Identity::generate("carol").unwrap());
    big.policy_mut().max_token_len = 64 * 1024 * 1024;
    let nested = format!(
        "{{\"alg\":{}{}}}",
        "[".repeat(5 * 1024 * 1024),
        "]".repeat(5 * 1024 * 1024)
    );
    let token = format!(
        "{}.e30.{}",
        hxjwt::b64::encode(nested.as_bytes()),
        "A".repeat(43)
    );
    assert_eq!(
        big.validate(&token).unwrap_err().kind(),
        ErrorKind::Malformed
    );
    let long_string = format!("{{\"iss\":\"{}\"}}", "x".repeat(10 * 1024 * 1024));
    let token = format!(
        "{}.e30.{}",
        hxjwt::b64::encode(long_string.as_bytes()),
        "A".repeat(43)
    );
    assert_eq!(
        big.validate(&token).unwrap_err().kind(),
        ErrorKind::Malformed
    );
    let mut many_members = String::new();
    for i in 0..200_000 {
        many_members.push_str("\"m");
        many_members.push_str(&i.to_string());
        many_members.push_str("\":1,");
    }
    let token = format!(
        "{}.e30.{}",
        hxjwt::b64::encode(format!("{{{many_members}\"x\":1}}").as_bytes()),
        "A".repeat(43)
    );
    assert_eq!(
        big.validate(&token).unwrap_err().kind(),
        ErrorKind::UnknownHeader
    );
    drop(ea);
}
