//! Keys for standard JWTs: `Key` (a core key, parsed once), `PyJWK` and `PyJWKSet` (`PyJWT`'s
//! names and behaviour), and [`resolve`], which turns whatever key a caller passes to `encode` or
//! `decode` into core keys.
//!
//! What a key argument may be, and what it becomes:
//!
//! | argument | key |
//! |---|---|
//! | `Key`, `PyJWK` | its core key (a `PyJWK` also binds the algorithm, as in `PyJWT`) |
//! | `PyJWKSet` | a core key set; the token's `kid` selects (hxjwt only) |
//! | `str`/`bytes` starting with `-----BEGIN` | a PEM key (PKCS#8, SPKI, PKCS#1, SEC1) |
//! | `str`/`bytes` starting with `{` and naming `"kty"` | a JWK (JSON text) |
//! | other `str`/`bytes` | an HMAC secret (UTF-8 for a `str`) |
//! | `dict` | a JWK |
//! | a `cryptography` key object | its PEM (PKCS#8 or SPKI) |
//!
//! A JWK's JSON text is never an HMAC secret: anyone who has a public JWK could forge tokens
//! with it if a verifier allowed HS256 (the algorithm-confusion attack, in its JWK form).
//! Parsed **public** keys are kept in a small cache keyed by their exact text, so that a
//! verifier passing the same PEM on every call parses it once; secrets and private keys are
//! never cached.

use std::sync::{Arc, Mutex, PoisonError};

use hxjwt::jws::{Algorithm, Key, KeySet, KeyType};
use pyo3::exceptions::{PyKeyError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString};

use crate::convert::{json_dumps, json_loads, json_object, py_repr, type_name};
use crate::errors::InvalidKeyError;
use crate::jws_errors::{PyJWKError, PyJWKSetError, to_jws_err};

/// The keys a token is verified (or signed) with.
pub(crate) enum Verifier {
    One(Key),
    Set(Arc<KeySet>),
}

/// A key argument turned into core keys.
pub(crate) struct Resolved {
    pub(crate) verifier: Verifier,
    /// The algorithm a `PyJWK` is bound to: the only one it verifies or signs.
    pub(crate) bound: Option<Algorithm>,
    /// The length of an HMAC secret, when known: to say how to accept a short one.
    pub(crate) secret_len: Option<usize>,
}

impl Resolved {
    fn one(key: Key, secret_len: Option<usize>) -> Self {
        Resolved {
            verifier: Verifier::One(key),
            bound: None,
            secret_len,
        }
    }
}

/// A key argument for one call, borrowed where it can be: an `hxjwt.Key` used as it is lends
/// its core key (no clone); anything else is [`resolve`]d.
pub(crate) enum KeyArg<'a> {
    Borrowed(&'a PyKey),
    Resolved(Resolved),
}

/// The core keys of a [`KeyArg`].
pub(crate) enum Keys<'a> {
    One(&'a Key),
    Set(&'a Arc<KeySet>),
}

impl KeyArg<'_> {
    pub(crate) fn keys(&self) -> Keys<'_> {
        match self {
            KeyArg::Borrowed(k) => Keys::One(&k.inner),
            KeyArg::Resolved(r) => match &r.verifier {
                Verifier::One(k) => Keys::One(k),
                Verifier::Set(set) => Keys::Set(set),
            },
        }
    }

    /// [`Resolved::bound`].
    pub(crate) fn bound(&self) -> Option<Algorithm> {
        match self {
            KeyArg::Borrowed(_) => None,
            KeyArg::Resolved(r) => r.bound,
        }
    }

    /// [`Resolved::secret_len`].
    pub(crate) fn secret_len(&self) -> Option<usize> {
        match self {
            KeyArg::Borrowed(k) => k.secret_len,
            KeyArg::Resolved(r) => r.secret_len,
        }
    }
}

