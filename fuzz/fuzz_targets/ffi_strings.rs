//! The C ABI's string handling: fuzzer bytes become C strings (NUL-terminated, any bytes, so
//! invalid UTF-8 too) and byte buffers (with embedded NULs, where the API takes a length), passed
//! to the `extern "C"` functions of hxjwt-ffi through their symbols, as a C program calls them.
//!
//! Input: a selector byte (the function), then the arguments separated by NUL bytes; a missing
//! argument is NULL. The byte-buffer functions take everything after the selector (or after the
//! first NUL) with its length.
//! Invariants, for every call: never `HX_ERR_INTERNAL`; a NULL or non-UTF-8 string where a string
//! is required gives `HX_ERR_INVALID_ARGUMENT`; on failure the out-parameter is untouched and
//! `hx_last_error_message()` is a non-empty UTF-8 message without key material (neither the fixed
//! keys nor private members of the input), after a success it is ""; what succeeds is freed with
//! its own free function (LeakSanitizer checks that nothing leaks). Per function: a validated HX1
//! message is from alice.service to bob.service; decoded claims and headers are JSON objects; a
//! token made by `hx_create_jwt` from a payload with embedded NULs validates to the same bytes.
#![no_main]

use std::ffi::{CStr, CString, c_char};
use std::ptr;
use std::sync::LazyLock;

use hxjwt_ffi::{
    HxDirectory, HxEndpoint, HxIdentity, HxKey, HxKeySet, HxMessage, HxStatus, HxValidation,
};
use hxjwt_fuzz::{HX1, JWS, check_message, token_text};
use libfuzzer_sys::fuzz_target;

#[allow(
    improper_ctypes,
    reason = "opaque handles, only ever behind pointers, as in C"
)]
unsafe extern "C" {
    fn hx_string_free(s: *mut c_char);
    fn hx_status_name(status: u32) -> *const c_char;
    fn hx_last_error_message() -> *const c_char;
    fn hx_identity_from_jwk(jwk: *const c_char, out: *mut *mut HxIdentity) -> HxStatus;
    fn hx_identity_free(id: *mut HxIdentity);
    fn hx_directory_new(out: *mut *mut HxDirectory) -> HxStatus;
    fn hx_directory_from_jwks(jwks: *const c_char, out: *mut *mut HxDirectory) -> HxStatus;
    fn hx_directory_add(dir: *mut HxDirectory, jwk: *const c_char) -> HxStatus;
    fn hx_directory_free(dir: *mut HxDirectory);
    fn hx_endpoint_new(
        id: *const HxIdentity,
        dir: *const HxDirectory,
        out: *mut *mut HxEndpoint,
    ) -> HxStatus;
    fn hx_endpoint_set_time(ep: *mut HxEndpoint, unix_seconds: i64) -> HxStatus;
    fn hx_create_jwt(
        ep: *const HxEndpoint,
        recipient_name: *const c_char,
        recipient_machine_token: *const c_char,
        payload: *const u8,
        payload_len: usize,
        ttl_seconds: u64,
        out_token: *mut *mut c_char,
    ) -> HxStatus;
    fn hx_validate_jwt(
        ep: *const HxEndpoint,
        token: *const c_char,
        sender_machine_token: *const c_char,
        out: *mut *mut HxMessage,
    ) -> HxStatus;
    fn hx_message_issuer(m: *const HxMessage) -> *const c_char;
    fn hx_message_audience(m: *const HxMessage) -> *const c_char;
    fn hx_message_payload(m: *const HxMessage, out_len: *mut usize) -> *const u8;
    fn hx_message_free(m: *mut HxMessage);
    fn hx_key_from_jwk(jwk: *const c_char, out: *mut *mut HxKey) -> HxStatus;
    fn hx_key_from_pem(pem: *const c_char, out: *mut *mut HxKey) -> HxStatus;
    fn hx_key_from_der(der: *const u8, der_len: usize, out: *mut *mut HxKey) -> HxStatus;
    fn hx_key_from_secret(secret: *const u8, secret_len: usize, out: *mut *mut HxKey) -> HxStatus;
    fn hx_key_free(key: *mut HxKey);
    fn hx_keyset_from_jwks(jwks: *const c_char, out: *mut *mut HxKeySet) -> HxStatus;
    fn hx_keyset_free(set: *mut HxKeySet);
    fn hx_validation_new(
        algorithms: *const *const c_char,
        n_algorithms: usize,
        out: *mut *mut HxValidation,
    ) -> HxStatus;
    fn hx_validation_set_time(v: *mut HxValidation, unix_seconds: i64) -> HxStatus;
    fn hx_validation_set_verify_aud(v: *mut HxValidation, on: bool) -> HxStatus;
    fn hx_validation_free(v: *mut HxValidation);
    fn hx_jwt_encode(
        key: *const HxKey,
        alg: *const c_char,
        header_json: *const c_char,
        claims_json: *const c_char,
        out_token: *mut *mut c_char,
    ) -> HxStatus;
    fn hx_jwt_decode(
        key: *const HxKey,
        keyset: *const HxKeySet,
        token: *const c_char,
        v: *const HxValidation,
        out_claims_json: *mut *mut c_char,
    ) -> HxStatus;
    fn hx_jwt_decode_header(token: *const c_char, out_header_json: *mut *mut c_char) -> HxStatus;
    fn hx_replay_store_redis_new(
        url: *const c_char,
        options: *const std::ffi::c_void,
        out: *mut *mut std::ffi::c_void,
    ) -> HxStatus;
    fn hx_replay_store_free(store: *mut std::ffi::c_void);
}

