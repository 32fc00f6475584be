//! Conversions between Python values and what the core takes: JSON text, bytes, seconds.

use std::borrow::Cow;

use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyString};

static JSON_DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn json_fn<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyAny>>,
    name: &str,
) -> PyResult<Bound<'py, PyAny>> {
    cell.get_or_try_init(py, || {
        Ok::<_, PyErr>(py.import("json")?.getattr(name)?.unbind())
    })
    .map(|f| f.bind(py).clone())
}

/// `obj` as compact JSON text (`json.dumps` with `separators=(",", ":")`, no ASCII escaping,
/// NaN and infinities refused): raises `TypeError`/`ValueError` for what JSON cannot hold.
pub(crate) fn json_dumps(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    let py = obj.py();
    let kwargs = PyDict::new(py);
    kwargs.set_item("separators", (",", ":"))?;
    kwargs.set_item("ensure_ascii", false)?;
    kwargs.set_item("allow_nan", false)?;
    json_fn(py, &JSON_DUMPS, "dumps")?
        .call((obj,), Some(&kwargs))?
        .extract()
}

/// `json.loads(text)`.
pub(crate) fn json_loads<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    json_fn(py, &JSON_LOADS, "loads")?.call1((text,))
}

/// Compact JSON text (a `str`) parsed into Python objects: how JWKs and JWK Sets made by the core
/// become `dict`s.
pub(crate) fn json_object<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    json_loads(py, PyString::new(py, text).as_any())
}

/// The type name of `obj`, for error messages (`"int"`).
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "object".to_owned(), |n| n.to_string())
}

/// `repr(text)`, the way Python would show a `str`.
pub(crate) fn py_repr(py: Python<'_>, text: &str) -> String {
    PyString::new(py, text)
        .repr()
        .map_or_else(|_| format!("{text:?}"), |r| r.to_string())
}

/// A JWK or JWK Set given as a `str` (JSON text) or a `dict`, as JSON text.
pub(crate) fn json_text<'a>(obj: &'a Bound<'_, PyAny>, what: &str) -> PyResult<Cow<'a, str>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Cow::Borrowed(s.to_str()?));
    }
    if obj.is_instance_of::<PyDict>() {
        return json_dumps(obj).map(Cow::Owned);
    }
    Err(PyTypeError::new_err(format!(
        "{what} must be a str (JSON text) or a dict, not {}",
        type_name(obj)
    )))
}

/// A payload: `bytes` or `str` (borrowed, as UTF-8: both are immutable, so safe to read with the
/// GIL released), `bytearray` (copied), or a `dict` (sent as compact JSON).
pub(crate) fn payload_bytes<'a>(obj: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, [u8]>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Cow::Borrowed(b.as_bytes()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Cow::Borrowed(s.to_str()?.as_bytes()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        // A bytearray may change under us once the GIL is released: copy it now.
        return Ok(Cow::Owned(b.to_vec()));
    }
    if obj.is_instance_of::<PyDict>() {
        return json_dumps(obj).map(|s| Cow::Owned(s.into_bytes()));
    }
    Err(PyTypeError::new_err(format!(
        "payload must be bytes, str or dict, not {}",
        type_name(obj)
    )))
}

/// A token given as `str` or ASCII `bytes`.
pub(crate) fn token_text<'a>(obj: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, str>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Cow::Borrowed(s.to_str()?));
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        // Anything not UTF-8 cannot be a token; the core says why (a non-base64url character).
        return Ok(String::from_utf8_lossy(b.as_bytes()));
    }
    Err(PyTypeError::new_err(format!(
        "token must be a str or bytes, not {}",
        type_name(obj)
    )))
}

/// A number of seconds that must not be negative, as the core's `u64`.
pub(crate) fn seconds(value: i64, what: &str) -> PyResult<u64> {
    u64::try_from(value)
        .map_err(|_| PyValueError::new_err(format!("{what} must be >= 0 seconds, not {value}")))
}

/// Raw bytes of an exact length (key material, IVs).
pub(crate) fn exact<const N: usize>(bytes: &[u8], what: &str) -> PyResult<[u8; N]> {
    bytes.try_into().map_err(|_| {
        PyValueError::new_err(format!(
            "{what} must be {N} bytes long, not {}",
            bytes.len()
        ))
    })
}

/// An integer argument. Unlike a plain `i64` parameter, an integer out of range raises
/// `ValueError` (not `OverflowError`), so that every bad argument is a `TypeError` or a
/// `ValueError`.
#[derive(Clone, Copy)]
pub(crate) struct Int(pub(crate) i64);

impl<'py> FromPyObject<'_, 'py> for Int {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        obj.extract::<i64>().map(Int).map_err(|e| {
            if e.is_instance_of::<PyOverflowError>(obj.py()) {
                PyValueError::new_err(format!(
                    "{} is out of range: integers here are -2**63 to 2**63 - 1",
                    obj.repr()
                        .map_or_else(|_| "the integer".to_owned(), |r| r.to_string())
                ))
            } else {
                e
            }
        })
    }
}
