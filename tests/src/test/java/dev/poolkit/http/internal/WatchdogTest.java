package dev.poolkit.http.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
@Isolated("times deadlines to within a second")
class WatchdogTest {
    private static final Duration SWEEP = Duration.ofSeconds(5);

    private static long in(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    @Test
    void aFutureStillRunningAtItsDeadlineIsCancelledAndMarkedExpired() {
        try (var watchdog = new Watchdog("test-deadlines", SWEEP)) {
            var future = new CompletableFuture<String>();
            long start = System.nanoTime();
            var watch = watchdog.watch(future, in(200));

            assertThrows(CancellationException.class, future::join);
            long waited = millisSince(start);
            assertTrue(waited >= 190 && waited < 1_000, "cancelled after " + waited + " ms");
            assertTrue(watch.expired());
        }
    }

    @Test
    void aFutureDoneBeforeItsDeadlineIsLeftAlone() throws Exception {
        try (var watchdog = new Watchdog("test-deadlines", SWEEP)) {
            var future = new CompletableFuture<String>();
            var watch = watchdog.watch(future, in(100));
            future.complete("answer");
            watch.done();
            Thread.sleep(300);

            assertFalse(watch.expired());
            assertFalse(future.isCancelled());
        }
    }

    @Test
    void anEarlierDeadlineWakesAWatchdogAsleepTowardsALaterOne() throws Exception {
        try (var watchdog = new Watchdog("test-deadlines", SWEEP)) {
            var late = new CompletableFuture<String>();
            watchdog.watch(late, in(20_000));
            Thread.sleep(200); // time for the watchdog to see it and go to sleep
            // The watchdog goes to sleep for its sweep interval (5 s) or until the late deadline;
            // a new, earlier deadline must not wait for either.
            var early = new CompletableFuture<String>();
            long start = System.nanoTime();
            var watch = watchdog.watch(early, in(30));

            assertThrows(CancellationException.class, early::join);
            long waited = millisSince(start);
            assertTrue(waited < 2_000, "cancelled after " + waited + " ms, not at 30");
            assertTrue(watch.expired());
            assertFalse(late.isDone());
        }
    }

    @Test
    void manyDeadlinesAddedFromManyThreadsAllFire() throws Exception {
        try (var watchdog = new Watchdog("test-deadlines", SWEEP)) {
            int n = 2_000;
            var futures = new CompletableFuture<?>[n];
            var threads = new Thread[8];
            for (int t = 0; t < threads.length; t++) {
                int from = t;
                threads[t] = Thread.ofPlatform().start(() -> {
                    for (int i = from; i < n; i += threads.length) {
                        futures[i] = new CompletableFuture<String>();
                        watchdog.watch(futures[i], in(i % 50));
                    }
                });
            }
            for (Thread t : threads) t.join();
            long start = System.nanoTime();
            for (var f : futures) assertThrows(CancellationException.class, f::join);
            assertTrue(millisSince(start) < 1_000, "the last deadline fired " + millisSince(start) + " ms after the last was added");
        }
    }
}
