/*
 * The shared standard-JWT vectors, tests/vectors/jws.json (format in tests/vectors/README.md),
 * through the C ABI. Every entry is checked:
 * - valid: hx_jwt_decode succeeds with the validation of the entry, the header's alg is `alg`,
 *   and the claims equal `claims` as JSON values. For HS*, RS* and EdDSA (deterministic), when
 *   hx_jwt_encode can rebuild the token's signing input exactly (same header members, the
 *   payload as given), the signature it makes is the token's, byte for byte.
 * - invalid: hx_jwt_decode fails with the HX_ERR_* of `error`, leaves the out-parameter alone,
 *   names a claim for the claim kinds, and no error message contains a private key member.
 */
#include "hxtest.h"
#include "json.h"

#define MAX_KEYS 16
#define MAX_SECRETS 128

static struct {
    size_t n;
    const char *names[MAX_KEYS];
    HxKey *signers[MAX_KEYS];   /* the private keys (and secrets) */
    HxKey *verifiers[MAX_KEYS]; /* their public halves (the secret itself for "oct") */
} keys;

/* The private members of every key (d, p, q, dp, dq, qi, k), to look for in error messages. */
static const char *secrets[MAX_SECRETS];
static size_t n_secrets;

static int key_index(const char *name) {
    size_t i;
    for (i = 0; name && i < keys.n; i++)
        if (strcmp(keys.names[i], name) == 0) return (int)i;
    return -1;
}

static void load_keys(const JsonValue *jwks) {
    static const char *const private_members[] = {"d", "p", "q", "dp", "dq", "qi", "k"};
    size_t i, j;
    REQUIRE(jwks != NULL && jwks->type == JSON_OBJECT && jwks->count <= MAX_KEYS);
    for (i = 0; i < jwks->count; i++) {
        char *text = json_raw(jwks->items[i]);
        const char *kty = json_get_string(jwks->items[i], "kty");
        HxKey *signer = NULL, *verifier = NULL;
        REQUIRE(text != NULL && kty != NULL);
        CHECK_STATUS(hx_key_from_jwk(text, &signer), HX_OK);
        REQUIRE(signer != NULL);
        CHECK(hx_key_is_private(signer));
        CHECK(hx_key_kid(signer) != NULL && strcmp(hx_key_kid(signer), jwks->keys[i]) == 0);
        if (strcmp(kty, "oct") == 0) {
            REQUIRE(hx_key_from_jwk(text, &verifier) == HX_OK);
        } else {
            CHECK_STATUS(hx_key_to_public(signer, &verifier), HX_OK);
            REQUIRE(verifier != NULL);
            CHECK(!hx_key_is_private(verifier));
        }
        keys.names[keys.n] = jwks->keys[i];
        keys.signers[keys.n] = signer;
        keys.verifiers[keys.n] = verifier;
        keys.n++;
        for (j = 0; j < sizeof private_members / sizeof private_members[0]; j++) {
            const char *secret = json_get_string(jwks->items[i], private_members[j]);
            if (secret != NULL && n_secrets < MAX_SECRETS) secrets[n_secrets++] = secret;
        }
        free(text);
    }
}

static void check_no_secret_in_last_error(const char *name) {
    size_t i;
    const char *message = hx_last_error_message();
    for (i = 0; i < n_secrets; i++) {
        if (strstr(message, secrets[i]) != NULL) {
            fprintf(stderr, "%s: the error message contains a private key member\n", name);
            hx_failed++;
            return;
        }
    }
    hx_passed++;
}

/* The strings of a JSON array into a new array of pointers (borrowed); NULL when not an array of
 * strings. */
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

/* The validation an entry describes, with the clock at `now`; NULL (and a failed check) when it
 * cannot be built. */
