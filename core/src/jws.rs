//! Standard JWT/JWS (RFC 7515, 7518, 7519, 8037): sign at login, verify at every service.
//!
//! ```
//! use hxjwt::jws::{self, Algorithm, Header, Key, Validation};
//! use serde_json::json;
//!
//! let key = Key::generate(Algorithm::ES256)?;
//! let token = jws::encode(&Header::new(Algorithm::ES256), &json!({
//!     "sub": "user-7", "aud": "api", "exp": 4_000_000_000u64,
//! }), &key)?;
//!
//! let verifier = key.to_public()?;
//! let v = Validation::new(&[Algorithm::ES256]).audience(&["api"]);
//! let data = jws::decode::<serde_json::Value>(&token, &verifier, &v)?;
//! assert_eq!(data.claims["sub"], "user-7");
//! # Ok::<(), hxjwt::Error>(())
//! ```
//!
//! The defences: the accepted algorithms are the caller's, never the header's; `none` cannot be
//! named; a key serves only the algorithms of its type (an RSA public key is never an HMAC
//! secret); header keys (`jwk`, `jku`, `x5u`, `x5c`) are ignored; `crit` and `b64: false` are
//! rejected; JSON is strict (no duplicate members, bounded depth); base64url is canonical; ECDSA
//! signatures are raw `r ‖ s` of the exact size with `r`, `s` in range; Ed25519 rejects
//! non-canonical `S` and small-order keys; MACs compare in constant time.

mod alg;
mod backend;
mod cache;
mod decoded;
pub mod helpers;
pub(crate) mod key;
mod keyset;
pub(crate) mod parts;
mod pem;
pub(crate) mod validation;

use std::borrow::Cow;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub use alg::{Algorithm, KeyType};
pub use cache::{CacheStats, CachedVerifier, DEFAULT_MAX_CACHED_TOKEN_LEN};
pub use decoded::DecodedHeader;
pub(crate) use decoded::HeaderLookup;
pub use key::Key;
pub use keyset::{KeySet, MAX_JWKS_BYTES, MAX_KEYS, MAX_KEYS_TRIED, SkippedKey};
pub use parts::{Curve, RSA_MAX_BITS, RSA_MIN_BITS};
pub use validation::{DEFAULT_MAX_DEPTH, DEFAULT_MAX_TOKEN_LEN, Validation};

pub use crate::explain::{Check, Outcome, Report, explain};

use crate::error::{Error, ErrorKind, Result, quote};
use crate::json::HeaderView;
use crate::{b64, json};

/// The name of the asymmetric-crypto backend compiled in (`"aws-lc-rs"` or `"RustCrypto"`).
pub const BACKEND: &str = backend::NAME;

/// The protected header of a token to sign.
///
/// ```
/// use hxjwt::jws::{Algorithm, Header};
/// let mut h = Header::new(Algorithm::RS256);
/// h.kid = Some("2026-01".into());
/// h.extra.insert("x-tenant".into(), "acme".into());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// The algorithm.
    pub alg: Algorithm,
    /// `typ`. Defaults to `Some("JWT")`.
    pub typ: Option<String>,
    /// `kid`. Defaults to `None`, in which case the key's own `kid` (if any) is written.
    pub kid: Option<String>,
    /// `cty`. Defaults to `None`.
    pub cty: Option<String>,
    /// Other members. `alg`, `crit` and `b64` are refused here; `typ`, `kid`, `cty` override
    /// the fields above.
    pub extra: Map<String, Value>,
}

impl Header {
    /// `{"alg": alg, "typ": "JWT"}`.
    pub fn new(alg: Algorithm) -> Header {
        Header {
            alg,
            typ: Some("JWT".to_owned()),
            kid: None,
            cty: None,
            extra: Map::new(),
        }
    }

    /// The header's JSON text, members in name order (`alg`, `cty`, `kid`, `typ`, then the
    /// others merged in): written directly when there are no extra members.
    fn to_json(&self, key: &Key) -> Result<String> {
        if self.extra.is_empty() {
            return Ok(self.plain_json(key));
        }
        let mut m = Map::new();
        m.insert("alg".into(), self.alg.name().into());
        if let Some(typ) = &self.typ {
            m.insert("typ".into(), typ.clone().into());
        }
        if let Some(kid) = self.kid.as_deref().or(key.kid()) {
            m.insert("kid".into(), kid.into());
        }
        if let Some(cty) = &self.cty {
            m.insert("cty".into(), cty.clone().into());
        }
        for (name, value) in &self.extra {
            if matches!(name.as_str(), "alg" | "crit" | "b64") {
                return Err(Error::invalid_argument(format!(
                    "header member {} cannot be set here",
                    quote(name)
                )));
            }
            m.insert(name.clone(), value.clone());
        }
        serde_json::to_string(&m).map_err(|e| Error::invalid_argument(format!("header: {e}")))
    }

