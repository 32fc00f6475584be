//! Remote JWK Sets: one HTTPS fetcher and cache, shared by HX1 directories and JWS key sets.
//!
//! A fleet publishes its public keys as one JWK Set (`{"keys":[…]}`) on any web server or CDN;
//! every service points at its URL. [`RemoteJwks`] fetches it with time and size limits, keeps
//! it for the time the server's `Cache-Control: max-age` allows (within
//! [`RemoteOptions::min_ttl`]..=[`RemoteOptions::max_ttl`]), refreshes it early when a name or
//! `kid` it does not know is asked for (at most once per [`RemoteOptions::refresh_cooldown`]),
//! lets concurrent callers share one fetch, and, when the server fails, keeps serving the last
//! good set for [`RemoteOptions::max_stale`] before lookups fail with
//! [`ErrorKind::ResolverFailed`].
//!
//! [`RemoteDirectory`] resolves HX1 names through it, [`RemoteKeySet`] selects JWS keys by `kid`.
//!
//! ```no_run
//! use hxjwt::remote::{RemoteDirectory, RemoteKeySet, RemoteOptions};
//! use hxjwt::{Endpoint, Identity};
//! use std::time::Duration;
//!
//! let opts = RemoteOptions { max_stale: Duration::from_secs(6 * 3600), ..RemoteOptions::default() };
//! let directory = RemoteDirectory::new("https://keys.example.com/hx1.json", opts.clone())?;
//! let me = Endpoint::new(Identity::generate("billing")?).with_directory(directory);
//! let jwks = RemoteKeySet::new("https://login.example.com/.well-known/jwks.json", opts)?;
//! # let _ = (me, jwks);
//! # Ok::<(), hxjwt::Error>(())
//! ```

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::clock::{Clock, SystemClock};
use crate::error::{Error, ErrorKind, Result, quote};
use crate::hx1::{Directory, MachineToken, MemoryDirectory};
use crate::jws::{Algorithm, Key, KeySet, VerifyingKeys};

/// The `User-Agent` of every fetch unless [`RemoteOptions::headers`] gives one:
/// `hxjwt/<version>`.
pub const DEFAULT_USER_AGENT: &str = concat!("hxjwt/", env!("CARGO_PKG_VERSION"));
/// The default [`RemoteOptions::max_response_bytes`]: 1 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;
/// The longest URL accepted, in bytes.
pub const MAX_URL_LEN: usize = 2048;

/// How a remote JWK Set is fetched and cached. Every field has a documented default.
///
/// ```
/// use hxjwt::remote::RemoteOptions;
/// use std::time::Duration;
/// let opts = RemoteOptions {
///     timeout: Duration::from_secs(3),
///     refresh_cooldown: Duration::from_secs(10),
///     ..RemoteOptions::default()
/// };
/// assert_eq!(opts.max_response_bytes, 1024 * 1024);
/// ```
///
/// The cache times are counted in whole seconds by the fetcher's [`Clock`].
#[derive(Clone, PartialEq, Eq)]
pub struct RemoteOptions {
    /// The longest wait to establish a connection (TCP and TLS). Defaults to 5 s.
    pub connect_timeout: Duration,
    /// The longest a whole request may take, connection and body included. Defaults to 10 s.
    pub timeout: Duration,
    /// The largest response body accepted, in bytes. Defaults to
    /// [`DEFAULT_MAX_RESPONSE_BYTES`] (1 MiB).
    pub max_response_bytes: usize,
    /// How long a set is fresh when the response has no `Cache-Control: max-age`. Defaults to
    /// 300 s.
    pub default_ttl: Duration,
    /// The shortest freshness, whatever `max-age` says (also for `no-cache`/`no-store`).
    /// Defaults to 60 s.
    pub min_ttl: Duration,
    /// The longest freshness, whatever `max-age` says. Defaults to 86 400 s (a day).
    pub max_ttl: Duration,
    /// The least time between two fetches triggered by an unknown name or `kid`, or by a
    /// failure: a flood of unknown names costs at most one fetch per cool-down. Defaults to 30 s.
    pub refresh_cooldown: Duration,
    /// How long after it stops being fresh the last good set keeps serving while fetches fail.
    /// After that, lookups fail with [`ErrorKind::ResolverFailed`]. Defaults to 3 600 s.
    pub max_stale: Duration,
    /// Accept `http://` URLs (no TLS). Only for loopback tests and private networks. Defaults
    /// to `false`. Even with it, a redirect from an `https://` URL to an `http://` one is
    /// always refused.
    pub allow_http: bool,
    /// The certificate authorities trusted for `https://` fetches, as PEM text (one or more
    /// `CERTIFICATE` blocks), for an identity provider behind a private CA. When set, these
    /// roots **replace** the built-in Mozilla roots (as `curl --cacert` does): put the public
    /// roots in the same PEM if both are needed. Set it with [`RemoteOptions::with_ca_file`] or
    /// [`RemoteOptions::with_ca_pem`], which check it when called; a value set directly is
    /// checked by [`RemoteJwks::new`]. Defaults to `None` (the built-in roots).
    pub ca_pem: Option<String>,
    /// Extra request headers sent with every fetch (redirects included, except that
    /// `Authorization`, `Cookie` and `Proxy-Authorization` are dropped when a redirect leaves
    /// the URL's origin), as `(name, value)`. A `User-Agent` here replaces the default
    /// `hxjwt/<version>`; an `Accept` replaces the default
    /// `application/jwk-set+json, application/json`. Names must be HTTP tokens other than
    /// `Host`, `Content-Length` and `Transfer-Encoding`; values must not hold CR, LF, NUL or
    /// other control characters but tab. Set them with [`RemoteOptions::with_header`], which
    /// checks them when called; values set directly are checked by [`RemoteJwks::new`]. Values
    /// never appear in `Debug` output or error messages. Defaults to none.
    pub headers: Vec<(String, String)>,
    /// Accept a JWK Set that mixes HMAC secrets (`kty: "oct"`) with public keys, as
    /// [`KeySet::from_jwks_mixed`] does for a local set (a [`RemoteKeySet`] refuses such a set
    /// otherwise, like [`KeySet::from_jwks`]). Defaults to `false`.
    pub allow_mixed_keys: bool,
}

