package dev.poolkit.internal.engine;

import dev.poolkit.Failure;
import dev.poolkit.Fields;
import dev.poolkit.Handler;
import dev.poolkit.Result;
import dev.poolkit.internal.Text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes results: runs a handler on one item and turns whatever happens into exactly one
 * {@link Result}. A thrown {@link Failure} names its own {@code errorKind}, {@code status} and
 * fields; the engine knows nothing of what the handler does (HTTP or else).
 */
public final class Results {
    private Results() {}

    /** {@link #run(Handler, String, boolean)} for a run that does not follow links. */
    public static Result run(Handler handler, String item) {
        return run(handler, item, false);
    }

    /**
     * Runs {@code handler} on {@code item}. A {@value Fields#FOLLOW} field is dropped unevaluated
     * when {@code follow} is false; when true, it is evaluated here, on the handler's thread, and
     * kept as a list of strings, for the run to take out of the record.
     */
    public static Result run(Handler handler, String item, boolean follow) {
        long start = System.nanoTime();
        try {
            Map<String, ?> fields = handler.handle(item);
            if (fields != null && fields.containsKey(Fields.FOLLOW)) {
                // Copied once here, and not again by Result.success: a plain run pays one lookup.
                Map<String, Object> taken = withFollow(fields, follow);
                return new Result(item, true, statusIn(taken), null, null, millisSince(start), taken);
            }
            return Result.success(item, statusIn(fields), millisSince(start), fields);
        } catch (Throwable e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            return failure(item, e, millisSince(start));
        }
    }

    private static Map<String, Object> withFollow(Map<String, ?> fields, boolean follow) {
        var out = new LinkedHashMap<String, Object>(fields);
        Object value = out.remove(Fields.FOLLOW);
        if (!follow || value == null) return out;
        Collection<?> items;
        if (value instanceof Fields.Follow lazy) items = lazy.get();
        else if (value instanceof Collection<?> c) items = c;
        else if (value instanceof Object[] a) items = Arrays.asList(a);
        else if (value instanceof CharSequence one) items = List.of(one);
        else throw new IllegalArgumentException("the field \"" + Fields.FOLLOW + "\" must be a collection of URLs or "
                + "Fields.follow(...), got " + value.getClass().getName());
        var urls = new ArrayList<String>(items.size());
        for (Object o : items) if (o != null) urls.add(o.toString());
        out.put(Fields.FOLLOW, urls);
        return out;
    }

    /** The failed result of {@code item} for {@code e}. */
    public static Result failure(String item, Throwable e, long millis) {
        Map<String, ?> fields = e instanceof Failure f ? f.fields() : Map.of();
        return new Result(item, false, statusIn(fields), describe(e), kindOf(e), millis, new LinkedHashMap<>(fields));
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

    /**
     * The failure of an item whose handler was still running at its deadline:
     * {@code errorKind} {@code item-timeout}.
     */
    public static Result itemTimeout(String item, java.time.Duration timeout, long millis) {
        return new Result(item, false, null, "item timed out after " + timeout.toMillis() + " ms (--item-timeout)",
                "item-timeout", millis, Map.of());
    }

    /** The failure's {@code errorKind}: the one a {@link Failure} names, or {@code handler}. */
    public static String kindOf(Throwable e) {
        if (e instanceof Failure f && f.errorKind() != null && !f.errorKind().isBlank()) return f.errorKind();
        return "handler";
    }

    /** One line saying what went wrong: the message alone for a {@link Failure}, else type and message. */
    public static String describe(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            Throwable cause = e.getCause();
            return cause != null && cause != e ? describe(cause) : e.getClass().getSimpleName();
        }
        return e instanceof Failure ? Text.oneLine(message) : e.getClass().getSimpleName() + ": " + Text.oneLine(message);
    }

    public static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static Integer statusIn(Map<String, ?> fields) {
        Object status = fields == null ? null : fields.get("status");
        return status instanceof Number n ? n.intValue() : null;
    }
}
