//! The endpoint: one identity, its directory, its policy, and the four HX1 operations.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use once_cell::sync::OnceCell;

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_kw::KwAes256;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::cache::{Direction, PairKeyCache};
use super::directory::{Directory, MAX_KEYS_PER_NAME};
use super::header::{self, Header, MAX_CTY_LEN, MAX_JTI_LEN};
use super::keys::{Identity, MachineToken};
use crate::b64;
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, ErrorKind, Result, quote};
use crate::explain::Report;
use crate::jwe;
use crate::store::{self, MemoryReplayStore, ReplayStore};
use serde_json::Value;

// The ECDH-1PU mode (core/src/hx1/onepu.rs), a child of this module.
#[path = "onepu.rs"]
mod onepu;

/// The default maximum token length, in bytes (PROTOCOL.md §4.1).
pub const DEFAULT_MAX_TOKEN_LEN: usize = 64 * 1024;
/// The default time to live of a created token, in seconds.
pub const DEFAULT_TTL: u64 = 300;
/// The default number of peers whose pairwise keys are cached.
pub const DEFAULT_KEY_CACHE_CAPACITY: usize = 4096;
/// The most previous identity keys an endpoint keeps for receiving during a rotation.
pub const MAX_PREVIOUS_IDENTITIES: usize = 2;

const HKDF_SALT: &[u8] = b"hxjwt/v1";
const HKDF_INFO_LABEL: &[u8] = b"hxjwt/v1 wrap";
const WRAPPED_LEN: usize = 72;
const IV_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// How tokens are validated. Every field has a safe default.
///
/// ```
/// use hxjwt::Policy;
/// let mut policy = Policy::default();
/// policy.leeway = 30;                  // tolerate 30 s of clock skew
/// policy.max_lifetime = Some(3600);    // refuse tokens that live longer than an hour
/// policy.audiences = vec!["billing".into()]; // also accept tokens sent to this alias
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Clock skew tolerated on `exp`, `iat` and `nbf`, in seconds. Defaults to 0.
    pub leeway: u64,
    /// The longest lifetime (`exp - iat`) accepted, in seconds. Defaults to `None` (no limit).
    pub max_lifetime: Option<u64>,
    /// Names accepted in `aud` besides the endpoint's own name. Defaults to none.
    pub audiences: Vec<String>,
    /// The longest token accepted, in bytes. Defaults to [`DEFAULT_MAX_TOKEN_LEN`] (64 KiB).
    pub max_token_len: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            leeway: 0,
            max_lifetime: None,
            audiences: Vec::new(),
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
        }
    }
}

/// Options for creating one token.
///
/// ```
/// use hxjwt::CreateOptions;
/// let opts = CreateOptions { ttl: 60, jti: Some("req-42".into()), ..CreateOptions::default() };
/// assert_eq!(opts.ttl, 60);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateOptions {
    /// Seconds from `iat` to `exp`; at least 1. Defaults to [`DEFAULT_TTL`] (300).
    pub ttl: u64,
    /// `nbf`, seconds since the epoch. Defaults to `None` (not sent).
    pub not_before: Option<i64>,
    /// `jti`, a unique token id of at most 128 bytes. Defaults to `None` (not sent).
    pub jti: Option<String>,
    /// `cty`, the media type of the plaintext (e.g. `"json"`). Defaults to `None` (not sent).
    pub cty: Option<String>,
}

impl Default for CreateOptions {
    fn default() -> Self {
        CreateOptions {
            ttl: DEFAULT_TTL,
            not_before: None,
            jti: None,
            cty: None,
        }
    }
}

impl CreateOptions {
    /// Options with the given time to live and defaults otherwise.
    pub fn with_ttl(ttl: u64) -> Self {
        CreateOptions {
            ttl,
            ..Self::default()
        }
    }
}

/// A validated HX1 token: who sent it, to whom, when, and the decrypted plaintext.
/// The plaintext is zeroized when the message is dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Message {
    issuer: String,
    audience: String,
    issued_at: i64,
    expires_at: i64,
    not_before: Option<i64>,
    jti: Option<String>,
    cty: Option<String>,
    protocol: &'static str,
    payload: Zeroizing<Vec<u8>>,
}

/// [`Message::protocol`] of an HX1 token.
const PROTOCOL_HX1: &str = "HX1";
/// [`Message::protocol`] of a token of the ECDH-1PU mode.
const PROTOCOL_1PU: &str = "ECDH-1PU";

impl Message {
    /// The sender's name (`iss`), authenticated.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
    /// The recipient's name (`aud`): this endpoint's name or one of its accepted audiences.
    pub fn audience(&self) -> &str {
        &self.audience
    }
    /// `iat`, seconds since the epoch.
    pub fn issued_at(&self) -> i64 {
        self.issued_at
    }
    /// `exp`, seconds since the epoch.
    pub fn expires_at(&self) -> i64 {
        self.expires_at
    }
    /// `nbf`, if the token had one.
    pub fn not_before(&self) -> Option<i64> {
        self.not_before
    }
    /// `jti`, if the token had one.
    pub fn jti(&self) -> Option<&str> {
        self.jti.as_deref()
    }
    /// `cty`, if the token had one.
    pub fn content_type(&self) -> Option<&str> {
        self.cty.as_deref()
    }
    /// How the token was made: `"HX1"` ([`Endpoint::create`]) or `"ECDH-1PU"`
    /// ([`Endpoint::create_1pu`]).
    pub fn protocol(&self) -> &'static str {
        self.protocol
    }
    /// The decrypted plaintext.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }
    /// The plaintext parsed as JSON into `T` (a `serde_json::Value`, or your own claims type).
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.payload)
            .map_err(|e| Error::malformed(format!("the plaintext is not the JSON expected: {e}")))
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .field("not_before", &self.not_before)
            .field("jti", &self.jti)
            .field("cty", &self.cty)
            .field("protocol", &self.protocol)
            .field("payload_len", &self.payload.len())
            .finish()
    }
}

