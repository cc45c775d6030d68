///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//DEPS dev.poolkit:poolkit:0.2.0
//DEPS info.picocli:picocli:4.7.7
//DEPS org.apache.httpcomponents.client5:httpclient5:5.6.5
//DEPS org.eclipse.jetty:jetty-client:12.1.14
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
// This file holds the command line and the tables; bench/ holds what they are made of: the
// targets and workloads tables, the server, the engines, and the measures of a run.
//SOURCES bench/Target.java bench/Workload.java bench/Server.java bench/Engine.java
//SOURCES bench/Jbang.java bench/Measure.java bench/Timing.java bench/CpuTime.java bench/Stats.java bench/Issue15.java
//DESCRIPTION Benchmarks the four templates, plain loops of several HTTP engines, and poolkit at scale, against a local server.

package poolkit.bench;

import dev.poolkit.AsyncPool;
import dev.poolkit.Fields;
import dev.poolkit.JsonLines;
import dev.poolkit.cli.Job;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

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
    @Option(names = "--workloads", split = ",", defaultValue = "20k,200k,delay-10k,delay-2k,inflight-100k,lines-10m",
            description = "Workloads to run, of: 20k, 200k (pages at c=64), delay-10k (50 ms, c=1000), delay-2k (50 ms, c=100),"
                    + " inflight-100k (100,000 sleeping tasks at once in AsyncPool), lines-10m (10,000,000 input lines through the async template)."
                    + " Default: all of those. Also: throttle-400 (--auto-throttle against --per-host 1 on a server with room for 4, 429 beyond),"
                    + " crawl-10k (10,000 static pages under nginx crawled with --depth from their root, and given as a list),"
                    + " progress-200k (the async template on 200k pages with and without its per-record statistics and progress line, interleaved),"
                    + " issue15 (issue 15's targets: 20k and 200k pages at c=64, 10k pages of 50 ms at c=1000, templates against the jdk loop, interleaved round by round, --runs rounds),"
                    + " queue-20k, queue-200k (the async template on 20k or 200k pages alone, as 3 workers on one job in a redis-server the bench starts,"
                    + " and as 3 JVMs each given a third of the pages without Redis, interleaved).")
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
            if (!Workload.ALL.containsKey(w)) throw new Job.UsageError("unknown workload: " + w + " (choose from " + Workload.ALL.keySet() + ")");
        }
        var chosen = new LinkedHashSet<Target>();
        for (String t : targets) {
            if (Target.GROUPS.containsKey(t)) chosen.addAll(Target.GROUPS.get(t));
            else if (Target.named(t) != null) chosen.add(Target.named(t));
            else throw new Job.UsageError("unknown target: " + t + " (choose from engines, templates, " + String.join(", ", Target.names(Target.ENGINES))
                        + ", " + String.join(", ", Target.names(Target.TEMPLATES)) + ")");
        }
        if (runs < 1) throw new Job.UsageError("--runs must be >= 1, got " + runs);
        if (processes < 1) throw new Job.UsageError("--processes must be >= 1, got " + processes);
        if (size != null && size < 1) throw new Job.UsageError("--size must be >= 1, got " + size);
        boolean haveTime = CpuTime.available();
        if (!haveTime) System.err.println("bench: warning: /usr/bin/time is missing (apt-get install time): no CPU figures");

        Path work = Files.createTempDirectory("poolkit-bench");
        try (Server server = Server.start()) {
            System.out.println(machine(server));
            for (String name : workloads) {
                Workload w = size == null ? Workload.ALL.get(name) : Workload.ALL.get(name).withSize(size);
                if (w.name().equals("issue15")) new Issue15(this, server, work, haveTime).run(runs, size);
                else if (w.name().startsWith("throttle")) throttle(w, work, haveTime);
                else if (w.name().startsWith("progress")) progress(w, server, work, haveTime);
                else if (w.name().startsWith("crawl")) crawl(w, server, work, haveTime);
                else if (w.name().startsWith("queue")) queue(w, server, work, haveTime);
                else if (w.scale()) scale(w, work, haveTime);
                else pages(w, List.copyOf(chosen), server, work, haveTime);
            }
        } finally {
            deleteTree(work);
        }
        return 0;
    }

    static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    static final String HEADER = "| target | command | wall s | req/s (whole run) | req/s (steady) | CPU s / 1k req | peak RSS MB | p50 ms | p99 ms | errors | conns |";
    static final String RULE = "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

    /** One page workload: every target in turn, then wrk. */
    void pages(Workload w, List<Target> targets, Server server, Path work, boolean haveTime) throws Exception {
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
        for (Target target : targets) {
            List<String> command = jbang(Jbang.ROOT.resolve(target.script()),
                    target.args(urls, work.resolve("out.jsonl"), w.concurrency(), processes));
            Jbang.build(command);
            List<Measure> measures = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                long accepts = server.accepts();
                Measure m = Measure.run(command, work, w.size(), haveTime);
                measures.add(m.withConnections(accepts < 0 ? -1 : server.accepts() - accepts - 1));
            }
            System.out.println(row(target.name(), target.shortCommand(w.concurrency(), processes), measures));
        }
        String wrk = Server.wrk(server.url() + path + "1", w.concurrency());
        if (wrk != null) System.out.println("| wrk (ceiling) | `wrk -t2 -c" + w.concurrency() + " -d5s` | | " + wrk + " | | | | | | | |");
    }

    /** One scale workload: poolkit alone in its own JVM, for its memory and time. */
    void scale(Workload w, Path work, boolean haveTime) throws Exception {
        Path out = work.resolve("out.jsonl");
        List<String> command;
        String shortCommand;
        String target;
        boolean inflight = w.name().startsWith("inflight");
        if (inflight) {
            command = jbang(Jbang.ROOT.resolve("scripts/bench.java"), List.of("inflight", "-n", String.valueOf(w.size()),
                    "--sleep-ms", String.valueOf(w.delayMillis()), "-o", out.toString()));
            shortCommand = "`bench@. inflight -n " + w.size() + " --sleep-ms " + w.delayMillis() + "`";
            target = "AsyncPool.of(" + w.size() + ", sleep)";
        } else {
            Path script = trivialAsync(work);
            Path input = work.resolve("big.txt");
            try (BufferedWriter in = Files.newBufferedWriter(input)) {
                for (int i = 1; i <= w.size(); i++) in.write("item-" + i + "\n");
            }
            command = jbang(script, List.of("-i", input.toString(), "-o", out.toString()));
            shortCommand = "`TrivialAsync.java -i big.txt -o out.jsonl`";
            target = "async template, trivial handler";
        }
        System.out.printf(Locale.ROOT, "%n### %s: %,d %s%n%n", w.name(), w.size(), w.about());
        System.out.printf(Locale.ROOT, "Each command ran as `./jbang %sCOMMAND`%s; load average before: %s.%n%n", jvm(),
                !inflight ? ", TrivialAsync.java being templates/async.java with `return Fields.of(\"length\", url.length());`"
                        + " as handle()'s body, big.txt holding the lines item-1 to item-" + w.size() : "", load());
        System.out.println(HEADER.replace("req", "items").replace("| conns |", inflight ? "| in flight |" : "| records |"));
        System.out.println(RULE);
        Jbang.build(command);
        List<Measure> measures = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            Measure m = Measure.run(command, work, w.size(), haveTime);
            // The inflight command reports on stdout how many tasks were in flight at once.
            Matcher peak = Pattern.compile("peak in flight: (\\d+)").matcher(Files.readString(work.resolve("stdout.txt")));
            measures.add(m.withConnections(!inflight ? m.records() : peak.find() ? Long.parseLong(peak.group(1)) : -1));
        }
        System.out.println(row(target, shortCommand, measures));
        Files.deleteIfExists(out);
        Files.deleteIfExists(work.resolve("big.txt"));
    }

    /**
     * The throttle workload: the async template at -c 16 against the demo site's busy route (room
     * for 4 at once, 429 beyond, each answer held 50 ms), with --auto-throttle and with a fixed
     * --per-host 1 (the safe setting without it). The demo site runs in this JVM.
     */
    void throttle(Workload w, Path work, boolean haveTime) throws Exception {
        try (var site = dev.poolkit.demo.DemoSite.start(1, 0)) {
            Path urls = work.resolve("busy.txt");
            try (BufferedWriter out = Files.newBufferedWriter(urls)) {
                for (int i = 1; i <= w.size(); i++) out.write(site.url() + "/fault/busy/4/" + i + "\n");
            }
            System.out.printf(Locale.ROOT, "%n### %s: %,d %s%n%n", w.name(), w.size(), w.about());
            System.out.printf(Locale.ROOT, "Each command ran as `./jbang %stemplates/async.java -i busy.txt -o out.jsonl --overwrite -q -c %d OPTIONS`,"
                    + " busy.txt holding %s/fault/busy/4/1 to /%d; errors are items that still had a 429 after their retries; load average before: %s.%n%n",
                    jvm(), w.concurrency(), site.url(), w.size(), load());
            System.out.println(HEADER.replace("| conns |", "| retries |"));
            System.out.println(RULE);
            for (List<String> options : List.of(List.of("--auto-throttle", "--per-host", "16"), List.of("--per-host", "1"), List.of("--per-host", "16"))) {
                var args = new ArrayList<>(List.of("-i", urls.toString(), "-o", work.resolve("out.jsonl").toString(), "--overwrite", "-q",
                        "-c", String.valueOf(w.concurrency())));
                args.addAll(options);
                List<String> command = jbang(Jbang.ROOT.resolve("templates/async.java"), args);
                Jbang.build(command);
                List<Measure> measures = new ArrayList<>();
                for (int r = 0; r < runs; r++) {
                    Measure m = Measure.run(command, work, w.size(), haveTime);
                    measures.add(m.withConnections(retries(work.resolve("out.jsonl"))));
                }
                System.out.println(row("async", "`" + String.join(" ", options) + "`", measures));
            }
        }
    }

    /**
     * The progress workload (issue 12: the progress line and the summary must not slow the 200k
     * run by more than 2 %): the async template at c=64 on 200k pages in three arms, interleaved
     * run by run (the order turns each round, so that no arm is always first): {@code bare}, whose
     * records go straight to the output ({@code POOLKIT_BENCH_BARE=1}: no statistics, no stop lock,
     * no progress line), {@code -q} (statistics and stop lock per record, as the other tables run
     * the templates) and no {@code -q} (also the progress line every 5 s, the input's lines counted
     * in the background, the summary). The AOT cache is off in every arm: each arm is its own
     * launch, and its first run would otherwise pay for recording one. CPU is the measure to trust
     * on a shared machine; each arm's difference is also taken round by round against bare.
     */
    void progress(Workload w, Server server, Path work, boolean haveTime) throws Exception {
        Path urls = work.resolve(w.name() + ".txt");
        try (BufferedWriter out = Files.newBufferedWriter(urls)) {
            for (int i = 1; i <= w.size(); i++) out.write(server.url() + "/page/" + i + "\n");
        }
        System.out.printf(Locale.ROOT, "%n### %s: %,d %s%n%n", w.name(), w.size(), w.about());
        System.out.printf(Locale.ROOT, "Each command ran as `env POOLKIT_AOT=off ENV ./jbang %stemplates/async.java -i urls.txt -o out.jsonl --overwrite -c %d OPTIONS`,"
                + " urls.txt holding %s/page/1 to %s/page/%d, the arms interleaved (%d rounds); load average before: %s.%n%n",
                jvm(), w.concurrency(), server.url(), server.url(), w.size(), runs, load());
        System.out.println(HEADER.replace("| conns |", "| CPU vs bare, by round |"));
        System.out.println(RULE);
        record Arm(String name, String env, List<String> options) {
        }
        List<Arm> arms = List.of(new Arm("bare", "POOLKIT_BENCH_BARE=1", List.of("-q")), new Arm("-q", "", List.of("-q")),
                new Arm("progress line", "", List.of()));
        var commands = new ArrayList<List<String>>();
        for (Arm arm : arms) {
            var args = new ArrayList<>(List.of("-i", urls.toString(), "-o", work.resolve("out.jsonl").toString(), "--overwrite",
                    "-c", String.valueOf(w.concurrency())));
            args.addAll(arm.options());
            List<String> command = jbang(Jbang.ROOT.resolve("templates/async.java"), args);
            Jbang.build(command);
            var env = new ArrayList<>(List.of("env", "POOLKIT_AOT=off"));
            if (!arm.env().isEmpty()) env.add(arm.env());
            env.addAll(command);
            commands.add(env);
        }
        // One short unmeasured run of each arm first: the first run after a build reads cold jars.
        Path few = work.resolve(w.name() + "-warm-up.txt");
        Files.write(few, Files.readAllLines(urls).subList(0, Math.min(w.size(), 10_000)));
        for (List<String> command : commands) {
            var warmUp = new ArrayList<>(command);
            warmUp.set(warmUp.indexOf("-i") + 1, few.toString());
            Measure.run(warmUp, work, Math.min(w.size(), 10_000), false);
        }
        var measures = new ArrayList<List<Measure>>();
        arms.forEach(a -> measures.add(new ArrayList<>()));
        for (int r = 0; r < runs; r++) {
            for (int k = 0; k < arms.size(); k++) {
                int a = (k + r) % arms.size();
                measures.get(a).add(Measure.run(commands.get(a), work, w.size(), haveTime));
            }
        }
        for (int a = 0; a < arms.size(); a++) {
            var byRound = new ArrayList<String>();
            for (int r = 0; r < runs && a > 0 && haveTime; r++) {
                double bare = measures.get(0).get(r).cpuSeconds();
                byRound.add(String.format(Locale.ROOT, "%+.1f %%", (measures.get(a).get(r).cpuSeconds() - bare) * 100 / bare));
            }
            String env = arms.get(a).env().isEmpty() ? "" : arms.get(a).env() + " ";
            String options = arms.get(a).options().isEmpty() ? "(no -q)" : String.join(" ", arms.get(a).options());
            System.out.println(row("async", "`" + env + options + "`", measures.get(a))
                    .replaceFirst("\\| [^|]* \\|$", "| " + (a == 0 ? "" : String.join(", ", byRound)) + " |"));
        }
        for (int a = 0; a < arms.size(); a++) {
            var cpu = new ArrayList<String>();
            for (Measure m : measures.get(a)) cpu.add(String.format(Locale.ROOT, "%.1f", m.cpuSeconds()));
            System.out.println("CPU s by round, " + arms.get(a).name() + ": " + String.join(", ", cpu) + (a == arms.size() - 1 ? "" : "  "));
        }
    }

    /**
     * The crawl workload: N static pages under nginx, /tree/1 to /tree/N (the bench reads an item's
     * number off its end), page i linking its children 10i-8 to 10i+1, its parent and the root, so that the whole tree is reachable from the root within D links.
     * The async template, same -c, runs them twice: crawled ({@code --depth D} from the root: each
     * page parsed by jsoup for its links, deduped and journalled by the frontier, robots.txt asked
     * for) and given as a list (no parsing, no frontier): the difference is what following costs.
     */
    void crawl(Workload w, Server server, Path work, boolean haveTime) throws Exception {
        Path tree = server.tree();
        if (tree == null) {
            System.err.println("bench: warning: the crawl workload needs nginx (apt-get install nginx): skipping " + w.name());
            return;
        }
        int n = w.size(), depth = 0;
        for (long last = 1; last < n; last = last * 10 + 1) depth++;
        String filler = "<p>" + "poolkit ".repeat(200) + "</p>";
        Path urls = work.resolve("tree.txt");
        try (BufferedWriter list = Files.newBufferedWriter(urls)) {
            for (int i = 1; i <= n; i++) {
                var page = new StringBuilder("<!doctype html><html><head><title>Tree page " + i + "</title></head><body>");
                if (i > 1) page.append("<a href=\"1\">root</a> <a href=\"").append((i - 2) / 10 + 1).append("\">up</a>");
                for (long c = 10L * i - 8; c <= 10L * i + 1 && c <= n; c++) page.append(" <a href=\"").append(c).append("\">page ").append(c).append("</a>");
                Files.writeString(tree.resolve(String.valueOf(i)), page.append(filler).append("</body></html>"));
                list.write(server.url() + "/tree/" + i + "\n");
            }
        }
        String root = server.url() + "/tree/1";
        System.out.printf(Locale.ROOT, "%n### %s: %,d %s%n%n", w.name(), n, w.about());
        System.out.printf(Locale.ROOT, "Each command ran as `./jbang %stemplates/async.java OPTIONS -o out.jsonl --overwrite -q -c %d`: crawled from"
                + " %s (page i links i*10-8 to i*10+1, its parent and the root; ~2 KB pages), or given the same %,d pages as a list;"
                + " load average before: %s.%n%n", jvm(), w.concurrency(), root, n, load());
        System.out.println(HEADER.replace("req", "pages"));
        System.out.println(RULE);
        for (List<String> options : List.of(List.of(root, "--depth", String.valueOf(depth)), List.of("-i", urls.toString()))) {
            var args = new ArrayList<>(options);
            args.addAll(List.of("-o", work.resolve("out.jsonl").toString(), "--overwrite", "-q", "-c", String.valueOf(w.concurrency())));
            List<String> command = jbang(Jbang.ROOT.resolve("templates/async.java"), args);
            Jbang.build(command);
            List<Measure> measures = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                long accepts = server.accepts();
                Measure m = Measure.run(command, work, n, haveTime);
                measures.add(m.withConnections(accepts < 0 ? -1 : server.accepts() - accepts - 1));
            }
            String shown = options.getFirst().equals(root) ? "ROOT --depth " + depth : "-i tree.txt";
            System.out.println(row("async", "`" + shown + "`", measures));
        }
        Files.deleteIfExists(work.resolve("out.jsonl"));
    }

    /**
     * The queue workload (issue 14: HTTP through Redis within 15 % of the same template without
     * {@code --queue}): the async template at c on N pages, alone ({@code -i urls.txt}), and as 3
     * workers on one job ({@code --queue}, each at the same -c, started together once {@code
     * queue push} has loaded the job: the push is timed apart), and as 3 JVMs started together, each
     * given a third of the pages without Redis (what three workers cost on these cores before the
     * queue costs anything: the fair yardstick for the queue's own cost), interleaved round by round. Redis is
     * a redis-server from PATH on a free port, no persistence, started here and stopped after. The
     * queue arm's wall time is from the workers' start to the last one's exit; its CPU is the three
     * workers'; its records are the job's export, checked for one per item.
     */
    void queue(Workload w, Server server, Path work, boolean haveTime) throws Exception {
        Path redisServer = Stream.of(System.getenv("PATH").split(":")).map(d -> Path.of(d, "redis-server")).filter(Files::isExecutable)
                .findFirst().orElse(null);
        if (redisServer == null) {
            System.err.println("bench: warning: the queue workload needs redis-server on PATH (apt-get install redis-server): skipping " + w.name());
            return;
        }
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path redisDir = Files.createDirectories(work.resolve("redis"));
        Process redis = new ProcessBuilder(redisServer.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", redisDir.toString()).redirectErrorStream(true).redirectOutput(redisDir.resolve("log").toFile()).start();
        try {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (true) {
                try (var j = new redis.clients.jedis.Jedis("127.0.0.1", port)) {
                    j.ping();
                    break;
                } catch (redis.clients.jedis.exceptions.JedisConnectionException notYet) {
                    if (System.nanoTime() > deadline) throw new IllegalStateException("redis-server did not answer on port " + port);
                    Thread.sleep(50);
                }
            }
            Path urls = work.resolve(w.name() + ".txt");
            try (BufferedWriter out = Files.newBufferedWriter(urls)) {
                for (int i = 1; i <= w.size(); i++) out.write(server.url() + "/page/" + i + "\n");
            }
            int workers = 3;
            System.out.printf(Locale.ROOT, "%n### %s: %,d %s%n%n", w.name(), w.size(), w.about());
            System.out.printf(Locale.ROOT, "Alone: `./jbang %stemplates/async.java -i urls.txt -o out.jsonl --overwrite -q -c %d`; through Redis:"
                    + " `./jbang queue@. push redis://127.0.0.1:PORT/qN -i urls.txt`, then %d of `./jbang %stemplates/async.java --queue"
                    + " redis://127.0.0.1:PORT/qN -o wK.jsonl --overwrite -q -c %d` at once (wall: their start to the last exit; CPU: theirs;"
                    + " records: the job's export); without Redis: %d of `./jbang %stemplates/async.java -i third-K.txt -o tK.jsonl --overwrite -q -c %d`"
                    + " at once, third-K.txt holding pages K, K+%d, K+%d... urls.txt holds %s/page/1 to %s/page/%d; %d rounds interleaved; load average before: %s.%n%n",
                    jvm(), w.concurrency(), workers, jvm(), w.concurrency(), workers, jvm(), w.concurrency(), workers, 2 * workers, server.url(), server.url(), w.size(), runs, load());
            System.out.println(HEADER.replace("| conns |", "| push s |"));
            System.out.println(RULE);
            Path out = work.resolve("out.jsonl");
            List<String> alone = jbang(Jbang.ROOT.resolve("templates/async.java"),
                    List.of("-i", urls.toString(), "-o", out.toString(), "--overwrite", "-q", "-c", String.valueOf(w.concurrency())));
            Jbang.build(alone);
            Jbang.build(jbang(Jbang.ROOT.resolve("scripts/queue.java"), List.of("--help")));
            List<List<String>> thirds = new ArrayList<>();
            for (int i = 1; i <= workers; i++) {
                Path third = work.resolve("third-" + i + ".txt");
                try (BufferedWriter t = Files.newBufferedWriter(third)) {
                    for (int p = i; p <= w.size(); p += workers) t.write(server.url() + "/page/" + p + "\n");
                }
                thirds.add(jbang(Jbang.ROOT.resolve("templates/async.java"), List.of("-i", third.toString(),
                        "-o", work.resolve("t" + i + ".jsonl").toString(), "--overwrite", "-q", "-c", String.valueOf(w.concurrency()))));
            }
            List<Measure> aloneRuns = new ArrayList<>(), queueRuns = new ArrayList<>(), splitRuns = new ArrayList<>();
            List<Double> pushes = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                for (int k = 0; k < 3; k++) {
                    if ((k + r) % 3 == 0) {
                        aloneRuns.add(Measure.run(alone, work, w.size(), haveTime));
                        continue;
                    }
                    if ((k + r) % 3 == 2) {
                        // The fair yardstick for the queue's own cost: three JVMs on the same cores, each a third of the file, no Redis.
                        double[] ran = atOnce(thirds, work, haveTime);
                        Files.deleteIfExists(out);
                        for (int i = 1; i <= workers; i++) Files.write(out, Files.readAllBytes(work.resolve("t" + i + ".jsonl")), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                        Measure.Records recs = Measure.Records.read(out, w.size());
                        long missing = w.size() - (recs.records() - recs.duplicates() - recs.unknown());
                        splitRuns.add(new Measure(ran[0], Double.NaN, ran[1], (long) ran[2], Stats.percentile(recs.histogram(), 50), Stats.percentile(recs.histogram(), 99),
                                recs.failed() + recs.duplicates() + recs.unknown() + Math.max(0, missing), recs.records(), -1));
                        continue;
                    }
                    String job = "redis://127.0.0.1:" + port + "/q" + r;
                    long t0 = System.nanoTime();
                    Process push = new ProcessBuilder(jbang(Jbang.ROOT.resolve("scripts/queue.java"), List.of("push", job, "-i", urls.toString())))
                            .redirectErrorStream(true).redirectOutput(work.resolve("push.txt").toFile()).start();
                    if (push.waitFor() != 0) throw new IllegalStateException("queue push failed: " + Files.readString(work.resolve("push.txt")));
                    pushes.add((System.nanoTime() - t0) / 1e9);
                    List<List<String>> queueWorkers = new ArrayList<>();
                    for (int i = 1; i <= workers; i++) {
                        queueWorkers.add(jbang(Jbang.ROOT.resolve("templates/async.java"), List.of("--queue", job,
                                "-o", work.resolve("w" + i + ".jsonl").toString(), "--overwrite", "-q", "-c", String.valueOf(w.concurrency()))));
                    }
                    double[] ran = atOnce(queueWorkers, work, haveTime);
                    double wall = ran[0], cpu = ran[1];
                    long peakRss = (long) ran[2];
                    Files.deleteIfExists(out);
                    Process export = new ProcessBuilder(jbang(Jbang.ROOT.resolve("scripts/queue.java"), List.of("export", job, "-o", out.toString())))
                            .redirectErrorStream(true).redirectOutput(work.resolve("export.txt").toFile()).start();
                    if (export.waitFor() != 0) throw new IllegalStateException("queue export failed: " + Files.readString(work.resolve("export.txt")));
                    Measure.Records recs = Measure.Records.read(out, w.size());
                    long missing = w.size() - (recs.records() - recs.duplicates() - recs.unknown());
                    if (recs.records() != w.size() || recs.duplicates() + recs.unknown() > 0) {
                        System.err.println("bench: warning: the job's export has " + recs.records() + " records (" + recs.duplicates() + " repeated, "
                                + recs.unknown() + " unknown) for " + w.size() + " items; worker 1 said: " + Files.readString(work.resolve("stderr1.txt")));
                    }
                    queueRuns.add(new Measure(wall, Double.NaN, cpu, peakRss, Stats.percentile(recs.histogram(), 50), Stats.percentile(recs.histogram(), 99),
                            recs.failed() + recs.duplicates() + recs.unknown() + Math.max(0, missing), recs.records(), -1));
                }
            }
            System.out.println(row("async", "`-i urls.txt`", aloneRuns).replaceFirst("\\| [^|]* \\|$", "| |"));
            System.out.println(row("async x " + workers, "`-i third-K.txt`, no Redis", splitRuns).replaceFirst("\\| [^|]* \\|$", "| |"));
            double push = pushes.stream().mapToDouble(Double::doubleValue).sorted().skip(pushes.size() / 2).findFirst().orElse(Double.NaN);
            System.out.println(row("async x " + workers, "`--queue`", queueRuns).replaceFirst("\\| [^|]* \\|$",
                    String.format(Locale.ROOT, "| %.2f |", push)));
            var ratio = new ArrayList<String>();
            var fair = new ArrayList<String>();
            for (int r = 0; r < runs; r++) {
                ratio.add(String.format(Locale.ROOT, "%+.0f %%", (queueRuns.get(r).wallSeconds() / aloneRuns.get(r).wallSeconds() - 1) * 100));
                fair.add(String.format(Locale.ROOT, "%+.0f %%", (queueRuns.get(r).wallSeconds() / splitRuns.get(r).wallSeconds() - 1) * 100));
            }
            System.out.println("Wall time through Redis against alone, by round: " + String.join(", ", ratio)
                    + "; against three JVMs each on a third without Redis: " + String.join(", ", fair) + ".");
        } finally {
            redis.destroy();
            redis.waitFor();
        }
    }

    /**
     * Starts {@code commands} together and waits for the last: wall seconds (start to the last exit),
     * their CPU seconds (-1 without GNU time) and their peak RSS in kB, summed.
     */
    static double[] atOnce(List<List<String>> commands, Path work, boolean haveTime) throws Exception {
        List<Process> ps = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 1; i <= commands.size(); i++) {
            List<String> c = commands.get(i - 1);
            ps.add(new ProcessBuilder(haveTime ? CpuTime.wrap(c, work.resolve("time" + i + ".txt")) : c)
                    .redirectOutput(work.resolve("stdout" + i + ".txt").toFile())
                    .redirectError(work.resolve("stderr" + i + ".txt").toFile()).start());
        }
        long peakRss = 0;
        for (Process p : ps) {
            while (!p.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                long rss = 0;
                for (Process q : ps) rss += Measure.treeRssKb(q.toHandle());
                peakRss = Math.max(peakRss, rss);
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double cpu = 0;
        for (int i = 1; i <= commands.size(); i++) cpu = haveTime && cpu >= 0 ? cpu + CpuTime.seconds(work.resolve("time" + i + ".txt")) : -1;
        return new double[]{wall, cpu, peakRss};
    }

    /** The retries the records of {@code out} say were made: attempts - 1, summed. */
    static long retries(Path out) throws IOException {
        try (var records = JsonLines.read(out)) {
            return records.mapToLong(r -> r.get("attempts") instanceof Number n ? n.longValue() - 1 : 0).sum();
        }
    }

    /** A table's row: the medians of the runs, and the most errors any run had. */
    static String row(String target, String command, List<Measure> ms) {
        double wall = Stats.median(ms, Measure::wallSeconds);
        double cpu = Stats.median(ms, Measure::cpuSeconds);
        double steady = Stats.median(ms, Measure::steadyRate);
        long connections = (long) Stats.median(ms, Measure::connections);
        return String.format(Locale.ROOT, "| %s | %s | %.2f | %,.0f | %s | %s | %.0f | %d | %d | %d | %s |",
                target, command, wall, ms.getFirst().records() / wall,
                Double.isNaN(steady) ? "n/a" : String.format(Locale.ROOT, "%,.0f", steady),
                cpu < 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", cpu * 1000 / ms.getFirst().records()),
                Stats.median(ms, m -> m.peakRssKb() / 1024.0), (long) Stats.median(ms, Measure::p50), (long) Stats.median(ms, Measure::p99),
                ms.stream().mapToLong(Measure::errors).max().orElse(0), connections < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", connections));
    }

    /** templates/async.java with a handler that fetches nothing, to see the toolkit's own cost per item. */
    static Path trivialAsync(Path work) throws IOException {
        String template = Files.readString(Jbang.ROOT.resolve("templates/async.java"));
        Matcher body = Pattern.compile("(static Map<String, Object> handle\\(String url\\) throws Exception \\{\\n)(.*?)(\\n    }\\n)", Pattern.DOTALL)
                .matcher(template);
        if (!body.find()) throw new IllegalStateException("templates/async.java has no handle(String url) method to replace");
        Path script = work.resolve("TrivialAsync.java");
        Files.writeString(script, body.replaceFirst(Matcher.quoteReplacement(body.group(1) + "        return Fields.of(\"length\", url.length());" + body.group(3))));
        return script;
    }

    /** {@code ./jbang [--java-options=O]... SCRIPT ARGS...} */
    List<String> jbang(Path script, List<String> args) {
        var cmd = new ArrayList<String>();
        cmd.add(Jbang.ROOT.resolve("jbang").toString());
        if (javaOptions != null) {
            for (String o : javaOptions.strip().split("\\s+")) if (!o.isEmpty()) cmd.add("--java-options=" + o);
        }
        cmd.add(script.toString());
        cmd.addAll(args);
        return cmd;
    }

    /** How the commands were given JVM options, for the commands printed with the tables. */
    String jvm() {
        var options = new StringBuilder();
        for (String a : jbang(Path.of("x"), List.of())) if (a.startsWith("--java-options=")) options.append(a).append(' ');
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
                ZonedDateTime.now(ZoneOffset.UTC).withNano(0), cores, cpu,
                System.getProperty("java.version"), server.describe(), load,
                oneMinute > 0.5 ? String.format(Locale.ROOT, "%n%n**Warning: the machine was busy at start (load average %.2f on %d cores):"
                        + " these figures are noisy; compare ratios within one run.**", oneMinute, cores) : "");
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
                                throw new UncheckedIOException(e);
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
                if (!Target.names(Target.TEMPLATES).contains(t)) {
                    throw new Job.UsageError("unknown template: " + t + " (choose from " + String.join(", ", Target.names(Target.TEMPLATES)) + ")");
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
            boolean haveTime = CpuTime.available();
            try (Server server = Server.start()) {
                System.out.println(machine(server));
                Path work = Files.createTempDirectory("poolkit-startup");
                Path urls = work.resolve("urls.txt");
                try (BufferedWriter out = Files.newBufferedWriter(urls)) {
                    for (int i = 1; i <= pages; i++) out.write(server.url() + "/page/" + i + "\n");
                }
                List<String> oneUrl = List.of(server.url() + "/page/1", "-q");
                System.out.printf(Locale.ROOT, "%n### Start-up: one URL to first record, and %,d pages at c=64 (whole process)%n%n", pages);
                System.out.println("| template | set-up | cold start s (compiling) | warm start to first record s | one-URL run s | "
                        + String.format(Locale.ROOT, "%,d", pages) + " pages whole run s | its CPU s |");
                System.out.println("|---|---|---:|---:|---:|---:|---:|");
                for (String template : templates) {
                    // A copy of its own, so that the cold run compiles and the caches start empty.
                    Path dir = Files.createDirectories(work.resolve(template));
                    Path script = dir.resolve(template + "_startup.java");
                    Files.writeString(script, Files.readString(Jbang.ROOT.resolve("templates/" + template + ".java"))
                            + "// startup bench " + System.nanoTime() + "\n");
                    Path cache = dir.resolve("cache");
                    // The whole run as the bench's 20k workload runs it: c=64, and --processes' default.
                    List<String> wholeArgs = Target.named(template).args(urls, dir.resolve("out.jsonl"), 64, 8);
                    Timing cold = Timing.of(Jbang.launch(script, cache, Map.of(), false), dir, oneUrl, haveTime);
                    Jbang.awaitTraining(cache);
                    for (Setup setup : setups) {
                        List<String> base = Jbang.launch(script, cache, setup.env(), setup.direct());
                        var warm = new ArrayList<Timing>();
                        for (int r = 0; r < runs; r++) {
                            warm.add(Timing.of(base, dir, oneUrl, haveTime));
                            Jbang.awaitTraining(cache);
                        }
                        var whole = new ArrayList<Timing>();
                        for (int r = 0; pages > 0 && r < wholeRuns; r++) {
                            Timing t = Timing.of(base, dir, wholeArgs, haveTime);
                            long records;
                            try (var lines = Files.lines(dir.resolve("out.jsonl"))) {
                                records = lines.count();
                            }
                            if (records != pages) System.err.println("bench: warning: " + records + " records for " + pages + " pages from " + template);
                            whole.add(t);
                            Jbang.awaitTraining(cache);
                        }
                        System.out.printf(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f | %s | %s |%n", template, setup.name(),
                                setup == setups.getFirst() ? String.format(Locale.ROOT, "%.2f", cold.firstRecord()) : "",
                                Stats.median(warm, Timing::firstRecord), Stats.median(warm, Timing::whole),
                                whole.isEmpty() ? "" : String.format(Locale.ROOT, "%.2f", Stats.median(whole, Timing::whole)),
                                whole.isEmpty() || !haveTime ? "" : String.format(Locale.ROOT, "%.1f", Stats.median(whole, Timing::cpu)));
                    }
                }
                Jbang.awaitTraining(work);
                // the copies, their AOT caches (tens of MB each) and the outputs
                deleteTree(work);
            }
            return 0;
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
