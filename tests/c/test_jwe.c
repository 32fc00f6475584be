/*
 * Standard encrypted JWTs (JWE) through the C ABI:
 * - every vector of tests/vectors/jwe.json (format in tests/vectors/make_jwe_vectors.py): the
 *   positive ones decrypt to their plaintext (and aad), the negative ones fail with their
 *   HX_ERR_* and leave every out-parameter alone;
 * - round trips for every alg x enc (ECDH over X25519 and P-256, RSA-OAEP with the vectors' RSA
 *   key: no RSA key generation, which takes seconds under valgrind), ECDH-1PU, the JSON
 *   serialization with two recipients and aad, nested JWTs with a key and a key set;
 * - NULL and invalid UTF-8 arguments, out-parameters untouched on failure;
 * - hostile tokens: huge p2c, truncated tags, swapped serializations, a JWS, a zip bomb, an
 *   over-long token, all refused with the right status; one message for every decryption
 *   failure;
 * - threads sharing keys and options, while the options change.
 */
#include <pthread.h>

#include "hxtest.h"
#include "json.h"

#define MAX_KEYS 64

/* PBKDF2 in the debug library under valgrind takes a second or two per PBES2 token (p2c 1000,
 * some 50 times slower than natively): there, the PBES2 round trips run for one encryption and
 * the PBES2 vectors for the first of each algorithm, to stay well within the 180 s bound of
 * make c-test. The ASan build, at native speed, runs every vector and every round trip. */
#if defined(__SANITIZE_ADDRESS__)
#define HXT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HXT_ASAN 1
#endif
#endif
#ifdef HXT_ASAN
#define HXT_ALL_SLOW 1
#else
#define HXT_ALL_SLOW 0
#endif

static struct {
    size_t n;
    const char *names[MAX_KEYS];
    HxJweKey *private_keys[MAX_KEYS];
    HxJweKey *public_keys[MAX_KEYS]; /* the public half, or the secret itself for "oct" */
} keys;

static HxJweKey *vector_key(const char *name, int public_half) {
    size_t i;
    for (i = 0; name != NULL && i < keys.n; i++)
        if (strcmp(keys.names[i], name) == 0)
            return public_half ? keys.public_keys[i] : keys.private_keys[i];
    fprintf(stderr, "no key named %s in the vectors\n", name ? name : "(null)");
    hx_failed++;
    return NULL;
}

static void load_keys(const JsonValue *jwks) {
    size_t i;
    REQUIRE(jwks != NULL && jwks->type == JSON_OBJECT && jwks->count <= MAX_KEYS);
    for (i = 0; i < jwks->count; i++) {
        char *text = json_raw(jwks->items[i]);
        const char *kty = json_get_string(jwks->items[i], "kty");
        HxJweKey *private_key = NULL, *public_key = NULL;
        REQUIRE(text != NULL && kty != NULL);
        CHECK_STATUS(hx_jwe_key_from_jwk(text, &private_key), HX_OK);
        REQUIRE(private_key != NULL);
        CHECK(hx_jwe_key_is_private(private_key));
        if (strcmp(kty, "oct") == 0) {
            REQUIRE(hx_jwe_key_from_jwk(text, &public_key) == HX_OK);
            CHECK_STATUS(hx_jwe_key_to_public(private_key, &public_key), HX_ERR_INVALID_KEY);
        } else {
            CHECK_STATUS(hx_jwe_key_to_public(private_key, &public_key), HX_OK);
            REQUIRE(public_key != NULL);
            CHECK(!hx_jwe_key_is_private(public_key));
        }
        keys.names[keys.n] = jwks->keys[i];
        keys.private_keys[keys.n] = private_key;
        keys.public_keys[keys.n] = public_key;
        keys.n++;
        free(text);
    }
}

static void free_keys(void) {
    size_t i;
    for (i = 0; i < keys.n; i++) {
        hx_jwe_key_free(keys.private_keys[i]);
        hx_jwe_key_free(keys.public_keys[i]);
    }
}

/* The strings of a JSON array (borrowed), in a new array; NULL when not an array of strings. */
static const char **string_array(const JsonValue *a, size_t *n) {
    const char **out;
    size_t i;
    if (a == NULL || a->type != JSON_ARRAY) return NULL;
    out = (const char **)malloc((a->count + 1) * sizeof *out);
    REQUIRE(out != NULL);
    for (i = 0; i < a->count; i++) {
        if (a->items[i]->type != JSON_STRING) {
            free(out);
            return NULL;
        }
        out[i] = a->items[i]->string;
    }
    *n = a->count;
    return out;
}

static HxJweOptions *options_of(const JsonValue *entry) {
    size_t n_algs = 0, n_encs = 0;
    const char **algs = string_array(json_get(entry, "algorithms"), &n_algs);
    const char **encs = string_array(json_get(entry, "encryptions"), &n_encs);
    HxJweOptions *o = NULL;
    int64_t zip;
    REQUIRE(algs != NULL && encs != NULL);
    CHECK_STATUS(hx_jwe_options_new(algs, n_algs, encs, n_encs, &o), HX_OK);
    free((void *)algs);
    free((void *)encs);
    if (o != NULL && json_get_int(entry, "allow_zip", &zip) && zip > 0)
        CHECK_STATUS(hx_jwe_options_allow_zip(o, (size_t)zip), HX_OK);
    return o;
}

#define SENTINEL ((void *)0x5eed)

/* Decrypts a vector's token; out-parameters are left at SENTINEL unless HX_OK. */
static HxStatus decrypt_vector(const JsonValue *entry, uint8_t **plaintext, size_t *len,
                               char **header, uint8_t **aad, size_t *aad_len) {
    const char *token = json_get_string(entry, "token");
    const char *serialization = json_get_string(entry, "serialization");
    const char *sender_name = json_get_string(entry, "sender");
    const HxJweKey *key = vector_key(json_get_string(entry, "key"), 0);
    const HxJweKey *sender = sender_name ? vector_key(sender_name, 1) : NULL;
    HxJweOptions *o = options_of(entry);
    HxStatus st;
    REQUIRE(token != NULL && serialization != NULL && key != NULL && o != NULL);
    if (strcmp(serialization, "json") == 0) {
        st = hx_jwe_decrypt_json(&key, 1, sender ? &sender : NULL, sender ? 1 : 0, token, o,
                                 plaintext, len, header, aad, aad_len);
    } else if (sender != NULL) {
        st = hx_jwe_decrypt_1pu(&key, 1, &sender, 1, token, o, plaintext, len, header);
    } else {
        st = hx_jwe_decrypt(&key, 1, token, o, plaintext, len, header);
    }
    hx_jwe_options_free(o);
    return st;
}

static int same_b64(const uint8_t *bytes, size_t len, const char *want_b64) {
    char *got = hxt_b64url_encode(bytes, len);
    int same = got != NULL && want_b64 != NULL && strcmp(got, want_b64) == 0;
    free(got);
    return same;
}

