package dev.poolkit.crawl.internal;

/**
 * A set of 64-bit fingerprints in open addressing over {@code long[]}s: 8 bytes a slot, no
 * object per entry, so 10 million fingerprints take 128 MiB of slots (see the sizing below)
 * where a {@code HashSet<String>} of the URLs would take well over a gigabyte.
 *
 * <h2>Layout</h2>
 * 64 stripes, chosen by the fingerprint's top 6 bits, each a power-of-two table with linear
 * probing, grown to twice its size when more than 3/4 full. Striping lets threads add at once
 * (each stripe has its own lock) and makes growth cheap in memory: one stripe is copied at a
 * time, so the peak while growing is the tables plus one stripe's old table, not twice the set.
 * At 10 million entries every stripe holds about 156,000 in 262,144 slots (load 0.6).
 *
 * <p>0 marks an empty slot, so a fingerprint of 0 is stored as 1: two URLs whose hashes are 0 and
 * 1 would be taken for one, with odds of 2 in 2⁶⁴.
 *
 * <h2>Thread-safety</h2>
 * All methods may be called from any thread.
 */
public final class Fingerprints {
    private static final int STRIPE_BITS = 6;
    private static final int STRIPES = 1 << STRIPE_BITS;
    private static final int INITIAL_SLOTS = 1024;

    private final Stripe[] stripes = new Stripe[STRIPES];

    public Fingerprints() {
        for (int i = 0; i < STRIPES; i++) stripes[i] = new Stripe();
    }

    /** Adds the fingerprint; true if it was not in the set. */
    public boolean add(long fingerprint) {
        long f = fingerprint == 0 ? 1 : fingerprint;
        return stripes[(int) (f >>> (64 - STRIPE_BITS))].add(f);
    }

    public boolean contains(long fingerprint) {
        long f = fingerprint == 0 ? 1 : fingerprint;
        return stripes[(int) (f >>> (64 - STRIPE_BITS))].contains(f);
    }

    /** How many fingerprints the set holds. */
    public long size() {
        long n = 0;
        for (Stripe s : stripes) n += s.size();
        return n;
    }

    /** The bytes the slots take (the tables, not the few objects around them). */
    public long slotBytes() {
        long n = 0;
        for (Stripe s : stripes) n += s.slotBytes();
        return n;
    }

    private static final class Stripe {
        private long[] slots = new long[INITIAL_SLOTS];
        private int size;

        synchronized boolean add(long f) {
            int mask = slots.length - 1;
            // The low bits index the slot: the top bits chose the stripe and are the same for all.
            for (int i = (int) f & mask; ; i = (i + 1) & mask) {
                long at = slots[i];
                if (at == f) return false;
                if (at == 0) {
                    slots[i] = f;
                    if (++size > slots.length - (slots.length >>> 2)) grow();
                    return true;
                }
            }
        }

        synchronized boolean contains(long f) {
            int mask = slots.length - 1;
            for (int i = (int) f & mask; ; i = (i + 1) & mask) {
                long at = slots[i];
                if (at == f) return true;
                if (at == 0) return false;
            }
        }

        synchronized int size() {
            return size;
        }

        synchronized long slotBytes() {
            return 8L * slots.length;
        }

        private void grow() {
            long[] old = slots;
            long[] bigger = new long[old.length * 2];
            int mask = bigger.length - 1;
            for (long f : old) {
                if (f == 0) continue;
                int i = (int) f & mask;
                while (bigger[i] != 0) i = (i + 1) & mask;
                bigger[i] = f;
            }
            slots = bigger;
        }
    }
}
