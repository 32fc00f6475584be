//! `HxReplayStore`: replay protection shared by endpoints and validations, in memory or on Redis.

use std::ffi::c_char;
use std::sync::Arc;
use std::time::Duration;

use hxjwt::store::redis::{RedisOptions, RedisReplayStore};
use hxjwt::store::{MemoryReplayStore, ReplayStore};

use crate::endpoint::HxEndpoint;
use crate::guard::{
    FfiResult, arg_out, arg_ref, arg_str, free_handle, guard, into_handle, opt_str,
};
use crate::status::HxStatus;
use crate::validation::HxValidation;

/// A replay store: remembers which tokens were accepted until they expire, so that each is
/// accepted once. Made by `hx_replay_store_memory_new` (one process) or
/// `hx_replay_store_redis_new` (every process connected to one Redis: a whole fleet). Attach it
/// to endpoints (`hx_endpoint_set_replay_store`) and validations
/// (`hx_validation_set_replay_store`); they keep their own reference, so the handle may be
/// freed right after. Safe to share between threads.
pub struct HxReplayStore {
    pub(crate) inner: Arc<dyn ReplayStore>,
    redis: Option<Arc<RedisReplayStore>>,
}

/// How `hx_replay_store_redis_new` connects. A plain C struct: **zero (or NULL) means "the
/// default"** in every field, so `HxRedisOptions opts = {0};` is the defaults;
/// `hx_redis_options_default` writes their actual values. Settings in the URL's query
/// (`?prefix=…&timeout=…&connect_timeout=…&max_connections=…`) override these.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct HxRedisOptions {
    /// The longest wait to open a connection (TCP, TLS, `AUTH`, `SELECT`), in milliseconds.
    /// Defaults to 1000.
    pub connect_timeout_ms: u64,
    /// The longest wait for a reply, in milliseconds. Defaults to 500. A call never takes longer
    /// than `connect_timeout_ms + command_timeout_ms`.
    pub command_timeout_ms: u64,
    /// The most connections open at once. Defaults to 16.
    pub max_connections: u64,
    /// Put before every key (NUL-terminated UTF-8), or NULL for `"hxjwt:"`.
    pub key_prefix: *const c_char,
    /// A PEM file of the certificate authorities trusted for `rediss://` instead of the Web PKI
    /// roots (a private CA), or NULL.
    pub ca_file: *const c_char,
}

/// Writes the default Redis options, with their actual values, to `*out` (`key_prefix` and
/// `ca_file` NULL: the default prefix `"hxjwt:"` and the Web PKI roots).
///
/// # Safety
/// `out` is valid for one `HxRedisOptions` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_redis_options_default(out: *mut HxRedisOptions) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let out = unsafe { arg_out(out, "out") }?;
        let d = RedisOptions::default();
        *out = HxRedisOptions {
            connect_timeout_ms: u64::try_from(d.connect_timeout.as_millis()).unwrap_or(u64::MAX),
            command_timeout_ms: u64::try_from(d.command_timeout.as_millis()).unwrap_or(u64::MAX),
            max_connections: u64::try_from(d.max_connections).unwrap_or(u64::MAX),
            key_prefix: std::ptr::null(),
            ca_file: std::ptr::null(),
        };
        Ok(())
    })
}

/// The core's options from a C struct (NULL: all defaults).
///
/// # Safety
/// `o` is NULL or points to an `HxRedisOptions` whose strings are NULL or NUL-terminated.
unsafe fn to_core(o: *const HxRedisOptions) -> FfiResult<RedisOptions> {
    let mut options = RedisOptions::default();
    // SAFETY: forwarded from the caller.
    let Some(o) = (unsafe { o.as_ref() }) else {
        return Ok(options);
    };
    if o.connect_timeout_ms != 0 {
        options.connect_timeout = Duration::from_millis(o.connect_timeout_ms);
    }
    if o.command_timeout_ms != 0 {
        options.command_timeout = Duration::from_millis(o.command_timeout_ms);
    }
    if o.max_connections != 0 {
        options.max_connections = usize::try_from(o.max_connections).unwrap_or(usize::MAX);
    }
    // SAFETY: forwarded from the caller.
    if let Some(prefix) = unsafe { opt_str(o.key_prefix, "options->key_prefix") }? {
        prefix.clone_into(&mut options.key_prefix);
    }
    // SAFETY: forwarded from the caller.
    if let Some(path) = unsafe { opt_str(o.ca_file, "options->ca_file") }? {
        options = options.with_ca_file(path)?;
    }
    Ok(options)
}

