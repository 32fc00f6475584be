//! Standard encrypted JWTs (JWE): the native half of `hxjwt.jwe`, a submodule of `_hxjwt`
//! (`hxjwt/jwe.py` re-exports it).
//!
//! Every decision is the core's (`hxjwt::jwe`): this file turns Python arguments into a core
//! [`Header`], [`Decryption`] and [`Key`]s, runs the core with the GIL released, and turns its
//! answer into a [`PyDecrypted`] and its errors into the exception classes of
//! [`errors::to_py_err`](crate::errors::to_py_err). Wrong Python types raise `TypeError`, unusable
//! values `ValueError`.

use std::borrow::Cow;

use hxjwt::jwe::{
    self, ContentAlgorithm, Decrypted, Decryption, Header, JsonRecipient, Key, KeyAlgorithm,
    KeyKind,
};
use hxjwt::jws::Curve;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};

use crate::convert::{Int, json_dumps, json_object, json_text, payload_bytes, py_repr, type_name};
use crate::errors::to_py_err;
use crate::jws::detached_result;
use crate::jws_errors::to_jws_err;

/// Runs a core call with the GIL released; its error becomes the kind's exception.
fn run<T: Send>(py: Python<'_>, f: impl Send + FnOnce() -> hxjwt::Result<T>) -> PyResult<T> {
    detached_result(py, f).map_err(|e| to_py_err(py, &e))
}

/// A count (bytes, iterations, bits) as `T`: an integer out of `T`'s range, negative ones
/// included, is a `ValueError` (not an `OverflowError`), a non-integer a `TypeError`.
#[derive(Clone, Copy)]
pub(crate) struct Count<T>(T);

impl<'py, T: TryFrom<i64>> FromPyObject<'_, 'py> for Count<T> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<pyo3::types::PyBool>() {
            return Err(PyTypeError::new_err("expected an integer, not bool"));
        }
        let Int(n) = obj.extract::<Int>()?;
        T::try_from(n)
            .map(Count)
            .map_err(|_| PyValueError::new_err(format!("{n} is out of range here")))
    }
}

/// A key for encrypting or decrypting JWE tokens (`hxjwt.jwe.Key`).
///
/// A symmetric secret (`dir`, `A*KW`, `A*GCMKW`, a PBES2 password), an RSA key (RSA-OAEP), an
/// EC key on P-256/P-384/P-521 or an X25519 key (ECDH-ES, ECDH-1PU). A JWK's `alg`, `use` and
/// `key_ops` are kept and enforced. `repr()` never shows private material.
#[pyclass(frozen, module = "hxjwt.jwe", name = "Key")]
pub(crate) struct PyJweKey {
    pub(crate) inner: Key,
}

fn wrap(inner: Key) -> PyJweKey {
    PyJweKey { inner }
}

fn with_kid(key: Key, kid: Option<String>) -> Key {
    match kid {
        Some(kid) => key.with_kid(kid),
        None => key,
    }
}

/// Bytes given as `bytes`, `bytearray` or `str` (UTF-8).
fn secret_bytes<'a>(obj: &'a Bound<'_, PyAny>, what: &str) -> PyResult<Cow<'a, [u8]>> {
    if obj.is_instance_of::<PyDict>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be bytes or str, not dict"
        )));
    }
    payload_bytes(obj).map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be bytes or str, not {}",
            type_name(obj)
        ))
    })
}

#[pymethods]
impl PyJweKey {
    /// A key from a JWK (a dict or JSON text), private or public: `kty` `oct`, `RSA`, `EC` or
    /// `OKP` (X25519). Raises `InvalidKeyError` for a JWK that is not a JWE key (`use` other
    /// than `"enc"`, a JWS `alg`, a point off its curve, ...).
    #[staticmethod]
    fn from_jwk(py: Python<'_>, jwk: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = json_text(jwk, "jwk")?;
        let text: &str = &text;
        run(py, || Key::from_jwk(text)).map(wrap)
    }

