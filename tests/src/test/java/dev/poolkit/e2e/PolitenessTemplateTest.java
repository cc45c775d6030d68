package dev.poolkit.e2e;

import dev.poolkit.JsonLines;
import dev.poolkit.fixtures.TestServer;
import dev.poolkit.fixtures.TestServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** robots.txt, Crawl-delay and a sitemap as a user meets them, across worker processes. */
@Isolated("measures the gaps between requests of two worker processes")
class PolitenessTemplateTest {
    @Test
    void processesTemplateSeededByASitemapObeysRobotsTxtAndKeepsItsCrawlDelayAcrossItsWorkers() throws Exception {
        try (var server = TestServer.start()) {
            server.route("/robots.txt", Reply.page(200, "text/plain", "User-agent: *\nDisallow: /private/\nCrawl-delay: 0.3\n"));
            var urls = new ArrayList<String>();
            for (int i = 0; i < 5; i++) {
                server.route("/page/" + i, Reply.ok());
                urls.add(server.url("/page/" + i));
            }
            urls.add(server.url("/private/x"));
            server.route("/private/x", Reply.ok());
            server.route("/sitemap.xml", Reply.page(200, "application/xml", "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                    + urls.stream().map(u -> "<url><loc>" + u + "</loc></url>").collect(Collectors.joining()) + "</urlset>"));

            Command run = Command.jbang(Command.ROOT, null, Command.template("processes"), "-q", "-p", "2", "--sitemap", server.url("/sitemap.xml"));

            assertEquals(1, run.exitCode(), run::toString);
            assertEquals(List.of(), run.errorLines(), "nothing on stderr, no SLF4J warning either");
            Map<String, Object> kinds = run.stdout().lines().map(l -> JsonLines.parse(l, "stdout"))
                    .collect(Collectors.toMap(r -> (String) r.get("item"), r -> String.valueOf(r.get("errorKind"))));
            assertEquals(6, kinds.size(), run::toString);
            assertEquals("robots", kinds.get(server.url("/private/x")), run::toString);
            assertEquals(0, server.requests("/private/x").size());
            // Once per JVM: the parent (for the sitemap) and each worker that fetched a page.
            assertTrue(server.requests("/robots.txt").size() <= 3, server.requests("/robots.txt").toString());
            List<Long> pages = new ArrayList<>();
            for (int i = 0; i < 5; i++) pages.addAll(server.arrivals("/page/" + i));
            pages.sort(null);
            assertEquals(5, pages.size());
            // The parent spaces the grants 300 ms apart; a grant then crosses a pipe to a worker,
            // which a loaded machine may delay by a 100 ms or more. Without the shared gap the two
            // workers would send at the same moment (gaps near 0).
            for (int i = 1; i < pages.size(); i++) {
                long gap = (pages.get(i) - pages.get(i - 1)) / 1_000_000;
                assertTrue(gap >= 100, "pages " + (i - 1) + " and " + i + " came " + gap + " ms apart from 2 workers, with a 300 ms Crawl-delay");
            }
            long span = (pages.getLast() - pages.getFirst()) / 1_000_000;
            assertTrue(span >= 4 * 300 - 150, "5 pages within " + span + " ms, with a 300 ms Crawl-delay");
        }
    }
}
