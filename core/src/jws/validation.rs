//! What a decoded token must satisfy, as a value.

use std::fmt;
use std::ops::ControlFlow;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::alg::Algorithm;
use super::key::Key;
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, ErrorKind, Result, quote};
use crate::json::{Claim, StrList};
use crate::store::{self, ReplayStore};

/// The default maximum token length for standard JWTs, in bytes.
pub const DEFAULT_MAX_TOKEN_LEN: usize = 64 * 1024;
/// The default maximum JSON nesting depth of header and claims.
pub const DEFAULT_MAX_DEPTH: usize = 32;

/// The checks [`decode`](super::decode) applies. There is no default algorithm list: the caller
/// names the algorithms it accepts, so the token's header never chooses.
///
/// ```
/// use hxjwt::jws::{Algorithm, Validation};
/// let mut v = Validation::new(&[Algorithm::ES256]);
/// v.leeway = 30;
/// let v = v.audience(&["api.example.com"]).issuer(&["https://login.example.com"]);
/// assert_eq!(v.required_claims, vec!["exp".to_owned()]);
/// ```
#[derive(Clone)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "one switch per registered claim, as PyJWT options"
)]
pub struct Validation {
    /// The accepted `alg` values. Must not be empty. No default.
    pub algorithms: Vec<Algorithm>,
    /// Clock skew tolerated on `exp`, `nbf`, `iat` and the maximum age, in seconds. A fractional
    /// `NumericDate` (`"exp": 1700000000.5`) is compared exactly, never rounded: that `exp` is
    /// valid up to and including second 1700000000 + leeway. Defaults to 0.
    pub leeway: u64,
    /// Reject tokens whose `exp` has passed. Defaults to `true`.
    pub validate_exp: bool,
    /// Reject tokens whose `nbf` is in the future. Defaults to `true`.
    pub validate_nbf: bool,
    /// Reject tokens whose `iat` is in the future. Defaults to `true`.
    pub validate_iat: bool,
    /// Check `aud` against [`audiences`](Self::audiences); with no audiences configured, a token
    /// that has an `aud` is rejected. Defaults to `true`.
    pub validate_aud: bool,
    /// Claims that must be present. Defaults to `["exp"]`: a token that never expires is
    /// refused unless you clear this.
    pub required_claims: Vec<String>,
    /// Accepted audiences; the token's `aud` (a string or an array) must contain one of them.
    /// None may be empty (a configuration error, [`InvalidArgument`](ErrorKind::InvalidArgument)
    /// at decode), and an empty `aud` matches nothing. Defaults to `None`.
    pub audiences: Option<Vec<String>>,
    /// Accepted issuers; the token's `iss` must be one of them. None may be empty (a
    /// configuration error, [`InvalidArgument`](ErrorKind::InvalidArgument) at decode, as for
    /// the audiences). Defaults to `None`.
    pub issuers: Option<Vec<String>>,
    /// The required `sub`. Defaults to `None`.
    pub subject: Option<String>,
    /// The required header `typ` (compared case-insensitively, as media types are).
    /// Defaults to `None`.
    pub typ: Option<String>,
    /// The oldest token accepted, in seconds since its `iat` (which is then required).
    /// Defaults to `None`.
    pub max_age: Option<u64>,
    /// The longest token accepted, in bytes. Defaults to [`DEFAULT_MAX_TOKEN_LEN`] (64 KiB).
    pub max_token_len: usize,
    /// The deepest JSON nesting accepted in header and claims. Defaults to
    /// [`DEFAULT_MAX_DEPTH`] (32).
    pub max_depth: usize,
    /// Where "now" comes from. Defaults to the system clock.
    pub clock: Arc<dyn Clock>,
    /// Accept each token at most once: with a store set, a token must carry a `jti` and an
    /// `exp`, and its `jti` is recorded (namespaced by the verifying key's thumbprint) until
    /// `exp` + leeway; a second token with that `jti` fails with
    /// [`Replayed`](ErrorKind::Replayed). Share one store (e.g.
    /// [`RedisReplayStore`](crate::store::redis::RedisReplayStore)) across instances to make
    /// this hold fleet-wide; a store that cannot answer refuses the token. Defaults to `None`.
    pub replay_store: Option<Arc<dyn ReplayStore>>,
}

