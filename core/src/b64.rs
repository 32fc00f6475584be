//! Canonical base64url (RFC 4648 §5, no padding), as every segment and key member must be.

use std::borrow::Cow;

use base64_simd::{Out, URL_SAFE_NO_PAD as ENGINE};

use crate::error::{Error, Result};

// `base64_simd::URL_SAFE_NO_PAD`: the URL-safe alphabet, no padding written, padding and
// non-zero trailing bits refused when read: exactly one encoding is accepted for each byte
// string (the tests below hold it to that). SIMD (AVX2/SSE4.1/NEON, chosen at run time): several
// times faster than a table-driven decoder on the long payload segments of HX1.

/// Encodes `bytes` as base64url without padding.
pub fn encode(bytes: &[u8]) -> String {
    ENGINE.encode_to_string(bytes)
}

/// The length of the base64url encoding (no padding) of `n` bytes.
pub(crate) fn encoded_len(n: usize) -> usize {
    n.saturating_mul(4).div_ceil(3)
}

/// Appends the base64url encoding of `bytes` to `out`.
pub fn encode_into(bytes: &[u8], out: &mut String) {
    ENGINE.encode_append(bytes, out);
}

fn not_canonical(what: &str) -> Error {
    Error::malformed(format!("{what} is not canonical base64url"))
}

/// Decodes canonical base64url; `what` names the input in the error.
pub fn decode(text: &str, what: &str) -> Result<Vec<u8>> {
    ENGINE.decode_to_vec(text).map_err(|_| not_canonical(what))
}

/// Decodes canonical base64url into `buf` when the result fits (no allocation), else into a new
/// vector.
pub(crate) fn decode_buf<'b>(text: &str, buf: &'b mut [u8], what: &str) -> Result<Cow<'b, [u8]>> {
    let len = ENGINE
        .decoded_length(text.as_bytes())
        .map_err(|_| not_canonical(what))?;
    let Some(dst) = buf.get_mut(..len) else {
        return decode(text, what).map(Cow::Owned);
    };
    ENGINE
        .decode(text.as_bytes(), Out::from_slice(dst))
        .map(|out| Cow::Borrowed(&*out))
        .map_err(|_| not_canonical(what))
}

/// Decodes canonical base64url into exactly `N` bytes.
pub fn decode_array<const N: usize>(text: &str, what: &str) -> Result<[u8; N]> {
    let mut out = [0u8; N];
    // A canonical encoding of N bytes has exactly this many characters.
    if text.len() != (N * 4).div_ceil(3) || ENGINE.decoded_length(text.as_bytes()).ok() != Some(N) {
        return Err(Error::malformed(format!(
            "{what} must encode exactly {N} bytes"
        )));
    }
    ENGINE
        .decode(text.as_bytes(), Out::from_slice(&mut out))
        .map_err(|_| Error::malformed(format!("{what} is not canonical base64url of {N} bytes")))?;
    Ok(out)
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
            let borrowed = matches!(got, Cow::Borrowed(_));
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
