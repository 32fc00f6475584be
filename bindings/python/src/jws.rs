//! Standard JWTs, `PyJWT`'s everyday surface: `encode`, `decode`, `decode_complete`,
//! `get_unverified_header`.
//!
//! Every check is the core's (`hxjwt::jws`); this file turns `PyJWT`'s arguments into a core
//! [`Validation`] and the core's answer into `PyJWT`'s return values and exceptions
//! ([`to_jws_err`]). Signing and verifying run with the GIL released, except the calls the core
//! calls cheap (an HMAC key, a token under 16 KiB: `Validation::is_cheap`), which keep it.
//!
//! Where `PyJWT` and the core differ, the core wins and the difference is documented in the
//! stubs: HMAC secrets shorter than the hash are refused unless
//! `options={"enforce_minimum_key_length": False}`; the claim checks run in the core's order;
//! `exp`, `nbf`, `iat`, `iss`, `sub`, `jti` of the wrong type are refused even when their check
//! is off; a `subject` requires `sub`; header members are always written sorted.

use std::borrow::Cow;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use hxjwt::jws::{self, Algorithm, Header, KeyType, Validation};
use hxjwt::{ErrorKind, FixedClock};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyString, PyType};

use crate::convert::{json_loads, type_name};
use crate::errors::{DecodeError, InvalidAlgorithmError, InvalidIssuerError};
use crate::jwk::{Keys, Verifier, resolve, resolve_arg};
use crate::jws_errors::to_jws_err;

/// Runs `f` with the GIL released; a panic (never expected) becomes an `Internal` error instead
/// of reaching Python as `PanicException`.
pub(crate) fn detached_result<T, F>(py: Python<'_>, f: F) -> hxjwt::Result<T>
where
    F: Send + FnOnce() -> hxjwt::Result<T>,
    T: Send,
{
    py.detach(|| {
        std::panic::catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
            Err(hxjwt::Error::new(
                ErrorKind::Internal,
                "internal error: a panic was caught in hxjwt",
            ))
        })
    })
}

/// Runs `f`, a core call: with the GIL kept when it is `cheap` (a few microseconds that wait on
/// nothing: releasing the GIL costs more, and makes threads queue for it), released otherwise
/// ([`detached_result`]). A panic (never expected) is an `Internal` error either way.
fn core_call<T, F>(py: Python<'_>, cheap: bool, f: F) -> hxjwt::Result<T>
where
    F: Send + FnOnce() -> hxjwt::Result<T>,
    T: Send,
{
    if !cheap {
        return detached_result(py, f);
    }
    std::panic::catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(hxjwt::Error::new(
            ErrorKind::Internal,
            "internal error: a panic was caught in hxjwt",
        ))
    })
}

/// An algorithm named by the caller; `InvalidAlgorithmError` if hxjwt has none of that name.
pub(crate) fn algorithm_named(name: &str) -> PyResult<Algorithm> {
    Algorithm::from_name(name).ok_or_else(|| {
        if name.eq_ignore_ascii_case("none") {
            InvalidAlgorithmError::new_err(
                "hxjwt never makes nor accepts unsecured tokens (alg \"none\")",
            )
        } else {
            InvalidAlgorithmError::new_err(format!("Algorithm not supported: {name:?}"))
        }
    })
}

/// Python helpers, looked up once.
struct Helpers {
    datetime: Py<PyType>,
    timedelta: Py<PyType>,
    timegm: Py<PyAny>,
}

static HELPERS: PyOnceLock<Helpers> = PyOnceLock::new();

fn helpers(py: Python<'_>) -> PyResult<&Helpers> {
    HELPERS.get_or_try_init(py, || {
        let dt = py.import("datetime")?;
        Ok::<_, PyErr>(Helpers {
            datetime: dt.getattr("datetime")?.cast_into::<PyType>()?.unbind(),
            timedelta: dt.getattr("timedelta")?.cast_into::<PyType>()?.unbind(),
            timegm: py.import("calendar")?.getattr("timegm")?.unbind(),
        })
    })
}

/// `calendar.timegm(value.utctimetuple())`, the Unix time `PyJWT` writes for a `datetime`
/// (a naive one is taken as UTC).
fn unix_time<'py>(value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = value.py();
    let tuple = value.call_method0("utctimetuple")?;
    helpers(py)?.timegm.bind(py).call1((tuple,))
}

/// A number of seconds given as an int, a float or a `timedelta`.
fn seconds_f64(value: &Bound<'_, PyAny>, what: &str) -> PyResult<f64> {
    let py = value.py();
    // The usual shape: a plain int (leeway=0).
    if value.is_exact_instance_of::<pyo3::types::PyInt>() {
        if let Ok(n) = value.extract::<i64>() {
            if n >= 0 {
                #[expect(clippy::cast_precision_loss, reason = "seconds: exact below 2^53")]
                return Ok(n as f64);
            }
        }
    }
    let secs = if value.is_instance(helpers(py)?.timedelta.bind(py))? {
        value.call_method0("total_seconds")?.extract::<f64>()?
    } else if value.is_instance_of::<pyo3::types::PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a number of seconds or a timedelta, not bool"
        )));
    } else {
        value.extract::<f64>().map_err(|_| {
            PyTypeError::new_err(format!(
                "{what} must be a number of seconds or a timedelta, not {}",
                type_name(value)
            ))
        })?
    };
    if !secs.is_finite() || secs < 0.0 {
        return Err(PyValueError::new_err(format!(
            "{what} must be a finite number of seconds >= 0, not {secs}"
        )));
    }
    Ok(secs)
}

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "finite, >= 0 and saturating: `as` clamps to u64::MAX"
)]
fn whole_seconds(secs: f64) -> u64 {
    secs as u64
}

/// The leeway in whole seconds, rounded up (so that a fraction of a second still tolerates).
fn leeway_seconds(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    seconds_f64(value, "leeway").map(|s| whole_seconds(s.ceil()))
}

/// `now=`: a Unix time (int or float, floored) or a `datetime` (naive = UTC).
fn now_seconds(value: &Bound<'_, PyAny>) -> PyResult<i64> {
    let py = value.py();
    let t = if value.is_instance(helpers(py)?.datetime.bind(py))? {
        unix_time(value)?
    } else {
        value.clone()
    };
    if let Ok(i) = t.extract::<i64>() {
        return Ok(i);
    }
    let f = t.extract::<f64>().map_err(|_| {
        PyTypeError::new_err(format!(
            "now must be a Unix time (int or float) or a datetime, not {}",
            type_name(value)
        ))
    })?;
    if !f.is_finite() || f.abs() > 9.0e15 {
        return Err(PyValueError::new_err(format!("now is out of range: {f}")));
    }
    #[expect(clippy::cast_possible_truncation, reason = "bounded by 9e15 above")]
    Ok(f.floor() as i64)
}

