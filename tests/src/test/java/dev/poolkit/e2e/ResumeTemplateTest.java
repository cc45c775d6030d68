package dev.poolkit.e2e;

import dev.poolkit.JsonLines;
import dev.poolkit.fixtures.TestServer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --resume and --retry-failed as a user meets them: a run killed with -9, a run with failures. */
@Order(Integer.MAX_VALUE - 2) // long: a runner thread takes classes from the last (junit-platform.properties)
class ResumeTemplateTest {
    private static final Pattern DEMO_PAGE = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/page/(\\d+)");

    static List<String> concurrency(String template) {
        return switch (template) {
            case "processes" -> List.of("-p", "2");
            case "hybrid" -> List.of("-p", "2", "-t", "2");
            default -> List.of("-c", "4");
        };
    }

    static long lines(Path file) throws IOException {
        if (!Files.exists(file)) return 0;
        try (var lines = Files.lines(file)) {
            return lines.count();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "processes", "hybrid", "async"})
    void demoRunKilledWithSigkillIsFinishedBySameCommandWithResumeEveryPageOnce(String template, @TempDir Path dir) throws Exception {
        int pages = 120;
        String script = Command.ROOT.resolve("templates/" + template + ".java").toString();
        List<String> args = new ArrayList<>(List.of(script, "--demo", "--demo-pages", String.valueOf(pages),
                "--demo-delay", "30", "-o", "out.jsonl", "-q"));
        args.addAll(concurrency(template));
        var command = new ArrayList<>(List.of(Command.JBANG));
        command.addAll(args);
        Path out = dir.resolve("out.jsonl");
        Process run = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(dir.resolve("err.txt").toFile()).start();
        try {
            // Long: a net for hangs; on a loaded 2-core machine a run's JVMs took over 2 minutes to start.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            while (lines(out) < 20) {
                assertTrue(run.isAlive(), () -> "ended before it could be killed: " + readQuietly(dir.resolve("err.txt")));
                assertTrue(System.nanoTime() < deadline, "no 20 records in 4 minutes");
                Thread.sleep(5);
            }
        } finally {
            // kill -9, the JVM and its worker processes: nothing of theirs runs after this.
            List<ProcessHandle> workers = run.descendants().toList();
            run.destroyForcibly();
            workers.forEach(ProcessHandle::destroyForcibly);
            run.waitFor();
        }
        long killedAt = lines(out);

        args.add("--resume");
        Command resumed = Command.jbang(dir, null, args.toArray(String[]::new));

        assertTrue(killedAt < pages, "killed mid-run: " + killedAt + " records");
        assertEquals(0, resumed.exitCode(), resumed::toString);
        List<Map<String, Object>> records;
        try (var lines = JsonLines.read(out)) {
            records = lines.toList();
        }
        assertEquals(pages, records.size(), "one record per page, none twice");
        Set<String> ports = new TreeSet<>();
        Set<Integer> numbers = new TreeSet<>();
        for (var r : records) {
            Matcher m = DEMO_PAGE.matcher((String) r.get("item"));
            assertTrue(m.matches(), r::toString);
            ports.add(m.group(1));
            numbers.add(Integer.parseInt(m.group(2)));
            assertEquals(true, r.get("ok"), r::toString);
        }
        assertEquals(1, ports.size(), "one demo site, the same port both times: " + ports);
        assertEquals(pages, numbers.size());
    }

    static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void retryFailedRunsAgainWhatFailedAndLeavesOneRecordPerItem(@TempDir Path dir) throws Exception {
        try (var server = TestServer.start()) {
            // Fails the first time, then answers: a run with failures, then their retry.
            for (String path : List.of("/flaky/1", "/flaky/2")) server.route(path, (n, exchange) -> TestServer.Reply.status(n == 1 ? 503 : 200));
            server.route("/ok", TestServer.Reply.ok());
            List<String> items = List.of(server.url("/ok"), server.url("/flaky/1"), server.url("/flaky/2"));
            Files.write(dir.resolve("items.txt"), items);
            String script = Command.ROOT.resolve("templates/threads.java").toString();

            Command first = Command.jbang(dir, null, script, "-i", "items.txt", "-o", "out.jsonl", "--retries", "0");
            Command retried = Command.jbang(dir, null, script, "-i", "items.txt", "-o", "out.jsonl", "--retries", "0", "--retry-failed");

            assertEquals(1, first.exitCode(), first::toString);
            assertEquals(0, retried.exitCode(), retried::toString);
            assertTrue(retried.errorLines().contains("threads: retrying 2 items whose last record failed (their failed records are out of "
                    + "out.jsonl)"), retried::toString);
            assertTrue(retried.doneLine().startsWith("threads: done: 2 items, 2 ok, 0 failed"), retried::toString);
            List<Map<String, Object>> records;
            try (var lines = JsonLines.read(dir.resolve("out.jsonl"))) {
                records = lines.toList();
            }
            assertEquals(Set.copyOf(items), records.stream().map(r -> (String) r.get("item")).collect(Collectors.toSet()));
            assertEquals(3, records.size(), "one record per item");
            assertTrue(records.stream().allMatch(r -> Boolean.TRUE.equals(r.get("ok"))), records::toString);
            assertEquals(1, server.requests("/ok").size(), "an item that did not fail is not fetched again");
            assertEquals(2, server.requests("/flaky/1").size());
        }
    }
}
