//! Backend-independent key material: the numbers of RFC 7518 §6, big-endian.

use zeroize::Zeroizing;

use crate::error::{Error, Result};

#[path = "roca.rs"]
mod roca;

/// The elliptic curves of ES256, ES384 and ES512.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Curve {
    /// NIST P-256 (`"P-256"`), used by ES256.
    P256,
    /// NIST P-384 (`"P-384"`), used by ES384.
    P384,
    /// NIST P-521 (`"P-521"`), used by ES512.
    P521,
}

impl Curve {
    /// The JWK `crv` name.
    pub const fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
        }
    }

    /// The curve of a JWK `crv` name.
    pub fn from_name(name: &str) -> Option<Curve> {
        match name {
            "P-256" => Some(Curve::P256),
            "P-384" => Some(Curve::P384),
            "P-521" => Some(Curve::P521),
            _ => None,
        }
    }

    /// Bytes of one coordinate (and of `d`, and of r and s in a signature).
    pub const fn coordinate_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }

    /// The order n of the base point, big-endian, `coordinate_len` bytes.
    pub(crate) fn order(self) -> &'static [u8] {
        const P256: [u8; 32] = [
            0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2,
            0xfc, 0x63, 0x25, 0x51,
        ];
        const P384: [u8; 48] = [
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc7, 0x63, 0x4d, 0x81,
            0xf4, 0x37, 0x2d, 0xdf, 0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec,
            0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73,
        ];
        const P521: [u8; 66] = [
            0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0xff, 0xfa, 0x51, 0x86, 0x87, 0x83, 0xbf, 0x2f, 0x96, 0x6b,
            0x7f, 0xcc, 0x01, 0x48, 0xf7, 0x09, 0xa5, 0xd0, 0x3b, 0xb5, 0xc9, 0xb8, 0x89, 0x9c,
            0x47, 0xae, 0xbb, 0x6f, 0xb7, 0x1e, 0x91, 0x38, 0x64, 0x09,
        ];
        match self {
            Curve::P256 => &P256,
            Curve::P384 => &P384,
            Curve::P521 => &P521,
        }
    }
}

/// The curve of a JWS EC key: one of the NIST curves of [`Curve`] (which JWE's ECDH-ES shares,
/// so it stays NIST-only), or secp256k1 (RFC 8812, ES256K only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum EcCurve {
    /// P-256, P-384 or P-521.
    Nist(Curve),
    /// SEC 2's secp256k1 (`"secp256k1"`).
    Secp256k1,
}

impl EcCurve {
    /// The JWK `crv` name.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            EcCurve::Nist(c) => c.name(),
            EcCurve::Secp256k1 => "secp256k1",
        }
    }

    /// The curve of a JWK `crv` name.
    pub(crate) fn from_name(name: &str) -> Option<EcCurve> {
        match name {
            "secp256k1" => Some(EcCurve::Secp256k1),
            _ => Curve::from_name(name).map(EcCurve::Nist),
        }
    }

    /// Bytes of one coordinate (and of `d`, and of r and s in a signature).
    pub(crate) const fn coordinate_len(self) -> usize {
        match self {
            EcCurve::Nist(c) => c.coordinate_len(),
            EcCurve::Secp256k1 => 32,
        }
    }

    /// The order n of the base point, big-endian, `coordinate_len` bytes.
    pub(crate) fn order(self) -> &'static [u8] {
        const SECP256K1: [u8; 32] = [
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c,
            0xd0, 0x36, 0x41, 0x41,
        ];
        match self {
            EcCurve::Nist(c) => c.order(),
            EcCurve::Secp256k1 => &SECP256K1,
        }
    }
}

/// RSA private numbers (CRT form).
pub(crate) struct RsaPrivateParts {
    pub d: Zeroizing<Vec<u8>>,
    pub p: Zeroizing<Vec<u8>>,
    pub q: Zeroizing<Vec<u8>>,
    pub dp: Zeroizing<Vec<u8>>,
    pub dq: Zeroizing<Vec<u8>>,
    pub qi: Zeroizing<Vec<u8>>,
}

