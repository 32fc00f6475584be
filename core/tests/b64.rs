//! hxjwt's base64url (SIMD) against the `base64` crate configured to be canonical: the same bytes
//! accepted and the same encodings written, exhaustively for short strings and at random for
//! long ones (the SIMD paths work on blocks of 16/32 characters).

#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "test code")]

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use proptest::prelude::*;

const REFERENCE: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/. \n";

#[test]
fn every_string_of_up_to_3_characters_decodes_as_the_reference_says() {
    let mut s = Vec::new();
    for len in 0..=3u32 {
        for n in 0..CHARS.len().pow(len) {
            s.clear();
            let mut k = n;
            for _ in 0..len {
                s.push(CHARS[k % CHARS.len()]);
                k /= CHARS.len();
            }
            let text = std::str::from_utf8(&s).unwrap();
            assert_eq!(
                hxjwt::b64::decode(text, "x").ok(),
                REFERENCE.decode(text).ok(),
                "{text:?}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn long_inputs_and_single_changes_agree_with_the_reference(
        bytes in prop::collection::vec(any::<u8>(), 0..200),
        at in any::<prop::sample::Index>(),
        with in 0usize..CHARS.len(),
    ) {
        let text = hxjwt::b64::encode(&bytes);
        prop_assert_eq!(&text, &REFERENCE.encode(&bytes));
        prop_assert_eq!(hxjwt::b64::decode(&text, "x").unwrap(), bytes);
        if !text.is_empty() {
            let mut changed = text.into_bytes();
            let i = at.index(changed.len());
            changed[i] = CHARS[with];
            let changed = String::from_utf8(changed).unwrap();
            prop_assert_eq!(
                hxjwt::b64::decode(&changed, "x").ok(),
                REFERENCE.decode(&changed).ok()
            );
        }
    }
}
