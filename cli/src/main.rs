//! `hxjwt`: create, validate and inspect JSON Web Tokens, including HX1 encrypted tokens.
//!
//! Exit status: 0 on success, 1 when a token is rejected (the error kind and message go to
//! stderr), 2 for usage, file and key errors.

#![allow(
    clippy::doc_markdown,
    reason = "doc comments here are --help text, shown without markdown"
)]

mod bench;
mod demo;
mod directory;
mod explain;
mod jwe;
mod jws;
mod remote;
mod style;
mod time;

use std::fmt::Write as _;
use std::io::{IsTerminal as _, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use hxjwt::{
    CreateOptions, Directory, Endpoint, FixedClock, Identity, MachineToken, MemoryDirectory,
    Policy, dangerous,
};

#[derive(Parser)]
#[command(
    name = "hxjwt",
    version,
    about = "JSON Web Tokens with safe defaults, and HX1 encrypted tokens between services",
    after_help = "Exit status: 0 success, 1 token rejected, 2 usage or input error.\n\
                  Try `hxjwt demo` to see two services exchange encrypted tokens."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate an identity: a name and an X25519 key pair.
    ///
    /// The private JWK goes to FILE (-o, created with mode 0600) or stdout; the public machine
    /// token goes to stderr, or to stdout or PUBLIC_FILE with --public.
    ///
    /// With --alg ALG, generate a signing key for standard JWTs instead (NAME, if given,
    /// becomes its kid; otherwise the RFC 7638 thumbprint does); with --jwe KIND, a key for
    /// standard encrypted JWTs (JWE), named the same way.
    Keygen {
        /// The identity name (e.g. billing.service), 1..=255 bytes; the kid with --alg or --jwe.
        #[arg(required_unless_present_any = ["alg", "jwe"])]
        name: Option<String>,
        /// Generate a JWS signing key for this algorithm (HS256 … ES512, ES256K, EdDSA, Ed25519) instead of an identity.
        #[arg(long, value_name = "ALG", conflicts_with = "jwe")]
        alg: Option<String>,
        /// Generate a JWE key instead of an identity: X25519, P-256, P-384, P-521 (ECDH-ES,
        /// ECDH-1PU), RSA, RSA-3072, RSA-4096 (RSA-OAEP), or oct-16 … oct-64 (a secret).
        #[arg(long, value_name = "KIND")]
        jwe: Option<String>,
        /// Write the private JWK to this file instead of stdout.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Write the public machine token to PUBLIC_FILE, or to stdout if no file is given
        /// (then -o is required).
        #[arg(long, value_name = "PUBLIC_FILE", num_args = 0..=1, default_missing_value = "-")]
        public: Option<PathBuf>,
    },
    /// Create an HX1 encrypted token for a recipient.
    Create(CreateArgs),
    /// Validate an HX1 token; prints the plaintext on success.
    Validate(ValidateArgs),
    /// Decode a JWT WITHOUT verifying it, like a JWT debugger.
    Inspect {
        /// The token, or - to read it from stdin.
        token: String,
    },
    /// Sign a standard JWT (JWS) with a private key or HMAC secret.
    Sign(jws::SignArgs),
    /// Verify a standard JWT and check its claims; prints the claims on success.
    Verify(jws::VerifyArgs),
    /// Encrypt a standard JWE (RFC 7516) for a recipient's key; prints the token.
    Encrypt(jwe::EncryptArgs),
    /// Decrypt a standard JWE; prints the plaintext on success.
    Decrypt(jwe::DecryptArgs),
    /// Two services exchange encrypted tokens; bad tokens are rejected.
    Demo,
    /// Build, extend and list JWK Sets (directories) that any web server or CDN can serve.
    #[command(subcommand)]
    Directory(directory::DirectoryCommand),
    /// Measure HX1 and HS256 throughput on this machine (ops/s per operation and thread count).
    Bench(bench::BenchArgs),
}

