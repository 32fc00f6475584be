package dev.hxjwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Hostile input to the JWE API: null (refused with NullPointerException before the library is
 * called), strings the library cannot be given (embedded NUL, unpaired surrogates:
 * INVALID_ARGUMENT), bytes that are not UTF-8, garbage, huge tokens, the wrong serialization,
 * empty allow-lists and unknown names always give a Java exception, never a crash.
 */
class JweHostileInputTest {
    static JweKey bob;
    static JweKey bobPub;
    static JweKey alice;
    static JweKey alicePub;
    static JweOptions o;
    static JweOptions o1pu;
    static Key es;
    static Validation v;
    static String token;
    static String token1pu;
    static String json;
    static final byte[] P = {1, 2, 3};

    @BeforeAll
    static void setUp() {
        bob = JweKey.generate("X25519");
        bobPub = bob.toPublic();
        alice = JweKey.generate("X25519");
        alicePub = alice.toPublic();
        o = JweOptions.builder().algorithms("ECDH-ES").encryptions("A256GCM").build();
        o1pu = JweOptions.builder().algorithms("ECDH-1PU").encryptions("A256GCM").build();
        es = Key.generate("ES256");
        v = Validation.builder("ES256").build();
        token = Jwe.encrypt(P, bobPub, "ECDH-ES", "A256GCM");
        token1pu = Jwe.encrypt1pu(P, bobPub, alice, "ECDH-1PU", "A256GCM", null);
        json = Jwe.encryptJson(P, List.of(new Jwe.Recipient(bobPub, "ECDH-ES")), "A256GCM");
    }

    @AfterAll
    static void tearDown() {
        for (NativeHandle h : new NativeHandle[] {bob, bobPub, alice, alicePub, o, o1pu, es, v}) {
            h.close();
        }
    }

    static <T> List<T> withNull(T first) {
        return Arrays.asList(first, null);
    }

