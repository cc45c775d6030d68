package dev.poolkit.internal.process;

import dev.poolkit.Result;
import dev.poolkit.WorkerCrashedException;
import dev.poolkit.limits.internal.GateServer;
import dev.poolkit.limits.internal.GateWire;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One worker process of a process pool, and the four threads that serve it: a feeder that takes
 * tasks from the shared queue and writes them to the worker, a reader that gives its answers to
 * the sink (and, when an answer makes room, sends the next task waiting in the queue itself), a
 * watch that acts when a task has run too long, and a pump that passes its stderr on.
 *
 * <p>The slot keeps every task the worker holds, so that when the worker dies the reader can
 * start a new one and send them again, or fail them: no task is lost or answered twice. What
 * becomes of those tasks is decided by the slot's {@link Triage}, a state machine that the
 * threads drive under the slot's lock; the slot carries out its decisions.
 *
 * <p>Besides tasks and results, the wire carries the fetchers' {@link GateWire gate messages}:
 * each worker process gets a {@link GateServer.Session}, closed when the process is gone, which
 * releases the per-host permits it held. Its stdin stays open until it holds no task, since a
 * task in progress may still need a permit.
 */
public final class WorkerSlot {
    /** Set in a worker's environment to its slot number. */
    public static final String WORKER_ENV = "POOLKIT_WORKER";

    /** A task as it crosses the wire. */
    public record Task(long id, String item) {}

    private static final int STDERR_TAIL_LINES = 10;
    // How long a task may run before the tasks prefetched for its thread are given to other slots.
    // Shorter items never pay for it; longer ones pay one round trip each, a thousandth of their time.
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int index;
    private final List<String> command;
    private final TaskQueue queue;
    private final Consumer<Result> sink;
    private final AtomicInteger healthySlots;
    private final GateServer gates;
    private final ArrayDeque<String> stderrTail = new ArrayDeque<>();

    // Guarded by this.
    private final Triage triage;
    private Process process;
    private BufferedWriter toWorker;
    private LineReader fromWorker;
    private Thread stderrPump;
    private GateServer.Session gateSession; // the current process's
    private long watchWakesAt;
    private boolean deferFlush; // the reader writes for a batch of answers, and flushes after it
    private boolean watchSleepsForever = true;

    private Thread feeder;
    private Thread reader;
    private Thread watch;

    /**
     * @param itemTimeoutNanos how long a task may run, from when the worker starts it, before the
     *                         worker is killed and replaced; 0: no limit
     * @param healthySlots     how many slots of the pool have not given up, this one included;
     *                         shared by them, so that a broken slot leaves the queue to the healthy ones
     */
    public WorkerSlot(int index, List<String> command, int threads, int crashRetries, long itemTimeoutNanos,
                      TaskQueue queue, Consumer<Result> sink, AtomicInteger healthySlots, GateServer gates) {
        this.index = index;
        this.command = command;
        this.triage = new Triage(threads, crashRetries, itemTimeoutNanos, PATIENCE_NANOS);
        this.queue = queue;
        this.sink = sink;
        this.healthySlots = healthySlots;
        this.gates = gates;
    }

    public void start() {
        synchronized (this) {
            try {
                spawn();
            } catch (IOException e) {
                var crash = new WorkerCrashedException(command, null, List.of("could not start: " + e.getMessage()));
                if (triage.couldNotStart(crash.getMessage(), System.nanoTime()).gaveUp()) healthySlots.decrementAndGet();
            }
            watch = Thread.ofPlatform().name("watch-" + index).unstarted(this::watch);
        }
        feeder = Thread.ofPlatform().name("feeder-" + index).start(this::feed);
        reader = Thread.ofPlatform().name("reader-" + index).start(this::read);
        watch.start();
    }

    public void awaitDone() throws InterruptedException {
        feeder.join();
        reader.join();
        watch.join();
    }

