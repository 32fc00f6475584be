//! The JWE algorithm names: key management (`alg`, RFC 7518 §4 and ECDH-1PU) and content
//! encryption (`enc`, RFC 7518 §5).

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, ErrorKind, quote};

/// A key management algorithm (`alg`). `RSA1_5` does not exist here: it cannot be named, so it
/// cannot be accepted (see [`KeyAlgorithm::from_name`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(
    clippy::upper_case_acronyms,
    reason = "the algorithm names of RFC 7518"
)]
pub enum KeyAlgorithm {
    /// `dir`: the key is the content encryption key.
    Dir,
    /// `A128KW`: AES key wrap (RFC 3394) with a 128-bit key.
    A128KW,
    /// `A192KW`.
    A192KW,
    /// `A256KW`.
    A256KW,
    /// `A128GCMKW`: the CEK encrypted with AES-GCM under a 128-bit key (`iv`, `tag` in the header).
    A128GCMKW,
    /// `A192GCMKW`.
    A192GCMKW,
    /// `A256GCMKW`.
    A256GCMKW,
    /// `ECDH-ES`: ephemeral-static key agreement, the agreed key is the CEK.
    EcdhEs,
    /// `ECDH-ES+A128KW`: ephemeral-static key agreement, the agreed key wraps the CEK.
    EcdhEsA128KW,
    /// `ECDH-ES+A192KW`.
    EcdhEsA192KW,
    /// `ECDH-ES+A256KW`.
    EcdhEsA256KW,
    /// `ECDH-1PU` (draft-madden-jose-ecdh-1pu-04): ephemeral-static *and* static-static
    /// agreement, authenticating the sender; the agreed key is the CEK.
    Ecdh1Pu,
    /// `ECDH-1PU+A128KW`: only with the `A*CBC-HS*` content encryptions.
    Ecdh1PuA128KW,
    /// `ECDH-1PU+A192KW`.
    Ecdh1PuA192KW,
    /// `ECDH-1PU+A256KW`.
    Ecdh1PuA256KW,
    /// `RSA-OAEP`: RSAES-OAEP with SHA-1 and MGF1-SHA-1 (RSA keys of 2048 bits or more).
    RsaOaep,
    /// `RSA-OAEP-256`: RSAES-OAEP with SHA-256 and MGF1-SHA-256.
    RsaOaep256,
    /// `PBES2-HS256+A128KW`: a password, PBKDF2-HMAC-SHA-256, AES key wrap. Accepted only when
    /// named in [`Decryption::algorithms`](super::Decryption::algorithms), with `p2c` bounded by
    /// [`Decryption::max_p2c`](super::Decryption::max_p2c).
    Pbes2Hs256A128KW,
    /// `PBES2-HS384+A192KW`.
    Pbes2Hs384A192KW,
    /// `PBES2-HS512+A256KW`.
    Pbes2Hs512A256KW,
}

/// The family of a key management algorithm: what kind of key it needs and how it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    Dir,
    AesKw,
    AesGcmKw,
    EcdhEs,
    Ecdh1Pu,
    RsaOaep,
    Pbes2,
}

impl KeyAlgorithm {
    /// Every key management algorithm.
    pub const ALL: [KeyAlgorithm; 20] = [
        KeyAlgorithm::Dir,
        KeyAlgorithm::A128KW,
        KeyAlgorithm::A192KW,
        KeyAlgorithm::A256KW,
        KeyAlgorithm::A128GCMKW,
        KeyAlgorithm::A192GCMKW,
        KeyAlgorithm::A256GCMKW,
        KeyAlgorithm::EcdhEs,
        KeyAlgorithm::EcdhEsA128KW,
        KeyAlgorithm::EcdhEsA192KW,
        KeyAlgorithm::EcdhEsA256KW,
        KeyAlgorithm::Ecdh1Pu,
        KeyAlgorithm::Ecdh1PuA128KW,
        KeyAlgorithm::Ecdh1PuA192KW,
        KeyAlgorithm::Ecdh1PuA256KW,
        KeyAlgorithm::RsaOaep,
        KeyAlgorithm::RsaOaep256,
        KeyAlgorithm::Pbes2Hs256A128KW,
        KeyAlgorithm::Pbes2Hs384A192KW,
        KeyAlgorithm::Pbes2Hs512A256KW,
    ];

