package dev.hxjwt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Input from outside may be hostile: null, strings the C library cannot be given (embedded NUL,
 * unpaired surrogates), garbage and huge inputs always give a Java exception, never a crash, and
 * null is refused before the library is called.
 */
class HostileInputTest {
    static final Duration TTL = Duration.ofMinutes(5);
    static final CreateOptions ONE_PU = CreateOptions.ttl(TTL).withProtocol(Protocol.ECDH_1PU);
    static Identity alice;
    static Identity bob;
    static Directory fleet;
    static Endpoint a;
    static Endpoint b;
    static Key hmac;
    static Key es;
    static KeySet set;
    static Validation v;
    static String token;
    static String jws;

    @BeforeAll
    static void setUp() {
        alice = Identity.generate("alice.service");
        bob = Identity.generate("bob.service");
        fleet = Directory.of(alice.machineToken(), bob.machineToken());
        a = new Endpoint(alice, fleet);
        b = new Endpoint(bob, fleet);
        hmac = Key.generate("HS256");
        es = Key.generate("ES256");
        set = KeySet.of(es);
        v = Validation.builder("HS256", "ES256").build();
        token = a.create("bob.service", "hello", TTL);
        jws = Jwt.sign("{\"exp\":4000000000}", hmac, "HS256");
    }

    @AfterAll
    static void tearDown() {
        for (NativeHandle h : new NativeHandle[] {a, b, fleet, alice, bob, hmac, es, set, v}) {
            h.close();
        }
    }