    /** Kills the worker for good: no new one is started, and the tasks not yet answered are abandoned. */
    public void destroy() {
        synchronized (this) {
            triage.destroy();
            kill();
            afterEvent();
        }
        if (feeder != null) feeder.interrupt();
    }

    /**
     * The pool stops gracefully: no task is taken after this, the tasks sent ahead that the
     * worker has not started are asked back, and the worker's stdin is closed once it has
     * answered the others (it then exits). Call after the queue is stopped.
     */
    public void finishInFlight() {
        synchronized (this) {
            carryOut(triage.stop());
        }
    }

    /**
     * After {@link #finishInFlight}: waits until the worker has answered every task asked back
     * ({@code cancelled}, or {@code started} if a thread claimed it first), or has ended, or
     * {@code deadline} ({@link System#nanoTime}) has passed. A cancel written is not a cancel
     * read: a thread of the worker that frees up before the worker reads it starts the task.
     * Returns at once on this slot's reader, which reads those answers (a sink that stops the pool).
     */
    public void awaitAskedBack(long deadline) throws InterruptedException {
        if (Thread.currentThread() == reader) return;
        synchronized (this) {
            while (!over() && triage.askingBack()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return;
                TimeUnit.NANOSECONDS.timedWait(this, left); // woken by afterEvent(): the pool is stopped
            }
        }
    }

