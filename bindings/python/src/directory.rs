//! `Directory`: where names are resolved to machine tokens.

use std::path::PathBuf;
use std::sync::Arc;

use hxjwt::remote::RemoteDirectory;
use hxjwt::{CallbackDirectory, Directory as _, Error, ErrorKind, MemoryDirectory};
use pyo3::PyTraverseError;
use pyo3::exceptions::PyTypeError;
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::convert::{Int, json_dumps, json_object, json_text, py_repr, type_name};
use crate::errors::{attached, detached, stash_callback_error, to_py_err};
use crate::keys::PyMachineToken;

/// What a directory is made of.
enum Source {
    /// Tokens held in memory (from the constructor, `add`, a JWK Set or a file).
    Memory(Arc<MemoryDirectory>),
    /// A Python callable asked for every name.
    Callable {
        resolver: Arc<dyn hxjwt::Directory>,
        /// The one strong reference to the callable, shared with `resolver` (so that
        /// `__traverse__` reports it exactly once).
        callable: Arc<Py<PyAny>>,
    },
    /// A JWK Set at a URL, fetched and cached by the core (`Directory.from_url`); read-only.
    Remote(Arc<RemoteDirectory>),
}

/// Resolves identity names to machine tokens: the peers an `Endpoint` may talk to.
///
/// `Directory(tokens)` holds tokens in memory (`.add(token)`, `len(d)`, `name in d`);
/// `Directory.from_jwks(jwks)` and `Directory.from_file(path)` load a JWK Set; and
/// `Directory.from_callable(fn)` asks `fn(name)` each time a name must be resolved; and
/// `Directory.from_url(url)` fetches and caches the JWK Set a web server publishes.
/// One directory may serve many endpoints and threads.
#[pyclass(frozen, module = "hxjwt", name = "Directory")]
pub(crate) struct PyDirectory {
    source: Source,
}

impl PyDirectory {
    /// The directory as the core's trait object, for an endpoint.
    pub(crate) fn shared(&self) -> Arc<dyn hxjwt::Directory> {
        match &self.source {
            Source::Memory(dir) => Arc::clone(dir) as Arc<dyn hxjwt::Directory>,
            Source::Callable { resolver, .. } => Arc::clone(resolver),
            Source::Remote(dir) => Arc::clone(dir) as Arc<dyn hxjwt::Directory>,
        }
    }

    fn memory(&self, what: &str) -> PyResult<&MemoryDirectory> {
        match &self.source {
            Source::Memory(dir) => Ok(dir),
            Source::Callable { .. } => Err(PyTypeError::new_err(format!(
                "a directory made by Directory.from_callable() does not support {what}"
            ))),
            Source::Remote(_) => Err(PyTypeError::new_err(format!(
                "a directory made by Directory.from_url() is read-only and does not support                  {what}: change the JWK Set the server publishes"
            ))),
        }
    }

    /// The tokens as they are now: in memory, or the remote set (fetched, with the GIL
    /// released, if the cached copy is not fresh; `ResolverError` if it cannot be).
    fn current(&self, py: Python<'_>, what: &str) -> PyResult<Arc<MemoryDirectory>> {
        match &self.source {
            Source::Memory(dir) => Ok(Arc::clone(dir)),
            Source::Remote(dir) => detached(py, || dir.jwks().get()),
            Source::Callable { .. } => Err(PyTypeError::new_err(format!(
                "a directory made by Directory.from_callable() does not support {what}"
            ))),
        }
    }

    fn from_memory(dir: MemoryDirectory) -> Self {
        PyDirectory {
            source: Source::Memory(Arc::new(dir)),
        }
    }

    /// Resolves `name` now, with the GIL held (a callable is called directly).
    fn resolve(&self, py: Python<'_>, name: &str) -> PyResult<Option<PyMachineToken>> {
        let found = match &self.source {
            Source::Memory(dir) => dir.resolve(name),
            Source::Callable { resolver, .. } => resolver.resolve(name),
            // A fetch may block: never with the GIL held.
            Source::Remote(dir) => {
                return detached(py, || dir.resolve(name))
                    .map(|t| t.map(|inner| PyMachineToken { inner }));
            }
        };
        attached(py, found).map(|t| t.map(|inner| PyMachineToken { inner }))
    }
}

