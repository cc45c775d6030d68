package dev.poolkit.queue;

import dev.poolkit.crawl.Frontier;
import dev.poolkit.fixtures.TestRedis;
import dev.poolkit.fixtures.TestServer;
import dev.poolkit.http.Fetcher;
import dev.poolkit.http.HttpStatusException;
import dev.poolkit.limits.Gate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.RedisClient;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static dev.poolkit.fixtures.TestSupport.awaitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Limits kept in Redis for a whole job: each {@link RedisGates} here stands for one worker (its
 * own connection), and the test server counts what reaches the host from all of them.
 */
@Timeout(60)
@Isolated("a live holder must renew its 300 ms lease in time, and rates, Crawl-delays and pauses are timed on the server")
class RedisGatesTest {
    private static TestRedis redis;
    private QueueUrl url;
    private TestServer server;
    private final List<RedisGates> opened = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.start(TestRedis.Options.plain());
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void job(TestInfo test) throws Exception {
        url = QueueUrl.parse(redis.url("g-" + test.getTestMethod().orElseThrow().getName()));
        try (var q = Queue.open(url)) {
            q.drop();
        }
        server = TestServer.start();
    }

    @AfterEach
    void closeAll() {
        for (RedisGates g : opened) g.close();
        server.close();
    }

    private RedisGates worker(Duration leaseTime) {
        var g = RedisGates.builder(url).leaseTime(leaseTime).open();
        opened.add(g);
        return g;
    }

