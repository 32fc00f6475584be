/*
 * Standard JWTs through the C ABI: HxKey, HxKeySet, HxValidation, hx_jwt_encode / hx_jwt_decode /
 * hx_jwt_decode_header. Round trips for every algorithm with generated keys, the test PEM keys of
 * tests/vectors/keys, the defences reachable from C, every claim check with its status and
 * hx_last_error_claim(), key sets, threads sharing one validation and key set, and NULL / misuse
 * for every function.
 */
#include <pthread.h>

#include "hxtest.h"
#include "json.h"

#define T0 INT64_C(1767225600)

/* A pointer value that no call may write: out-parameters start with it and must keep it. */
static char sentinel_storage;
#define SENTINEL ((void *)&sentinel_storage)

static const char *const ALGS[] = {"HS256", "HS384", "HS512", "RS256", "RS384",
                                   "RS512", "PS256", "PS384", "PS512", "ES256",
                                   "ES384", "ES512", "ES256K", "EdDSA", "Ed25519"};
#define N_ALGS (sizeof ALGS / sizeof ALGS[0])

/* exp one hour after T0. */
static const char CLAIMS[] = "{\"sub\":\"user-7\",\"iat\":1767225600,\"exp\":1767229200}";

static int last_error_mentions(const char *what) {
    return strstr(hx_last_error_message(), what) != NULL;
}

static int claim_is(const char *want) {
    const char *got = hx_last_error_claim();
    if (want == NULL) return got == NULL;
    return got != NULL && strcmp(got, want) == 0;
}

/* A validation accepting one algorithm, with the clock stopped at T0. */
static HxValidation *validation_for(const char *alg) {
    HxValidation *v = NULL;
    REQUIRE(hx_validation_new(&alg, 1, &v) == HX_OK);
    REQUIRE(hx_validation_set_time(v, T0) == HX_OK);
    return v;
}

static char *encode(const HxKey *key, const char *alg, const char *header, const char *claims) {
    char *token = NULL;
    HxStatus s = hx_jwt_encode(key, alg, header, claims, &token);
    if (s != HX_OK)
        fprintf(stderr, "encode %s: %s: %s\n", alg, hx_status_name(s), hx_last_error_message());
    REQUIRE(s == HX_OK && token != NULL);
    return token;
}

/* hx_jwt_decode must fail with `want`, name `claim` (or none), and leave the out-param alone. */
#define CHECK_DECODE_FAILS(key, set, token, v, want, claim)                              \
    do {                                                                                \
        char *out_ = (char *)SENTINEL;                                                  \
        CHECK_STATUS(hx_jwt_decode((key), (set), (token), (v), &out_), (want));         \
        CHECK(out_ == (char *)SENTINEL);                                                \
        CHECK(hx_last_error_message()[0] != '\0');                                      \
        CHECK(claim_is(claim));                                                         \
    } while (0)

/* hx_jwt_decode must succeed; the claims are returned parsed (free with json_free). */
static JsonValue *decode_ok(const HxKey *key, const HxKeySet *set, const char *token,
                            const HxValidation *v) {
    char *claims = NULL;
    JsonValue *doc = NULL;
    HxStatus s = hx_jwt_decode(key, set, token, v, &claims);
    CHECK_STATUS(s, HX_OK);
    if (s != HX_OK) return NULL;
    CHECK(strcmp(hx_last_error_message(), "") == 0 && hx_last_error_claim() == NULL);
    doc = json_parse(claims, strlen(claims));
    CHECK(doc != NULL && doc->type == JSON_OBJECT);
    hx_string_free(claims);
    return doc;
}

/* A token from its parts: the header and payload JSON are base64url-encoded, sig as given. */
static char *craft(const char *header, const char *payload, const char *sig) {
    char *h = hxt_b64url_encode((const unsigned char *)header, strlen(header));
    char *p = hxt_b64url_encode((const unsigned char *)payload, strlen(payload));
    char *token = (char *)malloc(strlen(h) + strlen(p) + strlen(sig) + 3);
    REQUIRE(h && p && token);
    sprintf(token, "%s.%s.%s", h, p, sig);
    free(h);
    free(p);
    return token;
}

/* The signature segment of a token (a pointer into it). */
static const char *signature_of(const char *token) {
    return strrchr(token, '.') + 1;
}

/* ---- round trips ---- */

#if defined(__SANITIZE_ADDRESS__)
#define HXT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HXT_ASAN 1
#endif
#endif

/* A generated key for `alg`. RSA key generation takes some 15 s under valgrind, so there the RSA
 * algorithms get the test key keys/rsa2048.pkcs8.pem instead, restricted to each algorithm and
 * named by its thumbprint as a generated key is (its private JWK with "alg" and "kid" added); the
 * ASan build, at native speed, generates every key. */
static HxKey *pem_key(const char *file, HxStatus want);

static HxKey *generate(const char *alg) {
    HxKey *key = NULL;
#ifndef HXT_ASAN
    if (alg[0] == 'R' || alg[0] == 'P') {
        HxKey *pem = pem_key("rsa2048.pkcs8.pem", HX_OK);
        char *jwk = NULL, *tp = NULL, *named;
        REQUIRE(pem != NULL && hx_key_to_private_jwk(pem, &jwk) == HX_OK &&
                hx_key_thumbprint(pem, &tp) == HX_OK);
        named = (char *)malloc(strlen(jwk) + strlen(tp) + 32);
        REQUIRE(named != NULL);
        sprintf(named, "%.*s,\"alg\":\"%s\",\"kid\":\"%s\"}", (int)(strlen(jwk) - 1), jwk, alg, tp);
        CHECK_STATUS(hx_key_from_jwk(named, &key), HX_OK);
        free(named);
        hx_string_free(jwk);
        hx_string_free(tp);
        hx_key_free(pem);
        return key;
    }
#endif
    CHECK_STATUS(hx_key_generate(alg, &key), HX_OK);
    return key;
}

