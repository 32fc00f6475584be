//! Directories: where a name is resolved to its machine token.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};

use serde_json::Value;

use super::keys::MachineToken;
use crate::error::{Error, ErrorKind, Result, quote};
use crate::json;

/// The most keys a JWK Set may hold before it is rejected as hostile.
pub const MAX_JWKS_KEYS: usize = 10_000;
/// The largest JWK Set document accepted, in bytes.
pub const MAX_JWKS_BYTES: usize = 4 * 1024 * 1024;

/// Resolves an identity name to its machine token: the "platform" of PROTOCOL.md §1.
///
/// `Ok(None)` means "no such name" ([`ErrorKind::UnknownIssuer`] when validating); an `Err`
/// means the directory could not answer (reported as [`ErrorKind::ResolverFailed`]).
/// Implementations must be thread-safe: one directory serves every thread of an endpoint.
pub trait Directory: Send + Sync {
    /// The machine token registered for `name`, if any.
    fn resolve(&self, name: &str) -> Result<Option<MachineToken>>;
}

impl<D: Directory + ?Sized> Directory for Arc<D> {
    fn resolve(&self, name: &str) -> Result<Option<MachineToken>> {
        (**self).resolve(name)
    }
}

impl<D: Directory + ?Sized> Directory for Box<D> {
    fn resolve(&self, name: &str) -> Result<Option<MachineToken>> {
        (**self).resolve(name)
    }
}

/// A directory held in memory; also what a JWK Set (string or file) becomes.
///
/// ```
/// use hxjwt::{Directory, Identity, MemoryDirectory};
/// let bob = Identity::generate("bob.service")?;
/// let dir = MemoryDirectory::new();
/// dir.insert(bob.machine_token());
/// assert_eq!(dir.resolve("bob.service")?, Some(bob.machine_token()));
/// assert_eq!(dir.resolve("eve")?, None);
/// let jwks = dir.to_jwks();                 // {"keys":[…]}, ready to publish
/// assert_eq!(MemoryDirectory::from_jwks(&jwks)?.len(), 1);
/// # Ok::<(), hxjwt::Error>(())
/// ```
#[derive(Default)]
pub struct MemoryDirectory {
    tokens: RwLock<HashMap<String, MachineToken>>,
}

impl MemoryDirectory {
    /// An empty directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// A directory from a JWK Set (`{"keys":[…]}`, RFC 7517 §5). Keys that are not X25519
    /// (`kty` other than `"OKP"` or `crv` other than `"X25519"`) are skipped, so one set may
    /// also carry signature keys; an X25519 key that is malformed, of low order, carries `d`, or
    /// repeats a name fails with [`ErrorKind::InvalidKey`].
    pub fn from_jwks(jwks: &str) -> Result<Self> {
        let keys = json::parse_jwk_set(jwks, MAX_JWKS_BYTES, MAX_JWKS_KEYS)?;
        let mut tokens = HashMap::with_capacity(keys.len());
        for (i, jwk) in keys.iter().enumerate() {
            let is_x25519 = jwk.get("kty").and_then(Value::as_str) == Some("OKP")
                && jwk.get("crv").and_then(Value::as_str) == Some("X25519");
            if !is_x25519 {
                continue;
            }
            let token = MachineToken::from_jwk_map(jwk)
                .map_err(|e| Error::new(e.kind(), format!("JWK Set: keys[{i}]: {}", e.detail())))?;
            if tokens.contains_key(token.name()) {
                return Err(Error::invalid_key(format!(
                    "JWK Set: keys[{i}] repeats the name {}",
                    quote(token.name())
                )));
            }
            tokens.insert(token.name().to_owned(), token);
        }
        Ok(MemoryDirectory {
            tokens: RwLock::new(tokens),
        })
    }

    /// A directory from a JWK Set file. An I/O error is [`ErrorKind::ResolverFailed`].
    #[cfg(feature = "std-fs")]
    pub fn from_jwks_file(path: impl AsRef<std::path::Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = read_limited(path, MAX_JWKS_BYTES)?;
        Self::from_jwks(&text)
    }

    /// Adds or replaces the machine token of `token.name()`; returns the one it replaced.
    pub fn insert(&self, token: MachineToken) -> Option<MachineToken> {
        self.write().insert(token.name().to_owned(), token)
    }

    /// Removes the machine token of `name`; returns it.
    pub fn remove(&self, name: &str) -> Option<MachineToken> {
        self.write().remove(name)
    }

    /// Whether `name` is known.
    pub fn contains(&self, name: &str) -> bool {
        self.read().contains_key(name)
    }

    /// The number of names.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether the directory is empty.
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// Every machine token, sorted by name.
    pub fn tokens(&self) -> Vec<MachineToken> {
        let mut all: Vec<_> = self.read().values().cloned().collect();
        all.sort_by(|a, b| a.name().cmp(b.name()));
        all
    }

