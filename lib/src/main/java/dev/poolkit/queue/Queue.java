package dev.poolkit.queue;

import dev.poolkit.crawl.Urls;
import dev.poolkit.queue.internal.JobStore;
import dev.poolkit.queue.internal.Keys;
import redis.clients.jedis.resps.StreamConsumerInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A shared job on Redis, as its owner sees it: load it, watch it, take its output, deal with its
 * dead letters. Workers join it with {@link RedisFrontier}; see there for the keys and the guarantees.
 *
 * <pre>{@code
 * try (var q = Queue.open(QueueUrl.parse("redis://HOST:6379/myjob"))) {
 *     q.push(List.of("https://example.com/").iterator());
 *     System.out.println(q.status());
 *     q.export(System.out::println);   // one record per item, JSON lines
 * }
 * }</pre>
 *
 * Thread-safe; {@link #close()} disconnects.
 */
public final class Queue implements AutoCloseable {
    private static final int PUSH_BATCH = 500;
    private static final int PUSH_PIPELINE = 8;

    /**
     * A worker of the job, as the consumer group sees it.
     *
     * @param holding          items it holds (delivered to it, not yet done)
     * @param idleMillis       since it last read, claimed or renewed: a live worker does one of
     *                         them at least every {@code claimAfter / 3}
     * @param records          records it wrote to the job
     * @param claimAfterMillis the claim-after it joined with; -1 if it did not say (then
     *                         {@link RedisFrontier#DEFAULT_CLAIM_AFTER} is assumed: see {@link #claimAfter()})
     * @param gone             silent past its claim-after: killed ({@code kill -9}, a lost machine)
     *                         or stuck; what it holds is claimed by the live workers. A worker that
     *                         stops cleanly leaves the group instead. Never true of the
     *                         {@linkplain #releasedConsumer() released} items' holder
     */
    public record Worker(String name, long holding, long idleMillis, long records, long claimAfterMillis, boolean gone) {
        /** The claim-after {@code gone} is judged by: its own, or the default if it did not say. */
        public Duration claimAfter() {
            return claimAfter(claimAfterMillis);
        }

        private static Duration claimAfter(long saidMillis) {
            return saidMillis < 0 ? RedisFrontier.DEFAULT_CLAIM_AFTER : Duration.ofMillis(saidMillis);
        }
    }

    /** A dead letter: an item that was delivered too often without a record. */
    public record DeadLetter(String item, int depth, String parent, long deliveries, String why) {}

    /**
     * The job at one moment.
     *
     * @param taken    distinct items the job took, pushed and found
     * @param done     items with their record (ok + failed)
     * @param queued   items not yet handed to any worker
     * @param inFlight items held by workers (and released ones waiting to be claimed)
     * @param rate     records per second, from the first record to the last; 0 before two
     */
    public record Status(long taken, long done, long ok, long failed, long dead, long queued, long inFlight,
                         boolean pushing, double rate, List<Worker> workers) {
        /** Every item has its record and nothing is in flight or being pushed. */
        public boolean over() {
            return done >= taken && inFlight == 0 && !pushing;
        }
    }

    private final QueueUrl url;
    private final JobStore store;

    private Queue(QueueUrl url, JobStore store) {
        this.url = url;
        this.store = store;
    }

    /** Connects (and creates the job's consumer group if it has none), retrying for up to 10 s. */
    public static Queue open(QueueUrl url) {
        return open(url, line -> {}, Duration.ofSeconds(10));
    }

    /** Connects, with a log for Redis going away and coming back, retrying for up to {@code reconnectFor}. */
    public static Queue open(QueueUrl url, Consumer<String> log, Duration reconnectFor) {
        return new Queue(url, Stores.open(url, log, reconnectFor));
    }

    public QueueUrl url() {
        return url;
    }

    /**
     * Adds the items the job does not have yet (compared in canonical form) at depth 0; blank
     * items are skipped. Pushing the same items twice adds nothing the second time. Workers do
     * not end the job while a push runs. Returns how many were new.
     */
    public long push(Iterator<String> items) {
        return push(store, items, -1);
    }

    static long push(JobStore store, Iterator<String> items, long maxItems) {
        if (!items.hasNext()) return 0;
        long taken = 0;
        String push = java.util.UUID.randomUUID().toString();
        store.pushing(push, 60_000);
        try {
            // Batches of 500 items a script, 8 scripts a round trip (pipelined): a big push is
            // bound by the server's work, not by round trips.
            List<List<String[]>> round = new ArrayList<>(PUSH_PIPELINE);
            List<String[]> batch = new ArrayList<>(PUSH_BATCH);
            while (items.hasNext()) {
                String item = items.next();
                if (item == null || (item = item.strip()).isEmpty()) continue;
                batch.add(new String[]{Urls.canonical(item), item, "0", null});
                if (batch.size() == PUSH_BATCH) {
                    round.add(batch);
                    batch = new ArrayList<>(PUSH_BATCH);
                    if (round.size() == PUSH_PIPELINE) {
                        taken += store.pushPipelined(round, maxItems);
                        round.clear();
                        // Renewed as it goes: a push killed midway stops holding the job open a minute later.
                        store.pushing(push, 60_000);
                    }
                }
            }
            round.add(batch);
            taken += store.pushPipelined(round, maxItems);
        } finally {
            store.pushing(push, 0);
        }
        return taken;
    }

    public Status status() {
        JobStore.Progress p = store.progress();
        Map<String, String> stats = store.stats();
        long ok = number(stats.get("ok")), failed = number(stats.get("failed"));
        List<Worker> workers = new ArrayList<>();
        for (StreamConsumerInfo c : store.consumers()) {
            String said = stats.get(JobStore.CLAIM_AFTER + c.getName());
            long claimAfter = said == null || said.isEmpty() ? -1 : Long.parseLong(said);
            boolean gone = !c.getName().equals(Keys.RELEASED) && c.getIdle() > Worker.claimAfter(claimAfter).toMillis();
            workers.add(new Worker(c.getName(), c.getPending(), c.getIdle(), number(stats.get("by:" + c.getName())), claimAfter, gone));
        }
        double rate = 0;
        String[] span = store.span(store.keys().results);
        if (span != null) {
            long ms = millis(span[1]) - millis(span[0]);
            if (ms > 0) rate = (p.done() - 1) * 1000.0 / ms;
        }
        long queued = Math.max(0, p.taken() - p.done() - p.pending());
        return new Status(p.taken(), p.done(), ok, failed, store.length(store.keys().dead), queued, p.pending(), p.pushing(),
                rate, workers);
    }

    /** Hands each record of the job, one line of JSON, to {@code each}, in the order they were written. Returns how many. */
    public long export(Consumer<String> each) {
        long[] n = {0};
        store.forEach(store.keys().results, (id, fields) -> {
            each.accept(fields.get("record"));
            n[0]++;
        });
        return n[0];
    }

    /** Hands each dead letter to {@code each}. Returns how many. */
    public long dead(Consumer<DeadLetter> each) {
        long[] n = {0};
        store.forEach(store.keys().dead, (id, f) -> {
            String parent = f.get("parent");
            each.accept(new DeadLetter(f.get("item"), (int) number(f.get("depth")), parent == null || parent.isEmpty() ? null : parent,
                    number(f.get("deliveries")), f.get("why")));
            n[0]++;
        });
        return n[0];
    }

    /** Puts every dead letter back in the job, its poison record removed; returns how many. */
    public long retryDead() {
        return store.retryDead();
    }

    /** Deletes the job: its items, records, dead letters and counters. */
    /**
     * The job's terms ({@link RedisFrontier.Builder#terms}): {@code mine} if the job had none (they
     * are now the job's), else the first worker's, which a worker compares with its own.
     */
    public String terms(String mine) {
        return store.terms(java.util.Objects.requireNonNull(mine, "mine"));
    }

    public void drop() {
        store.drop();
    }

    /** The consumer that holds released items until a worker claims them. */
    public static String releasedConsumer() {
        return Keys.RELEASED;
    }

    private static long number(String s) {
        return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
    }

    private static long millis(String id) {
        return Long.parseLong(id.substring(0, id.indexOf('-')));
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return "Queue[" + url + "]";
    }
}
