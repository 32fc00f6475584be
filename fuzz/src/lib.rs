//! What the fuzz targets share: the fixed worlds built from tests/vectors (an HX1 sender and
//! recipient, the JWS keys) and the invariants every target checks on errors.
//!
//! The vector files are compiled in (`include_str!`), so a target binary runs from any directory.

use std::sync::{Arc, LazyLock};

use hxjwt::jws::{Algorithm, Key, KeySet, Validation};
use hxjwt::{
    Endpoint, Error, ErrorKind, FixedClock, Identity, MachineToken, MemoryDirectory, Policy, b64,
};
use serde_json::{Map, Value};

/// tests/vectors/hx1-kat.json.
pub const HX1_KAT: &str = include_str!("../../tests/vectors/hx1-kat.json");
/// tests/vectors/hx1.json.
pub const HX1_VECTORS: &str = include_str!("../../tests/vectors/hx1.json");
/// tests/vectors/jws.json.
pub const JWS_VECTORS: &str = include_str!("../../tests/vectors/jws.json");

/// The members of a JWK that hold private key material (RFC 7518 §6).
pub const PRIVATE_MEMBERS: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "k"];

/// The HX1 world of the known-answer vectors: alice.service sends to bob.service at `now`.
pub struct Hx1World {
    /// alice.service, the sender (private key included).
    pub alice: Identity,
    /// bob.service, the recipient (private key included).
    pub bob: Identity,
    /// alice's machine token.
    pub alice_token: MachineToken,
    /// bob.service's endpoint: a fixed clock, a directory holding both machine tokens.
    pub bob_endpoint: Endpoint,
    /// alice.service's endpoint, same clock and directory.
    pub alice_endpoint: Endpoint,
    /// The `iat` of the first vector: the clock of both endpoints.
    pub now: i64,
    /// The known-answer tokens.
    pub tokens: Vec<String>,
    /// Fixed key material and IV for deterministic token creation (those of the first vector).
    pub material: ([u8; 64], [u8; 12]),
    /// Secrets that must never appear in an error message: both private keys (base64url and
    /// hex) and every vector's key material `M` (hex, base64url, and its two halves).
    pub secrets: Vec<String>,
}

