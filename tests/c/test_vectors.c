/*
 * The shared vectors through the C ABI: tests/vectors/hx1-kat.json (made by an independent
 * implementation) and tests/vectors/hx1.json (hxjwt's own positive and negative vectors; format in
 * tests/vectors/README.md). Every entry is checked.
 */
#include "hxtest.h"
#include "json.h"

/* The error kind names of the HX1 vectors and their statuses (the standard-JWT kinds from
 * HX_ERR_MISSING_CLAIM on are those of test_jws_vectors.c). */
static const struct {
    const char *kind;
    HxStatus status;
} KINDS[] = {
    {"Malformed", HX_ERR_MALFORMED},
    {"UnsupportedAlgorithm", HX_ERR_UNSUPPORTED_ALGORITHM},
    {"UnknownHeader", HX_ERR_UNKNOWN_HEADER},
    {"WrongAudience", HX_ERR_WRONG_AUDIENCE},
    {"UnknownIssuer", HX_ERR_UNKNOWN_ISSUER},
    {"IssuerMismatch", HX_ERR_ISSUER_MISMATCH},
    {"InvalidKey", HX_ERR_INVALID_KEY},
    {"InvalidSignature", HX_ERR_INVALID_SIGNATURE},
    {"Expired", HX_ERR_EXPIRED},
    {"NotYetValid", HX_ERR_NOT_YET_VALID},
    {"LifetimeTooLong", HX_ERR_LIFETIME_TOO_LONG},
    {"DecryptionFailed", HX_ERR_DECRYPTION_FAILED},
    {"Replayed", HX_ERR_REPLAYED},
    {"ResolverFailed", HX_ERR_RESOLVER_FAILED},
    {"InvalidArgument", HX_ERR_INVALID_ARGUMENT},
};
#define N_KINDS (sizeof KINDS / sizeof KINDS[0])

static int kind_index(const char *kind) {
    size_t i;
    for (i = 0; kind && i < N_KINDS; i++)
        if (strcmp(KINDS[i].kind, kind) == 0) return (int)i;
    return -1;
}

/* A directory callback whose every lookup fails (garbage instead of a JWK). */
static char *failing_resolver(void *user_data, const char *name) {
    (void)user_data;
    (void)name;
    return hxt_strdup("this is not a JWK");
}

/* The private JWKs of the vectors' identities, to check that no message leaks one. */
static const char *secrets[16];
static size_t n_secrets;

static void check_no_secret_in_last_error(const char *vector) {
    size_t i;
    const char *message = hx_last_error_message();
    for (i = 0; i < n_secrets; i++) {
        if (strstr(message, secrets[i]) != NULL) {
            fprintf(stderr, "vector %s: the error message contains a private key\n", vector);
            hx_failed++;
            return;
        }
    }
    hx_passed++;
}

static int payload_equals(const HxMessage *msg, const char *plaintext_b64url) {
    size_t want_len = 0, got_len = 0;
    unsigned char *want = hxt_b64url_decode(plaintext_b64url, strlen(plaintext_b64url), &want_len);
    const uint8_t *got = hx_message_payload(msg, &got_len);
    int same = want != NULL && got != NULL && got_len == want_len &&
               memcmp(got, want, want_len) == 0 && got[got_len] == 0;
    free(want);
    return same;
}

/* ---- hx1-kat.json ---- */

