/*
 * interop.c: the C program of the cross-runtime interop matrix (tests/interop/README.md), and a
 * worked example of the C API of include/hxjwt.h.
 *
 *   interop hx1-create   IDENTITY_JWK_FILE RECIPIENT_MACHINE_TOKEN_FILE PAYLOAD_FILE
 *       prints the HX1 token (TTL 300 s) for the recipient, then a newline
 *   interop hx1-validate IDENTITY_JWK_FILE SENDER_MACHINE_TOKEN_FILE TOKEN_FILE
 *       validates the token as from that sender (no directory); prints the payload bytes exactly
 *   interop es256-sign   PRIVATE_JWK_FILE CLAIMS_JSON_FILE
 *       prints a compact ES256 JWS of the claims (signed exactly as the file has them)
 *   interop es256-verify PUBLIC_JWK_FILE TOKEN_FILE
 *       verifies with the algorithms ["ES256"] and no audience; prints the claims JSON
 *   interop jwe-encrypt  ALG ENC RECIPIENT_JWK_FILE PAYLOAD_FILE
 *       prints a compact JWE of the payload bytes (key management ALG, content encryption ENC)
 *       for the recipient's public JWK (or the secret "oct" JWK of dir, A*KW, A*GCMKW)
 *   interop jwe-decrypt  ALG ENC PRIVATE_JWK_FILE TOKEN_FILE
 *       decrypts accepting only ALG and ENC, with the private (or secret) JWK; prints the
 *       plaintext bytes exactly
 *
 * Exit status: 0 on success; 1 when the library refuses something, with
 * "error: <Kind>: <message>" on stderr (Kind is the status's name: HX_ERR_INVALID_SIGNATURE is
 * InvalidSignature); 2 for usage errors and files that cannot be read or written.
 *
 * Every decision about a token or a key is the library's. This program only reads files (a token
 * file may end with whitespace, which is dropped; a file that must be text and holds a NUL byte
 * cannot be passed as a C string and is refused with InvalidArgument), calls libhxjwt, frees every
 * handle and every string it returns, and turns statuses into the contract's error lines.
 *
 *   cc -std=c99 -Iinclude tests/interop/interop.c -Ltarget/c/lib -lhxjwt -o target/interop/interop
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hxjwt.h"

/* The largest file read: far above any token or key (the library refuses tokens over 64 KiB),
 * and a bound on what a hostile file can make this program allocate. */
#define MAX_FILE_BYTES ((size_t)64 * 1024 * 1024)

/* The contract's exit statuses. */
enum { EXIT_OK = 0, EXIT_REFUSED = 1, EXIT_USAGE = 2 };

/* The status that the lead adds as HX_ERR_STORE_UNAVAILABLE; named by hand until
 * hx_status_name knows it. */
#define STATUS_STORE_UNAVAILABLE 118u

/* A file's bytes from malloc(), with one NUL byte after them that len does not count. */
typedef struct {
    unsigned char *data;
    size_t len;
} Bytes;

/* The error kind of a status, from its C name: HX_ERR_INVALID_SIGNATURE gives
 * "InvalidSignature". Writes at most cap bytes (NUL included) to out. */
static void kind_of(HxStatus status, char *out, size_t cap) {
    const char *name = hx_status_name((uint32_t)status);
    const char *prefix = "HX_ERR_";
    size_t n = 0;
    int upper = 1;
    if (strcmp(name, "HX_ERR_UNKNOWN") == 0) {
        name = (uint32_t)status == STATUS_STORE_UNAVAILABLE ? "HX_ERR_STORE_UNAVAILABLE"
                                                            : "HX_ERR_INTERNAL";
    }
    if (strncmp(name, prefix, strlen(prefix)) == 0) {
        name += strlen(prefix);
    }
    for (; *name != '\0' && n + 1 < cap; name++) {
        if (*name == '_') {
            upper = 1;
            continue;
        }
        out[n++] = upper ? *name : (char)(*name >= 'A' && *name <= 'Z' ? *name + 32 : *name);
        upper = 0;
    }
    out[n] = '\0';
}

/* Reports a status the library returned: "error: <Kind>: <message>", where the message is
 * hx_last_error_message() without its own "<Kind>: " prefix. Returns the exit status. */