fn hex_decode(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .filter_map(|i| text.get(2 * i..2 * i + 2))
        .map(|pair| u8::from_str_radix(pair, 16).expect("hex in the vector file"))
        .collect()
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Adds `bytes` to `secrets` as base64url and as hex.
fn push_secret(secrets: &mut Vec<String>, bytes: &[u8]) {
    secrets.push(b64::encode(bytes));
    secrets.push(hex_encode(bytes));
}

/// The HX1 world, built once per process.
pub static HX1: LazyLock<Hx1World> = LazyLock::new(|| {
    let kat: Value = serde_json::from_str(HX1_KAT).expect("hx1-kat.json");
    let alice = Identity::from_jwk(&kat["sender"].to_string()).expect("sender");
    let bob = Identity::from_jwk(&kat["recipient"].to_string()).expect("recipient");
    let vectors = kat["vectors"].as_array().expect("vectors");
    let now = vectors[0]["iat"].as_i64().expect("iat");
    let directory = Arc::new(MemoryDirectory::new());
    directory.insert(alice.machine_token());
    directory.insert(bob.machine_token());
    let bob_endpoint = Endpoint::new(bob.clone())
        .with_clock(FixedClock(now))
        .with_shared_directory(directory.clone());
    let alice_endpoint = Endpoint::new(alice.clone())
        .with_clock(FixedClock(now))
        .with_shared_directory(directory);
    let mut secrets = Vec::new();
    for who in ["sender", "recipient"] {
        let d = kat[who]["d"].as_str().expect("d");
        secrets.push(d.to_owned());
        push_secret(&mut secrets, &b64::decode(d, "d").expect("d"));
    }
    let mut tokens = Vec::new();
    for v in vectors {
        tokens.push(v["token"].as_str().expect("token").to_owned());
        let m = hex_decode(v["M_hex"].as_str().expect("M_hex"));
        push_secret(&mut secrets, &m);
        push_secret(&mut secrets, &m[..32]);
        push_secret(&mut secrets, &m[32..]);
    }
    let m: [u8; 64] = hex_decode(vectors[0]["M_hex"].as_str().expect("M"))
        .try_into()
        .expect("64 bytes");
    let iv: [u8; 12] = hex_decode(vectors[0]["iv_hex"].as_str().expect("iv"))
        .try_into()
        .expect("12 bytes");
    Hx1World {
        alice_token: alice.machine_token(),
        alice,
        bob,
        bob_endpoint,
        alice_endpoint,
        now,
        tokens,
        material: (m, iv),
        secrets,
    }
});

/// The JWS world of tests/vectors/jws.json: its keys, a key set of their verifying halves.
pub struct JwsWorld {
    /// The private keys (and HMAC secrets) by name; each has `kid` = its name.
    pub keys: Vec<(String, Key)>,
    /// The verifying keys: the public halves, and the HMAC secrets.
    pub keyset: KeySet,
    /// The vectors' clock.
    pub now: i64,
    /// The private members of every key (base64url, as in the file), plus the HMAC secrets in hex.
    pub secrets: Vec<String>,
    /// The vector tokens (valid and invalid).
    pub tokens: Vec<String>,
}

/// The JWS world, built once per process.
pub static JWS: LazyLock<JwsWorld> = LazyLock::new(|| {
    let file: Value = serde_json::from_str(JWS_VECTORS).expect("jws.json");
    let mut keys = Vec::new();
    let mut verifying = Vec::new();
    let mut secrets = Vec::new();
    for (name, jwk) in file["keys"].as_object().expect("keys") {
        let key = Key::from_jwk(&jwk.to_string()).expect("a vector key");
        for member in PRIVATE_MEMBERS {
            if let Some(text) = jwk[member].as_str() {
                secrets.push(text.to_owned());
                if member == "k" {
                    secrets.push(hex_encode(&b64::decode(text, "k").expect("k")));
                }
            }
        }
        let verifier = if jwk["kty"] == "oct" {
            key.clone()
        } else {
            key.to_public().expect("public half")
        };
        verifying.push(verifier);
        keys.push((name.clone(), key));
    }
    let mut tokens = Vec::new();
    let mut now = 0;
    for list in ["valid", "invalid"] {
        for v in file[list].as_array().expect("vector list") {
            if let Some(t) = v["token"].as_str() {
                tokens.push(t.to_owned());
            }
            now = v["now"].as_i64().unwrap_or(now);
        }
    }
    JwsWorld {
        keys,
        keyset: KeySet::from_keys(verifying),
        now,
        secrets,
        tokens,
    }
});

impl JwsWorld {
    /// The key named `name` (`"hmac"`, `"rsa-2048"`, …).
    pub fn key(&self, name: &str) -> &Key {
        &self
            .keys
            .iter()
            .find(|(n, _)| n == name)
            .expect("a key of jws.json")
            .1
    }

    /// One of four validations, chosen by `selector`: every algorithm with
    /// 0: the vectors' audience and issuer required; 1: no `aud` check, nothing required;
    /// 2: the HMAC family only, a leeway of 60 s, `typ` "JWT"; 3: no time checks at all.
    pub fn validation(&self, selector: u8) -> Validation {
        let all = Algorithm::ALL;
        let clock = FixedClock(self.now);
        match selector % 4 {
            0 => Validation::new(&all)
                .clock(clock)
                .audience(&["api.example.com"])
                .issuer(&["https://login.example.com"]),
            1 => {
                let mut v = Validation::new(&all).clock(clock);
                v.validate_aud = false;
                v.required_claims.clear();
                v
            }
            2 => Validation::new(&[Algorithm::HS256, Algorithm::HS384, Algorithm::HS512])
                .clock(clock)
                .leeway(60)
                .typ("JWT"),
            _ => {
                let mut v = Validation::new(&all).clock(clock);
                v.validate_exp = false;
                v.validate_nbf = false;
                v.validate_iat = false;
                v.validate_aud = false;
                v.required_claims.clear();
                v
            }
        }
    }
}

/// The HX1 policy of the recipient endpoint (the default).
pub fn hx1_policy() -> Policy {
    HX1.bob_endpoint.policy().clone()
}

/// Whether `message` shows `secret` (or, for a long secret, any 16 characters of it in a row)
/// where `input` does not account for it: a secret, or a window of it, that occurs in `input`
/// more than `own` times is quoted from the input (`own` is 1 for a private member of the input
/// itself, whose value occurs once as that member; 0 for fixed key material). Only secrets that
/// look like key material (base64, base64url or hex text) are looked for.
pub fn leaks(message: &str, secret: &str, input: &str, own: usize) -> bool {
    const WINDOW: usize = 16;
    // Key material is base64 or hex text; anything else (words the fuzzer put in a `d`) would
    // make false alarms with the words of the message.
    let is_material = secret
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'/' | b'='));
    if !is_material {
        return false;
    }
    let from_input = |s: &str| input.matches(s).count() > own;
    if secret.len() >= 8 && message.contains(secret) && !from_input(secret) {
        return true;
    }
    if secret.len() >= 24 {
        for start in 0..=secret.len() - WINDOW {
            let window = &secret[start..start + WINDOW];
            if message.contains(window) && !from_input(window) {
                return true;
            }
        }
    }
    false
}

