package dev.hxjwt;

import java.util.Objects;
import java.util.Optional;

/**
 * A key for signing or verifying standard JWTs: an HMAC secret, or an RSA (2048 to 8192 bits),
 * EC (P-256, P-384, P-521) or Ed25519 key, private or public. A key serves only the algorithms
 * of its type (an RSA key never serves HS256), and only its own {@linkplain #algorithm()
 * algorithm} when it has one. Immutable: {@link #withKid(String)}, {@link #toPublic()} and
 * {@link #allowShortSecret()} make new keys. Safe to use from several threads at once. Close it
 * when done (private material is wiped); key sets it was added to keep their own copy.
 *
 * <pre>{@code
 * try (Key signing = Key.generate("ES256"); Key verifying = signing.toPublic()) {
 *     String publish = signing.toPublicJwk();
 * }
 * }</pre>
 */
public final class Key extends NativeHandle {
    private Key(long peer) {
        super(peer, HxNative::hx_key_free, "key", null);
    }

    private static Key made(int status, long[] out) {
        HxNative.check(status);
        return new Key(out[0]);
    }

    /**
     * Reads a key from a JWK (RFC 7517/7518/8037), private or public: {@code kty} {@code "oct"},
     * {@code "RSA"}, {@code "EC"} or {@code "OKP"} (Ed25519). Its {@code kid}, {@code alg},
     * {@code use} and {@code key_ops} are kept and honoured.
     *
     * @param jwkJson the JWK
     * @return the key
     * @throws HxJwtException {@link ErrorKind#INVALID_KEY} for a JWK that is not such a key
     * @throws NullPointerException when {@code jwkJson} is null
     */
    public static Key fromJwk(String jwkJson) {
        byte[] j = HxNative.cstr(jwkJson, "jwkJson");
        long[] out = new long[1];
        return made(HxNative.hx_key_from_jwk(j, out), out);
    }

    /**
     * Reads a key from PEM text: {@code PRIVATE KEY} (PKCS#8), {@code PUBLIC KEY} (SPKI),
     * {@code RSA PRIVATE KEY} or {@code RSA PUBLIC KEY} (PKCS#1), {@code EC PRIVATE KEY} (SEC1).
     * The key has no {@code kid} (see {@link #withKid(String)}).
     *
     * @param pem the PEM text
     * @return the key
     * @throws HxJwtException {@link ErrorKind#INVALID_KEY} for anything else
     * @throws NullPointerException when {@code pem} is null
     */
    public static Key fromPem(String pem) {
        byte[] t = HxNative.cstr(pem, "pem");
        long[] out = new long[1];
        return made(HxNative.hx_key_from_pem(t, out), out);
    }

    /**
     * Reads a key from DER bytes: a PKCS#8 private key or an SPKI public key.
     *
     * @param der the DER bytes
     * @return the key
     * @throws HxJwtException {@link ErrorKind#INVALID_KEY} for anything else
     * @throws NullPointerException when {@code der} is null
     */
    public static Key fromDer(byte[] der) {
        Objects.requireNonNull(der, "der");
        long[] out = new long[1];
        return made(HxNative.hx_key_from_der(der, der.length, out), out);
    }

    /**
     * Makes an HMAC key (HS256, HS384, HS512) from raw secret bytes. A secret shorter than the
     * hash output (32, 48, 64 bytes) is refused when the key is used, unless
     * {@link #allowShortSecret()} made the key; an empty secret, or bytes that look like a PEM
     * or SSH key, are refused here.
     *
     * @param secret the secret (copied)
     * @return the key
     * @throws HxJwtException {@link ErrorKind#INVALID_KEY} for a refused secret
     * @throws NullPointerException when {@code secret} is null
     */
    public static Key fromSecret(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        long[] out = new long[1];
        return made(HxNative.hx_key_from_secret(secret, secret.length, out), out);
    }

    /**
     * Makes a new key for an algorithm from the operating system's random generator: a
     * hash-sized HMAC secret, a 2048-bit RSA key, a key on the algorithm's curve, or an Ed25519
     * key. The key is restricted to {@code alg} and its {@code kid} is its RFC 7638 thumbprint.
     *
     * @param alg {@code "HS256"} ... {@code "EdDSA"}, exactly
     * @return the key
     * @throws HxJwtException {@link ErrorKind#UNSUPPORTED_ALGORITHM} for an unknown name
     *     ({@code "none"} included)
     * @throws NullPointerException when {@code alg} is null
     */
    public static Key generate(String alg) {
        byte[] a = HxNative.cstr(alg, "alg");
        long[] out = new long[1];
        return made(HxNative.hx_key_generate(a, out), out);
    }

