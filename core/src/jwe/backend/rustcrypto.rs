//! RSA-OAEP and NIST-curve ECDH through the pure-Rust `RustCrypto` crates (`pure-rust`).
//!
//! The same surface and semantics as `aws.rs`. The `rsa` crate's private-key operation is
//! blinded with OS randomness (see the caveat in `jws/backend/rustcrypto.rs`).

use getrandom::SysRng;
use p256::elliptic_curve::Generate as _;
use p256::elliptic_curve::sec1::ToSec1Point as _;
use rsa::{BoxedUint, Oaep, PrivateKey, PublicKey};
use sha1::Sha1;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::{split_point, uncompressed};
use crate::error::{Error, ErrorKind, Result};
use crate::jws::Curve;
use crate::jws::parts::{RSA_MAX_BITS, RSA_MIN_BITS, RsaPrivateParts};

fn internal(what: &str) -> Error {
    Error::new(ErrorKind::Internal, format!("RustCrypto: {what}"))
}

/// An RSA public key for RSA-OAEP encryption.
pub(crate) struct RsaPublic(PublicKey);

impl RsaPublic {
    pub(crate) fn new(n: &[u8], e: &[u8]) -> Result<Self> {
        PublicKey::new_with_size_limits(
            BoxedUint::from_be_slice_vartime(n),
            BoxedUint::from_be_slice_vartime(e),
            RSA_MIN_BITS..=RSA_MAX_BITS,
        )
        .map(RsaPublic)
        .map_err(|_| Error::invalid_key("the RSA public key is not valid"))
    }

    /// Encrypts `msg` (a CEK) with OAEP (SHA-256 or SHA-1).
    pub(crate) fn encrypt(&self, sha256: bool, msg: &[u8]) -> Result<Vec<u8>> {
        let out = if sha256 {
            self.0.encrypt(&mut SysRng, Oaep::<Sha256>::new(), msg)
        } else {
            self.0.encrypt(&mut SysRng, Oaep::<Sha1>::new(), msg)
        };
        out.map_err(|_| internal("RSA-OAEP encryption failed"))
    }
}

/// An RSA private key for RSA-OAEP decryption.
pub(crate) struct RsaPrivate(PrivateKey);

impl RsaPrivate {
    pub(crate) fn new(n: &[u8], e: &[u8], p: &RsaPrivateParts) -> Result<Self> {
        let inconsistent = |_| Error::invalid_key("the RSA private key is not consistent");
        let bits = n
            .len()
            .checked_mul(8)
            .and_then(|b| u32::try_from(b).ok())
            .ok_or_else(|| Error::invalid_key("the RSA modulus is too large"))?;
        let d = BoxedUint::from_be_slice(&p.d, bits).map_err(inconsistent)?;
        let primes = vec![
            BoxedUint::from_be_slice(&p.p, bits).map_err(inconsistent)?,
            BoxedUint::from_be_slice(&p.q, bits).map_err(inconsistent)?,
        ];
        PrivateKey::from_components(
            BoxedUint::from_be_slice_vartime(n),
            BoxedUint::from_be_slice_vartime(e),
            d,
            primes,
        )
        .map(RsaPrivate)
        .map_err(|e| Error::invalid_key(format!("the RSA private key is not consistent: {e}")))
    }

    /// Decrypts (blinded); `None` for any failure.
    pub(crate) fn decrypt(&self, sha256: bool, ct: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let out = if sha256 {
            self.0
                .decrypt_blinded(&mut SysRng, Oaep::<Sha256>::new(), ct)
        } else {
            self.0.decrypt_blinded(&mut SysRng, Oaep::<Sha1>::new(), ct)
        };
        out.ok().map(Zeroizing::new)
    }
}

enum Secret {
    P256(p256::SecretKey),
    P384(p384::SecretKey),
    P521(p521::SecretKey),
}

/// Checks that `(x, y)` is a point on `curve` (not the identity): the defence against
/// invalid-curve attacks.
pub(crate) fn ec_check_public(curve: Curve, x: &[u8], y: &[u8]) -> Result<()> {
    let point = uncompressed(x, y);
    let ok = match curve {
        Curve::P256 => p256::PublicKey::from_sec1_bytes(&point).is_ok(),
        Curve::P384 => p384::PublicKey::from_sec1_bytes(&point).is_ok(),
        Curve::P521 => p521::PublicKey::from_sec1_bytes(&point).is_ok(),
    };
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_key(format!(
            "the key is not a point on {}",
            curve.name()
        )))
    }
}

