package dev.hxjwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Replay stores: in memory, and on a Redis server that the test starts on a free loopback port
 * and stops (redis-server; make java-check installs it with mk/redis.mk's redis-tools). A store
 * that cannot answer refuses tokens with StoreUnavailable (status 118).
 */
class ReplayStoreTest {
    static final Duration TTL = Duration.ofMinutes(5);

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static HxJwtException fails(ErrorKind kind, org.junit.jupiter.api.function.Executable call) {
        HxJwtException e = assertThrows(HxJwtException.class, call);
        assertEquals(kind, e.kind(), e.getMessage());
        assertEquals(kind.status(), e.status());
        return e;
    }

    @Test
    @SuppressWarnings("try") // closes the store early on purpose
    void aMemoryStoreSharedByTwoEndpoints() {
        try (Identity alice = Identity.generate("alice.service");
                Identity bob = Identity.generate("bob.service");
                Directory dir = Directory.of(alice.machineToken(), bob.machineToken());
                ReplayStore store = ReplayStore.memory();
                Endpoint a = new Endpoint(alice, dir);
                Endpoint b1 = Endpoint.builder(bob).directory(dir).replayStore(store).build();
                Endpoint b2 = new Endpoint(bob, dir)) {
            store.ping();
            b2.setReplayStore(store);
            store.close(); // the endpoints keep their own reference
            String token = a.create("bob.service", "once", TTL);
            assertEquals("once", b1.validate(token).text());
            fails(ErrorKind.REPLAYED, () -> b2.validate(token));
            fails(ErrorKind.REPLAYED, () -> b1.validate(token));
            b2.setReplayStore(null); // off again
            assertEquals("once", b2.validate(token).text());
            assertThrows(IllegalStateException.class, () -> b2.setReplayStore(store));
        }
        try (ReplayStore tiny = ReplayStore.memory(1);
                Identity alice = Identity.generate("alice.service");
                Endpoint a = new Endpoint(alice);
                Endpoint self = Endpoint.builder(alice).replayStore(tiny).build()) {
            String t1 = a.createFor(alice.machineToken(), "1", TTL);
            String t2 = a.createFor(alice.machineToken(), "2", TTL);
            assertEquals("1", self.validateFrom(t1, alice.machineToken()).text());
            fails(ErrorKind.REPLAYED, () -> self.validateFrom(t2, alice.machineToken()));
        }
        assertThrows(IllegalArgumentException.class, () -> ReplayStore.memory(-1));
    }

    @Test
    void aValidationWithAStoreAcceptsEachJtiOnce() {
        try (ReplayStore store = ReplayStore.memory(); Key key = Key.generate("HS256");
                Validation v = Validation.builder("HS256").replayStore(store).build()) {
            String withJti = Jwt.sign("{\"jti\":\"t-1\",\"exp\":4000000000}", key, "HS256");
            assertEquals("{\"jti\":\"t-1\",\"exp\":4000000000}", Jwt.verify(withJti, key, v));
            HxJwtException again = fails(ErrorKind.REPLAYED, () -> Jwt.verify(withJti, key, v));
            assertEquals("jti", again.claim().orElseThrow());
            HxJwtException noJti = fails(ErrorKind.MISSING_CLAIM,
                    () -> Jwt.verify(Jwt.sign("{\"exp\":4000000000}", key, "HS256"), key, v));
            assertEquals("jti", noJti.claim().orElseThrow());
        }
    }

    @Test
    void aStoreThatCannotAnswerRefusesTokens() throws Exception {
        int port = freePort(); // nothing listens there
        RedisOptions quick = RedisOptions.defaults().withConnectTimeout(Duration.ofMillis(200))
                .withCommandTimeout(Duration.ofMillis(200));
        try (ReplayStore down = ReplayStore.redis("redis://127.0.0.1:" + port + "/0", quick);
                Identity alice = Identity.generate("alice.service");
                Endpoint a = new Endpoint(alice);
                Endpoint b = Endpoint.builder(alice).replayStore(down).build();
                Key key = Key.generate("HS256");
                Validation v = Validation.builder("HS256").replayStore(down).build()) {
            HxJwtException ping = fails(ErrorKind.STORE_UNAVAILABLE, down::ping);
            assertTrue(ping.getMessage().startsWith("StoreUnavailable: "), ping.getMessage());
            String token = a.createFor(alice.machineToken(), "x", TTL);
            fails(ErrorKind.STORE_UNAVAILABLE, () -> b.validateFrom(token, alice.machineToken()));
            fails(ErrorKind.STORE_UNAVAILABLE, () -> Jwt.verify(
                    Jwt.sign("{\"jti\":\"1\",\"exp\":4000000000}", key, "HS256"), key, v));
        }
        HxJwtException bad = fails(ErrorKind.INVALID_ARGUMENT,
                () -> ReplayStore.redis("http://user:s3cr3t-pw@127.0.0.1/"));
        assertFalse(bad.getMessage().contains("s3cr3t-pw"), "no password in a message");
        fails(ErrorKind.INVALID_ARGUMENT, () -> ReplayStore.redis("redis://h/\0"));
        assertThrows(NullPointerException.class, () -> ReplayStore.redis(null));
        assertThrows(NullPointerException.class, () -> ReplayStore.redis("redis://h", null));
        assertThrows(IllegalArgumentException.class,
                () -> RedisOptions.defaults().withCommandTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> RedisOptions.defaults().withMaxConnections(0));
    }

    @Test
    void aRedisStoreAcrossEndpointsUntilTheServerStops() throws Exception {
        int port = freePort();
        Process redis = new ProcessBuilder("redis-server", "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
                .redirectErrorStream(true).redirectOutput(new File("/dev/null")).start();
        try (Identity alice = Identity.generate("alice.service");
                Identity bob = Identity.generate("bob.service");
                Endpoint a = new Endpoint(alice);
                ReplayStore s1 = ReplayStore.redis("redis://127.0.0.1:" + port + "/0",
                        RedisOptions.defaults().withKeyPrefix("java-test:"));
                ReplayStore s2 = ReplayStore.redis("redis://127.0.0.1:" + port + "/0",
                        RedisOptions.defaults().withKeyPrefix("java-test:")
                                .withMaxConnections(2));
                Endpoint b1 = Endpoint.builder(bob).replayStore(s1).build();
                Endpoint b2 = Endpoint.builder(bob).replayStore(s2).build()) {
            // Wait for the server to accept connections (a guard against hanging, not a timing check).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (;;) {
                try {
                    s1.ping();
                    break;
                } catch (HxJwtException e) {
                    assertEquals(ErrorKind.STORE_UNAVAILABLE, e.kind(), e.getMessage());
                    assertTrue(redis.isAlive() && System.nanoTime() < deadline,
                            "redis-server did not start: " + e.getMessage());
                    Thread.sleep(50);
                }
            }
            // Two stores on one server: as two processes of a fleet.
            for (int i = 0; i < 20; i++) {
                String token = a.createFor(bob.machineToken(), "n" + i, TTL);
                Endpoint first = i % 2 == 0 ? b1 : b2;
                Endpoint second = i % 2 == 0 ? b2 : b1;
                assertEquals("n" + i, first.validateFrom(token, alice.machineToken()).text());
                fails(ErrorKind.REPLAYED, () -> second.validateFrom(token, alice.machineToken()));
            }
            redis.destroy();
            assertTrue(redis.waitFor(30, TimeUnit.SECONDS));
            String after = a.createFor(bob.machineToken(), "after", TTL);
            fails(ErrorKind.STORE_UNAVAILABLE, () -> b1.validateFrom(after, alice.machineToken()));
            fails(ErrorKind.STORE_UNAVAILABLE, s2::ping);
        } finally {
            redis.destroyForcibly();
            redis.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
