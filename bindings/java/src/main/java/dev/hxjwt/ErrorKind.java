package dev.hxjwt;

import java.util.Locale;

/**
 * Why hxjwt refused a token or a call: one constant per error kind of the core, the same kinds
 * as the C library's {@code HX_ERR_*} statuses, the Rust crate's {@code ErrorKind} and the
 * Python module's exception classes. {@link HxJwtException#kind()} gives it.
 *
 * <p>Each constant is the C status without its {@code HX_ERR_} prefix ({@code EXPIRED} is
 * {@code HX_ERR_EXPIRED}); {@link #stableName()} is the kind's name as the test vectors and the
 * other faces write it ({@code "Expired"}).
 */
public enum ErrorKind {
    /** An argument is unusable: a string with a NUL character or an unpaired surrogate, an
     *  empty or over-long name, a zero TTL, a name-resolving call without a directory. */
    INVALID_ARGUMENT(1),
    /** Not three canonical base64url segments, not the JSON expected, or over a size or depth
     *  limit. */
    MALFORMED(100),
    /** The {@code alg} (or the HX1 {@code channelSecurityContext}) is not one that is
     *  accepted. */
    UNSUPPORTED_ALGORITHM(101),
    /** The header has a member this version does not know, or a {@code crit} member. */
    UNKNOWN_HEADER(102),
    /** The token's {@code aud} is not an audience accepted here. */
    WRONG_AUDIENCE(103),
    /** The directory has no machine token for the token's {@code iss} (or for the recipient
     *  named). */
    UNKNOWN_ISSUER(104),
    /** The sender machine token given is not the one of the token's {@code iss}; for a
     *  standard JWT, the {@code iss} is not among the validation's issuers. */
    ISSUER_MISMATCH(105),
    /** A key is malformed, of the wrong type or size, or does not fit the algorithm. */
    INVALID_KEY(106),
    /** The signature (MAC) is wrong: a forged, tampered or misaddressed token, or the wrong
     *  key. */
    INVALID_SIGNATURE(107),
    /** The token's {@code exp} has passed (beyond the leeway), or it is older than the maximum
     *  age. */
    EXPIRED(108),
    /** The token's {@code iat} or {@code nbf} is in the future (beyond the leeway). */
    NOT_YET_VALID(109),
    /** The token lives longer ({@code exp - iat}) than the endpoint's maximum lifetime. */
    LIFETIME_TOO_LONG(110),
    /** The payload did not decrypt although the signature was valid. */
    DECRYPTION_FAILED(111),
    /** The token was already accepted once and replay protection is on. */
    REPLAYED(112),
    /** The directory (or a remote key set) could not answer. */
    RESOLVER_FAILED(113),
    /** A claim the validation requires is absent (standard JWT); {@link HxJwtException#claim()}
     *  names it. */
    MISSING_CLAIM(114),
    /** A claim has the wrong type, or a value the validation does not accept (standard JWT). */
    INVALID_CLAIM(115),
    /** No key of the key set matches the token's {@code kid} and algorithm (standard JWT). */
    KEY_NOT_FOUND(116),
    /** The token was revoked. */
    REVOKED(117),
    /** A shared replay or revocation store (such as Redis) could not be reached; the token is
     *  refused. */
    STORE_UNAVAILABLE(118),
    /** A bug in hxjwt (a panic caught at the C boundary), or a status this binding does not
     *  know. */
    INTERNAL(255);

    private final int status;
    private final String stableName;

    ErrorKind(int status) {
        this.status = status;
        StringBuilder b = new StringBuilder();
        for (String word : name().split("_")) {
            b.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        this.stableName = b.toString();
    }

    /**
     * The kind's name as the test vectors, the error messages and the other faces write it:
     * {@code "Expired"}, {@code "InvalidSignature"}.
     *
     * @return the CamelCase name
     */
    public String stableName() {
        return stableName;
    }

    /**
     * The C name of the kind's status: {@code "HX_ERR_EXPIRED"}.
     *
     * @return the name of the {@code HxStatus} enumerator
     */
    public String cName() {
        return "HX_ERR_" + name();
    }

    /**
     * The numeric {@code HxStatus} of the kind, as include/hxjwt.h defines it (part of the C
     * ABI).
     *
     * @return the status code
     */
    public int status() {
        return status;
    }

    /**
     * The kind of a stable name ({@code "Expired"}).
     *
     * @param stableName a name as {@link #stableName()} gives it
     * @return the kind
     * @throws IllegalArgumentException when no kind has that name
     * @throws NullPointerException when {@code stableName} is null
     */
    public static ErrorKind fromStableName(String stableName) {
        java.util.Objects.requireNonNull(stableName, "stableName");
        for (ErrorKind k : values()) {
            if (k.stableName.equals(stableName)) {
                return k;
            }
        }
        throw new IllegalArgumentException("no error kind is named " + stableName);
    }
}