/// What a directory callable answered, as a machine token: a `MachineToken`, a public JWK (dict
/// or JSON text) or `None` (no such name). Anything else is a failure of the directory.
fn answer_to_token(answer: &Bound<'_, PyAny>) -> hxjwt::Result<Option<hxjwt::MachineToken>> {
    if answer.is_none() {
        return Ok(None);
    }
    if let Ok(token) = answer.cast::<PyMachineToken>() {
        return Ok(Some(token.get().inner.clone()));
    }
    let text = if let Ok(s) = answer.cast::<PyString>() {
        s.to_str().map(str::to_owned).ok()
    } else if answer.is_instance_of::<PyDict>() {
        json_dumps(answer).ok()
    } else {
        return Err(Error::new(
            ErrorKind::ResolverFailed,
            format!(
                "the directory callable returned {}; expected a MachineToken, a JWK (dict or str) \
                 or None",
                type_name(answer)
            ),
        ));
    };
    let text = text.ok_or_else(|| {
        Error::new(
            ErrorKind::ResolverFailed,
            "the directory callable returned a JWK that is not JSON text",
        )
    })?;
    hxjwt::MachineToken::from_jwk(&text).map(Some)
}

/// Calls `callable(name)` with the GIL re-acquired (validation runs without it). An exception
/// becomes a `ResolverFailed` error naming it, and the `__cause__` of the `ResolverError`.
fn call_resolver(callable: &Py<PyAny>, name: &str) -> hxjwt::Result<Option<hxjwt::MachineToken>> {
    Python::attach(|py| match callable.bind(py).call1((name,)) {
        Ok(answer) => answer_to_token(&answer),
        Err(err) => {
            let what = err
                .get_type(py)
                .name()
                .map_or_else(|_| "an exception".to_owned(), |n| n.to_string());
            let why = err
                .value(py)
                .str()
                .map_or_else(|_| String::new(), |s| s.to_string());
            stash_callback_error(err);
            Err(Error::new(
                ErrorKind::ResolverFailed,
                format!("the directory callable raised {what}: {why}"),
            ))
        }
    })
}

#[pymethods]
impl PyDirectory {
    /// A directory held in memory, with the given machine tokens (any iterable of them).
    /// A later token replaces an earlier one of the same name.
    #[new]
    #[pyo3(signature = (tokens = None))]
    fn new(tokens: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let dir = MemoryDirectory::new();
        if let Some(tokens) = tokens {
            if tokens.is_instance_of::<PyString>() {
                return Err(PyTypeError::new_err(
                    "tokens must be an iterable of MachineToken, not str (for a JWK Set use \
                     Directory.from_jwks)",
                ));
            }
            for item in tokens.try_iter()? {
                let item = item?;
                let token = item.cast::<PyMachineToken>().map_err(|_| {
                    PyTypeError::new_err(format!(
                        "tokens must be MachineToken objects, not {}",
                        type_name(&item)
                    ))
                })?;
                dir.insert(token.get().inner.clone());
            }
        }
        Ok(Self::from_memory(dir))
    }

    /// A directory from a JWK Set (`{"keys": [...]}`) given as JSON text or a dict. Keys that
    /// are not X25519 are skipped; a bad X25519 key raises `InvalidKeyError`, a document that
    /// is not a JWK Set `DecodeError`.
    #[staticmethod]
    fn from_jwks(py: Python<'_>, jwks: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = json_text(jwks, "jwks")?;
        let text: &str = &text;
        detached(py, || MemoryDirectory::from_jwks(text)).map(Self::from_memory)
    }

