//! `HxEndpoint`: creates and validates HX1 tokens.

use std::ffi::c_char;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use hxjwt::{CreateOptions, Endpoint, FixedClock, MachineToken, SystemClock, hx1::check_name};

use crate::directory::HxDirectory;
use crate::guard::{
    Fail, FfiResult, arg_bytes, arg_out, arg_ref, arg_str, c_string, free_handle, guard,
    into_handle, opt_str,
};
use crate::identity::HxIdentity;
use crate::message::HxMessage;
use crate::status::HxStatus;

/// One identity with its directory, validation policy and caches: creates tokens for peers and
/// validates tokens from them. Safe to share between threads: any number of threads may create
/// and validate at once (they share its key cache and replay store), and the `hx_endpoint_set_*`
/// functions may be called at any time (they wait for calls in progress). Free with
/// `hx_endpoint_free` once no other thread uses it.
pub struct HxEndpoint {
    inner: RwLock<Endpoint>,
}

impl HxEndpoint {
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Endpoint> {
        // A poisoned lock means a panic in a setter, which leaves the endpoint consistent.
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Endpoint> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Makes an endpoint for the identity `id`, resolving peers' names with `dir` (which may be NULL:
/// then only the `*_machine_token` forms of create and validate work). The endpoint keeps its own
/// copy of the identity and its own reference to the directory: both may be freed right after.
/// Defaults: system clock, no leeway, no maximum lifetime, tokens up to 64 KiB, no replay
/// protection. On success writes the endpoint to `*out` (free it with `hx_endpoint_free`).
///
/// # Safety
/// `id` is a live identity; `dir` is NULL or a live directory; `out` is valid for one pointer
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_endpoint_new(
    id: *const HxIdentity,
    dir: *const HxDirectory,
    out: *mut *mut HxEndpoint,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let id = unsafe { arg_ref(id, "id") }?;
        // SAFETY: as above; NULL is allowed.
        let dir = unsafe { dir.as_ref() };
        // SAFETY: as above.
        let out = unsafe { arg_out(out, "out") }?;
        let mut endpoint = Endpoint::new(id.inner.clone());
        if let Some(dir) = dir {
            endpoint = endpoint.with_shared_directory(dir.shared());
        }
        *out = into_handle(HxEndpoint {
            inner: RwLock::new(endpoint),
        });
        Ok(())
    })
}

/// Runs `change` on the endpoint behind `ep` under its write lock.
///
/// # Safety
/// `ep` is NULL or a live endpoint.
pub(crate) unsafe fn configure(
    ep: *mut HxEndpoint,
    change: impl FnOnce(&mut Endpoint) -> FfiResult,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from the caller; only shared access to the handle is needed, the
        // lock provides the exclusive access to the endpoint.
        let ep = unsafe { arg_ref(ep.cast_const(), "ep") }?;
        change(&mut ep.write())
    })
}

/// Sets the clock skew tolerated on `exp`, `iat` and `nbf`, in seconds. Defaults to 0.
///
/// # Safety
/// `ep` is a live endpoint.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_endpoint_set_leeway(ep: *mut HxEndpoint, seconds: u64) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        configure(ep, |e| {
            e.policy_mut().leeway = seconds;
            Ok(())
        })
    }
}

/// Sets the longest lifetime (`exp - iat`) a token may have to be accepted, in seconds; longer
/// ones fail with `HX_ERR_LIFETIME_TOO_LONG`. 0 removes the limit, which is the default.
///
/// # Safety
/// `ep` is a live endpoint.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_endpoint_set_max_lifetime(
    ep: *mut HxEndpoint,
    seconds: u64,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        configure(ep, |e| {
            e.policy_mut().max_lifetime = (seconds != 0).then_some(seconds);
            Ok(())
        })
    }
}

/// Sets the longest token accepted, in bytes (at least 1); longer ones fail with
/// `HX_ERR_MALFORMED` before any other work. Defaults to 65536.
///
/// # Safety
/// `ep` is a live endpoint.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_endpoint_set_max_token_length(
    ep: *mut HxEndpoint,
    bytes: usize,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        configure(ep, |e| {
            if bytes == 0 {
                return Err(Fail::invalid("bytes must be at least 1"));
            }
            e.policy_mut().max_token_len = bytes;
            Ok(())
        })
    }
}

