package dev.poolkit.cli.internal;

import dev.poolkit.Result;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A job's items, streamed: the command-line items, then the lines of the input file or stdin,
 * then any added later (the demo site's pages, a sitemap's). Lines are stripped; blank lines and lines starting
 * with {@code #} are skipped; a byte order mark at the start of the file or stdin is dropped.
 * Nothing is read until the iterator asks, but for a resumed run's check ({@link #missing}).
 *
 * <p>A line that is not valid UTF-8 is an item like any other, decoded with U+FFFD for its bad
 * bytes, but it is not run: its record, failed with {@code errorKind} {@value #BAD_INPUT} and the
 * line's number, goes straight to the sink given to {@link #iterator}, and the lines around it
 * are run as usual. Its item is what the same bytes decode to next time, so {@code --resume}
 * skips it like any recorded item.
 *
 * <p>Resuming ({@link #skipRecordedIn}): each record in the earlier output skips one occurrence
 * of its item, so an item given twice and recorded once runs once more; {@link #skipped()} counts
 * what was really skipped.
 */
public final class Inputs {
    /** The {@code errorKind} of a line of input that is not valid UTF-8. */
    public static final String BAD_INPUT = "bad-input";

    private final List<String> first = new ArrayList<>();
    private final String file;
    private final List<String> last = new ArrayList<>();
    // Items read only when their turn comes (a sitemap's pages), after the others.
    private final List<Later> later = new ArrayList<>();
    // Items already in the output: each record skips one occurrence in the input.
    private PriorOutput recorded = PriorOutput.none();
    private final AtomicLong skipped = new AtomicLong();
    // stdin is read once: what was read ahead of the run (to check a resumed output) is kept here.
    private Iterator<Item> stdin;
    private final ArrayDeque<Item> readAhead = new ArrayDeque<>();

    public Inputs(List<String> items, String file) {
        this.first.addAll(items);
        this.file = file;
    }

    public void add(List<String> items) {
        last.addAll(items);
    }

    /** Adds items read only when their turn comes (a sitemap's pages), after all the others. */
    public void add(Iterator<String> items) {
        later.add(new Later(items));
    }

    /** Items read when their turn comes, and what a resumed run's check read of them ahead. */
    private static final class Later {
        final Iterator<String> items;
        final ArrayDeque<String> ahead = new ArrayDeque<>();

        Later(Iterator<String> items) {
            this.items = items;
        }

        Stream<Item> stream() {
            return Stream.concat(ahead.stream(), StreamSupport.stream(
                    Spliterators.spliteratorUnknownSize(items, Spliterator.ORDERED | Spliterator.NONNULL), false)).map(Item::of);
        }
    }

    /** Makes the iterator skip the items {@code prior} has records of, one occurrence per record. */
    public void skipRecordedIn(PriorOutput prior) {
        this.recorded = prior;
    }

    /** Items skipped so far because the output had their record: the true count, duplicates and changed inputs included. */
    public long skipped() {
        return skipped.get();
    }

    /** True when the items are read from stdin. */
    public boolean fromStdin() {
        return "-".equals(file);
    }

    /**
     * Which of {@code wanted} are not items of this input; removes the others from it. The
     * arguments and added items are looked at first; then a file is read from its start until all
     * are found (at worst to its end), holding nothing else; stdin, and each sitemap's pages, are
     * read ahead at most {@code stdinLimit} items, which are kept and given by the iterator as usual.
     */
    public Set<String> missing(Set<String> wanted, int stdinLimit) throws IOException {
        for (String item : first) wanted.remove(item.strip());
        for (String item : last) wanted.remove(item.strip());
        // A sitemap's pages are read ahead as stdin is, and kept for the run.
        for (Later l : later) {
            while (!wanted.isEmpty() && l.ahead.size() < stdinLimit && l.items.hasNext()) {
                String item = l.items.next();
                l.ahead.add(item);
                wanted.remove(item.strip());
            }
        }
        if (wanted.isEmpty() || file == null) return wanted;
        if (fromStdin()) {
            Iterator<Item> in = stdin();
            while (!wanted.isEmpty() && readAhead.size() < stdinLimit && in.hasNext()) {
                Item item = in.next();
                readAhead.add(item);
                wanted.remove(item.text().strip());
            }
            return wanted;
        }
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            var lines = items(in, file);
            while (!wanted.isEmpty() && lines.hasNext()) wanted.remove(lines.next().text().strip());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return wanted;
    }

    /**
     * The items to run, read as they are asked for. A line that is not valid UTF-8 is left out of
     * them and its failed record given to {@code badLines} instead, from the thread that is reading.
     */
    public Iterator<String> iterator(Consumer<Result> badLines) {
        Stream<Item> fromFile = file == null ? Stream.empty()
                : fromStdin() ? Stream.concat(readAhead.stream(), stream(stdin())) : lines(file);
        // concat, not flatMap: a flatMapped stream's iterator reads each inner stream whole
        // (the entire input file) before it gives the first item.
        Stream<Item> all = Stream.concat(Stream.concat(first.stream().map(Item::of), fromFile), last.stream().map(Item::of));
        for (Later l : later) all = Stream.concat(all, l.stream());
        return all
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
        if (!recorded.skip(item)) return true;
        skipped.incrementAndGet();
        return false;
    }

    private Iterator<Item> stdin() {
        if (stdin == null) {
            // Utf8Lines closes what it reads at its end: a file, but stdin stays open.
            stdin = items(new FilterInputStream(System.in) {
                @Override
                public void close() {
                }
            }, "stdin");
        }
        return stdin;
    }

    private static Stream<Item> lines(String file) {
        InputStream in;
        try {
            in = Files.newInputStream(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return stream(items(in, file));
    }

    private static Stream<Item> stream(Iterator<Item> items) {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(items, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** The lines of {@code in} as items, a line that is not valid UTF-8 with its problem. */
    private static Iterator<Item> items(InputStream in, String name) {
        var lines = new Utf8Lines(in, name);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return lines.hasNext();
            }

            @Override
            public Item next() {
                Utf8Lines.Line line = lines.next();
                return new Item(line.text(), line.valid() ? null : String.format(Locale.ROOT,
                        "line %d of %s is not valid UTF-8 (byte 0x%02X at byte %d of the line)",
                        line.number(), name, line.badByte(), line.badAt()));
            }
        };
    }
}
