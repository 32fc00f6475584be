//! `jws::explain` and `Endpoint::explain` (issue 17 item 5): every failed check reported at once,
//! with the kinds decode and validate return, and never an acceptance.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure should panic loudly"
)]

use std::sync::Arc;

use hxjwt::jws::{self, Algorithm, Header, Key, KeySet, Validation};
use hxjwt::store::MemoryReplayStore;
use hxjwt::{
    CreateOptions, Endpoint, ErrorKind, FixedClock, Identity, MemoryDirectory, Outcome, Report,
};
use proptest::prelude::*;
use serde_json::Value;

const SECRET: &[u8] = b"a secret of at least thirty-two bytes!!";
const NOW: i64 = 1_767_225_600;

fn key() -> Key {
    Key::from_secret(SECRET).unwrap()
}

fn sign(claims: &str) -> String {
    jws::encode_json(&Header::new(Algorithm::HS256), claims, &key()).unwrap()
}

fn strict() -> Validation {
    Validation::new(&[Algorithm::HS256])
        .audience(&["api"])
        .issuer(&["login"])
        .clock(FixedClock(NOW))
}

fn check<'r>(r: &'r Report, name: &str) -> &'r hxjwt::Check {
    r.checks()
        .iter()
        .find(|c| c.name() == name)
        .unwrap_or_else(|| panic!("no check {name} in {r:#?}"))
}

fn failed(r: &Report) -> Vec<(&'static str, ErrorKind)> {
    r.failures()
        .map(|c| (c.name(), c.kind().unwrap()))
        .collect()
}

/// The "same codes" guarantee: the first failed check has decode's kind, and nothing fails
/// when decode accepts.
fn assert_agrees(token: &str, keys: &impl jws::VerifyingKeys, v: &Validation) -> Report {
    let r = jws::explain(token, keys, v);
    match jws::decode_claims(token, keys, v) {
        Ok(_) => assert!(r.passed(), "decode accepts, explain fails: {r:#?}"),
        Err(e) => {
            let first = r
                .first_failure()
                .unwrap_or_else(|| panic!("decode fails with {e}, explain passes: {r:#?}"));
            assert_eq!(first.kind(), Some(e.kind()), "{token}: {e} vs {r:#?}");
        }
    }
    for c in r.checks() {
        assert_eq!(c.kind().is_some(), c.outcome() == Outcome::Failed, "{c:?}");
        assert!(!c.message().is_empty(), "{c:?}");
    }
    r
}

#[test]
fn a_token_failing_exp_aud_and_iss_reports_all_three() {
    let token = sign(r#"{"iss":"mallory","aud":"elsewhere","exp":1000,"sub":"ada"}"#);
    let r = assert_agrees(&token, &key(), &strict());
    assert_eq!(
        failed(&r),
        [
            ("exp", ErrorKind::Expired),
            ("aud", ErrorKind::WrongAudience),
            ("iss", ErrorKind::IssuerMismatch)
        ]
    );
    assert_eq!(check(&r, "signature").outcome(), Outcome::Passed);
    assert_eq!(check(&r, "sub").outcome(), Outcome::Passed);
    assert_eq!(r.claims().unwrap()["iss"], "mallory");
    assert_eq!(r.header().unwrap()["alg"], "HS256");
    let json = r.to_json();
    assert_eq!(json["checks"][0]["check"], "format");
    let exp = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "exp")
        .unwrap();
    assert_eq!(exp["outcome"], "failed");
    assert_eq!(exp["kind"], "Expired");
    assert!(exp["message"].as_str().unwrap().contains("1000"));
}

