package dev.poolkit.cli.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressLineTest {
    // 120 of 1000 in 5 s: 24/s, 880 left, 36.7 s to go.
    static final ProgressLine SOME = new ProgressLine(118, 2, 8, 1000, 5);

    @Test
    void terminalLineWithATotalHasDoneOfTotalPercentBarAndEta() {
        assertEquals("job:  120/1000  12% [#---------] 118 ok, 2 failed, 8 in flight, 24/s, 0:05, ETA 0:37",
                SOME.terminal("job", 100));
    }

    @Test
    void terminalLineWithoutATotalHasDoneAndRate() {
        assertEquals("job: 120 done, 118 ok, 2 failed, 8 in flight, 24/s, 0:05",
                new ProgressLine(118, 2, 8, -1, 5).terminal("job", 100));
    }

    @Test
    void terminalLineNeverWrapsTheBarGoesFirst() {
        assertEquals("job:  120/1000  12% 118 ok, 2 failed, 8 in flight, 24/s, 0:05, ETA 0:37", SOME.terminal("job", 75));
        assertEquals("job:  120/1000  12% 118 ok, 2 failed", SOME.terminal("job", 37));
    }

    @Test
    void plainLineKeepsItsStartAndAddsInFlightTotalPercentAndEta() {
        assertEquals("job: 120 done (118 ok, 2 failed) in 5 s, 24/s, 8 in flight; 12% of 1000, ETA 37 s", SOME.plain("job"));
        assertEquals("job: 120 done (118 ok, 2 failed) in 5 s, 24/s, 8 in flight", new ProgressLine(118, 2, 8, -1, 5).plain("job"));
    }

    @Test
    void noEtaBeforeTheFirstRecordAndNoTotalOnceItIsPassed() {
        assertEquals("job:  0/10   0% [----------] 0 ok, 0 failed, 2 in flight, 0/s, 0:01, ETA ?",
                new ProgressLine(0, 0, 2, 10, 1).terminal("job", 80));
        assertEquals("job: 11 done (11 ok, 0 failed) in 2 min 5 s, 0/s, 0 in flight", new ProgressLine(11, 0, 0, 10, 125).plain("job"));
        assertEquals("job: 10/10 100% [##########] 10 ok, 0 failed, 0 in flight, 0/s, 1:02:05, ETA 0:00",
                new ProgressLine(10, 0, 0, 10, 3725).terminal("job", 100));
    }

    @Test
    void itemCountSkipsBlankAndCommentLinesAsInputsDoes(@TempDir Path dir) throws Exception {
        var bytes = new ByteArrayOutputStream();
        bytes.writeBytes(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        bytes.writeBytes("# a comment after a BOM\r\na\r\n\r\n   \n  # indented comment\n\tb\ncaf".getBytes(StandardCharsets.UTF_8));
        bytes.write(0xE9); // not UTF-8: still an item (it fails as bad-input)
        bytes.writeBytes("\nlast without newline".getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve("items.txt");
        Files.write(file, bytes.toByteArray());

        List<String> read = new ArrayList<>();
        new Inputs(List.of(), file.toString()).iterator(bad -> read.add("bad")).forEachRemaining(read::add);

        assertEquals(4, ItemCount.of(file));
        assertEquals(4, read.size(), read::toString);
    }

    @Test
    void itemCountOfALargeFileSpansBuffers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("many.txt");
        var text = new StringBuilder();
        for (int i = 0; i < 50_000; i++) text.append(i % 10 == 0 ? "# note\n" : "http://example.com/" + i + "\n");
        Files.writeString(file, text);

        assertEquals(45_000, ItemCount.of(file));
        assertTrue(Files.size(file) > 1 << 16);
    }
}
