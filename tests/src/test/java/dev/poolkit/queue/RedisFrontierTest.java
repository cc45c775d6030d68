package dev.poolkit.queue;

import dev.poolkit.crawl.Frontier;
import dev.poolkit.crawl.Scope;
import dev.poolkit.fixtures.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.parallel.Isolated;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static dev.poolkit.fixtures.TestSupport.awaitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against a real Redis (TestRedis): every behaviour here is the server's as much as ours. */
@Isolated("times a live worker's renewals to within a second")
class RedisFrontierTest {
    // One server for the class, stopped after it: a server left running would be a child process
    // of the test JVM past its tests (the process pool's tests check that none is).
    private static TestRedis redis;
    private QueueUrl url;
    private Queue queue;
    private final List<RedisFrontier> opened = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.start(TestRedis.Options.plain());
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void job(TestInfo test) {
        url = QueueUrl.parse(redis.url("t-" + test.getTestMethod().orElseThrow().getName()));
        queue = Queue.open(url);
        queue.drop();
        queue.close();
        queue = Queue.open(url);
    }

    @AfterEach
    void closeAll() {
        for (RedisFrontier f : opened) {
            if (f.state() != RedisFrontier.State.CLOSED) f.close();
        }
        queue.close();
    }

    private RedisFrontier worker(String name, int slots, Duration claimAfter) {
        var f = RedisFrontier.builder(url).consumer(name).slots(slots).claimAfter(claimAfter).open();
        opened.add(f);
        return f;
    }

    private static String record(String item) {
        return "{\"item\":\"" + item + "\",\"ok\":true,\"status\":200,\"error\":null,\"errorKind\":null,\"millis\":1}";
    }

    private List<String> exported() {
        List<String> lines = new ArrayList<>();
        queue.export(lines::add);
        return lines;
    }

    private static List<String> itemsOf(List<String> records) {
        return records.stream().map(r -> r.replaceAll("^\\{\"item\":\"([^\"]*)\".*", "$1")).sorted().toList();
    }

    @Test
    void pushingTwiceAddsNothingTheSecondTimeAndCanonicalFormsAreOneItem() {
        List<String> items = IntStream.range(0, 200).mapToObj(i -> "http://h/" + i).toList();
        assertEquals(200, queue.push(items.iterator()));
        assertEquals(0, queue.push(items.iterator()));
        assertEquals(1, queue.push(List.of("HTTP://Host:80/a#x", "http://host/a", "  ", "http://host/a#y").iterator()));
        Queue.Status s = queue.status();
        assertEquals(201, s.taken());
        assertEquals(201, s.queued());
        assertFalse(s.pushing(), "the push marker is gone after the push");
    }

    @Test
    void aJobIsDoneOnceEachAndNextSaysSoWithNull() throws Exception {
        queue.push(List.of("a", "b", "c").iterator());
        var w = worker("w", 2, Duration.ofSeconds(60));
        Set<String> seen = new TreeSet<>();
        for (Frontier.Item item; (item = w.next()) != null; ) {
            assertTrue(seen.add(item.value()), "handed out twice: " + item);
            w.done(item, record(item.value()));
        }
        assertEquals(Set.of("a", "b", "c"), seen);
        assertEquals(List.of("a", "b", "c"), itemsOf(exported()));
        Queue.Status s = queue.status();
        assertEquals(3, s.done());
        assertEquals(3, s.ok());
        assertTrue(s.over());
        assertThrows(IllegalStateException.class, () -> w.done(new Frontier.Item("a", 0, null), record("a")));
    }

