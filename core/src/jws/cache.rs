//! An optional cache of verified tokens in front of [`decode`](super::decode): see
//! [`CachedVerifier`].

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::de::DeserializeOwned;
use sha2::{Digest as _, Sha256};

use super::validation::{ClaimLookup, NumericDate, numeric_date};
use super::{Key, TokenData, Validation, VerifyingKeys};
use crate::error::{Error, ErrorKind, Result};
use crate::json::{self, Claim};
use crate::store::RevocationStore;

/// The longest token a [`CachedVerifier`] remembers by default, in bytes (8 KiB): longer ones
/// are verified in full every time (see
/// [`max_cached_token_len`](CachedVerifier::max_cached_token_len)).
pub const DEFAULT_MAX_CACHED_TOKEN_LEN: usize = 8 * 1024;

/// Up to this many entries, the insertion-order queue is never compacted.
const MIN_QUEUE_COMPACTION: usize = 64;

/// A cache of verified tokens: [`decode`](super::decode) with one key source and one
/// [`Validation`] bound at construction, remembering up to `capacity` tokens that passed so
/// that a token presented again skips its signature check. Nothing in hxjwt caches unless you
/// build one.
///
/// ```
/// use hxjwt::jws::{self, Algorithm, CachedVerifier, Header, Key, Validation};
///
/// let signer = Key::generate(Algorithm::ES256)?;
/// let token = jws::encode_json(&Header::new(Algorithm::ES256),
///     r#"{"sub":"ada","jti":"t-1","exp":4102444800}"#, &signer)?;
///
/// let verifier = CachedVerifier::new(signer.to_public()?, Validation::new(&[Algorithm::ES256]), 10_000);
/// let first = verifier.decode_bytes(&token)?; // verified in full, then remembered
/// let again = verifier.decode_bytes(&token)?; // a hit: the claims re-checked, no signature
/// assert_eq!(first, again);
/// assert_eq!((verifier.stats().misses, verifier.stats().hits), (1, 1));
///
/// // One byte changed is another token: not in the cache, and refused by the full decode.
/// let mut forged = token.into_bytes();
/// let last = forged.len() - 1;
/// forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
/// assert!(verifier.decode_bytes(std::str::from_utf8(&forged).unwrap()).is_err());
/// # Ok::<(), hxjwt::Error>(())
/// ```
///
/// # What a hit skips, and what it still checks
///
/// An entry is keyed by the SHA-256 of the token's bytes and holds what decode returned (the
/// header, the algorithm, the claims' JSON text) and the identity of the key that verified the
/// signature (its RFC 7638 thumbprint; for an HMAC secret, a digest of it). Binding the key
/// source and the validation to the verifier makes them part of every entry's identity: two
/// verifiers never share entries. What decode does that depends only on the token's bytes, the
/// key and the validation — the size limit, base64, the header's JSON and checks (`alg`
/// accepted, no `crit`, `typ`), **the signature** — gave its answer the first time and would
/// give it again: a hit skips it. What depends on time or on shared state is done again on
/// every hit, by the code decode runs:
///
/// - the key must still be among the key source's candidates for the token's `kid` and `alg`,
///   and still allowed to verify with it (`use`, `key_ops`, `alg` of the key) (a key rotated out of a remote key set, `remote::RemoteKeySet`, stops serving its
///   tokens at the set's next refresh; for a [`KeySet`](super::KeySet), which does not change,
///   build a new verifier with the new set);
/// - the claim checks of the validation, with its clock: `exp`, `nbf`, `iat`, the maximum age,
///   the required claims, `aud`, `iss`, `sub`;
/// - the revocation store's answer for the token's `jti`, when one is set
///   ([`with_revocations`](Self::with_revocations));
/// - the replay store, when the validation has one: a second use is refused as by decode,
///   which makes a cache pointless with a replay store.
///
/// A hit that fails drops its entry; a hit that cannot be confirmed (the key is gone) drops
/// it and verifies the token in full, so the answer is always decode's. A failure is never
/// cached: a token that failed is verified in full each time it comes.
///
/// # When it pays, and why it is off by default
///
/// A hit costs the SHA-256 of the token, two short lock holds, the claim checks and copies of
/// the header and claims: a little over a microsecond whatever the algorithm, against 17–22 µs
/// for an RS256 decode and 70–75 µs for an ES256 one on the bench machine (bench/rust/peers,
/// `BENCH_ONLY=cache`: about 15× and 57× faster on a hit; a miss costs 3–13 % more than a plain
/// decode). It pays for asymmetric algorithms when tokens come back (a bearer token sent with
/// every request of a session): [`stats`](Self::stats) tells whether they do. It does not pay
/// for HS256: a hit (1.1 µs) saves little on a whole decode (1.5 µs), and a miss costs 1.4× a
/// plain decode. More in docs/verified-cache.md.
///
/// The costs, which is why you opt in:
///
/// - **Memory.** An entry holds the token's header and claims (not its signature: a token cannot
///   be rebuilt from the cache) plus about 350 bytes of bookkeeping; `capacity` bounds the
///   count and [`max_cached_token_len`](Self::max_cached_token_len) (default
///   [`DEFAULT_MAX_CACHED_TOKEN_LEN`], 8 KiB) the size: longer tokens are verified every time.
///   When full, the oldest entry is evicted.
/// - **State.** Decode without a cache is a pure function of the token, the key, the
///   validation and the clock; with one, the process keeps the claims of recent tokens, and a
///   caller able to time responses learns whether a token it holds was verified recently.
/// - **Trust in SHA-256.** An entry is served to a token with the same SHA-256: forging a hit
///   takes a second preimage of a token the verifier accepted.
///
/// Share one verifier between threads (it is `Send + Sync` when the key source is): the lock is
/// held to look up, insert or remove an entry, never while verifying.
pub struct CachedVerifier<K: VerifyingKeys> {
    keys: K,
    validation: Validation,
    capacity: usize,
    max_cached_token_len: usize,
    revocations: Option<Arc<dyn RevocationStore>>,
    inner: Mutex<Inner>,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// What a [`CachedVerifier`] has served so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Calls answered from an entry (accepted or refused by the checks a hit repeats).
    pub hits: u64,
    /// Calls that verified the token in full: not in the cache, too long to cache, or its key
    /// gone from the key source.
    pub misses: u64,
}