/// `PyJWT`'s `options`, with `PyJWT`'s defaults (except `enforce_minimum_key_length`).
#[expect(clippy::struct_excessive_bools, reason = "PyJWT's options")]
struct Options {
    verify_signature: bool,
    verify_exp: bool,
    verify_nbf: bool,
    verify_iat: bool,
    verify_aud: bool,
    verify_iss: bool,
    verify_sub: bool,
    verify_jti: bool,
    require: Vec<String>,
    strict_aud: bool,
    enforce_minimum_key_length: bool,
}

impl Options {
    /// Reads an `options` mapping. Unknown keys are ignored (as `PyJWT` does). With
    /// `verify_signature` false, every `verify_*` defaults to false (as in `PyJWT`).
    fn read(options: Option<&Bound<'_, PyAny>>) -> PyResult<Options> {
        let Some(options) = options.filter(|o| !o.is_none()) else {
            return Ok(Options::defaults());
        };
        let options = Some(options);
        let get = |name: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
            let Some(o) = options else { return Ok(None) };
            if let Ok(d) = o.cast::<PyDict>() {
                return d.get_item(name);
            }
            let v = o.call_method1("get", (name,)).map_err(|_| {
                PyTypeError::new_err(format!("options must be a dict, not {}", type_name(o)))
            })?;
            Ok((!v.is_none()).then_some(v))
        };
        let flag = |name: &str, default: bool| -> PyResult<bool> {
            get(name)?.map_or(Ok(default), |v| v.is_truthy())
        };
        let verify_signature = flag("verify_signature", true)?;
        let require = match get("require")? {
            None => Vec::new(),
            Some(v) if v.is_none() => Vec::new(),
            Some(v) => strings(&v, "options[\"require\"]")?,
        };
        Ok(Options {
            verify_signature,
            verify_exp: flag("verify_exp", verify_signature)?,
            verify_nbf: flag("verify_nbf", verify_signature)?,
            verify_iat: flag("verify_iat", verify_signature)?,
            verify_aud: flag("verify_aud", verify_signature)?,
            verify_iss: flag("verify_iss", verify_signature)?,
            verify_sub: flag("verify_sub", verify_signature)?,
            verify_jti: flag("verify_jti", verify_signature)?,
            require,
            strict_aud: flag("strict_aud", false)?,
            enforce_minimum_key_length: flag("enforce_minimum_key_length", !pyjwt_defaults())?,
        })
    }

    /// `PyJWT`'s defaults: what `read` makes of no `options` (the usual call), without reading.
    fn defaults() -> Options {
        Options {
            verify_signature: true,
            verify_exp: true,
            verify_nbf: true,
            verify_iat: true,
            verify_aud: true,
            verify_iss: true,
            verify_sub: true,
            verify_jti: true,
            require: Vec::new(),
            strict_aud: false,
            enforce_minimum_key_length: !pyjwt_defaults(),
        }
    }

    /// Whether any claim check is asked for.
    fn any_claim_check(&self) -> bool {
        !self.require.is_empty()
            || self.verify_exp
            || self.verify_nbf
            || self.verify_iat
            || self.verify_aud
            || self.verify_iss
            || self.verify_sub
            || self.verify_jti
    }
}

/// A `str` (one value) or an iterable of `str`.
fn strings(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<String>> {
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(vec![s.to_str()?.to_owned()]);
    }
    // The usual shape (`["HS256"]`): a list of str, read without an iterator object.
    if let Ok(list) = value.cast_exact::<pyo3::types::PyList>() {
        let mut out = Vec::with_capacity(list.len());
        for item in list.iter() {
            match item.cast_exact::<PyString>() {
                Ok(s) => out.push(s.to_str()?.to_owned()),
                Err(_) => return strings_slow(value, what),
            }
        }
        return Ok(out);
    }
    strings_slow(value, what)
}

/// [`strings`] for any iterable.
fn strings_slow(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<String>> {
    let iter = value.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be a str or an iterable of str, not {}",
            type_name(value)
        ))
    })?;
    iter.map(|item| {
        let item = item?;
        item.extract::<String>().map_err(|_| {
            PyTypeError::new_err(format!(
                "{what} must contain only str, not {}",
                type_name(&item)
            ))
        })
    })
    .collect()
}

/// A token given as `str` or `bytes`; anything else is a `DecodeError`, as in `PyJWT`.
fn token_str<'a>(jwt: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, str>> {
    if let Ok(s) = jwt.cast::<PyString>() {
        return Ok(Cow::Borrowed(s.to_str()?));
    }
    if let Ok(b) = jwt.cast::<PyBytes>() {
        return std::str::from_utf8(b.as_bytes())
            .map(Cow::Borrowed)
            .map_err(|_| DecodeError::new_err("Invalid token: not ASCII text"));
    }
    Err(DecodeError::new_err(format!(
        "Invalid token type. Token must be a str or bytes, not {}",
        type_name(jwt)
    )))
}

/// The error to raise for a key refused by the core: for an HMAC secret shorter than the hash,
/// a message that names the opt-out.
fn key_error(
    py: Python<'_>,
    e: &hxjwt::Error,
    secret_len: Option<usize>,
    alg: Option<Algorithm>,
    enforced: bool,
) -> PyErr {
    if let (ErrorKind::InvalidKey, true, Some(len), Some(alg)) =
        (e.kind(), enforced, secret_len, alg)
    {
        if alg.key_type() == KeyType::Hmac && len < alg.min_secret_len() {
            let err = hxjwt::Error::new(
                ErrorKind::InvalidKey,
                format!(
                    "the HMAC secret is {len} bytes; {alg} needs at least {} (RFC 7518 §3.2). \
                     Use a longer secret, or pass \
                     options={{\"enforce_minimum_key_length\": False}} to accept it",
                    alg.min_secret_len()
                ),
            );
            return to_jws_err(py, &err);
        }
    }
    to_jws_err(py, e)
}

/// The `alg` of a token's header, if it can be read (for error messages only).
fn header_alg(token: &str) -> Option<Algorithm> {
    let header = jws::decode_header(token).ok()?;
    Algorithm::from_name(header.get("alg")?.as_str()?)
}

/// base64url-decodes a segment already checked by the core and parses it with `json.loads`,
/// so that the dict is exactly what `PyJWT` returns (member order, big integers).
fn segment_json<'py>(py: Python<'py>, segment: &str) -> PyResult<Bound<'py, PyAny>> {
    let bytes = hxjwt::b64::decode(segment, "segment").map_err(|e| to_jws_err(py, &e))?;
    json_value(py, &bytes)
}

