/*
 * Every status reachable from C, and misuse at the boundary: NULL in each pointer argument,
 * strings that are not UTF-8, out-parameters left untouched on failure, frees of NULL, error
 * messages that name the argument at fault and never show a private key.
 * (HX_ERR_DECRYPTION_FAILED needs a token signed with a known key: test_vectors.c gets it from
 * tests/vectors/hx1.json. HX_ERR_INTERNAL is a caught panic, tested in ffi/src/guard.rs. The
 * standard-JWT statuses from HX_ERR_MISSING_CLAIM on are reached in test_jws.c; HX_ERR_REVOKED
 * belongs to token pairs, which the C API does not offer.)
 */
#include "hxtest.h"

#define T0 INT64_C(1767225600)

static const uint8_t PAYLOAD[] = "{\"sub\":\"42\"}";
#define PAYLOAD_LEN (sizeof PAYLOAD - 1)

/* A pointer value that no call may write: out-parameters start with it and must keep it. */
static char sentinel_storage;
#define SENTINEL ((void *)&sentinel_storage)

static int last_error_mentions(const char *what) {
    return strstr(hx_last_error_message(), what) != NULL;
}

typedef struct World {
    HxIdentity *alice, *bob, *carol;
    char *ja, *jb, *jc, *alice_private;
    HxDirectory *dir;  /* alice and bob */
    HxEndpoint *a, *b, *c;
    char *token;       /* alice -> bob, issued at T0, ttl 60 */
} World;

static void setup(World *w) {
    memset(w, 0, sizeof *w);
    REQUIRE(hx_identity_generate("alice", &w->alice) == HX_OK);
    REQUIRE(hx_identity_generate("bob", &w->bob) == HX_OK);
    REQUIRE(hx_identity_generate("carol", &w->carol) == HX_OK);
    REQUIRE(hx_identity_machine_token(w->alice, &w->ja) == HX_OK);
    REQUIRE(hx_identity_machine_token(w->bob, &w->jb) == HX_OK);
    REQUIRE(hx_identity_machine_token(w->carol, &w->jc) == HX_OK);
    REQUIRE(hx_identity_to_jwk(w->alice, &w->alice_private) == HX_OK);
    REQUIRE(hx_directory_new(&w->dir) == HX_OK);
    REQUIRE(hx_directory_add(w->dir, w->ja) == HX_OK);
    REQUIRE(hx_directory_add(w->dir, w->jb) == HX_OK);
    REQUIRE(hx_endpoint_new(w->alice, w->dir, &w->a) == HX_OK);
    REQUIRE(hx_endpoint_new(w->bob, w->dir, &w->b) == HX_OK);
    REQUIRE(hx_endpoint_new(w->carol, w->dir, &w->c) == HX_OK);
    REQUIRE(hx_endpoint_set_time(w->a, T0) == HX_OK);
    REQUIRE(hx_endpoint_set_time(w->b, T0) == HX_OK);
    REQUIRE(hx_endpoint_set_time(w->c, T0) == HX_OK);
    REQUIRE(hx_create_jwt(w->a, "bob", NULL, PAYLOAD, PAYLOAD_LEN, 60, &w->token) == HX_OK);
}

static void teardown(World *w) {
    hx_string_free(w->token);
    hx_endpoint_free(w->a);
    hx_endpoint_free(w->b);
    hx_endpoint_free(w->c);
    hx_directory_free(w->dir);
    hx_identity_free(w->alice);
    hx_identity_free(w->bob);
    hx_identity_free(w->carol);
    hx_string_free(w->ja);
    hx_string_free(w->jb);
    hx_string_free(w->jc);
    hx_string_free(w->alice_private);
}

/* Validation of `token` by endpoint `ep` must fail with `want` and leave the out-param alone. */
#define CHECK_REJECTS(ep, token, sender, want)                                          \
    do {                                                                                \
        HxMessage *m_ = (HxMessage *)SENTINEL;                                          \
        CHECK_STATUS(hx_validate_jwt((ep), (token), (sender), &m_), (want));            \
        CHECK(m_ == (HxMessage *)SENTINEL);                                             \
        CHECK(hx_last_error_message()[0] != '\0');                                      \
    } while (0)

