//! `HxJweKey`, `HxJweOptions`, `hx_jwe_*`: standard encrypted JWTs (JWE, RFC 7516/7518), compact
//! and JSON serializations, ECDH-1PU and nested (signed, then encrypted) JWTs.

use std::ffi::{CString, c_char};
use std::sync::{PoisonError, RwLock, RwLockReadGuard};

use hxjwt::jwe::{
    self, ContentAlgorithm, Decrypted, Decryption, Header, JsonRecipient, Key, KeyAlgorithm,
    KeyKind,
};
use hxjwt::jws;
use serde_json::Value;
use zeroize::Zeroize;

use crate::guard::{
    Fail, FfiResult, arg_bytes, arg_out, arg_ref, arg_str, arg_str_array, c_string, free_handle,
    guard, guard_void, into_handle, opt_str,
};
use crate::key::{HxKey, algorithm};
use crate::keyset::HxKeySet;
use crate::status::HxStatus;
use crate::validation::HxValidation;

/// A key for encrypting or decrypting standard JWE tokens: a symmetric secret (`dir`, `A*KW`,
/// `A*GCMKW`) or a PBES2 password, an RSA key (RSA-OAEP, 2048 to 8192 bits), an EC key on
/// P-256, P-384 or P-521, or an X25519 key (ECDH-ES, ECDH-1PU), private or public. A key serves
/// only the algorithms of its type, and its JWK `alg`, `use` and `key_ops` are honoured.
/// Immutable once made; safe to use from several threads at once. Free with `hx_jwe_key_free`
/// (private material is wiped).
pub struct HxJweKey {
    inner: Key,
    kid: Option<CString>,
    /// The JWK `alg` the key is restricted to, if any.
    alg: Option<CString>,
    /// The curve of an EC or X25519 key.
    crv: Option<CString>,
}

impl HxJweKey {
    fn new(inner: Key) -> FfiResult<Self> {
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
        // Algorithm and curve names are ASCII without NUL: `CString::new` cannot fail on them.
        let alg = inner.algorithm().and_then(|a| CString::new(a.name()).ok());
        let crv = match inner.kind() {
            KeyKind::Ec(curve) => CString::new(curve.name()).ok(),
            KeyKind::X25519 => CString::new("X25519").ok(),
            KeyKind::Symmetric | KeyKind::Rsa => None,
        };
        Ok(HxJweKey {
            inner,
            kid,
            alg,
            crv,
        })
    }
}

/// The longest token `hx_jwe_decrypt` accepts by default, in bytes
/// (`hx_jwe_options_set_max_token_length`).
pub const HX_JWE_DEFAULT_MAX_TOKEN_LENGTH: usize = 262_144;
/// The largest PBES2 `p2c` accepted by default (`hx_jwe_options_set_max_p2c`).
pub const HX_JWE_DEFAULT_MAX_P2C: u32 = 200_000;
/// A sensible bound for `hx_jwe_options_allow_zip`, in bytes (250 KB: a compression bomb costs
/// no more).
pub const HX_JWE_DEFAULT_MAX_INFLATED_LENGTH: usize = 250_000;

/// What `hx_jwe_decrypt` (and the other `hx_jwe_decrypt_*` calls) accept: the `alg` and `enc`
/// values (explicit lists; the token's header never chooses), the longest token, the largest
/// PBES2 `p2c`, whether `zip` is accepted and how far it may inflate, the `crit` names
/// understood, and the required `typ`. Safe to share between threads: any number of threads may
/// decrypt with it at once, and the `hx_jwe_options_*` setters may be called at any time (they
/// wait for the decryptions in progress). Free with `hx_jwe_options_free` once no other thread
/// uses it.
pub struct HxJweOptions {
    inner: RwLock<Decryption>,
}

impl HxJweOptions {
    fn read(&self) -> RwLockReadGuard<'_, Decryption> {
        // A poisoned lock means a panic in a setter, which leaves the options consistent.
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }
}

fn key_algorithm(name: &str) -> FfiResult<KeyAlgorithm> {
    Ok(KeyAlgorithm::parse(name)?)
}

fn content_algorithm(name: &str) -> FfiResult<ContentAlgorithm> {
    Ok(name.parse::<ContentAlgorithm>()?)
}

/// The keys of a C array of `HxJweKey *` (cloning a key is cheap: its material is shared).
///
/// # Safety
/// `ptr` is NULL or valid for reads of `len` pointers, each NULL or to a live key.
unsafe fn arg_keys(ptr: *const *const HxJweKey, len: usize, name: &str) -> FfiResult<Vec<Key>> {
    if len == 0 {
        return Err(Fail::invalid(format!(
            "{name} is empty: pass at least one key"
        )));
    }
    if ptr.is_null() {
        return Err(Fail::invalid(format!("{name} is NULL")));
    }
    // SAFETY: `ptr` is non-NULL and valid for `len` reads (this function's contract).
    let items = unsafe { std::slice::from_raw_parts(ptr, len) };
    items
        .iter()
        .enumerate()
        .map(|(i, p)| {
            // SAFETY: each element is NULL or a live key (this function's contract).
            unsafe { p.as_ref() }
                .map(|k| k.inner.clone())
                .ok_or_else(|| Fail::invalid(format!("{name}[{i}] is NULL")))
        })
        .collect()
}

/// The protected header of a token to encrypt: `alg`, `enc`, and the members of `header_json`
/// (NULL, or a JSON object), mapped by the core (`jwe::Header::with_members`).
fn header_of(alg: KeyAlgorithm, enc: ContentAlgorithm, json: Option<&str>) -> FfiResult<Header> {
    let header = Header::new(alg, enc);
    let Some(json) = json else {
        return Ok(header);
    };
    let members = hxjwt::json::parse_object(json.as_bytes(), jwe::DEFAULT_MAX_DEPTH, "header_json")
        .map_err(|e| Fail::invalid(e.detail().to_owned()))?;
    header
        .with_members(members)
        .map_err(|e| Fail::invalid(format!("header_json: {}", e.detail())))
}