    /// A PEM key (RSA or EC; PKCS#8, SPKI, PKCS#1 or SEC1), as `str` or `bytes`.
    #[staticmethod]
    #[pyo3(signature = (pem, *, kid = None))]
    fn from_pem(py: Python<'_>, pem: &Bound<'_, PyAny>, kid: Option<String>) -> PyResult<Self> {
        let bytes = secret_bytes(pem, "pem")?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| PyValueError::new_err("pem is not UTF-8 text"))?;
        run(py, || Key::from_pem(text)).map(|k| wrap(with_kid(k, kid)))
    }

    /// A symmetric secret: the content key of `dir`, or the key-wrap key of `A*KW`/`A*GCMKW`
    /// (16, 24 or 32 bytes).
    #[staticmethod]
    #[pyo3(signature = (secret, *, kid = None))]
    fn from_secret(
        py: Python<'_>,
        secret: &Bound<'_, PyAny>,
        kid: Option<String>,
    ) -> PyResult<Self> {
        let bytes = secret_bytes(secret, "secret")?;
        run(py, || Key::from_secret(&*bytes)).map(|k| wrap(with_kid(k, kid)))
    }

    /// A PBES2 password (decrypting also needs the PBES2 algorithm named in `algorithms`).
    #[staticmethod]
    #[pyo3(signature = (password, *, kid = None))]
    fn from_password(
        py: Python<'_>,
        password: &Bound<'_, PyAny>,
        kid: Option<String>,
    ) -> PyResult<Self> {
        let bytes = secret_bytes(password, "password")?;
        run(py, || Key::from_password(&*bytes)).map(|k| wrap(with_kid(k, kid)))
    }

    /// A new X25519 key pair; its `kid` is its RFC 7638 thumbprint.
    #[staticmethod]
    fn generate_x25519(py: Python<'_>) -> PyResult<Self> {
        run(py, Key::generate_x25519).map(wrap)
    }

    /// A new EC key pair on `curve` (`"P-256"`, `"P-384"` or `"P-521"`); its `kid` is its
    /// thumbprint.
    #[staticmethod]
    #[pyo3(signature = (curve = "P-256"))]
    fn generate_ec(py: Python<'_>, curve: &str) -> PyResult<Self> {
        let curve = Curve::from_name(curve).ok_or_else(|| {
            PyValueError::new_err(format!(
                "curve must be \"P-256\", \"P-384\" or \"P-521\", not {curve:?}"
            ))
        })?;
        run(py, || Key::generate_ec(curve)).map(wrap)
    }

    /// A new RSA key of `bits` (2048, 3072, 4096 or 8192) for RSA-OAEP; its `kid` is its
    /// thumbprint.
    #[staticmethod]
    #[pyo3(signature = (bits = Count(2048)), text_signature = "(bits=2048)")]
    fn generate_rsa(py: Python<'_>, bits: Count<usize>) -> PyResult<Self> {
        run(py, || Key::generate_rsa(bits.0)).map(wrap)
    }

    /// A new random secret of `length` bytes (16, 24, 32, 48 or 64); its `kid` is its
    /// thumbprint.
    #[staticmethod]
    fn generate_secret(py: Python<'_>, length: Count<usize>) -> PyResult<Self> {
        run(py, || Key::generate_secret(length.0)).map(wrap)
    }

    /// The same key with `kid` set.
    fn with_kid(&self, kid: String) -> Self {
        wrap(self.inner.clone().with_kid(kid))
    }

    /// The public half (for a symmetric key, `InvalidKeyError`).
    fn to_public(&self, py: Python<'_>) -> PyResult<Self> {
        run(py, || self.inner.to_public()).map(wrap)
    }

    /// The public JWK as a dict (with `kid`, `use`, `alg` when set).
    fn to_public_jwk<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let jwk = run(py, || self.inner.to_public_jwk())?;
        json_object(py, &jwk.to_string())
    }

    /// The private JWK as a dict, **with the private or secret members**: store it like a
    /// password.
    fn to_private_jwk<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let jwk = run(py, || self.inner.to_private_jwk())?;
        json_object(py, &jwk)
    }

    /// The RFC 7638 thumbprint (base64url SHA-256).
    fn thumbprint(&self) -> String {
        self.inner.thumbprint()
    }

    /// The key id, or `None`.
    #[getter]
    fn kid(&self) -> Option<&str> {
        self.inner.kid()
    }

    /// `"oct"`, `"RSA"`, `"EC"` or `"OKP"` (the JWK `kty`).
    #[getter]
    fn kind(&self) -> &'static str {
        match self.inner.kind() {
            KeyKind::Symmetric => "oct",
            KeyKind::Rsa => "RSA",
            KeyKind::Ec(_) => "EC",
            KeyKind::X25519 => "OKP",
        }
    }

    /// `"P-256"`, `"P-384"`, `"P-521"` or `"X25519"`; `None` for RSA and symmetric keys.
    #[getter]
    fn curve(&self) -> Option<&'static str> {
        match self.inner.kind() {
            KeyKind::Ec(c) => Some(c.name()),
            KeyKind::X25519 => Some("X25519"),
            KeyKind::Symmetric | KeyKind::Rsa => None,
        }
    }

    /// The JWK `alg` the key is restricted to, or `None`.
    #[getter]
    fn algorithm(&self) -> Option<&'static str> {
        self.inner.algorithm().map(KeyAlgorithm::name)
    }

    /// Whether the key holds private (or secret) material.
    #[getter]
    fn is_private(&self) -> bool {
        self.inner.is_private()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let kid = self
            .inner
            .kid()
            .map_or_else(|| "None".to_owned(), |k| py_repr(py, k));
        let curve = self.curve().map(|c| format!(", curve={}", py_repr(py, c)));
        format!(
            "Key(kind={}{}, kid={kid}, private={})",
            py_repr(py, self.kind()),
            curve.unwrap_or_default(),
            if self.inner.is_private() {
                "True"
            } else {
                "False"
            }
        )
    }
}