/// The handles every call uses, made once through the C ABI itself.
struct World {
    bob: *mut HxEndpoint,
    alice: *mut HxEndpoint,
    hmac: *mut HxKey,
    keyset: *mut HxKeySet,
    validation: *mut HxValidation,
    secrets: Vec<String>,
}

// SAFETY: the handles are documented as safe to share between threads, and are never freed.
unsafe impl Send for World {}
// SAFETY: as above.
unsafe impl Sync for World {}

fn c(text: &str) -> CString {
    CString::new(text).expect("no NUL in the vector files")
}

fn ok(status: HxStatus, what: &str) {
    assert!(
        status == HxStatus::HxOk,
        "{what}: {status:?}: {}",
        last_error()
    );
}

fn last_error() -> String {
    // SAFETY: the library returns a NUL-terminated string valid until the next call.
    let p = unsafe { hx_last_error_message() };
    assert!(!p.is_null(), "hx_last_error_message() returned NULL");
    // SAFETY: not NULL, NUL-terminated (above).
    let text = unsafe { CStr::from_ptr(p) };
    text.to_str()
        .expect("the last error message is UTF-8")
        .to_owned()
}

static WORLD: LazyLock<World> = LazyLock::new(|| {
    let hx1 = &*HX1;
    let jws = &*JWS;
    let kat: serde_json::Value = serde_json::from_str(hxjwt_fuzz::HX1_KAT).expect("kat");
    let mut ids = [ptr::null_mut(); 2];
    for (slot, who) in ids.iter_mut().zip(["recipient", "sender"]) {
        // SAFETY: a NUL-terminated string and a valid out-pointer.
        ok(
            unsafe { hx_identity_from_jwk(c(&kat[who].to_string()).as_ptr(), slot) },
            who,
        );
    }
    let jwks = serde_json::json!({"keys": [
        serde_json::from_str::<serde_json::Value>(&hx1.alice.machine_token().to_jwk()).expect("jwk"),
        serde_json::from_str::<serde_json::Value>(&hx1.bob.machine_token().to_jwk()).expect("jwk"),
    ]});
    let mut dir = ptr::null_mut();
    // SAFETY: as above.
    ok(
        unsafe { hx_directory_from_jwks(c(&jwks.to_string()).as_ptr(), &mut dir) },
        "directory",
    );
    let mut eps = [ptr::null_mut(); 2];
    for (slot, id) in eps.iter_mut().zip(ids) {
        // SAFETY: live handles and a valid out-pointer.
        ok(unsafe { hx_endpoint_new(id, dir, slot) }, "endpoint");
        // SAFETY: a live endpoint.
        ok(unsafe { hx_endpoint_set_time(*slot, hx1.now) }, "time");
        // SAFETY: the endpoint keeps its own copy.
        unsafe { hx_identity_free(id) };
    }
    // SAFETY: the endpoints keep their own reference.
    unsafe { hx_directory_free(dir) };

    let file: serde_json::Value = serde_json::from_str(hxjwt_fuzz::JWS_VECTORS).expect("jws");
    let mut hmac = ptr::null_mut();
    // SAFETY: as above.
    ok(
        unsafe { hx_key_from_jwk(c(&file["keys"]["hmac"].to_string()).as_ptr(), &mut hmac) },
        "hmac",
    );
    // The public-key vectors only: a set mixing HMAC secrets with public keys is refused (the
    // C face has no opt-in); the HMAC key is `hmac` above.
    let keys: Vec<&serde_json::Value> = file["keys"]
        .as_object()
        .expect("keys")
        .values()
        .filter(|k| k["kty"] != "oct")
        .collect();
    let mut keyset = ptr::null_mut();
    let set = serde_json::json!({ "keys": keys }).to_string();
    // SAFETY: as above.
    ok(
        unsafe { hx_keyset_from_jwks(c(&set).as_ptr(), &mut keyset) },
        "keyset",
    );
    let names: Vec<CString> = [
        "HS256", "HS384", "HS512", "RS256", "PS256", "ES256", "ES384", "ES512", "EdDSA",
    ]
    .iter()
    .map(|n| c(n))
    .collect();
    let ptrs: Vec<*const c_char> = names.iter().map(|n| n.as_ptr()).collect();
    let mut validation = ptr::null_mut();
    // SAFETY: an array of `ptrs.len()` NUL-terminated strings.
    ok(
        unsafe { hx_validation_new(ptrs.as_ptr(), ptrs.len(), &mut validation) },
        "validation",
    );
    // SAFETY: a live validation.
    ok(
        unsafe { hx_validation_set_time(validation, jws.now) },
        "time",
    );
    // SAFETY: as above.
    ok(
        unsafe { hx_validation_set_verify_aud(validation, false) },
        "aud",
    );
    let mut secrets = hx1.secrets.clone();
    secrets.extend(jws.secrets.iter().cloned());
    World {
        bob: eps[0],
        alice: eps[1],
        hmac,
        keyset,
        validation,
        secrets,
    }
});

