//! Signing and verification keys: HMAC secrets, RSA, EC (P-256/384/521, secp256k1) and Ed25519,
//! from JWK, PEM, OpenSSH public keys or raw bytes, or freshly generated.

use std::fmt;
use std::sync::Arc;

use once_cell::sync::OnceCell;

use hmac::{Hmac, KeyInit, Mac};

use serde_json::{Map, Value, json};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use super::alg::{Algorithm, KeyType};
use super::backend::{EcSigner, EcVerifier, EdSigner, EdVerifier, RsaSigner, RsaVerifier};
use super::parts::{Curve, EcCurve, EcParts, EdParts, RsaParts, RsaPrivateParts};
use super::pem::{self, Parsed};
use crate::b64;
use crate::error::{Error, ErrorKind, Result, quote};
use crate::json;

#[allow(clippy::large_enum_variant, reason = "one per key, behind an Arc")]
enum Material {
    Hmac(HmacSecret),
    Rsa {
        parts: RsaParts,
        signer: Option<RsaSigner>,
        verifier: RsaVerifier,
    },
    Ec {
        parts: EcParts,
        signer: Option<EcSigner>,
        verifier: EcVerifier,
    },
    Ed {
        parts: EdParts,
        signer: Option<EdSigner>,
        verifier: EdVerifier,
    },
}

/// A key for signing or verifying JWS tokens.
///
/// The key decides which algorithms it may be used with: an HMAC secret only for HS*, an RSA key
/// only for RS*/PS*, an EC key only for the ES* of its curve (ES256K for secp256k1), an Ed25519
/// key only for `EdDSA` and `Ed25519`. So an
/// RSA public key can never be misused as an HMAC secret (the classic algorithm confusion).
/// Cloning is cheap (the key material is shared); private material is zeroized on drop.
///
/// ```
/// use hxjwt::jws::{Algorithm, Key};
/// let secret = Key::from_secret(b"a secret of at least thirty-two bytes!!")?;
/// let ec = Key::generate(Algorithm::ES256)?;
/// let public = ec.to_public()?;                 // what verifiers get
/// assert!(!public.is_private());
/// assert_eq!(public.thumbprint(), ec.thumbprint());
/// # Ok::<(), hxjwt::Error>(())
/// ```
#[derive(Clone)]
#[allow(clippy::struct_field_names, reason = "key_ops is the JWK member name")]
pub struct Key {
    material: Arc<Material>,
    /// The namespace of this key's one-time tokens in a replay store, computed once (it
    /// depends on the material only, so clones and `with_kid` share it).
    replay_namespace: Arc<OnceCell<String>>,
    kid: Option<String>,
    alg: Option<Algorithm>,
    usage: Option<String>,
    key_ops: Option<Vec<String>>,
    allow_short_secret: bool,
}

pub(crate) fn str_member<'a>(jwk: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>> {
    match jwk.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::invalid_key(format!(
            "JWK member \"{name}\" must be a string"
        ))),
    }
}

pub(crate) fn bytes_member(
    jwk: &Map<String, Value>,
    name: &str,
) -> Result<Option<Zeroizing<Vec<u8>>>> {
    str_member(jwk, name)?
        .map(|s| {
            b64::decode(s, &format!("JWK member \"{name}\""))
                .map(Zeroizing::new)
                .map_err(|e| Error::invalid_key(e.detail().to_owned()))
        })
        .transpose()
}

pub(crate) fn required(jwk: &Map<String, Value>, name: &str) -> Result<Zeroizing<Vec<u8>>> {
    bytes_member(jwk, name)?
        .ok_or_else(|| Error::invalid_key(format!("JWK is missing member \"{name}\"")))
}

pub(crate) fn exact(v: &[u8], len: usize, what: &str) -> Result<()> {
    if v.len() == len {
        Ok(())
    } else {
        Err(Error::invalid_key(format!(
            "{what} must be exactly {len} bytes, not {}",
            v.len()
        )))
    }
}

/// Whether the bytes look like an asymmetric key (PEM, OpenSSH) rather than a secret.
pub(crate) fn looks_like_public_key(secret: &[u8]) -> bool {
    const PREFIXES: [&[u8]; 7] = [
        b"-----BEGIN ",
        b"ssh-rsa ",
        b"ssh-ed25519 ",
        b"ssh-dss ",
        b"ecdsa-sha2-nistp",
        b"sk-ecdsa-sha2-nistp",
        b"sk-ssh-ed25519",
    ];
    let text = secret.trim_ascii_start();
    PREFIXES.iter().any(|p| text.starts_with(p))
}

/// Rejects Ed25519 public keys that are not canonical points or have small order.
fn check_ed25519_public(x: &[u8; 32]) -> Result<()> {
    let point = curve25519_dalek::edwards::CompressedEdwardsY(*x)
        .decompress()
        .ok_or_else(|| Error::invalid_key("the Ed25519 public key is not a curve point"))?;
    if point.is_small_order() {
        return Err(Error::invalid_key("the Ed25519 public key has small order"));
    }
    if point.compress().as_bytes() != x {
        return Err(Error::invalid_key(
            "the Ed25519 public key is not canonically encoded",
        ));
    }
    Ok(())
}

