//! Standard encrypted JWTs: JWE (RFC 7516, 7518), compact and JSON serializations, and
//! sender-authenticated ECDH-1PU (draft-madden-jose-ecdh-1pu-04).
//!
//! ```
//! use hxjwt::jwe::{self, ContentAlgorithm as Enc, Decryption, Header, Key, KeyAlgorithm as Alg};
//!
//! let recipient = Key::generate_ec(hxjwt::jws::Curve::P256)?;     // keep private
//! let public = recipient.to_public()?;                            // give to senders
//! let token = jwe::encrypt(&Header::new(Alg::EcdhEsA256KW, Enc::A256GCM), b"secret", &public)?;
//!
//! // The caller, never the header, names what is accepted.
//! let d = Decryption::new(&[Alg::EcdhEsA256KW], &[Enc::A256GCM]);
//! let msg = jwe::decrypt(&token, &recipient, &d)?;
//! assert_eq!(&*msg.plaintext, b"secret");
//! assert_eq!(msg.alg, Alg::EcdhEsA256KW);
//! # Ok::<(), hxjwt::Error>(())
//! ```
//!
//! The defences: the accepted `alg` and `enc` are the caller's ([`Decryption::new`] has no
//! default); `RSA1_5` cannot be named; PBES2 only when named, with `p2c` bounded before any
//! PBKDF2 work; an `epk` off its curve or of low order is refused; a key's JWK `alg`, `use`
//! and `key_ops` are honoured; `crit` is refused unless the caller understands every name in
//! it; a JWS (3 segments) is refused here, and [`jws::decode`](crate::jws::decode) refuses a
//! JWE (5 segments); sizes are bounded (token, header, encrypted key, inflated plaintext); IV
//! and tag lengths are exact; every failure of the cryptography is the one
//! [`ErrorKind::DecryptionFailed`] error with one message (no oracle: an unwrap failure, a
//! padding error or a wrong tag give the same answer, after the same work); `zip` is refused
//! unless enabled; keys, CEKs, KEKs, shared secrets and plaintexts are zeroized.

mod alg;
mod backend;
mod content;
mod json;
mod key;
mod keymgmt;
mod nested;

use std::fmt;

use serde_json::{Map, Value};
use zeroize::Zeroizing;

pub use alg::{ContentAlgorithm, KeyAlgorithm};
pub use json::{JsonRecipient, decrypt_json, decrypt_json_1pu, encrypt_json, encrypt_json_1pu};
pub use key::{Key, KeyKind, MAX_JWK_LEN, MAX_SECRET_LEN};
pub use keymgmt::{DEFAULT_MAX_P2C, DEFAULT_P2C, MIN_P2C, MIN_P2S_LEN};
pub use nested::{decrypt_nested, decrypt_nested_bytes, encrypt_nested};

use crate::b64;
use crate::error::{Error, ErrorKind, Result, quote};
use crate::json::HeaderView;
use alg::Family;
use key::Op;
use keymgmt::{PartyInfo, UnwrapInput, WrapOptions};

/// The default maximum length of a token (compact or JSON), in bytes: 256 KiB.
pub const DEFAULT_MAX_TOKEN_LEN: usize = 256 * 1024;
/// The longest protected header accepted, base64url-encoded: 8 KiB.
pub const MAX_HEADER_LEN: usize = 8 * 1024;
/// The longest encrypted key accepted, decoded: 1024 bytes (an RSA-8192 ciphertext).
pub const MAX_ENCRYPTED_KEY_LEN: usize = 1024;
/// The default JSON nesting depth of headers (an `epk` is one level down).
pub const DEFAULT_MAX_DEPTH: usize = 8;
/// The default largest plaintext `zip: "DEF"` may inflate to, when enabled: 250 KB.
pub const DEFAULT_MAX_INFLATED_LEN: usize = 250_000;
/// The most keys tried on one token (those whose `kid` matches, or all when it has none).
pub const MAX_KEYS_TRIED: usize = 16;
/// The most recipients a JSON-serialized token may list.
pub const MAX_RECIPIENTS: usize = 16;

/// The one message of every decryption failure.
const DECRYPTION_FAILED: &str = "the token does not decrypt with the key given";

/// The one error of every failure of the cryptography on decryption (wrong key, unwrap
/// failure, OAEP or CBC padding error, tag mismatch).
pub(crate) fn decryption_failed() -> Error {
    Error::new(ErrorKind::DecryptionFailed, DECRYPTION_FAILED)
}

/// The protected header of a token to encrypt: the algorithms and the members the caller sets.
///
/// ```
/// use hxjwt::jwe::{ContentAlgorithm, Header, KeyAlgorithm};
/// let mut h = Header::new(KeyAlgorithm::RsaOaep256, ContentAlgorithm::A256GCM);
/// h.typ = Some("JWT".into());
/// h.kid = Some("2026-01".into());
/// h.extra.insert("x-tenant".into(), "acme".into());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// The key management algorithm.
    pub alg: KeyAlgorithm,
    /// The content encryption algorithm.
    pub enc: ContentAlgorithm,
    /// `typ`. Defaults to `None`.
    pub typ: Option<String>,
    /// `cty`. Defaults to `None` (`"JWT"` for [`encrypt_nested`]).
    pub cty: Option<String>,
    /// `kid`. Defaults to `None`, in which case the recipient key's own `kid` (if any) is
    /// written.
    pub kid: Option<String>,
    /// `skid` (ECDH-1PU: the sender's key id). Defaults to `None`, in which case the sender
    /// key's own `kid` (if any) is written.
    pub skid: Option<String>,
    /// `apu` (Agreement `PartyUInfo`, ECDH), raw bytes. Defaults to `None`.
    pub apu: Option<Vec<u8>>,
    /// `apv` (Agreement `PartyVInfo`, ECDH), raw bytes. Defaults to `None`.
    pub apv: Option<Vec<u8>>,
    /// `p2c` (PBES2 iteration count). Defaults to `None`: [`DEFAULT_P2C`].
    pub p2c: Option<u32>,
    /// Compress the plaintext with DEFLATE (`zip: "DEF"`). Defaults to `false`.
    pub zip: bool,
    /// Other members. Those hxjwt writes itself (`alg`, `enc`, `zip`, `epk`, `iv`, `tag`,
    /// `p2s`, `p2c`, `apu`, `apv`, `crit`) are refused here.
    pub extra: Map<String, Value>,
}

