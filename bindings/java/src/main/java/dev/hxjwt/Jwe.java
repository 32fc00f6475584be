package dev.hxjwt;

import com.sun.jna.Pointer;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Standard encrypted JWTs: JWE (RFC 7516/7518) in the compact and JSON serializations,
 * sender-authenticated ECDH-1PU (draft-madden-jose-ecdh-1pu-04), and nested JWTs (signed, then
 * encrypted). Keys are {@link JweKey}s; what a decryption accepts is a {@link JweOptions} (the
 * {@code alg} and {@code enc} allow-lists are required: the token's header never chooses); a
 * decryption gives a {@link JweDecrypted}. Every decision is the library's: this class converts
 * types and errors only.
 *
 * <pre>{@code
 * try (JweKey bob = JweKey.generate("X25519"); JweKey bobPublic = bob.toPublic();
 *      JweOptions o = JweOptions.builder().algorithms("ECDH-ES+A256KW").encryptions("A256GCM")
 *              .build()) {
 *     String token = Jwe.encrypt("secret", bobPublic, "ECDH-ES+A256KW", "A256GCM");
 *     try (JweDecrypted d = Jwe.decrypt(token, bob, o)) {
 *         String text = d.text();   // "secret"; d.header(), d.alg(), d.enc()
 *     }
 * }
 * }</pre>
 *
 * <p>Failures are {@link HxJwtException}s of the library's kinds: a decryption whose
 * cryptography fails is always {@link ErrorKind#DECRYPTION_FAILED} with one message; a
 * malformed token, a JWS or the other serialization {@link ErrorKind#MALFORMED}; an
 * {@code alg}/{@code enc} not accepted {@link ErrorKind#UNSUPPORTED_ALGORITHM}; {@code crit} or
 * {@code zip} not enabled {@link ErrorKind#UNKNOWN_HEADER}; no key for the token
 * {@link ErrorKind#KEY_NOT_FOUND}; a key that may not be used so, or an {@code epk} off its
 * curve, {@link ErrorKind#INVALID_KEY}.
 */
public final class Jwe {
    private Jwe() {}

    /**
     * One recipient of {@link #encryptJson(byte[], List, String, String, byte[], boolean,
     * JweKey)}: the key it is reached with and the key management algorithm.
     *
     * @param key the recipient's public key, or the shared secret or password
     * @param alg the key management algorithm, such as {@code "ECDH-ES+A256KW"}
     */
    public record Recipient(JweKey key, String alg) {
        /**
         * Checks the components.
         *
         * @param key the recipient's public key, or the shared secret or password
         * @param alg the key management algorithm
         * @throws NullPointerException when either is null
         */
        public Recipient {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(alg, "alg");
        }
    }

    // ---- compact ------------------------------------------------------------------------

    /**
     * Encrypts {@code plaintext} for {@code key} as a compact JWE, with the protected header
     * {@code {"alg","enc"}}, the key's {@code kid} if it has one, and the members the algorithm
     * needs.
     *
     * @param plaintext the bytes to encrypt (any bytes, NUL included)
     * @param key the recipient's public key, or the shared secret or password
     * @param alg the key management algorithm ({@code "ECDH-ES+A256KW"}, {@code "dir"},
     *     {@code "RSA-OAEP-256"}, ...; exact names; not ECDH-1PU: see
     *     {@link #encrypt1pu(byte[], JweKey, JweKey, String, String, String)})
     * @param enc the content encryption ({@code "A256GCM"}, {@code "A128CBC-HS256"}, ...)
     * @return the compact JWE
     * @throws HxJwtException {@link ErrorKind#UNSUPPORTED_ALGORITHM} for an unknown or refused
     *     name ({@code "RSA1_5"}), {@link ErrorKind#INVALID_KEY} when the key does not fit the
     *     algorithm, {@link ErrorKind#INVALID_ARGUMENT} for an ECDH-1PU algorithm
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when the key is closed
     */
    public static String encrypt(byte[] plaintext, JweKey key, String alg, String enc) {
        return encrypt(plaintext, key, alg, enc, null);
    }

    /**
     * Encrypts {@code plaintext}, as UTF-8, for {@code key}: as
     * {@link #encrypt(byte[], JweKey, String, String)}; the UTF-8 copy is wiped after.
     *
     * @param plaintext the text to encrypt
     * @param key the recipient's public key, or the shared secret or password
     * @param alg the key management algorithm
     * @param enc the content encryption
     * @return the compact JWE
     * @throws HxJwtException as {@link #encrypt(byte[], JweKey, String, String)}, and
     *     {@link ErrorKind#INVALID_ARGUMENT} for a text with an unpaired surrogate
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when the key is closed
     */
    public static String encrypt(String plaintext, JweKey key, String alg, String enc) {
        byte[] p = HxNative.bytes(plaintext, "plaintext");
        try {
            return encrypt(p, key, alg, enc, null);
        } finally {
            Arrays.fill(p, (byte) 0);
        }
    }

    /**
     * Encrypts {@code plaintext} for {@code key} with extra protected header members.
     *
     * @param plaintext the bytes to encrypt
     * @param key the recipient's public key, or the shared secret or password
     * @param alg the key management algorithm
     * @param enc the content encryption
     * @param headerJson null, or a JSON object whose {@code typ}, {@code cty}, {@code kid}
     *     (strings), {@code apu}, {@code apv} (base64url), {@code p2c} (an integer) and
     *     {@code zip} ({@code "DEF"}: compress) are used as such and whose other members are
     *     copied ({@code alg}, {@code enc}, {@code epk}, {@code crit} and the other members
     *     hxjwt writes itself are refused)
     * @return the compact JWE
     * @throws HxJwtException as {@link #encrypt(byte[], JweKey, String, String)}, and
     *     {@link ErrorKind#INVALID_ARGUMENT} for a bad {@code headerJson}
     * @throws NullPointerException when an argument but {@code headerJson} is null
     * @throws IllegalStateException when the key is closed
     */
    public static String encrypt(byte[] plaintext, JweKey key, String alg, String enc,
            String headerJson) {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(key, "key");
        byte[] a = HxNative.cstr(alg, "alg");
        byte[] e = HxNative.cstr(enc, "enc");
        byte[] h = HxNative.cstrOrNull(headerJson, "headerJson");
        long[] out = new long[1];
        long k = key.acquire();
        try {
            HxNative.check(HxNative.hx_jwe_encrypt(k, a, e, h, plaintext, plaintext.length,
                    out));
            return HxNative.owned(out[0]);
        } finally {
            key.release();
        }
    }

    /**
     * Encrypts {@code plaintext} with ECDH-1PU (sender-authenticated key agreement) as a
     * compact JWE. The sender key's {@code kid} (or the {@code skid} of {@code headerJson}) is
     * written as {@code skid}, so that the recipient can select the sender's public key.
     *
     * @param plaintext the bytes to encrypt
     * @param recipientKey the recipient's public key
     * @param senderKey the sender's private key, on the same curve (X25519, P-256, P-384,
     *     P-521)
     * @param alg {@code "ECDH-1PU"}, {@code "ECDH-1PU+A128KW"}, ... (the key-wrapped forms only
     *     with an {@code A*CBC-HS*} {@code enc})
     * @param enc the content encryption
     * @param headerJson null, or extra protected header members as for
     *     {@link #encrypt(byte[], JweKey, String, String, String)}
     * @return the compact JWE
     * @throws HxJwtException as {@link #encrypt(byte[], JweKey, String, String, String)}, and
     *     {@link ErrorKind#INVALID_KEY} when the sender key is public or on another curve
     * @throws NullPointerException when an argument but {@code headerJson} is null
     * @throws IllegalStateException when a key is closed
     */
    public static String encrypt1pu(byte[] plaintext, JweKey recipientKey, JweKey senderKey,
            String alg, String enc, String headerJson) {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(recipientKey, "recipientKey");
        Objects.requireNonNull(senderKey, "senderKey");
        byte[] a = HxNative.cstr(alg, "alg");
        byte[] e = HxNative.cstr(enc, "enc");
        byte[] h = HxNative.cstrOrNull(headerJson, "headerJson");
        long[] out = new long[1];
        try (HandleArray keys = new HandleArray(List.of(recipientKey, senderKey), "keys")) {
            long[] p = keys.pointers();
            HxNative.check(HxNative.hx_jwe_encrypt_1pu(p[0], p[1], a, e, h, plaintext,
                    plaintext.length, out));
            return HxNative.owned(out[0]);
        }
    }

    /**
     * Decrypts a compact JWE with {@code key}, accepting only what {@code options} allows.
     *
     * @param token the compact JWE
     * @param key the private key, secret or password
     * @param options what is accepted
     * @return the decrypted token
     * @throws HxJwtException the kind of the first check that failed (see {@link Jwe}); a
     *     JWS or a JSON-serialized token is {@link ErrorKind#MALFORMED}
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when the key or options are closed
     */
    public static JweDecrypted decrypt(String token, JweKey key, JweOptions options) {
        return decrypt(token, List.of(Objects.requireNonNull(key, "key")), options);
    }

    /**
     * Decrypts a compact JWE with one of {@code keys} (the token's {@code kid} selects among
     * them; keys without a {@code kid} that fit its {@code alg} are tried when none matches, at
     * most 16), accepting only what {@code options} allows. ECDH-1PU tokens need
     * {@link #decrypt1pu(String, List, List, JweOptions)}.
     *
     * @param token the compact JWE
     * @param keys the private keys, secrets or passwords
     * @param options what is accepted
     * @return the decrypted token
     * @throws HxJwtException as {@link #decrypt(String, JweKey, JweOptions)}, and
     *     {@link ErrorKind#KEY_NOT_FOUND} when no key fits
     * @throws NullPointerException when an argument or a key is null
     * @throws IllegalStateException when a key or the options are closed
     */
    public static JweDecrypted decrypt(String token, List<JweKey> keys, JweOptions options) {
        Objects.requireNonNull(keys, "keys");
        return decryptCompact(token, keys, null, options);
    }

    /**
     * Decrypts an ECDH-1PU compact JWE from one sender.
     *
     * @param token the compact JWE
     * @param key the recipient's private key
     * @param senderKey the sender's public key
     * @param options what is accepted (only its ECDH-1PU algorithms are)
     * @return the decrypted token
     * @throws HxJwtException as {@link #decrypt1pu(String, List, List, JweOptions)}
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when a key or the options are closed
     */
    public static JweDecrypted decrypt1pu(String token, JweKey key, JweKey senderKey,
            JweOptions options) {
        return decrypt1pu(token, List.of(Objects.requireNonNull(key, "key")),
                List.of(Objects.requireNonNull(senderKey, "senderKey")), options);
    }

    /**
     * Decrypts an ECDH-1PU compact JWE: {@code senderKeys} are the public keys of the senders
     * accepted (the token's {@code skid} selects one).
     *
     * @param token the compact JWE
     * @param keys the recipient's private keys
     * @param senderKeys the senders' public keys
     * @param options what is accepted (only its ECDH-1PU algorithms are)
     * @return the decrypted token
     * @throws HxJwtException as {@link #decrypt(String, List, JweOptions)};
     *     {@link ErrorKind#KEY_NOT_FOUND} when no sender key matches the {@code skid},
     *     {@link ErrorKind#DECRYPTION_FAILED} for the wrong sender key
     * @throws NullPointerException when an argument or a key is null
     * @throws IllegalStateException when a key or the options are closed
     */
    public static JweDecrypted decrypt1pu(String token, List<JweKey> keys,
            List<JweKey> senderKeys, JweOptions options) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(senderKeys, "senderKeys");
        return decryptCompact(token, keys, senderKeys, options);
    }

    private static JweDecrypted decryptCompact(String token, List<JweKey> keyList,
            List<JweKey> senderList, JweOptions options) {
        byte[] t = HxNative.cstr(token, "token");
        Objects.requireNonNull(options, "options");
        long[] pt = new long[1];
        long[] len = new long[1];
        long[] header = new long[1];
        try (HandleArray keys = new HandleArray(keyList, "keys");
                HandleArray senders = new HandleArray(senderList, "senderKeys")) {
            long o = options.acquire();
            int status;
            try {
                status = senderList == null
                        ? HxNative.hx_jwe_decrypt(keys.pointers(), keys.size(), t, o, pt, len,
                                header)
                        : HxNative.hx_jwe_decrypt_1pu(keys.pointers(), keys.size(),
                                senders.pointers(), senders.size(), t, o, pt, len, header);
            } finally {
                options.release();
            }
            HxNative.check(status);
            return take(pt, len, header, null, null);
        }
    }

    // ---- JSON serialization -------------------------------------------------------------

    /**
     * Encrypts {@code plaintext} for every recipient in the general JSON serialization, with
     * no {@code aad}, header member or sender.
     *
     * @param plaintext the bytes to encrypt
     * @param recipients one to 16 recipients
     * @param enc the content encryption, shared by all
     * @return the JSON serialization (text)
     * @throws HxJwtException as {@link #encryptJson(byte[], List, String, String, byte[],
     *     boolean, JweKey)}
     * @throws NullPointerException when an argument or a recipient is null
     * @throws IllegalStateException when a key is closed
     */
    public static String encryptJson(byte[] plaintext, List<Recipient> recipients, String enc) {
        return encryptJson(plaintext, recipients, enc, null, null, true, null);
    }

    /**
     * Encrypts {@code plaintext} for every recipient in the JSON serialization (RFC 7516
     * section 7.2).
     *
     * @param plaintext the bytes to encrypt
     * @param recipients one to 16 recipients (each its key and key management algorithm;
     *     each recipient's {@code kid} is its key's)
     * @param enc the content encryption, shared by all
     * @param headerJson null, or protected header members as for
     *     {@link #encrypt(byte[], JweKey, String, String, String)} (its {@code kid} is not used)
     * @param aad null, or additional authenticated data, written as the {@code aad} member
     * @param general true for the general form; false for the flattened form, with one
     *     recipient only
     * @param senderKey null, or the sender's private key for ECDH-1PU recipients
     * @return the JSON serialization (text)
     * @throws HxJwtException as {@link #encrypt(byte[], JweKey, String, String, String)}
     * @throws NullPointerException when {@code plaintext}, {@code recipients}, a recipient or
     *     {@code enc} is null
     * @throws IllegalStateException when a key is closed
     */
    public static String encryptJson(byte[] plaintext, List<Recipient> recipients, String enc,
            String headerJson, byte[] aad, boolean general, JweKey senderKey) {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(recipients, "recipients");
        List<JweKey> keyList = new ArrayList<>(recipients.size());
        List<String> algList = new ArrayList<>(recipients.size());
        for (Recipient r : recipients) {
            Objects.requireNonNull(r, "recipients has a null element");
            keyList.add(r.key());
            algList.add(r.alg());
        }
        CStringArray algs = new CStringArray(algList, "alg");
        byte[] e = HxNative.cstr(enc, "enc");
        byte[] h = HxNative.cstrOrNull(headerJson, "headerJson");
        long[] out = new long[1];
        try (HandleArray keys = new HandleArray(keyList, "recipients");
                HandleArray sender = new HandleArray(
                        senderKey == null ? null : List.of(senderKey), "senderKey")) {
            long s = senderKey == null ? 0 : sender.pointers()[0];
            int status = HxNative.hx_jwe_encrypt_json(keys.pointers(), algs.pointer(),
                    keys.size(), s, e, h, plaintext, plaintext.length, aad,
                    aad == null ? 0 : aad.length, HxNative.bool(general), out);
            Reference.reachabilityFence(algs);
            HxNative.check(status);
            return HxNative.owned(out[0]);
        }
    }

    /**
     * Decrypts a JWE in the JSON serialization (general or flattened) with {@code key}.
     *
     * @param token the JSON serialization (text)
     * @param key the private key, secret or password
     * @param options what is accepted
     * @return the decrypted token, with the merged header and the {@code aad}
     * @throws HxJwtException as {@link #decrypt(String, JweKey, JweOptions)}; a compact token
     *     is {@link ErrorKind#MALFORMED}
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when the key or options are closed
     */
    public static JweDecrypted decryptJson(String token, JweKey key, JweOptions options) {
        return decryptJson(token, List.of(Objects.requireNonNull(key, "key")), List.of(),
                options);
    }

    /**
     * Decrypts a JWE in the JSON serialization (general or flattened): each recipient whose
     * {@code alg}/{@code enc} the options accept is tried with the keys its {@code kid}
     * selects.
     *
     * @param token the JSON serialization (text)
     * @param keys the private keys, secrets or passwords
     * @param senderKeys the senders' public keys for ECDH-1PU recipients (may be empty)
     * @param options what is accepted
     * @return the decrypted token, with the merged header (protected, shared and recipient
     *     members) and the {@code aad}
     * @throws HxJwtException as {@link #decryptJson(String, JweKey, JweOptions)}
     * @throws NullPointerException when an argument or a key is null
     * @throws IllegalStateException when a key or the options are closed
     */
    public static JweDecrypted decryptJson(String token, List<JweKey> keys,
            List<JweKey> senderKeys, JweOptions options) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(senderKeys, "senderKeys");
        byte[] t = HxNative.cstr(token, "token");
        Objects.requireNonNull(options, "options");
        long[] pt = new long[1];
        long[] len = new long[1];
        long[] header = new long[1];
        long[] aad = new long[1];
        long[] aadLen = new long[1];
        try (HandleArray k = new HandleArray(keys, "keys");
                HandleArray s = new HandleArray(senderKeys, "senderKeys")) {
            long o = options.acquire();
            int status;
            try {
                status = HxNative.hx_jwe_decrypt_json(k.pointers(), k.size(), s.pointers(),
                        s.size(), t, o, pt, len, header, aad, aadLen);
            } finally {
                options.release();
            }
            HxNative.check(status);
            return take(pt, len, header, aad, aadLen);
        }
    }

    // ---- nested JWTs --------------------------------------------------------------------

    /**
     * A nested JWT (RFC 7519 section 5.2): signs {@code claimsJson} as
     * {@link Jwt#sign(String, Key, String)} does, then encrypts that token for
     * {@code encryptionKey} with {@code cty: "JWT"}.
     *
     * @param claimsJson the claims, a JSON object (signed exactly as given)
     * @param signingKey the issuer's private key or HMAC secret
     * @param jwsAlg the signature algorithm ({@code "ES256"}, {@code "HS256"}, ...)
     * @param encryptionKey the recipient's public key, or the shared secret
     * @param alg the key management algorithm
     * @param enc the content encryption
     * @return the compact JWE
     * @throws HxJwtException as {@link Jwt#sign(String, Key, String)} and
     *     {@link #encrypt(byte[], JweKey, String, String)}
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when a key is closed
     */
    public static String encryptNested(String claimsJson, Key signingKey, String jwsAlg,
            JweKey encryptionKey, String alg, String enc) {
        byte[] c = HxNative.cstr(claimsJson, "claimsJson");
        Objects.requireNonNull(signingKey, "signingKey");
        byte[] j = HxNative.cstr(jwsAlg, "jwsAlg");
        Objects.requireNonNull(encryptionKey, "encryptionKey");
        byte[] a = HxNative.cstr(alg, "alg");
        byte[] e = HxNative.cstr(enc, "enc");
        long[] out = new long[1];
        long sk = signingKey.acquire();
        try {
            long ek = encryptionKey.acquire();
            try {
                HxNative.check(HxNative.hx_jwe_encrypt_nested(sk, j, ek, a, e, c, out));
                return HxNative.owned(out[0]);
            } finally {
                encryptionKey.release();
            }
        } finally {
            signingKey.release();
        }
    }

    /**
     * Decrypts a nested JWT with {@code key} under {@code options}, then verifies the signed
     * token inside with {@code verifyingKey} and checks its claims under {@code validation}. A
     * nested token is never returned unverified.
     *
     * @param token the compact JWE
     * @param key the recipient's private key, secret or password
     * @param options what the JWE may use
     * @param verifyingKey the issuer's public key, or the HMAC secret
     * @param validation the checks of the signed token
     * @return the claims, a JSON object exactly as the issuer signed them
     * @throws HxJwtException the failure of either step: the decryption's (see {@link Jwe}),
     *     {@link ErrorKind#INVALID_CLAIM} (claim {@code "cty"}) when the JWE does not say
     *     {@code cty: "JWT"}, then {@link Jwt#verify(String, Key, Validation)}'s
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when a handle is closed
     */
    public static String decryptNested(String token, JweKey key, JweOptions options,
            Key verifyingKey, Validation validation) {
        Objects.requireNonNull(verifyingKey, "verifyingKey");
        return nested(token, List.of(Objects.requireNonNull(key, "key")), options, verifyingKey,
                validation);
    }

    /**
     * Decrypts a nested JWT with one of {@code keys}, then verifies the signed token inside
     * with {@code verifyingKey} and checks its claims.
     *
     * @param token the compact JWE
     * @param keys the recipient's private keys, secrets or passwords
     * @param options what the JWE may use
     * @param verifyingKey the issuer's public key, or the HMAC secret
     * @param validation the checks of the signed token
     * @return the claims, a JSON object exactly as the issuer signed them
     * @throws HxJwtException as {@link #decryptNested(String, JweKey, JweOptions, Key,
     *     Validation)}
     * @throws NullPointerException when an argument or a key is null
     * @throws IllegalStateException when a handle is closed
     */
    public static String decryptNested(String token, List<JweKey> keys, JweOptions options,
            Key verifyingKey, Validation validation) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(verifyingKey, "verifyingKey");
        return nested(token, keys, options, verifyingKey, validation);
    }

    /**
     * Decrypts a nested JWT with one of {@code keys}, then verifies the signed token inside
     * with the key of {@code verifyingKeys} that its {@code kid} selects, and checks its claims.
     *
     * @param token the compact JWE
     * @param keys the recipient's private keys, secrets or passwords
     * @param options what the JWE may use
     * @param verifyingKeys the issuer's keys
     * @param validation the checks of the signed token
     * @return the claims, a JSON object exactly as the issuer signed them
     * @throws HxJwtException as {@link #decryptNested(String, JweKey, JweOptions, Key,
     *     Validation)}, and {@link ErrorKind#KEY_NOT_FOUND} when no verifying key matches
     * @throws NullPointerException when an argument or a key is null
     * @throws IllegalStateException when a handle is closed
     */
    public static String decryptNested(String token, List<JweKey> keys, JweOptions options,
            KeySet verifyingKeys, Validation validation) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(verifyingKeys, "verifyingKeys");
        return nested(token, keys, options, verifyingKeys, validation);
    }

    private static String nested(String token, List<JweKey> keyList, JweOptions options,
            NativeHandle verifier, Validation validation) {
        byte[] t = HxNative.cstr(token, "token");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(validation, "validation");
        boolean isKey = verifier instanceof Key;
        long[] out = new long[1];
        try (HandleArray keys = new HandleArray(keyList, "keys");
                HandleArray held = new HandleArray(List.of(options, verifier, validation),
                        "handles")) {
            long[] p = held.pointers();
            HxNative.check(HxNative.hx_jwe_decrypt_nested(keys.pointers(), keys.size(), t, p[0],
                    isKey ? p[1] : 0, isKey ? 0 : p[1], p[2], out));
            return HxNative.owned(out[0]);
        }
    }

    // ---- headers ------------------------------------------------------------------------

    /**
     * <b>Decrypts and verifies nothing</b>: the protected header of a compact JWE, decoded
     * strictly. Use it only to choose a key (by {@code kid}) before decrypting; never trust
     * what it says.
     *
     * @param token the compact JWE
     * @return the header, a JSON object
     * @throws HxJwtException {@link ErrorKind#MALFORMED} when there is no such header
     * @throws NullPointerException when {@code token} is null
     */
    public static String decodeHeader(String token) {
        byte[] t = HxNative.cstr(token, "token");
        long[] out = new long[1];
        HxNative.check(HxNative.hx_jwe_decode_header(t, out));
        return HxNative.owned(out[0]);
    }

    // ---- conversions --------------------------------------------------------------------

    /**
     * The result of a successful decryption: copies the plaintext, the header and the aad,
     * then frees the library's buffers (hx_bytes_free wipes the plaintext and aad), whatever
     * happens while copying.
     */
    private static JweDecrypted take(long[] pt, long[] len, long[] header, long[] aad,
            long[] aadLen) {
        byte[] plaintext = null;
        byte[] a = null;
        String h = null;
        try {
            plaintext = copy(pt[0], len[0]);
            if (aad != null && aad[0] != 0) {
                a = copy(aad[0], aadLen[0]);
            }
            h = HxNative.borrowed(header[0]);
        } finally {
            HxNative.hx_bytes_free(pt[0], len[0]);
            if (aad != null) {
                HxNative.hx_bytes_free(aad[0], aadLen[0]);
            }
            HxNative.hx_string_free(header[0]);
        }
        if (plaintext == null || h == null) {
            if (plaintext != null) {
                Arrays.fill(plaintext, (byte) 0);
            }
            if (a != null) {
                Arrays.fill(a, (byte) 0);
            }
            throw new HxJwtException(ErrorKind.INTERNAL, ErrorKind.INTERNAL.status(),
                    "Internal: the library returned success without a plaintext or header",
                    null);
        }
        return new JweDecrypted(h, plaintext, a);
    }

    /** A copy of {@code len} bytes at {@code p}; null when they cannot be had. */
    private static byte[] copy(long p, long len) {
        if (len == 0) {
            return new byte[0];
        }
        if (p == 0 || len < 0 || len > Integer.MAX_VALUE - 8) {
            return null;
        }
        return new Pointer(p).getByteArray(0, (int) len);
    }
}
