//! Keys for JWE: symmetric secrets (`oct`: `dir`, `A*KW`, `A*GCMKW`, PBES2 passwords), RSA
//! (RSA-OAEP), EC on P-256/P-384/P-521 and X25519 (ECDH-ES, ECDH-1PU).

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use once_cell::sync::OnceCell;

use crate::x25519::Secret as XSecret;
use serde_json::{Map, Value, json};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use super::alg::{ContentAlgorithm, Family, KeyAlgorithm};
use super::backend::{EcPrivate, RsaPrivate, RsaPublic, ec_check_public};
use super::content::GcmKey;
use crate::b64;
use crate::error::{Error, Result, quote};
use crate::json;
use crate::jws::Curve;
use crate::jws::parts::{RsaParts, RsaPrivateParts};

/// The kind of a JWE key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// A symmetric secret or password (`kty` `"oct"`).
    Symmetric,
    /// An RSA key (`kty` `"RSA"`).
    Rsa,
    /// An EC key on a NIST curve (`kty` `"EC"`).
    Ec(Curve),
    /// An X25519 key (`kty` `"OKP"`, `crv` `"X25519"`).
    X25519,
}

/// A symmetric secret, and the AES-GCM key schedule made from it on first use (a `dir` key's
/// content key, an `A*GCMKW` key-encryption key): made once per key, not once per token.
pub(crate) struct Secret {
    bytes: Zeroizing<Vec<u8>>,
    gcm: OnceCell<Option<GcmKey>>,
}

impl Secret {
    fn material(bytes: Zeroizing<Vec<u8>>) -> Material {
        Material::Secret(Secret {
            bytes,
            gcm: OnceCell::new(),
        })
    }
}

impl Deref for Secret {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

pub(crate) enum Material {
    Secret(Secret),
    Rsa {
        parts: Box<RsaParts>,
        public: Box<RsaPublic>,
        private: Option<Box<RsaPrivate>>,
    },
    Ec {
        curve: Curve,
        x: Vec<u8>,
        y: Vec<u8>,
        private: Option<Box<EcPrivate>>,
    },
    X25519 {
        public: [u8; 32],
        secret: Option<XSecret>,
    },
}

/// What a key is about to be used for, to check against its JWK `key_ops`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Encrypt,
    Decrypt,
}

/// The longest JWK text [`Key::from_jwk`] reads (an 8192-bit RSA private key is under 7 KiB).
pub const MAX_JWK_LEN: usize = 64 * 1024;

/// The longest symmetric secret or PBES2 password, in bytes.
pub const MAX_SECRET_LEN: usize = 4096;

/// A key for encrypting or decrypting JWE tokens.
///
/// The key decides which algorithms it serves: a symmetric secret `dir` (of the content key's
/// length), `A*KW`/`A*GCMKW` (of the wrap key's length) and PBES2 (as a password); an RSA key
/// RSA-OAEP; an EC or X25519 key ECDH-ES and ECDH-1PU. A JWK's `alg`, `use` and `key_ops` are
/// kept and enforced. Cloning is cheap; private material is zeroized on drop.
///
/// ```
/// use hxjwt::jwe::{self, ContentAlgorithm, Decryption, Header, Key, KeyAlgorithm};
/// let recipient = Key::generate_x25519()?;                   // private; publish to_public_jwk()
/// let public = recipient.to_public()?;
/// let token = jwe::encrypt(&Header::new(KeyAlgorithm::EcdhEs, ContentAlgorithm::A256GCM),
///                          b"hello", &public)?;
/// let d = Decryption::new(&[KeyAlgorithm::EcdhEs], &[ContentAlgorithm::A256GCM]);
/// assert_eq!(&*jwe::decrypt(&token, &recipient, &d)?.plaintext, b"hello");
/// # Ok::<(), hxjwt::Error>(())
/// ```
#[derive(Clone)]
#[allow(clippy::struct_field_names, reason = "key_ops is the JWK member name")]
pub struct Key {
    pub(crate) material: Arc<Material>,
    kid: Option<String>,
    alg: Option<KeyAlgorithm>,
    /// A JWK `alg` naming a content encryption (RFC 7520 §5.6): a `dir` key for that `enc`.
    alg_enc: Option<ContentAlgorithm>,
    usage: Option<String>,
    key_ops: Option<Vec<String>>,
}