/// Members only hxjwt writes.
const RESERVED: [&str; 12] = [
    "alg", "enc", "zip", "epk", "iv", "tag", "p2s", "p2c", "apu", "apv", "crit", "skid",
];

impl Header {
    /// `{"alg": alg, "enc": enc}`.
    pub fn new(alg: KeyAlgorithm, enc: ContentAlgorithm) -> Header {
        Header {
            alg,
            enc,
            typ: None,
            cty: None,
            kid: None,
            skid: None,
            apu: None,
            apv: None,
            p2c: None,
            zip: false,
            extra: Map::new(),
        }
    }

    /// This header with the members of `members` (a caller's JSON object, as the C
    /// `header_json` and the CLI's `--header`): `typ`, `cty`, `kid`, `skid` (strings), `apu`,
    /// `apv` (base64url strings), `p2c` (an integer of 32 bits), `zip` (`"DEF"`), and any other
    /// member into [`extra`](Self::extra) (where those only hxjwt writes are refused when
    /// encrypting). A member of the wrong type is [`ErrorKind::InvalidArgument`] naming it.
    ///
    /// ```
    /// use hxjwt::jwe::{ContentAlgorithm, Header, KeyAlgorithm};
    /// let members = serde_json::json!({"typ": "JWT", "apu": "QWxpY2U", "x-trace": 7});
    /// let serde_json::Value::Object(members) = members else { unreachable!() };
    /// let h = Header::new(KeyAlgorithm::EcdhEs, ContentAlgorithm::A256GCM).with_members(members)?;
    /// assert_eq!((h.typ.as_deref(), h.apu.as_deref()), (Some("JWT"), Some(&b"Alice"[..])));
    /// assert_eq!(h.extra["x-trace"], 7);
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn with_members(mut self, members: Map<String, Value>) -> Result<Header> {
        let bad = |name: &str, what: &str| {
            Error::invalid_argument(format!("header member {} must be {what}", quote(name)))
        };
        for (name, value) in members {
            match name.as_str() {
                "typ" | "cty" | "kid" | "skid" => {
                    let text = value
                        .as_str()
                        .ok_or_else(|| bad(&name, "a string"))?
                        .to_owned();
                    let slot = match name.as_str() {
                        "typ" => &mut self.typ,
                        "cty" => &mut self.cty,
                        "kid" => &mut self.kid,
                        _ => &mut self.skid,
                    };
                    *slot = Some(text);
                }
                "apu" | "apv" => {
                    let text = value
                        .as_str()
                        .ok_or_else(|| bad(&name, "a base64url string"))?;
                    let bytes = b64::decode(text, &format!("header member {}", quote(&name)))
                        .map_err(|e| Error::invalid_argument(e.detail().to_owned()))?;
                    if name == "apu" {
                        self.apu = Some(bytes);
                    } else {
                        self.apv = Some(bytes);
                    }
                }
                "p2c" => {
                    let n = value
                        .as_u64()
                        .and_then(|n| u32::try_from(n).ok())
                        .ok_or_else(|| bad(&name, "an integer of 32 bits"))?;
                    self.p2c = Some(n);
                }
                "zip" if value.as_str() == Some("DEF") => self.zip = true,
                "zip" => return Err(bad(&name, "\"DEF\"")),
                _ => {
                    self.extra.insert(name, value);
                }
            }
        }
        Ok(self)
    }

    fn party(&self) -> PartyInfo {
        PartyInfo {
            apu: self.apu.clone().unwrap_or_default(),
            apv: self.apv.clone().unwrap_or_default(),
        }
    }

    /// The members shared by every recipient (everything but the key-management results).
    fn members(&self, key: Option<&Key>, sender: Option<&Key>) -> Result<Map<String, Value>> {
        let mut m = Map::new();
        for (name, value) in &self.extra {
            if RESERVED.contains(&name.as_str()) {
                return Err(Error::invalid_argument(format!(
                    "header member {} cannot be set here",
                    quote(name)
                )));
            }
            m.insert(name.clone(), value.clone());
        }
        m.insert("enc".into(), self.enc.name().into());
        if self.zip {
            m.insert("zip".into(), "DEF".into());
        }
        for (name, v) in [("typ", &self.typ), ("cty", &self.cty)] {
            if let Some(v) = v {
                m.insert(name.into(), v.clone().into());
            }
        }
        if let Some(kid) = self.kid.as_deref().or(key.and_then(Key::kid)) {
            m.insert("kid".into(), kid.into());
        }
        if self.alg.family() == Family::Ecdh1Pu {
            if let Some(skid) = self.skid.as_deref().or(sender.and_then(Key::kid)) {
                m.insert("skid".into(), skid.into());
            }
        }
        if let Some(apu) = &self.apu {
            m.insert("apu".into(), b64::encode(apu).into());
        }
        if let Some(apv) = &self.apv {
            m.insert("apv".into(), b64::encode(apv).into());
        }
        Ok(m)
    }
}

/// The longest token [`Decryption::is_cheap`] calls cheap: 16 KiB.
pub const CHEAP_TOKEN_LEN: usize = 16 * 1024;

/// What [`decrypt`] accepts. There is no default list of algorithms: the caller names them,
/// so the token's header never chooses.
///
/// ```
/// use hxjwt::jwe::{ContentAlgorithm as Enc, Decryption, KeyAlgorithm as Alg};
/// let d = Decryption::new(&[Alg::EcdhEs, Alg::RsaOaep256], &[Enc::A256GCM])
///     .max_token_len(64 * 1024)
///     .allow_zip(100_000);
/// assert_eq!(d.max_inflated_len, Some(100_000));
/// ```
#[derive(Clone, Debug)]
pub struct Decryption {
    /// The accepted `alg` values. No default; an empty list accepts nothing.
    pub algorithms: Vec<KeyAlgorithm>,
    /// The accepted `enc` values. No default; an empty list accepts nothing.
    pub encryptions: Vec<ContentAlgorithm>,
    /// The longest token accepted, in bytes. Defaults to [`DEFAULT_MAX_TOKEN_LEN`].
    pub max_token_len: usize,
    /// The JSON nesting depth of headers. Defaults to [`DEFAULT_MAX_DEPTH`].
    pub max_depth: usize,
    /// The largest PBES2 `p2c` accepted, checked before any PBKDF2 work. Defaults to
    /// [`DEFAULT_MAX_P2C`].
    pub max_p2c: u32,
    /// `zip: "DEF"`: `None` refuses it; `Some(n)` inflates to at most `n` bytes (a larger
    /// result is refused as soon as it passes `n`). Defaults to `None`.
    pub max_inflated_len: Option<usize>,
    /// The `crit` names the caller understands (and checks itself in the returned header).
    /// Defaults to none: any `crit` is refused.
    pub critical: Vec<String>,
    /// The required `typ` (compared case-insensitively). Defaults to `None`.
    pub typ: Option<String>,
}

