package dev.poolkit.cli;

import dev.poolkit.http.Fetcher;
import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * The fetcher's per-host limits and retries on the command line, as a picocli mixin
 * (mixed into {@link Job}): {@code --per-host}, {@code --rate}, {@code --rate-jitter},
 * {@code --retries}, {@code --backoff}, {@code --backoff-cap}, {@code --retry-after-cap},
 * {@code --auto-throttle}.
 */
public final class LimitOptions {
    @Option(names = "--per-host", paramLabel = "N", defaultValue = "0",
            description = "Requests in flight to one host at most, across all workers (default: ${DEFAULT-VALUE}, no limit).")
    int perHost;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "0",
            description = "Requests per second to one host at most, spread evenly, across all workers (default: ${DEFAULT-VALUE}, no limit).")
    double rate;

    @Option(names = "--rate-jitter", paramLabel = "F", defaultValue = "0",
            description = "Vary each gap between requests to a host by up to this fraction of it, 0 to 1 (default: ${DEFAULT-VALUE}).")
    double rateJitter;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "2",
            description = "Retries of a connect failure, timeout, reset, or HTTP 408, 429, 502, 503, 504 (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--backoff", paramLabel = "S", defaultValue = "0.5",
            description = "Base of the exponential backoff between retries, in seconds; each wait is random, up to base * 2^(retry-1) (default: ${DEFAULT-VALUE}).")
    double backoff;

    @Option(names = "--backoff-cap", paramLabel = "S", defaultValue = "30",
            description = "Longest backoff between retries, in seconds (default: ${DEFAULT-VALUE}).")
    double backoffCap;

    @Option(names = "--retry-after-cap", paramLabel = "S", defaultValue = "60",
            description = "Longest Retry-After honoured, in seconds; a longer one fails the item (default: ${DEFAULT-VALUE}).")
    double retryAfterCap;

    @Option(names = "--auto-throttle",
            description = "Adapt each host's requests in flight between 1 and --per-host (or as many as -c/-p/-t allow): "
                    + "halved on 429, 503, a timeout or rising latency, grown back by healthy answers (AIMD); across all workers.")
    boolean autoThrottle;

    /** Sets these options on {@code b}; a bad value is a {@link Job.UsageError} naming the option. */
    public void applyTo(Fetcher.Builder b) {
        if (perHost < 0) throw new Job.UsageError("--per-host must be >= 0 (0 for no limit), got " + perHost);
        if (!(rate >= 0) || Double.isInfinite(rate)) throw new Job.UsageError("--rate must be >= 0 (0 for no limit), got " + rate);
        if (!(rateJitter >= 0 && rateJitter <= 1)) throw new Job.UsageError("--rate-jitter must be between 0 and 1, got " + rateJitter);
        if (retries < 0) throw new Job.UsageError("--retries must be >= 0, got " + retries);
        Duration base = seconds("--backoff", backoff);
        Duration cap = seconds("--backoff-cap", backoffCap);
        if (cap.compareTo(base) < 0) {
            throw new Job.UsageError("--backoff-cap must be >= --backoff (" + backoff + "), got " + backoffCap);
        }
        b.perHost(perHost).rate(rate).rateJitter(rateJitter).retries(retries)
                .backoff(base, cap).retryAfterCap(seconds("--retry-after-cap", retryAfterCap))
                .autoThrottle(autoThrottle);
    }

    private static Duration seconds(String option, double s) {
        return FetchOptions.seconds(option, s, 0, option + " must be a number of seconds >= 0, got " + s);
    }
}