/// A compact token's text for [`check_error`]: the token and its decoded segments (read
/// lossily), since a message may quote a header member.
pub fn token_text(token: &str) -> String {
    let mut text = token.to_owned();
    for segment in token.split('.') {
        if let Ok(bytes) = b64::decode(segment, "segment") {
            text.push('\n');
            text.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    text
}

/// The invariants of an error from input-driven work: never `Internal` (that is a bug), a
/// non-empty message, and none of `secrets` (fixed key material) nor the private members of the
/// JSON in `input` in the message, except what `input` itself accounts for (see [`leaks`]).
pub fn check_error(err: &Error, secrets: &[String], input: &str) {
    assert_ne!(
        err.kind(),
        ErrorKind::Internal,
        "an input made an Internal error: {err}"
    );
    let message = err.to_string();
    check_message(&message, secrets, input);
}

/// [`check_error`] for a message alone (the C face's `hx_last_error_message()`).
pub fn check_message(message: &str, secrets: &[String], input: &str) {
    assert!(!message.is_empty(), "an error without a message");
    for secret in secrets {
        assert!(
            !leaks(message, secret, input, 0),
            "the error message shows a secret ({secret}): {message}"
        );
    }
    for secret in input_secrets(input) {
        assert!(
            !leaks(message, &secret, input, 1),
            "the error message shows private material of the input ({secret}): {message}"
        );
    }
}

/// The string values of the private members (`d`, `k`, …) of every JSON object in `input`, which
/// is read leniently (a JWK, a JWK Set, or neither).
pub fn input_secrets(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(value) = serde_json::from_str::<Value>(input) {
        collect_secrets(&value, &mut out, 0);
    }
    out
}

fn collect_secrets(value: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 16 {
        return;
    }
    match value {
        Value::Object(map) => {
            for member in PRIVATE_MEMBERS {
                if let Some(Value::String(s)) = map.get(member) {
                    out.push(s.clone());
                }
            }
            for v in map.values() {
                collect_secrets(v, out, depth + 1);
            }
        }
        Value::Array(items) => {
            for v in items {
                collect_secrets(v, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// The private members of a JWK object, for checking that `Debug` hides them.
pub fn private_values(jwk: &Map<String, Value>) -> Vec<String> {
    PRIVATE_MEMBERS
        .iter()
        .filter_map(|m| jwk.get(*m).and_then(Value::as_str).map(str::to_owned))
        .collect()
}

/// The members of a JWK that are secret for a key of type `kty` (RFC 7518 §6): `k` for `oct`,
/// `d` and the CRT members for `RSA`, `d` for `EC` and `OKP`. A member that is private for
/// another type (an `oct` key's `qi`) is no part of the parsed key.
pub fn secret_members(kty: &str) -> &'static [&'static str] {
    match kty {
        "oct" => &["k"],
        "RSA" => &["d", "p", "q", "dp", "dq", "qi"],
        "EC" | "OKP" => &["d"],
        _ => &[],
    }
}

/// Whether `debug` (the `Debug` text of a key parsed from the JWK `jwk_text`, of type `kty`)
/// shows one of the members that are secret for that type ([`secret_members`]): a secret of 8
/// characters or more that occurs in `debug` more often than the key's public members (every
/// other top-level string member of the JWK, as written and as `Debug` escapes it) account for.
/// A `kid` that repeats a secret may be shown; the secret itself may not. Returns the secret
/// shown, if any.
///
/// The two false alarms this rules out (found by a 400 s `jwk_parse` campaign): a member private
/// for another key type (an `oct` key's `qi`), and text that a public member also holds (a run
/// of U+FFFD in both `qi` and `kid`).
pub fn debug_shows_secret(debug: &str, jwk_text: &str, kty: &str) -> Option<String> {
    let Ok(Value::Object(jwk)) = serde_json::from_str::<Value>(jwk_text) else {
        return None;
    };
    let public: Vec<&str> = jwk
        .iter()
        .filter(|(name, _)| !PRIVATE_MEMBERS.contains(&name.as_str()))
        .filter_map(|(_, v)| v.as_str())
        .collect();
    for member in secret_members(kty) {
        let Some(secret) = jwk.get(*member).and_then(Value::as_str) else {
            continue;
        };
        if secret.chars().count() < 8 {
            continue;
        }
        let escaped = secret.escape_debug().to_string();
        for form in [secret, escaped.as_str()] {
            let shown = debug.matches(form).count();
            let accounted: usize = public
                .iter()
                .map(|p| {
                    let as_debug = p.escape_debug().to_string();
                    p.matches(form).count().max(as_debug.matches(form).count())
                })
                .sum();
            if shown > accounted {
                return Some(secret.to_owned());
            }
        }
    }
    None
}

/// Splits fuzzer bytes into a selector byte and the rest.
pub fn split_selector(data: &[u8]) -> (u8, &[u8]) {
    match data.split_first() {
        Some((first, rest)) => (*first, rest),
        None => (0, data),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, reason = "test code")]
    use super::*;
    use hxjwt::jws::Key;

    const K: &str =
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

    /// The input of fuzz/regressions/jwk_parse/oracle-fffd-qi-in-kid: an `oct` key whose `qi`
    /// (not a member of an `oct` key) is a run of U+FFFD that its `kid` also holds.
    const FFFD_QI_IN_KID: &str = include_str!("../regressions/jwk_parse/oracle-fffd-qi-in-kid");

    #[test]
    fn the_fffd_qi_of_an_oct_key_is_not_a_finding() {
        let key = Key::from_jwk(FFFD_QI_IN_KID).unwrap();
        let debug = format!("{key:?}");
        // What the old check saw: the `qi` text is in `Debug` (inside the `kid`).
        let qi = input_secrets(FFFD_QI_IN_KID)
            .into_iter()
            .find(|s| s.starts_with('\u{fffd}'))
            .unwrap();
        assert!(debug.contains(&qi), "{debug}");
        assert_eq!(debug_shows_secret(&debug, FFFD_QI_IN_KID, "oct"), None);
    }

    #[test]
    fn a_secret_the_kid_repeats_may_be_shown_once_not_twice() {
        let jwk = format!(r#"{{"kty":"oct","k":"{K}","kid":"{K}"}}"#);
        let once = format!("Key {{ kty: \"oct\", kid: Some(\"{K}\") }}");
        assert_eq!(debug_shows_secret(&once, &jwk, "oct"), None);
        let twice = format!("Key {{ kty: \"oct\", kid: Some(\"{K}\"), k: \"{K}\" }}");
        assert_eq!(debug_shows_secret(&twice, &jwk, "oct").as_deref(), Some(K));
    }

    #[test]
    fn a_shown_secret_is_found_for_its_type_only() {
        let jwk = format!(r#"{{"kty":"RSA","n":"AQAB","e":"AQAB","d":"{K}","qi":"{K}x"}}"#);
        let shown = format!("Key {{ kty: \"RSA\", secret: \"{K}x\" }}");
        assert!(debug_shows_secret(&shown, &jwk, "RSA").is_some());
        // The same text is not a secret of an `oct` key (no `k` here).
        assert_eq!(debug_shows_secret(&shown, &jwk, "oct"), None);
        // Escaped as `Debug` escapes it, a secret is still found.
        let tricky = "ab\"cd\nefgh\u{7f}ij";
        let jwk = serde_json::json!({"kty": "OKP", "d": tricky, "x": "AAAA"}).to_string();
        let shown = format!("Identity {{ d: {tricky:?} }}");
        assert!(debug_shows_secret(&shown, &jwk, "OKP").is_some());
        // The real key's Debug shows none of its secret.
        let real = format!(r#"{{"kty":"oct","k":"{K}","kid":"a"}}"#);
        let key = Key::from_jwk(&real).unwrap();
        assert_eq!(debug_shows_secret(&format!("{key:?}"), &real, "oct"), None);
    }
}
