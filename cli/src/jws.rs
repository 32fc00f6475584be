//! `hxjwt keygen --alg`, `hxjwt sign`, `hxjwt verify`: standard JWTs from the command line.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use hxjwt::jws::{self, Algorithm, Header, Key, KeySet, Validation};
use hxjwt::remote::RemoteKeySet;
use hxjwt::{Clock as _, FixedClock, SystemClock};
use serde_json::{Map, Value};

use crate::{Failure, ReplayArgs, arg_or_stdin, read_file, token_arg, usage};

#[derive(Args)]
pub(crate) struct SignArgs {
    /// The signing key: a private JWK or PEM file (or an HMAC JWK with "kty":"oct").
    #[arg(long, value_name = "FILE", required_unless_present = "secret_file")]
    key: Option<PathBuf>,
    /// An HMAC secret, as the raw bytes of this file.
    #[arg(long, value_name = "FILE", conflicts_with = "key")]
    secret_file: Option<PathBuf>,
    /// The algorithm (HS256, HS384, HS512, RS256 … PS512, ES256, ES384, ES512, ES256K, EdDSA,
    /// Ed25519).
    #[arg(long, value_name = "ALG")]
    alg: String,
    /// The kid header (defaults to the key's kid, if any).
    #[arg(long)]
    kid: Option<String>,
    /// Extra header members, as a JSON object.
    #[arg(long, value_name = "JSON")]
    header: Option<String>,
    /// Set iat to now and exp to now + SECONDS (unless the claims already have them).
    #[arg(long, value_name = "SECONDS")]
    ttl: Option<u64>,
    /// Use this time (seconds since the epoch) as now for --ttl.
    #[arg(long, value_name = "UNIX_SECONDS", allow_hyphen_values = true)]
    now: Option<i64>,
    /// Accept an HMAC secret shorter than the hash output (RFC 7518 forbids it).
    #[arg(long)]
    allow_short_secret: bool,
    /// The claims, a JSON object, or - to read them from stdin.
    claims: String,
}

#[derive(Args)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "command-line switches, each its own --flag"
)]
pub(crate) struct VerifyArgs {
    /// The verification key: a public (or private) JWK or PEM file, an OpenSSH public key file
    /// (ssh-ed25519, ecdsa-sha2-nistp*, ssh-rsa: an authorized_keys line or a .pub file), or an
    /// HMAC JWK.
    #[arg(long, value_name = "FILE", required_unless_present_any = ["jwks", "secret_file"])]
    key: Option<PathBuf>,
    /// A JWK Set, a file or an https:// URL (an issuer's jwks_uri); the key is selected by the
    /// token's kid.
    #[arg(long, value_name = "FILE_OR_URL", conflicts_with_all = ["key", "secret_file"])]
    jwks: Option<String>,
    /// Accept an http:// --jwks URL (no TLS): for loopback tests only.
    #[arg(long)]
    allow_http: bool,
    #[command(flatten)]
    remote: crate::remote::RemoteTls,
    /// Accept a --jwks set (file or URL) that holds both HMAC secrets and asymmetric keys
    /// (refused by default: such a set lets a token choose which kind of key checks it).
    #[arg(long, requires = "jwks", conflicts_with_all = ["key", "secret_file"])]
    allow_mixed_keys: bool,
    /// An HMAC secret, as the raw bytes of this file.
    #[arg(long, value_name = "FILE", conflicts_with = "key")]
    secret_file: Option<PathBuf>,
    /// An accepted algorithm (repeatable). Required: the token never chooses.
    #[arg(long = "alg", value_name = "ALG", required = true)]
    algs: Vec<String>,
    /// An accepted audience (repeatable); without it, a token with an aud is rejected.
    #[arg(long = "aud", value_name = "AUDIENCE")]
    audiences: Vec<String>,
    /// An accepted issuer (repeatable).
    #[arg(long = "iss", value_name = "ISSUER")]
    issuers: Vec<String>,
    /// The required subject.
    #[arg(long = "sub", value_name = "SUBJECT")]
    subject: Option<String>,
    /// A required claim (repeatable; replaces the default, which is exp).
    #[arg(long = "require", value_name = "CLAIM")]
    required: Vec<String>,
    /// Accept tokens without exp.
    #[arg(long, conflicts_with = "required")]
    no_exp_required: bool,
    /// The required header typ.
    #[arg(long)]
    typ: Option<String>,
    /// Refuse tokens older than this many seconds since iat.
    #[arg(long, value_name = "SECONDS")]
    max_age: Option<u64>,
    /// Tolerated clock skew, in seconds.
    #[arg(long, default_value_t = 0, value_name = "SECONDS")]
    leeway: u64,
    /// Verify as if the time were this (seconds since the epoch).
    #[arg(long, value_name = "UNIX_SECONDS", allow_hyphen_values = true)]
    now: Option<i64>,
    /// Accept an HMAC secret shorter than the hash output.
    #[arg(long)]
    allow_short_secret: bool,
    #[command(flatten)]
    replay: ReplayArgs,
    /// Run every check and print each one's outcome as a table (a diagnostic: nothing is
    /// accepted, the replay store is not used; exit 1 unless every check passed).
    #[arg(long)]
    explain: bool,
    /// With --explain: print the report as JSON.
    #[arg(long, requires = "explain")]
    json: bool,
    /// The token, or - to read it from stdin.
    token: String,
}

