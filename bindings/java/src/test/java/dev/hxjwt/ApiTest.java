package dev.hxjwt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The public API: round trips, every setting, error kinds and messages, handle life cycle. */
class ApiTest {
    static final Duration TTL = Duration.ofMinutes(5);
    static final long T0 = 1_767_225_600L;

    Identity alice;
    Identity bob;
    Directory fleet;
    Endpoint a;
    Endpoint b;

    @BeforeEach
    void setUp() {
        alice = Identity.generate("alice.service");
        bob = Identity.generate("bob.service");
        fleet = Directory.of(alice.machineToken(), bob.machineToken());
        a = new Endpoint(alice, fleet);
        b = new Endpoint(bob, fleet);
    }

    @AfterEach
    void tearDown() {
        for (AutoCloseable c : new AutoCloseable[] {a, b, fleet, alice, bob}) {
            try {
                c.close();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    static HxJwtException fails(ErrorKind kind, Executable call) {
        HxJwtException e = assertThrows(HxJwtException.class, call);
        assertEquals(kind, e.kind(), e.getMessage());
        assertEquals(kind.status(), e.status());
        assertTrue(e.getMessage().startsWith(kind.stableName() + ": "), e.getMessage());
        return e;
    }

    // ---- error kinds --------------------------------------------------------------------

    @Test
    void everyKindHasTheStableNameOfTheBrief() {
        List<String> names = new ArrayList<>();
        for (ErrorKind k : ErrorKind.values()) {
            names.add(k.stableName());
            assertEquals(k, ErrorKind.fromStableName(k.stableName()));
        }
        assertEquals(List.of("InvalidArgument", "Malformed", "UnsupportedAlgorithm",
                "UnknownHeader", "WrongAudience", "UnknownIssuer", "IssuerMismatch", "InvalidKey",
                "InvalidSignature", "Expired", "NotYetValid", "LifetimeTooLong",
                "DecryptionFailed", "Replayed", "ResolverFailed", "MissingClaim", "InvalidClaim",
                "KeyNotFound", "Revoked", "StoreUnavailable", "Internal"), names);
        assertThrows(IllegalArgumentException.class, () -> ErrorKind.fromStableName("Nope"));
    }

    @Test
    void everyStatusOfTheLibraryMapsToTheKindOfItsName() {
        int known = 0;
        for (int status = 1; status < 256; status++) {
            String name = HxNative.staticString(HxNative.hx_status_name(status));
            if (name.equals("HX_ERR_UNKNOWN")) {
                continue;
            }
            known++;
            ErrorKind k = HxJwtException.kindOf(status);
            assertEquals(name, k.cName(), "status " + status);
            assertEquals(status, k.status(), name);
        }
        assertTrue(known >= 20, "the library names at least 20 statuses: " + known);
        for (ErrorKind k : ErrorKind.values()) {
            String name = HxNative.staticString(HxNative.hx_status_name(k.status()));
            // HX_ERR_STORE_UNAVAILABLE is being added to the library: until then it is unknown
            // there, and mapped by its number here.
            if (!(k == ErrorKind.STORE_UNAVAILABLE && name.equals("HX_ERR_UNKNOWN"))) {
                assertEquals(k.cName(), name);
            }
            assertEquals(k, HxJwtException.kindOf(k.status()));
        }
        assertEquals(ErrorKind.STORE_UNAVAILABLE, HxJwtException.kindOf(118));
        assertEquals(ErrorKind.INTERNAL, HxJwtException.kindOf(4242));
        assertEquals(ErrorKind.INTERNAL, HxJwtException.kindOf(-1));
    }

    @Test
    void libraryVersion() {
        assertTrue(HxJwt.libraryVersion().matches("\\d+\\.\\d+\\.\\d+.*"), HxJwt.libraryVersion());
        assertFalse(HxJwt.libraryName().isEmpty());
    }

    // ---- HX1 ----------------------------------------------------------------------------

    @Test
    void roundTripThroughTheDirectory() {
        String token = a.create("bob.service", "{\"order\":42,\"name\":\"Zoë 😀\"}", TTL);
        Message m = b.validate(token);
        assertEquals("alice.service", m.issuer());
        assertEquals("bob.service", m.audience());
        assertEquals("{\"order\":42,\"name\":\"Zoë 😀\"}", m.text());
        assertEquals(300, m.expiresAt() - m.issuedAt());
        assertEquals(OptionalLong.empty(), m.notBefore());
        assertFalse(m.jti().isPresent());
        assertFalse(m.contentType().isPresent());
        assertFalse(m.toString().contains("order"), "toString never shows the payload");
    }

    @Test
    void roundTripWithMachineTokens() {
        try (Endpoint lonely = new Endpoint(alice); Endpoint other = new Endpoint(bob)) {
            byte[] payload = {0, 1, 2, (byte) 0xff, 0, (byte) 0xc3};
            String token = lonely.createFor(bob.machineToken(), payload, TTL);
            Message m = other.validateFrom(token, alice.machineToken());
            assertArrayEquals(payload, m.payload());
            assertThrows(IllegalStateException.class, m::text, "not UTF-8");
            // A copy each time: the message stays immutable.
            m.payload()[0] = 9;
            assertEquals(0, m.payload()[0]);
            // Without a directory, names cannot be resolved.
            fails(ErrorKind.INVALID_ARGUMENT, () -> lonely.create("bob.service", payload, TTL));
            fails(ErrorKind.INVALID_ARGUMENT, () -> other.validate(token));
            // From someone else than the token says.
            try (Identity carol = Identity.generate("carol.service")) {
                fails(ErrorKind.ISSUER_MISMATCH,
                        () -> other.validateFrom(token, carol.machineToken()));
            }
        }
    }

    @Test
    void emptyPayload() {
        String token = a.create("bob.service", new byte[0], TTL);
        assertEquals(0, b.validate(token).payload().length);
        assertEquals("", b.validate(token).text());
    }

    @Test
    void optionsRoundTrip() {
        CreateOptions o = CreateOptions.ttl(Duration.ofSeconds(60)).withNotBefore(T0)
                .withJti("id-1").withContentType("json");
        a.setTime(T0);
        b.setTime(T0);
        Message m = b.validate(a.create("bob.service", "{}".getBytes(StandardCharsets.UTF_8), o));
        assertEquals(OptionalLong.of(T0), m.notBefore());
        assertEquals("id-1", m.jti().orElseThrow());
        assertEquals("json", m.contentType().orElseThrow());
        assertEquals(T0, m.issuedAt());
        assertEquals(T0 + 60, m.expiresAt());
        // The optional members alone, through createFor.
        Message m2 = b.validateFrom(a.createFor(bob.machineToken(), new byte[] {1},
                CreateOptions.ttl(TTL).withJti("id-2")), alice.machineToken());
        assertEquals("id-2", m2.jti().orElseThrow());
        assertFalse(m2.contentType().isPresent());
        // nbf in the future.
        String later = a.create("bob.service", new byte[] {1},
                CreateOptions.ttl(TTL).withNotBefore(T0 + 100));
        fails(ErrorKind.NOT_YET_VALID, () -> b.validate(later));
        b.setTime(T0 + 100);
        assertEquals(OptionalLong.of(T0 + 100), b.validate(later).notBefore());
    }

    @Test
    void refusals() {
        a.setTime(T0);
        String token = a.create("bob.service", "hi", Duration.ofSeconds(60));
        // Someone else's token.
        fails(ErrorKind.WRONG_AUDIENCE, () -> a.validate(token));
        // Unknown recipient.
        fails(ErrorKind.UNKNOWN_ISSUER, () -> a.create("carol.service", "hi", TTL));
        // A zero TTL.
        fails(ErrorKind.INVALID_ARGUMENT, () -> a.create("bob.service", "hi", Duration.ZERO));
        // Tampering with the signature.
        char last = token.charAt(token.length() - 5);
        String tampered = token.substring(0, token.length() - 5) + (last == 'A' ? 'B' : 'A')
                + token.substring(token.length() - 4);
        b.setTime(T0);
        fails(ErrorKind.INVALID_SIGNATURE, () -> b.validate(tampered));
        fails(ErrorKind.MALFORMED, () -> b.validate("not.a.token"));
        fails(ErrorKind.MALFORMED, () -> b.validate(""));
        // Time.
        b.setTime(T0 + 61);
        fails(ErrorKind.EXPIRED, () -> b.validate(token));
        b.setLeeway(Duration.ofSeconds(5));
        assertEquals("hi", b.validate(token).text());
        b.setTime(T0 - 10);
        fails(ErrorKind.NOT_YET_VALID, () -> b.validate(token));
        b.setTime(T0);
        b.setMaxLifetime(Duration.ofSeconds(30));
        fails(ErrorKind.LIFETIME_TOO_LONG, () -> b.validate(token));
        b.setMaxLifetime(Duration.ZERO);
        b.setMaxTokenLength(10);
        fails(ErrorKind.MALFORMED, () -> b.validate(token));
        fails(ErrorKind.INVALID_ARGUMENT, () -> b.setMaxTokenLength(0));
        b.setMaxTokenLength(65536);
        b.setReplayProtection(true);
        b.validate(token);
        HxJwtException replayed = fails(ErrorKind.REPLAYED, () -> b.validate(token));
        assertFalse(replayed.claim().isPresent());
        b.setReplayProtection(false);
        b.validate(token);
        b.useSystemClock();
        fails(ErrorKind.EXPIRED, () -> b.validate(token));
    }

    // ---- the ECDH-1PU mode --------------------------------------------------------------

    @Test
    void ecdh1puModeRoundTrip() {
        a.setTime(T0);
        b.setTime(T0);
        byte[] payload = "{\"order\":42,\"name\":\"Zoë 😀\"}".getBytes(StandardCharsets.UTF_8);
        CreateOptions o = CreateOptions.ttl(Duration.ofSeconds(90)).withNotBefore(T0 - 5)
                .withJti("id-1pu").withContentType("json").withProtocol(Protocol.ECDH_1PU);
        String token = a.create("bob.service", payload, o);
        assertEquals(5, token.split("\\.", -1).length, token);
        Map<String, Object> header = Json.object(Jwe.decodeHeader(token));
        assertEquals("ECDH-1PU", header.get("alg"));
        assertEquals("A256GCM", header.get("enc"));
        Message m = b.validate(token);
        assertEquals(Protocol.ECDH_1PU, m.protocol());
        assertEquals("ECDH-1PU", m.protocol().wireName());
        assertArrayEquals(payload, m.payload());
        assertEquals("alice.service", m.issuer());
        assertEquals("bob.service", m.audience());
        assertEquals("id-1pu", m.jti().orElseThrow());
        assertEquals("json", m.contentType().orElseThrow());
        assertEquals(OptionalLong.of(T0 - 5), m.notBefore());
        assertEquals(T0, m.issuedAt());
        assertEquals(T0 + 90, m.expiresAt());
        assertTrue(m.toString().contains("ECDH-1PU"), m.toString());
        assertFalse(m.toString().contains("order"), "toString never shows the payload");
        // The default mode, with and without the optional members, says HX1.
        String hx1 = a.create("bob.service", payload, CreateOptions.ttl(TTL).withJti("id-hx1"));
        assertNotEquals(5, hx1.split("\\.", -1).length, hx1);
        assertEquals(Protocol.HX1, b.validate(hx1).protocol());
        assertEquals(Protocol.HX1, b.validate(a.create("bob.service", "x", TTL)).protocol());
        assertEquals(Protocol.HX1, b.validate(a.create("bob.service", payload,
                o.withProtocol(Protocol.HX1))).protocol());
        // Time applies as in HX1.
        b.setTime(T0 + 91);
        fails(ErrorKind.EXPIRED, () -> b.validate(token));
        b.setTime(T0 - 6);
        fails(ErrorKind.NOT_YET_VALID, () -> b.validate(token));
        b.setTime(T0);
        b.setMaxLifetime(Duration.ofSeconds(60));
        fails(ErrorKind.LIFETIME_TOO_LONG, () -> b.validate(token));
    }

    @Test
    void ecdh1puModeWithMachineTokens() {
        CreateOptions o = CreateOptions.ttl(TTL).withProtocol(Protocol.ECDH_1PU);
        try (Endpoint lonely = new Endpoint(alice); Endpoint other = new Endpoint(bob);
                Identity carol = Identity.generate("carol.service")) {
            byte[] payload = {0, 1, 2, (byte) 0xff, 0, (byte) 0xc3};
            // No optional member: the mode alone chooses hx_create_jwt_1pu.
            String token = lonely.createFor(bob.machineToken(), payload, o);
            assertEquals(5, token.split("\\.", -1).length, token);
            Message m = other.validateFrom(token, alice.machineToken());
            assertEquals(Protocol.ECDH_1PU, m.protocol());
            assertArrayEquals(payload, m.payload());
            assertEquals(300, m.expiresAt() - m.issuedAt());
            assertFalse(m.jti().isPresent());
            assertFalse(m.contentType().isPresent());
            assertEquals(OptionalLong.empty(), m.notBefore());
            // Another sender's machine token: refused.
            assertThrows(HxJwtException.class,
                    () -> other.validateFrom(token, carol.machineToken()));
            // An empty payload.
            assertEquals(0, other.validateFrom(lonely.createFor(bob.machineToken(), new byte[0],
                    o), alice.machineToken()).payload().length);
            // Sealed to bob: alice cannot read it, nor carol's endpoint.
            try (Endpoint carolEp = new Endpoint(carol)) {
                assertThrows(HxJwtException.class,
                        () -> carolEp.validateFrom(token, alice.machineToken()));
            }
        }
        // Through the directory, replay protection covers this mode too.
        b.setReplayProtection(true);
        String t = a.create("bob.service", new byte[] {7}, o.withJti("once"));
        assertEquals(Protocol.ECDH_1PU, b.validate(t).protocol());
        fails(ErrorKind.REPLAYED, () -> b.validate(t));
    }

    @Test
    void ecdh1puModeRefusesWhatCreateRefuses() {
        CreateOptions o = CreateOptions.ttl(TTL).withProtocol(Protocol.ECDH_1PU);
        fails(ErrorKind.UNKNOWN_ISSUER, () -> a.create("carol.service", new byte[] {1}, o));
        fails(ErrorKind.INVALID_ARGUMENT, () -> a.create("bob.service", new byte[] {1},
                CreateOptions.ttl(Duration.ZERO).withProtocol(Protocol.ECDH_1PU)));
        fails(ErrorKind.INVALID_ARGUMENT, () -> a.create("bob.service", new byte[] {1},
                o.withJti("j".repeat(129))));
        fails(ErrorKind.INVALID_ARGUMENT, () -> a.create("bob.service", new byte[] {1},
                o.withContentType("c".repeat(256))));
        // An empty name is looked up like any other, in both modes.
        fails(ErrorKind.UNKNOWN_ISSUER, () -> a.create("", new byte[] {1}, CreateOptions.ttl(TTL)));
        fails(ErrorKind.UNKNOWN_ISSUER, () -> a.create("", new byte[] {1}, o));
        try (Endpoint lonely = new Endpoint(alice)) {
            fails(ErrorKind.INVALID_ARGUMENT, () -> lonely.create("bob.service", new byte[0], o));
            try (Key es = Key.generate("ES256")) {
                fails(ErrorKind.INVALID_KEY,
                        () -> lonely.createFor(es.toPublicJwk(), new byte[0], o));
            }
        }
        assertThrows(NullPointerException.class, () -> o.withProtocol(null));
        assertThrows(NullPointerException.class, () -> a.create("bob.service", null, o));
        assertThrows(IllegalArgumentException.class, () -> a.create("bob.service", "x",
                Duration.ofMillis(1500)));
        assertEquals(Protocol.ECDH_1PU, Protocol.fromWireName("ECDH-1PU"));
        assertEquals(Protocol.HX1, Protocol.fromWireName("HX1"));
        assertThrows(IllegalArgumentException.class, () -> Protocol.fromWireName("ecdh-1pu"));
        assertThrows(IllegalArgumentException.class, () -> Protocol.fromWireName(""));
        assertThrows(NullPointerException.class, () -> Protocol.fromWireName(null));
        Endpoint closed = new Endpoint(alice, fleet);
        closed.close();
        assertThrows(IllegalStateException.class,
                () -> closed.create("bob.service", new byte[0], o));
    }

    @Test
    void builderAppliesEverySetting() {
        // An alias: bob's key published under another name.
        Map<String, Object> aliasToken = Json.object(bob.machineToken());
        aliasToken.put("kid", "api.internal");
        try (Endpoint alias = Endpoint.builder(bob).directory(fleet).audiences("api.internal")
                        .leeway(Duration.ofSeconds(10)).maxLifetime(Duration.ofSeconds(600))
                        .maxTokenLength(4096).replayProtection(true).time(T0).build()) {
            fleet.add(Json.write(aliasToken));
            a.setTime(T0);
            String token = a.create("api.internal", "x", TTL);
            assertEquals("api.internal", alias.validate(token).audience());
            fails(ErrorKind.REPLAYED, () -> alias.validate(token));
            alias.setTime(T0 + 300 + 5);
            String t2 = a.create("api.internal", "y", TTL);
            assertEquals("y", alias.validate(t2).text(), "within the leeway");
            String tooLong = a.create("api.internal", "z", Duration.ofSeconds(601));
            alias.setTime(T0);
            fails(ErrorKind.LIFETIME_TOO_LONG, () -> alias.validate(tooLong));
        }
        assertThrows(IllegalArgumentException.class,
                () -> Endpoint.builder(bob).leeway(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class,
                () -> Endpoint.builder(bob).maxLifetime(Duration.ofMillis(1500)));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.builder(bob).maxTokenLength(-1));
        fails(ErrorKind.INVALID_ARGUMENT, () -> Endpoint.builder(bob).maxTokenLength(0).build());
    }

    @Test
    void rotation() {
        try (Identity bob2 = Identity.generate("bob.service")) {
            a.setTime(T0);
            b.setTime(T0);
            String toOld = a.create("bob.service", "old", TTL);
            b.rotateIdentity(bob2);
            assertEquals(1, b.previousIdentityCount());
            assertEquals("old", b.validate(toOld).text());
            fleet.rotateIn(bob2.machineToken());
            String toNew = a.create("bob.service", "new", TTL);
            assertEquals("new", b.validate(toNew).text());
            b.clearPreviousIdentities();
            assertEquals(0, b.previousIdentityCount());
            fails(ErrorKind.INVALID_SIGNATURE, () -> b.validate(toOld));
            assertTrue(fleet.retire(bob.machineToken()));
            assertFalse(fleet.retire(bob.machineToken()));
            b.addPreviousIdentity(bob);
            assertEquals(1, b.previousIdentityCount());
        }
    }

    // ---- identities and directories -------------------------------------------------------

    @Test
    void identities() {
        assertEquals("alice.service", alice.name());
        String jwk = alice.toJwk();
        Map<String, Object> parsed = Json.object(jwk);
        assertEquals("alice.service", parsed.get("kid"));
        assertTrue(parsed.containsKey("d"));
        Map<String, Object> pub = Json.object(alice.machineToken());
        assertFalse(pub.containsKey("d"));
        assertEquals("X25519", pub.get("crv"));
        try (Identity again = Identity.fromJwk(jwk)) {
            assertEquals(alice.machineToken(), again.machineToken());
            assertEquals(alice.name(), again.name());
        }
        assertFalse(alice.toString().contains((String) parsed.get("d")));
        fails(ErrorKind.INVALID_ARGUMENT, () -> Identity.generate(""));
        fails(ErrorKind.INVALID_ARGUMENT, () -> Identity.generate("x".repeat(256)));
        fails(ErrorKind.INVALID_ARGUMENT, () -> Identity.generate("tab\there"));
        fails(ErrorKind.INVALID_KEY, () -> Identity.fromJwk(alice.machineToken()));
        fails(ErrorKind.INVALID_KEY, () -> Identity.fromJwk("{}"));
        try (Identity unicode = Identity.generate("zoë-😀.service")) {
            assertEquals("zoë-😀.service", unicode.name());
            assertEquals("zoë-😀.service", Json.object(unicode.machineToken()).get("kid"));
        }
    }

    @Test
    void directories() {
        assertEquals(2, fleet.size());
        String jwks = fleet.toJwks();
        try (Directory copy = Directory.fromJwks(jwks); Directory empty = Directory.create()) {
            assertEquals(2, copy.size());
            assertEquals(jwks, copy.toJwks());
            assertEquals(0, empty.size());
            empty.add(alice.machineToken());
            empty.add(alice.machineToken()); // replaces
            assertEquals(1, empty.size());
        }
        fails(ErrorKind.MALFORMED, () -> Directory.fromJwks("[]"));
        fails(ErrorKind.INVALID_KEY, () -> fleet.add(alice.toJwk()));
        fails(ErrorKind.INVALID_KEY, () -> Directory.of("{\"kty\":\"OKP\"}"));
    }

    @Test
    void resolverDirectory() {
        AtomicInteger asked = new AtomicInteger();
        String aliceToken = alice.machineToken();
        String bobToken = bob.machineToken();
        Directory dir = Directory.fromResolver(name -> {
            asked.incrementAndGet();
            switch (name) {
                case "alice.service": return aliceToken;
                case "bob.service": return bobToken;
                case "liar.service": return aliceToken;
                case "nul.service": return "{\0}";
                case "thrower.service": throw new IllegalStateException("boom " + name);
                default: return null;
            }
        });
        try (Endpoint viaResolver = new Endpoint(bob, dir)) {
            dir.close(); // the endpoint keeps it (and its resolver) alive
            String token = a.create("bob.service", "via resolver", TTL);
            assertEquals("via resolver", viaResolver.validate(token).text());
            assertTrue(asked.get() >= 1);
            fails(ErrorKind.UNKNOWN_ISSUER, () -> viaResolver.create("nobody.service", "x", TTL));
            HxJwtException liar = fails(ErrorKind.RESOLVER_FAILED,
                    () -> viaResolver.create("liar.service", "x", TTL));
            assertEquals(null, liar.getCause(), "no Java exception behind a wrong answer");
            fails(ErrorKind.RESOLVER_FAILED, () -> viaResolver.create("nul.service", "x", TTL));
            HxJwtException thrown = fails(ErrorKind.RESOLVER_FAILED,
                    () -> viaResolver.create("thrower.service", "x", TTL));
            assertInstanceOf(IllegalStateException.class, thrown.getCause());
            assertTrue(thrown.getMessage().contains("boom thrower.service"), thrown.getMessage());
            // The failure does not stick to the thread: the next failure has no cause.
            HxJwtException next = fails(ErrorKind.UNKNOWN_ISSUER,
                    () -> viaResolver.create("nobody.service", "x", TTL));
            assertEquals(null, next.getCause());
            assertEquals("via resolver", viaResolver.validate(token).text());
        }
        try (Directory nothing = Directory.fromResolver(n -> null)) {
            fails(ErrorKind.INVALID_ARGUMENT, nothing::size);
            fails(ErrorKind.INVALID_ARGUMENT, nothing::toJwks);
            fails(ErrorKind.INVALID_ARGUMENT, () -> nothing.add(alice.machineToken()));
        }
    }

    // ---- handles ------------------------------------------------------------------------

    @Test
    void closeIsIdempotentAndUseAfterCloseThrows() {
        Identity id = Identity.generate("tmp.service");
        Endpoint ep = new Endpoint(id, fleet);
        id.close();
        id.close();
        assertTrue(id.isClosed());
        assertEquals("tmp.service", id.name(), "the name is a Java copy");
        assertThrows(IllegalStateException.class, id::machineToken);
        assertThrows(IllegalStateException.class, id::toJwk);
        assertThrows(IllegalStateException.class, () -> new Endpoint(id));
        // The endpoint kept its own copy.
        assertFalse(ep.createFor(bob.machineToken(), "x", TTL).isEmpty());
        ep.close();
        assertThrows(IllegalStateException.class, () -> ep.create("bob.service", "x", TTL));
        assertThrows(IllegalStateException.class, () -> ep.validate("x"));
        assertThrows(IllegalStateException.class, ep::useSystemClock);
        Key k = Key.generate("HS256");
        Validation v = Validation.builder("HS256").build();
        KeySet set = KeySet.create();
        Directory d = Directory.create();
        for (NativeHandle h : new NativeHandle[] {k, v, set, d}) {
            h.close();
            h.close();
        }
        assertThrows(IllegalStateException.class, () -> Jwt.sign("{}", k, "HS256"));
        assertThrows(IllegalStateException.class, k::toPrivateJwk);
        assertThrows(IllegalStateException.class, () -> set.add(Key.generate("HS256")));
        assertThrows(IllegalStateException.class, d::size);
        try (Key live = Key.generate("HS256")) {
            String token = Jwt.sign("{\"exp\":4000000000}", live, "HS256");
            assertThrows(IllegalStateException.class, () -> Jwt.verify(token, live, v));
        }
    }

    // ---- standard JWTs ------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256",
        "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"})
    void signAndVerifyEveryAlgorithm(String alg) {
        String claims = "{\"sub\":\"user-7\",\"aud\":\"api\",\"exp\":4000000000,\"n\":1.50}";
        try (Key key = Key.generate(alg);
                Validation v = Validation.builder(alg).audience("api").build()) {
            assertEquals(alg, key.algorithm().orElseThrow());
            assertTrue(key.isPrivate());
            assertEquals(key.thumbprint(), key.kid().orElseThrow());
            String token = Jwt.sign(claims, key, alg);
            Map<String, Object> header = Json.object(Jwt.decodeHeader(token));
            assertEquals(alg, header.get("alg"));
            assertEquals(key.kid().orElseThrow(), header.get("kid"));
            if (alg.startsWith("HS")) {
                assertEquals(claims, Jwt.verify(token, key, v), "claims exactly as signed");
                fails(ErrorKind.INVALID_KEY, key::toPublic);
                fails(ErrorKind.INVALID_KEY, key::toPublicJwk);
            } else {
                try (Key pub = key.toPublic(); Key fromJwk = Key.fromJwk(key.toPublicJwk());
                        KeySet set = KeySet.of(pub)) {
                    assertFalse(pub.isPrivate());
                    assertEquals(key.thumbprint(), pub.thumbprint());
                    assertEquals(claims, Jwt.verify(token, pub, v));
                    assertEquals(claims, Jwt.verify(token, fromJwk, v));
                    assertEquals(claims, Jwt.verify(token, set, v));
                    fails(ErrorKind.INVALID_KEY, () -> Jwt.sign(claims, pub, alg));
                    assertEquals(1, set.size());
                    try (KeySet back = KeySet.fromJwks(set.toPublicJwks())) {
                        assertEquals(claims, Jwt.verify(token, back, v));
                    }
                }
            }
            try (Key restored = Key.fromJwk(key.toPrivateJwk())) {
                assertEquals(key.thumbprint(), restored.thumbprint());
            }
        }
    }

    @Test
    void jwtRefusals() {
        try (Key key = Key.generate("ES256"); Key other = Key.generate("ES256");
                Key pub = key.toPublic();
                Validation v = Validation.builder("ES256").time(T0).build()) {
            String expired = Jwt.sign("{\"exp\":" + (T0 - 1) + "}", key, "ES256");
            HxJwtException e = fails(ErrorKind.EXPIRED, () -> Jwt.verify(expired, pub, v));
            assertEquals("exp", e.claim().orElseThrow());
            v.setTime(T0 - 100);
            assertEquals("{\"exp\":" + (T0 - 1) + "}", Jwt.verify(expired, pub, v));
            v.useSystemClock();
            HxJwtException missing = fails(ErrorKind.MISSING_CLAIM,
                    () -> Jwt.verify(Jwt.sign("{}", key, "ES256"), pub, v));
            assertEquals("exp", missing.claim().orElseThrow());
            String withAud = Jwt.sign("{\"exp\":4000000000,\"aud\":\"api\"}", key, "ES256");
            assertEquals("aud", fails(ErrorKind.WRONG_AUDIENCE,
                    () -> Jwt.verify(withAud, pub, v)).claim().orElseThrow());
            try (Key otherPub = other.toPublic()) {
                HxJwtException bad = fails(ErrorKind.INVALID_SIGNATURE,
                        () -> Jwt.verify(Jwt.sign("{\"exp\":4000000000}", key, "ES256"), otherPub, v));
                assertFalse(bad.claim().isPresent());
            }
            fails(ErrorKind.UNSUPPORTED_ALGORITHM,
                    () -> Jwt.sign("{\"exp\":4000000000}", key, "none"));
            fails(ErrorKind.INVALID_KEY, () -> Jwt.sign("{}", key, "HS256"));
            fails(ErrorKind.INVALID_ARGUMENT, () -> Jwt.sign("[1]", key, "ES256"));
            fails(ErrorKind.INVALID_ARGUMENT, () -> Jwt.sign("{\"a\":1,\"a\":2}", key, "ES256"));
            fails(ErrorKind.MALFORMED, () -> Jwt.decodeHeader("nope"));
            try (KeySet set = KeySet.of(pub.withKid("k1"))) {
                String t = Jwt.sign("{\"exp\":4000000000}", key.withKid("k2"), "ES256");
                fails(ErrorKind.KEY_NOT_FOUND, () -> Jwt.verify(t, set, v));
                set.add(pub.withKid("k2"));
                assertEquals(2, set.size());
                assertEquals("{\"exp\":4000000000}", Jwt.verify(t, set, v));
            }
        }
    }

    @Test
    void headerAndValidationOptions() {
        try (Key key = Key.fromSecret(new byte[32]).withKid("hmac-1");
                Validation v = Validation.builder("HS256").issuer("login").subject("user-7")
                        .typ("at+jwt").requiredClaims("exp", "jti").leeway(Duration.ofSeconds(5))
                        .audience("api", "web").maxAge(Duration.ofSeconds(60)).time(T0).build()) {
            String claims = "{\"iss\":\"login\",\"sub\":\"user-7\",\"aud\":[\"web\"],\"jti\":\"1\","
                    + "\"iat\":" + (T0 - 10) + ",\"exp\":" + (T0 + 60) + "}";
            String token = Jwt.sign(claims, key, "HS256", "{\"typ\":\"at+jwt\",\"cty\":\"x\"}");
            Map<String, Object> header = Json.object(Jwt.decodeHeader(token));
            assertEquals("at+jwt", header.get("typ"));
            assertEquals("x", header.get("cty"));
            assertEquals("hmac-1", header.get("kid"));
            assertEquals(claims, Jwt.verify(token, key, v));
            String plain = Jwt.sign(claims, key, "HS256");
            assertEquals("typ", fails(ErrorKind.INVALID_CLAIM,
                    () -> Jwt.verify(plain, key, v)).claim().orElseThrow());
            String noJti = Jwt.sign("{\"iss\":\"login\",\"sub\":\"user-7\",\"aud\":\"api\",\"iat\":"
                    + T0 + ",\"exp\":" + (T0 + 60) + "}", key, "HS256", "{\"typ\":\"at+jwt\"}");
            assertEquals("jti", fails(ErrorKind.MISSING_CLAIM,
                    () -> Jwt.verify(noJti, key, v)).claim().orElseThrow());
            String otherIssuer = Jwt.sign(claims.replace("\"login\"", "\"evil\""), key, "HS256",
                    "{\"typ\":\"at+jwt\"}");
            fails(ErrorKind.ISSUER_MISMATCH, () -> Jwt.verify(otherIssuer, key, v));
            v.setTime(T0 + 100);
            fails(ErrorKind.EXPIRED, () -> Jwt.verify(token, key, v));
            fails(ErrorKind.INVALID_ARGUMENT, () -> Jwt.sign(claims, key, "HS256", "{\"crit\":[\"x\"]}"));
        }
        try (Validation noExp = Validation.builder("HS256").requiredClaims().verifyExp(false)
                        .verifyNbf(false).verifyIat(false).verifyAud(false).build();
                Key key = Key.fromSecret("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8))) {
            String t = Jwt.sign("{\"aud\":\"x\",\"exp\":1,\"nbf\":9999999999}", key, "HS256");
            assertEquals("{\"aud\":\"x\",\"exp\":1,\"nbf\":9999999999}", Jwt.verify(t, key, noExp));
        }
        fails(ErrorKind.INVALID_ARGUMENT, () -> Validation.builder().build());
        fails(ErrorKind.UNSUPPORTED_ALGORITHM, () -> Validation.builder("none").build());
        fails(ErrorKind.UNSUPPORTED_ALGORITHM, () -> Validation.builder("HS256", "hs256").build());
    }

    @Test
    void keysFromPemDerAndSecrets() throws Exception {
        var dir = Vectors.dir().resolve("keys");
        String pem = Files.readString(dir.resolve("ec-P-256.pkcs8.pem"));
        try (Key k = Key.fromPem(pem); Key spki = Key.fromPem(Files.readString(dir.resolve("ec-P-256.spki.pem")))) {
            assertTrue(k.isPrivate());
            assertFalse(spki.isPrivate());
            assertFalse(k.kid().isPresent());
            assertFalse(k.algorithm().isPresent());
            assertEquals(k.thumbprint(), spki.thumbprint());
            String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            try (Key der = Key.fromDer(Base64.getDecoder().decode(body))) {
                assertEquals(k.thumbprint(), der.thumbprint());
            }
            try (Validation v = Validation.builder("ES256").build()) {
                String t = Jwt.sign("{\"exp\":4000000000}", k, "ES256");
                assertEquals("{\"exp\":4000000000}", Jwt.verify(t, spki, v));
            }
        }
        fails(ErrorKind.INVALID_KEY, () -> Key.fromPem(Files.readString(dir.resolve("rsa1024.pkcs8.pem"))));
        fails(ErrorKind.INVALID_KEY, () -> Key.fromPem("-----BEGIN NOTHING-----"));
        fails(ErrorKind.INVALID_KEY, () -> Key.fromDer(new byte[] {1, 2, 3}));
        fails(ErrorKind.INVALID_KEY, () -> Key.fromDer(new byte[0]));
        fails(ErrorKind.INVALID_KEY, () -> Key.fromSecret(new byte[0]));
        fails(ErrorKind.INVALID_KEY, () -> Key.fromSecret(pem.getBytes(StandardCharsets.UTF_8)));
        fails(ErrorKind.UNSUPPORTED_ALGORITHM, () -> Key.generate("none"));
        // Short secrets: refused when used, unless explicitly allowed.
        byte[] shortSecret = {0, 1, 2, 3, 0, 5, 6, 7}; // NUL bytes are fine in a secret
        try (Key s = Key.fromSecret(shortSecret); Key allowed = s.allowShortSecret();
                Validation v = Validation.builder("HS256").build()) {
            fails(ErrorKind.INVALID_KEY, () -> Jwt.sign("{\"exp\":4000000000}", s, "HS256"));
            String t = Jwt.sign("{\"exp\":4000000000}", allowed, "HS256");
            assertEquals("{\"exp\":4000000000}", Jwt.verify(t, allowed, v));
            assertNotEquals("", allowed.thumbprint());
        }
    }
}
