//! The ECDH-1PU mode of an HX endpoint (docs/PROTOCOL.md, "ECDH-1PU mode"): round trips, every
//! policy check and error kind, the replay store, wrong sender keys, tampering, the header
//! mapping, rotations, and the tokens exported for the joserfc check
//! (`tests/vectors/check_hx1_1pu.py`, run by `make jwe-interop`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::many_single_char_names,
    reason = "test code: a failure should panic loudly"
)]

use std::sync::Arc;

use hxjwt::jwe::{self, ContentAlgorithm as Enc, Decryption, KeyAlgorithm as Alg};
use hxjwt::{
    CreateOptions, Endpoint, ErrorKind, FixedClock, Identity, MachineToken, MemoryDirectory,
    MemoryReplayStore, Policy, b64,
};
use serde_json::{Map, Value, json};

const NOW: i64 = 1_767_225_600;

struct World {
    alice: Endpoint,
    bob: Endpoint,
    directory: Arc<MemoryDirectory>,
}

fn endpoint(id: Identity, directory: &Arc<MemoryDirectory>, now: i64) -> Endpoint {
    Endpoint::new(id)
        .with_clock(FixedClock(now))
        .with_shared_directory(directory.clone())
}

fn world() -> World {
    let (a, b) = (
        Identity::generate("alice.service").unwrap(),
        Identity::generate("bob.service").unwrap(),
    );
    let directory = Arc::new(MemoryDirectory::new());
    directory.insert(a.machine_token());
    directory.insert(b.machine_token());
    World {
        alice: endpoint(a, &directory, NOW),
        bob: endpoint(b, &directory, NOW),
        directory,
    }
}

fn opts() -> CreateOptions {
    CreateOptions::default()
}

fn kind(r: hxjwt::Result<hxjwt::Message>) -> ErrorKind {
    r.unwrap_err().kind()
}

fn header(token: &str) -> Map<String, Value> {
    jwe::decode_header(token).unwrap()
}

/// The token with its protected header changed by `f` (and re-encoded); the rest as it was.
fn reheader(token: &str, f: impl FnOnce(&mut Map<String, Value>)) -> String {
    let mut h = header(token);
    f(&mut h);
    let (_, rest) = token.split_once('.').unwrap();
    format!(
        "{}.{rest}",
        b64::encode(serde_json::to_string(&h).unwrap().as_bytes())
    )
}

/// The token with one byte of segment `i` (0..5) flipped.
fn flip(token: &str, i: usize) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut bytes = b64::decode(&parts[i], "segment").unwrap();
    bytes[0] ^= 1;
    parts[i] = b64::encode(&bytes);
    parts.join(".")
}

fn jwe_key(id: &Identity) -> jwe::Key {
    jwe::Key::from_jwk(&id.to_private_jwk()).unwrap()
}

