/*
 * The C face, timed: libhxjwt (release build) against libjwt for HS256 encode and
 * decode(+verify+claim checks) of the same claims (sub, name, iat, exp, aud, iss) with the same
 * checks (alg HS256, signature, exp, aud, iss). The timing loop is benchkit's (bench/rust/kit):
 * ~100 ms warm-up, batches of ~2 ms, samples for ~0.6 s; median, p10, p90 per call.
 *
 *   bench_c results.json     (BENCH_SCALE=0.1 for a quick run)
 *
 * libjwt 1.10 (Debian bookworm) has no validation API: the claim checks are written out with
 * jwt_get_alg / jwt_get_grant(_int), which is what its users do. From libjwt 1.12 on, the
 * jwt_valid_* API is used instead.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hxjwt.h>
#include <jwt.h>

static const unsigned char SECRET[32] = {
    0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
    0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a};
static const char *AUD = "api.example.com";
static const char *ISS = "https://login.example.com";
static long long NOW;
static double SCALE = 1.0;

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static FILE *OUT;
static int FIRST = 1;

static void die(const char *what) {
    fprintf(stderr, "bench_c: %s failed: %s\n", what, hx_last_error_message());
    exit(1);
}

static void measure(const char *op, const char *impl, void (*f)(void)) {
    double t0 = now_s(), per_call, samples[200];
    long n = 0, batch, i;
    int k = 0;
    while (now_s() - t0 < 0.1 * SCALE || n < 3) { f(); n++; }
    per_call = (now_s() - t0) / (double)n;
    batch = (long)(0.002 / per_call);
    if (batch < 1) batch = 1;
    t0 = now_s();
    while ((now_s() - t0 < 0.6 * SCALE || k < 15) && k < 200) {
        double s = now_s();
        for (i = 0; i < batch; i++) f();
        samples[k++] = (now_s() - s) * 1e9 / (double)batch;
    }
    qsort(samples, (size_t)k, sizeof samples[0], cmp);
#define PCT(p) samples[(int)((k - 1) * (p) + 0.5)]
    fprintf(stderr, "  c          %-28s %-24s %12.0f ns  (p10 %.0f, p90 %.0f)\n", op, impl,
            PCT(0.5), PCT(0.1), PCT(0.9));
    fprintf(OUT, "%s\n    {\"group\": \"jws\", \"op\": \"%s\", \"impl\": \"%s\", \"median_ns\": %.1f, "
            "\"p10_ns\": %.1f, \"p90_ns\": %.1f, \"samples\": %d, \"batch\": %ld}",
            FIRST ? "" : ",", op, impl, PCT(0.5), PCT(0.1), PCT(0.9), k, batch);
    FIRST = 0;
}

/* hxjwt */
static HxKey *HX_KEY;
static HxValidation *HX_V;
static char *HX_TOKEN;

static void claims_json(char *buf, size_t len) {
    snprintf(buf, len,
             "{\"sub\":\"user-7\",\"name\":\"Ada Lovelace\",\"iat\":%lld,\"exp\":%lld,"
             "\"aud\":\"%s\",\"iss\":\"%s\"}", NOW - 60, NOW + 3600, AUD, ISS);
}

static void hx_encode(void) {
    char claims[256], *token;
    claims_json(claims, sizeof claims);
    if (hx_jwt_encode(HX_KEY, "HS256", NULL, claims, &token) != HX_OK) die("hx_jwt_encode");
    hx_string_free(token);
}

static void hx_decode(void) {
    char *claims;
    if (hx_jwt_decode(HX_KEY, NULL, HX_TOKEN, HX_V, &claims) != HX_OK) die("hx_jwt_decode");
    hx_string_free(claims);
}

/* libjwt */
static char *LJ_TOKEN;

static void lj_encode(void) {
    jwt_t *jwt;
    char *token;
    if (jwt_new(&jwt) || jwt_set_alg(jwt, JWT_ALG_HS256, SECRET, sizeof SECRET) ||
        jwt_add_grant(jwt, "sub", "user-7") || jwt_add_grant(jwt, "name", "Ada Lovelace") ||
        jwt_add_grant_int(jwt, "iat", (long)(NOW - 60)) ||
        jwt_add_grant_int(jwt, "exp", (long)(NOW + 3600)) || jwt_add_grant(jwt, "aud", AUD) ||
        jwt_add_grant(jwt, "iss", ISS))
        die("libjwt encode setup");
    token = jwt_encode_str(jwt);
    if (!token) die("jwt_encode_str");
    free(token);
    jwt_free(jwt);
}

