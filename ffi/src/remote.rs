//! `HxRemoteOptions`: how a remote JWK Set (`hx_directory_from_url`, `hx_keyset_from_url`) is
//! fetched and cached.

use std::ffi::c_char;
use std::time::Duration;

use hxjwt::remote::RemoteOptions;

use crate::guard::{Fail, FfiResult, arg_out, arg_str_array, guard, opt_str};
use crate::status::HxStatus;

/// How a JWK Set at a URL is fetched and cached (`hx_directory_from_url`, `hx_keyset_from_url`).
/// A plain C struct: fill it field by field. **Zero means "the default"** in every field, so
/// `HxRemoteOptions opts = {0};` is the defaults, and a program can set only the fields it cares
/// about; `hx_remote_options_default` writes the defaults' actual values. Times are counted in
/// whole seconds by the cache, except the two time-outs (milliseconds). The strings the struct
/// points to (`ca_file`, `headers`) are only read during the call it is passed to.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    /// to `false` (only `https://`). Even with it, a redirect from `https://` to `http://` is
    /// refused (`HX_ERR_RESOLVER_FAILED`); at most 3 redirects are followed.
    pub allow_http: bool,
    /// The path of a PEM file of the certificate authorities to trust for `https://` (an
    /// identity provider behind a private CA), or NULL for the built-in Mozilla roots. The file
    /// **replaces** the built-in roots (as `curl --cacert` does). It is read and checked by the
    /// call this struct is passed to: a missing or unreadable file, bad PEM, no `CERTIFICATE`
    /// block or a private key in it fail there with `HX_ERR_INVALID_ARGUMENT` naming the path.
    pub ca_file: *const c_char,
    /// `headers_len` extra request headers, each a `"Name: value"` string, sent with every
    /// fetch (`Authorization`, `Cookie` and `Proxy-Authorization` are not sent to another
    /// origin after a redirect). A `User-Agent` replaces the default `hxjwt/<version>`. NULL
    /// when `headers_len` is 0. A line without a colon, a name that is not an HTTP token or is
    /// `Host`, `Content-Length` or `Transfer-Encoding`, a value with CR, LF, NUL or another
    /// control character, or a header given twice fails with `HX_ERR_INVALID_ARGUMENT` naming
    /// its index (never quoting the value).
    pub headers: *const *const c_char,
    /// The number of strings in `headers`.
    pub headers_len: usize,
    /// Accept a JWK Set mixing HMAC secrets (`kty: "oct"`) with public keys (refused by
    /// default: a key set whose public keys are published beside secrets is usually a mistake).
    /// Only `hx_keyset_from_url` reads it. Defaults to `false`.
    pub allow_mixed_keys: bool,
}

impl Default for HxRemoteOptions {
    fn default() -> Self {
        HxRemoteOptions {
            connect_timeout_ms: 0,
            timeout_ms: 0,
            max_response_bytes: 0,
            default_ttl_s: 0,
            min_ttl_s: 0,
            max_ttl_s: 0,
            refresh_cooldown_s: 0,
            max_stale_s: 0,
            allow_http: false,
            ca_file: std::ptr::null(),
            headers: std::ptr::null(),
            headers_len: 0,
            allow_mixed_keys: false,
        }
    }
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
    /// The core's options: each zero field becomes the core's default; the CA file is read and
    /// the headers are checked.
    ///
    /// # Safety
    /// `ca_file` is NULL or a NUL-terminated string; `headers` is NULL or valid for reads of
    /// `headers_len` pointers, each NULL or to a NUL-terminated string.
    pub(crate) unsafe fn to_core(self) -> FfiResult<RemoteOptions> {
        let mut o = self.plain();
        // SAFETY: forwarded from the caller.
        if let Some(path) = unsafe { opt_str(self.ca_file, "opts->ca_file") }? {
            o = o.with_ca_file(path)?;
        }
        // SAFETY: forwarded from the caller.
        let lines = unsafe { arg_str_array(self.headers, self.headers_len, "opts->headers") }?;
        for (i, line) in lines.into_iter().enumerate() {
            o = o
                .with_header_line(line)
                .map_err(|e| Fail::invalid(format!("opts->headers[{i}]: {}", e.detail())))?;
        }
        Ok(o)
    }

