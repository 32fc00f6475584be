//! Replay protection: a token is accepted at most once before it expires.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::Mutex;

use crate::error::{Error, ErrorKind, Result};

/// Remembers which tokens were accepted, until they expire. Implement it over a shared store
/// (Redis, a database) to make replay protection hold across a fleet.
pub trait ReplayStore: Send + Sync {
    /// Records `id` as seen until `expires_at` (seconds since the epoch). Returns `Ok(true)` if
    /// it was new, `Ok(false)` if it had been seen and has not yet expired at `now`. An `Err` is
    /// reported to the caller as it is (fail closed).
    fn check_and_insert(&self, id: &[u8], expires_at: i64, now: i64) -> Result<bool>;
}

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
