//! Replay and revocation stores shared by a fleet (`RedisReplayStore`, `RedisRevocationStore`),
//! the in-memory ones to share within a process, and the access/refresh `TokenIssuer` that uses
//! a revocation store. Each wraps the core's type; the logic is the core's.

use std::sync::Arc;
use std::time::Duration;

use hxjwt::jws::helpers::{MemoryRevocationList, TokenIssuer};
use hxjwt::store::redis::{RedisClient, RedisOptions, RedisReplayStore, RedisRevocationStore};
use hxjwt::store::{MemoryReplayStore, ReplayStore, RevocationStore};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::errors::detached;
use crate::jwk::PyKey;

/// A Redis connection pool from a URL and the Python keywords.
fn redis_client(
    url: &str,
    connect_timeout: Option<f64>,
    timeout: Option<f64>,
    key_prefix: Option<String>,
    max_connections: Option<usize>,
    ca_file: Option<std::path::PathBuf>,
) -> PyResult<RedisClient> {
    let options = redis_options(
        connect_timeout,
        timeout,
        key_prefix,
        max_connections,
        ca_file,
    )?;
    RedisClient::with_options(url, options)
        .map_err(|e| PyValueError::new_err(e.detail().to_owned()))
}

/// The options of a Redis store from Python keywords (seconds as int or float).
fn redis_options(
    connect_timeout: Option<f64>,
    timeout: Option<f64>,
    key_prefix: Option<String>,
    max_connections: Option<usize>,
    ca_file: Option<std::path::PathBuf>,
) -> PyResult<RedisOptions> {
    let mut o = RedisOptions::default();
    let secs = |v: f64, name: &str| {
        if v.is_finite() && v > 0.0 && v <= 60.0 {
            Ok(Duration::from_secs_f64(v))
        } else {
            Err(PyValueError::new_err(format!(
                "{name} must be a number of seconds in (0, 60]"
            )))
        }
    };
    if let Some(t) = connect_timeout {
        o.connect_timeout = secs(t, "connect_timeout")?;
    }
    if let Some(t) = timeout {
        o.command_timeout = secs(t, "timeout")?;
    }
    if let Some(p) = key_prefix {
        o.key_prefix = p;
    }
    if let Some(n) = max_connections {
        o.max_connections = n;
    }
    if let Some(path) = ca_file {
        o = o
            .with_ca_file(path)
            .map_err(|e| PyValueError::new_err(e.detail().to_owned()))?;
    }
    Ok(o)
}

/// Replay protection shared by every process using one Redis server (or Valkey, or any server
/// speaking its protocol): each token is accepted once across the whole fleet.
///
/// `url`: `redis://[user[:password]@]host[:port][/db]`, `rediss://...` (TLS) or
/// `unix:///path.sock[?db=N]`; settings may also come in its query (`?prefix=svc:&timeout=250ms`).
/// `connect_timeout` and `timeout` (seconds, defaults 1 and 0.5) bound every call;
/// `key_prefix` (default `"hxjwt:"`); `max_connections` (default 16); `ca_file`, a PEM file of
/// the authorities trusted for `rediss://`.
///
/// No connection is opened here: `ping()` checks the server at start-up. When the server cannot
/// answer, the token is refused with `StoreUnavailableError` (never accepted unchecked), and
/// service resumes by itself once it is back. Pass it to `Endpoint(replay_store=...)` and
/// `decode(..., replay_store=...)`. Safe to share between threads; after `os.fork()` the child
/// opens its own connections.
#[pyclass(frozen, module = "hxjwt", name = "RedisReplayStore")]
pub(crate) struct PyRedisReplayStore {
    inner: Arc<RedisReplayStore>,
}

#[pymethods]
impl PyRedisReplayStore {
    #[new]
    #[pyo3(signature = (url, *, connect_timeout = None, timeout = None, key_prefix = None, max_connections = None, ca_file = None))]
    fn new(
        url: &str,
        connect_timeout: Option<f64>,
        timeout: Option<f64>,
        key_prefix: Option<String>,
        max_connections: Option<usize>,
        ca_file: Option<std::path::PathBuf>,
    ) -> PyResult<Self> {
        let client = redis_client(
            url,
            connect_timeout,
            timeout,
            key_prefix,
            max_connections,
            ca_file,
        )?;
        Ok(PyRedisReplayStore {
            inner: Arc::new(RedisReplayStore::from_client(client)),
        })
    }