/// The keys of a `key_or_keys` argument: one key (a `Key` or a JWK dict), used whatever the
/// token's `kid`, or several (a JWK Set dict `{"keys": [...]}`, a list or tuple of `Key`s and
/// JWK dicts), selected by the token's `kid`.
enum Keys {
    One(Key),
    Many(Vec<Key>),
}

impl jwe::DecryptionKeys for Keys {
    fn candidates(&self, kid: Option<&str>, alg: KeyAlgorithm) -> Vec<&Key> {
        match self {
            Keys::One(k) => k.candidates(kid, alg),
            Keys::Many(keys) => keys.candidates(kid, alg),
        }
    }

    fn only(&self) -> Option<&Key> {
        match self {
            Keys::One(k) => Some(k),
            Keys::Many(_) => None,
        }
    }
}

/// [`run`] with the GIL held when the work is cheap (the core's `Decryption::is_cheap`); a
/// panic is still caught.
fn run_sized<T: Send>(
    py: Python<'_>,
    cheap: bool,
    f: impl Send + FnOnce() -> hxjwt::Result<T>,
) -> PyResult<T> {
    if !cheap {
        return run(py, f);
    }
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| {
            Err(hxjwt::Error::new(
                hxjwt::ErrorKind::Internal,
                "internal error: a panic was caught in hxjwt",
            ))
        })
        .map_err(|e| to_py_err(py, &e))
}

fn keys_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Keys> {
    if let Ok(k) = obj.cast::<PyJweKey>() {
        return Ok(Keys::One(k.get().inner.clone()));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        if let Some(keys) = d.get_item("keys")? {
            if !(keys.is_instance_of::<PyList>() || keys.is_instance_of::<PyTuple>()) {
                return Err(PyTypeError::new_err(format!(
                    "{what}: the JWK Set's \"keys\" must be a list"
                )));
            }
            return keys_arg(py, &keys, what).map(|k| match k {
                Keys::One(k) => Keys::Many(vec![k]),
                many @ Keys::Many(_) => many,
            });
        }
        let text = json_dumps(obj)?;
        return run(py, || Key::from_jwk(&text)).map(Keys::One);
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut out = Vec::new();
        for item in obj.try_iter()? {
            let item = item?;
            if item.is_instance_of::<PyList>()
                || item.is_instance_of::<PyTuple>()
                || item
                    .cast::<PyDict>()
                    .is_ok_and(|d| d.contains("keys").unwrap_or(true))
            {
                return Err(PyTypeError::new_err(format!(
                    "{what}: a list of keys holds Keys and JWK dicts only"
                )));
            }
            match keys_arg(py, &item, what)? {
                Keys::One(k) => out.push(k),
                Keys::Many(ks) => out.extend(ks),
            }
        }
        if out.is_empty() {
            return Err(PyValueError::new_err(format!("{what} is an empty list")));
        }
        return Ok(Keys::Many(out));
    }
    Err(PyTypeError::new_err(format!(
        "{what} must be a hxjwt.jwe.Key, a JWK dict, a JWK Set dict or a list of keys, not {}",
        type_name(obj)
    )))
}

/// One key (for encrypting, or the sender of ECDH-1PU when encrypting).
fn one_key(py: Python<'_>, obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Key> {
    match keys_arg(py, obj, what)? {
        Keys::One(k) => Ok(k),
        Keys::Many(_) => Err(PyValueError::new_err(format!(
            "{what} must be one key, not a list or a JWK Set"
        ))),
    }
}

/// A name, or a list/tuple of names (a `str` is one name, never its characters).
fn names(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<String>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(vec![s.to_str()?.to_owned()]);
    }
    if obj.is_instance_of::<PyDict>() || obj.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a list of str, not {}",
            type_name(obj)
        )));
    }
    let iter = obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be a list of str, not {}",
            type_name(obj)
        ))
    })?;
    iter.map(|item| {
        let item = item?;
        item.extract::<String>().map_err(|_| {
            PyTypeError::new_err(format!(
                "{what} must contain only str, not {}",
                type_name(&item)
            ))
        })
    })
    .collect()
}

