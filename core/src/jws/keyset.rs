//! JWK Sets (RFC 7517 §5): many keys, selected by `kid`.

use serde_json::{Value, json};

use super::alg::{Algorithm, KeyType};
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
    skipped: Vec<SkippedKey>,
}

/// A key of a JWK Set that [`KeySet::from_jwks`] left out, and why: RFC 7517 §5 asks a reader
/// to ignore keys it cannot use, and hxjwt reports each one instead of dropping it silently.
///
/// ```
/// use hxjwt::jws::KeySet;
/// let set = KeySet::from_jwks(r#"{"keys":[{"kty":"RSA","use":"enc","kid":"e1","n":"AQAB","e":"AQAB"}]}"#)?;
/// assert!(set.is_empty());
/// let skipped = &set.skipped()[0];
/// assert_eq!((skipped.index, skipped.kid.as_deref()), (0, Some("e1")));
/// assert!(skipped.reason.contains("enc"));
/// # Ok::<(), hxjwt::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SkippedKey {
    /// The key's position in the set's `keys` array.
    pub index: usize,
    /// The key's `kid`, when it has a string one.
    pub kid: Option<String>,
    /// Why hxjwt does not use it (its `kty`, curve, `use` or `alg`).
    pub reason: String,
}

/// Why a JWK describes a key hxjwt cannot use for JWS (so that a set may carry it and it is
/// skipped), or `None` when hxjwt can use it.
fn foreign_reason(jwk: &serde_json::Map<String, Value>) -> Option<String> {
    let s = |n: &str| jwk.get(n).and_then(Value::as_str);
    let kty = match s("kty") {
        Some(kty @ ("oct" | "RSA" | "EC" | "OKP")) => kty,
        Some(other) => {
            return Some(format!(
                "kty {} is not a JWS key type hxjwt supports (oct, RSA, EC, OKP)",
                quote(other)
            ));
        }
        None => return Some("it has no string \"kty\"".to_owned()),
    };
    let crv_ok = match kty {
        "EC" => matches!(s("crv"), Some("P-256" | "P-384" | "P-521")),
        "OKP" => s("crv") == Some("Ed25519"),
        _ => true,
    };
    if !crv_ok {
        return Some(match s("crv") {
            Some(crv) => format!(
                "{kty} curve {} is not used from JWK Sets (EC: P-256, P-384, P-521; OKP: \
                 Ed25519)",
                quote(crv)
            ),
            None => format!("the {kty} key has no string \"crv\""),
        });
    }
    if let Some(u) = s("use").filter(|u| *u != "sig") {
        return Some(format!("its use is {}, not \"sig\"", quote(u)));
    }
    if let Some(a) = s("alg").filter(|a| Algorithm::from_name(a).is_none()) {
        return Some(format!("its alg {} is not a JWS algorithm", quote(a)));
    }
    None
}

impl KeySet {
    /// An empty set.
    pub fn new() -> KeySet {
        KeySet::default()
    }

    /// A set of the given keys. A set built by hand is the caller's choice: it may mix key
    /// kinds and repeat a `kid` (the checks of [`from_jwks`](Self::from_jwks) are for
    /// documents from elsewhere).
    pub fn from_keys(keys: Vec<Key>) -> KeySet {
        KeySet {
            keys,
            skipped: Vec::new(),
        }
    }

