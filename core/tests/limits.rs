//! The documented limits (SECURITY.md, "Limits"), each hit with input far beyond it: the
//! input is refused with the right kind, and the heap the refusal needs stays bounded. A counting
//! allocator measures the peak of live heap bytes during each refusal (never the time: times
//! are for `make bench`). `cargo test -p hxjwt --test limits -- --nocapture` prints the
//! measurements.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure should panic loudly"
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use hxjwt::jws::{self, Algorithm, Key, KeySet, Validation};
use hxjwt::{
    CreateOptions, Endpoint, ErrorKind, FixedClock, Identity, MachineToken, MemoryDirectory,
};

/// Counts live heap bytes and their peak since the last [`reset_peak`].
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the counters
// are plain atomics and never affect the allocation itself.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is; the caller upholds `alloc`'s contract.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is; `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as is; the caller upholds `realloc`'s contract.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let grow = new_size - layout.size();
                let live = LIVE.fetch_add(grow, Ordering::Relaxed) + grow;
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One measurement at a time: the counters are process-wide.
static SERIAL: Mutex<()> = Mutex::new(());

/// Runs `f` and returns its result with the heap it needed beyond what was live before (peak
/// minus start), and the time it took (printed, never asserted).
fn measure<T>(what: &str, input_len: usize, f: impl FnOnce() -> T) -> (T, usize) {
    let start = LIVE.load(Ordering::Relaxed);
    PEAK.store(start, Ordering::Relaxed);
    let t = Instant::now();
    let out = f();
    let elapsed = t.elapsed();
    let extra = PEAK.load(Ordering::Relaxed).saturating_sub(start);
    println!(
        "{what}: input {:.1} MB, answered in {:.2} ms, peak extra heap {:.2} MB",
        mb(input_len),
        elapsed.as_secs_f64() * 1e3,
        mb(extra)
    );
    (out, extra)
}

#[allow(clippy::cast_precision_loss, reason = "for display")]
fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

const NOW: i64 = 1_767_225_600;
const MIB: usize = 1024 * 1024;

fn endpoints() -> (Endpoint, Endpoint) {
    let (a, b) = (
        Identity::generate("a.svc").unwrap(),
        Identity::generate("b.svc").unwrap(),
    );
    let dir = Arc::new(MemoryDirectory::new());
    dir.insert(a.machine_token());
    dir.insert(b.machine_token());
    (
        Endpoint::new(a)
            .with_clock(FixedClock(NOW))
            .with_shared_directory(dir.clone()),
        Endpoint::new(b)
            .with_clock(FixedClock(NOW))
            .with_shared_directory(dir),
    )
}

/// A JWK Set of `n` X25519 keys with distinct names, in full (about 110 bytes a key).
fn x25519_jwks(n: usize) -> String {
    let x = MachineToken::new("k", [9u8; 32]).unwrap().to_jwk_value()["x"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut s = String::with_capacity(n * 120 + 16);
    s.push_str(r#"{"keys":["#);
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        write!(
            s,
            r#"{{"kty":"OKP","crv":"X25519","use":"enc","kid":"svc-{i}","x":"{x}"}}"#
        )
        .unwrap();
    }
    s.push_str("]}");
    s
}

/// A JWK Set of `n` minimal objects: small enough text to pass the size limit with far more
/// keys than the key limit.
fn compact_jwks(n: usize) -> String {
    let mut s = String::from(r#"{"keys":["#);
    s.push_str(&vec![r#"{"kty":"oct"}"#; n].join(","));
    s.push_str("]}");
    s
}

#[test]
fn a_10_mb_hx1_token_is_refused_without_decoding_it() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (a, b) = endpoints();
    let valid = a
        .create("b.svc", b"hello", &CreateOptions::default())
        .unwrap();
    let (h, rest) = valid.split_once('.').unwrap();
    let huge = format!("{h}.{}{rest}", "A".repeat(10 * 1000 * 1000));
    let (result, extra) = measure("HX1 validate, 10 MB token", huge.len(), || {
        b.validate(&huge)
    });
    assert_eq!(result.unwrap_err().kind(), ErrorKind::Malformed);
    assert!(extra < 64 * 1024, "refusing it allocated {extra} bytes");
}

#[test]
fn a_10_mb_jws_is_refused_without_decoding_it() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let key = Key::from_secret([7u8; 32]).unwrap();
    let huge = format!("eyJhbGciOiJIUzI1NiJ9.{}.AAAA", "A".repeat(10 * 1000 * 1000));
    let v = Validation::new(&[Algorithm::HS256]);
    let (result, extra) = measure("JWS decode, 10 MB token", huge.len(), || {
        jws::decode_claims(&huge, &key, &v)
    });
    assert_eq!(result.unwrap_err().kind(), ErrorKind::Malformed);
    assert!(extra < 64 * 1024, "refusing it allocated {extra} bytes");
    // Even a caller who raises the limit gets a bounded parse: the header alone is decoded
    // before the algorithm is refused.
    let mut wide = Validation::new(&[Algorithm::ES256]);
    wide.max_token_len = usize::MAX;
    let (result, extra) = measure("JWS decode, 10 MB token, no size limit", huge.len(), || {
        jws::decode_claims(&huge, &key, &wide)
    });
    assert_eq!(result.unwrap_err().kind(), ErrorKind::UnsupportedAlgorithm);
    assert!(extra < 64 * 1024, "refusing it allocated {extra} bytes");
}

#[test]
fn a_jwk_set_of_100_000_keys_is_refused_with_bounded_memory() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // In full, 100 000 keys are ~11 MB: over the size limit, refused before parsing.
    let full = x25519_jwks(100_000);
    assert!(full.len() > hxjwt::hx1::MAX_JWKS_BYTES);
    let (result, extra) = measure("MemoryDirectory, 100 000 keys (full)", full.len(), || {
        MemoryDirectory::from_jwks(&full).map(|d| d.len())
    });
    assert_eq!(result.unwrap_err().kind(), ErrorKind::Malformed);
    assert!(extra < 64 * 1024, "refusing it allocated {extra} bytes");
    let (result, extra) = measure("KeySet, 100 000 keys (full)", full.len(), || {
        KeySet::from_jwks(&full).map(|s| s.len())
    });
    assert_eq!(result.unwrap_err().kind(), ErrorKind::Malformed);
    assert!(extra < 64 * 1024, "refusing it allocated {extra} bytes");

    // Compact, 100 000 keys fit in 1.4 MB: the parse stops at the key limit (10 000), so the
    // heap holds at most that many parsed keys (~700 bytes each here), never all of them.
    let compact = compact_jwks(100_000);
    assert!(compact.len() < hxjwt::hx1::MAX_JWKS_BYTES);
    let (result, extra) = measure(
        "MemoryDirectory, 100 000 keys (compact)",
        compact.len(),
        || MemoryDirectory::from_jwks(&compact).map(|d| d.len()),
    );
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Malformed);
    assert!(err.to_string().contains("more than 10000"), "{err}");
    assert!(extra < 10 * MIB, "refusing it allocated {extra} bytes");
    let (result, extra) = measure("KeySet, 100 000 keys (compact)", compact.len(), || {
        KeySet::from_jwks(&compact).map(|s| s.len())
    });
    assert_eq!(result.unwrap_err().kind(), ErrorKind::Malformed);
    assert!(extra < 10 * MIB, "refusing it allocated {extra} bytes");

    // Under the limits, a set is accepted (1 000 keys here: each X25519 key costs a scalar
    // multiplication, the low-order check, which a debug build makes slow).
    let many = x25519_jwks(1_000);
    let (result, extra) = measure("MemoryDirectory, 1 000 keys (accepted)", many.len(), || {
        MemoryDirectory::from_jwks(&many).map(|d| d.len())
    });
    assert_eq!(result.unwrap(), 1_000);
    assert!(extra < 2 * MIB, "parsing it allocated {extra} bytes");
}

