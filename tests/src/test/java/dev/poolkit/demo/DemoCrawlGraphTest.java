package dev.poolkit.demo;

import dev.poolkit.crawl.Robots;
import dev.poolkit.crawl.Sitemaps;
import dev.poolkit.http.FetchException;
import dev.poolkit.http.Fetcher;
import dev.poolkit.http.HttpStatusException;
import dev.poolkit.http.Page;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo site's crawlable part: the tree under /site/, robots.txt, the sitemaps, the busy route. */
@Timeout(20)
class DemoCrawlGraphTest {
    private static DemoSite site;
    private static Fetcher fetcher;

    @BeforeAll
    static void start() throws Exception {
        site = DemoSite.start(5, 0);
        fetcher = Fetcher.builder().retries(0).robots(true).build();
    }

    @AfterAll
    static void stop() {
        fetcher.close();
        site.close();
    }

    @Test
    void aBreadthFirstWalkFromTheFrontPageReachesEachTreePageAtItsLevelAndRobotsKeepsOutThePrivatePart() throws Exception {
        Map<String, Integer> depthOf = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        var queue = new ArrayDeque<String>(List.of(site.frontPage()));
        depthOf.put(site.frontPage(), 0);
        while (!queue.isEmpty()) {
            String url = queue.poll();
            Page page;
            try {
                page = fetcher.get(url);
            } catch (FetchException e) {
                failed.put(url, e.errorKind() + (e instanceof HttpStatusException h ? " " + h.status() : ""));
                continue;
            }
            for (String link : page.links()) {
                if (!link.startsWith(site.url() + "/")) continue; // the same host only
                if (depthOf.putIfAbsent(link, depthOf.get(url) + 1) == null) queue.add(link);
            }
        }
        assertEquals(Map.of(site.url() + "/site/private/", "robots", site.url() + "/site/missing", "http 404"), failed);
        List<String> fetched = depthOf.keySet().stream().filter(u -> !failed.containsKey(u)).toList();
        assertEquals(site.crawlPages(DemoSite.LEVELS), fetched, "each tree page, level by level, once");
        assertEquals(121, fetched.size());
        for (String page : fetched) {
            int level = page.substring(site.frontPage().length()).isEmpty() ? 0 : page.substring(site.frontPage().length()).split("/").length;
            assertEquals(level, depthOf.get(page), page);
        }
        assertEquals(40, site.crawlPages(3).size(), "what --depth 3 fetches: 1 + 3 + 9 + 27");
    }

    @Test
    void robotsTxtDisallowsThePrivatePartOnlyAndItsPagesExist() throws Exception {
        Page robotsTxt = fetcher.get(site.url() + "/robots.txt");
        var robots = Robots.builder(url -> Robots.Answer.ok(robotsTxt.body(), "text/plain")).build();
        assertFalse(robots.allowed(site.url() + "/site/private/1"));
        assertTrue(robots.allowed(site.frontPage()));
        assertTrue(robots.allowed(site.url() + "/page/1"));
        assertTrue(robotsTxt.text().contains("Sitemap: " + site.url() + "/sitemap.xml"), robotsTxt.text());
        try (var ignoring = Fetcher.builder().build()) {
            assertEquals("Private 1", ignoring.get(site.url() + "/site/private/1").title());
        }
    }

    @Test
    void theSitemapIndexListsThePagesAndTheTreeButNotThePrivatePart() throws Exception {
        var sitemaps = Sitemaps.of(url -> {
            try {
                Page p = fetcher.get(url);
                return new Robots.Answer(p.status(), p.body(), p.header("content-type").orElse(null));
            } catch (Exception e) {
                return Robots.Answer.failed(e.getMessage());
            }
        });
        var listed = new ArrayList<String>();
        var problems = new ArrayList<String>();
        sitemaps.urls(site.url() + "/sitemap.xml", problems::add).forEachRemaining(listed::add);
        var expected = new ArrayList<>(site.pageUrls());
        expected.addAll(site.crawlPages(DemoSite.LEVELS));
        assertEquals(expected, listed);
        assertEquals(List.of(), problems);
    }

    @Test
    void theBusyRouteAnswers429ToMoreThanItsRoomAtOnce() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        try (var plain = Fetcher.builder().retries(0).build(); var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                futures.add(threads.submit((Callable<Integer>) () -> {
                    try {
                        return plain.get(site.url() + "/fault/busy/2/x").status();
                    } catch (HttpStatusException e) {
                        return e.status();
                    }
                }));
            }
            for (var f : futures) statuses.add(f.get());
        }
        assertTrue(statuses.contains(200) && statuses.contains(429), statuses.toString());
        assertEquals(20, statuses.stream().filter(s -> s == 200 || s == 429).count(), statuses.toString());
    }
}
