package dev.hxjwt;

import com.sun.jna.Memory;
import java.time.Duration;

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

    private RemoteOptions(long[] v, boolean allowHttp) {
        this.connectTimeoutMs = v[0];
        this.timeoutMs = v[1];
        this.maxResponseBytes = v[2];
        this.defaultTtlS = v[3];
        this.minTtlS = v[4];
        this.maxTtlS = v[5];
        this.refreshCooldownS = v[6];
        this.maxStaleS = v[7];
        this.allowHttp = allowHttp;
    }

    /**
     * The library's defaults: 5 s to connect, 10 s per request, 1 MiB, fresh for 300 s without
     * {@code max-age}, {@code max-age} bounded to 60 s .. 1 day, a 30 s cool-down between
     * refetches, served stale for up to 1 hour while fetches fail, https only.
     *
     * @return the defaults
     */
    public static RemoteOptions defaults() {
        return new RemoteOptions(new long[8], false);
    }

    private long[] values() {
        return new long[] {connectTimeoutMs, timeoutMs, maxResponseBytes, defaultTtlS, minTtlS,
            maxTtlS, refreshCooldownS, maxStaleS};
    }

    private RemoteOptions with(int field, long value) {
        long[] v = values();
        v[field] = value;
        return new RemoteOptions(v, allowHttp);
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
        return new RemoteOptions(values(), allow);
    }

    /** The options as the C struct HxRemoteOptions (8 uint64_t, then a bool; 72 bytes). */
    Memory toNative() {
        Memory m = new Memory(72);
        m.clear();
        long[] v = values();
        for (int i = 0; i < v.length; i++) {
            m.setLong(8L * i, v[i]);
        }
        m.setByte(64, HxNative.bool(allowHttp));
        return m;
    }
}
