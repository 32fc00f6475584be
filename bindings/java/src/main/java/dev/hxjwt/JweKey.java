package dev.hxjwt;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A key for encrypting or decrypting standard JWE tokens ({@link Jwe}): a symmetric secret
 * ({@code dir}, {@code A*KW}, {@code A*GCMKW}) or a PBES2 password, an RSA key (RSA-OAEP, 2048
 * to 8192 bits), an EC key on P-256, P-384 or P-521, or an X25519 key (ECDH-ES, ECDH-1PU),
 * private or public. A key serves only the algorithms of its type, and a JWK's {@code alg},
 * {@code use} and {@code key_ops} are honoured. Immutable: {@link #withKid(String)} and
 * {@link #toPublic()} make new keys. Safe to use from several threads at once. Close it when
 * done (private material is wiped).
 *
 * <pre>{@code
 * try (JweKey recipient = JweKey.generate("X25519"); JweKey publicKey = recipient.toPublic()) {
 *     String publish = recipient.toPublicJwk();   // what senders encrypt to
 * }
 * }</pre>
 */
public final class JweKey extends NativeHandle {
    private JweKey(long peer) {
        super(peer, HxNative::hx_jwe_key_free, "JWE key", null);
    }

    private static JweKey made(int status, long[] out) {
        HxNative.check(status);
        return new JweKey(out[0]);
    }

    /**
     * Reads a JWE key from a JWK (RFC 7517/7518/8037), private or public: {@code kty}
     * {@code "oct"} (a secret or PBES2 password), {@code "RSA"}, {@code "EC"} ({@code crv}
     * P-256, P-384, P-521) or {@code "OKP"} ({@code crv} X25519). Its {@code kid}, {@code alg},
     * {@code use} and {@code key_ops} are kept and honoured.
     *
     * @param jwkJson the JWK
     * @return the key
     * @throws HxJwtException {@link ErrorKind#INVALID_KEY} for a JWK that is not a JWE key (a
     *     {@code use} other than {@code "enc"}, a JWS {@code alg}, a point off its curve, ...)
     * @throws NullPointerException when {@code jwkJson} is null
     */
    public static JweKey fromJwk(String jwkJson) {
        byte[] j = HxNative.cstr(jwkJson, "jwkJson");
        long[] out = new long[1];
        return made(HxNative.hx_jwe_key_from_jwk(j, out), out);
    }

    /**
     * Reads an RSA or EC JWE key from PEM text (PKCS#8, SPKI, PKCS#1 or SEC1). The key has no
     * {@code kid} (see {@link #withKid(String)}).
     *
     * @param pem the PEM text
     * @return the key
     * @throws HxJwtException {@link ErrorKind#INVALID_KEY} for anything else
     * @throws NullPointerException when {@code pem} is null
     */
    public static JweKey fromPem(String pem) {
        byte[] t = HxNative.cstr(pem, "pem");
        long[] out = new long[1];
        return made(HxNative.hx_jwe_key_from_pem(t, out), out);
    }

    /**
     * Makes a symmetric JWE key from raw bytes: the content key of {@code dir} (as long as the
     * {@code enc} needs: 16 to 64 bytes) or the key-wrap key of {@code A*KW} and
     * {@code A*GCMKW} (16, 24 or 32 bytes).
     *
     * @param secret the secret (copied by the library; the caller's array is left as it is)
     * @return the key
     * @throws HxJwtException {@link ErrorKind#INVALID_KEY} for an empty secret
     * @throws NullPointerException when {@code secret} is null
     */
    public static JweKey fromSecret(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        long[] out = new long[1];
        return made(HxNative.hx_jwe_key_from_secret(secret, secret.length, out), out);
    }

    /**
     * Makes a PBES2 password key. Decrypting with it also needs a {@code PBES2-*} algorithm
     * among the options' algorithms, and the token's {@code p2c} within the options' maximum.
     *
     * @param password the password's bytes (copied by the library; the caller's array is left
     *     as it is)
     * @return the key
     * @throws HxJwtException {@link ErrorKind#INVALID_KEY} for a password the library refuses
     * @throws NullPointerException when {@code password} is null
     */
    public static JweKey fromPassword(byte[] password) {
        Objects.requireNonNull(password, "password");
        long[] out = new long[1];
        return made(HxNative.hx_jwe_key_from_password(password, password.length, out), out);
    }

    /**
     * Makes a PBES2 password key from characters, encoded as UTF-8 (the encoded copy is wiped
     * after the call).
     *
     * @param password the password (left as it is: wipe it when done)
     * @return the key
     * @throws HxJwtException {@link ErrorKind#INVALID_ARGUMENT} for characters that are not
     *     valid Unicode (an unpaired surrogate), as {@link #fromPassword(byte[])} otherwise
     * @throws NullPointerException when {@code password} is null
     */
    public static JweKey fromPassword(char[] password) {
        Objects.requireNonNull(password, "password");
        ByteBuffer encoded;
        try {
            encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(password));
        } catch (CharacterCodingException e) {
            throw HxJwtException.invalidArgument("password is not valid Unicode");
        }
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        wipe(encoded);
        try {
            return fromPassword(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Zeroes the whole backing array of a heap buffer. */
    static void wipe(ByteBuffer b) {
        if (b.hasArray()) {
            Arrays.fill(b.array(), (byte) 0);
        }
    }

    /**
     * Makes a new private JWE key from the operating system's random generator. Its
     * {@code kid} is its RFC 7638 thumbprint; give senders {@link #toPublicJwk()}.
     *
     * @param kind {@code "X25519"}, {@code "P-256"}, {@code "P-384"}, {@code "P-521"} (ECDH-ES,
     *     ECDH-1PU), {@code "RSA"} (2048 bits), {@code "RSA-3072"}, {@code "RSA-4096"}
     *     (RSA-OAEP), or {@code "oct-16"} ... {@code "oct-64"} (a random secret of that many
     *     bytes)
     * @return the key
     * @throws HxJwtException {@link ErrorKind#INVALID_ARGUMENT} for another kind
     * @throws NullPointerException when {@code kind} is null
     */
    public static JweKey generate(String kind) {
        byte[] k = HxNative.cstr(kind, "kind");
        long[] out = new long[1];
        return made(HxNative.hx_jwe_key_generate(k, out), out);
    }

    /**
     * A copy of this key with another {@code kid} (written into the headers of the tokens
     * encrypted for it; selects it among several decryption keys).
     *
     * @param kid the key id
     * @return the new key
     * @throws NullPointerException when {@code kid} is null
     * @throws IllegalStateException when this key is closed
     */
    public JweKey withKid(String kid) {
        byte[] k = HxNative.cstr(kid, "kid");
        long p = acquire();
        try {
            long[] out = new long[1];
            return made(HxNative.hx_jwe_key_with_kid(p, k, out), out);
        } finally {
            release();
        }
    }

    /**
     * The public half of this key (same {@code kid}, {@code alg} and {@code use}): what
     * senders encrypt to.
     *
     * @return the public key
     * @throws HxJwtException {@link ErrorKind#INVALID_KEY} for a symmetric secret or password
     * @throws IllegalStateException when this key is closed
     */
    public JweKey toPublic() {
        long p = acquire();
        try {
            long[] out = new long[1];
            return made(HxNative.hx_jwe_key_to_public(p, out), out);
        } finally {
            release();
        }
    }

    /**
     * The public JWK of this key (no private member): what a recipient publishes.
     *
     * @return the JWK as JSON
     * @throws HxJwtException {@link ErrorKind#INVALID_KEY} for a symmetric secret, which must
     *     never be published
     * @throws IllegalStateException when this key is closed
     */
    public String toPublicJwk() {
        long p = acquire();
        try {
            long[] out = new long[1];
            HxNative.check(HxNative.hx_jwe_key_to_public_jwk(p, out));
            return HxNative.owned(out[0]);
        } finally {
            release();
        }
    }

    /**
     * The full JWK of this key, <b>including its private members</b> ({@code d} and the RSA
     * CRT numbers, or the secret {@code k}): store it like a password, and load it again with
     * {@link #fromJwk(String)}. For a public key, the public JWK.
     *
     * @return the JWK as JSON
     * @throws IllegalStateException when this key is closed
     */
    public String toPrivateJwk() {
        long p = acquire();
        try {
            long[] out = new long[1];
            HxNative.check(HxNative.hx_jwe_key_to_private_jwk(p, out));
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
            return Optional.ofNullable(HxNative.borrowed(HxNative.hx_jwe_key_kid(p)));
        } finally {
            release();
        }
    }

    /**
     * Whether the key can decrypt: a secret, a password or a private key (true), or a public
     * key (false).
     *
     * @return whether the key can decrypt
     * @throws IllegalStateException when this key is closed
     */
    public boolean isPrivate() {
        long p = acquire();
        try {
            return HxNative.hx_jwe_key_is_private(p) != 0;
        } finally {
            release();
        }
    }

    /**
     * The key's JWK {@code kty}: {@code "oct"} (a secret or a password), {@code "RSA"},
     * {@code "EC"} or {@code "OKP"} (X25519).
     *
     * @return the key type
     * @throws IllegalStateException when this key is closed
     */
    public String kty() {
        long p = acquire();
        try {
            return HxNative.staticString(HxNative.hx_jwe_key_kty(p));
        } finally {
            release();
        }
    }

    /**
     * The curve of an EC or X25519 key: {@code "P-256"}, {@code "P-384"}, {@code "P-521"} or
     * {@code "X25519"}.
     *
     * @return the curve, or empty for a secret, a password or an RSA key
     * @throws IllegalStateException when this key is closed
     */
    public Optional<String> curve() {
        long p = acquire();
        try {
            return Optional.ofNullable(HxNative.borrowed(HxNative.hx_jwe_key_curve(p)));
        } finally {
            release();
        }
    }

    /**
     * The one key management algorithm the key is restricted to (its JWK {@code alg}, e.g.
     * {@code "ECDH-ES+A256KW"}).
     *
     * @return the algorithm, or empty when the key serves every algorithm of its kind
     * @throws IllegalStateException when this key is closed
     */
    public Optional<String> algorithm() {
        long p = acquire();
        try {
            return Optional.ofNullable(HxNative.borrowed(HxNative.hx_jwe_key_algorithm(p)));
        } finally {
            release();
        }
    }

    /**
     * The RFC 7638 JWK thumbprint (base64url SHA-256 of the required public members: the same
     * for a private key and its {@linkplain #toPublic() public half}; a {@link #generate(String)
     * generated} key's {@code kid}). For a secret or a password it is computed over the secret:
     * treat it as sensitive.
     *
     * @return the thumbprint
     * @throws IllegalStateException when this key is closed
     */
    public String thumbprint() {
        long p = acquire();
        try {
            long[] out = new long[1];
            HxNative.check(HxNative.hx_jwe_key_thumbprint(p, out));
            return HxNative.owned(out[0]);
        } finally {
            release();
        }
    }

    /**
     * The key's {@code kid}, type, curve and whether it is private; never key material.
     *
     * @return a description for logs
     */
    @Override
    public String toString() {
        if (isClosed()) {
            return "JweKey[closed]";
        }
        try {
            return "JweKey[kid=" + kid().orElse("none") + ", " + kty()
                    + curve().map(c -> " " + c).orElse("")
                    + (isPrivate() ? ", private]" : ", public]");
        } catch (IllegalStateException closedMeanwhile) {
            return "JweKey[closed]";
        }
    }
}
