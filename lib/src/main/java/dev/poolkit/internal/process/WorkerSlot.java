package dev.poolkit.internal.process;

import dev.poolkit.Result;
import dev.poolkit.WorkQueue;
import dev.poolkit.WorkerCrashedException;
import dev.poolkit.internal.engine.Results;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * start a new one and send them again, or fail them: no task is lost or answered twice.
 *
 * <p>Which task killed a worker is known only when it held one. So after a crash, the tasks it
 * held become suspects and are sent to the new worker one at a time, with nothing else beside
 * them; only a task that a worker dies holding alone uses up its retries. Tasks that merely
 * shared a worker with a poison item are answered normally.
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
    // A worker that keeps dying without answering anything is broken, not unlucky. Each poison item
    // costs up to crashRetries + 1 crashes of its own, so leave room for a few in a row.
    private static final int MAX_CRASHES_IN_A_ROW = 10;

    private static final class Held {
        final Task task;
        final long startNanos = System.nanoTime();
        int attempts = 1;

        Held(Task task) {
            this.task = task;
        }
    }

    private final int index;
    private final List<String> command;
    private final int crashRetries;
    private final WorkQueue<Task> queue;
    private final Consumer<Result> sink;
    private final AtomicInteger healthySlots;
    private final GateServer gates;
    // Up to two tasks per thread in the worker, so that none waits on a round trip for its next task.
    private final Semaphore room;
    private final ArrayDeque<String> stderrTail = new ArrayDeque<>();

    // Guarded by this.
    private final Map<Long, Held> held = new LinkedHashMap<>();
    private final ArrayDeque<Held> suspects = new ArrayDeque<>();
    private boolean probing; // suspects are being sent one by one: the feeder waits
    private Process process;
    private BufferedWriter toWorker;
    private BufferedReader fromWorker;
    private Thread stderrPump;
    private GateServer.Session gateSession; // the current process's
    private boolean inputDone;
    private boolean givenUp;
    private boolean destroyed;
    private WorkerCrashedException lastCrash;
    private int crashesInARow;

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
        this.crashRetries = crashRetries;
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
                giveUp(new WorkerCrashedException(command, null, List.of("could not start: " + e.getMessage())));
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
            destroyed = true;
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
                    if (givenUp && healthySlots.get() > 0) break;
                }
                room.acquire();
                Task task = queue.take();
                if (task == null) break;
                WorkerCrashedException failNow;
                synchronized (this) {
                    while (probing && !givenUp && !destroyed) wait();
                    if (destroyed) break;
                    failNow = givenUp ? lastCrash : null;
                    if (failNow == null) {
                        held.put(task.id(), new Held(task));
                        send(task);
                    }
                }
                if (failNow != null) {
                    room.release();
                    sink.accept(Result.failure(task.item(), null, failNow.getMessage(), "crash", 0));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException sinkFailed) {
            queue.close();
        } finally {
            synchronized (this) {
                inputDone = true;
                closeIfDone();
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
                    if (givenUp) return;
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
        Held h;
        synchronized (this) {
            h = held.remove(answer.id());
            crashesInARow = 0;
            if (h != null && probing) {
                if (suspects.isEmpty()) {
                    probing = false;
                    notifyAll();
                } else {
                    sendNextSuspect();
                }
            }
            if (h != null) closeIfDone();
        }
        if (h == null) return; // not ours, or answered already: never give a task two results
        room.release();
        sink.accept(answer.result());
    }

    /** Called when the worker's stdout ends; returns whether a new worker is reading tasks. */
    private boolean workerEnded(Process p, GateServer.Session gate) {
        Integer exitCode = waitForExit(p);
        gate.close(); // it sends no more requests: free the permits it held
        List<String> tail = stderrTailAfter(p);
        List<Held> failed = new ArrayList<>();
        WorkerCrashedException crash;
        synchronized (this) {
            // The normal end: stdin closed and everything answered.
            if (inputDone && held.isEmpty() && suspects.isEmpty()) return false;
            if (destroyed) {
                held.clear(); // killed on purpose: abandon its tasks, start no other
                return false;
            }
            crash = new WorkerCrashedException(command, exitCode, tail);
            List<Held> lost = new ArrayList<>(held.values());
            held.clear();
            if (lost.size() == 1) {
                Held culprit = lost.getFirst(); // it died holding this one alone: blame it
                if (culprit.attempts > crashRetries) {
                    failed.add(culprit);
                } else {
                    culprit.attempts++;
                    suspects.addFirst(culprit);
                }
            } else {
                suspects.addAll(lost);
            }
            probing = !suspects.isEmpty();
            if (++crashesInARow >= MAX_CRASHES_IN_A_ROW) {
                giveUp(crash);
            } else {
                try {
                    spawn();
                } catch (IOException e) {
                    giveUp(crash);
                }
            }
            if (givenUp) {
                failed.addAll(suspects);
                suspects.clear();
                probing = false;
                notifyAll();
            } else if (probing) {
                sendNextSuspect();
            }
            closeIfDone();
        }
        log(crash.getMessage() + (givenUp ? "; giving up on this worker" : "; started a new one"));
        for (Held h : failed) {
            room.release();
            sink.accept(Result.failure(h.task.item(), null, crash.getMessage(), "crash", Results.millisSince(h.startNanos)));
        }
        return !givenUp;
    }

    // Guarded by this.
    private void giveUp(WorkerCrashedException crash) {
        if (!givenUp) healthySlots.decrementAndGet();
        givenUp = true;
        lastCrash = crash;
    }

    // Guarded by this.
    private void sendNextSuspect() {
        Held next = suspects.removeFirst();
        held.put(next.task.id(), next);
        send(next.task);
    }

    // Guarded by this. Closing stdin tells the worker to exit once it has answered what it holds,
    // so not while suspects still wait to be sent to it, nor while a task it holds may still wait
    // for a per-host permit, which comes on stdin.
    private void closeIfDone() {
        if (inputDone && suspects.isEmpty() && held.isEmpty()) closeToWorker();
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