#[test]
fn deep_nesting_and_wide_headers_are_refused_with_bounded_memory() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let key = Key::from_secret([7u8; 32]).unwrap();
    let v = Validation::new(&[Algorithm::HS256]);
    // 20 000 levels of nesting in the claims, signed: refused at depth 32.
    let claims = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
    let claims = format!(r#"{{"exp":{},"x":{claims}}}"#, NOW + 60);
    let token = sign_raw(&key, r#"{"alg":"HS256"}"#, &claims);
    let (result, extra) = measure("JWS claims nested 20 000 deep", token.len(), || {
        jws::decode_claims(&token, &key, &v)
    });
    assert_eq!(result.unwrap_err().kind(), ErrorKind::Malformed);
    assert!(extra < MIB, "refusing it allocated {extra} bytes");
    // A header with 4 000 members: within the token limit, parsed, refused for its alg.
    let mut header = String::from(r#"{"alg":"none""#);
    for i in 0..4_000 {
        write!(header, r#","m{i}":0"#).unwrap();
    }
    header.push('}');
    let token = format!("{}.e30.", hxjwt::b64::encode(header.as_bytes()));
    let (result, extra) = measure("JWS header with 4 000 members", token.len(), || {
        jws::decode_claims(&token, &key, &v)
    });
    assert_eq!(result.unwrap_err().kind(), ErrorKind::UnsupportedAlgorithm);
    assert!(extra < 2 * MIB, "refusing it allocated {extra} bytes");
}

/// A compact JWS over exactly these header and claims bytes.
fn sign_raw(key: &Key, header: &str, claims: &str) -> String {
    let signing_input = format!(
        "{}.{}",
        hxjwt::b64::encode(header.as_bytes()),
        hxjwt::b64::encode(claims.as_bytes())
    );
    let sig = hxjwt::dangerous::jws_sign(key, Algorithm::HS256, signing_input.as_bytes()).unwrap();
    format!("{signing_input}.{}", hxjwt::b64::encode(&sig))
}

#[test]
fn rsa_keys_outside_2048_to_8192_bits_are_refused() {
    for bits in [1024usize, 2040, 8200, 16384] {
        let n = {
            let mut n = vec![0xffu8; bits.div_ceil(8)];
            if bits % 8 != 0 {
                n[0] = 0xff >> (8 - bits % 8);
            }
            n
        };
        let jwk = serde_json::json!({
            "kty": "RSA",
            "n": hxjwt::b64::encode(&n),
            "e": "AQAB",
        });
        let err = Key::from_jwk(&jwk.to_string()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidKey, "{bits} bits");
        assert!(err.to_string().contains(&format!("{bits} bits")), "{err}");
    }
}

#[test]
fn names_are_1_to_255_bytes_without_control_characters() {
    assert!(Identity::generate(&"n".repeat(255)).is_ok());
    for bad in [
        String::new(),
        "n".repeat(256),
        "a\nb".to_owned(),
        "a\u{0}b".to_owned(),
    ] {
        let err = Identity::generate(&bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{bad:?}");
        let err = MachineToken::new(&bad, [9u8; 32]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{bad:?}");
    }
}