static void round_trip(const char *alg) {
    HxKey *key = NULL, *verifier = NULL, *reloaded = NULL, *from_public_jwk = NULL;
    HxValidation *v = validation_for(alg);
    char *token, *jwk = NULL, *public_jwk = NULL, *tp = NULL, *tp_public = NULL, *header = NULL;
    JsonValue *claims, *h;
    int hmac = alg[0] == 'H';

    key = generate(alg);
    REQUIRE(key != NULL);
    CHECK(hx_key_is_private(key));
    CHECK(hx_key_algorithm(key) != NULL && strcmp(hx_key_algorithm(key), alg) == 0);
    /* A generated key's kid is its RFC 7638 thumbprint (43 base64url characters). */
    CHECK_STATUS(hx_key_thumbprint(key, &tp), HX_OK);
    CHECK(tp != NULL && strlen(tp) == 43);
    CHECK(hx_key_kid(key) != NULL && tp != NULL && strcmp(hx_key_kid(key), tp) == 0);

    token = encode(key, hx_key_algorithm(key), NULL, CLAIMS);
    CHECK_STATUS(hx_jwt_decode_header(token, &header), HX_OK);
    h = header ? json_parse(header, strlen(header)) : NULL;
    CHECK(h != NULL && json_get_string(h, "alg") && strcmp(json_get_string(h, "alg"), alg) == 0);
    CHECK(h != NULL && json_get_string(h, "typ") && strcmp(json_get_string(h, "typ"), "JWT") == 0);
    CHECK(h != NULL && json_get_string(h, "kid") && strcmp(json_get_string(h, "kid"), tp) == 0);
    json_free(h);
    hx_string_free(header);

    /* The private JWK loads back to a key that signs the same way. */
    CHECK_STATUS(hx_key_to_private_jwk(key, &jwk), HX_OK);
    CHECK(jwk != NULL && strstr(jwk, hmac ? "\"k\":\"" : "\"d\":\"") != NULL);
    CHECK_STATUS(hx_key_from_jwk(jwk, &reloaded), HX_OK);
    CHECK(hx_key_is_private(reloaded));

    if (hmac) {
        /* A secret has no public half and is never published. */
        HxKey *nothing = (HxKey *)SENTINEL;
        CHECK_STATUS(hx_key_to_public(key, &nothing), HX_ERR_INVALID_KEY);
        CHECK_STATUS(hx_key_to_public_jwk(key, &public_jwk), HX_ERR_INVALID_KEY);
        CHECK(nothing == SENTINEL && public_jwk == NULL);
        verifier = reloaded;
        reloaded = NULL;
    } else {
        CHECK_STATUS(hx_key_to_public(key, &verifier), HX_OK);
        CHECK(verifier != NULL && !hx_key_is_private(verifier));
        CHECK_STATUS(hx_key_to_public_jwk(key, &public_jwk), HX_OK);
        CHECK(public_jwk != NULL && strstr(public_jwk, "\"d\"") == NULL);
        CHECK_STATUS(hx_key_from_jwk(public_jwk, &from_public_jwk), HX_OK);
        CHECK(!hx_key_is_private(from_public_jwk));
        CHECK_STATUS(hx_key_thumbprint(from_public_jwk, &tp_public), HX_OK);
        CHECK(tp && tp_public && strcmp(tp, tp_public) == 0);
        /* A public key cannot sign. */
        {
            char *none = (char *)SENTINEL;
            CHECK_STATUS(hx_jwt_encode(verifier, alg, NULL, CLAIMS, &none), HX_ERR_INVALID_KEY);
            CHECK(none == SENTINEL);
        }
    }

    claims = decode_ok(verifier, NULL, token, v);
    CHECK(claims && json_get_string(claims, "sub") && strcmp(json_get_string(claims, "sub"), "user-7") == 0);
    json_free(claims);
    if (from_public_jwk) {
        claims = decode_ok(from_public_jwk, NULL, token, v);
        json_free(claims);
    }
    if (reloaded) {
        /* A token of the reloaded private key verifies with the original's public half. */
        char *again = encode(reloaded, alg, NULL, CLAIMS);
        claims = decode_ok(verifier, NULL, again, v);
        json_free(claims);
        hx_string_free(again);
    }

    /* A changed signature (still canonical base64url) is refused. */
    {
        char *tampered = hxt_strdup(token);
        size_t n = strlen(tampered);
        tampered[n - 5] = tampered[n - 5] == 'A' ? 'B' : 'A';
        CHECK_DECODE_FAILS(verifier, NULL, tampered, v, HX_ERR_INVALID_SIGNATURE, NULL);
        free(tampered);
    }

    hx_string_free(token);
    hx_string_free(jwk);
    hx_string_free(public_jwk);
    hx_string_free(tp);
    hx_string_free(tp_public);
    hx_key_free(key);
    hx_key_free(verifier);
    hx_key_free(reloaded);
    hx_key_free(from_public_jwk);
    hx_validation_free(v);
}

static void test_round_trips(void) {
    size_t i;
    for (i = 0; i < N_ALGS; i++) round_trip(ALGS[i]);
    /* No algorithm "none", in any spelling, and no other unknown name. */
    {
        HxKey *key = (HxKey *)SENTINEL;
        CHECK_STATUS(hx_key_generate("none", &key), HX_ERR_UNSUPPORTED_ALGORITHM);
        CHECK_STATUS(hx_key_generate("hs256", &key), HX_ERR_UNSUPPORTED_ALGORITHM);
        CHECK_STATUS(hx_key_generate("", &key), HX_ERR_UNSUPPORTED_ALGORITHM);
        CHECK(key == SENTINEL);
    }
}

/* ---- PEM and DER keys ---- */

static HxKey *pem_key(const char *file, HxStatus want) {
    char path[256];
    char *pem;
    HxKey *key = NULL;
    snprintf(path, sizeof path, "keys/%s", file);
    pem = hxt_read_file(hxt_vector_path(path), NULL);
    REQUIRE(pem != NULL);
    CHECK_STATUS(hx_key_from_pem(pem, &key), want);
    if (want != HX_OK) CHECK(key == NULL);
    free(pem);
    return key;
}

/* The DER bytes of a PEM file (its base64 body). */
static unsigned char *pem_to_der(const char *file, size_t *len) {
    char path[256], *pem, *body, *w;
    const char *r;
    unsigned char *der;
    snprintf(path, sizeof path, "keys/%s", file);
    pem = hxt_read_file(hxt_vector_path(path), NULL);
    REQUIRE(pem != NULL);
    body = (char *)malloc(strlen(pem) + 1);
    REQUIRE(body != NULL);
    r = strchr(pem, '\n') + 1; /* past the BEGIN line */
    for (w = body; *r && *r != '-'; r++) {
        if (*r == '+') *w++ = '-';
        else if (*r == '/') *w++ = '_';
        else if (*r != '\n' && *r != '\r' && *r != '=') *w++ = *r;
    }
    der = hxt_b64url_decode(body, (size_t)(w - body), len);
    REQUIRE(der != NULL);
    free(pem);
    free(body);
    return der;
}

/* Signs with the private PEM, verifies with the public one (and with the private one). */
static void pem_pair(const char *private_file, const char *public_file, const char *alg) {
    HxKey *priv = pem_key(private_file, HX_OK), *pub = pem_key(public_file, HX_OK);
    HxValidation *v = validation_for(alg);
    char *token;
    JsonValue *claims;
    REQUIRE(priv != NULL && pub != NULL);
    CHECK(hx_key_is_private(priv) && !hx_key_is_private(pub));
    CHECK(hx_key_kid(priv) == NULL && hx_key_algorithm(priv) == NULL);
    token = encode(priv, alg, NULL, CLAIMS);
    claims = decode_ok(pub, NULL, token, v);
    json_free(claims);
    claims = decode_ok(priv, NULL, token, v);
    json_free(claims);
    hx_string_free(token);
    hx_key_free(priv);
    hx_key_free(pub);
    hx_validation_free(v);
}

