package dev.poolkit.internal.process;

import dev.poolkit.internal.process.WorkerSlot.Task;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The tasks of one process-pool run, shared by its worker slots: bounded like a
 * {@link dev.poolkit.WorkQueue}, the input read at the workers' pace, but a slot can give back a
 * task it took and cannot run soon (its worker is held up by an item that does not return), and
 * another slot takes it first.
 *
 * <p>Since a task can come back as long as one is unanswered, {@link #take} returns {@code null}
 * only once the input is closed and every task has its result ({@link #resolved}), not as soon
 * as the queue is empty; or at once after {@link #abort} or {@link #stop}.
 *
 * <p>Thread-safety: any number of producers and consumers.
 */
public final class TaskQueue {
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition changed = lock.newCondition();
    // Guarded by lock.
    private final ArrayDeque<Task> fresh = new ArrayDeque<>();
    private final ArrayDeque<Task> givenBack = new ArrayDeque<>();
    private long unresolved;
    private boolean closed;
    private boolean aborted;
    private boolean stopped;

    /** @param capacity how many tasks the input may get ahead of the slots (>= 1) */
    public TaskQueue(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Adds a task read from the input, waiting while the queue is full.
     *
     * @throws IllegalStateException once the queue is closed or aborted
     */
    public void put(Task task) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (fresh.size() >= capacity && !closed && !aborted) notFull.await();
            if (closed || aborted) throw new IllegalStateException("put on a closed TaskQueue");
            fresh.addLast(task);
            unresolved++;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next task, a given-back one first; waits while there is none and the run is not over.
     * {@code null} once it is: closed with every task resolved, or aborted.
     */
    public Task take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (true) {
                if (aborted || stopped) return null;
                Task task = givenBack.pollFirst();
                if (task == null) {
                    task = fresh.pollFirst();
                    if (task != null) taken();
                }
                if (task != null) return task;
                if (closed && unresolved == 0) return null;
                changed.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next task, a given-back one first, if one is waiting now; {@code null} otherwise, and
     * after {@link #abort} or {@link #stop}. Never waits: for a slot that has room as its worker
     * answers, so that the next task goes out on the thread that read the answer.
     */
    public Task poll() {
        lock.lock();
        try {
            if (aborted || stopped) return null;
            Task task = givenBack.pollFirst();
            if (task == null) {
                task = fresh.pollFirst();
                if (task != null) taken();
            }
            return task;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A task taken and not run comes back, to be taken before the input's; after {@link #stop},
     * it is dropped. Never waits.
     */
    public void giveBack(Task task) {
        lock.lock();
        try {
            if (stopped) return;
            givenBack.addLast(task);
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    // Guarded by lock. The producer is woken once the queue is half empty, not at every task: it
    // then reads half a queue of input at once, one wake-up for many tasks instead of one each.
    private void taken() {
        if (fresh.size() <= capacity / 2) notFull.signal();
    }

    /** A task taken has its result: the run ends when every task has. */
    public void resolved() {
        lock.lock();
        try {
            if (--unresolved == 0 && closed) changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** No more tasks will be put. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The run stops gracefully: no task is taken after this, and the tasks waiting (read ahead,
     * or given back) are dropped without a result, as are the tasks given back later. Takers get
     * {@code null}, producers an exception.
     */
    public void stop() {
        lock.lock();
        try {
            stopped = true;
            closed = true;
            fresh.clear();
            givenBack.clear();
            changed.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@link #stop} was called. */
    public boolean stopped() {
        lock.lock();
        try {
            return stopped;
        } finally {
            lock.unlock();
        }
    }

    /** The run stops (its sink failed): takers get {@code null}, producers an exception. */
    public void abort() {
        lock.lock();
        try {
            aborted = true;
            changed.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
