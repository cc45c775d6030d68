package dev.poolkit;

import dev.poolkit.internal.Check;
import dev.poolkit.internal.engine.ItemDeadlines;
import dev.poolkit.internal.engine.Results;
import dev.poolkit.internal.engine.Tally;

import java.time.Duration;
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
 * <h2>Item deadlines</h2>
 * {@link #withItemTimeout} (default: none). At an item's deadline its record is written as an
 * {@code item-timeout} failure, its virtual thread is interrupted, and its slot is given to the
 * next item at once. An interrupt stops what honours it: blocking I/O on an interruptible
 * channel or a socket, {@code sleep}, waits, and the fetcher. It cannot stop code that ignores
 * it (a busy loop, native code, a carrier pinned in a {@code synchronized} block doing file
 * I/O): that thread runs on until the handler returns, holding its carrier if it never parks,
 * and whatever it returns then is dropped, since the item has its record already. {@link #run}
 * does not wait for such a thread. For work that must really be stopped, use
 * {@link ProcessPool}, which kills the worker process.
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
public final class AsyncPool implements Pool {
    private final int concurrency;
    private final Handler handler;
    private final Duration itemTimeout;
    private final Object running = new Object();
    private volatile Run current; // the run in progress, for stop()

    private AsyncPool(int concurrency, Handler handler, Duration itemTimeout) {
        this.concurrency = concurrency;
        this.handler = handler;
        this.itemTimeout = itemTimeout;
    }

    /** A pool that runs {@code handler} on at most {@code concurrency} (>= 1) items at once. */
    public static AsyncPool of(int concurrency, Handler handler) {
        return new AsyncPool(Check.atLeast(1, concurrency, "concurrency"), Objects.requireNonNull(handler, "handler"), Duration.ZERO);
    }

    public int concurrency() {
        return concurrency;
    }

    public Duration itemTimeout() {
        return itemTimeout;
    }

    @Override
    public Summary run(Iterator<String> items, Consumer<Result> sink) throws InterruptedException {
        synchronized (running) {
            var run = new Run(items, new Tally(sink));
            var executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("task-", 0).factory());
            run.executor = executor;
            current = run;
            if (!itemTimeout.isZero()) run.deadlines = new ItemDeadlines(itemTimeout, concurrency, "item-deadlines", run::expired);
            try {
                run.start(concurrency);
                run.finished.await();
            } catch (InterruptedException e) {
                run.stop(); // abandon work in flight, as Pool.run says
                // Without deadlines close() waits for it below; with them, a handler that ignores
                // the interrupt ends its chain at its deadline, and its thread is not waited for.
                if (run.deadlines != null) awaitUninterruptibly(run.finished);
                throw e;
            } finally {
                current = null;
                if (run.deadlines == null) {
                    executor.close(); // waits for every task it started, also when we leave by an exception
                } else {
                    run.deadlines.close();
                    executor.shutdown(); // every chain has ended; only abandoned threads may still run
                }
            }
            return run.finish();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException again) {
                // already stopping: keep waiting; the caller rethrows the first interrupt
            }
        }
    }

    /**
     * One run. Up to {@code concurrency} chains of tasks: a task, once its item is done, reads
     * the next item and starts the task for it, so a slot passes from task to task without a
     * semaphore and without waking the thread that called run() for every item. Chain {@code i}
     * keeps slot {@code i} of the deadlines throughout.
     */
    private final class Run {
        private final Iterator<String> items;
        private final Tally outcome;
        private final ReentrantLock reading = new ReentrantLock(); // not synchronized: reading may block (stdin)
        private final AtomicInteger chains = new AtomicInteger(1); // the starter holds one until all have started
        private final CountDownLatch finished = new CountDownLatch(1);
        private volatile RuntimeException inputFailure;
        private volatile boolean stopping;
        private volatile boolean draining; // Pool.stop(): no item is read after it, the items in flight finish
        private ExecutorService executor;
        private ItemDeadlines deadlines; // null: no item timeout

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
                int slot = i;
                executor.execute(() -> work(slot, item));
            }
            chainEnded();
        }

        private void work(int slot, String item) {
            Result result;
            if (deadlines == null) {
                result = Results.run(handler, item);
            } else {
                ItemDeadlines.Slot clock = deadlines.slot(slot);
                ItemDeadlines.Running started = clock.begin(item);
                result = Results.run(handler, item);
                if (!clock.end(started)) return; // timed out: recorded, and the chain went on without this thread
            }
            deliverThenGoOn(slot, result);
        }

        /** On the watchdog's thread: the item's record and the rest of its chain go to a new task. */
        void expired(int slot, String item, long millis) {
            Result timedOut = Results.itemTimeout(item, itemTimeout, millis);
            try {
                executor.execute(() -> deliverThenGoOn(slot, timedOut));
            } catch (RejectedExecutionException stopped) {
                deliverThenGoOn(slot, timedOut); // stopping: nothing more is read, so this only writes the record
            }
        }

        private void deliverThenGoOn(int slot, Result result) {
            String next = deliverThenRead(result);
            if (next == null) return;
            try {
                executor.execute(() -> work(slot, next));
            } catch (RejectedExecutionException interrupted) {
                work(slot, next); // run() was interrupted after the item was read: it still gets its result, here
            }
        }

        /** Gives the result to the sink, then reads the next item; with none, this chain ends. */
        private String deliverThenRead(Result result) {
            boolean delivered = false;
            try {
                outcome.accept(result);
                delivered = true;
            } catch (RuntimeException sinkFailed) {
                delivered = true; // kept by outcome, which rethrows it from finish()
                stop();
            } finally {
                if (!delivered) chainEnded(); // an Error ends this chain, and no item is read for it
            }
            String next = next();
            if (next == null) chainEnded();
            return next;
        }

        /** No item is started after this, and the tasks in one are interrupted. */
        void stop() {
            stopping = true;
            executor.shutdownNow();
        }

        /** The next item, or null at the end of the input, after a failure, or once stopped or interrupted. */
        private String next() {
            if (draining) return null; // not even waiting for a read in progress
            reading.lock();
            try {
                if (stopping || draining || inputFailure != null || outcome.broken() || !items.hasNext()) return null;
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

    /**
     * See {@link Pool#stop}. An item is read only when a slot is free to run it, so none is read
     * ahead: every item read has been started.
     */
    @Override
    public void stop() {
        Run run = current;
        if (run != null) run.draining = true;
    }

    /**
     * This pool with item deadlines of {@code timeout} ({@link Duration#ZERO}: none); see the
     * class documentation for what a deadline can stop.
     */
    @Override
    public AsyncPool withItemTimeout(Duration timeout) {
        return new AsyncPool(concurrency, handler, Check.notNegative(Objects.requireNonNull(timeout, "timeout"), "timeout"));
    }

    /** Waits for a run in progress; the pool holds no threads between runs. */
    @Override
    public void close() {
        synchronized (running) {
            // Nothing to release: entering the monitor is the wait.
        }
    }
}
