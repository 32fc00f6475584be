package dev.hxjwt;

/**
 * A service's identity: its name and its X25519 key pair, <b>private key included</b>. Its
 * public half, the {@linkplain #machineToken() machine token}, is what peers and directories
 * need. Immutable; safe to use from several threads at once. Close it when done (the private key
 * is wiped); endpoints made from it keep their own copy.
 *
 * <pre>{@code
 * try (Identity alice = Identity.generate("alice.service")) {
 *     String publicJwk = alice.machineToken();   // publish this
 *     String privateJwk = alice.toJwk();         // store this like a password
 * }
 * }</pre>
 */
public final class Identity extends NativeHandle {
    private final String name;

    private Identity(long peer) {
        super(peer, HxNative::hx_identity_free, "identity", null);
        this.name = HxNative.borrowed(HxNative.hx_identity_name(peer));
    }

    /**
     * Makes a new identity with a fresh key pair from the operating system's random generator.
     *
     * @param name the identity's name: 1 to 255 bytes of UTF-8, no control characters
     * @return the identity
     * @throws HxJwtException {@link ErrorKind#INVALID_ARGUMENT} for an unusable name
     * @throws NullPointerException when {@code name} is null
     */
    public static Identity generate(String name) {
        byte[] n = HxNative.cstr(name, "name");
        long[] out = new long[1];
        HxNative.check(HxNative.hx_identity_generate(n, out));
        return new Identity(out[0]);
    }

    /**
     * Reads an identity from its private OKP X25519 JWK, as {@link #toJwk()} writes it.
     *
     * @param privateJwkJson the private JWK, with {@code kid} (the name) and {@code d}
     * @return the identity
     * @throws HxJwtException {@link ErrorKind#INVALID_KEY} for a JWK that is not such a key
     * @throws NullPointerException when {@code privateJwkJson} is null
     */
    public static Identity fromJwk(String privateJwkJson) {
        byte[] j = HxNative.cstr(privateJwkJson, "privateJwkJson");
        long[] out = new long[1];
        HxNative.check(HxNative.hx_identity_from_jwk(j, out));
        return new Identity(out[0]);
    }

    /**
     * The identity's name.
     *
     * @return the name (works after close too)
     */
    public String name() {
        return name;
    }

    /**
     * The machine token: the public OKP X25519 JWK
     * ({@code {"kty":"OKP","crv":"X25519","kid":NAME,"use":"enc","x":...}}) that peers and
     * directories need.
     *
     * @return the public JWK as JSON
     * @throws IllegalStateException when the identity is closed
     */
    public String machineToken() {
        long p = acquire();
        try {
            long[] out = new long[1];
            HxNative.check(HxNative.hx_identity_machine_token(p, out));
            return HxNative.owned(out[0]);
        } finally {
            release();
        }
    }

    /**
     * The private JWK, <b>including the private key {@code d}</b>: store it like a password,
     * and load it again with {@link #fromJwk(String)}.
     *
     * @return the private JWK as JSON
     * @throws IllegalStateException when the identity is closed
     */
    public String toJwk() {
        long p = acquire();
        try {
            long[] out = new long[1];
            HxNative.check(HxNative.hx_identity_to_jwk(p, out));
            return HxNative.owned(out[0]);
        } finally {
            release();
        }
    }

    /**
     * The identity's name, never its key.
     *
     * @return {@code Identity[name]}
     */
    @Override
    public String toString() {
        return "Identity[" + name + "]";
    }
}
