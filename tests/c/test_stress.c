/*
 * Stress: several threads share one receiving endpoint (replay protection on), a fleet of
 * sending endpoints, one in-memory directory, one key set and one validation, and count every
 * result. Each valid token validates once with its own payload and issuer, then is refused as
 * replayed; misaddressed tokens are refused; every thread races for one shared token per round
 * and exactly one wins; the hub's key and a sender's key rotate mid-flight (under a test-level
 * rwlock held across each create + validate, as docs/ROTATION.md's overlap window would be);
 * a key is added to the key set while others decode. In the end the counts must add up.
 *
 * Runs with the other C tests (valgrind, ASan/UBSan) and under ThreadSanitizer (mk/sanitize.mk).
 * HXJWT_STRESS=N multiplies the rounds.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>

#include "hxtest.h"

#define T0 INT64_C(1767225600)
#define THREADS 4
#define PEERS 12
#define BASE_ROUNDS 8
#define KEYS 3

typedef struct Shared {
    HxDirectory *dir;
    HxEndpoint *hub;
    HxEndpoint *peers[PEERS];
    char *peer_tokens[PEERS]; /* machine tokens (public JWKs) */
    char *hub_token;          /* the hub's current machine token, under rotation */
    pthread_rwlock_t rotation;
    pthread_barrier_t barrier;
    char **race_tokens; /* one per round, every thread validates it */
    int rounds;
    HxKeySet *keyset;
    HxKey *keys[KEYS + 1]; /* the last one is added to the set while threads decode */
    HxValidation *validation;
    int late_key_added; /* under rotation (write) */
} Shared;

typedef struct Worker {
    Shared *shared;
    int index;
    int failures;
    int accepted;  /* tokens validated */
    int refused;   /* refusals with the expected status */
    int race_wins; /* rounds whose shared token this thread won */
    int rotations;
    pthread_t thread;
} Worker;