impl Default for RemoteOptions {
    fn default() -> Self {
        RemoteOptions {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(10),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            default_ttl: Duration::from_secs(300),
            min_ttl: Duration::from_secs(60),
            max_ttl: Duration::from_secs(86_400),
            refresh_cooldown: Duration::from_secs(30),
            max_stale: Duration::from_secs(3600),
            allow_http: false,
            ca_pem: None,
            headers: Vec::new(),
            allow_mixed_keys: false,
        }
    }
}

impl fmt::Debug for RemoteOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may be credentials: only their names are shown.
        let header_names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("RemoteOptions")
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("default_ttl", &self.default_ttl)
            .field("min_ttl", &self.min_ttl)
            .field("max_ttl", &self.max_ttl)
            .field("refresh_cooldown", &self.refresh_cooldown)
            .field("max_stale", &self.max_stale)
            .field("allow_http", &self.allow_http)
            .field("ca_pem", &self.ca_pem.as_ref().map(|_| "<PEM>"))
            .field("headers", &header_names)
            .field("allow_mixed_keys", &self.allow_mixed_keys)
            .finish()
    }
}

/// The most redirects a fetch follows; one more fails with [`ErrorKind::ResolverFailed`].
pub const MAX_REDIRECTS: usize = 3;
/// The largest CA file accepted by [`RemoteOptions::with_ca_file`], in bytes: 4 MiB.
pub const MAX_CA_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// The longest header name accepted, in bytes.
pub const MAX_HEADER_NAME_LEN: usize = 256;
/// The longest header value accepted, in bytes.
pub const MAX_HEADER_VALUE_LEN: usize = 8192;
/// The most extra headers accepted.
pub const MAX_HEADERS: usize = 64;

impl RemoteOptions {
    /// These options trusting the certificate authorities of the PEM file at `path` (instead of
    /// the built-in roots: see [`RemoteOptions::ca_pem`]). The file is read and checked now:
    /// an unreadable file, one larger than [`MAX_CA_FILE_BYTES`], bad PEM, or a file with no
    /// `CERTIFICATE` block fails with [`ErrorKind::InvalidArgument`] naming the path.
    ///
    /// ```
    /// use hxjwt::ErrorKind;
    /// use hxjwt::remote::RemoteOptions;
    /// let err = RemoteOptions::default().with_ca_file("/no/such/ca.pem").unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    /// assert!(err.to_string().contains("/no/such/ca.pem"));
    /// ```
    pub fn with_ca_file(self, path: impl AsRef<std::path::Path>) -> Result<Self> {
        use std::io::Read;
        let path = path.as_ref();
        // In full (quote() would shorten it), control characters escaped by Debug.
        let name = format!("{:?}", path.display().to_string());
        let file = std::fs::File::open(path)
            .map_err(|e| Error::invalid_argument(format!("cannot read the CA file {name}: {e}")))?;
        let mut bytes = Vec::new();
        file.take(MAX_CA_FILE_BYTES.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| Error::invalid_argument(format!("cannot read the CA file {name}: {e}")))?;
        if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > MAX_CA_FILE_BYTES {
            return Err(Error::invalid_argument(format!(
                "the CA file {name} is larger than {MAX_CA_FILE_BYTES} bytes"
            )));
        }
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::invalid_argument(format!("the CA file {name} is not PEM text (not UTF-8)"))
        })?;
        parse_ca_pem(&text)
            .map_err(|e| Error::invalid_argument(format!("the CA file {name}: {}", e.detail())))?;
        Ok(RemoteOptions {
            ca_pem: Some(text),
            ..self
        })
    }

    /// These options trusting the certificate authorities of `pem` (one or more `CERTIFICATE`
    /// blocks), instead of the built-in roots: see [`RemoteOptions::ca_pem`]. Bad PEM or no
    /// certificate fails with [`ErrorKind::InvalidArgument`] now.
    ///
    /// ```
    /// use hxjwt::ErrorKind;
    /// use hxjwt::remote::RemoteOptions;
    /// let err = RemoteOptions::default().with_ca_pem("not a certificate").unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    /// ```
    pub fn with_ca_pem(self, pem: &str) -> Result<Self> {
        parse_ca_pem(pem)?;
        Ok(RemoteOptions {
            ca_pem: Some(pem.to_owned()),
            ..self
        })
    }

    /// These options with one more request header (see [`RemoteOptions::headers`]), checked
    /// now: a name that is not an HTTP token or is `Host`, `Content-Length` or
    /// `Transfer-Encoding`, a value with CR, LF, NUL or another control character, or a
    /// header given twice, fails with [`ErrorKind::InvalidArgument`] (naming the header, never
    /// quoting the value).
    ///
    /// ```
    /// use hxjwt::ErrorKind;
    /// use hxjwt::remote::RemoteOptions;
    /// let opts = RemoteOptions::default().with_header("X-Api-Key", "k-123")?;
    /// assert_eq!(opts.headers, vec![("X-Api-Key".to_owned(), "k-123".to_owned())]);
    /// let err = opts.with_header("X-Evil", "a\r\nHost: x").unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn with_header(mut self, name: &str, value: &str) -> Result<Self> {
        self.headers.push((name.to_owned(), value.to_owned()));
        check_headers(&self.headers)?;
        Ok(self)
    }

    /// These options with a header given as one `"Name: value"` line (as curl's `-H` and the
    /// CLI's `--header` take it); see [`RemoteOptions::with_header`].
    ///
    /// ```
    /// use hxjwt::remote::RemoteOptions;
    /// let opts = RemoteOptions::default().with_header_line("User-Agent: billing/2.1")?;
    /// assert_eq!(opts.headers[0].1, "billing/2.1");
    /// assert!(RemoteOptions::default().with_header_line("no colon").is_err());
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn with_header_line(self, line: &str) -> Result<Self> {
        let (name, value) = line.split_once(':').ok_or_else(|| {
            Error::invalid_argument("a header must be given as 'Name: value' (no colon found)")
        })?;
        self.with_header(name.trim(), value.trim_matches([' ', '\t']))
    }
}

