package dev.poolkit.cli.internal;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * How far a run is, at one moment, and the two ways of saying it on stderr: {@link #plain} for a
 * log (a line every few seconds) and {@link #terminal} for a terminal (one line redrawn in place).
 * Counts only: it reads no clock and prints nothing, so that both lines can be checked as text.
 *
 * @param ok       records written that succeeded
 * @param failed   records written that failed
 * @param inFlight items read but not yet written
 * @param total    items this run will process, or -1 while not known (stdin, or still counting)
 * @param seconds  time since the run started
 */
public record ProgressLine(long ok, long failed, long inFlight, long total, double seconds) {
    /** Width of the bar, in characters: fixed, so that the numbers after it stay put. */
    private static final int BAR = 10;

    public long done() {
        return ok + failed;
    }

    public double rate() {
        return seconds > 0 ? done() / seconds : 0;
    }

    /** The total when it is known and not already passed (the count of a file is an estimate). */
    private boolean totalKnown() {
        return total >= 0 && done() <= total;
    }

    private int percent() {
        return total == 0 ? 100 : (int) (done() * 100 / total);
    }

    /** Seconds left at the average rate so far, or -1 when there is no rate or no total. */
    public double etaSeconds() {
        if (!totalKnown() || done() == 0) return -1;
        return (total - done()) / rate();
    }

    /**
     * {@code NAME: 120 done (118 ok, 2 failed) in 5 s, 24/s, 8 in flight; 12% of 1000, ETA 37 s}:
     * the part after ";" only when the total is known.
     */
    public String plain(String name) {
        String line = String.format(Locale.ROOT, "%s: %d done (%d ok, %d failed) in %s, %.0f/s, %d in flight",
                name, done(), ok, failed, seconds(seconds), rate(), inFlight);
        if (!totalKnown()) return line;
        double eta = etaSeconds();
        return line + String.format(Locale.ROOT, "; %d%% of %d, ETA %s", percent(), total, eta < 0 ? "?" : seconds(eta));
    }

    /**
     * {@code NAME:  120/1000  12% [#---------] 118 ok, 2 failed, 8 in flight, 24/s, 0:05, ETA 0:37}
     * with the total known, else {@code NAME: 120 done, 118 ok, 2 failed, 8 in flight, 24/s, 0:05};
     * cut to {@code columns - 1} characters, so that it never wraps (a wrapped line cannot be
     * redrawn with a carriage return), the bar dropped first.
     */
    public String terminal(String name, int columns) {
        String counts = String.format(Locale.ROOT, "%d ok, %d failed, %d in flight, %.0f/s, %s",
                ok, failed, inFlight, rate(), clock(seconds));
        String line;
        if (totalKnown()) {
            double eta = etaSeconds();
            // done as wide as the total: the line does not shift as it grows
            String head = String.format(Locale.ROOT, "%s: %" + Long.toString(total).length() + "d/%d %3d%% ",
                    name, done(), total, percent());
            String tail = counts + ", ETA " + (eta < 0 ? "?" : clock(eta));
            boolean room = head.length() + BAR + 3 + tail.length() < columns;
            line = room ? head + bar(BAR) + " " + tail : head + tail;
        } else {
            line = String.format(Locale.ROOT, "%s: %d done, %s", name, done(), counts);
        }
        return line.length() < columns ? line : line.substring(0, Math.max(0, columns - 1));
    }

    /**
     * The terminal's width: {@code COLUMNS} if set, else what {@code stty size} says of
     * {@code /dev/tty} (a process: call it once, off the items' path), else 80.
     */
    public static int terminalColumns() {
        try {
            String env = System.getenv("COLUMNS");
            if (env != null && !env.isBlank()) return Math.max(20, Integer.parseInt(env.strip()));
        } catch (NumberFormatException e) {
            // not a width: ask the terminal
        }
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String[] rowsColumns = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip().split(" ");
            if (stty.waitFor(1, TimeUnit.SECONDS) && stty.exitValue() == 0 && rowsColumns.length == 2) {
                int columns = Integer.parseInt(rowsColumns[1]);
                if (columns > 0) return Math.max(20, columns);
            }
        } catch (IOException | NumberFormatException e) {
            // no stty, or no terminal: the default
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 80;
    }

    private String bar(int width) {
        int full = total == 0 ? width : (int) (done() * width / total);
        return "[" + "#".repeat(full) + "-".repeat(width - full) + "]";
    }

    /** 5 s, 2 min 5 s, 1 h 2 min: for a log. */
    static String seconds(double s) {
        long t = Math.round(s);
        if (t < 60) return t + " s";
        if (t < 3600) return t / 60 + " min " + t % 60 + " s";
        return t / 3600 + " h " + t % 3600 / 60 + " min";
    }

    /** 0:05, 12:34, 1:02:03: for a terminal, where the width should not jump. */
    static String clock(double s) {
        long t = Math.round(s);
        if (t < 3600) return String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
        return String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t % 3600 / 60, t % 60);
    }
}
