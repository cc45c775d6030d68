package dev.poolkit.e2e;

import dev.poolkit.fixtures.TestRedis;
import dev.poolkit.fixtures.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.poolkit.e2e.LaunchCacheTest.awaitTrainingDone;
import static dev.poolkit.e2e.LaunchCacheTest.run;
import static dev.poolkit.e2e.LaunchCacheTest.runWithAot;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code ./jbang} runs a script that carries the templates' line "C1 only when the input is short"
 * with {@code -XX:TieredStopAtLevel=1} when its -i file is short, and with the JVM's default JIT
 * otherwise: a long input, an option that may find more items, a run that records the AOT cache.
 * A {@code --queue} worker gets C1 when its job has at most as many items left, asked of Redis.
 * {@code POOLKIT_JIT=c1} asks for C1 whatever the input.
 */
class ShortInputJitTest {
    static final String MARK = "// poolkit: C1 only when the input is short";

    @Test
    void aShortInputRunsOnC1AndALongOneACrawlOrARecordingRunOnTheDefaultJit(@TempDir Path dir) throws Exception {
        Path script = jitPrinter(dir);
        Path shortInput = Files.writeString(dir.resolve("short.txt"), lines(50_000));
        Path longInput = Files.writeString(dir.resolve("long.txt"), lines(50_001));
        Path cache = dir.resolve("cache");

        String first = runWithAot(dir, cache, script, "-i", shortInput.toString()).stdout().strip();
        awaitTrainingDone(cache);
        String cachedShort = runWithAot(dir, cache, script, "-i", shortInput.toString()).stdout().strip();
        String cachedLong = runWithAot(dir, cache, script, "--input=" + longInput).stdout().strip();
        String crawl = runWithAot(dir, cache, script, "-i", shortInput.toString(), "--depth", "2").stdout().strip();

        boolean aot = Runtime.version().feature() >= 25; // else no run records, and the first one is cached too
        assertEquals(aot ? "[]" : "[-XX:TieredStopAtLevel=1]", first, "the first run, which records the AOT cache");
        assertEquals("[-XX:TieredStopAtLevel=1]", cachedShort, "50,000 lines");
        assertEquals("[]", cachedLong, "50,001 lines");
        assertEquals("[]", crawl, "--depth may find more items than the file has");
    }

    @Test
    void aQueueWorkerRunsOnC1WhenItsJobHasAtMost50000ItemsLeftCountingItsOwnInput(@TempDir Path dir) throws Exception {
        Path script = jitPrinter(dir);
        Path cache = dir.resolve("cache");
        try (var redis = TestRedis.start(TestRedis.Options.plain().withPassword("s3cret"));
             var client = RedisClient.builder().hostAndPort("127.0.0.1", redis.port())
                     .clientConfig(DefaultJedisClientConfig.builder().password("s3cret").build()).build()) {
            // What the wrapper reads: items taken (seen) less items recorded (done); 50,001 - 1 left.
            for (int from = 0; from <= 50_000; from += 10_000) {
                client.sadd("poolkit:{job}:seen", IntStream.rangeClosed(from, Math.min(from + 9_999, 50_000)).mapToObj(i -> "fp" + i).toArray(String[]::new));
            }
            client.sadd("poolkit:{job}:done", "fp0");
            Path one = Files.writeString(dir.resolve("one.txt"), lines(1));

            String left = run(dir, cache, script, "--queue", redis.url("job")).stdout().strip();
            String withInput = run(dir, cache, script, "--queue=" + redis.url("job"), "-i", one.toString()).stdout().strip();
            String away = run(dir, cache, script, "--queue", "redis://127.0.0.1:" + TestSupport.refusedPort() + "/job").stdout().strip();

            assertEquals("[-XX:TieredStopAtLevel=1]", left, "50,000 items left, asked with the URL's password");
            assertEquals("[]", withInput, "50,000 left and one more in the worker's own -i file");
            assertEquals("[]", away, "no Redis answering: the job's size is not known");
        }
    }

    @Test
    void poolkitJitC1RunsAnyInputOnC1UnlessTheUserGaveAJitOption(@TempDir Path dir) throws Exception {
        Path script = jitPrinter(dir);
        Path longInput = Files.writeString(dir.resolve("long.txt"), lines(50_001));
        Path cache = dir.resolve("cache");
        Map<String, String> c1 = Map.of("POOLKIT_JIT", "c1");

        String longRun = run(dir, cache, c1, script, "-i", longInput.toString()).stdout().strip();
        String crawl = run(dir, cache, c1, script, "-i", longInput.toString(), "--depth", "2").stdout().strip();
        String away = run(dir, cache, c1, script, "--queue", "redis://127.0.0.1:" + TestSupport.refusedPort() + "/job").stdout().strip();
        String users = run(dir, cache, Map.of("POOLKIT_JIT", "c1", "JDK_JAVA_OPTIONS", "-XX:TieredStopAtLevel=3"), script,
                "-i", longInput.toString()).stdout().strip();

        assertEquals("[-XX:TieredStopAtLevel=1]", longRun, "50,001 lines");
        assertEquals("[-XX:TieredStopAtLevel=1]", crawl, "--depth");
        assertEquals("[-XX:TieredStopAtLevel=1]", away, "a --queue job whose size is not known");
        assertEquals("[-XX:TieredStopAtLevel=3]", users, "the user's own JIT option wins");
    }

    /** A script that prints its JVM's JIT options: what the wrapper chose. */
    static Path jitPrinter(Path dir) throws java.io.IOException {
        return Files.writeString(dir.resolve("S.java"), String.join("\n",
                "///usr/bin/env jbang \"$0\" \"$@\" ; exit $?",
                "//JAVA 21+",
                MARK,
                "class S { public static void main(String[] args) {",
                "    System.out.println(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()",
                "            .filter(a -> a.contains(\"Tiered\")).toList());",
                "} }", ""));
    }

    static String lines(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> "item-" + i).collect(Collectors.joining("\n", "", "\n"));
    }

}
