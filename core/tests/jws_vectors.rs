//! Shared standard-JWS vectors (tests/vectors/jws.json): generated here, committed, and checked
//! by every face (Rust core under both crypto backends, C, Python). The format is documented in
//! tests/vectors/README.md.
//!
//! `HXJWT_BLESS=1 cargo test -p hxjwt --test jws_vectors` rewrites the file (with the default
//! aws-lc backend only); without it, the test fails when the committed file differs from what
//! this generator makes.
//!
//! **Randomized signatures.** ECDSA (ES*) and RSA-PSS (PS*) signatures are random, so a generator
//! that signed afresh could never reproduce the committed file. The generator therefore takes
//! the committed file as a cache of signatures: whenever it needs a randomized signature over a
//! signing input, it first looks for a token in the committed file with exactly that signing
//! input whose signature **verifies** under the key and algorithm (checked with the backend
//! compiled in), and reuses it; only when there is none does it sign afresh (at the first bless,
//! or when the input changed). Everything else (keys, headers, payloads, `HS*`, `RS*`, `EdDSA`
//! signatures, every tampered signature derived from a valid one) is computed from scratch.
//! Given the committed file, the generator is deterministic, so the comparison is exact, and
//! re-blessing does not churn the file. Under `--features pure-rust` the same comparison proves
//! the two backends agree: a randomized aws-lc signature the pure-Rust backend fails to verify
//! would be replaced (and the file differ), and every `HS*`, `RS*` and `EdDSA` token is re-signed by
//! the pure-Rust backend and must come out byte for byte the same.
//!
//! `every_jws_vector_holds` then checks every entry of the committed file as the other faces do.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::too_many_lines,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::items_after_statements,
    clippy::many_single_char_names,
    clippy::needless_pass_by_value,
    reason = "test code: a failure should panic loudly"
)]

use once_cell::sync::OnceCell;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use hxjwt::jws::{self, Algorithm, DEFAULT_MAX_TOKEN_LEN, Key, KeyType, Validation};
use hxjwt::{ErrorKind, FixedClock, b64, dangerous};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha512};

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/jws.json");
const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/keys");

/// 2026-01-01T00:00:00Z, "now" of most vectors.
const T0: i64 = 1_767_225_600;
const AUD: &str = "api.example.com";
const ISS: &str = "https://login.example.com";

/// With `HXJWT_BLESS` set, the file is rewritten once, before any test of this file reads it.
static BLESSED: OnceCell<()> = OnceCell::new();

const RFC7515_A1_KEY: &str = r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;
const RFC7515_A1_TOKEN: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RFC8037_A4_KEY: &str = r#"{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
const RFC8037_A4_TOKEN: &str = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

/// ES256K tokens made by jwcrypto (over OpenSSL), not by hxjwt: one with a low and one with a
/// high `s` (`tests/vectors/make_es256k_tokens.py`; RFC 8812 has no fixed-signature example).
const ES256K_JWCRYPTO_LOW_S: &str = "eyJhbGciOiJFUzI1NksiLCJraWQiOiJlYy1zZWNwMjU2azEifQ.eyJzdWIiOiJ1c2VyLTciLCJuYW1lIjoiQWRhIExvdmVsYWNlIiwiYWRtaW4iOmZhbHNlLCJpYXQiOjE3NjcyMjU1NDAsImV4cCI6MTc2NzIyOTIwMCwiYXVkIjoiYXBpLmV4YW1wbGUuY29tIiwiaXNzIjoiaHR0cHM6Ly9sb2dpbi5leGFtcGxlLmNvbSIsImp0aSI6Imp3Y3J5cHRvLWxvdy1zIn0.N7D_jtRyt7xs1-YKtIaH8iYMiskonB2OsX8nCvLe8GJGuF9nIz1r5LvBPSds6MkKwdxiSWTLAIUsmZKzhflA7A";
const ES256K_JWCRYPTO_HIGH_S: &str = "eyJhbGciOiJFUzI1NksiLCJraWQiOiJlYy1zZWNwMjU2azEifQ.eyJzdWIiOiJ1c2VyLTciLCJuYW1lIjoiQWRhIExvdmVsYWNlIiwiYWRtaW4iOmZhbHNlLCJpYXQiOjE3NjcyMjU1NDAsImV4cCI6MTc2NzIyOTIwMCwiYXVkIjoiYXBpLmV4YW1wbGUuY29tIiwiaXNzIjoiaHR0cHM6Ly9sb2dpbi5leGFtcGxlLmNvbSIsImp0aSI6Imp3Y3J5cHRvLWhpZ2gtcyJ9.dPOL5aXQCRYxU4yMtq7gme4SAe1uHxukGuazmd36JES5cb9lQWi3pL2TJW3uPo-rRQaxT9SSPxNdXPVg5bJ9iw";

/// The group orders n of the NIST curves and secp256k1 (SEC 2), big-endian.
const P256_N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
const P384_N: &str = "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973";
const SECP256K1_N: &str = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
const P521_N: &str = "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409";
/// The Ed25519 group order L, little-endian.
const ED25519_L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

fn is_randomized(alg: Algorithm) -> bool {
    matches!(
        alg,
        Algorithm::ES256
            | Algorithm::ES384
            | Algorithm::ES512
            | Algorithm::ES256K
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512
    )
}

fn key_name_for(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => "hmac",
        Algorithm::ES256 => "ec-p256",
        Algorithm::ES384 => "ec-p384",
        Algorithm::ES512 => "ec-p521",
        Algorithm::ES256K => "ec-secp256k1",
        Algorithm::EdDSA | Algorithm::Ed25519 => "ed25519",
        _ => "rsa-2048",
    }
}

/// The key a verifier holds: the public half, or the secret itself for HMAC.
fn verifier(key: &Key) -> Key {
    if key.key_type() == KeyType::Hmac {
        key.clone()
    } else {
        key.to_public().unwrap()
    }
}

/// The private keys of the vectors, each with `kid` = its name.
fn make_keys() -> BTreeMap<String, Key> {
    let pem = |file: &str| {
        Key::from_pem(&std::fs::read_to_string(format!("{KEYS}/{file}")).unwrap()).unwrap()
    };
    let hmac_secret = Sha512::digest(b"hxjwt jws vector hmac key");
    let hmac =
        Key::from_jwk(&json!({"kty": "oct", "k": b64::encode(&hmac_secret)}).to_string()).unwrap();
    let keys = [
        ("hmac", hmac),
        ("rfc7515-a1", Key::from_jwk(RFC7515_A1_KEY).unwrap()),
        ("rsa-2048", pem("rsa2048.pkcs8.pem")),
        ("ec-p256", pem("ec-P-256.pkcs8.pem")),
        ("ec-p384", pem("ec-P-384.pkcs8.pem")),
        ("ec-p521", pem("ec-P-521.pkcs8.pem")),
        ("ec-secp256k1", pem("ec-secp256k1.pkcs8.pem")),
        ("ed25519", pem("ed25519.pkcs8.pem")),
        ("rfc8037-a4", Key::from_jwk(RFC8037_A4_KEY).unwrap()),
    ];
    keys.into_iter()
        .map(|(name, key)| (name.to_owned(), key.with_kid(name)))
        .collect()
}

/// Keys as the other faces load them: from the private JWKs of the file.
fn load_keys(file: &Value) -> BTreeMap<String, Key> {
    file["keys"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, jwk)| {
            assert_eq!(
                jwk["kid"],
                name.as_str(),
                "key {name}: kid must be the name"
            );
            (name.clone(), Key::from_jwk(&jwk.to_string()).unwrap())
        })
        .collect()
}

/// The `validation` object of a vector as a [`Validation`] at `now`.
fn validation(v: &Value, now: i64) -> Validation {
    const MEMBERS: [&str; 12] = [
        "algorithms",
        "leeway",
        "audience",
        "issuer",
        "subject",
        "required",
        "typ",
        "max_age",
        "verify_exp",
        "verify_nbf",
        "verify_iat",
        "verify_aud",
    ];
    let obj = v.as_object().expect("validation is an object");
    for name in obj.keys() {
        assert!(
            MEMBERS.contains(&name.as_str()),
            "unknown validation member {name}"
        );
    }
    let strings = |name: &str| -> Vec<String> {
        obj[name]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    };
    let algs: Vec<Algorithm> = strings("algorithms")
        .iter()
        .map(|a| Algorithm::from_name(a).unwrap())
        .collect();
    let mut val = Validation::new(&algs).clock(FixedClock(now));
    if let Some(l) = obj.get("leeway") {
        val.leeway = l.as_u64().unwrap();
    }
    if obj.contains_key("audience") {
        val = val.audience(&strings("audience"));
    }
    if obj.contains_key("issuer") {
        val = val.issuer(&strings("issuer"));
    }
    if let Some(s) = obj.get("subject") {
        val = val.subject(s.as_str().unwrap());
    }
    if obj.contains_key("required") {
        val = val.require(&strings("required"));
    }
    if let Some(t) = obj.get("typ") {
        val = val.typ(t.as_str().unwrap());
    }
    if let Some(m) = obj.get("max_age") {
        val = val.max_age(m.as_u64().unwrap());
    }
    let flag = |name: &str| obj.get(name).is_none_or(|b| b.as_bool().unwrap());
    val.validate_exp = flag("verify_exp");
    val.validate_nbf = flag("verify_nbf");
    val.validate_iat = flag("verify_iat");
    val.validate_aud = flag("verify_aud");
    val
}

