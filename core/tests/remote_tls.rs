//! Remote JWK Sets over real TLS: a certificate authority made in the test (rcgen), a rustls
//! server on loopback, and the fetcher's certificate checks, redirects and request headers.
#![cfg(feature = "remote")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a test failure"
)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use hxjwt::ErrorKind;
use hxjwt::remote::{DEFAULT_USER_AGENT, RemoteKeySet, RemoteOptions};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
    date_time_ymd,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

const EC_JWK: &str = r#"{"kty":"EC","crv":"P-256","kid":"ec-p256","x":"rDqKwpVsfPCzFV81H56OBhVsLdEc4KMoz1P03b2mUVg","y":"tO2hVo2NbL_uZtPQhpRCWQFvAgMT6yAlbFeeqlXa7ns"}"#;
const OCT_JWK: &str = r#"{"kty":"oct","kid":"hs","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;

fn jwks() -> String {
    format!(r#"{{"keys":[{EC_JWK}]}}"#)
}

/// A certificate authority of the test.
struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Ca {
    fn new(name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().unwrap();
        Ca {
            issuer: CertifiedIssuer::self_signed(params, key).unwrap(),
        }
    }

    fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A leaf certificate for `names`, valid now unless `expired`; its chain and key.
    fn leaf(&self, names: &[&str], expired: bool) -> Leaf {
        let mut params =
            CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>())
                .unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, names.first().copied().unwrap_or("leaf"));
        if expired {
            params.not_before = date_time_ymd(2020, 1, 1);
            params.not_after = date_time_ymd(2021, 1, 1);
        } else {
            params.not_before = date_time_ymd(2024, 1, 1);
            params.not_after = date_time_ymd(2099, 1, 1);
        }
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Leaf {
            chain: vec![cert.der().clone()],
            key: key.serialize_der(),
        }
    }
}

struct Leaf {
    chain: Vec<CertificateDer<'static>>,
    key: Vec<u8>,
}

/// What a request received: its path and header lines (lower-cased names).
#[derive(Clone, Debug)]
struct Seen {
    path: String,
    headers: Vec<(String, String)>,
}

/// A loopback HTTP(S) server: one thread per connection, 5 s read/write time-outs, requests of
/// at most 16 KiB. Routes: `/jwks` (the set), `/mixed` (an HMAC secret beside the EC key),
/// `/redir/N` (a 302 to `/redir/N-1`, `/redir/0` is the set), `/to/<url>` (a 302 to `<url>`).
struct Server {
    addr: SocketAddr,
    tls: bool,
    seen: Arc<Mutex<Vec<Seen>>>,
    hits: Arc<AtomicUsize>,
}

impl Server {
    fn start(leaf: Option<Leaf>) -> Server {
        let config = leaf.map(|leaf| {
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            Arc::new(
                rustls::ServerConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .unwrap()
                    .with_no_client_auth()
                    .with_single_cert(
                        leaf.chain,
                        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf.key)),
                    )
                    .unwrap(),
            )
        });
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let hits = Arc::new(AtomicUsize::new(0));
        let tls = config.is_some();
        let (s, h) = (seen.clone(), hits.clone());
        // The accepting thread ends with the test process (each test's server is its own).
        thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (s, h, config) = (s.clone(), h.clone(), config.clone());
                thread::spawn(move || {
                    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                    conn.set_write_timeout(Some(Duration::from_secs(5)))
                        .unwrap();
                    h.fetch_add(1, Ordering::SeqCst);
                    match config {
                        Some(config) => {
                            let Ok(server) = rustls::ServerConnection::new(config) else {
                                return;
                            };
                            serve(rustls::StreamOwned::new(server, conn), addr, true, &s);
                        }
                        None => serve(conn, addr, false, &s),
                    }
                });
            }
        });
        Server {
            addr,
            tls,
            seen,
            hits,
        }
    }

    fn url(&self, path: &str) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}{path}", self.addr)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// TCP connections accepted (a refused handshake counts).
    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