#[test]
fn round_trip_through_the_directory_and_with_the_machine_token() {
    let w = world();
    let o = CreateOptions {
        ttl: 60,
        not_before: Some(NOW - 5),
        jti: Some("req-7".into()),
        cty: Some("json".into()),
    };
    let token = w
        .alice
        .create_1pu("bob.service", br#"{"order":42}"#, &o)
        .unwrap();
    assert_eq!(token.split('.').count(), 5);
    let msg = w.bob.validate(&token).unwrap();
    assert_eq!(msg.protocol(), "ECDH-1PU");
    assert_eq!(
        (msg.issuer(), msg.audience(), msg.payload()),
        ("alice.service", "bob.service", &br#"{"order":42}"#[..])
    );
    assert_eq!(
        (msg.issued_at(), msg.expires_at(), msg.not_before()),
        (NOW, NOW + 60, Some(NOW - 5))
    );
    assert_eq!(
        (msg.jti(), msg.content_type()),
        (Some("req-7"), Some("json"))
    );
    assert_eq!(msg.json::<Value>().unwrap()["order"], 42);

    let alice_token = w.alice.identity().machine_token();
    let bob_token = w.bob.identity().machine_token();
    let token = w.alice.create_1pu_for(&bob_token, b"", &opts()).unwrap();
    let msg = w.bob.validate_from(&token, &alice_token).unwrap();
    assert_eq!(msg.payload(), b"");
    // An endpoint without a directory.
    let lone =
        Endpoint::new(Identity::generate("bob.service").unwrap()).with_clock(FixedClock(NOW));
    let token = w
        .alice
        .create_1pu_for(&lone.identity().machine_token(), b"x", &opts())
        .unwrap();
    assert_eq!(
        lone.validate_from(&token, &alice_token).unwrap().payload(),
        b"x"
    );
    assert_eq!(kind(lone.validate(&token)), ErrorKind::InvalidArgument);
}

#[test]
fn the_header_is_the_mapping_of_protocol_md() {
    let w = world();
    let o = CreateOptions {
        jti: Some("j".into()),
        ..CreateOptions::with_ttl(30)
    };
    let token = w.alice.create_1pu("bob.service", b"hi", &o).unwrap();
    let h = header(&token);
    let mut names: Vec<&str> = h.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "alg", "apu", "apv", "aud", "enc", "epk", "exp", "iat", "iss", "jti", "kid", "skid",
            "typ"
        ]
    );
    assert_eq!(h["alg"], "ECDH-1PU");
    assert_eq!(h["enc"], "A256GCM");
    assert_eq!(h["typ"], "JWT");
    assert_eq!(
        (&h["iss"], &h["skid"]),
        (&json!("alice.service"), &json!("alice.service"))
    );
    assert_eq!(
        (&h["aud"], &h["kid"]),
        (&json!("bob.service"), &json!("bob.service"))
    );
    assert_eq!(h["apu"], b64::encode(b"alice.service"));
    assert_eq!(h["apv"], b64::encode(b"bob.service"));
    assert_eq!((&h["iat"], &h["exp"]), (&json!(NOW), &json!(NOW + 30)));
    assert_eq!(h["epk"]["crv"], "X25519");
    // Direct key agreement: no encrypted key.
    assert_eq!(token.split('.').nth(1), Some(""));

    // A standard JWE: the core's decrypt_1pu reads it with the two X25519 keys.
    let (alice_id, bob_id) = (w.alice.identity(), w.bob.identity());
    let d = Decryption::new(&[Alg::Ecdh1Pu], &[Enc::A256GCM]);
    let sender = jwe_key(alice_id).to_public().unwrap();
    let m = jwe::decrypt_1pu(&token, &jwe_key(bob_id), &sender, &d).unwrap();
    assert_eq!(&*m.plaintext, b"hi");
}

#[test]
fn a_token_made_by_another_jwe_stack_with_the_mapping_is_accepted() {
    let w = world();
    let (alice_id, bob_id) = (w.alice.identity(), w.bob.identity());
    let mut h = jwe::Header::new(Alg::Ecdh1Pu, Enc::A256GCM);
    h.typ = Some("JWT".into());
    h.kid = Some("bob.service".into());
    h.skid = Some("alice.service".into());
    h.apu = Some(b"alice.service".to_vec());
    h.apv = Some(b"bob.service".to_vec());
    for (k, v) in [
        ("iss", json!("alice.service")),
        ("aud", json!("bob.service")),
        ("iat", json!(NOW)),
        ("exp", json!(NOW + 10)),
    ] {
        h.extra.insert(k.into(), v);
    }
    let bob_public = jwe_key(bob_id).to_public().unwrap();
    let token = jwe::encrypt_1pu(&h, b"from jwe", &bob_public, &jwe_key(alice_id)).unwrap();
    assert_eq!(w.bob.validate(&token).unwrap().payload(), b"from jwe");

    // Without the names in apu/apv, or with another typ, it is not the mapping.
    let mut bare = h.clone();
    bare.apu = None;
    let token = jwe::encrypt_1pu(&bare, b"x", &bob_public, &jwe_key(alice_id)).unwrap();
    assert_eq!(kind(w.bob.validate(&token)), ErrorKind::Malformed);
    let mut other = h.clone();
    other.typ = Some("JOSE".into());
    let token = jwe::encrypt_1pu(&other, b"x", &bob_public, &jwe_key(alice_id)).unwrap();
    assert_eq!(kind(w.bob.validate(&token)), ErrorKind::Malformed);
    // Key wrapping instead of direct agreement: not this mode's algorithm.
    let mut kw = h;
    kw.alg = Alg::Ecdh1PuA256KW;
    kw.enc = Enc::A256CbcHs512;
    let token = jwe::encrypt_1pu(&kw, b"x", &bob_public, &jwe_key(alice_id)).unwrap();
    assert_eq!(
        kind(w.bob.validate(&token)),
        ErrorKind::UnsupportedAlgorithm
    );
}