impl Decryption {
    /// Accepts exactly these `alg` and `enc` values, with the default limits.
    pub fn new(algorithms: &[KeyAlgorithm], encryptions: &[ContentAlgorithm]) -> Decryption {
        Decryption {
            algorithms: algorithms.to_vec(),
            encryptions: encryptions.to_vec(),
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
            max_depth: DEFAULT_MAX_DEPTH,
            max_p2c: DEFAULT_MAX_P2C,
            max_inflated_len: None,
            critical: Vec::new(),
            typ: None,
        }
    }

    /// Whether decrypting a token of `token_len` bytes under these options is at most a few
    /// microseconds of work whatever the token says: every accepted algorithm is
    /// [cheap symmetric](KeyAlgorithm::is_cheap_symmetric), the token is at most
    /// [`CHEAP_TOKEN_LEN`] bytes, and inflation (if allowed) is bounded by it too. A face over an
    /// interpreter lock (Python's GIL) keeps the lock for such work: releasing and re-taking it
    /// would cost more than the work.
    ///
    /// ```
    /// use hxjwt::jwe::{ContentAlgorithm, Decryption, KeyAlgorithm};
    /// let dir = Decryption::new(&[KeyAlgorithm::Dir], &[ContentAlgorithm::A256GCM]);
    /// assert!(dir.is_cheap(1000));
    /// assert!(!dir.is_cheap(1 << 20));
    /// let ecdh = Decryption::new(&[KeyAlgorithm::EcdhEs], &[ContentAlgorithm::A256GCM]);
    /// assert!(!ecdh.is_cheap(1000));
    /// ```
    pub fn is_cheap(&self, token_len: usize) -> bool {
        token_len <= CHEAP_TOKEN_LEN
            && self.max_inflated_len.is_none_or(|n| n <= CHEAP_TOKEN_LEN)
            && !self.algorithms.is_empty()
            && self.algorithms.iter().all(|a| a.is_cheap_symmetric())
    }

    /// Sets [`max_token_len`](Self::max_token_len).
    #[must_use]
    pub fn max_token_len(mut self, bytes: usize) -> Self {
        self.max_token_len = bytes;
        self
    }

    /// Sets [`max_p2c`](Self::max_p2c).
    #[must_use]
    pub fn max_p2c(mut self, iterations: u32) -> Self {
        self.max_p2c = iterations;
        self
    }

    /// Accepts `zip: "DEF"`, inflating to at most `max_len` bytes
    /// ([`DEFAULT_MAX_INFLATED_LEN`] is a sensible value).
    #[must_use]
    pub fn allow_zip(mut self, max_len: usize) -> Self {
        self.max_inflated_len = Some(max_len);
        self
    }

    /// Declares `crit` extension names the caller understands.
    #[must_use]
    pub fn understand<S: AsRef<str>>(mut self, names: &[S]) -> Self {
        self.critical = names.iter().map(|s| s.as_ref().to_owned()).collect();
        self
    }

    /// Sets the required [`typ`](Self::typ).
    #[must_use]
    pub fn typ(mut self, typ: &str) -> Self {
        self.typ = Some(typ.to_owned());
        self
    }

    /// Checks a JOSE header (a compact token's protected header, or a JSON token's merged
    /// one): `alg` and `enc` accepted, `crit`, `zip`, string members, `typ`.
    fn check_header(&self, header: &impl HeaderLookup) -> Result<(KeyAlgorithm, ContentAlgorithm)> {
        let alg = match header.string("alg")? {
            Some(name) => KeyAlgorithm::parse(name)?,
            None => return Err(Error::malformed("header has no \"alg\"")),
        };
        if !self.algorithms.contains(&alg) {
            return Err(Error::new(
                ErrorKind::UnsupportedAlgorithm,
                format!("alg {alg} is not accepted here (Decryption::algorithms)"),
            ));
        }
        let enc = match header.string("enc")? {
            Some(name) => name.parse::<ContentAlgorithm>()?,
            None => {
                return Err(Error::malformed(
                    "header has no \"enc\" (a JWS header, not a JWE one?)",
                ));
            }
        };
        if !self.encryptions.contains(&enc) {
            return Err(Error::new(
                ErrorKind::UnsupportedAlgorithm,
                format!("enc {enc} is not accepted here (Decryption::encryptions)"),
            ));
        }
        if matches!(alg.family(), Family::Ecdh1Pu) && alg.kw_len().is_some() && !enc.is_cbc_hmac() {
            return Err(Error::new(
                ErrorKind::UnsupportedAlgorithm,
                format!("{alg} is only defined with the A*CBC-HS* encryptions, not {enc}"),
            ));
        }
        header.check_crit(self)?;
        if header.contains("zip") {
            match header.string("zip") {
                Ok(Some("DEF")) if self.max_inflated_len.is_some() => {}
                Ok(Some("DEF")) => {
                    return Err(Error::new(
                        ErrorKind::UnknownHeader,
                        "zip \"DEF\" is refused unless enabled (Decryption::allow_zip)",
                    ));
                }
                Ok(Some(other)) => {
                    return Err(Error::new(
                        ErrorKind::UnknownHeader,
                        format!("zip {} is not supported", quote(other)),
                    ));
                }
                _ => {
                    return Err(Error::new(
                        ErrorKind::UnknownHeader,
                        "zip is not supported: only the string \"DEF\" is",
                    ));
                }
            }
        }
        for member in ["kid", "typ", "cty", "skid"] {
            header.string(member)?;
        }
        if let Some(want) = &self.typ {
            let got = header.string("typ")?;
            if !got.is_some_and(|t| t.eq_ignore_ascii_case(want)) {
                return Err(Error::new(
                    ErrorKind::InvalidClaim,
                    format!("typ must be {}", quote(want)),
                )
                .with_claim("typ"));
            }
        }
        Ok((alg, enc))
    }

