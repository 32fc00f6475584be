//! Directories: where a name is resolved to its machine token.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, PoisonError};

use crossbeam_utils::sync::{ShardedLock, ShardedLockReadGuard, ShardedLockWriteGuard};

use serde_json::Value;

use super::keys::MachineToken;
use crate::error::{Error, ErrorKind, Result, quote};
use crate::json;

/// The most keys a JWK Set may hold before it is rejected as hostile.
pub const MAX_JWKS_KEYS: usize = 10_000;
/// The largest JWK Set document accepted, in bytes.
pub const MAX_JWKS_BYTES: usize = 4 * 1024 * 1024;
/// The most machine tokens one name may have at once (during a key rotation), and so the most
/// sender keys [`Endpoint::validate`](super::Endpoint::validate) tries for one token.
pub const MAX_KEYS_PER_NAME: usize = 4;

/// Resolves an identity name to its machine token: the "platform" of PROTOCOL.md §1.
///
/// `Ok(None)` means "no such name" ([`ErrorKind::UnknownIssuer`] when validating); an `Err`
/// means the directory could not answer (reported as [`ErrorKind::ResolverFailed`]).
/// Implementations must be thread-safe: one directory serves every thread of an endpoint.
pub trait Directory: Send + Sync {
    /// The machine token registered for `name`, if any: during a rotation, the newest one (the
    /// one peers should encrypt to).
    fn resolve(&self, name: &str) -> Result<Option<MachineToken>>;

    /// Every machine token registered for `name`, newest first (empty for an unknown name).
    /// A name has several during a key rotation; validation tries each (at most
    /// [`MAX_KEYS_PER_NAME`]). Defaults to [`resolve`](Self::resolve) as a list of zero or one.
    fn resolve_all(&self, name: &str) -> Result<Vec<MachineToken>> {
        Ok(self.resolve(name)?.into_iter().collect())
    }

    /// Whether an answer never waits on anything outside this process's memory (a file, a
    /// server, a caller's function): a face may then keep its runtime's lock (Python's GIL)
    /// around a call that is only a few microseconds of work, which costs less than releasing
    /// it. Defaults to `false`, the safe answer.
    fn is_local(&self) -> bool {
        false
    }
}

impl<D: Directory + ?Sized> Directory for Arc<D> {
    fn resolve(&self, name: &str) -> Result<Option<MachineToken>> {
        (**self).resolve(name)
    }
    fn resolve_all(&self, name: &str) -> Result<Vec<MachineToken>> {
        (**self).resolve_all(name)
    }
    fn is_local(&self) -> bool {
        (**self).is_local()
    }
}

impl<D: Directory + ?Sized> Directory for Box<D> {
    fn resolve(&self, name: &str) -> Result<Option<MachineToken>> {
        (**self).resolve(name)
    }
    fn resolve_all(&self, name: &str) -> Result<Vec<MachineToken>> {
        (**self).resolve_all(name)
    }
    fn is_local(&self) -> bool {
        (**self).is_local()
    }
}

/// A directory held in memory; also what a JWK Set (string or file) becomes.
///
/// A name may have up to [`MAX_KEYS_PER_NAME`] machine tokens, newest first, while its owner
/// rotates keys (docs/ROTATION.md): [`resolve`](Directory::resolve) answers the newest,
/// [`resolve_all`](Directory::resolve_all) all of them.
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
    tokens: ShardedLock<HashMap<String, Vec<MachineToken>>>,
}

impl MemoryDirectory {
    /// An empty directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// A directory from a JWK Set (`{"keys":[…]}`, RFC 7517 §5). Keys that are not X25519
    /// (`kty` other than `"OKP"` or `crv` other than `"X25519"`) are skipped, so one set may
    /// also carry signature keys. A name may appear up to [`MAX_KEYS_PER_NAME`] times with
    /// different keys (a rotation: list the newest first). An X25519 key that is malformed, of
    /// low order, carries `d`, repeats a name with the same key, or is one too many for its name
    /// fails with [`ErrorKind::InvalidKey`].
    pub fn from_jwks(jwks: &str) -> Result<Self> {
        let keys = json::parse_jwk_set(jwks, MAX_JWKS_BYTES, MAX_JWKS_KEYS)?;
        let mut tokens: HashMap<String, Vec<MachineToken>> = HashMap::with_capacity(keys.len());
        for (i, jwk) in keys.iter().enumerate() {
            let is_x25519 = jwk.get("kty").and_then(Value::as_str) == Some("OKP")
                && jwk.get("crv").and_then(Value::as_str) == Some("X25519");
            if !is_x25519 {
                continue;
            }
            let token = MachineToken::from_jwk_map(jwk)
                .map_err(|e| Error::new(e.kind(), format!("JWK Set: keys[{i}]: {}", e.detail())))?;
            let same_name = tokens.entry(token.name().to_owned()).or_default();
            if same_name.contains(&token) {
                return Err(Error::invalid_key(format!(
                    "JWK Set: keys[{i}] repeats the name {} with the same key",
                    quote(token.name())
                )));
            }
            if same_name.len() >= MAX_KEYS_PER_NAME {
                return Err(Error::invalid_key(format!(
                    "JWK Set: keys[{i}] is key number {} of {}; the limit is {MAX_KEYS_PER_NAME}",
                    same_name.len() + 1,
                    quote(token.name())
                )));
            }
            same_name.push(token);
        }
        Ok(MemoryDirectory {
            tokens: ShardedLock::new(tokens),
        })
    }

