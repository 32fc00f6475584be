//! JWE (compact, RFC 7516) encrypt and decrypt against the floor of their primitives (issue 13):
//! ECDH-ES over X25519, ECDH-ES+A256KW over P-256, RSA-OAEP-256 (2048) and dir, each with
//! A256GCM, on the claims of the JWS rows serialized as JSON.
//!
//! The floor calls the crates the core uses (aws-lc-rs agreement — X25519 and P-256 — and RSA-OAEP;
//! sha2 for the Concat KDF, one SHA-256 block pass; aes-kw; aes-gcm; getrandom; base64-simd;
//! serde_json), with no checks, policy or error handling beyond `expect`. It counts the base64url
//! of every segment and the header's JSON (written on encrypt, parsed with borrowed strings on
//! decrypt), as the HX1 floor does. What is fixed for a key is prepared once, outside the loop:
//! the recipient's parsed public key (P-256, RSA), its private key, and for dir the AES-GCM key
//! schedule. What depends on the token is paid per call: ephemeral key generation, the
//! agreement, the KDF, the AES-KW key schedule and (un)wrap, the GCM key schedule of a fresh CEK,
//! the validation of the token's `epk` (P-256: on the curve; X25519: contributory).
//!
//! hxjwt and its floor run interleaved in rounds in one process (A B, B A, …; one untimed
//! warm-up round), as `fleet.rs` does, so that the machine's drift falls on both alike; the
//! ratio is taken within each round. The floor opens hxjwt's tokens and hxjwt the floor's
//! (checked before timing).

use std::hint::black_box;
use std::time::Instant;

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_kw::KwAes256;
use aws_lc_rs::agreement::{self, ParsedPublicKey, UnparsedPublicKey};
use aws_lc_rs::rsa::{
    OAEP_SHA256_MGF1SHA256, OaepPrivateDecryptingKey, OaepPublicEncryptingKey,
    PrivateDecryptingKey, PublicEncryptingKey, PublicKeyComponents,
};
use base64_simd::{STANDARD as B64STD, URL_SAFE_NO_PAD as B64};
use benchkit::{Counting, Results, key_path, unix_now};
use hxjwt::jwe::{self, ContentAlgorithm as Enc, Decryption, Header, Key, KeyAlgorithm as Alg};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

/// Timed rounds (after one untimed warm-up round).
const ROUNDS: usize = 7;
/// The dir floor's variant that sets up the AES-GCM key schedule in each call.
const KEY_SETUP: &str = "floor + GCM key setup";

#[derive(Serialize)]
struct EpkOut<'a> {
    kty: &'a str,
    crv: &'a str,
    x: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    y: Option<&'a str>,
}

#[derive(Serialize)]
struct HeaderOut<'a> {
    alg: &'a str,
    enc: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    epk: Option<EpkOut<'a>>,
}

#[derive(Deserialize)]
struct EpkIn<'a> {
    #[serde(borrow)]
    x: &'a str,
    #[serde(borrow, default)]
    y: Option<&'a str>,
}

#[derive(Deserialize)]
struct HeaderIn<'a> {
    #[serde(borrow)]
    alg: &'a str,
    #[serde(borrow)]
    enc: &'a str,
    #[serde(borrow, default)]
    epk: Option<EpkIn<'a>>,
}

#[derive(Clone, Copy, PartialEq)]
enum Case {
    X25519,
    P256Kw,
    Rsa,
    Dir,
}

impl Case {
    const ALL: [Case; 4] = [Case::X25519, Case::P256Kw, Case::Rsa, Case::Dir];
    fn label(self) -> &'static str {
        match self {
            Case::X25519 => "ECDH-ES X25519 + A256GCM",
            Case::P256Kw => "ECDH-ES+A256KW P-256 + A256GCM",
            Case::Rsa => "RSA-OAEP-256 2048 + A256GCM",
            Case::Dir => "dir + A256GCM",
        }
    }
    fn alg(self) -> Alg {
        match self {
            Case::X25519 => Alg::EcdhEs,
            Case::P256Kw => Alg::EcdhEsA256KW,
            Case::Rsa => Alg::RsaOaep256,
            Case::Dir => Alg::Dir,
        }
    }
}

