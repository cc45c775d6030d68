package dev.poolkit.cli;

import dev.poolkit.http.Fetcher;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fetch options every template shares, as a picocli mixin ({@link Job} mixes it in): they
 * configure the fetcher that {@link Fetcher#shared()} returns while the job runs.
 */
public final class FetchOptions {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]i?b?|b)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern HEADER = Pattern.compile("([!#$%&'*+.^_`|~0-9A-Za-z-]+)\\s*:\\s*(.*)");

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "30",
            description = "Deadline of one fetch attempt in seconds, until the last byte of the body (default: ${DEFAULT-VALUE}).")
    double timeout;

    @Option(names = "--connect-timeout", paramLabel = "S", defaultValue = "10",
            description = "How long to wait for a connection, in seconds (default: ${DEFAULT-VALUE}).")
    double connectTimeout;

    @Option(names = "--max-bytes", paramLabel = "N", defaultValue = "10MiB",
            description = "Largest body kept, after decompression; a larger one fails as too-large. "
                    + "Bytes, or with k, M, G (default: ${DEFAULT-VALUE}).")
    String maxBytes;

    @Option(names = "--max-redirects", paramLabel = "N", defaultValue = "10",
            description = "Redirects followed per fetch; 0 returns a redirect as it is (default: ${DEFAULT-VALUE}).")
    int maxRedirects;

    @Option(names = "--header", paramLabel = "'NAME: VALUE'",
            description = "Send this header with every request (repeatable); replaces User-Agent or Accept-Encoding if named so.")
    List<String> headers = new ArrayList<>();

    /**
     * A fetcher builder set from these options.
     *
     * @throws Job.UsageError if an option's value is out of range or malformed
     */
    public Fetcher.Builder builder() {
        var b = Fetcher.builder()
                .timeout(seconds("--timeout", timeout))
                .connectTimeout(seconds("--connect-timeout", connectTimeout))
                .maxBytes(bytes(maxBytes));
        if (maxRedirects < 0) throw new Job.UsageError("--max-redirects must be >= 0, got " + maxRedirects);
        b.maxRedirects(maxRedirects);
        for (String header : headers) {
            Matcher m = HEADER.matcher(header.strip());
            if (!m.matches()) {
                throw new Job.UsageError("--header must look like 'Name: value', got '" + header + "'");
            }
            try {
                b.header(m.group(1), m.group(2).strip());
            } catch (IllegalArgumentException e) {
                throw new Job.UsageError("--" + e.getMessage()); // "--header X cannot be set: ..."
            }
        }
        return b;
    }

    private static Duration seconds(String option, double seconds) {
        return seconds(option, seconds, 0.001, option + " must be at least 0.001 seconds, got " + seconds);
    }

    /** {@code seconds} as a Duration, if it is at least {@code min} and at most 1e9; else {@code error}. */
    static Duration seconds(String option, double seconds, double min, String error) {
        if (!(seconds >= min) || seconds > 1e9) throw new Job.UsageError(error);
        return Duration.ofNanos((long) (seconds * 1e9));
    }

    private static long bytes(String value) {
        Matcher m = SIZE.matcher(value.strip());
        long n;
        try {
            if (!m.matches()) throw new NumberFormatException();
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new Job.UsageError("--max-bytes must be a number of bytes, optionally with k, M or G, got '" + value + "'");
        }
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        long scale = switch (unit.charAt(0)) {
            case 'k' -> 1024L;
            case 'm' -> 1024L * 1024;
            case 'g' -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        long max = Integer.MAX_VALUE - 8;
        if (n < 1 || n > max / scale) {
            throw new Job.UsageError("--max-bytes must be between 1 and " + max + " bytes, got '" + value + "'");
        }
        return n * scale;
    }
}
