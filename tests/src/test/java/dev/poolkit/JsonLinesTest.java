package dev.poolkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(20)
class JsonLinesTest {
    @TempDir
    Path dir;

    @Test
    void writerSharedByManyThreadsWritesWholeLinesOnly() throws Exception {
        int threads = 8;
        int each = 500;
        Path file = dir.resolve("results.jsonl");
        String padding = "x".repeat(3000); // long lines, so that interleaved writes would show
        var start = new CyclicBarrier(threads);
        try (var writer = JsonLines.writer(file, false)) {
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                writers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    for (int i = 0; i < each; i++) {
                        writer.accept(Result.success(thread + "-" + i, 200, i, Fields.of("padding", padding)));
                    }
                }));
            }
            for (Thread w : writers) assertTrue(w.join(java.time.Duration.ofSeconds(10)));
            assertEquals(threads * each, writer.lines());
        }

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(threads * each, lines.size());
        var items = new HashSet<String>();
        for (String line : lines) {
            Map<String, Object> object = JsonLines.parse(line, "line");
            assertEquals(padding, object.get("padding"));
            assertTrue(items.add((String) object.get("item")));
        }
        assertEquals(threads * each, items.size());
    }

    @Test
    void aResultWhoseFieldsCannotBeWrittenBecomesAFailureOfItsItem() throws Exception {
        var out = new ByteArrayOutputStream();
        try (var writer = JsonLines.writer(out)) {
            // Jackson finds no properties in a plain Object: a handler's bug, not the run's end.
            Result kept = writer.write(Result.success("http://a/", 200, 12, Fields.of("thing", new Object())));
            assertFalse(kept.ok(), "write() returns the failure it wrote in the result's place");
            assertEquals("handler", kept.errorKind());
            writer.accept(Result.success("http://b/", 200, 5, Fields.of("title", "B")));
        }

        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size(), lines.toString());
        Map<String, Object> a = JsonLines.parse(lines.get(0), "line 1");
        assertEquals("http://a/", a.get("item"));
        assertEquals(false, a.get("ok"));
        assertEquals("handler", a.get("errorKind"));
        assertTrue(((String) a.get("error")).startsWith("the handler returned fields that cannot be written as JSON: "), a.toString());
        assertEquals("B", JsonLines.parse(lines.get(1), "line 2").get("title"));
    }

    @Test
    void javaTimeValuesAreIsoStringsAndAnOptionalIsItsValueOrNull() throws Exception {
        var out = new ByteArrayOutputStream();
        Result written;
        try (var writer = JsonLines.writer(out)) {
            written = writer.write(Result.success("a", 200, 1, Fields.of(
                    "at", Instant.parse("2026-12-01T10:15:30Z"), "day", LocalDate.of(2026, 12, 1),
                    "took", Duration.ofMillis(1500), "maybe", Optional.of("x"), "none", Optional.empty())));
        }

        assertTrue(written.ok(), written::toString);
        assertEquals("{\"item\":\"a\",\"ok\":true,\"status\":200,\"error\":null,\"errorKind\":null,\"millis\":1,"
                + "\"at\":\"2026-12-01T10:15:30Z\",\"day\":\"2026-12-01\",\"took\":\"PT1.5S\",\"maybe\":\"x\",\"none\":null}\n",
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void writeReturnsTheResultItWroteSoThatAPoolCountsWhatWasWritten() throws Exception {
        Handler handler = item -> switch (item) {
            case "instant" -> Fields.of("at", Instant.parse("2026-12-01T10:15:30Z"));
            case "optional" -> Fields.of("maybe", Optional.of(3));
            default -> Fields.of("thing", new Object()); // Jackson finds nothing to write in it
        };
        Path file = dir.resolve("typed.jsonl");
        Summary summary;
        try (var pool = AsyncPool.of(2, handler); var writer = JsonLines.writer(file, false)) {
            summary = pool.run(List.of("instant", "optional", "object").iterator(), writer);
        }

        Map<String, Map<String, Object>> byItem = new HashMap<>();
        try (var lines = JsonLines.read(file)) {
            lines.forEach(r -> byItem.put((String) r.get("item"), r));
        }
        assertEquals(3, byItem.size());
        assertEquals("2026-12-01T10:15:30Z", byItem.get("instant").get("at"));
        assertEquals(3, byItem.get("optional").get("maybe"));
        assertEquals(false, byItem.get("object").get("ok"));
        long okLines = byItem.values().stream().filter(r -> Boolean.TRUE.equals(r.get("ok"))).count();
        assertEquals(new Summary(okLines, 3 - okLines, summary.millis()), summary);
        assertEquals(new Summary(2, 1, summary.millis()), summary);
    }

    @Test
    void resultFieldsKeepTheirOrderAndNullsAreWritten() throws Exception {
        var out = new ByteArrayOutputStream();
        try (var writer = JsonLines.writer(out)) {
            writer.accept(Result.success("http://a/", 200, 12, Fields.of("title", null, "zeta", 1, "alpha", "x")));
            writer.accept(Result.failure("http://b/", 503, "HTTP 503", "http", 3));
        }

        assertEquals("""
                {"item":"http://a/","ok":true,"status":200,"error":null,"errorKind":null,"millis":12,"title":null,"zeta":1,"alpha":"x"}
                {"item":"http://b/","ok":false,"status":503,"error":"HTTP 503","errorKind":"http","millis":3}
                """, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aRecordIsWrittenAsTheSameBytesAsItsMap() throws Exception {
        // Records are written straight from the Result, not through toMap() and Jackson's map
        // serializer: whatever the fields hold, the line must be the one the map gives.
        var nested = new java.util.LinkedHashMap<String, Object>();
        nested.put("k", List.of(1, "two", 3.5));
        nested.put("none", null);
        List<Result> results = List.of(
                Result.success("http://a/\u00e9\"q\"\n", 200, 12, Fields.of("title", "T\u2028\u20ac\t", "bytes", 2006, "big", Long.MAX_VALUE,
                        "flag", false, "nothing", null, "ratio", 0.25, "exact", new java.math.BigDecimal("1.10"), "list", List.of("x", 2),
                        "map", nested, "at", Instant.parse("2026-12-01T10:15:30Z"), "maybe", Optional.empty(), "ok", "not the record's")),
                Result.failure("b", null, "HTTP 503\u0001", "http", 3),
                new Result("c", false, 404, null, null, 0, Map.of()));
        var direct = new ByteArrayOutputStream();
        var viaMap = new ByteArrayOutputStream();
        try (var a = JsonLines.writer(direct); var b = JsonLines.writer(viaMap)) {
            for (Result r : results) {
                a.accept(r);
                b.write(r.toMap());
            }
        }

        assertEquals(viaMap.toString(StandardCharsets.UTF_8), direct.toString(StandardCharsets.UTF_8));
        assertEquals(3, direct.toString(StandardCharsets.UTF_8).lines().count());
    }

    @Test
    void eachLineReachesTheStreamInOneWriteWithItsNewline() throws Exception {
        // What the OS sees for a file: one write(2) per line, so a kill between two writes never
        // leaves a line without its newline.
        var writes = new ArrayList<String>();
        var recording = new OutputStream() {
            @Override
            public void write(int b) {
                writes.add(String.valueOf((char) b));
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.add(new String(b, off, len, StandardCharsets.UTF_8));
            }
        };
        try (var writer = JsonLines.writer(recording)) {
            writer.accept(Result.success("http://a/", 200, 12, Fields.of("title", "A")));
            writer.accept(Result.failure("http://b/", 503, "HTTP 503", "http", 3));
        }

        assertEquals(List.of(
                "{\"item\":\"http://a/\",\"ok\":true,\"status\":200,\"error\":null,\"errorKind\":null,\"millis\":12,\"title\":\"A\"}\n",
                "{\"item\":\"http://b/\",\"ok\":false,\"status\":503,\"error\":\"HTTP 503\",\"errorKind\":\"http\",\"millis\":3}\n"), writes);
    }

    @Test
    void resultsWrittenFromManyVirtualThreadsAreWholeAndCorrect() throws Exception {
        // Every record comes from a new virtual thread in AsyncPool: the shared buffer pool must
        // never hand one thread's buffer to another while in use.
        var out = new ByteArrayOutputStream();
        int count = 2_000;
        try (var writer = JsonLines.writer(out);
             var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                int n = i;
                executor.execute(() -> writer.accept(Result.success("item-" + n, 200, n, Fields.of("text", ("x" + n).repeat(n % 50)))));
            }
        }

        var seen = new HashSet<String>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            Map<String, Object> object = JsonLines.parse(line, "line");
            int n = ((Number) object.get("millis")).intValue();
            assertEquals("item-" + n, object.get("item"));
            assertEquals(("x" + n).repeat(n % 50), object.get("text"));
            assertTrue(seen.add((String) object.get("item")));
        }
        assertEquals(count, seen.size());
    }

    @Test
    void handlerFieldsCannotOverwriteTheResultsOwn() throws Exception {
        var out = new ByteArrayOutputStream();
        try (var writer = JsonLines.writer(out)) {
            writer.accept(Result.success("real", null, 1, Fields.of("item", "fake", "ok", false, "error", "fake", "errorKind", "fake", "extra", 2)));
        }
        assertEquals("{\"item\":\"real\",\"ok\":true,\"status\":null,\"error\":null,\"errorKind\":null,\"millis\":1,\"extra\":2}\n",
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void readRoundTripsWhatWasWritten() throws Exception {
        Path file = dir.resolve("round.jsonl");
        List<Result> written = List.of(
                Result.success("a", 200, 5, Fields.of("title", "T\u00eftle \"quoted\"", "links", 3, "missing", null)),
                Result.failure("b", null, "IllegalStateException: boom", "handler", 0),
                Result.success("line\nbreak", null, 7, Fields.of("nested", Map.of("k", List.of(1, 2)))));
        try (var writer = JsonLines.writer(file, false)) {
            written.forEach(writer);
        }

        List<Result> read;
        try (var lines = JsonLines.read(file)) {
            read = lines.map(Result::fromMap).toList();
        }

        assertEquals(written, read);
        assertEquals(List.of("title", "links", "missing"), List.copyOf(read.get(0).fields().keySet()));
    }

    @Test
    void readSkipsBlankLinesAndNamesFileAndLineOfABadOne() throws Exception {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"item\":\"a\"}\n\n{not json\n{\"item\":\"c\"}\n");

        try (var lines = JsonLines.read(file)) {
            var e = assertThrows(UncheckedIOException.class, lines::toList);
            assertTrue(e.getCause().getMessage().startsWith(file + ":3: not a JSON object"), e.getCause().getMessage());
        }
    }

    @Test
    void lineThatIsJsonButNotAnObjectIsRejected() throws Exception {
        Path file = dir.resolve("array.jsonl");
        Files.writeString(file, "{\"item\":\"a\"}\n[1,2]\n");
        try (var lines = JsonLines.read(file)) {
            var e = assertThrows(UncheckedIOException.class, lines::toList);
            assertTrue(e.getCause().getMessage().startsWith(file + ":2: not a JSON object"), e.getCause().getMessage());
        }
    }

    @Test
    void lineOfNullIsRejected() {
        var e = assertThrows(UncheckedIOException.class, () -> JsonLines.parse("null", "f.jsonl:4"));
        assertTrue(e.getCause().getMessage().startsWith("f.jsonl:4: not a JSON object"), e.getCause().getMessage());
    }

    @Test
    void writerOnAStreamDoesNotCloseIt() throws Exception {
        var out = new RecordingStream();
        try (var writer = JsonLines.writer(out)) {
            writer.write(Map.of("k", "v"));
        }

        assertFalse(out.closed);
        assertTrue(out.flushes > 0);
        assertEquals("{\"k\":\"v\"}\n", out.toString(StandardCharsets.UTF_8));
        out.write('x'); // still usable
    }

    @Test
    void writerOnAFileClosesIt() throws Exception {
        Path file = dir.resolve("closed.jsonl");
        var writer = JsonLines.writer(file, false);
        writer.write(Map.of("k", 1));
        writer.close();
        assertThrows(UncheckedIOException.class, () -> writer.write(Map.of("k", 2)));
        assertEquals(List.of("{\"k\":1}"), Files.readAllLines(file));
    }

    @Test
    void appendKeepsWhatWasThereAndTruncateDoesNot() throws Exception {
        Path file = dir.resolve("append.jsonl");
        Files.writeString(file, "{\"old\":1}\n");

        try (var writer = JsonLines.writer(file, true)) {
            writer.write(Map.of("new", 2));
        }
        assertEquals(List.of("{\"old\":1}", "{\"new\":2}"), Files.readAllLines(file));

        try (var writer = JsonLines.writer(file, false)) {
            writer.write(Map.of("fresh", 3));
        }
        assertEquals(List.of("{\"fresh\":3}"), Files.readAllLines(file));
    }

    @Test
    void writeFailureSaysResultsCannotBeWritten() {
        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        var writer = JsonLines.writer(full);
        var e = assertThrows(UncheckedIOException.class, () -> writer.accept(Result.failure("a", null, "x", "handler", 0)));
        assertEquals("cannot write results: No space left on device", e.getMessage());
        assertEquals(0, writer.lines());
    }

    @Test
    void aPrintStreamThatFailsIsNoticedAtTheFirstLine() {
        // System.out is a PrintStream: it swallows the closed pipe's IOException and sets a flag.
        var closedPipe = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        });
        var writer = JsonLines.writer(closedPipe);

        var e = assertThrows(UncheckedIOException.class, () -> writer.accept(Result.failure("a", null, "x", "handler", 0)));

        assertEquals("cannot write results: the stream failed or was closed (a PrintStream does not say which)", e.getMessage());
        assertEquals(0, writer.lines());
    }

    private static final class RecordingStream extends ByteArrayOutputStream {
        boolean closed;
        int flushes;

        @Override
        public void flush() {
            flushes++;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
