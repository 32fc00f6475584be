//! The known-answer vectors made by an implementation independent of hxjwt
//! (tests/vectors/hx1-kat.json, copied verbatim from the protocol's shared material).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::many_single_char_names,
    clippy::too_many_arguments,
    clippy::cast_possible_truncation,
    clippy::items_after_statements,
    clippy::single_char_pattern,
    clippy::range_plus_one,
    clippy::unnecessary_to_owned,
    reason = "test code: a failure should panic loudly"
)]

use hxjwt::{CreateOptions, Endpoint, FixedClock, Identity, MachineToken, b64, dangerous};
use serde_json::Value;

fn load() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/hx1-kat.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn arr<const N: usize>(hex_text: &str) -> [u8; N] {
    hex::decode(hex_text).unwrap().try_into().unwrap()
}

#[test]
fn independent_vectors_are_reproduced_byte_for_byte() {
    let kat = load();
    let sender = Identity::from_jwk(&kat["sender"].to_string()).unwrap();
    let recipient = Identity::from_jwk(&kat["recipient"].to_string()).unwrap();
    let s_tok: MachineToken = sender.machine_token();
    let r_tok = recipient.machine_token();
    let vectors = kat["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 3);
    for (i, v) in vectors.iter().enumerate() {
        let iat = v["iat"].as_i64().unwrap();
        let exp = v["exp"].as_i64().unwrap();
        let plaintext = b64::decode(v["plaintext_b64url"].as_str().unwrap(), "pt").unwrap();

        let z = dangerous::hx1_shared_secret(&sender, &r_tok).unwrap();
        assert_eq!(
            hex::encode(*z),
            v["Z_hex"].as_str().unwrap(),
            "Z of vector {i}"
        );
        let z2 = dangerous::hx1_shared_secret(&recipient, &s_tok).unwrap();
        assert_eq!(*z, *z2);
        let k = dangerous::hx1_pairwise_key(&z, &s_tok, &r_tok).unwrap();
        assert_eq!(
            hex::encode(*k),
            v["K_hex"].as_str().unwrap(),
            "K of vector {i}"
        );

        let a = Endpoint::new(sender.clone()).with_clock(FixedClock(iat));
        let opts = CreateOptions::with_ttl(u64::try_from(exp - iat).unwrap());
        let token = dangerous::hx1_create_with_material(
            &a,
            &r_tok,
            &plaintext,
            &opts,
            &arr::<64>(v["M_hex"].as_str().unwrap()),
            &arr::<12>(v["iv_hex"].as_str().unwrap()),
        )
        .unwrap();
        assert_eq!(token, v["token"].as_str().unwrap(), "token of vector {i}");

        let b = Endpoint::new(recipient.clone()).with_clock(FixedClock(iat));
        let msg = b.validate_from(&token, &s_tok).unwrap();
        assert_eq!(msg.payload(), &plaintext[..]);
        assert_eq!(
            (msg.issuer(), msg.audience()),
            ("alice.service", "bob.service")
        );
        assert_eq!((msg.issued_at(), msg.expires_at()), (iat, exp));
    }
}
