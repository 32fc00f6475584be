/*
 * Directories backed by a C callback: found, unknown (NULL), garbage, a key of another name, a
 * private key, bytes that are not UTF-8. Every string the callback returns is malloc()ed and
 * released by the library with free(): valgrind checks that none leaks.
 */
#include "hxtest.h"

#define T0 INT64_C(1767225600)

static const uint8_t PAYLOAD[] = "{\"sub\":\"42\"}";
#define PAYLOAD_LEN (sizeof PAYLOAD - 1)

/* What the resolver answers, per name. */
typedef struct Registry {
    const char *names[4];
    const char *answers[4]; /* copied with malloc() for each call; NULL = unknown */
    int calls;
    char last_name[64];
} Registry;

static char *resolve(void *user_data, const char *name) {
    Registry *r = (Registry *)user_data;
    int i;
    r->calls++;
    strncpy(r->last_name, name, sizeof r->last_name - 1);
    r->last_name[sizeof r->last_name - 1] = '\0';
    for (i = 0; i < 4; i++)
        if (r->names[i] && strcmp(r->names[i], name) == 0)
            return r->answers[i] ? hxt_strdup(r->answers[i]) : NULL;
    return NULL;
}

int main(void) {
    HxIdentity *alice = NULL, *bob = NULL, *carol = NULL;
    char *ja = NULL, *jb = NULL, *jc = NULL, *carol_private = NULL, *token = NULL;
    HxDirectory *dir = NULL;
    HxEndpoint *a = NULL, *b = NULL;
    HxMessage *m = NULL;
    Registry reg;
    size_t n = 77;
    char *s = NULL;

    REQUIRE(hx_identity_generate("alice", &alice) == HX_OK);
    REQUIRE(hx_identity_generate("bob", &bob) == HX_OK);
    REQUIRE(hx_identity_generate("carol", &carol) == HX_OK);
    REQUIRE(hx_identity_machine_token(alice, &ja) == HX_OK);
    REQUIRE(hx_identity_machine_token(bob, &jb) == HX_OK);
    REQUIRE(hx_identity_machine_token(carol, &jc) == HX_OK);
    REQUIRE(hx_identity_to_jwk(carol, &carol_private) == HX_OK);

    memset(&reg, 0, sizeof reg);
    reg.names[0] = "alice";
    reg.answers[0] = ja;
    reg.names[1] = "bob";
    reg.answers[1] = jb;
    reg.names[2] = "carol";
    reg.answers[2] = jc;
    CHECK_STATUS(hx_directory_from_callback(resolve, &reg, &dir), HX_OK);
    REQUIRE(dir != NULL);
    CHECK_STATUS(hx_endpoint_new(alice, dir, &a), HX_OK);
    CHECK_STATUS(hx_endpoint_new(bob, dir, &b), HX_OK);
    hx_directory_free(dir); /* the endpoints keep it alive */
    REQUIRE(a != NULL && b != NULL);

    /* Found: create by name (resolves bob) and validate in directory mode (resolves alice). */
    CHECK_STATUS(hx_create_jwt(a, "bob", NULL, PAYLOAD, PAYLOAD_LEN, 60, &token), HX_OK);
    CHECK(reg.calls == 1 && strcmp(reg.last_name, "bob") == 0);
    CHECK_STATUS(hx_validate_jwt(b, token, NULL, &m), HX_OK);
    CHECK(reg.calls == 2 && strcmp(reg.last_name, "alice") == 0);
    CHECK(m != NULL && strcmp(hx_message_issuer(m), "alice") == 0);
    hx_message_free(m);
    m = NULL;

    /* Unknown: the callback returns NULL. */
    reg.answers[0] = NULL;
    CHECK_STATUS(hx_validate_jwt(b, token, NULL, &m), HX_ERR_UNKNOWN_ISSUER);
    CHECK(m == NULL);
    hx_string_free(token);
    token = NULL;
    CHECK_STATUS(hx_create_jwt(b, "nobody", NULL, PAYLOAD, PAYLOAD_LEN, 60, &token), HX_ERR_UNKNOWN_ISSUER);
    CHECK(token == NULL && strcmp(reg.last_name, "nobody") == 0);
    reg.answers[0] = ja;
    CHECK_STATUS(hx_create_jwt(a, "bob", NULL, PAYLOAD, PAYLOAD_LEN, 60, &token), HX_OK);

    /* Garbage: not JSON. */
    reg.answers[0] = "garbage {";
    CHECK_STATUS(hx_validate_jwt(b, token, NULL, &m), HX_ERR_RESOLVER_FAILED);
    CHECK(m == NULL);
    CHECK(strstr(hx_last_error_message(), "ResolverFailed") == hx_last_error_message());
    /* JSON, but not a JWK. */
    reg.answers[0] = "{\"kty\":\"OKP\"}";
    CHECK_STATUS(hx_validate_jwt(b, token, NULL, &m), HX_ERR_RESOLVER_FAILED);
    /* Someone else's machine token under alice's name. */
    reg.answers[0] = jc;
    CHECK_STATUS(hx_validate_jwt(b, token, NULL, &m), HX_ERR_RESOLVER_FAILED);
    CHECK(strstr(hx_last_error_message(), "carol") != NULL);
    /* A private JWK is refused, and its d never shows in the message. */
    reg.answers[0] = carol_private;
    CHECK_STATUS(hx_validate_jwt(b, token, NULL, &m), HX_ERR_RESOLVER_FAILED);
    CHECK(strstr(hx_last_error_message(), strstr(carol_private, "\"d\":\"") + 5) == NULL);
    /* Not UTF-8. */
    reg.answers[0] = "{\"kid\":\"\xff\"}";
    CHECK_STATUS(hx_validate_jwt(b, token, NULL, &m), HX_ERR_RESOLVER_FAILED);
    CHECK(strstr(hx_last_error_message(), "UTF-8") != NULL);
    /* Empty string. */
    reg.answers[0] = "";
    CHECK_STATUS(hx_validate_jwt(b, token, NULL, &m), HX_ERR_RESOLVER_FAILED);
    CHECK(m == NULL);
    /* And back to a good answer. */
    reg.answers[0] = ja;
    CHECK_STATUS(hx_validate_jwt(b, token, NULL, &m), HX_OK);
    hx_message_free(m);
    m = NULL;
    /* Shared-key mode does not call the directory. */
    reg.calls = 0;
    CHECK_STATUS(hx_validate_jwt(b, token, ja, &m), HX_OK);
    CHECK(reg.calls == 0);
    hx_message_free(m);
    m = NULL;

    /* Functions of in-memory directories refuse a callback directory. */
    CHECK_STATUS(hx_directory_from_callback(resolve, &reg, &dir), HX_OK);
    CHECK_STATUS(hx_directory_add(dir, ja), HX_ERR_INVALID_ARGUMENT);
    CHECK(strstr(hx_last_error_message(), "callback") != NULL);
    CHECK_STATUS(hx_directory_len(dir, &n), HX_ERR_INVALID_ARGUMENT);
    CHECK(n == 77);
    CHECK_STATUS(hx_directory_to_jwks(dir, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK(s == NULL);
    hx_directory_free(dir);

    hx_string_free(token);
    hx_endpoint_free(a);
    hx_endpoint_free(b);
    hx_identity_free(alice);
    hx_identity_free(bob);
    hx_identity_free(carol);
    hx_string_free(ja);
    hx_string_free(jb);
    hx_string_free(jc);
    hx_string_free(carol_private);
    return DONE();
}
