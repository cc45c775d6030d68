package poolkit.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One run for the startup table: seconds from launch to the first line on stdout, to the end, and its CPU seconds. */
record Timing(double firstRecord, double whole, double cpu) {
    static Timing of(List<String> base, Path dir, List<String> args, boolean haveTime) throws Exception {
        Path timing = dir.resolve("time.txt");
        var command = new ArrayList<>(base);
        command.addAll(args);
        long start = System.nanoTime();
        Process p = new ProcessBuilder(haveTime ? CpuTime.wrap(command, timing) : command).directory(dir.toFile())
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        p.getOutputStream().close();
        double first = Double.NaN;
        try (var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            if (out.readLine() != null) first = (System.nanoTime() - start) / 1e9;
            while (out.readLine() != null) {
                // drain
            }
        }
        p.waitFor();
        double whole = (System.nanoTime() - start) / 1e9;
        if (Double.isNaN(first)) first = whole; // the records went to a file
        return new Timing(first, whole, haveTime ? CpuTime.seconds(timing) : -1);
    }
}
