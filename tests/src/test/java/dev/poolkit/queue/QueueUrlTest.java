package dev.poolkit.queue;

import dev.poolkit.fixtures.TestRedis;
import dev.poolkit.fixtures.TestSupport;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueueUrlTest {
    private static final String SECRET = "s3cret-Pw9";

    @Test
    void aUrlNamesServerPortJobAndTlsAndDefaultsThePort() {
        QueueUrl q = QueueUrl.parse("rediss://user:" + SECRET + "@redis.example:6380/my.job-1");
        assertTrue(q.tls());
        assertEquals("redis.example", q.host());
        assertEquals(6380, q.port());
        assertEquals("my.job-1", q.job());
        assertEquals("user", q.user());
        assertEquals("rediss://user:***@redis.example:6380/my.job-1", q.toString());
        assertEquals(6379, QueueUrl.parse("redis://h/j").port());
        assertEquals("redis://:***@h:6379/j", QueueUrl.parse("redis://:" + SECRET + "@h/j").toString());
    }

    @Test
    void aBadUrlSaysWhatIsWrongWithoutThePassword() {
        for (String bad : List.of("http://:" + SECRET + "@h/j", "redis://:" + SECRET + "@h/", "redis://:" + SECRET + "@h/a b",
                "redis://:" + SECRET + "@h/a/b")) {
            var e = assertThrows(IllegalArgumentException.class, () -> QueueUrl.parse(bad));
            assertFalse(e.getMessage().contains(SECRET), e.getMessage());
            assertTrue(e.getMessage().startsWith("queue URL"), e.getMessage());
        }
    }

    @Test
    void thePasswordIsUsedAndNeverAppearsInAnyOutput() throws Exception {
        try (var redis = TestRedis.start(TestRedis.Options.plain().withPassword(SECRET))) {
            QueueUrl url = QueueUrl.parse(redis.url("secret-job"));
            List<String> log = new ArrayList<>();
            try (var q = Queue.open(url, log::add, Duration.ofSeconds(5))) {
                q.push(List.of("a", "b").iterator());
                try (var w = RedisFrontier.builder(url).consumer("w").log(log::add).open()) {
                    var item = w.next();
                    w.done(item, "{\"item\":\"" + item.value() + "\",\"ok\":true}");
                    assertFalse(w.toString().contains(SECRET), w.toString());
                }
                String status = q.status().toString() + q + url;
                assertFalse(status.contains(SECRET), status);
                assertEquals(2, q.status().taken(), "the password was used: the server took the items");
            }
            var wrong = assertThrows(IllegalStateException.class,
                    () -> Queue.open(QueueUrl.parse(redis.url("secret-job").replace(SECRET, "wr0ng-" + SECRET))));
            assertFalse(wrong.getMessage().contains(SECRET), wrong.getMessage());
            assertTrue(wrong.getMessage().contains("redis at redis://127.0.0.1:" + redis.port()), wrong.getMessage());

            int refused = TestSupport.refusedPort();
            var away = assertThrows(IllegalStateException.class,
                    () -> Queue.open(QueueUrl.parse("redis://:" + SECRET + "@127.0.0.1:" + refused + "/j"), log::add, Duration.ofMillis(300)));
            assertTrue(away.getMessage().contains("unreachable"), away.getMessage());
            assertFalse(away.getMessage().contains(SECRET), away.getMessage());
            assertFalse(String.join("\n", log).contains(SECRET), log.toString());
            assertTrue(String.join("\n", log).contains("unreachable"), "the log said Redis was away: " + log);
        }
    }
}
