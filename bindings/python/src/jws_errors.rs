//! The exceptions of the standard-JWT functions (`encode`, `decode`, `PyJWK`, ...): `PyJWT`'s
//! classes under `PyJWT`'s conditions.
//!
//! The core reports one kind per failure and names the claim it is about
//! ([`hxjwt::Error::claim`]); `PyJWT` picks its class by claim. [`to_jws_err`] does the same:
//!
//! ```text
//! core kind, claim            raised as (PyJWT's class)             message
//! MissingClaim, any           MissingRequiredClaimError (.claim)    Token is missing the "x" claim
//! InvalidClaim, iat           InvalidIssuedAtError                  the core's
//! InvalidClaim, exp | nbf     DecodeError                           the core's
//! InvalidClaim, aud           InvalidAudienceError                  the core's
//! InvalidClaim, iss           InvalidIssuerError                    the core's
//! InvalidClaim, sub           InvalidSubjectError                   the core's
//! InvalidClaim, jti           InvalidJTIError                       the core's
//! Expired, exp                ExpiredSignatureError                 Signature has expired
//! NotYetValid, nbf | iat      ImmatureSignatureError                The token is not yet valid (nbf)
//! InvalidSignature            InvalidSignatureError                 Signature verification failed
//! anything else               the kind's own class (errors.rs)      the core's
//! ```
//!
//! Every instance carries `.kind` (the core kind's name, whatever the class) and `.claim` (the
//! claim or header member, or `None`). The classes `PyJWT` has and hxjwt's HX1 face did not
//! (`InvalidIssuedAtError`, `InvalidSubjectError`, `InvalidJTIError`, the `PyJWK*` errors) sit
//! where `PyJWT` puts them.

use hxjwt::ErrorKind;
use pyo3::create_exception;
use pyo3::prelude::*;
use pyo3::types::PyType;

use crate::errors::{
    DecodeError, ExpiredSignatureError, ImmatureSignatureError, InvalidAudienceError,
    InvalidIssuerError, InvalidSignatureError, InvalidTokenError, MissingRequiredClaimError,
    PyJWTError, to_py_err,
};

create_exception!(
    hxjwt,
    InvalidIssuedAtError,
    InvalidTokenError,
    "The token's iat is not a NumericDate (a number). PyJWT's class for core kind InvalidClaim."
);
create_exception!(
    hxjwt,
    InvalidSubjectError,
    InvalidTokenError,
    "The token's sub is not a string, or not the subject required. PyJWT's class for core \
     kind InvalidClaim."
);
create_exception!(
    hxjwt,
    InvalidJTIError,
    InvalidTokenError,
    "The token's jti is not a string. PyJWT's class for core kind InvalidClaim."
);
create_exception!(
    hxjwt,
    PyJWKError,
    PyJWTError,
    "PyJWK cannot find an algorithm for the JWK (an alg hxjwt does not implement)."
);
create_exception!(
    hxjwt,
    MissingCryptographyError,
    PyJWKError,
    "PyJWT's class for a missing `cryptography` package. Never raised: hxjwt needs no other \
     package for any algorithm."
);
create_exception!(
    hxjwt,
    PyJWKSetError,
    PyJWTError,
    "A JWK Set is empty, not a list of keys, or has no key hxjwt can use."
);
create_exception!(
    hxjwt,
    PyJWKClientError,
    PyJWTError,
    "PyJWKClient failed: no signing key matches the kid, the set has no signing key, or the \
     lifespan is not above 0 (PyJWT's class and messages)."
);
create_exception!(
    hxjwt,
    PyJWKClientConnectionError,
    PyJWKClientError,
    "PyJWKClient could not fetch the JWK Set (unreachable, HTTP error, too large, not a JWK \
     Set); its __cause__ is the core's ResolverError."
);

