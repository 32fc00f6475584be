//! hxjwt against the Rust JWT peers on the same JWS work, in one process, interleaved in rounds
//! (`benchkit::interleave`: A B C D, B C D A, …) so that the machine's drift falls on every side
//! alike: `jsonwebtoken` (aws_lc_rs backend), `jwt-simple` (default features off: pure Rust),
//! `oxitoken` (default features off, over aws-lc-rs through `ox.rs`), and for ES256, EdDSA and
//! RS256 aws-lc's own verify of the signing input (the primitive, the bound of a decode). The same
//! claims (sub, name, iat, exp, aud, iss), keys parsed once, and the same checks: the algorithm,
//! the signature, `exp` (leeway 0, the system clock), `aud` and `iss` — every peer does all of
//! them (see `CHECKS`). Also: heap allocations per call (the counting allocator, 200 calls after
//! timing), an HS256 decode into a borrowed claims type (`decode_bytes` + `serde_json` borrowed),
//! and 1 vs 2 threads for small HS256 tokens and 16 KiB asymmetric ones.
//!
//! `peers [results.json]`; `BENCH_SCALE=0.1` for a quick run. See bench/README.md.

mod ox;

use std::hint::black_box;

use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, ED25519, EcdsaKeyPair,
    Ed25519KeyPair, ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RsaKeyPair, VerificationAlgorithm,
};
use benchkit::{Counting, Results, Side, allocs_per_call, interleave, key_path, spread, unix_now};
use hxjwt::jws::{self, Header, Key, KeyType, Validation};
use jwt_simple::prelude as js;
use jwt_simple::prelude::{
    ECDSAP256KeyPairLike, ECDSAP256PublicKeyLike, EdDSAKeyPairLike, EdDSAPublicKeyLike, MACLike,
    RSAKeyPairLike, RSAPublicKeyLike,
};
use ox::{OxSigner, OxVerifier};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[global_allocator]
static ALLOC: Counting = Counting;

/// Timed rounds (after the untimed warm-up round).
const ROUNDS: usize = 9;

/// Which of the harness's checks each peer makes (all of them, configured as below).
const CHECKS: &[(&str, &str)] = &[
    (
        "hxjwt",
        "alg list, signature, exp (leeway 0), aud, iss; strict JSON (duplicates refused)",
    ),
    (
        "jsonwebtoken/aws_lc_rs",
        "alg, signature, exp (leeway 0), aud, iss (required: exp, aud, iss)",
    ),
    (
        "oxitoken",
        "alg (header = key's), signature, exp, aud, iss (its pipeline's validators)",
    ),
    (
        "jwt-simple",
        "alg, signature, exp (time_tolerance 0), aud, iss; also iat not in the future",
    ),
];

#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    name: String,
    iat: i64,
    exp: i64,
    aud: String,
    iss: String,
}

/// The same claims deserialized without a copy of the strings.
#[derive(Deserialize)]
struct BorrowedClaims<'a> {
    #[serde(borrow)]
    sub: &'a str,
    #[serde(borrow)]
    name: &'a str,
    iat: i64,
    exp: i64,
    #[serde(borrow)]
    aud: &'a str,
    #[serde(borrow)]
    iss: &'a str,
}

/// The claims plus `data`, a payload of 16 KiB (the thread rows' large tokens).
#[derive(Serialize, Deserialize)]
struct BigClaims {
    sub: String,
    name: String,
    iat: i64,
    exp: i64,
    aud: String,
    iss: String,
    data: String,
}

impl oxitoken::claims::Iss for Claims {
    fn iss(&self) -> &str {
        &self.iss
    }
}
impl oxitoken::claims::Aud for Claims {
    fn aud(&self) -> impl Iterator<Item = impl AsRef<str>> {
        std::iter::once(self.aud.as_str())
    }
}
impl oxitoken::claims::Exp for Claims {
    fn exp(&self) -> i64 {
        self.exp
    }
}

#[derive(Serialize, Deserialize)]
struct OxHeader {
    alg: oxitoken::Algorithm,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    typ: Option<String>,
}
impl oxitoken::header::Alg for OxHeader {
    fn alg(&self) -> oxitoken::Algorithm {
        self.alg
    }
}

/// jwt-simple's custom claims (the registered ones are its own `JWTClaims` fields).
#[derive(Clone, Serialize, Deserialize)]
struct JsCustom {
    name: String,
}

