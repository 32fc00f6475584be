package dev.hxjwt;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The replay-store functions of libhxjwt (HX_ERR_STORE_UNAVAILABLE and HxReplayStore), declared
 * apart from {@link HxNative} and registered on first use, so that this package still loads a
 * libhxjwt from before they were added: only {@link ReplayStore} and the {@code replayStore}
 * settings then refuse to work, with {@link UnsupportedOperationException}.
 */
final class HxStoreNative {
    private HxStoreNative() {}

    /** Why the functions are missing, or null when they were registered. */
    private static final String MISSING;

    static {
        String missing = null;
        try {
            Native.register(HxStoreNative.class, HxNative.LIBRARY);
        } catch (UnsatisfiedLinkError e) {
            missing = "this libhxjwt (" + HxNative.LIBRARY_NAME + ", version "
                    + HxNative.staticString(HxNative.hx_version())
                    + ") has no replay stores: " + e.getMessage();
        }
        MISSING = missing;
    }

    /** Throws unless the library has the replay-store functions. */
    static void require() {
        if (MISSING != null) {
            throw new UnsupportedOperationException(MISSING);
        }
    }

    static native int hx_replay_store_redis_new(byte[] url, Pointer options, long[] out);
    static native int hx_replay_store_memory_new(long capacity, long[] out);
    static native int hx_replay_store_ping(long store);
    static native void hx_replay_store_free(long store);
    static native int hx_endpoint_set_replay_store(long ep, long store);
    static native int hx_validation_set_replay_store(long v, long store);
}
