//! `hxjwt encrypt`, `hxjwt decrypt`, `hxjwt keygen --jwe` and `inspect` of a JWE: standard
//! encrypted JWTs (RFC 7516/7518, ECDH-1PU) from the command line.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use hxjwt::jwe::{self, ContentAlgorithm, Decryption, Header, Key, KeyAlgorithm};
use serde_json::Value;

use crate::{Failure, arg_or_stdin, read_file, token_arg, usage};

/// The most keys a --jwks file may hold.
const MAX_JWKS_KEYS: usize = 1000;

#[derive(Args)]
pub(crate) struct EncryptArgs {
    /// The recipient's key: a public JWK or PEM file (RSA, EC, X25519), or a secret JWK
    /// ("kty":"oct") for dir, A*KW, A*GCMKW and PBES2.
    #[arg(long, value_name = "JWK_OR_PEM_FILE")]
    key: PathBuf,
    /// The key management algorithm (dir, A128KW … A256GCMKW, ECDH-ES, ECDH-ES+A256KW,
    /// ECDH-1PU…, RSA-OAEP, RSA-OAEP-256, PBES2-HS256+A128KW …).
    #[arg(long, value_name = "ALG")]
    alg: String,
    /// The content encryption (A128GCM, A192GCM, A256GCM, A128CBC-HS256 … A256CBC-HS512).
    #[arg(long, value_name = "ENC")]
    enc: String,
    /// The kid header (defaults to the key's kid, if any).
    #[arg(long)]
    kid: Option<String>,
    /// Header members, as a JSON object: typ, cty, kid, skid, apu, apv (base64url), p2c,
    /// zip ("DEF"), and others of your own.
    #[arg(long, value_name = "JSON")]
    header: Option<String>,
    /// The sender's private JWK file, for ECDH-1PU (the recipient learns who sent it).
    #[arg(long, value_name = "JWK_FILE")]
    sender_key: Option<PathBuf>,
    /// Write the JSON serialization (flattened) instead of the compact one.
    #[arg(long)]
    json: bool,
    /// The plaintext, or - to read raw bytes from stdin.
    plaintext: String,
}

#[derive(Args)]
pub(crate) struct DecryptArgs {
    /// A private JWK or PEM file, or a secret JWK (repeatable; the token's kid selects).
    #[arg(long = "key", value_name = "FILE", required_unless_present = "jwks")]
    keys: Vec<PathBuf>,
    /// A JWK Set file of private keys; the token's kid selects (keys that are not JWE keys
    /// are skipped).
    #[arg(long, value_name = "FILE", conflicts_with = "keys")]
    jwks: Option<PathBuf>,
    /// An accepted key management algorithm (repeatable). Required: the token never chooses.
    #[arg(long = "alg", value_name = "ALG", required = true)]
    algs: Vec<String>,
    /// An accepted content encryption (repeatable). Required: the token never chooses.
    #[arg(long = "enc", value_name = "ENC", required = true)]
    encs: Vec<String>,
    /// The sender's public JWK file, for ECDH-1PU tokens (repeatable; the token's skid
    /// selects).
    #[arg(long = "sender-key", value_name = "JWK_FILE")]
    sender_keys: Vec<PathBuf>,
    /// Accept zip "DEF", inflating to at most BYTES (refused by default).
    #[arg(long, value_name = "BYTES")]
    allow_zip: Option<usize>,
    /// The largest PBES2 p2c accepted (checked before any PBKDF2 work).
    #[arg(long, value_name = "N", default_value_t = jwe::DEFAULT_MAX_P2C)]
    max_p2c: u32,
    /// The longest token accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = jwe::DEFAULT_MAX_TOKEN_LEN)]
    max_token_length: usize,
    /// The required header typ.
    #[arg(long)]
    typ: Option<String>,
    /// Print the header and the plaintext as one JSON object instead.
    #[arg(long = "json")]
    json_out: bool,
    /// The token (compact, or the JSON serialization), or - to read it from stdin.
    token: String,
}

/// A JWE key from a JWK or PEM file (by its content).
fn load_key(path: &Path) -> Result<Key, Failure> {
    let text = zeroize::Zeroizing::new(read_file(path, "key")?);
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        Key::from_jwk(trimmed)
    } else {
        Key::from_pem(trimmed)
    }
    .map_err(|e| usage(format!("{}: {e}", path.display())))
}

