/*
 * Issue 17 item 3 ("Keys") through the C ABI: a JWK Set mixing HMAC secrets with asymmetric keys
 * is refused unless read with hx_keyset_from_jwks_mixed; two different keys with one kid are
 * refused naming the kid (by both functions); every skipped key is
 * listed by hx_keyset_skipped_count / hx_keyset_skipped with its position, kid and reason; NULL
 * and out-of-range arguments. Also item 2 at configuration time: hx_validation_add_audience and
 * hx_validation_add_issuer refuse the empty string at once.
 */
#include "hxtest.h"

/* A pointer value that no call may write: out-parameters start with it and must keep it. */
static char sentinel_storage;
#define SENTINEL ((void *)&sentinel_storage)

/* RFC 8037's Ed25519 public key. */
#define ED_JWK(kid)                                                                      \
    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"" kid "\","                         \
    "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}"
#define HS_JWK(kid)                                                                      \
    "{\"kty\":\"oct\",\"kid\":\"" kid "\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA\"}"

static const char MIXED[] = "{\"keys\":[" ED_JWK("ed") "," HS_JWK("hs") "]}";

static int last_error_mentions(const char *what) {
    return strstr(hx_last_error_message(), what) != NULL;
}

static int str_is(const char *got, const char *want) {
    if (want == NULL) return got == NULL;
    return got != NULL && strcmp(got, want) == 0;
}

static size_t skipped_count(const HxKeySet *set) {
    size_t n = (size_t)-1;
    CHECK_STATUS(hx_keyset_skipped_count(set, &n), HX_OK);
    return n;
}

static void test_mixed_sets(void) {
    HxKeySet *set = (HxKeySet *)SENTINEL;
    size_t n = 0;

    /* Refused by default. */
    CHECK_STATUS(hx_keyset_from_jwks(MIXED, &set), HX_ERR_INVALID_KEY);
    CHECK(set == (HxKeySet *)SENTINEL);
    CHECK(strncmp(hx_last_error_message(), "InvalidKey: ", 12) == 0);
    CHECK(last_error_mentions("keys[1] is an HMAC secret and keys[0] an asymmetric key"));

    /* Accepted by hx_keyset_from_jwks_mixed: both keys, and a token signed with the secret
     * verifies. */
    CHECK_STATUS(hx_keyset_from_jwks_mixed(MIXED, &set), HX_OK);
    REQUIRE(set != NULL && set != (HxKeySet *)SENTINEL);
    CHECK_STATUS(hx_keyset_len(set, &n), HX_OK);
    CHECK(n == 2);
    CHECK(skipped_count(set) == 0);
    {
        HxKey *secret = NULL;
        HxValidation *v = NULL;
        const char *alg = "HS256";
        char *token = NULL, *claims = NULL;
        REQUIRE(hx_key_from_jwk(HS_JWK("hs"), &secret) == HX_OK);
        REQUIRE(hx_validation_new(&alg, 1, &v) == HX_OK);
        CHECK_STATUS(hx_jwt_encode(secret, "HS256", NULL, "{\"sub\":\"a\",\"exp\":4000000000}",
                                   &token),
                     HX_OK);
        CHECK_STATUS(hx_jwt_decode(NULL, set, token, v, &claims), HX_OK);
        CHECK(claims != NULL && strstr(claims, "\"sub\":\"a\"") != NULL);
        hx_string_free(claims);
        hx_string_free(token);
        hx_validation_free(v);
        hx_key_free(secret);
    }
    hx_keyset_free(set);

    /* A set of secrets only, or of public keys only, needs no flag. */
    set = NULL;
    CHECK_STATUS(hx_keyset_from_jwks("{\"keys\":[" HS_JWK("a") "]}", &set), HX_OK);
    hx_keyset_free(set);
    set = NULL;
    CHECK_STATUS(hx_keyset_from_jwks("{\"keys\":[" ED_JWK("a") "]}", &set), HX_OK);
    hx_keyset_free(set);
}

/* The public JWK of a fresh Ed25519 key with this kid (free with hx_string_free). */
static char *fresh_public_jwk(const char *kid) {
    HxKey *key = NULL, *named = NULL;
    char *jwk = NULL;
    REQUIRE(hx_key_generate("EdDSA", &key) == HX_OK);
    REQUIRE(hx_key_with_kid(key, kid, &named) == HX_OK);
    REQUIRE(hx_key_to_public_jwk(named, &jwk) == HX_OK);
    hx_key_free(named);
    hx_key_free(key);
    return jwk;
}

