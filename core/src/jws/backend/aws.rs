//! RSA, ECDSA and Ed25519 through aws-lc-rs (the default backend).

use once_cell::sync::OnceCell;

use aws_lc_rs::encoding::{AsBigEndian as _, AsDer as _};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPairComponents, KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{self, KeyPair as _, ParsedPublicKey};
use zeroize::Zeroizing;

use super::super::alg::Algorithm;
use super::super::parts::{Curve, EcCurve, EcParts, EdParts, RsaParts, RsaPrivateParts};
use crate::error::{Error, ErrorKind, Result};

fn internal(what: &str) -> Error {
    Error::new(ErrorKind::Internal, format!("aws-lc: {what}"))
}

/// The name of this backend, for diagnostics and benchmarks.
pub(crate) const NAME: &str = "aws-lc-rs";

fn rsa_encoding(alg: Algorithm) -> Option<&'static dyn signature::RsaEncoding> {
    Some(match alg {
        Algorithm::RS256 => &signature::RSA_PKCS1_SHA256,
        Algorithm::RS384 => &signature::RSA_PKCS1_SHA384,
        Algorithm::RS512 => &signature::RSA_PKCS1_SHA512,
        Algorithm::PS256 => &signature::RSA_PSS_SHA256,
        Algorithm::PS384 => &signature::RSA_PSS_SHA384,
        Algorithm::PS512 => &signature::RSA_PSS_SHA512,
        _ => return None,
    })
}

fn rsa_params(alg: Algorithm) -> Option<(usize, &'static signature::RsaParameters)> {
    Some(match alg {
        Algorithm::RS256 => (0, &signature::RSA_PKCS1_2048_8192_SHA256),
        Algorithm::RS384 => (1, &signature::RSA_PKCS1_2048_8192_SHA384),
        Algorithm::RS512 => (2, &signature::RSA_PKCS1_2048_8192_SHA512),
        Algorithm::PS256 => (3, &signature::RSA_PSS_2048_8192_SHA256),
        Algorithm::PS384 => (4, &signature::RSA_PSS_2048_8192_SHA384),
        Algorithm::PS512 => (5, &signature::RSA_PSS_2048_8192_SHA512),
        _ => return None,
    })
}

pub(crate) struct RsaSigner(signature::RsaKeyPair);

impl RsaSigner {
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
        signature::RsaKeyPair::from_components(&components)
            .map(RsaSigner)
            .map_err(|e| Error::invalid_key(format!("the RSA private key is not consistent: {e}")))
    }

    pub(crate) fn sign(&self, alg: Algorithm, msg: &[u8]) -> Result<Vec<u8>> {
        let encoding = rsa_encoding(alg).ok_or_else(|| internal("not an RSA algorithm"))?;
        let mut sig = vec![0u8; self.0.public_modulus_len()];
        self.0
            .sign(encoding, &SystemRandom::new(), msg, &mut sig)
            .map_err(|_| internal("RSA signing failed"))?;
        Ok(sig)
    }
}

pub(crate) struct RsaVerifier {
    n: Vec<u8>,
    e: Vec<u8>,
    parsed: [OnceCell<Option<ParsedPublicKey>>; 6],
}

impl RsaVerifier {
    pub(crate) fn new(n: &[u8], e: &[u8]) -> Result<Self> {
        let v = RsaVerifier {
            n: n.to_vec(),
            e: e.to_vec(),
            parsed: Default::default(),
        };
        // Parse once now so that a bad key fails at import, not at first use.
        if v.parsed(Algorithm::RS256).is_none() {
            return Err(Error::invalid_key("the RSA public key is not valid"));
        }
        Ok(v)
    }

    fn parsed(&self, alg: Algorithm) -> Option<&ParsedPublicKey> {
        let (slot, params) = rsa_params(alg)?;
        self.parsed
            .get(slot)?
            .get_or_init(|| {
                PublicKeyComponents {
                    n: self.n.as_slice(),
                    e: self.e.as_slice(),
                }
                .to_parsed_public_key(params)
                .ok()
            })
            .as_ref()
    }

    pub(crate) fn verify(&self, alg: Algorithm, msg: &[u8], sig: &[u8]) -> bool {
        self.parsed(alg)
            .is_some_and(|k| k.verify_sig(msg, sig).is_ok())
    }
}

pub(crate) fn rsa_generate(bits: usize) -> Result<RsaParts> {
    let size = match bits {
        2048 => KeySize::Rsa2048,
        3072 => KeySize::Rsa3072,
        4096 => KeySize::Rsa4096,
        8192 => KeySize::Rsa8192,
        _ => {
            return Err(Error::invalid_argument(
                "RSA keys are generated with 2048, 3072, 4096 or 8192 bits",
            ));
        }
    };
    let pair = signature::RsaKeyPair::generate(size).map_err(|_| internal("RSA generation"))?;
    let der = pair.as_der().map_err(|_| internal("RSA key export"))?;
    super::super::pem::rsa_parts_from_pkcs8(der.as_ref())
}

fn ec_signing(curve: EcCurve) -> &'static signature::EcdsaSigningAlgorithm {
    match curve {
        EcCurve::Nist(Curve::P256) => &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        EcCurve::Nist(Curve::P384) => &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
        EcCurve::Nist(Curve::P521) => &signature::ECDSA_P521_SHA512_FIXED_SIGNING,
        EcCurve::Secp256k1 => &signature::ECDSA_P256K1_SHA256_FIXED_SIGNING,
    }
}

