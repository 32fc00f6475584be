//! The one error type of hxjwt: a [`Kind`](ErrorKind) to match on and a message for people.

use std::borrow::Cow;
use std::fmt;

/// What went wrong. One kind is one C `HxStatus` and one Python exception class, in every face.
///
/// The kinds follow PROTOCOL.md §6. Matching on them is the stable way to react to a failure;
/// the message ([`Error::detail`]) is for people and may change between versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Not three canonical base64url segments, not the JSON expected, or over a size or depth
    /// limit.
    Malformed,
    /// The `alg` (or the HX1 `channelSecurityContext`) is not one that is accepted here.
    UnsupportedAlgorithm,
    /// The header has a member this version does not know, or a `crit` member.
    UnknownHeader,
    /// The `aud` of the token is not a name this endpoint accepts.
    WrongAudience,
    /// The directory has no machine token for the `iss` of the token.
    UnknownIssuer,
    /// The machine token passed by the caller is not the one of the token's `iss`.
    IssuerMismatch,
    /// A key is malformed, of the wrong type or size, or of low order.
    InvalidKey,
    /// The signature (MAC) is wrong, or the wrapped key did not unwrap: one kind for both, so
    /// that an attacker learns nothing from which one failed.
    InvalidSignature,
    /// The token's `exp` has passed (beyond the leeway).
    Expired,
    /// The token's `iat` or `nbf` is in the future (beyond the leeway).
    NotYetValid,
    /// The token lives longer (`exp - iat`) than the policy allows.
    LifetimeTooLong,
    /// The payload did not decrypt although the signature was valid.
    DecryptionFailed,
    /// The token was already accepted once and replay protection is on.
    Replayed,
    /// The directory could not answer (I/O error, callback failure, bad data from it).
    ResolverFailed,
    /// An argument given by the caller is unusable (empty name, NULL pointer, bad option).
    InvalidArgument,
    /// A bug in hxjwt (a caught panic). Never expected; please report it.
    Internal,
    /// A claim the validation requires is absent (JWS).
    MissingClaim,
    /// A claim has the wrong type, or a value the validation does not accept (`sub`, `typ`) (JWS).
    InvalidClaim,
    /// No key in the key set matches the token's `kid` and algorithm (JWS).
    KeyNotFound,
    /// The token was revoked (JWS token pairs).
    Revoked,
    /// A shared replay or revocation store (Redis) could not be reached or did not answer in
    /// time. The token is refused: a check that could not run never accepts (fail closed).
    StoreUnavailable,
}

impl ErrorKind {
    /// Every kind, in the order of their C status codes.
    pub const ALL: [ErrorKind; 21] = [
        ErrorKind::Malformed,
        ErrorKind::UnsupportedAlgorithm,
        ErrorKind::UnknownHeader,
        ErrorKind::WrongAudience,
        ErrorKind::UnknownIssuer,
        ErrorKind::IssuerMismatch,
        ErrorKind::InvalidKey,
        ErrorKind::InvalidSignature,
        ErrorKind::Expired,
        ErrorKind::NotYetValid,
        ErrorKind::LifetimeTooLong,
        ErrorKind::DecryptionFailed,
        ErrorKind::Replayed,
        ErrorKind::ResolverFailed,
        ErrorKind::InvalidArgument,
        ErrorKind::Internal,
        ErrorKind::MissingClaim,
        ErrorKind::InvalidClaim,
        ErrorKind::KeyNotFound,
        ErrorKind::Revoked,
        ErrorKind::StoreUnavailable,
    ];

    /// The kind's stable name, as used in test vectors and by the CLI (`"InvalidSignature"`).
    pub const fn name(self) -> &'static str {
        match self {
            ErrorKind::Malformed => "Malformed",
            ErrorKind::UnsupportedAlgorithm => "UnsupportedAlgorithm",
            ErrorKind::UnknownHeader => "UnknownHeader",
            ErrorKind::WrongAudience => "WrongAudience",
            ErrorKind::UnknownIssuer => "UnknownIssuer",
            ErrorKind::IssuerMismatch => "IssuerMismatch",
            ErrorKind::InvalidKey => "InvalidKey",
            ErrorKind::InvalidSignature => "InvalidSignature",
            ErrorKind::Expired => "Expired",
            ErrorKind::NotYetValid => "NotYetValid",
            ErrorKind::LifetimeTooLong => "LifetimeTooLong",
            ErrorKind::DecryptionFailed => "DecryptionFailed",
            ErrorKind::Replayed => "Replayed",
            ErrorKind::ResolverFailed => "ResolverFailed",
            ErrorKind::InvalidArgument => "InvalidArgument",
            ErrorKind::Internal => "Internal",
            ErrorKind::MissingClaim => "MissingClaim",
            ErrorKind::InvalidClaim => "InvalidClaim",
            ErrorKind::KeyNotFound => "KeyNotFound",
            ErrorKind::Revoked => "Revoked",
            ErrorKind::StoreUnavailable => "StoreUnavailable",
        }
    }

    /// The kind whose [`name`](Self::name) is `name`, if any.
    pub fn from_name(name: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An hxjwt error: [`kind()`](Error::kind) to match on, and a message naming the member, segment
/// or argument at fault. No message ever contains key material.
///
/// ```
/// use hxjwt::{Error, ErrorKind};
/// let e = Error::new(ErrorKind::Expired, "token expired at 1700000000");
/// assert_eq!(e.kind(), ErrorKind::Expired);
/// assert_eq!(e.to_string(), "Expired: token expired at 1700000000");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {detail}")]
pub struct Error {
    kind: ErrorKind,
    detail: Cow<'static, str>,
    claim: Option<Box<str>>,
}

impl Error {
    /// A new error of `kind` with a message for people.
    pub fn new(kind: ErrorKind, detail: impl Into<Cow<'static, str>>) -> Self {
        Error {
            kind,
            detail: detail.into(),
            claim: None,
        }
    }

    /// The same error, naming the claim (or header member) it is about.
    #[must_use]
    pub fn with_claim(mut self, claim: &str) -> Self {
        self.claim = Some(claim.into());
        self
    }

    /// The claim the error is about (`"exp"`, `"aud"`, …), for the claim-related kinds.
    pub fn claim(&self) -> Option<&str> {
        self.claim.as_deref()
    }

    /// What went wrong, to match on.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message without the kind prefix.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    pub(crate) fn malformed(detail: impl Into<Cow<'static, str>>) -> Self {
        Error::new(ErrorKind::Malformed, detail)
    }

    pub(crate) fn invalid_key(detail: impl Into<Cow<'static, str>>) -> Self {
        Error::new(ErrorKind::InvalidKey, detail)
    }

    pub(crate) fn invalid_argument(detail: impl Into<Cow<'static, str>>) -> Self {
        Error::new(ErrorKind::InvalidArgument, detail)
    }
}

/// `Result<T, hxjwt::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Quotes untrusted text for an error message: at most 64 characters, control characters escaped.
pub(crate) fn quote(text: &str) -> String {
    const MAX: usize = 64;
    let mut out = String::with_capacity(text.len().min(MAX) + 8);
    out.push('"');
    for (i, c) in text.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        out.extend(c.escape_debug());
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for k in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_name(k.name()), Some(k));
            assert!(seen.insert(k.name()));
        }
        assert_eq!(ErrorKind::from_name("nope"), None);
    }

    #[test]
    fn quote_bounds_and_escapes() {
        assert_eq!(quote("a\nb"), "\"a\\nb\"");
        let long = "x".repeat(1000);
        assert!(quote(&long).chars().count() < 70);
    }
}
