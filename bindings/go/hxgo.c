/* hxgo.c: the C side of the Go package; see hxgo.h. */
#include <string.h>

#include "hxgo.h"
#include "_cgo_export.h"

static char *copy_string(const char *s) {
    size_t n;
    char *c;
    if (s == NULL) return NULL;
    n = strlen(s);
    c = (char *)malloc(n + 1);
    if (c != NULL) memcpy(c, s, n + 1);
    return c;
}

/* Copies the calling thread's last error message and claim into *e. */
static void capture(hxgo_err *e) {
    e->message = copy_string(hx_last_error_message());
    e->claim = copy_string(hx_last_error_claim());
}

void hxgo_err_free(hxgo_err *e) {
    free(e->message);
    free(e->claim);
    e->message = NULL;
    e->claim = NULL;
}

#define HXGO_DEFINE(name, args, ...)                      \
    uint32_t hxgo_##name(__VA_ARGS__, hxgo_err *e) {      \
        HxStatus hxgo_status_ = hx_##name args;           \
        if (hxgo_status_ != HX_OK) capture(e);            \
        return (uint32_t)hxgo_status_;                    \
    }
HXGO_FUNCTIONS(HXGO_DEFINE)
#undef HXGO_DEFINE

/* Replay stores: weak references, so that an older library (without them) still loads. */
#pragma weak hx_redis_options_default
#pragma weak hx_replay_store_redis_new
#pragma weak hx_replay_store_memory_new
#pragma weak hx_replay_store_ping
#pragma weak hx_replay_store_free
#pragma weak hx_endpoint_set_replay_store
#pragma weak hx_validation_set_replay_store

static uint32_t missing(const char *function, hxgo_err *e) {
    static const char prefix[] = "InvalidArgument: the libhxjwt loaded has no ";
    size_t n = strlen(function);
    e->message = (char *)malloc(sizeof prefix + n + sizeof " (it predates replay stores)");
    if (e->message != NULL) {
        memcpy(e->message, prefix, sizeof prefix - 1);
        memcpy(e->message + sizeof prefix - 1, function, n);
        memcpy(e->message + sizeof prefix - 1 + n, " (it predates replay stores)",
               sizeof " (it predates replay stores)");
    }
    e->claim = NULL;
    return HX_ERR_INVALID_ARGUMENT;
}

#define HXGO_WEAK(function, call)                          \
    do {                                                   \
        HxStatus s_;                                       \
        if (function == NULL) return missing(#function, e); \
        s_ = call;                                         \
        if (s_ != HX_OK) capture(e);                       \
        return (uint32_t)s_;                               \
    } while (0)

uint32_t hxgo_redis_options_default(HxRedisOptions *out, hxgo_err *e) {
    HXGO_WEAK(hx_redis_options_default, hx_redis_options_default(out));
}

uint32_t hxgo_replay_store_redis_new(const char *url, const HxRedisOptions *opts,
                                     HxReplayStore **out, hxgo_err *e) {
    HXGO_WEAK(hx_replay_store_redis_new, hx_replay_store_redis_new(url, opts, out));
}

uint32_t hxgo_replay_store_memory_new(size_t capacity, HxReplayStore **out, hxgo_err *e) {
    HXGO_WEAK(hx_replay_store_memory_new, hx_replay_store_memory_new(capacity, out));
}

uint32_t hxgo_replay_store_ping(const HxReplayStore *store, hxgo_err *e) {
    HXGO_WEAK(hx_replay_store_ping, hx_replay_store_ping(store));
}

void hxgo_replay_store_free(HxReplayStore *store) {
    if (hx_replay_store_free != NULL) hx_replay_store_free(store);
}

uint32_t hxgo_endpoint_set_replay_store(HxEndpoint *ep, const HxReplayStore *store,
                                        hxgo_err *e) {
    HXGO_WEAK(hx_endpoint_set_replay_store, hx_endpoint_set_replay_store(ep, store));
}

uint32_t hxgo_validation_set_replay_store(HxValidation *v, const HxReplayStore *store,
                                          hxgo_err *e) {
    HXGO_WEAK(hx_validation_set_replay_store, hx_validation_set_replay_store(v, store));
}

uint32_t hxgo_validate_jwt(const HxEndpoint *ep, const char *token, const char *sender,
                           HxMessage **out, hxgo_msg *m, hxgo_err *e) {
    HxStatus s = hx_validate_jwt(ep, token, sender, out);
    if (s != HX_OK) {
        capture(e);
        return (uint32_t)s;
    }
    m->issuer = hx_message_issuer(*out);
    m->audience = hx_message_audience(*out);
    m->jti = hx_message_jti(*out);
    m->content_type = hx_message_content_type(*out);
    m->protocol = hx_message_protocol(*out);
    m->payload = hx_message_payload(*out, &m->payload_len);
    m->issued_at = hx_message_issued_at(*out);
    m->expires_at = hx_message_expires_at(*out);
    m->has_not_before = hx_message_not_before(*out, &m->not_before);
    return HX_OK;
}

/* The HxResolveFn of a Go directory: user_data is the cgo.Handle of the Go function. */
static char *resolve_in_go(void *user_data, const char *name) {
    return hxgoResolve((uintptr_t)user_data, (char *)name);
}

uint32_t hxgo_directory_from_go(uintptr_t handle, HxDirectory **out, hxgo_err *e) {
    HxStatus s = hx_directory_from_callback(resolve_in_go, (void *)handle, out);
    if (s != HX_OK) capture(e);
    return (uint32_t)s;
}

void hxgo_key_describe(const HxKey *key, const char **kid, const char **alg, bool *is_private) {
    *kid = hx_key_kid(key);
    *alg = hx_key_algorithm(key);
    *is_private = hx_key_is_private(key);
}

void hxgo_jwe_key_describe(const HxJweKey *key, const char **kid, bool *is_private,
                           const char **kty, const char **curve, const char **alg) {
    *kid = hx_jwe_key_kid(key);
    *is_private = hx_jwe_key_is_private(key);
    *kty = hx_jwe_key_kty(key);
    *curve = hx_jwe_key_curve(key);
    *alg = hx_jwe_key_algorithm(key);
}
