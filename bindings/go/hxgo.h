/*
 * hxgo.h: the C side of the Go package (declarations only; definitions in hxgo.c).
 *
 * Every fallible hx_* function the package calls has a wrapper hxgo_<name>(<its arguments>,
 * hxgo_err *e) that calls it and, on failure, copies hx_last_error_message() and
 * hx_last_error_claim() into *e in the same C call: the message is per OS thread, and a goroutine
 * may move to another thread between two cgo calls, so it is read before returning to Go.
 * The copies are malloc'ed; the Go side frees them (hxgo_err_free).
 */
#ifndef HXGO_H
#define HXGO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hxjwt.h"

/* The message and the claim of a failed call: malloc'ed copies, or NULL. */
typedef struct hxgo_err {
    char *message;
    char *claim;
} hxgo_err;

void hxgo_err_free(hxgo_err *e);

/* X(name, (arguments passed on), parameters...) for every wrapped function. */
#define HXGO_FUNCTIONS(X)                                                                      \
    X(remote_options_default, (out), struct HxRemoteOptions *out)                              \
    X(identity_generate, (name, out), const char *name, HxIdentity **out)                      \
    X(identity_from_jwk, (jwk, out), const char *jwk, HxIdentity **out)                        \
    X(identity_to_jwk, (id, out), const HxIdentity *id, char **out)                            \
    X(identity_machine_token, (id, out), const HxIdentity *id, char **out)                     \
    X(directory_new, (out), HxDirectory **out)                                                 \
    X(directory_from_jwks, (jwks, out), const char *jwks, HxDirectory **out)                   \
    X(directory_add, (dir, jwk), HxDirectory *dir, const char *jwk)                            \
    X(directory_rotate_in, (dir, jwk), HxDirectory *dir, const char *jwk)                      \
    X(directory_retire, (dir, jwk, removed), HxDirectory *dir, const char *jwk, bool *removed) \
    X(directory_from_url, (url, opts, out), const char *url, const HxRemoteOptions *opts,      \
      HxDirectory **out)                                                                       \
    X(directory_len, (dir, out), const HxDirectory *dir, size_t *out)                          \
    X(directory_to_jwks, (dir, out), const HxDirectory *dir, char **out)                       \
    X(endpoint_new, (id, dir, out), const HxIdentity *id, const HxDirectory *dir,              \
      HxEndpoint **out)                                                                        \
    X(endpoint_set_leeway, (ep, s), HxEndpoint *ep, uint64_t s)                                \
    X(endpoint_set_max_lifetime, (ep, s), HxEndpoint *ep, uint64_t s)                          \
    X(endpoint_set_max_token_length, (ep, n), HxEndpoint *ep, size_t n)                        \
    X(endpoint_add_audience, (ep, name), HxEndpoint *ep, const char *name)                     \
    X(endpoint_set_replay_protection, (ep, on), HxEndpoint *ep, bool on)                       \
    X(endpoint_set_time, (ep, t), HxEndpoint *ep, int64_t t)                                   \
    X(endpoint_use_system_clock, (ep), HxEndpoint *ep)                                         \
    X(endpoint_add_previous_identity, (ep, id), HxEndpoint *ep, const HxIdentity *id)          \
    X(endpoint_rotate_identity, (ep, id), HxEndpoint *ep, const HxIdentity *id)                \
    X(endpoint_clear_previous_identities, (ep), HxEndpoint *ep)                                \
    X(endpoint_previous_identity_count, (ep, out), const HxEndpoint *ep, size_t *out)          \
    X(create_jwt_ex, (ep, name, token, payload, len, ttl, nbf, jti, cty, out),                 \
      const HxEndpoint *ep, const char *name, const char *token, const uint8_t *payload,       \
      size_t len, uint64_t ttl, const int64_t *nbf, const char *jti, const char *cty,          \
      char **out)                                                                              \
    X(create_jwt_1pu, (ep, name, token, payload, len, ttl, nbf, jti, cty, out),                \
      const HxEndpoint *ep, const char *name, const char *token, const uint8_t *payload,       \
      size_t len, uint64_t ttl, const int64_t *nbf, const char *jti, const char *cty,          \
      char **out)                                                                              \
    X(key_from_jwk, (jwk, out), const char *jwk, HxKey **out)                                  \
    X(key_from_pem, (pem, out), const char *pem, HxKey **out)                                  \
    X(key_from_der, (der, len, out), const uint8_t *der, size_t len, HxKey **out)              \
    X(key_from_secret, (s, len, out), const uint8_t *s, size_t len, HxKey **out)               \
    X(key_generate, (alg, out), const char *alg, HxKey **out)                                  \
    X(key_with_kid, (key, kid, out), const HxKey *key, const char *kid, HxKey **out)           \
    X(key_allow_short_secret, (key, out), const HxKey *key, HxKey **out)                       \
    X(key_to_public, (key, out), const HxKey *key, HxKey **out)                                \
    X(key_to_public_jwk, (key, out), const HxKey *key, char **out)                             \
    X(key_to_private_jwk, (key, out), const HxKey *key, char **out)                            \
    X(key_thumbprint, (key, out), const HxKey *key, char **out)                                \
    X(keyset_new, (out), HxKeySet **out)                                                       \
    X(keyset_from_jwks, (jwks, out), const char *jwks, HxKeySet **out)                         \
    X(keyset_from_jwks_mixed, (jwks, out), const char *jwks, HxKeySet **out)                   \
    X(keyset_skipped_count, (set, out), const HxKeySet *set, size_t *out)                      \
    X(keyset_skipped, (set, i, index, kid, reason), const HxKeySet *set, size_t i,             \
      size_t *index, const char **kid, const char **reason)                                    \
    X(keyset_add, (set, key), HxKeySet *set, const HxKey *key)                                 \
    X(keyset_len, (set, out), const HxKeySet *set, size_t *out)                                \
    X(keyset_to_public_jwks, (set, out), const HxKeySet *set, char **out)                      \
    X(keyset_from_url, (url, opts, out), const char *url, const HxRemoteOptions *opts,         \
      HxKeySet **out)                                                                          \
    X(validation_new, (algs, n, out), const char *const *algs, size_t n, HxValidation **out)   \
    X(validation_set_leeway, (v, s), HxValidation *v, uint64_t s)                              \
    X(validation_add_audience, (v, a), HxValidation *v, const char *a)                         \
    X(validation_add_issuer, (v, i), HxValidation *v, const char *i)                           \
    X(validation_set_subject, (v, s), HxValidation *v, const char *s)                          \
    X(validation_set_required_claims, (v, c, n), HxValidation *v, const char *const *c,        \
      size_t n)                                                                                \
    X(validation_set_typ, (v, t), HxValidation *v, const char *t)                              \
    X(validation_set_max_age, (v, s), HxValidation *v, uint64_t s)                             \
    X(validation_set_max_token_length, (v, n), HxValidation *v, size_t n)                      \
    X(validation_set_verify_exp, (v, on), HxValidation *v, bool on)                            \
    X(validation_set_verify_nbf, (v, on), HxValidation *v, bool on)                            \
    X(validation_set_verify_iat, (v, on), HxValidation *v, bool on)                            \
    X(validation_set_verify_aud, (v, on), HxValidation *v, bool on)                            \
    X(validation_set_time, (v, t), HxValidation *v, int64_t t)                                 \
    X(validation_use_system_clock, (v), HxValidation *v)                                       \
    X(jwt_encode, (key, alg, header, claims, out), const HxKey *key, const char *alg,          \
      const char *header, const char *claims, char **out)                                      \
    X(jwt_decode, (key, set, token, v, out), const HxKey *key, const HxKeySet *set,            \
      const char *token, const HxValidation *v, char **out)                                    \
    X(jwt_decode_header, (token, out), const char *token, char **out)                          \
    HXGO_JWE_FUNCTIONS(X)

