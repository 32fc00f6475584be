//! Which calls the core calls cheap (a few microseconds that wait on nothing): what a face over a
//! runtime lock (Python's GIL) uses to decide whether to release it around a call.

use std::sync::Arc;

use hxjwt::jws::{Algorithm, Key, KeySet, Validation};
use hxjwt::store::{MemoryReplayStore, ReplayStore};
use hxjwt::{CallbackDirectory, Endpoint, Identity, MemoryDirectory};

/// A replay store that says nothing of where it lives (as one over a network would).
struct Elsewhere;

impl ReplayStore for Elsewhere {
    fn check_and_insert(&self, _id: &[u8], _expires_at: i64, _now: i64) -> hxjwt::Result<bool> {
        Ok(true)
    }
}

fn directory(names: &[&Identity]) -> Arc<MemoryDirectory> {
    let dir = Arc::new(MemoryDirectory::new());
    for id in names {
        dir.insert(id.machine_token());
    }
    dir
}

#[test]
fn an_endpoint_in_memory_is_cheap_up_to_the_size_limit() {
    let bob = Identity::generate("bob.service").unwrap();
    let dir = directory(&[&bob]);
    let plain = Endpoint::new(bob.clone());
    assert!(plain.is_cheap(0));
    assert!(plain.is_cheap(hxjwt::jwe::CHEAP_TOKEN_LEN));
    assert!(!plain.is_cheap(hxjwt::jwe::CHEAP_TOKEN_LEN + 1));
    let local = Endpoint::new(bob)
        .with_directory(dir)
        .with_replay_store(Arc::new(MemoryReplayStore::default()));
    assert!(local.is_cheap(2_000));
}

#[test]
fn a_directory_or_store_that_may_wait_makes_every_call_expensive() {
    let bob = Identity::generate("bob.service").unwrap();
    let token = bob.machine_token();
    let callback =
        CallbackDirectory::new(
            move |name: &str| Ok((name == "bob.service").then(|| token.clone())),
        );
    let endpoint = Endpoint::new(bob.clone()).with_directory(callback);
    assert!(!endpoint.is_cheap(100), "a caller's function may block");
    let endpoint = Endpoint::new(bob)
        .with_directory(directory(&[]))
        .with_replay_store(Arc::new(Elsewhere));
    assert!(
        !endpoint.is_cheap(100),
        "a store that does not say it is local is not"
    );
}

#[test]
fn only_hmac_keys_in_memory_make_a_jws_decode_cheap() {
    let v = Validation::new(&[Algorithm::HS256, Algorithm::ES256]);
    let secret = Key::from_secret([7u8; 32]).unwrap();
    let ec = Key::generate(Algorithm::ES256)
        .unwrap()
        .to_public()
        .unwrap();
    assert!(v.is_cheap(&secret, 500));
    assert!(v.is_cheap(&&secret, 500));
    assert!(v.is_cheap(&Arc::new(secret.clone()), 500));
    assert!(!v.is_cheap(&secret, hxjwt::jwe::CHEAP_TOKEN_LEN + 1));
    assert!(!v.is_cheap(&ec, 500));
    let hmac_only: KeySet = vec![secret.clone()].into_iter().collect();
    assert!(v.is_cheap(&hmac_only, 500));
    let mixed: KeySet = vec![secret.clone(), ec].into_iter().collect();
    assert!(!v.is_cheap(&mixed, 500));
    let with_memory = v
        .clone()
        .replay_store(Arc::new(MemoryReplayStore::default()));
    assert!(with_memory.is_cheap(&secret, 500));
    let with_remote = v.replay_store(Arc::new(Elsewhere));
    assert!(!with_remote.is_cheap(&secret, 500));
}

/// `create` makes no token its recipient would refuse as too long: the exact length is known
/// before any work, and a payload one byte too big is refused with a message that says what to
/// do, while the largest that fits is accepted by the recipient.
#[test]
fn create_refuses_a_token_over_the_policy_limit_and_makes_the_largest_that_fits() {
    let alice = Identity::generate("alice.service").unwrap();
    let bob = Identity::generate("bob.service").unwrap();
    let dir = directory(&[&alice, &bob]);
    let sender = Endpoint::new(alice).with_directory(Arc::clone(&dir));
    let receiver = Endpoint::new(bob).with_directory(dir);
    let opts = hxjwt::CreateOptions::default();
    let limit = sender.policy().max_token_len;
    // Find the largest payload that fits, by bisection over what create accepts.
    let (mut fits, mut too_big) = (0usize, limit);
    while too_big - fits > 1 {
        let mid = usize::midpoint(fits, too_big);
        if sender.create("bob.service", &vec![7u8; mid], &opts).is_ok() {
            fits = mid;
        } else {
            too_big = mid;
        }
    }
    let token = sender
        .create("bob.service", &vec![7u8; fits], &opts)
        .unwrap();
    assert!(
        token.len() <= limit && token.len() > limit - 8,
        "{}",
        token.len()
    );
    assert_eq!(receiver.validate(&token).unwrap().payload().len(), fits);
    let err = sender
        .create("bob.service", &vec![7u8; fits + 1], &opts)
        .unwrap_err();
    assert_eq!(err.kind(), hxjwt::ErrorKind::InvalidArgument);
    assert!(err.to_string().contains("max_token_len"), "{err}");
    // Raised on both sides, the bigger token goes through.
    let mut bigger = sender.policy().clone();
    bigger.max_token_len = 2 * limit;
    let sender = sender.with_policy(bigger.clone());
    let receiver = receiver.with_policy(bigger);
    let token = sender
        .create("bob.service", &vec![7u8; fits + 1], &opts)
        .unwrap();
    assert_eq!(receiver.validate(&token).unwrap().payload().len(), fits + 1);
}