    /**
     * A copy of this key with another {@code kid} (written into the header of the tokens it
     * signs; selects it in a key set).
     *
     * @param kid the key id
     * @return the new key
     * @throws NullPointerException when {@code kid} is null
     * @throws IllegalStateException when this key is closed
     */
    public Key withKid(String kid) {
        byte[] k = HxNative.cstr(kid, "kid");
        long p = acquire();
        try {
            long[] out = new long[1];
            return made(HxNative.hx_key_with_kid(p, k, out), out);
        } finally {
            release();
        }
    }

    /**
     * A copy of this HMAC key that accepts a secret shorter than the hash output. RFC 7518
     * section 3.2 forbids such secrets: only to interoperate with systems that already issue
     * such tokens.
     *
     * @return the new key
     * @throws HxJwtException {@link ErrorKind#INVALID_KEY} for a key that is not an HMAC secret
     * @throws IllegalStateException when this key is closed
     */
    public Key allowShortSecret() {
        long p = acquire();
        try {
            long[] out = new long[1];
            return made(HxNative.hx_key_allow_short_secret(p, out), out);
        } finally {
            release();
        }
    }

    /**
     * The public half of this key (same {@code kid}, {@code alg} and {@code use}): what
     * verifiers get.
     *
     * @return the public key
     * @throws HxJwtException {@link ErrorKind#INVALID_KEY} for an HMAC secret
     * @throws IllegalStateException when this key is closed
     */
    public Key toPublic() {
        long p = acquire();
        try {
            long[] out = new long[1];
            return made(HxNative.hx_key_to_public(p, out), out);
        } finally {
            release();
        }
    }

    /**
     * The public JWK of this key (no private member): what a key set publishes.
     *
     * @return the JWK as JSON
     * @throws HxJwtException {@link ErrorKind#INVALID_KEY} for an HMAC secret, which must never
     *     be published
     * @throws IllegalStateException when this key is closed
     */
    public String toPublicJwk() {
        long p = acquire();
        try {
            long[] out = new long[1];
            HxNative.check(HxNative.hx_key_to_public_jwk(p, out));
            return HxNative.owned(out[0]);
        } finally {
            release();
        }
    }

    /**
     * The full JWK of this key, <b>including its private members</b>: store it like a password,
     * and load it again with {@link #fromJwk(String)}. For a public key, the public JWK.
     *
     * @return the JWK as JSON
     * @throws IllegalStateException when this key is closed
     */
    public String toPrivateJwk() {
        long p = acquire();
        try {
            long[] out = new long[1];
            HxNative.check(HxNative.hx_key_to_private_jwk(p, out));
            return HxNative.owned(out[0]);
        } finally {
            release();
        }
    }

    /**
     * The RFC 7638 thumbprint (base64url SHA-256 of the required public members; the same for
     * a private key and its public half). For an HMAC secret it is computed over the secret:
     * treat it as sensitive.
     *
     * @return the thumbprint
     * @throws IllegalStateException when this key is closed
     */
    public String thumbprint() {
        long p = acquire();
        try {
            long[] out = new long[1];
            HxNative.check(HxNative.hx_key_thumbprint(p, out));
            return HxNative.owned(out[0]);
        } finally {
            release();
        }
    }

    /**
     * The key's {@code kid}.
     *
     * @return the key id, or empty when the key has none
     * @throws IllegalStateException when this key is closed
     */
    public Optional<String> kid() {
        long p = acquire();
        try {
            return Optional.ofNullable(HxNative.borrowed(HxNative.hx_key_kid(p)));
        } finally {
            release();
        }
    }

    /**
     * The one algorithm the key is restricted to (a generated key, or a JWK with {@code alg}).
     *
     * @return the algorithm's name, or empty when the key serves every algorithm of its type
     * @throws IllegalStateException when this key is closed
     */
    public Optional<String> algorithm() {
        long p = acquire();
        try {
            return Optional.ofNullable(HxNative.staticString(HxNative.hx_key_algorithm(p)));
        } finally {
            release();
        }
    }

    /**
     * Whether the key can sign: an HMAC secret or a private key (true), or a public key.
     *
     * @return whether the key can sign
     * @throws IllegalStateException when this key is closed
     */
    public boolean isPrivate() {
        long p = acquire();
        try {
            return HxNative.hx_key_is_private(p) != 0;
        } finally {
            release();
        }
    }

}