/* Whether a PBES2 vector is skipped here (see HXT_ALL_SLOW): all but the first of each alg. */
static int skip_slow(const JsonValue *entry) {
    static int seen[3];
    const JsonValue *algs = json_get(entry, "algorithms");
    const char *alg;
    int i;
    if (HXT_ALL_SLOW || algs == NULL || algs->type != JSON_ARRAY || algs->count != 1 ||
        algs->items[0]->type != JSON_STRING)
        return 0;
    alg = algs->items[0]->string;
    if (strncmp(alg, "PBES2-HS", 8) != 0) return 0;
    i = alg[8] == '2' ? 0 : alg[8] == '3' ? 1 : 2;
    return seen[i]++ > 0;
}

static void positive_vectors(const JsonValue *list) {
    size_t i, skipped = 0;
    REQUIRE(list != NULL && list->type == JSON_ARRAY && list->count > 300);
    for (i = 0; i < list->count; i++) {
        const JsonValue *entry = list->items[i];
        const char *name = json_get_string(entry, "name");
        const char *want_aad = json_get_string(entry, "aad_b64url");
        uint8_t *plaintext = (uint8_t *)SENTINEL, *aad = (uint8_t *)SENTINEL;
        size_t len = 7, aad_len = 7;
        char *header = (char *)SENTINEL;
        HxStatus st;
        if (skip_slow(entry)) {
            skipped++;
            continue;
        }
        st = decrypt_vector(entry, &plaintext, &len, &header, &aad, &aad_len);
        if (st != HX_OK) {
            fprintf(stderr, "%s: %s: %s\n", name, hx_status_name(st), hx_last_error_message());
            hx_failed++;
            continue;
        }
        hx_passed++;
        CHECK(same_b64(plaintext, len, json_get_string(entry, "plaintext_b64url")));
        CHECK(plaintext[len] == 0);
        CHECK(header != NULL && header[0] == '{' && strstr(header, "\"enc\"") != NULL);
        if (strcmp(json_get_string(entry, "serialization"), "json") == 0) {
            if (want_aad != NULL)
                CHECK(aad != NULL && same_b64(aad, aad_len, want_aad));
            else
                CHECK(aad == NULL && aad_len == 0);
            hx_bytes_free(aad, aad_len);
        }
        hx_bytes_free(plaintext, len);
        hx_string_free(header);
    }
    if (skipped > 0)
        printf("note: %zu PBES2 vectors left to the ASan run (slow under valgrind)\n", skipped);
}

static HxStatus status_of_kind(const char *kind) {
    static const struct {
        const char *kind;
        HxStatus status;
    } table[] = {{"Malformed", HX_ERR_MALFORMED},
                 {"UnsupportedAlgorithm", HX_ERR_UNSUPPORTED_ALGORITHM},
                 {"UnknownHeader", HX_ERR_UNKNOWN_HEADER},
                 {"InvalidKey", HX_ERR_INVALID_KEY},
                 {"DecryptionFailed", HX_ERR_DECRYPTION_FAILED},
                 {"KeyNotFound", HX_ERR_KEY_NOT_FOUND},
                 {"InvalidClaim", HX_ERR_INVALID_CLAIM}};
    size_t i;
    for (i = 0; kind && i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].kind, kind) == 0) return table[i].status;
    fprintf(stderr, "unknown error kind %s in the vectors\n", kind ? kind : "(null)");
    return HX_ERR_INTERNAL;
}

static void negative_vectors(const JsonValue *list) {
    size_t i;
    REQUIRE(list != NULL && list->type == JSON_ARRAY && list->count >= 20);
    for (i = 0; i < list->count; i++) {
        const JsonValue *entry = list->items[i];
        const char *name = json_get_string(entry, "name");
        HxStatus want = status_of_kind(json_get_string(entry, "error"));
        uint8_t *plaintext = (uint8_t *)SENTINEL, *aad = (uint8_t *)SENTINEL;
        size_t len = 7, aad_len = 7;
        char *header = (char *)SENTINEL;
        HxStatus st = decrypt_vector(entry, &plaintext, &len, &header, &aad, &aad_len);
        if (st != want) {
            fprintf(stderr, "%s: got %s, expected %s: %s\n", name, hx_status_name(st),
                    hx_status_name(want), hx_last_error_message());
            hx_failed++;
        } else {
            hx_passed++;
        }
        CHECK(plaintext == SENTINEL && len == 7 && header == SENTINEL && aad == SENTINEL &&
              aad_len == 7);
        CHECK(strlen(hx_last_error_message()) > 0);
    }
}

/* ---- round trips ---- */

static const char *const ENCS[] = {"A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512",
                                   "A128GCM",       "A192GCM",       "A256GCM"};
#define N_ENCS (sizeof ENCS / sizeof ENCS[0])

static size_t enc_key_len(const char *enc) {
    if (strstr(enc, "CBC") != NULL) return strncmp(enc, "A128", 4) == 0 ? 32 : enc[1] == '1' ? 48 : 64;
    return strncmp(enc, "A128", 4) == 0 ? 16 : enc[1] == '1' ? 24 : 32;
}

static HxJweKey *secret_key(size_t len) {
    static const uint8_t bytes[64] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13,
                                      14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
                                      27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39,
                                      40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52,
                                      53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64};
    HxJweKey *k = NULL;
    REQUIRE(hx_jwe_key_from_secret(bytes, len, &k) == HX_OK);
    return k;
}

/* Encrypts with `enc_key` and decrypts with `dec_key` (sender keys for ECDH-1PU when given). */
static void round_trip(const char *alg, const char *enc, const HxJweKey *enc_key,
                       const HxJweKey *dec_key, const HxJweKey *sender_private,
                       const HxJweKey *sender_public, const char *header_json) {
    static const uint8_t message[] = "a secret with a \0 NUL inside";
    const char *algs[1], *encs[1];
    char *token = NULL, *header = NULL;
    uint8_t *plaintext = NULL;
    size_t len = 0;
    HxJweOptions *o = NULL;
    HxStatus st;
    algs[0] = alg;
    encs[0] = enc;
    st = sender_private ? hx_jwe_encrypt_1pu(enc_key, sender_private, alg, enc, header_json,
                                             message, sizeof message, &token)
                        : hx_jwe_encrypt(enc_key, alg, enc, header_json, message, sizeof message,
                                         &token);
    if (st != HX_OK) {
        fprintf(stderr, "encrypt %s %s: %s: %s\n", alg, enc, hx_status_name(st),
                hx_last_error_message());
        hx_failed++;
        return;
    }
    REQUIRE(hx_jwe_options_new(algs, 1, encs, 1, &o) == HX_OK);
    st = sender_public ? hx_jwe_decrypt_1pu(&dec_key, 1, &sender_public, 1, token, o,
                                            &plaintext, &len, &header)
                       : hx_jwe_decrypt(&dec_key, 1, token, o, &plaintext, &len, &header);
    if (st != HX_OK) {
        fprintf(stderr, "decrypt %s %s: %s: %s\n", alg, enc, hx_status_name(st),
                hx_last_error_message());
        hx_failed++;
    } else {
        CHECK(len == sizeof message && memcmp(plaintext, message, len) == 0);
        CHECK(strstr(header, alg) != NULL && strstr(header, enc) != NULL);
        hx_bytes_free(plaintext, len);
        hx_string_free(header);
    }
    hx_jwe_options_free(o);
    hx_string_free(token);
}

