package dev.poolkit.internal.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Item deadlines for one run of an in-JVM pool: a fixed set of slots (a thread pool's threads, an
 * async pool's chains), each running at most one item at a time, and one daemon thread, the
 * watchdog, that expires an item still running at its deadline.
 *
 * <p>An item costs one small object and one compare-and-set, and no timer task: a timer task
 * scheduled and cancelled per item is what made the fetcher's per-request deadlines cost ~10 % of
 * a run's CPU (see {@code http.internal.Watchdog}). The watchdog sleeps until the earliest deadline
 * of the items it saw running, scans every slot when it wakes, and sleeps at least
 * {@code timeout / 100} (between 0.1 and 10 ms), so that items ending just before their deadline
 * cannot make it spin: an item is expired that much after its deadline at worst.
 *
 * <p>Exactly one of the item's own thread ({@link Slot#end}) and the watchdog wins each item. When
 * the watchdog wins, it interrupts the item's thread and calls {@link Expiry#expired}, which must
 * not block: the pool hands the slot to a new thread there, and that thread writes the item's
 * record. The item's own thread, when it gets out of the handler, finds it lost and gives up.
 */
public final class ItemDeadlines implements AutoCloseable {
    private static final long MIN_SLEEP_NANOS = 100_000;
    private static final long MAX_SLEEP_NANOS = 10_000_000;

    /** What the pool does with an item the watchdog took: called on the watchdog's thread. */
    @FunctionalInterface
    public interface Expiry {
        void expired(int slot, String item, long millis);
    }

    private final long timeoutNanos;
    private final long minSleepNanos;
    private final Slot[] slots;
    private final Expiry expiry;
    private final Thread thread;
    private volatile boolean closed;

    /** Deadlines of {@code timeout} (> 0) for {@code slots} slots; the watchdog starts at once. */
    public ItemDeadlines(Duration timeout, int slots, String threadName, Expiry expiry) {
        this.timeoutNanos = timeout.toNanos();
        this.minSleepNanos = Math.clamp(timeoutNanos / 100, MIN_SLEEP_NANOS, MAX_SLEEP_NANOS);
        this.slots = new Slot[slots];
        for (int i = 0; i < slots; i++) this.slots[i] = new Slot();
        this.expiry = expiry;
        this.thread = Thread.ofPlatform().daemon().name(threadName).start(this::watch);
    }

    public Slot slot(int index) {
        return slots[index];
    }

    private void watch() {
        while (!closed) {
            long now = System.nanoTime();
            // An item that starts after this scan has its deadline after this.
            long earliest = now + timeoutNanos;
            for (int i = 0; i < slots.length; i++) {
                Running r = slots[i].running;
                if (r == null) continue;
                long deadline = r.startNanos + timeoutNanos;
                if (deadline - now > 0) {
                    if (deadline - earliest < 0) earliest = deadline;
                } else if (slots[i].take(r)) {
                    r.thread.interrupt();
                    expiry.expired(i, r.item, (now - r.startNanos) / 1_000_000);
                }
            }
            LockSupport.parkNanos(Math.max(earliest - System.nanoTime(), minSleepNanos));
        }
    }

    /**
     * Stops the watchdog and waits for it to end, so that no expiry follows. Call it once every
     * slot is idle.
     */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the watchdog ends within one wake-up: wait for it, then say so
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** The item a slot is running, on which thread, since when. */
    public record Running(String item, Thread thread, long startNanos) {}

    /** One place where one item at a time runs; its owner calls begin, then end. */
    public static final class Slot {
        private static final VarHandle RUNNING;

        static {
            try {
                RUNNING = MethodHandles.lookup().findVarHandle(Slot.class, "running", Running.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private volatile Running running;

        /** Starts {@code item}'s clock, on the calling thread: pass what it returns to {@link #end}. */
        public Running begin(String item) {
            var r = new Running(item, Thread.currentThread(), System.nanoTime());
            running = r;
            return r;
        }

        /**
         * Ends the item. False if the watchdog took it first: its record is someone else's to
         * write, and the calling thread no longer holds the slot.
         */
        public boolean end(Running r) {
            return RUNNING.compareAndSet(this, r, null);
        }

        private boolean take(Running r) {
            return RUNNING.compareAndSet(this, r, null);
        }
    }
}
