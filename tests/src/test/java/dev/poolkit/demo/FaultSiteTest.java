package dev.poolkit.demo;

import dev.poolkit.fixtures.SmallHeapFetch;
import dev.poolkit.http.FetchException;
import dev.poolkit.http.Fetcher;
import dev.poolkit.http.HttpStatusException;
import dev.poolkit.http.Page;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fetcher aimed at the demo site's fault routes: each one fails, or is handled, as it should. */
@Timeout(30)
@Isolated("times deadlines to within 1.5 s")
class FaultSiteTest {
    private static DemoSite site;
    private static Fetcher fetcher;

    @BeforeAll
    static void start() throws Exception {
        site = DemoSite.start(1, 0);
        fetcher = Fetcher.builder().retries(0).build(); // one attempt each: retries are FetcherLimitsTest's
    }

    @AfterAll
    static void stop() {
        fetcher.close();
        site.close();
    }

    private static FetchException failure(Fetcher f, String path) {
        return assertThrows(FetchException.class, () -> f.get(site.url() + path), path);
    }

    @Test
    void stalledBodyFailsWithinTheDeadlinePlusSlack() throws Exception {
        try (var impatient = Fetcher.builder().timeout(Duration.ofMillis(500)).retries(0).build()) {
            long start = System.nanoTime();
            var e = failure(impatient, "/fault/stall");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(FetchException.Kind.TIMEOUT, e.kind(), e.getMessage());
            assertEquals("timed out after 500 ms: 127.0.0.1:" + site.port(), e.getMessage());
            assertTrue(millis >= 500 && millis < 500 + 1500, "failed after " + millis + " ms");
            assertEquals("Demo page 1", impatient.get(site.url() + "/page/1").title(), "the aborted connection is not reused");
        }
    }

    @Test
    void slowDripFailsAtTheDeadlineThoughBytesKeepComing() throws Exception {
        try (var impatient = Fetcher.builder().timeout(Duration.ofMillis(600)).retries(0).build()) {
            long start = System.nanoTime();
            var e = failure(impatient, "/fault/drip/200");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(FetchException.Kind.TIMEOUT, e.kind(), e.getMessage());
            assertTrue(millis < 600 + 1500, "failed after " + millis + " ms, not when the drip ended (2 s)");
        }
    }

    @Test
    void fastDripArrivesWhole() throws Exception {
        Page page = fetcher.get(site.url() + "/fault/drip/10");
        assertEquals("Drip", page.title());
        assertTrue(page.text().endsWith("</html>\n"), page.text());
    }

    @Test
    void hugeBodyIsRefusedAsTooLarge() throws Exception {
        try (var small = Fetcher.builder().maxBytes(100_000).build()) {
            var e = failure(small, "/fault/huge/50");
            assertEquals(FetchException.Kind.TOO_LARGE, e.kind());
            assertEquals("body too large: over 100000 bytes (maxBytes) from 127.0.0.1:" + site.port(), e.getMessage());
            assertEquals("Demo page 1", small.get(site.url() + "/page/1").title(), "the abandoned connection is not reused");
        }
    }

    @Test
    void hugeBodyIsRefusedUnderASmallHeap() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), SmallHeapFetch.class.getName(), site.url() + "/fault/huge/256")
                .redirectErrorStream(true).start();
        assertTrue(child.waitFor(20, TimeUnit.SECONDS), "the child did not finish");
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, child.exitValue(), output);
        assertEquals("too-large: body too large: over 10485760 bytes (maxBytes) from 127.0.0.1:" + site.port(), output);
    }

    @Test
    void gzipBombIsCappedOnItsDecodedSize() throws Exception {
        try (var small = Fetcher.builder().maxBytes(1024 * 1024).build()) {
            var e = failure(small, "/fault/gzip-bomb/20");
            assertEquals(FetchException.Kind.TOO_LARGE, e.kind());
            assertEquals("body too large: over 1048576 bytes once decompressed (maxBytes) from 127.0.0.1:" + site.port(), e.getMessage());
        }
    }

    @Test
    void gzipAndDeflatePagesAreDecoded() throws Exception {
        for (String coding : List.of("gzip", "deflate")) {
            Page page = fetcher.get(site.url() + "/fault/" + coding);
            assertEquals("Compressed caf\u00e9", page.title(), coding);
            assertEquals(coding, page.header("Content-Encoding").orElseThrow());
            assertTrue(page.text().contains("Content-Encoding: " + coding), "the body is the decoded one");
        }
    }

    @Test
    void latin1PageIsDecodedByItsMetaCharset() throws Exception {
        Page page = fetcher.get(site.url() + "/fault/latin1");
        assertEquals("text/html", page.header("Content-Type").orElseThrow(), "no charset in the header");
        assertEquals("Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e", page.title());
    }

    @Test
    void redirectChainEndsAtItsFinalUrl() throws Exception {
        Page page = fetcher.get(site.url() + "/fault/redirect/5");
        assertEquals(site.url() + "/fault/redirect/5", page.url());
        assertEquals(site.url() + "/fault/redirect/0", page.finalUrl());
        assertEquals("End of the redirects", page.title());
    }

    @Test
    void redirectLoopIsDetected() {
        var e = failure(fetcher, "/fault/redirect-loop");
        assertEquals(FetchException.Kind.REDIRECT_LOOP, e.kind());
        assertEquals("redirect loop: back to " + site.url() + "/fault/redirect-loop after 2 redirects", e.getMessage());
    }

    @Test
    void redirectsBeyondTheLimitFail() throws Exception {
        try (var strict = Fetcher.builder().maxRedirects(3).build()) {
            var e = failure(strict, "/fault/redirect/4");
            assertEquals(FetchException.Kind.TOO_MANY_REDIRECTS, e.kind());
            assertTrue(e.getMessage().startsWith("too many redirects: more than 3"), e.getMessage());
            assertEquals("End of the redirects", strict.get(site.url() + "/fault/redirect/3").title(), "3 are fine");
        }
    }

    @Test
    void noRedirectsReturnsTheRedirectItself() throws Exception {
        try (var literal = Fetcher.builder().maxRedirects(0).build()) {
            Page page = literal.get(site.url() + "/fault/redirect/2");
            assertEquals(302, page.status());
            assertEquals(site.url() + "/fault/redirect/1", page.header("Location").orElseThrow());
            assertEquals(site.url() + "/fault/redirect/2", page.finalUrl());
        }
    }

    @Test
    void connectionResetIsReportedAsReset() {
        var e = failure(fetcher, "/fault/reset");
        assertEquals(FetchException.Kind.RESET, e.kind(), e.getMessage());
        assertTrue(e.getMessage().startsWith("connection "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void retryAfterIsInTheStatusExceptionsHeaders() {
        var e = assertThrows(HttpStatusException.class, () -> fetcher.get(site.url() + "/fault/retry-after/7"));
        assertEquals(429, e.status());
        assertEquals("7", e.header("retry-after").orElseThrow());
    }
}
