//! `HxValidation`: what `hx_jwt_decode` requires of a standard JWT.

use std::ffi::c_char;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard};

use hxjwt::jws::Validation;
use hxjwt::{FixedClock, SystemClock};

use crate::guard::{
    Fail, FfiResult, arg_out, arg_ref, arg_str, arg_str_array, free_handle, guard, into_handle,
    opt_str,
};
use crate::key::algorithm;
use crate::status::HxStatus;

/// The checks `hx_jwt_decode` applies to a standard JWT: the accepted algorithms (there is no
/// default: the token's header never chooses), `exp`/`nbf`/`iat` with a leeway, audiences,
/// issuers, subject, required claims, header `typ`, maximum age, size limit and clock. Safe to
/// share between threads: any number of threads may decode with it at once, and the
/// `hx_validation_*` setters may be called at any time (they wait for the decodes in progress, so
/// each decode sees the settings before or after a change, never a mix). Free with
/// `hx_validation_free` once no other thread uses it.
pub struct HxValidation {
    inner: RwLock<Validation>,
}

impl HxValidation {
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Validation> {
        // A poisoned lock means a panic in a setter, which leaves the validation consistent.
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Makes a validation that accepts tokens signed with one of the `n_algorithms` algorithms named
/// in `algorithms` (`"HS256"` ... `"ES512"`, `"ES256K"`, `"EdDSA"`, `"Ed25519"`, exactly; `"none"`
/// is not one), with these defaults:
/// no leeway; `exp`, `nbf`, `iat` and `aud` checked; `exp` required; no audience (a token with an
/// `aud` is then refused), issuer, subject, `typ` or maximum age required; tokens up to 64 KiB;
/// the system clock. An empty list fails with `HX_ERR_INVALID_ARGUMENT`, an unknown name with
/// `HX_ERR_UNSUPPORTED_ALGORITHM`. On success writes the validation to `*out` (free it with
/// `hx_validation_free`).
///
/// ```c
/// const char *algs[] = {"ES256", "EdDSA"};
/// HxValidation *v;
/// hx_validation_new(algs, 2, &v);
/// ```
///
/// # Safety
/// `algorithms` is NULL (with `n_algorithms` 0) or valid for reads of `n_algorithms` pointers to
/// NUL-terminated strings; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_validation_new(
    algorithms: *const *const c_char,
    n_algorithms: usize,
    out: *mut *mut HxValidation,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let names = unsafe { arg_str_array(algorithms, n_algorithms, "algorithms") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out, "out") }?;
        if names.is_empty() {
            return Err(Fail::invalid(
                "algorithms is empty: name the algorithms you accept",
            ));
        }
        let algorithms = names
            .into_iter()
            .map(algorithm)
            .collect::<FfiResult<Vec<_>>>()?;
        *out = into_handle(HxValidation {
            inner: RwLock::new(Validation::new(&algorithms)),
        });
        Ok(())
    })
}

/// Runs `change` on the validation behind `v` under its write lock.
///
/// # Safety
/// `v` is NULL or a live validation.
pub(crate) unsafe fn configure(
    v: *mut HxValidation,
    change: impl FnOnce(&mut Validation) -> FfiResult,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from the caller; only shared access to the handle is needed, the
        // lock provides the exclusive access to the validation.
        let v = unsafe { arg_ref(v.cast_const(), "v") }?;
        change(&mut v.inner.write().unwrap_or_else(PoisonError::into_inner))
    })
}

/// Sets the clock skew tolerated on `exp`, `nbf`, `iat` and the maximum age, in seconds.
/// Defaults to 0.
///
/// # Safety
/// `v` is a live validation.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_validation_set_leeway(v: *mut HxValidation, seconds: u64) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        configure(v, |v| {
            v.leeway = seconds;
            Ok(())
        })
    }
}