#[test]
fn both_modes_share_one_endpoint_and_validate() {
    let w = world();
    let hx1 = w.alice.create("bob.service", b"1", &opts()).unwrap();
    let onepu = w.alice.create_1pu("bob.service", b"2", &opts()).unwrap();
    assert_eq!(w.bob.validate(&hx1).unwrap().protocol(), "HX1");
    assert_eq!(w.bob.validate(&onepu).unwrap().protocol(), "ECDH-1PU");
    // Neither 4 nor 6 segments is either mode.
    assert_eq!(
        kind(w.bob.validate(&format!("{onepu}.x"))),
        ErrorKind::Malformed
    );
    let four = onepu.rsplit_once('.').unwrap().0;
    assert_eq!(kind(w.bob.validate(four)), ErrorKind::Malformed);
}

#[test]
fn audience() {
    let w = world();
    let carol = Identity::generate("carol.service").unwrap();
    w.directory.insert(carol.machine_token());
    let token = w.alice.create_1pu("carol.service", b"x", &opts()).unwrap();
    assert_eq!(kind(w.bob.validate(&token)), ErrorKind::WrongAudience);
    // An alias in Policy::audiences: the name the sender used is the token's kid and aud.
    let alias =
        MachineToken::new("billing", *w.bob.identity().machine_token().public_key()).unwrap();
    let token = w.alice.create_1pu_for(&alias, b"x", &opts()).unwrap();
    assert_eq!(header(&token)["kid"], "billing");
    assert_eq!(kind(w.bob.validate(&token)), ErrorKind::WrongAudience);
    let policy = Policy {
        audiences: vec!["billing".into()],
        ..Policy::default()
    };
    let bob = endpoint(w.bob.identity().clone(), &w.directory, NOW).with_policy(policy);
    assert_eq!(bob.validate(&token).unwrap().audience(), "billing");
}

#[test]
fn time_rules_with_leeway_and_lifetime() {
    let w = world();
    let bob_id = w.bob.identity().clone();
    let at =
        |now: i64, policy: Policy| endpoint(bob_id.clone(), &w.directory, now).with_policy(policy);
    let token = w
        .alice
        .create_1pu("bob.service", b"x", &CreateOptions::with_ttl(100))
        .unwrap();
    // exp = NOW + 100: valid until then, not at exp.
    assert!(at(NOW + 99, Policy::default()).validate(&token).is_ok());
    assert_eq!(
        kind(at(NOW + 100, Policy::default()).validate(&token)),
        ErrorKind::Expired
    );
    let leeway = Policy {
        leeway: 30,
        ..Policy::default()
    };
    assert!(at(NOW + 129, leeway.clone()).validate(&token).is_ok());
    assert_eq!(
        kind(at(NOW + 130, leeway.clone()).validate(&token)),
        ErrorKind::Expired
    );
    // iat in the future (the sender's clock is ahead).
    assert_eq!(
        kind(at(NOW - 1, Policy::default()).validate(&token)),
        ErrorKind::NotYetValid
    );
    assert!(at(NOW - 30, leeway.clone()).validate(&token).is_ok());
    // nbf.
    let o = CreateOptions {
        not_before: Some(NOW + 50),
        ..CreateOptions::with_ttl(100)
    };
    let token = w.alice.create_1pu("bob.service", b"x", &o).unwrap();
    assert_eq!(
        kind(at(NOW + 49, Policy::default()).validate(&token)),
        ErrorKind::NotYetValid
    );
    assert!(at(NOW + 50, Policy::default()).validate(&token).is_ok());
    assert!(at(NOW + 20, leeway).validate(&token).is_ok());
    // Lifetime.
    let short = Policy {
        max_lifetime: Some(99),
        ..Policy::default()
    };
    assert_eq!(
        kind(at(NOW + 60, short).validate(&token)),
        ErrorKind::LifetimeTooLong
    );
    let enough = Policy {
        max_lifetime: Some(100),
        ..Policy::default()
    };
    assert!(at(NOW + 60, enough).validate(&token).is_ok());
    // The options are checked as for HX1.
    let e = w
        .alice
        .create_1pu("bob.service", b"x", &CreateOptions::with_ttl(0))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    let bad_jti = CreateOptions {
        jti: Some("a\nb".into()),
        ..opts()
    };
    let e = w
        .alice
        .create_1pu("bob.service", b"x", &bad_jti)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
}

