package dev.hxjwt;

import com.sun.jna.Memory;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Remembers which tokens were accepted until they expire, so that each is accepted once: in
 * this process ({@link #memory()}) or in every process connected to one Redis server
 * ({@link #redis(String)}: a whole fleet). Attach it to endpoints
 * ({@link Endpoint#setReplayStore(ReplayStore)}) and validations
 * ({@link Validation.Builder#replayStore(ReplayStore)}); they keep their own reference, so the
 * store may be closed right after. Safe to share between threads.
 *
 * <p>When a Redis server cannot answer within the time-outs, validations fail with
 * {@link ErrorKind#STORE_UNAVAILABLE}: the token is refused, never accepted unchecked.
 *
 * <pre>{@code
 * try (ReplayStore fleetWide = ReplayStore.redis("redis://redis.internal:6379/0")) {
 *     fleetWide.ping();                         // fails fast at start-up if Redis is down
 *     endpoint.setReplayStore(fleetWide);
 * }
 * }</pre>
 */
public final class ReplayStore extends NativeHandle {
    private ReplayStore(long peer) {
        super(peer, HxStoreNative::hx_replay_store_free, "replay store", null);
    }

    /**
     * An in-memory store of at most 1 000 000 unexpired tokens.
     *
     * @return the store
     * @throws UnsupportedOperationException when the loaded libhxjwt has no replay stores
     */
    public static ReplayStore memory() {
        return memory(0);
    }

    /**
     * An in-memory store of at most {@code capacity} unexpired tokens; when full it refuses new
     * tokens with {@link ErrorKind#REPLAYED} rather than forgetting any.
     *
     * @param capacity the most tokens remembered; 0 for the default, 1 000 000
     * @return the store
     * @throws IllegalArgumentException when {@code capacity} is negative
     * @throws UnsupportedOperationException when the loaded libhxjwt has no replay stores
     */
    public static ReplayStore memory(long capacity) {
        HxNative.nonNegative(capacity, "capacity");
        HxStoreNative.require();
        long[] out = new long[1];
        HxNative.check(HxStoreNative.hx_replay_store_memory_new(capacity, out));
        return new ReplayStore(out[0]);
    }

    /**
     * A store on the Redis server at {@code url}, with the default options.
     *
     * @param url {@code redis://[user[:password]@]host[:port][/db]}, {@code rediss://...} for
     *     TLS, or {@code unix:///path.sock[?db=N&user=U&pass=P]}
     * @return the store (no connection is opened yet: see {@link #ping()})
     * @throws HxJwtException {@link ErrorKind#INVALID_ARGUMENT} for an unusable URL (the
     *     message never contains the password)
     * @throws NullPointerException when {@code url} is null
     * @throws UnsupportedOperationException when the loaded libhxjwt has no replay stores
     */
    public static ReplayStore redis(String url) {
        return redis(url, RedisOptions.defaults());
    }

    /**
     * A store on the Redis server at {@code url}.
     *
     * @param url as {@link #redis(String)}; settings in its query override {@code options}
     * @param options time-outs, pool size, key prefix, CA file
     * @return the store (no connection is opened yet: see {@link #ping()})
     * @throws HxJwtException {@link ErrorKind#INVALID_ARGUMENT} for an unusable URL or option
     * @throws NullPointerException when an argument is null
     * @throws UnsupportedOperationException when the loaded libhxjwt has no replay stores
     */
    public static ReplayStore redis(String url, RedisOptions options) {
        byte[] u = HxNative.cstr(url, "url");
        Objects.requireNonNull(options, "options");
        HxStoreNative.require();
        List<Memory> keep = new ArrayList<>();
        Memory opts = options.toNative(keep);
        long[] out = new long[1];
        int status = HxStoreNative.hx_replay_store_redis_new(u, opts, out);
        Reference.reachabilityFence(opts);
        Reference.reachabilityFence(keep);
        HxNative.check(status);
        return new ReplayStore(out[0]);
    }

    /**
     * Checks that the store can answer: always for a memory store; for a Redis store, that the
     * server answers {@code PING} within the time-outs.
     *
     * @throws HxJwtException {@link ErrorKind#STORE_UNAVAILABLE} when it cannot
     * @throws IllegalStateException when the store is closed
     */
    public void ping() {
        long p = acquire();
        try {
            HxNative.check(HxStoreNative.hx_replay_store_ping(p));
        } finally {
            release();
        }
    }

    /** Runs {@code call} with the C pointer of {@code store} (0 for null) held. */
    static int with(ReplayStore store, java.util.function.LongUnaryOperator call) {
        HxStoreNative.require();
        if (store == null) {
            return (int) call.applyAsLong(0);
        }
        long s = store.acquire();
        try {
            return (int) call.applyAsLong(s);
        } finally {
            store.release();
        }
    }
}