    /** Each fetcher runs {@code each} gets of {@code path} on as many threads at once; waits for all. */
    private static void getAll(List<Fetcher> fetchers, String url, int each) throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (Fetcher f : fetchers) {
                for (int i = 0; i < each; i++) all.add(threads.submit(() -> f.get(url)));
            }
            for (Future<?> f : all) f.get();
        }
    }

    @Test
    void perHostHoldsAcrossThreeWorkersOnTheServer() throws Exception {
        server.route("/slow", (n, ex) -> TestServer.Reply.held(40));
        List<Fetcher> fetchers = new ArrayList<>();
        for (int i = 0; i < 3; i++) fetchers.add(Fetcher.builder().perHost(2).gates(worker(Duration.ofSeconds(10))).build());
        try {
            getAll(fetchers, server.url("/slow"), 8);
        } finally {
            fetchers.forEach(Fetcher::close);
        }
        assertEquals(24, server.arrivals("/slow").size());
        assertEquals(2, server.maxInFlight(), "at most 2 in flight from three workers, and 2 reached");
        for (RedisGates g : opened) assertEquals(0, g.held(), "every lease given back");
    }

    @Test
    void aKilledHoldersPermitsComeBackAfterTheLeaseTime() throws Exception {
        Duration lease = Duration.ofMillis(600);
        Gate dying = worker(lease).open(new Gate.Limits(2, 0, 0));
        dying.acquire("h.example:80");
        dying.acquire("h.example:80");
        opened.getFirst().crash(); // no release, no renewal, connection gone
        long start = System.nanoTime();
        worker(lease).open(new Gate.Limits(2, 0, 0)).acquire("h.example:80").close();
        long waited = (System.nanoTime() - start) / 1_000_000;
        // The last renewal was at most a third of the lease before the crash.
        assertTrue(waited >= 300, "a permit came back " + waited + " ms after its holder died");
        assertTrue(waited < 5_000, "a permit came back only " + waited + " ms after its holder died");
    }

    @Test
    void aLiveHolderKeepsItsPermitPastTheLeaseTime() throws Exception {
        Duration lease = Duration.ofMillis(300);
        Gate.Permit slow = worker(lease).open(new Gate.Limits(1, 0, 0)).acquire("h.example:80");
        Gate other = worker(lease).open(new Gate.Limits(1, 0, 0));
        CompletableFuture<Gate.Permit> asking = CompletableFuture.supplyAsync(() -> {
            try {
                return other.acquire("h.example:80");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, Executors.newVirtualThreadPerTaskExecutor());
        // Four lease times: renewed, the holder's lease must not have expired.
        assertThrows(TimeoutException.class, () -> asking.get(1_200, TimeUnit.MILLISECONDS));
        slow.close();
        asking.get(5, TimeUnit.SECONDS).close();
    }

    @Test
    void rateHoldsAcrossThreeWorkers() throws Exception {
        server.route("/ok", TestServer.Reply.ok());
        List<Fetcher> fetchers = new ArrayList<>();
        long start;
        for (int i = 0; i < 3; i++) fetchers.add(Fetcher.builder().rate(20).gates(worker(Duration.ofSeconds(10))).build());
        try {
            start = System.nanoTime();
            getAll(fetchers, server.url("/ok"), 7);
        } finally {
            fetchers.forEach(Fetcher::close);
        }
        List<Long> times = server.arrivals("/ok");
        assertEquals(21, times.size());
        // The 21st start is reserved 20 gaps of 50 ms after the first, which is after the test
        // began: 1 s. Three workers each at 20/s would be done in a third of it. (Measured from
        // the start, not the first arrival: a busy machine may send the first request late.)
        long last = (times.getLast() - start) / 1_000_000;
        assertTrue(last >= 950, "21 requests at 20/s across three workers, the last " + last + " ms after the first");
    }

    @Test
    void aRetryAfterSeenByOneWorkerPausesTheOthers() throws Exception {
        server.route("/busy", TestServer.Reply.retryAfter(429, "2"));
        server.route("/limited", TestServer.Reply.ok());
        server.route("/unlimited", TestServer.Reply.ok());
        String host = Gate.hostKey(URI.create(server.url("/")));
        RedisGates unlimitedWorker = worker(Duration.ofSeconds(10));
        try (var seeing = Fetcher.builder().retries(0).gates(worker(Duration.ofSeconds(10))).build();
             var limited = Fetcher.builder().perHost(4).gates(worker(Duration.ofSeconds(10))).build();
             var unlimited = Fetcher.builder().gates(unlimitedWorker).build()) {
            unlimited.get(server.url("/unlimited")); // at work before the 429 (its gates connect at its first request)
            assertEquals(429, assertThrows(HttpStatusException.class, () -> seeing.get(server.url("/busy"))).status());
            // A worker with no limits asks Redis nothing per request: it reads the job's pauses now and then.
            awaitUntil(() -> unlimitedWorker.jobPauses().contains(host), Duration.ofSeconds(2));
            unlimited.get(server.url("/unlimited"));
            limited.get(server.url("/limited")); // asks Redis, which has the pause
        }
        long busy = server.arrivals("/busy").getFirst();
        for (String path : List.of("/limited", "/unlimited")) {
            long gap = (server.arrivals(path).getLast() - busy) / 1_000_000;
            // Redis's clock and this JVM's may tick a little apart.
            assertTrue(gap >= 1_950, path + " was asked for " + gap + " ms after another worker's 429 with Retry-After: 2");
        }
    }

    @Test
    void redisStoppedMidRunMakesTwoWorkersWaitAndReconnectWithNothingLostOrDoubledAndTheirLimitsStillHeld() throws Exception {
        try (var own = TestRedis.start(TestRedis.Options.aof())) {
            QueueUrl job = QueueUrl.parse(own.url("away"));
            // Slow pages under --per-host 3 (16 threads ask), fast ones under --rate 50: each limit binds.
            AtomicInteger slowNow = new AtomicInteger(), slowMost = new AtomicInteger(), heldAcross = new AtomicInteger();
            AtomicBoolean stopping = new AtomicBoolean();
            CountDownLatch back = new CountDownLatch(1);
            server.route("/slow", (n, ex) -> {
                boolean before = !stopping.get();
                slowMost.accumulateAndGet(slowNow.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(60); // the server's own service time, not a test waiting
                    // A page still being served when Redis stops is served until well after it is
                    // back (past the workers' backoff): its lease must still count then.
                    if (before && stopping.get() && back.await(30, TimeUnit.SECONDS)) {
                        heldAcross.incrementAndGet();
                        Thread.sleep(2_000);
                    }
                } finally {
                    slowNow.decrementAndGet();
                }
                return TestServer.Reply.ok();
            });
            server.route("/fast", TestServer.Reply.ok());
            List<String> items = new ArrayList<>();
            for (int i = 0; i < 150; i++) items.add(server.url((i % 5 < 3 ? "/slow?i=" : "/fast?i=") + i));
            try (var q = Queue.open(job)) {
                q.push(items.iterator());
            }
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger done = new AtomicInteger();
            List<RedisGates> gates = new ArrayList<>();
            List<RedisFrontier> frontiers = new ArrayList<>();
            List<Fetcher> fetchers = new ArrayList<>();
            List<Future<?>> threads = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int w = 0; w < 2; w++) {
                    String name = "w" + w;
                    RedisGates g = RedisGates.builder(job).leaseTime(Duration.ofSeconds(10)).reconnectFor(Duration.ofSeconds(60))
                            .log(line -> log.add(name + " gates: " + line)).open();
                    gates.add(g);
                    opened.add(g); // closed after the test whatever fails
                    var frontier = RedisFrontier.builder(job).consumer(name).slots(8).reconnectFor(Duration.ofSeconds(60))
                            .log(line -> log.add(name + " queue: " + line)).open();
                    frontiers.add(frontier);
                    var slow = Fetcher.builder().perHost(3).retries(0).gates(g).build();
                    var fast = Fetcher.builder().rate(50).retries(0).gates(g).build();
                    fetchers.addAll(List.of(slow, fast));
                    for (int t = 0; t < 8; t++) {
                        threads.add(pool.submit(() -> {
                            for (Frontier.Item item; (item = frontier.next()) != null; ) {
                                (item.value().contains("/slow") ? slow : fast).get(item.value());
                                frontier.done(item, "{\"item\":\"" + item.value() + "\",\"ok\":true}");
                                done.incrementAndGet();
                            }
                            return null;
                        }));
                    }
                }
                awaitUntil(() -> done.get() >= 30, Duration.ofSeconds(30));
                stopping.set(true);
                own.stop();
                // Down until both workers' limits have met the stop and wait (a few hundred ms: each
                // renews its leases every 250 ms); a longer stop only makes their backoff longer.
                // (Their frontiers may not ask Redis meanwhile: every thread waits in the gates.)
                for (String part : List.of("w0 gates", "w1 gates")) {
                    awaitUntil(() -> lines(log, part + ": redis at ").stream().anyMatch(l -> l.contains(" unreachable (")),
                            Duration.ofSeconds(30), () -> part + " never said Redis was away: " + log);
                }
                int doneWhileAway = done.get();
                own.restart();
                back.countDown();
                for (Future<?> t : threads) t.get(60, TimeUnit.SECONDS);
                assertTrue(doneWhileAway < items.size(), "the run was still going when Redis came back");
            } finally {
                fetchers.forEach(Fetcher::close);
                frontiers.forEach(RedisFrontier::close);
            }
            for (String part : List.of("w0 gates", "w1 gates")) {
                assertTrue(lines(log, part).stream().anyMatch(l -> l.endsWith(" is back")), part + " did not say Redis was back: " + log);
            }
            try (var q = Queue.open(job)) {
                Map<String, Integer> records = new HashMap<>();
                q.export(r -> records.merge(r.replaceAll("^\\{\"item\":\"([^\"]*)\".*", "$1"), 1, Integer::sum));
                assertEquals(new HashSet<>(items), records.keySet(), "every item has a record");
                assertTrue(records.values().stream().allMatch(n -> n == 1), "none has two: " + records);
            }
            List<TestServer.Request> asked = new ArrayList<>(server.requests("/slow"));
            asked.addAll(server.requests("/fast"));
            assertEquals(items.size(), asked.stream().map(r -> r.uri().toString()).distinct().count(), "every page asked for");
            assertEquals(items.size(), asked.size(), "no page asked for twice");
            assertTrue(heldAcross.get() > 0, "a page was in flight across the stop");
            assertTrue(slowMost.get() <= 3, "--per-host 3 on two workers across the stop: " + slowMost.get() + " at once on the server");
            // Ten gaps of 20 ms: two workers each keeping 50/s alone would put ten requests in half of it.
            List<Long> fast = sorted(server.arrivals("/fast"));
            for (int i = 10; i < fast.size(); i++) {
                long span = (fast.get(i) - fast.get(i - 10)) / 1_000_000;
                assertTrue(span >= 150, "requests " + (i - 10) + " to " + i + " at --rate 50 came within " + span + " ms");
            }
            // Nothing held before the stop leaks: every lease is given back and the host has its 3 permits.
            for (RedisGates g : gates) {
                assertEquals(0, g.held());
                g.close();
            }
            try (var client = RedisClient.builder().hostAndPort("127.0.0.1", own.port()).build()) {
                String leases = "poolkit:{away}:gate:" + Gate.hostKey(URI.create(server.url("/"))) + ":leases";
                assertEquals(0, client.zcard(leases), () -> "leases left: " + client.zrangeWithScores(leases, 0, -1));
            }
            try (RedisGates after = RedisGates.builder(job).open()) {
                Gate fresh = after.open(new Gate.Limits(3, 0, 0));
                String host = Gate.hostKey(URI.create(server.url("/")));
                assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                    for (int i = 0; i < 3; i++) fresh.acquire(host);
                }, "the host's 3 permits after the restart");
            }
        }
    }

    private static List<Long> sorted(List<Long> times) {
        List<Long> copy = new ArrayList<>(times);
        copy.sort(null);
        return copy;
    }

    private static List<String> lines(List<String> log, String prefix) {
        synchronized (log) {
            return log.stream().filter(l -> l.startsWith(prefix)).toList();
        }
    }

    @Test
    void aCrawlDelayInRobotsTxtSpacesTheRequestsOfTwoWorkersTogetherOnTheServer() throws Exception {
        server.route("/robots.txt", TestServer.Reply.page(200, "text/plain; charset=utf-8", "User-agent: *\nCrawl-delay: 0.2\n"));
        server.route("/page", TestServer.Reply.ok());
        List<Fetcher> fetchers = new ArrayList<>();
        for (int i = 0; i < 2; i++) fetchers.add(Fetcher.builder().robots(true).gates(worker(Duration.ofSeconds(10))).build());
        try {
            getAll(fetchers, server.url("/page"), 4);
        } finally {
            fetchers.forEach(Fetcher::close);
        }
        assertEquals(2, server.arrivals("/robots.txt").size(), "each worker reads robots.txt");
        // Each worker learns the delay from its own robots.txt before its first page: every page is spaced.
        List<Long> times = sorted(server.arrivals("/page"));
        assertEquals(8, times.size());
        // Two workers each keeping the delay alone would send their 4 pages within some 600 ms,
        // and often two at once. Together: 7 delays, 1,400 ms, less what a late start took from
        // one gap (slots are reserved on the server; a loaded machine may send one late).
        long span = (times.getLast() - times.getFirst()) / 1_000_000;
        assertTrue(span >= 1_000, "8 pages under a 200 ms Crawl-delay on two workers came within " + span + " ms: " + gaps(times));
        long close = gaps(times).stream().filter(gap -> gap < 100).count();
        assertTrue(close <= 1, close + " of 7 gaps under half the Crawl-delay: " + gaps(times));
    }

    /** The gaps between consecutive times, in ms. */
    private static List<Long> gaps(List<Long> times) {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) gaps.add((times.get(i) - times.get(i - 1)) / 1_000_000);
        return gaps;
    }

    @Test
    void autoThrottleOnTwoWorkersStaysUnderTheSharedPerHostLimit() throws Exception {
        server.route("/slow", (n, ex) -> TestServer.Reply.held(20));
        List<Fetcher> fetchers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            fetchers.add(Fetcher.builder().perHost(3).autoThrottle(true).retries(0).gates(worker(Duration.ofSeconds(10))).build());
        }
        try {
            getAll(fetchers, server.url("/slow"), 40);
        } finally {
            fetchers.forEach(Fetcher::close);
        }
        assertEquals(80, server.arrivals("/slow").size());
        // Each worker's window may grow to 3 by itself: only the shared count keeps the sum there.
        assertTrue(server.maxInFlight() <= 3, "--per-host 3 --auto-throttle on two workers: " + server.maxInFlight() + " at once on the server");
        for (RedisGates g : opened) assertEquals(0, g.held(), "every lease given back");
    }

    @Test
    void dropRemovesTheJobsLimits() throws Exception {
        Gate g = worker(Duration.ofSeconds(10)).open(new Gate.Limits(2, 5, 0));
        g.acquire("h.example:80").close();
        g.pause("h.example:80", Duration.ofSeconds(30));
        String pattern = "poolkit:{" + url.job() + "}:gate:*";
        try (var client = RedisClient.builder().hostAndPort("127.0.0.1", redis.port()).build()) {
            assertTrue(client.keys(pattern).size() >= 2, "the limits are in Redis: " + client.keys(pattern));
            try (var q = Queue.open(url)) {
                q.drop();
            }
            assertEquals(List.of(), List.copyOf(client.keys(pattern)));
        }
    }
}
