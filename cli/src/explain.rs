//! `hxjwt verify --explain`, `hxjwt validate --explain`: every check of a token, as a table (or
//! JSON with `--json`). A diagnostic: it accepts nothing, and exits 1 unless every check passed.

use std::fmt::Write as _;
use std::io::Write as _;

use hxjwt::{Outcome, Report};

use crate::{Failure, usage};

/// The longest message shown in the table, in characters (the JSON has them whole).
const MAX_MESSAGE: usize = 160;

/// Prints `report` to stdout: a table, or its JSON with `json`. Fails (a rejection: exit 1)
/// unless every check passed.
pub(crate) fn print(report: &Report, json: bool) -> Result<(), Failure> {
    let text = if json {
        let mut t = report.to_json().to_string();
        t.push('\n');
        t
    } else {
        table(report)
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| usage(format!("cannot write stdout: {e}")))?;
    let failed = report.failures().count();
    if failed == 0 {
        return Ok(());
    }
    Err(Failure {
        rejected: true,
        message: format!(
            "{failed} of {} checks failed; the first, {}, is the error the token is refused with",
            report.checks().len(),
            report.first_failure().map_or("?", hxjwt::Check::name)
        ),
    })
}

/// The report as an aligned table: check, outcome, kind, message; then the header and (when the
/// signature verified) the claims.
fn table(report: &Report) -> String {
    let rows: Vec<[String; 4]> = report
        .checks()
        .iter()
        .map(|c| {
            let outcome = match c.outcome() {
                Outcome::Passed => "ok",
                Outcome::Failed => "FAILED",
                _ => "-",
            };
            [
                c.name().to_owned(),
                outcome.to_owned(),
                c.kind().map_or("", hxjwt::ErrorKind::name).to_owned(),
                clean(c.message()),
            ]
        })
        .collect();
    let header = ["CHECK", "OUTCOME", "KIND", "MESSAGE"].map(str::to_owned);
    let mut widths = [0usize; 3];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let [w0, w1, w2] = widths;
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let [a, b, c, d] = row;
        let _ = writeln!(out, "{a:<w0$}  {b:<w1$}  {c:<w2$}  {d}");
    }
    if let Some(h) = report.header() {
        let _ = writeln!(
            out,
            "header (as sent; authentic only if the signature check passed): {}",
            clean(&serde_json::Value::Object(h.clone()).to_string())
        );
    }
    if let Some(claims) = report.claims() {
        let _ = writeln!(
            out,
            "claims (signature verified): {}",
            clean(&serde_json::Value::Object(claims.clone()).to_string())
        );
    }
    if let Some(len) = report.payload_len() {
        let _ = writeln!(out, "payload: {len} bytes (not shown)");
    }
    out.push_str(if report.passed() {
        "every check passed (explain accepts nothing: replay protection was not applied)\n"
    } else {
        "the token is refused\n"
    });
    out
}

/// One line, no terminal control characters, bounded.
fn clean(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(MAX_MESSAGE)
        .flat_map(|c| {
            if c.is_control() {
                c.escape_debug().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if text.chars().nth(MAX_MESSAGE).is_some() {
        out.push('…');
    }
    out
}