impl Validation {
    /// Checks for tokens signed with one of `algorithms`, with the defaults of each field.
    pub fn new(algorithms: &[Algorithm]) -> Validation {
        Validation {
            algorithms: algorithms.to_vec(),
            leeway: 0,
            validate_exp: true,
            validate_nbf: true,
            validate_iat: true,
            validate_aud: true,
            required_claims: vec!["exp".to_owned()],
            audiences: None,
            issuers: None,
            subject: None,
            typ: None,
            max_age: None,
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
            max_depth: DEFAULT_MAX_DEPTH,
            clock: Arc::new(SystemClock),
            replay_store: None,
        }
    }

    /// Sets the leeway in seconds.
    #[must_use]
    pub fn leeway(mut self, seconds: u64) -> Self {
        self.leeway = seconds;
        self
    }

    /// Accepts tokens whose `aud` contains one of `audiences`. An empty string is never an
    /// audience: a validation configured with one refuses every token with
    /// [`InvalidArgument`](ErrorKind::InvalidArgument), and a token's empty `aud` matches
    /// nothing.
    ///
    /// ```
    /// use hxjwt::jws::{self, Algorithm, Header, Key, Validation};
    /// let key = Key::from_secret(b"a secret of at least thirty-two bytes!!")?;
    /// let token = jws::encode_json(&Header::new(Algorithm::HS256),
    ///     r#"{"aud":"api","exp":4102444800}"#, &key)?;
    /// let v = Validation::new(&[Algorithm::HS256]).audience(&["api"]);
    /// assert!(jws::decode_bytes(&token, &key, &v).is_ok());
    /// let empty = Validation::new(&[Algorithm::HS256]).audience(&[""]);
    /// let err = jws::decode_bytes(&token, &key, &empty).unwrap_err();
    /// assert_eq!(err.kind(), hxjwt::ErrorKind::InvalidArgument);
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    #[must_use]
    pub fn audience<S: AsRef<str>>(mut self, audiences: &[S]) -> Self {
        self.audiences = Some(audiences.iter().map(|s| s.as_ref().to_owned()).collect());
        self
    }

    /// Accepts tokens whose `iss` is one of `issuers`. An empty string is never an expected
    /// issuer: decode refuses such a validation with
    /// [`InvalidArgument`](ErrorKind::InvalidArgument).
    #[must_use]
    pub fn issuer<S: AsRef<str>>(mut self, issuers: &[S]) -> Self {
        self.issuers = Some(issuers.iter().map(|s| s.as_ref().to_owned()).collect());
        self
    }

    /// Requires `sub` to equal `subject`.
    #[must_use]
    pub fn subject(mut self, subject: &str) -> Self {
        self.subject = Some(subject.to_owned());
        self
    }

    /// Replaces the required claims.
    #[must_use]
    pub fn require<S: AsRef<str>>(mut self, claims: &[S]) -> Self {
        self.required_claims = claims.iter().map(|s| s.as_ref().to_owned()).collect();
        self
    }

    /// Requires the header `typ`.
    #[must_use]
    pub fn typ(mut self, typ: &str) -> Self {
        self.typ = Some(typ.to_owned());
        self
    }

    /// Refuses tokens older than `seconds` since their `iat`.
    #[must_use]
    pub fn max_age(mut self, seconds: u64) -> Self {
        self.max_age = Some(seconds);
        self
    }

    /// Accepts each token once: see [`replay_store`](Self::replay_store).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use hxjwt::jws::{self, Algorithm, Header, Key, Validation};
    /// use hxjwt::store::MemoryReplayStore;
    /// let key = Key::from_secret(b"a secret of at least thirty-two bytes!!")?;
    /// let token = jws::encode_json(&Header::new(Algorithm::HS256),
    ///     r#"{"jti":"req-1","exp":4102444800}"#, &key)?;
    /// let v = Validation::new(&[Algorithm::HS256]).replay_store(Arc::new(MemoryReplayStore::default()));
    /// assert!(jws::decode_bytes(&token, &key, &v).is_ok());
    /// assert_eq!(jws::decode_bytes(&token, &key, &v).unwrap_err().kind(), hxjwt::ErrorKind::Replayed);
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    #[must_use]
    pub fn replay_store(mut self, store: Arc<dyn ReplayStore>) -> Self {
        self.replay_store = Some(store);
        self
    }

