package dev.hxjwt;

import java.time.Duration;
import java.util.Objects;

/**
 * How an endpoint's token is made: its lifetime, the optional {@code nbf}, {@code jti} and
 * {@code cty} members, and its {@linkplain Protocol mode} (HX1 unless
 * {@link #withProtocol(Protocol)} says otherwise). Immutable; each {@code with} method returns a
 * copy.
 *
 * <pre>{@code
 * CreateOptions o = CreateOptions.ttl(Duration.ofMinutes(5)).withJti("order-42").withContentType("json");
 * CreateOptions jwe = CreateOptions.ttl(Duration.ofMinutes(5)).withProtocol(Protocol.ECDH_1PU);
 * }</pre>
 */
public final class CreateOptions {
    private final Duration ttl;
    private final Long notBefore;
    private final String jti;
    private final String contentType;
    private final Protocol protocol;

    private CreateOptions(Duration ttl, Long notBefore, String jti, String contentType,
            Protocol protocol) {
        this.ttl = ttl;
        this.notBefore = notBefore;
        this.jti = jti;
        this.contentType = contentType;
        this.protocol = protocol;
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
        return new CreateOptions(ttl, null, null, null, Protocol.HX1);
    }

    /**
     * A copy with the token's {@code nbf}.
     *
     * @param unixSeconds not valid before this instant, in seconds since the Unix epoch
     * @return the new options
     */
    public CreateOptions withNotBefore(long unixSeconds) {
        return new CreateOptions(ttl, unixSeconds, jti, contentType, protocol);
    }

    /**
     * A copy with the token's unique id.
     *
     * @param jti the {@code jti}, at most 128 bytes
     * @return the new options
     * @throws NullPointerException when {@code jti} is null
     */
    public CreateOptions withJti(String jti) {
        return new CreateOptions(ttl, notBefore, Objects.requireNonNull(jti, "jti"), contentType,
                protocol);
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
                Objects.requireNonNull(contentType, "contentType"), protocol);
    }

    /**
     * A copy that makes the token in another mode: {@link Protocol#ECDH_1PU} for a standard
     * compact JWE (five segments) that ECDH-1PU stacks such as joserfc can read with the two
     * machine tokens, or {@link Protocol#HX1} (the default). The recipient's
     * {@link Endpoint#validate(String)} accepts both and {@link Message#protocol()} tells which.
     *
     * @param protocol the mode
     * @return the new options
     * @throws NullPointerException when {@code protocol} is null
     */
    public CreateOptions withProtocol(Protocol protocol) {
        return new CreateOptions(ttl, notBefore, jti, contentType,
                Objects.requireNonNull(protocol, "protocol"));
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

    Protocol protocol() {
        return protocol;
    }
}
