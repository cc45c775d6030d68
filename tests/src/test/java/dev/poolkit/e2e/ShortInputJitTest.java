package dev.poolkit.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.poolkit.e2e.LaunchCacheTest.awaitTrainingDone;
import static dev.poolkit.e2e.LaunchCacheTest.runWithAot;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code ./jbang} runs a script that carries the templates' line "C1 only when the input is short"
 * with {@code -XX:TieredStopAtLevel=1} when its -i file is short, and with the JVM's default JIT
 * otherwise: a long input, an option that may find more items, a run that records the AOT cache.
 */
class ShortInputJitTest {
    static final String MARK = "// poolkit: C1 only when the input is short";

    @Test
    void aShortInputRunsOnC1AndALongOneACrawlOrARecordingRunOnTheDefaultJit(@TempDir Path dir) throws Exception {
        // Prints its JVM's JIT options: what the wrapper chose.
        Path script = Files.writeString(dir.resolve("S.java"), String.join("\n",
                "///usr/bin/env jbang \"$0\" \"$@\" ; exit $?",
                "//JAVA 21+",
                MARK,
                "class S { public static void main(String[] args) {",
                "    System.out.println(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()",
                "            .filter(a -> a.contains(\"Tiered\")).toList());",
                "} }", ""));
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

    static String lines(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> "item-" + i).collect(Collectors.joining("\n", "", "\n"));
    }

}