/// [`resolve`], borrowing an `hxjwt.Key`'s core key when nothing changes it (`allow_short`
/// makes a modified copy).
pub(crate) fn resolve_arg<'a>(
    key: &'a Bound<'_, PyAny>,
    allow_short: bool,
) -> PyResult<KeyArg<'a>> {
    if !allow_short {
        if let Ok(k) = key.cast::<PyKey>() {
            return Ok(KeyArg::Borrowed(k.get()));
        }
    }
    resolve(key, allow_short).map(KeyArg::Resolved)
}

/// Runs a key parse with the GIL released (RSA key checks take a while) and maps its error.
fn parse_detached(
    py: Python<'_>,
    parse: impl Send + FnOnce() -> hxjwt::Result<Key>,
) -> PyResult<Key> {
    crate::jws::detached_result(py, parse).map_err(|e| to_jws_err(py, &e))
}

/// Parsed public keys by their exact PEM or JWK text, most recently added last.
static PUBLIC_KEYS: Mutex<Vec<(Box<str>, Key)>> = Mutex::new(Vec::new());
const PUBLIC_KEYS_KEPT: usize = 32;

/// `parse(text)`, or the key a previous call parsed from the same text if it was public.
fn cached_parse(
    py: Python<'_>,
    text: &str,
    parse: fn(&str) -> hxjwt::Result<Key>,
) -> PyResult<Key> {
    {
        let cache = PUBLIC_KEYS.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, key)) = cache.iter().find(|(t, _)| **t == *text) {
            return Ok(key.clone());
        }
    }
    let key = parse_detached(py, || parse(text))?;
    if !key.is_private() {
        let mut cache = PUBLIC_KEYS.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.len() >= PUBLIC_KEYS_KEPT {
            cache.remove(0);
        }
        cache.push((text.into(), key.clone()));
    }
    Ok(key)
}

/// Whether these bytes are a JWK's JSON text rather than a secret.
fn looks_like_jwk(bytes: &[u8]) -> bool {
    bytes.trim_ascii_start().starts_with(b"{") && bytes.windows(5).any(|w| w == b"\"kty\"")
}

/// What `Key.from_secret` says of bytes that are a public key: the calls to make instead.
const NOT_A_SECRET: &str = "this looks like a PEM or OpenSSH key, not an HMAC secret: load it \
     with hxjwt.Key.from_pem(text) (PEM) or hxjwt.Key.from_openssh(line) (an OpenSSH public key)";

/// A key given as text or bytes: PEM or an OpenSSH public key line, JWK JSON, or an HMAC secret.
fn key_from_bytes(py: Python<'_>, bytes: &[u8]) -> PyResult<Resolved> {
    let is_pem = Key::looks_like_public_key(bytes);
    if is_pem || looks_like_jwk(bytes) {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| InvalidKeyError::new_err("a PEM or JWK key must be UTF-8 text"))?;
        let parse = if is_pem { Key::from_pem } else { Key::from_jwk };
        return Ok(Resolved::one(cached_parse(py, text.trim(), parse)?, None));
    }
    let key = Key::from_secret(bytes).map_err(|e| to_jws_err(py, &e))?;
    Ok(Resolved::one(key, Some(bytes.len())))
}

/// The length of the secret of an `oct` JWK (from the length of its base64url `k`).
fn jwk_secret_len(jwk: &Bound<'_, PyAny>) -> Option<usize> {
    let k = jwk.get_item("k").ok()?;
    let k = k.cast::<PyString>().ok()?.to_str().ok()?.len();
    Some(k * 3 / 4)
}

static SERIALIZATION: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// The PEM of a `cryptography` key object (PKCS#8 for a private key, SPKI for a public one), or
/// `None` if `obj` is not one.
fn cryptography_pem(obj: &Bound<'_, PyAny>) -> PyResult<Option<Vec<u8>>> {
    let private = obj.hasattr("private_bytes")?;
    if !private && !obj.hasattr("public_bytes")? {
        return Ok(None);
    }
    let py = obj.py();
    let ser = SERIALIZATION
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(
                py.import("cryptography.hazmat.primitives.serialization")?
                    .unbind(),
            )
        })?
        .bind(py);
    let pem = ser.getattr("Encoding")?.getattr("PEM")?;
    let pem_bytes = if private {
        let format = ser.getattr("PrivateFormat")?.getattr("PKCS8")?;
        let none = ser.getattr("NoEncryption")?.call0()?;
        obj.call_method1("private_bytes", (pem, format, none))?
    } else {
        let format = ser
            .getattr("PublicFormat")?
            .getattr("SubjectPublicKeyInfo")?;
        obj.call_method1("public_bytes", (pem, format))?
    };
    Ok(Some(pem_bytes.extract::<Vec<u8>>()?))
}

