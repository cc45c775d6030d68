package dev.poolkit.cli.internal;

import dev.poolkit.internal.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * The items an output file already has records for: what {@code --resume} reads back, in one
 * place (the plain run's skipping of given items and the crawl's frontier both read it here).
 * JSON Lines only; a line that is not a JSON object with a textual {@code item} is passed over.
 */
public final class RecordedItems {
    private RecordedItems() {}

    /**
     * Cuts off a last line left half-written by a killed run, then gives each record's item to
     * {@code each}, in file order. Returns how many records were found.
     */
    public static long read(Path output, Consumer<String> each) throws IOException {
        truncateToLastNewline(output);
        long count = 0;
        try (BufferedReader in = Files.newBufferedReader(output, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                String item = itemOf(line);
                if (item == null) continue;
                each.accept(item);
                count++;
            }
        }
        return count;
    }

    /**
     * The items recorded in {@code output}, read again from the file each time they are iterated,
     * never all in memory: for a frontier that rebuilds its dedupe from them. Call {@link #read}
     * first: this does not cut a half-written line.
     */
    public static Iterable<String> streamed(Path output) {
        return () -> new Iterator<>() {
            private final BufferedReader in = open(output);
            private String next;
            private boolean ended;

            @Override
            public boolean hasNext() {
                while (next == null && !ended) {
                    try {
                        String line = in.readLine();
                        if (line == null) {
                            ended = true;
                            in.close();
                        } else {
                            next = itemOf(line);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot read " + output + ": " + e.getMessage(), e);
                    }
                }
                return next != null;
            }

            @Override
            public String next() {
                if (!hasNext()) throw new NoSuchElementException();
                String item = next;
                next = null;
                return item;
            }
        };
    }

    private static BufferedReader open(Path output) {
        try {
            return Files.newBufferedReader(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + output + ": " + e.getMessage(), e);
        }
    }

    private static String itemOf(String line) {
        if (line.isBlank()) return null;
        try {
            return Json.MAPPER.readTree(line).path("item").textValue();
        } catch (IOException notJson) {
            return null;
        }
    }

    private static void truncateToLastNewline(Path output) throws IOException {
        try (var f = new RandomAccessFile(output.toFile(), "rw")) {
            long end = f.length();
            long keep = end;
            while (keep > 0) {
                f.seek(keep - 1);
                if (f.read() == '\n') break;
                keep--;
            }
            if (keep < end) f.setLength(keep);
        }
    }
}