#[test]
fn replay_store() {
    let w = world();
    let bob = endpoint(w.bob.identity().clone(), &w.directory, NOW).with_replay_protection();
    let token = w.alice.create_1pu("bob.service", b"x", &opts()).unwrap();
    assert!(bob.validate(&token).is_ok());
    assert_eq!(kind(bob.validate(&token)), ErrorKind::Replayed);
    // A refused token is not recorded: a fresh one still passes.
    let fresh = w.alice.create_1pu("bob.service", b"x", &opts()).unwrap();
    assert!(bob.validate(&fresh).is_ok());

    // The sender's jti is accepted once, whatever token (and whichever mode) carries it.
    let o = CreateOptions {
        jti: Some("order-42".into()),
        ..opts()
    };
    let first = w.alice.create_1pu("bob.service", b"x", &o).unwrap();
    let second = w.alice.create_1pu("bob.service", b"x", &o).unwrap();
    let hx1 = w.alice.create("bob.service", b"x", &o).unwrap();
    assert!(bob.validate(&first).is_ok());
    let e = bob.validate(&second).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Replayed);
    assert!(e.to_string().contains("order-42"), "{e}");
    assert_eq!(kind(bob.validate(&hx1)), ErrorKind::Replayed);

    // A store shared by two instances: the token is accepted once across both.
    let store = Arc::new(MemoryReplayStore::default());
    let one =
        endpoint(w.bob.identity().clone(), &w.directory, NOW).with_replay_store(store.clone());
    let two =
        endpoint(w.bob.identity().clone(), &w.directory, NOW).with_replay_store(store.clone());
    let token = w.alice.create_1pu("bob.service", b"x", &opts()).unwrap();
    assert!(one.validate(&token).is_ok());
    assert_eq!(kind(two.validate(&token)), ErrorKind::Replayed);
    assert_eq!(store.len(), 1);
    // An expired token is refused as expired, before the store is asked.
    let late = endpoint(w.bob.identity().clone(), &w.directory, NOW + 1000)
        .with_replay_store(store.clone());
    let token = w.alice.create_1pu("bob.service", b"x", &opts()).unwrap();
    assert_eq!(kind(late.validate(&token)), ErrorKind::Expired);
    assert_eq!(store.len(), 1);
}

#[test]
fn issuer_unknown_or_mismatched() {
    let w = world();
    let carol =
        Endpoint::new(Identity::generate("carol.service").unwrap()).with_clock(FixedClock(NOW));
    let token = carol
        .create_1pu_for(&w.bob.identity().machine_token(), b"x", &opts())
        .unwrap();
    assert_eq!(kind(w.bob.validate(&token)), ErrorKind::UnknownIssuer);
    let alice_token = w.alice.identity().machine_token();
    assert_eq!(
        kind(w.bob.validate_from(&token, &alice_token)),
        ErrorKind::IssuerMismatch
    );
    assert!(
        w.bob
            .validate_from(&token, &carol.identity().machine_token())
            .is_ok()
    );
    // The directory does not know the recipient.
    let e = w
        .alice
        .create_1pu("dave.service", b"x", &opts())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownIssuer);
}