    private void feed() {
        try {
            while (true) {
                synchronized (this) {
                    while (true) {
                        Triage.State state = triage.state();
                        // A broken worker leaves the items to healthy ones; the last one standing fails them.
                        if (state == Triage.State.DESTROYED || (state == Triage.State.GIVEN_UP && healthySlots.get() > 0)) return;
                        if (triage.stopped()) return; // the pool stopped taking items
                        if (triage.mayTake(System.nanoTime())) break;
                        wait(); // for room: an answer, a new worker, the end of the probing
                    }
                }
                Task task = queue.take();
                if (task == null) return;
                Triage.Decision d;
                synchronized (this) {
                    d = triage.taken(task, System.nanoTime(), healthySlots.get() > 0);
                    carryOut(d);
                }
                fail(d.fail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException sinkFailed) {
            queue.abort();
        } finally {
            synchronized (this) {
                carryOut(triage.inputDone());
            }
        }
    }

    private void read() {
        try {
            while (true) {
                LineReader in;
                Process p;
                GateServer.Session gate;
                synchronized (this) {
                    if (triage.state() == Triage.State.GIVEN_UP) return;
                    in = fromWorker;
                    p = process;
                    gate = gateSession;
                }
                try {
                    for (String line; (line = in.readLine()) != null; ) {
                        // Lines already here are read before what this one sends is flushed: the
                        // tasks sent for a batch of answers go out in one write.
                        boolean more = in.lineReady();
                        if (GateWire.isGate(line)) gate.fromWorker(line);
                        else fromWorker(line, more);
                        if (!more) flushToWorker(p);
                    }
                } catch (IOException closed) {
                    // the worker is gone: handled below like the end of its output
                }
                if (!workerEnded(p, gate)) return;
            }
        } catch (RuntimeException sinkFailed) {
            stop();
        }
    }

    // Kills the workers that stay too long; asks back the tasks that wait behind them.
    private void watch() {
        try {
            while (true) {
                Triage.Decision d;
                long sleep;
                synchronized (this) {
                    if (over()) return;
                    long now = System.nanoTime();
                    d = triage.tick(now);
                    carryOut(d);
                    sleep = triage.untilNextDeadline(now);
                    watchSleepsForever = sleep == Long.MAX_VALUE;
                    watchWakesAt = now + sleep;
                }
                fail(d.fail());
                // Woken early by an event that brings a deadline closer, or by the end.
                if (sleep == Long.MAX_VALUE) LockSupport.park(this);
                else if (sleep > 0) LockSupport.parkNanos(this, sleep);
            }
        } catch (RuntimeException sinkFailed) {
            stop();
        }
    }

    // The sink is broken (a full disk, a closed pipe): stop the run; the pool rethrows it.
    private void stop() {
        queue.abort();
        feeder.interrupt();
        destroy();
    }

    // The reader's: {@code more} says more lines are there to read, and the reader flushes after them.
    private void fromWorker(String line, boolean more) {
        switch (Wire.readFromWorker(line)) {
            case null -> log(line);
            case Wire.Answer answer -> {
                Triage.Decision d;
                synchronized (this) {
                    d = triage.answered(answer.id());
                    deferFlush = more;
                    try {
                        carryOut(d);
                        if (d.deliver()) refill();
                    } finally {
                        deferFlush = false;
                    }
                }
                if (!d.deliver()) return; // not ours, or answered already: never give a task two results
                sink.accept(answer.result());
                queue.resolved();
            }
            case Wire.Started started -> {
                synchronized (this) {
                    triage.started(started.id(), System.nanoTime());
                    afterEvent();
                }
            }
            case Wire.Cancelled cancelled -> {
                synchronized (this) {
                    carryOut(triage.cancelled(cancelled.id()));
                }
            }
        }
    }

    // Guarded by this. An answer made room: the reader sends the next tasks waiting in the queue
    // itself, rather than waking the feeder to do it (a wake-up per item, on a machine where a
    // wake-up may wait for a core). The feeder still takes what comes later, waiting on the queue.
    private void refill() {
        if (triage.stopped()) return;
        // Feeding only: a slot given up would take back what it gives back, for ever.
        while (triage.state() == Triage.State.FEEDING && triage.mayTake(System.nanoTime())) {
            Task task = queue.poll();
            if (task == null) return;
            carryOut(triage.taken(task, System.nanoTime(), true)); // feeding: sent, never failed
        }
    }

    // Flushes what the reader left unflushed for process p (nothing if p was replaced since).
    private void flushToWorker(Process p) {
        synchronized (this) {
            if (process != p || toWorker == null) return;
            try {
                toWorker.flush();
            } catch (IOException workerGone) {
                // the reader sees it end
            }
        }
    }

    /** Called when the worker's stdout ends; returns whether a new worker is reading tasks. */
    private boolean workerEnded(Process p, GateServer.Session gate) {
        Integer exitCode = waitForExit(p);
        gate.close(); // it sends no more requests: free the permits it held
        List<String> tail = stderrTailAfter(p);
        var crash = new WorkerCrashedException(command, exitCode, tail);
        var failed = new ArrayList<Triage.Failed>();
        boolean replaced;
        String why;
        synchronized (this) {
            why = triage.state() == Triage.State.REPLACING ? "killed: an item ran past its timeout" : crash.getMessage();
            Triage.Decision d = triage.workerEnded(crash.getMessage(), System.nanoTime());
            if (!d.spawn() && !d.gaveUp()) { // the normal end, or destroyed
                carryOut(d);
                return false;
            }
            failed.addAll(d.fail());
            if (d.gaveUp()) healthySlots.decrementAndGet();
            replaced = d.spawn();
            if (replaced) {
                try {
                    spawn();
                } catch (IOException e) {
                    replaced = false;
                    d = triage.couldNotStart(crash.getMessage(), System.nanoTime()); // fails what was to be sent
                    failed.addAll(d.fail());
                    if (d.gaveUp()) healthySlots.decrementAndGet();
                }
            }
            carryOut(d);
        }
        log(why + (replaced ? "; started a new one" : "; giving up on this worker"));
        fail(failed);
        return replaced;
    }

    private void fail(List<Triage.Failed> failed) {
        for (Triage.Failed f : failed) {
            sink.accept(Result.failure(f.task().item(), null, f.error(), f.errorKind(), f.millis()));
            queue.resolved();
        }
    }

    // Guarded by this: everything a decision says, but delivering and failing, done outside the lock.
    private void carryOut(Triage.Decision d) {
        if (d.kill()) kill();
        for (Task task : d.send()) write(Wire.writeTask(task));
        for (long id : d.cancel()) write(Wire.writeCancel(id));
        for (Task task : d.giveBack()) queue.giveBack(task);
        if (d.closeStdin()) closeToWorker();
        afterEvent();
    }

    // Guarded by this. Wakes the feeder, which may now have room, and the watch if a deadline
    // came closer than it sleeps, or if the slot is over.
    private void afterEvent() {
        if (feederMayGo()) notifyAll();
        if (watch == null) return;
        long now = System.nanoTime();
        long next = triage.untilNextDeadline(now);
        boolean sooner = next != Long.MAX_VALUE && (watchSleepsForever || now + next - watchWakesAt < 0);
        if (sooner || over()) LockSupport.unpark(watch);
    }

    // Guarded by this. Whether the feeder, waiting for room, would leave its wait now (see feed()).
    private boolean feederMayGo() {
        Triage.State state = triage.state();
        return state == Triage.State.DESTROYED || state == Triage.State.GIVEN_UP || triage.stopped()
                || triage.mayTake(System.nanoTime());
    }

    // Guarded by this.
    private boolean over() {
        return switch (triage.state()) {
            case DONE, GIVEN_UP, DESTROYED -> true;
            default -> false;
        };
    }

    // Guarded by this. Children first: once the worker is dead they are no longer its descendants.
    private void kill() {
        if (process == null) return;
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    // Guarded by this. A failed write means the worker died: the reader sees that and triage
    // decides what becomes of the tasks it held.
    private void write(String line) {
        try {
            toWorker.write(line);
            toWorker.newLine();
            if (!deferFlush) toWorker.flush();
        } catch (IOException workerGone) {
            // the tasks stay held; workerEnded() deals with them
        }
    }

    // A gate message for process p; dropped if p was replaced (its session is closed by then).
    private void toProcess(Process p, String line) {
        synchronized (this) {
            if (process != p) return;
            try {
                toWorker.write(line);
                toWorker.newLine();
                toWorker.flush();
            } catch (IOException workerGone) {
                // it died or has been told to finish: its permits are released when the reader sees it end
            }
        }
    }

    // Guarded by this.
    private void closeToWorker() {
        try {
            if (toWorker != null) toWorker.close();
        } catch (IOException alreadyGone) {
            // nothing left to tell it
        }
    }

    // Guarded by this.
    private void spawn() throws IOException {
        var builder = new ProcessBuilder(command);
        builder.environment().put(WORKER_ENV, String.valueOf(index));
        Process p = builder.start();
        process = p;
        toWorker = new BufferedWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
        fromWorker = new LineReader(p.getInputStream());
        gateSession = gates.open(String.valueOf(index), line -> toProcess(p, line), this::log);
        synchronized (stderrTail) {
            stderrTail.clear();
        }
        stderrPump = Thread.ofPlatform().daemon().name("stderr-" + index).start(() -> pumpStderr(p));
    }

    private void pumpStderr(Process p) {
        try (var err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = err.readLine()) != null; ) {
                log(line);
                synchronized (stderrTail) {
                    if (stderrTail.size() == STDERR_TAIL_LINES) stderrTail.removeFirst();
                    stderrTail.addLast(line);
                }
            }
        } catch (IOException gone) {
            // the worker's stderr closed with it
        }
    }

    private List<String> stderrTailAfter(Process p) {
        Thread pump;
        synchronized (this) {
            pump = p == process ? stderrPump : null;
        }
        if (pump != null) {
            try {
                pump.join(2_000); // let the dying worker's last words arrive
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (stderrTail) {
            return List.copyOf(stderrTail);
        }
    }

    /** A line of the worker's log (its stderr, stray output, what became of it) on our stderr. */
    private void log(String line) {
        System.err.println("[worker-" + index + "] " + line);
    }

    private static Integer waitForExit(Process p) {
        try {
            if (p.waitFor(5, TimeUnit.SECONDS)) return p.exitValue();
            p.destroyForcibly(); // closed its stdout but lingers: it can no longer answer
            return p.waitFor(5, TimeUnit.SECONDS) ? p.exitValue() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
