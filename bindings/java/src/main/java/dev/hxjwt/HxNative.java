package dev.hxjwt;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The C functions of libhxjwt, declared once from the exact signatures of include/hxjwt.h, with
 * JNA direct mapping, and the few conversions every class needs (Java strings to NUL-terminated
 * UTF-8, library strings back, status codes to exceptions).
 *
 * <p>Type mapping (LP64 only, checked when the class loads): every pointer (handles, returned
 * strings) is a {@code long}; a {@code T **out} or {@code size_t *out} is a {@code long[1]}; a
 * {@code const char *} argument is a NUL-terminated UTF-8 {@code byte[]} made by {@link #cstr}
 * ({@code null} passes NULL); {@code size_t} and {@code uint64_t} are {@code long}; C's 1-byte
 * {@code bool} is a {@code byte} (a Java {@code boolean} return would read 4 bytes).
 */
final class HxNative {
    private HxNative() {}

    /** The path or name the library was loaded from. */
    static final String LIBRARY_NAME;
    /** The loaded library. */
    static final NativeLibrary LIBRARY;

    static {
        if (Native.POINTER_SIZE != 8 || Native.SIZE_T_SIZE != 8) {
            throw new UnsatisfiedLinkError("hxjwt's Java binding needs a 64-bit JVM");
        }
        String path = System.getProperty("hxjwt.library");
        if (path == null || path.isEmpty()) {
            path = System.getenv("HXJWT_LIB");
        }
        if (path == null || path.isEmpty()) {
            path = "hxjwt";
        }
        LIBRARY_NAME = path;
        LIBRARY = NativeLibrary.getInstance(path);
        Native.register(HxNative.class, LIBRARY);
    }

    // ---- library-wide ---------------------------------------------------------------------
    static native long hx_version();
    static native void hx_string_free(long s);
    static native long hx_status_name(int status);
    static native long hx_last_error_message();
    static native long hx_last_error_claim();

    // ---- identities -----------------------------------------------------------------------
    static native int hx_identity_generate(byte[] name, long[] out);
    static native int hx_identity_from_jwk(byte[] privateJwkJson, long[] out);
    static native int hx_identity_to_jwk(long id, long[] outPrivateJwkJson);
    static native int hx_identity_machine_token(long id, long[] outPublicJwkJson);
    static native long hx_identity_name(long id);
    static native void hx_identity_free(long id);

    // ---- directories ----------------------------------------------------------------------
    /** {@code HxResolveFn}: {@code char *(*)(void *user_data, const char *name)}. */
    interface ResolveFn extends Callback {
        /**
         * Answers one lookup.
         *
         * @param userData the user data given to hx_directory_from_callback (unused: NULL)
         * @param name the name asked, a NUL-terminated UTF-8 string
         * @return a string allocated with malloc(), or NULL when the name is unknown
         */
        Pointer invoke(Pointer userData, Pointer name);
    }

    static native int hx_directory_new(long[] out);
    static native int hx_directory_from_jwks(byte[] jwksJson, long[] out);
    static native int hx_directory_add(long dir, byte[] publicJwkJson);
    static native int hx_directory_rotate_in(long dir, byte[] publicJwkJson);
    static native int hx_directory_retire(long dir, byte[] publicJwkJson, byte[] outRemoved);
    static native int hx_directory_from_url(byte[] url, Pointer opts, long[] out);
    static native int hx_directory_from_callback(ResolveFn resolve, Pointer userData, long[] out);
    static native int hx_directory_len(long dir, long[] out);
    static native int hx_directory_to_jwks(long dir, long[] outJwksJson);
    static native void hx_directory_free(long dir);

    // ---- endpoints ------------------------------------------------------------------------
    static native int hx_endpoint_new(long id, long dir, long[] out);
    static native int hx_endpoint_set_leeway(long ep, long seconds);
    static native int hx_endpoint_set_max_lifetime(long ep, long seconds);
    static native int hx_endpoint_set_max_token_length(long ep, long bytes);
    static native int hx_endpoint_add_audience(long ep, byte[] name);
    static native int hx_endpoint_set_replay_protection(long ep, byte on);
    static native int hx_endpoint_set_time(long ep, long unixSeconds);
    static native int hx_endpoint_use_system_clock(long ep);
    static native int hx_endpoint_add_previous_identity(long ep, long previous);
    static native int hx_endpoint_rotate_identity(long ep, long newIdentity);
    static native int hx_endpoint_clear_previous_identities(long ep);
    static native int hx_endpoint_previous_identity_count(long ep, long[] out);
    static native void hx_endpoint_free(long ep);

    static native int hx_create_jwt(long ep, byte[] recipientName, byte[] recipientMachineToken,
            byte[] payload, long payloadLen, long ttlSeconds, long[] outToken);
    static native int hx_create_jwt_ex(long ep, byte[] recipientName,
            byte[] recipientMachineToken, byte[] payload, long payloadLen, long ttlSeconds,
            long[] notBefore, byte[] jti, byte[] contentType, long[] outToken);
    static native int hx_create_jwt_1pu(long ep, byte[] recipientName,
            byte[] recipientMachineToken, byte[] payload, long payloadLen, long ttlSeconds,
            long[] notBefore, byte[] jti, byte[] contentType, long[] outToken);
    static native int hx_validate_jwt(long ep, byte[] token, byte[] senderMachineToken,
            long[] out);

    // ---- messages -------------------------------------------------------------------------
    static native long hx_message_issuer(long m);
    static native long hx_message_audience(long m);
    static native long hx_message_payload(long m, long[] outLen);
    static native long hx_message_issued_at(long m);
    static native long hx_message_expires_at(long m);
    static native byte hx_message_not_before(long m, long[] out);
    static native long hx_message_jti(long m);
    static native long hx_message_content_type(long m);
    static native long hx_message_protocol(long m);
    static native void hx_message_free(long m);

    // ---- keys -----------------------------------------------------------------------------
    static native int hx_key_from_jwk(byte[] jwkJson, long[] out);
    static native int hx_key_from_pem(byte[] pem, long[] out);
    static native int hx_key_from_der(byte[] der, long derLen, long[] out);
    static native int hx_key_from_secret(byte[] secret, long secretLen, long[] out);
    static native int hx_key_generate(byte[] alg, long[] out);
    static native int hx_key_with_kid(long key, byte[] kid, long[] out);
    static native int hx_key_allow_short_secret(long key, long[] out);
    static native int hx_key_to_public(long key, long[] out);
    static native int hx_key_to_public_jwk(long key, long[] outPublicJwkJson);
    static native int hx_key_to_private_jwk(long key, long[] outPrivateJwkJson);
    static native int hx_key_thumbprint(long key, long[] outThumbprint);
    static native long hx_key_kid(long key);
    static native long hx_key_algorithm(long key);
    static native byte hx_key_is_private(long key);
    static native void hx_key_free(long key);

    // ---- key sets -------------------------------------------------------------------------
    static native int hx_keyset_new(long[] out);
    static native int hx_keyset_from_jwks(byte[] jwksJson, long[] out);
    static native int hx_keyset_from_jwks_mixed(byte[] jwksJson, long[] out);
    static native int hx_keyset_skipped_count(long set, long[] out);
    static native int hx_keyset_skipped(long set, long i, long[] outIndex, long[] outKid,
            long[] outReason);
    static native int hx_keyset_add(long set, long key);
    static native int hx_keyset_len(long set, long[] out);
    static native int hx_keyset_to_public_jwks(long set, long[] outJwksJson);
    static native int hx_keyset_from_url(byte[] url, Pointer opts, long[] out);
    static native void hx_keyset_free(long set);

    // ---- validations ----------------------------------------------------------------------
    static native int hx_validation_new(Pointer algorithms, long nAlgorithms, long[] out);
    static native int hx_validation_set_leeway(long v, long seconds);
    static native int hx_validation_add_audience(long v, byte[] audience);
    static native int hx_validation_add_issuer(long v, byte[] issuer);
    static native int hx_validation_set_subject(long v, byte[] subject);
    static native int hx_validation_set_required_claims(long v, Pointer claims, long nClaims);
    static native int hx_validation_set_typ(long v, byte[] typ);
    static native int hx_validation_set_max_age(long v, long seconds);
    static native int hx_validation_set_max_token_length(long v, long bytes);
    static native int hx_validation_set_verify_exp(long v, byte on);
    static native int hx_validation_set_verify_nbf(long v, byte on);
    static native int hx_validation_set_verify_iat(long v, byte on);
    static native int hx_validation_set_verify_aud(long v, byte on);
    static native int hx_validation_set_time(long v, long unixSeconds);
    static native int hx_validation_use_system_clock(long v);
    static native void hx_validation_free(long v);

    // ---- standard JWTs --------------------------------------------------------------------
    static native int hx_jwt_encode(long key, byte[] alg, byte[] headerJson, byte[] claimsJson,
            long[] outToken);
    static native int hx_jwt_decode(long key, long keyset, byte[] token, long v,
            long[] outClaimsJson);
    static native int hx_jwt_decode_header(byte[] token, long[] outHeaderJson);
    static native int hx_jwt_explain(long key, long keyset, byte[] token, long v,
            long[] outJson);
    static native int hx_explain_jwt(long ep, byte[] token, byte[] senderMachineToken,
            long[] outJson);

    // ---- standard JWE --------------------------------------------------------------------
    // Arrays of handles (const HxJweKey *const *) are long[] of the handles' pointers; arrays of
    // strings (const char *const *) are Pointers to memory that CStringArray fills.
    static native int hx_jwe_key_from_jwk(byte[] jwkJson, long[] out);
    static native int hx_jwe_key_from_pem(byte[] pem, long[] out);
    static native int hx_jwe_key_from_secret(byte[] secret, long secretLen, long[] out);
    static native int hx_jwe_key_from_password(byte[] password, long passwordLen, long[] out);
    static native int hx_jwe_key_generate(byte[] kind, long[] out);
    static native int hx_jwe_key_with_kid(long key, byte[] kid, long[] out);
    static native int hx_jwe_key_to_public(long key, long[] out);
    static native int hx_jwe_key_to_public_jwk(long key, long[] outPublicJwkJson);
    static native int hx_jwe_key_to_private_jwk(long key, long[] outPrivateJwkJson);
    static native long hx_jwe_key_kid(long key);
    static native byte hx_jwe_key_is_private(long key);
    static native long hx_jwe_key_kty(long key);
    static native long hx_jwe_key_curve(long key);
    static native long hx_jwe_key_algorithm(long key);
    static native int hx_jwe_key_thumbprint(long key, long[] outThumbprint);
    static native void hx_jwe_key_free(long key);

    static native int hx_jwe_options_new(Pointer algorithms, long nAlgorithms,
            Pointer encryptions, long nEncryptions, long[] out);
    static native int hx_jwe_options_set_max_token_length(long options, long bytes);
    static native int hx_jwe_options_set_max_p2c(long options, int iterations);
    static native int hx_jwe_options_allow_zip(long options, long maxInflatedBytes);
    static native int hx_jwe_options_set_critical(long options, Pointer names, long nNames);
    static native int hx_jwe_options_set_typ(long options, byte[] typ);
    static native void hx_jwe_options_free(long options);

    static native void hx_bytes_free(long bytes, long len);

    static native int hx_jwe_encrypt(long key, byte[] alg, byte[] enc, byte[] headerJson,
            byte[] plaintext, long plaintextLen, long[] outToken);
    static native int hx_jwe_encrypt_1pu(long recipientKey, long senderKey, byte[] alg,
            byte[] enc, byte[] headerJson, byte[] plaintext, long plaintextLen, long[] outToken);
    static native int hx_jwe_decrypt(long[] keys, long nKeys, byte[] token, long options,
            long[] outPlaintext, long[] outLen, long[] outHeaderJson);
    static native int hx_jwe_decrypt_1pu(long[] keys, long nKeys, long[] senderKeys,
            long nSenderKeys, byte[] token, long options, long[] outPlaintext, long[] outLen,
            long[] outHeaderJson);
    static native int hx_jwe_encrypt_json(long[] recipientKeys, Pointer algorithms,
            long nRecipients, long senderKey, byte[] enc, byte[] headerJson, byte[] plaintext,
            long plaintextLen, byte[] aad, long aadLen, byte general, long[] outJson);
    static native int hx_jwe_decrypt_json(long[] keys, long nKeys, long[] senderKeys,
            long nSenderKeys, byte[] token, long options, long[] outPlaintext, long[] outLen,
            long[] outHeaderJson, long[] outAad, long[] outAadLen);
    static native int hx_jwe_encrypt_nested(long signingKey, byte[] jwsAlg, long encryptionKey,
            byte[] alg, byte[] enc, byte[] claimsJson, long[] outToken);
    static native int hx_jwe_decrypt_nested(long[] keys, long nKeys, byte[] token, long options,
            long verifyingKey, long verifyingKeyset, long v, long[] outClaimsJson);
    static native int hx_jwe_decode_header(byte[] token, long[] outHeaderJson);

    // ---- conversions ----------------------------------------------------------------------

    /**
     * A Java string as the NUL-terminated UTF-8 that the library reads. A string the library
     * cannot be given faithfully (an embedded NUL, which would cut it short, or an unpaired
     * surrogate, which has no UTF-8 form) fails with {@link ErrorKind#INVALID_ARGUMENT}, as
     * invalid UTF-8 does in C.
     *
     * @throws NullPointerException when {@code s} is null
     */
    static byte[] cstr(String s, String what) {
        return utf8(s, what, true);
    }

    /**
     * A Java string as UTF-8 bytes without a terminator (a payload: NUL characters allowed).
     *
     * @throws NullPointerException when {@code s} is null
     */
    static byte[] bytes(String s, String what) {
        byte[] b = utf8(s, what, false);
        return java.util.Arrays.copyOf(b, b.length - 1);
    }

    private static byte[] utf8(String s, String what, boolean cString) {
        Objects.requireNonNull(s, what);
        int n = s.length();
        int ascii = 0;
        while (ascii < n) {
            char c = s.charAt(ascii);
            if ((c == 0 && cString) || c >= 0x80) {
                break;
            }
            ascii++;
        }
        if (ascii == n) {
            byte[] out = new byte[n + 1];
            for (int i = 0; i < n; i++) {
                out[i] = (byte) s.charAt(i);
            }
            return out;
        }
        byte[] out = new byte[3 * n + 1];
        int j = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == 0 && cString) {
                throw HxJwtException.invalidArgument(
                        what + " contains a NUL character (at index " + i + ")");
            } else if (c < 0x80) {
                out[j++] = (byte) c;
            } else if (c < 0x800) {
                out[j++] = (byte) (0xC0 | (c >> 6));
                out[j++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                char d = i + 1 < n ? s.charAt(i + 1) : 0;
                if (!Character.isHighSurrogate(c) || !Character.isLowSurrogate(d)) {
                    throw HxJwtException.invalidArgument(what
                            + " is not valid Unicode: an unpaired surrogate at index " + i);
                }
                int cp = Character.toCodePoint(c, d);
                i++;
                out[j++] = (byte) (0xF0 | (cp >> 18));
                out[j++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                out[j++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[j++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                out[j++] = (byte) (0xE0 | (c >> 12));
                out[j++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[j++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        out[j++] = 0;
        return j == out.length ? out : java.util.Arrays.copyOf(out, j);
    }

    /** {@link #cstr}, or null (NULL) for null. */
    static byte[] cstrOrNull(String s, String what) {
        return s == null ? null : cstr(s, what);
    }

    /** A NUL-terminated UTF-8 string the library owns or keeps (not freed), or null for NULL. */
    static String borrowed(long p) {
        return p == 0 ? null : new Pointer(p).getString(0, "UTF-8");
    }

    /** A string the library returned through a {@code char **}: copied, then hx_string_free'd. */
    static String owned(long p) {
        if (p == 0) {
            throw new HxJwtException(ErrorKind.INTERNAL, ErrorKind.INTERNAL.status(),
                    "Internal: the library returned success without a string", null);
        }
        try {
            return new Pointer(p).getString(0, "UTF-8");
        } finally {
            hx_string_free(p);
        }
    }

    /** Throws the exception of a failed call, unless {@code status} is HX_OK. */
    static void check(int status) {
        if (status != 0) {
            throw HxJwtException.fromLastError(status);
        }
    }

    /** A string of the library that is static (hx_version, hx_status_name). */
    static String staticString(long p) {
        return p == 0 ? null : new Pointer(p).getString(0, StandardCharsets.UTF_8.name());
    }

    /**
     * A duration as the whole, non-negative seconds the library counts in.
     *
     * @throws IllegalArgumentException for a negative duration or a fraction of a second
     */
    static long seconds(java.time.Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " is negative: " + d);
        }
        if (d.getNano() != 0) {
            throw new IllegalArgumentException(what + " is not a whole number of seconds: " + d);
        }
        return d.getSeconds();
    }

    /** A count the library takes as a size_t or uint64_t. */
    static long nonNegative(long n, String what) {
        if (n < 0) {
            throw new IllegalArgumentException(what + " is negative: " + n);
        }
        return n;
    }

    /** A C boolean argument. */
    static byte bool(boolean b) {
        return b ? (byte) 1 : (byte) 0;
    }
}
