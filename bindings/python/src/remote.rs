//! Remote JWK Sets for Python: the options of `Directory.from_url`, and `PyJWKClient`, `PyJWT`'s
//! JWKS client on the core's fetcher and cache (`hxjwt::remote`, docs/C-API.md "Remote
//! directories and rotation" for the same semantics in C).
//!
//! Every fetch runs with the GIL released; threads that ask at once share one fetch.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hxjwt::ErrorKind;
use hxjwt::jws::KeySet;
use hxjwt::remote::{RemoteJwks, RemoteOptions};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::convert::{Int, json_object, py_repr, seconds, type_name};
use crate::errors::to_py_err;
use crate::jwk::{PyJwk, PyJwkSet};
use crate::jws_errors::{PyJWKClientConnectionError, PyJWKClientError};

/// A time-out in (fractional) seconds: finite and above 0.
fn timeout_secs(value: f64, what: &str) -> PyResult<Duration> {
    if !(value.is_finite() && value > 0.0) {
        return Err(PyValueError::new_err(format!(
            "{what} must be a number of seconds above 0, not {value}"
        )));
    }
    Duration::try_from_secs_f64(value)
        .map_err(|_| PyValueError::new_err(format!("{what} is too large: {value}")))
}

fn whole_secs(value: Int, what: &str) -> PyResult<Duration> {
    seconds(value.0, what).map(Duration::from_secs)
}

/// `options` with the CA file and the extra headers of a remote class's keywords, checked by the
/// core now: `InvalidArgumentError` (a `ValueError`) naming the path for a CA file that cannot
/// be read or holds no certificate, or naming the header for a bad name or value (never quoting
/// the value); `TypeError` for `headers` that is not a mapping of `str` to `str`.
pub(crate) fn with_tls_and_headers(
    py: Python<'_>,
    mut options: RemoteOptions,
    ca_file: Option<std::path::PathBuf>,
    headers: Option<&Bound<'_, PyAny>>,
) -> PyResult<RemoteOptions> {
    if let Some(path) = ca_file {
        options = options.with_ca_file(&path).map_err(|e| to_py_err(py, &e))?;
    }
    let Some(headers) = headers.filter(|h| !h.is_none()) else {
        return Ok(options);
    };
    let Ok(mapping) = headers.cast::<pyo3::types::PyMapping>() else {
        return Err(PyTypeError::new_err(format!(
            "headers must be a mapping of str to str (a dict), not {}",
            type_name(headers)
        )));
    };
    for item in mapping.items()?.iter() {
        let (name, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
        let name = name.cast::<PyString>().map_err(|_| {
            PyTypeError::new_err(format!(
                "a header name must be a str, not {}",
                type_name(&name)
            ))
        })?;
        let name = name.to_str()?;
        let value = value.cast::<PyString>().map_err(|_| {
            PyTypeError::new_err(format!(
                "the value of the header {} must be a str, not {}",
                py_repr(py, name),
                type_name(&value)
            ))
        })?;
        options = options
            .with_header(name, value.to_str()?)
            .map_err(|e| to_py_err(py, &e))?;
    }
    Ok(options)
}

/// The core's options from `Directory.from_url`'s keywords (see its docstring), checked:
/// `ValueError` for a negative time, a time-out of 0, `max_response_bytes` below 1, or
/// `min_ttl` above `max_ttl`.
#[expect(clippy::too_many_arguments, reason = "Python keyword arguments")]
pub(crate) fn remote_options(
    ttl: Option<Int>,
    timeout: f64,
    connect_timeout: f64,
    max_response_bytes: Int,
    min_ttl: Int,
    max_ttl: Int,
    refresh_cooldown: Int,
    max_stale: Int,
    allow_http: bool,
) -> PyResult<RemoteOptions> {
    let defaults = RemoteOptions::default();
    let opts = RemoteOptions {
        connect_timeout: timeout_secs(connect_timeout, "connect_timeout")?,
        timeout: timeout_secs(timeout, "timeout")?,
        max_response_bytes: usize::try_from(max_response_bytes.0)
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| PyValueError::new_err("max_response_bytes must be at least 1"))?,
        default_ttl: ttl
            .map(|t| whole_secs(t, "ttl"))
            .transpose()?
            .unwrap_or(defaults.default_ttl),
        min_ttl: whole_secs(min_ttl, "min_ttl")?,
        max_ttl: whole_secs(max_ttl, "max_ttl")?,
        refresh_cooldown: whole_secs(refresh_cooldown, "refresh_cooldown")?,
        max_stale: whole_secs(max_stale, "max_stale")?,
        allow_http,
        ..defaults
    };
    if opts.min_ttl > opts.max_ttl {
        return Err(PyValueError::new_err(format!(
            "min_ttl ({} s) must not be above max_ttl ({} s)",
            opts.min_ttl.as_secs(),
            opts.max_ttl.as_secs()
        )));
    }
    Ok(opts)
}