fn key_algorithm(py: Python<'_>, name: &str) -> PyResult<KeyAlgorithm> {
    KeyAlgorithm::parse(name).map_err(|e| to_py_err(py, &e))
}

fn content_algorithm(py: Python<'_>, name: &str) -> PyResult<ContentAlgorithm> {
    name.parse::<ContentAlgorithm>()
        .map_err(|e| to_py_err(py, &e))
}

/// `algorithms` and `encryptions`: the caller's allow-lists, every name one hxjwt implements
/// (`RSA1_5` and unknown names raise `InvalidAlgorithmError`).
fn allow_lists(
    py: Python<'_>,
    algorithms: &Bound<'_, PyAny>,
    encryptions: &Bound<'_, PyAny>,
) -> PyResult<(Vec<KeyAlgorithm>, Vec<ContentAlgorithm>)> {
    let algs = names(algorithms, "algorithms")?
        .iter()
        .map(|n| key_algorithm(py, n))
        .collect::<PyResult<Vec<_>>>()?;
    let encs = names(encryptions, "encryptions")?
        .iter()
        .map(|n| content_algorithm(py, n))
        .collect::<PyResult<Vec<_>>>()?;
    Ok((algs, encs))
}

/// The limits of `decrypt` and `decrypt_json`.
struct Limits {
    max_token_length: Option<usize>,
    max_p2c: Option<u32>,
    allow_zip: Option<usize>,
    critical: Vec<String>,
    typ: Option<String>,
}

impl Limits {
    fn decryption(
        self,
        py: Python<'_>,
        algorithms: &Bound<'_, PyAny>,
        encryptions: &Bound<'_, PyAny>,
    ) -> PyResult<Decryption> {
        let (algs, encs) = allow_lists(py, algorithms, encryptions)?;
        let mut d = Decryption::new(&algs, &encs).understand(&self.critical);
        if let Some(n) = self.max_token_length {
            d = d.max_token_len(n);
        }
        if let Some(n) = self.max_p2c {
            d = d.max_p2c(n);
        }
        if let Some(n) = self.allow_zip {
            d = d.allow_zip(n);
        }
        if let Some(t) = &self.typ {
            d = d.typ(t);
        }
        Ok(d)
    }
}

fn critical_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<String>> {
    match obj {
        None => Ok(Vec::new()),
        Some(o) if o.is_none() => Ok(Vec::new()),
        Some(o) => names(o, "critical"),
    }
}

/// Optional raw bytes (`apu`, `apv`, `aad`): `bytes`, `bytearray` or `str` (UTF-8).
fn opt_bytes(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<Vec<u8>>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => secret_bytes(o, what).map(|b| Some(b.into_owned())),
    }
}

/// The header members shared by `encrypt` and `encrypt_json`.
struct HeaderArgs<'a, 'py> {
    kid: Option<String>,
    typ: Option<String>,
    cty: Option<String>,
    headers: Option<&'a Bound<'py, PyAny>>,
    zip: bool,
    p2c: Option<u32>,
    apu: Option<&'a Bound<'py, PyAny>>,
    apv: Option<&'a Bound<'py, PyAny>>,
}

impl HeaderArgs<'_, '_> {
    fn header(&self, alg: KeyAlgorithm, enc: ContentAlgorithm) -> PyResult<Header> {
        let mut h = Header::new(alg, enc);
        h.kid.clone_from(&self.kid);
        h.typ.clone_from(&self.typ);
        h.cty.clone_from(&self.cty);
        h.zip = self.zip;
        h.p2c = self.p2c;
        h.apu = opt_bytes(self.apu, "apu")?;
        h.apv = opt_bytes(self.apv, "apv")?;
        if let Some(headers) = self.headers.filter(|o| !o.is_none()) {
            if !headers.is_instance_of::<PyDict>() {
                return Err(PyTypeError::new_err(format!(
                    "headers must be a dict, not {}",
                    type_name(headers)
                )));
            }
            let text = json_dumps(headers)?;
            h.extra = hxjwt::json::parse_object(text.as_bytes(), 32, "headers")
                .map_err(|e| PyValueError::new_err(format!("headers: {}", e.detail())))?;
        }
        Ok(h)
    }
}

