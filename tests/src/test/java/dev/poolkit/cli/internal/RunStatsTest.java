package dev.poolkit.cli.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.poolkit.Result;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunStatsTest {

    static Result ok(long millis, Map<String, ?> fields) {
        return Result.success("ok-" + millis, 200, millis, fields);
    }

    static Result failed(String kind, Integer status, long millis, int attempts) {
        return new Result("f", false, status, "boom", kind, millis, Map.of("attempts", attempts));
    }

    @Test
    void failuresAreCountedByKindAndByStatusRetriesAndBytesSummed() {
        var stats = new RunStats();
        stats.add(ok(10, Map.of("bytes", 1000, "attempts", 1)));
        stats.add(ok(20, Map.of("bytes", 2000, "attempts", 3)));
        stats.add(failed("http", 404, 5, 1));
        stats.add(failed("http", 404, 6, 1));
        stats.add(failed("http", 503, 7, 3));
        stats.add(failed("timeout", null, 30_000, 3));
        stats.add(Result.failure("line", null, "not UTF-8", Inputs.BAD_INPUT, 0));

        Map<String, Object> map = stats.toMap("job", 4);

        assertEquals(7L, map.get("items"));
        assertEquals(2L, map.get("ok"));
        assertEquals(5L, map.get("failed"));
        assertEquals(4L, map.get("skipped"));
        assertEquals(Map.of("http", 3L, "timeout", 1L, "bad-input", 1L), map.get("failedByKind"));
        assertEquals(Map.of("404", 2L, "503", 1L), map.get("failedByStatus"));
        assertEquals(2L + 2 + 2, map.get("retries"));
        assertEquals(3000L, map.get("bytes"));
        @SuppressWarnings("unchecked")
        var latency = (Map<String, Object>) map.get("latencyMillis");
        assertEquals(6L, latency.get("count"), "the bad-input line never ran: no latency");
        assertEquals(30_000L, latency.get("max"));
    }

    @Test
    void summaryLinesSayWhatFailedMostFrequentFirst() {
        var stats = new RunStats();
        stats.add(ok(54, Map.of("bytes", 18_739, "attempts", 1)));
        stats.add(failed("http", 404, 61, 1));
        stats.add(failed("timeout", null, 1137, 2));
        stats.add(failed("http", 404, 70, 2));

        assertEquals(List.of(
                "  failed by kind: http 2, timeout 1",
                "  by status: 404 2",
                "  retries: 2, bytes: 18.3 KiB",
                "  latency ms: p50 61, p95 1137, p99 1137, max 1137"), stats.summaryLines());
    }

    @Test
    void summaryLeavesOutWhatNoRecordCarried() {
        var stats = new RunStats();
        stats.add(ok(3, Map.of("upper", "A")));

        assertEquals(List.of("  latency ms: p50 3, p95 3, p99 3, max 3"), stats.summaryLines());
        assertEquals(List.of(), new RunStats().summaryLines());
    }

    @Test
    void percentilesAreWithinTheHistogramsPrecisionOfTheTrueOnes() {
        var random = new Random(12);
        long[] millis = new long[200_000];
        for (int i = 0; i < millis.length; i++) {
            // mostly fast, a long tail: log-normal-ish around 50 ms, up to minutes
            millis[i] = Math.min(600_000, Math.round(Math.exp(random.nextGaussian() * 1.5 + 4)));
        }
        var stats = new RunStats();
        for (long m : millis) stats.add(ok(m, Map.of()));
        long[] sorted = millis.clone();
        Arrays.sort(sorted);
        Histogram h = stats.latency();
        @SuppressWarnings("unchecked")
        var latency = (Map<String, Object>) stats.toMap("job", 0).get("latencyMillis");

        for (var p : List.of(50, 95, 99)) {
            long truth = sorted[(int) Math.ceil(p / 100.0 * sorted.length) - 1]; // nearest rank
            long got = (Long) latency.get("p" + p);
            assertTrue(Math.abs(got - truth) <= h.sizeOfEquivalentValueRange(truth),
                    "p" + p + ": " + got + " vs true " + truth + " (precision " + h.sizeOfEquivalentValueRange(truth) + ")");
            assertTrue(Math.abs(got - truth) <= Math.max(1, truth / 1000), "within 0.1 %: p" + p + " " + got + " vs " + truth);
        }
        assertEquals(sorted[sorted.length - 1], latency.get("max"), "the maximum is exact");
        assertEquals((long) millis.length, latency.get("count"));
    }

    @Test
    void recordsAddedFromManyThreadsAreAllCounted() throws Exception {
        var stats = new RunStats();
        int threads = 4, each = 50_000;
        var start = new CountDownLatch(1);
        var workers = new ArrayList<Thread>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().name("adder-" + t).start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < each; i++) {
                    stats.add(i % 10 == 0 ? failed("http", 500, i % 100, 2) : ok(i % 100, Map.of("bytes", 1)));
                    if (i % 10_000 == 0) stats.summaryLines(); // a reader while writers run
                }
            }));
        }
        start.countDown();
        for (Thread w : workers) w.join();

        Map<String, Object> map = stats.toMap("job", 0);
        assertEquals((long) threads * each, map.get("items"));
        assertEquals((long) threads * each / 10, map.get("failed"));
        assertEquals(Map.of("500", (long) threads * each / 10), map.get("failedByStatus"));
        assertEquals((long) threads * each / 10, map.get("retries"));
        assertEquals((long) threads * each * 9 / 10, map.get("bytes"));
        assertEquals((long) threads * each, stats.latency().getTotalCount());
    }

    @Test
    void jsonIsWrittenAtomicallyAndReadsBackAsTheMap(@TempDir Path dir) throws Exception {
        var stats = new RunStats();
        stats.add(failed("http", 404, 12, 1));
        Path file = dir.resolve("stats.json");
        Files.writeString(file, "old");

        stats.writeJson(file, "job", 0);
        assertFalse(stats.ended());
        stats.end(1500);
        stats.writeJson(file, "job", 0);

        Map<?, ?> read = new ObjectMapper().readValue(file.toFile(), Map.class);
        assertEquals(true, read.get("finished"));
        assertEquals(1.5, read.get("seconds"));
        assertEquals(Map.of("404", 1), read.get("failedByStatus"));
        assertEquals(Map.of("http", 1), read.get("failedByKind"));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temp file left behind");
        }
    }

    @Test
    void bytesAreShownInBinaryUnits() {
        assertEquals("0 B", RunStats.bytes(0));
        assertEquals("1023 B", RunStats.bytes(1023));
        assertEquals("1.0 KiB", RunStats.bytes(1024));
        assertEquals("18.3 KiB", RunStats.bytes(18_739));
        assertEquals("2.0 GiB", RunStats.bytes(2L << 30));
    }
}