#[derive(Args)]
struct CreateArgs {
    /// The sender's private JWK file.
    #[arg(long, value_name = "SENDER_JWK_FILE")]
    key: PathBuf,
    /// The recipient's public machine token (JWK) file.
    #[arg(long, value_name = "RECIPIENT_PUBLIC_JWK_FILE", conflicts_with_all = ["to", "directory"])]
    to_token: Option<PathBuf>,
    /// The recipient's name, resolved through --directory.
    #[arg(long, value_name = "NAME", requires = "directory")]
    to: Option<String>,
    /// A JWK Set with the recipient's machine token: a file, or an https:// URL.
    #[arg(long, value_name = "JWKS_FILE_OR_URL", requires = "to")]
    directory: Option<String>,
    /// Accept an http:// directory URL (no TLS): for loopback tests only.
    #[arg(long)]
    allow_http: bool,
    #[command(flatten)]
    remote: remote::RemoteTls,
    /// Seconds until the token expires.
    #[arg(long, default_value_t = hxjwt::hx1::DEFAULT_TTL, value_name = "SECONDS")]
    ttl: u64,
    /// Create as if the time were this (seconds since the epoch) instead of now.
    #[arg(long, value_name = "UNIX_SECONDS", allow_hyphen_values = true)]
    now: Option<i64>,
    /// A token id (jti), at most 128 bytes.
    #[arg(long)]
    jti: Option<String>,
    /// Not valid before this time (nbf, seconds since the epoch).
    #[arg(long, value_name = "UNIX_SECONDS")]
    nbf: Option<i64>,
    /// The media type of the plaintext (cty), e.g. json.
    #[arg(long)]
    cty: Option<String>,
    /// The token's mode: HX1 (fastest, read by hxjwt), or ECDH-1PU (a standard compact JWE that
    /// joserfc or any ECDH-1PU stack reads with the two machine tokens). `validate` takes both.
    #[arg(long, value_enum, default_value_t = Protocol::Hx1)]
    protocol: Protocol,
    /// The plaintext, or - to read raw bytes from stdin.
    plaintext: String,
}

/// The two modes of an HX token.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Protocol {
    /// HX1 (docs/PROTOCOL.md).
    #[value(name = "HX1", alias = "hx1")]
    Hx1,
    /// ECDH-1PU (docs/PROTOCOL.md, "The ECDH-1PU mode").
    #[value(name = "ECDH-1PU", alias = "ecdh-1pu")]
    Ecdh1Pu,
}

#[derive(Args)]
struct ValidateArgs {
    /// The recipient's private JWK file.
    #[arg(long, value_name = "RECIPIENT_JWK_FILE")]
    key: PathBuf,
    /// The sender's public machine token (JWK) file (shared-key mode).
    #[arg(
        long,
        value_name = "SENDER_PUBLIC_JWK_FILE",
        conflicts_with = "directory"
    )]
    from_token: Option<PathBuf>,
    /// A JWK Set in which the token's issuer is looked up (directory mode): a file, or an
    /// https:// URL.
    #[arg(
        long,
        value_name = "JWKS_FILE_OR_URL",
        required_unless_present = "from_token"
    )]
    directory: Option<String>,
    /// Accept an http:// directory URL (no TLS): for loopback tests only.
    #[arg(long)]
    allow_http: bool,
    #[command(flatten)]
    remote: remote::RemoteTls,
    /// Tolerated clock skew, in seconds.
    #[arg(long, default_value_t = 0, value_name = "SECONDS")]
    leeway: u64,
    /// Refuse tokens that live longer than this (exp - iat), in seconds.
    #[arg(long, value_name = "SECONDS")]
    max_lifetime: Option<u64>,
    /// Also accept tokens addressed to this name (repeatable).
    #[arg(long = "audience", value_name = "NAME")]
    audiences: Vec<String>,
    /// The longest token accepted, in bytes.
    #[arg(long, default_value_t = hxjwt::hx1::DEFAULT_MAX_TOKEN_LEN, value_name = "BYTES")]
    max_token_length: usize,
    /// Validate as if the time were this (seconds since the epoch) instead of now.
    #[arg(long, value_name = "UNIX_SECONDS", allow_hyphen_values = true)]
    now: Option<i64>,
    #[command(flatten)]
    replay: ReplayArgs,
    /// Print the validated header fields and the plaintext as one JSON object instead (with
    /// --explain: the report as JSON).
    #[arg(long)]
    json: bool,
    /// Run every check and print each one's outcome as a table (a diagnostic: nothing is
    /// accepted, the replay store is not used; exit 1 unless every check passed).
    #[arg(long)]
    explain: bool,
    /// The token, or - to read it from stdin.
    token: String,
}

