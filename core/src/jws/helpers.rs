//! Helpers the original design asks for: a body-hash claim binding an HTTP body to a token, and
//! access/refresh token pairs with a revocation list.

use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use super::validation::{NumericDate, numeric_date};
use super::{Algorithm, Header, Key, Validation, decode_claims, encode};
use crate::b64;
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, ErrorKind, Result};
pub use crate::store::{MemoryRevocationList, RevocationStore};

/// The claim that carries the body hash.
pub const BODY_HASH_CLAIM: &str = "bdy";

/// base64url(SHA-256(`body`)): the value of the [`BODY_HASH_CLAIM`] for this exact body.
///
/// ```
/// use hxjwt::jws::helpers::{body_hash, check_body_hash};
/// let body = br#"{"amount":42}"#;
/// let mut claims = serde_json::Map::new();
/// claims.insert("bdy".into(), body_hash(body).into());
/// assert!(check_body_hash(&claims, body).is_ok());
/// assert!(check_body_hash(&claims, br#"{"amount":4200}"#).is_err());
/// ```
pub fn body_hash(body: &[u8]) -> String {
    b64::encode(&Sha256::digest(body))
}

/// Checks that `claims` carry the body hash of exactly `body` (compared in constant time).
/// Fails with [`ErrorKind::MissingClaim`] or [`ErrorKind::InvalidClaim`] (claim `"bdy"`).
pub fn check_body_hash(claims: &Map<String, Value>, body: &[u8]) -> Result<()> {
    let Some(value) = claims.get(BODY_HASH_CLAIM) else {
        return Err(Error::new(
            ErrorKind::MissingClaim,
            "the token has no body hash (\"bdy\")",
        )
        .with_claim(BODY_HASH_CLAIM));
    };
    let expected = body_hash(body);
    let matches = value
        .as_str()
        .is_some_and(|v| bool::from(v.as_bytes().ct_eq(expected.as_bytes())));
    if matches {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::InvalidClaim,
            "the request body does not match the token's body hash",
        )
        .with_claim(BODY_HASH_CLAIM))
    }
}

/// An access token and the refresh token that renews it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenPair {
    /// The short-lived access token (`typ` `at+jwt`).
    pub access_token: String,
    /// The long-lived, single-use refresh token (`typ` `refresh+jwt`).
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

/// Issues access/refresh token pairs, refreshes them (each refresh token works once: it is
/// revoked when used, so a stolen one is detected when the thief or the owner uses it second),
/// and revokes them.
///
/// ```
/// use hxjwt::jws::{Algorithm, Key};
/// use hxjwt::jws::helpers::TokenIssuer;
/// let issuer = TokenIssuer::new(Key::generate(Algorithm::EdDSA)?, "https://login.example.com")?;
/// let pair = issuer.issue("user-7", &serde_json::Map::new())?;
/// assert_eq!(issuer.verify_access(&pair.access_token)?["sub"], "user-7");
/// let renewed = issuer.refresh(&pair.refresh_token)?;
/// assert!(issuer.refresh(&pair.refresh_token).is_err(), "a refresh token works once");
/// issuer.revoke(&renewed.access_token)?;
/// assert!(issuer.verify_access(&renewed.access_token).is_err());
/// # Ok::<(), hxjwt::Error>(())
/// ```
pub struct TokenIssuer {
    key: Key,
    alg: Algorithm,
    issuer: String,
    /// Seconds an access token lives. Defaults to 900 (15 minutes).
    pub access_ttl: u64,
    /// Seconds a refresh token lives. Defaults to 2 592 000 (30 days).
    pub refresh_ttl: u64,
    revocations: Arc<dyn RevocationStore>,
    clock: Arc<dyn Clock>,
}

impl TokenIssuer {
    /// An issuer signing with `key` (a private key or HMAC secret restricted to, or fitting,
    /// one algorithm), naming itself `issuer` in `iss`.
    pub fn new(key: Key, issuer: &str) -> Result<Self> {
        if !key.is_private() {
            return Err(Error::invalid_key("a token issuer needs a private key"));
        }
        let alg = key
            .algorithm()
            .or_else(|| key.algorithms().first().copied())
            .ok_or_else(|| Error::invalid_key("the key fits no algorithm"))?;
        Ok(TokenIssuer {
            key,
            alg,
            issuer: issuer.to_owned(),
            access_ttl: 900,
            refresh_ttl: 30 * 24 * 3600,
            revocations: Arc::new(MemoryRevocationList::default()),
            clock: Arc::new(SystemClock),
        })
    }

    /// Uses another revocation store (e.g. one shared by a fleet).
    #[must_use]
    pub fn with_revocations(mut self, store: Arc<dyn RevocationStore>) -> Self {
        self.revocations = store;
        self
    }

    /// Uses another clock.
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    fn jti() -> Result<String> {
        let mut id = [0u8; 16];
        crate::random::fill(&mut id)?;
        Ok(b64::encode(&id))
    }