const AUD: &str = "api.example.com";
const ISS: &str = "https://login.example.com";

fn b64_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn pem_text(file: &str) -> String {
    std::fs::read_to_string(key_path(file)).expect("test key")
}

fn pem_der(file: &str) -> Vec<u8> {
    let text = pem_text(file);
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    b64_decode(&body)
}

/// The signing input and the decoded signature of a compact JWS.
fn split(token: &str) -> (Vec<u8>, Vec<u8>) {
    let dot = token.rfind('.').expect("three parts");
    (
        token.as_bytes()[..dot].to_vec(),
        b64_decode(&token[dot + 1..]),
    )
}

/// One algorithm's keys in each library's form.
struct Case {
    alg: &'static str,
    hx_sign: Key,
    hx_verify: Key,
    jt_enc: jsonwebtoken::EncodingKey,
    jt_dec: jsonwebtoken::DecodingKey,
    ox_sign: OxSigner,
    ox_verify_bytes: Vec<u8>,
    js: JsKeys,
}

enum JsKeys {
    Hs(js::HS256Key),
    Es(js::ES256KeyPair, js::ES256PublicKey),
    Ed(js::Ed25519KeyPair, js::Ed25519PublicKey),
    Rs(Box<js::RS256KeyPair>, Box<js::RS256PublicKey>),
}

fn cases() -> Vec<Case> {
    let secret = [0x5a_u8; 32];
    let hx = |file: &str| Key::from_pem(&pem_text(file)).expect("pem key");
    vec![
        Case {
            alg: "HS256",
            hx_sign: Key::from_secret(secret).expect("secret"),
            hx_verify: Key::from_secret(secret).expect("secret"),
            jt_enc: jsonwebtoken::EncodingKey::from_secret(&secret),
            jt_dec: jsonwebtoken::DecodingKey::from_secret(&secret),
            ox_sign: OxSigner::Hs256(Box::new(aws_lc_rs::hmac::Key::new(
                aws_lc_rs::hmac::HMAC_SHA256,
                &secret,
            ))),
            ox_verify_bytes: Vec::new(),
            js: JsKeys::Hs(js::HS256Key::from_bytes(&secret)),
        },
        Case {
            alg: "ES256",
            hx_sign: hx("ec-P-256.pkcs8.pem"),
            hx_verify: hx("ec-P-256.spki.pem"),
            jt_enc: jsonwebtoken::EncodingKey::from_ec_pem(
                pem_text("ec-P-256.pkcs8.pem").as_bytes(),
            )
            .expect("ec"),
            jt_dec: jsonwebtoken::DecodingKey::from_ec_pem(
                pem_text("ec-P-256.spki.pem").as_bytes(),
            )
            .expect("ec"),
            ox_sign: OxSigner::Es256(
                EcdsaKeyPair::from_pkcs8(
                    &ECDSA_P256_SHA256_FIXED_SIGNING,
                    &pem_der("ec-P-256.pkcs8.pem"),
                )
                .expect("ec"),
            ),
            ox_verify_bytes: Vec::new(),
            js: JsKeys::Es(
                js::ES256KeyPair::from_pem(&pem_text("ec-P-256.pkcs8.pem")).expect("ec"),
                js::ES256PublicKey::from_pem(&pem_text("ec-P-256.spki.pem")).expect("ec"),
            ),
        },
        Case {
            alg: "EdDSA",
            hx_sign: hx("ed25519.pkcs8.pem"),
            hx_verify: hx("ed25519.spki.pem"),
            jt_enc: jsonwebtoken::EncodingKey::from_ed_pem(
                pem_text("ed25519.pkcs8.pem").as_bytes(),
            )
            .expect("ed"),
            jt_dec: jsonwebtoken::DecodingKey::from_ed_pem(pem_text("ed25519.spki.pem").as_bytes())
                .expect("ed"),
            ox_sign: OxSigner::EdDsa(
                Ed25519KeyPair::from_pkcs8_maybe_unchecked(&pem_der("ed25519.pkcs8.pem"))
                    .expect("ed"),
            ),
            ox_verify_bytes: Vec::new(),
            js: JsKeys::Ed(
                js::Ed25519KeyPair::from_pem(&pem_text("ed25519.pkcs8.pem")).expect("ed"),
                js::Ed25519PublicKey::from_pem(&pem_text("ed25519.spki.pem")).expect("ed"),
            ),
        },
        Case {
            alg: "RS256",
            hx_sign: hx("rsa2048.pkcs8.pem"),
            hx_verify: hx("rsa2048.spki.pem"),
            jt_enc: jsonwebtoken::EncodingKey::from_rsa_pem(
                pem_text("rsa2048.pkcs8.pem").as_bytes(),
            )
            .expect("rsa"),
            jt_dec: jsonwebtoken::DecodingKey::from_rsa_pem(
                pem_text("rsa2048.spki.pem").as_bytes(),
            )
            .expect("rsa"),
            ox_sign: OxSigner::Rs256(
                RsaKeyPair::from_pkcs8(&pem_der("rsa2048.pkcs8.pem")).expect("rsa"),
            ),
            ox_verify_bytes: Vec::new(),
            js: JsKeys::Rs(
                Box::new(js::RS256KeyPair::from_pem(&pem_text("rsa2048.pkcs8.pem")).expect("rsa")),
                Box::new(js::RS256PublicKey::from_pem(&pem_text("rsa2048.spki.pem")).expect("rsa")),
            ),
        },
    ]
    .into_iter()
    .map(|mut c| {
        c.ox_verify_bytes = ox::public_bytes(&c.ox_sign);
        c
    })
    .collect()
}

