package dev.poolkit.internal;

import dev.poolkit.FetchException;
import dev.poolkit.Handler;
import dev.poolkit.HttpStatusException;
import dev.poolkit.Result;
import dev.poolkit.WorkerCrashedException;

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
            Map<String, Object> fields = e instanceof FetchException f ? Map.of("attempts", f.attempts()) : Map.of();
            return new Result(item, false, status, describe(e), kindOf(e), millisSince(start), fields);
        }
    }

    /**
     * The failure that stands for {@code result} when its handler's fields cannot be written as
     * JSON (Jackson finds no properties in an object, say): the item keeps its one record.
     */
    public static Result unwritable(Result result, Exception why) {
        return new Result(result.item(), false, result.status(),
                "the handler returned fields that cannot be written as JSON: " + describe(why), "handler",
                result.millis(), Map.of());
    }

    /** The failure's {@code errorKind}: the fetch kind, {@code crash}, or {@code handler} for anything else. */
    public static String kindOf(Throwable e) {
        if (e instanceof FetchException f) return f.kind().label();
        if (e instanceof WorkerCrashedException) return "crash";
        return "handler";
    }

    /** One line saying what went wrong: the message alone for our own exceptions, else type and message. */
    public static String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof FetchException || e instanceof WorkerCrashedException) {
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
