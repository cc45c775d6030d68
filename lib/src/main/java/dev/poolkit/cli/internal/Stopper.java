package dev.poolkit.cli.internal;

import dev.poolkit.internal.Signals;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * How a run stops on Ctrl-C (SIGINT) or SIGTERM, in two phases like
 * {@link java.util.concurrent.ExecutorService}'s shutdown. The first signal stops taking items
 * ({@code stopTaking}: the pool's {@code stop()}, and the item source's, which answers "no more"
 * at once) and lets the items in flight finish, for at most the grace period; the run then ends
 * as usual, and its runner reports it as stopped ({@link #stopping}, {@link #exitCode}). Past the
 * grace, the records are sealed (an item that finishes later gets none) and the runner is
 * interrupted, which abandons the pool's items in flight. A second signal stops at once: the
 * records are sealed, {@code beforeExit} runs, and the JVM exits.
 *
 * <p>Records are written through {@link #enterWrite}/{@link #exitWrite}: sealing waits for a
 * write in progress, so the output holds whole records only, and counts nothing it did not write.
 *
 * <h2>States</h2>
 * <pre>
 * state               event                  new state  action
 * ------------------  ---------------------  ---------  --------------------------------------------------
 * RUNNING             signal                 STOPPING   stopTaking; say so; the grace period starts
 * RUNNING, STOPPING,  runEnded               ENDED      the runner reports the run (stopped if a signal came)
 *   CUT_OFF
 * STOPPING            the grace is over      CUT_OFF    seal the records; interrupt the runner
 * CUT_OFF             2 s more, not ended    HALTED     as a second signal
 * STOPPING, CUT_OFF,  signal                 HALTED     seal the records; beforeExit; exit(128 + signal)
 *   ENDED
 * HALTED              signal                 HALTED     nothing: the JVM is exiting
 * </pre>
 *
 * <p>Thread-safety: signals come on threads of the JVM's; the runner calls {@link #runEnded} and
 * {@link #close}; any thread writes records.
 */
public final class Stopper implements AutoCloseable {
    /** The states of the class documentation. */
    public enum State { RUNNING, STOPPING, CUT_OFF, ENDED, HALTED }

    // How long the runner may take to return once interrupted, before the run is stopped at once.
    private static final long INTERRUPTED_PATIENCE_MILLIS = 2_000;
    // How long the JVM's shutdown (its hooks) may take when stopping at once.
    private static final long EXIT_PATIENCE_MILLIS = 3_000;

    private final Duration grace;
    private final Runnable stopTaking;
    private final Consumer<String> say;
    private final Runnable beforeExit;
    private final IntConsumer exit;
    private final Thread runner;
    private final StampedLock records = new StampedLock();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean sealed;
    private Runnable restoreSignals = () -> { };

    // Guarded by this.
    private State state = State.RUNNING;
    private volatile String signal; // the first one; read without the lock, for each item read

    /**
     * A stopper for the run on the calling thread (the runner), not yet listening to signals.
     *
     * @param grace      how long the items in flight may take once the first signal came
     * @param stopTaking what stops taking items; called once, on the first signal's thread
     * @param say        prints a line for the user (without the command's name)
     * @param beforeExit what to do before the JVM exits at once (write the statistics, say so)
     * @param exit       exits the JVM with a code ({@link #exitJvm}; a test's fake)
     */
    public Stopper(Duration grace, Runnable stopTaking, Consumer<String> say, Runnable beforeExit, IntConsumer exit) {
        this.grace = grace;
        this.stopTaking = stopTaking;
        this.say = say;
        this.beforeExit = beforeExit;
        this.exit = exit;
        this.runner = Thread.currentThread();
    }

    /** Listens to SIGINT and SIGTERM until {@link #close}, which puts the JVM's handlers back. */
    public Stopper listen() {
        restoreSignals = Signals.handle(this::signal);
        return this;
    }

    /** A signal came: {@link Signals#INT} or {@link Signals#TERM}. */
    public void signal(String name) {
        boolean first;
        synchronized (this) {
            switch (state) {
                case RUNNING -> {
                    state = State.STOPPING;
                    signal = name;
                    first = true;
                }
                case HALTED -> {
                    return;
                }
                default -> {
                    state = State.HALTED;
                    first = false;
                }
            }
        }
        if (first) {
            say.accept("stopping (SIG" + name + "): no new items; the items in flight finish, for at most "
                    + seconds(grace) + " (--grace); " + (name.equals(Signals.INT) ? "Ctrl-C again" : "a second signal") + " stops at once");
            stopTaking.run();
            Thread.ofPlatform().daemon().name("stop-grace").start(this::graceThenCutOff);
        } else {
            haltNow(Signals.exitCode(name));
        }
    }

    private void graceThenCutOff() {
        try {
            if (ended.await(grace.toNanos(), TimeUnit.NANOSECONDS)) return;
            synchronized (this) {
                if (state != State.STOPPING) return;
                state = State.CUT_OFF;
            }
            seal();
            synchronized (this) {
                if (state == State.CUT_OFF) runner.interrupt(); // abandons the pool's items in flight
            }
            if (ended.await(INTERRUPTED_PATIENCE_MILLIS, TimeUnit.MILLISECONDS)) return;
            synchronized (this) {
                if (state != State.CUT_OFF) return;
                state = State.HALTED;
            }
            haltNow(exitCode()); // a handler that ignores interrupts holds the run: stop at once
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void haltNow(int code) {
        seal();
        try {
            beforeExit.run();
        } finally {
            exit.accept(code);
        }
    }

    /**
     * Exits the JVM with {@code code}: {@link System#exit}, which runs the shutdown hooks (a
     * process pool's kills its workers), and {@link Runtime#halt} should they hang.
     */
    public static void exitJvm(int code) {
        Thread.ofPlatform().daemon().name("stop-now").start(() -> {
            try {
                Thread.sleep(EXIT_PATIENCE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(code);
        });
        System.exit(code);
    }

    // Waits for a record being written (not for ever: a write to a pipe nobody reads never ends).
    private void seal() {
        sealed = true;
        try {
            records.tryWriteLock(1, TimeUnit.SECONDS); // never unlocked: no record is written after it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Before writing a record: a stamp to give to {@link #exitWrite}, or 0 if the records are
     * sealed, when the record must be dropped.
     */
    public long enterWrite() {
        return sealed ? 0 : records.tryReadLock();
    }

    /** After writing a record, with {@link #enterWrite}'s stamp (not 0). */
    public void exitWrite(long stamp) {
        records.unlockRead(stamp);
    }

    /**
     * The run returned (the pool's {@code run}, also by an exception): from here on the runner
     * reports it, and is not interrupted. A signal now stops at once.
     */
    public void runEnded() {
        synchronized (this) {
            if (state != State.HALTED) state = State.ENDED;
        }
        ended.countDown();
        if (cutOff()) Thread.interrupted(); // the interrupt may have come after the run returned
    }

    /** Whether a signal came: the run did not end by itself. */
    public boolean stopping() {
        return signal != null;
    }

    /** Whether the grace ran out: the items still in flight then were abandoned, without a record. */
    public boolean cutOff() {
        return sealed;
    }

    /** 130 after SIGINT, 143 after SIGTERM; 0 if no signal came. */
    public synchronized int exitCode() {
        return signal == null ? 0 : Signals.exitCode(signal);
    }

    /** "SIGINT" or "SIGTERM"; null if no signal came. */
    public synchronized String signalName() {
        return signal == null ? null : "SIG" + signal;
    }

    public synchronized State state() {
        return state;
    }

    public Duration grace() {
        return grace;
    }

    /** Stops listening: the JVM's own handlers are back (a signal now ends the JVM at once). */
    @Override
    public void close() {
        ended.countDown();
        restoreSignals.run();
    }

    /**
     * The line that says what a stopped run left to do: how many items have no record
     * ({@code total} the items this run had to do, -1 if unknown, {@code recorded} the records it
     * wrote), and how to finish them. {@code how} is how to rerun: "rerun the same command with
     * --resume to finish", say.
     */
    public static String hint(long total, long recorded, boolean cutOff, Duration grace, String how) {
        String left = total < 0 ? "the rest" : String.valueOf(Math.max(0, total - recorded)) + " items";
        String what = cutOff ? left + " not done (the items still running after --grace " + seconds(grace) + " were abandoned)"
                : left + " not started";
        if (total >= 0 && total - recorded <= 0) return "stopped: every item has its record";
        return "stopped: " + what + "; " + how;
    }

    private static String seconds(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis / 1000.0 + " s";
    }
}