    /// Parses a JWK Set for verifying tokens.
    ///
    /// - Keys hxjwt cannot use for signatures (another `kty` or curve, `use` `"enc"`, an
    ///   encryption `alg`, HX1's X25519 keys) are skipped, as RFC 7517 §5 asks, and each is
    ///   listed by [`skipped`](Self::skipped) with its index, `kid` and the reason.
    /// - A key of a supported type that is malformed or unsafe (an RSA exponent below 3, a
    ///   ROCA modulus, …) fails the whole set with [`ErrorKind::InvalidKey`], naming
    ///   `keys[i]`.
    /// - Two different keys (different RFC 7638 thumbprints) with the same `kid` fail the set
    ///   with [`ErrorKind::InvalidKey`] naming the `kid`: a token's `kid` must select one key.
    ///   The same key repeated under one `kid` (an RSA key published once for RS256 and once
    ///   for PS256, say) is accepted and kept.
    /// - A set holding both HMAC secrets (`oct`) and asymmetric keys fails with
    ///   [`ErrorKind::InvalidKey`]: a verifier that trusts both kinds from one document lets
    ///   a token choose, by its `alg` and `kid`, which kind of key checks it. Use
    ///   [`from_jwks_mixed`](Self::from_jwks_mixed) for a set that really has both.
    ///
    /// ```
    /// use hxjwt::jws::KeySet;
    /// let jwks = r#"{"keys":[
    ///   {"kty":"OKP","crv":"Ed25519","kid":"a","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
    ///   {"kty":"OKP","crv":"X25519","kid":"hx1","x":"EU3wvSVXI4c0ZRTExhpx9aNxd9c0q7FRXnnxJtuCSEs"}]}"#;
    /// let set = KeySet::from_jwks(jwks)?;
    /// assert_eq!(set.len(), 1);
    /// assert_eq!(set.skipped()[0].kid.as_deref(), Some("hx1"));
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn from_jwks(jwks: &str) -> Result<KeySet> {
        KeySet::from_jwks_with(jwks, false)
    }

    /// Like [`from_jwks`](Self::from_jwks), but a set may hold both HMAC secrets and
    /// asymmetric keys (the caller's explicit choice: an issuer moving from HS256 to RS256,
    /// say). Every other check stays.
    ///
    /// ```
    /// use hxjwt::jws::KeySet;
    /// let mixed = r#"{"keys":[
    ///   {"kty":"oct","kid":"hs","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"},
    ///   {"kty":"OKP","crv":"Ed25519","kid":"ed","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#;
    /// assert!(KeySet::from_jwks(mixed).is_err());
    /// assert_eq!(KeySet::from_jwks_mixed(mixed)?.len(), 2);
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn from_jwks_mixed(jwks: &str) -> Result<KeySet> {
        KeySet::from_jwks_with(jwks, true)
    }

    fn from_jwks_with(jwks: &str, allow_mixed: bool) -> Result<KeySet> {
        let mut maps = json::parse_jwk_set(jwks, MAX_JWKS_BYTES, MAX_KEYS)?;
        let loaded = KeySet::from_jwk_maps(&maps, allow_mixed);
        for jwk in &mut maps {
            json::wipe_private_members(jwk);
        }
        loaded
    }

    fn from_jwk_maps(maps: &[serde_json::Map<String, Value>], allow_mixed: bool) -> Result<KeySet> {
        let mut keys = Vec::with_capacity(maps.len());
        let mut indices = Vec::with_capacity(maps.len());
        let mut skipped = Vec::new();
        for (index, jwk) in maps.iter().enumerate() {
            if let Some(reason) = foreign_reason(jwk) {
                skipped.push(SkippedKey {
                    index,
                    kid: jwk.get("kid").and_then(Value::as_str).map(str::to_owned),
                    reason,
                });
                continue;
            }
            let key = Key::from_jwk_map(jwk).map_err(|e| {
                Error::new(e.kind(), format!("JWK Set: keys[{index}]: {}", e.detail()))
            })?;
            keys.push(key);
            indices.push(index);
        }
        check_kids(&keys, &indices)?;
        if !allow_mixed {
            check_not_mixed(&keys, &indices)?;
        }
        Ok(KeySet { keys, skipped })
    }

    /// A set of keys that a face read from a JWK Set itself (Python's `PyJWKSet` does, to keep
    /// `PyJWT`'s rules for unusable keys), each with its position in the document: the set
    /// checks of [`from_jwks`](Self::from_jwks) (one key per `kid`; no HMAC secret beside
    /// asymmetric keys unless `allow_mixed`), with the same messages.
    ///
    /// ```
    /// use hxjwt::jws::{Algorithm, Key, KeySet};
    /// let a = Key::generate(Algorithm::ES256)?.with_kid("k");
    /// let b = Key::generate(Algorithm::ES256)?.with_kid("k");
    /// let err = KeySet::from_jwks_keys(vec![(0, a), (3, b)], false).unwrap_err();
    /// assert!(err.to_string().contains("keys[3]"));
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn from_jwks_keys(entries: Vec<(usize, Key)>, allow_mixed: bool) -> Result<KeySet> {
        let (indices, keys): (Vec<usize>, Vec<Key>) = entries.into_iter().unzip();
        check_kids(&keys, &indices)?;
        if !allow_mixed {
            check_not_mixed(&keys, &indices)?;
        }
        Ok(KeySet {
            keys,
            skipped: Vec::new(),
        })
    }
    /// Reads a JWK Set file, as [`from_jwks`](Self::from_jwks).
    #[cfg(feature = "std-fs")]
    pub fn from_jwks_file(path: impl AsRef<std::path::Path>) -> Result<KeySet> {
        let text = crate::hx1::read_limited(path.as_ref(), MAX_JWKS_BYTES)?;
        KeySet::from_jwks(&text)
    }