// The JWK member readers are the JWS keys' own: one reading of a JWK in the crate.
use crate::jws::key::{bytes_member, exact, required, str_member};

/// Whether `public` is a low-order X25519 point (or one whose agreement is otherwise
/// non-contributory): a clamped scalar, a multiple of the cofactor, gives zero exactly then.
pub(crate) fn x25519_is_low_order(public: &[u8; 32]) -> bool {
    crate::x25519::is_low_order(public)
}

impl Key {
    /// A token's ephemeral X25519 key (`epk`), without the low-order check of
    /// [`x25519_public`]: the agreement with it ([`super::keymgmt`]'s `was_contributory` check)
    /// refuses a low-order point, the one check that counts, so it is not made twice more (each
    /// costs a scalar multiplication, as much as the agreement itself).
    pub(crate) fn x25519_ephemeral(public: [u8; 32]) -> Key {
        Key::from_material(Material::X25519 {
            public,
            secret: None,
        })
    }
}

/// Reads an X25519 public key: 32 bytes, not of low order.
pub(crate) fn x25519_public(x: &[u8]) -> Result<[u8; 32]> {
    let public: [u8; 32] = x
        .try_into()
        .map_err(|_| Error::invalid_key("an X25519 key must be exactly 32 bytes"))?;
    if x25519_is_low_order(&public) {
        return Err(Error::invalid_key("the X25519 key is of low order"));
    }
    Ok(public)
}

impl Key {
    fn from_material(material: Material) -> Key {
        Key {
            material: Arc::new(material),
            kid: None,
            alg: None,
            alg_enc: None,
            usage: None,
            key_ops: None,
        }
    }

    /// A symmetric secret: the CEK for `dir` (as long as the content key), or the key-wrap key
    /// of `A*KW`/`A*GCMKW` (16, 24 or 32 bytes), or a PBES2 password.
    ///
    /// ```
    /// use hxjwt::jwe::Key;
    /// let kek = Key::from_secret([7u8; 32])?.with_kid("wrap-2026");
    /// assert_eq!(kek.kid(), Some("wrap-2026"));
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn from_secret(secret: impl AsRef<[u8]>) -> Result<Key> {
        let secret = secret.as_ref();
        if secret.is_empty() {
            return Err(Error::invalid_key("the secret is empty"));
        }
        if secret.len() > MAX_SECRET_LEN {
            return Err(Error::invalid_key(format!(
                "the secret is {} bytes; the limit is {MAX_SECRET_LEN} (a content or key-wrap \
                 key is at most 64 bytes)",
                secret.len()
            )));
        }
        Ok(Key::from_material(Secret::material(Zeroizing::new(
            secret.to_vec(),
        ))))
    }

    /// A PBES2 password (the same as [`from_secret`](Self::from_secret), named for the
    /// reader). Decrypting with PBES2 also needs the PBES2 algorithm named in
    /// [`Decryption::algorithms`](super::Decryption::algorithms).
    pub fn from_password(password: impl AsRef<[u8]>) -> Result<Key> {
        Key::from_secret(password)
    }

