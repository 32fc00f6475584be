//! `jws::CachedVerifier`: a hit returns what decode returned, and refuses what decode would
//! refuse now (time, revocation, replay, a key gone from the key source); failures are never
//! cached; the capacity holds; verifiers never share entries.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure should panic loudly"
)]

use std::borrow::Cow;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use hxjwt::ErrorKind;
use hxjwt::jws::{
    self, Algorithm, CacheStats, CachedVerifier, Header, Key, KeySet, Validation, VerifyingKeys,
};
use hxjwt::store::{MemoryReplayStore, MemoryRevocationList, RevocationStore};

const T0: i64 = 1_767_225_600;

/// A clock the test moves.
fn clock() -> (Arc<AtomicI64>, impl Fn() -> i64 + Send + Sync + 'static) {
    let now = Arc::new(AtomicI64::new(T0));
    let read = Arc::clone(&now);
    (now, move || read.load(Ordering::SeqCst))
}

fn es256() -> Key {
    Key::generate(Algorithm::ES256).unwrap()
}

fn token(key: &Key, claims: &str) -> String {
    let mut header = Header::new(key.algorithm().unwrap_or(Algorithm::ES256));
    header.kid = key.kid().map(str::to_owned);
    jws::encode_json(&header, claims, key).unwrap()
}

fn claims(jti: &str, exp: i64) -> String {
    format!(r#"{{"sub":"ada","jti":"{jti}","iat":{T0},"exp":{exp}}}"#)
}

fn stats(hits: u64, misses: u64) -> CacheStats {
    CacheStats { hits, misses }
}

/// One byte of the token's payload segment changed to another base64url character.
fn tampered(token: &str) -> String {
    let dot = token.find('.').unwrap();
    let mut bytes = token.as_bytes().to_vec();
    let i = dot + 5;
    bytes[i] = if bytes[i] == b'x' { b'y' } else { b'x' };
    String::from_utf8(bytes).unwrap()
}

/// Claims of the wrong type (`sub` is a string).
#[derive(serde::Deserialize, Debug)]
#[allow(dead_code, reason = "only the type matters")]
struct Wrong {
    sub: u64,
}

#[test]
fn a_hit_returns_what_decode_returned() {
    let key = es256().with_kid("k1");
    let t = token(&key, &claims("a", 4_102_444_800));
    let public = key.to_public().unwrap();
    let v = Validation::new(&[Algorithm::ES256]);
    let cache = CachedVerifier::new(public.clone(), v.clone(), 16);
    let plain = jws::decode_bytes(&t, &public, &v).unwrap();
    let first = cache.decode_bytes(&t).unwrap();
    assert_eq!(cache.stats(), stats(0, 1));
    assert_eq!(cache.len(), 1);
    let second = cache.decode_bytes(&t).unwrap();
    assert_eq!(cache.stats(), stats(1, 1));
    assert_eq!(first, plain);
    assert_eq!(second, plain);
    assert_eq!(second.header.kid(), Some("k1"));
    let typed = cache.decode::<serde_json::Value>(&t).unwrap();
    assert_eq!(typed.claims["sub"], "ada");
    assert_eq!(cache.stats(), stats(2, 1));
    // Claims that do not fit the type: refused on a hit as by decode.
    let err = cache.decode::<Wrong>(&t).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidClaim);
    assert_eq!(
        err.kind(),
        jws::decode::<Wrong>(&t, &public, &v).unwrap_err().kind()
    );
}

#[test]
fn time_claims_are_checked_on_every_hit() {
    let key = es256();
    let (now, read) = clock();
    let v = Validation::new(&[Algorithm::ES256]).clock(read);
    let cache = CachedVerifier::new(key.to_public().unwrap(), v, 16);
    let t = token(&key, &claims("a", T0 + 100));
    cache.decode_bytes(&t).unwrap();
    now.store(T0 + 99, Ordering::SeqCst);
    cache.decode_bytes(&t).unwrap();
    assert_eq!(cache.stats(), stats(1, 1));
    now.store(T0 + 100, Ordering::SeqCst);
    let err = cache.decode_bytes(&t).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Expired);
    assert_eq!(cache.stats(), stats(2, 1), "refused on a hit");
    assert_eq!(cache.len(), 0, "an expired token's entry is dropped");
    // And from then on it is verified in full (and refused) each time.
    assert_eq!(
        cache.decode_bytes(&t).unwrap_err().kind(),
        ErrorKind::Expired
    );
    assert_eq!(cache.stats(), stats(2, 2));
    assert_eq!(cache.len(), 0);

    // The maximum age too.
    let (now, read) = clock();
    let v = Validation::new(&[Algorithm::ES256]).max_age(60).clock(read);
    let cache = CachedVerifier::new(key.to_public().unwrap(), v, 16);
    let t = token(&key, &claims("b", T0 + 3600));
    cache.decode_bytes(&t).unwrap();
    now.store(T0 + 61, Ordering::SeqCst);
    assert_eq!(
        cache.decode_bytes(&t).unwrap_err().kind(),
        ErrorKind::Expired
    );
    assert_eq!(cache.stats(), stats(1, 1));
}

