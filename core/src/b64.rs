//! Canonical base64url (RFC 4648 §5, no padding), as every segment and key member must be.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::error::{Error, Result};

/// URL-safe alphabet, no padding on output, padding rejected on input, non-zero trailing bits
/// rejected on input: exactly one encoding is accepted for each byte string.
const ENGINE: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// Encodes `bytes` as base64url without padding.
pub fn encode(bytes: &[u8]) -> String {
    ENGINE.encode(bytes)
}

/// Appends the base64url encoding of `bytes` to `out`.
pub fn encode_into(bytes: &[u8], out: &mut String) {
    ENGINE.encode_string(bytes, out);
}

/// Decodes canonical base64url; `what` names the input in the error.
pub fn decode(text: &str, what: &str) -> Result<Vec<u8>> {
    ENGINE
        .decode(text)
        .map_err(|_| Error::malformed(format!("{what} is not canonical base64url")))
}

/// Decodes canonical base64url into exactly `N` bytes.
pub fn decode_array<const N: usize>(text: &str, what: &str) -> Result<[u8; N]> {
    let mut out = [0u8; N];
    // A canonical encoding of N bytes has exactly this many characters.
    if text.len() != (N * 4).div_ceil(3) {
        return Err(Error::malformed(format!(
            "{what} must encode exactly {N} bytes"
        )));
    }
    match ENGINE.decode_slice(text, &mut out) {
        Ok(n) if n == N => Ok(out),
        _ => Err(Error::malformed(format!(
            "{what} is not canonical base64url of {N} bytes"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_canonical_forms() {
        assert_eq!(decode("AQ", "x").unwrap(), vec![1]);
        for bad in ["AQ==", "AR", "A+", "A/", "A Q", "AQ\n", "A", "*"] {
            assert!(decode(bad, "x").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn array_length_is_exact() {
        let enc = encode(&[7u8; 32]);
        assert_eq!(decode_array::<32>(&enc, "x").unwrap(), [7u8; 32]);
        assert!(decode_array::<31>(&enc, "x").is_err());
        assert!(decode_array::<33>(&enc, "x").is_err());
    }
}