static void test_pem_keys(void) {
    pem_pair("rsa2048.pkcs8.pem", "rsa2048.spki.pem", "RS256");
    pem_pair("rsa2048.pkcs1.pem", "rsa2048.pkcs1.pub.pem", "PS384");
    pem_pair("rsa2048.pkcs8.pem", "rsa2048.pkcs1.pub.pem", "RS512");
    pem_pair("ec-P-256.pkcs8.pem", "ec-P-256.spki.pem", "ES256");
    pem_pair("ec-P-256.sec1.pem", "ec-P-256.spki.pem", "ES256");
    pem_pair("ec-P-384.pkcs8.pem", "ec-P-384.spki.pem", "ES384");
    pem_pair("ec-P-384.sec1.pem", "ec-P-384.spki.pem", "ES384");
    pem_pair("ec-P-521.pkcs8.pem", "ec-P-521.spki.pem", "ES512");
    pem_pair("ec-P-521.sec1.pem", "ec-P-521.spki.pem", "ES512");
    pem_pair("ed25519.pkcs8.pem", "ed25519.spki.pem", "EdDSA");

    /* Keys hxjwt refuses: RSA under 2048 bits, a curve it does not support. */
    CHECK(pem_key("rsa1024.pkcs8.pem", HX_ERR_INVALID_KEY) == NULL);
    /* secp256k1 is ES256K's curve (RFC 8812): OpenSSL's key signs ES256K and nothing else. */
    {
        HxKey *k1 = pem_key("ec-secp256k1.pkcs8.pem", HX_OK);
        HxValidation *v = validation_for("ES256K");
        char *token = encode(k1, "ES256K", NULL, CLAIMS), *bad = NULL;
        JsonValue *claims = decode_ok(k1, NULL, token, v);
        json_free(claims);
        CHECK_STATUS(hx_jwt_encode(k1, "ES256", NULL, CLAIMS, &bad), HX_ERR_INVALID_KEY);
        CHECK(bad == NULL);
        hx_string_free(token);
        hx_validation_free(v);
        hx_key_free(k1);
    }
    /* An OpenSSH public key line through hx_key_from_pem: it verifies, never signs, and is
     * never an HMAC secret (ssh-keygen -y of keys/ec-P-256.pkcs8.pem). */
    {
        static const char SSH_P256[] =
            "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKw6isKVbHzwsxVf"
            "NR+ejgYVbC3RHOCjKM9T9N29plFYtO2hVo2NbL/uZtPQhpRCWQFvAgMT6yAlbFeeqlXa7ns= ci@hxjwt\n";
        HxKey *priv = pem_key("ec-P-256.pkcs8.pem", HX_OK), *ssh = NULL, *secret = (HxKey *)SENTINEL;
        HxValidation *v = validation_for("ES256");
        char *token = encode(priv, "ES256", NULL, CLAIMS), *bad = NULL;
        JsonValue *claims;
        CHECK_STATUS(hx_key_from_pem(SSH_P256, &ssh), HX_OK);
        REQUIRE(ssh != NULL);
        CHECK(!hx_key_is_private(ssh));
        claims = decode_ok(ssh, NULL, token, v);
        json_free(claims);
        CHECK_STATUS(hx_jwt_encode(ssh, "ES256", NULL, CLAIMS, &bad), HX_ERR_INVALID_KEY);
        CHECK_STATUS(hx_jwt_encode(ssh, "HS256", NULL, CLAIMS, &bad), HX_ERR_INVALID_KEY);
        CHECK(bad == NULL);
        CHECK_STATUS(hx_key_from_secret((const uint8_t *)SSH_P256, strlen(SSH_P256), &secret),
                     HX_ERR_INVALID_KEY);
        CHECK(secret == (HxKey *)SENTINEL);
        hx_string_free(token);
        hx_validation_free(v);
        hx_key_free(ssh);
        hx_key_free(priv);
    }
    {
        HxKey *key = (HxKey *)SENTINEL;
        CHECK_STATUS(hx_key_from_pem("not a pem", &key), HX_ERR_INVALID_KEY);
        CHECK_STATUS(hx_key_from_pem("", &key), HX_ERR_INVALID_KEY);
        CHECK(key == SENTINEL);
    }

    /* DER: PKCS#8 and SPKI. */
    {
        size_t priv_len = 0, pub_len = 0;
        unsigned char *priv_der = pem_to_der("ec-P-256.pkcs8.pem", &priv_len);
        unsigned char *pub_der = pem_to_der("ec-P-256.spki.pem", &pub_len);
        HxKey *priv = NULL, *pub = NULL, *bad = (HxKey *)SENTINEL;
        HxValidation *v = validation_for("ES256");
        char *token, *tp1 = NULL, *tp2 = NULL;
        JsonValue *claims;
        CHECK_STATUS(hx_key_from_der(priv_der, priv_len, &priv), HX_OK);
        CHECK_STATUS(hx_key_from_der(pub_der, pub_len, &pub), HX_OK);
        REQUIRE(priv != NULL && pub != NULL);
        CHECK(hx_key_is_private(priv) && !hx_key_is_private(pub));
        CHECK_STATUS(hx_key_thumbprint(priv, &tp1), HX_OK);
        CHECK_STATUS(hx_key_thumbprint(pub, &tp2), HX_OK);
        CHECK(tp1 && tp2 && strcmp(tp1, tp2) == 0);
        token = encode(priv, "ES256", NULL, CLAIMS);
        claims = decode_ok(pub, NULL, token, v);
        json_free(claims);
        CHECK_STATUS(hx_key_from_der(pub_der, pub_len / 2, &bad), HX_ERR_INVALID_KEY);
        CHECK_STATUS(hx_key_from_der((const uint8_t *)"junk", 4, &bad), HX_ERR_INVALID_KEY);
        CHECK_STATUS(hx_key_from_der(NULL, 0, &bad), HX_ERR_INVALID_KEY);
        CHECK(bad == SENTINEL);
        hx_string_free(token);
        hx_string_free(tp1);
        hx_string_free(tp2);
        hx_key_free(priv);
        hx_key_free(pub);
        hx_validation_free(v);
        free(priv_der);
        free(pub_der);
    }
}

/* ---- HMAC secrets ---- */

static void test_secrets(void) {
    static const uint8_t secret[32] = "0123456789abcdef0123456789abcde"; /* 31 chars + NUL */
    HxKey *key = NULL, *short_key = NULL, *lenient = NULL, *bad = (HxKey *)SENTINEL;
    HxValidation *v = validation_for("HS256");
    char *token = (char *)SENTINEL, *jwk = NULL;
    JsonValue *claims;

    /* 32 bytes, one of them NUL: the length counts, not strlen. */
    CHECK_STATUS(hx_key_from_secret(secret, sizeof secret, &key), HX_OK);
    REQUIRE(key != NULL);
    CHECK(hx_key_is_private(key) && hx_key_kid(key) == NULL && hx_key_algorithm(key) == NULL);
    token = encode(key, "HS256", NULL, CLAIMS);
    claims = decode_ok(key, NULL, token, v);
    json_free(claims);
    hx_string_free(token);
    /* HS384 needs 48 bytes. */
    token = (char *)SENTINEL;
    CHECK_STATUS(hx_jwt_encode(key, "HS384", NULL, CLAIMS, &token), HX_ERR_INVALID_KEY);
    CHECK(token == SENTINEL);

    /* A short secret is refused when used, unless explicitly allowed. */
    CHECK_STATUS(hx_key_from_secret((const uint8_t *)"short", 5, &short_key), HX_OK);
    CHECK_STATUS(hx_jwt_encode(short_key, "HS256", NULL, CLAIMS, &token), HX_ERR_INVALID_KEY);
    CHECK(last_error_mentions("at least 32"));
    CHECK(token == SENTINEL);
    CHECK_STATUS(hx_key_allow_short_secret(short_key, &lenient), HX_OK);
    token = encode(lenient, "HS256", NULL, CLAIMS);
    CHECK_DECODE_FAILS(short_key, NULL, token, v, HX_ERR_INVALID_KEY, NULL);
    claims = decode_ok(lenient, NULL, token, v);
    json_free(claims);
    hx_string_free(token);

    /* The secret round-trips through its JWK ("kty":"oct"). */
    CHECK_STATUS(hx_key_to_private_jwk(key, &jwk), HX_OK);
    CHECK(jwk && strstr(jwk, "\"kty\":\"oct\""));
    hx_string_free(jwk);

    /* Empty, and PEM text as an HMAC secret (the algorithm-confusion attack). */
    CHECK_STATUS(hx_key_from_secret((const uint8_t *)"", 0, &bad), HX_ERR_INVALID_KEY);
    CHECK_STATUS(hx_key_from_secret(NULL, 0, &bad), HX_ERR_INVALID_KEY);
    {
        char *pem = hxt_read_file(hxt_vector_path("keys/rsa2048.spki.pem"), NULL);
        REQUIRE(pem != NULL);
        CHECK_STATUS(hx_key_from_secret((const uint8_t *)pem, strlen(pem), &bad), HX_ERR_INVALID_KEY);
        free(pem);
    }
    CHECK(bad == SENTINEL);

    hx_key_free(key);
    hx_key_free(short_key);
    hx_key_free(lenient);
    hx_validation_free(v);
}

/* ---- defences ---- */

/* The claims come back exactly as the issuer signed them: member order, spacing and numbers
 * (an integer past 64 bits is not rounded through a double). */
static void test_claims_as_signed(void) {
    static const uint8_t secret[32] = "0123456789abcdef0123456789abcdef";
    HxKey *key = NULL;
    HxValidation *v = validation_for("HS256");
    char *token, *out = NULL, claims[256];
    snprintf(claims, sizeof claims,
             "{\"zeta\": 1, \"big\": 123456789012345678901234567890, \"exp\": %lld, "
             "\"alpha\": \"\\u00e9\"}",
             (long long)T0 + 60);
    CHECK_STATUS(hx_key_from_secret(secret, 32, &key), HX_OK);
    REQUIRE(key != NULL);
    token = encode(key, "HS256", NULL, claims);
    CHECK_STATUS(hx_jwt_decode(key, NULL, token, v, &out), HX_OK);
    CHECK(out != NULL && strcmp(out, claims) == 0);
    hx_string_free(out);
    hx_string_free(token);
    hx_key_free(key);
    hx_validation_free(v);
}

