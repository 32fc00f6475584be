package dev.hxjwt;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The checks {@link Jwt#verify(String, Key, Validation)} applies to a standard JWT: the accepted
 * algorithms (there is no default: the token's header never chooses), {@code exp}/{@code nbf}/
 * {@code iat} with a leeway, audiences, issuers, subject, required claims, header {@code typ},
 * maximum age, size limit and clock. Made by {@link #builder(String...)}. Safe to share between
 * threads: any number of threads may verify with it at once. Close it when done.
 *
 * <pre>{@code
 * try (Validation v = Validation.builder("ES256").audience("api").issuer("https://login")
 *         .leeway(Duration.ofSeconds(30)).build()) {
 *     String claims = Jwt.verify(token, verifyingKey, v);
 * }
 * }</pre>
 *
 * <p>Defaults: no leeway; {@code exp}, {@code nbf}, {@code iat} and {@code aud} checked;
 * {@code exp} required; no audience (a token with an {@code aud} is then refused), issuer,
 * subject, {@code typ} or maximum age required; tokens up to 64 KiB; the system clock.
 */
public final class Validation extends NativeHandle {
    private Validation(long peer) {
        super(peer, HxNative::hx_validation_free, "validation", null);
    }

    /**
     * Starts building a validation that accepts tokens signed with one of {@code algorithms}.
     *
     * @param algorithms {@code "HS256"} ... {@code "EdDSA"}, {@code "ES256K"},
     *     {@code "Ed25519"}: any name the library knows, passed as given (exactly); at least
     *     one
     * @return a builder
     * @throws NullPointerException when the array or one of its elements is null
     */
    public static Builder builder(String... algorithms) {
        return new Builder(copy(algorithms, "algorithms"));
    }

    private static List<String> copy(String[] names, String what) {
        Objects.requireNonNull(names, what);
        List<String> out = new ArrayList<>(names.length);
        for (String n : names) {
            out.add(Objects.requireNonNull(n, what + " has a null element"));
        }
        return out;
    }

    /** A {@code const char *const *} array and the memory it points to (kept reachable). */
    private static final class CStrings {
        final Memory array;
        final List<Memory> strings = new ArrayList<>();

        CStrings(List<String> values, String what) {
            array = values.isEmpty() ? null : new Memory((long) values.size() * Native.POINTER_SIZE);
            for (int i = 0; i < values.size(); i++) {
                byte[] b = HxNative.cstr(values.get(i), what);
                Memory m = new Memory(b.length);
                m.write(0, b, 0, b.length);
                strings.add(m);
                array.setPointer((long) i * Native.POINTER_SIZE, m);
            }
        }

        Pointer pointer() {
            return array;
        }
    }

    /** Collects a validation's settings; {@link #build()} makes it. Not thread-safe. */
    public static final class Builder {
        private final List<String> algorithms;
        private Long leeway;
        private final List<String> audiences = new ArrayList<>();
        private final List<String> issuers = new ArrayList<>();
        private String subject;
        private List<String> requiredClaims;
        private String typ;
        private Long maxAge;
        private Long maxTokenLength;
        private Boolean verifyExp;
        private Boolean verifyNbf;
        private Boolean verifyIat;
        private Boolean verifyAud;
        private ReplayStore replayStore;
        private Long time;

        private Builder(List<String> algorithms) {
            this.algorithms = algorithms;
        }

        /**
         * The clock skew tolerated on {@code exp}, {@code nbf}, {@code iat} and the maximum age.
         *
         * @param leeway whole seconds; defaults to 0
         * @return this builder
         * @throws IllegalArgumentException when negative or not whole seconds
         */
        public Builder leeway(Duration leeway) {
            this.leeway = HxNative.seconds(leeway, "leeway");
            return this;
        }

        /**
         * Also accepts tokens whose {@code aud} (a string or an array) contains one of these.
         * With at least one audience, a token without {@code aud} fails with
         * {@link ErrorKind#MISSING_CLAIM}, one for another audience with
         * {@link ErrorKind#WRONG_AUDIENCE}.
         *
         * @param audiences accepted audiences
         * @return this builder
         * @throws NullPointerException when an audience is null
         */
        public Builder audience(String... audiences) {
            this.audiences.addAll(copy(audiences, "audiences"));
            return this;
        }

        /**
         * Also accepts tokens whose {@code iss} is one of these (by default any {@code iss} is
         * accepted). A token without {@code iss} then fails with
         * {@link ErrorKind#MISSING_CLAIM}, one from another issuer with
         * {@link ErrorKind#ISSUER_MISMATCH}.
         *
         * @param issuers accepted issuers
         * @return this builder
         * @throws NullPointerException when an issuer is null
         */
        public Builder issuer(String... issuers) {
            this.issuers.addAll(copy(issuers, "issuers"));
            return this;
        }

        /**
         * Requires the token's {@code sub} to be {@code subject} (null: no requirement).
         *
         * @param subject the required subject, or null
         * @return this builder
         */
        public Builder subject(String subject) {
            this.subject = subject;
            return this;
        }

        /**
         * Replaces the claims a token must have (by default {@code exp} alone; none at all
         * with no argument).
         *
         * @param claims the names of the required claims
         * @return this builder
         * @throws NullPointerException when a name is null
         */
        public Builder requiredClaims(String... claims) {
            this.requiredClaims = copy(claims, "claims");
            return this;
        }

        /**
         * Requires the header {@code typ}, compared case-insensitively ({@code "at+jwt"} for
         * OAuth access tokens); null: no requirement.
         *
         * @param typ the required {@code typ}, or null
         * @return this builder
         */
        public Builder typ(String typ) {
            this.typ = typ;
            return this;
        }

        /**
         * Refuses tokens issued longer ago (by their {@code iat}, then required) with
         * {@link ErrorKind#EXPIRED}.
         *
         * @param maxAge whole seconds; {@link Duration#ZERO} (the default) is no limit
         * @return this builder
         * @throws IllegalArgumentException when negative or not whole seconds
         */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = HxNative.seconds(maxAge, "maxAge");
            return this;
        }

        /**
         * The longest token accepted; longer ones fail with {@link ErrorKind#MALFORMED}.
         *
         * @param bytes at least 1; defaults to 65536
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder maxTokenLength(long bytes) {
            this.maxTokenLength = HxNative.nonNegative(bytes, "maxTokenLength");
            return this;
        }

        /**
         * Whether an {@code exp} in the past fails (it stays required unless
         * {@link #requiredClaims(String...)} says otherwise).
         *
         * @param on defaults to true
         * @return this builder
         */
        public Builder verifyExp(boolean on) {
            this.verifyExp = on;
            return this;
        }

        /**
         * Whether an {@code nbf} in the future fails.
         *
         * @param on defaults to true
         * @return this builder
         */
        public Builder verifyNbf(boolean on) {
            this.verifyNbf = on;
            return this;
        }

        /**
         * Whether an {@code iat} in the future fails.
         *
         * @param on defaults to true
         * @return this builder
         */
        public Builder verifyIat(boolean on) {
            this.verifyIat = on;
            return this;
        }

        /**
         * Whether the token's {@code aud} is checked against the audiences.
         *
         * @param on defaults to true
         * @return this builder
         */
        public Builder verifyAud(boolean on) {
            this.verifyAud = on;
            return this;
        }

        /**
         * Accepts each token once: a token must then carry a {@code jti} (else
         * {@link ErrorKind#MISSING_CLAIM}) and an {@code exp}, and a second token with the same
         * {@code jti}, verified by the same key, fails with {@link ErrorKind#REPLAYED} in every
         * process sharing the store; {@link ErrorKind#STORE_UNAVAILABLE} when the store cannot
         * answer.
         *
         * @param store the store (the validation keeps its own reference), or null for none
         * @return this builder
         */
        public Builder replayStore(ReplayStore store) {
            this.replayStore = store;
            return this;
        }

        /**
         * <b>For tests, vectors and replaying recorded tokens only</b>: stops the clock.
         *
         * @param unixSeconds the instant, in seconds since the Unix epoch
         * @return this builder
         */
        public Builder time(long unixSeconds) {
            this.time = unixSeconds;
            return this;
        }

        /**
         * Makes the validation.
         *
         * @return the validation
         * @throws HxJwtException {@link ErrorKind#INVALID_ARGUMENT} for an empty list of
         *     algorithms, {@link ErrorKind#UNSUPPORTED_ALGORITHM} for an unknown name
         * @throws IllegalStateException when the replay store is closed
         * @throws UnsupportedOperationException when a replay store is set and the loaded
         *     libhxjwt has none
         */
        public Validation build() {
            CStrings algs = new CStrings(algorithms, "algorithms");
            long[] out = new long[1];
            int status = HxNative.hx_validation_new(algs.pointer(), algorithms.size(), out);
            Reference.reachabilityFence(algs);
            HxNative.check(status);
            Validation v = new Validation(out[0]);
            long p = v.acquire();
            try {
                if (leeway != null) {
                    HxNative.check(HxNative.hx_validation_set_leeway(p, leeway));
                }
                for (String a : audiences) {
                    HxNative.check(HxNative.hx_validation_add_audience(p,
                            HxNative.cstr(a, "audience")));
                }
                for (String i : issuers) {
                    HxNative.check(HxNative.hx_validation_add_issuer(p,
                            HxNative.cstr(i, "issuer")));
                }
                if (subject != null) {
                    HxNative.check(HxNative.hx_validation_set_subject(p,
                            HxNative.cstr(subject, "subject")));
                }
                if (requiredClaims != null) {
                    CStrings claims = new CStrings(requiredClaims, "requiredClaims");
                    int status2 = HxNative.hx_validation_set_required_claims(p,
                            claims.pointer(), requiredClaims.size());
                    Reference.reachabilityFence(claims);
                    HxNative.check(status2);
                }
                if (typ != null) {
                    HxNative.check(HxNative.hx_validation_set_typ(p, HxNative.cstr(typ, "typ")));
                }
                if (maxAge != null) {
                    HxNative.check(HxNative.hx_validation_set_max_age(p, maxAge));
                }
                if (maxTokenLength != null) {
                    HxNative.check(HxNative.hx_validation_set_max_token_length(p, maxTokenLength));
                }
                if (verifyExp != null) {
                    HxNative.check(HxNative.hx_validation_set_verify_exp(p,
                            HxNative.bool(verifyExp)));
                }
                if (verifyNbf != null) {
                    HxNative.check(HxNative.hx_validation_set_verify_nbf(p,
                            HxNative.bool(verifyNbf)));
                }
                if (verifyIat != null) {
                    HxNative.check(HxNative.hx_validation_set_verify_iat(p,
                            HxNative.bool(verifyIat)));
                }
                if (verifyAud != null) {
                    HxNative.check(HxNative.hx_validation_set_verify_aud(p,
                            HxNative.bool(verifyAud)));
                }
                if (time != null) {
                    HxNative.check(HxNative.hx_validation_set_time(p, time));
                }
                if (replayStore != null) {
                    HxNative.check(ReplayStore.with(replayStore,
                            s -> HxStoreNative.hx_validation_set_replay_store(p, s)));
                }
            } catch (RuntimeException e) {
                v.release();
                v.close();
                throw e;
            }
            v.release();
            return v;
        }
    }

    /**
     * <b>For tests, vectors and replaying recorded tokens only</b>: stops the validation's
     * clock at {@code unixSeconds}. Verifications in progress on other threads see the setting
     * before or after the change, never a mix.
     *
     * @param unixSeconds seconds since the Unix epoch
     * @throws IllegalStateException when the validation is closed
     */
    public void setTime(long unixSeconds) {
        long p = acquire();
        try {
            HxNative.check(HxNative.hx_validation_set_time(p, unixSeconds));
        } finally {
            release();
        }
    }

    /**
     * Makes the validation read the system clock again (the default).
     *
     * @throws IllegalStateException when the validation is closed
     */
    public void useSystemClock() {
        long p = acquire();
        try {
            HxNative.check(HxNative.hx_validation_use_system_clock(p));
        } finally {
            release();
        }
    }
}
