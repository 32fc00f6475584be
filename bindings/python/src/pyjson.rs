//! JSON ⇄ Python objects without a round trip through the `json` module, for the common shapes
//! of JWT claims; anything outside them falls back to `json.dumps`/`json.loads`, so the result
//! is always exactly what `PyJWT` produces.
//!
//! - [`loads`]: JSON text (usually checked by the core already: strict, no duplicate member,
//!   bounded depth) into `dict`/`list`/`str`/`int`/`bool`/`None`, in one pass. A number with a
//!   fraction or an exponent, an integer beyond 64 bits, a lone surrogate, or anything that is
//!   not JSON makes it give up (`None`): `json.loads` decides those with Python's own rules.
//! - [`dumps`]: a `dict` whose keys are exactly `str` and whose values are exactly `str`, `int`
//!   (64 bits), `bool`, `None`, `list`, `tuple` or such a `dict`, into the text of
//!   `json.dumps(obj, separators=(",", ":"))` (`ensure_ascii`: every character outside
//!   U+0020..U+007E escaped, lowercase hex, surrogate pairs). Anything else (floats, subclasses,
//!   big integers, other key types): `None`.

use std::borrow::Cow;
use std::fmt::Write as _;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyList, PyString, PyTuple};

/// The deepest nesting [`loads`] and [`dumps`] handle themselves (the core refuses deeper
/// claims anyway; anything deeper goes to the `json` module).
const MAX_DEPTH: usize = 32;

/// `json.loads(bytes)` for JSON text, or `None` to let `json.loads` do it: for anything outside
/// the shapes of the module doc, and for anything that is not JSON (`json.loads` then says why).
///
/// One pass over the text, building the objects as it goes (no intermediate tree). Member
/// names that JWTs use everywhere (`iss`, `exp`, ...) are interned strings shared by every
/// call: no allocation, and their hash is already known when they go into the dict.
pub(crate) fn loads<'py>(py: Python<'py>, bytes: &[u8]) -> Option<Bound<'py, PyAny>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut p = Parser { py, text, pos: 0 };
    let value = p.value(MAX_DEPTH)?;
    p.skip_ws();
    (p.pos == text.len()).then_some(value)
}

/// A reader of JSON text; every method returns `None` to give up.
struct Parser<'a, 'py> {
    py: Python<'py>,
    text: &'a str,
    pos: usize,
}

