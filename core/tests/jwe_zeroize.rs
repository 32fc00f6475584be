//! JWE key material is wiped before its memory goes back to the allocator: the scanning
//! allocator of core/tests/zeroize.rs, over the JWE paths. Keys, content keys, key-wrap keys,
//! PBES2-derived keys, the ECDH shared secret `Z` and the Concat KDF output, and decrypted
//! plaintexts. It sees the Rust heap only (aws-lc cleanses its own copies; stack copies are out
//! of reach: each scan runs on a fresh thread so that stack residue copied into a heap block's
//! padding is not blamed on the heap). Inflated (`zip`) plaintexts are covered; the sender's
//! DEFLATE is not (`miniz_oxide`'s compressor keeps its window in buffers of its own, freed
//! unwiped).

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

use scanner::freed_copies_on_fresh_thread as freed_copies;

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

use hxjwt::jwe::{self, ContentAlgorithm as Enc, Decryption, Header, Key, KeyAlgorithm as Alg};
use serde_json::Value;

#[test]
fn the_scanner_sees_an_unwiped_copy() {
    let s = secret(1);
    assert!(freed_copies(&s, || drop(std::hint::black_box(s.to_vec()))) >= 1);
}

fn round_trip(alg: Alg, enc: Enc, key: &Key, plaintext: &[u8]) {
    let mut h = Header::new(alg, enc);
    h.p2c = Some(1000);
    let token = jwe::encrypt(&h, plaintext, key).unwrap();
    let msg = jwe::decrypt(&token, key, &Decryption::new(&[alg], &[enc])).unwrap();
    assert_eq!(&*msg.plaintext, plaintext);
}

#[test]
fn symmetric_keys_and_passwords_are_wiped() {
    for (alg, enc, len) in [
        (Alg::Dir, Enc::A128CbcHs256, 32),
        (Alg::Dir, Enc::A256GCM, 32),
        (Alg::A256KW, Enc::A256CbcHs512, 32),
        (Alg::A256GCMKW, Enc::A128GCM, 32),
        (Alg::Pbes2Hs256A128KW, Enc::A128GCM, 32),
    ] {
        let s = secret(2);
        // Both halves: CBC-HS splits the CEK into a MAC key and an encryption key.
        for part in [&s[..16], &s[len - 16..len]] {
            let n = freed_copies(part, || {
                let key = Key::from_secret(&s[..len]).unwrap();
                round_trip(alg, enc, &key, b"a plaintext");
            });
            assert_eq!(n, 0, "{alg} {enc}");
        }
        let jwk = format!(r#"{{"kty":"oct","k":"{}"}}"#, hxjwt::b64::encode(&s[..len]));
        let n = freed_copies(&s, || {
            let key = Key::from_jwk(&jwk).unwrap();
            round_trip(alg, enc, &key, b"a plaintext");
        });
        assert_eq!(n, 0, "{alg} {enc} from a JWK");
    }
}

#[test]
fn decrypted_plaintexts_are_wiped() {
    let plaintext = secret(3);
    let key = Key::from_secret([9u8; 16]).unwrap();
    for enc in [Enc::A128GCM, Enc::A128CbcHs256] {
        let token = jwe::encrypt(&Header::new(Alg::A128KW, enc), &plaintext, &key).unwrap();
        let d = Decryption::new(&[Alg::A128KW], &[enc]);
        let n = freed_copies(&plaintext, || {
            let msg = jwe::decrypt(&token, &key, &d).unwrap();
            assert_eq!(&*msg.plaintext, &plaintext);
        });
        assert_eq!(n, 0, "{enc}");
    }
}

#[test]
fn inflated_plaintexts_are_wiped_as_their_buffer_grows() {
    // The needle early and late, with a long compressible run between: the output buffer
    // is replaced several times while it already holds the first copy.
    let needle = secret(4);
    let mut plaintext = needle.to_vec();
    plaintext.extend(std::iter::repeat_n(b'a', 20_000));
    plaintext.extend_from_slice(&needle);
    let key = Key::from_secret([9u8; 16]).unwrap();
    let mut h = Header::new(Alg::A128KW, Enc::A128GCM);
    h.zip = true;
    let token = jwe::encrypt(&h, &plaintext, &key).unwrap();
    assert!(
        token.len() < 2_000,
        "the run compresses: {} bytes",
        token.len()
    );
    let d = Decryption::new(&[Alg::A128KW], &[Enc::A128GCM]).allow_zip(100_000);
    let n = freed_copies(&needle, || {
        let msg = jwe::decrypt(&token, &key, &d).unwrap();
        assert_eq!(&*msg.plaintext, &plaintext[..]);
    });
    assert_eq!(n, 0);
}

/// RFC 7518 Appendix C: Bob decrypts; the shared secret Z and the derived key are known, so
/// the scan can look for them.
#[test]
fn ecdh_shared_secrets_and_derived_keys_are_wiped() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/jwe.json");
    let vectors: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let bob = vectors["keys"]["rfc7518-c-bob"].to_string();
    let token = vectors["positive"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "rfc7518-appendix-c-ecdh-es-p256")
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let z: [u8; 32] = [
        158, 86, 217, 29, 129, 113, 53, 211, 114, 131, 66, 131, 191, 132, 38, 156, 251, 49, 110,
        163, 218, 128, 106, 72, 246, 218, 167, 121, 140, 254, 144, 196,
    ];
    let derived = hxjwt::b64::decode("VqqN6vgjbSBcIijNcacQGg", "k").unwrap();
    let d = Decryption::new(&[Alg::EcdhEs], &[Enc::A128GCM]);
    for needle in [&z[..16], &z[16..], &derived[..]] {
        let n = freed_copies(needle, || {
            let key = Key::from_jwk(&bob).unwrap();
            jwe::decrypt(&token, &key, &d).unwrap();
        });
        assert_eq!(n, 0, "{needle:02x?}");
    }
}

#[test]
fn x25519_private_keys_are_wiped() {
    let key = Key::generate_x25519().unwrap();
    let jwk = key.to_private_jwk().unwrap();
    let parsed: Value = serde_json::from_str(&jwk).unwrap();
    let d = hxjwt::b64::decode(parsed["d"].as_str().unwrap(), "d").unwrap();
    drop(key);
    for (alg, enc) in [
        (Alg::EcdhEs, Enc::A256GCM),
        (Alg::EcdhEsA256KW, Enc::A256CbcHs512),
    ] {
        let n = freed_copies(&d, || {
            let key = Key::from_jwk(&jwk).unwrap();
            let token =
                jwe::encrypt(&Header::new(alg, enc), b"x", &key.to_public().unwrap()).unwrap();
            jwe::decrypt(&token, &key, &Decryption::new(&[alg], &[enc])).unwrap();
            drop(key.to_private_jwk().unwrap());
        });
        assert_eq!(n, 0, "{alg}");
    }
}