    /// [`to_json`](Self::to_json) without extra members: the same text, no map built.
    fn plain_json(&self, key: &Key) -> String {
        let kid = self.kid.as_deref().or(key.kid());
        let strings = [
            ("cty", self.cty.as_deref()),
            ("kid", kid),
            ("typ", self.typ.as_deref()),
        ];
        let len = strings
            .iter()
            .map(|(_, v)| v.map_or(0, |v| v.len() * 6 + 9))
            .sum::<usize>();
        let mut out = String::with_capacity(24 + len);
        out.push_str("{\"alg\":\"");
        out.push_str(self.alg.name());
        out.push('"');
        for (name, value) in strings {
            if let Some(value) = value {
                out.push_str(",\"");
                out.push_str(name);
                out.push_str("\":");
                json_string(&mut out, value);
            }
        }
        out.push('}');
        out
    }
}

/// Appends `s` as a JSON string, escaped as `serde_json` escapes it.
fn json_string(out: &mut String, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        // Rare: let serde_json escape it (a `&str` always serializes).
        out.push_str(&Value::from(s).to_string());
    }
}

/// A verified token: its header and its claims.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenData<T> {
    /// The protected header, as sent: its JSON text, `kid`, `typ` and `cty` at hand, any other
    /// member by [`DecodedHeader::get`] or [`DecodedHeader::to_map`].
    pub header: DecodedHeader,
    /// The algorithm that verified it.
    pub alg: Algorithm,
    /// The claims.
    pub claims: T,
}

/// Where [`decode`] finds the key: one [`Key`], a [`KeySet`] selected by `kid`, or (feature
/// `remote`) a key set fetched from a URL.
pub trait VerifyingKeys {
    /// The keys to try for a token with this `kid` and `alg`: borrowed from `self`, or owned
    /// (cloning a [`Key`] is cheap) when they come from a cache that may change meanwhile.
    fn candidates(&self, kid: Option<&str>, alg: Algorithm) -> Result<Vec<Cow<'_, Key>>>;

    /// Verifies `signature` over `signed` with the first of the
    /// [`candidates`](Self::candidates) that accepts it, and returns that key; with no
    /// candidate, [`KeyNotFound`](ErrorKind::KeyNotFound), and when none verifies, the last
    /// one's error. Override it only to skip building the list (as a single [`Key`] does): the
    /// outcome must be the same.
    fn verify_signature(
        &self,
        kid: Option<&str>,
        alg: Algorithm,
        signed: &[u8],
        signature: &[u8],
    ) -> Result<Cow<'_, Key>> {
        let candidates = self.candidates(kid, alg)?;
        verify_with(candidates, alg, signed, signature)
    }

    /// Whether verifying with these keys is only microseconds of work that waits on nothing:
    /// HMAC secrets held in memory. Defaults to `false` (a remote key set may fetch; RSA, ECDSA
    /// and Ed25519 verifies take tens of microseconds). See [`Validation::is_cheap`].
    fn is_cheap(&self) -> bool {
        false
    }
}

impl VerifyingKeys for Key {
    fn candidates(&self, _kid: Option<&str>, _alg: Algorithm) -> Result<Vec<Cow<'_, Key>>> {
        Ok(vec![Cow::Borrowed(self)])
    }

    fn verify_signature(
        &self,
        _kid: Option<&str>,
        alg: Algorithm,
        signed: &[u8],
        signature: &[u8],
    ) -> Result<Cow<'_, Key>> {
        self.verify(alg, signed, signature)
            .map(|()| Cow::Borrowed(self))
    }

    fn is_cheap(&self) -> bool {
        self.key_type() == KeyType::Hmac
    }
}

impl VerifyingKeys for KeySet {
    fn candidates(&self, kid: Option<&str>, alg: Algorithm) -> Result<Vec<Cow<'_, Key>>> {
        Ok(self
            .select(kid, alg)?
            .into_iter()
            .map(Cow::Borrowed)
            .collect())
    }

    fn is_cheap(&self) -> bool {
        self.keys().iter().all(|k| k.key_type() == KeyType::Hmac)
    }
}

