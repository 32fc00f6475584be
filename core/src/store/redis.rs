//! Replay protection and revocation shared by a fleet, on Redis (or any server speaking its
//! protocol: Valkey, `KeyDB`, a managed service). Needs the `redis` feature.
//!
//! - [`RedisReplayStore`]: each token is recorded with one atomic `SET key 1 NX PX <ttl>`, one
//!   round trip (the `kid` and the `jti` of an HX1 token travel in one pipeline), so that of
//!   every instance that sees a token, exactly one accepts it.
//! - [`RedisRevocationStore`]: revocations by `jti`, each until the token would expire anyway;
//!   revoking is the same conditional `SET`, so a refresh token redeemed by two instances at
//!   once yields exactly one new pair ([`TokenIssuer`](crate::jws::helpers::TokenIssuer)).
//!
//! Every call is bounded: at most `connect_timeout` to open a connection and `command_timeout`
//! for the reply (and, when a pooled connection turns out to be dead, one retry on a fresh one
//! within the same bound). A server that is down, paused, slow, full (`maxmemory` with the
//! `noeviction` policy) or refusing the credentials makes the call fail with
//! [`ErrorKind::StoreUnavailable`]: the token is refused, never accepted unchecked. Connections
//! are pooled and re-opened by themselves once the server is back; a pool inherited across
//! `fork()` is never reused by the child.
//!
//! ```no_run
//! use std::sync::Arc;
//! use hxjwt::store::redis::RedisReplayStore;
//! use hxjwt::{Endpoint, Identity};
//! let store = Arc::new(RedisReplayStore::new("redis://:secret@10.0.0.5:6379/2?prefix=billing:")?);
//! store.ping()?; // optional: fail at start-up rather than at the first token
//! let endpoint = Endpoint::new(Identity::generate("billing.service")?).with_replay_store(store);
//! # Ok::<(), hxjwt::Error>(())
//! ```
//!
//! URLs: `redis://[user[:password]@]host[:port][/db]`, `rediss://…` (TLS, certificates checked
//! against the Web PKI roots, or only [`RedisOptions::ca_pem`] when set), and
//! `unix:///path/to/redis.sock[?db=N&user=U&pass=P]`. hxjwt's own settings may follow in the
//! query: `prefix` (key prefix, default `hxjwt:`), `connect_timeout` and `timeout` (the command
//! time-out; `250ms`, `2s`, or milliseconds), and `max_connections` (default 16); they override
//! the [`RedisOptions`] passed beside the URL.

use std::fmt;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use redis::{Connection, RedisError, Value};

use super::{ReplayStore, RevocationStore};
use crate::error::{Error, ErrorKind, Result, quote};

/// How a Redis store connects. The defaults suit a server on the same network.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RedisOptions {
    /// The longest wait to open a connection (TCP, TLS and `AUTH`/`SELECT`). Defaults to 1 s.
    pub connect_timeout: Duration,
    /// The longest wait for a reply. Defaults to 500 ms.
    pub command_timeout: Duration,
    /// Put before every key, so that several applications can share one database.
    /// Defaults to `"hxjwt:"`.
    pub key_prefix: String,
    /// The most connections open at once (callers beyond it wait, within the time-outs).
    /// Defaults to 16.
    pub max_connections: usize,
    /// PEM certificates of the authorities trusted for `rediss://` instead of the Web PKI
    /// roots (a private CA). Defaults to `None`.
    pub ca_pem: Option<Vec<u8>>,
}

impl Default for RedisOptions {
    fn default() -> Self {
        RedisOptions {
            connect_timeout: Duration::from_secs(1),
            command_timeout: Duration::from_millis(500),
            key_prefix: "hxjwt:".to_owned(),
            max_connections: 16,
            ca_pem: None,
        }
    }
}

impl RedisOptions {
    /// The largest CA file read by [`with_ca_file`](Self::with_ca_file).
    pub const MAX_CA_FILE_BYTES: u64 = 1 << 20;

