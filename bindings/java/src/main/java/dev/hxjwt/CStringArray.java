package dev.hxjwt;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@code const char *const *} argument: an array of pointers to NUL-terminated UTF-8 strings,
 * in memory that this object owns (keep it reachable until the call returns, with
 * {@link java.lang.ref.Reference#reachabilityFence(Object)}). An empty list is NULL.
 */
final class CStringArray {
    private final Memory array;
    @SuppressWarnings("unused") // keeps the strings' memory alive as long as the array
    private final List<Memory> strings = new ArrayList<>();
    private final int size;

    /**
     * Converts {@code values}.
     *
     * @throws NullPointerException when the list or one of its elements is null
     * @throws HxJwtException {@link ErrorKind#INVALID_ARGUMENT} for a string with a NUL
     *     character or an unpaired surrogate
     */
    CStringArray(List<String> values, String what) {
        Objects.requireNonNull(values, what);
        size = values.size();
        array = size == 0 ? null : new Memory((long) size * Native.POINTER_SIZE);
        for (int i = 0; i < size; i++) {
            byte[] b = HxNative.cstr(Objects.requireNonNull(values.get(i),
                    what + " has a null element"), what);
            Memory m = new Memory(b.length);
            m.write(0, b, 0, b.length);
            strings.add(m);
            array.setPointer((long) i * Native.POINTER_SIZE, m);
        }
    }

    /** The array, or null (NULL) when it is empty. */
    Pointer pointer() {
        return array;
    }

    /** The number of strings. */
    int size() {
        return size;
    }
}