/// Turns a key argument into core keys (see the module doc). `allow_short`: accept HMAC secrets
/// shorter than the hash (`options={"enforce_minimum_key_length": False}`).
pub(crate) fn resolve(key: &Bound<'_, PyAny>, allow_short: bool) -> PyResult<Resolved> {
    let py = key.py();
    let mut resolved = if let Ok(k) = key.cast::<PyKey>() {
        let k = k.get();
        Resolved::one(k.inner.clone(), k.secret_len)
    } else if let Ok(j) = key.cast::<PyJwk>() {
        let j = j.get();
        Resolved {
            verifier: Verifier::One(j.bound.clone()),
            bound: Some(j.algorithm),
            secret_len: j.secret_len,
        }
    } else if let Ok(s) = key.cast::<PyJwkSet>() {
        Resolved {
            verifier: Verifier::Set(Arc::clone(&s.get().set)),
            bound: None,
            secret_len: None,
        }
    } else if let Ok(s) = key.cast::<PyString>() {
        key_from_bytes(py, s.to_str()?.as_bytes())?
    } else if let Ok(b) = key.cast::<PyBytes>() {
        key_from_bytes(py, b.as_bytes())?
    } else if let Ok(b) = key.cast::<PyByteArray>() {
        key_from_bytes(py, &b.to_vec())?
    } else if key.is_instance_of::<PyDict>() {
        let text = json_dumps(key)?;
        let parsed = cached_parse(py, &text, Key::from_jwk)?;
        Resolved::one(parsed, jwk_secret_len(key))
    } else if let Some(pem) = cryptography_pem(key)? {
        key_from_bytes(py, &pem)?
    } else {
        return Err(PyTypeError::new_err(format!(
            "key must be a str or bytes (an HMAC secret, or a PEM key), a JWK dict, an \
             hxjwt.Key, PyJWK or PyJWKSet, or a cryptography key object, not {}",
            type_name(key)
        )));
    };
    if allow_short {
        resolved.verifier = match resolved.verifier {
            Verifier::One(k) => Verifier::One(k.allow_short_secret()),
            Verifier::Set(set) => Verifier::Set(Arc::new(
                set.keys()
                    .iter()
                    .map(|k| k.clone().allow_short_secret())
                    .collect(),
            )),
        };
    }
    Ok(resolved)
}

/// The JWK `kty` of a core key type.
fn kty(t: KeyType) -> &'static str {
    t.kty()
}

/// The JSON text of a JWK given as a dict or as JSON text.
fn jwk_text(jwk: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = jwk.cast::<PyString>() {
        return Ok(s.to_str()?.to_owned());
    }
    if jwk.is_instance_of::<PyDict>() {
        return json_dumps(jwk);
    }
    Err(PyTypeError::new_err(format!(
        "jwk must be a dict or JSON text, not {}",
        type_name(jwk)
    )))
}

/// A key for standard JWTs, parsed once: an HMAC secret, or an RSA, EC (P-256/384/521) or
/// Ed25519 key, private or public.
///
/// Passing a `Key` to `encode`/`decode` skips parsing the key on every call. A key serves only
/// the algorithms of its type (an RSA public key is never an HMAC secret). `repr()` never shows
/// key material; `to_private_jwk()` does, explicitly.
#[pyclass(frozen, module = "hxjwt", name = "Key")]
pub(crate) struct PyKey {
    pub(crate) inner: Key,
    secret_len: Option<usize>,
}