static HxValidation *validation_of(const JsonValue *entry) {
    const JsonValue *spec = json_get(entry, "validation");
    HxValidation *v = NULL;
    const char **list;
    size_t i, n = 0;
    int64_t now = 0, number;
    int ok = 1;

    list = string_array(json_get(spec, "algorithms"), &n);
    if (list == NULL || !json_get_int(entry, "now", &now)) {
        free((void *)list);
        fprintf(stderr, "%s: no validation.algorithms or no now\n", json_get_string(entry, "name"));
        hx_failed++;
        return NULL;
    }
    CHECK_STATUS(hx_validation_new(list, n, &v), HX_OK);
    free((void *)list);
    if (v == NULL) return NULL;
    ok &= hx_validation_set_time(v, now) == HX_OK;
    for (i = 0; i < spec->count; i++) {
        const char *member = spec->keys[i];
        const JsonValue *value = spec->items[i];
        if (strcmp(member, "algorithms") == 0) continue;
        if (strcmp(member, "leeway") == 0 && json_get_int(spec, member, &number) && number >= 0) {
            ok &= hx_validation_set_leeway(v, (uint64_t)number) == HX_OK;
        } else if (strcmp(member, "max_age") == 0 && json_get_int(spec, member, &number) &&
                   number > 0) {
            ok &= hx_validation_set_max_age(v, (uint64_t)number) == HX_OK;
        } else if ((strcmp(member, "audience") == 0 || strcmp(member, "issuer") == 0) &&
                   (list = string_array(value, &n)) != NULL) {
            size_t j;
            for (j = 0; j < n; j++)
                ok &= (member[0] == 'a' ? hx_validation_add_audience(v, list[j])
                                        : hx_validation_add_issuer(v, list[j])) == HX_OK;
            free((void *)list);
        } else if (strcmp(member, "required") == 0 && (list = string_array(value, &n)) != NULL) {
            ok &= hx_validation_set_required_claims(v, list, n) == HX_OK;
            free((void *)list);
        } else if (strcmp(member, "subject") == 0 && value->type == JSON_STRING) {
            ok &= hx_validation_set_subject(v, value->string) == HX_OK;
        } else if (strcmp(member, "typ") == 0 && value->type == JSON_STRING) {
            ok &= hx_validation_set_typ(v, value->string) == HX_OK;
        } else if (strcmp(member, "verify_exp") == 0 && value->type == JSON_BOOL) {
            ok &= hx_validation_set_verify_exp(v, value->boolean) == HX_OK;
        } else if (strcmp(member, "verify_nbf") == 0 && value->type == JSON_BOOL) {
            ok &= hx_validation_set_verify_nbf(v, value->boolean) == HX_OK;
        } else if (strcmp(member, "verify_iat") == 0 && value->type == JSON_BOOL) {
            ok &= hx_validation_set_verify_iat(v, value->boolean) == HX_OK;
        } else if (strcmp(member, "verify_aud") == 0 && value->type == JSON_BOOL) {
            ok &= hx_validation_set_verify_aud(v, value->boolean) == HX_OK;
        } else {
            /* A member this test does not know: the format changed, and so must the test. */
            fprintf(stderr, "%s: unknown or ill-typed validation member \"%s\"\n",
                    json_get_string(entry, "name"), member);
            ok = 0;
        }
    }
    CHECK(ok);
    if (!ok) {
        hx_validation_free(v);
        return NULL;
    }
    return v;
}

/* The header members of `token` but alg, as a JSON object for hx_jwt_encode; NULL when the
 * header cannot be given that way. */
static char *extra_header_members(const char *token) {
    char *header = NULL, *out, *w;
    JsonValue *h;
    size_t i;
    if (hx_jwt_decode_header(token, &header) != HX_OK) return NULL;
    h = json_parse(header, strlen(header));
    out = (char *)malloc(strlen(header) + 3);
    REQUIRE(h != NULL && out != NULL);
    w = out;
    *w++ = '{';
    for (i = 0; i < h->count; i++) {
        const char *k = h->keys[i];
        if (strcmp(k, "alg") == 0) continue;
        if (strpbrk(k, "\"\\") != NULL) { /* not written back verbatim: give up */
            free(out);
            out = NULL;
            break;
        }
        w += sprintf(w, "%s\"%s\":%.*s", w == out + 1 ? "" : ",", k, (int)h->items[i]->raw_len,
                     h->items[i]->raw);
    }
    if (out) strcpy(w, "}");
    json_free(h);
    hx_string_free(header);
    return out;
}

/* Re-signs the token's header and payload with the private key; 1 when the signature is the
 * same, 0 when it differs, -1 when hx_jwt_encode cannot rebuild the signing input. */
static int resign(const HxKey *signer, const char *alg, const char *token) {
    const char *dot1 = strchr(token, '.'), *dot2 = strrchr(token, '.');
    char *extra = extra_header_members(token), *again = NULL;
    unsigned char *payload;
    size_t payload_len = 0;
    int result = -1;
    if (extra == NULL || dot1 == NULL || dot2 == dot1) {
        free(extra);
        return -1;
    }
    payload = hxt_b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), &payload_len);
    if (payload != NULL && strlen((const char *)payload) == payload_len &&
        hx_jwt_encode(signer, alg, extra, (const char *)payload, &again) == HX_OK) {
        const char *again_dot = strrchr(again, '.');
        if ((size_t)(again_dot - again) == (size_t)(dot2 - token) &&
            memcmp(again, token, (size_t)(dot2 - token)) == 0)
            result = strcmp(again_dot, dot2) == 0;
    }
    hx_string_free(again);
    free(payload);
    free(extra);
    return result;
}

static int resigned, not_resignable;