/// One identity with its directory, policy and caches: creates tokens for peers and validates
/// tokens from them. `Send + Sync`: share one endpoint (e.g. in an `Arc`) across all threads,
/// so that they share its pairwise-key cache and replay store.
///
/// ```
/// use hxjwt::{CreateOptions, Endpoint, Identity, MemoryDirectory};
/// let (alice, bob) = (Identity::generate("alice")?, Identity::generate("bob")?);
/// let directory = std::sync::Arc::new(MemoryDirectory::new());
/// directory.insert(alice.machine_token());
/// directory.insert(bob.machine_token());
///
/// let a = Endpoint::new(alice).with_directory(directory.clone());
/// let b = Endpoint::new(bob).with_directory(directory);
/// let token = a.create("bob", br#"{"order":42}"#, &CreateOptions::default())?;
/// let msg = b.validate(&token)?;
/// assert_eq!((msg.issuer(), msg.payload()), ("alice", &br#"{"order":42}"#[..]));
/// # Ok::<(), hxjwt::Error>(())
/// ```
pub struct Endpoint {
    identity: Identity,
    /// Earlier keys of this endpoint, newest first, still accepted when receiving.
    previous: Vec<Identity>,
    directory: Option<Arc<dyn Directory>>,
    policy: Policy,
    clock: Arc<dyn Clock>,
    replay: Option<Arc<dyn ReplayStore>>,
    cache: PairKeyCache,
    /// The current and previous identities as JWE keys, for the ECDH-1PU mode; made on first
    /// use, forgotten when the identities change.
    onepu_keys: OnceCell<Vec<jwe::Key>>,
    /// Peers' machine tokens as JWE keys, for the ECDH-1PU mode.
    onepu_peers: onepu::PeerKeys,
}

impl Endpoint {
    /// An endpoint for `identity`, without a directory, with the default [`Policy`], the system
    /// clock, no replay protection and a pairwise-key cache of
    /// [`DEFAULT_KEY_CACHE_CAPACITY`] peers.
    pub fn new(identity: Identity) -> Self {
        Endpoint {
            identity,
            previous: Vec::new(),
            directory: None,
            policy: Policy::default(),
            clock: Arc::new(SystemClock),
            replay: None,
            cache: PairKeyCache::new(DEFAULT_KEY_CACHE_CAPACITY),
            onepu_keys: OnceCell::new(),
            onepu_peers: onepu::PeerKeys::new(DEFAULT_KEY_CACHE_CAPACITY),
        }
    }

    /// Uses `directory` to resolve recipients ([`create`](Self::create)) and senders
    /// ([`validate`](Self::validate)).
    #[must_use]
    pub fn with_directory(mut self, directory: impl Directory + 'static) -> Self {
        self.directory = Some(Arc::new(directory));
        self
    }

    /// Like [`with_directory`](Self::with_directory), sharing a directory already in an `Arc`.
    #[must_use]
    pub fn with_shared_directory(mut self, directory: Arc<dyn Directory>) -> Self {
        self.directory = Some(directory);
        self
    }

    /// Keeps `previous`, another key pair of this endpoint, for **receiving** during a key
    /// rotation window: tokens that peers sealed to that machine token keep validating. It is
    /// the old key after a switch, or the next key before one (receive on it before publishing
    /// it; docs/ROTATION.md). Tokens are always created with the current identity. Only the key of `previous` is used (its name is ignored). At most
    /// [`MAX_PREVIOUS_IDENTITIES`] are kept, newest first; adding another drops the oldest.
    /// Drop them with [`clear_previous_identities`](Self::clear_previous_identities) when the
    /// window closes (docs/ROTATION.md).
    ///
    /// ```
    /// use hxjwt::{CreateOptions, Endpoint, Identity};
    /// let alice = Endpoint::new(Identity::generate("alice")?);
    /// let bob_old = Identity::generate("bob")?;
    /// let in_flight = alice.create_for(&bob_old.machine_token(), b"hi", &CreateOptions::default())?;
    /// // bob rotates: new key pair, the old one kept for receiving
    /// let bob = Endpoint::new(Identity::generate("bob")?).with_previous_identity(bob_old);
    /// let msg = bob.validate_from(&in_flight, &alice.identity().machine_token())?;
    /// assert_eq!(msg.payload(), b"hi");
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    #[must_use]
    pub fn with_previous_identity(mut self, previous: Identity) -> Self {
        self.add_previous_identity(previous);
        self
    }

    /// Like [`with_previous_identity`](Self::with_previous_identity), in place.
    pub fn add_previous_identity(&mut self, previous: Identity) {
        if previous.public_bytes() == self.identity.public_bytes() {
            return;
        }
        self.previous
            .retain(|p| p.public_bytes() != previous.public_bytes());
        self.previous.insert(0, previous);
        self.previous.truncate(MAX_PREVIOUS_IDENTITIES);
        self.onepu_keys = OnceCell::new();
    }

    /// Rotates in place: `identity` becomes the current key pair and the current one is kept
    /// as a previous one (see [`with_previous_identity`](Self::with_previous_identity)).
    pub fn rotate_identity(&mut self, identity: Identity) {
        // The new key may already be a receiving key (step 1 of docs/ROTATION.md): it leaves
        // the previous list, so that it does not take one of its slots twice.
        self.previous
            .retain(|p| p.public_bytes() != identity.public_bytes());
        let old = std::mem::replace(&mut self.identity, identity);
        self.add_previous_identity(old);
        self.onepu_keys = OnceCell::new();
    }

    /// Forgets the previous identity keys: the rotation window is closed.
    pub fn clear_previous_identities(&mut self) {
        self.previous.clear();
        self.onepu_keys = OnceCell::new();
    }

    /// The previous identity keys still accepted for receiving, newest first.
    pub fn previous_identities(&self) -> &[Identity] {
        &self.previous
    }

    /// Replaces the validation policy.
    #[must_use]
    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Replaces the clock (for tests, vectors, or replaying recorded traffic).
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Turns on replay protection with an in-memory [`MemoryReplayStore`] of default capacity.
    #[must_use]
    pub fn with_replay_protection(mut self) -> Self {
        self.set_replay_protection(true);
        self
    }

    /// Turns on replay protection with the caller's store (e.g. one shared by a fleet).
    #[must_use]
    pub fn with_replay_store(mut self, store: Arc<dyn ReplayStore>) -> Self {
        self.replay = Some(store);
        self
    }

    /// Sets how many peers' pairwise keys (and, for the ECDH-1PU mode, public keys) are cached
    /// (0 turns the caches off).
    #[must_use]
    pub fn with_key_cache_capacity(mut self, peers: usize) -> Self {
        self.cache = PairKeyCache::new(peers);
        self.onepu_peers = onepu::PeerKeys::new(peers);
        self
    }

    /// The validation policy, to change in place.
    pub fn policy_mut(&mut self) -> &mut Policy {
        &mut self.policy
    }

    /// The validation policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Turns replay protection on (a fresh in-memory store) or off.
    pub fn set_replay_protection(&mut self, on: bool) {
        self.replay = if on {
            Some(Arc::new(MemoryReplayStore::default()))
        } else {
            None
        };
    }

