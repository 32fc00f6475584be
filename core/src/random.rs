//! Randomness, from the operating system's CSPRNG only.

use crate::error::{Error, ErrorKind, Result};

/// Fills `buf` from the OS CSPRNG. Fails (rather than falling back to anything weaker) when the
/// OS cannot supply randomness.
pub(crate) fn fill(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| {
        Error::new(
            ErrorKind::Internal,
            format!("the OS random source failed: {e}"),
        )
    })
}