static int refused(HxStatus status) {
    char kind[64];
    const char *message = hx_last_error_message();
    size_t kind_len;
    kind_of(status, kind, sizeof kind);
    kind_len = strlen(kind);
    if (strncmp(message, kind, kind_len) == 0 && message[kind_len] == ':' &&
        message[kind_len + 1] == ' ') {
        message += kind_len + 2;
    }
    fprintf(stderr, "error: %s: %s\n", kind, *message != '\0' ? message : "(no message)");
    return EXIT_REFUSED;
}

/* An error of this program's own input ("error: InvalidArgument: ..."), as the library would
 * report an unusable argument. Returns the exit status. */
static int invalid_argument(const char *what, const char *why) {
    fprintf(stderr, "error: InvalidArgument: %s %s\n", what, why);
    return EXIT_REFUSED;
}

/* Reads the whole file at path into *out. On failure prints why and returns 0. */
static int read_file(const char *path, Bytes *out) {
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    if (f == NULL) {
        fprintf(stderr, "error: cannot read %s: %s\n", path, strerror(errno));
        return 0;
    }
    for (;;) {
        size_t n;
        if (cap - len == 0) {
            unsigned char *bigger;
            if (cap >= MAX_FILE_BYTES) {
                fprintf(stderr, "error: cannot read %s: larger than %lu bytes\n", path,
                        (unsigned long)MAX_FILE_BYTES);
                free(buf);
                fclose(f);
                return 0;
            }
            cap = cap == 0 ? 4096 : cap * 2;
            if (cap > MAX_FILE_BYTES) {
                cap = MAX_FILE_BYTES;
            }
            bigger = (unsigned char *)realloc(buf, cap + 1);
            if (bigger == NULL) {
                fprintf(stderr, "error: cannot read %s: out of memory\n", path);
                free(buf);
                fclose(f);
                return 0;
            }
            buf = bigger;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            break;
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "error: cannot read %s: %s\n", path, strerror(errno));
        free(buf);
        fclose(f);
        return 0;
    }
    fclose(f);
    buf[len] = '\0'; /* buf was allocated before the first read, even for an empty file */
    out->data = buf;
    out->len = len;
    return 1;
}

/* Whether the file's bytes can be passed as a C string (no NUL byte inside). */
static int is_c_string(const Bytes *b) {
    return memchr(b->data, '\0', b->len) == NULL;
}

/* Drops trailing whitespace (a token file may end with a newline). */
static void strip_trailing_whitespace(Bytes *b) {
    while (b->len > 0 && strchr(" \t\r\n\v\f", b->data[b->len - 1]) != NULL) {
        b->len--;
    }
    b->data[b->len] = '\0';
}

/* Writes bytes to stdout and flushes; returns 0 (after saying why) when that fails. */
static int write_stdout(const void *data, size_t len) {
    if ((len > 0 && fwrite(data, 1, len, stdout) != len) || fflush(stdout) != 0) {
        fprintf(stderr, "error: cannot write stdout: %s\n", strerror(errno));
        return 0;
    }
    return 1;
}

/* Reads the text files paths[0..n): each must be a C string; the last one is a token when
 * last_is_token (trailing whitespace dropped). Returns EXIT_OK, or the exit status of the
 * failure after reporting it (the files read so far are freed). */
static int read_texts(char **paths, Bytes *files, size_t n, int last_is_token) {
    size_t i;
    for (i = 0; i < n; i++) {
        if (!read_file(paths[i], &files[i])) {
            while (i > 0) {
                free(files[--i].data);
            }
            return EXIT_USAGE;
        }
        if (!is_c_string(&files[i])) {
            size_t j;
            int rc = invalid_argument(paths[i], "contains a NUL byte");
            for (j = 0; j <= i; j++) {
                free(files[j].data);
            }
            return rc;
        }
    }
    if (last_is_token && n > 0) {
        strip_trailing_whitespace(&files[n - 1]);
    }
    return EXIT_OK;
}

static void free_files(Bytes *files, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        free(files[i].data);
    }
}

/* hx1-create: the identity's endpoint (no directory) seals the payload for the recipient's
 * machine token. */
