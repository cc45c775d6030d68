package dev.poolkit.cli;

import dev.poolkit.Fields;
import dev.poolkit.JsonLines;
import dev.poolkit.ThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --resume, --retry-failed and --force through the shared command line, in-process. */
class ResumeTest {
    /** Items the handler was given, by item, in any test. */
    static final Map<String, Integer> HANDLED = new ConcurrentHashMap<>();

    /** Fails an item named flaky-... the first time it is handled, and any named fail-...; upper-cases the rest. */
    @Command(name = "resume-job")
    static class Flaky implements Callable<Integer> {
        @Mixin
        Job job;

        @Override
        public Integer call() throws Exception {
            return job.run(ThreadPool.of(2, item -> {
                int n = HANDLED.merge(item, 1, Integer::sum);
                if (item.startsWith("fail-") || item.startsWith("flaky-") && n == 1) throw new IllegalStateException("asked to fail");
                return Fields.of("upper", item.toUpperCase());
            }));
        }
    }

    record Run(int exitCode, String stderr) {
        String firstLine() {
            return stderr.lines().findFirst().orElse("");
        }
    }

    static Run run(String... args) {
        var err = new StringWriter();
        CommandLine cli = Job.commandLine(new Flaky());
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), err.toString());
    }

    static List<Map<String, Object>> records(Path out) throws Exception {
        try (var lines = JsonLines.read(out)) {
            return lines.toList();
        }
    }

    @Test
    void resumeOrRetryFailedWithoutAnOutputFileIsAUsageError() {
        Run resume = run("--resume", "no-output-1");
        Run retry = run("--retry-failed", "no-output-1");

        assertEquals(2, resume.exitCode());
        assertEquals("resume-job: --resume needs -o FILE: the output to resume (records written to stdout cannot be read back)",
                resume.stderr().strip());
        assertEquals(2, retry.exitCode());
        assertTrue(retry.stderr().startsWith("resume-job: --retry-failed needs -o FILE"), retry.stderr());
        assertEquals(null, HANDLED.get("no-output-1"));
    }

    @Test
    void forceWithoutResumeIsAUsageError(@TempDir Path dir) {
        Run run = run("--force", "-o", dir.resolve("out.jsonl").toString(), "force-alone");

        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().startsWith("resume-job: --force goes with --resume or --retry-failed"), run.stderr());
    }

    @Test
    void textFileIsRefusedUntouchedAndForceAppendsToIt(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("notes.txt");
        String notes = "remember the milk\nand the eggs";
        Files.writeString(out, notes);

        Run refused = run("-q", "-o", out.toString(), "--resume", "text-1");
        String after = Files.readString(out);
        Run forced = run("-q", "-o", out.toString(), "--resume", "--force", "text-1");

        assertEquals(2, refused.exitCode());
        assertEquals(1, refused.stderr().lines().count(), refused.stderr());
        assertTrue(refused.firstLine().startsWith("resume-job: " + out + " is not poolkit's output: line 1 is not a record"), refused.stderr());
        assertTrue(refused.firstLine().endsWith("(check -o; --force resumes it anyway, keeping such lines)"), refused.stderr());
        assertEquals(notes, after);
        assertEquals(0, forced.exitCode(), forced.stderr());
        assertTrue(Files.readString(out).startsWith(notes + "\n{\"item\":\"text-1\",\"ok\":true"), Files.readString(out));
        assertEquals(1, HANDLED.get("text-1"));
    }

    @Test
    void jsonLinesOfSomethingElseAreRefused(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.jsonl");
        Files.writeString(out, "{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b\"}\n");

        Run run = run("-o", out.toString(), "--retry-failed", "foreign-1");

        assertEquals(2, run.exitCode());
        assertTrue(run.firstLine().startsWith("resume-job: " + out + " is not poolkit's output: line 1 is not a record"), run.stderr());
        assertEquals(null, HANDLED.get("foreign-1"));
    }

    @Test
    void outputOfOtherItemsIsRefusedSayingWhatWasCompared(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.jsonl");
        Path input = dir.resolve("items.txt");
        Files.writeString(input, "changed-1\nchanged-2\n");
        // --ordered: the message names the first missing item in the file's order, which is otherwise the order items finished.
        assertEquals(0, run("-q", "--ordered", "-o", out.toString(), "-i", input.toString()).exitCode());
        Files.writeString(input, "changed-3\nchanged-4\n");
        String before = Files.readString(out);

        Run refused = run("-o", out.toString(), "-i", input.toString(), "--resume");
        String afterRefused = Files.readString(out);
        Run forced = run("-q", "-o", out.toString(), "-i", input.toString(), "--resume", "--force");

        assertEquals(2, refused.exitCode());
        assertEquals("resume-job: " + out + " does not look like this run's output: of 2 items sampled from its records, 2 are not "
                + "in this run's input, such as changed-1 (check -i, the items and -o; --force resumes it anyway)", refused.stderr().strip());
        assertEquals(before, afterRefused, "refused: nothing written");
        assertEquals(0, forced.exitCode(), forced.stderr());
        assertEquals(Set.of("changed-1", "changed-2", "changed-3", "changed-4"),
                Set.copyOf(records(out).stream().map(r -> r.get("item")).toList()));
    }

    @Test
    void skippedCountsTheItemsReallySkippedNotTheRecordsInTheFile(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.jsonl");
        assertEquals(0, run("-q", "-o", out.toString(), "dup-1", "dup-1").exitCode());

        // dup-1 once now: one of its two records skips it.
        Run resumed = run("-o", out.toString(), "--resume", "dup-1", "dup-3");

        assertEquals(0, resumed.exitCode(), resumed.stderr());
        assertTrue(resumed.firstLine().startsWith("resume-job: done: 1 items, 1 ok, 0 failed"), resumed.stderr());
        assertTrue(resumed.firstLine().contains("; skipped 1 already in " + out), resumed.stderr());
    }

    @Test
    void retryFailedRunsTheItemsThatFailedAgainAndLeavesOneRecordEach(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.jsonl");
        Run first = run("-q", "-o", out.toString(), "retry-ok", "flaky-retry-1", "flaky-retry-2", "fail-retry");

        Run retried = run("-o", out.toString(), "--retry-failed", "retry-ok", "flaky-retry-1", "flaky-retry-2", "fail-retry");

        assertEquals(1, first.exitCode(), first.stderr());
        assertEquals(1, retried.exitCode(), "fail-retry fails again: " + retried.stderr());
        assertEquals("resume-job: retrying 3 items whose last record failed (their failed records are out of " + out + ")",
                retried.firstLine());
        assertTrue(retried.stderr().contains("done: 3 items, 2 ok, 1 failed"), retried.stderr());
        assertTrue(retried.stderr().contains("skipped 1 already in"), retried.stderr());
        Map<Object, Boolean> okByItem = new java.util.HashMap<>();
        for (var r : records(out)) assertEquals(null, okByItem.put(r.get("item"), (Boolean) r.get("ok")), "one record per item: " + r);
        assertEquals(Map.of("retry-ok", true, "flaky-retry-1", true, "flaky-retry-2", true, "fail-retry", false), okByItem);
        assertEquals(1, HANDLED.get("retry-ok"));
        assertEquals(2, HANDLED.get("flaky-retry-1"));
    }
}
