package dev.poolkit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.poolkit.internal.Json;
import dev.poolkit.internal.LineOutput;
import dev.poolkit.internal.engine.Results;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

/**
 * JSON Lines (one JSON object per line) in and out, on Jackson.
 *
 * <pre>{@code
 * try (var out = JsonLines.writer(Path.of("results.jsonl"), false)) {
 *     pool.run(items, out);          // a Writer is a thread-safe Sink
 * }
 * try (var lines = JsonLines.read(Path.of("results.jsonl"))) { lines.forEach(System.out::println); }
 * }</pre>
 */
public final class JsonLines {
    private JsonLines() {}

    /**
     * A writer to {@code out}; closing the writer flushes {@code out} but leaves it open. On a
     * {@link PrintStream} ({@code System.out}), which swallows its errors, a line that fails
     * throws as on any stream.
     */
    public static Writer writer(OutputStream out) {
        return new Writer(out, false);
    }

    /** A writer to {@code file}, created or truncated, or appended to when {@code append}. */
    public static Writer writer(Path file, boolean append) throws IOException {
        var options = append
                ? new StandardOpenOption[]{StandardOpenOption.CREATE, StandardOpenOption.APPEND}
                : new StandardOpenOption[]{StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE};
        return new Writer(Files.newOutputStream(file, options), true);
    }

    /**
     * The objects in {@code file}, one per line, read lazily; blank lines are skipped. Close the
     * stream. A line that is not a JSON object throws {@link UncheckedIOException} naming its number.
     */
    public static Stream<Map<String, Object>> read(Path file) throws IOException {
        BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        int[] lineNo = {0};
        return reader.lines()
                .peek(l -> lineNo[0]++)
                .filter(l -> !l.isBlank())
                .map(l -> parse(l, file + ":" + lineNo[0]))
                .onClose(() -> {
                    try {
                        reader.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    /** The JSON object on one line. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parse(String line, String where) {
        try {
            Map<String, Object> object = Json.MAPPER.readValue(line, Map.class);
            // Jackson reads the line "null" as a null map instead of failing: it is no object either.
            if (object == null) throw new UncheckedIOException(new IOException(where + ": not a JSON object: null"));
            return object;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(new IOException(where + ": not a JSON object: " + e.getOriginalMessage(), e));
        }
    }

    /**
     * Writes one JSON object per line, each line whole and flushed before the next begins, so a
     * run that is killed loses no finished line. Thread-safe; a write failure throws
     * {@link UncheckedIOException}.
     *
     * <p>Values are written as Jackson writes them, with {@code java.time} values as ISO-8601
     * strings ({@code "2026-12-01T10:15:30Z"}) and an {@link java.util.Optional} as its value or
     * {@code null}.
     */
    public static final class Writer implements Sink, AutoCloseable {
        private final LineOutput out;

        private Writer(OutputStream out, boolean closeOut) {
            this.out = new LineOutput(out, closeOut);
        }

        /**
         * Writes the result as one line and returns it. A result whose handler fields cannot be
         * written as JSON is written as a failure of its item that says so, so that the item
         * still has its record, and that failure is returned: count what this returns.
         */
        @Override
        public Result write(Result result) {
            Result written = result;
            byte[] line;
            try {
                line = line(result);
            } catch (IllegalArgumentException unwritable) {
                written = Results.unwritable(result, unwritable);
                line = line(written);
            }
            writeLine(line);
            return written;
        }

        /** Writes any map as one line. */
        public void write(Map<String, ?> object) {
            writeLine(line(object));
        }

        private void writeLine(byte[] line) {
            out.write(line);
        }

        /** The object's JSON and the newline, in one array. */
        static byte[] line(Map<String, ?> object) {
            byte[] json;
            try {
                json = Json.MAPPER.writeValueAsBytes(object);
            } catch (JsonProcessingException e) {
                throw unwritable(e);
            }
            byte[] line = Arrays.copyOf(json, json.length + 1);
            line[json.length] = '\n';
            return line;
        }

        /**
         * The record's line: the same bytes as {@code line(result.toMap())}, written straight from
         * the result, without a map per record and Jackson's map serializer (hot code at 200k
         * records, BENCHMARKS.md). Common field values are written directly, any other through the
         * mapper as before.
         */
        static byte[] line(Result result) {
            var bytes = new ByteArrayBuilder(LINE_BYTES);
            try (JsonGenerator g = Json.MAPPER.createGenerator(bytes)) {
                g.writeStartObject();
                g.writeStringField("item", result.item());
                g.writeBooleanField("ok", result.ok());
                g.writeFieldName("status");
                if (result.status() == null) g.writeNull();
                else g.writeNumber(result.status().intValue());
                g.writeStringField("error", result.error());
                g.writeStringField("errorKind", result.errorKind());
                g.writeNumberField("millis", result.millis());
                for (Map.Entry<String, Object> field : result.fields().entrySet()) {
                    if (Result.RESERVED.contains(field.getKey())) continue;
                    g.writeFieldName(field.getKey());
                    switch (field.getValue()) {
                        case null -> g.writeNull();
                        case String s -> g.writeString(s);
                        case Integer i -> g.writeNumber(i.intValue());
                        case Long l -> g.writeNumber(l.longValue());
                        case Boolean b -> g.writeBoolean(b);
                        case Object other -> Json.MAPPER.writeValue(g, other);
                    }
                }
                g.writeEndObject();
                g.writeRaw('\n');
            } catch (JsonProcessingException e) {
                throw unwritable(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // not from a byte array
            }
            return bytes.toByteArray();
        }

        /** A record's usual size, with room: one buffer holds most lines. */
        private static final int LINE_BYTES = 512;

        private static IllegalArgumentException unwritable(JsonProcessingException e) {
            return new IllegalArgumentException("cannot write as JSON: " + e.getOriginalMessage(), e);
        }

        /** How many lines this writer has written. */
        public long lines() {
            return out.lines();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
