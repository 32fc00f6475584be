//! JSON ⇄ Python objects without a round trip through the `json` module, for the common shapes
//! of JWT claims; anything outside them falls back to `json.dumps`/`json.loads`, so the result
//! is always exactly what `PyJWT` produces.
//!
//! - [`loads`]: JSON text the core has already checked (strict, no duplicate member, bounded
//!   depth) into `dict`/`list`/`str`/`int`/`bool`/`None`. A number with a fraction or an exponent,
//!   or an integer beyond 64 bits, makes it give up (`None`): `json.loads` turns those into
//!   `float`/`int` with Python's own rules.
//! - [`dumps`]: a `dict` whose keys are exactly `str` and whose values are exactly `str`, `int`
//!   (64 bits), `bool`, `None`, `list`, `tuple` or such a `dict`, into the text of
//!   `json.dumps(obj, separators=(",", ":"))` (`ensure_ascii`: every character outside
//!   U+0020..U+007E escaped, lowercase hex, surrogate pairs). Anything else (floats, subclasses,
//!   big integers, other key types): `None`.

use std::fmt::{self, Write as _};

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyList, PyString, PyTuple};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// The deepest nesting [`dumps`] writes itself (the core refuses deeper claims anyway).
const MAX_DEPTH: usize = 32;

/// `json.loads(bytes)` for JSON the core has checked, or `None` to let `json.loads` do it.
pub(crate) fn loads<'py>(py: Python<'py>, bytes: &[u8]) -> Option<Bound<'py, PyAny>> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Build { py }.deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(value)
}

#[derive(Clone, Copy)]
struct Build<'py> {
    py: Python<'py>,
}

impl<'de, 'py> DeserializeSeed<'de> for Build<'py> {
    type Value = Bound<'py, PyAny>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// Maps a Python error to a serde error (the caller then falls back to `json.loads`).
fn give_up<E: de::Error>(_: PyErr) -> E {
    E::custom("python")
}

impl<'de, 'py> Visitor<'de> for Build<'py> {
    type Value = Bound<'py, PyAny>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(PyBool::new(self.py, v).to_owned().into_any())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into_pyobject(self.py).map_err(|e| match e {})?.into_any())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into_pyobject(self.py).map_err(|e| match e {})?.into_any())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        // Python's float parsing (and its int for huge integers) decides: give up.
        Err(E::custom("float"))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(PyString::new(self.py, v).into_any())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.py.None().into_bound(self.py))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let list = PyList::empty(self.py);
        while let Some(item) = seq.next_element_seed(self)? {
            list.append(item).map_err(give_up)?;
        }
        Ok(list.into_any())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let dict = PyDict::new(self.py);
        while let Some(key) = map.next_key_seed(KeySeed { py: self.py })? {
            let value = map.next_value_seed(self)?;
            dict.set_item(key, value).map_err(give_up)?;
        }
        Ok(dict.into_any())
    }
}

/// A member name as a Python `str` (not interned: the lookup in the interning table costs more
/// than it saves for a dict that is built once).
struct KeySeed<'py> {
    py: Python<'py>,
}

impl<'de, 'py> DeserializeSeed<'de> for KeySeed<'py> {
    type Value = Bound<'py, PyString>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'py> Visitor<'_> for KeySeed<'py> {
    type Value = Bound<'py, PyString>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(PyString::new(self.py, v))
    }
}

/// `json.dumps(obj, separators=(",", ":"))` for the shapes of the module doc, or `None`.
pub(crate) fn dumps(obj: &Bound<'_, PyAny>) -> Option<String> {
    let mut out = String::with_capacity(128);
    write_value(obj, &mut out, MAX_DEPTH).then_some(out)
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
            let _ = write!(out, "{i}");
            true
        });
    }
    let Some(depth) = depth.checked_sub(1) else {
        return false;
    };
    if let Ok(d) = obj.cast_exact::<PyDict>() {
        out.push('{');
        for (i, (k, v)) in d.iter().enumerate() {
            let Ok(k) = k.cast_exact::<PyString>() else {
                return false;
            };
            let Ok(k) = k.to_str() else {
                return false;
            };
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
        return true;
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

/// A JSON string as `json.dumps` writes it with `ensure_ascii=True`.
fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_json_dumps_does() {
        let mut out = String::new();
        write_str("a\"\\\n\r\t\u{8}\u{c}\u{1}\u{7f}é😀", &mut out);
        assert_eq!(out, r#""a\"\\\n\r\t\b\f\u0001\u007f\u00e9\ud83d\ude00""#);
    }
}
