/*
 * One endpoint shared by several threads: concurrent creates and validates (directory mode with a
 * callback directory called from every thread, and shared-key mode), a setter called while others
 * validate, thread-local error messages, and replay protection under a race (exactly one of the
 * threads that validate the same token wins).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>

#include "hxtest.h"

#define T0 INT64_C(1767225600)
#define THREADS 4
#define ROUNDS 20

typedef struct Shared {
    HxEndpoint *alice, *bob;
    char *ja, *jb;
    const char *race_token;
    pthread_barrier_t barrier;
    pthread_mutex_t lock;
    int resolver_calls; /* under lock */
} Shared;

typedef struct Worker {
    Shared *shared;
    int index;
    int failures;
    int checks;
    HxStatus race_status;
    pthread_t thread;
} Worker;

#define WCHECK(w, c)                                                                       \
    do {                                                                                   \
        (w)->checks++;                                                                     \
        if (!(c)) {                                                                        \
            (w)->failures++;                                                               \
            fprintf(stderr, "thread %d: %s:%d: CHECK(%s) failed: %s\n", (w)->index,       \
                    __FILE__, __LINE__, #c, hx_last_error_message());                      \
        }                                                                                  \
    } while (0)

/* The directory: a callback that may run on any thread at once. */
static char *resolve(void *user_data, const char *name) {
    Shared *s = (Shared *)user_data;
    const char *answer = strcmp(name, "alice") == 0 ? s->ja : strcmp(name, "bob") == 0 ? s->jb : NULL;
    pthread_mutex_lock(&s->lock);
    s->resolver_calls++;
    pthread_mutex_unlock(&s->lock);
    return answer ? hxt_strdup(answer) : NULL;
}

static void *work(void *arg) {
    Worker *w = (Worker *)arg;
    Shared *s = w->shared;
    int i;
    char payload[64];
    for (i = 0; i < ROUNDS; i++) {
        char *token = NULL;
        HxMessage *m = NULL;
        size_t len = 0;
        const uint8_t *got;
        int n = snprintf(payload, sizeof payload, "{\"thread\":%d,\"round\":%d}", w->index, i);
        /* alice -> bob by name (the callback resolves bob), validated by bob in directory mode
           (the callback resolves alice) or with alice's machine token. */
        WCHECK(w, hx_create_jwt(s->alice, "bob", NULL, (const uint8_t *)payload, (size_t)n, 60,
                                &token) == HX_OK);
        WCHECK(w, hx_validate_jwt(s->bob, token, i % 2 ? s->ja : NULL, &m) == HX_OK);
        got = hx_message_payload(m, &len);
        WCHECK(w, got != NULL && len == (size_t)n && memcmp(got, payload, len) == 0);
        hx_message_free(m);
        /* A failure on this thread sets this thread's message only. */
        m = NULL;
        token[0] = '!';
        WCHECK(w, hx_validate_jwt(s->bob, token, NULL, &m) == HX_ERR_MALFORMED && m == NULL);
        WCHECK(w, strncmp(hx_last_error_message(), "Malformed: ", 11) == 0);
        hx_string_free(token);
        /* One thread keeps reconfiguring the endpoint that the others use. */
        if (w->index == 0) WCHECK(w, hx_endpoint_set_leeway(s->bob, (uint64_t)(i % 3)) == HX_OK);
        /* Failures keep being reported while the endpoint is reconfigured. */
        WCHECK(w, hx_validate_jwt(s->bob, "x", NULL, &m) == HX_ERR_MALFORMED);
        WCHECK(w, hx_status_name(HX_OK) != NULL);
    }
    /* The replay race: every thread validates the same token at the same time. */
    pthread_barrier_wait(&s->barrier);
    {
        HxMessage *m = NULL;
        w->race_status = hx_validate_jwt(s->bob, s->race_token, NULL, &m);
        hx_message_free(m);
    }
    return NULL;
}

int main(void) {
    HxIdentity *alice = NULL, *bob = NULL;
    HxDirectory *dir = NULL;
    Shared s;
    Worker workers[THREADS];
    char *race_token = NULL;
    int i, winners = 0, replayed = 0;

    memset(&s, 0, sizeof s);
    REQUIRE(pthread_mutex_init(&s.lock, NULL) == 0);
    REQUIRE(pthread_barrier_init(&s.barrier, NULL, THREADS) == 0);
    REQUIRE(hx_identity_generate("alice", &alice) == HX_OK);
    REQUIRE(hx_identity_generate("bob", &bob) == HX_OK);
    REQUIRE(hx_identity_machine_token(alice, &s.ja) == HX_OK);
    REQUIRE(hx_identity_machine_token(bob, &s.jb) == HX_OK);
    REQUIRE(hx_directory_from_callback(resolve, &s, &dir) == HX_OK);
    REQUIRE(hx_endpoint_new(alice, dir, &s.alice) == HX_OK);
    REQUIRE(hx_endpoint_new(bob, dir, &s.bob) == HX_OK);
    hx_directory_free(dir);
    hx_identity_free(alice);
    hx_identity_free(bob);
    CHECK_STATUS(hx_endpoint_set_time(s.alice, T0), HX_OK);
    CHECK_STATUS(hx_endpoint_set_time(s.bob, T0), HX_OK);
    CHECK_STATUS(hx_endpoint_set_replay_protection(s.bob, true), HX_OK);
    CHECK_STATUS(hx_create_jwt(s.alice, NULL, s.jb, (const uint8_t *)"race", 4, 60, &race_token), HX_OK);
    s.race_token = race_token;

    for (i = 0; i < THREADS; i++) {
        workers[i].shared = &s;
        workers[i].index = i;
        workers[i].failures = 0;
        workers[i].checks = 0;
        workers[i].race_status = HX_ERR_INTERNAL;
        REQUIRE(pthread_create(&workers[i].thread, NULL, work, &workers[i]) == 0);
    }
    for (i = 0; i < THREADS; i++) {
        CHECK(pthread_join(workers[i].thread, NULL) == 0);
        CHECK(workers[i].failures == 0);
        CHECK(workers[i].checks == ROUNDS * 7 + ROUNDS * (i == 0));
        if (workers[i].race_status == HX_OK) winners++;
        if (workers[i].race_status == HX_ERR_REPLAYED) replayed++;
    }
    CHECK(winners == 1);
    CHECK(replayed == THREADS - 1);
    /* Every create resolved bob and every other validate resolved alice. */
    CHECK(s.resolver_calls >= THREADS * ROUNDS);
    /* The main thread's last error is its own. */
    CHECK_STATUS(hx_validate_jwt(s.bob, race_token, NULL, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK(strstr(hx_last_error_message(), "out is NULL") != NULL);

    hx_string_free(race_token);
    hx_endpoint_free(s.alice);
    hx_endpoint_free(s.bob);
    hx_string_free(s.ja);
    hx_string_free(s.jb);
    pthread_barrier_destroy(&s.barrier);
    pthread_mutex_destroy(&s.lock);
    return DONE();
}
