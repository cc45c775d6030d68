package dev.poolkit.e2e;

import dev.poolkit.Fields;
import dev.poolkit.JsonLines;
import dev.poolkit.http.Fetcher;
import dev.poolkit.http.Page;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code ./jbang}'s start-up caches: the launch command kept so that jbang's own JVM is skipped,
 * and on JDK 25+ the AOT cache trained on a run. Whatever they hold, a run prints the same.
 */
@Order(2) // long: a runner thread takes classes from the first (junit-platform.properties)
class LaunchCacheTest {
    static final String EDITED_HANDLER = "return Fields.of(\"edited\", true);";

    @Test
    void anEditedScriptRunsItsNewTextWithoutAWord(@TempDir Path dir) throws Exception {
        Path script = scaffold(dir, "threads");
        Path cache = dir.resolve("cache");

        Command first = run(dir, cache, script, "not a url", "-q");
        Command cached = run(dir, cache, script, "not a url", "-q");
        Files.writeString(script, Files.readString(script).replaceFirst("Page page = Fetcher[^}]*", EDITED_HANDLER + "\n"));
        Command edited = run(dir, cache, script, "not a url", "-q");

        assertTrue(hasFile(cache, "launch"), "the command was not kept in " + cache);
        assertEquals(withoutMillis(first.stdout()), withoutMillis(cached.stdout()), cached::toString);
        assertTrue(first.stdout().contains("\"error\":\"bad URL"), first::toString);
        assertEquals(List.of(), cached.errorLines(), cached::toString);
        Map<String, Object> record = JsonLines.parse(edited.stdout().strip(), "stdout");
        assertEquals(true, record.get("edited"), edited::toString);
        assertEquals(List.of(), edited.errorLines(), edited::toString);
    }

    @Test
    void wrappersStartedTogetherOnAFreshCheckoutFetchJbangOnceAndAllRun(@TempDir Path dir) throws Exception {
        // A fresh clone, as far as the JBang CLI goes: the wrapper and the pom it fetches JBang with.
        Path checkout = Files.createDirectories(dir.resolve("checkout/.jbang-cli"));
        Files.copy(Command.ROOT.resolve(".jbang-cli/pom.xml"), checkout.resolve("pom.xml"));
        Path wrapper = Files.copy(Command.ROOT.resolve("jbang"), dir.resolve("checkout/jbang"));
        var runs = new ArrayList<Process>();
        var outs = new ArrayList<Path>();
        for (int i = 0; i < 3; i++) {
            Path out = dir.resolve("run" + i + ".out");
            outs.add(out);
            var builder = new ProcessBuilder(wrapper.toString(), "--version").directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true).redirectOutput(out.toFile());
            builder.environment().put("POOLKIT_CACHE_DIR", dir.resolve("cache").toString());
            runs.add(builder.start());
        }
        for (Process run : runs) assertTrue(run.waitFor(5, TimeUnit.MINUTES), "a wrapper did not end");

