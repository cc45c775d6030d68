package dev.poolkit.queue.internal;

import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamConsumerInfo;
import redis.clients.jedis.resps.StreamEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Not API: one job's keys on one Redis server, and the steps the queue takes on them, each one
 * command or one script. Thread-safe: connections come from the client's pool (one per caller at
 * a time). Connection failures are retried with backoff for {@code reconnectMillis}, with one line
 * to the log when the server goes away and one when it is back; every step is idempotent, so a
 * step retried after it was applied but before its answer arrived does no harm.
 */
public final class JobStore implements AutoCloseable {
    /** An entry of the items stream, as handed to a consumer. */
    public record Entry(String id, String item, int depth, String parent, String fp, long deliveries) {}

    /** One finished item: its entry, its record, whether it succeeded. */
    public record Done(String id, String fp, String item, String record, boolean ok) {}

    /** The job's counts at one moment. */
    public record Progress(long taken, long done, long pending, boolean pushing) {
        /** Every item taken has its record and nothing is pending or being pushed. */
        public boolean over() {
            return done >= taken && pending == 0 && !pushing;
        }
    }

    /** Claimed entries and the cursor the next claim starts from. */
    public record Claimed(String cursor, List<Entry> entries) {}

    /** The most records one call of the done script takes. */
    public static final int DONE_BATCH = 500;
    /** The stats field, followed by a consumer's name, that holds the claim-after (ms) it joined with. */
    public static final String CLAIM_AFTER = "claim-after:";

    private final RedisClient client;
    private final String where;
    private final String password;
    private final Consumer<String> log;
    private final long reconnectMillis;
    private final Keys keys;
    private final Map<String, String> shas = new HashMap<>();
    private volatile boolean away;
    private final java.util.concurrent.atomic.AtomicLong reconnects = new java.util.concurrent.atomic.AtomicLong();

    private JobStore(RedisClient client, String where, String password, String job, Consumer<String> log, long reconnectMillis) {
        this.client = client;
        this.where = where;
        this.password = password;
        this.log = log;
        this.reconnectMillis = reconnectMillis;
        this.keys = new Keys(job);
    }