/// Verification accepts high `s` on every curve (aws-lc does not normalize, and RFC 8812 does
/// not require low-S for ES256K).
fn ec_verification(curve: EcCurve) -> &'static signature::EcdsaVerificationAlgorithm {
    match curve {
        EcCurve::Nist(Curve::P256) => &signature::ECDSA_P256_SHA256_FIXED,
        EcCurve::Nist(Curve::P384) => &signature::ECDSA_P384_SHA384_FIXED,
        EcCurve::Nist(Curve::P521) => &signature::ECDSA_P521_SHA512_FIXED,
        EcCurve::Secp256k1 => &signature::ECDSA_P256K1_SHA256_FIXED,
    }
}

fn uncompressed(x: &[u8], y: &[u8]) -> Vec<u8> {
    let mut point = Vec::with_capacity(1 + x.len() + y.len());
    point.push(0x04);
    point.extend_from_slice(x);
    point.extend_from_slice(y);
    point
}

pub(crate) struct EcSigner(signature::EcdsaKeyPair);

impl EcSigner {
    pub(crate) fn new(parts: &EcParts, d: &[u8]) -> Result<Self> {
        signature::EcdsaKeyPair::from_private_key_and_public_key(
            ec_signing(parts.curve),
            d,
            &uncompressed(&parts.x, &parts.y),
        )
        .map(EcSigner)
        .map_err(|e| Error::invalid_key(format!("the EC private key is not valid: {e}")))
    }

    pub(crate) fn sign(&self, msg: &[u8]) -> Result<Vec<u8>> {
        self.0
            .sign(&SystemRandom::new(), msg)
            .map(|s| s.as_ref().to_vec())
            .map_err(|_| internal("ECDSA signing failed"))
    }
}

pub(crate) struct EcVerifier(ParsedPublicKey);

impl EcVerifier {
    pub(crate) fn new(curve: EcCurve, x: &[u8], y: &[u8]) -> Result<Self> {
        ParsedPublicKey::new(ec_verification(curve), uncompressed(x, y))
            .map(EcVerifier)
            .map_err(|_| Error::invalid_key("the EC public key is not a point on its curve"))
    }

    pub(crate) fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        self.0.verify_sig(msg, sig).is_ok()
    }
}

pub(crate) fn ec_generate(curve: EcCurve) -> Result<EcParts> {
    let pair = signature::EcdsaKeyPair::generate(ec_signing(curve))
        .map_err(|_| internal("EC generation"))?;
    let point = pair.public_key().as_ref();
    let n = curve.coordinate_len();
    let (x, y) = point
        .get(1..=n)
        .zip(point.get(n + 1..=2 * n))
        .ok_or_else(|| internal("EC public key export"))?;
    let d: aws_lc_rs::encoding::EcPrivateKeyBin<'_> = pair
        .private_key()
        .as_be_bytes()
        .map_err(|_| internal("EC private key export"))?;
    Ok(EcParts {
        curve,
        x: x.to_vec(),
        y: y.to_vec(),
        d: Some(Zeroizing::new(d.as_ref().to_vec())),
    })
}

pub(crate) struct EdSigner(signature::Ed25519KeyPair);

impl EdSigner {
    pub(crate) fn new(x: &[u8; 32], seed: &[u8; 32]) -> Result<Self> {
        signature::Ed25519KeyPair::from_seed_and_public_key(seed, x)
            .map(EdSigner)
            .map_err(|_| {
                Error::invalid_key("the Ed25519 private key does not match its public key")
            })
    }

    pub(crate) fn sign(&self, msg: &[u8]) -> Vec<u8> {
        self.0.sign(msg).as_ref().to_vec()
    }
}

pub(crate) struct EdVerifier(ParsedPublicKey);

impl EdVerifier {
    pub(crate) fn new(x: &[u8; 32]) -> Result<Self> {
        ParsedPublicKey::new(&signature::ED25519, x)
            .map(EdVerifier)
            .map_err(|_| Error::invalid_key("the Ed25519 public key is not valid"))
    }

    pub(crate) fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        self.0.verify_sig(msg, sig).is_ok()
    }
}

pub(crate) fn ed_generate() -> Result<EdParts> {
    let pair = signature::Ed25519KeyPair::generate().map_err(|_| internal("Ed25519 generation"))?;
    let x: [u8; 32] = pair
        .public_key()
        .as_ref()
        .try_into()
        .map_err(|_| internal("Ed25519 public key export"))?;
    let seed = pair.seed().map_err(|_| internal("Ed25519 seed export"))?;
    let seed: aws_lc_rs::encoding::Curve25519SeedBin<'_> = seed
        .as_be_bytes()
        .map_err(|_| internal("Ed25519 seed export"))?;
    let d: [u8; 32] = seed
        .as_ref()
        .try_into()
        .map_err(|_| internal("Ed25519 seed length"))?;
    Ok(EdParts {
        x,
        d: Some(Zeroizing::new(d)),
    })
}

/// The Ed25519 public key of a seed.
pub(crate) fn ed_public(seed: &[u8; 32]) -> Result<[u8; 32]> {
    let pair = signature::Ed25519KeyPair::from_seed_unchecked(seed)
        .map_err(|_| Error::invalid_key("the Ed25519 seed is not valid"))?;
    pair.public_key()
        .as_ref()
        .try_into()
        .map_err(|_| internal("Ed25519 public key length"))
}
