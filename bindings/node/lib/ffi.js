'use strict';
// The one place where libhxjwt is loaded and its functions are declared, each from the exact
// signature of include/hxjwt.h (koffi's prototype syntax). Nothing here decides anything: the
// public API (lib/index.js) checks JS types before any of these is called, because koffi turns a
// wrong JS value for a pointer parameter into a wild pointer.
//
// Conventions of the declarations:
// - handles are opaque types; out-parameters of handles are `_Out_ HxX **` (koffi writes the
//   pointer, a BigInt, into a one-element array);
// - strings the library allocates (`char **out`) are declared `_Out_ void **` so that the caller
//   gets the pointer, decodes it with koffi.decode and frees it with hx_string_free;
// - borrowed and static strings (`const char *` results) are decoded by koffi, never freed.

const koffi = require('koffi');

/** The path loaded: $HXJWT_LIB when set, else the system loader's libhxjwt.so.0. */
const LIBRARY_PATH = process.env.HXJWT_LIB || 'libhxjwt.so.0';

let lib;
try {
  lib = koffi.load(LIBRARY_PATH);
} catch (err) {
  throw new Error(
    `hxjwt: cannot load ${LIBRARY_PATH}: ${err.message} ` +
      '(install libhxjwt, or set HXJWT_LIB to the full path of libhxjwt.so.0)',
    { cause: err },
  );
}

koffi.opaque('HxIdentity');
koffi.opaque('HxDirectory');
koffi.opaque('HxEndpoint');
koffi.opaque('HxMessage');
koffi.opaque('HxKey');
koffi.opaque('HxKeySet');
koffi.opaque('HxValidation');
koffi.struct('HxRemoteOptions', {
  connect_timeout_ms: 'uint64_t',
  timeout_ms: 'uint64_t',
  max_response_bytes: 'uint64_t',
  default_ttl_s: 'uint64_t',
  min_ttl_s: 'uint64_t',
  max_ttl_s: 'uint64_t',
  refresh_cooldown_s: 'uint64_t',
  max_stale_s: 'uint64_t',
  allow_http: 'bool',
  // Appended in issue 17 (TLS for key fetching): the order and types are the C struct's.
  ca_file: 'const char *',
  headers: 'const char **',
  headers_len: 'size_t',
  allow_mixed_keys: 'bool',
});
koffi.opaque('HxReplayStore');
koffi.opaque('HxJweKey');
koffi.opaque('HxJweOptions');
koffi.struct('HxRedisOptions', {
  connect_timeout_ms: 'uint64_t',
  command_timeout_ms: 'uint64_t',
  max_connections: 'uint64_t',
  key_prefix: 'const char *',
  ca_file: 'const char *',
});
// The directory callback returns a string allocated with malloc(), which the library frees with
// free(): declared as returning void * so that koffi passes our strdup()'d pointer through.
const HxResolveFn = koffi.proto('void *HxResolveFn(void *user_data, const char *name)');

