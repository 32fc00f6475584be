package dev.hxjwt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interop program through the wrapper that mk/java.mk generates (HXJWT_JAVA_INTEROP), as
 * the matrix driver runs it: only HXJWT_LIB set. Its outputs are checked with this package's
 * API, and the other way round.
 */
class InteropTest {
    @TempDir
    static Path dir;
    static String program;

    @BeforeAll
    static void find() {
        program = System.getenv("HXJWT_JAVA_INTEROP");
        assertTrue(program != null && Files.isExecutable(Path.of(program)),
                "HXJWT_JAVA_INTEROP names the wrapper (make java-check sets it): " + program);
    }

    record Run(int status, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    static Run run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(program);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("HXJWT_LIB", HxJwt.libraryName());
        pb.redirectErrorStream(false);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out, err);
    }

    static String file(String name, byte[] content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content);
        return f.toString();
    }

    static String file(String name, String content) throws IOException {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void hx1BothWays() throws Exception {
        try (Identity alice = Identity.generate("alice.service");
                Identity bob = Identity.generate("bob.service");
                Endpoint a = new Endpoint(alice); Endpoint b = new Endpoint(bob)) {
            byte[] payload = {'{', '}', 0, (byte) 0xff, '\n'};
            String aliceJwk = file("alice.jwk", alice.toJwk() + "\n");
            String bobJwk = file("bob.jwk", bob.toJwk());
            String alicePub = file("alice.pub", alice.machineToken() + "\n");
            String bobPub = file("bob.pub", bob.machineToken());
            // The program creates; this package validates.
            Run created = run("hx1-create", aliceJwk, bobPub, file("payload", payload));
            assertEquals(0, created.status(), created.err());
            String token = created.text().trim();
            Message m = b.validateFrom(token, alice.machineToken());
            assertArrayEquals(payload, m.payload());
            assertEquals(300, m.expiresAt() - m.issuedAt());
            // This package creates; the program validates and prints the payload exactly.
            String tokenFile = file("token", a.createFor(bob.machineToken(), payload,
                    Duration.ofMinutes(5)) + "\n");
            Run validated = run("hx1-validate", bobJwk, alicePub, tokenFile);
            assertEquals(0, validated.status(), validated.err());
            assertArrayEquals(payload, validated.out());
            // Refused: exit 1 and "error: <Kind>: <message>".
            Run refused = run("hx1-validate", aliceJwk, alicePub, tokenFile);
            assertEquals(1, refused.status());
            assertTrue(refused.err().startsWith("error: WrongAudience: "), refused.err());
            assertEquals(0, refused.out().length);
            Run badSender = run("hx1-validate", bobJwk, bobPub, tokenFile);
            assertEquals(1, badSender.status());
            assertTrue(badSender.err().startsWith("error: IssuerMismatch: "), badSender.err());
        }
    }

    @Test
    void es256BothWays() throws Exception {
        try (Key key = Key.generate("ES256"); Key pub = key.toPublic();
                Validation v = Validation.builder("ES256").build()) {
            String claims = "{\"sub\":\"zoë\",\"exp\":4000000000}";
            String privateJwk = file("es.jwk", key.toPrivateJwk());
            String publicJwk = file("es.pub", key.toPublicJwk() + "\n");
            Run signed = run("es256-sign", privateJwk, file("claims.json", claims + "\n"));
            assertEquals(0, signed.status(), signed.err());
            assertEquals(claims, Jwt.verify(signed.text().trim(), pub, v));
            Run verified = run("es256-verify", publicJwk,
                    file("jws", Jwt.sign(claims, key, "ES256") + "\n"));
            assertEquals(0, verified.status(), verified.err());
            Map<String, Object> parsed = Json.object(verified.text());
            assertEquals("zoë", parsed.get("sub"));
            try (Key other = Key.generate("ES256")) {
                Run refused = run("es256-verify", publicJwk,
                        file("jws2", Jwt.sign(claims, other, "ES256")));
                assertEquals(1, refused.status());
                assertTrue(refused.err().startsWith("error: InvalidSignature: "), refused.err());
            }
            Run hs = run("es256-verify", publicJwk, file("jws3", "a.b.c"));
            assertEquals(1, hs.status());
            assertTrue(hs.err().startsWith("error: Malformed: "), hs.err());
        }
    }

    @Test
    void usageErrorsExit2() throws Exception {
        for (String[] args : new String[][] {{}, {"nope"}, {"es256-verify", "one"},
            {"hx1-create", "a", "b"}, {"es256-verify", "/nonexistent/jwk", "/nonexistent/t"}}) {
            Run r = run(args);
            assertEquals(2, r.status(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("error: "), r.err());
        }
    }

    /**
     * The JWE commands: the program encrypts exactly the payload's bytes for a public (or
     * oct) JWK, this package decrypts; this package encrypts, the program decrypts with only
     * that ALG and ENC accepted and prints the plaintext exactly.
     */
    @Test
    void jweBothWays() throws Exception {
        byte[] payload = {'{', '}', 0, (byte) 0xff, '\n', ' '};
        String payloadFile = file("jwe-payload", payload);
        String[][] cases = {{"X25519", "ECDH-ES", "A256GCM"},
            {"P-256", "ECDH-ES+A128KW", "A128CBC-HS256"}, {"oct-32", "dir", "A256GCM"},
            {"oct-16", "A128GCMKW", "A128GCM"}};
        for (String[] c : cases) {
            try (JweKey key = JweKey.generate(c[0]);
                    JweOptions o = JweOptions.builder().algorithms(c[1]).encryptions(c[2])
                            .build()) {
                boolean secret = c[0].startsWith("oct");
                String privateJwk = file(c[0] + ".jwk", key.toPrivateJwk() + "\n");
                String recipientJwk = secret ? privateJwk
                        : file(c[0] + ".pub", key.toPublicJwk() + "\n");
                // The program encrypts; this package decrypts.
                Run encrypted = run("jwe-encrypt", c[1], c[2], recipientJwk, payloadFile);
                assertEquals(0, encrypted.status(), encrypted.err());
                assertTrue(encrypted.text().endsWith("\n"));
                String token = encrypted.text().trim();
                try (JweDecrypted d = Jwe.decrypt(token, key, o)) {
                    assertArrayEquals(payload, d.plaintext());
                    assertEquals(c[1], d.alg());
                    assertEquals(c[2], d.enc());
                }
                // This package encrypts; the program decrypts and prints the bytes exactly.
                String tokenFile;
                if (secret) {
                    tokenFile = file("jwe-" + c[0], Jwe.encrypt(payload, key, c[1], c[2]) + "\n");
                } else {
                    try (JweKey pub = key.toPublic()) {
                        tokenFile = file("jwe-" + c[0], Jwe.encrypt(payload, pub, c[1], c[2])
                                + "\n");
                    }
                }
                Run decrypted = run("jwe-decrypt", c[1], c[2], privateJwk, tokenFile);
                assertEquals(0, decrypted.status(), decrypted.err());
                assertArrayEquals(payload, decrypted.out());
                // Only that ALG and that ENC are accepted.
                String otherEnc = c[2].equals("A256GCM") ? "A192GCM" : "A256GCM";
                Run refused = run("jwe-decrypt", c[1], otherEnc, privateJwk, tokenFile);
                assertEquals(1, refused.status());
                assertTrue(refused.err().startsWith("error: UnsupportedAlgorithm: "),
                        refused.err());
                assertEquals(0, refused.out().length);
            }
        }
        // The wrong key (another kid): KeyNotFound; RSA1_5: UnsupportedAlgorithm.
        try (JweKey a = JweKey.generate("oct-32"); JweKey b = JweKey.generate("oct-32")) {
            String tokenFile = file("jwe-wrong", Jwe.encrypt(payload, a, "A256KW", "A256GCM"));
            Run r = run("jwe-decrypt", "A256KW", "A256GCM", file("b.jwk", b.toPrivateJwk()),
                    tokenFile);
            assertEquals(1, r.status());
            assertTrue(r.err().startsWith("error: KeyNotFound: "), r.err());
            Run unsupported = run("jwe-encrypt", "RSA1_5", "A256GCM",
                    file("a.jwk", a.toPrivateJwk()), payloadFile);
            assertEquals(1, unsupported.status());
            assertTrue(unsupported.err().startsWith("error: UnsupportedAlgorithm: "),
                    unsupported.err());
        }
        for (String[] args : new String[][] {{"jwe-encrypt", "dir", "A256GCM", "x"},
            {"jwe-decrypt", "dir", "A256GCM", "x", "y", "z"},
            {"jwe-decrypt", "dir", "A256GCM", "/nonexistent/jwk", "/nonexistent/t"}}) {
            Run r = run(args);
            assertEquals(2, r.status(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("error: "), r.err());
        }
    }
}
