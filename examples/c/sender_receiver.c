/*
 * hxjwt from C: two services exchange an encrypted, sender-authenticated JWT (HX1).
 *
 *   cc -std=c99 sender_receiver.c $(pkg-config --cflags --libs hxjwt) -o sender_receiver
 *
 * "orders" sends a JSON payload to "billing". Each service has an identity (a name and an X25519
 * key pair); their public halves, the machine tokens, are published in a directory (a JWK Set).
 * Only billing can read the token, and only orders can have made it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hxjwt.h>

/* Every fallible call returns an HxStatus; on failure, hx_last_error_message() says why. */
#define TRY(call)                                                                        \
    do {                                                                                 \
        HxStatus s_ = (call);                                                            \
        if (s_ != HX_OK) {                                                               \
            fprintf(stderr, "%s failed: %s (%s)\n", #call, hx_status_name(s_),            \
                    hx_last_error_message());                                            \
            exit(1);                                                                     \
        }                                                                                \
    } while (0)

int main(void) {
    HxIdentity *orders_id = NULL, *billing_id = NULL;
    HxDirectory *directory = NULL;
    HxEndpoint *orders = NULL, *billing = NULL;
    HxMessage *msg = NULL;
    char *orders_public = NULL, *billing_public = NULL, *jwks = NULL, *token = NULL;
    const char *claims = "{\"order\":42,\"amount\":\"19.99\"}";
    size_t len = 0;
    const uint8_t *payload;
    HxStatus status;

    printf("libhxjwt %s\n", hx_version());

    /* 1. Each service has an identity; its machine token (public JWK) goes to the directory. */
    TRY(hx_identity_generate("orders.service", &orders_id));
    TRY(hx_identity_generate("billing.service", &billing_id));
    TRY(hx_identity_machine_token(orders_id, &orders_public));
    TRY(hx_identity_machine_token(billing_id, &billing_public));
    TRY(hx_directory_new(&directory));
    TRY(hx_directory_add(directory, orders_public));
    TRY(hx_directory_add(directory, billing_public));
    TRY(hx_directory_to_jwks(directory, &jwks)); /* what a web server would publish */
    printf("directory: %.60s...\n", jwks);

    /* 2. An endpoint per service. It keeps its own copies: the handles can go right away. */
    TRY(hx_endpoint_new(orders_id, directory, &orders));
    TRY(hx_endpoint_new(billing_id, directory, &billing));
    hx_identity_free(orders_id);
    hx_identity_free(billing_id);
    hx_directory_free(directory);

    /* 3. The sender: a token for billing.service, valid for 5 minutes. */
    TRY(hx_create_jwt(orders, "billing.service", NULL, (const uint8_t *)claims, strlen(claims), 300,
                      &token));
    printf("token: %.40s... (%u bytes)\n", token, (unsigned)strlen(token));

    /* 4. The receiver: who sent it (authenticated) and what it says (decrypted). */
    TRY(hx_validate_jwt(billing, token, NULL, &msg));
    payload = hx_message_payload(msg, &len);
    printf("from %s to %s, expires at %lld: %.*s\n", hx_message_issuer(msg),
           hx_message_audience(msg), (long long)hx_message_expires_at(msg), (int)len,
           (const char *)payload);
    hx_message_free(msg);
    msg = NULL;

    /* 5. A tampered token is rejected... */
    {
        char *c = &token[strlen(token) - 5], saved = *c;
        *c = *c == 'A' ? 'B' : 'A'; /* still base64url, but not what orders signed */
        status = hx_validate_jwt(billing, token, NULL, &msg);
        printf("tampered: %s\n", hx_status_name(status));
        if (status != HX_ERR_INVALID_SIGNATURE || msg != NULL) return 1;
        *c = saved;
    }

    /* ... and so is an expired one (hx_endpoint_set_time is for tests: it stops the clock). */
    TRY(hx_endpoint_set_time(billing, 4102444800LL)); /* 2100-01-01 */
    status = hx_validate_jwt(billing, token, NULL, &msg);
    printf("in 2100: %s (%s)\n", hx_status_name(status), hx_last_error_message());
    if (status != HX_ERR_EXPIRED) return 1;

    hx_string_free(token);
    hx_string_free(jwks);
    hx_string_free(orders_public);
    hx_string_free(billing_public);
    hx_endpoint_free(orders);
    hx_endpoint_free(billing);
    return 0;
}