static void round_trips(void) {
    static const char *const kw[] = {"A128KW", "A192KW", "A256KW"};
    static const char *const gcmkw[] = {"A128GCMKW", "A192GCMKW", "A256GCMKW"};
    static const char *const ecdh[] = {"ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW",
                                       "ECDH-ES+A256KW"};
    static const char *const onepu[] = {"ECDH-1PU", "ECDH-1PU+A128KW", "ECDH-1PU+A192KW",
                                        "ECDH-1PU+A256KW"};
    static const char *const pbes2[] = {"PBES2-HS256+A128KW", "PBES2-HS384+A192KW",
                                        "PBES2-HS512+A256KW"};
    static const char *const curves[] = {"x25519", "p256", "p384", "p521"};
    static const char *const senders[] = {"x25519-sender", "p256-sender", "p384-sender",
                                          "p521-sender"};
    size_t e, i, c;
    HxJweKey *password = NULL;
    REQUIRE(hx_jwe_key_from_password((const uint8_t *)"correct horse battery", 21, &password) ==
            HX_OK);
    for (e = 0; e < N_ENCS; e++) {
        const char *enc = ENCS[e];
        int slow_too = HXT_ALL_SLOW || e == 0;
        HxJweKey *cek = secret_key(enc_key_len(enc));
        round_trip("dir", enc, cek, cek, NULL, NULL, NULL);
        hx_jwe_key_free(cek);
        for (i = 0; i < 3; i++) {
            HxJweKey *kek = secret_key(16 + 8 * i);
            round_trip(kw[i], enc, kek, kek, NULL, NULL, NULL);
            round_trip(gcmkw[i], enc, kek, kek, NULL, NULL, "{\"typ\":\"JWT\"}");
            if (slow_too)
                round_trip(pbes2[i], enc, password, password, NULL, NULL, "{\"p2c\":1000}");
            hx_jwe_key_free(kek);
        }
        for (c = 0; c < 4; c++) {
            /* Every curve with the direct and one key-wrapped form; X25519 and P-256 with all. */
            for (i = 0; i < 4; i++) {
                if (c >= 2 && i != 0 && i != 3) continue;
                round_trip(ecdh[i], enc, vector_key(curves[c], 1), vector_key(curves[c], 0), NULL,
                           NULL, "{\"apu\":\"QWxpY2U\",\"apv\":\"Qm9i\"}");
                /* ECDH-1PU with key wrapping is only defined with A*CBC-HS*. */
                if (i == 0 || strstr(enc, "CBC") != NULL)
                    round_trip(onepu[i], enc, vector_key(curves[c], 1), vector_key(curves[c], 0),
                               vector_key(senders[c], 0), vector_key(senders[c], 1), NULL);
            }
        }
        round_trip("RSA-OAEP", enc, vector_key("rsa2048", 1), vector_key("rsa2048", 0), NULL, NULL,
                   NULL);
        round_trip("RSA-OAEP-256", enc, vector_key("rsa2048", 1), vector_key("rsa2048", 0), NULL,
                   NULL, "{\"cty\":\"text/plain\",\"x-tenant\":\"acme\"}");
    }
    hx_jwe_key_free(password);
}