static void kat(void) {
    size_t len, i;
    char *text = hxt_read_file(hxt_vector_path("hx1-kat.json"), &len);
    JsonValue *doc;
    const JsonValue *vectors;
    char *sender_jwk, *recipient_jwk, *sender_public = NULL;
    HxIdentity *sender = NULL, *recipient = NULL;
    HxDirectory *dir = NULL;

    REQUIRE(text != NULL);
    doc = json_parse(text, len);
    REQUIRE(doc != NULL);
    vectors = json_get(doc, "vectors");
    REQUIRE(vectors != NULL && vectors->type == JSON_ARRAY && vectors->count >= 3);
    sender_jwk = json_raw(json_get(doc, "sender"));
    recipient_jwk = json_raw(json_get(doc, "recipient"));
    CHECK_STATUS(hx_identity_from_jwk(sender_jwk, &sender), HX_OK);
    CHECK_STATUS(hx_identity_from_jwk(recipient_jwk, &recipient), HX_OK);
    REQUIRE(sender != NULL && recipient != NULL);
    CHECK_STATUS(hx_identity_machine_token(sender, &sender_public), HX_OK);
    CHECK_STATUS(hx_directory_new(&dir), HX_OK);
    CHECK_STATUS(hx_directory_add(dir, sender_public), HX_OK);

    for (i = 0; i < vectors->count; i++) {
        const JsonValue *v = vectors->items[i];
        const char *token = json_get_string(v, "token");
        const char *plaintext = json_get_string(v, "plaintext_b64url");
        int64_t iat = 0, exp = 0;
        HxEndpoint *ep = NULL;
        int mode;
        REQUIRE(token != NULL && plaintext != NULL);
        REQUIRE(json_get_int(v, "iat", &iat) && json_get_int(v, "exp", &exp));
        CHECK_STATUS(hx_endpoint_new(recipient, dir, &ep), HX_OK);
        CHECK_STATUS(hx_endpoint_set_time(ep, iat), HX_OK);
        for (mode = 0; mode < 2; mode++) { /* shared-key mode, then directory mode */
            HxMessage *msg = NULL;
            CHECK_STATUS(hx_validate_jwt(ep, token, mode == 0 ? sender_public : NULL, &msg), HX_OK);
            CHECK(payload_equals(msg, plaintext));
            CHECK(hx_message_issuer(msg) && strcmp(hx_message_issuer(msg), "alice.service") == 0);
            CHECK(hx_message_audience(msg) && strcmp(hx_message_audience(msg), "bob.service") == 0);
            CHECK(hx_message_issued_at(msg) == iat);
            CHECK(hx_message_expires_at(msg) == exp);
            hx_message_free(msg);
        }
        /* Tampered (one character of the MAC changed, still base64url), it is refused. */
        {
            HxMessage *msg = NULL;
            char *tampered = hxt_strdup(token);
            size_t n = strlen(tampered);
            tampered[n - 5] = tampered[n - 5] == 'A' ? 'B' : 'A';
            CHECK_STATUS(hx_validate_jwt(ep, tampered, sender_public, &msg), HX_ERR_INVALID_SIGNATURE);
            CHECK(msg == NULL);
            free(tampered);
        }
        /* At exp it is refused. */
        {
            HxMessage *msg = NULL;
            CHECK_STATUS(hx_endpoint_set_time(ep, exp), HX_OK);
            CHECK_STATUS(hx_validate_jwt(ep, token, sender_public, &msg), HX_ERR_EXPIRED);
            CHECK(msg == NULL);
        }
        hx_endpoint_free(ep);
    }
    hx_directory_free(dir);
    hx_string_free(sender_public);
    hx_identity_free(sender);
    hx_identity_free(recipient);
    free(sender_jwk);
    free(recipient_jwk);
    json_free(doc);
    free(text);
}

/* ---- hx1.json ---- */

typedef struct Vectors {
    JsonValue *doc;
    const JsonValue *identities;
    HxIdentity *ids[16];
    char *publics[16];
    size_t n_ids;
    HxDirectory *directory;
} Vectors;

static size_t identity_index(const Vectors *vs, const char *name) {
    size_t i;
    for (i = 0; name && i < vs->n_ids; i++)
        if (strcmp(vs->identities->keys[i], name) == 0) return i;
    return (size_t)-1;
}

