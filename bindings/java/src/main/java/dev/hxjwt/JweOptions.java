package dev.hxjwt;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Jwe#decrypt(String, JweKey, JweOptions)} and the other decryptions accept: the
 * key management algorithms ({@code alg}) and content encryptions ({@code enc}), as explicit
 * lists (there is no default: the token's header never chooses), the longest token, the
 * largest PBES2 {@code p2c}, whether {@code zip} is accepted and how far it may inflate, the
 * {@code crit} names understood, and the required {@code typ}. Made by {@link #builder()}. Safe
 * to share between threads: any number of threads may decrypt with it at once. Close it when
 * done.
 *
 * <pre>{@code
 * try (JweOptions o = JweOptions.builder().algorithms("ECDH-ES+A256KW").encryptions("A256GCM")
 *         .build()) {
 *     JweDecrypted d = Jwe.decrypt(token, recipientKey, o);
 * }
 * }</pre>
 *
 * <p>Defaults: tokens up to {@link #DEFAULT_MAX_TOKEN_LENGTH} bytes, PBES2 {@code p2c} up to
 * {@link #DEFAULT_MAX_P2C}, {@code zip} refused, no {@code crit} name understood, no
 * {@code typ} required.
 */
public final class JweOptions extends NativeHandle {
    /** The longest token accepted unless {@link Builder#maxTokenLength(long)} says otherwise
     *  (256 KiB): equal to the C library's {@code HX_JWE_DEFAULT_MAX_TOKEN_LENGTH}. */
    public static final long DEFAULT_MAX_TOKEN_LENGTH = 262_144;
    /** The largest PBES2 {@code p2c} accepted unless {@link Builder#maxP2c(long)} says
     *  otherwise; checked before any PBKDF2 work. Equal to the C library's
     *  {@code HX_JWE_DEFAULT_MAX_P2C}. */
    public static final long DEFAULT_MAX_P2C = 200_000;
    /** A sensible value for {@link Builder#allowZip(long)} (250 000 bytes); {@code zip} is
     *  refused unless it is called. Equal to the C library's
     *  {@code HX_JWE_DEFAULT_MAX_INFLATED_LENGTH}. */
    public static final long DEFAULT_MAX_INFLATED_LENGTH = 250_000;

    private JweOptions(long peer) {
        super(peer, HxNative::hx_jwe_options_free, "JWE options", null);
    }

    /**
     * Starts building options; name the accepted algorithms and encryptions, then
     * {@link Builder#build()}.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private static List<String> copy(String[] names, String what) {
        Objects.requireNonNull(names, what);
        List<String> out = new ArrayList<>(names.length);
        for (String n : names) {
            out.add(Objects.requireNonNull(n, what + " has a null element"));
        }
        return out;
    }

    /** Collects the options' settings; {@link #build()} makes them. Not thread-safe. */
    public static final class Builder {
        private final List<String> algorithms = new ArrayList<>();
        private final List<String> encryptions = new ArrayList<>();
        private Long maxTokenLength;
        private Long maxP2c;
        private Long allowZip;
        private List<String> critical;
        private String typ;

        private Builder() {}

        /**
         * Also accepts these key management algorithms ({@code "dir"}, {@code "A128KW"},
         * {@code "ECDH-ES+A256KW"}, {@code "RSA-OAEP-256"}, {@code "PBES2-HS256+A128KW"},
         * {@code "ECDH-1PU+A128KW"}, ...; exact names). At least one is required.
         *
         * @param algorithms accepted {@code alg} values
         * @return this builder
         * @throws NullPointerException when the array or one of its elements is null
         */
        public Builder algorithms(String... algorithms) {
            this.algorithms.addAll(copy(algorithms, "algorithms"));
            return this;
        }

        /**
         * Also accepts these content encryptions ({@code "A256GCM"}, {@code "A128CBC-HS256"},
         * ...; exact names). At least one is required.
         *
         * @param encryptions accepted {@code enc} values
         * @return this builder
         * @throws NullPointerException when the array or one of its elements is null
         */
        public Builder encryptions(String... encryptions) {
            this.encryptions.addAll(copy(encryptions, "encryptions"));
            return this;
        }

        /**
         * The longest token accepted (compact or JSON); a longer one fails with
         * {@link ErrorKind#MALFORMED} before anything is decoded.
         *
         * @param bytes a positive length; defaults to {@link #DEFAULT_MAX_TOKEN_LENGTH}
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder maxTokenLength(long bytes) {
            this.maxTokenLength = HxNative.nonNegative(bytes, "maxTokenLength");
            return this;
        }

        /**
         * The largest PBES2 {@code p2c} (iteration count) accepted; a larger one fails with
         * {@link ErrorKind#MALFORMED} before any PBKDF2 work.
         *
         * @param iterations 0 to 4294967295 (0 accepts no PBES2 token at all); defaults to
         *     {@link #DEFAULT_MAX_P2C}
         * @return this builder
         * @throws IllegalArgumentException when out of that range
         */
        public Builder maxP2c(long iterations) {
            if (iterations < 0 || iterations > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("maxP2c is not a 32-bit unsigned count: "
                        + iterations);
            }
            this.maxP2c = iterations;
            return this;
        }

        /**
         * Accepts {@code zip: "DEF"} (refused by default with {@link ErrorKind#UNKNOWN_HEADER}),
         * inflating to at most {@code maxInflatedBytes}: a larger plaintext fails with
         * {@link ErrorKind#MALFORMED} as soon as it passes the limit.
         *
         * @param maxInflatedBytes the cap ({@link #DEFAULT_MAX_INFLATED_LENGTH} is sensible); 0
         *     refuses {@code zip} again
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder allowZip(long maxInflatedBytes) {
            this.allowZip = HxNative.nonNegative(maxInflatedBytes, "allowZip");
            return this;
        }

        /**
         * The {@code crit} header names the caller understands and checks itself in
         * {@link JweDecrypted#header()}; replaces earlier ones. By default there are none: a
         * token with {@code crit} fails with {@link ErrorKind#UNKNOWN_HEADER}.
         *
         * @param names the names understood
         * @return this builder
         * @throws NullPointerException when the array or one of its elements is null
         */
        public Builder critical(String... names) {
            this.critical = copy(names, "critical");
            return this;
        }

        /**
         * Requires the header's {@code typ} to be {@code typ} (compared case-insensitively); a
         * token without it, or with another, fails with {@link ErrorKind#INVALID_CLAIM}.
         *
         * @param typ the required {@code typ}, or null for none (the default)
         * @return this builder
         */
        public Builder typ(String typ) {
            this.typ = typ;
            return this;
        }

        /**
         * Makes the options.
         *
         * @return the options
         * @throws HxJwtException {@link ErrorKind#INVALID_ARGUMENT} for an empty list of
         *     algorithms or encryptions (or a maximum token length of 0),
         *     {@link ErrorKind#UNSUPPORTED_ALGORITHM} for an unknown name or {@code "RSA1_5"}
         *     (never accepted)
         */
        public JweOptions build() {
            CStringArray algs = new CStringArray(algorithms, "algorithms");
            CStringArray encs = new CStringArray(encryptions, "encryptions");
            CStringArray crit = critical == null ? null : new CStringArray(critical, "critical");
            byte[] t = HxNative.cstrOrNull(typ, "typ");
            long[] out = new long[1];
            int status = HxNative.hx_jwe_options_new(algs.pointer(), algs.size(),
                    encs.pointer(), encs.size(), out);
            Reference.reachabilityFence(algs);
            Reference.reachabilityFence(encs);
            HxNative.check(status);
            JweOptions o = new JweOptions(out[0]);
            long p = o.acquire();
            try {
                if (maxTokenLength != null) {
                    HxNative.check(HxNative.hx_jwe_options_set_max_token_length(p,
                            maxTokenLength));
                }
                if (maxP2c != null) {
                    HxNative.check(HxNative.hx_jwe_options_set_max_p2c(p,
                            (int) maxP2c.longValue()));
                }
                if (allowZip != null) {
                    HxNative.check(HxNative.hx_jwe_options_allow_zip(p, allowZip));
                }
                if (crit != null) {
                    int s = HxNative.hx_jwe_options_set_critical(p, crit.pointer(), crit.size());
                    Reference.reachabilityFence(crit);
                    HxNative.check(s);
                }
                if (t != null) {
                    HxNative.check(HxNative.hx_jwe_options_set_typ(p, t));
                }
            } catch (RuntimeException e) {
                o.release();
                o.close();
                throw e;
            }
            o.release();
            return o;
        }
    }
}
