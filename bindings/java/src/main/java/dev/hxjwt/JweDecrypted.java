package dev.hxjwt;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * A decrypted JWE ({@link Jwe#decrypt(String, JweKey, JweOptions)} and the other decryptions):
 * the JOSE header, the algorithms that decrypted it, the plaintext and, for the JSON
 * serialization, the {@code aad}. A plain value copied from the library (whose buffers are
 * wiped and freed during the call), safe to share between threads. {@link #close()} wipes this
 * object's copy of the plaintext and {@code aad} (use try-with-resources for a secret
 * plaintext); the copies that {@link #plaintext()} returns are the caller's to wipe.
 */
public final class JweDecrypted implements AutoCloseable {
    private final String headerJson;
    private final Map<String, Object> header;
    private final byte[] plaintext;
    private final byte[] aad;
    private volatile boolean closed;

    JweDecrypted(String headerJson, byte[] plaintext, byte[] aad) {
        this.headerJson = headerJson;
        Map<String, Object> h;
        try {
            h = JsonReader.object(headerJson);
        } catch (IllegalArgumentException e) {
            Arrays.fill(plaintext, (byte) 0);
            if (aad != null) {
                Arrays.fill(aad, (byte) 0);
            }
            throw new HxJwtException(ErrorKind.INTERNAL, ErrorKind.INTERNAL.status(),
                    "Internal: the library returned a header that is not a JSON object", null);
        }
        this.header = h;
        this.plaintext = plaintext;
        this.aad = aad;
    }

    /**
     * The JOSE header: for a compact token the protected header, for the JSON serialization
     * the union of the protected, shared and recipient headers.
     *
     * @return the header's members, parsed (an unmodifiable map; objects are maps, arrays
     *     lists, integers {@code Long} or {@code BigInteger})
     */
    public Map<String, Object> header() {
        return header;
    }

    /**
     * The JOSE header as the library wrote it.
     *
     * @return the header, a JSON object
     */
    public String headerJson() {
        return headerJson;
    }

    /**
     * The key management algorithm that decrypted the token (the header's {@code alg}).
     *
     * @return the algorithm's name, such as {@code "ECDH-ES+A256KW"}
     */
    public String alg() {
        return String.valueOf(header.get("alg"));
    }

    /**
     * The content encryption (the header's {@code enc}).
     *
     * @return the encryption's name, such as {@code "A256GCM"}
     */
    public String enc() {
        return String.valueOf(header.get("enc"));
    }

    /**
     * The plaintext (inflated when {@code zip} was used), exactly as encrypted.
     *
     * @return a fresh copy of the bytes (wipe it when it is a secret)
     * @throws IllegalStateException after {@link #close()}
     */
    public byte[] plaintext() {
        requireOpen();
        return plaintext.clone();
    }

    /**
     * The plaintext as text.
     *
     * @return the plaintext decoded as UTF-8
     * @throws IllegalStateException when the plaintext is not valid UTF-8 (use
     *     {@link #plaintext()}), or after {@link #close()}
     */
    public String text() {
        requireOpen();
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(plaintext))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("the plaintext is not valid UTF-8", e);
        }
    }

    /**
     * The JSON serialization's additional authenticated data ({@code aad}), decoded:
     * authenticated, not encrypted.
     *
     * @return a fresh copy of the bytes, or empty when the token has none (a compact token
     *     never has)
     * @throws IllegalStateException after {@link #close()}
     */
    public Optional<byte[]> aad() {
        requireOpen();
        return aad == null ? Optional.empty() : Optional.of(aad.clone());
    }

    /**
     * Overwrites this object's plaintext and {@code aad} with zeros; later calls of
     * {@link #plaintext()}, {@link #text()} and {@link #aad()} throw
     * {@link IllegalStateException}. Idempotent; the header stays readable.
     */
    @Override
    public void close() {
        closed = true;
        Arrays.fill(plaintext, (byte) 0);
        if (aad != null) {
            Arrays.fill(aad, (byte) 0);
        }
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once the plaintext was wiped
     */
    public boolean isClosed() {
        return closed;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(
                    "this decrypted JWE was closed: its plaintext is wiped");
        }
    }

    /**
     * The algorithms and the plaintext's length; never the plaintext.
     *
     * @return a description for logs
     */
    @Override
    public String toString() {
        return "JweDecrypted[alg=" + alg() + ", enc=" + enc() + ", " + plaintext.length
                + " bytes" + (aad != null ? ", aad " + aad.length + " bytes" : "") + "]";
    }
}
