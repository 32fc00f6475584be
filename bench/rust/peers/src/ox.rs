//! oxitoken's key traits over aws-lc-rs. oxitoken 0.1.0's own `aws-lc-rs` backend does not compile
//! against aws-lc-rs 1.19 (22 × E0745 "cannot take address of a temporary": it compares algorithm
//! descriptors by `&raw const ECDSA_P256_SHA256_FIXED_SIGNING` and the like, `const` items in
//! aws-lc-rs 1.19, not `static`s), so the crate is built with its default features off and
//! these newtypes implement its public `Signer` and `VerificationKey` traits the way its own
//! backend does (src/crypto/aws_lc in the crate): one aws-lc call per signature, the signature
//! appended with `Signer::append_sig`.

use aws_lc_rs::error::Unspecified;
use aws_lc_rs::hmac;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    EcdsaKeyPair, Ed25519KeyPair, KeyPair, ParsedPublicKey, RSA_PKCS1_SHA256, RsaKeyPair,
};
use oxitoken::Algorithm;
use oxitoken::encoding::{JwtEncodingError, Signer};
use oxitoken::error::JwtError;
use oxitoken::validation::VerificationKey;

/// A signing key for one algorithm.
pub enum OxSigner {
    Hs256(Box<hmac::Key>),
    Es256(EcdsaKeyPair),
    EdDsa(Ed25519KeyPair),
    Rs256(RsaKeyPair),
}

impl OxSigner {
    fn alg(&self) -> Algorithm {
        match self {
            OxSigner::Hs256(_) => Algorithm::HS256,
            OxSigner::Es256(_) => Algorithm::ES256,
            OxSigner::EdDsa(_) => Algorithm::EdDSA,
            OxSigner::Rs256(_) => Algorithm::RS256,
        }
    }
}

impl Signer for OxSigner {
    type Error = Unspecified;
    fn check_alg(&self, algorithm: Algorithm) -> Result<(), JwtEncodingError<Unspecified>> {
        if algorithm == self.alg() {
            Ok(())
        } else {
            Err(JwtEncodingError::WrongAlgorithm)
        }
    }
    fn sign_jwt(
        &self,
        _: Algorithm,
        jwt: &mut String,
    ) -> Result<(), JwtEncodingError<Unspecified>> {
        match self {
            OxSigner::Hs256(k) => {
                let tag = hmac::sign(k, jwt.as_bytes());
                self.append_sig(tag, jwt);
            }
            OxSigner::Es256(k) => {
                let sig = k.sign(&SystemRandom::new(), jwt.as_bytes())?;
                self.append_sig(sig, jwt);
            }
            OxSigner::EdDsa(k) => {
                let sig = k.sign(jwt.as_bytes());
                self.append_sig(sig, jwt);
            }
            OxSigner::Rs256(k) => {
                let mut sig = vec![0; k.public_modulus_len()];
                k.sign(
                    &RSA_PKCS1_SHA256,
                    &SystemRandom::new(),
                    jwt.as_bytes(),
                    &mut sig,
                )?;
                self.append_sig(sig, jwt);
            }
        }
        Ok(())
    }
    fn siglen(&self) -> usize {
        match self {
            OxSigner::Hs256(_) => 32,
            OxSigner::Es256(_) | OxSigner::EdDsa(_) => 64,
            OxSigner::Rs256(k) => k.public_modulus_len(),
        }
    }
}

/// A verification key: an HMAC key or an aws-lc parsed public key, with its JWS algorithm.
pub enum OxVerifier {
    Hmac(Box<hmac::Key>),
    Public(Algorithm, ParsedPublicKey),
}

impl VerificationKey for OxVerifier {
    fn alg(&self) -> Option<Algorithm> {
        Some(match self {
            OxVerifier::Hmac(_) => Algorithm::HS256,
            OxVerifier::Public(a, _) => *a,
        })
    }
    fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), JwtError> {
        match self {
            OxVerifier::Hmac(k) => hmac::verify(k, message, signature),
            OxVerifier::Public(_, k) => k.verify_sig(message, signature),
        }
        .map_err(|_| JwtError::InvalidSignature)
    }
}

/// The public key bytes aws-lc parses (uncompressed point, raw Ed25519, PKCS#1 RSAPublicKey).
pub fn public_bytes(s: &OxSigner) -> Vec<u8> {
    match s {
        OxSigner::Hs256(_) => Vec::new(),
        OxSigner::Es256(k) => k.public_key().as_ref().to_vec(),
        OxSigner::EdDsa(k) => k.public_key().as_ref().to_vec(),
        OxSigner::Rs256(k) => k.public_key().as_ref().to_vec(),
    }
}