static void test_duplicate_kids(void) {
    char *a = fresh_public_jwk("dup"), *b = fresh_public_jwk("dup");
    char *doc = (char *)malloc(strlen(a) + strlen(b) + 64);
    HxKeySet *set = (HxKeySet *)SENTINEL;
    size_t n = 0;
    REQUIRE(doc != NULL);

    /* Two different keys under one kid: refused, naming the kid and both positions. */
    sprintf(doc, "{\"keys\":[%s,%s,%s]}", a, "{\"kty\":\"EC\",\"crv\":\"P-256K\"}", b);
    CHECK_STATUS(hx_keyset_from_jwks(doc, &set), HX_ERR_INVALID_KEY);
    CHECK(set == (HxKeySet *)SENTINEL);
    CHECK(last_error_mentions("kid \"dup\""));
    CHECK(last_error_mentions("keys[0] and keys[2]"));
    /* Allowing mixed sets does not lift it. */
    CHECK_STATUS(hx_keyset_from_jwks_mixed(doc, &set), HX_ERR_INVALID_KEY);
    CHECK(last_error_mentions("kid \"dup\""));

    /* The same key repeated under one kid is accepted and kept. */
    sprintf(doc, "{\"keys\":[%s,%s]}", a, a);
    CHECK_STATUS(hx_keyset_from_jwks(doc, &set), HX_OK);
    REQUIRE(set != (HxKeySet *)SENTINEL);
    CHECK_STATUS(hx_keyset_len(set, &n), HX_OK);
    CHECK(n == 2);
    hx_keyset_free(set);

    free(doc);
    hx_string_free(a);
    hx_string_free(b);
}

