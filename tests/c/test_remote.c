/*
 * Remote JWK Sets and key rotation through the C ABI: hx_directory_from_url and
 * hx_keyset_from_url against a real HTTP server, HxRemoteOptions, and the rotation functions
 * (hx_endpoint_rotate_identity / add_previous_identity / clear_previous_identities,
 * hx_directory_rotate_in / retire).
 *
 * The JWK Sets are served by a tiny HTTP/1.1 server that this program runs in a thread on
 * 127.0.0.1, on a port the system picks: no network, no other process, nothing to clean up. It
 * counts the requests per path, so the tests can tell a cache hit from a fetch. Only loopback
 * addresses are used, ever.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "hxtest.h"

#define T0 INT64_C(1767225600)

/* A pointer value that no call may write: out-parameters start with it and must keep it. */
static char sentinel_storage;
#define SENTINEL ((void *)&sentinel_storage)

static int last_error_mentions(const char *what) {
    return strstr(hx_last_error_message(), what) != NULL;
}

/* ---------------------------------------------------------------------------------------------
 * The loopback server.
 */

#define MAX_ROUTES 12

typedef struct {
    char path[64];
    char *body;                /* malloc()ed */
    int status;                /* 200, 500, ... */
    const char *cache_control; /* static, or NULL for none */
    unsigned delay_ms;         /* wait before answering */
    unsigned hits;
} Route;

typedef struct {
    int fd;
    unsigned short port;
    pthread_t thread;
    pthread_mutex_t mu;
    Route routes[MAX_ROUTES];
    int n_routes;
    int stop;
} Server;

static Server srv;