/// The C strings of a call: the fuzzer's bytes split at NUL, each part with its own terminator.
struct Args {
    parts: Vec<CString>,
    /// The text of the arguments for the secret check (lossy).
    text: String,
}

impl Args {
    fn new(data: &[u8]) -> Args {
        let parts: Vec<CString> = if data.is_empty() {
            Vec::new()
        } else {
            data.split(|b| *b == 0)
                .map(|p| CString::new(p).expect("split at NUL"))
                .collect()
        };
        let text = parts
            .iter()
            .map(|p| token_text(&String::from_utf8_lossy(p.as_bytes())))
            .collect::<Vec<_>>()
            .join("\n");
        Args { parts, text }
    }

    /// Argument `i`, or NULL when there is none.
    fn ptr(&self, i: usize) -> *const c_char {
        self.parts.get(i).map_or(ptr::null(), |s| s.as_ptr())
    }

    /// Whether argument `i`, when required, must make the call fail with INVALID_ARGUMENT
    /// (NULL or not UTF-8).
    fn bad_required(&self, i: usize) -> bool {
        self.parts.get(i).is_none_or(|s| s.to_str().is_err())
    }

    /// Whether argument `i`, when optional, must do so (present and not UTF-8).
    fn bad_optional(&self, i: usize) -> bool {
        self.parts.get(i).is_some_and(|s| s.to_str().is_err())
    }
}

