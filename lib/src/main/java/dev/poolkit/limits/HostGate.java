package dev.poolkit.limits;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A {@link Gate} kept in this JVM: per host, a count of requests in flight, the earliest time the
 * next may start (rate and Crawl-delay), and the end of a Retry-After pause. Thread-safe.
 *
 * <p>Without limits, {@link #acquire} costs one volatile read while no host is paused or has a
 * Crawl-delay: no map lookup, no lock. Waiters park on a {@link ReentrantLock}'s condition, not a
 * monitor, so that thousands of virtual threads waiting for one host do not pin their carriers.
 *
 * <h2>Adaptive concurrency ({@link Limits#adaptive()}, {@code --auto-throttle})</h2>
 * Each host gets a window: how many of its requests may be in flight. It is AIMD, TCP's
 * congestion control applied to requests, rather than Scrapy AutoThrottle's latency target,
 * because the signals a crawler must obey are discrete (a 429, a 503, a timeout) and AIMD
 * answers each at once, where a latency target only moves a delay towards a goal and reacts to
 * a 429 no faster than to a slow page; AIMD also needs no target to be tuned per site.
 * <ul>
 *   <li>The window starts at 1 and, until the first overload, grows by 1 for every healthy
 *   answer (slow start); after it, by 1 per window of healthy answers (additive increase). It
 *   grows only on answers to requests sent while at least half the window was in use (as
 *   Linux's TCP does), so a caller that does not use it does not inflate it, and never past
 *   {@code perHost}; with {@code perHost} 0, it is bounded by what the caller puts in flight
 *   (a pool's {@code -c}). Answers to requests sent before the last decrease do not grow it.</li>
 *   <li>A 429, a 503 or a timeout ({@link Outcome#BUSY}) halves it (multiplicative decrease),
 *   never below 1; so does rising latency: the smoothed latency (EWMA, weight 0.2) above three
 *   times the lowest seen plus 250 ms (loose on purpose: real latencies are noisy, and a
 *   tighter rule halved the window on a busy client machine's own stalls). Only answers to requests granted after the last decrease can
 *   decrease it again, so that one burst of 429s halves it once, not once per 429. At a window
 *   of 1 the lowest latency is taken again from the smoothed one: a host that became slower
 *   by itself, not by our load, can grow again.</li>
 *   <li>An overload is remembered: the window grows back to one less than the number of
 *   requests that were in flight when the overloaded request was sent, and stops there, until
 *   {@value #PROBE_AFTER_SECONDS} s pass without an overload; then it may grow past it again.
 *   Plain AIMD would probe past a server's limit every few round trips, a 429 each time (a
 *   sawtooth); this holds just under it, as TCP CUBIC plateaus near its last loss.</li>
 * </ul>
 *
 * <p>Hosts are never forgotten: a run over millions of hosts with a limit keeps a small entry per
 * host for the whole run.
 */
final class HostGate implements Gate {
    /** Latency counts as risen above three times the lowest plus this much. */
    static final long LATENCY_SLACK_NANOS = 250_000_000L;
    /** How long an overload caps the window's growth. */
    static final int PROBE_AFTER_SECONDS = 30;

    private final Limits limits;
    private final LongSupplier clock;
    private final int maxWindow;
    private final ConcurrentHashMap<String, Host> hosts = new ConcurrentHashMap<>();
    // The latest end of any pause (System.nanoTime()), 0 if none was ever asked for: lets an
    // unlimited gate skip the map while nothing is paused.
    private volatile long pausedUntil;
    // Some host has a Crawl-delay: an unlimited gate must look every host up.
    private volatile boolean anyGap;

    HostGate(Limits limits) {
        this(limits, System::nanoTime);
    }

    /** With {@code clock} for System.nanoTime(): tests of the adaptive window give their own. */
    HostGate(Limits limits, LongSupplier clock) {
        this.limits = limits;
        this.clock = clock;
        this.maxWindow = limits.perHost() > 0 ? limits.perHost() : Integer.MAX_VALUE;
    }

    @Override
    public Permit acquire(URI uri) throws InterruptedException {
        if (limits.none() && !anyGap) {
            long until = pausedUntil;
            if (until == 0 || clock.getAsLong() - until >= 0) return NONE;
        }
        return acquire(Gate.hostKey(uri));
    }

    @Override
    public Permit acquire(String hostKey) throws InterruptedException {
        return host(hostKey).acquire();
    }

    @Override
    public void pause(String hostKey, Duration pause) {
        long until = clock.getAsLong() + pause.toNanos();
        host(hostKey).pauseUntil(until);
        synchronized (this) {
            if (pausedUntil == 0 || until - pausedUntil > 0) pausedUntil = until;
        }
    }

    @Override
    public void minGap(String hostKey, Duration gap) {
        if (gap.isNegative() || gap.isZero()) return;
        host(hostKey).minGap(gap.toNanos());
        anyGap = true;
    }

    private Host host(String hostKey) {
        return hosts.computeIfAbsent(hostKey, k -> new Host());
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

    /** {@code hostKey}'s adaptive window, 1 for a host never seen; for tests. */
    double window(String hostKey) {
        Host h = hosts.get(hostKey);
        return h == null ? 1 : h.window();
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
        private long minGapNanos;    // Crawl-delay
        private long wakeups;
        // The adaptive window (see the class doc).
        private double window = 1;
        private double threshold = Double.MAX_VALUE; // slow start below it, additive increase above
        private long lowestLatency = Long.MAX_VALUE;
        private double smoothedLatency;
        private long shrunkAt;       // clock at the last decrease
        private boolean shrunk;
        private int ceiling = Integer.MAX_VALUE; // requests in flight that overloaded the host
        private long ceilingAt;      // clock at the last overload

        /** Requests in flight this host allows now, 0 for no limit. */
        private int limit() {
            return limits.adaptive() ? (int) window : limits.perHost();
        }

        Permit acquire() throws InterruptedException {
            lock.lockInterruptibly();
            try {
                while (true) {
                    long now = clock.getAsLong();
                    if (paused && pausedUntil - now > 0) {
                        changed.awaitNanos(pausedUntil - now);
                        wakeups++;
                    } else if (limit() > 0 && inFlight >= limit()) {
                        slotFree.await();
                        wakeups++;
                    } else if ((limits.rate() > 0 || minGapNanos > 0) && started && nextStart - now > 0) {
                        changed.awaitNanos(nextStart - now);
                        wakeups++;
                    } else {
                        inFlight++;
                        if (limits.rate() > 0 || minGapNanos > 0) {
                            nextStart = now + Math.max(limits.nextGapNanos(), minGapNanos);
                            started = true;
                        }
                        return new Once(this, clock.getAsLong(), inFlight, limits.adaptive() && 2 * inFlight >= window);
                    }
                }
            } catch (InterruptedException e) {
                // This thread may have been the one woken for a free slot: wake another instead.
                if (limit() > 0 && inFlight < limit()) slotFree.signal();
                throw e;
            } finally {
                lock.unlock();
            }
        }

        void release(Outcome outcome, long grantedAt, int inFlightAtGrant, boolean full) {
            lock.lock();
            try {
                inFlight--;
                int before = limit();
                if (limits.adaptive()) adapt(outcome, grantedAt, inFlightAtGrant, full);
                slotFree.signal();
                if (limit() > before) slotFree.signal(); // the window grew: a second slot is free
            } finally {
                lock.unlock();
            }
        }

        /** AIMD on the window; see the class doc. Under the lock. */
        private void adapt(Outcome outcome, long grantedAt, int inFlightAtGrant, boolean full) {
            long now = clock.getAsLong();
            // Only a request sent after the last decrease tells of the window as it is now.
            boolean news = !shrunk || grantedAt - shrunkAt >= 0;
            if (ceiling != Integer.MAX_VALUE && now - ceilingAt >= PROBE_AFTER_SECONDS * 1_000_000_000L) ceiling = Integer.MAX_VALUE;
            switch (outcome) {
                case BUSY -> {
                    ceiling = Math.min(ceiling, inFlightAtGrant);
                    ceilingAt = now;
                    if (news) shrink(now);
                    window = Math.max(1, Math.min(window, ceiling - 1));
                }
                case OK -> {
                    long latency = Math.max(0, now - grantedAt);
                    lowestLatency = Math.min(lowestLatency, latency);
                    smoothedLatency = smoothedLatency == 0 ? latency : smoothedLatency + 0.2 * (latency - smoothedLatency);
                    if (smoothedLatency > 3.0 * lowestLatency + LATENCY_SLACK_NANOS) {
                        if (window <= 1) lowestLatency = (long) smoothedLatency; // slow by itself, not by us
                        else if (news) shrink(now);
                    } else if (full && news) {
                        double cap = Math.min(maxWindow, Math.max(1, ceiling == Integer.MAX_VALUE ? Integer.MAX_VALUE : ceiling - 1));
                        if (window < cap) window = Math.min(cap, window + (window < threshold ? 1 : 1 / window));
                    }
                }
                case NEUTRAL -> {
                    // says nothing of the host's load
                }
            }
        }

        private void shrink(long now) {
            threshold = Math.max(1, window / 2);
            window = threshold;
            shrunkAt = now;
            shrunk = true;
        }

        void minGap(long nanos) {
            lock.lock();
            try {
                minGapNanos = Math.max(minGapNanos, nanos);
            } finally {
                lock.unlock();
            }
        }

        double window() {
            lock.lock();
            try {
                return window;
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
        private final long grantedAt;
        private final int inFlightAtGrant; // itself included
        private final boolean full;        // the window was full when it was granted
        private boolean closed;

        Once(Host host, long grantedAt, int inFlightAtGrant, boolean full) {
            this.host = host;
            this.grantedAt = grantedAt;
            this.inFlightAtGrant = inFlightAtGrant;
            this.full = full;
        }

        @Override
        public void close() {
            close(Outcome.NEUTRAL);
        }

        @Override
        public void close(Outcome outcome) {
            synchronized (this) {
                if (closed) return;
                closed = true;
            }
            host.release(outcome, grantedAt, inFlightAtGrant, full);
        }
    }
}
