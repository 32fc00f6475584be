#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod b64;
mod clock;
pub mod dangerous;
mod error;
pub mod explain;
pub mod hx1;
pub mod json;
pub mod jwe;
pub mod jws;
mod random;
#[cfg(feature = "remote")]
pub mod remote;
pub mod store;
mod x25519;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{Error, ErrorKind, Result};
pub use explain::{Check, Outcome, Report};
pub use hx1::{
    CallbackDirectory, CreateOptions, Directory, Endpoint, Identity, MachineToken, MemoryDirectory,
    MemoryReplayStore, Message, Policy, ReplayStore,
};

/// The repository README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The version of this crate.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
