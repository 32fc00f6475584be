//! State shared across the instances of a service: which tokens were already accepted (replay
//! protection) and which were revoked.
//!
//! Two traits, [`ReplayStore`] and [`RevocationStore`], and their backends: in memory (the
//! default, one process) and, behind the `redis` feature, Redis or any server speaking its
//! protocol (Valkey, `KeyDB`, a managed service), so that a token is accepted once across a whole
//! fleet. This module is the one place for the rules every backend follows:
//!
//! - **Namespacing.** The ids handed to a store are built here ([`hx1_token_id`],
//!   [`hx1_jti_id`], [`jws_jti_id`]): by recipient and issuer for HX1, by the verifying key's
//!   RFC 7638 thumbprint for standard JWTs, so that two services sharing one store never
//!   collide. Untrusted parts (a `jti`, a wrapped key) enter as a 128-bit SHA-256 digest, so an
//!   id is short and of bounded size whatever the token holds.
//! - **Time to live.** An id is remembered until the token would be refused as expired anyway
//!   (`exp` + leeway), and not a second longer.
//! - **Fail closed.** A store that cannot answer returns an error and the token is refused
//!   ([`ErrorKind::StoreUnavailable`](crate::ErrorKind::StoreUnavailable) for a server that is
//!   down or slow); a check that could not run never accepts.

use sha2::{Digest as _, Sha256};

use crate::b64;
use crate::error::Result;

mod memory;
#[cfg(feature = "redis")]
pub mod redis;

pub use memory::{MemoryReplayStore, MemoryRevocationList};

/// Remembers which tokens were accepted, until they expire. Implement it over a shared store
/// to make replay protection hold across a fleet ([`redis::RedisReplayStore`] with the `redis`
/// feature).
pub trait ReplayStore: Send + Sync {
    /// Records `id` as seen until `expires_at` (seconds since the epoch). Returns `Ok(true)` if
    /// it was new, `Ok(false)` if it had been seen and has not yet expired at `now`. The check
    /// and the insertion must be one atomic step: of several concurrent calls with one `id`,
    /// exactly one may return `true`. An `Err` is reported to the caller as it is (fail closed).
    fn check_and_insert(&self, id: &[u8], expires_at: i64, now: i64) -> Result<bool>;

    /// Records every id of `ids` as [`check_and_insert`](Self::check_and_insert) does, and
    /// returns the index of the first one that had been seen, or `None` when all were new. Every
    /// id is recorded whatever the others' outcome. A shared store overrides it to send all of
    /// them in one round trip.
    fn check_and_insert_all(
        &self,
        ids: &[&[u8]],
        expires_at: i64,
        now: i64,
    ) -> Result<Option<usize>> {
        let mut first_seen = None;
        for (i, id) in ids.iter().enumerate() {
            if !self.check_and_insert(id, expires_at, now)? && first_seen.is_none() {
                first_seen = Some(i);
            }
        }
        Ok(first_seen)
    }

    /// Whether the store lives in this process's memory (no round trip to a server): a face
    /// may then keep its runtime's lock (Python's GIL) around a cheap call. Defaults to
    /// `false`, the safe answer for a store that waits on a network.
    fn is_local(&self) -> bool {
        false
    }
}

/// A list of revoked token ids (`jti`), each kept until the token would have expired anyway.
pub trait RevocationStore: Send + Sync {
    /// Revokes `jti` until `until` (seconds since the epoch). Returns whether this call
    /// revoked it: `false` when it was already revoked at `now`. The check and the revocation
    /// must be one atomic step (one lock, or a conditional insert in a shared store): of
    /// several concurrent calls for one `jti`, exactly one may return `true`. That is what
    /// makes a refresh token single-use under a race, across every instance sharing the store.
    fn revoke(&self, jti: &str, until: i64, now: i64) -> Result<bool>;
    /// Whether `jti` is revoked at `now`.
    fn is_revoked(&self, jti: &str, now: i64) -> Result<bool>;
}

/// base64url of the first 128 bits of SHA-256(`parts` joined by NUL): 22 characters.
fn digest(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h.update([0u8]);
        }
        h.update(p);
    }
    let d = h.finalize();
    b64::encode(d.get(..16).unwrap_or(&d))
}

/// Appends `name` to `out` with `%`, `:`, `{`, `}`, space and control characters
/// percent-encoded: the parts of an id stay unambiguous (`a:b` + `c` differs from `a` + `b:c`)
/// and no name can carry a Redis Cluster hash tag that would pin its tokens to one shard.
fn push_escaped(out: &mut String, name: &str) {
    for c in name.chars() {
        if matches!(c, '%' | ':' | '{' | '}' | ' ') || c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push('%');
                for nibble in [b >> 4, b & 15] {
                    out.extend(
                        char::from_digit(u32::from(nibble), 16).map(|d| d.to_ascii_uppercase()),
                    );
                }
            }
        } else {
            out.push(c);
        }
    }
}