    /// Whether decoding a token of `token_len` bytes with `keys` under this validation is only
    /// a few microseconds of work that waits on nothing: the token is at most
    /// [`CHEAP_TOKEN_LEN`](crate::jwe::CHEAP_TOKEN_LEN), the keys are HMAC secrets in memory
    /// ([`VerifyingKeys::is_cheap`](super::VerifyingKeys::is_cheap)) and the replay store, if
    /// any, lives in this process ([`ReplayStore::is_local`]). A face over a runtime lock
    /// (Python's GIL) keeps the lock for such a call and releases it for every other one.
    ///
    /// ```
    /// use hxjwt::jws::{Algorithm, Key, Validation};
    /// let v = Validation::new(&[Algorithm::HS256, Algorithm::ES256]);
    /// let secret = Key::from_secret([7u8; 32])?;
    /// assert!(v.is_cheap(&secret, 300));
    /// assert!(!v.is_cheap(&secret, 1 << 20));
    /// assert!(!v.is_cheap(&Key::generate(Algorithm::ES256)?, 300));
    /// # Ok::<(), hxjwt::Error>(())
    /// ```
    pub fn is_cheap(&self, keys: &impl super::VerifyingKeys, token_len: usize) -> bool {
        token_len <= crate::jwe::CHEAP_TOKEN_LEN
            && keys.is_cheap()
            && self.replay_store.as_ref().is_none_or(|s| s.is_local())
    }

