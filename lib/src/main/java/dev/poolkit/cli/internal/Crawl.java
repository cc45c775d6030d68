package dev.poolkit.cli.internal;

import dev.poolkit.Fields;
import dev.poolkit.Result;
import dev.poolkit.Sink;
import dev.poolkit.crawl.Frontier;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A run that follows links: a {@link Frontier} feeds the pool, and each result feeds the
 * frontier back before its record is written.
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
 *   <li>its {@value Fields#FOLLOW} field (URLs; relative ones resolved against the item) goes to
 *   the frontier, which canonicalises, scopes, dedupes and journals them;</li>
 *   <li>its record is written, without {@code follow}, with {@code depth} (0 for a given item)
 *   and {@code parent} (null for a given item) first among its fields, in place of any the
 *   handler gave: after the journal, so a record is never on disk before what its item found;</li>
 *   <li>the frontier is told the item is done (also when writing failed, so that a thread waiting
 *   for items wakes up; the run stops on the failure, and the item, with no record, is run
 *   again by a {@code --resume}).</li>
 * </ol>
 * The record reaches the output through the run's own sink (format, order, counts), so the
 * record given to {@link Frontier#done} is empty: the in-process frontier's record sink is not
 * used, the output file being the record of what is done.
 *
 * <p>Thread-safety: {@link #write} from any thread; the iterator from one thread at a time.
 */
public final class Crawl implements Sink {
    /** The fields a crawl's record carries, first among the handler's. */
    public static final String DEPTH = "depth", PARENT = "parent";

    private final Frontier frontier;
    private final Sink out;
    private final Map<String, Frontier.Item> inFlight = new ConcurrentHashMap<>();

    public Crawl(Frontier frontier, Sink out) {
        this.frontier = frontier;
        this.out = out;
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
                    ended = true; // stopped: the journal holds what is left, for --resume
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
        try {
            List<String> found = found(result, item.value());
            if (!found.isEmpty()) frontier.add(item, found);
            return out.write(record(result, item));
        } finally {
            inFlight.remove(result.item());
            frontier.done(item, "");
        }
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
