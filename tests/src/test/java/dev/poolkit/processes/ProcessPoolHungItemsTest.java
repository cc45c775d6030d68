package dev.poolkit.processes;

import dev.poolkit.ProcessPool;
import dev.poolkit.Result;
import dev.poolkit.Summary;
import dev.poolkit.fixtures.TestWorker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import static dev.poolkit.fixtures.TestSupport.awaitUntil;
import static dev.poolkit.fixtures.TestSupport.byItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Items whose handler never returns: they hold up no other item, and an item timeout ends them. */
@Timeout(120)
@Isolated("checks that no child process of this JVM outlives a test: another class's processes would count")
class ProcessPoolHungItemsTest {
    static final String TIMEOUT_ERROR = "item timed out after 1000 ms (--item-timeout); its worker was killed and replaced";

    @AfterEach
    void noWorkerOutlivesItsTest() {
        awaitUntil(() -> ProcessHandle.current().children().findAny().isEmpty(), Duration.ofSeconds(10));
    }

    static List<String> items(int n) {
        return IntStream.range(0, n).mapToObj(i -> "item-" + i).toList();
    }

    @Test
    void anItemThatNeverReturnsHoldsUpNoOtherItem(@TempDir Path dir) throws Exception {
        // One thread a worker. The other items are read once the hung one runs, so its worker's
        // feeder, which has room for one more task, is the first to take one: it would wait behind
        // the hung item for ever, while the other worker idles.
        Path running = dir.resolve("hang-runs");
        String hang = "hang:" + running;
        var results = new ConcurrentLinkedQueue<Result>();
        var thrown = new AtomicReference<Throwable>();
        try (var pool = TestWorker.pool(2, 1)) {
            Thread runner = Thread.ofPlatform().start(() -> {
                try {
                    pool.run(inputAfter(hang, () -> Files.exists(running), items(39)), results::add);
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });

            try {
                awaitUntil(() -> results.size() == 39, Duration.ofSeconds(60));
                assertTrue(runner.isAlive(), "with no item timeout, the run waits for the hung item");
            } finally {
                runner.interrupt(); // close() would wait for the run
                assertTrue(runner.join(Duration.ofSeconds(10)), "run() did not return after its thread was interrupted");
            }
        }
        assertInstanceOf(InterruptedException.class, thrown.get());
        Map<String, Result> byItem = byItem(results);
        assertEquals(Set.copyOf(items(39)), byItem.keySet());
        assertTrue(results.stream().allMatch(Result::ok), results::toString);
    }

    /** {@code first}, then {@code rest} once {@code until} holds (polled with a deadline). */
    static Iterator<String> inputAfter(String first, BooleanSupplier until, List<String> rest) {
        return new Iterator<>() {
            int next = -1;

            @Override
            public boolean hasNext() {
                return next < rest.size();
            }

            @Override
            public String next() {
                if (next == -1) {
                    next++;
                    return first;
                }
                if (next == 0) awaitUntil(until, Duration.ofSeconds(60));
                return rest.get(next++);
            }
        };
    }

    @ParameterizedTest(name = "{0} thread(s) per worker")
    @ValueSource(ints = {1, 3})
    void itemsPastTheTimeoutFailAndEveryOtherItemGetsItsRecord(int threads) throws Exception {
        var input = new ArrayList<>(items(40));
        for (int at : new int[]{2, 11, 12, 30}) input.add(at, "hang");
        var hung = List.of("hang");
        var results = new ConcurrentLinkedQueue<Result>();

        Summary summary;
        try (var pool = TestWorker.pool(2, threads).withItemTimeout(Duration.ofSeconds(1))) {
            summary = pool.run(input.iterator(), results::add);
        }

        assertEquals(input.size(), results.size(), "one record per item");
        assertEquals(40, summary.ok(), () -> "failed: " + results.stream().filter(r -> !r.ok()).toList());
        assertEquals(4, summary.failed());
        for (Result r : results) {
            if (!hung.contains(r.item())) {
                assertEquals(r.item(), r.fields().get("echo"), r::toString);
                continue;
            }
            assertFalse(r.ok());
            assertEquals("item-timeout", r.errorKind());
            assertEquals(TIMEOUT_ERROR, r.error());
            assertTrue(r.millis() >= 1000, r::toString);
        }
        assertEquals(List.of(), ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList(),
                "no worker is left once the run is over");
    }

    @Test
    void aTimedOutWorkerIsKilledWithItsChildren(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("child.pid");
        String hangs = "hang-with-child:" + pidFile;
        var results = new ConcurrentLinkedQueue<Result>();

        // Three seconds: a first process start in a busy JVM can take one, and a child born while its
        // worker is being killed escapes (see ProcessPool): this test is about the child born before.
        try (var pool = TestWorker.pool(1, 1).withItemTimeout(Duration.ofSeconds(3))) {
            pool.run(List.of(hangs, "after").iterator(), results::add);
        }

        Map<String, Result> byItem = byItem(results);
        assertEquals("item-timeout", byItem.get(hangs).errorKind());
        assertTrue(byItem.get("after").ok(), byItem.get("after")::toString);
        long child = Long.parseLong(Files.readString(pidFile));
        try {
            // Orphaned, it would no longer be our descendant: ask for it by pid.
            awaitUntil(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true) || isZombie(child),
                    Duration.ofSeconds(10));
        } finally {
            ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly); // leave no orphan if it failed
        }
    }

    // Killed but not yet reaped by whoever inherited it: dead all the same.
    static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException gone) {
            return true;
        }
    }

    @Test
    void withItemTimeoutKeepsEveryOtherSettingAndChecksItsArgument() {
        ProcessPool pool = TestWorker.pool(2, 3);
        ProcessPool timed = pool.withItemTimeout(Duration.ofSeconds(1));

        assertEquals(Duration.ofSeconds(1), timed.itemTimeout());
        assertEquals(2, timed.processes());
        assertEquals(3, timed.threadsPerProcess());
        assertEquals(Duration.ZERO, pool.itemTimeout(), "the pool it came from is unchanged");
        assertEquals(Duration.ofMillis(250), ProcessPool.builder().itemTimeout(Duration.ofMillis(250))
                .handler(TestWorker::handle).build().itemTimeout());
        assertEquals("itemTimeout must be >= 0, got -1 ms", assertThrows(IllegalArgumentException.class,
                () -> pool.withItemTimeout(Duration.ofMillis(-1))).getMessage());
    }
}
