//! Strict JSON: duplicate member names are an error and nesting depth is bounded.
//!
//! `serde_json` keeps the last of two members with the same name; a JWT library must not, since
//! two parsers that disagree on which one counts are how signature checks get bypassed.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// The default limit on JSON nesting depth (objects and arrays) for untrusted input.
pub const DEFAULT_MAX_DEPTH: usize = 32;

/// Parses `bytes` as one JSON object, rejecting duplicate member names at every level and nesting
/// deeper than `max_depth`. `what` names the input in error messages.
pub fn parse_object(bytes: &[u8], max_depth: usize, what: &str) -> Result<Map<String, Value>> {
    match parse_value(bytes, max_depth, what)? {
        Value::Object(map) => Ok(map),
        _ => Err(Error::malformed(format!("{what} is not a JSON object"))),
    }
}

/// Parses `bytes` as one JSON value with the checks of [`parse_object`].
pub fn parse_value(bytes: &[u8], max_depth: usize, what: &str) -> Result<Value> {
    parse_limited(bytes, max_depth, usize::MAX, what)
}

/// [`parse_value`] that also fails as soon as an array has more than `max_items` elements,
/// before building the rest: a huge array costs the time to reach the limit, not its memory.
fn parse_limited(bytes: &[u8], max_depth: usize, max_items: usize, what: &str) -> Result<Value> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Strict {
        depth: max_depth,
        max_items,
    }
    .deserialize(&mut de)
    .and_then(|v| de.end().map(|()| v))
    .map_err(|e| Error::malformed(format!("{what} is not valid JSON: {}", describe(&e))))?;
    Ok(value)
}

/// `serde_json`'s message without the input echoed back (it never echoes much, but be sure).
fn describe(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if text.len() > 160 {
        format!("{} (line {}, column {})", classify(e), e.line(), e.column())
    } else {
        text
    }
}

fn classify(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data => "unexpected data",
        serde_json::error::Category::Eof => "unexpected end of input",
    }
}

#[derive(Clone, Copy)]
struct Strict {
    depth: usize,
    max_items: usize,
}

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let depth = self
            .depth
            .checked_sub(1)
            .ok_or_else(|| de::Error::custom("nesting too deep"))?;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Strict { depth, ..self })? {
            if out.len() == self.max_items {
                return Err(de::Error::custom(format_args!(
                    "an array has more than {} elements",
                    self.max_items
                )));
            }
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let depth = self
            .depth
            .checked_sub(1)
            .ok_or_else(|| de::Error::custom("nesting too deep"))?;
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "duplicate member {}",
                    crate::error::quote(&key)
                )));
            }
            let v = map.next_value_seed(Strict { depth, ..self })?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

/// Checks that `bytes` is one JSON object with the checks of [`parse_object`] (strict JSON, no
/// duplicate member at any level, depth at most `max_depth`) without building anything: for
/// text about to be signed.
pub(crate) fn check_object(bytes: &[u8], max_depth: usize, what: &str) -> Result<()> {
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        return parse_object(bytes, max_depth, what)
            .and_then(|_| Err(Error::malformed(format!("{what} is not a JSON object"))));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    Skip { depth: max_depth }
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| Error::malformed(format!("{what} is not valid JSON: {}", describe(&e))))
}

/// The registered claims of a JWT (`exp`, `nbf`, `iat`, `aud`, `iss`, `sub`, `jti`) and the
/// names of all its members, picked out of the claims' JSON text in one pass with the checks of
/// [`parse_object`] (strict JSON, no duplicate member at any level, bounded depth), without
/// building the other values: what the claim checks need when the caller wants the claims as
/// its own type, not as a map. Strings are borrowed from the text when they have no escapes: a
/// view of a typical token allocates nothing.
pub(crate) struct ClaimsView<'a> {
    seen: Seen<'a>,
    registered: [Option<ViewClaim<'a>>; REGISTERED.len()],
}

