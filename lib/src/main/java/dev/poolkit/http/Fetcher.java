package dev.poolkit.http;

import dev.poolkit.http.FetchException.Kind;
import dev.poolkit.http.internal.Bodies;
import dev.poolkit.http.internal.Deadline;
import dev.poolkit.http.internal.Hosts;
import dev.poolkit.http.internal.Redirects;
import dev.poolkit.http.internal.Watchdog;
import dev.poolkit.internal.Check;
import dev.poolkit.internal.Text;
import dev.poolkit.internal.Version;
import dev.poolkit.limits.Gate;
import dev.poolkit.limits.Gates;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLException;

/**
 * Fetches pages over HTTP: one shared client, a deadline that covers the whole answer, a cap on
 * body size, redirects followed with care, and failures as {@link FetchException}s with one-line
 * messages and a {@link FetchException.Kind kind}.
 *
 * <pre>{@code
 * Page page = Fetcher.shared().get("https://example.com/");   // throws HttpStatusException on 4xx/5xx
 * page.status(); page.title(); page.bytes(); page.finalUrl();
 * }</pre>
 *
 * <h2>Sharing</h2>
 * A fetcher holds a connection pool and a selector thread: make one per program and share it
 * ({@link #shared()} does that), from any number of threads. The templates replace the shared
 * fetcher with one built from their command line ({@link #setShared}).
 *
 * <h2>Defaults</h2>
 * <ul>
 *   <li>connect timeout 10 s;</li>
 *   <li>timeout 30 s per attempt, from sending the request until the last byte of the body,
 *       redirects included: a server that sends its headers and then stalls fails at the deadline;</li>
 *   <li>maxBytes 10 MiB: a larger body (declared, received, or once decompressed) fails with
 *       kind {@code too-large}, without being held in memory;</li>
 *   <li>maxRedirects 10 (0 returns a redirect as the page); a redirect back to a URL already
 *       visited fails as {@code redirect-loop}; redirects to other schemes than http and https, and
 *       from https to http, are refused;</li>
 *   <li>headers {@code User-Agent: poolkit/VERSION (java/JAVA_VERSION)} and
 *       {@code Accept-Encoding: gzip, deflate} (gzip and deflate bodies are decoded); HTTP/1.1.</li>
 * </ul>
 * Only {@code http} and {@code https} URLs are fetched; anything else fails with kind
 * {@code refused-scheme} before any byte is read. A host name in another script
 * ({@code http://bücher.example/}) is sent in its ASCII form ({@code xn--bcher-kva.example}); the
 * page's and the failure's {@code url} stay as given. TLS certificates are always verified.
 *
 * <h2>Limits and retries</h2>
 * No limit per host by default ({@code perHost} 0, {@code rate} 0): the pool's concurrency
 * bounds the run. With limits, a host (name and port) gets at most {@code perHost} requests in
 * flight and {@code rate} request starts per second, spread evenly. The limits are kept where
 * {@link Builder#gates} says: in this JVM, or, in a process pool's worker, by the parent for all
 * the workers. A failure that may pass (connect failure, timeout, reset, HTTP 408, 429, 502, 503, 504) is retried {@code retries}
 * times (default 2) after an exponential backoff with full jitter (base 0.5 s, cap 30 s). A
 * Retry-After (seconds or HTTP-date) up to {@code retryAfterCap} (60 s) pauses every request
 * to that host; a longer one fails the request at once. {@link Page#attempts()} and
 * {@link FetchException#attempts()} say how many attempts it took.
 *
 * <h2>Politeness</h2>
 * With {@link Builder#robots robots(true)} (default off: a library fetches what it is asked
 * to), each site's robots.txt is fetched once, through this fetcher and its limits, and kept
 * for the fetcher's life: a URL it disallows (or a redirect to one) fails with kind
 * {@code robots} and is never requested, and its {@code Crawl-delay} becomes the least gap
 * between two requests to the host. The rules are per fetcher, so per JVM for the shared one:
 * each worker process of a process pool fetches a site's robots.txt once for itself, while the
 * Crawl-delay is kept by the parent for all of them. With {@link Builder#autoThrottle
 * autoThrottle(true)}, each host's concurrency adapts to how it answers (AIMD: it halves on 429,
 * 503, a timeout or rising latency, and grows back on healthy answers, between 1 and
 * {@code perHost}).
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
    private final long maxBytes;
    private final int maxRedirects;
    private final String[] headers;
    private final HttpResponse.BodyHandler<byte[]> bodies;
    private final Gate gate;
    private final Retrier retrier;
    private final Watchdog watchdog;
    private final RobotsRules robots; // null unless robots(true)

    private Fetcher(Builder b) {
        // Virtual threads for the client's own tasks measured twice as fast in steady state as
        // its default cached pool.
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("http-", 0).factory());
        this.client = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(b.connectTimeout)
                // Followed by hand, to detect loops, refuse other schemes and report finalUrl.
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.timeout = b.timeout;
        this.maxBytes = b.maxBytes;
        this.maxRedirects = b.maxRedirects;
        var flat = new ArrayList<String>();
        b.headers.values().forEach(h -> {
            flat.add(h[0]);
            flat.add(h[1]);
        });
        this.headers = flat.toArray(String[]::new);
        this.bodies = Bodies.capped(maxBytes);
        this.gate = b.gates.open(new Gate.Limits(b.perHost, b.rate, b.rateJitter, b.autoThrottle));
        this.retrier = new Retrier(b.retries, b.backoffBase, b.backoffCap, b.retryAfterCap, gate);
        this.watchdog = new Watchdog("poolkit-deadlines", Duration.ofMillis(100));
        this.robots = b.robots ? new RobotsRules(robotsUrl -> fetch(robotsUrl, false), RobotsRules.agentOf(b.headers.get("user-agent")[1]), gate) : null;
    }

    /** The fetcher shared by this JVM: the defaults, unless {@link #setShared} replaced it. */
    public static Fetcher shared() {
        Fetcher f = shared;
        if (f != null) return f;
        synchronized (Fetcher.class) {
            if (shared == null) shared = builder().build();
            return shared;
        }
    }

    /**
     * Makes {@code fetcher} the one {@link #shared()} returns from now on. The one it replaces is
     * not closed (it may still be in use); closing it is then up to whoever holds it.
     */
    public static void setShared(Fetcher fetcher) {
        shared = Objects.requireNonNull(fetcher, "fetcher");
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Fetches {@code url} with GET, follows redirects, and reads the whole body.
     *
     * @throws HttpStatusException if the status is 400 or more
     * @throws FetchException      if the URL is bad or refused, or no usable answer came (refused,
     *                             reset, timed out, too large, redirect loop), after the
     *                             retries the failure allows, or robots.txt disallows it; see
     *                             {@link FetchException#kind()}
     */
    public Page get(String url) throws FetchException, InterruptedException {
        if (robots != null) robots.check(url, parse(url), null);
        return fetch(url, robots != null);
    }

    /**
     * {@link #get}; {@code obey}: check the redirects against robots.txt. robots.txt itself is
     * fetched without: a robots.txt redirected to a page of another site must not ask for that
     * site's robots.txt, which might redirect back.
     */
    private Page fetch(String url, boolean obey) throws FetchException, InterruptedException {
        URI uri = parse(url);
        URI[] lastHop = {uri}; // a Retry-After pauses the host that sent it, maybe one redirected to
        return retrier.run(() -> lastHop[0], () -> attempt(url, uri, lastHop, obey), Page::withAttempts, FetchException::withAttempts);
    }

    @Override
    public void close() {
        if (this == shared) return;
        client.close();
        executor.close();
        watchdog.close();
    }

    /** One attempt: the request and its redirects, all within one deadline. */
    private Page attempt(String url, URI uri, URI[] lastHop, boolean obey) throws FetchException, InterruptedException {
        Deadline deadline = null;
        URI hop = uri;
        Set<URI> visited = null;
        for (int redirects = 0; ; redirects++) {
            Exchange exchange;
            // Limits count requests, so each hop asks its own host; retries count attempts (in get).
            var permit = gate.acquire(hop);
            Gate.Outcome outcome = Gate.Outcome.NEUTRAL;
            try {
                // The deadline starts once the first request may go: waiting for a host's turn
                // under --per-host or --rate is not the server being slow.
                if (deadline == null) deadline = Deadline.after(timeout);
                lastHop[0] = hop;
                exchange = send(url, hop, deadline);
                outcome = Gate.Outcome.OK;
            } catch (HttpStatusException e) {
                outcome = e.status() == 429 || e.status() == 503 ? Gate.Outcome.BUSY : Gate.Outcome.OK;
                throw e;
            } catch (FetchException e) {
                if (e.kind() == Kind.TIMEOUT) outcome = Gate.Outcome.BUSY;
                throw e;
            } finally {
                permit.close(outcome); // an adaptive gate learns from it
            }
            String location = Redirects.isRedirect(exchange.status()) ? exchange.header("location") : null;
            if (location == null || maxRedirects == 0) {
                return new Page(url, exchange.status(), exchange.headers(), exchange.body(), hop.toString(), 1);
            }
            if (redirects == maxRedirects) {
                throw new FetchException(url, Kind.TOO_MANY_REDIRECTS,
                        "too many redirects: more than " + maxRedirects + ", last to " + location, null);
            }
            URI next;
            try {
                next = Redirects.target(hop, location);
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new FetchException(url, Kind.BAD_URL, "bad redirect from " + hop + ": " + Text.oneLine(e.getMessage()), e);
            }
            String refusal = Redirects.refusal(hop, next);
            if (refusal != null) throw new FetchException(url, Kind.REFUSED_SCHEME, refusal, null);
            if (visited == null) {
                visited = new HashSet<>();
                visited.add(hop);
            }
            if (obey) robots.check(url, next, hop.toString());
            if (!visited.add(next)) {
                throw new FetchException(url, Kind.REDIRECT_LOOP,
                        "redirect loop: back to " + next + " after " + (redirects + 1) + " redirects", null);
            }
            hop = next;
        }
    }

    /** One HTTP request to {@code hop}, its body read (capped, decoded) before the deadline. */
    private Exchange send(String url, URI hop, Deadline deadline) throws FetchException, InterruptedException {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(hop).headers(headers).GET().build();
        } catch (IllegalArgumentException e) {
            throw new FetchException(url, Kind.BAD_URL, "bad URL: " + hop + " (" + Text.oneLine(e.getMessage()) + ")", e);
        }
        if (deadline.remainingNanos() <= 0) throw timedOut(url, hop);
        // java.net.http's own request timeout ends when the headers arrive (JDK-8258397). The
        // watchdog cancels the future at the deadline instead, which covers the body too and
        // aborts the exchange and closes its connection (JDK 16+).
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(request, bodies);
        Watchdog.Watch watch = watchdog.watch(future, deadline.endNanos());
        HttpResponse<byte[]> response;
        try {
            response = future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException | CancellationException e) {
            // Cancelled by the watchdog, the future ends either way ("Request cancelled").
            if (watch.expired()) throw timedOut(url, hop);
            if (e instanceof CancellationException c) throw c;
            throw failure(url, hop, e.getCause());
        } finally {
            watch.done();
        }
        var responseHeaders = new LinkedHashMap<String, List<String>>();
        response.headers().map().forEach((k, v) -> responseHeaders.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        Map<String, List<String>> headers = Collections.unmodifiableMap(responseHeaders);
        if (response.statusCode() >= 400) throw new HttpStatusException(url, response.statusCode(), headers);
        byte[] body = response.body();
        var encoding = response.headers().firstValue("content-encoding");
        if (encoding.isPresent()) {
            try {
                body = Bodies.decode(body, encoding.get(), maxBytes);
            } catch (Bodies.TooLargeException e) {
                throw failure(url, hop, e);
            } catch (IOException e) {
                throw new FetchException(url, Kind.IO, "bad " + encoding.get() + " body from " + where(hop) + ": "
                        + Text.oneLine(e.getMessage()), e);
            }
        }
        return new Exchange(response.statusCode(), headers, body);
    }

    private record Exchange(int status, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return Text.firstHeader(headers, name).orElse(null);
        }
    }

    private static URI parse(String url) throws FetchException {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new FetchException(url, Kind.BAD_URL, "bad URL: " + Text.oneLine(e.getMessage()), e);
        }
        if (!Redirects.fetchableScheme(uri)) {
            throw new FetchException(url, uri.getScheme() == null ? Kind.BAD_URL : Kind.REFUSED_SCHEME,
                    "bad URL: " + url + " (only http:// and https:// URLs can be fetched)", null);
        }
        try {
            return Hosts.ascii(uri);
        } catch (IllegalArgumentException e) {
            throw new FetchException(url, Kind.BAD_URL, "bad URL: " + url + " (" + Text.oneLine(e.getMessage()) + ")", null);
        }
    }

    private FetchException timedOut(String url, URI hop) {
        return new FetchException(url, Kind.TIMEOUT, "timed out after " + timeout.toMillis() + " ms: " + where(hop), null);
    }

    private FetchException failure(String url, URI hop, Throwable e) {
        String where = where(hop);
        // Before the rest: java.net.http reports a name that did not resolve as a ConnectException.
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
                return new FetchException(url, Kind.UNKNOWN_HOST, "unknown host: " + Hosts.display(hop.getHost()), e);
            }
        }
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof Bodies.TooLargeException t) {
                return new FetchException(url, Kind.TOO_LARGE, "body too large: over " + t.limit() + " bytes"
                        + (t.decoded() ? " once decompressed" : "") + " (maxBytes) from " + where, null);
            }
            if (c instanceof HttpConnectTimeoutException) return new FetchException(url, Kind.CONNECT, "connect timed out: " + where, e);
            if (c instanceof ConnectException) return new FetchException(url, Kind.CONNECT, "connection refused: " + where, e);
            if (c instanceof SSLException || c instanceof CertificateException) {
                return new FetchException(url, Kind.TLS, "TLS failed with " + where + ": " + Text.oneLine(c.getMessage()), e);
            }
            if (c instanceof SocketException && c.getMessage() != null && c.getMessage().toLowerCase(Locale.ROOT).contains("reset")) {
                return new FetchException(url, Kind.RESET, "connection reset: " + where, e);
            }
        }
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof EOFException || (c.getMessage() != null && c.getMessage().contains("received no bytes"))) {
                return new FetchException(url, Kind.RESET, "connection closed before the answer was complete: " + where, e);
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String message = e.getMessage() != null ? e.getMessage() : root.getMessage();
        return new FetchException(url, Kind.IO, "I/O error from " + where + ": "
                + (message != null ? Text.oneLine(message) : e.getClass().getSimpleName()), e);
    }

    private static String where(URI uri) {
        return uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }

    /** Builds a {@link Fetcher}. */
    public static final class Builder {
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration timeout = Duration.ofSeconds(30);
        private long maxBytes = 10L * 1024 * 1024;
        private int maxRedirects = 10;
        // By lower-case name: a header set twice keeps the last value.
        private final Map<String, String[]> headers = new LinkedHashMap<>();
        private int perHost;
        private double rate;
        private double rateJitter;
        private int retries = 2;
        private Duration backoffBase = Duration.ofMillis(500);
        private Duration backoffCap = Duration.ofSeconds(30);
        private Duration retryAfterCap = Duration.ofSeconds(60);
        private Gates gates = Gates.local();
        private boolean robots;
        private boolean autoThrottle;

        private Builder() {
            header("User-Agent", "poolkit/" + Version.POOLKIT + " (java/" + Runtime.version().feature() + ")");
            header("Accept-Encoding", "gzip, deflate");
        }

        /** How long to wait for a connection; default 10 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            Check.atLeast(1, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()), "connectTimeout millis");
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * The deadline of one attempt, from sending the request until the body's last byte,
         * redirects included; default 30 s.
         */
        public Builder timeout(Duration timeout) {
            Check.atLeast(1, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()), "timeout millis");
            this.timeout = timeout;
            return this;
        }

        /**
         * The largest body kept, in bytes, after decompression; default 10 MiB (10485760). A larger
         * one fails with kind {@code too-large} and is not read further.
         */
        public Builder maxBytes(long maxBytes) {
            Check.atLeast(1, maxBytes, "maxBytes");
            Check.atMost(Integer.MAX_VALUE - 8, maxBytes, "maxBytes");
            this.maxBytes = maxBytes;
            return this;
        }

        /** How many redirects one fetch follows; default 10. With 0, a redirect is returned as the page. */
        public Builder maxRedirects(int maxRedirects) {
            this.maxRedirects = Check.atLeast(0, maxRedirects, "maxRedirects");
            return this;
        }

        /** Sets the User-Agent header; default {@code poolkit/VERSION (java/JAVA_VERSION)}. */
        public Builder userAgent(String userAgent) {
            return header("User-Agent", userAgent);
        }

        /**
         * Sends a header with every request, replacing a default or earlier one of the same name.
         *
         * @throws IllegalArgumentException if HTTP or java.net.http does not allow it (e.g. Host)
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            try {
                HttpRequest.newBuilder().header(name, value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("header " + name + " cannot be set: " + Text.oneLine(e.getMessage()), e);
            }
            headers.put(name.toLowerCase(Locale.ROOT), new String[]{name, value});
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

        /**
         * Where the per-host limits and pauses are kept; default {@link Gates#local()}, this JVM.
         * A process pool's worker is given its parent's ({@code ProcessPool.gates()}), so that
         * the limits hold across all the workers.
         */
        public Builder gates(Gates gates) {
            this.gates = Objects.requireNonNull(gates, "gates");
            return this;
        }

        /**
         * Obey robots.txt (default false: a library fetches what it is asked to). Each site's
         * robots.txt ({@code scheme://host:port/robots.txt}) is fetched once, through this
         * fetcher with its limits, retries and redirects, parsed by crawler-commons, and kept
         * for the fetcher's life (rules of up to 10,000 sites, least recently used dropped
         * first). A URL it disallows for this fetcher's agent (the User-Agent's first word,
         * {@code poolkit} by default), or a redirect to one, fails with kind {@code robots}
         * and is never requested. A robots.txt that answers 4xx (but 429) allows everything; one
         * that answers 429 or 5xx keeps the whole site off limits (kind {@code robots}); one that
         * cannot be fetched at all fails the site's URLs with that failure's kind
         * ({@code connect}, {@code timeout}, ...). Its {@code Crawl-delay} becomes the least gap
         * between the starts of two requests to the host, on top of {@link #rate}.
         */
        public Builder robots(boolean obey) {
            this.robots = obey;
            return this;
        }

        /**
         * Adapt each host's concurrency to how it answers (default false): between 1 and
         * {@link #perHost} (0: as many as the caller puts in flight), halved on 429, 503, a
         * timeout or rising latency, grown back on healthy answers. AIMD, as TCP does; the rule
         * in full is in the limits room's {@code HostGate}. With {@link #gates} of a process
         * pool, the parent adapts it for all the workers.
         */
        public Builder autoThrottle(boolean adapt) {
            this.autoThrottle = adapt;
            return this;
        }

        public Fetcher build() {
            return new Fetcher(this);
        }
    }
}
