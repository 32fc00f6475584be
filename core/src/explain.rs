//! Every check of a token, reported at once: a diagnostic beside [`decode`](crate::jws::decode)
//! and [`Endpoint::validate`](crate::Endpoint::validate), for people debugging an integration.
//!
//! [`jws::explain`] and [`Endpoint::explain`](crate::Endpoint::explain)
//! run every check they can and return a [`Report`]: one [`Check`] per check, with its
//! [`Outcome`] and, when it failed, the [`ErrorKind`] decode or validate would return for it (the
//! same kinds, the same C status codes and Python exception classes in every face). The checks
//! run by the same code as decode's and validate's, in the same order, so **the first failed
//! check is the error decode or validate returns** for that token.
//!
//! A report is never an acceptance: explain records no `jti` in a replay store and consults none
//! (the `"replay"` check is never [`Passed`](Outcome::Passed)), and its result must not decide
//! anything. Messages never contain key material; the claims appear only when the signature
//! verified; an HX1 payload never appears (only its length, once it decrypted).
//!
//! # Check names
//!
//! Stable names, in the order they run (a `NumericDate` that does not parse is reported before
//! the time comparisons, as decode always did, so `"nbf"` may come before `"exp"`; a missing
//! required claim is one `"required"` check per claim):
//!
//! | Name | Standard JWT ([`jws::explain`]) | HX1 ([`Endpoint::explain`](crate::Endpoint::explain)) |
//! |---|---|---|
//! | `format` | size, three segments, header segment base64url and one strict JSON object | size, segments (3, or 5 for the ECDH-1PU mode), base64url of each |
//! | `header` | `kid`, `typ`, `cty` are strings | the header's members and types (PROTOCOL.md §4.2), `channelSecurityContext` |
//! | `algorithm` | `alg` supported and among the validation's algorithms (and the validation usable) | — |
//! | `crit` | no `crit`, no `b64: false` | — |
//! | `typ` | the required header `typ` | — |
//! | `payload` | payload segment base64url | — |
//! | `aud` | the claim against the accepted audiences | the header's `aud` is this endpoint's name or one of its audiences |
//! | `issuer` | — | the sender's machine token: the directory knows `iss`, or the one given is `iss`'s |
//! | `key` | a key for the `kid` and algorithm | — |
//! | `signature` | the signature, with the first key that verifies it | the wrapped key unwraps and the HMAC holds |
//! | `claims` | the claims are one strict JSON object | — |
//! | `required` | each required claim is present | — |
//! | `exp`, `nbf`, `iat` | each `NumericDate` and its comparison with now ± leeway | the same, from the header |
//! | `lifetime` | — | `exp - iat` within the policy's maximum |
//! | `max_age` | `iat` within the maximum age | — |
//! | `iss`, `sub`, `jti` | each claim's type and accepted value | — |
//! | `decryption` | — | the payload decrypts (AES-256-GCM, or the ECDH-1PU JWE) |
//! | `replay` | never run by explain: [`Failed`](Outcome::Failed) only when the claims lack what replay protection needs (`jti`, `exp`) | never run by explain |
//!
//! ```
//! use hxjwt::jws::{self, Algorithm, Header, Key, Outcome, Validation};
//! use hxjwt::{ErrorKind, FixedClock};
//! let key = Key::from_secret(b"a secret of at least thirty-two bytes!!")?;
//! let token = jws::encode_json(&Header::new(Algorithm::HS256),
//!     r#"{"iss":"someone","aud":"other","exp":1000}"#, &key)?;
//! let v = Validation::new(&[Algorithm::HS256]).audience(&["api"]).issuer(&["login"])
//!     .clock(FixedClock(2000));
//! let report = jws::explain(&token, &key, &v);
//! let failed: Vec<_> = report.failures().map(|c| (c.name(), c.kind())).collect();
//! assert_eq!(failed, [("exp", Some(ErrorKind::Expired)),
//!                     ("aud", Some(ErrorKind::WrongAudience)),
//!                     ("iss", Some(ErrorKind::IssuerMismatch))]);
//! assert_eq!(jws::decode_bytes(&token, &key, &v).unwrap_err().kind(), ErrorKind::Expired);
//! assert!(!report.passed());
//! assert_eq!(report.checks()[0].outcome(), Outcome::Passed);
//! # Ok::<(), hxjwt::Error>(())
//! ```