/* The JWE family (hx_jwe_*), wrapped as the rest. */
#define HXGO_JWE_FUNCTIONS(X)                                                                  \
    X(jwe_key_from_jwk, (jwk, out), const char *jwk, HxJweKey **out)                           \
    X(jwe_key_from_pem, (pem, out), const char *pem, HxJweKey **out)                           \
    X(jwe_key_from_secret, (s, len, out), const uint8_t *s, size_t len, HxJweKey **out)        \
    X(jwe_key_from_password, (s, len, out), const uint8_t *s, size_t len, HxJweKey **out)      \
    X(jwe_key_generate, (kind, out), const char *kind, HxJweKey **out)                         \
    X(jwe_key_with_kid, (key, kid, out), const HxJweKey *key, const char *kid,                 \
      HxJweKey **out)                                                                          \
    X(jwe_key_to_public, (key, out), const HxJweKey *key, HxJweKey **out)                      \
    X(jwe_key_to_public_jwk, (key, out), const HxJweKey *key, char **out)                      \
    X(jwe_key_to_private_jwk, (key, out), const HxJweKey *key, char **out)                     \
    X(jwe_key_thumbprint, (key, out), const HxJweKey *key, char **out)                         \
    X(jwe_options_new, (algs, n_algs, encs, n_encs, out), const char *const *algs,             \
      size_t n_algs, const char *const *encs, size_t n_encs, HxJweOptions **out)               \
    X(jwe_options_set_max_token_length, (o, n), HxJweOptions *o, size_t n)                     \
    X(jwe_options_set_max_p2c, (o, n), HxJweOptions *o, uint32_t n)                            \
    X(jwe_options_allow_zip, (o, n), HxJweOptions *o, size_t n)                                \
    X(jwe_options_set_critical, (o, names, n), HxJweOptions *o, const char *const *names,      \
      size_t n)                                                                                \
    X(jwe_options_set_typ, (o, typ), HxJweOptions *o, const char *typ)                         \
    X(jwe_encrypt, (key, alg, enc, header, pt, len, out), const HxJweKey *key,                 \
      const char *alg, const char *enc, const char *header, const uint8_t *pt, size_t len,     \
      char **out)                                                                              \
    X(jwe_encrypt_1pu, (key, sender, alg, enc, header, pt, len, out), const HxJweKey *key,     \
      const HxJweKey *sender, const char *alg, const char *enc, const char *header,            \
      const uint8_t *pt, size_t len, char **out)                                               \
    X(jwe_decrypt, (keys, n, token, o, pt, len, header), const HxJweKey *const *keys,          \
      size_t n, const char *token, const HxJweOptions *o, uint8_t **pt, size_t *len,           \
      char **header)                                                                           \
    X(jwe_decrypt_1pu, (keys, n, senders, n_senders, token, o, pt, len, header),               \
      const HxJweKey *const *keys, size_t n, const HxJweKey *const *senders,                   \
      size_t n_senders, const char *token, const HxJweOptions *o, uint8_t **pt, size_t *len,   \
      char **header)                                                                           \
    X(jwe_encrypt_json,                                                                        \
      (keys, algs, n, sender, enc, header, pt, len, aad, aad_len, general, out),               \
      const HxJweKey *const *keys, const char *const *algs, size_t n, const HxJweKey *sender,  \
      const char *enc, const char *header, const uint8_t *pt, size_t len, const uint8_t *aad,  \
      size_t aad_len, bool general, char **out)                                                \
    X(jwe_decrypt_json,                                                                        \
      (keys, n, senders, n_senders, token, o, pt, len, header, aad, aad_len),                  \
      const HxJweKey *const *keys, size_t n, const HxJweKey *const *senders,                   \
      size_t n_senders, const char *token, const HxJweOptions *o, uint8_t **pt, size_t *len,   \
      char **header, uint8_t **aad, size_t *aad_len)                                           \
    X(jwe_encrypt_nested, (skey, jws_alg, ekey, alg, enc, claims, out), const HxKey *skey,     \
      const char *jws_alg, const HxJweKey *ekey, const char *alg, const char *enc,             \
      const char *claims, char **out)                                                          \
    X(jwe_decrypt_nested, (keys, n, token, o, vkey, vset, v, out), const HxJweKey *const *keys, \
      size_t n, const char *token, const HxJweOptions *o, const HxKey *vkey,                   \
      const HxKeySet *vset, const HxValidation *v, char **out)                                 \
    X(jwe_decode_header, (token, out), const char *token, char **out)