    fn check_crit(&self, header: &Map<String, Value>) -> Result<()> {
        let Some(crit) = header.get("crit") else {
            return Ok(());
        };
        let names = crit
            .as_array()
            .filter(|a| !a.is_empty())
            .ok_or_else(|| Error::malformed("header member \"crit\" is not a non-empty array"))?;
        for name in names {
            let name = name
                .as_str()
                .ok_or_else(|| Error::malformed("header member \"crit\" lists a non-string"))?;
            if !self.critical.iter().any(|c| c == name) {
                return Err(Error::new(
                    ErrorKind::UnknownHeader,
                    format!(
                        "crit lists {}, which is not understood here (Decryption::understand)",
                        quote(name)
                    ),
                ));
            }
            if !header.contains_key(name) {
                return Err(Error::malformed(format!(
                    "crit lists {} but the header does not have it",
                    quote(name)
                )));
            }
        }
        Ok(())
    }
}

/// What the header checks read: the string members (`alg`, `enc`, `zip`, `kid`, `typ`, `cty`,
/// `skid`), which members are present, and `crit`. A parsed map (the JSON serialization's merged
/// header) or a one-pass view of a compact token's protected header (no map built).
pub(crate) trait HeaderLookup {
    /// The string member `name`; `None` when absent; `Malformed` naming it when it is not a
    /// string.
    fn string(&self, name: &str) -> Result<Option<&str>>;
    /// Whether the header has a member `name`.
    fn contains(&self, name: &str) -> bool;
    /// Checks `crit` against what `d` understands.
    fn check_crit(&self, d: &Decryption) -> Result<()>;
}

fn not_a_string(name: &str) -> Error {
    Error::malformed(format!("header member \"{name}\" is not a string"))
}

impl HeaderLookup for Map<String, Value> {
    fn string(&self, name: &str) -> Result<Option<&str>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(not_a_string(name)),
        }
    }
    fn contains(&self, name: &str) -> bool {
        self.contains_key(name)
    }
    fn check_crit(&self, d: &Decryption) -> Result<()> {
        d.check_crit(self)
    }
}

/// A compact token's protected header: its text and the view the checks read.
struct ProtectedHeader<'a> {
    bytes: &'a [u8],
    view: HeaderView<'a>,
    max_depth: usize,
}

impl HeaderLookup for ProtectedHeader<'_> {
    fn string(&self, name: &str) -> Result<Option<&str>> {
        match self.view.get(name) {
            Some(s) => Ok(Some(s)),
            None if self.view.contains(name) => Err(not_a_string(name)),
            None => Ok(None),
        }
    }
    fn contains(&self, name: &str) -> bool {
        self.view.contains(name)
    }
    fn check_crit(&self, d: &Decryption) -> Result<()> {
        if !self.view.contains("crit") {
            return Ok(());
        }
        // Rare: the names crit lists must be members; read the header whole.
        let map = crate::json::parse_object(self.bytes, self.max_depth, "protected header")?;
        d.check_crit(&map)
    }
}

/// A decrypted token.
#[derive(Clone)]
pub struct Decrypted {
    /// The JOSE header's JSON text: a compact token's protected header exactly as it was sent;
    /// for the JSON serialization, the union of the protected, shared unprotected and recipient
    /// headers.
    header_json: String,
    /// [`header_json`](Self::header_json) parsed, on first use.
    header: once_cell::sync::OnceCell<Map<String, Value>>,
    /// The key management algorithm that decrypted it.
    pub alg: KeyAlgorithm,
    /// The content encryption algorithm.
    pub enc: ContentAlgorithm,
    /// The plaintext (inflated when `zip` was used), zeroized on drop.
    pub plaintext: Zeroizing<Vec<u8>>,
    /// The JSON serialization's `aad` member, decoded, if any.
    pub aad: Option<Vec<u8>>,
}

impl Decrypted {
    /// The JOSE header: a compact token's protected header; for the JSON serialization, the
    /// union of the protected, shared unprotected and recipient headers. Parsed on first use
    /// (decryption itself reads the header without building a map).
    ///
    /// ```
    /// use hxjwt::jwe::{self, ContentAlgorithm as Enc, Decryption, Header, Key, KeyAlgorithm as Alg};
    /// let key = Key::from_secret([7u8; 32])?;
    /// let mut h = Header::new(Alg::Dir, Enc::A256GCM);
    /// h.typ = Some("JWT".into());
    /// let token = jwe::encrypt(&h, b"hi", &key)?;
    /// let msg = jwe::decrypt(&token, &key, &Decryption::new(&[Alg::Dir], &[Enc::A256GCM]))?;
    /// assert_eq!(msg.header()["typ"], "JWT");
    /// assert!(msg.header_json().starts_with('{'));
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn header(&self) -> &Map<String, Value> {
        self.header.get_or_init(|| {
            // The text passed the strict parse of decryption: this parse cannot fail (an empty
            // map if it somehow did).
            crate::json::parse_object(self.header_json.as_bytes(), usize::MAX, "header")
                .unwrap_or_default()
        })
    }

    /// The JOSE header's JSON text ([`header`](Self::header) unparsed): for a compact token,
    /// the protected header exactly as the sender wrote it.
    pub fn header_json(&self) -> &str {
        &self.header_json
    }

    /// A result whose header is already a map (the JSON serialization's merged header).
    pub(crate) fn with_header_map(
        header: Map<String, Value>,
        alg: KeyAlgorithm,
        enc: ContentAlgorithm,
        plaintext: Zeroizing<Vec<u8>>,
        aad: Option<Vec<u8>>,
    ) -> Decrypted {
        let header_json = Value::Object(header.clone()).to_string();
        Decrypted {
            header_json,
            header: once_cell::sync::OnceCell::with_value(header),
            alg,
            enc,
            plaintext,
            aad,
        }
    }
}

impl fmt::Debug for Decrypted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decrypted")
            .field("header", &self.header_json)
            .field("alg", &self.alg)
            .field("enc", &self.enc)
            .field("plaintext_len", &self.plaintext.len())
            .finish_non_exhaustive()
    }
}

/// Where [`decrypt`] finds the key: one [`Key`], or a list of keys selected by `kid`.
pub trait DecryptionKeys {
    /// The keys to try for a token with this `kid` and `alg`: those whose `kid` equals it, or,
    /// when none does (or the token has none), those without a `kid` that fit `alg`. At most
    /// [`MAX_KEYS_TRIED`].
    fn candidates(&self, kid: Option<&str>, alg: KeyAlgorithm) -> Vec<&Key>;