    /// A new private key of the kind `kind` names, for the faces that take a name (C, CLI):
    /// `"X25519"`, `"P-256"`, `"P-384"`, `"P-521"` (ECDH-ES, ECDH-1PU), `"RSA"` (2048 bits),
    /// `"RSA-2048"`, `"RSA-3072"`, `"RSA-4096"` (RSA-OAEP), or `"oct-16"` … `"oct-64"` (a random
    /// secret of that many bytes). Another name is
    /// [`ErrorKind::InvalidArgument`](crate::ErrorKind::InvalidArgument), listing them.
    ///
    /// ```
    /// let key = hxjwt::jwe::Key::generate_kind("X25519")?;
    /// assert!(key.is_private());
    /// assert!(hxjwt::jwe::Key::generate_kind("X448").is_err());
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn generate_kind(kind: &str) -> Result<Key> {
        match kind {
            "X25519" => Key::generate_x25519(),
            "P-256" => Key::generate_ec(Curve::P256),
            "P-384" => Key::generate_ec(Curve::P384),
            "P-521" => Key::generate_ec(Curve::P521),
            "RSA" | "RSA-2048" => Key::generate_rsa(2048),
            "RSA-3072" => Key::generate_rsa(3072),
            "RSA-4096" => Key::generate_rsa(4096),
            "oct-16" => Key::generate_secret(16),
            "oct-24" => Key::generate_secret(24),
            "oct-32" => Key::generate_secret(32),
            "oct-48" => Key::generate_secret(48),
            "oct-64" => Key::generate_secret(64),
            other => Err(Error::invalid_argument(format!(
                "key kind {} is not one of X25519, P-256, P-384, P-521, RSA, RSA-3072, \
                 RSA-4096, oct-16, oct-24, oct-32, oct-48, oct-64",
                quote(other)
            ))),
        }
    }

    /// A new random secret of `len` bytes (16, 24, 32, 48 or 64), from the OS CSPRNG.
    pub fn generate_secret(len: usize) -> Result<Key> {
        if !matches!(len, 16 | 24 | 32 | 48 | 64) {
            return Err(Error::invalid_argument(
                "secrets are generated with 16, 24, 32, 48 or 64 bytes",
            ));
        }
        let mut secret = Zeroizing::new(vec![0u8; len]);
        crate::random::fill(&mut secret)?;
        Ok(Key::from_material(Secret::material(secret)).with_thumbprint_kid())
    }

    /// A new X25519 key pair, from the OS CSPRNG; its `kid` is its RFC 7638 thumbprint.
    pub fn generate_x25519() -> Result<Key> {
        let secret = XSecret::generate()?;
        let public = *secret.public();
        if x25519_is_low_order(&public) {
            return Err(Error::new(
                crate::ErrorKind::Internal,
                "generated a low-order X25519 key",
            ));
        }
        Ok(Key::from_material(Material::X25519 {
            public,
            secret: Some(secret),
        })
        .with_thumbprint_kid())
    }

    /// A new EC key pair on `curve`; its `kid` is its RFC 7638 thumbprint.
    pub fn generate_ec(curve: Curve) -> Result<Key> {
        let private = EcPrivate::generate(curve)?;
        let (x, y) = private.public()?;
        Ok(Key::from_material(Material::Ec {
            curve,
            x,
            y,
            private: Some(Box::new(private)),
        })
        .with_thumbprint_kid())
    }

    /// A new RSA key of `bits` (2048, 3072, 4096 or 8192) for RSA-OAEP; its `kid` is its
    /// RFC 7638 thumbprint.
    pub fn generate_rsa(bits: usize) -> Result<Key> {
        // The JWS key generation is the one place that makes RSA keys; its private JWK carries
        // the numbers over (and is zeroized).
        let jws = crate::jws::Key::generate_rsa(crate::jws::Algorithm::PS256, bits)?;
        let mut map = json::parse_object(jws.to_private_jwk().as_bytes(), 8, "JWK")?;
        for member in ["alg", "use", "key_ops", "kid"] {
            map.remove(member);
        }
        let key = Key::from_jwk_map(&map);
        json::wipe_private_members(&mut map);
        Ok(key?.with_thumbprint_kid())
    }

    fn with_thumbprint_kid(self) -> Key {
        let kid = self.thumbprint();
        self.with_kid(kid)
    }

    /// Sets the key id (`kid`), written into headers by [`encrypt`](super::encrypt) and matched
    /// against a token's `kid` when decrypting with several keys.
    #[must_use]
    pub fn with_kid(mut self, kid: impl Into<String>) -> Key {
        self.kid = Some(kid.into());
        self
    }