static void positive(const Vectors *vs, const JsonValue *v) {
    const char *name = json_get_string(v, "name");
    const char *token = json_get_string(v, "token");
    const char *plaintext = json_get_string(v, "plaintext_b64url");
    size_t s = identity_index(vs, json_get_string(v, "sender"));
    size_t r = identity_index(vs, json_get_string(v, "recipient"));
    int64_t iat = 0, exp = 0, nbf = 0, max_len = 0, got_nbf = -1;
    int has_nbf = json_get_int(v, "nbf", &nbf);
    const char *jti = json_get_string(v, "jti"), *cty = json_get_string(v, "cty");
    HxEndpoint *ep = NULL;
    int mode;

    REQUIRE(name && token && plaintext && s < vs->n_ids && r < vs->n_ids);
    REQUIRE(json_get_int(v, "iat", &iat) && json_get_int(v, "exp", &exp));
    CHECK_STATUS(hx_endpoint_new(vs->ids[r], vs->directory, &ep), HX_OK);
    REQUIRE(ep != NULL);
    CHECK_STATUS(hx_endpoint_set_time(ep, iat), HX_OK);
    if (json_get_int(v, "max_token_len", &max_len))
        CHECK_STATUS(hx_endpoint_set_max_token_length(ep, (size_t)max_len), HX_OK);
    for (mode = 0; mode < 2; mode++) { /* directory mode, then shared-key mode */
        HxMessage *msg = NULL;
        HxStatus st = hx_validate_jwt(ep, token, mode == 0 ? NULL : vs->publics[s], &msg);
        if (st != HX_OK) {
            fprintf(stderr, "positive vector %s (%s mode): %s: %s\n", name,
                    mode == 0 ? "directory" : "shared", hx_status_name(st),
                    hx_last_error_message());
            hx_failed++;
            continue;
        }
        hx_passed++;
        CHECK(payload_equals(msg, plaintext));
        CHECK(strcmp(hx_message_issuer(msg), vs->identities->keys[s]) == 0);
        CHECK(strcmp(hx_message_audience(msg), vs->identities->keys[r]) == 0);
        CHECK(hx_message_issued_at(msg) == iat);
        CHECK(hx_message_expires_at(msg) == exp);
        CHECK(hx_message_not_before(msg, &got_nbf) == (has_nbf != 0));
        if (has_nbf) CHECK(got_nbf == nbf);
        CHECK(jti ? hx_message_jti(msg) && strcmp(hx_message_jti(msg), jti) == 0
                  : hx_message_jti(msg) == NULL);
        CHECK(cty ? hx_message_content_type(msg) && strcmp(hx_message_content_type(msg), cty) == 0
                  : hx_message_content_type(msg) == NULL);
        hx_message_free(msg);
    }
    hx_endpoint_free(ep);
}

static void negative(const Vectors *vs, const JsonValue *v, int *seen) {
    const char *name = json_get_string(v, "name");
    const char *token = json_get_string(v, "token");
    const char *mode = json_get_string(v, "mode");
    const char *error = json_get_string(v, "error");
    const JsonValue *policy = json_get(v, "policy");
    const JsonValue *replay = json_get(v, "replay");
    const JsonValue *fails = json_get(v, "directory_fails");
    const JsonValue *sender_value = json_get(v, "sender_jwk");
    size_t r = identity_index(vs, json_get_string(v, "recipient"));
    int k = kind_index(error);
    int64_t now = 0, n = 0;
    char *sender_jwk = NULL;
    HxDirectory *failing = NULL;
    HxEndpoint *ep = NULL;
    HxMessage *msg = NULL, *const untouched = (HxMessage *)&msg;
    HxStatus st;

    REQUIRE(name && token && mode && r < vs->n_ids && json_get_int(v, "now", &now));
    if (k < 0) {
        fprintf(stderr, "negative vector %s: unknown error kind %s\n", name, error ? error : "?");
        hx_failed++;
        return;
    }
    if (fails && fails->type == JSON_BOOL && fails->boolean)
        CHECK_STATUS(hx_directory_from_callback(failing_resolver, NULL, &failing), HX_OK);
    CHECK_STATUS(hx_endpoint_new(vs->ids[r], failing ? failing : vs->directory, &ep), HX_OK);
    hx_directory_free(failing); /* the endpoint keeps its own reference */
    REQUIRE(ep != NULL);
    CHECK_STATUS(hx_endpoint_set_time(ep, now), HX_OK);
    if (policy) {
        const JsonValue *audiences = json_get(policy, "audiences");
        if (json_get_int(policy, "leeway", &n)) CHECK_STATUS(hx_endpoint_set_leeway(ep, (uint64_t)n), HX_OK);
        if (json_get_int(policy, "max_lifetime", &n))
            CHECK_STATUS(hx_endpoint_set_max_lifetime(ep, (uint64_t)n), HX_OK);
        if (json_get_int(policy, "max_token_len", &n))
            CHECK_STATUS(hx_endpoint_set_max_token_length(ep, (size_t)n), HX_OK);
        if (audiences && audiences->type == JSON_ARRAY) {
            size_t i;
            for (i = 0; i < audiences->count; i++)
                CHECK_STATUS(hx_endpoint_add_audience(ep, audiences->items[i]->string), HX_OK);
        }
    }
    if (strcmp(mode, "shared") == 0) {
        REQUIRE(sender_value != NULL);
        sender_jwk = sender_value->type == JSON_STRING ? hxt_strdup(sender_value->string)
                                                       : json_raw(sender_value);
    } else {
        CHECK(strcmp(mode, "directory") == 0);
    }
    if (replay && replay->type == JSON_BOOL && replay->boolean) {
        CHECK_STATUS(hx_endpoint_set_replay_protection(ep, true), HX_OK);
        CHECK_STATUS(hx_validate_jwt(ep, token, sender_jwk, &msg), HX_OK);
        hx_message_free(msg);
    }
    msg = untouched;
    st = hx_validate_jwt(ep, token, sender_jwk, &msg);
    if (st == KINDS[k].status) {
        hx_passed++;
        seen[k] = 1;
    } else {
        hx_failed++;
        fprintf(stderr, "negative vector %s: got %s, expected %s: %s\n", name, hx_status_name(st),
                hx_status_name(KINDS[k].status), hx_last_error_message());
    }
    CHECK(msg == untouched); /* out-param untouched on failure */
    CHECK(strncmp(hx_last_error_message(), error, strlen(error)) == 0);
    check_no_secret_in_last_error(name);
    free(sender_jwk);
    hx_endpoint_free(ep);
}

