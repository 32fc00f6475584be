//! `HxMessage`: a validated token's contents.

use std::ffi::{CStr, CString, c_char};

use hxjwt::Message;
use zeroize::Zeroizing;

use crate::guard::{Fail, FfiResult, free_handle};

/// A validated HX1 token: who sent it, to whom, when, and the decrypted payload. Immutable; safe
/// to read from several threads at once. Every string and byte pointer it returns is borrowed:
/// valid until `hx_message_free`. The payload is wiped when the message is freed.
pub struct HxMessage {
    issuer: CString,
    audience: CString,
    issued_at: i64,
    expires_at: i64,
    not_before: Option<i64>,
    jti: Option<CString>,
    content_type: Option<CString>,
    /// `"HX1"` or `"ECDH-1PU"`, NUL-terminated.
    protocol: &'static CStr,
    /// The plaintext followed by one NUL byte (not counted in `payload_len`).
    payload: Zeroizing<Vec<u8>>,
    payload_len: usize,
}

fn c_member(value: &str, member: &str) -> FfiResult<CString> {
    CString::new(value).map_err(|_| Fail {
        status: crate::HxStatus::HxErrMalformed,
        message: format!(
            "Malformed: header member \"{member}\" contains a NUL character, which a C string \
             cannot carry"
        ),
        claim: None,
    })
}

impl HxMessage {
    /// Converts a message of the core for C (NUL-terminated copies).
    pub(crate) fn from_message(m: &Message) -> FfiResult<Self> {
        let payload = m.payload();
        let mut bytes = Zeroizing::new(Vec::with_capacity(payload.len() + 1));
        bytes.extend_from_slice(payload);
        bytes.push(0);
        Ok(HxMessage {
            issuer: c_member(m.issuer(), "iss")?,
            audience: c_member(m.audience(), "aud")?,
            issued_at: m.issued_at(),
            expires_at: m.expires_at(),
            not_before: m.not_before(),
            jti: m.jti().map(|j| c_member(j, "jti")).transpose()?,
            content_type: m.content_type().map(|c| c_member(c, "cty")).transpose()?,
            protocol: if m.protocol() == "ECDH-1PU" {
                c"ECDH-1PU"
            } else {
                c"HX1"
            },
            payload: bytes,
            payload_len: payload.len(),
        })
    }
}

/// Borrows the message behind `m`, if any.
///
/// # Safety
/// `m` is NULL or a live message.
unsafe fn message<'a>(m: *const HxMessage) -> Option<&'a HxMessage> {
    // SAFETY: forwarded from this function's contract.
    unsafe { m.as_ref() }
}

/// The sender's name (`iss`), authenticated. Borrowed from `m`; NULL when `m` is NULL.
///
/// # Safety
/// `m` is NULL or a live message.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_message_issuer(m: *const HxMessage) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe { message(m) }.map_or(std::ptr::null(), |m| m.issuer.as_ptr())
}

/// The recipient's name (`aud`): the endpoint's own name or one of its accepted audiences.
/// Borrowed from `m`; NULL when `m` is NULL.
///
/// # Safety
/// `m` is NULL or a live message.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_message_audience(m: *const HxMessage) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe { message(m) }.map_or(std::ptr::null(), |m| m.audience.as_ptr())
}

/// The decrypted payload: returns its bytes (borrowed from `m`) and writes their number to
/// `*out_len`. The bytes are followed by a NUL byte that `*out_len` does not count, so a text
/// payload can be used as a C string. The pointer is never NULL for a message, even when the
/// payload is empty. When `m` is NULL, returns NULL and leaves `*out_len` unchanged. `out_len`
/// may be NULL.
///
/// # Safety
/// `m` is NULL or a live message; `out_len` is NULL or valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_message_payload(m: *const HxMessage, out_len: *mut usize) -> *const u8 {
    // SAFETY: forwarded from this function's contract.
    let Some(m) = (unsafe { message(m) }) else {
        return std::ptr::null();
    };
    // SAFETY: `out_len` is NULL or valid for one write (this function's contract).
    if let Some(len) = unsafe { out_len.as_mut() } {
        *len = m.payload_len;
    }
    m.payload.as_ptr()
}