/// JSON text the core accepted as a Python `dict`, exactly as `json.loads` makes it.
pub(crate) fn json_value<'py>(py: Python<'py>, bytes: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    let value = match crate::pyjson::loads(py, bytes) {
        Some(v) => v,
        None => json_loads(py, PyBytes::new(py, bytes).as_any())?,
    };
    if !value.is_instance_of::<PyDict>() {
        return Err(DecodeError::new_err(
            "Invalid payload string: must be a json object",
        ));
    }
    Ok(value)
}

/// The three segments of a token the core accepted.
fn segments(token: &str) -> (&str, &str, &str) {
    let token = token.trim();
    let mut parts = token.splitn(3, '.');
    let h = parts.next().unwrap_or_default();
    let p = parts.next().unwrap_or_default();
    let s = parts.next().unwrap_or_default();
    (h, p, s)
}

/// What `decode_complete` returns: `{"header": dict, "payload": dict, "signature": bytes}`.
fn complete<'py>(
    py: Python<'py>,
    token: &str,
    payload: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let (h, _, s) = segments(token);
    let out = PyDict::new(py);
    out.set_item("header", segment_json(py, h)?)?;
    out.set_item("payload", payload)?;
    let signature = hxjwt::b64::decode(s, "signature segment").map_err(|e| to_jws_err(py, &e))?;
    out.set_item("signature", PyBytes::new(py, &signature))?;
    Ok(out)
}

/// The claim checks of `decode` that do not depend on the signature.
struct ClaimArgs<'a, 'py> {
    audience: Option<&'a Bound<'py, PyAny>>,
    issuer: Option<&'a Bound<'py, PyAny>>,
    subject: Option<String>,
    /// `None`: no leeway (0).
    leeway: Option<&'a Bound<'py, PyAny>>,
    now: Option<&'a Bound<'py, PyAny>>,
    typ: Option<String>,
    max_age: Option<&'a Bound<'py, PyAny>>,
    replay_store: Option<Arc<dyn hxjwt::ReplayStore>>,
}

impl<'a, 'py> ClaimArgs<'a, 'py> {
    /// The keyword arguments as given: a Python `None` is the same as an argument not given.
    #[expect(clippy::too_many_arguments, reason = "decode's keyword arguments")]
    fn new(
        audience: Option<&'a Bound<'py, PyAny>>,
        issuer: Option<&'a Bound<'py, PyAny>>,
        subject: Option<String>,
        leeway: Option<&'a Bound<'py, PyAny>>,
        now: Option<&'a Bound<'py, PyAny>>,
        typ: Option<String>,
        max_age: Option<&'a Bound<'py, PyAny>>,
        replay_store: Option<&'a Bound<'py, PyAny>>,
    ) -> PyResult<Self> {
        let given = |a: Option<&'a Bound<'py, PyAny>>| a.filter(|a| !a.is_none());
        Ok(ClaimArgs {
            audience: given(audience),
            issuer: given(issuer),
            subject,
            leeway: given(leeway),
            now: given(now),
            typ,
            max_age: given(max_age),
            replay_store: given(replay_store)
                .map(crate::store::replay_store_arg)
                .transpose()?,
        })
    }
}

fn validation(algs: &[Algorithm], o: &Options, a: &ClaimArgs<'_, '_>) -> PyResult<Validation> {
    let mut v = Validation::new(algs);
    if let Some(leeway) = a.leeway {
        v.leeway = leeway_seconds(leeway)?;
    }
    v.validate_exp = o.verify_exp;
    v.validate_nbf = o.verify_nbf;
    v.validate_iat = o.verify_iat;
    v.validate_aud = o.verify_aud;
    v.required_claims.clone_from(&o.require);
    if let Some(aud) = a.audience {
        if o.verify_aud {
            if !(aud.is_instance_of::<PyString>() || aud.try_iter().is_ok()) {
                return Err(PyTypeError::new_err(
                    "audience must be a string, iterable or None",
                ));
            }
            v.audiences = Some(strings(aud, "audience")?);
        }
    }
    if let Some(iss) = a.issuer {
        if o.verify_iss {
            v.issuers = Some(strings(iss, "issuer").map_err(|_| {
                InvalidIssuerError::new_err("Issuer param must be \"str\" or \"Container[str]\"")
            })?);
        }
    }
    if o.verify_sub {
        v.subject.clone_from(&a.subject);
    }
    v.typ.clone_from(&a.typ);
    if let Some(max_age) = a.max_age {
        v.max_age = Some(whole_seconds(seconds_f64(max_age, "max_age")?));
    }
    if let Some(now) = a.now {
        v.clock = Arc::new(FixedClock(now_seconds(now)?));
    }
    v.replay_store.clone_from(&a.replay_store);
    Ok(v)
}

/// The `Validation` that `decode` applies for these arguments (its `options` and claim
/// keywords read exactly as `decode` reads them), for `explain`, whose report must be about the
/// checks `decode` makes. No replay store: explain never consults one.
#[expect(clippy::too_many_arguments, reason = "decode's keyword arguments")]
pub(crate) fn decode_validation<'py>(
    _py: Python<'py>,
    algs: &[Algorithm],
    options: Option<&Bound<'py, PyAny>>,
    audience: Option<&Bound<'py, PyAny>>,
    issuer: Option<&Bound<'py, PyAny>>,
    subject: Option<String>,
    leeway: Option<&Bound<'py, PyAny>>,
    now: Option<&Bound<'py, PyAny>>,
    typ: Option<String>,
    max_age: Option<&Bound<'py, PyAny>>,
) -> PyResult<Validation> {
    let claim_args = ClaimArgs::new(audience, issuer, subject, leeway, now, typ, max_age, None)?;
    validation(algs, &Options::read(options)?, &claim_args)
}

/// `strict_aud` (`PyJWT`): the audience and the token's `aud` must both be one string (the core
/// has already checked that they match).
fn check_strict_aud(
    aud: Option<&Bound<'_, PyAny>>,
    token_aud_is_string: Option<bool>,
) -> PyResult<()> {
    let err = crate::errors::InvalidAudienceError::new_err;
    match (aud, token_aud_is_string) {
        (Some(a), _) if !a.is_instance_of::<PyString>() => Err(err("Invalid audience (strict)")),
        (Some(_), Some(false)) => Err(err("Invalid claim format in token (strict)")),
        _ => Ok(()),
    }
}

