package dev.poolkit.internal.process;

import dev.poolkit.Result;
import dev.poolkit.WorkQueue;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One worker process of a process pool, and the three threads that serve it: a feeder
 * that takes tasks from the shared queue and writes them to the worker, a reader that gives its
 * answers to the sink, and a pump that passes its stderr on.
 *
 * <p>The slot keeps every task the worker holds, so that when the worker dies the reader can
 * start a new one and send them again, or fail them: no task is lost or answered twice. What a
 * crash means for those tasks is decided by the slot's {@link Triage}, a state machine that the
 * three threads drive under the slot's lock; the slot carries out its decisions.
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

    private final int index;
    private final List<String> command;
    private final WorkQueue<Task> queue;
    private final Consumer<Result> sink;
    private final AtomicInteger healthySlots;
    private final GateServer gates;
    // Up to two tasks per thread in the worker, so that none waits on a round trip for its next task.
    private final Semaphore room;
    private final ArrayDeque<String> stderrTail = new ArrayDeque<>();

    // Guarded by this.
    private final Triage triage;
    private Process process;
    private BufferedWriter toWorker;
    private BufferedReader fromWorker;
    private Thread stderrPump;
    private GateServer.Session gateSession; // the current process's

    private Thread feeder;
    private Thread reader;

    /**
     * @param healthySlots how many slots of the pool have not given up, this one included; shared
     *                     by them, so that a broken slot leaves the queue to the healthy ones
     */
    public WorkerSlot(int index, List<String> command, int threads, int crashRetries,
                      WorkQueue<Task> queue, Consumer<Result> sink, AtomicInteger healthySlots, GateServer gates) {
        this.index = index;
        this.command = command;
        this.triage = new Triage(crashRetries);
        this.queue = queue;
        this.sink = sink;
        this.healthySlots = healthySlots;
        this.gates = gates;
        this.room = new Semaphore(threads * 2);
    }

    public void start() {
        synchronized (this) {
            try {
                spawn();
            } catch (IOException e) {
                var crash = new WorkerCrashedException(command, null, List.of("could not start: " + e.getMessage()));
                if (triage.couldNotStart(crash.getMessage(), System.nanoTime()).gaveUp()) healthySlots.decrementAndGet();
            }
        }
        feeder = Thread.ofPlatform().name("feeder-" + index).start(this::feed);
        reader = Thread.ofPlatform().name("reader-" + index).start(this::read);
    }

    public void awaitDone() throws InterruptedException {
        feeder.join();
        reader.join();
    }

    /** Kills the worker for good: no new one is started, and the tasks not yet answered are abandoned. */
    public void destroy() {
        synchronized (this) {
            triage.destroy();
            notifyAll();
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
        if (feeder != null) feeder.interrupt();
    }

    private void feed() {
        try {
            while (true) {
                synchronized (this) {
                    // A broken worker leaves the items to healthy ones; the last one standing fails them.
                    if (triage.state() == Triage.State.GIVEN_UP && healthySlots.get() > 0) break;
                }
                room.acquire();
                Task task = queue.take();
                if (task == null) break;
                Triage.Decision d;
                synchronized (this) {
                    while (triage.state() == Triage.State.PROBING) wait();
                    if (triage.state() == Triage.State.DESTROYED) break;
                    d = triage.taken(task, System.nanoTime());
                    d.send().forEach(this::send);
                }
                fail(d.fail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException sinkFailed) {
            queue.close();
        } finally {
            synchronized (this) {
                if (triage.inputDone().closeStdin()) closeToWorker();
            }
        }
    }

    private void read() {
        try {
            while (true) {
                BufferedReader in;
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
                        if (GateWire.isGate(line)) gate.fromWorker(line);
                        else answer(line);
                    }
                } catch (IOException closed) {
                    // the worker is gone: handled below like the end of its output
                }
                if (!workerEnded(p, gate)) return;
            }
        } catch (RuntimeException sinkFailed) {
            // The sink is broken (a full disk, a closed pipe): stop feeding; the pool rethrows it.
            queue.close();
            feeder.interrupt();
            destroy();
        }
    }

    private void answer(String line) {
        Wire.Answer answer = Wire.readAnswer(line);
        if (answer == null) {
            log(line);
            return;
        }
        Triage.Decision d;
        synchronized (this) {
            d = triage.answered(answer.id());
            d.send().forEach(this::send);
            if (d.closeStdin()) closeToWorker();
            notifyAll(); // the feeder may wait for the probing to end
        }
        if (!d.deliver()) return; // not ours, or answered already: never give a task two results
        room.release();
        sink.accept(answer.result());
    }

    /** Called when the worker's stdout ends; returns whether a new worker is reading tasks. */
    private boolean workerEnded(Process p, GateServer.Session gate) {
        Integer exitCode = waitForExit(p);
        gate.close(); // it sends no more requests: free the permits it held
        List<String> tail = stderrTailAfter(p);
        var crash = new WorkerCrashedException(command, exitCode, tail);
        var failed = new ArrayList<Triage.Failed>();
        boolean replaced;
        synchronized (this) {
            Triage.Decision d = triage.workerEnded(crash.getMessage(), System.nanoTime());
            if (!d.spawn() && !d.gaveUp()) return false; // the normal end, or destroyed: no crash
            failed.addAll(d.fail());
            if (d.gaveUp()) healthySlots.decrementAndGet();
            replaced = d.spawn();
            if (replaced) {
                try {
                    spawn();
                    d.send().forEach(this::send);
                } catch (IOException e) {
                    replaced = false;
                    d = triage.couldNotStart(crash.getMessage(), System.nanoTime());
                    failed.addAll(d.fail());
                    if (d.gaveUp()) healthySlots.decrementAndGet();
                }
            }
            if (d.closeStdin()) closeToWorker();
            notifyAll(); // the feeder may wait for the probing to end
        }
        log(crash.getMessage() + (replaced ? "; started a new one" : "; giving up on this worker"));
        fail(failed);
        return replaced;
    }

    private void fail(List<Triage.Failed> failed) {
        for (Triage.Failed f : failed) {
            room.release();
            sink.accept(Result.failure(f.task().item(), null, f.error(), f.errorKind(), f.millis()));
        }
    }

    // Guarded by this. A failed write means the worker died: the reader sees that and sends again.
    private void send(Task task) {
        try {
            toWorker.write(Wire.writeTask(task));
            toWorker.newLine();
            toWorker.flush();
        } catch (IOException workerGone) {
            // the task stays held; workerEnded() deals with it
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
        fromWorker = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
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
