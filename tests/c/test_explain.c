/*
 * hx_jwt_explain and hx_explain_jwt (issue 17 item 5): every check of a token reported at once,
 * as JSON, with the HX_ERR_* code hx_jwt_decode / hx_validate_jwt return for the first failure;
 * claims only after a verified signature; never an acceptance; NULL and hostile arguments.
 */
#include "hxtest.h"
#include "json.h"

#define T0 INT64_C(1767225600)

static char sentinel_storage;
#define SENTINEL ((void *)&sentinel_storage)

static const char SECRET[] = "a secret of at least thirty-two bytes!!";

/* The check named `name` of a parsed report (the first one), or NULL. */
static const JsonValue *find_check(const JsonValue *report, const char *name) {
    const JsonValue *checks = json_get(report, "checks");
    if (checks == NULL || checks->type != JSON_ARRAY) return NULL;
    for (size_t i = 0; i < checks->count; i++) {
        const char *got = json_get_string(checks->items[i], "check");
        if (got != NULL && strcmp(got, name) == 0) return checks->items[i];
    }
    return NULL;
}

static int outcome_is(const JsonValue *report, const char *name, const char *outcome) {
    const JsonValue *c = find_check(report, name);
    const char *got = c ? json_get_string(c, "outcome") : NULL;
    return got != NULL && strcmp(got, outcome) == 0;
}

/* The check failed with `kind` and the status `code`. */
static int failed_with(const JsonValue *report, const char *name, const char *kind, HxStatus code) {
    const JsonValue *c = find_check(report, name);
    int64_t got = -1;
    const char *k = c ? json_get_string(c, "kind") : NULL;
    return outcome_is(report, name, "failed") && k != NULL && strcmp(k, kind) == 0 &&
           json_get_int(c, "code", &got) && got == (int64_t)code;
}

/* The first failed check's code. */
static int64_t first_failure_code(const JsonValue *report) {
    const JsonValue *checks = json_get(report, "checks");
    for (size_t i = 0; checks && i < checks->count; i++) {
        const char *o = json_get_string(checks->items[i], "outcome");
        int64_t code = -1;
        if (o && strcmp(o, "failed") == 0 && json_get_int(checks->items[i], "code", &code))
            return code;
    }
    return -1;
}

static JsonValue *explain(const HxKey *key, const HxKeySet *set, const char *token,
                          const HxValidation *v) {
    char *out = NULL;
    CHECK_STATUS(hx_jwt_explain(key, set, token, v, &out), HX_OK);
    REQUIRE(out != NULL);
    JsonValue *report = json_parse(out, strlen(out));
    REQUIRE(report != NULL);
    /* No key material in the report. */
    CHECK(strstr(out, "thirty-two") == NULL);
    hx_string_free(out);
    return report;
}

/* hx_jwt_decode's status for the token, which the report's first failure must carry. */
static HxStatus decode_status(const HxKey *key, const char *token, const HxValidation *v) {
    char *claims = NULL;
    HxStatus s = hx_jwt_decode(key, NULL, token, v, &claims);
    hx_string_free(claims);
    return s;
}