    fn token(&self, typ: &str, sub: &str, ttl: u64, extra: &Map<String, Value>) -> Result<String> {
        let now = self.clock.now();
        let mut claims = extra.clone();
        claims.insert("iss".into(), self.issuer.clone().into());
        claims.insert("sub".into(), sub.into());
        claims.insert("iat".into(), now.into());
        let exp = now.saturating_add(i64::try_from(ttl).unwrap_or(i64::MAX));
        claims.insert("exp".into(), exp.into());
        claims.insert("jti".into(), Self::jti()?.into());
        let mut header = Header::new(self.alg);
        header.typ = Some(typ.to_owned());
        encode(&header, &claims, &self.key)
    }

    /// Issues a new pair for `subject`; `extra` claims go into the access token.
    pub fn issue(&self, subject: &str, extra: &Map<String, Value>) -> Result<TokenPair> {
        Ok(TokenPair {
            access_token: self.token("at+jwt", subject, self.access_ttl, extra)?,
            refresh_token: self.token("refresh+jwt", subject, self.refresh_ttl, &Map::new())?,
            expires_in: self.access_ttl,
        })
    }

    fn validation(&self, typ: &str) -> Validation {
        let mut v = Validation::new(&[self.alg])
            .issuer(&[self.issuer.as_str()])
            .typ(typ);
        v.required_claims = ["exp", "iat", "jti", "sub"].map(str::to_owned).to_vec();
        v.clock = Arc::clone(&self.clock);
        v
    }

    fn check_not_revoked(&self, claims: &Map<String, Value>) -> Result<()> {
        let jti = claims
            .get("jti")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if self.revocations.is_revoked(jti, self.clock.now())? {
            return Err(Error::new(ErrorKind::Revoked, "the token was revoked"));
        }
        Ok(())
    }

    /// Verifies an access token (signature, `typ` `at+jwt`, issuer, expiry, not revoked) and
    /// returns its claims.
    pub fn verify_access(&self, token: &str) -> Result<Map<String, Value>> {
        let data = decode_claims(token, &self.key, &self.validation("at+jwt"))?;
        self.check_not_revoked(&data.claims)?;
        Ok(data.claims)
    }

    /// Exchanges a refresh token for a new pair, revoking the refresh token used.
    pub fn refresh(&self, refresh_token: &str) -> Result<TokenPair> {
        let data = decode_claims(refresh_token, &self.key, &self.validation("refresh+jwt"))?;
        self.check_not_revoked(&data.claims)?;
        // Revoking is the atomic test: of two racing refreshes with one token, one revokes it
        // and the other finds it revoked.
        if !self.revoke_claims(&data.claims)? {
            return Err(Error::new(ErrorKind::Revoked, "the token was revoked"));
        }
        let sub = data
            .claims
            .get("sub")
            .and_then(Value::as_str)
            .unwrap_or_default();
        self.issue(sub, &Map::new())
    }

    /// Revokes a token this issuer made (access or refresh) until it expires.
    pub fn revoke(&self, token: &str) -> Result<()> {
        let typ = super::decode_header(token)?
            .get("typ")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_default();
        let data = decode_claims(token, &self.key, &self.validation(&typ))?;
        self.revoke_claims(&data.claims).map(drop)
    }

    /// Whether this call revoked the token (not someone before it).
    fn revoke_claims(&self, claims: &Map<String, Value>) -> Result<bool> {
        let jti = claims
            .get("jti")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let exp = revoked_until(claims)?;
        self.revocations.revoke(jti, exp, self.clock.now())
    }
}

/// The last whole second at which a token with this `exp` could still be accepted, so the
/// revocation lasts that long: `exp` itself when whole, rounded up when it has a fraction (RFC
/// 7519 allows `1700000000.5`, which the validation compares exactly). `exp` is read as the
/// validation reads it (a `NumericDate` within ±2^53); anything else, or none, is an
/// `InvalidClaim`/`MissingClaim`, never a revocation that lasts forever or not at all.
fn revoked_until(claims: &Map<String, Value>) -> Result<i64> {
    match numeric_date(claims, "exp")? {
        Some(NumericDate::Whole(exp)) => Ok(exp),
        #[allow(
            clippy::cast_possible_truncation,
            reason = "a NumericDate is within ±2^53, so its ceiling is exact in an i64"
        )]
        Some(NumericDate::Fraction(exp)) => Ok(exp.ceil() as i64),
        None => Err(
            Error::new(ErrorKind::MissingClaim, "the token has no \"exp\" claim").with_claim("exp"),
        ),
    }
}

impl fmt::Debug for TokenIssuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenIssuer")
            .field("alg", &self.alg)
            .field("issuer", &self.issuer)
            .field("access_ttl", &self.access_ttl)
            .field("refresh_ttl", &self.refresh_ttl)
            .finish_non_exhaustive()
    }
}
