///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//DEPS dev.poolkit:poolkit:0.2.0
//DEPS info.picocli:picocli:4.7.7
//DESCRIPTION A job shared by many machines on Redis: push items, watch it, export its records, its dead letters.

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.poolkit.Csv;
import dev.poolkit.Result;
import dev.poolkit.cli.Job;
import dev.poolkit.queue.Queue;
import dev.poolkit.queue.QueueUrl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "queue", mixinStandardHelpOptions = true,
        description = {"A job shared by many machines through Redis (6.2+): load it, watch it, take its output.",
                "Workers join it with any template: ./jbang async@. --queue redis://HOST:6379/JOB",
                "A password goes in the URL (redis://:PASSWORD@HOST:6379/JOB) and is never printed; rediss:// is TLS."},
        subcommands = {QueueCli.Push.class, QueueCli.Status.class, QueueCli.Export.class, QueueCli.Dead.class,
                QueueCli.RetryDead.class, QueueCli.Drop.class})
class QueueCli implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "give a subcommand: push, status, export, dead, retry-dead or drop");
    }

    static QueueUrl url(String url) {
        return QueueUrl.parse(url);
    }

    /** Connected, saying on stderr when Redis goes away and comes back; gives up after 10 s. */
    static Queue open(QueueUrl url) {
        return Queue.open(url, line -> System.err.println("queue: " + line), java.time.Duration.ofSeconds(10));
    }

    @Command(name = "push", description = "Add items to the job, once each: pushing the same items again adds nothing.")
    static class Push implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "URL", description = "redis://[:PASSWORD@]HOST[:PORT]/JOB")
        String url;

        @Parameters(index = "1..*", paramLabel = "ITEM", description = "Items to add.")
        List<String> items = new ArrayList<>();

        @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Read items from FILE, one per line (- for stdin); "
                + "blank lines and lines starting with # are skipped.")
        String input;

        @Override
        public Integer call() throws IOException {
            QueueUrl q = url(url);
            if (items.isEmpty() && input == null) throw new Job.UsageError("no items: give them after the URL or with -i FILE");
            if (input != null && !input.equals("-") && !Files.isRegularFile(Path.of(input))) {
                throw new Job.UsageError("input file not found: " + input + " (give a file with one item per line, or - for stdin)");
            }
            Iterator<String> lines = input == null ? items.iterator() : lines(input);
            try (var queue = open(q)) {
                long added = queue.push(lines);
                System.err.println("queue: " + added + " new items in " + q + " (" + queue.status().taken() + " in the job)");
            }
            return 0;
        }

        private Iterator<String> lines(String input) throws IOException {
            var in = input.equals("-") ? System.in : Files.newInputStream(Path.of(input));
            var reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            var list = items.iterator();
            return new Iterator<>() {
                String next = advance();

                private String advance() {
                    try {
                        if (list.hasNext()) return list.next();
                        for (String line; (line = reader.readLine()) != null; ) {
                            String s = line.strip();
                            if (!s.isEmpty() && !s.startsWith("#")) return s;
                        }
                        return null;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public String next() {
                    String s = next;
                    next = advance();
                    return s;
                }
            };
        }
    }

    @Command(name = "status", description = "Items taken, queued, in flight, done (ok, failed), dead; the rate; each worker.")
    static class Status implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "URL", description = "redis://[:PASSWORD@]HOST[:PORT]/JOB")
        String url;

        @Option(names = "--watch", paramLabel = "S", arity = "0..1", fallbackValue = "2",
                description = "Print the status again every S seconds (default 2) until the job is over or Ctrl-C.")
        Double watch;

        @Override
        public Integer call() throws InterruptedException {
            QueueUrl q = url(url);
            if (watch != null && !(watch >= 0.1)) throw new Job.UsageError("--watch must be at least 0.1 seconds, got " + watch);
            try (var queue = open(q)) {
                Queue.Status last = null;
                long lastAt = 0;
                while (true) {
                    Queue.Status s = queue.status();
                    long now = System.nanoTime();
                    double rate = last == null ? s.rate() : (s.done() - last.done()) / ((now - lastAt) / 1e9);
                    print(System.out, q, s, rate);
                    if (System.out.checkError()) return Job.STDOUT_CLOSED; // a reader went away: stop watching
                    if (watch == null || s.over()) return 0;
                    last = s;
                    lastAt = now;
                    Thread.sleep((long) (watch * 1000));
                }
            }
        }

        static void print(PrintStream out, QueueUrl q, Queue.Status s, double rate) {
            out.printf(Locale.ROOT, "%s: %d items, %d queued, %d in flight, %d done (%d ok, %d failed), %d dead, %.0f/s%s%s%n",
                    q, s.taken(), s.queued(), s.inFlight(), s.done(), s.ok(), s.failed(), s.dead(), rate,
                    s.pushing() ? ", a push is running" : "", s.over() ? "; over" : "");
            for (Queue.Worker w : s.workers()) {
                String gone = !w.gone() ? "" : String.format(Locale.ROOT, "; gone: silent past its claim-after (%s s%s), killed or stuck%s",
                        seconds(w.claimAfter().toMillis()), w.claimAfterMillis() < 0 ? ", the default: it did not say its own" : "",
                        w.holding() > 0 ? ": live workers take what it holds" : "");
                String released = w.name().equals(Queue.releasedConsumer()) ? " (items given back by stopped workers, for the next claim)" : "";
                out.printf(Locale.ROOT, "  %-40s holds %d, idle %.1f s, %d records%s%s%n", w.name(), w.holding(), w.idleMillis() / 1000.0,
                        w.records(), released, gone);
            }
        }
    }

    private static String seconds(long millis) {
        return new java.math.BigDecimal(millis).movePointLeft(3).stripTrailingZeros().toPlainString();
    }

    @Command(name = "export", description = "Write the job's records, exactly one per item, to a file (written whole, then moved in place).")
    static class Export implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "URL", description = "redis://[:PASSWORD@]HOST[:PORT]/JOB")
        String url;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "Where to write the records.")
        Path output;

        @Option(names = "--format", paramLabel = "FORMAT", description = "jsonl or csv (default: csv when FILE ends in .csv, else jsonl).")
        String format;

        @Override
        public Integer call() throws IOException {
            QueueUrl q = url(url);
            String fmt = format != null ? format : output.toString().toLowerCase(Locale.ROOT).endsWith(".csv") ? "csv" : "jsonl";
            if (!fmt.equals("jsonl") && !fmt.equals("csv")) throw new Job.UsageError("--format must be jsonl or csv, got " + format);
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new Job.UsageError("output folder does not exist: " + parent + " (create it, or choose another -o)");
            }
            Path tmp = output.resolveSibling(output.getFileName() + ".part");
            long n;
            try (var queue = open(q)) {
                if (fmt.equals("jsonl")) {
                    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                        n = queue.export(line -> {
                            try {
                                w.write(line);
                                w.write('\n');
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
                    }
                } else {
                    var mapper = new ObjectMapper();
                    try (var w = Csv.writer(tmp)) {
                        n = queue.export(line -> {
                            try {
                                @SuppressWarnings("unchecked")
                                Map<String, Object> map = mapper.readValue(line, Map.class);
                                w.write(Result.fromMap(map));
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
                    }
                }
            }
            Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            System.err.println("queue: " + n + " records of " + q + " in " + output);
            return 0;
        }
    }

    @Command(name = "dead", description = "List the dead letters: items delivered too often without a record, with why.")
    static class Dead implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "URL", description = "redis://[:PASSWORD@]HOST[:PORT]/JOB")
        String url;

        @Override
        public Integer call() {
            QueueUrl q = url(url);
            try (var queue = open(q)) {
                long n = queue.dead(d -> System.out.println(d.item() + "\t" + d.deliveries() + " deliveries\t" + d.why()
                        + (d.parent() == null ? "" : "\tfound in " + d.parent())));
                System.err.println("queue: " + n + " dead letters in " + q + (n > 0 ? " (retry-dead puts them back)" : ""));
            }
            return 0;
        }
    }

    @Command(name = "retry-dead", description = "Put every dead letter back in the job; its poison record is removed.")
    static class RetryDead implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "URL", description = "redis://[:PASSWORD@]HOST[:PORT]/JOB")
        String url;

        @Override
        public Integer call() {
            QueueUrl q = url(url);
            try (var queue = open(q)) {
                System.err.println("queue: " + queue.retryDead() + " dead letters back in " + q);
            }
            return 0;
        }
    }

    @Command(name = "drop", description = "Delete the job: its items, records, dead letters and counters.")
    static class Drop implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "URL", description = "redis://[:PASSWORD@]HOST[:PORT]/JOB")
        String url;

        @Override
        public Integer call() {
            QueueUrl q = url(url);
            try (var queue = open(q)) {
                queue.drop();
                System.err.println("queue: dropped " + q);
            }
            return 0;
        }
    }

    public static void main(String[] args) {
        System.exit(Job.commandLine(new QueueCli()).execute(args));
    }
}
