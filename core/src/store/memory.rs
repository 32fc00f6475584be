//! The in-memory stores: one process's memory of accepted and revoked tokens.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::Mutex;

use super::{ReplayStore, RevocationStore};
use crate::error::{Error, ErrorKind, Result};

/// The default replay store: in memory, bounded, forgetting entries once they expire.
///
/// When it is full even after forgetting expired entries, it refuses new tokens with
/// [`ErrorKind::Replayed`] rather than forgetting unexpired ones (failing closed); size it for
/// (tokens per second) × (maximum lifetime + leeway).
pub struct MemoryReplayStore {
    capacity: usize,
    inner: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    by_id: HashMap<Box<[u8]>, i64>,
    by_expiry: BTreeSet<(i64, Box<[u8]>)>,
}

impl MemoryReplayStore {
    /// The default capacity: 1 000 000 tokens (about 150 MB at the most).
    pub const DEFAULT_CAPACITY: usize = 1_000_000;

    /// A store that remembers at most `capacity` unexpired tokens.
    pub fn new(capacity: usize) -> Self {
        MemoryReplayStore {
            capacity: capacity.max(1),
            inner: Mutex::new(Seen::default()),
        }
    }

    /// How many tokens are remembered now.
    pub fn len(&self) -> usize {
        self.lock().by_id.len()
    }

    /// Whether no token is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Default for MemoryReplayStore {
    fn default() -> Self {
        Self::new(Self::DEFAULT_CAPACITY)
    }
}

impl ReplayStore for MemoryReplayStore {
    fn is_local(&self) -> bool {
        true
    }

    fn check_and_insert(&self, id: &[u8], expires_at: i64, now: i64) -> Result<bool> {
        let mut seen = self.lock();
        // Forget what has expired (entries are ordered by expiry, so this stops early).
        while let Some(first) = seen.by_expiry.first() {
            if first.0 >= now {
                break;
            }
            if let Some((_, old)) = seen.by_expiry.pop_first() {
                seen.by_id.remove(&old);
            }
        }
        if let Some(&exp) = seen.by_id.get(id) {
            if exp >= now {
                return Ok(false);
            }
        }
        if seen.by_id.len() >= self.capacity {
            return Err(Error::new(
                ErrorKind::Replayed,
                "the replay store is full; the token cannot be checked and is refused",
            ));
        }
        let id: Box<[u8]> = id.into();
        seen.by_id.insert(id.clone(), expires_at);
        seen.by_expiry.insert((expires_at, id));
        Ok(true)
    }
}

impl fmt::Debug for MemoryReplayStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryReplayStore")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

/// The default revocation list: in memory, bounded, forgetting entries once they expire.
/// When full of unexpired entries, `revoke` fails (the caller learns the revocation did not
/// take) rather than forgetting an earlier revocation.
pub struct MemoryRevocationList {
    capacity: usize,
    inner: Mutex<Revoked>,
}

type Revoked = (HashMap<Box<str>, i64>, BTreeSet<(i64, Box<str>)>);

impl MemoryRevocationList {
    /// A list holding at most `capacity` unexpired revocations.
    pub fn new(capacity: usize) -> Self {
        MemoryRevocationList {
            capacity: capacity.max(1),
            inner: Mutex::new((HashMap::new(), BTreeSet::new())),
        }
    }

    /// How many revocations are held.
    pub fn len(&self) -> usize {
        self.lock().0.len()
    }

    /// Whether none is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Revoked> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Default for MemoryRevocationList {
    fn default() -> Self {
        Self::new(100_000)
    }
}

impl RevocationStore for MemoryRevocationList {
    fn revoke(&self, jti: &str, until: i64, now: i64) -> Result<bool> {
        let mut guard = self.lock();
        let (by_id, by_time) = &mut *guard;
        while by_time.first().is_some_and(|(t, _)| *t < now) {
            if let Some((_, id)) = by_time.pop_first() {
                by_id.remove(&id);
            }
        }
        // Entries that expired before `now` were just removed: one still here is revoked.
        let already = by_id.get(jti).copied();
        if let Some(old) = already {
            if old >= until {
                return Ok(false);
            }
            by_time.remove(&(old, jti.into()));
        } else if by_id.len() >= self.capacity {
            return Err(Error::new(
                ErrorKind::Internal,
                "the revocation list is full; the revocation did not take",
            ));
        }
        by_id.insert(jti.into(), until);
        by_time.insert((until, jti.into()));
        Ok(already.is_none())
    }

    fn is_revoked(&self, jti: &str, now: i64) -> Result<bool> {
        Ok(self.lock().0.get(jti).is_some_and(|until| *until >= now))
    }
}

impl fmt::Debug for MemoryRevocationList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryRevocationList")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_until_expiry_then_forgets() {
        let s = MemoryReplayStore::new(10);
        assert!(s.check_and_insert(b"a", 100, 50).unwrap());
        assert!(!s.check_and_insert(b"a", 100, 60).unwrap());
        assert!(!s.check_and_insert(b"a", 100, 100).unwrap());
        assert!(s.check_and_insert(b"b", 200, 150).unwrap());
        assert_eq!(s.len(), 1, "a expired and was forgotten");
    }

    #[test]
    fn full_store_fails_closed() {
        let s = MemoryReplayStore::new(2);
        assert!(s.check_and_insert(b"a", 100, 0).unwrap());
        assert!(s.check_and_insert(b"b", 100, 0).unwrap());
        assert_eq!(
            s.check_and_insert(b"c", 100, 0).unwrap_err().kind(),
            ErrorKind::Replayed
        );
        assert!(
            s.check_and_insert(b"c", 300, 101).unwrap(),
            "room again after expiry"
        );
    }
}
