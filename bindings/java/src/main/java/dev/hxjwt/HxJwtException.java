package dev.hxjwt;

import java.util.Optional;

/**
 * Every failure that libhxjwt reports: a refused token, a bad key, an unusable argument. The
 * {@link #kind()} says which of the core's error kinds it is (one per C status, by name);
 * {@link #getMessage()} is the library's explanation ({@code "Expired: the token expired at
 * ..."}, the kind, a colon and a detail), read on the thread of the failed call right after it;
 * {@link #claim()} names the claim a standard-JWT failure is about.
 *
 * <p>It is unchecked, like the exceptions of most Java JWT libraries (jjwt's
 * {@code JwtException}): a refused token is handled at one boundary (an HTTP filter answers
 * 401), not at every call; an unchecked exception keeps the calls usable in lambdas and streams;
 * and {@code catch (HxJwtException e)} still catches every refusal in one place, whichever kind.
 * No message ever contains key material.
 *
 * <p>Arguments that are null fail with {@link NullPointerException} before the library is
 * called; strings the library cannot be given (an embedded NUL, an unpaired surrogate) fail with
 * this exception, kind {@link ErrorKind#INVALID_ARGUMENT}, as invalid UTF-8 does in C. Using a
 * closed handle fails with {@link IllegalStateException}.
 */
public class HxJwtException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The kind of each status 0..255 ({@code null} for HX_OK), by the library's names. */
    private static final ErrorKind[] KIND_OF_STATUS = new ErrorKind[256];

    static {
        for (int status = 1; status < 256; status++) {
            String name = HxNative.staticString(HxNative.hx_status_name(status));
            ErrorKind kind = null;
            if (name != null && name.startsWith("HX_ERR_") && !name.equals("HX_ERR_UNKNOWN")) {
                try {
                    kind = ErrorKind.valueOf(name.substring("HX_ERR_".length()));
                } catch (IllegalArgumentException newerThanThisBinding) {
                    kind = ErrorKind.INTERNAL;
                }
            } else {
                // Not a status of this library (yet): the ABI's numbers, as a fallback, so that
                // a status appended after this library was built (STORE_UNAVAILABLE = 118)
                // still maps to its kind.
                for (ErrorKind k : ErrorKind.values()) {
                    if (k.status() == status) {
                        kind = k;
                    }
                }
            }
            KIND_OF_STATUS[status] = kind;
        }
    }

    /** The error kind. */
    private final ErrorKind kind;
    /** The C status code. */
    private final int status;
    /** The claim the failure is about, or null. */
    private final String claim;

    /**
     * Makes an exception; the library's failures are made by the binding itself.
     *
     * @param kind the error kind
     * @param status the C status code
     * @param message the explanation
     * @param claim the claim the failure is about, or null
     */
    protected HxJwtException(ErrorKind kind, int status, String message, String claim) {
        super(message);
        this.kind = kind;
        this.status = status;
        this.claim = claim;
    }

    /**
     * The error kind.
     *
     * @return the kind, never null
     */
    public ErrorKind kind() {
        return kind;
    }

    /**
     * The C status the library returned ({@code 108} for {@code HX_ERR_EXPIRED}).
     *
     * @return the status code
     */
    public int status() {
        return status;
    }

    /**
     * The claim (or header member, such as {@code "typ"}) a failure is about: {@code "exp"} for
     * an expired standard JWT, the missing claim for {@link ErrorKind#MISSING_CLAIM}; empty for
     * failures about no claim (a bad signature, a malformed token, every HX1 failure).
     *
     * @return the claim's name, if any
     */
    public Optional<String> claim() {
        return Optional.ofNullable(claim);
    }

    /** The kind of a C status (any int; unknown ones are {@link ErrorKind#INTERNAL}). */
    static ErrorKind kindOf(int status) {
        ErrorKind k = status > 0 && status < 256 ? KIND_OF_STATUS[status] : null;
        return k == null ? ErrorKind.INTERNAL : k;
    }

    /** The exception of the call that just failed with {@code status} on this thread. */
    static HxJwtException fromLastError(int status) {
        // Read first: any later hx_* call on this thread may replace them.
        String message = HxNative.borrowed(HxNative.hx_last_error_message());
        String claim = HxNative.borrowed(HxNative.hx_last_error_claim());
        ErrorKind kind = kindOf(status);
        if (message == null || message.isEmpty()) {
            message = kind.stableName() + ": the library gave no message (status " + status + ")";
        }
        Throwable cause = Directory.takeResolverFailure();
        if (cause != null && kind == ErrorKind.RESOLVER_FAILED) {
            message = message + " (the resolver threw " + cause + ")";
        } else {
            cause = null;
        }
        HxJwtException e = new HxJwtException(kind, status, message, claim);
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /** An argument the library cannot be given, refused before the call. */
    static HxJwtException invalidArgument(String detail) {
        ErrorKind k = ErrorKind.INVALID_ARGUMENT;
        return new HxJwtException(k, k.status(), k.stableName() + ": " + detail, null);
    }
}
