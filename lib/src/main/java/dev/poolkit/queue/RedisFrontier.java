package dev.poolkit.queue;

import dev.poolkit.crawl.Frontier;
import dev.poolkit.crawl.Scope;
import dev.poolkit.crawl.Urls;
import dev.poolkit.internal.Check;
import dev.poolkit.internal.Json;
import dev.poolkit.queue.internal.JobStore;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The {@link Frontier} of a job shared by many workers, on many machines, through Redis Streams
 * (Redis 6.2 or newer): each worker opens one on the same {@link QueueUrl}, and together they do
 * every item of the job once, with exactly one record per item in the job's results.
 *
 * <pre>{@code
 * try (var frontier = RedisFrontier.builder(QueueUrl.parse("redis://HOST:6379/myjob")).slots(16).open()) {
 *     for (Frontier.Item item; (item = frontier.next()) != null; ) {
 *         ...  frontier.add(item, page.links());  ...  frontier.done(item, recordJson);
 *     }
 * }
 * }</pre>
 *
 * <h2>Keys</h2>
 * All under {@code poolkit:{JOB}:} (one hash tag: one slot on a cluster):
 * <pre>
 * items     stream    one entry per item taken: item, depth, parent, fp; consumer group "poolkit"
 * seen      set       fingerprints of every item taken (dedupe: sha1 of the canonical item, 64 bits)
 * done      set       fingerprints of every item that has its record
 * results   stream    the records, one per item: item, record (one line of JSON)
 * dead      stream    dead letters: item, depth, parent, fp, deliveries, why, result (the record's id)
 * stats     hash      ok, failed, by:CONSUMER (records written by each worker), claim-after:CONSUMER (ms)
 * pushing   zset      the pushes going on, each scored with its expiry (a killed push does not hold the job open)
 * terms     string    the crawl options every worker of the job shares, set by the first
 * </pre>
 *
 * <h2>An item's life</h2>
 * <pre>
 * state        how it gets there                                   what holds it
 * PENDING      push / add: new fingerprint -> SADD seen + XADD items   items stream, not yet delivered
 * IN FLIGHT    XREADGROUP (COUNT &lt;= free slots), or XAUTOCLAIM      the group's pending list, one consumer
 * DONE         done(): one script a batch: XADD results, SADD done,   done set + results stream
 *              XACK (see Group commit)
 * RELEASED     close() of a worker that held it                       pending list, consumer "released", idle 1 year
 * DEAD         claimed with deliveries > max: poison record + XACK    done set + results + dead stream
 * </pre>
 * IN FLIGHT goes back to IN FLIGHT elsewhere when its entry is idle past {@code claimAfter} (its
 * worker died) and at once when RELEASED. {@code retry-dead} moves DEAD back to PENDING (its poison
 * record removed).
 *
 * <h2>Guarantees and how</h2>
 * <ul>
 *   <li><b>One record per item.</b> {@link #done} is one Lua script: if the item's fingerprint is
 *   new to the done set, the record is added to the results stream; the entry is acknowledged
 *   either way. A worker killed after the work but before the script leaves the entry pending: it
 *   is claimed and done again, and its record still appears once. Two workers finishing one item
 *   (one of them after a claim) write one record.</li>
 *   <li><b>Group commit.</b> {@link #done} waits until its record is in Redis, but the records of
 *   many threads finishing at once travel together: a writer thread sends whatever is waiting (up
 *   to 500) in one call of the done script, whose XACK and counters are one command each for the
 *   whole batch; two writers take turns, so one batch is on its way while the next gathers.</li>
 *   <li><b>Claims.</b> Each worker XAUTOCLAIMs entries idle for more than {@code claimAfter}
 *   (default 60 s). A worker alive but slow keeps its claims: a thread renews every entry it holds
 *   every {@code claimAfter / 3} (XCLAIM min-idle 0 JUSTID, only if it still owns the entry,
 *   checked in the same script), so its entries never look idle. So {@code claimAfter} is how
 *   long a dead worker's items wait, not a limit on an item's work: that is {@code --item-timeout}.</li>
 *   <li><b>Poison.</b> An entry claimed with a delivery count above {@code maxDeliveries}
 *   (default 3) is not handed out: it gets a failure record ({@code errorKind: "poison"}) and a
 *   dead letter saying why, in one script.</li>
 *   <li><b>Back-pressure.</b> A worker holds at most {@code slots} entries (read and in flight):
 *   each read asks for no more than its free slots, so memory does not grow with the job.</li>
 *   <li><b>Release.</b> {@link #close()} hands the entries it still holds to the consumer
 *   "released" with an idle time of a year, so the next claim of any worker takes them: at once,
 *   not after {@code claimAfter}. Entries read but never handed out get their delivery count
 *   back.</li>
 *   <li><b>End.</b> {@link #next()} returns null when every item taken has its record, nothing is
 *   pending and no push is going on.</li>
 *   <li><b>Redis going away.</b> Each step is retried with backoff (0.1 s doubling to 5 s) for up
 *   to {@code reconnectFor} (default 5 min), with a line to the log when it goes and when it is
 *   back; every step is idempotent, so a retry never doubles anything. After a reconnect a worker
 *   reads its own pending entries again (XREADGROUP from 0): a read the server answered whose
 *   answer was lost would otherwise wait for {@code claimAfter}. Entries acknowledged while that
 *   read was on its way are left out of it: an item is not handed out again.</li>
 * </ul>
 *
 * <h2>A crawl across workers</h2>
 * A handler's found items go to the job with {@link #add} while it holds its item, before
 * {@link #done}: a worker killed between the two leaves the item pending; it is done again (by
 * any worker) and finds the same items again, which the dedupe drops. So nothing found is lost
 * and nothing is taken twice. What each rule of the {@link Scope} needs across workers:
 * <ul>
 *   <li><b>Dedupe</b> is the seen set, in the push script: one item per distinct canonical form
 *   per job, whichever worker found it first (its depth and parent are the ones kept).</li>
 *   <li><b>Depth, same host, allow, deny</b> are judged by the worker that found the item, from
 *   the item and its parent alone (the same-host rule compares the found item's host with its
 *   parent's, which the entry carries): no shared state, so every worker judges alike, provided
 *   they have the same scope.</li>
 *   <li><b>The item cap</b> ({@link Scope#maxItems()}) is the job's, not a worker's: the push
 *   script counts the seen set before each item it takes, atomically, so the job takes at most
 *   that many in all, however many workers add at once.</li>
 *   <li><b>The same scope everywhere</b>: {@link Builder#terms} lets the first worker set the
 *   job's terms (the command line gives its crawl options) and makes a worker with other terms
 *   fail to open: a worker that did not follow, or followed less far, would leave the job half
 *   crawled without a word.</li>
 * </ul>
 * Depth and parent of an item found by two workers at once depend on which one's add ran first:
 * in a graph where an item is reachable at two depths, a shared crawl (like a local one with
 * many threads) may record either.
 *
 * <h2>Thread-safety</h2>
 * Every method may be called from any thread; {@link #next()} callers take turns (one reads from
 * Redis at a time). {@link #close()} once, after the last {@link #done}.
 *
 * <h2>Test-only: a worker killed between the work and the ack</h2>
 * The system property {@value #HALT_BEFORE_ACK_PROPERTY}{@code =ITEM} makes {@link #done} for
 * ITEM halt the JVM ({@link Runtime#halt}, exit status {@value #HALTED}) before the record and
 * the acknowledgement go to Redis: after the work and after the worker's local copy of the
 * record, as a {@code kill -9} at that moment would. It is read once, when the class loads. It
 * exists so that the tests can kill a worker exactly there; never set it otherwise.
 */
public final class RedisFrontier implements Frontier {
    enum State { RUNNING, OVER, STOPPED, CLOSED }

    /** Test-only (see the class doc): the item whose {@link #done} halts the JVM. */
    public static final String HALT_BEFORE_ACK_PROPERTY = "poolkit.test.haltBeforeAck";
    /** Test-only: the exit status of a JVM halted by {@value #HALT_BEFORE_ACK_PROPERTY}. */
    public static final int HALTED = 99;
    private static final String HALT_BEFORE_ACK = System.getProperty(HALT_BEFORE_ACK_PROPERTY);
    /** {@link Builder#claimAfter}'s default; also what status assumes of a worker that did not say its own. */
    public static final Duration DEFAULT_CLAIM_AFTER = Duration.ofSeconds(60);

    private final JobStore store;
    private final QueueUrl url;
    private final String consumer;
    private final int slots;
    private final long claimAfterMillis;
    private final int maxDeliveries;
    private final Scope scope;
    private final boolean following;
    private final Consumer<String> log;
    private final int pollMillis;

    private final ArrayDeque<JobStore.Entry> buffer = new ArrayDeque<>();
    private final Map<String, JobStore.Entry> inFlight = new HashMap<>();
    private State state = State.RUNNING;
    private long poisoned;
    /** While the reader reads its own pending entries again: the entries acknowledged meanwhile. */
    private Set<String> ackedWhileRereading;

    private final ReentrantLock reading = new ReentrantLock();
    private String cursor = "0-0";
    private long lastClaim;
    private long reconnectsSeen;
    private final Thread renewer;
    private final LinkedBlockingQueue<Writing> writing = new LinkedBlockingQueue<>();
    /**
     * Two writers take turns: while one waits for Redis to answer its batch, the other is already
     * sending what finished meanwhile, so a record waits for at most one round trip, not two.
     */
    private final List<Thread> writers;

    /** A record waiting for the writer, and what its caller waits on. */
    private record Writing(JobStore.Done done, CompletableFuture<Void> written) {}

    private RedisFrontier(Builder b, JobStore store) {
        this.store = store;
        this.url = b.url;
        this.consumer = b.consumer;
        this.slots = b.slots;
        this.claimAfterMillis = b.claimAfter.toMillis();
        this.maxDeliveries = b.maxDeliveries;
        this.scope = b.scope;
        this.following = b.following;
        this.log = b.log;
        this.pollMillis = (int) Math.max(10, Math.min(500, claimAfterMillis / 2));
        this.renewer = Thread.ofPlatform().daemon().name("queue-renew").unstarted(this::renewLoop);
        this.writers = List.of(Thread.ofPlatform().daemon().name("queue-done-1").unstarted(this::writeLoop),
                Thread.ofPlatform().daemon().name("queue-done-2").unstarted(this::writeLoop));
    }

    public static Builder builder(QueueUrl url) {
        return new Builder(url);
    }

    /** The name this worker has in the job's consumer group. */
    public String consumer() {
        return consumer;
    }

    public QueueUrl url() {
        return url;
    }

    @Override
    public Item next() throws InterruptedException {
        reading.lockInterruptibly();
        try {
            while (true) {
                int free;
                synchronized (this) {
                    if (state != State.RUNNING) return null;
                    JobStore.Entry e = buffer.poll();
                    if (e != null) {
                        inFlight.put(e.item(), e);
                        return new Item(e.item(), e.depth(), e.parent());
                    }
                    free = slots - inFlight.size();
                    if (free <= 0) {
                        wait(pollMillis);
                        continue;
                    }
                }
                if (Thread.interrupted()) throw new InterruptedException();
                long now = System.nanoTime();
                if (now - lastClaim >= pollMillis * 1_000_000L) {
                    lastClaim = now;
                    JobStore.Claimed claimed = store.claim(consumer, claimAfterMillis, cursor, free);
                    cursor = claimed.cursor();
                    if (accept(claimed.entries())) continue;
                }
                if (store.reconnects() != reconnectsSeen) {
                    reconnectsSeen = store.reconnects();
                    if (acceptOwnPending()) continue;
                }
                boolean idle;
                synchronized (this) {
                    // An item in flight here may still add items: not over yet.
                    idle = inFlight.isEmpty() && buffer.isEmpty();
                }
                if (idle && store.progress().over()) {
                    synchronized (this) {
                        if (state == State.RUNNING && inFlight.isEmpty() && buffer.isEmpty()) state = State.OVER;
                        notifyAll();
                    }
                    continue;
                }
                accept(store.read(consumer, free, pollMillis));
            }
        } finally {
            reading.unlock();
        }
    }

    /**
     * Reads this worker's own pending entries again (after a reconnect) and buffers those not
     * acknowledged meanwhile: the reply may predate a done batch that crossed it, whose items are
     * no longer in flight here and would otherwise be handed out again (fetched twice, recorded once).
     */
    private boolean acceptOwnPending() {
        synchronized (this) {
            ackedWhileRereading = new HashSet<>();
        }
        List<JobStore.Entry> own = List.of();
        try {
            own = store.ownPending(consumer, 2 * slots + 100);
        } finally {
            synchronized (this) {
                Set<String> acked = ackedWhileRereading;
                ackedWhileRereading = null;
                // An entry still in flight here is not acked yet, and is not to be handed out again
                // either: left out now, while its done() cannot take it out of flight meanwhile.
                own = own.stream().filter(e -> !acked.contains(e.id()) && !inFlight.containsKey(e.item())).toList();
            }
        }
        return accept(own);
    }

    /** Buffers what was read or claimed, dead-lettering poison; true if anything can be handed out. */
    private boolean accept(List<JobStore.Entry> entries) {
        boolean any = false;
        for (JobStore.Entry e : entries) {
            if (e.deliveries() > maxDeliveries) {
                String why = "delivered " + e.deliveries() + " times without a record (max " + maxDeliveries
                        + "): each worker that held it died, hung or was stopped before its record";
                if (store.poison(e, poisonRecord(e, why), why)) {
                    synchronized (this) {
                        poisoned++;
                    }
                    log.accept("poison: " + e.item() + " " + why + "; dead-lettered");
                }
                continue;
            }
            synchronized (this) {
                // Our own entry, idle too long (a pause past claimAfter), or read again after a
                // reconnect: it is being worked on or waiting here already.
                if (inFlight.containsKey(e.item()) || buffered(e.id())) continue;
                buffer.add(e);
            }
            any = true;
        }
        return any;
    }

    private boolean buffered(String id) {
        for (JobStore.Entry b : buffer) if (b.id().equals(id)) return true;
        return false;
    }

    private String poisonRecord(JobStore.Entry e, String why) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("item", e.item());
        r.put("ok", false);
        r.put("status", null);
        r.put("error", why);
        r.put("errorKind", "poison");
        r.put("millis", 0);
        // As the crawl's other records: a given item's too (depth 0, parent null).
        if (following || e.depth() > 0) {
            r.put("depth", e.depth());
            r.put("parent", e.parent());
        }
        return Json.write(r);
    }

    @Override
    public int add(Item parent, Collection<String> found) {
        synchronized (this) {
            requireInFlight(parent, "add to");
        }
        int depth = parent.depth() + 1;
        List<String[]> batch = new ArrayList<>();
        for (String f : found) {
            String canonical = Urls.canonical(f);
            if (canonical.isEmpty() || !scope.admits(canonical, depth, parent.value())) continue;
            batch.add(new String[]{canonical, canonical, Integer.toString(depth), parent.value()});
        }
        return (int) store.push(batch, scope.maxItems());
    }

    /**
     * Writes the record and acknowledges the item in one step; a second record for an item that
     * has one (another worker did it after a claim) is dropped.
     */
    @Override
    public void done(Item item, String record) {
        JobStore.Entry e;
        synchronized (this) {
            requireInFlight(item, "finish");
            e = inFlight.get(item.value());
        }
        if (item.value().equals(HALT_BEFORE_ACK)) Runtime.getRuntime().halt(HALTED);
        var w = new Writing(new JobStore.Done(e.id(), e.fp(), e.item(), record, record.contains("\"ok\":true")), new CompletableFuture<>());
        writing.add(w);
        try {
            // Uninterruptibly: the record is on its way either way, and the caller must know whether it arrived.
            w.written().join();
        } catch (CompletionException failed) {
            throw failed.getCause() instanceof RuntimeException r ? r : failed;
        }
        synchronized (this) {
            inFlight.remove(item.value());
            notifyAll();
        }
    }

    /** Stops handing out items: {@link #next()} returns null from now on; items in flight may still be done. */
    public synchronized void stop() {
        if (state == State.RUNNING) state = State.STOPPED;
        notifyAll();
    }

    /** Items handed out and not yet done. */
    public synchronized int inFlight() {
        return inFlight.size();
    }

    /** Items this worker dead-lettered. */
    public synchronized long poisoned() {
        return poisoned;
    }

    synchronized State state() {
        return state;
    }

    /**
     * Releases what this worker still holds (see the class doc), leaves the group if it holds
     * nothing, disconnects. Call it after the last {@link #done} has returned: a record still
     * waiting to be written then fails its caller, and its item is released with the rest.
     */
    @Override
    public void close() {
        Map<String, Long> held = new LinkedHashMap<>();
        synchronized (this) {
            if (state == State.CLOSED) return;
            state = State.CLOSED;
            notifyAll();
            // Read but never handed out: this delivery does not count against the item.
            for (JobStore.Entry e : buffer) held.put(e.id(), e.deliveries() - 1);
            for (JobStore.Entry e : inFlight.values()) held.put(e.id(), null);
            buffer.clear();
            inFlight.clear();
        }
        renewer.interrupt();
        writers.forEach(Thread::interrupt);
        try {
            for (Thread w : writers) w.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (!held.isEmpty()) store.release(consumer, held);
            store.forget(consumer);
        } catch (RuntimeException e) {
            log.accept("could not release " + held.size() + " items (they come back after claim-after): " + e.getMessage());
        } finally {
            store.close();
        }
    }

    /** For tests: as if the process were killed here: nothing released, no more renewals, disconnected. */
    void crash() {
        synchronized (this) {
            state = State.CLOSED;
            notifyAll();
        }
        renewer.interrupt();
        writers.forEach(Thread::interrupt);
        try {
            renewer.join();
            for (Thread w : writers) w.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }

    /**
     * Group commit: whatever records are waiting go to Redis in one script call (up to 500), so
     * under load many items share one round trip, and alone an item pays one.
     */
    private void writeLoop() {
        List<Writing> batch = new ArrayList<>();
        try {
            while (true) {
                batch.add(writing.take());
                writing.drainTo(batch, JobStore.DONE_BATCH - 1);
                List<JobStore.Done> done = new ArrayList<>(batch.size());
                for (Writing w : batch) done.add(w.done());
                try {
                    store.done(consumer, done);
                    synchronized (this) {
                        // Before done() takes its item out of flight: see acceptOwnPending.
                        if (ackedWhileRereading != null) for (JobStore.Done d : done) ackedWhileRereading.add(d.id());
                    }
                    for (Writing w : batch) w.written().complete(null);
                } catch (RuntimeException e) {
                    for (Writing w : batch) w.written().completeExceptionally(e);
                }
                batch.clear();
            }
        } catch (InterruptedException stop) {
            var failure = new IllegalStateException("frontier is closed: record not written");
            for (Writing w : batch) w.written().completeExceptionally(failure);
            for (Writing w; (w = writing.poll()) != null; ) w.written().completeExceptionally(failure);
        }
    }

    private void renewLoop() {
        long every = Math.max(10, claimAfterMillis / 3);
        try {
            while (true) {
                Thread.sleep(every);
                List<String> ids = new ArrayList<>();
                synchronized (this) {
                    if (state == State.CLOSED) return;
                    for (JobStore.Entry e : buffer) ids.add(e.id());
                    for (JobStore.Entry e : inFlight.values()) ids.add(e.id());
                }
                try {
                    store.renew(consumer, ids);
                } catch (RuntimeException e) {
                    // The next round tries again; the store has said on the log that Redis is away.
                }
            }
        } catch (InterruptedException stop) {
            // closed
        }
    }

    private void requireInFlight(Item item, String what) {
        if (state == State.CLOSED) throw new IllegalStateException("frontier is closed: cannot " + what + " " + item.value());
        if (!inFlight.containsKey(item.value())) {
            throw new IllegalStateException("cannot " + what + " an item that is not in flight: " + item.value());
        }
    }

    @Override
    public String toString() {
        return "RedisFrontier[" + url + ", consumer=" + consumer + "]";
    }

    /** A worker's {@linkplain Builder#terms terms} are not its job's: it must not work on it. */
    public static final class TermsDiffer extends IllegalStateException {
        private final String job, mine;

        TermsDiffer(QueueUrl url, String job, String mine) {
            super("the job " + url + " is worked with " + job + ", this worker with " + mine);
            this.job = job;
            this.mine = mine;
        }

        /** The job's terms, as its first worker set them. */
        public String job() {
            return job;
        }

        /** This worker's terms. */
        public String mine() {
            return mine;
        }
    }

    /**
     * How a worker joins a job. Defaults: {@code slots} 1, {@code claimAfter} 60 s,
     * {@code maxDeliveries} 3, {@code reconnectFor} 5 min, no scope limits, no seeds, log to nowhere.
     */
    public static final class Builder {
        private final QueueUrl url;
        private String consumer;
        private int slots = 1;
        private Duration claimAfter = DEFAULT_CLAIM_AFTER;
        private int maxDeliveries = 3;
        private Duration reconnectFor = Duration.ofMinutes(5);
        private Scope scope = Scope.all();
        private boolean following;
        private Iterator<String> seeds = Collections.emptyIterator();
        private Consumer<String> log = line -> {};
        private String terms;

        private Builder(QueueUrl url) {
            this.url = Objects.requireNonNull(url, "url");
            this.consumer = defaultConsumer();
        }

        /** The most entries this worker holds at once, read and in flight: its concurrency. */
        public Builder slots(int slots) {
            this.slots = Check.atLeast(1, slots, "slots");
            return this;
        }

        /** How long an entry's holder must be silent before another worker claims it (at least 10 ms). */
        public Builder claimAfter(Duration claimAfter) {
            if (claimAfter.toMillis() < 10) throw new IllegalArgumentException("claimAfter must be >= 10 ms, got " + claimAfter.toMillis() + " ms");
            this.claimAfter = claimAfter;
            return this;
        }

        /** Deliveries without a record after which an item is poison (at least 1). */
        public Builder maxDeliveries(int maxDeliveries) {
            this.maxDeliveries = Check.atLeast(1, maxDeliveries, "maxDeliveries");
            return this;
        }

        /** How long to keep retrying while Redis cannot be reached, before failing. */
        public Builder reconnectFor(Duration reconnectFor) {
            this.reconnectFor = Objects.requireNonNull(reconnectFor, "reconnectFor");
            return this;
        }

        /** Which found items {@link #add} takes; {@link Scope#maxItems()} caps the whole job, counted on the server. */
        public Builder scope(Scope scope) {
            this.scope = Objects.requireNonNull(scope, "scope");
            return this;
        }

        /**
         * Whether the job is a crawl, whose records carry {@code depth} and {@code parent} after
         * {@code millis} (0 and null for a given item): then so do the poison records this worker
         * writes. Default false: a poison record has them only for a found item.
         */
        public Builder following(boolean following) {
            this.following = following;
            return this;
        }

        /** Items to push to the job (depth 0) when it opens; items the job has are skipped. */
        public Builder seeds(Iterator<String> seeds) {
            this.seeds = Objects.requireNonNull(seeds, "seeds");
            return this;
        }

        /**
         * The terms every worker of the job must share, in words (the command line gives its
         * crawl options, {@code "--depth 2 --max-items 500"}, or {@code "no --depth"}): the first
         * worker to open the job sets them, and {@link #open()} fails with {@link TermsDiffer}
         * for a worker whose terms differ, before it pushes or takes anything. Default: none (any
         * worker joins).
         */
        public Builder terms(String terms) {
            this.terms = Objects.requireNonNull(terms, "terms");
            return this;
        }

        /** This worker's name in the consumer group (default: host-pid-random). */
        public Builder consumer(String consumer) {
            if (consumer == null || consumer.isBlank() || consumer.equals(dev.poolkit.queue.internal.Keys.RELEASED)) {
                throw new IllegalArgumentException("consumer must be a non-blank name other than 'released', got " + consumer);
            }
            this.consumer = consumer;
            return this;
        }

        /** Where to say that Redis went away and came back, and what was dead-lettered: one line each. */
        public Builder log(Consumer<String> log) {
            this.log = Objects.requireNonNull(log, "log");
            return this;
        }

        /** Connects, creates the job's group if needed, pushes the seeds, and starts renewing claims. */
        public RedisFrontier open() {
            JobStore store = Stores.open(url, log, reconnectFor);
            try {
                if (terms != null) {
                    String job = store.terms(terms);
                    if (!job.equals(terms)) throw new TermsDiffer(url, job, terms);
                }
                Queue.push(store, seeds, scope.maxItems());
                // So that status can tell a worker killed with -9 (silent past it) from a live one.
                store.joined(consumer, claimAfter.toMillis());
                var frontier = new RedisFrontier(this, store);
                frontier.renewer.start();
                frontier.writers.forEach(Thread::start);
                return frontier;
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
        }

        private static String defaultConsumer() {
            String host;
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "host";
            }
            return host + "-" + ProcessHandle.current().pid() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        }
    }
}