/// aws-lc's parsed public key for the algorithm (None for HS256).
fn aws_public(alg: &str, bytes: &[u8]) -> Option<(oxitoken::Algorithm, ParsedPublicKey)> {
    let (a, p): (_, &'static dyn VerificationAlgorithm) = match alg {
        "ES256" => (oxitoken::Algorithm::ES256, &ECDSA_P256_SHA256_FIXED),
        "EdDSA" => (oxitoken::Algorithm::EdDSA, &ED25519),
        "RS256" => (oxitoken::Algorithm::RS256, &RSA_PKCS1_2048_8192_SHA256),
        _ => return None,
    };
    Some((
        a,
        ParsedPublicKey::new(p, bytes).expect("aws-lc public key"),
    ))
}

fn hx_alg(alg: &str) -> jws::Algorithm {
    alg.parse().expect("algorithm")
}

fn jt_alg(alg: &str) -> jsonwebtoken::Algorithm {
    alg.parse().expect("algorithm")
}

fn ox_alg(alg: &str) -> oxitoken::Algorithm {
    match alg {
        "HS256" => oxitoken::Algorithm::HS256,
        "ES256" => oxitoken::Algorithm::ES256,
        "EdDSA" => oxitoken::Algorithm::EdDSA,
        _ => oxitoken::Algorithm::RS256,
    }
}

