//! `HxKey`: a key for standard JWTs (an HMAC secret, or an RSA, EC or Ed25519 key).

use std::ffi::{CStr, CString, c_char};

use hxjwt::jws::{Algorithm, Key};

use crate::guard::{
    FfiResult, arg_bytes, arg_out, arg_ref, arg_str, c_string, free_handle, guard, into_handle,
};
use crate::status::HxStatus;

/// A key for signing or verifying standard JWTs (JWS): an HMAC secret, or an RSA, EC (P-256,
/// P-384, P-521) or Ed25519 key, private or public. A key serves only the algorithms of its type
/// (an RSA key never serves HS256), and only its own `alg` when it has one. Immutable once made;
/// safe to use from several threads at once. Free with `hx_key_free` (private material is wiped);
/// key sets it was added to keep their own copy.
pub struct HxKey {
    pub(crate) inner: Key,
    kid: Option<CString>,
}

impl HxKey {
    pub(crate) fn new(inner: Key) -> FfiResult<Self> {
        let kid = inner
            .kid()
            .map(|kid| {
                CString::new(kid).map_err(|_| {
                    hxjwt::Error::new(
                        hxjwt::ErrorKind::InvalidKey,
                        "the key's kid contains a NUL character, which a C string cannot carry",
                    )
                })
            })
            .transpose()?;
        Ok(HxKey { inner, kid })
    }
}

/// The algorithm named `name` (`"ES256"`): exact names only; `none` is no algorithm.
pub(crate) fn algorithm(name: &str) -> FfiResult<Algorithm> {
    Ok(name.parse::<Algorithm>()?)
}

/// The name of `alg` as a static C string.
fn algorithm_name(alg: Algorithm) -> &'static CStr {
    match alg {
        Algorithm::HS256 => c"HS256",
        Algorithm::HS384 => c"HS384",
        Algorithm::HS512 => c"HS512",
        Algorithm::RS256 => c"RS256",
        Algorithm::RS384 => c"RS384",
        Algorithm::RS512 => c"RS512",
        Algorithm::PS256 => c"PS256",
        Algorithm::PS384 => c"PS384",
        Algorithm::PS512 => c"PS512",
        Algorithm::ES256 => c"ES256",
        Algorithm::ES384 => c"ES384",
        Algorithm::ES512 => c"ES512",
        Algorithm::ES256K => c"ES256K",
        Algorithm::EdDSA => c"EdDSA",
        Algorithm::Ed25519 => c"Ed25519",
    }
}

/// Writes a new key made by `make` to `*out`.
///
/// # Safety
/// `out` is NULL or valid for one pointer write.
unsafe fn new_key(out: *mut *mut HxKey, make: impl FnOnce() -> FfiResult<Key>) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from the caller.
        let out = unsafe { arg_out(out, "out") }?;
        let key = HxKey::new(make()?)?;
        *out = into_handle(key);
        Ok(())
    })
}

/// Reads a key from a JWK (RFC 7517/7518/8037), private or public: `kty` `"oct"` (an HMAC
/// secret), `"RSA"` (2048 to 8192 bits), `"EC"` (`crv` P-256, P-384 or P-521) or `"OKP"` (`crv`
/// Ed25519). Its `kid`, `alg`, `use` and `key_ops` are kept and honoured. On success writes the
/// key to `*out` (free it with `hx_key_free`); a JWK that is not such a key fails with
/// `HX_ERR_INVALID_KEY`.
///
/// # Safety
/// `jwk_json` is a NUL-terminated string; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_key_from_jwk(
    jwk_json: *const c_char,
    out: *mut *mut HxKey,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let jwk = unsafe { arg_str(jwk_json, "jwk_json") };
    // SAFETY: as above.
    unsafe { new_key(out, || Ok(Key::from_jwk(jwk?)?)) }
}

/// Reads a key from PEM text: `PRIVATE KEY` (PKCS#8), `PUBLIC KEY` (SPKI), `RSA PRIVATE KEY` or
/// `RSA PUBLIC KEY` (PKCS#1), `EC PRIVATE KEY` (SEC1; P-256/384/521 or secp256k1), or one
/// OpenSSH public key line (`ssh-ed25519`, `ecdsa-sha2-nistp256/384/521`, `ssh-rsa`: a
/// verification key, never an HMAC secret). RSA keys must have 2048 to 8192 bits. The
/// key has no `kid` (see `hx_key_with_kid`). On success writes it to `*out` (free it with
/// `hx_key_free`); anything else fails with `HX_ERR_INVALID_KEY`.
///
/// # Safety
/// `pem` is a NUL-terminated string; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_key_from_pem(pem: *const c_char, out: *mut *mut HxKey) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let pem = unsafe { arg_str(pem, "pem") };
    // SAFETY: as above.
    unsafe { new_key(out, || Ok(Key::from_pem(pem?)?)) }
}

