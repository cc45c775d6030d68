package dev.poolkit.cli.internal;

import dev.poolkit.Result;
import dev.poolkit.internal.Json;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A job's items, streamed: the command-line items, then the lines of the input file or stdin,
 * then any added later (the demo site's pages). Lines are stripped; blank lines and lines starting
 * with {@code #} are skipped; a byte order mark at the start of the file or stdin is dropped.
 * Nothing is read until the iterator asks.
 *
 * <p>A line that is not valid UTF-8 is an item like any other, decoded with U+FFFD for its bad
 * bytes, but it is not run: its record, failed with {@code errorKind} {@value #BAD_INPUT} and the
 * line's number, goes straight to the sink given to {@link #iterator}, and the lines around it
 * are run as usual. Its item is what the same bytes decode to next time, so {@code --resume}
 * skips it like any recorded item.
 */
public final class Inputs {
    /** The {@code errorKind} of a line of input that is not valid UTF-8. */
    public static final String BAD_INPUT = "bad-input";

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
        return RecordedItems.read(output, item -> recorded.merge(item, 1, Integer::sum));
    }

    /**
     * The items to run, read as they are asked for. A line that is not valid UTF-8 is left out of
     * them and its failed record given to {@code badLines} instead, from the thread that is reading.
     */
    public Iterator<String> iterator(Consumer<Result> badLines) {
        Stream<Item> fromFile = file == null ? Stream.empty() : lines(file);
        // concat, not flatMap: a flatMapped stream's iterator reads each inner stream whole
        // (the entire input file) before it gives the first item.
        return Stream.concat(Stream.concat(first.stream().map(Item::of), fromFile), last.stream().map(Item::of))
                .map(Item::stripped)
                .filter(item -> !item.text().isEmpty() && !item.text().startsWith("#"))
                .filter(item -> notRecorded(item.text()))
                .filter(item -> {
                    if (item.problem() == null) return true;
                    badLines.accept(Result.failure(item.text(), null, item.problem(), BAD_INPUT, 0));
                    return false;
                })
                .map(Item::text)
                .iterator();
    }

    /** An item, and why it cannot be run ({@code null} when it can). */
    private record Item(String text, String problem) {
        static Item of(String text) {
            return new Item(text, null);
        }

        Item stripped() {
            return new Item(text.strip(), problem);
        }
    }

    private boolean notRecorded(String item) {
        if (recorded.isEmpty()) return true;
        Integer n = recorded.get(item);
        if (n == null) return true;
        if (n == 1) recorded.remove(item);
        else recorded.put(item, n - 1);
        return false;
    }

    private static Stream<Item> lines(String file) {
        String name = file.equals("-") ? "stdin" : file;
        InputStream in;
        try {
            // Utf8Lines closes what it reads at its end: a file, but stdin stays open.
            in = file.equals("-") ? new FilterInputStream(System.in) {
                @Override
                public void close() {
                }
            } : Files.newInputStream(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        var lines = new Utf8Lines(in, name);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(lines, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .map(line -> new Item(line.text(), line.valid() ? null : String.format(Locale.ROOT,
                        "line %d of %s is not valid UTF-8 (byte 0x%02X at byte %d of the line)",
                        line.number(), name, line.badByte(), line.badAt())));
    }
}
