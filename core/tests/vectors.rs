//! hxjwt's own HX1 vectors (tests/vectors/hx1.json): generated here, committed, and checked by
//! every face. `HXJWT_BLESS=1 cargo test -p hxjwt --test vectors` rewrites the file; without it
//! the test fails when the committed file differs from what this generator makes.
//!
//! The format is documented in tests/vectors/README.md.

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

use std::sync::Arc;

use hmac::{Hmac, KeyInit, Mac};
use hxjwt::{
    CallbackDirectory, CreateOptions, Directory, Endpoint, Error, ErrorKind, FixedClock, Identity,
    MachineToken, MemoryDirectory, Policy, b64, dangerous,
};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/hx1.json");
const KAT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/hx1-kat.json");

const T0: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

fn sha(label: &str) -> [u8; 32] {
    Sha256::digest(label.as_bytes()).into()
}

fn material(label: &str) -> ([u8; 64], [u8; 12]) {
    let mut m = [0u8; 64];
    m[..32].copy_from_slice(&sha(&format!("hxjwt vector {label} M0")));
    m[32..].copy_from_slice(&sha(&format!("hxjwt vector {label} M1")));
    let iv: [u8; 12] = sha(&format!("hxjwt vector {label} iv"))[..12]
        .try_into()
        .unwrap();
    (m, iv)
}

struct World {
    ids: Vec<Identity>,
}

impl World {
    fn new() -> World {
        let kat: Value = serde_json::from_str(&std::fs::read_to_string(KAT).unwrap()).unwrap();
        let alice = Identity::from_jwk(&kat["sender"].to_string()).unwrap();
        let bob = Identity::from_jwk(&kat["recipient"].to_string()).unwrap();
        let carol =
            Identity::from_secret_bytes("carol.service", sha("hxjwt vector identity carol"))
                .unwrap();
        let mallory =
            Identity::from_secret_bytes("mallory.service", sha("hxjwt vector identity mallory"))
                .unwrap();
        World {
            ids: vec![alice, bob, carol, mallory],
        }
    }

    fn id(&self, name: &str) -> &Identity {
        self.ids.iter().find(|i| i.name() == name).unwrap()
    }

    fn directory_jwks(&self) -> Value {
        let keys: Vec<Value> = self
            .ids
            .iter()
            .filter(|i| i.name() != "mallory.service")
            .map(|i| i.machine_token().to_jwk_value())
            .collect();
        json!({ "keys": keys })
    }
}

struct Created {
    entry: Value,
    token: String,
    mac_key: [u8; 32],
}

fn create(
    w: &World,
    name: &str,
    from: &str,
    to: &str,
    plaintext: &[u8],
    iat: i64,
    ttl: u64,
    opts: CreateOptions,
) -> Created {
    let (m, iv) = material(name);
    let mut ep = Endpoint::new(w.id(from).clone()).with_clock(FixedClock(iat));
    // The 64 KiB payload's token is over the default limit, which create applies: the vector
    // says its recipient must raise it (max_token_len 256 KiB), and so does its sender.
    ep.policy_mut().max_token_len = 256 * 1024;
    let opts = CreateOptions { ttl, ..opts };
    let token = dangerous::hx1_create_with_material(
        &ep,
        &w.id(to).machine_token(),
        plaintext,
        &opts,
        &m,
        &iv,
    )
    .unwrap();
    let mut entry = json!({
        "name": name,
        "sender": from,
        "recipient": to,
        "plaintext_b64url": b64::encode(plaintext),
        "M_hex": hex::encode(m),
        "iv_hex": hex::encode(iv),
        "iat": iat,
        "exp": iat + i64::try_from(ttl).unwrap(),
    });
    let o = entry.as_object_mut().unwrap();
    if let Some(nbf) = opts.not_before {
        o.insert("nbf".into(), json!(nbf));
    }
    if let Some(jti) = &opts.jti {
        o.insert("jti".into(), json!(jti));
    }
    if let Some(cty) = &opts.cty {
        o.insert("cty".into(), json!(cty));
    }
    o.insert("token".into(), json!(token));
    Created {
        entry,
        token,
        mac_key: m[..32].try_into().unwrap(),
    }
}