    /// The directory as a JWK Set (`{"keys":[…]}`), sorted by name: what a web server publishes.
    pub fn to_jwks(&self) -> String {
        let keys: Vec<Value> = self
            .tokens()
            .iter()
            .map(MachineToken::to_jwk_value)
            .collect();
        serde_json::json!({ "keys": keys }).to_string()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, MachineToken>> {
        // A poisoned lock only means another thread panicked while holding it; the map itself is
        // always in a consistent state (single insert/remove calls).
        self.tokens
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, MachineToken>> {
        self.tokens
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl FromIterator<MachineToken> for MemoryDirectory {
    fn from_iter<I: IntoIterator<Item = MachineToken>>(iter: I) -> Self {
        let dir = MemoryDirectory::new();
        for t in iter {
            dir.insert(t);
        }
        dir
    }
}

impl Directory for MemoryDirectory {
    fn resolve(&self, name: &str) -> Result<Option<MachineToken>> {
        Ok(self.read().get(name).cloned())
    }
}

impl fmt::Debug for MemoryDirectory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryDirectory")
            .field("names", &self.len())
            .finish()
    }
}

/// A directory backed by a caller's function: a C callback, a Python callable, a database query.
///
/// ```
/// use hxjwt::{CallbackDirectory, Directory, Identity};
/// let bob = Identity::generate("bob")?.machine_token();
/// let dir = CallbackDirectory::new(move |name: &str| {
///     Ok((name == "bob").then(|| bob.clone()))
/// });
/// assert!(dir.resolve("bob")?.is_some());
/// # Ok::<(), hxjwt::Error>(())
/// ```
pub struct CallbackDirectory<F> {
    resolve: F,
}

impl<F> CallbackDirectory<F>
where
    F: Fn(&str) -> Result<Option<MachineToken>> + Send + Sync,
{
    /// Wraps `resolve`. Its errors are reported as [`ErrorKind::ResolverFailed`] with their
    /// message; a returned token whose name differs from the one asked is also a failure.
    pub fn new(resolve: F) -> Self {
        CallbackDirectory { resolve }
    }
}

impl<F> Directory for CallbackDirectory<F>
where
    F: Fn(&str) -> Result<Option<MachineToken>> + Send + Sync,
{
    fn resolve(&self, name: &str) -> Result<Option<MachineToken>> {
        let found = (self.resolve)(name).map_err(|e| {
            if e.kind() == ErrorKind::ResolverFailed {
                e
            } else {
                Error::new(
                    ErrorKind::ResolverFailed,
                    format!("directory callback failed: {e}"),
                )
            }
        })?;
        match found {
            Some(t) if t.name() != name => Err(Error::new(
                ErrorKind::ResolverFailed,
                format!(
                    "directory callback answered {} with the machine token of {}",
                    quote(name),
                    quote(t.name())
                ),
            )),
            other => Ok(other),
        }
    }
}

impl<F> fmt::Debug for CallbackDirectory<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CallbackDirectory")
    }
}

/// Reads at most `limit` bytes of UTF-8 text from `path`.
#[cfg(feature = "std-fs")]
pub(crate) fn read_limited(path: &std::path::Path, limit: usize) -> Result<String> {
    use std::io::Read as _;
    let fail = |e: std::io::Error| {
        Error::new(
            ErrorKind::ResolverFailed,
            format!("cannot read {}: {e}", path.display()),
        )
    };
    let file = std::fs::File::open(path).map_err(fail)?;
    let mut text = String::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    file.take(cap).read_to_string(&mut text).map_err(fail)?;
    if text.len() > limit {
        return Err(Error::malformed(format!(
            "{} is larger than {limit} bytes",
            path.display()
        )));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Identity;

    #[test]
    fn jwks_skips_other_key_types_and_rejects_bad_x25519_keys() {
        let a = Identity::generate("a").unwrap().machine_token();
        let set = format!(
            r#"{{"keys":[{},{{"kty":"EC","crv":"P-256","x":"..","y":".."}}]}}"#,
            a.to_jwk()
        );
        let dir = MemoryDirectory::from_jwks(&set).unwrap();
        assert_eq!(dir.len(), 1);
        let dup = format!(r#"{{"keys":[{},{}]}}"#, a.to_jwk(), a.to_jwk());
        assert_eq!(
            MemoryDirectory::from_jwks(&dup).unwrap_err().kind(),
            ErrorKind::InvalidKey
        );
        for bad in ["{}", r#"{"keys":{}}"#, r#"{"keys":[1]}"#, "nope"] {
            assert_eq!(
                MemoryDirectory::from_jwks(bad).unwrap_err().kind(),
                ErrorKind::Malformed,
                "{bad}"
            );
        }
    }

    #[test]
    fn jwks_round_trips() {
        let dir: MemoryDirectory = ["x", "y", "z"]
            .iter()
            .map(|n| Identity::generate(n).unwrap().machine_token())
            .collect();
        let again = MemoryDirectory::from_jwks(&dir.to_jwks()).unwrap();
        assert_eq!(again.tokens(), dir.tokens());
    }

    #[test]
    fn callback_errors_become_resolver_failed() {
        let dir = CallbackDirectory::new(|_: &str| Err(Error::invalid_argument("db down")));
        let e = dir.resolve("a").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ResolverFailed);
        assert!(e.detail().contains("db down"));
        let a = Identity::generate("a").unwrap().machine_token();
        let liar = CallbackDirectory::new(move |_: &str| Ok(Some(a.clone())));
        assert_eq!(
            liar.resolve("b").unwrap_err().kind(),
            ErrorKind::ResolverFailed
        );
    }
}