/// The certificates of a PEM text: at least one, each well-formed DER.
fn parse_ca_pem(pem: &str) -> Result<Vec<ureq::tls::Certificate<'static>>> {
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(pem.as_bytes()) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => {
                der::Document::try_from(c.der()).map_err(|e| {
                    Error::invalid_argument(format!(
                        "certificate {} is not valid DER: {e}",
                        certs.len().saturating_add(1)
                    ))
                })?;
                certs.push(c);
            }
            Ok(_) => {
                return Err(Error::invalid_argument(
                    "the CA PEM holds a private key: only CERTIFICATE blocks belong there",
                ));
            }
            Err(e) => {
                return Err(Error::invalid_argument(format!("not valid PEM: {e}")));
            }
        }
    }
    if certs.is_empty() {
        return Err(Error::invalid_argument(
            "no CERTIFICATE block found in the CA PEM",
        ));
    }
    Ok(certs)
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Checks extra request headers (names, values, count, duplicates).
fn check_headers(headers: &[(String, String)]) -> Result<()> {
    if headers.len() > MAX_HEADERS {
        return Err(Error::invalid_argument(format!(
            "more than {MAX_HEADERS} extra headers"
        )));
    }
    for (i, (name, value)) in headers.iter().enumerate() {
        if name.is_empty() {
            return Err(Error::invalid_argument("a header name is empty"));
        }
        if name.len() > MAX_HEADER_NAME_LEN || !name.bytes().all(is_tchar) {
            return Err(Error::invalid_argument(format!(
                "the header name {} is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~, \
                 at most {MAX_HEADER_NAME_LEN} bytes)",
                quote(name)
            )));
        }
        let lower = name.to_ascii_lowercase();
        if matches!(
            lower.as_str(),
            "host" | "content-length" | "transfer-encoding"
        ) {
            return Err(Error::invalid_argument(format!(
                "the header {} is set by the HTTP client and cannot be given",
                quote(name)
            )));
        }
        if headers
            .iter()
            .take(i)
            .any(|(other, _)| other.eq_ignore_ascii_case(name))
        {
            return Err(Error::invalid_argument(format!(
                "the header {} is given twice",
                quote(name)
            )));
        }
        if value.len() > MAX_HEADER_VALUE_LEN {
            return Err(Error::invalid_argument(format!(
                "the value of the header {} is longer than {MAX_HEADER_VALUE_LEN} bytes",
                quote(name)
            )));
        }
        if value.chars().any(|c| c.is_control() && c != '\t') {
            return Err(Error::invalid_argument(format!(
                "the value of the header {} contains CR, LF, NUL or another control character",
                quote(name)
            )));
        }
    }
    Ok(())
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// A set parsed from a response, with its freshness.
struct Cached<T> {
    value: Arc<T>,
    fresh_until: i64,
}

struct State<T> {
    cached: Option<Cached<T>>,
    /// A fetch is in flight; others wait on the condition variable.
    fetching: bool,
    /// When the last fetch started.
    last_attempt: Option<i64>,
    /// Why the last fetch failed; `None` after a success.
    last_error: Option<Error>,
    /// Fetches made (successful or not).
    fetches: u64,
}

struct Inner<T> {
    url: String,
    opts: RemoteOptions,
    agent: ureq::Agent,
    clock: Arc<dyn Clock>,
    parse: fn(&str) -> Result<T>,
    state: Mutex<State<T>>,
    done: Condvar,
}

/// A JWK Set at a URL, fetched and cached: the shared machinery of [`RemoteDirectory`] and
/// [`RemoteKeySet`]. `T` is what the document is parsed into. Cloning shares the cache.
pub struct RemoteJwks<T> {
    inner: Arc<Inner<T>>,
}

impl<T> Clone for RemoteJwks<T> {
    fn clone(&self) -> Self {
        RemoteJwks {
            inner: Arc::clone(&self.inner),
        }
    }
}

/// Resets `fetching` and wakes the waiters even if the fetch panics.
struct FetchGuard<'a, T> {
    inner: &'a Inner<T>,
}