/// Whether `v` (big-endian) is in 1..n-1 for the curve order `n`; `v.len() == n.len()`.
fn in_scalar_range(v: &[u8], n: &[u8]) -> bool {
    v.iter().any(|b| *b != 0) && v < n
}

/// The Ed25519 group order L, little-endian.
const ED25519_L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
];

/// Whether the little-endian scalar `s` is < L (a canonical S of RFC 8032 §5.1.7).
fn ed25519_s_is_canonical(s: &[u8]) -> bool {
    s.len() == 32 && s.iter().rev().lt(ED25519_L.iter().rev())
}

/// Whether `r` (the first half of an Ed25519 signature) is a canonically encoded point that is not
/// of small order. Only the key's owner can make a signature with a small-order `R` verify, but
/// aws-lc accepts one and ed25519-dalek's `verify_strict` does not: checking here makes both
/// backends agree (and refuses what strict verifiers refuse).
///
/// Without decompressing `R` (a field inversion and a square root, once the costliest part of
/// verification after the backend's own work): an `R` that is not a point on the curve cannot
/// equal the encoding the verifier recomputes, so only two things need refusing here: a
/// non-canonical `y` (≥ p), and the eight torsion points (compared without the sign bit, which
/// also refuses the non-canonical encodings of the two points whose x is 0).
fn ed25519_r_is_acceptable(r: &[u8]) -> bool {
    static SMALL_ORDER: OnceCell<[[u8; 32]; 8]> = OnceCell::new();
    let Ok(mut y) = <[u8; 32]>::try_from(r) else {
        return false;
    };
    if let Some(last) = y.last_mut() {
        *last &= 0x7f;
    }
    // p = 2^255 - 19, little-endian: ed ff … ff 7f.
    let mut p = [0xffu8; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    if !y.iter().rev().lt(p.iter().rev()) {
        return false;
    }
    let small = SMALL_ORDER.get_or_init(|| {
        curve25519_dalek::constants::EIGHT_TORSION.map(|t| {
            let mut e = t.compress().to_bytes();
            e[31] &= 0x7f;
            e
        })
    });
    !small.contains(&y)
}

impl Key {
    fn from_material(material: Material) -> Key {
        Key {
            material: Arc::new(material),
            replay_namespace: Arc::new(OnceCell::new()),
            kid: None,
            alg: None,
            usage: None,
            key_ops: None,
            allow_short_secret: false,
        }
    }

    /// An HMAC secret (HS256/384/512). Secrets shorter than the algorithm's hash output are
    /// refused when used, unless [`allow_short_secret`](Self::allow_short_secret) is called;
    /// bytes that look like a PEM or OpenSSH key are refused outright, since using a public key
    /// as an HMAC secret is how algorithm-confusion attacks work.
    pub fn from_secret(secret: impl AsRef<[u8]>) -> Result<Key> {
        let secret = secret.as_ref();
        if secret.is_empty() {
            return Err(Error::invalid_key("the HMAC secret is empty"));
        }
        if Key::looks_like_public_key(secret) {
            return Err(Error::invalid_key(
                "this looks like a PEM or OpenSSH key, not an HMAC secret: load it with \
                 Key::from_pem (PEM) or Key::from_openssh (an OpenSSH public key line)",
            ));
        }
        Ok(Key::from_material(Material::Hmac(HmacSecret::new(
            Zeroizing::new(secret.to_vec()),
        ))))
    }

    /// Whether `bytes` look like an asymmetric key (a PEM block, or an OpenSSH public key line
    /// such as `ssh-ed25519 AAAA…`) rather than a secret: [`from_secret`](Self::from_secret) and
    /// `oct` JWKs refuse such bytes. For faces that want to say which call to make instead.
    ///
    /// ```
    /// use hxjwt::jws::Key;
    /// assert!(Key::looks_like_public_key(b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA user@host"));
    /// assert!(!Key::looks_like_public_key(b"a secret of at least thirty-two bytes!!"));
    /// ```
    pub fn looks_like_public_key(bytes: &[u8]) -> bool {
        looks_like_public_key(bytes)
    }

    /// Accepts HMAC secrets shorter than the hash output (RFC 7518 §3.2 forbids them; use only
    /// for interoperating with systems that already issue such tokens).
    #[must_use]
    pub fn allow_short_secret(mut self) -> Key {
        self.allow_short_secret = true;
        self
    }

    /// Sets the key id (`kid`), written into headers by [`encode`](super::encode) and matched
    /// by [`KeySet`](super::KeySet).
    #[must_use]
    pub fn with_kid(mut self, kid: impl Into<String>) -> Key {
        self.kid = Some(kid.into());
        self
    }

    /// Restricts the key to one algorithm (the JWK `alg` member).
    pub fn with_algorithm(mut self, alg: Algorithm) -> Result<Key> {
        self.check_type(alg)?;
        self.alg = Some(alg);
        Ok(self)
    }

    /// A PEM key: `PRIVATE KEY` (PKCS#8), `PUBLIC KEY` (SPKI), `RSA PRIVATE KEY`,
    /// `RSA PUBLIC KEY` (PKCS#1) or `EC PRIVATE KEY` (SEC1), on P-256, P-384, P-521 or
    /// secp256k1. RSA keys must have 2048 to 8192 bits. An OpenSSH public key line
    /// (`ssh-ed25519 …`, `ecdsa-sha2-nistp256 …`, `ssh-rsa …`) is accepted too, as by
    /// [`from_openssh`](Self::from_openssh), so that one loader takes any key text.
    pub fn from_pem(pem: &str) -> Result<Key> {
        if pem::is_openssh(pem) {
            return Key::from_openssh(pem);
        }
        Key::from_parsed(pem::parse_pem(pem)?)
    }

    /// A verification key from an OpenSSH public key line (`authorized_keys` / `.pub` format,
    /// RFC 4253 §6.6 and RFC 5656 §3.1): `ssh-ed25519` (`EdDSA`, `Ed25519`),
    /// `ecdsa-sha2-nistp256`/`384`/`521` (ES256/384/512) or `ssh-rsa` (RS*/PS*, 2048 to 8192
    /// bits), followed by the base64 key and an optional comment. Always a public key: it can
    /// verify, never sign, and never serve as an HMAC secret. DSA, certificates, FIDO (`sk-`)
    /// keys, `authorized_keys` options and OpenSSH private keys are refused with
    /// [`ErrorKind::InvalidKey`].
    ///
    /// ```
    /// use hxjwt::jws::{Algorithm, Key, KeyType};
    /// let line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMWVmTRLure4Ggbu10A4aZizd617mHTpCrX7tN4CgZtG ci";
    /// let key = Key::from_openssh(line)?;
    /// assert_eq!(key.key_type(), KeyType::Ed25519);
    /// assert!(!key.is_private());
    /// assert_eq!(key.algorithms(), [Algorithm::EdDSA, Algorithm::Ed25519]);
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn from_openssh(text: &str) -> Result<Key> {
        Key::from_parsed(pem::parse_openssh(text)?)
    }

    fn from_parsed(parsed: Parsed) -> Result<Key> {
        match parsed {
            Parsed::Rsa(parts) => Key::from_rsa(parts),
            Parsed::Ec(parts) => Key::from_ec(parts),
            Parsed::Ed(parts) => Key::from_ed(parts),
        }
    }

    /// A DER key: PKCS#8 private key or SPKI public key.
    pub fn from_der(der: &[u8]) -> Result<Key> {
        let parsed = match pem::parse_pkcs8(der) {
            Ok(p) => p,
            Err(_) => {
                let pem =
                    pem_rfc7468::encode_string("PUBLIC KEY", pem_rfc7468::LineEnding::LF, der)
                        .map_err(|_| Error::invalid_key("not a DER key"))?;
                pem::parse_pem(&pem)?
            }
        };
        Key::from_parsed(parsed)
    }

    fn from_rsa(parts: RsaParts) -> Result<Key> {
        let parts = parts.normalized()?;
        let verifier = RsaVerifier::new(&parts.n, &parts.e)?;
        let signer = parts
            .private
            .as_ref()
            .map(|p| RsaSigner::new(&parts.n, &parts.e, p))
            .transpose()?;
        Ok(Key::from_material(Material::Rsa {
            parts,
            signer,
            verifier,
        }))
    }

    fn from_ec(parts: EcParts) -> Result<Key> {
        let n = parts.curve.coordinate_len();
        exact(&parts.x, n, "the EC x coordinate")?;
        exact(&parts.y, n, "the EC y coordinate")?;
        let verifier = EcVerifier::new(parts.curve, &parts.x, &parts.y)?;
        let signer = match &parts.d {
            Some(d) => {
                exact(d, n, "the EC private key")?;
                if !in_scalar_range(d, parts.curve.order()) {
                    return Err(Error::invalid_key("the EC private key is out of range"));
                }
                Some(EcSigner::new(&parts, d)?)
            }
            None => None,
        };
        Ok(Key::from_material(Material::Ec {
            parts,
            signer,
            verifier,
        }))
    }

    fn from_ed(parts: EdParts) -> Result<Key> {
        check_ed25519_public(&parts.x)?;
        let verifier = EdVerifier::new(&parts.x)?;
        let signer = match &parts.d {
            Some(d) => {
                let derived = super::backend::ed_public(d)?;
                if !bool::from(derived.ct_eq(&parts.x)) {
                    return Err(Error::invalid_key(
                        "the Ed25519 private key does not match its public key",
                    ));
                }
                Some(EdSigner::new(&parts.x, d)?)
            }
            None => None,
        };
        Ok(Key::from_material(Material::Ed {
            parts,
            signer,
            verifier,
        }))
    }

    /// A JWK (RFC 7517/7518/8037/8812), private or public: `kty` `oct`, `RSA`, `EC` (P-256,
    /// P-384, P-521, secp256k1) or `OKP` (Ed25519). `kid`, `alg`, `use` and `key_ops` are kept
    /// and enforced (an Ed25519 JWK with `"alg": "EdDSA"` serves `EdDSA` only, one with
    /// `"Ed25519"` serves `Ed25519` only, one without `alg` both). An `oct` secret that looks
    /// like a PEM or OpenSSH key is refused, as by [`from_secret`](Self::from_secret).
    pub fn from_jwk(jwk: &str) -> Result<Key> {
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
                if looks_like_public_key(&k) {
                    return Err(Error::invalid_key(
                        "JWK member \"k\" holds a PEM or OpenSSH key, not an HMAC secret: \
                         give the key as its own JWK (RSA, EC, OKP) instead",
                    ));
                }
                Key::from_material(Material::Hmac(HmacSecret::new(k)))
            }
            "RSA" => {
                if jwk.contains_key("oth") {
                    return Err(Error::invalid_key("multi-prime RSA keys are not supported"));
                }
                let n = required(jwk, "n")?.to_vec();
                let e = required(jwk, "e")?.to_vec();
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
                Key::from_rsa(RsaParts { n, e, private })?
            }
            "EC" => {
                let crv = str_member(jwk, "crv")?
                    .ok_or_else(|| Error::invalid_key("JWK is missing member \"crv\""))?;
                let curve = EcCurve::from_name(crv).ok_or_else(|| {
                    Error::invalid_key(format!(
                        "EC curve {} is not supported (P-256, P-384, P-521, secp256k1)",
                        quote(crv)
                    ))
                })?;
                Key::from_ec(EcParts {
                    curve,
                    x: required(jwk, "x")?.to_vec(),
                    y: required(jwk, "y")?.to_vec(),
                    d: bytes_member(jwk, "d")?,
                })?
            }
            "OKP" => {
                match str_member(jwk, "crv")? {
                    Some("Ed25519") => {}
                    Some("X25519") => {
                        return Err(Error::invalid_key(
                            "an X25519 key is for HX1 key agreement, not for signatures",
                        ));
                    }
                    Some(other) => {
                        return Err(Error::invalid_key(format!(
                            "OKP curve {} is not supported (Ed25519)",
                            quote(other)
                        )));
                    }
                    None => return Err(Error::invalid_key("JWK is missing member \"crv\"")),
                }
                let x = required(jwk, "x")?;
                exact(&x, 32, "the Ed25519 public key")?;
                let d = bytes_member(jwk, "d")?
                    .map(|d| {
                        exact(&d, 32, "the Ed25519 private key")?;
                        let mut seed = Zeroizing::new([0u8; 32]);
                        seed.copy_from_slice(&d);
                        Ok::<_, Error>(seed)
                    })
                    .transpose()?;
                let mut xa = [0u8; 32];
                xa.copy_from_slice(&x);
                Key::from_ed(EdParts { x: xa, d })?
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
            let alg = Algorithm::from_name(alg).ok_or_else(|| {
                Error::invalid_key(format!("JWK alg {} is not a JWS algorithm", quote(alg)))
            })?;
            key = key.with_algorithm(alg)?;
        }
        key.usage = str_member(jwk, "use")?.map(str::to_owned);
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

    /// A new key for `alg`, from the OS CSPRNG: a hash-sized HMAC secret, a 2048-bit RSA key,
    /// a key on the algorithm's curve, or an Ed25519 key. The key is restricted to `alg`.
    pub fn generate(alg: Algorithm) -> Result<Key> {
        let key = match alg.key_type() {
            KeyType::Hmac => {
                let mut secret = Zeroizing::new(vec![0u8; alg.min_secret_len()]);
                crate::random::fill(&mut secret)?;
                Key::from_material(Material::Hmac(HmacSecret::new(secret)))
            }
            KeyType::Rsa => Key::from_rsa(super::backend::rsa_generate(2048)?)?,
            KeyType::Ec => Key::from_ec(super::backend::ec_generate(match alg {
                Algorithm::ES384 => EcCurve::Nist(Curve::P384),
                Algorithm::ES512 => EcCurve::Nist(Curve::P521),
                Algorithm::ES256K => EcCurve::Secp256k1,
                _ => EcCurve::Nist(Curve::P256),
            })?)?,
            KeyType::Ed25519 => Key::from_ed(super::backend::ed_generate()?)?,
        };
        let key = key.with_algorithm(alg)?;
        let kid = key.thumbprint();
        Ok(key.with_kid(kid))
    }

    /// A new RSA key of `bits` (2048, 3072, 4096 or 8192) for `alg` (RS* or PS*).
    pub fn generate_rsa(alg: Algorithm, bits: usize) -> Result<Key> {
        if alg.key_type() != KeyType::Rsa {
            return Err(Error::invalid_argument(format!(
                "{alg} is not an RSA algorithm"
            )));
        }
        let key = Key::from_rsa(super::backend::rsa_generate(bits)?)?.with_algorithm(alg)?;
        let kid = key.thumbprint();
        Ok(key.with_kid(kid))
    }

    /// Whether signing claims of `claims_len` bytes with this key is only a few microseconds of
    /// work: an HMAC secret, and a token within [`CHEAP_TOKEN_LEN`](crate::jwe::CHEAP_TOKEN_LEN)
    /// (its payload segment is 4/3 of the claims). The signing side of
    /// [`Validation::is_cheap`](super::Validation::is_cheap), for faces over a runtime lock.
    ///
    /// ```
    /// use hxjwt::jws::{Algorithm, Key};
    /// let secret = Key::from_secret([7u8; 32])?;
    /// assert!(secret.is_cheap_to_sign(500));
    /// assert!(!secret.is_cheap_to_sign(1 << 20));
    /// assert!(!Key::generate(Algorithm::ES256)?.is_cheap_to_sign(500));
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn is_cheap_to_sign(&self, claims_len: usize) -> bool {
        self.key_type() == KeyType::Hmac
            && crate::b64::encoded_len(claims_len) <= crate::jwe::CHEAP_TOKEN_LEN
    }

    /// The kind of key.
    pub fn key_type(&self) -> KeyType {
        match &*self.material {
            Material::Hmac(_) => KeyType::Hmac,
            Material::Rsa { .. } => KeyType::Rsa,
            Material::Ec { .. } => KeyType::Ec,
            Material::Ed { .. } => KeyType::Ed25519,
        }
    }

    /// The NIST curve of an EC key (`None` for secp256k1, which is not a [`Curve`] since JWE's
    /// ECDH-ES does not use it: see [`crv`](Self::crv)).
    pub fn curve(&self) -> Option<Curve> {
        match &*self.material {
            Material::Ec {
                parts:
                    EcParts {
                        curve: EcCurve::Nist(c),
                        ..
                    },
                ..
            } => Some(*c),
            _ => None,
        }
    }

    /// The JWK `crv` of an EC or Ed25519 key: `"P-256"`, `"P-384"`, `"P-521"`, `"secp256k1"`
    /// or `"Ed25519"`.
    ///
    /// ```
    /// use hxjwt::jws::{Algorithm, Key};
    /// assert_eq!(Key::generate(Algorithm::ES256K)?.crv(), Some("secp256k1"));
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn crv(&self) -> Option<&'static str> {
        match &*self.material {
            Material::Ec { parts, .. } => Some(parts.curve.name()),
            Material::Ed { .. } => Some("Ed25519"),
            _ => None,
        }
    }

    /// The RSA modulus size in bits.
    pub fn rsa_bits(&self) -> Option<usize> {
        match &*self.material {
            Material::Rsa { parts, .. } => Some(parts.bits()),
            _ => None,
        }
    }

    /// The key id, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The one algorithm this key is restricted to, if any.
    pub fn algorithm(&self) -> Option<Algorithm> {
        self.alg
    }

    /// The JWK `use`, if any.
    pub fn usage(&self) -> Option<&str> {
        self.usage.as_deref()
    }

    /// Whether the key can sign (an HMAC secret, or a private key).
    pub fn is_private(&self) -> bool {
        match &*self.material {
            Material::Hmac(_) => true,
            Material::Rsa { signer, .. } => signer.is_some(),
            Material::Ec { signer, .. } => signer.is_some(),
            Material::Ed { signer, .. } => signer.is_some(),
        }
    }

    /// The algorithms this key can be used with.
    pub fn algorithms(&self) -> Vec<Algorithm> {
        Algorithm::ALL
            .into_iter()
            .filter(|a| self.check_type(*a).is_ok() && self.alg.is_none_or(|k| k == *a))
            .collect()
    }

    /// The public half (the same key for an HMAC secret is an error: it has no public half).
    pub fn to_public(&self) -> Result<Key> {
        let mut public = match &*self.material {
            Material::Hmac(_) => {
                return Err(Error::invalid_key(
                    "an HMAC secret has no public half; it must not be published",
                ));
            }
            Material::Rsa { parts, .. } => Key::from_rsa(RsaParts {
                n: parts.n.clone(),
                e: parts.e.clone(),
                private: None,
            })?,
            Material::Ec { parts, .. } => Key::from_ec(EcParts {
                curve: parts.curve,
                x: parts.x.clone(),
                y: parts.y.clone(),
                d: None,
            })?,
            Material::Ed { parts, .. } => Key::from_ed(EdParts {
                x: parts.x,
                d: None,
            })?,
        };
        public.kid.clone_from(&self.kid);
        public.alg = self.alg;
        public.usage.clone_from(&self.usage);
        public.key_ops = self.key_ops.as_ref().map(|ops| {
            ops.iter()
                .filter(|op| op.as_str() == "verify")
                .cloned()
                .collect()
        });
        Ok(public)
    }

    /// The required members of RFC 7638, in lexicographic order.
    fn thumbprint_members(&self) -> Map<String, Value> {
        let mut m = Map::new();
        match &*self.material {
            Material::Hmac(k) => {
                m.insert("k".into(), b64::encode(k).into());
                m.insert("kty".into(), "oct".into());
            }
            Material::Rsa { parts, .. } => {
                m.insert("e".into(), b64::encode(&parts.e).into());
                m.insert("kty".into(), "RSA".into());
                m.insert("n".into(), b64::encode(&parts.n).into());
            }
            Material::Ec { parts, .. } => {
                m.insert("crv".into(), parts.curve.name().into());
                m.insert("kty".into(), "EC".into());
                m.insert("x".into(), b64::encode(&parts.x).into());
                m.insert("y".into(), b64::encode(&parts.y).into());
            }
            Material::Ed { parts, .. } => {
                m.insert("crv".into(), "Ed25519".into());
                m.insert("kty".into(), "OKP".into());
                m.insert("x".into(), b64::encode(&parts.x).into());
            }
        }
        m
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url). For an HMAC secret it is computed over
    /// the secret, so treat it as sensitive.
    pub fn thumbprint(&self) -> String {
        // serde_json's Map is ordered by key, which is exactly RFC 7638's order.
        let text = Zeroizing::new(Value::Object(self.thumbprint_members()).to_string());
        b64::encode(&Sha256::digest(text.as_bytes()))
    }

    /// The namespace of the tokens this key verifies in a replay store: the RFC 7638
    /// thumbprint for a public-key type (public information), and for an HMAC secret a
    /// domain-separated 128-bit digest of its thumbprint, so that the store never holds the
    /// secret's thumbprint itself. Computed once per key.
    pub(crate) fn replay_namespace(&self) -> &str {
        self.replay_namespace.get_or_init(|| {
            let thumbprint = self.thumbprint();
            if matches!(*self.material, Material::Hmac(_)) {
                let mut h = Sha256::new();
                h.update(b"hxjwt jws replay namespace\0");
                h.update(thumbprint.as_bytes());
                let d = h.finalize();
                format!("oct-{}", b64::encode(d.get(..16).unwrap_or(&d)))
            } else {
                thumbprint
            }
        })
    }

    fn metadata(&self, m: &mut Map<String, Value>) {
        if let Some(kid) = &self.kid {
            m.insert("kid".into(), kid.clone().into());
        }
        if let Some(alg) = self.alg {
            m.insert("alg".into(), alg.name().into());
        }
        if let Some(u) = &self.usage {
            m.insert("use".into(), u.clone().into());
        }
    }

    /// The public JWK (no private members). Fails for HMAC secrets.
    pub fn to_public_jwk(&self) -> Result<Value> {
        if matches!(&*self.material, Material::Hmac(_)) {
            return Err(Error::invalid_key(
                "an HMAC secret has no public JWK; it must not be published",
            ));
        }
        let mut m = self.thumbprint_members();
        self.metadata(&mut m);
        if let Some(ops) = &self.key_ops {
            let public_ops: Vec<Value> = ops
                .iter()
                .filter(|op| op.as_str() == "verify")
                .map(|op| Value::from(op.as_str()))
                .collect();
            m.insert("key_ops".into(), public_ops.into());
        }
        Ok(Value::Object(m))
    }

    /// The full JWK **including private members** (`d`, RSA CRT numbers, or the HMAC `k`),
    /// as compact JSON, zeroized on drop. Explicit by design: publish
    /// [`to_public_jwk`](Self::to_public_jwk) instead.
    pub fn to_private_jwk(&self) -> Zeroizing<String> {
        let mut m = self.thumbprint_members();
        match &*self.material {
            Material::Rsa {
                parts: RsaParts {
                    private: Some(p), ..
                },
                ..
            } => {
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
                parts: EcParts { d: Some(d), .. },
                ..
            } => {
                m.insert("d".into(), b64::encode(d).into());
            }
            Material::Ed {
                parts: EdParts { d: Some(d), .. },
                ..
            } => {
                m.insert("d".into(), b64::encode(&**d).into());
            }
            _ => {}
        }
        self.metadata(&mut m);
        if let Some(ops) = &self.key_ops {
            m.insert("key_ops".into(), json!(ops));
        }
        Zeroizing::new(Value::Object(m).to_string())
    }

    /// Whether this key's type and curve fit `alg` (nothing else).
    fn check_type(&self, alg: Algorithm) -> Result<()> {
        let fits = match (&*self.material, alg.key_type()) {
            (Material::Hmac(_), KeyType::Hmac)
            | (Material::Rsa { .. }, KeyType::Rsa)
            | (Material::Ed { .. }, KeyType::Ed25519) => true,
            (Material::Ec { parts, .. }, KeyType::Ec) => matches!(
                (parts.curve, alg),
                (EcCurve::Nist(Curve::P256), Algorithm::ES256)
                    | (EcCurve::Nist(Curve::P384), Algorithm::ES384)
                    | (EcCurve::Nist(Curve::P521), Algorithm::ES512)
                    | (EcCurve::Secp256k1, Algorithm::ES256K)
            ),
            _ => false,
        };
        if fits {
            Ok(())
        } else {
            let what = match &*self.material {
                Material::Hmac(_) => "an HMAC secret".to_owned(),
                Material::Rsa { .. } => "an RSA key".to_owned(),
                Material::Ec { parts, .. } => format!("an EC {} key", parts.curve.name()),
                Material::Ed { .. } => "an Ed25519 key".to_owned(),
            };
            Err(Error::invalid_key(format!(
                "{alg} cannot be used with {what}"
            )))
        }
    }

    /// Every check before using the key with `alg`: type and curve, the key's own `alg`, `use`,
    /// `key_ops`, and the minimum HMAC secret length.
    pub(crate) fn check(&self, alg: Algorithm, signing: bool) -> Result<()> {
        self.check_type(alg)?;
        if let Some(own) = self.alg {
            if own != alg {
                return Err(Error::invalid_key(format!(
                    "this key is for {own}, not {alg}"
                )));
            }
        }
        if let Some(u) = &self.usage {
            if u != "sig" {
                return Err(Error::invalid_key(format!(
                    "this key's use is {}, not \"sig\"",
                    quote(u)
                )));
            }
        }
        let op = if signing { "sign" } else { "verify" };
        if let Some(ops) = &self.key_ops {
            if !ops.iter().any(|o| o == op) {
                return Err(Error::invalid_key(format!(
                    "this key's key_ops do not include \"{op}\""
                )));
            }
        }
        if let Material::Hmac(secret) = &*self.material {
            if !self.allow_short_secret && secret.len() < alg.min_secret_len() {
                return Err(Error::invalid_key(format!(
                    "the HMAC secret is {} bytes; {alg} needs at least {} (RFC 7518 §3.2). \
                     Use a longer secret, or allow short secrets explicitly",
                    secret.len(),
                    alg.min_secret_len()
                )));
            }
        }
        Ok(())
    }

    /// Signs `msg` with `alg`.
    pub(crate) fn sign(&self, alg: Algorithm, msg: &[u8]) -> Result<Vec<u8>> {
        self.check(alg, true)?;
        let no_private = || Error::invalid_key("a public key cannot sign");
        match &*self.material {
            Material::Hmac(secret) => secret.tag(alg, msg),
            Material::Rsa { signer, .. } => signer.as_ref().ok_or_else(no_private)?.sign(alg, msg),
            Material::Ec { signer, .. } => signer.as_ref().ok_or_else(no_private)?.sign(msg),
            Material::Ed { signer, .. } => Ok(signer.as_ref().ok_or_else(no_private)?.sign(msg)),
        }
    }

    /// Verifies `sig` over `msg` with `alg`: `Ok(())` or [`ErrorKind::InvalidSignature`].
    pub(crate) fn verify(&self, alg: Algorithm, msg: &[u8], sig: &[u8]) -> Result<()> {
        self.check(alg, false)?;
        let ok = match &*self.material {
            Material::Hmac(secret) => secret.verify(alg, msg, sig)?,
            Material::Rsa { verifier, .. } => verifier.verify(alg, msg, sig),
            Material::Ec {
                parts, verifier, ..
            } => {
                let n = parts.curve.coordinate_len();
                let order = parts.curve.order();
                sig.len() == 2 * n
                    && sig.split_at_checked(n).is_some_and(|(r, s)| {
                        in_scalar_range(r, order) && in_scalar_range(s, order)
                    })
                    && verifier.verify(msg, sig)
            }
            Material::Ed { verifier, .. } => {
                sig.len() == 64
                    && sig.get(32..).is_some_and(ed25519_s_is_canonical)
                    && sig.get(..32).is_some_and(ed25519_r_is_acceptable)
                    && verifier.verify(msg, sig)
            }
        };
        if ok {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::InvalidSignature,
                format!("the {alg} signature does not verify"),
            ))
        }
    }
}

