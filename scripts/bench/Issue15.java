package poolkit.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Issue 15's targets in one command ({@code ./jbang bench@. --workloads issue15}): every command a
 * target compares runs in the same round, the order turned each round, so that a shared machine's
 * drift falls on all of them alike; the verdicts are ratios against the plain {@code jdk} loop of
 * the same rounds, launched the same way (through ./jbang, with launch and AOT caches of its own).
 *
 * <p>Each arm gets a fresh cache folder whose AOT cache is trained as a user's would be: by a
 * first run of a few items (100), unmeasured. The templates run short inputs (20k, 10k) on C1
 * only, as ./jbang chooses; the lever arms show the same runs on the JVM's default JIT
 * ({@code POOLKIT_JIT=default}), and with an AOT cache trained by a whole 20k run instead.
 */
final class Issue15 {
    /** One command of a group: its label, how the tables show it, its environment and arguments. */
    record Arm(String name, String shown, Map<String, String> env, Path script, List<String> args, String training) {
    }

    /** Commands measured together on one input. */
    record Group(String name, int size, int delayMillis, int concurrency, List<Arm> arms) {
    }

    private final Bench bench;
    private final Server server;
    private final Path work;
    private final boolean haveTime;

    Issue15(Bench bench, Server server, Path work, boolean haveTime) {
        this.bench = bench;
        this.server = server;
        this.work = work;
        this.haveTime = haveTime;
    }


    /** {@code size}: every group's pages, for a quick check of the bench itself; null: the issue's sizes. */
    void run(int rounds, Integer size) throws Exception {
        if (!server.delays()) System.err.println("bench: warning: no delayed pages (install libnginx-mod-http-echo): the c=1000 group is skipped");
        Path loops = Jbang.ROOT.resolve("scripts/bench.java");
        Path async = Jbang.ROOT.resolve("templates/async.java");
        BiFunction<String, Integer, List<String>> loop = (engine, c) -> List.of("loop", engine, "-c", String.valueOf(c));
        var groups = new ArrayList<Group>();
        Map<String, String> tiered = Map.of("POOLKIT_JIT", "default");
        groups.add(new Group("20k", 20_000, 0, 64, List.of(
                new Arm("jdk", "`bench@. loop jdk -c 64`", Map.of(), loops, loop.apply("jdk", 64), "few"),
                new Arm("async", "`async@. -c 64` (C1 only: a short input)", Map.of(), async, templateArgs("-c", "64"), "few"),
                new Arm("async, default JIT", "`POOLKIT_JIT=default async@. -c 64`", tiered, async, templateArgs("-c", "64"), "few"),
                new Arm("async, default JIT, AOT trained on 20k", "`POOLKIT_JIT=default async@. -c 64`, its AOT cache trained by a whole 20k run",
                        tiered, async, templateArgs("-c", "64"), "whole"),
                new Arm("processes", "`processes@. -p 2` (C1 only: a short input)", Map.of(), Jbang.ROOT.resolve("templates/processes.java"), templateArgs("-p", "2"), "few"))));
        if (server.delays()) {
            groups.add(new Group("delay-10k", 10_000, 50, 1_000, List.of(
                    new Arm("jdk", "`bench@. loop jdk -c 1000`", Map.of(), loops, loop.apply("jdk", 1000), "few"),
                    new Arm("async", "`async@. -c 1000` (C1 only: a short input)", Map.of(), async, templateArgs("-c", "1000"), "few"),
                    new Arm("async, default JIT", "`POOLKIT_JIT=default async@. -c 1000`", tiered, async, templateArgs("-c", "1000"), "few"))));
        }
        groups.add(new Group("200k", 200_000, 0, 64, List.of(
                new Arm("jdk", "`bench@. loop jdk -c 64`", Map.of(), loops, loop.apply("jdk", 64), "few"),
                new Arm("apache-async", "`bench@. loop apache-async -c 64`", Map.of(), loops, loop.apply("apache-async", 64), "few"),
                new Arm("async", "`async@. -c 64`", Map.of(), async, templateArgs("-c", "64"), "few"),
                new Arm("hybrid", "`hybrid@. -p 2 -t 32`", Map.of(), Jbang.ROOT.resolve("templates/hybrid.java"), templateArgs("-p", "2", "-t", "32"), "few"))));

        System.out.printf(Locale.ROOT, "%n### issue15: the targets of issue 15, %d interleaved rounds%n%n", rounds);
        System.out.printf(Locale.ROOT, "Each command ran as `./jbang %sCOMMAND -i urls.txt -o out.jsonl` (templates also get `--overwrite -q`),"
                + " all the commands of a group once per round, the order turned each round; each command has launch and AOT caches of its own,"
                + " trained by an unmeasured first run of 100 items (or, where said, of the whole input) before the first round;"
                + " load average before: %s.%n", bench.jvm(), Bench.load());
        var results = new LinkedHashMap<String, List<List<Measure>>>();
        for (Group g : groups) {
            results.put(g.name(), measure(size == null ? g : new Group(g.name(), size, g.delayMillis(), g.concurrency(), g.arms()), rounds));
        }
        verdicts(groups, results);
    }

