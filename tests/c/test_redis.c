/*
 * Replay protection shared through Redis, from C (issue 12): HxReplayStore on a private
 * redis-server this program starts on a free loopback port. Two stores (two "instances") and two
 * processes (fork after the store is made: the child must not reuse the parent's connections)
 * accept each token once; a one-time JWS is accepted once; the server killed, restarted and
 * paused (SIGSTOP) gives HX_ERR_STORE_UNAVAILABLE, then service resumes by itself; hostile
 * arguments are refused. Runs under valgrind and ASan like every test_*.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hxtest.h"

static int redis_port;
static pid_t redis_pid = -1;
static char redis_url[64];

static int free_port(void) {
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int s = socket(AF_INET, SOCK_STREAM, 0), port = -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(s, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (s >= 0) close(s);
    return port;
}

static int can_connect(void) {
    struct sockaddr_in a;
    int s = socket(AF_INET, SOCK_STREAM, 0), ok;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)redis_port);
    ok = s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) == 0;
    if (s >= 0) close(s);
    return ok;
}

static void sleep_ms(long ms) {
    struct timespec t;
    t.tv_sec = ms / 1000;
    t.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&t, NULL);
}

static void redis_start(void) {
    char port[16];
    int i;
    snprintf(port, sizeof port, "%d", redis_port);
    redis_pid = fork();
    REQUIRE(redis_pid >= 0);
    if (redis_pid == 0) {
        const char *bin = getenv("HXJWT_REDIS_SERVER");
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) dup2(devnull, 2);
        execlp(bin ? bin : "redis-server", "redis-server", "--port", port, "--bind", "127.0.0.1",
               "--save", "", "--appendonly", "no", "--loglevel", "warning", (char *)NULL);
        fprintf(stderr, "cannot exec redis-server: install it (make test does)\n");
        _exit(127);
    }
    for (i = 0; i < 500 && !can_connect(); i++) sleep_ms(10);
    REQUIRE(can_connect());
}

static void redis_stop(void) {
    if (redis_pid > 0) {
        kill(redis_pid, SIGCONT);
        kill(redis_pid, SIGKILL);
        waitpid(redis_pid, NULL, 0);
        redis_pid = -1;
    }
}

static HxReplayStore *redis_store(void) {
    HxRedisOptions o;
    HxReplayStore *s = NULL;
    memset(&o, 0, sizeof o);
    o.connect_timeout_ms = 300;
    o.command_timeout_ms = 300;
    CHECK_STATUS(hx_replay_store_redis_new(redis_url, &o, &s), HX_OK);
    REQUIRE(s != NULL);
    return s;
}

static HxIdentity *alice, *bob;
static char *alice_pub, *bob_pub;

static char *make_token(void) {
    HxEndpoint *a = NULL;
    char *t = NULL;
    CHECK_STATUS(hx_endpoint_new(alice, NULL, &a), HX_OK);
    CHECK_STATUS(hx_create_jwt(a, NULL, bob_pub, (const uint8_t *)"hi", 2, 600, &t), HX_OK);
    hx_endpoint_free(a);
    REQUIRE(t != NULL);
    return t;
}

static HxEndpoint *receiver(const HxReplayStore *store) {
    HxEndpoint *b = NULL;
    CHECK_STATUS(hx_endpoint_new(bob, NULL, &b), HX_OK);
    REQUIRE(b != NULL);
    CHECK_STATUS(hx_endpoint_set_replay_store(b, store), HX_OK);
    return b;
}

static HxStatus validate(const HxEndpoint *b, const char *token) {
    HxMessage *m = NULL;
    HxStatus s = hx_validate_jwt(b, token, alice_pub, &m);
    hx_message_free(m);
    return s;
}

static void test_options_and_arguments(void) {
    HxRedisOptions d, bad;
    HxReplayStore *s = (HxReplayStore *)0x1;
    CHECK_STATUS(hx_redis_options_default(&d), HX_OK);
    CHECK(d.connect_timeout_ms == 1000 && d.command_timeout_ms == 500 && d.max_connections == 16);
    CHECK(d.key_prefix == NULL && d.ca_file == NULL);
    CHECK_STATUS(hx_redis_options_default(NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_replay_store_redis_new(NULL, NULL, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_replay_store_redis_new(redis_url, NULL, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_replay_store_redis_new("http://127.0.0.1:1", NULL, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_replay_store_redis_new("redis://127.0.0.1:1?bogus=1", NULL, &s),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_replay_store_redis_new("redis://u:sekr3t-pw@127.0.0.1:1?timeout=soon", NULL, &s),
                 HX_ERR_INVALID_ARGUMENT);
    CHECK(strstr(hx_last_error_message(), "sekr3t-pw") == NULL);
    CHECK_STATUS(hx_replay_store_redis_new("redis://127.0.0.1:1\xff", NULL, &s),
                 HX_ERR_INVALID_ARGUMENT);
    bad = d;
    bad.key_prefix = "bad\nprefix";
    CHECK_STATUS(hx_replay_store_redis_new(redis_url, &bad, &s), HX_ERR_INVALID_ARGUMENT);
    bad = d;
    bad.ca_file = "/nonexistent/ca.pem";
    CHECK_STATUS(hx_replay_store_redis_new("rediss://127.0.0.1:1", &bad, &s), HX_ERR_INVALID_ARGUMENT);
    CHECK(s == (HxReplayStore *)0x1); /* out-parameters untouched on failure */
    CHECK_STATUS(hx_replay_store_ping(NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_endpoint_set_replay_store(NULL, NULL), HX_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hx_validation_set_replay_store(NULL, NULL), HX_ERR_INVALID_ARGUMENT);
    hx_replay_store_free(NULL);
    /* A server that is not there: refused at once, message with the address, not the password. */
    s = NULL;
    CHECK_STATUS(hx_replay_store_redis_new("redis://:pw-zz9@127.0.0.1:1/0", NULL, &s), HX_OK);
    CHECK_STATUS(hx_replay_store_ping(s), HX_ERR_STORE_UNAVAILABLE);
    CHECK(strstr(hx_last_error_message(), "127.0.0.1:1") != NULL);
    CHECK(strstr(hx_last_error_message(), "pw-zz9") == NULL);
    CHECK(strcmp(hx_status_name(HX_ERR_STORE_UNAVAILABLE), "HX_ERR_STORE_UNAVAILABLE") == 0);
    hx_replay_store_free(s);
}

