package dev.hxjwt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No native memory leaks: the resident set size (VmRSS of /proc/self/status) stays flat over
 * 100 000 HX1 create/validate round trips (a create and a validate each), and over thousands
 * of heavy handles (keys of 64 KiB secrets) closed explicitly or left to the Cleaner. The JVM runs these tests with a fixed, pre-touched heap
 * (-Xms = -Xmx, -XX:+AlwaysPreTouch in mk/java.mk), so the heap adds nothing to the RSS as it
 * fills: what grows is native memory.
 */
class ResourceTest {
    /** Generous: a leaked token (~0.5 KiB) per call would be ~50 MiB. */
    static final long BOUND_KIB = 40 * 1024;
    static String bigJwks;

    /** 64 KiB of secret: each key made from it holds 64 KiB of native memory. */
    static byte[] bigSecret;

    @BeforeAll
    static void makeBigSecret() {
        bigSecret = new byte[64 << 10];
        new Random(7).nextBytes(bigSecret);
    }

    static long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    static void settle() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(50); // lets the Cleaner thread run
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void noLeakOver100000CreateValidateCalls() {
        byte[] payload = "{\"order\":42,\"note\":\"a payload of some length\"}"
                .getBytes(StandardCharsets.UTF_8);
        try (Identity alice = Identity.generate("alice.service");
                Identity bob = Identity.generate("bob.service");
                Directory dir = Directory.of(alice.machineToken(), bob.machineToken());
                Endpoint a = new Endpoint(alice, dir);
                Endpoint b = new Endpoint(bob, dir)) {
            Duration ttl = Duration.ofMinutes(5);
            for (int i = 0; i < 5_000; i++) { // warm-up: JIT, allocator, caches
                b.validate(a.create("bob.service", payload, ttl));
            }
            settle();
            long before = rssKib();
            for (int i = 0; i < 100_000; i++) {
                Message m = b.validate(a.create("bob.service", payload, ttl));
                if (i % 10_000 == 0) {
                    assertArrayEquals(payload, m.payload());
                }
            }
            settle();
            long grown = rssKib() - before;
            System.out.println("ResourceTest: RSS grew by " + grown + " KiB over 100000 round trips");
            assertTrue(grown < BOUND_KIB, "RSS grew by " + grown + " KiB over 100000 round trips");
        }
    }

    @Test
    void noLeakOfClosedHandles() {
        String claims = "{\"aud\":\"a\",\"exp\":4000000000}";
        try (Identity id = Identity.generate("x.service")) {
            String machineToken = id.machineToken();
            for (int round = 0; round < 2; round++) { // round 0 warms up
                settle();
                long before = rssKib();
                for (int i = 0; i < 3_000; i++) {
                    try (Key key = Key.fromSecret(bigSecret); KeySet set = KeySet.of(key);
                            Directory d = Directory.of(machineToken);
                            Validation v = Validation.builder("HS256").audience("a").build()) {
                        if (i % 1000 == 0) {
                            assertEquals(1, d.size());
                            assertEquals(claims, Jwt.verify(Jwt.sign(claims, key, "HS256"), set, v));
                        }
                    }
                }
                settle();
                long grown = rssKib() - before;
                if (round == 1) {
                    System.out.println("ResourceTest: RSS grew by " + grown
                            + " KiB over 3000 rounds of closed handles (a leak: 190000 KiB)");
                    assertTrue(grown < BOUND_KIB, "RSS grew by " + grown + " KiB");
                }
            }
        }
    }

