//! The Python face of hxjwt: the extension module `hxjwt._hxjwt`, re-exported by the `hxjwt`
//! package (`bindings/python/python/hxjwt/`).
//!
//! It holds no token logic: every class wraps a core type, every error goes through
//! [`errors::to_py_err`], and crypto and parsing run with the GIL released.

mod convert;
mod directory;
mod endpoint;
mod errors;
mod explain;
mod jwe;
mod jwk;
mod jws;
mod jws_errors;
mod keys;
mod pyjson;
mod remote;
mod store;

use pyo3::prelude::*;

/// HX1 sender-authenticated encrypted JWTs between services (the Rust extension of `hxjwt`).
#[pymodule]
mod _hxjwt {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::directory::PyDirectory;
    #[pymodule_export]
    use super::endpoint::{_dangerous_create_with_material, PyEndpoint, PyMessage};
    #[pymodule_export]
    use super::errors::{
        _raise_error_kind, DecodeError, DecryptionError, ExpiredSignatureError,
        ImmatureSignatureError, InternalError, InvalidAlgorithmError, InvalidAudienceError,
        InvalidClaimError, InvalidIssuerError, InvalidKeyError, InvalidSignatureError,
        InvalidTokenError, IssuerMismatchError, KeyNotFoundError, LifetimeTooLongError,
        MissingRequiredClaimError, PyJWTError, ReplayedTokenError, ResolverError,
        RevokedTokenError, StoreUnavailableError, UnknownHeaderError, UnknownIssuerError,
    };
    #[pymodule_export]
    use super::explain::explain;
    #[pymodule_export]
    use super::jwk::{PyJwk, PyJwkSet, PyKey};
    #[pymodule_export]
    use super::jws::{
        _check_claims, _jws_parts, _jws_sign, _jws_verify, _set_pyjwt_defaults, decode,
        decode_complete, encode, get_unverified_header,
    };
    #[pymodule_export]
    use super::jws_errors::{
        InvalidIssuedAtError, InvalidJTIError, InvalidSubjectError, MissingCryptographyError,
        PyJWKClientConnectionError, PyJWKClientError, PyJWKError, PyJWKSetError,
    };
    #[pymodule_export]
    use super::keys::{PyIdentity, PyMachineToken};
    #[pymodule_export]
    use super::remote::PyJwkClient;
    #[pymodule_export]
    use super::store::{
        PyMemoryReplayStore, PyRedisReplayStore, PyRedisRevocationStore, PyTokenIssuer,
    };

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        m.add("CORE_VERSION", hxjwt::VERSION)?;
        super::errors::register(m)?;
        super::jwe::register(m)?;
        super::jws_errors::register(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pyo3::types::PyType;

    #[test]
    fn every_kind_has_a_distinct_class() {
        Python::initialize();
        Python::attach(|py| {
            let mut seen = Vec::new();
            for kind in hxjwt::ErrorKind::ALL {
                let e = errors::to_py_err(py, &hxjwt::Error::new(kind, "x"));
                let class = e.get_type(py);
                assert!(!class.is(py.get_type::<errors::PyJWTError>()), "{kind}");
                assert!(
                    !seen.iter().any(|c: &Bound<'_, PyType>| c.is(&class)),
                    "{kind}"
                );
                seen.push(class);
            }
        });
    }
}