/* The token with its header rewritten by replacing `from` with `to` (same signature). */
static char *with_header(const char *token, const char *from, const char *to) {
    const char *dot = strchr(token, '.');
    size_t header_len, rest_len, json_len;
    unsigned char *json;
    char *edited, *found, *encoded, *out;
    REQUIRE(dot != NULL);
    header_len = (size_t)(dot - token);
    json = hxt_b64url_decode(token, header_len, &json_len);
    REQUIRE(json != NULL);
    found = strstr((char *)json, from);
    REQUIRE(found != NULL);
    edited = (char *)malloc(json_len + strlen(to) + 1);
    REQUIRE(edited != NULL);
    memcpy(edited, json, (size_t)(found - (char *)json));
    strcpy(edited + (found - (char *)json), to);
    strcat(edited, found + strlen(from));
    encoded = hxt_b64url_encode((const unsigned char *)edited, strlen(edited));
    rest_len = strlen(dot);
    out = (char *)malloc(strlen(encoded) + rest_len + 1);
    REQUIRE(out != NULL);
    strcpy(out, encoded);
    strcat(out, dot);
    free(json);
    free(edited);
    free(encoded);
    return out;
}

static void test_status_names(void) {
    static const HxStatus all[] = {
        HX_OK, HX_ERR_INVALID_ARGUMENT, HX_ERR_MALFORMED, HX_ERR_UNSUPPORTED_ALGORITHM,
        HX_ERR_UNKNOWN_HEADER, HX_ERR_WRONG_AUDIENCE, HX_ERR_UNKNOWN_ISSUER,
        HX_ERR_ISSUER_MISMATCH, HX_ERR_INVALID_KEY, HX_ERR_INVALID_SIGNATURE, HX_ERR_EXPIRED,
        HX_ERR_NOT_YET_VALID, HX_ERR_LIFETIME_TOO_LONG, HX_ERR_DECRYPTION_FAILED,
        HX_ERR_REPLAYED, HX_ERR_RESOLVER_FAILED, HX_ERR_MISSING_CLAIM, HX_ERR_INVALID_CLAIM,
        HX_ERR_KEY_NOT_FOUND, HX_ERR_REVOKED, HX_ERR_STORE_UNAVAILABLE, HX_ERR_INTERNAL};
    size_t i, j;
    /* The ABI numbers. */
    CHECK(HX_OK == 0 && HX_ERR_INVALID_ARGUMENT == 1 && HX_ERR_MALFORMED == 100 &&
          HX_ERR_RESOLVER_FAILED == 113 && HX_ERR_INTERNAL == 255);
    /* The standard-JWT kinds, appended after the HX1 ones. */
    CHECK(HX_ERR_MISSING_CLAIM == 114 && HX_ERR_INVALID_CLAIM == 115 &&
          HX_ERR_KEY_NOT_FOUND == 116 && HX_ERR_REVOKED == 117);
    /* A shared store that cannot answer, appended after them. */
    CHECK(HX_ERR_STORE_UNAVAILABLE == 118);
    for (i = 0; i < sizeof all / sizeof all[0]; i++) {
        const char *name = hx_status_name(all[i]);
        CHECK(name != NULL && strncmp(name, "HX_", 3) == 0);
        for (j = 0; j < i; j++) CHECK(strcmp(name, hx_status_name(all[j])) != 0);
    }
    CHECK(strcmp(hx_status_name(HX_OK), "HX_OK") == 0);
    CHECK(strcmp(hx_status_name(HX_ERR_EXPIRED), "HX_ERR_EXPIRED") == 0);
    CHECK(strcmp(hx_status_name(HX_ERR_MISSING_CLAIM), "HX_ERR_MISSING_CLAIM") == 0);
    CHECK(strcmp(hx_status_name(HX_ERR_REVOKED), "HX_ERR_REVOKED") == 0);
    CHECK(strcmp(hx_status_name(HX_ERR_STORE_UNAVAILABLE), "HX_ERR_STORE_UNAVAILABLE") == 0);
    /* Values that are no status are safe to pass. */
    CHECK(strcmp(hx_status_name(2), "HX_ERR_UNKNOWN") == 0);
    CHECK(strcmp(hx_status_name(119), "HX_ERR_UNKNOWN") == 0);
    CHECK(strcmp(hx_status_name(0xFFFFFFFFu), "HX_ERR_UNKNOWN") == 0);
}

