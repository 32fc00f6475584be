package dev.hxjwt;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A validated endpoint token: who sent it, to whom, when, in which {@linkplain Protocol mode},
 * and the decrypted payload. A plain
 * immutable value (the library's message handle is copied and freed during
 * {@link Endpoint#validate(String)}), safe to share between threads; nothing to close.
 */
public final class Message {
    private final String issuer;
    private final String audience;
    private final long issuedAt;
    private final long expiresAt;
    private final OptionalLong notBefore;
    private final String jti;
    private final String contentType;
    private final Protocol protocol;
    private final byte[] payload;

    private Message(String issuer, String audience, long issuedAt, long expiresAt,
            OptionalLong notBefore, String jti, String contentType, Protocol protocol,
            byte[] payload) {
        this.issuer = issuer;
        this.audience = audience;
        this.issuedAt = issuedAt;
        this.expiresAt = expiresAt;
        this.notBefore = notBefore;
        this.jti = jti;
        this.contentType = contentType;
        this.protocol = protocol;
        this.payload = payload;
    }

    /** Copies a live HxMessage (which the caller frees). */
    static Message copyOf(long m) {
        long[] len = new long[1];
        long p = HxNative.hx_message_payload(m, len);
        if (p == 0 || len[0] > Integer.MAX_VALUE - 8) {
            throw new HxJwtException(ErrorKind.INTERNAL, ErrorKind.INTERNAL.status(),
                    "Internal: the message has no payload the JVM can hold", null);
        }
        byte[] payload = new com.sun.jna.Pointer(p).getByteArray(0, (int) len[0]);
        long[] nbf = new long[1];
        OptionalLong notBefore = HxNative.hx_message_not_before(m, nbf) != 0
                ? OptionalLong.of(nbf[0]) : OptionalLong.empty();
        String mode = HxNative.staticString(HxNative.hx_message_protocol(m));
        Protocol protocol;
        try {
            protocol = Protocol.fromWireName(mode == null ? "" : mode);
        } catch (IllegalArgumentException e) {
            throw new HxJwtException(ErrorKind.INTERNAL, ErrorKind.INTERNAL.status(),
                    "Internal: the library names a protocol this binding does not know: " + mode,
                    null);
        }
        return new Message(
                HxNative.borrowed(HxNative.hx_message_issuer(m)),
                HxNative.borrowed(HxNative.hx_message_audience(m)),
                HxNative.hx_message_issued_at(m),
                HxNative.hx_message_expires_at(m),
                notBefore,
                HxNative.borrowed(HxNative.hx_message_jti(m)),
                HxNative.borrowed(HxNative.hx_message_content_type(m)),
                protocol,
                payload);
    }

    /**
     * The sender's name ({@code iss}), authenticated.
     *
     * @return the sender's name
     */
    public String issuer() {
        return issuer;
    }

    /**
     * The recipient's name ({@code aud}): the endpoint's own name or one of its audiences.
     *
     * @return the recipient's name
     */
    public String audience() {
        return audience;
    }

    /**
     * When the token was issued ({@code iat}).
     *
     * @return seconds since the Unix epoch
     */
    public long issuedAt() {
        return issuedAt;
    }

    /**
     * When the token expires ({@code exp}).
     *
     * @return seconds since the Unix epoch
     */
    public long expiresAt() {
        return expiresAt;
    }

    /**
     * The token's {@code nbf}, if it had one.
     *
     * @return seconds since the Unix epoch, or empty
     */
    public OptionalLong notBefore() {
        return notBefore;
    }

    /**
     * The token's unique id ({@code jti}), if it had one.
     *
     * @return the id, or empty
     */
    public Optional<String> jti() {
        return Optional.ofNullable(jti);
    }

    /**
     * The media type of the payload ({@code cty}, e.g. {@code "json"}), if the token had one.
     *
     * @return the content type, or empty
     */
    public Optional<String> contentType() {
        return Optional.ofNullable(contentType);
    }

    /**
     * The mode of the token: {@link Protocol#HX1} or {@link Protocol#ECDH_1PU} (how the sender
     * made it, {@link CreateOptions#withProtocol(Protocol)}).
     *
     * @return the mode
     */
    public Protocol protocol() {
        return protocol;
    }

    /**
     * The decrypted payload, exactly as sent.
     *
     * @return a fresh copy of the bytes
     */
    public byte[] payload() {
        return payload.clone();
    }

    /**
     * The payload as text.
     *
     * @return the payload decoded as UTF-8
     * @throws IllegalStateException when the payload is not valid UTF-8 (a binary payload:
     *     use {@link #payload()})
     */
    public String text() {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("the payload is not valid UTF-8", e);
        }
    }

    /**
     * Who sent it to whom, when; never the payload.
     *
     * @return a description for logs
     */
    @Override
    public String toString() {
        return "Message[" + issuer + " -> " + audience + ", " + protocol.wireName() + ", iat="
                + issuedAt + ", exp=" + expiresAt + ", " + payload.length + " bytes]";
    }
}
