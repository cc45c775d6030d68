package dev.poolkit.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;

/**
 * The stream a record writer writes to: each write is one whole line (or lines), flushed before
 * the next begins, and counted. Thread-safe; a failed write throws {@link UncheckedIOException}.
 */
public final class LineOutput implements AutoCloseable {
    private final OutputStream out;
    private final boolean closeOut;
    private long lines; // guarded by this

    /** @param closeOut whether {@link #close} closes {@code out}, or only flushes it */
    public LineOutput(OutputStream out, boolean closeOut) {
        this.out = out;
        this.closeOut = closeOut;
    }

    /** Writes {@code bytes} in one write and counts one line. */
    public synchronized void write(byte[] bytes) {
        try {
            // One write: to a file, that is one write(2), and the line is whole in the OS before
            // the next begins.
            out.write(bytes);
            out.flush();
            // A PrintStream (System.out) keeps its errors to itself: a closed pipe would go
            // unnoticed for the rest of the run.
            if (out instanceof PrintStream print && print.checkError()) {
                throw new IOException("the stream failed or was closed (a PrintStream does not say which)");
            }
            lines++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write results: " + e.getMessage(), e);
        }
    }

    /** How many writes succeeded. */
    public synchronized long lines() {
        return lines;
    }

    @Override
    public synchronized void close() throws IOException {
        if (closeOut) out.close();
        else out.flush();
    }
}