    /// These options trusting, for `rediss://`, only the certificate authorities of the PEM
    /// file at `path` (at most 1 MiB). Fails with [`ErrorKind::InvalidArgument`] when the file
    /// cannot be read or holds no certificate.
    #[cfg(feature = "std-fs")]
    pub fn with_ca_file(mut self, path: impl AsRef<std::path::Path>) -> Result<Self> {
        use std::io::Read as _;
        let path = path.as_ref();
        let mut pem = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(Self::MAX_CA_FILE_BYTES + 1).read_to_end(&mut pem))
            .map_err(|e| {
                Error::invalid_argument(format!("cannot read the CA file {}: {e}", path.display()))
            })?;
        if u64::try_from(pem.len()).unwrap_or(u64::MAX) > Self::MAX_CA_FILE_BYTES {
            return Err(Error::invalid_argument(format!(
                "the CA file {} is larger than 1 MiB",
                path.display()
            )));
        }
        if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
            return Err(Error::invalid_argument(format!(
                "the CA file {} holds no PEM certificate",
                path.display()
            )));
        }
        self.ca_pem = Some(pem);
        Ok(self)
    }
}

impl fmt::Debug for RedisOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisOptions")
            .field("connect_timeout", &self.connect_timeout)
            .field("command_timeout", &self.command_timeout)
            .field("key_prefix", &self.key_prefix)
            .field("max_connections", &self.max_connections)
            .field("ca_pem", &self.ca_pem.is_some())
            .finish()
    }
}

/// The longest key prefix accepted.
const MAX_PREFIX_LEN: usize = 256;
/// The longest time-out accepted (a longer one would hold a validating thread for minutes).
const MAX_TIMEOUT: Duration = Duration::from_secs(60);

/// A pool of connections to one Redis server, shared by the stores made from it.
pub struct RedisClient {
    client: redis::Client,
    options: RedisOptions,
    /// `redis://host:port/db`, without credentials: for messages.
    display: String,
    pool: Mutex<Pool>,
    freed: Condvar,
}

struct Pool {
    idle: Vec<Connection>,
    open: usize,
    /// The process that opened the connections: a child after `fork()` must not share them.
    pid: u32,
}

impl RedisClient {
    /// A client for `url` with the default options (and those of the URL's query). Opens no
    /// connection yet: a server that is down now is no error until a call needs it.
    pub fn new(url: &str) -> Result<RedisClient> {
        Self::with_options(url, RedisOptions::default())
    }

