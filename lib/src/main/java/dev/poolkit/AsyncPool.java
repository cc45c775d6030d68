package dev.poolkit;

import dev.poolkit.internal.Check;
import dev.poolkit.internal.Outcome;
import dev.poolkit.internal.Tasks;

import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
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
            var outcome = new Outcome(sink);
            var slots = new Semaphore(concurrency);
            // close() of this executor waits for every task it started, also when we leave by an exception.
            try (var executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("task-", 0).factory())) {
                try {
                    while (!outcome.broken() && items.hasNext()) {
                        slots.acquire();
                        String item = items.next();
                        executor.execute(() -> {
                            try {
                                outcome.accept(Tasks.run(handler, item));
                            } catch (RuntimeException sinkFailed) {
                                // kept by outcome, which stops the feeding and rethrows it from finish()
                            } finally {
                                slots.release();
                            }
                        });
                    }
                } catch (InterruptedException e) {
                    executor.shutdownNow(); // abandon work in flight, as Pool.run says: close() then waits for it to end
                    throw e;
                }
            }
            return outcome.finish();
        }
    }

    /** Waits for a run in progress; the pool holds no threads between runs. */
    @Override
    public void close() {
        synchronized (running) {
            // Nothing to release: entering the monitor is the wait.
        }
    }
}