/// A failure: its message, and whether it is a token rejection (exit 1) or another error (2).
pub(crate) struct Failure {
    pub(crate) rejected: bool,
    pub(crate) message: String,
}

impl From<hxjwt::Error> for Failure {
    fn from(e: hxjwt::Error) -> Self {
        Failure {
            rejected: false,
            message: e.to_string(),
        }
    }
}

pub(crate) fn usage(message: impl Into<String>) -> Failure {
    Failure {
        rejected: false,
        message: message.into(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Keygen {
            name,
            alg: Some(alg),
            output,
            public,
            ..
        } => jws::keygen(&alg, name.as_deref(), output.as_deref(), public.as_deref()),
        Command::Keygen {
            name,
            jwe: Some(kind),
            output,
            public,
            ..
        } => jwe::keygen(&kind, name.as_deref(), output.as_deref(), public.as_deref()),
        Command::Keygen {
            name,
            alg: None,
            jwe: None,
            output,
            public,
        } => keygen(
            name.as_deref().unwrap_or_default(),
            output.as_deref(),
            public.as_deref(),
        ),
        Command::Sign(args) => jws::sign(&args),
        Command::Verify(args) => jws::verify(&args),
        Command::Encrypt(args) => jwe::encrypt(&args),
        Command::Decrypt(args) => jwe::decrypt(&args),
        Command::Create(args) => create(&args),
        Command::Validate(args) => validate(&args),
        Command::Inspect { token } => inspect(&token),
        Command::Demo => demo::run(),
        Command::Directory(cmd) => directory::run(&cmd),
        Command::Bench(args) => bench::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            let s = style::Style::stderr();
            let _ = writeln!(std::io::stderr(), "{} {}", s.red("error:"), f.message);
            ExitCode::from(if f.rejected { 1 } else { 2 })
        }
    }
}

/// A key, machine token or JWK Set file: at most the size of the largest JWK Set accepted
/// (`hx1::MAX_JWKS_BYTES`), so that `/dev/zero` or a wrong path to a huge file fails at once
/// instead of filling memory.
pub(crate) fn read_file(path: &Path, what: &str) -> Result<String, Failure> {
    let bytes = read_bounded(path, what, hxjwt::hx1::MAX_JWKS_BYTES)?;
    String::from_utf8(bytes).map_err(|_| usage(format!("{what} {} is not UTF-8", path.display())))
}

/// At most `limit` bytes of the file at `path`; larger is an error.
pub(crate) fn read_bounded(path: &Path, what: &str, limit: usize) -> Result<Vec<u8>, Failure> {
    use std::io::Read as _;
    let fail = |e: std::io::Error| usage(format!("cannot read {what} {}: {e}", path.display()));
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| {
            f.take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
                .read_to_end(&mut bytes)
        })
        .map_err(fail)?;
    if bytes.len() > limit {
        return Err(usage(format!(
            "{what} {} is larger than {limit} bytes",
            path.display()
        )));
    }
    Ok(bytes)
}

pub(crate) fn write_secret_file(path: &Path, text: &str) -> Result<(), Failure> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| usage(format!("cannot write {}: {e}", path.display())))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .map_err(|e| usage(format!("cannot write {}: {e}", path.display())))
}

fn load_identity(path: &Path) -> Result<Identity, Failure> {
    let text = zeroize::Zeroizing::new(read_file(path, "private key")?);
    Identity::from_jwk(text.trim()).map_err(|e| usage(format!("{}: {e}", path.display())))
}

fn load_machine_token(path: &Path) -> Result<MachineToken, Failure> {
    let text = read_file(path, "machine token")?;
    MachineToken::from_jwk(text.trim()).map_err(|e| usage(format!("{}: {e}", path.display())))
}