    /** Every public entry point with a null in each reference argument. */
    static Map<String, Executable> nullCalls() {
        Map<String, Executable> m = new LinkedHashMap<>();
        String mt = alice.machineToken();
        m.put("Identity.generate", () -> Identity.generate(null));
        m.put("Identity.fromJwk", () -> Identity.fromJwk(null));
        m.put("Directory.of(null array)", () -> Directory.of((String[]) null));
        m.put("Directory.of(null element)", () -> Directory.of(mt, null));
        m.put("Directory.fromJwks", () -> Directory.fromJwks(null));
        m.put("Directory.fromResolver", () -> Directory.fromResolver(null));
        m.put("Directory.add", () -> fleet.add(null));
        m.put("Directory.rotateIn", () -> fleet.rotateIn(null));
        m.put("Directory.retire", () -> fleet.retire(null));
        m.put("new Endpoint(null)", () -> new Endpoint(null));
        m.put("new Endpoint(null, dir)", () -> new Endpoint(null, fleet));
        m.put("Endpoint.builder", () -> Endpoint.builder(null));
        m.put("Builder.leeway", () -> Endpoint.builder(alice).leeway(null));
        m.put("Builder.maxLifetime", () -> Endpoint.builder(alice).maxLifetime(null));
        m.put("Builder.audiences", () -> Endpoint.builder(alice).audiences((String) null));
        m.put("create(to)", () -> a.create(null, "x", TTL));
        m.put("create(payload bytes)", () -> a.create("bob.service", (byte[]) null, TTL));
        m.put("create(payload string)", () -> a.create("bob.service", (String) null, TTL));
        m.put("create(ttl)", () -> a.create("bob.service", "x", (Duration) null));
        m.put("create(options)", () -> a.create("bob.service", new byte[0], (CreateOptions) null));
        m.put("createFor(token)", () -> a.createFor(null, "x", TTL));
        m.put("createFor(payload)", () -> a.createFor(mt, (byte[]) null, TTL));
        m.put("createFor(ttl)", () -> a.createFor(mt, "x", (Duration) null));
        m.put("validate", () -> b.validate(null));
        m.put("validateFrom(token)", () -> b.validateFrom(null, mt));
        m.put("validateFrom(sender)", () -> b.validateFrom(token, null));
        m.put("setLeeway", () -> b.setLeeway(null));
        m.put("setMaxLifetime", () -> b.setMaxLifetime(null));
        m.put("addAudience", () -> b.addAudience(null));
        m.put("addPreviousIdentity", () -> b.addPreviousIdentity(null));
        m.put("rotateIdentity", () -> b.rotateIdentity(null));
        m.put("CreateOptions.ttl", () -> CreateOptions.ttl(null));
        m.put("CreateOptions.withJti", () -> CreateOptions.ttl(TTL).withJti(null));
        m.put("CreateOptions.withContentType", () -> CreateOptions.ttl(TTL).withContentType(null));
        m.put("CreateOptions.withProtocol", () -> CreateOptions.ttl(TTL).withProtocol(null));
        m.put("Protocol.fromWireName", () -> Protocol.fromWireName(null));
        m.put("create(1PU, to)", () -> a.create(null, new byte[0], ONE_PU));
        m.put("create(1PU, payload)", () -> a.create("bob.service", null, ONE_PU));
        m.put("createFor(1PU, token)", () -> a.createFor(null, new byte[0], ONE_PU));
        m.put("createFor(1PU, payload)", () -> a.createFor(mt, null, ONE_PU));
        m.put("Key.fromJwk", () -> Key.fromJwk(null));
        m.put("Key.fromPem", () -> Key.fromPem(null));
        m.put("Key.fromDer", () -> Key.fromDer(null));
        m.put("Key.fromSecret", () -> Key.fromSecret(null));
        m.put("Key.generate", () -> Key.generate(null));
        m.put("Key.withKid", () -> hmac.withKid(null));
        m.put("KeySet.of(null array)", () -> KeySet.of((Key[]) null));
        m.put("KeySet.of(null element)", () -> KeySet.of(es, null));
        m.put("KeySet.fromJwks", () -> KeySet.fromJwks(null));
        m.put("KeySet.add", () -> set.add(null));
        m.put("Validation.builder(null array)", () -> Validation.builder((String[]) null));
        m.put("Validation.builder(null element)", () -> Validation.builder("HS256", null));
        m.put("Validation.audience", () -> Validation.builder("HS256").audience((String) null));
        m.put("Validation.issuer", () -> Validation.builder("HS256").issuer((String) null));
        m.put("Validation.requiredClaims", () -> Validation.builder("HS256").requiredClaims((String) null));
        m.put("Validation.leeway", () -> Validation.builder("HS256").leeway(null));
        m.put("Validation.maxAge", () -> Validation.builder("HS256").maxAge(null));
        m.put("Jwt.sign(claims)", () -> Jwt.sign(null, hmac, "HS256"));
        m.put("Jwt.sign(key)", () -> Jwt.sign("{}", null, "HS256"));
        m.put("Jwt.sign(alg)", () -> Jwt.sign("{}", hmac, null));
        m.put("Jwt.verify(token)", () -> Jwt.verify(null, hmac, v));
        m.put("Jwt.verify(key)", () -> Jwt.verify(jws, (Key) null, v));
        m.put("Jwt.verify(keyset)", () -> Jwt.verify(jws, (KeySet) null, v));
        m.put("Jwt.verify(validation)", () -> Jwt.verify(jws, hmac, null));
        m.put("Jwt.decodeHeader", () -> Jwt.decodeHeader(null));
        m.put("ErrorKind.fromStableName", () -> ErrorKind.fromStableName(null));
        return m;
    }

    @TestFactory
    Stream<DynamicTest> nullIsANullPointerException() {
        return nullCalls().entrySet().stream().map(e -> dynamicTest(e.getKey(),
                () -> assertThrows(NullPointerException.class, e.getValue())));
    }

    /** Strings that cannot be passed to C as they are. */
    static final Map<String, String> UNREPRESENTABLE = Map.of(
            "embedded NUL", "abc\0def",
            "leading NUL", "\0",
            "lone high surrogate", "abc\uD83D",
            "lone low surrogate", "\uDE00abc",
            "reversed pair", "\uDE00\uD83D",
            "high then ASCII", "\uD83Dx");