    /// The one key every token is tried with, whatever its `kid` (a single [`Key`]), so that
    /// no list is built. Defaults to `None`: [`candidates`](Self::candidates) decides.
    fn only(&self) -> Option<&Key> {
        None
    }
}

impl DecryptionKeys for Key {
    fn candidates(&self, _kid: Option<&str>, _alg: KeyAlgorithm) -> Vec<&Key> {
        vec![self]
    }

    fn only(&self) -> Option<&Key> {
        Some(self)
    }
}

impl DecryptionKeys for [Key] {
    fn candidates(&self, kid: Option<&str>, alg: KeyAlgorithm) -> Vec<&Key> {
        let fits = |k: &&Key| k.check_type(alg, None).is_ok();
        if let Some(kid) = kid {
            let by_kid: Vec<&Key> = self.iter().filter(|k| k.kid() == Some(kid)).collect();
            if !by_kid.is_empty() {
                return by_kid.into_iter().take(MAX_KEYS_TRIED).collect();
            }
        }
        self.iter()
            .filter(|k| kid.is_none() || k.kid().is_none())
            .filter(fits)
            .take(MAX_KEYS_TRIED)
            .collect()
    }
}

impl DecryptionKeys for Vec<Key> {
    fn candidates(&self, kid: Option<&str>, alg: KeyAlgorithm) -> Vec<&Key> {
        self.as_slice().candidates(kid, alg)
    }
}

impl<T: DecryptionKeys + ?Sized> DecryptionKeys for &T {
    fn candidates(&self, kid: Option<&str>, alg: KeyAlgorithm) -> Vec<&Key> {
        (**self).candidates(kid, alg)
    }

    fn only(&self) -> Option<&Key> {
        (**self).only()
    }
}

/// Compresses with raw DEFLATE (RFC 1951).
fn deflate(plaintext: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec(plaintext, 6)
}

/// Inflates raw DEFLATE, refusing as soon as the output would pass `max_len`.
///
/// The output grows in buffers of our own, each wiped when it is replaced, so that no copy of
/// the plaintext is freed unwiped (`decompress_to_vec_with_limit` grows a plain `Vec`).
fn inflate(mut data: &[u8], max_len: usize) -> Result<Zeroizing<Vec<u8>>> {
    use miniz_oxide::inflate::TINFLStatus;
    use miniz_oxide::inflate::core::{DecompressorOxide, decompress, inflate_flags};
    let too_long = || {
        Error::malformed(format!(
            "the plaintext inflates past {max_len} bytes (Decryption::max_inflated_len)"
        ))
    };
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let mut out = Zeroizing::new(vec![
        0u8;
        data.len().saturating_mul(2).clamp(64, max_len.max(1))
    ]);
    let mut state = Box::<DecompressorOxide>::default();
    let mut pos = 0;
    loop {
        let (status, consumed, written) = decompress(&mut state, data, &mut out, pos, flags);
        pos = pos.saturating_add(written);
        match status {
            TINFLStatus::Done if pos <= max_len => {
                out.truncate(pos);
                return Ok(out);
            }
            TINFLStatus::Done => return Err(too_long()),
            TINFLStatus::HasMoreOutput => {
                data = data.get(consumed..).ok_or_else(decryption_failed)?;
                if out.len() >= max_len {
                    return Err(too_long());
                }
                let mut grown = Zeroizing::new(vec![0u8; out.len().saturating_mul(2).min(max_len)]);
                grown
                    .get_mut(..out.len())
                    .ok_or_else(decryption_failed)?
                    .copy_from_slice(&out);
                out = grown;
            }
            _ => return Err(decryption_failed()),
        }
    }
}

/// Encrypts `plaintext` for `key` (the recipient's public key, or the shared secret) as a
/// compact JWE.
///
/// ```
/// use hxjwt::jwe::{self, ContentAlgorithm, Decryption, Header, Key, KeyAlgorithm};
/// let kek = Key::from_secret([1u8; 16])?;
/// let token = jwe::encrypt(&Header::new(KeyAlgorithm::A128KW, ContentAlgorithm::A128CbcHs256),
///                          b"hi", &kek)?;
/// assert_eq!(token.split('.').count(), 5);
/// let d = Decryption::new(&[KeyAlgorithm::A128KW], &[ContentAlgorithm::A128CbcHs256]);
/// assert_eq!(&*jwe::decrypt(&token, &kek, &d)?.plaintext, b"hi");
/// # Ok::<(), hxjwt::Error>(())
/// ```
pub fn encrypt(header: &Header, plaintext: &[u8], key: &Key) -> Result<String> {
    encrypt_compact(header, plaintext, key, None)
}

/// Encrypts with ECDH-1PU: `recipient` is the recipient's public key, `sender` the sender's
/// private key on the same curve. The recipient learns that the holder of `sender` made it.
///
/// ```
/// use hxjwt::jwe::{self, ContentAlgorithm as Enc, Decryption, Header, Key, KeyAlgorithm as Alg};
/// let (alice, bob) = (Key::generate_x25519()?, Key::generate_x25519()?);
/// let token = jwe::encrypt_1pu(&Header::new(Alg::Ecdh1PuA256KW, Enc::A256CbcHs512), b"hi",
///                              &bob.to_public()?, &alice)?;
/// let d = Decryption::new(&[Alg::Ecdh1PuA256KW], &[Enc::A256CbcHs512]);
/// let msg = jwe::decrypt_1pu(&token, &bob, &alice.to_public()?, &d)?;
/// assert_eq!(&*msg.plaintext, b"hi");
/// # Ok::<(), hxjwt::Error>(())
/// ```
pub fn encrypt_1pu(
    header: &Header,
    plaintext: &[u8],
    recipient: &Key,
    sender: &Key,
) -> Result<String> {
    encrypt_compact(header, plaintext, recipient, Some(sender))
}