static int hx1_create(char **args) {
    Bytes text[2], payload;
    HxIdentity *id = NULL;
    HxEndpoint *ep = NULL;
    char *token = NULL;
    HxStatus s;
    int rc = read_texts(args, text, 2, 0);
    if (rc != EXIT_OK) {
        return rc;
    }
    if (!read_file(args[2], &payload)) {
        free_files(text, 2);
        return EXIT_USAGE;
    }
    s = hx_identity_from_jwk((const char *)text[0].data, &id);
    if (s == HX_OK) {
        s = hx_endpoint_new(id, NULL, &ep);
    }
    if (s == HX_OK) {
        s = hx_create_jwt(ep, NULL, (const char *)text[1].data, payload.data, payload.len, 300,
                          &token);
    }
    if (s != HX_OK) {
        rc = refused(s);
    } else if (!write_stdout(token, strlen(token)) || !write_stdout("\n", 1)) {
        rc = EXIT_USAGE;
    }
    hx_string_free(token);
    hx_endpoint_free(ep);
    hx_identity_free(id);
    free(payload.data);
    free_files(text, 2);
    return rc;
}

/* hx1-validate: the identity's endpoint (no directory) validates the token as from the sender
 * whose machine token is given, and prints the decrypted payload. */
static int hx1_validate(char **args) {
    Bytes text[3];
    HxIdentity *id = NULL;
    HxEndpoint *ep = NULL;
    HxMessage *msg = NULL;
    HxStatus s;
    int rc = read_texts(args, text, 3, 1);
    if (rc != EXIT_OK) {
        return rc;
    }
    s = hx_identity_from_jwk((const char *)text[0].data, &id);
    if (s == HX_OK) {
        s = hx_endpoint_new(id, NULL, &ep);
    }
    if (s == HX_OK) {
        s = hx_validate_jwt(ep, (const char *)text[2].data, (const char *)text[1].data, &msg);
    }
    if (s != HX_OK) {
        rc = refused(s);
    } else {
        size_t len = 0;
        const uint8_t *payload = hx_message_payload(msg, &len);
        if (!write_stdout(payload, len)) {
            rc = EXIT_USAGE;
        }
    }
    hx_message_free(msg);
    hx_endpoint_free(ep);
    hx_identity_free(id);
    free_files(text, 3);
    return rc;
}

/* es256-sign: signs the claims file's JSON object, exactly as it is, with ES256. */
static int es256_sign(char **args) {
    Bytes text[2];
    HxKey *key = NULL;
    char *token = NULL;
    HxStatus s;
    int rc = read_texts(args, text, 2, 0);
    if (rc != EXIT_OK) {
        return rc;
    }
    s = hx_key_from_jwk((const char *)text[0].data, &key);
    if (s == HX_OK) {
        s = hx_jwt_encode(key, "ES256", NULL, (const char *)text[1].data, &token);
    }
    if (s != HX_OK) {
        rc = refused(s);
    } else if (!write_stdout(token, strlen(token)) || !write_stdout("\n", 1)) {
        rc = EXIT_USAGE;
    }
    hx_string_free(token);
    hx_key_free(key);
    free_files(text, 2);
    return rc;
}

/* es256-verify: verifies with the public key, the algorithms ["ES256"] and the library's
 * default checks (exp required, no audience expected), and prints the claims as signed. */
static int es256_verify(char **args) {
    static const char *const algorithms[] = {"ES256"};
    Bytes text[2];
    HxKey *key = NULL;
    HxValidation *v = NULL;
    char *claims = NULL;
    HxStatus s;
    int rc = read_texts(args, text, 2, 1);
    if (rc != EXIT_OK) {
        return rc;
    }
    s = hx_key_from_jwk((const char *)text[0].data, &key);
    if (s == HX_OK) {
        s = hx_validation_new(algorithms, 1, &v);
    }
    if (s == HX_OK) {
        s = hx_jwt_decode(key, NULL, (const char *)text[1].data, v, &claims);
    }
    if (s != HX_OK) {
        rc = refused(s);
    } else if (!write_stdout(claims, strlen(claims)) || !write_stdout("\n", 1)) {
        rc = EXIT_USAGE;
    }
    hx_string_free(claims);
    hx_validation_free(v);
    hx_key_free(key);
    free_files(text, 2);
    return rc;
}

/* jwe-encrypt: encrypts the payload file's bytes, exactly as they are, for the recipient's JWE
 * key (a public JWK, or a secret one), with the key management algorithm alg and the content
 * encryption enc. */
