const BACKEND: &str = "rust_crypto";
include!("../../peer_jsonwebtoken.rs");
