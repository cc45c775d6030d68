package dev.poolkit.internal.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads UTF-8 lines from a worker's stdout, as {@code BufferedReader.readLine} does ({@code \n}
 * ends a line, a {@code \r} before it is dropped), and says whether a whole line is already
 * buffered ({@link #lineReady}): the slot's reader holds back a flush only while the next
 * {@code readLine} cannot block, so that what it sends never waits behind a half line.
 *
 * <p>Thread-safety: one reading thread.
 */
final class LineReader {
    private final InputStream in;
    private byte[] buf = new byte[8192];
    private int start; // the first byte not yet returned
    private int end;   // the end of the bytes read
    private int scanned; // no '\n' in [start, scanned)

    LineReader(InputStream in) {
        this.in = in;
    }

    /** The next line without its end, or {@code null} at the end of the stream. */
    String readLine() throws IOException {
        while (true) {
            int nl = indexOfNewline();
            if (nl >= 0) {
                int to = nl > start && buf[nl - 1] == '\r' ? nl - 1 : nl;
                String line = new String(buf, start, to - start, StandardCharsets.UTF_8);
                start = nl + 1;
                scanned = start;
                return line;
            }
            if (!fill()) {
                if (start == end) return null;
                String last = new String(buf, start, end - start, StandardCharsets.UTF_8);
                start = end;
                scanned = end;
                return last;
            }
        }
    }

    /** Whether a whole line is buffered: the next {@link #readLine} returns without reading. */
    boolean lineReady() {
        return indexOfNewline() >= 0;
    }

    private int indexOfNewline() {
        for (int i = scanned; i < end; i++) {
            if (buf[i] == '\n') return i;
        }
        scanned = end;
        return -1;
    }

    // Reads more; false at the end of the stream.
    private boolean fill() throws IOException {
        if (start > 0) { // keep the partial line at the front
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            scanned -= start;
            start = 0;
        }
        if (end == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) return false;
        end += n;
        return true;
    }
}