/// Reads a key from DER bytes (`der_len` of them): a PKCS#8 private key or an SPKI public key.
/// On success writes it to `*out` (free it with `hx_key_free`); anything else fails with
/// `HX_ERR_INVALID_KEY`.
///
/// # Safety
/// `der` is NULL or valid for reads of `der_len` bytes; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_key_from_der(
    der: *const u8,
    der_len: usize,
    out: *mut *mut HxKey,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let der = unsafe { arg_bytes(der, der_len, "der") };
    // SAFETY: as above.
    unsafe { new_key(out, || Ok(Key::from_der(der?)?)) }
}

/// Makes an HMAC key (HS256, HS384, HS512) from `secret_len` raw bytes (a secret may contain NUL
/// bytes). A secret shorter than the hash output (32, 48, 64 bytes) is refused with
/// `HX_ERR_INVALID_KEY` when the key is used, unless `hx_key_allow_short_secret` made the key;
/// an empty secret, or bytes that look like a PEM or SSH key (the algorithm-confusion attack), are
/// refused here. On success writes the key to `*out` (free it with `hx_key_free`).
///
/// # Safety
/// `secret` is NULL or valid for reads of `secret_len` bytes; `out` is valid for one pointer
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_key_from_secret(
    secret: *const u8,
    secret_len: usize,
    out: *mut *mut HxKey,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let secret = unsafe { arg_bytes(secret, secret_len, "secret") };
    // SAFETY: as above.
    unsafe { new_key(out, || Ok(Key::from_secret(secret?)?)) }
}

/// Makes a new key for the algorithm named `alg` (`"HS256"` ... `"ES512"`, `"ES256K"`,
/// `"EdDSA"`, `"Ed25519"`, exactly) from the operating system's random generator: a hash-sized
/// HMAC secret, a 2048-bit RSA key, a key on the algorithm's curve (secp256k1 for ES256K), or an
/// Ed25519 key. The key is restricted to `alg` and its `kid` is its
/// RFC 7638 thumbprint. An unknown name (`"none"` included) fails with
/// `HX_ERR_UNSUPPORTED_ALGORITHM`. On success writes the key to `*out` (free it with
/// `hx_key_free`).
///
/// # Safety
/// `alg` is a NUL-terminated string; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_key_generate(alg: *const c_char, out: *mut *mut HxKey) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let alg = unsafe { arg_str(alg, "alg") };
    // SAFETY: as above.
    unsafe { new_key(out, || Ok(Key::generate(algorithm(alg?)?)?)) }
}

/// Writes a copy of `key` whose `kid` is `kid` to `*out` (free it with `hx_key_free`); `key` is
/// unchanged. The `kid` is written into the header of the tokens the copy signs, and selects it
/// in a key set.
///
/// # Safety
/// `key` is a live key; `kid` is a NUL-terminated string; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_key_with_kid(
    key: *const HxKey,
    kid: *const c_char,
    out: *mut *mut HxKey,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let key = unsafe { arg_ref(key, "key") };
    // SAFETY: as above.
    let kid = unsafe { arg_str(kid, "kid") };
    // SAFETY: as above.
    unsafe { new_key(out, || Ok(key?.inner.clone().with_kid(kid?))) }
}

/// Writes a copy of the HMAC key `key` that accepts a secret shorter than the hash output to
/// `*out` (free it with `hx_key_free`). RFC 7518 section 3.2 forbids such secrets: use this only
/// to interoperate with systems that already issue such tokens.
///
/// # Safety
/// `key` is a live key; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_key_allow_short_secret(
    key: *const HxKey,
    out: *mut *mut HxKey,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let key = unsafe { arg_ref(key, "key") };
    // SAFETY: as above.
    unsafe { new_key(out, || Ok(key?.inner.clone().allow_short_secret())) }
}