/// An RSA key: modulus and public exponent, and the private numbers when private.
pub(crate) struct RsaParts {
    pub n: Vec<u8>,
    pub e: Vec<u8>,
    pub private: Option<RsaPrivateParts>,
}

/// The smallest and largest RSA moduli accepted, in bits.
pub const RSA_MIN_BITS: usize = 2048;
/// The largest RSA modulus accepted, in bits.
pub const RSA_MAX_BITS: usize = 8192;

impl RsaParts {
    /// Strips leading zeros and checks the modulus size (2048..=8192 bits) and exponent.
    pub(crate) fn normalized(mut self) -> Result<Self> {
        strip(&mut self.n);
        strip(&mut self.e);
        let bits = bit_len(&self.n);
        if !(RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) {
            return Err(Error::invalid_key(format!(
                "the RSA modulus has {bits} bits; hxjwt accepts {RSA_MIN_BITS} to {RSA_MAX_BITS}"
            )));
        }
        // e is odd (an even e has no inverse mod φ(n)), at least 3 (e = 1 makes the
        // "signature" the message itself) and at most 64 bits (what both backends take).
        if self.e.len() > 8 {
            return Err(Error::invalid_key(
                "the RSA public exponent is longer than 64 bits",
            ));
        }
        if self.e.last().is_none_or(|b| b & 1 == 0) {
            return Err(Error::invalid_key(
                "the RSA public exponent must be odd (and at least 3)",
            ));
        }
        if self.e.as_slice() == [1] {
            return Err(Error::invalid_key(
                "the RSA public exponent must be at least 3, not 1",
            ));
        }
        if roca::has_fingerprint(&self.n) {
            return Err(Error::invalid_key(
                "the RSA modulus has the ROCA fingerprint (CVE-2017-15361): it was generated by \
                 the flawed Infineon RSA library and its private key can be computed; replace it",
            ));
        }
        if let Some(p) = &mut self.private {
            for v in [
                &mut p.d, &mut p.p, &mut p.q, &mut p.dp, &mut p.dq, &mut p.qi,
            ] {
                strip(v);
            }
        }
        Ok(self)
    }

    pub(crate) fn bits(&self) -> usize {
        bit_len(&self.n)
    }
}

/// An EC key on one of the NIST curves or secp256k1; `x`, `y` (and `d`) are exactly
/// `coordinate_len` bytes.
pub(crate) struct EcParts {
    pub curve: EcCurve,
    pub x: Vec<u8>,
    pub y: Vec<u8>,
    pub d: Option<Zeroizing<Vec<u8>>>,
}

/// An Ed25519 key: public `x` and, when private, the 32-byte seed `d`.
pub(crate) struct EdParts {
    pub x: [u8; 32],
    pub d: Option<Zeroizing<[u8; 32]>>,
}

fn strip(v: &mut Vec<u8>) {
    let zeros = v.iter().take_while(|b| **b == 0).count();
    v.drain(..zeros);
}

fn bit_len(v: &[u8]) -> usize {
    let zeros = v.iter().take_while(|b| **b == 0).count();
    match v.get(zeros) {
        None => 0,
        Some(first) => (v.len() - zeros) * 8 - first.leading_zeros() as usize,
    }
}

/// Left-pads `v` with zeros to exactly `len` bytes; fails if it is longer (after leading zeros).
pub(crate) fn fixed(v: &[u8], len: usize, what: &str) -> Result<Vec<u8>> {
    let zeros = v.iter().take_while(|b| **b == 0).count();
    let significant = v.get(zeros..).unwrap_or_default();
    if significant.len() > len {
        return Err(Error::invalid_key(format!(
            "{what} is longer than {len} bytes"
        )));
    }
    let mut out = vec![0u8; len - significant.len()];
    out.extend_from_slice(significant);
    Ok(out)
}
