package dev.poolkit.e2e;

import dev.poolkit.fixtures.TestServer;
import dev.poolkit.fixtures.TestServer.Reply;
import dev.poolkit.internal.Json;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static dev.poolkit.fixtures.TestSupport.awaitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ctrl-C and SIGTERM in the templates, on a run of 2,000 slow pages stopped mid-way: the items
 * in flight finish and have their records, the rest are not started and a resume does them, no
 * worker process outlives its parent, and a second Ctrl-C stops at once with whole records.
 */
// Nets for hangs, not speed limits (a first run builds; on a 2-core machine that other builds load, a
// hybrid row ran past 3 minutes). What "at once" means is set by the runs' own --grace and --timeout.
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@Order(3) // long: a runner thread takes classes from the first (junit-platform.properties)
class StopTemplateTest {
    static final int PAGES = 2_000;

    /** How the pages answer: slow (in flight for a while), at once, or never. */
    enum Pace { SLOW, FAST, STUCK }

    // SIGTERM is Job's, the same in every template: one row has it. The signal goes to the java
    // process alone, as kill sends it, or to its whole process group, as a terminal's Ctrl-C does,
    // which reaches the worker processes too.
    @ParameterizedTest(name = "{0}: SIG{1} to the {2}")
    @CsvSource({"threads, TERM, process", "async, INT, process", "processes, INT, group", "hybrid, INT, group"})
    void aSignalFinishesTheItemsInFlightSaysWhatIsLeftAndResumeDoesEachItemOnce(String template, String signal, String target,
                                                                                @TempDir Path dir) throws Exception {
        var pace = new AtomicReference<>(Pace.SLOW);
        try (TestServer server = pages(pace)) {
            String[] args = args(dir, server, template);
            Process run = Command.startInOwnGroup(dir, args);
            try {
                List<ProcessHandle> children = runningWithRecords(run, dir, 5, template);
                Command.signal(run, signal, target.equals("group"));

                assertTrue(run.waitFor(60, TimeUnit.SECONDS), () -> "still running 60 s after SIG" + signal + ": " + stderr(dir));
                String err = stderr(dir);
                assertEquals(signal.equals("INT") ? 130 : 143, run.exitValue(), err);
                assertStoppedGracefully(template, "SIG" + signal, dir, server, err);
                assertAllEnd(children);
            } finally {
                kill(run);
            }

            pace.set(Pace.FAST);
            Command resumed = Command.jbang(dir, null, with(args, "--resume"));
            assertEquals(0, resumed.exitCode(), resumed::toString);
            Map<String, Map<String, Object>> byItem = TemplatesTest.recordsByItem(dir.resolve("out.jsonl"), PAGES); // each once
            for (int i = 1; i <= PAGES; i++) {
                Map<String, Object> record = byItem.get(server.url("/p/" + i));
                assertEquals(true, record == null ? null : record.get("ok"), "page " + i + ": " + record);
            }
        }
    }

    @Test
    void aSecondCtrlCStopsAtOnceAndLeavesOnlyWholeRecords(@TempDir Path dir) throws Exception {
        // The first 40 pages answer at once, the others never: neither the first Ctrl-C's grace
        // (300 s) nor the requests' timeout (300 s) could end the items in flight before the
        // minute this waits, so only the second Ctrl-C can have stopped the run; and a minute is
        // long enough for a JVM to stop on a loaded 2-core machine (8 s was not).
        var served = new AtomicInteger();
        try (TestServer server = pages(() -> served.incrementAndGet() <= 40 ? Pace.FAST : Pace.STUCK)) {
            Process run = Command.startInOwnGroup(dir, with(with(args(dir, server, "processes"), "--grace=300"), "--timeout=300"));
            try {
                List<ProcessHandle> children = runningWithRecords(run, dir, 10, "processes");
                Command.signal(run, "INT", true);
                awaitUntil(() -> stderr(dir).contains("processes: stopping (SIGINT)"), Duration.ofSeconds(60), () -> stderr(dir));
                long second = System.nanoTime();
                Command.signal(run, "INT", true);

                assertTrue(run.waitFor(60, TimeUnit.SECONDS), () -> "still running 60 s after a second Ctrl-C: " + stderr(dir));
                String err = stderr(dir);
                assertEquals(130, run.exitValue(), err);
                assertTrue(System.nanoTime() - second < TimeUnit.SECONDS.toNanos(60), err);
                assertTrue(Pattern.compile("processes: stopped at once: \\d+ records written to out.jsonl; "
                        + "rerun the same command with --resume to finish").matcher(err).find(), err);
                String text = Files.readString(dir.resolve("out.jsonl"), StandardCharsets.UTF_8);
                assertTrue(text.endsWith("\n"), "a record cut short: " + text);
                List<String> lines = text.lines().toList();
                assertTrue(lines.size() >= 10, text);
                for (String line : lines) Json.MAPPER.readTree(line); // each a whole JSON object
                assertAllEnd(children);
            } finally {
                kill(run);
            }
        }
    }

