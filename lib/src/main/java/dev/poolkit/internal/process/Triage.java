package dev.poolkit.internal.process;

import dev.poolkit.internal.process.WorkerSlot.Task;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one worker slot does with its tasks as its worker starts them, answers, hangs, dies and is
 * replaced: the bookkeeping of {@link WorkerSlot}, as a state machine. Pure: no threads, no
 * processes, no I/O. The slot calls it under its lock, with the time ({@link System#nanoTime})
 * when it matters, and carries out the {@link Decision} it returns.
 *
 * <p>Which task killed a worker is known only when it held one. So after a crash, the tasks it
 * held become suspects and are sent to the new worker one at a time, with nothing beside them;
 * only a task that a worker dies holding alone uses up its retries.
 *
 * <p>A worker holds up to two tasks per thread, so that no thread waits a round trip for its next
 * one. A task sent but not started is <em>prefetched</em>; a started task that has run longer than
 * the slot's patience is <em>stalled</em>, and its thread is not counted on: the slot keeps one
 * prefetched task per thread that is not stalled, asks the others back ({@code cancel}) and gives
 * them to the other slots. So no task waits behind an item that does not return while another
 * worker could run it. With an item timeout, a task that has run longer is failed
 * ({@code item-timeout}) and its worker killed; the tasks it held beside it are innocent, and are
 * sent again to the new worker as they were, using no retry.
 *
 * <h2>States</h2>
 * <dl>
 *   <dt>FEEDING</dt>   <dd>the normal state: tasks flow from the shared queue to the worker.</dd>
 *   <dt>PROBING</dt>   <dd>after a crash, the tasks the dead worker held (suspects) are sent to the
 *                      new one one at a time; the feeder waits.</dd>
 *   <dt>REPLACING</dt> <dd>the worker is being killed for an item past its timeout; the feeder waits
 *                      for the new one.</dd>
 *   <dt>GIVEN_UP</dt>  <dd>the worker died {@value #MAX_CRASHES_IN_A_ROW} times in a row, or could
 *                      not start: there is no worker. A task taken now goes back to the other
 *                      slots, or fails at once when none is left.</dd>
 *   <dt>DONE</dt>      <dd>the input ended and every task is answered: the worker's stdin is closed,
 *                      and its end is the normal one.</dd>
 *   <dt>DESTROYED</dt> <dd>the pool killed the worker on purpose: nothing more is sent, and the
 *                      tasks it held are abandoned.</dd>
 * </dl>
 *
 * <h2>Transitions</h2>
 * <pre>
 * state             event                                   new state  action
 * ----------------  --------------------------------------  ---------  ------------------------------------------
 * FEEDING           taken(task), room left                  FEEDING    hold it; send it
 * FEEDING           taken(task), no room (stalled since)    FEEDING    give it back
 * PROBING,          taken(task)                             same       give it back
 *   REPLACING, DONE
 * GIVEN_UP          taken(task), other slots healthy        GIVEN_UP   give it back
 * GIVEN_UP          taken(task), none                       GIVEN_UP   fail it with the last crash
 * FEEDING, PROBING  started(id)                             same       its timeout and patience run from now
 * FEEDING           answered(id)                            FEEDING    release it; deliver the answer
 * PROBING           answered(id), suspects left             PROBING    deliver; send the next suspect
 * PROBING           answered(id), no suspect left           FEEDING    deliver; the feeder goes on
 * REPLACING         answered(id)                            REPLACING  deliver
 * any               answered(id) of a task not held         same       drop it: answered already, or not ours
 * FEEDING           tick: stalled tasks, and more           FEEDING    cancel the extra prefetched tasks,
 *                   prefetched than threads not stalled                the last sent first
 * any               cancelled(id)                           same       release it; give it back
 * FEEDING, PROBING  tick: a task ran past the item timeout  REPLACING  fail it (item-timeout); kill the worker
 * REPLACING         workerEnded                             FEEDING    start a new worker; send it the tasks
 *                                                                      held, again (no retry used: not a crash)
 * REPLACING         workerEnded, suspects left              PROBING    start a new worker; send the next suspect
 * FEEDING, PROBING  workerEnded: crash, no task held        same       start a new worker
 * FEEDING, PROBING  workerEnded: crash, one task held       PROBING    blame it: send it again first (attempts + 1)
 *                                                                      or, past crashRetries, fail it
 * FEEDING, PROBING  workerEnded: crash, several held        PROBING    all become suspects; start a new worker
 *                                                                      and send it the first
 * FEEDING, PROBING  workerEnded: the 10th crash in a row    GIVEN_UP   fail every task held and every suspect
 * any live state    couldNotStart                           GIVEN_UP   fail every task held and every suspect
 * FEEDING           inputDone, or the last task answered    DONE       close the worker's stdin
 *                   after inputDone
 * any               taken(task) after stop                  same       give it back (the stopped queue drops it)
 * FEEDING           stop                                    FEEDING    as inputDone, and ask back every task sent
 *                                                                      and not started (cancelled, it is dropped)
 * other live state  stop                                    same       as inputDone (suspects are still probed:
 *                                                                      they may have run in the dead worker)
 * REPLACING         workerEnded after stop                  as above   drop the tasks held that had not started;
 *                                                                      send the new worker the others
 * FEEDING, PROBING  workerEnded: crash, nothing held nor    DONE       start no new worker
 *                   suspect, after stop
 * DONE              workerEnded                             DONE       nothing: the normal end
 * any but DONE      destroy                                 DESTROYED  send nothing more
 * DESTROYED         workerEnded                             DESTROYED  abandon the tasks held and the suspects
 * </pre>
 * An answer, whoever's, ends a run of crashes: {@code crashesInARow} counts crashes with no
 * answer between them; a worker killed for a timeout is not a crash. "Held" tasks are those sent
 * to the current worker and not yet answered nor given back. {@link #tick} is called at
 * {@link #untilNextDeadline} and may be called at any time: it does only what is due.
 *
 * <p>Thread-safety: none; the slot's lock guards it.
 */
public final class Triage {
    /** The slot's states: see the class documentation. */
    public enum State { FEEDING, PROBING, REPLACING, GIVEN_UP, DONE, DESTROYED }

    // A worker that keeps dying without answering anything is broken, not unlucky. Each poison item
    // costs up to crashRetries + 1 crashes of its own, so leave room for a few in a row.
    public static final int MAX_CRASHES_IN_A_ROW = 10;

    /** A task that gets a failed result now: {@code millis} is how long it ran, or the slot had it. */
    public record Failed(Task task, String errorKind, String error, long millis) {}

    /**
     * What the slot does after an event, in this order: deliver the answer it read (if
     * {@code deliver}); kill the worker (if {@code kill}); start a new worker (if {@code spawn}; if
     * that fails, report {@link #couldNotStart}); send {@code send} to the worker and ask
     * {@code cancel} back from it; give {@code giveBack} to the other slots; fail {@code fail};
     * close the worker's stdin (if {@code closeStdin}). {@code gaveUp} says this event gave the
     * slot up.
     */
    public record Decision(boolean deliver, boolean kill, boolean spawn, List<Task> send, List<Long> cancel,
                           List<Task> giveBack, List<Failed> fail, boolean gaveUp, boolean closeStdin) {
        public static final Decision NOTHING = new Out().decision();
    }

    // A Decision being made.
    private static final class Out {
        boolean deliver, kill, spawn, gaveUp, closeStdin;
        final List<Task> send = new ArrayList<>();
        final List<Long> cancel = new ArrayList<>();
        final List<Task> giveBack = new ArrayList<>();
        final List<Failed> fail = new ArrayList<>();

        Decision decision() {
            return new Decision(deliver, kill, spawn, List.copyOf(send), List.copyOf(cancel), List.copyOf(giveBack),
                    List.copyOf(fail), gaveUp, closeStdin);
        }
    }

    private static final class Held {
        final Task task;
        final long takenNanos;
        int attempts = 1;
        boolean started;
        long startedNanos;
        boolean cancelling; // asked back, no answer yet

        Held(Task task, long takenNanos) {
            this.task = task;
            this.takenNanos = takenNanos;
        }

        // Sent to a new worker: it starts afresh there.
        Task resent() {
            started = false;
            cancelling = false;
            return task;
        }
    }

    private final int threads;
    private final int crashRetries;
    private final long itemTimeoutNanos;
    private final long patienceNanos;
    private final Map<Long, Held> held = new LinkedHashMap<>();
    private final ArrayDeque<Held> suspects = new ArrayDeque<>();
    private State state = State.FEEDING;
    private boolean inputDone;
    private boolean stopped;
    private int crashesInARow;
    private String lastCrash;

    /**
     * @param threads          the worker's threads: it holds up to two tasks each
     * @param crashRetries     how many more times a task is sent after a worker died holding it alone
     * @param itemTimeoutNanos how long a task may run once started before its worker is killed; 0: no limit
     * @param patienceNanos    how long a task may run before its thread is not counted on to start
     *                         the tasks prefetched for it
     */
    public Triage(int threads, int crashRetries, long itemTimeoutNanos, long patienceNanos) {
        this.threads = threads;
        this.crashRetries = crashRetries;
        this.itemTimeoutNanos = itemTimeoutNanos;
        this.patienceNanos = patienceNanos;
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

    /**
     * Whether the feeder may take a task from the shared queue now: while feeding with room for
     * it, or given up (to pass it on).
     */
    public boolean mayTake(long now) {
        return state == State.FEEDING ? held.size() < room(now) : state == State.GIVEN_UP;
    }

    /**
     * The feeder took {@code task} from the shared queue at {@code now}. {@code othersHealthy}: some
     * other slot of the pool has not given up.
     */
    public Decision taken(Task task, long now, boolean othersHealthy) {
        var out = new Out();
        if (stopped) { // taken as the pool stopped: not started, and dropped
            out.giveBack.add(task);
            return out.decision();
        }
        switch (state) {
            case FEEDING -> {
                if (held.size() < room(now)) {
                    held.put(task.id(), new Held(task, now));
                    out.send.add(task);
                } else {
                    out.giveBack.add(task); // a task stalled since the feeder looked
                }
            }
            case GIVEN_UP -> {
                if (othersHealthy) out.giveBack.add(task);
                else out.fail.add(new Failed(task, "crash", lastCrash, 0));
            }
            case DESTROYED -> { } // abandoned with the rest
            default -> out.giveBack.add(task);
        }
        return out.decision();
    }

    /** A thread of the worker started task {@code id} at {@code now}. */
    public void started(long id, long now) {
        if (state != State.FEEDING && state != State.PROBING) return;
        Held h = held.get(id);
        if (h == null || h.started) return;
        h.started = true;
        h.startedNanos = now;
        h.cancelling = false; // too late to take it back
    }

    /** The worker answered task {@code id}. */
    public Decision answered(long id) {
        crashesInARow = 0;
        Held h = held.remove(id);
        if (h == null) return Decision.NOTHING; // never give a task two results
        var out = new Out();
        out.deliver = true;
        if (state == State.PROBING) {
            if (suspects.isEmpty()) state = State.FEEDING;
            else out.send.add(sendNextSuspect());
        }
        out.closeStdin = settle();
        return out.decision();
    }

    /** The worker gave task {@code id} back, as asked: no thread of it will run it. */
    public Decision cancelled(long id) {
        Held h = held.remove(id);
        if (h == null) return Decision.NOTHING;
        var out = new Out();
        out.giveBack.add(h.task);
        out.closeStdin = settle();
        return out.decision();
    }

    /** Does what is due at {@code now}: fails the tasks past the item timeout, asks back prefetched ones. */
    public Decision tick(long now) {
        var out = new Out();
        if (itemTimeoutNanos > 0 && (state == State.FEEDING || state == State.PROBING)) {
            for (var it = held.values().iterator(); it.hasNext(); ) {
                Held h = it.next();
                if (!h.started || now - h.startedNanos < itemTimeoutNanos) continue;
                it.remove();
                out.fail.add(new Failed(h.task, "item-timeout", "item timed out after " + itemTimeoutNanos / 1_000_000
                        + " ms (--item-timeout); its worker was killed and replaced", (now - h.startedNanos) / 1_000_000));
            }
            if (!out.fail.isEmpty()) {
                // Only killing the worker stops a thread that does not return; the tasks it held
                // beside the late one go to the new worker.
                state = State.REPLACING;
                out.kill = true;
                return out.decision();
            }
        }
        if (state == State.FEEDING) {
            int stalled = stalled(now);
            if (stalled == 0) return Decision.NOTHING;
            List<Held> prefetched = held.values().stream().filter(h -> !h.started && !h.cancelling).toList();
            int keep = Math.max(0, threads - stalled);
            // The last sent are the last a thread would start.
            for (Held h : prefetched.subList(Math.min(keep, prefetched.size()), prefetched.size())) {
                h.cancelling = true;
                out.cancel.add(h.task.id());
            }
        }
        return out.decision();
    }

    /**
     * Nanoseconds from {@code now} to the next time {@link #tick} has something to do (0 if
     * due), or {@link Long#MAX_VALUE} if nothing is pending.
     */
    public long untilNextDeadline(long now) {
        if (state != State.FEEDING && state != State.PROBING) return Long.MAX_VALUE;
        long next = Long.MAX_VALUE;
        for (Held h : held.values()) {
            if (!h.started) continue;
            long ran = now - h.startedNanos;
            if (itemTimeoutNanos > 0) next = Math.min(next, Math.max(0, itemTimeoutNanos - ran));
            // A task stalls once: a deadline past is not a deadline to come.
            if (state == State.FEEDING && ran < patienceNanos) next = Math.min(next, patienceNanos - ran);
        }
        return next;
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
        var out = new Out();
        if (state == State.REPLACING) {
            state = suspects.isEmpty() ? State.FEEDING : State.PROBING;
            if (stopped) { // what the killed worker had not started is not started again
                for (var it = held.values().iterator(); it.hasNext(); ) {
                    Held h = it.next();
                    if (h.started) continue;
                    it.remove();
                    out.giveBack.add(h.task);
                }
            }
            if (settle()) { // nothing left to give a new worker
                out.closeStdin = true;
                return out.decision();
            }
            out.spawn = true;
            for (Held h : held.values()) out.send.add(h.resent());
            if (state == State.PROBING && held.isEmpty()) out.send.add(sendNextSuspect());
            return out.decision();
        }
        lastCrash = crash;
        List<Held> lost = new ArrayList<>(held.values());
        held.clear();
        if (lost.size() == 1) {
            Held culprit = lost.getFirst(); // it died holding this one alone: blame it
            if (culprit.attempts > crashRetries) {
                out.fail.add(crashed(culprit, now));
            } else {
                culprit.attempts++;
                suspects.addFirst(culprit);
            }
        } else {
            suspects.addAll(lost);
        }
        if (++crashesInARow >= MAX_CRASHES_IN_A_ROW) {
            out.gaveUp = giveUp(out.fail, now);
        } else if (stopped && suspects.isEmpty()) {
            state = State.FEEDING; // nothing left for a new worker to do: settle() ends the slot
        } else {
            out.spawn = true;
            state = suspects.isEmpty() ? State.FEEDING : State.PROBING;
            if (state == State.PROBING) out.send.add(sendNextSuspect());
        }
        out.closeStdin = settle();
        return out.decision();
    }

    /** No worker could be started; {@code crash} says why, the error of the tasks that fail for it. */
    public Decision couldNotStart(String crash, long now) {
        if (state == State.DESTROYED) return Decision.NOTHING;
        lastCrash = crash;
        var out = new Out();
        out.gaveUp = giveUp(out.fail, now);
        out.closeStdin = settle();
        return out.decision();
    }

    /** The feeder will take no more tasks. */
    public Decision inputDone() {
        inputDone = true;
        var out = new Out();
        out.closeStdin = settle();
        return out.decision();
    }

    /**
     * The pool stops gracefully ({@code Pool.stop}): the feeder takes no more tasks, the tasks
     * sent ahead that the worker has not started are asked back (and dropped when they come
     * back), and the worker's stdin is closed once it has answered the others.
     */
    public Decision stop() {
        stopped = true;
        inputDone = true;
        var out = new Out();
        if (state == State.FEEDING) {
            for (Held h : held.values()) {
                if (h.started || h.cancelling) continue;
                h.cancelling = true;
                out.cancel.add(h.task.id());
            }
        }
        out.closeStdin = settle();
        return out.decision();
    }

    /**
     * Whether a task asked back ({@code cancel}) has no answer yet: until the worker says
     * {@code cancelled} (or {@code started}), one of its threads may still start it.
     */
    public boolean askingBack() {
        for (Held h : held.values()) {
            if (h.cancelling) return true;
        }
        return false;
    }

    /** Whether {@link #stop} was called: the feeder takes no more tasks. */
    public boolean stopped() {
        return stopped;
    }

    /** The pool kills the worker for good. */
    public void destroy() {
        state = State.DESTROYED;
    }

    // Two tasks per thread, less the prefetched task of each stalled thread.
    private int room(long now) {
        return 2 * threads - stalled(now);
    }

    private int stalled(long now) {
        int n = 0;
        for (Held h : held.values()) {
            if (h.started && now - h.startedNanos >= patienceNanos) n++;
        }
        return n;
    }

    // Moves the next suspect to the held tasks; the caller sends it.
    private Task sendNextSuspect() {
        Held next = suspects.removeFirst();
        held.put(next.task.id(), next);
        return next.resent();
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