impl<'a, 'py> Parser<'a, 'py> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Consumes `byte`, which must come next (after whitespace).
    fn expect(&mut self, byte: u8) -> Option<()> {
        self.skip_ws();
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    fn value(&mut self, depth: usize) -> Option<Bound<'py, PyAny>> {
        self.skip_ws();
        let py = self.py;
        match self.peek()? {
            b'{' => self.object(depth.checked_sub(1)?),
            b'[' => self.array(depth.checked_sub(1)?),
            b'"' => {
                let s = self.string()?;
                Some(PyString::new(py, &s).into_any())
            }
            b't' => self
                .literal("true")
                .map(|()| PyBool::new(py, true).to_owned().into_any()),
            b'f' => self
                .literal("false")
                .map(|()| PyBool::new(py, false).to_owned().into_any()),
            b'n' => self.literal("null").map(|()| py.None().into_bound(py)),
            b'-' | b'0'..=b'9' => self.integer(),
            _ => None,
        }
    }

    fn literal(&mut self, word: &str) -> Option<()> {
        let rest = self.text.get(self.pos..)?;
        rest.starts_with(word).then(|| self.pos += word.len())
    }

    /// An integer that fits in 64 bits; a fraction, an exponent or a bigger integer gives up
    /// (Python's own rules for `float` and `int` decide those).
    fn integer(&mut self) -> Option<Bound<'py, PyAny>> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut end = start;
        if bytes.get(end) == Some(&b'-') {
            end += 1;
        }
        let digits = end;
        while bytes.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        // JSON: at least one digit, no leading zero; then neither a fraction nor an exponent.
        let n = end - digits;
        if n == 0
            || (n > 1 && bytes.get(digits) == Some(&b'0'))
            || matches!(bytes.get(end), Some(b'.' | b'e' | b'E'))
        {
            return None;
        }
        let value = self.text.get(start..end)?.parse::<i64>().ok()?;
        self.pos = end;
        Some(
            value
                .into_pyobject(self.py)
                .map_err(|e| match e {})
                .ok()?
                .into_any(),
        )
    }

    /// A string (the next byte is its opening quote): borrowed from the text when it has no
    /// escape. Control characters and lone surrogates give up (`json.loads` refuses the first
    /// and keeps the second, which a Rust `str` cannot hold).
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let text = self.text;
        let bytes = text.as_bytes();
        let start = self.pos + 1;
        let mut i = start + find(bytes.get(start..)?, Stop::Parse);
        match *bytes.get(i)? {
            b'"' => {
                self.pos = i + 1;
                return text.get(start..i).map(Cow::Borrowed);
            }
            b'\\' => {}
            _ => return None,
        }
        let mut out = String::from(text.get(start..i)?);
        loop {
            match *bytes.get(i)? {
                b'"' => {
                    self.pos = i + 1;
                    return Some(Cow::Owned(out));
                }
                b'\\' => {
                    let (c, len) = unescape(text.get(i..)?)?;
                    out.push(c);
                    i += len;
                }
                0..0x20 => return None,
                _ => {
                    // Up to the next quote or backslash (both ASCII: a char boundary).
                    let run = find(bytes.get(i..)?, Stop::Parse);
                    out.push_str(text.get(i..i + run)?);
                    i += run;
                }
            }
        }
    }

    fn object(&mut self, depth: usize) -> Option<Bound<'py, PyAny>> {
        self.pos += 1; // '{'
        let dict = PyDict::new(self.py);
        self.skip_ws();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(dict.into_any());
        }
        loop {
            self.skip_ws();
            if self.peek()? != b'"' {
                return None;
            }
            let name = self.string()?;
            let key = match known_name(self.py, name.as_bytes()) {
                Some(k) => k,
                None => PyString::new(self.py, &name),
            };
            self.expect(b':')?;
            let value = self.value(depth)?;
            dict.set_item(key, value).ok()?;
            self.skip_ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Some(dict.into_any());
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Bound<'py, PyAny>> {
        self.pos += 1; // '['
        let list = PyList::empty(self.py);
        self.skip_ws();
        if self.peek()? == b']' {
            self.pos += 1;
            return Some(list.into_any());
        }
        loop {
            list.append(self.value(depth)?).ok()?;
            self.skip_ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(list.into_any());
                }
                _ => return None,
            }
        }
    }
}

/// The escape at the start of `s` (a backslash, then one of JSON's escapes): the character and
/// the length of the escape in bytes. A `\u` surrogate pair is one character; a lone surrogate
/// gives up.
fn unescape(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    let c = match *b.get(1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let hi = hex4(s.get(2..6)?)?;
            if !(0xD800..0xE000).contains(&hi) {
                return Some((char::from_u32(hi)?, 6));
            }
            if hi >= 0xDC00 || s.get(6..8)? != "\\u" {
                return None;
            }
            let lo = hex4(s.get(8..12)?)?;
            if !(0xDC00..0xE000).contains(&lo) {
                return None;
            }
            let c = char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?;
            return Some((c, 12));
        }
        _ => return None,
    };
    Some((c, 2))
}

/// Four hex digits.
fn hex4(s: &str) -> Option<u32> {
    if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

/// The interned `str` of a member name that JWTs and JOSE headers use everywhere. (Byte
/// patterns, not byte strings: a decision tree on the bytes, no `memcmp` per candidate.)
fn known_name<'py>(py: Python<'py>, name: &[u8]) -> Option<Bound<'py, PyString>> {
    use pyo3::intern;
    let interned = match name {
        [b'i', b's', b's'] => intern!(py, "iss"),
        [b's', b'u', b'b'] => intern!(py, "sub"),
        [b'a', b'u', b'd'] => intern!(py, "aud"),
        [b'e', b'x', b'p'] => intern!(py, "exp"),
        [b'n', b'b', b'f'] => intern!(py, "nbf"),
        [b'i', b'a', b't'] => intern!(py, "iat"),
        [b'j', b't', b'i'] => intern!(py, "jti"),
        [b'n', b'a', b'm', b'e'] => intern!(py, "name"),
        [b'e', b'm', b'a', b'i', b'l'] => intern!(py, "email"),
        [b's', b'c', b'o', b'p', b'e'] => intern!(py, "scope"),
        [b'a', b'z', b'p'] => intern!(py, "azp"),
        [b's', b'i', b'd'] => intern!(py, "sid"),
        [b'n', b'o', b'n', b'c', b'e'] => intern!(py, "nonce"),
        [b'r', b'o', b'l', b'e', b's'] => intern!(py, "roles"),
        [b'c', b'l', b'i', b'e', b'n', b't', b'_', b'i', b'd'] => intern!(py, "client_id"),
        [b'a', b'u', b't', b'h', b'_', b't', b'i', b'm', b'e'] => intern!(py, "auth_time"),
        [b'a', b'l', b'g'] => intern!(py, "alg"),
        [b't', b'y', b'p'] => intern!(py, "typ"),
        [b'k', b'i', b'd'] => intern!(py, "kid"),
        [b'c', b't', b'y'] => intern!(py, "cty"),
        [b'e', b'n', b'c'] => intern!(py, "enc"),
        [b'c', b'r', b'i', b't'] => intern!(py, "crit"),
        _ => return None,
    };
    Some(interned.clone())
}

