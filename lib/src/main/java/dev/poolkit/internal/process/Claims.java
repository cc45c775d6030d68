package dev.poolkit.internal.process;

import dev.poolkit.internal.ControlLines;

import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The worker's side of a task taken back. The parent sends a worker more tasks than it has
 * threads, so that none waits a round trip for its next task; when the worker's threads are all
 * held up, the parent asks the extra ones back to run them elsewhere. A thread claims a task
 * before it runs it, and says so ({@code started}); a {@code cancel} gives back a task no thread
 * has claimed ({@code cancelled}). Claim and cancel are atomic, so each task the parent asks back
 * gets exactly one of the two answers: it runs here or there, never in both places, never in none.
 *
 * <p>Thread-safety: the reading thread calls {@link #tasks}' iterator, the worker's threads
 * {@link #claim}.
 */
public final class Claims {
    private final Consumer<String> toParent;
    private final Set<Long> unclaimed = new HashSet<>(); // guarded by this

    /** @param toParent writes one line on the wire to the parent; thread-safe */
    public Claims(Consumer<String> toParent) {
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
        }
        toParent.accept(Wire.writeStarted(id));
        return true;
    }

    private void arrived(String line) {
        long id;
        try {
            id = Wire.readTask(line).id();
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
        }
        toParent.accept(Wire.writeCancelled(id));
    }
}