impl<T> Drop for FetchGuard<'_, T> {
    fn drop(&mut self) {
        let mut st = self
            .inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        st.fetching = false;
        drop(st);
        self.inner.done.notify_all();
    }
}

impl<T: Send + Sync + 'static> RemoteJwks<T> {
    /// A fetcher of the JWK Set at `url`, parsed by `parse`. Nothing is fetched until the first
    /// lookup. Fails with [`ErrorKind::InvalidArgument`] for a URL that is not `https://` (or
    /// `http://` with [`RemoteOptions::allow_http`]), too long, or has spaces or control
    /// characters.
    pub fn new(url: &str, opts: RemoteOptions, parse: fn(&str) -> Result<T>) -> Result<Self> {
        check_url(url, opts.allow_http)?;
        check_headers(&opts.headers)?;
        let user_agent = opts
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("user-agent"))
            .map_or(DEFAULT_USER_AGENT, |(_, v)| v.as_str());
        let mut config = ureq::Agent::config_builder()
            .timeout_connect(Some(opts.connect_timeout))
            .timeout_global(Some(opts.timeout))
            .http_status_as_error(false)
            .https_only(!opts.allow_http)
            // Redirects are followed by `download`, which checks the scheme of every hop.
            .max_redirects(0)
            .user_agent(user_agent);
        if let Some(pem) = &opts.ca_pem {
            let certs = parse_ca_pem(pem).map_err(|e| {
                Error::invalid_argument(format!("RemoteOptions::ca_pem: {}", e.detail()))
            })?;
            config = config.tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(ureq::tls::RootCerts::new_with_certs(&certs))
                    .build(),
            );
        }
        if is_loopback(url) {
            // A proxy from the environment must not see (or break) loopback traffic.
            config = config.proxy(None);
        }
        let agent: ureq::Agent = config.build().into();
        Ok(RemoteJwks {
            inner: Arc::new(Inner {
                url: url.to_owned(),
                opts,
                agent,
                clock: Arc::new(SystemClock),
                parse,
                state: Mutex::new(State {
                    cached: None,
                    fetching: false,
                    last_attempt: None,
                    last_error: None,
                    fetches: 0,
                }),
                done: Condvar::new(),
            }),
        })
    }

    /// The same fetcher with another clock (for tests). Call it before sharing the fetcher:
    /// clones made earlier keep the old clock and cache.
    #[must_use]
    pub fn with_clock(self, clock: impl Clock + 'static) -> Self {
        let inner = Arc::try_unwrap(self.inner).unwrap_or_else(|shared| Inner {
            url: shared.url.clone(),
            opts: shared.opts.clone(),
            agent: shared.agent.clone(),
            clock: Arc::clone(&shared.clock),
            parse: shared.parse,
            state: Mutex::new(State {
                cached: None,
                fetching: false,
                last_attempt: None,
                last_error: None,
                fetches: 0,
            }),
            done: Condvar::new(),
        });
        RemoteJwks {
            inner: Arc::new(Inner {
                clock: Arc::new(clock),
                ..inner
            }),
        }
    }

    /// The URL.
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// The options.
    pub fn options(&self) -> &RemoteOptions {
        &self.inner.opts
    }

    /// How many fetches were made so far (successful or not).
    pub fn fetch_count(&self) -> u64 {
        self.lock().fetches
    }

    /// The set: from the cache while it is fresh, else fetched (one fetch for all the threads
    /// that ask at once). When the fetch fails, the last good set serves until it is
    /// [`max_stale`](RemoteOptions::max_stale) past its freshness; then, or when there never was
    /// a good set, fails with [`ErrorKind::ResolverFailed`] naming the cause. After a failure, no
    /// new fetch is tried before [`refresh_cooldown`](RemoteOptions::refresh_cooldown).
    pub fn get(&self) -> Result<Arc<T>> {
        let mut st = self.lock();
        loop {
            let now = self.inner.clock.now();
            if let Some(c) = &st.cached {
                if now < c.fresh_until {
                    return Ok(Arc::clone(&c.value));
                }
            }
            if st.fetching {
                st = self.wait(st);
                continue;
            }
            if st.last_error.is_some() && self.cooling_down(&st, now) {
                return self.stale_or_fail(&st, now);
            }
            st = self.fetch(st);
            let now = self.inner.clock.now();
            return match (&st.last_error, &st.cached) {
                (None, Some(c)) => Ok(Arc::clone(&c.value)),
                _ => self.stale_or_fail(&st, now),
            };
        }
    }

    /// The cached set while it is fresh, or `None`: never fetches and never waits for a fetch
    /// in flight (the lock it takes is never held during one). For callers that must not block,
    /// an event loop say, and call [`get`](Self::get) elsewhere when this is `None`.
    ///
    /// ```
    /// use hxjwt::remote::{RemoteJwks, RemoteOptions};
    /// let jwks = RemoteJwks::new("https://keys.example.com/jwks.json", RemoteOptions::default(),
    ///                            |text| Ok(text.to_owned()))?;
    /// assert!(jwks.cached().is_none()); // nothing fetched yet
    /// assert_eq!(jwks.fetch_count(), 0);
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn cached(&self) -> Option<Arc<T>> {
        let st = self.lock();
        let now = self.inner.clock.now();
        st.cached
            .as_ref()
            .filter(|c| now < c.fresh_until)
            .map(|c| Arc::clone(&c.value))
    }

    /// A newer set than `seen`, for a lookup that did not find its name or `kid` in `seen`:
    /// the one another thread just fetched, or a new fetch unless one started less than
    /// [`refresh_cooldown`](RemoteOptions::refresh_cooldown) ago. `Ok(None)` when there is
    /// nothing newer to look in; [`ErrorKind::ResolverFailed`] when the directory cannot be
    /// reached (so the name may exist), unless `seen` is still fresh.
    pub fn refresh_unknown(&self, seen: &Arc<T>) -> Result<Option<Arc<T>>> {
        let mut st = self.lock();
        loop {
            if let Some(c) = &st.cached {
                if !Arc::ptr_eq(&c.value, seen) {
                    return Ok(Some(Arc::clone(&c.value)));
                }
            }
            if st.fetching {
                st = self.wait(st);
                continue;
            }
            let now = self.inner.clock.now();
            if !self.cooling_down(&st, now) {
                st = self.fetch(st);
                if st.last_error.is_none() {
                    return Ok(st.cached.as_ref().map(|c| Arc::clone(&c.value)));
                }
            }
            let fresh = st.cached.as_ref().is_some_and(|c| now < c.fresh_until);
            return match &st.last_error {
                Some(e) if !fresh => Err(Error::new(
                    ErrorKind::ResolverFailed,
                    format!(
                        "not in the last good set, and the set could not be refreshed: {}",
                        e.detail()
                    ),
                )),
                _ => Ok(None),
            };
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // The state is consistent after every statement that changes it; a panic elsewhere
        // while holding the lock does not break it.
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'a>(&self, st: MutexGuard<'a, State<T>>) -> MutexGuard<'a, State<T>> {
        // Bounded, in case the fetching thread never wakes us; the caller re-checks.
        let bound = self
            .inner
            .opts
            .timeout
            .saturating_add(self.inner.opts.connect_timeout)
            .saturating_add(Duration::from_secs(1));
        self.inner
            .done
            .wait_timeout(st, bound)
            .map_or_else(|e| e.into_inner().0, |(g, _)| g)
    }

    fn cooling_down(&self, st: &State<T>, now: i64) -> bool {
        st.last_attempt.is_some_and(|t| {
            now >= t && now < t.saturating_add(secs(self.inner.opts.refresh_cooldown))
        })
    }

    fn stale_or_fail(&self, st: &State<T>, now: i64) -> Result<Arc<T>> {
        let cause = st
            .last_error
            .as_ref()
            .map_or("no set fetched yet", Error::detail);
        match &st.cached {
            Some(c)
                if now
                    < c.fresh_until
                        .saturating_add(secs(self.inner.opts.max_stale)) =>
            {
                Ok(Arc::clone(&c.value))
            }
            Some(_) => Err(Error::new(
                ErrorKind::ResolverFailed,
                format!(
                    "the last good JWK Set from {} is older than the staleness limit ({} s), \
                     and refreshing it failed: {cause}",
                    quote(&self.inner.url),
                    self.inner.opts.max_stale.as_secs()
                ),
            )),
            None => Err(Error::new(ErrorKind::ResolverFailed, cause.to_owned())),
        }
    }

    /// Fetches with the lock released; others wait. Returns the lock with the state updated.
    fn fetch<'a>(&'a self, mut st: MutexGuard<'a, State<T>>) -> MutexGuard<'a, State<T>> {
        st.fetching = true;
        st.fetches = st.fetches.saturating_add(1);
        st.last_attempt = Some(self.inner.clock.now());
        drop(st);
        let guard = FetchGuard { inner: &self.inner };
        let result = self.download();
        let now = self.inner.clock.now();
        let mut st = self.lock();
        match result {
            Ok((value, max_age)) => {
                let o = &self.inner.opts;
                let ttl = max_age
                    .map_or(secs(o.default_ttl), |a| {
                        i64::try_from(a).unwrap_or(i64::MAX)
                    })
                    .clamp(secs(o.min_ttl), secs(o.max_ttl).max(secs(o.min_ttl)));
                st.cached = Some(Cached {
                    value: Arc::new(value),
                    fresh_until: now.saturating_add(ttl),
                });
                st.last_error = None;
            }
            Err(e) => st.last_error = Some(e),
        }
        drop(st);
        drop(guard); // fetching = false, waiters woken
        self.lock()
    }

    /// The GET of the URL, redirects followed by hand: at most [`MAX_REDIRECTS`], never from
    /// `https://` to `http://`, each hop's URL checked as the first one was; credentials
    /// (`Authorization`, `Cookie`, `Proxy-Authorization`) only sent to the URL's own origin.
    fn follow(&self, fail: &dyn Fn(String) -> Error) -> Result<ureq::http::Response<ureq::Body>> {
        let opts = &self.inner.opts;
        let origin = origin_of(&self.inner.url);
        let has_accept = opts
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("accept"));
        let mut url = self.inner.url.clone();
        let mut hops = 0usize;
        loop {
            let same_origin = origin_of(&url) == origin;
            let mut request = self.inner.agent.get(url.as_str());
            if !has_accept {
                request = request.header("accept", "application/jwk-set+json, application/json");
            }
            for (name, value) in &opts.headers {
                let lower = name.to_ascii_lowercase();
                if lower == "user-agent"
                    || (!same_origin
                        && matches!(
                            lower.as_str(),
                            "authorization" | "cookie" | "proxy-authorization"
                        ))
                {
                    continue;
                }
                request = request.header(name.as_str(), value.as_str());
            }
            let response = request.call().map_err(|e| fail(describe_error(&e, &url)))?;
            let status = response.status().as_u16();
            if !matches!(status, 301 | 302 | 303 | 307 | 308) {
                return Ok(response);
            }
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| fail(format!("HTTP status {status} without a usable Location")))?;
            let next = resolve_location(&url, location).ok_or_else(|| {
                fail(format!(
                    "redirect to {} refused: not an http(s) URL",
                    quote(location)
                ))
            })?;
            let from_https = url
                .get(..8)
                .is_some_and(|p| p.eq_ignore_ascii_case("https://"));
            let to_https = next
                .get(..8)
                .is_some_and(|p| p.eq_ignore_ascii_case("https://"));
            if from_https && !to_https {
                return Err(fail(format!(
                    "redirect from https to http refused ({})",
                    quote(&next)
                )));
            }
            hops = hops.saturating_add(1);
            if hops > MAX_REDIRECTS {
                return Err(fail(format!(
                    "too many redirects (more than {MAX_REDIRECTS})"
                )));
            }
            check_url(&next, opts.allow_http)
                .map_err(|e| fail(format!("redirect refused: {}", e.detail())))?;
            url = next;
        }
    }

    /// One GET: the parsed set and the freshness the server allows (`max-age` minus `Age`).
    fn download(&self) -> Result<(T, Option<u64>)> {
        let url = &self.inner.url;
        let fail = |what: String| {
            Error::new(
                ErrorKind::ResolverFailed,
                format!("fetching the JWK Set at {}: {what}", quote(url)),
            )
        };
        let mut response = self.follow(&fail)?;
        let status = response.status();
        if !status.is_success() {
            return Err(fail(format!("HTTP status {}", status.as_u16())));
        }
        let header = |name: &str| -> Vec<String> {
            response
                .headers()
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok().map(str::to_owned))
                .collect()
        };
        let max_age = max_age(&header("cache-control"), &header("age"));
        let limit = self.inner.opts.max_response_bytes;
        let text = response
            .body_mut()
            .with_config()
            .limit(u64::try_from(limit).unwrap_or(u64::MAX))
            .read_to_string()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => {
                    fail(format!("the response is larger than {limit} bytes"))
                }
                other => fail(other.to_string()),
            })?;
        let value =
            (self.inner.parse)(&text).map_err(|e| fail(format!("not a valid JWK Set: {e}")))?;
        Ok((value, max_age))
    }
}