#define HXGO_DECLARE(name, args, ...) uint32_t hxgo_##name(__VA_ARGS__, hxgo_err *e);
HXGO_FUNCTIONS(HXGO_DECLARE)
#undef HXGO_DECLARE

/* A validated message, read in the same call as hx_validate_jwt: borrowed pointers into *out,
 * valid until hx_message_free(*out). */
typedef struct hxgo_msg {
    const char *issuer;
    const char *audience;
    const char *jti;
    const char *content_type;
    const char *protocol;
    const uint8_t *payload;
    size_t payload_len;
    int64_t issued_at;
    int64_t expires_at;
    int64_t not_before;
    bool has_not_before;
} hxgo_msg;

uint32_t hxgo_validate_jwt(const HxEndpoint *ep, const char *token, const char *sender,
                           HxMessage **out, hxgo_msg *m, hxgo_err *e);

/* A directory whose lookups call the Go function registered under the cgo.Handle `handle`. */
uint32_t hxgo_directory_from_go(uintptr_t handle, HxDirectory **out, hxgo_err *e);

/* Replay stores (hxjwt.h since HX_ERR_STORE_UNAVAILABLE). The package also runs with an older
 * libhxjwt: these functions are weak references there, and the wrappers then fail with
 * HX_ERR_INVALID_ARGUMENT, saying so, instead of the program failing to load. */
uint32_t hxgo_redis_options_default(HxRedisOptions *out, hxgo_err *e);
uint32_t hxgo_replay_store_redis_new(const char *url, const HxRedisOptions *opts,
                                     HxReplayStore **out, hxgo_err *e);
uint32_t hxgo_replay_store_memory_new(size_t capacity, HxReplayStore **out, hxgo_err *e);
uint32_t hxgo_replay_store_ping(const HxReplayStore *store, hxgo_err *e);
void hxgo_replay_store_free(HxReplayStore *store);
uint32_t hxgo_endpoint_set_replay_store(HxEndpoint *ep, const HxReplayStore *store,
                                        hxgo_err *e);
uint32_t hxgo_validation_set_replay_store(HxValidation *v, const HxReplayStore *store,
                                          hxgo_err *e);

/* The borrowed accessors of a key, in one call. */
void hxgo_key_describe(const HxKey *key, const char **kid, const char **alg, bool *is_private);

/* The static and borrowed accessors of a JWE key, in one call. */
void hxgo_jwe_key_describe(const HxJweKey *key, const char **kid, bool *is_private,
                           const char **kty, const char **curve, const char **alg);

#endif /* HXGO_H */