/// Whether a --directory/--jwks argument is a URL rather than a file.
pub(crate) fn is_url(source: &str) -> bool {
    let lower = source.get(..8).unwrap_or(source).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// How the CLI fetches a remote JWK Set: the library's defaults, http:// only when asked.
pub(crate) fn remote_options(allow_http: bool) -> hxjwt::remote::RemoteOptions {
    hxjwt::remote::RemoteOptions {
        allow_http,
        ..hxjwt::remote::RemoteOptions::default()
    }
}

/// A directory from a JWK Set file or URL.
/// Replay protection shared with the other instances of a service (`validate` and `verify`).
#[derive(Args, Debug)]
pub(crate) struct ReplayArgs {
    /// Accept each token once across every process using this Redis server:
    /// redis://[user[:password]@]host[:port][/db], rediss://... (TLS) or unix:///path.sock;
    /// settings may follow in the query (?prefix=svc:&timeout=250ms&connect_timeout=1s).
    /// A token seen before is refused (Replayed), and so is every token while the server
    /// cannot answer (StoreUnavailable).
    #[arg(long, value_name = "REDIS_URL")]
    pub(crate) replay_store: Option<String>,
    /// A PEM file of the certificate authorities trusted for a rediss:// replay store.
    #[arg(long, value_name = "PEM_FILE", requires = "replay_store")]
    pub(crate) replay_store_ca: Option<PathBuf>,
}

impl ReplayArgs {
    /// The Redis replay store asked for, if any.
    pub(crate) fn store(&self) -> Result<Option<Arc<dyn hxjwt::ReplayStore>>, Failure> {
        let Some(url) = &self.replay_store else {
            return Ok(None);
        };
        let mut options = hxjwt::store::redis::RedisOptions::default();
        if let Some(ca) = &self.replay_store_ca {
            options = options
                .with_ca_file(ca)
                .map_err(|e| usage(format!("--replay-store-ca: {e}")))?;
        }
        let store = hxjwt::store::redis::RedisReplayStore::with_options(url, options)
            .map_err(|e| usage(format!("--replay-store: {e}")))?;
        Ok(Some(Arc::new(store)))
    }
}

fn load_directory(
    source: &str,
    allow_http: bool,
    tls: &remote::RemoteTls,
) -> Result<Arc<dyn Directory>, Failure> {
    if is_url(source) {
        let opts = tls.apply(remote_options(allow_http))?;
        let dir = hxjwt::remote::RemoteDirectory::new(source, opts)
            .map_err(|e| usage(format!("{source}: {e}")))?;
        return Ok(Arc::new(dir));
    }
    tls.check_unused(source)?;
    let dir =
        MemoryDirectory::from_jwks_file(source).map_err(|e| usage(format!("{source}: {e}")))?;
    Ok(Arc::new(dir))
}

/// The argument itself, or stdin's bytes for "-".
pub(crate) fn arg_or_stdin(arg: &str) -> Result<Vec<u8>, Failure> {
    if arg == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .take(64 * 1024 * 1024)
            .read_to_end(&mut buf)
            .map_err(|e| usage(format!("cannot read stdin: {e}")))?;
        Ok(buf)
    } else {
        Ok(arg.as_bytes().to_vec())
    }
}

/// A token argument: stdin for "-", surrounding whitespace removed (a trailing newline from a
/// pipe is not part of a token).
pub(crate) fn token_arg(arg: &str) -> Result<String, Failure> {
    let bytes = arg_or_stdin(arg)?;
    let text = String::from_utf8(bytes).map_err(|_| usage("the token is not UTF-8"))?;
    Ok(text.trim().to_owned())
}

