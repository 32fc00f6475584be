//! X25519 (RFC 7748) for HX identities and JWE keys, in one place: aws-lc-rs's under the
//! `aws-lc` feature (s2n-bignum's constant-time assembly: about twice as fast as x25519-dalek on
//! x86-64), x25519-dalek under `pure-rust`. The same function either way, so the same bytes
//! (the HX1 known-answer vectors hold for both backends).

use zeroize::Zeroizing;

use crate::error::Result;
#[cfg(all(feature = "aws-lc", not(feature = "pure-rust")))]
use crate::error::{Error, ErrorKind};

/// The point a clamped scalar maps a low-order public key to: all zeros.
const ZERO: [u8; 32] = [0u8; 32];

/// An X25519 private key, its public key, and (under `aws-lc`) the parsed key aws-lc agrees
/// with. Cloning is cheap; the private bytes are wiped on drop (and aws-lc cleanses its own
/// copy when the last clone goes).
#[derive(Clone)]
pub(crate) struct Secret {
    /// On the heap from the start, and moved only as a pointer: a key moved by value leaves
    /// copies on the stack, which a later move of a larger enum can carry into the heap.
    bytes: Box<Zeroizing<[u8; 32]>>,
    public: [u8; 32],
    #[cfg(all(feature = "aws-lc", not(feature = "pure-rust")))]
    parsed: std::sync::Arc<aws_lc_rs::agreement::PrivateKey>,
}

impl Secret {
    /// The key pair of the raw 32-byte private key (clamped by X25519 itself, RFC 7748 §5).
    pub(crate) fn from_bytes(bytes: &[u8; 32]) -> Result<Secret> {
        let mut boxed = Box::new(Zeroizing::new([0u8; 32]));
        boxed.copy_from_slice(bytes);
        backend::from_bytes(boxed)
    }

    /// A new key pair from the OS CSPRNG.
    pub(crate) fn generate() -> Result<Secret> {
        let mut boxed = Box::new(Zeroizing::new([0u8; 32]));
        crate::random::fill(boxed.as_mut_slice())?;
        backend::from_bytes(boxed)
    }

    /// The raw private key.
    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// The public key.
    pub(crate) fn public(&self) -> &[u8; 32] {
        &self.public
    }

    /// X25519 with `peer`; `None` when the result is all zeros (a low-order or otherwise
    /// non-contributory peer key, RFC 7748 §6.1).
    pub(crate) fn agree(&self, peer: &[u8; 32]) -> Option<Zeroizing<[u8; 32]>> {
        backend::agree(self, peer).filter(|z| **z != ZERO)
    }
}

/// Whether `public` is a low-order (or otherwise non-contributory) X25519 point: multiplying it
/// by a clamped scalar, which is a multiple of the cofactor 8, gives all zeros exactly then.
pub(crate) fn is_low_order(public: &[u8; 32]) -> bool {
    const PROBE: [u8; 32] = [
        0x09, 0x1f, 0x6c, 0x2d, 0x4b, 0x5e, 0x71, 0x8a, 0x93, 0xa4, 0xb5, 0xc6, 0xd7, 0xe8, 0xf9,
        0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x60, 0x71, 0x82, 0x93, 0xa4, 0xb5, 0xc6, 0xd7, 0xe8,
        0xf9, 0x4a,
    ];
    static PROBE_KEY: once_cell::sync::OnceCell<Option<Secret>> = once_cell::sync::OnceCell::new();
    match PROBE_KEY.get_or_init(|| Secret::from_bytes(&PROBE).ok()) {
        Some(probe) => probe.agree(public).is_none(),
        // The probe cannot fail to load; if it did, refuse rather than accept unchecked.
        None => true,
    }
}

#[cfg(all(feature = "aws-lc", not(feature = "pure-rust")))]
fn internal(what: &str) -> Error {
    Error::new(ErrorKind::Internal, format!("X25519: {what}"))
}

#[cfg(all(feature = "aws-lc", not(feature = "pure-rust")))]
mod backend {
    use aws_lc_rs::agreement::{self, PrivateKey, UnparsedPublicKey, X25519};
    use zeroize::Zeroizing;

    use super::{Secret, internal};
    use crate::error::Result;

    pub(super) fn from_bytes(bytes: Box<Zeroizing<[u8; 32]>>) -> Result<Secret> {
        let parsed = PrivateKey::from_private_key(&X25519, bytes.as_slice())
            .map_err(|_| internal("the private key was refused"))?;
        let public: [u8; 32] = parsed
            .compute_public_key()
            .map_err(|_| internal("no public key"))?
            .as_ref()
            .try_into()
            .map_err(|_| internal("the public key is not 32 bytes"))?;
        Ok(Secret {
            bytes,
            public,
            parsed: std::sync::Arc::new(parsed),
        })
    }

    pub(super) fn agree(secret: &Secret, peer: &[u8; 32]) -> Option<Zeroizing<[u8; 32]>> {
        // aws-lc refuses an all-zero result itself (an error here); `Secret::agree` maps both
        // to `None`.
        agreement::agree(
            &secret.parsed,
            UnparsedPublicKey::new(&X25519, peer),
            (),
            |z| {
                let mut out = Zeroizing::new([0u8; 32]);
                if z.len() != 32 {
                    return Err(());
                }
                out.copy_from_slice(z);
                Ok(out)
            },
        )
        .ok()
    }
}

#[cfg(not(all(feature = "aws-lc", not(feature = "pure-rust"))))]
mod backend {
    use x25519_dalek::{PublicKey, StaticSecret};
    use zeroize::Zeroizing;

    use super::Secret;
    use crate::error::Result;

    #[expect(
        clippy::unnecessary_wraps,
        reason = "the signature of the aws-lc backend's, which can fail"
    )]
    pub(super) fn from_bytes(bytes: Box<Zeroizing<[u8; 32]>>) -> Result<Secret> {
        let public = PublicKey::from(&StaticSecret::from(**bytes)).to_bytes();
        Ok(Secret { bytes, public })
    }

    #[expect(
        clippy::unnecessary_wraps,
        reason = "the signature of the aws-lc backend's, which can fail"
    )]
    pub(super) fn agree(secret: &Secret, peer: &[u8; 32]) -> Option<Zeroizing<[u8; 32]>> {
        let shared = StaticSecret::from(**secret.bytes).diffie_hellman(&PublicKey::from(*peer));
        Some(Zeroizing::new(shared.to_bytes()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;

    /// RFC 7748 §6.1: Alice's and Bob's keys and their shared secret.
    #[test]
    fn rfc7748_diffie_hellman() {
        let hex = |s: &str| -> [u8; 32] {
            let v: Vec<u8> = (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                .collect();
            v.try_into().unwrap()
        };
        let a = Secret::from_bytes(&hex(
            "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
        ))
        .unwrap();
        let b = Secret::from_bytes(&hex(
            "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
        ))
        .unwrap();
        assert_eq!(
            *a.public(),
            hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
        );
        assert_eq!(
            *b.public(),
            hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
        );
        let k = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        assert_eq!(*a.agree(b.public()).unwrap(), k);
        assert_eq!(*b.agree(a.public()).unwrap(), k);
    }

    #[test]
    fn low_order_points_give_none_and_are_detected() {
        let s = Secret::generate().unwrap();
        let mut one = [0u8; 32];
        one[0] = 1;
        for point in [[0u8; 32], one] {
            assert!(s.agree(&point).is_none());
            assert!(is_low_order(&point));
        }
        assert!(!is_low_order(s.public()));
    }
}