/// One row per side of an interleaved comparison; `speedup` of a side = its time / hxjwt's
/// (side 0), taken within each round (median, smallest, largest over rounds).
fn emit(results: &mut Results, op: &str, sides: &mut [Side<'_>], rounds: &[Vec<f64>]) {
    for (i, (imp, f)) in sides.iter_mut().enumerate() {
        let (allocs, bytes) = allocs_per_call(200, f);
        let (med, lo, hi) = spread(&rounds[i]);
        let ratios: Vec<f64> = rounds[i]
            .iter()
            .zip(&rounds[0])
            .map(|(a, b)| a / b)
            .collect();
        let (r, rlo, rhi) = spread(&ratios);
        results.extra(json!({"group": "peers", "op": op, "impl": imp,
            "median_ns": med, "min_ns": lo, "max_ns": hi, "rounds_ns": rounds[i],
            "allocs_per_op": allocs, "bytes_per_op": bytes,
            "ratio_to_hxjwt": r, "ratio_to_hxjwt_min": rlo, "ratio_to_hxjwt_max": rhi}));
    }
}

fn compare(results: &mut Results, secs: f64) {
    let now = unix_now();
    let claims = Claims {
        sub: "user-7".into(),
        name: "Ada Lovelace".into(),
        iat: now - 60,
        exp: now + 3600,
        aud: AUD.into(),
        iss: ISS.into(),
    };
    let js_claims = js::JWTClaims {
        issued_at: Some(js::Duration::from_secs((now - 60) as u64)),
        expires_at: Some(js::Duration::from_secs((now + 3600) as u64)),
        invalid_before: None,
        issuer: Some(ISS.into()),
        subject: Some("user-7".into()),
        audiences: Some(js::Audiences::AsString(AUD.into())),
        jwt_id: None,
        nonce: None,
        custom: JsCustom {
            name: "Ada Lovelace".into(),
        },
    };
    let mut js_opts = js::VerificationOptions {
        allowed_issuers: Some(js::HashSet::from([ISS.to_string()])),
        allowed_audiences: Some(js::HashSet::from([AUD.to_string()])),
        time_tolerance: Some(js::Duration::from_secs(0)),
        ..Default::default()
    };
    js_opts.max_validity = None;
    for case in cases() {
        let alg = case.alg;
        let header = Header::new(hx_alg(alg));
        let mut hv = Validation::new(&[hx_alg(alg)])
            .audience(&[AUD])
            .issuer(&[ISS]);
        hv.leeway = 0;
        let jt_header = jsonwebtoken::Header::new(jt_alg(alg));
        let mut jv = jsonwebtoken::Validation::new(jt_alg(alg));
        jv.leeway = 0;
        jv.set_audience(&[AUD]);
        jv.set_issuer(&[ISS]);
        jv.set_required_spec_claims(&["exp", "aud", "iss"]);
        let ox_header = OxHeader {
            alg: ox_alg(alg),
            typ: Some("JWT".into()),
        };
        let ox_verifier = match aws_public(alg, &case.ox_verify_bytes) {
            Some((a, k)) => OxVerifier::Public(a, k),
            None => OxVerifier::Hmac(Box::new(aws_lc_rs::hmac::Key::new(
                aws_lc_rs::hmac::HMAC_SHA256,
                &[0x5a; 32],
            ))),
        };
        let ox_pipeline = oxitoken::validation::ValidationPipeline::<OxHeader, Claims, _>::builder(
            oxitoken::validation::StaticKeyProvider::new(ox_verifier),
        )
        .with_issuer_validator(ISS)
        .with_audience_validator(AUD)
        .with_expiration_validator()
        .build();
        let js_encode = |c: &js::JWTClaims<JsCustom>| -> String {
            match &case.js {
                JsKeys::Hs(k) => k.authenticate(c.clone()),
                JsKeys::Es(k, _) => k.sign(c.clone()),
                JsKeys::Ed(k, _) => k.sign(c.clone()),
                JsKeys::Rs(k, _) => k.sign(c.clone()),
            }
            .expect("jwt-simple encode")
        };
        let js_decode = |t: &str| -> js::JWTClaims<JsCustom> {
            let o = Some(js_opts.clone());
            match &case.js {
                JsKeys::Hs(k) => k.verify_token::<JsCustom>(t, o),
                JsKeys::Es(_, k) => k.verify_token::<JsCustom>(t, o),
                JsKeys::Ed(_, k) => k.verify_token::<JsCustom>(t, o),
                JsKeys::Rs(_, k) => k.verify_token::<JsCustom>(t, o),
            }
            .expect("jwt-simple decode")
        };

        // Every library decodes every other's token before timing.
        let tokens = [
            jws::encode(&header, &claims, &case.hx_sign).expect("hxjwt encode"),
            jsonwebtoken::encode(&jt_header, &claims, &case.jt_enc).expect("jsonwebtoken encode"),
            oxitoken::encoding::encode(&case.ox_sign, &ox_header, &claims).expect("ox encode"),
            js_encode(&js_claims),
        ];
        for t in &tokens {
            let d = jws::decode::<Claims>(t, &case.hx_verify, &hv).expect("hxjwt decodes");
            assert_eq!(d.claims.sub, "user-7");
            let d = jsonwebtoken::decode::<Claims>(t, &case.jt_dec, &jv).expect("jsonwebtoken");
            assert_eq!(d.claims.name, "Ada Lovelace");
            let (_, c) = ox_pipeline.verify(t.as_bytes()).expect("oxitoken decodes");
            assert_eq!(c.aud, AUD);
            let c = js_decode(t);
            assert_eq!(c.custom.name, "Ada Lovelace");
        }
        let token = tokens[0].clone();
        // The checks must bite: an expired token is refused by every side.
        {
            let old = Claims {
                sub: "user-7".into(),
                name: "Ada Lovelace".into(),
                iat: now - 100,
                exp: now - 10,
                aud: AUD.into(),
                iss: ISS.into(),
            };
            let t = jws::encode(&header, &old, &case.hx_sign).expect("encode");
            assert!(jws::decode::<Claims>(&t, &case.hx_verify, &hv).is_err());
            assert!(jsonwebtoken::decode::<Claims>(&t, &case.jt_dec, &jv).is_err());
            assert!(ox_pipeline.verify(t.as_bytes()).is_err());
            let o = Some(js_opts.clone());
            let refused = match &case.js {
                JsKeys::Hs(k) => k.verify_token::<JsCustom>(&t, o).is_err(),
                JsKeys::Es(_, k) => k.verify_token::<JsCustom>(&t, o).is_err(),
                JsKeys::Ed(_, k) => k.verify_token::<JsCustom>(&t, o).is_err(),
                JsKeys::Rs(_, k) => k.verify_token::<JsCustom>(&t, o).is_err(),
            };
            assert!(refused, "jwt-simple refuses an expired token");
        }

        let op = format!("{alg} encode");
        eprintln!("  peers {op}");
        let mut sides: Vec<Side<'_>> = vec![
            (
                "hxjwt".into(),
                Box::new(|| {
                    black_box(
                        jws::encode(black_box(&header), black_box(&claims), &case.hx_sign)
                            .expect("encode"),
                    );
                }),
            ),
            (
                "jsonwebtoken/aws_lc_rs".into(),
                Box::new(|| {
                    black_box(
                        jsonwebtoken::encode(
                            black_box(&jt_header),
                            black_box(&claims),
                            &case.jt_enc,
                        )
                        .expect("encode"),
                    );
                }),
            ),
            (
                "oxitoken".into(),
                Box::new(|| {
                    black_box(
                        oxitoken::encoding::encode(
                            &case.ox_sign,
                            black_box(&ox_header),
                            black_box(&claims),
                        )
                        .expect("encode"),
                    );
                }),
            ),
            (
                "jwt-simple".into(),
                Box::new(|| {
                    black_box(js_encode(black_box(&js_claims)));
                }),
            ),
        ];
        let rounds = interleave(&mut sides, ROUNDS, secs);
        emit(results, &op, &mut sides, &rounds);
        drop(sides);

        let op = format!("{alg} decode");
        eprintln!("  peers {op}");
        let (input, sig) = split(&token);
        let aws = aws_public(alg, &case.ox_verify_bytes);
        let mut sides: Vec<Side<'_>> = vec![
            (
                "hxjwt".into(),
                Box::new(|| {
                    black_box(
                        jws::decode::<Claims>(black_box(&token), &case.hx_verify, &hv)
                            .expect("decode"),
                    );
                }),
            ),
            (
                "jsonwebtoken/aws_lc_rs".into(),
                Box::new(|| {
                    black_box(
                        jsonwebtoken::decode::<Claims>(black_box(&token), &case.jt_dec, &jv)
                            .expect("decode"),
                    );
                }),
            ),
            (
                "oxitoken".into(),
                Box::new(|| {
                    black_box(
                        ox_pipeline
                            .verify(black_box(token.as_bytes()))
                            .expect("decode"),
                    );
                }),
            ),
            (
                "jwt-simple".into(),
                Box::new(|| {
                    black_box(js_decode(black_box(&token)));
                }),
            ),
        ];
        if alg == "HS256" {
            sides.push((
                "hxjwt, borrowed claims".into(),
                Box::new(|| {
                    let data =
                        jws::decode_bytes(black_box(&token), &case.hx_verify, &hv).expect("decode");
                    let c: BorrowedClaims<'_> =
                        serde_json::from_slice(&data.claims).expect("claims");
                    black_box((c.sub, c.name, c.iat, c.exp, c.aud, c.iss));
                }),
            ));
            let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &[0x5a; 32]);
            sides.push((
                "aws-lc verify alone".into(),
                Box::new(move || {
                    aws_lc_rs::hmac::verify(&key, black_box(&input), black_box(&sig))
                        .expect("verify");
                }),
            ));
        } else if let Some((_, k)) = aws {
            sides.push((
                "aws-lc verify alone".into(),
                Box::new(move || {
                    k.verify_sig(black_box(&input), black_box(&sig))
                        .expect("verify");
                }),
            ));
        }
        let rounds = interleave(&mut sides, ROUNDS, secs);
        emit(results, &op, &mut sides, &rounds);
    }
}

