package dev.hxjwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Directories and key sets fetched from a URL, against a JWK Set server on a loopback port that
 * the test starts and stops (the JDK's own HTTP server).
 */
class RemoteTest {
    HttpServer server;
    String base;
    final Map<String, String> documents = new ConcurrentHashMap<>();
    final AtomicInteger fetches = new AtomicInteger();
    static final RemoteOptions HTTP = RemoteOptions.defaults().withAllowHttp(true)
            .withTimeout(Duration.ofSeconds(5)).withRefreshCooldown(Duration.ofSeconds(1));

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            fetches.incrementAndGet();
            String body = documents.get(exchange.getRequestURI().getPath());
            byte[] b = (body == null ? "not found" : body).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(body == null ? 500 : 200, b.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(b);
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aDirectoryAtAUrl() {
        try (Identity alice = Identity.generate("alice.service");
                Identity bob = Identity.generate("bob.service");
                Directory local = Directory.of(alice.machineToken(), bob.machineToken())) {
            documents.put("/hx1.json", local.toJwks());
            try (Directory remote = Directory.fromUrl(base + "/hx1.json", HTTP);
                    Endpoint a = new Endpoint(alice, remote); Endpoint b = new Endpoint(bob, remote)) {
                assertEquals(0, fetches.get(), "nothing is fetched before the first lookup");
                String token = a.create("bob.service", "over http", Duration.ofMinutes(1));
                assertEquals("over http", b.validate(token).text());
                assertEquals(2, remote.size());
                assertEquals(local.toJwks(), remote.toJwks());
                assertEquals(ErrorKind.INVALID_ARGUMENT, assertThrows(HxJwtException.class,
                        () -> remote.add(alice.machineToken())).kind(), "read-only");
            }
        }
    }

    @Test
    void aKeySetAtAUrl() {
        try (Key key = Key.generate("ES256"); KeySet published = KeySet.of(key);
                Validation v = Validation.builder("ES256").build()) {
            documents.put("/jwks.json", published.toPublicJwks());
            try (KeySet remote = KeySet.fromUrl(base + "/jwks.json", HTTP)) {
                String claims = "{\"exp\":4000000000}";
                assertEquals(claims, Jwt.verify(Jwt.sign(claims, key, "ES256"), remote, v));
                assertEquals(1, remote.size());
                try (Key other = Key.generate("ES256")) {
                    assertEquals(ErrorKind.KEY_NOT_FOUND, assertThrows(HxJwtException.class,
                            () -> Jwt.verify(Jwt.sign(claims, other, "ES256"), remote, v)).kind());
                }
            }
        }
    }

    @Test
    void failuresAreResolverFailedOrInvalidArguments() {
        try (Directory broken = Directory.fromUrl(base + "/missing.json", HTTP);
                Identity bob = Identity.generate("bob.service");
                Endpoint b = new Endpoint(bob, broken)) {
            HxJwtException e = assertThrows(HxJwtException.class,
                    () -> b.create("alice.service", "x", Duration.ofMinutes(1)));
            assertEquals(ErrorKind.RESOLVER_FAILED, e.kind(), e.getMessage());
            assertTrue(e.getMessage().length() > "ResolverFailed: ".length());
        }
        for (String url : new String[] {base + "/x", "https://", "ftp://example.com/x",
            "https://exa mple.com/", "https://example.com/" + "a".repeat(3000)}) {
            HxJwtException e = assertThrows(HxJwtException.class,
                    () -> Directory.fromUrl(url, RemoteOptions.defaults()), url);
            assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind(), e.getMessage());
            assertEquals(ErrorKind.INVALID_ARGUMENT, assertThrows(HxJwtException.class,
                    () -> KeySet.fromUrl(url, RemoteOptions.defaults())).kind());
        }
        assertThrows(IllegalArgumentException.class,
                () -> RemoteOptions.defaults().withTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> RemoteOptions.defaults().withMaxStale(Duration.ofMillis(1500)));
        assertThrows(IllegalArgumentException.class,
                () -> RemoteOptions.defaults().withMaxResponseBytes(0));
        assertThrows(NullPointerException.class, () -> Directory.fromUrl(null, HTTP));
        assertThrows(NullPointerException.class, () -> KeySet.fromUrl(base, null));
    }

    @Test
    void anOversizedSetIsRefused() {
        try (Identity alice = Identity.generate("alice.service");
                Directory local = Directory.of(alice.machineToken())) {
            documents.put("/big.json", local.toJwks() + " ".repeat(4096));
            try (Directory remote = Directory.fromUrl(base + "/big.json",
                    HTTP.withMaxResponseBytes(1024))) {
                assertEquals(ErrorKind.RESOLVER_FAILED,
                        assertThrows(HxJwtException.class, remote::size).kind());
            }
        }
    }
}
