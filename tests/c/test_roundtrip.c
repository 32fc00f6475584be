/*
 * Round trips through the C ABI: identities and JWKs, directories and JWK Sets, tokens in
 * directory mode and in shared-key mode, every message accessor, and every endpoint setting.
 */
#include "hxtest.h"

#define T0 INT64_C(1767225600) /* 2026-01-01T00:00:00Z */

static const uint8_t PAYLOAD[] = "{\"order\":42,\"note\":\"h\xc3\xa9llo\"}";
#define PAYLOAD_LEN (sizeof PAYLOAD - 1)

static HxIdentity *generate(const char *name) {
    HxIdentity *id = NULL;
    CHECK_STATUS(hx_identity_generate(name, &id), HX_OK);
    REQUIRE(id != NULL);
    CHECK(strcmp(hx_identity_name(id), name) == 0);
    return id;
}

static char *public_jwk(const HxIdentity *id) {
    char *jwk = NULL;
    CHECK_STATUS(hx_identity_machine_token(id, &jwk), HX_OK);
    REQUIRE(jwk != NULL);
    return jwk;
}

static HxEndpoint *endpoint(const HxIdentity *id, const HxDirectory *dir) {
    HxEndpoint *ep = NULL;
    CHECK_STATUS(hx_endpoint_new(id, dir, &ep), HX_OK);
    REQUIRE(ep != NULL);
    CHECK_STATUS(hx_endpoint_set_time(ep, T0), HX_OK);
    return ep;
}

static int payload_is(const HxMessage *m, const uint8_t *want, size_t want_len) {
    size_t len = (size_t)-1;
    const uint8_t *got = hx_message_payload(m, &len);
    return got != NULL && len == want_len && (want_len == 0 || memcmp(got, want, len) == 0) &&
           got[len] == 0;
}

static void test_version(void) {
    const char *v = hx_version();
    CHECK(v != NULL && v[0] >= '0' && v[0] <= '9' && strchr(v, '.') != NULL);
}

static void test_identity_jwk_round_trip(void) {
    HxIdentity *alice = generate("alice.service"), *again = NULL;
    char *private_jwk = NULL, *pub = public_jwk(alice), *pub_again;
    CHECK_STATUS(hx_identity_to_jwk(alice, &private_jwk), HX_OK);
    CHECK(strstr(private_jwk, "\"d\":\"") != NULL);
    CHECK(strstr(pub, "\"d\"") == NULL);
    CHECK(strstr(pub, "\"kid\":\"alice.service\"") != NULL);
    CHECK_STATUS(hx_identity_from_jwk(private_jwk, &again), HX_OK);
    pub_again = public_jwk(again);
    CHECK(strcmp(pub, pub_again) == 0);
    CHECK(strcmp(hx_identity_name(again), "alice.service") == 0);
    hx_string_free(private_jwk);
    hx_string_free(pub);
    hx_string_free(pub_again);
    hx_identity_free(alice);
    hx_identity_free(again);
    /* Unicode names are UTF-8. */
    {
        HxIdentity *u = generate("gr\xc3\xbc\xc3\x9f" "e@example.com");
        hx_identity_free(u);
    }
}

static void test_directory_round_trip(void) {
    HxIdentity *a = generate("a"), *b = generate("b");
    char *ja = public_jwk(a), *jb = public_jwk(b), *jwks = NULL, *jwks2 = NULL;
    HxDirectory *dir = NULL, *copy = NULL;
    size_t n = 99;
    CHECK_STATUS(hx_directory_new(&dir), HX_OK);
    CHECK_STATUS(hx_directory_len(dir, &n), HX_OK);
    CHECK(n == 0);
    CHECK_STATUS(hx_directory_add(dir, ja), HX_OK);
    CHECK_STATUS(hx_directory_add(dir, jb), HX_OK);
    CHECK_STATUS(hx_directory_add(dir, jb), HX_OK); /* replacing is fine */
    CHECK_STATUS(hx_directory_len(dir, &n), HX_OK);
    CHECK(n == 2);
    CHECK_STATUS(hx_directory_to_jwks(dir, &jwks), HX_OK);
    CHECK(jwks != NULL && strncmp(jwks, "{\"keys\":[", 9) == 0);
    CHECK_STATUS(hx_directory_from_jwks(jwks, &copy), HX_OK);
    CHECK_STATUS(hx_directory_len(copy, &n), HX_OK);
    CHECK(n == 2);
    CHECK_STATUS(hx_directory_to_jwks(copy, &jwks2), HX_OK);
    CHECK(strcmp(jwks, jwks2) == 0);
    hx_string_free(jwks);
    hx_string_free(jwks2);
    hx_string_free(ja);
    hx_string_free(jb);
    hx_directory_free(dir);
    hx_directory_free(copy);
    hx_identity_free(a);
    hx_identity_free(b);
}

