///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//DEPS dev.poolkit:poolkit:0.1.0
//DEPS info.picocli:picocli:4.7.7
//DESCRIPTION Benchmarks the four templates and a plain java.net.http loop against a local server.

import dev.poolkit.DemoSite;
import dev.poolkit.cli.Job;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs named workloads through each template, exactly as a user runs it ({@code ./jbang
 * templates/NAME.java -i urls -o out}), and through a plain java.net.http loop without poolkit,
 * against nginx on 127.0.0.1 (or the demo site when nginx is missing), and prints a table.
 *
 * Needs, for real figures: {@code apt-get install nginx libnginx-mod-http-echo time wrk}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = {Bench.Baseline.class, Bench.Startup.class},
        description = {"Benchmarks the templates and a plain java.net.http loop (the baseline) against a local server.",
                "For real figures install the server first: apt-get install nginx libnginx-mod-http-echo time wrk"})
class Bench implements Callable<Integer> {
    // Set by ./jbang; run from the checkout's root otherwise.
    static final Path ROOT = Path.of(System.getenv().getOrDefault("POOLKIT_ROOT", ".")).toAbsolutePath().normalize();

    /** A named workload: how many pages, the server's delay per page, and the concurrency. */
    record Workload(String name, int pages, int delayMillis, int concurrency) {}

    static final Map<String, Workload> WORKLOADS = new LinkedHashMap<>();

    static {
        for (var w : List.of(new Workload("20k", 20_000, 0, 64), new Workload("200k", 200_000, 0, 64),
                new Workload("delay-10k", 10_000, 50, 1_000), new Workload("delay-2k", 2_000, 50, 100))) {
            WORKLOADS.put(w.name(), w);
        }
    }

    @Option(names = "--workloads", split = ",", defaultValue = "20k,200k,delay-10k,delay-2k",
            description = "Workloads to run, of: 20k, 200k (pages at c=64), delay-10k (50 ms, c=1000), delay-2k (50 ms, c=100). Default: all.")
    List<String> workloads;

    @Option(names = "--targets", split = ",", defaultValue = "baseline,async,threads,hybrid,processes",
            description = "What to run: baseline (plain java.net.http loop, no poolkit), async, threads, hybrid, processes. Default: all.")
    List<String> targets;

    @Option(names = "--runs", defaultValue = "3", description = "Runs of each; the table shows medians (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--processes", defaultValue = "8",
            description = "-p for the processes template, whose workers take one item at a time (default: ${DEFAULT-VALUE}); hybrid uses 2 x (c/2).")
    int processes;

    @Override
    public Integer call() throws Exception {
        for (String w : workloads) {
            if (!WORKLOADS.containsKey(w)) throw new Job.UsageError("unknown workload: " + w + " (choose from " + WORKLOADS.keySet() + ")");
        }
        for (String t : targets) {
            if (!List.of("baseline", "async", "threads", "hybrid", "processes").contains(t)) {
                throw new Job.UsageError("unknown target: " + t + " (choose from baseline, async, threads, hybrid, processes)");
            }
        }
        if (runs < 1) throw new Job.UsageError("--runs must be >= 1, got " + runs);
        boolean haveTime = Files.isExecutable(Path.of("/usr/bin/time"));
        if (!haveTime) System.err.println("bench: warning: /usr/bin/time is missing (apt-get install time): no CPU figures");

        try (Server server = Server.start()) {
            System.out.println(machine(server));
            Path work = Files.createTempDirectory("poolkit-bench");
            for (String name : workloads) {
                Workload w = WORKLOADS.get(name);
                Path urls = work.resolve(name + ".txt");
                String path = w.delayMillis() > 0 ? "/slow/" : "/page/";
                if (w.delayMillis() > 0 && !server.delays()) {
                    System.err.println("bench: warning: this server has no delayed pages (install libnginx-mod-http-echo): skipping " + name);
                    continue;
                }
                try (BufferedWriter out = Files.newBufferedWriter(urls)) {
                    for (int i = 1; i <= w.pages(); i++) out.write(server.url() + path + i + "\n");
                }
                System.out.printf(Locale.ROOT, "%n### %s: %,d pages, %d ms server delay, concurrency %d%n%n", name, w.pages(), w.delayMillis(), w.concurrency());
                System.out.println("| target | command | wall s | req/s (whole run) | req/s (steady) | CPU s / 1k req | peak RSS MB | p50 ms | p99 ms | errors |");
                System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
                for (String target : targets) {
                    List<String> command = command(target, w, urls, work.resolve("out.jsonl"));
                    List<Measure> measures = new ArrayList<>();
                    for (int r = 0; r < runs; r++) measures.add(Measure.run(command, work, w.pages(), haveTime));
                    System.out.println(Measure.row(target, shortCommand(target, w), measures));
                }
                String wrk = wrk(server.url() + path + "1", w.concurrency());
                if (wrk != null) System.out.println("| wrk (ceiling) | `wrk -t2 -c" + w.concurrency() + " -d5s` | | " + wrk + " | | | | | | |");
            }
        }
        return 0;
    }

