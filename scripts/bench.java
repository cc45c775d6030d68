///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//DEPS dev.poolkit:poolkit:0.2.0
//DEPS info.picocli:picocli:4.7.7
//DEPS org.apache.httpcomponents.client5:httpclient5:5.6.5
//DEPS org.eclipse.jetty:jetty-client:12.1.14
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
//DESCRIPTION Benchmarks the four templates, plain loops of several HTTP engines, and poolkit at scale, against a local server.

import dev.poolkit.AsyncPool;
import dev.poolkit.Fields;
import dev.poolkit.JsonLines;
import dev.poolkit.cli.Job;
import dev.poolkit.demo.DemoSite;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.util.Timeout;
import org.eclipse.jetty.client.ContentResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Runs named workloads through each template, exactly as a user runs it ({@code ./jbang
 * templates/NAME.java -i urls -o out}), and through plain loops of several HTTP engines without
 * poolkit, against nginx on 127.0.0.1 (or the demo site when nginx is missing), and prints a table.
 * Two scale workloads run poolkit itself with many tasks in flight and a very long input.
 *
 * Needs, for real figures: {@code apt-get install nginx libnginx-mod-http-echo time wrk}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = {Bench.Loop.class, Bench.Inflight.class, Bench.Startup.class},
        description = {"Benchmarks the templates, plain loops of several HTTP engines (no poolkit) and poolkit at scale, against a local server.",
                "For real figures install the server first: apt-get install nginx libnginx-mod-http-echo time wrk"})
class Bench implements Callable<Integer> {
    // Set by ./jbang; run from the checkout's root otherwise.
    static final Path ROOT = Path.of(System.getenv().getOrDefault("POOLKIT_ROOT", ".")).toAbsolutePath().normalize();

    /** The HTTP engines the {@code loop} subcommand drives, without poolkit. */
    static final List<String> ENGINES = List.of("jdk", "jdk-default", "apache", "apache-async", "jetty");
    static final List<String> TEMPLATES = List.of("async", "threads", "hybrid", "processes");
    /** Names that stand for several targets. */
    static final Map<String, List<String>> GROUPS = Map.of("engines", ENGINES, "templates", TEMPLATES);

    /**
     * A named workload: how many pages (or tasks, or lines), the server's delay per page, and the
     * concurrency. A scale workload has no pages: it runs its own single target.
     */
    record Workload(String name, int size, int delayMillis, int concurrency, boolean scale, String about) {
        Workload withSize(int n) {
            return new Workload(name, n, delayMillis, concurrency, scale, about);
        }
    }

    static final Map<String, Workload> WORKLOADS = new LinkedHashMap<>();

    static {
        for (var w : List.of(
                new Workload("20k", 20_000, 0, 64, false, "pages at c=64"),
                new Workload("200k", 200_000, 0, 64, false, "pages at c=64"),
                new Workload("delay-10k", 10_000, 50, 1_000, false, "pages of 50 ms at c=1000"),
                new Workload("delay-2k", 2_000, 50, 100, false, "pages of 50 ms at c=100"),
                new Workload("inflight-100k", 100_000, 2_000, 100_000, true, "tasks sleeping 2 s, all in flight in AsyncPool"),
                new Workload("lines-10m", 10_000_000, 0, 128, true, "input lines through the async template with a trivial handler"))) {
            WORKLOADS.put(w.name(), w);
        }
    }

    @Option(names = "--workloads", split = ",", defaultValue = "20k,200k,delay-10k,delay-2k,inflight-100k,lines-10m",
            description = "Workloads to run, of: 20k, 200k (pages at c=64), delay-10k (50 ms, c=1000), delay-2k (50 ms, c=100),"
                    + " inflight-100k (100,000 sleeping tasks at once in AsyncPool), lines-10m (10,000,000 input lines through the async template)."
                    + " Default: all.")
    List<String> workloads;

    @Option(names = "--targets", split = ",", defaultValue = "engines,templates",
            description = "What runs the page workloads: engines (= jdk, jdk-default, apache, apache-async, jetty: plain loops, no poolkit),"
                    + " templates (= async, threads, hybrid, processes), or any of those names. Default: engines,templates.")
    List<String> targets;

    @Option(names = "--runs", defaultValue = "3", description = "Runs of each; the table shows medians (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--processes", defaultValue = "8",
            description = "-p for the processes template, whose workers take one item at a time (default: ${DEFAULT-VALUE}); hybrid uses 2 x (c/2).")
    int processes;

    @Option(names = "--size", paramLabel = "N",
            description = "Replace every workload's size (pages, tasks or lines) by N, for a quick check of the bench itself.")
    Integer size;

    @Option(names = "--java-options", paramLabel = "OPTS",
            description = "JVM options for every target's JVM, given to jbang as --java-options (processes and hybrid pass them on to their workers),"
                    + " e.g. \"-Xmx256m -XX:TieredStopAtLevel=1\". Default: none.")
    String javaOptions;

