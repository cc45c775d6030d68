package dev.poolkit.http;

import dev.poolkit.limits.Gate;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The retry loop with a fake sleeper, random and clock: exact waits, no real time. */
class RetrierTest {
    private static final URI HOST = URI.create("http://example.test/");
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private final List<Duration> slept = new ArrayList<>();
    private final List<Duration> pauses = new ArrayList<>();
    private final Gate gate = new Gate() {
        @Override
        public Permit acquire(String host) {
            return NONE;
        }

        @Override
        public void pause(String host, Duration pause) {
            pauses.add(pause);
        }

        @Override
        public void minGap(String host, Duration gap) {
            throw new AssertionError("the retrier keeps no Crawl-delay");
        }
    };

    private Retrier retrier(int retries, double random) {
        return new Retrier(retries, Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofSeconds(60), gate,
                slept::add, () -> random, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static HttpStatusException status(int status, String retryAfter) {
        return new HttpStatusException("http://example.test/", status,
                retryAfter == null ? Map.of() : Map.of("retry-after", List.of(retryAfter)));
    }

    /** Fails with {@code e} every time, counting the calls. */
    private static final class Failing implements Retrier.Attempt<String> {
        final FetchException e;
        int calls;

        Failing(FetchException e) {
            this.e = e;
        }

        @Override
        public String run() throws FetchException {
            calls++;
            throw e;
        }
    }

    /** Runs {@code attempt} until the retrier gives up, and checks it tags the failure with the calls made. */
    private static void runOut(Retrier r, Failing attempt) {
        var thrown = assertThrows(FetchException.class, () -> r.run(HOST, attempt, (s, n) -> s,
                (x, n) -> new FetchException(x.url(), x.getMessage() + " after " + n, x)));
        assertEquals(attempt.e.getMessage() + " after " + attempt.calls, thrown.getMessage());
    }

    @Test
    void backoffDoublesUpToTheCapWithFullJitter() throws Exception {
        var attempt = new Failing(status(503, null));
        runOut(retrier(4, 1.0), attempt);
        assertEquals(5, attempt.calls);
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300), Duration.ofMillis(300)), slept);

        slept.clear();
        runOut(retrier(2, 0.5), new Failing(status(503, null)));
        assertEquals(List.of(Duration.ofMillis(50), Duration.ofMillis(100)), slept, "a random part of the ceiling");
    }

    @Test
    void retryAfterPausesTheHostInsteadOfBackingOff() throws Exception {
        runOut(retrier(1, 1.0), new Failing(status(429, "7")));
        assertEquals(List.of(Duration.ofSeconds(7), Duration.ofSeconds(7)), pauses, "each 429 pauses the host");
        assertTrue(slept.isEmpty(), "the gate waits, not the retrier: " + slept);
    }

    @Test
    void retryAfterAsHttpDateCountsFromNow() {
        var r = retrier(1, 1.0);
        assertEquals(Duration.ofSeconds(90), r.retryAfter(status(503, "Fri, 02 Jan 2026 03:05:35 GMT")).orElseThrow());
        assertEquals(Duration.ZERO, r.retryAfter(status(503, "Fri, 02 Jan 2026 03:00:00 GMT")).orElseThrow(), "in the past");
        assertTrue(r.retryAfter(status(503, "soon")).isEmpty());
        assertTrue(r.retryAfter(status(503, null)).isEmpty());
    }

    @Test
    void successAfterFailuresIsTaggedWithItsAttempts() throws Exception {
        int[] calls = {0};
        String page = retrier(3, 0.0).run(HOST, () -> {
            if (++calls[0] < 3) throw new FetchException("u", FetchException.Kind.RESET, "connection reset", null);
            return "page";
        }, (s, n) -> s + " in " + n, (x, n) -> x);
        assertEquals("page in 3", page);
    }

    @Test
    void whatIsRetried() {
        for (int s : new int[]{408, 429, 502, 503, 504}) assertTrue(Retrier.retryable(status(s, null)), "HTTP " + s);
        for (int s : new int[]{400, 401, 403, 404, 410, 500, 501}) assertFalse(Retrier.retryable(status(s, null)), "HTTP " + s);
        for (var kind : List.of(FetchException.Kind.CONNECT, FetchException.Kind.TIMEOUT, FetchException.Kind.RESET)) {
            assertTrue(Retrier.retryable(new FetchException("u", kind, "m", null)), kind.label());
        }
        for (var kind : List.of(FetchException.Kind.BAD_URL, FetchException.Kind.REFUSED_SCHEME, FetchException.Kind.UNKNOWN_HOST,
                FetchException.Kind.TOO_LARGE, FetchException.Kind.REDIRECT_LOOP, FetchException.Kind.TOO_MANY_REDIRECTS,
                FetchException.Kind.TLS, FetchException.Kind.IO)) {
            assertFalse(Retrier.retryable(new FetchException("u", kind, "m", null)), kind.label());
        }
    }

    @Test
    void firstAttemptFailureIsRethrownAsIs() {
        var e = status(404, null);
        var thrown = assertThrows(FetchException.class, () -> retrier(3, 1.0).run(HOST, new Failing(e), (s, n) -> s, (x, n) -> null));
        assertSame(e, thrown);
    }
}