use std::fmt;
use std::ops::ControlFlow;

use serde_json::{Map, Value, json};

use crate::error::{Error, ErrorKind};
use crate::jws::validation::Step;
use crate::jws::{self, Validation, VerifyingKeys};
use crate::{b64, json as strict};

/// What became of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// The check ran and found nothing wrong.
    Passed,
    /// The check ran and failed: [`Check::kind`] says how.
    Failed,
    /// The check did not run: an earlier failure made it impossible (no accepted algorithm, no
    /// verified signature, ...), it is not configured or switched off, or explain never runs it
    /// (the replay store). [`Check::message`] says which.
    NotChecked,
}

impl Outcome {
    /// The outcome's stable name: `"passed"`, `"failed"` or `"not_checked"`.
    pub const fn name(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::NotChecked => "not_checked",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One check of a [`Report`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    name: &'static str,
    outcome: Outcome,
    kind: Option<ErrorKind>,
    message: String,
}

impl Check {
    /// The check's stable name (the table of the [module](self)).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// What became of it.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// The kind decode or validate would fail with for this check, when it failed.
    pub fn kind(&self) -> Option<ErrorKind> {
        self.kind
    }

    /// For people: why it failed, or why it was not checked, or what passed. Never key material.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Every check of one token: see the [module](self) documentation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    checks: Vec<Check>,
    header: Option<Map<String, Value>>,
    claims: Option<Map<String, Value>>,
    payload_len: Option<usize>,
}

impl Report {
    /// Every check, in the order they ran.
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// The failed checks, in the order they ran: the first is the error decode or validate
    /// returns for this token.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.outcome == Outcome::Failed)
    }

    /// The first failed check.
    pub fn first_failure(&self) -> Option<&Check> {
        self.failures().next()
    }

    /// No check failed. **This is not an acceptance**: explain consults no replay store and its
    /// report decides nothing; call decode or validate to accept a token.
    pub fn passed(&self) -> bool {
        self.first_failure().is_none()
    }

    /// The protected header, when the format allowed parsing it. **Unauthenticated** unless the
    /// signature check passed: anyone can write a header.
    pub fn header(&self) -> Option<&Map<String, Value>> {
        self.header.as_ref()
    }

    /// The claims of a standard JWT, only when its signature verified (and they are a JSON
    /// object). Always `None` for HX1 (its claims are in the header).
    pub fn claims(&self) -> Option<&Map<String, Value>> {
        self.claims.as_ref()
    }

    /// The length of an HX1 payload that decrypted; the payload itself is never reported.
    pub fn payload_len(&self) -> Option<usize> {
        self.payload_len
    }

    /// The report as JSON: `{"passed":bool,"checks":[{"check","outcome","kind","code",
    /// "message"}],"header":{…}|null,"claims":{…}|null}` (`outcome` is an [`Outcome::name`];
    /// `kind` the [`ErrorKind::name`] of a failed check, else `null`; `code` is `null` here, see
    /// [`to_json_with_codes`](Self::to_json_with_codes); `passed` is [`passed`](Self::passed)),
    /// plus `"payload_len"` for HX1 when the payload decrypted.
    pub fn to_json(&self) -> Value {
        self.to_json_with_codes(|_| None)
    }

    /// [`to_json`](Self::to_json) with a `"code"` member in each check: `code(kind)` for a
    /// failed check (`null` for the others, and when `code` gives `None`). The faces pass their
    /// status numbers (C's `HX_ERR_*`).
    pub fn to_json_with_codes(&self, code: impl Fn(ErrorKind) -> Option<i64>) -> Value {
        let checks: Vec<Value> = self
            .checks
            .iter()
            .map(|c| {
                let mut m = Map::new();
                m.insert("check".into(), c.name.into());
                m.insert("outcome".into(), c.outcome.name().into());
                m.insert("kind".into(), c.kind.map(ErrorKind::name).into());
                m.insert("code".into(), c.kind.and_then(&code).into());
                m.insert("message".into(), c.message.clone().into());
                Value::Object(m)
            })
            .collect();
        let mut out = json!({
            "passed": self.passed(),
            "checks": checks,
            "header": self.header.clone().map(Value::Object),
            "claims": self.claims.clone().map(Value::Object),
        });
        if let (Some(len), Some(m)) = (self.payload_len, out.as_object_mut()) {
            m.insert("payload_len".into(), len.into());
        }
        out
    }

    pub(crate) fn pass(&mut self, name: &'static str, message: impl Into<String>) {
        self.push(name, Outcome::Passed, None, message.into());
    }

    pub(crate) fn fail(&mut self, name: &'static str, error: &Error) {
        self.push(
            name,
            Outcome::Failed,
            Some(error.kind()),
            error.detail().to_owned(),
        );
    }

    pub(crate) fn not_checked(&mut self, name: &'static str, why: &str) {
        self.push(name, Outcome::NotChecked, None, why.to_owned());
    }

    /// Each of `names` not checked, for the same reason.
    pub(crate) fn none_checked(&mut self, names: &[&'static str], why: &str) {
        for name in names {
            self.not_checked(name, why);
        }
    }

    /// Records `result` under `name` (passed with `ok`, or failed); returns the value.
    pub(crate) fn record<T>(
        &mut self,
        name: &'static str,
        ok: &str,
        result: crate::Result<T>,
    ) -> Option<T> {
        match result {
            Ok(v) => {
                self.pass(name, ok);
                Some(v)
            }
            Err(e) => {
                self.fail(name, &e);
                None
            }
        }
    }

    /// Records a step of the shared checks.
    pub(crate) fn step(&mut self, name: &'static str, ok: &str, step: Step) {
        match step {
            Step::Pass => self.pass(name, ok),
            Step::Fail(e) => self.fail(name, &e),
            Step::Skip(why) => self.not_checked(name, why),
        }
    }

    pub(crate) fn set_header(&mut self, header: Map<String, Value>) {
        self.header = Some(header);
    }

    pub(crate) fn set_payload_len(&mut self, len: usize) {
        self.payload_len = Some(len);
    }

    fn push(&mut self, name: &'static str, outcome: Outcome, kind: Option<ErrorKind>, msg: String) {
        self.checks.push(Check {
            name,
            outcome,
            kind,
            message: msg,
        });
    }
}

/// The checks that need the verified claims, in their order.
const CLAIM_CHECKS: [&str; 11] = [
    "claims", "required", "exp", "nbf", "iat", "max_age", "aud", "iss", "sub", "jti", "replay",
];

/// Every check [`decode`](crate::jws::decode) applies to `token`, run to the end: see the
/// [module](self) documentation. Takes the keys [`decode`](crate::jws::decode) takes (a
/// [`Key`](crate::jws::Key), a [`KeySet`](crate::jws::KeySet), a remote key set). Never
/// accepts: the replay store of `v` is neither consulted nor written.
///
/// ```
/// use hxjwt::jws::{self, Algorithm, Header, Key, Outcome, Validation};
/// let key = Key::from_secret(b"a secret of at least thirty-two bytes!!")?;
/// let other = Key::from_secret(b"another secret, thirty-two bytes long")?;
/// let token = jws::encode_json(&Header::new(Algorithm::HS256), r#"{"exp":1}"#, &other)?;
/// let report = jws::explain(&token, &key, &Validation::new(&[Algorithm::HS256]));
/// let sig = report.checks().iter().find(|c| c.name() == "signature").unwrap();
/// assert_eq!(sig.kind(), Some(hxjwt::ErrorKind::InvalidSignature));
/// assert!(report.claims().is_none());   // shown only when the signature verified
/// # Ok::<(), hxjwt::Error>(())
/// ```
pub fn explain(token: &str, keys: &impl VerifyingKeys, v: &Validation) -> Report {
    let mut rep = Report::default();
    let mut scratch = [0u8; 512];
    let parts = jws::split(token, v).and_then(|(head, pay, sig)| {
        let header = jws::parse_header(head, v, &mut scratch)?;
        Ok((head, pay, sig, header))
    });
    let Some((head, pay, sig, header)) = rep.record("format", "three canonical segments", parts)
    else {
        rep.none_checked(
            &[
                "algorithm",
                "crit",
                "header",
                "typ",
                "payload",
                "key",
                "signature",
            ],
            "the token's format is not that of a JWS",
        );
        rep.none_checked(&CLAIM_CHECKS, "the token's format is not that of a JWS");
        return rep;
    };
    let alg = jws::header_alg(&header).and_then(|alg| v.check_algorithm(alg).map(|()| alg));
    let alg = rep.record("algorithm", "accepted", alg);
    rep.record("crit", "no crit, no b64", jws::check_crit(&header));
    rep.record(
        "header",
        "kid, typ, cty are strings",
        jws::check_members(&header),
    );
    if v.typ.is_some() {
        rep.record("typ", "the required typ", v.check_typ(&header));
    } else {
        rep.not_checked("typ", "no typ is required");
    }
    let payload = rep.record("payload", "base64url", b64::decode(pay, "payload segment"));
    let kept_header = header.clone();
    rep.set_header(header);
    let Some(alg) = alg else {
        rep.none_checked(&["key", "signature"], "the algorithm is not accepted");
        rep.none_checked(&CLAIM_CHECKS, "the signature was not verified");
        return rep;
    };
    let signature = b64::decode(sig, "signature segment")
        .and_then(|bytes| Ok((jws::signed_part(token, head, pay)?, bytes)));
    let (signed, signature) = match signature {
        Ok(parts) => parts,
        Err(err) => {
            rep.fail("signature", &err);
            rep.not_checked("key", "the signature segment is not usable");
            rep.none_checked(&CLAIM_CHECKS, "the signature was not verified");
            return rep;
        }
    };
    let verified = rep
        .record(
            "key",
            "a key for the kid and algorithm",
            jws::candidates(&kept_header, alg, keys),
        )
        .map(|candidates| {
            rep.record(
                "signature",
                "verified",
                jws::verify_with(candidates, alg, signed.as_bytes(), &signature).map(|_| ()),
            )
        });
    match verified {
        None => {
            rep.not_checked("signature", "no key to verify it with");
            rep.none_checked(&CLAIM_CHECKS, "the signature was not verified");
            return rep;
        }
        Some(None) => {
            rep.none_checked(&CLAIM_CHECKS, "the signature was not verified");
            return rep;
        }
        Some(Some(())) => {}
    }
    let Some(payload) = payload else {
        rep.none_checked(&CLAIM_CHECKS, "the payload segment is not base64url");
        return rep;
    };
    let claims = strict::parse_object(&payload, v.max_depth, "claims");
    let Some(claims) = rep.record("claims", "one strict JSON object", claims) else {
        rep.none_checked(
            CLAIM_CHECKS.get(1..).unwrap_or_default(),
            "the claims are not a JSON object",
        );
        return rep;
    };
    let _ = v.each_claim_check(&claims, &mut |name, step| {
        let ok = if claims.contains_key(name) || name == "required" || name == "max_age" {
            "ok"
        } else {
            "absent, not required"
        };
        rep.step(name, ok, step);
        ControlFlow::Continue(())
    });
    match v.check_replay_claims(&claims) {
        Ok(false) => rep.not_checked("replay", "no replay store is configured"),
        Ok(true) => rep.not_checked(
            "replay",
            "explain does not consult or record the replay store",
        ),
        Err(err) => rep.fail("replay", &err),
    }
    rep.claims = Some(claims);
    rep
}
