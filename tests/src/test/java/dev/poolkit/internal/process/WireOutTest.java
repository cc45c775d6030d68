package dev.poolkit.internal.process;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker's group-commit writer: every line once and whole, in as few writes as the threads allow. */
class WireOutTest {

    /** Records each write(2) as one string. */
    static final class Writes extends OutputStream {
        final List<String> writes = new ArrayList<>();

        @Override
        public void write(int b) {
            throw new AssertionError("one byte at a time: not one write per batch");
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            writes.add(new String(b, off, len, StandardCharsets.UTF_8));
        }

        synchronized String all() {
            return String.join("", writes);
        }
    }

    @Test
    void linesAppendedTogetherGoOutInOneWrite() {
        var out = new Writes();
        var wire = new WireOut(out);

        wire.append("{\"id\":1,\"result\":{}}");
        assertEquals(List.of(), out.writes, "appended, not written");
        wire.line("{\"started\":2}");

        assertEquals(List.of("{\"id\":1,\"result\":{}}\n{\"started\":2}\n"), out.writes);
    }

    @Test
    void aLineFlushedWhileAnotherThreadWritesIsWrittenByThatThread() throws Exception {
        var entered = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var out = new ByteArrayOutputStream() {
            @Override
            public synchronized void write(byte[] b, int off, int len) {
                super.write(b, off, len);
                entered.countDown();
                try {
                    release.await(); // the pipe is full
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        var wire = new WireOut(out);
        Thread writer = Thread.ofPlatform().start(() -> wire.line("first"));
        assertTrue(entered.await(10, TimeUnit.SECONDS));

        wire.line("second"); // returns at once: the writing thread takes it

        release.countDown();
        writer.join(10_000);
        assertEquals("first\nsecond\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyLineOfManyThreadsArrivesOnceAndWhole() throws Exception {
        var out = new Writes();
        var wire = new WireOut(out);
        int threads = 8, lines = 2_000;
        var all = new ArrayList<Thread>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            all.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < lines; i++) wire.line("{\"thread\":" + id + ",\"line\":" + i + "}");
            }));
        }
        for (Thread t : all) t.join(30_000);

        String[] got = out.all().split("\n", -1);
        assertEquals(threads * lines + 1, got.length, "every line once, each ending in a newline");
        assertEquals("", got[got.length - 1]);
        var seen = new java.util.HashSet<String>(List.of(got).subList(0, got.length - 1));
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < lines; i++) assertTrue(seen.contains("{\"thread\":" + t + ",\"line\":" + i + "}"));
        }
    }

    @Test
    void afterAFailedWriteEveryFlushThrows() {
        var wire = new WireOut(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("Broken pipe");
            }
        });

        var e = assertThrows(UncheckedIOException.class, () -> wire.line("a"));
        assertEquals("Broken pipe", e.getCause().getMessage());
        assertThrows(UncheckedIOException.class, () -> wire.line("b"));
    }
}
