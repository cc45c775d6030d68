package poolkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Scripts run as a user runs them: through this checkout's ./jbang, with its start-up caches. */
final class Jbang {
    // Set by ./jbang; run from the checkout's root otherwise.
    static final Path ROOT = Path.of(System.getenv().getOrDefault("POOLKIT_ROOT", ".")).toAbsolutePath().normalize();

    private Jbang() {
    }

    /** Compiles the script a command runs, once, so that no run of it pays for compiling. */
    static void build(List<String> command) throws IOException, InterruptedException {
        // The script is the first argument after jbang's own options.
        String script = command.stream().skip(1).filter(a -> !a.startsWith("--java-options=")).findFirst().orElseThrow();
        Process p = new ProcessBuilder(ROOT.resolve("jbang").toString(), "build", script).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException("could not build " + script + ": " + output.strip());
    }

    /**
     * The command that starts {@code script} with its caches in {@code cache} and {@code env} added:
     * through ./jbang, or ({@code direct}) the java command alone that ./jbang's launch cache holds.
     */
    static List<String> launch(Path script, Path cache, Map<String, String> env, boolean direct) throws IOException {
        var cmd = new ArrayList<String>(List.of("env", "POOLKIT_CACHE_DIR=" + cache));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        if (direct) {
            // The launch cache's second line is the command, quoted for bash; add the AOT cache as ./jbang does.
            Path entry;
            try (var files = Files.walk(cache)) {
                entry = files.filter(p -> p.getFileName().toString().equals("launch")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no launch cache in " + cache)).getParent();
            }
            String aot = Files.exists(entry.resolve("app.aot")) ? "-XX:AOTCache=" + entry.resolve("app.aot") + " -Xlog:aot*=off,cds*=off " : "";
            cmd.addAll(List.of("bash", "-c", "eval \"c=($(sed -n 2p '" + entry.resolve("launch") + "'))\"; exec \"${c[0]}\" " + aot + "\"${c[@]:1}\" \"$@\"", "startup"));
        } else {
            cmd.addAll(List.of(ROOT.resolve("jbang").toString(), script.toString()));
        }
        return cmd;
    }

    /** Waits (at most 2 minutes) for ./jbang's background AOT training to finish, so that it never overlaps a measure. */
    static void awaitTraining(Path cache) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline && Files.isDirectory(cache)) {
            try (var files = Files.walk(cache)) {
                if (files.noneMatch(p -> p.getFileName().toString().equals("training"))) return;
            }
            Thread.sleep(100);
        }
    }
}