/// Also accepts tokens whose `aud` (a string, or an array of strings) contains `audience`. With
/// at least one audience, a token without `aud` fails with `HX_ERR_MISSING_CLAIM` and one for
/// another audience with `HX_ERR_WRONG_AUDIENCE`; with none (the default), a token that has an
/// `aud` fails with `HX_ERR_WRONG_AUDIENCE`. An empty `audience` fails here with
/// `HX_ERR_INVALID_ARGUMENT`: an empty string is never a valid audience (a token's empty `aud`
/// names no one and matches nothing).
///
/// # Safety
/// `v` is a live validation; `audience` is a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_validation_add_audience(
    v: *mut HxValidation,
    audience: *const c_char,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let audience = unsafe { arg_str(audience, "audience") };
    // SAFETY: as above.
    unsafe {
        configure(v, move |v| {
            let audience = non_empty(
                audience?,
                "audience is empty, which is never a valid audience: name the audience you expect",
            )?;
            add_to(&mut v.audiences, audience);
            Ok(())
        })
    }
}

/// Also accepts tokens whose `iss` is `issuer`. With at least one issuer, a token without `iss`
/// fails with `HX_ERR_MISSING_CLAIM` and one from another issuer with `HX_ERR_ISSUER_MISMATCH`.
/// Defaults to none: any `iss` is accepted. An empty `issuer` fails with
/// `HX_ERR_INVALID_ARGUMENT`: an empty string names no issuer.
///
/// # Safety
/// `v` is a live validation; `issuer` is a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_validation_add_issuer(
    v: *mut HxValidation,
    issuer: *const c_char,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let issuer = unsafe { arg_str(issuer, "issuer") };
    // SAFETY: as above.
    unsafe {
        configure(v, move |v| {
            let issuer = non_empty(
                issuer?,
                "issuer is empty, which is never a valid issuer: name the issuer you expect",
            )?;
            add_to(&mut v.issuers, issuer);
            Ok(())
        })
    }
}

/// `value`, or `HX_ERR_INVALID_ARGUMENT` with `message` when it is empty (an audience or issuer
/// setter's argument: checked when it is set, not only at decode).
fn non_empty<'a>(value: &'a str, message: &str) -> FfiResult<&'a str> {
    if value.is_empty() {
        Err(Fail::invalid(message))
    } else {
        Ok(value)
    }
}

/// Requires the token's `sub` to be `subject` (NULL removes the requirement, the default). A
/// token without `sub` then fails with `HX_ERR_MISSING_CLAIM`, one with another `sub` with
/// `HX_ERR_INVALID_CLAIM`.
///
/// # Safety
/// `v` is a live validation; `subject` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_validation_set_subject(
    v: *mut HxValidation,
    subject: *const c_char,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let subject = unsafe { opt_str(subject, "subject") };
    // SAFETY: as above.
    unsafe {
        configure(v, move |v| {
            v.subject = subject?.map(str::to_owned);
            Ok(())
        })
    }
}

/// Replaces the claims a token must have with the `n_claims` names in `claims` (`claims` may be
/// NULL when `n_claims` is 0: then no claim is required, not even `exp`). A token without one of
/// them fails with `HX_ERR_MISSING_CLAIM`, and `hx_last_error_claim()` names it. Defaults to
/// `exp` alone: a token that never expires is refused unless you change this.
///
/// # Safety
/// `v` is a live validation; `claims` is NULL (with `n_claims` 0) or valid for reads of
/// `n_claims` pointers to NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_validation_set_required_claims(
    v: *mut HxValidation,
    claims: *const *const c_char,
    n_claims: usize,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let claims = unsafe { arg_str_array(claims, n_claims, "claims") };
    // SAFETY: as above.
    unsafe {
        configure(v, move |v| {
            v.required_claims = claims?.into_iter().map(str::to_owned).collect();
            Ok(())
        })
    }
}

/// Requires the header `typ` to be `typ`, compared case-insensitively (`"at+jwt"` for OAuth
/// access tokens, RFC 9068); NULL removes the requirement, the default. A token without `typ`
/// then fails with `HX_ERR_MISSING_CLAIM`, one with another `typ` with `HX_ERR_INVALID_CLAIM`.
///
/// # Safety
/// `v` is a live validation; `typ` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_validation_set_typ(
    v: *mut HxValidation,
    typ: *const c_char,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let typ = unsafe { opt_str(typ, "typ") };
    // SAFETY: as above.
    unsafe {
        configure(v, move |v| {
            v.typ = typ?.map(str::to_owned);
            Ok(())
        })
    }
}