fn parts(token: &str) -> (String, String, String) {
    let v: Vec<&str> = token.split('.').collect();
    (v[0].to_owned(), v[1].to_owned(), v[2].to_owned())
}

fn header_text(token: &str) -> String {
    String::from_utf8(b64::decode(&parts(token).0, "h").unwrap()).unwrap()
}

fn sign(mac_key: &[u8], h: &str, p: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(mac_key).unwrap();
    mac.update(format!("{h}.{p}").as_bytes());
    format!("{h}.{p}.{}", b64::encode(&mac.finalize().into_bytes()))
}

/// The token with its header text edited, re-signed with the token's own MAC key, so that only
/// the header check under test can reject it.
fn with_header(c: &Created, edit: impl Fn(&str) -> String) -> String {
    let header = edit(&header_text(&c.token));
    let (_, p, _) = parts(&c.token);
    sign(&c.mac_key, &b64::encode(header.as_bytes()), &p)
}

/// Flips one base64url character to another that keeps the segment canonical.
fn flip_char(segment: &str, at: usize) -> String {
    let mut b = segment.as_bytes().to_vec();
    b[at] = if b[at] == b'A' { b'B' } else { b'A' };
    String::from_utf8(b).unwrap()
}

fn negative(name: &str, token: &str, now: i64, error: ErrorKind) -> Value {
    json!({
        "name": name,
        "recipient": "bob.service",
        "token": token,
        "now": now,
        "mode": "directory",
        "error": error.name(),
    })
}

fn with(mut v: Value, key: &str, value: Value) -> Value {
    v.as_object_mut().unwrap().insert(key.into(), value);
    v
}