/// `verify_signature=False` with claim checks asked for: the core's claim checks, on claims
/// whose signature was not verified (and nothing is claimed about who made them).
fn check_unverified(py: Python<'_>, payload: &[u8], v: &Validation) -> PyResult<()> {
    let result = detached_result(py, || {
        let claims = hxjwt::json::parse_object(payload, v.max_depth, "claims")?;
        v.check_claims(&claims)
    });
    result.map_err(|e| to_jws_err(py, &e))
}

/// The accepted algorithms: `algorithms` (a str or a sequence of names; names hxjwt does not
/// implement are ignored, as `PyJWT` ignores names it has no implementation for), or the
/// `PyJWK`'s algorithm; a `PyJWK` narrows the list to its own algorithm.
fn accepted_algorithms(
    algorithms: Option<&Bound<'_, PyAny>>,
    bound: Option<Algorithm>,
) -> PyResult<Vec<Algorithm>> {
    let names = match algorithms {
        Some(a) if !a.is_none() && a.is_truthy()? => strings(a, "algorithms")?,
        _ => match bound {
            Some(alg) => return Ok(vec![alg]),
            None => {
                return Err(DecodeError::new_err(
                    "It is required that you pass in a value for the \"algorithms\" argument \
                     when calling decode().",
                ));
            }
        },
    };
    let mut algs: Vec<Algorithm> = names
        .iter()
        .filter_map(|n| Algorithm::from_name(n))
        .collect();
    if let Some(alg) = bound {
        algs.retain(|a| *a == alg);
        if algs.is_empty() {
            return Err(InvalidAlgorithmError::new_err(format!(
                "The key's algorithm {} is not among the algorithms allowed",
                alg.name()
            )));
        }
    }
    if algs.is_empty() {
        return Err(InvalidAlgorithmError::new_err(format!(
            "none of the algorithms allowed ({}) is one hxjwt implements",
            names.join(", ")
        )));
    }
    Ok(algs)
}

/// The arguments of the usual `decode` call: `algorithms` a list of `str`, `audience` and
/// `issuer` a `str` or absent, and nothing else that changes the checks (no `options`, no
/// leeway but 0, no `subject`, `now`, `typ`, `max_age` or replay store, a key not bound to an
/// algorithm). The [`Validation`] they make is the same every time: each thread keeps the last
/// few it built (a one-line read of the arguments finds it again), instead of building and
/// dropping one per call.
struct CommonArguments<'a, 'py> {
    algorithms: &'a Bound<'py, pyo3::types::PyList>,
    audience: Option<&'a Bound<'py, PyString>>,
    issuer: Option<&'a Bound<'py, PyString>>,
}

/// A [`CommonArguments`] whose [`Validation`] a thread keeps: the arguments' text.
struct KeptValidation {
    algorithms: Vec<String>,
    audience: Option<String>,
    issuer: Option<String>,
    validation: Arc<Validation>,
}

/// How many validations a thread keeps (a process usually decodes with one or two).
const KEPT_VALIDATIONS: usize = 4;

std::thread_local! {
    static KEPT: std::cell::RefCell<Vec<KeptValidation>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `args` and `algorithms` as [`CommonArguments`], if they are.
fn common_arguments<'a, 'py>(
    algorithms: Option<&'a Bound<'py, PyAny>>,
    args: &ClaimArgs<'a, 'py>,
) -> Option<CommonArguments<'a, 'py>> {
    if args.subject.is_some()
        || args.now.is_some()
        || args.typ.is_some()
        || args.max_age.is_some()
        || args.replay_store.is_some()
    {
        return None;
    }
    if let Some(leeway) = args.leeway {
        let zero = leeway.is_exact_instance_of::<pyo3::types::PyInt>()
            && leeway.extract::<i64>().is_ok_and(|l| l == 0);
        if !zero {
            return None;
        }
    }
    let algorithms = algorithms?.cast_exact::<pyo3::types::PyList>().ok()?;
    if algorithms.is_empty() {
        return None;
    }
    let exact_str = |a: Option<&'a Bound<'py, PyAny>>| match a {
        None => Some(None),
        Some(a) => a.cast_exact::<PyString>().ok().map(Some),
    };
    Some(CommonArguments {
        algorithms,
        audience: exact_str(args.audience)?,
        issuer: exact_str(args.issuer)?,
    })
}

impl CommonArguments<'_, '_> {
    /// Whether `kept` was made for these arguments.
    fn is(&self, kept: &KeptValidation) -> bool {
        let same = |a: Option<&Bound<'_, PyString>>, b: Option<&String>| match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => a.to_str().is_ok_and(|a| a == b),
            _ => false,
        };
        self.algorithms.len() == kept.algorithms.len()
            && self
                .algorithms
                .iter()
                .zip(&kept.algorithms)
                .all(|(a, b)| same(a.cast_exact::<PyString>().ok(), Some(b)))
            && same(self.audience, kept.audience.as_ref())
            && same(self.issuer, kept.issuer.as_ref())
    }

    /// The validation this thread built for these arguments, if it kept one.
    fn cached(&self) -> Option<Arc<Validation>> {
        // `try_`: never a panic, even from a thread whose locals are being torn down.
        KEPT.try_with(|kept| {
            let kept = kept.try_borrow().ok()?;
            kept.iter()
                .find(|k| self.is(k))
                .map(|k| Arc::clone(&k.validation))
        })
        .ok()
        .flatten()
    }

    /// Keeps `v`, the validation built for these arguments (forgetting the oldest kept).
    fn keep(&self, v: &Arc<Validation>) {
        let text = |s: &Bound<'_, PyString>| s.to_str().map(str::to_owned).ok();
        let mut algorithms = Vec::with_capacity(self.algorithms.len());
        for a in self.algorithms.iter() {
            match a.cast_exact::<PyString>().ok().and_then(text) {
                Some(a) => algorithms.push(a),
                None => return,
            }
        }
        let (audience, issuer) = match (self.audience, self.issuer) {
            (Some(a), _) if text(a).is_none() => return,
            (_, Some(i)) if text(i).is_none() => return,
            (a, i) => (a.and_then(text), i.and_then(text)),
        };
        let _ = KEPT.try_with(|kept| {
            let Ok(mut kept) = kept.try_borrow_mut() else {
                return;
            };
            if kept.len() >= KEPT_VALIDATIONS {
                kept.remove(0);
            }
            kept.push(KeptValidation {
                algorithms,
                audience,
                issuer,
                validation: Arc::clone(v),
            });
        });
    }
}

