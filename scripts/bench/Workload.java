package poolkit.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A named workload: how many pages (or tasks, or lines), the server's delay per page, and the
 * concurrency. A scale workload has no pages: it runs its own single target.
 */
record Workload(String name, int size, int delayMillis, int concurrency, boolean scale, String about) {
    /** Every workload by name, in the order they run by default. */
    static final Map<String, Workload> ALL = new LinkedHashMap<>();

    static {
        for (var w : List.of(
                new Workload("20k", 20_000, 0, 64, false, "pages at c=64"),
                new Workload("200k", 200_000, 0, 64, false, "pages at c=64"),
                new Workload("delay-10k", 10_000, 50, 1_000, false, "pages of 50 ms at c=1000"),
                new Workload("delay-2k", 2_000, 50, 100, false, "pages of 50 ms at c=100"),
                new Workload("inflight-100k", 100_000, 2_000, 100_000, true, "tasks sleeping 2 s, all in flight in AsyncPool"),
                new Workload("lines-10m", 10_000_000, 0, 128, true, "input lines through the async template with a trivial handler"),
                new Workload("crawl-10k", 10_000, 0, 64, true, "pages of a static tree under nginx, 10 links down from each, crawled from its root and given as a list"),
                new Workload("throttle-400", 400, 50, 16, true, "pages of a server with room for 4 at once, 429 beyond (DemoSite /fault/busy/4)"),
                new Workload("issue15", 230_000, 0, 64, true, "issue 15's targets: 20k and 200k pages at c=64 and 10k of 50 ms at c=1000, interleaved"),
                new Workload("progress-200k", 200_000, 0, 64, true, "pages at c=64 through the async template: bare records, -q, and the progress line"),
                new Workload("queue-20k", 20_000, 0, 64, true, "pages at c=64 through the async template, alone and as 3 workers on one job in Redis (--queue)"),
                new Workload("queue-200k", 200_000, 0, 64, true, "pages at c=64 through the async template, alone and as 3 workers on one job in Redis (--queue)"))) {
            ALL.put(w.name(), w);
        }
    }

    Workload withSize(int n) {
        return new Workload(name, n, delayMillis, concurrency, scale, about);
    }
}