/// Writes a generated private JWK to `output` (mode 0600) or stdout, and the public JWK (if the
/// key has one) to `public` ("-" = stdout) or stderr.
pub(crate) fn emit_key_pair(
    private: &str,
    public_jwk: Option<&str>,
    output: Option<&Path>,
    public: Option<&Path>,
) -> Result<(), Failure> {
    let public_to_stdout = public == Some(Path::new("-"));
    match output {
        Some(path) => write_secret_file(path, private)?,
        None if public_to_stdout => {
            return Err(usage(
                "--public without a file prints the public key on stdout: give -o FILE for the private key",
            ));
        }
        None => println!("{private}"),
    }
    match (public, public_jwk) {
        (Some(_), None) => return Err(usage("this key is a secret: there is no public key")),
        (Some(p), Some(jwk)) if p == Path::new("-") => println!("{jwk}"),
        (Some(p), Some(jwk)) => std::fs::write(p, format!("{jwk}\n"))
            .map_err(|e| usage(format!("cannot write {}: {e}", p.display())))?,
        (None, Some(jwk)) => eprintln!("{jwk}"),
        (None, None) => {}
    }
    Ok(())
}

fn keygen(name: &str, output: Option<&Path>, public: Option<&Path>) -> Result<(), Failure> {
    let id = Identity::generate(name)?;
    let private = id.to_private_jwk();
    let public_jwk = id.machine_token().to_jwk();
    emit_key_pair(&private, Some(&public_jwk), output, public)
}

fn create(args: &CreateArgs) -> Result<(), Failure> {
    let identity = load_identity(&args.key)?;
    let plaintext = zeroize::Zeroizing::new(arg_or_stdin(&args.plaintext)?);
    let mut endpoint = Endpoint::new(identity);
    if let Some(now) = args.now {
        endpoint.set_clock(Arc::new(FixedClock(now)));
    }
    let opts = CreateOptions {
        ttl: args.ttl,
        not_before: args.nbf,
        jti: args.jti.clone(),
        cty: args.cty.clone(),
    };
    let one_pu = args.protocol == Protocol::Ecdh1Pu;
    let token = match (&args.to_token, &args.to, &args.directory) {
        (Some(path), None, None) => {
            let recipient = load_machine_token(path)?;
            if one_pu {
                endpoint.create_1pu_for(&recipient, &plaintext, &opts)?
            } else {
                endpoint.create_for(&recipient, &plaintext, &opts)?
            }
        }
        (None, Some(to), Some(dir)) => {
            let endpoint =
                endpoint.with_shared_directory(load_directory(dir, args.allow_http, &args.remote)?);
            if one_pu {
                endpoint.create_1pu(to, &plaintext, &opts)?
            } else {
                endpoint.create(to, &plaintext, &opts)?
            }
        }
        _ => {
            return Err(usage(
                "give the recipient as --to-token FILE, or as --to NAME with --directory FILE",
            ));
        }
    };
    println!("{token}");
    Ok(())
}

fn validate(args: &ValidateArgs) -> Result<(), Failure> {
    let identity = load_identity(&args.key)?;
    let token = token_arg(&args.token)?;
    let policy = Policy {
        leeway: args.leeway,
        max_lifetime: args.max_lifetime,
        audiences: args.audiences.clone(),
        max_token_len: args.max_token_length,
    };
    let mut endpoint = Endpoint::new(identity).with_policy(policy);
    if let Some(now) = args.now {
        endpoint.set_clock(Arc::new(FixedClock(now)));
    }
    endpoint.set_replay_store(args.replay.store()?);
    if args.explain {
        let report = match (&args.from_token, &args.directory) {
            (Some(path), _) => endpoint.explain_from(&token, Some(&load_machine_token(path)?)),
            (None, Some(dir)) => endpoint
                .with_shared_directory(load_directory(dir, args.allow_http, &args.remote)?)
                .explain(&token),
            (None, None) => return Err(usage("give --from-token FILE or --directory FILE")),
        };
        return explain::print(&report, args.json);
    }
    let result = match (&args.from_token, &args.directory) {
        (Some(path), _) => endpoint.validate_from(&token, &load_machine_token(path)?),
        (None, Some(dir)) => endpoint
            .with_shared_directory(load_directory(dir, args.allow_http, &args.remote)?)
            .validate(&token),
        (None, None) => return Err(usage("give --from-token FILE or --directory FILE")),
    };
    let message = result.map_err(|e| Failure {
        rejected: true,
        message: e.to_string(),
    })?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let mut v = serde_json::json!({
            "iss": message.issuer(),
            "aud": message.audience(),
            "iat": message.issued_at(),
            "exp": message.expires_at(),
            "protocol": message.protocol(),
        });
        if let Some(obj) = v.as_object_mut() {
            if let Some(nbf) = message.not_before() {
                obj.insert("nbf".into(), nbf.into());
            }
            if let Some(jti) = message.jti() {
                obj.insert("jti".into(), jti.into());
            }
            if let Some(cty) = message.content_type() {
                obj.insert("cty".into(), cty.into());
            }
            match std::str::from_utf8(message.payload()) {
                Ok(text) => obj.insert("plaintext".into(), text.into()),
                Err(_) => obj.insert(
                    "plaintext_b64url".into(),
                    hxjwt::b64::encode(message.payload()).into(),
                ),
            };
        }
        writeln!(out, "{v}")
    } else {
        out.write_all(message.payload())
    }
    .and_then(|()| out.flush())
    .map_err(|e| usage(format!("cannot write stdout: {e}")))
}