/// What the client's fetcher keeps: the document's text, once the core has checked that it is a
/// JWK Set (JSON, size, keys). A document that is not is a failed fetch, so the last good set
/// keeps serving.
fn checked_jwks(text: &str) -> hxjwt::Result<String> {
    KeySet::from_jwks(text).map(|_| text.to_owned())
}

/// [`checked_jwks`] for a client with `allow_mixed_keys=True`: HMAC secrets beside public keys
/// are accepted.
fn checked_jwks_mixed(text: &str) -> hxjwt::Result<String> {
    KeySet::from_jwks_mixed(text).map(|_| text.to_owned())
}

/// A fetch that failed, as `PyJWT` reports it: `PyJWKClientConnectionError` for a set that could
/// not be fetched (the core's `ResolverError` is its `__cause__`), `PyJWKClientError` otherwise.
fn client_err(py: Python<'_>, e: &hxjwt::Error) -> PyErr {
    let err = if e.kind() == ErrorKind::ResolverFailed {
        PyJWKClientConnectionError::new_err(format!(
            "Fail to fetch data from the url, err: \"{}\"",
            e.detail()
        ))
    } else {
        PyJWKClientError::new_err(e.detail().to_owned())
    };
    err.set_cause(py, Some(to_py_err(py, e)));
    err
}

/// `PyJWT`'s `PyJWKClient`: the signing keys of a JWK Set at a URL (an issuer's `jwks_uri`), to
/// verify its tokens with `decode(token, client.get_signing_key_from_jwt(token), ...)`.
///
/// The set is fetched (with the GIL released) on first use and kept for `lifespan` seconds
/// (`cache_jwk_set=False`: fetched on every call). A `kid` not in the set makes one refetch, at
/// most once per `refresh_cooldown` seconds (`PyJWT` refetches every time), so a flood of tokens
/// with unknown `kid`s cannot become a flood of fetches. Threads that ask at once share one
/// fetch. When a refetch fails, the last good set keeps serving for `max_stale` seconds.
///
/// Differences from `PyJWT`: only `https://` URLs, unless `allow_http=True` (for loopback
/// tests); TLS is rustls with the Mozilla root certificates, or with the certificate
/// authorities of the PEM file `ca_file=` (hxjwt only: they replace the built-in roots) for a
/// private CA; an `ssl_context` raises `ValueError` (use `ca_file`). `headers` (a mapping of
/// `str` to `str`) are sent with every fetch, checked now (`InvalidArgumentError` for a name
/// that is not an HTTP token, `Host`, `Content-Length`, `Transfer-Encoding`, or a value with
/// CR, LF or another control character); the `User-Agent` is `hxjwt/<version>` unless `headers`
/// gives one. At most 3 redirects are followed, never from `https://` to `http://`. A set mixing
/// HMAC secrets with public keys is refused unless `allow_mixed_keys=True`. `cache_keys` and
/// `max_cached_keys` are accepted and have no effect: keys are cached with their set. A failed
/// fetch, an HTTP error status, an oversized or malformed document raise
/// `PyJWKClientConnectionError` (its `__cause__` is the core's `ResolverError`).
#[pyclass(frozen, module = "hxjwt", name = "PyJWKClient")]
pub(crate) struct PyJwkClient {
    jwks: RemoteJwks<String>,
    cache_keys: bool,
    max_cached_keys: usize,
    cache_jwk_set: bool,
    lifespan: f64,
    timeout: f64,
    /// A set mixing HMAC secrets with public keys is accepted (`allow_mixed_keys=True`).
    allow_mixed_keys: bool,
    /// The `PyJWKSet` made of the last document fetched, and that document (to tell whether it
    /// changed): a set is parsed once, not on every call.
    parsed: Mutex<Option<(Arc<String>, Py<PyJwkSet>)>>,
}

