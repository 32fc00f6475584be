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
}
