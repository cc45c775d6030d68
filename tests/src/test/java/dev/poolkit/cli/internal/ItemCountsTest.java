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
        for (int i = 0; i < n; i++) counts.add("item-" + i, true, false);
        for (int i = 0; i < n; i += 2) counts.add("item-" + i, i % 4 != 0, false);

        assertEquals(n, counts.size());
        assertEquals(2, counts.count("item-0"));
        assertEquals(1, counts.count("item-1"));
        assertEquals(0, counts.count("never"));
        assertTrue(counts.failedLast("item-0", false));
        assertFalse(counts.failedLast("item-2", false));
        assertEquals(n / 4, counts.failed(false));
    }

    @Test
    void takingUsesUpRecordsAndClearsTheFailedMark() {
        var counts = new ItemCounts();
        counts.add("a", true, false);
        counts.add("a", false, false);

        assertTrue(counts.take("a"));
        assertFalse(counts.failedLast("a", true));
        assertTrue(counts.take("a"));
        assertFalse(counts.take("a"), "no record left");
        assertFalse(counts.take("b"));
        assertEquals(0, counts.failed(true));
    }

    @Test
    void aFoundItemThatFailedLastCountsOnlyWhenFoundItemsAreAskedFor() {
        var counts = new ItemCounts();
        counts.add("given", false, false);
        counts.add("found", false, true);

        assertEquals(1, counts.failed(false));
        assertEquals(2, counts.failed(true));
        assertFalse(counts.failedLast("found", false));
        assertTrue(counts.failedLast("found", true));
    }
}
