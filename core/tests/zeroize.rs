//! Key material is wiped before its memory goes back to the allocator: an allocator that looks
//! at every block freed reports any block that still holds a secret this test planted.
//!
//! It sees the Rust heap only (aws-lc keeps its copies of RSA/EC/Ed25519 private keys in memory
//! it frees itself, with `OPENSSL_cleanse`), and stack copies are out of its reach; what it
//! checks is that no heap copy the core makes — decoded JWK members, HMAC secrets, identities,
//! cached pairwise keys and their AES key schedules — outlives its owner unwiped.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure should panic loudly"
)]

mod scanner;

use hxjwt::jws::{Algorithm, Key, Validation};
use hxjwt::{CreateOptions, Endpoint, FixedClock, Identity, MemoryDirectory};
use std::sync::Arc;

#[global_allocator]
static ALLOCATOR: scanner::Scanning = scanner::Scanning;

use scanner::freed_copies;

/// A distinctive 32-byte secret (no run of zeros a wiped block could match). Seeds are 97
/// apart in the sequence, so two seeds' secrets share no 16-byte run: the scanner watches every
/// thread's frees, and `secret(n + 2)` used to be `secret(n)` shifted by two bytes, so another
/// test's own copy of one, freed while a scan ran, was counted against the other.
fn secret(seed: u8) -> [u8; 32] {
    std::array::from_fn(|i| {
        seed.wrapping_mul(97)
            .wrapping_add(u8::try_from(i).unwrap())
            .wrapping_mul(37)
            | 1
    })
}

/// The scanner itself works: a plain `Vec` holding the secret is seen when freed.
#[test]
fn the_scanner_sees_an_unwiped_copy() {
    let s = secret(1);
    let n = freed_copies(&s, || {
        let copy = std::hint::black_box(s.to_vec());
        drop(copy);
    });
    assert!(n >= 1, "the scanner missed a plain copy");
}

#[test]
fn hmac_keys_wipe_their_secret_and_its_decoded_copies() {
    let s = secret(2);
    assert_eq!(
        freed_copies(&s, || {
            let key = Key::from_secret(s).unwrap();
            // Use it, so the keyed hash states exist too.
            let token = hxjwt::jws::encode(
                &hxjwt::jws::Header::new(Algorithm::HS256),
                &serde_json::json!({"exp": 4_102_444_800_i64}),
                &key,
            )
            .unwrap();
            hxjwt::jws::decode_claims(&token, &key, &Validation::new(&[Algorithm::HS256])).unwrap();
            drop(key);
        }),
        0
    );
    let jwk = format!(r#"{{"kty":"oct","k":"{}"}}"#, hxjwt::b64::encode(&s));
    assert_eq!(
        freed_copies(&s, || {
            let key = Key::from_jwk(&jwk).unwrap();
            let exported = key.to_private_jwk();
            drop(exported);
            drop(key);
        }),
        0
    );
}

#[test]
fn identities_wipe_their_private_key() {
    let s = secret(3);
    assert_eq!(
        freed_copies(&s, || {
            let id = Box::new(Identity::from_secret_bytes("alice", s).unwrap());
            let jwk = id.to_private_jwk();
            let again = Identity::from_jwk(&jwk).unwrap();
            drop(jwk);
            drop(again);
            drop(id);
        }),
        0
    );
}

#[test]
fn cached_pairwise_keys_and_their_key_schedules_are_wiped() {
    let (a, b) = (identity("a.svc", 4), identity("b.svc", 5));
    let z = hxjwt::dangerous::hx1_shared_secret(&a, &b.machine_token()).unwrap();
    let k = hxjwt::dangerous::hx1_pairwise_key(&z, &a.machine_token(), &b.machine_token()).unwrap();
    // Z, and K (AES-256's first two round keys are K itself) must not outlive the endpoints.
    for secret in [&k[..], &z[..]] {
        assert_eq!(
            freed_copies(secret, || {
                let dir = Arc::new(MemoryDirectory::new());
                dir.insert(identity("a.svc", 4).machine_token());
                dir.insert(identity("b.svc", 5).machine_token());
                let endpoint = |name: &str, seed: u8| {
                    Endpoint::new(identity(name, seed))
                        .with_clock(FixedClock(1_767_225_600))
                        .with_shared_directory(dir.clone())
                };
                let (sender, receiver) = (endpoint("a.svc", 4), endpoint("b.svc", 5));
                let token = sender
                    .create("b.svc", b"hello", &CreateOptions::default())
                    .unwrap();
                assert_eq!(receiver.validate(&token).unwrap().payload(), b"hello");
                drop(sender);
                drop(receiver);
            }),
            0
        );
    }
}

fn identity(name: &str, seed: u8) -> Identity {
    Identity::from_secret_bytes(name, secret(seed)).unwrap()
}
