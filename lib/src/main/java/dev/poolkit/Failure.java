package dev.poolkit;

import java.util.Map;

/**
 * An exception that says how its item's record should name it: a handler throws one to fail an
 * item with its own {@code errorKind} (and, if it likes, a {@code status} and fields of its own).
 *
 * <pre>{@code
 * class ParseException extends Exception implements Failure {
 *     ParseException(String message) { super(message); }
 *     public String errorKind() { return "parse"; }
 * }
 * }</pre>
 *
 * <p>The record of an item whose handler threw one has {@code ok: false}, the exception's
 * message as {@code error}, {@link #errorKind()}, and {@link #fields()}; a field named
 * {@code status} fills the record's {@code status}, as it does for a handler's own fields. Any
 * other exception gets {@code errorKind: "handler"}. poolkit's own failures implement it too:
 * {@code FetchException} ({@code timeout}, {@code too-large}, ...; with {@code attempts}),
 * {@code HttpStatusException} ({@code http}, with {@code status}) and
 * {@link WorkerCrashedException} ({@code crash}).
 */
public interface Failure {
    /** The failure's cause in a word, to count failures by: {@code "parse"}, {@code "timeout"}; never null. */
    String errorKind();

    /** Fields for the failed item's record, in order; a field named {@code status} fills its status. */
    default Map<String, ?> fields() {
        return Map.of();
    }
}
