package dev.poolkit.limits;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * Where a fetcher asks leave before each request to a host: the per-host in-flight limit, the
 * per-host rate, and the pauses a Retry-After asks for. A gate is opened for one set of
 * {@link Limits} by {@link Gates}, which says where they are kept (this JVM, or a process pool's
 * parent for all its workers). Thread-safe.
 */
public interface Gate {
    /** Leave to send one request; closing it says the request is over. Close it exactly once. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
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
     * The limits of one fetcher.
     *
     * @param perHost requests in flight per host, 0 for no limit
     * @param rate    requests started per second per host, 0 for no limit
     * @param jitter  how much each gap between requests to a host varies, as a fraction of the
     *                mean gap (0 to 1): 0.5 spreads gaps evenly between 0.5 and 1.5 times it
     */
    record Limits(int perHost, double rate, double jitter) {
        public static final Limits NONE = new Limits(0, 0, 0);

        public boolean none() {
            return perHost == 0 && rate == 0;
        }
    }

    /** The host and port a limit counts by: {@code example.com:443}. */
    static String hostKey(URI uri) {
        int port = uri.getPort();
        if (port == -1) port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }
}
