package dev.hxjwt;

/**
 * How {@link KeySet#fromJwks(String, KeySetOptions)} reads a JWK Set. Immutable; every
 * {@code with} method returns a copy.
 *
 * <pre>{@code
 * KeySet set = KeySet.fromJwks(jwks, KeySetOptions.defaults().withAllowMixed(true));
 * }</pre>
 */
public final class KeySetOptions {
    private final boolean allowMixed;

    private KeySetOptions(boolean allowMixed) {
        this.allowMixed = allowMixed;
    }

    /**
     * The defaults: a set mixing HMAC secrets with asymmetric keys is refused.
     *
     * @return the defaults
     */
    public static KeySetOptions defaults() {
        return new KeySetOptions(false);
    }

    /**
     * Whether a set may hold both HMAC secrets ({@code oct}) and asymmetric keys. Refused by
     * default ({@link ErrorKind#INVALID_KEY}): such a set lets a token choose, by its
     * {@code alg} and {@code kid}, which kind of key checks it. Allow it only for an issuer that
     * really uses both (moving from HS256 to RS256, say); every other check stays.
     *
     * @param allowMixed true to accept a mixed set
     * @return a copy with this setting
     */
    public KeySetOptions withAllowMixed(boolean allowMixed) {
        return new KeySetOptions(allowMixed);
    }

    /**
     * Whether a set may hold both HMAC secrets and asymmetric keys.
     *
     * @return the setting ({@code false} by default)
     */
    public boolean allowMixed() {
        return allowMixed;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeySetOptions other && other.allowMixed == allowMixed;
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(allowMixed);
    }

    @Override
    public String toString() {
        return "KeySetOptions[allowMixed=" + allowMixed + "]";
    }
}
