package dev.hxjwt;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * One C handle, freed exactly once: by {@link #close()}, or, if the object becomes unreachable
 * without being closed, by a {@link Cleaner} (the fallback). Calls hold the handle between
 * {@link #acquire()} and {@link #release()}: a close() on another thread while calls are in
 * progress waits for none of them but frees the handle when the last one releases it, so the C
 * rule "free only when no other thread uses it" always holds. After close(), acquire() throws
 * {@link IllegalStateException}.
 */
abstract class NativeHandle implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();
    /** Handles made and not freed yet, of every class (a diagnostic for the leak tests). */
    private static final AtomicLong LIVE = new AtomicLong();
    /** The state bit set once close() was called; the lower bits count the calls in progress. */
    private static final int CLOSED = 1 << 30;

    /** What the cleaner runs: it must not refer to the handle object itself. */
    private static final class Resource implements Runnable {
        private final long peer;
        private final LongConsumer free;
        /** Objects the C side may use while the handle lives (a directory callback). */
        @SuppressWarnings("unused")
        private final Object keepAlive;

        Resource(long peer, LongConsumer free, Object keepAlive) {
            this.peer = peer;
            this.free = free;
            this.keepAlive = keepAlive;
        }

        @Override
        public void run() {
            free.accept(peer);
            LIVE.decrementAndGet();
        }
    }

    private final long peer;
    private final String what;
    private final AtomicInteger state = new AtomicInteger();
    private final Cleaner.Cleanable cleanable;

    NativeHandle(long peer, LongConsumer free, String what, Object keepAlive) {
        if (peer == 0) {
            throw new HxJwtException(ErrorKind.INTERNAL, ErrorKind.INTERNAL.status(),
                    "Internal: the library returned success without a " + what, null);
        }
        this.peer = peer;
        this.what = what;
        this.cleanable = CLEANER.register(this, new Resource(peer, free, keepAlive));
        LIVE.incrementAndGet();
    }

    /** The number of handles made and not freed yet (closed or cleaned), of every class. */
    static long liveHandles() {
        return LIVE.get();
    }

    /** Marks one call in progress and returns the C pointer; throws once closed. */
    final long acquire() {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                throw new IllegalStateException("this " + what + " is closed");
            }
            if (s == CLOSED - 1) {
                throw new IllegalStateException("too many calls in progress on this " + what);
            }
            if (state.compareAndSet(s, s + 1)) {
                return peer;
            }
        }
    }

    /** Ends a call that {@link #acquire()} began; frees the handle if it was closed meanwhile. */
    final void release() {
        if (state.decrementAndGet() == CLOSED) {
            cleanable.clean();
        }
        Reference.reachabilityFence(this);
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public final boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /**
     * Frees the native handle (private key material is wiped by the library). Idempotent: a
     * second call does nothing. Calls in progress on other threads finish first; later calls
     * throw {@link IllegalStateException}. Objects made from this one (an endpoint made from an
     * identity, a key set a key was added to) keep their own copies and keep working.
     */
    @Override
    public void close() {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return;
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                if (s == 0) {
                    cleanable.clean();
                }
                return;
            }
        }
    }
}
