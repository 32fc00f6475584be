//! `HxKeySet`: several keys for standard JWTs, selected by `kid`.

use std::ffi::{CString, c_char};
use std::sync::{Arc, PoisonError, RwLock};

use hxjwt::jws::{self, KeySet, SkippedKey, Validation};
use hxjwt::remote::RemoteKeySet;

use crate::guard::{
    Fail, FfiResult, arg_out, arg_ref, arg_str, c_string, free_handle, guard, into_handle,
};
use crate::key::HxKey;
use crate::remote::HxRemoteOptions;
use crate::status::HxStatus;

/// A set of keys for verifying standard JWTs from an issuer that rotates its keys (a JWK Set,
/// RFC 7517 section 5): held in memory (`hx_keyset_new`, `hx_keyset_from_jwks`, grown with
/// `hx_keyset_add`), or fetched and cached from the issuer's `jwks_uri` (`hx_keyset_from_url`).
/// `hx_jwt_decode` picks the keys whose `kid` is the token's (or, for a token without `kid`, up
/// to 16 keys that fit its algorithm). Safe to use from several threads at once, including
/// `hx_keyset_add` while tokens are decoded with it (it waits for the decodes in progress). Free
/// with `hx_keyset_free` once no other thread uses it.
pub struct HxKeySet {
    kind: Kind,
    /// The keys of the JWK Set it was read from that were skipped (`hx_keyset_skipped`), as C
    /// strings that live as long as the set. Fixed at load: `hx_keyset_add` does not change it.
    skipped: Vec<CSkipped>,
}

/// A skipped key of a JWK Set, for C.
struct CSkipped {
    index: usize,
    kid: Option<CString>,
    reason: CString,
}

impl CSkipped {
    fn new(s: &SkippedKey) -> Self {
        CSkipped {
            index: s.index,
            kid: s.kid.as_deref().map(c_text),
            reason: c_text(&s.reason),
        }
    }
}

/// `text` as a C string, a NUL character written as `\0` (a C string cannot carry it).
fn c_text(text: &str) -> CString {
    CString::new(text.replace('\0', "\\0")).unwrap_or_default()
}

enum Kind {
    Local(RwLock<KeySet>),
    Remote(RemoteKeySet),
}

impl HxKeySet {
    fn local(set: KeySet) -> Self {
        HxKeySet {
            skipped: set.skipped().iter().map(CSkipped::new).collect(),
            kind: Kind::Local(RwLock::new(set)),
        }
    }

    /// Verifies `token` with the keys of the set and checks its claims against `v`; returns
    /// the claims' JSON text as signed.
    pub(crate) fn decode_bytes(&self, token: &str, v: &Validation) -> FfiResult<Vec<u8>> {
        self.verify_with(|keys| Ok(jws::decode_bytes(token, &keys, v)?.claims))
    }

    /// Runs `f` with the set as the verifying keys of a decode (the keys in memory, or the
    /// remote set, which fetches as it needs).
    pub(crate) fn verify_with<R>(
        &self,
        f: impl FnOnce(&dyn jws::VerifyingKeys) -> FfiResult<R>,
    ) -> FfiResult<R> {
        match &self.kind {
            // A poisoned lock means a panic while adding a key, which leaves the set consistent.
            Kind::Local(set) => f(&*set.read().unwrap_or_else(PoisonError::into_inner)),
            Kind::Remote(remote) => f(remote),
        }
    }

    /// The skipped keys of the JWK Set the set was read from; a remote set does not list them.
    fn skipped_list(&self) -> FfiResult<&[CSkipped]> {
        match &self.kind {
            Kind::Local(_) => Ok(&self.skipped),
            Kind::Remote(_) => Err(Fail::invalid(
                "set is a remote key set (hx_keyset_from_url): its keys change with each fetch, \
                 and it does not list the skipped ones",
            )),
        }
    }

    /// Runs `f` on the keys: those held in memory, or the current set of a remote key set
    /// (fetched first if the cached copy is not fresh).
    fn with_keys<R>(&self, f: impl FnOnce(&KeySet) -> FfiResult<R>) -> FfiResult<R> {
        match &self.kind {
            Kind::Local(set) => f(&set.read().unwrap_or_else(PoisonError::into_inner)),
            Kind::Remote(remote) => {
                let current: Arc<KeySet> = remote.key_set()?;
                f(&current)
            }
        }
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
        *out = into_handle(HxKeySet::local(KeySet::new()));
        Ok(())
    })
}