    /// Restricts the key to one algorithm (the JWK `alg` member).
    pub fn with_algorithm(mut self, alg: KeyAlgorithm) -> Result<Key> {
        self.check_type(alg, None)?;
        self.alg = Some(alg);
        Ok(self)
    }

    /// A PEM key (RSA or EC; PKCS#8, SPKI, PKCS#1 or SEC1), as [`jws::Key::from_pem`] reads it.
    ///
    /// [`jws::Key::from_pem`]: crate::jws::Key::from_pem
    pub fn from_pem(pem: &str) -> Result<Key> {
        let jws = crate::jws::Key::from_pem(pem)?;
        let mut map = json::parse_object(jws.to_private_jwk().as_bytes(), 8, "JWK")?;
        let key = Key::from_jwk_map(&map);
        json::wipe_private_members(&mut map);
        key
    }

    /// A JWK (RFC 7517/7518/8037), private or public: `kty` `oct`, `RSA`, `EC` (P-256, P-384,
    /// P-521) or `OKP` (X25519). `kid`, `alg`, `use` and `key_ops` are kept and enforced: a key
    /// whose `use` is not `"enc"`, or whose `alg` is not a JWE algorithm, is refused.
    ///
    /// ```
    /// use hxjwt::{ErrorKind, jwe::Key};
    /// let key = Key::from_jwk(r#"{"kty":"oct","k":"GawgguFyGrWKav7AX4VKUg","alg":"A128KW"}"#)?;
    /// assert_eq!(key.algorithm().map(|a| a.name()), Some("A128KW"));
    /// let e = Key::from_jwk(r#"{"kty":"oct","k":"GawgguFyGrWKav7AX4VKUg","use":"sig"}"#);
    /// assert_eq!(e.unwrap_err().kind(), ErrorKind::InvalidKey);
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn from_jwk(jwk: &str) -> Result<Key> {
        if jwk.len() > MAX_JWK_LEN {
            return Err(Error::invalid_key(format!(
                "the JWK is {} bytes; the limit is {MAX_JWK_LEN}",
                jwk.len()
            )));
        }
        let mut map = json::parse_object(jwk.as_bytes(), 8, "JWK")
            .map_err(|e| Error::invalid_key(e.detail().to_owned()))?;
        let key = Key::from_jwk_map(&map);
        json::wipe_private_members(&mut map);
        key
    }

