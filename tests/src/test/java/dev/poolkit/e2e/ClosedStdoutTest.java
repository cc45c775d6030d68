package dev.poolkit.e2e;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.poolkit.fixtures.TestSupport.awaitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./jbang templates/TEMPLATE.java ... | head -n 5}: the reader leaves after five lines, and the run must
 * stop at once instead of running every item into a closed pipe.
 */
@Order(4) // long: a runner thread takes classes from the first (junit-platform.properties)
class ClosedStdoutTest {

    @ParameterizedTest
    @ValueSource(strings = {"threads", "processes", "hybrid", "async"})
    @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // the first run builds
    void aReaderThatLeavesAfterFiveLinesStopsTheRunWithExit141(String template, @TempDir Path dir) throws Exception {
        Path stderr = dir.resolve("stderr.txt");
        // Far more output than a pipe holds, so that the run is still writing when the reader leaves.
        Process process = new ProcessBuilder(Command.JBANG, Command.template(template), "--demo", "--demo-pages", "3000", "--demo-delay", "5")
                .directory(Command.ROOT.toFile()).redirectError(stderr.toFile()).start();
        try {
            process.getOutputStream().close();
            List<ProcessHandle> children;
            try (var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (int i = 0; i < 5; i++) assertNotNull(out.readLine(), () -> "stdout ended early; stderr: " + read(stderr));
                // The worker JVMs of processes and hybrid; not ./jbang's helper that builds an AOT
                // cache once the run is over (a script run by its file trains one when it has none).
                children = process.descendants().filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false)).toList();
            }

            assertTrue(process.waitFor(15, TimeUnit.SECONDS), () -> "still running 15 s after stdout closed; stderr: " + read(stderr));
            String err = read(stderr);
            assertEquals(141, process.exitValue(), err);
            List<String> lines = err.lines().filter(l -> !l.startsWith("[jbang]") && !l.isBlank()).toList();
            assertTrue(lines.stream().noneMatch(l -> l.contains("done:")), err);
            String stopped = lines.getLast();
            assertTrue(stopped.matches(template + ": stdout closed after \\d+ records; stopped "
                    + "\\(\\d+ items read, \\d+ of them not written; the rest not started\\)"), err);
            long read = Long.parseLong(stopped.replaceAll(".*\\((\\d+) items read.*", "$1"));
            assertTrue(read < 3000, "every item was read: " + stopped);
            // A worker ends when it reads the end of its stdin; a JVM's exit is slow on a loaded machine (failed at 5 s).
            awaitUntil(() -> children.stream().noneMatch(ProcessHandle::isAlive), Duration.ofSeconds(30));
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