const SIGNATURES = [
  // General
  'const char *hx_version(void)',
  'void hx_string_free(void *s)',
  'const char *hx_status_name(uint32_t status)',
  'const char *hx_last_error_message(void)',
  'const char *hx_last_error_claim(void)',
  'int hx_remote_options_default(_Out_ HxRemoteOptions *out)',
  // Identities
  'int hx_identity_generate(const char *name, _Out_ HxIdentity **out)',
  'int hx_identity_from_jwk(const char *private_jwk_json, _Out_ HxIdentity **out)',
  'int hx_identity_to_jwk(const HxIdentity *id, _Out_ void **out_private_jwk_json)',
  'int hx_identity_machine_token(const HxIdentity *id, _Out_ void **out_public_jwk_json)',
  'const char *hx_identity_name(const HxIdentity *id)',
  'void hx_identity_free(HxIdentity *id)',
  // Directories
  'int hx_directory_new(_Out_ HxDirectory **out)',
  'int hx_directory_from_jwks(const char *jwks_json, _Out_ HxDirectory **out)',
  'int hx_directory_add(HxDirectory *dir, const char *public_jwk_json)',
  'int hx_directory_rotate_in(HxDirectory *dir, const char *public_jwk_json)',
  'int hx_directory_retire(HxDirectory *dir, const char *public_jwk_json, _Out_ bool *out_removed)',
  'int hx_directory_from_url(const char *url, const HxRemoteOptions *opts, _Out_ HxDirectory **out)',
  'int hx_directory_from_callback(HxResolveFn *resolve, void *user_data, _Out_ HxDirectory **out)',
  'int hx_directory_len(const HxDirectory *dir, _Out_ size_t *out)',
  'int hx_directory_to_jwks(const HxDirectory *dir, _Out_ void **out_jwks_json)',
  'void hx_directory_free(HxDirectory *dir)',
  // Endpoints
  'int hx_endpoint_new(const HxIdentity *id, const HxDirectory *dir, _Out_ HxEndpoint **out)',
  'int hx_endpoint_set_leeway(HxEndpoint *ep, uint64_t seconds)',
  'int hx_endpoint_set_max_lifetime(HxEndpoint *ep, uint64_t seconds)',
  'int hx_endpoint_set_max_token_length(HxEndpoint *ep, size_t bytes)',
  'int hx_endpoint_add_audience(HxEndpoint *ep, const char *name)',
  'int hx_endpoint_set_replay_protection(HxEndpoint *ep, bool on)',
  'int hx_endpoint_set_time(HxEndpoint *ep, int64_t unix_seconds)',
  'int hx_endpoint_use_system_clock(HxEndpoint *ep)',
  'int hx_endpoint_add_previous_identity(HxEndpoint *ep, const HxIdentity *previous)',
  'int hx_endpoint_rotate_identity(HxEndpoint *ep, const HxIdentity *new_identity)',
  'int hx_endpoint_clear_previous_identities(HxEndpoint *ep)',
  'int hx_endpoint_previous_identity_count(const HxEndpoint *ep, _Out_ size_t *out)',
  'void hx_endpoint_free(HxEndpoint *ep)',
  // HX1 tokens and messages
  'int hx_create_jwt(const HxEndpoint *ep, const char *recipient_name, ' +
    'const char *recipient_machine_token, const uint8_t *payload, size_t payload_len, ' +
    'uint64_t ttl_seconds, _Out_ void **out_token)',
  'int hx_create_jwt_ex(const HxEndpoint *ep, const char *recipient_name, ' +
    'const char *recipient_machine_token, const uint8_t *payload, size_t payload_len, ' +
    'uint64_t ttl_seconds, const int64_t *not_before, const char *jti, ' +
    'const char *content_type, _Out_ void **out_token)',
  'int hx_validate_jwt(const HxEndpoint *ep, const char *token, ' +
    'const char *sender_machine_token, _Out_ HxMessage **out)',
  'const char *hx_message_issuer(const HxMessage *m)',
  'const char *hx_message_audience(const HxMessage *m)',
  'const void *hx_message_payload(const HxMessage *m, _Out_ size_t *out_len)',
  'int64_t hx_message_issued_at(const HxMessage *m)',
  'int64_t hx_message_expires_at(const HxMessage *m)',
  'bool hx_message_not_before(const HxMessage *m, _Out_ int64_t *out)',
  'const char *hx_message_jti(const HxMessage *m)',
  'const char *hx_message_content_type(const HxMessage *m)',
  'void hx_message_free(HxMessage *m)',
  // Standard JWT keys
  'int hx_key_from_jwk(const char *jwk_json, _Out_ HxKey **out)',
  'int hx_key_from_pem(const char *pem, _Out_ HxKey **out)',
  'int hx_key_from_der(const uint8_t *der, size_t der_len, _Out_ HxKey **out)',
  'int hx_key_from_secret(const uint8_t *secret, size_t secret_len, _Out_ HxKey **out)',
  'int hx_key_generate(const char *alg, _Out_ HxKey **out)',
  'int hx_key_with_kid(const HxKey *key, const char *kid, _Out_ HxKey **out)',
  'int hx_key_allow_short_secret(const HxKey *key, _Out_ HxKey **out)',
  'int hx_key_to_public(const HxKey *key, _Out_ HxKey **out)',
  'int hx_key_to_public_jwk(const HxKey *key, _Out_ void **out_public_jwk_json)',
  'int hx_key_to_private_jwk(const HxKey *key, _Out_ void **out_private_jwk_json)',
  'int hx_key_thumbprint(const HxKey *key, _Out_ void **out_thumbprint)',
  'const char *hx_key_kid(const HxKey *key)',
  'const char *hx_key_algorithm(const HxKey *key)',
  'bool hx_key_is_private(const HxKey *key)',
  'void hx_key_free(HxKey *key)',
  // Key sets
  'int hx_keyset_new(_Out_ HxKeySet **out)',
  'int hx_keyset_from_jwks(const char *jwks_json, _Out_ HxKeySet **out)',
  'int hx_keyset_from_jwks_mixed(const char *jwks_json, _Out_ HxKeySet **out)',
  'int hx_keyset_skipped_count(const HxKeySet *set, _Out_ size_t *out)',
  // The kid and reason are borrowed (valid while the set lives): decoded, never freed.
  'int hx_keyset_skipped(const HxKeySet *set, size_t i, _Out_ size_t *out_index, ' +
    '_Out_ void **out_kid, _Out_ void **out_reason)',
  'int hx_keyset_add(HxKeySet *set, const HxKey *key)',
  'int hx_keyset_len(const HxKeySet *set, _Out_ size_t *out)',
  'int hx_keyset_to_public_jwks(const HxKeySet *set, _Out_ void **out_jwks_json)',
  'int hx_keyset_from_url(const char *url, const HxRemoteOptions *opts, _Out_ HxKeySet **out)',
  'void hx_keyset_free(HxKeySet *set)',
  // Validations
  'int hx_validation_new(const char **algorithms, size_t n_algorithms, _Out_ HxValidation **out)',
  'int hx_validation_set_leeway(HxValidation *v, uint64_t seconds)',
  'int hx_validation_add_audience(HxValidation *v, const char *audience)',
  'int hx_validation_add_issuer(HxValidation *v, const char *issuer)',
  'int hx_validation_set_subject(HxValidation *v, const char *subject)',
  'int hx_validation_set_required_claims(HxValidation *v, const char **claims, size_t n_claims)',
  'int hx_validation_set_typ(HxValidation *v, const char *typ)',
  'int hx_validation_set_max_age(HxValidation *v, uint64_t seconds)',
  'int hx_validation_set_max_token_length(HxValidation *v, size_t bytes)',
  'int hx_validation_set_verify_exp(HxValidation *v, bool on)',
  'int hx_validation_set_verify_nbf(HxValidation *v, bool on)',
  'int hx_validation_set_verify_iat(HxValidation *v, bool on)',
  'int hx_validation_set_verify_aud(HxValidation *v, bool on)',
  'int hx_validation_set_time(HxValidation *v, int64_t unix_seconds)',
  'int hx_validation_use_system_clock(HxValidation *v)',
  'void hx_validation_free(HxValidation *v)',
  // Standard JWT encode and decode
  'int hx_jwt_encode(const HxKey *key, const char *alg, const char *header_json, ' +
    'const char *claims_json, _Out_ void **out_token)',
  'int hx_jwt_decode(const HxKey *key, const HxKeySet *keyset, const char *token, ' +
    'const HxValidation *v, _Out_ void **out_claims_json)',
  'int hx_jwt_decode_header(const char *token, _Out_ void **out_header_json)',
  // Every check of a token, as a JSON report (issue 17 item 5)
  'int hx_jwt_explain(const HxKey *key, const HxKeySet *keyset, const char *token, ' +
    'const HxValidation *v, _Out_ void **out_json)',
  'int hx_explain_jwt(const HxEndpoint *ep, const char *token, const char *sender_machine_token, ' +
    '_Out_ void **out_json)',
];