#[pymethods]
impl PyKey {
    /// A key from PEM text (`str` or `bytes`): PKCS#8 `PRIVATE KEY`, SPKI `PUBLIC KEY`, PKCS#1
    /// `RSA PRIVATE KEY`/`RSA PUBLIC KEY` or SEC1 `EC PRIVATE KEY` (P-256/384/521, secp256k1).
    /// RSA keys must have 2048 to 8192 bits. An OpenSSH public key line is taken too, as by
    /// `Key.from_openssh`. Raises `InvalidKeyError` otherwise.
    #[staticmethod]
    fn from_pem(py: Python<'_>, pem: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text: String = if let Ok(b) = pem.cast::<PyBytes>() {
            String::from_utf8(b.as_bytes().to_vec())
                .map_err(|_| InvalidKeyError::new_err("PEM text must be ASCII"))?
        } else {
            pem.extract()?
        };
        let text = text.as_str();
        let inner = parse_detached(py, || Key::from_pem(text))?;
        Ok(PyKey {
            inner,
            secret_len: None,
        })
    }

    /// A verification key from an OpenSSH public key line (`str` or `bytes`, as in
    /// `authorized_keys` or a `.pub` file): `ssh-ed25519` (`EdDSA`, `Ed25519`),
    /// `ecdsa-sha2-nistp256`/`384`/`521` (ES256/384/512) or `ssh-rsa` (RS*/PS*, 2048 to 8192
    /// bits), with an optional comment. It verifies, never signs, and is never an HMAC secret.
    /// Raises `InvalidKeyError` for anything else (DSA, certificates, `sk-` keys, options, a
    /// private key, a malformed line).
    #[staticmethod]
    fn from_openssh(py: Python<'_>, line: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text: String = if let Ok(b) = line.cast::<PyBytes>() {
            String::from_utf8(b.as_bytes().to_vec())
                .map_err(|_| InvalidKeyError::new_err("an OpenSSH key line must be ASCII"))?
        } else {
            line.extract()?
        };
        let text = text.as_str();
        let inner = parse_detached(py, || Key::from_openssh(text))?;
        Ok(PyKey {
            inner,
            secret_len: None,
        })
    }

    /// A key from a JWK (RFC 7517/7518/8037), private or public, as a dict or JSON text. Its
    /// `kid`, `alg`, `use` and `key_ops` are kept and enforced. Raises `InvalidKeyError`.
    #[staticmethod]
    fn from_jwk(py: Python<'_>, jwk: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = jwk_text(jwk)?;
        let text = text.as_str();
        let secret_len = if jwk.is_instance_of::<PyDict>() {
            jwk_secret_len(jwk)
        } else {
            None
        };
        let inner = parse_detached(py, || Key::from_jwk(text))?;
        Ok(PyKey { inner, secret_len })
    }

    /// An HMAC secret (`bytes`, or a `str` used as UTF-8). A secret shorter than the hash output
    /// (32 bytes for HS256) is refused when used, unless `allow_short=True`; PEM or SSH keys are
    /// refused (using a public key as an HMAC secret is the algorithm-confusion attack).
    #[staticmethod]
    #[pyo3(signature = (secret, *, allow_short = false))]
    fn from_secret(py: Python<'_>, secret: &Bound<'_, PyAny>, allow_short: bool) -> PyResult<Self> {
        let bytes: Vec<u8> = if let Ok(s) = secret.cast::<PyString>() {
            s.to_str()?.as_bytes().to_vec()
        } else if let Ok(b) = secret.cast::<PyBytes>() {
            b.as_bytes().to_vec()
        } else {
            return Err(PyTypeError::new_err(format!(
                "secret must be bytes or str, not {}",
                type_name(secret)
            )));
        };
        if Key::looks_like_public_key(&bytes) {
            return Err(InvalidKeyError::new_err(NOT_A_SECRET));
        }
        let key = Key::from_secret(&bytes).map_err(|e| to_jws_err(py, &e))?;
        Ok(PyKey {
            inner: if allow_short {
                key.allow_short_secret()
            } else {
                key
            },
            secret_len: Some(bytes.len()),
        })
    }

    /// A new key for `algorithm` (`"HS256"` ... `"ES256K"`, `"EdDSA"`, `"Ed25519"`) from the
    /// OS's CSPRNG: a hash-sized HMAC secret, a 2048-bit RSA key, a key on the algorithm's curve,
    /// or an Ed25519 key. The key is bound to `algorithm` and its `kid` is its RFC 7638
    /// thumbprint.
    #[staticmethod]
    fn generate(py: Python<'_>, algorithm: &str) -> PyResult<Self> {
        let alg = crate::jws::algorithm_named(algorithm)?;
        let inner = parse_detached(py, || Key::generate(alg))?;
        Ok(PyKey {
            inner,
            secret_len: (alg.key_type() == KeyType::Hmac).then(|| alg.min_secret_len()),
        })
    }

    /// The public half, for verifiers. `InvalidKeyError` for an HMAC secret (it has none).
    fn to_public(&self, py: Python<'_>) -> PyResult<Self> {
        let inner = self.inner.to_public().map_err(|e| to_jws_err(py, &e))?;
        Ok(PyKey {
            inner,
            secret_len: None,
        })
    }

    /// The public JWK as a dict (no private members). `InvalidKeyError` for an HMAC secret.
    fn to_public_jwk<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let jwk = self.inner.to_public_jwk().map_err(|e| to_jws_err(py, &e))?;
        json_object(py, &jwk.to_string())
    }

    /// The full JWK as a dict, **including the private members** (`d`, the RSA CRT numbers, or
    /// the HMAC secret `k`): store it like a password.
    fn to_private_jwk<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_object(py, &self.inner.to_private_jwk())
    }

    /// The RFC 7638 thumbprint (SHA-256, base64url). For an HMAC secret it is computed over the
    /// secret: treat it as sensitive.
    fn thumbprint(&self) -> String {
        self.inner.thumbprint()
    }

    /// The key id (`kid`), or `None`.
    #[getter]
    fn kid(&self) -> Option<&str> {
        self.inner.kid()
    }

    /// The one algorithm this key is bound to (the JWK `alg`), or `None`.
    #[getter]
    fn algorithm(&self) -> Option<&'static str> {
        self.inner.algorithm().map(Algorithm::name)
    }

    /// The algorithms this key can be used with.
    #[getter]
    fn algorithms(&self) -> Vec<&'static str> {
        self.inner
            .algorithms()
            .into_iter()
            .map(Algorithm::name)
            .collect()
    }

    /// The JWK `kty`: `"oct"`, `"RSA"`, `"EC"` or `"OKP"`.
    #[getter]
    fn key_type(&self) -> &'static str {
        kty(self.inner.key_type())
    }

    /// Whether the key can sign (an HMAC secret, or a private key).
    #[getter]
    fn is_private(&self) -> bool {
        self.inner.is_private()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Key(key_type={}, kid={}, algorithm={}, is_private={})",
            py_repr(py, self.key_type()),
            self.inner
                .kid()
                .map_or_else(|| "None".to_owned(), |k| py_repr(py, k)),
            self.algorithm()
                .map_or_else(|| "None".to_owned(), |a| py_repr(py, a)),
            if self.inner.is_private() {
                "True"
            } else {
                "False"
            },
        )
    }
}