/// One verified token.
struct Entry {
    /// Set on insertion: the insertion-order queue names an entry by its hash and this number.
    seq: u64,
    /// What a hit returns: the header, the algorithm and the claims' JSON text.
    data: TokenData<Vec<u8>>,
    /// The verifying key's identity: its `replay_namespace` (RFC 7638 thumbprint, or a digest
    /// of an HMAC secret's).
    key: Box<str>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<[u8; 32], Arc<Entry>>,
    /// Insertion order, oldest first: every entry's (hash, seq), plus pairs left by entries
    /// removed or replaced since (skipped on eviction, compacted away when the queue grows past
    /// twice the capacity).
    order: VecDeque<([u8; 32], u64)>,
    next_seq: u64,
}

impl Inner {
    fn is_current(&self, hash: &[u8; 32], seq: u64) -> bool {
        self.entries.get(hash).is_some_and(|e| e.seq == seq)
    }

    fn insert(&mut self, hash: [u8; 32], mut entry: Entry, capacity: usize) {
        entry.seq = self.next_seq;
        self.next_seq = self.next_seq.wrapping_add(1);
        self.order.push_back((hash, entry.seq));
        self.entries.insert(hash, Arc::new(entry));
        while self.entries.len() > capacity {
            let Some((oldest, seq)) = self.order.pop_front() else {
                break;
            };
            if self.is_current(&oldest, seq) {
                self.entries.remove(&oldest);
            }
        }
        if self.order.len() > capacity.saturating_mul(2).max(MIN_QUEUE_COMPACTION) {
            let entries = &self.entries;
            self.order
                .retain(|(h, s)| entries.get(h).is_some_and(|e| e.seq == *s));
        }
    }

    /// Removes the entry `seq` of `hash`, unless another thread replaced it meanwhile.
    fn remove(&mut self, hash: &[u8; 32], seq: u64) {
        if self.is_current(hash, seq) {
            self.entries.remove(hash);
        }
    }
}