/// The checks of every call's status and message. `bad_argument`: the call must fail with
/// INVALID_ARGUMENT. Returns whether it succeeded.
fn checked_status(status: HxStatus, bad_argument: bool, input: &str) -> bool {
    assert!(
        status != HxStatus::HxErrInternal,
        "HX_ERR_INTERNAL: {}",
        last_error()
    );
    // SAFETY: static strings.
    let name = unsafe { CStr::from_ptr(hx_status_name(status as u32)) };
    assert!(name.to_bytes().starts_with(b"HX_"));
    if bad_argument {
        assert!(
            status == HxStatus::HxErrInvalidArgument,
            "a NULL or non-UTF-8 argument gave {status:?}: {}",
            last_error()
        );
    }
    if status == HxStatus::HxOk {
        assert_eq!(last_error(), "", "a message after a success");
        true
    } else {
        check_message(&last_error(), &WORLD.secrets, input);
        false
    }
}

/// [`checked_status`] plus the out-parameter: written on success only. Returns whether the call
/// succeeded (then `out` holds a new object, to be freed by the caller).
fn checked<T>(
    status: HxStatus,
    out: *mut T,
    sentinel: *mut T,
    bad_argument: bool,
    input: &str,
) -> bool {
    let success = checked_status(status, bad_argument, input);
    if success {
        assert!(
            out != sentinel && !out.is_null(),
            "success without a result"
        );
    } else {
        assert!(
            out == sentinel,
            "the out-parameter was written on failure ({status:?})"
        );
    }
    success
}

fn sentinel<T>() -> *mut T {
    ptr::dangling_mut()
}

/// A string the library allocated: checked to be UTF-8, copied, freed.
fn take_string(s: *mut c_char) -> String {
    // SAFETY: a NUL-terminated string from the library, freed right after.
    let text = unsafe { CStr::from_ptr(s) }
        .to_str()
        .expect("UTF-8 from the library")
        .to_owned();
    // SAFETY: allocated by the library, freed once.
    unsafe { hx_string_free(s) };
    text
}

fn json_object(text: &str) {
    let value: serde_json::Value = serde_json::from_str(text).expect("JSON from the library");
    assert!(value.is_object(), "not a JSON object: {text}");
}

/// Validates `token` as bob; returns the payload on success. Message accessors are checked.
fn validate(
    token: *const c_char,
    sender: *const c_char,
    args: &Args,
    bad: bool,
) -> Option<Vec<u8>> {
    let w = &*WORLD;
    let s = sentinel();
    let mut out = s;
    // SAFETY: live endpoint, NULL or NUL-terminated strings, a valid out-pointer.
    let status = unsafe { hx_validate_jwt(w.bob, token, sender, &mut out) };
    if !checked(status, out, s, bad, &args.text) {
        return None;
    }
    // SAFETY: `out` is a live message until freed below; the accessors' strings borrow from it.
    unsafe {
        assert_eq!(
            CStr::from_ptr(hx_message_issuer(out)).to_str(),
            Ok("alice.service")
        );
        assert_eq!(
            CStr::from_ptr(hx_message_audience(out)).to_str(),
            Ok("bob.service")
        );
        let mut len = 0;
        let p = hx_message_payload(out, &mut len);
        let payload = if len == 0 {
            Vec::new()
        } else {
            std::slice::from_raw_parts(p, len).to_vec()
        };
        hx_message_free(out);
        Some(payload)
    }
}

