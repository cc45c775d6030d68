package dev.poolkit.e2e;

import dev.poolkit.JsonLines;
import dev.poolkit.fixtures.TestServer;
import dev.poolkit.fixtures.TestServer.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The templates following links for real: a crawl killed with {@code kill -9} halfway and run again
 * with {@code --resume} ends with every reachable page once, in each template; and the default
 * handler parses no page unless it follows links.
 */
@Order(Integer.MAX_VALUE) // long: a runner thread takes classes from the last (junit-platform.properties)
class CrawlTemplateTest {
    static TestServer server;
    /** Every page of the site, with its depth and parent: what a finished crawl records. */
    static final Map<String, String> SITE = new HashMap<>();
    static final int SECTIONS = 8, PAGES = 6;
    static final java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
    static volatile boolean slow;

    /**
     * / links to 8 sections, each section to 6 pages and each page to a leaf: 105 pages, 3 deep.
     * Every page also links back to its ancestors and to its siblings and to every section, so
     * that many pages, in several workers, find the same ones at once; and never to a page it does
     * not lead to, so that depth and parent are the same whoever gets there first.
     */
    @BeforeAll
    static void startSite() throws IOException {
        server = TestServer.start();
        String root = server.url("/");
        List<String> sections = new ArrayList<>();
        for (int s = 0; s < SECTIONS; s++) sections.add("/s" + s);
        page("/", root, 0, null, sections);
        for (int s = 0; s < SECTIONS; s++) {
            List<String> links = new ArrayList<>(sections);
            List<String> pages = new ArrayList<>();
            for (int p = 0; p < PAGES; p++) pages.add("/s" + s + "/p" + p);
            links.addAll(pages);
            links.add("/");
            page("/s" + s, server.url("/s" + s), 1, root, links);
            for (String p : pages) {
                List<String> back = new ArrayList<>(sections);
                back.addAll(pages);
                back.add(p + "/leaf#top");
                back.add("HTTP://127.0.0.1:" + server.port() + "/s" + s);
                page(p, server.url(p), 2, server.url("/s" + s), back);
                page(p + "/leaf", server.url(p + "/leaf"), 3, server.url(p), List.of(p, "/"));
            }
        }
    }

    private static void page(String path, String url, int depth, String parent, List<String> links) {
        var body = new StringBuilder("<html><head><title>" + path + "</title></head><body>");
        for (String l : links) body.append("<a href=\"").append(l).append("\">").append(l).append("</a>\n");
        Reply page = Reply.page(200, "text/html; charset=utf-8", body + "</body></html>");
        // Past the first 25 pages of a run to be killed, each takes long enough that the kill lands halfway.
        server.route(path, (n, exchange) -> new Reply(page.status(), page.headers(), page.body(), page.length(),
                served.incrementAndGet() > 25 && slow ? 2_000 : 10, false));
        SITE.put(url, depth + " " + parent);
    }

    @AfterAll
    static void stopSite() {
        server.close();
    }