// Replay stores (HX_ERR_STORE_UNAVAILABLE's release): declared when the loaded library has them,
// so that the package keeps working with a libhxjwt.so.0 from before them.
const LATER_SIGNATURES = [
  'int hx_redis_options_default(_Out_ HxRedisOptions *out)',
  'int hx_replay_store_redis_new(const char *url, const HxRedisOptions *options, _Out_ HxReplayStore **out)',
  'int hx_replay_store_memory_new(size_t capacity, _Out_ HxReplayStore **out)',
  'int hx_replay_store_ping(const HxReplayStore *store)',
  'void hx_replay_store_free(HxReplayStore *store)',
  'int hx_endpoint_set_replay_store(HxEndpoint *ep, const HxReplayStore *store)',
  'int hx_validation_set_replay_store(HxValidation *v, const HxReplayStore *store)',
];

// Standard JWE (issue 13): declared when the loaded library has them, as LATER_SIGNATURES are.
// Arrays of handles (`const HxJweKey *const *keys`) are declared `const HxJweKey **`: koffi
// passes a JS array of pointers as a C array. Plaintexts and `aad` (`uint8_t **out`) are
// declared `_Out_ void **`: the caller copies `*out_len` bytes, then frees them with
// hx_bytes_free(ptr, len), which wipes them.
const JWE_SIGNATURES = [
  'int hx_jwe_key_from_jwk(const char *jwk_json, _Out_ HxJweKey **out)',
  'int hx_jwe_key_from_pem(const char *pem, _Out_ HxJweKey **out)',
  'int hx_jwe_key_from_secret(const uint8_t *secret, size_t secret_len, _Out_ HxJweKey **out)',
  'int hx_jwe_key_from_password(const uint8_t *password, size_t password_len, _Out_ HxJweKey **out)',
  'int hx_jwe_key_generate(const char *kind, _Out_ HxJweKey **out)',
  'int hx_jwe_key_with_kid(const HxJweKey *key, const char *kid, _Out_ HxJweKey **out)',
  'int hx_jwe_key_to_public(const HxJweKey *key, _Out_ HxJweKey **out)',
  'int hx_jwe_key_to_public_jwk(const HxJweKey *key, _Out_ void **out_public_jwk_json)',
  'int hx_jwe_key_to_private_jwk(const HxJweKey *key, _Out_ void **out_private_jwk_json)',
  'const char *hx_jwe_key_kid(const HxJweKey *key)',
  'bool hx_jwe_key_is_private(const HxJweKey *key)',
  'void hx_jwe_key_free(HxJweKey *key)',
  'int hx_jwe_options_new(const char **algorithms, size_t n_algorithms, ' +
    'const char **encryptions, size_t n_encryptions, _Out_ HxJweOptions **out)',
  'int hx_jwe_options_set_max_token_length(HxJweOptions *options, size_t bytes)',
  'int hx_jwe_options_set_max_p2c(HxJweOptions *options, uint32_t iterations)',
  'int hx_jwe_options_allow_zip(HxJweOptions *options, size_t max_inflated_bytes)',
  'int hx_jwe_options_set_critical(HxJweOptions *options, const char **names, size_t n_names)',
  'int hx_jwe_options_set_typ(HxJweOptions *options, const char *typ)',
  'void hx_jwe_options_free(HxJweOptions *options)',
  'void hx_bytes_free(void *bytes, size_t len)',
  'int hx_jwe_encrypt(const HxJweKey *key, const char *alg, const char *enc, ' +
    'const char *header_json, const uint8_t *plaintext, size_t plaintext_len, _Out_ void **out_token)',
  'int hx_jwe_encrypt_1pu(const HxJweKey *recipient_key, const HxJweKey *sender_key, ' +
    'const char *alg, const char *enc, const char *header_json, const uint8_t *plaintext, ' +
    'size_t plaintext_len, _Out_ void **out_token)',
  'int hx_jwe_decrypt(const HxJweKey **keys, size_t n_keys, const char *token, ' +
    'const HxJweOptions *options, _Out_ void **out_plaintext, _Out_ size_t *out_len, ' +
    '_Out_ void **out_header_json)',
  'int hx_jwe_decrypt_1pu(const HxJweKey **keys, size_t n_keys, const HxJweKey **sender_keys, ' +
    'size_t n_sender_keys, const char *token, const HxJweOptions *options, ' +
    '_Out_ void **out_plaintext, _Out_ size_t *out_len, _Out_ void **out_header_json)',
  'int hx_jwe_encrypt_json(const HxJweKey **recipient_keys, const char **algorithms, ' +
    'size_t n_recipients, const HxJweKey *sender_key, const char *enc, const char *header_json, ' +
    'const uint8_t *plaintext, size_t plaintext_len, const uint8_t *aad, size_t aad_len, ' +
    'bool general, _Out_ void **out_json)',
  'int hx_jwe_decrypt_json(const HxJweKey **keys, size_t n_keys, const HxJweKey **sender_keys, ' +
    'size_t n_sender_keys, const char *token, const HxJweOptions *options, ' +
    '_Out_ void **out_plaintext, _Out_ size_t *out_len, _Out_ void **out_header_json, ' +
    '_Out_ void **out_aad, _Out_ size_t *out_aad_len)',
  'int hx_jwe_encrypt_nested(const HxKey *signing_key, const char *jws_alg, ' +
    'const HxJweKey *encryption_key, const char *alg, const char *enc, const char *claims_json, ' +
    '_Out_ void **out_token)',
  'int hx_jwe_decrypt_nested(const HxJweKey **keys, size_t n_keys, const char *token, ' +
    'const HxJweOptions *options, const HxKey *verifying_key, const HxKeySet *verifying_keyset, ' +
    'const HxValidation *v, _Out_ void **out_claims_json)',
  'int hx_jwe_decode_header(const char *token, _Out_ void **out_header_json)',
];

