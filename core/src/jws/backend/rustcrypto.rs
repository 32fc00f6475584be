//! RSA, ECDSA and Ed25519 through the pure-Rust `RustCrypto` crates (the `pure-rust` feature).
//!
//! The same surface and semantics as `aws.rs`: RSA 2048..=8192 bits, PKCS#1 v1.5 and PSS with a
//! salt as long as the hash (RFC 7518 §3.5); ECDSA (P-256/384/521 and secp256k1) signatures as
//! fixed-size raw `r ‖ s`; Ed25519
//! verified strictly. Every random byte (RSA blinding and PSS salts, ECDSA hedging, key
//! generation) comes from the OS CSPRNG through `getrandom`.
//!
//! One caveat the issue already names: the `rsa` crate's private-key operation is not as hardened
//! against timing side channels as aws-lc's (RUSTSEC-2023-0071); it is blinded with OS randomness.

use ecdsa::signature::{RandomizedSigner as _, Verifier as _};
use ed25519_dalek::Signer as _;
use getrandom::SysRng;
use p256::elliptic_curve::Generate as _;
use rsa::traits::{PrivateKeyParts as _, PublicKeyParts as _};
use rsa::{BoxedUint, PrivateKey, PublicKey};
use sha2::{Sha256, Sha384, Sha512};
use subtle::ConstantTimeEq as _;
use zeroize::{Zeroize as _, Zeroizing};

use super::super::alg::Algorithm;
use super::super::parts::{
    Curve, EcCurve, EcParts, EdParts, RSA_MAX_BITS, RSA_MIN_BITS, RsaParts, RsaPrivateParts, fixed,
};
use crate::error::{Error, ErrorKind, Result};

fn internal(what: &str) -> Error {
    Error::new(ErrorKind::Internal, format!("RustCrypto: {what}"))
}

/// The name of this backend, for diagnostics and benchmarks.
pub(crate) const NAME: &str = "RustCrypto";

// ---------------------------------------------------------------------------------------------
// RSA
// ---------------------------------------------------------------------------------------------

fn inconsistent() -> Error {
    Error::invalid_key("the RSA private key is not consistent")
}

/// A secret big-endian integer at `bits` of precision (fails if it does not fit).
fn secret_uint(v: &[u8], bits: u32) -> Result<BoxedUint> {
    BoxedUint::from_be_slice(v, bits).map_err(|_| inconsistent())
}

/// Whether the big-endian `given` (leading zeros stripped) equals `computed`, in constant time.
fn ct_same(given: &[u8], computed: Box<[u8]>) -> bool {
    let computed = Zeroizing::new(computed.into_vec());
    match fixed(given, computed.len(), "an RSA CRT value") {
        Ok(padded) => {
            let padded = Zeroizing::new(padded);
            bool::from(padded.ct_eq(&computed))
        }
        Err(_) => false,
    }
}

pub(crate) struct RsaSigner(PrivateKey);

impl RsaSigner {
    pub(crate) fn new(n: &[u8], e: &[u8], p: &RsaPrivateParts) -> Result<Self> {
        let bits = n
            .len()
            .checked_mul(8)
            .and_then(|b| u32::try_from(b).ok())
            .ok_or_else(|| Error::invalid_key("the RSA modulus is too large"))?;
        let modulus = BoxedUint::from_be_slice_vartime(n);
        let exponent = BoxedUint::from_be_slice_vartime(e);
        let d = secret_uint(&p.d, bits)?;
        let primes = vec![secret_uint(&p.p, bits)?, secret_uint(&p.q, bits)?];
        // Checks n = p·q, d < n, and d·e ≡ 1 mod p-1 and q-1; recomputes the CRT values.
        let key = PrivateKey::from_components(modulus, exponent, d, primes).map_err(|e| {
            Error::invalid_key(format!("the RSA private key is not consistent: {e}"))
        })?;
        // The JWK/PKCS#1 CRT values must be the ones the key implies (as aws-lc checks them).
        let (Some(dp), Some(dq), Some(qi)) = (key.dp(), key.dq(), key.crt_coefficient()) else {
            return Err(inconsistent());
        };
        let ok = ct_same(&p.dp, dp.to_be_bytes())
            & ct_same(&p.dq, dq.to_be_bytes())
            & ct_same(&p.qi, qi.to_be_bytes());
        if !ok {
            return Err(inconsistent());
        }
        Ok(RsaSigner(key))
    }