    /// Uses `store` for replay protection (`None`: off), e.g. a
    /// [`RedisReplayStore`](crate::store::redis::RedisReplayStore) shared by a fleet.
    pub fn set_replay_store(&mut self, store: Option<Arc<dyn ReplayStore>>) {
        self.replay = store;
    }

    /// Whether replay protection is on.
    pub fn replay_protection(&self) -> bool {
        self.replay.is_some()
    }

    /// Replaces the clock.
    pub fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.clock = clock;
    }

    /// This endpoint's identity.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// The time now, by this endpoint's clock.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Creates a token for the identity named `to`, whose machine token the directory resolves.
    /// (The original design's `CreateEncryptedJWTTokenDirect`.) A token that would be longer
    /// than this endpoint's [`Policy::max_token_len`] (64 KiB by default, the limit receivers
    /// apply by default) is not made: [`InvalidArgument`](ErrorKind::InvalidArgument), before
    /// any work.
    pub fn create(&self, to: &str, plaintext: &[u8], opts: &CreateOptions) -> Result<String> {
        let recipient = self.resolve(to, ErrorKind::UnknownIssuer)?;
        self.create_for(&recipient, plaintext, opts)
    }

    /// Creates a token for the holder of `recipient`. (`CreateEncryptedJWTTokenUsingSharedKey`.)
    pub fn create_for(
        &self,
        recipient: &MachineToken,
        plaintext: &[u8],
        opts: &CreateOptions,
    ) -> Result<String> {
        // One OS random call per token: M (64 bytes) and the IV (12) together. No userspace RNG
        // that a fork() would duplicate.
        let mut random = Zeroizing::new([0u8; 64 + IV_LEN]);
        crate::random::fill(random.as_mut_slice())?;
        let (m, iv) = random.split_at(64);
        let material: &[u8; 64] = m
            .try_into()
            .map_err(|_| Error::new(ErrorKind::Internal, "key material length"))?;
        let iv: &[u8; IV_LEN] = iv
            .try_into()
            .map_err(|_| Error::new(ErrorKind::Internal, "iv length"))?;
        self.seal(recipient, plaintext, opts, material, iv)
    }

    /// Whether creating or validating a token of about `len` bytes (the payload to send, or the
    /// token received) is only a few microseconds of work that waits on nothing: `len` is at
    /// most [`jwe::CHEAP_TOKEN_LEN`], and the directory and the replay store (if any) live in
    /// this process's memory ([`Directory::is_local`], [`ReplayStore::is_local`]). A face over
    /// a runtime lock (Python's GIL) keeps the lock for such a call, since releasing and taking
    /// it back costs more than the call and, with several threads, makes them queue for it;
    /// every other call releases it. The first message with a new peer also computes an X25519
    /// shared key (tens of microseconds), once per peer and key.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use hxjwt::{Endpoint, Identity, MemoryDirectory};
    /// let bob = Identity::generate("bob.service")?;
    /// let dir = Arc::new(MemoryDirectory::new());
    /// dir.insert(bob.machine_token());
    /// let endpoint = Endpoint::new(bob).with_directory(dir);
    /// assert!(endpoint.is_cheap(1_000));
    /// assert!(!endpoint.is_cheap(1 << 20));
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn is_cheap(&self, len: usize) -> bool {
        len <= jwe::CHEAP_TOKEN_LEN
            && self.directory.as_deref().is_none_or(Directory::is_local)
            && self.replay.as_deref().is_none_or(ReplayStore::is_local)
    }

    /// Validates a token whose sender (`iss`) the directory resolves. (`ValidateTokenDirect`.)
    /// Both modes are accepted, told apart by their segments: an HX1 token (3) or one of the
    /// ECDH-1PU mode (5, see [`create_1pu`](Self::create_1pu)); [`Message::protocol`] says
    /// which it was.
    pub fn validate(&self, token: &str) -> Result<Message> {
        self.open(token, None)
    }

    /// Validates a token from the holder of `sender`, without asking the directory.
    /// (`ValidateTokenUsingSharedKey`.) Fails with [`ErrorKind::IssuerMismatch`] when the
    /// token's `iss` is not `sender.name()`. Both modes are accepted, as by
    /// [`validate`](Self::validate).
    pub fn validate_from(&self, token: &str, sender: &MachineToken) -> Result<Message> {
        self.open(token, Some(sender))
    }

    /// Like [`create`](Self::create), in the ECDH-1PU mode: a standard compact JWE
    /// (`alg` `"ECDH-1PU"`, `enc` `"A256GCM"`, draft-madden-jose-ecdh-1pu-04) that any
    /// ECDH-1PU implementation (joserfc, …) decrypts with the two X25519 keys, and that
    /// [`validate`](Self::validate) and [`validate_from`](Self::validate_from) accept with the
    /// same policy and replay store as an HX1 token. Unlike HX1, a token stays secret even if
    /// the sender's identity key is stolen later (docs/PROTOCOL.md, SECURITY.md).
    ///
    /// ```
    /// use hxjwt::{CreateOptions, Endpoint, Identity, MemoryDirectory};
    /// let (alice, bob) = (Identity::generate("alice")?, Identity::generate("bob")?);
    /// let directory = std::sync::Arc::new(MemoryDirectory::new());
    /// directory.insert(alice.machine_token());
    /// directory.insert(bob.machine_token());
    ///
    /// let a = Endpoint::new(alice).with_directory(directory.clone());
    /// let b = Endpoint::new(bob).with_directory(directory).with_replay_protection();
    /// let token = a.create_1pu("bob", br#"{"order":42}"#, &CreateOptions::default())?;
    /// assert_eq!(token.split('.').count(), 5);                // a compact JWE
    /// let msg = b.validate(&token)?;                          // one validate for both modes
    /// assert_eq!((msg.issuer(), msg.protocol()), ("alice", "ECDH-1PU"));
    /// assert_eq!(msg.payload(), br#"{"order":42}"#);
    /// assert_eq!(b.validate(&token).unwrap_err().kind(), hxjwt::ErrorKind::Replayed);
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn create_1pu(&self, to: &str, plaintext: &[u8], opts: &CreateOptions) -> Result<String> {
        let recipient = self.resolve(to, ErrorKind::UnknownIssuer)?;
        self.create_1pu_for(&recipient, plaintext, opts)
    }

    /// Like [`create_for`](Self::create_for), in the ECDH-1PU mode (see
    /// [`create_1pu`](Self::create_1pu)).
    ///
    /// ```
    /// use hxjwt::{CreateOptions, Endpoint, Identity};
    /// let (alice, bob) = (Endpoint::new(Identity::generate("alice")?),
    ///                     Endpoint::new(Identity::generate("bob")?));
    /// let opts = CreateOptions { jti: Some("req-1".into()), ..CreateOptions::with_ttl(60) };
    /// let token = alice.create_1pu_for(&bob.identity().machine_token(), b"hi", &opts)?;
    /// let msg = bob.validate_from(&token, &alice.identity().machine_token())?;
    /// assert_eq!((msg.payload(), msg.jti()), (&b"hi"[..], Some("req-1")));
    /// assert_eq!(msg.expires_at() - msg.issued_at(), 60);
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn create_1pu_for(
        &self,
        recipient: &MachineToken,
        plaintext: &[u8],
        opts: &CreateOptions,
    ) -> Result<String> {
        let (iat, exp) = self.check_create(opts)?;
        let sender = self
            .onepu_keys()?
            .first()
            .ok_or_else(|| Error::new(ErrorKind::Internal, "no identity key"))?;
        let claims = onepu::Claims {
            iss: self.identity.name(),
            aud: recipient.name(),
            iat,
            exp,
            nbf: opts.not_before,
            jti: opts.jti.as_deref(),
            cty: opts.cty.as_deref(),
        };
        onepu::seal(
            sender,
            &self.onepu_peers.get(recipient)?,
            &claims,
            plaintext,
        )
    }

    fn directory(&self) -> Result<&Arc<dyn Directory>> {
        self.directory.as_ref().ok_or_else(|| {
            Error::invalid_argument(
                "this endpoint has no directory: pass the peer's machine token instead",
            )
        })
    }

    fn resolve(&self, name: &str, unknown: ErrorKind) -> Result<MachineToken> {
        let found = self
            .directory()?
            .resolve(name)
            .map_err(|e| resolver_failed(name, e))?;
        found.ok_or_else(|| {
            Error::new(
                unknown,
                format!("the directory does not know {}", quote_name(name)),
            )
        })
    }

    /// Every machine token of `name` (a rotation lists several), at most [`MAX_KEYS_PER_NAME`].
    fn resolve_all(&self, name: &str, unknown: ErrorKind) -> Result<Vec<MachineToken>> {
        let mut found = self
            .directory()?
            .resolve_all(name)
            .map_err(|e| resolver_failed(name, e))?;
        found.retain(|t| t.name() == name);
        found.truncate(MAX_KEYS_PER_NAME);
        if found.is_empty() {
            return Err(Error::new(
                unknown,
                format!("the directory does not know {}", quote_name(name)),
            ));
        }
        Ok(found)
    }

    /// The pairwise key-wrapping key between `peer` and `own` (the current identity or a
    /// previous one), from the cache or derived (PROTOCOL.md §2).
    fn kek(
        &self,
        dir: Direction,
        peer: &MachineToken,
        own: &Identity,
        own_name: &str,
    ) -> Result<KwAes256> {
        let peer_key = peer.public_key();
        let own_key = own.public_bytes();
        if let Some(k) = self
            .cache
            .get(dir, peer_key, own_key, peer.name(), own_name)
        {
            return Ok(k);
        }
        let z = own.agree(peer_key)?;
        let k = match dir {
            Direction::Outgoing => pairwise_key(&z, own_name, own_key, peer.name(), peer_key),
            Direction::Incoming => pairwise_key(&z, peer.name(), peer_key, own_name, own_key),
        }?;
        let kek = KwAes256::new_from_slice(k.as_slice())
            .map_err(|_| Error::new(ErrorKind::Internal, "AES-KW key setup failed"))?;
        self.cache
            .put(dir, peer_key, own_key, peer.name(), own_name, kek.clone());
        Ok(kek)
    }

    /// Checks the options of a token to create; returns `(iat, exp)`.
    fn check_create(&self, opts: &CreateOptions) -> Result<(i64, i64)> {
        if opts.ttl == 0 {
            return Err(Error::invalid_argument("ttl must be at least 1 second"));
        }
        for (value, name) in [(&opts.jti, "jti"), (&opts.cty, "cty")] {
            if value.as_deref().is_some_and(crate::json::has_control) {
                return Err(Error::invalid_argument(format!(
                    "{name} contains a control character"
                )));
            }
        }
        if let Some(jti) = &opts.jti {
            if jti.len() > MAX_JTI_LEN {
                return Err(Error::invalid_argument(format!(
                    "jti is longer than {MAX_JTI_LEN} bytes"
                )));
            }
        }
        if let Some(cty) = &opts.cty {
            if cty.len() > MAX_CTY_LEN {
                return Err(Error::invalid_argument(format!(
                    "cty is longer than {MAX_CTY_LEN} bytes"
                )));
            }
        }
        let max_date = i64::try_from(header::MAX_NUMERIC_DATE).unwrap_or(i64::MAX);
        let iat = self.clock.now();
        let exp = i64::try_from(opts.ttl)
            .ok()
            .and_then(|ttl| iat.checked_add(ttl))
            .filter(|exp| (0..=max_date).contains(&iat) && *exp <= max_date)
            .ok_or_else(|| Error::invalid_argument("iat or iat + ttl is outside 0..=2^53"))?;
        if let Some(nbf) = opts.not_before {
            if !(0..=max_date).contains(&nbf) {
                return Err(Error::invalid_argument("nbf is outside 0..=2^53"));
            }
        }
        Ok((iat, exp))
    }

    /// PROTOCOL.md §3 with the random material given.
    pub(crate) fn seal(
        &self,
        recipient: &MachineToken,
        plaintext: &[u8],
        opts: &CreateOptions,
        material: &[u8; 64],
        iv: &[u8; IV_LEN],
    ) -> Result<String> {
        let (iat, exp) = self.check_create(opts)?;

        let kek = self.kek(
            Direction::Outgoing,
            recipient,
            &self.identity,
            self.identity.name(),
        )?;
        let mut wrapped = [0u8; WRAPPED_LEN];
        kek.wrap_key(material, &mut wrapped)
            .map_err(|_| Error::new(ErrorKind::Internal, "AES-KW wrap failed"))?;
        let kid = b64::encode(&wrapped);
        let (mac_key, cek) = material.split_at(32);

        let header_json = header::write(
            &kid,
            self.identity.name(),
            recipient.name(),
            iat,
            exp,
            opts.not_before,
            opts.jti.as_deref(),
            opts.cty.as_deref(),
        );
        // The token's exact length, known before any work: a token its recipient would refuse
        // as too long (by the limit of this endpoint's own policy, which receivers apply by
        // default) is not made.
        let b64_len = b64::encoded_len;
        let enc_len = IV_LEN
            .saturating_add(plaintext.len())
            .saturating_add(TAG_LEN);
        let payload_len = b64_len(enc_len).saturating_add(r#"{"enc":""}"#.len());
        let token_len = b64_len(header_json.len())
            .saturating_add(b64_len(payload_len))
            .saturating_add(2 + 43);
        if token_len > self.policy.max_token_len {
            return Err(Error::invalid_argument(format!(
                "the token would be {token_len} bytes, over the {} that receivers accept by \
                 default (Policy::max_token_len): send less, or raise the limit on both sides",
                self.policy.max_token_len
            )));
        }
        let mut token = String::with_capacity(token_len);
        b64::encode_into(header_json.as_bytes(), &mut token);
        let h_len = token.len();

        // enc = iv || ciphertext || tag, with aad = ASCII(h).
        let mut enc = Vec::with_capacity(IV_LEN + plaintext.len() + TAG_LEN);
        enc.extend_from_slice(iv);
        enc.extend_from_slice(plaintext);
        let cipher = Aes256Gcm::new_from_slice(cek)
            .map_err(|_| Error::new(ErrorKind::Internal, "AES-GCM key setup failed"))?;
        let tag = cipher
            .encrypt_inout_detached(
                &(*iv).into(),
                token.as_bytes(),
                enc.get_mut(IV_LEN..).unwrap_or_default().into(),
            )
            .map_err(|_| Error::invalid_argument("the plaintext is too long for AES-GCM"))?;
        enc.extend_from_slice(&tag);

        let mut payload_json = String::with_capacity(enc.len() * 4 / 3 + 16);
        payload_json.push_str(r#"{"enc":""#);
        b64::encode_into(&enc, &mut payload_json);
        payload_json.push_str("\"}");

        token.push('.');
        b64::encode_into(payload_json.as_bytes(), &mut token);
        let mut mac = Hmac::<Sha256>::new_from_slice(mac_key)
            .map_err(|_| Error::new(ErrorKind::Internal, "HMAC key setup failed"))?;
        mac.update(token.as_bytes());
        let sig = mac.finalize().into_bytes();
        token.push('.');
        b64::encode_into(&sig, &mut token);
        debug_assert!(h_len < token.len());
        debug_assert_eq!(token.len(), token_len);
        Ok(token)
    }

    /// Step 3 of PROTOCOL.md §4: `aud` is this endpoint's name or one of its audiences.
    fn check_audience(&self, aud: &str) -> Result<()> {
        let own_name = self.identity.name();
        if aud != own_name && !self.policy.audiences.iter().any(|a| a == aud) {
            return Err(Error::new(
                ErrorKind::WrongAudience,
                format!(
                    "the token is for {}, not for {}",
                    quote(aud),
                    quote(own_name)
                ),
            ));
        }
        Ok(())
    }

    /// Step 4 of PROTOCOL.md §4: the sender's machine token given (its name must be `iss`), or
    /// every one the directory lists for `iss` (a rotation).
    fn senders<'s>(
        &self,
        iss: &str,
        given: Option<&'s MachineToken>,
    ) -> Result<Cow<'s, [MachineToken]>> {
        match given {
            Some(s) => {
                if s.name() != iss {
                    return Err(Error::new(
                        ErrorKind::IssuerMismatch,
                        format!(
                            "the token is from {}, but the machine token given is {}'s",
                            quote(iss),
                            quote(s.name())
                        ),
                    ));
                }
                Ok(Cow::Borrowed(std::slice::from_ref(s)))
            }
            None => Ok(Cow::Owned(self.resolve_all(iss, ErrorKind::UnknownIssuer)?)),
        }
    }

    /// Step 7 of PROTOCOL.md §4: `exp`, `iat`, `nbf` and the lifetime, within the leeway.
    /// Returns `(now, leeway)`.
    fn check_time(&self, iat: i64, exp: i64, nbf: Option<i64>) -> Result<(i64, i64)> {
        let (now, leeway) = self.now_and_leeway();
        for (_, check) in self.time_checks(iat, exp, nbf, now, leeway) {
            check?;
        }
        Ok((now, leeway))
    }

    fn now_and_leeway(&self) -> (i64, i64) {
        (
            self.clock.now(),
            i64::try_from(self.policy.leeway).unwrap_or(i64::MAX),
        )
    }

    /// The checks of step 7, by name, in their order: shared by validate (first failure) and
    /// [`explain`](Self::explain) (all of them).
    fn time_checks(
        &self,
        iat: i64,
        exp: i64,
        nbf: Option<i64>,
        now: i64,
        leeway: i64,
    ) -> [(&'static str, Result<()>); 4] {
        let exp_check = if exp.saturating_add(leeway) <= now {
            Err(Error::new(
                ErrorKind::Expired,
                format!("the token expired at {exp} (now {now})"),
            ))
        } else {
            Ok(())
        };
        let iat_check = if iat.saturating_sub(leeway) > now {
            Err(Error::new(
                ErrorKind::NotYetValid,
                format!("the token is issued in the future: iat {iat} (now {now})"),
            ))
        } else {
            Ok(())
        };
        let nbf_check = match nbf {
            Some(nbf) if nbf.saturating_sub(leeway) > now => Err(Error::new(
                ErrorKind::NotYetValid,
                format!("the token is not valid before {nbf} (now {now})"),
            )),
            _ => Ok(()),
        };
        let lifetime = exp.saturating_sub(iat);
        let lifetime_check = match self.policy.max_lifetime {
            Some(max) if u64::try_from(lifetime).unwrap_or(u64::MAX) > max => Err(Error::new(
                ErrorKind::LifetimeTooLong,
                format!("the token lives {lifetime} s; the limit is {max} s"),
            )),
            _ => Ok(()),
        };
        [
            ("exp", exp_check),
            ("iat", iat_check),
            ("nbf", nbf_check),
            ("lifetime", lifetime_check),
        ]
    }

    /// Step 9 of PROTOCOL.md §4: the token (by `unique`, a part of it no other token has) and,
    /// when present, the sender's `jti`, each namespaced by recipient and issuer; one call (one
    /// round trip to a shared store).
    #[allow(
        clippy::too_many_arguments,
        reason = "the token's parts the store needs"
    )]
    fn check_replay(
        &self,
        aud: &str,
        iss: &str,
        unique: &str,
        jti: Option<&str>,
        exp: i64,
        leeway: i64,
        now: i64,
    ) -> Result<()> {
        let Some(store) = &self.replay else {
            return Ok(());
        };
        let until = exp.saturating_add(leeway);
        let token_id = store::hx1_token_id(aud, iss, unique);
        let jti_id = jti.map(|j| store::hx1_jti_id(aud, iss, j));
        let ids: &[&[u8]] = match &jti_id {
            Some(j) => &[token_id.as_bytes(), j.as_bytes()],
            None => &[token_id.as_bytes()],
        };
        match store.check_and_insert_all(ids, until, now)? {
            None => Ok(()),
            Some(0) => Err(Error::new(
                ErrorKind::Replayed,
                "this token was already accepted",
            )),
            Some(_) => Err(Error::new(
                ErrorKind::Replayed,
                format!(
                    "a token with jti {} was already accepted",
                    quote(jti.unwrap_or_default())
                ),
            )),
        }
    }

    /// The current and previous identities as JWE keys (the current one first).
    fn onepu_keys(&self) -> Result<&[jwe::Key]> {
        if let Some(keys) = self.onepu_keys.get() {
            return Ok(keys);
        }
        let keys = std::iter::once(&self.identity)
            .chain(&self.previous)
            .map(onepu::own_key)
            .collect::<Result<Vec<_>>>()?;
        // Another thread may have set it meanwhile: the same keys.
        Ok(self.onepu_keys.get_or_init(|| keys))
    }

    /// The ECDH-1PU mode of [`validate`](Self::validate) (PROTOCOL.md, "ECDH-1PU mode"): the
    /// same steps, with the JWE core's decryption in place of steps 5, 6 and 8.
    fn open_1pu(&self, token: &str, sender: Option<&MachineToken>) -> Result<Message> {
        let h = onepu::parse(token)?;
        self.check_audience(&h.aud)?;
        let senders = self.senders(&h.iss, sender)?;
        let payload = onepu::open(
            token,
            self.onepu_keys()?,
            &senders,
            &self.onepu_peers,
            self.policy.max_token_len,
        )?;
        let (now, leeway) = self.check_time(h.iat, h.exp, h.nbf)?;
        // The ephemeral public key is fresh for every token, and authenticated.
        self.check_replay(
            &h.aud,
            &h.iss,
            &h.epk_x,
            h.jti.as_deref(),
            h.exp,
            leeway,
            now,
        )?;
        Ok(Message {
            issuer: h.iss,
            audience: h.aud,
            issued_at: h.iat,
            expires_at: h.exp,
            not_before: h.nbf,
            jti: h.jti,
            cty: h.cty,
            protocol: PROTOCOL_1PU,
            payload,
        })
    }

    /// Steps 5 and 6 of PROTOCOL.md §4: unwraps M with each (sender key, own key) pair until
    /// one fits (the AES-KW integrity check tells; at most `MAX_KEYS_PER_NAME` × (1 +
    /// `MAX_PREVIOUS_IDENTITIES`) attempts), then checks the HMAC over `h_b64.p_b64` with it.
    /// Returns M (MAC key ‖ CEK).
    fn unwrap_and_verify(
        &self,
        h: &Header<'_>,
        senders: &[MachineToken],
        token: &str,
        h_b64: &str,
        p_b64: &str,
        sig: &[u8; 32],
    ) -> Result<Zeroizing<[u8; 64]>> {
        let wrapped = b64::decode_array::<WRAPPED_LEN>(&h.kid, "header member \"kid\"")?;
        let mut material = Zeroizing::new([0u8; 64]);
        let mut unwrapped = false;
        'search: for sender in senders {
            for own in std::iter::once(&self.identity).chain(&self.previous) {
                let kek = self.kek(Direction::Incoming, sender, own, &h.aud)?;
                if kek.unwrap_key(&wrapped, material.as_mut_slice()).is_ok() {
                    unwrapped = true;
                    break 'search;
                }
            }
        }
        if !unwrapped {
            return Err(Error::new(
                ErrorKind::InvalidSignature,
                "the key in \"kid\" did not unwrap: wrong sender key, or a tampered token",
            ));
        }
        let (mac_key, _) = material.split_at(32);
        let signed = token
            .get(..h_b64.len() + 1 + p_b64.len())
            .ok_or_else(|| Error::malformed("token segments are inconsistent"))?;
        let mut mac = Hmac::<Sha256>::new_from_slice(mac_key)
            .map_err(|_| Error::new(ErrorKind::Internal, "HMAC key setup failed"))?;
        mac.update(signed.as_bytes());
        mac.verify_slice(sig).map_err(|_| {
            Error::new(
                ErrorKind::InvalidSignature,
                "the HMAC-SHA256 signature does not match",
            )
        })?;
        Ok(material)
    }

    /// Every check [`validate`](Self::validate) applies to `token`, run to the end, for
    /// diagnostics: see [`crate::explain`] (the check names of HX1: `format`, `header`, `aud`,
    /// `issuer`, `signature`, `exp`, `iat`, `nbf`, `lifetime`, `decryption`, `replay`, in the
    /// order validate applies them, so the first failure is validate's error). The time checks
    /// read the header, which HX1 sends in clear: they run even when the signature fails (the
    /// header is then unauthenticated). The payload never appears in the report, only its
    /// length once it decrypted. Never accepts: the replay store is neither consulted nor
    /// written.
    ///
    /// ```
    /// use hxjwt::{CreateOptions, Endpoint, ErrorKind, FixedClock, Identity};
    /// let (alice, bob) = (Endpoint::new(Identity::generate("alice")?),
    ///                     Endpoint::new(Identity::generate("bob")?).with_clock(FixedClock(4_000_000_000)));
    /// let token = alice.create_for(&bob.identity().machine_token(), b"hi", &CreateOptions::default())?;
    /// let report = bob.explain(&token);   // no directory: the issuer check fails too
    /// let failed: Vec<_> = report.failures().filter_map(|c| c.kind()).collect();
    /// assert_eq!(failed, [ErrorKind::InvalidArgument, ErrorKind::Expired]);
    /// assert_eq!(bob.validate(&token).unwrap_err().kind(), ErrorKind::InvalidArgument);
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn explain(&self, token: &str) -> Report {
        self.explain_from(token, None)
    }

    /// [`explain`](Self::explain) for [`validate_from`](Self::validate_from): the sender's
    /// machine token given, the directory not asked.
    pub fn explain_from(&self, token: &str, sender: Option<&MachineToken>) -> Report {
        const AFTER_FORMAT: [&str; 10] = [
            "header",
            "aud",
            "issuer",
            "signature",
            "exp",
            "iat",
            "nbf",
            "lifetime",
            "decryption",
            "replay",
        ];
        let mut r = Report::default();
        let parts = self.split(token);
        let Some(parts) = r.record("format", "segments in base64url", parts) else {
            r.none_checked(&AFTER_FORMAT, "the token's format is not that of HX1");
            return r;
        };
        let (h_b64, p_b64, sig, header_bytes, payload_bytes) = match parts {
            Split::Hx1 {
                h_b64,
                p_b64,
                sig,
                header,
                payload,
            } => (h_b64, p_b64, sig, header, payload),
            Split::OnePu => {
                self.explain_1pu(token, sender, &mut r);
                return r;
            }
        };
        if let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(&header_bytes) {
            r.set_header(m);
        }
        let Some(h) = r.record("header", "HX1 header", header::parse(&header_bytes)) else {
            r.none_checked(
                AFTER_FORMAT.get(1..).unwrap_or_default(),
                "the header is not that of HX1",
            );
            return r;
        };
        r.record("aud", "this endpoint's", self.check_audience(&h.aud));
        let senders = r.record("issuer", "known", self.senders(&h.iss, sender));
        let material = match senders {
            Some(senders) => r.record(
                "signature",
                "verified",
                self.unwrap_and_verify(&h, &senders, token, h_b64, p_b64, &sig),
            ),
            None => {
                r.not_checked("signature", "the sender's key is not known");
                None
            }
        };
        let (now, leeway) = self.now_and_leeway();
        for (name, check) in self.time_checks(h.iat, h.exp, h.nbf, now, leeway) {
            r.record(name, "ok", check);
        }
        match material {
            Some(material) => {
                if let Some(payload) = r.record(
                    "decryption",
                    "decrypted",
                    decrypt(&material, h_b64, &payload_bytes),
                ) {
                    r.set_payload_len(payload.len());
                }
            }
            None => r.not_checked("decryption", "the signature was not verified"),
        }
        self.explain_replay(&mut r);
        r
    }

    fn explain_replay(&self, r: &mut Report) {
        if self.replay.is_some() {
            r.not_checked(
                "replay",
                "explain does not consult or record the replay store",
            );
        } else {
            r.not_checked("replay", "replay protection is off");
        }
    }

    /// [`explain_from`](Self::explain_from) for the ECDH-1PU mode, in the order of
    /// [`open_1pu`](Self::open_1pu): the JWE's authentication is its decryption.
    fn explain_1pu(&self, token: &str, sender: Option<&MachineToken>, r: &mut Report) {
        if let Ok(h) = jwe::decode_header(token) {
            r.set_header(h);
        }
        let Some(h) = r.record("header", "ECDH-1PU header", onepu::parse(token)) else {
            r.none_checked(
                &[
                    "aud",
                    "issuer",
                    "signature",
                    "decryption",
                    "exp",
                    "iat",
                    "nbf",
                    "lifetime",
                    "replay",
                ],
                "the header is not that of the ECDH-1PU mode",
            );
            return;
        };
        r.record("aud", "this endpoint's", self.check_audience(&h.aud));
        let senders = r.record("issuer", "known", self.senders(&h.iss, sender));
        r.not_checked(
            "signature",
            "the ECDH-1PU mode authenticates by its decryption",
        );
        match senders {
            Some(senders) => {
                let opened = self.onepu_keys().and_then(|own| {
                    onepu::open(
                        token,
                        own,
                        &senders,
                        &self.onepu_peers,
                        self.policy.max_token_len,
                    )
                });
                if let Some(payload) = r.record("decryption", "decrypted", opened) {
                    r.set_payload_len(payload.len());
                }
            }
            None => r.not_checked("decryption", "the sender's key is not known"),
        }
        let (now, leeway) = self.now_and_leeway();
        for (name, check) in self.time_checks(h.iat, h.exp, h.nbf, now, leeway) {
            r.record(name, "ok", check);
        }
        self.explain_replay(r);
    }

    /// Step 1 of PROTOCOL.md §4: size and structure, each segment decoded.
    fn split<'t>(&self, token: &'t str) -> Result<Split<'t>> {
        if token.len() > self.policy.max_token_len {
            return Err(Error::malformed(format!(
                "token is {} bytes; the limit is {}",
                token.len(),
                self.policy.max_token_len
            )));
        }
        let (h_b64, rest) = token
            .split_once('.')
            .ok_or_else(|| Error::malformed("token has 1 segment; HX1 tokens have 3"))?;
        let (p_b64, s_b64) = rest
            .split_once('.')
            .ok_or_else(|| Error::malformed("token has 2 segments; HX1 tokens have 3"))?;
        if s_b64.contains('.') {
            // Five segments: a compact JWE, the ECDH-1PU mode.
            if s_b64.bytes().filter(|&b| b == b'.').count() == 2 {
                return Ok(Split::OnePu);
            }
            return Err(Error::malformed(
                "token has more than 3 segments; HX1 tokens have 3 (ECDH-1PU ones 5)",
            ));
        }
        let header = b64::decode(h_b64, "header segment")?;
        let payload = b64::decode(p_b64, "payload segment")?;
        let sig = b64::decode_array::<32>(s_b64, "signature segment")?;
        Ok(Split::Hx1 {
            h_b64,
            p_b64,
            sig,
            header,
            payload,
        })
    }

    /// PROTOCOL.md §4.
    fn open(&self, token: &str, sender: Option<&MachineToken>) -> Result<Message> {
        // 1. Size and structure.
        let (h_b64, p_b64, sig, header_bytes, payload_bytes) = match self.split(token)? {
            Split::Hx1 {
                h_b64,
                p_b64,
                sig,
                header,
                payload,
            } => (h_b64, p_b64, sig, header, payload),
            Split::OnePu => return self.open_1pu(token, sender),
        };

        // 2. Header.
        let h: Header<'_> = header::parse(&header_bytes)?;

        // 3. Audience.
        self.check_audience(&h.aud)?;

        // 4. Sender: the key given, or every key the directory lists for iss (a rotation).
        let senders = self.senders(&h.iss, sender)?;

        // 5, 6. Unwrap M, check the signature.
        let material = self.unwrap_and_verify(&h, &senders, token, h_b64, p_b64, &sig)?;

        // 7. Time.
        let (now, leeway) = self.check_time(h.iat, h.exp, h.nbf)?;

        // 8. Decrypt.
        let payload = decrypt(&material, h_b64, &payload_bytes)?;

        // 9. Replay: the token (by its kid, unique to it) and, when present, the sender's jti,
        // each namespaced by recipient and issuer; one call (one round trip to a shared store).
        self.check_replay(&h.aud, &h.iss, &h.kid, h.jti.as_deref(), h.exp, leeway, now)?;

        // 10. The message.
        Ok(Message {
            issuer: h.iss.into_owned(),
            audience: h.aud.into_owned(),
            issued_at: h.iat,
            expires_at: h.exp,
            not_before: h.nbf,
            jti: h.jti.map(std::borrow::Cow::into_owned),
            cty: h.cty.map(std::borrow::Cow::into_owned),
            protocol: PROTOCOL_HX1,
            payload,
        })
    }
}

