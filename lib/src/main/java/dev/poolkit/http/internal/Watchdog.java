package dev.poolkit.http.internal;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Cancels futures whose deadline has passed, for all of a fetcher's requests, from one daemon
 * thread. A timed wait per request ({@code future.get(timeout)}) schedules and cancels a timer
 * task for every request, which cost ~10 % of a run's CPU on virtual threads (JDK 25's
 * DelayScheduler signalling its thread twice per request); here the waiting thread waits
 * untimed and a request costs one queue insert.
 *
 * <p>The thread sleeps until the earliest deadline it knows of, waking at least every
 * {@code sweep} while futures are watched to drop finished ones, and not at all while none
 * are. A future whose deadline is earlier than that wake-up wakes it.
 */
public final class Watchdog implements AutoCloseable {
    private static final long IDLE_NANOS = TimeUnit.HOURS.toNanos(1);

    private final ConcurrentLinkedQueue<Watch> watched = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final long sweepNanos;
    /** When the thread will next look, by System.nanoTime(); a watch due earlier must wake it. */
    private volatile long nextLook;
    private volatile boolean closed;

    /** A watchdog whose thread is named {@code name} and drops finished futures every {@code sweep}. */
    public Watchdog(String name, Duration sweep) {
        sweepNanos = sweep.toNanos();
        nextLook = System.nanoTime();
        thread = Thread.ofPlatform().daemon().name(name).start(this::loop);
    }

    /** Cancels {@code future} (with interruption) if it is not done at {@code deadlineNanos}. */
    public Watch watch(Future<?> future, long deadlineNanos) {
        var watch = new Watch(future, deadlineNanos);
        watched.add(watch);
        if (deadlineNanos - nextLook < 0) LockSupport.unpark(thread);
        return watch;
    }

    private void loop() {
        while (!closed) {
            long now = System.nanoTime();
            // Published before the scan: a watch added while scanning and missed by it either
            // sees this value and wakes the thread, or is due after the thread's next look.
            nextLook = now + (watched.isEmpty() ? IDLE_NANOS : sweepNanos);
            long earliest = nextLook;
            for (Iterator<Watch> it = watched.iterator(); it.hasNext(); ) {
                Watch w = it.next();
                Future<?> f = w.future;
                if (f == null || f.isDone()) {
                    it.remove();
                } else if (w.deadlineNanos - now <= 0) {
                    w.expired = true;
                    f.cancel(true);
                    it.remove();
                } else if (w.deadlineNanos - earliest < 0) {
                    earliest = w.deadlineNanos;
                }
            }
            nextLook = earliest;
            LockSupport.parkNanos(this, earliest - System.nanoTime());
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }

    /** One watched future. */
    public static final class Watch {
        // Dropped by done(), so that a finished answer is not kept alive until the next sweep.
        private volatile Future<?> future;
        private final long deadlineNanos;
        private volatile boolean expired;

        private Watch(Future<?> future, long deadlineNanos) {
            this.future = future;
            this.deadlineNanos = deadlineNanos;
        }

        /** True if the watchdog cancelled the future because its deadline passed. */
        public boolean expired() {
            return expired;
        }

        /** The future is no longer waited for: forget it. */
        public void done() {
            future = null;
        }
    }
}
