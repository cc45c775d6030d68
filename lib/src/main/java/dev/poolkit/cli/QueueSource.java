package dev.poolkit.cli;

import dev.poolkit.Result;
import dev.poolkit.Sink;
import dev.poolkit.crawl.Frontier;
import dev.poolkit.internal.Json;
import dev.poolkit.queue.QueueUrl;
import dev.poolkit.queue.RedisFrontier;

import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A run's items from a shared job ({@code --queue}), and its records back into it: the pool reads
 * {@link #items()} (which waits while other workers hold the last items: they may fail and come
 * back), and {@link #sink} writes each record locally, then into the job with its acknowledgement.
 * Local first: a record that cannot be written locally is not acknowledged, and its item is released.
 * In this package, not an internal one: it drives a front door ({@link RedisFrontier}).
 */
final class QueueSource implements AutoCloseable {
    private final RedisFrontier frontier;
    private final ConcurrentHashMap<String, Frontier.Item> held = new ConcurrentHashMap<>();

    private final Thread onExit;

    private QueueSource(RedisFrontier frontier) {
        this.frontier = frontier;
        // Ctrl-C or SIGTERM: what this worker holds goes back to the job at once, not after
        // --claim-after. (kill -9 runs nothing: then the claims bring it back.)
        this.onExit = new Thread(frontier::close, "queue-release");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    static QueueSource open(QueueUrl url, Iterator<String> given, int slots, Duration claimAfter, int maxDeliveries,
                                   Consumer<String> log) {
        return new QueueSource(RedisFrontier.builder(url).slots(slots).claimAfter(claimAfter).maxDeliveries(maxDeliveries)
                .seeds(given).log(log).open());
    }

    /** The job's items, as this worker gets them; ends when the job is over. Read by one thread. */
    public Iterator<String> items() {
        return new Iterator<>() {
            private Frontier.Item next;
            private boolean over;

            @Override
            public boolean hasNext() {
                if (next != null) return true;
                if (over) return false;
                try {
                    next = frontier.next();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    next = null;
                }
                if (next == null) {
                    over = true;
                    return false;
                }
                return true;
            }

            @Override
            public String next() {
                if (!hasNext()) throw new NoSuchElementException();
                Frontier.Item item = next;
                next = null;
                held.put(item.value(), item);
                return item.value();
            }
        };
    }

    /**
     * Writes each record to {@code local}, then into the job with its item's acknowledgement;
     * once {@code abandoned} says so (a stop past its grace interrupted the items in flight),
     * records go nowhere in the job: those items are released for another worker to do.
     */
    public Sink sink(Sink local, BooleanSupplier abandoned) {
        return result -> {
            Result kept = local.write(result);
            if (abandoned.getAsBoolean()) return kept;
            Frontier.Item item = held.remove(result.item());
            if (item != null) frontier.done(item, Json.write(kept.toMap()));
            return kept;
        };
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