/// Encrypts `plaintext` (bytes, str as UTF-8, or a dict as compact JSON) for `key` as a compact
/// JWE.
#[pyfunction]
#[pyo3(signature = (
    plaintext, key, *, alg, enc, kid = None, typ = None, cty = None, headers = None, zip = false,
    p2c = None, apu = None, apv = None, sender_key = None,
))]
#[expect(
    clippy::too_many_arguments,
    reason = "the header's members as keywords"
)]
pub(crate) fn encrypt(
    py: Python<'_>,
    plaintext: &Bound<'_, PyAny>,
    key: &Bound<'_, PyAny>,
    alg: &str,
    enc: &str,
    kid: Option<String>,
    typ: Option<String>,
    cty: Option<String>,
    headers: Option<&Bound<'_, PyAny>>,
    zip: bool,
    p2c: Option<Count<u32>>,
    apu: Option<&Bound<'_, PyAny>>,
    apv: Option<&Bound<'_, PyAny>>,
    sender_key: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let (alg, enc) = (key_algorithm(py, alg)?, content_algorithm(py, enc)?);
    let args = HeaderArgs {
        kid,
        typ,
        cty,
        headers,
        zip,
        p2c: p2c.map(|c| c.0),
        apu,
        apv,
    };
    let header = args.header(alg, enc)?;
    let key = one_key(py, key, "key")?;
    let sender = sender_key
        .filter(|s| !s.is_none())
        .map(|s| one_key(py, s, "sender_key"))
        .transpose()?;
    let plaintext = payload_bytes(plaintext)?;
    let plaintext: &[u8] = &plaintext;
    run(py, || match &sender {
        Some(s) => jwe::encrypt_1pu(&header, plaintext, &key, s),
        None => jwe::encrypt(&header, plaintext, &key),
    })
}

/// One `(key, alg)` or `(key, alg, kid)` of `encrypt_json`'s `recipients`.
fn recipient(py: Python<'_>, item: &Bound<'_, PyAny>) -> PyResult<JsonRecipient> {
    let bad = || {
        PyTypeError::new_err(format!(
            "each recipient must be a (key, alg) or (key, alg, kid) tuple, not {}",
            type_name(item)
        ))
    };
    let tuple = item.cast::<PyTuple>().map_err(|_| bad())?;
    let (key, alg, kid) = match tuple.len() {
        2 => (tuple.get_item(0)?, tuple.get_item(1)?, None),
        3 => (
            tuple.get_item(0)?,
            tuple.get_item(1)?,
            Some(tuple.get_item(2)?),
        ),
        _ => return Err(bad()),
    };
    let alg: String = alg.extract().map_err(|_| bad())?;
    let mut r = JsonRecipient::new(
        key_algorithm(py, &alg)?,
        &one_key(py, &key, "recipient key")?,
    );
    if let Some(kid) = kid.filter(|k| !k.is_none()) {
        r = r.kid(&kid.extract::<String>().map_err(|_| bad())?);
    }
    Ok(r)
}

/// Encrypts `plaintext` for every one of `recipients` (`(key, alg)` or `(key, alg, kid)`
/// tuples) in the JSON serialization: general, or flattened with one recipient and
/// `general=False`.
#[pyfunction]
#[pyo3(signature = (
    plaintext, recipients, *, enc, aad = None, general = true, sender_key = None, typ = None,
    cty = None, headers = None, zip = false, p2c = None, apu = None, apv = None,
))]
#[expect(
    clippy::too_many_arguments,
    reason = "the header's members as keywords"
)]
pub(crate) fn encrypt_json(
    py: Python<'_>,
    plaintext: &Bound<'_, PyAny>,
    recipients: &Bound<'_, PyAny>,
    enc: &str,
    aad: Option<&Bound<'_, PyAny>>,
    general: bool,
    sender_key: Option<&Bound<'_, PyAny>>,
    typ: Option<String>,
    cty: Option<String>,
    headers: Option<&Bound<'_, PyAny>>,
    zip: bool,
    p2c: Option<Count<u32>>,
    apu: Option<&Bound<'_, PyAny>>,
    apv: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let enc = content_algorithm(py, enc)?;
    if !(recipients.is_instance_of::<PyList>() || recipients.is_instance_of::<PyTuple>()) {
        return Err(PyTypeError::new_err(format!(
            "recipients must be a list of (key, alg) tuples, not {}",
            type_name(recipients)
        )));
    }
    let recipients = recipients
        .try_iter()?
        .map(|item| recipient(py, &item?))
        .collect::<PyResult<Vec<_>>>()?;
    let first = recipients.first().map_or(KeyAlgorithm::Dir, |r| r.alg);
    let args = HeaderArgs {
        kid: None,
        typ,
        cty,
        headers,
        zip,
        p2c: p2c.map(|c| c.0),
        apu,
        apv,
    };
    let header = args.header(first, enc)?;
    let aad = opt_bytes(aad, "aad")?;
    let sender = sender_key
        .filter(|s| !s.is_none())
        .map(|s| one_key(py, s, "sender_key"))
        .transpose()?;
    let plaintext = payload_bytes(plaintext)?;
    let plaintext: &[u8] = &plaintext;
    run(py, || match &sender {
        Some(s) => {
            jwe::encrypt_json_1pu(&header, &recipients, s, plaintext, aad.as_deref(), general)
        }
        None => jwe::encrypt_json(&header, &recipients, plaintext, aad.as_deref(), general),
    })
}