impl<T: VerifyingKeys + ?Sized> VerifyingKeys for &T {
    fn candidates(&self, kid: Option<&str>, alg: Algorithm) -> Result<Vec<Cow<'_, Key>>> {
        (**self).candidates(kid, alg)
    }
    fn verify_signature(
        &self,
        kid: Option<&str>,
        alg: Algorithm,
        signed: &[u8],
        signature: &[u8],
    ) -> Result<Cow<'_, Key>> {
        (**self).verify_signature(kid, alg, signed, signature)
    }
    fn is_cheap(&self) -> bool {
        (**self).is_cheap()
    }
}

impl<T: VerifyingKeys + ?Sized> VerifyingKeys for std::sync::Arc<T> {
    fn candidates(&self, kid: Option<&str>, alg: Algorithm) -> Result<Vec<Cow<'_, Key>>> {
        (**self).candidates(kid, alg)
    }
    fn verify_signature(
        &self,
        kid: Option<&str>,
        alg: Algorithm,
        signed: &[u8],
        signature: &[u8],
    ) -> Result<Cow<'_, Key>> {
        (**self).verify_signature(kid, alg, signed, signature)
    }
    fn is_cheap(&self) -> bool {
        (**self).is_cheap()
    }
}

/// Signs `claims` (anything that serializes to a JSON object) with `key` under `header`.
pub fn encode<T: Serialize + ?Sized>(header: &Header, claims: &T, key: &Key) -> Result<String> {
    let claims = serde_json::to_vec(claims)
        .map_err(|e| Error::invalid_argument(format!("the claims do not serialize: {e}")))?;
    if claims.first() != Some(&b'{') {
        return Err(Error::invalid_argument("the claims must be a JSON object"));
    }
    encode_bytes(header, &claims, key)
}

/// Signs claims given as JSON text, after checking it is one strict JSON object.
pub fn encode_json(header: &Header, claims_json: &str, key: &Key) -> Result<String> {
    // The strict checks of a parse (one object, no duplicate member, bounded depth) without
    // building the values.
    json::check_object(claims_json.as_bytes(), DEFAULT_MAX_DEPTH, "claims")
        .map_err(|e| Error::invalid_argument(e.detail().to_owned()))?;
    encode_bytes(header, claims_json.as_bytes(), key)
}

fn encode_bytes(header: &Header, claims: &[u8], key: &Key) -> Result<String> {
    key.check(header.alg, true)?;
    let header_json = header.to_json(key)?;
    let b64_len = b64::encoded_len;
    let mut token = String::with_capacity(
        b64_len(header_json.len())
            + b64_len(claims.len())
            + 2
            + b64_len(header.alg.signature_len_hint()),
    );
    b64::encode_into(header_json.as_bytes(), &mut token);
    token.push('.');
    b64::encode_into(claims, &mut token);
    let sig = key.sign(header.alg, token.as_bytes())?;
    token.push('.');
    b64::encode_into(&sig, &mut token);
    Ok(token)
}

/// Room on the stack for the header and the signature of a token (HMAC, ECDSA and Ed25519
/// signatures fit: ES512's is the largest, 132 bytes); RSA signatures and big headers are
/// decoded onto the heap.
struct Scratch {
    header: [u8; 512],
    signature: [u8; 132],
}

impl Scratch {
    const fn new() -> Self {
        Scratch {
            header: [0; 512],
            signature: [0; 132],
        }
    }
}

/// A token whose signature verified, handed to the caller's `finish` by [`verified`]: its header
/// (the decoded text and a view of it), the algorithm, the payload and the key that verified it.
struct Verified<'a, 'k> {
    header_json: &'a [u8],
    header: &'a HeaderView<'a>,
    alg: Algorithm,
    payload: Vec<u8>,
    key: Cow<'k, Key>,
}

impl Verified<'_, '_> {
    fn header(&self) -> Result<DecodedHeader> {
        DecodedHeader::new(self.header_json, self.header)
    }
}