fn algs(list: &[Algorithm]) -> Value {
    json!({ "algorithms": list.iter().map(|a| a.name()).collect::<Vec<_>>() })
}

fn with(mut v: Value, extra: &Value) -> Value {
    let obj = v.as_object_mut().unwrap();
    for (k, val) in extra.as_object().unwrap() {
        obj.insert(k.clone(), val.clone());
    }
    v
}

fn without(mut v: Value, member: &str) -> Value {
    v.as_object_mut().unwrap().remove(member);
    v
}

fn base_claims() -> Value {
    json!({
        "sub": "user-7",
        "name": "Ada Lovelace",
        "admin": false,
        "iat": T0 - 60,
        "exp": T0 + 3600,
        "aud": AUD,
        "iss": ISS,
    })
}

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

/// Big-endian `a - b` for `a >= b`, same length.
fn be_sub(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; a.len()];
    let mut borrow = false;
    for i in (0..a.len()).rev() {
        let (d1, o1) = a[i].overflowing_sub(b[i]);
        let (d2, o2) = d1.overflowing_sub(u8::from(borrow));
        out[i] = d2;
        borrow = o1 || o2;
    }
    assert!(!borrow);
    out
}

fn der_len(len: usize) -> Vec<u8> {
    if len < 128 {
        vec![len as u8]
    } else {
        vec![0x81, len as u8]
    }
}

/// The ASN.1 DER `ECDSA-Sig-Value` of a raw `r ‖ s` (the format JWS forbids).
fn ecdsa_der(raw: &[u8]) -> Vec<u8> {
    let int = |v: &[u8]| {
        let v: Vec<u8> = v.iter().copied().skip_while(|b| *b == 0).collect();
        let mut body = if v.first().is_some_and(|b| *b >= 0x80) {
            vec![0]
        } else {
            vec![]
        };
        body.extend_from_slice(&v);
        let mut out = vec![0x02];
        out.extend(der_len(body.len()));
        out.extend(body);
        out
    };
    let (r, s) = raw.split_at(raw.len() / 2);
    let body = [int(r), int(s)].concat();
    let mut out = vec![0x30];
    out.extend(der_len(body.len()));
    out.extend(body);
    out
}

struct Gen {
    keys: BTreeMap<String, Key>,
    /// Signatures of the committed file by signing input (`header.payload`).
    cache: HashMap<String, Vec<String>>,
    /// Randomized signatures made during this run, so that one input is signed only once.
    fresh: RefCell<HashMap<(String, Algorithm, String), String>>,
    valid: Vec<Value>,
    invalid: Vec<Value>,
    names: BTreeSet<String>,
}

impl Gen {
    fn new(committed: Option<&Value>) -> Gen {
        let mut cache: HashMap<String, Vec<String>> = HashMap::new();
        if let Some(file) = committed {
            for list in ["valid", "invalid"] {
                for e in file[list].as_array().into_iter().flatten() {
                    let token = e["token"].as_str().unwrap_or_default();
                    if let Some((input, sig)) = token.rsplit_once('.') {
                        cache
                            .entry(input.to_owned())
                            .or_default()
                            .push(sig.to_owned());
                    }
                }
            }
        }
        Gen {
            keys: make_keys(),
            cache,
            fresh: RefCell::new(HashMap::new()),
            valid: Vec::new(),
            invalid: Vec::new(),
            names: BTreeSet::new(),
        }
    }

    fn key(&self, name: &str) -> &Key {
        &self.keys[name]
    }

    /// The base64url signature of `input` by key `key` with `alg`; a randomized one is reused from
    /// the committed file when one there verifies.
    fn sign(&self, key: &str, alg: Algorithm, input: &str) -> String {
        if !is_randomized(alg) {
            return b64::encode(
                &dangerous::jws_sign(self.key(key), alg, input.as_bytes()).unwrap(),
            );
        }
        let id = (key.to_owned(), alg, input.to_owned());
        if let Some(sig) = self.fresh.borrow().get(&id) {
            return sig.clone();
        }
        let public = verifier(self.key(key));
        let mut val = Validation::new(&[alg]);
        val.max_token_len = usize::MAX;
        // The first signature of the committed file (in file order) that verifies.
        let sig = self
            .cache
            .get(input)
            .into_iter()
            .flatten()
            .find(|sig| jws::verify(&format!("{input}.{sig}"), &public, &val).is_ok())
            .cloned()
            .unwrap_or_else(|| {
                b64::encode(&dangerous::jws_sign(self.key(key), alg, input.as_bytes()).unwrap())
            });
        self.fresh.borrow_mut().insert(id, sig.clone());
        sig
    }

    /// A token with header and payload given as JSON text, signed by `key` with `alg`.
    fn forge(&self, key: &str, alg: Algorithm, header: &str, payload: &str) -> String {
        let input = format!(
            "{}.{}",
            b64::encode(header.as_bytes()),
            b64::encode(payload.as_bytes())
        );
        let sig = self.sign(key, alg, &input);
        format!("{input}.{sig}")
    }

    /// The usual header: `{"alg","kid","typ":"JWT"}`.
    fn header(alg: Algorithm, key: &str) -> Value {
        json!({"alg": alg.name(), "typ": "JWT", "kid": key})
    }

    fn token(&self, key: &str, alg: Algorithm, claims: &Value) -> String {
        self.forge(
            key,
            alg,
            &Gen::header(alg, key).to_string(),
            &claims.to_string(),
        )
    }

    fn name(&mut self, name: &str) {
        assert!(
            self.names.insert(name.to_owned()),
            "duplicate vector name {name}"
        );
    }

    fn valid(
        &mut self,
        name: &str,
        alg: Algorithm,
        key: &str,
        now: i64,
        token: &str,
        validation: Value,
    ) {
        self.name(name);
        let val = self::validation(&validation, now);
        let data = jws::decode_claims(token, &verifier(self.key(key)), &val)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(data.alg, alg, "{name}");
        // The other two ways to decode agree: the claims' text as signed, and a caller's type.
        let bytes = jws::decode_bytes(token, &verifier(self.key(key)), &val)
            .unwrap_or_else(|e| panic!("{name} (decode_bytes): {e}"));
        let typed: jws::TokenData<Value> = jws::decode(token, &verifier(self.key(key)), &val)
            .unwrap_or_else(|e| panic!("{name} (decode): {e}"));
        let from_bytes: Value = serde_json::from_slice(&bytes.claims).unwrap();
        assert_eq!(from_bytes, Value::Object(data.claims.clone()), "{name}");
        assert_eq!(typed.claims, from_bytes, "{name}");
        self.valid.push(json!({
            "name": name,
            "alg": alg.name(),
            "key": key,
            "now": now,
            "token": token,
            "claims": Value::Object(data.claims),
            "validation": validation,
        }));
    }

    fn invalid(
        &mut self,
        name: &str,
        key: &str,
        now: i64,
        token: &str,
        validation: Value,
        error: ErrorKind,
    ) {
        self.name(name);
        let val = self::validation(&validation, now);
        let err = jws::decode_claims(token, &verifier(self.key(key)), &val)
            .map(|_| ())
            .expect_err(name);
        assert_eq!(err.kind(), error, "{name}: {err}");
        let by_bytes = jws::decode_bytes(token, &verifier(self.key(key)), &val)
            .map(|_| ())
            .expect_err(name);
        assert_eq!(by_bytes.kind(), error, "{name} (decode_bytes): {by_bytes}");
        assert_eq!(by_bytes.claim(), err.claim(), "{name} (decode_bytes)");
        self.invalid.push(json!({
            "name": name,
            "key": key,
            "now": now,
            "token": token,
            "validation": validation,
            "error": error.name(),
        }));
    }

    /// The valid token of `alg` with the base claims (the one tampered signatures derive from).
    fn base_token(&self, alg: Algorithm) -> String {
        self.token(key_name_for(alg), alg, &base_claims())
    }

    fn full_validation(alg: Algorithm) -> Value {
        with(
            algs(&[alg]),
            &json!({"audience": [AUD], "issuer": [ISS], "subject": "user-7"}),
        )
    }

    fn into_value(self) -> Value {
        let keys: Map<String, Value> = self
            .keys
            .iter()
            .map(|(name, key)| {
                (
                    name.clone(),
                    serde_json::from_str(&key.to_private_jwk()).unwrap(),
                )
            })
            .collect();
        json!({"keys": keys, "valid": self.valid, "invalid": self.invalid})
    }
}

fn generate(committed: Option<&Value>) -> Value {
    let mut g = Gen::new(committed);
    valid_vectors(&mut g);
    header_vectors(&mut g);
    encoding_vectors(&mut g);
    signature_vectors(&mut g);
    claim_vectors(&mut g);
    g.into_value()
}

