package dev.poolkit;

import dev.poolkit.http.FetchException;
import dev.poolkit.http.HttpStatusException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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

/**
 * What every in-JVM {@link Pool} promises, run against each backend by a subclass.
 */
@Timeout(20)
abstract class PoolContractTest {
    static final Duration WAIT = Duration.ofSeconds(5);

    /** A pool of this backend that runs at most {@code concurrency} items at once. */
    abstract Pool newPool(int concurrency, Handler handler);

    static Summary run(Pool pool, List<String> items, ConcurrentLinkedQueue<Result> results) throws InterruptedException {
        return pool.run(items.iterator(), results::add);
    }

    @Test
    void followFieldIsComputedOnTheHandlersThreadOnlyWhenThePoolFollows() throws Exception {
        var computedOn = new ConcurrentLinkedQueue<String>();
        Handler handler = item -> {
            String handlerThread = Thread.currentThread().getName();
            return Fields.of("n", 1, Fields.FOLLOW, Fields.follow(() -> {
                computedOn.add(Thread.currentThread().getName().equals(handlerThread) ? "same" : "other");
                return List.of(item + "/a", item + "/b");
            }));
        };
        var plain = new ConcurrentLinkedQueue<Result>();
        try (Pool pool = newPool(4, handler)) {
            run(pool, List.of("x", "y", "z"), plain);
        }
        assertTrue(computedOn.isEmpty(), "a pool that does not follow never computes the links");
        for (Result r : plain) assertEquals(Map.of("n", 1), r.fields(), "and drops the field");

        var following = new ConcurrentLinkedQueue<Result>();
        try (Pool pool = newPool(4, handler).withFollow(true)) {
            run(pool, List.of("x", "y", "z"), following);
        }
        assertEquals(List.of("same", "same", "same"), List.copyOf(computedOn));
        for (Result r : following) {
            assertEquals(List.of(r.item() + "/a", r.item() + "/b"), r.fields().get(Fields.FOLLOW), r.toString());
        }
    }

    @Test
    void followThatThrowsFailsItsItem() throws Exception {
        var results = new ConcurrentLinkedQueue<Result>();
        try (Pool pool = newPool(2, item -> Fields.of(Fields.FOLLOW, Fields.follow(() -> {
            throw new IllegalStateException("no links today");
        }))).withFollow(true)) {
            run(pool, List.of("x"), results);
        }
        Result r = results.peek();
        assertFalse(r.ok());
        assertEquals("handler", r.errorKind());
        assertTrue(r.error().contains("no links today"), r.error());
    }

    @Test
    void everyItemGetsExactlyOneResult() throws Exception {
        // 500 distinct items, each four times: duplicates must each get their own result.
        List<String> input = IntStream.range(0, 2000).mapToObj(i -> "item-" + (i % 500)).toList();
        var results = new ConcurrentLinkedQueue<Result>();

        Summary summary;
        try (Pool pool = newPool(8, item -> Fields.of("length", item.length()))) {
            summary = run(pool, input, results);
        }

        assertEquals(2000, results.size());
        Map<String, Long> counts = results.stream().collect(Collectors.groupingBy(Result::item, Collectors.counting()));
        assertEquals(500, counts.size());
        counts.forEach((item, count) -> assertEquals(4L, count, item));
        assertTrue(results.stream().allMatch(Result::ok));
        assertTrue(results.stream().allMatch(r -> r.fields().get("length").equals(r.item().length())));
        assertEquals(new Summary(2000, 0, summary.millis()), summary);
    }

