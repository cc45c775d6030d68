package dev.poolkit.limits;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where a fetcher asks leave before each request to a host: the per-host in-flight limit, the
 * per-host rate, the pauses a Retry-After asks for, the minimum gap a robots.txt
 * {@code Crawl-delay} asks for, and, when {@link Limits#adaptive()}, each host's concurrency
 * adapted to how the host answers. A gate is opened for one set of {@link Limits} by
 * {@link Gates}, which says where they are kept (this JVM, or a process pool's parent for all its
 * workers). Thread-safe.
 */
public interface Gate {
    /**
     * Leave to send one request; closing it says the request is over. Close it exactly once,
     * with {@link #close(Outcome)} when it is known how the host answered.
     */
    interface Permit extends AutoCloseable {
        @Override
        void close();

        /** Closes this permit, telling an adaptive gate how the request went. */
        default void close(Outcome outcome) {
            close();
        }
    }

    /** How a request went, as an adaptive gate counts it. */
    enum Outcome {
        /** The host answered, and not with 429 or 503: a healthy answer, and its latency. */
        OK,
        /** HTTP 429 or 503, or a timeout: the host is overloaded; its concurrency shrinks. */
        BUSY,
        /** No answer that says anything of the host's load (a refused connection, a bad URL). */
        NEUTRAL
    }

    Permit NONE = () -> {};

    /** Waits until a request to {@code uri}'s host may be sent. */
    default Permit acquire(URI uri) throws InterruptedException {
        return acquire(hostKey(uri));
    }

    /** Waits until a request to the host {@code hostKey} ({@link #hostKey}) may be sent. */
    Permit acquire(String hostKey) throws InterruptedException;

    /** No request to {@code uri}'s host starts before {@code pause} has passed. */
    default void pause(URI uri, Duration pause) {
        pause(hostKey(uri), pause);
    }

    /** No request to the host {@code hostKey} starts before {@code pause} has passed. */
    void pause(String hostKey, Duration pause);

    /**
     * From now on, requests to the host {@code hostKey} start at least {@code gap} apart (a
     * robots.txt {@code Crawl-delay}), on top of the rate. A gap shorter than one set before is
     * ignored; the gap is kept for the gate's life.
     */
    void minGap(String hostKey, Duration gap);

    /**
     * The limits of one fetcher.
     *
     * @param perHost  requests in flight per host, 0 for no limit; with {@code adaptive}, the
     *                 most the host's concurrency grows to (0: as many as are asked for)
     * @param rate     requests started per second per host, 0 for no limit
     * @param jitter   how much each gap between requests to a host varies, as a fraction of the
     *                 mean gap (0 to 1): 0.5 spreads gaps evenly between 0.5 and 1.5 times it
     * @param adaptive each host's concurrency adapts between 1 and {@code perHost} to how the
     *                 host answers (AIMD: see {@code HostGate})
     */
    record Limits(int perHost, double rate, double jitter, boolean adaptive) {
        public static final Limits NONE = new Limits(0, 0, 0);

        /** Limits that do not adapt. */
        public Limits(int perHost, double rate, double jitter) {
            this(perHost, rate, jitter, false);
        }

        public boolean none() {
            return perHost == 0 && rate == 0 && !adaptive;
        }

        /** The gap before a host's next request: 1/{@code rate}, varied by {@code jitter}; 0 without a rate. */
        public long nextGapNanos() {
            if (rate <= 0) return 0;
            long mean = (long) (1e9 / rate);
            if (jitter == 0) return mean;
            return (long) (mean * (1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1)));
        }
    }

    /** The host and port a limit counts by: {@code example.com:443}. */
    static String hostKey(URI uri) {
        int port = uri.getPort();
        if (port == -1) port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }
}