fn serve(mut conn: impl Read + Write, addr: SocketAddr, tls: bool, seen: &Mutex<Vec<Seen>>) {
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 16384 {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return, // a handshake the client refused ends here
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&request).into_owned();
    let mut lines = text.split("\r\n");
    let path = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("/")
        .to_owned();
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    seen.lock().unwrap().push(Seen {
        path: path.clone(),
        headers,
    });
    let scheme = if tls { "https" } else { "http" };
    let (status, location, body) = if path == "/jwks" || path == "/redir/0" {
        (200, None, jwks())
    } else if path == "/mixed" {
        (200, None, format!(r#"{{"keys":[{EC_JWK},{OCT_JWK}]}}"#))
    } else if let Some(n) = path.strip_prefix("/redir/") {
        let n: u32 = n.parse().unwrap_or(0);
        let next = n.saturating_sub(1);
        // Alternate absolute and relative Locations.
        let loc = if n % 2 == 0 {
            format!("{scheme}://{addr}/redir/{next}")
        } else {
            format!("/redir/{next}")
        };
        (302, Some(loc), String::new())
    } else if let Some(target) = path.strip_prefix("/to/") {
        (302, Some(target.to_owned()), String::new())
    } else {
        (404, None, String::new())
    };
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n",
        body.len()
    );
    if let Some(loc) = location {
        head.push_str("Location: ");
        head.push_str(&loc);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    let _ = conn.write_all(head.as_bytes());
    let _ = conn.write_all(body.as_bytes());
    let _ = conn.flush();
}

/// A file of its own under the temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(contents: &str) -> TempFile {
        static N: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "hxjwt-remote-tls-{}-{}.pem",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn opts() -> RemoteOptions {
    RemoteOptions {
        connect_timeout: Duration::from_secs(5),
        timeout: Duration::from_secs(10),
        ..RemoteOptions::default()
    }
}

/// Options trusting `ca` through a PEM file, as users would configure them.
fn trusting(ca: &Ca) -> (RemoteOptions, TempFile) {
    let file = TempFile::new(&ca.pem());
    (opts().with_ca_file(&file.0).unwrap(), file)
}

fn fetch_error(url: &str, o: RemoteOptions) -> String {
    let keys = RemoteKeySet::new(url, o).unwrap();
    let err = keys.key_set().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResolverFailed, "{err}");
    assert_eq!(
        keys.jwks().cached().map(|_| ()),
        None,
        "a failed fetch yields no keys"
    );
    err.to_string()
}

#[test]
fn https_with_a_trusted_private_ca() {
    let ca = Ca::new("hxjwt test CA");
    let server = Server::start(Some(ca.leaf(&["localhost", "127.0.0.1"], false)));
    let (o, _file) = trusting(&ca);
    let keys = RemoteKeySet::new(&server.url("/jwks"), o).unwrap();
    let set = keys.key_set().unwrap();
    assert_eq!(set.len(), 1);
    assert!(set.get("ec-p256").is_some());
    // The PEM text works the same as the file.
    let o = opts().with_ca_pem(&ca.pem()).unwrap();
    let keys = RemoteKeySet::new(&server.url("/jwks"), o).unwrap();
    assert_eq!(keys.key_set().unwrap().len(), 1);
}

#[test]
fn unknown_ca_is_refused() {
    let ca = Ca::new("hxjwt test CA");
    let other = Ca::new("another CA");
    let server = Server::start(Some(other.leaf(&["127.0.0.1"], false)));
    let (o, _file) = trusting(&ca);
    let msg = fetch_error(&server.url("/jwks"), o);
    assert!(
        msg.contains("certificate not trusted (unknown CA)"),
        "{msg}"
    );
    // The built-in roots do not know a private CA either.
    let msg = fetch_error(&server.url("/jwks"), opts());
    assert!(
        msg.contains("certificate not trusted (unknown CA)"),
        "{msg}"
    );
    assert!(server.seen().is_empty(), "no request got through");
}

#[test]
fn expired_certificate_is_refused() {
    let ca = Ca::new("hxjwt test CA");
    let server = Server::start(Some(ca.leaf(&["127.0.0.1"], true)));
    let (o, _file) = trusting(&ca);
    let msg = fetch_error(&server.url("/jwks"), o);
    assert!(msg.contains("certificate expired"), "{msg}");
    assert!(server.seen().is_empty());
}

#[test]
fn wrong_host_is_refused() {
    let ca = Ca::new("hxjwt test CA");
    let server = Server::start(Some(ca.leaf(&["keys.example.com"], false)));
    let (o, _file) = trusting(&ca);
    let msg = fetch_error(&server.url("/jwks"), o);
    assert!(
        msg.contains("certificate is not valid for host \"127.0.0.1\""),
        "{msg}"
    );
    assert!(server.seen().is_empty());
}

#[test]
fn https_to_http_redirect_is_refused_even_with_allow_http() {
    let ca = Ca::new("hxjwt test CA");
    let tls = Server::start(Some(ca.leaf(&["127.0.0.1"], false)));
    let plain = Server::start(None);
    let (o, _file) = trusting(&ca);
    let o = RemoteOptions {
        allow_http: true,
        ..o
    };
    let url = tls.url(&format!("/to/{}", plain.url("/jwks")));
    let msg = fetch_error(&url, o.clone());
    assert!(msg.contains("redirect from https to http refused"), "{msg}");
    assert_eq!(plain.hits(), 0, "the http URL was never contacted");
    // An https redirect to https is followed.
    let url = tls.url(&format!("/to/{}", tls.url("/jwks")));
    assert_eq!(
        RemoteKeySet::new(&url, o).unwrap().key_set().unwrap().len(),
        1
    );
    // Other schemes are refused.
    let msg = fetch_error(&tls.url("/to/file:///etc/passwd"), trusting(&ca).0);
    assert!(msg.contains("not an http(s) URL"), "{msg}");
}

#[test]
fn redirects_are_bounded() {
    let ca = Ca::new("hxjwt test CA");
    let server = Server::start(Some(ca.leaf(&["127.0.0.1"], false)));
    let (o, _file) = trusting(&ca);
    // Three hops (absolute and relative Locations) are followed.
    let keys = RemoteKeySet::new(&server.url("/redir/3"), o.clone()).unwrap();
    assert_eq!(keys.key_set().unwrap().len(), 1);
    let paths: Vec<String> = server.seen().into_iter().map(|s| s.path).collect();
    assert_eq!(paths, ["/redir/3", "/redir/2", "/redir/1", "/redir/0"]);
    // Four are refused, after the fourth redirect response and before a fifth request.
    let msg = fetch_error(&server.url("/redir/4"), o);
    assert!(msg.contains("too many redirects (more than 3)"), "{msg}");
    assert_eq!(server.seen().len(), 4 + 4);
}

#[test]
fn user_agent_and_extra_headers_are_sent() {
    let ca = Ca::new("hxjwt test CA");
    let server = Server::start(Some(ca.leaf(&["127.0.0.1"], false)));
    let (o, _file) = trusting(&ca);
    let keys = RemoteKeySet::new(&server.url("/jwks"), o.clone()).unwrap();
    keys.key_set().unwrap();
    let o = o
        .with_header("X-Api-Key", "k-123")
        .unwrap()
        .with_header_line("Authorization: Bearer t0ken")
        .unwrap();
    let keys = RemoteKeySet::new(&server.url("/redir/1"), o.clone()).unwrap();
    keys.key_set().unwrap();
    let o = o.with_header("User-Agent", "billing/2.1").unwrap();
    let keys = RemoteKeySet::new(&server.url("/jwks"), o).unwrap();
    keys.key_set().unwrap();

    let seen = server.seen();
    assert_eq!(seen.len(), 4);
    let values = |s: &Seen, name: &str| -> Vec<String> {
        s.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    assert_eq!(
        DEFAULT_USER_AGENT,
        format!("hxjwt/{}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(values(&seen[0], "user-agent"), [DEFAULT_USER_AGENT]);
    assert_eq!(
        values(&seen[0], "accept"),
        ["application/jwk-set+json, application/json"]
    );
    assert!(values(&seen[0], "x-api-key").is_empty());
    // The redirect and its target both carry the extra headers (same origin).
    for s in &seen[1..3] {
        assert_eq!(values(s, "user-agent"), [DEFAULT_USER_AGENT]);
        assert_eq!(values(s, "x-api-key"), ["k-123"]);
        assert_eq!(values(s, "authorization"), ["Bearer t0ken"]);
    }
    // A caller's User-Agent replaces the default (one header, the caller's).
    assert_eq!(values(&seen[3], "user-agent"), ["billing/2.1"]);
    assert_eq!(values(&seen[3], "x-api-key"), ["k-123"]);
}

#[test]
fn credentials_are_not_sent_to_another_origin() {
    let ca = Ca::new("hxjwt test CA");
    let a = Server::start(Some(ca.leaf(&["127.0.0.1"], false)));
    let b = Server::start(Some(ca.leaf(&["127.0.0.1"], false)));
    let (o, _file) = trusting(&ca);
    let o = o
        .with_header("Authorization", "Bearer secret")
        .unwrap()
        .with_header("X-Tenant", "t1")
        .unwrap();
    let url = a.url(&format!("/to/{}", b.url("/jwks")));
    RemoteKeySet::new(&url, o).unwrap().key_set().unwrap();
    let at_a = &a.seen()[0];
    let at_b = &b.seen()[0];
    assert!(
        at_a.headers
            .iter()
            .any(|(n, v)| n == "authorization" && v == "Bearer secret")
    );
    assert!(!at_b.headers.iter().any(|(n, _)| n == "authorization"));
    assert!(
        at_b.headers
            .iter()
            .any(|(n, v)| n == "x-tenant" && v == "t1")
    );
}

#[test]
fn mixed_sets_need_the_opt_in() {
    let ca = Ca::new("hxjwt test CA");
    let server = Server::start(Some(ca.leaf(&["127.0.0.1"], false)));
    let (o, _file) = trusting(&ca);
    let msg = fetch_error(&server.url("/mixed"), o.clone());
    assert!(msg.contains("not a valid JWK Set"), "{msg}");
    let o = RemoteOptions {
        allow_mixed_keys: true,
        ..o
    };
    let keys = RemoteKeySet::new(&server.url("/mixed"), o).unwrap();
    assert_eq!(keys.key_set().unwrap().len(), 2);
}

#[test]
fn bad_headers_are_refused_at_configuration() {
    let bad: [(&str, &str, &str); 9] = [
        ("Bad Name", "val-1", "not an HTTP token"),
        ("", "val-2", "empty"),
        ("X:Y", "val-3", "not an HTTP token"),
        ("X-A", "a\r\nHost: evil", "control character"),
        ("X-A", "a\nb", "control character"),
        ("X-A", "a\0b", "control character"),
        ("Host", "evil.example", "set by the HTTP client"),
        ("content-length", "12345", "set by the HTTP client"),
        ("Transfer-Encoding", "chunked", "set by the HTTP client"),
    ];
    for (name, value, why) in bad {
        let err = opts().with_header(name, value).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{name:?}");
        let msg = err.to_string();
        assert!(msg.contains(why), "{name:?}: {msg}");
        assert!(
            !value.is_empty() && !msg.contains(value),
            "the value is never quoted: {msg}"
        );
        // Set directly, the same headers are refused by the constructor.
        let o = RemoteOptions {
            headers: vec![(name.to_owned(), value.to_owned())],
            ..opts()
        };
        let err = RemoteKeySet::new("https://keys.example.com/jwks", o).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{name:?}");
    }
    let twice = opts()
        .with_header("X-A", "1")
        .unwrap()
        .with_header("x-a", "2");
    assert!(twice.unwrap_err().to_string().contains("given twice"));
    let err = opts().with_header_line("X-A value").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    // Header values are kept out of Debug output.
    let o = opts()
        .with_header("Authorization", "Bearer s3cr3t")
        .unwrap();
    let debug = format!("{o:?}");
    assert!(
        debug.contains("Authorization") && !debug.contains("s3cr3t"),
        "{debug}"
    );
}

#[test]
fn bad_ca_files_are_refused_at_configuration() {
    let missing = std::env::temp_dir().join("hxjwt-no-such-dir/ca.pem");
    let err = opts().with_ca_file(&missing).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(
        err.to_string().contains("hxjwt-no-such-dir/ca.pem"),
        "{err}"
    );

    let cases = [
        ("", "no CERTIFICATE block"),
        ("just text\n", "no CERTIFICATE block"),
        (
            "-----BEGIN CERTIFICATE-----\n!!!!not base64!!!!\n-----END CERTIFICATE-----\n",
            "not valid PEM",
        ),
        (
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            "not valid DER",
        ),
    ];
    for (text, why) in cases {
        let file = TempFile::new(text);
        let err = opts().with_ca_file(&file.0).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{text:?}");
        let msg = err.to_string();
        assert!(msg.contains(&file.0.display().to_string()), "{msg}");
        assert!(msg.contains(why), "{text:?}: {msg}");
    }
    // A private key in the file is refused, not silently skipped.
    let ca = Ca::new("hxjwt test CA");
    let key = KeyPair::generate().unwrap().serialize_pem();
    let file = TempFile::new(&format!("{}{key}", ca.pem()));
    let msg = opts().with_ca_file(&file.0).unwrap_err().to_string();
    assert!(msg.contains("private key"), "{msg}");
    // ca_pem set directly is checked by the constructor.
    let o = RemoteOptions {
        ca_pem: Some("nothing".to_owned()),
        ..opts()
    };
    let err = RemoteKeySet::new("https://keys.example.com/jwks", o).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
}

#[test]
fn the_server_gets_no_request_when_the_handshake_fails() {
    // Fail closed: the refused handshake is counted as a connection, never as a request.
    let ca = Ca::new("hxjwt test CA");
    let server = Server::start(Some(ca.leaf(&["127.0.0.1"], true)));
    let (o, _file) = trusting(&ca);
    let keys = RemoteKeySet::new(&server.url("/jwks"), o).unwrap();
    assert!(keys.key_set().is_err());
    assert!(
        keys.key_set().is_err(),
        "still failing (cool-down), no keys"
    );
    assert!(server.hits() >= 1);
    assert!(server.seen().is_empty());
}

#[test]
fn allow_http_still_works_for_loopback_tests() {
    let server = Server::start(None);
    let o = RemoteOptions {
        allow_http: true,
        ..opts()
    };
    let keys = RemoteKeySet::new(&server.url("/redir/2"), o).unwrap();
    assert_eq!(keys.key_set().unwrap().len(), 1);
    // https-only by default.
    let err = RemoteKeySet::new(&server.url("/jwks"), opts()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
}