// The ECDH-1PU mode of HX endpoints, the message's protocol, the JWE key accessors: declared when
// the loaded library has them, as LATER_SIGNATURES are.
const PROTOCOL_SIGNATURES = [
  'int hx_create_jwt_1pu(const HxEndpoint *ep, const char *recipient_name, ' +
    'const char *recipient_machine_token, const uint8_t *payload, size_t payload_len, ' +
    'uint64_t ttl_seconds, const int64_t *not_before, const char *jti, ' +
    'const char *content_type, _Out_ void **out_token)',
  'const char *hx_message_protocol(const HxMessage *m)',
  'const char *hx_jwe_key_kty(const HxJweKey *key)',
  'const char *hx_jwe_key_curve(const HxJweKey *key)',
  'const char *hx_jwe_key_algorithm(const HxJweKey *key)',
  'int hx_jwe_key_thumbprint(const HxJweKey *key, _Out_ void **out_thumbprint)',
];

const nameOf = (signature) => /(hx_[a-z0-9_]+)\(/.exec(signature)[1];

/** Every function of the header, by its C name. */
const hx = {};
for (const signature of SIGNATURES) hx[nameOf(signature)] = lib.func(signature);

/** The functions of LATER_SIGNATURES, JWE_SIGNATURES and PROTOCOL_SIGNATURES that the loaded library lacks. */
const missing = new Set();
for (const signature of [...LATER_SIGNATURES, ...JWE_SIGNATURES, ...PROTOCOL_SIGNATURES]) {
  const name = nameOf(signature);
  try {
    hx[name] = lib.func(signature);
  } catch {
    missing.add(name);
    hx[name] = () => {
      throw new Error(`hxjwt: ${LIBRARY_PATH} has no ${name}: it is older than this package; update libhxjwt`);
    };
  }
}

// strdup() from the C library, for the strings a directory callback hands to libhxjwt (which
// releases them with free()).
let libc;
try {
  libc = koffi.load('libc.so.6');
} catch {
  libc = null;
}
const strdup = libc ? libc.func('void *strdup(const char *s)') : null;

/**
 * Copies `n` bytes the library owns into a new Buffer. memcpy() into the Buffer's memory: unlike
 * koffi.decode() and koffi.view(), which keep about 20 bytes per call that are never released
 * (measured with koffi 3.3.4), it allocates nothing but the Buffer.
 */
const memcpy = libc ? libc.func('void *memcpy(void *dest, const void *src, size_t n)') : null;
function copyBytes(ptr, n) {
  if (n === 0) return Buffer.alloc(0);
  if (memcpy === null) return Buffer.from(koffi.decode(ptr, 'uint8_t', n));
  const buf = Buffer.allocUnsafe(n);
  memcpy(buf, ptr, n);
  return buf;
}

/** A NUL-terminated UTF-8 string at `ptr` (koffi.decode.string: no per-call residue). */
function decodeString(ptr) {
  return koffi.decode.string(ptr);
}

module.exports = { koffi, hx, missing, HxResolveFn, strdup, copyBytes, decodeString, LIBRARY_PATH };
