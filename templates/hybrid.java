///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//DEPS dev.poolkit:poolkit:0.2.0
//DEPS info.picocli:picocli:4.7.7
// crawler-commons (robots.txt, sitemaps) logs through SLF4J: no logging here, and no warning that there is none.
//DEPS org.slf4j:slf4j-nop:2.0.17
// Serial GC: a scraper's heap is mostly short-lived garbage; on 2 cores it used no more CPU than G1 and
// half the memory (BENCHMARKS.md). For a handler that keeps a big heap on many cores, delete this line.
//JAVA_OPTIONS -XX:+UseSerialGC
// ./jbang runs a short input (-i FILE of at most 50,000 lines) with C1 only: JIT compilation is most of
// such a run on few cores (BENCHMARKS.md). Delete the next line to keep the JVM's default JIT always.
// poolkit: C1 only when the input is short
//DESCRIPTION Runs handle() on every item in worker processes, each running a pool of threads (processes x threads).

import dev.poolkit.Fields;
import dev.poolkit.ProcessPool;
import dev.poolkit.cli.Job;
import dev.poolkit.http.Fetcher;
import dev.poolkit.http.Page;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "hybrid", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs handle() on every item in -p worker processes of -t threads each, and writes one record per item (JSON Lines, or CSV). "
                + "A worker that crashes is replaced, and the items it held are tried again once.")
class Hybrid implements Callable<Integer> {

    // ==== EDIT HERE ==============================================================================
    /**
     * Does the work for one item (one line of input: a URL by default) and returns the fields of
     * its record; a field named "status" fills the record's status. "follow" is not written: it
     * offers the links to follow when the run is given --depth (computed only then). Throw to fail
     * the item: the exception's message becomes the record's "error". Runs on many threads at once in a
     * worker process, started from this same file; what it prints goes to the log on stderr.
     */
    static Map<String, Object> handle(String url) throws Exception {
        Page page = Fetcher.shared().get(url);
        return Fields.of("status", page.status(), "bytes", page.bytes(), "title", page.title(),
                "finalUrl", page.finalUrl(), "attempts", page.attempts(),
                "follow", Fields.follow(page::links)); // parsed only with --depth
    }
    // =============================================================================================

    @Mixin
    Job job;

    @Option(names = {"-p", "--processes"}, paramLabel = "N", defaultValue = "2", description = "Worker processes (default: ${DEFAULT-VALUE}).")
    int processes;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", defaultValue = "16", description = "Threads in each worker (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws Exception {
        return job.run(ProcessPool.builder()
                .processes(processes)
                .threadsPerProcess(threads)
                .handler(Hybrid::handle)
                .worker(Hybrid.class, job.args())
                .build());
    }

    public static void main(String[] args) {
        System.exit(Job.commandLine(new Hybrid()).execute(args));
    }
}