    @Override
    public Integer call() throws Exception {
        for (String w : workloads) {
            if (!WORKLOADS.containsKey(w)) throw new Job.UsageError("unknown workload: " + w + " (choose from " + WORKLOADS.keySet() + ")");
        }
        var chosen = new LinkedHashSet<String>();
        for (String t : targets) {
            if (GROUPS.containsKey(t)) chosen.addAll(GROUPS.get(t));
            else if (ENGINES.contains(t) || TEMPLATES.contains(t)) chosen.add(t);
            else throw new Job.UsageError("unknown target: " + t + " (choose from engines, templates, " + String.join(", ", ENGINES)
                        + ", " + String.join(", ", TEMPLATES) + ")");
        }
        if (runs < 1) throw new Job.UsageError("--runs must be >= 1, got " + runs);
        if (processes < 1) throw new Job.UsageError("--processes must be >= 1, got " + processes);
        if (size != null && size < 1) throw new Job.UsageError("--size must be >= 1, got " + size);
        boolean haveTime = Files.isExecutable(Path.of("/usr/bin/time"));
        if (!haveTime) System.err.println("bench: warning: /usr/bin/time is missing (apt-get install time): no CPU figures");

        Path work = Files.createTempDirectory("poolkit-bench");
        try (Server server = Server.start()) {
            System.out.println(machine(server));
            for (String name : workloads) {
                Workload w = size == null ? WORKLOADS.get(name) : WORKLOADS.get(name).withSize(size);
                if (w.scale()) scale(w, work, haveTime);
                else pages(w, List.copyOf(chosen), server, work, haveTime);
            }
        } finally {
            deleteTree(work);
        }
        return 0;
    }