fn algorithm(name: &str) -> Result<Algorithm, Failure> {
    name.parse::<Algorithm>().map_err(Failure::from)
}

/// A JWK Set file for `verify --jwks`; a set mixing HMAC secrets with asymmetric keys only with
/// `--allow-mixed-keys` (the refusal says so).
fn load_jwks_file(path: &str, allow_mixed: bool) -> Result<KeySet, Failure> {
    if allow_mixed {
        return KeySet::from_jwks_file_mixed(path).map_err(|e| usage(format!("{path}: {e}")));
    }
    KeySet::from_jwks_file(path).map_err(|e| {
        // Refused only for mixing key kinds when the mixed reading accepts it.
        let hint = if e.kind() == hxjwt::ErrorKind::InvalidKey
            && KeySet::from_jwks_file_mixed(path).is_ok()
        {
            " (hxjwt verify: --allow-mixed-keys accepts such a set)"
        } else {
            ""
        };
        usage(format!("{path}: {e}{hint}"))
    })
}

/// Prints each key the JWK Set skipped as a warning on stderr: never dropped silently.
fn warn_skipped(set: &KeySet) {
    let mut err = std::io::stderr().lock();
    for s in set.skipped() {
        let kid = match &s.kid {
            Some(kid) => {
                // Escaped (no terminal control from the document) and bounded, as hxjwt's
                // messages quote input.
                let mut quoted: String =
                    kid.chars().take(64).flat_map(char::escape_debug).collect();
                if kid.chars().nth(64).is_some() {
                    quoted.push('…');
                }
                format!("kid \"{quoted}\"")
            }
            None => "no kid".to_owned(),
        };
        // A warning that cannot be written (stderr closed) does not fail the verification.
        let _ = writeln!(
            err,
            "warning: key #{} ({kid}) skipped: {}",
            s.index, s.reason
        );
    }
}

/// A key from a JWK, PEM or OpenSSH public key file (by its content), or an HMAC secret file.
fn load_key(path: Option<&Path>, secret: Option<&Path>, allow_short: bool) -> Result<Key, Failure> {
    let key = match (path, secret) {
        (_, Some(secret)) => {
            let bytes =
                zeroize::Zeroizing::new(crate::read_bounded(secret, "secret file", 1 << 20)?);
            if Key::looks_like_public_key(&bytes) {
                return Err(hxjwt::Error::new(
                    hxjwt::ErrorKind::InvalidKey,
                    format!(
                        "{}: this looks like a PEM or OpenSSH key, not an HMAC secret: give it \
                         with --key FILE",
                        secret.display()
                    ),
                )
                .into());
            }
            Key::from_secret(&*bytes)
        }
        (Some(path), None) => {
            let text = zeroize::Zeroizing::new(read_file(path, "key")?);
            let trimmed = text.trim();
            if trimmed.starts_with('{') {
                Key::from_jwk(trimmed)
            } else {
                Key::from_pem(trimmed)
            }
            .map_err(|e| hxjwt::Error::new(e.kind(), format!("{}: {}", path.display(), e.detail())))
        }
        (None, None) => return Err(usage("give --key FILE or --secret-file FILE")),
    }?;
    Ok(if allow_short {
        key.allow_short_secret()
    } else {
        key
    })
}

pub(crate) fn keygen(
    alg: &str,
    kid: Option<&str>,
    output: Option<&Path>,
    public: Option<&Path>,
) -> Result<(), Failure> {
    let alg = algorithm(alg)?;
    let mut key = Key::generate(alg)?;
    if let Some(kid) = kid {
        key = key.with_kid(kid);
    }
    let private = key.to_private_jwk();
    let public_jwk = match key.to_public_jwk() {
        Ok(jwk) => Some(jwk.to_string()),
        Err(_) => None, // HMAC: a secret has no public half
    };
    crate::emit_key_pair(&private, public_jwk.as_deref(), output, public)
}