/// Copies `bytes` into a new `malloc()` buffer of `len + 1` bytes, the last one NUL, freed by
/// `hx_bytes_free`.
fn c_bytes(bytes: &[u8]) -> FfiResult<*mut u8> {
    let len = bytes.len();
    let size = len
        .checked_add(1)
        .ok_or_else(|| Fail::internal("buffer too long"))?;
    // SAFETY: malloc may be called with any size; the result is checked for NULL below.
    let buf = unsafe { libc::malloc(size) }.cast::<u8>();
    if buf.is_null() {
        return Err(Fail::internal("out of memory"));
    }
    // SAFETY: `buf` is valid for `len + 1` bytes, `bytes` for `len`, and they do not overlap.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf, len);
        buf.add(len).write(0);
    }
    Ok(buf)
}

/// Writes a decrypted token's plaintext, length and (if wanted) header to the out-parameters,
/// all or nothing.
fn write_decrypted(
    msg: &Decrypted,
    out_plaintext: &mut *mut u8,
    out_len: &mut usize,
    out_header_json: Option<&mut *mut c_char>,
) -> FfiResult {
    let header = match &out_header_json {
        Some(_) => Some(c_string(msg.header_json())?),
        None => None,
    };
    let plaintext = match c_bytes(&msg.plaintext) {
        Ok(p) => p,
        Err(e) => {
            if let Some(h) = header {
                // SAFETY: `h` was just made by c_string and is freed once.
                unsafe { crate::hx_string_free(h) };
            }
            return Err(e);
        }
    };
    *out_plaintext = plaintext;
    *out_len = msg.plaintext.len();
    if let (Some(out), Some(h)) = (out_header_json, header) {
        *out = h;
    }
    Ok(())
}

/// Writes a new key made by `make` to `*out`.
///
/// # Safety
/// `out` is NULL or valid for one pointer write.
unsafe fn new_key(out: *mut *mut HxJweKey, make: impl FnOnce() -> FfiResult<Key>) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from the caller.
        let out = unsafe { arg_out(out, "out") }?;
        let key = HxJweKey::new(make()?)?;
        *out = into_handle(key);
        Ok(())
    })
}

/// Reads a JWE key from a JWK (RFC 7517/7518/8037), private or public: `kty` `"oct"` (a secret
/// or PBES2 password), `"RSA"` (2048 to 8192 bits), `"EC"` (`crv` P-256, P-384, P-521) or
/// `"OKP"` (`crv` X25519). Its `kid`, `alg`, `use` and `key_ops` are kept and honoured: a JWK
/// whose `use` is not `"enc"`, or whose `alg` is not a JWE algorithm, is refused with
/// `HX_ERR_INVALID_KEY`. On success writes the key to `*out` (free it with `hx_jwe_key_free`).
///
/// # Safety
/// `jwk_json` is a NUL-terminated string; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_key_from_jwk(
    jwk_json: *const c_char,
    out: *mut *mut HxJweKey,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let jwk = unsafe { arg_str(jwk_json, "jwk_json") };
    // SAFETY: as above.
    unsafe { new_key(out, || Ok(Key::from_jwk(jwk?)?)) }
}

/// Reads an RSA or EC JWE key from PEM text (PKCS#8, SPKI, PKCS#1 or SEC1). The key has no
/// `kid` (see `hx_jwe_key_with_kid`). On success writes it to `*out` (free it with
/// `hx_jwe_key_free`); anything else fails with `HX_ERR_INVALID_KEY`.
///
/// # Safety
/// `pem` is a NUL-terminated string; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_key_from_pem(
    pem: *const c_char,
    out: *mut *mut HxJweKey,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let pem = unsafe { arg_str(pem, "pem") };
    // SAFETY: as above.
    unsafe { new_key(out, || Ok(Key::from_pem(pem?)?)) }
}

/// Makes a symmetric JWE key from `secret_len` raw bytes: the content key for `dir` (as long as
/// the `enc` needs: 16 to 64 bytes) or the key-wrap key of `A*KW` / `A*GCMKW` (16, 24 or 32
/// bytes). An empty secret fails with `HX_ERR_INVALID_KEY`. On success writes the key to `*out`
/// (free it with `hx_jwe_key_free`).
///
/// # Safety
/// `secret` is NULL or valid for reads of `secret_len` bytes; `out` is valid for one pointer
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_key_from_secret(
    secret: *const u8,
    secret_len: usize,
    out: *mut *mut HxJweKey,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let secret = unsafe { arg_bytes(secret, secret_len, "secret") };
    // SAFETY: as above.
    unsafe { new_key(out, || Ok(Key::from_secret(secret?)?)) }
}

/// Makes a PBES2 password key from `password_len` bytes. Decrypting with it also needs a
/// `PBES2-*` algorithm named in the options (`hx_jwe_options_new`), and the token's `p2c` within
/// the options' maximum. On success writes the key to `*out` (free it with `hx_jwe_key_free`).
///
/// # Safety
/// `password` is NULL or valid for reads of `password_len` bytes; `out` is valid for one pointer
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_key_from_password(
    password: *const u8,
    password_len: usize,
    out: *mut *mut HxJweKey,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let password = unsafe { arg_bytes(password, password_len, "password") };
    // SAFETY: as above.
    unsafe { new_key(out, || Ok(Key::from_password(password?)?)) }
}

/// The key `kind` names (the core's `jwe::Key::generate_kind`).
fn generate(kind: &str) -> FfiResult<Key> {
    Ok(Key::generate_kind(kind)?)
}

/// Makes a new private JWE key from the operating system's random generator: `kind` is
/// `"X25519"`, `"P-256"`, `"P-384"`, `"P-521"` (ECDH-ES, ECDH-1PU), `"RSA"` (2048 bits;
/// `"RSA-3072"`, `"RSA-4096"`; RSA-OAEP), or `"oct-16"` ... `"oct-64"` (a random secret of that
/// many bytes). Its `kid` is its RFC 7638 thumbprint. Another `kind` fails with
/// `HX_ERR_INVALID_ARGUMENT`. On success writes the key to `*out` (free it with
/// `hx_jwe_key_free`); give senders `hx_jwe_key_to_public_jwk`.
///
/// # Safety
/// `kind` is a NUL-terminated string; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_key_generate(
    kind: *const c_char,
    out: *mut *mut HxJweKey,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let kind = unsafe { arg_str(kind, "kind") };
    // SAFETY: as above.
    unsafe { new_key(out, || generate(kind?)) }
}