    static List<String> sizeOptions(String template) {
        return switch (template) {
            case "threads", "async" -> List.of("-c", "4");
            case "processes" -> List.of("-p", "2");
            case "hybrid" -> List.of("-p", "2", "-t", "2");
            default -> throw new IllegalArgumentException(template);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "processes", "hybrid", "async"})
    // Nets for hangs, not speed limits: the first run builds, and on a 2-core machine that other
    // builds load, a processes run took over 2 minutes to write its 20th record (its three JVMs).
    @Timeout(value = 8, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void crawlKilledHalfwayThenResumedRecordsEveryReachablePageOnce(String template, @TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.jsonl");
        Path journal = dir.resolve("out.jsonl.frontier");
        List<String> command = new ArrayList<>(List.of(Command.JBANG, Command.template(template), "-q", "--depth", "3", "-o", out.toString()));
        command.addAll(sizeOptions(template));
        command.add(server.url("/"));

        served.set(0);
        slow = true;
        var firstRun = new ProcessBuilder(command).directory(Command.ROOT.toFile())
                .redirectError(dir.resolve("first.err").toFile()).redirectOutput(dir.resolve("first.out").toFile());
        // A run killed with -9 records no AOT cache, and its mark would keep other runs from training one for 10 minutes.
        firstRun.environment().put("POOLKIT_AOT", "off");
        Process first = firstRun.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            while (lines(out) < 20) {
                assertTrue(first.isAlive(), () -> "ended before the kill, exit " + first.exitValue() + ": " + read(dir.resolve("first.err")));
                assertTrue(System.nanoTime() < deadline, "no 20 records in 4 minutes");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            killTree(first);
        } finally {
            killTree(first);
        }
        long before = lines(out);
        assertTrue(before < SITE.size(), "killed halfway: " + before + " of " + SITE.size());
        assertTrue(Files.exists(journal), "a stopped crawl keeps its journal");
        slow = false;

        List<String> resume = new ArrayList<>(command);
        resume.add(resume.size() - 1, "--resume");
        Command again = Command.run(Command.ROOT, null, resume);

        assertEquals(0, again.exitCode(), again.toString());
        Map<String, String> got = new HashMap<>();
        try (var records = JsonLines.read(out)) {
            for (Map<String, Object> r : (Iterable<Map<String, Object>>) records::iterator) {
                assertNull(got.put((String) r.get("item"), r.get("depth") + " " + r.get("parent")), "twice: " + r.get("item"));
                assertEquals(true, r.get("ok"), r.toString());
                assertFalse(r.containsKey("follow"), r.toString());
            }
        }
        assertEquals(SITE, got);
    }

    /** Kills the ./jbang wrapper, its java and the worker JVMs with SIGKILL: nothing gets to clean up. */
    private static void killTree(Process p) {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.addFirst(p.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : tree) h.onExit().join();
    }

    private static long lines(Path file) throws IOException {
        if (!Files.exists(file)) return 0;
        byte[] bytes = Files.readAllBytes(file);
        long n = 0;
        for (byte b : bytes) if (b == '\n') n++;
        return n;
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void defaultHandlerLoadsNoHtmlParserUnlessItFollowsLinks(@TempDir Path dir) throws Exception {
        // The honest sign that no page was parsed: no class of jsoup was ever loaded.
        assertEquals(0, jsoupClassesLoaded(dir.resolve("plain"), server.url("/s0/p0"), server.url("/s0/p1")));
        assertTrue(jsoupClassesLoaded(dir.resolve("crawl"), "--depth", "1", "--max-items", "2", server.url("/s0/p0")) > 0,
                "with --depth the same handler parses its pages");
    }

    /** jsoup classes the template's JVMs loaded, from -Xlog:class+load, one log file a JVM. */
    private static long jsoupClassesLoaded(Path logs, String... args) throws Exception {
        Files.createDirectories(logs);
        List<String> command = new ArrayList<>(List.of(Command.JBANG, Command.template("async"), "-q"));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).directory(Command.ROOT.toFile())
                .redirectOutput(logs.resolve("stdout").toFile()).redirectError(logs.resolve("stderr").toFile());
        builder.environment().put("JDK_JAVA_OPTIONS", "-Xlog:class+load:file=" + logs.resolve("classes-%p.log"));
        builder.environment().put("POOLKIT_AOT", "off"); // an AOT cache loads what an earlier run used
        Process p = builder.start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "still running");
        assertEquals(0, p.exitValue(), read(logs.resolve("stderr")));
        long jsoup = 0, pages = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(logs, "classes-*.log")) {
            for (Path f : files) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (line.contains(" org.jsoup.")) jsoup++;
                    if (line.contains(" dev.poolkit.http.Page ")) pages++;
                }
            }
        }
        assertTrue(pages > 0, "the log shows the template's classes");
        return jsoup;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + file + ")";
        }
    }
}
