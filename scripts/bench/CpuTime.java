package poolkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU seconds of a command through /usr/bin/time: it counts the whole process tree (jbang, the
 * script's JVM, worker processes), which the bench's own JVM cannot see.
 */
final class CpuTime {
    private static final Path TIME = Path.of("/usr/bin/time");

    private CpuTime() {
    }

    static boolean available() {
        return Files.isExecutable(TIME);
    }

    /** {@code command} under /usr/bin/time, which writes its user and system seconds to {@code report}. */
    static List<String> wrap(List<String> command, Path report) {
        var full = new ArrayList<>(List.of(TIME.toString(), "-f", "%U %S", "-o", report.toString()));
        full.addAll(command);
        return full;
    }

    /** User plus system seconds from a report, or -1 when there is none. */
    static double seconds(Path report) throws IOException {
        if (!Files.exists(report)) return -1;
        // The last line: a command that fails gets a line of its own before it ("Command exited with non-zero status 1").
        String[] t = Files.readString(report).strip().lines().reduce((a, b) -> b).orElse("").split(" ");
        return t.length == 2 ? Double.parseDouble(t[0]) + Double.parseDouble(t[1]) : -1;
    }
}