/// Writes a copy of `key` whose `kid` is `kid` to `*out` (free it with `hx_jwe_key_free`); `key`
/// is unchanged. The `kid` is written into the headers of the tokens encrypted for the copy,
/// and selects it among several decryption keys.
///
/// # Safety
/// `key` is a live key; `kid` is a NUL-terminated string; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_key_with_kid(
    key: *const HxJweKey,
    kid: *const c_char,
    out: *mut *mut HxJweKey,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let key = unsafe { arg_ref(key, "key") };
    // SAFETY: as above.
    let kid = unsafe { arg_str(kid, "kid") };
    // SAFETY: as above.
    unsafe { new_key(out, || Ok(key?.inner.clone().with_kid(kid?))) }
}

/// Writes the public half of `key` (same `kid`, `alg` and `use`) to `*out` (free it with
/// `hx_jwe_key_free`): what senders encrypt to. Fails with `HX_ERR_INVALID_KEY` for a symmetric
/// secret, which has no public half.
///
/// # Safety
/// `key` is a live key; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_key_to_public(
    key: *const HxJweKey,
    out: *mut *mut HxJweKey,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let key = unsafe { arg_ref(key, "key") };
    // SAFETY: as above.
    unsafe { new_key(out, || Ok(key?.inner.to_public()?)) }
}

/// Writes the public JWK of `key` (no private member) to `*out_public_jwk_json`: what a
/// recipient publishes. Free it with `hx_string_free`. Fails with `HX_ERR_INVALID_KEY` for a
/// symmetric secret, which must never be published.
///
/// # Safety
/// `key` is a live key; `out_public_jwk_json` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_key_to_public_jwk(
    key: *const HxJweKey,
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
/// numbers, or the secret `k`), to `*out_private_jwk_json`: store it like a password, and load
/// it again with `hx_jwe_key_from_jwk`. For a public key it is the public JWK. Free it with
/// `hx_string_free` (which wipes it).
///
/// # Safety
/// `key` is a live key; `out_private_jwk_json` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_key_to_private_jwk(
    key: *const HxJweKey,
    out_private_jwk_json: *mut *mut c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let key = unsafe { arg_ref(key, "key") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out_private_jwk_json, "out_private_jwk_json") }?;
        *out = c_string(&key.inner.to_private_jwk()?)?;
        Ok(())
    })
}

/// The key's `kid`, borrowed: valid while `key` lives. NULL when the key has none, or when `key`
/// is NULL.
///
/// # Safety
/// `key` is NULL or a live key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_key_kid(key: *const HxJweKey) -> *const c_char {
    // SAFETY: `key` is NULL or a live key (this function's contract).
    unsafe { key.as_ref() }
        .and_then(|k| k.kid.as_ref())
        .map_or(std::ptr::null(), |kid| kid.as_ptr())
}

/// Whether the key can decrypt: a secret or a private key (true), or a public key (false).
/// False when `key` is NULL.
///
/// # Safety
/// `key` is NULL or a live key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_key_is_private(key: *const HxJweKey) -> bool {
    // SAFETY: `key` is NULL or a live key (this function's contract).
    unsafe { key.as_ref() }.is_some_and(|k| k.inner.is_private())
}

/// The key's JWK `kty`, a static string: `"oct"` (a secret or password), `"RSA"`, `"EC"` or
/// `"OKP"` (X25519). NULL when `key` is NULL.
///
/// # Safety
/// `key` is NULL or a live key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_key_kty(key: *const HxJweKey) -> *const c_char {
    // SAFETY: `key` is NULL or a live key (this function's contract).
    unsafe { key.as_ref() }.map_or(std::ptr::null(), |k| {
        match k.inner.kind() {
            KeyKind::Symmetric => c"oct",
            KeyKind::Rsa => c"RSA",
            KeyKind::Ec(_) => c"EC",
            KeyKind::X25519 => c"OKP",
        }
        .as_ptr()
    })
}

/// The curve of an EC or X25519 key (`"P-256"`, `"P-384"`, `"P-521"`, `"X25519"`), borrowed:
/// valid while `key` lives. NULL for a secret or an RSA key, or when `key` is NULL.
///
/// # Safety
/// `key` is NULL or a live key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_key_curve(key: *const HxJweKey) -> *const c_char {
    // SAFETY: `key` is NULL or a live key (this function's contract).
    unsafe { key.as_ref() }
        .and_then(|k| k.crv.as_ref())
        .map_or(std::ptr::null(), |c| c.as_ptr())
}

/// The one key management algorithm the key is restricted to (its JWK `alg`, e.g.
/// `"ECDH-ES+A256KW"`), borrowed: valid while `key` lives. NULL when the key serves every
/// algorithm of its kind, or when `key` is NULL.
///
/// # Safety
/// `key` is NULL or a live key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_key_algorithm(key: *const HxJweKey) -> *const c_char {
    // SAFETY: `key` is NULL or a live key (this function's contract).
    unsafe { key.as_ref() }
        .and_then(|k| k.alg.as_ref())
        .map_or(std::ptr::null(), |a| a.as_ptr())
}

/// Writes the key's RFC 7638 JWK thumbprint (SHA-256, base64url; of the public members only, so
/// a private key and its public half have the same) to `*out_thumbprint` (free it with
/// `hx_string_free`).
///
/// # Safety
/// `key` is a live key; `out_thumbprint` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_key_thumbprint(
    key: *const HxJweKey,
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

/// Frees a JWE key (its private material is wiped). NULL is a no-op.
///
/// # Safety
/// `key` is NULL or a key from this library that was not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_key_free(key: *mut HxJweKey) {
    // SAFETY: forwarded from this function's contract.
    unsafe { free_handle(key) };
}

