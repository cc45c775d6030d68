package dev.poolkit.cli.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an earlier run of the job left in its output file, read once, for {@code --resume}: the
 * items that have a record, the items whose last record failed, and whether the file is this
 * job's output at all. List runs skip the recorded items through {@link Inputs#skipRecordedIn};
 * crawl runs hand {@link #done()} to their frontier. The file is read once for all of that;
 * {@link #retryFailed} reads it again to rewrite it, and {@link #done()} each time it is iterated.
 *
 * <h2>What is a record</h2>
 * A line that is one JSON object with an {@code item} string and an {@code ok} boolean: what
 * every poolkit record has. Blank lines are ignored. A record is a found item's when it has a
 * {@code parent} string or a {@code depth} above 0 (a crawl's), else a given item's. A last line
 * without its newline that starts like a record is a record a killed run was writing: it does
 * not count, and it is cut off before the file is appended to.
 *
 * <h2>The checks</h2>
 * <ul>
 *   <li>{@link #notRecords()}: every non-blank line must be a record; the message names the first
 *   that is not.</li>
 *   <li>{@link #notInInput}: up to {@value #SAMPLE} items of given records must be in this run's
 *   input. From a file: items spread evenly through the output (every k-th given record, the
 *   last one too), looked for in the input file, which is read ahead of the run from its start
 *   until all are found (at worst once to its end), holding nothing but the sample. From stdin,
 *   which can be read only once: the items of the first {@value #SAMPLE} given records, looked
 *   for among the first {@value #STDIN_LOOKAHEAD} items of stdin, which are kept and then run as
 *   usual (an earlier run wrote its records roughly in input order, so its first records are
 *   among the first items). Items given as arguments and the demo site's pages are compared
 *   too. Found items of a crawl are never compared: they are not in the input.</li>
 * </ul>
 *
 * <h2>Memory</h2>
 * Per distinct recorded item, a 64-bit fingerprint with a count of its records and whether the
 * last failed ({@link ItemCounts}: 12 bytes a slot, 16 to 32 bytes an item), not the item's text;
 * the sample is bounded. {@link #done()} reads the file again rather than keep the items.
 *
 * <h2>Thread-safety</h2>
 * None: read, checked and rewritten before the run, then used by the thread that reads the input.
 */
public final class PriorOutput {
    /** Items compared with the input, at most. */
    public static final int SAMPLE = 100;
    /** Items of stdin read ahead to find the sample in, at most. */
    public static final int STDIN_LOOKAHEAD = 100_000;

    /** Where {@link #retryFailed} stands: a test stops it at each point, as a kill would. */
    public enum RewriteStep {
        /** Some of the kept lines are in the new file, not all. */
        COPYING,
        /** The new file is complete and on disk; the old one is untouched. */
        SYNCED,
        /** The new file has replaced the old one; the failed items' records are gone, not yet redone. */
        MOVED
    }

    /** Bytes of a line kept to read it as a record, at most: no record is near as long. */
    static final int MAX_RECORD_BYTES = 64 << 20;

    private static final Pattern LOCAL_URL = Pattern.compile("http://127\\.0\\.0\\.1:(\\d{1,5})/.*");

    private final Path file;
    private final boolean exists;
    private final ItemCounts counts = new ItemCounts();
    private long records;
    private long givenRecords;
    private long notRecordLines;
    private long firstNotRecordLine;
    private String firstNotRecord;
    // Where an unfinished last line starts, or -1; and whether it is foreign text, not a record cut short.
    private long tailAt = -1;
    private boolean foreignTail;
    private final List<String> firstGiven = new ArrayList<>();
    private final List<String> spread = new ArrayList<>();
    private long stride = 1;
    private String lastGiven;

    private PriorOutput(Path file, boolean exists) {
        this.file = file;
        this.exists = exists;
    }

    /** No earlier output: nothing is recorded, every check passes. */
    public static PriorOutput none() {
        return new PriorOutput(null, false);
    }

    /** Reads {@code file} once, changing nothing; a missing file reads as {@link #none()}. */
    public static PriorOutput read(Path file) throws IOException {
        if (!Files.exists(file)) return new PriorOutput(file, false);
        var prior = new PriorOutput(file, true);
        // A line longer than any record (a binary file given as -o) is kept only in part: enough to say it is no record.
        try (var lines = new ByteLines(Files.newInputStream(file), MAX_RECORD_BYTES)) {
            while (lines.next()) prior.add(lines);
        }
        return prior;
    }

    private void add(ByteLines line) {
        if (!line.ended()) {
            tailAt = line.start();
            // A record is written whole with its newline: a line without one that starts like a
            // record is one a killed run was writing. Anything else is text that was there.
            foreignTail = !line.cutRecord() && !line.blank();
            if (!foreignTail) return;
        }
        if (line.blank()) return;
        Record r = line.overlong() ? null : Record.parse(line.bytes(), line.length());
        if (r == null) {
            if (notRecordLines++ == 0) {
                firstNotRecordLine = line.number();
                firstNotRecord = new String(line.bytes(), 0, Math.min(line.length(), 60), StandardCharsets.UTF_8)
                        .replaceAll("\\p{Cntrl}", "?");
            }
            return;
        }
        records++;
        counts.add(r.item(), r.ok(), r.found());
        if (r.found()) return;
        sample(r.item());
    }

    /** Keeps the first given items, and every stride-th one, halving what it keeps when it has twice the sample. */
    private void sample(String item) {
        if (firstGiven.size() < SAMPLE) firstGiven.add(item);
        if (givenRecords % stride == 0) {
            spread.add(item);
            if (spread.size() == 2 * SAMPLE) {
                for (int i = 0; i < SAMPLE; i++) spread.set(i, spread.get(2 * i));
                spread.subList(SAMPLE, spread.size()).clear();
                stride *= 2;
            }
        }
        givenRecords++;
        lastGiven = item;
    }

    /** True if there was an output file to read. */
    public boolean exists() {
        return exists;
    }

    /** Records read (lines that are not records do not count). */
    public long records() {
        return records;
    }

    /** Records of given items, not found ones: about how many input items a list run will skip. */
    public long givenRecords() {
        return givenRecords;
    }

    /**
     * The item of every record in the file as it is now (after {@link #retryFailed}: without the
     * records it took out), given and found, in file order: what a crawl's frontier must not
     * hand out again. Read from the file each time it is iterated, never all in memory; a last
     * line without its newline is left out. Iterate it before the run appends to the file.
     */
    public Iterable<String> done() {
        if (!exists) return List.of();
        return () -> new Iterator<>() {
            private final ByteLines lines = open();
            private String next;
            private boolean ended;

            @Override
            public boolean hasNext() {
                try {
                    while (next == null && !ended) {
                        if (!lines.next()) {
                            ended = true;
                            lines.close();
                        } else if (lines.ended() && !lines.blank() && !lines.overlong()) {
                            Record r = Record.parse(lines.bytes(), lines.length());
                            if (r != null) next = r.item();
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
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

    private ByteLines open() {
        try {
            return new ByteLines(Files.newInputStream(file), MAX_RECORD_BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** How many items' last record failed (found items' too). */
    public long failedItems() {
        return counts.failed(true);
    }

    /**
     * Why the file is not poolkit's output, naming its first line that is not a record and what
     * to do; {@code null} when every line is a record (or blank).
     */
    public String notRecords() {
        if (notRecordLines == 0) return null;
        String shown = firstNotRecord.strip();
        return String.format("%s is not poolkit's output: line %d is not a record (a JSON object with an \"item\" string and an "
                        + "\"ok\" boolean)%s: %s (check -o; --force resumes it anyway, keeping such lines)",
                file, firstNotRecordLine, notRecordLines > 1 ? ", nor are " + (notRecordLines - 1) + " more" : "",
                shown.length() > 40 ? shown.substring(0, 40) + "..." : shown);
    }

    /**
     * Why the file is not this run's output: sampled items of its given records that this run's
     * input does not have, and what to do; {@code null} when all are there. Reads the input
     * ahead of the run (see the class doc).
     */
    public String notInInput(Inputs input) throws IOException {
        boolean stdin = input.fromStdin();
        Collection<String> sample = stdin ? firstGiven : spreadSample();
        if (sample.isEmpty()) return null;
        Set<String> wanted = new LinkedHashSet<>(sample);
        int compared = wanted.size();
        Set<String> missing = input.missing(wanted, STDIN_LOOKAHEAD);
        if (missing.isEmpty()) return null;
        String compare = stdin
                ? String.format("of the items of its first %d records, %d are not among the first %d items on stdin", compared,
                missing.size(), STDIN_LOOKAHEAD)
                : String.format("of %d items sampled from its records, %d are not in this run's input", compared, missing.size());
        String example = missing.iterator().next();
        return String.format("%s does not look like this run's output: %s, such as %s (check -i, the items and -o; "
                + "--force resumes it anyway)", file, compare, example.length() > 80 ? example.substring(0, 80) + "..." : example);
    }

    /** Up to SAMPLE items spread evenly through the given records, the last one included. */
    private List<String> spreadSample() {
        List<String> picked = new ArrayList<>();
        int n = spread.size();
        int take = Math.min(n, SAMPLE);
        for (int i = 0; i < take; i++) picked.add(spread.get((int) ((long) i * n / take)));
        if (lastGiven != null && !picked.contains(lastGiven)) {
            if (picked.size() == SAMPLE) picked.set(SAMPLE - 1, lastGiven);
            else picked.add(lastGiven);
        }
        return picked;
    }

    /**
     * The port of the demo site the earlier run used: the most common port among the first
     * given records that are {@code http://127.0.0.1:PORT/} URLs; -1 if none is.
     */
    public int demoPort() {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (String item : firstGiven) {
            Matcher m = LOCAL_URL.matcher(item);
            if (m.matches()) counts.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
        }
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(-1);
    }

    /**
     * Makes the file ready to be appended to: cuts a last line a killed run left half-written,
     * or ends a last line of other text ({@code --force}) so that the next record starts a line.
     */
    public void prepareToAppend() throws IOException {
        if (!exists || tailAt < 0) return;
        try (var f = new RandomAccessFile(file.toFile(), "rw")) {
            if (foreignTail) {
                f.seek(f.length());
                f.write('\n');
            } else {
                f.setLength(tailAt);
            }
        }
        tailAt = -1;
    }

    /** For a list run: true, once per record of {@code item}, when an occurrence of it in the input is to be skipped. */
    boolean skip(String item) {
        return counts.take(item);
    }

    /** {@link #retryFailed(boolean, Consumer)} with no stops. */
    public long retryFailed(boolean found) throws IOException {
        return retryFailed(found, step -> {});
    }

    /**
     * For {@code --retry-failed}: rewrites the file without the failed records of the items whose
     * last record failed, so that they are run again and each keeps one record; returns how many
     * items will be. Every other line is kept as it was; a half-written last line is cut.
     *
     * <p>Safe at every point: the kept lines go to a new file in the same folder
     * ({@code OUTPUT.rewrite}), which is forced to disk and then moved over the old one in one
     * atomic rename, and the folder is forced too. Killed before the rename, the old file is
     * whole (a later run overwrites the leftover new one); killed after it, before the items ran
     * again, they have no record, so {@code --resume} runs them. {@code at} is told each step.
     *
     * <p>{@code found}: also the failed records of found items (a crawl's, with a {@code parent}).
     * Only when something will hand them out again (the crawl's journal, which has them): a
     * found item is not in the input, and a finished crawl's parent page, which has its record,
     * is not fetched again to find it.
     */
    public long retryFailed(boolean found, Consumer<RewriteStep> at) throws IOException {
        long retried = counts.failed(found);
        if (!exists || retried == 0) {
            prepareToAppend();
            return 0;
        }
        Path dir = file.toAbsolutePath().getParent();
        Path temp = dir.resolve(file.getFileName() + ".rewrite");
        Map<String, Integer> dropped = new HashMap<>();
        long droppedGiven = 0;
        try (var lines = new ByteLines(Files.newInputStream(file), Integer.MAX_VALUE - 16);
             FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                     StandardOpenOption.WRITE)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            boolean told = false;
            while (lines.next()) {
                if (!lines.ended() && (lines.blank() || lines.cutRecord())) continue; // cut short
                Record r = lines.blank() ? null : Record.parse(lines.bytes(), lines.length());
                if (r != null && !r.ok() && counts.failedLast(r.item(), found)) {
                    dropped.merge(r.item(), 1, Integer::sum);
                    if (!r.found()) droppedGiven++;
                    continue;
                }
                out.write(lines.bytes(), 0, lines.length());
                out.write('\n');
                if (!told) {
                    out.flush();
                    told = true;
                    at.accept(RewriteStep.COPYING);
                }
            }
            out.flush();
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        at.accept(RewriteStep.SYNCED);
        try {
            Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(file));
        } catch (UnsupportedOperationException | IOException e) {
            // a file system without them: the new file has the default ones
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(temp);
            throw new IOException("cannot replace " + file + " atomically on this file system, so --retry-failed does not "
                    + "rewrite it: " + e.getMessage(), e);
        }
        at.accept(RewriteStep.MOVED);
        forceFolder(dir);
        // What is left of a retried item is its records that did not fail: none failed last now.
        dropped.forEach((item, n) -> {
            records -= n;
            counts.take(item, n);
        });
        givenRecords -= droppedGiven;
        tailAt = -1;
        return retried;
    }

    private static void forceFolder(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every system opens a folder to force it; the rename itself is atomic anyway.
        }
    }

    /** What a line says, when it is a record. */
    private record Record(String item, boolean ok, boolean found) {
        // Not the shared mapper's factory: its buffer pool, made for writers on many virtual
        // threads, made a parser per line 5 times slower here, on one thread.
        private static final JsonFactory JSON = new JsonFactory();

        static Record parse(byte[] bytes, int length) {
            try (JsonParser p = JSON.createParser(bytes, 0, length)) {
                if (p.nextToken() != JsonToken.START_OBJECT) return null;
                String item = null;
                Boolean ok = null;
                boolean found = false;
                for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    switch (name) {
                        case "item" -> item = value == JsonToken.VALUE_STRING ? p.getText() : null;
                        case "ok" -> ok = value == JsonToken.VALUE_TRUE ? Boolean.TRUE : value == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
                        case "parent" -> found |= value == JsonToken.VALUE_STRING;
                        case "depth" -> found |= value == JsonToken.VALUE_NUMBER_INT && p.getLongValue() > 0;
                        default -> p.skipChildren();
                    }
                }
                if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) return null;
                return item == null || ok == null ? null : new Record(item, ok, found);
            } catch (IOException e) {
                return null;
            }
        }
    }

    /** The lines of a stream as bytes, without their {@code \n}; the last may have none. */
    private static final class ByteLines implements AutoCloseable {
        // Records are written with their item first (Result's order).
        private static final byte[] RECORD_START = "{\"item\":".getBytes(StandardCharsets.UTF_8);
        private final InputStream in;
        private final byte[] buffer = new byte[1 << 16];
        private int pos;
        private int limit;
        private byte[] line = new byte[256];
        private int length;
        private long start;
        private long offset;
        private long number;
        private boolean ended;
        private final int max;
        private boolean overlong;

        /** Lines of {@code in}, each kept up to {@code max} bytes; a longer one is {@link #overlong()}. */
        ByteLines(InputStream in, int max) {
            this.in = in;
            this.max = max;
        }

        /** Reads the next line; false at the end of the stream. */
        boolean next() throws IOException {
            length = 0;
            overlong = false;
            start = offset;
            boolean any = false;
            while (true) {
                if (pos == limit) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        ended = false;
                        if (!any) return false;
                        number++;
                        return true;
                    }
                    pos = 0;
                    limit = n;
                }
                any = true;
                int end = pos;
                while (end < limit && buffer[end] != '\n') end++;
                int n = end - pos;
                int keep = Math.min(n, max - length);
                if (keep < n) overlong = true;
                if (length + keep > line.length) line = Arrays.copyOf(line, (int) Math.min(max, Math.max(line.length * 2L, length + keep)));
                System.arraycopy(buffer, pos, line, length, keep);
                length += keep;
                offset += n;
                pos = end;
                if (end < limit) {
                    pos++;
                    offset++;
                    ended = true;
                    number++;
                    return true;
                }
            }
        }

        byte[] bytes() {
            return line;
        }

        /** True if the line was longer than the bytes kept of it. */
        boolean overlong() {
            return overlong;
        }

        int length() {
            return length;
        }

        /** Where the line starts in the stream, in bytes. */
        long start() {
            return start;
        }

        long number() {
            return number;
        }

        /** True if the line ended with a newline. */
        boolean ended() {
            return ended;
        }

        /** True if the line is, or starts with, the start every record has: a record a killed run was writing. */
        boolean cutRecord() {
            int n = Math.min(length, RECORD_START.length);
            return Arrays.equals(line, 0, n, RECORD_START, 0, n);
        }

        boolean blank() {
            return firstNonBlank() < 0;
        }

        /** The index of the first byte that is not JSON whitespace, or -1. */
        int firstNonBlank() {
            for (int i = 0; i < length; i++) {
                byte b = line[i];
                if (b != ' ' && b != '\t' && b != '\r') return i;
            }
            return -1;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
