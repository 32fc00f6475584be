package dev.hxjwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 4 through the Java face: {@link RemoteOptions#withCaFile(String)},
 * {@link RemoteOptions#withHeader(String, String)} and
 * {@link RemoteOptions#withAllowMixedKeys(boolean)}, the fields appended to HxRemoteOptions. A
 * bad CA file or header is INVALID_ARGUMENT when the key set or directory is made; the headers
 * and the default User-Agent reach a loopback server (plain http: TLS itself is tested in the
 * core, core/tests/remote_tls.rs).
 */
class RemoteTlsTest {
    static final String URL = "https://keys.example.com/jwks.json";
    HttpServer server;
    String base;
    volatile String document = "{\"keys\":[]}";
    final List<Map<String, List<String>>> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            seen.add(Map.copyOf(exchange.getRequestHeaders()));
            byte[] b = document.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, b.length);
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
    void aBadCaFileIsAnInvalidArgumentNamingThePath(@TempDir Path dir) throws IOException {
        Path empty = dir.resolve("empty.pem");
        Files.writeString(empty, "no certificate here\n");
        for (String file : new String[] {dir.resolve("missing.pem").toString(),
            empty.toString()}) {
            RemoteOptions o = RemoteOptions.defaults().withCaFile(file);
            HxJwtException e = assertThrows(HxJwtException.class, () -> KeySet.fromUrl(URL, o));
            assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains(file), e.getMessage());
            assertEquals(ErrorKind.INVALID_ARGUMENT, assertThrows(HxJwtException.class,
                    () -> Directory.fromUrl(URL, o)).kind());
        }
        assertTrue(assertThrows(HxJwtException.class, () -> KeySet.fromUrl(URL,
                RemoteOptions.defaults().withCaFile(empty.toString()))).getMessage()
                .contains("no CERTIFICATE block"));
    }

    @Test
    void badHeadersAreInvalidArgumentsWithoutTheirValue() {
        String[][] bad = {{"Host", "evil.example"}, {"Bad Name", "v"},
            {"X-A", "s3cr3t\r\nHost: x"}, {"Transfer-Encoding", "chunked"}};
        for (String[] h : bad) {
            RemoteOptions o = RemoteOptions.defaults().withHeader(h[0], h[1]);
            HxJwtException e = assertThrows(HxJwtException.class, () -> KeySet.fromUrl(URL, o));
            assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("headers[0]"), e.getMessage());
            assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
        }
        RemoteOptions twice = RemoteOptions.defaults().withHeader("X-A", "1").withHeader("x-a", "2");
        assertTrue(assertThrows(HxJwtException.class, () -> KeySet.fromUrl(URL, twice))
                .getMessage().contains("given twice"));
        assertThrows(IllegalArgumentException.class,
                () -> RemoteOptions.defaults().withHeader("X:Y", "v"));
        assertThrows(IllegalArgumentException.class,
                () -> RemoteOptions.defaults().withHeader("", "v"));
        assertThrows(NullPointerException.class,
                () -> RemoteOptions.defaults().withHeader("X-A", null));
    }

    @Test
    void headersUserAgentAndMixedKeysReachAServedSet() {
        try (Key ed = Key.generate("EdDSA"); KeySet published = KeySet.of(ed);
                Validation v = Validation.builder("EdDSA").build()) {
            document = published.toPublicJwks();
            RemoteOptions o = RemoteOptions.defaults().withAllowHttp(true)
                    .withTimeout(Duration.ofSeconds(5)).withHeader("X-Api-Key", "k-123")
                    .withHeader("Authorization", "Bearer t0ken");
            String claims = "{\"exp\":4000000000}";
            try (KeySet remote = KeySet.fromUrl(base + "/jwks.json", o)) {
                assertEquals(claims, Jwt.verify(Jwt.sign(claims, ed, "EdDSA"), remote, v));
            }
            try (KeySet remote = KeySet.fromUrl(base + "/jwks.json",
                    o.withHeader("User-Agent", "billing/2.1"))) {
                assertEquals(1, remote.size());
            }
        }
        assertEquals(2, seen.size());
        assertEquals(List.of("hxjwt/" + HxJwt.libraryVersion()), seen.get(0).get("User-agent"));
        assertEquals(List.of("k-123"), seen.get(0).get("X-api-key"));
        assertEquals(List.of("Bearer t0ken"), seen.get(0).get("Authorization"));
        assertEquals(List.of("billing/2.1"), seen.get(1).get("User-agent"));

        // A set mixing an HMAC secret with a public key: refused unless allowed.
        document = "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"ed\","
                + "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"},{\"kty\":\"oct\","
                + "\"kid\":\"hs\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA\"}]}";
        RemoteOptions http = RemoteOptions.defaults().withAllowHttp(true)
                .withTimeout(Duration.ofSeconds(5));
        try (KeySet refused = KeySet.fromUrl(base + "/mixed.json", http)) {
            HxJwtException e = assertThrows(HxJwtException.class, refused::size);
            assertEquals(ErrorKind.RESOLVER_FAILED, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("HMAC secret"), e.getMessage());
        }
        try (KeySet mixed = KeySet.fromUrl(base + "/mixed.json", http.withAllowMixedKeys(true))) {
            assertEquals(2, mixed.size());
        }
    }
}
