package dev.poolkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.poolkit.fixtures.TestSupport.items;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Isolated("times item timeouts to within 2 s (PoolContractTest)")
class ThreadPoolTest extends PoolContractTest {
    @Override
    Pool newPool(int concurrency, Handler handler) {
        return ThreadPool.of(concurrency, handler);
    }

    @Test
    void threadsAreNamedWorkerN() throws Exception {
        int n = 3;
        var barrier = new CyclicBarrier(n);
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        try (var pool = ThreadPool.of(n, item -> {
            threads.add(Thread.currentThread());
            barrier.await(5, TimeUnit.SECONDS); // so that every thread gets an item
            return Fields.of();
        })) {
            assertEquals(n * 4, pool.run(items(n * 4).iterator(), r -> {}).ok());
        }

        assertEquals(Set.of("worker-0", "worker-1", "worker-2"),
                threads.stream().map(Thread::getName).collect(Collectors.toSet()));
        assertTrue(threads.stream().noneMatch(Thread::isVirtual));
    }

    @Test
    void noThreadIsLeftRunningAfterARun() throws Exception {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        try (var pool = ThreadPool.of(4, item -> {
            threads.add(Thread.currentThread());
            return Fields.of();
        })) {
            pool.run(items(100).iterator(), r -> {});
        }
        assertFalse(threads.isEmpty());
        assertTrue(threads.stream().noneMatch(Thread::isAlive));
    }

    @Test
    void threadsBelowOneAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> ThreadPool.of(0, item -> Fields.of()));
        assertEquals("threads must be >= 1, got 0", e.getMessage());
    }


    @Test
    void threadsIsWhatWasAskedFor() {
        assertEquals(List.of(1, 7), IntStream.of(1, 7).mapToObj(n -> ThreadPool.of(n, item -> null).threads()).toList());
    }
}