    static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** One page workload: every target in turn, then wrk. */
    void pages(Workload w, List<String> targets, Server server, Path work, boolean haveTime) throws Exception {
        String path = w.delayMillis() > 0 ? "/slow/" : "/page/";
        if (w.delayMillis() > 0 && !server.delays()) {
            System.err.println("bench: warning: this server has no delayed pages (install libnginx-mod-http-echo): skipping " + w.name());
            return;
        }
        Path urls = work.resolve(w.name() + ".txt");
        try (BufferedWriter out = Files.newBufferedWriter(urls)) {
            for (int i = 1; i <= w.size(); i++) out.write(server.url() + path + i + "\n");
        }
        System.out.printf(Locale.ROOT, "%n### %s: %,d pages, %d ms server delay, concurrency %d%n%n", w.name(), w.size(), w.delayMillis(), w.concurrency());
        System.out.printf(Locale.ROOT, "Each command ran as `./jbang %sCOMMAND -i urls.txt -o out.jsonl`, urls.txt holding %s%s1 to %s%s%d"
                + " (templates also get `--overwrite -q`); load average before: %s.%n%n", jvm(), server.url(), path, server.url(), path, w.size(), load());
        System.out.println(HEADER);
        System.out.println(RULE);
        for (String target : targets) {
            Path out = work.resolve("out.jsonl");
            List<String> command = command(target, w, urls, out);
            build(script(command));
            List<Measure> measures = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                long accepts = server.accepts();
                Measure m = Measure.run(command, work, w.size(), haveTime);
                measures.add(m.withConnections(accepts < 0 ? -1 : server.accepts() - accepts - 1));
            }
            System.out.println(Measure.row(target, shortCommand(target, w), measures));
        }
        String wrk = wrk(server.url() + path + "1", w.concurrency());
        if (wrk != null) System.out.println("| wrk (ceiling) | `wrk -t2 -c" + w.concurrency() + " -d5s` | | " + wrk + " | | | | | | | |");
    }

    static final String HEADER = "| target | command | wall s | req/s (whole run) | req/s (steady) | CPU s / 1k req | peak RSS MB | p50 ms | p99 ms | errors | conns |";
    static final String RULE = "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

    /** One scale workload: poolkit alone in its own JVM, for its memory and time. */
    void scale(Workload w, Path work, boolean haveTime) throws Exception {
        Path out = work.resolve("out.jsonl");
        List<String> command;
        String shortCommand;
        String target;
        boolean inflight = w.name().startsWith("inflight");
        if (inflight) {
            command = jbang(ROOT.resolve("scripts/bench.java"), "inflight", "-n", String.valueOf(w.size()),
                    "--sleep-ms", String.valueOf(w.delayMillis()), "-o", out.toString());
            shortCommand = "`bench@. inflight -n " + w.size() + " --sleep-ms " + w.delayMillis() + "`";
            target = "AsyncPool.of(" + w.size() + ", sleep)";
        } else {
            Path script = trivialAsync(work);
            Path input = work.resolve("big.txt");
            try (BufferedWriter in = Files.newBufferedWriter(input)) {
                for (int i = 1; i <= w.size(); i++) in.write("item-" + i + "\n");
            }
            command = jbang(script, "-i", input.toString(), "-o", out.toString());
            shortCommand = "`TrivialAsync.java -i big.txt -o out.jsonl`";
            target = "async template, trivial handler";
        }
        System.out.printf(Locale.ROOT, "%n### %s: %,d %s%n%n", w.name(), w.size(), w.about());
        System.out.printf(Locale.ROOT, "Each command ran as `./jbang %sCOMMAND`%s; load average before: %s.%n%n", jvm(),
                !inflight ? ", TrivialAsync.java being templates/async.java with `return Fields.of(\"length\", url.length());`"
                        + " as handle()'s body, big.txt holding the lines item-1 to item-" + w.size() : "", load());
        System.out.println(HEADER.replace("req", "items").replace("| conns |", inflight ? "| in flight |" : "| records |"));
        System.out.println(RULE);
        build(script(command));
        List<Measure> measures = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            Measure m = Measure.run(command, work, w.size(), haveTime);
            // The inflight command reports on stdout how many tasks were in flight at once.
            Matcher peak = Pattern.compile("peak in flight: (\\d+)").matcher(Files.readString(work.resolve("stdout.txt")));
            measures.add(m.withConnections(!inflight ? m.records() : peak.find() ? Long.parseLong(peak.group(1)) : -1));
        }
        System.out.println(Measure.row(target, shortCommand, measures));
        Files.deleteIfExists(out);
        Files.deleteIfExists(work.resolve("big.txt"));
    }

    /** templates/async.java with a handler that fetches nothing, to see the toolkit's own cost per item. */
    static Path trivialAsync(Path work) throws IOException {
        String template = Files.readString(ROOT.resolve("templates/async.java"));
        Matcher body = Pattern.compile("(static Map<String, Object> handle\\(String url\\) throws Exception \\{\\n)(.*?)(\\n    }\\n)", Pattern.DOTALL)
                .matcher(template);
        if (!body.find()) throw new IllegalStateException("templates/async.java has no handle(String url) method to replace");
        Path script = work.resolve("TrivialAsync.java");
        Files.writeString(script, body.replaceFirst(Matcher.quoteReplacement(body.group(1) + "        return Fields.of(\"length\", url.length());" + body.group(3))));
        return script;
    }

    /** Compiles a script once, so that no run of it pays for compiling. */
    static void build(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(ROOT.resolve("jbang").toString(), "build", script).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException("could not build " + script + ": " + output.strip());
    }

    /** {@code ./jbang [--java-options=O]... SCRIPT ARGS...} */
    List<String> jbang(Path script, String... args) {
        var cmd = new ArrayList<String>();
        cmd.add(ROOT.resolve("jbang").toString());
        if (javaOptions != null) {
            for (String o : javaOptions.strip().split("\\s+")) if (!o.isEmpty()) cmd.add("--java-options=" + o);
        }
        cmd.add(script.toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The script a command runs: the first argument after jbang's own options. */
    static String script(List<String> command) {
        return command.stream().skip(1).filter(a -> !a.startsWith("--java-options=")).findFirst().orElseThrow();
    }

    List<String> command(String target, Workload w, Path urls, Path out) {
        boolean engine = ENGINES.contains(target);
        var cmd = jbang(ROOT.resolve(engine ? "scripts/bench.java" : "templates/" + target + ".java"));
        if (engine) cmd.addAll(List.of("loop", target));
        cmd.addAll(List.of("-i", urls.toString(), "-o", out.toString()));
        if (!engine) cmd.addAll(List.of("--overwrite", "-q"));
        cmd.addAll(switch (target) {
            case "hybrid" -> List.of("-p", "2", "-t", String.valueOf(Math.max(1, w.concurrency() / 2)));
            case "processes" -> List.of("-p", String.valueOf(processes));
            default -> List.of("-c", String.valueOf(w.concurrency()));
        });
        return cmd;
    }

    String shortCommand(String target, Workload w) {
        return "`" + switch (target) {
            case "hybrid" -> "hybrid@. -p 2 -t " + Math.max(1, w.concurrency() / 2);
            case "processes" -> "processes@. -p " + processes;
            default -> (ENGINES.contains(target) ? "bench@. loop " : "") + target + (ENGINES.contains(target) ? "" : "@.") + " -c " + w.concurrency();
        } + "`";
    }

    /** How the commands were given JVM options, for the commands printed with the tables. */
    String jvm() {
        var options = new StringBuilder();
        for (String a : jbang(Path.of("x"))) if (a.startsWith("--java-options=")) options.append(a).append(' ');
        return options.toString();
    }

    static String load() throws IOException {
        return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).strip().split(" "), 3));
    }

    static String machine(Server server) throws IOException, InterruptedException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        String load = load();
        double oneMinute = Double.parseDouble(load.split(" ")[0]);
        int cores = Runtime.getRuntime().availableProcessors();
        return String.format(Locale.ROOT, "## poolkit bench%n%ndate %s; %d cores (%s); java %s; server: %s; load average at start: %s%s",
                java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).withNano(0), cores, cpu,
                System.getProperty("java.version"), server.describe(), load,
                oneMinute > 0.5 ? String.format(Locale.ROOT, "%n%n**Warning: the machine was busy at start (load average %.2f on %d cores):"
                        + " these figures are noisy; compare ratios within one run.**", oneMinute, cores) : "");
    }

    static String wrk(String url, int connections) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/wrk"))) return null;
        var p = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d5s", url).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        Matcher m = Pattern.compile("Requests/sec:\\s+([\\d.]+)").matcher(out);
        return m.find() ? String.format(Locale.ROOT, "%,.0f", Double.parseDouble(m.group(1))) : null;
    }

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

        static Measure run(List<String> command, Path work, int expected, boolean haveTime) throws Exception {
            Path out = Path.of(command.get(command.indexOf("-o") + 1));
            Files.deleteIfExists(out);
            Path timing = work.resolve("time.txt");
            Files.deleteIfExists(timing);
            var full = new ArrayList<String>();
            if (haveTime) full.addAll(List.of("/usr/bin/time", "-f", "%U %S", "-o", timing.toString()));
            full.addAll(command);
            long start = System.nanoTime();
            Process p = new ProcessBuilder(full).redirectOutput(work.resolve("stdout.txt").toFile())
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
            double cpu = -1;
            if (haveTime && Files.exists(timing)) {
                String[] t = Files.readString(timing).strip().lines().reduce((a, b) -> b).orElse("").split(" ");
                if (t.length == 2) cpu = Double.parseDouble(t[0]) + Double.parseDouble(t[1]);
            }
            Records r = Records.read(out, expected);
            if (r.records() != expected || r.unknown() + r.duplicates() > 0 || p.exitValue() > 1) {
                System.err.println("bench: warning: " + r.records() + " records (" + r.duplicates() + " repeated, " + r.unknown()
                        + " unknown) for " + expected + " items, exit code " + p.exitValue() + ", from " + String.join(" ", command)
                        + "\n" + Files.readString(work.resolve("stderr.txt")));
            }
            double steadySeconds = (doneAt - quarterAt) / 1e9;
            long missing = expected - (r.records() - r.duplicates() - r.unknown());
            return new Measure((end - start) / 1e9, steadySeconds > 0.2 ? (expected - expected / 4) / steadySeconds : Double.NaN,
                    cpu, peakRss, r.percentile(50), r.percentile(99), r.failed() + r.duplicates() + r.unknown() + Math.max(0, missing),
                    r.records(), -1);
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

        static String row(String target, String command, List<Measure> ms) {
            double wall = median(ms, Measure::wallSeconds);
            double cpu = median(ms, Measure::cpuSeconds);
            double steady = median(ms, Measure::steadyRate);
            long connections = (long) median(ms, Measure::connections);
            return String.format(Locale.ROOT, "| %s | %s | %.2f | %,.0f | %s | %s | %.0f | %d | %d | %d | %s |",
                    target, command, wall, ms.getFirst().records() / wall,
                    Double.isNaN(steady) ? "n/a" : String.format(Locale.ROOT, "%,.0f", steady),
                    cpu < 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", cpu * 1000 / ms.getFirst().records()),
                    median(ms, m -> m.peakRssKb() / 1024.0), (long) median(ms, m -> m.p50()), (long) median(ms, m -> m.p99()),
                    ms.stream().mapToLong(Measure::errors).max().orElse(0), connections < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", connections));
        }

        static double median(List<Measure> ms, java.util.function.ToDoubleFunction<Measure> f) {
            double[] v = ms.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray();
            if (v.length == 0) return Double.NaN;
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }
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

        long percentile(int p) {
            long total = 0;
            for (long c : histogram) total += c;
            if (total == 0) return -1;
            long rank = (long) Math.ceil(p / 100.0 * total), sum = 0;
            for (int ms = 0; ms < histogram.length; ms++) {
                sum += histogram[ms];
                if (sum >= rank) return ms;
            }
            return histogram.length - 1;
        }
    }

    /** nginx on 127.0.0.1 with a config of our own, or the demo site when nginx is not installed. */
    static final class Server implements AutoCloseable {
        private final Process nginx;
        private final Path dir;
        private final DemoSite site;
        private final String url;
        private final boolean delays;
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        private Server(Process nginx, Path dir, DemoSite site, String url, boolean delays) {
            this.nginx = nginx;
            this.dir = dir;
            this.site = site;
            this.url = url;
            this.delays = delays;
        }

        static Server start() throws Exception {
            Path nginxBin = Path.of("/usr/sbin/nginx");
            if (!Files.isExecutable(nginxBin)) {
                System.err.println("bench: warning: nginx is not installed (apt-get install nginx libnginx-mod-http-echo):"
                        + " using the demo site, which is much slower than nginx and shares the JVM's cores");
                DemoSite site = DemoSite.start(1, 0);
                return new Server(null, null, site, site.url(), false);
            }
            int port;
            try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path dir = Files.createTempDirectory("poolkit-bench-nginx");
            Path echo = Path.of("/usr/lib/nginx/modules/ngx_http_echo_module.so");
            boolean delays = Files.exists(echo);
            String body = "<!doctype html><html><head><title>Bench page</title></head><body><p>" + "poolkit ".repeat(240) + "</p></body></html>";
            // stub_status counts the connections each target opens: a client that does not reuse them shows.
            String conf = (delays ? "load_module " + echo + ";\n" : "") + """
                    daemon off;
                    worker_processes 1;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log warn;
                    events { worker_connections 8192; }
                    http {
                      access_log off;
                      keepalive_requests 10000000;
                      client_body_temp_path %1$s/tmp; proxy_temp_path %1$s/tmp; fastcgi_temp_path %1$s/tmp;
                      uwsgi_temp_path %1$s/tmp; scgi_temp_path %1$s/tmp;
                      server {
                        listen 127.0.0.1:%2$d backlog=4096;
                        location /page/ { default_type text/html; return 200 '%3$s'; }
                        location = /nginx-status { stub_status; }
                        %4$s
                      }
                    }
                    """.formatted(dir, port, body, delays ? "location /slow/ { default_type text/html; echo_sleep 0.05; echo '" + body + "'; }" : "");
            Files.writeString(dir.resolve("nginx.conf"), conf);
            Files.createDirectories(dir.resolve("tmp"));
            Process p = new ProcessBuilder(nginxBin.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(), "-e", dir.resolve("error.log").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
            String url = "http://127.0.0.1:" + port;
            var server = new Server(p, dir, null, url, delays);
            for (int i = 0; ; i++) {
                try {
                    server.client.send(HttpRequest.newBuilder(URI.create(url + "/page/1")).build(), HttpResponse.BodyHandlers.discarding());
                    break;
                } catch (IOException notYet) {
                    if (i > 50 || !p.isAlive()) throw new IllegalStateException("nginx did not start: " + Files.readString(dir.resolve("nginx.out")));
                    Thread.sleep(100);
                }
            }
            return server;
        }

        String url() {
            return url;
        }

        boolean delays() {
            return delays;
        }

        /**
         * Connections nginx has accepted so far, this request's own included (so a difference of two
         * readings counts one too many), or -1 without nginx.
         */
        long accepts() throws IOException {
            if (nginx == null) return -1;
            // A connection of its own, closed after: a kept-alive one could time out during a long run.
            String status;
            try (var socket = new java.net.Socket(InetAddress.getLoopbackAddress(), URI.create(url).getPort())) {
                socket.getOutputStream().write("GET /nginx-status HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                status = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            }
            // "Active connections: 1 \nserver accepts handled requests\n 5 5 12 \n..."
            Matcher m = Pattern.compile("accepts handled requests\\s+(\\d+)").matcher(status);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        }

        String describe() throws IOException, InterruptedException {
            if (nginx == null) return "poolkit demo site (nginx missing)";
            var v = new ProcessBuilder("/usr/sbin/nginx", "-v").redirectErrorStream(true).start();
            String version = new String(v.getInputStream().readAllBytes()).strip();
            v.waitFor();
            return version + ", 1 worker, ~2 KB pages" + (delays ? "" : " (no echo module: no delayed pages)");
        }

        @Override
        public void close() throws Exception {
            if (site != null) site.close();
            if (nginx == null) return;
            nginx.destroy();
            // nginx writes its pid file and logs into dir until it has stopped.
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) nginx.destroyForcibly().waitFor();
            deleteTree(dir);
        }
    }

    /** An HTTP engine as the loop uses it: one shared client, a blocking GET that reads the whole body. */
    interface Engine extends AutoCloseable {
        /** Fetches {@code url} and reads its body: {status, bytes}. */
        int[] get(String url) throws Exception;

        /**
         * Each engine set up as one would for many requests to one host: one client for the whole
         * run, connections kept alive and pooled, at least {@code concurrency} of them per host,
         * HTTP/1.1, a 10 s connect timeout.
         */
        static Engine of(String name, int concurrency) throws Exception {
            return switch (name) {
                case "jdk", "jdk-default" -> {
                    var builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10));
                    // The default executor is a cached pool of platform threads that runs every response's
                    // completion: what one gets without configuring it.
                    if (name.equals("jdk")) builder.executor(Executors.newVirtualThreadPerTaskExecutor());
                    HttpClient client = builder.build();
                    yield new Engine() {
                        public int[] get(String url) throws Exception {
                            var r = client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
                            return new int[]{r.statusCode(), r.body().length};
                        }

                        public void close() {
                            client.close();
                        }
                    };
                }
                case "apache" -> {
                    CloseableHttpClient client = HttpClients.custom()
                            .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                                    .setMaxConnTotal(concurrency).setMaxConnPerRoute(concurrency)
                                    .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(10)).build())
                                    .build())
                            .build();
                    yield new Engine() {
                        public int[] get(String url) throws Exception {
                            // The response handler consumes the body, which gives the connection back to the pool.
                            return client.execute(new HttpGet(url), r -> new int[]{r.getCode(), EntityUtils.toByteArray(r.getEntity()).length});
                        }

                        public void close() throws IOException {
                            client.close();
                        }
                    };
                }
                case "apache-async" -> {
                    CloseableHttpAsyncClient client = HttpAsyncClients.custom()
                            .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                                    .setMaxConnTotal(concurrency).setMaxConnPerRoute(concurrency)
                                    .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(10)).build())
                                    .setDefaultTlsConfig(TlsConfig.custom().setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1).build())
                                    .build())
                            .build();
                    client.start();
                    yield new Engine() {
                        public int[] get(String url) throws Exception {
                            SimpleHttpResponse r = client.execute(SimpleRequestBuilder.get(url).build(), null).get();
                            return new int[]{r.getCode(), r.getBodyBytes() == null ? 0 : r.getBodyBytes().length};
                        }

                        public void close() throws IOException {
                            client.close();
                        }
                    };
                }
                case "jetty" -> {
                    var client = new org.eclipse.jetty.client.HttpClient();
                    client.setMaxConnectionsPerDestination(concurrency);
                    client.setMaxRequestsQueuedPerDestination(Math.max(1024, concurrency));
                    client.setConnectTimeout(10_000);
                    client.start();
                    yield new Engine() {
                        public int[] get(String url) throws Exception {
                            ContentResponse r = client.GET(url);
                            return new int[]{r.getStatus(), r.getContent().length};
                        }

                        public void close() throws Exception {
                            client.stop();
                        }
                    };
                }
                default -> throw new Job.UsageError("unknown engine: " + name + " (choose from " + String.join(", ", ENGINES) + ")");
            };
        }
    }

    /**
     * A plain loop without poolkit, the baseline that shows the toolkit's own cost: one virtual
     * thread per URL (the shape poolkit's handlers run in), at most -c at once, each GET's whole
     * body read, one JSON line per URL written through a buffer.
     */
    @Command(name = "loop", description = "Fetches every URL with a plain loop of one HTTP engine (no poolkit) and writes one JSON line each.")
    static final class Loop implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ENGINE", description = "jdk, jdk-default, apache, apache-async or jetty.")
        String engine;
        @Option(names = "-i", required = true) Path input;
        @Option(names = "-o", required = true) Path output;
        @Option(names = "-c", defaultValue = "64") int concurrency;

        @Override
        public Integer call() throws Exception {
            if (concurrency < 1) throw new Job.UsageError("-c must be >= 1, got " + concurrency);
            var slots = new Semaphore(concurrency);
            try (Engine client = Engine.of(engine, concurrency);
                 var out = Files.newBufferedWriter(output, StandardCharsets.UTF_8);
                 var lines = Files.lines(input);
                 var executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fetch-", 0).factory())) {
                for (String url : (Iterable<String>) lines::iterator) {
                    slots.acquire();
                    executor.execute(() -> {
                        long start = System.nanoTime();
                        String line;
                        try {
                            int[] r = client.get(url);
                            line = "{\"item\":\"" + url + "\",\"ok\":" + (r[0] < 400) + ",\"status\":" + r[0]
                                    + ",\"millis\":" + (System.nanoTime() - start) / 1_000_000 + ",\"bytes\":" + r[1] + "}\n";
                        } catch (Exception e) {
                            line = "{\"item\":\"" + url + "\",\"ok\":false,\"error\":\"" + e.getClass().getSimpleName()
                                    + "\",\"millis\":" + (System.nanoTime() - start) / 1_000_000 + "}\n";
                        } finally {
                            slots.release();
                        }
                        synchronized (out) {
                            try {
                                out.write(line);
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }
                    });
                }
            }
            return 0;
        }
    }

    /**
     * Start-up and warm-up of each template, run as a user runs it: the first run (jbang compiles
     * the script), warm runs to their first record, and a whole 20k-page run, each with and
     * without ./jbang's start-up caches (the launch cache, and on JDK 25+ the AOT cache), and with
     * the script's own java command alone (no wrapper, no jbang) as the floor.
     */
    @Command(name = "startup", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Measures each template's cold start, warm start to its first record, and a whole 20k-page run, with and without ./jbang's start-up caches.")
    static final class Startup implements Callable<Integer> {
        @Option(names = "--templates", split = ",", defaultValue = "async,threads,hybrid,processes",
                description = "Templates to measure (default: ${DEFAULT-VALUE}).")
        List<String> templates;

        @Option(names = "--runs", defaultValue = "3", description = "Warm runs of each; the table shows medians (default: ${DEFAULT-VALUE}).")
        int runs;

        @Option(names = "--pages", defaultValue = "20000", description = "Pages of the whole run, at c=64 (default: ${DEFAULT-VALUE}); 0: no whole run.")
        int pages;

        @Option(names = "--whole-runs", defaultValue = "1", description = "Whole runs of each (default: ${DEFAULT-VALUE}).")
        int wholeRuns;

        @Option(names = "--also", paramLabel = "NAME=JVM_OPTIONS",
                description = "Also measure the cached set-up with these JVM options (through JDK_JAVA_OPTIONS), e.g. --also c1=-XX:TieredStopAtLevel=1.")
        Map<String, String> also = new LinkedHashMap<>();

        /** A set-up: its name and the environment it adds. */
        record Setup(String name, Map<String, String> env, boolean direct) {}

        @Override
        public Integer call() throws Exception {
            for (String t : templates) {
                if (!List.of("async", "threads", "hybrid", "processes").contains(t)) {
                    throw new Job.UsageError("unknown template: " + t + " (choose from async, threads, hybrid, processes)");
                }
            }
            if (runs < 1) throw new Job.UsageError("--runs must be >= 1, got " + runs);
            if (pages < 0) throw new Job.UsageError("--pages must be >= 0, got " + pages);
            var setups = new ArrayList<Setup>(List.of(
                    new Setup("jbang, no caches (before)", Map.of("POOLKIT_LAUNCH_CACHE", "off", "POOLKIT_AOT", "off"), false),
                    new Setup("launch cache", Map.of("POOLKIT_AOT", "off"), false),
                    new Setup("launch cache + AOT cache (after)", Map.of(), false),
                    new Setup("script's java alone + AOT cache (floor)", Map.of(), true)));
            also.forEach((name, options) -> setups.add(new Setup("launch cache + AOT + " + name, Map.of("JDK_JAVA_OPTIONS", options), false)));
            boolean haveTime = Files.isExecutable(Path.of("/usr/bin/time"));
            try (Server server = Server.start()) {
                System.out.println(machine(server));
                Path work = Files.createTempDirectory("poolkit-startup");
                Path urls = work.resolve("urls.txt");
                try (BufferedWriter out = Files.newBufferedWriter(urls)) {
                    for (int i = 1; i <= pages; i++) out.write(server.url() + "/page/" + i + "\n");
                }
                String oneUrl = server.url() + "/page/1";
                System.out.printf(Locale.ROOT, "%n### Start-up: one URL to first record, and %,d pages at c=64 (whole process)%n%n", pages);
                System.out.println("| template | set-up | cold start s (compiling) | warm start to first record s | one-URL run s | "
                        + String.format(Locale.ROOT, "%,d", pages) + " pages whole run s | its CPU s |");
                System.out.println("|---|---|---:|---:|---:|---:|---:|");
                for (String template : templates) {
                    // A copy of its own, so that the cold run compiles and the caches start empty.
                    Path dir = Files.createDirectories(work.resolve(template));
                    Path script = dir.resolve(template + "_startup.java");
                    Files.writeString(script, Files.readString(ROOT.resolve("templates/" + template + ".java"))
                            + "// startup bench " + System.nanoTime() + "\n");
                    Path cache = dir.resolve("cache");
                    List<String> args = templateArgs(template);
                    Timing cold = Timing.of(launch(script, cache, Map.of(), false), dir, oneArgs(oneUrl), haveTime);
                    awaitTraining(cache);
                    for (Setup setup : setups) {
                        List<String> base = launch(script, cache, setup.env(), setup.direct());
                        var warm = new ArrayList<Timing>();
                        for (int r = 0; r < runs; r++) {
                            warm.add(Timing.of(base, dir, oneArgs(oneUrl), haveTime));
                            awaitTraining(cache);
                        }
                        var whole = new ArrayList<Timing>();
                        for (int r = 0; pages > 0 && r < wholeRuns; r++) {
                            var wholeArgs = new ArrayList<>(List.of("-i", urls.toString(), "-o", dir.resolve("out.jsonl").toString(), "--overwrite", "-q"));
                            wholeArgs.addAll(args);
                            Timing t = Timing.of(base, dir, wholeArgs, haveTime);
                            long records;
                            try (var lines = Files.lines(dir.resolve("out.jsonl"))) {
                                records = lines.count();
                            }
                            if (records != pages) System.err.println("bench: warning: " + records + " records for " + pages + " pages from " + template);
                            whole.add(t);
                            awaitTraining(cache);
                        }
                        System.out.printf(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f | %s | %s |%n", template, setup.name(),
                                setup == setups.getFirst() ? String.format(Locale.ROOT, "%.2f", cold.firstRecord()) : "",
                                median(warm, Timing::firstRecord), median(warm, Timing::whole),
                                whole.isEmpty() ? "" : String.format(Locale.ROOT, "%.2f", median(whole, Timing::whole)),
                                whole.isEmpty() || !haveTime ? "" : String.format(Locale.ROOT, "%.1f", median(whole, Timing::cpu)));
                    }
                }
                awaitTraining(work);
                try (var files = Files.walk(work)) {
                    // the copies, their AOT caches (tens of MB each) and the outputs
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
            return 0;
        }

        static List<String> oneArgs(String url) {
            return List.of(url, "-q");
        }

        static List<String> templateArgs(String template) {
            return switch (template) {
                case "hybrid" -> List.of("-p", "2", "-t", "32");
                case "processes" -> List.of("-p", "8");
                default -> List.of("-c", "64");
            };
        }

        /** The command and environment that start {@code script}: through ./jbang, or its java command alone. */
        static List<String> launch(Path script, Path cache, Map<String, String> env, boolean direct) throws IOException {
            var cmd = new ArrayList<String>(List.of("env", "POOLKIT_CACHE_DIR=" + cache));
            env.forEach((k, v) -> cmd.add(k + "=" + v));
            if (direct) {
                // The launch cache's second line is the command, quoted for bash; add the AOT cache as ./jbang does.
                Path entry;
                try (var files = Files.walk(cache)) {
                    entry = files.filter(p -> p.getFileName().toString().equals("launch")).findFirst()
                            .orElseThrow(() -> new IllegalStateException("no launch cache in " + cache)).getParent();
                }
                String aot = Files.exists(entry.resolve("app.aot")) ? "-XX:AOTCache=" + entry.resolve("app.aot") + " -Xlog:aot*=off,cds*=off " : "";
                cmd.addAll(List.of("bash", "-c", "eval \"c=($(sed -n 2p '" + entry.resolve("launch") + "'))\"; exec \"${c[0]}\" " + aot + "\"${c[@]:1}\" \"$@\"", "startup"));
            } else {
                cmd.addAll(List.of(ROOT.resolve("jbang").toString(), script.toString()));
            }
            return cmd;
        }

        /** Waits (at most 2 minutes) for ./jbang's background AOT training to finish, so that it never overlaps a measure. */
        static void awaitTraining(Path cache) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (System.nanoTime() < deadline && Files.isDirectory(cache)) {
                try (var files = Files.walk(cache)) {
                    if (files.noneMatch(p -> p.getFileName().toString().equals("training"))) return;
                }
                Thread.sleep(100);
            }
        }

        static double median(List<Timing> ts, java.util.function.ToDoubleFunction<Timing> f) {
            double[] v = ts.stream().mapToDouble(f).sorted().toArray();
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }

        /** One run: seconds from launch to the first line on stdout, to the end, and its CPU seconds. */
        record Timing(double firstRecord, double whole, double cpu) {
            static Timing of(List<String> base, Path dir, List<String> args, boolean haveTime) throws Exception {
                Path timing = dir.resolve("time.txt");
                var full = new ArrayList<String>();
                if (haveTime) full.addAll(List.of("/usr/bin/time", "-f", "%U %S", "-o", timing.toString()));
                full.addAll(base);
                full.addAll(args);
                long start = System.nanoTime();
                Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectError(dir.resolve("stderr.txt").toFile()).start();
                p.getOutputStream().close();
                double first = Double.NaN;
                try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    if (out.readLine() != null) first = (System.nanoTime() - start) / 1e9;
                    while (out.readLine() != null) {
                        // drain
                    }
                }
                p.waitFor();
                double whole = (System.nanoTime() - start) / 1e9;
                if (Double.isNaN(first)) first = whole; // the records went to a file
                double cpu = -1;
                if (haveTime && Files.exists(timing)) {
                    String[] t = Files.readString(timing).strip().lines().reduce((a, b) -> b).orElse("").split(" ");
                    if (t.length == 2) cpu = Double.parseDouble(t[0]) + Double.parseDouble(t[1]);
                }
                return new Timing(first, whole, cpu);
            }
        }
    }

    /** Many sleeping tasks in flight at once in poolkit's AsyncPool: its memory per task in flight. */
    @Command(name = "inflight", description = "Runs N tasks that each sleep, all in flight at once in AsyncPool, writes one JSON line each,"
            + " and prints how many were in flight at once.")
    static final class Inflight implements Callable<Integer> {
        @Option(names = "-n", defaultValue = "100000", description = "Tasks, and the pool's concurrency (default: ${DEFAULT-VALUE}).") int tasks;
        @Option(names = "--sleep-ms", defaultValue = "2000", description = "How long each task sleeps (default: ${DEFAULT-VALUE}).") int sleepMillis;
        @Option(names = "-o", required = true) Path output;

        @Override
        public Integer call() throws Exception {
            if (tasks < 1) throw new Job.UsageError("-n must be >= 1, got " + tasks);
            if (sleepMillis < 0) throw new Job.UsageError("--sleep-ms must be >= 0, got " + sleepMillis);
            var inFlight = new AtomicInteger();
            var peak = new AtomicInteger();
            long start = System.nanoTime();
            try (var pool = AsyncPool.of(tasks, item -> {
                peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(sleepMillis);
                } finally {
                    inFlight.decrementAndGet();
                }
                return Fields.of();
            }); var out = JsonLines.writer(output, false)) {
                pool.run(IntStream.rangeClosed(1, tasks).mapToObj(i -> "task-" + i).iterator(), out);
            }
            System.out.printf(Locale.ROOT, "peak in flight: %d%ntasks: %d in %.2f s%n", peak.get(), tasks, (System.nanoTime() - start) / 1e9);
            return 0;
        }
    }

    public static void main(String[] args) {
        System.exit(Job.commandLine(new Bench()).execute(args));
    }
}
