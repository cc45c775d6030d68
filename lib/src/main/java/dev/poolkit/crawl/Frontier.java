package dev.poolkit.crawl;

import java.util.Collection;
import java.util.Objects;

/**
 * Where a job's items come from while it runs: hands them out, takes the items handlers find,
 * and is told when an item has its record.
 *
 * <h2>The contract, for every backend</h2>
 * <ul>
 *   <li>An item is handed out by {@link #next()}, then acknowledged together with its record by
 *   {@link #done}. An item handed out and never acknowledged comes back: when the job is resumed
 *   (in-process), or when its claim times out (a shared backend such as Redis).</li>
 *   <li>Dedupe: one record per distinct item per job. Items are compared in their canonical form
 *   ({@link Urls#canonical}).</li>
 *   <li>Each item knows its {@link Item#depth() depth} and {@link Item#parent() parent}; a handler
 *   adds what it found with {@link #add} while it holds the item, before {@code done}.</li>
 *   <li>The {@link Scope} is enforced on what is added: depth, hosts, patterns, the item cap.</li>
 *   <li>{@link #next()} reports the end only when nothing is pending and nothing is in flight: an
 *   item in flight may still add more.</li>
 * </ul>
 *
 * <h2>Thread-safety</h2>
 * Every method may be called from any thread; {@link #close()} once the job is over or stopped.
 *
 * @see LocalFrontier the in-process backend
 */
public interface Frontier extends AutoCloseable {

    /**
     * An item as handed out.
     *
     * @param value  the item: what the handler receives and what its record's {@code item} says
     * @param depth  0 for an item the job was given, else its parent's depth plus one
     * @param parent the item it was found in; {@code null} for an item the job was given
     */
    record Item(String value, int depth, String parent) {
        public Item {
            Objects.requireNonNull(value, "value");
            if (depth < 0) throw new IllegalArgumentException("depth must be >= 0, got " + depth);
        }
    }

    /**
     * The next item to work on, waiting while there is none but items are in flight; {@code null}
     * when the job is over: nothing pending, nothing in flight, no more given items.
     */
    Item next() throws InterruptedException;

    /**
     * Adds items a handler found in {@code parent}, which it holds (handed out, not yet done).
     * Each is canonicalised, checked against the scope and the item cap, and taken if it is new
     * to the job. Returns how many were taken.
     *
     * @throws IllegalStateException if {@code parent} is not in flight
     */
    int add(Item parent, Collection<String> found);

    /**
     * Acknowledges an item together with its record, one line of JSON: a backend stores both as
     * one step (the in-process one hands the record to its record sink under the same lock; a
     * Redis one writes it and acknowledges the item in one transaction).
     *
     * @throws IllegalStateException if {@code item} is not in flight
     */
    void done(Item item, String record);
}
