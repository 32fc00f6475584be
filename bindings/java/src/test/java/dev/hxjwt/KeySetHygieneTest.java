package dev.hxjwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 3 ("Keys") through the Java face: a JWK Set mixing HMAC secrets with asymmetric
 * keys is refused unless {@link KeySetOptions#withAllowMixed(boolean)}; two different keys with
 * one kid are refused naming it; every skipped key is listed by {@link KeySet#skipped()}. Also
 * item 2 at configuration time: an empty audience or issuer is refused by
 * {@link Validation.Builder#build()}.
 */
class KeySetHygieneTest {
    static String ed(String kid) {
        return "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"" + kid
                + "\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";
    }

    static String hs(String kid) {
        return "{\"kty\":\"oct\",\"kid\":\"" + kid
                + "\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA\"}";
    }

    static final String MIXED = "{\"keys\":[" + ed("ed") + "," + hs("hs") + "]}";

    @Test
    void aMixedSetIsRefusedUnlessAllowed() {
        for (KeySetOptions o : new KeySetOptions[] {null, KeySetOptions.defaults(),
            KeySetOptions.defaults().withAllowMixed(true).withAllowMixed(false)}) {
            HxJwtException e = ApiTest.fails(ErrorKind.INVALID_KEY,
                    () -> (o == null ? KeySet.fromJwks(MIXED) : KeySet.fromJwks(MIXED, o)).close());
            assertTrue(e.getMessage().contains(
                    "keys[1] is an HMAC secret and keys[0] an asymmetric key"), e.getMessage());
        }
        KeySetOptions allow = KeySetOptions.defaults().withAllowMixed(true);
        assertTrue(allow.allowMixed());
        assertFalse(KeySetOptions.defaults().allowMixed());
        assertEquals(allow, KeySetOptions.defaults().withAllowMixed(true));
        try (KeySet set = KeySet.fromJwks(MIXED, allow);
                Key secret = Key.fromJwk(hs("hs"));
                Validation v = Validation.builder("HS256").build()) {
            assertEquals(2, set.size());
            assertEquals(List.of(), set.skipped());
            String claims = "{\"sub\":\"a\",\"exp\":4000000000}";
            String token = Jwt.sign(claims, secret, "HS256", "{\"kid\":\"hs\"}");
            assertEquals(claims, Jwt.verify(token, set, v));
        }
        // Only secrets, or only public keys: no option needed.
        KeySet.fromJwks("{\"keys\":[" + hs("a") + "]}").close();
        KeySet.fromJwks("{\"keys\":[" + ed("a") + "]}").close();
        assertThrows(NullPointerException.class, () -> KeySet.fromJwks(MIXED, null));
    }

    @Test
    void twoDifferentKeysWithOneKidAreRefusedNamingIt() {
        try (Key a = Key.generate("EdDSA");
                Key b = Key.generate("EdDSA");
                Key namedA = a.withKid("dup");
                Key namedB = b.withKid("dup")) {
            String jwkA = namedA.toPublicJwk();
            String jwkB = namedB.toPublicJwk();
            String doc = "{\"keys\":[" + jwkA + ",{\"kty\":\"EC\",\"crv\":\"P-256K\"}," + jwkB + "]}";
            for (KeySetOptions o : new KeySetOptions[] {KeySetOptions.defaults(),
                KeySetOptions.defaults().withAllowMixed(true)}) {
                HxJwtException e = ApiTest.fails(ErrorKind.INVALID_KEY,
                        () -> KeySet.fromJwks(doc, o).close());
                assertTrue(e.getMessage().contains(
                        "keys[0] and keys[2] are different keys with the same kid \"dup\""),
                        e.getMessage());
            }
            try (KeySet twice = KeySet.fromJwks("{\"keys\":[" + jwkA + "," + jwkA + "]}")) {
                assertEquals(2, twice.size());
            }
        }
    }

    @Test
    void everySkippedKeyIsListed() {
        String doc = "{\"keys\":["
                + "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"kid\":\"hx1\","
                + "\"x\":\"EU3wvSVXI4c0ZRTExhpx9aNxd9c0q7FRXnnxJtuCSEs\"},"
                + ed("ed") + ","
                + "{\"kty\":\"RSA\",\"use\":\"enc\",\"kid\":\"e1\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
                + "{\"kty\":\"PQC\"},"
                + "{\"kty\":\"oct\",\"kid\":\"a\\u0000b\",\"alg\":\"A128KW\",\"k\":\"AAAA\"}]}";
        try (KeySet set = KeySet.fromJwks(doc); Key extra = Key.generate("ES256")) {
            assertEquals(1, set.size());
            List<SkippedKey> skipped = set.skipped();
            assertEquals(4, skipped.size());
            assertEquals(List.of(0, 2, 3, 4), skipped.stream().map(SkippedKey::index).toList());
            assertEquals(List.of(Optional.of("hx1"), Optional.of("e1"), Optional.empty(),
                    Optional.of("a\\0b")), skipped.stream().map(SkippedKey::kid).toList());
            assertTrue(skipped.get(0).reason().contains("X25519"), skipped.get(0).reason());
            assertTrue(skipped.get(1).reason().contains("its use is \"enc\""));
            assertTrue(skipped.get(2).reason().contains("kty \"PQC\""));
            assertTrue(skipped.get(3).reason().contains("A128KW"));
            assertThrows(UnsupportedOperationException.class, () -> skipped.remove(0));
            assertEquals(skipped, set.skipped());
            assertTrue(skipped.get(1).toString().contains("kid=e1"));
            // Adding a key by hand keeps the list; a set built by hand lists nothing.
            set.add(extra);
            assertEquals(skipped, set.skipped());
            try (KeySet byHand = KeySet.of(extra)) {
                assertEquals(List.of(), byHand.skipped());
            }
        }
        KeySet closed = KeySet.fromJwks(doc);
        closed.close();
        assertThrows(IllegalStateException.class, closed::skipped);
    }

    @Test
    void aRemoteSetSaysItDoesNotListSkippedKeys() {
        try (KeySet remote = KeySet.fromUrl("https://issuer.example/jwks.json",
                RemoteOptions.defaults())) {
            HxJwtException e = ApiTest.fails(ErrorKind.INVALID_ARGUMENT, remote::skipped);
            assertTrue(e.getMessage().contains("remote key set"), e.getMessage());
        }
    }

    @Test
    void anEmptyAudienceOrIssuerIsRefusedWhenBuilt() {
        HxJwtException e = ApiTest.fails(ErrorKind.INVALID_ARGUMENT,
                () -> Validation.builder("HS256").audience("api", "").build().close());
        assertTrue(e.getMessage().contains("never a valid audience"), e.getMessage());
        e = ApiTest.fails(ErrorKind.INVALID_ARGUMENT,
                () -> Validation.builder("HS256").issuer("").build().close());
        assertTrue(e.getMessage().contains("never a valid issuer"), e.getMessage());
    }
}
