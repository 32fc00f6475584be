//! `hx_jwt_encode`, `hx_jwt_decode`, `hx_jwt_decode_header`: standard JWTs (compact JWS).

use std::ffi::c_char;

use hxjwt::jws::{self, DEFAULT_MAX_DEPTH, Header};
use serde_json::{Map, Value};

use crate::guard::{Fail, FfiResult, arg_out, arg_ref, arg_str, c_string, guard, opt_str};
use crate::key::{HxKey, algorithm};
use crate::keyset::HxKeySet;
use crate::status::HxStatus;
use crate::validation::HxValidation;

/// A JSON object as compact text for C.
fn object_text(object: Map<String, Value>) -> FfiResult<*mut c_char> {
    c_string(&Value::Object(object).to_string())
}

/// Signs a standard JWT (compact JWS) with `key` and the algorithm named `alg` (`"HS256"` ...
/// `"ES512"`, `"ES256K"`, `"EdDSA"`, `"Ed25519"`, exactly; `hx_key_algorithm(key)` gives a generated key's). The header is
/// `{"alg":alg,"typ":"JWT"}`, plus the key's `kid` if it has one, plus the members of
/// `header_json` (NULL, or a JSON object such as `{"kid":"2026-01","cty":"json"}`; its `typ`,
/// `kid` and `cty` replace the defaults; `alg`, `crit` and `b64` cannot be set). `claims_json` is
/// the payload, a JSON object (`{"sub":"42","exp":1767229200}`), signed exactly as given. On
/// success writes the token to `*out_token` (free it with `hx_string_free`).
///
/// Fails with `HX_ERR_UNSUPPORTED_ALGORITHM` for an unknown `alg` (`"none"` included),
/// `HX_ERR_INVALID_KEY` when the key does not fit the algorithm, cannot sign (a public key) or is
/// an HMAC secret shorter than the hash output, and `HX_ERR_INVALID_ARGUMENT` when `header_json`
/// or `claims_json` is not one strict JSON object (duplicate members are refused). `key` may be
/// shared between threads.
///
/// # Safety
/// `key` is a live key; `alg` and `claims_json` are NUL-terminated strings; `header_json` is NULL
/// or a NUL-terminated string; `out_token` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwt_encode(
    key: *const HxKey,
    alg: *const c_char,
    header_json: *const c_char,
    claims_json: *const c_char,
    out_token: *mut *mut c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let key = unsafe { arg_ref(key, "key") }?;
        // SAFETY: as above.
        let alg = unsafe { arg_str(alg, "alg") }?;
        // SAFETY: as above.
        let header_json = unsafe { opt_str(header_json, "header_json") }?;
        // SAFETY: as above.
        let claims_json = unsafe { arg_str(claims_json, "claims_json") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out_token, "out_token") }?;
        let mut header = Header::new(algorithm(alg)?);
        if let Some(members) = header_json {
            header.extra =
                hxjwt::json::parse_object(members.as_bytes(), DEFAULT_MAX_DEPTH, "header_json")
                    .map_err(|e| Fail::invalid(e.detail().to_owned()))?;
        }
        let token = jws::encode_json(&header, claims_json, &key.inner)?;
        *out = c_string(&token)?;
        Ok(())
    })
}

/// Verifies a standard JWT (compact JWS) and checks its claims against `v`; on success writes
/// its claims, a JSON object exactly as the issuer signed it (member order, spacing and numbers
/// kept; strict JSON, checked), to `*out_claims_json` (free it with `hx_string_free`). Exactly one
/// of `key` (the issuer's public key, or the HMAC secret) and `keyset` (the issuer's keys,
/// selected by the token's `kid`; a remote key set from `hx_keyset_from_url` may fetch them
/// first, and fails with `HX_ERR_RESOLVER_FAILED` when it cannot) is non-NULL.
///
/// The checks, in order; the first failure is returned: size and structure (`HX_ERR_MALFORMED`);
/// the header's `alg` among `v`'s algorithms (`HX_ERR_UNSUPPORTED_ALGORITHM`; `none` never is), no
/// `crit` and no `b64` (`HX_ERR_UNKNOWN_HEADER`), the required `typ`; a key that fits the
/// algorithm (`HX_ERR_KEY_NOT_FOUND` from a key set, `HX_ERR_INVALID_KEY` for a key of another
/// type: an RSA key is never an HMAC secret); the signature (`HX_ERR_INVALID_SIGNATURE`); then the
/// claims: required claims (`HX_ERR_MISSING_CLAIM`), `exp` (`HX_ERR_EXPIRED`), `nbf` and `iat`
/// (`HX_ERR_NOT_YET_VALID`), maximum age (`HX_ERR_EXPIRED`), `aud` (`HX_ERR_WRONG_AUDIENCE`),
/// `iss` (`HX_ERR_ISSUER_MISMATCH`), `sub` and claim types (`HX_ERR_INVALID_CLAIM`).
/// `hx_last_error_claim()` names the claim of a claim failure. Keys in the token's header
/// (`jwk`, `jku`, `x5u`, `x5c`) are never used. `key`, `keyset` and `v` may be shared between
/// threads.
///
/// # Safety
/// `key` is NULL or a live key; `keyset` is NULL or a live key set; `token` is a NUL-terminated
/// string; `v` is a live validation; `out_claims_json` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwt_decode(
    key: *const HxKey,
    keyset: *const HxKeySet,
    token: *const c_char,
    v: *const HxValidation,
    out_claims_json: *mut *mut c_char,
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
        let out = unsafe { arg_out(out_claims_json, "out_claims_json") }?;
        let validation = v.read();
        let claims = match (key, keyset) {
            (Some(key), None) => jws::decode_bytes(token, &key.inner, &validation)?.claims,
            (None, Some(set)) => set.decode_bytes(token, &validation)?,
            (None, None) => {
                return Err(Fail::invalid("key and keyset are both NULL; pass one"));
            }
            (Some(_), Some(_)) => {
                return Err(Fail::invalid("key and keyset are both set; pass only one"));
            }
        };
        drop(validation);
        // The claims exactly as signed: checked strict JSON, so UTF-8 without a NUL.
        let text = std::str::from_utf8(&claims)
            .map_err(|_| Fail::internal("verified claims are not UTF-8"))?;
        *out = c_string(text)?;
        Ok(())
    })
}

/// **Does not verify anything**: writes the header of a compact JWS, decoded strictly (canonical
/// base64url, one JSON object without duplicate members), to `*out_header_json` (free it with
/// `hx_string_free`). Use it only to choose a key (by `kid`) before `hx_jwt_decode`; never trust
/// what it says. Fails with `HX_ERR_MALFORMED` when there is no such header.
///
/// # Safety
/// `token` is a NUL-terminated string; `out_header_json` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwt_decode_header(
    token: *const c_char,
    out_header_json: *mut *mut c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let token = unsafe { arg_str(token, "token") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out_header_json, "out_header_json") }?;
        *out = object_text(jws::decode_header(token)?)?;
        Ok(())
    })
}