    /** Runs the GC until the Cleaner has freed all but {@code slack} of the forgotten handles. */
    static void awaitLiveHandles(long atMost) {
        long deadline = System.nanoTime() + 300_000_000_000L; // a guard against hanging only
        while (NativeHandle.liveHandles() > atMost) {
            assertTrue(System.nanoTime() < deadline, "the Cleaner did not free the handles: "
                    + NativeHandle.liveHandles() + " live, expected at most " + atMost);
            System.gc();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void theCleanerFreesForgottenHandles() {
        // Freeing a key wipes its secret, which takes the debug library a while: the loop waits
        // for the Cleaner every 100 keys, so that the RSS measures leaks rather than its lag.
        long baseline = NativeHandle.liveHandles();
        for (int round = 0; round < 2; round++) { // round 0 warms up
            settle();
            long before = rssKib();
            for (int i = 0; i < 3_000; i++) {
                Key key = Key.fromSecret(bigSecret); // never closed: the Cleaner frees it
                if (i % 1000 == 0) {
                    assertTrue(key.isPrivate());
                }
                if (i % 100 == 99) {
                    awaitLiveHandles(baseline + 50);
                }
            }
            awaitLiveHandles(baseline); // every forgotten key, exactly
            settle();
            long grown = rssKib() - before;
            if (round == 1) {
                System.out.println("ResourceTest: RSS grew by " + grown
                        + " KiB over 3000 forgotten keys (a leak: 190000 KiB)");
                assertTrue(grown < BOUND_KIB, "RSS grew by " + grown + " KiB");
            }
        }
    }

    /**
     * No leak over 50 000 JWE round trips (encrypt, decrypt, every 10th time the JSON
     * serialization with aad, every 100th ECDH-ES): the tokens, plaintexts (hx_bytes_free), headers
     * and aad the library returns are all freed; a leak of the 1 KiB plaintext alone would be
     * 50 MiB.
     */
    @Test
    void noLeakOver50000JweRoundTrips() {
        byte[] plaintext = new byte[1024];
        new Random(3).nextBytes(plaintext);
        byte[] aad = {1, 2, 3};
        try (JweKey secret = JweKey.generate("oct-32"); JweKey x = JweKey.generate("X25519");
                JweKey xPub = x.toPublic();
                JweOptions o = JweOptions.builder().algorithms("dir", "A256KW", "ECDH-ES+A128KW")
                        .encryptions("A256GCM").build()) {
            List<Jwe.Recipient> recipients = List.of(new Jwe.Recipient(secret, "A256KW"));
            for (int round = 0; round < 2; round++) { // round 0 warms up
                int n = round == 0 ? 5_000 : 50_000;
                settle();
                long before = rssKib();
                for (int i = 0; i < n; i++) {
                    String token = Jwe.encrypt(plaintext, secret, "dir", "A256GCM");
                    try (JweDecrypted d = Jwe.decrypt(token, secret, o)) {
                        if (i % 10_000 == 0) {
                            assertArrayEquals(plaintext, d.plaintext());
                        }
                    }
                    if (i % 10 == 0) {
                        String json = Jwe.encryptJson(plaintext, recipients, "A256GCM", null, aad,
                                true, null);
                        try (JweDecrypted d = Jwe.decryptJson(json, List.of(secret), List.of(),
                                o)) {
                            assertArrayEquals(aad, d.aad().orElseThrow());
                        }
                    }
                    if (i % 100 == 0) {
                        String ecdh = Jwe.encrypt(plaintext, xPub, "ECDH-ES+A128KW", "A256GCM");
                        try (JweDecrypted d = Jwe.decrypt(ecdh, x, o)) {
                            assertEquals("ECDH-ES+A128KW", d.alg());
                        }
                    }
                }
                settle();
                long grown = rssKib() - before;
                if (round == 1) {
                    System.out.println("ResourceTest: RSS grew by " + grown
                            + " KiB over 50000 JWE round trips");
                    assertTrue(grown < BOUND_KIB, "RSS grew by " + grown + " KiB");
                }
            }
        }
    }

    /**
     * JWE keys and options, closed explicitly or forgotten, are freed exactly once each. The
     * library takes passwords of at most 4 KiB, so the bound here is tighter than
     * {@link #BOUND_KIB}: forgetting only the unclosed half would leak 12 MiB a round.
     */
    @Test
    void jweHandlesAreFreedOnceClosedOrForgotten() {
        long baseline = NativeHandle.liveHandles();
        byte[] password = Arrays.copyOf(bigSecret, 4096); // the library's largest
        long bound = 8 * 1024;
        for (int round = 0; round < 2; round++) { // round 0 warms up
            settle();
            long before = rssKib();
            for (int i = 0; i < 6_000; i++) {
                JweKey pw = JweKey.fromPassword(password); // 4 KiB of native memory each
                JweOptions o = JweOptions.builder().algorithms("PBES2-HS256+A128KW")
                        .encryptions("A128GCM").critical("x").typ("t").build();
                try (JweKey named = pw.withKid("k" + i)) {
                    assertTrue(named.isPrivate());
                }
                o.close();
                o.close(); // idempotent: freed once
                if (i % 2 == 0) {
                    pw.close();
                } // else forgotten: the Cleaner frees it
                if (i % 100 == 99) {
                    awaitLiveHandles(baseline + 50);
                }
            }
            awaitLiveHandles(baseline);
            settle();
            long grown = rssKib() - before;
            if (round == 1) {
                System.out.println("ResourceTest: RSS grew by " + grown
                        + " KiB over 6000 rounds of JWE handles (a leak: 48000 KiB)");
                assertTrue(grown < bound, "RSS grew by " + grown + " KiB");
            }
        }
        assertEquals(baseline, NativeHandle.liveHandles());
    }
}
