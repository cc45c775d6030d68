package dev.poolkit;

import dev.poolkit.internal.Check;
import dev.poolkit.internal.Gate;
import dev.poolkit.internal.Retrier;
import dev.poolkit.internal.Version;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Fetches pages over HTTP: one shared client, timeouts, and failures as {@link FetchException}s
 * with one-line messages.
 *
 * <pre>{@code
 * Page page = Fetcher.shared().get("https://example.com/");   // throws HttpStatusException on 4xx/5xx
 * page.status(); page.title(); page.bytes();
 * }</pre>
 *
 * <h2>Sharing</h2>
 * A fetcher holds a connection pool and a selector thread: make one per program and share it
 * ({@link #shared()} does that), from any number of threads.
 *
 * <h2>Defaults</h2>
 * Connect timeout 10 s; request timeout 30 s, from sending the request until the response
 * headers arrive; redirects followed (not https to http); HTTP/1.1; User-Agent
 * {@code poolkit/VERSION}. Only {@code http} and {@code https} URLs are fetched.
 *
 * <h2>Limits and retries</h2>
 * No limit per host by default ({@code perHost} 0, {@code rate} 0): the pool's concurrency
 * bounds the run. With limits, a host (name and port) gets at most {@code perHost} requests in
 * flight and {@code rate} request starts per second, spread evenly; in a {@link ProcessPool}
 * worker they hold across all the workers, kept by the parent. A failure that may pass
 * (connect failure, timeout, reset, HTTP 408, 429, 502, 503, 504) is retried {@code retries}
 * times (default 2) after an exponential backoff with full jitter (base 0.5 s, cap 30 s). A
 * Retry-After (seconds or HTTP-date) up to {@code retryAfterCap} (60 s) pauses every request
 * to that host; a longer one fails the request at once. {@link Page#attempts()} and
 * {@link FetchException#attempts()} say how many attempts it took.
 *
 * <h2>Shutdown</h2>
 * {@link #close()} ends the client's threads once requests in flight are answered.
 * The shared fetcher is never closed.
 */
public final class Fetcher implements AutoCloseable {
    private static volatile Fetcher shared;

    private final HttpClient client;
    private final ExecutorService executor;
    private final Duration timeout;
    private final String userAgent;
    private final Gate gate;
    private final Retrier retrier;

    private Fetcher(Builder b) {
        // Virtual threads for the client's own tasks measured twice as fast in steady state as
        // its default cached pool.
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("http-", 0).factory());
        this.client = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.timeout = b.timeout;
        this.userAgent = b.userAgent;
        this.gate = Gate.of(new Gate.Limits(b.perHost, b.rate, b.rateJitter));
        this.retrier = new Retrier(b.retries, b.backoffBase, b.backoffCap, b.retryAfterCap, gate);
    }

    /** The fetcher shared by this JVM: the defaults, or the one given to {@link #setShared}. */
    public static Fetcher shared() {
        Fetcher f = shared;
        if (f != null) return f;
        synchronized (Fetcher.class) {
            if (shared == null) shared = builder().build();
            return shared;
        }
    }

    /**
     * Makes {@code fetcher} the one {@link #shared()} returns from now on, as a job does with the
     * options of its command line. The one it replaces is left open: it may still be in use.
     */
    public static void setShared(Fetcher fetcher) {
        shared = java.util.Objects.requireNonNull(fetcher, "fetcher");
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Fetches {@code url} with GET and reads the whole body.
     *
     * @throws HttpStatusException if the status is 400 or more
     * @throws FetchException      if the URL is bad, or no answer came (refused, reset, timed out),
     *                             after the retries the failure allows
     */
    public Page get(String url) throws FetchException, InterruptedException {
        URI uri = parse(url);
        // per-attempt: retries wrap this
        return retrier.run(uri, () -> attempt(url, uri), Page::withAttempts, FetchException::withAttempts);
    }

    private Page attempt(String url, URI uri) throws FetchException, InterruptedException {
        var request = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", userAgent).GET().build();
        HttpResponse<byte[]> response;
        // per-hop: limits wrap this
        try (var permit = gate.acquire(uri)) {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new FetchException(url, describe(e, uri), e);
        }
        var headers = new LinkedHashMap<String, List<String>>();
        response.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        if (response.statusCode() >= 400) throw new HttpStatusException(url, response.statusCode(), headers);
        return new Page(url, response.statusCode(), Map.copyOf(headers), response.body());
    }

    @Override
    public void close() {
        if (this == shared) return;
        client.close();
        executor.close();
    }

    private static URI parse(String url) throws FetchException {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new FetchException(url, "bad URL: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new FetchException(url, "bad URL: " + url + " (only http:// and https:// URLs can be fetched)", null);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new FetchException(url, "bad URL: " + url + " (no host)", null);
        }
        return uri;
    }

    private String describe(IOException e, URI uri) {
        String where = uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
        if (e instanceof HttpConnectTimeoutException) return "connect timed out: " + where;
        if (e instanceof HttpTimeoutException) return "timed out after " + timeout.toMillis() + " ms: " + where;
        if (e instanceof ConnectException) return "connection refused: " + where;
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        if (root instanceof java.nio.channels.UnresolvedAddressException
                || root instanceof java.net.UnknownHostException) return "unknown host: " + uri.getHost();
        String message = e.getMessage() != null ? e.getMessage() : root.getMessage();
        return "I/O error from " + where + ": " + (message != null ? message : e.getClass().getSimpleName());
    }

    /** Builds a {@link Fetcher}. */
    public static final class Builder {
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration timeout = Duration.ofSeconds(30);
        private String userAgent = "poolkit/" + Version.POOLKIT;
        private int perHost;
        private double rate;
        private double rateJitter;
        private int retries = 2;
        private Duration backoffBase = Duration.ofMillis(500);
        private Duration backoffCap = Duration.ofSeconds(30);
        private Duration retryAfterCap = Duration.ofSeconds(60);

        private Builder() {}

        /** How long to wait for a connection; default 10 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            Check.atLeast(1, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()), "connectTimeout millis");
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** How long to wait for the response headers after sending; default 30 s. */
        public Builder timeout(Duration timeout) {
            Check.atLeast(1, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()), "timeout millis");
            this.timeout = timeout;
            return this;
        }

        public Builder userAgent(String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        /** Requests in flight per host (name and port), at most; default 0: no limit. */
        public Builder perHost(int perHost) {
            this.perHost = Check.atLeast(0, perHost, "perHost");
            return this;
        }

        /** Requests started per second per host, spread evenly; default 0: no limit. */
        public Builder rate(double perSecond) {
            this.rate = Check.atLeast(0, perSecond, "rate");
            return this;
        }

        /**
         * How much each gap between two requests to a host varies at random, as a fraction of
         * the mean gap {@code 1/rate}: 0 (the default) spaces them exactly, 0.5 anywhere between
         * half and one and a half times it. The mean rate stays the same.
         */
        public Builder rateJitter(double fraction) {
            this.rateJitter = Check.between(0, 1, fraction, "rateJitter");
            return this;
        }

        /** How many times a failure that may pass is retried (>= 0); default 2. */
        public Builder retries(int retries) {
            this.retries = Check.atLeast(0, retries, "retries");
            return this;
        }

        /**
         * The backoff between attempts: a random wait up to {@code base * 2^(attempt-1)}, never
         * more than {@code cap}; default 0.5 s and 30 s.
         */
        public Builder backoff(Duration base, Duration cap) {
            Check.notNegative(base, "backoff base");
            Check.notNegative(cap, "backoff cap");
            if (cap.compareTo(base) < 0) {
                throw new IllegalArgumentException("backoff cap must be >= its base (" + base.toMillis() + " ms), got " + cap.toMillis() + " ms");
            }
            this.backoffBase = base;
            this.backoffCap = cap;
            return this;
        }

        /**
         * The longest Retry-After honoured; default 60 s. A longer one fails the request at once
         * (its record says so) rather than holding it for hours.
         */
        public Builder retryAfterCap(Duration cap) {
            this.retryAfterCap = Check.notNegative(cap, "retryAfterCap");
            return this;
        }

        public Fetcher build() {
            return new Fetcher(this);
        }
    }
}
