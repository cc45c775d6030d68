package dev.poolkit.queue;

import dev.poolkit.crawl.Frontier;
import dev.poolkit.fixtures.TestRedis;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static dev.poolkit.fixtures.TestSupport.awaitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedisRestartTest {
    @Test
    void redisStoppedAndStartedAgainMidRunWithAofLosesAndDoublesNothing() throws Exception {
        try (var redis = TestRedis.start(TestRedis.Options.aof())) {
            QueueUrl url = QueueUrl.parse(redis.url("restart"));
            List<String> items = IntStream.range(0, 300).mapToObj(i -> "i" + i).toList();
            try (var q = Queue.open(url)) {
                q.push(items.iterator());
            }
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            var done = new AtomicInteger();
            Map<String, Integer> handed = Collections.synchronizedMap(new HashMap<>());
            try (var w = RedisFrontier.builder(url).consumer("w").slots(4).log(log::add).reconnectFor(Duration.ofSeconds(60)).open()) {
                var run = CompletableFuture.runAsync(() -> {
                    try {
                        for (Frontier.Item item; (item = w.next()) != null; ) {
                            handed.merge(item.value(), 1, Integer::sum);
                            w.done(item, "{\"item\":\"" + item.value() + "\",\"ok\":true}");
                            done.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        throw new RuntimeException(e);
                    }
                });
                awaitUntil(() -> done.get() >= 50, Duration.ofSeconds(30));
                redis.stop();
                awaitUntil(() -> String.join("\n", log).contains("unreachable"), Duration.ofSeconds(30), log::toString);
                redis.restart();
                try {
                    run.get(60, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    try (var q = Queue.open(url)) {
                        throw new AssertionError("the run did not end after the restart: " + q.status() + " log " + log + " handed " + handed.size());
                    }
                }
            }
            assertTrue(String.join("\n", log).contains("is back"), log.toString());
            try (var q = Queue.open(url)) {
                Map<String, Integer> records = new HashMap<>();
                q.export(r -> records.merge(r.replaceAll("^\\{\"item\":\"([^\"]*)\".*", "$1"), 1, Integer::sum));
                assertEquals(300, records.size(), "every item has a record");
                assertTrue(records.values().stream().allMatch(n -> n == 1), "none has two: " + records);
                assertTrue(q.status().over(), q.status()::toString);
            }
        }
    }
}