    static List<String> templateArgs(String... concurrency) {
        return List.of(concurrency);
    }

    /** The arms of one group, round by round; prints the group's table. */
    private List<List<Measure>> measure(Group g, int rounds) throws Exception {
        String path = g.delayMillis() > 0 ? "/slow/" : "/page/";
        Path urls = work.resolve("issue15-" + g.name() + ".txt");
        Path few = work.resolve("issue15-" + g.name() + "-few.txt");
        try (BufferedWriter all = Files.newBufferedWriter(urls); BufferedWriter some = Files.newBufferedWriter(few)) {
            for (int i = 1; i <= g.size(); i++) {
                String line = server.url() + path + i + "\n";
                all.write(line);
                if (i <= Math.min(100, g.size())) some.write(line);
            }
        }
        Path out = work.resolve("out.jsonl");
        var commands = new ArrayList<List<String>>();
        for (int a = 0; a < g.arms().size(); a++) {
            Arm arm = g.arms().get(a);
            Path cache = work.resolve("issue15-cache-" + g.name() + "-" + a);
            List<String> lead = new ArrayList<>(List.of("-i", urls.toString(), "-o", out.toString()));
            if (!arm.script().endsWith("bench.java")) lead.addAll(List.of("--overwrite", "-q"));
            var args = new ArrayList<String>();
            if (arm.script().endsWith("bench.java")) {
                args.addAll(arm.args().subList(0, 2)); // loop ENGINE
                args.addAll(lead);
                args.addAll(arm.args().subList(2, arm.args().size()));
            } else {
                args.addAll(lead);
                args.addAll(arm.args());
            }
            List<String> command = bench.jbang(arm.script(), args);
            Jbang.build(command);
            var env = new ArrayList<>(List.of("env", "POOLKIT_CACHE_DIR=" + cache));
            arm.env().forEach((k, v) -> env.add(k + "=" + v));
            env.addAll(command);
            commands.add(env);
            // The first run through ./jbang records the AOT cache: a few items, as a user's first try, or the whole input.
            var first = new ArrayList<>(env);
            if (arm.training().equals("few")) first.set(first.indexOf("-i") + 1, few.toString());
            Measure.run(first, work, arm.training().equals("few") ? Math.min(100, g.size()) : g.size(), false);
            Jbang.awaitTraining(cache);
        }
        var measures = new ArrayList<List<Measure>>();
        g.arms().forEach(a -> measures.add(new ArrayList<>()));
        String load = Bench.load();
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < g.arms().size(); k++) {
                int a = (k + r) % g.arms().size();
                long accepts = server.accepts();
                Measure m = Measure.run(commands.get(a), work, g.size(), haveTime);
                measures.get(a).add(m.withConnections(accepts < 0 ? -1 : server.accepts() - accepts - 1));
            }
        }
        System.out.printf(Locale.ROOT, "%n#### %s: %,d pages, %d ms server delay, concurrency %d (load average before: %s)%n%n",
                g.name(), g.size(), g.delayMillis(), g.concurrency(), load);
        System.out.println(Bench.HEADER.replace("| conns |", "| conns | wall / jdk's, by round |"));
        System.out.println(Bench.RULE + "---:|");
        for (int a = 0; a < g.arms().size(); a++) {
            var byRound = new ArrayList<String>();
            for (int r = 0; r < rounds && a > 0; r++) {
                byRound.add(String.format(Locale.ROOT, "%.2f", measures.get(a).get(r).wallSeconds() / measures.get(0).get(r).wallSeconds()));
            }
            System.out.println(Bench.row(g.arms().get(a).name(), g.arms().get(a).shown(), measures.get(a)) + " " + String.join(", ", byRound) + " |");
        }
        Files.deleteIfExists(out);
        return measures;
    }

    /** The targets table: each of issue 15's targets against the figures of this run. */
    private static void verdicts(List<Group> groups, Map<String, List<List<Measure>>> results) {
        System.out.printf(Locale.ROOT, "%n#### Issue 15's targets against this run (medians; ratios are the median of the per-round ratios)%n%n");
        System.out.println("| target | measured | verdict |");
        System.out.println("|---|---|---|");
        for (Group g : groups) {
            List<List<Measure>> m = results.get(g.name());
            int jdk = index(g, "jdk"), async = index(g, "async");
            double asyncWall = Stats.median(m.get(async), Measure::wallSeconds), jdkWall = Stats.median(m.get(jdk), Measure::wallSeconds);
            double ratio = ratio(m.get(async), m.get(jdk), Measure::wallSeconds);
            switch (g.name()) {
                case "20k" -> {
                    verdict("20,000 pages at c=64, whole process: ≤ 2.5 s and ≤ 0.6× the jdk loop",
                            String.format(Locale.ROOT, "async %.2f s, jdk %.2f s: %.2f×", asyncWall, jdkWall, ratio), asyncWall <= 2.5 && ratio <= 0.6);
                    int p = index(g, "processes");
                    double pWall = Stats.median(m.get(p), Measure::wallSeconds);
                    double pRatio = ratio(m.get(p), m.get(async), Measure::wallSeconds);
                    verdict("processes -p 2 within 25 % of async at 20k",
                            String.format(Locale.ROOT, "processes %.2f s, async %.2f s: %.2f×", pWall, asyncWall, pRatio), pRatio <= 1.25);
                    for (String lever : List.of("async, default JIT", "async, default JIT, AOT trained on 20k")) {
                        int l = index(g, lever);
                        System.out.printf(Locale.ROOT, "| (lever) %s, at 20k | %.2f s: %.2f× the jdk loop, %.2f× async |  |%n", lever,
                                Stats.median(m.get(l), Measure::wallSeconds), ratio(m.get(l), m.get(jdk), Measure::wallSeconds),
                                ratio(m.get(l), m.get(async), Measure::wallSeconds));
                    }
                }
                case "delay-10k" -> {
                    verdict("10,000 pages × 50 ms at c=1,000, whole process: ≤ 2.0 s and ≤ 0.8× the jdk loop",
                            String.format(Locale.ROOT, "async %.2f s, jdk %.2f s: %.2f×", asyncWall, jdkWall, ratio), asyncWall <= 2.0 && ratio <= 0.8);
                    int l = index(g, "async, default JIT");
                    System.out.printf(Locale.ROOT, "| (lever) async, default JIT, at c=1,000 | %.2f s: %.2f× the jdk loop, %.2f× async |  |%n",
                            Stats.median(m.get(l), Measure::wallSeconds), ratio(m.get(l), m.get(jdk), Measure::wallSeconds),
                            ratio(m.get(l), m.get(async), Measure::wallSeconds));
                }
                case "200k" -> {
                    double asyncSteady = Stats.median(m.get(async), Measure::steadyRate);
                    String fastest = "";
                    double best = 0;
                    for (String engine : List.of("jdk", "apache-async")) {
                        double s = Stats.median(m.get(index(g, engine)), Measure::steadyRate);
                        if (s > best) {
                            best = s;
                            fastest = engine;
                        }
                    }
                    verdict("200,000 pages at c=64, steady: within 10 % of the fastest plain engine loop",
                            String.format(Locale.ROOT, "async %,.0f req/s, %s %,.0f: %.2f×", asyncSteady, fastest, best, asyncSteady / best),
                            asyncSteady >= 0.9 * best);
                    int h = index(g, "hybrid");
                    double hSteady = Stats.median(m.get(h), Measure::steadyRate);
                    verdict("hybrid within 25 % of async at 200k (steady)",
                            String.format(Locale.ROOT, "hybrid %,.0f req/s, async %,.0f: %.2f×", hSteady, asyncSteady, hSteady / asyncSteady),
                            hSteady >= 0.75 * asyncSteady);
                }
                default -> throw new IllegalStateException(g.name());
            }
        }
    }

    private static void verdict(String target, String measured, boolean met) {
        System.out.printf(Locale.ROOT, "| %s | %s | %s |%n", target, measured, met ? "met" : "**missed**");
    }

    private static int index(Group g, String arm) {
        for (int i = 0; i < g.arms().size(); i++) if (g.arms().get(i).name().equals(arm)) return i;
        throw new IllegalArgumentException(arm);
    }

    /** The median over rounds of a's figure over b's in the same round. */
    private static double ratio(List<Measure> a, List<Measure> b, java.util.function.ToDoubleFunction<Measure> f) {
        var ratios = new ArrayList<Double>();
        for (int r = 0; r < a.size(); r++) ratios.add(f.applyAsDouble(a.get(r)) / f.applyAsDouble(b.get(r)));
        return Stats.median(ratios, d -> d);
    }
}
