package dev.poolkit.http;

import dev.poolkit.fixtures.TestServer;
import dev.poolkit.fixtures.TestServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** robots.txt, Crawl-delay and the adaptive throttle, seen from the server's side. */
@Timeout(30)
class FetcherPolitenessTest {
    private static final String TEXT = "text/plain; charset=utf-8";
    private TestServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = TestServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** Runs every task at once on virtual threads and waits for them all; a task's failure is its result. */
    private static List<Object> all(List<Callable<Object>> tasks) throws Exception {
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Object>> futures = new ArrayList<>();
            for (var t : tasks) futures.add(threads.submit(() -> {
                try {
                    return t.call();
                } catch (FetchException e) {
                    return e;
                }
            }));
            List<Object> results = new ArrayList<>();
            for (var f : futures) results.add(f.get());
            return results;
        }
    }

    @Test
    void disallowedPagesAreNeverRequestedAndFailAsRobotsWhileRobotsTxtIsFetchedOncePerHost() throws Exception {
        server.route("/robots.txt", Reply.page(200, TEXT, "User-agent: *\nDisallow: /private/\n"));
        server.route("/open", Reply.page(200, "text/html", "<title>open</title>"));
        server.route("/private/a", Reply.ok());
        var tasks = new ArrayList<Callable<Object>>();
        try (var fetcher = Fetcher.builder().robots(true).build()) {
            // Two hosts to the fetcher (127.0.0.1 and localhost), one server: one robots.txt each.
            for (String host : List.of("127.0.0.1", "localhost")) {
                for (int i = 0; i < 10; i++) {
                    tasks.add(() -> fetcher.get(server.url("/open").replace("127.0.0.1", host)));
                    tasks.add(() -> fetcher.get(server.url("/private/a").replace("127.0.0.1", host)));
                }
            }
            List<Object> results = all(tasks);

            for (int i = 0; i < results.size(); i += 2) {
                assertEquals(200, ((Page) results.get(i)).status(), results.get(i).toString());
                var refused = (FetchException) results.get(i + 1);
                assertEquals("robots", refused.errorKind());
                assertTrue(refused.getMessage().matches("disallowed by http://(127\\.0\\.0\\.1|localhost):\\d+/robots\\.txt"), refused.getMessage());
            }
        }
        assertEquals(0, server.requests("/private/a").size(), "a disallowed page is never requested");
        assertEquals(20, server.requests("/open").size());
        assertEquals(2, server.requests("/robots.txt").size(), "robots.txt once per host: " + server.requests("/robots.txt"));
    }

    @Test
    void aRedirectToADisallowedPageIsNotFollowed() throws Exception {
        server.route("/robots.txt", Reply.page(200, TEXT, "User-agent: poolkit\nDisallow: /private/\n"));
        server.route("/moved", Reply.redirect(302, "/private/x"));
        try (var fetcher = Fetcher.builder().robots(true).build()) {
            var e = assertThrows(FetchException.class, () -> fetcher.get(server.url("/moved")));
            assertEquals(FetchException.Kind.ROBOTS, e.kind());
            assertTrue(e.getMessage().startsWith("redirect to " + server.url("/private/x") + " disallowed by "), e.getMessage());
        }
        assertEquals(1, server.requests("/moved").size());
        assertEquals(0, server.requests("/private/x").size());
    }

    @Test
    void withoutRobotsRobotsTxtIsNeitherFetchedNorObeyed() throws Exception {
        server.route("/robots.txt", Reply.page(200, TEXT, "User-agent: *\nDisallow: /\n"));
        server.route("/page", Reply.ok());
        try (var fetcher = Fetcher.builder().build()) {
            assertEquals(200, fetcher.get(server.url("/page")).status());
        }
        assertEquals(0, server.requests("/robots.txt").size());
    }

    @Test
    void aRobotsTxtAnswering503KeepsTheSiteOffLimitsAndA404AllowsEverything() throws Exception {
        server.route("/robots.txt", Reply.status(503));
        server.route("/page", Reply.ok());
        try (var fetcher = Fetcher.builder().robots(true).retries(0).build()) {
            var e = assertThrows(FetchException.class, () -> fetcher.get(server.url("/page")));
            assertEquals("robots", e.errorKind());
            assertEquals(server.url("/robots.txt") + " answered HTTP 503: the site is off limits for this fetcher", e.getMessage());
            assertThrows(FetchException.class, () -> fetcher.get(server.url("/page")));
        }
        assertEquals(1, server.requests("/robots.txt").size(), "kept, not asked again for every page");
        assertEquals(0, server.requests("/page").size());

        server.route("/robots.txt", Reply.status(404));
        try (var fetcher = Fetcher.builder().robots(true).build()) {
            assertEquals(200, fetcher.get(server.url("/page")).status());
        }
        assertEquals(1, server.requests("/page").size());
    }

    @Test
    void aRobotsTxtThatCannotBeFetchedFailsItsSitesPagesWithThatFailure() throws Exception {
        String refused = "http://127.0.0.1:" + dev.poolkit.fixtures.TestSupport.refusedPort();
        try (var fetcher = Fetcher.builder().robots(true).retries(0).build()) {
            var e = assertThrows(FetchException.class, () -> fetcher.get(refused + "/page"));
            assertEquals("connect", e.errorKind());
            assertTrue(e.getMessage().startsWith("robots.txt not fetched: connection refused"), e.getMessage());
        }
    }

    @Test
    void crawlDelaySpacesTheRequestsToTheHostOnTheServer() throws Exception {
        server.route("/robots.txt", Reply.page(200, TEXT, "User-agent: *\nCrawl-delay: 0.3\n"));
        server.route("/page", Reply.ok());
        var tasks = new ArrayList<Callable<Object>>();
        try (var fetcher = Fetcher.builder().robots(true).build()) {
            for (int i = 0; i < 5; i++) tasks.add(() -> fetcher.get(server.url("/page")));
            all(tasks);
        }
        List<Long> times = new ArrayList<>(server.arrivals("/robots.txt"));
        times.addAll(server.arrivals("/page"));
        times.sort(null);
        assertEquals(6, times.size());
        // The first /page may follow robots.txt at once: the delay is known only once it is read.
        for (int i = 2; i < times.size(); i++) {
            long gap = (times.get(i) - times.get(i - 1)) / 1_000_000;
            assertTrue(gap >= 250, "requests " + (i - 1) + " and " + i + " were " + gap + " ms apart, under the 300 ms Crawl-delay");
        }
    }

    /** A server with room for K requests at once: while K are being served, another gets 429 at once. */
    private void busyRoute(int room, long holdMillis) {
        var serving = new AtomicInteger();
        server.route("/busy", (n, ex) -> {
            if (serving.incrementAndGet() > room) {
                serving.decrementAndGet();
                return Reply.status(429);
            }
            try {
                Thread.sleep(holdMillis); // the server's own service time, not a test waiting
            } finally {
                serving.decrementAndGet();
            }
            return Reply.ok();
        });
    }

    /** 12 threads fetch 25 pages each as fast as they can; the statuses the server sent, in order. */
    private List<Integer> hammer(Fetcher fetcher) throws Exception {
        var statuses = java.util.Collections.synchronizedList(new ArrayList<long[]>());
        var tasks = new ArrayList<Callable<Object>>();
        for (int t = 0; t < 12; t++) {
            tasks.add(() -> {
                for (int i = 0; i < 25; i++) {
                    long sent = System.nanoTime();
                    int status;
                    try {
                        status = fetcher.get(server.url("/busy")).status();
                    } catch (HttpStatusException e) {
                        status = e.status();
                    }
                    statuses.add(new long[]{sent, status});
                }
                return null;
            });
        }
        all(tasks);
        return statuses.stream().sorted(java.util.Comparator.comparingLong(s -> s[0])).map(s -> (int) s[1]).toList();
    }

    @Test
    void autoThrottleStops429sFromAServerWithRoomForFourWhileAFixedLimitOfTwelveKeepsGettingThem() throws Exception {
        busyRoute(4, 10);
        List<Integer> adaptive;
        try (var fetcher = Fetcher.builder().autoThrottle(true).perHost(12).retries(0).build()) {
            adaptive = hammer(fetcher);
        }
        List<Integer> fixed;
        try (var fetcher = Fetcher.builder().perHost(12).retries(0).build()) {
            fixed = hammer(fetcher);
        }
        List<Integer> adaptiveLater = adaptive.subList(adaptive.size() / 2, adaptive.size());
        List<Integer> fixedLater = fixed.subList(fixed.size() / 2, fixed.size());
        assertEquals(0, adaptiveLater.stream().filter(s -> s == 429).count(), "429s in the second half with --auto-throttle: " + adaptive);
        assertTrue(fixedLater.stream().filter(s -> s == 429).count() > 10, "the server does answer 429 to too many at once: " + fixed);
        assertTrue(adaptive.stream().filter(s -> s == 200).count() > adaptive.size() / 2, adaptive.toString());
    }
}
