///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//DEPS dev.poolkit:poolkit:0.2.0
//DEPS info.picocli:picocli:4.7.7
//JAVA_OPTIONS -Xmx256m -XX:+UseSerialGC
//DESCRIPTION How much heap the crawl frontier's dedupe takes for N distinct URLs (default 10 million).

import dev.poolkit.crawl.Frontier;
import dev.poolkit.crawl.LocalFrontier;
import dev.poolkit.crawl.Scope;
import dev.poolkit.crawl.Urls;
import dev.poolkit.crawl.internal.Fingerprints;
import dev.poolkit.crawl.internal.Hash64;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Canonicalises N synthetic URLs, hashes them and adds their fingerprints to the frontier's
 * dedupe set, then prints the heap the set holds after a full GC. Runs in -Xmx256m, so finishing
 * at all shows the set fits the issue's budget. With --threads T the URLs are split among T
 * threads; with --one-lock every add goes through one lock instead of the set's 64 stripes.
 * With --crawl, a whole LocalFrontier crawls a synthetic graph of N pages instead (each page
 * links 10 new ones, its parent and the first page; nothing is fetched), its journal in a
 * temporary file: the heap, sampled after a full GC every N/10 items, shows that the pending
 * items wait on disk, not in memory.
 */
@Command(name = "frontier-memory", mixinStandardHelpOptions = true,
        description = "Heap taken by the frontier's dedupe of N distinct URLs.")
class FrontierMemory implements Callable<Integer> {
    @Option(names = "--urls", defaultValue = "10000000", description = "Distinct URLs to add (default: ${DEFAULT-VALUE}).")
    int urls;

    @Option(names = "--threads", defaultValue = "1", description = "Threads adding at once (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--one-lock", description = "Serialise every add on one lock, to compare with the stripes.")
    boolean oneLock;

    @Option(names = "--crawl", description = "Crawl a synthetic N-page graph through a LocalFrontier (dedupe, journal, pending queue).")
    boolean crawl;

    static String url(int i) {
        // 10,000 hosts, 100 folders each: like a wide crawl, and canonicalisation has work to do.
        return "HTTP://Site-" + (i % 10_000) + ".example:80/dir-" + (i / 10_000 % 100) + "/./page-" + i + ".html#top";
    }

    /** The page number of a synthetic URL, "...page-N.html", canonical or not (the seed keeps its #top). */
    static int number(String url) {
        int from = url.lastIndexOf("page-") + 5;
        return Integer.parseInt(url, from, url.indexOf('.', from), 10);
    }

    /** N pages, page i (from 0) linking 10i+1 to 10i+10 (those below N), its parent and page 0, crawled breadth first. */
    Integer crawl() throws Exception {
        long before = heapAfterGc(), peak = 0, pendingAtPeak = 0;
        Path journal = Files.createTempFile("frontier-memory-", ".jsonl");
        long start = System.nanoTime(), done = 0, journalBytes;
        try (var frontier = LocalFrontier.builder().seeds(List.of(url(0))).scope(Scope.all()).journal(journal).open()) {
            var links = new ArrayList<String>(12);
            for (Frontier.Item item; (item = frontier.next()) != null; ) {
                int i = number(item.value());
                links.clear();
                for (long c = 10L * i + 1; c <= 10L * i + 10 && c < urls; c++) links.add(url((int) c));
                if (i > 0) {
                    links.add(url((i - 1) / 10));
                    links.add(url(0));
                }
                frontier.add(item, links);
                frontier.done(item, "");
                if (++done % Math.max(1, urls / 10) == 0) {
                    long heap = heapAfterGc() - before;
                    if (heap > peak) {
                        peak = heap;
                        pendingAtPeak = frontier.accepted() - done;
                    }
                    System.out.printf("%,d done, %,d pending: heap %.1f MiB%n", done, frontier.accepted() - done, heap / 1048576.0);
                }
            }
            journalBytes = Files.size(journal);
        } finally {
            Files.deleteIfExists(journal);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("crawled %,d pages of a synthetic graph through a LocalFrontier: %.1f s (%,.0f items/s)%n", done, seconds, done / seconds);
        System.out.printf("heap after GC at most %.1f MiB (with %,d items pending, on disk); journal %.1f MiB; max heap %d MiB%n",
                peak / 1048576.0, pendingAtPeak, journalBytes / 1048576.0, Runtime.getRuntime().maxMemory() >> 20);
        return done == urls ? 0 : 1;
    }

    @Override
    public Integer call() throws Exception {
        if (crawl) return crawl();
        long before = heapAfterGc();
        var set = new Fingerprints();
        Object lock = new Object();
        long start = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int from = (int) ((long) urls * t / threads), to = (int) ((long) urls * (t + 1) / threads);
            workers.add(Thread.ofPlatform().name("add-", t).start(() -> {
                for (int i = from; i < to; i++) {
                    long f = Hash64.of(Urls.canonical(url(i)));
                    if (oneLock) {
                        synchronized (lock) {
                            set.add(f);
                        }
                    } else {
                        set.add(f);
                    }
                }
            }));
        }
        for (Thread w : workers) w.join();
        double seconds = (System.nanoTime() - start) / 1e9;
        long after = heapAfterGc();
        System.out.printf("%,d URLs, %,d distinct fingerprints, %d thread(s)%s: %.1f s (%,.0f adds/s)%n",
                urls, set.size(), threads, oneLock ? ", one lock" : ", 64 stripes", seconds, urls / seconds);
        System.out.printf("heap held by the set: %.1f MiB (slots %.1f MiB, %.1f bytes per URL); max heap %d MiB%n",
                (after - before) / 1048576.0, set.slotBytes() / 1048576.0, (double) (after - before) / urls,
                Runtime.getRuntime().maxMemory() >> 20);
        return set.size() == urls ? 0 : 1;
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new FrontierMemory()).execute(args));
    }
}