/// The segments of a token, decoded (step 1 of PROTOCOL.md §4).
enum Split<'t> {
    /// An HX1 token: the header and payload segments as sent and decoded, the signature.
    Hx1 {
        h_b64: &'t str,
        p_b64: &'t str,
        sig: [u8; 32],
        header: Vec<u8>,
        payload: Vec<u8>,
    },
    /// Five segments: a compact JWE, the ECDH-1PU mode.
    OnePu,
}

/// Step 8 of PROTOCOL.md §4: decrypts the payload with the CEK of `material` (MAC key ‖ CEK),
/// the header segment as associated data.
fn decrypt(
    material: &Zeroizing<[u8; 64]>,
    h_b64: &str,
    payload_bytes: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let (_, cek) = material.split_at(32);
    let mut enc = decode_payload(payload_bytes)?;
    let (iv, body) = enc.split_at_mut(IV_LEN);
    let (ciphertext, tag) = body.split_at_mut(body.len() - TAG_LEN);
    let iv: [u8; IV_LEN] = (*iv)
        .try_into()
        .map_err(|_| Error::new(ErrorKind::Internal, "iv length"))?;
    let tag: [u8; TAG_LEN] = (*tag)
        .try_into()
        .map_err(|_| Error::new(ErrorKind::Internal, "tag length"))?;
    let cipher = Aes256Gcm::new_from_slice(cek)
        .map_err(|_| Error::new(ErrorKind::Internal, "AES-GCM key setup failed"))?;
    cipher
        .decrypt_inout_detached(&iv.into(), h_b64.as_bytes(), ciphertext.into(), &tag.into())
        .map_err(|_| {
            Error::new(
                ErrorKind::DecryptionFailed,
                "the payload did not decrypt (its authentication tag does not match)",
            )
        })?;
    let plain_len = ciphertext.len();
    enc.copy_within(IV_LEN..IV_LEN + plain_len, 0);
    enc.truncate(plain_len);
    Ok(Zeroizing::new(enc))
}