/// The recipient's keys as the floor holds them (prepared once).
struct Floor {
    case: Case,
    x_secret: Option<agreement::PrivateKey>,
    x_public: [u8; 32],
    ec_private: Option<agreement::PrivateKey>,
    ec_public: Option<ParsedPublicKey>,
    rsa_private: Option<OaepPrivateDecryptingKey>,
    rsa_public: Option<OaepPublicEncryptingKey>,
    dir: Option<Aes256Gcm>,
    dir_key: [u8; 32],
}

fn jwk_bytes(jwk: &serde_json::Value, member: &str) -> Vec<u8> {
    B64.decode_to_vec(jwk[member].as_str().expect("jwk member"))
        .expect("jwk base64url")
}

fn pem_der(file: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(key_path(file)).expect("test key");
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    B64STD.decode_to_vec(body).expect("pem base64")
}

/// Concat KDF (RFC 7518 §4.6.2) for a 256-bit output: one SHA-256 pass, no party info.
fn concat_kdf(z: &[u8], algorithm_id: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(1u32.to_be_bytes());
    h.update(z);
    h.update((algorithm_id.len() as u32).to_be_bytes());
    h.update(algorithm_id.as_bytes());
    h.update(0u32.to_be_bytes());
    h.update(0u32.to_be_bytes());
    h.update(256u32.to_be_bytes());
    h.finalize().into()
}

/// `XY` (P-256, 64 bytes) as the uncompressed point aws-lc parses.
fn uncompressed(x: &[u8], y: &[u8]) -> [u8; 65] {
    let mut p = [0u8; 65];
    p[0] = 4;
    p[1..33].copy_from_slice(x);
    p[33..].copy_from_slice(y);
    p
}

impl Floor {
    fn new(case: Case, key: &Key) -> Floor {
        let jwk: serde_json::Value =
            serde_json::from_str(&key.to_private_jwk().expect("private jwk")).expect("jwk json");
        let mut f = Floor {
            case,
            x_secret: None,
            x_public: [0; 32],
            ec_private: None,
            ec_public: None,
            rsa_private: None,
            rsa_public: None,
            dir: None,
            dir_key: [0; 32],
        };
        match case {
            Case::X25519 => {
                let d: [u8; 32] = jwk_bytes(&jwk, "d").try_into().expect("32-byte d");
                f.x_public = jwk_bytes(&jwk, "x").try_into().expect("32-byte x");
                f.x_secret = Some(
                    agreement::PrivateKey::from_private_key(&agreement::X25519, &d).expect("x25519 d"),
                );
            }
            Case::P256Kw => {
                let d = jwk_bytes(&jwk, "d");
                f.ec_private = Some(
                    agreement::PrivateKey::from_private_key(&agreement::ECDH_P256, &d)
                        .expect("P-256 key"),
                );
                let point = uncompressed(&jwk_bytes(&jwk, "x"), &jwk_bytes(&jwk, "y"));
                f.ec_public = Some(
                    ParsedPublicKey::try_from(UnparsedPublicKey::new(&agreement::ECDH_P256, point))
                        .expect("P-256 public"),
                );
            }
            Case::Rsa => {
                let private =
                    PrivateDecryptingKey::from_pkcs8(&pem_der("rsa2048.pkcs8.pem")).expect("rsa");
                // The public key from (n, e), as the core builds it from a public JWK.
                let (n, e) = (jwk_bytes(&jwk, "n"), jwk_bytes(&jwk, "e"));
                let public: PublicEncryptingKey = PublicKeyComponents {
                    n: &n[..],
                    e: &e[..],
                }
                .try_into()
                .expect("rsa public");
                f.rsa_public = Some(OaepPublicEncryptingKey::new(public).expect("oaep public"));
                f.rsa_private = Some(OaepPrivateDecryptingKey::new(private).expect("oaep private"));
            }
            Case::Dir => {
                f.dir_key = jwk_bytes(&jwk, "k").try_into().expect("32-byte k");
                f.dir = Some(Aes256Gcm::new_from_slice(&f.dir_key).expect("dir key"));
            }
        }
        f
    }