static void test_null_arguments(World *w) {
    HxIdentity *id = (HxIdentity *)SENTINEL;
    HxDirectory *dir = (HxDirectory *)SENTINEL;
    HxEndpoint *ep = (HxEndpoint *)SENTINEL;
    HxMessage *m = (HxMessage *)SENTINEL;
    char *s = (char *)SENTINEL;
    size_t n = 12345;

    CHECK_STATUS(hx_identity_generate(NULL, &id), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("name is NULL"));
    CHECK_STATUS(hx_identity_generate("x", NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("out is NULL"));
    CHECK_STATUS(hx_identity_from_jwk(NULL, &id), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("private_jwk_json"));
    CHECK_STATUS(hx_identity_from_jwk(w->alice_private, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_identity_to_jwk(NULL, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("id is NULL"));
    CHECK_STATUS(hx_identity_to_jwk(w->alice, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("out_private_jwk_json"));
    CHECK_STATUS(hx_identity_machine_token(NULL, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_identity_machine_token(w->alice, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(hx_identity_name(NULL) == NULL);

    CHECK_STATUS(hx_directory_new(NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_directory_from_jwks(NULL, &dir), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("jwks_json"));
    CHECK_STATUS(hx_directory_from_jwks("{\"keys\":[]}", NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_directory_add(NULL, w->ja), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("dir is NULL"));
    CHECK_STATUS(hx_directory_add(w->dir, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("public_jwk_json"));
    CHECK_STATUS(hx_directory_from_callback(NULL, NULL, &dir), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("resolve is NULL"));
    CHECK_STATUS(hx_directory_len(NULL, &n), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_directory_len(w->dir, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_directory_to_jwks(NULL, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_directory_to_jwks(w->dir, NULL), HX_ERR_INVALID_ARGUMENT);

    CHECK_STATUS(hx_endpoint_new(NULL, w->dir, &ep), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("id is NULL"));
    CHECK_STATUS(hx_endpoint_new(w->alice, w->dir, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_endpoint_set_leeway(NULL, 1), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("ep is NULL"));
    CHECK_STATUS(hx_endpoint_set_max_lifetime(NULL, 1), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_endpoint_set_max_token_length(NULL, 1), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_endpoint_set_replay_protection(NULL, true), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_endpoint_set_time(NULL, T0), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_endpoint_use_system_clock(NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_endpoint_add_audience(NULL, "x"), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_endpoint_add_audience(w->b, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("name is NULL"));

    CHECK_STATUS(hx_create_jwt(NULL, "bob", NULL, PAYLOAD, PAYLOAD_LEN, 60, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("ep is NULL"));
    CHECK_STATUS(hx_create_jwt(w->a, NULL, NULL, PAYLOAD, PAYLOAD_LEN, 60, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("both NULL"));
    CHECK_STATUS(hx_create_jwt(w->a, "bob", w->jb, PAYLOAD, PAYLOAD_LEN, 60, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("both set"));
    CHECK_STATUS(hx_create_jwt(w->a, "bob", NULL, NULL, 5, 60, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("payload is NULL"));
    CHECK_STATUS(hx_create_jwt(w->a, "bob", NULL, PAYLOAD, PAYLOAD_LEN, 60, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("out_token"));
    CHECK_STATUS(hx_create_jwt_ex(NULL, "bob", NULL, PAYLOAD, PAYLOAD_LEN, 60, NULL, NULL, NULL, &s),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_create_jwt_ex(w->a, "bob", NULL, PAYLOAD, PAYLOAD_LEN, 60, NULL, NULL, NULL, NULL),
                 HX_ERR_INVALID_ARGUMENT);

    CHECK_STATUS(hx_validate_jwt(NULL, w->token, NULL, &m), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("ep is NULL"));
    CHECK_STATUS(hx_validate_jwt(w->b, NULL, NULL, &m), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("token is NULL"));
    CHECK_STATUS(hx_validate_jwt(w->b, w->token, NULL, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("out is NULL"));

    /* Out-parameters untouched by every failure above. */
    CHECK(id == SENTINEL && dir == SENTINEL && ep == SENTINEL && m == SENTINEL && s == SENTINEL &&
          n == 12345);

    /* Accessors of a NULL message. */
    CHECK(hx_message_issuer(NULL) == NULL);
    CHECK(hx_message_audience(NULL) == NULL);
    CHECK(hx_message_payload(NULL, &n) == NULL && n == 12345);
    CHECK(hx_message_issued_at(NULL) == 0);
    CHECK(hx_message_expires_at(NULL) == 0);
    {
        int64_t nbf = 5;
        CHECK(!hx_message_not_before(NULL, &nbf) && nbf == 5);
    }
    CHECK(hx_message_jti(NULL) == NULL);
    CHECK(hx_message_content_type(NULL) == NULL);

    /* Every free accepts NULL. */
    hx_identity_free(NULL);
    hx_directory_free(NULL);
    hx_endpoint_free(NULL);
    hx_message_free(NULL);
    hx_string_free(NULL);
    CHECK(1);
}

static void test_bad_strings(World *w) {
    HxIdentity *id = (HxIdentity *)SENTINEL;
    HxMessage *m = (HxMessage *)SENTINEL;
    char *s = (char *)SENTINEL;
    char long_name[300], long_jti[200];

    /* Not UTF-8. */
    CHECK_STATUS(hx_identity_generate("caf\xe9", &id), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("not valid UTF-8"));
    CHECK_STATUS(hx_validate_jwt(w->b, "\xff\xfe.a.b", NULL, &m), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("token is not valid UTF-8"));
    CHECK_STATUS(hx_validate_jwt(w->b, w->token, "\xc3(", &m), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("sender_machine_token"));
    CHECK_STATUS(hx_create_jwt(w->a, "b\x80ob", NULL, PAYLOAD, PAYLOAD_LEN, 60, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("recipient_name"));
    CHECK_STATUS(hx_create_jwt_ex(w->a, "bob", NULL, PAYLOAD, PAYLOAD_LEN, 60, NULL, "\xff", NULL, &s),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("jti"));
    CHECK_STATUS(hx_create_jwt_ex(w->a, "bob", NULL, PAYLOAD, PAYLOAD_LEN, 60, NULL, NULL, "\xff", &s),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("content_type"));

    /* Names: empty, with a control character, longer than 255 bytes. */
    CHECK_STATUS(hx_identity_generate("", &id), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_identity_generate("a\nb", &id), HX_ERR_INVALID_ARGUMENT);
    memset(long_name, 'n', 256);
    long_name[256] = '\0';
    CHECK_STATUS(hx_identity_generate(long_name, &id), HX_ERR_INVALID_ARGUMENT);
    long_name[255] = '\0';
    CHECK_STATUS(hx_identity_generate(long_name, &id), HX_OK);
    hx_identity_free(id);
    id = (HxIdentity *)SENTINEL;
    CHECK_STATUS(hx_endpoint_add_audience(w->b, ""), HX_ERR_INVALID_ARGUMENT);

    /* Options out of range. */
    CHECK_STATUS(hx_create_jwt(w->a, "bob", NULL, PAYLOAD, PAYLOAD_LEN, 0, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("ttl"));
    memset(long_jti, 'j', 129);
    long_jti[129] = '\0';
    CHECK_STATUS(hx_create_jwt_ex(w->a, "bob", NULL, PAYLOAD, PAYLOAD_LEN, 60, NULL, long_jti, NULL, &s),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_endpoint_set_max_token_length(w->b, 0), HX_ERR_INVALID_ARGUMENT);
    {
        int64_t negative = -1;
        CHECK_STATUS(hx_create_jwt_ex(w->a, "bob", NULL, PAYLOAD, PAYLOAD_LEN, 60, &negative, NULL,
                                      NULL, &s),
                     HX_ERR_INVALID_ARGUMENT);
    }
    CHECK(id == SENTINEL && m == SENTINEL && s == SENTINEL);
}

static void test_every_status(World *w) {
    HxIdentity *id = (HxIdentity *)SENTINEL;
    HxDirectory *dir = (HxDirectory *)SENTINEL;
    char *s = (char *)SENTINEL;
    char *crafted;
    size_t n = strlen(w->token);

    /* HX_OK, and the last error message is empty after a success. */
    {
        HxMessage *m = NULL;
        CHECK_STATUS(hx_validate_jwt(w->b, w->token, NULL, &m), HX_OK);
        CHECK(strcmp(hx_last_error_message(), "") == 0);
        hx_message_free(m);
    }

    /* HX_ERR_MALFORMED */
    CHECK_REJECTS(w->b, "", NULL, HX_ERR_MALFORMED);
    CHECK_REJECTS(w->b, "abc", NULL, HX_ERR_MALFORMED);
    CHECK(strncmp(hx_last_error_message(), "Malformed: ", 11) == 0);
    CHECK_REJECTS(w->b, "a.b.c.d", NULL, HX_ERR_MALFORMED);
    CHECK_REJECTS(w->b, "e30=.e30.e30", NULL, HX_ERR_MALFORMED);
    CHECK_STATUS(hx_directory_from_jwks("{\"nokeys\":1}", &dir), HX_ERR_MALFORMED);
    CHECK_STATUS(hx_directory_from_jwks("not json", &dir), HX_ERR_MALFORMED);

    /* HX_ERR_UNSUPPORTED_ALGORITHM: alg "none" (checked before the signature). */
    crafted = with_header(w->token, "\"alg\":\"HS256\"", "\"alg\":\"none\"");
    CHECK_REJECTS(w->b, crafted, NULL, HX_ERR_UNSUPPORTED_ALGORITHM);
    free(crafted);

    /* HX_ERR_UNKNOWN_HEADER: a member HX1 v1 does not know; and crit. */
    crafted = with_header(w->token, "\"typ\":\"JWT\"", "\"typ\":\"JWT\",\"jku\":\"https://x\"");
    CHECK_REJECTS(w->b, crafted, NULL, HX_ERR_UNKNOWN_HEADER);
    free(crafted);
    crafted = with_header(w->token, "\"typ\":\"JWT\"", "\"typ\":\"JWT\",\"crit\":[\"exp\"]");
    CHECK_REJECTS(w->b, crafted, NULL, HX_ERR_UNKNOWN_HEADER);
    free(crafted);

    /* HX_ERR_WRONG_AUDIENCE: bob's token shown to carol. */
    CHECK_REJECTS(w->c, w->token, NULL, HX_ERR_WRONG_AUDIENCE);

    /* HX_ERR_UNKNOWN_ISSUER: carol is in nobody's directory. */
    {
        char *from_carol = NULL;
        CHECK_STATUS(hx_create_jwt(w->c, NULL, w->jb, PAYLOAD, PAYLOAD_LEN, 60, &from_carol), HX_OK);
        CHECK_REJECTS(w->b, from_carol, NULL, HX_ERR_UNKNOWN_ISSUER);
        CHECK(last_error_mentions("carol"));
        hx_string_free(from_carol);
        CHECK_STATUS(hx_create_jwt(w->a, "dave", NULL, PAYLOAD, PAYLOAD_LEN, 60, &s), HX_ERR_UNKNOWN_ISSUER);
    }

    /* HX_ERR_ISSUER_MISMATCH: the token is alice's, the key given is carol's. */
    CHECK_REJECTS(w->b, w->token, w->jc, HX_ERR_ISSUER_MISMATCH);

    /* HX_ERR_INVALID_KEY */
    CHECK_STATUS(hx_identity_from_jwk("{}", &id), HX_ERR_INVALID_KEY);
    CHECK_STATUS(hx_identity_from_jwk("not json", &id), HX_ERR_INVALID_KEY);
    CHECK_STATUS(hx_identity_from_jwk(w->ja, &id), HX_ERR_INVALID_KEY); /* public only */
    CHECK_STATUS(hx_directory_add(w->dir, w->alice_private), HX_ERR_INVALID_KEY);
    CHECK(strstr(hx_last_error_message(), strstr(w->alice_private, "\"d\":\"") + 5) == NULL);
    CHECK_REJECTS(w->b, w->token, "{\"kty\":\"RSA\"}", HX_ERR_INVALID_KEY);
    CHECK_STATUS(hx_create_jwt(w->a, NULL, "[]", PAYLOAD, PAYLOAD_LEN, 60, &s), HX_ERR_INVALID_KEY);
    {
        /* A private JWK whose x does not match d: the message must not show d. */
        char *bad = hxt_strdup(w->alice_private);
        char *x = strstr(bad, "\"x\":\"") + 5;
        *x = *x == 'A' ? 'B' : 'A';
        CHECK_STATUS(hx_identity_from_jwk(bad, &id), HX_ERR_INVALID_KEY);
        CHECK(strstr(hx_last_error_message(), strstr(bad, "\"d\":\"") + 5) == NULL);
        free(bad);
    }

    /* HX_ERR_INVALID_SIGNATURE: the last character of the MAC changed (still base64url). */
    crafted = hxt_strdup(w->token);
    crafted[n - 5] = crafted[n - 5] == 'A' ? 'B' : 'A';
    CHECK_REJECTS(w->b, crafted, NULL, HX_ERR_INVALID_SIGNATURE);
    free(crafted);
    /* ... and a header member changed under the same signature. */
    crafted = with_header(w->token, "\"exp\":", "\"exp\":1");
    CHECK_REJECTS(w->b, crafted, NULL, HX_ERR_INVALID_SIGNATURE);
    free(crafted);
    /* ... and the right name with the wrong key. */
    {
        HxIdentity *fake = NULL;
        char *fake_jwk = NULL;
        CHECK_STATUS(hx_identity_generate("alice", &fake), HX_OK);
        CHECK_STATUS(hx_identity_machine_token(fake, &fake_jwk), HX_OK);
        CHECK_REJECTS(w->b, w->token, fake_jwk, HX_ERR_INVALID_SIGNATURE);
        hx_string_free(fake_jwk);
        hx_identity_free(fake);
    }

    /* HX_ERR_EXPIRED, HX_ERR_NOT_YET_VALID, HX_ERR_LIFETIME_TOO_LONG */
    CHECK_STATUS(hx_endpoint_set_time(w->b, T0 + 60), HX_OK);
    CHECK_REJECTS(w->b, w->token, NULL, HX_ERR_EXPIRED);
    CHECK(strncmp(hx_last_error_message(), "Expired: ", 9) == 0);
    CHECK_STATUS(hx_endpoint_set_time(w->b, T0 - 1), HX_OK);
    CHECK_REJECTS(w->b, w->token, NULL, HX_ERR_NOT_YET_VALID);
    CHECK_STATUS(hx_endpoint_set_time(w->b, T0), HX_OK);
    CHECK_STATUS(hx_endpoint_set_max_lifetime(w->b, 59), HX_OK);
    CHECK_REJECTS(w->b, w->token, NULL, HX_ERR_LIFETIME_TOO_LONG);
    CHECK_STATUS(hx_endpoint_set_max_lifetime(w->b, 0), HX_OK);

    /* HX_ERR_REPLAYED */
    {
        HxMessage *m = NULL;
        CHECK_STATUS(hx_endpoint_set_replay_protection(w->b, true), HX_OK);
        CHECK_STATUS(hx_validate_jwt(w->b, w->token, NULL, &m), HX_OK);
        hx_message_free(m);
        CHECK_REJECTS(w->b, w->token, NULL, HX_ERR_REPLAYED);
        CHECK_STATUS(hx_endpoint_set_replay_protection(w->b, false), HX_OK);
    }

    /* HX_ERR_RESOLVER_FAILED needs a directory callback: see test_callback.c. */
    CHECK(id == SENTINEL && dir == SENTINEL && s == SENTINEL);
}

/* The last error message is per thread and lives until the next call on the thread. */
static void test_last_error_lifetime(World *w) {
    HxMessage *m = NULL;
    const char *message;
    char copy[256];
    CHECK_STATUS(hx_validate_jwt(w->b, "x", NULL, &m), HX_ERR_MALFORMED);
    message = hx_last_error_message();
    strncpy(copy, message, sizeof copy - 1);
    copy[sizeof copy - 1] = '\0';
    /* Accessors and hx_status_name do not change it. */
    (void)hx_status_name(HX_OK);
    (void)hx_message_issuer(NULL);
    CHECK(strcmp(hx_last_error_message(), copy) == 0);
    CHECK(copy[0] != '\0');
}

int main(void) {
    World w;
    setup(&w);
    test_status_names();
    test_null_arguments(&w);
    test_bad_strings(&w);
    test_every_status(&w);
    test_last_error_lifetime(&w);
    teardown(&w);
    return DONE();
}