/// The algorithm `PyJWT` picks for a JWK without `alg`: by `kty` and `crv`.
fn default_algorithm(kty: &str, crv: Option<&str>) -> PyResult<&'static str> {
    Ok(match (kty, crv) {
        ("EC", Some("P-256") | None) => "ES256",
        ("EC", Some("P-384")) => "ES384",
        ("EC", Some("P-521")) => "ES512",
        ("EC", Some("secp256k1")) => "ES256K",
        ("RSA", _) => "RS256",
        ("oct", _) => "HS256",
        ("OKP", Some("Ed25519")) => "EdDSA",
        ("OKP", None) => return Err(InvalidKeyError::new_err("crv is not found in the JWK")),
        ("EC" | "OKP", Some(crv)) => {
            return Err(InvalidKeyError::new_err(format!("Unsupported crv: {crv}")));
        }
        (kty, _) => return Err(InvalidKeyError::new_err(format!("Unsupported kty: {kty}"))),
    })
}

/// A string member of a JWK dict, `None` when absent, null or not a string.
fn str_member(jwk: &Bound<'_, PyDict>, name: &str) -> PyResult<Option<String>> {
    Ok(jwk.get_item(name)?.and_then(|v| {
        v.cast::<PyString>()
            .ok()
            .and_then(|s| s.to_str().ok().map(str::to_owned))
    }))
}