    fn encrypt(&self, plaintext: &[u8]) -> String {
        let mut rnd = [0u8; 76];
        // CEK (key wrapping and key transport) and IV: one call (aws-lc draws the ephemeral
        // keys itself).
        let want = match self.case {
            Case::X25519 => 12,
            Case::P256Kw | Case::Rsa => 32 + 12,
            Case::Dir => 12,
        };
        getrandom::fill(&mut rnd[..want]).expect("getrandom");
        let mut token = String::with_capacity(plaintext.len() * 4 / 3 + 700);
        let (alg, cek, encrypted_key);
        let mut epk_x = String::new();
        let mut epk_y = String::new();
        let cek_buf: [u8; 32];
        match self.case {
            Case::X25519 => {
                alg = "ECDH-ES";
                let eph = agreement::PrivateKey::generate(&agreement::X25519).expect("eph");
                let eph_public = eph.compute_public_key().expect("eph public");
                B64.encode_append(eph_public.as_ref(), &mut epk_x);
                cek_buf = agreement::agree(
                    &eph,
                    UnparsedPublicKey::new(&agreement::X25519, &self.x_public),
                    (),
                    |z| Ok(concat_kdf(z, "A256GCM")),
                )
                .expect("agree");
                cek = &cek_buf[..];
                encrypted_key = Vec::new();
            }
            Case::P256Kw => {
                alg = "ECDH-ES+A256KW";
                let eph = agreement::PrivateKey::generate(&agreement::ECDH_P256).expect("eph");
                let public = eph.compute_public_key().expect("eph public");
                B64.encode_append(&public.as_ref()[1..33], &mut epk_x);
                B64.encode_append(&public.as_ref()[33..65], &mut epk_y);
                let peer = self.ec_public.clone().expect("public");
                let kek =
                    agreement::agree(&eph, peer, (), |z| Ok(concat_kdf(z, alg))).expect("agree");
                let mut wrapped = vec![0u8; 40];
                KwAes256::new_from_slice(&kek)
                    .expect("kek")
                    .wrap_key(&rnd[..32], &mut wrapped)
                    .expect("wrap");
                cek = &rnd[..32];
                encrypted_key = wrapped;
            }
            Case::Rsa => {
                alg = "RSA-OAEP-256";
                let key = self.rsa_public.as_ref().expect("rsa");
                let mut out = vec![0u8; key.ciphertext_size()];
                let n = key
                    .encrypt(&OAEP_SHA256_MGF1SHA256, &rnd[..32], &mut out, None)
                    .expect("oaep")
                    .len();
                out.truncate(n);
                cek = &rnd[..32];
                encrypted_key = out;
            }
            Case::Dir => {
                alg = "dir";
                cek = &self.dir_key;
                encrypted_key = Vec::new();
            }
        }
        let epk = (!epk_x.is_empty()).then(|| EpkOut {
            kty: if self.case == Case::X25519 {
                "OKP"
            } else {
                "EC"
            },
            crv: if self.case == Case::X25519 {
                "X25519"
            } else {
                "P-256"
            },
            x: &epk_x,
            y: (!epk_y.is_empty()).then_some(epk_y.as_str()),
        });
        let header = serde_json::to_vec(&HeaderOut {
            alg,
            enc: "A256GCM",
            epk,
        })
        .expect("header json");
        B64.encode_append(&header, &mut token);
        let aad_len = token.len();
        token.push('.');
        B64.encode_append(&encrypted_key, &mut token);
        let iv: [u8; 12] = rnd[if self.case == Case::Dir || self.case == Case::X25519 {
            0
        } else {
            32
        }..][..12]
            .try_into()
            .expect("iv");
        token.push('.');
        B64.encode_append(iv, &mut token);
        let fresh;
        let cipher = match &self.dir {
            Some(c) => c,
            None => {
                fresh = Aes256Gcm::new_from_slice(cek).expect("gcm key");
                &fresh
            }
        };
        let mut ct = plaintext.to_vec();
        let tag = cipher
            .encrypt_inout_detached(
                &iv.into(),
                &token.as_bytes()[..aad_len],
                (&mut ct[..]).into(),
            )
            .expect("encrypt");
        token.push('.');
        B64.encode_append(&ct, &mut token);
        token.push('.');
        B64.encode_append(tag, &mut token);
        token
    }