impl<T> fmt::Debug for RemoteJwks<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteJwks")
            .field("url", &self.inner.url)
            .field("options", &self.inner.opts)
            .finish_non_exhaustive()
    }
}

/// `max-age` from `Cache-Control` values (`no-cache`/`no-store` count as 0), minus `Age`.
fn max_age(cache_control: &[String], age: &[String]) -> Option<u64> {
    let mut found = None;
    for directive in cache_control.iter().flat_map(|v| v.split(',')) {
        let directive = directive.trim();
        let (name, value) = directive.split_once('=').unwrap_or((directive, ""));
        let name = name.trim().to_ascii_lowercase();
        match name.as_str() {
            "no-cache" | "no-store" => return Some(0),
            "max-age" => {
                found = value.trim().trim_matches('"').parse::<u64>().ok();
            }
            _ => {}
        }
    }
    let age = age
        .first()
        .and_then(|a| a.trim().parse::<u64>().ok())
        .unwrap_or(0);
    found.map(|m| m.saturating_sub(age))
}

fn check_url(url: &str, allow_http: bool) -> Result<()> {
    if url.len() > MAX_URL_LEN {
        return Err(Error::invalid_argument(format!(
            "the JWK Set URL is longer than {MAX_URL_LEN} bytes"
        )));
    }
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Error::invalid_argument(
            "the JWK Set URL contains a space or a control character",
        ));
    }
    let lower = url.to_ascii_lowercase();
    let rest = if let Some(rest) = lower.strip_prefix("https://") {
        rest
    } else if let Some(rest) = lower.strip_prefix("http://") {
        if !allow_http {
            return Err(Error::invalid_argument(format!(
                "{} is plain http://: use https://, or allow http explicitly (loopback tests)",
                quote(url)
            )));
        }
        rest
    } else {
        return Err(Error::invalid_argument(format!(
            "{} is not an https:// URL",
            quote(url)
        )));
    };
    if host_of(rest).is_empty() {
        return Err(Error::invalid_argument(format!(
            "{} has no host",
            quote(url)
        )));
    }
    Ok(())
}

