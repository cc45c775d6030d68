package dev.poolkit.cli;

import dev.poolkit.Fields;
import dev.poolkit.JsonLines;
import dev.poolkit.ThreadPool;
import dev.poolkit.fixtures.TestRedis;
import dev.poolkit.fixtures.TestServer;
import dev.poolkit.fixtures.TestServer.Reply;
import dev.poolkit.http.Fetcher;
import dev.poolkit.http.Page;
import dev.poolkit.queue.Queue;
import dev.poolkit.queue.QueueUrl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --depth with --queue: a crawl shared by two workers (two in-process runs on one job on a real Redis). */
class QueueCrawlTest {
    private static TestRedis redis;

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.start(TestRedis.Options.plain());
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    record Run(int exitCode, String stderr) {}

    /** A worker that runs one item at a time, like the templates' default handler: fetch, offer the page's links. */
    @Command(name = "queue-crawl")
    static class Fetching implements Callable<Integer> {
        @Mixin
        Job job;

        @Override
        public Integer call() throws Exception {
            return job.run(ThreadPool.of(1, url -> {
                Page page = Fetcher.shared().get(url);
                return Fields.of("title", page.title(), "follow", Fields.follow(page::links));
            }));
        }
    }

    private static Run run(String... args) {
        var err = new StringWriter();
        CommandLine cli = Job.commandLine(new Fetching());
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), err.toString());
    }

    private static Reply html(String title, String... hrefs) {
        var body = new StringBuilder("<html><head><title>" + title + "</title></head><body>");
        for (String h : hrefs) body.append("<a href=\"").append(h).append("\">x</a>\n");
        return Reply.page(200, "text/html; charset=utf-8", body + "</body></html>");
    }

    /** Depth and parent of each record, by item; fails on an item recorded twice or a record with follow. */
    private static Map<String, String> byItem(List<Map<String, Object>> records) {
        Map<String, String> byItem = new LinkedHashMap<>();
        for (Map<String, Object> r : records) {
            assertFalse(r.containsKey("follow"), "follow is never written: " + r);
            assertEquals(List.of("item", "ok", "status", "error", "errorKind", "millis", "depth", "parent"),
                    new ArrayList<>(r.keySet()).subList(0, 8), "depth and parent after millis: " + r);
            String was = byItem.put((String) r.get("item"), r.get("depth") + " " + r.get("parent"));
            assertEquals(null, was, "recorded twice: " + r.get("item"));
        }
        return byItem;
    }

    private static String[] append(String[] args, String more) {
        String[] out = java.util.Arrays.copyOf(args, args.length + 1);
        out[args.length] = more;
        return out;
    }

    private static List<Map<String, Object>> exported(Queue q) {
        List<Map<String, Object>> out = new ArrayList<>();
        q.export(line -> out.add(JsonLines.parse(line, "export")));
        return out;
    }

    private static List<Map<String, Object>> read(Path file) throws Exception {
        try (var lines = JsonLines.read(file)) {
            return lines.toList();
        }
    }

    @Test
    void aCrawlSharedByTwoWorkersRecordsEachReachableInScopePageOnceWithItsDepthAndParent(@TempDir Path dir) throws Exception {
        String url = redis.url("queue-crawl");
        ExecutorService workers = Executors.newFixedThreadPool(2);
        try (var server = TestServer.start(); var q = Queue.open(QueueUrl.parse(url))) {
            q.drop();
            String root = server.url("/");
            String upper = "HTTP://127.0.0.1:" + server.port();
            // /a and /b answer only once both are asked for: each worker (one item at a time) holds one of them.
            var both = new CountDownLatch(2);
            TestServer.Route together = (n, exchange) -> {
                both.countDown();
                both.await(10, TimeUnit.SECONDS);
                String path = exchange.getRequestURI().getPath();
                return path.equals("/a") ? html("a", "/a/1", "a/2", "/", "/b", "#top") : html("b", "/b/1", "/a#again", upper + "/");
            };
            // As in CrawlTest: links go down a tree and back to ancestors and siblings only, so
            // depth and parent do not depend on which worker gets there first.
            server.route("/", html("root", "/a", "/b", "/a#x", upper + "/a", "/b/../a", "./a#", "mailto:x@y"))
                    .route("/a", together)
                    .route("/b", together)
                    .route("/a/1", html("a1", "/a/1/x", "/a/2", "/a", "http://other.invalid/elsewhere"))
                    .route("/a/2", html("a2", "/a/1"))
                    .route("/b/1", html("b1"))
                    .route("/a/1/x", html("a1x", "/a/1/x/deep"))
                    .route("/a/1/x/deep", html("too deep"));
            Path one = dir.resolve("one.jsonl"), two = dir.resolve("two.jsonl");

            // Both are given the root: the job takes it once.
            Future<Run> first = workers.submit(() -> run("-q", "--queue", url, "--depth", "3", "-o", one.toString(), root));
            Future<Run> second = workers.submit(() -> run("-q", "--queue", url, "--depth", "3", "-o", two.toString(), root));

            Run a = first.get(20, TimeUnit.SECONDS), b = second.get(20, TimeUnit.SECONDS);
            assertEquals(0, a.exitCode(), a.stderr());
            assertEquals(0, b.exitCode(), b.stderr());
            String a1 = server.url("/a/1"), pa = server.url("/a");
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put(root, "0 null");
            expected.put(pa, "1 " + root);
            expected.put(server.url("/b"), "1 " + root);
            expected.put(a1, "2 " + pa);
            expected.put(server.url("/a/2"), "2 " + pa);
            expected.put(server.url("/b/1"), "2 " + server.url("/b"));
            expected.put(server.url("/a/1/x"), "3 " + a1);
            assertEquals(expected, byItem(exported(q)), "the job's output");
            for (String path : List.of("/", "/a", "/b", "/a/1", "/a/2", "/b/1", "/a/1/x")) {
                assertEquals(1, server.requests(path).size(), "fetched once: " + path);
            }
            assertEquals(0, server.requests("/a/1/x/deep").size(), "depth 4 is past --depth 3");
            // Each worker did part of it; their local copies together are the job's output.
            Map<String, String> mine = byItem(read(one)), theirs = byItem(read(two));
            assertFalse(mine.isEmpty() || theirs.isEmpty(), "each worker did some: " + mine.keySet() + " / " + theirs.keySet());
            var union = new LinkedHashMap<>(mine);
            union.putAll(theirs);
            assertEquals(expected, union);
            assertEquals(expected.size(), mine.size() + theirs.size());
            assertTrue(q.status().over());
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void maxItemsCapsTheWholeSharedJobTheSameHostRuleHoldsAndAWorkerWithOtherCrawlOptionsIsAUsageError(@TempDir Path dir) throws Exception {
        String url = redis.url("queue-crawl-cap");
        try (var server = TestServer.start(); var q = Queue.open(QueueUrl.parse(url))) {
            q.drop();
            String root = server.url("/");
            server.route("/", html("root", "/1", "/2", "http://localhost:" + server.port() + "/other-host"))
                    .route("/1", html("1", "/3", "/4", "/5"))
                    .route("/2", html("2", "/6", "/7"));
            for (String p : List.of("/3", "/4", "/5", "/6", "/7")) server.route(p, html(p));
            String[] crawl = {"-q", "--queue", url, "--depth", "5", "--max-items", "4", root, "-o"};

            Run a = run(append(crawl, dir.resolve("a.jsonl").toString()));
            // A second worker on the finished job: the cap is the job's, it takes nothing more.
            Run b = run(append(crawl, dir.resolve("b.jsonl").toString()));

            assertEquals(0, a.exitCode(), a.stderr());
            assertEquals(0, b.exitCode(), b.stderr());
            Set<String> items = new HashSet<>(byItem(exported(q)).keySet());
            assertEquals(4, items.size(), items.toString());
            assertTrue(items.containsAll(Set.of(root, server.url("/1"), server.url("/2"))), items.toString());
            assertEquals(0, server.requests("/other-host").size(), "localhost is another host than 127.0.0.1");

            // Workers that crawl differently would leave the job half done: a usage error, before anything is pushed.
            Run other = run("-q", "--queue", url, "--depth", "5", "-o", dir.resolve("c.jsonl").toString(), server.url("/new"));
            assertEquals(2, other.exitCode(), other.stderr());
            assertEquals("queue-crawl: --queue " + url + ": the job's workers run with --depth 5 --max-items 4, this one with "
                    + "--depth 5 (give every worker of a job the same crawl options, or use another job name)", other.stderr().strip());
            Run plain = run("-q", "--queue", url, "-o", dir.resolve("d.jsonl").toString());
            assertEquals(2, plain.exitCode(), plain.stderr());
            assertTrue(plain.stderr().contains("this one with no --depth"), plain.stderr());
            assertEquals(4, exported(q).size(), "nothing more was taken");
            assertEquals(0, server.requests("/new").size());
            assertFalse(java.nio.file.Files.exists(dir.resolve("c.jsonl")), "a usage error opens no output");
        }
    }
}