/// A directory's error as [`ErrorKind::ResolverFailed`], naming what was asked.
/// A peer's name for a message. A name that is JSON text is not quoted: it is most likely a
/// machine token or a JWK passed where the name belongs, and a private JWK's members must not
/// reach a log through an error message.
fn quote_name(name: &str) -> String {
    if name.trim_start().starts_with('{') {
        "the name given, which is JSON text (a JWK? pass a peer's machine token as its token, \
         not as its name; the text is not repeated here)"
            .to_owned()
    } else {
        quote(name)
    }
}

fn resolver_failed(name: &str, e: Error) -> Error {
    if e.kind() == ErrorKind::ResolverFailed {
        e
    } else {
        Error::new(
            ErrorKind::ResolverFailed,
            format!("the directory could not resolve {}: {e}", quote_name(name)),
        )
    }
}

/// Reads `{"enc":"<base64url(iv || c || tag)>"}` (strictly: no other member, no duplicate).
fn decode_payload(bytes: &[u8]) -> Result<Vec<u8>> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Payload<'a> {
        #[serde(borrow)]
        enc: std::borrow::Cow<'a, str>,
    }
    let p: Payload<'_> = serde_json::from_slice(bytes).map_err(|e| {
        Error::malformed(format!("the payload segment is not {{\"enc\":\"…\"}}: {e}"))
    })?;
    let enc = b64::decode(&p.enc, "payload member \"enc\"")?;
    if enc.len() < IV_LEN + TAG_LEN {
        return Err(Error::malformed(
            "payload member \"enc\" is shorter than an IV and a tag",
        ));
    }
    Ok(enc)
}