    /// A directory from a JWK Set file. An I/O error is [`ErrorKind::ResolverFailed`].
    #[cfg(feature = "std-fs")]
    pub fn from_jwks_file(path: impl AsRef<std::path::Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = read_limited(path, MAX_JWKS_BYTES)?;
        Self::from_jwks(&text)
    }

    /// Makes `token` the only machine token of `token.name()`; returns the newest one it
    /// replaced.
    pub fn insert(&self, token: MachineToken) -> Option<MachineToken> {
        self.write()
            .insert(token.name().to_owned(), vec![token])
            .and_then(|old| old.into_iter().next())
    }

    /// Starts a rotation: makes `token` the newest machine token of `token.name()`, keeping the
    /// others (at most [`MAX_KEYS_PER_NAME`] in all: the oldest is dropped). Adding a key the
    /// name already has moves it to the front.
    pub fn rotate_in(&self, token: MachineToken) {
        let mut map = self.write();
        let keys = map.entry(token.name().to_owned()).or_default();
        keys.retain(|k| k != &token);
        keys.insert(0, token);
        keys.truncate(MAX_KEYS_PER_NAME);
    }

    /// Ends a rotation: removes one machine token (the name stays if it has others). Returns
    /// whether it was there.
    pub fn retire(&self, token: &MachineToken) -> bool {
        let mut map = self.write();
        let Some(keys) = map.get_mut(token.name()) else {
            return false;
        };
        let before = keys.len();
        keys.retain(|k| k != token);
        let removed = keys.len() != before;
        if keys.is_empty() {
            map.remove(token.name());
        }
        removed
    }

    /// Removes every machine token of `name`; returns the newest.
    pub fn remove(&self, name: &str) -> Option<MachineToken> {
        self.write()
            .remove(name)
            .and_then(|old| old.into_iter().next())
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

    /// Every machine token, sorted by name, newest first within a name.
    pub fn tokens(&self) -> Vec<MachineToken> {
        let mut all: Vec<_> = self.read().values().flatten().cloned().collect();
        // Stable: keeps the newest-first order within a name.
        all.sort_by(|a, b| a.name().cmp(b.name()));
        all
    }

    /// The directory as a JWK Set (`{"keys":[…]}`), sorted by name, newest first within a
    /// name: what a web server publishes.
    pub fn to_jwks(&self) -> String {
        let keys: Vec<Value> = self
            .tokens()
            .iter()
            .map(MachineToken::to_jwk_value)
            .collect();
        serde_json::json!({ "keys": keys }).to_string()
    }

    fn read(&self) -> ShardedLockReadGuard<'_, HashMap<String, Vec<MachineToken>>> {
        // A poisoned lock only means another thread panicked while holding it; the map itself is
        // always in a consistent state (single insert/remove calls).
        self.tokens.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> ShardedLockWriteGuard<'_, HashMap<String, Vec<MachineToken>>> {
        self.tokens.write().unwrap_or_else(PoisonError::into_inner)
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
        Ok(self.read().get(name).and_then(|keys| keys.first()).cloned())
    }

    fn resolve_all(&self, name: &str) -> Result<Vec<MachineToken>> {
        Ok(self.read().get(name).cloned().unwrap_or_default())
    }

    fn is_local(&self) -> bool {
        true
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
    fn several_keys_per_name() {
        let old = Identity::generate("a").unwrap().machine_token();
        let new = Identity::generate("a").unwrap().machine_token();
        let set = format!(r#"{{"keys":[{},{}]}}"#, new.to_jwk(), old.to_jwk());
        let dir = MemoryDirectory::from_jwks(&set).unwrap();
        assert_eq!(dir.len(), 1);
        assert_eq!(dir.resolve("a").unwrap(), Some(new.clone()));
        assert_eq!(
            dir.resolve_all("a").unwrap(),
            vec![new.clone(), old.clone()]
        );
        assert_eq!(
            MemoryDirectory::from_jwks(&dir.to_jwks()).unwrap().tokens(),
            dir.tokens()
        );
        let five: Vec<String> = (0..=MAX_KEYS_PER_NAME)
            .map(|_| Identity::generate("a").unwrap().machine_token().to_jwk())
            .collect();
        let too_many = format!(r#"{{"keys":[{}]}}"#, five.join(","));
        assert_eq!(
            MemoryDirectory::from_jwks(&too_many).unwrap_err().kind(),
            ErrorKind::InvalidKey
        );
        let mem = MemoryDirectory::new();
        mem.insert(old.clone());
        mem.rotate_in(new.clone());
        assert_eq!(
            mem.resolve_all("a").unwrap(),
            vec![new.clone(), old.clone()]
        );
        for _ in 0..10 {
            mem.rotate_in(Identity::generate("a").unwrap().machine_token());
        }
        assert_eq!(mem.resolve_all("a").unwrap().len(), MAX_KEYS_PER_NAME);
        assert!(!mem.retire(&old));
        mem.insert(old.clone());
        assert!(mem.retire(&old));
        assert!(mem.is_empty());
        assert_eq!(mem.resolve_all("a").unwrap(), vec![]);
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