    /// Records the token's `jti` in the replay store, if one is set (after every other check:
    /// only a token that would be accepted is recorded).
    pub(crate) fn check_replay(&self, claims: &impl ClaimLookup, key: &Key) -> Result<()> {
        let Some(store) = &self.replay_store else {
            return Ok(());
        };
        let (jti, exp) = replay_claims(claims)?;
        // Remembered until the last whole second at which the token could still be accepted.
        let until = exp
            .ceil()
            .saturating_add(i64::try_from(self.leeway).unwrap_or(i64::MAX));
        let id = store::jws_jti_id(key.replay_namespace(), jti);
        if store.check_and_insert(id.as_bytes(), until, self.clock.now())? {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::Replayed,
                format!("a token with jti {} was already accepted", quote(jti)),
            )
            .with_claim("jti"))
        }
    }

    /// What replay protection needs of the claims, checked without consulting the store (the
    /// `"replay"` check of [`explain`](crate::explain)): `Ok(false)` when no store is set.
    pub(crate) fn check_replay_claims(&self, claims: &impl ClaimLookup) -> Result<bool> {
        if self.replay_store.is_none() {
            return Ok(false);
        }
        replay_claims(claims).map(|_| true)
    }

    /// Replaces the clock.
    #[must_use]
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The header checks that do not need the key: algorithm allowed, typ.
    pub(crate) fn check_algorithm(&self, alg: Algorithm) -> Result<()> {
        self.check_audiences()?;
        if self.algorithms.is_empty() {
            return Err(Error::invalid_argument(
                "the validation accepts no algorithm: name the algorithms you expect",
            ));
        }
        if !self.algorithms.contains(&alg) {
            return Err(Error::new(
                ErrorKind::UnsupportedAlgorithm,
                format!("{alg} is not among the accepted algorithms"),
            ));
        }
        Ok(())
    }

    pub(crate) fn check_typ(&self, header: &impl super::HeaderLookup) -> Result<()> {
        let Some(want) = &self.typ else {
            return Ok(());
        };
        match header.string("typ") {
            Some(t) if t.eq_ignore_ascii_case(want) => Ok(()),
            Some(t) => Err(Error::new(
                ErrorKind::InvalidClaim,
                format!("header typ {} is not {}", quote(t), quote(want)),
            )
            .with_claim("typ")),
            _ => Err(Error::new(
                ErrorKind::MissingClaim,
                format!("header typ is missing; {} is required", quote(want)),
            )
            .with_claim("typ")),
        }
    }

    /// The claim checks alone (required claims, `exp`, `nbf`, `iat`, maximum age, `aud`, `iss`,
    /// `sub`, `jti`), as [`decode`](super::decode) applies them after the signature. Public
    /// for faces that must check the claims of a token whose signature they were told not to
    /// verify (`PyJWT`'s `verify_signature=False`); on its own it proves nothing about who made
    /// the claims.
    pub fn check_claims(&self, claims: &Map<String, Value>) -> Result<()> {
        self.check_claims_in(claims)
    }

    /// [`check_claims`](Self::check_claims) over any view of the claims: a parsed map, or the
    /// registered claims picked out of the JSON text by [`crate::json::ClaimsView`].
    pub(crate) fn check_claims_in(&self, claims: &impl ClaimLookup) -> Result<()> {
        self.check_audiences()?;
        let mut first = None;
        let _ = self.each_claim_check(claims, &mut |_, step| match step {
            Step::Fail(e) => {
                first = Some(e);
                ControlFlow::Break(())
            }
            Step::Pass | Step::Skip(_) => ControlFlow::Continue(()),
        });
        first.map_or(Ok(()), Err)
    }

    /// Every claim check, in the order [`decode`](super::decode) applies them, each reported to
    /// `report` under its stable name (`"required"`, `"exp"`, `"nbf"`, `"iat"`, `"max_age"`,
    /// `"aud"`, `"iss"`, `"sub"`, `"jti"`); `report` stops the run by returning `Break`.
    /// `decode` stops at the first failure, [`explain`](crate::explain) runs them all: one
    /// decision logic for both. A `NumericDate` that does not parse is reported before any
    /// comparison (as decode always did), so the order of the names may vary; the first
    /// failure reported is always the one decode returns.
    pub(crate) fn each_claim_check(
        &self,
        claims: &impl ClaimLookup,
        report: &mut impl FnMut(&'static str, Step) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let mut missing = false;
        for name in &self.required_claims {
            if !claims.contains(name) {
                missing = true;
                report(
                    "required",
                    Step::Fail(
                        Error::new(
                            ErrorKind::MissingClaim,
                            format!("the token has no {} claim", quote(name)),
                        )
                        .with_claim(name),
                    ),
                )?;
            }
        }
        if !missing {
            report("required", Step::Pass)?;
        }
        let now = self.clock.now();
        let leeway = i64::try_from(self.leeway).unwrap_or(i64::MAX);
        // `None`: the claim is not a NumericDate, reported here; `Some(None)`: absent.
        let mut dates = [None, None, None];
        for (slot, name) in dates.iter_mut().zip(["exp", "nbf", "iat"]) {
            match numeric_date(claims, name) {
                Ok(d) => *slot = Some(d),
                Err(e) => report(name, Step::Fail(e))?,
            }
        }
        let [exp, nbf, iat] = dates;
        // Every comparison is exact against a fractional NumericDate: `now` and the leeway are
        // whole seconds, so `exp + leeway <= now` holds exactly when `ceil(exp) + leeway <= now`,
        // and `nbf - leeway > now` exactly when `ceil(nbf) - leeway > now` (`iat` likewise).
        if let Some(exp) = exp {
            report("exp", self.exp_step(exp, now, leeway))?;
        }
        if let Some(nbf) = nbf {
            report("nbf", self.nbf_step(nbf, now, leeway))?;
        }
        if let Some(iat) = iat {
            report("iat", self.iat_step(iat, now, leeway))?;
        }
        report("max_age", self.max_age_step(iat, now, leeway))?;
        report("aud", self.aud_step(claims.claim("aud")))?;
        report("iss", self.iss_step(claims.claim("iss")))?;
        report("sub", self.sub_step(claims.claim("sub")))?;
        let jti = match claims.claim("jti") {
            None | Some(Claim::Str(_)) => Step::Pass,
            Some(_) => Step::Fail(wrong_type("jti", "a string")),
        };
        report("jti", jti)
    }

    fn exp_step(&self, exp: Option<NumericDate>, now: i64, leeway: i64) -> Step {
        match exp {
            Some(_) if !self.validate_exp => Step::Skip("validate_exp is off"),
            Some(exp) if exp.ceil().saturating_add(leeway) <= now => Step::Fail(
                Error::new(
                    ErrorKind::Expired,
                    format!("the token expired at {exp} (now {now})"),
                )
                .with_claim("exp"),
            ),
            _ => Step::Pass,
        }
    }

    fn nbf_step(&self, nbf: Option<NumericDate>, now: i64, leeway: i64) -> Step {
        match nbf {
            Some(_) if !self.validate_nbf => Step::Skip("validate_nbf is off"),
            Some(nbf) if nbf.ceil().saturating_sub(leeway) > now => Step::Fail(
                Error::new(
                    ErrorKind::NotYetValid,
                    format!("the token is not valid before {nbf} (now {now})"),
                )
                .with_claim("nbf"),
            ),
            _ => Step::Pass,
        }
    }

    fn iat_step(&self, iat: Option<NumericDate>, now: i64, leeway: i64) -> Step {
        match iat {
            Some(_) if !self.validate_iat => Step::Skip("validate_iat is off"),
            Some(iat) if iat.ceil().saturating_sub(leeway) > now => Step::Fail(
                Error::new(
                    ErrorKind::NotYetValid,
                    format!("the token is issued in the future: iat {iat} (now {now})"),
                )
                .with_claim("iat"),
            ),
            _ => Step::Pass,
        }
    }

    /// `iat`: `None` when it is not a `NumericDate` (reported as the `"iat"` failure).
    #[allow(
        clippy::option_option,
        reason = "three states: not a NumericDate (already reported), absent, present"
    )]
    fn max_age_step(&self, iat: Option<Option<NumericDate>>, now: i64, leeway: i64) -> Step {
        let Some(max_age) = self.max_age else {
            return Step::Skip("no maximum age is configured");
        };
        let Some(iat) = iat else {
            return Step::Skip("the \"iat\" claim is not a NumericDate");
        };
        let Some(iat) = iat else {
            return Step::Fail(
                Error::new(
                    ErrorKind::MissingClaim,
                    "the token has no \"iat\" claim, needed for the maximum age",
                )
                .with_claim("iat"),
            );
        };
        let limit = i64::try_from(max_age)
            .unwrap_or(i64::MAX)
            .saturating_add(leeway);
        // Too old when `now - iat > limit`, i.e. `now - limit > iat`: for a whole
        // `now - limit`, exactly when it is greater than `floor(iat)`.
        if now.saturating_sub(iat.floor()) > limit {
            return Step::Fail(
                Error::new(
                    ErrorKind::Expired,
                    format!("the token was issued at {iat}, more than {max_age} s ago"),
                )
                .with_claim("iat"),
            );
        }
        Step::Pass
    }

    fn aud_step(&self, aud: Option<Claim<'_>>) -> Step {
        if !self.validate_aud {
            return Step::Skip("validate_aud is off");
        }
        Step::from(self.check_aud(aud))
    }

    fn iss_step(&self, iss: Option<Claim<'_>>) -> Step {
        match (iss, &self.issuers) {
            (Some(Claim::Str(iss)), Some(allowed)) if !allowed.iter().any(|a| a == iss) => {
                Step::Fail(
                    Error::new(
                        ErrorKind::IssuerMismatch,
                        format!("issuer {} is not accepted", quote(iss)),
                    )
                    .with_claim("iss"),
                )
            }
            (Some(v), _) if v.as_str().is_none() => Step::Fail(wrong_type("iss", "a string")),
            (None, Some(_)) => Step::Fail(
                Error::new(ErrorKind::MissingClaim, "the token has no \"iss\" claim")
                    .with_claim("iss"),
            ),
            _ => Step::Pass,
        }
    }

    fn sub_step(&self, sub: Option<Claim<'_>>) -> Step {
        match (sub, &self.subject) {
            (Some(Claim::Str(sub)), Some(want)) if sub != want => Step::Fail(
                Error::new(
                    ErrorKind::InvalidClaim,
                    format!("subject {} is not {}", quote(sub), quote(want)),
                )
                .with_claim("sub"),
            ),
            (Some(v), _) if v.as_str().is_none() => Step::Fail(wrong_type("sub", "a string")),
            (None, Some(_)) => Step::Fail(
                Error::new(ErrorKind::MissingClaim, "the token has no \"sub\" claim")
                    .with_claim("sub"),
            ),
            _ => Step::Pass,
        }
    }

    /// The configured audiences and issuers are usable: an empty string is never an expected
    /// audience (it would accept a token with an empty `aud`, which names no one) nor an
    /// expected issuer, so it is a configuration error, reported before the token is looked at
    /// (the C face refuses it when it is set).
    pub(crate) fn check_audiences(&self) -> Result<()> {
        if let Some(audiences) = &self.audiences {
            if audiences.iter().any(String::is_empty) {
                return Err(Error::invalid_argument(
                    "the validation's audiences include an empty string, which is never a valid audience: name the audience you expect",
                ));
            }
        }
        if let Some(issuers) = &self.issuers {
            if issuers.iter().any(String::is_empty) {
                return Err(Error::invalid_argument(
                    "the validation's issuers include an empty string, which is never a valid issuer: name the issuer you expect",
                ));
            }
        }
        Ok(())
    }

    /// The `aud` check proper (`validate_aud` on).
    fn check_aud(&self, aud: Option<Claim<'_>>) -> Result<()> {
        let values = match aud {
            // `"aud": null` is no audience (as in PyJWT).
            None | Some(Claim::Null) => {
                if self.audiences.is_some() {
                    return Err(Error::new(
                        ErrorKind::MissingClaim,
                        "the token has no \"aud\" claim",
                    )
                    .with_claim("aud"));
                }
                return Ok(());
            }
            Some(Claim::Str(s)) => Audiences::One(s),
            Some(Claim::Strings(list)) => Audiences::List(list),
            Some(_) => return Err(wrong_type("aud", "a string or an array of strings")),
        };
        let Some(accepted) = &self.audiences else {
            return Err(Error::new(
                ErrorKind::WrongAudience,
                "the token has an audience, but this validation expects none: configure the accepted audiences",
            )
            .with_claim("aud"));
        };
        // An empty `aud` (`""`, or `""` in the array) names no one: it matches nothing, whatever
        // is configured.
        if values
            .iter()
            .any(|v| !v.is_empty() && accepted.iter().any(|a| a == v))
        {
            Ok(())
        } else {
            let listed: Vec<&str> = values.iter().collect();
            Err(Error::new(
                ErrorKind::WrongAudience,
                format!(
                    "the token's audience {} is not accepted",
                    quote(&listed.join(", "))
                ),
            )
            .with_claim("aud"))
        }
    }
}