/// The JWE keys of a JWK Set file; keys that are not JWE keys are skipped.
fn load_jwks(path: &Path) -> Result<Vec<Key>, Failure> {
    let text = zeroize::Zeroizing::new(read_file(path, "JWK Set")?);
    let mut jwks = hxjwt::json::parse_jwk_set(&text, hxjwt::hx1::MAX_JWKS_BYTES, MAX_JWKS_KEYS)
        .map_err(|e| usage(format!("{}: {e}", path.display())))?;
    let keys: Vec<Key> = jwks
        .iter()
        .filter_map(|jwk| Key::from_jwk_map(jwk).ok())
        .collect();
    for jwk in &mut jwks {
        hxjwt::json::wipe_private_members(jwk);
    }
    if keys.is_empty() {
        return Err(usage(format!(
            "{}: the JWK Set has no JWE key",
            path.display()
        )));
    }
    Ok(keys)
}

/// The protected header: `alg`, `enc` and the members of `--header`.
fn header_of(args: &EncryptArgs) -> Result<Header, Failure> {
    let alg: KeyAlgorithm = KeyAlgorithm::parse(&args.alg)?;
    let enc: ContentAlgorithm = args.enc.parse()?;
    let mut header = Header::new(alg, enc);
    if let Some(extra) = &args.header {
        let members = hxjwt::json::parse_object(extra.as_bytes(), 16, "header")
            .map_err(|e| usage(format!("--header must be a JSON object: {}", e.detail())))?;
        header = header
            .with_members(members)
            .map_err(|e| usage(format!("--header: {}", e.detail())))?;
    }
    if args.kid.is_some() {
        header.kid.clone_from(&args.kid);
    }
    Ok(header)
}

pub(crate) fn encrypt(args: &EncryptArgs) -> Result<(), Failure> {
    let header = header_of(args)?;
    let key = load_key(&args.key)?;
    let sender = args.sender_key.as_deref().map(load_key).transpose()?;
    let plaintext = zeroize::Zeroizing::new(arg_or_stdin(&args.plaintext)?);
    let token = match (&sender, args.json) {
        (None, false) => jwe::encrypt(&header, &plaintext, &key)?,
        (Some(s), false) => jwe::encrypt_1pu(&header, &plaintext, &key, s)?,
        (sender, true) => {
            let mut recipient = jwe::JsonRecipient::new(header.alg, &key);
            recipient.kid.clone_from(&header.kid);
            let recipients = [recipient];
            match sender {
                None => jwe::encrypt_json(&header, &recipients, &plaintext, None, false)?,
                Some(s) => jwe::encrypt_json_1pu(&header, &recipients, s, &plaintext, None, false)?,
            }
        }
    };
    println!("{token}");
    Ok(())
}

pub(crate) fn decrypt(args: &DecryptArgs) -> Result<(), Failure> {
    let accepted_algs = args
        .algs
        .iter()
        .map(|a| KeyAlgorithm::parse(a))
        .collect::<Result<Vec<_>, _>>()?;
    let accepted_encs = args
        .encs
        .iter()
        .map(|e| e.parse::<ContentAlgorithm>())
        .collect::<Result<Vec<_>, _>>()?;
    let keys = match &args.jwks {
        Some(path) => load_jwks(path)?,
        None => args
            .keys
            .iter()
            .map(|p| load_key(p))
            .collect::<Result<Vec<_>, _>>()?,
    };
    let senders = args
        .sender_keys
        .iter()
        .map(|p| load_key(p))
        .collect::<Result<Vec<_>, _>>()?;
    let mut d = Decryption::new(&accepted_algs, &accepted_encs)
        .max_p2c(args.max_p2c)
        .max_token_len(args.max_token_length);
    if let Some(max) = args.allow_zip {
        d = d.allow_zip(max);
    }
    if let Some(typ) = &args.typ {
        d = d.typ(typ);
    }
    let token = token_arg(&args.token)?;
    let json = token.starts_with('{');
    let result = match (json, senders.is_empty()) {
        (false, true) => jwe::decrypt(&token, &keys, &d),
        (false, false) => jwe::decrypt_1pu(&token, &keys, &senders, &d),
        (true, true) => jwe::decrypt_json(&token, &keys, &d),
        (true, false) => jwe::decrypt_json_1pu(&token, &keys, &senders, &d),
    };
    let msg = result.map_err(|e| Failure {
        rejected: true,
        message: e.to_string(),
    })?;
    let mut out = std::io::stdout().lock();
    if args.json_out {
        let mut v = serde_json::json!({ "header": Value::Object(msg.header().clone()) });
        if let Some(obj) = v.as_object_mut() {
            match std::str::from_utf8(&msg.plaintext) {
                Ok(text) => obj.insert("plaintext".into(), text.into()),
                Err(_) => obj.insert(
                    "plaintext_b64url".into(),
                    hxjwt::b64::encode(&msg.plaintext).into(),
                ),
            };
        }
        writeln!(out, "{v}")
    } else {
        out.write_all(&msg.plaintext)
    }
    .and_then(|()| out.flush())
    .map_err(|e| usage(format!("cannot write stdout: {e}")))
}