static void valid(const JsonValue *e) {
    const char *name = json_get_string(e, "name"), *token = json_get_string(e, "token");
    const char *alg = json_get_string(e, "alg");
    int k = key_index(json_get_string(e, "key"));
    HxValidation *v = validation_of(e);
    char *claims = NULL, *header = NULL;
    HxStatus s;
    if (name == NULL || token == NULL || alg == NULL || k < 0 || v == NULL) {
        fprintf(stderr, "valid vector %s: incomplete\n", name ? name : "?");
        hx_failed++;
        hx_validation_free(v);
        return;
    }
    s = hx_jwt_decode(keys.verifiers[k], NULL, token, v, &claims);
    if (s != HX_OK) {
        fprintf(stderr, "valid vector %s: %s: %s\n", name, hx_status_name(s),
                hx_last_error_message());
        hx_failed++;
    } else {
        JsonValue *got = json_parse(claims, strlen(claims)), *h;
        int same = json_equal(got, json_get(e, "claims"));
        if (!same) fprintf(stderr, "valid vector %s: claims differ: %s\n", name, claims);
        CHECK(same);
        json_free(got);
        CHECK_STATUS(hx_jwt_decode_header(token, &header), HX_OK);
        h = header ? json_parse(header, strlen(header)) : NULL;
        CHECK(h && json_get_string(h, "alg") && strcmp(json_get_string(h, "alg"), alg) == 0);
        json_free(h);
        hx_string_free(header);
        hx_string_free(claims);
        /* Decoding with the private key (or the secret) works too. */
        claims = NULL;
        CHECK_STATUS(hx_jwt_decode(keys.signers[k], NULL, token, v, &claims), HX_OK);
        hx_string_free(claims);
        if (alg[0] == 'H' || alg[0] == 'R' || strcmp(alg, "EdDSA") == 0) {
            int r = resign(keys.signers[k], alg, token);
            if (r < 0) {
                not_resignable++;
            } else {
                if (r == 0) fprintf(stderr, "valid vector %s: signed again, the signature differs\n", name);
                CHECK(r == 1);
                resigned++;
            }
        }
    }
    hx_validation_free(v);
}

/* "MissingClaim" -> "HX_ERR_MISSING_CLAIM". */
static void status_name_of_kind(const char *kind, char *out, size_t size) {
    size_t n = (size_t)snprintf(out, size, "HX_ERR_");
    const char *c;
    for (c = kind; *c && n + 2 < size; c++) {
        if (*c >= 'A' && *c <= 'Z' && c != kind) out[n++] = '_';
        out[n++] = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
    }
    out[n] = '\0';
}

static int claim_kinds_seen[6];

static void invalid(const JsonValue *e) {
    static const char *const claim_kinds[] = {"MissingClaim", "InvalidClaim",   "Expired",
                                              "NotYetValid",  "WrongAudience", "IssuerMismatch"};
    const char *name = json_get_string(e, "name"), *token = json_get_string(e, "token");
    const char *error = json_get_string(e, "error");
    int k = key_index(json_get_string(e, "key"));
    HxValidation *v = validation_of(e);
    char want[64], *claims = (char *)&want; /* a pointer no call may write */
    HxStatus s;
    size_t i;
    if (name == NULL || token == NULL || error == NULL || k < 0 || v == NULL) {
        fprintf(stderr, "invalid vector %s: incomplete\n", name ? name : "?");
        hx_failed++;
        hx_validation_free(v);
        return;
    }
    status_name_of_kind(error, want, sizeof want);
    s = hx_jwt_decode(keys.verifiers[k], NULL, token, v, &claims);
    if (strcmp(hx_status_name(s), want) != 0) {
        fprintf(stderr, "invalid vector %s: %s (%s), expected %s\n", name, hx_status_name(s),
                hx_last_error_message(), want);
        hx_failed++;
        if (s == HX_OK) hx_string_free(claims);
    } else {
        hx_passed++;
        CHECK(claims == (char *)&want);
        check_no_secret_in_last_error(name);
        for (i = 0; i < sizeof claim_kinds / sizeof claim_kinds[0]; i++) {
            if (strcmp(error, claim_kinds[i]) == 0) {
                if (hx_last_error_claim() == NULL)
                    fprintf(stderr, "invalid vector %s: no claim named\n", name);
                CHECK(hx_last_error_claim() != NULL);
                claim_kinds_seen[i] = 1;
            }
        }
    }
    hx_validation_free(v);
}

int main(void) {
    size_t len, i;
    char *text = hxt_read_file(hxt_vector_path("jws.json"), &len);
    JsonValue *doc;
    const JsonValue *valids, *invalids;
    REQUIRE(text != NULL);
    doc = json_parse(text, len);
    REQUIRE(doc != NULL);
    load_keys(json_get(doc, "keys"));
    valids = json_get(doc, "valid");
    invalids = json_get(doc, "invalid");
    REQUIRE(valids && valids->type == JSON_ARRAY && invalids && invalids->type == JSON_ARRAY);
    CHECK(valids->count > 0 && invalids->count > 0);

    for (i = 0; i < valids->count; i++) valid(valids->items[i]);
    for (i = 0; i < invalids->count; i++) invalid(invalids->items[i]);
    printf("jws.json: %u valid and %u invalid vectors checked; %d signatures made again byte for "
           "byte (%d signing inputs the C API cannot rebuild)\n",
           (unsigned)valids->count, (unsigned)invalids->count, resigned, not_resignable);
    CHECK(resigned >= 10);
    /* Each claim kind is reached by some vector (and named its claim). */
    for (i = 0; i < sizeof claim_kinds_seen / sizeof claim_kinds_seen[0]; i++)
        CHECK(claim_kinds_seen[i]);

    for (i = 0; i < keys.n; i++) {
        hx_key_free(keys.signers[i]);
        hx_key_free(keys.verifiers[i]);
    }
    json_free(doc);
    free(text);
    return DONE();
}