static void hx1(void) {
    size_t len, i;
    char *text = hxt_read_file(hxt_vector_path("hx1.json"), &len);
    char *jwks;
    Vectors vs;
    const JsonValue *pos, *neg;
    int seen[N_KINDS] = {0};

    memset(&vs, 0, sizeof vs);
    REQUIRE(text != NULL);
    vs.doc = json_parse(text, len);
    REQUIRE(vs.doc != NULL);
    vs.identities = json_get(vs.doc, "identities");
    pos = json_get(vs.doc, "positive");
    neg = json_get(vs.doc, "negative");
    REQUIRE(vs.identities && vs.identities->type == JSON_OBJECT && vs.identities->count <= 16);
    REQUIRE(pos && pos->type == JSON_ARRAY && pos->count > 0);
    REQUIRE(neg && neg->type == JSON_ARRAY && neg->count > 0);

    for (i = 0; i < vs.identities->count; i++) {
        char *jwk = json_raw(vs.identities->items[i]);
        CHECK_STATUS(hx_identity_from_jwk(jwk, &vs.ids[i]), HX_OK);
        REQUIRE(vs.ids[i] != NULL);
        CHECK(strcmp(hx_identity_name(vs.ids[i]), vs.identities->keys[i]) == 0);
        CHECK_STATUS(hx_identity_machine_token(vs.ids[i], &vs.publics[i]), HX_OK);
        secrets[n_secrets++] = json_get_string(vs.identities->items[i], "d");
        free(jwk);
        vs.n_ids++;
    }
    jwks = json_raw(json_get(vs.doc, "directory"));
    CHECK_STATUS(hx_directory_from_jwks(jwks, &vs.directory), HX_OK);
    free(jwks);
    REQUIRE(vs.directory != NULL);

    for (i = 0; i < pos->count; i++) positive(&vs, pos->items[i]);
    for (i = 0; i < neg->count; i++) negative(&vs, neg->items[i], seen);
    printf("hx1.json: %u positive and %u negative vectors checked\n", (unsigned)pos->count,
           (unsigned)neg->count);

    /* Every status of a token check is reachable from C: each appears in some vector. */
    for (i = 0; i < N_KINDS; i++) {
        if (KINDS[i].status == HX_ERR_INVALID_ARGUMENT) continue;
        if (!seen[i]) fprintf(stderr, "no negative vector gives %s\n", KINDS[i].kind);
        CHECK(seen[i]);
    }

    for (i = 0; i < vs.n_ids; i++) {
        hx_identity_free(vs.ids[i]);
        hx_string_free(vs.publics[i]);
    }
    hx_directory_free(vs.directory);
    json_free(vs.doc);
    free(text);
}

int main(void) {
    kat();
    hx1();
    return DONE();
}
