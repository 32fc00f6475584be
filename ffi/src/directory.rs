//! `HxDirectory`: resolves identity names to machine tokens.

use std::ffi::{CStr, CString, c_char, c_void};
use std::sync::Arc;

use hxjwt::{CallbackDirectory, Directory, Error, ErrorKind, MachineToken, MemoryDirectory};

use crate::guard::{
    Fail, FfiResult, arg_out, arg_ref, arg_str, c_string, free_handle, guard, into_handle,
};
use crate::status::HxStatus;

/// A directory: where names are resolved to machine tokens (public keys). Either a set held in
/// memory (`hx_directory_new`, `hx_directory_from_jwks`, grown with `hx_directory_add`) or a
/// callback (`hx_directory_from_callback`). Safe to use from several threads at once, including
/// `hx_directory_add` while endpoints resolve names. Endpoints made with it share it: names added
/// later are seen by them. Free with `hx_directory_free`.
pub struct HxDirectory {
    kind: Kind,
}

enum Kind {
    Memory(Arc<MemoryDirectory>),
    Callback(Arc<dyn Directory>),
}

impl HxDirectory {
    /// The directory as the core's shared trait object, for an endpoint.
    pub(crate) fn shared(&self) -> Arc<dyn Directory> {
        match &self.kind {
            Kind::Memory(m) => Arc::clone(m) as Arc<dyn Directory>,
            Kind::Callback(c) => Arc::clone(c),
        }
    }

    fn memory(&self, what: &str) -> FfiResult<&MemoryDirectory> {
        match &self.kind {
            Kind::Memory(m) => Ok(m),
            Kind::Callback(_) => Err(Fail::invalid(format!(
                "dir is a callback directory; {what} needs one made by hx_directory_new or \
                 hx_directory_from_jwks"
            ))),
        }
    }
}

/// A directory callback. Returns the public JWK (machine token) of the identity `name` as a
/// string allocated with `malloc()`, which the library releases with `free()`; or NULL when the
/// name is unknown.
///
/// It is called from whichever thread validates or creates a token, possibly from several threads
/// at once, with the `user_data` given to `hx_directory_from_callback`. It must not unwind (no C++
/// exception, no `longjmp`) out of the call. A string that is not the machine token of `name`
/// makes the call that needed it fail with `HX_ERR_RESOLVER_FAILED`.
pub type HxResolveFn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, name: *const c_char) -> *mut c_char>;

/// The function behind a non-NULL [`HxResolveFn`].
type ResolveFn = unsafe extern "C" fn(user_data: *mut c_void, name: *const c_char) -> *mut c_char;

/// A C callback and its user data.
struct CCallback {
    resolve: ResolveFn,
    user_data: *mut c_void,
}

// SAFETY: the caller of `hx_directory_from_callback` promises that `resolve` may be called with
// `user_data` from any thread, including several at once (the documented contract of
// `HxResolveFn`); the pointer itself is never dereferenced by Rust.
unsafe impl Send for CCallback {}
// SAFETY: as above.
unsafe impl Sync for CCallback {}

/// Frees a `malloc()`-allocated string from a callback when dropped.
struct Malloced(*mut c_char);

impl Drop for Malloced {
    fn drop(&mut self) {
        // SAFETY: the callback contract says a non-NULL result was allocated with malloc() and
        // handed to us; it is freed exactly once, here.
        unsafe { libc::free(self.0.cast::<c_void>()) };
    }
}

impl CCallback {
    fn call(&self, name: &str) -> hxjwt::Result<Option<MachineToken>> {
        let failed = |why: &str| Error::new(ErrorKind::ResolverFailed, why.to_owned());
        let c_name = CString::new(name)
            .map_err(|_| failed("the name to resolve contains a NUL character"))?;
        // SAFETY: `resolve` is a valid function pointer (checked non-NULL when the directory was
        // made) that the caller promised is safe to call with `user_data` from this thread;
        // `c_name` is NUL-terminated and outlives the call.
        let raw = unsafe { (self.resolve)(self.user_data, c_name.as_ptr()) };
        if raw.is_null() {
            return Ok(None);
        }
        let owned = Malloced(raw);
        // SAFETY: a non-NULL result is a NUL-terminated string (callback contract), live until
        // `owned` frees it at the end of this function.
        let text = unsafe { CStr::from_ptr(owned.0) };
        let text = text
            .to_str()
            .map_err(|_| failed("the directory callback returned a string that is not UTF-8"))?;
        let token = MachineToken::from_jwk(text).map_err(|e| {
            failed(&format!(
                "the directory callback returned no valid machine token: {e}"
            ))
        })?;
        Ok(Some(token))
    }
}

