//! Nested JWTs (RFC 7519 §5.2, §11.2): sign, then encrypt with `cty: "JWT"`; decrypt, then
//! verify. A nested token is never returned unverified.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Decryption, DecryptionKeys, Header, Key, decrypt, encrypt};
use crate::error::{Error, ErrorKind, Result};
use crate::jws;

/// Signs `claims` with `signing_key` under `jws_header`, then encrypts the signed token for
/// `recipient` under `header` with `cty: "JWT"` (whatever `header.cty` says).
///
/// ```
/// use hxjwt::jwe::{self, ContentAlgorithm as Enc, Decryption, Header, Key, KeyAlgorithm as Alg};
/// use hxjwt::jws::{self, Algorithm, Validation};
/// use serde_json::json;
///
/// let signer = jws::Key::generate(Algorithm::ES256)?;
/// let recipient = Key::generate_x25519()?;
/// let token = jwe::encrypt_nested(&jws::Header::new(Algorithm::ES256),
///     &json!({"sub": "ada", "exp": 4_000_000_000u64}), &signer,
///     &Header::new(Alg::EcdhEs, Enc::A256GCM), &recipient.to_public()?)?;
///
/// let d = Decryption::new(&[Alg::EcdhEs], &[Enc::A256GCM]);
/// let v = Validation::new(&[Algorithm::ES256]);
/// let data = jwe::decrypt_nested::<serde_json::Value>(&token, &recipient, &d,
///                                                    &signer.to_public()?, &v)?;
/// assert_eq!(data.claims["sub"], "ada");
/// # Ok::<(), hxjwt::Error>(())
/// ```
pub fn encrypt_nested<T: Serialize + ?Sized>(
    jws_header: &jws::Header,
    claims: &T,
    signing_key: &jws::Key,
    header: &Header,
    recipient: &Key,
) -> Result<String> {
    let signed = jws::encode(jws_header, claims, signing_key)?;
    let mut header = header.clone();
    header.cty = Some("JWT".to_owned());
    encrypt(&header, signed.as_bytes(), recipient)
}

/// Decrypts a nested JWT with `keys` under `d`, then verifies the signed token inside with
/// `verifying` under `v` (algorithms, signature, claims) and returns its claims. The JWE must
/// say `cty: "JWT"`; the inner token must be a JWS.
pub fn decrypt_nested<T: DeserializeOwned>(
    token: &str,
    keys: &impl DecryptionKeys,
    d: &Decryption,
    verifying: &impl jws::VerifyingKeys,
    v: &jws::Validation,
) -> Result<jws::TokenData<T>> {
    let msg = decrypt(token, keys, d)?;
    jws::decode(signed_inside(&msg)?, verifying, v)
}

/// [`decrypt_nested`] returning the claims' JSON text exactly as the issuer signed it (member
/// order, numbers of any size), as [`jws::decode_bytes`] does: what the C and Python faces hand
/// their callers.
///
/// ```
/// use hxjwt::jwe::{self, ContentAlgorithm as Enc, Decryption, Header, Key, KeyAlgorithm as Alg};
/// use hxjwt::jws::{self, Algorithm, Validation};
///
/// let signer = jws::Key::from_secret(&[7u8; 32])?;
/// let recipient = Key::from_secret([9u8; 32])?;
/// let signed = jws::encode_json(&jws::Header::new(Algorithm::HS256),
///     r#"{"n":123456789012345678901234567890,"exp":4000000000}"#, &signer)?;
/// let mut h = Header::new(Alg::Dir, Enc::A256GCM);
/// h.cty = Some("JWT".into());
/// let token = jwe::encrypt(&h, signed.as_bytes(), &recipient)?;
///
/// let d = Decryption::new(&[Alg::Dir], &[Enc::A256GCM]);
/// let data = jwe::decrypt_nested_bytes(&token, &recipient, &d, &signer,
///                                      &Validation::new(&[Algorithm::HS256]))?;
/// assert_eq!(data.claims, br#"{"n":123456789012345678901234567890,"exp":4000000000}"#);
/// # Ok::<(), hxjwt::Error>(())
/// ```
pub fn decrypt_nested_bytes(
    token: &str,
    keys: &impl DecryptionKeys,
    d: &Decryption,
    verifying: &impl jws::VerifyingKeys,
    v: &jws::Validation,
) -> Result<jws::TokenData<Vec<u8>>> {
    let msg = decrypt(token, keys, d)?;
    jws::decode_bytes(signed_inside(&msg)?, verifying, v)
}

/// The signed token a decrypted nested JWT holds: the JWE must say `cty: "JWT"`.
fn signed_inside(msg: &super::Decrypted) -> Result<&str> {
    let cty = msg.header().get("cty").and_then(Value::as_str);
    if !cty.is_some_and(|c| c.eq_ignore_ascii_case("JWT")) {
        return Err(Error::new(
            ErrorKind::InvalidClaim,
            "the JWE's cty is not \"JWT\": it does not hold a nested token",
        )
        .with_claim("cty"));
    }
    std::str::from_utf8(&msg.plaintext)
        .map_err(|_| Error::malformed("the nested token is not UTF-8"))
}