impl<K: VerifyingKeys> CachedVerifier<K> {
    /// A verifier of tokens signed by a key of `keys` (a [`Key`], a [`KeySet`](super::KeySet),
    /// a remote key set (`remote::RemoteKeySet`), or your own [`VerifyingKeys`]) under
    /// `validation`, remembering up to `capacity` verified tokens (0: none, every call is a
    /// plain decode).
    pub fn new(keys: K, validation: Validation, capacity: usize) -> Self {
        CachedVerifier {
            keys,
            validation,
            capacity,
            max_cached_token_len: DEFAULT_MAX_CACHED_TOKEN_LEN,
            revocations: None,
            inner: Mutex::new(Inner::default()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Refuses tokens whose `jti` `store` lists as revoked, with
    /// [`Revoked`](ErrorKind::Revoked), on every call, hit or miss (a store that cannot answer
    /// refuses the token: fail closed), and drops a revoked token's entry. A token without a
    /// `jti` cannot be revoked: require one with [`Validation::require`] to refuse those.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use hxjwt::jws::{self, Algorithm, CachedVerifier, Header, Key, Validation};
    /// use hxjwt::store::MemoryRevocationList;
    ///
    /// let key = Key::generate(Algorithm::EdDSA)?;
    /// let token = jws::encode_json(&Header::new(Algorithm::EdDSA),
    ///     r#"{"jti":"session-9","exp":4102444800}"#, &key)?;
    /// let verifier = CachedVerifier::new(key.to_public()?, Validation::new(&[Algorithm::EdDSA]), 1000)
    ///     .with_revocations(Arc::new(MemoryRevocationList::default()));
    /// verifier.decode_bytes(&token)?;
    /// assert!(verifier.revoke(&token)?);
    /// let err = verifier.decode_bytes(&token).unwrap_err();
    /// assert_eq!(err.kind(), hxjwt::ErrorKind::Revoked);
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    #[must_use]
    pub fn with_revocations(mut self, store: Arc<dyn RevocationStore>) -> Self {
        self.revocations = Some(store);
        self
    }

    /// Remembers only tokens of at most `bytes` bytes (default
    /// [`DEFAULT_MAX_CACHED_TOKEN_LEN`]); longer ones, up to the validation's
    /// [`max_token_len`](Validation::max_token_len), are verified in full every time.
    #[must_use]
    pub fn max_cached_token_len(mut self, bytes: usize) -> Self {
        self.max_cached_token_len = bytes;
        self
    }

    /// [`decode_bytes`](super::decode_bytes) through the cache: the header and the claims' JSON
    /// text of a token that passes (see the type's documentation for what a hit checks).
    pub fn decode_bytes(&self, token: &str) -> Result<TokenData<Vec<u8>>> {
        if self.capacity == 0 || token.len() > self.max_cached_token_len {
            self.misses.fetch_add(1, Ordering::Relaxed);
            return self.verify(token).map(|(data, _)| data);
        }
        let hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let cached = self.lock().entries.get(&hash).cloned();
        if let Some(entry) = cached {
            if let Some(served) = self.serve(&entry) {
                self.hits.fetch_add(1, Ordering::Relaxed);
                if served.is_err() {
                    self.lock().remove(&hash, entry.seq);
                }
                return served;
            }
            self.lock().remove(&hash, entry.seq);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let (data, key) = self.verify(token)?;
        let entry = Entry {
            seq: 0,
            data: data.clone(),
            key: key.into(),
        };
        self.lock().insert(hash, entry, self.capacity);
        Ok(data)
    }

    /// [`decode`](super::decode) through the cache: the claims deserialized into `T` (on every
    /// call: the cache holds their JSON text).
    ///
    /// ```
    /// use hxjwt::jws::{self, Algorithm, CachedVerifier, Header, Key, Validation};
    /// #[derive(serde::Deserialize)]
    /// struct Claims { sub: String }
    ///
    /// let key = Key::generate(Algorithm::ES256)?;
    /// let token = jws::encode_json(&Header::new(Algorithm::ES256), r#"{"sub":"ada","exp":4102444800}"#, &key)?;
    /// let verifier = CachedVerifier::new(key.to_public()?, Validation::new(&[Algorithm::ES256]), 100);
    /// for _ in 0..3 {
    ///     assert_eq!(verifier.decode::<Claims>(&token)?.claims.sub, "ada");
    /// }
    /// assert_eq!(verifier.stats().hits, 2);
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn decode<T: DeserializeOwned>(&self, token: &str) -> Result<TokenData<T>> {
        let data = self.decode_bytes(token)?;
        let claims = serde_json::from_slice(&data.claims).map_err(|e| {
            Error::new(
                ErrorKind::InvalidClaim,
                format!("the claims do not fit the type expected: {e}"),
            )
        })?;
        Ok(TokenData {
            header: data.header,
            alg: data.alg,
            claims,
        })
    }

    /// Revokes the token in the revocation store (its `jti`, until its `exp` plus the
    /// validation's leeway: as long as it could be accepted) and drops its entry. The signature
    /// is verified first (a forged token revokes nothing); the claims are not checked. Returns
    /// whether this call revoked it (`false`: it already was). Fails with
    /// [`InvalidArgument`](ErrorKind::InvalidArgument) without a store
    /// ([`with_revocations`](Self::with_revocations)), and with
    /// [`MissingClaim`](ErrorKind::MissingClaim) for a token without `jti` or `exp`.
    pub fn revoke(&self, token: &str) -> Result<bool> {
        let store = self.revocations.as_ref().ok_or_else(|| {
            Error::invalid_argument(
                "this verifier has no revocation store: set one with with_revocations",
            )
        })?;
        let data = super::verify(token, &self.keys, &self.validation)?;
        let view = json::ClaimsView::parse(&data.claims, self.validation.max_depth, "claims")?;
        let jti = match view.claim("jti") {
            Some(Claim::Str(jti)) => jti,
            Some(_) => {
                return Err(Error::new(
                    ErrorKind::InvalidClaim,
                    "the \"jti\" claim must be a string",
                )
                .with_claim("jti"));
            }
            None => {
                return Err(Error::new(
                    ErrorKind::MissingClaim,
                    "the token has no \"jti\" claim: it cannot be revoked",
                )
                .with_claim("jti"));
            }
        };
        let exp = match numeric_date(&view, "exp")? {
            Some(NumericDate::Whole(exp)) => exp,
            #[allow(
                clippy::cast_possible_truncation,
                reason = "a NumericDate is within ±2^53, so its ceiling is exact in an i64"
            )]
            Some(NumericDate::Fraction(exp)) => exp.ceil() as i64,
            None => {
                return Err(Error::new(
                    ErrorKind::MissingClaim,
                    "the token has no \"exp\" claim: its revocation would never end",
                )
                .with_claim("exp"));
            }
        };
        let until = exp.saturating_add(i64::try_from(self.validation.leeway).unwrap_or(i64::MAX));
        let revoked = store.revoke(jti, until, self.validation.clock.now())?;
        self.invalidate(token);
        Ok(revoked)
    }

    /// Drops the token's entry, if it has one; returns whether it had. The next call with it
    /// verifies it in full.
    pub fn invalidate(&self, token: &str) -> bool {
        let hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        self.lock().entries.remove(&hash).is_some()
    }

    /// Drops every entry (after a key rotation you know of, for instance).
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.entries.clear();
        inner.order.clear();
    }

    /// The number of tokens remembered.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether no token is remembered.
    pub fn is_empty(&self) -> bool {
        self.lock().entries.is_empty()
    }

    /// The most tokens remembered at once.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Hits and misses so far: the hit rate tells whether the cache pays.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }

    /// The key source tokens are verified with.
    pub fn keys(&self) -> &K {
        &self.keys
    }

    /// The validation tokens are checked against.
    pub fn validation(&self) -> &Validation {
        &self.validation
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Nothing panics while the lock is held; a poisoned lock still holds a consistent map.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A hit: `None` when the key that verified the token is no longer a candidate, or no longer
    /// one that may verify (its `use`, `key_ops` or `alg` changed in the key source): the caller
    /// then verifies the token in full. Else the answer of the checks a hit repeats.
    fn serve(&self, entry: &Entry) -> Option<Result<TokenData<Vec<u8>>>> {
        let data = &entry.data;
        let candidates = self.keys.candidates(data.header.kid(), data.alg).ok()?;
        let key = candidates
            .into_iter()
            .find(|k| k.replay_namespace() == &*entry.key && k.check(data.alg, false).is_ok())?;
        Some(self.check_claims(&data.claims, &key).map(|()| data.clone()))
    }

    /// Decode in full, plus the revocation check; returns the verifying key's identity too.
    fn verify(&self, token: &str) -> Result<(TokenData<Vec<u8>>, String)> {
        super::verified(token, &self.keys, &self.validation, |t| {
            self.check_claims(&t.payload, &t.key)?;
            let id = t.key.replay_namespace().to_owned();
            Ok((
                TokenData {
                    header: t.header()?,
                    alg: t.alg,
                    claims: t.payload,
                },
                id,
            ))
        })
    }

    /// What is checked on every call, hit or miss, after the signature: the claims, the
    /// revocation store, the replay store (last: only a token that passes is recorded).
    fn check_claims(&self, payload: &[u8], key: &Key) -> Result<()> {
        let v = &self.validation;
        let view = json::ClaimsView::parse(payload, v.max_depth, "claims")?;
        v.check_claims_in(&view)?;
        self.check_revoked(&view)?;
        v.check_replay(&view, key)
    }

    fn check_revoked(&self, claims: &impl ClaimLookup) -> Result<()> {
        let Some(store) = &self.revocations else {
            return Ok(());
        };
        // A `jti` that is not a string was refused by the claim checks before.
        let Some(Claim::Str(jti)) = claims.claim("jti") else {
            return Ok(());
        };
        if store.is_revoked(jti, self.validation.clock.now())? {
            return Err(Error::new(ErrorKind::Revoked, "the token was revoked").with_claim("jti"));
        }
        Ok(())
    }
}

impl<K: VerifyingKeys> fmt::Debug for CachedVerifier<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedVerifier")
            .field("validation", &self.validation)
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .field("max_cached_token_len", &self.max_cached_token_len)
            .field("revocations", &self.revocations.is_some())
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}
