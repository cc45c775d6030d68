package dev.poolkit.http;

import dev.poolkit.fixtures.TestServer;
import dev.poolkit.fixtures.TestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-host limits and retries, seen from the server's side. */
@Timeout(30)
class FetcherLimitsTest {
    private TestServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = TestServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    /** Runs {@code n} gets of {@code url} at once and waits for them all. */
    private static List<Page> getAll(Fetcher fetcher, String url, int n) throws Exception {
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Page>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) futures.add(threads.submit((Callable<Page>) () -> fetcher.get(url)));
            List<Page> pages = new ArrayList<>();
            for (var f : futures) pages.add(f.get());
            return pages;
        }
    }

    @Test
    void perHostLimitCapsRequestsInFlightOnTheServer() throws Exception {
        server.route("/slow", (n, ex) -> TestServer.Reply.held(100));
        try (var fetcher = Fetcher.builder().perHost(2).build()) {
            getAll(fetcher, server.url("/slow"), 12);
        }
        assertEquals(12, server.arrivals("/slow").size());
        assertEquals(2, server.maxInFlight(), "at most 2 in flight, and 2 reached");
    }

    @Test
    void withoutPerHostLimitRequestsOverlap() throws Exception {
        server.route("/slow", (n, ex) -> TestServer.Reply.held(300));
        try (var fetcher = Fetcher.builder().build()) {
            getAll(fetcher, server.url("/slow"), 6);
        }
        assertTrue(server.maxInFlight() > 2, "the server saw " + server.maxInFlight());
    }

    @Test
    void rateSpreadsRequestsToAHostOverTime() throws Exception {
        server.route("/ok", (n, ex) -> TestServer.Reply.ok());
        try (var fetcher = Fetcher.builder().rate(20).build()) {
            getAll(fetcher, server.url("/ok"), 11);
        }
        List<Long> times = server.arrivals("/ok");
        long span = millis(times.getLast() - times.getFirst());
        // 10 gaps of 50 ms: 500 ms; a little less may show on the server, when an early one was slow to arrive.
        assertTrue(span >= 450, "11 requests at 20/s took only " + span + " ms");
        assertTrue(span < 5_000, "11 requests at 20/s took " + span + " ms");
    }

    @Test
    void retryAfterIsHonouredBeforeTheRetry() throws Exception {
        server.route("/busy", (n, ex) -> n == 1 ? TestServer.Reply.retryAfter(429, "1") : TestServer.Reply.ok());
        Page page;
        try (var fetcher = Fetcher.builder().backoff(Duration.ZERO, Duration.ZERO).build()) {
            page = fetcher.get(server.url("/busy"));
        }
        assertEquals(200, page.status());
        assertEquals(2, page.attempts());
        List<Long> times = server.arrivals("/busy");
        assertTrue(millis(times.get(1) - times.get(0)) >= 1_000, "re-sent after " + millis(times.get(1) - times.get(0)) + " ms");
    }

    @Test
    void retryAfterAsAnHttpDateIsHonoured() throws Exception {
        // A date has whole seconds: 2 s ahead leaves more than 1 s to wait.
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(2));
        server.route("/busy", (n, ex) -> n == 1 ? TestServer.Reply.retryAfter(503, date) : TestServer.Reply.ok());
        try (var fetcher = Fetcher.builder().backoff(Duration.ZERO, Duration.ZERO).build()) {
            assertEquals(2, fetcher.get(server.url("/busy")).attempts());
        }
        List<Long> times = server.arrivals("/busy");
        assertTrue(millis(times.get(1) - times.get(0)) >= 1_000, "re-sent after " + millis(times.get(1) - times.get(0)) + " ms");
    }

    @Test
    void retryAfterPausesOtherRequestsToTheSameHost() throws Exception {
        server.route("/busy", (n, ex) -> TestServer.Reply.retryAfter(429, "1"));
        server.route("/other", (n, ex) -> TestServer.Reply.ok());
        try (var fetcher = Fetcher.builder().retries(0).build()) {
            var e = assertThrows(HttpStatusException.class, () -> fetcher.get(server.url("/busy")));
            assertEquals(429, e.status());
            fetcher.get(server.url("/other"));
        }
        long gap = millis(server.arrivals("/other").getFirst() - server.arrivals("/busy").getFirst());
        assertTrue(gap >= 1_000, "another page of the host was asked for " + gap + " ms after the 429");
    }

    @Test
    void retryAfterPausesTheHostThatSentItAfterARedirect() throws Exception {
        server.route("/moved", TestServer.Reply.redirect(302, server.url("/busy")));
        server.route("/busy", (n, ex) -> TestServer.Reply.retryAfter(429, "1"));
        server.route("/other", (n, ex) -> TestServer.Reply.ok());
        // localhost and 127.0.0.1 are two hosts to the gate, served by the same server.
        String moved = server.url("/moved").replace("127.0.0.1", "localhost");
        try (var fetcher = Fetcher.builder().retries(0).build()) {
            var e = assertThrows(HttpStatusException.class, () -> fetcher.get(moved));
            assertEquals(429, e.status());
            fetcher.get(server.url("/other"));
        }
        long gap = millis(server.arrivals("/other").getFirst() - server.arrivals("/busy").getFirst());
        assertTrue(gap >= 1_000, "the host that sent the 429 was asked again " + gap + " ms after it");
    }

    @Test
    void a503WithAHugeBodyIsRetriedNotTakenForTooLarge() throws Exception {
        byte[] huge = new byte[64 * 64 * 1024];
        // The first with its length declared, the second chunked: both far over maxBytes.
        server.route("/", (n, ex) -> switch (n) {
            case 1 -> TestServer.Reply.status(503).body(huge);
            case 2 -> TestServer.Reply.status(503).body(huge).chunked();
            default -> TestServer.Reply.ok().body("ok");
        });
        try (var fetcher = Fetcher.builder().maxBytes(1024).retries(2).backoff(Duration.ZERO, Duration.ZERO).build()) {
            Page page = fetcher.get(server.url("/"));
            assertEquals(200, page.status());
            assertEquals(3, page.attempts());
        }
    }

    @Test
    void retryAfterLongerThanTheCapFailsAtOnce() throws Exception {
        server.route("/busy", (n, ex) -> TestServer.Reply.retryAfter(429, "3600"));
        try (var fetcher = Fetcher.builder().retryAfterCap(Duration.ofSeconds(5)).build()) {
            var e = assertThrows(HttpStatusException.class, () -> fetcher.get(server.url("/busy")));
            assertEquals("HTTP 429 with Retry-After 3600 s, longer than the 5 s cap (retryAfterCap, --retry-after-cap)", e.getMessage());
            assertEquals(429, e.status());
            assertEquals(1, e.attempts());
        }
        assertEquals(1, server.arrivals("/busy").size());
    }

    @Test
    void retriesStopAfterTheGivenNumberAndSayHowManyAttempts() throws Exception {
        server.route("/down", (n, ex) -> TestServer.Reply.status(503));
        try (var fetcher = Fetcher.builder().retries(3).backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build()) {
            var e = assertThrows(HttpStatusException.class, () -> fetcher.get(server.url("/down")));
            assertEquals(503, e.status());
            assertEquals("HTTP 503", e.getMessage());
            assertEquals(4, e.attempts());
        }
        assertEquals(4, server.arrivals("/down").size());
    }

    @Test
    void aFlappingPageSucceedsAndSaysHowManyAttempts() throws Exception {
        server.route("/flaps", (n, ex) -> n <= 2 ? TestServer.Reply.status(502) : TestServer.Reply.ok());
        try (var fetcher = Fetcher.builder().retries(2).backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build()) {
            Page page = fetcher.get(server.url("/flaps"));
            assertEquals(200, page.status());
            assertEquals(3, page.attempts());
        }
    }

    @Test
    void notFoundIsTriedOnce() throws Exception {
        try (var fetcher = Fetcher.builder().retries(3).backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build()) {
            var e = assertThrows(HttpStatusException.class, () -> fetcher.get(server.url("/missing")));
            assertEquals(404, e.status());
            assertEquals(1, e.attempts());
        }
        assertEquals(1, server.arrivals("/missing").size());
    }

    @Test
    void refusedConnectionIsRetried() throws Exception {
        int port = TestSupport.refusedPort();
        try (var fetcher = Fetcher.builder().retries(2).backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build()) {
            var e = assertThrows(FetchException.class, () -> fetcher.get("http://127.0.0.1:" + port + "/"));
            assertEquals("connection refused: 127.0.0.1:" + port, e.getMessage());
            assertEquals(3, e.attempts());
        }
    }

    @Test
    void badUrlIsNotRetried() {
        try (var fetcher = Fetcher.builder().retries(3).build()) {
            var e = assertThrows(FetchException.class, () -> fetcher.get("file:///etc/passwd"));
            assertEquals(1, e.attempts());
        }
    }

    @Test
    void badLimitsAreRejected() {
        assertEquals("perHost must be >= 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> Fetcher.builder().perHost(-1)).getMessage());
        assertEquals("rate must be a number >= 0, got -2.0",
                assertThrows(IllegalArgumentException.class, () -> Fetcher.builder().rate(-2)).getMessage());
        assertEquals("rateJitter must be between 0 and 1, got 1.5",
                assertThrows(IllegalArgumentException.class, () -> Fetcher.builder().rateJitter(1.5)).getMessage());
        assertEquals("retries must be >= 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> Fetcher.builder().retries(-1)).getMessage());
        assertEquals("backoff cap must be >= its base (1000 ms), got 10 ms",
                assertThrows(IllegalArgumentException.class,
                        () -> Fetcher.builder().backoff(Duration.ofSeconds(1), Duration.ofMillis(10))).getMessage());
    }
}
