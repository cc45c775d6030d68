package dev.poolkit.cli.internal;

import dev.poolkit.internal.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A job's items, streamed: the command-line items, then the lines of the input file or stdin,
 * then any added later (the demo site's pages). Lines are stripped; blank lines and lines starting
 * with {@code #} are skipped. Nothing is read until the iterator asks.
 */
public final class Inputs {
    private final List<String> first = new ArrayList<>();
    private final String file;
    private final List<String> last = new ArrayList<>();
    // Items already in the output: each recorded occurrence skips one occurrence in the input.
    private final Map<String, Integer> recorded = new HashMap<>();

    public Inputs(List<String> items, String file) {
        this.first.addAll(items);
        this.file = file;
    }

    public void add(List<String> items) {
        last.addAll(items);
    }

    /**
     * Reads the items already recorded in {@code output} so the iterator skips them, and cuts off a
     * last line left half-written by a killed run. Returns how many records were found.
     */
    public long skipRecordedIn(Path output) throws IOException {
        truncateToLastNewline(output);
        long count = 0;
        try (Stream<String> lines = Files.lines(output, StandardCharsets.UTF_8)) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isBlank()) continue;
                Object item;
                try {
                    item = Json.MAPPER.readTree(line).path("item").textValue();
                } catch (IOException notJson) {
                    continue;
                }
                if (item != null) {
                    recorded.merge((String) item, 1, Integer::sum);
                    count++;
                }
            }
        }
        return count;
    }

    public Iterator<String> iterator() {
        Stream<String> fromFile = file == null ? Stream.empty() : lines(file);
        // concat, not flatMap: a flatMapped stream's iterator reads each inner stream whole
        // (the entire input file) before it gives the first item.
        return Stream.concat(Stream.concat(first.stream(), fromFile), last.stream())
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .filter(this::notRecorded)
                .iterator();
    }

    private boolean notRecorded(String item) {
        if (recorded.isEmpty()) return true;
        Integer n = recorded.get(item);
        if (n == null) return true;
        if (n == 1) recorded.remove(item);
        else recorded.put(item, n - 1);
        return false;
    }

    private static Stream<String> lines(String file) {
        try {
            BufferedReader reader = file.equals("-")
                    ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                    : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
            return reader.lines();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
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