/// Makes decryption options that accept exactly the `n_algorithms` key management algorithms
/// named in `algorithms` (`"dir"`, `"A128KW"`, `"ECDH-ES+A256KW"`, `"RSA-OAEP-256"`,
/// `"PBES2-HS256+A128KW"`, ...; exact names) and the `n_encryptions` content encryptions named
/// in `encryptions` (`"A256GCM"`, `"A128CBC-HS256"`, ...), with these defaults: tokens up to
/// 256 KiB, PBES2 `p2c` up to 200000, `zip` refused, no `crit` name
/// understood, no `typ` required. An empty list fails with `HX_ERR_INVALID_ARGUMENT`; an unknown
/// name, and `"RSA1_5"` (never accepted: its padding-oracle history), with
/// `HX_ERR_UNSUPPORTED_ALGORITHM`. On success writes the options to `*out` (free them with
/// `hx_jwe_options_free`).
///
/// ```c
/// const char *algs[] = {"ECDH-ES+A256KW"}, *encs[] = {"A256GCM"};
/// HxJweOptions *o;
/// hx_jwe_options_new(algs, 1, encs, 1, &o);
/// ```
///
/// # Safety
/// `algorithms` and `encryptions` are NULL (with a count of 0) or valid for reads of their
/// count of pointers to NUL-terminated strings; `out` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_options_new(
    algorithms: *const *const c_char,
    n_algorithms: usize,
    encryptions: *const *const c_char,
    n_encryptions: usize,
    out: *mut *mut HxJweOptions,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let algs = unsafe { arg_str_array(algorithms, n_algorithms, "algorithms") }?;
        // SAFETY: as above.
        let encs = unsafe { arg_str_array(encryptions, n_encryptions, "encryptions") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out, "out") }?;
        if algs.is_empty() || encs.is_empty() {
            return Err(Fail::invalid(
                "algorithms or encryptions is empty: name the alg and enc values you accept",
            ));
        }
        let algs = algs
            .into_iter()
            .map(key_algorithm)
            .collect::<FfiResult<Vec<_>>>()?;
        let encs = encs
            .into_iter()
            .map(content_algorithm)
            .collect::<FfiResult<Vec<_>>>()?;
        *out = into_handle(HxJweOptions {
            inner: RwLock::new(Decryption::new(&algs, &encs)),
        });
        Ok(())
    })
}

/// Runs `change` on the options behind `o` under their write lock.
///
/// # Safety
/// `o` is NULL or live options.
unsafe fn configure(
    o: *mut HxJweOptions,
    change: impl FnOnce(&mut Decryption) -> FfiResult,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from the caller; the lock provides the exclusive access.
        let o = unsafe { arg_ref(o.cast_const(), "options") }?;
        change(&mut o.inner.write().unwrap_or_else(PoisonError::into_inner))
    })
}

/// Sets the longest token accepted, in bytes (compact or JSON); a longer one fails with
/// `HX_ERR_MALFORMED` before anything is decoded. Defaults to 256 KiB; 0 is refused with
/// `HX_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `options` is live options.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_options_set_max_token_length(
    options: *mut HxJweOptions,
    bytes: usize,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        configure(options, |d| {
            if bytes == 0 {
                return Err(Fail::invalid("the maximum token length must not be 0"));
            }
            d.max_token_len = bytes;
            Ok(())
        })
    }
}

/// Sets the largest PBES2 `p2c` (iteration count) accepted; a larger one fails with
/// `HX_ERR_MALFORMED` before any PBKDF2 work. Defaults to `HX_JWE_DEFAULT_MAX_P2C` (200000).
/// 0 accepts no PBES2 token at all (every `p2c` is at least 1).
///
/// # Safety
/// `options` is live options.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_options_set_max_p2c(
    options: *mut HxJweOptions,
    iterations: u32,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        configure(options, |d| {
            d.max_p2c = iterations;
            Ok(())
        })
    }
}

/// Accepts `zip: "DEF"` (refused by default with `HX_ERR_UNKNOWN_HEADER`), inflating to at most
/// `max_inflated_bytes` bytes: a larger plaintext fails with `HX_ERR_MALFORMED` as soon as it
/// passes the limit, so a compression bomb costs nothing. 250000 is a sensible value; 0 refuses
/// `zip` again.
///
/// # Safety
/// `options` is live options.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_options_allow_zip(
    options: *mut HxJweOptions,
    max_inflated_bytes: usize,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        configure(options, |d| {
            d.max_inflated_len = (max_inflated_bytes > 0).then_some(max_inflated_bytes);
            Ok(())
        })
    }
}

/// Replaces the `crit` header names the caller understands (and checks itself in the header
/// `hx_jwe_decrypt` returns) with the `n_names` strings of `names`. By default there are none: a
/// token with `crit` fails with `HX_ERR_UNKNOWN_HEADER`.
///
/// # Safety
/// `options` is live options; `names` is NULL (with `n_names` 0) or valid for reads of `n_names`
/// pointers to NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_options_set_critical(
    options: *mut HxJweOptions,
    names: *const *const c_char,
    n_names: usize,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let names = unsafe { arg_str_array(names, n_names, "names") };
    // SAFETY: as above.
    unsafe {
        configure(options, move |d| {
            d.critical = names?.into_iter().map(str::to_owned).collect();
            Ok(())
        })
    }
}

/// Requires the header's `typ` to be `typ` (compared case-insensitively; a token without it, or
/// with another, fails with `HX_ERR_INVALID_CLAIM`). NULL removes the requirement (the default).
///
/// # Safety
/// `options` is live options; `typ` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_options_set_typ(
    options: *mut HxJweOptions,
    typ: *const c_char,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    let typ = unsafe { opt_str(typ, "typ") };
    // SAFETY: as above.
    unsafe {
        configure(options, move |d| {
            d.typ = typ?.map(str::to_owned);
            Ok(())
        })
    }
}

/// Frees decryption options. NULL is a no-op.
///
/// # Safety
/// `options` is NULL or options from this library that were not freed before, used by no other
/// thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_options_free(options: *mut HxJweOptions) {
    // SAFETY: forwarded from this function's contract.
    unsafe { free_handle(options) };
}

/// Frees a byte buffer that the library returned (a decrypted plaintext), after overwriting its
/// `len` bytes with zeros: pass the length the library returned with it. NULL is a no-op.
///
/// # Safety
/// `bytes` is NULL or a buffer returned by this library with length `len`, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_bytes_free(bytes: *mut u8, len: usize) {
    if bytes.is_null() {
        return;
    }
    guard_void(|| {
        // SAFETY: `bytes` was allocated by `c_bytes` (malloc) with at least `len + 1` bytes, all
        // writable (this function's contract).
        unsafe {
            std::slice::from_raw_parts_mut(bytes, len).zeroize();
            libc::free(bytes.cast::<libc::c_void>());
        }
    });
}