    /// Raises `StoreUnavailableError` unless the server answers `PING` within the time-outs.
    fn ping(&self, py: Python<'_>) -> PyResult<()> {
        let inner = Arc::clone(&self.inner);
        detached(py, move || inner.ping())
    }

    /// The key prefix in force.
    #[getter]
    fn key_prefix(&self) -> &str {
        &self.inner.client().options().key_prefix
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.inner.client()).replacen("RedisClient", "RedisReplayStore", 1)
    }
}

/// Replay protection in this process's memory, to share between several `Endpoint`s and
/// `decode` calls: remembers at most `capacity` unexpired tokens (default 1 000 000) and, when
/// full, refuses new ones (`ReplayedTokenError`) rather than forgetting any.
#[pyclass(frozen, module = "hxjwt", name = "MemoryReplayStore")]
pub(crate) struct PyMemoryReplayStore {
    inner: Arc<MemoryReplayStore>,
}

#[pymethods]
impl PyMemoryReplayStore {
    #[new]
    #[pyo3(signature = (capacity = None))]
    fn new(capacity: Option<usize>) -> Self {
        PyMemoryReplayStore {
            inner: Arc::new(
                capacity.map_or_else(MemoryReplayStore::default, MemoryReplayStore::new),
            ),
        }
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!("MemoryReplayStore(len={})", self.inner.len())
    }
}

/// The core store behind a Python `replay_store=` argument.
pub(crate) fn replay_store_arg(obj: &Bound<'_, PyAny>) -> PyResult<Arc<dyn ReplayStore>> {
    if let Ok(s) = obj.cast::<PyRedisReplayStore>() {
        return Ok(s.get().inner.clone());
    }
    if let Ok(s) = obj.cast::<PyMemoryReplayStore>() {
        return Ok(s.get().inner.clone());
    }
    Err(PyTypeError::new_err(format!(
        "replay_store must be a RedisReplayStore or a MemoryReplayStore, not {}",
        obj.get_type().name()?
    )))
}

/// Revocations (by `jti`) shared by every process using one Redis server: a token revoked by
/// one instance is refused by all, and a refresh token is redeemed once fleet-wide. Same
/// arguments as `RedisReplayStore`. Pass it to `TokenIssuer(revocations=...)`.
#[pyclass(frozen, module = "hxjwt", name = "RedisRevocationStore")]
pub(crate) struct PyRedisRevocationStore {
    inner: Arc<RedisRevocationStore>,
}

#[pymethods]
impl PyRedisRevocationStore {
    #[new]
    #[pyo3(signature = (url, *, connect_timeout = None, timeout = None, key_prefix = None, max_connections = None, ca_file = None))]
    fn new(
        url: &str,
        connect_timeout: Option<f64>,
        timeout: Option<f64>,
        key_prefix: Option<String>,
        max_connections: Option<usize>,
        ca_file: Option<std::path::PathBuf>,
    ) -> PyResult<Self> {
        let client = redis_client(
            url,
            connect_timeout,
            timeout,
            key_prefix,
            max_connections,
            ca_file,
        )?;
        Ok(PyRedisRevocationStore {
            inner: Arc::new(RedisRevocationStore::from_client(client)),
        })
    }

    /// Revokes `jti` until `until` (a Unix time, normally the token's `exp`). Returns whether
    /// this call revoked it (`False`: it already was). Atomic across the fleet.
    fn revoke(&self, py: Python<'_>, jti: &str, until: i64) -> PyResult<bool> {
        let inner = Arc::clone(&self.inner);
        let jti = jti.to_owned();
        detached(py, move || inner.revoke(&jti, until, now()))
    }

    /// Whether `jti` is revoked.
    fn is_revoked(&self, py: Python<'_>, jti: &str) -> PyResult<bool> {
        let inner = Arc::clone(&self.inner);
        let jti = jti.to_owned();
        detached(py, move || inner.is_revoked(&jti, now()))
    }

    /// Raises `StoreUnavailableError` unless the server answers `PING` within the time-outs.
    fn ping(&self, py: Python<'_>) -> PyResult<()> {
        let inner = Arc::clone(&self.inner);
        detached(py, move || inner.ping())
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.inner.client()).replacen("RedisClient", "RedisRevocationStore", 1)
    }
}

fn now() -> i64 {
    hxjwt::Clock::now(&hxjwt::SystemClock)
}

