//! The JWS algorithms hxjwt signs and verifies (RFC 7518 §3, RFC 8037, RFC 8812 `ES256K`, and
//! RFC 9864's fully-specified `Ed25519`).

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, ErrorKind};

/// A JWS signature algorithm. `none` does not exist here: it cannot be named, so it cannot be
/// accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(
    clippy::upper_case_acronyms,
    reason = "the algorithm names of RFC 7518"
)]
pub enum Algorithm {
    /// HMAC with SHA-256.
    HS256,
    /// HMAC with SHA-384.
    HS384,
    /// HMAC with SHA-512.
    HS512,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// RSASSA-PSS with SHA-256 (MGF1 SHA-256, salt 32 bytes).
    PS256,
    /// RSASSA-PSS with SHA-384.
    PS384,
    /// RSASSA-PSS with SHA-512.
    PS512,
    /// ECDSA on P-256 with SHA-256.
    ES256,
    /// ECDSA on P-384 with SHA-384.
    ES384,
    /// ECDSA on P-521 with SHA-512.
    ES512,
    /// ECDSA on secp256k1 with SHA-256 (RFC 8812 §3.2): JWK `crv` `"secp256k1"`, raw `r ‖ s`
    /// signatures of 64 bytes. Signing gives low-S signatures when the backend does (the
    /// pure-Rust one); verifying accepts both halves, as RFC 8812 does not require low-S.
    ES256K,
    /// `EdDSA` with Ed25519 (RFC 8037). The same keys serve [`Algorithm::Ed25519`].
    EdDSA,
    /// Ed25519, the fully-specified name of RFC 9864 §2.2 for what `EdDSA` with an Ed25519 key
    /// does (the same signature bytes; only the header's `alg` differs). A key whose JWK says
    /// `"alg": "EdDSA"` is for `EdDSA` only, one that says `"Ed25519"` for `Ed25519` only, and
    /// one without `alg` for both.
    Ed25519,
}

/// The kind of key an algorithm needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// A shared secret (`kty` `"oct"`).
    Hmac,
    /// An RSA key (`kty` `"RSA"`).
    Rsa,
    /// An EC key on P-256, P-384, P-521 or secp256k1 (`kty` `"EC"`).
    Ec,
    /// An Ed25519 key (`kty` `"OKP"`).
    Ed25519,
}

impl KeyType {
    /// The JWK `kty`.
    pub const fn kty(self) -> &'static str {
        match self {
            KeyType::Hmac => "oct",
            KeyType::Rsa => "RSA",
            KeyType::Ec => "EC",
            KeyType::Ed25519 => "OKP",
        }
    }
}

impl Algorithm {
    /// The size of a signature, in bytes (for RSA, that of a 4096-bit key: the token's room is
    /// grown for larger ones).
    pub(crate) const fn signature_len_hint(self) -> usize {
        use Algorithm::{
            ES256, ES256K, ES384, ES512, Ed25519, EdDSA, HS256, HS384, HS512, PS256, PS384, PS512,
            RS256, RS384, RS512,
        };
        match self {
            HS256 => 32,
            HS384 => 48,
            HS512 | ES256 | ES256K | EdDSA | Ed25519 => 64,
            ES384 => 96,
            ES512 => 132,
            RS256 | RS384 | RS512 | PS256 | PS384 | PS512 => 512,
        }
    }

    /// Every algorithm.
    pub const ALL: [Algorithm; 15] = [
        Algorithm::HS256,
        Algorithm::HS384,
        Algorithm::HS512,
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::ES512,
        Algorithm::ES256K,
        Algorithm::EdDSA,
        Algorithm::Ed25519,
    ];

    /// The `alg` header value.
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::HS256 => "HS256",
            Algorithm::HS384 => "HS384",
            Algorithm::HS512 => "HS512",
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::PS256 => "PS256",
            Algorithm::PS384 => "PS384",
            Algorithm::PS512 => "PS512",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::ES512 => "ES512",
            Algorithm::ES256K => "ES256K",
            Algorithm::EdDSA => "EdDSA",
            Algorithm::Ed25519 => "Ed25519",
        }
    }

    /// The algorithm of an `alg` value, compared exactly (`"hs256"` and `"none"` are not
    /// algorithms).
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The kind of key the algorithm needs.
    pub const fn key_type(self) -> KeyType {
        match self {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => KeyType::Hmac,
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512 => KeyType::Rsa,
            Algorithm::ES256 | Algorithm::ES384 | Algorithm::ES512 | Algorithm::ES256K => {
                KeyType::Ec
            }
            Algorithm::EdDSA | Algorithm::Ed25519 => KeyType::Ed25519,
        }
    }

    /// For HMAC, the shortest secret accepted by default: the hash output length.
    pub const fn min_secret_len(self) -> usize {
        match self {
            Algorithm::HS384 => 48,
            Algorithm::HS512 => 64,
            _ => 32,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Algorithm {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Algorithm::from_name(s).ok_or_else(|| {
            Error::new(
                ErrorKind::UnsupportedAlgorithm,
                format!("{} is not a supported algorithm", crate::error::quote(s)),
            )
        })
    }
}
