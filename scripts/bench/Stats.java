package poolkit.bench;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** The two ways the tables reduce many numbers to one: the median of a few runs, a percentile of many latencies. */
final class Stats {
    private Stats() {
    }

    /**
     * The median of {@code f} over {@code runs}, the mean of the middle two for an even count.
     * NaN values (a run too short for a steady rate) are left out; NaN when none is left.
     */
    static <T> double median(List<T> runs, ToDoubleFunction<T> f) {
        double[] v = runs.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) return Double.NaN;
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * The p-th percentile, by nearest rank, of a histogram that counts values by their index
     * (latencies in whole milliseconds: millions of records need no list); -1 when it is empty.
     */
    static long percentile(long[] histogram, int p) {
        long total = 0;
        for (long c : histogram) total += c;
        if (total == 0) return -1;
        long rank = (long) Math.ceil(p / 100.0 * total), sum = 0;
        for (int i = 0; i < histogram.length; i++) {
            sum += histogram[i];
            if (sum >= rank) return i;
        }
        return histogram.length - 1;
    }
}
