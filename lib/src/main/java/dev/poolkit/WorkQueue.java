package dev.poolkit;

import dev.poolkit.internal.Check;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded queue that producers close when they are done: Python's {@code queue.Queue(maxsize)}
 * with the end-of-input sentinel built in.
 *
 * <p>{@link #put} blocks while the queue is full, so a producer reading a huge input never gets
 * further ahead of the workers than {@code capacity} items: memory stays flat. {@link #take}
 * blocks while the queue is empty and open, and returns {@code null} once it is closed and drained.
 *
 * <p>Thread-safety: any number of producers and consumers. Closing is idempotent and wakes every
 * waiting thread; a {@code put} after {@code close} throws {@link IllegalStateException}.
 */
public final class WorkQueue<T> implements AutoCloseable {
    private final int capacity;
    private final ArrayDeque<T> items;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition notEmpty = lock.newCondition();
    private boolean closed;

    private WorkQueue(int capacity) {
        this.capacity = capacity;
        this.items = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /** A queue that holds at most {@code capacity} items (>= 1). */
    public static <T> WorkQueue<T> ofCapacity(int capacity) {
        return new WorkQueue<>(Check.atLeast(1, capacity, "capacity"));
    }

    /** Adds an item, waiting while the queue is full. */
    public void put(T item) throws InterruptedException {
        Objects.requireNonNull(item, "item");
        lock.lockInterruptibly();
        try {
            while (items.size() >= capacity && !closed) notFull.await();
            if (closed) throw new IllegalStateException("put on a closed WorkQueue");
            items.addLast(item);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Removes the next item, waiting while the queue is empty; {@code null} once closed and drained. */
    public T take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (items.isEmpty() && !closed) notEmpty.await();
            T item = items.pollFirst();
            if (item != null) notFull.signal();
            return item;
        } finally {
            lock.unlock();
        }
    }

    /** Says no more items will come; takers get what is left, then {@code null}. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    public int capacity() {
        return capacity;
    }
}