    /// A client for `url` with `options` (the URL's query overrides them).
    pub fn with_options(url: &str, mut options: RedisOptions) -> Result<RedisClient> {
        let base = parse_query(url, &mut options)?;
        check_options(&options)?;
        let info = redis::IntoConnectionInfo::into_connection_info(base.as_str())
            .map_err(|e| invalid_url(&e))?;
        let display = display_of(&info);
        let client = match (&options.ca_pem, info.addr()) {
            (Some(pem), redis::ConnectionAddr::TcpTls { .. }) => redis::Client::build_with_tls(
                info,
                redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(pem.clone()),
                },
            )
            .map_err(|e| {
                Error::invalid_argument(format!("the CA certificates are not usable: {e}"))
            })?,
            (Some(_), _) => {
                return Err(Error::invalid_argument(
                    "CA certificates are given but the Redis URL is not rediss:// (TLS)",
                ));
            }
            (None, _) => redis::Client::open(info).map_err(|e| invalid_url(&e))?,
        };
        Ok(RedisClient {
            client,
            options,
            display,
            pool: Mutex::new(Pool {
                idle: Vec::new(),
                open: 0,
                pid: std::process::id(),
            }),
            freed: Condvar::new(),
        })
    }

    /// The options in force (the URL's query applied).
    pub fn options(&self) -> &RedisOptions {
        &self.options
    }

    /// Sends `PING`: `Ok` when the server answers within the time-outs, else
    /// [`ErrorKind::StoreUnavailable`].
    pub fn ping(&self) -> Result<()> {
        match self.run(|c| redis::cmd("PING").query::<Value>(c))? {
            Value::SimpleString(s) if s == "PONG" => Ok(()),
            Value::BulkString(b) if b == b"PONG" => Ok(()),
            other => Err(self.unexpected(&other)),
        }
    }

    fn key(&self, id: &[u8]) -> Vec<u8> {
        let mut key = Vec::with_capacity(self.options.key_prefix.len() + id.len());
        key.extend_from_slice(self.options.key_prefix.as_bytes());
        key.extend_from_slice(id);
        key
    }

    /// `SET key 1 NX PX ttl` for each id, in one round trip: whether each was new.
    fn set_nx(&self, ids: &[&[u8]], expires_at: i64, now: i64) -> Result<Vec<bool>> {
        let ttl_ms = expires_at.saturating_sub(now).max(1).saturating_mul(1000);
        let mut pipe = redis::pipe();
        for id in ids {
            pipe.cmd("SET")
                .arg(self.key(id))
                .arg(1)
                .arg("NX")
                .arg("PX")
                .arg(ttl_ms);
        }
        let replies: Vec<Value> = self.run(|c| pipe.query(c))?;
        if replies.len() != ids.len() {
            return Err(Error::new(
                ErrorKind::StoreUnavailable,
                format!(
                    "Redis at {} answered {} replies to {} commands",
                    self.display,
                    replies.len(),
                    ids.len()
                ),
            ));
        }
        replies
            .iter()
            .map(|v| match v {
                Value::Okay => Ok(true),
                Value::SimpleString(s) if s == "OK" => Ok(true),
                Value::Nil => Ok(false),
                other => Err(self.unexpected(other)),
            })
            .collect()
    }

    fn unexpected(&self, reply: &Value) -> Error {
        let mut shown = format!("{reply:?}");
        shown.truncate(80);
        Error::new(
            ErrorKind::StoreUnavailable,
            format!(
                "Redis at {} gave an unexpected reply: {}",
                self.display,
                quote(&shown)
            ),
        )
    }

    fn lock(&self) -> MutexGuard<'_, Pool> {
        let mut pool = self.pool.lock().unwrap_or_else(PoisonError::into_inner);
        let pid = std::process::id();
        if pool.pid != pid {
            // Forked: the parent's sockets are the parent's. Close our copies, never use them.
            pool.idle.clear();
            pool.open = 0;
            pool.pid = pid;
        }
        pool
    }

    /// Runs `f` on a pooled connection, within the time-outs. A pooled connection found dead
    /// (the server restarted) is replaced once by a fresh one, and the other idle ones are
    /// dropped too. Any failure drops the connection it happened on: a reply that came late
    /// must never be read as the answer to the next command.
    fn run<T>(&self, f: impl Fn(&mut Connection) -> redis::RedisResult<T>) -> Result<T> {
        let deadline = Instant::now() + self.options.connect_timeout + self.options.command_timeout;
        let (mut conn, reused) = self.acquire(deadline)?;
        match self.exec(&mut conn, &f, deadline) {
            Ok(v) => {
                self.release(Some(conn));
                Ok(v)
            }
            Err(e) if reused && (e.is_connection_dropped() || e.is_connection_refusal()) => {
                drop(conn);
                {
                    let mut pool = self.lock();
                    pool.open = pool.open.saturating_sub(1 + pool.idle.len());
                    pool.idle.clear();
                }
                self.freed.notify_all();
                let (mut fresh, _) = self.acquire_fresh(deadline)?;
                match self.exec(&mut fresh, &f, deadline) {
                    Ok(v) => {
                        self.release(Some(fresh));
                        Ok(v)
                    }
                    Err(e) => {
                        self.release(None);
                        Err(self.unavailable(&e))
                    }
                }
            }
            Err(e) => {
                drop(conn);
                self.release(None);
                Err(self.unavailable(&e))
            }
        }
    }

    fn exec<T>(
        &self,
        conn: &mut Connection,
        f: &impl Fn(&mut Connection) -> redis::RedisResult<T>,
        deadline: Instant,
    ) -> redis::RedisResult<T> {
        let left = deadline.saturating_duration_since(Instant::now());
        let timeout = left.min(self.options.command_timeout);
        if timeout.is_zero() {
            return Err(RedisError::from(std::io::Error::from(
                std::io::ErrorKind::TimedOut,
            )));
        }
        conn.set_read_timeout(Some(timeout))?;
        conn.set_write_timeout(Some(timeout))?;
        f(conn)
    }

    /// An idle connection (`true`: it was used before), or a new one; waits for a slot within
    /// the deadline when all `max_connections` are in use.
    fn acquire(&self, deadline: Instant) -> Result<(Connection, bool)> {
        self.acquire_from(deadline, true)
    }

    /// A new connection (never an idle one), taking a slot.
    fn acquire_fresh(&self, deadline: Instant) -> Result<(Connection, bool)> {
        self.acquire_from(deadline, false)
    }

    fn acquire_from(&self, deadline: Instant, idle_ok: bool) -> Result<(Connection, bool)> {
        let mut pool = self.lock();
        loop {
            if idle_ok {
                if let Some(c) = pool.idle.pop() {
                    return Ok((c, true));
                }
            }
            if pool.open < self.options.max_connections {
                pool.open += 1;
                drop(pool);
                return self.open_counted(deadline).map(|c| (c, false));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Error::new(
                    ErrorKind::StoreUnavailable,
                    format!(
                        "all {} connections to Redis at {} stayed busy past the time-out",
                        self.options.max_connections, self.display
                    ),
                ));
            }
            pool = self
                .freed
                .wait_timeout(pool, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Opens a connection for a slot already counted in `open`; gives the slot back on failure.
    fn open_counted(&self, deadline: Instant) -> Result<Connection> {
        let left = deadline.saturating_duration_since(Instant::now());
        let timeout = left.min(self.options.connect_timeout);
        let opened = if timeout.is_zero() {
            Err(RedisError::from(std::io::Error::from(
                std::io::ErrorKind::TimedOut,
            )))
        } else {
            self.client.get_connection_with_timeout(timeout)
        };
        opened.map_err(|e| {
            self.release(None);
            Error::new(
                ErrorKind::StoreUnavailable,
                format!(
                    "cannot connect to Redis at {}: {}",
                    self.display,
                    redact(&e)
                ),
            )
        })
    }

    /// Returns a healthy connection to the pool, or (`None`) gives its slot back.
    fn release(&self, conn: Option<Connection>) {
        {
            let mut pool = self.lock();
            match conn {
                Some(c) if pool.open > 0 => pool.idle.push(c),
                _ => pool.open = pool.open.saturating_sub(1),
            }
        }
        self.freed.notify_one();
    }

    fn unavailable(&self, e: &RedisError) -> Error {
        let what = if e.is_timeout() {
            "did not answer within the time-out".to_owned()
        } else {
            format!("failed: {}", redact(e))
        };
        Error::new(
            ErrorKind::StoreUnavailable,
            format!("Redis at {} {what}", self.display),
        )
    }
}

impl fmt::Debug for RedisClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisClient")
            .field("server", &self.display)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// A Redis error as text, at most 200 characters and quoted (a server's message is not ours).
fn redact(e: &RedisError) -> String {
    let text = e.to_string();
    quote(&text).trim_matches('"').to_owned()
}

fn invalid_url(e: &RedisError) -> Error {
    // The redis crate's URL errors name the problem, never the password.
    Error::invalid_argument(format!("the Redis URL is not usable: {}", redact(e)))
}

fn display_of(info: &redis::ConnectionInfo) -> String {
    let db = info.redis_settings().db();
    match info.addr() {
        redis::ConnectionAddr::Tcp(..) => format!("redis://{}/{db}", info.addr()),
        redis::ConnectionAddr::TcpTls { .. } => format!("rediss://{}/{db}", info.addr()),
        redis::ConnectionAddr::Unix(_) => format!("unix://{}?db={db}", info.addr()),
        _ => format!("{}", info.addr()),
    }
}

/// Takes hxjwt's own settings out of the URL's query into `options`; returns the URL without
/// them.
fn parse_query(url: &str, options: &mut RedisOptions) -> Result<String> {
    if url.is_empty() {
        return Err(Error::invalid_argument("the Redis URL is empty"));
    }
    if url.len() > 4096 || url.chars().any(char::is_control) {
        return Err(Error::invalid_argument(
            "the Redis URL is longer than 4096 bytes or contains a control character",
        ));
    }
    let Some((base, query)) = url.split_once('?') else {
        return Ok(url.to_owned());
    };
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(value)?;
        match name {
            "prefix" => options.key_prefix = value,
            "timeout" => options.command_timeout = parse_duration(name, &value)?,
            "connect_timeout" => options.connect_timeout = parse_duration(name, &value)?,
            "max_connections" => {
                options.max_connections = value.parse().map_err(|_| {
                    Error::invalid_argument(format!(
                        "max_connections in the Redis URL is not a number: {}",
                        quote(&value)
                    ))
                })?;
            }
            "db" | "user" | "pass" | "protocol" => kept.push(pair),
            other => {
                return Err(Error::invalid_argument(format!(
                    "unknown parameter {} in the Redis URL (known: prefix, timeout, \
                     connect_timeout, max_connections, and db, user, pass for unix://)",
                    quote(other)
                )));
            }
        }
    }
    Ok(if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    })
}