/// The audiences of a token: one string, or an array of strings.
#[derive(Clone, Copy)]
enum Audiences<'a> {
    One(&'a str),
    List(StrList<'a>),
}

impl<'a> Audiences<'a> {
    fn iter(self) -> impl Iterator<Item = &'a str> {
        let (one, list) = match self {
            Audiences::One(s) => (Some(s), None),
            Audiences::List(l) => (None, Some(l)),
        };
        one.into_iter()
            .chain(list.into_iter().flat_map(StrList::iter))
    }
}

/// The outcome of one check, as the shared checks report it to [`decode`](super::decode) (which
/// stops at the first `Fail`) and to [`explain`](crate::explain) (which records them all).
#[derive(Debug)]
pub(crate) enum Step {
    /// The check ran and found nothing wrong.
    Pass,
    /// The check failed with this error.
    Fail(Error),
    /// The check did not run, for this reason (switched off, not configured, or impossible).
    Skip(&'static str),
}

impl From<Result<()>> for Step {
    fn from(r: Result<()>) -> Step {
        match r {
            Ok(()) => Step::Pass,
            Err(e) => Step::Fail(e),
        }
    }
}

/// The `jti` and `exp` replay protection needs.
fn replay_claims(claims: &impl ClaimLookup) -> Result<(&str, NumericDate)> {
    let jti = match claims.claim("jti") {
        Some(Claim::Str(jti)) => jti,
        Some(_) => return Err(wrong_type("jti", "a string")),
        None => {
            return Err(Error::new(
                ErrorKind::MissingClaim,
                "the token has no \"jti\" claim, needed to accept it only once",
            )
            .with_claim("jti"));
        }
    };
    let Some(exp) = numeric_date(claims, "exp")? else {
        return Err(Error::new(
            ErrorKind::MissingClaim,
            "the token has no \"exp\" claim, needed to know how long to remember its jti",
        )
        .with_claim("exp"));
    };
    Ok((jti, exp))
}

/// Read access to claims by name: what the claim checks need.
pub(crate) trait ClaimLookup {
    /// The value of claim `name`, as the checks read it. A view may answer only for the
    /// registered claims.
    fn claim(&self, name: &str) -> Option<Claim<'_>>;
    /// Whether the claims have a member `name` (whatever its value).
    fn contains(&self, name: &str) -> bool;
}

impl ClaimLookup for Map<String, Value> {
    fn claim(&self, name: &str) -> Option<Claim<'_>> {
        Map::get(self, name).map(Claim::of)
    }
    fn contains(&self, name: &str) -> bool {
        self.contains_key(name)
    }
}

