package dev.poolkit.queue;

import dev.poolkit.internal.Check;
import dev.poolkit.limits.Gate;
import dev.poolkit.limits.Gates;
import dev.poolkit.queue.internal.GateStore;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Per-host limits kept in a job's Redis for all its workers, on every machine: give it to
 * {@code Fetcher.Builder.gates} and {@code --per-host}, {@code --rate}, a robots.txt Crawl-delay
 * and a Retry-After pause hold for the whole job, not per worker.
 *
 * <pre>{@code
 * try (var gates = RedisGates.builder(QueueUrl.parse("redis://HOST:6379/myjob")).open();
 *      var fetcher = Fetcher.builder().perHost(2).gates(gates).build()) { ... }
 * }</pre>
 *
 * <h2>How</h2>
 * <ul>
 *   <li><b>Requests in flight per host</b>: leases, one per request, in a sorted set per host
 *   (member: lease id, score: expiry from the server's clock). One script removes the expired
 *   leases and takes one if fewer than {@code perHost} are held. A lease expires
 *   {@link Builder#leaseTime} (default 10 s) after it was last renewed; each JVM renews the
 *   leases it holds every third of that (one script call for all of them), so a live holder keeps
 *   its lease however slow its request, and a killed one's come back within one lease time.
 *   Renewal rather than an expiry tied to the request's deadline: the gate does not know a
 *   request's deadline (a handler may read a body for minutes), and a deadline-long expiry would
 *   keep a dead worker's permits for all of it.</li>
 *   <li><b>Rate, Crawl-delay and jitter</b>: one "next start" per host (GCRA with no burst). The
 *   acquire script reserves the next slot, {@code max(now, next)}, moves {@code next} one gap
 *   (jittered by the caller) on, and says how long to sleep until the slot: one round trip, no
 *   retry. Times are the server's ({@code TIME}), so machines' clocks do not matter.</li>
 *   <li><b>Retry-After</b>: a pause end per host, checked by every acquire; it is also kept in
 *   one sorted set of the job that each JVM reads every {@value #TICK_MILLIS} ms with its renewal,
 *   so that a pause reaches the workers that ask Redis for nothing else (no limits given).</li>
 *   <li><b>{@code --auto-throttle}</b> (AIMD) stays per JVM: each worker's window adapts to what
 *   its own requests meet (a shared window would need a round trip per answer for little gain:
 *   a 429 already pauses everyone through Retry-After, and {@code perHost} caps the sum).</li>
 * </ul>
 * Round trips per request: with {@code perHost}, 2 (acquire, release); with a rate or
 * Crawl-delay only, 1; with no limit, 0. While a host is full, one thread per JVM and host asks
 * again when a request of this JVM ends, or after at most {@value #FULL_WAIT_MILLIS} ms (another
 * machine's release): no busy loop, and the other threads wait in this JVM.
 *
 * <p>Two workers given different limits each hold the shared count to their own. Redis going
 * away makes acquires wait and reconnect with backoff, as the frontier does (up to {@code reconnectFor});
 * a lease not renewed meanwhile may expire, and for that while {@code perHost} may be passed.
 * The keys ({@code poolkit:{JOB}:gate:...}) expire an hour after their last use and
 * {@link Queue#drop()} removes them.
 *
 * <p>Thread-safe. {@link #close()} gives back the leases still held and disconnects.
 */
public final class RedisGates implements Gates, AutoCloseable {
    static final long TICK_MILLIS = 250;
    static final long FULL_WAIT_MILLIS = 50;

    private final java.util.function.Supplier<GateStore> connect;
    private volatile GateStore store; // connected at the first request, pause or Crawl-delay
    private final long leaseMicros;
    private final long tickMillis;
    private final Consumer<String> log;
    // Pauses this JVM knows of (its own and, from each tick, the job's): waited out here, no round trip.
    private final Gate pauses = Gates.local().open(Gate.Limits.NONE);
    // Crawl-delays this JVM was told of, in us: their hosts go to Redis even without limits.
    private final ConcurrentHashMap<String, Long> gaps = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Host> hosts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> held = new ConcurrentHashMap<>(); // lease id -> host
    private final String leasePrefix = Long.toHexString(ThreadLocalRandom.current().nextLong()) + ":";
    private final AtomicLong leases = new AtomicLong();
    private final Thread ticker;
    private volatile boolean closed;
    private volatile java.util.Set<String> jobPauses = java.util.Set.of(); // at the last tick; for tests

    private RedisGates(Builder b, java.util.function.Supplier<GateStore> connect) {
        this.connect = connect;
        this.leaseMicros = b.leaseTime.toNanos() / 1000;
        this.tickMillis = Math.max(10, Math.min(TICK_MILLIS, b.leaseTime.toMillis() / 3));
        this.log = b.log;
        this.ticker = Thread.ofPlatform().daemon().name("redis-gates").unstarted(this::tickLoop);
    }

    public static Builder builder(QueueUrl url) {
        return new Builder(url);
    }

    @Override
    public Gate open(Gate.Limits limits) {
        return new Shared(Objects.requireNonNull(limits, "limits"));
    }

    /** The hosts the job had paused at the last tick; for tests. */
    java.util.Set<String> jobPauses() {
        return jobPauses;
    }

    /** Leases this JVM holds now; for tests. */
    int held() {
        return held.size();
    }

    /**
     * The store, connected at the first call (after the command line's checks, which a gate
     * opened by a fetcher's builder comes before), when the renewals and pause reads start.
     */
    private GateStore store() {
        GateStore s = store;
        if (s != null) return s;
        synchronized (this) {
            if (store == null) {
                if (closed) throw new IllegalStateException("the job's limits are closed");
                store = connect.get();
                ticker.start();
            }
            return store;
        }
    }

    /** Gives back the leases still held, stops renewing, disconnects. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
            if (store == null) return; // never connected
        }
        stopTicker();
        Map<String, String> left = new HashMap<>(held);
        held.clear();
        try {
            left.forEach((id, host) -> store.release(host, id));
        } catch (RuntimeException e) {
            log.accept("could not give back " + left.size() + " host leases (they expire by themselves): " + e.getMessage());
        } finally {
            store.close();
        }
    }

    /** For tests: as if the process were killed: nothing given back, no more renewals, disconnected. */
    void crash() {
        synchronized (this) {
            closed = true;
            if (store == null) return;
        }
        stopTicker();
        store.close();
    }

    private void stopTicker() {
        ticker.interrupt();
        try {
            ticker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void tickLoop() {
        try {
            while (!closed) {
                Thread.sleep(tickMillis);
                try {
                    Map<String, Long> paused = store.tick(Map.copyOf(held), leaseMicros);
                    paused.forEach((host, left) -> pauses.pause(host, Duration.ofNanos(left * 1000)));
                    jobPauses = paused.keySet();
                } catch (RuntimeException e) {
                    // The next tick tries again; the store has said on the log that Redis is away.
                }
            }
        } catch (InterruptedException stop) {
            // closed
        }
    }

    private Host host(String key) {
        return hosts.computeIfAbsent(key, k -> new Host());
    }

    /** This JVM's side of one host: one asker at a time, woken when one of our leases ends. */
    private static final class Host {
        final ReentrantLock ask = new ReentrantLock(true);
        final ReentrantLock lock = new ReentrantLock();
        final Condition released = lock.newCondition();
        long releases; // guarded by lock

        long releases() {
            lock.lock();
            try {
                return releases;
            } finally {
                lock.unlock();
            }
        }

        /** Waits up to {@code nanos} unless a lease of this JVM ended since {@code seen}. */
        void awaitRelease(long seen, long nanos) throws InterruptedException {
            lock.lockInterruptibly();
            try {
                while (releases == seen && nanos > 0) nanos = released.awaitNanos(nanos);
            } finally {
                lock.unlock();
            }
        }

        void released() {
            lock.lock();
            try {
                releases++;
                released.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    /** One fetcher's gate: its limits, kept in Redis. */
    private final class Shared implements Gate {
        private final Limits limits;
        private final Gate adaptive; // this JVM's AIMD window, or null

        Shared(Limits limits) {
            this.limits = limits;
            this.adaptive = limits.adaptive() ? Gates.local().open(new Limits(limits.perHost(), 0, 0, true)) : null;
        }

        @Override
        public Permit acquire(URI uri) throws InterruptedException {
            if (store == null) store(); // from the first request on, this JVM reads the job's pauses
            if (limits.none() && gaps.isEmpty()) {
                pauses.acquire(uri).close(); // cheap while nothing is paused
                return NONE;
            }
            return acquire(Gate.hostKey(uri));
        }

        @Override
        public Permit acquire(String host) throws InterruptedException {
            pauses.acquire(host).close();
            Long minGap = gaps.get(host);
            if (limits.none() && minGap == null) return NONE;
            Permit local = adaptive == null ? NONE : adaptive.acquire(host);
            String lease;
            try {
                lease = take(host, minGap == null ? 0 : minGap);
            } catch (InterruptedException | RuntimeException e) {
                local.close();
                throw e;
            }
            return new Permit() {
                private boolean done;

                @Override
                public void close() {
                    close(Outcome.NEUTRAL);
                }

                @Override
                public synchronized void close(Outcome outcome) {
                    if (done) return;
                    done = true;
                    try {
                        if (lease != null) give(host, lease);
                    } finally {
                        local.close(outcome);
                    }
                }
            };
        }

        /** Waits for a lease (when perHost) and the rate's slot; returns the lease id, or null. */
        private String take(String host, long minGapMicros) throws InterruptedException {
            int perHost = limits.perHost();
            Host h = host(host);
            GateStore.Answer a;
            String lease = perHost > 0 ? leasePrefix + leases.incrementAndGet() : "";
            h.ask.lockInterruptibly();
            try {
                while (true) {
                    long seen = h.releases();
                    a = store().acquire(host, lease, perHost, Math.max(limits.nextGapNanos() / 1000, minGapMicros), leaseMicros, FULL_WAIT_MILLIS * 1000);
                    if (a.kind() == GateStore.Kind.GRANTED) break;
                    if (a.kind() == GateStore.Kind.PAUSED) {
                        pauses.pause(host, Duration.ofNanos(a.waitMicros() * 1000));
                        pauses.acquire(host).close();
                    } else {
                        h.awaitRelease(seen, TimeUnit.MICROSECONDS.toNanos(Math.max(1000, a.waitMicros())));
                    }
                }
                if (perHost > 0) held.put(lease, host);
            } finally {
                h.ask.unlock();
            }
            try {
                // The reserved slot: sleeping here lets the next asker reserve the one after.
                if (a.waitMicros() > 0) TimeUnit.MICROSECONDS.sleep(a.waitMicros());
                pauses.acquire(host).close(); // a pause that came meanwhile
            } catch (InterruptedException e) {
                if (perHost > 0) give(host, lease);
                throw e;
            }
            return perHost > 0 ? lease : null;
        }

        private void give(String host, String lease) {
            held.remove(lease);
            try {
                if (!closed) store().release(host, lease);
            } finally {
                host(host).released();
            }
        }

        @Override
        public void pause(String host, Duration pause) {
            pauses.pause(host, pause);
            if (!closed) store().pause(host, pause.toNanos() / 1000);
        }

        @Override
        public void minGap(String host, Duration gap) {
            if (gap.isNegative() || gap.isZero()) return;
            long micros = gap.toNanos() / 1000;
            // A fetcher's robots.txt rules say the delay before every request: only a longer one
            // is news to Redis (each acquire carries this JVM's own gap anyway).
            Long known = gaps.get(host);
            if (known != null && known >= micros) return;
            gaps.merge(host, micros, Math::max);
            if (!closed) store().gap(host, micros);
        }
    }

    /** How a JVM joins a job's limits. Defaults: {@code leaseTime} 10 s, {@code reconnectFor} 5 min, log to nowhere. */
    public static final class Builder {
        private final QueueUrl url;
        private Duration leaseTime = Duration.ofSeconds(10);
        private Duration reconnectFor = Duration.ofMinutes(5);
        private Consumer<String> log = line -> {};

        private Builder(QueueUrl url) {
            this.url = Objects.requireNonNull(url, "url");
        }

        /**
         * How long a request's lease outlives its holder's last renewal (at least 30 ms): how soon
         * a killed worker's permits come back. A JVM stalled longer than this (a long GC pause)
         * may lose its leases.
         */
        public Builder leaseTime(Duration leaseTime) {
            Check.atLeast(30L, leaseTime.toMillis(), "leaseTime in ms");
            this.leaseTime = leaseTime;
            return this;
        }

        /** How long to keep retrying while Redis cannot be reached, before failing. */
        public Builder reconnectFor(Duration reconnectFor) {
            this.reconnectFor = Objects.requireNonNull(reconnectFor, "reconnectFor");
            return this;
        }

        /** Where to say that Redis went away and came back: one line each. */
        public Builder log(Consumer<String> log) {
            this.log = Objects.requireNonNull(log, "log");
            return this;
        }

        /**
         * The job's limits; they connect at the first request, pause or Crawl-delay (and from
         * then on renew leases and read the job's pauses), so that opening them costs nothing
         * and a run that stops at a usage error never waits for Redis.
         */
        public RedisGates open() {
            QueueUrl u = url;
            Consumer<String> l = log;
            Duration r = reconnectFor;
            return new RedisGates(this, () -> new GateStore(Stores.open(u, l, r)));
        }
    }
}
