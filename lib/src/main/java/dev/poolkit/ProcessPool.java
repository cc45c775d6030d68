package dev.poolkit;

import dev.poolkit.internal.Check;
import dev.poolkit.internal.Signals;
import dev.poolkit.internal.engine.QueueWorkers;
import dev.poolkit.internal.engine.Results;
import dev.poolkit.internal.engine.Tally;
import dev.poolkit.internal.process.Claims;
import dev.poolkit.internal.process.JvmOptions;
import dev.poolkit.internal.process.TaskQueue;
import dev.poolkit.internal.process.Wire;
import dev.poolkit.internal.process.WireOut;
import dev.poolkit.internal.process.WorkerSlot;
import dev.poolkit.limits.Gates;
import dev.poolkit.limits.internal.GateServer;
import dev.poolkit.limits.internal.RemoteGates;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * N child JVMs of the same program, each running its own pool of threads: Python's
 * {@code multiprocessing.Pool} (one thread each) or processes × threads (several each).
 *
 * <p>In Java, threads already run in parallel; reach for processes for isolation: a handler that
 * leaks, crashes the JVM or calls native code that can die takes down one worker, not the run.
 *
 * <h2>How it works</h2>
 * A worker is the same program started again with the parent's java and class path, the
 * {@code POOLKIT_WORKER} environment variable set, and the arguments given to {@link Builder#worker}.
 * Its {@code main} builds the same pool and, seeing {@link #isWorker()}, calls {@link #serve()}
 * instead of {@link #run}. Parent and worker speak JSON Lines over the worker's stdin and stdout:
 * {@code {"id":1,"item":"..."}} in, {@code {"id":1,"result":{...}}} out. The worker's stderr
 * (and anything its handler prints) is passed to the parent's stderr with a {@code [worker-N]}
 * prefix. A worker exits when its stdin closes, and at once when its parent dies, even with a
 * handler stuck: a killed parent leaves no orphans. A worker ignores SIGINT and SIGTERM, which a
 * terminal's Ctrl-C or systemd's stop sends to every process of the group: the parent decides
 * (see {@link #stop}).
 *
 * <p>The wire also carries the per-host limits of the workers' {@link Fetcher}s: the parent
 * keeps them for all the workers, and takes back the permits of a worker that dies.
 *
 * <h2>Crashes</h2>
 * When a worker dies, a new one is started, and the tasks the dead one held are sent to it one at
 * a time, so that the task that kills a worker is told apart from those that were only beside it.
 * A task that a worker dies holding alone is sent again up to {@link Builder#crashRetries} more
 * times; past that, it becomes a failed result carrying a {@link WorkerCrashedException}'s message
 * (command, exit code, stderr tail). A worker that dies ten times in a row without answering
 * anything is given up: its share of the tasks goes to the other workers, or fails at once if
 * none is left, so a broken worker never hangs the run.
 *
 * <h2>Items that do not return</h2>
 * A worker is sent up to two tasks per thread, so that no thread waits a round trip for its next
 * one. When a task has run for a second, the worker is not counted on to start the task sent
 * ahead for that thread soon: the parent asks it back, and another worker runs it. So an item
 * whose handler never returns holds up its own thread, and no other item.
 *
 * <p>With an {@linkplain Builder#itemTimeout item timeout}, an item still running that long after
 * its worker started it fails with {@code errorKind} {@code "item-timeout"}, and is not sent again.
 * Its worker is killed, with the processes it started, and replaced, which stops anything: a
 * loop, a blocking call, native code. (A process the worker starts at the very moment it is
 * killed may outlive it: a JVM cannot kill a process group.) The other tasks that worker held
 * are sent again to the new one as they were: they are innocent, use no crash retry and are not
 * failed. Other tasks running in that worker start over, so a handler with side effects may see
 * an item twice.
 *
 * <h2>Defaults</h2>
 * {@code processes}: the number of cores; {@code threadsPerProcess}: 1; {@code crashRetries}: 1;
 * {@code itemTimeout}: none ({@link Duration#ZERO}).
 *
 * <p>Thread-safety: one {@code run} at a time. {@link #close} ends any worker still running.
 * Not usable from JShell snippets: a worker must be a class on the class path with a {@code main}.
 */
public final class ProcessPool implements Pool {
    /** Set in a worker's environment to its slot number. */
    public static final String WORKER_ENV = WorkerSlot.WORKER_ENV;

    // Items read ahead of the workers: enough that the thread reading the input wakes once for many.
    private static final int MIN_READ_AHEAD = 64;
    // How long stop() waits for the workers to answer the tasks it asks back. A worker reads its
    // stdin at once, unless the machine is starved; a worker that does not, may start them.
    private static final long ASK_BACK_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final int processes;
    private final int threadsPerProcess;
    private final int crashRetries;
    private final Duration itemTimeout;
    private final boolean follow;
    private final Handler handler;
    private final List<String> command;
    private final Object running = new Object();
    private final List<WorkerSlot> slots = new CopyOnWriteArrayList<>(); // read by stop() and the shutdown hook
    private volatile TaskQueue current; // the run in progress, for stop()
    private final RemoteGates workerGates = new RemoteGates(); // used in a worker only

    private ProcessPool(Builder b) {
        this.processes = b.processes;
        this.threadsPerProcess = b.threadsPerProcess;
        this.crashRetries = b.crashRetries;
        this.itemTimeout = b.itemTimeout;
        this.follow = b.follow;
        this.handler = Objects.requireNonNull(b.handler, "handler");
        this.command = b.command != null ? List.copyOf(b.command) : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True in a JVM started by a {@code ProcessPool} as one of its workers. */
    public static boolean isWorker() {
        return System.getenv(WORKER_ENV) != null;
    }

    /**
     * Where the fetchers of this program keep their per-host limits: in a worker, the parent,
     * which keeps them for all the workers (asked over the wire once {@link #serve()} runs);
     * elsewhere, this JVM. Give it to {@code Fetcher.Builder.gates} before serving.
     */
    public Gates gates() {
        return isWorker() ? workerGates : Gates.local();
    }

    public int processes() {
        return processes;
    }

    public int threadsPerProcess() {
        return threadsPerProcess;
    }

    /** How long an item may run once its worker started it; {@link Duration#ZERO}: no limit. */
    public Duration itemTimeout() {
        return itemTimeout;
    }

    @Override
    public Summary run(Iterator<String> items, Consumer<Result> sink) throws InterruptedException {
        if (command == null) {
            throw new IllegalStateException("no worker command: call Builder.worker(MainClass.class, args) or command(...)");
        }
        synchronized (running) {
            var outcome = new Tally(sink);
            var queue = new TaskQueue(Math.max(MIN_READ_AHEAD, processes * threadsPerProcess * 2));
            current = queue;
            var ids = new AtomicLong();
            var healthySlots = new AtomicInteger(processes);
            var gates = new GateServer(); // the fetchers' per-host limits, across all the workers
            Thread hook = Thread.ofPlatform().unstarted(this::destroyWorkers);
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                for (int i = 0; i < processes; i++) {
                    var slot = new WorkerSlot(i, command, threadsPerProcess, crashRetries, nanos(itemTimeout), queue,
                            outcome, healthySlots, gates);
                    slots.add(slot);
                    slot.start();
                }
                RuntimeException inputFailed = null;
                try {
                    while (!outcome.broken() && !queue.stopped() && items.hasNext()) {
                        var task = new WorkerSlot.Task(ids.incrementAndGet(), items.next());
                        try {
                            queue.put(task);
                        } catch (IllegalStateException abortedOrStopped) {
                            break; // a slot aborted the run because the sink failed (finish() says why), or stop()
                        }
                    }
                } catch (RuntimeException e) {
                    inputFailed = e; // rethrown once the items already read are done
                } finally {
                    queue.close();
                }
                for (WorkerSlot slot : slots) slot.awaitDone();
                if (inputFailed != null) throw inputFailed;
            } catch (InterruptedException e) {
                destroyWorkers();
                throw e;
            } finally {
                current = null;
                slots.clear();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or has run: nothing to remove
                }
            }
            return outcome.finish();
        }
    }

    /**
     * The worker's side: reads tasks from stdin, runs the handler on {@code threadsPerProcess}
     * threads, writes results to stdout, and returns once stdin is closed and every task is
     * answered. While it runs, {@code System.out} goes to stderr, which the parent shows as the
     * worker's log, so a handler's prints cannot corrupt the wire. It ignores SIGINT and SIGTERM:
     * a terminal's Ctrl-C reaches the workers too, and they must not die of it (their items
     * would be taken for crashes); the parent stops them, by closing their stdin or by dying.
     */
    public void serve() throws IOException, InterruptedException {
        Signals.ignoreStops();
        // An orphan whose handler hangs would never see stdin close: leave with the parent.
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        Wire.warmUp();
        var wire = new WireOut(new FileOutputStream(FileDescriptor.out));
        System.setOut(System.err);
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Consumer<String> toParent = message -> {
            try {
                wire.line(message);
            } catch (UncheckedIOException parentGone) {
                // the parent stopped reading: the next result says so, and this worker ends
            }
        };
        // The fetchers' per-host limits are the parent's: their messages share the wire with tasks.
        Iterator<String> lines = workerGates.connect(in.lines().iterator(), toParent);
        // The parent may ask back a task sent ahead that no thread has started.
        var claims = new Claims(wire);
        // The parent sends at most two tasks per thread, but a task it took back stays queued here
        // until a thread drops it: room for both, so that reading stdin never waits.
        QueueWorkers.run(claims.tasks(lines), threadsPerProcess, threadsPerProcess * 4, "worker-", line -> {
            try {
                WorkerSlot.Task task = Wire.readTask(line);
                if (!claims.claim(task.id())) return; // taken back: it runs in another worker
                claims.answer(Wire.writeResult(task.id(), Results.run(handler, task.item(), follow)));
            } catch (Throwable e) {
                // A worker that cannot answer must end: the main thread would otherwise wait on
                // stdin for ever, and so would the parent for the answer. Dead, it is a crash the
                // parent sees, and the tasks it held are sent again.
                System.err.println("poolkit worker cannot go on: " + Results.describe(e));
                System.err.flush();
                Runtime.getRuntime().halt(70);
            }
        });
    }

    /**
     * See {@link Pool#stop}: the tasks queued are dropped, and so are the tasks sent ahead to a
     * worker that it has not started (they are asked back, as when a thread is held up); each
     * worker finishes the items it runs, answers them, and exits as its stdin closes. It returns
     * once every worker has answered what was asked back (a round trip; at most 5 seconds for a
     * worker that does not read its stdin), so that no task sent ahead starts after it.
     */
    @Override
    public void stop() {
        TaskQueue queue = current;
        if (queue == null) return;
        queue.stop();
        for (WorkerSlot slot : slots) slot.finishInFlight();
        // Asked back is not yet given back: a worker thread that frees up before its worker has
        // read the cancel starts the task. Wait for the answers, so that none starts after this.
        long deadline = System.nanoTime() + ASK_BACK_PATIENCE_NANOS;
        try {
            for (WorkerSlot slot : slots) slot.awaitAskedBack(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * This pool with an item timeout (see the class documentation): an item that runs longer than
     * {@code timeout} once its worker started it fails with {@code errorKind: "item-timeout"}, and
     * its worker is killed and replaced. {@link Duration#ZERO}: no limit.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    @Override
    public ProcessPool withItemTimeout(Duration timeout) {
        return toBuilder().itemTimeout(timeout).build();
    }

    // Past 292 years a Duration has no nanoseconds: a century is as good as no limit.
    private static long nanos(Duration d) {
        Duration century = Duration.ofDays(36_500);
        return (d.compareTo(century) > 0 ? century : d).toNanos();
    }

    /**
     * This pool, following links or not (see {@link Pool#withFollow}): the workers evaluate the
     * items to follow and send them back with each result. A worker must be built with the same
     * setting, as it is when it parses the same arguments.
     */
    @Override
    public ProcessPool withFollow(boolean follow) {
        var b = toBuilder();
        b.follow = follow;
        return b.build();
    }

    private Builder toBuilder() {
        var b = new Builder();
        b.processes = processes;
        b.threadsPerProcess = threadsPerProcess;
        b.crashRetries = crashRetries;
        b.itemTimeout = itemTimeout;
        b.follow = follow;
        b.handler = handler;
        b.command = command;
        return b;
    }

    /** Waits for a run in progress, then ends any worker still alive. */
    @Override
    public void close() {
        synchronized (running) {
            destroyWorkers();
        }
    }

    private void destroyWorkers() {
        for (WorkerSlot slot : List.copyOf(slots)) slot.destroy();
    }

    /** Builds a {@link ProcessPool}; every setting but the handler and the worker has a default. */
    public static final class Builder {
        private int processes = Runtime.getRuntime().availableProcessors();
        private int threadsPerProcess = 1;
        private int crashRetries = 1;
        private Duration itemTimeout = Duration.ZERO;
        private boolean follow;
        private Handler handler;
        private List<String> command;

        private Builder() {}

        /** How many worker processes (>= 1); default: the number of cores. */
        public Builder processes(int processes) {
            this.processes = Check.atLeast(1, processes, "processes");
            return this;
        }

        /** How many tasks each worker runs at once, on its own threads (>= 1); default 1. */
        public Builder threadsPerProcess(int threads) {
            this.threadsPerProcess = Check.atLeast(1, threads, "threadsPerProcess");
            return this;
        }

        /** How many more times a task is sent after its worker died holding it (>= 0); default 1. */
        public Builder crashRetries(int retries) {
            this.crashRetries = Check.atLeast(0, retries, "crashRetries");
            return this;
        }

        /**
         * How long an item may run, from when its worker starts it, before it fails with
         * {@code errorKind: "item-timeout"} and its worker is killed and replaced (>= 0); default
         * {@link Duration#ZERO}: no limit.
         */
        public Builder itemTimeout(Duration timeout) {
            this.itemTimeout = Check.notNegative(Objects.requireNonNull(timeout, "itemTimeout"), "itemTimeout");
            return this;
        }

        /** The work each worker does on an item. */
        public Builder handler(Handler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Workers run {@code mainClass} with {@code args}, on this JVM's java, class path and
         * JVM options, less debugger agents and the options that train or write a class-data or
         * AOT cache (workers still read the parent's cache, e.g. {@code -XX:AOTCache}). The main
         * method must build this same pool and call {@link #serve()} when {@link #isWorker()}.
         */
        public Builder worker(Class<?> mainClass, List<String> args) {
            var cmd = new ArrayList<String>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(JvmOptions.forWorker(ManagementFactory.getRuntimeMXBean().getInputArguments()));
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(mainClass.getName());
            cmd.addAll(args);
            this.command = cmd;
            return this;
        }

        /** The whole worker command line, for workers that are not started the usual way. */
        public Builder command(List<String> command) {
            if (command.isEmpty()) throw new IllegalArgumentException("command must not be empty");
            this.command = List.copyOf(command);
            return this;
        }

        public ProcessPool build() {
            return new ProcessPool(this);
        }
    }
}
