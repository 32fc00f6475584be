package dev.hxjwt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The keys of an issuer that rotates its keys (a JWK Set, RFC 7517 section 5):
 * {@link Jwt#verify(String, KeySet, Validation)} picks the keys whose {@code kid} is the
 * token's (or, for a token without {@code kid}, up to 16 keys that fit its algorithm). Safe to
 * use from several threads at once, including {@link #add(Key)} while tokens are verified with
 * it. Close it when done.
 */
public final class KeySet extends NativeHandle {
    private KeySet(long peer) {
        super(peer, HxNative::hx_keyset_free, "key set", null);
    }

    /**
     * Makes an empty key set.
     *
     * @return the key set
     */
    public static KeySet create() {
        long[] out = new long[1];
        HxNative.check(HxNative.hx_keyset_new(out));
        return new KeySet(out[0]);
    }

    /**
     * Makes a key set of copies of {@code keys}.
     *
     * @param keys the keys (they may be closed right after)
     * @return the key set
     * @throws NullPointerException when the array or one of its elements is null
     * @throws IllegalStateException when a key is closed
     */
    public static KeySet of(Key... keys) {
        Objects.requireNonNull(keys, "keys");
        for (Key k : keys) {
            Objects.requireNonNull(k, "keys has a null element");
        }
        KeySet set = create();
        try {
            for (Key k : keys) {
                set.add(k);
            }
            return set;
        } catch (RuntimeException e) {
            set.close();
            throw e;
        }
    }

    /**
     * Makes a key set from a JWK Set document ({@code {"keys":[...]}}, at most 4 MiB and 10000
     * keys), as an issuer publishes it, with {@link KeySetOptions#defaults()}. Keys hxjwt cannot
     * use for signatures (another {@code kty} or curve, {@code use} {@code "enc"}, an encryption
     * {@code alg}) are skipped and listed by {@link #skipped()}. Two different keys with the same
     * {@code kid}, and a set mixing HMAC secrets with asymmetric keys, are refused.
     *
     * @param jwksJson the JWK Set
     * @return the key set
     * @throws HxJwtException {@link ErrorKind#MALFORMED} for a document that is not a JWK Set,
     *     {@link ErrorKind#INVALID_KEY} for a malformed key of a supported type, two different
     *     keys with one {@code kid} (the message names it), or a mixed set
     * @throws NullPointerException when {@code jwksJson} is null
     */
    public static KeySet fromJwks(String jwksJson) {
        return fromJwks(jwksJson, KeySetOptions.defaults());
    }

    /**
     * Makes a key set from a JWK Set document, as {@link #fromJwks(String)}, with
     * {@code options}: {@link KeySetOptions#withAllowMixed(boolean)} accepts a set holding both
     * HMAC secrets and asymmetric keys (every other check stays).
     *
     * <pre>{@code
     * try (KeySet set = KeySet.fromJwks(jwks, KeySetOptions.defaults().withAllowMixed(true))) {
     *     for (SkippedKey s : set.skipped()) {
     *         System.err.println("keys[" + s.index() + "] skipped: " + s.reason());
     *     }
     * }
     * }</pre>
     *
     * @param jwksJson the JWK Set
     * @param options how to read it
     * @return the key set
     * @throws HxJwtException as {@link #fromJwks(String)}
     * @throws NullPointerException when an argument is null
     */
    public static KeySet fromJwks(String jwksJson, KeySetOptions options) {
        byte[] j = HxNative.cstr(jwksJson, "jwksJson");
        Objects.requireNonNull(options, "options");
        long[] out = new long[1];
        HxNative.check(options.allowMixed()
                ? HxNative.hx_keyset_from_jwks_mixed(j, out)
                : HxNative.hx_keyset_from_jwks(j, out));
        return new KeySet(out[0]);
    }

    /**
     * The keys of the JWK Set this set was read from that were skipped, in document order:
     * each with its position in {@code keys}, its {@code kid} and the reason. Empty for a set
     * built by hand ({@link #create()}, {@link #of(Key...)}); {@link #add(Key)} does not change
     * it.
     *
     * @return an unmodifiable list
     * @throws HxJwtException {@link ErrorKind#INVALID_ARGUMENT} for a set from
     *     {@link #fromUrl(String, RemoteOptions)}, whose keys change with each fetch
     * @throws IllegalStateException when this set is closed
     */
    public List<SkippedKey> skipped() {
        long p = acquire();
        try {
            long[] count = new long[1];
            HxNative.check(HxNative.hx_keyset_skipped_count(p, count));
            List<SkippedKey> list = new ArrayList<>();
            for (long i = 0; i < count[0]; i++) {
                long[] index = new long[1];
                long[] kid = new long[1];
                long[] reason = new long[1];
                HxNative.check(HxNative.hx_keyset_skipped(p, i, index, kid, reason));
                list.add(new SkippedKey(Math.toIntExact(index[0]), HxNative.borrowed(kid[0]),
                        HxNative.borrowed(reason[0])));
            }
            return Collections.unmodifiableList(list);
        } finally {
            release();
        }
    }

    /**
     * Makes a key set fetched from the JWK Set an issuer publishes at {@code url} (its
     * {@code jwks_uri}). Nothing is fetched here: the first verification fetches the set, which
     * is then cached (see {@link RemoteOptions}), refetched early for a {@code kid} it does not
     * know (at most once per cool-down), and kept serving while the server is down, up to the
     * maximum staleness. A verification whose keys cannot be fetched fails with
     * {@link ErrorKind#RESOLVER_FAILED}. The key set is read-only.
     *
     * @param url an {@code https://} URL (or {@code http://} with
     *     {@link RemoteOptions#withAllowHttp(boolean)})
     * @param options how to fetch and cache
     * @return the key set
     * @throws HxJwtException {@link ErrorKind#INVALID_ARGUMENT} for a URL that is not
     *     {@code https://} (nor allowed {@code http://}), has no host, or is over 2048 bytes
     * @throws NullPointerException when an argument is null
     */
    public static KeySet fromUrl(String url, RemoteOptions options) {
        byte[] u = HxNative.cstr(url, "url");
        com.sun.jna.Memory opts = Objects.requireNonNull(options, "options").toNative();
        long[] out = new long[1];
        int status = HxNative.hx_keyset_from_url(u, opts, out);
        java.lang.ref.Reference.reachabilityFence(opts);
        HxNative.check(status);
        return new KeySet(out[0]);
    }

    /**
     * Adds a copy of {@code key} (which may be closed right after). Give keys distinct
     * {@code kid}s when the tokens name theirs.
     *
     * @param key the key
     * @throws NullPointerException when {@code key} is null
     * @throws IllegalStateException when this set or {@code key} is closed
     */
    public void add(Key key) {
        Objects.requireNonNull(key, "key");
        long p = acquire();
        try {
            long k = key.acquire();
            try {
                HxNative.check(HxNative.hx_keyset_add(p, k));
            } finally {
                key.release();
            }
        } finally {
            release();
        }
    }

    /**
     * The number of keys in the set.
     *
     * @return the number of keys
     * @throws IllegalStateException when this set is closed
     */
    public long size() {
        long p = acquire();
        try {
            long[] out = new long[1];
            HxNative.check(HxNative.hx_keyset_len(p, out));
            return out[0];
        } finally {
            release();
        }
    }

    /**
     * The public JWK Set of the keys ({@code {"keys":[...]}}, no private member; HMAC secrets
     * are left out): what an issuer publishes, and what {@link #fromJwks(String)} reads.
     *
     * @return the JWK Set as JSON
     * @throws IllegalStateException when this set is closed
     */
    public String toPublicJwks() {
        long p = acquire();
        try {
            long[] out = new long[1];
            HxNative.check(HxNative.hx_keyset_to_public_jwks(p, out));
            return HxNative.owned(out[0]);
        } finally {
            release();
        }
    }
}
