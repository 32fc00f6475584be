/*
 * Standard JWTs with libhxjwt: a login service signs an ES256 token and publishes its public
 * keys as a JWK Set; an API verifies the token with that set, checking issuer, audience and
 * expiry; a token for another audience is refused.
 *
 *   cc -std=c99 examples/c/jwt_sign_verify.c $(pkg-config --cflags --libs hxjwt) -o jwt_sign_verify
 */
#include <stdio.h>
#include <time.h>

#include <hxjwt.h>

#define TRY(call)                                                                        \
    do {                                                                                 \
        HxStatus s_ = (call);                                                            \
        if (s_ != HX_OK) {                                                               \
            fprintf(stderr, "%s failed: %s: %s\n", #call, hx_status_name(s_),            \
                    hx_last_error_message());                                            \
            return 1;                                                                    \
        }                                                                                \
    } while (0)

int main(void) {
    HxKey *signing_key;
    HxKeySet *issuer_keys, *trusted_keys;
    HxValidation *v;
    char *jwks, *token, *other_token, *claims;
    char claims_json[256];
    const char *algorithms[] = {"ES256"};
    HxStatus status;
    long long now = (long long)time(NULL);

    /* The login service: a signing key (kid = its thumbprint), and the public JWK Set it serves
     * at /.well-known/jwks.json. */
    TRY(hx_key_generate("ES256", &signing_key));
    TRY(hx_keyset_new(&issuer_keys));
    TRY(hx_keyset_add(issuer_keys, signing_key));
    TRY(hx_keyset_to_public_jwks(issuer_keys, &jwks));
    printf("published: %s\n", jwks);

    /* It signs a token for the API, valid for 5 minutes. */
    snprintf(claims_json, sizeof claims_json,
             "{\"iss\":\"https://login.example.com\",\"sub\":\"user-7\",\"aud\":\"api\","
             "\"iat\":%lld,\"exp\":%lld}",
             now, now + 300);
    TRY(hx_jwt_encode(signing_key, "ES256", NULL, claims_json, &token));
    printf("token: %s\n", token);

    /* The API: it trusts the published keys, and says what it accepts. */
    TRY(hx_keyset_from_jwks(jwks, &trusted_keys));
    TRY(hx_validation_new(algorithms, 1, &v));
    TRY(hx_validation_add_issuer(v, "https://login.example.com"));
    TRY(hx_validation_add_audience(v, "api"));
    TRY(hx_validation_set_leeway(v, 30));

    TRY(hx_jwt_decode(NULL, trusted_keys, token, v, &claims));
    printf("verified claims: %s\n", claims);
    hx_string_free(claims);
    claims = NULL;

    /* A token for another audience is refused, and the error names the claim. */
    snprintf(claims_json, sizeof claims_json,
             "{\"iss\":\"https://login.example.com\",\"sub\":\"user-7\",\"aud\":\"billing\","
             "\"exp\":%lld}",
             now + 300);
    TRY(hx_jwt_encode(signing_key, "ES256", NULL, claims_json, &other_token));
    status = hx_jwt_decode(NULL, trusted_keys, other_token, v, &claims);
    printf("token for billing: %s (claim %s): %s\n", hx_status_name(status),
           hx_last_error_claim() ? hx_last_error_claim() : "-", hx_last_error_message());

    hx_string_free(claims); /* still NULL: out-parameters are written only on success */
    hx_string_free(other_token);
    hx_string_free(token);
    hx_string_free(jwks);
    hx_validation_free(v);
    hx_keyset_free(trusted_keys);
    hx_keyset_free(issuer_keys);
    hx_key_free(signing_key);
    return status == HX_ERR_WRONG_AUDIENCE ? 0 : 1;
}