/// `decode` and `decode_complete`.
#[expect(clippy::too_many_arguments, reason = "PyJWT's keyword arguments")]
fn decode_impl<'py>(
    py: Python<'py>,
    jwt: &Bound<'py, PyAny>,
    key: Option<&Bound<'py, PyAny>>,
    algorithms: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyAny>>,
    detached_payload: Option<&Bound<'py, PyAny>>,
    args: &ClaimArgs<'_, 'py>,
    want_complete: bool,
) -> PyResult<Bound<'py, PyAny>> {
    // PyJWT's default key is "".
    let empty;
    let key = match key {
        Some(k) => k,
        None => {
            empty = PyString::new(py, "");
            empty.as_any()
        }
    };
    if detached_payload.is_some_and(|d| !d.is_none()) {
        return Err(DecodeError::new_err(
            "detached payloads (\"b64\": false, RFC 7797) are not supported by hxjwt",
        ));
    }
    let token = token_str(jwt)?;
    let token: &str = &token;
    let o = Options::read(options)?;

    if !o.verify_signature {
        if args.replay_store.is_some() {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "replay_store needs the signature verified: a token that is not verified \
                 cannot be recorded as accepted",
            ));
        }
        let unverified = detached_result(py, || hxjwt::dangerous::decode_unverified(token))
            .map_err(|e| to_jws_err(py, &e))?;
        if unverified.claims.is_none() {
            return Err(DecodeError::new_err(
                "Invalid payload string: must be a json object",
            ));
        }
        if o.any_claim_check() {
            let v = validation(&[Algorithm::HS256], &o, args)?;
            check_unverified(py, &unverified.payload, &v)?;
        }
        let payload = json_value(py, &unverified.payload)?;
        return finish(py, token, want_complete, &o, args, payload);
    }

    // As in PyJWT: the algorithms are checked before the key is looked at.
    if algorithms.is_none_or(|a| a.is_none() || !a.is_truthy().unwrap_or(true))
        && !key.is_instance_of::<crate::jwk::PyJwk>()
    {
        return Err(DecodeError::new_err(
            "It is required that you pass in a value for the \"algorithms\" argument when \
             calling decode().",
        ));
    }
    let resolved = resolve_arg(key, !o.enforce_minimum_key_length)?;
    if !o.enforce_minimum_key_length && pyjwt_defaults() {
        warn_short_secret(py, resolved.secret_len(), header_alg(token))?;
    }
    let common = match (options, resolved.bound()) {
        (None, None) => common_arguments(algorithms, args),
        _ => None,
    };
    let v = match common.as_ref().and_then(CommonArguments::cached) {
        Some(v) => v,
        None => {
            let accepted = accepted_algorithms(algorithms, resolved.bound())?;
            let v = Arc::new(validation(&accepted, &o, args)?);
            if let Some(c) = common {
                c.keep(&v);
            }
            v
        }
    };
    let v: &Validation = &v;
    let keys = resolved.keys();
    let cheap = match keys {
        Keys::One(k) => v.is_cheap(k, token.len()),
        Keys::Set(set) => v.is_cheap(set, token.len()),
    };
    let result = core_call(py, cheap, || match keys {
        Keys::One(k) => jws::decode_bytes(token, k, v),
        Keys::Set(set) => jws::decode_bytes(token, set, v),
    });
    let data = result.map_err(|e| {
        key_error(
            py,
            &e,
            resolved.secret_len(),
            header_alg(token),
            o.enforce_minimum_key_length,
        )
    })?;
    let payload = json_value(py, &data.claims)?;
    finish(py, token, want_complete, &o, args, payload)
}

fn finish<'py>(
    py: Python<'py>,
    token: &str,
    want_complete: bool,
    o: &Options,
    args: &ClaimArgs<'_, 'py>,
    payload: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    if o.strict_aud && o.verify_aud {
        let aud_is_string = payload
            .get_item("aud")
            .ok()
            .map(|a| a.is_instance_of::<PyString>());
        check_strict_aud(args.audience, aud_is_string)?;
    }
    if want_complete {
        Ok(complete(py, token, payload)?.into_any())
    } else {
        Ok(payload)
    }
}

/// `PyJWT`'s warnings for the arguments it still takes and ignores: other keywords
/// (`RemovedInPyjwt3Warning`, `hxjwt.warnings`) and a `verify` that contradicts
/// `options["verify_signature"]` (`DeprecationWarning`). `PyJWT` 2 ignores both; so does hxjwt.
fn legacy_arguments(
    py: Python<'_>,
    function: &str,
    verify: Option<&Bound<'_, PyAny>>,
    options: Option<&Bound<'_, PyAny>>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<()> {
    if let Some(kwargs) = kwargs.filter(|k| !k.is_empty()) {
        let names = kwargs.keys().to_tuple().repr()?;
        let category = py
            .import("hxjwt.warnings")?
            .getattr("RemovedInPyjwt3Warning")?;
        let message = std::ffi::CString::new(format!(
            "passing additional kwargs to {function}() is deprecated and will be removed in \
             pyjwt version 3. Unsupported kwargs: {names}"
        ))
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
        PyErr::warn(py, &category, &message, 1)?;
    }
    if let Some(verify) = verify.filter(|v| !v.is_none()) {
        let verify_signature = Options::read(options)?.verify_signature;
        if verify.is_truthy()? != verify_signature {
            let category = py.get_type::<pyo3::exceptions::PyDeprecationWarning>();
            PyErr::warn(
                py,
                &category,
                c"The `verify` argument to `decode` does nothing in PyJWT 2.0 and newer. The \
                  equivalent is setting `verify_signature` to False in the `options` dictionary. \
                  This invocation has a mismatch between the kwarg and the option entry.",
                1,
            )?;
        }
    }
    Ok(())
}

/// Verifies a JWT and returns its claims (a dict), as `PyJWT`'s `jwt.decode`.
///
/// See the stubs (`hxjwt/__init__.pyi`) for the arguments. hxjwt's own keywords: `now` (a Unix
/// time or a datetime to validate at, instead of the system clock), `typ` (the required header
/// `typ`), `max_age` (seconds or a timedelta: the oldest `iat` accepted), `replay_store` (a
/// `RedisReplayStore` or `MemoryReplayStore`: each token, which must then carry a `jti` and an
/// `exp`, is accepted once by every caller sharing the store).
#[pyfunction]
#[pyo3(signature = (
    jwt, key = None, algorithms = None, options = None, verify = None, detached_payload = None,
    audience = None, subject = None, issuer = None, leeway = None, *, now = None, typ = None,
    max_age = None, replay_store = None, **kwargs,
))]
#[pyo3(
    text_signature = "(jwt, key='', algorithms=None, options=None, verify=None, \
                      detached_payload=None, audience=None, subject=None, issuer=None, leeway=0, \
                      *, now=None, typ=None, max_age=None, replay_store=None, **kwargs)"
)]
#[expect(clippy::too_many_arguments, reason = "PyJWT's keyword arguments")]
pub(crate) fn decode<'py>(
    py: Python<'py>,
    jwt: &Bound<'py, PyAny>,
    key: Option<&Bound<'py, PyAny>>,
    algorithms: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyAny>>,
    verify: Option<&Bound<'py, PyAny>>,
    detached_payload: Option<&Bound<'py, PyAny>>,
    audience: Option<&Bound<'py, PyAny>>,
    subject: Option<String>,
    issuer: Option<&Bound<'py, PyAny>>,
    leeway: Option<&Bound<'py, PyAny>>,
    now: Option<&Bound<'py, PyAny>>,
    typ: Option<String>,
    max_age: Option<&Bound<'py, PyAny>>,
    replay_store: Option<&Bound<'py, PyAny>>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    legacy_arguments(py, "decode", verify, options, kwargs)?;
    let args = ClaimArgs::new(
        audience,
        issuer,
        subject,
        leeway,
        now,
        typ,
        max_age,
        replay_store,
    )?;
    decode_impl(
        py,
        jwt,
        key,
        algorithms,
        options,
        detached_payload,
        &args,
        false,
    )
}