#[test]
fn wrong_sender_key_is_decryption_failed() {
    let w = world();
    // Mallory calls herself alice.service; the directory has the real alice's key.
    let mallory =
        Endpoint::new(Identity::generate("alice.service").unwrap()).with_clock(FixedClock(NOW));
    let token = mallory
        .create_1pu_for(&w.bob.identity().machine_token(), b"x", &opts())
        .unwrap();
    let e = w.bob.validate(&token).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DecryptionFailed);
    assert_eq!(
        kind(
            w.bob
                .validate_from(&token, &w.alice.identity().machine_token())
        ),
        ErrorKind::DecryptionFailed
    );
    // And the real alice's token, checked against mallory's key.
    let token = w.alice.create_1pu("bob.service", b"x", &opts()).unwrap();
    let e2 = w
        .bob
        .validate_from(&token, &mallory.identity().machine_token())
        .unwrap_err();
    assert_eq!(e2.kind(), ErrorKind::DecryptionFailed);
    // One message for every failure (no oracle).
    assert_eq!(e.to_string(), e2.to_string());
    // A token for bob's name but another key (bob's key replaced in the sender's directory).
    let other_bob = Identity::generate("bob.service").unwrap();
    let token = w
        .alice
        .create_1pu_for(&other_bob.machine_token(), b"x", &opts())
        .unwrap();
    assert_eq!(kind(w.bob.validate(&token)), ErrorKind::DecryptionFailed);
}

#[test]
fn tampering_is_decryption_failed() {
    let w = world();
    let token = w
        .alice
        .create_1pu("bob.service", b"the payload", &opts())
        .unwrap();
    let failed = w.alice.create_1pu("bob.service", b"x", &opts()).unwrap();
    let want = w
        .bob
        .validate_from(&flip(&failed, 3), &w.alice.identity().machine_token())
        .unwrap_err()
        .to_string();
    // IV, ciphertext, tag.
    for i in [2, 3, 4] {
        let e = w.bob.validate(&flip(&token, i)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::DecryptionFailed, "segment {i}");
        assert_eq!(e.to_string(), want);
    }
    // The header is authenticated: a later exp, a jti, another epk, another cty.
    let changes: [(&str, Value); 4] = [
        ("exp", json!(NOW + 10_000)),
        ("jti", json!("new")),
        ("cty", json!("json")),
        ("iat", json!(NOW - 1)),
    ];
    for (name, value) in changes {
        let t = reheader(&token, |h| {
            h.insert(name.into(), value);
        });
        assert_eq!(
            kind(w.bob.validate(&t)),
            ErrorKind::DecryptionFailed,
            "{name}"
        );
    }
    let other_epk =
        header(&w.alice.create_1pu("bob.service", b"x", &opts()).unwrap())["epk"].clone();
    let t = reheader(&token, |h| {
        h.insert("epk".into(), other_epk);
    });
    assert_eq!(kind(w.bob.validate(&t)), ErrorKind::DecryptionFailed);
    // The same header, one space added (the AAD is the header's exact base64url).
    let (h, rest) = token.split_once('.').unwrap();
    let spaced = format!(
        " {}",
        String::from_utf8(b64::decode(h, "h").unwrap()).unwrap()
    );
    let t = format!("{}.{rest}", b64::encode(spaced.as_bytes()));
    assert_eq!(kind(w.bob.validate(&t)), ErrorKind::DecryptionFailed);
    // Another sender the directory knows, named consistently: not that sender's token.
    let carol = Identity::generate("carol.service").unwrap();
    w.directory.insert(carol.machine_token());
    let t = reheader(&token, |h| {
        h.insert("iss".into(), json!("carol.service"));
        h.insert("skid".into(), json!("carol.service"));
        h.insert("apu".into(), json!(b64::encode(b"carol.service")));
    });
    assert_eq!(kind(w.bob.validate(&t)), ErrorKind::DecryptionFailed);
    // Another audience: refused before any cryptography, as in HX1.
    let t = reheader(&token, |h| {
        h.insert("aud".into(), json!("carol.service"));
        h.insert("kid".into(), json!("carol.service"));
        h.insert("apv".into(), json!(b64::encode(b"carol.service")));
    });
    assert_eq!(kind(w.bob.validate(&t)), ErrorKind::WrongAudience);
    // The untouched token still validates.
    assert_eq!(w.bob.validate(&token).unwrap().payload(), b"the payload");
}