fn wrong_type(claim: &'static str, what: &str) -> Error {
    Error::new(
        ErrorKind::InvalidClaim,
        format!("the \"{claim}\" claim must be {what}"),
    )
    .with_claim(claim)
}

/// A `NumericDate` claim (RFC 7519 §2): whole seconds (the fast path), or a number with a
/// fraction, kept as is so that the checks compare against it exactly (never rounded).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum NumericDate {
    /// A whole number of seconds, within ±2^53.
    Whole(i64),
    /// A number with a non-zero fraction, within ±2^53.
    Fraction(f64),
}

impl NumericDate {
    /// The least whole second at or after the date.
    fn ceil(self) -> i64 {
        match self {
            NumericDate::Whole(i) => i,
            #[allow(
                clippy::cast_possible_truncation,
                reason = "within ±2^53 (numeric_date), so exact in an i64"
            )]
            NumericDate::Fraction(f) => f.ceil() as i64,
        }
    }

    /// The greatest whole second at or before the date.
    fn floor(self) -> i64 {
        match self {
            NumericDate::Whole(i) => i,
            #[allow(
                clippy::cast_possible_truncation,
                reason = "within ±2^53 (numeric_date), so exact in an i64"
            )]
            NumericDate::Fraction(f) => f.floor() as i64,
        }
    }
}

