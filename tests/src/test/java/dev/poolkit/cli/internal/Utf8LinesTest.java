package dev.poolkit.cli.internal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Utf8LinesTest {

    static List<Utf8Lines.Line> read(byte[] bytes) {
        return read(new ByteArrayInputStream(bytes));
    }

    static List<Utf8Lines.Line> read(InputStream in) {
        var lines = new ArrayList<Utf8Lines.Line>();
        new Utf8Lines(in, "test").forEachRemaining(lines::add);
        return lines;
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
    void linesEndAtLfCrLfOrCrAndTheLastNeedsNoEnding() {
        List<Utf8Lines.Line> lines = read(bytes("a\nb\r\nc\rd\n\ne"));

        assertEquals(List.of("a", "b", "c", "d", "", "e"), lines.stream().map(Utf8Lines.Line::text).toList());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), lines.stream().map(Utf8Lines.Line::number).toList());
        assertTrue(lines.stream().allMatch(Utf8Lines.Line::valid));
    }

    @Test
    void crLfSplitAcrossTwoReadsIsOneEnding() {
        // A stream that gives one byte per read, as a slow pipe can.
        var slow = new ByteArrayInputStream(bytes("a\r\nb\r\n")) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };

        assertEquals(List.of("a", "b"), read(slow).stream().map(Utf8Lines.Line::text).toList());
    }

    @Test
    void badByteIsReplacedAndItsPlaceGiven() {
        List<Utf8Lines.Line> lines = read(bytes("ok\n", "caf", 0xE9, "!\n", "cut ", 0xE2, 0x82, "\n", "\uFFFD real\n"));

        assertEquals(List.of("ok", "caf\uFFFD!", "cut \uFFFD", "\uFFFD real"), lines.stream().map(Utf8Lines.Line::text).toList());
        assertEquals(List.of(true, false, false, true), lines.stream().map(Utf8Lines.Line::valid).toList());
        assertEquals(4, lines.get(1).badAt());
        assertEquals(0xE9, lines.get(1).badByte());
        assertEquals(5, lines.get(2).badAt(), "a sequence cut short by the line's end is malformed");
        assertEquals(0xE2, lines.get(2).badByte());
    }

    @Test
    void byteOrderMarkAtTheStartIsDroppedAndNowhereElse() {
        List<Utf8Lines.Line> lines = read(bytes(0xEF, 0xBB, 0xBF, "# comment\n\uFEFFsecond\n"));

        assertEquals(List.of("# comment", "\uFEFFsecond"), lines.stream().map(Utf8Lines.Line::text).toList());
    }

    @Test
    void lineLongerThanTheBufferComesWhole() {
        String longLine = "x".repeat(200_000) + "\u00e9";

        List<Utf8Lines.Line> lines = read(bytes("first\n", longLine, "\n", "y".repeat(70_000), 0xFF));

        assertEquals(3, lines.size());
        assertEquals(longLine, lines.get(1).text());
        assertTrue(lines.get(1).valid());
        assertEquals(70_001, lines.get(2).badAt());
    }
}
