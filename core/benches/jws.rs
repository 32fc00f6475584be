//! Criterion benches of standard JWS: encode and decode-with-validation of the same claims
//! (`sub`, `name`, `iat`, `exp`, `aud`, `iss`) with HS256, RS256 (2048-bit), ES256 and `EdDSA`. Keys
//! are parsed once, outside the measured loops. The group is named after the crypto backend
//! compiled in, so the two backends can be compared:
//!
//! ```text
//! cargo bench -p hxjwt --bench jws
//! cargo bench -p hxjwt --bench jws --no-default-features --features pure-rust,std-fs
//! ```

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "bench harness"
)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hxjwt::FixedClock;
use hxjwt::jws::{self, Algorithm, Header, Key, KeyType, Validation};
use serde::{Deserialize, Serialize};

const NOW: i64 = 1_767_225_600;

#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    name: String,
    iat: i64,
    exp: i64,
    aud: String,
    iss: String,
}

fn claims() -> Claims {
    Claims {
        sub: "user-7".into(),
        name: "Ada Lovelace".into(),
        iat: NOW - 60,
        exp: NOW + 3600,
        aud: "api.example.com".into(),
        iss: "https://login.example.com".into(),
    }
}

fn pem(file: &str) -> Key {
    let path = format!(
        "{}/../tests/vectors/keys/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    Key::from_pem(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn bench(c: &mut Criterion) {
    let cases = [
        (Algorithm::HS256, Key::from_secret([0x5a; 32]).unwrap()),
        (Algorithm::RS256, pem("rsa2048.pkcs8.pem")),
        (Algorithm::ES256, pem("ec-P-256.pkcs8.pem")),
        (Algorithm::EdDSA, pem("ed25519.pkcs8.pem")),
    ];
    let claims = claims();
    let mut group = c.benchmark_group(format!("jws/{}", jws::BACKEND));
    for (alg, key) in cases {
        let verifier = if key.key_type() == KeyType::Hmac {
            key.clone()
        } else {
            key.to_public().unwrap()
        };
        let header = Header::new(alg);
        let validation = Validation::new(&[alg])
            .audience(&["api.example.com"])
            .issuer(&["https://login.example.com"])
            .clock(FixedClock(NOW));
        group.bench_function(BenchmarkId::new("encode", alg), |b| {
            b.iter(|| jws::encode(black_box(&header), black_box(&claims), &key).unwrap());
        });
        let token = jws::encode(&header, &claims, &key).unwrap();
        group.bench_function(BenchmarkId::new("decode", alg), |b| {
            b.iter(|| jws::decode::<Claims>(black_box(&token), &verifier, &validation).unwrap());
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