/// Encrypts `plaintext_len` bytes of `plaintext` for `key` (the recipient's public key, or the
/// shared secret or password) as a compact JWE with the key management algorithm `alg` and the
/// content encryption `enc` (exact names: `"ECDH-ES+A256KW"`, `"A256GCM"`). The protected header
/// is `{"alg","enc"}`, the key's `kid` if it has one, the members the algorithm needs (`epk`,
/// `iv`/`tag`, `p2s`/`p2c`), and the members of `header_json`: NULL, or a JSON object whose `typ`,
/// `cty`, `kid` (strings), `apu`, `apv` (base64url), `p2c` (integer) and `zip` (`"DEF"`: compress)
/// are used as such, and whose other members are copied (`alg`, `enc`, `epk`, `crit` and the
/// other members hxjwt writes itself are refused). On success writes the token to `*out_token`
/// (free it with `hx_string_free`).
///
/// Fails with `HX_ERR_UNSUPPORTED_ALGORITHM` for an unknown or refused name (`"RSA1_5"`),
/// `HX_ERR_INVALID_KEY` when the key does not fit the algorithm (an RSA key for `A128KW`, a
/// 16-byte secret for `A256KW`), and `HX_ERR_INVALID_ARGUMENT` for an ECDH-1PU algorithm (use
/// `hx_jwe_encrypt_1pu`) or a bad `header_json`. `key` may be shared between threads.
///
/// # Safety
/// `key` is a live key; `alg` and `enc` are NUL-terminated strings; `header_json` is NULL or a
/// NUL-terminated string; `plaintext` is NULL (with `plaintext_len` 0) or valid for reads of
/// `plaintext_len` bytes; `out_token` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_encrypt(
    key: *const HxJweKey,
    alg: *const c_char,
    enc: *const c_char,
    header_json: *const c_char,
    plaintext: *const u8,
    plaintext_len: usize,
    out_token: *mut *mut c_char,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        encrypt_impl(
            key,
            std::ptr::null(),
            alg,
            enc,
            header_json,
            plaintext,
            plaintext_len,
            out_token,
        )
    }
}

/// `hx_jwe_encrypt` with ECDH-1PU (`"ECDH-1PU"`, `"ECDH-1PU+A128KW"` ...; the key-wrapped forms
/// only with an `A*CBC-HS*` `enc`): `recipient_key` is the recipient's public key and
/// `sender_key` the sender's private key on the same curve (X25519, P-256, P-384, P-521). The
/// sender key's `kid` (or the `skid` of `header_json`) is written as `skid`, so that the
/// recipient can select the sender's public key. Fails as `hx_jwe_encrypt` does, and with
/// `HX_ERR_INVALID_KEY` when the sender key is public or on another curve.
///
/// # Safety
/// As `hx_jwe_encrypt`; `sender_key` is a live key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_encrypt_1pu(
    recipient_key: *const HxJweKey,
    sender_key: *const HxJweKey,
    alg: *const c_char,
    enc: *const c_char,
    header_json: *const c_char,
    plaintext: *const u8,
    plaintext_len: usize,
    out_token: *mut *mut c_char,
) -> HxStatus {
    if sender_key.is_null() {
        return guard(|| Err(Fail::invalid("sender_key is NULL")));
    }
    // SAFETY: forwarded from this function's contract.
    unsafe {
        encrypt_impl(
            recipient_key,
            sender_key,
            alg,
            enc,
            header_json,
            plaintext,
            plaintext_len,
            out_token,
        )
    }
}

/// # Safety
/// As `hx_jwe_encrypt_1pu`, with `sender` NULL for the other algorithms.
#[expect(
    clippy::too_many_arguments,
    reason = "the C signature's arguments, forwarded"
)]
unsafe fn encrypt_impl(
    key: *const HxJweKey,
    sender: *const HxJweKey,
    alg: *const c_char,
    enc: *const c_char,
    header_json: *const c_char,
    plaintext: *const u8,
    plaintext_len: usize,
    out_token: *mut *mut c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from the caller's contract.
        let key = unsafe { arg_ref(key, "key") }?;
        // SAFETY: as above; NULL is allowed.
        let sender = unsafe { sender.as_ref() };
        // SAFETY: as above.
        let alg = unsafe { arg_str(alg, "alg") }?;
        // SAFETY: as above.
        let enc = unsafe { arg_str(enc, "enc") }?;
        // SAFETY: as above.
        let header_json = unsafe { opt_str(header_json, "header_json") }?;
        // SAFETY: as above.
        let plaintext = unsafe { arg_bytes(plaintext, plaintext_len, "plaintext") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out_token, "out_token") }?;
        let header = header_of(key_algorithm(alg)?, content_algorithm(enc)?, header_json)?;
        let token = match sender {
            Some(s) => jwe::encrypt_1pu(&header, plaintext, &key.inner, &s.inner)?,
            None => jwe::encrypt(&header, plaintext, &key.inner)?,
        };
        *out = c_string(&token)?;
        Ok(())
    })
}