/// A new JWE key of `kind`: X25519, P-256, P-384, P-521, RSA (2048 bits), RSA-3072, RSA-4096,
/// or oct-16 … oct-64 (a random secret).
pub(crate) fn keygen(
    kind: &str,
    name: Option<&str>,
    output: Option<&Path>,
    public: Option<&Path>,
) -> Result<(), Failure> {
    let mut key = Key::generate_kind(kind).map_err(|e| usage(format!("--jwe: {}", e.detail())))?;
    if let Some(name) = name {
        key = key.with_kid(name);
    }
    let private = key.to_private_jwk()?;
    let public_jwk = key.to_public_jwk().ok().map(|jwk| jwk.to_string());
    crate::emit_key_pair(&private, public_jwk.as_deref(), output, public)
}

/// Whether `token` looks like a JWE: 5 segments, or a JSON object (the JSON serialization).
pub(crate) fn is_jwe(token: &str) -> bool {
    token.split('.').count() == 5 || token.starts_with('{')
}

/// The headers of a JSON-serialized JWE, decoded but not checked: the protected header, the
/// shared unprotected one, and each recipient's.
fn json_headers(token: &str) -> Result<Vec<(String, Value)>, Failure> {
    let doc = hxjwt::json::parse_object(token.as_bytes(), jwe::DEFAULT_MAX_DEPTH, "token")?;
    if !doc.contains_key("ciphertext") {
        return Err(usage(
            "a JSON token without \"ciphertext\" is not a JWE in the JSON serialization",
        ));
    }
    let mut out = Vec::new();
    if let Some(Value::String(p)) = doc.get("protected") {
        let bytes = hxjwt::b64::decode(p, "protected header")?;
        let header = hxjwt::json::parse_object(&bytes, jwe::DEFAULT_MAX_DEPTH, "protected")?;
        out.push(("Protected header".to_owned(), Value::Object(header)));
    }
    if let Some(h) = doc.get("unprotected") {
        out.push(("Shared unprotected header".to_owned(), h.clone()));
    }
    if let Some(h) = doc.get("header") {
        out.push(("Recipient header".to_owned(), h.clone()));
    }
    if let Some(Value::Array(recipients)) = doc.get("recipients") {
        for (i, r) in recipients.iter().enumerate() {
            if let Some(h) = r.get("header") {
                out.push((format!("Recipient {i} header"), h.clone()));
            }
        }
    }
    Ok(out)
}

/// Shows the headers of a JWE (compact or JSON), without decrypting anything.
pub(crate) fn inspect(token: &str) -> Result<(), Failure> {
    let json = token.starts_with('{');
    let headers = if json {
        json_headers(token)?
    } else {
        vec![(
            "Protected header".to_owned(),
            Value::Object(jwe::decode_header(token)?),
        )]
    };
    let s = crate::style::Style::stdout();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        s.yellow(
            "NOT DECRYPTED: this is a JWE; its header is shown as sent, not checked, and only \
             the recipient's key can read the payload."
        )
    );
    for (title, header) in headers {
        let _ = writeln!(out, "\n{}", s.bold(&title));
        let text =
            serde_json::to_string_pretty(&header).unwrap_or_else(|_| "(unprintable)".to_owned());
        for line in text.lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    if !json {
        let segments: Vec<&str> = token.split('.').collect();
        let len = |i: usize| segments.get(i).map_or(0, |seg| seg.len() * 3 / 4);
        let _ = writeln!(
            out,
            "\n{} encrypted key {} bytes, IV {} bytes, ciphertext {} bytes, tag {} bytes",
            s.bold("Segments"),
            len(1),
            len(2),
            len(3),
            len(4)
        );
    }
    print!("{out}");
    Ok(())
}