/// Like `decode`, but returns `{"header": dict, "payload": dict, "signature": bytes}`.
#[pyfunction]
#[pyo3(signature = (
    jwt, key = None, algorithms = None, options = None, verify = None, detached_payload = None,
    audience = None, issuer = None, subject = None, leeway = None, *, now = None, typ = None,
    max_age = None, replay_store = None, **kwargs,
))]
#[pyo3(
    text_signature = "(jwt, key='', algorithms=None, options=None, verify=None, \
                      detached_payload=None, audience=None, issuer=None, subject=None, leeway=0, \
                      *, now=None, typ=None, max_age=None, replay_store=None, **kwargs)"
)]
#[expect(clippy::too_many_arguments, reason = "PyJWT's keyword arguments")]
pub(crate) fn decode_complete<'py>(
    py: Python<'py>,
    jwt: &Bound<'py, PyAny>,
    key: Option<&Bound<'py, PyAny>>,
    algorithms: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyAny>>,
    verify: Option<&Bound<'py, PyAny>>,
    detached_payload: Option<&Bound<'py, PyAny>>,
    audience: Option<&Bound<'py, PyAny>>,
    issuer: Option<&Bound<'py, PyAny>>,
    subject: Option<String>,
    leeway: Option<&Bound<'py, PyAny>>,
    now: Option<&Bound<'py, PyAny>>,
    typ: Option<String>,
    max_age: Option<&Bound<'py, PyAny>>,
    replay_store: Option<&Bound<'py, PyAny>>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    legacy_arguments(py, "decode_complete", verify, options, kwargs)?;
    let args = ClaimArgs::new(
        audience,
        issuer,
        subject,
        leeway,
        now,
        typ,
        max_age,
        replay_store,
    )?;
    decode_impl(
        py,
        jwt,
        key,
        algorithms,
        options,
        detached_payload,
        &args,
        true,
    )
}

/// The header of a token as a dict, decoded strictly but **not verified** (to pick a key by
/// `kid`). `DecodeError` if it is not a base64url JSON object.
#[pyfunction]
pub(crate) fn get_unverified_header<'py>(
    py: Python<'py>,
    jwt: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let token = token_str(jwt)?;
    let token = token.trim();
    jws::decode_header(token).map_err(|e| to_jws_err(py, &e))?;
    let (h, _, _) = segments(token);
    segment_json(py, h)
}

/// `encode`'s `algorithm`: not given, `None`, or a name. `PyJWT` tells the first two apart (a
/// `PyJWK` key then gives its own algorithm; otherwise the default is HS256, and `None` means
/// an unsecured token, which hxjwt never makes).
pub(crate) enum AlgorithmArg {
    Unset,
    Null,
    Name(String),
}

impl<'py> FromPyObject<'_, 'py> for AlgorithmArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_none() {
            return Ok(AlgorithmArg::Null);
        }
        obj.extract::<String>()
            .map(AlgorithmArg::Name)
            .map_err(|_| {
                PyTypeError::new_err(format!(
                    "algorithm must be a str, not {}",
                    type_name(&obj.to_owned())
                ))
            })
    }
}

/// The header members a caller gives to `encode`, as the core's [`Header`]: `alg` (which
/// replaces the algorithm, as in `PyJWT`) is taken out, a falsy `typ` removes `typ`, and
/// `"b64": True` is dropped (it is the default); the rest is checked by the core.
fn header(
    alg: Algorithm,
    headers: Option<&Bound<'_, PyDict>>,
    json_encoder: Option<&Bound<'_, PyAny>>,
) -> PyResult<Header> {
    let mut header = Header::new(alg);
    let Some(headers) = headers else {
        return Ok(header);
    };
    let py = headers.py();
    let extra = PyDict::new(py);
    for (name, value) in headers.iter() {
        let name_str = name.extract::<String>().map_err(|_| {
            PyTypeError::new_err(format!(
                "header member names must be str, not {}",
                type_name(&name)
            ))
        })?;
        match name_str.as_str() {
            "alg" => {}
            "typ" if !value.is_truthy()? => header.typ = None,
            "b64" if value.is(pyo3::types::PyBool::new(py, true).as_any()) => {}
            _ => extra.set_item(name, value)?,
        }
    }
    if !extra.is_empty() {
        let text = dumps(extra.as_any(), json_encoder)?;
        header.extra = hxjwt::json::parse_object(text.as_bytes(), 32, "headers")
            .map_err(|e| PyValueError::new_err(format!("headers: {}", e.detail())))?;
    }
    Ok(header)
}

/// `json.dumps(obj, separators=(",", ":"), cls=json_encoder)`: `PyJWT`'s serialization.
fn dumps(obj: &Bound<'_, PyAny>, json_encoder: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
    static DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let py = obj.py();
    let dumps = DUMPS.get_or_try_init(py, || {
        Ok::<_, PyErr>(py.import("json")?.getattr("dumps")?.unbind())
    })?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("separators", (",", ":"))?;
    if let Some(cls) = json_encoder {
        kwargs.set_item("cls", cls)?;
    }
    dumps.bind(py).call((obj,), Some(&kwargs))?.extract()
}

/// `encode`'s `headers`: absent, `None` or a dict.
fn headers_arg<'a, 'py>(
    headers: Option<&'a Bound<'py, PyAny>>,
) -> PyResult<Option<&'a Bound<'py, PyDict>>> {
    match headers.filter(|h| !h.is_none()) {
        Some(h) => Ok(Some(h.cast::<PyDict>().map_err(|_| {
            PyTypeError::new_err(format!("headers must be a dict, not {}", type_name(h)))
        })?)),
        None => Ok(None),
    }
}