static int jwe_encrypt(char **args) {
    const char *alg = args[0], *enc = args[1];
    Bytes jwk, payload;
    HxJweKey *key = NULL;
    char *token = NULL;
    HxStatus s;
    int rc = read_texts(args + 2, &jwk, 1, 0);
    if (rc != EXIT_OK) {
        return rc;
    }
    if (!read_file(args[3], &payload)) {
        free(jwk.data);
        return EXIT_USAGE;
    }
    s = hx_jwe_key_from_jwk((const char *)jwk.data, &key);
    if (s == HX_OK) {
        s = hx_jwe_encrypt(key, alg, enc, NULL, payload.data, payload.len, &token);
    }
    if (s != HX_OK) {
        rc = refused(s);
    } else if (!write_stdout(token, strlen(token)) || !write_stdout("\n", 1)) {
        rc = EXIT_USAGE;
    }
    hx_string_free(token);
    hx_jwe_key_free(key);
    free(payload.data);
    free(jwk.data);
    return rc;
}

/* jwe-decrypt: decrypts the compact JWE with the private (or secret) JWE key, accepting only the
 * key management algorithm alg and the content encryption enc (the token never chooses), and
 * prints the plaintext bytes exactly. */
static int jwe_decrypt(char **args) {
    const char *const algorithms[] = {args[0]};
    const char *const encryptions[] = {args[1]};
    Bytes text[2];
    HxJweKey *key = NULL;
    HxJweOptions *options = NULL;
    uint8_t *plaintext = NULL;
    size_t len = 0;
    HxStatus s;
    int rc = read_texts(args + 2, text, 2, 1);
    if (rc != EXIT_OK) {
        return rc;
    }
    s = hx_jwe_key_from_jwk((const char *)text[0].data, &key);
    if (s == HX_OK) {
        s = hx_jwe_options_new(algorithms, 1, encryptions, 1, &options);
    }
    if (s == HX_OK) {
        const HxJweKey *const keys[] = {key};
        s = hx_jwe_decrypt(keys, 1, (const char *)text[1].data, options, &plaintext, &len, NULL);
    }
    if (s != HX_OK) {
        rc = refused(s);
    } else if (!write_stdout(plaintext, len)) {
        rc = EXIT_USAGE;
    }
    hx_bytes_free(plaintext, len);
    hx_jwe_options_free(options);
    hx_jwe_key_free(key);
    free_files(text, 2);
    return rc;
}

static int usage(void) {
    fputs("usage: interop hx1-create   IDENTITY_JWK_FILE RECIPIENT_MACHINE_TOKEN_FILE "
          "PAYLOAD_FILE\n"
          "       interop hx1-validate IDENTITY_JWK_FILE SENDER_MACHINE_TOKEN_FILE TOKEN_FILE\n"
          "       interop es256-sign   PRIVATE_JWK_FILE CLAIMS_JSON_FILE\n"
          "       interop es256-verify PUBLIC_JWK_FILE TOKEN_FILE\n"
          "       interop jwe-encrypt  ALG ENC RECIPIENT_JWK_FILE PAYLOAD_FILE\n"
          "       interop jwe-decrypt  ALG ENC PRIVATE_JWK_FILE TOKEN_FILE\n",
          stderr);
    return EXIT_USAGE;
}

int main(int argc, char **argv) {
    static const struct {
        const char *name;
        int n_args;
        int (*run)(char **args);
    } commands[] = {
        {"hx1-create", 3, hx1_create},
        {"hx1-validate", 3, hx1_validate},
        {"es256-sign", 2, es256_sign},
        {"es256-verify", 2, es256_verify},
        {"jwe-encrypt", 4, jwe_encrypt},
        {"jwe-decrypt", 4, jwe_decrypt},
    };
    size_t i;
    if (argc < 2) {
        return usage();
    }
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            if (argc - 2 != commands[i].n_args) {
                fprintf(stderr, "interop %s takes %d arguments, not %d\n", commands[i].name,
                        commands[i].n_args, argc - 2);
                return usage();
            }
            return commands[i].run(argv + 2);
        }
    }
    fprintf(stderr, "interop: unknown command \"%s\"\n", argv[1]);
    return usage();
}
