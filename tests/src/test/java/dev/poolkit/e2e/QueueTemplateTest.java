package dev.poolkit.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.poolkit.demo.DemoSite;
import dev.poolkit.fixtures.TestRedis;
import dev.poolkit.queue.Queue;
import dev.poolkit.queue.QueueUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.poolkit.fixtures.TestSupport.awaitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --queue}: workers in separate processes, of different templates, on one job. */
class QueueTemplateTest {
    static final int PAGES = 300;

    @Test
    void threeWorkersOfThreeTemplatesOneKilledMidRunLeaveEveryItemExactlyOnceInTheExport(@TempDir Path dir) throws Exception {
        try (var redis = TestRedis.start(TestRedis.Options.plain()); var site = DemoSite.start(PAGES, 20);
             var queue = Queue.open(QueueUrl.parse(redis.url("e2e-three")))) {
            String url = redis.url("e2e-three");
            queue.drop();
            Files.write(dir.resolve("urls.txt"), site.pageUrls());
            Command push = Command.jbang(dir, null, Command.ROOT.resolve("scripts/queue.java").toString(), "push", url, "-i", "urls.txt");
            assertEquals(0, push.exitCode(), push::toString);
            assertEquals(PAGES, queue.status().taken());

            List<Process> workers = new ArrayList<>();
            workers.add(start(dir, "async", url, "-c", "8"));
            workers.add(start(dir, "hybrid", url, "-p", "2", "-t", "4"));
            workers.add(start(dir, "processes", url, "-p", "3"));
            Process victim = workers.get(0);
            try {
                // kill -9 the async worker once it has records in the job and holds items.
                awaitUntil(() -> queue.status().done() >= 30 || !victim.isAlive(), Duration.ofSeconds(60),
                        () -> queue.status().toString());
                assertTrue(victim.isAlive(), "the async worker ended before it could be killed");
                victim.descendants().forEach(ProcessHandle::destroyForcibly);
                victim.destroyForcibly();
                for (Process w : workers.subList(1, 3)) {
                    assertTrue(w.waitFor(120, TimeUnit.SECONDS), "a worker did not finish: " + queue.status());
                    assertEquals(0, w.exitValue(), () -> "worker failed: " + read(dir, w));
                }
            } finally {
                for (Process w : workers) {
                    w.descendants().forEach(ProcessHandle::destroyForcibly);
                    w.destroyForcibly();
                }
            }

            Command export = Command.jbang(dir, null, Command.ROOT.resolve("scripts/queue.java").toString(), "export", url, "-o", "all.jsonl");
            assertEquals(0, export.exitCode(), export::toString);
            Map<String, Integer> count = new HashMap<>();
            var mapper = new ObjectMapper();
            for (String line : Files.readAllLines(dir.resolve("all.jsonl"))) {
                Map<?, ?> record = mapper.readValue(line, Map.class);
                assertEquals(true, record.get("ok"), line);
                count.merge((String) record.get("item"), 1, Integer::sum);
            }
            assertEquals(PAGES, count.size(), "every item has a record");
            assertTrue(count.values().stream().allMatch(n -> n == 1), "no item has two: " + count);
            assertTrue(count.keySet().containsAll(site.pageUrls()));
            Queue.Status s = queue.status();
            assertTrue(s.over(), s::toString);
            assertEquals(PAGES, s.ok(), s::toString);
            assertEquals(4, site.maxInFlight(), "--per-host 4 across three workers (22 threads): at most 4 at once on the site, and 4 reached");
        }
    }

    private static Process start(Path dir, String template, String url, String... more) throws Exception {
        var command = new ArrayList<>(List.of(Command.JBANG, Command.ROOT.resolve("templates/" + template + ".java").toString(),
                "--queue", url, "--claim-after", "1", "--per-host", "4", "-q", "-o", template + ".jsonl"));
        command.addAll(List.of(more));
        return new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve(template + ".out").toFile())
                .redirectError(dir.resolve(template + ".err").toFile())
                .start();
    }

    private static String read(Path dir, Process p) {
        try (var files = Files.list(dir)) {
            StringBuilder b = new StringBuilder();
            for (Path f : files.filter(f -> f.toString().endsWith(".err")).toList()) b.append(f).append(":\n").append(Files.readString(f));
            return b.toString();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