    pub(crate) fn sign(&self, alg: Algorithm, msg: &[u8]) -> Result<Vec<u8>> {
        let k = &self.0;
        let mut rng = SysRng;
        // PKCS#1 v1.5 is blinded with OS randomness; PSS takes its hash-length salt from it.
        let sig = match alg {
            Algorithm::RS256 => k.pkcs1v15_sign_with_rng::<Sha256, _>(&mut rng, msg),
            Algorithm::RS384 => k.pkcs1v15_sign_with_rng::<Sha384, _>(&mut rng, msg),
            Algorithm::RS512 => k.pkcs1v15_sign_with_rng::<Sha512, _>(&mut rng, msg),
            Algorithm::PS256 => k.pss_sign_with_rng::<Sha256, _>(&mut rng, msg),
            Algorithm::PS384 => k.pss_sign_with_rng::<Sha384, _>(&mut rng, msg),
            Algorithm::PS512 => k.pss_sign_with_rng::<Sha512, _>(&mut rng, msg),
            _ => return Err(internal("not an RSA algorithm")),
        };
        sig.map_err(|_| internal("RSA signing failed"))
    }
}

pub(crate) struct RsaVerifier(PublicKey);

impl RsaVerifier {
    pub(crate) fn new(n: &[u8], e: &[u8]) -> Result<Self> {
        PublicKey::new_with_size_limits(
            BoxedUint::from_be_slice_vartime(n),
            BoxedUint::from_be_slice_vartime(e),
            RSA_MIN_BITS..=RSA_MAX_BITS,
        )
        .map(RsaVerifier)
        .map_err(|_| Error::invalid_key("the RSA public key is not valid"))
    }

    /// Verifies; the signature must be exactly as long as the modulus, and a PSS salt exactly
    /// as long as the hash.
    pub(crate) fn verify(&self, alg: Algorithm, msg: &[u8], sig: &[u8]) -> bool {
        let k = &self.0;
        match alg {
            Algorithm::RS256 => k.pkcs1v15_verify::<Sha256>(msg, sig),
            Algorithm::RS384 => k.pkcs1v15_verify::<Sha384>(msg, sig),
            Algorithm::RS512 => k.pkcs1v15_verify::<Sha512>(msg, sig),
            Algorithm::PS256 => k.pss_verify::<Sha256>(msg, sig),
            Algorithm::PS384 => k.pss_verify::<Sha384>(msg, sig),
            Algorithm::PS512 => k.pss_verify::<Sha512>(msg, sig),
            _ => return false,
        }
        .is_ok()
    }
}

/// Big-endian bytes of a secret integer, zeroized on drop.
fn secret_bytes(v: &BoxedUint) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(v.to_be_bytes().into_vec())
}

pub(crate) fn rsa_generate(bits: usize) -> Result<RsaParts> {
    if !matches!(bits, 2048 | 3072 | 4096 | 8192) {
        return Err(Error::invalid_argument(
            "RSA keys are generated with 2048, 3072, 4096 or 8192 bits",
        ));
    }
    let key = PrivateKey::new(&mut SysRng, bits).map_err(|_| internal("RSA generation"))?;
    let [p, q] = key.primes() else {
        return Err(internal("RSA generation gave more than two primes"));
    };
    let (Some(dp), Some(dq), Some(qi)) = (key.dp(), key.dq(), key.crt_coefficient()) else {
        return Err(internal("RSA generation gave no CRT values"));
    };
    let qi = Zeroizing::new(qi);
    RsaParts {
        n: key.n().to_be_bytes().into_vec(),
        e: key.e().to_be_bytes().into_vec(),
        private: Some(RsaPrivateParts {
            d: secret_bytes(key.d()),
            p: secret_bytes(p),
            q: secret_bytes(q),
            dp: secret_bytes(dp),
            dq: secret_bytes(dq),
            qi: secret_bytes(&qi),
        }),
    }
    .normalized()
}

// ---------------------------------------------------------------------------------------------
// ECDSA
// ---------------------------------------------------------------------------------------------

fn uncompressed(x: &[u8], y: &[u8]) -> Vec<u8> {
    let mut point = Vec::with_capacity(1 + x.len() + y.len());
    point.push(0x04);
    point.extend_from_slice(x);
    point.extend_from_slice(y);
    point
}

enum EcSigning {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    P521(p521::ecdsa::SigningKey),
    K256(k256::ecdsa::SigningKey),
}

/// Applies the same generic expression to whichever curve's key an enum holds.
macro_rules! per_curve {
    ($value:expr, $enum:ident, $k:ident => $body:expr) => {
        match $value {
            $enum::P256($k) => $body,
            $enum::P384($k) => $body,
            $enum::P521($k) => $body,
            $enum::K256($k) => $body,
        }
    };
}

