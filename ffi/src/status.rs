//! `HxStatus`: the result of every fallible call, one value per error kind of the core.

use std::ffi::{CStr, c_char};

use hxjwt::ErrorKind;

/// The result of every fallible `hx_*` call: `HX_OK`, or one `HX_ERR_*` value per error kind of
/// the core: the kinds of PROTOCOL.md section 6 (HX1) from 100, then those of standard JWTs from
/// 114. On failure, `hx_last_error_message()` says what went wrong.
///
/// ABI: values are only ever appended, never renumbered; retired values stay reserved.
/// `hx_status_name()` gives each value's name.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HxStatus {
    /// Success.
    HxOk = 0,
    /// An argument is unusable: a NULL pointer, a string that is not UTF-8, an empty or
    /// over-long name, a zero TTL, a handle of the wrong kind. The message names the argument.
    HxErrInvalidArgument = 1,
    /// Not three canonical base64url segments, not the JSON expected, or over a size or depth
    /// limit.
    HxErrMalformed = 100,
    /// The `alg` (or the HX1 `channelSecurityContext`) is not one that is accepted.
    HxErrUnsupportedAlgorithm = 101,
    /// The header has a member this version does not know, or a `crit` member.
    HxErrUnknownHeader = 102,
    /// The `aud` of the token is not a name this endpoint accepts (for a standard JWT: none of
    /// the validation's audiences, or an `aud` when the validation expects none).
    HxErrWrongAudience = 103,
    /// The directory has no machine token for the token's `iss` (or for the recipient named).
    HxErrUnknownIssuer = 104,
    /// The sender machine token given is not the one of the token's `iss` (for a standard JWT:
    /// the `iss` is not among the validation's issuers).
    HxErrIssuerMismatch = 105,
    /// A key is malformed, of the wrong type or size, or of low order; or (standard JWT) it does
    /// not fit the algorithm (an RSA key for HS256), or it cannot sign.
    HxErrInvalidKey = 106,
    /// The signature (MAC) is wrong, or the wrapped key did not unwrap: a forged, tampered or
    /// misaddressed token, or the wrong sender key.
    HxErrInvalidSignature = 107,
    /// The token's `exp` has passed (beyond the leeway), or (standard JWT) it is older than the
    /// validation's maximum age.
    HxErrExpired = 108,
    /// The token's `iat` or `nbf` is in the future (beyond the leeway).
    HxErrNotYetValid = 109,
    /// The token lives longer (`exp - iat`) than the endpoint's maximum lifetime.
    HxErrLifetimeTooLong = 110,
    /// The payload did not decrypt although the signature was valid.
    HxErrDecryptionFailed = 111,
    /// The token was already accepted once and replay protection is on.
    HxErrReplayed = 112,
    /// The directory could not answer (a callback returned something that is not a machine token
    /// of the name asked, for example), or a remote JWK Set (`hx_*_from_url`) could not be
    /// fetched and no copy recent enough was cached: the message gives the cause.
    HxErrResolverFailed = 113,
    /// A claim the validation requires is absent (standard JWT): a required claim (`exp` by
    /// default), `aud`/`iss`/`sub` when they are to be checked, `iat` for a maximum age, or the
    /// header `typ` when one is required.
    HxErrMissingClaim = 114,
    /// A claim has the wrong type, or a value the validation does not accept (`sub`, the header
    /// `typ`) (standard JWT).
    HxErrInvalidClaim = 115,
    /// No key of the key set matches the token's `kid` and algorithm (standard JWT).
    HxErrKeyNotFound = 116,
    /// The token was revoked (standard JWT token pairs).
    HxErrRevoked = 117,
    /// A shared replay or revocation store (`hx_replay_store_redis_new`) could not be reached or
    /// did not answer within its time-out. The token is refused (fail closed); the message gives
    /// the cause. Calls succeed again by themselves once the store is back.
    HxErrStoreUnavailable = 118,
    /// A bug in hxjwt (a panic caught at the C boundary). Never expected; please report it.
    HxErrInternal = 255,
}