/* ECDH-1PU: the wrong sender, a missing sender, GCM with key wrapping. */
static void one_pu(void) {
    const HxJweKey *bob = vector_key("x25519", 0), *bob_pub = vector_key("x25519", 1);
    const HxJweKey *alice = vector_key("x25519-sender", 0);
    const HxJweKey *mallory_pub = vector_key("x25519", 1);
    const char *algs[] = {"ECDH-1PU+A256KW"}, *encs[] = {"A256CBC-HS512"};
    char *token = NULL, *out = (char *)SENTINEL;
    uint8_t *plaintext = (uint8_t *)SENTINEL;
    size_t len = 7;
    HxJweOptions *o = NULL;
    REQUIRE(hx_jwe_options_new(algs, 1, encs, 1, &o) == HX_OK);
    CHECK_STATUS(hx_jwe_encrypt_1pu(bob_pub, alice, "ECDH-1PU+A256KW", "A256CBC-HS512", NULL,
                                    (const uint8_t *)"hi", 2, &token),
                 HX_OK);
    CHECK_STATUS(hx_jwe_decrypt_1pu(&bob, 1, &mallory_pub, 1, token, o, &plaintext, &len, &out),
                 HX_ERR_DECRYPTION_FAILED);
    CHECK_STATUS(hx_jwe_decrypt(&bob, 1, token, o, &plaintext, &len, &out),
                 HX_ERR_UNSUPPORTED_ALGORITHM);
    CHECK_STATUS(hx_jwe_decrypt_1pu(&bob, 1, NULL, 0, token, o, &plaintext, &len, &out),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK(plaintext == SENTINEL && len == 7 && out == SENTINEL);
    CHECK_STATUS(hx_jwe_encrypt_1pu(bob_pub, alice, "ECDH-1PU+A256KW", "A256GCM", NULL,
                                    (const uint8_t *)"hi", 2, &out),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_encrypt_1pu(bob_pub, bob_pub, "ECDH-1PU", "A256GCM", NULL,
                                    (const uint8_t *)"hi", 2, &out),
                 HX_ERR_INVALID_KEY);
    CHECK_STATUS(hx_jwe_encrypt_1pu(bob_pub, NULL, "ECDH-1PU", "A256GCM", NULL,
                                    (const uint8_t *)"hi", 2, &out),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_encrypt(bob_pub, "ECDH-1PU", "A256GCM", NULL, (const uint8_t *)"hi", 2,
                                &out),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK(out == SENTINEL);
    hx_string_free(token);
    hx_jwe_options_free(o);
}

/* The JSON serialization: two recipients, aad, selection by kid; swapped serializations. */
static void json_serialization(void) {
    const HxJweKey *a_pub = vector_key("p256", 1), *a = vector_key("p256", 0);
    HxJweKey *b = secret_key(32), *b_named = NULL, *other = secret_key(32), *other_named = NULL;
    const HxJweKey *recipients[2];
    const char *algs[] = {"ECDH-ES+A256KW", "A256KW"}, *encs[] = {"A256GCM"};
    char *json = NULL, *flat = NULL, *compact = NULL, *header = NULL;
    uint8_t *plaintext = NULL, *aad = NULL;
    size_t len = 0, aad_len = 0;
    HxJweOptions *o = NULL;
    const HxJweKey *both[2];
    REQUIRE(hx_jwe_key_with_kid(b, "team-b", &b_named) == HX_OK);
    REQUIRE(hx_jwe_key_with_kid(other, "team-c", &other_named) == HX_OK);
    CHECK(strcmp(hx_jwe_key_kid(b_named), "team-b") == 0 && hx_jwe_key_kid(b) == NULL);
    recipients[0] = a_pub;
    recipients[1] = b_named;
    REQUIRE(hx_jwe_options_new(algs, 2, encs, 1, &o) == HX_OK);
    CHECK_STATUS(hx_jwe_encrypt_json(recipients, algs, 2, NULL, "A256GCM", "{\"typ\":\"JWT\"}",
                                     (const uint8_t *)"for both", 8, (const uint8_t *)"ctx", 3,
                                     true, &json),
                 HX_OK);
    REQUIRE(json != NULL && json[0] == '{');
    CHECK_STATUS(hx_jwe_decrypt_json(&a, 1, NULL, 0, json, o, &plaintext, &len, &header, &aad,
                                     &aad_len),
                 HX_OK);
    CHECK(len == 8 && memcmp(plaintext, "for both", 8) == 0);
    CHECK(aad_len == 3 && memcmp(aad, "ctx", 3) == 0);
    CHECK(header != NULL && strstr(header, "\"typ\":\"JWT\"") != NULL);
    hx_bytes_free(plaintext, len);
    hx_bytes_free(aad, aad_len);
    hx_string_free(header);
    /* The second recipient, found by kid among two secrets; no aad wanted. */
    both[0] = other_named;
    both[1] = b_named;
    CHECK_STATUS(hx_jwe_decrypt_json(both, 2, NULL, 0, json, o, &plaintext, &len, NULL, NULL,
                                     NULL),
                 HX_OK);
    CHECK(len == 8 && memcmp(plaintext, "for both", 8) == 0);
    hx_bytes_free(plaintext, len);
    /* Flattened needs exactly one recipient. */
    CHECK_STATUS(hx_jwe_encrypt_json(recipients, algs, 2, NULL, "A256GCM", NULL,
                                     (const uint8_t *)"x", 1, NULL, 0, false, &flat),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_encrypt_json(recipients + 1, algs + 1, 1, NULL, "A256GCM", NULL,
                                     (const uint8_t *)"x", 1, NULL, 0, false, &flat),
                 HX_OK);
    CHECK(flat != NULL && strstr(flat, "\"recipients\"") == NULL);
    /* Swapped serializations. */
    plaintext = (uint8_t *)SENTINEL;
    len = 7;
    CHECK_STATUS(hx_jwe_decrypt(&a, 1, json, o, &plaintext, &len, NULL), HX_ERR_MALFORMED);
    CHECK_STATUS(hx_jwe_decrypt(&both[1], 1, flat, o, &plaintext, &len, NULL), HX_ERR_MALFORMED);
    CHECK_STATUS(hx_jwe_encrypt(b_named, "A256KW", "A256GCM", NULL, (const uint8_t *)"x", 1,
                                &compact),
                 HX_OK);
    CHECK_STATUS(hx_jwe_decrypt_json(&both[1], 1, NULL, 0, compact, o, &plaintext, &len, NULL,
                                     NULL, NULL),
                 HX_ERR_MALFORMED);
    CHECK(plaintext == SENTINEL && len == 7);
    /* A key whose kid is not the token's is not tried. */
    CHECK_STATUS(hx_jwe_decrypt(&both[0], 1, compact, o, &plaintext, &len, NULL),
                 HX_ERR_KEY_NOT_FOUND);
    hx_string_free(compact);
    hx_string_free(flat);
    hx_string_free(json);
    hx_jwe_options_free(o);
    hx_jwe_key_free(b);
    hx_jwe_key_free(b_named);
    hx_jwe_key_free(other);
    hx_jwe_key_free(other_named);
}

/* Nested JWTs: sign with an HxKey, encrypt; decrypt and verify with a key or a key set. */
static void nested(void) {
    HxKey *signer = NULL, *verifier = NULL, *stranger = NULL;
    HxKeySet *set = NULL;
    HxValidation *v = NULL;
    const HxJweKey *bob = vector_key("x25519", 0);
    const char *algs[] = {"ECDH-ES"}, *encs[] = {"A256GCM"}, *jws_algs[] = {"ES256"};
    char *token = NULL, *claims = (char *)SENTINEL, *plain = NULL;
    uint8_t *plaintext = NULL;
    size_t len = 0;
    HxJweOptions *o = NULL;
    REQUIRE(hx_key_generate("ES256", &signer) == HX_OK);
    REQUIRE(hx_key_to_public(signer, &verifier) == HX_OK);
    REQUIRE(hx_key_generate("ES256", &stranger) == HX_OK);
    REQUIRE(hx_keyset_new(&set) == HX_OK && hx_keyset_add(set, verifier) == HX_OK);
    REQUIRE(hx_validation_new(jws_algs, 1, &v) == HX_OK);
    REQUIRE(hx_jwe_options_new(algs, 1, encs, 1, &o) == HX_OK);
    /* The claims come back exactly as signed (order and spacing kept), by key and by key set. */
    CHECK_STATUS(hx_jwe_encrypt_nested(signer, "ES256", vector_key("x25519", 1), "ECDH-ES",
                                       "A256GCM", "{\"sub\":\"ada\", \"exp\":4000000000}", &token),
                 HX_OK);
    REQUIRE(token != NULL);
    CHECK_STATUS(hx_jwe_decrypt_nested(&bob, 1, token, o, verifier, NULL, v, &claims), HX_OK);
    CHECK(claims != SENTINEL && strcmp(claims, "{\"sub\":\"ada\", \"exp\":4000000000}") == 0);
    if (claims != SENTINEL) hx_string_free(claims);
    claims = (char *)SENTINEL;
    CHECK_STATUS(hx_jwe_decrypt_nested(&bob, 1, token, o, NULL, set, v, &claims), HX_OK);
    CHECK(claims != SENTINEL && strcmp(claims, "{\"sub\":\"ada\", \"exp\":4000000000}") == 0);
    if (claims != SENTINEL) hx_string_free(claims);
    claims = (char *)SENTINEL;
    CHECK_STATUS(hx_jwe_decrypt_nested(&bob, 1, token, o, stranger, NULL, v, &claims),
                 HX_ERR_INVALID_SIGNATURE);
    CHECK_STATUS(hx_jwe_decrypt_nested(&bob, 1, token, o, NULL, NULL, v, &claims),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_decrypt_nested(&bob, 1, token, o, verifier, set, v, &claims),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_encrypt_nested(signer, "ES256", vector_key("x25519", 1), "ECDH-ES",
                                       "A256GCM", "{\"a\":1,\"a\":2}", &claims),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_encrypt_nested(signer, "none", vector_key("x25519", 1), "ECDH-ES",
                                       "A256GCM", "{}", &claims),
                 HX_ERR_UNSUPPORTED_ALGORITHM);
    CHECK(claims == SENTINEL);
    /* The header says cty JWT; the plaintext is the signed token (hx_jwe_decrypt gives it). */
    CHECK_STATUS(hx_jwe_decrypt(&bob, 1, token, o, &plaintext, &len, &plain), HX_OK);
    CHECK(plain != NULL && strstr(plain, "\"cty\":\"JWT\"") != NULL);
    CHECK(plaintext != NULL && strchr((const char *)plaintext, '.') != NULL);
    hx_bytes_free(plaintext, len);
    hx_string_free(plain);
    hx_string_free(token);
    /* Not a nested token: refused, for the key and for the key set. */
    token = NULL;
    CHECK_STATUS(hx_jwe_encrypt(vector_key("x25519", 1), "ECDH-ES", "A256GCM", NULL,
                                (const uint8_t *)"{\"sub\":\"x\"}", 11, &token),
                 HX_OK);
    CHECK_STATUS(hx_jwe_decrypt_nested(&bob, 1, token, o, verifier, NULL, v, &claims),
                 HX_ERR_INVALID_CLAIM);
    CHECK(hx_last_error_claim() != NULL && strcmp(hx_last_error_claim(), "cty") == 0);
    CHECK_STATUS(hx_jwe_decrypt_nested(&bob, 1, token, o, NULL, set, v, &claims),
                 HX_ERR_INVALID_CLAIM);
    CHECK(claims == SENTINEL);
    hx_string_free(token);
    hx_jwe_options_free(o);
    hx_validation_free(v);
    hx_keyset_free(set);
    hx_key_free(signer);
    hx_key_free(verifier);
    hx_key_free(stranger);
}

/* NULL and invalid UTF-8 arguments, out-parameters untouched. */
static void bad_arguments(void) {
    const char *bad_utf8 = "\xff\xfe";
    const char *algs[] = {"A128KW"}, *encs[] = {"A128GCM"}, *rsa15[] = {"RSA1_5"};
    const char *null_alg[] = {NULL};
    HxJweKey *k = (HxJweKey *)SENTINEL, *kek = secret_key(16);
    const HxJweKey *null_key = NULL;
    HxJweOptions *o = (HxJweOptions *)SENTINEL;
    char *out = (char *)SENTINEL, *token = NULL;
    uint8_t *plaintext = (uint8_t *)SENTINEL;
    size_t len = 7;
    CHECK_STATUS(hx_jwe_key_from_jwk(NULL, &k), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_key_from_jwk(bad_utf8, &k), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_key_from_jwk("{\"kty\":\"oct\",\"k\":\"AAAA\",\"use\":\"sig\"}", &k),
                 HX_ERR_INVALID_KEY);
    CHECK_STATUS(hx_jwe_key_from_jwk("{\"kty\":\"oct\",\"k\":\"AAAA\"}", NULL),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_key_from_pem("not a pem", &k), HX_ERR_INVALID_KEY);
    CHECK_STATUS(hx_jwe_key_from_secret(NULL, 16, &k), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_key_from_secret((const uint8_t *)"", 0, &k), HX_ERR_INVALID_KEY);
    CHECK_STATUS(hx_jwe_key_from_password(NULL, 3, &k), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_key_generate("Ed25519", &k), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_key_generate(NULL, &k), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_key_with_kid(kek, bad_utf8, &k), HX_ERR_INVALID_ARGUMENT);
    CHECK(k == SENTINEL);
    CHECK_STATUS(hx_jwe_key_to_public_jwk(kek, &out), HX_ERR_INVALID_KEY);
    CHECK_STATUS(hx_jwe_key_to_private_jwk(NULL, &out), HX_ERR_INVALID_ARGUMENT);
    CHECK(out == SENTINEL);
    CHECK(hx_jwe_key_kid(NULL) == NULL && !hx_jwe_key_is_private(NULL));

    CHECK_STATUS(hx_jwe_options_new(algs, 0, encs, 1, &o), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_options_new(algs, 1, NULL, 0, &o), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_options_new(NULL, 1, encs, 1, &o), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_options_new(null_alg, 1, encs, 1, &o), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_options_new(rsa15, 1, encs, 1, &o), HX_ERR_UNSUPPORTED_ALGORITHM);
    CHECK(strstr(hx_last_error_message(), "RSA1_5") != NULL);
    CHECK_STATUS(hx_jwe_options_new(algs, 1, algs, 1, &o), HX_ERR_UNSUPPORTED_ALGORITHM);
    CHECK(o == SENTINEL);
    CHECK_STATUS(hx_jwe_options_set_max_p2c(NULL, 5), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_options_set_typ(NULL, "JWT"), HX_ERR_INVALID_ARGUMENT);

    CHECK_STATUS(hx_jwe_encrypt(NULL, "A128KW", "A128GCM", NULL, (const uint8_t *)"x", 1, &out),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_encrypt(kek, bad_utf8, "A128GCM", NULL, (const uint8_t *)"x", 1, &out),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_encrypt(kek, "RSA1_5", "A128GCM", NULL, (const uint8_t *)"x", 1, &out),
                 HX_ERR_UNSUPPORTED_ALGORITHM);
    CHECK_STATUS(hx_jwe_encrypt(kek, "A256KW", "A128GCM", NULL, (const uint8_t *)"x", 1, &out),
                 HX_ERR_INVALID_KEY);
    CHECK_STATUS(hx_jwe_encrypt(kek, "A128KW", "A128GCM", NULL, NULL, 1, &out),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_encrypt(kek, "A128KW", "A128GCM", "[1]", (const uint8_t *)"x", 1, &out),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_encrypt(kek, "A128KW", "A128GCM", "{\"epk\":1}", (const uint8_t *)"x", 1,
                                &out),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_encrypt(kek, "A128KW", "A128GCM", "{\"zip\":\"GZ\"}",
                                (const uint8_t *)"x", 1, &out),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_encrypt(kek, "A128KW", "A128GCM", NULL, (const uint8_t *)"x", 1, NULL),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK(out == SENTINEL);
    /* An empty plaintext is a plaintext. */
    CHECK_STATUS(hx_jwe_encrypt(kek, "A128KW", "A128GCM", NULL, NULL, 0, &token), HX_OK);

    REQUIRE(hx_jwe_options_new(algs, 1, encs, 1, &o) == HX_OK);
    CHECK_STATUS(hx_jwe_decrypt(NULL, 1, token, o, &plaintext, &len, NULL),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&kek, 0, token, o, &plaintext, &len,
                                NULL),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_decrypt(&null_key, 1, token, o, &plaintext, &len, NULL),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK(strstr(hx_last_error_message(), "keys[0]") != NULL);
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&kek, 1, NULL, o, &plaintext, &len,
                                NULL),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&kek, 1, bad_utf8, o, &plaintext, &len,
                                NULL),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&kek, 1, token, NULL, &plaintext, &len,
                                NULL),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&kek, 1, token, o, NULL, &len, NULL),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&kek, 1, token, o, &plaintext, NULL,
                                NULL),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK(plaintext == SENTINEL && len == 7);
    CHECK_STATUS(hx_jwe_decode_header(NULL, &out), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_decode_header("nodots", &out), HX_ERR_MALFORMED);
    CHECK(out == SENTINEL);
    /* The empty plaintext decrypts to a 0-byte buffer that is still a C string. */
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&kek, 1, token, o, &plaintext, &len,
                                NULL),
                 HX_OK);
    CHECK(len == 0 && plaintext != NULL && plaintext != SENTINEL && plaintext[0] == 0);
    hx_bytes_free(plaintext, len);
    CHECK_STATUS(hx_jwe_decode_header(token, &out), HX_OK);
    CHECK(strcmp(out, "{\"alg\":\"A128KW\",\"enc\":\"A128GCM\"}") == 0);
    hx_string_free(out);
    hx_bytes_free(NULL, 5);
    hx_jwe_key_free(NULL);
    hx_jwe_options_free(NULL);
    hx_jwe_options_free(o);
    hx_string_free(token);
    hx_jwe_key_free(kek);
}