fn generate() -> Value {
    let w = World::new();
    let mut positive = Vec::new();

    let claims = br#"{"sub":"order-service","scope":["read","write"],"n":1}"#;
    let basic = create(
        &w,
        "basic",
        "alice.service",
        "bob.service",
        claims,
        T0,
        300,
        CreateOptions::default(),
    );
    positive.push(basic.entry.clone());
    positive.push(
        create(
            &w,
            "empty",
            "alice.service",
            "bob.service",
            b"",
            T0 + 1,
            60,
            CreateOptions::default(),
        )
        .entry,
    );
    let binary: Vec<u8> = (0..=255u8).collect();
    positive.push(
        create(
            &w,
            "binary",
            "alice.service",
            "bob.service",
            &binary,
            T0 + 2,
            3600,
            CreateOptions::default(),
        )
        .entry,
    );
    let unicode = "{\"msg\":\"grüße, 世界 🚀\",\"quote\":\"\\\"\"}".as_bytes();
    positive.push(
        create(
            &w,
            "unicode-names",
            "carol.service",
            "bob.service",
            unicode,
            T0 + 3,
            120,
            CreateOptions::default(),
        )
        .entry,
    );
    let opts = CreateOptions {
        not_before: Some(T0 + 10),
        jti: Some("req-7f3a\"quoted\"".into()),
        cty: Some("json".into()),
        ..CreateOptions::default()
    };
    let optional = create(
        &w,
        "optional-members",
        "alice.service",
        "bob.service",
        claims,
        T0 + 10,
        600,
        opts,
    );
    positive.push(optional.entry.clone());
    positive.push(
        create(
            &w,
            "reverse-direction",
            "bob.service",
            "alice.service",
            claims,
            T0 + 4,
            300,
            CreateOptions::default(),
        )
        .entry,
    );
    let big: Vec<u8> = (0..64 * 1024)
        .map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let big = create(
        &w,
        "payload-64KiB",
        "alice.service",
        "bob.service",
        &big,
        T0 + 5,
        300,
        CreateOptions::default(),
    );
    let big_len = big.token.len();
    positive.push(with(big.entry, "max_token_len", json!(256 * 1024)));

    let t = &basic.token;
    let (h, p, s) = parts(t);
    let exp = T0 + 300;
    let mut neg = Vec::new();
    use ErrorKind::*;

    // §4.1 structure.
    neg.push(negative("empty-token", "", T0, Malformed));
    neg.push(negative("one-segment", &h, T0, Malformed));
    neg.push(negative("two-segments", &format!("{h}.{p}"), T0, Malformed));
    neg.push(negative(
        "four-segments",
        &format!("{t}.{s}"),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "empty-signature",
        &format!("{h}.{p}."),
        T0,
        Malformed,
    ));
    neg.push(negative("padding", &format!("{t}="), T0, Malformed));
    neg.push(negative(
        "plus-in-signature",
        &format!("{h}.{p}.+{}", &s[1..]),
        T0,
        Malformed,
    ));
    let mut plus = s.clone();
    plus.replace_range(0..1, "/");
    neg.push(negative(
        "slash-in-signature",
        &format!("{h}.{p}.{plus}"),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "whitespace",
        &format!("{h}.{p}. {s}"),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "trailing-newline",
        &format!("{t}\n"),
        T0,
        Malformed,
    ));
    // 32 bytes are 43 characters whose last carries 2 unused bits: make them non-zero.
    let mut bits = s.clone();
    let last = bits.pop().unwrap();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let idx = alphabet.find(last).unwrap();
    bits.push(alphabet.as_bytes()[(idx & !3) | 1] as char);
    neg.push(negative(
        "non-zero-trailing-bits",
        &format!("{h}.{p}.{bits}"),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "short-signature",
        &format!("{h}.{p}.{}", &s[..40]),
        T0,
        Malformed,
    ));
    neg.push(with(
        negative("too-long", t, T0, Malformed),
        "policy",
        json!({"max_token_len": t.len() - 1}),
    ));
    neg.push(negative(
        "payload-64KiB-over-default-limit",
        &positive.last().unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned(),
        T0 + 5,
        Malformed,
    ));
    assert!(big_len > 64 * 1024);

    // §4.2 header.
    let raw = |header: &str| format!("{}.{p}.{s}", b64::encode(header.as_bytes()));
    neg.push(negative(
        "header-not-json",
        &raw("{\"alg\":"),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "header-not-object",
        &raw("[\"HS256\"]"),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "header-deeply-nested",
        &raw(&format!(
            "{{\"iss\":{}{}}}",
            "[".repeat(500),
            "]".repeat(500)
        )),
        T0,
        Malformed,
    ));
    let hx = |edit: &dyn Fn(&str) -> String| with_header(&basic, edit);
    neg.push(negative(
        "duplicate-member",
        &hx(&|h| {
            h.replacen(
                "\"iss\":\"alice.service\"",
                "\"iss\":\"alice.service\",\"iss\":\"carol.service\"",
                1,
            )
        }),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "alg-none",
        &hx(&|h| h.replace("\"HS256\"", "\"none\"")),
        T0,
        UnsupportedAlgorithm,
    ));
    neg.push(negative(
        "alg-None",
        &hx(&|h| h.replace("\"HS256\"", "\"None\"")),
        T0,
        UnsupportedAlgorithm,
    ));
    neg.push(negative(
        "alg-lowercase",
        &hx(&|h| h.replace("\"HS256\"", "\"hs256\"")),
        T0,
        UnsupportedAlgorithm,
    ));
    neg.push(negative(
        "alg-HS512",
        &hx(&|h| h.replace("\"HS256\"", "\"HS512\"")),
        T0,
        UnsupportedAlgorithm,
    ));
    neg.push(negative(
        "alg-RS256",
        &hx(&|h| h.replace("\"HS256\"", "\"RS256\"")),
        T0,
        UnsupportedAlgorithm,
    ));
    neg.push(negative(
        "alg-not-string",
        &hx(&|h| h.replace("\"HS256\"", "256")),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "alg-missing",
        &hx(&|h| h.replace("\"alg\":\"HS256\",", "")),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "context-wrong",
        &hx(&|h| h.replace("HX1-X25519-A256KW-A256GCM", "HX2-X25519-A256KW-A256GCM")),
        T0,
        UnsupportedAlgorithm,
    ));
    neg.push(negative(
        "context-missing",
        &hx(&|h| {
            h.replace(
                ",\"channelSecurityContext\":\"HX1-X25519-A256KW-A256GCM\"",
                "",
            )
        }),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "unknown-member",
        &hx(&|h| h.replace("}", ",\"zip\":\"DEF\"}")),
        T0,
        UnknownHeader,
    ));
    neg.push(negative(
        "header-supplied-jwk",
        &hx(&|h| h.replace("}", ",\"jwk\":{\"kty\":\"OKP\"}}")),
        T0,
        UnknownHeader,
    ));
    neg.push(negative(
        "crit",
        &hx(&|h| h.replace("}", ",\"crit\":[\"exp\"]}")),
        T0,
        UnknownHeader,
    ));
    neg.push(negative(
        "typ-wrong",
        &hx(&|h| h.replace("\"JWT\"", "\"JOSE\"")),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "iss-not-string",
        &hx(&|h| h.replace("\"alice.service\"", "[\"alice.service\"]")),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "aud-array",
        &hx(&|h| h.replace("\"bob.service\"", "[\"bob.service\"]")),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "iss-empty",
        &hx(&|h| h.replace("\"alice.service\"", "\"\"")),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "iat-float",
        &hx(&|h| h.replace(&format!("\"iat\":{T0}"), &format!("\"iat\":{T0}.0"))),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "iat-string",
        &hx(&|h| h.replace(&format!("\"iat\":{T0}"), &format!("\"iat\":\"{T0}\""))),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "iat-negative",
        &hx(&|h| h.replace(&format!("\"iat\":{T0}"), "\"iat\":-1")),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "exp-over-2^53",
        &hx(&|h| h.replace(&format!("\"exp\":{exp}"), "\"exp\":9007199254740993")),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "exp-huge",
        &hx(&|h| h.replace(&format!("\"exp\":{exp}"), "\"exp\":1e400")),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "exp-not-after-iat",
        &hx(&|h| h.replace(&format!("\"exp\":{exp}"), &format!("\"exp\":{T0}"))),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "exp-missing",
        &hx(&|h| h.replace(&format!(",\"exp\":{exp}"), "")),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "kid-wrong-length",
        &hx(&|h| h.replacen("\"kid\":\"", "\"kid\":\"AAAA", 1)),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "jti-control-character",
        &hx(&|h| h.replace("}", ",\"jti\":\"a\\u0000b\"}")),
        T0,
        Malformed,
    ));
    neg.push(negative(
        "jti-too-long",
        &hx(&|h| h.replace("}", &format!(",\"jti\":\"{}\"}}", "j".repeat(129)))),
        T0,
        Malformed,
    ));

    // §4.3 audience.
    let for_carol = create(
        &w,
        "for-carol",
        "alice.service",
        "carol.service",
        claims,
        T0,
        300,
        CreateOptions::default(),
    );
    neg.push(negative(
        "wrong-audience",
        &for_carol.token,
        T0,
        WrongAudience,
    ));
    neg.push(negative(
        "aud-case-differs",
        &hx(&|h| h.replace("\"bob.service\"", "\"Bob.service\"")),
        T0,
        WrongAudience,
    ));

    // §4.4 sender.
    let from_mallory = create(
        &w,
        "from-mallory",
        "mallory.service",
        "bob.service",
        claims,
        T0,
        300,
        CreateOptions::default(),
    );
    neg.push(negative(
        "unknown-issuer",
        &from_mallory.token,
        T0,
        UnknownIssuer,
    ));
    neg.push(with(
        with(
            negative("issuer-mismatch", t, T0, IssuerMismatch),
            "mode",
            json!("shared"),
        ),
        "sender_jwk",
        w.id("carol.service").machine_token().to_jwk_value(),
    ));
    neg.push(with(
        negative("resolver-failed", t, T0, ResolverFailed),
        "directory_fails",
        json!(true),
    ));

    // §4.5 keys.
    let low_order = json!({"kty":"OKP","crv":"X25519","kid":"alice.service","use":"enc","x": b64::encode(&[0u8; 32])});
    neg.push(with(
        with(
            negative("low-order-sender-key", t, T0, InvalidKey),
            "mode",
            json!("shared"),
        ),
        "sender_jwk",
        low_order,
    ));
    let mut order2 = [0u8; 32];
    order2[0] = 1;
    let order2 = json!({"kty":"OKP","crv":"X25519","kid":"alice.service","use":"enc","x": b64::encode(&order2)});
    neg.push(with(
        with(
            negative("order-2-sender-key", t, T0, InvalidKey),
            "mode",
            json!("shared"),
        ),
        "sender_jwk",
        order2,
    ));
    let impostor = json!({"kty":"OKP","crv":"X25519","kid":"alice.service","use":"enc",
        "x": b64::encode(w.id("mallory.service").machine_token().public_key())});
    neg.push(with(
        with(
            negative("wrong-sender-key", t, T0, InvalidSignature),
            "mode",
            json!("shared"),
        ),
        "sender_jwk",
        impostor,
    ));
    neg.push(negative(
        "mallory-claims-to-be-alice",
        &with_header(&from_mallory, |h| {
            h.replace("mallory.service", "alice.service")
        }),
        T0,
        InvalidSignature,
    ));
    let kid_at = header_text(t).find("\"kid\":\"").unwrap() + 7 + 40;
    let mut hdr = header_text(t);
    let tampered_kid = flip_char(&hdr[kid_at..kid_at + 1], 0);
    hdr.replace_range(kid_at..kid_at + 1, &tampered_kid);
    neg.push(negative(
        "kid-tampered",
        &format!("{}.{p}.{s}", b64::encode(hdr.as_bytes())),
        T0,
        InvalidSignature,
    ));

    // §4.6 signature.
    neg.push(negative(
        "signature-tampered",
        &format!("{h}.{p}.{}", flip_char(&s, 10)),
        T0,
        InvalidSignature,
    ));
    neg.push(negative(
        "payload-tampered",
        &format!("{h}.{}.{s}", flip_char(&p, 20)),
        T0,
        InvalidSignature,
    ));
    neg.push(negative(
        "header-iat-changed",
        &format!(
            "{}.{p}.{s}",
            b64::encode(
                header_text(t)
                    .replace(&format!("\"iat\":{T0}"), &format!("\"iat\":{}", T0 + 1))
                    .as_bytes()
            )
        ),
        T0 + 1,
        InvalidSignature,
    ));
    neg.push(negative(
        "signature-of-another-token",
        &format!("{h}.{p}.{}", parts(&for_carol.token).2),
        T0,
        InvalidSignature,
    ));

    // §4.7 time.
    neg.push(negative("expired-at-exp", t, exp, Expired));
    neg.push(with(
        negative("expired-beyond-leeway", t, exp + 30, Expired),
        "policy",
        json!({"leeway": 30}),
    ));
    neg.push(negative("issued-in-future", t, T0 - 1, NotYetValid));
    neg.push(with(
        negative("issued-in-future-beyond-leeway", t, T0 - 11, NotYetValid),
        "policy",
        json!({"leeway": 10}),
    ));
    let nbf_tok = create(
        &w,
        "not-before",
        "alice.service",
        "bob.service",
        claims,
        T0,
        300,
        CreateOptions {
            not_before: Some(T0 + 60),
            ..CreateOptions::default()
        },
    );
    neg.push(negative("not-before", &nbf_tok.token, T0 + 59, NotYetValid));
    neg.push(with(
        negative("lifetime-too-long", t, T0, LifetimeTooLong),
        "policy",
        json!({"max_lifetime": 299}),
    ));

    // §4.8 decryption: a correctly signed token whose ciphertext is corrupted.
    let payload_json = String::from_utf8(b64::decode(&p, "p").unwrap()).unwrap();
    let enc_at = "{\"enc\":\"".len() + 20;
    let mut bad_payload = payload_json.clone();
    let flipped = flip_char(&bad_payload[enc_at..enc_at + 1], 0);
    bad_payload.replace_range(enc_at..enc_at + 1, &flipped);
    neg.push(negative(
        "ciphertext-corrupted-but-signed",
        &sign(&basic.mac_key, &h, &b64::encode(bad_payload.as_bytes())),
        T0,
        DecryptionFailed,
    ));
    let other_header = with_header(&basic, |h| {
        h.replace(&format!("\"exp\":{exp}"), &format!("\"exp\":{}", exp + 1))
    });
    neg.push(negative(
        "aad-mismatch-but-signed",
        &other_header,
        T0,
        DecryptionFailed,
    ));
    neg.push(negative(
        "payload-extra-member-but-signed",
        &sign(
            &basic.mac_key,
            &h,
            &b64::encode(payload_json.replace("}", ",\"x\":1}").as_bytes()),
        ),
        T0,
        Malformed,
    ));

    // §4.9 replay.
    neg.push(with(
        negative("replayed", t, T0, Replayed),
        "replay",
        json!(true),
    ));
    neg.push(with(
        negative("replayed-with-jti", &optional.token, T0 + 10, Replayed),
        "replay",
        json!(true),
    ));

    let identities: Map<String, Value> = w
        .ids
        .iter()
        .map(|i| {
            (
                i.name().to_owned(),
                serde_json::from_str(&i.to_private_jwk()).unwrap(),
            )
        })
        .collect();
    json!({
        "description": "hxjwt HX1 vectors, generated by core/tests/vectors.rs; format in tests/vectors/README.md",
        "identities": identities,
        "directory": w.directory_jwks(),
        "positive": positive,
        "negative": neg,
    })
}

