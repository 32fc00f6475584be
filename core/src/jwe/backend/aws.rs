//! RSA-OAEP and NIST-curve ECDH through aws-lc-rs (the default backend).

use aws_lc_rs::agreement::{self, ParsedPublicKey, UnparsedPublicKey};
use aws_lc_rs::encoding::{AsBigEndian as _, AsDer as _, EcPrivateKeyBin};
use aws_lc_rs::rsa::{
    KeyPairComponents, OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OaepAlgorithm,
    OaepPrivateDecryptingKey, OaepPublicEncryptingKey, PrivateDecryptingKey, PublicEncryptingKey,
    PublicKeyComponents,
};
use aws_lc_rs::signature::RsaKeyPair;
use zeroize::Zeroizing;

use super::{split_point, uncompressed};
use crate::error::{Error, ErrorKind, Result};
use crate::jws::Curve;
use crate::jws::parts::RsaPrivateParts;

fn internal(what: &str) -> Error {
    Error::new(ErrorKind::Internal, format!("aws-lc: {what}"))
}

fn oaep(sha256: bool) -> &'static OaepAlgorithm {
    if sha256 {
        &OAEP_SHA256_MGF1SHA256
    } else {
        &OAEP_SHA1_MGF1SHA1
    }
}

/// An RSA public key for RSA-OAEP encryption.
pub(crate) struct RsaPublic(OaepPublicEncryptingKey);

impl RsaPublic {
    pub(crate) fn new(n: &[u8], e: &[u8]) -> Result<Self> {
        let key: PublicEncryptingKey = PublicKeyComponents { n, e }
            .try_into()
            .map_err(|_| Error::invalid_key("the RSA public key is not valid"))?;
        OaepPublicEncryptingKey::new(key)
            .map(RsaPublic)
            .map_err(|_| Error::invalid_key("the RSA public key is not valid"))
    }

    /// Encrypts `msg` (a CEK) with OAEP (SHA-256 or SHA-1).
    pub(crate) fn encrypt(&self, sha256: bool, msg: &[u8]) -> Result<Vec<u8>> {
        let mut out = vec![0u8; self.0.ciphertext_size()];
        let len = self
            .0
            .encrypt(oaep(sha256), msg, &mut out, None)
            .map_err(|_| internal("RSA-OAEP encryption failed"))?
            .len();
        out.truncate(len);
        Ok(out)
    }
}

/// An RSA private key for RSA-OAEP decryption.
pub(crate) struct RsaPrivate(OaepPrivateDecryptingKey);

impl RsaPrivate {
    pub(crate) fn new(n: &[u8], e: &[u8], p: &RsaPrivateParts) -> Result<Self> {
        let components = KeyPairComponents {
            public_key: PublicKeyComponents { n, e },
            d: p.d.as_slice(),
            p: p.p.as_slice(),
            q: p.q.as_slice(),
            dP: p.dp.as_slice(),
            dQ: p.dq.as_slice(),
            qInv: p.qi.as_slice(),
        };
        let pair = RsaKeyPair::from_components(&components).map_err(|e| {
            Error::invalid_key(format!("the RSA private key is not consistent: {e}"))
        })?;
        let der = pair.as_der().map_err(|_| internal("RSA key export"))?;
        let key = PrivateDecryptingKey::from_pkcs8(der.as_ref())
            .map_err(|e| Error::invalid_key(format!("the RSA private key is not valid: {e}")))?;
        OaepPrivateDecryptingKey::new(key)
            .map(RsaPrivate)
            .map_err(|_| Error::invalid_key("the RSA private key is not valid"))
    }

    /// Decrypts; `None` for any failure (wrong length, bad padding: one answer for all).
    pub(crate) fn decrypt(&self, sha256: bool, ct: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        if ct.len() != self.0.key_size_bytes() {
            return None;
        }
        let mut out = Zeroizing::new(vec![0u8; self.0.min_output_size()]);
        let len = self.0.decrypt(oaep(sha256), ct, &mut out, None).ok()?.len();
        out.truncate(len);
        Some(out)
    }
}

fn ecdh(curve: Curve) -> &'static agreement::Algorithm {
    match curve {
        Curve::P256 => &agreement::ECDH_P256,
        Curve::P384 => &agreement::ECDH_P384,
        Curve::P521 => &agreement::ECDH_P521,
    }
}

/// Checks that `(x, y)` is a point on `curve` (not the identity): the defence against
/// invalid-curve attacks. `x`, `y` are exactly the curve's coordinate length.
pub(crate) fn ec_check_public(curve: Curve, x: &[u8], y: &[u8]) -> Result<()> {
    ParsedPublicKey::try_from(UnparsedPublicKey::new(ecdh(curve), uncompressed(x, y)))
        .map(|_| ())
        .map_err(|_| Error::invalid_key(format!("the key is not a point on {}", curve.name())))
}

/// An ECDH private key on a NIST curve.
pub(crate) struct EcPrivate {
    curve: Curve,
    key: agreement::PrivateKey,
}

impl EcPrivate {
    pub(crate) fn new(curve: Curve, d: &[u8]) -> Result<Self> {
        agreement::PrivateKey::from_private_key(ecdh(curve), d)
            .map(|key| EcPrivate { curve, key })
            .map_err(|_| Error::invalid_key("the EC private key is not valid"))
    }

    pub(crate) fn generate(curve: Curve) -> Result<Self> {
        agreement::PrivateKey::generate(ecdh(curve))
            .map(|key| EcPrivate { curve, key })
            .map_err(|_| internal("EC key generation"))
    }

    /// The public point `(x, y)`.
    pub(crate) fn public(&self) -> Result<(Vec<u8>, Vec<u8>)> {
        let public = self
            .key
            .compute_public_key()
            .map_err(|_| internal("EC public key"))?;
        split_point(public.as_ref(), self.curve.coordinate_len())
            .ok_or_else(|| internal("EC public key export"))
    }

    /// The private scalar `d`, big-endian, fixed length.
    pub(crate) fn d(&self) -> Result<Zeroizing<Vec<u8>>> {
        let d: EcPrivateKeyBin<'_> = self
            .key
            .as_be_bytes()
            .map_err(|_| internal("EC private key export"))?;
        Ok(Zeroizing::new(d.as_ref().to_vec()))
    }

    /// ECDH with the peer's point; an [`ErrorKind::InvalidKey`] error when it is not on the
    /// curve. The shared secret `Z` is the x coordinate, zeroized on drop.
    pub(crate) fn agree(&self, x: &[u8], y: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let not_on_curve =
            || Error::invalid_key(format!("the key is not a point on {}", self.curve.name()));
        let peer =
            ParsedPublicKey::try_from(UnparsedPublicKey::new(ecdh(self.curve), uncompressed(x, y)))
                .map_err(|_| not_on_curve())?;
        agreement::agree(&self.key, peer, not_on_curve(), |z| {
            Ok(Zeroizing::new(z.to_vec()))
        })
    }
}