/* Replaces the last `drop` characters of a compact token's tag: a truncated tag. */
static char *truncated(const char *token, size_t drop) {
    char *copy = hxt_strdup(token);
    REQUIRE(copy != NULL && strlen(copy) > drop);
    copy[strlen(copy) - drop] = '\0';
    return copy;
}

/* Hostile tokens, and the options that bound them. */
static void hostile(void) {
    HxJweKey *kek = secret_key(16), *password = NULL, *wrong = NULL;
    const char *algs[] = {"A128KW", "PBES2-HS256+A128KW"}, *encs[] = {"A128GCM"};
    const char *crit[] = {"exp"};
    char *token = NULL, *zipped = NULL, *pbes = NULL, *bad = NULL, *typed = NULL;
    char *message_wrong_key, *header = (char *)SENTINEL;
    uint8_t *plaintext = (uint8_t *)SENTINEL;
    uint8_t *big;
    size_t len = 7;
    HxJweOptions *o = NULL;
    REQUIRE(hx_jwe_key_from_password((const uint8_t *)"hunter2 but longer", 18, &password) ==
            HX_OK);
    REQUIRE(hx_jwe_key_generate("oct-16", &wrong) == HX_OK);
    REQUIRE(hx_jwe_options_new(algs, 2, encs, 1, &o) == HX_OK);
    REQUIRE(hx_jwe_encrypt(kek, "A128KW", "A128GCM", NULL, (const uint8_t *)"payload", 7,
                           &token) == HX_OK);
    /* Truncated tags, a JWS, garbage. */
    bad = truncated(token, 2);
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&kek, 1, bad, o, &plaintext, &len,
                                &header),
                 HX_ERR_MALFORMED);
    free(bad);
    bad = truncated(token, 22); /* the whole tag */
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&kek, 1, bad, o, &plaintext, &len,
                                &header),
                 HX_ERR_MALFORMED);
    free(bad);
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&kek, 1,
                                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl", o,
                                &plaintext, &len, &header),
                 HX_ERR_MALFORMED);
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&kek, 1, "....", o, &plaintext, &len,
                                &header),
                 HX_ERR_MALFORMED);
    /* One message for every decryption failure: a wrong key and a flipped tag. */
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&wrong, 1, token, o, &plaintext, &len,
                                &header),
                 HX_ERR_DECRYPTION_FAILED);
    message_wrong_key = hxt_strdup(hx_last_error_message());
    bad = hxt_strdup(token);
    REQUIRE(bad != NULL && message_wrong_key != NULL);
    bad[strlen(bad) - 3] = bad[strlen(bad) - 3] == 'A' ? 'B' : 'A';
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&kek, 1, bad, o, &plaintext, &len,
                                &header),
                 HX_ERR_DECRYPTION_FAILED);
    CHECK(strcmp(message_wrong_key, hx_last_error_message()) == 0);
    free(bad);
    free(message_wrong_key);
    /* The token length limit. */
    CHECK_STATUS(hx_jwe_options_set_max_token_length(o, 0), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_jwe_options_set_max_token_length(o, 40), HX_OK);
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&kek, 1, token, o, &plaintext, &len,
                                &header),
                 HX_ERR_MALFORMED);
    CHECK_STATUS(hx_jwe_options_set_max_token_length(o, 256 * 1024), HX_OK);
    /* p2c over the maximum: refused before any PBKDF2 work. */
    CHECK_STATUS(hx_jwe_encrypt(password, "PBES2-HS256+A128KW", "A128GCM", "{\"p2c\":2000}",
                                (const uint8_t *)"x", 1, &pbes),
                 HX_OK);
    CHECK_STATUS(hx_jwe_options_set_max_p2c(o, 1999), HX_OK);
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&password, 1, pbes, o, &plaintext, &len,
                                &header),
                 HX_ERR_MALFORMED);
    CHECK_STATUS(hx_jwe_options_set_max_p2c(o, 2000), HX_OK);
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&password, 1, pbes, o, &plaintext, &len,
                                NULL),
                 HX_OK);
    hx_bytes_free(plaintext, len);
    plaintext = (uint8_t *)SENTINEL;
    len = 7;
    /* A zip bomb: 1 MB of zeros compresses to about 1 KB; refused, then bounded. */
    big = (uint8_t *)calloc(1000000, 1);
    REQUIRE(big != NULL);
    CHECK_STATUS(hx_jwe_encrypt(kek, "A128KW", "A128GCM", "{\"zip\":\"DEF\"}", big, 1000000,
                                &zipped),
                 HX_OK);
    free(big);
    REQUIRE(zipped != NULL);
    CHECK(strlen(zipped) < 10000);
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&kek, 1, zipped, o, &plaintext, &len,
                                &header),
                 HX_ERR_UNKNOWN_HEADER);
    CHECK_STATUS(hx_jwe_options_allow_zip(o, 250000), HX_OK);
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&kek, 1, zipped, o, &plaintext, &len,
                                &header),
                 HX_ERR_MALFORMED);
    CHECK_STATUS(hx_jwe_options_allow_zip(o, 1000000), HX_OK);
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&kek, 1, zipped, o, &plaintext, &len,
                                NULL),
                 HX_OK);
    CHECK(len == 1000000);
    hx_bytes_free(plaintext, len);
    plaintext = (uint8_t *)SENTINEL;
    len = 7;
    CHECK_STATUS(hx_jwe_options_allow_zip(o, 0), HX_OK);
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&kek, 1, zipped, o, &plaintext, &len,
                                &header),
                 HX_ERR_UNKNOWN_HEADER);
    /* crit: refused unless understood. */
    CHECK_STATUS(hx_jwe_encrypt(kek, "A128KW", "A128GCM", "{\"typ\":\"JWT\"}",
                                (const uint8_t *)"x", 1, &typed),
                 HX_OK);
    CHECK_STATUS(hx_jwe_options_set_critical(o, crit, 1), HX_OK);
    CHECK_STATUS(hx_jwe_options_set_critical(o, NULL, 0), HX_OK);
    /* typ: required when set. */
    CHECK_STATUS(hx_jwe_options_set_typ(o, "secevent+jwt"), HX_OK);
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&kek, 1, typed, o, &plaintext, &len,
                                &header),
                 HX_ERR_INVALID_CLAIM);
    CHECK_STATUS(hx_jwe_options_set_typ(o, "jwt"), HX_OK);
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&kek, 1, token, o, &plaintext, &len,
                                &header),
                 HX_ERR_INVALID_CLAIM);
    CHECK(plaintext == SENTINEL && len == 7 && header == SENTINEL);
    CHECK_STATUS(hx_jwe_decrypt((const HxJweKey *const *)&kek, 1, typed, o, &plaintext, &len,
                                NULL),
                 HX_OK);
    hx_bytes_free(plaintext, len);
    CHECK_STATUS(hx_jwe_options_set_typ(o, NULL), HX_OK);
    hx_string_free(typed);
    hx_string_free(zipped);
    hx_string_free(pbes);
    hx_string_free(token);
    hx_jwe_options_free(o);
    hx_jwe_key_free(kek);
    hx_jwe_key_free(wrong);
    hx_jwe_key_free(password);
}

