package dev.poolkit.cli.internal;

import dev.poolkit.crawl.internal.Hash64;

/**
 * How many records each item has in an earlier output, and whether its last one failed, keyed by
 * the item's 64-bit fingerprint ({@link Hash64}) in open addressing over a {@code long[]} and an
 * {@code int[]}: 12 bytes a slot, at most 3/4 of the slots used, no object per item. 10 million
 * items take 16 Mi slots, 192 MiB (and the half-size old tables too while growing to them),
 * where a map of the strings would take well over a gigabyte.
 *
 * <p>Two items with the same fingerprint are taken for one: with n items in the output and m in
 * the input, the odds that an item is skipped for another's record are about n·m/2⁶⁴ (10⁻⁵ at
 * ten million each), the odds the crawl's dedupe accepts too.
 *
 * <h2>Thread-safety</h2>
 * None: filled before the run, then used by the one thread that reads the input.
 */
final class ItemCounts {
    private static final int FAILED = 1 << 31;
    private static final int FOUND = 1 << 30;
    private static final int COUNT = ~(FAILED | FOUND);

    private long[] keys = new long[1024];
    private int[] values = new int[1024];
    private int size;

    /**
     * Adds a record of {@code item}: its count goes up, it failed last if this one failed, and it
     * was found last (a crawl's, not a given item's) if this one was.
     */
    void add(String item, boolean ok, boolean found) {
        int i = slot(key(item));
        int count = (values[i] & COUNT) + 1;
        values[i] = count | (ok ? 0 : FAILED) | (found ? FOUND : 0);
    }

    /** Records of {@code item} not yet used up. */
    int count(String item) {
        int i = find(key(item));
        return i < 0 ? 0 : values[i] & COUNT;
    }

    /** True if the last record of {@code item} failed, and was a given item's unless {@code found} too. */
    boolean failedLast(String item, boolean found) {
        int i = find(key(item));
        return i >= 0 && failed(values[i], found);
    }

    private static boolean failed(int value, boolean found) {
        return (value & FAILED) != 0 && (found || (value & FOUND) == 0);
    }

    /** Uses up one record of {@code item}; false if it had none left. */
    boolean take(String item) {
        return take(item, 1);
    }

    /** Takes {@code n} records off {@code item}'s count, and its failed mark; false if it had fewer. */
    boolean take(String item, int n) {
        if (size == 0) return false; // no earlier output (no --resume): no fingerprint per item read
        int i = find(key(item));
        if (i < 0 || (values[i] & COUNT) < n) return false;
        values[i] = (values[i] & (COUNT | FOUND)) - n;
        return true;
    }

    /** Items whose last record failed, and was a given item's unless {@code found} too. */
    long failed(boolean found) {
        long n = 0;
        for (int i = 0; i < keys.length; i++) if (keys[i] != 0 && failed(values[i], found)) n++;
        return n;
    }

    /** Distinct items. */
    int size() {
        return size;
    }

    private static long key(String item) {
        long f = Hash64.of(item);
        return f == 0 ? 1 : f; // 0 marks an empty slot
    }

    private int find(long key) {
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == key) return i;
            if (keys[i] == 0) return -1;
        }
    }

    /** The slot of {@code key}, taken for it if it had none. */
    private int slot(long key) {
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == key) return i;
            if (keys[i] == 0) {
                if (size + 1 > keys.length - (keys.length >>> 2)) {
                    grow();
                    return slot(key);
                }
                keys[i] = key;
                size++;
                return i;
            }
        }
    }

    private static int mix(long key) {
        return (int) (key ^ (key >>> 32));
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] == 0) continue;
            int i = mix(oldKeys[j]) & mask;
            while (keys[i] != 0) i = (i + 1) & mask;
            keys[i] = oldKeys[j];
            values[i] = oldValues[j];
        }
    }
}
