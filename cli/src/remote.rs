//! The TLS and header options of a remote JWK Set (`--ca-file`, `--header`), for every command
//! that takes a JWK Set URL (`create`/`validate --directory`, `verify --jwks`,
//! `directory list`).

use std::path::PathBuf;

use clap::Args;
use hxjwt::remote::RemoteOptions;

use crate::{Failure, usage};

/// `--ca-file` and `--header`, flattened into a command's arguments.
#[derive(Args, Clone, Debug, Default)]
pub(crate) struct RemoteTls {
    /// For a JWK Set URL: a PEM file of the certificate authorities to trust (an identity
    /// provider behind a private CA), instead of the built-in Mozilla roots.
    #[arg(long, value_name = "PEM_FILE")]
    pub(crate) ca_file: Option<PathBuf>,
    /// For a JWK Set URL: a request header sent with every fetch, as 'Name: value'
    /// (repeatable). A User-Agent replaces the default hxjwt/<version>.
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub(crate) headers: Vec<String>,
}

impl RemoteTls {
    /// `opts` with the CA file read and the headers checked: a usage error naming the option
    /// (and the path, or the header's name; never a header's value) otherwise.
    pub(crate) fn apply(&self, mut opts: RemoteOptions) -> Result<RemoteOptions, Failure> {
        if let Some(path) = &self.ca_file {
            opts = opts
                .with_ca_file(path)
                .map_err(|e| usage(format!("--ca-file: {}", e.detail())))?;
        }
        for line in &self.headers {
            opts = opts
                .with_header_line(line)
                .map_err(|e| usage(format!("--header: {}", e.detail())))?;
        }
        Ok(opts)
    }

    /// A usage error when `--ca-file` or `--header` is given for `source`, a file: they only
    /// apply to a URL.
    pub(crate) fn check_unused(&self, source: &str) -> Result<(), Failure> {
        if self.ca_file.is_some() || !self.headers.is_empty() {
            return Err(usage(format!(
                "--ca-file and --header apply to a JWK Set URL, and {source:?} is a file"
            )));
        }
        Ok(())
    }
}