    /// A directory from a JWK Set file (a `str` or `os.PathLike` path). A file that cannot be
    /// read raises `ResolverError`; its content is checked as by `from_jwks`.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        detached(py, move || MemoryDirectory::from_jwks_file(path)).map(Self::from_memory)
    }

    /// A directory that calls `fn(name)` to resolve a name. `fn` returns a `MachineToken`, a
    /// public JWK (dict or JSON text), or `None` for an unknown name (`UnknownIssuerError`).
    ///
    /// If `fn` raises, or returns anything else, or a token of another name, validation raises
    /// `ResolverError` naming the cause (the exception is also its `__cause__`). `fn` is called
    /// with the GIL held, from whichever thread validates; it must be thread-safe.
    #[staticmethod]
    #[pyo3(name = "from_callable")]
    fn from_callable(callable: &Bound<'_, PyAny>) -> PyResult<Self> {
        if !callable.is_callable() {
            return Err(PyTypeError::new_err(format!(
                "Directory.from_callable() needs a callable, not {}",
                type_name(callable)
            )));
        }
        let callable = Arc::new(callable.clone().unbind());
        let for_resolver = Arc::clone(&callable);
        let resolver = CallbackDirectory::new(move |name: &str| call_resolver(&for_resolver, name));
        Ok(PyDirectory {
            source: Source::Callable {
                resolver: Arc::new(resolver),
                callable,
            },
        })
    }

    /// A read-only directory of the JWK Set at `url` (`https://`; `http://` only with
    /// `allow_http=True`, for loopback tests and private networks). Nothing is fetched yet:
    /// the first lookup fetches the set, with the GIL released, and threads that ask at once
    /// share that one fetch. Then:
    ///
    /// - the set is fresh for the server's `Cache-Control: max-age`, kept within
    ///   `min_ttl`..`max_ttl` seconds, or for `ttl` seconds without one (`None`: 300);
    /// - a name not in the set refetches it, at most once per `refresh_cooldown` seconds;
    /// - `timeout` bounds a whole request and `connect_timeout` its connection (seconds), and a
    ///   body above `max_response_bytes` is refused;
    /// - when a fetch fails (unreachable, HTTP error status, too large, not a JWK Set), the last
    ///   good set keeps serving for `max_stale` seconds past its freshness; after that, or when
    ///   no set was ever fetched, validation raises `ResolverError` naming the cause;
    /// - `ca_file`: a PEM file of the certificate authorities to trust (for a private CA; they
    ///   replace the built-in Mozilla roots), read and checked now;
    /// - `headers`: a mapping of `str` to `str` sent with every fetch (the `User-Agent` is
    ///   `hxjwt/<version>` unless given); at most 3 redirects, never `https://` to `http://`.
    ///
    /// `InvalidArgumentError` (a `ValueError`) for a URL that is not `https://` (or `http://`
    /// with `allow_http=True`), a CA file that cannot be read or holds no certificate, or a bad
    /// header name or value; `TypeError` for `headers` that are not `str` to `str`;
    /// `ValueError` for a bad keyword.
    #[staticmethod]
    #[pyo3(signature = (
        url,
        *,
        ttl = None,
        timeout = 10.0,
        connect_timeout = 5.0,
        max_response_bytes = Int(1 << 20),
        min_ttl = Int(60),
        max_ttl = Int(86_400),
        refresh_cooldown = Int(30),
        max_stale = Int(3600),
        allow_http = false,
        ca_file = None,
        headers = None,
    ))]
    #[pyo3(
        text_signature = "(url, *, ttl=None, timeout=10.0, connect_timeout=5.0, \
                             max_response_bytes=1048576, min_ttl=60, max_ttl=86400, \
                             refresh_cooldown=30, max_stale=3600, allow_http=False, \
                             ca_file=None, headers=None)"
    )]
    #[expect(clippy::too_many_arguments, reason = "Python keyword arguments")]
    fn from_url(
        py: Python<'_>,
        url: &str,
        ttl: Option<Int>,
        timeout: f64,
        connect_timeout: f64,
        max_response_bytes: Int,
        min_ttl: Int,
        max_ttl: Int,
        refresh_cooldown: Int,
        max_stale: Int,
        allow_http: bool,
        ca_file: Option<std::path::PathBuf>,
        headers: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let opts = crate::remote::remote_options(
            ttl,
            timeout,
            connect_timeout,
            max_response_bytes,
            min_ttl,
            max_ttl,
            refresh_cooldown,
            max_stale,
            allow_http,
        )?;
        let opts = crate::remote::with_tls_and_headers(py, opts, ca_file, headers)?;
        let dir = RemoteDirectory::new(url, opts).map_err(|e| to_py_err(py, &e))?;
        Ok(PyDirectory {
            source: Source::Remote(Arc::new(dir)),
        })
    }

    /// Rotation (docs/ROTATION.md): adds `token` in front of the keys of its name, keeping the
    /// others (at most 4 per name, the oldest dropped), so that tokens sealed by either key
    /// validate. Only for a directory held in memory (`TypeError` otherwise).
    fn rotate_in(&self, token: &Bound<'_, PyMachineToken>) -> PyResult<()> {
        self.memory("rotate_in()")?
            .rotate_in(token.get().inner.clone());
        Ok(())
    }

    /// Rotation: removes this one key of its name (the others stay); returns whether it was
    /// there. Only for a directory held in memory (`TypeError` otherwise).
    fn retire(&self, token: &Bound<'_, PyMachineToken>) -> PyResult<bool> {
        Ok(self.memory("retire()")?.retire(&token.get().inner))
    }

    /// Adds (or replaces) a machine token. Not for a directory made by `from_callable`.
    fn add(&self, token: &Bound<'_, PyMachineToken>) -> PyResult<()> {
        self.memory("add()")?.insert(token.get().inner.clone());
        Ok(())
    }

    /// Removes the machine token of `name`; returns it, or `None` if there was none.
    fn remove(&self, name: &str) -> PyResult<Option<PyMachineToken>> {
        Ok(self
            .memory("remove()")?
            .remove(name)
            .map(|inner| PyMachineToken { inner }))
    }

    /// The machine token of `name`, or `None`. On a `from_callable` directory this calls it.
    fn get(&self, py: Python<'_>, name: &str) -> PyResult<Option<PyMachineToken>> {
        self.resolve(py, name)
    }

    /// The machine token of `name` when it can be answered at once: from memory, or from the
    /// fresh cached set of a `from_url` directory; else `None` (a `from_callable` directory is
    /// not called). Never fetches and never waits for a fetch, so an event loop may call it
    /// (`hxjwt.aio`'s fast path; `get` is the call that may fetch). hxjwt only.
    fn cached(&self, py: Python<'_>, name: &str) -> PyResult<Option<PyMachineToken>> {
        let found = match &self.source {
            Source::Memory(dir) => dir.resolve(name),
            Source::Remote(dir) => match dir.jwks().cached() {
                Some(set) => set.resolve(name),
                None => return Ok(None),
            },
            Source::Callable { .. } => return Ok(None),
        };
        attached(py, found).map(|t| t.map(|inner| PyMachineToken { inner }))
    }

    /// Every machine token, sorted by name (of a `from_url` directory: of the current set,
    /// fetched if need be). Not for a directory made by `from_callable`.
    fn tokens(&self, py: Python<'_>) -> PyResult<Vec<PyMachineToken>> {
        Ok(self
            .current(py, "tokens()")?
            .tokens()
            .into_iter()
            .map(|inner| PyMachineToken { inner })
            .collect())
    }

    /// The directory as a JWK Set dict (`{"keys": [...]}`, sorted by name): what a web server
    /// publishes. Not for a directory made by `from_callable`.
    fn to_jwks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_object(py, &self.current(py, "to_jwks()")?.to_jwks())
    }

    /// The number of names. Not for a directory made by `from_callable` (`TypeError`).
    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        Ok(self.current(py, "len()")?.len())
    }

    /// Whether `name` is known (a `from_callable` directory is asked).
    fn __contains__(&self, py: Python<'_>, name: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(name) = name.cast::<PyString>() else {
            return Ok(false);
        };
        let name = name.to_str()?;
        match &self.source {
            Source::Memory(dir) => Ok(dir.contains(name)),
            Source::Callable { .. } | Source::Remote(_) => Ok(self.resolve(py, name)?.is_some()),
        }
    }

    /// Lets the garbage collector see the callable, so that a cycle through it (a callable that
    /// refers to its own directory or endpoint) is collected. Nothing to clear: the class is
    /// immutable, and the cycle is broken on the Python side.
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        if let Source::Callable { callable, .. } = &self.source {
            visit.call(&**callable)?;
        }
        Ok(())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        match &self.source {
            Source::Memory(dir) => format!("Directory(<{} names>)", dir.len()),
            Source::Callable { callable, .. } => {
                let shown = callable
                    .bind(py)
                    .repr()
                    .map_or_else(|_| "?".to_owned(), |r| r.to_string());
                format!("Directory.from_callable({shown})")
            }
            Source::Remote(dir) => format!("Directory.from_url({})", py_repr(py, dir.jwks().url())),
        }
    }
}