#ifdef JWT_VALIDATION_SUCCESS
static jwt_valid_t *LJ_V;
#endif

static void lj_decode(void) {
    jwt_t *jwt;
    if (jwt_decode(&jwt, LJ_TOKEN, SECRET, sizeof SECRET)) die("jwt_decode");
#ifdef JWT_VALIDATION_SUCCESS
    jwt_valid_set_now(LJ_V, (time_t)time(NULL));
    if (jwt_validate(jwt, LJ_V) != JWT_VALIDATION_SUCCESS) die("jwt_validate");
#else
    {
        const char *aud, *iss;
        long exp;
        if (jwt_get_alg(jwt) != JWT_ALG_HS256) die("libjwt alg check");
        exp = jwt_get_grant_int(jwt, "exp");
        if (exp <= (long)time(NULL)) die("libjwt exp check");
        aud = jwt_get_grant(jwt, "aud");
        iss = jwt_get_grant(jwt, "iss");
        if (!aud || strcmp(aud, AUD) || !iss || strcmp(iss, ISS)) die("libjwt aud/iss check");
    }
#endif
    jwt_free(jwt);
}

int main(int argc, char **argv) {
    const char *algs[] = {"HS256"};
    char claims[256], *env = getenv("BENCH_SCALE");
    if (env) SCALE = atof(env);
    NOW = (long long)time(NULL);
    OUT = argc > 1 ? fopen(argv[1], "w") : stdout;
    if (!OUT) { perror("results file"); return 1; }

    if (hx_key_from_secret(SECRET, sizeof SECRET, &HX_KEY) != HX_OK) die("hx_key_from_secret");
    if (hx_validation_new(algs, 1, &HX_V) != HX_OK || hx_validation_add_audience(HX_V, AUD) ||
        hx_validation_add_issuer(HX_V, ISS))
        die("hx_validation");
    claims_json(claims, sizeof claims);
    if (hx_jwt_encode(HX_KEY, "HS256", NULL, claims, &HX_TOKEN) != HX_OK) die("hx_jwt_encode");

    {
        jwt_t *jwt;
        if (jwt_new(&jwt) || jwt_set_alg(jwt, JWT_ALG_HS256, SECRET, sizeof SECRET) ||
            jwt_add_grant(jwt, "sub", "user-7") || jwt_add_grant(jwt, "name", "Ada Lovelace") ||
            jwt_add_grant_int(jwt, "iat", (long)(NOW - 60)) ||
            jwt_add_grant_int(jwt, "exp", (long)(NOW + 3600)) || jwt_add_grant(jwt, "aud", AUD) ||
            jwt_add_grant(jwt, "iss", ISS))
            die("libjwt setup");
        LJ_TOKEN = jwt_encode_str(jwt);
        jwt_free(jwt);
    }
#ifdef JWT_VALIDATION_SUCCESS
    if (jwt_valid_new(&LJ_V, JWT_ALG_HS256)) die("jwt_valid_new");
    jwt_valid_add_grant(LJ_V, "aud", AUD);
    jwt_valid_add_grant(LJ_V, "iss", ISS);
    jwt_valid_set_headers(LJ_V, 0);
#endif
    /* Each library decodes the other's token too: the same work, the same bytes. */
    {
        char *c;
        jwt_t *jwt;
        if (hx_jwt_decode(HX_KEY, NULL, LJ_TOKEN, HX_V, &c) != HX_OK) die("hxjwt reads libjwt's token");
        hx_string_free(c);
        if (jwt_decode(&jwt, HX_TOKEN, SECRET, sizeof SECRET)) die("libjwt reads hxjwt's token");
        jwt_free(jwt);
    }

    fprintf(OUT, "{\"face\": \"c\", \"meta\": {\"hxjwt\": \"%s\", \"libjwt\": \"%s\"}, \"rows\": [",
            hx_version(), LIBJWT_VERSION);
    measure("HS256 encode", "hxjwt", hx_encode);
    measure("HS256 encode", "libjwt", lj_encode);
    measure("HS256 decode", "hxjwt", hx_decode);
    measure("HS256 decode", "libjwt", lj_decode);
    fprintf(OUT, "\n]}\n");
    if (OUT != stdout) fclose(OUT);
    hx_string_free(HX_TOKEN);
    free(LJ_TOKEN);
    hx_validation_free(HX_V);
    hx_key_free(HX_KEY);
    return 0;
}