static void sleep_ms(unsigned ms) {
    struct timespec ts;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void send_all(int fd, const char *data, size_t len) {
    while (len > 0) {
        ssize_t n = send(fd, data, len, 0);
        if (n <= 0) return; /* the client went away (a time-out test): SIGPIPE is ignored */
        data += n;
        len -= (size_t)n;
    }
}

/* Answers one request on connection c. */
static void server_handle(int c) {
    char req[4096], path[64] = "";
    size_t got = 0;
    struct timeval tv;
    char *body = NULL, head[512];
    int status = 404;
    const char *cache_control = NULL;
    unsigned delay_ms = 0;
    int i, n;

    tv.tv_sec = 5;
    tv.tv_usec = 0;
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (got < sizeof req - 1) {
        ssize_t r = recv(c, req + got, sizeof req - 1 - got, 0);
        if (r <= 0) return;
        got += (size_t)r;
        req[got] = '\0';
        if (strstr(req, "\r\n\r\n") != NULL) break;
    }
    if (sscanf(req, "GET %63s HTTP/1.1", path) != 1) return;

    pthread_mutex_lock(&srv.mu);
    for (i = 0; i < srv.n_routes; i++) {
        Route *r = &srv.routes[i];
        if (strcmp(r->path, path) == 0) {
            r->hits++;
            body = hxt_strdup(r->body);
            status = r->status;
            cache_control = r->cache_control;
            delay_ms = r->delay_ms;
            break;
        }
    }
    pthread_mutex_unlock(&srv.mu);
    if (body == NULL) body = hxt_strdup("not found");
    if (delay_ms) sleep_ms(delay_ms);

    n = snprintf(head, sizeof head,
                 "HTTP/1.1 %d %s\r\nContent-Type: application/jwk-set+json\r\n"
                 "Content-Length: %lu\r\n%s%s%sConnection: close\r\n\r\n",
                 status, status == 200 ? "OK" : "Error", (unsigned long)strlen(body),
                 cache_control ? "Cache-Control: " : "", cache_control ? cache_control : "",
                 cache_control ? "\r\n" : "");
    send_all(c, head, (size_t)n);
    send_all(c, body, strlen(body));
    free(body);
}

static void *server_main(void *arg) {
    (void)arg;
    for (;;) {
        int stop, c = accept(srv.fd, NULL, NULL);
        if (c < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            break;
        }
        pthread_mutex_lock(&srv.mu);
        stop = srv.stop;
        pthread_mutex_unlock(&srv.mu);
        if (!stop) server_handle(c);
        shutdown(c, SHUT_RDWR);
        close(c);
        if (stop) break;
    }
    return NULL;
}

/* A listening TCP socket on 127.0.0.1 and a port the system picks; the port goes to *port. */
static int listen_loopback(unsigned short *port) {
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    REQUIRE(bind(fd, (struct sockaddr *)&a, sizeof a) == 0);
    REQUIRE(listen(fd, 16) == 0);
    REQUIRE(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static void server_start(void) {
    signal(SIGPIPE, SIG_IGN);
    memset(&srv, 0, sizeof srv);
    REQUIRE(pthread_mutex_init(&srv.mu, NULL) == 0);
    srv.fd = listen_loopback(&srv.port);
    REQUIRE(pthread_create(&srv.thread, NULL, server_main, NULL) == 0);
}

static void server_stop(void) {
    struct sockaddr_in a;
    int i, fd;
    pthread_mutex_lock(&srv.mu);
    srv.stop = 1;
    pthread_mutex_unlock(&srv.mu);
    /* Wake the accept() with one last connection. */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(srv.port);
    if (fd >= 0) {
        (void)connect(fd, (struct sockaddr *)&a, sizeof a);
        close(fd);
    }
    pthread_join(srv.thread, NULL);
    close(srv.fd);
    for (i = 0; i < srv.n_routes; i++) free(srv.routes[i].body);
    pthread_mutex_destroy(&srv.mu);
}

/* Serves body at path (replacing what was served there) with the given status and headers. */
static void serve(const char *path, const char *body, int status, const char *cache_control,
                  unsigned delay_ms) {
    int i;
    Route *r = NULL;
    pthread_mutex_lock(&srv.mu);
    for (i = 0; i < srv.n_routes; i++)
        if (strcmp(srv.routes[i].path, path) == 0) r = &srv.routes[i];
    if (r == NULL) {
        REQUIRE(srv.n_routes < MAX_ROUTES && strlen(path) < sizeof r->path);
        r = &srv.routes[srv.n_routes++];
        memset(r, 0, sizeof *r);
        strcpy(r->path, path);
    }
    free(r->body);
    r->body = hxt_strdup(body);
    r->status = status;
    r->cache_control = cache_control;
    r->delay_ms = delay_ms;
    pthread_mutex_unlock(&srv.mu);
}

static unsigned hits(const char *path) {
    unsigned n = 0;
    int i;
    pthread_mutex_lock(&srv.mu);
    for (i = 0; i < srv.n_routes; i++)
        if (strcmp(srv.routes[i].path, path) == 0) n = srv.routes[i].hits;
    pthread_mutex_unlock(&srv.mu);
    return n;
}

/* http://127.0.0.1:<port><path>, in a static buffer (one of four, used round-robin). */
static const char *url_at(unsigned short port, const char *path) {
    static char bufs[4][128];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof bufs[0], "http://127.0.0.1:%u%s", (unsigned)port, path);
    return b;
}

static const char *url(const char *path) { return url_at(srv.port, path); }

/* ---------------------------------------------------------------------------------------------
 * HX1 helpers.
 */

static HxIdentity *identity(const char *name) {
    HxIdentity *id = NULL;
    REQUIRE(hx_identity_generate(name, &id) == HX_OK);
    return id;
}

static char *machine_token(const HxIdentity *id) {
    char *jwk = NULL;
    REQUIRE(hx_identity_machine_token(id, &jwk) == HX_OK);
    return jwk;
}

static HxEndpoint *endpoint(const HxIdentity *id, const HxDirectory *dir) {
    HxEndpoint *ep = NULL;
    REQUIRE(hx_endpoint_new(id, dir, &ep) == HX_OK);
    return ep;
}

/* A JWK Set of the machine tokens of ids (as hx_directory_to_jwks writes it). */
static char *jwks_of(const HxIdentity *const *ids, size_t n) {
    HxDirectory *d = NULL;
    char *jwks = NULL;
    size_t i;
    REQUIRE(hx_directory_new(&d) == HX_OK);
    for (i = 0; i < n; i++) {
        char *t = machine_token(ids[i]);
        REQUIRE(hx_directory_add(d, t) == HX_OK);
        hx_string_free(t);
    }
    REQUIRE(hx_directory_to_jwks(d, &jwks) == HX_OK);
    hx_directory_free(d);
    return jwks;
}

static HxDirectory *remote_dir(const char *u, const HxRemoteOptions *opts) {
    HxDirectory *d = NULL;
    HxStatus s = hx_directory_from_url(u, opts, &d);
    if (s != HX_OK) fprintf(stderr, "from_url %s: %s\n", u, hx_last_error_message());
    REQUIRE(s == HX_OK && d != NULL);
    return d;
}

/* A token from ep to `to` (a name, resolved by ep's directory) carrying `text`. */
static char *send_to(const HxEndpoint *ep, const char *to, const char *text) {
    char *token = NULL;
    HxStatus s = hx_create_jwt(ep, to, NULL, (const uint8_t *)text, strlen(text), 300, &token);
    if (s != HX_OK)
        fprintf(stderr, "create to %s: %s: %s\n", to, hx_status_name(s), hx_last_error_message());
    REQUIRE(s == HX_OK && token != NULL);
    return token;
}

/* Validates token at ep (sender resolved by the directory); on success checks the payload. */
static HxStatus receive(const HxEndpoint *ep, const char *token, const char *want_text) {
    HxMessage *msg = (HxMessage *)SENTINEL;
    HxStatus s = hx_validate_jwt(ep, token, NULL, &msg);
    if (s == HX_OK) {
        size_t len = 0;
        const uint8_t *p = hx_message_payload(msg, &len);
        CHECK(len == strlen(want_text) && memcmp(p, want_text, len) == 0);
        hx_message_free(msg);
    } else {
        CHECK(msg == (HxMessage *)SENTINEL);
        CHECK(hx_last_error_message()[0] != '\0');
    }
    return s;
}

static size_t previous_count(const HxEndpoint *ep) {
    size_t n = 99;
    REQUIRE(hx_endpoint_previous_identity_count(ep, &n) == HX_OK);
    return n;
}

/* ---------------------------------------------------------------------------------------------
 * The tests.
 */

static void test_options(void) {
    HxRemoteOptions o;
    memset(&o, 0xAB, sizeof o);
    o.allow_http = true;
    CHECK_STATUS(hx_remote_options_default(&o), HX_OK);
    CHECK(o.connect_timeout_ms == 5000);
    CHECK(o.timeout_ms == 10000);
    CHECK(o.max_response_bytes == 1048576);
    CHECK(o.default_ttl_s == 300);
    CHECK(o.min_ttl_s == 60);
    CHECK(o.max_ttl_s == 86400);
    CHECK(o.refresh_cooldown_s == 30);
    CHECK(o.max_stale_s == 3600);
    CHECK(o.allow_http == false);
    CHECK_STATUS(hx_remote_options_default(NULL), HX_ERR_INVALID_ARGUMENT);
}

/* URLs refused when the handle is made, before any network traffic. */
static void test_url_checks(void) {
    HxRemoteOptions http = {0}, https_only = {0};
    HxDirectory *d = (HxDirectory *)SENTINEL;
    HxKeySet *ks = (HxKeySet *)SENTINEL;
    const char *plain = url("/hx1.json");
    char long_url[2100];
    http.allow_http = true;
    https_only.timeout_ms = 1000; /* options given, but not allow_http */

    /* https only unless allow_http: NULL options, zero options, options without allow_http. */
    CHECK_STATUS(hx_directory_from_url(plain, NULL, &d), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("http://"));
    CHECK_STATUS(hx_directory_from_url(plain, &https_only, &d), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_keyset_from_url(plain, NULL, &ks), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("http://"));
    CHECK_STATUS(hx_keyset_from_url(plain, &https_only, &ks), HX_ERR_INVALID_ARGUMENT);
    CHECK(d == (HxDirectory *)SENTINEL && ks == (HxKeySet *)SENTINEL);
    CHECK(hits("/hx1.json") == 0);

    /* Not URLs at all, with or without allow_http. */
    CHECK_STATUS(hx_directory_from_url("ftp://127.0.0.1/x", &http, &d), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_directory_from_url("127.0.0.1/x", &http, &d), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_directory_from_url("", &http, &d), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_directory_from_url("http://", &http, &d), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_directory_from_url("http://127.0.0.1/a b", &http, &d),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_keyset_from_url("http://127.0.0.1/a\nb", &http, &ks),
                 HX_ERR_INVALID_ARGUMENT);
    memset(long_url, 'a', sizeof long_url - 1);
    long_url[sizeof long_url - 1] = '\0';
    memcpy(long_url, "https://127.0.0.1/", 18);
    CHECK_STATUS(hx_directory_from_url(long_url, NULL, &d), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_keyset_from_url(long_url, NULL, &ks), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_directory_from_url("http://127.0.0.1/\xff", &http, &d),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("UTF-8"));

    /* NULL in each pointer that must not be NULL. */
    CHECK_STATUS(hx_directory_from_url(NULL, &http, &d), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("url is NULL"));
    CHECK_STATUS(hx_directory_from_url(plain, &http, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("out is NULL"));
    CHECK_STATUS(hx_keyset_from_url(NULL, &http, &ks), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_keyset_from_url(plain, &http, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(d == (HxDirectory *)SENTINEL && ks == (HxKeySet *)SENTINEL);

    /* An https:// URL is accepted with the defaults (nothing is fetched until it is used). */
    d = NULL;
    ks = NULL;
    CHECK_STATUS(hx_directory_from_url("https://127.0.0.1:1/hx1.json", NULL, &d), HX_OK);
    CHECK_STATUS(hx_keyset_from_url("https://localhost:1/jwks.json", NULL, &ks), HX_OK);
    CHECK(d != NULL && ks != NULL);
    hx_directory_free(d);
    hx_keyset_free(ks);
    hx_directory_free(NULL);
    hx_keyset_free(NULL);
}

/* A directory callback that knows no name. */
static char *no_names(void *user_data, const char *name) {
    (void)user_data;
    (void)name;
    return NULL;
}

typedef struct {
    const HxEndpoint *ep;
    const char *token;
    HxStatus status;
} Job;

static void *validate_job(void *arg) {
    Job *job = (Job *)arg;
    HxMessage *msg = NULL;
    job->status = hx_validate_jwt(job->ep, job->token, NULL, &msg);
    hx_message_free(msg);
    return NULL;
}

/*
 * HX1 through a remote directory, then a rotation of bob's key while tokens are in flight, with
 * the set served as it would be at each step of docs/ROTATION.md.
 */
static void test_hx1_remote_and_rotation(void) {
    HxRemoteOptions http = {0};
    HxIdentity *alice = identity("alice"), *bob1 = identity("bob"), *bob2 = identity("bob");
    const HxIdentity *both[2];
    char *set1, *set2, *set3, *tok, *jwks = NULL, *bob1_jwk = machine_token(bob1),
                                      *bob2_jwk = machine_token(bob2);
    HxDirectory *dir, *dir2, *dir3, *mem = NULL;
    HxEndpoint *a, *b, *a2, *a3, *bob_plain;
    char *in_flight, *from_bob1, *from_bob2, *to_bob2;
    size_t n = 0;
    bool removed = true;

    http.allow_http = true;
    both[0] = alice;
    both[1] = bob1;
    set1 = jwks_of(both, 2);
    serve("/hx1.json", set1, 200, "max-age=600", 0);

    /* Happy path: both endpoints share one remote directory, so one fetch serves them. */
    dir = remote_dir(url("/hx1.json"), &http);
    CHECK(hits("/hx1.json") == 0); /* nothing fetched before the first lookup */
    a = endpoint(alice, dir);
    b = endpoint(bob1, dir);
    tok = send_to(a, "bob", "hello bob");
    CHECK_STATUS(receive(b, tok, "hello bob"), HX_OK);
    CHECK(hits("/hx1.json") == 1);
    CHECK_STATUS(receive(b, tok, "hello bob"), HX_OK); /* cache hit */
    CHECK(hits("/hx1.json") == 1);
    hx_string_free(tok);

    /* The read functions answer from the current set; the write functions refuse. */
    CHECK_STATUS(hx_directory_len(dir, &n), HX_OK);
    CHECK(n == 2);
    CHECK_STATUS(hx_directory_to_jwks(dir, &jwks), HX_OK);
    CHECK(jwks != NULL && strcmp(jwks, set1) == 0);
    hx_string_free(jwks);
    CHECK_STATUS(hx_directory_add(dir, bob2_jwk), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("remote directory"));
    CHECK_STATUS(hx_directory_rotate_in(dir, bob2_jwk), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("remote directory"));
    CHECK_STATUS(hx_directory_retire(dir, bob1_jwk, &removed), HX_ERR_INVALID_ARGUMENT);
    CHECK(removed == true); /* untouched */
    CHECK(hits("/hx1.json") == 1);

    /* An unknown name: the set was fetched less than a cool-down ago, so no new fetch. */
    tok = (char *)SENTINEL;
    CHECK_STATUS(hx_create_jwt(a, "carol", NULL, (const uint8_t *)"x", 1, 60, &tok),
                 HX_ERR_UNKNOWN_ISSUER);
    CHECK(tok == (char *)SENTINEL);
    CHECK(hits("/hx1.json") == 1);

    /* Rotation step 1 (receiver side): a token sealed to bob's old key is in flight when bob
     * rotates; it still validates, since the old key is kept for receiving. */
    in_flight = send_to(a, "bob", "sealed to bob1");
    from_bob1 = send_to(b, "alice", "signed by bob1");
    CHECK(previous_count(b) == 0);
    CHECK_STATUS(hx_endpoint_rotate_identity(b, bob2), HX_OK);
    CHECK(previous_count(b) == 1);
    CHECK_STATUS(receive(b, in_flight, "sealed to bob1"), HX_OK);
    CHECK(strcmp(hx_identity_name(bob2), "bob") == 0);

    /* Until the set lists the new key, peers cannot verify what bob now signs. */
    from_bob2 = send_to(b, "alice", "signed by bob2");
    CHECK_STATUS(receive(a, from_bob2, ""), HX_ERR_INVALID_SIGNATURE);

    /* Step 2: publish, newest first: the set lists bob twice (hx_directory_rotate_in). */
    CHECK_STATUS(hx_directory_from_jwks(set1, &mem), HX_OK);
    CHECK_STATUS(hx_directory_rotate_in(mem, bob2_jwk), HX_OK);
    CHECK_STATUS(hx_directory_rotate_in(mem, bob2_jwk), HX_OK); /* again: no duplicate */
    CHECK_STATUS(hx_directory_len(mem, &n), HX_OK);
    CHECK(n == 2); /* names */
    CHECK_STATUS(hx_directory_to_jwks(mem, &set2), HX_OK);
    {
        /* bob2 comes before bob1 in the published set. */
        const char *x2 = strstr(bob2_jwk, "\"x\":\""), *x1 = strstr(bob1_jwk, "\"x\":\"");
        char k2[60] = "", k1[60] = "";
        REQUIRE(x1 != NULL && x2 != NULL);
        memcpy(k2, x2, 50);
        memcpy(k1, x1, 50);
        CHECK(strstr(set2, k2) != NULL && strstr(set2, k1) != NULL);
        CHECK(strstr(set2, k2) < strstr(set2, k1));
    }
    serve("/hx1-rotating.json", set2, 200, NULL, 0);

    /* A peer whose copy of the set has two keys for bob verifies tokens signed with either. */
    dir2 = remote_dir(url("/hx1-rotating.json"), &http);
    a2 = endpoint(alice, dir2);
    CHECK_STATUS(hx_directory_len(dir2, &n), HX_OK);
    CHECK(n == 2);
    CHECK_STATUS(receive(a2, from_bob2, "signed by bob2"), HX_OK);
    CHECK_STATUS(receive(a2, from_bob1, "signed by bob1"), HX_OK);
    /* ... and encrypts to the newest key, which bob (now bob2) accepts. */
    to_bob2 = send_to(a2, "bob", "sealed to bob2");
    CHECK_STATUS(receive(b, to_bob2, "sealed to bob2"), HX_OK);
    /* The old endpoint of bob (bob1 only) cannot read it. */
    bob_plain = endpoint(bob1, dir2);
    CHECK_STATUS(receive(bob_plain, to_bob2, ""), HX_ERR_INVALID_SIGNATURE);
    CHECK(hits("/hx1-rotating.json") == 1);

    /* Closing and reopening the window on bob's side. */
    CHECK_STATUS(hx_endpoint_clear_previous_identities(b), HX_OK);
    CHECK(previous_count(b) == 0);
    CHECK_STATUS(receive(b, in_flight, ""), HX_ERR_INVALID_SIGNATURE);
    CHECK_STATUS(hx_endpoint_add_previous_identity(b, bob1), HX_OK);
    CHECK(previous_count(b) == 1);
    CHECK_STATUS(receive(b, in_flight, "sealed to bob1"), HX_OK);
    CHECK_STATUS(hx_endpoint_add_previous_identity(b, bob1), HX_OK); /* already kept */
    CHECK_STATUS(hx_endpoint_add_previous_identity(b, bob2), HX_OK); /* the current key */
    CHECK(previous_count(b) == 1);
    CHECK_STATUS(hx_endpoint_add_previous_identity(b, alice), HX_OK); /* any key: name ignored */
    {
        HxIdentity *eve = identity("eve");
        CHECK_STATUS(hx_endpoint_add_previous_identity(b, eve), HX_OK);
        hx_identity_free(eve); /* the endpoint keeps its own copy */
    }
    CHECK(previous_count(b) == 2); /* at most 2: the oldest (bob1) was dropped */
    CHECK_STATUS(receive(b, in_flight, ""), HX_ERR_INVALID_SIGNATURE);
    CHECK_STATUS(hx_endpoint_clear_previous_identities(b), HX_OK);
    CHECK_STATUS(hx_endpoint_clear_previous_identities(b), HX_OK); /* twice is fine */

    /* Step 4: retire the old key from the set; tokens it signed no longer validate. */
    CHECK_STATUS(hx_directory_retire(mem, bob1_jwk, &removed), HX_OK);
    CHECK(removed == true);
    CHECK_STATUS(hx_directory_retire(mem, bob1_jwk, &removed), HX_OK);
    CHECK(removed == false);
    CHECK_STATUS(hx_directory_retire(mem, bob1_jwk, NULL), HX_OK); /* out_removed is optional */
    CHECK_STATUS(hx_directory_to_jwks(mem, &set3), HX_OK);
    serve("/hx1-retired.json", set3, 200, NULL, 0);
    dir3 = remote_dir(url("/hx1-retired.json"), &http);
    a3 = endpoint(alice, dir3);
    CHECK_STATUS(receive(a3, from_bob2, "signed by bob2"), HX_OK);
    CHECK_STATUS(receive(a3, from_bob1, ""), HX_ERR_INVALID_SIGNATURE);
    /* Retiring a name's last key removes the name. */
    CHECK_STATUS(hx_directory_retire(mem, bob2_jwk, &removed), HX_OK);
    CHECK(removed == true);
    CHECK_STATUS(hx_directory_len(mem, &n), HX_OK);
    CHECK(n == 1);

    /* At most 4 keys per name: a fifth rotate_in drops the oldest. */
    {
        HxIdentity *extra[5];
        HxEndpoint *ep_old = NULL;
        char *t, *jwk;
        int i;
        for (i = 0; i < 5; i++) {
            extra[i] = identity("dave");
            jwk = machine_token(extra[i]);
            CHECK_STATUS(hx_directory_rotate_in(mem, jwk), HX_OK);
            hx_string_free(jwk);
        }
        {
            HxEndpoint *a_mem = endpoint(alice, mem);
            ep_old = endpoint(extra[0], mem);
            t = send_to(ep_old, "alice", "from the oldest dave");
            CHECK_STATUS(receive(a_mem, t, ""), HX_ERR_INVALID_SIGNATURE);
            hx_string_free(t);
            hx_endpoint_free(ep_old);
            ep_old = endpoint(extra[1], mem);
            t = send_to(ep_old, "alice", "from the 2nd dave");
            CHECK_STATUS(receive(a_mem, t, "from the 2nd dave"), HX_OK);
            hx_string_free(t);
            hx_endpoint_free(ep_old);
            hx_endpoint_free(a_mem);
        }
        for (i = 0; i < 5; i++) hx_identity_free(extra[i]);
    }

    /* Misuse of the rotation functions. */
    CHECK_STATUS(hx_endpoint_rotate_identity(NULL, bob2), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("ep is NULL"));
    CHECK_STATUS(hx_endpoint_rotate_identity(b, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("new_identity is NULL"));
    CHECK_STATUS(hx_endpoint_add_previous_identity(NULL, bob1), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_endpoint_add_previous_identity(b, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("previous is NULL"));
    CHECK_STATUS(hx_endpoint_clear_previous_identities(NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_endpoint_previous_identity_count(NULL, &n), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_endpoint_previous_identity_count(b, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_directory_rotate_in(NULL, bob2_jwk), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_directory_rotate_in(mem, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("public_jwk_json is NULL"));
    CHECK_STATUS(hx_directory_rotate_in(mem, "{\"kty\":\"OKP\"}"), HX_ERR_INVALID_KEY);
    CHECK_STATUS(hx_directory_retire(NULL, bob2_jwk, &removed), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_directory_retire(mem, NULL, &removed), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_directory_retire(mem, "not json", &removed), HX_ERR_INVALID_KEY);
    {
        char *priv = NULL;
        REQUIRE(hx_identity_to_jwk(bob2, &priv) == HX_OK);
        CHECK_STATUS(hx_directory_rotate_in(mem, priv), HX_ERR_INVALID_KEY);
        hx_string_free(priv);
    }
    {
        /* Write functions on a callback directory are refused as before. */
        HxDirectory *cb = NULL;
        REQUIRE(hx_directory_from_callback(no_names, NULL, &cb) == HX_OK);
        CHECK_STATUS(hx_directory_rotate_in(cb, bob2_jwk), HX_ERR_INVALID_ARGUMENT);
        CHECK(last_error_mentions("callback directory"));
        CHECK_STATUS(hx_directory_retire(cb, bob2_jwk, NULL), HX_ERR_INVALID_ARGUMENT);
        hx_directory_free(cb);
    }

    /* Four threads asking a fresh remote directory at once: one fetch for all. */
    {
        HxDirectory *dt;
        HxEndpoint *bt;
        pthread_t th[4];
        Job jobs[4];
        int i;
        char *t;
        serve("/hx1-threads.json", set1, 200, NULL, 0);
        dt = remote_dir(url("/hx1-threads.json"), &http);
        bt = endpoint(bob1, dt);
        t = send_to(a, "bob", "to all threads"); /* a resolves through dir, not dt */
        for (i = 0; i < 4; i++) {
            jobs[i].ep = bt;
            jobs[i].token = t;
            jobs[i].status = HX_ERR_INTERNAL;
            REQUIRE(pthread_create(&th[i], NULL, validate_job, &jobs[i]) == 0);
        }
        for (i = 0; i < 4; i++) {
            pthread_join(th[i], NULL);
            CHECK_STATUS(jobs[i].status, HX_OK);
        }
        CHECK(hits("/hx1-threads.json") == 1);
        hx_string_free(t);
        hx_endpoint_free(bt);
        hx_directory_free(dt);
    }

    hx_string_free(set1);
    hx_string_free(set2);
    hx_string_free(set3);
    hx_string_free(bob1_jwk);
    hx_string_free(bob2_jwk);
    hx_string_free(in_flight);
    hx_string_free(from_bob1);
    hx_string_free(from_bob2);
    hx_string_free(to_bob2);
    hx_endpoint_free(a);
    hx_endpoint_free(b);
    hx_endpoint_free(a2);
    hx_endpoint_free(a3);
    hx_endpoint_free(bob_plain);
    hx_directory_free(dir);
    hx_directory_free(dir2);
    hx_directory_free(dir3);
    hx_directory_free(mem);
    hx_identity_free(alice);
    hx_identity_free(bob1);
    hx_identity_free(bob2);
}

/* Standard JWTs through a remote key set, with a new kid picked up after the cool-down, and a
 * remote directory and key set whose copies go stale while the server fails. One sleep of just
 * over a second (the cache counts whole seconds) serves all the waiting. */
static void test_jws_remote_and_refresh(void) {
    static const char CLAIMS[] = "{\"sub\":\"user-7\",\"iat\":1767225600,\"exp\":1767229200}";
    const char *alg = "ES256";
    HxRemoteOptions quick = {0}, http = {0};
    HxKey *gen = NULL, *k1 = NULL, *k2 = NULL;
    HxKeySet *pub = NULL, *ks = NULL, *ks_cd = NULL;
    HxValidation *v = NULL;
    char *pub1 = NULL, *pub2 = NULL, *t1 = NULL, *t2 = NULL, *claims = NULL, *jwks = NULL;
    char *out = (char *)SENTINEL;
    size_t n = 0;
    HxIdentity *alice = identity("alice"), *bob = identity("bob"), *carol = identity("carol");
    const HxIdentity *ab[2], *abc[3];
    char *set_ab, *set_abc, *tok_carol, *tok_bob;
    HxDirectory *dn, *ds;
    HxEndpoint *a_n, *a_s, *c, *b;

    http.allow_http = true;
    quick.allow_http = true;
    quick.refresh_cooldown_s = 1;
    quick.min_ttl_s = 1;

    REQUIRE(hx_key_generate(alg, &gen) == HX_OK);
    REQUIRE(hx_key_with_kid(gen, "k1", &k1) == HX_OK);
    hx_key_free(gen);
    REQUIRE(hx_key_generate(alg, &gen) == HX_OK);
    REQUIRE(hx_key_with_kid(gen, "k2", &k2) == HX_OK);
    hx_key_free(gen);
    REQUIRE(hx_keyset_new(&pub) == HX_OK);
    REQUIRE(hx_keyset_add(pub, k1) == HX_OK);
    REQUIRE(hx_keyset_to_public_jwks(pub, &pub1) == HX_OK);
    REQUIRE(hx_keyset_add(pub, k2) == HX_OK);
    REQUIRE(hx_keyset_to_public_jwks(pub, &pub2) == HX_OK);
    REQUIRE(hx_validation_new(&alg, 1, &v) == HX_OK);
    REQUIRE(hx_validation_set_time(v, T0) == HX_OK);
    REQUIRE(hx_jwt_encode(k1, alg, NULL, CLAIMS, &t1) == HX_OK);
    REQUIRE(hx_jwt_encode(k2, alg, NULL, CLAIMS, &t2) == HX_OK);
    serve("/jwks.json", pub1, 200, "public, max-age=600", 0);

    /* Happy path, and a cache hit. */
    CHECK_STATUS(hx_keyset_from_url(url("/jwks.json"), &quick, &ks), HX_OK);
    CHECK(hits("/jwks.json") == 0);
    CHECK_STATUS(hx_jwt_decode(NULL, ks, t1, v, &claims), HX_OK);
    CHECK(claims != NULL && strstr(claims, "\"sub\":\"user-7\"") != NULL);
    hx_string_free(claims);
    claims = NULL;
    CHECK_STATUS(hx_jwt_decode(NULL, ks, t1, v, &claims), HX_OK);
    hx_string_free(claims);
    claims = NULL;
    CHECK(hits("/jwks.json") == 1);
    CHECK_STATUS(hx_keyset_len(ks, &n), HX_OK);
    CHECK(n == 1);
    CHECK_STATUS(hx_keyset_to_public_jwks(ks, &jwks), HX_OK);
    CHECK(jwks != NULL && strstr(jwks, "\"kid\":\"k1\"") != NULL && strstr(jwks, "\"d\"") == NULL);
    hx_string_free(jwks);
    CHECK_STATUS(hx_keyset_add(ks, k2), HX_ERR_INVALID_ARGUMENT);
    CHECK(last_error_mentions("remote key set"));
    CHECK_STATUS(hx_jwt_decode(k1, ks, t1, v, &out), HX_ERR_INVALID_ARGUMENT);
    CHECK(out == (char *)SENTINEL);

    /* The issuer publishes k2 and signs with it. Within the cool-down (the default, 30 s, so
     * that a slow run under valgrind cannot outlast it), the unknown kid makes no new fetch... */
    CHECK_STATUS(hx_keyset_from_url(url("/jwks.json"), &http, &ks_cd), HX_OK);
    CHECK_STATUS(hx_jwt_decode(NULL, ks_cd, t1, v, &claims), HX_OK);
    hx_string_free(claims);
    claims = NULL;
    CHECK(hits("/jwks.json") == 2);
    serve("/jwks.json", pub2, 200, "public, max-age=600", 0);
    CHECK_STATUS(hx_jwt_decode(NULL, ks_cd, t2, v, &out), HX_ERR_KEY_NOT_FOUND);
    CHECK(out == (char *)SENTINEL);
    CHECK(hits("/jwks.json") == 2);

    /* HX1: a new name (carol), published after the first fetch, and a set that goes stale. */
    ab[0] = alice;
    ab[1] = bob;
    abc[0] = alice;
    abc[1] = bob;
    abc[2] = carol;
    set_ab = jwks_of(ab, 2);
    set_abc = jwks_of(abc, 3);
    serve("/names.json", set_ab, 200, NULL, 0);
    serve("/stale.json", set_ab, 200, "no-store", 0); /* fresh for min_ttl_s = 1 s only */
    dn = remote_dir(url("/names.json"), &quick);
    ds = remote_dir(url("/stale.json"), &quick);
    a_n = endpoint(alice, dn);
    a_s = endpoint(alice, ds);
    c = endpoint(carol, NULL);
    b = endpoint(bob, NULL);
    tok_bob = NULL;
    {
        char *alice_jwk = machine_token(alice);
        REQUIRE(hx_create_jwt(c, NULL, alice_jwk, (const uint8_t *)"hi", 2, 300, &tok_carol) ==
                HX_OK);
        REQUIRE(hx_create_jwt(b, NULL, alice_jwk, (const uint8_t *)"yo", 2, 300, &tok_bob) ==
                HX_OK);
        hx_string_free(alice_jwk);
    }
    CHECK_STATUS(receive(a_n, tok_bob, "yo"), HX_OK);
    CHECK_STATUS(receive(a_s, tok_bob, "yo"), HX_OK);
    serve("/names.json", set_abc, 200, NULL, 0);
    serve("/stale.json", "server error", 500, NULL, 0);

    sleep_ms(1100);

    /* ... after it (ks has a cool-down of 1 s), the unknown kid (name) fetches the set once
     * more, and is found. */
    CHECK_STATUS(hx_jwt_decode(NULL, ks, t2, v, &claims), HX_OK);
    hx_string_free(claims);
    CHECK(hits("/jwks.json") == 3);
    CHECK_STATUS(hx_jwt_decode(NULL, ks, t1, v, &claims), HX_OK); /* k1 is still listed */
    hx_string_free(claims);
    CHECK(hits("/jwks.json") == 3);
    CHECK_STATUS(receive(a_n, tok_carol, "hi"), HX_OK);
    CHECK(hits("/names.json") == 2);
    /* The stale set: the refresh fails (HTTP 500) but the last good copy keeps serving, within
     * max_stale_s (an hour by default). */
    CHECK_STATUS(receive(a_s, tok_bob, "yo"), HX_OK);
    CHECK(hits("/stale.json") == 2);
    CHECK_STATUS(hx_directory_len(ds, &n), HX_OK);
    CHECK(n == 2);

    hx_string_free(set_ab);
    hx_string_free(set_abc);
    hx_string_free(tok_carol);
    hx_string_free(tok_bob);
    hx_endpoint_free(a_n);
    hx_endpoint_free(a_s);
    hx_endpoint_free(c);
    hx_endpoint_free(b);
    hx_directory_free(dn);
    hx_directory_free(ds);
    hx_identity_free(alice);
    hx_identity_free(bob);
    hx_identity_free(carol);
    hx_string_free(pub1);
    hx_string_free(pub2);
    hx_string_free(t1);
    hx_string_free(t2);
    hx_key_free(k1);
    hx_key_free(k2);
    hx_keyset_free(pub);
    hx_keyset_free(ks);
    hx_keyset_free(ks_cd);
    hx_validation_free(v);
}

/* Servers that fail: nothing listening, HTTP 500, not a JWK Set, too large, too slow. Each is
 * HX_ERR_RESOLVER_FAILED with the cause in the message, and out-parameters stay untouched. */
static void test_failures(void) {
    HxRemoteOptions http = {0}, small = {0}, hasty = {0};
    HxIdentity *alice = identity("alice"), *bob = identity("bob");
    const HxIdentity *ab[2];
    HxEndpoint *sender = endpoint(bob, NULL), *ep;
    HxDirectory *d;
    HxKeySet *ks = NULL;
    HxValidation *v = NULL;
    HxKey *k = NULL;
    const char *alg = "HS256";
    char *tok, *jws_token = NULL, *set_ab, *alice_jwk = machine_token(alice);
    char *out = (char *)SENTINEL;
    size_t n = 12345;
    unsigned short down_port;
    int fd;
    const char *cases[][2] = {
        /* path, a word of the message */
        {"/500", "500"},
        {"/not-json", "not a valid JWK Set"},
        {"/not-a-set", "not a valid JWK Set"},
        {"/missing", "404"},
    };
    size_t i;

    http.allow_http = true;
    small.allow_http = true;
    small.max_response_bytes = 64;
    hasty.allow_http = true;
    hasty.timeout_ms = 250;
    ab[0] = alice;
    ab[1] = bob;
    set_ab = jwks_of(ab, 2);
    REQUIRE(hx_create_jwt(sender, NULL, alice_jwk, (const uint8_t *)"x", 1, 300, &tok) == HX_OK);
    REQUIRE(hx_key_from_secret((const uint8_t *)"0123456789abcdef0123456789abcdef", 32, &k) ==
            HX_OK);
    REQUIRE(hx_jwt_encode(k, alg, NULL, "{\"exp\":1767229200}", &jws_token) == HX_OK);
    REQUIRE(hx_validation_new(&alg, 1, &v) == HX_OK);
    REQUIRE(hx_validation_set_time(v, T0) == HX_OK);

    /* Server down: a port that was just free, with nothing listening any more. */
    fd = listen_loopback(&down_port);
    close(fd);
    d = remote_dir(url_at(down_port, "/hx1.json"), &http);
    ep = endpoint(alice, d);
    {
        HxMessage *msg = (HxMessage *)SENTINEL;
        CHECK_STATUS(hx_validate_jwt(ep, tok, NULL, &msg), HX_ERR_RESOLVER_FAILED);
        CHECK(msg == (HxMessage *)SENTINEL);
        CHECK(last_error_mentions("ResolverFailed") && last_error_mentions("127.0.0.1"));
    }
    out = (char *)SENTINEL;
    CHECK_STATUS(hx_create_jwt(ep, "bob", NULL, (const uint8_t *)"x", 1, 60, &out),
                 HX_ERR_RESOLVER_FAILED);
    CHECK(out == (char *)SENTINEL);
    CHECK_STATUS(hx_directory_len(d, &n), HX_ERR_RESOLVER_FAILED);
    CHECK(n == 12345);
    CHECK_STATUS(hx_directory_to_jwks(d, &out), HX_ERR_RESOLVER_FAILED);
    CHECK(out == (char *)SENTINEL);
    hx_endpoint_free(ep);
    hx_directory_free(d);
    CHECK_STATUS(hx_keyset_from_url(url_at(down_port, "/jwks.json"), &http, &ks), HX_OK);
    CHECK_STATUS(hx_jwt_decode(NULL, ks, jws_token, v, &out), HX_ERR_RESOLVER_FAILED);
    CHECK(out == (char *)SENTINEL);
    CHECK(hx_last_error_claim() == NULL);
    CHECK_STATUS(hx_keyset_len(ks, &n), HX_ERR_RESOLVER_FAILED);
    CHECK_STATUS(hx_keyset_to_public_jwks(ks, &out), HX_ERR_RESOLVER_FAILED);
    CHECK(n == 12345 && out == (char *)SENTINEL);
    hx_keyset_free(ks);

    /* Bad answers. */
    serve("/500", set_ab, 500, NULL, 0);
    serve("/not-json", "{\"keys\":[", 200, NULL, 0);
    serve("/not-a-set", "[1,2,3]", 200, NULL, 0);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        HxMessage *msg = (HxMessage *)SENTINEL;
        d = remote_dir(url(cases[i][0]), &http);
        ep = endpoint(alice, d);
        CHECK_STATUS(hx_validate_jwt(ep, tok, NULL, &msg), HX_ERR_RESOLVER_FAILED);
        CHECK(msg == (HxMessage *)SENTINEL);
        CHECK(last_error_mentions(cases[i][1]));
        hx_endpoint_free(ep);
        hx_directory_free(d);
        CHECK_STATUS(hx_keyset_from_url(url(cases[i][0]), &http, &ks), HX_OK);
        CHECK_STATUS(hx_jwt_decode(NULL, ks, jws_token, v, &out), HX_ERR_RESOLVER_FAILED);
        CHECK(out == (char *)SENTINEL);
        CHECK(last_error_mentions(cases[i][1]));
        hx_keyset_free(ks);
    }

    /* Too large for max_response_bytes (a valid set, but over 64 bytes). */
    serve("/big", set_ab, 200, NULL, 0);
    d = remote_dir(url("/big"), &small);
    CHECK_STATUS(hx_directory_len(d, &n), HX_ERR_RESOLVER_FAILED);
    CHECK(last_error_mentions("larger than 64 bytes"));
    hx_directory_free(d);
    d = remote_dir(url("/big"), &http); /* the same set within the default limit */
    CHECK_STATUS(hx_directory_len(d, &n), HX_OK);
    CHECK(n == 2);
    hx_directory_free(d);

    /* Too slow for timeout_ms (last: the server is busy until its delay is over). */
    serve("/slow", set_ab, 200, NULL, 2000);
    d = remote_dir(url("/slow"), &hasty);
    {
        struct timespec t0, t1;
        double elapsed;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        CHECK_STATUS(hx_directory_len(d, &n), HX_ERR_RESOLVER_FAILED);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        elapsed = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        CHECK(elapsed < 1.9); /* gave up before the answer came */
    }
    hx_directory_free(d);

    hx_string_free(set_ab);
    hx_string_free(alice_jwk);
    hx_string_free(tok);
    hx_string_free(jws_token);
    hx_key_free(k);
    hx_validation_free(v);
    hx_endpoint_free(sender);
    hx_identity_free(alice);
    hx_identity_free(bob);
}

int main(void) {
    server_start();
    test_options();
    test_url_checks();
    test_hx1_remote_and_rotation();
    test_jws_remote_and_refresh();
    test_failures();
    server_stop();
    return DONE();
}