static void test_skipped_keys(void) {
    static const char DOC[] =
        "{\"keys\":["
        /* 0: X25519 (HX1), kid "hx1" */
        "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"kid\":\"hx1\","
        "\"x\":\"EU3wvSVXI4c0ZRTExhpx9aNxd9c0q7FRXnnxJtuCSEs\"},"
        /* 1: usable */
        ED_JWK("ed") ","
        /* 2: an encryption key, kid "e1" */
        "{\"kty\":\"RSA\",\"use\":\"enc\",\"kid\":\"e1\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
        /* 3: an unknown kty, no kid */
        "{\"kty\":\"PQC\"},"
        /* 4: a kid with a NUL character, an encryption alg */
        "{\"kty\":\"oct\",\"kid\":\"a\\u0000b\",\"alg\":\"A128KW\",\"k\":\"AAAA\"}"
        "]}";
    static const struct {
        size_t index;
        const char *kid;
        const char *reason_part;
    } WANT[] = {
        {0, "hx1", "X25519"},
        {2, "e1", "its use is \"enc\""},
        {3, NULL, "kty \"PQC\""},
        {4, "a\\0b", "A128KW"},
    };
    HxKeySet *set = NULL, *fresh = NULL;
    size_t n = 0, i, index = 0;
    const char *kid = NULL, *reason = NULL;

    CHECK_STATUS(hx_keyset_from_jwks(DOC, &set), HX_OK);
    REQUIRE(set != NULL);
    CHECK_STATUS(hx_keyset_len(set, &n), HX_OK);
    CHECK(n == 1);
    CHECK(skipped_count(set) == sizeof WANT / sizeof WANT[0]);
    for (i = 0; i < sizeof WANT / sizeof WANT[0]; i++) {
        index = (size_t)-1;
        kid = reason = (const char *)SENTINEL;
        CHECK_STATUS(hx_keyset_skipped(set, i, &index, &kid, &reason), HX_OK);
        CHECK(index == WANT[i].index);
        CHECK(str_is(kid, WANT[i].kid));
        CHECK(reason != NULL && strstr(reason, WANT[i].reason_part) != NULL);
        if (reason == NULL || strstr(reason, WANT[i].reason_part) == NULL)
            fprintf(stderr, "skipped #%u: reason %s\n", (unsigned)i, reason ? reason : "(null)");
    }
    /* The borrowed strings stay valid across other calls while the set lives. */
    CHECK_STATUS(hx_keyset_skipped(set, 0, &index, &kid, &reason), HX_OK);
    CHECK_STATUS(hx_keyset_new(&fresh), HX_OK);
    CHECK_STATUS(hx_keyset_from_jwks("not json", &fresh), HX_ERR_MALFORMED);
    CHECK(str_is(kid, "hx1") && strstr(reason, "X25519") != NULL);

    /* Out of range: an error, nothing written. */
    index = 77;
    kid = reason = (const char *)SENTINEL;
    CHECK_STATUS(hx_keyset_skipped(set, 4, &index, &kid, &reason), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("i is 4, but the set skipped 4 key(s)"));
    CHECK_STATUS(hx_keyset_skipped(set, (size_t)-1, &index, &kid, &reason),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK(index == 77 && kid == (const char *)SENTINEL && reason == (const char *)SENTINEL);

    /* NULL arguments. */
    CHECK_STATUS(hx_keyset_skipped_count(NULL, &n), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("set is NULL"));
    CHECK_STATUS(hx_keyset_skipped_count(set, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("out is NULL"));
    CHECK_STATUS(hx_keyset_skipped(NULL, 0, &index, &kid, &reason), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_keyset_skipped(set, 0, NULL, &kid, &reason), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("out_index is NULL"));
    CHECK_STATUS(hx_keyset_skipped(set, 0, &index, NULL, &reason), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("out_kid is NULL"));
    CHECK_STATUS(hx_keyset_skipped(set, 0, &index, &kid, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("out_reason is NULL"));
    CHECK(index == 77 && kid == (const char *)SENTINEL);
    CHECK_STATUS(hx_keyset_from_jwks_mixed(NULL, &set), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("jwks_json is NULL"));
    CHECK_STATUS(hx_keyset_from_jwks_mixed(MIXED, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("out is NULL"));
    CHECK_STATUS(hx_keyset_from_jwks_mixed("{\"keys\":[\"\xff\"]}", &set), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_keyset_from_jwks_mixed("not json", &set), HX_ERR_MALFORMED);

    /* A set made by hand, or grown by hand, lists nothing / keeps its list. */
    CHECK(skipped_count(fresh) == 0);
    CHECK_STATUS(hx_keyset_skipped(fresh, 0, &index, &kid, &reason), HX_ERR_INVALID_ARGUMENT);
    {
        HxKey *key = NULL;
        REQUIRE(hx_key_generate("ES256", &key) == HX_OK);
        CHECK_STATUS(hx_keyset_add(set, key), HX_OK);
        CHECK(skipped_count(set) == 4);
        hx_key_free(key);
    }

    /* A remote set does not list skipped keys: it says so instead of answering 0. */
    {
        HxKeySet *remote = NULL;
        CHECK_STATUS(hx_keyset_from_url("https://issuer.example/jwks.json", NULL, &remote), HX_OK);
        CHECK_STATUS(hx_keyset_skipped_count(remote, &n), HX_ERR_INVALID_ARGUMENT);
        CHECK(last_error_mentions("remote key set"));
        CHECK_STATUS(hx_keyset_skipped(remote, 0, &index, &kid, &reason),
                     HX_ERR_INVALID_ARGUMENT);
        hx_keyset_free(remote);
    }

    hx_keyset_free(fresh);
    hx_keyset_free(set);
}

static void test_empty_audience_and_issuer(void) {
    const char *alg = "HS256";
    HxValidation *v = NULL;
    REQUIRE(hx_validation_new(&alg, 1, &v) == HX_OK);
    CHECK_STATUS(hx_validation_add_audience(v, ""), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("never a valid audience"));
    CHECK_STATUS(hx_validation_add_issuer(v, ""), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("never a valid issuer"));
    CHECK_STATUS(hx_validation_add_audience(v, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("audience is NULL"));
    CHECK_STATUS(hx_validation_add_audience(NULL, "api"), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_validation_add_audience(v, "api"), HX_OK);
    CHECK_STATUS(hx_validation_add_issuer(v, "https://issuer.example"), HX_OK);

    /* The refused empty audience was not recorded: a token for "api" still decodes. */
    {
        HxKey *secret = NULL;
        char *token = NULL, *claims = NULL;
        REQUIRE(hx_key_from_jwk(HS_JWK("hs"), &secret) == HX_OK);
        CHECK_STATUS(hx_jwt_encode(secret, "HS256", NULL,
                                   "{\"aud\":\"api\",\"iss\":\"https://issuer.example\","
                                   "\"exp\":4000000000}",
                                   &token),
                     HX_OK);
        CHECK_STATUS(hx_jwt_decode(secret, NULL, token, v, &claims), HX_OK);
        hx_string_free(claims);
        hx_string_free(token);
        hx_key_free(secret);
    }
    hx_validation_free(v);
}

int main(void) {
    test_mixed_sets();
    test_duplicate_kids();
    test_skipped_keys();
    test_empty_audience_and_issuer();
    return DONE();
}