    /// The `alg` header value.
    pub const fn name(self) -> &'static str {
        match self {
            KeyAlgorithm::Dir => "dir",
            KeyAlgorithm::A128KW => "A128KW",
            KeyAlgorithm::A192KW => "A192KW",
            KeyAlgorithm::A256KW => "A256KW",
            KeyAlgorithm::A128GCMKW => "A128GCMKW",
            KeyAlgorithm::A192GCMKW => "A192GCMKW",
            KeyAlgorithm::A256GCMKW => "A256GCMKW",
            KeyAlgorithm::EcdhEs => "ECDH-ES",
            KeyAlgorithm::EcdhEsA128KW => "ECDH-ES+A128KW",
            KeyAlgorithm::EcdhEsA192KW => "ECDH-ES+A192KW",
            KeyAlgorithm::EcdhEsA256KW => "ECDH-ES+A256KW",
            KeyAlgorithm::Ecdh1Pu => "ECDH-1PU",
            KeyAlgorithm::Ecdh1PuA128KW => "ECDH-1PU+A128KW",
            KeyAlgorithm::Ecdh1PuA192KW => "ECDH-1PU+A192KW",
            KeyAlgorithm::Ecdh1PuA256KW => "ECDH-1PU+A256KW",
            KeyAlgorithm::RsaOaep => "RSA-OAEP",
            KeyAlgorithm::RsaOaep256 => "RSA-OAEP-256",
            KeyAlgorithm::Pbes2Hs256A128KW => "PBES2-HS256+A128KW",
            KeyAlgorithm::Pbes2Hs384A192KW => "PBES2-HS384+A192KW",
            KeyAlgorithm::Pbes2Hs512A256KW => "PBES2-HS512+A256KW",
        }
    }

    /// The algorithm of an `alg` value, compared exactly. `RSA1_5` and unknown names are `None`;
    /// [`KeyAlgorithm::parse`] says why.
    ///
    /// ```
    /// use hxjwt::jwe::KeyAlgorithm;
    /// assert_eq!(KeyAlgorithm::from_name("ECDH-ES+A256KW"), Some(KeyAlgorithm::EcdhEsA256KW));
    /// assert_eq!(KeyAlgorithm::from_name("RSA1_5"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<KeyAlgorithm> {
        KeyAlgorithm::ALL.into_iter().find(|a| a.name() == name)
    }

    /// [`from_name`](Self::from_name) with an [`ErrorKind::UnsupportedAlgorithm`] error that
    /// says why a name is refused (for `RSA1_5`: its padding-oracle history).
    ///
    /// ```
    /// use hxjwt::{ErrorKind, jwe::KeyAlgorithm};
    /// let e = KeyAlgorithm::parse("RSA1_5").unwrap_err();
    /// assert_eq!(e.kind(), ErrorKind::UnsupportedAlgorithm);
    /// assert!(e.detail().contains("padding oracle"));
    /// ```
    pub fn parse(name: &str) -> Result<KeyAlgorithm, Error> {
        KeyAlgorithm::from_name(name).ok_or_else(|| {
            let detail = if name == "RSA1_5" {
                "alg \"RSA1_5\" (RSAES-PKCS1-v1_5) is never accepted: its padding oracle \
                 (Bleichenbacher 1998, and every variant since) lets an attacker who sees \
                 decryption failures recover the key; use RSA-OAEP-256 or ECDH-ES"
                    .to_owned()
            } else {
                format!("alg {} is not a supported JWE algorithm", quote(name))
            };
            Error::new(ErrorKind::UnsupportedAlgorithm, detail)
        })
    }

    pub(crate) const fn family(self) -> Family {
        match self {
            KeyAlgorithm::Dir => Family::Dir,
            KeyAlgorithm::A128KW | KeyAlgorithm::A192KW | KeyAlgorithm::A256KW => Family::AesKw,
            KeyAlgorithm::A128GCMKW | KeyAlgorithm::A192GCMKW | KeyAlgorithm::A256GCMKW => {
                Family::AesGcmKw
            }
            KeyAlgorithm::EcdhEs
            | KeyAlgorithm::EcdhEsA128KW
            | KeyAlgorithm::EcdhEsA192KW
            | KeyAlgorithm::EcdhEsA256KW => Family::EcdhEs,
            KeyAlgorithm::Ecdh1Pu
            | KeyAlgorithm::Ecdh1PuA128KW
            | KeyAlgorithm::Ecdh1PuA192KW
            | KeyAlgorithm::Ecdh1PuA256KW => Family::Ecdh1Pu,
            KeyAlgorithm::RsaOaep | KeyAlgorithm::RsaOaep256 => Family::RsaOaep,
            KeyAlgorithm::Pbes2Hs256A128KW
            | KeyAlgorithm::Pbes2Hs384A192KW
            | KeyAlgorithm::Pbes2Hs512A256KW => Family::Pbes2,
        }
    }

    /// The AES key-wrap key length in bytes of the `*KW` algorithms (also of the `*GCMKW` key),
    /// `None` for the direct ones and RSA.
    pub(crate) const fn kw_len(self) -> Option<usize> {
        match self {
            KeyAlgorithm::A128KW
            | KeyAlgorithm::A128GCMKW
            | KeyAlgorithm::EcdhEsA128KW
            | KeyAlgorithm::Ecdh1PuA128KW
            | KeyAlgorithm::Pbes2Hs256A128KW => Some(16),
            KeyAlgorithm::A192KW
            | KeyAlgorithm::A192GCMKW
            | KeyAlgorithm::EcdhEsA192KW
            | KeyAlgorithm::Ecdh1PuA192KW
            | KeyAlgorithm::Pbes2Hs384A192KW => Some(24),
            KeyAlgorithm::A256KW
            | KeyAlgorithm::A256GCMKW
            | KeyAlgorithm::EcdhEsA256KW
            | KeyAlgorithm::Ecdh1PuA256KW
            | KeyAlgorithm::Pbes2Hs512A256KW => Some(32),
            KeyAlgorithm::Dir
            | KeyAlgorithm::EcdhEs
            | KeyAlgorithm::Ecdh1Pu
            | KeyAlgorithm::RsaOaep
            | KeyAlgorithm::RsaOaep256 => None,
        }
    }

    /// Whether the encrypted key is empty (the CEK is the key, or the agreed key).
    pub const fn is_direct(self) -> bool {
        matches!(
            self,
            KeyAlgorithm::Dir | KeyAlgorithm::EcdhEs | KeyAlgorithm::Ecdh1Pu
        )
    }

    /// Whether the algorithm is a key agreement (ECDH-ES or ECDH-1PU, with or without wrap).
    pub const fn is_key_agreement(self) -> bool {
        matches!(self.family(), Family::EcdhEs | Family::Ecdh1Pu)
    }

    /// Whether the key management is cheap symmetric work: `dir`, AES key wrap and AES-GCM key
    /// wrap (a few AES blocks). Not PBES2 (thousands of PBKDF2 rounds by design), RSA or a key
    /// agreement.
    ///
    /// ```
    /// use hxjwt::jwe::KeyAlgorithm;
    /// assert!(KeyAlgorithm::A256KW.is_cheap_symmetric());
    /// assert!(!KeyAlgorithm::Pbes2Hs256A128KW.is_cheap_symmetric());
    /// assert!(!KeyAlgorithm::EcdhEs.is_cheap_symmetric());
    /// ```
    pub const fn is_cheap_symmetric(self) -> bool {
        matches!(
            self,
            KeyAlgorithm::Dir
                | KeyAlgorithm::A128KW
                | KeyAlgorithm::A192KW
                | KeyAlgorithm::A256KW
                | KeyAlgorithm::A128GCMKW
                | KeyAlgorithm::A192GCMKW
                | KeyAlgorithm::A256GCMKW
        )
    }
}