#[test]
fn the_header_is_strict() {
    let w = world();
    let token = w.alice.create_1pu("bob.service", b"x", &opts()).unwrap();
    let case =
        |f: &dyn Fn(&mut Map<String, Value>)| kind(w.bob.validate(&reheader(&token, |h| f(h))));
    assert_eq!(
        case(&|h| {
            h.insert("x-extra".into(), json!(1));
        }),
        ErrorKind::UnknownHeader
    );
    assert_eq!(
        case(&|h| {
            h.insert("crit".into(), json!(["exp"]));
        }),
        ErrorKind::UnknownHeader
    );
    assert_eq!(
        case(&|h| {
            h.insert("zip".into(), json!("DEF"));
        }),
        ErrorKind::UnknownHeader
    );
    for alg in ["ECDH-ES", "ECDH-1PU+A256KW", "dir", "RSA1_5"] {
        assert_eq!(
            case(&|h| {
                h.insert("alg".into(), json!(alg));
            }),
            ErrorKind::UnsupportedAlgorithm,
            "{alg}"
        );
    }
    assert_eq!(
        case(&|h| {
            h.insert("enc".into(), json!("A128GCM"));
        }),
        ErrorKind::UnsupportedAlgorithm
    );
    let malformed: [(&str, Value); 10] = [
        ("skid", json!("carol.service")),
        ("kid", json!("carol.service")),
        ("apu", json!(b64::encode(b"carol.service"))),
        ("apv", json!(b64::encode(b"carol.service"))),
        ("typ", json!("JOSE")),
        ("iat", json!(1.5)),
        ("exp", json!(NOW - 1)),
        ("exp", json!(9_007_199_254_740_993_u64)),
        ("iss", json!("")),
        ("jti", json!("a\u{0}b")),
    ];
    for (name, value) in malformed {
        assert_eq!(
            case(&|h| {
                h.insert(name.into(), value.clone());
            }),
            ErrorKind::Malformed,
            "{name} = {value}"
        );
    }
    for name in [
        "iss", "aud", "iat", "exp", "skid", "kid", "apu", "typ", "epk",
    ] {
        assert_eq!(
            case(&|h| {
                h.remove(name);
            }),
            ErrorKind::Malformed,
            "without {name}"
        );
    }
    // Direct agreement has an empty encrypted key; IV and tag have exact lengths.
    let mut parts: Vec<&str> = token.split('.').collect();
    let wrapped = b64::encode(&[7u8; 40]);
    parts[1] = &wrapped;
    assert_eq!(kind(w.bob.validate(&parts.join("."))), ErrorKind::Malformed);
    let mut parts: Vec<&str> = token.split('.').collect();
    let short = b64::encode(&[7u8; 8]);
    parts[2] = &short;
    assert_eq!(kind(w.bob.validate(&parts.join("."))), ErrorKind::Malformed);
    parts[2] = token.split('.').nth(2).unwrap();
    parts[4] = &short;
    assert_eq!(kind(w.bob.validate(&parts.join("."))), ErrorKind::Malformed);
    // A low-order ephemeral key (an invalid-curve attempt on the recipient's key).
    assert_eq!(
        case(&|h| {
            h["epk"]["x"] = json!(b64::encode(&[0u8; 32]));
        }),
        ErrorKind::InvalidKey
    );
    // Size: the policy's limit holds for both modes.
    let small = Policy {
        max_token_len: token.len() - 1,
        ..Policy::default()
    };
    let bob = endpoint(w.bob.identity().clone(), &w.directory, NOW).with_policy(small);
    assert_eq!(kind(bob.validate(&token)), ErrorKind::Malformed);
}