/// `json.dumps(obj, separators=(",", ":"))` for the shapes of the module doc, or `None`.
pub(crate) fn dumps(obj: &Bound<'_, PyAny>) -> Option<String> {
    let mut out = String::with_capacity(256);
    write_value(obj, &mut out, MAX_DEPTH).then_some(out)
}

/// [`dumps`] of a JWT's claims (a `dict`) whose `iss`, if any, is exactly a `str`: `PyJWT`'s
/// `encode` has nothing to convert or refuse in them. Otherwise `None` (a `datetime` in `exp`
/// among them): `encode` then takes its general path.
pub(crate) fn dumps_claims(claims: &Bound<'_, PyDict>) -> Option<String> {
    if !claims.is_exact_instance_of::<PyDict>() {
        return None;
    }
    let mut out = String::with_capacity(256);
    write_dict(claims, &mut out, MAX_DEPTH - 1, true).then_some(out)
}

/// A dict's members; with `claims`, an `iss` that is not exactly a `str` gives up.
fn write_dict(d: &Bound<'_, PyDict>, out: &mut String, depth: usize, claims: bool) -> bool {
    out.push('{');
    for (i, (k, v)) in d.iter().enumerate() {
        let Ok(k) = k.cast_exact::<PyString>() else {
            return false;
        };
        let Ok(k) = k.to_str() else {
            return false;
        };
        if claims && k == "iss" && !v.is_exact_instance_of::<PyString>() {
            return false;
        }
        if i > 0 {
            out.push(',');
        }
        write_str(k, out);
        out.push(':');
        if !write_value(&v, out, depth) {
            return false;
        }
    }
    out.push('}');
    true
}

fn write_value(obj: &Bound<'_, PyAny>, out: &mut String, depth: usize) -> bool {
    if let Ok(s) = obj.cast_exact::<PyString>() {
        return s.to_str().is_ok_and(|s| {
            write_str(s, out);
            true
        });
    }
    if obj.is_none() {
        out.push_str("null");
        return true;
    }
    if let Ok(b) = obj.cast_exact::<PyBool>() {
        out.push_str(if b.is_true() { "true" } else { "false" });
        return true;
    }
    if obj.cast_exact::<PyInt>().is_ok() {
        return obj.extract::<i64>().is_ok_and(|i| {
            write_int(i, out);
            true
        });
    }
    let Some(depth) = depth.checked_sub(1) else {
        return false;
    };
    if let Ok(d) = obj.cast_exact::<PyDict>() {
        return write_dict(d, out, depth, false);
    }
    let items = if let Ok(l) = obj.cast_exact::<PyList>() {
        l.iter().collect::<Vec<_>>()
    } else if let Ok(t) = obj.cast_exact::<PyTuple>() {
        t.iter().collect::<Vec<_>>()
    } else {
        return false;
    };
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if !write_value(item, out, depth) {
            return false;
        }
    }
    out.push(']');
    true
}

/// A JSON string as `json.dumps` writes it with `ensure_ascii=True`: runs of printable ASCII
/// are copied whole, the rest escaped one character at a time.
fn write_str(s: &str, out: &mut String) {
    out.push('"');
    let mut rest = s;
    loop {
        let i = find(rest.as_bytes(), Stop::Write);
        if i == rest.len() {
            break;
        }
        // Every byte before `i` is ASCII: `i` is a char boundary.
        let Some((plain, tail)) = rest.split_at_checked(i) else {
            break;
        };
        out.push_str(plain);
        let mut chars = tail.chars();
        let Some(c) = chars.next() else {
            break;
        };
        write_escaped(c, out);
        rest = chars.as_str();
    }
    out.push_str(rest);
    out.push('"');
}