pub(crate) struct EcSigner(EcSigning);

impl EcSigner {
    pub(crate) fn new(parts: &EcParts, d: &[u8]) -> Result<Self> {
        let bad = |_| Error::invalid_key("the EC private key is not valid");
        let signing = match parts.curve {
            EcCurve::Nist(Curve::P256) => {
                EcSigning::P256(p256::ecdsa::SigningKey::from_slice(d).map_err(bad)?)
            }
            EcCurve::Nist(Curve::P384) => {
                EcSigning::P384(p384::ecdsa::SigningKey::from_slice(d).map_err(bad)?)
            }
            EcCurve::Nist(Curve::P521) => {
                EcSigning::P521(p521::ecdsa::SigningKey::from_slice(d).map_err(bad)?)
            }
            EcCurve::Secp256k1 => {
                EcSigning::K256(k256::ecdsa::SigningKey::from_slice(d).map_err(bad)?)
            }
        };
        // As aws-lc does: the public key given must be the one of the private key.
        let point = per_curve!(&signing, EcSigning, k =>
            k.verifying_key().to_sec1_point(false).as_bytes().to_vec());
        if point != uncompressed(&parts.x, &parts.y) {
            return Err(Error::invalid_key(
                "the EC private key is not valid: it does not match its public key",
            ));
        }
        Ok(EcSigner(signing))
    }

    /// A raw `r ‖ s` signature. The nonce is RFC 6979's, hedged with 32+ bytes from the OS
    /// CSPRNG (so a broken RNG does not leak the key, and a fault does not repeat a nonce).
    /// secp256k1 signatures come out low-S (k256 normalizes them).
    pub(crate) fn sign(&self, msg: &[u8]) -> Result<Vec<u8>> {
        let mut rng = SysRng;
        let failed = |_| internal("ECDSA signing failed");
        Ok(match &self.0 {
            EcSigning::P256(k) => {
                let s: p256::ecdsa::Signature =
                    k.try_sign_with_rng(&mut rng, msg).map_err(failed)?;
                s.to_bytes().to_vec()
            }
            EcSigning::P384(k) => {
                let s: p384::ecdsa::Signature =
                    k.try_sign_with_rng(&mut rng, msg).map_err(failed)?;
                s.to_bytes().to_vec()
            }
            EcSigning::P521(k) => {
                let s: p521::ecdsa::Signature =
                    k.try_sign_with_rng(&mut rng, msg).map_err(failed)?;
                s.to_bytes().to_vec()
            }
            EcSigning::K256(k) => {
                let s: k256::ecdsa::Signature =
                    k.try_sign_with_rng(&mut rng, msg).map_err(failed)?;
                s.to_bytes().to_vec()
            }
        })
    }
}

enum EcVerifying {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    P521(p521::ecdsa::VerifyingKey),
    K256(k256::ecdsa::VerifyingKey),
}

pub(crate) struct EcVerifier(EcVerifying);

impl EcVerifier {
    pub(crate) fn new(curve: EcCurve, x: &[u8], y: &[u8]) -> Result<Self> {
        let point = uncompressed(x, y);
        let bad = |_| Error::invalid_key("the EC public key is not a point on its curve");
        Ok(EcVerifier(match curve {
            EcCurve::Nist(Curve::P256) => {
                EcVerifying::P256(p256::ecdsa::VerifyingKey::from_sec1_bytes(&point).map_err(bad)?)
            }
            EcCurve::Nist(Curve::P384) => {
                EcVerifying::P384(p384::ecdsa::VerifyingKey::from_sec1_bytes(&point).map_err(bad)?)
            }
            EcCurve::Nist(Curve::P521) => {
                EcVerifying::P521(p521::ecdsa::VerifyingKey::from_sec1_bytes(&point).map_err(bad)?)
            }
            EcCurve::Secp256k1 => {
                EcVerifying::K256(k256::ecdsa::VerifyingKey::from_sec1_bytes(&point).map_err(bad)?)
            }
        }))
    }