/* Generated keys: their JWKs load again and round-trip. */
static void generated_keys(void) {
    static const char *const kinds[] = {"X25519", "P-256", "P-384", "oct-32"};
    size_t i;
    for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        HxJweKey *k = NULL, *again = NULL, *pub = NULL;
        char *private_jwk = NULL, *public_jwk = NULL;
        CHECK_STATUS(hx_jwe_key_generate(kinds[i], &k), HX_OK);
        REQUIRE(k != NULL);
        CHECK(hx_jwe_key_kid(k) != NULL && hx_jwe_key_is_private(k));
        CHECK_STATUS(hx_jwe_key_to_private_jwk(k, &private_jwk), HX_OK);
        CHECK_STATUS(hx_jwe_key_from_jwk(private_jwk, &again), HX_OK);
        if (strcmp(kinds[i], "oct-32") == 0) {
            round_trip("A256KW", "A256GCM", k, again, NULL, NULL, NULL);
        } else {
            CHECK_STATUS(hx_jwe_key_to_public_jwk(k, &public_jwk), HX_OK);
            CHECK(public_jwk != NULL && strstr(public_jwk, "\"d\"") == NULL);
            CHECK_STATUS(hx_jwe_key_from_jwk(public_jwk, &pub), HX_OK);
            CHECK(!hx_jwe_key_is_private(pub));
            round_trip("ECDH-ES+A128KW", "A128GCM", pub, again, NULL, NULL, NULL);
        }
        hx_string_free(private_jwk);
        hx_string_free(public_jwk);
        hx_jwe_key_free(k);
        hx_jwe_key_free(again);
        hx_jwe_key_free(pub);
    }
}

