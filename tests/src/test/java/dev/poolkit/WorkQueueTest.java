package dev.poolkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

import static dev.poolkit.fixtures.TestSupport.awaitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class WorkQueueTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void fullQueueBlocksTheProducerUntilATake() throws Exception {
        WorkQueue<String> queue = WorkQueue.ofCapacity(1);
        queue.put("a");
        Thread producer = Thread.ofPlatform().start(() -> {
            try {
                queue.put("b");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        awaitUntil(() -> producer.getState() == Thread.State.WAITING, WAIT);
        assertEquals(1, queue.size());
        assertTrue(producer.isAlive());

        assertEquals("a", queue.take());
        assertTrue(producer.join(WAIT), "the producer should finish once there is room");
        assertEquals("b", queue.take());
    }

    @Test
    void takeReturnsItemsInFifoOrder() throws Exception {
        WorkQueue<Integer> queue = WorkQueue.ofCapacity(100);
        for (int i = 0; i < 100; i++) queue.put(i);
        queue.close();

        List<Integer> taken = new ArrayList<>();
        for (Integer i; (i = queue.take()) != null; ) taken.add(i);

        assertEquals(java.util.stream.IntStream.range(0, 100).boxed().toList(), taken);
    }

    @Test
    void takeReturnsNullOnceClosedAndDrained() throws Exception {
        WorkQueue<String> queue = WorkQueue.ofCapacity(3);
        queue.put("x");
        queue.put("y");
        queue.close();

        assertTrue(queue.isClosed());
        assertEquals("x", queue.take());
        assertEquals("y", queue.take());
        assertNull(queue.take());
        assertNull(queue.take(), "a drained closed queue keeps answering null");
    }

    @Test
    void putAfterCloseIsRejected() {
        WorkQueue<String> queue = WorkQueue.ofCapacity(3);
        queue.close();

        var e = assertThrows(IllegalStateException.class, () -> queue.put("late"));
        assertEquals("put on a closed WorkQueue", e.getMessage());
        assertEquals(0, queue.size());
    }

    @Test
    void closeWakesABlockedTaker() throws Exception {
        WorkQueue<String> queue = WorkQueue.ofCapacity(1);
        var taken = new AtomicReference<Object>("not yet");
        Thread taker = Thread.ofPlatform().start(() -> {
            try {
                taken.set(queue.take());
            } catch (InterruptedException e) {
                taken.set(e);
            }
        });
        awaitUntil(() -> taker.getState() == Thread.State.WAITING, WAIT);

        queue.close();

        assertTrue(taker.join(WAIT), "close should wake the taker");
        assertNull(taken.get());
    }

    @Test
    void closeWakesABlockedProducerWithAnError() throws Exception {
        WorkQueue<String> queue = WorkQueue.ofCapacity(1);
        queue.put("a");
        var failure = new AtomicReference<Throwable>();
        Thread producer = Thread.ofPlatform().start(() -> {
            try {
                queue.put("b");
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        awaitUntil(() -> producer.getState() == Thread.State.WAITING, WAIT);

        queue.close();

        assertTrue(producer.join(WAIT), "close should wake the producer");
        assertInstanceOf(IllegalStateException.class, failure.get());
        assertEquals("put on a closed WorkQueue", failure.get().getMessage());
        assertEquals("a", queue.take());
        assertNull(queue.take());
    }

    @Test
    void manyProducersAndConsumersLoseNothing() throws Exception {
        WorkQueue<Integer> queue = WorkQueue.ofCapacity(4);
        var taken = new ConcurrentLinkedQueue<Integer>();
        List<Thread> consumers = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            consumers.add(Thread.ofPlatform().start(() -> {
                try {
                    for (Integer i; (i = queue.take()) != null; ) taken.add(i);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            int base = p * 1000;
            producers.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 1000; i++) queue.put(base + i);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread p : producers) assertTrue(p.join(WAIT));
        queue.close();
        for (Thread c : consumers) assertTrue(c.join(WAIT));

        assertEquals(4000, taken.size());
        assertEquals(4000, taken.stream().distinct().count());
    }

    @Test
    void capacityBelowOneIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> WorkQueue.ofCapacity(0));
        assertEquals("capacity must be >= 1, got 0", e.getMessage());
    }

    @Test
    void nullItemsAreRejected() {
        WorkQueue<String> queue = WorkQueue.ofCapacity(1);
        var e = assertThrows(NullPointerException.class, () -> queue.put(null));
        assertEquals("item", e.getMessage());
        assertFalse(queue.isClosed());
    }
}
