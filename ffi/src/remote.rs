//! `HxRemoteOptions`: how a remote JWK Set (`hx_directory_from_url`, `hx_keyset_from_url`) is
//! fetched and cached.

use std::time::Duration;

use hxjwt::remote::RemoteOptions;

use crate::guard::{arg_out, guard};
use crate::status::HxStatus;

/// How a JWK Set at a URL is fetched and cached (`hx_directory_from_url`, `hx_keyset_from_url`).
/// A plain C struct: fill it field by field. **Zero means "the default"** in every field, so
/// `HxRemoteOptions opts = {0};` is the defaults, and a program can set only the fields it cares
/// about; `hx_remote_options_default` writes the defaults' actual values. Times are counted in
/// whole seconds by the cache, except the two time-outs (milliseconds).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HxRemoteOptions {
    /// The longest wait to establish a connection (TCP and TLS), in milliseconds. Defaults
    /// to 5000.
    pub connect_timeout_ms: u64,
    /// The longest a whole request may take, connection and body included, in milliseconds.
    /// Defaults to 10000.
    pub timeout_ms: u64,
    /// The largest response body accepted, in bytes; a larger one is a failed fetch. Defaults to
    /// 1048576 (1 MiB).
    pub max_response_bytes: u64,
    /// How long a fetched set is fresh when the response has no `Cache-Control: max-age`, in
    /// seconds. Defaults to 300.
    pub default_ttl_s: u64,
    /// The shortest freshness, whatever `max-age` says (also for `no-cache`/`no-store`), in
    /// seconds. Defaults to 60.
    pub min_ttl_s: u64,
    /// The longest freshness, whatever `max-age` says, in seconds. Defaults to 86400 (a day).
    pub max_ttl_s: u64,
    /// The least time between two fetches triggered by an unknown name or `kid`, or by a failed
    /// fetch, in seconds: a flood of unknown names costs at most one fetch per cool-down.
    /// Defaults to 30.
    pub refresh_cooldown_s: u64,
    /// How long after it stops being fresh the last good set keeps serving while fetches fail,
    /// in seconds; after that, lookups fail with `HX_ERR_RESOLVER_FAILED`. Defaults to 3600.
    pub max_stale_s: u64,
    /// Accept `http://` URLs (no TLS): only for loopback tests and private networks. Defaults
    /// to `false` (only `https://`).
    pub allow_http: bool,
}

/// `value`, or the default when it is zero.
fn or_default<T: PartialEq + Default>(value: T, default: T) -> T {
    if value == T::default() {
        default
    } else {
        value
    }
}

impl HxRemoteOptions {
    /// The core's options: each zero field becomes the core's default.
    pub(crate) fn to_core(self) -> RemoteOptions {
        let d = RemoteOptions::default();
        RemoteOptions {
            connect_timeout: or_default(
                Duration::from_millis(self.connect_timeout_ms),
                d.connect_timeout,
            ),
            timeout: or_default(Duration::from_millis(self.timeout_ms), d.timeout),
            // A limit beyond the address space is no limit at all.
            max_response_bytes: or_default(
                usize::try_from(self.max_response_bytes).unwrap_or(usize::MAX),
                d.max_response_bytes,
            ),
            default_ttl: or_default(Duration::from_secs(self.default_ttl_s), d.default_ttl),
            min_ttl: or_default(Duration::from_secs(self.min_ttl_s), d.min_ttl),
            max_ttl: or_default(Duration::from_secs(self.max_ttl_s), d.max_ttl),
            refresh_cooldown: or_default(
                Duration::from_secs(self.refresh_cooldown_s),
                d.refresh_cooldown,
            ),
            max_stale: or_default(Duration::from_secs(self.max_stale_s), d.max_stale),
            allow_http: self.allow_http,
        }
    }

    /// The options behind `opts`: the defaults when it is NULL.
    ///
    /// # Safety
    /// `opts` is NULL or valid for one read.
    pub(crate) unsafe fn from_ptr(opts: *const HxRemoteOptions) -> RemoteOptions {
        // SAFETY: forwarded from the caller.
        unsafe { opts.as_ref() }
            .copied()
            .unwrap_or_default()
            .to_core()
    }
}

impl From<&RemoteOptions> for HxRemoteOptions {
    fn from(o: &RemoteOptions) -> Self {
        let millis = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        HxRemoteOptions {
            connect_timeout_ms: millis(o.connect_timeout),
            timeout_ms: millis(o.timeout),
            max_response_bytes: u64::try_from(o.max_response_bytes).unwrap_or(u64::MAX),
            default_ttl_s: o.default_ttl.as_secs(),
            min_ttl_s: o.min_ttl.as_secs(),
            max_ttl_s: o.max_ttl.as_secs(),
            refresh_cooldown_s: o.refresh_cooldown.as_secs(),
            max_stale_s: o.max_stale.as_secs(),
            allow_http: o.allow_http,
        }
    }
}

/// Writes the default options, with their actual values (5000 ms, 10000 ms, 1 MiB, 300 s, 60 s,
/// 86400 s, 30 s, 3600 s, https only), to `*out`. Passing an all-zero struct, or NULL, to the
/// `*_from_url` functions has the same effect; this is for programs that want to show or adjust
/// the values.
///
/// # Safety
/// `out` is valid for one write of an `HxRemoteOptions`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_remote_options_default(out: *mut HxRemoteOptions) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let out = unsafe { arg_out(out, "out") }?;
        *out = HxRemoteOptions::from(&RemoteOptions::default());
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_the_default_and_the_default_round_trips() {
        assert_eq!(
            HxRemoteOptions::default().to_core(),
            RemoteOptions::default()
        );
        let mut c = HxRemoteOptions::default();
        // SAFETY: `c` is a live, writable struct.
        let status = unsafe { hx_remote_options_default(&raw mut c) };
        assert_eq!(status, HxStatus::HxOk);
        assert_eq!(c.to_core(), RemoteOptions::default());
        assert_eq!(c.timeout_ms, 10_000);
        // SAFETY: NULL means the defaults.
        let from_null = unsafe { HxRemoteOptions::from_ptr(std::ptr::null()) };
        assert_eq!(from_null, RemoteOptions::default());
    }

    #[test]
    fn set_fields_are_kept() {
        let c = HxRemoteOptions {
            timeout_ms: 1500,
            min_ttl_s: 1,
            allow_http: true,
            ..HxRemoteOptions::default()
        };
        let o = c.to_core();
        assert_eq!(o.timeout, Duration::from_millis(1500));
        assert_eq!(o.min_ttl, Duration::from_secs(1));
        assert!(o.allow_http);
        assert_eq!(o.max_ttl, RemoteOptions::default().max_ttl);
    }

    #[test]
    fn default_rejects_null() {
        // SAFETY: NULL is checked.
        let s = unsafe { hx_remote_options_default(std::ptr::null_mut()) };
        assert_eq!(s, HxStatus::HxErrInvalidArgument);
    }
}
