package dev.hxjwt;

import static dev.hxjwt.Vectors.list;
import static dev.hxjwt.Vectors.map;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * tests/vectors/jwe.json (format in tests/vectors/README.md, section jwe.json), as
 * tests/c/test_jwe.c checks it: every positive entry decrypts to its plaintext (and aad) with
 * its key, its allow-lists, allow_zip when present and the public half of its sender for
 * ECDH-1PU, compact or JSON by its serialization; every negative one fails with its kind. The
 * entries checked are counted: the count must equal the file's, so that a vector skipped
 * silently fails {@link #everyEntryWasChecked()} (JUnit runs it last: its name sorts after the
 * factories', and the class's methods run in that order).
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.MethodName.class)
class JweVectorsTest {
    static final Map<String, Object> FILE = Vectors.load("jwe.json");
    static final Map<String, Object> KEYS = map(FILE.get("keys"));
    static final String[] PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "k"};
    static final AtomicInteger POSITIVE_CHECKED = new AtomicInteger();
    static final AtomicInteger NEGATIVE_CHECKED = new AtomicInteger();

    static List<Map<String, Object>> entries(String which) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : list(FILE.get(which))) {
            out.add(map(o));
        }
        return out;
    }

    static String[] strings(Object o) {
        return list(o).stream().map(x -> (String) x).toArray(String[]::new);
    }

    static JweKey key(String name) {
        Object jwk = KEYS.get(name);
        assertTrue(jwk != null, "no key named " + name + " in the vectors");
        return JweKey.fromJwk(Json.write(jwk));
    }

    static JweOptions options(Map<String, Object> e) {
        JweOptions.Builder b = JweOptions.builder().algorithms(strings(e.get("algorithms")))
                .encryptions(strings(e.get("encryptions")));
        if (e.containsKey("allow_zip")) {
            b.allowZip(((Number) e.get("allow_zip")).longValue());
        }
        return b.build();
    }

    /** Decrypts an entry as the README says. */
    static JweDecrypted decrypt(Map<String, Object> e) {
        String token = (String) e.get("token");
        String serialization = (String) e.get("serialization");
        String senderName = (String) e.get("sender");
        try (JweKey k = key((String) e.get("key")); JweOptions o = options(e)) {
            JweKey sender = null;
            if (senderName != null) {
                try (JweKey s = key(senderName)) {
                    sender = s.toPublic();
                }
            }
            try {
                switch (serialization) {
                    case "json":
                        return Jwe.decryptJson(token, List.of(k),
                                sender == null ? List.of() : List.of(sender), o);
                    case "compact":
                        return sender == null ? Jwe.decrypt(token, k, o)
                                : Jwe.decrypt1pu(token, k, sender, o);
                    default:
                        throw new AssertionError("unknown serialization " + serialization);
                }
            } finally {
                if (sender != null) {
                    sender.close();
                }
            }
        }
    }

    @Test
    void theFileIsWhatTheReadmeDescribes() {
        assertTrue(entries("positive").size() >= 395, "positive entries");
        assertTrue(entries("negative").size() >= 22, "negative entries");
        for (Map<String, Object> e : entries("negative")) {
            ErrorKind.fromStableName((String) e.get("error")); // a kind this package knows
        }
    }

    @TestFactory
    Stream<DynamicTest> positive() {
        return entries("positive").stream().map(e -> dynamicTest((String) e.get("name"), () -> {
            try (JweDecrypted d = decrypt(e)) {
                assertArrayEquals(Vectors.b64url((String) e.get("plaintext_b64url")),
                        d.plaintext());
                assertTrue(List.of(strings(e.get("algorithms"))).contains(d.alg()), d.alg());
                assertTrue(List.of(strings(e.get("encryptions"))).contains(d.enc()), d.enc());
                assertEquals(d.alg(), d.header().get("alg"));
                assertEquals(Json.parse(d.headerJson()), d.header());
                if (e.containsKey("aad_b64url")) {
                    assertArrayEquals(Vectors.b64url((String) e.get("aad_b64url")),
                            d.aad().orElseThrow());
                } else if ("compact".equals(e.get("serialization"))) {
                    assertFalse(d.aad().isPresent());
                }
                if ("compact".equals(e.get("serialization"))) {
                    Map<String, Object> h = Json.object(Jwe.decodeHeader((String) e.get("token")));
                    assertEquals(h, d.header());
                }
            }
            POSITIVE_CHECKED.incrementAndGet();
        }));
    }

    @TestFactory
    Stream<DynamicTest> negative() {
        return entries("negative").stream().map(e -> dynamicTest((String) e.get("name"), () -> {
            ErrorKind expected = ErrorKind.fromStableName((String) e.get("error"));
            HxJwtException x = assertThrows(HxJwtException.class, () -> decrypt(e).close());
            assertEquals(expected, x.kind(), x.getMessage());
            assertEquals(expected.status(), x.status());
            assertTrue(x.getMessage().startsWith(expected.stableName() + ": "), x.getMessage());
            String text = x.getMessage() + x;
            for (Object jwk : KEYS.values()) {
                for (String member : PRIVATE_MEMBERS) {
                    Object secret = map(jwk).get(member);
                    if (secret instanceof String && ((String) secret).length() >= 16) {
                        assertFalse(text.contains((String) secret), "no private member");
                    }
                }
            }
            NEGATIVE_CHECKED.incrementAndGet();
        }));
    }

    /** Runs after the factories (method order by name): every entry was checked, once. */
    @Test
    void zzEveryEntryWasChecked() {
        int positive = entries("positive").size();
        int negative = entries("negative").size();
        assertTrue(positive > 0 && negative > 0);
        assertEquals(positive, POSITIVE_CHECKED.get(), "positive entries checked");
        assertEquals(negative, NEGATIVE_CHECKED.get(), "negative entries checked");
        System.out.println("JweVectorsTest: " + positive + " positive and " + negative
                + " negative entries of jwe.json checked");
    }

    @AfterAll
    static void countsAgain() {
        // A guard for a runner that ignores the method order: checked once more after all.
        assertEquals(entries("positive").size() + entries("negative").size(),
                POSITIVE_CHECKED.get() + NEGATIVE_CHECKED.get(), "every entry of jwe.json");
    }
}