/// A decrypted token (`hxjwt.jwe.Decrypted`): its header, algorithms, plaintext and `aad`.
#[pyclass(frozen, module = "hxjwt.jwe", name = "Decrypted")]
pub(crate) struct PyDecrypted {
    /// The header's JSON text, made into a dict on each access.
    header: String,
    alg: KeyAlgorithm,
    enc: ContentAlgorithm,
    plaintext: Py<PyBytes>,
    aad: Option<Py<PyBytes>>,
}

impl PyDecrypted {
    fn new(py: Python<'_>, d: &Decrypted) -> Self {
        PyDecrypted {
            plaintext: PyBytes::new(py, &d.plaintext).unbind(),
            aad: d.aad.as_deref().map(|a| PyBytes::new(py, a).unbind()),
            header: d.header_json().to_owned(),
            alg: d.alg,
            enc: d.enc,
        }
    }
}

#[pymethods]
impl PyDecrypted {
    /// The JOSE header (for the JSON serialization, the union of the protected, shared and
    /// recipient headers), as a new dict.
    #[getter]
    fn header<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match crate::pyjson::loads(py, self.header.as_bytes()) {
            Some(v) => Ok(v),
            None => json_object(py, &self.header),
        }
    }

    /// The key management algorithm that decrypted it.
    #[getter]
    fn alg(&self) -> &'static str {
        self.alg.name()
    }

    /// The content encryption algorithm.
    #[getter]
    fn enc(&self) -> &'static str {
        self.enc.name()
    }

    /// The plaintext (inflated when `zip` was used).
    #[getter]
    fn plaintext<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        self.plaintext.bind(py).clone()
    }

    /// The JSON serialization's `aad` member, decoded, or `None`.
    #[getter]
    fn aad<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.aad.as_ref().map(|a| a.bind(py).clone())
    }

    /// The plaintext as text (UTF-8; `UnicodeDecodeError` otherwise).
    fn text<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyString>> {
        let bytes = self.plaintext.bind(py).as_bytes();
        let s = std::str::from_utf8(bytes)
            .map_err(|e| PyValueError::new_err(format!("the plaintext is not UTF-8: {e}")))?;
        Ok(PyString::new(py, s))
    }

    /// The plaintext parsed as JSON (`json.loads`).
    fn json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let bytes = self.plaintext.bind(py);
        match crate::pyjson::loads(py, bytes.as_bytes()) {
            Some(v) => Ok(v),
            None => crate::convert::json_loads(py, bytes.as_any()),
        }
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Decrypted(alg={}, enc={}, plaintext=<{} bytes>)",
            py_repr(py, self.alg.name()),
            py_repr(py, self.enc.name()),
            self.plaintext.bind(py).as_bytes().len()
        )
    }
}

/// A token given as `str` or `bytes`; a dict (JSON serialization) as JSON text when `json`.
fn token_arg<'a>(obj: &'a Bound<'_, PyAny>, json: bool) -> PyResult<Cow<'a, str>> {
    if json && obj.is_instance_of::<PyDict>() {
        return json_dumps(obj).map(Cow::Owned);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Cow::Borrowed(s.to_str()?));
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(String::from_utf8_lossy(b.as_bytes()));
    }
    Err(PyTypeError::new_err(format!(
        "token must be a str or bytes{}, not {}",
        if json { " (or a dict)" } else { "" },
        type_name(obj)
    )))
}

#[expect(clippy::too_many_arguments, reason = "the keywords of decrypt")]
fn decrypt_impl(
    py: Python<'_>,
    token: &Bound<'_, PyAny>,
    key_or_keys: &Bound<'_, PyAny>,
    algorithms: &Bound<'_, PyAny>,
    encryptions: &Bound<'_, PyAny>,
    limits: Limits,
    sender_key: Option<&Bound<'_, PyAny>>,
    json: bool,
) -> PyResult<PyDecrypted> {
    let token = token_arg(token, json)?;
    let token: &str = &token;
    let d = limits.decryption(py, algorithms, encryptions)?;
    let keys = keys_arg(py, key_or_keys, "key_or_keys")?;
    let sender = sender_key
        .filter(|s| !s.is_none())
        .map(|s| keys_arg(py, s, "sender_key"))
        .transpose()?;
    let cheap = sender.is_none() && d.is_cheap(token.len());
    let msg = run_sized(py, cheap, || match (&sender, json) {
        (None, false) => jwe::decrypt(token, &keys, &d),
        (Some(s), false) => jwe::decrypt_1pu(token, &keys, s, &d),
        (None, true) => jwe::decrypt_json(token, &keys, &d),
        (Some(s), true) => jwe::decrypt_json_1pu(token, &keys, s, &d),
    })?;
    Ok(PyDecrypted::new(py, &msg))
}

