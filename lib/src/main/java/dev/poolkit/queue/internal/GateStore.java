package dev.poolkit.queue.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Not API: a job's per-host limits on its Redis server, each step one script
 * ({@link GateScripts}, which says what the keys hold), through a {@link JobStore}'s connection,
 * retries and reconnects. Thread-safe. Times are in microseconds.
 */
public final class GateStore {
    /** How long a limit's keys outlive their last use: a dead job's go away by themselves. */
    static final long KEY_TTL_MILLIS = 3_600_000;

    /** What an acquire got. */
    public enum Kind { GRANTED, PAUSED, FULL }

    /**
     * @param waitMicros GRANTED: when to start (the rate's reserved slot); PAUSED: until the pause
     *                   ends; FULL: the longest to wait before asking again
     */
    public record Answer(Kind kind, long waitMicros) {}

    private final JobStore store;

    public GateStore(JobStore store) {
        this.store = store;
    }

    /**
     * Takes a lease on {@code host} if fewer than {@code perHost} are held (0: no limit, no lease)
     * and reserves the next start {@code gapMicros} after the last one (0: none), unless it is paused.
     */
    @SuppressWarnings("unchecked")
    public Answer acquire(String host, String leaseId, int perHost, long gapMicros, long leaseMicros, long hintMicros) {
        Keys k = store.keys();
        List<Long> r = (List<Long>) store.run(GateScripts.ACQUIRE, List.of(k.gate(host), k.leases(host)),
                List.of(leaseId, Integer.toString(perHost), Long.toString(gapMicros), Long.toString(leaseMicros),
                        Long.toString(KEY_TTL_MILLIS), Long.toString(hintMicros)));
        return new Answer(Kind.values()[r.get(0).intValue()], r.get(1));
    }

    /** Gives a lease back; false if it was not held (it expired). */
    public boolean release(String host, String leaseId) {
        return (Long) store.run(GateScripts.RELEASE, List.of(store.keys().leases(host)), List.of(leaseId)) == 1;
    }

    /** No request to {@code host} starts, on any worker, for {@code micros} from now (server time). */
    public void pause(String host, long micros) {
        Keys k = store.keys();
        store.run(GateScripts.PAUSE, List.of(k.gate(host), k.pauses), List.of(host, Long.toString(micros), Long.toString(KEY_TTL_MILLIS)));
    }

    /** Requests to {@code host} start at least {@code micros} apart, on every worker (the longest gap given wins). */
    public void gap(String host, long micros) {
        store.run(GateScripts.GAP, List.of(store.keys().gate(host)), List.of(Long.toString(micros), Long.toString(KEY_TTL_MILLIS)));
    }

    /**
     * Renews the leases {@code held} (lease id to host) for {@code leaseMicros} from now, and
     * returns the job's pauses still going on: host to microseconds left.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Long> tick(Map<String, String> held, long leaseMicros) {
        Keys k = store.keys();
        List<String> keyNames = new ArrayList<>();
        keyNames.add(k.pauses);
        Map<String, Integer> index = new HashMap<>();
        List<String> args = new ArrayList<>();
        args.add(Long.toString(leaseMicros));
        args.add(Long.toString(KEY_TTL_MILLIS));
        held.forEach((id, host) -> {
            int i = index.computeIfAbsent(host, h -> {
                keyNames.add(k.leases(h));
                return keyNames.size();
            });
            args.add(Integer.toString(i));
            args.add(id);
        });
        List<Object> r = (List<Object>) store.run(GateScripts.TICK, keyNames, args);
        Map<String, Long> pauses = new LinkedHashMap<>();
        for (int i = 0; i + 1 < r.size(); i += 2) pauses.put((String) r.get(i), (Long) r.get(i + 1));
        return pauses;
    }

    public void close() {
        store.close();
    }
}
