//! `HxKeySet`: several keys for standard JWTs, selected by `kid`.

use std::ffi::c_char;
use std::sync::{PoisonError, RwLock, RwLockReadGuard};

use hxjwt::jws::KeySet;

use crate::guard::{arg_out, arg_ref, arg_str, c_string, free_handle, guard, into_handle};
use crate::key::HxKey;
use crate::status::HxStatus;

/// A set of keys for verifying standard JWTs from an issuer that rotates its keys (a JWK Set,
/// RFC 7517 section 5). `hx_jwt_decode` picks the keys whose `kid` is the token's (or, for a
/// token without `kid`, up to 16 keys that fit its algorithm). Safe to use from several threads
/// at once, including `hx_keyset_add` while tokens are decoded with it (it waits for the decodes
/// in progress). Free with `hx_keyset_free` once no other thread uses it.
pub struct HxKeySet {
    inner: RwLock<KeySet>,
}

impl HxKeySet {
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, KeySet> {
        // A poisoned lock means a panic while adding a key, which leaves the set consistent.
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Makes an empty key set. On success writes it to `*out` (free it with `hx_keyset_free`).
///
/// # Safety
/// `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_keyset_new(out: *mut *mut HxKeySet) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let out = unsafe { arg_out(out, "out") }?;
        *out = into_handle(HxKeySet {
            inner: RwLock::new(KeySet::new()),
        });
        Ok(())
    })
}

/// Makes a key set from a JWK Set document (`{"keys":[...]}`, at most 4 MiB and 10000 keys), as
/// an issuer publishes it. Keys hxjwt cannot use for signatures (another `kty` or curve, `use`
/// `"enc"`, HX1's X25519 keys) are skipped, as RFC 7517 asks; a document that is not a JWK Set
/// fails with `HX_ERR_MALFORMED`, a malformed key of a supported type with `HX_ERR_INVALID_KEY`.
/// On success writes the set to `*out` (free it with `hx_keyset_free`).
///
/// # Safety
/// `jwks_json` is a NUL-terminated string; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_keyset_from_jwks(
    jwks_json: *const c_char,
    out: *mut *mut HxKeySet,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let jwks = unsafe { arg_str(jwks_json, "jwks_json") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out, "out") }?;
        let set = KeySet::from_jwks(jwks)?;
        *out = into_handle(HxKeySet {
            inner: RwLock::new(set),
        });
        Ok(())
    })
}

/// Adds a copy of `key` to the set (`key` may be freed right after). Give keys distinct `kid`s
/// (`hx_key_with_kid`) when the tokens name theirs.
///
/// # Safety
/// `set` is a live key set; `key` is a live key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_keyset_add(set: *mut HxKeySet, key: *const HxKey) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract; only shared access to the handle is
        // needed, the lock provides the exclusive access to the set.
        let set = unsafe { arg_ref(set.cast_const(), "set") }?;
        // SAFETY: as above.
        let key = unsafe { arg_ref(key, "key") }?;
        set.inner
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .push(key.inner.clone());
        Ok(())
    })
}

/// Writes the number of keys in the set to `*out`.
///
/// # Safety
/// `set` is a live key set; `out` is valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_keyset_len(set: *const HxKeySet, out: *mut usize) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let set = unsafe { arg_ref(set, "set") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out, "out") }?;
        *out = set.read().len();
        Ok(())
    })
}

/// Writes the public JWK Set of the set's keys (`{"keys":[...]}`, no private member; HMAC
/// secrets are left out) to `*out_jwks_json`: what an issuer publishes, and what
/// `hx_keyset_from_jwks` reads. Free it with `hx_string_free`.
///
/// # Safety
/// `set` is a live key set; `out_jwks_json` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_keyset_to_public_jwks(
    set: *const HxKeySet,
    out_jwks_json: *mut *mut c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let set = unsafe { arg_ref(set, "set") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out_jwks_json, "out_jwks_json") }?;
        let jwks = set.read().to_public_jwks()?;
        *out = c_string(&jwks)?;
        Ok(())
    })
}

/// Frees a key set (the private material of its keys is wiped unless a key handle still holds
/// it). NULL is a no-op. No other thread may be using it.
///
/// # Safety
/// `set` is NULL or a key set from this library that was not freed before and that no other
/// thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_keyset_free(set: *mut HxKeySet) {
    // SAFETY: forwarded from this function's contract.
    unsafe { free_handle(set) };
}
