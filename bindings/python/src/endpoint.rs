//! `Endpoint` (creates and validates tokens) and `Message` (a validated token).

use std::borrow::Cow;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use hxjwt::hx1::DEFAULT_MAX_TOKEN_LEN;
use hxjwt::{CreateOptions, FixedClock, Policy};
use pyo3::PyTraverseError;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::convert::{
    Int, exact, json_loads, payload_bytes, py_repr, seconds, token_text, type_name,
};
use crate::directory::PyDirectory;
use crate::errors::{DecodeError, attached, detached};
use crate::keys::{PyIdentity, PyMachineToken};

/// One service's end of HX1: its identity, a directory of peers, and a validation policy.
///
/// `create(payload, to=...)` makes a token for a peer; `validate(token)` checks a token from a
/// peer and returns its `Message`. Both run with the GIL released, and one endpoint is meant to
/// be shared by every thread (they share its key cache and replay store).
///
/// Key rotation (`rotate_identity`, `add_previous_identity`, `clear_previous_identities`)
/// changes the endpoint in place, for every thread that shares it; calls in progress finish
/// with the keys they started with.
#[pyclass(frozen, module = "hxjwt", name = "Endpoint")]
pub(crate) struct PyEndpoint {
    /// The core endpoint. Read-locked by every call, write-locked by rotation only; the lock is
    /// always taken with the GIL released (a directory callable re-acquires the GIL while a
    /// read lock is held, so waiting for the lock with the GIL held could deadlock).
    inner: RwLock<hxjwt::Endpoint>,
    directory: Option<Py<PyDirectory>>,
    clock: Option<i64>,
}

/// The core's default maximum token length (64 KiB), as the default of `max_token_length`.
#[expect(clippy::cast_possible_wrap, reason = "64 KiB fits in an i64")]
const DEFAULT_MAX_TOKEN_LENGTH: Int = Int(DEFAULT_MAX_TOKEN_LEN as i64);

/// The recipient of `create`: a name resolved by the directory, or a machine token.
enum Recipient {
    Name(String),
    Token(hxjwt::MachineToken),
}

fn recipient(to: &Bound<'_, PyAny>) -> PyResult<Recipient> {
    if let Ok(token) = to.cast::<PyMachineToken>() {
        return Ok(Recipient::Token(token.get().inner.clone()));
    }
    if let Ok(name) = to.extract::<String>() {
        return Ok(Recipient::Name(name));
    }
    Err(PyTypeError::new_err(format!(
        "to must be a str (a name the directory resolves) or a MachineToken, not {}",
        type_name(to)
    )))
}

impl PyEndpoint {
    fn read(&self) -> RwLockReadGuard<'_, hxjwt::Endpoint> {
        // A poisoned lock means a panic in a rotation, which leaves the endpoint consistent.
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, hxjwt::Endpoint> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// `f` of the core endpoint, under the read lock, with the GIL released.
    fn with<T: Send>(&self, py: Python<'_>, f: impl Send + FnOnce(&hxjwt::Endpoint) -> T) -> T {
        py.detach(|| f(&self.read()))
    }

    /// The identity that replaces this endpoint's: of the same name (`ValueError` otherwise).
    fn same_name(
        &self,
        py: Python<'_>,
        identity: &PyIdentity,
        what: &str,
    ) -> PyResult<hxjwt::Identity> {
        let name = self.with(py, |e| e.identity().name().to_owned());
        if identity.inner.name() != name {
            return Err(PyValueError::new_err(format!(
                "{what}: the identity is named {}, the endpoint {}",
                py_repr(py, identity.inner.name()),
                py_repr(py, &name)
            )));
        }
        Ok(identity.inner.clone())
    }
}

fn create_options(
    ttl: Int,
    jti: Option<String>,
    not_before: Option<Int>,
    content_type: Option<String>,
) -> PyResult<CreateOptions> {
    let ttl = seconds(ttl.0, "ttl")?;
    if ttl == 0 {
        return Err(PyValueError::new_err("ttl must be at least 1 second"));
    }
    Ok(CreateOptions {
        ttl,
        not_before: not_before.map(|n| n.0),
        jti,
        cty: content_type,
    })
}

