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
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared command line, run in-process with a handler that needs no network. */
class JobTest {

    @Command(name = "test-job")
    static class Upper implements Callable<Integer> {
        @Mixin
        Job job;

        @Override
        public Integer call() throws Exception {
            return job.run(ThreadPool.of(2, item -> {
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

    @Test
    void noItemsIsAUsageError() {
        Run run = run();

        assertEquals(2, run.exitCode());
        assertEquals("test-job: no items: give them as arguments, with -i FILE (- for stdin), or try --demo",
                run.stderr().strip());
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
}