fn limits(
    max_token_length: Option<Count<usize>>,
    max_p2c: Option<Count<u32>>,
    allow_zip: Option<Count<usize>>,
    critical: Option<&Bound<'_, PyAny>>,
    typ: Option<String>,
) -> PyResult<Limits> {
    Ok(Limits {
        max_token_length: max_token_length.map(|c| c.0),
        max_p2c: max_p2c.map(|c| c.0),
        allow_zip: allow_zip.map(|c| c.0),
        critical: critical_arg(critical)?,
        typ,
    })
}

/// Decrypts a compact JWE with one of `key_or_keys` (a `Key`, a list of keys selected by
/// `kid`, a JWK or a JWK Set dict), accepting only the `alg`s of `algorithms` and the `enc`s of
/// `encryptions`.
#[pyfunction]
#[pyo3(signature = (
    token, key_or_keys, *, algorithms, encryptions, max_token_length = None, max_p2c = None,
    allow_zip = None, critical = None, typ = None, sender_key = None,
))]
#[expect(clippy::too_many_arguments, reason = "the keywords of decrypt")]
pub(crate) fn decrypt(
    py: Python<'_>,
    token: &Bound<'_, PyAny>,
    key_or_keys: &Bound<'_, PyAny>,
    algorithms: &Bound<'_, PyAny>,
    encryptions: &Bound<'_, PyAny>,
    max_token_length: Option<Count<usize>>,
    max_p2c: Option<Count<u32>>,
    allow_zip: Option<Count<usize>>,
    critical: Option<&Bound<'_, PyAny>>,
    typ: Option<String>,
    sender_key: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyDecrypted> {
    let l = limits(max_token_length, max_p2c, allow_zip, critical, typ)?;
    decrypt_impl(
        py,
        token,
        key_or_keys,
        algorithms,
        encryptions,
        l,
        sender_key,
        false,
    )
}

/// `decrypt` for the JSON serialization (general or flattened; `str`, `bytes` or a dict).
#[pyfunction]
#[pyo3(signature = (
    token, key_or_keys, *, algorithms, encryptions, max_token_length = None, max_p2c = None,
    allow_zip = None, critical = None, typ = None, sender_key = None,
))]
#[expect(clippy::too_many_arguments, reason = "the keywords of decrypt")]
pub(crate) fn decrypt_json(
    py: Python<'_>,
    token: &Bound<'_, PyAny>,
    key_or_keys: &Bound<'_, PyAny>,
    algorithms: &Bound<'_, PyAny>,
    encryptions: &Bound<'_, PyAny>,
    max_token_length: Option<Count<usize>>,
    max_p2c: Option<Count<u32>>,
    allow_zip: Option<Count<usize>>,
    critical: Option<&Bound<'_, PyAny>>,
    typ: Option<String>,
    sender_key: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyDecrypted> {
    let l = limits(max_token_length, max_p2c, allow_zip, critical, typ)?;
    decrypt_impl(
        py,
        token,
        key_or_keys,
        algorithms,
        encryptions,
        l,
        sender_key,
        true,
    )
}

/// The protected header of a compact JWE as a dict, decoded strictly but **not decrypted or
/// checked** (to pick a key by `kid`).
#[pyfunction]
pub(crate) fn get_unverified_header<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let token = token_arg(token, false)?;
    let header = jwe::decode_header(&token).map_err(|e| to_py_err(py, &e))?;
    json_object(py, &serde_json::Value::Object(header).to_string())
}

/// Signs `claims` with `signing_key` as `hxjwt.encode` does (`algorithm`, `headers`, `options`),
/// then encrypts the signed token for `encryption_key` with `cty: "JWT"`.
#[pyfunction]
#[pyo3(signature = (
    claims, signing_key, *, algorithm, encryption_key, alg, enc, headers = None, options = None,
    kid = None, typ = None, zip = false, p2c = None, apu = None, apv = None, sender_key = None,
))]
#[expect(clippy::too_many_arguments, reason = "encode's and encrypt's keywords")]
pub(crate) fn encrypt_nested(
    py: Python<'_>,
    claims: &Bound<'_, PyAny>,
    signing_key: &Bound<'_, PyAny>,
    algorithm: &str,
    encryption_key: &Bound<'_, PyAny>,
    alg: &str,
    enc: &str,
    headers: Option<&Bound<'_, PyAny>>,
    options: Option<&Bound<'_, PyAny>>,
    kid: Option<String>,
    typ: Option<String>,
    zip: bool,
    p2c: Option<Count<u32>>,
    apu: Option<&Bound<'_, PyAny>>,
    apv: Option<&Bound<'_, PyAny>>,
    sender_key: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let signed = crate::jws::encode(
        py,
        claims,
        signing_key,
        crate::jws::AlgorithmArg::Name(algorithm.to_owned()),
        headers,
        None,
        true,
        options,
    )?;
    let text = PyString::new(py, &signed);
    encrypt(
        py,
        text.as_any(),
        encryption_key,
        alg,
        enc,
        kid,
        typ,
        Some("JWT".to_owned()),
        None,
        zip,
        p2c,
        apu,
        apv,
        sender_key,
    )
}