    List<String> command(String target, Workload w, Path urls, Path out) {
        var cmd = new ArrayList<String>();
        cmd.add(ROOT.resolve("jbang").toString());
        String script = target.equals("baseline") ? "scripts/bench.java" : "templates/" + target + ".java";
        cmd.add(ROOT.resolve(script).toString());
        if (target.equals("baseline")) cmd.add("baseline");
        cmd.addAll(List.of("-i", urls.toString(), "-o", out.toString()));
        if (!target.equals("baseline")) cmd.addAll(List.of("--overwrite", "-q"));
        cmd.addAll(switch (target) {
            case "async", "threads", "baseline" -> List.of("-c", String.valueOf(w.concurrency()));
            case "hybrid" -> List.of("-p", "2", "-t", String.valueOf(Math.max(1, w.concurrency() / 2)));
            default -> List.of("-p", String.valueOf(processes));
        });
        return cmd;
    }

    String shortCommand(String target, Workload w) {
        return "`" + switch (target) {
            case "baseline" -> "bench.java baseline -c " + w.concurrency();
            case "hybrid" -> "hybrid -p 2 -t " + Math.max(1, w.concurrency() / 2);
            case "processes" -> "processes -p " + processes;
            default -> target + " -c " + w.concurrency();
        } + "`";
    }