/* alice -> bob by name, through a shared directory. */
static void test_directory_mode(void) {
    HxIdentity *alice = generate("alice"), *bob = generate("bob"), *carol = generate("carol");
    char *ja = public_jwk(alice), *jb = public_jwk(bob), *jc = public_jwk(carol);
    HxDirectory *dir = NULL;
    HxEndpoint *a, *b, *c;
    HxMessage *m = NULL;
    char *token = NULL;

    CHECK_STATUS(hx_directory_new(&dir), HX_OK);
    CHECK_STATUS(hx_directory_add(dir, ja), HX_OK);
    CHECK_STATUS(hx_directory_add(dir, jb), HX_OK);
    a = endpoint(alice, dir);
    b = endpoint(bob, dir);
    c = endpoint(carol, dir);
    /* The endpoints keep their own references: free the handles now. */
    hx_identity_free(alice);
    hx_identity_free(bob);

    CHECK_STATUS(hx_create_jwt(a, "bob", NULL, PAYLOAD, PAYLOAD_LEN, 60, &token), HX_OK);
    REQUIRE(token != NULL);
    CHECK(strchr(token, '.') != NULL);
    CHECK_STATUS(hx_validate_jwt(b, token, NULL, &m), HX_OK);
    REQUIRE(m != NULL);
    CHECK(payload_is(m, PAYLOAD, PAYLOAD_LEN));
    CHECK(strcmp((const char *)hx_message_payload(m, NULL), (const char *)PAYLOAD) == 0);
    CHECK(strcmp(hx_message_issuer(m), "alice") == 0);
    CHECK(strcmp(hx_message_audience(m), "bob") == 0);
    CHECK(hx_message_issued_at(m) == T0);
    CHECK(hx_message_expires_at(m) == T0 + 60);
    {
        int64_t nbf = 7;
        CHECK(!hx_message_not_before(m, &nbf));
        CHECK(nbf == 7);
    }
    CHECK(hx_message_jti(m) == NULL);
    CHECK(hx_message_content_type(m) == NULL);
    hx_message_free(m);
    m = NULL;

    /* carol is not in the directory yet: bob cannot reach her, and her tokens are unknown. */
    hx_string_free(token);
    token = NULL;
    CHECK_STATUS(hx_create_jwt(b, "carol", NULL, PAYLOAD, PAYLOAD_LEN, 60, &token), HX_ERR_UNKNOWN_ISSUER);
    CHECK(token == NULL);
    CHECK_STATUS(hx_create_jwt(c, "bob", NULL, PAYLOAD, PAYLOAD_LEN, 60, &token), HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, token, NULL, &m), HX_ERR_UNKNOWN_ISSUER);
    CHECK(m == NULL);
    /* Added later to the shared directory: now every endpoint sees her. */
    CHECK_STATUS(hx_directory_add(dir, jc), HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, token, NULL, &m), HX_OK);
    CHECK(m != NULL && strcmp(hx_message_issuer(m), "carol") == 0);
    hx_message_free(m);
    hx_string_free(token);

    hx_directory_free(dir);
    hx_endpoint_free(a);
    hx_endpoint_free(b);
    hx_endpoint_free(c);
    hx_identity_free(carol);
    hx_string_free(ja);
    hx_string_free(jb);
    hx_string_free(jc);
}

/* alice -> bob with machine tokens exchanged beforehand, no directory at all. */
static void test_shared_key_mode(void) {
    HxIdentity *alice = generate("alice"), *bob = generate("bob");
    char *ja = public_jwk(alice), *jb = public_jwk(bob), *token = NULL;
    HxEndpoint *a = endpoint(alice, NULL), *b = endpoint(bob, NULL);
    HxMessage *m = NULL;
    static const uint8_t binary[] = {0, 1, 2, 0, 255, 254, 0};

    CHECK_STATUS(hx_create_jwt(a, NULL, jb, binary, sizeof binary, 5, &token), HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, token, ja, &m), HX_OK);
    CHECK(payload_is(m, binary, sizeof binary));
    CHECK(hx_message_expires_at(m) - hx_message_issued_at(m) == 5);
    hx_message_free(m);
    m = NULL;
    /* Without a directory, the directory mode cannot work. */
    CHECK_STATUS(hx_validate_jwt(b, token, NULL, &m), HX_ERR_INVALID_ARGUMENT);
    hx_string_free(token);
    token = NULL;
    CHECK_STATUS(hx_create_jwt(a, "bob", NULL, binary, sizeof binary, 5, &token), HX_ERR_INVALID_ARGUMENT);
    CHECK(token == NULL);

    /* An empty payload, given as NULL with length 0. */
    CHECK_STATUS(hx_create_jwt(a, NULL, jb, NULL, 0, 5, &token), HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, token, ja, &m), HX_OK);
    CHECK(payload_is(m, NULL, 0));
    hx_message_free(m);
    m = NULL;

    /* The reverse direction uses another key: a token is not valid back at its sender. */
    CHECK_STATUS(hx_validate_jwt(a, token, jb, &m), HX_ERR_WRONG_AUDIENCE);
    hx_string_free(token);
    token = NULL;
    CHECK_STATUS(hx_create_jwt(b, NULL, ja, PAYLOAD, PAYLOAD_LEN, 5, &token), HX_OK);
    CHECK_STATUS(hx_validate_jwt(a, token, jb, &m), HX_OK);
    hx_message_free(m);
    hx_string_free(token);

    hx_endpoint_free(a);
    hx_endpoint_free(b);
    hx_identity_free(alice);
    hx_identity_free(bob);
    hx_string_free(ja);
    hx_string_free(jb);
}

