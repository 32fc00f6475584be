package dev.hxjwt;

import static dev.hxjwt.Vectors.list;
import static dev.hxjwt.Vectors.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * tests/vectors/jws.json (format in tests/vectors/README.md), as
 * tests/python/test_jws_vectors.py checks it: every valid entry verifies with its key's public
 * half (an oct key: the secret) and gives its claims; every invalid one fails with its kind.
 */
class JwsVectorsTest {
    static final Map<String, Object> FILE = Vectors.load("jws.json");
    static final Map<String, Object> KEYS = map(FILE.get("keys"));
    static final String[] PRIVATE_MEMBERS = {"d", "p", "q", "k"};

    static List<Map<String, Object>> entries(String which) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : list(FILE.get(which))) {
            out.add(map(o));
        }
        return out;
    }

    /** The verifying key of a key of the file: its public half, or the secret itself. */
    static Key verifier(String name) {
        Map<String, Object> jwk = map(KEYS.get(name));
        try (Key k = Key.fromJwk(Json.write(jwk))) {
            return "oct".equals(jwk.get("kty")) ? Key.fromJwk(Json.write(jwk)) : k.toPublic();
        }
    }

    static String[] strings(Object o) {
        return list(o).stream().map(x -> (String) x).toArray(String[]::new);
    }

    /** The validation of an entry's "validation" member, its clock at the entry's "now". */
    static Validation validation(Map<String, Object> entry) {
        Map<String, Object> v = map(entry.get("validation"));
        Validation.Builder b = Validation.builder(strings(v.get("algorithms")))
                .time(((Number) entry.get("now")).longValue());
        if (v.containsKey("leeway")) {
            b.leeway(Duration.ofSeconds(((Number) v.get("leeway")).longValue()));
        }
        if (v.containsKey("audience")) {
            b.audience(strings(v.get("audience")));
        }
        if (v.containsKey("issuer")) {
            b.issuer(strings(v.get("issuer")));
        }
        if (v.containsKey("subject")) {
            b.subject((String) v.get("subject"));
        }
        if (v.containsKey("required")) {
            b.requiredClaims(strings(v.get("required")));
        }
        if (v.containsKey("typ")) {
            b.typ((String) v.get("typ"));
        }
        if (v.containsKey("max_age")) {
            b.maxAge(Duration.ofSeconds(((Number) v.get("max_age")).longValue()));
        }
        if (v.containsKey("verify_exp")) {
            b.verifyExp((Boolean) v.get("verify_exp"));
        }
        if (v.containsKey("verify_nbf")) {
            b.verifyNbf((Boolean) v.get("verify_nbf"));
        }
        if (v.containsKey("verify_iat")) {
            b.verifyIat((Boolean) v.get("verify_iat"));
        }
        if (v.containsKey("verify_aud")) {
            b.verifyAud((Boolean) v.get("verify_aud"));
        }
        return b.build();
    }

    @Test
    void theFileIsWhatTheReadmeDescribes() {
        assertTrue(entries("valid").size() >= 38);
        assertTrue(entries("invalid").size() >= 174);
        Set<ErrorKind> kinds = EnumSet.noneOf(ErrorKind.class);
        for (Map<String, Object> e : entries("invalid")) {
            kinds.add(ErrorKind.fromStableName((String) e.get("error")));
        }
        assertTrue(EnumSet.of(ErrorKind.MALFORMED, ErrorKind.UNSUPPORTED_ALGORITHM,
                ErrorKind.UNKNOWN_HEADER, ErrorKind.INVALID_KEY, ErrorKind.INVALID_SIGNATURE,
                ErrorKind.EXPIRED, ErrorKind.NOT_YET_VALID, ErrorKind.WRONG_AUDIENCE,
                ErrorKind.ISSUER_MISMATCH, ErrorKind.MISSING_CLAIM, ErrorKind.INVALID_CLAIM)
                .containsAll(kinds), kinds.toString());
    }

    @TestFactory
    Stream<DynamicTest> valid() {
        return entries("valid").stream().map(e -> dynamicTest((String) e.get("name"), () -> {
            String token = (String) e.get("token");
            try (Key key = verifier((String) e.get("key")); Validation v = validation(e)) {
                String claims = Jwt.verify(token, key, v);
                assertEquals(e.get("claims"), Json.parse(claims));
                Map<String, Object> header = Json.object(Jwt.decodeHeader(token));
                assertEquals(e.get("alg"), header.get("alg"));
                // The same through a key set holding the key, when the token's kid selects it.
                if (!header.containsKey("kid") || header.get("kid").equals(key.kid().orElse(null))) {
                    try (KeySet set = KeySet.of(key)) {
                        assertEquals(claims, Jwt.verify(token, set, v));
                    }
                }
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalid() {
        return entries("invalid").stream().map(e -> dynamicTest((String) e.get("name"), () -> {
            ErrorKind expected = ErrorKind.fromStableName((String) e.get("error"));
            try (Key key = verifier((String) e.get("key")); Validation v = validation(e)) {
                HxJwtException x = assertThrows(HxJwtException.class,
                        () -> Jwt.verify((String) e.get("token"), key, v));
                assertEquals(expected, x.kind(), x.getMessage());
                assertEquals(expected.status(), x.status());
                if (expected == ErrorKind.MISSING_CLAIM || expected == ErrorKind.INVALID_CLAIM) {
                    assertTrue(x.claim().isPresent() && !x.claim().get().isEmpty(),
                            "a claim failure names its claim");
                }
                String text = x.getMessage() + x;
                for (Object jwk : KEYS.values()) {
                    for (String member : PRIVATE_MEMBERS) {
                        Object secret = map(jwk).get(member);
                        if (secret != null) {
                            assertFalse(text.contains((String) secret), "no private member");
                        }
                    }
                }
            }
        }));
    }
}
