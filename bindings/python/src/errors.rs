//! The exception classes, and the one place where a core error becomes one of them.
//!
//! The tree mirrors `PyJWT`'s, so that `import hxjwt as jwt` keeps `except jwt.InvalidTokenError`
//! working; HX1's own kinds hang under the `PyJWT` class a caller would already catch:
//!
//! ```text
//! PyJWTError (alias HxJwtError)
//! ├── InvalidTokenError
//! │   ├── DecodeError ......................... Malformed
//! │   │   └── InvalidSignatureError ........... InvalidSignature
//! │   ├── InvalidAlgorithmError ............... UnsupportedAlgorithm
//! │   ├── UnknownHeaderError .................. UnknownHeader
//! │   ├── InvalidAudienceError ................ WrongAudience
//! │   ├── InvalidIssuerError
//! │   │   ├── UnknownIssuerError .............. UnknownIssuer
//! │   │   └── IssuerMismatchError ............. IssuerMismatch
//! │   ├── ExpiredSignatureError ............... Expired
//! │   ├── ImmatureSignatureError .............. NotYetValid
//! │   ├── LifetimeTooLongError ................ LifetimeTooLong
//! │   ├── DecryptionError ..................... DecryptionFailed
//! │   ├── ReplayedTokenError .................. Replayed
//! │   ├── MissingRequiredClaimError ........... MissingClaim
//! │   ├── InvalidClaimError ................... InvalidClaim
//! │   ├── KeyNotFoundError .................... KeyNotFound
//! │   ├── RevokedTokenError ................... Revoked
//! │   └── StoreUnavailableError ............... StoreUnavailable
//! ├── InvalidKeyError ......................... InvalidKey
//! ├── ResolverError ........................... ResolverFailed
//! ├── InvalidArgumentError (also ValueError) .. InvalidArgument
//! └── InternalError ........................... Internal
//! ```

use std::cell::RefCell;

use hxjwt::ErrorKind;
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

create_exception!(
    hxjwt,
    PyJWTError,
    PyException,
    "Base class of every hxjwt error (alias: HxJwtError). `.kind` names the core error kind."
);
create_exception!(
    hxjwt,
    InvalidTokenError,
    PyJWTError,
    "The token is not acceptable: base class of every validation failure."
);
create_exception!(
    hxjwt,
    DecodeError,
    InvalidTokenError,
    "Malformed: not three canonical base64url segments, not the JSON expected, or too large."
);
create_exception!(
    hxjwt,
    InvalidSignatureError,
    DecodeError,
    "InvalidSignature: the MAC is wrong, or the wrapped key did not unwrap (wrong sender key)."
);
create_exception!(
    hxjwt,
    InvalidAlgorithmError,
    InvalidTokenError,
    "UnsupportedAlgorithm: the alg or channelSecurityContext is not the HX1 one."
);
create_exception!(
    hxjwt,
    UnknownHeaderError,
    InvalidTokenError,
    "UnknownHeader: the header has a member HX1 does not know, or a crit member."
);
create_exception!(
    hxjwt,
    InvalidAudienceError,
    InvalidTokenError,
    "WrongAudience: the token's aud is not a name this endpoint accepts."
);
create_exception!(
    hxjwt,
    InvalidIssuerError,
    InvalidTokenError,
    "The token's iss cannot be accepted: base class of UnknownIssuerError and IssuerMismatchError."
);
create_exception!(
    hxjwt,
    UnknownIssuerError,
    InvalidIssuerError,
    "UnknownIssuer: the directory has no machine token for the name (iss, or create's `to`)."
);
create_exception!(
    hxjwt,
    IssuerMismatchError,
    InvalidIssuerError,
    "IssuerMismatch: the sender machine token passed is not the one of the token's iss."
);
create_exception!(
    hxjwt,
    ExpiredSignatureError,
    InvalidTokenError,
    "Expired: the token's exp has passed (beyond the leeway)."
);
create_exception!(
    hxjwt,
    ImmatureSignatureError,
    InvalidTokenError,
    "NotYetValid: the token's iat or nbf is in the future (beyond the leeway)."
);
create_exception!(
    hxjwt,
    LifetimeTooLongError,
    InvalidTokenError,
    "LifetimeTooLong: exp - iat is longer than the endpoint's max_lifetime."
);
create_exception!(
    hxjwt,
    DecryptionError,
    InvalidTokenError,
    "DecryptionFailed: the payload did not decrypt although the signature was valid."
);
create_exception!(
    hxjwt,
    ReplayedTokenError,
    InvalidTokenError,
    "Replayed: the token was already accepted once and replay protection is on."
);
create_exception!(
    hxjwt,
    MissingRequiredClaimError,
    InvalidTokenError,
    "MissingClaim: a claim the validation requires is absent."
);
create_exception!(
    hxjwt,
    InvalidClaimError,
    InvalidTokenError,
    "InvalidClaim: a claim has the wrong type, or a value the validation does not accept."
);
create_exception!(
    hxjwt,
    KeyNotFoundError,
    InvalidTokenError,
    "KeyNotFound: no key of the key set matches the token's kid and algorithm."
);
create_exception!(
    hxjwt,
    RevokedTokenError,
    InvalidTokenError,
    "Revoked: the token was revoked."
);
create_exception!(
    hxjwt,
    StoreUnavailableError,
    InvalidTokenError,
    "StoreUnavailable: a shared replay or revocation store (Redis) did not answer in time; the \
     token is refused, never accepted unchecked. Answer 503 rather than 401 if you tell them apart."
);
create_exception!(
    hxjwt,
    InvalidKeyError,
    PyJWTError,
    "InvalidKey: a JWK is malformed, of the wrong type or size, private where a public one is \
     expected, or of low order."
);
create_exception!(
    hxjwt,
    ResolverError,
    PyJWTError,
    "ResolverFailed: the directory could not answer (a callable raised or returned garbage, a \
     JWK Set file could not be read)."
);
create_exception!(
    hxjwt,
    InternalError,
    PyJWTError,
    "Internal: a bug in hxjwt. Never expected; please report it."
);

