///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//DEPS dev.poolkit:poolkit:0.2.0
//DEPS info.picocli:picocli:4.7.7
//DESCRIPTION A no-op job through Redis with W worker processes: items per second (issue 14's speed figure).

import dev.poolkit.cli.Job;
import dev.poolkit.crawl.Frontier;
import dev.poolkit.queue.Queue;
import dev.poolkit.queue.QueueUrl;
import dev.poolkit.queue.RedisFrontier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

@Command(name = "queue-bench", mixinStandardHelpOptions = true,
        description = {"Pushes N no-op items to a fresh job at URL, starts W worker processes on it (each holding S items,",
                "a virtual thread per item that records it at once), and reports items/s from the workers' start to the job's end.",
                "The job is dropped before and after. Example: ./jbang queue-bench@. redis://127.0.0.1:6379/bench -n 60000 -w 3"})
class QueueBench implements Callable<Integer> {
    @Parameters(paramLabel = "URL", description = "redis://HOST:PORT/JOB (dropped before and after)")
    String url;

    @Option(names = "-n", defaultValue = "60000", description = "Items (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "-w", defaultValue = "3", description = "Worker processes (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "-s", defaultValue = "256", description = "Items each worker holds at once (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--worker", hidden = true)
    boolean worker;

    @Override
    public Integer call() throws Exception {
        QueueUrl q = QueueUrl.parse(url);
        if (worker) return work(q);
        try (var queue = Queue.open(q)) {
            queue.drop();
            long t0 = System.nanoTime();
            queue.push(IntStream.range(0, items).mapToObj(i -> "noop-" + i).iterator());
            double pushS = (System.nanoTime() - t0) / 1e9;
            String java = ProcessHandle.current().info().command().orElse("java");
            List<Process> ps = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < workers; i++) {
                ps.add(new ProcessBuilder(java, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "QueueBench",
                        url, "--worker", "-s", Integer.toString(slots)).inheritIO().start());
            }
            for (Process p : ps) p.waitFor();
            double s = (System.nanoTime() - start) / 1e9;
            Queue.Status st = queue.status();
            System.out.printf(Locale.ROOT, "pushed %d items in %.2f s (%.0f/s); %d workers x %d slots: %d records in %.2f s = %.0f items/s "
                            + "(worker JVM start-up included); over=%s%n",
                    items, pushS, items / pushS, workers, slots, st.done(), s, st.done() / s, st.over());
            queue.drop();
        }
        return 0;
    }

    private int work(QueueUrl q) throws Exception {
        try (var frontier = RedisFrontier.builder(q).slots(slots).open();
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            long t0 = System.nanoTime();
            int n = 0;
            for (Frontier.Item item; (item = frontier.next()) != null; n++) {
                Frontier.Item it = item;
                threads.submit(() -> frontier.done(it, "{\"item\":\"" + it.value() + "\",\"ok\":true}"));
            }
            threads.close();
            System.err.printf(Locale.ROOT, "worker %s: %d items in %.2f s%n", frontier.consumer(), n, (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }

    public static void main(String[] args) {
        System.exit(Job.commandLine(new QueueBench()).execute(args));
    }
}