/// Also accepts tokens whose `aud` is `name` (an alias of this endpoint), besides the
/// identity's own name. Defaults to none.
///
/// # Safety
/// `ep` is a live endpoint; `name` is a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_endpoint_add_audience(
    ep: *mut HxEndpoint,
    name: *const c_char,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let name = unsafe { arg_str(name, "name") };
    // SAFETY: as above.
    unsafe {
        configure(ep, move |e| {
            let name = name?;
            check_name(name, "name")?;
            let audiences = &mut e.policy_mut().audiences;
            if !audiences.iter().any(|a| a == name) {
                audiences.push(name.to_owned());
            }
            Ok(())
        })
    }
}

/// Turns replay protection on or off. When on, a token accepted once is refused with
/// `HX_ERR_REPLAYED` until it expires (kept in memory, bounded). Turning it on starts with an
/// empty store. Defaults to off.
///
/// # Safety
/// `ep` is a live endpoint.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_endpoint_set_replay_protection(
    ep: *mut HxEndpoint,
    on: bool,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        configure(ep, |e| {
            e.set_replay_protection(on);
            Ok(())
        })
    }
}

/// **For tests, known-answer vectors and replaying recorded traffic only**: stops the endpoint's
/// clock at `unix_seconds`. Tokens it creates are then issued at that instant, and tokens it
/// validates are checked against it. `hx_endpoint_use_system_clock` undoes it.
///
/// # Safety
/// `ep` is a live endpoint.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_endpoint_set_time(ep: *mut HxEndpoint, unix_seconds: i64) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        configure(ep, |e| {
            e.set_clock(Arc::new(FixedClock(unix_seconds)));
            Ok(())
        })
    }
}

/// Makes the endpoint read the system's wall clock again (the default).
///
/// # Safety
/// `ep` is a live endpoint.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_endpoint_use_system_clock(ep: *mut HxEndpoint) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        configure(ep, |e| {
            e.set_clock(Arc::new(SystemClock));
            Ok(())
        })
    }
}

/// Keeps the key pair of `previous` for receiving, besides the endpoint's own: tokens that peers
/// sealed to its machine token keep validating (only its key is used, its name is ignored). It is
/// the old key after a switch, or the next key before one (receive on a new key before
/// publishing it; docs/ROTATION.md). Tokens are always created with the current identity. At
/// most 2 previous identities are kept, newest first; adding another drops the oldest, and adding
/// the current key or one already kept changes nothing but the order. The endpoint keeps its own
/// copy: `previous` may be freed right after.
///
/// # Safety
/// `ep` is a live endpoint; `previous` is a live identity.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_endpoint_add_previous_identity(
    ep: *mut HxEndpoint,
    previous: *const HxIdentity,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let previous = unsafe { arg_ref(previous, "previous") }.map(|p| p.inner.clone());
    // SAFETY: as above.
    unsafe {
        configure(ep, move |e| {
            e.add_previous_identity(previous?);
            Ok(())
        })
    }
}

/// Rotates the endpoint's key in place: `new_identity` becomes the current identity (tokens are
/// created with it from now on), and the current one is kept as a previous identity for
/// receiving, as `hx_endpoint_add_previous_identity` does, so that tokens sealed to the old key
/// and still in flight keep validating. `new_identity` should have the endpoint's name. The
/// endpoint keeps its own copy: `new_identity` may be freed right after. Calls in progress on
/// other threads finish with the old identity.
///
/// # Safety
/// `ep` is a live endpoint; `new_identity` is a live identity.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_endpoint_rotate_identity(
    ep: *mut HxEndpoint,
    new_identity: *const HxIdentity,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let identity = unsafe { arg_ref(new_identity, "new_identity") }.map(|i| i.inner.clone());
    // SAFETY: as above.
    unsafe {
        configure(ep, move |e| {
            e.rotate_identity(identity?);
            Ok(())
        })
    }
}

/// Forgets the previous identities (`hx_endpoint_add_previous_identity`,
/// `hx_endpoint_rotate_identity`): the rotation window is closed, and tokens sealed to those keys
/// no longer validate.
///
/// # Safety
/// `ep` is a live endpoint.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_endpoint_clear_previous_identities(ep: *mut HxEndpoint) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        configure(ep, |e| {
            e.clear_previous_identities();
            Ok(())
        })
    }
}

/// Writes the number of previous identities the endpoint keeps for receiving (0 to 2) to
/// `*out`.
///
/// # Safety
/// `ep` is a live endpoint; `out` is valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_endpoint_previous_identity_count(
    ep: *const HxEndpoint,
    out: *mut usize,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let ep = unsafe { arg_ref(ep, "ep") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out, "out") }?;
        *out = ep.read().previous_identities().len();
        Ok(())
    })
}