/// Checks the header, decodes the segments and verifies the signature (every step decode takes
/// before the claims), then hands the result to `finish`. The header is decoded onto the stack
/// and read as a [`HeaderView`] (its strings borrowed, nothing built); a token whose header is
/// refused costs no more than its header.
fn verified<'k, R>(
    token: &str,
    keys: &'k impl VerifyingKeys,
    v: &Validation,
    finish: impl FnOnce(Verified<'_, 'k>) -> Result<R>,
) -> Result<R> {
    let mut scratch = Scratch::new();
    let (h, p, s) = split(token, v)?;
    let header_json = b64::decode_buf(h, &mut scratch.header, "header segment")?;
    let header = HeaderView::parse(&header_json, v.max_depth, "header")?;
    let alg = header_alg(&header)?;
    v.check_algorithm(alg)?;
    check_crit(&header)?;
    check_members(&header)?;
    v.check_typ(&header)?;
    let payload = b64::decode(p, "payload segment")?;
    let signature = b64::decode_buf(s, &mut scratch.signature, "signature segment")?;
    let signed = signed_part(token, h, p)?;
    let key = keys.verify_signature(header.get("kid"), alg, signed.as_bytes(), &signature)?;
    finish(Verified {
        header_json: &header_json,
        header: &header,
        alg,
        payload,
        key,
    })
}

// The steps of `parse`, one function each, shared with `explain` (which runs every one it can).

/// Size and structure: the three segments.
pub(crate) fn split<'a>(token: &'a str, v: &Validation) -> Result<(&'a str, &'a str, &'a str)> {
    if token.len() > v.max_token_len {
        return Err(Error::malformed(format!(
            "token is {} bytes; the limit is {}",
            token.len(),
            v.max_token_len
        )));
    }
    let (h, rest) = token
        .split_once('.')
        .ok_or_else(|| Error::malformed("token has 1 segment; a JWS has 3"))?;
    let (p, s) = rest
        .split_once('.')
        .ok_or_else(|| Error::malformed("token has 2 segments; a JWS has 3"))?;
    if s.contains('.') {
        return Err(Error::malformed(
            "token has more than 3 segments (a JWE has 5; hxjwt decodes JWS only)",
        ));
    }
    Ok((h, p, s))
}

/// The header segment as one strict JSON object.
pub(crate) fn parse_header(
    h: &str,
    v: &Validation,
    scratch: &mut [u8; 512],
) -> Result<Map<String, Value>> {
    json::parse_object(
        &b64::decode_buf(h, scratch, "header segment")?,
        v.max_depth,
        "header",
    )
}

/// The header's `alg`, a supported algorithm (whether it is accepted is the validation's).
pub(crate) fn header_alg(header: &impl HeaderLookup) -> Result<Algorithm> {
    match header.string("alg") {
        Some(name) => Algorithm::from_name(name).ok_or_else(|| {
            Error::new(
                ErrorKind::UnsupportedAlgorithm,
                format!("alg {} is not supported", quote(name)),
            )
        }),
        None if header.has("alg") => Err(Error::malformed("header member \"alg\" is not a string")),
        None => Err(Error::malformed("header has no \"alg\"")),
    }
}

/// No `crit`, no `b64: false`.
pub(crate) fn check_crit(header: &impl HeaderLookup) -> Result<()> {
    if header.has("crit") {
        return Err(Error::new(
            ErrorKind::UnknownHeader,
            "header has \"crit\": hxjwt understands no critical extensions",
        ));
    }
    match header.b64() {
        None | Some(true) => Ok(()),
        Some(false) => Err(Error::new(
            ErrorKind::UnknownHeader,
            "unencoded payloads (\"b64\": false, RFC 7797) are not supported",
        )),
    }
}

/// `kid`, `typ` and `cty`, when present, are strings.
pub(crate) fn check_members(header: &impl HeaderLookup) -> Result<()> {
    for member in ["kid", "typ", "cty"] {
        if header.has(member) && header.string(member).is_none() {
            return Err(Error::malformed(format!(
                "header member \"{member}\" is not a string"
            )));
        }
    }
    Ok(())
}

/// The signed part of the token: its first two segments and the dot between them.
pub(crate) fn signed_part<'a>(token: &'a str, h: &str, p: &str) -> Result<&'a str> {
    token
        .get(..h.len() + 1 + p.len())
        .ok_or_else(|| Error::malformed("token segments are inconsistent"))
}

/// Verifies a compact JWS and checks its claims; returns the header and the claims as `T`.
///
/// The order of checks: size and structure, header (algorithm accepted, no `crit`, no
/// `b64: false`, `typ`), key selection by `kid` and key type, signature, then the claims
/// (required, `exp`, `nbf`, `iat`, maximum age, `aud`, `iss`, `sub`, `jti`).
pub fn decode<T: DeserializeOwned>(
    token: &str,
    keys: &impl VerifyingKeys,
    v: &Validation,
) -> Result<TokenData<T>> {
    verified(token, keys, v, |t| {
        let view = json::ClaimsView::parse(&t.payload, v.max_depth, "claims")?;
        v.check_claims_in(&view)?;
        let claims = serde_json::from_slice(&t.payload).map_err(|e| {
            Error::new(
                ErrorKind::InvalidClaim,
                format!("the claims do not fit the type expected: {e}"),
            )
        })?;
        v.check_replay(&view, &t.key)?;
        Ok(TokenData {
            header: t.header()?,
            alg: t.alg,
            claims,
        })
    })
}

