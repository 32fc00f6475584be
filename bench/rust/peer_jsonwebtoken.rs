// The jsonwebtoken crate on the JWS work of the harness (bench/rust/harness/src/jws.rs): the same
// claims, keys and checks (signature, exp, aud, iss; the system clock). Included by the jwt-aws
// and jwt-rc packages, which differ only in the backend feature they enable.

use std::hint::black_box;

use benchkit::{Counting, Results, key_path, unix_now};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

#[global_allocator]
static ALLOC: Counting = Counting;

#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    name: String,
    iat: i64,
    exp: i64,
    aud: String,
    iss: String,
}

fn read(file: &str) -> Vec<u8> {
    std::fs::read(key_path(file)).expect("test key")
}

fn main() {
    let imp = format!("jsonwebtoken/{BACKEND}");
    let mut results = Results::new(&format!("rust-{imp}"));
    results.meta("jsonwebtoken", "11.1.0");
    results.meta("backend", BACKEND);
    let now = unix_now();
    let claims = Claims {
        sub: "user-7".into(),
        name: "Ada Lovelace".into(),
        iat: now - 60,
        exp: now + 3600,
        aud: "api.example.com".into(),
        iss: "https://login.example.com".into(),
    };
    let secret = [0x5a_u8; 32];
    let cases: [(Algorithm, EncodingKey, DecodingKey); 4] = [
        (Algorithm::HS256, EncodingKey::from_secret(&secret), DecodingKey::from_secret(&secret)),
        (
            Algorithm::ES256,
            EncodingKey::from_ec_pem(&read("ec-P-256.pkcs8.pem")).expect("ec key"),
            DecodingKey::from_ec_pem(&read("ec-P-256.spki.pem")).expect("ec key"),
        ),
        (
            Algorithm::EdDSA,
            EncodingKey::from_ed_pem(&read("ed25519.pkcs8.pem")).expect("ed key"),
            DecodingKey::from_ed_pem(&read("ed25519.spki.pem")).expect("ed key"),
        ),
        (
            Algorithm::RS256,
            EncodingKey::from_rsa_pem(&read("rsa2048.pkcs8.pem")).expect("rsa key"),
            DecodingKey::from_rsa_pem(&read("rsa2048.spki.pem")).expect("rsa key"),
        ),
    ];
    for (alg, enc, dec) in cases {
        let header = Header::new(alg);
        let mut v = Validation::new(alg);
        v.leeway = 0;
        v.set_audience(&["api.example.com"]);
        v.set_issuer(&["https://login.example.com"]);
        v.set_required_spec_claims(&["exp", "aud", "iss"]);
        let name = format!("{alg:?}");
        results.time("jws", &format!("{name} encode"), &imp, || {
            encode(black_box(&header), black_box(&claims), &enc).expect("encode")
        });
        let token = encode(&header, &claims, &enc).expect("encode");
        let checked = decode::<Claims>(&token, &dec, &v).expect("decode");
        assert_eq!(checked.claims.sub, "user-7");
        results.time("jws", &format!("{name} decode"), &imp, || {
            decode::<Claims>(black_box(&token), &dec, &v).expect("decode")
        });
    }
    results.write();
}