/// Checks the algorithms and keys before encrypting.
fn check_encrypt(header: &Header, key: &Key, sender: Option<&Key>) -> Result<()> {
    let (alg, enc) = (header.alg, header.enc);
    key.check(alg, enc, Op::Encrypt)?;
    match (alg.family(), sender) {
        (Family::Ecdh1Pu, Some(sender)) => {
            sender.check(alg, enc, Op::Encrypt)?;
            if !sender.is_private() {
                return Err(Error::invalid_key(
                    "ECDH-1PU needs the sender's private key",
                ));
            }
            if sender.kind() != key.kind() {
                return Err(Error::invalid_key(
                    "the sender's and the recipient's keys are not on the same curve",
                ));
            }
        }
        (Family::Ecdh1Pu, None) => {
            return Err(Error::invalid_argument(
                "ECDH-1PU needs the sender's key: use encrypt_1pu",
            ));
        }
        (_, Some(_)) => {
            return Err(Error::invalid_argument(format!(
                "{alg} does not use a sender key"
            )));
        }
        (_, None) => {}
    }
    if alg.family() == Family::Ecdh1Pu && !alg.is_direct() && !enc.is_cbc_hmac() {
        return Err(Error::invalid_argument(format!(
            "{alg} is only defined with the A*CBC-HS* encryptions, not {enc}"
        )));
    }
    Ok(())
}

fn encrypt_compact(
    header: &Header,
    plaintext: &[u8],
    key: &Key,
    sender: Option<&Key>,
) -> Result<String> {
    check_encrypt(header, key, sender)?;
    let (alg, enc) = (header.alg, header.enc);
    let party = header.party();
    let opts = WrapOptions {
        party: &party,
        p2c: header.p2c,
        sender,
    };
    let mut protected = header.members(Some(key), sender)?;
    protected.insert("alg".into(), alg.name().into());
    // dir with AES-GCM: the key's own schedule, made once (no content key copied).
    let dir_gcm = (alg.family() == Family::Dir)
        .then(|| key.gcm())
        .flatten()
        .filter(|g| g.enc() == enc);
    let (cek, mut wrapped) = if dir_gcm.is_some() {
        (Zeroizing::new(Vec::new()), None)
    } else if alg.is_direct() {
        let (cek, members) = keymgmt::direct_cek(alg, enc, key, &opts)?;
        protected.extend(members);
        (cek, None)
    } else {
        let cek = keymgmt::random_cek(enc)?;
        let wrapped = keymgmt::wrap(alg, enc, key, &cek, &opts)?;
        for (name, value) in &wrapped.members {
            protected.insert(name.clone(), value.clone());
        }
        (cek, Some(wrapped))
    };
    let compressed;
    let plaintext = if header.zip {
        compressed = Zeroizing::new(deflate(plaintext));
        compressed.as_slice()
    } else {
        plaintext
    };
    let header_json = serde_json::to_string(&protected)
        .map_err(|e| Error::invalid_argument(format!("header: {e}")))?;
    check_header_len(header_json.len())?;
    let mut token =
        String::with_capacity(header_json.len() * 4 / 3 + plaintext.len() * 4 / 3 + 512);
    b64::encode_into(header_json.as_bytes(), &mut token);
    let mut iv_buf = [0u8; MAX_IV_LEN];
    let iv = iv_buf
        .get_mut(..enc.iv_len())
        .ok_or_else(|| Error::new(ErrorKind::Internal, "IV length"))?;
    crate::random::fill(iv)?;
    let gcm_tag;
    let (ciphertext, tag) = match dir_gcm {
        Some(gcm) => {
            let mut buf = plaintext.to_vec();
            gcm_tag = gcm.encrypt_in_place(iv, token.as_bytes(), &mut buf)?;
            (buf, std::borrow::Cow::Borrowed(&gcm_tag[..]))
        }
        None => {
            let (ct, tag) = content::encrypt(enc, &cek, iv, token.as_bytes(), plaintext)?;
            (ct, std::borrow::Cow::Owned(tag))
        }
    };
    let encrypted_key = match &mut wrapped {
        Some(w) => {
            keymgmt::finish(w, alg, enc, &party, &cek, &tag)?;
            std::mem::take(&mut w.encrypted_key)
        }
        None => Vec::new(),
    };
    for part in [&encrypted_key[..], iv, &ciphertext, &tag] {
        token.push('.');
        b64::encode_into(part, &mut token);
    }
    Ok(token)
}

/// Refuses to write a protected header that every recipient would refuse to read.
pub(crate) fn check_header_len(json_len: usize) -> Result<()> {
    let encoded = json_len.div_ceil(3) * 4;
    if encoded > MAX_HEADER_LEN {
        return Err(Error::invalid_argument(format!(
            "the protected header would be {encoded} bytes encoded; recipients refuse more than \
             {MAX_HEADER_LEN} (MAX_HEADER_LEN): shorten kid, typ or the other members"
        )));
    }
    Ok(())
}

/// Decrypts a compact JWE with one of `keys`, accepting only what `d` allows.
///
/// The order of checks: size and structure (exactly 5 segments), the header (`alg` and `enc`
/// accepted, `crit`, `zip`, `typ`), the lengths of the encrypted key, IV and tag, then the
/// keys by `kid` (each checked against its JWK `alg`/`use`/`key_ops`), the key management
/// parameters (`epk` on the curve and not of low order, `p2c` within bounds), and last the
/// cryptography, whose every failure is the one [`ErrorKind::DecryptionFailed`] error.
pub fn decrypt(token: &str, keys: &impl DecryptionKeys, d: &Decryption) -> Result<Decrypted> {
    decrypt_compact(token, keys, None, d)
}

/// [`decrypt`] for ECDH-1PU: `sender` is the sender's public key (or keys, selected by the
/// token's `skid`). Only the ECDH-1PU algorithms named in `d` are accepted.
pub fn decrypt_1pu(
    token: &str,
    keys: &impl DecryptionKeys,
    sender: &impl DecryptionKeys,
    d: &Decryption,
) -> Result<Decrypted> {
    decrypt_compact(token, keys, Some(sender as &dyn DecryptionKeys), d)
}

/// The five segments of a compact token, or the error that says what it is instead.
fn split_compact(token: &str) -> Result<[&str; 5]> {
    let mut parts = token.splitn(6, '.');
    let mut out = [""; 5];
    let mut n = 0;
    for slot in &mut out {
        match parts.next() {
            Some(part) => {
                *slot = part;
                n += 1;
            }
            None => break,
        }
    }
    if n == 5 && parts.next().is_none() {
        return Ok(out);
    }
    Err(Error::malformed(match n {
        3 => "token has 3 segments: it is a JWS, not a JWE (5 segments)".to_owned(),
        1 if token.trim_start().starts_with('{') => {
            "token is JSON: use decrypt_json for the JSON serialization".to_owned()
        }
        n @ 1..=4 => format!("token has {n} segments; a compact JWE has 5"),
        _ => "token has more than 5 segments; a compact JWE has 5".to_owned(),
    }))
}

