//! The explain calls (`jws::explain`, `Endpoint::explain`) on arbitrary bytes, each beside the
//! call it explains (`jws::decode_claims`, `Endpoint::validate`) on the same token.
//!
//! Input: a selector byte (bit 0: HX1 instead of JWS; bits 1-2: the JWS validation of
//! `JwsWorld::validation`; bit 3: HX1 with the sender given instead of the directory), then the
//! token.
//! Invariants: no message of any check holds key material; the report passes exactly when
//! decode/validate accepts, and its first failed check has the kind of their error (the "same
//! codes" guarantee); claims are reported only when the signature check passed, and then equal
//! decode's; an HX1 report's payload length is the validated payload's; the JSON form has one
//! entry per check.
#![no_main]

use hxjwt::Outcome;
use hxjwt::jws;
use hxjwt_fuzz::{HX1, JWS, check_error, check_message, split_selector, token_text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (selector, rest) = split_selector(data);
    let token = String::from_utf8_lossy(rest);
    if selector & 1 == 0 {
        explain_jws(&token, selector >> 1);
    } else {
        explain_hx1(&token, selector & 8 != 0);
    }
});

fn check_report(report: &hxjwt::Report, secrets: &[String], input: &str) {
    for check in report.checks() {
        check_message(check.message(), secrets, input);
        assert_eq!(
            check.kind().is_some(),
            check.outcome() == Outcome::Failed,
            "a kind without a failure or a failure without a kind: {check:?}"
        );
    }
    let json = report.to_json();
    assert_eq!(
        json["checks"].as_array().map(Vec::len),
        Some(report.checks().len())
    );
}

fn explain_jws(token: &str, selector: u8) {
    let w = &*JWS;
    let v = w.validation(selector);
    let report = jws::explain(token, &w.keyset, &v);
    let input = token_text(token);
    check_report(&report, &w.secrets, &input);
    let signature_passed = report
        .checks()
        .iter()
        .any(|c| c.name() == "signature" && c.outcome() == Outcome::Passed);
    if report.claims().is_some() {
        assert!(signature_passed, "claims reported without a verified signature");
    }
    match jws::decode_claims(token, &w.keyset, &v) {
        Ok(data) => {
            assert!(report.passed(), "decode accepted what explain failed: {report:?}");
            assert_eq!(report.claims(), Some(&data.claims));
        }
        Err(err) => {
            check_error(&err, &w.secrets, &input);
            let first = report.first_failure().expect("decode failed, explain found nothing");
            assert_eq!(first.kind(), Some(err.kind()), "{first:?} vs {err}");
        }
    }
}

fn explain_hx1(token: &str, with_sender: bool) {
    let w = &*HX1;
    let ep = &w.bob_endpoint;
    let (report, validated) = if with_sender {
        (
            ep.explain_from(token, Some(&w.alice_token)),
            ep.validate_from(token, &w.alice_token),
        )
    } else {
        (ep.explain(token), ep.validate(token))
    };
    let input = token_text(token);
    check_report(&report, &w.secrets, &input);
    assert!(report.claims().is_none(), "HX1 claims are in the header");
    match validated {
        Ok(message) => {
            assert!(report.passed(), "validate accepted what explain failed: {report:?}");
            assert_eq!(report.payload_len(), Some(message.payload().len()));
        }
        Err(err) => {
            check_error(&err, &w.secrets, &input);
            let first = report.first_failure().expect("validate failed, explain found nothing");
            assert_eq!(first.kind(), Some(err.kind()), "{first:?} vs {err}");
        }
    }
}
