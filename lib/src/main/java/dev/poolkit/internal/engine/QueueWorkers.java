package dev.poolkit.internal.engine;

import dev.poolkit.WorkQueue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The thread pool's engine: the calling thread feeds a bounded {@link WorkQueue} from an
 * iterator while {@code threads} named platform threads take from it, so the input is read at
 * the workers' pace and never held whole.
 */
public final class QueueWorkers {
    private QueueWorkers() {}

    /**
     * Feeds every item to {@code work} on one of {@code threads} threads and returns when all are
     * done. If {@code work} throws, feeding stops, the items already queued are still worked, and
     * the first such exception is rethrown. If the caller is interrupted, the workers are
     * interrupted too and the exception is rethrown once they have ended.
     */
    public static <T> void run(Iterator<T> items, int threads, String namePrefix, Consumer<T> work)
            throws InterruptedException {
        run(items, threads, threads * 2, namePrefix, work);
    }

    /** As {@link #run(Iterator, int, String, Consumer)}, with at most {@code capacity} items read ahead. */
    public static <T> void run(Iterator<T> items, int threads, int capacity, String namePrefix, Consumer<T> work)
            throws InterruptedException {
        WorkQueue<T> queue = WorkQueue.ofCapacity(capacity);
        var failure = new AtomicReference<Throwable>();
        List<Thread> workers = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            workers.add(Thread.ofPlatform().name(namePrefix + i).start(() -> {
                try {
                    for (T item; (item = queue.take()) != null; ) work.accept(item);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    queue.close();
                }
            }));
        }
        try {
            while (failure.get() == null && items.hasNext()) {
                T item = items.next();
                try {
                    queue.put(item);
                } catch (IllegalStateException closedByFailure) {
                    break; // a worker failed and closed the queue: its failure is rethrown below
                }
            }
        } catch (InterruptedException e) {
            workers.forEach(Thread::interrupt);
            throw e;
        } finally {
            queue.close();
            for (Thread w : workers) joinUninterruptibly(w);
        }
        Throwable e = failure.get();
        if (e instanceof RuntimeException r) throw r;
        if (e instanceof Error err) throw err;
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                t.interrupt();
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