/// Decodes a protected header segment (bounded) into `buf` when it fits, else a new vector.
fn protected_bytes<'b>(h: &str, buf: &'b mut [u8]) -> Result<std::borrow::Cow<'b, [u8]>> {
    if h.len() > MAX_HEADER_LEN {
        return Err(Error::malformed(format!(
            "the protected header is {} bytes; the limit is {MAX_HEADER_LEN}",
            h.len()
        )));
    }
    b64::decode_buf(h, buf, "protected header")
}

/// Decodes and parses a protected header (bounded, strict JSON) into a map.
fn read_protected(h: &str, d: &Decryption) -> Result<Map<String, Value>> {
    let mut buf = [0u8; 512];
    let bytes = protected_bytes(h, &mut buf)?;
    crate::json::parse_object(&bytes, d.max_depth, "protected header")
}

/// The longest IV (A*CBC-HS*: 16 bytes) and tag (A256CBC-HS512: 32 bytes) of any `enc`.
const MAX_IV_LEN: usize = 16;
const MAX_TAG_LEN: usize = 32;

/// Decodes an IV or tag segment into `buf`, which must then hold exactly `want` bytes.
fn read_exact<'b>(
    text: &str,
    buf: &'b mut [u8],
    want: usize,
    what: &str,
    enc: ContentAlgorithm,
) -> Result<&'b [u8]> {
    let wrong = |got: usize| {
        Error::malformed(format!(
            "the {what} is {got} bytes; {enc} needs exactly {want}"
        ))
    };
    let bytes = b64::decode_buf(text, buf, what)?;
    match bytes {
        std::borrow::Cow::Borrowed(b) if b.len() == want => Ok(b),
        other => Err(wrong(other.len())),
    }
}

/// Decodes the encrypted key, IV and tag, with their lengths checked.
fn read_key_iv_tag(
    ek: &str,
    iv: &str,
    tag: &str,
    enc: ContentAlgorithm,
) -> Result<(Vec<u8>, Vec<u8>, Vec<u8>)> {
    let encrypted_key = read_encrypted_key(ek)?;
    let (mut iv_buf, mut tag_buf) = ([0u8; MAX_IV_LEN], [0u8; MAX_TAG_LEN]);
    let iv = read_exact(iv, &mut iv_buf, enc.iv_len(), "IV", enc)?.to_vec();
    let tag = read_exact(tag, &mut tag_buf, enc.tag_len(), "authentication tag", enc)?.to_vec();
    Ok((encrypted_key, iv, tag))
}

/// Decodes the encrypted key segment, bounded.
fn read_encrypted_key(ek: &str) -> Result<Vec<u8>> {
    if ek.len() > MAX_ENCRYPTED_KEY_LEN * 4 / 3 + 4 {
        return Err(Error::malformed(format!(
            "the encrypted key is longer than {MAX_ENCRYPTED_KEY_LEN} bytes"
        )));
    }
    b64::decode(ek, "encrypted key")
}

/// One recipient's view of a token: everything decryption needs.
pub(crate) struct Attempt<'a> {
    /// The members key management reads (`epk`, `apu`, `apv`, `iv`, `tag`, `p2s`, `p2c`):
    /// empty for `dir` and AES key wrap, which read none.
    pub header: &'a Map<String, Value>,
    /// The header's `kid` and `skid`.
    pub kid: Option<&'a str>,
    pub skid: Option<&'a str>,
    pub alg: KeyAlgorithm,
    pub enc: ContentAlgorithm,
    pub encrypted_key: &'a [u8],
    pub iv: &'a [u8],
    pub aad: &'a [u8],
    pub tag: &'a [u8],
}

/// The sender key for ECDH-1PU, selected by `skid` (or `kid`-less), checked.
fn sender_key<'k>(
    attempt: &Attempt<'_>,
    sender: Option<&'k dyn DecryptionKeys>,
) -> Result<Option<&'k Key>> {
    let is_1pu = attempt.alg.family() == Family::Ecdh1Pu;
    match (is_1pu, sender) {
        // A caller who gives the sender's key asks for sender authentication: a token that
        // cannot give it is refused, whatever else the allow-list names.
        (false, Some(_)) => Err(Error::new(
            ErrorKind::UnsupportedAlgorithm,
            format!(
                "{} does not authenticate the sender: with a sender key, only the ECDH-1PU \
                 algorithms are accepted",
                attempt.alg
            ),
        )),
        (false, None) => Ok(None),
        (true, None) => Err(Error::new(
            ErrorKind::UnsupportedAlgorithm,
            format!("{} needs the sender's key: use decrypt_1pu", attempt.alg),
        )),
        (true, Some(keys)) => {
            let candidates = keys.candidates(attempt.skid, attempt.alg);
            let key = match candidates.as_slice() {
                [one] => *one,
                [] => {
                    return Err(Error::new(
                        ErrorKind::KeyNotFound,
                        "no sender key matches the token's skid",
                    ));
                }
                _ => {
                    return Err(Error::new(
                        ErrorKind::KeyNotFound,
                        "several sender keys match the token: give the sender's kid as skid",
                    ));
                }
            };
            key.check_type(attempt.alg, None)?;
            Ok(Some(key))
        }
    }
}

/// Tries each candidate key; the plaintext of the first that decrypts.
pub(crate) fn try_keys(
    attempt: &Attempt<'_>,
    ciphertext: &[u8],
    keys: &dyn DecryptionKeys,
    sender: Option<&dyn DecryptionKeys>,
    d: &Decryption,
) -> Result<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new(ciphertext.to_vec());
    try_keys_in_place(attempt, &mut buf, keys, sender, d)?;
    Ok(buf)
}