/// A content encryption algorithm (`enc`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(
    clippy::upper_case_acronyms,
    reason = "the algorithm names of RFC 7518"
)]
pub enum ContentAlgorithm {
    /// `A128CBC-HS256`: AES-128-CBC and HMAC-SHA-256 truncated to 128 bits (a 32-byte CEK).
    A128CbcHs256,
    /// `A192CBC-HS384`: AES-192-CBC and HMAC-SHA-384 truncated to 192 bits (48-byte CEK).
    A192CbcHs384,
    /// `A256CBC-HS512`: AES-256-CBC and HMAC-SHA-512 truncated to 256 bits (64-byte CEK).
    A256CbcHs512,
    /// `A128GCM`: AES-128-GCM, 96-bit IV, 128-bit tag.
    A128GCM,
    /// `A192GCM`.
    A192GCM,
    /// `A256GCM`.
    A256GCM,
}

impl ContentAlgorithm {
    /// Every content encryption algorithm.
    pub const ALL: [ContentAlgorithm; 6] = [
        ContentAlgorithm::A128CbcHs256,
        ContentAlgorithm::A192CbcHs384,
        ContentAlgorithm::A256CbcHs512,
        ContentAlgorithm::A128GCM,
        ContentAlgorithm::A192GCM,
        ContentAlgorithm::A256GCM,
    ];