#[test]
fn rotations_of_either_side() {
    let w = world();
    // Bob rotates: a token sealed to his old key still validates during the window.
    let in_flight = w.alice.create_1pu("bob.service", b"old", &opts()).unwrap();
    let mut bob = endpoint(w.bob.identity().clone(), &w.directory, NOW);
    bob.rotate_identity(Identity::generate("bob.service").unwrap());
    assert_eq!(bob.validate(&in_flight).unwrap().payload(), b"old");
    let new_token = bob.identity().machine_token();
    let fresh = w.alice.create_1pu_for(&new_token, b"new", &opts()).unwrap();
    assert_eq!(bob.validate(&fresh).unwrap().payload(), b"new");
    bob.clear_previous_identities();
    assert_eq!(kind(bob.validate(&in_flight)), ErrorKind::DecryptionFailed);
    assert!(bob.validate(&fresh).is_ok());

    // Alice rotates: the directory lists both of her keys; either validates.
    let old_alice = endpoint(w.alice.identity().clone(), &w.directory, NOW);
    let new_alice_id = Identity::generate("alice.service").unwrap();
    w.directory.rotate_in(new_alice_id.machine_token());
    let new_alice = endpoint(new_alice_id, &w.directory, NOW);
    for a in [&old_alice, &new_alice] {
        let token = a.create_1pu("bob.service", b"x", &opts()).unwrap();
        assert!(w.bob.validate(&token).is_ok());
    }
}