    @Test
    void stopFinishesTheItemsInFlightAndStartsNoOther() throws Exception {
        var started = new ConcurrentLinkedQueue<String>();
        var release = new CountDownLatch(1);
        var pulled = new AtomicInteger();
        Iterator<String> input = items(1000).stream().peek(i -> pulled.incrementAndGet()).iterator();
        var results = new ConcurrentLinkedQueue<Result>();
        var summary = new AtomicReference<Summary>();
        try (Pool pool = newPool(4, item -> {
            started.add(item);
            release.await();
            return Fields.of();
        })) {
            Thread runner = Thread.ofPlatform().start(() -> {
                try {
                    summary.set(pool.run(input, results::add));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            awaitUntil(() -> started.size() == 4, WAIT);

            pool.stop();
            release.countDown();

            assertTrue(runner.join(WAIT), "run() did not return after stop()");
        }
        assertEquals(4, started.size(), "an item was started after stop(): " + started);
        assertEquals(Set.copyOf(started), byItem(results).keySet(), "the items in flight finish and have their results");
        assertEquals(new Summary(4, 0, summary.get().millis()), summary.get());
        assertTrue(pulled.get() < 1000, "the input was read to its end");
    }

    @Test
    void concurrencyIsNeverExceededAndIsReached() throws Exception {
        int n = 4;
        // Each handler waits for n-1 others: the run can only finish if exactly n run together.
        var barrier = new CyclicBarrier(n);
        var inFlight = new AtomicInteger();
        var maxInFlight = new AtomicInteger();
        Handler handler = item -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                barrier.await(5, TimeUnit.SECONDS);
            } finally {
                inFlight.decrementAndGet();
            }
            return Fields.of();
        };
        var results = new ConcurrentLinkedQueue<Result>();

        Summary summary;
        try (Pool pool = newPool(n, handler)) {
            summary = run(pool, items(n * 10), results);
        }

        assertEquals(n, maxInFlight.get());
        assertEquals(n * 10, summary.ok(), () -> "failures: " + results.stream().filter(r -> !r.ok()).map(Result::error).distinct().toList());
    }

    @Test
    void handlerExceptionBecomesAFailedResult() throws Exception {
        Handler handler = item -> {
            if (item.equals("bad")) throw new IllegalStateException("boom");
            return Fields.of("echo", item);
        };
        var results = new ConcurrentLinkedQueue<Result>();

        Summary summary;
        try (Pool pool = newPool(2, handler)) {
            summary = run(pool, List.of("a", "bad", "c"), results);
        }

        Map<String, Result> byItem = byItem(results);
        Result bad = byItem.get("bad");
        assertFalse(bad.ok());
        assertNull(bad.status());
        assertEquals("IllegalStateException: boom", bad.error());
        assertEquals("handler", bad.errorKind());
        assertEquals(Map.of(), bad.fields());
        for (String ok : List.of("a", "c")) {
            assertTrue(byItem.get(ok).ok());
            assertNull(byItem.get(ok).error());
            assertNull(byItem.get(ok).errorKind());
            assertEquals(Map.of("echo", ok), byItem.get(ok).fields());
        }
        assertEquals(2, summary.ok());
        assertEquals(1, summary.failed());
    }

    @Test
    void exceptionWithoutMessageIsNamedByItsType() throws Exception {
        var results = new ConcurrentLinkedQueue<Result>();
        try (Pool pool = newPool(1, item -> { throw new UnsupportedOperationException(); })) {
            run(pool, List.of("x"), results);
        }
        assertEquals("UnsupportedOperationException", results.peek().error());
    }

    @Test
    void multiLineMessageBecomesOneLine() throws Exception {
        var results = new ConcurrentLinkedQueue<Result>();
        try (Pool pool = newPool(1, item -> { throw new IllegalArgumentException("first\n  second\r\nthird\n"); })) {
            run(pool, List.of("x"), results);
        }
        assertEquals("IllegalArgumentException: first | second | third", results.peek().error());
    }

    @Test
    void httpStatusExceptionGivesTheStatus() throws Exception {
        var results = new ConcurrentLinkedQueue<Result>();
        try (Pool pool = newPool(2, item -> { throw new HttpStatusException(item, 404); })) {
            run(pool, List.of("http://127.0.0.1/missing"), results);
        }

        Result r = results.peek();
        assertFalse(r.ok());
        assertEquals(404, r.status());
        assertEquals("HTTP 404", r.error());
        assertEquals("http", r.errorKind());
    }

    /** A parser's own failure, as a user would write it. */
    static final class ParseException extends Exception implements Failure {
        ParseException(String message) {
            super(message);
        }

        @Override
        public String errorKind() {
            return "parse";
        }

        @Override
        public Map<String, ?> fields() {
            return Fields.of("status", 422, "line", 3);
        }
    }

    @Test
    void aHandlersOwnFailureNamesItsKindStatusAndFields() throws Exception {
        var results = new ConcurrentLinkedQueue<Result>();
        try (Pool pool = newPool(1, item -> { throw new ParseException("no closing quote on line 3"); })) {
            run(pool, List.of("rows.csv"), results);
        }

        Result r = results.peek();
        assertFalse(r.ok());
        assertEquals("no closing quote on line 3", r.error());
        assertEquals("parse", r.errorKind());
        assertEquals(422, r.status());
        assertEquals(List.of("item", "ok", "status", "error", "errorKind", "millis", "line"), List.copyOf(r.toMap().keySet()));
        assertEquals(3, r.toMap().get("line"));
    }

    @Test
    void fetchFailureRecordsItsKindAndAttempts() throws Exception {
        var results = new ConcurrentLinkedQueue<Result>();
        try (Pool pool = newPool(1, item -> {
            throw new FetchException(item, FetchException.Kind.TIMEOUT, "timed out after 5 ms: 127.0.0.1:1", null);
        })) {
            run(pool, List.of("http://127.0.0.1:1/"), results);
        }

        Result r = results.peek();
        assertEquals("timed out after 5 ms: 127.0.0.1:1", r.error());
        assertEquals("timeout", r.errorKind());
        assertEquals(Map.of("attempts", 1), r.fields());
        assertEquals(List.of("item", "ok", "status", "error", "errorKind", "millis", "attempts"), List.copyOf(r.toMap().keySet()));
    }

    @Test
    void fieldNamedStatusFillsTheResultStatus() throws Exception {
        var results = new ConcurrentLinkedQueue<Result>();
        try (Pool pool = newPool(2, item -> Fields.of("status", 201, "title", null))) {
            run(pool, List.of("u"), results);
        }

        Result r = results.peek();
        assertTrue(r.ok());
        assertEquals(201, r.status());
        var written = r.toMap();
        assertEquals(List.of("item", "ok", "status", "error", "errorKind", "millis", "title"), List.copyOf(written.keySet()));
        assertEquals(201, written.get("status"));
        assertNull(written.get("title"));
    }

    @Test
    void handlerReturningNullGivesAnOkResultWithNoFields() throws Exception {
        var results = new ConcurrentLinkedQueue<Result>();
        try (Pool pool = newPool(1, item -> null)) {
            run(pool, List.of("u"), results);
        }
        assertTrue(results.peek().ok());
        assertEquals(Map.of(), results.peek().fields());
    }

    @Test
    void inputIsStreamed() throws Exception {
        int n = 4;
        int size = 10_000;
        var pulled = new AtomicInteger();
        Iterator<String> input = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return pulled.get() < size;
            }

            @Override
            public String next() {
                return "item-" + pulled.getAndIncrement();
            }
        };
        var release = new CountDownLatch(1);
        var inFlight = new AtomicInteger();
        Handler handler = item -> {
            inFlight.incrementAndGet();
            try {
                assertTrue(release.await(10, TimeUnit.SECONDS));
            } finally {
                inFlight.decrementAndGet();
            }
            return Fields.of();
        };
        var summary = new AtomicReference<Summary>();
        try (Pool pool = newPool(n, handler)) {
            Thread runner = Thread.ofPlatform().start(() -> {
                try {
                    summary.set(pool.run(input, r -> {}));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                awaitUntil(() -> inFlight.get() == n, WAIT);
                awaitBlocked(runner, WAIT); // the reader waits for room instead of reading on

                assertTrue(pulled.get() <= 3 * n + 2, "pulled " + pulled.get() + " items while " + n + " were stuck");
                assertEquals(n, inFlight.get());
            } finally {
                release.countDown();
            }
            assertTrue(runner.join(WAIT));
        }
        assertEquals(size, pulled.get());
        assertEquals(size, summary.get().ok());
    }

    @Test
    void closeWaitsForARunInProgress() throws Exception {
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Handler handler = item -> {
            started.countDown();
            assertTrue(release.await(10, TimeUnit.SECONDS));
            return Fields.of();
        };
        Pool pool = newPool(2, handler);
        Thread runner = Thread.ofPlatform().start(() -> {
            try {
                pool.run(items(3).iterator(), r -> {});
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        var closed = new AtomicBoolean();
        Thread closer;
        try {
            assertTrue(started.await(5, TimeUnit.SECONDS));
            closer = Thread.ofPlatform().start(() -> {
                pool.close();
                closed.set(true);
            });
            awaitBlocked(closer, WAIT);
            assertFalse(closed.get(), "close() returned while a run was in progress");
            assertTrue(closer.isAlive());
        } finally {
            release.countDown();
        }

        assertTrue(closer.join(WAIT));
        assertTrue(closed.get());
        assertTrue(runner.join(WAIT));
    }

    @Test
    void closeIsIdempotent() throws Exception {
        Pool pool = newPool(2, item -> Fields.of());
        pool.close();
        pool.close();
    }

    @Test
    void aPoolRunsAgainAfterARun() throws Exception {
        try (Pool pool = newPool(3, item -> Fields.of("echo", item))) {
            var first = new ConcurrentLinkedQueue<Result>();
            var second = new ConcurrentLinkedQueue<Result>();
            assertEquals(50, run(pool, items(50), first).ok());
            assertEquals(70, run(pool, items(70), second).ok());
            assertEquals(50, byItem(first).size());
            assertEquals(70, byItem(second).size());
        }
    }

    @Test
    void mapReturnsResultsInInputOrder() throws Exception {
        // item-0 finishes only after item-9: completion order differs from input order.
        var item9Done = new CountDownLatch(1);
        var finished = new ConcurrentLinkedQueue<String>();
        Handler handler = item -> {
            if (item.equals("item-0")) assertTrue(item9Done.await(5, TimeUnit.SECONDS));
            finished.add(item);
            if (item.equals("item-9")) item9Done.countDown();
            return Fields.of("echo", item);
        };
        List<String> input = new ArrayList<>(items(300));
        input.add("item-5"); // duplicates at the end
        input.add("item-0");

        List<Result> results;
        try (Pool pool = newPool(4, handler)) {
            results = pool.map(input);
        }

        assertEquals(input, results.stream().map(Result::item).toList());
        assertTrue(results.stream().allMatch(r -> r.ok() && r.fields().get("echo").equals(r.item())));
        List<String> order = List.copyOf(finished);
        assertTrue(order.indexOf("item-0") > order.indexOf("item-9"), "the test needs item-0 to finish after item-9");
    }

    @Test
    void mapOfNothingIsEmpty() throws Exception {
        try (Pool pool = newPool(2, item -> Fields.of())) {
            assertEquals(List.of(), pool.map(List.of()));
        }
    }

    @Test
    void sinkThatThrowsStopsTheRunAndRunRethrowsIt() throws Exception {
        var pulled = new AtomicInteger();
        Iterator<String> input = IntStream.range(0, 10_000).mapToObj(i -> {
            pulled.incrementAndGet();
            return "item-" + i;
        }).iterator();
        var given = new AtomicInteger();
        var diskFull = new IllegalStateException("disk full");

        try (Pool pool = newPool(4, item -> Fields.of())) {
            var e = assertThrows(IllegalStateException.class, () -> pool.run(input, r -> {
                if (given.incrementAndGet() >= 5) throw diskFull;
            }));
            assertEquals("disk full", e.getMessage());
        }
        assertTrue(pulled.get() < 1_000, "the run read " + pulled.get() + " items after its sink failed");
    }

    @Test
    void sinkThatThrowsInterruptsTheItemsInFlightAndStartsNoMore() throws Exception {
        int n = 3;
        var release = new CountDownLatch(1);
        var started = new AtomicInteger();
        var othersWaiting = new CountDownLatch(n - 1);
        Handler handler = item -> {
            started.incrementAndGet();
            if (item.equals("item-0")) {
                assertTrue(othersWaiting.await(5, TimeUnit.SECONDS)); // fail only once the others are in
                return Fields.of();
            }
            othersWaiting.countDown();
            assertTrue(release.await(30, TimeUnit.SECONDS)); // an interrupt ends this wait
            return Fields.of();
        };
        var thrown = new AtomicReference<Throwable>();
        try (Pool pool = newPool(n, handler)) {
            Thread runner = Thread.ofPlatform().start(() -> {
                try {
                    pool.run(items(100).iterator(), r -> { throw new IllegalStateException("stdout closed"); });
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            try {
                assertTrue(runner.join(WAIT), "run() waited for the items in flight after its sink failed");
            } finally {
                release.countDown();
            }
        }
        assertEquals("stdout closed", thrown.get().getMessage());
        assertEquals(n, started.get(), "items started after the sink failed");
    }

    @Test
    void inputThatFailsEndsTheRunOnceTheItemsReadAreDone() throws Exception {
        var results = new ConcurrentLinkedQueue<Result>();
        try (Pool pool = newPool(3, item -> Fields.of())) {
            var e = assertThrows(UncheckedIOException.class, () -> pool.run(inputThatFailsAfter(20), results::add));
            assertEquals("cannot read input", e.getCause().getMessage());
            assertEquals(20, results.size(), "run() threw before the items it read were done");
        }
        assertEquals(20, byItem(results).size());
    }

    @Test
    void inputFailingWithIllegalStateExceptionIsNotTakenForTheEndOfInput() throws Exception {
        Iterator<String> input = Stream.concat(Stream.of("a", "b", "c", "d", "e"),
                Stream.<String>generate(() -> { throw new IllegalStateException("input broke"); })).iterator();
        var results = new ConcurrentLinkedQueue<Result>();
        try (Pool pool = newPool(2, item -> Fields.of())) {
            var e = assertThrows(IllegalStateException.class, () -> pool.run(input, results::add));
            assertEquals("input broke", e.getMessage());
        }
        assertEquals(5, byItem(results).size());
    }

    @Test
    void nullHandlerIsRejected() {
        var e = assertThrows(NullPointerException.class, () -> newPool(1, null));
        assertEquals("handler", e.getMessage());
    }

    @Test
    void summaryCountsOkAndFailed() throws Exception {
        Handler handler = item -> {
            if (Integer.parseInt(item.substring("item-".length())) % 3 == 0) throw new Exception("no");
            return Fields.of();
        };
        var results = new ConcurrentLinkedQueue<Result>();
        Summary summary;
        try (Pool pool = newPool(3, handler)) {
            summary = run(pool, items(30), results);
        }
        assertEquals(20, summary.ok());
        assertEquals(10, summary.failed());
        assertEquals(30, summary.total());
        assertEquals(10, results.stream().filter(r -> !r.ok()).count());
        assertTrue(results.stream().filter(r -> !r.ok()).allMatch(r -> r.error().equals("Exception: no")));
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a run that never ends fails, not hangs
    void anItemPastItsDeadlineGetsOneItemTimeoutRecordAndTheRunGoesOn() throws Exception {
        // Two items hang, one honouring the interrupt and one ignoring it, while the pool has two
        // slots: the rest can only run if both slots are given back at the deadline.
        var release = new CountDownLatch(1);
        var interrupted = new ConcurrentHashMap<String, Boolean>();
        var hungThreads = new ConcurrentHashMap<String, Thread>();
        Handler handler = item -> {
            if (item.equals("hang-honouring")) {
                hungThreads.put(item, Thread.currentThread());
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    interrupted.put(item, true);
                    throw e;
                }
            }
            if (item.equals("hang-ignoring")) {
                hungThreads.put(item, Thread.currentThread());
                while (true) {
                    try {
                        release.await();
                        break;
                    } catch (InterruptedException e) {
                        interrupted.put(item, true); // and carries on waiting
                    }
                }
                return Fields.of("late", true);
            }
            return Fields.of("echo", item);
        };
        List<String> input = new ArrayList<>(items(20));
        input.add(3, "hang-honouring");
        input.add(5, "hang-ignoring");
        var results = new ConcurrentLinkedQueue<Result>();

        Summary summary;
        long start = System.nanoTime();
        try (Pool pool = newPool(2, handler).withItemTimeout(Duration.ofSeconds(1))) {
            summary = run(pool, input, results);
        }
        long runMillis = (System.nanoTime() - start) / 1_000_000;
        try {
            assertEquals(new Summary(20, 2, summary.millis()), summary);
            Map<String, Result> byItem = byItem(results);
            assertEquals(22, byItem.size());
            for (String item : items(20)) assertEquals(Map.of("echo", item), byItem.get(item).fields(), item);
            for (String hung : List.of("hang-honouring", "hang-ignoring")) {
                Result r = byItem.get(hung);
                assertFalse(r.ok(), r::toString);
                assertEquals("item-timeout", r.errorKind(), r::toString);
                assertEquals("item timed out after 1000 ms (--item-timeout)", r.error());
                assertTrue(r.millis() >= 1000 && r.millis() < 3000, "written at the deadline, not " + r.millis() + " ms");
                // The timeout record is written as the thread is interrupted; its catch runs after.
                awaitUntil(() -> interrupted.containsKey(hung), Duration.ofSeconds(5), () -> hung + "'s thread was not interrupted");
            }
            assertTrue(runMillis < 10_000, "the run took " + runMillis + " ms");
        } finally {
            release.countDown();
        }
        // The handler that ignored the interrupt returns now: its thread ends without a second record.
        for (Thread t : hungThreads.values()) assertTrue(t.join(WAIT), t + " did not end");
        assertEquals(22, results.size(), () -> results.stream().filter(r -> r.item().startsWith("hang")).toList().toString());
    }

    @Test
    void zeroItemTimeoutMeansNone() throws Exception {
        var results = new ConcurrentLinkedQueue<Result>();
        try (Pool pool = newPool(2, item -> Fields.of("echo", item)).withItemTimeout(Duration.ZERO)) {
            assertEquals(30, run(pool, items(30), results).ok());
        }
        assertEquals(30, byItem(results).size());
    }

    @Test
    void negativeItemTimeoutIsRejectedWithItsValue() {
        Pool pool = newPool(2, item -> Fields.of());
        var e = assertThrows(IllegalArgumentException.class, () -> pool.withItemTimeout(Duration.ofMillis(-1500)));
        assertEquals("timeout must be >= 0, got -1500 ms", e.getMessage());
        var tiny = assertThrows(IllegalArgumentException.class, () -> pool.withItemTimeout(Duration.ofNanos(-1)));
        assertEquals("timeout must be >= 0, got PT-0.000000001S", tiny.getMessage());
    }

    @Test
    void withItemTimeoutGivesANewPoolAndLeavesThisOneWithout() throws Exception {
        var release = new CountDownLatch(1);
        var started = new CountDownLatch(1);
        Handler handler = item -> {
            if (item.equals("timed")) new CountDownLatch(1).await();
            started.countDown();
            assertTrue(release.await(10, TimeUnit.SECONDS));
            return Fields.of();
        };
        Pool pool = newPool(1, handler);
        Pool timed = pool.withItemTimeout(Duration.ofMillis(1));
        assertFalse(pool == timed, "withItemTimeout changed the pool it was called on");
        var summary = new AtomicReference<Summary>();
        Thread runner = Thread.ofPlatform().start(() -> {
            try {
                summary.set(pool.run(List.of("slow").iterator(), r -> {}));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            assertTrue(started.await(5, TimeUnit.SECONDS));
            // "slow" has been running since before this run, which lasts past the 1 ms deadline.
            var timedResults = new ConcurrentLinkedQueue<Result>();
            assertEquals(new Summary(0, 1, 0).failed(), run(timed, List.of("timed"), timedResults).failed());
            assertEquals("item-timeout", timedResults.peek().errorKind());
        } finally {
            release.countDown();
        }
        assertTrue(runner.join(WAIT));
        assertEquals(1, summary.get().ok(), "the pool withItemTimeout was called on got a deadline too");
    }

    @Test
    void interruptingRunAbandonsWorkInFlight() throws Exception {
        int n = 3;
        var never = new CountDownLatch(1);
        var inFlight = new AtomicInteger();
        Handler handler = item -> {
            inFlight.incrementAndGet();
            never.await(30, TimeUnit.SECONDS);
            return Fields.of();
        };
        var thrown = new AtomicReference<Throwable>();
        try (Pool pool = newPool(n, handler)) {
            Thread runner = Thread.ofPlatform().start(() -> {
                try {
                    pool.run(items(100).iterator(), r -> {});
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            try {
                awaitUntil(() -> inFlight.get() == n, WAIT);
                awaitBlocked(runner, WAIT);

                runner.interrupt();

                assertTrue(runner.join(WAIT), "run() did not return after its thread was interrupted");
            } finally {
                never.countDown();
            }
        }
        assertInstanceOf(InterruptedException.class, thrown.get());
    }
}
