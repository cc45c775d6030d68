package dev.poolkit.queue;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static dev.poolkit.fixtures.TestSupport.awaitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Limits kept in Redis for a whole job: each {@link RedisGates} here stands for one worker (its
 * own connection), and the test server counts what reaches the host from all of them.
 */
@Timeout(60)
@Isolated("a live holder must renew its 300 ms lease in time, and rates and pauses are timed")
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