/// A registered claim as the view keeps it: only what the checks can use.
#[derive(Debug)]
enum ViewClaim<'a> {
    Null,
    Str(Cow<'a, str>),
    Number(serde_json::Number),
    /// An array whose elements are all strings (`aud`).
    Strings(Vec<Cow<'a, str>>),
    /// Anything else (a boolean, an object, an array holding a non-string).
    Other,
}

const REGISTERED: [&str; 7] = ["exp", "nbf", "iat", "aud", "iss", "sub", "jti"];

/// The position of `name` in [`REGISTERED`].
fn registered_index(name: &str) -> Option<usize> {
    match name {
        "exp" => Some(0),
        "nbf" => Some(1),
        "iat" => Some(2),
        "aud" => Some(3),
        "iss" => Some(4),
        "sub" => Some(5),
        "jti" => Some(6),
        _ => None,
    }
}
/// Up to this many members, duplicates are found by a scan of names kept inline (no
/// allocation); beyond it, a set.
const SCAN_LIMIT: usize = 16;

impl<'a> ClaimsView<'a> {
    pub(crate) fn parse(bytes: &'a [u8], max_depth: usize, what: &str) -> Result<Self> {
        if bytes.trim_ascii_start().first() != Some(&b'{') {
            // Not an object: the full parser says exactly what is wrong.
            return parse_object(bytes, max_depth, what)
                .and_then(|_| Err(Error::malformed(format!("{what} is not a JSON object"))));
        }
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let depth = max_depth
            .checked_sub(1)
            .ok_or_else(|| Error::malformed(format!("{what} is nested too deeply")))?;
        // Filled in place: the view is large (its names are kept inline), and moving it out of
        // serde's results would copy it each time.
        let mut view = ClaimsView {
            seen: Seen::new(),
            registered: Default::default(),
        };
        de::Deserializer::deserialize_map(
            &mut de,
            ViewVisitor {
                depth,
                out: &mut view,
            },
        )
        .and_then(|()| de.end())
        .map_err(|e| Error::malformed(format!("{what} is not valid JSON: {}", describe(&e))))?;
        Ok(view)
    }
}

impl crate::jws::validation::ClaimLookup for ClaimsView<'_> {
    fn claim(&self, name: &str) -> Option<Claim<'_>> {
        let i = registered_index(name)?;
        Some(match self.registered.get(i)?.as_ref()? {
            ViewClaim::Null => Claim::Null,
            ViewClaim::Str(s) => Claim::Str(s),
            ViewClaim::Number(n) => Claim::Number(n),
            ViewClaim::Strings(list) => Claim::Strings(StrList::Cows(list)),
            ViewClaim::Other => Claim::Other,
        })
    }
    fn contains(&self, name: &str) -> bool {
        self.seen.contains(name)
    }
}

