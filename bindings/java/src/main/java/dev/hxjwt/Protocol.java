package dev.hxjwt;

import java.util.Objects;

/**
 * The two modes of an {@link Endpoint}'s tokens (docs/PROTOCOL.md): chosen when creating with
 * {@link CreateOptions#withProtocol(Protocol)}, told by {@link Message#protocol()} after
 * validating ({@link Endpoint#validate(String)} accepts both). The same as the Python module's
 * {@code protocol="HX1"|"ECDH-1PU"} and the C library's {@code hx_message_protocol}.
 */
public enum Protocol {
    /** HX1 (the default): {@code hx_create_jwt} and {@code hx_create_jwt_ex}. */
    HX1("HX1"),
    /** The ECDH-1PU mode: a standard compact JWE ({@code alg} {@code ECDH-1PU}, {@code enc}
     *  {@code A256GCM}, five segments) that joserfc or any ECDH-1PU stack can read with the two
     *  machine tokens, and whose past tokens stay sealed if the sender's identity key is stolen
     *  later (SECURITY.md); {@code hx_create_jwt_1pu}. */
    ECDH_1PU("ECDH-1PU");

    private final String wireName;

    Protocol(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The mode's name as the C library, the Python module and the CLI write it.
     *
     * @return {@code "HX1"} or {@code "ECDH-1PU"}
     */
    public String wireName() {
        return wireName;
    }

    /**
     * The mode of a name as {@link #wireName()} writes it (exactly: case matters).
     *
     * @param wireName {@code "HX1"} or {@code "ECDH-1PU"}
     * @return the mode
     * @throws IllegalArgumentException for another name
     * @throws NullPointerException when {@code wireName} is null
     */
    public static Protocol fromWireName(String wireName) {
        Objects.requireNonNull(wireName, "wireName");
        for (Protocol p : values()) {
            if (p.wireName.equals(wireName)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no such protocol: " + wireName);
    }
}
