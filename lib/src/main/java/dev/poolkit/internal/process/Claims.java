package dev.poolkit.internal.process;

import dev.poolkit.internal.ControlLines;

import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * The worker's side of a task taken back. The parent sends a worker more tasks than it has
 * threads, so that none waits a round trip for its next task; when the worker's threads are all
 * held up, the parent asks the extra ones back to run them elsewhere. A thread claims a task
 * before it runs it, and says so ({@code started}); a {@code cancel} gives back a task no thread
 * has claimed ({@code cancelled}). Claim and cancel are atomic, so each task the parent asks back
 * gets exactly one of the two answers: it runs here or there, never in both places, never in none.
 *
 * <p>The claims also decide when the wire to the parent is flushed. A {@code started} line is
 * flushed at once (an item's timeout runs from it); a result is left unflushed while a task waits
 * unclaimed here, since the thread that claims it next, or the cancel that takes it back, writes a
 * line that must be flushed at once anyway and carries the result with it: with one thread, one
 * write per item instead of two.
 *
 * <p>Thread-safety: the reading thread calls {@link #tasks}' iterator, the worker's threads
 * {@link #claim} and {@link #answer}.
 */
public final class Claims {
    private final WireOut toParent;
    private final Set<Long> unclaimed = new HashSet<>(); // guarded by this

    /** @param toParent the wire to the parent */
    public Claims(WireOut toParent) {
        this.toParent = toParent;
    }

    /** The parent's task lines; its {@code cancel} lines are answered on the way, not returned. */
    public Iterator<String> tasks(Iterator<String> lines) {
        return ControlLines.without(lines, line -> {
            if (Wire.isCancel(line)) {
                cancel(Wire.readCancel(line));
                return true;
            }
            arrived(line);
            return false;
        });
    }

    /** Whether this thread may run task {@code id}: false if the parent took it back. */
    public boolean claim(long id) {
        synchronized (this) {
            if (!unclaimed.remove(id)) return false;
            toParent.append(Wire.writeStarted(id));
        }
        toParent.flush();
        return true;
    }

    /**
     * Sends a result line. Appended under the same lock as the claims, so that a result left
     * unflushed always has a claim or a cancel after it, which flushes it.
     */
    public void answer(String line) {
        boolean carried;
        synchronized (this) {
            toParent.append(line);
            carried = !unclaimed.isEmpty();
        }
        if (!carried) toParent.flush();
    }

    private void arrived(String line) {
        long id;
        try {
            id = Wire.readTaskId(line);
        } catch (IllegalArgumentException notATask) {
            return; // the thread that gets it cannot read it either, and says so
        }
        synchronized (this) {
            unclaimed.add(id);
        }
    }

    private void cancel(long id) {
        synchronized (this) {
            // Started or done already: the parent has heard "started" or will.
            if (!unclaimed.remove(id)) return;
            toParent.append(Wire.writeCancelled(id));
        }
        toParent.flush();
    }
}