/// When the token was issued (`iat`), in seconds since the Unix epoch. 0 when `m` is NULL.
///
/// # Safety
/// `m` is NULL or a live message.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_message_issued_at(m: *const HxMessage) -> i64 {
    // SAFETY: forwarded from this function's contract.
    unsafe { message(m) }.map_or(0, |m| m.issued_at)
}

/// When the token expires (`exp`), in seconds since the Unix epoch. 0 when `m` is NULL.
///
/// # Safety
/// `m` is NULL or a live message.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_message_expires_at(m: *const HxMessage) -> i64 {
    // SAFETY: forwarded from this function's contract.
    unsafe { message(m) }.map_or(0, |m| m.expires_at)
}

/// The token's `nbf` (seconds since the Unix epoch), if it had one: returns true and writes it
/// to `*out`. Returns false and leaves `*out` unchanged when the token had no `nbf`, or when `m`
/// or `out` is NULL.
///
/// # Safety
/// `m` is NULL or a live message; `out` is NULL or valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_message_not_before(m: *const HxMessage, out: *mut i64) -> bool {
    // SAFETY: forwarded from this function's contract.
    let nbf = unsafe { message(m) }.and_then(|m| m.not_before);
    // SAFETY: `out` is NULL or valid for one write (this function's contract).
    match (nbf, unsafe { out.as_mut() }) {
        (Some(nbf), Some(out)) => {
            *out = nbf;
            true
        }
        _ => false,
    }
}

/// The token's `jti` (unique token id), borrowed from `m`; NULL when the token had none or `m`
/// is NULL.
///
/// # Safety
/// `m` is NULL or a live message.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_message_jti(m: *const HxMessage) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe { message(m) }
        .and_then(|m| m.jti.as_ref())
        .map_or(std::ptr::null(), |s| s.as_ptr())
}

/// The token's `cty` (the media type of the payload, e.g. `"json"`), borrowed from `m`; NULL
/// when the token had none or `m` is NULL.
///
/// # Safety
/// `m` is NULL or a live message.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_message_content_type(m: *const HxMessage) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe { message(m) }
        .and_then(|m| m.content_type.as_ref())
        .map_or(std::ptr::null(), |s| s.as_ptr())
}

/// The mode of the token the message came from: `"HX1"` (`hx_create_jwt`, `hx_create_jwt_ex`) or
/// `"ECDH-1PU"` (`hx_create_jwt_1pu`), a static string; NULL when `m` is NULL.
///
/// # Safety
/// `m` is NULL or a live message.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_message_protocol(m: *const HxMessage) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    unsafe { message(m) }.map_or(std::ptr::null(), |m| m.protocol.as_ptr())
}

/// Frees a message and wipes its payload. NULL is a no-op.
///
/// # Safety
/// `m` is NULL or a message from this library that was not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_message_free(m: *mut HxMessage) {
    // SAFETY: forwarded from this function's contract.
    unsafe { free_handle(m) };
}

#[cfg(test)]
mod tests {
    use super::*;

    // The core refuses a jti or cty with a control character (a NUL included) when it validates
    // (a negative vector of hx1.json, checked through C by test_vectors.c); this is the guard
    // behind it: a NUL is refused, never truncated into a C string.
    #[test]
    fn a_nul_in_a_header_string_is_refused_not_truncated() {
        let fail = c_member("a\0b", "jti").unwrap_err();
        assert_eq!(fail.status, crate::HxStatus::HxErrMalformed);
        assert!(fail.message.contains("\"jti\""), "{}", fail.message);
        assert_eq!(c_member("ab", "jti").unwrap().as_bytes(), b"ab");
    }
}
