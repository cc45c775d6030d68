package dev.poolkit.internal;

import dev.poolkit.Handler;
import dev.poolkit.HttpStatusException;
import dev.poolkit.Result;

import java.util.Map;

/** Runs a handler on one item and turns whatever happens into exactly one {@link Result}. */
public final class Tasks {
    private Tasks() {}

    public static Result run(Handler handler, String item) {
        long start = System.nanoTime();
        try {
            Map<String, ?> fields = handler.handle(item);
            Object status = fields == null ? null : fields.get("status");
            return Result.success(item, status instanceof Number n ? n.intValue() : null, millisSince(start), fields);
        } catch (Throwable e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            Integer status = e instanceof HttpStatusException h ? h.status() : null;
            return Result.failure(item, status, describe(e), millisSince(start));
        }
    }

    /** One line saying what went wrong: the message alone for our own exceptions, else type and message. */
    public static String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof dev.poolkit.FetchException || e instanceof dev.poolkit.WorkerCrashedException) {
            return oneLine(message);
        }
        if (message == null || message.isBlank()) {
            Throwable cause = e.getCause();
            return cause != null && cause != e ? describe(cause) : e.getClass().getSimpleName();
        }
        return e.getClass().getSimpleName() + ": " + oneLine(message);
    }

    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " | ");
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