    /// The core's options from the number and flag fields (no file, no headers).
    fn plain(self) -> RemoteOptions {
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
            allow_mixed_keys: self.allow_mixed_keys,
            ..d
        }
    }

    /// The options behind `opts`: the defaults when it is NULL; a bad CA file or header fails
    /// with `HX_ERR_INVALID_ARGUMENT`.
    ///
    /// # Safety
    /// `opts` is NULL or valid for one read, its pointers as [`HxRemoteOptions::to_core`] says.
    pub(crate) unsafe fn from_ptr(opts: *const HxRemoteOptions) -> FfiResult<RemoteOptions> {
        // SAFETY: forwarded from the caller.
        let c = unsafe { opts.as_ref() }.copied().unwrap_or_default();
        // SAFETY: forwarded from the caller.
        unsafe { c.to_core() }
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
            ca_file: std::ptr::null(),
            headers: std::ptr::null(),
            headers_len: 0,
            allow_mixed_keys: o.allow_mixed_keys,
        }
    }
}

/// Writes the default options, with their actual values (5000 ms, 10000 ms, 1 MiB, 300 s, 60 s,
/// 86400 s, 30 s, 3600 s, https only, the built-in CA roots, no extra headers, no mixed sets),
/// to `*out`. Passing an all-zero struct, or NULL, to the
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
        // SAFETY: the default struct's pointers are NULL.
        let zero = unsafe { HxRemoteOptions::default().to_core() }.unwrap();
        assert_eq!(zero, RemoteOptions::default());
        let mut c = HxRemoteOptions::default();
        // SAFETY: `c` is a live, writable struct.
        let status = unsafe { hx_remote_options_default(&raw mut c) };
        assert_eq!(status, HxStatus::HxOk);
        assert_eq!(c.plain(), RemoteOptions::default());
        assert_eq!(c.timeout_ms, 10_000);
        // SAFETY: NULL means the defaults.
        let from_null = unsafe { HxRemoteOptions::from_ptr(std::ptr::null()) }.unwrap();
        assert_eq!(from_null, RemoteOptions::default());
    }

    #[test]
    fn set_fields_are_kept() {
        let c = HxRemoteOptions {
            timeout_ms: 1500,
            min_ttl_s: 1,
            allow_http: true,
            allow_mixed_keys: true,
            ..HxRemoteOptions::default()
        };
        let o = c.plain();
        assert!(o.allow_mixed_keys);
        assert_eq!(o.timeout, Duration::from_millis(1500));
        assert_eq!(o.min_ttl, Duration::from_secs(1));
        assert!(o.allow_http);
        assert_eq!(o.max_ttl, RemoteOptions::default().max_ttl);
    }

    #[test]
    fn headers_and_ca_file_are_read_and_checked() {
        let good = [c"X-Api-Key: k-1".as_ptr(), c"User-Agent:  svc/1".as_ptr()];
        let c = HxRemoteOptions {
            headers: good.as_ptr(),
            headers_len: good.len(),
            ..HxRemoteOptions::default()
        };
        // SAFETY: `good` holds two live C strings.
        let o = unsafe { c.to_core() }.unwrap();
        assert_eq!(
            o.headers,
            [
                ("X-Api-Key".to_owned(), "k-1".to_owned()),
                ("User-Agent".to_owned(), "svc/1".to_owned())
            ]
        );
        let bad = [c"X-A: 1".as_ptr(), c"Host: evil".as_ptr()];
        let c = HxRemoteOptions {
            headers: bad.as_ptr(),
            headers_len: bad.len(),
            ..HxRemoteOptions::default()
        };
        // SAFETY: as above.
        let e = unsafe { c.to_core() }.unwrap_err();
        assert_eq!(e.status, HxStatus::HxErrInvalidArgument);
        assert!(e.message.contains("opts->headers[1]"), "{}", e.message);
        let c = HxRemoteOptions {
            headers_len: 2,
            ..HxRemoteOptions::default()
        };
        // SAFETY: NULL headers are checked against the length.
        let e = unsafe { c.to_core() }.unwrap_err();
        assert!(e.message.contains("opts->headers is NULL"), "{}", e.message);
        let c = HxRemoteOptions {
            ca_file: c"/no/such/hxjwt-ca.pem".as_ptr(),
            ..HxRemoteOptions::default()
        };
        // SAFETY: a live C string.
        let e = unsafe { c.to_core() }.unwrap_err();
        assert_eq!(e.status, HxStatus::HxErrInvalidArgument);
        assert!(e.message.contains("/no/such/hxjwt-ca.pem"), "{}", e.message);
    }

    #[test]
    fn default_rejects_null() {
        // SAFETY: NULL is checked.
        let s = unsafe { hx_remote_options_default(std::ptr::null_mut()) };
        assert_eq!(s, HxStatus::HxErrInvalidArgument);
    }
}