/// The host of `rest` (a URL after `scheme://`), without user info or port.
fn host_of(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    }
}

fn is_loopback(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower.split_once("://").map_or(lower.as_str(), |(_, r)| r);
    let host = host_of(rest);
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `scheme://authority` of a URL, lower-cased.
fn origin_of(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    match lower.split_once("://") {
        Some((scheme, rest)) => {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
            format!("{scheme}://{authority}")
        }
        None => lower,
    }
}

/// The absolute URL a `Location` header points to from `base`, or `None` for another scheme.
fn resolve_location(base: &str, location: &str) -> Option<String> {
    let location = location.trim();
    let lower = location.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return Some(location.to_owned());
    }
    let (scheme, _) = base.split_once("://")?;
    if let Some(rest) = location.strip_prefix("//") {
        return Some(format!("{scheme}://{rest}"));
    }
    // Another scheme (`ftp:`, `file:`, `javascript:`): a colon before any '/', '?' or '#'.
    let first_part = location.split(['/', '?', '#']).next().unwrap_or_default();
    if first_part.contains(':') {
        return None;
    }
    let origin = origin_of(base);
    let origin_len = origin.len();
    if location.starts_with('/') {
        return Some(format!("{}{location}", base.get(..origin_len)?));
    }
    // Relative to the base's directory (its path without query or fragment).
    let path_end = base
        .get(origin_len..)?
        .find(['?', '#'])
        .map_or(base.len(), |i| origin_len.saturating_add(i));
    let path = base.get(..path_end)?;
    let dir = match path.get(origin_len..)?.rfind('/') {
        Some(i) => path
            .get(..origin_len.saturating_add(i).saturating_add(1))?
            .to_owned(),
        None => format!("{path}/"),
    };
    Some(format!("{dir}{location}"))
}