/// A claim's value as the claim checks read it, borrowed from a parsed map or a
/// [`ClaimsView`].
#[derive(Clone, Copy, Debug)]
pub(crate) enum Claim<'a> {
    /// `null`.
    Null,
    /// A string.
    Str(&'a str),
    /// A number.
    Number(&'a serde_json::Number),
    /// An array of strings only.
    Strings(StrList<'a>),
    /// Anything else.
    Other,
}

impl<'a> Claim<'a> {
    /// The claim of a parsed JSON value.
    pub(crate) fn of(value: &'a Value) -> Claim<'a> {
        match value {
            Value::Null => Claim::Null,
            Value::String(s) => Claim::Str(s),
            Value::Number(n) => Claim::Number(n),
            Value::Array(items) if items.iter().all(Value::is_string) => {
                Claim::Strings(StrList::Values(items))
            }
            _ => Claim::Other,
        }
    }

    /// The string, if the claim is one.
    pub(crate) fn as_str(self) -> Option<&'a str> {
        match self {
            Claim::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// The strings of an array claim: JSON values known to be strings, or the view's strings.
#[derive(Clone, Copy, Debug)]
pub(crate) enum StrList<'a> {
    /// From a parsed map (every element is a string).
    Values(&'a [Value]),
    /// From a [`ClaimsView`].
    Cows(&'a [Cow<'a, str>]),
}

impl<'a> StrList<'a> {
    /// The strings, in order.
    pub(crate) fn iter(self) -> impl Iterator<Item = &'a str> {
        let (values, cows) = match self {
            StrList::Values(v) => (v, &[][..]),
            StrList::Cows(c) => (&[][..], c),
        };
        values
            .iter()
            .filter_map(Value::as_str)
            .chain(cows.iter().map(AsRef::as_ref))
    }
}

/// Member names seen in one object: kept inline and scanned while few, in a set beyond
/// [`SCAN_LIMIT`].
struct Seen<'a> {
    inline: [Cow<'a, str>; SCAN_LIMIT],
    len: usize,
    index: Option<HashSet<Cow<'a, str>>>,
}

impl<'a> Seen<'a> {
    fn new() -> Self {
        Seen {
            inline: Default::default(),
            len: 0,
            index: None,
        }
    }

    fn listed(&self) -> &[Cow<'a, str>] {
        self.inline.get(..self.len).unwrap_or_default()
    }

    /// Whether a member of this name was seen.
    fn contains(&self, name: &str) -> bool {
        match &self.index {
            Some(set) => set.contains(name),
            None => self.listed().iter().any(|m| m == name),
        }
    }

    /// Records `key`; an error if it was already there.
    fn insert<E: de::Error>(&mut self, key: Cow<'a, str>) -> Result<(), E> {
        if self.contains(&key) {
            return Err(E::custom(format_args!(
                "duplicate member {}",
                crate::error::quote(&key)
            )));
        }
        if let Some(set) = &mut self.index {
            set.insert(key);
        } else if let Some(slot) = self.inline.get_mut(self.len) {
            *slot = key;
            self.len += 1;
        } else {
            let mut set: HashSet<Cow<'a, str>> =
                self.inline.iter_mut().map(std::mem::take).collect();
            set.insert(key);
            self.len = 0;
            self.index = Some(set);
        }
        Ok(())
    }
}

/// A member name, borrowed from the input when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

struct ViewVisitor<'x, 'de> {
    depth: usize,
    out: &'x mut ClaimsView<'de>,
}

impl<'de> Visitor<'de> for ViewVisitor<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ClaimsView { seen, registered } = self.out;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let slot = registered_index(&key).and_then(|i| registered.get_mut(i));
            seen.insert(key)?;
            match slot {
                Some(slot) => {
                    *slot = Some(map.next_value_seed(ClaimSeed { depth: self.depth })?);
                }
                None => map.next_value_seed(Skip { depth: self.depth })?,
            }
        }
        Ok(())
    }
}