#[test]
fn every_claim_failure_is_listed_with_its_kind() {
    let token = sign(r#"{"iss":7,"aud":"api","nbf":99999999999,"iat":"soon","sub":"eve","jti":1}"#);
    let v = strict()
        .subject("ada")
        .max_age(60)
        .require(&["exp", "sub", "name"]);
    let r = assert_agrees(&token, &key(), &v);
    assert_eq!(
        failed(&r),
        [
            ("required", ErrorKind::MissingClaim),
            ("required", ErrorKind::MissingClaim),
            ("iat", ErrorKind::InvalidClaim),
            ("nbf", ErrorKind::NotYetValid),
            ("iss", ErrorKind::InvalidClaim),
            ("sub", ErrorKind::InvalidClaim),
            ("jti", ErrorKind::InvalidClaim),
        ]
    );
    // The maximum age needs a NumericDate iat: not checked, not a second failure.
    assert_eq!(check(&r, "max_age").outcome(), Outcome::NotChecked);
    assert_eq!(check(&r, "aud").outcome(), Outcome::Passed);
}

#[test]
fn a_bad_signature_hides_the_claims_and_checks_none_of_them() {
    let other = Key::from_secret(b"another secret, thirty-two bytes long").unwrap();
    let token = jws::encode_json(
        &Header::new(Algorithm::HS256),
        r#"{"exp":1,"aud":"x"}"#,
        &other,
    )
    .unwrap();
    let r = assert_agrees(&token, &key(), &strict());
    assert_eq!(failed(&r), [("signature", ErrorKind::InvalidSignature)]);
    assert!(r.claims().is_none());
    for name in ["claims", "required", "exp", "aud", "iss", "replay"] {
        assert_eq!(check(&r, name).outcome(), Outcome::NotChecked, "{name}");
    }
    assert_eq!(r.to_json()["claims"], Value::Null);
    // Nothing of either secret in the report.
    let text = format!("{r:?} {}", r.to_json());
    for secret in [SECRET, &b"another secret, thirty-two bytes long"[..]] {
        let s = std::str::from_utf8(secret).unwrap();
        assert!(!text.contains(&s[..12]));
        assert!(!text.contains(&hxjwt::b64::encode(secret)[..12]));
    }
}

#[test]
fn a_valid_token_passes_every_check_and_is_still_not_accepted() {
    let token = sign(r#"{"iss":"login","aud":"api","exp":4102444800,"jti":"j-1"}"#);
    let store = Arc::new(MemoryReplayStore::default());
    let v = strict().replay_store(store);
    // (Not `assert_agrees`: its decode would record the jti.)
    let r = jws::explain(&token, &key(), &v);
    assert!(r.passed());
    for c in r.checks() {
        match c.name() {
            "typ" | "max_age" | "replay" => assert_eq!(c.outcome(), Outcome::NotChecked),
            _ => assert_eq!(c.outcome(), Outcome::Passed, "{c:?}"),
        }
    }
    assert_eq!(
        check(&r, "replay").message(),
        "explain does not consult or record the replay store"
    );
    // Explaining twice records nothing: decode still accepts the token once, then refuses it.
    let _ = jws::explain(&token, &key(), &v);
    assert!(jws::decode_bytes(&token, &key(), &v).is_ok());
    assert_eq!(
        jws::decode_bytes(&token, &key(), &v).unwrap_err().kind(),
        ErrorKind::Replayed
    );
    assert!(jws::explain(&token, &key(), &v).passed());
}

#[test]
fn replay_needs_a_jti_even_in_explain() {
    let token = sign(r#"{"iss":"login","aud":"api","exp":4102444800}"#);
    let v = strict().replay_store(Arc::new(MemoryReplayStore::default()));
    let r = assert_agrees(&token, &key(), &v);
    assert_eq!(failed(&r), [("replay", ErrorKind::MissingClaim)]);
}

#[test]
fn alg_none_and_an_algorithm_not_accepted() {
    let claims = hxjwt::b64::encode(br#"{"exp":4102444800}"#);
    let none = format!(
        "{}.{claims}.",
        hxjwt::b64::encode(br#"{"alg":"none","typ":"JWT"}"#)
    );
    let r = assert_agrees(&none, &key(), &strict());
    assert_eq!(failed(&r), [("algorithm", ErrorKind::UnsupportedAlgorithm)]);
    assert_eq!(check(&r, "signature").outcome(), Outcome::NotChecked);
    assert!(r.claims().is_none());
    assert_eq!(r.header().unwrap()["alg"], "none");

    let token = sign(r#"{"exp":4102444800}"#);
    let v = Validation::new(&[Algorithm::RS256]).clock(FixedClock(NOW));
    let r = assert_agrees(&token, &key(), &v);
    assert_eq!(failed(&r), [("algorithm", ErrorKind::UnsupportedAlgorithm)]);
    assert!(check(&r, "algorithm").message().contains("HS256"));
}

#[test]
fn header_failures_are_all_listed() {
    let claims = hxjwt::b64::encode(br#"{"exp":4102444800}"#);
    let header = hxjwt::b64::encode(br#"{"alg":"HS256","crit":["x"],"kid":3,"typ":"JOSE"}"#);
    let token = format!("{header}.{claims}.AAAA");
    let v = Validation::new(&[Algorithm::HS256])
        .typ("JWT")
        .clock(FixedClock(NOW));
    let r = assert_agrees(&token, &key(), &v);
    assert_eq!(
        failed(&r),
        [
            ("crit", ErrorKind::UnknownHeader),
            ("header", ErrorKind::Malformed),
            ("typ", ErrorKind::InvalidClaim),
            ("signature", ErrorKind::InvalidSignature),
        ]
    );
}

#[test]
fn an_unknown_kid_fails_key_selection() {
    let signer = key().with_kid("k-1");
    let token = jws::encode_json(
        &Header::new(Algorithm::HS256),
        r#"{"exp":4102444800}"#,
        &signer,
    )
    .unwrap();
    let set = KeySet::from_keys(vec![key().with_kid("k-2")]);
    let v = Validation::new(&[Algorithm::HS256]).clock(FixedClock(NOW));
    let r = assert_agrees(&token, &set, &v);
    assert_eq!(failed(&r), [("key", ErrorKind::KeyNotFound)]);
    assert_eq!(check(&r, "signature").outcome(), Outcome::NotChecked);
    let good = KeySet::from_keys(vec![key().with_kid("k-1")]);
    assert!(assert_agrees(&token, &good, &v).passed());
}

#[test]
fn malformed_tokens_of_several_shapes() {
    let v = strict();
    let header = hxjwt::b64::encode(br#"{"alg":"HS256"}"#);
    let long = "a".repeat(70_000);
    let cases: Vec<String> = vec![
        String::new(),
        ".".into(),
        "..".into(),
        "a.b".into(),
        "a.b.c.d".into(),
        "a.b.c.d.e".into(),
        "!!!.b.c".into(),
        "e30.e30.".into(),
        format!("{header}.!!!.AAAA"),
        format!("{header}.e30.!!!"),
        format!("{header}.bm90IGpzb24.AAAA"),
        format!("{}.e30.", hxjwt::b64::encode(b"[1,2]")),
        format!(
            "{}.e30.",
            hxjwt::b64::encode(br#"{"alg":"HS256","alg":"HS256"}"#)
        ),
        format!("{}.e30.", hxjwt::b64::encode(br#"{"alg":5}"#)),
        long,
        "\u{0}.\u{ffff}.\u{1f600}".into(),
    ];
    for token in &cases {
        let r = assert_agrees(token, &key(), &v);
        assert!(!r.passed(), "{token}");
        assert!(r.claims().is_none(), "{token}");
    }
    let r = jws::explain("a.b", &key(), &v);
    assert_eq!(failed(&r), [("format", ErrorKind::Malformed)]);
    assert!(r.header().is_none());
    assert!(
        r.checks()
            .iter()
            .skip(1)
            .all(|c| c.outcome() == Outcome::NotChecked)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn explain_never_panics_and_agrees_with_decode(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let token = String::from_utf8_lossy(&bytes).into_owned();
        assert_agrees(&token, &key(), &strict());
    }

    #[test]
    fn explain_agrees_on_mangled_tokens(cut in 0usize..120, flip in 0usize..120, c in b'-'..=b'z') {
        let token = sign(r#"{"iss":"login","aud":"api","exp":4102444800,"nbf":1000}"#);
        let mut bytes = token.into_bytes();
        if let Some(b) = bytes.get_mut(flip) {
            *b = c;
        }
        bytes.truncate(bytes.len().saturating_sub(cut % 8));
        let token = String::from_utf8(bytes).unwrap();
        assert_agrees(&token, &key(), &strict());
    }
}

/// Every vector of tests/vectors/jws.json: explain's first failure has decode's kind (the
/// "same codes" guarantee) and every valid vector passes; no message shows key material.
#[test]
fn every_jws_vector_agrees_with_decode() {
    let file: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/vectors/jws.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let keys: std::collections::BTreeMap<String, Key> = file["keys"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, jwk)| (name.clone(), Key::from_jwk(&jwk.to_string()).unwrap()))
        .collect();
    let secrets: Vec<String> = file["keys"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|jwk| {
            ["d", "k", "p", "q"].map(|m| jwk.get(m).and_then(Value::as_str).map(str::to_owned))
        })
        .flatten()
        .collect();
    let mut n = 0;
    for (list, ok) in [("valid", true), ("invalid", false)] {
        for e in file[list].as_array().unwrap() {
            let name = e["name"].as_str().unwrap();
            let key = &keys[e["key"].as_str().unwrap()];
            let key = if key.key_type() == jws::KeyType::Hmac {
                key.clone()
            } else {
                key.to_public().unwrap()
            };
            let v = validation(&e["validation"], e["now"].as_i64().unwrap());
            let token = e["token"].as_str().unwrap();
            let r = assert_agrees(token, &key, &v);
            if ok {
                assert!(r.passed(), "{name}: {r:#?}");
                assert!(r.claims().is_some(), "{name}");
            } else {
                let want = e["error"].as_str().unwrap();
                assert_eq!(
                    r.first_failure().unwrap().kind().unwrap().name(),
                    want,
                    "{name}"
                );
            }
            let text = format!("{r:?}");
            for s in &secrets {
                assert!(
                    !text.contains(&s[..16.min(s.len())]),
                    "{name}: report shows key material"
                );
            }
            n += 1;
        }
    }
    assert!(n >= 230, "{n} vectors");
}

/// The `validation` object of a vector (as in `jws_vectors.rs`).
fn validation(v: &Value, now: i64) -> Validation {
    let obj = v.as_object().unwrap();
    let strings = |name: &str| -> Vec<String> {
        obj[name]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    };
    let algs: Vec<Algorithm> = strings("algorithms")
        .iter()
        .map(|a| Algorithm::from_name(a).unwrap())
        .collect();
    let mut val = Validation::new(&algs).clock(FixedClock(now));
    if let Some(l) = obj.get("leeway") {
        val.leeway = l.as_u64().unwrap();
    }
    if obj.contains_key("audience") {
        val = val.audience(&strings("audience"));
    }
    if obj.contains_key("issuer") {
        val = val.issuer(&strings("issuer"));
    }
    if let Some(s) = obj.get("subject") {
        val = val.subject(s.as_str().unwrap());
    }
    if obj.contains_key("required") {
        val = val.require(&strings("required"));
    }
    if let Some(t) = obj.get("typ") {
        val = val.typ(t.as_str().unwrap());
    }
    if let Some(m) = obj.get("max_age") {
        val = val.max_age(m.as_u64().unwrap());
    }
    let flag = |name: &str| obj.get(name).is_none_or(|b| b.as_bool().unwrap());
    val.validate_exp = flag("verify_exp");
    val.validate_nbf = flag("verify_nbf");
    val.validate_iat = flag("verify_iat");
    val.validate_aud = flag("verify_aud");
    val
}

// HX1.

struct Pair {
    alice: Endpoint,
    bob: Endpoint,
    dir: Arc<MemoryDirectory>,
}

fn pair(now: i64) -> Pair {
    let (a, b) = (
        Identity::generate("alice").unwrap(),
        Identity::generate("bob").unwrap(),
    );
    let dir = Arc::new(MemoryDirectory::new());
    dir.insert(a.machine_token());
    dir.insert(b.machine_token());
    Pair {
        alice: Endpoint::new(a)
            .with_directory(dir.clone())
            .with_clock(FixedClock(NOW)),
        bob: Endpoint::new(b)
            .with_directory(dir.clone())
            .with_clock(FixedClock(now))
            .with_replay_protection(),
        dir,
    }
}

fn hx1_agrees(ep: &Endpoint, token: &str) -> Report {
    let r = ep.explain(token);
    match ep.validate(token) {
        Ok(_) => assert!(r.passed(), "{r:#?}"),
        Err(e) => assert_eq!(
            r.first_failure().map(hxjwt::Check::kind),
            Some(Some(e.kind())),
            "{e} vs {r:#?}"
        ),
    }
    r
}

#[test]
fn hx1_valid_token_passes_and_is_not_recorded() {
    let p = pair(NOW);
    let token = p
        .alice
        .create("bob", b"secret payload", &CreateOptions::default())
        .unwrap();
    let r = p.bob.explain(&token);
    assert!(r.passed(), "{r:#?}");
    assert_eq!(r.payload_len(), Some(14));
    assert_eq!(check(&r, "replay").outcome(), Outcome::NotChecked);
    let text = format!("{r:?} {}", r.to_json());
    assert!(!text.contains("secret payload"));
    assert_eq!(r.to_json()["payload_len"], 14);
    assert_eq!(r.header().unwrap()["iss"], "alice");
    // Not recorded: validate accepts it once, then explain still passes (it never consults).
    assert!(p.bob.validate(&token).is_ok());
    assert!(p.bob.validate(&token).is_err());
    assert!(p.bob.explain(&token).passed());
}

#[test]
fn hx1_wrong_audience_and_expired_together() {
    let p = pair(NOW + 10_000);
    let carol = Identity::generate("carol").unwrap();
    p.dir.insert(carol.machine_token());
    let token = p
        .alice
        .create("carol", b"hi", &CreateOptions::with_ttl(60))
        .unwrap();
    let r = hx1_agrees(&p.bob, &token);
    assert_eq!(
        failed(&r),
        [
            ("aud", ErrorKind::WrongAudience),
            ("signature", ErrorKind::InvalidSignature),
            ("exp", ErrorKind::Expired),
        ]
    );
    assert_eq!(check(&r, "decryption").outcome(), Outcome::NotChecked);
    assert_eq!(r.payload_len(), None);
}

#[test]
fn hx1_unknown_issuer_and_tampered_tokens() {
    let p = pair(NOW);
    let mallory = Endpoint::new(Identity::generate("mallory").unwrap()).with_clock(FixedClock(NOW));
    let token = mallory
        .create_for(
            &p.bob.identity().machine_token(),
            b"hi",
            &CreateOptions::default(),
        )
        .unwrap();
    let r = hx1_agrees(&p.bob, &token);
    assert_eq!(failed(&r), [("issuer", ErrorKind::UnknownIssuer)]);
    assert_eq!(check(&r, "signature").outcome(), Outcome::NotChecked);
    assert_eq!(check(&r, "exp").outcome(), Outcome::Passed);

    let token = p
        .alice
        .create("bob", b"hello", &CreateOptions::default())
        .unwrap();
    for i in 0..token.len() {
        let mut bytes = token.clone().into_bytes();
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        let r = hx1_agrees(&p.bob, &tampered);
        if tampered != token {
            assert!(!r.passed(), "byte {i}");
        }
    }
    for junk in ["", "a.b", "a.b.c", "a.b.c.d", "a.b.c.d.e", "a.b.c.d.e.f"] {
        let r = hx1_agrees(&p.bob, junk);
        assert!(!r.passed(), "{junk}");
    }
}

#[test]
fn hx1_one_pu_mode_is_explained_too() {
    let p = pair(NOW + 10_000);
    let token = p
        .alice
        .create_1pu("bob", b"hi", &CreateOptions::with_ttl(60))
        .unwrap();
    let r = hx1_agrees(&p.bob, &token);
    assert_eq!(failed(&r), [("exp", ErrorKind::Expired)]);
    assert_eq!(check(&r, "decryption").outcome(), Outcome::Passed);
    assert_eq!(r.payload_len(), Some(2));
}
