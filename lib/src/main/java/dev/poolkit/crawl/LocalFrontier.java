package dev.poolkit.crawl;

import dev.poolkit.crawl.internal.Fingerprints;
import dev.poolkit.crawl.internal.Hash64;
import dev.poolkit.crawl.internal.Journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The in-process {@link Frontier}: the items a job was given, then the items its handlers found,
 * breadth first, each once.
 *
 * <pre>{@code
 * try (var frontier = LocalFrontier.builder().seeds(urls.iterator()).scope(scope)
 *         .journal(Path.of("out.jsonl.frontier")).records(out::writeLine).open()) {
 *     for (Frontier.Item item; (item = frontier.next()) != null; ) {
 *         ...  frontier.add(item, page.links());  ...  frontier.done(item, recordJson);
 *     }
 * }
 * }</pre>
 *
 * <h2>Where things are kept</h2>
 * <ul>
 *   <li>Given items (the seeds): read from their iterator one at a time, when the frontier has
 *   handed out every earlier one; never all in memory.</li>
 *   <li>Found items: appended to the journal, which is also their queue (a read cursor hands them
 *   out in order). Pending items spill to disk: memory does not grow with them.</li>
 *   <li>Dedupe: 64-bit fingerprints of the canonical items, about 13 bytes an item.</li>
 *   <li>In memory: the fingerprints and the items in flight, nothing else per item.</li>
 * </ul>
 *
 * <h2>The journal and resume</h2>
 * The journal ({@link Builder#journal}; the command line keeps it next to the output, as
 * {@code OUTPUT.frontier}) is append-only JSON Lines, one found item a line:
 * {@code {"item":"http://host/a","depth":1,"parent":"http://host/"}}, each written whole in one
 * write before {@link #add} returns, so before the record of the item that found it. The output is
 * the journal of done items. After a kill, open the frontier again on the same journal, with the
 * same given items and the items the output has records for ({@link Builder#done}): a half-written
 * last line is cut (its parent has no record, so it will be handled again and find it again), the
 * fingerprints are rebuilt, and the frontier hands out exactly the items without a record. No
 * fsync per line, like the output: a kill -9 loses nothing, a power cut may lose the last lines.
 * Without a journal path, a temporary file is used and deleted on close.
 *
 * <h2>States</h2>
 * <pre>
 * state       what next() does                               leaves when
 * FEEDING     hands out given items, then journal items      the seed iterator is exhausted -> DRAINING
 * DRAINING    hands out journal items, else waits            journal read to its end and nothing in flight -> OVER
 * OVER        returns null                                   (add needs an item in flight: none is)
 * CLOSED      returns null; add and done throw               -
 * </pre>
 *
 * <h2>Thread-safety</h2>
 * Every method may be called from any thread; all take one lock, under which the seed iterator
 * is read and the record sink is called, so both should be quick (a file, not a slow pipe).
 * {@link #close()} wakes threads waiting in {@link #next()}, which then return {@code null}.
 */
public final class LocalFrontier implements Frontier {
    enum State { FEEDING, DRAINING, OVER, CLOSED }

    private final Iterator<String> seeds;
    private final Scope scope;
    private final Journal journal;
    private final boolean deleteJournal;
    private final Consumer<String> records;
    private final Fingerprints known = new Fingerprints();
    // Items that had their record before this run (resume): their journal lines are skipped.
    private Fingerprints doneBefore;
    private final Set<String> inFlight = new HashSet<>();
    private long accepted;
    private long done;
    private State state = State.FEEDING;

    private LocalFrontier(Builder b, Journal journal, boolean deleteJournal) throws IOException {
        this.seeds = b.seeds;
        this.scope = b.scope;
        this.journal = journal;
        this.deleteJournal = deleteJournal;
        this.records = b.records;
        if (b.done != null) {
            doneBefore = new Fingerprints();
            for (String item : b.done) {
                long f = Hash64.of(Urls.canonical(item));
                doneBefore.add(f);
                known.add(f);
            }
        }
        journal.scan(e -> known.add(Hash64.of(Urls.canonical(e.item()))));
        accepted = known.size();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public synchronized Item next() throws InterruptedException {
        while (true) {
            Item item = switch (state) {
                case FEEDING -> nextSeed();
                case DRAINING -> nextFound();
                case OVER, CLOSED -> null;
            };
            if (item != null) {
                inFlight.add(item.value());
                return item;
            }
            if (state == State.FEEDING) {
                state = State.DRAINING;
                continue;
            }
            if (state == State.DRAINING && inFlight.isEmpty() && journal.atEnd()) state = State.OVER;
            if (state == State.OVER || state == State.CLOSED) return null;
            wait();
        }
    }

    @Override
    public synchronized int add(Item parent, Collection<String> found) {
        requireInFlight(parent, "add to");
        int depth = parent.depth() + 1, taken = 0;
        for (String item : found) {
            String url = Urls.canonical(item);
            if (url.isEmpty() || !scope.admits(url, depth, parent.value())) continue;
            if (full()) break;
            if (!known.add(Hash64.of(url))) continue;
            journal.append(url, depth, parent.value());
            accepted++;
            taken++;
        }
        if (taken > 0) notifyAll();
        return taken;
    }

    @Override
    public synchronized void done(Item item, String record) {
        requireInFlight(item, "finish");
        // Under the lock: a record reaches the output only after every item its handler added is
        // in the journal, which is what makes resume exact.
        records.accept(record);
        inFlight.remove(item.value());
        done++;
        if (inFlight.isEmpty()) notifyAll();
    }

    /** Items handed out and not yet done. */
    public synchronized int inFlight() {
        return inFlight.size();
    }

    /** Distinct items the job has taken, given and found, this run and before it. */
    public synchronized long accepted() {
        return accepted;
    }

    /** Items done in this run. */
    public synchronized long done() {
        return done;
    }

    synchronized State state() {
        return state;
    }

    /** Forces the journal to disk and closes it (deletes it if it was a temporary one). */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (state == State.CLOSED) return;
            state = State.CLOSED;
            notifyAll();
        }
        journal.close();
        if (deleteJournal) Files.deleteIfExists(journal.file());
    }

    private Item nextSeed() {
        while (seeds.hasNext()) {
            String seed = seeds.next();
            if (seed == null || (seed = seed.strip()).isEmpty()) continue;
            if (full()) return null;
            if (!known.add(Hash64.of(Urls.canonical(seed)))) continue;
            accepted++;
            return new Item(seed, 0, null);
        }
        return null;
    }

    private Item nextFound() {
        try {
            for (Journal.Entry e; (e = journal.next()) != null; ) {
                if (doneBefore != null && doneBefore.contains(Hash64.of(Urls.canonical(e.item())))) continue;
                return new Item(e.item(), e.depth(), e.parent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the frontier's journal: " + e.getMessage(), e);
        }
        // Past the lines written before this run, no item can have been done before it.
        doneBefore = null;
        return null;
    }

    private boolean full() {
        return scope.maxItems() >= 0 && accepted >= scope.maxItems();
    }

    private void requireInFlight(Item item, String what) {
        if (state == State.CLOSED) throw new IllegalStateException("frontier is closed: cannot " + what + " " + item.value());
        if (!inFlight.contains(item.value())) {
            throw new IllegalStateException("cannot " + what + " an item that is not in flight: " + item.value());
        }
    }

    public static final class Builder {
        private Iterator<String> seeds = Collections.emptyIterator();
        private Scope scope = Scope.all();
        private Path journal;
        private Iterable<String> done;
        private Consumer<String> records = record -> {};

        private Builder() {}

        /** The items the job was given (depth 0), read one at a time as they are handed out; blank ones are skipped. */
        public Builder seeds(Iterator<String> seeds) {
            this.seeds = Objects.requireNonNull(seeds, "seeds");
            return this;
        }

        public Builder seeds(List<String> seeds) {
            return seeds(seeds.iterator());
        }

        /** Which found items to take (default: {@link Scope#all()}). */
        public Builder scope(Scope scope) {
            this.scope = Objects.requireNonNull(scope, "scope");
            return this;
        }

        /** The journal file: created if missing, resumed from if not (default: a temporary file). */
        public Builder journal(Path file) {
            this.journal = Objects.requireNonNull(file, "file");
            return this;
        }

        /** Items that already have their record, from the output of an earlier run (resume): never handed out again. */
        public Builder done(Iterable<String> items) {
            this.done = Objects.requireNonNull(items, "items");
            return this;
        }

        /** Where {@link #done} puts each record, one line of JSON without its newline (default: nowhere). */
        public Builder records(Consumer<String> records) {
            this.records = Objects.requireNonNull(records, "records");
            return this;
        }

        /** Opens the journal (cutting a half-written last line) and rebuilds dedupe from it. */
        public LocalFrontier open() throws IOException {
            boolean temporary = journal == null;
            Path file = temporary ? Files.createTempFile("poolkit-frontier-", ".jsonl") : journal;
            Journal j = Journal.open(file);
            try {
                return new LocalFrontier(this, j, temporary);
            } catch (IOException | RuntimeException e) {
                j.close();
                if (temporary) Files.deleteIfExists(file);
                throw e;
            }
        }
    }
}