/// Every status, in numeric order.
const ALL_STATUSES: [HxStatus; 22] = [
    HxStatus::HxOk,
    HxStatus::HxErrInvalidArgument,
    HxStatus::HxErrMalformed,
    HxStatus::HxErrUnsupportedAlgorithm,
    HxStatus::HxErrUnknownHeader,
    HxStatus::HxErrWrongAudience,
    HxStatus::HxErrUnknownIssuer,
    HxStatus::HxErrIssuerMismatch,
    HxStatus::HxErrInvalidKey,
    HxStatus::HxErrInvalidSignature,
    HxStatus::HxErrExpired,
    HxStatus::HxErrNotYetValid,
    HxStatus::HxErrLifetimeTooLong,
    HxStatus::HxErrDecryptionFailed,
    HxStatus::HxErrReplayed,
    HxStatus::HxErrResolverFailed,
    HxStatus::HxErrMissingClaim,
    HxStatus::HxErrInvalidClaim,
    HxStatus::HxErrKeyNotFound,
    HxStatus::HxErrRevoked,
    HxStatus::HxErrStoreUnavailable,
    HxStatus::HxErrInternal,
];

impl HxStatus {
    /// The status of an error kind of the core: one status per kind.
    pub fn from_kind(kind: ErrorKind) -> Self {
        #[expect(
            clippy::match_same_arms,
            reason = "Internal and the wildcard are listed apart on purpose"
        )]
        match kind {
            ErrorKind::Malformed => HxStatus::HxErrMalformed,
            ErrorKind::UnsupportedAlgorithm => HxStatus::HxErrUnsupportedAlgorithm,
            ErrorKind::UnknownHeader => HxStatus::HxErrUnknownHeader,
            ErrorKind::WrongAudience => HxStatus::HxErrWrongAudience,
            ErrorKind::UnknownIssuer => HxStatus::HxErrUnknownIssuer,
            ErrorKind::IssuerMismatch => HxStatus::HxErrIssuerMismatch,
            ErrorKind::InvalidKey => HxStatus::HxErrInvalidKey,
            ErrorKind::InvalidSignature => HxStatus::HxErrInvalidSignature,
            ErrorKind::Expired => HxStatus::HxErrExpired,
            ErrorKind::NotYetValid => HxStatus::HxErrNotYetValid,
            ErrorKind::LifetimeTooLong => HxStatus::HxErrLifetimeTooLong,
            ErrorKind::DecryptionFailed => HxStatus::HxErrDecryptionFailed,
            ErrorKind::Replayed => HxStatus::HxErrReplayed,
            ErrorKind::ResolverFailed => HxStatus::HxErrResolverFailed,
            ErrorKind::InvalidArgument => HxStatus::HxErrInvalidArgument,
            ErrorKind::Internal => HxStatus::HxErrInternal,
            ErrorKind::MissingClaim => HxStatus::HxErrMissingClaim,
            ErrorKind::InvalidClaim => HxStatus::HxErrInvalidClaim,
            ErrorKind::KeyNotFound => HxStatus::HxErrKeyNotFound,
            ErrorKind::Revoked => HxStatus::HxErrRevoked,
            ErrorKind::StoreUnavailable => HxStatus::HxErrStoreUnavailable,
            // `ErrorKind` is non-exhaustive: a kind added to the core without a status here is
            // caught by the unit test `every_kind_has_its_own_status`.
            _ => HxStatus::HxErrInternal,
        }
    }

    /// The status whose numeric value is `code`, if any. Never transmutes: a C caller may pass
    /// any integer.
    pub fn from_code(code: u32) -> Option<Self> {
        ALL_STATUSES.into_iter().find(|s| *s as u32 == code)
    }

    /// The enumerator's name as written in C (`"HX_ERR_EXPIRED"`).
    pub const fn name(self) -> &'static CStr {
        match self {
            HxStatus::HxOk => c"HX_OK",
            HxStatus::HxErrInvalidArgument => c"HX_ERR_INVALID_ARGUMENT",
            HxStatus::HxErrMalformed => c"HX_ERR_MALFORMED",
            HxStatus::HxErrUnsupportedAlgorithm => c"HX_ERR_UNSUPPORTED_ALGORITHM",
            HxStatus::HxErrUnknownHeader => c"HX_ERR_UNKNOWN_HEADER",
            HxStatus::HxErrWrongAudience => c"HX_ERR_WRONG_AUDIENCE",
            HxStatus::HxErrUnknownIssuer => c"HX_ERR_UNKNOWN_ISSUER",
            HxStatus::HxErrIssuerMismatch => c"HX_ERR_ISSUER_MISMATCH",
            HxStatus::HxErrInvalidKey => c"HX_ERR_INVALID_KEY",
            HxStatus::HxErrInvalidSignature => c"HX_ERR_INVALID_SIGNATURE",
            HxStatus::HxErrExpired => c"HX_ERR_EXPIRED",
            HxStatus::HxErrNotYetValid => c"HX_ERR_NOT_YET_VALID",
            HxStatus::HxErrLifetimeTooLong => c"HX_ERR_LIFETIME_TOO_LONG",
            HxStatus::HxErrDecryptionFailed => c"HX_ERR_DECRYPTION_FAILED",
            HxStatus::HxErrReplayed => c"HX_ERR_REPLAYED",
            HxStatus::HxErrResolverFailed => c"HX_ERR_RESOLVER_FAILED",
            HxStatus::HxErrMissingClaim => c"HX_ERR_MISSING_CLAIM",
            HxStatus::HxErrInvalidClaim => c"HX_ERR_INVALID_CLAIM",
            HxStatus::HxErrKeyNotFound => c"HX_ERR_KEY_NOT_FOUND",
            HxStatus::HxErrRevoked => c"HX_ERR_REVOKED",
            HxStatus::HxErrStoreUnavailable => c"HX_ERR_STORE_UNAVAILABLE",
            HxStatus::HxErrInternal => c"HX_ERR_INTERNAL",
        }
    }
}

