//! The bounded cache of pairwise key-wrapping keys (PROTOCOL.md §2), shared by threads.

use std::collections::HashMap;
use std::sync::PoisonError;

use aes_kw::KwAes256;
use crossbeam_utils::sync::ShardedLock;

/// Which way a pairwise key points, as seen from the endpoint that owns the cache.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) enum Direction {
    /// We send to the peer.
    Outgoing,
    /// The peer sends to us.
    Incoming,
}

type Slot = Vec<(Box<str>, Box<str>, KwAes256)>;
/// (direction, peer public key, own public key).
type SlotKey = (Direction, [u8; 32], [u8; 32]);

/// Keyed by (direction, peer public key, own public key: the identity's current or a previous
/// one); each slot lists (peer name, own name used, key). Looking up never allocates, and
/// touches nothing another reader writes: a read lock of the reader's own shard, and a copy of
/// the key schedule (wiped when the copy drops) rather than a shared reference count.
pub(crate) struct PairKeyCache {
    capacity: usize,
    map: ShardedLock<HashMap<SlotKey, Slot>>,
}

impl PairKeyCache {
    pub(crate) fn new(capacity: usize) -> Self {
        PairKeyCache {
            capacity,
            map: ShardedLock::new(HashMap::new()),
        }
    }

    pub(crate) fn get(
        &self,
        dir: Direction,
        peer_key: &[u8; 32],
        own_key: &[u8; 32],
        peer_name: &str,
        own_name: &str,
    ) -> Option<KwAes256> {
        if self.capacity == 0 {
            return None;
        }
        let map = self.map.read().unwrap_or_else(PoisonError::into_inner);
        map.get(&(dir, *peer_key, *own_key))?
            .iter()
            .find(|(p, o, _)| &**p == peer_name && &**o == own_name)
            .map(|(_, _, k)| k.clone())
    }

    pub(crate) fn put(
        &self,
        dir: Direction,
        peer_key: &[u8; 32],
        own_key: &[u8; 32],
        peer_name: &str,
        own_name: &str,
        key: KwAes256,
    ) {
        if self.capacity == 0 {
            return;
        }
        let mut map = self.map.write().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= self.capacity && !map.contains_key(&(dir, *peer_key, *own_key)) {
            // Evict one arbitrary entry: the hash order is unpredictable to peers, so churn
            // by an attacker cannot target a chosen victim. Bounded, O(1) amortized.
            if let Some(victim) = map.keys().next().copied() {
                map.remove(&victim);
            }
        }
        let slot = map.entry((dir, *peer_key, *own_key)).or_default();
        if slot.len() >= 8 {
            slot.clear();
        }
        slot.push((peer_name.into(), own_name.into(), key));
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes_kw::KeyInit as _;

    #[test]
    fn stays_within_capacity_and_finds_what_it_holds() {
        let cache = PairKeyCache::new(4);
        let key = KwAes256::new_from_slice(&[7u8; 32]).unwrap();
        for i in 0..20u8 {
            cache.put(
                Direction::Incoming,
                &[i; 32],
                &[0; 32],
                "peer",
                "me",
                key.clone(),
            );
            assert!(cache.len() <= 4);
            assert!(
                cache
                    .get(Direction::Incoming, &[i; 32], &[0; 32], "peer", "me")
                    .is_some()
            );
            assert!(
                cache
                    .get(Direction::Outgoing, &[i; 32], &[0; 32], "peer", "me")
                    .is_none()
            );
            assert!(
                cache
                    .get(Direction::Incoming, &[i; 32], &[0; 32], "other", "me")
                    .is_none()
            );
            assert!(
                cache
                    .get(Direction::Incoming, &[i; 32], &[0; 32], "peer", "alias")
                    .is_none()
            );
        }
        let off = PairKeyCache::new(0);
        off.put(Direction::Incoming, &[1; 32], &[0; 32], "peer", "me", key);
        assert!(
            off.get(Direction::Incoming, &[1; 32], &[0; 32], "peer", "me")
                .is_none()
        );
    }
}