    static String machine(Server server) throws IOException, InterruptedException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        String load = Files.readString(Path.of("/proc/loadavg")).strip();
        return String.format(Locale.ROOT, "## poolkit bench%n%ndate %s; %d cores (%s); java %s; server: %s; load average at start: %s%s",
                java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).withNano(0), Runtime.getRuntime().availableProcessors(), cpu,
                System.getProperty("java.version"), server.describe(), load,
                Double.parseDouble(load.split(" ")[0]) > 0.5 ? " (the machine was busy: compare ratios within one run)" : "");
    }

    static String wrk(String url, int connections) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/wrk"))) return null;
        var p = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d5s", url).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        Matcher m = Pattern.compile("Requests/sec:\\s+([\\d.]+)").matcher(out);
        return m.find() ? String.format(Locale.ROOT, "%,.0f", Double.parseDouble(m.group(1))) : null;
    }

    /** One run of one command: times, CPU, memory and the latencies in what it wrote. */
    record Measure(double wallSeconds, double steadyRate, double cpuSeconds, long peakRssKb, long p50, long p99, long errors, long records) {
        static Measure run(List<String> command, Path work, int expected, boolean haveTime) throws Exception {
            Path out = Path.of(command.get(command.indexOf("-o") + 1));
            Files.deleteIfExists(out);
            Path timing = work.resolve("time.txt");
            var full = new ArrayList<String>();
            if (haveTime) full.addAll(List.of("/usr/bin/time", "-f", "%U %S", "-o", timing.toString()));
            full.addAll(command);
            long start = System.nanoTime();
            Process p = new ProcessBuilder(full).redirectOutput(ProcessBuilder.Redirect.DISCARD)
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
            long[] millis;
            long errors = 0, records = 0;
            var latencies = new ArrayList<Long>();
            for (String line : Files.readAllLines(out)) {
                records++;
                if (!line.contains("\"ok\":true")) errors++;
                Matcher m = MILLIS.matcher(line);
                if (m.find()) latencies.add(Long.parseLong(m.group(1)));
            }
            millis = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            if (records != expected) {
                System.err.println("bench: warning: " + records + " records for " + expected + " items from " + command
                        + "\n" + Files.readString(work.resolve("stderr.txt")));
            }
            double steadySeconds = (doneAt - quarterAt) / 1e9;
            return new Measure((end - start) / 1e9, steadySeconds > 0.2 ? (expected - expected / 4) / steadySeconds : Double.NaN,
                    cpu, peakRss, percentile(millis, 50), percentile(millis, 99), errors + (expected - records), records);
        }

        static final Pattern MILLIS = Pattern.compile("\"millis\":(\\d+)");

        static long percentile(long[] sorted, int p) {
            return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
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
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
                }
            } catch (IOException | NumberFormatException gone) {
                // the process ended between listing and reading
            }
            return 0;
        }

        static String row(String target, String command, List<Measure> ms) {
            return String.format(Locale.ROOT, "| %s | %s | %.2f | %,.0f | %,.0f | %s | %.0f | %d | %d | %d |",
                    target, command, median(ms, Measure::wallSeconds), ms.getFirst().records() / median(ms, Measure::wallSeconds),
                    median(ms, Measure::steadyRate),
                    median(ms, Measure::cpuSeconds) < 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", median(ms, Measure::cpuSeconds) * 1000 / ms.getFirst().records()),
                    median(ms, m -> m.peakRssKb() / 1024.0), (long) median(ms, m -> m.p50()), (long) median(ms, m -> m.p99()),
                    ms.stream().mapToLong(Measure::errors).max().orElse(0));
        }

        static double median(List<Measure> ms, java.util.function.ToDoubleFunction<Measure> f) {
            double[] v = ms.stream().mapToDouble(f).sorted().toArray();
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }
    }

    /** nginx on 127.0.0.1 with a config of our own, or the demo site when nginx is not installed. */
    static final class Server implements AutoCloseable {
        private final Process nginx;
        private final DemoSite site;
        private final String url;
        private final boolean delays;

        private Server(Process nginx, DemoSite site, String url, boolean delays) {
            this.nginx = nginx;
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
                return new Server(null, site, site.url(), false);
            }
            int port;
            try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path dir = Files.createTempDirectory("poolkit-bench-nginx");
            Path echo = Path.of("/usr/lib/nginx/modules/ngx_http_echo_module.so");
            boolean delays = Files.exists(echo);
            String body = "<!doctype html><html><head><title>Bench page</title></head><body><p>" + "poolkit ".repeat(240) + "</p></body></html>";
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
                        %4$s
                      }
                    }
                    """.formatted(dir, port, body, delays ? "location /slow/ { default_type text/html; echo_sleep 0.05; echo '" + body + "'; }" : "");
            Files.writeString(dir.resolve("nginx.conf"), conf);
            Files.createDirectories(dir.resolve("tmp"));
            Process p = new ProcessBuilder(nginxBin.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(), "-e", dir.resolve("error.log").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
            String url = "http://127.0.0.1:" + port;
            var client = HttpClient.newHttpClient();
            for (int i = 0; ; i++) {
                try {
                    client.send(HttpRequest.newBuilder(URI.create(url + "/page/1")).build(), HttpResponse.BodyHandlers.discarding());
                    break;
                } catch (IOException notYet) {
                    if (i > 50 || !p.isAlive()) throw new IllegalStateException("nginx did not start: " + Files.readString(dir.resolve("nginx.out")));
                    Thread.sleep(100);
                }
            }
            return new Server(p, null, url, delays);
        }

        String url() {
            return url;
        }

        boolean delays() {
            return delays;
        }

        String describe() throws IOException, InterruptedException {
            if (nginx == null) return "poolkit demo site (nginx missing)";
            var v = new ProcessBuilder("/usr/sbin/nginx", "-v").redirectErrorStream(true).start();
            String version = new String(v.getInputStream().readAllBytes()).strip();
            v.waitFor();
            return version + ", 1 worker, ~2 KB pages" + (delays ? "" : " (no echo module: no delayed pages)");
        }

        @Override
        public void close() {
            if (nginx != null) nginx.destroy();
            if (site != null) site.close();
        }
    }

    /** The baseline: a plain java.net.http loop, bounded by a semaphore, with no poolkit in the way. */
    @Command(name = "baseline", description = "Fetches every URL with a plain java.net.http loop (no poolkit) and writes one line each.")
    static final class Baseline implements Callable<Integer> {
        @Option(names = "-i", required = true) Path input;
        @Option(names = "-o", required = true) Path output;
        @Option(names = "-c", defaultValue = "64") int concurrency;

        @Override
        public Integer call() throws Exception {
            var client = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor())
                    .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            var slots = new Semaphore(concurrency);
            try (var out = Files.newBufferedWriter(output, StandardCharsets.UTF_8);
                 var lines = Files.lines(input);
                 var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                for (String url : (Iterable<String>) lines::iterator) {
                    slots.acquire();
                    executor.execute(() -> {
                        long start = System.nanoTime();
                        String line;
                        try {
                            var response = client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
                            line = "{\"item\":\"" + url + "\",\"ok\":" + (response.statusCode() < 400) + ",\"status\":" + response.statusCode()
                                    + ",\"millis\":" + (System.nanoTime() - start) / 1_000_000 + ",\"bytes\":" + response.body().length + "}\n";
                        } catch (Exception e) {
                            line = "{\"item\":\"" + url + "\",\"ok\":false,\"millis\":" + (System.nanoTime() - start) / 1_000_000 + "}\n";
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

    public static void main(String[] args) {
        System.exit(Job.commandLine(new Bench()).execute(args));
    }
}
