///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//DEPS dev.poolkit:poolkit:0.2.0
//DEPS info.picocli:picocli:4.7.7
//DEPS org.openjdk.jmh:jmh-core:1.37
//DEPS org.openjdk.jmh:jmh-generator-annprocess:1.37
// JMH's generated code subclasses each benchmark class from another package, so they must be
// public, hence one file each: a public class cannot live in micro.java.
//SOURCES micro/Pools.java micro/Queues.java micro/Lines.java micro/Records.java
// JDK 23+ runs annotation processors found on the class path only when asked: JMH's generator
// is one, and without it JMH finds nothing to run ("Unable to find the resource: /META-INF/BenchmarkList").
//JAVAC_OPTIONS -proc:full
//DESCRIPTION JMH micro-benchmarks of poolkit's own cost per task, without I/O, against the JDK doing the same.

package poolkit.micro;

import dev.poolkit.cli.Job;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Runs the JMH micro-benchmarks in {@code micro/}: what poolkit adds per task, with a trivial
 * handler and no I/O, each next to plain JDK code doing the same work.
 * <ul>
 *   <li>{@link Pools}: tasks through AsyncPool / ThreadPool against a virtual thread per task with
 *       a semaphore / a fixed thread pool on an ArrayBlockingQueue; ns per task.</li>
 *   <li>{@link Queues}: one item from a producer thread to a consumer thread through WorkQueue,
 *       ArrayBlockingQueue, LinkedBlockingQueue; and put+take on one thread.</li>
 *   <li>{@link Lines}: one Result written by JsonLines, to a discarding stream and to a file,
 *       against plain Jackson; and the process pool's wire encode/decode per task.</li>
 *   <li>{@link Records}: what a run's statistics and stop lock add to each record (the progress
 *       line and summary's cost on the items' path), next to writing the record as a JSON line.</li>
 * </ul>
 */
@Command(name = "micro", mixinStandardHelpOptions = true,
        description = {"Runs poolkit's JMH micro-benchmarks: pool overhead per task, queue hand-off, JSON Lines writing, a run's bookkeeping per record.",
                "Every argument goes to JMH, e.g. a benchmark regex (Pools, Queues, Lines, Records, asyncPool), -f forks,"
                        + " -wi/-i warm-up/measured iterations, -w/-r their length (1s), -prof gc, -l to list; -- -h for JMH's help.",
                "Defaults: 1 fork, 3 warm-up and 5 measured iterations of 1 s each; about 3 minutes for all."})
class Micro implements Callable<Integer> {
    @Parameters(paramLabel = "JMH-ARG", description = "Arguments for JMH.")
    List<String> jmhArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        String[] args = jmhArgs.toArray(String[]::new);
        try {
            new CommandLineOptions(args); // JMH's own check, for a one-line usage error instead of its help page
        } catch (CommandLineOptionException e) {
            throw new Job.UsageError(e.getMessage() + " (see: micro -- -h)");
        }
        org.openjdk.jmh.Main.main(args);
        return 0;
    }

    public static void main(String[] args) {
        var commandLine = Job.commandLine(new Micro());
        // JMH's options (-f, -wi, -prof ...) are not ours: hand them on untouched.
        commandLine.setUnmatchedOptionsArePositionalParams(true);
        System.exit(commandLine.execute(args));
    }
}