fn valid_vectors(g: &mut Gen) {
    for alg in Algorithm::ALL {
        let key = key_name_for(alg);
        let token = g.base_token(alg);
        g.valid(
            &format!("{}-valid", alg.name().to_lowercase()),
            alg,
            key,
            T0,
            &token,
            Gen::full_validation(alg),
        );
    }
    // RFC 7515 Appendix A.1, byte for byte (header with CR LF, no kid), before its exp.
    let (h, rest) = RFC7515_A1_TOKEN.split_once('.').unwrap();
    let (p, _) = rest.split_once('.').unwrap();
    let header = String::from_utf8(b64::decode(h, "h").unwrap()).unwrap();
    let payload = String::from_utf8(b64::decode(p, "p").unwrap()).unwrap();
    let token = g.forge("rfc7515-a1", Algorithm::HS256, &header, &payload);
    assert_eq!(token, RFC7515_A1_TOKEN);
    g.valid(
        "rfc7515-a1-hs256",
        Algorithm::HS256,
        "rfc7515-a1",
        1_300_819_000,
        &token,
        algs(&[Algorithm::HS256]),
    );
    // RFC 8037 A.4's key, signing JWT claims (the RFC's own example payload is not JSON: below).
    let token = g.token("rfc8037-a4", Algorithm::EdDSA, &base_claims());
    g.valid(
        "rfc8037-a4-key-eddsa",
        Algorithm::EdDSA,
        "rfc8037-a4",
        T0,
        &token,
        Gen::full_validation(Algorithm::EdDSA),
    );
    assert_eq!(
        g.forge(
            "rfc8037-a4",
            Algorithm::EdDSA,
            r#"{"alg":"EdDSA"}"#,
            "Example of Ed25519 signing"
        ),
        RFC8037_A4_TOKEN
    );
    // Its signature verifies; decoding it as a JWT fails only because the payload is text.
    g.invalid(
        "rfc8037-a4-example-signature-verifies-but-payload-is-not-json",
        "rfc8037-a4",
        T0,
        RFC8037_A4_TOKEN,
        algs(&[Algorithm::EdDSA]),
        ErrorKind::Malformed,
    );

    let hs = Algorithm::HS256;
    let t = |g: &Gen, claims: Value| g.token("hmac", hs, &claims);
    let v = algs(&[hs]);
    // Time boundaries (leeway 0 unless given).
    let tok = t(g, json!({"exp": T0 + 1}));
    g.valid("exp-one-second-ahead", hs, "hmac", T0, &tok, v.clone());
    let tok = t(g, json!({"exp": T0}));
    g.valid(
        "exp-now-within-leeway-1",
        hs,
        "hmac",
        T0,
        &tok,
        with(v.clone(), &json!({"leeway": 1})),
    );
    let tok = t(g, json!({"exp": T0 as f64 + 1.5}));
    g.valid("exp-fractional", hs, "hmac", T0, &tok, v.clone());
    // Fractional NumericDates, compared exactly (issue 17): half a second on the right side
    // of now, with and without leeway (flooring refused the `exp` ones).
    let tok = t(g, json!({"exp": T0 as f64 + 0.5}));
    g.valid(
        "exp-fractional-half-second-ahead",
        hs,
        "hmac",
        T0,
        &tok,
        v.clone(),
    );
    let tok = t(g, json!({"exp": T0 as f64 - 0.5}));
    g.valid(
        "exp-fractional-half-second-past-within-leeway",
        hs,
        "hmac",
        T0,
        &tok,
        with(v.clone(), &json!({"leeway": 1})),
    );
    let tok = t(g, json!({"exp": T0 + 60, "nbf": T0 as f64 - 0.5}));
    g.valid(
        "nbf-fractional-half-second-past",
        hs,
        "hmac",
        T0,
        &tok,
        v.clone(),
    );
    let tok = t(g, json!({"exp": T0 + 60, "nbf": T0 as f64 + 0.5}));
    g.valid(
        "nbf-fractional-half-second-ahead-within-leeway",
        hs,
        "hmac",
        T0,
        &tok,
        with(v.clone(), &json!({"leeway": 1})),
    );
    let tok = t(g, json!({"exp": T0 + 60, "iat": T0 as f64 - 0.5}));
    g.valid(
        "iat-fractional-half-second-past",
        hs,
        "hmac",
        T0,
        &tok,
        v.clone(),
    );
    let tok = t(g, json!({"exp": T0 + 60, "iat": T0 as f64 + 0.5}));
    g.valid(
        "iat-fractional-half-second-ahead-within-leeway",
        hs,
        "hmac",
        T0,
        &tok,
        with(v.clone(), &json!({"leeway": 1})),
    );
    let tok = t(g, json!({"exp": T0 + 60, "iat": T0 as f64 - 59.5}));
    g.valid(
        "max-age-fractional-half-second-within",
        hs,
        "hmac",
        T0,
        &tok,
        with(v.clone(), &json!({"max_age": 60})),
    );
    let tok = t(g, json!({"exp": T0 + 60, "iat": T0 as f64 - 60.5}));
    g.valid(
        "max-age-fractional-half-second-within-leeway",
        hs,
        "hmac",
        T0,
        &tok,
        with(v.clone(), &json!({"max_age": 60, "leeway": 1})),
    );
    let tok = t(g, json!({"exp": T0 + 60, "nbf": T0}));
    g.valid("nbf-now", hs, "hmac", T0, &tok, v.clone());
    let tok = t(g, json!({"exp": T0 + 60, "nbf": T0 + 5}));
    g.valid(
        "nbf-future-within-leeway",
        hs,
        "hmac",
        T0,
        &tok,
        with(v.clone(), &json!({"leeway": 5})),
    );
    let tok = t(g, json!({"exp": T0 + 60, "iat": T0 + 5}));
    g.valid(
        "iat-future-within-leeway",
        hs,
        "hmac",
        T0,
        &tok,
        with(v.clone(), &json!({"leeway": 5})),
    );
    let tok = t(g, json!({"exp": T0 + 60, "iat": T0 - 60}));
    g.valid(
        "max-age-boundary",
        hs,
        "hmac",
        T0,
        &tok,
        with(v.clone(), &json!({"max_age": 60})),
    );
    let tok = t(g, json!({"exp": T0 + 60, "iat": T0 - 65}));
    g.valid(
        "max-age-within-leeway",
        hs,
        "hmac",
        T0,
        &tok,
        with(v.clone(), &json!({"max_age": 60, "leeway": 5})),
    );
    // Switches.
    let tok = t(g, json!({"exp": T0 - 10}));
    g.valid(
        "expired-but-verify-exp-false",
        hs,
        "hmac",
        T0,
        &tok,
        with(v.clone(), &json!({"verify_exp": false})),
    );
    let tok = t(g, json!({"exp": T0 + 60, "nbf": T0 + 30}));
    g.valid(
        "nbf-future-but-verify-nbf-false",
        hs,
        "hmac",
        T0,
        &tok,
        with(v.clone(), &json!({"verify_nbf": false})),
    );
    let tok = t(g, json!({"exp": T0 + 60, "iat": T0 + 30}));
    g.valid(
        "iat-future-but-verify-iat-false",
        hs,
        "hmac",
        T0,
        &tok,
        with(v.clone(), &json!({"verify_iat": false})),
    );
    let tok = t(g, json!({"exp": T0 + 60, "aud": "someone-else"}));
    g.valid(
        "aud-unexpected-but-verify-aud-false",
        hs,
        "hmac",
        T0,
        &tok,
        with(v.clone(), &json!({"verify_aud": false})),
    );
    let tok = t(g, json!({"sub": "no-expiry"}));
    g.valid(
        "no-exp-with-required-empty",
        hs,
        "hmac",
        T0,
        &tok,
        with(v.clone(), &json!({"required": []})),
    );
    let tok = t(g, json!({"exp": T0 + 60, "sub": "s", "jti": "j-1"}));
    g.valid(
        "required-present",
        hs,
        "hmac",
        T0,
        &tok,
        with(v.clone(), &json!({"required": ["exp", "sub", "jti"]})),
    );
    // Audience any-of, issuer one-of, typ case-insensitive.
    let tok = t(g, json!({"exp": T0 + 60, "aud": ["other", AUD]}));
    g.valid(
        "aud-array-any-of",
        hs,
        "hmac",
        T0,
        &tok,
        with(v.clone(), &json!({"audience": ["x", AUD]})),
    );
    let tok = t(g, json!({"exp": T0 + 60, "aud": AUD}));
    g.valid(
        "aud-string-one-of-several",
        hs,
        "hmac",
        T0,
        &tok,
        with(v.clone(), &json!({"audience": ["x", AUD]})),
    );
    let tok = t(g, json!({"exp": T0 + 60, "iss": "https://b"}));
    g.valid(
        "iss-one-of-several",
        hs,
        "hmac",
        T0,
        &tok,
        with(v.clone(), &json!({"issuer": ["https://a", "https://b"]})),
    );
    let tok = t(g, json!({"exp": T0 + 60}));
    g.valid(
        "typ-case-insensitive",
        hs,
        "hmac",
        T0,
        &tok,
        with(v.clone(), &json!({"typ": "jwt"})),
    );
    // Headers that are fine: b64 true (the default), unknown non-critical members.
    let tok = g.forge(
        "hmac",
        hs,
        r#"{"alg":"HS256","b64":true}"#,
        &json!({"exp": T0 + 60}).to_string(),
    );
    g.valid("header-b64-true", hs, "hmac", T0, &tok, v.clone());
    let tok = g.forge(
        "hmac",
        hs,
        r#"{"alg":"HS256","x-tenant":"acme","cty":"JWT"}"#,
        &json!({"exp": T0 + 60}).to_string(),
    );
    g.valid(
        "header-unknown-non-critical-member",
        hs,
        "hmac",
        T0,
        &tok,
        v.clone(),
    );
    // Claims with Unicode, nesting and numbers survive exactly.
    let tok = t(
        g,
        json!({"exp": T0 + 60, "name": "Zoë 🦀 \"quoted\"", "roles": [{"r": "admin", "n": [1, 2.5, -3]}], "big": 9_007_199_254_740_991u64}),
    );
    g.valid(
        "claims-unicode-nested-numbers",
        hs,
        "hmac",
        T0,
        &tok,
        v.clone(),
    );
    // ECDSA: (r, n - s) is as valid as (r, s); neither backend insists on low s.
    let token = g.base_token(Algorithm::ES256);
    let (input, sig) = token.rsplit_once('.').unwrap();
    let raw = b64::decode(sig, "sig").unwrap();
    let neg = [raw[..32].to_vec(), be_sub(&hex(P256_N), &raw[32..])].concat();
    let tok = format!("{input}.{}", b64::encode(&neg));
    g.valid(
        "es256-s-negated",
        Algorithm::ES256,
        "ec-p256",
        T0,
        &tok,
        Gen::full_validation(Algorithm::ES256),
    );
    let token = g.base_token(Algorithm::ES256K);
    let (input, sig) = token.rsplit_once('.').unwrap();
    let raw = b64::decode(sig, "sig").unwrap();
    let neg = [raw[..32].to_vec(), be_sub(&hex(SECP256K1_N), &raw[32..])].concat();
    let tok = format!("{input}.{}", b64::encode(&neg));
    g.valid(
        "es256k-s-negated",
        Algorithm::ES256K,
        "ec-secp256k1",
        T0,
        &tok,
        Gen::full_validation(Algorithm::ES256K),
    );
    // ES256K from another implementation (jwcrypto over OpenSSL), with a low and a high s.
    for (name, token, high) in [
        ("es256k-jwcrypto-low-s", ES256K_JWCRYPTO_LOW_S, false),
        ("es256k-jwcrypto-high-s", ES256K_JWCRYPTO_HIGH_S, true),
    ] {
        let sig = b64::decode(token.rsplit_once('.').unwrap().1, "sig").unwrap();
        let half_n = {
            // n / 2, big-endian: shift right by one bit.
            let n = hex(SECP256K1_N);
            let mut out = vec![0u8; n.len()];
            let mut carry = 0u8;
            for (o, b) in out.iter_mut().zip(&n) {
                *o = (b >> 1) | carry;
                carry = (b & 1) << 7;
            }
            out
        };
        assert_eq!(&sig[32..] > half_n.as_slice(), high, "{name}");
        g.valid(
            name,
            Algorithm::ES256K,
            "ec-secp256k1",
            T0,
            token,
            Gen::full_validation(Algorithm::ES256K),
        );
    }
    // RFC 9864's Ed25519 and RFC 8037's EdDSA: the same signature, only `alg` differs.
    let ed = g.base_token(Algorithm::Ed25519);
    let eddsa = g.base_token(Algorithm::EdDSA);
    assert_eq!(
        ed.rsplit_once('.').unwrap().1.len(),
        eddsa.rsplit_once('.').unwrap().1.len()
    );
    g.valid(
        "ed25519-token-allowed-with-eddsa",
        Algorithm::Ed25519,
        "ed25519",
        T0,
        &ed,
        with(
            algs(&[Algorithm::EdDSA, Algorithm::Ed25519]),
            &json!({"audience": [AUD], "issuer": [ISS], "subject": "user-7"}),
        ),
    );
    // The size limit: exactly DEFAULT_MAX_TOKEN_LEN bytes passes.
    let tok = sized_token(g, DEFAULT_MAX_TOKEN_LEN);
    g.valid("token-at-size-limit", hs, "hmac", T0, &tok, v);
}