/// The class `PyJWT` raises for a core error about `claim`, and the message to give it (`None`:
/// the core's own message). `None` as a whole: the kind's own class does.
fn pyjwt_class<'py>(
    py: Python<'py>,
    kind: ErrorKind,
    claim: Option<&str>,
    detail: &str,
) -> Option<(Bound<'py, PyType>, Option<String>)> {
    let text = |t: &str| Some(t.to_owned());
    Some(match (kind, claim) {
        (ErrorKind::MissingClaim, Some(claim)) => (
            py.get_type::<MissingRequiredClaimError>(),
            Some(format!("Token is missing the \"{claim}\" claim")),
        ),
        (ErrorKind::InvalidClaim, Some("iat")) => (
            py.get_type::<InvalidIssuedAtError>(),
            text("Issued At claim (iat) must be an integer."),
        ),
        (ErrorKind::InvalidClaim, Some("exp")) => (
            py.get_type::<DecodeError>(),
            text("Expiration Time claim (exp) must be an integer."),
        ),
        (ErrorKind::InvalidClaim, Some("nbf")) => (
            py.get_type::<DecodeError>(),
            text("Not Before claim (nbf) must be an integer."),
        ),
        (ErrorKind::InvalidClaim, Some("aud")) => (
            py.get_type::<InvalidAudienceError>(),
            text("Invalid claim format in token"),
        ),
        (ErrorKind::InvalidClaim, Some("iss")) => (
            py.get_type::<InvalidIssuerError>(),
            text("Payload Issuer (iss) must be a string"),
        ),
        (ErrorKind::InvalidClaim, Some("sub")) => (
            py.get_type::<InvalidSubjectError>(),
            if detail.starts_with("subject ") {
                text("Invalid subject")
            } else {
                text("Subject must be a string")
            },
        ),
        (ErrorKind::InvalidClaim, Some("jti")) => (
            py.get_type::<InvalidJTIError>(),
            text("JWT ID must be a string"),
        ),
        (ErrorKind::WrongAudience, _) => (
            py.get_type::<InvalidAudienceError>(),
            if detail.starts_with("the token has an audience, but") {
                text("Invalid audience")
            } else {
                text("Audience doesn't match")
            },
        ),
        (ErrorKind::IssuerMismatch, _) => (
            py.get_type::<crate::errors::IssuerMismatchError>(),
            text("Invalid issuer"),
        ),
        (ErrorKind::Malformed, _) => (py.get_type::<DecodeError>(), pyjwt_decode_message(detail)),
        (ErrorKind::Expired, Some("exp")) => (
            py.get_type::<ExpiredSignatureError>(),
            Some("Signature has expired".to_owned()),
        ),
        (ErrorKind::NotYetValid, Some(claim @ ("nbf" | "iat"))) => (
            py.get_type::<ImmatureSignatureError>(),
            Some(format!("The token is not yet valid ({claim})")),
        ),
        (ErrorKind::InvalidSignature, _) => (
            py.get_type::<InvalidSignatureError>(),
            Some("Signature verification failed".to_owned()),
        ),
        _ => return None,
    })
}

/// `PyJWT`'s message for a token the core could not decode, where `PyJWT` has one for the same
/// failure (`None`: the core's own message).
fn pyjwt_decode_message(detail: &str) -> Option<String> {
    let m = if detail.starts_with("token has 1 segment")
        || detail.starts_with("token has 2 segments")
        || detail.starts_with("a JWT has exactly 3 segments")
    {
        "Not enough segments".to_owned()
    } else if detail.starts_with("header segment") {
        "Invalid header padding".to_owned()
    } else if detail.starts_with("payload segment") {
        "Invalid payload padding".to_owned()
    } else if detail.starts_with("signature segment") {
        "Invalid crypto padding".to_owned()
    } else if detail == "header member \"kid\" is not a string" {
        "Key ID header parameter must be a string".to_owned()
    } else if detail == "header is not a JSON object" {
        "Invalid header string: must be a json object".to_owned()
    } else if let Some(rest) = detail.strip_prefix("header") {
        format!(
            "Invalid header string: {}",
            rest.trim_start_matches([':', ' '])
        )
    } else {
        return None;
    };
    Some(m)
}

/// A core error from a standard-JWT call as the exception `PyJWT` would raise (see the module
/// doc), with `.kind` and `.claim` set on the instance.
pub(crate) fn to_jws_err(py: Python<'_>, e: &hxjwt::Error) -> PyErr {
    let claim = e.claim();
    let err = match pyjwt_class(py, e.kind(), claim, e.detail()) {
        Some((class, message)) => {
            PyErr::from_type(class, message.unwrap_or_else(|| e.detail().to_owned()))
        }
        None => to_py_err(py, e),
    };
    let value = err.value(py);
    // Plain attribute writes on an exception instance: they cannot fail in practice, and if one
    // did, the exception itself is still the right one to raise.
    let _ = value.setattr("kind", e.kind().name());
    let _ = value.setattr("claim", claim);
    err
}

/// Class attributes the stubs promise: `claim` is `None` on `InvalidTokenError` (so on every
/// token error that is not about one claim).
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.py()
        .get_type::<InvalidTokenError>()
        .setattr("claim", m.py().None())
}