/// Makes a key set from a JWK Set document (`{"keys":[...]}`, at most 4 MiB and 10000 keys), as
/// an issuer publishes it.
///
/// - Keys hxjwt cannot use for signatures (another `kty` or curve, `use` `"enc"`, an `alg` that
///   is not a JWS algorithm, HX1's X25519 keys) are skipped, as RFC 7517 asks, and each is
///   listed by `hx_keyset_skipped_count` and `hx_keyset_skipped` (its position, `kid` and the
///   reason): check them, a key you expected may be among them.
/// - A document that is not a JWK Set fails with `HX_ERR_MALFORMED`; a malformed or unsafe key
///   of a supported type (an RSA exponent below 3, a ROCA modulus, ...) with
///   `HX_ERR_INVALID_KEY` naming `keys[i]`.
/// - Two different keys with the same `kid` fail with `HX_ERR_INVALID_KEY` naming the `kid` and
///   both positions (the same key repeated under one `kid` is accepted).
/// - A set holding both HMAC secrets (`oct`) and asymmetric keys fails with
///   `HX_ERR_INVALID_KEY`: it would let a token choose, by its `alg` and `kid`, which kind of key
///   checks it. `hx_keyset_from_jwks_mixed` accepts such a set.
///
/// On success writes the set to `*out` (free it with `hx_keyset_free`).
///
/// # Safety
/// `jwks_json` is a NUL-terminated string; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_keyset_from_jwks(
    jwks_json: *const c_char,
    out: *mut *mut HxKeySet,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { from_jwks(jwks_json, out, KeySet::from_jwks) }
}

/// Like `hx_keyset_from_jwks`, but the set may hold both HMAC secrets (`oct`) and asymmetric
/// keys: the caller's explicit choice, for an issuer that really uses both (moving from HS256
/// to RS256, say). Every other check stays: skipped keys are listed, a `kid` shared by two
/// different keys is refused.
///
/// # Safety
/// `jwks_json` is a NUL-terminated string; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_keyset_from_jwks_mixed(
    jwks_json: *const c_char,
    out: *mut *mut HxKeySet,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { from_jwks(jwks_json, out, KeySet::from_jwks_mixed) }
}

/// The shared body of `hx_keyset_from_jwks` and `hx_keyset_from_jwks_mixed`.
///
/// # Safety
/// As `hx_keyset_from_jwks`.
unsafe fn from_jwks(
    jwks_json: *const c_char,
    out: *mut *mut HxKeySet,
    read: fn(&str) -> hxjwt::Result<KeySet>,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from the caller's contract.
        let jwks = unsafe { arg_str(jwks_json, "jwks_json") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out, "out") }?;
        *out = into_handle(HxKeySet::local(read(jwks)?));
        Ok(())
    })
}

/// Writes to `*out` how many keys of its JWK Set `hx_keyset_from_jwks` skipped (0 for a set made
/// by `hx_keyset_new`). Fails with `HX_ERR_INVALID_ARGUMENT` for a remote key set
/// (`hx_keyset_from_url`): its keys change with each fetch, and it does not list them.
///
/// # Safety
/// `set` is a live key set; `out` is valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_keyset_skipped_count(
    set: *const HxKeySet,
    out: *mut usize,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let set = unsafe { arg_ref(set, "set") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out, "out") }?;
        *out = set.skipped_list()?.len();
        Ok(())
    })
}

