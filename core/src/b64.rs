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

/// Decodes canonical base64url into `buf` when the result fits (no allocation), else into a new
/// vector.
pub(crate) fn decode_buf<'b>(
    text: &str,
    buf: &'b mut [u8],
    what: &str,
) -> Result<std::borrow::Cow<'b, [u8]>> {
    if base64::decoded_len_estimate(text.len()) > buf.len() {
        return decode(text, what).map(std::borrow::Cow::Owned);
    }
    match ENGINE.decode_slice(text, buf) {
        Ok(n) => Ok(std::borrow::Cow::Borrowed(buf.get(..n).unwrap_or_default())),
        Err(_) => Err(Error::malformed(format!(
            "{what} is not canonical base64url"
        ))),
    }
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
    fn decoding_into_a_buffer_agrees_with_decoding_into_a_vector() {
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len)
                .map(|i: u8| i.wrapping_mul(7).wrapping_add(1))
                .collect();
            let text = encode(&bytes);
            let mut small = [0u8; 16];
            let got = decode_buf(&text, &mut small, "x").unwrap();
            assert_eq!(&*got, &bytes[..]);
            let borrowed = matches!(got, std::borrow::Cow::Borrowed(_));
            assert!(borrowed || len > 12, "{len} bytes fit in 16");
            assert!(!borrowed || len <= 16, "{len} bytes do not fit in 16");
        }
        for bad in ["AQ==", "AR", "A+", "A"] {
            assert!(decode_buf(bad, &mut [0u8; 16], "x").is_err(), "{bad:?}");
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