#[pymethods]
impl PyEndpoint {
    /// An endpoint for `identity`.
    ///
    /// - `directory`: resolves `create(to=name)` and the sender of `validate(token)`; without
    ///   one, pass `to=MachineToken` and `validate(token, sender=MachineToken)`.
    /// - `leeway`: clock skew tolerated on exp, iat and nbf, in seconds (default 0).
    /// - `max_lifetime`: the longest `exp - iat` accepted, in seconds (default: no limit).
    /// - `audiences`: names accepted in `aud` besides the identity's own (default: none).
    /// - `replay_protection`: accept each token at most once (in memory, until it expires).
    /// - `replay_store`: a `RedisReplayStore` (each token accepted once across every process
    ///   sharing the server) or a `MemoryReplayStore` shared with other endpoints; implies
    ///   replay protection.
    /// - `max_token_length`: the longest token accepted, in bytes (default 65536).
    /// - `clock`: `None` for the system clock, or a Unix time (int) at which this endpoint's
    ///   clock stands still: for tests, test vectors and replaying recorded traffic.
    #[new]
    #[pyo3(signature = (
        identity,
        directory = None,
        *,
        leeway = Int(0),
        max_lifetime = None,
        audiences = None,
        replay_protection = false,
        max_token_length = DEFAULT_MAX_TOKEN_LENGTH,
        clock = None,
        replay_store = None,
    ))]
    #[pyo3(
        text_signature = "(identity, directory=None, *, leeway=0, max_lifetime=None, \
                             audiences=None, replay_protection=False, max_token_length=65536, \
                             clock=None, replay_store=None)"
    )]
    #[expect(clippy::too_many_arguments, reason = "Python keyword arguments")]
    fn new(
        identity: &Bound<'_, PyIdentity>,
        directory: Option<Bound<'_, PyDirectory>>,
        leeway: Int,
        max_lifetime: Option<Int>,
        audiences: Option<Vec<String>>,
        replay_protection: bool,
        max_token_length: Int,
        clock: Option<Int>,
        replay_store: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let replay_store = replay_store
            .filter(|s| !s.is_none())
            .map(crate::store::replay_store_arg)
            .transpose()?;
        let max_token_len = usize::try_from(max_token_length.0)
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| PyValueError::new_err("max_token_length must be at least 1"))?;
        let policy = Policy {
            leeway: seconds(leeway.0, "leeway")?,
            max_lifetime: max_lifetime
                .map(|m| seconds(m.0, "max_lifetime"))
                .transpose()?,
            audiences: audiences.unwrap_or_default(),
            max_token_len,
        };
        let clock = clock.map(|c| c.0);
        let mut inner = hxjwt::Endpoint::new(identity.get().inner.clone()).with_policy(policy);
        if let Some(dir) = &directory {
            inner = inner.with_shared_directory(dir.get().shared());
        }
        if let Some(now) = clock {
            inner = inner.with_clock(FixedClock(now));
        }
        inner.set_replay_protection(replay_protection);
        if replay_store.is_some() {
            inner.set_replay_store(replay_store);
        }
        Ok(PyEndpoint {
            inner: RwLock::new(inner),
            directory: directory.map(Bound::unbind),
            clock,
        })
    }

    /// Creates a token carrying `payload` for the peer `to` (a name the directory resolves, or
    /// its `MachineToken`), valid for `ttl` seconds.
    ///
    /// `payload` is bytes, str (sent as UTF-8) or a dict (sent as compact JSON, read back with
    /// `Message.json()`). `jti`, `not_before` (Unix time) and `content_type` (the `cty` header)
    /// are optional. `protocol` is `"HX1"` (the default: fastest, read by hxjwt) or
    /// `"ECDH-1PU"` (a standard compact JWE that joserfc or any ECDH-1PU stack reads with the two
    /// machine tokens; past tokens stay sealed if the sender's key is stolen later); `validate`
    /// takes both. Raises `UnknownIssuerError` for a name the directory does not know.
    #[pyo3(signature = (
        payload, *, to, ttl = Int(300), jti = None, not_before = None, content_type = None,
        protocol = "HX1",
    ))]
    #[pyo3(
        text_signature = "(self, /, payload, *, to, ttl=300, jti=None, not_before=None, \
                             content_type=None, protocol='HX1')"
    )]
    #[expect(clippy::too_many_arguments, reason = "Python keyword arguments")]
    fn create(
        &self,
        py: Python<'_>,
        payload: &Bound<'_, PyAny>,
        to: &Bound<'_, PyAny>,
        ttl: Int,
        jti: Option<String>,
        not_before: Option<Int>,
        content_type: Option<String>,
        protocol: &str,
    ) -> PyResult<String> {
        let one_pu = match protocol {
            "HX1" => false,
            "ECDH-1PU" => true,
            other => {
                return Err(PyValueError::new_err(format!(
                    "protocol must be \"HX1\" or \"ECDH-1PU\", not {other:?}"
                )));
            }
        };
        let plaintext = payload_bytes(payload)?;
        let opts = create_options(ttl, jti, not_before, content_type)?;
        let to = recipient(to)?;
        let plaintext: &[u8] = &plaintext;
        let create = |inner: &hxjwt::Endpoint| match (&to, one_pu) {
            (Recipient::Name(name), false) => inner.create(name, plaintext, &opts),
            (Recipient::Token(token), false) => inner.create_for(token, plaintext, &opts),
            (Recipient::Name(name), true) => inner.create_1pu(name, plaintext, &opts),
            (Recipient::Token(token), true) => inner.create_1pu_for(token, plaintext, &opts),
        };
        // A few microseconds that wait on nothing keep the GIL (releasing it costs more, and
        // makes threads queue for it); anything else releases it.
        let inner = self.read();
        if inner.is_cheap(plaintext.len()) {
            return attached(py, create(&inner));
        }
        drop(inner);
        detached(py, || create(&self.read()))
    }

    /// Validates a token (str or bytes) addressed to this endpoint and returns its `Message`.
    ///
    /// The sender (`iss`) is resolved by the directory, or is `sender` when given (then its name
    /// must be the token's `iss`: `IssuerMismatchError` otherwise). Raises an
    /// `InvalidTokenError` subclass when the token is not acceptable.
    #[pyo3(signature = (token, *, sender = None))]
    fn validate(
        &self,
        py: Python<'_>,
        token: &Bound<'_, PyAny>,
        sender: Option<&Bound<'_, PyMachineToken>>,
    ) -> PyResult<PyMessage> {
        let token: Cow<'_, str> = token_text(token)?;
        let token: &str = &token;
        let sender = sender.map(|s| &s.get().inner);
        let validate = |inner: &hxjwt::Endpoint| match sender {
            Some(s) => inner.validate_from(token, s),
            None => inner.validate(token),
        };
        // As in `create`: a cheap call keeps the GIL.
        let inner = self.read();
        let message = if inner.is_cheap(token.len()) {
            attached(py, validate(&inner))
        } else {
            drop(inner);
            detached(py, || validate(&self.read()))
        };
        message.map(|inner| PyMessage { inner })
    }

    /// Every check `validate` applies to `token`, run to the end: a list of dicts, one per
    /// check (`check`, `outcome`, `kind`, `error`, `message`), in the order `validate` runs
    /// them, so the first `"failed"` one is the error `validate` raises. **A diagnostic, never
    /// an acceptance**: no replay store is consulted or written, and the payload is never
    /// reported. `sender` as for `validate`.
    #[pyo3(signature = (token, *, sender = None))]
    fn explain<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
        sender: Option<&Bound<'py, PyMachineToken>>,
    ) -> PyResult<Bound<'py, pyo3::types::PyList>> {
        let token: Cow<'_, str> = token_text(token)?;
        let token: &str = &token;
        let sender = sender.map(|s| &s.get().inner);
        let report = py.detach(|| self.read().explain_from(token, sender));
        crate::explain::checks(py, &report)
    }

    /// The name of this endpoint's identity.
    #[getter]
    fn name(&self, py: Python<'_>) -> String {
        self.with(py, |e| e.identity().name().to_owned())
    }

    /// This endpoint's machine token (the public half of its identity).
    #[getter]
    fn machine_token(&self, py: Python<'_>) -> PyMachineToken {
        PyMachineToken {
            inner: self.with(py, |e| e.identity().machine_token()),
        }
    }

    /// The machine tokens of the previous identities still accepted for receiving, newest
    /// first (at most 2): see `rotate_identity`.
    #[getter]
    fn previous_identities(&self, py: Python<'_>) -> Vec<PyMachineToken> {
        self.with(py, |e| {
            e.previous_identities()
                .iter()
                .map(|i| PyMachineToken {
                    inner: i.machine_token(),
                })
                .collect()
        })
    }

    /// Rotation (docs/ROTATION.md), step 1: keeps `identity`'s key for receiving besides the
    /// current one, so that tokens sealed to its machine token validate: the next key before it
    /// is published, or an old one. Tokens are still created with the current identity. At
    /// most 2 previous identities are kept, newest first; adding the current key or one already
    /// kept changes nothing but the order. `identity` must have the endpoint's name
    /// (`ValueError`).
    fn add_previous_identity(
        &self,
        py: Python<'_>,
        identity: &Bound<'_, PyIdentity>,
    ) -> PyResult<()> {
        let identity = self.same_name(py, identity.get(), "add_previous_identity")?;
        py.detach(|| self.write().add_previous_identity(identity));
        Ok(())
    }

    /// Rotation, the switch: `identity` becomes the current identity (tokens are created with
    /// it from now on, and `machine_token` is its), and the current one is kept as a previous
    /// identity, so that tokens sealed to the old key and still in flight keep validating. The
    /// endpoint changes in place for every thread; `identity` must have its name (`ValueError`).
    fn rotate_identity(&self, py: Python<'_>, identity: &Bound<'_, PyIdentity>) -> PyResult<()> {
        let identity = self.same_name(py, identity.get(), "rotate_identity")?;
        py.detach(|| self.write().rotate_identity(identity));
        Ok(())
    }

    /// Rotation, the end: forgets the previous identities; tokens sealed to their keys no
    /// longer validate.
    fn clear_previous_identities(&self, py: Python<'_>) {
        py.detach(|| self.write().clear_previous_identities());
    }

    /// The directory given to the constructor, or `None`.
    #[getter]
    fn directory(&self, py: Python<'_>) -> Option<Py<PyDirectory>> {
        self.directory.as_ref().map(|d| d.clone_ref(py))
    }

    /// Whether replay protection is on.
    #[getter]
    fn replay_protection(&self, py: Python<'_>) -> bool {
        self.with(py, hxjwt::Endpoint::replay_protection)
    }

    /// The fixed Unix time of this endpoint's clock, or `None` for the system clock.
    #[getter]
    fn clock(&self) -> Option<i64> {
        self.clock
    }

    /// The time now by this endpoint's clock, in Unix seconds.
    fn now(&self, py: Python<'_>) -> i64 {
        self.with(py, hxjwt::Endpoint::now)
    }

    /// Lets the garbage collector see the directory (see `Directory.__traverse__`).
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.directory)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let (name, leeway, replay) = self.with(py, |e| {
            (
                e.identity().name().to_owned(),
                e.policy().leeway,
                e.replay_protection(),
            )
        });
        format!(
            "Endpoint(name={}, directory={}, leeway={}, replay_protection={}{})",
            py_repr(py, &name),
            if self.directory.is_some() {
                "<Directory>"
            } else {
                "None"
            },
            leeway,
            if replay { "True" } else { "False" },
            self.clock
                .map_or_else(String::new, |c| format!(", clock={c}")),
        )
    }
}