    static void invalidArgument(Executable call) {
        HxJwtException e = assertThrows(HxJwtException.class, call);
        assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().startsWith("InvalidArgument: "), e.getMessage());
    }

    @TestFactory
    Stream<DynamicTest> unrepresentableStringsAreInvalidArguments() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, String> e : UNREPRESENTABLE.entrySet()) {
            String s = e.getValue();
            Map<String, Executable> calls = new LinkedHashMap<>();
            calls.put("validate", () -> b.validate(s));
            calls.put("validate (token + it)", () -> b.validate(token + s));
            calls.put("validateFrom", () -> b.validateFrom(token, s));
            calls.put("create(to)", () -> a.create(s, "x", TTL));
            calls.put("Identity.generate", () -> Identity.generate(s));
            calls.put("Identity.fromJwk", () -> Identity.fromJwk(s));
            calls.put("Directory.add", () -> fleet.add(s));
            calls.put("Key.fromJwk", () -> Key.fromJwk(s));
            calls.put("Key.fromPem", () -> Key.fromPem(s));
            calls.put("Jwt.verify", () -> Jwt.verify(jws + s, hmac, v));
            calls.put("Jwt.sign(claims)", () -> Jwt.sign("{\"a\":\"" + s + "\"}", hmac, "HS256"));
            calls.put("Jwt.sign(header)", () -> Jwt.sign("{}", hmac, "HS256", s));
            calls.put("Jwt.decodeHeader", () -> Jwt.decodeHeader(s));
            calls.put("Validation.builder", () -> Validation.builder(s).build());
            calls.put("Validation.audience", () -> Validation.builder("HS256").audience(s).build());
            calls.put("jti", () -> a.create("bob.service", new byte[0],
                    CreateOptions.ttl(TTL).withJti(s)));
            calls.put("create(1PU, to)", () -> a.create(s, new byte[0], ONE_PU));
            calls.put("createFor(1PU)", () -> a.createFor(s, new byte[0], ONE_PU));
            calls.put("jti (1PU)", () -> a.create("bob.service", new byte[0], ONE_PU.withJti(s)));
            calls.put("cty (1PU)", () -> a.create("bob.service", new byte[0],
                    ONE_PU.withContentType(s)));
            for (Map.Entry<String, Executable> c : calls.entrySet()) {
                tests.add(dynamicTest(c.getKey() + " with " + e.getKey(),
                        () -> invalidArgument(c.getValue())));
            }
        }
        return tests.stream();
    }

    @Test
    void stringPayloadsKeepNulAndSurrogatePairsButRefuseLoneSurrogates() {
        String text = "a\0b 😀 é \u0000";
        String t = a.create("bob.service", text, TTL);
        assertEquals(text, b.validate(t).text());
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), b.validate(t).payload());
        invalidArgument(() -> a.create("bob.service", "x\uD800", TTL));
        invalidArgument(() -> a.createFor(alice.machineToken(), "\uDC00", TTL));
    }

    @Test
    void invalidUtf8PayloadBytesAreBinaryPayloads() {
        byte[] payload = {(byte) 0xc3, (byte) 0x28, (byte) 0xff, (byte) 0xfe, 0, (byte) 0xed,
            (byte) 0xa0, (byte) 0x80};
        Message m = b.validate(a.create("bob.service", payload, TTL));
        assertArrayEquals(payload, m.payload());
        assertThrows(IllegalStateException.class, m::text);
    }

    @Test
    void garbageTokens() {
        for (String junk : new String[] {"", ".", "..", "...", "a.b.c", "a.b.c.d",
            "eyJ9.eyJ9.eyJ9", "é.é.é", "😀", " " + token, token + " ", token + "\n",
            token.replace('.', ','), token.substring(0, token.length() / 2)}) {
            HxJwtException e = assertThrows(HxJwtException.class, () -> b.validate(junk), junk);
            assertTrue(e.kind() == ErrorKind.MALFORMED || e.kind() == ErrorKind.INVALID_SIGNATURE,
                    junk + ": " + e.getMessage());
            HxJwtException j = assertThrows(HxJwtException.class, () -> Jwt.verify(junk, hmac, v));
            assertTrue(j.kind() == ErrorKind.MALFORMED || j.kind() == ErrorKind.INVALID_SIGNATURE,
                    junk + ": " + j.getMessage());
        }
        for (String junk : new String[] {"", "{", "[]", "null", "{\"kty\":1}", "\"x\"",
            "{\"keys\":7}", "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"!!\"}"}) {
            assertThrows(HxJwtException.class, () -> Identity.fromJwk(junk), junk);
            assertThrows(HxJwtException.class, () -> Key.fromJwk(junk), junk);
            assertThrows(HxJwtException.class, () -> Directory.fromJwks(junk), junk);
            assertThrows(HxJwtException.class, () -> KeySet.fromJwks(junk), junk);
            assertThrows(HxJwtException.class, () -> fleet.add(junk), junk);
            assertThrows(HxJwtException.class, () -> b.validateFrom(token, junk), junk);
            assertThrows(HxJwtException.class, () -> a.createFor(junk, "x", TTL), junk);
        }
    }

    @Test
    void hugeInputs() {
        String huge = "a".repeat(8 << 20) + "." + "b".repeat(1 << 20) + ".c";
        assertEquals(ErrorKind.MALFORMED,
                assertThrows(HxJwtException.class, () -> b.validate(huge)).kind());
        assertEquals(ErrorKind.MALFORMED,
                assertThrows(HxJwtException.class, () -> Jwt.verify(huge, hmac, v)).kind());
        assertThrows(HxJwtException.class, () -> Jwt.decodeHeader(huge));
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThrows(HxJwtException.class, () -> Key.fromJwk(deep));
        assertThrows(HxJwtException.class, () -> Directory.fromJwks(deep));
        assertThrows(HxJwtException.class, () -> KeySet.fromJwks("{\"keys\":" + deep + "}"));
        assertThrows(HxJwtException.class, () -> Jwt.sign("{\"a\":" + deep + "}", hmac, "HS256"));
        String bigPem = "-----BEGIN PRIVATE KEY-----\n" + "QUFB\n".repeat(4 << 20)
                + "-----END PRIVATE KEY-----\n";
        assertEquals(ErrorKind.INVALID_KEY,
                assertThrows(HxJwtException.class, () -> Key.fromPem(bigPem)).kind());
        assertEquals(ErrorKind.INVALID_KEY,
                assertThrows(HxJwtException.class, () -> Key.fromDer(new byte[16 << 20])).kind());
        // A 1 MiB payload would make a token over the default limit, which its recipient refuses:
        // it is not made. With the limit raised on both sides, it goes through.
        byte[] payload = new byte[1 << 20];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        assertEquals(ErrorKind.INVALID_ARGUMENT,
                assertThrows(HxJwtException.class, () -> a.create("bob.service", payload, TTL)).kind());
        try (Endpoint roomySender = Endpoint.builder(alice).directory(fleet).maxTokenLength(4 << 20).build();
                Endpoint roomy = Endpoint.builder(bob).directory(fleet).maxTokenLength(4 << 20).build()) {
            String big = roomySender.create("bob.service", payload, TTL);
            assertEquals(ErrorKind.MALFORMED,
                    assertThrows(HxJwtException.class, () -> b.validate(big)).kind());
            assertArrayEquals(payload, roomy.validate(big).payload());
        }
        // Names and ids over their limits.
        invalidArgument(() -> Identity.generate("n".repeat(1 << 20)));
        invalidArgument(() -> a.create("bob.service", new byte[0],
                CreateOptions.ttl(TTL).withJti("j".repeat(129))));
        // The ECDH-1PU mode: the same limits.
        String big1pu = a.create("bob.service", payload, ONE_PU);
        assertEquals(5, big1pu.split("\\.", -1).length);
        assertEquals(ErrorKind.MALFORMED,
                assertThrows(HxJwtException.class, () -> b.validate(big1pu)).kind());
        try (Endpoint roomy = Endpoint.builder(bob).directory(fleet).maxTokenLength(4 << 20)
                .build()) {
            Message m = roomy.validate(big1pu);
            assertArrayEquals(payload, m.payload());
            assertEquals(Protocol.ECDH_1PU, m.protocol());
        }
        invalidArgument(() -> a.create("bob.service", new byte[0],
                ONE_PU.withJti("j".repeat(129))));
        invalidArgument(() -> a.create("bob.service", new byte[0],
                ONE_PU.withContentType("c".repeat(1 << 20))));
        assertEquals(assertThrows(HxJwtException.class,
                () -> a.create("n".repeat(1 << 20), new byte[0], TTL)).kind(),
                assertThrows(HxJwtException.class,
                        () -> a.create("n".repeat(1 << 20), new byte[0], ONE_PU)).kind());
        assertThrows(HxJwtException.class, () -> a.createFor("{\"kty\":\"OKP\",\"x\":\""
                + "A".repeat(8 << 20) + "\"}", new byte[0], ONE_PU));
        invalidArgument(() -> a.create("bob.service", new byte[0],
                CreateOptions.ttl(Duration.ofSeconds(Long.MAX_VALUE))
                        .withProtocol(Protocol.ECDH_1PU)));
    }

    /** Garbage in the shape of the ECDH-1PU mode's tokens, and damaged ones. */
    @Test
    void garbageEcdh1puTokens() {
        String good = a.create("bob.service", new byte[] {'x'}, ONE_PU);
        assertEquals("x", b.validate(good).text());
        String[] parts = good.split("\\.", -1);
        List<String> junk = new ArrayList<>(List.of("a.b.c.d.e", "....", ".....",
                "eyJ9.eyJ9.eyJ9.eyJ9.eyJ9", good + ".", good + ".x", "." + good, good + " ",
                good.substring(0, good.length() - 1), good.replace('.', ',')));
        for (int i = 0; i < parts.length; i++) {
            String[] p = parts.clone();
            p[i] = "";
            junk.add(String.join(".", p));
            p = parts.clone();
            p[i] = p[i].isEmpty() ? "AA" : (p[i].charAt(0) == 'A' ? "B" : "A") + p[i].substring(1);
            junk.add(String.join(".", p));
        }
        // Another sender's 1PU header on bob's token, and another alg.
        String alg = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\"}".getBytes(StandardCharsets.UTF_8));
        junk.add(alg + good.substring(good.indexOf('.')));
        junk.remove(good); // (blanking the empty encrypted-key segment changes nothing)
        for (String j : junk) {
            HxJwtException e = assertThrows(HxJwtException.class, () -> b.validate(j), j);
            assertNotEquals(ErrorKind.INTERNAL, e.kind(), e.getMessage());
            e = assertThrows(HxJwtException.class, () -> b.validateFrom(j, alice.machineToken()));
            assertNotEquals(ErrorKind.INTERNAL, e.kind(), e.getMessage());
        }
        // Replayed against another endpoint, or a bad sender JWK: refused, never a crash.
        assertThrows(HxJwtException.class, () -> a.validate(good));
        for (String jwk : new String[] {"", "{", "{}", "{\"kty\":\"OKP\",\"crv\":\"X25519\"}"}) {
            assertThrows(HxJwtException.class, () -> b.validateFrom(good, jwk), jwk);
            assertThrows(HxJwtException.class, () -> a.createFor(jwk, new byte[] {1}, ONE_PU), jwk);
        }
    }

    @Test
    void durationsAndCountsAreCheckedBeforeTheCall() {
        assertThrows(IllegalArgumentException.class, () -> a.create("bob.service", "x",
                Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> a.create("bob.service", "x",
                Duration.ofMillis(2500)));
        assertThrows(IllegalArgumentException.class, () -> CreateOptions.ttl(Duration.ofNanos(1)));
        assertThrows(IllegalArgumentException.class, () -> b.setLeeway(Duration.ofSeconds(-5)));
        assertThrows(IllegalArgumentException.class, () -> b.setMaxTokenLength(-1));
        assertThrows(IllegalArgumentException.class,
                () -> Validation.builder("HS256").maxAge(Duration.ofSeconds(-1)));
        // Large but valid values reach the library.
        invalidArgument(() -> a.create("bob.service", "x", Duration.ofSeconds(Long.MAX_VALUE)));
        String t = a.create("bob.service", "x", Duration.ofSeconds(1L << 40));
        assertEquals("x", b.validate(t).text());
        b.setMaxTokenLength(Long.MAX_VALUE);
        b.setMaxTokenLength(65536);
    }

    @Test
    void errorMessagesAreNotChangedByOtherCallsOnTheThread() {
        HxJwtException e = assertThrows(HxJwtException.class, () -> b.validate("x"));
        b.validate(a.create("bob.service", "ok", TTL)); // a success clears the C message
        assertTrue(e.getMessage().startsWith("Malformed: "), e.getMessage());
        assertFalse(e.getMessage().isEmpty());
    }
}