/// Writes the public half of `key` (same `kid`, `alg` and `use`) to `*out` (free it with
/// `hx_key_free`): what verifiers get. Fails with `HX_ERR_INVALID_KEY` for an HMAC secret, which
/// has no public half.
///
/// # Safety
/// `key` is a live key; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_key_to_public(key: *const HxKey, out: *mut *mut HxKey) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let key = unsafe { arg_ref(key, "key") };
    // SAFETY: as above.
    unsafe { new_key(out, || Ok(key?.inner.to_public()?)) }
}

/// Writes the public JWK of `key` (no private member) to `*out_public_jwk_json`: what a key set
/// publishes. Free it with `hx_string_free`. Fails with `HX_ERR_INVALID_KEY` for an HMAC secret,
/// which must never be published.
///
/// # Safety
/// `key` is a live key; `out_public_jwk_json` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_key_to_public_jwk(
    key: *const HxKey,
    out_public_jwk_json: *mut *mut c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let key = unsafe { arg_ref(key, "key") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out_public_jwk_json, "out_public_jwk_json") }?;
        let jwk = key.inner.to_public_jwk()?.to_string();
        *out = c_string(&jwk)?;
        Ok(())
    })
}

/// Writes the full JWK of `key`, **including its private members** (`d` and the RSA CRT
/// numbers, or the HMAC secret `k`), to `*out_private_jwk_json`: store it like a password, and
/// load it again with `hx_key_from_jwk`. For a public key it is the public JWK. Free it with
/// `hx_string_free` (which wipes it).
///
/// # Safety
/// `key` is a live key; `out_private_jwk_json` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_key_to_private_jwk(
    key: *const HxKey,
    out_private_jwk_json: *mut *mut c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let key = unsafe { arg_ref(key, "key") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out_private_jwk_json, "out_private_jwk_json") }?;
        *out = c_string(&key.inner.to_private_jwk())?;
        Ok(())
    })
}

/// Writes the RFC 7638 thumbprint of `key` (base64url SHA-256 of its required public members;
/// the same for a private key and its public half) to `*out_thumbprint`. Free it with
/// `hx_string_free`. For an HMAC secret the thumbprint is computed over the secret: treat it as
/// sensitive.
///
/// # Safety
/// `key` is a live key; `out_thumbprint` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_key_thumbprint(
    key: *const HxKey,
    out_thumbprint: *mut *mut c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let key = unsafe { arg_ref(key, "key") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out_thumbprint, "out_thumbprint") }?;
        *out = c_string(&key.inner.thumbprint())?;
        Ok(())
    })
}

/// The key's `kid`, borrowed: valid while `key` lives. NULL when the key has none, or when `key`
/// is NULL.
///
/// # Safety
/// `key` is NULL or a live key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_key_kid(key: *const HxKey) -> *const c_char {
    // SAFETY: `key` is NULL or a live key (this function's contract).
    unsafe { key.as_ref() }
        .and_then(|k| k.kid.as_ref())
        .map_or(std::ptr::null(), |kid| kid.as_ptr())
}

/// The one algorithm the key is restricted to (`"ES256"`; a generated key, or a JWK with `alg`),
/// as a static string: never free it. NULL when the key serves every algorithm of its type, or
/// when `key` is NULL.
///
/// # Safety
/// `key` is NULL or a live key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_key_algorithm(key: *const HxKey) -> *const c_char {
    // SAFETY: `key` is NULL or a live key (this function's contract).
    unsafe { key.as_ref() }
        .and_then(|k| k.inner.algorithm())
        .map_or(std::ptr::null(), |alg| algorithm_name(alg).as_ptr())
}

/// Whether the key can sign: an HMAC secret or a private key (true), or a public key (false).
/// False when `key` is NULL.
///
/// # Safety
/// `key` is NULL or a live key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_key_is_private(key: *const HxKey) -> bool {
    // SAFETY: `key` is NULL or a live key (this function's contract).
    unsafe { key.as_ref() }.is_some_and(|k| k.inner.is_private())
}

/// Frees a key (its private material is wiped). NULL is a no-op. Key sets it was added to keep
/// working.
///
/// # Safety
/// `key` is NULL or a key from this library that was not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_key_free(key: *mut HxKey) {
    // SAFETY: forwarded from this function's contract.
    unsafe { free_handle(key) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_has_its_c_name() {
        for alg in Algorithm::ALL {
            assert_eq!(algorithm_name(alg).to_str().unwrap(), alg.name());
            assert_eq!(algorithm(alg.name()).unwrap(), alg);
        }
        let e = algorithm("none").unwrap_err();
        assert_eq!(e.status, HxStatus::HxErrUnsupportedAlgorithm);
    }
}