/* ---- threads: keys and options shared, setters called meanwhile ---- */

#define N_THREADS 4
#define N_ROUNDS 40

static struct {
    const HxJweKey *key;
    HxJweOptions *options;
    const char *token;
    int failures; /* written under lock */
    pthread_mutex_t lock;
} shared;

static void *decrypt_many(void *arg) {
    int i, failures = 0;
    (void)arg;
    for (i = 0; i < N_ROUNDS; i++) {
        uint8_t *plaintext = NULL;
        size_t len = 0;
        char *token = NULL;
        if (hx_jwe_decrypt(&shared.key, 1, shared.token, shared.options, &plaintext, &len,
                           NULL) != HX_OK ||
            len != 6 || memcmp(plaintext, "shared", 6) != 0)
            failures++;
        hx_bytes_free(plaintext, len);
        if (hx_jwe_encrypt(shared.key, "dir", "A128GCM", NULL, (const uint8_t *)"x", 1, &token) !=
            HX_OK)
            failures++;
        hx_string_free(token);
        /* A failure on another thread never changes this thread's message. */
        if (strlen(hx_last_error_message()) != 0) failures++;
    }
    pthread_mutex_lock(&shared.lock);
    shared.failures += failures;
    pthread_mutex_unlock(&shared.lock);
    return NULL;
}

static void threads(void) {
    const char *algs[] = {"dir"}, *encs[] = {"A128GCM"};
    HxJweKey *key = secret_key(16);
    char *token = NULL;
    pthread_t t[N_THREADS];
    size_t i;
    int j;
    REQUIRE(hx_jwe_options_new(algs, 1, encs, 1, &shared.options) == HX_OK);
    REQUIRE(hx_jwe_encrypt(key, "dir", "A128GCM", NULL, (const uint8_t *)"shared", 6, &token) ==
            HX_OK);
    shared.key = key;
    shared.token = token;
    shared.failures = 0;
    REQUIRE(pthread_mutex_init(&shared.lock, NULL) == 0);
    for (i = 0; i < N_THREADS; i++) REQUIRE(pthread_create(&t[i], NULL, decrypt_many, NULL) == 0);
    for (j = 0; j < N_ROUNDS; j++) {
        uint8_t *plaintext = (uint8_t *)SENTINEL;
        size_t len = 7;
        CHECK_STATUS(hx_jwe_options_set_max_p2c(shared.options, (uint32_t)(1000 + j)), HX_OK);
        CHECK_STATUS(hx_jwe_options_allow_zip(shared.options, (size_t)(j % 2) * 1000), HX_OK);
        CHECK_STATUS(hx_jwe_decrypt(&shared.key, 1, "not.a.jwe", shared.options, &plaintext,
                                    &len, NULL),
                     HX_ERR_MALFORMED);
    }
    for (i = 0; i < N_THREADS; i++) REQUIRE(pthread_join(t[i], NULL) == 0);
    CHECK(shared.failures == 0);
    pthread_mutex_destroy(&shared.lock);
    hx_jwe_options_free(shared.options);
    hx_string_free(token);
    hx_jwe_key_free(key);
}

