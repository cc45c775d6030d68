package dev.poolkit.processes;

import java.util.stream.Stream;

/**
 * The worker processes this JVM's pools started: its children that run on the tests' class path.
 * Test classes run two at a time (junit-platform.properties), and the others start children of
 * their own (./jbang, redis-server, keytool), which a check that no worker outlives its test must
 * leave out. No other class of the tests starts a pool's workers in this JVM but those holding
 * {@link #LOCK} and the {@code @Isolated} ones.
 */
final class Workers {
    /** For {@code @ResourceLock}: held by the classes whose tests start workers and count them. */
    static final String LOCK = "worker processes of the tests' JVM";

    private static final String CLASS_PATH = System.getProperty("java.class.path");

    private Workers() {}

    /** This JVM's live worker processes. */
    static Stream<ProcessHandle> alive() {
        return ProcessHandle.current().children().filter(Workers::isWorker);
    }

    /** A process still being started (forked, not yet the worker's java) has no such command line. */
    private static boolean isWorker(ProcessHandle p) {
        return p.info().commandLine().map(c -> c.contains(CLASS_PATH)).orElse(false);
    }
}