fn hx1_scope(recipient: &str, issuer: &str) -> String {
    let mut id = String::with_capacity(8 + recipient.len() + issuer.len() + 26);
    id.push_str("hx1:");
    push_escaped(&mut id, recipient);
    id.push(':');
    push_escaped(&mut id, issuer);
    id
}

/// The replay id of one HX1 token: `hx1:<recipient>:<issuer>:t:<digest of its kid>`. The `kid`
/// (the wrapped per-token secret) is unique to the token.
///
/// ```
/// let id = hxjwt::store::hx1_token_id("bob.service", "alice.service", "d2Fy...");
/// assert!(id.starts_with("hx1:bob.service:alice.service:t:"));
/// assert_eq!(id.len(), "hx1:bob.service:alice.service:t:".len() + 22);
/// ```
pub fn hx1_token_id(recipient: &str, issuer: &str, kid: &str) -> String {
    let mut id = hx1_scope(recipient, issuer);
    id.push_str(":t:");
    id.push_str(&digest(&[kid.as_bytes()]));
    id
}

/// The replay id of an HX1 `jti`: `hx1:<recipient>:<issuer>:j:<digest of the jti>`, so that a
/// sender's `jti` is accepted once per recipient, whatever token carries it.
pub fn hx1_jti_id(recipient: &str, issuer: &str, jti: &str) -> String {
    let mut id = hx1_scope(recipient, issuer);
    id.push_str(":j:");
    id.push_str(&digest(&[jti.as_bytes()]));
    id
}

/// The replay id of a standard JWT's `jti`: `jws:<namespace of the verifying key>:j:<digest>`,
/// where the namespace is the key's RFC 7638 thumbprint for a public key, and for an HMAC secret
/// `oct-` and a 128-bit digest of its thumbprint (domain-separated: the store never holds the
/// secret's thumbprint). Tokens verified by one key share a namespace, whichever service
/// verifies them: a one-time token is accepted once across every service sharing the store.
pub fn jws_jti_id(key_namespace: &str, jti: &str) -> String {
    let mut id = String::with_capacity(4 + key_namespace.len() + 25);
    id.push_str("jws:");
    push_escaped(&mut id, key_namespace);
    id.push_str(":j:");
    id.push_str(&digest(&[jti.as_bytes()]));
    id
}

/// The id of a revocation: `rev:<digest of the jti>`.
pub fn revocation_id(jti: &str) -> String {
    let mut id = String::with_capacity(26);
    id.push_str("rev:");
    id.push_str(&digest(&[jti.as_bytes()]));
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unambiguous_and_bounded() {
        assert_ne!(hx1_token_id("a:b", "c", "k"), hx1_token_id("a", "b:c", "k"));
        assert_ne!(hx1_token_id("a", "b", "k"), hx1_jti_id("a", "b", "k"));
        let id = hx1_token_id("x{tag}", "y z%", &"k".repeat(10_000));
        assert!(!id.contains('{') && !id.contains('}') && !id.contains(' '));
        assert!(id.starts_with("hx1:x%7Btag%7D:y%20z%25:t:"), "{id}");
        assert_eq!(
            jws_jti_id("T", &"j".repeat(100_000)).len(),
            "jws:T:j:".len() + 22
        );
        assert_ne!(jws_jti_id("T1", "j"), jws_jti_id("T2", "j"));
    }

    #[test]
    fn an_hmac_secrets_thumbprint_never_reaches_the_store() {
        use crate::jws::{Algorithm, Key};
        let hmac = Key::from_secret(b"a secret of at least thirty-two bytes!!").unwrap();
        let ns = hmac.replay_namespace();
        assert!(ns.starts_with("oct-") && ns.len() == 4 + 22, "{ns}");
        assert!(!jws_jti_id(ns, "j").contains(&hmac.thumbprint()));
        assert_eq!(
            hmac.clone().with_kid("k").replay_namespace(),
            ns,
            "cached, kid-independent"
        );
        let es = Key::generate(Algorithm::ES256).unwrap();
        assert_eq!(
            es.replay_namespace(),
            es.thumbprint(),
            "public keys: the thumbprint"
        );
    }

    #[test]
    fn default_check_and_insert_all_records_every_id() {
        let s = MemoryReplayStore::new(10);
        assert_eq!(s.check_and_insert_all(&[b"a", b"b"], 100, 0).unwrap(), None);
        assert_eq!(
            s.check_and_insert_all(&[b"c", b"b"], 100, 0).unwrap(),
            Some(1)
        );
        assert!(!s.check_and_insert(b"c", 100, 0).unwrap(), "c was recorded");
    }
}