/// `PyJWT`'s `PyJWK`: a JWK with the one algorithm it is used with.
///
/// `PyJWK(jwk_data, algorithm=None)`: the algorithm is `algorithm`, else the JWK's `alg`, else
/// the one `PyJWT` infers from `kty`/`crv` (RSA → RS256, EC → ES256/384/512, oct → HS256,
/// Ed25519 → `EdDSA`). Raises `InvalidKeyError` for a JWK without `kty`, of an unsupported type
/// or curve, or malformed; `PyJWKError` for an algorithm hxjwt does not implement. As a key to
/// `decode`, it verifies only tokens of its algorithm (and `algorithms` defaults to it).
#[pyclass(frozen, module = "hxjwt", name = "PyJWK")]
pub(crate) struct PyJwk {
    bound: Key,
    unbound: Key,
    algorithm: Algorithm,
    kty: String,
    kid: Option<String>,
    usage: Option<String>,
    secret_len: Option<usize>,
}

#[pymethods]
impl PyJwk {
    #[new]
    #[pyo3(signature = (jwk_data, algorithm = None))]
    fn new(py: Python<'_>, jwk_data: &Bound<'_, PyAny>, algorithm: Option<&str>) -> PyResult<Self> {
        let jwk = jwk_data.cast::<PyDict>().map_err(|_| {
            PyTypeError::new_err(format!(
                "jwk_data must be a dict, not {}",
                type_name(jwk_data)
            ))
        })?;
        let kty = str_member(jwk, "kty")?
            .filter(|k| !k.is_empty())
            .ok_or_else(|| InvalidKeyError::new_err("kty is not found in the JWK"))?;
        let name = match algorithm.filter(|a| !a.is_empty()) {
            Some(a) => a.to_owned(),
            None => match str_member(jwk, "alg")?.filter(|a| !a.is_empty()) {
                Some(a) => a,
                None => default_algorithm(&kty, str_member(jwk, "crv")?.as_deref())?.to_owned(),
            },
        };
        let alg = Algorithm::from_name(&name).ok_or_else(|| {
            PyJWKError::new_err(format!(
                "Unable to find an algorithm for key: hxjwt does not implement {}",
                py_repr(py, &name)
            ))
        })?;
        let text = json_dumps(jwk.as_any())?;
        let text = text.as_str();
        let unbound = parse_detached(py, || Key::from_jwk(text)).map_err(|e| {
            InvalidKeyError::new_err(format!("Unable to construct key from JWK: {e}"))
        })?;
        let bound = unbound
            .clone()
            .with_algorithm(alg)
            .map_err(|e| to_jws_err(py, &e))?;
        Ok(PyJwk {
            bound,
            unbound,
            algorithm: alg,
            kty,
            kid: str_member(jwk, "kid")?,
            usage: str_member(jwk, "use")?,
            secret_len: jwk_secret_len(jwk.as_any()),
        })
    }

    /// `PyJWK(obj, algorithm)`.
    #[staticmethod]
    #[pyo3(signature = (obj, algorithm = None))]
    fn from_dict(
        py: Python<'_>,
        obj: &Bound<'_, PyAny>,
        algorithm: Option<&str>,
    ) -> PyResult<Self> {
        PyJwk::new(py, obj, algorithm)
    }

