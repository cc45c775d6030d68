package dev.poolkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Helpers shared by the unit tests: the one place that waits for something to become true. */
final class TestSupport {
    private TestSupport() {}

    /** Polls {@code condition} until it holds, failing the test if it does not within {@code timeout}. */
    static void awaitUntil(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition not met within " + timeout.toMillis() + " ms");
            }
            LockSupport.parkNanos(1_000_000); // poll every millisecond, not a guess at how long it takes
        }
    }

    /** Waits until {@code thread} is parked (WAITING or TIMED_WAITING) or blocked on a monitor. */
    static void awaitBlocked(Thread thread, Duration timeout) {
        awaitUntil(() -> switch (thread.getState()) {
            case WAITING, TIMED_WAITING, BLOCKED -> true;
            default -> false;
        }, timeout);
    }

    /** A port on 127.0.0.1 that nothing listens on: bound by the system, then let go. */
    static int refusedPort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Results by item, failing the test if an item has two. */
    static Map<String, Result> byItem(Iterable<Result> results) {
        var map = new HashMap<String, Result>();
        for (Result r : results) {
            if (map.put(r.item(), r) != null) throw new AssertionError("two results for " + r.item());
        }
        return map;
    }

    /** {@code n} items, then a failure, as when reading an input file fails. */
    static Iterator<String> inputThatFailsAfter(int n) {
        return new Iterator<>() {
            int given;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public String next() {
                if (given == n) throw new UncheckedIOException(new IOException("cannot read input"));
                return "item-" + given++;
            }
        };
    }
}
