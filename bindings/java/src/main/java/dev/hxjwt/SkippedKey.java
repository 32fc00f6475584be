package dev.hxjwt;

import java.util.Objects;
import java.util.Optional;

/**
 * A key of a JWK Set that {@link KeySet#fromJwks(String)} left out, and why: RFC 7517 asks a
 * reader to ignore keys it cannot use, and hxjwt reports each one ({@link KeySet#skipped()})
 * instead of dropping it silently. Immutable.
 */
public final class SkippedKey {
    private final int index;
    private final String kid;
    private final String reason;

    SkippedKey(int index, String kid, String reason) {
        this.index = index;
        this.kid = kid;
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * The key's position in the JWK Set's {@code keys} array.
     *
     * @return the index, from 0
     */
    public int index() {
        return index;
    }

    /**
     * The key's {@code kid} (a NUL character in it is written as {@code \0}).
     *
     * @return the kid, or empty when the key has no string {@code kid}
     */
    public Optional<String> kid() {
        return Optional.ofNullable(kid);
    }

    /**
     * Why hxjwt does not use the key (its {@code kty}, curve, {@code use} or {@code alg}).
     *
     * @return the reason, for people
     */
    public String reason() {
        return reason;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SkippedKey other && other.index == index
                && Objects.equals(other.kid, kid) && other.reason.equals(reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, kid, reason);
    }

    @Override
    public String toString() {
        return "SkippedKey[index=" + index + ", kid=" + kid + ", reason=" + reason + "]";
    }
}