    /** Every public JWE entry point with a null in each reference argument. */
    static Map<String, Executable> nullCalls() {
        Map<String, Executable> m = new LinkedHashMap<>();
        List<JweKey> keys = List.of(bob);
        List<Jwe.Recipient> rs = List.of(new Jwe.Recipient(bobPub, "ECDH-ES"));
        m.put("JweKey.fromJwk", () -> JweKey.fromJwk(null));
        m.put("JweKey.fromPem", () -> JweKey.fromPem(null));
        m.put("JweKey.fromSecret", () -> JweKey.fromSecret(null));
        m.put("JweKey.fromPassword(byte[])", () -> JweKey.fromPassword((byte[]) null));
        m.put("JweKey.fromPassword(char[])", () -> JweKey.fromPassword((char[]) null));
        m.put("JweKey.generate", () -> JweKey.generate(null));
        m.put("JweKey.withKid", () -> bob.withKid(null));
        m.put("JweOptions.algorithms(null array)",
                () -> JweOptions.builder().algorithms((String[]) null));
        m.put("JweOptions.algorithms(null element)",
                () -> JweOptions.builder().algorithms("dir", null));
        m.put("JweOptions.encryptions(null element)",
                () -> JweOptions.builder().encryptions((String) null));
        m.put("JweOptions.critical(null element)",
                () -> JweOptions.builder().critical("a", null));
        m.put("Jwe.Recipient(null key)", () -> new Jwe.Recipient(null, "dir"));
        m.put("Jwe.Recipient(null alg)", () -> new Jwe.Recipient(bob, null));
        m.put("encrypt(plaintext)", () -> Jwe.encrypt((byte[]) null, bobPub, "ECDH-ES", "A256GCM"));
        m.put("encrypt(text)", () -> Jwe.encrypt((String) null, bobPub, "ECDH-ES", "A256GCM"));
        m.put("encrypt(key)", () -> Jwe.encrypt(P, null, "ECDH-ES", "A256GCM"));
        m.put("encrypt(alg)", () -> Jwe.encrypt(P, bobPub, null, "A256GCM"));
        m.put("encrypt(enc)", () -> Jwe.encrypt(P, bobPub, "ECDH-ES", null));
        m.put("encrypt1pu(plaintext)",
                () -> Jwe.encrypt1pu(null, bobPub, alice, "ECDH-1PU", "A256GCM", null));
        m.put("encrypt1pu(recipient)",
                () -> Jwe.encrypt1pu(P, null, alice, "ECDH-1PU", "A256GCM", null));
        m.put("encrypt1pu(sender)",
                () -> Jwe.encrypt1pu(P, bobPub, null, "ECDH-1PU", "A256GCM", null));
        m.put("decrypt(token)", () -> Jwe.decrypt(null, bob, o));
        m.put("decrypt(key)", () -> Jwe.decrypt(token, (JweKey) null, o));
        m.put("decrypt(keys)", () -> Jwe.decrypt(token, (List<JweKey>) null, o));
        m.put("decrypt(key element)", () -> Jwe.decrypt(token, withNull(bob), o));
        m.put("decrypt(options)", () -> Jwe.decrypt(token, bob, null));
        m.put("decrypt1pu(sender)", () -> Jwe.decrypt1pu(token1pu, bob, (JweKey) null, o1pu));
        m.put("decrypt1pu(senders)", () -> Jwe.decrypt1pu(token1pu, keys, null, o1pu));
        m.put("decrypt1pu(sender element)",
                () -> Jwe.decrypt1pu(token1pu, keys, withNull(alicePub), o1pu));
        m.put("encryptJson(plaintext)", () -> Jwe.encryptJson(null, rs, "A256GCM"));
        m.put("encryptJson(recipients)", () -> Jwe.encryptJson(P, null, "A256GCM"));
        m.put("encryptJson(recipient element)",
                () -> Jwe.encryptJson(P, withNull(rs.get(0)), "A256GCM"));
        m.put("encryptJson(enc)", () -> Jwe.encryptJson(P, rs, null));
        m.put("decryptJson(token)", () -> Jwe.decryptJson(null, bob, o));
        m.put("decryptJson(key)", () -> Jwe.decryptJson(json, (JweKey) null, o));
        m.put("decryptJson(senders)", () -> Jwe.decryptJson(json, keys, null, o));
        m.put("decryptJson(options)", () -> Jwe.decryptJson(json, bob, null));
        m.put("encryptNested(claims)",
                () -> Jwe.encryptNested(null, es, "ES256", bobPub, "ECDH-ES", "A256GCM"));
        m.put("encryptNested(signing key)",
                () -> Jwe.encryptNested("{}", null, "ES256", bobPub, "ECDH-ES", "A256GCM"));
        m.put("encryptNested(encryption key)",
                () -> Jwe.encryptNested("{}", es, "ES256", null, "ECDH-ES", "A256GCM"));
        m.put("decryptNested(verifying key)",
                () -> Jwe.decryptNested(token, bob, o, (Key) null, v));
        m.put("decryptNested(key set)",
                () -> Jwe.decryptNested(token, keys, o, (KeySet) null, v));
        m.put("decryptNested(validation)", () -> Jwe.decryptNested(token, bob, o, es, null));
        m.put("decryptNested(options)", () -> Jwe.decryptNested(token, bob, null, es, v));
        m.put("decodeHeader", () -> Jwe.decodeHeader(null));
        return m;
    }

    @TestFactory
    Stream<DynamicTest> nullIsRefusedBeforeTheLibrary() {
        return nullCalls().entrySet().stream().map(e -> dynamicTest(e.getKey(),
                () -> assertThrows(NullPointerException.class, e.getValue())));
    }

