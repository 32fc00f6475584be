//! The ECDH-1PU mode of an endpoint wipes its key material: the scanning allocator of
//! core/tests/zeroize.rs over `create_1pu` and `validate`, with the identities' private keys,
//! the static-static secret `Zs` (the same `X25519(a, B)` as HX1's `Z`) and the plaintext
//! planted. Each scan runs on a fresh thread (see `scanner::freed_copies_on_fresh_thread`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure should panic loudly"
)]

mod scanner;

#[global_allocator]
static ALLOCATOR: scanner::Scanning = scanner::Scanning;

use std::sync::Arc;

use hxjwt::{CreateOptions, Endpoint, FixedClock, Identity, MemoryDirectory};
use scanner::freed_copies_on_fresh_thread as freed_copies;

/// A distinctive 32-byte secret (no run of zeros a wiped block could match).
fn secret(seed: u8) -> [u8; 32] {
    std::array::from_fn(|i| seed.wrapping_add(u8::try_from(i).unwrap()).wrapping_mul(37) | 1)
}

fn identity(name: &str, seed: u8) -> Identity {
    Identity::from_secret_bytes(name, secret(seed)).unwrap()
}

#[test]
fn the_scanner_sees_an_unwiped_copy() {
    let s = secret(1);
    assert!(freed_copies(&s, || drop(std::hint::black_box(s.to_vec()))) >= 1);
}

#[test]
fn keys_shared_secrets_and_plaintexts_of_the_1pu_mode_are_wiped() {
    let (a, b) = (identity("a.svc", 4), identity("b.svc", 5));
    let zs = hxjwt::dangerous::hx1_shared_secret(&a, &b.machine_token()).unwrap();
    let plaintext = secret(6);
    // The private keys as the JWK member `d` too (the mode converts identities through JWKs).
    let (a_d, b_d) = (
        hxjwt::b64::encode(&secret(4)),
        hxjwt::b64::encode(&secret(5)),
    );
    for (what, planted) in [
        ("a's private key", &secret(4)[..]),
        ("b's private key", &secret(5)[..]),
        ("a's d", a_d.as_bytes()),
        ("b's d", b_d.as_bytes()),
        ("Zs", &zs[..]),
        ("the plaintext", &plaintext[..]),
    ] {
        let n = freed_copies(planted, || {
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
                .create_1pu("b.svc", &plaintext, &CreateOptions::default())
                .unwrap();
            let msg = receiver.validate(&token).unwrap();
            assert_eq!(msg.payload(), plaintext);
            drop(msg);
            drop(sender);
            drop(receiver);
        });
        assert_eq!(n, 0, "{what} left in freed memory");
    }
}