    /// Verifies a raw `r ‖ s` signature of exactly twice the coordinate size, `r`, `s` in
    /// `1..n`; high `s` is accepted, as aws-lc (and FIPS 186) does. k256 refuses a high `s`
    /// (Bitcoin's rule, not RFC 8812's), so a secp256k1 signature is normalized first: `(r, s)`
    /// verifies exactly when `(r, n − s)` does.
    pub(crate) fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        match &self.0 {
            EcVerifying::P256(k) => {
                p256::ecdsa::Signature::from_slice(sig).is_ok_and(|s| k.verify(msg, &s).is_ok())
            }
            EcVerifying::P384(k) => {
                p384::ecdsa::Signature::from_slice(sig).is_ok_and(|s| k.verify(msg, &s).is_ok())
            }
            EcVerifying::P521(k) => {
                p521::ecdsa::Signature::from_slice(sig).is_ok_and(|s| k.verify(msg, &s).is_ok())
            }
            EcVerifying::K256(k) => k256::ecdsa::Signature::from_slice(sig)
                .is_ok_and(|s| k.verify(msg, &s.normalize_s()).is_ok()),
        }
    }
}

pub(crate) fn ec_generate(curve: EcCurve) -> Result<EcParts> {
    let failed = |_| internal("EC generation");
    let signing = match curve {
        EcCurve::Nist(Curve::P256) => EcSigning::P256(
            p256::ecdsa::SigningKey::try_generate_from_rng(&mut SysRng).map_err(failed)?,
        ),
        EcCurve::Nist(Curve::P384) => EcSigning::P384(
            p384::ecdsa::SigningKey::try_generate_from_rng(&mut SysRng).map_err(failed)?,
        ),
        EcCurve::Nist(Curve::P521) => EcSigning::P521(
            p521::ecdsa::SigningKey::try_generate_from_rng(&mut SysRng).map_err(failed)?,
        ),
        EcCurve::Secp256k1 => EcSigning::K256(
            k256::ecdsa::SigningKey::try_generate_from_rng(&mut SysRng).map_err(failed)?,
        ),
    };
    let d = per_curve!(&signing, EcSigning, k => {
        let mut bytes = k.to_bytes();
        let d = Zeroizing::new(bytes.to_vec());
        bytes.as_mut_slice().zeroize();
        d
    });
    let point = per_curve!(&signing, EcSigning, k =>
        k.verifying_key().to_sec1_point(false).as_bytes().to_vec());
    let n = curve.coordinate_len();
    let (x, y) = point
        .get(1..=n)
        .zip(point.get(n + 1..=2 * n))
        .ok_or_else(|| internal("EC public key export"))?;
    if d.len() != n {
        return Err(internal("EC private key export"));
    }
    Ok(EcParts {
        curve,
        x: x.to_vec(),
        y: y.to_vec(),
        d: Some(d),
    })
}

// ---------------------------------------------------------------------------------------------
// Ed25519
// ---------------------------------------------------------------------------------------------

pub(crate) struct EdSigner(ed25519_dalek::SigningKey);

impl EdSigner {
    pub(crate) fn new(x: &[u8; 32], seed: &[u8; 32]) -> Result<Self> {
        let key = ed25519_dalek::SigningKey::from_bytes(seed);
        if bool::from(key.verifying_key().as_bytes().ct_eq(x)) {
            Ok(EdSigner(key))
        } else {
            Err(Error::invalid_key(
                "the Ed25519 private key does not match its public key",
            ))
        }
    }

    pub(crate) fn sign(&self, msg: &[u8]) -> Vec<u8> {
        self.0.sign(msg).to_bytes().to_vec()
    }
}

pub(crate) struct EdVerifier(ed25519_dalek::VerifyingKey);

impl EdVerifier {
    pub(crate) fn new(x: &[u8; 32]) -> Result<Self> {
        ed25519_dalek::VerifyingKey::from_bytes(x)
            .map(EdVerifier)
            .map_err(|_| Error::invalid_key("the Ed25519 public key is not valid"))
    }

    /// RFC 8032 verification, strictly: canonical `S`, no small-order `A` or `R`.
    pub(crate) fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        ed25519_dalek::Signature::from_slice(sig)
            .is_ok_and(|s| self.0.verify_strict(msg, &s).is_ok())
    }
}

pub(crate) fn ed_generate() -> Result<EdParts> {
    let mut seed = Zeroizing::new([0u8; 32]);
    getrandom::fill(seed.as_mut_slice()).map_err(|_| internal("Ed25519 generation"))?;
    let x = ed_public(&seed)?;
    Ok(EdParts { x, d: Some(seed) })
}

/// The Ed25519 public key of a seed.
#[expect(
    clippy::unnecessary_wraps,
    reason = "the same signature as the aws-lc backend's"
)]
pub(crate) fn ed_public(seed: &[u8; 32]) -> Result<[u8; 32]> {
    Ok(ed25519_dalek::SigningKey::from_bytes(seed)
        .verifying_key()
        .to_bytes())
}
