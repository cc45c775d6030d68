package dev.poolkit.queue.internal;

/**
 * Not API: the Redis keys of one job, {@code poolkit:{JOB}:NAME}. The braces are a hash tag: on a
 * cluster every key of a job lands in one slot, so one script may touch them all.
 */
public final class Keys {
    /** The consumer that holds released entries until a worker claims them. */
    public static final String RELEASED = "released";

    /** Stream of items to do (item, depth, parent, fp); consumer group "poolkit". */
    public final String items;
    /** Set of the fingerprints of every item the job took. */
    public final String seen;
    /** Set of the fingerprints of every item that has its record. */
    public final String done;
    /** Stream of records (item, record): the job's output, one per item. */
    public final String results;
    /** Stream of dead letters (item, depth, parent, fp, deliveries, why, result). */
    public final String dead;
    /** Hash of counters: ok, failed, by:CONSUMER; and claim-after:CONSUMER, each worker's claim-after in ms. */
    public final String stats;
    /** Present while a push is going on (with an expiry, so a killed push does not hold workers). */
    public final String pushing;
    /** The terms every worker of the job shares (for the command line: its crawl options), set by the first. */
    public final String terms;
    /** Sorted set of the hosts' Retry-After pauses (score: their end); see {@link GateScripts}. */
    public final String pauses;
    /** What every per-host limit key starts with ({@link #gate}, {@link #leases}, {@link #pauses}). */
    final String gates;

    Keys(String job) {
        String p = "poolkit:{" + job + "}:";
        items = p + "items";
        seen = p + "seen";
        done = p + "done";
        results = p + "results";
        dead = p + "dead";
        stats = p + "stats";
        pushing = p + "pushing";
        terms = p + "terms";
        gates = p + "gate:";
        pauses = gates + "pauses";
    }

    /** Hash of a host's next start, Crawl-delay and pause; see {@link GateScripts}. A host key has a ':', so never "pauses". */
    public String gate(String host) {
        return gates + host;
    }

    /** Sorted set of a host's requests in flight (leases); see {@link GateScripts}. */
    public String leases(String host) {
        return gates + host + ":leases";
    }

    String[] all() {
        return new String[]{items, seen, done, results, dead, stats, pushing, terms};
    }
}
