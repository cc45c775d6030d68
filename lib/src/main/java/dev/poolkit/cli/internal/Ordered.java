package dev.poolkit.cli.internal;

import dev.poolkit.Result;
import dev.poolkit.Sink;
import dev.poolkit.internal.Json;
import dev.poolkit.internal.engine.Results;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A sink that passes records on in input order ({@code --ordered}): the reader numbers each item
 * with {@link #expect} as it hands it to the pool, and a record waits here until the records of
 * every item before it have been passed on. A pool does not know input positions, so a record is
 * matched to its number by its item; an item that occurs more than once takes the lowest number
 * still open for it.
 *
 * <h2>The bound</h2>
 * At most {@code bound} records wait. When a record arrives and {@code bound} records are already
 * waiting for a slow item, that item loses its turn: the waiting records are passed on, in order,
 * and the slow item's record is passed on whenever it arrives, late (and {@code warn} is told,
 * once per run). Every other record stays in input order, and memory stays at {@code bound}
 * records plus the numbers of the items in flight. It does not block the writing thread instead:
 * in a process pool one reader thread delivers the records of all the items of its worker
 * process, the slow one's included, so a reader blocked on a full buffer could wait for a record
 * that only it can deliver.
 *
 * <p>Thread-safe: records are passed on under this sink's lock, one at a time.
 */
public final class Ordered implements Sink, AutoCloseable {
    private final Sink out;
    private final int bound;
    private final Consumer<String> warn;
    // Numbers handed out and not yet recorded, per item, lowest first.
    private final Map<String, ArrayDeque<Long>> open = new HashMap<>();
    private final TreeMap<Long, Result> waiting = new TreeMap<>();
    private long numbered;
    private long nextOut;
    private long late;
    private int mostWaiting;

    public Ordered(Sink out, int bound, Consumer<String> warn) {
        if (bound < 1) throw new IllegalArgumentException("bound must be >= 1, got " + bound);
        this.out = out;
        this.bound = bound;
        this.warn = warn;
    }

    /** Numbers {@code item} as the next one read. Call it in input order, before the item can have a record. */
    public synchronized void expect(String item) {
        open.computeIfAbsent(item, k -> new ArrayDeque<>(1)).add(numbered++);
    }

    @Override
    public synchronized Result write(Result result) {
        ArrayDeque<Long> numbers = open.get(result.item());
        if (numbers == null) return out.write(result); // never numbered: nothing to keep it in order with
        long n = numbers.poll();
        if (numbers.isEmpty()) open.remove(result.item());
        if (n < nextOut) return out.write(result); // late: its turn was given up when the buffer was full
        while (n != nextOut && waiting.size() >= bound) giveUpTurn();
        if (n == nextOut) {
            Result written = out.write(result);
            nextOut++;
            drain();
            return written;
        }
        // What the pool counts must be what is written later: an unwritable record fails now.
        Result kept = result;
        if (!result.fields().isEmpty()) {
            try {
                Json.write(result.fields());
            } catch (IllegalArgumentException unwritable) {
                kept = Results.unwritable(result, unwritable);
            }
        }
        waiting.put(n, kept);
        mostWaiting = Math.max(mostWaiting, waiting.size());
        return kept;
    }

    /** The buffer is full: the item whose record is next will be written whenever it arrives. */
    private void giveUpTurn() {
        if (late++ == 0) {
            warn.accept("--ordered: " + bound + " records waited for item #" + (nextOut + 1)
                    + " (still running); it will be written late, when it finishes, and the rest in order");
        }
        nextOut++;
        drain();
    }

    private void drain() {
        Map.Entry<Long, Result> first;
        while ((first = waiting.firstEntry()) != null && first.getKey() == nextOut) {
            waiting.pollFirstEntry();
            nextOut++;
            out.write(first.getValue());
        }
    }

    /** The most records that have waited at once. */
    public synchronized int mostWaiting() {
        return mostWaiting;
    }

    /** How many items lost their turn because the buffer was full; each one's record was written late. */
    public synchronized long late() {
        return late;
    }

    /**
     * Passes on the records still waiting, in order: after a run that stopped early (a failed
     * output, an interrupt) the items before them will have no record, and theirs must not be lost.
     */
    @Override
    public synchronized void close() {
        while (!waiting.isEmpty()) out.write(waiting.pollFirstEntry().getValue());
    }
}
