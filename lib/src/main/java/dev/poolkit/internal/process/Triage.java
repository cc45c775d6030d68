package dev.poolkit.internal.process;

import dev.poolkit.internal.process.WorkerSlot.Task;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one worker slot does with its tasks as its worker answers, dies and is replaced: the
 * crash triage of {@link WorkerSlot}, as a state machine. Pure bookkeeping: no threads, no
 * processes, no I/O. The slot calls it under its lock, with the time when it matters, and
 * carries out the {@link Decision} it returns.
 *
 * <p>Which task killed a worker is known only when it held one. So after a crash, the tasks it
 * held become suspects and are sent to the new worker one at a time, with nothing beside them;
 * only a task that a worker dies holding alone uses up its retries.
 *
 * <h2>States</h2>
 * <dl>
 *   <dt>FEEDING</dt>   <dd>the normal state: tasks flow from the shared queue to the worker.</dd>
 *   <dt>PROBING</dt>   <dd>after a crash, the tasks the dead worker held (suspects) are sent to the
 *                      new one one at a time; the feeder waits.</dd>
 *   <dt>GIVEN_UP</dt>  <dd>the worker died {@value #MAX_CRASHES_IN_A_ROW} times in a row, or could
 *                      not start: there is no worker, and a task taken now fails at once.</dd>
 *   <dt>DONE</dt>      <dd>the input ended and every task is answered: the worker's stdin is closed,
 *                      and its end is the normal one.</dd>
 *   <dt>DESTROYED</dt> <dd>the pool killed the worker on purpose: nothing more is sent, and the
 *                      tasks it held are abandoned.</dd>
 * </dl>
 *
 * <h2>Transitions</h2>
 * <pre>
 * state             event                                 new state  action
 * ----------------  ------------------------------------  ---------  --------------------------------------------
 * FEEDING           taken(task)                           FEEDING    hold it; send it
 * GIVEN_UP          taken(task)                           GIVEN_UP   fail it with the last crash
 * FEEDING           answered(id)                          FEEDING    release it; deliver the answer
 * PROBING           answered(id), suspects left           PROBING    deliver; send the next suspect
 * PROBING           answered(id), no suspect left         FEEDING    deliver; the feeder goes on
 * any               answered(id) of a task not held       same       drop it: answered already, or not ours
 * FEEDING, PROBING  workerEnded: crash, no task held      same       start a new worker
 * FEEDING, PROBING  workerEnded: crash, one task held     PROBING    blame it: send it again first (attempts + 1)
 *                                                                    or, past crashRetries, fail it
 * FEEDING, PROBING  workerEnded: crash, several held      PROBING    all become suspects; start a new worker and
 *                                                                    send it the first
 * FEEDING, PROBING  workerEnded: the 10th crash in a row  GIVEN_UP   fail every task held and every suspect
 * FEEDING, PROBING  couldNotStart                         GIVEN_UP   fail every task held and every suspect
 * FEEDING           inputDone, or the last task answered  DONE       close the worker's stdin
 *                   after inputDone
 * DONE              workerEnded                           DONE       nothing: the normal end
 * any but DONE      destroy                               DESTROYED  send nothing more
 * DESTROYED         workerEnded                           DESTROYED  abandon the tasks held and the suspects
 * </pre>
 * An answer, whoever's, ends a run of crashes: {@code crashesInARow} counts crashes with no
 * answer between them. "Held" tasks are those sent to the current worker and not yet answered.
 *
 * <p>Thread-safety: none; the slot's lock guards it.
 */
public final class Triage {
    /** The slot's states: see the class documentation. */
    public enum State { FEEDING, PROBING, GIVEN_UP, DONE, DESTROYED }

    // A worker that keeps dying without answering anything is broken, not unlucky. Each poison item
    // costs up to crashRetries + 1 crashes of its own, so leave room for a few in a row.
    public static final int MAX_CRASHES_IN_A_ROW = 10;

    /** A task that gets a failed result now: {@code millis} is how long the slot had it. */
    public record Failed(Task task, String errorKind, String error, long millis) {}

    /**
     * What the slot does after an event, in this order: deliver the answer it read (if
     * {@code deliver}), start a new worker (if {@code spawn}; if that fails, report
     * {@link #couldNotStart}), send {@code send} to the worker, fail {@code fail}, close the
     * worker's stdin (if {@code closeStdin}). {@code gaveUp} says this event gave the slot up.
     */
    public record Decision(boolean deliver, boolean spawn, List<Task> send, List<Failed> fail, boolean gaveUp,
                           boolean closeStdin) {
        static final Decision NOTHING = new Decision(false, false, List.of(), List.of(), false, false);
    }

    private static final class Held {
        final Task task;
        final long takenNanos;
        int attempts = 1;

        Held(Task task, long takenNanos) {
            this.task = task;
            this.takenNanos = takenNanos;
        }
    }

    private final int crashRetries;
    private final Map<Long, Held> held = new LinkedHashMap<>();
    private final ArrayDeque<Held> suspects = new ArrayDeque<>();
    private State state = State.FEEDING;
    private boolean inputDone;
    private int crashesInARow;
    private String lastCrash;

    /** @param crashRetries how many more times a task is sent after a worker died holding it alone */
    public Triage(int crashRetries) {
        this.crashRetries = crashRetries;
    }

    public State state() {
        return state;
    }

    /** The tasks sent to the current worker and not answered, in the order they were sent. */
    public List<Task> held() {
        return held.values().stream().map(h -> h.task).toList();
    }

    /** The tasks waiting to be sent alone to the worker, in the order they will be. */
    public List<Task> suspects() {
        return suspects.stream().map(h -> h.task).toList();
    }

    public int crashesInARow() {
        return crashesInARow;
    }

    /** The feeder took {@code task} from the shared queue at {@code now} (nanos) and waits no more. */
    public Decision taken(Task task, long now) {
        return switch (state) {
            case FEEDING -> {
                held.put(task.id(), new Held(task, now));
                yield new Decision(false, false, List.of(task), List.of(), false, false);
            }
            case GIVEN_UP -> new Decision(false, false, List.of(),
                    List.of(new Failed(task, "crash", lastCrash, 0)), false, false);
            default -> Decision.NOTHING; // DESTROYED: abandoned; PROBING and DONE: the feeder does not take
        };
    }

    /** The worker answered task {@code id}. */
    public Decision answered(long id) {
        crashesInARow = 0;
        Held h = held.remove(id);
        if (h == null) return Decision.NOTHING; // never give a task two results
        List<Task> send = List.of();
        if (state == State.PROBING) {
            if (suspects.isEmpty()) state = State.FEEDING;
            else send = List.of(sendNextSuspect());
        }
        return new Decision(true, false, send, List.of(), false, settle());
    }

    /**
     * The worker's output ended and the process is gone. {@code crash} says how it ended (exit
     * code, stderr), the error of the tasks that fail for it.
     */
    public Decision workerEnded(String crash, long now) {
        if (state == State.DONE || state == State.GIVEN_UP) return Decision.NOTHING;
        if (state == State.DESTROYED) {
            held.clear(); // killed on purpose: abandon its tasks, start no other
            suspects.clear();
            return Decision.NOTHING;
        }
        lastCrash = crash;
        var fail = new ArrayList<Failed>();
        List<Held> lost = new ArrayList<>(held.values());
        held.clear();
        if (lost.size() == 1) {
            Held culprit = lost.getFirst(); // it died holding this one alone: blame it
            if (culprit.attempts > crashRetries) {
                fail.add(crashed(culprit, now));
            } else {
                culprit.attempts++;
                suspects.addFirst(culprit);
            }
        } else {
            suspects.addAll(lost);
        }
        if (++crashesInARow >= MAX_CRASHES_IN_A_ROW) {
            boolean gaveUp = giveUp(fail, now);
            return new Decision(false, false, List.of(), fail, gaveUp, settle());
        }
        state = suspects.isEmpty() ? State.FEEDING : State.PROBING;
        List<Task> send = state == State.PROBING ? List.of(sendNextSuspect()) : List.of();
        return new Decision(false, true, send, fail, false, settle());
    }

    /** No worker could be started; {@code crash} says why, the error of the tasks that fail for it. */
    public Decision couldNotStart(String crash, long now) {
        if (state == State.DESTROYED) return Decision.NOTHING;
        lastCrash = crash;
        var fail = new ArrayList<Failed>();
        boolean gaveUp = giveUp(fail, now);
        return new Decision(false, false, List.of(), fail, gaveUp, settle());
    }

    /** The feeder will take no more tasks. */
    public Decision inputDone() {
        inputDone = true;
        return new Decision(false, false, List.of(), List.of(), false, settle());
    }

    /** The pool kills the worker for good. */
    public void destroy() {
        state = State.DESTROYED;
    }

    // Moves the next suspect to the held tasks; the caller sends it.
    private Task sendNextSuspect() {
        Held next = suspects.removeFirst();
        held.put(next.task.id(), next);
        return next.task;
    }

    // Fails every task held and every suspect; true if the slot was not given up already.
    private boolean giveUp(List<Failed> fail, long now) {
        for (Held h : held.values()) fail.add(crashed(h, now));
        for (Held h : suspects) fail.add(crashed(h, now));
        held.clear();
        suspects.clear();
        boolean first = state != State.GIVEN_UP;
        state = State.GIVEN_UP;
        return first;
    }

    private Failed crashed(Held h, long now) {
        return new Failed(h.task, "crash", lastCrash, (now - h.takenNanos) / 1_000_000);
    }

    // Closing stdin tells the worker to exit once it has answered what it holds, so not while
    // suspects still wait to be sent to it, nor while a task it holds may still wait for a per-host
    // permit, which comes on stdin. Returns whether to close it now.
    private boolean settle() {
        if (!inputDone || !held.isEmpty() || !suspects.isEmpty()) return false;
        if (state == State.FEEDING) state = State.DONE;
        return true;
    }
}