/// A registered claim's value: kept as a [`ViewClaim`], walked with the strict checks.
#[derive(Clone, Copy)]
struct ClaimSeed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for ClaimSeed {
    type Value = ViewClaim<'de>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ClaimSeed {
    type Value = ViewClaim<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(ViewClaim::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(ViewClaim::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(ViewClaim::Str(Cow::Owned(v)))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(ViewClaim::Other)
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(ViewClaim::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(ViewClaim::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        serde_json::Number::from_f64(v)
            .map(ViewClaim::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(ViewClaim::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(ViewClaim::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let depth = self
            .depth
            .checked_sub(1)
            .ok_or_else(|| de::Error::custom("nesting too deep"))?;
        let mut strings = Some(Vec::new());
        while let Some(item) = seq.next_element_seed(MaybeStr { depth })? {
            match (item, &mut strings) {
                (Some(s), Some(list)) => list.push(s),
                _ => strings = None,
            }
        }
        Ok(strings.map_or(ViewClaim::Other, ViewClaim::Strings))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Skip { depth: self.depth }
            .visit_map(map)
            .map(|()| ViewClaim::Other)
    }
}

/// The members of a JOSE header that hold strings and that the header checks read, in the
/// order of [`HeaderView::get`]'s slots.
pub(crate) const HEADER_STRINGS: [&str; 7] = ["alg", "enc", "zip", "kid", "typ", "cty", "skid"];

/// A JOSE header read in one pass with the checks of [`parse_object`] (strict JSON, no duplicate
/// member at any level, bounded depth), keeping only the string members of
/// [`HEADER_STRINGS`] (borrowed from the input when they have no escapes) and the names of all
/// members: what a JWE's header checks need, without building a map.
pub(crate) struct HeaderView<'a> {
    seen: Seen<'a>,
    strings: [Option<Cow<'a, str>>; HEADER_STRINGS.len()],
    /// `b64`: `None` when absent, `Some(true)` when it is `true`, `Some(false)` otherwise.
    b64: Option<bool>,
}

impl<'a> HeaderView<'a> {
    pub(crate) fn parse(bytes: &'a [u8], max_depth: usize, what: &str) -> Result<Self> {
        if bytes.trim_ascii_start().first() != Some(&b'{') {
            return parse_object(bytes, max_depth, what)
                .and_then(|_| Err(Error::malformed(format!("{what} is not a JSON object"))));
        }
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let depth = max_depth
            .checked_sub(1)
            .ok_or_else(|| Error::malformed(format!("{what} is nested too deeply")))?;
        let mut view = HeaderView {
            seen: Seen::new(),
            strings: Default::default(),
            b64: None,
        };
        de::Deserializer::deserialize_map(
            &mut de,
            HeaderVisitor {
                depth,
                out: &mut view,
            },
        )
        .and_then(|()| de.end())
        .map_err(|e| Error::malformed(format!("{what} is not valid JSON: {}", describe(&e))))?;
        Ok(view)
    }

    /// The string value of `name` (one of [`HEADER_STRINGS`]); `None` when absent, not a
    /// string, or not one of them.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        let i = HEADER_STRINGS.iter().position(|n| *n == name)?;
        self.strings.get(i)?.as_deref()
    }

    /// The string value of `name`, as borrowed from the input (`Cow::Borrowed`) or unescaped.
    pub(crate) fn get_cow(&self, name: &str) -> Option<&Cow<'a, str>> {
        let i = HEADER_STRINGS.iter().position(|n| *n == name)?;
        self.strings.get(i)?.as_ref()
    }

    /// Whether the header has a member of this name.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.seen.contains(name)
    }

    /// `b64`: `None` when absent, whether it is `true` otherwise.
    pub(crate) fn b64(&self) -> Option<bool> {
        self.b64
    }
}

struct HeaderVisitor<'x, 'de> {
    depth: usize,
    out: &'x mut HeaderView<'de>,
}

impl<'de> Visitor<'de> for HeaderVisitor<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let HeaderView { seen, strings, b64 } = self.out;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let slot = HEADER_STRINGS.iter().position(|n| *n == key);
            let is_b64 = key == "b64";
            seen.insert(key)?;
            match slot {
                Some(i) => {
                    // A member that is not a string stays `None`: `contains` tells it apart
                    // from an absent one.
                    let value = map.next_value_seed(MaybeStr { depth: self.depth })?;
                    if let Some(s) = strings.get_mut(i) {
                        *s = value;
                    }
                }
                None if is_b64 => {
                    let value = map.next_value_seed(Strict {
                        depth: self.depth,
                        max_items: usize::MAX,
                    })?;
                    *b64 = Some(value == Value::Bool(true));
                }
                None => map.next_value_seed(Skip { depth: self.depth })?,
            }
        }
        Ok(())
    }
}

/// A value that is kept when it is a string (borrowed when it has no escapes) and otherwise
/// walked with the strict checks and dropped (`None`).
#[derive(Clone, Copy)]
struct MaybeStr {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for MaybeStr {
    type Value = Option<Cow<'de, str>>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for MaybeStr {
    type Value = Option<Cow<'de, str>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v)))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Skip { depth: self.depth }.visit_f64(v).map(|()| None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Skip { depth: self.depth }.visit_seq(seq).map(|()| None)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Skip { depth: self.depth }.visit_map(map).map(|()| None)
    }
}

/// Walks a value with the strict checks (depth, duplicate names) and keeps nothing.
#[derive(Clone, Copy)]
struct Skip {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        if v.is_finite() {
            Ok(())
        } else {
            Err(E::custom("number out of range"))
        }
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let depth = self
            .depth
            .checked_sub(1)
            .ok_or_else(|| de::Error::custom("nesting too deep"))?;
        while seq.next_element_seed(Skip { depth })?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let depth = self
            .depth
            .checked_sub(1)
            .ok_or_else(|| de::Error::custom("nesting too deep"))?;
        let mut seen = Seen::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            seen.insert(key)?;
            map.next_value_seed(Skip { depth })?;
        }
        Ok(())
    }
}