    /// Like [`from_jwk`](Self::from_jwk), from a parsed JSON object.
    pub fn from_jwk_map(jwk: &Map<String, Value>) -> Result<Key> {
        let kty = str_member(jwk, "kty")?
            .ok_or_else(|| Error::invalid_key("JWK is missing member \"kty\""))?;
        let mut key = match kty {
            "oct" => {
                let k = required(jwk, "k")?;
                if k.is_empty() {
                    return Err(Error::invalid_key("JWK member \"k\" is empty"));
                }
                if k.len() > MAX_SECRET_LEN {
                    return Err(Error::invalid_key(format!(
                        "JWK member \"k\" is {} bytes; the limit is {MAX_SECRET_LEN}",
                        k.len()
                    )));
                }
                Key::from_material(Secret::material(k))
            }
            "RSA" => {
                if jwk.contains_key("oth") {
                    return Err(Error::invalid_key("multi-prime RSA keys are not supported"));
                }
                let private = match bytes_member(jwk, "d")? {
                    None => None,
                    Some(d) => Some(RsaPrivateParts {
                        d,
                        p: required(jwk, "p")?,
                        q: required(jwk, "q")?,
                        dp: required(jwk, "dp")?,
                        dq: required(jwk, "dq")?,
                        qi: required(jwk, "qi")?,
                    }),
                };
                Key::from_rsa(RsaParts {
                    n: required(jwk, "n")?.to_vec(),
                    e: required(jwk, "e")?.to_vec(),
                    private,
                })?
            }
            "EC" => {
                let crv = str_member(jwk, "crv")?
                    .ok_or_else(|| Error::invalid_key("JWK is missing member \"crv\""))?;
                let curve = Curve::from_name(crv).ok_or_else(|| {
                    Error::invalid_key(format!(
                        "EC curve {} is not supported (P-256, P-384, P-521)",
                        quote(crv)
                    ))
                })?;
                Key::from_ec(
                    curve,
                    &required(jwk, "x")?,
                    &required(jwk, "y")?,
                    bytes_member(jwk, "d")?.as_deref().map(Vec::as_slice),
                )?
            }
            "OKP" => {
                match str_member(jwk, "crv")? {
                    Some("X25519") => {}
                    Some("Ed25519") => {
                        return Err(Error::invalid_key(
                            "an Ed25519 key signs; JWE needs an X25519 key for ECDH",
                        ));
                    }
                    Some(other) => {
                        return Err(Error::invalid_key(format!(
                            "OKP curve {} is not supported for JWE (X25519)",
                            quote(other)
                        )));
                    }
                    None => return Err(Error::invalid_key("JWK is missing member \"crv\"")),
                }
                let public = x25519_public(&required(jwk, "x")?)?;
                let secret = match bytes_member(jwk, "d")? {
                    None => None,
                    Some(d) => {
                        exact(&d, 32, "the X25519 private key")?;
                        let mut seed = Zeroizing::new([0u8; 32]);
                        seed.copy_from_slice(&d);
                        let secret = XSecret::from_bytes(&seed)?;
                        if !bool::from(secret.public().ct_eq(&public)) {
                            return Err(Error::invalid_key(
                                "the X25519 private key does not match its public key",
                            ));
                        }
                        Some(secret)
                    }
                };
                Key::from_material(Material::X25519 { public, secret })
            }
            other => {
                return Err(Error::invalid_key(format!(
                    "JWK kty {} is not supported (oct, RSA, EC, OKP)",
                    quote(other)
                )));
            }
        };
        key.kid = str_member(jwk, "kid")?.map(str::to_owned);
        if let Some(alg) = str_member(jwk, "alg")? {
            if let (Some(enc), Some(secret)) = (ContentAlgorithm::from_name(alg), key.secret()) {
                // RFC 7520 §5.6: a symmetric key whose alg is the content encryption it is
                // the CEK of (dir).
                if secret.len() != enc.key_len() {
                    return Err(Error::invalid_key(format!(
                        "a key for {enc} must be {} bytes",
                        enc.key_len()
                    )));
                }
                key.alg = Some(KeyAlgorithm::Dir);
                key.alg_enc = Some(enc);
            } else {
                let alg = KeyAlgorithm::parse(alg)
                    .map_err(|e| Error::invalid_key(format!("JWK alg: {}", e.detail())))?;
                key = key.with_algorithm(alg)?;
            }
        }
        if let Some(u) = str_member(jwk, "use")? {
            if u != "enc" {
                return Err(Error::invalid_key(format!(
                    "this key's use is {}, not \"enc\": it is not for encryption",
                    quote(u)
                )));
            }
            key.usage = Some(u.to_owned());
        }
        if let Some(ops) = jwk.get("key_ops") {
            let ops = ops
                .as_array()
                .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_owned)).collect())
                .ok_or_else(|| {
                    Error::invalid_key("JWK member \"key_ops\" must be an array of strings")
                })?;
            key.key_ops = Some(ops);
        }
        Ok(key)
    }

    fn from_rsa(parts: RsaParts) -> Result<Key> {
        let parts = parts.normalized()?;
        let public = RsaPublic::new(&parts.n, &parts.e)?;
        let private = parts
            .private
            .as_ref()
            .map(|p| RsaPrivate::new(&parts.n, &parts.e, p))
            .transpose()?;
        Ok(Key::from_material(Material::Rsa {
            parts: Box::new(parts),
            public: Box::new(public),
            private: private.map(Box::new),
        }))
    }

    fn from_ec(curve: Curve, x: &[u8], y: &[u8], d: Option<&[u8]>) -> Result<Key> {
        let n = curve.coordinate_len();
        exact(x, n, "the EC x coordinate")?;
        exact(y, n, "the EC y coordinate")?;
        ec_check_public(curve, x, y)?;
        let private = match d {
            None => None,
            Some(d) => {
                exact(d, n, "the EC private key")?;
                let private = EcPrivate::new(curve, d)?;
                let (px, py) = private.public()?;
                if !(bool::from(px.ct_eq(x)) && bool::from(py.ct_eq(y))) {
                    return Err(Error::invalid_key(
                        "the EC private key does not match its public key",
                    ));
                }
                Some(private)
            }
        };
        Ok(Key::from_material(Material::Ec {
            curve,
            x: x.to_vec(),
            y: y.to_vec(),
            private: private.map(Box::new),
        }))
    }

    /// The kind of key.
    pub fn kind(&self) -> KeyKind {
        match &*self.material {
            Material::Secret(_) => KeyKind::Symmetric,
            Material::Rsa { .. } => KeyKind::Rsa,
            Material::Ec { curve, .. } => KeyKind::Ec(*curve),
            Material::X25519 { .. } => KeyKind::X25519,
        }
    }

    /// The key id, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The one algorithm this key is restricted to, if any.
    pub fn algorithm(&self) -> Option<KeyAlgorithm> {
        self.alg
    }

    /// The JWK `use`, if any (always `"enc"` when set).
    pub fn usage(&self) -> Option<&str> {
        self.usage.as_deref()
    }

    /// Whether the key can decrypt (a secret, or a private key).
    pub fn is_private(&self) -> bool {
        match &*self.material {
            Material::Secret(_) => true,
            Material::Rsa { private, .. } => private.is_some(),
            Material::Ec { private, .. } => private.is_some(),
            Material::X25519 { secret, .. } => secret.is_some(),
        }
    }

    /// The RSA modulus size in bits.
    pub fn rsa_bits(&self) -> Option<usize> {
        match &*self.material {
            Material::Rsa { parts, .. } => Some(parts.bits()),
            _ => None,
        }
    }

    /// The public half, to give to those who encrypt to this key. Fails for secrets.
    pub fn to_public(&self) -> Result<Key> {
        let material = match &*self.material {
            Material::Secret(_) => {
                return Err(Error::invalid_key(
                    "a symmetric secret has no public half; it must not be published",
                ));
            }
            Material::Rsa { parts, .. } => Material::Rsa {
                parts: Box::new(RsaParts {
                    n: parts.n.clone(),
                    e: parts.e.clone(),
                    private: None,
                }),
                public: Box::new(RsaPublic::new(&parts.n, &parts.e)?),
                private: None,
            },
            Material::Ec { curve, x, y, .. } => Material::Ec {
                curve: *curve,
                x: x.clone(),
                y: y.clone(),
                private: None,
            },
            Material::X25519 { public, .. } => Material::X25519 {
                public: *public,
                secret: None,
            },
        };
        let mut key = Key::from_material(material);
        key.kid.clone_from(&self.kid);
        key.alg = self.alg;
        key.alg_enc = self.alg_enc;
        key.usage.clone_from(&self.usage);
        key.key_ops = self.key_ops.as_ref().map(|ops| {
            ops.iter()
                .filter(|op| {
                    matches!(
                        op.as_str(),
                        "encrypt" | "wrapKey" | "deriveKey" | "deriveBits"
                    )
                })
                .cloned()
                .collect()
        });
        Ok(key)
    }

    /// The required members of RFC 7638, in lexicographic order.
    fn thumbprint_members(&self) -> Map<String, Value> {
        let mut m = Map::new();
        match &*self.material {
            Material::Secret(k) => {
                m.insert("k".into(), b64::encode(k).into());
                m.insert("kty".into(), "oct".into());
            }
            Material::Rsa { parts, .. } => {
                m.insert("e".into(), b64::encode(&parts.e).into());
                m.insert("kty".into(), "RSA".into());
                m.insert("n".into(), b64::encode(&parts.n).into());
            }
            Material::Ec { curve, x, y, .. } => {
                m.insert("crv".into(), curve.name().into());
                m.insert("kty".into(), "EC".into());
                m.insert("x".into(), b64::encode(x).into());
                m.insert("y".into(), b64::encode(y).into());
            }
            Material::X25519 { public, .. } => {
                m.insert("crv".into(), "X25519".into());
                m.insert("kty".into(), "OKP".into());
                m.insert("x".into(), b64::encode(public).into());
            }
        }
        m
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url). For a secret it is computed over the
    /// secret, so treat it as sensitive.
    pub fn thumbprint(&self) -> String {
        let text = Zeroizing::new(Value::Object(self.thumbprint_members()).to_string());
        b64::encode(&Sha256::digest(text.as_bytes()))
    }

    fn metadata(&self, m: &mut Map<String, Value>) {
        if let Some(kid) = &self.kid {
            m.insert("kid".into(), kid.clone().into());
        }
        match (self.alg_enc, self.alg) {
            (Some(enc), _) => {
                m.insert("alg".into(), enc.name().into());
            }
            (None, Some(alg)) => {
                m.insert("alg".into(), alg.name().into());
            }
            (None, None) => {}
        }
        if let Some(u) = &self.usage {
            m.insert("use".into(), u.clone().into());
        }
    }

    /// The public JWK (no private members), with `use: "enc"`. Fails for secrets.
    ///
    /// ```
    /// use hxjwt::jwe::Key;
    /// let jwk = Key::generate_x25519()?.to_public_jwk()?;
    /// assert_eq!(jwk["crv"], "X25519");
    /// assert!(jwk.get("d").is_none());
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn to_public_jwk(&self) -> Result<Value> {
        let public = self.to_public()?;
        let mut m = public.thumbprint_members();
        public.metadata(&mut m);
        m.insert("use".into(), "enc".into());
        if let Some(ops) = &public.key_ops {
            m.insert("key_ops".into(), json!(ops));
        }
        Ok(Value::Object(m))
    }

    /// The full JWK **including private members** (`d`, the RSA CRT numbers, or `k`), as
    /// compact JSON, zeroized on drop.
    pub fn to_private_jwk(&self) -> Result<Zeroizing<String>> {
        let mut m = self.thumbprint_members();
        match &*self.material {
            Material::Rsa { parts, .. } if parts.private.is_some() => {
                let Some(p) = &parts.private else {
                    return Err(Error::new(crate::ErrorKind::Internal, "RSA private key"));
                };
                for (name, v) in [
                    ("d", &p.d),
                    ("p", &p.p),
                    ("q", &p.q),
                    ("dp", &p.dp),
                    ("dq", &p.dq),
                    ("qi", &p.qi),
                ] {
                    m.insert(name.into(), b64::encode(v).into());
                }
            }
            Material::Ec {
                private: Some(p), ..
            } => {
                m.insert("d".into(), b64::encode(&p.d()?).into());
            }
            Material::X25519 {
                secret: Some(s), ..
            } => {
                m.insert("d".into(), b64::encode(s.as_bytes()).into());
            }
            _ => {}
        }
        self.metadata(&mut m);
        if let Some(ops) = &self.key_ops {
            m.insert("key_ops".into(), json!(ops));
        }
        let mut value = Value::Object(m);
        let text = Zeroizing::new(value.to_string());
        if let Value::Object(m) = &mut value {
            json::wipe_private_members(m);
        }
        Ok(text)
    }

    /// Whether this key's type (and size) fits `alg` (and `enc`, for `dir`).
    pub(crate) fn check_type(
        &self,
        alg: KeyAlgorithm,
        enc: Option<ContentAlgorithm>,
    ) -> Result<()> {
        let family = alg.family();
        match (&*self.material, family) {
            (Material::Secret(k), Family::Dir) => match enc {
                Some(enc) if k.len() != enc.key_len() => Err(Error::invalid_key(format!(
                    "dir with {enc} needs a {}-byte key, not {} bytes",
                    enc.key_len(),
                    k.len()
                ))),
                _ => Ok(()),
            },
            (Material::Secret(k), Family::AesKw | Family::AesGcmKw) => {
                let want = alg.kw_len().unwrap_or_default();
                if k.len() == want {
                    Ok(())
                } else {
                    Err(Error::invalid_key(format!(
                        "{alg} needs a {want}-byte key, not {} bytes",
                        k.len()
                    )))
                }
            }
            (Material::Secret(_), Family::Pbes2)
            | (Material::Rsa { .. }, Family::RsaOaep)
            | (Material::Ec { .. } | Material::X25519 { .. }, Family::EcdhEs | Family::Ecdh1Pu) => {
                Ok(())
            }
            _ => {
                let what = match self.kind() {
                    KeyKind::Symmetric => "a symmetric secret".to_owned(),
                    KeyKind::Rsa => "an RSA key".to_owned(),
                    KeyKind::Ec(c) => format!("an EC {} key", c.name()),
                    KeyKind::X25519 => "an X25519 key".to_owned(),
                };
                Err(Error::invalid_key(format!(
                    "{alg} cannot be used with {what}"
                )))
            }
        }
    }

    /// Every check before using the key: type and size, the key's own `alg`, `use` and
    /// `key_ops`.
    pub(crate) fn check(&self, alg: KeyAlgorithm, enc: ContentAlgorithm, op: Op) -> Result<()> {
        self.check_type(alg, Some(enc))?;
        if let Some(own) = self.alg {
            if own != alg {
                return Err(Error::invalid_key(format!(
                    "this key is for {own}, not {alg}"
                )));
            }
        }
        if let Some(own) = self.alg_enc {
            if own != enc {
                return Err(Error::invalid_key(format!(
                    "this key is for dir with {own}, not {enc}"
                )));
            }
        }
        if let Some(u) = &self.usage {
            if u != "enc" {
                return Err(Error::invalid_key(format!(
                    "this key's use is {}, not \"enc\"",
                    quote(u)
                )));
            }
        }
        if let Some(ops) = &self.key_ops {
            let wanted: &[&str] = match (alg.family(), op) {
                (Family::Dir, Op::Encrypt) => &["encrypt"],
                (Family::Dir, Op::Decrypt) => &["decrypt"],
                (Family::EcdhEs | Family::Ecdh1Pu, Op::Encrypt) => {
                    &["deriveKey", "deriveBits", "wrapKey", "encrypt"]
                }
                (Family::EcdhEs | Family::Ecdh1Pu, Op::Decrypt) => {
                    &["deriveKey", "deriveBits", "unwrapKey", "decrypt"]
                }
                (_, Op::Encrypt) => &["wrapKey", "encrypt"],
                (_, Op::Decrypt) => &["unwrapKey", "decrypt"],
            };
            if !ops.iter().any(|o| wanted.contains(&o.as_str())) {
                return Err(Error::invalid_key(format!(
                    "this key's key_ops do not include {}",
                    wanted
                        .iter()
                        .map(|w| format!("\"{w}\""))
                        .collect::<Vec<_>>()
                        .join(" or ")
                )));
            }
        }
        Ok(())
    }

    pub(crate) fn secret(&self) -> Option<&[u8]> {
        match &*self.material {
            Material::Secret(k) => Some(k),
            _ => None,
        }
    }

    /// The AES-GCM key schedule of a 16-, 24- or 32-byte secret, made on first use and kept.
    pub(crate) fn gcm(&self) -> Option<&GcmKey> {
        match &*self.material {
            Material::Secret(k) => k.gcm.get_or_init(|| GcmKey::new(k)).as_ref(),
            _ => None,
        }
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Key");
        d.field("kind", &self.kind());
        if let Some(bits) = self.rsa_bits() {
            d.field("bits", &bits);
        }
        d.field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("private", &self.is_private())
            .finish_non_exhaustive()
    }
}
