package dev.poolkit.internal.process;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parent's reader of a worker's stdout: lines as BufferedReader reads them, and whether the next one is here. */
class LineReaderTest {

    /** Gives its chunks one read at a time, as a pipe does. */
    static InputStream chunks(String... chunks) {
        var left = new ArrayDeque<byte[]>();
        for (String c : chunks) left.add(c.getBytes(StandardCharsets.UTF_8));
        return new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("read byte by byte");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                byte[] next = left.poll();
                if (next == null) return -1;
                int n = Math.min(len, next.length);
                System.arraycopy(next, 0, b, off, n);
                if (n < next.length) left.addFirst(java.util.Arrays.copyOfRange(next, n, next.length));
                return n;
            }
        };
    }

    @Test
    void linesEndAtANewlineLessACarriageReturnAndTheLastMayHaveNone() throws IOException {
        var in = new LineReader(new ByteArrayInputStream("a\nb\r\n\nc".getBytes(StandardCharsets.UTF_8)));

        assertEquals("a", in.readLine());
        assertEquals("b", in.readLine());
        assertEquals("", in.readLine());
        assertEquals("c", in.readLine());
        assertNull(in.readLine());
    }

    @Test
    void aLineIsReadyOnlyOnceItsNewlineIsHere() throws IOException {
        var in = new LineReader(chunks("one\ntw", "o\nthree\n"));

        assertEquals("one", in.readLine());
        assertFalse(in.lineReady(), "half a line is here: reading it would wait");
        assertEquals("two", in.readLine());
        assertTrue(in.lineReady());
        assertEquals("three", in.readLine());
        assertFalse(in.lineReady());
        assertNull(in.readLine());
    }

    @Test
    void longLinesAndCharactersSplitAcrossReadsComeWhole() throws IOException {
        String longLine = "x".repeat(20_000) + "é漢🙂";
        byte[] bytes = (longLine + "\nnext\n").getBytes(StandardCharsets.UTF_8);
        // Split on byte boundaries, inside multi-byte characters too.
        var in = new LineReader(new InputStream() {
            int at;

            @Override
            public int read() {
                throw new AssertionError();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (at == bytes.length) return -1;
                int n = Math.min(Math.min(len, 1001), bytes.length - at);
                System.arraycopy(bytes, at, b, off, n);
                at += n;
                return n;
            }
        });

        assertEquals(longLine, in.readLine());
        assertEquals("next", in.readLine());
        assertNull(in.readLine());
    }
}