    @Test
    void anItemDoneByTwoConsumersHasOneRecord() throws Exception {
        queue.push(List.of("x").iterator());
        var slowA = worker("a", 1, Duration.ofSeconds(60));
        Frontier.Item a = slowA.next();
        // b claims what has been idle 50 ms: a renews every 20 s, so b takes x while a still works on it.
        var b = worker("b", 1, Duration.ofMillis(50));
        Frontier.Item bx = CompletableFuture.supplyAsync(() -> {
            try {
                return b.next();
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        }).get(10, TimeUnit.SECONDS);
        assertEquals("x", bx.value());
        slowA.done(a, record("x").replace("\"millis\":1", "\"millis\":111"));
        b.done(bx, record("x").replace("\"millis\":1", "\"millis\":222"));
        List<String> records = exported();
        assertEquals(1, records.size(), records.toString());
        assertTrue(records.get(0).contains("\"millis\":111"), "the first to finish wins: " + records);
        assertEquals(1, queue.status().done());
        assertNull(b.next(), "nothing pending: the job is over");
    }

    @Test
    void aKilledConsumersItemsAreClaimedByAnotherAfterClaimAfter() throws Exception {
        queue.push(IntStream.range(0, 20).mapToObj(i -> "k" + i).iterator());
        var dies = worker("dies", 5, Duration.ofSeconds(60));
        // From before the delivery: an entry's idle time starts when it is delivered, and opening
        // the second worker may take longer than claim-after on a busy machine.
        long start = System.nanoTime();
        List<Frontier.Item> held = new ArrayList<>();
        for (int i = 0; i < 5; i++) held.add(dies.next());
        dies.done(held.get(0), record(held.get(0).value()));
        dies.crash();

        var lives = worker("lives", 4, Duration.ofMillis(300));
        Map<String, Integer> handed = new HashMap<>();
        for (Frontier.Item item; (item = lives.next()) != null; ) {
            handed.merge(item.value(), 1, Integer::sum);
            lives.done(item, record(item.value()));
        }
        assertEquals(19, handed.size(), "every item but the one done before the kill: " + handed.keySet());
        assertTrue(handed.values().stream().allMatch(n -> n == 1), handed.toString());
        assertEquals(IntStream.range(0, 20).mapToObj(i -> "k" + i).sorted().toList(), itemsOf(exported()));
        assertTrue(System.nanoTime() - start >= 300_000_000L, "the dead worker's items were taken only after claim-after");
    }

    @Test
    void anItemDeliveredMoreThanMaxDeliveriesTimesIsDeadLetteredWithAPoisonRecord() throws Exception {
        queue.push(List.of("poison", "fine").iterator());
        // Each holder of "poison" dies; the fourth claim finds it delivered 4 times (max 3).
        for (int i = 0; i < 3; i++) {
            var w = worker("holder-" + i, 1, Duration.ofMillis(20));
            Frontier.Item item;
            while (!(item = w.next()).value().equals("poison")) w.done(item, record(item.value()));
            w.crash();
        }
        var last = worker("last", 1, Duration.ofMillis(20));
        for (Frontier.Item item; (item = last.next()) != null; ) {
            assertFalse(item.value().equals("poison"), "a poison item is not handed out a fourth time");
            last.done(item, record(item.value()));
        }
        assertEquals(1, last.poisoned());
        List<Queue.DeadLetter> dead = new ArrayList<>();
        queue.dead(dead::add);
        assertEquals(1, dead.size());
        assertEquals("poison", dead.get(0).item());
        assertEquals(4, dead.get(0).deliveries());
        assertTrue(dead.get(0).why().contains("delivered 4 times"), dead.get(0).why());
        List<String> records = exported();
        assertEquals(List.of("fine", "poison"), itemsOf(records));
        String poisonRecord = records.stream().filter(r -> r.contains("\"item\":\"poison\"")).findFirst().orElseThrow();
        assertTrue(poisonRecord.contains("\"errorKind\":\"poison\"") && poisonRecord.contains("\"ok\":false"), poisonRecord);
        assertFalse(poisonRecord.contains("\"depth\""), "not a crawl: no depth, as the job's other records: " + poisonRecord);
        Queue.Status s = queue.status();
        assertEquals(1, s.failed());
        assertEquals(1, s.dead());

        // retry-dead: back in the job, its poison record gone; done again, one record.
        assertEquals(1, queue.retryDead());
        assertEquals(1, exported().size());
        var again = worker("again", 1, Duration.ofSeconds(60));
        Frontier.Item p = again.next();
        assertEquals("poison", p.value());
        again.done(p, record("poison"));
        assertNull(again.next());
        assertEquals(List.of("fine", "poison"), itemsOf(exported()));
        assertFalse(exported().toString().contains("\"errorKind\":\"poison\""));
    }

    @Test
    void inACrawlAPoisonRecordCarriesDepthAndParentAsTheOtherRecordsGivenItemsToo() throws Exception {
        queue.push(List.of("http://a.test/").iterator());
        // Each holder dies holding its item; with max 1 delivery, the next claim dead-letters it.
        var first = crawler("first");
        Frontier.Item root = first.next();
        assertEquals(1, first.add(root, List.of("http://a.test/x")));
        first.crash();
        var second = crawler("second");
        Frontier.Item x = second.next(); // reads x (and dead-letters the root if it is idle long enough to claim)
        assertEquals(new Frontier.Item("http://a.test/x", 1, "http://a.test/"), x);
        second.crash();
        var third = crawler("third");
        assertNull(third.next(), "x is poison too: the job is over");

        Map<String, String> byItem = new HashMap<>();
        for (String r : exported()) byItem.put(r.replaceAll("^\\{\"item\":\"([^\"]*)\".*", "$1"), r);
        assertEquals(Set.of("http://a.test/", "http://a.test/x"), byItem.keySet());
        assertTrue(byItem.get("http://a.test/").endsWith("\"errorKind\":\"poison\",\"millis\":0,\"depth\":0,\"parent\":null}"),
                byItem.get("http://a.test/"));
        assertTrue(byItem.get("http://a.test/x").endsWith("\"millis\":0,\"depth\":1,\"parent\":\"http://a.test/\"}"),
                byItem.get("http://a.test/x"));
    }

    private RedisFrontier crawler(String name) {
        var f = RedisFrontier.builder(url).consumer(name).slots(1).claimAfter(Duration.ofMillis(20)).maxDeliveries(1)
                .scope(Scope.builder().maxDepth(2).build()).following(true).open();
        opened.add(f);
        return f;
    }

    @Test
    void statusMarksAWorkerSilentPastItsClaimAfterAsGoneButNotALiveOneHoldingASlowItem() throws Exception {
        queue.push(List.of("slow", "held").iterator());
        // Its one slot full, the live worker reads nothing more: only its renewals (every claim-after / 3) say it lives.
        var alive = worker("alive", 1, Duration.ofSeconds(1));
        Frontier.Item slow = alive.next();
        var dies = worker("dies", 1, Duration.ofSeconds(1));
        dies.next();
        dies.crash();

        awaitUntil(() -> byName(queue.status(), "dies").gone(), Duration.ofSeconds(30), () -> queue.status().toString());
        Queue.Status s = queue.status();
        Queue.Worker dead = byName(s, "dies"), live = byName(s, "alive");
        assertEquals(1, dead.holding(), s::toString);
        assertEquals(1000, dead.claimAfterMillis());
        assertTrue(dead.idleMillis() > 1000, s::toString);
        assertFalse(live.gone(), s::toString);
        assertEquals(1, live.holding(), s::toString);
        assertTrue(live.idleMillis() < 1000, "renewing keeps a live worker from looking idle: " + s);
        alive.done(slow, record(slow.value()));
    }

    @Test
    void statusJudgesAWorkerThatDidNotSayItsClaimAfterByTheDefault() {
        queue.push(List.of("a").iterator());
        // A consumer of an older poolkit, or any XREADGROUP client: it never said its claim-after.
        try (var client = RedisClient.builder().hostAndPort("127.0.0.1", redis.port()).build()) {
            client.xreadGroup("poolkit", "mute", XReadGroupParams.xReadGroupParams().count(1),
                    Map.of("poolkit:{" + url.job() + "}:items", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        }
        Queue.Worker mute = byName(queue.status(), "mute");
        assertEquals(1, mute.holding());
        assertEquals(-1, mute.claimAfterMillis());
        assertEquals(RedisFrontier.DEFAULT_CLAIM_AFTER, mute.claimAfter());
        assertFalse(mute.gone(), "silent for less than the default: " + mute);
    }

    private static Queue.Worker byName(Queue.Status s, String name) {
        return s.workers().stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void closingAWorkerReleasesWhatItHeldAtOnceNotAfterClaimAfter() throws Exception {
        queue.push(IntStream.range(0, 6).mapToObj(i -> "r" + i).iterator());
        var stopping = worker("stopping", 6, Duration.ofSeconds(60));
        Frontier.Item first = stopping.next(); // reads up to 6: one handed out, the rest buffered
        Frontier.Item second = stopping.next();
        stopping.done(first, record(first.value()));
        assertEquals(1, stopping.inFlight());
        stopping.close();

        var other = worker("other", 6, Duration.ofSeconds(60)); // would wait 60 s for a dead worker's items
        List<String> got = new ArrayList<>();
        long start = System.nanoTime();
        for (Frontier.Item item; (item = other.next()) != null; ) {
            got.add(item.value());
            other.done(item, record(item.value()));
        }
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "released items came back before claim-after");
        Collections.sort(got);
        List<String> expected = new ArrayList<>(IntStream.range(0, 6).mapToObj(i -> "r" + i).toList());
        expected.remove(first.value());
        assertEquals(expected, got);
        assertTrue(got.contains(second.value()));
        assertEquals(6, exported().size());
        assertEquals(0, queue.status().dead(), "a released item's delivery did not count it towards poison");
    }

    @Test
    void aWorkerHoldsNoMoreItemsThanItHasSlots() throws Exception {
        queue.push(IntStream.range(0, 100).mapToObj(i -> "s" + i).iterator());
        var w = worker("w", 2, Duration.ofSeconds(60));
        Frontier.Item a = w.next(), b = w.next();
        var third = CompletableFuture.supplyAsync(() -> {
            try {
                return w.next();
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        Queue.Status s = queue.status();
        assertEquals(2, s.inFlight(), "read from Redis: no more than the free slots");
        assertEquals(98, s.queued());
        assertFalse(third.isDone(), "a third next() waits for a free slot");
        w.done(a, record(a.value()));
        assertTrue(third.get(10, TimeUnit.SECONDS) != null);
        assertEquals(1, queue.status().workers().stream().filter(x -> x.name().equals("w")).findFirst().orElseThrow().records());
        w.done(b, record(b.value()));
    }

    @Test
    void foundItemsAreDedupedScopedAndCarryDepthAndParent() throws Exception {
        queue.push(List.of("http://a.test/").iterator());
        var w = RedisFrontier.builder(url).consumer("crawler").slots(1)
                .scope(Scope.builder().maxDepth(1).sameHost(true).build()).open();
        opened.add(w);
        Map<String, Frontier.Item> seen = new HashMap<>();
        AtomicInteger added = new AtomicInteger();
        for (Frontier.Item item; (item = w.next()) != null; ) {
            seen.put(item.value(), item);
            added.addAndGet(w.add(item, List.of("http://a.test/x", "HTTP://A.test:80/x#frag", "http://other.test/", "http://a.test/y")));
            w.done(item, record(item.value()));
        }
        assertEquals(Set.of("http://a.test/", "http://a.test/x", "http://a.test/y"), seen.keySet());
        assertEquals(new Frontier.Item("http://a.test/x", 1, "http://a.test/"), seen.get("http://a.test/x"));
        assertEquals(2, added.get(), "depth 2 is out of scope; other hosts too; the rest once");
        assertEquals(3, exported().size());
    }

    @Test
    void twoPushesAtOnceHoldTheJobOpenUntilBothEndNotJustTheFirst() throws Exception {
        var midway = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        // A slow push: one item, then it waits (a big input still being read).
        java.util.Iterator<String> slow = new java.util.Iterator<>() {
            int n;

            @Override
            public boolean hasNext() {
                if (n == 1) {
                    midway.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return n < 2;
            }

            @Override
            public String next() {
                return "slow-" + n++;
            }
        };
        try (var other = Queue.open(url)) {
            var slowPush = CompletableFuture.supplyAsync(() -> other.push(slow));
            assertTrue(midway.await(10, TimeUnit.SECONDS));

            assertEquals(1, queue.push(List.of("quick").iterator()));

            assertTrue(queue.status().pushing(), "the slow push still runs after the quick one ended");
            release.countDown();
            assertEquals(2, slowPush.get(10, TimeUnit.SECONDS));
            assertFalse(queue.status().pushing());
        }
    }

    @Test
    void itemsFoundByTwoWorkersAtOnceAreTakenOnceByTheJob() throws Exception {
        queue.push(List.of("http://a.test/1", "http://a.test/2").iterator());
        var one = worker("one", 1, Duration.ofSeconds(60));
        var two = worker("two", 1, Duration.ofSeconds(60));
        Frontier.Item first = one.next(), second = two.next();
        assertEquals(Set.of("http://a.test/1", "http://a.test/2"), Set.of(first.value(), second.value()));

        // Both found the same pages (in other spellings); the job takes each once, with the parent that added it first.
        assertEquals(2, one.add(first, List.of("http://a.test/x", "http://a.test/y")));
        assertEquals(1, two.add(second, List.of("HTTP://A.test:80/x#top", "http://a.test/z", "http://a.test/1")));
        one.done(first, record(first.value()));
        two.done(second, record(second.value()));

        Map<String, Frontier.Item> found = new HashMap<>();
        for (Frontier.Item item; (item = one.next()) != null; ) {
            assertNull(found.put(item.value(), item), "handed out twice: " + item);
            one.done(item, record(item.value()));
        }
        assertEquals(Map.of("http://a.test/x", new Frontier.Item("http://a.test/x", 1, first.value()),
                "http://a.test/y", new Frontier.Item("http://a.test/y", 1, first.value()),
                "http://a.test/z", new Frontier.Item("http://a.test/z", 1, second.value())), found);
        assertEquals(5, exported().size());
        assertNull(two.next(), "the job is over for every worker");
    }
}
