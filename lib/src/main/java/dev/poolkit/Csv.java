package dev.poolkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.poolkit.internal.Json;
import dev.poolkit.internal.LineOutput;
import dev.poolkit.internal.engine.Results;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records as CSV (RFC 4180: a header line, then one line per record; a cell with a comma, a
 * quote or a line break is quoted, its quotes doubled), written by jackson-dataformat-csv.
 *
 * <pre>{@code
 * try (var out = Csv.writer(Path.of("results.csv"))) {
 *     pool.run(items, out);          // a Writer is a thread-safe Sink
 * }
 * }</pre>
 *
 * <h2>Columns</h2>
 * {@code item}, {@code ok}, {@code status}, {@code error}, {@code errorKind}, {@code millis}, then
 * the handler fields of the <em>first</em> record written, in its order, then {@code fields}.
 * The header is written with the first record and never changes: a later record's handler field
 * that has no column of its own goes into {@code fields}, as one JSON object of all such fields
 * (empty when there are none). So a run whose first record is a failure (no handler fields) has
 * every handler field in {@code fields}. A handler field named {@code fields} always goes there.
 *
 * <h2>Cells</h2>
 * {@code null} is an empty cell; a string is itself; numbers and booleans as JSON writes them;
 * {@code java.time} values as ISO-8601 strings and an {@code Optional} as its value, as in
 * {@link JsonLines}; a list or map as its JSON.
 */
public final class Csv {
    private Csv() {}

    /** The record columns before the handler fields. */
    public static final List<String> FIXED_COLUMNS = List.of("item", "ok", "status", "error", "errorKind", "millis");
    /** The last column: the handler fields that have no column of their own, as a JSON object. */
    public static final String EXTRA_FIELDS = "fields";

    private static final ObjectWriter ROW = new CsvMapper().writerFor(String[].class).with(CsvSchema.emptySchema());

    /**
     * A writer to {@code out}; closing it flushes {@code out} but leaves it open. On a
     * {@link PrintStream} ({@code System.out}) a line that fails throws as on any stream.
     */
    public static Writer writer(OutputStream out) {
        return new Writer(out, false);
    }

    /** A writer to {@code file}, created or truncated. */
    public static Writer writer(Path file) throws IOException {
        return new Writer(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE), true);
    }

    /**
     * Writes the header with the first record, then one CSV line per record, each whole and
     * flushed before the next begins. Thread-safe; a write failure throws {@link UncheckedIOException}.
     */
    public static final class Writer implements Sink, AutoCloseable {
        private final LineOutput out;
        private List<String> handlerColumns; // null until the first record fixes the header

        private Writer(OutputStream out, boolean closeOut) {
            this.out = new LineOutput(out, closeOut);
        }

        /**
         * Writes the result as one line and returns it. A result whose handler fields cannot be
         * written (as JSON cannot) is written as a failure of its item that says so, and that
         * failure is returned, as {@link JsonLines.Writer#write(Result)} does.
         */
        @Override
        public Result write(Result result) {
            synchronized (this) {
                byte[] header = null;
                if (handlerColumns == null) {
                    handlerColumns = new ArrayList<>();
                    for (String name : result.toMap().keySet()) {
                        if (!FIXED_COLUMNS.contains(name) && !name.equals(EXTRA_FIELDS)) handlerColumns.add(name);
                    }
                    var names = new ArrayList<>(FIXED_COLUMNS);
                    names.addAll(handlerColumns);
                    names.add(EXTRA_FIELDS);
                    header = row(names.toArray(String[]::new));
                }
                Result written = result;
                byte[] line;
                try {
                    line = line(result);
                } catch (IllegalArgumentException unwritable) {
                    written = Results.unwritable(result, unwritable);
                    line = line(written);
                }
                writeLines(header, line);
                return written;
            }
        }

        private byte[] line(Result result) {
            Map<String, Object> map = result.toMap();
            var cells = new ArrayList<String>(FIXED_COLUMNS.size() + handlerColumns.size() + 1);
            for (String name : FIXED_COLUMNS) cells.add(cell(map.remove(name)));
            for (String name : handlerColumns) cells.add(cell(map.remove(name)));
            cells.add(map.isEmpty() ? "" : Json.write(new LinkedHashMap<>(map)));
            return row(cells.toArray(String[]::new));
        }

        private static String cell(Object value) {
            if (value == null) return "";
            if (value instanceof String s) return s;
            JsonNode node = Json.MAPPER.valueToTree(value); // IllegalArgumentException if it cannot be written
            if (node.isNull() || node.isMissingNode()) return "";
            return node.isValueNode() ? node.asText() : node.toString();
        }

        private static byte[] row(String[] cells) {
            try {
                return ROW.writeValueAsBytes(cells);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot write as CSV: " + e.getOriginalMessage(), e);
            }
        }

        private void writeLines(byte[] header, byte[] line) {
            if (header != null) {
                // One write for both: a killed run leaves no header without its first record.
                byte[] both = new byte[header.length + line.length];
                System.arraycopy(header, 0, both, 0, header.length);
                System.arraycopy(line, 0, both, header.length, line.length);
                line = both;
            }
            out.write(line);
        }

        /** How many records this writer has written (the header is not one). */
        public long lines() {
            return out.lines();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
