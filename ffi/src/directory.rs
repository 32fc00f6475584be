//! `HxDirectory`: resolves identity names to machine tokens.

use std::ffi::{CStr, CString, c_char, c_void};
use std::sync::Arc;

use hxjwt::remote::RemoteDirectory;
use hxjwt::{CallbackDirectory, Directory, Error, ErrorKind, MachineToken, MemoryDirectory};

use crate::guard::{
    Fail, FfiResult, arg_out, arg_ref, arg_str, c_string, free_handle, guard, into_handle,
};
use crate::remote::HxRemoteOptions;
use crate::status::HxStatus;

/// A directory: where names are resolved to machine tokens (public keys). Either a set held in
/// memory (`hx_directory_new`, `hx_directory_from_jwks`, grown with `hx_directory_add` and
/// `hx_directory_rotate_in`), a callback (`hx_directory_from_callback`), or a JWK Set at a URL,
/// fetched and cached (`hx_directory_from_url`). Safe to use from several threads at once,
/// including `hx_directory_add` while endpoints resolve names. Endpoints made with it share it:
/// names added later are seen by them. Free with `hx_directory_free`.
pub struct HxDirectory {
    kind: Kind,
}

enum Kind {
    Memory(Arc<MemoryDirectory>),
    Callback(Arc<dyn Directory>),
    Remote(Arc<RemoteDirectory>),
}

impl HxDirectory {
    /// The directory as the core's shared trait object, for an endpoint.
    pub(crate) fn shared(&self) -> Arc<dyn Directory> {
        match &self.kind {
            Kind::Memory(m) => Arc::clone(m) as Arc<dyn Directory>,
            Kind::Callback(c) => Arc::clone(c),
            Kind::Remote(r) => Arc::clone(r) as Arc<dyn Directory>,
        }
    }

    /// The in-memory directory, for the functions that change it.
    fn memory(&self, what: &str) -> FfiResult<&MemoryDirectory> {
        match &self.kind {
            Kind::Memory(m) => Ok(m),
            Kind::Callback(_) => Err(Fail::invalid(format!(
                "dir is a callback directory; {what} needs one made by hx_directory_new or \
                 hx_directory_from_jwks"
            ))),
            Kind::Remote(_) => Err(Fail::invalid(format!(
                "dir is a remote directory (hx_directory_from_url), which is read-only: change \
                 the JWK Set its server publishes; {what} needs one made by hx_directory_new or \
                 hx_directory_from_jwks"
            ))),
        }
    }

    /// The in-memory directory, or the current set of a remote one (fetched if it is not
    /// fresh), for the functions that read a whole directory.
    fn snapshot(&self, what: &str) -> FfiResult<Arc<MemoryDirectory>> {
        match &self.kind {
            Kind::Memory(m) => Ok(Arc::clone(m)),
            Kind::Remote(r) => Ok(r.jwks().get()?),
            Kind::Callback(_) => Err(Fail::invalid(format!(
                "dir is a callback directory, which cannot list its names; {what} needs one \
                 made by hx_directory_new, hx_directory_from_jwks or hx_directory_from_url"
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
/// `HX_ERR_INVALID_ARGUMENT` for a callback or remote directory. During a key rotation use
/// `hx_directory_rotate_in`, which keeps the name's other keys.
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

/// Starts a key rotation in an in-memory directory: makes `public_jwk_json` (a machine token, as
/// `hx_identity_machine_token` writes it) the newest key of its name, keeping the name's other
/// keys (at most 4 in all: the oldest is dropped; a key the name already has moves to the
/// front). Endpoints then encrypt to the newest key and accept tokens signed with any of them
/// (docs/ROTATION.md). Fails with `HX_ERR_INVALID_KEY` for a JWK that is not a public X25519
/// key, and with `HX_ERR_INVALID_ARGUMENT` for a callback or remote directory.
///
/// # Safety
/// `dir` is a live directory; `public_jwk_json` is a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_directory_rotate_in(
    dir: *mut HxDirectory,
    public_jwk_json: *const c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract; only shared access is needed.
        let dir = unsafe { arg_ref(dir.cast_const(), "dir") }?;
        // SAFETY: as above.
        let jwk = unsafe { arg_str(public_jwk_json, "public_jwk_json") }?;
        let memory = dir.memory("hx_directory_rotate_in")?;
        memory.rotate_in(MachineToken::from_jwk(jwk)?);
        Ok(())
    })
}

/// Ends a key rotation in an in-memory directory: removes the one key `public_jwk_json` (a
/// machine token; its `kid` is the name) from its name, which stays while it has other keys. On
/// success writes to `*out_removed` (unless it is NULL) whether the key was there; a key that was
/// not is no error. Fails with `HX_ERR_INVALID_KEY` for a JWK that is not a public X25519 key,
/// and with `HX_ERR_INVALID_ARGUMENT` for a callback or remote directory.
///
/// # Safety
/// `dir` is a live directory; `public_jwk_json` is a NUL-terminated string; `out_removed` is
/// NULL or valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_directory_retire(
    dir: *mut HxDirectory,
    public_jwk_json: *const c_char,
    out_removed: *mut bool,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract; only shared access is needed.
        let dir = unsafe { arg_ref(dir.cast_const(), "dir") }?;
        // SAFETY: as above.
        let jwk = unsafe { arg_str(public_jwk_json, "public_jwk_json") }?;
        // SAFETY: as above; NULL is allowed.
        let out = unsafe { out_removed.as_mut() };
        let memory = dir.memory("hx_directory_retire")?;
        let removed = memory.retire(&MachineToken::from_jwk(jwk)?);
        if let Some(out) = out {
            *out = removed;
        }
        Ok(())
    })
}

