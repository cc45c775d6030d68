package dev.poolkit.demo;

import dev.poolkit.fixtures.TestSupport;
import dev.poolkit.http.FetchException;
import dev.poolkit.http.Fetcher;
import dev.poolkit.http.HttpStatusException;
import dev.poolkit.http.Page;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class DemoSiteTest {
    private static Fetcher fetcher;

    @BeforeAll
    static void makeFetcher() {
        fetcher = Fetcher.builder().retries(0).build(); // one attempt each: retries are FetcherLimitsTest's
    }

    @AfterAll
    static void closeFetcher() {
        fetcher.close();
    }

    @Test
    void servesNPagesTitledDemoPageK() throws Exception {
        try (var site = DemoSite.start(5, 0)) {
            List<String> urls = site.pageUrls();

            assertEquals(IntStream.rangeClosed(1, 5).mapToObj(k -> site.url() + "/page/" + k).toList(), urls);
            for (int k = 1; k <= 5; k++) {
                Page page = fetcher.get(urls.get(k - 1));
                assertEquals(200, page.status());
                assertEquals("Demo page " + k, page.title());
            }
            assertTrue(fetcher.get(urls.get(0)).text().contains("href=\"/page/2\""), "a page links the next");
            assertTrue(fetcher.get(urls.get(4)).text().contains("the last page"));
        }
    }

    @Test
    void listensOn127001() throws Exception {
        try (var site = DemoSite.start(1, 0)) {
            assertEquals("http://127.0.0.1:" + site.port(), site.url());
            assertTrue(site.port() > 0);
        }
    }

    @Test
    void indexLinksEveryPage() throws Exception {
        try (var site = DemoSite.start(3, 0)) {
            Page index = fetcher.get(site.url() + "/");
            assertEquals("poolkit demo site", index.title());
            for (int k = 1; k <= 3; k++) assertTrue(index.text().contains("href=\"/page/" + k + "\""), "link to page " + k);
            assertFalse(index.text().contains("href=\"/page/4\""));
        }
    }

    @Test
    void statusRouteAnswersThatStatus() throws Exception {
        try (var site = DemoSite.start(1, 0)) {
            var e = assertThrows(HttpStatusException.class, () -> fetcher.get(site.url() + "/status/503"));
            assertEquals(503, e.status());
            Page ok = fetcher.get(site.url() + "/status/200");
            assertEquals(200, ok.status());
            assertEquals(0, ok.bytes());
        }
    }

    @Test
    void unknownPathsAre404() throws Exception {
        try (var site = DemoSite.start(2, 0)) {
            for (String path : List.of("/nope", "/page/0", "/page/3", "/page/x", "/status/600")) {
                var e = assertThrows(HttpStatusException.class, () -> fetcher.get(site.url() + path), path);
                assertEquals(404, e.status(), path);
            }
        }
    }

    @Test
    void delayHoldsEachAnswer() throws Exception {
        try (var site = DemoSite.start(1, 300)) {
            long start = System.nanoTime();
            fetcher.get(site.pageUrls().getFirst());
            assertTrue((System.nanoTime() - start) / 1_000_000 >= 300, "answered before its delay");
        }
    }

    @Test
    void closedSiteRefusesConnections() throws Exception {
        var site = DemoSite.start(1, 0);
        String url = site.pageUrls().getFirst();
        site.close();
        var e = assertThrows(FetchException.class, () -> fetcher.get(url));
        assertEquals("connection refused: 127.0.0.1:" + site.port(), e.getMessage());
    }

    @Test
    void startChecksItsArguments() {
        assertEquals("pages must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> DemoSite.start(0, 0)).getMessage());
        assertEquals("delayMillis must be >= 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> DemoSite.start(1, -1)).getMessage());
    }

    @Test
    void flakyRouteFailsKTimesPerKeyThenAnswers() throws Exception {
        try (var site = DemoSite.start(1, 0)) {
            for (int i = 1; i <= 2; i++) {
                var e = assertThrows(HttpStatusException.class, () -> fetcher.get(site.url() + "/fault/flaky/a/2"));
                assertEquals(503, e.status(), "request " + i);
            }
            assertEquals("Flaky page", fetcher.get(site.url() + "/fault/flaky/a/2").title());
            assertEquals(503, assertThrows(HttpStatusException.class, () -> fetcher.get(site.url() + "/fault/flaky/b/1")).status(),
                    "another key counts on its own");
        }
    }

    @Test
    void retryAfterRouteWithAKeyAnswersOnceTheWaitIsOver() throws Exception {
        try (var site = DemoSite.start(1, 0)) {
            String url = site.url() + "/fault/retry-after/1/k";
            long start = System.nanoTime();
            var first = assertThrows(HttpStatusException.class, () -> fetcher.get(url));
            assertEquals(429, first.status());
            assertEquals("1", first.header("Retry-After").orElseThrow());
            TestSupport.awaitUntil(() -> {
                try {
                    return fetcher.get(url).status() == 200;
                } catch (HttpStatusException tooEarly) {
                    return false;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, java.time.Duration.ofSeconds(5));
            assertTrue(System.nanoTime() - start >= 1_000_000_000L, "answered before Retry-After had passed");
        }
    }

    @Test
    void closeEndsStalledAnswers() throws Exception {
        var site = DemoSite.start(1, 0);
        try (var socket = new java.net.Socket("127.0.0.1", site.port())) {
            socket.getOutputStream().write("GET /fault/stall HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            var in = socket.getInputStream();
            var seen = new StringBuilder();
            while (!seen.toString().contains("<body>")) {
                int b = in.read();
                assertTrue(b != -1, "ended before the stall: " + seen);
                seen.append((char) b);
            }
            assertTrue(seen.toString().startsWith("HTTP/1.1 200"), seen.toString());

            long start = System.nanoTime();
            site.close();
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "close waited for the stalled answer");
        }
    }
}
