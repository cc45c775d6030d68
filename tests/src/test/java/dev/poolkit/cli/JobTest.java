package dev.poolkit.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.poolkit.AsyncPool;
import dev.poolkit.Fields;
import dev.poolkit.JsonLines;
import dev.poolkit.ThreadPool;
import dev.poolkit.demo.DemoSite;
import dev.poolkit.http.Fetcher;
import dev.poolkit.http.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The shared command line, run in-process with a handler that needs no network. */
@Isolated("replaces System.out for a run, and times a progress line to within 2.5 s")
class JobTest {

    /** Items the Upper handler was given, in any test: a usage error must leave it unchanged. */
    static final AtomicInteger HANDLED = new AtomicInteger();

    @Command(name = "test-job")
    static class Upper implements Callable<Integer> {
        @Mixin
        Job job;

        @Override
        public Integer call() throws Exception {
            return job.run(ThreadPool.of(2, item -> {
                HANDLED.incrementAndGet();
                if (item.startsWith("fail")) throw new IllegalStateException("asked to fail");
                return Fields.of("upper", item.toUpperCase());
            }));
        }
    }

    record Run(int exitCode, String stderr) {}

    static Run run(String... args) {
        var err = new StringWriter();
        CommandLine cli = Job.commandLine(new Upper());
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), err.toString());
    }

    @Test
    void everyItemBecomesOneRecordAndExitCodeIsZeroWhenAllSucceed(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.jsonl");

        Run run = run("-q", "-o", out.toString(), "a", "b", "a");

        assertEquals(0, run.exitCode(), run.stderr());
        List<Map<String, Object>> records;
        try (var lines = JsonLines.read(out)) {
            records = lines.toList();
        }
        assertEquals(List.of("A", "A", "B"), records.stream().map(r -> (String) r.get("upper")).sorted().toList());
    }

    @Test
    void exitCodeIsOneWhenAnItemFailed(@TempDir Path dir) {
        Run run = run("-q", "-o", dir.resolve("out.jsonl").toString(), "a", "fail-me");

        assertEquals(1, run.exitCode(), run.stderr());
    }

    @Command(name = "typed-job")
    static class Typed implements Callable<Integer> {
        @Mixin
        Job job;

        @Override
        public Integer call() throws Exception {
            return job.run(AsyncPool.of(2, item -> switch (item) {
                case "instant" -> Fields.of("at", Instant.parse("2026-12-01T10:15:30Z"));
                case "optional" -> Fields.of("maybe", Optional.empty());
                default -> Fields.of("thing", new Object()); // nothing Jackson can write
            }));
        }
    }

    @Test
    void recordsSummaryAndExitCodeAgreeWhenAResultCannotBeWritten(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.jsonl");
        var err = new StringWriter();
        CommandLine cli = Job.commandLine(new Typed());
        cli.setErr(new PrintWriter(err, true));

        int code = cli.execute("-o", out.toString(), "instant", "optional", "object");

        Map<String, Map<String, Object>> byItem;
        try (var lines = JsonLines.read(out)) {
            byItem = lines.collect(java.util.stream.Collectors.toMap(r -> (String) r.get("item"), r -> r));
        }
        assertEquals("2026-12-01T10:15:30Z", byItem.get("instant").get("at"), byItem::toString);
        assertTrue(byItem.get("optional").containsKey("maybe") && byItem.get("optional").get("maybe") == null, byItem::toString);
        assertEquals(false, byItem.get("object").get("ok"));
        assertTrue(((String) byItem.get("object").get("error")).contains("cannot be written as JSON"), byItem::toString);
        assertTrue(err.toString().contains("typed-job: done: 3 items, 2 ok, 1 failed"), err::toString);
        assertEquals(1, code, "an item failed, in the file and the summary: " + err);
    }

    @Test
    void noItemsIsAUsageError() {
        Run run = run();

        assertEquals(2, run.exitCode());
        assertEquals("test-job: no items: give them as arguments, with -i FILE (- for stdin), or try --demo",
                run.stderr().strip());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5_000, 10_000})
    void lineThatIsNotUtf8FailsAsBadInputAndEveryOtherLineRuns(int badLine, @TempDir Path dir) throws Exception {
        Path in = dir.resolve("items.txt");
        Path out = dir.resolve("out.jsonl");
        var bytes = new ByteArrayOutputStream();
        for (int i = 1; i <= 10_000; i++) {
            if (i == badLine) bytes.writeBytes(new byte[]{'b', 'a', 'd', (byte) 0xE9});
            else bytes.writeBytes(("item-" + i).getBytes(StandardCharsets.UTF_8));
            if (i < 10_000) bytes.write('\n'); // the last line has no ending
        }
        Files.write(in, bytes.toByteArray());

        Run run = run("-i", in.toString(), "-o", out.toString());

        assertEquals(1, run.exitCode(), run.stderr());
        // A progress line comes first if the run takes over a second (a loaded machine).
        assertTrue(run.stderr().lines().anyMatch(l -> l.startsWith("test-job: done: 10000 items, 9999 ok, 1 failed")), run.stderr());
        Map<String, Map<String, Object>> byItem = recordsByItem(out);
        assertEquals(10_000, byItem.size());
        for (int i = 1; i <= 10_000; i++) {
            if (i != badLine) assertEquals("ITEM-" + i, byItem.get("item-" + i).get("upper"), "line " + i);
        }
        Map<String, Object> bad = byItem.get("bad\uFFFD");
        assertEquals(false, bad.get("ok"), bad::toString);
        assertEquals("bad-input", bad.get("errorKind"), bad::toString);
        assertEquals("line " + badLine + " of " + in + " is not valid UTF-8 (byte 0xE9 at byte 4 of the line)", bad.get("error"));
    }

    @Test
    void resumeSkipsABadLineAlreadyRecorded(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("items.txt");
        Path out = dir.resolve("out.jsonl");
        Files.write(in, new byte[]{'a', '\n', 'b', (byte) 0xFF, '\n', 'c', '\n'});
        Run first = run("-i", in.toString(), "-o", out.toString());

        Run resumed = run("-i", in.toString(), "-o", out.toString(), "--resume");

        assertEquals(1, first.exitCode(), first.stderr());
        assertEquals(0, resumed.exitCode(), resumed.stderr());
        assertTrue(resumed.stderr().startsWith("test-job: done: 0 items, 0 ok, 0 failed"), resumed.stderr());
        assertTrue(resumed.stderr().contains("skipped 3 already in"), resumed.stderr());
        assertEquals(List.of("a", "b\uFFFD", "c"), recordsByItem(out).keySet().stream().sorted().toList());
    }

    static Map<String, Map<String, Object>> recordsByItem(Path out) throws Exception {
        try (var lines = JsonLines.read(out)) {
            return lines.collect(Collectors.toMap(r -> (String) r.get("item"), r -> r));
        }
    }

    @Test
    void resumeAndOverwriteTogetherAreAUsageError(@TempDir Path dir) {
        Run run = run("--resume", "--overwrite", "-o", dir.resolve("out.jsonl").toString(), "a");

        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().startsWith("test-job: --resume and --overwrite contradict each other"), run.stderr());
    }

    @Test
    void outputInAMissingFolderIsAUsageErrorBeforeAnyWork(@TempDir Path dir) {
        Run run = run("-o", dir.resolve("no/such/out.jsonl").toString(), "a");

        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().startsWith("test-job: output folder does not exist: "), run.stderr());
    }

    @Test
    void outputThatCannotBeOpenedIsAUsageErrorBeforeAnyWork(@TempDir Path dir) throws Exception {
        // Paths no one can open, root included: under a regular file, directly or through a link.
        Path file = Files.writeString(dir.resolve("somefile"), "x");
        Path underAFile = file.resolve("out.jsonl");
        Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), underAFile);
        int handledBefore = HANDLED.get();

        Run direct = run("-o", underAFile.toString(), "a");
        Run throughLink = run("-o", link.toString(), "a");
        Run folder = run("-o", dir.toString(), "a");

        assertEquals(2, direct.exitCode(), direct.stderr());
        assertEquals("test-job: -o " + underAFile + ": " + file + " is a file, not a folder (choose another -o)\n", direct.stderr());
        assertEquals(2, throughLink.exitCode(), throughLink.stderr());
        assertEquals("test-job: -o " + link + ": not a directory (choose another -o)\n", throughLink.stderr());
        assertEquals(2, folder.exitCode(), folder.stderr());
        assertEquals("test-job: output is a folder: " + dir + " (give a file name)\n", folder.stderr());
        assertEquals(handledBefore, HANDLED.get(), "an item was handled before the output was found unusable");
    }

    @Test
    void outputInAFolderWithoutWritePermissionSaysPermissionDenied(@TempDir Path dir) throws Exception {
        Path readOnly = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(readOnly), "root writes anywhere: run the tests as a user to check this case");
            Path out = readOnly.resolve("out.jsonl");

            Run run = run("-o", out.toString(), "a");

            assertEquals(2, run.exitCode(), run.stderr());
            assertEquals("test-job: -o " + out + ": permission denied (choose a folder you can write to, or another -o)\n", run.stderr());
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void overwriteReplacesAnExistingOutput(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.jsonl");
        Files.writeString(out, "{\"item\":\"old\"}\n");

        Run run = run("-q", "--overwrite", "-o", out.toString(), "new");

        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(Files.readString(out).startsWith("{\"item\":\"new\""), Files.readString(out));
    }

    @Test
    void inputThatIsAlsoTheOutputIsRefusedBeforeItIsTruncated(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("items.txt");
        Files.writeString(file, "a\nb\n");

        Run run = run("-i", file.toString(), "-o", dir.resolve(".").resolve("items.txt").toString(), "--overwrite");

        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().startsWith("test-job: input and output are the same file: "), run.stderr());
        assertEquals("a\nb\n", Files.readString(file));
    }

    @Test
    void badNumberForAnOptionIsOneLineWithExitTwo() {
        var err = new StringWriter();
        CommandLine cli = Job.commandLine(new Upper());
        cli.setErr(new PrintWriter(err, true));

        int code = cli.execute("--demo-pages", "many");

        assertEquals(2, code);
        assertEquals(1, err.toString().lines().count(), err.toString());
    }

    @Command(name = "fetch-job")
    static class Fetch implements Callable<Integer> {
        @Mixin
        Job job;

        @Override
        public Integer call() throws Exception {
            return job.run(ThreadPool.of(2, url -> {
                Page page = Fetcher.shared().get(url);
                return Fields.of("finalUrl", page.finalUrl());
            }));
        }
    }

    static Run runFetch(String... args) {
        var err = new StringWriter();
        CommandLine cli = Job.commandLine(new Fetch());
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), err.toString());
    }

    @Test
    void fetchOptionsConfigureTheSharedFetcher(@TempDir Path dir) throws Exception {
        Fetcher before = Fetcher.shared();
        try (var site = DemoSite.start(1, 0)) {
            Path out = dir.resolve("out.jsonl");
            String chain = site.url() + "/fault/redirect/1";
            String big = site.url() + "/fault/huge/1";

            Run run = runFetch("-q", "-o", out.toString(), "--max-bytes", "1k", "--max-redirects", "1", chain, big);

            assertEquals(1, run.exitCode(), run.stderr());
            Map<String, Map<String, Object>> byItem;
            try (var lines = JsonLines.read(out)) {
                byItem = lines.collect(java.util.stream.Collectors.toMap(r -> (String) r.get("item"), r -> r));
            }
            assertEquals(site.url() + "/fault/redirect/0", byItem.get(chain).get("finalUrl"), byItem.toString());
            assertEquals("too-large", byItem.get(big).get("errorKind"), "1 MiB is over --max-bytes 1k");
            assertEquals(1, byItem.get(big).get("attempts"));
        } finally {
            Fetcher.setShared(before);
        }
    }

    @Command(name = "stats-job")
    static class Fetching implements Callable<Integer> {
        @Mixin
        Job job;

        @Override
        public Integer call() throws Exception {
            return job.run(ThreadPool.of(4, url -> {
                Page page = Fetcher.shared().get(url);
                return Fields.of("status", page.status(), "bytes", page.bytes(), "attempts", page.attempts());
            }));
        }
    }

    static Run runFetching(String... args) {
        var err = new StringWriter();
        CommandLine cli = Job.commandLine(new Fetching());
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), err.toString());
    }

    @Test
    void summaryAndStatsFileCountFailuresByKindAndStatusExactlyAsTheRecordsDo(@TempDir Path dir) throws Exception {
        Fetcher before = Fetcher.shared();
        try (var site = DemoSite.start(5, 0)) {
            Path out = dir.resolve("out.jsonl");
            Path statsFile = dir.resolve("stats.json");
            var items = new java.util.ArrayList<String>(site.pageUrls());
            items.addAll(List.of(site.url() + "/missing/1", site.url() + "/missing/2", site.url() + "/missing/3",
                    site.url() + "/fault/flaky/k1/1", site.url() + "/fault/flaky/k2/1", "not a url"));
            var args = new java.util.ArrayList<>(List.of("-o", out.toString(), "--stats", statsFile.toString(), "--backoff", "0"));
            args.addAll(items);

            Run run = runFetching(args.toArray(String[]::new));

            assertEquals(1, run.exitCode(), run.stderr());
            var records = recordsByItem(out).values();
            assertEquals(items.size(), records.size());
            Map<String, Long> byKind = records.stream().filter(r -> r.get("ok").equals(false))
                    .collect(Collectors.groupingBy(r -> (String) r.get("errorKind"), Collectors.counting()));
            Map<String, Long> byStatus = records.stream().filter(r -> r.get("ok").equals(false) && r.get("status") != null)
                    .collect(Collectors.groupingBy(r -> String.valueOf(r.get("status")), Collectors.counting()));
            long retries = records.stream().mapToLong(r -> ((Number) r.get("attempts")).longValue() - 1).sum();
            long bytes = records.stream().filter(r -> r.get("bytes") != null).mapToLong(r -> ((Number) r.get("bytes")).longValue()).sum();
            assertEquals(Map.of("http", 3L, "bad-url", 1L), byKind, "the test's own premise");
            assertEquals(2, retries, "the test's own premise: each flaky page once");

            Map<String, Object> stats = new ObjectMapper().readValue(statsFile.toFile(), new TypeReference<>() {});
            assertEquals(true, stats.get("finished"));
            assertEquals(items.size(), stats.get("items"));
            assertEquals(items.size() - 4, stats.get("ok"));
            assertEquals(4, stats.get("failed"));
            assertEquals(toInts(byKind), stats.get("failedByKind"));
            assertEquals(toInts(byStatus), stats.get("failedByStatus"));
            assertEquals(Map.of("404", 3), stats.get("failedByStatus"));
            assertEquals((int) retries, stats.get("retries"));
            assertEquals(bytes, ((Number) stats.get("bytes")).longValue());
            @SuppressWarnings("unchecked")
            var latency = (Map<String, Object>) stats.get("latencyMillis");
            long maxMillis = records.stream().mapToLong(r -> ((Number) r.get("millis")).longValue()).max().orElseThrow();
            assertEquals(items.size(), latency.get("count"));
            assertEquals(maxMillis, ((Number) latency.get("max")).longValue());

            // From the summary on: a run over 1 s (a loaded machine) prints a progress line first.
            List<String> lines = run.stderr().lines().dropWhile(l -> !l.startsWith("stats-job: done: ")).toList();
            assertTrue(lines.get(0).startsWith("stats-job: done: 11 items, 7 ok, 4 failed in "), run.stderr());
            assertEquals("  failed by kind: http 3, bad-url 1", lines.get(1), run.stderr());
            assertEquals("  by status: 404 3", lines.get(2), run.stderr());
            assertEquals("  retries: 2, bytes: " + (bytes < 1024 ? bytes + " B" : String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0)),
                    lines.get(3), run.stderr());
            assertTrue(lines.get(4).matches("  latency ms: p50 \\d+, p95 \\d+, p99 \\d+, max " + maxMillis), run.stderr());
            assertEquals(5, lines.size(), run.stderr());
        } finally {
            Fetcher.setShared(before);
        }
    }

    static Map<String, Integer> toInts(Map<String, Long> counts) {
        return counts.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().intValue()));
    }

    @Test
    void quietPrintsNoSummaryButStillWritesTheStatsFile(@TempDir Path dir) throws Exception {
        Path stats = dir.resolve("stats.json");

        Run run = run("-q", "--stats", stats.toString(), "-o", dir.resolve("out.jsonl").toString(), "a", "fail-1");

        assertEquals(1, run.exitCode(), run.stderr());
        assertEquals("", run.stderr());
        Map<String, Object> read = new ObjectMapper().readValue(stats.toFile(), new TypeReference<>() {});
        assertEquals(Map.of("handler", 1), read.get("failedByKind"));
        assertEquals(2, read.get("items"));
    }

    @Test
    void statsFileIsWrittenWhenStdoutClosesUnderTheRun(@TempDir Path dir) throws Exception {
        Path stats = dir.resolve("stats.json");
        var closed = new java.io.PrintStream(java.io.OutputStream.nullOutputStream()) {
            @Override
            public boolean checkError() {
                return true;
            }
        };
        java.io.PrintStream stdout = System.out;
        Run run;
        System.setOut(closed);
        try {
            run = run("--stats", stats.toString(), "a", "b", "c");
        } finally {
            System.setOut(stdout);
        }

        assertEquals(Job.STDOUT_CLOSED, run.exitCode(), run.stderr());
        Map<String, Object> read = new ObjectMapper().readValue(stats.toFile(), new TypeReference<>() {});
        assertEquals(false, read.get("finished"), read::toString);
    }

    @Test
    void statsInAMissingFolderIsAUsageErrorBeforeAnyWork(@TempDir Path dir) {
        int handledBefore = HANDLED.get();

        Run run = run("--stats", dir.resolve("no/such/stats.json").toString(), "a");

        assertEquals(2, run.exitCode(), run.stderr());
        assertEquals("test-job: --stats " + dir.resolve("no/such/stats.json") + ": folder does not exist: "
                + dir.resolve("no/such") + " (create it, or choose another --stats)\n", run.stderr());
        assertEquals(handledBefore, HANDLED.get());
    }

    @Test
    void badFetchOptionsAreOneLineUsageErrors() {
        for (var c : List.of(
                List.of("--timeout", "0", "test-job: --timeout must be at least 0.001 seconds, got 0.0"),
                List.of("--max-bytes", "lots", "test-job: --max-bytes must be a number of bytes, optionally with k, M or G, got 'lots'"),
                List.of("--max-redirects", "-1", "test-job: --max-redirects must be >= 0, got -1"),
                List.of("--header", "no colon", "test-job: --header must look like 'Name: value', got 'no colon'"),
                List.of("--header", "Host: example.com", "test-job: --header Host cannot be set: restricted header name: \"Host\""))) {
            Run run = run(c.get(0), c.get(1), "a");
            assertEquals(2, run.exitCode(), run.stderr());
            assertEquals(c.get(2), run.stderr().strip());
        }
    }

    @Test
    void maxBytesTakesUnits() {
        var options = new FetchOptions();
        new CommandLine(options).parseArgs("--max-bytes", "2M");
        assertEquals("2M", options.maxBytes);
        options.builder(); // in range: no error
        new CommandLine(options).parseArgs("--max-bytes", "3g");
        String message = assertThrows(Job.UsageError.class, options::builder).getMessage();
        assertTrue(message.startsWith("--max-bytes must be between 1 and 2147483639 bytes, got '3g'"), message);
    }

    @Test
    void badLimitOptionsAreOneLineUsageErrors() {
        for (String[] args : new String[][]{
                {"--per-host", "-1", "a"}, {"--rate", "-0.5", "a"}, {"--rate-jitter", "2", "a"},
                {"--retries", "-3", "a"}, {"--backoff", "-1", "a"}, {"--backoff", "5", "--backoff-cap", "1", "a"},
                {"--retry-after-cap", "-1", "a"}, {"--per-host", "two", "a"}, {"--rate", "fast", "a"}}) {
            Run run = run(args);
            assertEquals(2, run.exitCode(), String.join(" ", args) + ": " + run.stderr());
            assertEquals(1, run.stderr().lines().count(), run.stderr());
            assertTrue(run.stderr().startsWith("test-job: "), run.stderr());
            assertTrue(run.stderr().contains(args[args.length == 5 ? 2 : 0]), "names the option: " + run.stderr());
        }
        assertEquals("test-job: --per-host must be >= 0 (0 for no limit), got -1\n", run("--per-host", "-1", "a").stderr());
    }

    @Test
    void helpGivesTheLimitDefaults() {
        String help = Job.commandLine(new Upper()).getUsageMessage();
        assertTrue(help.contains("--per-host=N"), help);
        assertTrue(help.contains("(default: 0, no limit)"), help);
        assertTrue(help.contains("--retries=N"), help);
        assertTrue(help.contains("(default: 2)"), help);
    }

    /** Like a template: its own option, standard help options, options not sorted. */
    @Command(name = "like-async", mixinStandardHelpOptions = true, sortOptions = false, description = "Does things.")
    static class LikeTemplate implements Callable<Integer> {
        @Mixin
        Job job;

        @CommandLine.Option(names = {"-c", "--concurrency"}, paramLabel = "N", defaultValue = "4", description = "Items at once.")
        int concurrency;

        @Override
        public Integer call() {
            return 0;
        }
    }

    record Output(int exitCode, String stdout, String stderr) {}

    static Output runLikeTemplate(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        CommandLine cli = Job.commandLine(new LikeTemplate());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Output(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void helpGroupsOptionsUnderHeadingsTheCommandsOwnFirstThenExitCodesAndExamples() {
        Output run = runLikeTemplate("--help");
        String help = run.stdout();

        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(help.startsWith("Usage: like-async [OPTIONS] [ITEM...]"), help);
        List<String> inOrder = List.of("\nOptions:\n  -c, --concurrency=N", "-h, --help", "-V, --version",
                "\nInput and output:\n  -i, --input=FILE", "--demo-delay=MS",
                "\nRun control:\n  -q, --quiet", "--item-timeout=S",
                "\nHTTP:\n      --timeout=S", "--header=",
                "\nLimits and retries:\n      --per-host=N", "--retry-after-cap=S",
                "\nShared job on Redis:\n      --queue=URL", "--max-deliveries=N",
                "\nExit codes:\n  0 ", "  1 ", "  2 ", "  130 ", "  141 ", "  143 ",
                "\nExamples:\n", "like-async -i urls.txt -o results.jsonl", "like-async --demo");
        String unix = help.replace(System.lineSeparator(), "\n");
        int at = 0;
        for (String part : inOrder) {
            int found = unix.indexOf(part, at);
            assertTrue(found >= 0, "'" + part + "' after offset " + at + " in:\n" + help);
            at = found + part.length();
        }
        assertTrue(unix.substring(at).lines().count() <= 1, "the examples end the help:\n" + help);
        // Every option is shown once: none is lost or repeated by the headings.
        assertEquals(1, unix.split("--max-bytes=N", -1).length - 1, help);
    }

    @Test
    void withQueueTheGivenItemsGoToTheSharedJobOnceAndEachRecordGoesIntoItAndToTheLocalCopy(@TempDir Path dir) throws Exception {
        try (var redis = dev.poolkit.fixtures.TestRedis.start(dev.poolkit.fixtures.TestRedis.Options.plain());
             var q = dev.poolkit.queue.Queue.open(dev.poolkit.queue.QueueUrl.parse(redis.url("job-test")))) {
            String url = redis.url("job-test");
            q.drop();
            q.push(List.of("c").iterator()); // pushed by someone else before this worker started
            Path out = dir.resolve("local.jsonl");

            Run run = run("-q", "--queue", url, "-o", out.toString(), "a", "b", "a", "fail-1");

            assertEquals(1, run.exitCode(), run.stderr());
            List<String> records = new ArrayList<>();
            q.export(records::add);
            assertEquals(4, records.size(), records.toString());
            assertTrue(records.stream().anyMatch(r -> r.contains("\"upper\":\"C\"")), records.toString());
            assertTrue(records.stream().anyMatch(r -> r.contains("\"item\":\"fail-1\"") && r.contains("\"ok\":false")), records.toString());
            assertEquals(4, Files.readAllLines(out).size(), "the local copy has what this worker wrote");
            assertTrue(q.status().over());
            assertEquals(0, run("-q", "--queue", url).exitCode(), "a worker on a finished job has nothing to do");
        }
    }

    @Test
    void aBadQueueUrlOrQueueOptionIsAUsageErrorThatNeverShowsThePassword() {
        Run bad = run("--queue", "http://:hunter2@h:6379/job");
        assertEquals(2, bad.exitCode(), bad.stderr());
        assertEquals("test-job: --queue: queue URL must start with redis:// or rediss:// (TLS), got http://:***@h:6379/job",
                bad.stderr().strip());
        Run claim = run("--queue", "redis://:hunter2@h/job", "--claim-after", "0");
        assertEquals(2, claim.exitCode(), claim.stderr());
        assertEquals("test-job: --claim-after must be between 0.01 and 86400 seconds, got 0.0", claim.stderr().strip());
        Run resume = run("--queue", "redis://h/job", "-o", "x.jsonl", "--resume");
        assertEquals(2, resume.exitCode(), resume.stderr());
        assertTrue(resume.stderr().contains("--resume and --queue"), resume.stderr());
    }

    @Test
    void claimAfterDefaultsToTheDefaultThatQueueStatusJudgesASilentWorkerBy() {
        String given = CommandLine.Model.CommandSpec.forAnnotatedObject(new QueueOptions()).findOption("--claim-after").defaultValue();
        assertEquals(dev.poolkit.queue.RedisFrontier.DEFAULT_CLAIM_AFTER, java.time.Duration.ofMillis(Math.round(Double.parseDouble(given) * 1000)));
    }

    @Test
    void misspeltOptionGetsPicocliSuggestionOnOneLineAndExitTwo() {
        Output run = runLikeTemplate("--timout", "3", "a");

        assertEquals(2, run.exitCode());
        assertEquals("like-async: Unknown option: '--timout' (did you mean --timeout?) (see --help)", run.stderr().strip());
    }

    @Test
    void severalSuggestionsComeNearestFirst() {
        Output run = runLikeTemplate("--concurency=3", "a");

        assertEquals(2, run.exitCode());
        assertEquals("like-async: Unknown option: '--concurency=3' (did you mean --concurrency or --connect-timeout?) (see --help)",
                run.stderr().strip());
    }

    @Test
    void unknownOptionWithNoNearNameHasNoSuggestion() {
        Output run = runLikeTemplate("--bogus");

        assertEquals(2, run.exitCode());
        assertEquals("like-async: Unknown option: '--bogus' (see --help)", run.stderr().strip());
    }

    @Test
    void versionNamesPoolkitJBangAndJava() {
        Output run = runLikeTemplate("--version");

        assertEquals(0, run.exitCode(), run.stderr());
        List<String> lines = run.stdout().lines().toList();
        assertEquals(3, lines.size(), run.stdout());
        assertTrue(lines.get(0).matches("poolkit \\d+\\.\\d+\\.\\d+.*"), run.stdout());
        String jbang = System.getenv(Usage.JBANG_VERSION_ENV);
        assertEquals(jbang == null ? "JBang: unknown (not started by poolkit's ./jbang)" : "JBang " + jbang, lines.get(1));
        assertEquals("Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")", lines.get(2));
    }

    @Test
    void versionShowsJBangsVersionWhenTheWrapperGaveIt() {
        assertEquals("JBang 0.132.1", Usage.versionLines("0.132.1")[1]);
        assertEquals("JBang: unknown (not started by poolkit's ./jbang)", Usage.versionLines(null)[1]);
        assertEquals("JBang: unknown (not started by poolkit's ./jbang)", Usage.versionLines(" ")[1]);
    }

    @Test
    void anOutputEndingInCsvIsCsvWithAHeaderOfTheRecordsColumns(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.csv");

        Run run = run("-q", "-o", out.toString(), "a, \"b\"", "c");

        assertEquals(0, run.exitCode(), run.stderr());
        List<String> lines = Files.readAllLines(out);
        assertEquals("item,ok,status,error,errorKind,millis,upper,fields", lines.get(0));
        List<Map<String, String>> rows;
        try (com.fasterxml.jackson.databind.MappingIterator<Map<String, String>> it = new com.fasterxml.jackson.dataformat.csv.CsvMapper()
                .readerForMapOf(String.class).with(com.fasterxml.jackson.dataformat.csv.CsvSchema.emptySchema().withHeader())
                .readValues(out.toFile())) {
            rows = it.readAll();
        }
        assertEquals(Map.of("a, \"b\"", "A, \"B\"", "c", "C"),
                rows.stream().collect(Collectors.toMap(r -> r.get("item"), r -> r.get("upper"))));
    }

    @Test
    void formatJsonlOverridesTheCsvExtensionAndAnUnknownFormatIsAUsageError(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.csv");
        assertEquals(0, run("-q", "--format", "jsonl", "-o", out.toString(), "a").exitCode());
        assertTrue(Files.readString(out).startsWith("{"), () -> readQuietly(out));

        Run bad = run("-q", "--format", "xml", "-o", dir.resolve("x.out").toString(), "a");
        assertEquals(2, bad.exitCode());
        assertEquals("test-job: --format must be jsonl or csv, got xml\n", bad.stderr());
    }

    @Test
    void resumeWithCsvIsAUsageError(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.csv");
        Files.writeString(out, "item,ok\na,true\n");
        int before = HANDLED.get();

        Run run = run("-q", "--resume", "-o", out.toString(), "a", "b");

        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().startsWith("test-job: --resume reads JSON Lines only, not csv"), run.stderr());
        assertEquals(before, HANDLED.get());
        assertEquals("item,ok\na,true\n", Files.readString(out));
    }

    @Command(name = "slow-first-job")
    static class SlowFirst implements Callable<Integer> {
        @Mixin
        Job job;

        @Override
        public Integer call() throws Exception {
            return job.run(ThreadPool.of(4, item -> {
                Thread.sleep(item.equals("slow") ? 300 : 3); // the work itself: one item 100x slower
                return Fields.of("n", item);
            }));
        }
    }

    @Test
    void orderedWritesInputOrderWhenOneItemIsAHundredTimesSlowerThanTheRest(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.jsonl");
        List<String> items = new java.util.ArrayList<>(List.of("slow"));
        for (int i = 0; i < 60; i++) items.add("i" + i);
        items.add(30, "slow"); // a repeated item keeps both of its places
        var err = new StringWriter();
        CommandLine cli = Job.commandLine(new SlowFirst());
        cli.setErr(new PrintWriter(err, true));
        var args = new java.util.ArrayList<>(List.of("-q", "--ordered", "-o", out.toString()));
        args.addAll(items);

        assertEquals(0, cli.execute(args.toArray(String[]::new)), err.toString());

        List<String> written;
        try (var lines = JsonLines.read(out)) {
            written = lines.map(r -> (String) r.get("item")).toList();
        }
        assertEquals(items, written);
        assertEquals("", err.toString());
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /** The item "hold" of the Held handler waits for this; each test sets its own. */
    static volatile CountDownLatch release = new CountDownLatch(0);

    @Command(name = "held-job")
    static class Held implements Callable<Integer> {
        @Mixin
        Job job;

        @Override
        public Integer call() throws Exception {
            return job.run(ThreadPool.of(2, item -> {
                if (item.equals("hold")) release.await();
                return Fields.of("item", item);
            }));
        }
    }

    /** Runs Held with {@code args} on a thread of its own; the item "hold" waits for {@code release}. */
    static Thread runHeld(StringWriter err, AtomicInteger exit, String... args) {
        release = new CountDownLatch(1);
        CommandLine cli = Job.commandLine(new Held());
        cli.setErr(new PrintWriter(err, true));
        return Thread.ofPlatform().name("held-job").start(() -> exit.set(cli.execute(args)));
    }

    @Test
    void plainProgressLineComesAfterOneSecondWithTotalPercentInFlightAndEta(@TempDir Path dir) throws Exception {
        assumeFalse("1".equals(System.getenv("POOLKIT_STDERR_TTY")), "stderr is a terminal here");
        var err = new StringWriter();
        var exit = new AtomicInteger(-1);
        long start = System.nanoTime();
        Thread run = runHeld(err, exit, "--progress-every", "1", "-o", dir.resolve("out.jsonl").toString(), "a", "hold");
        try {
            long deadline = start + 5_000_000_000L;
            while (!err.toString().contains("held-job: 1 done") && System.nanoTime() < deadline) Thread.sleep(10);
            double seconds = (System.nanoTime() - start) / 1e9;
            String line = err.toString().lines().filter(l -> l.startsWith("held-job: 1 done")).findFirst().orElseThrow(() -> new AssertionError("no progress line: " + err));

            assertTrue(seconds >= 0.9 && seconds < 2.5, seconds + " s: " + err);
            assertTrue(line.startsWith("held-job: 1 done (1 ok, 0 failed) in "), line);
            assertTrue(line.contains(", 1 in flight; 50% of 2, ETA "), line);
        } finally {
            release.countDown();
            run.join();
        }
        assertEquals(0, exit.get(), err.toString());
    }

    @Test
    void progressEveryOutOfRangeIsAUsageError() {
        Run run = run("--progress-every", "0", "a");

        assertEquals(2, run.exitCode(), run.stderr());
        assertEquals("test-job: --progress-every must be between 0.1 and 86400 seconds, got 0.0 (see --help)", run.stderr().strip());
    }

    @Test
    void quietPrintsNoProgressLine(@TempDir Path dir) throws Exception {
        var err = new StringWriter();
        var exit = new AtomicInteger(-1);
        Path out = dir.resolve("out.jsonl");
        Thread run = runHeld(err, exit, "-q", "--progress-every", "0.1", "-o", out.toString(), "a", "hold");
        try {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while ((!Files.exists(out) || Files.size(out) == 0) && System.nanoTime() < deadline) Thread.sleep(10);
            // Not a wait for concurrency but for time to pass: a line would come at 0.1 s and 1 s.
            Thread.sleep(1_300);
            assertEquals("", err.toString());
        } finally {
            release.countDown();
            run.join();
        }
        assertEquals(0, exit.get(), err.toString());
        assertEquals("", err.toString());
    }

    @Test
    void aSitemapSeedsItemsAndThenRobotsTxtIsObeyedUnlessToldToIgnoreIt(@TempDir Path dir) throws Exception {
        Fetcher before = Fetcher.shared();
        try (var server = dev.poolkit.fixtures.TestServer.start()) {
            server.route("/robots.txt", dev.poolkit.fixtures.TestServer.Reply.page(200, "text/plain", "User-agent: *\nDisallow: /private/\n"));
            server.route("/sitemap.xml", dev.poolkit.fixtures.TestServer.Reply.page(200, "application/xml",
                    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>" + server.url("/open")
                            + "</loc></url><url><loc>" + server.url("/private/x") + "</loc></url></urlset>"));
            server.route("/open", dev.poolkit.fixtures.TestServer.Reply.ok());
            server.route("/private/x", dev.poolkit.fixtures.TestServer.Reply.ok());
            server.route("/given", dev.poolkit.fixtures.TestServer.Reply.ok());
            Path out = dir.resolve("out.jsonl");

            Run run = runFetching("-q", "-o", out.toString(), "--sitemap", server.url("/sitemap.xml"), server.url("/given"));

            assertEquals(1, run.exitCode(), run.stderr());
            Map<String, Object> kinds;
            try (var lines = JsonLines.read(out)) {
                kinds = lines.collect(Collectors.toMap(r -> (String) r.get("item"), r -> String.valueOf(r.get("errorKind"))));
            }
            assertEquals(Map.of(server.url("/given"), "null", server.url("/open"), "null", server.url("/private/x"), "robots"), kinds);
            assertEquals(0, server.requests("/private/x").size(), "disallowed: never requested");

            Run ignoring = runFetching("-q", "-o", out.toString(), "--overwrite", "--robots", "ignore", "--sitemap", server.url("/sitemap.xml"));

            assertEquals(0, ignoring.exitCode(), ignoring.stderr());
            assertEquals(1, server.requests("/private/x").size());
            assertEquals(1, server.requests("/robots.txt").size(), "asked for by the first run only");
        } finally {
            Fetcher.setShared(before);
        }
    }

    @Test
    void aSitemapThatCannotBeFetchedIsOneLineAndExitTwoBeforeAnyItemRuns(@TempDir Path dir) throws Exception {
        Fetcher before = Fetcher.shared();
        try (var server = dev.poolkit.fixtures.TestServer.start()) {
            server.route("/item", dev.poolkit.fixtures.TestServer.Reply.ok());
            Path out = dir.resolve("out.jsonl");

            Run run = runFetching("-q", "-o", out.toString(), "--sitemap", server.url("/missing.xml"), server.url("/item"));

            assertEquals(2, run.exitCode(), run.stderr());
            assertEquals("stats-job: --sitemap " + server.url("/missing.xml") + ": HTTP 404 (check the URL, or leave out --sitemap)",
                    run.stderr().strip());
            assertEquals(0, server.requests("/item").size());
            assertTrue(Files.notExists(out), "no output opened");
        } finally {
            Fetcher.setShared(before);
        }
    }

    @Test
    void robotsTakesObeyOrIgnoreOnly() {
        Run run = run("--robots", "sometimes", "a");
        assertEquals(2, run.exitCode(), run.stderr());
        assertEquals("test-job: --robots must be obey or ignore, got sometimes", run.stderr().strip());
    }

    @Test
    void aRunSeededByASitemapResumesItsItemsAreInTheInputOfTheCheck(@TempDir Path dir) throws Exception {
        Fetcher before = Fetcher.shared();
        try (var server = dev.poolkit.fixtures.TestServer.start()) {
            server.route("/sitemap.xml", dev.poolkit.fixtures.TestServer.Reply.page(200, "application/xml",
                    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>" + server.url("/a")
                            + "</loc></url><url><loc>" + server.url("/b") + "</loc></url></urlset>"));
            server.route("/a", dev.poolkit.fixtures.TestServer.Reply.ok());
            server.route("/b", dev.poolkit.fixtures.TestServer.Reply.ok());
            Path out = dir.resolve("out.jsonl");
            // A first run that recorded /a only, as a killed one would have.
            Files.writeString(out, "{\"item\":\"" + server.url("/a") + "\",\"ok\":true,\"status\":200,\"error\":null,\"errorKind\":null,\"millis\":1}\n");

            Run run = runFetching("-q", "-o", out.toString(), "--resume", "--sitemap", server.url("/sitemap.xml"));

            assertEquals(0, run.exitCode(), run.stderr());
            assertEquals(0, server.requests("/a").size(), "recorded: skipped");
            assertEquals(1, server.requests("/b").size());
            try (var lines = JsonLines.read(out)) {
                assertEquals(2, lines.count());
            }
        } finally {
            Fetcher.setShared(before);
        }
    }
}