    /**
     * Connects and checks the server answers (and takes the password), then creates the job's
     * consumer group if it has none.
     *
     * @param where how to name the server in messages: never with its password
     */
    public static JobStore connect(String host, int port, String user, String password, boolean tls, String job,
                                   String where, Consumer<String> log, long reconnectMillis) {
        var config = DefaultJedisClientConfig.builder()
                .user(user).password(password).ssl(tls)
                .connectionTimeoutMillis(5_000).socketTimeoutMillis(10_000)
                .clientName("poolkit")
                .build();
        var pool = new ConnectionPoolConfig();
        // commons-pool registers each pool as an MBean by default: the platform MBean server it starts
        // for that cost a worker ~0.4 CPU s (profiled), for beans nobody reads.
        pool.setJmxEnabled(false);
        RedisClient client = RedisClient.builder().hostAndPort(host, port).clientConfig(config).poolConfig(pool).build();
        var store = new JobStore(client, where, password, job, log, reconnectMillis);
        try {
            store.call(() -> client.ping());
            store.call(() -> {
                try {
                    client.xgroupCreate(store.keys.items, Scripts.GROUP, new StreamEntryID(0, 0), true);
                } catch (JedisDataException e) {
                    if (!String.valueOf(e.getMessage()).startsWith("BUSYGROUP")) throw e;
                }
                return null;
            });
            return store;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    public Keys keys() {
        return keys;
    }

    /**
     * Adds the items new to the job (by fingerprint of their canonical form), up to
     * {@code maxItems} items in the job (-1: no cap). Each element: canonical, item, depth, parent
     * (null for none). Returns how many were taken.
     */
    public long push(List<String[]> items, long maxItems) {
        if (items.isEmpty()) return 0;
        return (Long) eval(Scripts.PUSH, List.of(keys.items, keys.seen), pushArgs(items, maxItems));
    }

    /** The push script's arguments: the cap, then each item's canonical form (hashed for dedupe), text, depth and parent ("" for none). */
    private static List<String> pushArgs(List<String[]> items, long maxItems) {
        List<String> args = new ArrayList<>(1 + items.size() * 4);
        args.add(Long.toString(maxItems));
        for (String[] it : items) {
            args.add(it[0]);
            args.add(it[1]);
            args.add(it[2]);
            args.add(it[3] == null ? "" : it[3]);
        }
        return args;
    }

    /**
     * {@link #push} of many batches in one round trip: their scripts are pipelined, each still
     * atomic on its own. Retried whole if the connection drops (the dedupe makes that harmless).
     * Returns how many items were taken in all.
     */
    public long pushPipelined(List<List<String[]>> batches, long maxItems) {
        List<List<String>> argss = new ArrayList<>();
        for (List<String[]> items : batches) {
            if (!items.isEmpty()) argss.add(pushArgs(items, maxItems));
        }
        if (argss.isEmpty()) return 0;
        if (argss.size() == 1) return (Long) eval(Scripts.PUSH, List.of(keys.items, keys.seen), argss.get(0));
        List<String> keyNames = List.of(keys.items, keys.seen);
        return call(() -> {
            String sha = loaded(Scripts.PUSH);
            try {
                return pipelinedPush(sha, keyNames, argss);
            } catch (JedisDataException e) {
                if (!(e instanceof JedisNoScriptException) && !String.valueOf(e.getMessage()).startsWith("NOSCRIPT")) throw e;
                // the server lost its scripts (a restart): load again and send again (nothing doubles)
                synchronized (shas) {
                    shas.remove(Scripts.PUSH);
                }
                return pipelinedPush(loaded(Scripts.PUSH), keyNames, argss);
            }
        });
    }

    private long pipelinedPush(String sha, List<String> keyNames, List<List<String>> argss) {
        List<redis.clients.jedis.Response<Object>> answers = new ArrayList<>(argss.size());
        try (var pipe = client.pipelined()) {
            for (List<String> args : argss) answers.add(pipe.evalsha(sha, keyNames, args));
            pipe.sync();
        }
        long taken = 0;
        for (var r : answers) taken += (Long) r.get();
        return taken;
    }

    private String loaded(String script) {
        synchronized (shas) {
            String sha = shas.get(script);
            if (sha != null) return sha;
        }
        String sha = client.scriptLoad(script);
        synchronized (shas) {
            shas.put(script, sha);
        }
        return sha;
    }

    /** The job's terms: {@code mine} if it had none (this worker is the first to say), else the first worker's. */
    public String terms(String mine) {
        return (String) eval(Scripts.TERMS, List.of(keys.terms), List.of(mine));
    }

    /**
     * Marks the push {@code push} (an id of its own) as going on for the next {@code millis}
     * (workers do not end the job meanwhile), or ends it ({@code millis} 0). Other pushes going
     * on at the same time hold the job open until their own end.
     */
    public void pushing(String push, long millis) {
        eval(Scripts.PUSHING, List.of(keys.pushing), List.of(push, Long.toString(millis)));
    }

    /** Up to {@code count} entries never delivered before, waiting up to {@code blockMillis} for one. */
    public List<Entry> read(String consumer, int count, int blockMillis) {
        var res = call(() -> client.xreadGroup(Scripts.GROUP, consumer,
                XReadGroupParams.xReadGroupParams().count(count).block(blockMillis),
                Map.of(keys.items, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY)));
        List<Entry> out = new ArrayList<>();
        if (res == null) return out;
        for (var stream : res) {
            for (StreamEntry e : stream.getValue()) out.add(entry(e.getID().toString(), e.getFields(), 1));
        }
        return out;
    }

    /** How many times the server came back after it could not be reached. */
    public long reconnects() {
        return reconnects.get();
    }

    /**
     * Up to {@code count} entries pending for this consumer (XREADGROUP from 0: its own history).
     * After a reconnect: a read the server answered but whose answer was lost left entries here
     * that the consumer never saw.
     */
    public List<Entry> ownPending(String consumer, int count) {
        var res = call(() -> client.xreadGroup(Scripts.GROUP, consumer, XReadGroupParams.xReadGroupParams().count(count),
                Map.of(keys.items, new StreamEntryID(0, 0))));
        List<Entry> out = new ArrayList<>();
        if (res == null) return out;
        for (var stream : res) {
            for (StreamEntry e : stream.getValue()) {
                if (e.getFields() != null) out.add(entry(e.getID().toString(), e.getFields(), 1));
            }
        }
        return out;
    }

    /** XAUTOCLAIMs up to {@code count} entries idle for {@code minIdleMillis} or more, from {@code cursor}. */
    @SuppressWarnings("unchecked")
    public Claimed claim(String consumer, long minIdleMillis, String cursor, int count) {
        List<Object> r = (List<Object>) eval(Scripts.CLAIM, List.of(keys.items, keys.done),
                List.of(consumer, Long.toString(minIdleMillis), cursor, Integer.toString(count)));
        List<Entry> entries = new ArrayList<>();
        for (int i = 1; i < r.size(); i++) {
            List<Object> e = (List<Object>) r.get(i);
            List<Object> flat = (List<Object>) e.get(1);
            Map<String, String> fields = new HashMap<>();
            for (int k = 0; k + 1 < flat.size(); k += 2) fields.put((String) flat.get(k), (String) flat.get(k + 1));
            entries.add(entry((String) e.get(0), fields, (Long) e.get(2)));
        }
        return new Claimed((String) r.get(0), entries);
    }

    /** Writes each record and acknowledges its entry, in one script; returns how many records were new. */
    public long done(String consumer, List<Done> done) {
        if (done.isEmpty()) return 0;
        if (done.size() > DONE_BATCH) {
            // The script unpacks the batch's ids onto Lua's stack: bounded batches.
            long wrote = 0;
            for (int i = 0; i < done.size(); i += DONE_BATCH) wrote += done(consumer, done.subList(i, Math.min(done.size(), i + DONE_BATCH)));
            return wrote;
        }
        List<String> args = new ArrayList<>(1 + done.size() * 5);
        args.add(consumer);
        for (Done d : done) {
            args.add(d.id());
            args.add(d.fp());
            args.add(d.item());
            args.add(d.record());
            args.add(d.ok() ? "1" : "0");
        }
        return (Long) eval(Scripts.DONE, List.of(keys.items, keys.done, keys.results, keys.stats), args);
    }

    /** Gives a poison entry its failure record and a dead letter; false if it had a record already. */
    public boolean poison(Entry e, String record, String why) {
        Object r = eval(Scripts.POISON, List.of(keys.items, keys.done, keys.results, keys.stats, keys.dead),
                List.of(e.id(), e.fp(), e.item(), Integer.toString(e.depth()), e.parent() == null ? "" : e.parent(), record,
                        Long.toString(e.deliveries()), why));
        return ((Long) r) == 1;
    }

    /** Resets the idle time of the entries this consumer still owns; returns the ids it no longer owns. */
    @SuppressWarnings("unchecked")
    public List<String> renew(String consumer, List<String> ids) {
        if (ids.isEmpty()) return List.of();
        List<String> args = new ArrayList<>(ids.size() + 1);
        args.add(consumer);
        args.addAll(ids);
        return (List<String>) eval(Scripts.RENEW, List.of(keys.items), args);
    }

    /**
     * Hands the entries this consumer owns to {@link Keys#RELEASED} with a long idle time, so any
     * worker's next claim takes them. {@code deliveries}: the count to set per id, or null to keep it.
     */
    public long release(String consumer, Map<String, Long> deliveries) {
        if (deliveries.isEmpty()) return 0;
        List<String> args = new ArrayList<>();
        args.add(consumer);
        args.add(Keys.RELEASED);
        args.add(Long.toString(365L * 24 * 3600 * 1000));
        deliveries.forEach((id, n) -> {
            args.add(id);
            args.add(n == null ? "" : Long.toString(Math.max(0, n)));
        });
        return (Long) eval(Scripts.RELEASE, List.of(keys.items), args);
    }

    @SuppressWarnings("unchecked")
    public Progress progress() {
        List<Object> r = (List<Object>) eval(Scripts.PROGRESS, List.of(keys.seen, keys.done, keys.items, keys.pushing), List.of());
        return new Progress((Long) r.get(0), (Long) r.get(1), (Long) r.get(2), ((Long) r.get(3)) == 1);
    }

    /** Says how long {@code consumer} may be silent before it counts as gone: its claim-after. */
    public void joined(String consumer, long claimAfterMillis) {
        call(() -> client.hset(keys.stats, CLAIM_AFTER + consumer, Long.toString(claimAfterMillis)));
    }

    /** Removes a consumer from the group if it holds nothing (so status lists live workers only). */
    public void forget(String consumer) {
        call(() -> {
            for (StreamConsumerInfo c : client.xinfoConsumers2(keys.items, Scripts.GROUP)) {
                if (c.getName().equals(consumer) && c.getPending() == 0) client.xgroupDelConsumer(keys.items, Scripts.GROUP, consumer);
            }
            return null;
        });
    }

    /** The group's consumers: name, entries pending, idle millis. */
    public List<StreamConsumerInfo> consumers() {
        return call(() -> client.xinfoConsumers2(keys.items, Scripts.GROUP));
    }

    public Map<String, String> stats() {
        return call(() -> client.hgetAll(keys.stats));
    }

    public long length(String key) {
        return call(() -> client.xlen(key));
    }

    /** Every entry of a stream in order, in pages of 1,000: id and fields. */
    public void forEach(String key, java.util.function.BiConsumer<String, Map<String, String>> each) {
        StreamEntryID from = new StreamEntryID(0, 0);
        boolean first = true;
        while (true) {
            StreamEntryID start = from;
            boolean inclusive = first;
            List<StreamEntry> page = call(() -> client.xrange(key, inclusive ? "-" : "(" + start, "+", 1000));
            first = false;
            if (page.isEmpty()) return;
            for (StreamEntry e : page) each.accept(e.getID().toString(), e.getFields());
            from = page.get(page.size() - 1).getID();
        }
    }

    /** The first and last entry ids of a stream (their first part is a time in ms), or null when empty. */
    public String[] span(String key) {
        var first = call(() -> client.xrange(key, "-", "+", 1));
        if (first.isEmpty()) return null;
        var last = call(() -> client.xrevrange(key, "+", "-", 1));
        return new String[]{first.get(0).getID().toString(), last.get(0).getID().toString()};
    }

    /** Moves every dead letter back to the items stream (their poison records are removed); returns how many. */
    public long retryDead() {
        long moved = 0;
        while (true) {
            long n = (Long) eval(Scripts.RETRY_DEAD, List.of(keys.dead, keys.done, keys.results, keys.items, keys.stats), List.of("500"));
            if (n == 0) return moved;
            moved += n;
        }
    }

    /** Deletes every key of the job, its per-host limits' too (found by their prefix: one per host). */
    public void drop() {
        call(() -> client.del(keys.all()));
        call(() -> {
            var params = new redis.clients.jedis.params.ScanParams().match(keys.gates + "*").count(1000);
            String cursor = redis.clients.jedis.params.ScanParams.SCAN_POINTER_START;
            do {
                var page = client.scan(cursor, params);
                if (!page.getResult().isEmpty()) client.del(page.getResult().toArray(String[]::new));
                cursor = page.getCursor();
            } while (!cursor.equals(redis.clients.jedis.params.ScanParams.SCAN_POINTER_START));
            return null;
        });
    }

    /** Runs one of another step's scripts ({@link GateStore}'s) with this store's retries and reconnects. */
    Object run(String script, List<String> keyNames, List<String> args) {
        return eval(script, keyNames, args);
    }

    /** A message without the password, whatever the server or the client put in it. */
    public String scrub(String message) {
        if (message == null) return "";
        return password == null || password.isEmpty() ? message : message.replace(password, "***");
    }

    private Object eval(String script, List<String> keyNames, List<String> args) {
        return call(() -> {
            String sha;
            synchronized (shas) {
                sha = shas.get(script);
            }
            if (sha != null) {
                try {
                    return client.evalsha(sha, keyNames, args);
                } catch (JedisNoScriptException e) {
                    // the server was restarted or flushed its scripts: load it again
                }
            }
            String loaded = client.scriptLoad(script);
            synchronized (shas) {
                shas.put(script, loaded);
            }
            return client.evalsha(loaded, keyNames, args);
        });
    }

    /** Runs one step, retrying it while the server cannot be reached, for up to reconnectMillis. */
    private <T> T call(Supplier<T> step) {
        long start = System.nanoTime();
        long backoff = 100;
        while (true) {
            try {
                T t = step.get();
                if (away) {
                    away = false;
                    reconnects.incrementAndGet();
                    log.accept("redis at " + where + " is back");
                }
                return t;
            } catch (JedisException e) {
                // A server just restarted answers LOADING while it reads its AOF or RDB back:
                // it is not there yet, like a refused connection (nothing was applied).
                if (!(e instanceof JedisConnectionException) && !String.valueOf(e.getMessage()).startsWith("LOADING")) {
                    throw new IllegalStateException("redis at " + where + ": " + scrub(reason(e)), null);
                }
                long waited = (System.nanoTime() - start) / 1_000_000;
                if (waited >= reconnectMillis) {
                    throw new IllegalStateException("redis at " + where + " unreachable for " + waited / 1000 + " s: " + scrub(reason(e)), null);
                }
                if (!away) {
                    away = true;
                    log.accept("redis at " + where + " unreachable (" + scrub(reason(e)) + "); retrying with backoff for up to "
                            + reconnectMillis / 1000 + " s");
                }
                try {
                    Thread.sleep(Math.min(backoff, Math.max(1, reconnectMillis - waited)));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for redis at " + where, null);
                }
                backoff = Math.min(5_000, backoff * 2);
            }
        }
    }

    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String m = e.getMessage();
        if (root != e && root.getMessage() != null) m = (m == null ? "" : m + ": ") + root.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static Entry entry(String id, Map<String, String> f, long deliveries) {
        String depth = f.get("depth");
        String parent = f.get("parent");
        return new Entry(id, Objects.requireNonNullElse(f.get("item"), ""), depth == null ? 0 : Integer.parseInt(depth),
                parent == null || parent.isEmpty() ? null : parent, f.get("fp"), deliveries);
    }

    @Override
    public void close() {
        client.close();
    }
}