fn percent_decode(s: &str) -> Result<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| Error::invalid_argument("bad percent-encoding in the Redis URL"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out)
        .map_err(|_| Error::invalid_argument("the Redis URL's query is not UTF-8 once decoded"))
}

/// `250ms`, `2s`, or a number of milliseconds.
fn parse_duration(name: &str, value: &str) -> Result<Duration> {
    let (number, scale) = if let Some(n) = value.strip_suffix("ms") {
        (n, 1)
    } else if let Some(n) = value.strip_suffix('s') {
        (n, 1000)
    } else {
        (value, 1)
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .map(Duration::from_millis)
        .ok_or_else(|| {
            Error::invalid_argument(format!(
                "{name} in the Redis URL is not a duration (250ms, 2s): {}",
                quote(value)
            ))
        })
}

fn check_options(o: &RedisOptions) -> Result<()> {
    for (name, t) in [
        ("connect_timeout", o.connect_timeout),
        ("command timeout", o.command_timeout),
    ] {
        if t.is_zero() || t > MAX_TIMEOUT {
            return Err(Error::invalid_argument(format!(
                "the Redis {name} must be between 1 ms and 60 s"
            )));
        }
    }
    if o.max_connections == 0 || o.max_connections > 1024 {
        return Err(Error::invalid_argument(
            "max_connections must be between 1 and 1024",
        ));
    }
    if o.key_prefix.len() > MAX_PREFIX_LEN || o.key_prefix.chars().any(char::is_control) {
        return Err(Error::invalid_argument(
            "the key prefix must be at most 256 bytes without control characters",
        ));
    }
    Ok(())
}

/// Replay protection shared by every instance connected to one Redis: see the
/// [module](self). Cheap to share: wrap it in an `Arc` and hand it to every endpoint and
/// validation of the process.
#[derive(Debug)]
pub struct RedisReplayStore {
    client: RedisClient,
}

impl RedisReplayStore {
    /// A store on the server of `url` (default options, overridden by the URL's query). No
    /// connection is opened yet.
    pub fn new(url: &str) -> Result<Self> {
        Ok(RedisReplayStore {
            client: RedisClient::new(url)?,
        })
    }

    /// A store on the server of `url` with `options`.
    pub fn with_options(url: &str, options: RedisOptions) -> Result<Self> {
        Ok(RedisReplayStore {
            client: RedisClient::with_options(url, options)?,
        })
    }

    /// A store over `client` (built with [`RedisClient::with_options`]).
    pub fn from_client(client: RedisClient) -> Self {
        RedisReplayStore { client }
    }

    /// The connection pool and options.
    pub fn client(&self) -> &RedisClient {
        &self.client
    }

    /// Whether the server answers: see [`RedisClient::ping`].
    pub fn ping(&self) -> Result<()> {
        self.client.ping()
    }

    /// The Redis key under which `id` (an id of [`crate::store`]) is recorded.
    pub fn key_of(&self, id: &[u8]) -> Vec<u8> {
        self.client.key(id)
    }
}

impl ReplayStore for RedisReplayStore {
    fn check_and_insert(&self, id: &[u8], expires_at: i64, now: i64) -> Result<bool> {
        let fresh = self.client.set_nx(&[id], expires_at, now)?;
        Ok(fresh.first().copied().unwrap_or(false))
    }

    fn check_and_insert_all(
        &self,
        ids: &[&[u8]],
        expires_at: i64,
        now: i64,
    ) -> Result<Option<usize>> {
        let fresh = self.client.set_nx(ids, expires_at, now)?;
        Ok(fresh.iter().position(|new| !new))
    }
}

/// Revocations shared by every instance connected to one Redis: see the [module](self).
#[derive(Debug)]
pub struct RedisRevocationStore {
    client: RedisClient,
}

impl RedisRevocationStore {
    /// A revocation list on the server of `url`. No connection is opened yet.
    pub fn new(url: &str) -> Result<Self> {
        Ok(RedisRevocationStore {
            client: RedisClient::new(url)?,
        })
    }

    /// A revocation list on the server of `url` with `options`.
    pub fn with_options(url: &str, options: RedisOptions) -> Result<Self> {
        Ok(RedisRevocationStore {
            client: RedisClient::with_options(url, options)?,
        })
    }

    /// A revocation list over `client` (built with [`RedisClient::with_options`]).
    pub fn from_client(client: RedisClient) -> Self {
        RedisRevocationStore { client }
    }

    /// The connection pool and options.
    pub fn client(&self) -> &RedisClient {
        &self.client
    }

    /// Whether the server answers: see [`RedisClient::ping`].
    pub fn ping(&self) -> Result<()> {
        self.client.ping()
    }

    /// The Redis key under which the revocation of `jti` is recorded.
    pub fn key_of(&self, jti: &str) -> Vec<u8> {
        self.client.key(super::revocation_id(jti).as_bytes())
    }
}

impl RevocationStore for RedisRevocationStore {
    fn revoke(&self, jti: &str, until: i64, now: i64) -> Result<bool> {
        let id = super::revocation_id(jti);
        let fresh = self.client.set_nx(&[id.as_bytes()], until, now)?;
        Ok(fresh.first().copied().unwrap_or(false))
    }

    fn is_revoked(&self, jti: &str, _now: i64) -> Result<bool> {
        let key = self.key_of(jti);
        match self
            .client
            .run(|c| redis::cmd("EXISTS").arg(&key).query::<Value>(c))?
        {
            Value::Int(n) => Ok(n > 0),
            other => Err(self.client.unexpected(&other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_settings_are_taken_and_checked() {
        let mut o = RedisOptions::default();
        let base = parse_query(
            "redis://h:1/2?prefix=billing%3A&timeout=250ms&connect_timeout=2s&max_connections=4",
            &mut o,
        )
        .unwrap();
        assert_eq!(base, "redis://h:1/2");
        assert_eq!(o.key_prefix, "billing:");
        assert_eq!(o.command_timeout, Duration::from_millis(250));
        assert_eq!(o.connect_timeout, Duration::from_secs(2));
        assert_eq!(o.max_connections, 4);
        let base = parse_query("unix:///tmp/r.sock?db=3&timeout=100", &mut o).unwrap();
        assert_eq!(base, "unix:///tmp/r.sock?db=3");
        assert_eq!(o.command_timeout, Duration::from_millis(100));
        for bad in [
            "redis://h?nope=1",
            "redis://h?timeout=soon",
            "redis://h?prefix=%zz",
            "",
            "redis://h\n",
        ] {
            let e = parse_query(bad, &mut RedisOptions::default()).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{bad}");
        }
        assert!(RedisClient::new("redis://h?timeout=0").is_err());
        assert!(RedisClient::new("redis://h?timeout=61s").is_err());
        assert!(RedisClient::new("http://h").is_err());
    }

    #[test]
    fn messages_never_hold_the_password() {
        let c = RedisClient::new("redis://user:hunter2-secret@127.0.0.1:1/5").unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        let e = c.ping().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::StoreUnavailable);
        assert!(!e.to_string().contains("hunter2"), "{e}");
        assert!(e.to_string().contains("redis://127.0.0.1:1/5"), "{e}");
    }

    #[test]
    fn ca_needs_tls() {
        let o = RedisOptions {
            ca_pem: Some(b"-----BEGIN CERTIFICATE-----".to_vec()),
            ..RedisOptions::default()
        };
        let e = RedisClient::with_options("redis://h", o).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    }
}
