package dev.poolkit.cli.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ItemCountsTest {

    @Test
    void countsRecordsPerItemAndWhetherTheLastFailedThroughGrowth() {
        var counts = new ItemCounts();
        int n = 100_000;
        for (int i = 0; i < n; i++) counts.add("item-" + i, true);
        for (int i = 0; i < n; i += 2) counts.add("item-" + i, i % 4 != 0);

        assertEquals(n, counts.size());
        assertEquals(2, counts.count("item-0"));
        assertEquals(1, counts.count("item-1"));
        assertEquals(0, counts.count("never"));
        assertTrue(counts.failedLast("item-0"));
        assertFalse(counts.failedLast("item-2"));
        assertEquals(n / 4, counts.failed());
    }

    @Test
    void takingUsesUpRecordsAndClearsTheFailedMark() {
        var counts = new ItemCounts();
        counts.add("a", true);
        counts.add("a", false);

        assertTrue(counts.take("a"));
        assertFalse(counts.failedLast("a"));
        assertTrue(counts.take("a"));
        assertFalse(counts.take("a"), "no record left");
        assertFalse(counts.take("b"));
        assertEquals(0, counts.failed());
    }
}