/// Decrypts a compact JWE with one of the `n_keys` keys of `keys` (private keys or secrets; the
/// token's `kid` selects among them, and keys without a `kid` that fit its `alg` are tried when
/// none matches, at most 16), accepting only what `options` allows. On success writes the
/// plaintext to `*out_plaintext` and its length to `*out_len` (free it with
/// `hx_bytes_free(plaintext, len)`, which wipes it; the buffer has one more byte, a NUL, so a
/// text plaintext is also a C string, but a plaintext may itself contain NUL bytes), and, when
/// `out_header_json` is not NULL, the protected header as a JSON object to `*out_header_json`
/// (free it with `hx_string_free`). Nothing is written on failure. `n_keys` 0 (no key at all) is
/// `HX_ERR_INVALID_ARGUMENT`.
///
/// The checks, in order; the first failure is returned: size and structure, exactly 5 segments
/// (`HX_ERR_MALFORMED`: a JWS or a JSON-serialized token is refused here); the header: `alg` and
/// `enc` among the options' (`HX_ERR_UNSUPPORTED_ALGORITHM`; `RSA1_5` never is), `crit` and `zip`
/// (`HX_ERR_UNKNOWN_HEADER`), the required `typ` (`HX_ERR_INVALID_CLAIM`); the lengths of the
/// encrypted key, IV and tag (`HX_ERR_MALFORMED`); a key for the token (`HX_ERR_KEY_NOT_FOUND`,
/// `HX_ERR_INVALID_KEY` for a key of another type or whose JWK `alg`/`use`/`key_ops` forbid
/// it); the key management parameters (`HX_ERR_INVALID_KEY` for an `epk` off its curve or of low
/// order; `HX_ERR_MALFORMED` for a `p2c` over the maximum, before any PBKDF2 work); then the
/// cryptography, whose every failure is the one `HX_ERR_DECRYPTION_FAILED` with one message.
/// ECDH-1PU tokens need `hx_jwe_decrypt_1pu`. `keys` and `options` may be shared between
/// threads.
///
/// # Safety
/// `keys` is valid for reads of `n_keys` pointers to live keys; `token` is a NUL-terminated
/// string; `options` is live options; `out_plaintext` and `out_len` are valid for one write;
/// `out_header_json` is NULL or valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_decrypt(
    keys: *const *const HxJweKey,
    n_keys: usize,
    token: *const c_char,
    options: *const HxJweOptions,
    out_plaintext: *mut *mut u8,
    out_len: *mut usize,
    out_header_json: *mut *mut c_char,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract (no sender keys).
    unsafe {
        decrypt_impl(
            Form::Compact,
            keys,
            n_keys,
            std::ptr::null(),
            0,
            token,
            options,
            out_plaintext,
            out_len,
            out_header_json,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    }
}

/// `hx_jwe_decrypt` for ECDH-1PU tokens: `sender_keys` holds the `n_sender_keys` public keys of
/// the senders accepted (the token's `skid` selects one; a sender key that does not match fails
/// with `HX_ERR_KEY_NOT_FOUND`, a wrong one with `HX_ERR_DECRYPTION_FAILED`). Only the ECDH-1PU
/// algorithms named in `options` are accepted for it.
///
/// # Safety
/// As `hx_jwe_decrypt`; `sender_keys` is valid for reads of `n_sender_keys` pointers to live
/// keys.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_decrypt_1pu(
    keys: *const *const HxJweKey,
    n_keys: usize,
    sender_keys: *const *const HxJweKey,
    n_sender_keys: usize,
    token: *const c_char,
    options: *const HxJweOptions,
    out_plaintext: *mut *mut u8,
    out_len: *mut usize,
    out_header_json: *mut *mut c_char,
) -> HxStatus {
    if sender_keys.is_null() || n_sender_keys == 0 {
        return guard(|| Err(Fail::invalid("sender_keys is empty: pass the sender's key")));
    }
    // SAFETY: forwarded from this function's contract.
    unsafe {
        decrypt_impl(
            Form::Compact,
            keys,
            n_keys,
            sender_keys,
            n_sender_keys,
            token,
            options,
            out_plaintext,
            out_len,
            out_header_json,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    }
}

/// Encrypts `plaintext_len` bytes of `plaintext` for the `n_recipients` recipients in the JSON
/// serialization (RFC 7516 section 7.2): recipient `i` is reached with `recipient_keys[i]` (its
/// public key, or the shared secret) and the key management algorithm named `algorithms[i]`;
/// all share the content encryption `enc` and the protected members of `header_json` (as for
/// `hx_jwe_encrypt`; its `kid` is not used, each recipient has its key's). `aad` (NULL with
/// `aad_len` 0 for none) is written as the `aad` member and authenticated. With one recipient
/// and `general` false the flattened form is written; otherwise the general form (one to 16
/// recipients). `sender_key` is NULL, or the sender's private key for ECDH-1PU recipients. On
/// success writes the JSON text to `*out_json` (free it with `hx_string_free`). Fails as
/// `hx_jwe_encrypt` does.
///
/// # Safety
/// `recipient_keys` and `algorithms` are valid for reads of `n_recipients` pointers (live keys,
/// NUL-terminated strings); `sender_key` is NULL or a live key; `enc` is a NUL-terminated
/// string; `header_json` is NULL or a NUL-terminated string; `plaintext` and `aad` are NULL
/// (with a length of 0) or valid for reads of their length; `out_json` is valid for one pointer
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_encrypt_json(
    recipient_keys: *const *const HxJweKey,
    algorithms: *const *const c_char,
    n_recipients: usize,
    sender_key: *const HxJweKey,
    enc: *const c_char,
    header_json: *const c_char,
    plaintext: *const u8,
    plaintext_len: usize,
    aad: *const u8,
    aad_len: usize,
    general: bool,
    out_json: *mut *mut c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let keys = unsafe { arg_keys(recipient_keys, n_recipients, "recipient_keys") }?;
        // SAFETY: as above.
        let algs = unsafe { arg_str_array(algorithms, n_recipients, "algorithms") }?;
        // SAFETY: as above; NULL is allowed.
        let sender = unsafe { sender_key.as_ref() };
        // SAFETY: as above.
        let enc = unsafe { arg_str(enc, "enc") }?;
        // SAFETY: as above.
        let header_json = unsafe { opt_str(header_json, "header_json") }?;
        // SAFETY: as above.
        let plaintext = unsafe { arg_bytes(plaintext, plaintext_len, "plaintext") }?;
        // SAFETY: as above.
        let aad = unsafe { arg_bytes(aad, aad_len, "aad") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out_json, "out_json") }?;
        let recipients = keys
            .iter()
            .zip(algs)
            .map(|(key, alg)| Ok(JsonRecipient::new(key_algorithm(alg)?, key)))
            .collect::<FfiResult<Vec<_>>>()?;
        let first = recipients
            .first()
            .map(|r| r.alg)
            .ok_or_else(|| Fail::invalid("recipient_keys is empty"))?;
        let header = header_of(first, content_algorithm(enc)?, header_json)?;
        let aad = (!aad.is_empty()).then_some(aad);
        let json = match sender {
            Some(s) => {
                jwe::encrypt_json_1pu(&header, &recipients, &s.inner, plaintext, aad, general)?
            }
            None => jwe::encrypt_json(&header, &recipients, plaintext, aad, general)?,
        };
        *out = c_string(&json)?;
        Ok(())
    })
}