/// The name of a status as written in C (`"HX_ERR_EXPIRED"` for `HX_ERR_EXPIRED`), or
/// `"HX_ERR_UNKNOWN"` for a value that is not an `HxStatus`. Never NULL. The string is static:
/// never free it.
///
/// Takes a `uint32_t` rather than an `HxStatus` so that any integer is safe to pass; an
/// `HxStatus` converts to it implicitly in C and C++.
#[unsafe(no_mangle)]
pub extern "C" fn hx_status_name(status: u32) -> *const c_char {
    HxStatus::from_code(status)
        .map_or(c"HX_ERR_UNKNOWN", HxStatus::name)
        .as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_kind_has_its_own_status() {
        let mut seen = HashSet::new();
        for kind in ErrorKind::ALL {
            let status = HxStatus::from_kind(kind);
            assert_ne!(status, HxStatus::HxOk, "{kind}");
            assert!(
                seen.insert(status),
                "{kind} shares {status:?} with another kind"
            );
            if kind != ErrorKind::Internal {
                assert_ne!(status, HxStatus::HxErrInternal, "{kind} is not mapped");
            }
        }
        // Every status but HX_OK is the image of exactly one kind.
        assert_eq!(seen.len(), ALL_STATUSES.len() - 1);
    }

    #[test]
    fn codes_follow_the_abi() {
        assert_eq!(HxStatus::HxOk as u32, 0);
        assert_eq!(HxStatus::HxErrInvalidArgument as u32, 1);
        assert_eq!(HxStatus::HxErrInternal as u32, 255);
        // The kinds are numbered from 100 in the order of ErrorKind::ALL (PROTOCOL.md section 6,
        // then the standard-JWT kinds from 114).
        let mut code = 100;
        for kind in ErrorKind::ALL {
            if matches!(kind, ErrorKind::InvalidArgument | ErrorKind::Internal) {
                continue;
            }
            assert_eq!(HxStatus::from_kind(kind) as u32, code, "{kind}");
            code += 1;
        }
    }

    #[test]
    fn names_round_trip() {
        let mut names = HashSet::new();
        for status in ALL_STATUSES {
            assert_eq!(HxStatus::from_code(status as u32), Some(status));
            let ptr = hx_status_name(status as u32);
            // SAFETY: hx_status_name returns a pointer to a static NUL-terminated string.
            let name = unsafe { CStr::from_ptr(ptr) };
            assert_eq!(name, status.name());
            let text = name.to_str().unwrap();
            assert!(text.starts_with("HX_"), "{text}");
            assert!(names.insert(text.to_owned()), "duplicate name {text}");
        }
        for kind in ErrorKind::ALL {
            // HX_ERR_NOT_YET_VALID <-> NotYetValid: the same words.
            let name = HxStatus::from_kind(kind).name().to_str().unwrap();
            let words: String = name
                .trim_start_matches("HX_ERR_")
                .split('_')
                .map(|w| {
                    let mut c = w.chars();
                    c.next().map_or_else(String::new, |f| {
                        f.to_string() + &c.as_str().to_ascii_lowercase()
                    })
                })
                .collect();
            assert_eq!(words, kind.name());
        }
        for code in [2, 99, 119, 200, 254, 256, u32::MAX] {
            // SAFETY: as above.
            let name = unsafe { CStr::from_ptr(hx_status_name(code)) };
            assert_eq!(name, c"HX_ERR_UNKNOWN");
        }
    }
}
