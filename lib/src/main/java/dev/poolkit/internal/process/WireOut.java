package dev.poolkit.internal.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A worker's side of the wire to its parent, written by group commit: threads {@link #append}
 * lines, and {@link #flush} writes every line appended so far in one {@code write(2)}. While one
 * thread writes, the others only append: the writer loops until nothing is left, so a line
 * appended before a {@code flush} returns is on its way without that thread waiting for the pipe.
 * With many threads answering at once, that is one write (and one wake-up of the parent's reader)
 * for many lines instead of one each.
 *
 * <p>A line appended and not flushed stays here: the caller must make sure a flush follows
 * (see {@link Claims#answer}, which leaves a result for the next {@code started} to carry).
 *
 * <p>Thread-safety: any number of threads. Once a write failed (the parent stopped reading), every
 * later {@code flush} throws.
 */
public final class WireOut {
    private final OutputStream out;
    // Guarded by this.
    private ByteArrayOutputStream pending = new ByteArrayOutputStream(1024);
    private ByteArrayOutputStream spare = new ByteArrayOutputStream(1024);
    private boolean writing; // a thread is in flush's loop, and will write what is appended meanwhile
    private IOException failed;

    public WireOut(OutputStream out) {
        this.out = out;
    }

    /** Adds {@code line} and a newline to what the next {@link #flush} writes. */
    public void append(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            pending.write(bytes, 0, bytes.length);
            pending.write('\n');
        }
    }

    /** {@link #append} then {@link #flush}. */
    public void line(String line) {
        append(line);
        flush();
    }

    /**
     * Writes every line appended so far, or leaves them to the thread already writing, which
     * writes them before it returns.
     *
     * @throws UncheckedIOException if this write or an earlier one failed
     */
    public void flush() {
        ByteArrayOutputStream batch;
        synchronized (this) {
            if (failed != null) throw new UncheckedIOException(failed);
            if (writing) return;
            writing = true;
        }
        while (true) {
            synchronized (this) {
                if (pending.size() == 0) {
                    writing = false;
                    return;
                }
                batch = pending;
                pending = spare;
                spare = batch;
            }
            try {
                batch.writeTo(out);
                out.flush();
            } catch (IOException e) {
                synchronized (this) {
                    failed = e;
                    writing = false;
                }
                throw new UncheckedIOException(e);
            }
            batch.reset(); // spare: only this writing thread touches it until the swap above
        }
    }
}
