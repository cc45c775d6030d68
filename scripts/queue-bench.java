///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//DEPS dev.poolkit:poolkit:0.2.0
//DEPS info.picocli:picocli:4.7.7
//DESCRIPTION A no-op job through Redis with W worker processes: items per second, CPU per item (issue 14's speed figure), and memory with a big job.

import dev.poolkit.cli.Job;
import dev.poolkit.crawl.Frontier;
import dev.poolkit.queue.Queue;
import dev.poolkit.queue.QueueUrl;
import dev.poolkit.queue.RedisFrontier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import redis.clients.jedis.Jedis;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.stream.IntStream;

@Command(name = "queue-bench", mixinStandardHelpOptions = true,
        description = {"Pushes N no-op items to a fresh job at URL, starts W worker processes on it (each holding S items,",
                "a virtual thread per item that records it at once), and reports items/s from the workers' start to the job's end,",
                "and CPU per item: the workers' (JVM start-up included) and Redis's (INFO cpu; a server without a password).",
                "The job is dropped before and after. Example: ./jbang queue-bench@. redis://127.0.0.1:6379/bench -n 60000 -w 3",
                "Memory with a big job (guarantee 7): ./jbang queue-bench@. redis://127.0.0.1:6379/big -n 10000000 -w 1 --sample 10 --for 300"})
class QueueBench implements Callable<Integer> {
    @Parameters(paramLabel = "URL", description = "redis://HOST:PORT/JOB (dropped before and after)")
    String url;

    @Option(names = "-n", defaultValue = "60000", description = "Items (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "-w", defaultValue = "3", description = "Worker processes (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "-s", defaultValue = "256", description = "Items each worker holds at once (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--sample", paramLabel = "S", defaultValue = "0",
            description = "Every S seconds while pushing and working, print each worker's RSS and Redis's used_memory (default: never).")
    int sample;

    @Option(names = "--for", paramLabel = "S", defaultValue = "0",
            description = "Stop the workers after S seconds of work (they release what they hold), for a job too big to finish (default: run to the end).")
    int seconds;

    @Option(names = "--keep", description = "Leave the job in Redis at the end (to look at its memory).")
    boolean keep;

    @Option(names = "--worker", hidden = true)
    boolean worker;

    @Override
    public Integer call() throws Exception {
        QueueUrl q = QueueUrl.parse(url);
        if (worker) return work(q);
        try (var queue = Queue.open(q); var info = new Jedis(q.host(), q.port())) {
            queue.drop();
            double redisCpu0 = redisCpu(info);
            long t0 = System.nanoTime();
            List<Process> ps = new ArrayList<>();
            Thread sampler = sample > 0 ? Thread.ofPlatform().daemon().start(() -> sampleLoop(ps, q)) : null;
            queue.push(IntStream.range(0, items).mapToObj(i -> "noop-" + i).iterator());
            double pushS = (System.nanoTime() - t0) / 1e9;
            double redisCpu1 = redisCpu(info);
            System.out.printf(Locale.ROOT, "pushed %,d items in %.2f s (%.0f/s; Redis CPU %.1f us/item)%n",
                    items, pushS, items / pushS, (redisCpu1 - redisCpu0) * 1e6 / items);
            if (sample > 0) System.out.printf(Locale.ROOT, "after the push: Redis used_memory %s%n", redisMemory(q));
            String java = ProcessHandle.current().info().command().orElse("java");
            DoubleAdder workerCpu = new DoubleAdder();
            List<Thread> readers = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < workers; i++) {
                Process p = new ProcessBuilder(java, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "QueueBench",
                        url, "--worker", "-s", Integer.toString(slots), "--for", Integer.toString(seconds))
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                synchronized (ps) {
                    ps.add(p);
                }
                // The worker's last line on stdout is its CPU seconds.
                readers.add(Thread.ofPlatform().start(() -> {
                    try (var r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                        for (String line; (line = r.readLine()) != null; ) {
                            if (line.startsWith("cpu ")) workerCpu.add(Double.parseDouble(line.substring(4)));
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            for (Process p : ps) p.waitFor();
            for (Thread t : readers) t.join();
            double s = (System.nanoTime() - start) / 1e9;
            double redisCpu2 = redisCpu(info);
            if (sampler != null) sampler.interrupt();
            Queue.Status st = queue.status();
            System.out.printf(Locale.ROOT, "%d workers x %d slots: %d records in %.2f s = %.0f items/s (worker JVM start-up included), "
                            + "%.0f items/s from the first record to the last; over=%s%n",
                    workers, slots, st.done(), s, st.done() / s, st.rate(), st.over());
            System.out.printf(Locale.ROOT, "CPU per item: workers %.1f us (start-up included), Redis %.1f us; load average %s%n",
                    workerCpu.sum() * 1e6 / st.done(), (redisCpu2 - redisCpu1) * 1e6 / st.done(), Files.readString(Path.of("/proc/loadavg")).strip());
            if (sample > 0) System.out.printf(Locale.ROOT, "at the end: Redis used_memory %s%n", redisMemory(q));
            if (!keep) queue.drop();
        }
        return 0;
    }

    private static double redisCpu(Jedis info) {
        double cpu = 0;
        for (String line : info.info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) cpu += Double.parseDouble(line.substring(line.indexOf(':') + 1));
        }
        return cpu;
    }

    private static String redisMemory(QueueUrl q) {
        try (var j = new Jedis(q.host(), q.port())) {
            for (String line : j.info("memory").split("\r?\n")) {
                if (line.startsWith("used_memory:")) return String.format(Locale.ROOT, "%.0f MB", Long.parseLong(line.substring(12).strip()) / 1e6);
            }
        }
        return "?";
    }

    private void sampleLoop(List<Process> ps, QueueUrl q) {
        long start = System.nanoTime();
        try {
            while (true) {
                Thread.sleep(sample * 1000L);
                var rss = new ArrayList<String>();
                synchronized (ps) {
                    for (Process p : ps) rss.add(p.isAlive() ? rssMb(p.pid()) + " MB" : "-");
                }
                System.out.printf(Locale.ROOT, "t=%.0f s: workers' RSS %s; Redis used_memory %s%n",
                        (System.nanoTime() - start) / 1e9, rss.isEmpty() ? "(pushing)" : String.join(", ", rss), redisMemory(q));
            }
        } catch (InterruptedException stop) {
            // the run is over
        }
    }

    private static long rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        } catch (Exception gone) {
            // exited meanwhile
        }
        return -1;
    }

    private int work(QueueUrl q) throws Exception {
        try (var frontier = RedisFrontier.builder(q).slots(slots).open();
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            long t0 = System.nanoTime();
            if (seconds > 0) Thread.ofPlatform().daemon().start(() -> {
                try {
                    Thread.sleep(seconds * 1000L);
                    frontier.stop();
                } catch (InterruptedException e) {
                    // over before
                }
            });
            int n = 0;
            for (Frontier.Item item; (item = frontier.next()) != null; n++) {
                Frontier.Item it = item;
                threads.submit(() -> frontier.done(it, "{\"item\":\"" + it.value() + "\",\"ok\":true}"));
            }
            threads.close();
            System.err.printf(Locale.ROOT, "worker %s: %d items in %.2f s%n", frontier.consumer(), n, (System.nanoTime() - t0) / 1e9);
        }
        var cpu = ProcessHandle.current().info().totalCpuDuration();
        System.out.println("cpu " + cpu.map(d -> d.toNanos() / 1e9).orElse(0.0));
        return 0;
    }

    public static void main(String[] args) {
        System.exit(Job.commandLine(new QueueBench()).execute(args));
    }
}