/// Makes a directory that resolves names through the JWK Set (`{"keys":[...]}`, X25519 keys
/// whose `kid`s are names, up to 4 per name during a rotation) published at `url`: `https://`,
/// or `http://` when `opts->allow_http` is set. `opts` may be NULL for the defaults (see
/// `HxRemoteOptions`; zero fields are defaults too). Nothing is fetched here: the first name
/// resolved fetches the set, which is then cached for its `Cache-Control: max-age` (within the
/// options' bounds), refetched early for a name it does not know (at most once per cool-down),
/// and kept serving while the server is down, up to `max_stale_s`. A lookup that cannot be
/// answered fails with `HX_ERR_RESOLVER_FAILED`, whose message gives the cause. Fails here with
/// `HX_ERR_INVALID_ARGUMENT` for a URL that is not `https://` (nor `http://` with `allow_http`),
/// has no host, spaces or control characters, or is over 2048 bytes. On success writes the
/// directory to `*out` (free it with `hx_directory_free`). The fetches block the calling thread
/// (at most `timeout_ms`); threads asking at once share one fetch.
///
/// # Safety
/// `url` is a NUL-terminated string; `opts` is NULL or valid for one read; `out` is valid for one
/// pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_directory_from_url(
    url: *const c_char,
    opts: *const HxRemoteOptions,
    out: *mut *mut HxDirectory,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let url = unsafe { arg_str(url, "url") }?;
        // SAFETY: as above.
        let opts = unsafe { HxRemoteOptions::from_ptr(opts) }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out, "out") }?;
        let dir = RemoteDirectory::new(url, opts)?;
        *out = into_handle(HxDirectory {
            kind: Kind::Remote(Arc::new(dir)),
        });
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

/// Writes the number of names in an in-memory directory to `*out`; for a remote directory, the
/// number of names in its current set (fetched first if the cached copy is not fresh, so it may
/// fail with `HX_ERR_RESOLVER_FAILED`). Fails with `HX_ERR_INVALID_ARGUMENT` for a callback
/// directory.
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
        *out = dir.snapshot("hx_directory_len")?.len();
        Ok(())
    })
}

/// Writes an in-memory directory as a JWK Set (`{"keys":[...]}`, sorted by name) to
/// `*out_jwks_json`: what a web server publishes, and what `hx_directory_from_jwks` reads. Free
/// it with `hx_string_free`. For a remote directory, writes its current set (fetched first if
/// the cached copy is not fresh, so it may fail with `HX_ERR_RESOLVER_FAILED`), re-serialised:
/// only its X25519 keys, in the same order. Fails with `HX_ERR_INVALID_ARGUMENT` for a callback
/// directory.
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
        let jwks = dir.snapshot("hx_directory_to_jwks")?.to_jwks();
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