/// An HMAC secret and, computed on first use, the keyed hash state of each HS algorithm: the
/// inner and outer pads are hashed once per key instead of once per token. Everything here is
/// zeroized on drop (the states through the `zeroize` features of `hmac` and `sha2`).
///
/// The states are boxed: an empty cell is then one null pointer, not a state-sized hole. Inline,
/// the holes were copied from the stack into the key's heap block when the key was built, and
/// carried whatever the stack held there — in `tests/zeroize.rs`, the secret itself — into memory
/// that no drop wipes, since an empty cell drops nothing.
struct HmacSecret {
    secret: Zeroizing<Vec<u8>>,
    hs256: OnceCell<Box<Hmac<Sha256>>>,
    hs384: OnceCell<Box<Hmac<sha2::Sha384>>>,
    hs512: OnceCell<Box<Hmac<sha2::Sha512>>>,
}

impl HmacSecret {
    fn new(secret: Zeroizing<Vec<u8>>) -> Self {
        HmacSecret {
            secret,
            hs256: OnceCell::new(),
            hs384: OnceCell::new(),
            hs512: OnceCell::new(),
        }
    }

    /// The keyed state for `D`, made once.
    fn state<M: KeyInit + Clone>(&self, cell: &OnceCell<Box<M>>) -> Result<M> {
        if let Some(state) = cell.get() {
            return Ok(M::clone(state));
        }
        let state = M::new_from_slice(&self.secret)
            .map_err(|_| Error::new(ErrorKind::Internal, "HMAC key setup failed"))?;
        Ok(M::clone(cell.get_or_init(|| Box::new(state))))
    }