pub(crate) fn sign(args: &SignArgs) -> Result<(), Failure> {
    let alg = algorithm(&args.alg)?;
    let key = load_key(
        args.key.as_deref(),
        args.secret_file.as_deref(),
        args.allow_short_secret,
    )?;
    let claims_text = String::from_utf8(arg_or_stdin(&args.claims)?)
        .map_err(|_| usage("the claims are not UTF-8"))?;
    let claims = hxjwt::json::parse_object(claims_text.as_bytes(), 32, "claims")
        .map_err(|e| usage(format!("the claims must be a JSON object: {}", e.detail())))?;
    // The claims are signed as given (member order, spacing and integers past 64 bits kept);
    // --ttl adds iat and exp in front when they are absent.
    let mut signed = claims_text.trim().to_owned();
    if let Some(ttl) = args.ttl {
        let now = args.now.unwrap_or_else(|| SystemClock.now());
        let exp = now.saturating_add(i64::try_from(ttl).unwrap_or(i64::MAX));
        let mut added = String::new();
        if !claims.contains_key("iat") {
            added = added + "\"iat\":" + &now.to_string() + ",";
        }
        if !claims.contains_key("exp") {
            added = added + "\"exp\":" + &exp.to_string() + ",";
        }
        if claims.is_empty() {
            added.pop();
            signed = format!("{{{added}}}");
        } else if let Some(rest) = signed.strip_prefix('{') {
            signed = format!("{{{added}{rest}");
        }
    }
    let mut header = Header::new(alg);
    header.kid.clone_from(&args.kid);
    if let Some(extra) = &args.header {
        let extra: Map<String, Value> =
            hxjwt::json::parse_object(extra.as_bytes(), 16, "header")
                .map_err(|e| usage(format!("--header must be a JSON object: {}", e.detail())))?;
        for (name, value) in extra {
            match name.as_str() {
                "typ" => header.typ = value.as_str().map(str::to_owned),
                "kid" => header.kid = value.as_str().map(str::to_owned),
                "cty" => header.cty = value.as_str().map(str::to_owned),
                _ => {
                    header.extra.insert(name, value);
                }
            }
        }
    }
    println!("{}", jws::encode_json(&header, &signed, &key)?);
    Ok(())
}

pub(crate) fn verify(args: &VerifyArgs) -> Result<(), Failure> {
    let accepted = args
        .algs
        .iter()
        .map(|a| algorithm(a))
        .collect::<Result<Vec<_>, _>>()?;
    let token = token_arg(&args.token)?;
    let mut v = Validation::new(&accepted).leeway(args.leeway);
    v.replay_store = args.replay.store()?;
    if !args.audiences.is_empty() {
        v = v.audience(&args.audiences);
    }
    if !args.issuers.is_empty() {
        v = v.issuer(&args.issuers);
    }
    v.subject.clone_from(&args.subject);
    v.typ.clone_from(&args.typ);
    v.max_age = args.max_age;
    if !args.required.is_empty() {
        v.required_claims.clone_from(&args.required);
    } else if args.no_exp_required {
        v.required_claims.clear();
    }
    if let Some(now) = args.now {
        v.clock = Arc::new(FixedClock(now));
    }
    let rejected = |e: hxjwt::Error| Failure {
        rejected: true,
        message: e.to_string(),
    };
    let data = match &args.jwks {
        Some(url) if crate::is_url(url) => {
            let mut opts = args.remote.apply(crate::remote_options(args.allow_http))?;
            opts.allow_mixed_keys = args.allow_mixed_keys;
            let set = RemoteKeySet::new(url, opts).map_err(|e| usage(format!("{url}: {e}")))?;
            if args.explain {
                let report = jws::explain(&token, &set, &v);
                if let Some(current) = set.jwks().cached() {
                    warn_skipped(&current);
                }
                return crate::explain::print(&report, args.json);
            }
            let decoded = jws::decode_bytes(&token, &set, &v);
            // The set the decode fetched (or found cached), if any: its skipped keys may be why
            // the token's key is missing.
            if let Some(current) = set.jwks().cached() {
                warn_skipped(&current);
            }
            decoded.map_err(rejected)?
        }
        Some(path) => {
            args.remote.check_unused(path)?;
            let set = load_jwks_file(path, args.allow_mixed_keys)?;
            warn_skipped(&set);
            if args.explain {
                return crate::explain::print(&jws::explain(&token, &set, &v), args.json);
            }
            jws::decode_bytes(&token, &set, &v).map_err(rejected)?
        }
        None => {
            let key = load_key(
                args.key.as_deref(),
                args.secret_file.as_deref(),
                args.allow_short_secret,
            )?;
            if args.explain {
                return crate::explain::print(&jws::explain(&token, &key, &v), args.json);
            }
            jws::decode_bytes(&token, &key, &v).map_err(rejected)?
        }
    };
    // The claims exactly as signed (member order, spacing and integers past 64 bits kept).
    let mut out = std::io::stdout().lock();
    out.write_all(&data.claims)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush())
        .map_err(|e| usage(format!("cannot write stdout: {e}")))
}
