package dev.hxjwt.tools;

import dev.hxjwt.Directory;
import dev.hxjwt.Endpoint;
import dev.hxjwt.HxJwt;
import dev.hxjwt.Identity;
import dev.hxjwt.Jwt;
import dev.hxjwt.Key;
import dev.hxjwt.Validation;
import java.time.Duration;
import java.util.Locale;

/**
 * Per-call time of the main operations through this package (JNA included): HX1 create and
 * validate, ES256 and HS256 sign and verify. Each operation is warmed up first (so that the JIT
 * has compiled the path), then timed over a fixed duration; the result is the mean time per
 * call. Run it against the release build of libhxjwt:
 *
 * <pre>
 * java -Dhxjwt.library=/path/to/release/libhxjwt.so.0 -cp ... dev.hxjwt.tools.Bench [SECONDS]
 * </pre>
 */
public final class Bench {
    private Bench() {}

    /** Keeps results alive so that the JIT cannot drop the calls. */
    private static volatile int sink;

    private interface Op {
        int run();
    }

    /**
     * Runs the benchmark.
     *
     * @param args optionally the seconds to time each operation for (default 2)
     */
    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        System.out.printf(Locale.ROOT, "hxjwt Java bench: libhxjwt %s from %s, %s %s%n",
                HxJwt.libraryVersion(), HxJwt.libraryName(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"));
        String claims = "{\"sub\":\"user-7\",\"iss\":\"login\",\"exp\":4000000000}";
        byte[] payload = "{\"order\":42,\"items\":[1,2,3]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (Identity alice = Identity.generate("alice.service");
                Identity bob = Identity.generate("bob.service");
                Directory dir = Directory.of(alice.machineToken(), bob.machineToken());
                Endpoint a = new Endpoint(alice, dir);
                Endpoint b = new Endpoint(bob, dir);
                Key es = Key.generate("ES256");
                Key esPub = es.toPublic();
                Key hs = Key.generate("HS256");
                Validation esV = Validation.builder("ES256").build();
                Validation hsV = Validation.builder("HS256").build()) {
            String hx1 = a.create("bob.service", payload, Duration.ofSeconds(3600));
            String esToken = Jwt.sign(claims, es, "ES256");
            String hsToken = Jwt.sign(claims, hs, "HS256");
            measure("HX1 create", seconds,
                    () -> a.create("bob.service", payload, Duration.ofSeconds(300)).length());
            measure("HX1 validate", seconds, () -> b.validate(hx1).payload().length);
            measure("ES256 sign", seconds, () -> Jwt.sign(claims, es, "ES256").length());
            measure("ES256 verify", seconds, () -> Jwt.verify(esToken, esPub, esV).length());
            measure("HS256 sign", seconds, () -> Jwt.sign(claims, hs, "HS256").length());
            measure("HS256 verify", seconds, () -> Jwt.verify(hsToken, hs, hsV).length());
        }
    }

    private static void measure(String name, double seconds, Op op) {
        // Warm-up: the same work for a quarter of the time (at least 20000 calls), untimed.
        long warmEnd = System.nanoTime() + (long) (seconds * 0.25e9);
        int calls = 0;
        while (calls < 20_000 || System.nanoTime() < warmEnd) {
            sink += op.run();
            calls++;
        }
        long budget = (long) (seconds * 1e9);
        long start = System.nanoTime();
        long n = 0;
        long now;
        do {
            for (int i = 0; i < 100; i++) {
                sink += op.run();
            }
            n += 100;
            now = System.nanoTime();
        } while (now - start < budget);
        double perCall = (now - start) / (double) n;
        System.out.printf(Locale.ROOT, "  %-14s %9.2f us/call  %10.0f calls/s  (%d calls)%n",
                name, perCall / 1000.0, 1e9 / perCall, n);
    }
}
