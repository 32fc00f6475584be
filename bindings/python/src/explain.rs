//! `hxjwt.explain`: every check of a standard JWT reported at once (the core's `jws::explain`),
//! as a list of dicts. A diagnostic, never an acceptance.

use std::sync::Arc;

use hxjwt::Report;
use hxjwt::jws::{self, Algorithm};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::jwk::{Verifier, resolve};
use crate::jws::{algorithm_named, decode_validation};

/// One name, or a list of names.
fn names(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<String>> {
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(vec![s.to_str()?.to_owned()]);
    }
    value
        .try_iter()
        .map_err(|_| PyTypeError::new_err(format!("{what} must be a string or a list of strings")))?
        .map(|item| {
            item?.extract::<String>().map_err(|_| {
                PyTypeError::new_err(format!("{what} must be a string or a list of strings"))
            })
        })
        .collect()
}

/// The report as the list of dicts `hxjwt.explain` returns.
pub(crate) fn checks<'py>(py: Python<'py>, report: &Report) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for c in report.checks() {
        let d = PyDict::new(py);
        d.set_item("check", c.name())?;
        d.set_item("outcome", c.outcome().name())?;
        d.set_item("kind", c.kind().map(hxjwt::ErrorKind::name))?;
        d.set_item(
            "error",
            c.kind()
                .map(|k| crate::errors::to_py_err(py, &hxjwt::Error::new(k, "")).get_type(py)),
        )?;
        d.set_item("message", c.message())?;
        list.append(d)?;
    }
    Ok(list)
}

/// Every check `decode` applies to `jwt`, run to the end, as a list of dicts (see
/// `hxjwt/__init__.pyi`). Never accepts anything. The validation is built by `decode`'s own
/// code (`jws::decode_validation`): the same `options` (`PyJWT`'s defaults: nothing required
/// unless `options["require"]` says so), leeway, audience, issuer and the rest.
#[pyfunction]
#[pyo3(signature = (
    jwt, key, algorithms, *, audience = None, issuer = None, subject = None, leeway = None,
    options = None, now = None, typ = None, max_age = None, required = None,
))]
#[expect(clippy::too_many_arguments, reason = "decode's keyword arguments")]
pub(crate) fn explain<'py>(
    py: Python<'py>,
    jwt: &Bound<'py, PyAny>,
    key: &Bound<'py, PyAny>,
    algorithms: &Bound<'py, PyAny>,
    audience: Option<&Bound<'py, PyAny>>,
    issuer: Option<&Bound<'py, PyAny>>,
    subject: Option<String>,
    leeway: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyAny>>,
    now: Option<&Bound<'py, PyAny>>,
    typ: Option<String>,
    max_age: Option<&Bound<'py, PyAny>>,
    required: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let token = crate::convert::token_text(jwt)?;
    let algs = names(algorithms, "algorithms")?
        .iter()
        .map(|a| algorithm_named(a))
        .collect::<PyResult<Vec<Algorithm>>>()?;
    if algs.is_empty() {
        return Err(PyValueError::new_err(
            "algorithms must name at least one algorithm",
        ));
    }
    let mut v = decode_validation(
        py, &algs, options, audience, issuer, subject, leeway, now, typ, max_age,
    )?;
    if let Some(r) = required.filter(|r| !r.is_none()) {
        v = v.require(&names(r, "required")?);
    }
    let resolved = resolve(key, false)?;
    let token: &str = &token;
    let report = py.detach(|| match &resolved.verifier {
        Verifier::One(k) => jws::explain(token, k, &v),
        Verifier::Set(set) => jws::explain(token, &Arc::clone(set), &v),
    });
    checks(py, &report)
}