    /// `PyJWK(json.loads(data), algorithm)`.
    #[staticmethod]
    #[pyo3(signature = (data, algorithm = None))]
    fn from_json(
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        algorithm: Option<&str>,
    ) -> PyResult<Self> {
        let obj = json_loads(py, data)?;
        PyJwk::new(py, &obj, algorithm)
    }

    /// The JWK's `kty`.
    #[getter]
    fn key_type(&self) -> &str {
        &self.kty
    }

    /// The JWK's `kid`, or `None`.
    #[getter]
    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The JWK's `use`, or `None`.
    #[getter]
    fn public_key_use(&self) -> Option<&str> {
        self.usage.as_deref()
    }

    /// The algorithm this key is used with (`"RS256"`, ...).
    #[getter]
    fn algorithm_name(&self) -> &'static str {
        self.algorithm.name()
    }

    /// The key as an `hxjwt.Key`, not bound to `algorithm_name` (as `PyJWT`'s `.key`, a
    /// `cryptography` object, is not): what `decode(token, jwk.key, algorithms=[...])` takes.
    #[getter]
    fn key(&self) -> PyKey {
        PyKey {
            inner: self.unbound.clone(),
            secret_len: self.secret_len,
        }
    }

    /// `PyJWT`'s `Algorithm` object of this key's algorithm (`hxjwt.algorithms`): its
    /// `sign`/`verify` run in the core, as every signature does.
    #[getter]
    #[pyo3(name = "Algorithm")]
    fn algorithm_object<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py.import("hxjwt.algorithms")?
            .getattr("get_default_algorithms")?
            .call0()?
            .get_item(self.algorithm.name())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "PyJWK(key_type={}, key_id={}, algorithm_name={})",
            py_repr(py, &self.kty),
            self.kid
                .as_deref()
                .map_or_else(|| "None".to_owned(), |k| py_repr(py, k)),
            py_repr(py, self.algorithm.name()),
        )
    }
}

static SKIPPED_KEY_WARNING: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Warns (`hxjwt.warnings.SkippedKeyWarning`, a `UserWarning`) that `PyJWKSet` left
/// `keys[index]` out, and why: no key is dropped silently.
fn warn_skipped(py: Python<'_>, index: usize, kid: Option<&str>, why: &str) -> PyResult<()> {
    let category = SKIPPED_KEY_WARNING
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(
                py.import("hxjwt.warnings")?
                    .getattr("SkippedKeyWarning")?
                    .unbind(),
            )
        })?
        .bind(py);
    let kid = kid.map_or_else(String::new, |k| format!(" (kid {})", py_repr(py, k)));
    let message = format!("PyJWKSet skipped keys[{index}]{kid}: {why}").replace('\0', "\\0");
    let message = std::ffi::CString::new(message)
        .map_err(|_| PyTypeError::new_err("a warning message with a NUL byte"))?;
    PyErr::warn(py, category, &message, 1)
}

/// `PyJWT`'s `PyJWKSet`: the usable keys of a JWK Set.
///
/// `PyJWKSet(keys)` takes the list of JWK dicts; `PyJWKSet.from_dict({"keys": [...]})` and
/// `PyJWKSet.from_json(text)` take the whole set. Members that are not dicts, or that `PyJWK`
/// refuses, are skipped, each with a `hxjwt.warnings.SkippedKeyWarning` (a `UserWarning`)
/// naming its index, `kid` and the reason;
/// `PyJWKSetError` if the list is empty, not a list, or has no usable key, if two different keys
/// share a `kid`, or if HMAC secrets sit beside asymmetric keys without `allow_mixed=True`.
/// `jwks["kid"]` is the key with that `kid` (`KeyError` if none). hxjwt also takes a `PyJWKSet`
/// as the key of `decode`: the token's `kid` selects the key.
#[pyclass(frozen, module = "hxjwt", name = "PyJWKSet")]
pub(crate) struct PyJwkSet {
    keys: Py<PyList>,
    set: Arc<KeySet>,
}

