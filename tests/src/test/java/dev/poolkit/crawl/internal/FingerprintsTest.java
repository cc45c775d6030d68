package dev.poolkit.crawl.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FingerprintsTest {

    private static long url(int i) {
        return Hash64.of("http://site-" + (i % 1000) + ".test/page/" + i);
    }

    @Test
    void millionsOfFingerprintsAreEachAddedOnceAndFoundAgainAcrossGrowth() {
        int n = 3_000_000;
        var set = new Fingerprints();
        int added = 0, addedAgain = 0, found = 0, falsePositives = 0;
        for (int i = 0; i < n; i++) if (set.add(url(i))) added++;
        assertEquals(n, added);
        assertEquals(n, set.size());
        for (int i = 0; i < n; i++) if (set.add(url(i))) addedAgain++;
        assertEquals(0, addedAgain);
        for (int i = 0; i < n; i++) if (set.contains(url(i))) found++;
        assertEquals(n, found);
        for (int i = n; i < n + 1_000_000; i++) if (set.contains(url(i))) falsePositives++;
        assertEquals(0, falsePositives, "a 64-bit collision among these is a one in ten million chance");
        assertEquals(n, set.size());
        assertTrue(set.slotBytes() <= 8L * n / 0.375, "at most 3/8 empty after the last growth: " + set.slotBytes());
    }

    @Test
    void zeroIsAFingerprintLikeAnyOther() {
        var set = new Fingerprints();
        assertFalse(set.contains(0));
        assertTrue(set.add(0));
        assertTrue(set.contains(0));
        assertFalse(set.add(0));
        assertEquals(1, set.size());
    }

    @Test
    void threadsAddingOverlappingRangesAddEachFingerprintOnce() throws Exception {
        var set = new Fingerprints();
        var added = new AtomicLong();
        var start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int from = t * 100_000;
            threads.add(Thread.ofPlatform().name("adder-", t).start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                // Each range overlaps the next one by half.
                for (int i = from; i < from + 200_000; i++) if (set.add(url(i))) added.incrementAndGet();
            }));
        }
        start.countDown();
        for (Thread t : threads) t.join();
        assertEquals(500_000, added.get());
        assertEquals(500_000, set.size());
    }
}
