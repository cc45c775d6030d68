package dev.poolkit;

import dev.poolkit.internal.Check;
import dev.poolkit.internal.engine.ItemDeadlines;
import dev.poolkit.internal.engine.QueueWorkers;
import dev.poolkit.internal.engine.Results;
import dev.poolkit.internal.engine.Tally;

import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * N platform threads draining a bounded {@link WorkQueue}: the classic thread pool fed by a work
 * queue, with no busy-waiting, no lost items and every error captured as a result.
 *
 * <p>Threads are named {@code worker-0 .. worker-N-1}, started by {@link #run} and ended before it
 * returns; the queue holds {@code 2 × threads} items, so the input is read as the workers go.
 * A thread that blocks (a slow fetch) holds its slot: for thousands of slow calls at once
 * prefer {@link AsyncPool}.
 *
 * <h2>Item deadlines</h2>
 * {@link #withItemTimeout} (default: none). At an item's deadline its record is written as an
 * {@code item-timeout} failure, its thread is interrupted, and a new thread (named on from
 * {@code worker-N}) takes its slot, so the run goes on at full width. An interrupt stops what
 * honours it: blocking I/O on an interruptible channel, {@code sleep}, waits, and the fetcher.
 * It cannot stop code that ignores it (a busy loop, a blocking read of a plain socket or file
 * stream, native code): that thread is abandoned and runs on until the handler returns, and
 * whatever it returns then is dropped, since the item has its record already. An abandoned thread
 * is a daemon and does not keep the JVM alive; {@link #run} does not wait for it. For work that
 * must really be stopped, use {@link ProcessPool}, which kills the worker process.
 *
 * <p>One watchdog thread ({@code item-deadlines}) serves a run's deadlines; with none set there
 * is no watchdog and an item pays nothing for the feature.
 *
 * <p>A sink that throws stops the run at once: no item is started after it, and the threads in
 * an item are interrupted.
 *
 * <p>Thread-safety: one {@code run} at a time; {@link #close} may be called from any thread and
 * waits for a run in progress.
 */
public final class ThreadPool implements Pool {
    private final int threads;
    private final Handler handler;
    private final Duration itemTimeout;
    private final Object running = new Object();
    private volatile QueueWorkers<String> current; // the run in progress, for stop()

    private ThreadPool(int threads, Handler handler, Duration itemTimeout) {
        this.threads = threads;
        this.handler = handler;
        this.itemTimeout = itemTimeout;
    }

    /** A pool of {@code threads} (>= 1) platform threads running {@code handler}. */
    public static ThreadPool of(int threads, Handler handler) {
        return new ThreadPool(Check.atLeast(1, threads, "threads"), Objects.requireNonNull(handler, "handler"), Duration.ZERO);
    }

    public int threads() {
        return threads;
    }

    @Override
    public Summary run(Iterator<String> items, Consumer<Result> sink) throws InterruptedException {
        synchronized (running) {
            var outcome = new Tally(sink);
            try {
                if (itemTimeout.isZero()) {
                    current = new QueueWorkers<>(threads, threads * 2, "worker-", (slot, item) -> {
                        outcome.accept(Results.run(handler, item));
                        return true;
                    });
                    current.run(items);
                } else {
                    runWithDeadlines(items, outcome);
                }
            } finally {
                current = null;
            }
            return outcome.finish();
        }
    }

    private void runWithDeadlines(Iterator<String> items, Tally outcome) throws InterruptedException {
        var run = new Object() {
            QueueWorkers<String> workers;
        };
        // The watchdog's thread must not write: the replacement thread writes the timed-out record.
        try (var deadlines = new ItemDeadlines(itemTimeout, threads, "item-deadlines", (slot, item, millis) ->
                run.workers.replace(slot, () -> outcome.accept(Results.itemTimeout(item, itemTimeout, millis))))) {
            run.workers = new QueueWorkers<>(threads, threads * 2, "worker-", (slot, item) -> {
                ItemDeadlines.Slot clock = deadlines.slot(slot);
                ItemDeadlines.Running started = clock.begin(item);
                Result result = Results.run(handler, item);
                if (!clock.end(started)) return false; // timed out: recorded, and this thread was replaced
                outcome.accept(result);
                return true;
            });
            current = run.workers;
            run.workers.run(items);
        }
    }

    /** See {@link Pool#stop}: the items the queue holds are dropped, the threads in an item finish it. */
    @Override
    public void stop() {
        QueueWorkers<String> run = current;
        if (run != null) run.finishInFlight();
    }

    /**
     * This pool with item deadlines of {@code timeout} ({@link Duration#ZERO}: none); see the
     * class documentation for what a deadline can stop.
     */
    @Override
    public ThreadPool withItemTimeout(Duration timeout) {
        return new ThreadPool(threads, handler, Check.notNegative(Objects.requireNonNull(timeout, "timeout"), "timeout"));
    }

    public Duration itemTimeout() {
        return itemTimeout;
    }

    /** Waits for a run in progress; the pool holds no threads between runs. */
    @Override
    public void close() {
        synchronized (running) {
            // Nothing to release: entering the monitor is the wait.
        }
    }
}
