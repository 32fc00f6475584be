package dev.hxjwt;

import java.util.List;
import java.util.Objects;

/**
 * A {@code const T *const *} argument: the C pointers of several handles, each held
 * ({@link NativeHandle#acquire()}) from construction until {@link #close()}, so that none is
 * freed by another thread during the call. Made in a try-with-resources around the call.
 */
final class HandleArray implements AutoCloseable {
    private final NativeHandle[] handles;
    private final long[] pointers;
    private int acquired;

    /**
     * Acquires every handle of {@code list} (none when the list is null).
     *
     * @throws NullPointerException when an element is null
     * @throws IllegalStateException when a handle is closed (those acquired are released)
     */
    HandleArray(List<? extends NativeHandle> list, String what) {
        int n = list == null ? 0 : list.size();
        handles = new NativeHandle[n];
        for (int i = 0; i < n; i++) {
            handles[i] = Objects.requireNonNull(list.get(i), what + " has a null element");
        }
        pointers = new long[n];
        try {
            for (int i = 0; i < n; i++) {
                pointers[i] = handles[i].acquire();
                acquired++;
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The pointers, or null (NULL) when there are none. */
    long[] pointers() {
        return pointers.length == 0 ? null : pointers;
    }

    /** The number of handles. */
    int size() {
        return pointers.length;
    }

    @Override
    public void close() {
        while (acquired > 0) {
            handles[--acquired].release();
        }
    }
}
