package dev.poolkit.crawl.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalTest {

    @Test
    void linesAppendedAreReadBackInOrderByTheCursorAndByAScan(@TempDir Path dir) throws IOException {
        try (var j = Journal.open(dir.resolve("j"))) {
            assertTrue(j.atEnd());
            j.append("http://h/a", 1, "http://h/");
            assertEquals(new Journal.Entry("http://h/a", 1, "http://h/"), j.next());
            assertNull(j.next());
            // Long enough to need the read buffer to grow past 64 KiB.
            String huge = "http://h/" + "x".repeat(100_000);
            j.append(huge, 2, "http://h/a");
            j.append("\"quoted\"\n item", 3, null);
            assertEquals(huge, j.next().item());
            List<Journal.Entry> all = new ArrayList<>();
            j.scan(all::add);
            assertEquals(3, all.size());
            assertEquals(new Journal.Entry("\"quoted\"\n item", 3, null), j.next(), "a scan leaves the cursor where it was");
            assertTrue(j.atEnd());
        }
    }

    @Test
    void aHalfWrittenLastLineIsCutOnOpen(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("j");
        Files.writeString(file, "{\"item\":\"a\",\"depth\":1,\"parent\":\"p\"}\n{\"item\":\"b\",\"dep");
        try (var j = Journal.open(file)) {
            List<Journal.Entry> all = new ArrayList<>();
            j.scan(all::add);
            assertEquals(List.of(new Journal.Entry("a", 1, "p")), all);
            j.append("c", 1, "p");
        }
        assertEquals("{\"item\":\"a\",\"depth\":1,\"parent\":\"p\"}\n{\"item\":\"c\",\"depth\":1,\"parent\":\"p\"}\n", Files.readString(file));
    }

    @Test
    void aWholeLineThatIsNotAnEntryNamesItsLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("j");
        Files.writeString(file, "{\"item\":\"a\",\"depth\":1,\"parent\":null}\n{\"what\":1}\n");
        try (var j = Journal.open(file)) {
            var e = assertThrows(IOException.class, () -> j.scan(x -> {}));
            assertEquals(file + ":2: not a journal line: {\"what\":1}", e.getMessage());
        }
    }
}
