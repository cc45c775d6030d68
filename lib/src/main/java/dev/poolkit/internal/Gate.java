package dev.poolkit.internal;

import dev.poolkit.ProcessPool;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * Where a fetcher asks leave before each request to a host: the per-host in-flight limit, the
 * per-host rate, and the pauses a Retry-After asks for. In a worker process of a
 * {@link ProcessPool} the limits are kept by the parent ({@link RemoteGate}), so that they hold
 * across all the workers; elsewhere by a {@link HostGate} in this JVM.
 */
public interface Gate {
    /** Leave to send one request; closing it says the request is over. Close it exactly once. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    Permit NONE = () -> {};

    /** Waits until a request to {@code uri}'s host may be sent. */
    Permit acquire(URI uri) throws InterruptedException;

    /** No request to {@code uri}'s host starts before {@code pause} has passed. */
    void pause(URI uri, Duration pause);

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

    static Gate of(Limits limits) {
        return ProcessPool.isWorker() ? RemoteGate.of(limits) : new HostGate(limits);
    }

    /** The host and port a limit counts by: {@code example.com:443}. */
    static String hostKey(URI uri) {
        int port = uri.getPort();
        if (port == -1) port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }
}
