package dev.poolkit.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Counts the items of an input file the way {@link Inputs} reads them (blank lines and lines whose
 * first non-blank character is {@code #} are not items), on bytes, without decoding: a progress
 * total, known a moment after the run starts. Whitespace is ASCII whitespace here, where
 * {@link Inputs} strips any Unicode whitespace: a line of nothing but, say, U+3000 is counted.
 */
public final class ItemCount {
    private ItemCount() {}

    /** The number of items in {@code file}. */
    public static long of(Path file) throws IOException {
        long count = 0;
        // 0: at the start of a line, only blanks so far; 1: in an item; 2: in a comment.
        int state = 0;
        boolean first = true;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                int i = 0;
                if (first) {
                    first = false;
                    if (n >= 3 && (buffer[0] & 0xFF) == 0xEF && (buffer[1] & 0xFF) == 0xBB && (buffer[2] & 0xFF) == 0xBF) i = 3;
                }
                for (; i < n; i++) {
                    byte b = buffer[i];
                    if (b == '\n') {
                        state = 0;
                    } else if (state == 0 && b != ' ' && b != '\t' && b != '\r' && b != '\f' && b != 0x0B) {
                        if (b == '#') {
                            state = 2;
                        } else {
                            state = 1;
                            count++;
                        }
                    }
                }
            }
        }
        return count;
    }

    /**
     * Counts {@code file} on a daemon thread of its own and gives the count to {@code then}; a file
     * that cannot be read gives nothing (the run reads it, and says so).
     */
    public static void inBackground(Path file, LongConsumer then) {
        Thread.ofPlatform().daemon().name("count-items").start(() -> {
            try {
                then.accept(of(file));
            } catch (IOException | RuntimeException e) {
                // no total: progress shows done and rate
            }
        });
    }
}