static void test_defences(void) {
    HxKey *hmac = NULL, *rsa = NULL, *rsa_pub = NULL, *ec = NULL, *attacker = NULL;
    HxValidation *v_hs = validation_for("HS256"), *v_es = validation_for("ES256"), *v_any;
    const char *both[] = {"HS256", "RS256"};
    char *hs_token, *es_token, *crafted, *public_jwk = NULL;

    REQUIRE(hx_key_generate("HS256", &hmac) == HX_OK);
    rsa = pem_key("rsa2048.pkcs8.pem", HX_OK);
    rsa_pub = pem_key("rsa2048.spki.pem", HX_OK);
    REQUIRE(rsa && rsa_pub);
    REQUIRE(hx_key_generate("ES256", &ec) == HX_OK);
    REQUIRE(hx_key_generate("ES256", &attacker) == HX_OK);
    REQUIRE(hx_validation_new(both, 2, &v_any) == HX_OK);
    REQUIRE(hx_validation_set_time(v_any, T0) == HX_OK);
    hs_token = encode(hmac, "HS256", NULL, CLAIMS);
    es_token = encode(ec, "ES256", NULL, CLAIMS);

    /* alg "none", in any spelling: refused before anything else. */
    crafted = craft("{\"alg\":\"none\",\"typ\":\"JWT\"}", CLAIMS, "");
    CHECK_DECODE_FAILS(hmac, NULL, crafted, v_hs, HX_ERR_UNSUPPORTED_ALGORITHM, NULL);
    free(crafted);
    crafted = craft("{\"alg\":\"NoNe\"}", CLAIMS, "");
    CHECK_DECODE_FAILS(hmac, NULL, crafted, v_hs, HX_ERR_UNSUPPORTED_ALGORITHM, NULL);
    free(crafted);
    {
        char *token = (char *)SENTINEL;
        CHECK_STATUS(hx_jwt_encode(hmac, "none", NULL, CLAIMS, &token), HX_ERR_UNSUPPORTED_ALGORITHM);
        CHECK(token == SENTINEL);
    }

    /* An algorithm the validation does not accept. */
    CHECK_DECODE_FAILS(hmac, NULL, hs_token, v_es, HX_ERR_UNSUPPORTED_ALGORITHM, NULL);
    CHECK(last_error_mentions("HS256"));

    /* An RSA public key is never an HMAC secret: not to verify (PEM or JWK), not to sign. */
    CHECK_DECODE_FAILS(rsa_pub, NULL, hs_token, v_any, HX_ERR_INVALID_KEY, NULL);
    CHECK_STATUS(hx_key_to_public_jwk(rsa_pub, &public_jwk), HX_OK);
    {
        HxKey *from_jwk = NULL;
        CHECK_STATUS(hx_key_from_jwk(public_jwk, &from_jwk), HX_OK);
        CHECK_DECODE_FAILS(from_jwk, NULL, hs_token, v_any, HX_ERR_INVALID_KEY, NULL);
        hx_key_free(from_jwk);
    }
    {
        char *token = (char *)SENTINEL;
        CHECK_STATUS(hx_jwt_encode(rsa, "HS256", NULL, CLAIMS, &token), HX_ERR_INVALID_KEY);
        CHECK_STATUS(hx_jwt_encode(ec, "ES384", NULL, CLAIMS, &token), HX_ERR_INVALID_KEY);
        CHECK_STATUS(hx_jwt_encode(hmac, "ES256", NULL, CLAIMS, &token), HX_ERR_INVALID_KEY);
        /* A generated key serves only its own algorithm. */
        CHECK_STATUS(hx_jwt_encode(hmac, "HS512", NULL, CLAIMS, &token), HX_ERR_INVALID_KEY);
        CHECK(token == SENTINEL);
    }
    /* ... and the classic forgery needs the public key's PEM as an HMAC secret: refused. */
    {
        char *pem = hxt_read_file(hxt_vector_path("keys/rsa2048.spki.pem"), NULL);
        HxKey *forger = (HxKey *)SENTINEL;
        REQUIRE(pem != NULL);
        CHECK_STATUS(hx_key_from_secret((const uint8_t *)pem, strlen(pem), &forger),
                     HX_ERR_INVALID_KEY);
        CHECK(forger == SENTINEL);
        free(pem);
    }

    /* crit and b64: refused (checked before the signature). */
    crafted = craft("{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}", CLAIMS, signature_of(hs_token));
    CHECK_DECODE_FAILS(hmac, NULL, crafted, v_hs, HX_ERR_UNKNOWN_HEADER, NULL);
    free(crafted);
    crafted = craft("{\"alg\":\"HS256\",\"b64\":false}", CLAIMS, signature_of(hs_token));
    CHECK_DECODE_FAILS(hmac, NULL, crafted, v_hs, HX_ERR_UNKNOWN_HEADER, NULL);
    free(crafted);
    {
        char *token = (char *)SENTINEL;
        CHECK_STATUS(hx_jwt_encode(hmac, "HS256", "{\"crit\":[\"x\"]}", CLAIMS, &token),
                     HX_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(hx_jwt_encode(hmac, "HS256", "{\"alg\":\"none\"}", CLAIMS, &token),
                     HX_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(hx_jwt_encode(hmac, "HS256", "{\"b64\":false}", CLAIMS, &token),
                     HX_ERR_INVALID_ARGUMENT);
        CHECK(token == SENTINEL);
    }

    /* A key in the header is never trusted: the attacker signs and ships its own public key. */
    {
        char *attacker_jwk = NULL, *header = NULL, *token;
        REQUIRE(hx_key_to_public_jwk(attacker, &attacker_jwk) == HX_OK);
        header = (char *)malloc(strlen(attacker_jwk) + 64);
        REQUIRE(header != NULL);
        sprintf(header, "{\"jwk\":%s,\"jku\":\"https://attacker.invalid/jwks\"}", attacker_jwk);
        token = encode(attacker, "ES256", header, CLAIMS);
        CHECK_DECODE_FAILS(ec, NULL, token, v_es, HX_ERR_INVALID_SIGNATURE, NULL);
        hx_string_free(token);
        hx_string_free(attacker_jwk);
        free(header);
    }

    /* Strict JSON and base64url: duplicate members, non-canonical encoding, extra segments. */
    crafted = craft("{\"alg\":\"HS256\",\"alg\":\"HS256\"}", CLAIMS, signature_of(hs_token));
    CHECK_DECODE_FAILS(hmac, NULL, crafted, v_hs, HX_ERR_MALFORMED, NULL);
    free(crafted);
    {
        char *token = (char *)SENTINEL;
        CHECK_STATUS(hx_jwt_encode(hmac, "HS256", NULL, "{\"a\":1,\"a\":2}", &token), HX_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(hx_jwt_encode(hmac, "HS256", NULL, "[1,2]", &token), HX_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(hx_jwt_encode(hmac, "HS256", NULL, "not json", &token), HX_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(hx_jwt_encode(hmac, "HS256", "[]", CLAIMS, &token), HX_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(hx_jwt_encode(hmac, "HS256", "{\"kid\":1,\"kid\":2}", CLAIMS, &token),
                     HX_ERR_INVALID_ARGUMENT);
        CHECK(token == SENTINEL);
    }
    CHECK_DECODE_FAILS(hmac, NULL, "", v_hs, HX_ERR_MALFORMED, NULL);
    CHECK_DECODE_FAILS(hmac, NULL, "a.b", v_hs, HX_ERR_MALFORMED, NULL);
    CHECK_DECODE_FAILS(hmac, NULL, "a.b.c.d.e", v_hs, HX_ERR_MALFORMED, NULL);
    {
        /* Padding is not base64url. */
        size_t n = strlen(hs_token);
        char *padded = (char *)malloc(n + 2);
        REQUIRE(padded != NULL);
        sprintf(padded, "%s=", hs_token);
        CHECK_DECODE_FAILS(hmac, NULL, padded, v_hs, HX_ERR_MALFORMED, NULL);
        free(padded);
    }
    /* A signature changed in its last bits only (non-canonical base64url or a wrong MAC). */
    {
        char *t = hxt_strdup(hs_token);
        size_t n = strlen(t);
        HxStatus s;
        char *out = (char *)SENTINEL;
        t[n - 1] = t[n - 1] == 'A' ? 'B' : 'A';
        s = hx_jwt_decode(hmac, NULL, t, v_hs, &out);
        CHECK(s == HX_ERR_MALFORMED || s == HX_ERR_INVALID_SIGNATURE);
        CHECK(out == SENTINEL);
        free(t);
    }

    /* The size limit. */
    {
        HxValidation *small = validation_for("HS256");
        CHECK_STATUS(hx_validation_set_max_token_length(small, strlen(hs_token) - 1), HX_OK);
        CHECK_DECODE_FAILS(hmac, NULL, hs_token, small, HX_ERR_MALFORMED, NULL);
        CHECK_STATUS(hx_validation_set_max_token_length(small, strlen(hs_token)), HX_OK);
        json_free(decode_ok(hmac, NULL, hs_token, small));
        hx_validation_free(small);
    }

    /* The wrong key of the right type. */
    CHECK_DECODE_FAILS(attacker, NULL, es_token, v_es, HX_ERR_INVALID_SIGNATURE, NULL);

    hx_string_free(hs_token);
    hx_string_free(es_token);
    hx_string_free(public_jwk);
    hx_key_free(hmac);
    hx_key_free(rsa);
    hx_key_free(rsa_pub);
    hx_key_free(ec);
    hx_key_free(attacker);
    hx_validation_free(v_hs);
    hx_validation_free(v_es);
    hx_validation_free(v_any);
}

/* ---- claims ---- */

static void test_claims(void) {
    HxKey *key = NULL;
    HxValidation *v = validation_for("HS256");
    char *token;
    JsonValue *claims;
    REQUIRE(hx_key_generate("HS256", &key) == HX_OK);

#define WITH(claims_json) (hx_string_free(token), token = encode(key, "HS256", NULL, (claims_json)))
    token = encode(key, "HS256", NULL, CLAIMS);

    /* exp: expired at T0 + 3600 exactly; the leeway tolerates skew. */
    CHECK_STATUS(hx_validation_set_time(v, T0 + 3600), HX_OK);
    CHECK_DECODE_FAILS(key, NULL, token, v, HX_ERR_EXPIRED, "exp");
    CHECK(strncmp(hx_last_error_message(), "Expired: ", 9) == 0);
    CHECK_STATUS(hx_validation_set_leeway(v, 1), HX_OK);
    json_free(decode_ok(key, NULL, token, v));
    CHECK_STATUS(hx_validation_set_leeway(v, 0), HX_OK);
    CHECK_STATUS(hx_validation_set_verify_exp(v, false), HX_OK);
    json_free(decode_ok(key, NULL, token, v));
    CHECK_STATUS(hx_validation_set_verify_exp(v, true), HX_OK);
    CHECK_STATUS(hx_validation_set_time(v, T0), HX_OK);

    /* Required claims: exp by default. */
    WITH("{\"sub\":\"user-7\"}");
    CHECK_DECODE_FAILS(key, NULL, token, v, HX_ERR_MISSING_CLAIM, "exp");
    CHECK_STATUS(hx_validation_set_required_claims(v, NULL, 0), HX_OK);
    json_free(decode_ok(key, NULL, token, v));
    {
        const char *required[] = {"exp", "jti"};
        CHECK_STATUS(hx_validation_set_required_claims(v, required, 2), HX_OK);
        WITH(CLAIMS);
        CHECK_DECODE_FAILS(key, NULL, token, v, HX_ERR_MISSING_CLAIM, "jti");
        WITH("{\"exp\":1767229200,\"jti\":\"t-1\"}");
        json_free(decode_ok(key, NULL, token, v));
        CHECK_STATUS(hx_validation_set_required_claims(v, required, 1), HX_OK);
    }

    /* nbf and iat in the future. */
    WITH("{\"exp\":1767229200,\"nbf\":1767225660}");
    CHECK_DECODE_FAILS(key, NULL, token, v, HX_ERR_NOT_YET_VALID, "nbf");
    CHECK_STATUS(hx_validation_set_verify_nbf(v, false), HX_OK);
    json_free(decode_ok(key, NULL, token, v));
    CHECK_STATUS(hx_validation_set_verify_nbf(v, true), HX_OK);
    WITH("{\"exp\":1767229200,\"iat\":1767225660}");
    CHECK_DECODE_FAILS(key, NULL, token, v, HX_ERR_NOT_YET_VALID, "iat");
    CHECK_STATUS(hx_validation_set_leeway(v, 60), HX_OK);
    json_free(decode_ok(key, NULL, token, v));
    CHECK_STATUS(hx_validation_set_leeway(v, 0), HX_OK);
    CHECK_STATUS(hx_validation_set_verify_iat(v, false), HX_OK);
    json_free(decode_ok(key, NULL, token, v));
    CHECK_STATUS(hx_validation_set_verify_iat(v, true), HX_OK);

    /* A NumericDate must be a number. */
    WITH("{\"exp\":\"1767229200\"}");
    CHECK_DECODE_FAILS(key, NULL, token, v, HX_ERR_INVALID_CLAIM, "exp");

    /* Maximum age, from iat (which it requires). */
    WITH("{\"exp\":1767229200,\"iat\":1767225000}");
    CHECK_STATUS(hx_validation_set_max_age(v, 300), HX_OK);
    CHECK_DECODE_FAILS(key, NULL, token, v, HX_ERR_EXPIRED, "iat");
    WITH("{\"exp\":1767229200}");
    CHECK_DECODE_FAILS(key, NULL, token, v, HX_ERR_MISSING_CLAIM, "iat");
    CHECK_STATUS(hx_validation_set_max_age(v, 600), HX_OK);
    WITH("{\"exp\":1767229200,\"iat\":1767225000}");
    json_free(decode_ok(key, NULL, token, v));
    CHECK_STATUS(hx_validation_set_max_age(v, 0), HX_OK);

    /* Audience: none configured refuses a token that has one. */
    WITH("{\"exp\":1767229200,\"aud\":[\"billing\",\"api\"]}");
    CHECK_DECODE_FAILS(key, NULL, token, v, HX_ERR_WRONG_AUDIENCE, "aud");
    CHECK_STATUS(hx_validation_add_audience(v, "orders"), HX_OK);
    CHECK_DECODE_FAILS(key, NULL, token, v, HX_ERR_WRONG_AUDIENCE, "aud");
    CHECK_STATUS(hx_validation_add_audience(v, "api"), HX_OK);
    json_free(decode_ok(key, NULL, token, v)); /* any of */
    WITH("{\"exp\":1767229200,\"aud\":\"orders\"}");
    json_free(decode_ok(key, NULL, token, v));
    WITH("{\"exp\":1767229200}");
    CHECK_DECODE_FAILS(key, NULL, token, v, HX_ERR_MISSING_CLAIM, "aud");
    WITH("{\"exp\":1767229200,\"aud\":42}");
    CHECK_DECODE_FAILS(key, NULL, token, v, HX_ERR_INVALID_CLAIM, "aud");
    WITH("{\"exp\":1767229200,\"aud\":\"elsewhere\"}");
    CHECK_STATUS(hx_validation_set_verify_aud(v, false), HX_OK);
    json_free(decode_ok(key, NULL, token, v));
    CHECK_STATUS(hx_validation_set_verify_aud(v, true), HX_OK);
    CHECK_DECODE_FAILS(key, NULL, token, v, HX_ERR_WRONG_AUDIENCE, "aud");

    /* Issuer: one of. */
    CHECK_STATUS(hx_validation_set_verify_aud(v, false), HX_OK);
    CHECK_STATUS(hx_validation_add_issuer(v, "https://login.example.com"), HX_OK);
    CHECK_STATUS(hx_validation_add_issuer(v, "https://login2.example.com"), HX_OK);
    WITH("{\"exp\":1767229200,\"iss\":\"https://login2.example.com\"}");
    json_free(decode_ok(key, NULL, token, v));
    WITH("{\"exp\":1767229200,\"iss\":\"https://evil.example.com\"}");
    CHECK_DECODE_FAILS(key, NULL, token, v, HX_ERR_ISSUER_MISMATCH, "iss");
    WITH("{\"exp\":1767229200}");
    CHECK_DECODE_FAILS(key, NULL, token, v, HX_ERR_MISSING_CLAIM, "iss");

    /* Subject. */
    WITH("{\"exp\":1767229200,\"iss\":\"https://login.example.com\",\"sub\":\"user-8\"}");
    CHECK_STATUS(hx_validation_set_subject(v, "user-7"), HX_OK);
    CHECK_DECODE_FAILS(key, NULL, token, v, HX_ERR_INVALID_CLAIM, "sub");
    CHECK_STATUS(hx_validation_set_subject(v, "user-8"), HX_OK);
    claims = decode_ok(key, NULL, token, v);
    CHECK(claims && json_get_string(claims, "iss") &&
          strcmp(json_get_string(claims, "iss"), "https://login.example.com") == 0);
    json_free(claims);
    CHECK_STATUS(hx_validation_set_subject(v, NULL), HX_OK);
    WITH("{\"exp\":1767229200,\"iss\":\"https://login.example.com\"}");
    json_free(decode_ok(key, NULL, token, v));

    /* The header typ, case-insensitively. */
    CHECK_STATUS(hx_validation_set_typ(v, "at+jwt"), HX_OK);
    CHECK_DECODE_FAILS(key, NULL, token, v, HX_ERR_INVALID_CLAIM, "typ");
    hx_string_free(token);
    token = encode(key, "HS256", "{\"typ\":\"AT+JWT\"}", "{\"exp\":1767229200,\"iss\":\"https://login.example.com\"}");
    json_free(decode_ok(key, NULL, token, v));
    CHECK_STATUS(hx_validation_set_typ(v, NULL), HX_OK);
    json_free(decode_ok(key, NULL, token, v));

    /* The claims come back as given: nested values, unicode, numbers. */
    WITH("{\"exp\":1767229200,\"iss\":\"https://login.example.com\",\"roles\":[\"a\",\"b\"],"
         "\"name\":\"Zo\\u00eb \\\"Z\\\"\",\"n\":-5,\"nested\":{\"x\":true}}");
    claims = decode_ok(key, NULL, token, v);
    CHECK(claims && json_get(claims, "roles") && json_get(claims, "roles")->count == 2);
    CHECK(claims && json_get_string(claims, "name") &&
          strcmp(json_get_string(claims, "name"), "Zo\xc3\xab \"Z\"") == 0);
    {
        int64_t n = 0;
        CHECK(claims && json_get_int(claims, "n", &n) && n == -5);
    }
    CHECK(claims && json_get(claims, "nested") && json_get(claims, "nested")->type == JSON_OBJECT);
    json_free(claims);

    /* The system clock: a token of T0 + 1 hour expired long ago (the clock is past 2026). */
    CHECK_STATUS(hx_validation_use_system_clock(v), HX_OK);
    {
        char *out = (char *)SENTINEL;
        HxStatus s = hx_jwt_decode(key, NULL, token, v, &out);
        CHECK(s == HX_ERR_EXPIRED || s == HX_OK); /* depends on today's date */
        if (s == HX_OK) hx_string_free(out);
    }
#undef WITH
    hx_string_free(token);
    hx_key_free(key);
    hx_validation_free(v);
}

/* ---- headers ---- */

static void test_headers(void) {
    HxKey *key = NULL, *named = NULL;
    char *token, *header = NULL;
    JsonValue *h;
    REQUIRE(hx_key_generate("EdDSA", &key) == HX_OK);
    REQUIRE(hx_key_with_kid(key, "2026-01", &named) == HX_OK);
    CHECK(strcmp(hx_key_kid(named), "2026-01") == 0);
    CHECK(strcmp(hx_key_kid(key), "2026-01") != 0); /* the original is unchanged */
    CHECK(strcmp(hx_key_algorithm(named), "EdDSA") == 0);

    token = encode(named, "EdDSA", "{\"cty\":\"json\",\"x-tenant\":\"acme\"}", CLAIMS);
    CHECK_STATUS(hx_jwt_decode_header(token, &header), HX_OK);
    h = header ? json_parse(header, strlen(header)) : NULL;
    CHECK(h && json_get_string(h, "kid") && strcmp(json_get_string(h, "kid"), "2026-01") == 0);
    CHECK(h && json_get_string(h, "cty") && strcmp(json_get_string(h, "cty"), "json") == 0);
    CHECK(h && json_get_string(h, "x-tenant") && strcmp(json_get_string(h, "x-tenant"), "acme") == 0);
    json_free(h);
    hx_string_free(header);
    hx_string_free(token);

    /* The header's kid and typ replace the defaults. */
    token = encode(named, "EdDSA", "{\"kid\":\"other\",\"typ\":\"at+jwt\"}", CLAIMS);
    header = NULL;
    CHECK_STATUS(hx_jwt_decode_header(token, &header), HX_OK);
    CHECK(header && strstr(header, "\"kid\":\"other\"") && strstr(header, "\"typ\":\"at+jwt\""));
    hx_string_free(header);
    hx_string_free(token);

    /* decode_header reads without verifying, but strictly. */
    {
        char *out = (char *)SENTINEL, *crafted;
        crafted = craft("{\"alg\":\"ES256\",\"kid\":\"k\"}", "{}", "c2ln");
        CHECK_STATUS(hx_jwt_decode_header(crafted, &out), HX_OK);
        CHECK(out != SENTINEL && strstr(out, "\"kid\":\"k\""));
        if (out != SENTINEL) hx_string_free(out);
        free(crafted);
        out = (char *)SENTINEL;
        CHECK_STATUS(hx_jwt_decode_header("nodots", &out), HX_ERR_MALFORMED);
        CHECK_STATUS(hx_jwt_decode_header("e30=.e30.e30", &out), HX_ERR_MALFORMED);
        CHECK_STATUS(hx_jwt_decode_header("W10.e30.e30", &out), HX_ERR_MALFORMED); /* [] */
        crafted = craft("{\"a\":1,\"a\":1}", "{}", "");
        CHECK_STATUS(hx_jwt_decode_header(crafted, &out), HX_ERR_MALFORMED);
        free(crafted);
        CHECK(out == SENTINEL);
    }
    hx_key_free(key);
    hx_key_free(named);
}

/* ---- key sets ---- */

static void test_keysets(void) {
    HxKey *k1 = NULL, *k2 = NULL, *k3 = NULL, *hmac = NULL, *pem = NULL, *pem_named = NULL;
    HxKeySet *private_set = NULL, *public_set = NULL, *empty = NULL;
    HxValidation *v;
    const char *algs[] = {"ES256", "RS256", "HS256"};
    char *jwks = NULL, *t1, *t2, *t3, *t_pem, *t_nokid;
    size_t n = 0;

    REQUIRE(hx_validation_new(algs, 3, &v) == HX_OK);
    REQUIRE(hx_validation_set_time(v, T0) == HX_OK);
    REQUIRE(hx_key_generate("ES256", &k1) == HX_OK);
    REQUIRE(hx_key_generate("ES256", &k2) == HX_OK);
    REQUIRE(hx_key_generate("ES256", &k3) == HX_OK); /* not in the set */
    REQUIRE(hx_key_generate("HS256", &hmac) == HX_OK);
    pem = pem_key("rsa2048.pkcs8.pem", HX_OK);
    REQUIRE(pem != NULL && hx_key_with_kid(pem, "rsa-1", &pem_named) == HX_OK);

    CHECK_STATUS(hx_keyset_new(&private_set), HX_OK);
    CHECK_STATUS(hx_keyset_len(private_set, &n), HX_OK);
    CHECK(n == 0);
    CHECK_STATUS(hx_keyset_add(private_set, k1), HX_OK);
    CHECK_STATUS(hx_keyset_add(private_set, k2), HX_OK);
    CHECK_STATUS(hx_keyset_add(private_set, pem_named), HX_OK);
    CHECK_STATUS(hx_keyset_add(private_set, hmac), HX_OK);
    CHECK_STATUS(hx_keyset_len(private_set, &n), HX_OK);
    CHECK(n == 4);

    /* The public set: no private member, no HMAC secret. */
    CHECK_STATUS(hx_keyset_to_public_jwks(private_set, &jwks), HX_OK);
    REQUIRE(jwks != NULL);
    CHECK(strstr(jwks, "\"d\"") == NULL && strstr(jwks, "\"oct\"") == NULL);
    CHECK(strstr(jwks, hx_key_kid(k1)) && strstr(jwks, hx_key_kid(k2)) && strstr(jwks, "rsa-1"));
    CHECK_STATUS(hx_keyset_from_jwks(jwks, &public_set), HX_OK);
    CHECK_STATUS(hx_keyset_len(public_set, &n), HX_OK);
    CHECK(n == 3);

    t1 = encode(k1, "ES256", NULL, CLAIMS);
    t2 = encode(k2, "ES256", NULL, CLAIMS);
    t3 = encode(k3, "ES256", NULL, CLAIMS);
    t_pem = encode(pem_named, "RS256", NULL, CLAIMS);
    t_nokid = encode(pem, "RS256", NULL, CLAIMS);
    json_free(decode_ok(NULL, public_set, t1, v));
    json_free(decode_ok(NULL, public_set, t2, v));
    json_free(decode_ok(NULL, public_set, t_pem, v));
    json_free(decode_ok(NULL, public_set, t_nokid, v)); /* no kid: the keys that fit RS256 */
    CHECK_DECODE_FAILS(NULL, public_set, t3, v, HX_ERR_KEY_NOT_FOUND, NULL);
    CHECK(last_error_mentions(hx_key_kid(k3)));
    /* The HMAC secret stays private: only the private set verifies its tokens. */
    {
        char *ths = encode(hmac, "HS256", NULL, CLAIMS);
        CHECK_DECODE_FAILS(NULL, public_set, ths, v, HX_ERR_KEY_NOT_FOUND, NULL);
        json_free(decode_ok(NULL, private_set, ths, v));
        hx_string_free(ths);
    }
    /* A token with k1's kid but k3's signature. */
    {
        char header[128];
        char *forged;
        snprintf(header, sizeof header, "{\"kid\":\"%s\"}", hx_key_kid(k1));
        forged = encode(k3, "ES256", header, CLAIMS);
        CHECK_DECODE_FAILS(NULL, public_set, forged, v, HX_ERR_INVALID_SIGNATURE, NULL);
        hx_string_free(forged);
    }
    /* Keys can be added later; the added key is a copy. */
    CHECK_STATUS(hx_keyset_add(public_set, k3), HX_OK);
    hx_key_free(k3);
    k3 = NULL;
    json_free(decode_ok(NULL, public_set, t3, v));

    /* An empty set finds nothing. */
    CHECK_STATUS(hx_keyset_from_jwks("{\"keys\":[]}", &empty), HX_OK);
    CHECK_DECODE_FAILS(NULL, empty, t1, v, HX_ERR_KEY_NOT_FOUND, NULL);

    /* JWK Sets: foreign keys are skipped; bad documents and bad keys are refused. */
    {
        HxKeySet *set = (HxKeySet *)SENTINEL, *skipped = NULL;
        CHECK_STATUS(hx_keyset_from_jwks("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":"
                                         "\"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo\"}]}",
                                         &skipped),
                     HX_OK);
        CHECK_STATUS(hx_keyset_len(skipped, &n), HX_OK);
        CHECK(n == 0);
        hx_keyset_free(skipped);
        CHECK_STATUS(hx_keyset_from_jwks("not json", &set), HX_ERR_MALFORMED);
        CHECK_STATUS(hx_keyset_from_jwks("{\"nokeys\":[]}", &set), HX_ERR_MALFORMED);
        CHECK_STATUS(hx_keyset_from_jwks("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\"}]}", &set),
                     HX_ERR_INVALID_KEY);
        CHECK(set == SENTINEL);
    }

    hx_string_free(jwks);
    hx_string_free(t1);
    hx_string_free(t2);
    hx_string_free(t3);
    hx_string_free(t_pem);
    hx_string_free(t_nokid);
    hx_key_free(k1);
    hx_key_free(k2);
    hx_key_free(hmac);
    hx_key_free(pem);
    hx_key_free(pem_named);
    hx_keyset_free(private_set);
    hx_keyset_free(public_set);
    hx_keyset_free(empty);
    hx_validation_free(v);
}

/* ---- threads: one key set and one validation shared, changed while in use ---- */

#define N_THREADS 4
#define N_ROUNDS 25

typedef struct Shared {
    HxKeySet *set;
    HxValidation *v;
    const char *token;
    int ok, expired, wrong;
} Shared;

static void *decoder(void *arg) {
    Shared *s = (Shared *)arg;
    int i;
    for (i = 0; i < N_ROUNDS; i++) {
        char *claims = NULL;
        HxStatus st = hx_jwt_decode(NULL, s->set, s->token, s->v, &claims);
        /* Each decode sees the leeway before or after a change: never anything else. */
        if (st == HX_OK && claims != NULL && strstr(claims, "user-7") != NULL) s->ok++;
        else if (st == HX_ERR_EXPIRED && hx_last_error_claim() != NULL &&
                 strcmp(hx_last_error_claim(), "exp") == 0)
            s->expired++;
        else
            s->wrong++;
        hx_string_free(claims);
    }
    return NULL;
}

static void test_threads(void) {
    pthread_t threads[N_THREADS];
    Shared shared[N_THREADS];
    HxKey *key = NULL, *extra = NULL;
    HxKeySet *set = NULL;
    HxValidation *v = validation_for("HS256");
    char *token;
    int i, total = 0, total_wrong = 0;
    REQUIRE(hx_key_generate("HS256", &key) == HX_OK);
    REQUIRE(hx_keyset_new(&set) == HX_OK && hx_keyset_add(set, key) == HX_OK);
    token = encode(key, "HS256", NULL, CLAIMS);
    /* exp is T0 + 3600: at T0 + 3600 the token is expired without leeway, valid with some. */
    REQUIRE(hx_validation_set_time(v, T0 + 3600) == HX_OK);
    for (i = 0; i < N_THREADS; i++) {
        shared[i].set = set;
        shared[i].v = v;
        shared[i].token = token;
        shared[i].ok = shared[i].expired = shared[i].wrong = 0;
        REQUIRE(pthread_create(&threads[i], NULL, decoder, &shared[i]) == 0);
    }
    for (i = 0; i < 20; i++) {
        CHECK_STATUS(hx_validation_set_leeway(v, (uint64_t)(i % 2) * 10), HX_OK);
        REQUIRE(hx_key_generate("HS256", &extra) == HX_OK);
        CHECK_STATUS(hx_keyset_add(set, extra), HX_OK);
        hx_key_free(extra);
    }
    for (i = 0; i < N_THREADS; i++) {
        pthread_join(threads[i], NULL);
        total += shared[i].ok + shared[i].expired;
        total_wrong += shared[i].wrong;
    }
    CHECK(total_wrong == 0);
    CHECK(total == N_THREADS * N_ROUNDS);
    {
        size_t n = 0;
        CHECK_STATUS(hx_keyset_len(set, &n), HX_OK);
        CHECK(n == 21);
    }
    hx_string_free(token);
    hx_key_free(key);
    hx_keyset_free(set);
    hx_validation_free(v);
}

/* ---- NULL and misuse ---- */

static void test_null_arguments(void) {
    HxKey *key = NULL, *k = (HxKey *)SENTINEL;
    HxKeySet *set = NULL, *ks = (HxKeySet *)SENTINEL;
    HxValidation *v = NULL, *vs = (HxValidation *)SENTINEL;
    char *s = (char *)SENTINEL, *token = NULL;
    size_t n = 12345;
    const char *alg = "HS256";
    const char *with_null[] = {"HS256", NULL};
    const char *not_utf8[] = {"HS256", "\xff"};
    static const uint8_t secret[32] = {1};

    REQUIRE(hx_key_generate("HS256", &key) == HX_OK);
    REQUIRE(hx_keyset_new(&set) == HX_OK);
    REQUIRE(hx_validation_new(&alg, 1, &v) == HX_OK);
    token = encode(key, "HS256", NULL, CLAIMS);

    /* Keys. */
    CHECK_STATUS(hx_key_from_jwk(NULL, &k), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("jwk_json is NULL"));
    CHECK_STATUS(hx_key_from_jwk("{}", NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("out is NULL"));
    CHECK_STATUS(hx_key_from_jwk("{\"kty\":\"oct\",\"k\":\"\xff\"}", &k), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("jwk_json is not valid UTF-8"));
    CHECK_STATUS(hx_key_from_jwk("{}", &k), HX_ERR_INVALID_KEY);
    CHECK_STATUS(hx_key_from_jwk("not json", &k), HX_ERR_INVALID_KEY);
    CHECK_STATUS(hx_key_from_jwk("{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":"
                                 "\"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo\"}", &k),
                 HX_ERR_INVALID_KEY);
    CHECK_STATUS(hx_key_from_pem(NULL, &k), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("pem is NULL"));
    CHECK_STATUS(hx_key_from_pem("x", NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_key_from_pem("\xc3(", &k), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_key_from_der(NULL, 5, &k), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("der is NULL"));
    CHECK_STATUS(hx_key_from_der(secret, sizeof secret, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_key_from_secret(NULL, 32, &k), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("secret is NULL"));
    CHECK_STATUS(hx_key_from_secret(secret, sizeof secret, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_key_generate(NULL, &k), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("alg is NULL"));
    CHECK_STATUS(hx_key_generate("HS256", NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_key_generate("HS\xff", &k), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_key_with_kid(NULL, "kid", &k), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("key is NULL"));
    CHECK_STATUS(hx_key_with_kid(key, NULL, &k), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("kid is NULL"));
    CHECK_STATUS(hx_key_with_kid(key, "\xff", &k), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_key_with_kid(key, "kid", NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_key_allow_short_secret(NULL, &k), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_key_allow_short_secret(key, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_key_to_public(NULL, &k), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_key_to_public(key, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_key_to_public_jwk(NULL, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_key_to_public_jwk(key, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("out_public_jwk_json is NULL"));
    CHECK_STATUS(hx_key_to_private_jwk(NULL, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_key_to_private_jwk(key, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("out_private_jwk_json is NULL"));
    CHECK_STATUS(hx_key_thumbprint(NULL, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_key_thumbprint(key, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("out_thumbprint is NULL"));
    CHECK(hx_key_kid(NULL) == NULL);
    CHECK(hx_key_algorithm(NULL) == NULL);
    CHECK(!hx_key_is_private(NULL));

    /* Key sets. */
    CHECK_STATUS(hx_keyset_new(NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_keyset_from_jwks(NULL, &ks), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("jwks_json is NULL"));
    CHECK_STATUS(hx_keyset_from_jwks("{\"keys\":[]}", NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_keyset_from_jwks("{\"keys\":[\"\xff\"]}", &ks), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_keyset_add(NULL, key), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("set is NULL"));
    CHECK_STATUS(hx_keyset_add(set, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("key is NULL"));
    CHECK_STATUS(hx_keyset_len(NULL, &n), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_keyset_len(set, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_keyset_to_public_jwks(NULL, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_keyset_to_public_jwks(set, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("out_jwks_json is NULL"));

    /* Validations. */
    CHECK_STATUS(hx_validation_new(NULL, 0, &vs), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("algorithms is empty"));
    CHECK_STATUS(hx_validation_new(&alg, 0, &vs), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_validation_new(NULL, 1, &vs), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("algorithms is NULL"));
    CHECK_STATUS(hx_validation_new(with_null, 2, &vs), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("algorithms[1] is NULL"));
    CHECK_STATUS(hx_validation_new(not_utf8, 2, &vs), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("algorithms[1] is not valid UTF-8"));
    CHECK_STATUS(hx_validation_new(&alg, 1, NULL), HX_ERR_INVALID_ARGUMENT);
    {
        const char *bad[] = {"HS256", "none"};
        const char *lower[] = {"es256"};
        CHECK_STATUS(hx_validation_new(bad, 2, &vs), HX_ERR_UNSUPPORTED_ALGORITHM);
        CHECK_STATUS(hx_validation_new(lower, 1, &vs), HX_ERR_UNSUPPORTED_ALGORITHM);
    }
    CHECK_STATUS(hx_validation_set_leeway(NULL, 1), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("v is NULL"));
    CHECK_STATUS(hx_validation_add_audience(NULL, "a"), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_validation_add_audience(v, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("audience is NULL"));
    CHECK_STATUS(hx_validation_add_audience(v, "\xff"), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_validation_add_issuer(NULL, "i"), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_validation_add_issuer(v, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("issuer is NULL"));
    CHECK_STATUS(hx_validation_set_subject(NULL, "s"), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_validation_set_subject(v, "\xff"), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("subject is not valid UTF-8"));
    CHECK_STATUS(hx_validation_set_required_claims(NULL, NULL, 0), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_validation_set_required_claims(v, NULL, 2), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("claims is NULL"));
    CHECK_STATUS(hx_validation_set_required_claims(v, with_null, 2), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("claims[1] is NULL"));
    CHECK_STATUS(hx_validation_set_typ(NULL, "JWT"), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_validation_set_typ(v, "\xff"), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_validation_set_max_age(NULL, 1), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_validation_set_max_token_length(NULL, 1), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_validation_set_max_token_length(v, 0), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_validation_set_verify_exp(NULL, false), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_validation_set_verify_nbf(NULL, false), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_validation_set_verify_iat(NULL, false), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_validation_set_verify_aud(NULL, false), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_validation_set_time(NULL, T0), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_validation_use_system_clock(NULL), HX_ERR_INVALID_ARGUMENT);

    /* Encode and decode. */
    CHECK_STATUS(hx_jwt_encode(NULL, "HS256", NULL, CLAIMS, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("key is NULL"));
    CHECK_STATUS(hx_jwt_encode(key, NULL, NULL, CLAIMS, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("alg is NULL"));
    CHECK_STATUS(hx_jwt_encode(key, "HS256", NULL, NULL, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("claims_json is NULL"));
    CHECK_STATUS(hx_jwt_encode(key, "HS256", NULL, CLAIMS, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("out_token is NULL"));
    CHECK_STATUS(hx_jwt_encode(key, "HS256", "{\"x\":\"\xff\"}", CLAIMS, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("header_json is not valid UTF-8"));
    CHECK_STATUS(hx_jwt_encode(key, "HS256", NULL, "{\"x\":\"\xff\"}", &s), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("claims_json is not valid UTF-8"));
    CHECK_STATUS(hx_jwt_decode(NULL, NULL, token, v, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("both NULL"));
    CHECK_STATUS(hx_jwt_decode(key, set, token, v, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("both set"));
    CHECK_STATUS(hx_jwt_decode(key, NULL, NULL, v, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("token is NULL"));
    CHECK_STATUS(hx_jwt_decode(key, NULL, "\xff.a.b", v, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("token is not valid UTF-8"));
    CHECK_STATUS(hx_jwt_decode(key, NULL, token, NULL, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("v is NULL"));
    CHECK_STATUS(hx_jwt_decode(key, NULL, token, v, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("out_claims_json is NULL"));
    CHECK_STATUS(hx_jwt_decode_header(NULL, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwt_decode_header(token, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("out_header_json is NULL"));
    CHECK_STATUS(hx_jwt_decode_header("\xff", &s), HX_ERR_INVALID_ARGUMENT);
    CHECK(hx_last_error_claim() == NULL);

    /* Out-parameters untouched by every failure above. */
    CHECK(k == SENTINEL && ks == SENTINEL && vs == SENTINEL && s == SENTINEL && n == 12345);

    /* Every free accepts NULL. */
    hx_key_free(NULL);
    hx_keyset_free(NULL);
    hx_validation_free(NULL);
    CHECK(1);

    hx_string_free(token);
    hx_key_free(key);
    hx_keyset_free(set);
    hx_validation_free(v);
}

/* The claim of the last error lives until the next call on the thread, and a success clears it. */
static void test_last_error_claim(void) {
    HxKey *key = NULL;
    HxValidation *v = validation_for("HS256");
    char *token, *out = NULL;
    REQUIRE(hx_key_generate("HS256", &key) == HX_OK);
    token = encode(key, "HS256", NULL, "{\"sub\":\"x\"}");
    CHECK_STATUS(hx_jwt_decode(key, NULL, token, v, &out), HX_ERR_MISSING_CLAIM);
    CHECK(claim_is("exp"));
    (void)hx_status_name(HX_OK); /* accessors leave it alone */
    (void)hx_key_kid(key);
    CHECK(claim_is("exp") && last_error_mentions("exp"));
    CHECK_STATUS(hx_jwt_decode(key, NULL, "x", v, &out), HX_ERR_MALFORMED);
    CHECK(claim_is(NULL));
    CHECK_STATUS(hx_validation_set_required_claims(v, NULL, 0), HX_OK);
    CHECK_STATUS(hx_jwt_decode(key, NULL, token, v, &out), HX_OK);
    CHECK(claim_is(NULL) && strcmp(hx_last_error_message(), "") == 0);
    hx_string_free(out);
    hx_string_free(token);
    hx_key_free(key);
    hx_validation_free(v);
}

int main(void) {
    test_round_trips();
    test_pem_keys();
    test_secrets();
    test_claims_as_signed();
    test_defences();
    test_claims();
    test_headers();
    test_keysets();
    test_threads();
    test_null_arguments();
    test_last_error_claim();
    return DONE();
}
