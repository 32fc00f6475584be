//! HX1: sender-authenticated encrypted JWTs between services (PROTOCOL.md).
//!
//! Each service has an [`Identity`] (a name and an X25519 key pair) whose public half is its
//! [`MachineToken`]. An [`Endpoint`] creates tokens for peers and validates tokens from peers,
//! finding their machine tokens in a [`Directory`] or being handed them.

mod cache;
mod directory;
mod endpoint;
pub(crate) mod header;
mod keys;

pub use crate::store::{MemoryReplayStore, ReplayStore};
#[cfg(feature = "std-fs")]
pub(crate) use directory::read_limited;
pub use directory::{
    CallbackDirectory, Directory, MAX_JWKS_BYTES, MAX_JWKS_KEYS, MAX_KEYS_PER_NAME, MemoryDirectory,
};
pub(crate) use endpoint::pairwise_key;
pub use endpoint::{
    CreateOptions, DEFAULT_KEY_CACHE_CAPACITY, DEFAULT_MAX_TOKEN_LEN, DEFAULT_TTL, Endpoint,
    MAX_PREVIOUS_IDENTITIES, Message, Policy,
};
pub use header::CONTEXT_V1;
pub use keys::{Identity, MAX_NAME_LEN, MachineToken, check_name};
