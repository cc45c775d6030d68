package dev.poolkit.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The lines of a UTF-8 stream, read only as far as they are asked for. Lines end at {@code \n},
 * {@code \r\n} or {@code \r}, as {@link java.io.BufferedReader#readLine()} has them; a byte order
 * mark at the start is dropped. A line that is not valid UTF-8 still comes, decoded with U+FFFD in
 * place of each malformed sequence, and says where its first bad byte is: one bad byte costs one
 * line, not the rest of the input. The stream is closed at its end.
 */
final class Utf8Lines implements Iterator<Utf8Lines.Line> {
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /**
     * One line, without its ending.
     *
     * @param number  1 for the first line, counting blank ones
     * @param text    the line decoded, U+FFFD for each malformed sequence
     * @param badAt   the 1-based byte position of the first malformed sequence in the line, or 0 when it is valid UTF-8
     * @param badByte that sequence's first byte, 0 to 255
     */
    record Line(long number, String text, int badAt, int badByte) {
        boolean valid() {
            return badAt == 0;
        }
    }

    private final InputStream in;
    private final String name;
    private final byte[] buffer = new byte[64 * 1024];
    private int pos;
    private int limit;
    private boolean ended;
    // The last line ended with \r: a \n right after it is part of that ending, not an empty line.
    private boolean afterCr;
    // A line that runs past the end of the buffer, gathered across reads.
    private byte[] partial = new byte[256];
    private int partialLength;
    private long number;
    private Line next;
    private CharsetDecoder strict;

    /** Lines from {@code in}; {@code name} says what it is in a read error's message. */
    Utf8Lines(InputStream in, String name) {
        this.in = in;
        this.name = name;
    }

    @Override
    public boolean hasNext() {
        if (next == null) next = read();
        return next != null;
    }

    @Override
    public Line next() {
        if (!hasNext()) throw new NoSuchElementException();
        Line line = next;
        next = null;
        return line;
    }

    private Line read() {
        while (true) {
            if (pos == limit && !fill()) {
                if (partialLength == 0) return null;
                Line last = line(partial, 0, partialLength);
                partialLength = 0;
                return last;
            }
            if (afterCr) {
                afterCr = false;
                if (buffer[pos] == '\n') {
                    pos++;
                    continue;
                }
            }
            int start = pos;
            int end = start;
            while (end < limit && buffer[end] != '\n' && buffer[end] != '\r') end++;
            if (end == limit) {
                append(start, end);
                pos = limit;
                continue;
            }
            afterCr = buffer[end] == '\r';
            pos = end + 1;
            if (partialLength == 0) return line(buffer, start, end - start);
            append(start, end);
            Line line = line(partial, 0, partialLength);
            partialLength = 0;
            return line;
        }
    }

    /** Reads what is there (never waits for a full buffer: a pipe's lines come as they arrive); false at the end. */
    private boolean fill() {
        if (ended) return false;
        try {
            int n;
            do {
                n = in.read(buffer, 0, buffer.length);
            } while (n == 0);
            if (n < 0) {
                ended = true;
                in.close();
                return false;
            }
            pos = 0;
            limit = n;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    private void append(int start, int end) {
        int n = end - start;
        if (partialLength + n > partial.length) partial = Arrays.copyOf(partial, Math.max(partial.length * 2, partialLength + n));
        System.arraycopy(buffer, start, partial, partialLength, n);
        partialLength += n;
    }

    private Line line(byte[] bytes, int offset, int length) {
        number++;
        int skip = number == 1 && startsWithBom(bytes, offset, length) ? BOM.length : 0;
        // The JDK's decoder is fast and replaces bad input with U+FFFD; only a line that has one
        // (bad, or a real U+FFFD) is decoded again, strictly, to tell which.
        String text = new String(bytes, offset + skip, length - skip, StandardCharsets.UTF_8);
        int bad = text.indexOf('\uFFFD') < 0 ? -1 : firstMalformed(bytes, offset + skip, length - skip);
        if (bad < 0) return new Line(number, text, 0, 0);
        return new Line(number, text, skip + bad + 1, bytes[offset + skip + bad] & 0xFF);
    }

    private static boolean startsWithBom(byte[] bytes, int offset, int length) {
        return length >= BOM.length && Arrays.equals(bytes, offset, offset + BOM.length, BOM, 0, BOM.length);
    }

    /** The index of the first malformed sequence in the range, from its start, or -1. */
    private int firstMalformed(byte[] bytes, int offset, int length) {
        if (strict == null) strict = StandardCharsets.UTF_8.newDecoder();
        strict.reset();
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        CoderResult result = strict.decode(in, CharBuffer.allocate(length), true);
        return result.isError() ? in.position() - offset : -1;
    }
}