static void test_jws(void) {
    HxKey *key = NULL, *other = NULL;
    REQUIRE(hx_key_from_secret((const uint8_t *)SECRET, strlen(SECRET), &key) == HX_OK);
    REQUIRE(hx_key_from_secret((const uint8_t *)"another secret, thirty-two bytes long", 37,
                               &other) == HX_OK);
    const char *alg = "HS256";
    HxValidation *v = NULL;
    REQUIRE(hx_validation_new(&alg, 1, &v) == HX_OK);
    REQUIRE(hx_validation_set_time(v, T0) == HX_OK);
    REQUIRE(hx_validation_add_audience(v, "api") == HX_OK);
    REQUIRE(hx_validation_add_issuer(v, "login") == HX_OK);

    /* Three claim failures at once. */
    char *token = NULL;
    REQUIRE(hx_jwt_encode(key, "HS256", NULL,
                          "{\"iss\":\"mallory\",\"aud\":\"elsewhere\",\"exp\":1000}",
                          &token) == HX_OK);
    JsonValue *r = explain(key, NULL, token, v);
    CHECK(failed_with(r, "exp", "Expired", HX_ERR_EXPIRED));
    CHECK(failed_with(r, "aud", "WrongAudience", HX_ERR_WRONG_AUDIENCE));
    CHECK(failed_with(r, "iss", "IssuerMismatch", HX_ERR_ISSUER_MISMATCH));
    CHECK(outcome_is(r, "signature", "passed"));
    CHECK(first_failure_code(r) == (int64_t)decode_status(key, token, v));
    CHECK(json_get(r, "passed") && json_get(r, "passed")->type == JSON_BOOL &&
          !json_get(r, "passed")->boolean);
    CHECK(json_get_string(json_get(r, "claims"), "iss") != NULL);
    CHECK(strcmp(json_get_string(json_get(r, "header"), "alg"), "HS256") == 0);
    json_free(r);

    /* The same token through a key set. */
    HxKeySet *set = NULL;
    REQUIRE(hx_keyset_new(&set) == HX_OK);
    REQUIRE(hx_keyset_add(set, key) == HX_OK);
    r = explain(NULL, set, token, v);
    CHECK(failed_with(r, "exp", "Expired", HX_ERR_EXPIRED));
    json_free(r);
    hx_string_free(token);

    /* A bad signature: claims hidden, claim checks not checked. */
    REQUIRE(hx_jwt_encode(other, "HS256", NULL, "{\"exp\":1}", &token) == HX_OK);
    r = explain(key, NULL, token, v);
    CHECK(failed_with(r, "signature", "InvalidSignature", HX_ERR_INVALID_SIGNATURE));
    CHECK(outcome_is(r, "exp", "not_checked"));
    CHECK(json_get(r, "claims") && json_get(r, "claims")->type == JSON_NULL);
    CHECK(first_failure_code(r) == (int64_t)decode_status(key, token, v));
    json_free(r);
    hx_string_free(token);

    /* A valid token: passed, and hx_jwt_decode still decides. */
    REQUIRE(hx_jwt_encode(key, "HS256", NULL,
                          "{\"iss\":\"login\",\"aud\":\"api\",\"exp\":4102444800}",
                          &token) == HX_OK);
    r = explain(key, NULL, token, v);
    CHECK(json_get(r, "passed") && json_get(r, "passed")->boolean);
    CHECK(first_failure_code(r) == -1);
    CHECK(decode_status(key, token, v) == HX_OK);
    json_free(r);

    /* Malformed and hostile tokens: a report, never a crash. */
    const char *junk[] = {"", ".", "a.b", "a.b.c.d", "!!!.b.c", "e30.e30.", "\xff\xfe.x.y"};
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        char *out = NULL;
        HxStatus s = hx_jwt_explain(key, NULL, junk[i], v, &out);
        if (i == 6) {
            /* Not UTF-8: an unusable argument, as for hx_jwt_decode. */
            CHECK(s == HX_ERR_INVALID_ARGUMENT && out == NULL);
            continue;
        }
        CHECK_STATUS(s, HX_OK);
        JsonValue *j = out ? json_parse(out, strlen(out)) : NULL;
        CHECK(j != NULL);
        if (j) {
            /* "e30.e30." has a header, without alg: "algorithm" fails, Malformed too. */
            CHECK(first_failure_code(j) == (int64_t)HX_ERR_MALFORMED);
            CHECK(first_failure_code(j) == (int64_t)decode_status(key, junk[i], v));
            json_free(j);
        }
        hx_string_free(out);
    }

    /* NULL and misuse: HX_ERR_INVALID_ARGUMENT, the out-parameter untouched. */
    char *out = (char *)SENTINEL;
    CHECK_STATUS(hx_jwt_explain(key, NULL, NULL, v, &out), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwt_explain(key, NULL, token, NULL, &out), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwt_explain(NULL, NULL, token, v, &out), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwt_explain(key, set, token, v, &out), HX_ERR_INVALID_ARGUMENT);
    CHECK(out == (char *)SENTINEL);
    CHECK_STATUS(hx_jwt_explain(key, NULL, token, v, NULL), HX_ERR_INVALID_ARGUMENT);
    hx_string_free(token);

    hx_keyset_free(set);
    hx_validation_free(v);
    hx_key_free(key);
    hx_key_free(other);
}