impl fmt::Display for NumericDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NumericDate::Whole(i) => write!(f, "{i}"),
            NumericDate::Fraction(x) => write!(f, "{x}"),
        }
    }
}

/// A `NumericDate` claim: an integer, or a number with a fraction, within ±2^53.
pub(crate) fn numeric_date(
    claims: &impl ClaimLookup,
    name: &'static str,
) -> Result<Option<NumericDate>> {
    const LIMIT: f64 = 9_007_199_254_740_992.0;
    match claims.claim(name) {
        None => Ok(None),
        Some(Claim::Number(n)) => {
            if let Some(i) = n.as_i64() {
                if i.unsigned_abs() <= 1 << 53 {
                    return Ok(Some(NumericDate::Whole(i)));
                }
            } else if let Some(f) = n.as_f64() {
                if f.is_finite() && f.abs() <= LIMIT {
                    if f.fract() == 0.0 {
                        #[allow(
                            clippy::cast_possible_truncation,
                            reason = "a whole number bounded by LIMIT above"
                        )]
                        return Ok(Some(NumericDate::Whole(f as i64)));
                    }
                    return Ok(Some(NumericDate::Fraction(f)));
                }
            }
            Err(wrong_type(name, "a NumericDate within ±2^53"))
        }
        Some(_) => Err(wrong_type(name, "a NumericDate (a number)")),
    }
}

impl fmt::Debug for Validation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validation")
            .field("algorithms", &self.algorithms)
            .field("leeway", &self.leeway)
            .field("validate_exp", &self.validate_exp)
            .field("validate_nbf", &self.validate_nbf)
            .field("validate_iat", &self.validate_iat)
            .field("validate_aud", &self.validate_aud)
            .field("required_claims", &self.required_claims)
            .field("audiences", &self.audiences)
            .field("issuers", &self.issuers)
            .field("subject", &self.subject)
            .field("typ", &self.typ)
            .field("max_age", &self.max_age)
            .field("max_token_len", &self.max_token_len)
            .field("max_depth", &self.max_depth)
            .field("replay_store", &self.replay_store.is_some())
            .finish_non_exhaustive()
    }
}