impl PyJwkClient {
    /// The current document: the cached one while fresh, else fetched; with `refresh`, a newer
    /// one unless the cool-down forbids it.
    fn document(&self, py: Python<'_>, refresh: bool) -> PyResult<Arc<String>> {
        let jwks = &self.jwks;
        py.detach(|| {
            let current = jwks.get()?;
            if refresh {
                Ok(jwks.refresh_unknown(&current)?.unwrap_or(current))
            } else {
                Ok(current)
            }
        })
        .map_err(|e: hxjwt::Error| client_err(py, &e))
    }

    /// The `PyJWKSet` of the document `text`: parsed once per document, not on every call.
    fn jwk_set_of(&self, py: Python<'_>, text: Arc<String>) -> PyResult<Py<PyJwkSet>> {
        let lock = || self.parsed.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((seen, set)) = &*lock() {
            if Arc::ptr_eq(seen, &text) {
                return Ok(set.clone_ref(py));
            }
        }
        // Parsed without the lock held (parsing may release the GIL); two threads may both
        // parse a new document, and the last one is kept: both are the same set.
        let data = json_object(py, &text)?;
        if !data.is_instance_of::<PyDict>() {
            return Err(PyJWKClientError::new_err(
                "The JWKS endpoint did not return a JSON object",
            ));
        }
        let kwargs = PyDict::new(py);
        if self.allow_mixed_keys {
            kwargs.set_item("allow_mixed", true)?;
        }
        let set = py
            .get_type::<PyJwkSet>()
            .call_method("from_dict", (data,), Some(&kwargs))?
            .cast_into::<PyJwkSet>()?
            .unbind();
        *lock() = Some((text, set.clone_ref(py)));
        Ok(set)
    }

    fn signing_key<'py>(&self, py: Python<'py>, kid: Option<&str>) -> PyResult<Bound<'py, PyJwk>> {
        for refresh in [false, true] {
            let keys = self.get_signing_keys(py, refresh)?;
            if let Some(key) = match_kid(&keys, kid)? {
                return Ok(key);
            }
        }
        Err(PyJWKClientError::new_err(format!(
            "Unable to find a signing key that matches: \"{}\"",
            kid.unwrap_or("None")
        )))
    }
}

/// The signing keys of `set`: those with a `kid` and a `use` of `"sig"` or none.
fn signing_keys_of<'py>(py: Python<'py>, set: &Py<PyJwkSet>) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for key in set.bind(py).getattr("keys")?.try_iter()? {
        let key = key?;
        let usage = key.getattr("public_key_use")?;
        let usable = usage.is_none()
            || usage
                .cast::<PyString>()
                .is_ok_and(|s| s.to_str().ok() == Some("sig"));
        if usable && key.getattr("key_id")?.is_truthy()? {
            out.append(key)?;
        }
    }
    Ok(out)
}

/// The key of `keys` whose `key_id` is `kid`.
fn match_kid<'py>(
    keys: &Bound<'py, PyList>,
    kid: Option<&str>,
) -> PyResult<Option<Bound<'py, PyJwk>>> {
    let Some(kid) = kid else {
        return Ok(None);
    };
    for key in keys.iter() {
        let Ok(jwk) = key.cast_into::<PyJwk>() else {
            continue;
        };
        let id = jwk.getattr("key_id")?;
        if id
            .cast::<PyString>()
            .is_ok_and(|s| s.to_str().ok() == Some(kid))
        {
            return Ok(Some(jwk));
        }
    }
    Ok(None)
}

