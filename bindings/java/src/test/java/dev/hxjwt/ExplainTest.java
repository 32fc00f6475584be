package dev.hxjwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Explain} (issue 17 item 5): every failed check at once, with the kinds
 * {@link Jwt#verify} and {@link Endpoint#validate} throw; never an acceptance.
 */
class ExplainTest {
    static final long T0 = 1767225600L;
    static final byte[] SECRET =
            "a secret of at least thirty-two bytes!!".getBytes(StandardCharsets.UTF_8);

    static List<String> failed(Explain.Report r) {
        return r.failures().stream().map(c -> c.name() + ":" + c.kind().stableName()).toList();
    }

    @Test
    void aTokenFailingSeveralChecksReportsThemAll() {
        try (Key key = Key.fromSecret(SECRET);
                Validation v = Validation.builder("HS256").audience("api").issuer("login")
                        .time(T0).build()) {
            String token = Jwt.sign("{\"iss\":\"mallory\",\"aud\":\"elsewhere\",\"exp\":1000}",
                    key, "HS256");
            Explain.Report r = Explain.jwt(token, key, v);
            assertEquals(List.of("exp:Expired", "aud:WrongAudience", "iss:IssuerMismatch"),
                    failed(r));
            assertFalse(r.passed());
            HxJwtException e = ApiTest.fails(ErrorKind.EXPIRED, () -> Jwt.verify(token, key, v));
            assertEquals(e.kind(), r.failures().get(0).kind());
            assertFalse(r.json().contains("thirty-two"));

            try (KeySet set = KeySet.of(key)) {
                assertEquals(failed(r), failed(Explain.jwt(token, set, v)));
            }

            String good = Jwt.sign("{\"iss\":\"login\",\"aud\":\"api\",\"exp\":4102444800}", key,
                    "HS256");
            Explain.Report ok = Explain.jwt(good, key, v);
            assertTrue(ok.passed());
            assertTrue(ok.checks().stream().noneMatch(Explain.Check::failed));
            assertNull(ok.checks().get(0).kind());

            Explain.Report junk = Explain.jwt("a.b", key, v);
            assertEquals(List.of("format:Malformed"), failed(junk));
        }
    }

    @Test
    void hx1WrongAudienceAndExpiredTogether() {
        try (Identity alice = Identity.generate("alice");
                Identity bob = Identity.generate("bob");
                Identity carol = Identity.generate("carol");
                Directory dir = Directory.of(alice.machineToken(), bob.machineToken(),
                        carol.machineToken());
                Endpoint a = new Endpoint(alice, dir);
                Endpoint b = new Endpoint(bob, dir)) {
            a.setTime(T0);
            b.setTime(T0 + 10000);
            String token = a.create("carol", "hi", Duration.ofSeconds(60));
            Explain.Report r = Explain.hx1(b, token);
            assertEquals(List.of("aud:WrongAudience", "signature:InvalidSignature", "exp:Expired"),
                    failed(r));
            ApiTest.fails(ErrorKind.WRONG_AUDIENCE, () -> b.validate(token));
            Explain.Report from = Explain.hx1From(b, token, carol.machineToken());
            assertTrue(failed(from).contains("issuer:IssuerMismatch"), failed(from).toString());
        }
    }
}
