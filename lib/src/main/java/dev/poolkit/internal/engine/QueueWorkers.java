package dev.poolkit.internal.engine;

import dev.poolkit.WorkQueue;

import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The thread pool's engine: the calling thread feeds a bounded {@link WorkQueue} from an
 * iterator while {@code threads} named platform threads take from it, so the input is read at
 * the workers' pace and never held whole.
 *
 * <p>Each thread holds a slot. A thread stuck in an item can be abandoned: {@link #replace} gives
 * its slot to a new thread, and the run no longer waits for the old one.
 *
 * <p>{@link #finishInFlight} stops a run gracefully: the items in flight finish, the items
 * queued are dropped, and {@link #run} returns as usual.
 */
public final class QueueWorkers<T> {

    /** What a worker does with an item: false when its thread was abandoned and must end. */
    @FunctionalInterface
    public interface Work<T> {
        boolean run(int slot, T item);
    }

    private final WorkQueue<T> queue;
    private final String namePrefix;
    private final Work<T> work;
    private final AtomicInteger names;
    private final AtomicReferenceArray<Thread> holders;
    private final CountDownLatch slotsEnded;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopping;
    private volatile boolean draining; // finishInFlight(): no item is started after it

    /**
     * Workers named {@code namePrefix0 .. namePrefix(threads-1)}, then on for replacements, with
     * at most {@code capacity} items read ahead of them.
     */
    public QueueWorkers(int threads, int capacity, String namePrefix, Work<T> work) {
        this.queue = WorkQueue.ofCapacity(capacity);
        this.namePrefix = namePrefix;
        this.work = work;
        this.names = new AtomicInteger(threads);
        this.holders = new AtomicReferenceArray<>(threads);
        this.slotsEnded = new CountDownLatch(threads);
    }

    /**
     * Feeds every item to {@code work} on one of {@code threads} threads and returns when all are
     * done. If {@code work} throws, the run stops: no item is started after it, the other workers
     * are interrupted, and the first such exception is rethrown once they have ended. If the
     * caller is interrupted, the workers are interrupted too and the exception is rethrown once
     * they have ended.
     */
    public static <T> void run(Iterator<T> items, int threads, String namePrefix, Consumer<T> work)
            throws InterruptedException {
        run(items, threads, threads * 2, namePrefix, work);
    }

    /** As {@link #run(Iterator, int, String, Consumer)}, with at most {@code capacity} items read ahead. */
    public static <T> void run(Iterator<T> items, int threads, int capacity, String namePrefix, Consumer<T> work)
            throws InterruptedException {
        new QueueWorkers<T>(threads, capacity, namePrefix, (slot, item) -> {
            work.accept(item);
            return true;
        }).run(items);
    }

    /** Runs the items as {@link #run(Iterator, int, String, Consumer)} says. Once per instance. */
    public void run(Iterator<T> items) throws InterruptedException {
        for (int i = 0; i < holders.length(); i++) start(i, namePrefix + i, null);
        try {
            while (!stopping && !draining && items.hasNext()) {
                T item = items.next();
                try {
                    queue.put(item);
                } catch (IllegalStateException closed) {
                    break; // a worker failed (its failure is rethrown below), or finishInFlight()
                }
            }
        } catch (InterruptedException e) {
            stop();
            throw e;
        } finally {
            queue.close();
            awaitWorkers();
        }
        Throwable e = failure.get();
        if (e instanceof RuntimeException r) throw r;
        if (e instanceof Error err) throw err;
    }

    /**
     * Gives {@code slot} to a new thread, which runs {@code first} and then takes items like the
     * others: for a slot whose thread is stuck in an item and was abandoned (its {@link Work}
     * returns false once it gets out). Must not be called once every slot has ended.
     */
    public void replace(int slot, Runnable first) {
        start(slot, namePrefix + names.getAndIncrement(), first);
    }

    private void start(int slot, String name, Runnable first) {
        Thread t = Thread.ofPlatform().name(name).daemon().unstarted(() -> loop(slot, first));
        holders.set(slot, t);
        t.start();
    }

    private void loop(int slot, Runnable first) {
        boolean abandoned = false;
        try {
            if (first != null) first.run();
            for (T item; !stopping && !draining && (item = queue.take()) != null; ) {
                if (!work.run(slot, item)) {
                    abandoned = true; // its replacement holds the slot and will end it
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            if (failure.compareAndSet(null, e)) stop();
        } finally {
            if (!abandoned) slotsEnded.countDown();
        }
    }

    /**
     * Stops the run gracefully: no item is started after this (but one a worker is taking at this
     * very moment), the items in flight finish, the items queued are dropped, and {@link #run}
     * returns as usual once the workers have ended. It does not read the input further, but a
     * read in progress (stdin) is waited for. Any thread; returns at once.
     */
    public void finishInFlight() {
        draining = true;
        queue.close(); // wakes the workers waiting for an item, and the reader waiting for room
    }

    /** No more items are started, and the threads in them are interrupted. */
    private void stop() {
        stopping = true;
        queue.close();
        for (int i = 0; i < holders.length(); i++) {
            Thread t = holders.get(i);
            if (t != null && t != Thread.currentThread()) t.interrupt();
        }
    }

    /** Waits for each slot's last thread to end; interrupted, it stops the workers and waits on. */
    private void awaitWorkers() {
        boolean interrupted = false;
        while (true) {
            try {
                slotsEnded.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                stop();
            }
        }
        // Every slot has ended, so none changes hands any more: these are the threads to join.
        for (int i = 0; i < holders.length(); i++) {
            Thread t = holders.get(i);
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