/// Makes a replay store on the Redis server at `url` (`redis://[user[:password]@]host[:port][/db]`,
/// `rediss://…` for TLS, `unix:///path.sock[?db=N&user=U&pass=P]`), so that every endpoint and
/// validation of every process using that server accepts each token once. `options` may be
/// NULL (the defaults). No connection is opened yet: a server that is down now is no error here;
/// call `hx_replay_store_ping` to check at start-up. Later, when the server cannot answer within
/// the time-outs, validations fail with `HX_ERR_STORE_UNAVAILABLE` (the token is refused, never
/// accepted unchecked), and succeed again by themselves once it is back. Fails here with
/// `HX_ERR_INVALID_ARGUMENT` for a URL or option that is not usable (the message never contains
/// the password). On success writes the store to `*out` (free it with `hx_replay_store_free`).
///
/// # Safety
/// `url` is a NUL-terminated string; `options` is NULL or a valid `HxRedisOptions`; `out` is
/// valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_replay_store_redis_new(
    url: *const c_char,
    options: *const HxRedisOptions,
    out: *mut *mut HxReplayStore,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let url = unsafe { arg_str(url, "url") }?;
        // SAFETY: as above.
        let options = unsafe { to_core(options) }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out, "out") }?;
        let store = Arc::new(RedisReplayStore::with_options(url, options)?);
        *out = into_handle(HxReplayStore {
            inner: store.clone(),
            redis: Some(store),
        });
        Ok(())
    })
}

/// Makes an in-memory replay store remembering at most `capacity` unexpired tokens (0: the
/// default, 1 000 000); when full it refuses new tokens with `HX_ERR_REPLAYED` rather than
/// forgetting any. Share it between endpoints and validations of one process. On success writes
/// the store to `*out` (free it with `hx_replay_store_free`).
///
/// # Safety
/// `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_replay_store_memory_new(
    capacity: usize,
    out: *mut *mut HxReplayStore,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let out = unsafe { arg_out(out, "out") }?;
        let store = if capacity == 0 {
            MemoryReplayStore::default()
        } else {
            MemoryReplayStore::new(capacity)
        };
        *out = into_handle(HxReplayStore {
            inner: Arc::new(store),
            redis: None,
        });
        Ok(())
    })
}

/// Checks that the store can answer: `HX_OK` for a memory store, and for a Redis store whose
/// server answers `PING` within the time-outs; `HX_ERR_STORE_UNAVAILABLE` otherwise.
///
/// # Safety
/// `store` is a live replay store.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_replay_store_ping(store: *const HxReplayStore) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let store = unsafe { arg_ref(store, "store") }?;
        if let Some(redis) = &store.redis {
            redis.ping()?;
        }
        Ok(())
    })
}

/// Frees a replay store handle. Endpoints and validations it was attached to keep using the
/// store. NULL is ignored.
///
/// # Safety
/// `store` is NULL or a live replay store not used by another thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_replay_store_free(store: *mut HxReplayStore) {
    // SAFETY: forwarded from this function's contract.
    unsafe { free_handle(store) }
}

/// Makes the endpoint record each token it accepts in `store` (replacing any replay protection
/// it had), so that a token is accepted once by every endpoint sharing the store; a token seen
/// before fails with `HX_ERR_REPLAYED`, and one that cannot be checked (the Redis server is down)
/// with `HX_ERR_STORE_UNAVAILABLE`. `store` NULL turns replay protection off.
///
/// # Safety
/// `ep` is a live endpoint; `store` is NULL or a live replay store.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_endpoint_set_replay_store(
    ep: *mut HxEndpoint,
    store: *const HxReplayStore,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract; NULL is allowed.
    let store = unsafe { store.as_ref() }.map(|s| s.inner.clone());
    // SAFETY: forwarded from this function's contract.
    unsafe {
        crate::endpoint::configure(ep, |e| {
            e.set_replay_store(store);
            Ok(())
        })
    }
}

/// Makes `hx_jwt_decode` with this validation accept each token once: a token must then carry a
/// `jti` (else `HX_ERR_MISSING_CLAIM`, claim `"jti"`) and an `exp`, and a second token with the
/// same `jti`, verified by the same key, fails with `HX_ERR_REPLAYED` (claim `"jti"`) in every
/// process sharing the store; `HX_ERR_STORE_UNAVAILABLE` when the store cannot answer. `store`
/// NULL turns it off (the default).
///
/// # Safety
/// `v` is a live validation; `store` is NULL or a live replay store.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_validation_set_replay_store(
    v: *mut HxValidation,
    store: *const HxReplayStore,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract; NULL is allowed.
    let store = unsafe { store.as_ref() }.map(|s| s.inner.clone());
    // SAFETY: forwarded from this function's contract.
    unsafe {
        crate::validation::configure(v, |v| {
            v.replay_store = store;
            Ok(())
        })
    }
}