/// Refuses tokens issued more than `seconds` ago (by their `iat`, which is then required) with
/// `HX_ERR_EXPIRED`. 0 removes the limit, which is the default.
///
/// # Safety
/// `v` is a live validation.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_validation_set_max_age(v: *mut HxValidation, seconds: u64) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        configure(v, |v| {
            v.max_age = (seconds != 0).then_some(seconds);
            Ok(())
        })
    }
}

/// Sets the longest token accepted, in bytes (at least 1); longer ones fail with
/// `HX_ERR_MALFORMED` before any other work. Defaults to 65536.
///
/// # Safety
/// `v` is a live validation.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_validation_set_max_token_length(
    v: *mut HxValidation,
    bytes: usize,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        configure(v, |v| {
            if bytes == 0 {
                return Err(Fail::invalid("bytes must be at least 1"));
            }
            v.max_token_len = bytes;
            Ok(())
        })
    }
}

/// Whether an `exp` in the past (beyond the leeway) fails with `HX_ERR_EXPIRED`. Defaults to
/// true. Turning it off does not make `exp` optional: see `hx_validation_set_required_claims`.
///
/// # Safety
/// `v` is a live validation.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_validation_set_verify_exp(v: *mut HxValidation, on: bool) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        configure(v, |v| {
            v.validate_exp = on;
            Ok(())
        })
    }
}

/// Whether an `nbf` in the future (beyond the leeway) fails with `HX_ERR_NOT_YET_VALID`.
/// Defaults to true.
///
/// # Safety
/// `v` is a live validation.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_validation_set_verify_nbf(v: *mut HxValidation, on: bool) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        configure(v, |v| {
            v.validate_nbf = on;
            Ok(())
        })
    }
}

/// Whether an `iat` in the future (beyond the leeway) fails with `HX_ERR_NOT_YET_VALID`.
/// Defaults to true.
///
/// # Safety
/// `v` is a live validation.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_validation_set_verify_iat(v: *mut HxValidation, on: bool) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        configure(v, |v| {
            v.validate_iat = on;
            Ok(())
        })
    }
}

/// Whether the token's `aud` is checked against the audiences (`hx_validation_add_audience`).
/// Defaults to true.
///
/// # Safety
/// `v` is a live validation.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_validation_set_verify_aud(v: *mut HxValidation, on: bool) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        configure(v, |v| {
            v.validate_aud = on;
            Ok(())
        })
    }
}

/// **For tests, known-answer vectors and replaying recorded tokens only**: stops the
/// validation's clock at `unix_seconds`; tokens are then checked against that instant.
/// `hx_validation_use_system_clock` undoes it.
///
/// # Safety
/// `v` is a live validation.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_validation_set_time(
    v: *mut HxValidation,
    unix_seconds: i64,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        configure(v, |v| {
            v.clock = Arc::new(FixedClock(unix_seconds));
            Ok(())
        })
    }
}

/// Makes the validation read the system's wall clock again (the default).
///
/// # Safety
/// `v` is a live validation.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_validation_use_system_clock(v: *mut HxValidation) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        configure(v, |v| {
            v.clock = Arc::new(SystemClock);
            Ok(())
        })
    }
}

/// Frees a validation. NULL is a no-op. No other thread may be using it.
///
/// # Safety
/// `v` is NULL or a validation from this library that was not freed before and that no other
/// thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_validation_free(v: *mut HxValidation) {
    // SAFETY: forwarded from this function's contract.
    unsafe { free_handle(v) };
}

/// Adds `item` to the list (made on first use), once.
fn add_to(list: &mut Option<Vec<String>>, item: &str) {
    let list = list.get_or_insert_with(Vec::new);
    if !list.iter().any(|i| i == item) {
        list.push(item.to_owned());
    }
}