#[pymethods]
impl PyJwkSet {
    #[new]
    #[pyo3(signature = (keys, *, allow_mixed = false))]
    fn new(py: Python<'_>, keys: &Bound<'_, PyAny>, allow_mixed: bool) -> PyResult<Self> {
        if !keys.is_truthy()? {
            return Err(PyJWKSetError::new_err(
                "The JWK Set did not contain any keys",
            ));
        }
        let list = keys
            .cast::<PyList>()
            .map_err(|_| PyJWKSetError::new_err("Invalid JWK Set value"))?;
        let usable = PyList::empty(py);
        let mut entries = Vec::new();
        for (index, item) in list.iter().enumerate() {
            let Ok(dict) = item.cast::<PyDict>() else {
                let why = format!("not a JWK object: its type is {}", type_name(&item));
                warn_skipped(py, index, None, &why)?;
                continue;
            };
            match PyJwk::new(py, &item, None) {
                Ok(jwk) => {
                    entries.push((index, jwk.bound.clone()));
                    usable.append(Bound::new(py, jwk)?)?;
                }
                Err(e) if e.is_instance_of::<crate::errors::PyJWTError>(py) => {
                    let kid = str_member(dict, "kid")?;
                    warn_skipped(py, index, kid.as_deref(), &e.value(py).to_string())?;
                }
                Err(e) => return Err(e),
            }
        }
        if usable.is_empty() {
            return Err(PyJWKSetError::new_err(
                "The JWK Set did not contain any usable keys",
            ));
        }
        // One key per kid, and no HMAC secret beside public keys unless allowed: the core's rule.
        let set = KeySet::from_jwks_keys(entries, allow_mixed)
            .map_err(|e| PyJWKSetError::new_err(e.to_string()))?;
        Ok(PyJwkSet {
            keys: usable.unbind(),
            set: Arc::new(set),
        })
    }

    /// `PyJWKSet(obj.get("keys", []), allow_mixed=allow_mixed)`.
    #[staticmethod]
    #[pyo3(signature = (obj, *, allow_mixed = false))]
    fn from_dict(py: Python<'_>, obj: &Bound<'_, PyAny>, allow_mixed: bool) -> PyResult<Self> {
        let dict = obj.cast::<PyDict>().map_err(|_| {
            PyJWKSetError::new_err(format!(
                "a JWK Set must be a dict with \"keys\", not {}",
                type_name(obj)
            ))
        })?;
        match dict.get_item("keys")? {
            Some(keys) => PyJwkSet::new(py, &keys, allow_mixed),
            None => PyJwkSet::new(py, PyList::empty(py).as_any(), allow_mixed),
        }
    }

    /// `PyJWKSet.from_dict(json.loads(data), allow_mixed=allow_mixed)`.
    #[staticmethod]
    #[pyo3(signature = (data, *, allow_mixed = false))]
    fn from_json(py: Python<'_>, data: &Bound<'_, PyAny>, allow_mixed: bool) -> PyResult<Self> {
        let obj = json_loads(py, data)?;
        PyJwkSet::from_dict(py, &obj, allow_mixed)
    }

    /// The usable keys, as `PyJWK`s (a new list on every access).
    #[getter]
    fn keys<'py>(&self, py: Python<'py>) -> Bound<'py, PyList> {
        PyList::new(py, self.keys.bind(py).iter()).unwrap_or_else(|_| PyList::empty(py))
    }

    fn __getitem__<'py>(&self, py: Python<'py>, kid: &str) -> PyResult<Bound<'py, PyAny>> {
        for key in self.keys.bind(py).iter() {
            if let Ok(jwk) = key.cast::<PyJwk>() {
                if jwk.get().kid.as_deref() == Some(kid) {
                    return Ok(key);
                }
            }
        }
        Err(PyKeyError::new_err(format!(
            "keyset has no key for kid: {kid}"
        )))
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.keys.bind(py).try_iter()?.into_any())
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.keys.bind(py).len()
    }

    fn __traverse__(&self, visit: pyo3::gc::PyVisit<'_>) -> Result<(), pyo3::PyTraverseError> {
        visit.call(&self.keys)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("PyJWKSet(<{} keys>)", self.keys.bind(py).len())
    }
}
