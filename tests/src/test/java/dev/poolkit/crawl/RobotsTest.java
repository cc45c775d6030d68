package dev.poolkit.crawl;

import dev.poolkit.crawl.Robots.Answer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Robots on rules texts handed in by a fake fetch that counts what it was asked. */
class RobotsTest {
    private final Map<String, Integer> fetched = new ConcurrentHashMap<>();

    private Robots robots(Map<String, Answer> answers) {
        return Robots.builder(url -> {
            fetched.merge(url, 1, Integer::sum);
            return answers.getOrDefault(url, Answer.status(404));
        }).build();
    }

    private Robots robots(String rules) {
        return robots(Map.of("http://site.test/robots.txt", Answer.ok(rules.getBytes(StandardCharsets.UTF_8), "text/plain")));
    }

    @Test
    void disallowedPathsAreDisallowedAndTheRestAllowed() {
        Robots r = robots("""
                User-agent: *
                Disallow: /private/
                Disallow: /*.pdf$
                """);
        assertFalse(r.allowed("http://site.test/private/x"));
        assertFalse(r.allowed("HTTP://SITE.test:80/private/x#frag"), "judged on the canonical URL");
        assertFalse(r.allowed("http://site.test/docs/a.pdf"));
        assertTrue(r.allowed("http://site.test/docs/a.pdf?page=2"));
        assertTrue(r.allowed("http://site.test/public"));
        assertTrue(r.allowed("http://site.test/"));
        assertTrue(r.allowed("http://site.test/robots.txt"));
    }

    @Test
    void theLongestMatchWinsAndAllowWinsATie() {
        Robots r = robots("""
                User-agent: *
                Disallow: /shop/
                Allow: /shop/public/
                Allow: /page
                Disallow: /page
                """);
        assertFalse(r.allowed("http://site.test/shop/cart"));
        assertTrue(r.allowed("http://site.test/shop/public/item"), "the longer Allow wins");
        assertTrue(r.allowed("http://site.test/page"), "Allow wins a tie of equal length");
    }

    @Test
    void theGroupNamingTheAgentWinsOverTheStar() {
        Robots r = robots("""
                User-agent: *
                Disallow: /

                User-agent: poolkit
                Disallow: /no-poolkit/
                Crawl-delay: 2
                """);
        assertTrue(r.allowed("http://site.test/anything"));
        assertFalse(r.allowed("http://site.test/no-poolkit/x"));
        assertEquals(Optional.of(Duration.ofSeconds(2)), r.crawlDelay("http://site.test/"));
    }

    @Test
    void crawlDelayIsReadInSecondsAndAbsentWhenUnset() {
        assertEquals(Optional.of(Duration.ofMillis(1500)), robots("User-agent: *\nCrawl-delay: 1.5\n").crawlDelay("http://site.test/x"));
        assertEquals(Optional.empty(), robots("User-agent: *\nDisallow: /x\n").crawlDelay("http://site.test/x"));
        assertEquals(Optional.empty(), robots("").crawlDelay("not a url"));
    }

    @Test
    void aMissingRobotsTxtAllowsEverything() {
        Robots r = robots(Map.of());
        assertTrue(r.allowed("http://site.test/private/x"));
        for (int status : new int[]{401, 403, 404, 410, 301}) {
            assertTrue(robots(Map.of("http://site.test/robots.txt", Answer.status(status))).allowed("http://site.test/a"), "status " + status);
        }
    }

    @Test
    void aServerErrorOrNoAnswerDisallowsEverythingForNow() {
        for (Answer a : List.of(Answer.status(500), Answer.status(503), Answer.status(429), Answer.failed())) {
            assertFalse(robots(Map.of("http://site.test/robots.txt", a)).allowed("http://site.test/a"), "status " + a.status());
        }
    }

    @Test
    void eachSiteIsFetchedOnceAndASiteIsSchemeHostAndPort() {
        Robots r = robots("User-agent: *\nDisallow: /x\n");
        for (int i = 0; i < 5; i++) {
            r.allowed("http://site.test/x" + i);
            r.crawlDelay("http://site.test/");
        }
        r.allowed("https://site.test/x");
        r.allowed("http://site.test:8080/x");
        r.allowed("http://other.test/x");
        assertEquals(Map.of("http://site.test/robots.txt", 1, "https://site.test/robots.txt", 1,
                "http://site.test:8080/robots.txt", 1, "http://other.test/robots.txt", 1), fetched);
        assertTrue(r.allowed("job 7"), "an item that is not a URL is not robots' business");
    }

    @Test
    void threadsAskingAboutOneSiteAtOnceFetchItOnce() throws Exception {
        var inFetch = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var calls = new AtomicInteger();
        Robots r = Robots.builder(url -> {
            calls.incrementAndGet();
            inFetch.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Answer.ok("User-agent: *\nDisallow: /x\n".getBytes(StandardCharsets.UTF_8), null);
        }).build();
        List<Thread> threads = new ArrayList<>();
        List<Boolean> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 4; i++) threads.add(Thread.ofPlatform().name("ask-", i).start(() -> answers.add(r.allowed("http://site.test/x"))));
        inFetch.await();
        release.countDown();
        for (Thread t : threads) t.join();
        assertEquals(1, calls.get());
        assertEquals(List.of(false, false, false, false), answers);
    }

    @Test
    void leastRecentlyUsedSitesAreDroppedPastTheCap() {
        Robots r = Robots.builder(url -> {
            fetched.merge(url, 1, Integer::sum);
            return Answer.status(404);
        }).maxSites(2).build();
        r.allowed("http://a.test/");
        r.allowed("http://b.test/");
        r.allowed("http://a.test/");
        r.allowed("http://c.test/");   // drops b, the least recently used
        r.allowed("http://a.test/");
        r.allowed("http://b.test/");
        assertEquals(Map.of("http://a.test/robots.txt", 1, "http://b.test/robots.txt", 2, "http://c.test/robots.txt", 1), fetched);
    }
}
