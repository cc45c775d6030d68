package dev.poolkit;

import java.util.function.Consumer;

/**
 * Where a pool's results go, when what is kept may differ from what was given: a
 * {@link JsonLines.Writer} writes a result whose handler fields cannot be written as JSON as a
 * failure of its item. A pool counts the result that {@link #write} returns, so that its
 * {@link Summary} agrees with what was written; any other {@code Consumer<Result>} is counted as
 * given.
 *
 * <p>Like any sink, it is called from the pool's threads and must be thread-safe.
 */
@FunctionalInterface
public interface Sink extends Consumer<Result> {

    /** Keeps {@code result}, or a result of its item in its place, and returns the one kept. */
    Result write(Result result);

    @Override
    default void accept(Result result) {
        write(result);
    }
}