#[test]
fn a_revoked_jti_is_refused_and_its_entry_dropped() {
    let key = es256();
    let (now, read) = clock();
    let store = Arc::new(MemoryRevocationList::default());
    let cache = CachedVerifier::new(
        key.to_public().unwrap(),
        Validation::new(&[Algorithm::ES256]).clock(read),
        16,
    )
    .with_revocations(Arc::clone(&store) as Arc<dyn RevocationStore>);

    // Revoked in the store by someone else (another instance sharing it).
    let a = token(&key, &claims("a", T0 + 100));
    cache.decode_bytes(&a).unwrap();
    cache.decode_bytes(&a).unwrap();
    assert_eq!(cache.len(), 1);
    assert!(store.revoke("a", T0 + 100, T0).unwrap());
    let err = cache.decode_bytes(&a).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Revoked);
    assert_eq!(cache.stats(), stats(2, 1));
    assert_eq!(cache.len(), 0);
    assert_eq!(
        cache.decode_bytes(&a).unwrap_err().kind(),
        ErrorKind::Revoked,
        "and refused by the full decode"
    );
    assert_eq!(cache.len(), 0, "a refused token is never cached");

    // Revoked through the verifier: until exp (+ leeway), entry dropped.
    let b = token(&key, &claims("b", T0 + 200));
    cache.decode_bytes(&b).unwrap();
    assert_eq!(cache.len(), 1);
    assert!(cache.revoke(&b).unwrap());
    assert_eq!(cache.len(), 0);
    assert!(!cache.revoke(&b).unwrap(), "already revoked");
    assert_eq!(
        cache.decode_bytes(&b).unwrap_err().kind(),
        ErrorKind::Revoked
    );
    assert!(store.is_revoked("b", T0 + 200).unwrap());
    now.store(T0 + 201, Ordering::SeqCst);
    assert!(!store.is_revoked("b", T0 + 201).unwrap());

    // A token from another key revokes nothing.
    let forged = token(&es256(), &claims("c", T0 + 300));
    assert!(cache.revoke(&forged).is_err());
    assert!(!store.is_revoked("c", T0 + 201).unwrap());
    // A token without jti cannot be revoked.
    let no_jti = token(&key, &format!(r#"{{"exp":{}}}"#, T0 + 300));
    assert_eq!(
        cache.revoke(&no_jti).unwrap_err().kind(),
        ErrorKind::MissingClaim
    );
    // Without a store, revoke is a usage error.
    let plain = CachedVerifier::new(key.clone(), Validation::new(&[Algorithm::ES256]), 4);
    assert_eq!(
        plain.revoke(&b).unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
}

/// A revocation store that cannot answer.
struct Down;

impl RevocationStore for Down {
    fn revoke(&self, _: &str, _: i64, _: i64) -> hxjwt::Result<bool> {
        Err(hxjwt::Error::new(ErrorKind::StoreUnavailable, "down"))
    }
    fn is_revoked(&self, _: &str, _: i64) -> hxjwt::Result<bool> {
        Err(hxjwt::Error::new(ErrorKind::StoreUnavailable, "down"))
    }
}

#[test]
fn a_revocation_store_that_cannot_answer_refuses() {
    let key = es256();
    let (_now, read) = clock();
    let v = Validation::new(&[Algorithm::ES256]).clock(read);
    let t = token(&key, &claims("a", T0 + 100));
    let down = CachedVerifier::new(key.to_public().unwrap(), v.clone(), 16)
        .with_revocations(Arc::new(Down));
    assert_eq!(
        down.decode_bytes(&t).unwrap_err().kind(),
        ErrorKind::StoreUnavailable
    );
    assert_eq!(down.len(), 0);
}

#[test]
fn the_capacity_holds_and_the_oldest_goes_first() {
    let key = es256();
    let (_now, read) = clock();
    let cache = CachedVerifier::new(
        key.to_public().unwrap(),
        Validation::new(&[Algorithm::ES256]).clock(read),
        3,
    );
    assert_eq!(cache.capacity(), 3);
    let tokens: Vec<String> = (0..10)
        .map(|i| token(&key, &claims(&format!("t{i}"), T0 + 100)))
        .collect();
    for t in &tokens {
        cache.decode_bytes(t).unwrap();
        assert!(cache.len() <= 3);
    }
    assert_eq!(cache.len(), 3);
    assert_eq!(cache.stats(), stats(0, 10));
    for t in &tokens[7..] {
        cache.decode_bytes(t).unwrap();
    }
    assert_eq!(cache.stats(), stats(3, 10), "the last three are hits");
    cache.decode_bytes(&tokens[0]).unwrap();
    assert_eq!(cache.stats(), stats(3, 11), "the first was evicted");
    assert_eq!(cache.len(), 3);
    // tokens[7] was the oldest: evicted by tokens[0].
    cache.decode_bytes(&tokens[8]).unwrap();
    cache.decode_bytes(&tokens[7]).unwrap();
    assert_eq!(cache.stats(), stats(4, 12));

    // Many invalidations and reinsertions leave the bound intact.
    for round in 0..200 {
        let t = &tokens[round % tokens.len()];
        cache.decode_bytes(t).unwrap();
        if round % 3 == 0 {
            assert!(cache.invalidate(t));
            assert!(!cache.invalidate(t));
        }
        assert!(cache.len() <= 3);
    }
    cache.clear();
    assert!(cache.is_empty());

    // Capacity 0: a plain decode.
    let none = CachedVerifier::new(
        key.to_public().unwrap(),
        Validation::new(&[Algorithm::ES256]),
        0,
    );
    let t = token(&key, &claims("z", 4_102_444_800));
    none.decode_bytes(&t).unwrap();
    none.decode_bytes(&t).unwrap();
    assert_eq!(none.stats(), stats(0, 2));
    assert_eq!(none.len(), 0);
}

#[test]
fn long_tokens_are_verified_every_time() {
    let key = es256();
    let big = format!(
        r#"{{"data":"{}","exp":4102444800}}"#,
        "x".repeat(jws::DEFAULT_MAX_CACHED_TOKEN_LEN)
    );
    let t = token(&key, &big);
    let cache = CachedVerifier::new(
        key.to_public().unwrap(),
        Validation::new(&[Algorithm::ES256]),
        8,
    );
    cache.decode_bytes(&t).unwrap();
    cache.decode_bytes(&t).unwrap();
    assert_eq!(cache.stats(), stats(0, 2));
    assert_eq!(cache.len(), 0);
    let small = token(&key, &claims("s", 4_102_444_800));
    let strict = CachedVerifier::new(
        key.to_public().unwrap(),
        Validation::new(&[Algorithm::ES256]),
        8,
    )
    .max_cached_token_len(small.len() - 1);
    strict.decode_bytes(&small).unwrap();
    assert_eq!(strict.len(), 0);
    let exact = CachedVerifier::new(
        key.to_public().unwrap(),
        Validation::new(&[Algorithm::ES256]),
        8,
    )
    .max_cached_token_len(small.len());
    exact.decode_bytes(&small).unwrap();
    assert_eq!(exact.len(), 1);
}

#[test]
fn verifiers_never_share_entries() {
    let key = es256();
    let public = key.to_public().unwrap();
    let t = token(&key, r#"{"aud":"a","exp":4102444800}"#);
    let for_a = CachedVerifier::new(
        public.clone(),
        Validation::new(&[Algorithm::ES256]).audience(&["a"]),
        8,
    );
    let for_b = CachedVerifier::new(
        public.clone(),
        Validation::new(&[Algorithm::ES256]).audience(&["b"]),
        8,
    );
    let other_key = CachedVerifier::new(
        es256().to_public().unwrap(),
        Validation::new(&[Algorithm::ES256]).audience(&["a"]),
        8,
    );
    let other_alg = CachedVerifier::new(
        public,
        Validation::new(&[Algorithm::ES384]).audience(&["a"]),
        8,
    );
    for _ in 0..2 {
        for_a.decode_bytes(&t).unwrap();
        assert_eq!(
            for_b.decode_bytes(&t).unwrap_err().kind(),
            ErrorKind::WrongAudience
        );
        assert_eq!(
            other_key.decode_bytes(&t).unwrap_err().kind(),
            ErrorKind::InvalidSignature
        );
        assert_eq!(
            other_alg.decode_bytes(&t).unwrap_err().kind(),
            ErrorKind::UnsupportedAlgorithm
        );
    }
    assert_eq!(for_a.stats(), stats(1, 1));
    for v in [&for_b, &other_key, &other_alg] {
        assert_eq!(v.stats(), stats(0, 2));
        assert!(v.is_empty());
    }
}

/// A key source that changes: what a remote set does when it refreshes.
#[derive(Default)]
struct Rotating {
    keys: Mutex<Vec<Key>>,
}

impl VerifyingKeys for Rotating {
    fn candidates(&self, kid: Option<&str>, alg: Algorithm) -> hxjwt::Result<Vec<Cow<'_, Key>>> {
        let keys = self.keys.lock().unwrap().clone();
        Ok(KeySet::from_keys(keys)
            .select(kid, alg)?
            .into_iter()
            .cloned()
            .map(Cow::Owned)
            .collect())
    }
}

#[test]
fn a_key_gone_from_the_key_source_stops_the_hits() {
    let old = es256().with_kid("old");
    let new = es256().with_kid("new");
    let source = Arc::new(Rotating::default());
    *source.keys.lock().unwrap() = vec![
        old.to_public().unwrap().with_kid("old"),
        new.to_public().unwrap().with_kid("new"),
    ];
    let cache = CachedVerifier::new(Arc::clone(&source), Validation::new(&[Algorithm::ES256]), 8);
    let t_old = token(&old, &claims("o", 4_102_444_800));
    let t_new = token(&new, &claims("n", 4_102_444_800));
    for _ in 0..2 {
        cache.decode_bytes(&t_old).unwrap();
        cache.decode_bytes(&t_new).unwrap();
    }
    assert_eq!(cache.stats(), stats(2, 2));

    // "old" rotated out.
    source
        .keys
        .lock()
        .unwrap()
        .retain(|k| k.kid() == Some("new"));
    assert_eq!(
        cache.decode_bytes(&t_old).unwrap_err().kind(),
        ErrorKind::KeyNotFound
    );
    assert_eq!(cache.stats(), stats(2, 3), "not served: verified in full");
    assert_eq!(cache.len(), 1);
    cache.decode_bytes(&t_new).unwrap();
    assert_eq!(cache.stats(), stats(3, 3));

    // Another key under the same kid: the entry's key identity no longer matches.
    *source.keys.lock().unwrap() = vec![es256().to_public().unwrap().with_kid("new")];
    assert_eq!(
        cache.decode_bytes(&t_new).unwrap_err().kind(),
        ErrorKind::InvalidSignature
    );
    assert_eq!(cache.stats(), stats(3, 4));
    assert!(cache.is_empty());

    // The same key republished for encryption only: no longer allowed to verify.
    let jwk = |usage: &str| {
        let mut jwk = new.to_public().unwrap().to_public_jwk().unwrap();
        jwk["kid"] = "new".into();
        jwk["use"] = usage.into();
        Key::from_jwk(&jwk.to_string()).unwrap()
    };
    *source.keys.lock().unwrap() = vec![jwk("sig")];
    cache.decode_bytes(&t_new).unwrap();
    cache.decode_bytes(&t_new).unwrap();
    assert_eq!(cache.stats(), stats(4, 5));
    *source.keys.lock().unwrap() = vec![jwk("enc")];
    assert_eq!(
        cache.decode_bytes(&t_new).unwrap_err().kind(),
        ErrorKind::InvalidKey
    );
    assert_eq!(cache.stats(), stats(4, 6), "not served: verified in full");
    assert!(cache.is_empty());

    // A KeySet does not change: a verifier built with the new set has none of the old entries.
    let set = KeySet::from_keys(vec![new.to_public().unwrap().with_kid("new")]);
    let rebuilt = CachedVerifier::new(set, Validation::new(&[Algorithm::ES256]), 8);
    assert_eq!(
        rebuilt.decode_bytes(&t_old).unwrap_err().kind(),
        ErrorKind::KeyNotFound
    );
    rebuilt.decode_bytes(&t_new).unwrap();
    rebuilt.decode_bytes(&t_new).unwrap();
    assert_eq!(rebuilt.stats(), stats(1, 2));
}

#[test]
fn a_tampered_token_is_not_served_from_the_cache() {
    let key = es256();
    let cache = CachedVerifier::new(
        key.to_public().unwrap(),
        Validation::new(&[Algorithm::ES256]),
        8,
    );
    let t = token(&key, &claims("a", 4_102_444_800));
    cache.decode_bytes(&t).unwrap();
    let bad = tampered(&t);
    assert_ne!(bad, t);
    assert_eq!(bad.len(), t.len());
    for _ in 0..2 {
        let err = cache.decode_bytes(&bad).unwrap_err();
        assert!(
            matches!(
                err.kind(),
                ErrorKind::InvalidSignature | ErrorKind::Malformed
            ),
            "{err}"
        );
    }
    // A changed signature byte too.
    let mut sig = t.clone().into_bytes();
    let last = sig.len() - 2;
    sig[last] = if sig[last] == b'Q' { b'R' } else { b'Q' };
    let sig = String::from_utf8(sig).unwrap();
    assert!(cache.decode_bytes(&sig).is_err());
    assert_eq!(cache.stats(), stats(0, 4));
    assert_eq!(cache.len(), 1);
    cache.decode_bytes(&t).unwrap();
    assert_eq!(cache.stats(), stats(1, 4));
}

#[test]
fn a_replay_store_still_refuses_a_second_use() {
    let key = es256();
    let (_now, read) = clock();
    let v = Validation::new(&[Algorithm::ES256])
        .replay_store(Arc::new(MemoryReplayStore::default()))
        .clock(read);
    let cache = CachedVerifier::new(key.to_public().unwrap(), v, 8);
    let t = token(&key, &claims("once", T0 + 100));
    cache.decode_bytes(&t).unwrap();
    let err = cache.decode_bytes(&t).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Replayed);
    assert_eq!(cache.stats(), stats(1, 1));
    assert!(cache.is_empty());
    assert_eq!(
        cache.decode_bytes(&t).unwrap_err().kind(),
        ErrorKind::Replayed
    );
}

#[test]
fn failures_are_never_cached() {
    let key = es256();
    let (now, read) = clock();
    let cache = CachedVerifier::new(
        key.to_public().unwrap(),
        Validation::new(&[Algorithm::ES256]).clock(read),
        8,
    );
    // Not yet valid, then valid: the failure left nothing behind.
    let t = token(
        &key,
        &format!(r#"{{"nbf":{},"exp":{}}}"#, T0 + 10, T0 + 100),
    );
    for _ in 0..2 {
        assert_eq!(
            cache.decode_bytes(&t).unwrap_err().kind(),
            ErrorKind::NotYetValid
        );
    }
    assert!(cache.is_empty());
    now.store(T0 + 10, Ordering::SeqCst);
    cache.decode_bytes(&t).unwrap();
    assert_eq!(cache.stats(), stats(0, 3));
    assert_eq!(cache.len(), 1);

    // Signed by another key, no exp, malformed: nothing cached.
    let stranger = token(&es256(), &claims("x", T0 + 100));
    let no_exp = token(&key, r#"{"sub":"ada"}"#);
    for bad in [stranger.as_str(), no_exp.as_str(), "a.b.c", ""] {
        assert!(cache.decode_bytes(bad).is_err());
        assert!(cache.decode_bytes(bad).is_err());
    }
    assert_eq!(cache.len(), 1);
    assert_eq!(cache.stats(), stats(0, 11));
}

#[test]
fn shared_between_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<CachedVerifier<Key>>();
    send_sync::<CachedVerifier<KeySet>>();
    send_sync::<CachedVerifier<Arc<Rotating>>>();

    let key = es256();
    let cache = CachedVerifier::new(
        key.to_public().unwrap(),
        Validation::new(&[Algorithm::ES256]),
        4,
    );
    let tokens: Vec<String> = (0..6)
        .map(|i| token(&key, &claims(&format!("t{i}"), 4_102_444_800)))
        .collect();
    std::thread::scope(|s| {
        for offset in 0..2 {
            let (cache, tokens) = (&cache, &tokens);
            s.spawn(move || {
                for i in 0..60 {
                    let t = &tokens[(i + offset) % tokens.len()];
                    let data = cache.decode::<serde_json::Value>(t).unwrap();
                    assert_eq!(data.claims["sub"], "ada");
                    assert!(cache.len() <= 4);
                }
            });
        }
    });
    let s = cache.stats();
    assert_eq!(s.hits + s.misses, 120);
    assert!(cache.len() <= 4);
    assert!(format!("{cache:?}").contains("capacity: 4"));
}