static void test_optional_members(void) {
    HxIdentity *alice = generate("alice"), *bob = generate("bob");
    char *ja = public_jwk(alice), *jb = public_jwk(bob), *token = NULL;
    HxEndpoint *a = endpoint(alice, NULL), *b = endpoint(bob, NULL);
    HxMessage *m = NULL;
    int64_t nbf = T0 + 10, got = 0;

    CHECK_STATUS(hx_create_jwt_ex(a, NULL, jb, PAYLOAD, PAYLOAD_LEN, 60, &nbf, "req-1", "json", &token),
                 HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, token, ja, &m), HX_ERR_NOT_YET_VALID);
    CHECK(m == NULL);
    CHECK_STATUS(hx_endpoint_set_time(b, T0 + 10), HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, token, ja, &m), HX_OK);
    CHECK(hx_message_not_before(m, &got) && got == T0 + 10);
    CHECK(strcmp(hx_message_jti(m), "req-1") == 0);
    CHECK(strcmp(hx_message_content_type(m), "json") == 0);
    hx_message_free(m);
    m = NULL;
    hx_string_free(token);
    token = NULL;
    /* All options NULL is hx_create_jwt. */
    CHECK_STATUS(hx_create_jwt_ex(a, NULL, jb, PAYLOAD, PAYLOAD_LEN, 60, NULL, NULL, NULL, &token), HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, token, ja, &m), HX_OK);
    CHECK(!hx_message_not_before(m, &got) && hx_message_jti(m) == NULL &&
          hx_message_content_type(m) == NULL);
    hx_message_free(m);
    hx_string_free(token);

    hx_endpoint_free(a);
    hx_endpoint_free(b);
    hx_identity_free(alice);
    hx_identity_free(bob);
    hx_string_free(ja);
    hx_string_free(jb);
}