/// Which bytes of a JSON string [`find`] stops at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// Reading JSON text: a quote, a backslash or a control character.
    Parse,
    /// Writing what `json.dumps` writes: also DEL and every non-ASCII byte.
    Write,
}

/// The index of the first byte of `bytes` that `stop` stops at (`bytes.len()` if none), eight
/// bytes at a time.
fn find(bytes: &[u8], stop: Stop) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte that is zero. A borrow only runs upwards from a zero byte, so
    // the lowest bit set is exact (all this function looks at).
    let zero = |x: u64| x.wrapping_sub(LO) & !x & HI;
    let stops = |x: u64| {
        let found = zero(x ^ (LO * u64::from(b'"')))
            | zero(x ^ (LO * u64::from(b'\\')))
            | (x.wrapping_sub(LO * 0x20) & !x & HI);
        match stop {
            Stop::Parse => found,
            Stop::Write => found | (x & HI) | zero(x ^ (LO * 0x7f)),
        }
    };
    let stops_at =
        |b: u8| b == b'"' || b == b'\\' || b < 0x20 || (stop == Stop::Write && b >= 0x7f);
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let word = chunk.try_into().map_or(0, u64::from_le_bytes);
        let found = stops(word);
        if found != 0 {
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| stops_at(b))
        .map_or(bytes.len(), |i| at + i)
}

/// One character that `json.dumps` escapes.
fn write_escaped(c: char, out: &mut String) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        _ => {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        }
    }
}

/// An integer in decimal, without the formatting machinery.
fn write_int(i: i64, out: &mut String) {
    let mut buf = [0u8; 20];
    let mut n = i.unsigned_abs();
    let mut at = buf.len();
    loop {
        at -= 1;
        if let Some(slot) = buf.get_mut(at) {
            let digit = (n % 10) as u8;
            *slot = b'0' + digit;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    if i < 0 {
        out.push('-');
    }
    for &b in buf.get(at..).unwrap_or_default() {
        out.push(char::from(b));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_stops_at_the_first_byte_of_its_kind() {
        let all: Vec<u8> = (0..=255u8).collect();
        for stop in [Stop::Parse, Stop::Write] {
            for (i, &b) in all.iter().enumerate() {
                let stops =
                    b == b'"' || b == b'\\' || b < 0x20 || (stop == Stop::Write && b >= 0x7f);
                // `b` at every offset of a run of plain bytes, and after other stop bytes.
                for at in 0..20 {
                    let mut text = vec![b'a'; 24];
                    if let Some(slot) = text.get_mut(at) {
                        *slot = b;
                    }
                    let want = if stops { at } else { text.len() };
                    assert_eq!(find(&text, stop), want, "byte {i} at {at}");
                    if let Some(slot) = text.get_mut(at + 1) {
                        *slot = b'"';
                    }
                    let want = if stops { at } else { at + 1 };
                    assert_eq!(find(&text, stop), want, "byte {i} at {at}, then a quote");
                }
            }
        }
        assert_eq!(find(b"", Stop::Parse), 0);
    }

    #[test]
    fn escapes_are_read_as_json_loads_reads_them() {
        assert_eq!(unescape(r"\n"), Some(('\n', 2)));
        assert_eq!(unescape(r"\/"), Some(('/', 2)));
        assert_eq!(unescape(r"\u00e9"), Some(('é', 6)));
        assert_eq!(unescape(r"\ud83d\ude00x"), Some(('😀', 12)));
        // Lone surrogates and bad escapes give up.
        assert_eq!(unescape(r"\ud83d"), None);
        assert_eq!(unescape(r"\ud83dx"), None);
        assert_eq!(unescape(r"\ude00"), None);
        assert_eq!(unescape(r"\ud83d\u0041"), None);
        assert_eq!(unescape(r"\u+041"), None);
        assert_eq!(unescape(r"\x"), None);
    }

    #[test]
    fn integers_are_written_in_decimal() {
        for i in [0, 7, -7, 10, 1_700_000_000, i64::MAX, i64::MIN] {
            let mut out = String::new();
            write_int(i, &mut out);
            assert_eq!(out, i.to_string());
        }
    }

    #[test]
    fn strings_are_escaped_as_json_dumps_does() {
        let mut out = String::new();
        write_str("a\"\\\n\r\t\u{8}\u{c}\u{1}\u{7f}é😀", &mut out);
        assert_eq!(out, r#""a\"\\\n\r\t\b\f\u0001\u007f\u00e9\ud83d\ude00""#);
    }
}
