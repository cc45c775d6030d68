package dev.poolkit.queue;

import dev.poolkit.crawl.Frontier;
import dev.poolkit.fixtures.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The queue's batched steps against a real Redis (TestRedis): records of many threads written in
 * one script (one XACK and one HINCRBY a field for the whole batch), and pushes pipelined many
 * scripts to a round trip.
 */
class RedisBatchTest {
    private static TestRedis redis;
    private QueueUrl url;
    private Queue queue;

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
        url = QueueUrl.parse(redis.url("b-" + test.getTestMethod().orElseThrow().getName()));
        queue = Queue.open(url);
        queue.drop();
        queue.close();
        // Opening creates the job's group, which the drop removed.
        queue = Queue.open(url);
    }

    @AfterEach
    void closeQueue() {
        queue.close();
    }

    @Test
    void recordsOfManyThreadsAtOnceAreEachWrittenAndAcknowledgedOnceAndCountedAsOkOrFailed() throws Exception {
        int n = 1_500;
        queue.push(IntStream.range(0, n).mapToObj(i -> "i" + i).iterator());
        Set<String> handed = ConcurrentHashMap.newKeySet();
        try (var w = RedisFrontier.builder(url).consumer("w").slots(300).open()) {
            List<Future<?>> doing = new ArrayList<>();
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (Frontier.Item item; (item = w.next()) != null; ) {
                    Frontier.Item it = item;
                    assertTrue(handed.add(it.value()), "handed out twice: " + it.value());
                    // Every third item fails: the batch's counters must split them.
                    boolean ok = Integer.parseInt(it.value().substring(1)) % 3 != 0;
                    doing.add(threads.submit(() -> w.done(it, "{\"item\":\"" + it.value() + "\",\"ok\":" + ok + "}")));
                }
            }
            for (Future<?> f : doing) f.get();
            Queue.Status s = queue.status();
            assertEquals(n, s.done());
            assertEquals(1_000, s.ok());
            assertEquals(500, s.failed());
            assertEquals(0, s.inFlight(), "every entry acknowledged");
            assertTrue(s.over());
            assertEquals(n, s.workers().stream().filter(x -> x.name().equals("w")).findFirst().orElseThrow().records());
        }
        List<String> items = new ArrayList<>();
        queue.export(r -> items.add(r.replaceAll("^\\{\"item\":\"([^\"]*)\".*", "$1")));
        assertEquals(n, items.size(), "one record per item");
        assertEquals(n, new TreeSet<>(items).size(), "no item twice");
    }

    @Test
    void aPushOfMoreItemsThanOneRoundTripCarriesTakesEachOnceAndAgainNothing() {
        // 8 scripts of 500 go in one round trip: 9,001 items are three round trips, the last short.
        List<String> items = IntStream.range(0, 9_001).mapToObj(i -> "http://h/" + i).toList();
        assertEquals(9_001, queue.push(items.iterator()));
        assertEquals(0, queue.push(items.iterator()));
        assertEquals(1, queue.push(List.of("http://h/9001", "http://h/0").iterator()));
        Queue.Status s = queue.status();
        assertEquals(9_002, s.taken());
        assertEquals(9_002, s.queued());
        assertTrue(!s.pushing(), "the push marker is gone after the push");
    }
}
