package dev.poolkit;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a {@link Handler} over many items at once, turning each item into exactly one {@link Result}.
 *
 * <p>The four shapes differ only in where the handler runs: {@link ThreadPool} (platform threads),
 * {@link AsyncPool} (virtual threads), and {@link ProcessPool} (child JVMs, each with its own threads).
 *
 * <p>Lifecycle: a pool is made with its handler, runs one or more times, and is closed.
 * {@link #run} returns only when every item it read has been handed to the sink; a handler's
 * exception becomes a failed result and never escapes. {@link #close} waits for work in flight.
 * One thread at a time may call {@code run}.
 *
 * <h2>Stopping a run</h2>
 * Two phases, as {@link java.util.concurrent.ExecutorService} shuts down: {@link #stop} (from any
 * thread) lets the items in flight finish and starts no other, and {@code run} returns as usual
 * once they have; interrupting the thread in {@code run} abandons the items still in flight.
 * A Ctrl-C of the templates' command line does both, the second after {@code --grace} seconds.
 */
public interface Pool extends AutoCloseable {

    /**
     * Reads items as it goes (never more than the pool's bound ahead of the workers), runs the
     * handler on each, and gives each result to {@code sink} as it completes, from the pool's own
     * threads: the sink must be thread-safe. Returns when all are done.
     *
     * @throws InterruptedException if the calling thread is interrupted; work in flight is
     *                              abandoned, results already given to the sink stay given
     */
    Summary run(Iterator<String> items, Consumer<Result> sink) throws InterruptedException;

    /**
     * A pool like this one (same shape, size and handler) in which an item whose handler runs
     * longer than {@code timeout} fails with {@code errorKind: "item-timeout"} at the deadline,
     * and the run goes on. {@link java.time.Duration#ZERO} means no deadline, the default. What
     * each pool can stop differs: see its class documentation.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    Pool withItemTimeout(java.time.Duration timeout);

    /**
     * A pool like this one whose results carry the items the handler offers to follow
     * ({@link Fields#FOLLOW}), evaluated on the handler's thread (a process pool's: in the worker,
     * and sent back with the result), as a list of strings in the result's fields. Without it
     * (the default, {@code false}) that field is dropped unevaluated. A crawl turns it on and
     * takes the field out of the record; see {@link Fields}.
     */
    Pool withFollow(boolean follow);

    /**
     * Stops the run in progress gracefully: no item is started after this call, the items in
     * flight finish and are given to the sink as usual, and {@link #run} returns once they are,
     * without reading {@code items} further. The items it read ahead but did not start get no
     * result: the caller, who knows which items it gave and which results came back, gives them
     * again to a later run (as {@code --resume} does). Unlike {@code ExecutorService.shutdown},
     * items waiting in the queue are not run. Any thread may call it; it returns at once (a
     * process pool: once its workers have answered, a round trip), and does nothing when no run
     * is in progress (a run that starts after it runs as usual).
     */
    void stop();

    /** Runs the handler over {@code items} and returns the results in input order. */
    default List<Result> map(Collection<String> items) throws InterruptedException {
        var input = List.copyOf(items);
        // Results come back in completion order, and across a process boundary only the item's
        // text survives: a repeated item takes the first of its slots still empty.
        var slotsOf = new HashMap<String, ArrayDeque<Integer>>();
        for (int i = 0; i < input.size(); i++) {
            slotsOf.computeIfAbsent(input.get(i), k -> new ArrayDeque<>()).add(i);
        }
        var results = new Result[input.size()];
        run(input.iterator(), r -> {
            synchronized (results) {
                results[slotsOf.get(r.item()).removeFirst()] = r;
            }
        });
        return List.of(results);
    }

    /** Waits for work in flight, then releases threads and processes. Idempotent. */
    @Override
    void close();
}
