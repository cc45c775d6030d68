package dev.poolkit.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.poolkit.demo.DemoSite;
import dev.poolkit.fixtures.TestRedis;
import dev.poolkit.fixtures.TlsProxy;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rediss://}: a shared job through TLS, trusted the way a user would trust a private certificate. */
@Order(5) // long: a runner thread takes classes from the first (junit-platform.properties)
class QueueTlsTemplateTest {
    @Test
    void aRedissJobIsPushedWorkedAndExportedThroughTlsWithTheTrustStoreInJdkJavaOptionsAndItsPasswordNeverShown(@TempDir Path dir)
            throws Exception {
        String password = "tls-secret-4711";
        try (var redis = TestRedis.start(TestRedis.Options.plain().withPassword(password));
             var tls = TlsProxy.start(redis.port()); var site = DemoSite.start(10, 0)) {
            String url = "rediss://:" + password + "@127.0.0.1:" + tls.port() + "/e2e-tls";
            // What the README tells a user whose Redis has a certificate of a private CA.
            Map<String, String> env = Map.of("JDK_JAVA_OPTIONS", "-Djavax.net.ssl.trustStore=" + tls.trustStore()
                    + " -Djavax.net.ssl.trustStorePassword=" + TlsProxy.STORE_PASSWORD);
            String queueScript = Command.ROOT.resolve("scripts/queue.java").toString();
            Files.write(dir.resolve("urls.txt"), site.pageUrls());

            Command push = Command.jbangWith(dir, env, null, queueScript, "push", url, "-i", "urls.txt");
            assertEquals(0, push.exitCode(), push::toString);
            int afterPush = tls.handshakes();
            assertTrue(afterPush >= 1, "the push went through TLS");

            Command work = Command.jbangWith(dir, env, null, Command.ROOT.resolve("templates/async.java").toString(),
                    "--queue", url, "-c", "4", "-o", "mine.jsonl");
            assertEquals(0, work.exitCode(), work::toString);
            int afterWork = tls.handshakes();
            assertTrue(afterWork > afterPush, "the worker went through TLS");

            Command export = Command.jbangWith(dir, env, null, queueScript, "export", url, "-o", "all.jsonl");
            assertEquals(0, export.exitCode(), export::toString);
            assertTrue(tls.handshakes() > afterWork, "the export went through TLS");

            Map<String, Integer> count = new HashMap<>();
            var mapper = new ObjectMapper();
            for (String line : Files.readAllLines(dir.resolve("all.jsonl"))) {
                Map<?, ?> record = mapper.readValue(line, Map.class);
                assertEquals(true, record.get("ok"), line);
                count.merge((String) record.get("item"), 1, Integer::sum);
            }
            assertEquals(Map.copyOf(countOnce(site.pageUrls())), Map.copyOf(count), "one record per item, through TLS");

            for (Command c : List.of(push, work, export)) {
                assertFalse(c.stdout().contains(password) || c.stderr().contains(password), () -> "the password was printed:\n" + c);
            }
            assertTrue(work.stderr().contains("rediss://:***@127.0.0.1:" + tls.port() + "/e2e-tls"), work::toString);
        }
    }

    private static Map<String, Integer> countOnce(List<String> items) {
        Map<String, Integer> m = new HashMap<>();
        for (String i : items) m.put(i, 1);
        return m;
    }
}
