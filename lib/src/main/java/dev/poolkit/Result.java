package dev.poolkit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What became of one input item: exactly one per item, success or failure.
 *
 * <p>Written as one JSON line: {@code item}, {@code ok}, {@code status}, {@code error},
 * {@code errorKind}, {@code millis}, then the handler's own fields (see {@link #toMap()}).
 *
 * @param item   the input item, as read
 * @param ok     whether the handler returned normally
 * @param status the HTTP status, or {@code null} when there was no HTTP answer
 * @param error  {@code null} on success, else a one-line message saying what went wrong
 * @param errorKind {@code null} on success, else the failure's cause in a word, to count failures
 *               by: a {@link FetchException.Kind#label() fetch kind} ({@code timeout},
 *               {@code too-large}, ...), {@code handler} for any other exception, {@code crash} for
 *               a worker process that died, {@code bad-input} for a line of a command line's
 *               input that is not valid UTF-8 (never run), {@code item-timeout} for an item still
 *               running at its pool's {@link Pool#withItemTimeout deadline}
 * @param millis wall-clock time the handler took, in milliseconds
 * @param fields the handler's own fields, in the order it gave them; never {@code null}
 */
public record Result(String item, boolean ok, Integer status, String error, String errorKind, long millis,
                     Map<String, Object> fields) {

    /** The names a result writes itself; a handler field with one of these names is dropped. */
    static final java.util.Set<String> RESERVED = java.util.Set.of("item", "ok", "status", "error", "errorKind", "millis");

    public Result {
        Objects.requireNonNull(item, "item");
        fields = fields == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public static Result success(String item, Integer status, long millis, Map<String, ?> fields) {
        return new Result(item, true, status, null, null, millis, copy(fields));
    }

    public static Result failure(String item, Integer status, String error, String errorKind, long millis) {
        return new Result(item, false, status, error == null ? "failed" : error, errorKind, millis, Map.of());
    }

    /** The record as a JSON object's members, in output order. */
    public Map<String, Object> toMap() {
        var map = new LinkedHashMap<String, Object>();
        map.put("item", item);
        map.put("ok", ok);
        map.put("status", status);
        map.put("error", error);
        map.put("errorKind", errorKind);
        map.put("millis", millis);
        fields.forEach((k, v) -> {
            if (!RESERVED.contains(k)) map.put(k, v);
        });
        return map;
    }

    /** The inverse of {@link #toMap()}, for results read back from JSON. */
    public static Result fromMap(Map<String, ?> map) {
        var fields = new LinkedHashMap<String, Object>(map);
        RESERVED.forEach(fields::remove);
        Object status = map.get("status");
        Object millis = map.get("millis");
        return new Result(String.valueOf(map.get("item")), Boolean.TRUE.equals(map.get("ok")),
                status instanceof Number n ? n.intValue() : null,
                map.get("error") == null ? null : String.valueOf(map.get("error")),
                map.get("errorKind") == null ? null : String.valueOf(map.get("errorKind")),
                millis instanceof Number n ? n.longValue() : 0L, fields);
    }

    private static Map<String, Object> copy(Map<String, ?> fields) {
        var out = new LinkedHashMap<String, Object>();
        if (fields != null) fields.forEach(out::put);
        return out;
    }
}
