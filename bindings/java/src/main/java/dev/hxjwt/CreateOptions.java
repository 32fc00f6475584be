package dev.hxjwt;

import java.time.Duration;
import java.util.Objects;

/**
 * How an HX1 token is made: its lifetime and the optional {@code nbf}, {@code jti} and
 * {@code cty} header members. Immutable; each {@code with} method returns a copy.
 *
 * <pre>{@code
 * CreateOptions o = CreateOptions.ttl(Duration.ofMinutes(5)).withJti("order-42").withContentType("json");
 * }</pre>
 */
public final class CreateOptions {
    private final Duration ttl;
    private final Long notBefore;
    private final String jti;
    private final String contentType;

    private CreateOptions(Duration ttl, Long notBefore, String jti, String contentType) {
        this.ttl = ttl;
        this.notBefore = notBefore;
        this.jti = jti;
        this.contentType = contentType;
    }

    /**
     * Options with a lifetime and no optional member.
     *
     * @param ttl how long the token is valid from now: whole seconds, at least 1
     * @return the options
     * @throws NullPointerException when {@code ttl} is null
     * @throws IllegalArgumentException when {@code ttl} is negative or not whole seconds
     */
    public static CreateOptions ttl(Duration ttl) {
        HxNative.seconds(ttl, "ttl");
        return new CreateOptions(ttl, null, null, null);
    }

    /**
     * A copy with the token's {@code nbf}.
     *
     * @param unixSeconds not valid before this instant, in seconds since the Unix epoch
     * @return the new options
     */
    public CreateOptions withNotBefore(long unixSeconds) {
        return new CreateOptions(ttl, unixSeconds, jti, contentType);
    }

    /**
     * A copy with the token's unique id.
     *
     * @param jti the {@code jti}, at most 128 bytes
     * @return the new options
     * @throws NullPointerException when {@code jti} is null
     */
    public CreateOptions withJti(String jti) {
        return new CreateOptions(ttl, notBefore, Objects.requireNonNull(jti, "jti"), contentType);
    }

    /**
     * A copy with the media type of the payload.
     *
     * @param contentType the {@code cty}, e.g. {@code "json"}
     * @return the new options
     * @throws NullPointerException when {@code contentType} is null
     */
    public CreateOptions withContentType(String contentType) {
        return new CreateOptions(ttl, notBefore, jti,
                Objects.requireNonNull(contentType, "contentType"));
    }

    Duration ttl() {
        return ttl;
    }

    Long notBefore() {
        return notBefore;
    }

    String jti() {
        return jti;
    }

    String contentType() {
        return contentType;
    }
}