/// Decrypts a JWE in the JSON serialization (general or flattened) as `hx_jwe_decrypt` does a
/// compact one: each recipient whose `alg`/`enc` the options accept is tried with the keys its
/// `kid` selects. `sender_keys` is NULL (with `n_sender_keys` 0), or the senders' public keys
/// for ECDH-1PU. On success writes the plaintext (free it with `hx_bytes_free`), its length,
/// the merged JOSE header when `out_header_json` is not NULL (protected, shared and recipient
/// members; free it with `hx_string_free`), and, when `out_aad` is not NULL, the decoded `aad`
/// member to `*out_aad` and `*out_aad_len` (NULL and 0 when the token has none; free it with
/// `hx_bytes_free`). A compact token fails with `HX_ERR_MALFORMED`.
///
/// # Safety
/// As `hx_jwe_decrypt`; `sender_keys` is NULL or valid for reads of `n_sender_keys` pointers to
/// live keys; `out_aad` is NULL, or it and `out_aad_len` are valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_decrypt_json(
    keys: *const *const HxJweKey,
    n_keys: usize,
    sender_keys: *const *const HxJweKey,
    n_sender_keys: usize,
    token: *const c_char,
    options: *const HxJweOptions,
    out_plaintext: *mut *mut u8,
    out_len: *mut usize,
    out_header_json: *mut *mut c_char,
    out_aad: *mut *mut u8,
    out_aad_len: *mut usize,
) -> HxStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        decrypt_impl(
            Form::Json,
            keys,
            n_keys,
            sender_keys,
            n_sender_keys,
            token,
            options,
            out_plaintext,
            out_len,
            out_header_json,
            out_aad,
            out_aad_len,
        )
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Compact,
    Json,
}

/// # Safety
/// As `hx_jwe_decrypt_json`.
#[expect(
    clippy::too_many_arguments,
    reason = "the C signature's arguments, forwarded"
)]
unsafe fn decrypt_impl(
    form: Form,
    keys: *const *const HxJweKey,
    n_keys: usize,
    sender_keys: *const *const HxJweKey,
    n_sender_keys: usize,
    token: *const c_char,
    options: *const HxJweOptions,
    out_plaintext: *mut *mut u8,
    out_len: *mut usize,
    out_header_json: *mut *mut c_char,
    out_aad: *mut *mut u8,
    out_aad_len: *mut usize,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from the caller's contract.
        let keys = unsafe { arg_keys(keys, n_keys, "keys") }?;
        let sender = if sender_keys.is_null() && n_sender_keys == 0 {
            None
        } else {
            // SAFETY: as above.
            Some(unsafe { arg_keys(sender_keys, n_sender_keys, "sender_keys") }?)
        };
        // SAFETY: as above.
        let token = unsafe { arg_str(token, "token") }?;
        // SAFETY: as above.
        let options = unsafe { arg_ref(options, "options") }?;
        // SAFETY: as above.
        let out_plaintext = unsafe { arg_out(out_plaintext, "out_plaintext") }?;
        // SAFETY: as above.
        let out_len = unsafe { arg_out(out_len, "out_len") }?;
        // SAFETY: as above; NULL means not wanted.
        let out_header = unsafe { out_header_json.as_mut() };
        // SAFETY: as above.
        let out_aad = unsafe { out_aad.as_mut() };
        let out_aad_len = match out_aad {
            // SAFETY: as above.
            Some(_) => Some(unsafe { arg_out(out_aad_len, "out_aad_len") }?),
            None => None,
        };
        let d = options.read();
        let msg = match (form, &sender) {
            (Form::Compact, None) => jwe::decrypt(token, &keys, &d)?,
            (Form::Compact, Some(s)) => jwe::decrypt_1pu(token, &keys, s, &d)?,
            (Form::Json, None) => jwe::decrypt_json(token, &keys, &d)?,
            (Form::Json, Some(s)) => jwe::decrypt_json_1pu(token, &keys, s, &d)?,
        };
        drop(d);
        let aad = match (&out_aad, &msg.aad) {
            (Some(_), Some(aad)) => Some(c_bytes(aad)?),
            _ => None,
        };
        if let Err(e) = write_decrypted(&msg, out_plaintext, out_len, out_header) {
            if let Some(a) = aad {
                // SAFETY: `a` was just made by c_bytes and is freed once.
                unsafe { hx_bytes_free(a, msg.aad.as_ref().map_or(0, Vec::len)) };
            }
            return Err(e);
        }
        if let (Some(out), Some(len)) = (out_aad, out_aad_len) {
            *out = aad.unwrap_or(std::ptr::null_mut());
            *len = if aad.is_some() {
                msg.aad.as_ref().map_or(0, Vec::len)
            } else {
                0
            };
        }
        Ok(())
    })
}

/// Signs `claims_json` (a JSON object, signed exactly as given; strict, duplicate members
/// refused) as a standard JWT with `signing_key` and the JWS algorithm `jws_alg` (`"ES256"` ...;
/// header `{"alg","typ":"JWT"}` and the signing key's `kid`), then encrypts that token for
/// `encryption_key` with `alg` and `enc` as `hx_jwe_encrypt` does, with `cty: "JWT"` (a nested
/// JWT, RFC 7519 section 5.2). On success writes the token to `*out_token` (free it with
/// `hx_string_free`). Fails as `hx_jwt_encode` and `hx_jwe_encrypt` do.
///
/// # Safety
/// `signing_key` is a live `HxKey`; `encryption_key` a live `HxJweKey`; `jws_alg`, `alg`, `enc`
/// and `claims_json` are NUL-terminated strings; `out_token` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_encrypt_nested(
    signing_key: *const HxKey,
    jws_alg: *const c_char,
    encryption_key: *const HxJweKey,
    alg: *const c_char,
    enc: *const c_char,
    claims_json: *const c_char,
    out_token: *mut *mut c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let signing_key = unsafe { arg_ref(signing_key, "signing_key") }?;
        // SAFETY: as above.
        let jws_alg = unsafe { arg_str(jws_alg, "jws_alg") }?;
        // SAFETY: as above.
        let key = unsafe { arg_ref(encryption_key, "encryption_key") }?;
        // SAFETY: as above.
        let alg = unsafe { arg_str(alg, "alg") }?;
        // SAFETY: as above.
        let enc = unsafe { arg_str(enc, "enc") }?;
        // SAFETY: as above.
        let claims_json = unsafe { arg_str(claims_json, "claims_json") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out_token, "out_token") }?;
        // jwe::encrypt_nested, with the claims signed exactly as given (as hx_jwt_encode signs
        // them): sign, then encrypt with cty "JWT".
        let signed = jws::encode_json(
            &jws::Header::new(algorithm(jws_alg)?),
            claims_json,
            &signing_key.inner,
        )?;
        let mut header = Header::new(key_algorithm(alg)?, content_algorithm(enc)?);
        header.cty = Some("JWT".to_owned());
        let token = jwe::encrypt(&header, signed.as_bytes(), &key.inner)?;
        *out = c_string(&token)?;
        Ok(())
    })
}