/// An HS256 token of exactly `len` bytes (a padding claim and a `kid` of variable length).
fn sized_token(g: &Gen, len: usize) -> String {
    for kid in ["a", "ab", "abc", "abcd"] {
        let header = json!({"alg": "HS256", "kid": kid}).to_string();
        let mut pad = len * 3 / 4 - 200;
        loop {
            let claims = json!({"exp": T0 + 60, "pad": "x".repeat(pad)}).to_string();
            let token = g.forge("hmac", Algorithm::HS256, &header, &claims);
            if token.len() == len {
                return token;
            }
            if token.len() > len {
                break;
            }
            pad += 1;
        }
    }
    panic!("no token of exactly {len} bytes");
}

fn header_vectors(g: &mut Gen) {
    let hs = Algorithm::HS256;
    let claims = json!({"exp": T0 + 60, "sub": "user-7"}).to_string();
    let v = algs(&[hs]);
    // alg none, in every spelling, with and without a signature.
    for (name, alg) in [
        ("none", "none"),
        ("None", "None"),
        ("NONE", "NONE"),
        ("nOnE", "nOnE"),
    ] {
        let input = format!(
            "{}.{}",
            b64::encode(json!({"alg": alg, "typ": "JWT"}).to_string().as_bytes()),
            b64::encode(claims.as_bytes())
        );
        g.invalid(
            &format!("alg-{name}-empty-signature"),
            "hmac",
            T0,
            &format!("{input}."),
            v.clone(),
            ErrorKind::UnsupportedAlgorithm,
        );
    }
    let none = format!(
        "{}.{}",
        b64::encode(br#"{"alg":"none"}"#),
        b64::encode(claims.as_bytes())
    );
    let sig = g.sign("hmac", hs, &none);
    g.invalid(
        "alg-none-with-hmac-signature",
        "hmac",
        T0,
        &format!("{none}.{sig}"),
        v.clone(),
        ErrorKind::UnsupportedAlgorithm,
    );
    for (name, header) in [
        ("alg-unknown-hs1", r#"{"alg":"HS1"}"#),
        ("alg-lowercase-hs256", r#"{"alg":"hs256"}"#),
        ("alg-trailing-space", r#"{"alg":"HS256 "}"#),
        ("alg-empty", r#"{"alg":""}"#),
        ("alg-jwe-rsa-oaep", r#"{"alg":"RSA-OAEP"}"#),
    ] {
        let tok = g.forge("hmac", hs, header, &claims);
        g.invalid(
            name,
            "hmac",
            T0,
            &tok,
            v.clone(),
            ErrorKind::UnsupportedAlgorithm,
        );
    }
    for (name, header) in [
        ("alg-missing", r#"{"typ":"JWT"}"#),
        ("alg-not-a-string", r#"{"alg":256}"#),
        ("alg-null", r#"{"alg":null}"#),
    ] {
        let tok = g.forge("hmac", hs, header, &claims);
        g.invalid(name, "hmac", T0, &tok, v.clone(), ErrorKind::Malformed);
    }
    // The caller, not the header, chooses the algorithm.
    let tok = g.base_token(Algorithm::HS512);
    g.invalid(
        "alg-hs512-not-allowed",
        "hmac",
        T0,
        &tok,
        algs(&[hs]),
        ErrorKind::UnsupportedAlgorithm,
    );
    let tok = g.base_token(Algorithm::RS256);
    g.invalid(
        "alg-rs256-not-allowed",
        "rsa-2048",
        T0,
        &tok,
        algs(&[Algorithm::PS256, Algorithm::ES256]),
        ErrorKind::UnsupportedAlgorithm,
    );
    // EdDSA and Ed25519 name the same signature, but each is allowed only by its own name.
    let tok = g.base_token(Algorithm::Ed25519);
    g.invalid(
        "alg-ed25519-not-allowed-by-eddsa",
        "ed25519",
        T0,
        &tok,
        algs(&[Algorithm::EdDSA]),
        ErrorKind::UnsupportedAlgorithm,
    );
    let tok = g.base_token(Algorithm::ES256K);
    g.invalid(
        "alg-es256k-not-allowed-by-es256",
        "ec-secp256k1",
        T0,
        &tok,
        algs(&[Algorithm::ES256]),
        ErrorKind::UnsupportedAlgorithm,
    );
    let tok = g.base_token(Algorithm::EdDSA);
    g.invalid(
        "alg-eddsa-not-allowed-by-ed25519",
        "ed25519",
        T0,
        &tok,
        algs(&[Algorithm::Ed25519]),
        ErrorKind::UnsupportedAlgorithm,
    );
    g.invalid(
        "alg-eddsa-not-allowed",
        "ed25519",
        T0,
        &tok,
        algs(&[Algorithm::ES256]),
        ErrorKind::UnsupportedAlgorithm,
    );

    // Algorithm confusion: HS256 keyed with the bytes of the verifier's public key.
    let confusion = |g: &mut Gen, name: &str, key: &str, secret: &[u8], accepted: &[Algorithm]| {
        // The attacker's HMAC, computed directly: hxjwt refuses such bytes as a secret (an `oct`
        // JWK whose `k` is PEM or OpenSSH text is InvalidKey), and the point is the verifier's
        // side.
        use hmac::{KeyInit as _, Mac as _};
        let input = format!(
            "{}.{}",
            b64::encode(br#"{"alg":"HS256","typ":"JWT"}"#),
            b64::encode(claims.as_bytes())
        );
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
        mac.update(input.as_bytes());
        let sig = b64::encode(&mac.finalize().into_bytes());
        g.invalid(
            name,
            key,
            T0,
            &format!("{input}.{sig}"),
            algs(accepted),
            ErrorKind::InvalidKey,
        );
    };
    let spki = |file: &str| std::fs::read(format!("{KEYS}/{file}")).unwrap();
    confusion(
        g,
        "confusion-hs256-keyed-with-rsa-spki-pem",
        "rsa-2048",
        &spki("rsa2048.spki.pem"),
        &[hs, Algorithm::RS256],
    );
    confusion(
        g,
        "confusion-hs256-keyed-with-rsa-pkcs1-pem",
        "rsa-2048",
        &spki("rsa2048.pkcs1.pub.pem"),
        &[hs],
    );
    let rsa_jwk = g.key("rsa-2048").to_public_jwk().unwrap().to_string();
    confusion(
        g,
        "confusion-hs256-keyed-with-rsa-public-jwk",
        "rsa-2048",
        rsa_jwk.as_bytes(),
        &[hs, Algorithm::RS256],
    );
    confusion(
        g,
        "confusion-hs256-keyed-with-ec-spki-pem",
        "ec-p256",
        &spki("ec-P-256.spki.pem"),
        &[hs, Algorithm::ES256],
    );
    let ed_x = g.key("ed25519").to_public_jwk().unwrap()["x"]
        .as_str()
        .unwrap()
        .to_owned();
    confusion(
        g,
        "confusion-hs256-keyed-with-ed25519-public-key",
        "ed25519",
        &b64::decode(&ed_x, "x").unwrap(),
        &[hs, Algorithm::EdDSA],
    );
    // A key serves only the algorithms of its type and curve.
    let tok = g.base_token(Algorithm::ES384);
    g.invalid(
        "es384-token-for-p256-key",
        "ec-p256",
        T0,
        &tok,
        algs(&[Algorithm::ES384]),
        ErrorKind::InvalidKey,
    );
    let tok = g.base_token(Algorithm::ES256K);
    g.invalid(
        "es256k-token-for-p256-key",
        "ec-p256",
        T0,
        &tok,
        algs(&[Algorithm::ES256K]),
        ErrorKind::InvalidKey,
    );
    let tok = g.base_token(Algorithm::ES256);
    g.invalid(
        "es256-token-for-secp256k1-key",
        "ec-secp256k1",
        T0,
        &tok,
        algs(&[Algorithm::ES256]),
        ErrorKind::InvalidKey,
    );
    g.invalid(
        "es256-token-for-rsa-key",
        "rsa-2048",
        T0,
        &tok,
        algs(&[Algorithm::ES256]),
        ErrorKind::InvalidKey,
    );
    let tok = g.base_token(Algorithm::RS256);
    g.invalid(
        "rs256-token-for-ed25519-key",
        "ed25519",
        T0,
        &tok,
        algs(&[Algorithm::RS256]),
        ErrorKind::InvalidKey,
    );
    let tok = g.base_token(Algorithm::EdDSA);
    g.invalid(
        "eddsa-token-for-hmac-key",
        "hmac",
        T0,
        &tok,
        algs(&[Algorithm::EdDSA]),
        ErrorKind::InvalidKey,
    );

    // Header-supplied keys are ignored: the attacker (RFC 8037's public test key) signs and
    // names its own key in the header; the verifier's key rejects the signature.
    let attacker_jwk = g.key("rfc8037-a4").to_public_jwk().unwrap();
    for (member, value) in [
        ("jwk", attacker_jwk.clone()),
        ("jku", json!("https://attacker.example/jwks.json")),
        ("x5u", json!("https://attacker.example/cert.pem")),
        ("x5c", json!(["MIIBszCCAVmgAwIBAgIUAttacker"])),
    ] {
        let header = json!({"alg": "EdDSA", "typ": "JWT", member: value}).to_string();
        let tok = g.forge("rfc8037-a4", Algorithm::EdDSA, &header, &claims);
        g.invalid(
            &format!("header-{member}-attacker-key"),
            "ed25519",
            T0,
            &tok,
            algs(&[Algorithm::EdDSA]),
            ErrorKind::InvalidSignature,
        );
    }
    let attacker_secret = Sha512::digest(b"hxjwt jws vector attacker hmac key");
    let attacker =
        Key::from_jwk(&json!({"kty": "oct", "k": b64::encode(&attacker_secret)}).to_string())
            .unwrap();
    let header = json!({"alg": "HS256", "jwk": {"kty": "oct", "k": b64::encode(&attacker_secret)}})
        .to_string();
    let input = format!(
        "{}.{}",
        b64::encode(header.as_bytes()),
        b64::encode(claims.as_bytes())
    );
    let sig = b64::encode(&dangerous::jws_sign(&attacker, hs, input.as_bytes()).unwrap());
    g.invalid(
        "header-jwk-attacker-hmac-secret",
        "hmac",
        T0,
        &format!("{input}.{sig}"),
        v.clone(),
        ErrorKind::InvalidSignature,
    );

    // crit and b64: no extension is understood.
    for (name, header) in [
        (
            "header-crit-exp",
            r#"{"alg":"HS256","crit":["exp"],"exp":1767225660}"#,
        ),
        ("header-crit-empty", r#"{"alg":"HS256","crit":[]}"#),
        (
            "header-crit-b64",
            r#"{"alg":"HS256","b64":false,"crit":["b64"]}"#,
        ),
        ("header-b64-false", r#"{"alg":"HS256","b64":false}"#),
        (
            "header-b64-string-false",
            r#"{"alg":"HS256","b64":"false"}"#,
        ),
    ] {
        let tok = g.forge("hmac", hs, header, &claims);
        g.invalid(name, "hmac", T0, &tok, v.clone(), ErrorKind::UnknownHeader);
    }
    // Duplicate members, anywhere.
    for (name, header, payload) in [
        (
            "duplicate-header-alg",
            r#"{"alg":"HS256","alg":"HS256"}"#,
            claims.as_str(),
        ),
        (
            "duplicate-header-alg-none",
            r#"{"alg":"HS256","alg":"none"}"#,
            claims.as_str(),
        ),
        (
            "duplicate-header-kid",
            r#"{"alg":"HS256","kid":"a","kid":"b"}"#,
            claims.as_str(),
        ),
        (
            "duplicate-claim-sub",
            r#"{"alg":"HS256"}"#,
            r#"{"exp":1767225660,"sub":"user-7","sub":"admin"}"#,
        ),
        (
            "duplicate-claim-exp",
            r#"{"alg":"HS256"}"#,
            r#"{"exp":1767225660,"exp":4000000000}"#,
        ),
        (
            "duplicate-claim-nested",
            r#"{"alg":"HS256"}"#,
            r#"{"exp":1767225660,"ctx":{"role":"user","role":"admin"}}"#,
        ),
    ] {
        let tok = g.forge("hmac", hs, header, payload);
        g.invalid(name, "hmac", T0, &tok, v.clone(), ErrorKind::Malformed);
    }
    // Header member types.
    for (name, header) in [
        ("header-kid-not-a-string", r#"{"alg":"HS256","kid":7}"#),
        (
            "header-typ-not-a-string",
            r#"{"alg":"HS256","typ":["JWT"]}"#,
        ),
        ("header-is-an-array", r#"["HS256"]"#),
        ("header-not-json", "{alg:HS256}"),
        ("header-trailing-garbage", r#"{"alg":"HS256"}x"#),
    ] {
        let tok = g.forge("hmac", hs, header, &claims);
        g.invalid(name, "hmac", T0, &tok, v.clone(), ErrorKind::Malformed);
    }
    // Payloads that are not a JSON object.
    for (name, payload) in [
        ("payload-is-an-array", r#"[{"exp":1767225660}]"#),
        ("payload-is-a-string", r#""exp""#),
        ("payload-not-json", "exp=1767225660"),
        ("payload-empty", ""),
    ] {
        let tok = g.forge("hmac", hs, r#"{"alg":"HS256"}"#, payload);
        g.invalid(name, "hmac", T0, &tok, v.clone(), ErrorKind::Malformed);
    }
    let deep = format!(
        r#"{{"exp":1767225660,"x":{}1{}}}"#,
        "[".repeat(40),
        "]".repeat(40)
    );
    let tok = g.forge("hmac", hs, r#"{"alg":"HS256"}"#, &deep);
    g.invalid(
        "payload-nested-too-deep",
        "hmac",
        T0,
        &tok,
        v.clone(),
        ErrorKind::Malformed,
    );
    let tok = sized_token(g, DEFAULT_MAX_TOKEN_LEN + 1);
    g.invalid(
        "token-one-byte-over-size-limit",
        "hmac",
        T0,
        &tok,
        v,
        ErrorKind::Malformed,
    );
}

fn encoding_vectors(g: &mut Gen) {
    let hs = Algorithm::HS256;
    let v = algs(&[hs]);
    let good = g.token("hmac", hs, &json!({"exp": T0 + 60, "sub": "user-7"}));
    let (h, rest) = good.split_once('.').unwrap();
    let (p, s) = rest.split_once('.').unwrap();
    let cases: Vec<(&str, String)> = vec![
        ("b64-signature-padded", format!("{good}=")),
        ("b64-header-padded", format!("{h}=.{p}.{s}")),
        ("b64-leading-space", format!(" {good}")),
        ("b64-trailing-newline", format!("{good}\n")),
        (
            "b64-space-in-payload",
            format!("{h}.{} {}.{s}", &p[..10], &p[10..]),
        ),
        (
            "b64-standard-alphabet-plus",
            format!("{h}.{p}.+{}", &s[1..]),
        ),
        (
            "b64-standard-alphabet-slash",
            format!("{h}.{p}./{}", &s[1..]),
        ),
        ("b64-non-canonical-trailing-bits", {
            // 32-byte MAC = 43 characters; the last one carries 2 unused bits that must be 0.
            let last = s.chars().last().unwrap();
            let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let i = alphabet.find(last).unwrap();
            let bumped = alphabet.chars().nth(i ^ 1).unwrap();
            format!("{h}.{p}.{}{bumped}", &s[..s.len() - 1])
        }),
        (
            "b64-invalid-character",
            format!("{h}.{p}.{}*", &s[..s.len() - 1]),
        ),
        ("segments-two", format!("{h}.{p}")),
        ("segments-one", h.to_owned()),
        ("segments-four", format!("{good}.{s}")),
        ("segments-five-jwe", format!("{h}..{p}.{s}.{s}")),
        ("segments-empty-token", String::new()),
        ("segments-empty-header", format!(".{p}.{s}")),
    ];
    for (name, tok) in cases {
        g.invalid(name, "hmac", T0, &tok, v.clone(), ErrorKind::Malformed);
    }
    // Invalid UTF-8 in the header.
    let input = format!("{}.{p}", b64::encode(b"{\"alg\":\"HS256\",\"x\":\"\xff\"}"));
    let sig = g.sign("hmac", hs, &input);
    g.invalid(
        "header-invalid-utf8",
        "hmac",
        T0,
        &format!("{input}.{sig}"),
        v,
        ErrorKind::Malformed,
    );
}

/// An Ed25519 signature of `input` whose `R` is the identity (a small-order point), made with
/// the private key: `S = k·a` so that `[S]B = R + [k]A` holds. Lax verifiers (aws-lc among them)
/// accept it, strict ones (ed25519-dalek's `verify_strict`) do not; hxjwt refuses it under both
/// backends.
fn small_order_r_signature(key: &Key, input: &str) -> Vec<u8> {
    use curve25519_dalek::scalar::Scalar;
    let jwk: Value = serde_json::from_str(&key.to_private_jwk()).unwrap();
    let seed = b64::decode(jwk["d"].as_str().unwrap(), "d").unwrap();
    let public = b64::decode(jwk["x"].as_str().unwrap(), "x").unwrap();
    let h = Sha512::digest(&seed);
    let mut a: [u8; 32] = h[..32].try_into().unwrap();
    a[0] &= 0xf8;
    a[31] &= 0x7f;
    a[31] |= 0x40;
    let mut r = [0u8; 32];
    r[0] = 1; // the identity point (0, 1)
    let mut hk = Sha512::new();
    hk.update(r);
    hk.update(&public);
    hk.update(input.as_bytes());
    let k = Scalar::from_bytes_mod_order_wide(&hk.finalize().into());
    let s = k * Scalar::from_bytes_mod_order(a);
    [r, s.to_bytes()].concat()
}

fn signature_vectors(g: &mut Gen) {
    // ECDSA: raw fixed-size r ‖ s, r and s in 1..n-1.
    for (alg, key, n) in [
        (Algorithm::ES256, "ec-p256", P256_N),
        (Algorithm::ES384, "ec-p384", P384_N),
        (Algorithm::ES512, "ec-p521", P521_N),
        (Algorithm::ES256K, "ec-secp256k1", SECP256K1_N),
    ] {
        let token = g.base_token(alg);
        let (input, sig) = token.rsplit_once('.').unwrap();
        let raw = b64::decode(sig, "sig").unwrap();
        let half = raw.len() / 2;
        let (r, s) = raw.split_at(half);
        let n = hex(n);
        assert_eq!(n.len(), half);
        let prefix = alg.name().to_lowercase();
        let mut cases: Vec<(String, Vec<u8>)> = vec![
            (format!("{prefix}-signature-der"), ecdsa_der(&raw)),
            (
                format!("{prefix}-signature-one-byte-short"),
                raw[..raw.len() - 1].to_vec(),
            ),
            (
                format!("{prefix}-signature-one-byte-long"),
                [raw.clone(), vec![0]].concat(),
            ),
            (format!("{prefix}-signature-empty"), vec![]),
            (format!("{prefix}-r-and-s-zero"), vec![0u8; raw.len()]),
            (
                format!("{prefix}-s-zero"),
                [r.to_vec(), vec![0u8; half]].concat(),
            ),
            (
                format!("{prefix}-s-equals-n"),
                [r.to_vec(), n.clone()].concat(),
            ),
            (
                format!("{prefix}-r-equals-n"),
                [n.clone(), s.to_vec()].concat(),
            ),
            (
                format!("{prefix}-s-all-ones"),
                [r.to_vec(), vec![0xff; half]].concat(),
            ),
            (
                format!("{prefix}-r-s-swapped"),
                [s.to_vec(), r.to_vec()].concat(),
            ),
            (format!("{prefix}-signature-bit-flipped"), {
                let mut b = raw.clone();
                b[half + 5] ^= 0x01;
                b
            }),
        ];
        if alg == Algorithm::ES512 {
            // 65-byte r and s (the usual P-521 off-by-one): wrong size.
            cases.push((
                format!("{prefix}-r-s-65-bytes-each"),
                [r[1..].to_vec(), s[1..].to_vec()].concat(),
            ));
        }
        for (name, bad) in cases {
            let tok = format!("{input}.{}", b64::encode(&bad));
            g.invalid(
                &name,
                key,
                T0,
                &tok,
                Gen::full_validation(alg),
                ErrorKind::InvalidSignature,
            );
        }
        // The payload changed after signing (the signature is over other claims).
        let header = input.split_once('.').unwrap().0;
        let admin = b64::encode(
            with(base_claims(), &json!({"admin": true}))
                .to_string()
                .as_bytes(),
        );
        g.invalid(
            &format!("{prefix}-payload-changed-after-signing"),
            key,
            T0,
            &format!("{header}.{admin}.{sig}"),
            Gen::full_validation(alg),
            ErrorKind::InvalidSignature,
        );
    }
    // Ed25519: S + L is the same scalar mod L; strict verification refuses it.
    let token = g.base_token(Algorithm::EdDSA);
    let (input, sig) = token.rsplit_once('.').unwrap();
    let raw = b64::decode(sig, "sig").unwrap();
    let mut s_plus_l = raw.clone();
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(s_plus_l[32 + i]) + u16::from(ED25519_L[i]) + carry;
        s_plus_l[32 + i] = (sum & 0xff) as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
    let mut flipped = raw.clone();
    flipped[3] ^= 0x40;
    let mut high_bit = raw.clone();
    high_bit[63] |= 0x80;
    for (name, bad) in [
        ("eddsa-s-plus-l-non-canonical", s_plus_l),
        ("eddsa-s-high-bit-set", high_bit),
        ("eddsa-r-bit-flipped", flipped),
        ("eddsa-signature-one-byte-short", raw[..63].to_vec()),
        ("eddsa-signature-zero", vec![0u8; 64]),
        (
            "eddsa-small-order-r-made-by-the-key-owner",
            small_order_r_signature(g.key("ed25519"), input),
        ),
    ] {
        let tok = format!("{input}.{}", b64::encode(&bad));
        g.invalid(
            name,
            "ed25519",
            T0,
            &tok,
            Gen::full_validation(Algorithm::EdDSA),
            ErrorKind::InvalidSignature,
        );
    }
    // RSA: the signature is exactly as long as the modulus; PSS salts are as long as the hash.
    for alg in [
        Algorithm::RS256,
        Algorithm::PS256,
        Algorithm::RS512,
        Algorithm::PS512,
    ] {
        let token = g.base_token(alg);
        let (input, sig) = token.rsplit_once('.').unwrap();
        let raw = b64::decode(sig, "sig").unwrap();
        let prefix = alg.name().to_lowercase();
        let mut flipped = raw.clone();
        flipped[100] ^= 0x10;
        for (name, bad) in [
            (format!("{prefix}-signature-bit-flipped"), flipped),
            (
                format!("{prefix}-signature-one-byte-short"),
                raw[1..].to_vec(),
            ),
            (
                format!("{prefix}-signature-leading-zero-byte"),
                [vec![0], raw.clone()].concat(),
            ),
            (format!("{prefix}-signature-zero"), vec![0u8; raw.len()]),
        ] {
            let tok = format!("{input}.{}", b64::encode(&bad));
            g.invalid(
                &name,
                "rsa-2048",
                T0,
                &tok,
                Gen::full_validation(alg),
                ErrorKind::InvalidSignature,
            );
        }
    }
    // A PKCS#1 v1.5 signature (RS256) of the PS256 token's own signing input does not verify
    // as PS256: the padding is part of the algorithm.
    let ps = g.base_token(Algorithm::PS256);
    let ps_input = ps.rsplit_once('.').unwrap().0;
    let pkcs1 = g.sign("rsa-2048", Algorithm::RS256, ps_input);
    g.invalid(
        "ps256-header-pkcs1-signature",
        "rsa-2048",
        T0,
        &format!("{ps_input}.{pkcs1}"),
        Gen::full_validation(Algorithm::PS256),
        ErrorKind::InvalidSignature,
    );
    // HMAC: wrong secret, truncated tag, payload changed after signing.
    let hs = Algorithm::HS256;
    let other =
        Key::from_jwk(&json!({"kty": "oct", "k": b64::encode(&[7u8; 64])}).to_string()).unwrap();
    let token = g.base_token(hs);
    let (input, sig) = token.rsplit_once('.').unwrap();
    let wrong = b64::encode(&dangerous::jws_sign(&other, hs, input.as_bytes()).unwrap());
    g.invalid(
        "hs256-wrong-secret",
        "hmac",
        T0,
        &format!("{input}.{wrong}"),
        Gen::full_validation(hs),
        ErrorKind::InvalidSignature,
    );
    let raw = b64::decode(sig, "sig").unwrap();
    g.invalid(
        "hs256-tag-truncated-to-16-bytes",
        "hmac",
        T0,
        &format!("{input}.{}", b64::encode(&raw[..16])),
        Gen::full_validation(hs),
        ErrorKind::InvalidSignature,
    );
    g.invalid(
        "hs256-signature-empty",
        "hmac",
        T0,
        &format!("{input}."),
        Gen::full_validation(hs),
        ErrorKind::InvalidSignature,
    );
    let (h, _) = input.split_once('.').unwrap();
    let admin = b64::encode(
        with(base_claims(), &json!({"admin": true}))
            .to_string()
            .as_bytes(),
    );
    g.invalid(
        "hs256-payload-changed-after-signing",
        "hmac",
        T0,
        &format!("{h}.{admin}.{sig}"),
        Gen::full_validation(hs),
        ErrorKind::InvalidSignature,
    );
    let hs384 = g.base_token(Algorithm::HS384);
    let hs384_sig = hs384.rsplit_once('.').unwrap().1;
    g.invalid(
        "hs256-header-hs384-tag",
        "hmac",
        T0,
        &format!("{input}.{hs384_sig}"),
        Gen::full_validation(hs),
        ErrorKind::InvalidSignature,
    );
}

fn claim_vectors(g: &mut Gen) {
    let hs = Algorithm::HS256;
    let v = algs(&[hs]);
    let t = |g: &Gen, claims: Value| g.token("hmac", hs, &claims);
    let cases: Vec<(&str, Value, Value, ErrorKind)> = vec![
        // Time.
        ("exp-now", json!({"exp": T0}), v.clone(), ErrorKind::Expired),
        (
            "exp-past",
            json!({"exp": T0 - 3600}),
            v.clone(),
            ErrorKind::Expired,
        ),
        (
            "exp-one-second-past-leeway",
            json!({"exp": T0 - 1}),
            with(v.clone(), &json!({"leeway": 1})),
            ErrorKind::Expired,
        ),
        // Fractional NumericDates, compared exactly (issue 17): half a second on the wrong
        // side of now, with and without leeway. (`exp` T0 + 0.5 at T0 is valid: see
        // valid_vectors.)
        (
            "exp-fractional-half-second-past",
            json!({"exp": T0 as f64 - 0.5}),
            v.clone(),
            ErrorKind::Expired,
        ),
        (
            "exp-fractional-half-second-past-leeway",
            json!({"exp": T0 as f64 - 1.5}),
            with(v.clone(), &json!({"leeway": 1})),
            ErrorKind::Expired,
        ),
        (
            "nbf-fractional-half-second-ahead",
            json!({"exp": T0 + 60, "nbf": T0 as f64 + 0.5}),
            v.clone(),
            ErrorKind::NotYetValid,
        ),
        (
            "nbf-fractional-half-second-beyond-leeway",
            json!({"exp": T0 + 60, "nbf": T0 as f64 + 1.5}),
            with(v.clone(), &json!({"leeway": 1})),
            ErrorKind::NotYetValid,
        ),
        (
            "iat-fractional-half-second-ahead",
            json!({"exp": T0 + 60, "iat": T0 as f64 + 0.5}),
            v.clone(),
            ErrorKind::NotYetValid,
        ),
        (
            "iat-fractional-half-second-beyond-leeway",
            json!({"exp": T0 + 60, "iat": T0 as f64 + 1.5}),
            with(v.clone(), &json!({"leeway": 1})),
            ErrorKind::NotYetValid,
        ),
        (
            "max-age-fractional-half-second-exceeded",
            json!({"exp": T0 + 60, "iat": T0 as f64 - 60.5}),
            with(v.clone(), &json!({"max_age": 60})),
            ErrorKind::Expired,
        ),
        (
            "max-age-fractional-half-second-beyond-leeway",
            json!({"exp": T0 + 60, "iat": T0 as f64 - 61.5}),
            with(v.clone(), &json!({"max_age": 60, "leeway": 1})),
            ErrorKind::Expired,
        ),
        (
            "nbf-one-second-ahead",
            json!({"exp": T0 + 60, "nbf": T0 + 1}),
            v.clone(),
            ErrorKind::NotYetValid,
        ),
        (
            "nbf-beyond-leeway",
            json!({"exp": T0 + 60, "nbf": T0 + 6}),
            with(v.clone(), &json!({"leeway": 5})),
            ErrorKind::NotYetValid,
        ),
        (
            "iat-one-second-ahead",
            json!({"exp": T0 + 60, "iat": T0 + 1}),
            v.clone(),
            ErrorKind::NotYetValid,
        ),
        (
            "max-age-exceeded",
            json!({"exp": T0 + 60, "iat": T0 - 61}),
            with(v.clone(), &json!({"max_age": 60})),
            ErrorKind::Expired,
        ),
        (
            "max-age-exceeded-beyond-leeway",
            json!({"exp": T0 + 60, "iat": T0 - 66}),
            with(v.clone(), &json!({"max_age": 60, "leeway": 5})),
            ErrorKind::Expired,
        ),
        (
            "max-age-without-iat",
            json!({"exp": T0 + 60}),
            with(v.clone(), &json!({"max_age": 60})),
            ErrorKind::MissingClaim,
        ),
        // Types of the time claims.
        (
            "exp-string",
            json!({"exp": "1767229200"}),
            v.clone(),
            ErrorKind::InvalidClaim,
        ),
        (
            "exp-bool",
            json!({"exp": true}),
            v.clone(),
            ErrorKind::InvalidClaim,
        ),
        (
            "exp-null",
            json!({"exp": null}),
            v.clone(),
            ErrorKind::InvalidClaim,
        ),
        (
            "exp-beyond-2-pow-53",
            json!({"exp": 9_007_199_254_740_993i64}),
            v.clone(),
            ErrorKind::InvalidClaim,
        ),
        (
            "nbf-string",
            json!({"exp": T0 + 60, "nbf": "now"}),
            v.clone(),
            ErrorKind::InvalidClaim,
        ),
        (
            "iat-object",
            json!({"exp": T0 + 60, "iat": {"t": T0}}),
            v.clone(),
            ErrorKind::InvalidClaim,
        ),
        // Required claims.
        (
            "exp-missing",
            json!({"sub": "user-7"}),
            v.clone(),
            ErrorKind::MissingClaim,
        ),
        (
            "required-jti-missing",
            json!({"exp": T0 + 60}),
            with(v.clone(), &json!({"required": ["exp", "jti"]})),
            ErrorKind::MissingClaim,
        ),
        // Audience.
        (
            "aud-string-mismatch",
            json!({"exp": T0 + 60, "aud": "api.example.org"}),
            with(v.clone(), &json!({"audience": [AUD]})),
            ErrorKind::WrongAudience,
        ),
        // An empty `aud` names no one (issue 17).
        (
            "aud-empty-string-matches-nothing",
            json!({"exp": T0 + 60, "aud": ""}),
            with(v.clone(), &json!({"audience": [AUD]})),
            ErrorKind::WrongAudience,
        ),
        (
            "aud-array-of-empty-string-matches-nothing",
            json!({"exp": T0 + 60, "aud": [""]}),
            with(v.clone(), &json!({"audience": [AUD]})),
            ErrorKind::WrongAudience,
        ),
        (
            "aud-array-mismatch",
            json!({"exp": T0 + 60, "aud": ["a", "b"]}),
            with(v.clone(), &json!({"audience": [AUD]})),
            ErrorKind::WrongAudience,
        ),
        (
            "aud-empty-array",
            json!({"exp": T0 + 60, "aud": []}),
            with(v.clone(), &json!({"audience": [AUD]})),
            ErrorKind::WrongAudience,
        ),
        (
            "aud-case-differs",
            json!({"exp": T0 + 60, "aud": "API.example.com"}),
            with(v.clone(), &json!({"audience": [AUD]})),
            ErrorKind::WrongAudience,
        ),
        (
            "aud-missing",
            json!({"exp": T0 + 60}),
            with(v.clone(), &json!({"audience": [AUD]})),
            ErrorKind::MissingClaim,
        ),
        (
            "aud-present-none-expected",
            json!({"exp": T0 + 60, "aud": AUD}),
            v.clone(),
            ErrorKind::WrongAudience,
        ),
        (
            "aud-number",
            json!({"exp": T0 + 60, "aud": 7}),
            with(v.clone(), &json!({"audience": [AUD]})),
            ErrorKind::InvalidClaim,
        ),
        (
            "aud-array-with-number",
            json!({"exp": T0 + 60, "aud": [AUD, 7]}),
            with(v.clone(), &json!({"audience": [AUD]})),
            ErrorKind::InvalidClaim,
        ),
        // Issuer, subject, jti, typ.
        (
            "iss-mismatch",
            json!({"exp": T0 + 60, "iss": "https://evil.example"}),
            with(v.clone(), &json!({"issuer": [ISS]})),
            ErrorKind::IssuerMismatch,
        ),
        (
            "iss-missing",
            json!({"exp": T0 + 60}),
            with(v.clone(), &json!({"issuer": [ISS]})),
            ErrorKind::MissingClaim,
        ),
        (
            "iss-number",
            json!({"exp": T0 + 60, "iss": 1}),
            with(v.clone(), &json!({"issuer": [ISS]})),
            ErrorKind::InvalidClaim,
        ),
        (
            "iss-array",
            json!({"exp": T0 + 60, "iss": [ISS]}),
            v.clone(),
            ErrorKind::InvalidClaim,
        ),
        (
            "sub-mismatch",
            json!({"exp": T0 + 60, "sub": "user-8"}),
            with(v.clone(), &json!({"subject": "user-7"})),
            ErrorKind::InvalidClaim,
        ),
        (
            "sub-missing",
            json!({"exp": T0 + 60}),
            with(v.clone(), &json!({"subject": "user-7"})),
            ErrorKind::MissingClaim,
        ),
        (
            "sub-number",
            json!({"exp": T0 + 60, "sub": 7}),
            v.clone(),
            ErrorKind::InvalidClaim,
        ),
        (
            "jti-number",
            json!({"exp": T0 + 60, "jti": 7}),
            v.clone(),
            ErrorKind::InvalidClaim,
        ),
        (
            "typ-mismatch",
            json!({"exp": T0 + 60}),
            with(v.clone(), &json!({"typ": "at+jwt"})),
            ErrorKind::InvalidClaim,
        ),
    ];
    for (name, claims, validation, error) in cases {
        let tok = t(g, claims);
        g.invalid(name, "hmac", T0, &tok, validation, error);
    }
    let tok = g.forge(
        "hmac",
        hs,
        r#"{"alg":"HS256"}"#,
        &json!({"exp": T0 + 60}).to_string(),
    );
    g.invalid(
        "typ-missing",
        "hmac",
        T0,
        &tok,
        with(v, &json!({"typ": "JWT"})),
        ErrorKind::MissingClaim,
    );
    // The same checks behind the other algorithm families.
    for (alg, name) in [
        (Algorithm::RS256, "rs256-expired"),
        (Algorithm::EdDSA, "eddsa-expired"),
    ] {
        let key = key_name_for(alg);
        let tok = g.token(key, alg, &with(base_claims(), &json!({"exp": T0 - 1})));
        g.invalid(
            name,
            key,
            T0,
            &tok,
            Gen::full_validation(alg),
            ErrorKind::Expired,
        );
    }
    let tok = g.token("ed25519", Algorithm::EdDSA, &base_claims());
    g.invalid(
        "eddsa-wrong-audience",
        "ed25519",
        T0,
        &tok,
        with(
            Gen::full_validation(Algorithm::EdDSA),
            &json!({"audience": ["other"]}),
        ),
        ErrorKind::WrongAudience,
    );
    let tok = g.token("rsa-2048", Algorithm::RS384, &without(base_claims(), "sub"));
    g.invalid(
        "rs384-subject-missing",
        "rsa-2048",
        T0,
        &tok,
        Gen::full_validation(Algorithm::RS384),
        ErrorKind::MissingClaim,
    );
}

fn read_committed() -> Option<Value> {
    let text = std::fs::read_to_string(PATH).ok()?;
    serde_json::from_str(&text).ok()
}

fn render(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap() + "\n"
}

/// The committed file, after rewriting it first when `HXJWT_BLESS` is set.
fn read_file() -> Value {
    if std::env::var_os("HXJWT_BLESS").is_some() {
        BLESSED.get_or_init(|| {
            assert_eq!(
                jws::BACKEND,
                "aws-lc-rs",
                "bless tests/vectors/jws.json with the default (aws-lc) backend"
            );
            let generated = generate(read_committed().as_ref());
            std::fs::write(PATH, render(&generated)).unwrap();
        });
    }
    serde_json::from_str(&std::fs::read_to_string(PATH).unwrap()).unwrap()
}

/// The names of the entries of `a` and `b` that differ, for a readable failure.
fn differing(a: &Value, b: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if a["keys"] != b["keys"] {
        out.push("keys".to_owned());
    }
    for list in ["valid", "invalid"] {
        let index = |v: &Value| -> BTreeMap<String, Value> {
            v[list]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| (e["name"].as_str().unwrap_or_default().to_owned(), e.clone()))
                .collect()
        };
        let (ia, ib) = (index(a), index(b));
        for name in ia.keys().chain(ib.keys()).collect::<BTreeSet<_>>() {
            if ia.get(name) != ib.get(name) {
                out.push(format!("{list}/{name}"));
            }
        }
    }
    out
}

#[test]
fn jws_vectors_file_is_what_the_generator_makes() {
    let committed = read_file();
    let generated = generate(Some(&committed));
    let on_disk = std::fs::read_to_string(PATH).unwrap();
    assert!(
        on_disk == render(&generated),
        "tests/vectors/jws.json differs from what the generator makes with the {} backend \
             (entries: {:?}); if the generator changed on purpose, run \
             `HXJWT_BLESS=1 cargo test -p hxjwt --test jws_vectors` with the default backend",
        jws::BACKEND,
        differing(&committed, &generated)
    );
}

#[test]
fn every_jws_vector_holds() {
    let file = read_file();
    let keys = load_keys(&file);
    let valid = file["valid"].as_array().unwrap();
    let invalid = file["invalid"].as_array().unwrap();
    assert!(
        valid.len() >= 30 && invalid.len() >= 150,
        "{} valid, {} invalid",
        valid.len(),
        invalid.len()
    );

    let mut algs_seen = BTreeSet::new();
    for e in valid {
        let name = e["name"].as_str().unwrap();
        let key = &keys[e["key"].as_str().unwrap()];
        let token = e["token"].as_str().unwrap();
        let alg = Algorithm::from_name(e["alg"].as_str().unwrap()).unwrap();
        let val = validation(&e["validation"], e["now"].as_i64().unwrap());
        let data = jws::decode_claims(token, &verifier(key), &val)
            .unwrap_or_else(|err| panic!("{name}: {err} ({} backend)", jws::BACKEND));
        assert_eq!(data.alg, alg, "{name}");
        assert_eq!(Value::Object(data.claims), e["claims"], "{name}");
        // The same signature again from the private key: byte for byte for the deterministic
        // algorithms; for ECDSA and PSS a fresh signature that verifies.
        let (input, sig) = token.rsplit_once('.').unwrap();
        let again = b64::encode(&dangerous::jws_sign(key, alg, input.as_bytes()).unwrap());
        if is_randomized(alg) {
            let fresh = format!("{input}.{again}");
            assert!(
                jws::decode_claims(&fresh, &verifier(key), &val).is_ok(),
                "{name}: fresh signature"
            );
        } else {
            assert_eq!(
                again,
                sig,
                "{name}: {} signs differently ({} backend)",
                alg,
                jws::BACKEND
            );
        }
        algs_seen.insert(alg);
    }
    assert_eq!(
        algs_seen.len(),
        Algorithm::ALL.len(),
        "every algorithm has a valid vector"
    );

    // No error message may show key material.
    let secrets: Vec<String> = file["keys"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|jwk| {
            ["d", "k", "p", "q"].map(|m| jwk.get(m).and_then(Value::as_str).map(str::to_owned))
        })
        .flatten()
        .collect();
    let mut kinds = BTreeSet::new();
    for e in invalid {
        let name = e["name"].as_str().unwrap();
        let key = &keys[e["key"].as_str().unwrap()];
        let want = ErrorKind::from_name(e["error"].as_str().unwrap()).unwrap();
        let val = validation(&e["validation"], e["now"].as_i64().unwrap());
        let err = jws::decode_claims(e["token"].as_str().unwrap(), &verifier(key), &val)
            .map(|_| ())
            .expect_err(name);
        assert_eq!(err.kind(), want, "{name}: {err} ({} backend)", jws::BACKEND);
        let text = format!("{err} {err:?}");
        for s in &secrets {
            assert!(
                !text.contains(&s[..16.min(s.len())]),
                "{name}: message shows key material"
            );
        }
        assert!(text.len() < 400, "{name}: message too long: {text}");
        kinds.insert(want.name());
    }
    for k in [
        ErrorKind::Malformed,
        ErrorKind::UnsupportedAlgorithm,
        ErrorKind::UnknownHeader,
        ErrorKind::InvalidKey,
        ErrorKind::InvalidSignature,
        ErrorKind::Expired,
        ErrorKind::NotYetValid,
        ErrorKind::WrongAudience,
        ErrorKind::IssuerMismatch,
        ErrorKind::MissingClaim,
        ErrorKind::InvalidClaim,
    ] {
        assert!(kinds.contains(k.name()), "no invalid vector for {k}");
    }
}

#[test]
fn the_rfc_examples_are_in_the_file_verbatim() {
    let file = read_file();
    let find = |list: &str, name: &str| {
        file[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .unwrap_or_else(|| panic!("no vector {name}"))
            .clone()
    };
    assert_eq!(find("valid", "rfc7515-a1-hs256")["token"], RFC7515_A1_TOKEN);
    let a4 = find(
        "invalid",
        "rfc8037-a4-example-signature-verifies-but-payload-is-not-json",
    );
    assert_eq!(a4["token"], RFC8037_A4_TOKEN);
    // RFC 8037 A.4 signs a text payload: as a JWS (no claims) it verifies exactly.
    let key = Key::from_jwk(&file["keys"]["rfc8037-a4"].to_string()).unwrap();
    let data = jws::verify(
        RFC8037_A4_TOKEN,
        &key.to_public().unwrap(),
        &Validation::new(&[Algorithm::EdDSA]),
    )
    .unwrap();
    assert_eq!(data.claims, b"Example of Ed25519 signing");
    assert_eq!(
        key.thumbprint(),
        "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    );
}
