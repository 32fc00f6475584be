package dev.hxjwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Threads share endpoints, keys, key sets and validations as the C API allows; error messages
 * stay per thread; a close() racing with calls on other threads frees the handle once, after
 * them.
 */
class ThreadsTest {
    static final int THREADS = 4;
    static final Duration TTL = Duration.ofMinutes(5);

    Identity alice;
    Identity bob;
    Directory fleet;
    Endpoint a;
    Endpoint b;
    ExecutorService pool;

    @BeforeEach
    void setUp() {
        alice = Identity.generate("alice.service");
        bob = Identity.generate("bob.service");
        fleet = Directory.of(alice.machineToken(), bob.machineToken());
        a = new Endpoint(alice, fleet);
        b = new Endpoint(bob, fleet);
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        for (NativeHandle h : new NativeHandle[] {a, b, fleet, alice, bob}) {
            h.close();
        }
    }

    <T> List<T> onAllThreads(Callable<T> task) throws Exception {
        List<Future<T>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            futures.add(pool.submit(task));
        }
        List<T> out = new ArrayList<>();
        for (Future<T> f : futures) {
            out.add(f.get(300, TimeUnit.SECONDS));
        }
        return out;
    }

    @Test
    void threadsShareOneEndpointEachWay() throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Integer> done = onAllThreads(() -> {
            int n = 0;
            for (int i = 0; i < 300; i++) {
                String text = "{\"n\":" + next.incrementAndGet() + "}";
                assertEquals(text, b.validate(a.create("bob.service", text, TTL)).text());
                assertEquals(text, a.validateFrom(b.createFor(alice.machineToken(), text, TTL),
                        bob.machineToken()).text());
                n++;
            }
            return n;
        });
        assertEquals(List.of(300, 300, 300, 300), done);
    }

    @Test
    void threadsShareKeysKeySetsAndValidations() throws Exception {
        try (Key es = Key.generate("ES256"); Key pub = es.toPublic(); KeySet set = KeySet.of(pub);
                Key hs = Key.generate("HS256");
                Validation v = Validation.builder("ES256", "HS256").build()) {
            AtomicInteger next = new AtomicInteger();
            onAllThreads(() -> {
                for (int i = 0; i < 200; i++) {
                    String claims = "{\"n\":" + next.incrementAndGet() + ",\"exp\":4000000000}";
                    assertEquals(claims, Jwt.verify(Jwt.sign(claims, es, "ES256"), set, v));
                    assertEquals(claims, Jwt.verify(Jwt.sign(claims, hs, "HS256"), hs, v));
                    if (i == 100) {
                        set.add(Key.generate("ES256").toPublic()); // while others verify
                    }
                }
                return null;
            });
            assertEquals(1 + THREADS, set.size());
        }
    }

    @Test
    void errorMessagesStayOnTheirThread() throws Exception {
        a.setTime(1_767_225_600L);
        String expired = a.create("bob.service", "x", Duration.ofSeconds(1));
        String forAlice = b.create("alice.service", "x", TTL);
        CyclicBarrier barrier = new CyclicBarrier(THREADS);
        AtomicInteger ids = new AtomicInteger();
        onAllThreads(() -> {
            boolean even = ids.getAndIncrement() % 2 == 0;
            for (int i = 0; i < 200; i++) {
                barrier.await(60, TimeUnit.SECONDS);
                try {
                    if (even) {
                        b.validate(expired);
                    } else {
                        b.validate(forAlice);
                    }
                    throw new AssertionError("accepted");
                } catch (HxJwtException e) {
                    ErrorKind want = even ? ErrorKind.EXPIRED : ErrorKind.WRONG_AUDIENCE;
                    assertEquals(want, e.kind());
                    assertTrue(e.getMessage().startsWith(want.stableName() + ": "), e.getMessage());
                }
            }
            return null;
        });
    }

    @Test
    void replayProtectionAcceptsATokenOnceAcrossThreads() throws Exception {
        b.setReplayProtection(true);
        for (int round = 0; round < 20; round++) {
            String token = a.create("bob.service", "once", TTL);
            CyclicBarrier barrier = new CyclicBarrier(THREADS);
            List<String> outcomes = onAllThreads(() -> {
                barrier.await(60, TimeUnit.SECONDS);
                try {
                    return b.validate(token).text();
                } catch (HxJwtException e) {
                    return e.kind().stableName();
                }
            });
            assertEquals(1, outcomes.stream().filter("once"::equals).count(), outcomes.toString());
            assertEquals(THREADS - 1, outcomes.stream().filter("Replayed"::equals).count());
        }
    }

    @Test
    void closeWhileOtherThreadsValidate() throws Exception {
        for (int round = 0; round < 10; round++) {
            Endpoint shared = new Endpoint(bob, fleet);
            String token = a.create("bob.service", "x", TTL);
            CountDownLatch started = new CountDownLatch(THREADS);
            List<Future<Throwable>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(() -> {
                    boolean counted = false;
                    try {
                        for (;;) {
                            assertEquals("x", shared.validate(token).text());
                            if (!counted) {
                                started.countDown();
                                counted = true;
                            }
                        }
                    } catch (Throwable e) {
                        if (!counted) {
                            started.countDown();
                        }
                        return e;
                    }
                }));
            }
            assertTrue(started.await(120, TimeUnit.SECONDS));
            shared.close();
            for (Future<Throwable> f : futures) {
                Throwable e = f.get(120, TimeUnit.SECONDS);
                assertInstanceOf(IllegalStateException.class, e, String.valueOf(e));
            }
            assertTrue(shared.isClosed());
        }
    }

    @Test
    void concurrentClosesFreeOnce() throws Exception {
        for (int round = 0; round < 50; round++) {
            Key k = Key.generate("HS256");
            CyclicBarrier barrier = new CyclicBarrier(THREADS);
            onAllThreads(() -> {
                barrier.await(60, TimeUnit.SECONDS);
                k.close();
                return null;
            });
            assertTrue(k.isClosed());
        }
    }

    @Test
    void aResolverIsCalledFromSeveralThreads() throws Exception {
        String aliceToken = alice.machineToken();
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<Throwable> wrongThread = new AtomicReference<>();
        try (Directory dir = Directory.fromResolver(name -> {
                    calls.incrementAndGet();
                    if (Thread.currentThread().getName().startsWith("main")) {
                        wrongThread.set(new AssertionError("resolver on the main thread"));
                    }
                    return name.equals("alice.service") ? aliceToken : null;
                });
                Endpoint viaResolver = new Endpoint(bob, dir)) {
            String token = a.create("bob.service", "r", TTL);
            onAllThreads(() -> {
                for (int i = 0; i < 100; i++) {
                    assertEquals("r", viaResolver.validate(token).text());
                }
                return null;
            });
            assertTrue(calls.get() >= 1);
            assertNull(wrongThread.get());
        }
    }

    /**
     * JWE keys and options are shared by every thread: decryptions succeed together, each
     * thread's failures keep their own kind and message, and a close() of the options racing
     * with them frees them once, after the calls in progress.
     */
    @Test
    void threadsShareJweKeysAndOptions() throws Exception {
        try (JweKey key = JweKey.generate("oct-32"); JweKey other = JweKey.generate("oct-32")) {
            JweOptions o = JweOptions.builder().algorithms("A256KW").encryptions("A256GCM")
                    .build();
            String good = Jwe.encrypt("shared", key, "A256KW", "A256GCM");
            String wrongKid = Jwe.encrypt("other", other, "A256KW", "A256GCM");
            AtomicInteger next = new AtomicInteger();
            List<Integer> done = onAllThreads(() -> {
                int n = 0;
                for (int i = 0; i < 300; i++) {
                    String text = "m" + next.incrementAndGet();
                    String t = Jwe.encrypt(text, key, "A256KW", "A256GCM");
                    try (JweDecrypted d = Jwe.decrypt(t, List.of(other, key), o)) {
                        assertEquals(text, d.text());
                    }
                    try {
                        Jwe.decrypt(wrongKid, key, o);
                        throw new AssertionError("decrypted with another key");
                    } catch (HxJwtException e) {
                        assertEquals(ErrorKind.KEY_NOT_FOUND, e.kind());
                        assertTrue(e.getMessage().startsWith("KeyNotFound: "), e.getMessage());
                    }
                    n++;
                }
                return n;
            });
            assertEquals(List.of(300, 300, 300, 300), done);
            // close() while the threads decrypt: each call either ran to the end or saw the
            // options closed; never a crash.
            CyclicBarrier start = new CyclicBarrier(THREADS + 1);
            AtomicInteger closedSeen = new AtomicInteger();
            List<Future<Integer>> racing = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                racing.add(pool.submit(() -> {
                    start.await();
                    int ok = 0;
                    for (int i = 0; i < 2000; i++) {
                        try (JweDecrypted d = Jwe.decrypt(good, key, o)) {
                            assertEquals("shared", d.text());
                            ok++;
                        } catch (IllegalStateException closed) {
                            closedSeen.incrementAndGet();
                            break;
                        }
                    }
                    return ok;
                }));
            }
            start.await();
            Thread.sleep(20);
            o.close();
            for (Future<Integer> f : racing) {
                f.get(300, TimeUnit.SECONDS);
            }
            assertTrue(o.isClosed());
            assertTrue(closedSeen.get() <= THREADS);
            assertInstanceOf(IllegalStateException.class, catchThrowable(
                    () -> Jwe.decrypt(good, key, o)));
        }
    }

    static Throwable catchThrowable(Runnable r) {
        try {
            r.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }
}
