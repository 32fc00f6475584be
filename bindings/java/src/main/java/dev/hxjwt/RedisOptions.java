package dev.hxjwt;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@link ReplayStore#redis(String, RedisOptions)} connects: the C library's
 * {@code HxRedisOptions}. Immutable; every {@code with} method returns a copy, and a setting
 * left alone is the library's default. Settings in the URL's query
 * ({@code ?prefix=...&timeout=...&connect_timeout=...&max_connections=...}) override these.
 */
public final class RedisOptions {
    private final long connectTimeoutMs;
    private final long commandTimeoutMs;
    private final long maxConnections;
    private final String keyPrefix;
    private final String caFile;

    private RedisOptions(long connectTimeoutMs, long commandTimeoutMs, long maxConnections,
            String keyPrefix, String caFile) {
        this.connectTimeoutMs = connectTimeoutMs;
        this.commandTimeoutMs = commandTimeoutMs;
        this.maxConnections = maxConnections;
        this.keyPrefix = keyPrefix;
        this.caFile = caFile;
    }

    /**
     * The library's defaults: 1 s to connect, 500 ms per command, 16 connections, the key
     * prefix {@code "hxjwt:"}, the Web PKI roots for {@code rediss://}.
     *
     * @return the defaults
     */
    public static RedisOptions defaults() {
        return new RedisOptions(0, 0, 0, null, null);
    }

    private static long millis(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
        return d.toMillis();
    }

    /**
     * The longest wait to open a connection (TCP, TLS, {@code AUTH}, {@code SELECT}).
     *
     * @param timeout positive (milliseconds are kept); default 1 s
     * @return the new options
     * @throws IllegalArgumentException when not positive
     */
    public RedisOptions withConnectTimeout(Duration timeout) {
        return new RedisOptions(millis(timeout, "connectTimeout"), commandTimeoutMs,
                maxConnections, keyPrefix, caFile);
    }

    /**
     * The longest wait for a reply.
     *
     * @param timeout positive (milliseconds are kept); default 500 ms
     * @return the new options
     * @throws IllegalArgumentException when not positive
     */
    public RedisOptions withCommandTimeout(Duration timeout) {
        return new RedisOptions(connectTimeoutMs, millis(timeout, "commandTimeout"),
                maxConnections, keyPrefix, caFile);
    }

    /**
     * The most connections open at once.
     *
     * @param n at least 1; default 16
     * @return the new options
     * @throws IllegalArgumentException when not positive
     */
    public RedisOptions withMaxConnections(long n) {
        if (n <= 0) {
            throw new IllegalArgumentException("maxConnections must be positive: " + n);
        }
        return new RedisOptions(connectTimeoutMs, commandTimeoutMs, n, keyPrefix, caFile);
    }

    /**
     * Put before every key.
     *
     * @param prefix the prefix; default {@code "hxjwt:"}
     * @return the new options
     * @throws NullPointerException when {@code prefix} is null
     */
    public RedisOptions withKeyPrefix(String prefix) {
        return new RedisOptions(connectTimeoutMs, commandTimeoutMs, maxConnections,
                Objects.requireNonNull(prefix, "prefix"), caFile);
    }

    /**
     * A PEM file of the certificate authorities trusted for {@code rediss://} instead of the
     * Web PKI roots (a private CA).
     *
     * @param path the file's path
     * @return the new options
     * @throws NullPointerException when {@code path} is null
     */
    public RedisOptions withCaFile(String path) {
        return new RedisOptions(connectTimeoutMs, commandTimeoutMs, maxConnections, keyPrefix,
                Objects.requireNonNull(path, "path"));
    }

    /**
     * The options as the C struct HxRedisOptions (3 uint64_t, then 2 string pointers; 40
     * bytes); the strings' memory is added to {@code keep}, which the caller keeps reachable
     * during the call.
     */
    Memory toNative(List<Memory> keep) {
        Memory m = new Memory(3 * 8 + 2L * Native.POINTER_SIZE);
        m.clear();
        m.setLong(0, connectTimeoutMs);
        m.setLong(8, commandTimeoutMs);
        m.setLong(16, maxConnections);
        String[] strings = {keyPrefix, caFile};
        String[] names = {"keyPrefix", "caFile"};
        for (int i = 0; i < 2; i++) {
            if (strings[i] != null) {
                byte[] b = HxNative.cstr(strings[i], names[i]);
                Memory s = new Memory(b.length);
                s.write(0, b, 0, b.length);
                keep.add(s);
                m.setPointer(24 + (long) i * Native.POINTER_SIZE, s);
            }
        }
        return m;
    }
}
