//! JWK Sets (RFC 7517 §5): many keys, selected by `kid`.

use serde_json::{Value, json};

use super::alg::Algorithm;
use super::key::Key;
use crate::error::{Error, ErrorKind, Result, quote};
use crate::json;

/// The most keys a JWK Set may hold.
pub const MAX_KEYS: usize = 10_000;
/// The largest JWK Set document accepted, in bytes.
pub const MAX_JWKS_BYTES: usize = 4 * 1024 * 1024;
/// How many keys are tried for a token without `kid` before giving up.
pub const MAX_KEYS_TRIED: usize = 16;

/// A set of keys, from a JWK Set or built by hand, for verifying tokens from an issuer that
/// rotates keys.
///
/// ```
/// use hxjwt::jws::{Algorithm, Key, KeySet};
/// let old = Key::generate(Algorithm::ES256)?;
/// let new = Key::generate(Algorithm::ES256)?;
/// let private = KeySet::from_keys(vec![old, new]);
/// let published = private.to_public_jwks()?;     // serve this at /.well-known/jwks.json
/// let verifiers = KeySet::from_jwks(&published)?;
/// assert_eq!(verifiers.len(), 2);
/// assert!(verifiers.keys().iter().all(|k| !k.is_private()));
/// # Ok::<(), hxjwt::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct KeySet {
    keys: Vec<Key>,
}

/// Whether a JWK describes a key hxjwt cannot use for JWS, so that a set may carry it.
fn is_foreign(jwk: &serde_json::Map<String, Value>) -> bool {
    let s = |n: &str| jwk.get(n).and_then(Value::as_str);
    let known_kty = matches!(s("kty"), Some("oct" | "RSA" | "EC" | "OKP"));
    let known_crv = match s("kty") {
        Some("EC") => matches!(s("crv"), Some("P-256" | "P-384" | "P-521")),
        Some("OKP") => s("crv") == Some("Ed25519"),
        _ => true,
    };
    let for_signing = s("use").is_none_or(|u| u == "sig");
    let known_alg = s("alg").is_none_or(|a| Algorithm::from_name(a).is_some());
    !(known_kty && known_crv && for_signing && known_alg)
}

impl KeySet {
    /// An empty set.
    pub fn new() -> KeySet {
        KeySet::default()
    }

    /// A set of the given keys.
    pub fn from_keys(keys: Vec<Key>) -> KeySet {
        KeySet { keys }
    }

    /// Parses a JWK Set. Keys hxjwt cannot use for signatures (another `kty` or curve, `use`
    /// `"enc"`, an encryption `alg`, HX1's X25519 keys) are skipped, as RFC 7517 §5 asks; a key
    /// of a supported type that is malformed fails the whole set with [`ErrorKind::InvalidKey`].
    pub fn from_jwks(jwks: &str) -> Result<KeySet> {
        let keys = json::parse_jwk_set(jwks, MAX_JWKS_BYTES, MAX_KEYS)?;
        let mut out = Vec::with_capacity(keys.len());
        for (i, jwk) in keys.iter().enumerate() {
            if is_foreign(jwk) {
                continue;
            }
            let key = Key::from_jwk_map(jwk)
                .map_err(|e| Error::new(e.kind(), format!("JWK Set: keys[{i}]: {}", e.detail())))?;
            out.push(key);
        }
        Ok(KeySet { keys: out })
    }

    /// Reads a JWK Set file.
    #[cfg(feature = "std-fs")]
    pub fn from_jwks_file(path: impl AsRef<std::path::Path>) -> Result<KeySet> {
        let text = crate::hx1::read_limited(path.as_ref(), MAX_JWKS_BYTES)?;
        KeySet::from_jwks(&text)
    }

    /// Adds a key.
    pub fn push(&mut self, key: Key) {
        self.keys.push(key);
    }

    /// The keys.
    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The key with this `kid`, if any.
    pub fn get(&self, kid: &str) -> Option<&Key> {
        self.keys.iter().find(|k| k.kid() == Some(kid))
    }

    /// The keys that may verify a token with this `kid` and `alg`: the keys with that `kid`
    /// (exactly), or, for a token without `kid`, every key that fits `alg` (at most
    /// [`MAX_KEYS_TRIED`]). Fails with [`ErrorKind::KeyNotFound`] when there is none.
    pub fn select(&self, kid: Option<&str>, alg: Algorithm) -> Result<Vec<&Key>> {
        let fits = |k: &&Key| k.algorithms().contains(&alg);
        let found: Vec<&Key> = match kid {
            Some(kid) => self
                .keys
                .iter()
                .filter(|k| k.kid() == Some(kid))
                .filter(fits)
                .collect(),
            None => self.keys.iter().filter(fits).take(MAX_KEYS_TRIED).collect(),
        };
        if found.is_empty() {
            return Err(Error::new(
                ErrorKind::KeyNotFound,
                match kid {
                    Some(kid) => format!("no {alg} key with kid {} in the key set", quote(kid)),
                    None => format!("no {alg} key in the key set"),
                },
            ));
        }
        Ok(found)
    }

    /// The public keys of this set (HMAC secrets are left out: they have no public half).
    pub fn to_public(&self) -> Result<KeySet> {
        let keys = self
            .keys
            .iter()
            .filter(|k| k.key_type() != super::KeyType::Hmac)
            .map(Key::to_public)
            .collect::<Result<_>>()?;
        Ok(KeySet { keys })
    }

    /// The public JWK Set document, ready to publish. HMAC secrets are left out.
    pub fn to_public_jwks(&self) -> Result<String> {
        let keys: Vec<Value> = self
            .keys
            .iter()
            .filter(|k| k.key_type() != super::KeyType::Hmac)
            .map(Key::to_public_jwk)
            .collect::<Result<_>>()?;
        Ok(json!({ "keys": keys }).to_string())
    }
}

impl FromIterator<Key> for KeySet {
    fn from_iter<I: IntoIterator<Item = Key>>(iter: I) -> Self {
        KeySet {
            keys: iter.into_iter().collect(),
        }
    }
}