static void test_policy(void) {
    HxIdentity *alice = generate("alice"), *bob = generate("bob");
    char *ja = public_jwk(alice), *jb = public_jwk(bob), *token = NULL, *long_token = NULL;
    HxEndpoint *a = endpoint(alice, NULL), *b = endpoint(bob, NULL);
    HxMessage *m = NULL;

    CHECK_STATUS(hx_create_jwt(a, NULL, jb, PAYLOAD, PAYLOAD_LEN, 60, &token), HX_OK);
    /* Expiry at exp exactly, and leeway. */
    CHECK_STATUS(hx_endpoint_set_time(b, T0 + 60), HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, token, ja, &m), HX_ERR_EXPIRED);
    CHECK_STATUS(hx_endpoint_set_leeway(b, 30), HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, token, ja, &m), HX_OK);
    hx_message_free(m);
    m = NULL;
    CHECK_STATUS(hx_endpoint_set_time(b, T0 + 90), HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, token, ja, &m), HX_ERR_EXPIRED);
    /* Issued in the future. */
    CHECK_STATUS(hx_endpoint_set_leeway(b, 0), HX_OK);
    CHECK_STATUS(hx_endpoint_set_time(b, T0 - 1), HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, token, ja, &m), HX_ERR_NOT_YET_VALID);
    CHECK_STATUS(hx_endpoint_set_time(b, T0), HX_OK);

    /* Maximum lifetime; 0 removes it. */
    CHECK_STATUS(hx_create_jwt(a, NULL, jb, PAYLOAD, PAYLOAD_LEN, 3600, &long_token), HX_OK);
    CHECK_STATUS(hx_endpoint_set_max_lifetime(b, 60), HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, token, ja, &m), HX_OK);
    hx_message_free(m);
    m = NULL;
    CHECK_STATUS(hx_validate_jwt(b, long_token, ja, &m), HX_ERR_LIFETIME_TOO_LONG);
    CHECK_STATUS(hx_endpoint_set_max_lifetime(b, 0), HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, long_token, ja, &m), HX_OK);
    hx_message_free(m);
    m = NULL;

    /* Maximum token length. */
    CHECK_STATUS(hx_endpoint_set_max_token_length(b, strlen(token) - 1), HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, token, ja, &m), HX_ERR_MALFORMED);
    CHECK_STATUS(hx_endpoint_set_max_token_length(b, strlen(token)), HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, token, ja, &m), HX_OK);
    hx_message_free(m);
    m = NULL;

    /* Replay protection. */
    CHECK_STATUS(hx_endpoint_set_replay_protection(b, true), HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, token, ja, &m), HX_OK);
    hx_message_free(m);
    m = NULL;
    CHECK_STATUS(hx_validate_jwt(b, token, ja, &m), HX_ERR_REPLAYED);
    CHECK(m == NULL);
    CHECK_STATUS(hx_endpoint_set_replay_protection(b, false), HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, token, ja, &m), HX_OK);
    hx_message_free(m);
    m = NULL;

    /* The system clock: a token made now is valid now, and not in 2100. */
    CHECK_STATUS(hx_endpoint_use_system_clock(a), HX_OK);
    CHECK_STATUS(hx_endpoint_use_system_clock(b), HX_OK);
    hx_string_free(token);
    token = NULL;
    CHECK_STATUS(hx_create_jwt(a, NULL, jb, PAYLOAD, PAYLOAD_LEN, 300, &token), HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, token, ja, &m), HX_OK);
    CHECK(hx_message_issued_at(m) > T0);
    hx_message_free(m);
    m = NULL;
    CHECK_STATUS(hx_endpoint_set_time(b, INT64_C(4102444800)), HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, token, ja, &m), HX_ERR_EXPIRED);

    /* A token over the sender's max_token_len (64 KiB by default, what receivers apply by
     * default) is not made; raised, it is. */
    {
        size_t big_len = (size_t)60 * 1024;
        unsigned char *big = calloc(big_len, 1);
        char *big_token = NULL;
        CHECK(big != NULL);
        CHECK_STATUS(hx_create_jwt(a, NULL, jb, big, big_len, 300, &big_token), HX_ERR_INVALID_ARGUMENT);
        CHECK(big_token == NULL);
        CHECK(strstr(hx_last_error_message(), "max_token_len") != NULL);
        CHECK_STATUS(hx_endpoint_set_max_token_length(a, (size_t)256 * 1024), HX_OK);
        CHECK_STATUS(hx_create_jwt(a, NULL, jb, big, big_len, 300, &big_token), HX_OK);
        CHECK(big_token != NULL && strlen(big_token) > (size_t)64 * 1024);
        hx_string_free(big_token);
        free(big);
    }

    hx_string_free(token);
    hx_string_free(long_token);
    hx_endpoint_free(a);
    hx_endpoint_free(b);
    hx_identity_free(alice);
    hx_identity_free(bob);
    hx_string_free(ja);
    hx_string_free(jb);
}

/* A machine token with bob's key under another name: a token sent to bob's alias. */
static void test_audiences(void) {
    HxIdentity *alice = generate("alice"), *bob = generate("bob");
    char *ja = public_jwk(alice), *jb = public_jwk(bob), *token = NULL;
    char alias[512];
    const char *x = strstr(jb, "\"x\":\"");
    HxEndpoint *a = endpoint(alice, NULL), *b = endpoint(bob, NULL);
    HxMessage *m = NULL;

    REQUIRE(x != NULL);
    snprintf(alias, sizeof alias, "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"kid\":\"billing\",%.49s}", x);
    CHECK_STATUS(hx_create_jwt(a, NULL, alias, PAYLOAD, PAYLOAD_LEN, 60, &token), HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, token, ja, &m), HX_ERR_WRONG_AUDIENCE);
    CHECK_STATUS(hx_endpoint_add_audience(b, "billing"), HX_OK);
    CHECK_STATUS(hx_endpoint_add_audience(b, "billing"), HX_OK); /* twice is fine */
    CHECK_STATUS(hx_validate_jwt(b, token, ja, &m), HX_OK);
    CHECK(m != NULL && strcmp(hx_message_audience(m), "billing") == 0);
    hx_message_free(m);

    hx_string_free(token);
    hx_endpoint_free(a);
    hx_endpoint_free(b);
    hx_identity_free(alice);
    hx_identity_free(bob);
    hx_string_free(ja);
    hx_string_free(jb);
}

int main(void) {
    test_version();
    test_identity_jwk_round_trip();
    test_directory_round_trip();
    test_directory_mode();
    test_shared_key_mode();
    test_optional_members();
    test_policy();
    test_audiences();
    return DONE();
}