/// An ECDH private key on a NIST curve.
pub(crate) struct EcPrivate {
    curve: Curve,
    secret: Secret,
}

impl EcPrivate {
    pub(crate) fn new(curve: Curve, d: &[u8]) -> Result<Self> {
        let bad = |_| Error::invalid_key("the EC private key is not valid");
        let secret = match curve {
            Curve::P256 => Secret::P256(p256::SecretKey::from_slice(d).map_err(bad)?),
            Curve::P384 => Secret::P384(p384::SecretKey::from_slice(d).map_err(bad)?),
            Curve::P521 => Secret::P521(p521::SecretKey::from_slice(d).map_err(bad)?),
        };
        Ok(EcPrivate { curve, secret })
    }

    pub(crate) fn generate(curve: Curve) -> Result<Self> {
        let failed = |_| internal("EC key generation");
        let secret = match curve {
            Curve::P256 => {
                Secret::P256(p256::SecretKey::try_generate_from_rng(&mut SysRng).map_err(failed)?)
            }
            Curve::P384 => {
                Secret::P384(p384::SecretKey::try_generate_from_rng(&mut SysRng).map_err(failed)?)
            }
            Curve::P521 => {
                Secret::P521(p521::SecretKey::try_generate_from_rng(&mut SysRng).map_err(failed)?)
            }
        };
        Ok(EcPrivate { curve, secret })
    }

    /// The public point `(x, y)`.
    pub(crate) fn public(&self) -> Result<(Vec<u8>, Vec<u8>)> {
        let point = match &self.secret {
            Secret::P256(k) => k.public_key().to_sec1_point(false).as_bytes().to_vec(),
            Secret::P384(k) => k.public_key().to_sec1_point(false).as_bytes().to_vec(),
            Secret::P521(k) => k.public_key().to_sec1_point(false).as_bytes().to_vec(),
        };
        split_point(&point, self.curve.coordinate_len())
            .ok_or_else(|| internal("EC public key export"))
    }

    /// The private scalar `d`, big-endian, fixed length.
    #[allow(
        clippy::unnecessary_wraps,
        reason = "the signature of the aws-lc backend, whose export can fail"
    )]
    pub(crate) fn d(&self) -> Result<Zeroizing<Vec<u8>>> {
        Ok(Zeroizing::new(match &self.secret {
            Secret::P256(k) => k.to_bytes().to_vec(),
            Secret::P384(k) => k.to_bytes().to_vec(),
            Secret::P521(k) => k.to_bytes().to_vec(),
        }))
    }

    /// ECDH with the peer's point; an [`ErrorKind::InvalidKey`] error when it is not on the
    /// curve. The shared secret `Z` is the x coordinate, zeroized on drop.
    pub(crate) fn agree(&self, x: &[u8], y: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let point = uncompressed(x, y);
        let not_on_curve =
            |_| Error::invalid_key(format!("the key is not a point on {}", self.curve.name()));
        Ok(Zeroizing::new(match &self.secret {
            Secret::P256(k) => {
                let peer = p256::PublicKey::from_sec1_bytes(&point).map_err(not_on_curve)?;
                p256::ecdh::diffie_hellman(k.to_nonzero_scalar(), peer.as_affine())
                    .raw_secret_bytes()
                    .to_vec()
            }
            Secret::P384(k) => {
                let peer = p384::PublicKey::from_sec1_bytes(&point).map_err(not_on_curve)?;
                p384::ecdh::diffie_hellman(k.to_nonzero_scalar(), peer.as_affine())
                    .raw_secret_bytes()
                    .to_vec()
            }
            Secret::P521(k) => {
                let peer = p521::PublicKey::from_sec1_bytes(&point).map_err(not_on_curve)?;
                p521::ecdh::diffie_hellman(k.to_nonzero_scalar(), peer.as_affine())
                    .raw_secret_bytes()
                    .to_vec()
            }
        }))
    }
}