/// A validated token: who sent it to whom and when (Unix seconds), and the decrypted payload.
#[pyclass(frozen, module = "hxjwt", name = "Message")]
pub(crate) struct PyMessage {
    inner: hxjwt::Message,
}

#[pymethods]
impl PyMessage {
    /// The sender's name (`iss`), authenticated.
    #[getter]
    fn issuer(&self) -> &str {
        self.inner.issuer()
    }

    /// The recipient's name (`aud`): the endpoint's name or one of its accepted audiences.
    #[getter]
    fn audience(&self) -> &str {
        self.inner.audience()
    }

    /// `iat`, in Unix seconds.
    #[getter]
    fn issued_at(&self) -> i64 {
        self.inner.issued_at()
    }

    /// `exp`, in Unix seconds.
    #[getter]
    fn expires_at(&self) -> i64 {
        self.inner.expires_at()
    }

    /// `nbf`, in Unix seconds, or `None` if the token had none.
    #[getter]
    fn not_before(&self) -> Option<i64> {
        self.inner.not_before()
    }

    /// The token's `jti`, or `None`.
    #[getter]
    fn jti(&self) -> Option<&str> {
        self.inner.jti()
    }

    /// The token's `cty` (the payload's media type), or `None`.
    #[getter]
    fn content_type(&self) -> Option<&str> {
        self.inner.content_type()
    }

