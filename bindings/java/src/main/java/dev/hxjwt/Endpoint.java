package dev.hxjwt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One identity with its directory, validation policy and caches: creates tokens for peers (HX1, or
 * a standard ECDH-1PU JWE: {@link CreateOptions#withProtocol(Protocol)}) and validates tokens of
 * either mode from them ({@link Message#protocol()} tells which). Safe to share between threads:
 * any number of threads may create and validate at once (they share its key cache and replay store,
 * so share one endpoint per identity), and the setters may be called at any time. Close it when
 * done.
 *
 * <pre>{@code
 * try (Endpoint orders = new Endpoint(ordersId, fleet);
 *      Endpoint billing = Endpoint.builder(billingId).directory(fleet)
 *              .leeway(Duration.ofSeconds(30)).replayProtection(true).build()) {
 *     String token = orders.create("billing.service", "{\"order\":42}", Duration.ofMinutes(5));
 *     Message m = billing.validate(token);      // m.issuer() is "orders.service"
 * }
 * }</pre>
 *
 * <p>Two modes: with a directory, peers are named ({@link #create(String, byte[], Duration)},
 * {@link #validate(String)}); without one, their machine tokens are given
 * ({@link #createFor(String, byte[], Duration)}, {@link #validateFrom(String, String)}).
 */
public final class Endpoint extends NativeHandle {

    /**
     * Makes an endpoint without a directory: only {@code createFor} and {@code validateFrom}
     * work. The endpoint keeps its own copy of the identity, which may be closed right after.
     *
     * @param identity the endpoint's identity
     * @throws NullPointerException when {@code identity} is null
     * @throws IllegalStateException when {@code identity} is closed
     */
    public Endpoint(Identity identity) {
        this(identity, null);
    }

    /**
     * Makes an endpoint that resolves peers' names with {@code directory} (null: none). The
     * endpoint keeps its own copy of the identity and its own reference to the directory: both
     * may be closed right after. Defaults: system clock, no leeway, no maximum lifetime, tokens
     * up to 64 KiB, no replay protection.
     *
     * @param identity the endpoint's identity
     * @param directory where peers' machine tokens are found, or null
     * @throws NullPointerException when {@code identity} is null
     * @throws IllegalStateException when {@code identity} or {@code directory} is closed
     */
    public Endpoint(Identity identity, Directory directory) {
        super(make(identity, directory), HxNative::hx_endpoint_free, "endpoint",
                directory == null ? null : directory.keepAlive());
    }

    private static long make(Identity identity, Directory directory) {
        Objects.requireNonNull(identity, "identity");
        long id = identity.acquire();
        try {
            long dir = directory == null ? 0 : directory.acquire();
            try {
                long[] out = new long[1];
                HxNative.check(HxNative.hx_endpoint_new(id, dir, out));
                return out[0];
            } finally {
                if (directory != null) {
                    directory.release();
                }
            }
        } finally {
            identity.release();
        }
    }

    /**
     * Starts building an endpoint for {@code identity}.
     *
     * @param identity the endpoint's identity
     * @return a builder
     * @throws NullPointerException when {@code identity} is null
     */
    public static Builder builder(Identity identity) {
        return new Builder(Objects.requireNonNull(identity, "identity"));
    }

    /**
     * Collects an endpoint's settings; {@link #build()} makes it. Not thread-safe.
     */
    public static final class Builder {
        private final Identity identity;
        private Directory directory;
        private Long leeway;
        private Long maxLifetime;
        private Long maxTokenLength;
        private final List<String> audiences = new ArrayList<>();
        private boolean replayProtection;
        private ReplayStore replayStore;
        private Long time;

        private Builder(Identity identity) {
            this.identity = identity;
        }

        /**
         * Resolves peers' names with this directory.
         *
         * @param directory the directory, or null for none
         * @return this builder
         */
        public Builder directory(Directory directory) {
            this.directory = directory;
            return this;
        }

        /**
         * The clock skew tolerated on {@code exp}, {@code iat} and {@code nbf}.
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
         * The longest lifetime ({@code exp - iat}) a token may have to be accepted.
         *
         * @param maxLifetime whole seconds; {@link Duration#ZERO} (the default) is no limit
         * @return this builder
         * @throws IllegalArgumentException when negative or not whole seconds
         */
        public Builder maxLifetime(Duration maxLifetime) {
            this.maxLifetime = HxNative.seconds(maxLifetime, "maxLifetime");
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
         * Also accepts tokens addressed to these aliases of the endpoint.
         *
         * @param names extra accepted {@code aud} names
         * @return this builder
         * @throws NullPointerException when a name is null
         */
        public Builder audiences(String... names) {
            for (String n : Objects.requireNonNull(names, "names")) {
                audiences.add(Objects.requireNonNull(n, "names has a null element"));
            }
            return this;
        }

        /**
         * Refuses a token accepted before (in memory, until it expires) with
         * {@link ErrorKind#REPLAYED}.
         *
         * @param on whether replay protection is on; defaults to off
         * @return this builder
         */
        public Builder replayProtection(boolean on) {
            this.replayProtection = on;
            return this;
        }

        /**
         * Records accepted tokens in a shared replay store (see
         * {@link Endpoint#setReplayStore(ReplayStore)}); it replaces
         * {@link #replayProtection(boolean)}.
         *
         * @param store the store, or null for none
         * @return this builder
         */
        public Builder replayStore(ReplayStore store) {
            this.replayStore = store;
            return this;
        }

        /**
         * <b>For tests, vectors and replaying recorded traffic only</b>: stops the endpoint's
         * clock at an instant.
         *
         * @param unixSeconds the instant, in seconds since the Unix epoch
         * @return this builder
         */
        public Builder time(long unixSeconds) {
            this.time = unixSeconds;
            return this;
        }

        /**
         * Makes the endpoint.
         *
         * @return the endpoint
         * @throws HxJwtException when the library refuses a setting
         * @throws IllegalStateException when the identity or directory is closed
         */
        public Endpoint build() {
            Endpoint ep = new Endpoint(identity, directory);
            try {
                if (leeway != null) {
                    ep.setLeeway(Duration.ofSeconds(leeway));
                }
                if (maxLifetime != null) {
                    ep.setMaxLifetime(Duration.ofSeconds(maxLifetime));
                }
                if (maxTokenLength != null) {
                    ep.setMaxTokenLength(maxTokenLength);
                }
                for (String a : audiences) {
                    ep.addAudience(a);
                }
                if (replayProtection) {
                    ep.setReplayProtection(true);
                }
                if (replayStore != null) {
                    ep.setReplayStore(replayStore);
                }
                if (time != null) {
                    ep.setTime(time);
                }
                return ep;
            } catch (RuntimeException e) {
                ep.close();
                throw e;
            }
        }
    }

    // ---- creating -----------------------------------------------------------------------

    /**
     * Creates a token for the peer named {@code to}, resolved through the directory.
     *
     * @param to the recipient's name
     * @param payload the bytes to encrypt
     * @param ttl how long the token is valid: whole seconds, at least 1
     * @return the token
     * @throws HxJwtException {@link ErrorKind#UNKNOWN_ISSUER} when the directory does not know
     *     {@code to}, {@link ErrorKind#INVALID_ARGUMENT} without a directory or for a zero ttl
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when the endpoint is closed
     */
    public String create(String to, byte[] payload, Duration ttl) {
        return create(to, payload, CreateOptions.ttl(ttl));
    }

    /**
     * Creates a token for the peer named {@code to}, carrying {@code payload} as UTF-8.
     *
     * @param to the recipient's name
     * @param payload the text to encrypt
     * @param ttl how long the token is valid: whole seconds, at least 1
     * @return the token
     * @throws HxJwtException as {@link #create(String, byte[], Duration)}
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when the endpoint is closed
     */
    public String create(String to, String payload, Duration ttl) {
        return create(to, HxNative.bytes(payload, "payload"), CreateOptions.ttl(ttl));
    }

    /**
     * Creates a token for the peer named {@code to}, with options.
     *
     * @param to the recipient's name
     * @param payload the bytes to encrypt
     * @param options the lifetime, the optional {@code nbf}, {@code jti}, {@code cty}, and the
     *     {@linkplain CreateOptions#withProtocol(Protocol) mode}
     * @return the token
     * @throws HxJwtException as {@link #create(String, byte[], Duration)}
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when the endpoint is closed
     */
    public String create(String to, byte[] payload, CreateOptions options) {
        return doCreate(HxNative.cstr(to, "to"), null, payload, options);
    }

    /**
     * Creates a token for the peer whose machine token is given (no directory needed).
     *
     * @param recipientMachineToken the recipient's public JWK
     * @param payload the bytes to encrypt
     * @param ttl how long the token is valid: whole seconds, at least 1
     * @return the token
     * @throws HxJwtException {@link ErrorKind#INVALID_KEY} for a JWK that is not a public
     *     X25519 key, {@link ErrorKind#INVALID_ARGUMENT} for a zero ttl
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when the endpoint is closed
     */
    public String createFor(String recipientMachineToken, byte[] payload, Duration ttl) {
        return createFor(recipientMachineToken, payload, CreateOptions.ttl(ttl));
    }

    /**
     * Creates a token carrying {@code payload} as UTF-8 for the peer whose machine token is
     * given.
     *
     * @param recipientMachineToken the recipient's public JWK
     * @param payload the text to encrypt
     * @param ttl how long the token is valid: whole seconds, at least 1
     * @return the token
     * @throws HxJwtException as {@link #createFor(String, byte[], Duration)}
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when the endpoint is closed
     */
    public String createFor(String recipientMachineToken, String payload, Duration ttl) {
        return createFor(recipientMachineToken, HxNative.bytes(payload, "payload"),
                CreateOptions.ttl(ttl));
    }

    /**
     * Creates a token for the peer whose machine token is given, with options.
     *
     * @param recipientMachineToken the recipient's public JWK
     * @param payload the bytes to encrypt
     * @param options the lifetime, the optional {@code nbf}, {@code jti}, {@code cty}, and the
     *     {@linkplain CreateOptions#withProtocol(Protocol) mode}
     * @return the token
     * @throws HxJwtException as {@link #createFor(String, byte[], Duration)}
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when the endpoint is closed
     */
    public String createFor(String recipientMachineToken, byte[] payload, CreateOptions options) {
        return doCreate(null, HxNative.cstr(recipientMachineToken, "recipientMachineToken"),
                payload, options);
    }

    private String doCreate(byte[] name, byte[] machineToken, byte[] payload,
            CreateOptions options) {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(options, "options");
        long ttl = HxNative.seconds(options.ttl(), "ttl");
        long[] out = new long[1];
        long p = acquire();
        try {
            int status;
            if (options.protocol() == Protocol.HX1 && options.notBefore() == null
                    && options.jti() == null && options.contentType() == null) {
                status = HxNative.hx_create_jwt(p, name, machineToken, payload, payload.length,
                        ttl, out);
            } else {
                long[] nbf = options.notBefore() == null ? null : new long[] {options.notBefore()};
                byte[] jti = HxNative.cstrOrNull(options.jti(), "jti");
                byte[] cty = HxNative.cstrOrNull(options.contentType(), "contentType");
                status = options.protocol() == Protocol.ECDH_1PU
                        ? HxNative.hx_create_jwt_1pu(p, name, machineToken, payload,
                                payload.length, ttl, nbf, jti, cty, out)
                        : HxNative.hx_create_jwt_ex(p, name, machineToken, payload,
                                payload.length, ttl, nbf, jti, cty, out);
            }
            HxNative.check(status);
            return HxNative.owned(out[0]);
        } finally {
            release();
        }
    }

    // ---- validating ---------------------------------------------------------------------

    /**
     * Validates a token addressed to this endpoint, resolving its sender ({@code iss}) through
     * the directory.
     *
     * @param token the token, of either {@linkplain Protocol mode}
     * @return the authenticated, decrypted message
     * @throws HxJwtException the kind of the first check that failed (PROTOCOL.md section 4):
     *     {@link ErrorKind#MALFORMED}, {@link ErrorKind#WRONG_AUDIENCE},
     *     {@link ErrorKind#UNKNOWN_ISSUER}, {@link ErrorKind#INVALID_SIGNATURE},
     *     {@link ErrorKind#EXPIRED}, {@link ErrorKind#REPLAYED}, ...
     * @throws NullPointerException when {@code token} is null
     * @throws IllegalStateException when the endpoint is closed
     */
    public Message validate(String token) {
        return doValidate(HxNative.cstr(token, "token"), null);
    }

    /**
     * Validates a token from the sender whose machine token is given (no directory needed); a
     * token from anyone else fails with {@link ErrorKind#ISSUER_MISMATCH}.
     *
     * @param token the token, of either {@linkplain Protocol mode}
     * @param senderMachineToken the sender's public JWK
     * @return the authenticated, decrypted message
     * @throws HxJwtException as {@link #validate(String)}, and {@link ErrorKind#INVALID_KEY}
     *     for a sender JWK that is not a public X25519 key
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when the endpoint is closed
     */
    public Message validateFrom(String token, String senderMachineToken) {
        return doValidate(HxNative.cstr(token, "token"),
                HxNative.cstr(senderMachineToken, "senderMachineToken"));
    }

    private Message doValidate(byte[] token, byte[] sender) {
        long[] out = new long[1];
        long p = acquire();
        try {
            HxNative.check(HxNative.hx_validate_jwt(p, token, sender, out));
        } finally {
            release();
        }
        try {
            return Message.copyOf(out[0]);
        } finally {
            HxNative.hx_message_free(out[0]);
        }
    }

    // ---- settings -----------------------------------------------------------------------

    /**
     * Sets the clock skew tolerated on {@code exp}, {@code iat} and {@code nbf}.
     *
     * @param leeway whole seconds
     * @throws IllegalArgumentException when negative or not whole seconds
     * @throws IllegalStateException when the endpoint is closed
     */
    public void setLeeway(Duration leeway) {
        long s = HxNative.seconds(leeway, "leeway");
        long p = acquire();
        try {
            HxNative.check(HxNative.hx_endpoint_set_leeway(p, s));
        } finally {
            release();
        }
    }

    /**
     * Sets the longest lifetime ({@code exp - iat}) accepted; longer tokens fail with
     * {@link ErrorKind#LIFETIME_TOO_LONG}.
     *
     * @param maxLifetime whole seconds; {@link Duration#ZERO} removes the limit
     * @throws IllegalArgumentException when negative or not whole seconds
     * @throws IllegalStateException when the endpoint is closed
     */
    public void setMaxLifetime(Duration maxLifetime) {
        long s = HxNative.seconds(maxLifetime, "maxLifetime");
        long p = acquire();
        try {
            HxNative.check(HxNative.hx_endpoint_set_max_lifetime(p, s));
        } finally {
            release();
        }
    }

    /**
     * Sets the longest token accepted, in bytes; longer ones fail with
     * {@link ErrorKind#MALFORMED} before any other work.
     *
     * @param bytes at least 1
     * @throws HxJwtException {@link ErrorKind#INVALID_ARGUMENT} for 0
     * @throws IllegalArgumentException when negative
     * @throws IllegalStateException when the endpoint is closed
     */
    public void setMaxTokenLength(long bytes) {
        long n = HxNative.nonNegative(bytes, "maxTokenLength");
        long p = acquire();
        try {
            HxNative.check(HxNative.hx_endpoint_set_max_token_length(p, n));
        } finally {
            release();
        }
    }

    /**
     * Also accepts tokens addressed to {@code name}, an alias of this endpoint.
     *
     * @param name the alias
     * @throws NullPointerException when {@code name} is null
     * @throws IllegalStateException when the endpoint is closed
     */
    public void addAudience(String name) {
        byte[] n = HxNative.cstr(name, "name");
        long p = acquire();
        try {
            HxNative.check(HxNative.hx_endpoint_add_audience(p, n));
        } finally {
            release();
        }
    }

    /**
     * Turns replay protection on or off; turning it on starts with an empty store.
     *
     * @param on whether a token accepted once is refused with {@link ErrorKind#REPLAYED}
     * @throws IllegalStateException when the endpoint is closed
     */
    public void setReplayProtection(boolean on) {
        long p = acquire();
        try {
            HxNative.check(HxNative.hx_endpoint_set_replay_protection(p, HxNative.bool(on)));
        } finally {
            release();
        }
    }

    /**
     * Records each token this endpoint accepts in {@code store} (replacing any replay
     * protection it had), so that a token is accepted once by every endpoint sharing the store:
     * a token seen before fails with {@link ErrorKind#REPLAYED}, one that cannot be checked
     * (the Redis server is down) with {@link ErrorKind#STORE_UNAVAILABLE}.
     *
     * @param store the store (the endpoint keeps its own reference), or null to turn replay
     *     protection off
     * @throws IllegalStateException when the endpoint or the store is closed
     * @throws UnsupportedOperationException when the loaded libhxjwt has no replay stores
     */
    public void setReplayStore(ReplayStore store) {
        long p = acquire();
        try {
            HxNative.check(ReplayStore.with(store,
                    s -> HxStoreNative.hx_endpoint_set_replay_store(p, s)));
        } finally {
            release();
        }
    }

    /**
     * <b>For tests, known-answer vectors and replaying recorded traffic only</b>: stops the
     * endpoint's clock at {@code unixSeconds}; tokens are created and checked at that instant.
     *
     * @param unixSeconds seconds since the Unix epoch
     * @throws IllegalStateException when the endpoint is closed
     */
    public void setTime(long unixSeconds) {
        long p = acquire();
        try {
            HxNative.check(HxNative.hx_endpoint_set_time(p, unixSeconds));
        } finally {
            release();
        }
    }

    /**
     * Makes the endpoint read the system clock again (the default).
     *
     * @throws IllegalStateException when the endpoint is closed
     */
    public void useSystemClock() {
        long p = acquire();
        try {
            HxNative.check(HxNative.hx_endpoint_use_system_clock(p));
        } finally {
            release();
        }
    }

    /**
     * Keeps the key pair of {@code previous} for receiving (a key rotation, docs/ROTATION.md);
     * at most 2 are kept, newest first.
     *
     * @param previous the old (or next) identity
     * @throws NullPointerException when {@code previous} is null
     * @throws IllegalStateException when the endpoint or {@code previous} is closed
     */
    public void addPreviousIdentity(Identity previous) {
        Objects.requireNonNull(previous, "previous");
        long p = acquire();
        try {
            long id = previous.acquire();
            try {
                HxNative.check(HxNative.hx_endpoint_add_previous_identity(p, id));
            } finally {
                previous.release();
            }
        } finally {
            release();
        }
    }

    /**
     * Rotates the endpoint's key: {@code newIdentity} creates from now on, and the current one
     * is kept for receiving.
     *
     * @param newIdentity the new identity, with the endpoint's name
     * @throws NullPointerException when {@code newIdentity} is null
     * @throws IllegalStateException when the endpoint or {@code newIdentity} is closed
     */
    public void rotateIdentity(Identity newIdentity) {
        Objects.requireNonNull(newIdentity, "newIdentity");
        long p = acquire();
        try {
            long id = newIdentity.acquire();
            try {
                HxNative.check(HxNative.hx_endpoint_rotate_identity(p, id));
            } finally {
                newIdentity.release();
            }
        } finally {
            release();
        }
    }

    /**
     * Forgets the previous identities: tokens sealed to those keys no longer validate.
     *
     * @throws IllegalStateException when the endpoint is closed
     */
    public void clearPreviousIdentities() {
        long p = acquire();
        try {
            HxNative.check(HxNative.hx_endpoint_clear_previous_identities(p));
        } finally {
            release();
        }
    }

    /**
     * The number of previous identities kept for receiving.
     *
     * @return 0 to 2
     * @throws IllegalStateException when the endpoint is closed
     */
    public int previousIdentityCount() {
        long p = acquire();
        try {
            long[] out = new long[1];
            HxNative.check(HxNative.hx_endpoint_previous_identity_count(p, out));
            return (int) out[0];
        } finally {
            release();
        }
    }
}