#[pymethods]
impl PyJwkClient {
    /// A client of the JWK Set at `uri`; see the class docstring. Nothing is fetched yet.
    /// `InvalidArgumentError` (a `ValueError`) for a URL that is not `https://` (or `http://`
    /// with `allow_http=True`); `PyJWKClientError` for a `lifespan` of 0 or less.
    #[new]
    #[pyo3(signature = (
        uri,
        cache_keys = true,
        max_cached_keys = 16,
        cache_jwk_set = true,
        lifespan = 300.0,
        headers = None,
        timeout = 30.0,
        ssl_context = None,
        *,
        allow_http = false,
        refresh_cooldown = Int(30),
        max_stale = Int(3600),
        max_response_bytes = Int(1 << 20),
        ca_file = None,
        allow_mixed_keys = false,
    ))]
    #[pyo3(
        text_signature = "(uri, cache_keys=True, max_cached_keys=16, cache_jwk_set=True, \
                             lifespan=300, headers=None, timeout=30, ssl_context=None, *, \
                             allow_http=False, refresh_cooldown=30, max_stale=3600, \
                             max_response_bytes=1048576, ca_file=None, allow_mixed_keys=False)"
    )]
    #[expect(
        clippy::too_many_arguments,
        clippy::fn_params_excessive_bools,
        reason = "PyJWT's keyword arguments"
    )]
    fn new(
        py: Python<'_>,
        uri: &str,
        cache_keys: bool,
        max_cached_keys: usize,
        cache_jwk_set: bool,
        lifespan: f64,
        headers: Option<&Bound<'_, PyAny>>,
        timeout: f64,
        ssl_context: Option<&Bound<'_, PyAny>>,
        allow_http: bool,
        refresh_cooldown: Int,
        max_stale: Int,
        max_response_bytes: Int,
        ca_file: Option<std::path::PathBuf>,
        allow_mixed_keys: bool,
    ) -> PyResult<Self> {
        if let Some(ctx) = ssl_context.filter(|c| !c.is_none()) {
            return Err(PyValueError::new_err(format!(
                "hxjwt.PyJWKClient does not take an ssl_context ({}): TLS is rustls; to trust a \
                 private certificate authority, pass ca_file='/path/to/ca.pem' (PEM; it \
                 replaces the built-in Mozilla roots)",
                type_name(ctx)
            )));
        }
        let ttl = if cache_jwk_set {
            if lifespan.is_nan() || lifespan <= 0.0 {
                return Err(PyJWKClientError::new_err(format!(
                    "Lifespan must be greater than 0, the input is \"{lifespan}\""
                )));
            }
            // Whole seconds, as the core counts them.
            Duration::try_from_secs_f64(lifespan.ceil())
                .map_err(|_| PyValueError::new_err(format!("lifespan is too large: {lifespan}")))?
        } else {
            Duration::ZERO
        };
        let request = timeout_secs(timeout, "timeout")?;
        let opts = RemoteOptions {
            connect_timeout: request,
            timeout: request,
            max_response_bytes: usize::try_from(max_response_bytes.0)
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| PyValueError::new_err("max_response_bytes must be at least 1"))?,
            // PyJWT keeps a set for `lifespan`, whatever the server's Cache-Control says.
            default_ttl: ttl,
            min_ttl: ttl,
            max_ttl: ttl,
            refresh_cooldown: whole_secs(refresh_cooldown, "refresh_cooldown")?,
            max_stale: whole_secs(max_stale, "max_stale")?,
            allow_http,
            allow_mixed_keys,
            ..RemoteOptions::default()
        };
        let opts = with_tls_and_headers(py, opts, ca_file, headers)?;
        let check = if allow_mixed_keys {
            checked_jwks_mixed
        } else {
            checked_jwks
        };
        let jwks = RemoteJwks::new(uri, opts, check).map_err(|e| to_py_err(py, &e))?;
        Ok(PyJwkClient {
            jwks,
            cache_keys,
            max_cached_keys,
            cache_jwk_set,
            lifespan,
            timeout,
            allow_mixed_keys,
            parsed: Mutex::new(None),
        })
    }

    /// The URL of the JWK Set.
    #[getter]
    fn uri(&self) -> &str {
        self.jwks.url()
    }

    /// How many fetches were made so far (successful or not). hxjwt only.
    #[getter]
    fn fetch_count(&self) -> u64 {
        self.jwks.fetch_count()
    }

    /// The JWK Set document as a dict: the cached one while it is fresh, else fetched.
    /// `PyJWKClientConnectionError` when it cannot be fetched.
    fn fetch_data<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = self.document(py, false)?;
        json_object(py, &text)
    }

    /// The JWK Set as a `PyJWKSet`; with `refresh=True`, refetched first (unless a fetch
    /// started less than `refresh_cooldown` seconds ago). `PyJWKClientConnectionError` when it
    /// cannot be fetched; `PyJWKSetError` when it has no key hxjwt can use.
    #[pyo3(signature = (refresh = false))]
    fn get_jwk_set(&self, py: Python<'_>, refresh: bool) -> PyResult<Py<PyJwkSet>> {
        let text = self.document(py, refresh)?;
        self.jwk_set_of(py, text)
    }

    /// The signing key whose `kid` is `kid` when the cached set is fresh and has it, else
    /// `None`: never fetches and never waits for a fetch, so an event loop may call it
    /// (`hxjwt.aio`'s fast path; `get_signing_key` is the call that may fetch). hxjwt only.
    fn cached_signing_key<'py>(
        &self,
        py: Python<'py>,
        kid: &str,
    ) -> PyResult<Option<Bound<'py, PyJwk>>> {
        let Some(text) = self.jwks.cached() else {
            return Ok(None);
        };
        // A set hxjwt cannot use is not answered from here: `get_signing_key` reports it.
        let Ok(set) = self.jwk_set_of(py, text) else {
            return Ok(None);
        };
        match_kid(&signing_keys_of(py, &set)?, Some(kid))
    }

    /// The set's signing keys: those with a `kid` and a `use` of `"sig"` or none.
    /// `PyJWKClientError` if there is none.
    #[pyo3(signature = (refresh = false))]
    fn get_signing_keys<'py>(
        &self,
        py: Python<'py>,
        refresh: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let set = self.get_jwk_set(py, refresh)?;
        let out = signing_keys_of(py, &set)?;
        if out.is_empty() {
            return Err(PyJWKClientError::new_err(
                "The JWKS endpoint did not contain any signing keys",
            ));
        }
        Ok(out)
    }

    /// The signing key whose `kid` is `kid`; if the cached set has none, the set is refetched
    /// once (within the cool-down). `PyJWKClientError` ("Unable to find a signing key that
    /// matches: ...") if there is still none.
    fn get_signing_key<'py>(&self, py: Python<'py>, kid: &str) -> PyResult<Bound<'py, PyJwk>> {
        self.signing_key(py, Some(kid))
    }

    /// The signing key for `token` (str or bytes), by the `kid` of its header, read without
    /// verification (`DecodeError` if the header is not readable); then as `get_signing_key`.
    fn get_signing_key_from_jwt<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyJwk>> {
        let header = crate::jws::get_unverified_header(py, token)?;
        let kid = header.get_item("kid").ok().filter(|k| !k.is_none());
        let kid = kid.map(|k| k.str().map(|s| s.to_string())).transpose()?;
        self.signing_key(py, kid.as_deref())
    }

    /// The key of `signing_keys` whose `key_id` is `kid`, or `None`.
    #[staticmethod]
    #[pyo3(name = "match_kid")]
    fn match_kid_py<'py>(
        signing_keys: &Bound<'py, PyAny>,
        kid: &str,
    ) -> PyResult<Option<Bound<'py, PyJwk>>> {
        let list = PyList::new(
            signing_keys.py(),
            signing_keys.try_iter()?.collect::<PyResult<Vec<_>>>()?,
        )?;
        match_kid(&list, Some(kid))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "PyJWKClient({}, cache_keys={}, max_cached_keys={}, cache_jwk_set={}, lifespan={}, \
             timeout={})",
            py_repr(py, self.jwks.url()),
            if self.cache_keys { "True" } else { "False" },
            self.max_cached_keys,
            if self.cache_jwk_set { "True" } else { "False" },
            self.lifespan,
            self.timeout,
        )
    }
}