    fn tag(&self, alg: Algorithm, msg: &[u8]) -> Result<Vec<u8>> {
        Ok(match alg {
            Algorithm::HS256 => mac_tag(self.state(&self.hs256)?, msg),
            Algorithm::HS384 => mac_tag(self.state(&self.hs384)?, msg),
            Algorithm::HS512 => mac_tag(self.state(&self.hs512)?, msg),
            _ => return Err(Error::new(ErrorKind::Internal, "not an HMAC algorithm")),
        })
    }

    /// Constant-time comparison (`verify_slice`).
    fn verify(&self, alg: Algorithm, msg: &[u8], sig: &[u8]) -> Result<bool> {
        Ok(match alg {
            Algorithm::HS256 => mac_verify(self.state(&self.hs256)?, msg, sig),
            Algorithm::HS384 => mac_verify(self.state(&self.hs384)?, msg, sig),
            Algorithm::HS512 => mac_verify(self.state(&self.hs512)?, msg, sig),
            _ => return Err(Error::new(ErrorKind::Internal, "not an HMAC algorithm")),
        })
    }
}

impl std::ops::Deref for HmacSecret {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.secret
    }
}

fn mac_tag<M: Mac>(mut m: M, msg: &[u8]) -> Vec<u8> {
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

fn mac_verify<M: Mac>(mut m: M, msg: &[u8], sig: &[u8]) -> bool {
    m.update(msg);
    m.verify_slice(sig).is_ok()
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Key");
        d.field("kty", &self.key_type().kty());
        if let (KeyType::Ec, Some(c)) = (self.key_type(), self.crv()) {
            d.field("crv", &c);
        }
        if let Some(bits) = self.rsa_bits() {
            d.field("bits", &bits);
        }
        d.field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("private", &self.is_private())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, reason = "test code")]
    use super::*;
    use curve25519_dalek::edwards::CompressedEdwardsY;

    /// The definition the fast check replaces: decompresses, is not of small order, and is the
    /// canonical encoding.
    fn by_decompression(bytes: [u8; 32]) -> bool {
        CompressedEdwardsY(bytes)
            .decompress()
            .is_some_and(|p| !p.is_small_order() && p.compress().as_bytes() == &bytes)
    }

    #[test]
    fn the_fast_r_check_refuses_what_the_slow_one_refuses() {
        let mut cases: Vec<[u8; 32]> = Vec::new();
        for t in curve25519_dalek::constants::EIGHT_TORSION {
            let e = t.compress().to_bytes();
            cases.push(e);
            let mut flipped = e;
            flipped[31] ^= 0x80;
            cases.push(flipped);
        }
        for k in 0u8..=18 {
            // y = p + k (non-canonical), both signs.
            let mut y = [0xffu8; 32];
            y[0] = 0xedu8.wrapping_add(k);
            y[31] = 0x7f;
            cases.push(y);
            y[31] |= 0x80;
            cases.push(y);
        }
        for i in 0u64..64 {
            let p = curve25519_dalek::constants::ED25519_BASEPOINT_POINT
                * curve25519_dalek::Scalar::from(i + 1);
            cases.push(p.compress().to_bytes());
            cases.push(
                (p + curve25519_dalek::constants::EIGHT_TORSION[(i % 8) as usize])
                    .compress()
                    .to_bytes(),
            );
        }
        for case in cases {
            let slow = by_decompression(case);
            let fast = ed25519_r_is_acceptable(&case);
            // Where the slow check accepts, the fast one must too; where the fast one accepts a
            // point the slow one refuses, the point must not decompress (the verifier then
            // refuses it, as it can never match a recomputed R).
            if slow != fast {
                assert!(
                    fast && CompressedEdwardsY(case).decompress().is_none(),
                    "{case:02x?}"
                );
            }
        }
        assert!(!ed25519_r_is_acceptable(&[0u8; 31]));
    }
}
