package dev.poolkit;

import dev.poolkit.internal.Check;
import dev.poolkit.internal.engine.Results;
import dev.poolkit.internal.engine.Tally;

import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One virtual thread per item, at most N in flight: gevent's {@code Pool(n)}, with results given
 * to the sink as they complete.
 *
 * <p>Blocking calls (a fetch, a sleep) park the virtual thread, not a carrier, so N can be in the
 * thousands. The next item is read only when a slot is free, so the input is streamed.
 * Threads are named {@code task-0, task-1, ...}.
 *
 * <p>Thread-safety: one {@code run} at a time; {@link #close} may be called from any thread and
 * waits for a run in progress.
 */
public final class AsyncPool implements Pool {
    private final int concurrency;
    private final Handler handler;
    private final Object running = new Object();

    private AsyncPool(int concurrency, Handler handler) {
        this.concurrency = concurrency;
        this.handler = handler;
    }

    /** A pool that runs {@code handler} on at most {@code concurrency} (>= 1) items at once. */
    public static AsyncPool of(int concurrency, Handler handler) {
        return new AsyncPool(Check.atLeast(1, concurrency, "concurrency"), Objects.requireNonNull(handler, "handler"));
    }

    public int concurrency() {
        return concurrency;
    }

    @Override
    public Summary run(Iterator<String> items, Consumer<Result> sink) throws InterruptedException {
        synchronized (running) {
            var run = new Run(items, new Tally(sink));
            // close() of this executor waits for every task it started, also when we leave by an exception.
            try (var executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("task-", 0).factory())) {
                run.executor = executor;
                try {
                    run.start(concurrency);
                    run.finished.await();
                } catch (InterruptedException e) {
                    run.stopping = true;
                    executor.shutdownNow(); // abandon work in flight, as Pool.run says: close() then waits for it to end
                    throw e;
                }
            }
            return run.finish();
        }
    }

    /**
     * One run. Up to {@code concurrency} chains of tasks: a task, once its item is done, reads
     * the next item and starts the task for it, so a slot passes from task to task without a
     * semaphore and without waking the thread that called run() for every item.
     */
    private final class Run {
        private final Iterator<String> items;
        private final Tally outcome;
        private final ReentrantLock reading = new ReentrantLock(); // not synchronized: reading may block (stdin)
        private final AtomicInteger chains = new AtomicInteger(1); // the starter holds one until all have started
        private final CountDownLatch finished = new CountDownLatch(1);
        private volatile RuntimeException inputFailure;
        private volatile boolean stopping;
        private ExecutorService executor;

        Run(Iterator<String> items, Tally outcome) {
            this.items = items;
            this.outcome = outcome;
        }

        /** Starts a chain per item up to {@code concurrency}, reading as it goes, from the caller. */
        void start(int concurrency) {
            for (int i = 0; i < concurrency; i++) {
                String item = next();
                if (item == null) break;
                chains.incrementAndGet();
                executor.execute(() -> work(item));
            }
            chainEnded();
        }

        private void work(String item) {
            String next = runThenRead(item);
            if (next == null) return;
            try {
                executor.execute(() -> work(next));
            } catch (RejectedExecutionException interrupted) {
                work(next); // run() was interrupted after the item was read: it still gets its result, here
            }
        }

        /** Runs {@code item}, then reads the next one; with none, this chain ends. */
        private String runThenRead(String item) {
            boolean ran = false;
            try {
                outcome.accept(Results.run(handler, item));
                ran = true;
            } catch (RuntimeException sinkFailed) {
                ran = true; // kept by outcome, which stops the reading and rethrows it from finish()
            } finally {
                if (!ran) chainEnded(); // an Error ends this chain, and no item is read for it
            }
            String next = next();
            if (next == null) chainEnded();
            return next;
        }

        /** The next item, or null at the end of the input, after a failure, or once interrupted. */
        private String next() {
            reading.lock();
            try {
                if (stopping || inputFailure != null || outcome.broken() || !items.hasNext()) return null;
                return items.next();
            } catch (RuntimeException e) {
                inputFailure = e;
                return null;
            } finally {
                reading.unlock();
            }
        }

        private void chainEnded() {
            if (chains.decrementAndGet() == 0) finished.countDown();
        }

        Summary finish() {
            if (inputFailure != null) throw inputFailure;
            return outcome.finish();
        }
    }

    @Override
    public AsyncPool withItemTimeout(java.time.Duration timeout) {
        throw new UnsupportedOperationException("not built yet: item deadlines for AsyncPool");
    }

    /** Waits for a run in progress; the pool holds no threads between runs. */
    @Override
    public void close() {
        synchronized (running) {
            // Nothing to release: entering the monitor is the wait.
        }
    }
}