/// `encode`'s general path from claims to JSON text (and its `headers`, checked in `PyJWT`'s
/// order): `datetime`s in `exp`, `iat` and `nbf` become Unix times (in a copy), `iss` must be a
/// `str`, then the JSON text of the claims.
fn claims_text<'a, 'py>(
    py: Python<'py>,
    payload: &Bound<'py, PyDict>,
    headers: Option<&'a Bound<'py, PyAny>>,
    json_encoder: Option<&Bound<'py, PyAny>>,
) -> PyResult<(String, Option<&'a Bound<'py, PyDict>>)> {
    let datetime = helpers(py)?.datetime.bind(py);
    let mut claims = Cow::Borrowed(payload);
    for name in [
        pyo3::intern!(py, "exp"),
        pyo3::intern!(py, "iat"),
        pyo3::intern!(py, "nbf"),
    ] {
        if let Some(value) = payload.get_item(name)? {
            if value.is_instance(datetime)? {
                if let Cow::Borrowed(p) = claims {
                    claims = Cow::Owned(p.copy()?);
                }
                claims.set_item(name, unix_time(&value)?)?;
            }
        }
    }
    if let Some(iss) = claims.get_item(pyo3::intern!(py, "iss"))? {
        if !iss.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err("Issuer (iss) must be a string."));
        }
    }
    let headers = headers_arg(headers)?;
    let text = match json_encoder {
        None => crate::pyjson::dumps(claims.as_any()),
        Some(_) => None,
    };
    let text = match text {
        Some(text) => text,
        None => dumps(claims.as_any(), json_encoder)?,
    };
    Ok((text, headers))
}

/// Signs `payload` (a dict) as a JWT, as `PyJWT`'s `jwt.encode`.
///
/// `exp`, `nbf` and `iat` may be `datetime`s (a naive one is UTC); they are written as Unix
/// seconds. See the stubs for the arguments; `options` takes `enforce_minimum_key_length`.
#[pyfunction]
#[pyo3(signature = (
    payload, key, algorithm = AlgorithmArg::Unset, headers = None, json_encoder = None,
    sort_headers = true, *, options = None,
))]
#[pyo3(
    text_signature = "(payload, key, algorithm='HS256', headers=None, json_encoder=None, \
                      sort_headers=True, *, options=None)"
)]
#[expect(clippy::too_many_arguments, reason = "PyJWT's keyword arguments")]
pub(crate) fn encode(
    py: Python<'_>,
    payload: &Bound<'_, PyAny>,
    key: &Bound<'_, PyAny>,
    algorithm: AlgorithmArg,
    headers: Option<&Bound<'_, PyAny>>,
    json_encoder: Option<&Bound<'_, PyAny>>,
    sort_headers: bool,
    options: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let _ = sort_headers; // the core writes header members sorted, always
    let payload = payload.cast::<PyDict>().map_err(|_| {
        PyTypeError::new_err(
            "Expecting a dict object, as JWT only supports JSON objects as payloads.",
        )
    })?;
    let json_encoder = json_encoder.filter(|j| !j.is_none());
    // The usual claims (plain JSON values, a str `iss`): straight to text, nothing to convert.
    let fast = match json_encoder {
        None => crate::pyjson::dumps_claims(payload),
        Some(_) => None,
    };
    let (claims_json, headers) = match fast {
        Some(text) => (text, headers_arg(headers)?),
        None => claims_text(py, payload, headers, json_encoder)?,
    };
    let o = Options::read(options)?;
    let resolved = resolve_arg(key, !o.enforce_minimum_key_length)?;
    let Keys::One(signing_key) = resolved.keys() else {
        return Err(PyTypeError::new_err(
            "encode signs with one key: pass a PyJWK of the set, not the PyJWKSet",
        ));
    };
    let mut name = match algorithm {
        AlgorithmArg::Name(name) => Some(name),
        AlgorithmArg::Unset => Some(
            resolved
                .bound()
                .map_or(Algorithm::HS256, |a| a)
                .name()
                .to_owned(),
        ),
        AlgorithmArg::Null => resolved.bound().map(|a| a.name().to_owned()),
    };
    if let Some(h) = headers {
        if let Some(alg) = h.get_item("alg")? {
            if alg.is_truthy()? {
                name =
                    Some(alg.extract::<String>().map_err(|_| {
                        PyTypeError::new_err("the header member alg must be a str")
                    })?);
            }
        }
    }
    let alg = algorithm_named(name.as_deref().unwrap_or("none"))?;
    if !o.enforce_minimum_key_length && pyjwt_defaults() {
        warn_short_secret(py, resolved.secret_len(), Some(alg))?;
    }
    let header = header(alg, headers, json_encoder)?;
    // The core's rule: an HMAC key and a small token keep the GIL.
    let cheap = signing_key.is_cheap_to_sign(claims_json.len());
    let result = core_call(py, cheap, || {
        jws::encode_json(&header, &claims_json, signing_key)
    });
    result.map_err(|e| {
        key_error(
            py,
            &e,
            resolved.secret_len(),
            Some(alg),
            o.enforce_minimum_key_length,
        )
    })
}

/// For `hxjwt.jwe.decrypt_nested`: `decode`'s key, `algorithms` and claim arguments as the
/// core's verifying key and [`Validation`], by the same conversions as `decode`. A nested token
/// is never returned unverified, so `options={"verify_signature": False}` is refused.
#[expect(clippy::too_many_arguments, reason = "PyJWT's keyword arguments")]
pub(crate) fn nested_verification<'py>(
    key: &Bound<'py, PyAny>,
    algorithms: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyAny>>,
    audience: Option<&Bound<'py, PyAny>>,
    issuer: Option<&Bound<'py, PyAny>>,
    subject: Option<String>,
    leeway: Option<&Bound<'py, PyAny>>,
    now: Option<&Bound<'py, PyAny>>,
    max_age: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Verifier, Validation)> {
    let o = Options::read(options)?;
    if !o.verify_signature {
        return Err(PyValueError::new_err(
            "a nested token is never returned unverified: options[\"verify_signature\"] \
             cannot be False here",
        ));
    }
    let args = ClaimArgs::new(audience, issuer, subject, leeway, now, None, max_age, None)?;
    let resolved = resolve(key, !o.enforce_minimum_key_length)?;
    let accepted = accepted_algorithms(Some(algorithms), resolved.bound)?;
    let v = validation(&accepted, &o, &args)?;
    Ok((resolved.verifier, v))
}