/// Decrypts a nested JWT with `keys` under `options` (as `hx_jwe_decrypt`), then verifies the
/// signed token inside and checks its claims under `v` (as `hx_jwt_decode`), with exactly one of
/// `verifying_key` and `verifying_keyset` non-NULL; on success writes the claims, a JSON object
/// exactly as the issuer signed it, to `*out_claims_json` (free it with `hx_string_free`). A
/// nested token is never returned unverified. The JWE must say `cty: "JWT"` (else `HX_ERR_INVALID_CLAIM`, claim `"cty"`); every
/// failure of either step is that step's status.
///
/// # Safety
/// `keys` is valid for reads of `n_keys` pointers to live JWE keys; `token` is a NUL-terminated
/// string; `options` is live options; `verifying_key` is NULL or a live `HxKey`;
/// `verifying_keyset` is NULL or a live `HxKeySet`; `v` is a live validation;
/// `out_claims_json` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_decrypt_nested(
    keys: *const *const HxJweKey,
    n_keys: usize,
    token: *const c_char,
    options: *const HxJweOptions,
    verifying_key: *const HxKey,
    verifying_keyset: *const HxKeySet,
    v: *const HxValidation,
    out_claims_json: *mut *mut c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let keys = unsafe { arg_keys(keys, n_keys, "keys") }?;
        // SAFETY: as above.
        let token = unsafe { arg_str(token, "token") }?;
        // SAFETY: as above.
        let options = unsafe { arg_ref(options, "options") }?;
        // SAFETY: as above; NULL is allowed.
        let key = unsafe { verifying_key.as_ref() };
        // SAFETY: as above.
        let keyset = unsafe { verifying_keyset.as_ref() };
        // SAFETY: as above.
        let v = unsafe { arg_ref(v, "v") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out_claims_json, "out_claims_json") }?;
        let validation = v.read();
        let d = options.read();
        if key.is_some() == keyset.is_some() {
            return Err(Fail::invalid(
                "pass exactly one of verifying_key and verifying_keyset",
            ));
        }
        // The claims exactly as signed (as hx_jwt_decode gives them).
        let claims = match (key, keyset) {
            (Some(key), _) => {
                jwe::decrypt_nested_bytes(token, &keys, &d, &key.inner, &validation)?.claims
            }
            (None, Some(set)) => set.verify_with(|verifying| {
                Ok(jwe::decrypt_nested_bytes(token, &keys, &d, &verifying, &validation)?.claims)
            })?,
            (None, None) => return Err(Fail::internal("no verifying key")),
        };
        let claims = String::from_utf8(claims)
            .map_err(|_| Fail::internal("verified claims are not UTF-8"))?;
        drop((d, validation));
        *out = c_string(&claims)?;
        Ok(())
    })
}

/// **Does not decrypt or verify anything**: writes the protected header of a compact JWE,
/// decoded strictly, to `*out_header_json` (free it with `hx_string_free`). Use it only to
/// choose a key (by `kid`) before `hx_jwe_decrypt`; never trust what it says. Fails with
/// `HX_ERR_MALFORMED` when there is no such header.
///
/// # Safety
/// `token` is a NUL-terminated string; `out_header_json` is valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hx_jwe_decode_header(
    token: *const c_char,
    out_header_json: *mut *mut c_char,
) -> HxStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let token = unsafe { arg_str(token, "token") }?;
        // SAFETY: as above.
        let out = unsafe { arg_out(out_header_json, "out_header_json") }?;
        *out = c_string(&Value::Object(jwe::decode_header(token)?).to_string())?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_exported_defaults_are_the_cores() {
        // Literals for cbindgen, which cannot evaluate the core's constants.
        assert_eq!(
            super::HX_JWE_DEFAULT_MAX_TOKEN_LENGTH,
            hxjwt::jwe::DEFAULT_MAX_TOKEN_LEN
        );
        assert_eq!(super::HX_JWE_DEFAULT_MAX_P2C, hxjwt::jwe::DEFAULT_MAX_P2C);
        assert_eq!(
            super::HX_JWE_DEFAULT_MAX_INFLATED_LENGTH,
            hxjwt::jwe::DEFAULT_MAX_INFLATED_LEN
        );
    }

    use super::*;

    #[test]
    fn header_members_map_to_fields() {
        let h = header_of(
            KeyAlgorithm::EcdhEs,
            ContentAlgorithm::A256GCM,
            Some(r#"{"typ":"JWT","kid":"k1","apu":"QWxpY2U","p2c":5000,"zip":"DEF","x":1}"#),
        )
        .unwrap();
        assert_eq!(h.typ.as_deref(), Some("JWT"));
        assert_eq!(h.kid.as_deref(), Some("k1"));
        assert_eq!(h.apu.as_deref(), Some(&b"Alice"[..]));
        assert_eq!(h.p2c, Some(5000));
        assert!(h.zip);
        assert_eq!(h.extra.get("x"), Some(&Value::from(1)));
        for bad in [r#"{"zip":"GZ"}"#, r#"{"typ":1}"#, r#"{"apu":"!"}"#, "[1]"] {
            assert!(header_of(KeyAlgorithm::Dir, ContentAlgorithm::A128GCM, Some(bad)).is_err());
        }
    }

    #[test]
    fn every_generated_kind_is_known() {
        for kind in ["X25519", "P-256", "oct-32"] {
            assert!(generate(kind).is_ok(), "{kind}");
        }
        assert!(generate("Ed25519").is_err());
    }
}
