//! Plain tests for what the fuzz campaigns found (fuzz/README.md, "Findings"); each input is also
//! kept under fuzz/regressions/ and replayed by `make fuzz-regress`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failure should panic loudly"
)]

use std::sync::Arc;

use hxjwt::{CreateOptions, Endpoint, ErrorKind, Identity, MemoryDirectory};

/// `ffi_strings` (campaign of 2026-12-06): a private JWK passed as the recipient's *name* came back
/// in the "the directory does not know …" message, its `d` included (the quote is cut at 64
/// characters, but `d` sat near the start). A name that is JSON text is not repeated now.
#[test]
fn a_jwk_passed_as_a_name_is_not_repeated_in_the_message() {
    let alice = Identity::generate("alice.service").unwrap();
    let bob = Identity::generate("bob.service").unwrap();
    let private_jwk: String = bob.to_private_jwk().to_string();
    let d = serde_json::from_str::<serde_json::Value>(&private_jwk).unwrap()["d"]
        .as_str()
        .unwrap()
        .to_owned();
    let directory = Arc::new(MemoryDirectory::new());
    directory.insert(bob.machine_token());
    let sender = Endpoint::new(alice).with_shared_directory(directory);
    for name in [private_jwk.clone(), format!("  {private_jwk}")] {
        let e = sender
            .create(&name, b"hi", &CreateOptions::default())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnknownIssuer, "{e}");
        let message = e.to_string();
        assert!(!message.contains(&d[..16]), "{message}");
        assert!(message.contains("JSON text"), "{message}");
    }
    // An ordinary unknown name is still quoted.
    let e = sender
        .create("carol.service", b"hi", &CreateOptions::default())
        .unwrap_err();
    assert!(e.to_string().contains("\"carol.service\""), "{e}");
}
