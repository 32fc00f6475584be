/*
 * Remote JWK Sets over TLS, the C side: HxRemoteOptions' ca_file, headers and allow_mixed_keys
 * (issue 17 item 4). The fetches themselves (trusted CA, unknown CA, expired and wrong-host
 * certificates, redirects, the headers a server receives) are tested in the core
 * (core/tests/remote_tls.rs); here, what C passes in: NULL and bad values give
 * HX_ERR_INVALID_ARGUMENT with a precise message, at hx_keyset_from_url / hx_directory_from_url,
 * and good values are accepted. Nothing is fetched: no network.
 */
#define _POSIX_C_SOURCE 200809L

#include <unistd.h>

#include "hxtest.h"

/* A self-signed CA certificate (P-256), only ever loaded, never used for a connection. */
static const char CA_PEM[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBjDCCATGgAwIBAgIUC8lmBypRyqt7ZAQ2FZYliuj7UM8wCgYIKoZIzj0EAwIw\n"
    "GjEYMBYGA1UEAwwPaHhqd3QgQyB0ZXN0IENBMCAXDTI2MTIwNjE0MzUyN1oYDzIx\n"
    "MjYxMTEyMTQzNTI3WjAaMRgwFgYDVQQDDA9oeGp3dCBDIHRlc3QgQ0EwWTATBgcq\n"
    "hkjOPQIBBggqhkjOPQMBBwNCAAQUBPjQ5ZDUabvT6kEegMpR3FWHz3EpOjozfrye\n"
    "qJTGylpAMmL/a5QuFqpc2Y3PAYR6Yo+LOTw43vgVjpP/uxM7o1MwUTAdBgNVHQ4E\n"
    "FgQUTrN7erxmCV6qXlwfl0fI3wiJy90wHwYDVR0jBBgwFoAUTrN7erxmCV6qXlwf\n"
    "l0fI3wiJy90wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAphje\n"
    "IaZxNpftPL/TIwbgYMTLEEi2ubLqdG/HeRGe37cCIQCZsoQ0HSLIwWBzRpYS2KbL\n"
    "vtt65YOdMl6jucV3oygtFw==\n"
    "-----END CERTIFICATE-----\n";

static char sentinel_storage;
#define SENTINEL ((void *)&sentinel_storage)

static int last_error_mentions(const char *what) {
    return strstr(hx_last_error_message(), what) != NULL;
}

/* A file of its own in /tmp with `text`; its path in `path` (at least 64 bytes). */
static void write_temp(char *path, size_t size, const char *name, const char *text) {
    snprintf(path, size, "/tmp/hxjwt-c-remote-tls-%ld-%s.pem", (long)getpid(), name);
    FILE *f = fopen(path, "wb");
    REQUIRE(f != NULL);
    REQUIRE(fputs(text, f) >= 0);
    REQUIRE(fclose(f) == 0);
}

static const char *URL = "https://keys.example.com/jwks.json";

static void test_defaults(void) {
    HxRemoteOptions o;
    memset(&o, 0xAB, sizeof o);
    CHECK_STATUS(hx_remote_options_default(&o), HX_OK);
    CHECK(o.ca_file == NULL);
    CHECK(o.headers == NULL);
    CHECK(o.headers_len == 0);
    CHECK(!o.allow_mixed_keys);
    /* The defaults' struct, passed back, is accepted. */
    HxKeySet *set = SENTINEL;
    CHECK_STATUS(hx_keyset_from_url(URL, &o, &set), HX_OK);
    CHECK(set != SENTINEL && set != NULL);
    hx_keyset_free(set);
}

static void test_ca_file(void) {
    char good[128], empty[128], bad[128];
    write_temp(good, sizeof good, "good", CA_PEM);
    write_temp(empty, sizeof empty, "empty", "no certificate here\n");
    write_temp(bad, sizeof bad, "bad",
               "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");

    HxRemoteOptions o = {0};
    o.ca_file = good;
    HxKeySet *set = SENTINEL;
    CHECK_STATUS(hx_keyset_from_url(URL, &o, &set), HX_OK);
    CHECK(set != SENTINEL);
    hx_keyset_free(set);
    HxDirectory *dir = SENTINEL;
    CHECK_STATUS(hx_directory_from_url(URL, &o, &dir), HX_OK);
    CHECK(dir != SENTINEL);
    hx_directory_free(dir);

    const char *cases[][2] = {
        {"/tmp/hxjwt-no-such-dir/ca.pem", "cannot read the CA file"},
        {empty, "no CERTIFICATE block"},
        {bad, "not valid PEM"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        o.ca_file = cases[i][0];
        set = SENTINEL;
        CHECK_STATUS(hx_keyset_from_url(URL, &o, &set), HX_ERR_INVALID_ARGUMENT);
        CHECK(set == SENTINEL);
        CHECK(last_error_mentions(cases[i][0]));
        CHECK(last_error_mentions(cases[i][1]));
        dir = SENTINEL;
        CHECK_STATUS(hx_directory_from_url(URL, &o, &dir), HX_ERR_INVALID_ARGUMENT);
        CHECK(dir == SENTINEL);
    }
    /* Not UTF-8. */
    o.ca_file = "/tmp/\xff\xfe.pem";
    CHECK_STATUS(hx_keyset_from_url(URL, &o, &set), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("opts->ca_file is not valid UTF-8"));
    unlink(good);
    unlink(empty);
    unlink(bad);
}

static void test_headers(void) {
    const char *good[] = {"X-Api-Key: k-123", "User-Agent: billing/2.1", "Authorization: Bearer t"};
    HxRemoteOptions o = {0};
    o.headers = good;
    o.headers_len = 3;
    HxKeySet *set = SENTINEL;
    CHECK_STATUS(hx_keyset_from_url(URL, &o, &set), HX_OK);
    CHECK(set != SENTINEL);
    hx_keyset_free(set);

    /* Each bad line, second in the array, is named by its index; its value is never quoted. */
    struct {
        const char *line;
        const char *why;
    } bad[] = {
        {"no colon here", "'Name: value'"},
        {"Bad Name: v4lue-1", "not an HTTP token"},
        {"Host: evil.example", "set by the HTTP client"},
        {"Content-Length: 12345", "set by the HTTP client"},
        {"Transfer-Encoding: chunked", "set by the HTTP client"},
        {"X-A: s3cr3t\r\nHost: evil", "control character"},
        {"X-A: s3cr3t\x01", "control character"},
        {"x-api-key: again", "given twice"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *lines[] = {"X-Api-Key: k-123", bad[i].line};
        o.headers = lines;
        o.headers_len = 2;
        set = SENTINEL;
        CHECK_STATUS(hx_keyset_from_url(URL, &o, &set), HX_ERR_INVALID_ARGUMENT);
        CHECK(set == SENTINEL);
        CHECK(last_error_mentions("opts->headers[1]"));
        CHECK(last_error_mentions(bad[i].why));
        CHECK(!last_error_mentions("s3cr3t"));
        HxDirectory *dir = SENTINEL;
        CHECK_STATUS(hx_directory_from_url(URL, &o, &dir), HX_ERR_INVALID_ARGUMENT);
        CHECK(dir == SENTINEL);
    }
    /* NULL array with a length, NULL element. */
    o.headers = NULL;
    o.headers_len = 2;
    CHECK_STATUS(hx_keyset_from_url(URL, &o, &set), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("opts->headers is NULL but its length is 2"));
    const char *with_null[] = {"X-A: 1", NULL};
    o.headers = with_null;
    CHECK_STATUS(hx_keyset_from_url(URL, &o, &set), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("opts->headers[1] is NULL"));
    /* NULL with length 0 is no headers. */
    o.headers = NULL;
    o.headers_len = 0;
    CHECK_STATUS(hx_keyset_from_url(URL, &o, &set), HX_OK);
    hx_keyset_free(set);
}

static void test_mixed_and_http(void) {
    HxRemoteOptions o = {0};
    o.allow_mixed_keys = true;
    HxKeySet *set = SENTINEL;
    CHECK_STATUS(hx_keyset_from_url(URL, &o, &set), HX_OK);
    hx_keyset_free(set);
    /* allow_http still needed for http://, and the URL is checked before the options. */
    set = SENTINEL;
    CHECK_STATUS(hx_keyset_from_url("http://keys.example.com/jwks", &o, &set),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK(set == SENTINEL);
}

int main(void) {
    test_defaults();
    test_ca_file();
    test_headers();
    test_mixed_and_http();
    return DONE();
}
