package dev.poolkit.cli.internal;

import dev.poolkit.Result;
import dev.poolkit.internal.Json;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * A run's statistics, fed with every record as it is written: counts, failures by
 * {@code errorKind} and by HTTP status, retries, bytes and a latency histogram. Read it at any
 * time, during the run or after it: {@link #summaryLines()} for people, {@link #toMap()} and
 * {@link #writeJson} for programs.
 *
 * <h2>What is counted</h2>
 * Retries: {@code attempts - 1} summed over the records that carry a numeric {@code attempts}.
 * Bytes: a numeric {@code bytes} field summed where present. Latency: every record's
 * {@code millis} except {@code bad-input} lines, which never ran; percentiles are within 0.1 %
 * (3 significant digits, exact below 2048 ms), the maximum is exact.
 *
 * <h2>Memory and threads</h2>
 * Bounded whatever the item count: counters, one map entry per error kind and per status, and
 * a histogram of fixed buckets. {@link #add} is thread-safe, lock-free and takes no lock a
 * reader holds; the readers are thread-safe too.
 */
public final class RunStats {
    /** Significant digits kept by the latency histogram: 0.1 % precision. */
    static final int DIGITS = 3;

    private final long startNanos = System.nanoTime();
    private final LongAdder ok = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder withAttempts = new LongAdder();
    private final LongAdder withBytes = new LongAdder();
    private final LongAccumulator maxMillis = new LongAccumulator(Math::max, Long.MIN_VALUE);
    private final ConcurrentHashMap<String, LongAdder> failedByKind = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, LongAdder> failedByStatus = new ConcurrentHashMap<>();
    // Writers record wait-free; a reader swaps out what was recorded since and adds it to the total.
    private final Recorder recorder = new Recorder(DIGITS);
    private final Histogram latency = new Histogram(DIGITS);
    private volatile long wallMillis = -1;

    /** Counts one written record. */
    public void add(Result r) {
        (r.ok() ? ok : failed).increment();
        if (!r.ok()) {
            failedByKind.computeIfAbsent(r.errorKind() == null ? "unknown" : r.errorKind(), k -> new LongAdder()).increment();
            if (r.status() != null) failedByStatus.computeIfAbsent(r.status(), k -> new LongAdder()).increment();
        }
        if (r.fields().get("attempts") instanceof Number n) {
            withAttempts.increment();
            if (n.longValue() > 1) retries.add(n.longValue() - 1);
        }
        if (r.fields().get("bytes") instanceof Number n) {
            withBytes.increment();
            bytes.add(n.longValue());
        }
        if (!Inputs.BAD_INPUT.equals(r.errorKind())) {
            long millis = Math.max(0, r.millis());
            recorder.recordValue(millis);
            maxMillis.accumulate(millis);
        }
    }

    /** Fixes the run's wall time, as its pool measured it; until then it is the time since this was made. */
    public void end(long wallMillis) {
        if (wallMillis < 0) throw new IllegalArgumentException("wallMillis must be >= 0, got " + wallMillis);
        this.wallMillis = wallMillis;
    }

    public boolean ended() {
        return wallMillis >= 0;
    }

    public long ok() {
        return ok.sum();
    }

    public long failed() {
        return failed.sum();
    }

    public long wallMillis() {
        long fixed = wallMillis;
        return fixed >= 0 ? fixed : (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** The latencies recorded so far, as a copy. */
    public synchronized Histogram latency() {
        latency.add(recorder.getIntervalHistogram());
        return latency.copy();
    }

    /** The statistics as one JSON object's members. {@code name} is the command's, {@code skipped} the items a resume skipped. */
    public Map<String, Object> toMap(String name, long skipped) {
        var map = new LinkedHashMap<String, Object>();
        long ok = ok(), failed = failed(), millis = wallMillis();
        map.put("command", name);
        map.put("finished", ended());
        map.put("items", ok + failed);
        map.put("ok", ok);
        map.put("failed", failed);
        map.put("skipped", skipped);
        map.put("seconds", millis / 1000.0);
        map.put("perSecond", millis == 0 ? 0.0 : Math.round((ok + failed) * 10_000.0 / millis) / 10.0);
        var kinds = new LinkedHashMap<String, Long>();
        sorted(failedByKind).forEach(e -> kinds.put(e.getKey(), e.getValue()));
        map.put("failedByKind", kinds);
        var statuses = new LinkedHashMap<String, Long>();
        sorted(failedByStatus).forEach(e -> statuses.put(String.valueOf(e.getKey()), e.getValue()));
        map.put("failedByStatus", statuses);
        map.put("retries", retries.sum());
        map.put("bytes", bytes.sum());
        Histogram h = latency();
        var lat = new LinkedHashMap<String, Object>();
        lat.put("count", h.getTotalCount());
        if (h.getTotalCount() > 0) {
            lat.put("p50", h.getValueAtPercentile(50));
            lat.put("p95", h.getValueAtPercentile(95));
            lat.put("p99", h.getValueAtPercentile(99));
            lat.put("max", maxMillis.get());
            lat.put("mean", Math.round(h.getMean() * 10) / 10.0);
        }
        map.put("latencyMillis", lat);
        return map;
    }

    /**
     * The lines under a run's {@code done:} line, each indented two spaces; a line with nothing to
     * say is left out (no failures, no record with {@code attempts} or {@code bytes}, no latency).
     */
    public List<String> summaryLines() {
        var lines = new ArrayList<String>();
        if (!failedByKind.isEmpty()) lines.add("  failed by kind: " + join(sorted(failedByKind)));
        if (!failedByStatus.isEmpty()) lines.add("  by status: " + join(sorted(failedByStatus)));
        var counts = new ArrayList<String>();
        if (withAttempts.sum() > 0) counts.add("retries: " + retries.sum());
        if (withBytes.sum() > 0) counts.add("bytes: " + bytes(bytes.sum()));
        if (!counts.isEmpty()) lines.add("  " + String.join(", ", counts));
        Histogram h = latency();
        if (h.getTotalCount() > 0) {
            lines.add("  latency ms: p50 " + h.getValueAtPercentile(50) + ", p95 " + h.getValueAtPercentile(95)
                    + ", p99 " + h.getValueAtPercentile(99) + ", max " + maxMillis.get());
        }
        return lines;
    }

    /**
     * Writes {@link #toMap} to {@code file} as one JSON document, atomically: a reader sees the
     * old file or the new one, never half of one. Safe to call from any thread, at any time.
     */
    public void writeJson(Path file, String name, long skipped) throws IOException {
        byte[] json = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(toMap(name, skipped));
        Path dir = file.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            Files.write(temp, json);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** {@code n} bytes in binary units: {@code 512 B}, {@code 18.3 KiB}, {@code 2.0 GiB}. */
    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = n;
        int u = -1;
        do {
            v /= 1024;
            u++;
        } while (v >= 1024 && u < units.length - 1);
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** Most frequent first, ties by key. */
    private static <K extends Comparable<K>> List<Map.Entry<K, Long>> sorted(Map<K, LongAdder> counts) {
        return counts.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue().sum()))
                .sorted(Map.Entry.<K, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .toList();
    }

    private static String join(List<? extends Map.Entry<?, Long>> entries) {
        var parts = new ArrayList<String>();
        entries.forEach(e -> parts.add(e.getKey() + " " + e.getValue()));
        return String.join(", ", parts);
    }
}
