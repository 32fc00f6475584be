//! The asymmetric primitives of JWE: RSA-OAEP and ECDH on the NIST curves, through aws-lc-rs by
//! default and through the `RustCrypto` crates (`rsa`, `p256`, `p384`, `p521`) with the
//! `pure-rust` feature, as for JWS (`jws/backend`). X25519 is x25519-dalek in both.
//!
//! Both backends offer the same surface: [`RsaPublic`], [`RsaPrivate`], [`EcPrivate`] and
//! [`ec_check_public`], and must agree on every vector (tests/vectors/jwe.json).

#[cfg(not(feature = "pure-rust"))]
mod aws;
#[cfg(not(feature = "pure-rust"))]
pub(crate) use aws::*;

#[cfg(feature = "pure-rust")]
mod rustcrypto;
#[cfg(feature = "pure-rust")]
pub(crate) use rustcrypto::*;

/// The uncompressed SEC1 encoding `04 ‖ x ‖ y`.
pub(crate) fn uncompressed(x: &[u8], y: &[u8]) -> Vec<u8> {
    let mut point = Vec::with_capacity(1 + x.len() + y.len());
    point.push(0x04);
    point.extend_from_slice(x);
    point.extend_from_slice(y);
    point
}

/// Splits an uncompressed SEC1 point into `x` and `y` of `n` bytes each.
pub(crate) fn split_point(point: &[u8], n: usize) -> Option<(Vec<u8>, Vec<u8>)> {
    if point.len() != 1 + 2 * n || point.first() != Some(&0x04) {
        return None;
    }
    let x = point.get(1..=n)?;
    let y = point.get(n + 1..)?;
    Some((x.to_vec(), y.to_vec()))
}