/// Makes an empty in-memory directory. On success writes it to `*out` (free it with
/// `hx_directory_free`).
///
/// # Safety
/// `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_directory_new(out: *mut *mut HxDirectory) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let out = unsafe { arg_out(out, "out") }?;
        *out = into_handle(HxDirectory {
            kind: Kind::Memory(Arc::new(MemoryDirectory::new())),
        });
        Ok(())
    })
}

/// Makes an in-memory directory from a JWK Set (`{"keys":[...]}`, RFC 7517 section 5) whose `kid`s are
/// identity names. Keys that are not X25519 are skipped; a malformed set fails with
/// `HX_ERR_MALFORMED`, a bad X25519 key or a repeated name with `HX_ERR_INVALID_KEY`. On success
/// writes it to `*out` (free it with `hx_directory_free`).
///
/// # Safety
/// `jwks_json` is a NUL-terminated string; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_directory_from_jwks(
    jwks_json: *const c_char,
    out: *mut *mut HxDirectory,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let jwks = unsafe { arg_str(jwks_json, "jwks_json") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out, "out") }?;
        let dir = MemoryDirectory::from_jwks(jwks)?;
        *out = into_handle(HxDirectory {
            kind: Kind::Memory(Arc::new(dir)),
        });
        Ok(())
    })
}

/// Adds a machine token (a public JWK, as `hx_identity_machine_token` writes it) to an
/// in-memory directory, replacing any with the same name. Fails with `HX_ERR_INVALID_KEY` for a
/// JWK that is not a public X25519 key (a private JWK is refused too), and with
/// `HX_ERR_INVALID_ARGUMENT` for a callback directory.
///
/// # Safety
/// `dir` is a live directory; `public_jwk_json` is a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_directory_add(
    dir: *mut HxDirectory,
    public_jwk_json: *const c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract; only shared access is needed.
        let dir = unsafe { arg_ref(dir.cast_const(), "dir") }?;
        // SAFETY: as above.
        let jwk = unsafe { arg_str(public_jwk_json, "public_jwk_json") }?;
        let memory = dir.memory("hx_directory_add")?;
        memory.insert(MachineToken::from_jwk(jwk)?);
        Ok(())
    })
}

/// Makes a directory that asks `resolve` (see `HxResolveFn`) for each name, passing it
/// `user_data`. `resolve` must be callable from any thread, and `user_data` must stay valid
/// until this directory and every endpoint made with it are freed. On success writes the
/// directory to `*out` (free it with `hx_directory_free`).
///
/// # Safety
/// `resolve` is NULL or a function that honours the contract of `HxResolveFn`; `out` is valid
/// for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_directory_from_callback(
    resolve: HxResolveFn,
    user_data: *mut c_void,
    out: *mut *mut HxDirectory,
) -> HxStatus {
    guard(|| {
        let resolve = resolve.ok_or_else(|| Fail::invalid("resolve is NULL"))?;
        // SAFETY: forwarded from this function's contract.
        let out = unsafe { arg_out(out, "out") }?;
        let callback = CCallback { resolve, user_data };
        let dir = CallbackDirectory::new(move |name: &str| callback.call(name));
        *out = into_handle(HxDirectory {
            kind: Kind::Callback(Arc::new(dir)),
        });
        Ok(())
    })
}

/// Writes the number of names in an in-memory directory to `*out`. Fails with
/// `HX_ERR_INVALID_ARGUMENT` for a callback directory.
///
/// # Safety
/// `dir` is a live directory; `out` is valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_directory_len(dir: *const HxDirectory, out: *mut usize) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let dir = unsafe { arg_ref(dir, "dir") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out, "out") }?;
        *out = dir.memory("hx_directory_len")?.len();
        Ok(())
    })
}

/// Writes an in-memory directory as a JWK Set (`{"keys":[...]}`, sorted by name) to
/// `*out_jwks_json`: what a web server publishes, and what `hx_directory_from_jwks` reads. Free
/// it with `hx_string_free`. Fails with `HX_ERR_INVALID_ARGUMENT` for a callback directory.
///
/// # Safety
/// `dir` is a live directory; `out_jwks_json` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_directory_to_jwks(
    dir: *const HxDirectory,
    out_jwks_json: *mut *mut c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let dir = unsafe { arg_ref(dir, "dir") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out_jwks_json, "out_jwks_json") }?;
        let jwks = dir.memory("hx_directory_to_jwks")?.to_jwks();
        *out = c_string(&jwks)?;
        Ok(())
    })
}

/// Frees a directory. NULL is a no-op. Endpoints made with it keep their own reference and keep
/// working (a callback directory keeps calling its callback with its `user_data`).
///
/// # Safety
/// `dir` is NULL or a directory from this library that was not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_directory_free(dir: *mut HxDirectory) {
    // SAFETY: forwarded from this function's contract.
    unsafe { free_handle(dir) };
}