/* Two stores (two connection pools: two instances of a service) share the server's memory. */
static void test_two_instances_accept_once(void) {
    HxReplayStore *s1 = redis_store(), *s2 = redis_store();
    HxEndpoint *b1 = receiver(s1), *b2 = receiver(s2);
    int i;
    CHECK_STATUS(hx_replay_store_ping(s1), HX_OK);
    hx_replay_store_free(s1); /* the endpoint keeps its own reference */
    for (i = 0; i < 20; i++) {
        char *t = make_token();
        CHECK_STATUS(validate(i % 2 ? b1 : b2, t), HX_OK);
        CHECK_STATUS(validate(b1, t), HX_ERR_REPLAYED);
        CHECK_STATUS(validate(b2, t), HX_ERR_REPLAYED);
        hx_string_free(t);
    }
    /* NULL turns replay protection off again. */
    {
        char *t = make_token();
        CHECK_STATUS(hx_endpoint_set_replay_store(b1, NULL), HX_OK);
        CHECK_STATUS(validate(b1, t), HX_OK);
        CHECK_STATUS(validate(b1, t), HX_OK);
        CHECK_STATUS(validate(b2, t), HX_OK);
        CHECK_STATUS(validate(b2, t), HX_ERR_REPLAYED);
        hx_string_free(t);
    }
    hx_endpoint_free(b1);
    hx_endpoint_free(b2);
    hx_replay_store_free(s2);
}

/* fork() after the store has pooled connections: parent and child validate the same tokens;
 * each token is accepted exactly once overall (a child reusing the parent's socket would read
 * the parent's replies, or both would be told "new"). */
#define FORK_TOKENS 30
static void test_fork_two_processes(void) {
    HxReplayStore *s = redis_store();
    HxEndpoint *b = receiver(s);
    char *tokens[FORK_TOKENS];
    int i, fds[2], status = 0, child_ok = 0, parent_ok = 0;
    unsigned char child_result[FORK_TOKENS];
    pid_t pid;
    char *warm = make_token();
    CHECK_STATUS(validate(b, warm), HX_OK); /* a pooled connection now exists */
    hx_string_free(warm);
    for (i = 0; i < FORK_TOKENS; i++) tokens[i] = make_token();
    REQUIRE(pipe(fds) == 0);
    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        for (i = 0; i < FORK_TOKENS; i++) child_result[i] = validate(b, tokens[i]) == HX_OK;
        if (write(fds[1], child_result, sizeof child_result) != (ssize_t)sizeof child_result)
            _exit(2);
        _exit(0);
    }
    close(fds[1]);
    for (i = FORK_TOKENS - 1; i >= 0; i--) {
        HxStatus st = validate(b, tokens[i]);
        CHECK(st == HX_OK || st == HX_ERR_REPLAYED);
        parent_ok += st == HX_OK;
    }
    REQUIRE(read(fds[0], child_result, sizeof child_result) == (ssize_t)sizeof child_result);
    close(fds[0]);
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    for (i = 0; i < FORK_TOKENS; i++) child_ok += child_result[i];
    CHECK(parent_ok + child_ok == FORK_TOKENS);
    for (i = 0; i < FORK_TOKENS; i++) {
        CHECK_STATUS(validate(b, tokens[i]), HX_ERR_REPLAYED);
        hx_string_free(tokens[i]);
    }
    hx_endpoint_free(b);
    hx_replay_store_free(s);
}