static void test_hx1(void) {
    HxIdentity *alice = NULL, *bob = NULL, *carol = NULL;
    REQUIRE(hx_identity_generate("alice", &alice) == HX_OK);
    REQUIRE(hx_identity_generate("bob", &bob) == HX_OK);
    REQUIRE(hx_identity_generate("carol", &carol) == HX_OK);
    HxDirectory *dir = NULL;
    REQUIRE(hx_directory_new(&dir) == HX_OK);
    HxIdentity *ids[] = {alice, bob, carol};
    for (int i = 0; i < 3; i++) {
        char *mt = NULL;
        REQUIRE(hx_identity_machine_token(ids[i], &mt) == HX_OK);
        REQUIRE(hx_directory_add(dir, mt) == HX_OK);
        hx_string_free(mt);
    }
    HxEndpoint *a = NULL, *b = NULL;
    REQUIRE(hx_endpoint_new(alice, dir, &a) == HX_OK);
    REQUIRE(hx_endpoint_new(bob, dir, &b) == HX_OK);
    REQUIRE(hx_endpoint_set_time(a, T0) == HX_OK);
    REQUIRE(hx_endpoint_set_time(b, T0 + 10000) == HX_OK);

    /* For carol, presented to bob, and expired: both reported. */
    char *token = NULL;
    REQUIRE(hx_create_jwt(a, "carol", NULL, (const uint8_t *)"hi", 2, 60, &token) == HX_OK);
    char *out = NULL;
    CHECK_STATUS(hx_explain_jwt(b, token, NULL, &out), HX_OK);
    JsonValue *r = out ? json_parse(out, strlen(out)) : NULL;
    REQUIRE(r != NULL);
    CHECK(failed_with(r, "aud", "WrongAudience", HX_ERR_WRONG_AUDIENCE));
    CHECK(failed_with(r, "exp", "Expired", HX_ERR_EXPIRED));
    HxMessage *msg = NULL;
    CHECK(first_failure_code(r) == (int64_t)hx_validate_jwt(b, token, NULL, &msg));
    CHECK(msg == NULL);
    json_free(r);
    hx_string_free(out);
    hx_string_free(token);

    /* A valid token: passed, its payload's length only. */
    REQUIRE(hx_endpoint_set_time(b, T0) == HX_OK);
    REQUIRE(hx_create_jwt(a, "bob", NULL, (const uint8_t *)"payload!", 8, 60, &token) == HX_OK);
    out = NULL;
    CHECK_STATUS(hx_explain_jwt(b, token, NULL, &out), HX_OK);
    r = out ? json_parse(out, strlen(out)) : NULL;
    REQUIRE(r != NULL);
    int64_t len = 0;
    CHECK(json_get(r, "passed")->boolean);
    CHECK(json_get_int(r, "payload_len", &len) && len == 8);
    CHECK(strstr(out, "payload!") == NULL);
    json_free(r);
    hx_string_free(out);

    /* The sender's machine token given: a wrong one is IssuerMismatch. */
    char *carol_mt = NULL;
    REQUIRE(hx_identity_machine_token(carol, &carol_mt) == HX_OK);
    out = NULL;
    CHECK_STATUS(hx_explain_jwt(b, token, carol_mt, &out), HX_OK);
    r = out ? json_parse(out, strlen(out)) : NULL;
    REQUIRE(r != NULL);
    CHECK(failed_with(r, "issuer", "IssuerMismatch", HX_ERR_ISSUER_MISMATCH));
    json_free(r);
    hx_string_free(out);
    hx_string_free(carol_mt);

    /* NULL and hostile arguments. */
    out = (char *)SENTINEL;
    CHECK_STATUS(hx_explain_jwt(NULL, token, NULL, &out), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_explain_jwt(b, NULL, NULL, &out), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_explain_jwt(b, "\xff", NULL, &out), HX_ERR_INVALID_ARGUMENT);
    CHECK(hx_explain_jwt(b, token, "{not a jwk", &out) != HX_OK);
    CHECK(out == (char *)SENTINEL);
    CHECK_STATUS(hx_explain_jwt(b, token, NULL, NULL), HX_ERR_INVALID_ARGUMENT);
    out = NULL;
    CHECK_STATUS(hx_explain_jwt(b, "a.b.c.d", NULL, &out), HX_OK);
    CHECK(out != NULL && strstr(out, "\"Malformed\"") != NULL);
    hx_string_free(out);
    hx_string_free(token);

    hx_endpoint_free(a);
    hx_endpoint_free(b);
    hx_directory_free(dir);
    hx_identity_free(alice);
    hx_identity_free(bob);
    hx_identity_free(carol);
}

int main(void) {
    test_jws();
    test_hx1();
    return DONE();
}
