package dev.poolkit.cli;

import dev.poolkit.Fields;
import dev.poolkit.JsonLines;
import dev.poolkit.ThreadPool;
import dev.poolkit.fixtures.TestServer;
import dev.poolkit.fixtures.TestServer.Reply;
import dev.poolkit.http.Fetcher;
import dev.poolkit.http.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Following links through the shared command line, in-process: --depth and the scope options. */
class CrawlTest {

    record Run(int exitCode, String stderr) {}

    private static Run run(Object command, String... args) {
        var err = new StringWriter();
        CommandLine cli = Job.commandLine(command);
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), err.toString());
    }

    /** Like the templates' default handler: fetch, offer the page's links. */
    @Command(name = "crawl-job")
    static class Fetching implements Callable<Integer> {
        @Mixin
        Job job;

        @Override
        public Integer call() throws Exception {
            return job.run(ThreadPool.of(4, url -> {
                Page page = Fetcher.shared().get(url);
                return Fields.of("title", page.title(), "follow", Fields.follow(page::links));
            }));
        }
    }

    private static Reply html(String title, String... hrefs) {
        var body = new StringBuilder("<html><head><title>" + title + "</title></head><body>");
        for (String h : hrefs) body.append("<a href=\"").append(h).append("\">x</a>\n");
        return Reply.page(200, "text/html; charset=utf-8", body + "</body></html>");
    }

    /** Depth and parent of each record, by item; fails on an item recorded twice. */
    static Map<String, String> crawled(Path out) throws Exception {
        Map<String, String> byItem = new LinkedHashMap<>();
        try (var lines = JsonLines.read(out)) {
            for (Map<String, Object> r : (Iterable<Map<String, Object>>) lines::iterator) {
                assertFalse(r.containsKey("follow"), "follow is never written: " + r);
                String was = byItem.put((String) r.get("item"), r.get("depth") + " " + r.get("parent"));
                assertEquals(null, was, "recorded twice: " + r.get("item"));
            }
        }
        return byItem;
    }

    @Test
    void crawlOfAKnownSiteGivesEachReachableInScopePageOnceWithItsDepthAndParent(@TempDir Path dir) throws Exception {
        try (var server = TestServer.start()) {
            String root = server.url("/");
            String upper = "HTTP://127.0.0.1:" + server.port();
            // Links go down a tree, and back to ancestors and siblings only (cycles), so that depth
            // and parent do not depend on which thread gets there first. Every spelling of /a is one page.
            server.route("/", html("root", "/a", "/b", "/a#x", upper + "/a", "/b/../a", "./a#", "mailto:x@y"))
                    .route("/a", html("a", "/a/1", "a/2", "/", "/b", "#top"))
                    .route("/b", html("b", "/b/1", "/a#again", upper + "/"))
                    .route("/a/1", html("a1", "/a/1/x", "/a/2", "/a", "http://other.invalid/elsewhere"))
                    .route("/a/2", html("a2", "/a/1"))
                    .route("/b/1", html("b1"))
                    .route("/a/1/x", html("a1x", "/a/1/x/deep"))
                    .route("/a/1/x/deep", html("too deep"));
            Path out = dir.resolve("out.jsonl");

            Run run = run(new Fetching(), "-q", "-o", out.toString(), "--depth", "3", root);

            assertEquals(0, run.exitCode(), run.stderr());
            String a = server.url("/a"), a1 = server.url("/a/1");
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put(root, "0 null");
            expected.put(a, "1 " + root);
            expected.put(server.url("/b"), "1 " + root);
            expected.put(a1, "2 " + a);
            expected.put(server.url("/a/2"), "2 " + a);
            expected.put(server.url("/b/1"), "2 " + server.url("/b"));
            expected.put(server.url("/a/1/x"), "3 " + a1);
            assertEquals(expected, crawled(out));
            for (String path : List.of("/", "/a", "/b", "/a/1", "/a/2", "/b/1", "/a/1/x")) {
                assertEquals(1, server.requests(path).size(), "fetched once: " + path);
            }
            assertEquals(0, server.requests("/a/1/x/deep").size(), "depth 4 is past --depth 3");
            // The journal is kept, next to the output: each found page, once, with its depth and parent.
            List<String> journal = Files.readAllLines(dir.resolve("out.jsonl.frontier"));
            assertEquals(expected.size() - 1, journal.size(), String.join("\n", journal));
            assertTrue(journal.contains("{\"item\":\"" + a1 + "\",\"depth\":2,\"parent\":\"" + a + "\"}"), String.join("\n", journal));
        }
    }

    @Test
    void resumingAFinishedCrawlDoesNothingAndRetryFailedRedoesAFailedFoundPageAndFollowsItsLinks(@TempDir Path dir) throws Exception {
        try (var server = TestServer.start()) {
            String root = server.url("/");
            server.route("/", html("root", "/a", "/b"))
                    .route("/a", html("a"))
                    // Fails the first time; then a page with a link of its own.
                    .route("/b", (n, exchange) -> n == 1 ? Reply.status(500) : html("b", "/b/1"))
                    .route("/b/1", html("b1"));
            Path out = dir.resolve("out.jsonl");
            String[] crawl = {"-q", "-o", out.toString(), "--depth", "2", "--retries", "0", root};

            Run first = run(new Fetching(), crawl);
            assertEquals(1, first.exitCode(), first.stderr());
            assertEquals(Set.of(root, server.url("/a"), server.url("/b")), crawled(out).keySet());

            Run again = run(new Fetching(), append(crawl, "--resume"));
            assertEquals(0, again.exitCode(), again.stderr());
            assertEquals(3, crawled(out).size(), "a finished crawl's resume has nothing to do");
            assertEquals(1, server.requests("/").size());

            Run retry = run(new Fetching(), append(crawl, "--retry-failed"));
            assertEquals(0, retry.exitCode(), retry.stderr());
            Map<String, String> got = crawled(out);
            assertEquals(Map.of(root, "0 null", server.url("/a"), "1 " + root, server.url("/b"), "1 " + root,
                    server.url("/b/1"), "2 " + server.url("/b")), got);
            assertEquals(2, server.requests("/b").size());
            assertEquals(1, server.requests("/a").size(), "only the failed page is fetched again");
        }
    }

    private static String[] append(String[] args, String more) {
        String[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = more;
        return all;
    }

    /** Who links to whom, without a network: the handler offers the links of its item. */
    static final Map<String, List<String>> GRAPH = Map.of(
            "http://h/", List.of("http://h/a", "http://h/b", "http://other/x"),
            "http://h/a", List.of("http://h/a/1", "http://h/b", "http://h/#frag", "HTTP://H:80/a", "http://h/a/./1", "/a/2"),
            "http://h/b", List.of("http://h/b/1", "http://h/"),
            "http://h/a/1", List.of("http://h/deep"),
            "http://h/deep", List.of("http://h/x/../deeper"),
            "http://other/x", List.of("http://other/y"));

    static final List<String> HANDLED = java.util.Collections.synchronizedList(new ArrayList<>());

    /** One thread: items are done in the order they are handed out (breadth first). */
    @Command(name = "graph-job")
    static class Graph implements Callable<Integer> {
        @Mixin
        Job job;

        @Override
        public Integer call() throws Exception {
            return job.run(ThreadPool.of(1, item -> {
                HANDLED.add(item);
                return Fields.of("n", 1, "follow", GRAPH.getOrDefault(item, List.of()));
            }));
        }
    }

    private static Map<String, String> graph(Path dir, String... options) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".jsonl");
        var args = new ArrayList<>(List.of("-q", "--overwrite", "-o", out.toString()));
        args.addAll(Arrays.asList(options));
        args.add("http://h/");
        Run run = run(new Graph(), args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.stderr());
        return crawled(out);
    }

    @Test
    void depthCutsExactlyThePagesFartherThanItFromTheGivenItems(@TempDir Path dir) throws Exception {
        assertEquals(Map.of("http://h/", "0 null", "http://h/a", "1 http://h/", "http://h/b", "1 http://h/"),
                graph(dir, "--depth", "1"));
        Map<String, String> two = graph(dir, "--depth", "2");
        assertEquals(Set.of("http://h/", "http://h/a", "http://h/b", "http://h/a/1", "http://h/a/2", "http://h/b/1"), two.keySet());
        assertEquals("2 http://h/a", two.get("http://h/a/2"), "a relative link is resolved against its page");
        assertEquals(Set.of("http://h/", "http://h/a", "http://h/b", "http://h/a/1", "http://h/a/2", "http://h/b/1", "http://h/deep",
                "http://h/deeper"), graph(dir, "--depth", "9").keySet());
    }

    @Test
    void canonicalisationMergesFragmentsCaseDefaultPortsAndDotSegments(@TempDir Path dir) throws Exception {
        HANDLED.clear();
        Map<String, String> got = graph(dir, "--depth", "9");
        // /a links to /#frag, HTTP://H:80/a and /a/./1: the pages it already has.
        assertEquals(got.size(), HANDLED.size(), "each page handled once: " + HANDLED);
        assertEquals(Set.copyOf(HANDLED), got.keySet());
    }

    @Test
    void sameHostIsTheDefaultAndNoSameHostFollowsOtherHosts(@TempDir Path dir) throws Exception {
        assertFalse(graph(dir, "--depth", "2").containsKey("http://other/x"));
        Map<String, String> any = graph(dir, "--depth", "2", "--no-same-host");
        assertEquals("1 http://h/", any.get("http://other/x"));
        assertEquals("2 http://other/x", any.get("http://other/y"));
        assertEquals(8, any.size(), any.toString());
    }

    @Test
    void allowAndDenyCutExactlyWhatTheyMatchButNeverAGivenItem(@TempDir Path dir) throws Exception {
        assertEquals(Set.of("http://h/", "http://h/a", "http://h/a/1", "http://h/a/2"),
                graph(dir, "--depth", "9", "--allow", "^http://h/a").keySet());
        assertEquals(Set.of("http://h/", "http://h/a", "http://h/a/1", "http://h/a/2", "http://h/b"),
                graph(dir, "--depth", "9", "--allow", "/a", "--allow", "/b$").keySet());
        assertEquals(Set.of("http://h/", "http://h/a", "http://h/a/2", "http://h/b", "http://h/b/1"),
                graph(dir, "--depth", "9", "--deny", "/a/1").keySet());
        assertEquals(Set.of("http://h/", "http://h/a", "http://h/a/2"),
                graph(dir, "--depth", "9", "--allow", "/a", "--deny", "/1").keySet());
    }

    @Test
    void maxItemsTakesExactlyThatManyItemsBreadthFirst(@TempDir Path dir) throws Exception {
        assertEquals(Set.of("http://h/", "http://h/a", "http://h/b", "http://h/a/1"),
                graph(dir, "--depth", "9", "--max-items", "4").keySet());
        assertEquals(Set.of("http://h/"), graph(dir, "--depth", "9", "--max-items", "1").keySet());
    }

    @Test
    void badCrawlOptionsAreOneLineUsageErrors() {
        for (String[] args : List.of(
                new String[]{"--depth", "-1", "http://h/"},
                new String[]{"--depth", "1", "--allow", "(", "http://h/"},
                new String[]{"--depth", "1", "--deny", "[a", "http://h/"},
                new String[]{"--depth", "1", "--max-items", "-3", "http://h/"},
                new String[]{"--max-items", "3", "http://h/"},
                new String[]{"--no-same-host", "http://h/"},
                new String[]{"--depth", "x", "http://h/"})) {
            HANDLED.clear();
            Run run = run(new Graph(), args);
            assertEquals(2, run.exitCode(), String.join(" ", args) + ": " + run.stderr());
            assertEquals(1, run.stderr().strip().lines().count(), run.stderr());
            assertTrue(HANDLED.isEmpty(), "nothing ran");
        }
        assertTrue(run(new Graph(), "--max-items", "3", "http://h/").stderr().contains("--max-items applies to following links: add --depth N"));
        assertTrue(run(new Graph(), "--depth", "1", "--allow", "(", "http://h/").stderr().contains("--allow (: not a regular expression"));
    }

    static final AtomicInteger LINKS_ASKED = new AtomicInteger();

    /** A handler that counts how often its links are computed. */
    @Command(name = "lazy-job")
    static class Lazy implements Callable<Integer> {
        @Mixin
        Job job;

        @Override
        public Integer call() throws Exception {
            return job.run(ThreadPool.of(2, item -> Fields.of("n", 1, "follow", Fields.follow(() -> {
                LINKS_ASKED.incrementAndGet();
                return List.of();
            }))));
        }
    }

    @Test
    void withoutDepthTheLinksOfferedAreNeverComputedNorWritten(@TempDir Path dir) throws Exception {
        LINKS_ASKED.set(0);
        Path out = dir.resolve("plain.jsonl");

        Run plain = run(new Lazy(), "-q", "-o", out.toString(), "http://h/1", "http://h/2", "http://h/3");

        assertEquals(0, plain.exitCode(), plain.stderr());
        assertEquals(0, LINKS_ASKED.get(), "a plain run never computes what to follow");
        try (var lines = JsonLines.read(out)) {
            for (Map<String, Object> r : (Iterable<Map<String, Object>>) lines::iterator) {
                assertEquals(List.of("item", "ok", "status", "error", "errorKind", "millis", "n"), List.copyOf(r.keySet()),
                        "a plain run's record is as it always was");
            }
        }

        Run crawl = run(new Lazy(), "-q", "-o", dir.resolve("crawl.jsonl").toString(), "--depth", "1",
                "http://h/1", "http://h/2", "http://h/3");
        assertEquals(0, crawl.exitCode(), crawl.stderr());
        assertEquals(3, LINKS_ASKED.get(), "a crawl computes them once per item");
    }
}
