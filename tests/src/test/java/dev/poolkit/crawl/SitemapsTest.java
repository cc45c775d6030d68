package dev.poolkit.crawl;

import dev.poolkit.crawl.Robots.Answer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Sitemaps on texts handed in by a fake fetch that records what it was asked, and when. */
class SitemapsTest {
    private final Map<String, Answer> answers = new HashMap<>();
    private final List<String> fetched = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Sitemaps sitemaps = Sitemaps.of(url -> {
        fetched.add(url);
        return answers.getOrDefault(url, Answer.status(404));
    });

    private void serve(String url, String xml) {
        answers.put(url, Answer.ok(xml.getBytes(StandardCharsets.UTF_8), "application/xml"));
    }

    private static String urlset(String... urls) {
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for (String u : urls) xml.append("<url><loc>").append(u).append("</loc></url>\n");
        return xml.append("</urlset>").toString();
    }

    private static String index(String... sitemaps) {
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for (String s : sitemaps) xml.append("<sitemap><loc>").append(s).append("</loc></sitemap>\n");
        return xml.append("</sitemapindex>").toString();
    }

    private static List<String> list(Iterator<String> it) {
        var all = new ArrayList<String>();
        it.forEachRemaining(all::add);
        return all;
    }

    @Test
    void aSitemapGivesItsPagesInOrderEvenOutsideItsFolder() throws Exception {
        serve("http://s.test/maps/sitemap.xml", urlset("http://s.test/a", "http://s.test/maps/b", "http://other.test/c"));
        assertEquals(List.of("http://s.test/a", "http://s.test/maps/b", "http://other.test/c"),
                list(sitemaps.urls("http://s.test/maps/sitemap.xml", problems::add)));
        assertEquals(List.of(), problems);
    }

    @Test
    void anIndexGivesThePagesOfItsSitemapsFetchedOneAtATimeAndSkipsOneThatFailsWithALine() throws Exception {
        serve("http://s.test/sitemap.xml", index("http://s.test/one.xml", "http://s.test/gone.xml", "http://s.test/two.xml", "http://s.test/one.xml"));
        serve("http://s.test/one.xml", urlset("http://s.test/1a", "http://s.test/1b"));
        serve("http://s.test/two.xml", "http://s.test/2a\nhttp://s.test/2b\n"); // a plain text sitemap
        answers.put("http://s.test/two.xml", Answer.ok("http://s.test/2a\nhttp://s.test/2b\n".getBytes(StandardCharsets.UTF_8), "text/plain"));

        Iterator<String> pages = sitemaps.urls("http://s.test/sitemap.xml", problems::add);
        assertEquals(List.of("http://s.test/sitemap.xml"), fetched, "the index at once, its sitemaps when their turn comes");
        assertEquals("http://s.test/1a", pages.next());
        assertEquals(List.of("http://s.test/sitemap.xml", "http://s.test/one.xml"), fetched);

        assertEquals(List.of("http://s.test/1b", "http://s.test/2a", "http://s.test/2b"), list(pages));
        assertEquals(List.of("sitemap http://s.test/gone.xml: HTTP 404; skipped"), problems);
        assertEquals(4, fetched.size(), "a sitemap listed twice is read once: " + fetched);
    }

    @Test
    void aGivenSitemapThatCannotBeFetchedOrReadIsAnExceptionNamingIt() {
        answers.put("http://s.test/down.xml", new Answer(-1, null, null, "connection refused: s.test:80"));
        answers.put("http://s.test/junk.xml", Answer.ok("<html>not a sitemap</html>".getBytes(StandardCharsets.UTF_8), "application/xml"));

        var missing = assertThrows(SitemapException.class, () -> sitemaps.urls("http://s.test/missing.xml", problems::add));
        assertEquals("sitemap http://s.test/missing.xml: HTTP 404", missing.getMessage());
        var down = assertThrows(SitemapException.class, () -> sitemaps.urls("http://s.test/down.xml", problems::add));
        assertEquals("sitemap http://s.test/down.xml: connection refused: s.test:80", down.getMessage());
        var junk = assertThrows(SitemapException.class, () -> sitemaps.urls("http://s.test/junk.xml", problems::add));
        assertEquals("http://s.test/junk.xml", junk.url());
        assertEquals(true, junk.getMessage().startsWith("sitemap http://s.test/junk.xml: cannot be read as a sitemap"), junk.getMessage());
    }
}
