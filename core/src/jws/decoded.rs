//! The protected header of a verified token, kept as the JSON text that was signed, with the
//! members the checks read picked out once.

use std::borrow::Cow;
use std::fmt;

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::json::{self, HeaderView};

/// What the header checks read of a JOSE header: a parsed map (for [`explain`](crate::explain),
/// which shows it) or a [`HeaderView`] (for decode, which builds nothing).
pub(crate) trait HeaderLookup {
    /// The value of `name` when it is a string (`alg`, `kid`, `typ`, `cty`).
    fn string(&self, name: &str) -> Option<&str>;
    /// Whether the header has a member `name`, whatever its value.
    fn has(&self, name: &str) -> bool;
    /// `b64`: `None` when absent, whether it is `true` otherwise.
    fn b64(&self) -> Option<bool>;
}

impl HeaderLookup for Map<String, Value> {
    fn string(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_str)
    }
    fn has(&self, name: &str) -> bool {
        self.contains_key(name)
    }
    fn b64(&self) -> Option<bool> {
        self.get("b64").map(|v| *v == Value::Bool(true))
    }
}

impl HeaderLookup for HeaderView<'_> {
    fn string(&self, name: &str) -> Option<&str> {
        self.get(name)
    }
    fn has(&self, name: &str) -> bool {
        self.contains(name)
    }
    fn b64(&self) -> Option<bool> {
        HeaderView::b64(self)
    }
}

/// Where a string member sits in the header's JSON text: a range of it when the value has no
/// escapes (the common case: nothing is copied), or its unescaped text.
#[derive(Clone, PartialEq, Eq)]
enum Member {
    Absent,
    At(usize, usize),
    Unescaped(Box<str>),
}

impl Member {
    fn of(view: &HeaderView<'_>, name: &str, json: &str) -> Member {
        match view.get_cow(name) {
            None => Member::Absent,
            Some(Cow::Borrowed(s)) => {
                // The value is a slice of the header text: its offset, found from the two
                // addresses and checked against the text before use.
                let start = (s.as_ptr() as usize).wrapping_sub(json.as_ptr() as usize);
                match json.get(start..start.saturating_add(s.len())) {
                    Some(same) if same.as_ptr() == s.as_ptr() => Member::At(start, s.len()),
                    _ => Member::Unescaped((*s).into()),
                }
            }
            Some(Cow::Owned(s)) => Member::Unescaped(s.as_str().into()),
        }
    }

    fn get<'a>(&'a self, json: &'a str) -> Option<&'a str> {
        match self {
            Member::Absent => None,
            Member::At(start, len) => json.get(*start..start.saturating_add(*len)),
            Member::Unescaped(s) => Some(s),
        }
    }
}

/// The protected header of a verified token: its JSON text exactly as signed, and the members
/// the checks read (`kid`, `typ`, `cty`), without building a map. [`get`](Self::get) and
/// [`to_map`](Self::to_map) read any other member.
///
/// ```
/// use hxjwt::jws::{self, Algorithm, Header, Key, Validation};
/// let key = Key::from_secret(b"a secret of at least thirty-two bytes!!")?;
/// let mut h = Header::new(Algorithm::HS256);
/// h.kid = Some("2026-01".into());
/// h.extra.insert("x-tenant".into(), "acme".into());
/// let token = jws::encode_json(&h, r#"{"exp":4102444800}"#, &key)?;
/// let data = jws::decode_bytes(&token, &key, &Validation::new(&[Algorithm::HS256]))?;
/// assert_eq!(data.header.kid(), Some("2026-01"));
/// assert_eq!(data.header.typ(), Some("JWT"));
/// assert_eq!(data.header.get("x-tenant"), Some("acme".into()));
/// assert_eq!(data.header.json(), r#"{"alg":"HS256","kid":"2026-01","typ":"JWT","x-tenant":"acme"}"#);
/// # Ok::<(), hxjwt::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct DecodedHeader {
    json: Box<str>,
    kid: Member,
    typ: Member,
    cty: Member,
}

impl DecodedHeader {
    /// The header of these decoded bytes, which `view` was parsed from.
    pub(crate) fn new(bytes: &[u8], view: &HeaderView<'_>) -> Result<DecodedHeader> {
        let json =
            std::str::from_utf8(bytes).map_err(|_| Error::malformed("header is not UTF-8 text"))?;
        Ok(DecodedHeader {
            kid: Member::of(view, "kid", json),
            typ: Member::of(view, "typ", json),
            cty: Member::of(view, "cty", json),
            json: json.into(),
        })
    }

    /// The header's JSON text, exactly as signed.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// `kid`, if the header has one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.get(&self.json)
    }

    /// `typ`, if the header has one.
    pub fn typ(&self) -> Option<&str> {
        self.typ.get(&self.json)
    }

    /// `cty`, if the header has one.
    pub fn cty(&self) -> Option<&str> {
        self.cty.get(&self.json)
    }

    /// The value of any member, read from the JSON text (a parse per call: use
    /// [`to_map`](Self::to_map) to read several).
    pub fn get(&self, name: &str) -> Option<Value> {
        self.to_map().remove(name)
    }

    /// Whether the header has a member `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.to_map().contains_key(name)
    }

    /// Every member, as a JSON object.
    pub fn to_map(&self) -> Map<String, Value> {
        // The text was parsed strictly when the token was decoded (within serde_json's own
        // recursion limit, whatever the validation's depth): it parses again.
        json::parse_object(self.json.as_bytes(), usize::MAX, "header").unwrap_or_default()
    }
}

impl fmt::Debug for DecodedHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DecodedHeader").field(&self.json).finish()
    }
}

impl From<DecodedHeader> for Map<String, Value> {
    fn from(h: DecodedHeader) -> Self {
        h.to_map()
    }
}

impl PartialEq<Map<String, Value>> for DecodedHeader {
    fn eq(&self, other: &Map<String, Value>) -> bool {
        self.to_map() == *other
    }
}
