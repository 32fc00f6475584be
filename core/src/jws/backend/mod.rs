//! The asymmetric-crypto backend: `aws-lc-rs` by default, `RustCrypto` with the `pure-rust` feature.
//! Both offer the same small surface (signers, verifiers, generation), so that everything above
//! this module is shared and the two must agree on every vector.

#[cfg(not(feature = "pure-rust"))]
mod aws;
#[cfg(not(feature = "pure-rust"))]
pub(crate) use aws::*;

#[cfg(feature = "pure-rust")]
mod rustcrypto;
#[cfg(feature = "pure-rust")]
pub(crate) use rustcrypto::*;

#[cfg(all(not(feature = "pure-rust"), not(feature = "aws-lc")))]
compile_error!(
    "hxjwt needs a crypto backend: enable the `aws-lc` (default) or `pure-rust` feature"
);
