package dev.poolkit;

import java.util.Map;

/**
 * The work done for one input item: the one method a template asks you to write.
 *
 * <p>It receives one item (a line of input, usually a URL) and returns the fields to put in that
 * item's {@link Result}; a field named {@code status} (an HTTP status code) fills the result's
 * own {@code status}. To fail the item, throw: the exception becomes a failed result, never an
 * escape from the pool. A {@link HttpStatusException} also sets the failed result's status.
 *
 * <p>A pool calls its handler from many threads at once, so a handler must be thread-safe.
 */
@FunctionalInterface
public interface Handler {
    Map<String, ?> handle(String item) throws Exception;
}