    /// The `enc` header value.
    pub const fn name(self) -> &'static str {
        match self {
            ContentAlgorithm::A128CbcHs256 => "A128CBC-HS256",
            ContentAlgorithm::A192CbcHs384 => "A192CBC-HS384",
            ContentAlgorithm::A256CbcHs512 => "A256CBC-HS512",
            ContentAlgorithm::A128GCM => "A128GCM",
            ContentAlgorithm::A192GCM => "A192GCM",
            ContentAlgorithm::A256GCM => "A256GCM",
        }
    }

    /// The algorithm of an `enc` value, compared exactly.
    ///
    /// ```
    /// use hxjwt::jwe::ContentAlgorithm;
    /// assert_eq!(ContentAlgorithm::from_name("A256GCM"), Some(ContentAlgorithm::A256GCM));
    /// assert_eq!(ContentAlgorithm::from_name("a256gcm"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<ContentAlgorithm> {
        ContentAlgorithm::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The length of the content encryption key in bytes (32/48/64 for CBC-HS, 16/24/32 for
    /// GCM).
    pub const fn key_len(self) -> usize {
        match self {
            ContentAlgorithm::A128CbcHs256 | ContentAlgorithm::A256GCM => 32,
            ContentAlgorithm::A192CbcHs384 => 48,
            ContentAlgorithm::A256CbcHs512 => 64,
            ContentAlgorithm::A128GCM => 16,
            ContentAlgorithm::A192GCM => 24,
        }
    }

    /// The exact IV length in bytes (16 for CBC, 12 for GCM).
    pub const fn iv_len(self) -> usize {
        if self.is_cbc_hmac() { 16 } else { 12 }
    }

    /// The exact authentication tag length in bytes.
    pub const fn tag_len(self) -> usize {
        match self {
            ContentAlgorithm::A192CbcHs384 => 24,
            ContentAlgorithm::A256CbcHs512 => 32,
            _ => 16,
        }
    }

    /// Whether this is one of the `A*CBC-HS*` algorithms.
    pub const fn is_cbc_hmac(self) -> bool {
        matches!(
            self,
            ContentAlgorithm::A128CbcHs256
                | ContentAlgorithm::A192CbcHs384
                | ContentAlgorithm::A256CbcHs512
        )
    }
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for ContentAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for KeyAlgorithm {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        KeyAlgorithm::parse(s)
    }
}

impl FromStr for ContentAlgorithm {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        ContentAlgorithm::from_name(s).ok_or_else(|| {
            Error::new(
                ErrorKind::UnsupportedAlgorithm,
                format!("enc {} is not a supported JWE content encryption", quote(s)),
            )
        })
    }
}
