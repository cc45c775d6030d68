package dev.poolkit.cli;

import dev.poolkit.Sink;
import dev.poolkit.cli.internal.Crawl;
import dev.poolkit.crawl.Scope;
import dev.poolkit.queue.QueueUrl;
import dev.poolkit.queue.RedisFrontier;

import java.time.Duration;
import java.util.Iterator;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A run's items from a shared job ({@code --queue}), and its records back into it, through
 * {@link #crawl}: the pool reads its items (which wait while other workers hold the last items:
 * they may fail, or find more, and come back), and it writes each record locally, then into the
 * job with its acknowledgement. Local first: a record that cannot be written locally is not
 * acknowledged, and its item is released. With {@code --depth}, the items a handler found go to
 * the job before its item is done, scoped and deduped there ({@link RedisFrontier}).
 * In this package, not an internal one: it drives a front door ({@link RedisFrontier}).
 */
final class QueueSource implements AutoCloseable {
    private final RedisFrontier frontier;
    private final boolean following;

    private final Thread onExit;

    private QueueSource(RedisFrontier frontier, boolean following) {
        this.frontier = frontier;
        this.following = following;
        // Ctrl-C or SIGTERM: what this worker holds goes back to the job at once, not after
        // --claim-after. (kill -9 runs nothing: then the claims bring it back.)
        this.onExit = new Thread(frontier::close, "queue-release");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /**
     * Joins the job at {@code url}, pushing {@code given} first. {@code scope}: which found items
     * the job takes, when {@code following} (the handlers' found items go to the job).
     */
    static QueueSource open(QueueUrl url, Iterator<String> given, int slots, Duration claimAfter, int maxDeliveries,
                            Scope scope, boolean following, String terms, Consumer<String> log) {
        try {
            return new QueueSource(RedisFrontier.builder(url).slots(slots).claimAfter(claimAfter).maxDeliveries(maxDeliveries)
                    .scope(scope).following(following).terms(terms).seeds(given).log(log).open(), following);
        } catch (RedisFrontier.TermsDiffer e) {
            throw differ(url, e.job(), e.mine());
        }
    }

    /**
     * The job's items, as this worker gets them ({@link Crawl#items()}, read by one thread; it ends
     * when the job is over), and the sink of their records ({@link Crawl} itself): each record to
     * {@code local}, then into the job with its item's acknowledgement; once {@code abandoned}
     * says so (a stop past its grace interrupted the items in flight), records go nowhere in the
     * job: those items are released for another worker to do. Called once.
     */
    Crawl crawl(Sink local, BooleanSupplier abandoned) {
        return Crawl.shared(frontier, local, following, abandoned);
    }

    /**
     * Workers that crawl differently (or one that does not follow) would leave the job half done,
     * silently: a usage error.
     */
    static Job.UsageError differ(QueueUrl url, String job, String mine) {
        return new Job.UsageError("--queue " + url + ": the job's workers run with " + job + ", this one with "
                + mine + " (give every worker of a job the same crawl options, or use another job name)");
    }

    /** Stops taking items: the items iterator ends within half a second, even while it waits for one. */
    void stop() {
        frontier.stop();
    }

    /** The worker's name in the job. */
    public String consumer() {
        return frontier.consumer();
    }

    /** Stops taking items; releases what is held (back to the job at once) and disconnects. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException exiting) {
            // the hook is running or has run: it closes the frontier
        }
        frontier.close();
    }
}