/// `InvalidArgumentError(PyJWTError, ValueError)`: two bases, which `create_exception!` cannot
/// express, so it is made by calling `type()` once.
static INVALID_ARGUMENT: PyOnceLock<Py<PyType>> = PyOnceLock::new();

const INVALID_ARGUMENT_DOC: &str = "InvalidArgument: an argument is unusable (an empty or too long \
    name, ttl 0, create(to=name) without a directory, ...). Also a ValueError.";

fn invalid_argument_type(py: Python<'_>) -> PyResult<Bound<'_, PyType>> {
    INVALID_ARGUMENT
        .get_or_try_init(py, || {
            let bases = PyTuple::new(
                py,
                [py.get_type::<PyJWTError>(), py.get_type::<PyValueError>()],
            )?;
            let dict = PyDict::new(py);
            dict.set_item("__module__", "hxjwt")?;
            dict.set_item("__doc__", INVALID_ARGUMENT_DOC)?;
            let ty = py
                .get_type::<PyType>()
                .call1(("InvalidArgumentError", bases, dict))?;
            Ok::<_, PyErr>(ty.cast_into::<PyType>()?.unbind())
        })
        .map(|ty| ty.bind(py).clone())
}

/// The exception class of `kind`, if this binding has one for it (the core's `ErrorKind` is
/// non-exhaustive: a kind newer than this binding has none, and is raised as [`PyJWTError`]).
fn own_class(py: Python<'_>, kind: ErrorKind) -> Option<Bound<'_, PyType>> {
    Some(match kind {
        ErrorKind::Malformed => py.get_type::<DecodeError>(),
        ErrorKind::UnsupportedAlgorithm => py.get_type::<InvalidAlgorithmError>(),
        ErrorKind::UnknownHeader => py.get_type::<UnknownHeaderError>(),
        ErrorKind::WrongAudience => py.get_type::<InvalidAudienceError>(),
        ErrorKind::UnknownIssuer => py.get_type::<UnknownIssuerError>(),
        ErrorKind::IssuerMismatch => py.get_type::<IssuerMismatchError>(),
        ErrorKind::InvalidKey => py.get_type::<InvalidKeyError>(),
        ErrorKind::InvalidSignature => py.get_type::<InvalidSignatureError>(),
        ErrorKind::Expired => py.get_type::<ExpiredSignatureError>(),
        ErrorKind::NotYetValid => py.get_type::<ImmatureSignatureError>(),
        ErrorKind::LifetimeTooLong => py.get_type::<LifetimeTooLongError>(),
        ErrorKind::DecryptionFailed => py.get_type::<DecryptionError>(),
        ErrorKind::Replayed => py.get_type::<ReplayedTokenError>(),
        ErrorKind::ResolverFailed => py.get_type::<ResolverError>(),
        ErrorKind::InvalidArgument => invalid_argument_type(py).ok()?,
        ErrorKind::Internal => py.get_type::<InternalError>(),
        ErrorKind::MissingClaim => py.get_type::<MissingRequiredClaimError>(),
        ErrorKind::InvalidClaim => py.get_type::<InvalidClaimError>(),
        ErrorKind::KeyNotFound => py.get_type::<KeyNotFoundError>(),
        ErrorKind::Revoked => py.get_type::<RevokedTokenError>(),
        ErrorKind::StoreUnavailable => py.get_type::<StoreUnavailableError>(),
        _ => return None,
    })
}

thread_local! {
    /// The exception a directory callable raised during the current core call on this thread,
    /// kept to become the `__cause__` of the `ResolverError` that the core reports.
    static CALLBACK_ERROR: RefCell<Option<PyErr>> = const { RefCell::new(None) };
}

/// Remembers `err` as the cause of the `ResolverError` about to be reported on this thread.
pub(crate) fn stash_callback_error(err: PyErr) {
    CALLBACK_ERROR.with(|slot| *slot.borrow_mut() = Some(err));
}

fn take_callback_error() -> Option<PyErr> {
    CALLBACK_ERROR.with(|slot| slot.borrow_mut().take())
}

/// The one place a core error becomes an exception [pyca]: a function, since the orphan rule
/// forbids `impl From<hxjwt::Error> for PyErr`. The message is the error's detail (the class
/// already says the kind); `.kind` is the kind's name.
pub(crate) fn to_py_err(py: Python<'_>, e: &hxjwt::Error) -> PyErr {
    let kind = e.kind();
    let err = match own_class(py, kind) {
        Some(class) => PyErr::from_type(class, e.detail().to_owned()),
        None => {
            // A kind newer than this binding: raised as PyJWTError, whose instance says the kind.
            let err = PyJWTError::new_err(e.detail().to_owned());
            let _ = err.value(py).setattr("kind", kind.name());
            err
        }
    };
    if kind == ErrorKind::ResolverFailed {
        if let Some(cause) = take_callback_error() {
            err.set_cause(py, Some(cause));
        }
    }
    err
}

/// Runs a core operation with the GIL released (crypto and parsing never need it) and turns its
/// error into an exception. A directory callable re-acquires the GIL for its own call only.
pub(crate) fn detached<T, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    F: Send + FnOnce() -> hxjwt::Result<T>,
    T: Send,
{
    drop(take_callback_error());
    let result = py.detach(f).map_err(|e| to_py_err(py, &e));
    drop(take_callback_error());
    result
}

/// Like [`detached`], for quick calls that keep the GIL (a directory lookup from Python).
pub(crate) fn attached<T>(py: Python<'_>, result: hxjwt::Result<T>) -> PyResult<T> {
    let result = result.map_err(|e| to_py_err(py, &e));
    drop(take_callback_error());
    result
}

/// `_raise_error_kind(name, detail)`: raises what a core error of kind `name` becomes, through
/// [`to_py_err`]. For the tests, which cannot provoke every kind (`Internal`, for one) through the
/// API. An unknown name raises `ValueError`.
#[pyfunction]
pub(crate) fn _raise_error_kind(py: Python<'_>, name: &str, detail: String) -> PyResult<()> {
    let kind = ErrorKind::from_name(name)
        .ok_or_else(|| PyValueError::new_err(format!("no error kind is named {name:?}")))?;
    Err(to_py_err(py, &hxjwt::Error::new(kind, detail)))
}

/// Adds every exception class to the module, sets each class's `kind` (`None` on the pure base
/// classes), and `ERROR_CLASSES`, the read-only map from every core kind name to its class.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let bases = [
        py.get_type::<PyJWTError>(),
        py.get_type::<InvalidTokenError>(),
        py.get_type::<InvalidIssuerError>(),
    ];
    for base in &bases {
        base.setattr("kind", py.None())?;
    }
    let invalid_argument = invalid_argument_type(py)?;
    m.add("InvalidArgumentError", &invalid_argument)?;
    let by_kind = PyDict::new(py);
    for kind in ErrorKind::ALL {
        // A kind without a class of its own is left out, which the Python tests detect.
        if let Some(class) = own_class(py, kind) {
            class.setattr("kind", kind.name())?;
            by_kind.set_item(kind.name(), class)?;
        }
    }
    let proxy = py
        .import("types")?
        .getattr("MappingProxyType")?
        .call1((by_kind,))?;
    m.add("ERROR_CLASSES", proxy)?;
    Ok(())
}
