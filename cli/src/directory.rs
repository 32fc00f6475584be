//! `hxjwt directory`: build, extend and list JWK Sets that a web server or CDN serves.
//!
//! One set may carry both HX1 machine tokens (OKP X25519, `kid` = identity name) and JWS
//! verification keys; each reader takes the keys it understands.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use hxjwt::hx1::{MAX_JWKS_BYTES, MAX_JWKS_KEYS};
use hxjwt::jws::{Key, KeySet, KeyType};
use hxjwt::{Directory as _, MachineToken, MemoryDirectory};
use serde_json::{Map, Value};

use crate::{Failure, is_url, read_file, remote_options, usage};

#[derive(Subcommand)]
pub(crate) enum DirectoryCommand {
    /// Print a JWK Set made of the given public keys (HX1 machine tokens and JWS public keys),
    /// in the order given: during a rotation, list a name's new key before its old one.
    ///
    /// Each file holds one public JWK or a JWK Set. Private keys and HMAC secrets are refused.
    /// Serve the output as e.g. https://keys.example.com/jwks.json.
    Build {
        /// Public JWK (or JWK Set) files.
        #[arg(required = true, value_name = "PUBLIC_JWK_FILE")]
        files: Vec<PathBuf>,
    },
    /// Print JWKS_FILE with the given public keys added in front (newest first): the first step
    /// of a rotation. Keys already in the set are not repeated.
    Add {
        /// The current JWK Set file.
        #[arg(value_name = "JWKS_FILE")]
        jwks: PathBuf,
        /// Public JWK (or JWK Set) files to add.
        #[arg(required = true, value_name = "PUBLIC_JWK_FILE")]
        files: Vec<PathBuf>,
    },
    /// List the keys of a JWK Set file or URL: HX1 names and JWS kids.
    List {
        /// A JWK Set file, or an https:// URL.
        #[arg(value_name = "JWKS_FILE_OR_URL")]
        source: String,
        /// Accept an http:// URL (no TLS): for loopback tests only.
        #[arg(long)]
        allow_http: bool,
        #[command(flatten)]
        remote: crate::remote::RemoteTls,
    },
}

pub(crate) fn run(cmd: &DirectoryCommand) -> Result<(), Failure> {
    match cmd {
        DirectoryCommand::Build { files } => {
            let mut keys = Vec::new();
            for f in files {
                add_unique(&mut keys, read_public_keys(f)?);
            }
            println!("{}", finish(&keys)?);
            Ok(())
        }
        DirectoryCommand::Add { jwks, files } => {
            let mut keys = Vec::new();
            for f in files {
                add_unique(&mut keys, read_public_keys(f)?);
            }
            add_unique(&mut keys, read_public_keys(jwks)?);
            println!("{}", finish(&keys)?);
            Ok(())
        }
        DirectoryCommand::List {
            source,
            allow_http,
            remote,
        } => list(source, *allow_http, remote),
    }
}

/// Appends the keys of `more` that `keys` does not hold yet.
fn add_unique(keys: &mut Vec<Value>, more: Vec<Value>) {
    for k in more {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
}

/// The set as text, checked to be readable both as an HX1 directory and as a JWS key set.
fn finish(keys: &[Value]) -> Result<String, Failure> {
    let text = serde_json::json!({ "keys": keys }).to_string();
    MemoryDirectory::from_jwks(&text)
        .map_err(|e| usage(format!("the set would be refused: {e}")))?;
    KeySet::from_jwks(&text).map_err(|e| usage(format!("the set would be refused: {e}")))?;
    Ok(text)
}

/// The public JWKs of a file holding one JWK or a JWK Set, normalized.
fn read_public_keys(path: &Path) -> Result<Vec<Value>, Failure> {
    let text = zeroize::Zeroizing::new(read_file(path, "key file")?);
    let at = |e: hxjwt::Error| usage(format!("{}: {e}", path.display()));
    let top = hxjwt::json::parse_object(text.trim().as_bytes(), 32, "the key file").map_err(at)?;
    let maps = if top.contains_key("keys") {
        hxjwt::json::parse_jwk_set(text.trim(), MAX_JWKS_BYTES, MAX_JWKS_KEYS).map_err(at)?
    } else {
        vec![top]
    };
    maps.iter()
        .map(|m| public_jwk(m).map_err(|e| usage(format!("{}: {e}", path.display()))))
        .collect()
}

fn public_jwk(jwk: &Map<String, Value>) -> Result<Value, String> {
    let s = |n: &str| jwk.get(n).and_then(Value::as_str);
    if s("kty") == Some("OKP") && s("crv") == Some("X25519") {
        if jwk.contains_key("d") {
            return Err(
                "this is a private identity: publish its machine token (hxjwt keygen NAME --public)"
                    .into(),
            );
        }
        return MachineToken::from_jwk_map(jwk)
            .map(|t| t.to_jwk_value())
            .map_err(|e| e.to_string());
    }
    let key = Key::from_jwk_map(jwk).map_err(|e| e.to_string())?;
    if key.key_type() == KeyType::Hmac {
        return Err("an HMAC secret has no public half and must never be published".into());
    }
    if key.is_private() {
        return Err(
            "this is a private key: publish its public half (hxjwt keygen --alg ALG --public)"
                .into(),
        );
    }
    key.to_public_jwk().map_err(|e| e.to_string())
}

fn list(source: &str, allow_http: bool, tls: &crate::remote::RemoteTls) -> Result<(), Failure> {
    let text = if is_url(source) {
        let opts = tls.apply(remote_options(allow_http))?;
        let remote = hxjwt::remote::RemoteJwks::new(source, opts, |t| Ok(t.to_owned()))
            .map_err(|e| usage(format!("{source}: {e}")))?;
        remote
            .get()
            .map_err(|e| usage(format!("{source}: {e}")))?
            .to_string()
    } else {
        tls.check_unused(source)?;
        read_file(Path::new(source), "JWK Set")?
    };
    let dir = MemoryDirectory::from_jwks(&text).map_err(|e| usage(format!("{source}: {e}")))?;
    let set = KeySet::from_jwks(&text).map_err(|e| usage(format!("{source}: {e}")))?;
    for token in dir.tokens() {
        let rank = dir
            .resolve_all(token.name())
            .map_or(0, |all| all.iter().position(|t| t == &token).unwrap_or(0));
        let role = if rank == 0 { "current" } else { "previous" };
        println!(
            "hx1\t{}\t{role}\tx={}",
            token.name(),
            hxjwt::b64::encode(token.public_key())
        );
    }
    for key in set.keys() {
        let algs: Vec<String> = key.algorithms().iter().map(ToString::to_string).collect();
        println!(
            "jws\t{}\t{:?}\t{}\tthumbprint={}",
            key.kid().unwrap_or("-"),
            key.key_type(),
            algs.join(","),
            key.thumbprint()
        );
    }
    Ok(())
}
