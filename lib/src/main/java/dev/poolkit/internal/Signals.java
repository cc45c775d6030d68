package dev.poolkit.internal;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.function.Consumer;

/**
 * Catching and ignoring SIGINT and SIGTERM, the signals a run stops on, through
 * {@code sun.misc.Signal} (module {@code jdk.unsupported}), as build tools and servers do.
 *
 * <p>Why not a shutdown hook: a hook runs once the JVM is already exiting, so it cannot let a run
 * go on to finish its items in flight, cannot tell SIGINT from SIGTERM, and cannot see a second
 * Ctrl-C. {@code sun.misc.Signal} replaces the JVM's own handler (which starts the shutdown):
 * each signal calls ours, on a new thread of the JVM's.
 *
 * <p>A signal ignored when the JVM started ({@code nohup}, a background job of a shell without
 * job control) stays ignored: the JVM does not let it be caught, and neither do we. With
 * {@code -Xrs} nothing can be caught: the JVM's default applies. Either way, nothing fails.
 */
public final class Signals {
    private Signals() {}

    /** The signals a run stops on: Ctrl-C, and what {@code kill}, systemd and Docker send. */
    public static final String INT = "INT", TERM = "TERM";

    /** 128 + the signal's number, what a shell reports for a program the signal ended: 130, 143. */
    public static int exitCode(String signal) {
        return 128 + switch (signal) {
            case INT -> 2;
            case TERM -> 15;
            default -> throw new IllegalArgumentException("signal must be INT or TERM, got " + signal);
        };
    }

    /**
     * Calls {@code handler} with the signal's name ({@link #INT} or {@link #TERM}) on each of
     * them, instead of the JVM's shutdown. Returns what puts the previous handlers back.
     */
    public static Runnable handle(Consumer<String> handler) {
        SignalHandler previousInt = install(INT, signal -> handler.accept(INT));
        SignalHandler previousTerm = install(TERM, signal -> handler.accept(TERM));
        return () -> {
            if (previousInt != null) install(INT, previousInt);
            if (previousTerm != null) install(TERM, previousTerm);
        };
    }

    /**
     * Ignores SIGINT and SIGTERM in this JVM: for a worker process, which a terminal's Ctrl-C
     * reaches too (it goes to the whole foreground process group) and systemd's stop as well (it
     * signals the whole control group). The worker must not die of it, or its items would be
     * taken for crashes: it stops when its parent closes its stdin, or dies.
     */
    public static void ignoreStops() {
        install(INT, SignalHandler.SIG_IGN);
        install(TERM, SignalHandler.SIG_IGN);
    }

    // The handler it replaces; null if the JVM keeps the signal to itself (-Xrs) or there is none.
    private static SignalHandler install(String name, SignalHandler handler) {
        try {
            return Signal.handle(new Signal(name), handler);
        } catch (IllegalArgumentException | UnsupportedOperationException notHere) {
            return null;
        }
    }
}