/// `K` of PROTOCOL.md §2 from `Z` and the two parties' names and public keys.
pub(crate) fn pairwise_key(
    z: &[u8; 32],
    sender_name: &str,
    sender_key: &[u8; 32],
    recipient_name: &str,
    recipient_key: &[u8; 32],
) -> Result<Zeroizing<[u8; 32]>> {
    let len16 = |s: &str| {
        u16::try_from(s.len())
            .map(u16::to_be_bytes)
            .map_err(|_| Error::invalid_argument("name longer than 65535 bytes"))
    };
    let mut info = Vec::with_capacity(
        HKDF_INFO_LABEL.len() + 4 + sender_name.len() + recipient_name.len() + 64,
    );
    info.extend_from_slice(HKDF_INFO_LABEL);
    info.extend_from_slice(&len16(sender_name)?);
    info.extend_from_slice(sender_name.as_bytes());
    info.extend_from_slice(&len16(recipient_name)?);
    info.extend_from_slice(recipient_name.as_bytes());
    info.extend_from_slice(sender_key);
    info.extend_from_slice(recipient_key);
    let mut k = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(HKDF_SALT), z)
        .expand(&info, k.as_mut_slice())
        .map_err(|_| Error::new(ErrorKind::Internal, "HKDF expand failed"))?;
    Ok(k)
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("identity", &self.identity)
            .field("previous_identities", &self.previous.len())
            .field("has_directory", &self.directory.is_some())
            .field("policy", &self.policy)
            .field("replay_protection", &self.replay.is_some())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn endpoint_is_send_and_sync() {
        assert_send_sync::<Endpoint>();
        assert_send_sync::<Message>();
    }
}

#[cfg(test)]
mod rotation_tests {
    use super::*;

    #[test]
    fn rotating_to_a_receiving_key_does_not_keep_it_twice() {
        let old = Identity::generate("bob").unwrap();
        let new = Identity::generate("bob").unwrap();
        let mut ep = Endpoint::new(old.clone()).with_previous_identity(new.clone());
        assert_eq!(ep.previous_identities().len(), 1);
        ep.rotate_identity(new.clone());
        assert_eq!(ep.identity().public_bytes(), new.public_bytes());
        let previous: Vec<_> = ep
            .previous_identities()
            .iter()
            .map(|p| *p.public_bytes())
            .collect();
        assert_eq!(previous, vec![*old.public_bytes()]);
    }
}
