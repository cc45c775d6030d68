package dev.poolkit.cli;

import dev.poolkit.AsyncPool;
import dev.poolkit.Pool;
import dev.poolkit.ProcessPool;
import dev.poolkit.ThreadPool;
import dev.poolkit.crawl.Scope;
import dev.poolkit.queue.Queue;
import dev.poolkit.queue.QueueUrl;
import dev.poolkit.queue.RedisGates;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * A job shared by many machines on Redis, on the command line, as a picocli mixin (mixed into
 * {@link Job}): {@code --queue URL}, {@code --claim-after S}, {@code --max-deliveries N}.
 */
public final class QueueOptions {
    @Option(names = "--queue", paramLabel = "URL",
            description = "Work on the shared job at redis://[:PASSWORD@]HOST:6379/JOB (rediss:// for TLS) with any other "
                    + "workers on it: items come from it, and each record goes into it together with its item's "
                    + "acknowledgement. Items given here (-i, arguments, --demo) are pushed to it first, once each. "
                    + "-o keeps a local copy; ./jbang queue@. export gives the job's output, one record per item. "
                    + "With --depth, the links found go to the job; every worker of a job needs the same crawl options.")
    String url;

    @Option(names = "--claim-after", paramLabel = "S", defaultValue = "60",
            description = "With --queue: take over items another worker has held silently for S seconds (it died). "
                    + "A live worker renews what it holds, so a slow item is not taken from it. A dead worker's --per-host "
                    + "permits come back after S too (at least 5 s, at most 10 s) (default: ${DEFAULT-VALUE}).")
    double claimAfter;

    @Option(names = "--max-deliveries", paramLabel = "N", defaultValue = "3",
            description = "With --queue: an item handed out N times without a record gets a failure record "
                    + "(errorKind poison) and goes to the dead letters (default: ${DEFAULT-VALUE}).")
    int maxDeliveries;

    /** The URL with its password masked. */
    String url() {
        return QueueUrl.parse(url).toString();
    }

    boolean enabled() {
        return url != null;
    }

    /** Checks the options before anything starts; a mistake is a usage error. */
    void check() {
        if (url == null) return;
        try {
            QueueUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new Job.UsageError("--queue: " + e.getMessage());
        }
        if (!(claimAfter >= 0.01 && claimAfter <= 86_400)) {
            throw new Job.UsageError("--claim-after must be between 0.01 and 86400 seconds, got " + claimAfter);
        }
        if (maxDeliveries < 1) throw new Job.UsageError("--max-deliveries must be >= 1, got " + maxDeliveries);
    }

    /**
     * Checks that this worker's crawl options are the job's (the first worker's), setting them if
     * it is the first: a usage error if not, before the output is opened. The frontier checks
     * again when it opens (two workers starting at once).
     */
    void agree(CrawlOptions crawl, Consumer<String> log) {
        if (url == null) return;
        QueueUrl u = QueueUrl.parse(url);
        String mine = crawl.terms();
        try (Queue q = Queue.open(u, log, Duration.ofMinutes(5))) {
            String job = q.terms(mine);
            if (!job.equals(mine)) throw QueueSource.differ(u, job, mine);
        }
    }

    /**
     * The job's per-host limits, kept in its Redis for all its workers ({@link RedisGates}), or
     * null without {@code --queue}. Checks the options first.
     */
    RedisGates gates(Consumer<String> log) {
        if (url == null) return null;
        check();
        // A dead worker's permits come back with its items, but a host should not wait a minute for
        // them; and a live worker that stalls (a busy machine) should not lose them in a few seconds.
        Duration lease = Duration.ofMillis(Math.max(5_000, Math.min(10_000, Math.round(claimAfter * 1000))));
        return RedisGates.builder(QueueUrl.parse(url)).leaseTime(lease).reconnectFor(Duration.ofMinutes(5)).log(log).open();
    }

    /**
     * Joins the job (pushing {@code given} first), holding as many items as the pool runs at once;
     * when {@code crawl} follows links, the found items go to the job in its scope.
     */
    QueueSource open(Pool pool, Iterator<String> given, CrawlOptions crawl, Consumer<String> log) {
        return QueueSource.open(QueueUrl.parse(url), given, slots(pool), Duration.ofMillis(Math.round(claimAfter * 1000)),
                maxDeliveries, crawl.following() ? crawl.scope() : Scope.all(), crawl.following(), crawl.terms(), log);
    }

    /** Items the pool runs at once: what a worker holds from the job. */
    static int slots(Pool pool) {
        if (pool instanceof AsyncPool a) return a.concurrency();
        if (pool instanceof ThreadPool t) return t.threads();
        if (pool instanceof ProcessPool p) return p.processes() * p.threadsPerProcess();
        return 16;
    }
}