/// Frees an endpoint. NULL is a no-op. No other thread may be using it.
///
/// # Safety
/// `ep` is NULL or an endpoint from this library that was not freed before and that no other
/// thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_endpoint_free(ep: *mut HxEndpoint) {
    // SAFETY: forwarded from this function's contract.
    unsafe { free_handle(ep) };
}

/// The shared body of `hx_create_jwt` and `hx_create_jwt_ex`.
///
/// # Safety
/// The pointer arguments honour the contract of `hx_create_jwt_ex`.
#[expect(
    clippy::too_many_arguments,
    reason = "the C functions' arguments, forwarded, and the mode"
)]
unsafe fn create(
    ep: *const HxEndpoint,
    recipient_name: *const c_char,
    recipient_machine_token: *const c_char,
    payload: *const u8,
    payload_len: usize,
    opts: FfiResult<CreateOptions>,
    one_pu: bool,
    out_token: *mut *mut c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let ep = unsafe { arg_ref(ep, "ep") }?;
        // SAFETY: as above.
        let name = unsafe { opt_str(recipient_name, "recipient_name") }?;
        // SAFETY: as above.
        let jwk = unsafe { opt_str(recipient_machine_token, "recipient_machine_token") }?;
        // SAFETY: as above.
        let payload = unsafe { arg_bytes(payload, payload_len, "payload") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out_token, "out_token") }?;
        let opts = opts?;
        let endpoint = ep.read();
        let token = match (name, jwk) {
            (Some(name), None) if one_pu => endpoint.create_1pu(name, payload, &opts)?,
            (Some(name), None) => endpoint.create(name, payload, &opts)?,
            (None, Some(jwk)) if one_pu => {
                endpoint.create_1pu_for(&MachineToken::from_jwk(jwk)?, payload, &opts)?
            }
            (None, Some(jwk)) => {
                endpoint.create_for(&MachineToken::from_jwk(jwk)?, payload, &opts)?
            }
            (None, None) => {
                return Err(Fail::invalid(
                    "recipient_name and recipient_machine_token are both NULL; pass one",
                ));
            }
            (Some(_), Some(_)) => {
                return Err(Fail::invalid(
                    "recipient_name and recipient_machine_token are both set; pass only one",
                ));
            }
        };
        drop(endpoint);
        *out = c_string(&token)?;
        Ok(())
    })
}

/// Creates an HX1 token from this endpoint's identity to one recipient, carrying `payload`
/// (`payload_len` bytes, encrypted; `payload` may be NULL when `payload_len` is 0), issued now
/// and valid for `ttl_seconds` (at least 1). Exactly one of `recipient_name` (resolved by the
/// endpoint's directory; an unknown name fails with `HX_ERR_UNKNOWN_ISSUER`) and
/// `recipient_machine_token` (the recipient's public JWK) is non-NULL. On success writes the
/// token to `*out_token` (free it with `hx_string_free`). `ep` may be shared between threads.
/// A token longer than the endpoint's `max_token_len` (64 KiB by default, what receivers accept
/// by default) is not made: `HX_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `ep` is a live endpoint; `recipient_name` and `recipient_machine_token` are NULL or
/// NUL-terminated strings; `payload` is NULL or valid for reads of `payload_len` bytes;
/// `out_token` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_create_jwt(
    ep: *const HxEndpoint,
    recipient_name: *const c_char,
    recipient_machine_token: *const c_char,
    payload: *const u8,
    payload_len: usize,
    ttl_seconds: u64,
    out_token: *mut *mut c_char,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        create(
            ep,
            recipient_name,
            recipient_machine_token,
            payload,
            payload_len,
            Ok(CreateOptions::with_ttl(ttl_seconds)),
            false,
            out_token,
        )
    }
}

