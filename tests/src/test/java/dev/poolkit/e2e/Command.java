package dev.poolkit.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command the way a user would, and keeps what it printed. */
record Command(int exitCode, String stdout, String stderr) {
    static final Path ROOT = Path.of(System.getProperty("poolkit.root", "..")).toAbsolutePath().normalize();
    static final String JBANG = ROOT.resolve("jbang").toString();

    static {
        buildSharedScripts();
    }

    /**
     * Builds the scripts that several test classes run into jbang's cache, one after another,
     * before any test runs one: test classes run two at a time (junit-platform.properties), and
     * two jbang processes building the same script at once can spoil each other's jar
     * (jbangdev/jbang#2445). A script already in the cache is not asked about: each jbang start
     * costs seconds of CPU. A build that fails is left to the tests that run the script to report.
     */
    private static void buildSharedScripts() {
        for (String script : List.of("templates/threads.java", "templates/processes.java", "templates/hybrid.java",
                "templates/async.java", "scripts/queue.java")) {
            try {
                if (inJbangCache(ROOT.resolve(script))) continue;
                Process build = new ProcessBuilder(JBANG, "build", script).directory(ROOT.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (!build.waitFor(5, TimeUnit.MINUTES)) build.destroyForcibly();
            } catch (IOException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Whether jbang has built {@code script} as it is now: its jar is kept in
     * {@code jars/NAME.java.SHA256-OF-THE-TEXT/NAME.jar} under jbang's cache folder. A guess that
     * is wrong only costs a build.
     */
    private static boolean inJbangCache(Path script) throws IOException {
        String name = script.getFileName().toString();
        String hash;
        try {
            hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(script)));
        } catch (java.security.NoSuchAlgorithmException e) {
            return false;
        }
        String cache = System.getenv("JBANG_CACHE_DIR");
        String jbangDir = System.getenv().getOrDefault("JBANG_DIR", System.getProperty("user.home") + "/.jbang");
        Path jars = (cache != null ? Path.of(cache) : Path.of(jbangDir, "cache")).resolve("jars");
        return Files.isRegularFile(jars.resolve(name + "." + hash).resolve(name.replaceFirst("\\.java$", ".jar")));
    }

    /**
     * templates/NAME.java, to run a template by its file rather than as NAME@.: for a file the
     * wrapper keeps jbang's launch command and skips jbang's own JVM (seconds of CPU) on later runs;
     * an alias costs that JVM every run. TemplatesTest runs each alias.
     */
    static String template(String name) {
        return ROOT.resolve("templates/" + name + ".java").toString();
    }

    static Command jbang(Path dir, String stdin, String... args) throws IOException, InterruptedException {
        return jbangWith(dir, java.util.Map.of(), stdin, args);
    }

    /** As {@link #jbang}, with {@code env} added to the environment. */
    static Command jbangWith(Path dir, java.util.Map<String, String> env, String stdin, String... args) throws IOException, InterruptedException {
        var command = new ArrayList<String>();
        command.add(JBANG);
        command.addAll(List.of(args));
        Command result = run(dir, stdin, command, env);
        // jbang 0.132.1 writes its dependency cache (one JSON file) without a lock: a jbang that
        // reads it while another writes it fails before the script starts, and nothing has run.
        // Test classes run two at a time, so that happens; a second try reads the whole file.
        return result.exitCode != 0 && result.stderr.contains(JBANG_CACHE_TORN) ? run(dir, stdin, command, env) : result;
    }

    private static final String JBANG_CACHE_TORN = "[jbang] [ERROR] com.google.gson.stream.MalformedJsonException";

    static Command run(Path dir, String stdin, List<String> command) throws IOException, InterruptedException {
        return run(dir, stdin, command, java.util.Map.of());
    }

    private static Command run(Path dir, String stdin, List<String> command, java.util.Map<String, String> env) throws IOException, InterruptedException {
        Path out = Files.createTempFile("poolkit-e2e", ".out");
        Path err = Files.createTempFile("poolkit-e2e", ".err");
        Path in = Files.createTempFile("poolkit-e2e", ".in");
        try {
            Files.writeString(in, stdin == null ? "" : stdin);
            var builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            var process = builder.start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("timed out: " + command + "\nstderr: " + Files.readString(err));
            }
            return new Command(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            Files.deleteIfExists(in);
        }
    }

    /**
     * Starts {@code ./jbang ARGS} in {@code dir} in a process group (and session) of its own, as a
     * terminal runs a foreground job, with SIGINT and SIGTERM at their defaults (a test runner
     * started in the background may ignore SIGINT, and its children inherit that); stdout and
     * stderr go to files in {@code dir}. The process's pid is the java's: ./jbang execs it. Linux:
     * needs setsid and GNU env.
     */
    static Process startInOwnGroup(Path dir, String... args) throws IOException {
        var command = new ArrayList<>(List.of("setsid", "env", "--default-signal=INT,TERM", JBANG));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile())
                .start();
    }

    /**
     * Sends {@code signal} (INT, TERM) to {@code process} alone, as {@code kill} does, or to its
     * whole process group (a process of {@link #startInOwnGroup}), as a terminal's Ctrl-C does.
     */
    static void signal(Process process, String signal, boolean group) throws IOException, InterruptedException {
        String target = group ? "-" + process.pid() : String.valueOf(process.pid());
        Process kill = new ProcessBuilder("kill", "-s", signal, "--", target).redirectErrorStream(true).start();
        String said = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (kill.waitFor() != 0) throw new AssertionError("kill -s " + signal + " -- " + target + ": " + said);
    }

    /** stderr without jbang's own progress lines ("[jbang] ..."). */
    List<String> errorLines() {
        return stderr.lines().filter(l -> !l.startsWith("[jbang]") && !l.isBlank()).toList();
    }

    /** The summary's first line, "NAME: done: ...", wherever progress lines and the summary's others put it; or "". */
    String doneLine() {
        return errorLines().stream().filter(l -> l.contains(": done: ")).findFirst().orElse("");
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
}