/// A precise message for a failed request: certificate problems named, other errors as ureq
/// words them.
fn describe_error(e: &ureq::Error, url: &str) -> String {
    use rustls::CertificateError as C;
    let lower = url.to_ascii_lowercase();
    let rest = lower.split_once("://").map_or(lower.as_str(), |(_, r)| r);
    let host = host_of(rest);
    match certificate_error(e) {
        Some(C::UnknownIssuer) => "TLS: certificate not trusted (unknown CA)".to_owned(),
        Some(C::Expired | C::ExpiredContext { .. }) => "TLS: certificate expired".to_owned(),
        Some(C::NotValidYet | C::NotValidYetContext { .. }) => {
            "TLS: certificate not yet valid".to_owned()
        }
        Some(C::NotValidForName | C::NotValidForNameContext { .. }) => {
            format!("TLS: certificate is not valid for host {}", quote(host))
        }
        Some(other) => format!("TLS: certificate refused ({other})"),
        None => e.to_string(),
    }
}

/// The certificate error of a failed TLS handshake: rustls' error as ureq returns it, or inside
/// the `io::Error` the TLS stream reported it through.
fn certificate_error(e: &ureq::Error) -> Option<&rustls::CertificateError> {
    let tls = match e {
        ureq::Error::Rustls(tls) => tls,
        ureq::Error::Io(io) => io.get_ref()?.downcast_ref::<rustls::Error>()?,
        _ => return None,
    };
    match tls {
        rustls::Error::InvalidCertificate(c) => Some(c),
        _ => None,
    }
}

/// An HX1 [`Directory`] served as a JWK Set at a URL: the X25519 keys of the set, by name
/// (`kid`), up to [`MAX_KEYS_PER_NAME`](crate::hx1::MAX_KEYS_PER_NAME) per name during a
/// rotation. A name not in the cached set triggers a refresh (limited by the cool-down).
#[derive(Clone, Debug)]
pub struct RemoteDirectory {
    jwks: RemoteJwks<MemoryDirectory>,
}

impl RemoteDirectory {
    /// A directory fetched from `url`; see [`RemoteJwks::new`].
    pub fn new(url: &str, opts: RemoteOptions) -> Result<Self> {
        Ok(RemoteDirectory {
            jwks: RemoteJwks::new(url, opts, MemoryDirectory::from_jwks)?,
        })
    }

    /// The same directory with another clock (for tests).
    #[must_use]
    pub fn with_clock(self, clock: impl Clock + 'static) -> Self {
        RemoteDirectory {
            jwks: self.jwks.with_clock(clock),
        }
    }

    /// The fetcher and cache underneath.
    pub fn jwks(&self) -> &RemoteJwks<MemoryDirectory> {
        &self.jwks
    }
}

impl Directory for RemoteDirectory {
    fn resolve(&self, name: &str) -> Result<Option<MachineToken>> {
        Ok(self.resolve_all(name)?.into_iter().next())
    }

    fn resolve_all(&self, name: &str) -> Result<Vec<MachineToken>> {
        let set = self.jwks.get()?;
        let found = set.resolve_all(name)?;
        if !found.is_empty() {
            return Ok(found);
        }
        match self.jwks.refresh_unknown(&set)? {
            Some(newer) => newer.resolve_all(name),
            None => Ok(Vec::new()),
        }
    }
}