    fn decrypt(&self, token: &str) -> Vec<u8> {
        let mut parts = token.split('.');
        let mut next = || parts.next().expect("5 parts");
        let (h, ek, iv, ct, tag) = (next(), next(), next(), next(), next());
        let header = B64.decode_to_vec(h).expect("header b64");
        let hdr: HeaderIn<'_> = serde_json::from_slice(&header).expect("header json");
        assert!(hdr.enc == "A256GCM");
        let cek_buf: [u8; 32];
        let mut unwrapped = [0u8; 32];
        let cek: &[u8] = match self.case {
            Case::X25519 => {
                let epk = hdr.epk.expect("epk");
                let mut x = [0u8; 32];
                B64.decode(epk.x.as_bytes(), base64_simd::Out::from_slice(&mut x))
                    .expect("epk x");
                cek_buf = agreement::agree(
                    self.x_secret.as_ref().expect("x25519"),
                    UnparsedPublicKey::new(&agreement::X25519, &x),
                    (),
                    |z| Ok(concat_kdf(z, hdr.enc)),
                )
                .expect("agree (aws-lc refuses a non-contributory result)");
                &cek_buf
            }
            Case::P256Kw => {
                let epk = hdr.epk.expect("epk");
                let mut point = [4u8; 65];
                B64.decode(
                    epk.x.as_bytes(),
                    base64_simd::Out::from_slice(&mut point[1..33]),
                )
                .expect("epk x");
                B64.decode(
                    epk.y.expect("epk y").as_bytes(),
                    base64_simd::Out::from_slice(&mut point[33..]),
                )
                .expect("epk y");
                let peer =
                    ParsedPublicKey::try_from(UnparsedPublicKey::new(&agreement::ECDH_P256, point))
                        .expect("on the curve");
                let kek =
                    agreement::agree(self.ec_private.as_ref().expect("p256"), peer, (), |z| {
                        Ok(concat_kdf(z, hdr.alg))
                    })
                    .expect("agree");
                let mut wrapped = [0u8; 40];
                B64.decode(ek.as_bytes(), base64_simd::Out::from_slice(&mut wrapped))
                    .expect("ek b64");
                KwAes256::new_from_slice(&kek)
                    .expect("kek")
                    .unwrap_key(&wrapped, &mut unwrapped)
                    .expect("unwrap");
                &unwrapped
            }
            Case::Rsa => {
                let key = self.rsa_private.as_ref().expect("rsa");
                let wrapped = B64.decode_to_vec(ek).expect("ek b64");
                let mut out = [0u8; 256];
                let n = key
                    .decrypt(&OAEP_SHA256_MGF1SHA256, &wrapped, &mut out, None)
                    .expect("oaep")
                    .len();
                unwrapped.copy_from_slice(&out[..n]);
                &unwrapped
            }
            Case::Dir => &self.dir_key,
        };
        let mut ivb = [0u8; 12];
        B64.decode(iv.as_bytes(), base64_simd::Out::from_slice(&mut ivb))
            .expect("iv b64");
        let mut tagb = [0u8; 16];
        B64.decode(tag.as_bytes(), base64_simd::Out::from_slice(&mut tagb))
            .expect("tag b64");
        let mut pt = B64.decode_to_vec(ct).expect("ct b64");
        let fresh;
        let cipher = match &self.dir {
            Some(c) => c,
            None => {
                fresh = Aes256Gcm::new_from_slice(cek).expect("gcm key");
                &fresh
            }
        };
        cipher
            .decrypt_inout_detached(
                &ivb.into(),
                h.as_bytes(),
                (&mut pt[..]).into(),
                &tagb.into(),
            )
            .expect("decrypt");
        pt
    }
}

/// One side: its name and one call.
type Side<'a> = (&'static str, Box<dyn FnMut() + 'a>);

/// The sides (hxjwt first, the floor second, then any variant of the floor) in rounds, rotated
/// each round (A B, B A, …; one untimed warm-up round), ~`secs` each per round; one row per side
/// with the median over rounds and, but on the floor's, the ratio to the floor of each round.
fn interleaved(results: &mut Results, op: &str, secs: f64, mut sides: Vec<Side<'_>>) {
    let n = sides.len();
    let mut per_round: Vec<Vec<f64>> = vec![Vec::new(); n];
    for round in 0..=ROUNDS {
        for k in 0..n {
            let i = (round + k) % n;
            let f = &mut sides[i].1;
            let budget = if round == 0 { secs / 2.0 } else { secs };
            let (t, mut calls) = (Instant::now(), 0u64);
            while t.elapsed().as_secs_f64() < budget || calls < 4 {
                f();
                calls += 1;
            }
            if round > 0 {
                per_round[i].push(t.elapsed().as_nanos() as f64 / calls as f64);
            }
        }
    }
    let spread = |v: &[f64]| {
        let mut s = v.to_vec();
        s.sort_by(f64::total_cmp);
        (s[s.len() / 2], s[0], s[s.len() - 1])
    };
    for (i, (imp, f)) in sides.iter_mut().enumerate() {
        Counting::start();
        for _ in 0..50 {
            f();
        }
        let (allocs, bytes, _) = Counting::stop();
        let (med, lo, hi) = spread(&per_round[i]);
        let mut row = json!({"group": "jwe", "op": op, "impl": imp,
            "median_ns": med, "min_ns": lo, "max_ns": hi, "rounds_ns": per_round[i],
            "allocs_per_op": allocs as f64 / 50.0, "bytes_per_op": bytes as f64 / 50.0});
        if i != 1 {
            let ratios: Vec<f64> = per_round[i]
                .iter()
                .zip(&per_round[1])
                .map(|(a, b)| a / b)
                .collect();
            let (r, rlo, rhi) = spread(&ratios);
            row["ratio_rounds"] = json!(ratios);
            row["ratio_median"] = json!(r);
            row["ratio_min"] = json!(rlo);
            row["ratio_max"] = json!(rhi);
        }
        results.extra(row);
    }
}