/// Where an hxjwt HS256 decode spends its time, from the public API only: the steps one on top
/// of the other (header parse, + payload and signature decode and HMAC, + claims checks, + typed
/// claims), interleaved in rounds with oxitoken's whole decode and aws-lc's HMAC verify alone.
fn breakdown(results: &mut Results, secs: f64) {
    let now = unix_now();
    let claims = Claims {
        sub: "user-7".into(),
        name: "Ada Lovelace".into(),
        iat: now - 60,
        exp: now + 3600,
        aud: AUD.into(),
        iss: ISS.into(),
    };
    let key = Key::from_secret([0x5a; 32]).expect("secret");
    let alg = hx_alg("HS256");
    let mut hv = Validation::new(&[alg]).audience(&[AUD]).issuer(&[ISS]);
    hv.leeway = 0;
    let token = jws::encode(&Header::new(alg), &claims, &key).expect("encode");
    let ox_pipeline = oxitoken::validation::ValidationPipeline::<OxHeader, Claims, _>::builder(
        oxitoken::validation::StaticKeyProvider::new(OxVerifier::Hmac(Box::new(
            aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &[0x5a; 32]),
        ))),
    )
    .with_issuer_validator(ISS)
    .with_audience_validator(AUD)
    .with_expiration_validator()
    .build();
    let (input, sig) = split(&token);
    let hmac = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &[0x5a; 32]);
    let mut sides: Vec<Side<'_>> = vec![
        (
            "hxjwt decode::<Claims> (owned strings)".into(),
            Box::new(|| {
                black_box(jws::decode::<Claims>(black_box(&token), &key, &hv).expect("decode"));
            }),
        ),
        (
            "jws::decode_header (header JSON into a Map)".into(),
            Box::new(|| {
                black_box(jws::decode_header(black_box(&token)).expect("header"));
            }),
        ),
        (
            "jws::verify (header checks, base64, HMAC; no claims checks)".into(),
            Box::new(|| {
                black_box(jws::verify(black_box(&token), &key, &hv).expect("verify"));
            }),
        ),
        (
            "jws::decode_bytes (+ claims view and checks)".into(),
            Box::new(|| {
                black_box(jws::decode_bytes(black_box(&token), &key, &hv).expect("decode"));
            }),
        ),
        (
            "serde_json::from_slice::<Claims> of the claims alone".into(),
            Box::new({
                let bytes = jws::decode_bytes(&token, &key, &hv).expect("decode").claims;
                move || {
                    black_box(serde_json::from_slice::<Claims>(black_box(&bytes)).expect("json"));
                }
            }),
        ),
        (
            "oxitoken whole decode".into(),
            Box::new(|| {
                black_box(
                    ox_pipeline
                        .verify(black_box(token.as_bytes()))
                        .expect("decode"),
                );
            }),
        ),
        (
            "aws-lc hmac::verify alone".into(),
            Box::new(move || {
                aws_lc_rs::hmac::verify(&hmac, black_box(&input), black_box(&sig)).expect("verify");
            }),
        ),
    ];
    eprintln!("  breakdown HS256 decode");
    let rounds = interleave(&mut sides, ROUNDS, secs);
    for (i, (imp, f)) in sides.iter_mut().enumerate() {
        let (allocs, bytes) = allocs_per_call(200, f);
        let (med, lo, hi) = spread(&rounds[i]);
        let ratios: Vec<f64> = rounds[i]
            .iter()
            .zip(&rounds[0])
            .map(|(a, b)| a / b)
            .collect();
        let (r, _, _) = spread(&ratios);
        results.extra(
            json!({"group": "breakdown", "op": "HS256 decode", "impl": imp,
            "median_ns": med, "min_ns": lo, "max_ns": hi, "allocs_per_op": allocs,
            "bytes_per_op": bytes, "ratio_to_whole": r}),
        );
    }
}