/// Whether `hxjwt.compat.install(pyjwt_defaults=True)` asked for `PyJWT`'s defaults: HMAC
/// secrets shorter than the hash then warn (`InsecureKeyLengthWarning`) instead of raising,
/// unless `options={"enforce_minimum_key_length": True}`.
static PYJWT_DEFAULTS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether `PyJWT`'s defaults are on (see [`_set_pyjwt_defaults`]).
pub(crate) fn pyjwt_defaults() -> bool {
    PYJWT_DEFAULTS.load(std::sync::atomic::Ordering::Relaxed)
}

/// Turns `PyJWT`'s defaults on or off for the process (`hxjwt.compat.install` calls it):
/// short HMAC secrets warn instead of raising where `PyJWT` warns. Returns the previous value.
#[pyfunction]
pub(crate) fn _set_pyjwt_defaults(on: bool) -> bool {
    PYJWT_DEFAULTS.swap(on, std::sync::atomic::Ordering::Relaxed)
}

/// `PyJWT`'s warning for an HMAC secret shorter than the hash, when the secret is short and
/// short secrets are accepted.
fn warn_short_secret(
    py: Python<'_>,
    secret_len: Option<usize>,
    alg: Option<Algorithm>,
) -> PyResult<()> {
    let (Some(len), Some(alg)) = (secret_len, alg) else {
        return Ok(());
    };
    if alg.key_type() != KeyType::Hmac || len >= alg.min_secret_len() {
        return Ok(());
    }
    let category = py
        .import("hxjwt.warnings")?
        .getattr("InsecureKeyLengthWarning")?;
    let message = std::ffi::CString::new(format!(
        "The HMAC key is {len} bytes long, which is below the minimum recommended length of \
         {} bytes for SHA{}. See RFC 7518 Section 3.2.",
        alg.min_secret_len(),
        alg.min_secret_len() * 8
    ))
    .map_err(|e| PyValueError::new_err(e.to_string()))?;
    PyErr::warn(py, &category, &message, 2)
}

/// The core key of a key argument, for one signature (`hxjwt.algorithms`).
fn one_key(key: &Bound<'_, PyAny>, allow_short: bool) -> PyResult<jws::Key> {
    match resolve(key, allow_short)?.verifier {
        Verifier::One(k) => Ok(k),
        Verifier::Set(_) => Err(PyTypeError::new_err(
            "a signature takes one key: pass a PyJWK of the set, not the PyJWKSet",
        )),
    }
}

/// Signs `msg` with `key` under the algorithm named `alg`: the core's signature (`PyJWT`'s
/// `Algorithm.sign`, for `hxjwt.algorithms`). `allow_short` accepts a short HMAC secret.
#[pyfunction]
#[pyo3(signature = (alg, key, msg, *, allow_short = false))]
pub(crate) fn _jws_sign<'py>(
    py: Python<'py>,
    alg: &str,
    key: &Bound<'py, PyAny>,
    msg: &[u8],
    allow_short: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    let alg = algorithm_named(alg)?;
    let key = one_key(key, allow_short)?;
    let sig = detached_result(py, || hxjwt::dangerous::jws_sign(&key, alg, msg))
        .map_err(|e| to_jws_err(py, &e))?;
    Ok(PyBytes::new(py, &sig))
}

/// Whether `sig` is `key`'s signature of `msg` under `alg` (the core's verification; `PyJWT`'s
/// `Algorithm.verify`). A key that cannot be used with `alg` raises `InvalidKeyError`.
#[pyfunction]
#[pyo3(signature = (alg, key, msg, sig, *, allow_short = false))]
pub(crate) fn _jws_verify(
    py: Python<'_>,
    alg: &str,
    key: &Bound<'_, PyAny>,
    msg: &[u8],
    sig: &[u8],
    allow_short: bool,
) -> PyResult<bool> {
    let alg = algorithm_named(alg)?;
    let key = one_key(key, allow_short)?;
    match detached_result(py, || hxjwt::dangerous::jws_verify(&key, alg, msg, sig)) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == ErrorKind::InvalidSignature => Ok(false),
        Err(e) => Err(to_jws_err(py, &e)),
    }
}

/// The parts of a compact JWS, decoded by the core (strict base64url, strict JSON header) but
/// **not verified**: `(header: dict, payload: bytes, signature: bytes)` (`hxjwt.api_jws`).
#[pyfunction]
pub(crate) fn _jws_parts<'py>(
    py: Python<'py>,
    jwt: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let token = token_str(jwt)?;
    let parts = detached_result(py, || hxjwt::dangerous::decode_unverified(&token))
        .map_err(|e| to_jws_err(py, &e))?;
    let (h, _, _) = segments(token.trim());
    Ok((
        segment_json(py, h)?,
        PyBytes::new(py, &parts.payload),
        PyBytes::new(py, &parts.signature),
    ))
}

/// The core's claim checks on a payload (JSON text) whose signature the caller has verified
/// (`hxjwt.api_jwt.PyJWT`, after `PyJWS` checked the signature): `PyJWT`'s `options`,
/// `audience`, `issuer`, `subject`, `leeway`. Returns the claims as a dict.
#[pyfunction]
#[pyo3(signature = (payload, options = None, audience = None, issuer = None, subject = None,
                    leeway = None))]
pub(crate) fn _check_claims<'py>(
    py: Python<'py>,
    payload: &[u8],
    options: Option<&Bound<'py, PyAny>>,
    audience: Option<&Bound<'py, PyAny>>,
    issuer: Option<&Bound<'py, PyAny>>,
    subject: Option<String>,
    leeway: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let o = Options::read(options)?;
    let args = ClaimArgs::new(audience, issuer, subject, leeway, None, None, None, None)?;
    let claims = json_value(py, payload)?;
    if o.strict_aud && o.verify_aud {
        // PyJWT's strict mode: one audience, one `aud`, equal (checked before the core's
        // audience check so that the message is PyJWT's).
        let token_aud = claims.get_item("aud").ok();
        let aud_is_string = token_aud
            .as_ref()
            .map(pyo3::types::PyAnyMethods::is_instance_of::<PyString>);
        check_strict_aud(args.audience, aud_is_string)?;
        if let (Some(want), Some(got)) = (args.audience, token_aud.as_ref()) {
            if aud_is_string == Some(true) && !want.eq(got)? {
                return Err(crate::errors::InvalidAudienceError::new_err(
                    "Audience doesn't match (strict)",
                ));
            }
        }
    }
    if o.any_claim_check() {
        let v = validation(&[Algorithm::HS256], &o, &args)?;
        check_unverified(py, payload, &v)?;
    }
    if o.strict_aud && o.verify_aud {
        let aud_is_string = claims
            .get_item("aud")
            .ok()
            .map(|a| a.is_instance_of::<PyString>());
        check_strict_aud(args.audience, aud_is_string)?;
    }
    Ok(claims)
}