    /// The mode of the token: `"HX1"` or `"ECDH-1PU"` (see `Endpoint.create`'s `protocol`).
    #[getter]
    fn protocol(&self) -> &'static str {
        self.inner.protocol()
    }

    /// The decrypted payload.
    #[getter]
    fn payload<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.payload())
    }

    /// The payload parsed as JSON (what a dict payload becomes again). Raises `DecodeError`
    /// (with the `json` error as its cause) when the payload is not JSON.
    fn json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let payload = PyBytes::new(py, self.inner.payload());
        json_loads(py, payload.as_any()).map_err(|e| {
            let err = DecodeError::new_err(format!("the payload is not JSON: {e}"));
            err.set_cause(py, Some(e));
            err
        })
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Message(issuer={}, audience={}, issued_at={}, expires_at={}, payload=<{} bytes>)",
            py_repr(py, self.inner.issuer()),
            py_repr(py, self.inner.audience()),
            self.inner.issued_at(),
            self.inner.expires_at(),
            self.inner.payload().len()
        )
    }
}

/// `hxjwt.dangerous.create_with_material`: `create` with the caller's 64-byte `material` (M)
/// and 12-byte `iv` instead of random ones. **Reusing them destroys confidentiality and
/// authenticity**: this exists to reproduce known-answer vectors byte for byte.
#[pyfunction]
#[pyo3(signature = (endpoint, payload, *, to, material, iv, ttl = Int(300), jti = None, not_before = None, content_type = None))]
#[pyo3(
    text_signature = "(endpoint, payload, *, to, material, iv, ttl=300, jti=None, \
                         not_before=None, content_type=None)"
)]
#[expect(clippy::too_many_arguments, reason = "Python keyword arguments")]
pub(crate) fn _dangerous_create_with_material(
    py: Python<'_>,
    endpoint: &Bound<'_, PyEndpoint>,
    payload: &Bound<'_, PyAny>,
    to: &Bound<'_, PyMachineToken>,
    material: &[u8],
    iv: &[u8],
    ttl: Int,
    jti: Option<String>,
    not_before: Option<Int>,
    content_type: Option<String>,
) -> PyResult<String> {
    let plaintext = payload_bytes(payload)?;
    let opts = create_options(ttl, jti, not_before, content_type)?;
    let material = exact::<64>(material, "material")?;
    let iv = exact::<12>(iv, "iv")?;
    let endpoint: &PyEndpoint = endpoint.get();
    let to = &to.get().inner;
    let plaintext: &[u8] = &plaintext;
    detached(py, || {
        let endpoint = endpoint.read();
        hxjwt::dangerous::hx1_create_with_material(&endpoint, to, plaintext, &opts, &material, &iv)
    })
}
