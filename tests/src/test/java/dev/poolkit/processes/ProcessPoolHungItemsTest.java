package dev.poolkit.processes;

import dev.poolkit.Result;
import dev.poolkit.fixtures.TestWorker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Items whose handler never returns hold up no other item. */
@Timeout(120)
class ProcessPoolHungItemsTest {
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
}
