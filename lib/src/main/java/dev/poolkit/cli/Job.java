package dev.poolkit.cli;

import dev.poolkit.Csv;
import dev.poolkit.JsonLines;
import dev.poolkit.Pool;
import dev.poolkit.ProcessPool;
import dev.poolkit.Result;
import dev.poolkit.Sink;
import dev.poolkit.Summary;
import dev.poolkit.cli.internal.Crawl;
import dev.poolkit.cli.internal.DemoPorts;
import dev.poolkit.cli.internal.Inputs;
import dev.poolkit.cli.internal.ItemCount;
import dev.poolkit.cli.internal.Output;
import dev.poolkit.cli.internal.PriorOutput;
import dev.poolkit.cli.internal.ProgressLine;
import dev.poolkit.cli.internal.RunStats;
import dev.poolkit.crawl.LocalFrontier;
import dev.poolkit.cli.internal.Stopper;
import dev.poolkit.demo.DemoSite;
import dev.poolkit.http.Fetcher;
import dev.poolkit.internal.Signals;
import dev.poolkit.internal.engine.Results;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The command line every poolkit template shares, as a picocli mixin, and the run it drives:
 * read the items, run them through a pool, write one record per item, report progress.
 *
 * <pre>{@code
 * @Mixin Job job;
 * public Integer call() throws Exception { return job.run(AsyncPool.of(concurrency, MyScraper::handle)); }
 * public static void main(String[] args) { System.exit(Job.commandLine(new MyScraper()).execute(args)); }
 * }</pre>
 *
 * <p>Exit codes: 0 when every item succeeded, 1 when some failed, 2 for a usage or input error
 * found before any item is read (one line on stderr saying what is wrong and what to do: a
 * missing input, an output that cannot be opened, ...), 130 when stopped by Ctrl-C (SIGINT) and
 * 143 by SIGTERM, and 141 when stdout was closed under
 * the run ({@code ./jbang async@. -i items.txt | head -n 5}): the first record that cannot be
 * written stops it, no item is started after it, and one line on stderr says how far it got.
 * 141 is 128 + SIGPIPE, what a shell reports for a program that the closed pipe killed
 * ({@code yes | head -n 1}): the JVM ignores SIGPIPE and sees the error instead, and answers as
 * if it had not. Not 1, which here means "items failed": a script can tell a reader that went
 * away from failed items, and one that tolerates a closed pipe already checks for 141.
 *
 * <p>Ctrl-C and SIGTERM stop a run gracefully: no item is started after the first, the items
 * in flight finish (for at most {@code --grace} seconds; past that they are abandoned) and get
 * their records, and the summary, a line saying how many items were not started and how to
 * finish them ({@code --resume}), and {@code --stats} are written; exit 130 (128 + SIGINT) or
 * 143 (128 + SIGTERM), as a shell reports for a program the signal ended. A second signal stops
 * at once, with 128 + its number: the records written so far stay whole lines, none is written
 * after it. Worker processes ignore both signals (a terminal's Ctrl-C reaches them too): they
 * finish what they run and exit when their parent closes their stdin, or dies.
 *
 * <h2>Following links</h2>
 * With {@code --depth N} ({@link CrawlOptions}), the given items seed a {@link LocalFrontier} that
 * feeds the pool; the pool computes the links each handler offers ({@code follow} field, see
 * {@link dev.poolkit.Fields}), the frontier takes those in scope, each once, and every record
 * gets {@code depth} and {@code parent} (0 and null for a given item). The frontier's journal is
 * {@code OUTPUT.frontier} beside {@code -o OUTPUT} (a temporary file without {@code -o}): JSON
 * Lines, one found item a line, {@code {"item":"http://host/a","depth":1,"parent":"http://host/"}},
 * each written whole before the record of the page that found it. It is kept when the crawl
 * ends, finished or not: {@code --resume} goes on from it with the items the output has records
 * for as done (a finished crawl's resume has nothing to do), and {@code --retry-failed} hands the
 * found items whose records it takes out to the frontier again. A run without {@code --resume}
 * deletes an old one. Without {@code --depth} none of this happens: no frontier, no dedupe. With
 * {@code --queue}, the shared job is the frontier ({@link dev.poolkit.queue.RedisFrontier}): found
 * items go to it, deduped and scoped there, and there is no journal.
 */
public final class Job {
    /** 128 + SIGPIPE: stdout was closed before the run ended. */
    public static final int STDOUT_CLOSED = 141;

    @Parameters(paramLabel = "ITEM", arity = "0..*",
            description = "Items to process (URLs for the default handler).")
    List<String> items = new ArrayList<>();

    @Option(names = {"-i", "--input"}, paramLabel = "FILE",
            description = "Read items from FILE, one per line, UTF-8 (- for stdin). Blank lines and lines starting with # are skipped; "
                    + "a line that is not valid UTF-8 fails as bad-input.")
    String input;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write one record per item to FILE (default: stdout).")
    Path output;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "jsonl or csv (default: csv when -o ends in .csv, else jsonl). csv: a header of item, ok, status, "
                    + "error, errorKind, millis, the first record's handler fields, then fields: a JSON object of any "
                    + "other handler fields. --resume reads jsonl only.")
    String format;

    @Option(names = "--ordered",
            description = "Write the records in input order, not as items finish. At most " + ORDER_BOUND + " records wait "
                    + "for a slow item; past that, it loses its turn: they are written, in order, and its record when it "
                    + "finishes (one warning on stderr says so). Nothing blocks, and memory stays bounded.")
    boolean ordered;

    /** Records {@code --ordered} keeps waiting for a slow item, at most. */
    static final int ORDER_BOUND = 10_000;

    @Option(names = "--resume",
            description = "Skip the items already recorded in the output file (-o), and append to it. The file is checked "
                    + "first: every line must be a poolkit record, and up to 100 of its items (spread through it; from stdin: "
                    + "its first 100) must be in this run's input; else exit 2.")
    boolean resume;

    @Option(names = "--retry-failed",
            description = "As --resume, and run again the items whose last record failed: their failed records "
                    + "are removed from the output first, in a new file moved over it atomically, so each item keeps one record.")
    boolean retryFailed;

    @Option(names = "--force",
            description = "With --resume or --retry-failed: skip the check that the output is this job's.")
    boolean force;

    @Option(names = "--overwrite", description = "Replace the output file if it exists.")
    boolean overwrite;

    @Option(names = "--demo", description = "Start the built-in demo site on 127.0.0.1 and process its pages.")
    boolean demo;

    @Option(names = "--demo-pages", paramLabel = "N", defaultValue = "100",
            description = "Pages on the demo site (default: ${DEFAULT-VALUE}).")
    int demoPages;

    @Option(names = "--demo-delay", paramLabel = "MS", defaultValue = "50",
            description = "Delay before each demo page is answered, in ms (default: ${DEFAULT-VALUE}).")
    long demoDelay;

    @Option(names = "--demo-port", paramLabel = "PORT", defaultValue = "0",
            description = "The demo site's port on 127.0.0.1. 0 (default): with -o, one derived from the output's path "
                    + "(20000-29999), or, resuming, the port of the output's records, so a resumed demo run has the same "
                    + "items; without -o, any free port.")
    int demoPort;

    @Option(names = {"-q", "--quiet"}, description = "No progress or summary on stderr.")
    boolean quiet;

    @Option(names = "--progress-every", paramLabel = "S", defaultValue = "5",
            description = "When stderr is not a terminal, a progress line every S seconds, the first after 1 s "
                    + "(default: ${DEFAULT-VALUE}). On a terminal, one line is redrawn in place instead.")
    void progressEvery(double seconds) {
        if (!(seconds >= 0.1 && seconds <= 86_400)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--progress-every must be between 0.1 and 86400 seconds, got " + seconds);
        }
        progressEvery = seconds;
    }

    private double progressEvery = 5;

    @Option(names = "--stats", paramLabel = "FILE",
            description = "Also write the summary (counts, failures by kind and status, retries, bytes, latency "
                    + "percentiles) to FILE as one JSON document, replaced atomically; written when items failed too.")
    Path statsFile;

    @Option(names = "--grace", paramLabel = "S", defaultValue = "10",
            description = "On Ctrl-C or SIGTERM, how long the items in flight may take to finish, in seconds; no new item is "
                    + "started, and past S the items still running are abandoned without a record. A second Ctrl-C stops at "
                    + "once (default: ${DEFAULT-VALUE}).")
    double grace;

    @Option(names = "--item-timeout", paramLabel = "S", defaultValue = "0",
            description = "Deadline of one item's handler in seconds; the item fails as item-timeout and the run goes on. "
                    + "threads, async: the handler's thread is interrupted (code that ignores interrupts keeps its thread "
                    + "until it returns); processes, hybrid: the worker process is killed and replaced, which stops "
                    + "anything, native code included. 0: no deadline (default: ${DEFAULT-VALUE}).")
    double itemTimeout;

    @Mixin
    FetchOptions fetch;

    @Mixin
    LimitOptions limits;

    @Mixin
    CrawlOptions crawl;

    @Mixin
    PolitenessOptions polite;

    @Mixin
    QueueOptions queue;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** The arguments this program was started with, for starting worker processes like it. */
    public List<String> args() {
        return spec.commandLine().getParseResult().originalArgs();
    }

    /**
     * Runs the job on {@code pool}, closes the pool, and returns the exit code. In a worker
     * process of a {@link ProcessPool}, serves its parent instead.
     */
    public int run(Pool given) throws Exception {
        Pool timed = itemTimeout == 0 ? given : given.withItemTimeout(FetchOptions.seconds("--item-timeout", itemTimeout,
                0.001, "--item-timeout must be 0 (none) or at least 0.001 seconds, got " + itemTimeout));
        // In a worker too, which parses the same arguments: the handler's links are found there.
        Pool pool = crawl.following() ? timed.withFollow(true) : timed;
        try (pool; var jobGates = queue.gates(this::say)) {
            // Before serving too: a worker parses the same arguments and fetches with the same limits.
            Fetcher.Builder fetcher = fetch.builder();
            limits.applyTo(fetcher);
            polite.applyTo(fetcher, crawl.following());
            // A worker's fetcher asks its parent, which keeps the limits for all the workers.
            if (pool instanceof ProcessPool processes) fetcher.gates(processes.gates());
            // With --queue, the job's Redis keeps them for all its workers, a worker process's too.
            if (jobGates != null) fetcher.gates(jobGates);
            Fetcher.setShared(fetcher.build());
            if (pool instanceof ProcessPool processes && ProcessPool.isWorker()) {
                processes.serve();
                return 0;
            }
            return runItems(pool);
        }
    }

    private int runItems(Pool pool) throws Exception {
        check();
        PriorOutput prior = priorOutput();
        this.prior = prior;
        try (DemoSite site = demo ? startDemo(prior) : null) {
            var inputs = new Inputs(items, input);
            if (site != null && crawl.following()) {
                // A crawl starts from the front page and finds the rest by following its links.
                inputs.add(List.of(site.frontPage()));
                say("demo site at " + site.url() + " (crawling from " + site.frontPage() + ", " + demoDelay + " ms delay)");
            } else if (site != null) {
                inputs.add(site.pageUrls());
                say("demo site at " + site.url() + " (" + demoPages + " pages, " + demoDelay + " ms delay)");
            }
            // Before the output is opened: a sitemap that cannot be read is a usage error.
            polite.sitemapItems(Fetcher.shared(), line -> spec.commandLine().getErr().println(spec.name() + ": " + line))
                    .forEach(inputs::add);
            resumeFrom(prior, inputs);
            queue.agree(crawl, this::say); // a worker that crawls otherwise than its job's: a usage error, no output opened
            try (Output out = openOutput()) {
                return runItems(pool, inputs, prior.givenRecords(), out);
            }
        }
    }

    /** The earlier output, with --resume: a crawl's frontier takes its items as done. */
    private PriorOutput prior = PriorOutput.none();

    /** With --resume: the output an earlier run left, refused if it is not poolkit records (unless --force). */
    private PriorOutput priorOutput() throws IOException {
        if (!resume) return PriorOutput.none();
        PriorOutput prior = PriorOutput.read(output);
        if (!force && prior.notRecords() != null) throw new UsageError(prior.notRecords());
        return prior;
    }

    /**
     * Refuses an earlier output whose items are not in this run's input (unless --force), then
     * makes it ready to append to (--retry-failed: without the failed records it will redo), and
     * has the inputs skip what it recorded.
     */
    private void resumeFrom(PriorOutput prior, Inputs inputs) throws IOException {
        String notInInput = force ? null : prior.notInInput(inputs);
        if (notInInput != null) throw new UsageError(notInInput);
        if (retryFailed) {
            // Found items too when a crawl's journal will hand them out again; else given ones only.
            long retried = prior.retryFailed(crawl.following() && output != null && Files.exists(CrawlOptions.journalOf(output)));
            if (retried > 0) say("retrying " + retried + " items whose last record failed (their failed records are out of " + output + ")");
        } else {
            prior.prepareToAppend();
        }
        inputs.skipRecordedIn(prior);
    }

    /**
     * The demo site on {@code --demo-port}, or on the port the output's records were made on, or
     * on one derived from the output's path (the next ones if it is taken), or on any.
     */
    private DemoSite startDemo(PriorOutput prior) throws IOException {
        int fixed = demoPort > 0 ? demoPort : prior.demoPort();
        if (fixed > 0) {
            try {
                return DemoSite.start(demoPages, demoDelay, fixed);
            } catch (BindException e) {
                throw new UsageError("demo port " + fixed + " is in use" + (demoPort > 0 ? " (choose another --demo-port)"
                        : " (" + output + "'s records are of a demo site on it: stop what uses it, then resume)"));
            }
        }
        for (int port : DemoPorts.forOutput(output)) {
            try {
                return DemoSite.start(demoPages, demoDelay, port);
            } catch (BindException taken) {
                // the next one
            }
        }
        return DemoSite.start(demoPages, demoDelay);
    }

    /** How this run stops on a signal; set before the pool runs. */
    private Stopper stopper;

    /** With --queue, the run's shared job once it is joined; else null. */
    private volatile QueueSource shared;

    /** This run's statistics, fed by {@link Progress}; null before the run starts. */
    private volatile RunStats stats;
    /** This run's items; null before the run starts. */
    private volatile Inputs inputs;

    /**
     * Writes the run's statistics to {@code --stats FILE}, if given, as they are now (a run still
     * going has {@code "finished": false}). Safe to call from any thread, at any time, more than once.
     * Returns false, after one line on stderr, if the file cannot be written.
     */
    boolean writeStats() {
        RunStats now = stats;
        if (statsFile == null || now == null) return true;
        try {
            Inputs in = inputs;
            now.writeJson(statsFile, spec.name(), in == null ? 0 : in.skipped());
            return true;
        } catch (IOException | RuntimeException e) {
            // Not quiet even with -q: a file that was asked for is missing.
            spec.commandLine().getErr().println(spec.name() + ": --stats " + statsFile + ": cannot write: " + Results.describe(e));
            return false;
        }
    }

    private int runItems(Pool pool, Inputs inputs, long expectSkipped, Output out) throws Exception {
        this.expectSkipped = expectSkipped;
        this.inputs = inputs;
        this.stats = new RunStats();
        try {
            return runItems(pool, inputs, out);
        } finally {
            writeStats();
        }
    }

    /** Items the output's records will skip, about: for the progress line's total. */
    private long expectSkipped;

    private int runItems(Pool pool, Inputs inputs, Output out) throws Exception {
        // A line that is not valid UTF-8 is recorded here, not run: the pool never sees it.
        var badLines = new AtomicLong();
        var read = new AtomicLong();
        var progress = new Progress(out, read, badLines);
        Iterator<String> given = inputs.iterator(bad -> {
            badLines.incrementAndGet();
            out.expect(bad.item());
            progress.write(bad);
        });
        // Stopping, the iterator says "no more" at once, also to a pool that has not started yet.
        // Stopping also stops a shared job's worker waiting for its next item.
        Runnable stopTaking = () -> {
            pool.stop();
            QueueSource q = shared;
            if (q != null) q.stop();
        };
        Stopper stopper = new Stopper(Duration.ofMillis(Math.round(grace * 1000)), stopTaking, progress::interject,
                this::stoppedAtOnce, Stopper::exitJvm);
        this.stopper = stopper;
        // Following links: the given items seed a frontier, which feeds the pool (with --queue, the job is the frontier).
        LocalFrontier frontier = crawl.following() && !queue.enabled() ? crawl.open(given, output, prior) : null;
        Crawl crawling = frontier == null ? null : Crawl.local(frontier, progress);
        Summary summary;
        stopper.listen();
        // --queue: the items come from the shared job (the given ones pushed to it first).
        try (progress; stopper; frontier; QueueSource shared = queue.enabled() ? queue.open(pool, given, crawl, this::say) : null) {
            this.shared = shared;
            Crawl fed = shared != null ? shared.crawl(progress, stopper::cutOff) : crawling;
            Iterator<String> counted = fed != null ? fed.items() : given;
            if (shared != null) say("working on " + queue.url() + " as " + shared.consumer());
            try {
                summary = pool.run(new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return !stopper.stopping() && counted.hasNext();
                    }

                    @Override
                    public String next() {
                        String item = counted.next();
                        out.expect(item);
                        read.incrementAndGet();
                        return item;
                    }
                }, fed != null ? fed : progress);
            } finally {
                stopper.runEnded();
            }
        } catch (InterruptedException | RuntimeException e) {
            // Past the grace, the pool was interrupted, which abandons the items in flight.
            if (stopper.cutOff()) return stopped(progress);
            if (e instanceof InterruptedException || output != null || progress.outputFailure == null) throw e;
            // Not quiet even with -q: the run did not do what it was asked.
            spec.commandLine().getErr().println(spec.name() + ": stdout closed after " + out.lines() + " records; stopped ("
                    + read.get() + " items read, " + (read.get() - out.lines()) + " of them not written; the rest not started)");
            return STDOUT_CLOSED;
        }
        if (stopper.stopping()) return stopped(progress);
        summary = new Summary(summary.ok(), summary.failed() + badLines.get(), summary.millis());
        stats.end(summary.millis());
        long skipped = inputs.skipped();
        say(String.format(Locale.ROOT, "done: %d items, %d ok, %d failed in %.1f s (%.0f/s)%s%s",
                summary.total(), summary.ok(), summary.failed(), summary.millis() / 1000.0, summary.rate(),
                skipped > 0 ? "; skipped " + skipped + " already in " + output : "",
                output != null ? "; results in " + output : ""));
        if (!quiet) stats.summaryLines().forEach(spec.commandLine().getErr()::println);
        return summary.failed() > 0 ? 1 : 0;
    }

    /**
     * Reports a run a signal stopped: the summary, what is left and how to finish it; returns
     * 130 or 143.
     */
    private int stopped(Progress progress) {
        long ok = stats.ok(), failed = stats.failed(), millis = stats.wallMillis();
        say(String.format(Locale.ROOT, "stopped by %s: %d items, %d ok, %d failed in %.1f s (%.0f/s)%s%s",
                stopper.signalName(), ok + failed, ok, failed, millis / 1000.0, millis == 0 ? 0.0 : (ok + failed) * 1000.0 / millis,
                inputs.skipped() > 0 ? "; skipped " + inputs.skipped() + " already in " + output : "",
                output != null ? "; results in " + output : ""));
        if (!quiet) stats.summaryLines().forEach(spec.commandLine().getErr()::println);
        // Not quiet even with -q: the run did not do all it was asked, and this says how to finish it.
        spec.commandLine().getErr().println(spec.name() + ": "
                + Stopper.hint(total(progress), ok + failed, stopper.cutOff(), stopper.grace(), howToFinish()));
        return stopper.exitCode();
    }

    /** A second signal: the records are sealed, and the JVM exits once this has said so. */
    private void stoppedAtOnce() {
        writeStats();
        PrintWriter err = spec.commandLine().getErr();
        err.println(spec.name() + ": stopped at once: " + (stats.ok() + stats.failed()) + " records written"
                + (output != null ? " to " + output : "") + "; " + howToFinish());
        err.flush();
    }

    private String howToFinish() {
        if (output == null) return "the records went to stdout: write them to a file with -o to be able to --resume";
        if (resume) return "rerun the same command to finish";
        if (overwrite) return "rerun it with --resume instead of --overwrite to finish";
        return "rerun the same command with --resume to finish";
    }

    /** The items this run had to do (less those a resume skips, about), or -1 if unknown ({@link #totalKnowable}). */
    private long total(Progress progress) {
        if (progress.total >= 0) return progress.total;
        if (!totalKnowable()) return -1;
        if (input == null) return Math.max(0, givenCount());
        try {
            return Math.max(0, ItemCount.of(Path.of(input)) + givenCount());
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Whether the run's size can be known before it ends: not for a crawl (the pages it finds),
     * a sitemap (its pages are counted only as they are read), a shared job (its size is the
     * job's) or stdin.
     */
    private boolean totalKnowable() {
        return !crawl.following() && !polite.seeds() && !queue.enabled() && !"-".equals(input);
    }

    /** The items given as arguments and by --demo, less those a resume skips; -i FILE's lines come on top. */
    private long givenCount() {
        return items.size() + (demo ? demoPages : 0) - expectSkipped;
    }

    /** The records' output, opened before any item is read: one that cannot be is a usage error. */
    private Output openOutput() {
        Output out = openWriter();
        // Not quiet even with -q: the file is not in the order that was asked for.
        return ordered ? out.ordered(ORDER_BOUND, line -> spec.commandLine().getErr().println(spec.name() + ": " + line)) : out;
    }

    private Output openWriter() {
        boolean csv = format().equals("csv");
        // System.out, not a stream of our own on fd 1: a handler's prints and the records keep
        // sharing one buffer and one lock. The writer asks it for errors after every line.
        if (output == null) return csv ? output(Csv.writer(System.out)) : output(JsonLines.writer(System.out));
        try {
            return csv ? output(Csv.writer(output)) : output(JsonLines.writer(output, resume));
        } catch (AccessDeniedException e) {
            throw new UsageError("-o " + output + ": permission denied (choose a folder you can write to, or another -o)");
        } catch (FileSystemException e) {
            String reason = e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
            throw new UsageError("-o " + output + ": " + reason.toLowerCase(Locale.ROOT) + " (choose another -o)");
        } catch (IOException e) {
            throw new UsageError("-o " + output + ": cannot open: " + e.getMessage() + " (choose another -o)");
        }
    }

    private static Output output(JsonLines.Writer writer) {
        return Output.of(writer, writer::lines);
    }

    private static Output output(Csv.Writer writer) {
        return Output.of(writer, writer::lines);
    }

    /** {@code --format}, or csv for an {@code -o} ending in .csv, else jsonl. */
    private String format() {
        if (format != null) return format;
        boolean csvFile = output != null && output.getFileName() != null
                && output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
        return csvFile ? "csv" : "jsonl";
    }

    private void check() {
        crawl.scope(); // a bad crawl option is a usage error before anything is opened
        if (format != null && !format.equals("jsonl") && !format.equals("csv")) {
            throw new UsageError("--format must be jsonl or csv, got " + format);
        }
        // Resuming reads the items back from the output, as JSON Lines.
        if ((resume || retryFailed) && format().equals("csv")) {
            throw new UsageError("--resume reads JSON Lines only, not csv (resume with --format jsonl output, or start a new csv file)");
        }
        queue.check();
        if (queue.enabled() && resume) {
            throw new UsageError("--resume and --queue: the job on Redis knows what is done (drop --resume; -o keeps a local copy)");
        }
        if (queue.enabled() && retryFailed) {
            throw new UsageError("--retry-failed and --queue: a shared job's dead letters go back with ./jbang queue@. retry-dead URL");
        }
        if (queue.enabled() && ordered) throw new UsageError("--ordered and --queue: a shared job has no input order (drop --ordered)");
        if (items.isEmpty() && input == null && !demo && !polite.seeds() && !queue.enabled()) {
            throw new UsageError("no items: give them as arguments, with -i FILE (- for stdin), or try --demo");
        }
        if (input != null && !input.equals("-") && !Files.isRegularFile(Path.of(input))) {
            throw new UsageError("input file not found: " + input + " (give a file with one item per line, or - for stdin)");
        }
        if (demoPages < 1) throw new UsageError("--demo-pages must be >= 1, got " + demoPages);
        if (demoDelay < 0) throw new UsageError("--demo-delay must be >= 0, got " + demoDelay);
        if (!(grace >= 0 && grace <= 86_400)) throw new UsageError("--grace must be between 0 and 86400 seconds, got " + grace);
        if (demoPort < 0 || demoPort > 65_535) throw new UsageError("--demo-port must be 0 to 65535, got " + demoPort);
        if (resume && overwrite) throw new UsageError("--resume and --overwrite contradict each other: pick one");
        if (retryFailed && overwrite) throw new UsageError("--retry-failed and --overwrite contradict each other: pick one");
        if (force && !resume && !retryFailed) {
            throw new UsageError("--force goes with --resume or --retry-failed (it skips their check that -o is this job's output)");
        }
        if ((resume || retryFailed) && output == null) {
            throw new UsageError((retryFailed ? "--retry-failed" : "--resume") + " needs -o FILE: the output to resume "
                    + "(records written to stdout cannot be read back)");
        }
        resume |= retryFailed;
        if (statsFile != null) {
            Path parent = statsFile.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new UsageError("--stats " + statsFile + ": folder does not exist: " + parent + " (create it, or choose another --stats)");
            }
            if (Files.isDirectory(statsFile)) throw new UsageError("--stats is a folder: " + statsFile + " (give a file name)");
            if (output != null && statsFile.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
                throw new UsageError("--stats and -o are the same file: " + statsFile + " (choose another --stats)");
            }
        }
        if (output != null) {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
                throw new UsageError("-o " + output + ": " + parent + " is a file, not a folder (choose another -o)");
            }
            if (parent != null && !Files.isDirectory(parent)) {
                throw new UsageError("output folder does not exist: " + parent + " (create it, or choose another -o)");
            }
            if (Files.isDirectory(output)) throw new UsageError("output is a folder: " + output + " (give a file name)");
            // Writing would truncate (or append to) the file the items are still to be read from.
            if (input != null && !input.equals("-") && Files.exists(output) && sameFile(Path.of(input), output)) {
                throw new UsageError("input and output are the same file: " + output + " (choose another -o)");
            }
            if (!resume && !overwrite && Files.exists(output) && sizeOf(output) > 0) {
                throw new UsageError("output file already exists: " + output
                        + " (add --resume to skip the items it has and append, or --overwrite to start over)");
            }
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private void say(String line) {
        if (!quiet) spec.commandLine().getErr().println(spec.name() + ": " + line);
    }

    /**
     * Counts results as the output wrote them, and says how far along the run is, so that a long
     * run is never silent. On a terminal (the wrapper sets {@code POOLKIT_STDERR_TTY=1} when stderr
     * is one: Java cannot tell for stderr by itself), one line redrawn in place five times a
     * second; else a plain line after 1 s, then every {@code --progress-every} seconds. The
     * lines are drawn on a thread of their own from counters the run keeps anyway: the items'
     * path pays nothing for them.
     */
    private final class Progress implements Sink, AutoCloseable {
        private static final long REDRAW_MILLIS = 200;
        // Bench only (bench@. --workloads progress-200k): records go straight to the output, with no
        // statistics, no stop lock and no progress line, to measure what those cost per record. Not an option.
        private static final boolean BARE = "1".equals(System.getenv("POOLKIT_BENCH_BARE"));
        private final Sink out;
        private final AtomicLong read;
        private final AtomicLong badLines;
        private final long start = System.nanoTime();
        private final boolean terminal = "1".equals(System.getenv("POOLKIT_STDERR_TTY"));
        /** Items this run will process, -1 until known: a file's lines are counted in the background. */
        private volatile long total = -1;
        private final Thread reporter;
        private boolean drawn; // by the reporter; read after joining it

        Progress(Sink out, AtomicLong read, AtomicLong badLines) {
            this.out = out;
            this.read = read;
            this.badLines = badLines;
            if (quiet || BARE) {
                reporter = null;
                return;
            }
            long known = givenCount();
            if (totalKnowable() && input == null) total = Math.max(0, known);
            else if (totalKnowable()) ItemCount.inBackground(Path.of(input), n -> total = Math.max(0, n + known));
            reporter = Thread.ofPlatform().daemon().name("progress").start(terminal ? this::redraw : this::report);
        }

        private volatile RuntimeException outputFailure;

        @Override
        public Result write(Result result) {
            if (BARE) return out.write(result);
            long stamp = stopper.enterWrite();
            if (stamp == 0) return result; // stopped past the grace: this item is left without a record, for --resume
            try {
                Result written;
                try {
                    written = out.write(result);
                } catch (RuntimeException e) {
                    outputFailure = e;
                    throw e;
                }
                stats.add(written);
                return written;
            } finally {
                stopper.exitWrite(stamp);
            }
        }

        /** A line for the user while the run goes on (a terminal's progress line is redrawn under it). */
        void interject(String line) {
            if (quiet) return;
            PrintWriter err = spec.commandLine().getErr();
            err.println((terminal ? "\r\033[K" : "") + spec.name() + ": " + line);
            err.flush();
        }

        /** @param over the run has returned: nothing is in flight (a stopped run read items it did not start) */
        private ProgressLine now(boolean over) {
            long ok = stats.ok(), failed = stats.failed();
            long inFlight = over ? 0 : Math.max(0, read.get() + badLines.get() - ok - failed);
            return new ProgressLine(ok, failed, inFlight, total, (System.nanoTime() - start) / 1e9);
        }

        /** Plain lines at 1 s, then at every multiple of --progress-every. */
        private void report() {
            long every = Math.round(progressEvery * 1e9);
            long next = Math.min(1_000_000_000L, every);
            try {
                while (true) {
                    long wait = next - (System.nanoTime() - start);
                    if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    spec.commandLine().getErr().println(now(false).plain(spec.name()));
                    next = (next / every + 1) * every;
                }
            } catch (InterruptedException stop) {
                // the run is over
            }
        }

        private int columns = 80; // the reporter's

        private void redraw() {
            columns = ProgressLine.terminalColumns();
            try {
                while (true) {
                    Thread.sleep(REDRAW_MILLIS);
                    draw(false);
                }
            } catch (InterruptedException stop) {
                // the run is over
            }
        }

        private void draw(boolean over) {
            PrintWriter err = spec.commandLine().getErr();
            // Carriage return, the line, then erase what a longer line before it left.
            err.print("\r" + now(over).terminal(spec.name(), columns) + "\033[K");
            err.flush();
            drawn = true;
        }

        @Override
        public void close() {
            if (reporter == null) return;
            reporter.interrupt();
            try {
                reporter.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // The last state, and the line ended: the summary starts on a line of its own.
            if (drawn) {
                draw(true);
                spec.commandLine().getErr().println();
            }
        }
    }

    /** A mistake in the command line or its input: reported as one line, exit code 2. */
    public static final class UsageError extends RuntimeException {
        public UsageError(String message) {
            super(message);
        }
    }

    /**
     * A picocli command line for a template's command: usage and input errors as one line on
     * stderr with exit code 2 (a mistyped option with picocli's suggestion), {@code --help} with
     * the options under headings (the command's own first), exit codes and examples,
     * {@code --version} showing poolkit's, JBang's and Java's versions, and any other error as
     * one line with exit code 1 (set {@code POOLKIT_DEBUG=1} for the stack trace).
     */
    public static CommandLine commandLine(Object command) {
        // First thing: a terminal's Ctrl-C reaches a worker too, and must not end it (see ProcessPool.serve).
        if (ProcessPool.isWorker()) Signals.ignoreStops();
        var cli = new CommandLine(command);
        Usage.configure(cli);
        cli.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            String suggestion = e instanceof CommandLine.UnmatchedArgumentException u ? Usage.didYouMean(u) : "";
            err.println(e.getCommandLine().getCommandName() + ": " + e.getMessage() + suggestion + " (see --help)");
            return CommandLine.ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            String name = commandLine.getCommandName();
            if (e instanceof UsageError) {
                err.println(name + ": " + e.getMessage());
                return CommandLine.ExitCode.USAGE;
            }
            if (e instanceof IllegalArgumentException) {
                err.println(name + ": " + e.getMessage() + " (see --help)");
                return CommandLine.ExitCode.USAGE;
            }
            err.println(name + ": error: " + Results.describe(e));
            if (System.getenv("POOLKIT_DEBUG") != null) e.printStackTrace(err);
            return 1;
        });
        return cli;
    }
}
