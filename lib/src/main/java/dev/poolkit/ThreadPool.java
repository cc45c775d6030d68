package dev.poolkit;

import dev.poolkit.internal.Check;
import dev.poolkit.internal.engine.QueueWorkers;
import dev.poolkit.internal.engine.Results;
import dev.poolkit.internal.engine.Tally;

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
 * <p>Thread-safety: one {@code run} at a time; {@link #close} may be called from any thread and
 * waits for a run in progress.
 */
public final class ThreadPool implements Pool {
    private final int threads;
    private final Handler handler;
    private final Object running = new Object();

    private ThreadPool(int threads, Handler handler) {
        this.threads = threads;
        this.handler = handler;
    }

    /** A pool of {@code threads} (>= 1) platform threads running {@code handler}. */
    public static ThreadPool of(int threads, Handler handler) {
        return new ThreadPool(Check.atLeast(1, threads, "threads"), Objects.requireNonNull(handler, "handler"));
    }

    public int threads() {
        return threads;
    }

    @Override
    public Summary run(Iterator<String> items, Consumer<Result> sink) throws InterruptedException {
        synchronized (running) {
            var outcome = new Tally(sink);
            QueueWorkers.run(items, threads, "worker-", item -> outcome.accept(Results.run(handler, item)));
            return outcome.finish();
        }
    }

    @Override
    public ThreadPool withItemTimeout(java.time.Duration timeout) {
        throw new UnsupportedOperationException("not built yet: item deadlines for ThreadPool");
    }

    /** Waits for a run in progress; the pool holds no threads between runs. */
    @Override
    public void close() {
        synchronized (running) {
            // Nothing to release: entering the monitor is the wait.
        }
    }
}
