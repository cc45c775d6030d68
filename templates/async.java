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
//DESCRIPTION Runs handle() on every item on virtual threads, many at once (gevent's bounded pool).

import dev.poolkit.AsyncPool;
import dev.poolkit.Fields;
import dev.poolkit.cli.Job;
import dev.poolkit.http.Fetcher;
import dev.poolkit.http.Page;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "async", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs handle() on every item on virtual threads, at most -c at once, and writes one record per item (JSON Lines, or CSV).")
class Async implements Callable<Integer> {

    // ==== EDIT HERE ==============================================================================
    /**
     * Does the work for one item (one line of input: a URL by default) and returns the fields of
     * its record; a field named "status" fills the record's status. "follow" is not written: it
     * offers the links to follow when the run is given --depth (computed only then). Throw to fail
     * the item: the exception's message becomes the record's "error". Runs on many threads at once.
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

    @Option(names = {"-c", "--concurrency"}, paramLabel = "N", defaultValue = "128",
            description = "Items in flight at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Override
    public Integer call() throws Exception {
        return job.run(AsyncPool.of(concurrency, Async::handle));
    }

    public static void main(String[] args) {
        System.exit(Job.commandLine(new Async()).execute(args));
    }
}