    @Test
    void pastTheGraceTheItemsStillRunningAreAbandonedWithoutARecord(@TempDir Path dir) throws Exception {
        var served = new AtomicInteger();
        try (TestServer server = pages(() -> served.incrementAndGet() <= 40 ? Pace.FAST : Pace.STUCK)) {
            // The stuck items' requests time out after 300 s: only abandoning them ends the run within the minute waited.
            Process run = Command.startInOwnGroup(dir, with(with(args(dir, server, "threads"), "--grace=1"), "--timeout=300"));
            try {
                runningWithRecords(run, dir, 10, "threads");
                awaitUntil(() -> served.get() > 40 + 8, Duration.ofSeconds(60)); // items stuck in flight
                Command.signal(run, "INT", false);

                assertTrue(run.waitFor(60, TimeUnit.SECONDS), () -> "still running 60 s after Ctrl-C with --grace 1: " + stderr(dir));
                String err = stderr(dir);
                assertEquals(130, run.exitValue(), err);
                List<String> lines = Files.readAllLines(dir.resolve("out.jsonl"), StandardCharsets.UTF_8);
                for (String line : lines) {
                    assertEquals(true, Json.MAPPER.readTree(line).path("ok").asBoolean(), "a stuck item has a record: " + line);
                }
                assertTrue(err.contains("threads: stopped: " + (PAGES - lines.size()) + " items not done (the items still running "
                        + "after --grace 1 s were abandoned); rerun the same command with --resume to finish"), err);
            } finally {
                kill(run);
            }
        }
    }

    private static TestServer pages(AtomicReference<Pace> pace) throws IOException {
        return pages(pace::get);
    }

    private static TestServer pages(java.util.function.Supplier<Pace> pace) throws IOException {
        TestServer server = TestServer.start();
        for (int i = 1; i <= PAGES; i++) {
            server.route("/p/" + i, (n, exchange) -> switch (pace.get()) {
                case SLOW -> Reply.held(150);
                case FAST -> Reply.ok();
                case STUCK -> Reply.heldUntilClosed();
            });
        }
        return server;
    }

    /** The template's command line over the 2,000 pages, written to list.txt in {@code dir}. */
    private static String[] args(Path dir, TestServer server, String template) throws IOException {
        Files.write(dir.resolve("list.txt"), IntStream.rangeClosed(1, PAGES).mapToObj(i -> server.url("/p/" + i)).toList());
        var args = new ArrayList<>(List.of(Command.ROOT.resolve("templates/" + template + ".java").toString(),
                "-i", "list.txt", "-o", "out.jsonl", "--stats", "stats.json", "--progress-every", "60"));
        args.addAll(switch (template) {
            case "threads" -> List.of("-c", "16");
            case "async" -> List.of("-c", "32");
            case "processes" -> List.of("-p", "2");
            case "hybrid" -> List.of("-p", "2", "-t", "8");
            default -> throw new IllegalArgumentException(template);
        });
        return args.toArray(String[]::new);
    }

    private static String[] with(String[] args, String more) {
        var all = new ArrayList<>(List.of(args));
        all.add(more);
        return all.toArray(String[]::new);
    }

    /**
     * Waits for {@code records} records in out.jsonl; returns the run's worker processes then (its
     * java children: not ./jbang's own helper that builds an AOT cache once the run is over).
     */
    private static List<ProcessHandle> runningWithRecords(Process run, Path dir, int records, String template) {
        awaitUntil(() -> !run.isAlive() || lines(dir.resolve("out.jsonl")) >= records, Duration.ofMinutes(4), () -> stderr(dir));
        assertTrue(run.isAlive(), () -> "ended before it was stopped: " + stderr(dir));
        List<ProcessHandle> children = run.descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false)).toList();
        if (template.equals("processes") || template.equals("hybrid")) {
            assertFalse(children.isEmpty(), "no worker process to watch");
        }
        return children;
    }

    /**
     * Every page the server was asked for has its record, once; the others have none; the
     * summary says it stopped and the last line says how many items are left and how to finish;
     * --stats counts the records, and says the run did not finish.
     */
    private static void assertStoppedGracefully(String template, String signal, Path dir, TestServer server, String err)
            throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("out.jsonl"), StandardCharsets.UTF_8);
        Set<String> recorded = new HashSet<>();
        for (String line : lines) assertTrue(recorded.add(Json.MAPPER.readTree(line).path("item").textValue()), line);
        for (int i = 1; i <= PAGES; i++) {
            String url = server.url("/p/" + i);
            if (!server.requests("/p/" + i).isEmpty()) assertTrue(recorded.contains(url), "started, no record: " + url + "\n" + err);
        }
        assertTrue(recorded.size() < PAGES, "every item was run: the stop came too late to test anything");
        assertTrue(err.contains(template + ": stopping (" + signal + "): no new items"), err);
        assertTrue(err.contains(template + ": stopped by " + signal + ": " + recorded.size() + " items"), err);
        Matcher hint = Pattern.compile(template + ": stopped: (\\d+) items not started; rerun the same command with --resume to finish")
                .matcher(err);
        assertTrue(hint.find(), err);
        assertEquals(PAGES - recorded.size(), Integer.parseInt(hint.group(1)), err);
        var stats = Json.MAPPER.readTree(dir.resolve("stats.json").toFile());
        assertFalse(stats.path("finished").asBoolean(true), stats::toString);
        assertEquals(recorded.size(), stats.path("items").asInt(-1), stats::toString);
    }

    /** No worker process outlives the run. */
    private static void assertAllEnd(List<ProcessHandle> children) {
        awaitUntil(() -> children.stream().noneMatch(ProcessHandle::isAlive), Duration.ofSeconds(30),
                () -> "still alive: " + children.stream().filter(ProcessHandle::isAlive).map(p -> p.pid() + " " + p.info().commandLine()).toList());
    }

    private static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8).size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String stderr(Path dir) {
        try {
            return Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no stderr: " + e.getMessage() + ")";
        }
    }

    private static void kill(Process run) {
        run.descendants().forEach(ProcessHandle::destroyForcibly);
        run.destroyForcibly();
    }
}