/// [`decode`] returning the claims as their JSON text, exactly as signed: verified and checked
/// (strict JSON, the claim checks of `v`), for callers that deserialize it themselves. The
/// checks read only the registered claims; nothing else is built.
///
/// ```
/// use hxjwt::jws::{self, Algorithm, Header, Key, Validation};
/// let key = Key::from_secret(b"a secret of at least thirty-two bytes!!")?;
/// let token = jws::encode_json(&Header::new(Algorithm::HS256), r#"{"sub":"ada","exp":4102444800}"#, &key)?;
/// let data = jws::decode_bytes(&token, &key, &Validation::new(&[Algorithm::HS256]))?;
/// assert_eq!(data.claims, br#"{"sub":"ada","exp":4102444800}"#);
/// # Ok::<(), hxjwt::Error>(())
/// ```
pub fn decode_bytes(
    token: &str,
    keys: &impl VerifyingKeys,
    v: &Validation,
) -> Result<TokenData<Vec<u8>>> {
    verified(token, keys, v, |t| {
        let view = json::ClaimsView::parse(&t.payload, v.max_depth, "claims")?;
        v.check_claims_in(&view)?;
        v.check_replay(&view, &t.key)?;
        drop(view);
        Ok(TokenData {
            header: t.header()?,
            alg: t.alg,
            claims: t.payload,
        })
    })
}

/// [`decode`] returning the claims as a JSON object.
pub fn decode_claims(
    token: &str,
    keys: &impl VerifyingKeys,
    v: &Validation,
) -> Result<TokenData<Map<String, Value>>> {
    verified(token, keys, v, |t| {
        let claims = json::parse_object(&t.payload, v.max_depth, "claims")?;
        v.check_claims(&claims)?;
        v.check_replay(&claims, &t.key)?;
        Ok(TokenData {
            header: t.header()?,
            alg: t.alg,
            claims,
        })
    })
}

/// Verifies a compact JWS whose payload need not be JSON (RFC 7515 examples, detached content):
/// the header checks and the signature of [`decode`], no claim checks. Returns the payload bytes.
pub fn verify(
    token: &str,
    keys: &impl VerifyingKeys,
    v: &Validation,
) -> Result<TokenData<Vec<u8>>> {
    verified(token, keys, v, |t| {
        Ok(TokenData {
            header: t.header()?,
            alg: t.alg,
            claims: t.payload,
        })
    })
}

/// The keys to try, selected by the header's `kid` and the algorithm: at least one.
pub(crate) fn candidates<'k>(
    header: &impl HeaderLookup,
    alg: Algorithm,
    keys: &'k impl VerifyingKeys,
) -> Result<Vec<Cow<'k, Key>>> {
    let kid = header.string("kid");
    let candidates = keys.candidates(kid, alg)?;
    if candidates.is_empty() {
        return Err(Error::new(
            ErrorKind::KeyNotFound,
            "no key to verify the token with",
        ));
    }
    Ok(candidates)
}

/// The first of `candidates` that verifies the signature, or the last one's error.
pub(crate) fn verify_with<'k>(
    candidates: Vec<Cow<'k, Key>>,
    alg: Algorithm,
    signed: &[u8],
    signature: &[u8],
) -> Result<Cow<'k, Key>> {
    let mut last = None;
    for key in candidates {
        match key.verify(alg, signed, signature) {
            Ok(()) => return Ok(key),
            Err(e) => last = Some(e),
        }
    }
    Err(last
        .unwrap_or_else(|| Error::new(ErrorKind::KeyNotFound, "no key to verify the token with")))
}

/// The header of a token, decoded strictly but **not verified** (to pick a key by `kid`).
pub fn decode_header(token: &str) -> Result<Map<String, Value>> {
    let h = token
        .split_once('.')
        .map(|(h, _)| h)
        .ok_or_else(|| Error::malformed("token has 1 segment; a JWS has 3"))?;
    if h.len() > DEFAULT_MAX_TOKEN_LEN {
        return Err(Error::malformed("header segment is larger than 64 KiB"));
    }
    json::parse_object(
        &b64::decode(h, "header segment")?,
        DEFAULT_MAX_DEPTH,
        "header",
    )
}