/// hxjwt decodes on 1 and 2 threads (one shared key and validation): small HS256 tokens, and
/// tokens carrying 16 KiB of claims for every algorithm. The 1- and 2-thread runs alternate.
fn thread_rows(results: &mut Results) {
    let now = unix_now();
    for case in cases() {
        for size in [0usize, 16 * 1024] {
            let alg = case.alg;
            let claims = BigClaims {
                sub: "user-7".into(),
                name: "Ada Lovelace".into(),
                iat: now - 60,
                exp: now + 3600,
                aud: AUD.into(),
                iss: ISS.into(),
                data: "x".repeat(size),
            };
            let mut hv = Validation::new(&[hx_alg(alg)])
                .audience(&[AUD])
                .issuer(&[ISS]);
            hv.leeway = 0;
            hv.max_token_len = 1 << 20;
            let verifier = if case.hx_verify.key_type() == KeyType::Hmac {
                case.hx_verify.clone()
            } else {
                case.hx_verify.to_public().expect("public")
            };
            let token =
                jws::encode(&Header::new(hx_alg(alg)), &claims, &case.hx_sign).expect("encode");
            jws::decode::<BigClaims>(&token, &verifier, &hv).expect("decode");
            let label = if size == 0 {
                "small".to_string()
            } else {
                "16 KiB".to_string()
            };
            let op = format!("{alg} decode, {label}");
            let mut runs: [Vec<(f64, f64)>; 2] = [Vec::new(), Vec::new()];
            for _ in 0..3 {
                for (i, threads) in [1usize, 2].into_iter().enumerate() {
                    runs[i].push(benchkit::throughput_once(threads, 0.3, || {
                        jws::decode::<BigClaims>(&token, &verifier, &hv).expect("decode")
                    }));
                }
            }
            let med = |v: &[(f64, f64)]| {
                let mut s = v.to_vec();
                s.sort_by(|a, b| a.0.total_cmp(&b.0));
                s[s.len() / 2]
            };
            let (one, two) = (med(&runs[0]), med(&runs[1]));
            let ratios: Vec<f64> = runs[1]
                .iter()
                .zip(&runs[0])
                .map(|(b, a)| b.0 / a.0)
                .collect();
            let (r, rlo, rhi) = spread(&ratios);
            results.extra(json!({"group": "peers-threads", "op": op, "impl": "hxjwt",
                "alg": alg, "payload_bytes": size, "token_bytes": token.len(),
                "ops_per_s_1": one.0, "cpus_busy_1": one.1, "ops_per_s_2": two.0, "cpus_busy_2": two.1,
                "scaling": r, "scaling_min": rlo, "scaling_max": rhi}));
        }
    }
}

