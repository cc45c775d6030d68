package dev.poolkit.crawl.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.poolkit.internal.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The in-process frontier's journal: an append-only file of the items it took from handlers,
 * one JSON object a line, {@code {"item":"http://host/a","depth":1,"parent":"http://host/"}},
 * in the order they were taken. It is also the queue of pending items: a read cursor hands them
 * out in that order, so they wait on disk, not in memory.
 *
 * <h2>Crash safety</h2>
 * Each line is written whole in one {@code write(2)}, before the caller goes on, so a process
 * killed at any point leaves every line it finished in the OS; only a line being written can be
 * cut. {@link #open} cuts a last line that has no newline (the item it named was never reported
 * added, so the item that found it has no record yet and will find it again). Lines are not
 * fsynced one by one, as the output's records are not: a kill -9 loses nothing, a power cut may
 * lose the last lines. {@link #close} forces the file to disk.
 *
 * <h2>Thread-safety</h2>
 * None: the frontier calls it under its lock.
 */
public final class Journal implements AutoCloseable {
    /** One line: an item, its depth and the item that led to it. */
    public record Entry(String item, int depth, String parent) {}

    private static final int READ_CHUNK = 64 * 1024;

    private final Path file;
    private final FileChannel channel;
    private long size;
    private long readPosition;
    private ByteBuffer readBuffer = ByteBuffer.allocate(READ_CHUNK).flip();
    private long lines;

    private Journal(Path file, FileChannel channel, long size) {
        this.file = file;
        this.channel = channel;
        this.size = size;
    }

    /** Opens the journal at {@code file}, created if missing, cutting a half-written last line. */
    public static Journal open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long keep = lastNewlineEnd(ch);
            if (keep < ch.size()) {
                ch.truncate(keep);
                ch.force(false);
            }
            return new Journal(file, ch, keep);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Every entry from the start, for rebuilding dedupe on resume; does not move the read cursor. */
    public void scan(Consumer<Entry> each) throws IOException {
        long saved = readPosition;
        ByteBuffer savedBuffer = readBuffer;
        long savedLines = lines;
        readPosition = 0;
        readBuffer = ByteBuffer.allocate(READ_CHUNK).flip();
        lines = 0;
        try {
            for (Entry e; (e = next()) != null; ) each.accept(e);
        } finally {
            readPosition = saved;
            readBuffer = savedBuffer;
            lines = savedLines;
        }
    }

    /** Appends one entry as one line in one write. */
    public void append(String item, int depth, String parent) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("item", item);
        line.put("depth", depth);
        line.put("parent", parent);
        byte[] bytes = (Json.write(line) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) size += channel.write(b, size);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the frontier's journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** The entry after the read cursor, or {@code null} when the cursor has reached the end. */
    public Entry next() throws IOException {
        byte[] line = nextLine();
        if (line == null) return null;
        lines++;
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new IOException(file + ":" + lines + ": not a journal line: " + e.getMessage(), e);
        }
        if (n == null || !n.path("item").isTextual() || !n.path("depth").canConvertToInt()) {
            throw new IOException(file + ":" + lines + ": not a journal line: " + new String(line, StandardCharsets.UTF_8));
        }
        return new Entry(n.get("item").textValue(), n.get("depth").intValue(), n.path("parent").textValue());
    }

    /** True when the read cursor has reached the end of what is written. */
    public boolean atEnd() {
        return !readBuffer.hasRemaining() && readPosition >= size;
    }

    public Path file() {
        return file;
    }

    /** Forces the file to disk and closes it. */
    @Override
    public void close() throws IOException {
        try (channel) {
            channel.force(false);
        }
    }

    private byte[] nextLine() throws IOException {
        while (true) {
            for (int i = readBuffer.position(); i < readBuffer.limit(); i++) {
                if (readBuffer.get(i) == '\n') {
                    byte[] line = new byte[i - readBuffer.position()];
                    readBuffer.get(line);
                    readBuffer.get(); // the newline
                    return line;
                }
            }
            if (readPosition >= size) {
                // Only whole lines are written and the last ends in a newline: nothing is left over.
                return null;
            }
            readBuffer.compact();
            if (!readBuffer.hasRemaining()) readBuffer = ByteBuffer.allocate(readBuffer.capacity() * 2).put(readBuffer.flip());
            int max = (int) Math.min(readBuffer.remaining(), size - readPosition);
            ByteBuffer window = readBuffer.slice(readBuffer.position(), max);
            int n = channel.read(window, readPosition);
            if (n < 0) throw new IOException(file + " is shorter than was written to it");
            readPosition += n;
            readBuffer.position(readBuffer.position() + n).flip();
        }
    }

    /** Where the last complete line ends: the file's size, or less if its end has no newline. */
    private static long lastNewlineEnd(FileChannel ch) throws IOException {
        long end = ch.size();
        ByteBuffer one = ByteBuffer.allocate(1);
        for (long at = end; at > 0; at--) {
            one.clear();
            ch.read(one, at - 1);
            if (one.get(0) == '\n') return at;
        }
        return 0;
    }
}
