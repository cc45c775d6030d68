package dev.poolkit.limits;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Gate} kept in this JVM: per host, a count of requests in flight, the earliest time the
 * next may start (rate), and the end of a Retry-After pause. Thread-safe.
 *
 * <p>Without limits, {@link #acquire} costs one volatile read while no host is paused: no map
 * lookup, no lock. Waiters park on a {@link ReentrantLock}'s condition, not a monitor, so that
 * thousands of virtual threads waiting for one host do not pin their carriers.
 *
 * <p>Hosts are never forgotten: a run over millions of hosts with a limit keeps a small entry per
 * host for the whole run.
 */
final class HostGate implements Gate {
    private final Limits limits;
    private final long meanGapNanos;
    private final ConcurrentHashMap<String, Host> hosts = new ConcurrentHashMap<>();
    // The latest end of any pause (System.nanoTime()), 0 if none was ever asked for: lets an
    // unlimited gate skip the map while nothing is paused.
    private volatile long pausedUntil;

    HostGate(Limits limits) {
        this.limits = limits;
        this.meanGapNanos = limits.rate() > 0 ? (long) (1e9 / limits.rate()) : 0;
    }

    @Override
    public Permit acquire(URI uri) throws InterruptedException {
        if (limits.none()) {
            long until = pausedUntil;
            if (until == 0 || System.nanoTime() - until >= 0) return NONE;
        }
        return acquire(Gate.hostKey(uri));
    }

    @Override
    public Permit acquire(String hostKey) throws InterruptedException {
        return hosts.computeIfAbsent(hostKey, k -> new Host()).acquire();
    }

    @Override
    public void pause(String hostKey, Duration pause) {
        long until = System.nanoTime() + pause.toNanos();
        hosts.computeIfAbsent(hostKey, k -> new Host()).pauseUntil(until);
        synchronized (this) {
            if (pausedUntil == 0 || until - pausedUntil > 0) pausedUntil = until;
        }
    }

    /** Threads waiting for {@code hostKey}'s leave; for tests. */
    int waiters(String hostKey) {
        Host h = hosts.get(hostKey);
        return h == null ? 0 : h.waiters();
    }

    /** How often a waiter for {@code hostKey} woke up; for tests. */
    long wakeups(String hostKey) {
        Host h = hosts.get(hostKey);
        return h == null ? 0 : h.wakeups();
    }

    private long nextGap() {
        double jitter = limits.jitter();
        if (jitter == 0) return meanGapNanos;
        return (long) (meanGapNanos * (1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1)));
    }

    private final class Host {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();  // timed waits: pause and rate
        // Waits for a request in flight to end. Each end wakes one waiter, not all: with
        // thousands waiting for one host, waking them all at every release costs O(n) each.
        private final Condition slotFree = lock.newCondition();
        // Guarded by lock.
        private int inFlight;
        private long nextStart;      // System.nanoTime() before which no request starts (rate)
        private long pausedUntil;    // the end of a Retry-After pause
        private boolean started;     // nextStart is set
        private boolean paused;      // pausedUntil is set
        private long wakeups;

        Permit acquire() throws InterruptedException {
            lock.lockInterruptibly();
            try {
                while (true) {
                    long now = System.nanoTime();
                    if (paused && pausedUntil - now > 0) {
                        changed.awaitNanos(pausedUntil - now);
                        wakeups++;
                    } else if (limits.perHost() > 0 && inFlight >= limits.perHost()) {
                        slotFree.await();
                        wakeups++;
                    } else if (meanGapNanos > 0 && started && nextStart - now > 0) {
                        changed.awaitNanos(nextStart - now);
                        wakeups++;
                    } else {
                        inFlight++;
                        if (meanGapNanos > 0) {
                            nextStart = now + nextGap();
                            started = true;
                        }
                        return new Once(this);
                    }
                }
            } catch (InterruptedException e) {
                // This thread may have been the one woken for a free slot: wake another instead.
                if (limits.perHost() > 0 && inFlight < limits.perHost()) slotFree.signal();
                throw e;
            } finally {
                lock.unlock();
            }
        }

        void release() {
            lock.lock();
            try {
                inFlight--;
                slotFree.signal();
            } finally {
                lock.unlock();
            }
        }

        int waiters() {
            lock.lock();
            try {
                return lock.getWaitQueueLength(changed) + lock.getWaitQueueLength(slotFree);
            } finally {
                lock.unlock();
            }
        }

        long wakeups() {
            lock.lock();
            try {
                return wakeups;
            } finally {
                lock.unlock();
            }
        }

        void pauseUntil(long until) {
            lock.lock();
            try {
                if (!paused || until - pausedUntil > 0) pausedUntil = until;
                paused = true;
                changed.signalAll(); // waiters on the rate must now wait for the pause instead
            } finally {
                lock.unlock();
            }
        }
    }

    /** Releases its host once, however often it is closed. */
    private static final class Once implements Permit {
        private final Host host;
        private boolean closed;

        Once(Host host) {
            this.host = host;
        }

        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            host.release();
        }
    }
}
