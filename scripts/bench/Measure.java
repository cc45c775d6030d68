package poolkit.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of one command: times, CPU, memory, and the latencies and exactly-once check of what
 * it wrote. {@code connections} is what the server accepted during the run (or, for inflight,
 * the tasks in flight at once), -1 when unknown.
 */
record Measure(double wallSeconds, double steadyRate, double cpuSeconds, long peakRssKb, long p50, long p99, long errors,
               long records, long connections) {
    Measure withConnections(long n) {
        return new Measure(wallSeconds, steadyRate, cpuSeconds, peakRssKb, p50, p99, errors, records, n);
    }

    /** Runs {@code command}, which writes one record per item to the file after its -o, {@code expected} items in all. */
    static Measure run(List<String> command, Path work, int expected, boolean haveTime) throws Exception {
        Path out = Path.of(command.get(command.indexOf("-o") + 1));
        Files.deleteIfExists(out);
        Path timing = work.resolve("time.txt");
        Files.deleteIfExists(timing);
        long start = System.nanoTime();
        Process p = new ProcessBuilder(haveTime ? CpuTime.wrap(command, timing) : command).redirectOutput(work.resolve("stdout.txt").toFile())
                .redirectError(work.resolve("stderr.txt").toFile()).start();
        long peakRss = 0;
        // Lines written over time, for the steady rate: from a quarter of the work to the end.
        long quarterAt = 0, doneAt = 0;
        while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
            peakRss = Math.max(peakRss, treeRssKb(p.toHandle()));
            long lines = lines(out);
            if (quarterAt == 0 && lines >= expected / 4) quarterAt = System.nanoTime();
            if (doneAt == 0 && lines >= expected) doneAt = System.nanoTime();
        }
        long end = System.nanoTime();
        if (doneAt == 0) doneAt = end;
        if (quarterAt == 0) quarterAt = start;
        double cpu = haveTime ? CpuTime.seconds(timing) : -1;
        Records r = Records.read(out, expected);
        if (r.records() != expected || r.unknown() + r.duplicates() > 0 || p.exitValue() > 1) {
            System.err.println("bench: warning: " + r.records() + " records (" + r.duplicates() + " repeated, " + r.unknown()
                    + " unknown) for " + expected + " items, exit code " + p.exitValue() + ", from " + String.join(" ", command)
                    + "\n" + Files.readString(work.resolve("stderr.txt")));
        }
        double steadySeconds = (doneAt - quarterAt) / 1e9;
        long missing = expected - (r.records() - r.duplicates() - r.unknown());
        return new Measure((end - start) / 1e9, steadySeconds > 0.2 ? (expected - expected / 4) / steadySeconds : Double.NaN,
                cpu, peakRss, Stats.percentile(r.histogram(), 50), Stats.percentile(r.histogram(), 99),
                r.failed() + r.duplicates() + r.unknown() + Math.max(0, missing), r.records(), -1);
    }

    static long lines(Path file) {
        try (var f = new RandomAccessFile(file.toFile(), "r")) {
            // Counting every line each tick would cost as much as the run: estimate from the size.
            long size = f.length();
            if (size == 0) return 0;
            byte[] head = new byte[(int) Math.min(size, 4096)];
            f.readFully(head);
            long newlines = 0;
            for (byte b : head) if (b == '\n') newlines++;
            return newlines == 0 ? 0 : size * newlines / head.length;
        } catch (IOException e) {
            return 0;
        }
    }

    static long treeRssKb(ProcessHandle root) {
        long total = rssKb(root.pid());
        for (ProcessHandle d : root.descendants().toList()) total += rssKb(d.pid());
        return total;
    }

    static long rssKb(long pid) {
        try {
            // jbang's launcher JVM lives for a moment before the script's JVM starts: not the work's memory.
            if (Files.readString(Path.of("/proc/" + pid + "/cmdline")).contains("dev.jbang.Main")) return 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
            }
        } catch (IOException | NumberFormatException gone) {
            // the process ended between listing and reading
        }
        return 0;
    }

    /**
     * What an output file holds, read as a stream (lines-10m writes ~1 GB): records, failures,
     * items seen twice or not asked for, and a histogram of millis for the percentiles.
     * Each item ends in its number, 1 to expected (a page, a task, a line).
     */
    record Records(long records, long failed, long duplicates, long unknown, long[] histogram) {
        static final String ITEM = "\"item\":\"", MILLIS = "\"millis\":";

        static Records read(Path file, int expected) throws IOException {
            long records = 0, failed = 0, duplicates = 0, unknown = 0;
            long[] histogram = new long[120_001];
            var seen = new BitSet(expected + 1);
            if (!Files.exists(file)) return new Records(0, 0, 0, 0, histogram);
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String line; (line = in.readLine()) != null; ) {
                    records++;
                    if (!line.contains("\"ok\":true")) failed++;
                    int at = line.indexOf(MILLIS);
                    if (at >= 0) histogram[(int) Math.min(histogram.length - 1, number(line, at + MILLIS.length(), true))]++;
                    int item = line.indexOf(ITEM);
                    int close = item < 0 ? -1 : line.indexOf('"', item + ITEM.length());
                    long n = close < 0 ? -1 : number(line, close, false);
                    if (n < 1 || n > expected) unknown++;
                    else if (seen.get((int) n)) duplicates++;
                    else seen.set((int) n);
                }
            }
            return new Records(records, failed, duplicates, unknown, histogram);
        }

        /** The digits after {@code from} (forward) or just before it (backward), or -1. */
        static long number(String s, int from, boolean forward) {
            int a = from, b = from;
            if (forward) while (b < s.length() && Character.isDigit(s.charAt(b))) b++;
            else while (a > 0 && Character.isDigit(s.charAt(a - 1))) a--;
            return a == b || b - a > 18 ? -1 : Long.parseLong(s, a, b, 10);
        }
    }
}
