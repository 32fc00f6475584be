package dev.hxjwt;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a JWK Set at a URL is fetched and cached ({@link Directory#fromUrl(String, RemoteOptions)},
 * {@link KeySet#fromUrl(String, RemoteOptions)}): the C library's {@code HxRemoteOptions}.
 * Immutable; every {@code with} method returns a copy, and a setting left alone is the library's
 * default (given with each method).
 *
 * <pre>{@code
 * RemoteOptions o = RemoteOptions.defaults().withMaxStale(Duration.ofHours(6));
 * }</pre>
 */
public final class RemoteOptions {
    // Zero means "the default" in every field of HxRemoteOptions.
    private final long connectTimeoutMs;
    private final long timeoutMs;
    private final long maxResponseBytes;
    private final long defaultTtlS;
    private final long minTtlS;
    private final long maxTtlS;
    private final long refreshCooldownS;
    private final long maxStaleS;
    private final boolean allowHttp;
    private final String caFile;
    /** "Name: value" lines, in the order given. */
    private final List<String> headers;
    private final boolean allowMixedKeys;

    private RemoteOptions(long[] v, boolean allowHttp, String caFile, List<String> headers,
            boolean allowMixedKeys) {
        this.connectTimeoutMs = v[0];
        this.timeoutMs = v[1];
        this.maxResponseBytes = v[2];
        this.defaultTtlS = v[3];
        this.minTtlS = v[4];
        this.maxTtlS = v[5];
        this.refreshCooldownS = v[6];
        this.maxStaleS = v[7];
        this.allowHttp = allowHttp;
        this.caFile = caFile;
        this.headers = List.copyOf(headers);
        this.allowMixedKeys = allowMixedKeys;
    }

    /**
     * The library's defaults: 5 s to connect, 10 s per request, 1 MiB, fresh for 300 s without
     * {@code max-age}, {@code max-age} bounded to 60 s .. 1 day, a 30 s cool-down between
     * refetches, served stale for up to 1 hour while fetches fail, https only, the built-in
     * Mozilla CA roots, no extra headers (User-Agent {@code hxjwt/<version>}), mixed sets
     * refused.
     *
     * @return the defaults
     */
    public static RemoteOptions defaults() {
        return new RemoteOptions(new long[8], false, null, List.of(), false);
    }

    private long[] values() {
        return new long[] {connectTimeoutMs, timeoutMs, maxResponseBytes, defaultTtlS, minTtlS,
            maxTtlS, refreshCooldownS, maxStaleS};
    }

    private RemoteOptions with(int field, long value) {
        long[] v = values();
        v[field] = value;
        return new RemoteOptions(v, allowHttp, caFile, headers, allowMixedKeys);
    }

    private static long millis(Duration d, String what) {
        java.util.Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
        return d.toMillis();
    }

    private static long positiveSeconds(Duration d, String what) {
        long s = HxNative.seconds(d, what);
        if (s == 0) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
        return s;
    }

    /**
     * The longest wait to establish a connection (TCP and TLS); default 5 s.
     *
     * @param timeout a positive duration (milliseconds are kept)
     * @return the new options
     * @throws IllegalArgumentException when not positive
     */
    public RemoteOptions withConnectTimeout(Duration timeout) {
        return with(0, millis(timeout, "connectTimeout"));
    }

    /**
     * The longest a whole request may take; default 10 s.
     *
     * @param timeout a positive duration (milliseconds are kept)
     * @return the new options
     * @throws IllegalArgumentException when not positive
     */
    public RemoteOptions withTimeout(Duration timeout) {
        return with(1, millis(timeout, "timeout"));
    }

    /**
     * The largest response body accepted; default 1 MiB.
     *
     * @param bytes at least 1
     * @return the new options
     * @throws IllegalArgumentException when not positive
     */
    public RemoteOptions withMaxResponseBytes(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("maxResponseBytes must be positive: " + bytes);
        }
        return with(2, bytes);
    }

    /**
     * How long a fetched set is fresh without {@code Cache-Control: max-age}; default 300 s.
     *
     * @param ttl whole seconds, at least 1
     * @return the new options
     * @throws IllegalArgumentException when not positive or not whole seconds
     */
    public RemoteOptions withDefaultTtl(Duration ttl) {
        return with(3, positiveSeconds(ttl, "defaultTtl"));
    }

    /**
     * The shortest freshness, whatever {@code max-age} says; default 60 s.
     *
     * @param ttl whole seconds, at least 1
     * @return the new options
     * @throws IllegalArgumentException when not positive or not whole seconds
     */
    public RemoteOptions withMinTtl(Duration ttl) {
        return with(4, positiveSeconds(ttl, "minTtl"));
    }

    /**
     * The longest freshness, whatever {@code max-age} says; default 1 day.
     *
     * @param ttl whole seconds, at least 1
     * @return the new options
     * @throws IllegalArgumentException when not positive or not whole seconds
     */
    public RemoteOptions withMaxTtl(Duration ttl) {
        return with(5, positiveSeconds(ttl, "maxTtl"));
    }

    /**
     * The least time between two fetches triggered by an unknown name or {@code kid}, or by a
     * failed fetch; default 30 s.
     *
     * @param cooldown whole seconds, at least 1
     * @return the new options
     * @throws IllegalArgumentException when not positive or not whole seconds
     */
    public RemoteOptions withRefreshCooldown(Duration cooldown) {
        return with(6, positiveSeconds(cooldown, "refreshCooldown"));
    }

    /**
     * How long after it stops being fresh the last good set keeps serving while fetches fail;
     * default 1 hour.
     *
     * @param maxStale whole seconds, at least 1
     * @return the new options
     * @throws IllegalArgumentException when not positive or not whole seconds
     */
    public RemoteOptions withMaxStale(Duration maxStale) {
        return with(7, positiveSeconds(maxStale, "maxStale"));
    }

    /**
     * Accepts {@code http://} URLs (no TLS): only for loopback tests and private networks.
     *
     * @param allow whether http is allowed; default false
     * @return the new options
     */
    public RemoteOptions withAllowHttp(boolean allow) {
        return new RemoteOptions(values(), allow, caFile, headers, allowMixedKeys);
    }

    /**
     * Trusts the certificate authorities of a PEM file (an identity provider behind a private
     * CA) instead of the built-in Mozilla roots. The file is read and checked when the options
     * are used ({@link KeySet#fromUrl(String, RemoteOptions)},
     * {@link Directory#fromUrl(String, RemoteOptions)}): a missing or unreadable file, bad PEM
     * or no certificate is an {@link HxJwtException} of kind
     * {@link ErrorKind#INVALID_ARGUMENT} naming the path.
     *
     * @param pemFile the path of the PEM file, or null for the built-in roots (the default)
     * @return the new options
     */
    public RemoteOptions withCaFile(String pemFile) {
        return new RemoteOptions(values(), allowHttp, pemFile, headers, allowMixedKeys);
    }

    /**
     * Adds a request header sent with every fetch (a {@code User-Agent} replaces the default
     * {@code hxjwt/<version>}). The name and value are checked when the options are used: a
     * name that is not an HTTP token or is {@code Host}, {@code Content-Length} or
     * {@code Transfer-Encoding}, a value with CR, LF, NUL or another control character, or a
     * header given twice, is an {@link HxJwtException} of kind
     * {@link ErrorKind#INVALID_ARGUMENT} naming the header (never quoting the value).
     *
     * @param name the header's name (no colon)
     * @param value its value
     * @return the new options
     * @throws NullPointerException when an argument is null
     * @throws IllegalArgumentException when the name is empty or holds a colon
     */
    public RemoteOptions withHeader(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty() || name.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a header name must be an HTTP token (no colon)");
        }
        List<String> h = new ArrayList<>(headers);
        h.add(name + ": " + value);
        return new RemoteOptions(values(), allowHttp, caFile, h, allowMixedKeys);
    }

    /**
     * Accepts a JWK Set mixing HMAC secrets with public keys ({@link KeySet#fromUrl(String,
     * RemoteOptions)} only; refused by default).
     *
     * @param allow whether such a set is accepted; default false
     * @return the new options
     */
    public RemoteOptions withAllowMixedKeys(boolean allow) {
        return new RemoteOptions(values(), allowHttp, caFile, headers, allow);
    }

    /** A struct's memory that also keeps the strings it points to alive. */
    private static final class StructMemory extends Memory {
        @SuppressWarnings("unused") // reachable as long as the struct
        private final Object[] keep;

        StructMemory(long size, Object... keep) {
            super(size);
            this.keep = keep;
        }
    }

    /**
     * The options as the C struct HxRemoteOptions: 8 uint64_t, the bool allow_http, then
     * (pointer-aligned) const char *ca_file, const char *const *headers, size_t headers_len, the
     * bool allow_mixed_keys; 104 bytes on a 64-bit platform. The strings live as long as the
     * returned memory.
     */
    Memory toNative() {
        int p = Native.POINTER_SIZE;
        long caOffset = 64 + p; // the bool at 64, padded to the pointer's alignment
        long headersOffset = caOffset + p;
        long lenOffset = headersOffset + p;
        long mixedOffset = lenOffset + Native.SIZE_T_SIZE;
        long size = (mixedOffset + 1 + 7) & ~7L; // the struct's alignment is uint64_t's
        Memory ca = null;
        if (caFile != null) {
            byte[] b = HxNative.cstr(caFile, "caFile");
            ca = new Memory(b.length);
            ca.write(0, b, 0, b.length);
        }
        CStringArray lines = new CStringArray(headers, "headers");
        Memory m = new StructMemory(size, ca, lines);
        m.clear();
        long[] v = values();
        for (int i = 0; i < v.length; i++) {
            m.setLong(8L * i, v[i]);
        }
        m.setByte(64, HxNative.bool(allowHttp));
        m.setPointer(caOffset, ca);
        m.setPointer(headersOffset, lines.pointer());
        if (Native.SIZE_T_SIZE == 8) {
            m.setLong(lenOffset, lines.size());
        } else {
            m.setInt(lenOffset, lines.size());
        }
        m.setByte(mixedOffset, HxNative.bool(allowMixedKeys));
        return m;
    }
}