/// Like `hx_create_jwt`, with the optional header members: `not_before` (NULL, or the token's
/// `nbf` in seconds since the Unix epoch), `jti` (NULL, or a unique token id of at most 128
/// bytes) and `content_type` (NULL, or the `cty`, the media type of the payload, e.g. `"json"`).
///
/// # Safety
/// As `hx_create_jwt`; `not_before` is NULL or valid for one read; `jti` and `content_type` are
/// NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_create_jwt_ex(
    ep: *const HxEndpoint,
    recipient_name: *const c_char,
    recipient_machine_token: *const c_char,
    payload: *const u8,
    payload_len: usize,
    ttl_seconds: u64,
    not_before: *const i64,
    jti: *const c_char,
    content_type: *const c_char,
    out_token: *mut *mut c_char,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let opts = unsafe { create_options(ttl_seconds, not_before, jti, content_type) };
    // SAFETY: as above.
    unsafe {
        create(
            ep,
            recipient_name,
            recipient_machine_token,
            payload,
            payload_len,
            opts,
            false,
            out_token,
        )
    }
}

/// Like `hx_create_jwt_ex`, in the ECDH-1PU mode (docs/PROTOCOL.md): a standard compact JWE
/// (`alg` `ECDH-1PU`, `enc` `A256GCM`, five segments) that joserfc or any
/// ECDH-1PU stack can read with the two machine tokens, and whose past tokens stay sealed if the
/// sender's identity key is stolen later (SECURITY.md). `hx_validate_jwt` validates both modes
/// (`hx_message_protocol` says which). Same arguments, ownership and errors as
/// `hx_create_jwt_ex`.
///
/// # Safety
/// As `hx_create_jwt_ex`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_create_jwt_1pu(
    ep: *const HxEndpoint,
    recipient_name: *const c_char,
    recipient_machine_token: *const c_char,
    payload: *const u8,
    payload_len: usize,
    ttl_seconds: u64,
    not_before: *const i64,
    jti: *const c_char,
    content_type: *const c_char,
    out_token: *mut *mut c_char,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let opts = unsafe { create_options(ttl_seconds, not_before, jti, content_type) };
    // SAFETY: as above.
    unsafe {
        create(
            ep,
            recipient_name,
            recipient_machine_token,
            payload,
            payload_len,
            opts,
            true,
            out_token,
        )
    }
}

/// The options of `hx_create_jwt_ex` and `hx_create_jwt_1pu`.
///
/// # Safety
/// `not_before` is NULL or valid for one read; `jti` and `content_type` are NULL or
/// NUL-terminated strings.
unsafe fn create_options(
    ttl_seconds: u64,
    not_before: *const i64,
    jti: *const c_char,
    content_type: *const c_char,
) -> FfiResult<CreateOptions> {
    Ok(CreateOptions {
        ttl: ttl_seconds,
        // SAFETY: forwarded from this function's contract.
        not_before: unsafe { not_before.as_ref() }.copied(),
        // SAFETY: as above.
        jti: unsafe { opt_str(jti, "jti") }?.map(str::to_owned),
        // SAFETY: as above.
        cty: unsafe { opt_str(content_type, "content_type") }?.map(str::to_owned),
    })
}

/// Validates an HX1 token addressed to this endpoint (PROTOCOL.md section 4), or a token of the
/// ECDH-1PU mode (`hx_create_jwt_1pu`, section 8; `hx_message_protocol` says which). When
/// `sender_machine_token` is NULL, the sender is resolved by the token's `iss` through the
/// endpoint's directory; otherwise it is the sender's public JWK, and a token from anyone else
/// fails with `HX_ERR_ISSUER_MISMATCH`. On success writes a new message to `*out` (free it with
/// `hx_message_free`); on failure leaves `*out` unchanged and returns the `HX_ERR_*` of the first
/// check that failed. `ep` may be shared between threads. A token whose `jti` or `cty` contains
/// a NUL character, which a C string cannot carry, is refused with `HX_ERR_MALFORMED`.
///
/// # Safety
/// `ep` is a live endpoint; `token` is a NUL-terminated string; `sender_machine_token` is NULL or
/// a NUL-terminated string; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_validate_jwt(
    ep: *const HxEndpoint,
    token: *const c_char,
    sender_machine_token: *const c_char,
    out: *mut *mut HxMessage,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let ep = unsafe { arg_ref(ep, "ep") }?;
        // SAFETY: as above.
        let token = unsafe { arg_str(token, "token") }?;
        // SAFETY: as above.
        let sender = unsafe { opt_str(sender_machine_token, "sender_machine_token") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out, "out") }?;
        let endpoint = ep.read();
        let message = match sender {
            Some(jwk) => endpoint.validate_from(token, &MachineToken::from_jwk(jwk)?)?,
            None => endpoint.validate(token)?,
        };
        drop(endpoint);
        *out = into_handle(HxMessage::from_message(&message)?);
        Ok(())
    })
}
