package dev.poolkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static dev.poolkit.fixtures.TestSupport.items;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Isolated("times item timeouts to within 2 s (PoolContractTest)")
class AsyncPoolTest extends PoolContractTest {
    @Override
    Pool newPool(int concurrency, Handler handler) {
        return AsyncPool.of(concurrency, handler);
    }

    @Test
    void handlersRunOnVirtualThreadsNamedTaskN() throws Exception {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        try (var pool = AsyncPool.of(5, item -> {
            threads.add(Thread.currentThread());
            return Fields.of();
        })) {
            assertEquals(20, pool.run(items(20).iterator(), r -> {}).ok());
        }

        assertEquals(20, threads.size(), "one thread per item");
        assertTrue(threads.stream().allMatch(Thread::isVirtual));
        assertTrue(threads.stream().allMatch(t -> t.getName().matches("task-\\d+")), threads::toString);
    }

    @Test
    void thousandsRunAtOnce() throws Exception {
        int n = 2_000;
        var barrier = new CyclicBarrier(n);
        try (var pool = AsyncPool.of(n, item -> {
            barrier.await(10, TimeUnit.SECONDS);
            return Fields.of();
        })) {
            assertEquals(n, pool.run(items(n).iterator(), r -> {}).ok());
        }
    }

    @Test
    void concurrencyBelowOneIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> AsyncPool.of(0, item -> Fields.of()));
        assertEquals("concurrency must be >= 1, got 0", e.getMessage());
    }
}