    /// Reads a JWK Set file, as [`from_jwks_mixed`](Self::from_jwks_mixed).
    #[cfg(feature = "std-fs")]
    pub fn from_jwks_file_mixed(path: impl AsRef<std::path::Path>) -> Result<KeySet> {
        let text = crate::hx1::read_limited(path.as_ref(), MAX_JWKS_BYTES)?;
        KeySet::from_jwks_mixed(&text)
    }

    /// The keys of the JWK Set this set was read from that were skipped, in document order
    /// (empty for a set built by hand).
    pub fn skipped(&self) -> &[SkippedKey] {
        &self.skipped
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
            .filter(|k| k.key_type() != KeyType::Hmac)
            .map(Key::to_public)
            .collect::<Result<_>>()?;
        Ok(KeySet {
            keys,
            skipped: Vec::new(),
        })
    }

    /// The public JWK Set document, ready to publish. HMAC secrets are left out.
    pub fn to_public_jwks(&self) -> Result<String> {
        let keys: Vec<Value> = self
            .keys
            .iter()
            .filter(|k| k.key_type() != KeyType::Hmac)
            .map(Key::to_public_jwk)
            .collect::<Result<_>>()?;
        Ok(json!({ "keys": keys }).to_string())
    }
}

impl FromIterator<Key> for KeySet {
    fn from_iter<I: IntoIterator<Item = Key>>(iter: I) -> Self {
        KeySet {
            keys: iter.into_iter().collect(),
            skipped: Vec::new(),
        }
    }
}

/// Refuses two different keys (by RFC 7638 thumbprint) under one `kid`. `indices[i]` is the
/// position of `keys[i]` in the document.
fn check_kids(keys: &[Key], indices: &[usize]) -> Result<()> {
    let mut seen: std::collections::HashMap<&str, (usize, String)> =
        std::collections::HashMap::new();
    for (key, index) in keys.iter().zip(indices) {
        let Some(kid) = key.kid() else { continue };
        let thumbprint = key.thumbprint();
        match seen.get(kid) {
            Some((first, t)) if *t != thumbprint => {
                return Err(Error::invalid_key(format!(
                    "JWK Set: keys[{first}] and keys[{index}] are different keys with the same \
                     kid {}: a token's kid must select one key",
                    quote(kid)
                )));
            }
            Some(_) => {}
            None => {
                seen.insert(kid, (*index, thumbprint));
            }
        }
    }
    Ok(())
}

/// Refuses a set that holds both HMAC secrets and asymmetric keys (`from_jwks_mixed` skips this).
fn check_not_mixed(keys: &[Key], indices: &[usize]) -> Result<()> {
    let first = |hmac: bool| {
        keys.iter()
            .zip(indices)
            .find(|(k, _)| (k.key_type() == KeyType::Hmac) == hmac)
            .map(|(_, i)| *i)
    };
    if let (Some(secret), Some(public)) = (first(true), first(false)) {
        return Err(Error::invalid_key(format!(
            "JWK Set: keys[{secret}] is an HMAC secret and keys[{public}] an asymmetric key: a \
             set that mixes them lets a token choose which kind of key checks it; allow it \
             explicitly (Rust KeySet::from_jwks_mixed, C hx_keyset_from_jwks_mixed, Python \
             allow_mixed=True, remote sets allow_mixed_keys) if the issuer really uses both"
        )));
    }
    Ok(())
}
