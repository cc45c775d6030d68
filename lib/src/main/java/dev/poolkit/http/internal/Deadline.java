package dev.poolkit.http.internal;

import java.time.Duration;

/** The end of one fetch attempt, shared by its redirect hops. */
public record Deadline(long endNanos, Duration timeout) {
    public static Deadline after(Duration timeout) {
        return new Deadline(System.nanoTime() + timeout.toNanos(), timeout);
    }

    /** Nanoseconds left; zero or less once passed. */
    public long remainingNanos() {
        return endNanos - System.nanoTime();
    }
}