fn inspect(arg: &str) -> Result<(), Failure> {
    let token = token_arg(arg)?;
    if jwe::is_jwe(&token) {
        return jwe::inspect(&token);
    }
    let decoded = dangerous::decode_unverified(&token)?;
    let s = style::Style::stdout();
    let now = hxjwt::Clock::now(&hxjwt::SystemClock);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}\n",
        s.yellow("NOT VERIFIED: this shows what the token claims, not whether it is genuine.")
    );
    let _ = writeln!(out, "{}", s.bold("Header"));
    out.push_str(&pretty(&serde_json::Value::Object(decoded.header.clone())));
    out.push('\n');
    let is_hx1 = decoded.header.get("channelSecurityContext").is_some();
    let _ = writeln!(out, "{}", s.bold("Payload"));
    match &decoded.claims {
        Some(claims) if is_hx1 => {
            let enc_len = claims
                .get("enc")
                .and_then(serde_json::Value::as_str)
                .map_or(0, str::len);
            let _ = writeln!(
                out,
                "  (HX1: encrypted for {}, {} characters of ciphertext; only the recipient can read it)",
                decoded
                    .header
                    .get("aud")
                    .map_or_else(|| "?".to_owned(), ToString::to_string),
                enc_len
            );
        }
        Some(claims) => {
            out.push_str(&pretty(&serde_json::Value::Object(claims.clone())));
            out.push('\n');
        }
        None => {
            let _ = writeln!(
                out,
                "  ({} bytes, not a JSON object)",
                decoded.payload.len()
            );
        }
    }
    let mut times = Vec::new();
    for (source, map) in [
        ("header", Some(&decoded.header)),
        ("payload", decoded.claims.as_ref()),
    ] {
        let Some(map) = map else { continue };
        if is_hx1 && source == "payload" {
            continue;
        }
        for claim in ["iat", "nbf", "exp"] {
            if let Some(t) = map.get(claim).and_then(serde_json::Value::as_i64) {
                times.push((claim, t));
            }
        }
    }
    if !times.is_empty() {
        let _ = writeln!(out, "\n{}", s.bold("Times"));
        for (claim, t) in times {
            let note = match claim {
                "exp" if t <= now => s.red(&format!("expired {} ago", time::span(now - t))),
                "exp" => s.green(&format!("expires in {}", time::span(t - now))),
                "nbf" if t > now => {
                    s.yellow(&format!("not valid for another {}", time::span(t - now)))
                }
                _ if t > now => s.yellow(&format!("{} in the future", time::span(t - now))),
                _ => format!("{} ago", time::span(now - t)),
            };
            let _ = writeln!(out, "  {claim}  {t}  {}  {note}", time::utc(t));
        }
    }
    let _ = writeln!(
        out,
        "\n{} {} bytes",
        s.bold("Signature"),
        decoded.signature.len()
    );
    print!("{out}");
    Ok(())
}

fn pretty(v: &serde_json::Value) -> String {
    let text = serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string());
    let mut out = String::new();
    for line in text.lines() {
        let _ = writeln!(out, "  {line}");
    }
    out
}

/// Whether colour should be used on this stream.
pub(crate) fn colour_on(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none()
}

pub(crate) fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}