/// Reads a JWK Set document (`{"keys":[…]}`, RFC 7517 §5) within limits: at most `max_bytes`
/// of text and `max_keys` keys, each a JSON object. Returns the key objects.
pub fn parse_jwk_set(
    text: &str,
    max_bytes: usize,
    max_keys: usize,
) -> Result<Vec<Map<String, Value>>> {
    if text.len() > max_bytes {
        return Err(Error::malformed(format!(
            "the JWK Set is {} bytes; the limit is {max_bytes}",
            text.len()
        )));
    }
    let Value::Object(mut set) = parse_limited(text.as_bytes(), 8, max_keys, "JWK Set")? else {
        return Err(Error::malformed("JWK Set is not a JSON object"));
    };
    let Some(Value::Array(keys)) = set.remove("keys") else {
        return Err(Error::malformed(
            "JWK Set: missing member \"keys\" (an array)",
        ));
    };
    if keys.len() > max_keys {
        return Err(Error::malformed(format!(
            "the JWK Set has {} keys; the limit is {max_keys}",
            keys.len()
        )));
    }
    keys.into_iter()
        .enumerate()
        .map(|(i, key)| match key {
            Value::Object(jwk) => Ok(jwk),
            _ => Err(Error::malformed(format!(
                "JWK Set: keys[{i}] is not an object"
            ))),
        })
        .collect()
}

/// Overwrites the private members of a parsed JWK (`d`, the RSA CRT numbers, an HMAC `k`) with
/// zeros, so that the parse leaves no copy of them behind.
pub fn wipe_private_members(jwk: &mut Map<String, Value>) {
    use zeroize::Zeroize as _;
    for name in ["d", "p", "q", "dp", "dq", "qi", "k"] {
        if let Some(Value::String(s)) = jwk.get_mut(name) {
            s.zeroize();
        }
    }
}

/// Whether `s` contains a control character (U+0000–U+001F, U+007F–U+009F).
pub(crate) fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_objects() {
        let m = parse_object(br#"{"a":1,"b":[true,null,"x"],"c":{"d":1.5}}"#, 4, "t").unwrap();
        assert_eq!(m.len(), 3);
    }

    #[test]
    fn rejects_duplicates_at_any_level() {
        assert!(parse_object(br#"{"a":1,"a":2}"#, 4, "t").is_err());
        let e = parse_object(br#"{"a":{"b":1,"b":1}}"#, 4, "t").unwrap_err();
        assert!(e.detail().contains("duplicate member \"b\""), "{e}");
    }

    #[test]
    fn bounds_depth() {
        let deep = format!("{}{}", "[".repeat(5), "]".repeat(5));
        assert!(parse_value(deep.as_bytes(), 5, "t").is_ok());
        assert!(parse_value(deep.as_bytes(), 4, "t").is_err());
        let very = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse_value(very.as_bytes(), 32, "t").is_err());
    }

    #[test]
    fn views_find_duplicates_and_members_beyond_the_inline_names() {
        use crate::jws::validation::ClaimLookup as _;
        // 20 members: the first 16 names are kept inline, the rest in a set.
        let members: Vec<String> = (0..20).map(|i| format!("\"m{i}\":{i}")).collect();
        let ok = format!("{{{},\"exp\":1}}", members.join(","));
        let view = ClaimsView::parse(ok.as_bytes(), 4, "claims").unwrap();
        assert!(view.contains("m0") && view.contains("m19") && view.contains("exp"));
        assert!(!view.contains("m20"));
        assert!(matches!(view.claim("exp"), Some(Claim::Number(_))));
        for dup in ["m3", "m17", "exp"] {
            let text = format!("{{{},\"exp\":1,\"{dup}\":2}}", members.join(","));
            let err = ClaimsView::parse(text.as_bytes(), 4, "claims")
                .err()
                .unwrap();
            assert!(err.detail().contains("duplicate member"), "{dup}: {err}");
            let err = HeaderView::parse(text.as_bytes(), 4, "header")
                .err()
                .unwrap();
            assert!(err.detail().contains("duplicate member"), "{dup}: {err}");
        }
        // A duplicate spelled with an escape is the same name.
        let err = HeaderView::parse(br#"{"alg":"HS256","\u0061lg":"none"}"#, 4, "header")
            .err()
            .unwrap();
        assert!(err.detail().contains("duplicate member"), "{err}");
        let header = HeaderView::parse(ok.as_bytes(), 4, "header").unwrap();
        assert!(header.contains("m18") && !header.contains("alg"));
    }

    #[test]
    fn rejects_trailing_data_and_non_objects() {
        assert!(parse_object(b"{} {}", 4, "t").is_err());
        assert!(parse_object(b"[]", 4, "t").is_err());
        assert!(parse_object(b"", 4, "t").is_err());
    }
}
