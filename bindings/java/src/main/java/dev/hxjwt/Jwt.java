package dev.hxjwt;

import java.util.Objects;

/**
 * Standard JWTs (compact JWS, RFC 7515/7519): sign claims, verify a token and get its claims.
 * Claims and headers stay JSON text: this package parses no JSON; use the JSON library of your
 * application on the result.
 *
 * <pre>{@code
 * try (Key signing = Key.generate("ES256"); Key verifying = signing.toPublic();
 *      Validation v = Validation.builder("ES256").audience("api").build()) {
 *     String token = Jwt.sign("{\"sub\":\"user-7\",\"aud\":\"api\",\"exp\":4000000000}", signing, "ES256");
 *     String claims = Jwt.verify(token, verifying, v);
 * }
 * }</pre>
 */
public final class Jwt {
    private Jwt() {}

    /**
     * Signs {@code claimsJson} (a JSON object, signed exactly as given) under the header
     * {@code {"alg":alg,"typ":"JWT"}} plus the key's {@code kid}.
     *
     * @param claimsJson the claims, a JSON object
     * @param key a private key or HMAC secret that fits {@code alg}
     * @param alg {@code "HS256"} ... {@code "EdDSA"}, {@code "ES256K"},
     *     {@code "Ed25519"}: any name the library knows, passed as given (exactly)
     * @return the compact JWS
     * @throws HxJwtException {@link ErrorKind#UNSUPPORTED_ALGORITHM} for an unknown {@code alg},
     *     {@link ErrorKind#INVALID_KEY} when the key does not fit or cannot sign,
     *     {@link ErrorKind#INVALID_ARGUMENT} when the claims are not one strict JSON object
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when the key is closed
     */
    public static String sign(String claimsJson, Key key, String alg) {
        return sign(claimsJson, key, alg, null);
    }

    /**
     * Signs {@code claimsJson} with extra header members.
     *
     * @param claimsJson the claims, a JSON object
     * @param key a private key or HMAC secret that fits {@code alg}
     * @param alg {@code "HS256"} ... {@code "EdDSA"}, {@code "ES256K"},
     *     {@code "Ed25519"}: any name the library knows, passed as given (exactly)
     * @param headerJson null, or a JSON object whose members are added to the header (its
     *     {@code typ}, {@code kid} and {@code cty} replace the defaults; {@code alg},
     *     {@code crit} and {@code b64} cannot be set)
     * @return the compact JWS
     * @throws HxJwtException as {@link #sign(String, Key, String)}
     * @throws NullPointerException when {@code claimsJson}, {@code key} or {@code alg} is null
     * @throws IllegalStateException when the key is closed
     */
    public static String sign(String claimsJson, Key key, String alg, String headerJson) {
        byte[] c = HxNative.cstr(claimsJson, "claimsJson");
        Objects.requireNonNull(key, "key");
        byte[] a = HxNative.cstr(alg, "alg");
        byte[] h = HxNative.cstrOrNull(headerJson, "headerJson");
        long[] out = new long[1];
        long k = key.acquire();
        try {
            HxNative.check(HxNative.hx_jwt_encode(k, a, h, c, out));
            return HxNative.owned(out[0]);
        } finally {
            key.release();
        }
    }

    /**
     * Verifies a token with one key and checks its claims against {@code validation}.
     *
     * @param token the compact JWS
     * @param key the issuer's public key, or the HMAC secret
     * @param validation the checks
     * @return the claims, a JSON object exactly as the issuer signed it
     * @throws HxJwtException the kind of the first check that failed: structure
     *     ({@link ErrorKind#MALFORMED}), header ({@link ErrorKind#UNSUPPORTED_ALGORITHM},
     *     {@link ErrorKind#UNKNOWN_HEADER}), key ({@link ErrorKind#INVALID_KEY}), signature
     *     ({@link ErrorKind#INVALID_SIGNATURE}), then the claims
     *     ({@link ErrorKind#MISSING_CLAIM}, {@link ErrorKind#EXPIRED}, ...; {@link
     *     HxJwtException#claim()} names the claim)
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when the key or validation is closed
     */
    public static String verify(String token, Key key, Validation validation) {
        Objects.requireNonNull(key, "key");
        return decode(token, key, null, validation);
    }

    /**
     * Verifies a token with the key of {@code keys} that its {@code kid} selects, and checks
     * its claims against {@code validation}.
     *
     * @param token the compact JWS
     * @param keys the issuer's keys
     * @param validation the checks
     * @return the claims, a JSON object exactly as the issuer signed it
     * @throws HxJwtException as {@link #verify(String, Key, Validation)}, and
     *     {@link ErrorKind#KEY_NOT_FOUND} when no key matches
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when the key set or validation is closed
     */
    public static String verify(String token, KeySet keys, Validation validation) {
        Objects.requireNonNull(keys, "keys");
        return decode(token, null, keys, validation);
    }

    private static String decode(String token, Key key, KeySet keys, Validation validation) {
        byte[] t = HxNative.cstr(token, "token");
        Objects.requireNonNull(validation, "validation");
        NativeHandle h = key != null ? key : keys;
        long[] out = new long[1];
        long hp = h.acquire();
        try {
            long vp = validation.acquire();
            try {
                HxNative.check(HxNative.hx_jwt_decode(key != null ? hp : 0, key != null ? 0 : hp,
                        t, vp, out));
                return HxNative.owned(out[0]);
            } finally {
                validation.release();
            }
        } finally {
            h.release();
        }
    }

    /**
     * <b>Verifies nothing</b>: the header of a compact JWS, decoded strictly. Use it only to
     * choose a key (by {@code kid}) before verifying; never trust what it says.
     *
     * @param token the compact JWS
     * @return the header, a JSON object
     * @throws HxJwtException {@link ErrorKind#MALFORMED} when there is no such header
     * @throws NullPointerException when {@code token} is null
     */
    public static String decodeHeader(String token) {
        byte[] t = HxNative.cstr(token, "token");
        long[] out = new long[1];
        HxNative.check(HxNative.hx_jwt_decode_header(t, out));
        return HxNative.owned(out[0]);
    }
}
