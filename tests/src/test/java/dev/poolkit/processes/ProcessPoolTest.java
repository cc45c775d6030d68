package dev.poolkit.processes;

import dev.poolkit.ProcessPool;
import dev.poolkit.Result;
import dev.poolkit.Summary;
import dev.poolkit.fixtures.TestWorker;
import dev.poolkit.internal.process.JvmOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.poolkit.fixtures.TestSupport.awaitBlocked;
import static dev.poolkit.fixtures.TestSupport.awaitUntil;
import static dev.poolkit.fixtures.TestSupport.byItem;
import static dev.poolkit.fixtures.TestSupport.inputThatFailsAfter;
import static dev.poolkit.fixtures.TestSupport.items;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

// One net for hangs for every test, not a speed limit: a test here starts up to twenty worker JVMs
// (one that cannot start is tried ten times a slot), and on a 2-core machine that other builds
// load each start takes seconds (the poison test took 30 to 85 s so and failed at 60; the tests
// that had 30 and 45 s of their own failed at those).
@Timeout(180)
@ResourceLock(Workers.LOCK) // checks that no worker process outlives a test
@Order(Integer.MAX_VALUE - 3) // long: a runner thread takes classes from the last (junit-platform.properties)
class ProcessPoolTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @AfterEach
    void noWorkerOutlivesItsTest() {
        awaitUntil(() -> Workers.alive().findAny().isEmpty(), Duration.ofSeconds(10));
    }

    @Test
    void everyItemGetsExactlyOneResultAcrossProcesses() throws Exception {
        var results = new ConcurrentLinkedQueue<Result>();
        Summary summary;
        try (var pool = TestWorker.pool(2, 2)) {
            summary = pool.run(items(200).iterator(), results::add);
        }

        Map<String, Result> byItem = byItem(results);
        assertEquals(Set.copyOf(items(200)), byItem.keySet());
        assertEquals(200, summary.ok());
        assertEquals(0, summary.failed());
        byItem.forEach((item, r) -> assertEquals(item, r.fields().get("echo")));
        Set<Object> pids = results.stream().map(r -> r.fields().get("pid")).collect(Collectors.toSet());
        assertEquals(2, pids.size(), "both workers should have answered: " + pids);
        assertFalse(pids.contains(ProcessHandle.current().pid()), "the handler must run in the workers");
    }

    @Test
    void aResultThatCannotCrossTheWireIsAFailureNotAHang() throws Exception {
        var input = new ArrayList<>(items(10));
        input.add(5, "unwritable");
        var results = new ConcurrentLinkedQueue<Result>();
        try (var pool = TestWorker.pool(1, 2)) {
            pool.run(input.iterator(), results::add);
        }

        Map<String, Result> byItem = byItem(results);
        assertEquals(Set.copyOf(input), byItem.keySet());
        assertEquals(11, results.size());
        Result unwritable = byItem.get("unwritable");
        assertFalse(unwritable.ok());
        assertEquals("handler", unwritable.errorKind());
        assertTrue(unwritable.error().contains("cannot be written as JSON"), unwritable.error());
        assertEquals(10, results.stream().filter(Result::ok).count());
    }

    @Test
    void mapReturnsResultsInInputOrder() throws Exception {
        var input = new ArrayList<>(items(50));
        input.add("item-3");
        List<Result> results;
        try (var pool = TestWorker.pool(2, 2)) {
            results = pool.map(input);
        }
        assertEquals(input, results.stream().map(Result::item).toList());
        assertTrue(results.stream().allMatch(Result::ok));
    }

    @Test
    void crashedWorkerTaskIsRetried(@TempDir Path dir) throws Exception {
        String crashOnce = "crash-once:" + dir.resolve("crashed");
        var input = new ArrayList<>(items(20));
        input.add(10, crashOnce);
        var results = new ConcurrentLinkedQueue<Result>();

        Summary summary;
        try (var pool = TestWorker.pool(2, 2)) {
            summary = pool.run(input.iterator(), results::add);
        }

        assertTrue(Files.exists(dir.resolve("crashed")), "the worker should have crashed once");
        Map<String, Result> byItem = byItem(results);
        assertEquals(Set.copyOf(input), byItem.keySet());
        assertTrue(byItem.get(crashOnce).ok(), byItem.get(crashOnce)::toString);
        assertEquals(21, summary.ok(), () -> "failed: " + results.stream().filter(r -> !r.ok()).toList());
    }

    @Test
    void taskThatAlwaysCrashesFailsWithTheExitCodeAndStderr() throws Exception {
        // One worker thread: the tasks before the crashing one are answered before it dies.
        var input = new ArrayList<>(items(10));
        input.add("crash:7");
        var results = new ConcurrentLinkedQueue<Result>();

        Summary summary;
        try (var pool = TestWorker.pool(1, 1)) {
            summary = pool.run(input.iterator(), results::add);
        }

        Map<String, Result> byItem = byItem(results);
        assertEquals(Set.copyOf(input), byItem.keySet());
        Result crashed = byItem.get("crash:7");
        assertFalse(crashed.ok());
        assertNull(crashed.status());
        assertEquals("crash", crashed.errorKind());
        assertTrue(crashed.error().contains("exit code 7"), crashed.error());
        assertTrue(crashed.error().contains("dying now"), crashed.error());
        assertTrue(crashed.error().contains(TestWorker.class.getName()), "the error names the worker: " + crashed.error());
        assertFalse(crashed.error().contains(System.getProperty("java.class.path")), "the class path is left out");
        assertEquals(10, summary.ok());
        assertEquals(1, summary.failed());
    }

    @Test
    void itemsBesideAPoisonItemAreAnsweredNormally() throws Exception {
        // Four threads a worker: each crash takes several innocent items down with the poison one.
        // No crash retry: a poison item costs two worker starts (the crash among others, then
        // alone), not three; that a crashed task is sent again is crashedWorkerTaskIsRetried's.
        var input = new ArrayList<>(items(40));
        input.add(5, "crash:7");
        input.add(30, "crash:8");
        var results = new ConcurrentLinkedQueue<Result>();

        Summary summary;
        try (var pool = ProcessPool.builder().processes(2).threadsPerProcess(4).crashRetries(0)
                .handler(TestWorker::handle).worker(TestWorker.class, List.of("4")).build()) {
            summary = pool.run(input.iterator(), results::add);
        }

        Map<String, Result> byItem = byItem(results);
        assertEquals(Set.copyOf(input), byItem.keySet());
        assertEquals(Set.of("crash:7", "crash:8"),
                results.stream().filter(r -> !r.ok()).map(Result::item).collect(Collectors.toSet()));
        assertEquals(40, summary.ok());
    }

    @Test
    void crashRetriesZeroFailsTheTaskAtTheFirstCrash() throws Exception {
        var results = new ConcurrentLinkedQueue<Result>();
        var pool = ProcessPool.builder().processes(1).crashRetries(0)
                .handler(TestWorker::handle).worker(TestWorker.class, List.of("1")).build();
        try (pool) {
            pool.run(List.of("crash:9", "after").iterator(), results::add);
        }
        Map<String, Result> byItem = byItem(results);
        assertTrue(byItem.get("crash:9").error().contains("exit code 9"), byItem.get("crash:9").error());
        assertTrue(byItem.get("after").ok(), byItem.get("after")::toString);
        assertEquals(2, byItem.size());
    }

    @Test
    void workerThatCannotStartMakesItemsFail() throws Exception {
        var pool = ProcessPool.builder().processes(2).handler(TestWorker::handle)
                .command(List.of(JAVA, "-cp", System.getProperty("java.class.path"), "dev.poolkit.NoSuchWorker"))
                .build();
        var results = new ConcurrentLinkedQueue<Result>();

        Summary summary;
        try (pool) {
            summary = pool.run(items(20).iterator(), results::add);
        }

        assertEquals(Set.copyOf(items(20)), byItem(results).keySet());
        assertEquals(0, summary.ok());
        assertEquals(20, summary.failed());
        assertTrue(results.stream().allMatch(r -> r.error().startsWith("worker process died with exit code 1")), results::toString);
        assertTrue(results.stream().allMatch(r -> r.error().contains("ClassNotFoundException: dev.poolkit.NoSuchWorker")),
                "the error carries the worker's last words: " + results.peek().error());
    }

    @Test
    void workerCommandThatDoesNotExistMakesItemsFail() throws Exception {
        var pool = ProcessPool.builder().processes(1).handler(TestWorker::handle)
                .command(List.of("/nonexistent/poolkit-java")).build();
        var results = new ConcurrentLinkedQueue<Result>();

        Summary summary;
        try (pool) {
            summary = pool.run(items(5).iterator(), results::add);
        }

        assertEquals(5, summary.failed());
        assertTrue(results.stream().allMatch(r -> r.error().contains("could not start")), results::toString);
    }

    @Test
    void handlerPrintingToStdoutDoesNotCorruptResults() throws Exception {
        // The printed line looks like an answer to task 1: it must not be taken for one.
        String forged = "print:{\"id\":1,\"result\":{\"item\":\"forged\",\"ok\":false,\"error\":\"forged\"}}";
        var input = new ArrayList<>(items(20));
        input.add(0, forged);
        input.add(5, "print:hello from the handler");
        var results = new ConcurrentLinkedQueue<Result>();

        Summary summary;
        try (var pool = TestWorker.pool(1, 2)) {
            summary = pool.run(input.iterator(), results::add);
        }

        Map<String, Result> byItem = byItem(results);
        assertEquals(Set.copyOf(input), byItem.keySet());
        assertEquals(22, summary.ok());
        assertEquals(forged, byItem.get(forged).fields().get("echo"));
    }

    @Test
    void aWorkerJvmThatLogsALotDoesNotCorruptResults() throws Exception {
        // The JVM's own output would land on the wire (stdout) between the answers' lines.
        var command = new ArrayList<String>(List.of(JAVA));
        command.addAll(JvmOptions.forWorker(List.of("-XX:+PrintCompilation", "-Xlog:gc*=debug", "-verbose:class")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), TestWorker.class.getName(), "4"));
        var results = new ConcurrentLinkedQueue<Result>();

        Summary summary;
        try (var pool = ProcessPool.builder().processes(1).threadsPerProcess(4).handler(TestWorker::handle).command(command).build()) {
            summary = pool.run(items(2_000).iterator(), results::add);
        }

        assertEquals(Set.copyOf(items(2_000)), byItem(results).keySet());
        assertEquals(2_000, summary.ok());
    }

    @Test
    void textWrittenStraightOnTheWireDoesNotLoseTheAnswerAfterIt() throws Exception {
        // One thread: the stray text is followed on the same line by this task's own answer.
        var input = new ArrayList<>(items(10));
        input.add(3, "raw:stray text from native code ");
        input.add(6, "raw:{\"id\":broken ");
        var results = new ConcurrentLinkedQueue<Result>();

        Summary summary;
        try (var pool = TestWorker.pool(1, 1)) {
            summary = pool.run(input.iterator(), results::add);
        }

        assertEquals(Set.copyOf(input), byItem(results).keySet());
        assertEquals(12, results.size());
        assertEquals(12, summary.ok());
    }

    @Test
    void itemsSurviveTheWireWhateverTheirText() throws Exception {
        List<String> input = List.of("plain", "with \"quotes\" and \\", "ünïcödé ✓", "tab\there", "{\"id\":5}");
        List<Result> results;
        try (var pool = TestWorker.pool(1, 1)) {
            results = pool.map(input);
        }
        assertEquals(input, results.stream().map(Result::item).toList());
        assertEquals(input, results.stream().map(r -> r.fields().get("echo")).toList());
    }

    @Test
    void noWorkerIsLeftAliveAfterRunAndClose() throws Exception {
        var pool = TestWorker.pool(3, 1);
        var workerPids = new ConcurrentLinkedQueue<Long>();
        pool.run(items(30).iterator(), r -> workerPids.add(((Number) r.fields().get("pid")).longValue()));
        pool.close();

        awaitUntil(() -> Workers.alive().findAny().isEmpty(), Duration.ofSeconds(10));
        assertFalse(workerPids.isEmpty());
        for (long pid : Set.copyOf(workerPids)) {
            assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "worker " + pid + " is alive");
        }
    }

    @Test
    void sinkThatThrowsStopsTheRunAndRunRethrowsIt() throws Exception {
        var given = new AtomicInteger();
        var pulled = new AtomicInteger();
        var input = IntStream.range(0, 100_000).mapToObj(i -> {
            pulled.incrementAndGet();
            return "item-" + i;
        }).iterator();
        try (var pool = TestWorker.pool(2, 2)) {
            var e = assertThrows(IllegalStateException.class, () -> pool.run(input, r -> {
                if (given.incrementAndGet() >= 5) throw new IllegalStateException("disk full");
            }));
            assertEquals("disk full", e.getMessage());
        }
        assertTrue(pulled.get() < 10_000, "read " + pulled.get() + " items after the sink failed");
    }

    @Test
    void inputThatFailsEndsTheRunOnceTheItemsReadAreDone() throws Exception {
        var results = new ConcurrentLinkedQueue<Result>();
        try (var pool = TestWorker.pool(2, 1)) {
            var e = assertThrows(UncheckedIOException.class,
                    () -> pool.run(inputThatFailsAfter(20), results::add));
            assertEquals("cannot read input", e.getCause().getMessage());
            assertEquals(20, results.size(), "run() threw before the items it read were done");
        }
        assertEquals(20, byItem(results).size());
    }

    @Test
    void stopFinishesTheItemsRunningAndStartsNoneOfThoseSentAhead(@TempDir Path dir) throws Exception {
        // 2 workers of 2 threads: 4 items run, up to 4 more wait in the workers, more in the queue.
        var results = new ConcurrentLinkedQueue<Result>();
        var pulled = new AtomicInteger();
        var input = IntStream.range(0, 1000).mapToObj(i -> {
            pulled.incrementAndGet();
            return "gate:" + dir.resolve("item-" + i);
        }).iterator();
        var summary = new AtomicReference<Summary>();
        try (var pool = TestWorker.pool(2, 2)) {
            Thread runner = Thread.ofPlatform().start(() -> {
                try {
                    summary.set(pool.run(input, results::add));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            try {
                awaitUntil(() -> started(dir).size() == 4, Duration.ofSeconds(60));
            } finally {
                // Also when the wait failed: else close() waits for a run whose gated items never end.
                pool.stop();
                Files.createFile(dir.resolve("open"));
            }

            assertTrue(runner.join(Duration.ofSeconds(20)), "run() did not return after stop()");
        }
        Set<String> started = started(dir);
        assertEquals(4, started.size(), "an item was started after stop(): " + started);
        assertEquals(started, byItem(results).keySet());
        assertEquals(new Summary(4, 0, summary.get().millis()), summary.get());
        assertTrue(pulled.get() < 1000, "the input was read to its end");
        awaitUntil(() -> Workers.alive().findAny().isEmpty(), Duration.ofSeconds(10));
    }

    /** The gate: items that have started, by item. */
    private static Set<String> started(Path dir) {
        try (var files = Files.list(dir)) {
            return files.map(Path::toString).filter(f -> f.endsWith(".started"))
                    .map(f -> "gate:" + f.substring(0, f.length() - ".started".length())).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void interruptingRunEndsTheWorkers() throws Exception {
        var thrown = new AtomicReference<Throwable>();
        var input = Stream.generate(() -> "hang").limit(100).iterator();
        try (var pool = TestWorker.pool(2, 1)) {
            Thread runner = Thread.ofPlatform().start(() -> {
                try {
                    pool.run(input, r -> {});
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            awaitUntil(() -> Workers.alive().count() == 2, Duration.ofSeconds(10));
            awaitBlocked(runner, Duration.ofSeconds(10));

            runner.interrupt();

            assertTrue(runner.join(Duration.ofSeconds(10)), "run() did not return after its thread was interrupted");
        }
        assertInstanceOf(InterruptedException.class, thrown.get());
        // No worker is started again: the slots' threads end, and with them every worker.
        awaitUntil(() -> slotThreads().isEmpty() && Workers.alive().findAny().isEmpty(),
                Duration.ofSeconds(10));
    }

    /** The live threads that serve worker slots. */
    static List<String> slotThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.matches("(feeder|reader)-\\d+")).toList();
    }

    @Test
    void runWithoutAWorkerIsRejected() {
        var pool = ProcessPool.builder().processes(1).handler(TestWorker::handle).build();
        var e = assertThrows(IllegalStateException.class, () -> pool.run(items(1).iterator(), r -> {}));
        assertTrue(e.getMessage().startsWith("no worker command"), e.getMessage());
    }

    @Test
    void builderChecksItsArguments() {
        var b = ProcessPool.builder();
        assertEquals("processes must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> b.processes(0)).getMessage());
        assertEquals("threadsPerProcess must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> b.threadsPerProcess(0)).getMessage());
        assertEquals("crashRetries must be >= 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> b.crashRetries(-1)).getMessage());
        assertEquals("command must not be empty",
                assertThrows(IllegalArgumentException.class, () -> b.command(List.of())).getMessage());
        assertEquals("handler",
                assertThrows(NullPointerException.class, () -> ProcessPool.builder().build()).getMessage());
    }

    @Test
    void builderDefaultsToOneThreadPerCore() {
        var pool = ProcessPool.builder().handler(TestWorker::handle).build();
        assertEquals(Runtime.getRuntime().availableProcessors(), pool.processes());
        assertEquals(1, pool.threadsPerProcess());
    }

    @Test
    void thisJvmIsNotAWorker() {
        assertFalse(ProcessPool.isWorker());
    }
}