        int fetches = 0;
        for (int i = 0; i < runs.size(); i++) {
            String out = Files.readString(outs.get(i));
            assertEquals(0, runs.get(i).exitValue(), out);
            if (out.contains("Fetching JBang")) fetches++;
        }
        assertEquals(1, fetches, "each wrapper that did not wait for the first fetched JBang again");
        try (Stream<Path> left = Files.list(checkout)) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp")).toList(),
                    "a fetch's own folder was left behind");
        }
    }

    @Test
    void aJvmOptionThatPrintsOnStdoutDoesNotBreakAScriptJbangMustBuild(@TempDir Path dir) throws Exception {
        // A profiler agent in JDK_JAVA_OPTIONS says "Profiling started" on stdout; -verbose:class
        // does as surely. The wrapper reads the script's command line from jbang's own stdout.
        Path script = Files.writeString(dir.resolve("S.java"), String.join("\n",
                "//JAVA 21+",
                "class S { public static void main(String[] args) { System.out.println(\"hello\"); } }", ""));

        Command run = run(dir, dir.resolve("cache"), false, Map.of("JDK_JAVA_OPTIONS", "-verbose:class"), script);

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.stdout().lines().anyMatch("hello"::equals), run::toString);
        assertTrue(run.stdout().contains("[class,load]"), "the option did not reach the script's JVM: " + run);
    }

    @Test
    void aScriptWithSourcesIsCachedAndAnEditedSourceRunsItsNewText(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("S.java"), String.join("\n",
                "///usr/bin/env jbang \"$0\" \"$@\" ; exit $?",
                "//JAVA 21+",
                "//SOURCES parts/Greeting.java",
                "class S { public static void main(String[] args) { System.out.println(Greeting.text()); } }", ""));
        Path greeting = Files.createDirectories(dir.resolve("parts")).resolve("Greeting.java");
        Files.writeString(greeting, "class Greeting { static String text() { return \"hello\"; } }\n");
        Path cache = dir.resolve("cache");

        Command first = run(dir, cache, script);
        Command cached = run(dir, cache, script);
        Files.writeString(greeting, "class Greeting { static String text() { return \"edited\"; } }\n");
        Command edited = run(dir, cache, script);

        assertTrue(hasFile(cache, "launch"), "the command was not kept in " + cache);
        assertEquals("hello", first.stdout().strip(), first::toString);
        assertEquals("hello", cached.stdout().strip(), cached::toString);
        assertEquals("edited", edited.stdout().strip(), edited::toString);
    }

    /**
     * lib/ rebuilt with a new dependency is installed again under the same version: the kept
     * class path would lack the new jar (NoClassDefFoundError), so a class path entry whose size
     * or time changed sends the wrapper back to jbang.
     */
    @Test
    void aClassPathJarInstalledAgainSendsTheWrapperBackToJbang(@TempDir Path dir) throws Exception {
        Path script = scaffold(dir, "threads");
        Path cache = dir.resolve("cache");
        run(dir, cache, script, "not a url", "-q");
        Path launch = launchFile(cache);
        List<String> kept = Files.readAllLines(launch);
        assertEquals(3, kept.size(), "key, command, class path stamp: " + kept);
        String classPath = kept.get(1).replaceAll(".* -classpath ([^ ]+) .*", "$1");
        Path jar = Path.of(classPath.split(":")[0]); // the script's own jar, in jbang's cache
        assertTrue(Files.isRegularFile(jar), jar::toString);

        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
        Command again = run(dir, cache, script, "not a url", "-q");

        List<String> rekept = Files.readAllLines(launch);
        assertEquals(kept.get(0), rekept.get(0));
        assertFalse(kept.get(2).equals(rekept.get(2)), "the entry was used as it was: " + rekept);
        assertTrue(again.stdout().contains("\"error\":\"bad URL"), again::toString);
        assertEquals(List.of(), again.errorLines(), again::toString);
    }

    static Path launchFile(Path cache) throws IOException {
        try (Stream<Path> files = Files.walk(cache)) {
            return files.filter(p -> p.getFileName().toString().equals("launch")).findFirst().orElseThrow();
        }
    }

    @Test
    void aCacheFolderThatCannotBeWrittenIsNoCache(@TempDir Path dir) throws Exception {
        Path script = scaffold(dir, "async");
        // Root may write anywhere it has no permission to: a folder under a plain file cannot exist for anyone.
        Path cache = Files.writeString(dir.resolve("a-file"), "").resolve("cache");

        Command first = run(dir, cache, script, "not a url", "-q");
        Command second = run(dir, cache, script, "not a url", "-q");

        for (Command c : List.of(first, second)) {
            assertEquals(1, c.exitCode(), c::toString);
            assertTrue(c.stdout().contains("\"error\":\"bad URL"), c::toString);
            assertEquals(List.of(), c.errorLines(), c::toString);
        }
    }

    @Test
    void aRunTrainsTheAotCacheAndTheNextRunsUseItWithTheSameOutput(@TempDir Path dir) throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "the AOT cache needs JDK 25");
        Path script = scaffold(dir, "processes");
        Path cache = dir.resolve("cache");
        List<String> items = List.of("not a url", "also not one");

        Command training = runWithAot(dir, cache, script, items.get(0), items.get(1), "-p", "2", "-q");
        awaitTrainingDone(cache);
        assertTrue(hasFile(cache, "app.aot"), "no AOT cache in " + cache + " after " + training);
        Command cached = runWithAot(dir, cache, script, items.get(0), items.get(1), "-p", "2", "-q");

        for (Command c : List.of(training, cached)) {
            assertEquals(1, c.exitCode(), c::toString);
            assertEquals(2, c.stdout().lines().count(), c::toString);
            assertTrue(c.stdout().lines().allMatch(l -> l.contains("\"error\":\"bad URL")), c::toString);
            // Neither the JVM's AOT messages nor a worker's complaint about the parent's options.
            assertEquals(List.of(), c.errorLines(), c::toString);
        }
    }

    @Test
    void theEntryOfAScriptThatIsGoneIsDroppedWhenAnotherIsCached(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("cache");
        Path gone = scaffold(Files.createDirectories(dir.resolve("gone")), "async");
        run(dir, cache, gone, "not a url", "-q");
        assertTrue(hasFile(cache, "launch"), "the command was not kept in " + cache);
        Files.delete(gone);

        run(dir, cache, scaffold(Files.createDirectories(dir.resolve("kept")), "threads"), "not a url", "-q");

        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (entries(cache) != 1) {
            assertFalse(System.nanoTime() > deadline, "entries in " + cache + ": " + entries(cache));
            Thread.sleep(100);
        }
    }

    static long entries(Path cache) throws IOException {
        try (Stream<Path> dirs = Files.list(cache)) {
            return dirs.count();
        }
    }

    static String withoutMillis(String records) {
        return records.replaceAll("\"millis\":\\d+", "\"millis\":0");
    }

    static Path scaffold(Path dir, String template) throws IOException {
        Path script = dir.resolve("S.java");
        Files.copy(Command.ROOT.resolve("templates/" + template + ".java"), script);
        return script;
    }

    /**
     * Runs {@code ./jbang SCRIPT ARGS} with {@code cache} as its cache folder and the AOT cache
     * off: training one costs a run seconds of CPU after it ends, and only the AOT test waits for
     * one to be built (a run that follows a training one at once runs without it).
     */
    static Command run(Path dir, Path cache, Path script, String... args) throws IOException, InterruptedException {
        return run(dir, cache, false, script, args);
    }

    static Command runWithAot(Path dir, Path cache, Path script, String... args) throws IOException, InterruptedException {
        return run(dir, cache, true, script, args);
    }

    private static Command run(Path dir, Path cache, boolean aot, Path script, String... args) throws IOException, InterruptedException {
        return run(dir, cache, aot, Map.of(), script, args);
    }

    /** As {@link #run(Path, Path, Path, String...)}, with {@code env} added to the wrapper's environment. */
    static Command run(Path dir, Path cache, Map<String, String> env, Path script, String... args) throws IOException, InterruptedException {
        return run(dir, cache, false, env, script, args);
    }

    private static Command run(Path dir, Path cache, boolean aot, Map<String, String> env, Path script, String... args)
            throws IOException, InterruptedException {
        var command = new ArrayList<String>(List.of(Command.JBANG, script.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "run", ".out");
        Path err = Files.createTempFile(dir, "run", ".err");
        var builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("POOLKIT_CACHE_DIR", cache.toString());
        if (!aot) builder.environment().put("POOLKIT_AOT", "off");
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Command(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    static boolean hasFile(Path cache, String name) throws IOException {
        if (!Files.isDirectory(cache)) return false;
        try (Stream<Path> files = Files.walk(cache)) {
            return files.anyMatch(p -> p.getFileName().toString().equals(name));
        }
    }

    /** Polls until the background process that builds the AOT cache has finished, for at most 2 minutes. */
    static void awaitTrainingDone(Path cache) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (hasFile(cache, "training")) {
            assertFalse(System.nanoTime() > deadline, "the AOT cache was still being built after 2 minutes");
            Thread.sleep(200);
        }
    }
}
