package dev.poolkit.cli.internal;

import dev.poolkit.Fields;
import dev.poolkit.Result;
import dev.poolkit.Sink;
import dev.poolkit.crawl.Frontier;
import dev.poolkit.internal.Json;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * A run fed by a {@link Frontier}: the frontier hands out the items, and each result feeds the
 * frontier back. The same code path for the in-process crawl ({@code --depth}, a
 * {@link dev.poolkit.crawl.LocalFrontier}) and for a job shared on Redis ({@code --queue}, a
 * {@link dev.poolkit.queue.RedisFrontier}, with or without {@code --depth}).
 *
 * <h2>The items</h2>
 * {@link #items()} hands the pool what the frontier hands out. Its {@code hasNext} waits while
 * nothing is pending but items are in flight (one of them may still find more), so the pool must
 * read items on a thread that no result waits for: each of the four does (the thread pool's and
 * the process pool's feeding thread; the async pool's chains deliver their result before they
 * read again).
 *
 * <h2>Each result, in this order</h2>
 * <ol>
 *   <li>when following, its {@value Fields#FOLLOW} field (URLs; relative ones resolved against
 *   the item) goes to the frontier, which canonicalises, scopes, dedupes and keeps them (a
 *   journal; the job on Redis): before the item is done, so a kill between the two loses nothing
 *   (the item is done again and finds them again; dedupe makes that harmless);</li>
 *   <li>its record is written to the run's sink, when following without {@code follow} and with
 *   {@code depth} (0 for a given item) and {@code parent} (null for a given item) first among its
 *   fields, in place of any the handler gave;</li>
 *   <li>the frontier is told the item is done.
 *   <ul>
 *     <li>{@linkplain #local Local}: with an empty record (the output file is the record of what
 *     is done; the run's sink keeps format, order and counts), also when writing failed, so that
 *     a thread waiting for items wakes up; the run stops on the failure, and the item, with no
 *     record, is run again by a {@code --resume}.</li>
 *     <li>{@linkplain #shared Shared}: with the record as written locally, which the job stores
 *     together with the item's acknowledgement; only once the local copy has it, so a record that
 *     cannot be written locally is not acknowledged and its item goes back to the job when the
 *     worker closes. Once the run is cut off (a stop past its grace interrupted the items in
 *     flight) nothing goes into the job: those items are released for another worker.</li>
 *   </ul></li>
 * </ol>
 *
 * <p>Thread-safety: {@link #write} from any thread; the iterator from one thread at a time.
 */
public final class Crawl implements Sink {
    /** The fields a crawl's record carries, first among the handler's. */
    public static final String DEPTH = "depth", PARENT = "parent";

    private final Frontier frontier;
    private final Sink out;
    private final boolean following;
    /** Null for a local crawl; else whether the run was cut off (then nothing goes into the job). */
    private final BooleanSupplier abandoned;
    private final Map<String, Frontier.Item> inFlight = new ConcurrentHashMap<>();

    private Crawl(Frontier frontier, Sink out, boolean following, BooleanSupplier abandoned) {
        this.frontier = frontier;
        this.out = out;
        this.following = following;
        this.abandoned = abandoned;
    }

    /** An in-process crawl: the run's output is the record of what is done. */
    public static Crawl local(Frontier frontier, Sink out) {
        return new Crawl(frontier, out, true, null);
    }

    /**
     * A worker of a shared job: each record goes to {@code local} (the run's sink), then into the
     * job with its item's acknowledgement, unless {@code abandoned} says the run was cut off.
     * {@code following}: the results' found items go to the job, the records get depth and parent.
     */
    public static Crawl shared(Frontier frontier, Sink local, boolean following, BooleanSupplier abandoned) {
        return new Crawl(frontier, local, following, Objects.requireNonNull(abandoned, "abandoned"));
    }

    /** The items to run, as the frontier hands them out; ends when the crawl is over (or interrupted). */
    public Iterator<String> items() {
        return new Iterator<>() {
            private Frontier.Item next;
            private boolean ended;

            @Override
            public boolean hasNext() {
                if (next != null) return true;
                if (ended) return false;
                try {
                    next = frontier.next();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    ended = true; // stopped: the journal (or the shared job) holds what is left
                    return false;
                }
                if (next == null) {
                    ended = true;
                    return false;
                }
                return true;
            }

            @Override
            public String next() {
                if (!hasNext()) throw new NoSuchElementException();
                Frontier.Item item = next;
                next = null;
                inFlight.put(item.value(), item);
                return item.value();
            }
        };
    }

    @Override
    public Result write(Result result) {
        Frontier.Item item = inFlight.get(result.item());
        if (item == null) return out.write(result); // not the frontier's (none is): its record all the same
        return abandoned == null ? writeLocal(result, item) : writeShared(result, item);
    }

    private Result writeLocal(Result result, Frontier.Item item) {
        try {
            List<String> found = found(result, item.value());
            if (!found.isEmpty()) frontier.add(item, found);
            return out.write(record(result, item));
        } finally {
            inFlight.remove(result.item());
            frontier.done(item, "");
        }
    }

    private Result writeShared(Result result, Frontier.Item item) {
        inFlight.remove(result.item());
        // Cut off: the item was interrupted; it is released when the worker closes, done again elsewhere.
        if (following && !abandoned.getAsBoolean()) {
            List<String> found = found(result, item.value());
            if (!found.isEmpty()) frontier.add(item, found);
        }
        Result kept = out.write(following ? record(result, item) : result);
        if (!abandoned.getAsBoolean()) frontier.done(item, Json.write(kept.toMap()));
        return kept;
    }

    /** The record: depth and parent first, the handler's fields after, without follow. */
    static Result record(Result r, Frontier.Item item) {
        var fields = new LinkedHashMap<String, Object>();
        fields.put(DEPTH, item.depth());
        fields.put(PARENT, item.parent());
        r.fields().forEach((k, v) -> {
            if (!k.equals(Fields.FOLLOW) && !k.equals(DEPTH) && !k.equals(PARENT)) fields.put(k, v);
        });
        return new Result(r.item(), r.ok(), r.status(), r.error(), r.errorKind(), r.millis(), fields);
    }

    /** The URLs the handler offered (a pool that follows made them a list), absolute. */
    static List<String> found(Result r, String item) {
        if (!(r.fields().get(Fields.FOLLOW) instanceof Collection<?> urls) || urls.isEmpty()) return List.of();
        var out = new ArrayList<String>(urls.size());
        for (Object o : urls) {
            if (o == null) continue;
            String url = o.toString().strip();
            if (!url.isEmpty()) out.add(absolute(item, url));
        }
        return out;
    }

    private static String absolute(String base, String url) {
        if (url.regionMatches(true, 0, "http://", 0, 7) || url.regionMatches(true, 0, "https://", 0, 8)) return url;
        try {
            return URI.create(base).resolve(url).toString();
        } catch (IllegalArgumentException notAUri) {
            return url; // the frontier's scope will judge it as it is
        }
    }
}