#define WCHECK(w, c)                                                                       \
    do {                                                                                   \
        if (!(c)) {                                                                        \
            (w)->failures++;                                                               \
            fprintf(stderr, "thread %d: %s:%d: CHECK(%s) failed: %s\n", (w)->index,       \
                    __FILE__, __LINE__, #c, hx_last_error_message());                      \
        }                                                                                  \
    } while (0)

static int stress_scale(void) {
    const char *s = getenv("HXJWT_STRESS");
    int n = s ? atoi(s) : 1;
    return n > 0 ? n : 1;
}

/* One HX1 exchange, peer p -> hub -> peer p, with the refusals around it. */
static void hx1_round(Worker *w, int r) {
    Shared *s = w->shared;
    int p = (r * (w->index + 1) * 5 + w->index) % PEERS;
    int other = (p + 1) % PEERS;
    char payload[96], name[32];
    char *token = NULL, *back = NULL;
    HxMessage *m = NULL;
    HxStatus st;
    int n = snprintf(payload, sizeof payload, "{\"thread\":%d,\"round\":%d,\"peer\":%d}", w->index, r, p);
    snprintf(name, sizeof name, "peer-%d", p);

    pthread_rwlock_rdlock(&s->rotation);
    /* peer -> hub by name (the directory resolves the hub's newest key); the hub resolves the
       sender by iss. */
    st = hx_create_jwt(s->peers[p], "hub", NULL, (const uint8_t *)payload, (size_t)n, 600, &token);
    WCHECK(w, st == HX_OK);
    if (st == HX_OK) {
        size_t len = 0;
        const uint8_t *got;
        st = hx_validate_jwt(s->hub, token, NULL, &m);
        WCHECK(w, st == HX_OK);
        if (st == HX_OK) {
            w->accepted++;
            got = hx_message_payload(m, &len);
            WCHECK(w, len == (size_t)n && memcmp(got, payload, len) == 0);
            WCHECK(w, strcmp(hx_message_issuer(m), name) == 0);
            hx_message_free(m);
            m = NULL;
        }
        /* Accepted once: the second time it is a replay. */
        st = hx_validate_jwt(s->hub, token, NULL, &m);
        WCHECK(w, st == HX_ERR_REPLAYED && m == NULL);
        if (st == HX_ERR_REPLAYED) w->refused++;
        /* Shown to another peer: not for it. */
        st = hx_validate_jwt(s->peers[other], token, NULL, &m);
        WCHECK(w, st == HX_ERR_WRONG_AUDIENCE && m == NULL);
        if (st == HX_ERR_WRONG_AUDIENCE) w->refused++;
        /* With someone else's machine token: not from them. */
        st = hx_validate_jwt(s->hub, token, s->peer_tokens[other], &m);
        WCHECK(w, st == HX_ERR_ISSUER_MISMATCH && m == NULL);
        if (st == HX_ERR_ISSUER_MISMATCH) w->refused++;
    }
    /* hub -> peer by name, validated with the hub's machine token given. */
    st = hx_create_jwt(s->hub, name, NULL, (const uint8_t *)payload, (size_t)n, 600, &back);
    WCHECK(w, st == HX_OK);
    if (st == HX_OK) {
        st = hx_validate_jwt(s->peers[p], back, s->hub_token, &m);
        WCHECK(w, st == HX_OK);
        if (st == HX_OK) w->accepted++;
        hx_message_free(m);
        m = NULL;
    }
    pthread_rwlock_unlock(&s->rotation);
    hx_string_free(token);
    hx_string_free(back);
}

/* Standard JWTs: sign with one key of the set, decode with the shared set and validation. */
static void jws_round(Worker *w, int r) {
    Shared *s = w->shared;
    int late;
    int k;
    char claims[128], sub[48];
    char *token = NULL, *out = NULL;
    HxStatus st;
    pthread_rwlock_rdlock(&s->rotation);
    late = s->late_key_added;
    pthread_rwlock_unlock(&s->rotation);
    k = (r + w->index) % (late ? KEYS + 1 : KEYS);
    snprintf(claims, sizeof claims, "{\"sub\":\"%d/%d\",\"aud\":\"api\",\"exp\":%lld}", w->index, r,
             (long long)(T0 + 600));
    snprintf(sub, sizeof sub, "\"sub\":\"%d/%d\"", w->index, r);
    st = hx_jwt_encode(s->keys[k], "HS256", NULL, claims, &token);
    WCHECK(w, st == HX_OK);
    if (st != HX_OK) return;
    st = hx_jwt_decode(NULL, s->keyset, token, s->validation, &out);
    WCHECK(w, st == HX_OK);
    if (st == HX_OK) {
        w->accepted++;
        WCHECK(w, strstr(out, sub) != NULL);
    }
    hx_string_free(out);
    out = NULL;
    /* One byte of the signature changed: refused. */
    token[strlen(token) - 2] = token[strlen(token) - 2] == 'A' ? 'B' : 'A';
    st = hx_jwt_decode(NULL, s->keyset, token, s->validation, &out);
    WCHECK(w, st == HX_ERR_INVALID_SIGNATURE && out == NULL);
    if (st == HX_ERR_INVALID_SIGNATURE) w->refused++;
    hx_string_free(token);
}

/* Thread 0, now and then: the hub and peer 0 get new keys while the others wait. */
static void rotate(Worker *w, int r) {
    Shared *s = w->shared;
    HxIdentity *fresh = NULL;
    char *jwk = NULL;
    pthread_rwlock_wrlock(&s->rotation);
    /* The hub: new key pair, the old one kept for receiving; the directory lists only the new
       one, so that peers encrypt to it. */
    WCHECK(w, hx_identity_generate("hub", &fresh) == HX_OK);
    WCHECK(w, hx_endpoint_rotate_identity(s->hub, fresh) == HX_OK);
    WCHECK(w, hx_identity_machine_token(fresh, &jwk) == HX_OK);
    WCHECK(w, hx_directory_add(s->dir, jwk) == HX_OK);
    hx_string_free(s->hub_token);
    s->hub_token = jwk;
    hx_identity_free(fresh);
    /* Peer 0: a new endpoint on a new key; the directory keeps the old key too (rotate_in). */
    fresh = NULL;
    jwk = NULL;
    WCHECK(w, hx_identity_generate("peer-0", &fresh) == HX_OK);
    WCHECK(w, hx_identity_machine_token(fresh, &jwk) == HX_OK);
    WCHECK(w, hx_directory_rotate_in(s->dir, jwk) == HX_OK);
    hx_endpoint_free(s->peers[0]);
    s->peers[0] = NULL;
    WCHECK(w, hx_endpoint_new(fresh, s->dir, &s->peers[0]) == HX_OK);
    WCHECK(w, hx_endpoint_set_time(s->peers[0], T0) == HX_OK);
    hx_string_free(s->peer_tokens[0]);
    s->peer_tokens[0] = jwk;
    hx_identity_free(fresh);
    /* Half-way, a key joins the key set while the others keep decoding. */
    if (!s->late_key_added && r >= s->rounds / 2) {
        WCHECK(w, hx_keyset_add(s->keyset, s->keys[KEYS]) == HX_OK);
        s->late_key_added = 1;
    }
    w->rotations++;
    pthread_rwlock_unlock(&s->rotation);
}

static void *work(void *arg) {
    Worker *w = (Worker *)arg;
    Shared *s = w->shared;
    int r;
    pthread_barrier_wait(&s->barrier);
    for (r = 0; r < s->rounds; r++) {
        HxMessage *m = NULL;
        HxStatus st;
        if (w->index == 0) {
            if (r % 4 == 3) rotate(w, r);
            /* This round's shared token, sealed to the hub's current key. */
            WCHECK(w, hx_create_jwt(s->peers[r % PEERS], "hub", NULL, (const uint8_t *)"race", 4,
                                    600, &s->race_tokens[r]) == HX_OK);
        }
        hx1_round(w, r);
        jws_round(w, r);
        /* Everyone validates this round's shared token at once: one wins. */
        pthread_barrier_wait(&s->barrier);
        st = hx_validate_jwt(s->hub, s->race_tokens[r], NULL, &m);
        WCHECK(w, st == HX_OK || st == HX_ERR_REPLAYED);
        if (st == HX_OK) w->race_wins++;
        hx_message_free(m);
    }
    return NULL;
}

int main(void) {
    Shared s;
    Worker workers[THREADS];
    HxIdentity *id = NULL;
    const char *algs[] = {"HS256"};
    int i, accepted = 0, refused = 0, wins = 0, rotations = 0, failures = 0;
    size_t names = 0;

    memset(&s, 0, sizeof s);
    s.rounds = BASE_ROUNDS * stress_scale();
    REQUIRE(pthread_rwlock_init(&s.rotation, NULL) == 0);
    REQUIRE(pthread_barrier_init(&s.barrier, NULL, THREADS) == 0);
    REQUIRE(hx_directory_new(&s.dir) == HX_OK);

    REQUIRE(hx_identity_generate("hub", &id) == HX_OK);
    REQUIRE(hx_identity_machine_token(id, &s.hub_token) == HX_OK);
    REQUIRE(hx_directory_add(s.dir, s.hub_token) == HX_OK);
    REQUIRE(hx_endpoint_new(id, s.dir, &s.hub) == HX_OK);
    hx_identity_free(id);
    CHECK_STATUS(hx_endpoint_set_time(s.hub, T0), HX_OK);
    CHECK_STATUS(hx_endpoint_set_replay_protection(s.hub, true), HX_OK);
    for (i = 0; i < PEERS; i++) {
        char name[32];
        snprintf(name, sizeof name, "peer-%d", i);
        REQUIRE(hx_identity_generate(name, &id) == HX_OK);
        REQUIRE(hx_identity_machine_token(id, &s.peer_tokens[i]) == HX_OK);
        REQUIRE(hx_directory_add(s.dir, s.peer_tokens[i]) == HX_OK);
        REQUIRE(hx_endpoint_new(id, s.dir, &s.peers[i]) == HX_OK);
        hx_identity_free(id);
        CHECK_STATUS(hx_endpoint_set_time(s.peers[i], T0), HX_OK);
    }
    CHECK_STATUS(hx_directory_len(s.dir, &names), HX_OK);
    CHECK(names == PEERS + 1);

    s.race_tokens = (char **)calloc((size_t)s.rounds, sizeof *s.race_tokens);
    REQUIRE(s.race_tokens != NULL);

    REQUIRE(hx_keyset_new(&s.keyset) == HX_OK);
    for (i = 0; i <= KEYS; i++) {
        uint8_t secret[32];
        char kid[8];
        HxKey *raw = NULL;
        memset(secret, 'a' + i, sizeof secret);
        snprintf(kid, sizeof kid, "k%d", i);
        REQUIRE(hx_key_from_secret(secret, sizeof secret, &raw) == HX_OK);
        REQUIRE(hx_key_with_kid(raw, kid, &s.keys[i]) == HX_OK);
        hx_key_free(raw);
        if (i < KEYS) REQUIRE(hx_keyset_add(s.keyset, s.keys[i]) == HX_OK);
    }
    REQUIRE(hx_validation_new(algs, 1, &s.validation) == HX_OK);
    CHECK_STATUS(hx_validation_add_audience(s.validation, "api"), HX_OK);
    CHECK_STATUS(hx_validation_set_time(s.validation, T0), HX_OK);

    for (i = 0; i < THREADS; i++) {
        memset(&workers[i], 0, sizeof workers[i]);
        workers[i].shared = &s;
        workers[i].index = i;
        REQUIRE(pthread_create(&workers[i].thread, NULL, work, &workers[i]) == 0);
    }
    for (i = 0; i < THREADS; i++) {
        CHECK(pthread_join(workers[i].thread, NULL) == 0);
        failures += workers[i].failures;
        accepted += workers[i].accepted;
        refused += workers[i].refused;
        wins += workers[i].race_wins;
        rotations += workers[i].rotations;
    }
    /* The counts add up: per round and thread, 2 HX1 tokens and 1 JWT accepted, 3 HX1 and 1 JWT
       refusals; one winner per shared token; thread 0 rotated every 4th round. */
    CHECK(failures == 0);
    CHECK(accepted == THREADS * s.rounds * 3);
    CHECK(refused == THREADS * s.rounds * 4);
    CHECK(wins == s.rounds);
    CHECK(rotations == s.rounds / 4);
    CHECK(s.late_key_added);
    /* Peer 0's old keys are still listed (up to 4 per name), the hub's only once. */
    CHECK_STATUS(hx_directory_len(s.dir, &names), HX_OK);
    CHECK(names == PEERS + 1);
    /* The last shared token is spent (earlier ones may be sealed to keys the hub dropped). */
    {
        HxMessage *m = NULL;
        CHECK_STATUS(hx_validate_jwt(s.hub, s.race_tokens[s.rounds - 1], NULL, &m), HX_ERR_REPLAYED);
    }
    for (i = 0; i < s.rounds; i++) hx_string_free(s.race_tokens[i]);
    free(s.race_tokens);

    for (i = 0; i <= KEYS; i++) hx_key_free(s.keys[i]);
    hx_keyset_free(s.keyset);
    hx_validation_free(s.validation);
    for (i = 0; i < PEERS; i++) {
        hx_endpoint_free(s.peers[i]);
        hx_string_free(s.peer_tokens[i]);
    }
    hx_endpoint_free(s.hub);
    hx_string_free(s.hub_token);
    hx_directory_free(s.dir);
    pthread_barrier_destroy(&s.barrier);
    pthread_rwlock_destroy(&s.rotation);
    return DONE();
}