/// A JWS key set served as a JWK Set at a URL (an issuer's `jwks_uri`): keys are selected by
/// `kid` as in [`KeySet::select`]; a `kid` not in the cached set triggers a refresh (limited by
/// the cool-down), so an issuer's new key is picked up as soon as its first token arrives.
///
/// ```no_run
/// use hxjwt::jws::{self, Algorithm, Validation};
/// use hxjwt::remote::{RemoteKeySet, RemoteOptions};
/// let keys = RemoteKeySet::new("https://login.example.com/.well-known/jwks.json",
///                              RemoteOptions::default())?;
/// let v = Validation::new(&[Algorithm::RS256]);
/// # let token = "";
/// let data = jws::decode_claims(token, &keys, &v)?;
/// # Ok::<(), hxjwt::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct RemoteKeySet {
    jwks: RemoteJwks<KeySet>,
}

impl RemoteKeySet {
    /// A key set fetched from `url`; see [`RemoteJwks::new`].
    /// With [`RemoteOptions::allow_mixed_keys`], the set is read by
    /// [`KeySet::from_jwks_mixed`], else by [`KeySet::from_jwks`].
    pub fn new(url: &str, opts: RemoteOptions) -> Result<Self> {
        let parse: fn(&str) -> Result<KeySet> = if opts.allow_mixed_keys {
            KeySet::from_jwks_mixed
        } else {
            KeySet::from_jwks
        };
        Ok(RemoteKeySet {
            jwks: RemoteJwks::new(url, opts, parse)?,
        })
    }

    /// The same key set with another clock (for tests).
    #[must_use]
    pub fn with_clock(self, clock: impl Clock + 'static) -> Self {
        RemoteKeySet {
            jwks: self.jwks.with_clock(clock),
        }
    }

    /// The fetcher and cache underneath.
    pub fn jwks(&self) -> &RemoteJwks<KeySet> {
        &self.jwks
    }

    /// The current key set (fetched if need be).
    pub fn key_set(&self) -> Result<Arc<KeySet>> {
        self.jwks.get()
    }
}

impl VerifyingKeys for RemoteKeySet {
    fn candidates(&self, kid: Option<&str>, alg: Algorithm) -> Result<Vec<Cow<'_, Key>>> {
        let set = self.jwks.get()?;
        match set.select(kid, alg) {
            Ok(keys) => return Ok(keys.into_iter().cloned().map(Cow::Owned).collect()),
            Err(e) if e.kind() != ErrorKind::KeyNotFound || kid.is_none() => return Err(e),
            Err(_) => {}
        }
        match self.jwks.refresh_unknown(&set)? {
            Some(newer) => Ok(newer
                .select(kid, alg)?
                .into_iter()
                .cloned()
                .map(Cow::Owned)
                .collect()),
            None => set
                .select(kid, alg)
                .map(|keys| keys.into_iter().cloned().map(Cow::Owned).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_parsing() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert_eq!(max_age(&s(&["public, max-age=120"]), &[]), Some(120));
        assert_eq!(max_age(&s(&["Max-Age=\"30\""]), &s(&["10"])), Some(20));
        assert_eq!(max_age(&s(&["max-age=5"]), &s(&["10"])), Some(0));
        assert_eq!(max_age(&s(&["no-store"]), &[]), Some(0));
        assert_eq!(max_age(&s(&["public"]), &[]), None);
        assert_eq!(max_age(&s(&["max-age=x"]), &[]), None);
        assert_eq!(max_age(&[], &[]), None);
    }

    #[test]
    fn urls_are_checked() {
        assert!(check_url("https://keys.example.com/jwks.json", false).is_ok());
        assert!(check_url("HTTPS://keys.example.com", false).is_ok());
        for bad in [
            "http://keys.example.com/",
            "ftp://x/",
            "keys.example.com",
            "https://",
            "https:///path",
            "https://a b/",
            "https://a\n/",
        ] {
            assert_eq!(
                check_url(bad, false).unwrap_err().kind(),
                ErrorKind::InvalidArgument,
                "{bad}"
            );
        }
        assert!(check_url("http://127.0.0.1:8080/jwks.json", true).is_ok());
        assert!(check_url(&format!("https://{}", "a".repeat(MAX_URL_LEN)), false).is_err());
    }

    #[test]
    fn locations_are_resolved() {
        let base = "https://a.example:8443/keys/v1/jwks.json?x=1";
        let r = |l: &str| resolve_location(base, l);
        assert_eq!(
            r("https://b.example/j").as_deref(),
            Some("https://b.example/j")
        );
        assert_eq!(
            r("HTTP://b.example/j").as_deref(),
            Some("HTTP://b.example/j")
        );
        assert_eq!(r("//c.example/j").as_deref(), Some("https://c.example/j"));
        assert_eq!(r("/other").as_deref(), Some("https://a.example:8443/other"));
        assert_eq!(
            r("v2.json").as_deref(),
            Some("https://a.example:8443/keys/v1/v2.json")
        );
        assert_eq!(
            resolve_location("https://a.example", "j.json").as_deref(),
            Some("https://a.example/j.json")
        );
        for bad in ["file:///etc/passwd", "javascript:alert(1)", "ftp://x/y"] {
            assert_eq!(r(bad), None, "{bad}");
        }
        assert_eq!(origin_of("HTTPS://A.example:1/x?y"), "https://a.example:1");
    }

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback("http://127.0.0.1:1/x"));
        assert!(is_loopback("http://localhost/x"));
        assert!(is_loopback("http://[::1]:80/x"));
        assert!(is_loopback("http://user@127.0.0.2/x"));
        assert!(!is_loopback("https://keys.example.com/x"));
        assert!(!is_loopback("https://127.0.0.1.example.com/x"));
    }
}