/// hxjwt's optional verified-token cache (`jws::CachedVerifier`, issue 16 item 3) against a plain
/// `jws::decode::<Claims>` with the same key and checks, interleaved in rounds: RS256 and ES256,
/// whose signature a hit skips, and HS256, where it does not pay. *hit*: one token decoded again
/// and again; *miss*: 64 tokens in turn through a cache of 32, so that every call verifies in full
/// and inserts (eviction is oldest first: each token left the cache 32 calls before it comes
/// back). Then the memory of 1,000 entries: the peak live heap while filling a cache, per entry.
fn cache_rows(results: &mut Results, secs: f64) {
    const TOKENS: usize = 64;
    const ENTRIES: usize = 1000;
    let now = unix_now();
    for case in cases() {
        let alg = case.alg;
        if !matches!(alg, "RS256" | "ES256" | "HS256") {
            continue;
        }
        let mut hv = Validation::new(&[hx_alg(alg)])
            .audience(&[AUD])
            .issuer(&[ISS]);
        hv.leeway = 0;
        let header = Header::new(hx_alg(alg));
        let make = |i: usize, exp: i64| {
            let claims = Claims {
                sub: format!("user-{i}"),
                name: "Ada Lovelace".into(),
                iat: now - 60,
                exp,
                aud: AUD.into(),
                iss: ISS.into(),
            };
            jws::encode(&header, &claims, &case.hx_sign).expect("encode")
        };
        let tokens: Vec<String> = (0..TOKENS).map(|i| make(i, now + 3600)).collect();
        let hit = jws::CachedVerifier::new(case.hx_verify.clone(), hv.clone(), 1024);
        let miss = jws::CachedVerifier::new(case.hx_verify.clone(), hv.clone(), TOKENS / 2);
        let one = &tokens[0];
        let plain = jws::decode_bytes(one, &case.hx_verify, &hv).expect("decode");
        for _ in 0..2 {
            let served = hit.decode_bytes(one).expect("decode");
            assert!(served == plain, "a hit returns what decode returned");
        }
        // The checks bite on a hit: with a clock the test moves, a cached token is refused once
        // it expires.
        let clock = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(now));
        let read = std::sync::Arc::clone(&clock);
        let moved = hv
            .clone()
            .clock(move || read.load(std::sync::atomic::Ordering::Relaxed));
        let brief = jws::CachedVerifier::new(case.hx_verify.clone(), moved, 4);
        brief.decode::<Claims>(one).expect("decode");
        clock.store(now + 3600, std::sync::atomic::Ordering::Relaxed);
        assert!(brief.decode::<Claims>(one).is_err(), "expired on a hit");
        assert_eq!((brief.stats().hits, brief.len()), (1, 0));

        let op = format!("{alg} decode");
        eprintln!("  cache {op}");
        let mut next = 0usize;
        let mut sides: Vec<Side<'_>> = vec![
            (
                "jws::decode".into(),
                Box::new(|| {
                    black_box(
                        jws::decode::<Claims>(black_box(one), &case.hx_verify, &hv)
                            .expect("decode"),
                    );
                }),
            ),
            (
                "CachedVerifier::decode, hit".into(),
                Box::new(|| {
                    black_box(hit.decode::<Claims>(black_box(one)).expect("decode"));
                }),
            ),
            (
                "CachedVerifier::decode, miss".into(),
                Box::new(|| {
                    next = (next + 1) % TOKENS;
                    black_box(
                        miss.decode::<Claims>(black_box(&tokens[next]))
                            .expect("decode"),
                    );
                }),
            ),
        ];
        let rounds = interleave(&mut sides, ROUNDS, secs);
        for (i, (imp, f)) in sides.iter_mut().enumerate() {
            let (allocs, bytes) = allocs_per_call(200, f);
            let (med, lo, hi) = spread(&rounds[i]);
            let ratios: Vec<f64> = rounds[i]
                .iter()
                .zip(&rounds[0])
                .map(|(a, b)| a / b)
                .collect();
            let (r, rlo, rhi) = spread(&ratios);
            results.extra(json!({"group": "cache", "op": op, "impl": imp,
                "median_ns": med, "min_ns": lo, "max_ns": hi, "rounds_ns": rounds[i],
                "allocs_per_op": allocs, "bytes_per_op": bytes, "token_bytes": one.len(),
                "ratio_to_decode": r, "ratio_to_decode_min": rlo, "ratio_to_decode_max": rhi}));
        }
        drop(sides);
        let (h, m) = (hit.stats(), miss.stats());
        assert_eq!(h.misses, 1, "the hit side missed only its first call");
        assert_eq!(m.hits, 0, "the miss side never hit");

        // Memory: the peak live heap while 1,000 distinct tokens fill a cache, per entry.
        let many: Vec<String> = (0..ENTRIES).map(|i| make(i, now + 3600)).collect();
        let full = jws::CachedVerifier::new(case.hx_verify.clone(), hv.clone(), ENTRIES);
        Counting::start();
        for t in &many {
            black_box(full.decode_bytes(t).expect("decode"));
        }
        let (_, _, peak) = Counting::stop();
        assert_eq!(full.len(), ENTRIES);
        let claims_bytes = full.decode_bytes(&many[0]).expect("decode").claims.len();
        results.extra(
            json!({"group": "cache-memory", "op": format!("{alg} decode"),
            "impl": "CachedVerifier", "entries": ENTRIES, "token_bytes": many[0].len(),
            "claims_bytes": claims_bytes, "peak_live_bytes": peak,
            "bytes_per_entry": peak as f64 / ENTRIES as f64}),
        );
    }
}

fn main() {
    let mut results = Results::new("rust-peers");
    results.meta("hxjwt", hxjwt::VERSION);
    results.meta("jws_backend", jws::BACKEND);
    let secs = 0.12 * benchkit::scale();
    results.meta("rounds", ROUNDS);
    results.meta("round_seconds", secs);
    results.meta(
        "checks",
        json!(
            CHECKS
                .iter()
                .map(|(a, b)| json!({"impl": a, "checks": b}))
                .collect::<Vec<_>>()
        ),
    );
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let want = |s: &str| only.is_empty() || only.split(',').any(|o| o == s);
    if want("peers") {
        eprintln!("rust: hxjwt vs jsonwebtoken, oxitoken, jwt-simple (interleaved rounds)");
        compare(&mut results, secs);
    }
    if want("breakdown") {
        eprintln!("rust: where an hxjwt HS256 decode spends its time");
        breakdown(&mut results, secs);
    }
    if want("threads") {
        eprintln!("rust: hxjwt decode on 1 and 2 threads");
        thread_rows(&mut results);
    }
    if want("cache") {
        eprintln!("rust: hxjwt's verified-token cache against a plain decode");
        cache_rows(&mut results, secs);
    }
    results.write();
}