struct FailingDirectory;
impl Directory for FailingDirectory {
    fn resolve(&self, _: &str) -> hxjwt::Result<Option<MachineToken>> {
        Err(Error::new(
            ErrorKind::ResolverFailed,
            "the directory is down (test)",
        ))
    }
}

fn identity(v: &Value, name: &str) -> Identity {
    Identity::from_jwk(&v["identities"][name].to_string()).unwrap()
}

fn check_positive(v: &Value, dir: &Arc<MemoryDirectory>, e: &Value) {
    let name = e["name"].as_str().unwrap();
    let sender = identity(v, e["sender"].as_str().unwrap());
    let recipient = identity(v, e["recipient"].as_str().unwrap());
    let iat = e["iat"].as_i64().unwrap();
    let exp = e["exp"].as_i64().unwrap();
    let plaintext = b64::decode(e["plaintext_b64url"].as_str().unwrap(), "pt").unwrap();
    let m: [u8; 64] = hex::decode(e["M_hex"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let iv: [u8; 12] = hex::decode(e["iv_hex"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let opts = CreateOptions {
        ttl: u64::try_from(exp - iat).unwrap(),
        not_before: e["nbf"].as_i64(),
        jti: e["jti"].as_str().map(str::to_owned),
        cty: e["cty"].as_str().map(str::to_owned),
    };
    let mut policy = Policy::default();
    if let Some(max) = e["max_token_len"].as_u64() {
        policy.max_token_len = usize::try_from(max).unwrap();
    }
    // The sender applies the vector's limit too: create makes no token over its own.
    let a = Endpoint::new(sender.clone())
        .with_clock(FixedClock(iat))
        .with_policy(policy.clone());
    let token = dangerous::hx1_create_with_material(
        &a,
        &recipient.machine_token(),
        &plaintext,
        &opts,
        &m,
        &iv,
    )
    .unwrap();
    assert_eq!(token, e["token"].as_str().unwrap(), "{name}: token differs");

    let b = Endpoint::new(recipient.clone())
        .with_clock(FixedClock(iat))
        .with_policy(policy)
        .with_shared_directory(dir.clone());
    for msg in [
        b.validate(&token).unwrap(),
        b.validate_from(&token, &sender.machine_token()).unwrap(),
    ] {
        assert_eq!(msg.payload(), &plaintext[..], "{name}");
        assert_eq!(msg.issuer(), sender.name());
        assert_eq!(msg.audience(), recipient.name());
        assert_eq!((msg.issued_at(), msg.expires_at()), (iat, exp));
        assert_eq!(msg.not_before(), e["nbf"].as_i64());
        assert_eq!(msg.jti(), e["jti"].as_str());
        assert_eq!(msg.content_type(), e["cty"].as_str());
    }
}

fn check_negative(v: &Value, dir: &Arc<MemoryDirectory>, e: &Value) -> Error {
    let name = e["name"].as_str().unwrap();
    let want = ErrorKind::from_name(e["error"].as_str().unwrap()).unwrap();
    let recipient = identity(v, e["recipient"].as_str().unwrap());
    let mut policy = Policy::default();
    let p = &e["policy"];
    if let Some(x) = p["leeway"].as_u64() {
        policy.leeway = x;
    }
    policy.max_lifetime = p["max_lifetime"].as_u64();
    if let Some(x) = p["max_token_len"].as_u64() {
        policy.max_token_len = usize::try_from(x).unwrap();
    }
    if let Some(a) = p["audiences"].as_array() {
        policy.audiences = a.iter().map(|s| s.as_str().unwrap().to_owned()).collect();
    }
    let directory: Arc<dyn Directory> = if e["directory_fails"].as_bool() == Some(true) {
        Arc::new(FailingDirectory)
    } else {
        dir.clone()
    };
    let mut ep = Endpoint::new(recipient)
        .with_clock(FixedClock(e["now"].as_i64().unwrap()))
        .with_policy(policy)
        .with_shared_directory(directory);
    let token = e["token"].as_str().unwrap();
    let run = |ep: &Endpoint| -> hxjwt::Result<hxjwt::Message> {
        match e["mode"].as_str().unwrap() {
            "directory" => ep.validate(token),
            "shared" => {
                let sender = MachineToken::from_jwk(&e["sender_jwk"].to_string())?;
                ep.validate_from(token, &sender)
            }
            other => panic!("{name}: unknown mode {other}"),
        }
    };
    if e["replay"].as_bool() == Some(true) {
        ep.set_replay_protection(true);
        run(&ep).unwrap_or_else(|err| panic!("{name}: first validation failed: {err}"));
    }
    let err = run(&ep).map(|_| ()).expect_err(name);
    assert_eq!(err.kind(), want, "{name}: {err}");
    err
}

#[test]
fn vectors_file_is_what_the_generator_makes() {
    let generated = serde_json::to_string_pretty(&generate()).unwrap() + "\n";
    if std::env::var_os("HXJWT_BLESS").is_some() {
        std::fs::write(PATH, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        committed == generated,
        "tests/vectors/hx1.json is stale: run `make vectors`"
    );
}

#[test]
fn every_vector_holds() {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(PATH).unwrap()).unwrap();
    let dir = Arc::new(MemoryDirectory::from_jwks(&v["directory"].to_string()).unwrap());
    let positive = v["positive"].as_array().unwrap();
    let negative = v["negative"].as_array().unwrap();
    assert!(positive.len() >= 7 && negative.len() >= 60);
    for e in positive {
        check_positive(&v, &dir, e);
    }
    let secrets: Vec<String> = v["identities"]
        .as_object()
        .unwrap()
        .values()
        .map(|jwk| jwk["d"].as_str().unwrap().to_owned())
        .collect();
    let mut kinds = std::collections::HashSet::new();
    for e in negative {
        let err = check_negative(&v, &dir, e);
        kinds.insert(err.kind());
        let text = format!("{err} {err:?}");
        for d in &secrets {
            assert!(
                !text.contains(d.as_str()),
                "{}: message leaks a key",
                e["name"]
            );
        }
        assert!(text.len() < 400, "{}: message too long: {text}", e["name"]);
    }
    // Every kind validation can produce has a vector.
    for k in ErrorKind::ALL {
        if !matches!(
            k,
            ErrorKind::InvalidArgument
                | ErrorKind::Internal
                | ErrorKind::MissingClaim
                | ErrorKind::InvalidClaim
                | ErrorKind::KeyNotFound
                | ErrorKind::Revoked
                | ErrorKind::StoreUnavailable
        ) {
            assert!(kinds.contains(&k), "no negative vector for {k}");
        }
    }
}

#[test]
fn callback_directory_failure_is_resolver_failed() {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(PATH).unwrap()).unwrap();
    let token = v["positive"][0]["token"].as_str().unwrap();
    let b = Endpoint::new(identity(&v, "bob.service"))
        .with_clock(FixedClock(T0))
        .with_directory(CallbackDirectory::new(|_: &str| {
            Err(Error::new(ErrorKind::InvalidArgument, "boom"))
        }));
    let e = b.validate(token).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ResolverFailed);
    assert!(e.detail().contains("boom"));
}
