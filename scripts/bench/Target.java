package poolkit.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What runs the page workloads, in one table: each template as a user runs it, and a plain loop
 * of each HTTP engine without poolkit (bench.java's own {@code loop} subcommand). {@code script}
 * is from the checkout's root, {@code alias} is how the tables name it (jbang-catalog.json),
 * {@code lead} comes before the input and output, and {@code concurrency} gives the arguments
 * for a workload's concurrency.
 */
record Target(String name, String script, String alias, List<String> lead, Concurrency concurrency) {
    /** A target's arguments for a workload of concurrency {@code c}, with --processes {@code p}. */
    interface Concurrency {
        List<String> args(int c, int p);
    }

    static final List<Target> ENGINES = Stream.of("jdk", "jdk-default", "apache", "apache-async", "jetty")
            .map(engine -> new Target(engine, "scripts/bench.java", "bench@.", List.of("loop", engine), Target::perItem))
            .toList();

    static final List<Target> TEMPLATES = List.of(
            template("async", Target::perItem),
            template("threads", Target::perItem),
            // Two worker processes of c/2 threads each.
            template("hybrid", (c, p) -> List.of("-p", "2", "-t", String.valueOf(Math.max(1, c / 2)))),
            // Its workers take one item at a time: --processes of them, whatever c.
            template("processes", (c, p) -> List.of("-p", String.valueOf(p))));

    /** Names that stand for several targets. */
    static final Map<String, List<Target>> GROUPS = Map.of("engines", ENGINES, "templates", TEMPLATES);

    static Target template(String name, Concurrency concurrency) {
        return new Target(name, "templates/" + name + ".java", name + "@.", List.of(), concurrency);
    }

    static List<String> perItem(int c, int p) {
        return List.of("-c", String.valueOf(c));
    }

    /** The target of that name, or null. */
    static Target named(String name) {
        return Stream.concat(ENGINES.stream(), TEMPLATES.stream()).filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }

    static List<String> names(List<Target> targets) {
        return targets.stream().map(Target::name).toList();
    }

    boolean isTemplate() {
        return lead.isEmpty();
    }

    /** The script's arguments for one run: templates also get --overwrite -q, to run again into the same output quietly. */
    List<String> args(Path input, Path output, int c, int p) {
        var args = new ArrayList<>(lead);
        args.addAll(List.of("-i", input.toString(), "-o", output.toString()));
        if (isTemplate()) args.addAll(List.of("--overwrite", "-q"));
        args.addAll(concurrency.args(c, p));
        return args;
    }

    /** The command as the tables show it, e.g. {@code `hybrid@. -p 2 -t 32`}. */
    String shortCommand(int c, int p) {
        var words = new ArrayList<String>();
        words.add(alias);
        words.addAll(lead);
        words.addAll(concurrency.args(c, p));
        return "`" + String.join(" ", words) + "`";
    }
}
