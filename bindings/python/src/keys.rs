//! `Identity` (a name and an X25519 key pair) and `MachineToken` (its public half).

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::convert::{json_object, json_text, py_repr};
use crate::errors::{attached, detached};

/// A service's identity: a name and a static X25519 key pair. Keep it secret.
///
/// Make one with `Identity.generate(name)` or load one with `Identity.from_jwk(jwk)`; give
/// `identity.machine_token` (the public half) to the services that talk to this one.
/// `repr()` never shows the private key; `to_jwk()` does, explicitly.
#[pyclass(frozen, module = "hxjwt", name = "Identity")]
pub(crate) struct PyIdentity {
    pub(crate) inner: hxjwt::Identity,
}

#[pymethods]
impl PyIdentity {
    /// A new identity named `name` with a fresh key pair from the OS's CSPRNG.
    ///
    /// Raises `InvalidArgumentError` (a `ValueError`) for an empty name, a name longer than 255
    /// bytes or one with a control character.
    #[staticmethod]
    fn generate(py: Python<'_>, name: &str) -> PyResult<Self> {
        detached(py, || hxjwt::Identity::generate(name)).map(|inner| PyIdentity { inner })
    }

    /// An identity from a private OKP X25519 JWK (with `d`), given as JSON text or a dict.
    ///
    /// Raises `InvalidKeyError` if it is not one (a public JWK, another key type, `x` not
    /// matching `d`, ...).
    #[staticmethod]
    fn from_jwk(py: Python<'_>, jwk: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = json_text(jwk, "jwk")?;
        let text: &str = &text;
        detached(py, || hxjwt::Identity::from_jwk(text)).map(|inner| PyIdentity { inner })
    }

    /// The identity's name (the JWK's `kid`).
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// The public half, to give to peers or to put in a directory.
    #[getter]
    fn machine_token(&self) -> PyMachineToken {
        PyMachineToken {
            inner: self.inner.machine_token(),
        }
    }

    /// The private OKP JWK as a dict, **including the private key `d`**: store it like a password.
    fn to_jwk<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_object(py, &self.inner.to_private_jwk())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Identity(name={}, x={})",
            py_repr(py, self.inner.name()),
            py_repr(py, &public_x(&self.inner.machine_token()))
        )
    }
}

/// The base64url `x` of a machine token.
fn public_x(token: &hxjwt::MachineToken) -> String {
    hxjwt::b64::encode(token.public_key())
}

/// A service's public machine token: its name and its X25519 public key.
///
/// Its portable form is a public OKP JWK (RFC 8037) whose `kid` is the name:
/// `MachineToken.from_jwk(jwk)` and `token.to_jwk()`. Tokens compare and hash by value.
#[pyclass(frozen, eq, hash, module = "hxjwt", name = "MachineToken")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct PyMachineToken {
    pub(crate) inner: hxjwt::MachineToken,
}

#[pymethods]
impl PyMachineToken {
    /// A machine token from a public OKP X25519 JWK, given as JSON text or a dict.
    ///
    /// Raises `InvalidKeyError` for a JWK that is not one: another `kty`/`crv`, a `use` other
    /// than `"enc"`, a key of the wrong size or of low order, or a private JWK (with `d`).
    #[staticmethod]
    fn from_jwk(py: Python<'_>, jwk: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = json_text(jwk, "jwk")?;
        let text: &str = &text;
        attached(py, hxjwt::MachineToken::from_jwk(text)).map(|inner| PyMachineToken { inner })
    }

    /// The identity name (the JWK's `kid`).
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// The raw 32-byte X25519 public key.
    #[getter]
    fn public_key<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.public_key())
    }

    /// The public OKP JWK as a dict (`kty`, `crv`, `kid`, `use`, `x`).
    fn to_jwk<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_object(py, &self.inner.to_jwk())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "MachineToken(name={}, x={})",
            py_repr(py, self.inner.name()),
            py_repr(py, &public_x(&self.inner))
        )
    }
}