/// [`try_keys`] over `buf`, which holds the ciphertext and, on success, the plaintext. A key
/// that fails leaves `buf` as it was (tags are checked before anything is decrypted).
fn try_keys_in_place(
    attempt: &Attempt<'_>,
    buf: &mut Zeroizing<Vec<u8>>,
    keys: &dyn DecryptionKeys,
    sender: Option<&dyn DecryptionKeys>,
    d: &Decryption,
) -> Result<()> {
    let sender = sender_key(attempt, sender)?;
    let kid = attempt.kid;
    let one;
    let many;
    let candidates: &[&Key] = match keys.only() {
        Some(key) => {
            one = [key];
            &one
        }
        None => {
            many = keys.candidates(kid, attempt.alg);
            &many
        }
    };
    if candidates.is_empty() {
        return Err(Error::new(
            ErrorKind::KeyNotFound,
            format!("no key for {} with this kid", attempt.alg),
        ));
    }
    let mut last_key_error = None;
    let mut tried = false;
    for key in candidates {
        if let Err(e) = key.check(attempt.alg, attempt.enc, Op::Decrypt) {
            last_key_error = Some(e);
            continue;
        }
        // dir with AES-GCM: the key's own schedule, made once (no content key copied).
        if attempt.alg.family() == Family::Dir {
            if !attempt.encrypted_key.is_empty() {
                return Err(Error::malformed(
                    "the encrypted key must be empty with a direct algorithm",
                ));
            }
            if let Some(gcm) = key.gcm().filter(|g| g.enc() == attempt.enc) {
                tried = true;
                if gcm
                    .decrypt_in_place(attempt.iv, attempt.aad, buf, attempt.tag)
                    .is_ok()
                {
                    return Ok(());
                }
                continue;
            }
        }
        let input = UnwrapInput {
            header: attempt.header,
            encrypted_key: attempt.encrypted_key,
            tag: attempt.tag,
            sender,
            max_p2c: d.max_p2c,
        };
        let cek = keymgmt::unwrap(attempt.alg, attempt.enc, key, &input)?;
        tried = true;
        if content::decrypt_in_place(attempt.enc, &cek, attempt.iv, attempt.aad, buf, attempt.tag)
            .is_ok()
        {
            return Ok(());
        }
    }
    match (tried, last_key_error) {
        (false, Some(e)) => Err(e),
        _ => Err(decryption_failed()),
    }
}

/// Inflates when the header says `zip` (its value was checked with the header).
fn finish_plaintext(
    zipped: bool,
    plaintext: Zeroizing<Vec<u8>>,
    d: &Decryption,
) -> Result<Zeroizing<Vec<u8>>> {
    match (zipped, d.max_inflated_len) {
        (false, _) => Ok(plaintext),
        (true, Some(max)) => inflate(&plaintext, max),
        (true, None) => Err(Error::new(
            ErrorKind::UnknownHeader,
            "zip \"DEF\" is refused unless enabled (Decryption::allow_zip)",
        )),
    }
}

fn decrypt_compact(
    token: &str,
    keys: &impl DecryptionKeys,
    sender: Option<&dyn DecryptionKeys>,
    d: &Decryption,
) -> Result<Decrypted> {
    if token.len() > d.max_token_len {
        return Err(Error::malformed(format!(
            "token is {} bytes; the limit is {}",
            token.len(),
            d.max_token_len
        )));
    }
    let [h, ek, iv, ct, tag] = split_compact(token)?;
    // The header is read in one pass without building a map; key management that reads header
    // members (ECDH, AES-GCM key wrap, PBES2) gets the map too.
    let mut header_buf = [0u8; 512];
    let header_bytes = protected_bytes(h, &mut header_buf)?;
    let protected = ProtectedHeader {
        bytes: &header_bytes,
        view: HeaderView::parse(&header_bytes, d.max_depth, "protected header")?,
        max_depth: d.max_depth,
    };
    let (alg, enc) = d.check_header(&protected)?;
    let members = if matches!(alg.family(), Family::Dir | Family::AesKw) {
        Map::new()
    } else {
        crate::json::parse_object(&header_bytes, d.max_depth, "protected header")?
    };
    let encrypted_key = read_encrypted_key(ek)?;
    let (mut iv_buf, mut tag_buf) = ([0u8; MAX_IV_LEN], [0u8; MAX_TAG_LEN]);
    let iv = read_exact(iv, &mut iv_buf, enc.iv_len(), "IV", enc)?;
    let tag = read_exact(tag, &mut tag_buf, enc.tag_len(), "authentication tag", enc)?;
    // The ciphertext is decoded only for a header that passed, into the buffer that will
    // hold the plaintext (decrypted in place).
    let mut buf = Zeroizing::new(b64::decode(ct, "ciphertext segment")?);
    let attempt = Attempt {
        header: &members,
        kid: protected.view.get("kid"),
        skid: protected.view.get("skid"),
        alg,
        enc,
        encrypted_key: &encrypted_key,
        iv,
        aad: h.as_bytes(),
        tag,
    };
    try_keys_in_place(&attempt, &mut buf, &KeysRef(keys), sender, d)?;
    let plaintext = finish_plaintext(protected.view.get("zip").is_some(), buf, d)?;
    let header_json = std::str::from_utf8(&header_bytes)
        .map_err(|_| Error::malformed("the protected header is not UTF-8"))?
        .to_owned();
    let header = once_cell::sync::OnceCell::new();
    if !members.is_empty() {
        let _ = header.set(members);
    }
    Ok(Decrypted {
        header_json,
        header,
        alg,
        enc,
        plaintext,
        aad: None,
    })
}

/// Adapts a sized `impl DecryptionKeys` to `&dyn DecryptionKeys`.
struct KeysRef<'a, T: ?Sized>(&'a T);

impl<T: DecryptionKeys + ?Sized> DecryptionKeys for KeysRef<'_, T> {
    fn candidates(&self, kid: Option<&str>, alg: KeyAlgorithm) -> Vec<&Key> {
        self.0.candidates(kid, alg)
    }

    fn only(&self) -> Option<&Key> {
        self.0.only()
    }
}

/// The protected header of a compact JWE, decoded strictly but **not decrypted or checked**
/// (to pick a key by `kid`, or to show it).
///
/// A token that is not a compact JWE (a JWS of 3 segments, the JSON serialization, …) is
/// [`ErrorKind::Malformed`], as is a header without `enc`.
pub fn decode_header(token: &str) -> Result<Map<String, Value>> {
    let [h, ..] = split_compact(token)?;
    let header = read_protected(h, &Decryption::new(&[], &[]))?;
    if !header.get("enc").is_some_and(Value::is_string) {
        return Err(Error::malformed(
            "the header has no \"enc\": a JWS header, not a JWE one",
        ));
    }
    Ok(header)
}