pub fn rows(results: &mut Results) {
    let now = unix_now();
    let claims = json!({"sub": "user-7", "name": "Ada Lovelace", "iat": now - 60,
        "exp": now + 3600, "aud": "api.example.com", "iss": "https://login.example.com"});
    let plaintext = serde_json::to_vec(&claims).expect("claims");
    let secs = 0.25 * benchkit::scale();
    results.meta("jwe_plaintext_bytes", plaintext.len());
    results.meta("jwe_rounds", ROUNDS);
    results.meta("jwe_round_seconds", secs);
    for case in Case::ALL {
        let key = match case {
            Case::X25519 => Key::generate_x25519().expect("x25519"),
            Case::P256Kw => Key::from_pem(
                &std::fs::read_to_string(key_path("ec-P-256.pkcs8.pem")).expect("pem"),
            )
            .expect("P-256"),
            Case::Rsa => {
                Key::from_pem(&std::fs::read_to_string(key_path("rsa2048.pkcs8.pem")).expect("pem"))
                    .expect("RSA")
            }
            Case::Dir => Key::from_secret([0x5a; 32]).expect("secret"),
        };
        let public = if case == Case::Dir {
            key.clone()
        } else {
            key.to_public().expect("public half")
        };
        let floor = Floor::new(case, &key);
        let header = Header::new(case.alg(), Enc::A256GCM);
        let d = Decryption::new(&[case.alg()], &[Enc::A256GCM]);
        // Each opens the other's token.
        let token = jwe::encrypt(&header, &plaintext, &public).expect("encrypt");
        assert_eq!(
            floor.decrypt(&token),
            plaintext,
            "the floor opens hxjwt's token"
        );
        let ftoken = floor.encrypt(&plaintext);
        assert_eq!(
            &*jwe::decrypt(&ftoken, &key, &d)
                .expect("hxjwt opens the floor's")
                .plaintext,
            &plaintext[..]
        );
        let label = case.label();
        // dir: the floor keeps the AES-GCM key schedule of the fixed key; a third side pays it
        // per call, as hxjwt does (its Key holds the key's bytes).
        let per_call = (case == Case::Dir).then(|| Floor {
            dir: None,
            ..Floor::new(case, &key)
        });
        let mut sides: Vec<Side<'_>> = vec![
            (
                "hxjwt",
                Box::new(|| {
                    black_box(
                        jwe::encrypt(black_box(&header), black_box(&plaintext), &public)
                            .expect("encrypt"),
                    );
                }),
            ),
            (
                "floor",
                Box::new(|| {
                    black_box(floor.encrypt(black_box(&plaintext)));
                }),
            ),
        ];
        if let Some(f) = &per_call {
            assert_eq!(f.decrypt(&token), plaintext);
            sides.push((
                KEY_SETUP,
                Box::new(|| {
                    black_box(f.encrypt(black_box(&plaintext)));
                }),
            ));
        }
        interleaved(results, &format!("{label} encrypt"), secs, sides);
        let mut sides: Vec<Side<'_>> = vec![
            (
                "hxjwt",
                Box::new(|| {
                    black_box(jwe::decrypt(black_box(&token), &key, &d).expect("decrypt"));
                }),
            ),
            (
                "floor",
                Box::new(|| {
                    black_box(floor.decrypt(black_box(&token)));
                }),
            ),
        ];
        if let Some(f) = &per_call {
            sides.push((
                KEY_SETUP,
                Box::new(|| {
                    black_box(f.decrypt(black_box(&token)));
                }),
            ));
        }
        interleaved(results, &format!("{label} decrypt"), secs, sides);
    }
}