fuzz_target!(|data: &[u8]| {
    let w = &*WORLD;
    let Some((selector, rest)) = data.split_first() else {
        return;
    };
    let args = Args::new(rest);
    let text = args.text.as_str();
    // SAFETY, for every call below: the handles of `w` are live, every string pointer is NULL or
    // points to a NUL-terminated `CString` of `args`, byte pointers are valid for their lengths,
    // and every out-pointer is a local variable.
    match selector % 18 {
        0 => {
            validate(args.ptr(0), ptr::null(), &args, args.bad_required(0));
        }
        1 => {
            validate(
                args.ptr(0),
                args.ptr(1),
                &args,
                args.bad_required(0) || args.bad_optional(1),
            );
        }
        op @ (2 | 3) => {
            let (key, keyset) = if op == 2 {
                (ptr::null(), w.keyset.cast_const())
            } else {
                (w.hmac.cast_const(), ptr::null())
            };
            let s = sentinel();
            let mut out = s;
            let status = unsafe { hx_jwt_decode(key, keyset, args.ptr(0), w.validation, &mut out) };
            if checked(status, out, s, args.bad_required(0), text) {
                json_object(&take_string(out));
            }
        }
        4 => {
            let s = sentinel();
            let mut out = s;
            let status = unsafe { hx_jwt_decode_header(args.ptr(0), &mut out) };
            if checked(status, out, s, args.bad_required(0), text) {
                json_object(&take_string(out));
            }
        }
        5 => {
            let s = sentinel();
            let mut out = s;
            let status = unsafe { hx_identity_from_jwk(args.ptr(0), &mut out) };
            if checked(status, out, s, args.bad_required(0), text) {
                unsafe { hx_identity_free(out) };
            }
        }
        6 => {
            let s = sentinel();
            let mut out = s;
            let status = unsafe { hx_directory_from_jwks(args.ptr(0), &mut out) };
            if checked(status, out, s, args.bad_required(0), text) {
                unsafe { hx_directory_free(out) };
            }
        }
        7 => {
            let mut dir = ptr::null_mut();
            ok(unsafe { hx_directory_new(&mut dir) }, "directory");
            let status = unsafe { hx_directory_add(dir, args.ptr(0)) };
            checked_status(status, args.bad_required(0), text);
            unsafe { hx_directory_free(dir) };
        }
        op @ (8 | 9) => {
            let s = sentinel();
            let mut out = s;
            let status = if op == 8 {
                unsafe { hx_key_from_jwk(args.ptr(0), &mut out) }
            } else {
                unsafe { hx_key_from_pem(args.ptr(0), &mut out) }
            };
            if checked(status, out, s, args.bad_required(0), text) {
                unsafe { hx_key_free(out) };
            }
        }
        op @ (10 | 11) => {
            // Raw bytes with their length: embedded NULs and all. NULL with length 0 too.
            let p = if rest.is_empty() {
                ptr::null()
            } else {
                rest.as_ptr()
            };
            let s = sentinel();
            let mut out = s;
            let status = if op == 10 {
                unsafe { hx_key_from_der(p, rest.len(), &mut out) }
            } else {
                unsafe { hx_key_from_secret(p, rest.len(), &mut out) }
            };
            let raw = String::from_utf8_lossy(rest).into_owned();
            let ok = checked(status, out, s, false, &raw);
            if op == 11 && !ok && rest.len() >= 8 {
                // A refused secret is not quoted back, in any encoding.
                let message = last_error();
                for shown in [raw.clone(), hxjwt::b64::encode(rest)] {
                    assert!(
                        !message.contains(&shown),
                        "a refused secret in the message: {message}"
                    );
                }
            }
            if ok {
                unsafe { hx_key_free(out) };
            }
        }
        12 => {
            let s = sentinel();
            let mut out = s;
            let status = unsafe { hx_keyset_from_jwks(args.ptr(0), &mut out) };
            if checked(status, out, s, args.bad_required(0), text) {
                unsafe { hx_keyset_free(out) };
            }
        }
        13 => {
            let ptrs: Vec<*const c_char> = args.parts.iter().map(|p| p.as_ptr()).collect();
            let bad = ptrs.is_empty() || args.parts.iter().any(|p| p.to_str().is_err());
            let s = sentinel();
            let mut out = s;
            let list = if ptrs.is_empty() {
                ptr::null()
            } else {
                ptrs.as_ptr()
            };
            let status = unsafe { hx_validation_new(list, ptrs.len(), &mut out) };
            if checked(status, out, s, bad, text) {
                unsafe { hx_validation_free(out) };
            }
        }
        14 => {
            let bad = args.bad_required(0) || args.bad_optional(1) || args.bad_required(2);
            let s = sentinel();
            let mut out = s;
            let status =
                unsafe { hx_jwt_encode(w.hmac, args.ptr(0), args.ptr(1), args.ptr(2), &mut out) };
            if checked(status, out, s, bad, text) {
                let token = CString::new(take_string(out)).expect("a token has no NUL");
                let s = sentinel();
                let mut header = s;
                let status = unsafe { hx_jwt_decode_header(token.as_ptr(), &mut header) };
                assert!(
                    checked(status, header, s, false, text),
                    "the header of a new token"
                );
                let header: serde_json::Value =
                    serde_json::from_str(&take_string(header)).expect("JSON header");
                assert_eq!(header["alg"].as_str(), args.parts[0].to_str().ok());
            }
        }
        15 => {
            // [ttl] recipient NUL payload-with-NULs
            let Some((ttl, rest)) = rest.split_first() else {
                return;
            };
            let (name, payload) = match rest.iter().position(|b| *b == 0) {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (rest, &[][..]),
            };
            let name = CString::new(name).expect("no NUL");
            let bad = name.to_str().is_err();
            let p = if payload.is_empty() {
                ptr::null()
            } else {
                payload.as_ptr()
            };
            let s = sentinel();
            let mut out = s;
            let status = unsafe {
                hx_create_jwt(
                    w.alice,
                    name.as_ptr(),
                    ptr::null(),
                    p,
                    payload.len(),
                    u64::from(*ttl),
                    &mut out,
                )
            };
            if checked(
                status,
                out,
                s,
                bad,
                &String::from_utf8_lossy(name.as_bytes()),
            ) {
                let token = CString::new(take_string(out)).expect("a token has no NUL");
                let validated = validate(token.as_ptr(), ptr::null(), &args, false);
                // hx_create_jwt makes no token over its policy's limit (64 KiB by default),
                // which is bob's too.
                assert!(token.as_bytes().len() <= hxjwt::hx1::DEFAULT_MAX_TOKEN_LEN);
                if name.to_bytes() == b"bob.service" {
                    assert_eq!(
                        validated.as_deref(),
                        Some(payload),
                        "the payload changed on the way"
                    );
                } else {
                    assert!(
                        validated.is_none(),
                        "bob accepted a token addressed to someone else"
                    );
                }
            } else if name.to_bytes() == b"bob.service"
                && *ttl > 0
                && !last_error().contains("the token would be")
            {
                panic!("creating a token for bob.service failed: {}", last_error());
            }
        }
        17 => {
            // A Redis URL: parsed, never connected to here. A password in it is never echoed.
            let s = sentinel();
            let mut out = s;
            let status = unsafe { hx_replay_store_redis_new(args.ptr(0), ptr::null(), &mut out) };
            if checked(status, out, s, args.bad_required(0), text) {
                unsafe { hx_replay_store_free(out) };
            } else if let Some(url) = args.parts.first().and_then(|p| p.to_str().ok()) {
                // The password of the URL's authority only: a scheme is followed by "://"
                // before any '/', '?' or '#', and the authority ends at the first of them (an
                // input whose "password" sat in the query string, which the message may quote
                // as an unknown parameter, was a false alarm).
                let password = url
                    .split_once("://")
                    .filter(|(scheme, _)| !scheme.contains(['/', '?', '#']))
                    .and_then(|(_, rest)| rest.split(['/', '?', '#']).next())
                    .and_then(|authority| authority.rsplit_once('@'))
                    .and_then(|(userinfo, _)| userinfo.split_once(':'))
                    .map(|(_, pw)| pw);
                if let Some(pw) =
                    password.filter(|pw| pw.len() >= 12 && !pw.contains(['/', '?', '@']))
                {
                    let message = last_error();
                    let rest = url.replacen(pw, "", 1);
                    assert!(
                        !message.contains(pw) || rest.contains(pw),
                        "the password of a Redis URL in the message: {message}"
                    );
                }
            }
        }
        _ => {
            let mut code = [0u8; 4];
            for (d, b) in code.iter_mut().zip(rest) {
                *d = *b;
            }
            // SAFETY: any integer is accepted; the string is static.
            let name = unsafe { CStr::from_ptr(hx_status_name(u32::from_le_bytes(code))) };
            assert!(name.to_str().is_ok_and(|n| n.starts_with("HX_")));
        }
    }
});