/// Decrypts a nested JWT with `decryption_key` (accepting `key_algorithms` and `encryptions`),
/// then verifies the signed token inside with `verifying_key` as `hxjwt.decode` does
/// (`algorithms`, `audience`, `issuer`, `subject`, `leeway`, `options`, ...) and returns its
/// claims. The claims are never returned unless the signature and the claims pass.
#[pyfunction]
#[pyo3(signature = (
    token, decryption_key, verifying_key, *, algorithms, key_algorithms, encryptions,
    audience = None, issuer = None, subject = None, leeway = None, options = None, now = None,
    max_age = None, max_token_length = None, allow_zip = None, typ = None,
))]
#[expect(clippy::too_many_arguments, reason = "decode's and decrypt's keywords")]
pub(crate) fn decrypt_nested<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
    decryption_key: &Bound<'py, PyAny>,
    verifying_key: &Bound<'py, PyAny>,
    algorithms: &Bound<'py, PyAny>,
    key_algorithms: &Bound<'py, PyAny>,
    encryptions: &Bound<'py, PyAny>,
    audience: Option<&Bound<'py, PyAny>>,
    issuer: Option<&Bound<'py, PyAny>>,
    subject: Option<String>,
    leeway: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyAny>>,
    now: Option<&Bound<'py, PyAny>>,
    max_age: Option<&Bound<'py, PyAny>>,
    max_token_length: Option<Count<usize>>,
    allow_zip: Option<Count<usize>>,
    typ: Option<String>,
) -> PyResult<Bound<'py, PyAny>> {
    let token = token_arg(token, false)?;
    let token: &str = &token;
    let l = limits(max_token_length, None, allow_zip, None, typ)?;
    let d = l.decryption(py, key_algorithms, encryptions)?;
    let keys = keys_arg(py, decryption_key, "decryption_key")?;
    let (verifier, v) = crate::jws::nested_verification(
        verifying_key,
        algorithms,
        options,
        audience,
        issuer,
        subject,
        leeway,
        now,
        max_age,
    )?;
    // The claims exactly as signed (member order, numbers of any size), read as decode reads
    // them.
    let data = detached_result(py, || match &verifier {
        crate::jwk::Verifier::One(k) => jwe::decrypt_nested_bytes(token, &keys, &d, k, &v),
        crate::jwk::Verifier::Set(set) => jwe::decrypt_nested_bytes(token, &keys, &d, &**set, &v),
    })
    .map_err(|e| to_jws_err(py, &e))?;
    crate::jws::json_value(py, &data.claims)
}

/// Adds the submodule `jwe` to `_hxjwt` (re-exported as `hxjwt.jwe` by `hxjwt/jwe.py`).
pub(crate) fn register(parent: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = parent.py();
    let m = PyModule::new(py, "jwe")?;
    m.add_class::<PyJweKey>()?;
    m.add_class::<PyDecrypted>()?;
    m.add_function(wrap_pyfunction!(encrypt, &m)?)?;
    m.add_function(wrap_pyfunction!(encrypt_json, &m)?)?;
    m.add_function(wrap_pyfunction!(decrypt, &m)?)?;
    m.add_function(wrap_pyfunction!(decrypt_json, &m)?)?;
    m.add_function(wrap_pyfunction!(get_unverified_header, &m)?)?;
    m.add_function(wrap_pyfunction!(encrypt_nested, &m)?)?;
    m.add_function(wrap_pyfunction!(decrypt_nested, &m)?)?;
    m.add("DEFAULT_MAX_TOKEN_LENGTH", jwe::DEFAULT_MAX_TOKEN_LEN)?;
    m.add("DEFAULT_MAX_P2C", jwe::DEFAULT_MAX_P2C)?;
    m.add("DEFAULT_MAX_INFLATED_LENGTH", jwe::DEFAULT_MAX_INFLATED_LEN)?;
    parent.add_submodule(&m)
}