/* The key accessors, the exported defaults, decode_header on a JWS, and the sender-key rule. */
static void key_accessors_and_rules(void) {
    const HxJweKey *bob = vector_key("x25519", 0), *bob_pub = vector_key("x25519", 1);
    const HxJweKey *alice_pub = vector_key("x25519-sender", 1);
    const HxJweKey *p384 = vector_key("p384", 0), *rsa = vector_key("rsa2048", 0);
    const HxJweKey *oct = vector_key("oct16", 0);
    const char *algs[] = {"ECDH-1PU", "ECDH-ES"}, *encs[] = {"A256GCM"};
    char *t1 = NULL, *t2 = NULL, *token = NULL, *out = (char *)SENTINEL;
    uint8_t *plaintext = (uint8_t *)SENTINEL;
    size_t len = 7;
    HxJweOptions *o = NULL;
    HxJweKey *restricted = NULL;
    CHECK(strcmp(hx_jwe_key_kty(bob), "OKP") == 0 && strcmp(hx_jwe_key_curve(bob), "X25519") == 0);
    CHECK(strcmp(hx_jwe_key_kty(p384), "EC") == 0 && strcmp(hx_jwe_key_curve(p384), "P-384") == 0);
    CHECK(strcmp(hx_jwe_key_kty(rsa), "RSA") == 0 && hx_jwe_key_curve(rsa) == NULL);
    CHECK(strcmp(hx_jwe_key_kty(oct), "oct") == 0 && hx_jwe_key_curve(oct) == NULL);
    CHECK(hx_jwe_key_kty(NULL) == NULL && hx_jwe_key_curve(NULL) == NULL &&
          hx_jwe_key_algorithm(NULL) == NULL);
    CHECK(hx_jwe_key_algorithm(bob) == NULL);
    CHECK_STATUS(hx_jwe_key_from_jwk("{\"kty\":\"oct\",\"k\":\"AAECAwQFBgcICQoLDA0ODw\","
                                     "\"alg\":\"A128KW\"}",
                                     &restricted),
                 HX_OK);
    CHECK(restricted != NULL && strcmp(hx_jwe_key_algorithm(restricted), "A128KW") == 0);
    /* The thumbprint is of the public members: a key and its public half agree. */
    CHECK_STATUS(hx_jwe_key_thumbprint(bob, &t1), HX_OK);
    CHECK_STATUS(hx_jwe_key_thumbprint(bob_pub, &t2), HX_OK);
    CHECK(t1 != NULL && t2 != NULL && strlen(t1) == 43 && strcmp(t1, t2) == 0);
    CHECK_STATUS(hx_jwe_key_thumbprint(NULL, &out), HX_ERR_INVALID_ARGUMENT);
    CHECK(out == SENTINEL);
    CHECK(HX_JWE_DEFAULT_MAX_TOKEN_LENGTH == 256 * 1024 && HX_JWE_DEFAULT_MAX_P2C == 200000 &&
          HX_JWE_DEFAULT_MAX_INFLATED_LENGTH == 250000);
    /* A sender key asks for sender authentication: an ECDH-ES token is refused even though the
     * options also name ECDH-ES. */
    REQUIRE(hx_jwe_options_new(algs, 2, encs, 1, &o) == HX_OK);
    CHECK_STATUS(hx_jwe_encrypt(bob_pub, "ECDH-ES", "A256GCM", NULL, (const uint8_t *)"hi", 2,
                                &token),
                 HX_OK);
    CHECK_STATUS(hx_jwe_decrypt_1pu(&bob, 1, &alice_pub, 1, token, o, &plaintext, &len, &out),
                 HX_ERR_UNSUPPORTED_ALGORITHM);
    CHECK(plaintext == SENTINEL && len == 7 && out == SENTINEL);
    /* decode_header reads a JWE's header, and refuses a JWS. */
    CHECK_STATUS(hx_jwe_decode_header(token, &out), HX_OK);
    CHECK(out != SENTINEL && strstr(out, "\"ECDH-ES\"") != NULL);
    hx_string_free(out);
    out = (char *)SENTINEL;
    CHECK_STATUS(hx_jwe_decode_header("eyJhbGciOiJIUzI1NiJ9.e30.c2ln", &out), HX_ERR_MALFORMED);
    CHECK(out == SENTINEL);
    hx_string_free(t1);
    hx_string_free(t2);
    hx_string_free(token);
    hx_jwe_key_free(restricted);
    hx_jwe_options_free(o);
}

/* HX endpoints in the ECDH-1PU mode: hx_create_jwt_1pu, validated by hx_validate_jwt. */
static void endpoint_1pu(void) {
    HxIdentity *alice = NULL, *bob = NULL;
    HxEndpoint *a = NULL, *b = NULL;
    HxMessage *m = NULL;
    char *alice_token = NULL, *bob_token = NULL, *token = NULL, *hx1 = NULL;
    const char *dots;
    size_t n = 0, len = 0;
    const uint8_t *payload;
    const int64_t nbf = 1000;
    REQUIRE(hx_identity_generate("alice.svc", &alice) == HX_OK);
    REQUIRE(hx_identity_generate("bob.svc", &bob) == HX_OK);
    REQUIRE(hx_identity_machine_token(alice, &alice_token) == HX_OK);
    REQUIRE(hx_identity_machine_token(bob, &bob_token) == HX_OK);
    REQUIRE(hx_endpoint_new(alice, NULL, &a) == HX_OK);
    REQUIRE(hx_endpoint_new(bob, NULL, &b) == HX_OK);
    CHECK_STATUS(hx_create_jwt_1pu(a, NULL, bob_token, (const uint8_t *)"{\"n\":1}", 7, 60, &nbf,
                                   "req-1", "json", &token),
                 HX_OK);
    for (dots = token; dots != NULL && *dots; dots++) n += *dots == '.';
    CHECK(n == 4);
    CHECK_STATUS(hx_validate_jwt(b, token, alice_token, &m), HX_OK);
    if (m != NULL) {
        payload = hx_message_payload(m, &len);
        CHECK(len == 7 && memcmp(payload, "{\"n\":1}", 7) == 0);
        CHECK(strcmp(hx_message_protocol(m), "ECDH-1PU") == 0);
        CHECK(strcmp(hx_message_jti(m), "req-1") == 0);
        CHECK(strcmp(hx_message_content_type(m), "json") == 0);
        CHECK(hx_message_expires_at(m) - hx_message_issued_at(m) == 60);
        hx_message_free(m);
        m = NULL;
    }
    CHECK(hx_message_protocol(NULL) == NULL);
    CHECK_STATUS(hx_create_jwt(a, NULL, bob_token, (const uint8_t *)"x", 1, 60, &hx1), HX_OK);
    CHECK_STATUS(hx_validate_jwt(b, hx1, alice_token, &m), HX_OK);
    if (m != NULL) {
        CHECK(strcmp(hx_message_protocol(m), "HX1") == 0);
        hx_message_free(m);
    }
    /* The same argument rules as hx_create_jwt_ex. */
    CHECK_STATUS(hx_create_jwt_1pu(a, NULL, NULL, (const uint8_t *)"x", 1, 60, NULL, NULL, NULL,
                                   &hx1),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_create_jwt_1pu(a, "nobody", NULL, (const uint8_t *)"x", 1, 60, NULL, NULL,
                                   NULL, &hx1),
                 HX_ERR_INVALID_ARGUMENT); /* a name, but no directory to resolve it */
    hx_string_free(hx1);
    hx_string_free(token);
    hx_string_free(alice_token);
    hx_string_free(bob_token);
    hx_endpoint_free(a);
    hx_endpoint_free(b);
    hx_identity_free(alice);
    hx_identity_free(bob);
}

int main(void) {
    size_t len = 0;
    char *text = hxt_read_file(hxt_vector_path("jwe.json"), &len);
    JsonValue *doc;
    REQUIRE(text != NULL);
    doc = json_parse(text, len);
    REQUIRE(doc != NULL);
    load_keys(json_get(doc, "keys"));
    positive_vectors(json_get(doc, "positive"));
    negative_vectors(json_get(doc, "negative"));
    round_trips();
    one_pu();
    json_serialization();
    nested();
    key_accessors_and_rules();
    endpoint_1pu();
    bad_arguments();
    hostile();
    generated_keys();
    threads();
    free_keys();
    json_free(doc);
    free(text);
    return DONE();
}
