//! `hx_jwt_explain`, `hx_explain_jwt`: every check of a token, reported at once, as JSON.

use std::ffi::c_char;

use hxjwt::MachineToken;
use hxjwt::jws;

use crate::endpoint::HxEndpoint;
use crate::guard::{Fail, FfiResult, arg_out, arg_ref, arg_str, c_string, guard, opt_str};
use crate::key::HxKey;
use crate::keyset::HxKeySet;
use crate::status::HxStatus;
use crate::validation::HxValidation;

/// The report as JSON text, with each failed check's `HX_ERR_*` value as its `"code"`.
fn report_text(report: &hxjwt::Report) -> FfiResult<*mut c_char> {
    let json = report.to_json_with_codes(|kind| Some(i64::from(HxStatus::from_kind(kind) as u32)));
    c_string(&json.to_string())
}

/// **A diagnostic, never an acceptance**: runs every check `hx_jwt_decode` applies to `token`
/// (same arguments: exactly one of `key` and `keyset`, and the validation `v`) without stopping
/// at the first failure, and writes a JSON report to `*out_json` (free it with
/// `hx_string_free`):
/// `{"passed":true|false,"checks":[{"check":"exp","outcome":"failed","kind":"Expired","code":108,"message":"..."},...],"header":{...}|null,"claims":{...}|null}`.
///
/// `check` is a stable name (`format`, `algorithm`, `crit`, `header`, `typ`, `payload`, `key`,
/// `signature`, `claims`, `required`, `exp`, `nbf`, `iat`, `max_age`, `aud`, `iss`, `sub`, `jti`,
/// `replay`; docs/C-API.md lists what each covers); `outcome` is `"passed"`, `"failed"` or
/// `"not_checked"` (an earlier failure made the check impossible, it is not configured, or
/// explain never runs it: the replay store is never consulted nor written); `kind` and `code` are
/// the `hx_status_name` without its prefix and the `HX_ERR_*` value `hx_jwt_decode` returns for
/// that failure (`null` unless failed). The checks are listed in the order decode applies them,
/// so the first failed one is `hx_jwt_decode`'s status. `header` is the token's header as sent
/// (unauthenticated unless the signature check passed); `claims` is present only when the
/// signature verified. Nothing in the report is key material.
///
/// Returns `HX_OK` whenever a report was written, whatever the token: `"passed"` says whether
/// every check passed (which still accepts nothing: call `hx_jwt_decode`). Fails only for unusable
/// arguments (`HX_ERR_INVALID_ARGUMENT`: NULL `token`, `v` or `out_json`, neither or both of
/// `key` and `keyset`), leaving `*out_json` unchanged. `key`, `keyset` and `v` may be shared
/// between threads.
///
/// # Safety
/// `key` is NULL or a live key; `keyset` is NULL or a live key set; `token` is a NUL-terminated
/// string; `v` is a live validation; `out_json` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwt_explain(
    key: *const HxKey,
    keyset: *const HxKeySet,
    token: *const c_char,
    v: *const HxValidation,
    out_json: *mut *mut c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract; NULL is allowed.
        let key = unsafe { key.as_ref() };
        // SAFETY: as above.
        let keyset = unsafe { keyset.as_ref() };
        // SAFETY: as above.
        let token = unsafe { arg_str(token, "token") }?;
        // SAFETY: as above.
        let v = unsafe { arg_ref(v, "v") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out_json, "out_json") }?;
        let validation = v.read();
        let report = match (key, keyset) {
            (Some(key), None) => jws::explain(token, &key.inner, &validation),
            (None, Some(set)) => {
                set.verify_with(|keys| Ok(jws::explain(token, &keys, &validation)))?
            }
            (None, None) => {
                return Err(Fail::invalid("key and keyset are both NULL; pass one"));
            }
            (Some(_), Some(_)) => {
                return Err(Fail::invalid("key and keyset are both set; pass only one"));
            }
        };
        drop(validation);
        *out = report_text(&report)?;
        Ok(())
    })
}

/// **A diagnostic, never an acceptance**: runs every check `hx_validate_jwt` applies to the HX1
/// (or ECDH-1PU mode) `token` addressed to `ep` (same arguments: `sender_machine_token` is NULL to
/// resolve the token's `iss` through the directory, or the sender's machine token JWK) without
/// stopping at the first failure, and writes a JSON report to `*out_json` (free it with
/// `hx_string_free`), shaped as `hx_jwt_explain`'s: checks `format`, `header`, `aud`, `issuer`,
/// `signature`, `exp`, `iat`, `nbf`, `lifetime`, `decryption`, `replay`, in the order validate
/// applies them (the first failed one is `hx_validate_jwt`'s status); `header` is the token's
/// header (sent in clear: the time checks read it even when the signature fails); `claims` is
/// always null; the payload is never in the report, only `"payload_len"` once it decrypted. The
/// replay store is neither consulted nor written.
///
/// Returns `HX_OK` whenever a report was written, whatever the token; fails only for unusable
/// arguments (`HX_ERR_INVALID_ARGUMENT`; a `sender_machine_token` that is not a machine token
/// fails with its own status), leaving `*out_json` unchanged. It shares the endpoint with other
/// threads' calls as `hx_validate_jwt` does.
///
/// # Safety
/// `ep` is a live endpoint; `token` is a NUL-terminated string; `sender_machine_token` is NULL or
/// a NUL-terminated string; `out_json` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_explain_jwt(
    ep: *const HxEndpoint,
    token: *const c_char,
    sender_machine_token: *const c_char,
    out_json: *mut *mut c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let ep = unsafe { arg_ref(ep, "ep") }?;
        // SAFETY: as above.
        let token = unsafe { arg_str(token, "token") }?;
        // SAFETY: as above.
        let sender = unsafe { opt_str(sender_machine_token, "sender_machine_token") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out_json, "out_json") }?;
        let sender = sender.map(MachineToken::from_jwk).transpose()?;
        let report = ep.read().explain_from(token, sender.as_ref());
        *out = report_text(&report)?;
        Ok(())
    })
}
