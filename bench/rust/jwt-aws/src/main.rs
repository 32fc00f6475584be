const BACKEND: &str = "aws_lc_rs";
include!("../../peer_jsonwebtoken.rs");
