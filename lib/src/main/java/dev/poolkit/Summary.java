package dev.poolkit;

/**
 * Counts from one {@link Pool#run}: how many items ended ok and how many failed.
 *
 * @param ok     results with {@code ok == true}
 * @param failed results with {@code ok == false}
 * @param millis wall-clock time of the run, in milliseconds
 */
public record Summary(long ok, long failed, long millis) {
    public long total() {
        return ok + failed;
    }

    /** Items per second over the whole run. */
    public double rate() {
        return millis == 0 ? total() * 1000.0 : total() * 1000.0 / millis;
    }
}
