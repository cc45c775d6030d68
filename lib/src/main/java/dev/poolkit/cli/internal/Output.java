package dev.poolkit.cli.internal;

import dev.poolkit.Result;
import dev.poolkit.Sink;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A job's records' destination, whatever its format: the writer, and {@link Ordered} over it
 * when {@code --ordered} asks for input order. Closing it passes on any records still waiting,
 * then closes the writer.
 */
public final class Output implements Sink, AutoCloseable {
    private final Sink sink;
    private final AutoCloseable writer;
    private final LongSupplier lines;
    private final Ordered ordered; // null: records go out as they come

    private Output(Sink sink, AutoCloseable writer, LongSupplier lines, Ordered ordered) {
        this.sink = sink;
        this.writer = writer;
        this.lines = lines;
        this.ordered = ordered;
    }

    /** Records written to {@code writer} as they come; {@code lines} counts the records it has written. */
    public static <W extends Sink & AutoCloseable> Output of(W writer, LongSupplier lines) {
        return new Output(writer, writer, lines, null);
    }

    /** This output, with records in input order; see {@link Ordered} for {@code bound} and {@code warn}. */
    public Output ordered(int bound, Consumer<String> warn) {
        var inOrder = new Ordered(sink, bound, warn);
        return new Output(inOrder, writer, lines, inOrder);
    }

    /** Numbers the next item read, when records are kept in input order; else does nothing. */
    public void expect(String item) {
        if (ordered != null) ordered.expect(item);
    }

    @Override
    public Result write(Result result) {
        return sink.write(result);
    }

    /** How many records the writer has written. */
    public long lines() {
        return lines.getAsLong();
    }

    @Override
    public void close() throws Exception {
        try {
            if (ordered != null) ordered.close();
        } finally {
            writer.close();
        }
    }
}
