package dev.hxjwt;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where an endpoint finds its peers' machine tokens (public keys) by name: a set held in memory
 * ({@link #of(String...)}, {@link #fromJwks(String)}, grown with {@link #add(String)}), or a
 * function of yours ({@link #fromResolver(Function)}). Safe to use from several threads at
 * once, including {@link #add(String)} while endpoints resolve names. Endpoints made with it
 * share it (names added later are seen by them) and keep it alive: the directory may be closed
 * right after the endpoints are made.
 *
 * <pre>{@code
 * try (Directory fleet = Directory.of(alice.machineToken(), bob.machineToken())) {
 *     endpoint = new Endpoint(alice, fleet);
 * }
 * }</pre>
 */
public final class Directory extends NativeHandle {
    /** The exception a resolver threw during the current call on this thread, if any. */
    private static final ThreadLocal<Throwable> RESOLVER_FAILURE = new ThreadLocal<>();

    /** What the C side may call while this directory, or an endpoint made with it, lives. */
    private final Object keepAlive;

    private Directory(long peer, Object keepAlive) {
        super(peer, HxNative::hx_directory_free, "directory", keepAlive);
        this.keepAlive = keepAlive;
    }

    /**
     * Makes an empty in-memory directory.
     *
     * @return the directory
     */
    public static Directory create() {
        long[] out = new long[1];
        HxNative.check(HxNative.hx_directory_new(out));
        return new Directory(out[0], null);
    }

    /**
     * Makes an in-memory directory of machine tokens.
     *
     * @param machineTokens public JWKs, as {@link Identity#machineToken()} writes them
     * @return the directory
     * @throws HxJwtException {@link ErrorKind#INVALID_KEY} for a JWK that is not a public
     *     X25519 key
     * @throws NullPointerException when the array or one of its elements is null
     */
    public static Directory of(String... machineTokens) {
        Objects.requireNonNull(machineTokens, "machineTokens");
        for (String t : machineTokens) {
            Objects.requireNonNull(t, "machineTokens has a null element");
        }
        Directory d = create();
        try {
            for (String t : machineTokens) {
                d.add(t);
            }
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /**
     * Makes an in-memory directory from a JWK Set ({@code {"keys":[...]}}) whose {@code kid}s
     * are names, as {@link #toJwks()} writes it. Keys that are not X25519 are skipped.
     *
     * @param jwksJson the JWK Set
     * @return the directory
     * @throws HxJwtException {@link ErrorKind#MALFORMED} for a malformed set,
     *     {@link ErrorKind#INVALID_KEY} for a bad X25519 key or a repeated name
     * @throws NullPointerException when {@code jwksJson} is null
     */
    public static Directory fromJwks(String jwksJson) {
        byte[] j = HxNative.cstr(jwksJson, "jwksJson");
        long[] out = new long[1];
        HxNative.check(HxNative.hx_directory_from_jwks(j, out));
        return new Directory(out[0], null);
    }

    /**
     * Makes a directory that asks {@code resolver} for each name: it returns the machine token
     * (public JWK) of the name, or null when the name is unknown (the call then fails with
     * {@link ErrorKind#UNKNOWN_ISSUER}). The resolver is called on the thread that creates or
     * validates a token, possibly on several threads at once, and must be written for that; its
     * answers are not cached. An answer that is not the machine token of the name asked, or an
     * exception thrown by the resolver, makes the call fail with
     * {@link ErrorKind#RESOLVER_FAILED}; the resolver's exception is then the
     * {@linkplain Throwable#getCause() cause}.
     *
     * @param resolver name to machine token, or null for an unknown name
     * @return the directory
     * @throws NullPointerException when {@code resolver} is null
     */
    public static Directory fromResolver(Function<String, String> resolver) {
        Resolver fn = new Resolver(Objects.requireNonNull(resolver, "resolver"));
        long[] out = new long[1];
        HxNative.check(HxNative.hx_directory_from_callback(fn, null, out));
        return new Directory(out[0], fn);
    }

    /**
     * Makes a directory that resolves names through the JWK Set (X25519 keys whose {@code kid}s
     * are names) published at {@code url}. Nothing is fetched here: the first name resolved
     * fetches the set, which is then cached (see {@link RemoteOptions}), refetched early for a
     * name it does not know (at most once per cool-down), and kept serving while the server is
     * down, up to the maximum staleness. A lookup that cannot be answered fails with
     * {@link ErrorKind#RESOLVER_FAILED}, whose message gives the cause. The fetches block the
     * calling thread; threads asking at once share one fetch. The directory is read-only.
     *
     * @param url an {@code https://} URL (or {@code http://} with
     *     {@link RemoteOptions#withAllowHttp(boolean)})
     * @param options how to fetch and cache
     * @return the directory
     * @throws HxJwtException {@link ErrorKind#INVALID_ARGUMENT} for a URL that is not
     *     {@code https://} (nor allowed {@code http://}), has no host, or is over 2048 bytes
     * @throws NullPointerException when an argument is null
     */
    public static Directory fromUrl(String url, RemoteOptions options) {
        byte[] u = HxNative.cstr(url, "url");
        com.sun.jna.Memory opts = java.util.Objects.requireNonNull(options, "options").toNative();
        long[] out = new long[1];
        int status = HxNative.hx_directory_from_url(u, opts, out);
        java.lang.ref.Reference.reachabilityFence(opts);
        HxNative.check(status);
        return new Directory(out[0], null);
    }

    /**
     * Adds a machine token, replacing any with the same name (use {@link #rotateIn(String)}
     * during a key rotation).
     *
     * @param machineToken a public X25519 JWK whose {@code kid} is the name
     * @throws HxJwtException {@link ErrorKind#INVALID_KEY} for a JWK that is not a public
     *     X25519 key (a private JWK is refused too), {@link ErrorKind#INVALID_ARGUMENT} for a
     *     resolver directory
     * @throws IllegalStateException when the directory is closed
     */
    public void add(String machineToken) {
        byte[] j = HxNative.cstr(machineToken, "machineToken");
        long p = acquire();
        try {
            HxNative.check(HxNative.hx_directory_add(p, j));
        } finally {
            release();
        }
    }

    /**
     * Starts a key rotation: makes {@code machineToken} the newest key of its name, keeping the
     * name's other keys (at most 4 in all). See docs/ROTATION.md.
     *
     * @param machineToken a public X25519 JWK whose {@code kid} is the name
     * @throws HxJwtException as {@link #add(String)}
     * @throws IllegalStateException when the directory is closed
     */
    public void rotateIn(String machineToken) {
        byte[] j = HxNative.cstr(machineToken, "machineToken");
        long p = acquire();
        try {
            HxNative.check(HxNative.hx_directory_rotate_in(p, j));
        } finally {
            release();
        }
    }

    /**
     * Ends a key rotation: removes the one key {@code machineToken} from its name.
     *
     * @param machineToken a public X25519 JWK whose {@code kid} is the name
     * @return whether the key was there
     * @throws HxJwtException as {@link #add(String)}
     * @throws IllegalStateException when the directory is closed
     */
    public boolean retire(String machineToken) {
        byte[] j = HxNative.cstr(machineToken, "machineToken");
        long p = acquire();
        try {
            byte[] removed = new byte[1];
            HxNative.check(HxNative.hx_directory_retire(p, j, removed));
            return removed[0] != 0;
        } finally {
            release();
        }
    }

    /**
     * The number of names in the directory.
     *
     * @return the number of names
     * @throws HxJwtException {@link ErrorKind#INVALID_ARGUMENT} for a resolver directory
     * @throws IllegalStateException when the directory is closed
     */
    public long size() {
        long p = acquire();
        try {
            long[] out = new long[1];
            HxNative.check(HxNative.hx_directory_len(p, out));
            return out[0];
        } finally {
            release();
        }
    }

    /**
     * The directory as a JWK Set ({@code {"keys":[...]}}, sorted by name): what a web server
     * publishes, and what {@link #fromJwks(String)} reads.
     *
     * @return the JWK Set as JSON
     * @throws HxJwtException {@link ErrorKind#INVALID_ARGUMENT} for a resolver directory
     * @throws IllegalStateException when the directory is closed
     */
    public String toJwks() {
        long p = acquire();
        try {
            long[] out = new long[1];
            HxNative.check(HxNative.hx_directory_to_jwks(p, out));
            return HxNative.owned(out[0]);
        } finally {
            release();
        }
    }

    /** What an endpoint made with this directory must keep reachable. */
    Object keepAlive() {
        return keepAlive;
    }

    /** The exception a resolver threw during the call that just failed on this thread. */
    static Throwable takeResolverFailure() {
        Throwable t = RESOLVER_FAILURE.get();
        if (t != null) {
            RESOLVER_FAILURE.remove();
        }
        return t;
    }

    /** The C callback over a Java function. It never lets an exception reach the library. */
    private static final class Resolver implements HxNative.ResolveFn {
        /** Not a machine token: the library refuses it with HX_ERR_RESOLVER_FAILED. */
        private static final byte[] REFUSAL = {'{', '}', 0};
        private final Function<String, String> resolver;

        Resolver(Function<String, String> resolver) {
            this.resolver = resolver;
        }

        @Override
        public Pointer invoke(Pointer userData, Pointer name) {
            byte[] answer;
            try {
                String token = resolver.apply(name.getString(0, "UTF-8"));
                if (token == null) {
                    return null;
                }
                answer = HxNative.cstr(token, "the resolver's answer");
            } catch (Throwable t) { // NOPMD: nothing may unwind into the library
                RESOLVER_FAILURE.set(t);
                answer = REFUSAL;
            }
            long m = Native.malloc(answer.length);
            if (m == 0) {
                return null;
            }
            Pointer p = new Pointer(m);
            p.write(0, answer, 0, answer.length);
            return p;
        }
    }
}
