//! The C ABI of hxjwt: `libhxjwt.so` / `libhxjwt.a` and `include/hxjwt.h`.
//!
//! This crate only converts: C pointers and strings to Rust values, [`hxjwt::Error`] to
//! [`HxStatus`], results to out-parameters. Every decision about a token is the core's.
//!
//! Conventions (docs/C-API.md has the details):
//! - Handles (`HxIdentity`, `HxDirectory`, `HxEndpoint`, `HxMessage` for HX1; `HxKey`,
//!   `HxKeySet`, `HxValidation` for standard JWTs) are opaque, made by
//!   `hx_*_new` / `hx_*_generate` / `hx_*_from_*`, and released by `hx_*_free`, which accepts NULL.
//! - Every fallible call returns an [`HxStatus`]; its results go to out-parameters (last in the
//!   argument list), written only on success. `hx_last_error_message()` says why a call failed.
//! - Strings the library allocates (`char *`) are freed with `hx_string_free`; strings it returns
//!   as `const char *` are borrowed from a handle or static.
//! - Every pointer is checked for NULL and every string for UTF-8; no panic crosses the boundary.
//! - `HxDirectory` and `HxKeySet` may also be remote JWK Sets (`hx_*_from_url`, with
//!   `HxRemoteOptions`), fetched and cached by the core.

// The modules are declared in the order their items appear in include/hxjwt.h (cbindgen follows
// it); the comment between each keeps rustfmt from sorting them.
// HxStatus and hx_status_name.
mod status;
// The C boundary: guards, argument checks, hx_last_error_message, hx_last_error_claim.
mod guard;
// HxRemoteOptions (remote JWK Sets for HxDirectory and HxKeySet).
mod remote;
// HxIdentity.
mod identity;
// HxDirectory and HxResolveFn.
mod directory;
// HxEndpoint, hx_create_jwt, hx_validate_jwt.
mod endpoint;
// HxMessage.
mod message;
// HxKey (standard JWTs).
mod key;
// HxKeySet.
mod keyset;
// HxValidation.
mod validation;
// hx_jwt_encode, hx_jwt_decode, hx_jwt_decode_header.
mod jwt;
// HxReplayStore, HxRedisOptions (replay protection shared by a fleet).
mod store;
// HxJweKey, HxJweOptions, hx_jwe_* (standard encrypted JWTs, JWE), hx_bytes_free.
mod jwe;

// hx_jwt_explain, hx_explain_jwt (every check of a token reported at once, as JSON).
mod explain;

use std::ffi::c_char;

use zeroize::Zeroize;

pub use directory::{HxDirectory, HxResolveFn};
pub use endpoint::HxEndpoint;
pub use identity::HxIdentity;
pub use jwe::{
    HX_JWE_DEFAULT_MAX_INFLATED_LENGTH, HX_JWE_DEFAULT_MAX_P2C, HX_JWE_DEFAULT_MAX_TOKEN_LENGTH,
    HxJweKey, HxJweOptions,
};
pub use key::HxKey;
pub use keyset::HxKeySet;
pub use message::HxMessage;
pub use remote::HxRemoteOptions;
pub use status::HxStatus;
pub use store::{HxRedisOptions, HxReplayStore};
pub use validation::HxValidation;

/// The version of libhxjwt (`"0.1.0"`). The string is static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn hx_version() -> *const c_char {
    const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    VERSION.as_ptr().cast::<c_char>()
}

/// Frees a string that the library allocated and returned through a `char **` out-parameter
/// (a token, a JWK, a JWK Set). The string is overwritten with zeros first, as it may hold a
/// private key. NULL is a no-op.
///
/// # Safety
/// `s` is NULL or a string returned by this library that was not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    guard::guard_void(|| {
        // SAFETY: `s` is a NUL-terminated string allocated by `guard::c_string` (malloc), so
        // `strlen` stays inside it and the bytes before the NUL are writable.
        unsafe {
            let len = libc::strlen(s);
            std::slice::from_raw_parts_mut(s.cast::<u8>(), len).zeroize();
            libc::free(s.cast::<libc::c_void>());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn version_is_the_crate_version() {
        // SAFETY: hx_version returns a static NUL-terminated string.
        let v = unsafe { CStr::from_ptr(hx_version()) };
        assert_eq!(v.to_str().unwrap(), hxjwt::VERSION);
    }

    #[test]
    fn string_free_accepts_null() {
        // SAFETY: NULL is documented as a no-op.
        unsafe { hx_string_free(std::ptr::null_mut()) };
    }
}
