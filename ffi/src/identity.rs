//! `HxIdentity`: a name and an X25519 key pair.

use std::ffi::{CString, c_char};

use hxjwt::Identity;

use crate::guard::{
    Fail, FfiResult, arg_out, arg_ref, arg_str, c_string, free_handle, guard, into_handle,
};
use crate::status::HxStatus;

/// A resource's identity: its name and its X25519 key pair, **private key included**.
/// Immutable once made; safe to use from several threads at once. Free with
/// `hx_identity_free`; endpoints made from it keep their own copy.
pub struct HxIdentity {
    pub(crate) inner: Identity,
    name: CString,
}

impl HxIdentity {
    fn new(inner: Identity) -> FfiResult<Self> {
        let name = CString::new(inner.name())
            .map_err(|_| Fail::invalid("the identity name contains a NUL character"))?;
        Ok(HxIdentity { inner, name })
    }
}

/// Makes a new identity named `name` (1 to 255 bytes of UTF-8, no control characters) with a
/// fresh key pair from the operating system's random generator. On success writes it to `*out`
/// (free it with `hx_identity_free`).
///
/// # Safety
/// `name` is a NUL-terminated string; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_identity_generate(
    name: *const c_char,
    out: *mut *mut HxIdentity,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let name = unsafe { arg_str(name, "name") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out, "out") }?;
        let id = HxIdentity::new(Identity::generate(name)?)?;
        *out = into_handle(id);
        Ok(())
    })
}

/// Reads an identity from its private OKP X25519 JWK
/// (`{"kty":"OKP","crv":"X25519","kid":NAME,"x":...,"d":...}`, as `hx_identity_to_jwk` writes it).
/// On success writes it to `*out` (free it with `hx_identity_free`); a JWK that is not such a
/// key fails with `HX_ERR_INVALID_KEY`.
///
/// # Safety
/// `private_jwk_json` is a NUL-terminated string; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_identity_from_jwk(
    private_jwk_json: *const c_char,
    out: *mut *mut HxIdentity,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let jwk = unsafe { arg_str(private_jwk_json, "private_jwk_json") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out, "out") }?;
        let id = HxIdentity::new(Identity::from_jwk(jwk)?)?;
        *out = into_handle(id);
        Ok(())
    })
}

/// Writes the identity's private JWK, **including the private key `d`**, to
/// `*out_private_jwk_json`: store it like a password. Free it with `hx_string_free` (which wipes
/// it).
///
/// # Safety
/// `id` is a live identity; `out_private_jwk_json` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_identity_to_jwk(
    id: *const HxIdentity,
    out_private_jwk_json: *mut *mut c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let id = unsafe { arg_ref(id, "id") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out_private_jwk_json, "out_private_jwk_json") }?;
        let jwk = id.inner.to_private_jwk();
        *out = c_string(&jwk)?;
        Ok(())
    })
}

/// Writes the identity's machine token, its public OKP X25519 JWK
/// (`{"kty":"OKP","crv":"X25519","kid":NAME,"use":"enc","x":...}`), to `*out_public_jwk_json`:
/// what peers and directories need. Free it with `hx_string_free`.
///
/// # Safety
/// `id` is a live identity; `out_public_jwk_json` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_identity_machine_token(
    id: *const HxIdentity,
    out_public_jwk_json: *mut *mut c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let id = unsafe { arg_ref(id, "id") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out_public_jwk_json, "out_public_jwk_json") }?;
        *out = c_string(&id.inner.machine_token().to_jwk())?;
        Ok(())
    })
}

/// The identity's name, borrowed: valid while `id` lives. NULL when `id` is NULL.
///
/// # Safety
/// `id` is NULL or a live identity.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_identity_name(id: *const HxIdentity) -> *const c_char {
    // SAFETY: `id` is NULL or a live identity (this function's contract).
    unsafe { id.as_ref() }.map_or(std::ptr::null(), |id| id.name.as_ptr())
}

/// Frees an identity (its private key is wiped). NULL is a no-op. Endpoints made from it keep
/// working.
///
/// # Safety
/// `id` is NULL or an identity from this library that was not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_identity_free(id: *mut HxIdentity) {
    // SAFETY: forwarded from this function's contract.
    unsafe { free_handle(id) };
}
