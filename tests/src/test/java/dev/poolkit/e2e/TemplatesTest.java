package dev.poolkit.e2e;

import dev.poolkit.JsonLines;
import dev.poolkit.demo.DemoSite;
import dev.poolkit.fixtures.TestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a user does: scaffold each template with {@code jbang init} into a fresh folder, run it
 * there through {@code ./jbang} against a local site, and read the JSON lines it wrote.
 */
@Order(1) // long: a runner thread takes classes from the first (junit-platform.properties)
class TemplatesTest {
    static DemoSite site;
    static String refused;

    @BeforeAll
    static void startSite() throws IOException {
        site = DemoSite.start(3, 0);
        refused = "http://127.0.0.1:" + TestSupport.refusedPort() + "/";
    }

    @AfterAll
    static void stopSite() {
        site.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "processes", "hybrid", "async"})
    void scaffoldedTemplateIsNamedAfterItsFileAndWritesOneRecordPerItemWithTheRightOutcome(String template, @TempDir Path dir)
            throws Exception {
        Command init = Command.jbang(Command.ROOT, null, "init", "-t", template + "@.", dir.resolve("MyScraper.java").toString());
        assertEquals(0, init.exitCode(), init::toString);
        // One scaffold serves both checks: compiling it is most of this test's time.
        assertEquals(TemplateSource.of(template).scaffolded("MyScraper"), Files.readString(dir.resolve("MyScraper.java")));
        // No AOT cache: training one costs some 8 CPU s after the run, for a script whose folder is
        // deleted after the test (LaunchCacheTest tests the AOT cache).
        Map<String, String> noAot = Map.of("POOLKIT_AOT", "off");
        Command help = Command.jbangWith(dir, noAot, null, "MyScraper.java", "--help");
        assertEquals(0, help.exitCode(), help::toString);
        assertTrue(help.stdout().startsWith("Usage: MyScraper "), help::toString);
        Command aliasHelp = Command.jbang(Command.ROOT, null, template + "@.", "--help");
        assertEquals(0, aliasHelp.exitCode(), aliasHelp::toString);
        assertTrue(aliasHelp.stdout().startsWith("Usage: " + template + " "), aliasHelp::toString);

        String page1 = site.url() + "/page/1";
        String page2 = site.url() + "/page/2";
        String missing = site.url() + "/missing";
        String redirected = site.url() + "/fault/redirect/2";
        String loop = site.url() + "/fault/redirect-loop";
        Files.writeString(dir.resolve("list.txt"), String.join("\n",
                "# a comment, then a blank line", "", page1, page2, missing, refused, "not a url", redirected, loop) + "\n");

        // processes and hybrid: the worker processes run MyScraper too.
        Command run = Command.jbangWith(dir, noAot, null, "MyScraper.java", "-i", "list.txt", "-o", "out.jsonl",
                "--timeout", "20", "--max-redirects", "3", "--header", "X-Scraper: e2e");

        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.doneLine().startsWith("MyScraper: done: 7 items, 3 ok, 4 failed in "), run::toString);
        Map<String, Map<String, Object>> byItem = recordsByItem(dir.resolve("out.jsonl"), 7);
        assertOk(byItem.get(page1), "Demo page 1");
        assertEquals(page1, byItem.get(page1).get("finalUrl"));
        assertEquals(1, byItem.get(page1).get("attempts"));
        assertOk(byItem.get(page2), "Demo page 2");
        assertOk(byItem.get(redirected), "End of the redirects");
        assertEquals(site.url() + "/fault/redirect/0", byItem.get(redirected).get("finalUrl"));
        assertFailed(byItem.get(missing), 404, "HTTP 404");
        assertEquals("http", byItem.get(missing).get("errorKind"));
        assertFailed(byItem.get(refused), null, "connection refused");
        assertEquals("connect", byItem.get(refused).get("errorKind"));
        assertFailed(byItem.get("not a url"), null, "bad URL");
        assertEquals("bad-url", byItem.get("not a url").get("errorKind"));
        assertFailed(byItem.get(loop), null, "redirect loop");
        assertEquals("redirect-loop", byItem.get(loop).get("errorKind"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "processes", "hybrid", "async"})
    void quteTemplateIsTheScriptWithItsNamesLeftToInit(String template) throws IOException {
        Path qute = TemplateSource.qute(template);
        String expected = TemplateSource.of(template).qute();
        if (Boolean.getBoolean("poolkit.writeTemplates")) Files.writeString(qute, expected);

        assertEquals(expected, Files.exists(qute) ? Files.readString(qute) : "", () -> qute + " is not "
                + TemplateSource.script(template) + " with its class and command named {baseName}; after editing the script, "
                + "rewrite it with: mvn -f tests test -Dtest='TemplatesTest#quteTemplate*' -Dpoolkit.writeTemplates=true");
    }

    @Test
    void demoRunPrintsOneRecordPerPageAndExitsZero() throws Exception {
        Command run = Command.jbang(Command.ROOT, null, Command.template("async"), "--demo", "--demo-pages", "7", "--demo-delay", "5");

        assertEquals(0, run.exitCode(), run::toString);
        List<Map<String, Object>> records = run.stdout().lines().map(l -> JsonLines.parse(l, "stdout")).toList();
        assertEquals(7, records.size(), run::toString);
        assertTrue(records.stream().allMatch(r -> Boolean.TRUE.equals(r.get("ok"))), run::toString);
        assertTrue(run.stderr().contains("done: 7 items, 7 ok, 0 failed"), run::toString);
    }

    @Test
    void onATerminalProgressIsOneLineRedrawnWithTotalPercentBarAndEta(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "no script(1) here to give the run a pseudo-terminal");
        // script(1) runs the command on a pseudo-terminal and copies all it shows: stdout and stderr.
        // COLUMNS: script's terminal has no size when the test's stdout is not a terminal.
        String command = "COLUMNS=120 '" + Command.JBANG + "' '" + Command.ROOT.resolve("templates/async.java") + "' --demo --demo-pages 40 --demo-delay 50 -c 2 -o out.jsonl";

        Command run = Command.run(dir, null, List.of("/usr/bin/script", "-qfec", command, "/dev/null"));

        assertEquals(0, run.exitCode(), run::toString);
        String screen = run.stdout();
        assertTrue(screen.contains("\033[K\rasync: "), run::toString);
        assertTrue(screen.contains("\rasync: 40/40 100% [##########] 40 ok, 0 failed, 0 in flight, "), run::toString);
        assertTrue(screen.matches("(?s).*\rasync: [ \\d]\\d/40 +\\d+% \\[#*-+\\] .*, ETA [?\\d].*"), run::toString);
        // The last redraw is ended before the summary starts on a line of its own.
        assertTrue(screen.matches("(?s).*ETA 0:00\033\\[K\r?\n.*async: done: 40 items, 40 ok, 0 failed.*"), run::toString);
        assertEquals(40, recordsByItem(dir.resolve("out.jsonl"), 40).size());
    }

    @Test
    void offATerminalNoLineIsRedrawn() throws Exception {
        Command run = Command.jbang(Command.ROOT, null, Command.template("async"), "--demo", "--demo-pages", "3", "--demo-delay", "5");

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(!run.stderr().contains("\r") && !run.stderr().contains("\033"), run::toString);
    }

    @Test
    void badOptionIsOneLineOnStderrAndExitTwo() throws Exception {
        Command run = Command.jbang(Command.ROOT, null, Command.template("threads"), "--bogus");

        assertEquals(2, run.exitCode(), run::toString);
        assertEquals(List.of("threads: Unknown option: '--bogus' (see --help)"), run.errorLines());
    }

    @Test
    void missingInputFileIsOneLineOnStderrAndExitTwo(@TempDir Path dir) throws Exception {
        Command run = Command.jbang(dir, null, Command.ROOT.resolve("templates/hybrid.java").toString(), "-i", "nope.txt");

        assertEquals(2, run.exitCode(), run::toString);
        assertEquals(1, run.errorLines().size(), run::toString);
        assertTrue(run.errorLines().getFirst().startsWith("hybrid: input file not found: nope.txt"), run::toString);
    }

    @Test
    void argumentsWithSpacesQuotesAndStarsReachTheScriptIntact(@TempDir Path dir) throws Exception {
        List<String> items = List.of("http://127.0.0.1:1/a b", "*", "it's \"quoted\"", "$HOME");

        Command run = Command.jbang(dir, null, Command.ROOT.resolve("templates/threads.java").toString(),
                items.get(0), items.get(1), items.get(2), items.get(3), "-q");

        assertEquals(1, run.exitCode(), run::toString);
        List<Object> seen = run.stdout().lines().map(l -> JsonLines.parse(l, "stdout").get("item")).toList();
        assertEquals(items.stream().sorted().toList(), seen.stream().map(String::valueOf).sorted().toList());
    }

    @Test
    void itemsFromStdinAreRead(@TempDir Path dir) throws Exception {
        String stdin = site.url() + "/page/3\n\n# skipped\n" + site.url() + "/page/1\n";

        Command run = Command.jbang(dir, stdin, Command.ROOT.resolve("templates/async.java").toString(), "-i", "-", "-q");

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(2, run.stdout().lines().count(), run::toString);
    }

    @Test
    void resumeSkipsRecordedItemsAndFinishesTheRest(@TempDir Path dir) throws Exception {
        String script = Command.ROOT.resolve("templates/threads.java").toString();
        List<String> all = List.of(site.url() + "/page/1", site.url() + "/page/2", site.url() + "/page/3", site.url() + "/missing");
        Files.writeString(dir.resolve("first.txt"), all.get(0) + "\n" + all.get(1) + "\n");
        Files.writeString(dir.resolve("all.txt"), String.join("\n", all) + "\n");
        assertEquals(0, Command.jbang(dir, null, script, "-i", "first.txt", "-o", "out.jsonl", "-q").exitCode());
        // A run killed mid-write leaves half a line behind.
        Files.writeString(dir.resolve("out.jsonl"), "{\"item\":\"" + all.get(2) + "\",\"ok\":tr", java.nio.file.StandardOpenOption.APPEND);

        Command refusedWithoutFlag = Command.jbang(dir, null, script, "-i", "all.txt", "-o", "out.jsonl");
        Command resumed = Command.jbang(dir, null, script, "-i", "all.txt", "-o", "out.jsonl", "--resume");

        assertEquals(2, refusedWithoutFlag.exitCode(), refusedWithoutFlag::toString);
        assertTrue(refusedWithoutFlag.errorLines().getFirst().contains("--resume"), refusedWithoutFlag::toString);
        assertEquals(1, resumed.exitCode(), resumed::toString);
        assertTrue(resumed.stderr().contains("done: 2 items"), resumed::toString);
        Map<String, Map<String, Object>> byItem = recordsByItem(dir.resolve("out.jsonl"), 4);
        assertEquals(all.stream().sorted().toList(), byItem.keySet().stream().sorted().toList());
    }

    @Test
    void lineThatIsNotUtf8FailsAsBadInputTheOthersRunAndResumeSkipsIt(@TempDir Path dir) throws Exception {
        String script = Command.ROOT.resolve("templates/processes.java").toString();
        String page1 = site.url() + "/page/1";
        String page2 = site.url() + "/page/2";
        var input = new ByteArrayOutputStream();
        input.writeBytes(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}); // a BOM, then a comment
        input.writeBytes(("# pages, and a line saved as Latin-1\n" + page1 + "\ncaf").getBytes(StandardCharsets.UTF_8));
        input.write(0xE9);
        input.writeBytes(("\n" + page2 + "\n").getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("u.txt"), input.toByteArray());

        Command run = Command.jbang(dir, null, script, "-i", "u.txt", "-o", "out.jsonl", "-p", "1");
        Map<String, Map<String, Object>> byItem = recordsByItem(dir.resolve("out.jsonl"), 3);
        Command resumed = Command.jbang(dir, null, script, "-i", "u.txt", "-o", "out.jsonl", "-p", "1", "--resume");

        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.doneLine().startsWith("processes: done: 3 items, 2 ok, 1 failed"), run::toString);
        assertOk(byItem.get(page1), "Demo page 1");
        assertOk(byItem.get(page2), "Demo page 2");
        Map<String, Object> bad = byItem.get("caf\uFFFD");
        assertFailed(bad, null, "line 3 of u.txt is not valid UTF-8 (byte 0xE9 at byte 4 of the line)");
        assertEquals("bad-input", bad.get("errorKind"), bad::toString);
        assertEquals(0, resumed.exitCode(), resumed::toString);
        assertTrue(resumed.doneLine().startsWith("processes: done: 0 items, 0 ok, 0 failed"), resumed::toString);
        assertTrue(resumed.doneLine().contains("skipped 3 already in out.jsonl"), resumed::toString);
        recordsByItem(dir.resolve("out.jsonl"), 3);
    }

    @Test
    void playgroundRunsAPoolOverTheDemoSite() throws Exception {
        String session = """
                var pool = AsyncPool.of(8, title)
                pool.map(site.pageUrls()).stream().filter(Result::ok).count()
                pool.map(List.of(site.url() + "/nope")).get(0).error()
                fetcher.get(site.frontPage()).links().contains(site.url() + "/site/1")
                var found = new ArrayList<String>();
                try (var f = LocalFrontier.builder().seeds(List.of(site.frontPage())).scope(Scope.builder().maxDepth(2).sameHost(true).deny("private|missing").build()).open()) {
                    for (Frontier.Item it; (it = f.next()) != null; f.done(it, "")) { found.add(it.depth() + " " + it.value()); f.add(it, fetcher.get(it.value()).links()); } }
                "crawled " + found.size() + ", last at depth " + found.get(found.size() - 1).charAt(0)
                Handler crawler = url -> { var page = fetcher.get(url); return Fields.of("title", page.title(), "follow", Fields.follow(page::links)); };
                ((List<?>) AsyncPool.of(8, crawler).withFollow(true).map(List.of(site.frontPage())).get(0).fields().get("follow")).size()
                /exit
                """;

        Command run = Command.jbang(Command.ROOT, session, "-i", "scripts/playground.jsh");

        // JShell exits 0 even when a snippet fails: read what it printed.
        assertTrue(run.stdout().contains("==> 20"), run::toString);
        assertTrue(run.stdout().contains("==> \"HTTP 404\""), run::toString);
        // The crawl snippets the playground prints: the front page's links, a frontier 2 deep
        // (1 + 3 + 9 pages of the demo tree), and the 6 links a following pool hands back.
        assertTrue(run.stdout().contains("==> true"), run::toString);
        assertTrue(run.stdout().contains("==> \"crawled 13, last at depth 2\""), run::toString);
        assertTrue(run.stdout().contains("==> 6"), run::toString);
        assertTrue(!run.stdout().contains("Exception") && !run.stdout().contains("|  Error"), run::toString);
    }

    @Test
    void scriptsCompileAndAnswerAUsageErrorWithOneLine() throws Exception {
        Command bench = Command.jbang(Command.ROOT, null, "bench@.", "--workloads", "1m");
        // The alias once; then the file, whose command the wrapper keeps: no jbang JVM a run. No AOT
        // cache either: training one would cost more CPU than these short runs could save.
        String benchFile = Command.ROOT.resolve("scripts/bench.java").toString();
        Map<String, String> noAot = Map.of("POOLKIT_AOT", "off");
        Command benchTarget = Command.jbangWith(Command.ROOT, noAot, null, benchFile, "--targets", "engines,curl");
        Command benchSize = Command.jbangWith(Command.ROOT, noAot, null, benchFile, "--size", "0");
        Command benchLoop = Command.jbangWith(Command.ROOT, noAot, null, benchFile, "loop", "curl", "-i", "urls.txt", "-o", "out.jsonl");
        Command demoSite = Command.jbang(Command.ROOT, null, "demo-site@.", "--pages", "many");
        Command micro = Command.jbang(Command.ROOT, null, "micro@.", "-wi", "x");

        assertEquals(2, bench.exitCode(), bench::toString);
        assertEquals(List.of("bench: unknown workload: 1m (choose from [20k, 200k, delay-10k, delay-2k, inflight-100k, lines-10m, crawl-10k, throttle-400, issue15, progress-200k, queue-20k, queue-200k])"),
                bench.errorLines());
        assertEquals(2, benchTarget.exitCode(), benchTarget::toString);
        assertEquals(List.of("bench: unknown target: curl (choose from engines, templates, jdk, jdk-default, apache, apache-async, jetty,"
                + " async, threads, hybrid, processes)"), benchTarget.errorLines());
        assertEquals(2, benchSize.exitCode(), benchSize::toString);
        assertEquals(List.of("bench: --size must be >= 1, got 0"), benchSize.errorLines());
        assertEquals(2, benchLoop.exitCode(), benchLoop::toString);
        assertEquals(List.of("loop: unknown engine: curl (choose from jdk, jdk-default, apache, apache-async, jetty)"), benchLoop.errorLines());
        assertTrue(Files.notExists(Command.ROOT.resolve("out.jsonl")), "a usage error writes nothing");
        assertEquals(2, demoSite.exitCode(), demoSite::toString);
        assertEquals(1, demoSite.errorLines().size(), demoSite::toString);
        assertEquals(2, micro.exitCode(), micro::toString);
        assertEquals(List.of("micro: Cannot parse argument 'x' of option wi (see: micro -- -h)"), micro.errorLines());
    }

    /** The records in a JSON Lines file by item, checking there are {@code expected} and none repeats. */
    static Map<String, Map<String, Object>> recordsByItem(Path file, int expected) throws IOException {
        List<Map<String, Object>> records;
        try (var lines = JsonLines.read(file)) {
            records = lines.toList();
        }
        assertEquals(expected, records.size(), () -> "records in " + file + ": " + records);
        return records.stream().collect(Collectors.toMap(r -> String.valueOf(r.get("item")), Function.identity()));
    }

    static void assertOk(Map<String, Object> record, String title) {
        assertEquals(true, record.get("ok"), record::toString);
        assertEquals(200, record.get("status"), record::toString);
        assertNull(record.get("error"), record::toString);
        assertTrue(record.containsKey("errorKind") && record.get("errorKind") == null, record::toString);
        assertEquals(title, record.get("title"), record::toString);
        assertTrue(record.get("millis") instanceof Number, record::toString);
    }

    static void assertFailed(Map<String, Object> record, Integer status, String errorStart) {
        assertEquals(false, record.get("ok"), record::toString);
        assertEquals(status, record.get("status"), record::toString);
        assertTrue(String.valueOf(record.get("error")).startsWith(errorStart), record::toString);
    }
}