static void test_one_time_jws(void) {
    const char *algs[] = {"ES256"};
    HxReplayStore *s = redis_store();
    HxKey *key = NULL;
    HxValidation *v = NULL;
    char *t = NULL, *no_jti = NULL, *claims = NULL;
    CHECK_STATUS(hx_key_generate("ES256", &key), HX_OK);
    CHECK_STATUS(hx_validation_new(algs, 1, &v), HX_OK);
    CHECK_STATUS(hx_validation_set_replay_store(v, s), HX_OK);
    hx_replay_store_free(s);
    CHECK_STATUS(hx_jwt_encode(key, "ES256", NULL, "{\"jti\":\"once-1\",\"exp\":4102444800}", &t), HX_OK);
    CHECK_STATUS(hx_jwt_encode(key, "ES256", NULL, "{\"exp\":4102444800}", &no_jti), HX_OK);
    CHECK_STATUS(hx_jwt_decode(key, NULL, t, v, &claims), HX_OK);
    hx_string_free(claims);
    claims = NULL;
    CHECK_STATUS(hx_jwt_decode(key, NULL, t, v, &claims), HX_ERR_REPLAYED);
    CHECK(claims == NULL);
    CHECK(hx_last_error_claim() != NULL && strcmp(hx_last_error_claim(), "jti") == 0);
    CHECK_STATUS(hx_jwt_decode(key, NULL, no_jti, v, &claims), HX_ERR_MISSING_CLAIM);
    CHECK(hx_last_error_claim() != NULL && strcmp(hx_last_error_claim(), "jti") == 0);
    CHECK_STATUS(hx_validation_set_replay_store(v, NULL), HX_OK);
    CHECK_STATUS(hx_jwt_decode(key, NULL, t, v, &claims), HX_OK);
    hx_string_free(claims);
    hx_string_free(t);
    hx_string_free(no_jti);
    hx_validation_free(v);
    hx_key_free(key);
}

static void test_faults(void) {
    HxReplayStore *s = redis_store();
    HxEndpoint *b = receiver(s);
    char *t;
    int i;
    for (i = 0; i < 3; i++) {
        t = make_token();
        CHECK_STATUS(validate(b, t), HX_OK);
        hx_string_free(t);
    }
    /* Killed: every call refused, nothing accepted. */
    redis_stop();
    for (i = 0; i < 3; i++) {
        t = make_token();
        CHECK_STATUS(validate(b, t), HX_ERR_STORE_UNAVAILABLE);
        CHECK(strstr(hx_last_error_message(), "StoreUnavailable: ") == hx_last_error_message());
        hx_string_free(t);
    }
    CHECK_STATUS(hx_replay_store_ping(s), HX_ERR_STORE_UNAVAILABLE);
    /* Back: the same handles work again by themselves. */
    redis_start();
    t = make_token();
    CHECK_STATUS(validate(b, t), HX_OK);
    CHECK_STATUS(validate(b, t), HX_ERR_REPLAYED);
    hx_string_free(t);
    /* Paused: the time-out bounds the call, and the token is refused. Its SET had reached the
     * server, which runs it once resumed: that token stays refused (fail closed; the sender
     * makes a new one), and new tokens are accepted again. */
    kill(redis_pid, SIGSTOP);
    t = make_token();
    CHECK_STATUS(validate(b, t), HX_ERR_STORE_UNAVAILABLE);
    kill(redis_pid, SIGCONT);
    CHECK_STATUS(validate(b, t), HX_ERR_REPLAYED);
    hx_string_free(t);
    t = make_token();
    CHECK_STATUS(validate(b, t), HX_OK);
    CHECK_STATUS(validate(b, t), HX_ERR_REPLAYED);
    hx_string_free(t);
    hx_endpoint_free(b);
    hx_replay_store_free(s);
}

static void test_memory_store_shared(void) {
    HxReplayStore *s = NULL;
    HxEndpoint *b1, *b2;
    char *t = make_token();
    CHECK_STATUS(hx_replay_store_memory_new(0, &s), HX_OK);
    CHECK_STATUS(hx_replay_store_ping(s), HX_OK);
    b1 = receiver(s);
    b2 = receiver(s);
    CHECK_STATUS(validate(b1, t), HX_OK);
    CHECK_STATUS(validate(b2, t), HX_ERR_REPLAYED);
    hx_string_free(t);
    hx_endpoint_free(b1);
    hx_endpoint_free(b2);
    hx_replay_store_free(s);
}

int main(void) {
    int failed;
    signal(SIGPIPE, SIG_IGN);
    redis_port = free_port();
    REQUIRE(redis_port > 0);
    snprintf(redis_url, sizeof redis_url, "redis://127.0.0.1:%d", redis_port);
    redis_start();
    CHECK_STATUS(hx_identity_generate("alice.service", &alice), HX_OK);
    CHECK_STATUS(hx_identity_generate("bob.service", &bob), HX_OK);
    CHECK_STATUS(hx_identity_machine_token(alice, &alice_pub), HX_OK);
    CHECK_STATUS(hx_identity_machine_token(bob, &bob_pub), HX_OK);
    test_options_and_arguments();
    test_two_instances_accept_once();
    test_fork_two_processes();
    test_one_time_jws();
    test_memory_store_shared();
    test_faults();
    hx_string_free(alice_pub);
    hx_string_free(bob_pub);
    hx_identity_free(alice);
    hx_identity_free(bob);
    redis_stop();
    failed = DONE();
    return failed;
}
