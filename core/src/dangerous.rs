//! Operations that skip a check or take what should be random from the caller.
//!
//! Everything here is for tests, known-answer vectors and debugging tools. Code that handles
//! real traffic has no business calling it; keeping it in one module lets a reviewer grep for it.

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::{CreateOptions, Endpoint, Identity, MachineToken, b64, json};

/// Creates an HX1 token like [`Endpoint::create_for`] but with the caller's 64-byte `M` and
/// 12-byte IV instead of fresh random ones. **Reusing `M` or the IV destroys confidentiality
/// and authenticity**: this exists to reproduce known-answer vectors byte for byte.
pub fn hx1_create_with_material(
    endpoint: &Endpoint,
    recipient: &MachineToken,
    plaintext: &[u8],
    opts: &CreateOptions,
    material: &[u8; 64],
    iv: &[u8; 12],
) -> Result<String> {
    endpoint.seal(recipient, plaintext, opts, material, iv)
}

/// The X25519 shared secret `Z` between `own` and `peer` (PROTOCOL.md §2), for vector tests.
pub fn hx1_shared_secret(own: &Identity, peer: &MachineToken) -> Result<Zeroizing<[u8; 32]>> {
    own.agree(peer.public_key())
}

/// The pairwise key `K` for messages from `sender` to `recipient` given `Z`, for vector tests.
pub fn hx1_pairwise_key(
    z: &[u8; 32],
    sender: &MachineToken,
    recipient: &MachineToken,
) -> Result<Zeroizing<[u8; 32]>> {
    crate::hx1::pairwise_key(
        z,
        sender.name(),
        sender.public_key(),
        recipient.name(),
        recipient.public_key(),
    )
}

/// A JWT decoded **without any verification**: what a debugger shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Unverified {
    /// The protected header.
    pub header: Map<String, Value>,
    /// The payload as a JSON object, when it is one.
    pub claims: Option<Map<String, Value>>,
    /// The raw payload bytes.
    pub payload: Vec<u8>,
    /// The signature bytes.
    pub signature: Vec<u8>,
}

/// Decodes a compact JWS/JWT without verifying anything. Never use what it returns to decide
/// whether to trust a token.
pub fn decode_unverified(token: &str) -> Result<Unverified> {
    let token = token.trim();
    if token.len() > 16 * 1024 * 1024 {
        return Err(Error::malformed("token is larger than 16 MiB"));
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Error::malformed("a JWT has exactly 3 segments"));
    };
    let header = json::parse_object(&b64::decode(h, "header segment")?, 32, "header")?;
    let payload = b64::decode(p, "payload segment")?;
    let claims = json::parse_object(&payload, 32, "payload").ok();
    let signature = b64::decode(s, "signature segment")?;
    Ok(Unverified {
        header,
        claims,
        payload,
        signature,
    })
}

/// Signs arbitrary bytes with a JWS key and algorithm (the key's checks still apply). For
/// building test tokens with headers [`crate::jws::encode`] refuses to write.
pub fn jws_sign(
    key: &crate::jws::Key,
    alg: crate::jws::Algorithm,
    input: &[u8],
) -> Result<Vec<u8>> {
    key.sign(alg, input)
}

/// Verifies a signature over arbitrary bytes with a JWS key and algorithm (the key's checks
/// still apply): `Ok(())`, or [`crate::ErrorKind::InvalidSignature`]. For callers that build
/// the signing input themselves (the Python face's `PyJWS`, RFC 7797 unencoded payloads).
///
/// ```
/// use hxjwt::jws::{Algorithm, Key};
/// let key = Key::from_secret(b"a secret of at least thirty-two bytes!!")?;
/// let sig = hxjwt::dangerous::jws_sign(&key, Algorithm::HS256, b"input")?;
/// hxjwt::dangerous::jws_verify(&key, Algorithm::HS256, b"input", &sig)?;
/// assert!(hxjwt::dangerous::jws_verify(&key, Algorithm::HS256, b"other", &sig).is_err());
/// # Ok::<(), hxjwt::Error>(())
/// ```
pub fn jws_verify(
    key: &crate::jws::Key,
    alg: crate::jws::Algorithm,
    input: &[u8],
    signature: &[u8],
) -> Result<()> {
    key.verify(alg, input, signature)
}