/// Describes the skipped key number `i` (from 0, below `hx_keyset_skipped_count`, in document
/// order): writes its position in the JWK Set's `keys` array to `*out_index`, its `kid` to
/// `*out_kid` (NULL when it has no string `kid`) and why hxjwt does not use it to `*out_reason`
/// (its `kty`, curve, `use` or `alg`). The strings are borrowed: valid while `set` lives, never
/// free them (a NUL character of a `kid` is written as `\0`). An `i` out of range fails with
/// `HX_ERR_INVALID_ARGUMENT` and writes nothing; so does a remote key set, as in
/// `hx_keyset_skipped_count`.
///
/// # Safety
/// `set` is a live key set; `out_index` is valid for one write; `out_kid` and `out_reason` are
/// valid for one pointer write each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_keyset_skipped(
    set: *const HxKeySet,
    i: usize,
    out_index: *mut usize,
    out_kid: *mut *const c_char,
    out_reason: *mut *const c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let set = unsafe { arg_ref(set, "set") }?;
        // SAFETY: as above.
        let out_index = unsafe { arg_out(out_index, "out_index") }?;
        // SAFETY: as above.
        let out_kid = unsafe { arg_out(out_kid, "out_kid") }?;
        // SAFETY: as above.
        let out_reason = unsafe { arg_out(out_reason, "out_reason") }?;
        let list = set.skipped_list()?;
        let skipped = list.get(i).ok_or_else(|| {
            Fail::invalid(format!(
                "i is {i}, but the set skipped {} key(s) (hx_keyset_skipped_count)",
                list.len()
            ))
        })?;
        *out_index = skipped.index;
        *out_kid = skipped
            .kid
            .as_ref()
            .map_or(std::ptr::null(), |kid| kid.as_ptr());
        *out_reason = skipped.reason.as_ptr();
        Ok(())
    })
}

/// Adds a copy of `key` to the set (`key` may be freed right after). Give keys distinct `kid`s
/// (`hx_key_with_kid`) when the tokens name theirs. Fails with `HX_ERR_INVALID_ARGUMENT` for a
/// remote key set (`hx_keyset_from_url`), which is read-only.
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
        match &set.kind {
            Kind::Local(keys) => {
                keys.write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(key.inner.clone());
                Ok(())
            }
            Kind::Remote(_) => Err(Fail::invalid(
                "set is a remote key set (hx_keyset_from_url), which is read-only: change the \
                 JWK Set its server publishes; hx_keyset_add needs one made by hx_keyset_new or \
                 hx_keyset_from_jwks",
            )),
        }
    })
}

/// Writes the number of keys in the set to `*out`. For a remote key set, the number of usable
/// keys in its current set (fetched first if the cached copy is not fresh, so it may fail with
/// `HX_ERR_RESOLVER_FAILED`).
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
        *out = set.with_keys(|keys| Ok(keys.len()))?;
        Ok(())
    })
}

/// Writes the public JWK Set of the set's keys (`{"keys":[...]}`, no private member; HMAC
/// secrets are left out) to `*out_jwks_json`: what an issuer publishes, and what
/// `hx_keyset_from_jwks` reads. Free it with `hx_string_free`. For a remote key set, the usable
/// keys of its current set (fetched first if the cached copy is not fresh, so it may fail with
/// `HX_ERR_RESOLVER_FAILED`).
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
        let jwks = set.with_keys(|keys| Ok(keys.to_public_jwks()?))?;
        *out = c_string(&jwks)?;
        Ok(())
    })
}

/// Makes a key set fetched from the JWK Set an issuer publishes at `url` (its `jwks_uri`):
/// `https://`, or `http://` when `opts->allow_http` is set. `opts` may be NULL for the defaults
/// (see `HxRemoteOptions`; zero fields are defaults too). Nothing is fetched here: the first
/// `hx_jwt_decode` fetches the set, which is then cached for its `Cache-Control: max-age`
/// (within the options' bounds), refetched early for a `kid` it does not know (at most once per
/// cool-down, so an issuer's new key is picked up with its first token), and kept serving while
/// the server is down, up to `max_stale_s`. A decode whose keys cannot be fetched fails with
/// `HX_ERR_RESOLVER_FAILED`, whose message gives the cause. Fails here with
/// `HX_ERR_INVALID_ARGUMENT` for a URL that is not `https://` (nor `http://` with `allow_http`),
/// has no host, spaces or control characters, or is over 2048 bytes. On success writes the set
/// to `*out` (free it with `hx_keyset_free`). The fetches block the calling thread (at most
/// `timeout_ms`); threads asking at once share one fetch.
///
/// # Safety
/// `url` is a NUL-terminated string; `opts` is NULL or valid for one read; `out` is valid for one
/// pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_keyset_from_url(
    url: *const c_char,
    opts: *const HxRemoteOptions,
    out: *mut *mut HxKeySet,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let url = unsafe { arg_str(url, "url") }?;
        // SAFETY: as above.
        let opts = unsafe { HxRemoteOptions::from_ptr(opts) }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out, "out") }?;
        let set = RemoteKeySet::new(url, opts)?;
        *out = into_handle(HxKeySet {
            kind: Kind::Remote(set),
            skipped: Vec::new(),
        });
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