/// Issues access/refresh token pairs signed with `key` (a private `Key`), naming itself
/// `issuer` in `iss`. Access tokens (`typ` `at+jwt`) live `access_ttl` seconds (default 900),
/// refresh tokens (`typ` `refresh+jwt`) `refresh_ttl` (default 30 days). Each refresh token
/// works once: `refresh()` revokes it, so a stolen one is found out when the thief or the owner
/// uses it second. `revocations`: a `RedisRevocationStore` to share revocations (and single use)
/// across instances; default: this process's memory.
#[pyclass(frozen, module = "hxjwt", name = "TokenIssuer")]
pub(crate) struct PyTokenIssuer {
    inner: TokenIssuer,
}

#[pymethods]
impl PyTokenIssuer {
    #[new]
    #[pyo3(signature = (key, issuer, *, access_ttl = 900, refresh_ttl = 2_592_000, revocations = None))]
    fn new(
        py: Python<'_>,
        key: &Bound<'_, PyKey>,
        issuer: &str,
        access_ttl: u64,
        refresh_ttl: u64,
        revocations: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        if access_ttl == 0 || refresh_ttl == 0 {
            return Err(PyValueError::new_err(
                "access_ttl and refresh_ttl must be at least 1",
            ));
        }
        let store: Arc<dyn RevocationStore> = match revocations {
            None => Arc::new(MemoryRevocationList::default()),
            Some(obj) if obj.is_none() => Arc::new(MemoryRevocationList::default()),
            Some(obj) => match obj.cast::<PyRedisRevocationStore>() {
                Ok(s) => s.get().inner.clone(),
                Err(_) => {
                    return Err(PyTypeError::new_err(format!(
                        "revocations must be a RedisRevocationStore or None, not {}",
                        obj.get_type().name()?
                    )));
                }
            },
        };
        let key = key.get().inner.clone();
        let issuer = issuer.to_owned();
        let mut inner =
            crate::errors::attached(py, TokenIssuer::new(key, &issuer))?.with_revocations(store);
        inner.access_ttl = access_ttl;
        inner.refresh_ttl = refresh_ttl;
        Ok(PyTokenIssuer { inner })
    }

    /// A new pair for `subject`: `{"access_token", "refresh_token", "expires_in"}`; `claims` (a
    /// dict) go into the access token.
    #[pyo3(signature = (subject, claims = None))]
    fn issue<'py>(
        &self,
        py: Python<'py>,
        subject: &str,
        claims: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let extra = match claims {
            Some(d) => {
                let json: String = py.import("json")?.call_method1("dumps", (d,))?.extract()?;
                match serde_json::from_str::<serde_json::Value>(&json) {
                    Ok(serde_json::Value::Object(m)) => m,
                    _ => return Err(PyValueError::new_err("claims must be a JSON object")),
                }
            }
            None => serde_json::Map::new(),
        };
        let subject = subject.to_owned();
        let pair = detached(py, || self.inner.issue(&subject, &extra))?;
        pair_dict(py, &pair)
    }

    /// Exchanges a refresh token for a new pair, revoking the one used (atomically: of two
    /// concurrent refreshes with one token, in any process sharing the revocations, one
    /// succeeds and the other raises `RevokedTokenError`).
    fn refresh<'py>(&self, py: Python<'py>, refresh_token: &str) -> PyResult<Bound<'py, PyDict>> {
        let token = refresh_token.to_owned();
        let pair = detached(py, || self.inner.refresh(&token))?;
        pair_dict(py, &pair)
    }

    /// Verifies an access token (signature, `typ`, issuer, expiry, not revoked); returns its
    /// claims as a dict.
    fn verify_access<'py>(
        &self,
        py: Python<'py>,
        access_token: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let token = access_token.to_owned();
        let claims = detached(py, || self.inner.verify_access(&token))?;
        let text = serde_json::Value::Object(claims).to_string();
        py.import("json")?
            .call_method1("loads", (PyString::new(py, &text),))
    }

    /// Revokes a token this issuer made (access or refresh), until it expires.
    fn revoke(&self, py: Python<'_>, token: &str) -> PyResult<()> {
        let token = token.to_owned();
        detached(py, || self.inner.revoke(&token))
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.inner)
    }
}

fn pair_dict<'py>(
    py: Python<'py>,
    pair: &hxjwt::jws::helpers::TokenPair,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("access_token", &pair.access_token)?;
    d.set_item("refresh_token", &pair.refresh_token)?;
    d.set_item("expires_in", pair.expires_in)?;
    Ok(d)
}
