/*
 * hxtest.h: the tiny test harness of the C tests (test-only, header-only).
 *
 * CHECK(cond) counts a passed or failed check; CHECK_STATUS(call, want) also names both statuses.
 * DONE() prints the final "N passed, N failed" line that CI counts and gives the exit code.
 * Also: file reading and base64url, which the tests need and the library does not export.
 */
#ifndef HXTEST_H
#define HXTEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hxjwt.h"

static int hx_passed, hx_failed;

#define CHECK(c)                                                                         \
    do {                                                                                 \
        if (c) {                                                                         \
            hx_passed++;                                                                 \
        } else {                                                                         \
            hx_failed++;                                                                 \
            fprintf(stderr, "%s:%d: CHECK(%s) failed: %s\n", __FILE__, __LINE__, #c,     \
                    hx_last_error_message());                                            \
        }                                                                                \
    } while (0)

#define CHECK_STATUS(call, want)                                                         \
    do {                                                                                 \
        HxStatus got_ = (call);                                                          \
        if (got_ == (want)) {                                                            \
            hx_passed++;                                                                 \
        } else {                                                                         \
            hx_failed++;                                                                 \
            fprintf(stderr, "%s:%d: %s returned %s, expected %s: %s\n", __FILE__,         \
                    __LINE__, #call, hx_status_name(got_), hx_status_name(want),         \
                    hx_last_error_message());                                            \
        }                                                                                \
    } while (0)

#define DONE() (printf("%d passed, %d failed\n", hx_passed, hx_failed), hx_failed != 0)

/* Aborts the test program: for setup steps without which nothing else can run. */
#define REQUIRE(c)                                                                       \
    do {                                                                                 \
        if (!(c)) {                                                                      \
            fprintf(stderr, "%s:%d: REQUIRE(%s) failed: %s\n", __FILE__, __LINE__, #c,   \
                    hx_last_error_message());                                            \
            hx_failed++;                                                                 \
            printf("%d passed, %d failed\n", hx_passed, hx_failed);                      \
            exit(1);                                                                     \
        }                                                                                \
    } while (0)

/* The whole file at path, NUL-terminated, from malloc(); NULL on error. */
static inline char *hxt_read_file(const char *path, size_t *out_len) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        return NULL;
    }
    for (;;) {
        size_t n;
        if (cap - len < 4096) {
            char *bigger;
            cap = cap ? cap * 2 : 65536;
            bigger = (char *)realloc(buf, cap + 1);
            if (bigger == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = bigger;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) break;
    }
    fclose(f);
    buf[len] = '\0';
    if (out_len) *out_len = len;
    return buf;
}

/* A path under the vectors directory ($HXJWT_VECTORS_DIR, default tests/vectors). */
static inline const char *hxt_vector_path(const char *file) {
    static char path[1024];
    const char *dir = getenv("HXJWT_VECTORS_DIR");
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "tests/vectors", file);
    return path;
}

static inline int hxt_b64_value(int c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

/* Decodes unpadded base64url into a new malloc()ed buffer (+1 NUL byte); NULL when invalid. */
static inline unsigned char *hxt_b64url_decode(const char *in, size_t in_len, size_t *out_len) {
    unsigned char *out = (unsigned char *)malloc(in_len * 3 / 4 + 2);
    size_t i, n = 0;
    uint32_t acc = 0;
    int bits = 0;
    if (out == NULL) return NULL;
    for (i = 0; i < in_len; i++) {
        int v = hxt_b64_value((unsigned char)in[i]);
        if (v < 0) {
            free(out);
            return NULL;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    out[n] = 0;
    *out_len = n;
    return out;
}

/* Encodes bytes as unpadded base64url into a new malloc()ed NUL-terminated string. */
static inline char *hxt_b64url_encode(const unsigned char *in, size_t len) {
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char *out = (char *)malloc(len * 4 / 3 + 4);
    size_t i, n = 0;
    uint32_t acc = 0;
    int bits = 0;
    if (out == NULL) return NULL;
    for (i = 0; i < len; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out[n++] = alphabet[(acc >> bits) & 63];
        }
    }
    if (bits > 0) out[n++] = alphabet[(acc << (6 - bits)) & 63];
    out[n] = '\0';
    return out;
}

/* A copy of s from malloc() (strdup is not C99). */
static inline char *hxt_strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *copy = (char *)malloc(n);
    if (copy) memcpy(copy, s, n);
    return copy;
}

#endif /* HXTEST_H */
