package dev.poolkit.cli.internal;

import dev.poolkit.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

class InputsTest {

    @Test
    void itemsFromStdinComeAsTheyArriveNotAfterTheInputEnds() throws Exception {
        InputStream stdin = System.in;
        try (var writer = new PipedOutputStream(); var pipe = new PipedInputStream(writer, 1 << 16)) {
            // The pipe stays open: an iterator that reads the whole input first never returns.
            writer.write("arg-free\n\n# skipped\nsecond\n".getBytes(StandardCharsets.UTF_8));
            writer.flush();
            System.setIn(pipe);
            var inputs = new Inputs(List.of("first"), "-");

            List<String> seen = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                var it = inputs.iterator(bad -> fail("no bad line here: " + bad));
                var out = new ArrayList<String>();
                for (int i = 0; i < 3; i++) out.add(it.next());
                return out;
            });

            assertEquals(List.of("first", "arg-free", "second"), seen);
        } finally {
            System.setIn(stdin);
        }
    }

    /** What a run would see: the items, and the records of the bad lines. */
    record Read(List<String> items, List<Result> badLines) {}

    static Read read(Inputs inputs) {
        var bad = new ArrayList<Result>();
        var items = new ArrayList<String>();
        inputs.iterator(bad::add).forEachRemaining(items::add);
        return new Read(items, bad);
    }

    static Read readStdin(byte[] bytes) {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(bytes));
            return read(new Inputs(List.of(), "-"));
        } finally {
            System.setIn(stdin);
        }
    }

    static byte[] bytes(Object... parts) {
        var out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof String s) out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            else out.write((Integer) part);
        }
        return out.toByteArray();
    }

    @Test
    void lineThatIsNotUtf8IsABadInputRecordNamingTheLineAndTheRestAreRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("u.txt");
        Files.write(file, bytes("a\n", "b", 0xFF, "\n", "c\n"));

        Read read = read(new Inputs(List.of(), file.toString()));

        assertEquals(List.of("a", "c"), read.items());
        assertEquals(1, read.badLines().size(), read.toString());
        Result bad = read.badLines().getFirst();
        assertEquals("b\uFFFD", bad.item());
        assertEquals(false, bad.ok());
        assertEquals("bad-input", bad.errorKind());
        assertEquals("line 2 of " + file + " is not valid UTF-8 (byte 0xFF at byte 2 of the line)", bad.error());
    }

    @Test
    void stdinGivesTheSameItemsAndBadLinesAsAFile(@TempDir Path dir) throws Exception {
        byte[] input = bytes(0xC3, "first\n# caf", 0xE9, "\n\nsecond\nthi", 0xED, 0xA0, 0x80, "rd");
        Path file = dir.resolve("u.txt");
        Files.write(file, input);

        Read fromFile = read(new Inputs(List.of(), file.toString()));
        Read fromStdin = readStdin(input);

        assertEquals(List.of("second"), fromFile.items());
        assertEquals(fromFile.items(), fromStdin.items());
        assertEquals(List.of("\uFFFDfirst", "thi\uFFFDrd"), fromFile.badLines().stream().map(Result::item).toList());
        assertEquals(fromFile.badLines().stream().map(Result::item).toList(), fromStdin.badLines().stream().map(Result::item).toList());
        assertEquals(List.of("line 1 of stdin is not valid UTF-8 (byte 0xC3 at byte 1 of the line)",
                "line 5 of stdin is not valid UTF-8 (byte 0xED at byte 4 of the line)"), fromStdin.badLines().stream().map(Result::error).toList());
    }

    @Test
    void byteOrderMarkOfAFileIsNoPartOfItsFirstLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bom.txt");
        Files.write(file, bytes(0xEF, 0xBB, 0xBF, "# a comment\nhttp://a/\n"));
        Path second = dir.resolve("bom-item.txt");
        Files.write(second, bytes(0xEF, 0xBB, 0xBF, "http://b/\n"));

        assertEquals(new Read(List.of("http://a/"), List.of()), read(new Inputs(List.of(), file.toString())));
        assertEquals(new Read(List.of("http://b/"), List.of()), read(new Inputs(List.of(), second.toString())));
    }

    @Test
    void byteOrderMarkOfStdinIsNoPartOfItsFirstLine() {
        Read read = readStdin(bytes(0xEF, 0xBB, 0xBF, "# a comment\nhttp://a/\n"));

        assertEquals(new Read(List.of("http://a/"), List.of()), read);
    }

    @Test
    void recordedBadLineIsSkippedNextTime(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("u.txt");
        Files.write(file, bytes("a\nb", 0xFF, "\nc\n"));
        Path out = dir.resolve("out.jsonl");
        Files.writeString(out, "{\"item\":\"a\",\"ok\":true}\n{\"item\":\"b\uFFFD\",\"ok\":false}\n");
        var inputs = new Inputs(List.of(), file.toString());

        inputs.skipRecordedIn(PriorOutput.read(out));

        assertEquals(new Read(List.of("c"), List.of()), read(inputs));
        assertEquals(2, inputs.skipped());
    }

    @Test
    void eachRecordSkipsOneOccurrenceAndSkippedCountsWhatWasReallySkipped(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.jsonl");
        // Two records of a (an earlier input had it twice), one of b, one of gone (no longer in the input).
        Files.writeString(out, """
                {"item":"a","ok":true}
                {"item":"b","ok":true}
                {"item":"a","ok":true}
                {"item":"gone","ok":true}
                """);
        var inputs = new Inputs(List.of("a", "b", "b", "c", "a", "a"), null);

        inputs.skipRecordedIn(PriorOutput.read(out));

        assertEquals(List.of("b", "c", "a"), read(inputs).items());
        assertEquals(3, inputs.skipped(), "two a and one b, not the file's 4 records");
    }

    @Test
    void stdinReadAheadToFindRecordedItemsIsStillRunInOrder() throws Exception {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("x\ny\n# note\nz\nw\n".getBytes(StandardCharsets.UTF_8)));
            var inputs = new Inputs(List.of("arg"), "-");

            var missing = inputs.missing(new java.util.LinkedHashSet<>(List.of("arg", "z", "nowhere")), 4);

            assertEquals(java.util.Set.of("nowhere"), missing, "looked for among arg and the first 4 lines only");
            assertEquals(List.of("arg", "x", "y", "z", "w"), read(inputs).items());
        } finally {
            System.setIn(stdin);
        }
    }
}