/// Tokens of the ECDH-1PU mode and the two identities' private JWKs, for
/// `tests/vectors/check_hx1_1pu.py` to decrypt with joserfc: written to the file that
/// `HXJWT_HX1_1PU_EXPORT` names (`make jwe-interop`). Always checks that the endpoint
/// validates what it wrote.
#[test]
fn export_tokens_for_the_joserfc_check() {
    let w = world();
    let plaintexts: [&[u8]; 3] = [
        b"",
        br#"{"order":42,"items":["a","b"]}"#,
        "ünïcödé, and a longer line to pass one AES block".as_bytes(),
    ];
    let options = [
        CreateOptions::default(),
        CreateOptions {
            ttl: 60,
            not_before: Some(NOW - 1),
            jti: Some("req-\"7\"".into()),
            cty: Some("json".into()),
        },
    ];
    let mut tokens = Vec::new();
    for p in plaintexts {
        for o in &options {
            let token = w.alice.create_1pu("bob.service", p, o).unwrap();
            let msg = w.bob.validate(&token).unwrap();
            assert_eq!(msg.payload(), p);
            let mut claims = json!({
                "iss": "alice.service", "aud": "bob.service", "iat": NOW, "exp": NOW + i64::try_from(o.ttl).unwrap(),
            });
            if let Some(nbf) = o.not_before {
                claims["nbf"] = json!(nbf);
            }
            if let Some(jti) = &o.jti {
                claims["jti"] = json!(jti);
            }
            tokens.push(json!({
                "token": token,
                "plaintext_b64url": b64::encode(p),
                "claims": claims,
            }));
        }
    }
    if let Some(path) = std::env::var_os("HXJWT_HX1_1PU_EXPORT") {
        let doc = json!({
            "sender": {"name": "alice.service",
                       "jwk": serde_json::from_str::<Value>(&w.alice.identity().to_private_jwk()).unwrap()},
            "recipient": {"name": "bob.service",
                          "jwk": serde_json::from_str::<Value>(&w.bob.identity().to_private_jwk()).unwrap()},
            "tokens": tokens,
        });
        std::fs::write(path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    }
}

/// The other direction: tokens that joserfc made with the mapping (`tests/vectors/check_hx1_1pu.py`
/// writes them to the file `HXJWT_HX1_1PU_IMPORT` names, with the two identities' keys) validate
/// at the endpoint, and are refused from another sender. Without the variable there is nothing to
/// check (`make jwe-interop` sets it).
#[test]
fn validate_tokens_made_by_joserfc() {
    let Some(path) = std::env::var_os("HXJWT_HX1_1PU_IMPORT") else {
        return;
    };
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let identity = |who: &str| Identity::from_jwk(&doc[who]["jwk"].to_string()).unwrap();
    let (alice, bob) = (identity("sender"), identity("recipient"));
    let tokens = doc["tokens"].as_array().unwrap();
    assert!(!tokens.is_empty());
    for entry in tokens {
        let iat = entry["claims"]["iat"].as_i64().unwrap();
        let bob = Endpoint::new(bob.clone()).with_clock(FixedClock(iat));
        let token = entry["token"].as_str().unwrap();
        let msg = bob.validate_from(token, &alice.machine_token()).unwrap();
        let want = b64::decode(entry["plaintext_b64url"].as_str().unwrap(), "p").unwrap();
        assert_eq!(msg.payload(), want);
        assert_eq!(msg.protocol(), "ECDH-1PU");
        assert_eq!(msg.jti(), entry["claims"]["jti"].as_str());
        let mallory = Identity::generate(alice.name()).unwrap();
        assert_eq!(
            kind(bob.validate_from(token, &mallory.machine_token())),
            ErrorKind::DecryptionFailed
        );
    }
}

/// Cost and size of both modes and of ECDH-ES, for README.md's "which to pick" table (run it in
/// release: `cargo test --release -p hxjwt --test hx1_1pu measure_both_modes -- --ignored
/// --nocapture`). Medians of 7 interleaved rounds; it prints, it asserts only that each works.
#[test]
#[ignore = "a measurement, not a check: run it in release with --ignored --nocapture"]
fn measure_both_modes() {
    use std::time::Instant;
    let w = world();
    let payload = [b'x'; 48];
    let recipient = jwe::Key::generate_x25519().unwrap();
    let recipient_pub = recipient.to_public().unwrap();
    let d = Decryption::new(&[Alg::EcdhEs], &[Enc::A256GCM]);
    let es = jwe::Header::new(Alg::EcdhEs, Enc::A256GCM);
    let mut samples: [Vec<f64>; 6] = Default::default();
    let time = |n: u32, f: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        t.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    };
    let (hx1, onepu, jwe_es) = (
        w.alice.create("bob.service", &payload, &opts()).unwrap(),
        w.alice
            .create_1pu("bob.service", &payload, &opts())
            .unwrap(),
        jwe::encrypt(&es, &payload, &recipient_pub).unwrap(),
    );
    for _ in 0..7 {
        samples[0].push(time(2000, &mut || {
            w.alice.create("bob.service", &payload, &opts()).unwrap();
        }));
        samples[1].push(time(2000, &mut || {
            w.bob.validate(&hx1).unwrap();
        }));
        samples[2].push(time(100, &mut || {
            w.alice
                .create_1pu("bob.service", &payload, &opts())
                .unwrap();
        }));
        samples[3].push(time(100, &mut || {
            w.bob.validate(&onepu).unwrap();
        }));
        samples[4].push(time(100, &mut || {
            jwe::encrypt(&es, &payload, &recipient_pub).unwrap();
        }));
        samples[5].push(time(100, &mut || {
            jwe::decrypt(&jwe_es, &recipient, &d).unwrap();
        }));
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let m: Vec<f64> = samples.iter_mut().map(median).collect();
    println!(
        "HX1 (pairwise key cached): create {:.1} us + validate {:.1} us, {} bytes",
        m[0],
        m[1],
        hx1.len()
    );
    println!(
        "ECDH-1PU mode: create {:.1} us + validate {:.1} us, {} bytes",
        m[2],
        m[3],
        onepu.len()
    );
    println!(
        "ECDH-ES X25519 + A256GCM: encrypt {:.1} us + decrypt {:.1} us, {} bytes",
        m[4],
        m[5],
        jwe_es.len()
    );
}

#[test]
fn one_endpoint_shared_by_threads_accepts_each_token_once() {
    let w = world();
    let bob =
        Arc::new(endpoint(w.bob.identity().clone(), &w.directory, NOW).with_replay_protection());
    let tokens: Vec<String> = (0..16)
        .map(|i| {
            w.alice
                .create_1pu("bob.service", format!("{i}").as_bytes(), &opts())
                .unwrap()
        })
        .collect();
    let tokens = Arc::new(tokens);
    let accepted: usize = (0..4)
        .map(|_| {
            let (bob, tokens) = (bob.clone(), tokens.clone());
            std::thread::spawn(move || {
                tokens
                    .iter()
                    .filter(|t| match bob.validate(t) {
                        Ok(_) => true,
                        Err(e) => {
                            assert_eq!(e.kind(), ErrorKind::Replayed);
                            false
                        }
                    })
                    .count()
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .sum();
    assert_eq!(accepted, 16);
}