    static void invalidArgument(Executable call) {
        HxJwtException e = assertThrows(HxJwtException.class, call);
        assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind(), e.getMessage());
    }

    @Test
    void stringsTheLibraryCannotBeGiven() {
        for (String bad : new String[] {"ECDH-ES\u0000", "\ud800", "a\udc00b"}) {
            invalidArgument(() -> Jwe.encrypt(P, bobPub, bad, "A256GCM"));
            invalidArgument(() -> Jwe.encrypt(P, bobPub, "ECDH-ES", bad));
            invalidArgument(() -> Jwe.encrypt(P, bobPub, "ECDH-ES", "A256GCM", "{\"x\":\"" + bad
                    + "\"}"));
            invalidArgument(() -> Jwe.decrypt(token + bad, bob, o));
            invalidArgument(() -> Jwe.decryptJson(bad, bob, o));
            invalidArgument(() -> Jwe.decodeHeader(bad));
            invalidArgument(() -> JweKey.fromJwk(bad));
            invalidArgument(() -> JweKey.fromPem(bad));
            invalidArgument(() -> JweKey.generate(bad));
            invalidArgument(() -> bob.withKid(bad));
            invalidArgument(() -> JweOptions.builder().algorithms(bad).encryptions("A256GCM")
                    .build());
            invalidArgument(() -> JweOptions.builder().algorithms("dir").encryptions("A256GCM")
                    .typ(bad).build());
            invalidArgument(() -> JweOptions.builder().algorithms("dir").encryptions("A256GCM")
                    .critical(bad).build());
            invalidArgument(() -> Jwe.encryptNested(bad, es, "ES256", bobPub, "ECDH-ES",
                    "A256GCM"));
        }
        // A NUL inside a token is refused, not cut short to the valid prefix.
        invalidArgument(() -> Jwe.decrypt(token + "\u0000garbage", bob, o));
    }

    @Test
    void bytesThatAreNotUtf8AreFineAsBytes() {
        byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28, 0};
        String t = Jwe.encrypt(notUtf8, bobPub, "ECDH-ES", "A256GCM");
        assertTrue(Arrays.equals(notUtf8, Jwe.decrypt(t, bob, o).plaintext()));
        try (JweKey pw = JweKey.fromPassword(notUtf8); JweKey secret = JweKey.fromSecret(
                Arrays.copyOf(notUtf8, 16))) {
            assertTrue(pw.isPrivate() && secret.isPrivate());
        }
        String withAad = Jwe.encryptJson(P, List.of(new Jwe.Recipient(bobPub, "ECDH-ES")),
                "A256GCM", null, notUtf8, true, null);
        assertTrue(Arrays.equals(notUtf8, Jwe.decryptJson(withAad, bob, o).aad().orElseThrow()));
    }

    static void refused(Executable call) {
        assertThrows(HxJwtException.class, call);
    }

    @Test
    void garbageTokens() {
        String[] garbage = {"", ".", "....", ".....", "a.b.c.d.e", "a.b.c", token + ".x",
            token.replace('.', ','), "eyJhbGciOiJub25lIn0.e30.", "{", "[]", "null", "{}",
            "{\"recipients\":5}", "{\"protected\":\"\",\"ciphertext\":\"\"}",
            "\ufeff" + token, " " + token, token + " ", "🙂.🙂.🙂.🙂.🙂"};
        for (String g : garbage) {
            refused(() -> Jwe.decrypt(g, bob, o));
            refused(() -> Jwe.decryptJson(g, bob, o));
            refused(() -> Jwe.decrypt1pu(g, bob, alicePub, o1pu));
            refused(() -> Jwe.decryptNested(g, bob, o, es, v));
        }
        HxJwtException e = assertThrows(HxJwtException.class, () -> Jwe.decodeHeader("....."));
        assertEquals(ErrorKind.MALFORMED, e.kind());
    }

    @Test
    void hugeTokens() {
        char[] big = new char[8 << 20];
        Arrays.fill(big, 'A');
        String huge = new String(big);
        String hugeCompact = huge + "." + huge + ".." + "..";
        for (String t : new String[] {huge, hugeCompact, token + huge}) {
            HxJwtException e = assertThrows(HxJwtException.class, () -> Jwe.decrypt(t, bob, o));
            assertEquals(ErrorKind.MALFORMED, e.kind(), e.getMessage());
            e = assertThrows(HxJwtException.class, () -> Jwe.decryptJson(t, bob, o));
            assertEquals(ErrorKind.MALFORMED, e.kind(), e.getMessage());
        }
        // A huge plaintext encrypts and then exceeds the default maximum token length.
        byte[] plaintext = new byte[1 << 20];
        String t = Jwe.encrypt(plaintext, bobPub, "ECDH-ES", "A256GCM");
        HxJwtException e = assertThrows(HxJwtException.class, () -> Jwe.decrypt(t, bob, o));
        assertEquals(ErrorKind.MALFORMED, e.kind());
        try (JweOptions large = JweOptions.builder().algorithms("ECDH-ES")
                .encryptions("A256GCM").maxTokenLength(t.length()).build()) {
            assertEquals(plaintext.length, Jwe.decrypt(t, bob, large).plaintext().length);
        }
        // A huge JWK, PEM and header.
        // (A JWK over 64 KiB, or a secret or password over 4 KiB, is refused at the door.)
        assertEquals(ErrorKind.INVALID_KEY, assertThrows(HxJwtException.class,
                () -> JweKey.fromJwk("{\"kty\":\"oct\",\"k\":\"" + huge + "\"}")).kind());
        String justOver = "{\"kty\":\"oct\",\"k\":\"" + "A".repeat(64 * 1024) + "\"}";
        assertEquals(ErrorKind.INVALID_KEY, assertThrows(HxJwtException.class,
                () -> JweKey.fromJwk(justOver)).kind());
        assertEquals(ErrorKind.INVALID_KEY, assertThrows(HxJwtException.class,
                () -> JweKey.fromSecret(new byte[4097])).kind());
        assertEquals(ErrorKind.INVALID_KEY, assertThrows(HxJwtException.class,
                () -> JweKey.fromPassword(new byte[4097])).kind());
        try (JweKey pw = JweKey.fromPassword(new byte[4096])) {
            assertEquals("oct", pw.kty());
        }
        refused(() -> JweKey.fromPem(huge));
        // (A protected header recipients would refuse, a huge member or kid, is refused when
        // encrypting.)
        assertEquals(ErrorKind.INVALID_ARGUMENT, assertThrows(HxJwtException.class,
                () -> Jwe.encrypt(P, bobPub, "ECDH-ES", "A256GCM", "{\"x\":\"" + huge
                        + "\"}")).kind());
        try (JweKey bigKid = bobPub.withKid("k".repeat(9 * 1024))) {
            assertEquals(ErrorKind.INVALID_ARGUMENT, assertThrows(HxJwtException.class,
                    () -> Jwe.encrypt(P, bigKid, "ECDH-ES", "A256GCM")).kind());
            assertEquals(ErrorKind.INVALID_ARGUMENT, assertThrows(HxJwtException.class,
                    () -> Jwe.encryptJson(P, List.of(new Jwe.Recipient(bigKid, "ECDH-ES")),
                            "A256GCM", null, null, false, null)).kind());
        }
    }

    /** The key accessors on keys from hostile JWKs: answers, never a crash. */
    @Test
    void keyAccessorsOnOddKeys() {
        String[] odd = {
            "{\"kty\":\"oct\",\"k\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"kid\":\"\\u0000é😀\"}",
            "{\"kty\":\"oct\",\"k\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"alg\":\"A128KW\","
                + "\"x-y\":[1,{}]}",
            bob.toPrivateJwk(), alicePub.toPublicJwk()};
        for (String j : odd) {
            JweKey loaded;
            try {
                loaded = JweKey.fromJwk(j);
            } catch (HxJwtException refusedKey) {
                assertEquals(ErrorKind.INVALID_KEY, refusedKey.kind(), j);
                continue;
            }
            try (JweKey k = loaded) {
                assertTrue(List.of("oct", "OKP").contains(k.kty()), k.kty());
                assertTrue(k.thumbprint().matches("[A-Za-z0-9_-]{43}"));
                k.curve().ifPresent(c -> assertEquals("X25519", c));
                k.algorithm().ifPresent(a -> assertEquals("A128KW", a));
                assertFalse(k.toString().contains("AAAAAAAAAAAAAAAA"), k.toString());
            }
        }
        // A kid that is not a thumbprint does not change the thumbprint.
        try (JweKey named = bobPub.withKid("\u00e9\ud83d\ude00 not a thumbprint")) {
            assertEquals(bob.thumbprint(), named.thumbprint());
            assertEquals(bob.kid().orElseThrow(), named.thumbprint());
        }
    }

    @Test
    void wrongShapesAndNames() {
        String[] badJwks = {"", "{", "[]", "null", "42", "{}", "{\"kty\":\"oct\"}",
            "{\"kty\":\"oct\",\"k\":5}", "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}",
            "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}",
            "{\"kty\":\"oct\",\"k\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"use\":\"sig\"}",
            "{\"kty\":\"oct\",\"k\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"alg\":\"HS256\"}"};
        for (String j : badJwks) {
            refused(() -> JweKey.fromJwk(j));
        }
        String[] badHeaders = {"", "[", "null", "[]", "\"x\"", "{\"alg\":\"dir\"}",
            "{\"enc\":\"A128GCM\"}", "{\"epk\":{}}", "{\"zip\":\"GZ\"}", "{\"p2c\":-1}",
            "{\"apu\":\"!!\"}", "{\"a\":1,\"a\":2}"};
        for (String h : badHeaders) {
            invalidArgument(() -> Jwe.encrypt(P, bobPub, "ECDH-ES", "A256GCM", h));
        }
        for (String[] names : new String[][] {{"ECDH-ES", "A256GCM"}, {"RSA1_5", "A256GCM"},
            {"", "A256GCM"}, {"ECDH-ES", ""}, {"dir", "A128CBC"}, {"HS256", "A256GCM"}}) {
            if (names[0].equals("ECDH-ES") && names[1].equals("A256GCM")) {
                continue;
            }
            HxJwtException e = assertThrows(HxJwtException.class,
                    () -> Jwe.encrypt(P, bobPub, names[0], names[1]));
            assertTrue(e.kind() == ErrorKind.UNSUPPORTED_ALGORITHM
                    || e.kind() == ErrorKind.INVALID_KEY
                    || e.kind() == ErrorKind.INVALID_ARGUMENT, e.getMessage());
            e = assertThrows(HxJwtException.class, () -> JweOptions.builder()
                    .algorithms(names[0]).encryptions(names[1]).build());
            assertEquals(ErrorKind.UNSUPPORTED_ALGORITHM, e.kind(), e.getMessage());
        }
        // Empty allow-lists: no default that trusts the header.
        invalidArgument(() -> JweOptions.builder().algorithms().encryptions("A256GCM").build());
        invalidArgument(() -> JweOptions.builder().algorithms("ECDH-ES").encryptions().build());
        // A key of the wrong kind for the call.
        refused(() -> Jwe.encrypt(P, bob, "RSA-OAEP", "A256GCM"));
        refused(() -> Jwe.decrypt(token, bobPub, o));
        // A JWS where a JWE is expected; a JWE where a JWS is expected.
        String jws = Jwt.sign("{\"exp\":4000000000}", es, "ES256");
        assertEquals(ErrorKind.MALFORMED,
                assertThrows(HxJwtException.class, () -> Jwe.decrypt(jws, bob, o)).kind());
        // Jwe.decodeHeader reads only a compact JWE: a JWS's header is refused.
        assertEquals(ErrorKind.MALFORMED,
                assertThrows(HxJwtException.class, () -> Jwe.decodeHeader(jws)).kind());
        refused(() -> Jwt.verify(token, es, v));
    }

    /** Random damage to valid tokens (fixed seed): always a Java exception, never a crash. */
    @Test
    void mutatedTokens() {
        Random r = new Random(42);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/{}\"";
        int refused = 0;
        List<String> sources = new ArrayList<>(List.of(token, json, token1pu));
        for (int i = 0; i < 1500; i++) {
            String src = sources.get(i % sources.size());
            StringBuilder b = new StringBuilder(src);
            int edits = 1 + r.nextInt(4);
            for (int k = 0; k < edits; k++) {
                int at = r.nextInt(b.length());
                switch (r.nextInt(3)) {
                    case 0 -> b.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
                    case 1 -> b.deleteCharAt(at);
                    default -> b.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                }
            }
            String t = b.toString();
            if (t.equals(src)) {
                continue;
            }
            try {
                if (src == json) {
                    Jwe.decryptJson(t, bob, o).close();
                } else if (src == token1pu) {
                    Jwe.decrypt1pu(t, bob, alicePub, o1pu).close();
                } else {
                    Jwe.decrypt(t, bob, o).close();
                }
            } catch (HxJwtException expected) {
                refused++;
                assertTrue(expected.kind() != ErrorKind.INTERNAL, expected.getMessage());
            }
        }
        // A few edits leave a token that still decrypts (a base64url padding bit, JSON
        // whitespace); nearly all are refused.
        assertTrue(refused > 1300, "refused " + refused);
        String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\"}".getBytes(StandardCharsets.UTF_8));
        refused(() -> Jwe.decrypt(b64 + "...." , bob, o));
    }
}
